//! Prints the state hash at the end of runs of every built-in scenario and of the scaling
//! scenario, so a change meant to keep behaviour can be checked against the build before it.
//!
//! `cargo run --release -p ttx-engine --example digest > after.txt` and compare.
use ttx_engine::{Sim, builtin};

fn main() {
    let mut scenarios: Vec<(String, ttx_engine::Scenario)> =
        builtin::BUILTINS.iter().map(|b| (b.name.to_string(), builtin::load(b).unwrap())).collect();
    for k in [1, 4, 16] {
        scenarios.push((format!("synthetic x{k}"), builtin::synthetic(k, k).unwrap()));
    }
    for (name, sc) in &scenarios {
        for seed in 1..=3 {
            let mut sim = Sim::new(sc, seed);
            sim.run_to_end();
            println!("{name} seed {seed}: {:016x} events {}", sim.state_hash(), sim.events().len());
        }
    }
}
