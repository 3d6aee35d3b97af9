use std::time::Instant;
use ttx_engine::*;
fn main() {
    let name = std::env::args().nth(1).unwrap_or("tabletop_the_vote".into());
    let n: u64 = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(500);
    // `synthetic:K` is the scaling benchmark's scenario at K times the jurisdictions and campaigns.
    let sc = match name.strip_prefix("synthetic:") {
        Some(k) => builtin::synthetic(k.parse().unwrap(), k.parse().unwrap()).unwrap(),
        None => builtin::load(builtin::find(&name).unwrap()).unwrap(),
    };
    let t = Instant::now();
    for s in 0..n {
        let sim = Sim::new(&sc, s);
        std::hint::black_box(&sim);
    }
    let new_t = t.elapsed() / n as u32;
    let t = Instant::now();
    let mut ticks = 0;
    for s in 0..n {
        let mut sim = Sim::new(&sc, s);
        sim.run_to_end();
        ticks += sim.hash_trace().len();
        std::hint::black_box(sim.metrics());
    }
    let all = t.elapsed() / n as u32;
    println!("new {:?}  new+run {:?}  processed-ticks/run {}", new_t, all, ticks as u64 / n);
}
