use ttx_engine::*;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let seed: u64 = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(7);
    let filter = std::env::args().nth(3).unwrap_or_default();
    let src = std::fs::read_to_string(&path).unwrap();
    let sc = Scenario::parse(&path, &src).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let mut sim = Sim::new(&sc, seed);
    sim.run_to_end();
    for e in sim.events() {
        let d = describe(sim.registry(), e);
        if d.contains(&filter) {
            println!("{} {:?} {}", sim.registry().clock.at(e.tick), e.severity, d);
        }
    }
    println!("{}", serde_json::to_string(&sim.facilitator_view().eo).unwrap());
}
