//! `ttx whatif` wall time against its two targets, on every core:
//!
//! - the default scenario, a session with 20 decisions at 20 different hours, 1,000 pairs of
//!   continuations per decision: under 20 s;
//! - the national scenario, a session with 5 decisions, 1,000 pairs each: under 60 s.
//!
//! Run it with:
//!
//! ```text
//! cargo bench --bench whatif                 # both
//! cargo bench --bench whatif -- default       # one (default or national)
//! cargo bench --bench whatif -- national 100  # fewer pairs: the figure scaled to 1,000
//! ```
//!
//! Each analysis is run once after a short warm-up (a full analysis takes seconds, so
//! sampling it many times would take many minutes); the figure is its wall time, with the
//! target met or missed.

use std::time::Instant;

use ttx_engine::journal::Record;
use ttx_engine::{Command, Issuer, Scenario, Sim, Tick, builtin};

/// A session journal's records: facilitator decisions staffing teams and handing them back
/// to their doctrines, at the given ticks.
fn session(sc: &Scenario, plan: &[(u32, &str, bool)]) -> Vec<(usize, Record)> {
    let mut sim = Sim::new(sc, 1);
    sim.checkpoint_commands(true);
    for (t, team, staffed) in plan {
        let cmd = Command::SetStaffed { team: team.to_string(), staffed: *staffed };
        sim.submit_at(Tick(*t), Issuer::Facilitator, cmd).expect("a tick on the clock");
    }
    sim.run_to_end();
    let mut records = vec![(1, Record::header(sc, 1, "play"))];
    for r in sim.take_journal_records() {
        records.push((records.len() + 1, r));
    }
    records.push((
        records.len() + 1,
        Record::End { tick: sim.now().0, hash: format!("{:016x}", sim.state_hash()) },
    ));
    records
}

/// 20 decisions from E-58d on, every five days: each of ten teams staffed for a day.
fn default_session() -> (Scenario, Vec<(usize, Record)>) {
    let sc = builtin::default_scenario().expect("the default scenario parses");
    let teams = ["pa", "ga", "wi", "cisa", "fbi", "intel", "policy", "vendor", "pa", "ga"];
    let mut plan = Vec::new();
    for (i, team) in teams.iter().enumerate() {
        let t = 48 + 120 * i as u32;
        plan.push((t, *team, true));
        plan.push((t + 24, *team, false));
    }
    let records = session(&sc, &plan);
    (sc, records)
}

/// 5 decisions of the federal teams, from E-55d to E-15d.
fn national_session() -> (Scenario, Vec<(usize, Record)>) {
    let b = builtin::find("national").expect("the national scenario is built in");
    let sc = Scenario::parse(b.name, b.source).expect("the national scenario parses");
    let plan = [
        (120, "cisa", true),
        (240, "cisa", false),
        (480, "fbi", true),
        (720, "fbi", false),
        (1080, "intel", true),
    ];
    let records = session(&sc, &plan);
    (sc, records)
}

fn measure(name: &str, records: &[(usize, Record)], decisions: usize, pairs: u32, target_s: f64) {
    let warm = ttx::whatif::Options { runs: 10, ..Default::default() };
    let a = ttx::whatif::analyse(records, &warm).expect("the session verifies");
    assert_eq!(a.alternatives.len(), decisions, "every decision was accepted");
    let opts = ttx::whatif::Options { runs: pairs, ..Default::default() };
    let (start, cpu0) = (Instant::now(), cpu_seconds());
    let a = ttx::whatif::analyse(records, &opts).expect("the session verifies");
    let measured = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu0).map(|(b, a)| b - a);
    assert_eq!(a.alternatives.len(), decisions);
    let threads = rayon::current_num_threads();
    // The cost is linear in the pairs (the past is simulated once per fork, a small part).
    let s = measured * 1000.0 / f64::from(pairs);
    let how = if pairs == 1000 {
        String::new()
    } else {
        format!(" (scaled from {pairs} pairs in {measured:.1} s)")
    };
    println!(
        "whatif/{name}: {decisions} decisions x 1,000 pairs on {threads} threads: {s:.1} s wall{how}; target < {target_s} s: {}",
        if s < target_s { "met" } else { "MISSED" }
    );
    // On a machine busy with other work the wall time overstates the cost: the CPU time the
    // analysis used, spread over its threads, is what it would take on idle cores.
    if let Some(cpu) = cpu {
        let idle = cpu * 1000.0 / f64::from(pairs) / threads as f64;
        println!(
            "whatif/{name}: {:.1} s of CPU for 1,000 pairs, {idle:.1} s on {threads} idle cores; target: {}",
            cpu * 1000.0 / f64::from(pairs),
            if idle < target_s { "met" } else { "MISSED" }
        );
    }
}

/// The process's CPU time so far (user and system), on Linux.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which may hold spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    // `cargo bench` passes `--bench`; a bare word picks one analysis.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let pairs = args.iter().find_map(|a| a.parse::<u32>().ok()).unwrap_or(1000).max(2);
    let pick: Vec<&String> = args.iter().filter(|a| a.parse::<u32>().is_err()).collect();
    let wanted = |n: &str| pick.is_empty() || pick.iter().any(|p| n.contains(p.as_str()));
    if wanted("default") {
        let (_, records) = default_session();
        measure("default", &records, 20, pairs, 20.0);
    }
    if wanted("national") {
        let (_, records) = national_session();
        measure("national", &records, 5, pairs, 60.0);
    }
}
