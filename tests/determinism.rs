//! Same scenario, seed and commands: the same bytes out, every time; different seeds differ.

use ttx_engine::{Command, Issuer, Sim, SimOptions, Tick, builtin};

use crate::harness::*;

#[test]
fn the_national_scenario_prints_the_same_bytes_twice() {
    let a = ttx(&["run", "scenarios/national.ron", "--seed", "7", "--json"]);
    let b = ttx(&["run", "scenarios/national.ron", "--seed", "7", "--json"]);
    assert_exit(&a, 0);
    assert_exit(&b, 0);
    assert_eq!(a.stdout, b.stdout, "byte-identical metrics across processes");
    let c = ttx(&["run", "scenarios/national.ron", "--seed", "8", "--json"]);
    assert_ne!(a.stdout, c.stdout, "another seed gives another run");
}

#[test]
fn journals_of_one_seed_are_identical_across_processes() {
    let dir = tempfile::tempdir().unwrap();
    let j1 = dir.path().join("a.jsonl");
    let j2 = dir.path().join("b.jsonl");
    for j in [&j1, &j2] {
        assert_exit(&ttx(&["run", "--seed", "11", "--journal", &j.display().to_string()]), 0);
    }
    let a = std::fs::read(&j1).unwrap();
    let b = std::fs::read(&j2).unwrap();
    assert_eq!(a, b, "identical hash trace in the journals");
    assert!(
        String::from_utf8_lossy(&a).matches("\"type\":\"hash\"").count() >= 150,
        "a hash at least once per simulated day"
    );
}

fn trace(seed: u64, step_every_hour: bool) -> (Vec<(Tick, u64)>, String) {
    let sc = builtin::default_scenario().unwrap();
    let mut sim = Sim::with_options(&sc, seed, SimOptions::default());
    // A few facilitator commands at fixed ticks.
    sim.submit_at(Tick(30), Issuer::Facilitator, Command::FireInject { inject: "vr_intrusion".into() })
        .unwrap();
    sim.submit_at(
        Tick(31),
        Issuer::Facilitator,
        Command::Patch { actor: "ridge".into(), asset: "ridge/results".into() },
    )
    .unwrap();
    if step_every_hour {
        while !sim.is_finished() {
            sim.step();
        }
    } else {
        sim.run_to_end();
    }
    (sim.hash_trace().to_vec(), serde_json::to_string(&sim.metrics()).unwrap())
}

#[test]
fn stepping_hour_by_hour_equals_jumping_over_idle_hours() {
    let (t1, m1) = trace(21, true);
    let (t2, m2) = trace(21, false);
    assert_eq!(t1, t2, "the console (hourly steps) and a batch run (jumps) agree");
    assert_eq!(m1, m2);
    assert!(t1.len() > 100);
}

#[test]
fn two_runs_with_one_seed_have_identical_traces_and_different_seeds_differ() {
    let (a, ma) = trace(5, false);
    let (b, mb) = trace(5, false);
    assert_eq!(a, b);
    assert_eq!(ma, mb);
    let (c, mc) = trace(6, false);
    assert_ne!(a, c);
    assert_ne!(ma, mc);
}

#[test]
fn runs_on_several_threads_at_once_match_the_serial_run() {
    let serial: Vec<_> = (0..4).map(|s| trace(100 + s, false)).collect();
    let handles: Vec<_> = (0..4).map(|s| std::thread::spawn(move || trace(100 + s, false))).collect();
    let parallel: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(serial, parallel);
}
