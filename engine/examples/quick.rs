use ttx_engine::*;
fn main() {
    let sc = builtin::default_scenario().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let seed: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(7);
    let t = std::time::Instant::now();
    let mut sim = Sim::new(&sc, seed);
    sim.run_to_end();
    let el = t.elapsed();
    for e in sim.events().iter().filter(|e| e.severity >= Severity::Notice) {
        println!("{} {:?} {}", sim.registry().clock.at(e.tick), e.severity, describe(sim.registry(), e));
    }
    println!("{}", serde_json::to_string_pretty(&sim.metrics()).unwrap());
    println!(
        "events {} elapsed {:?} hash {:016x} trace {}",
        sim.events().len(),
        el,
        sim.state_hash(),
        sim.hash_trace().len()
    );
}
