//! Where the time of the synthetic scaling scenario goes, per system family, at 1x, 4x and 16x
//! the jurisdictions and campaigns together, or either alone.
//!
//! `cargo run --release -p ttx-engine --example scaling [jurisdictions|campaigns]`
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ttx_engine::{Scenario, Sim, builtin};

fn synthetic(kj: u32, kc: u32) -> Scenario {
    builtin::synthetic(kj, kc).unwrap()
}

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    for k in [1u32, 4, 16] {
        let (kj, kc) = match arg.as_str() {
            "jurisdictions" => (k, 1),
            "campaigns" => (1, k),
            _ => (k, k),
        };
        let sc = synthetic(kj, kc);
        let mut spent: BTreeMap<&'static str, Duration> = BTreeMap::new();
        let t = Instant::now();
        let mut sim = Sim::new(&sc, 3);
        let setup = t.elapsed();
        sim.run_to_end_observed(&mut |f, run| {
            let t = Instant::now();
            run();
            *spent.entry(f.name()).or_default() += t.elapsed();
        });
        let all = t.elapsed();
        println!(
            "jurisdictions x{kj}, campaigns x{kc}: total {all:?} (setup {setup:?}), events {}, indicators {}, processed ticks {}",
            sim.events().len(),
            sim.indicators().len(),
            sim.hash_trace().len()
        );
        for (f, d) in &spent {
            println!("    {f:<10} {d:?}");
        }
    }
}
