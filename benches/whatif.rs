//! `ttx whatif` throughput: a session of the default scenario with 20 decisions at 20
//! different hours, each examined with 100 pairs of continuations on every core.
//!
//!     cargo bench --bench whatif
//!
//! The cost is linear in the pairs: 1,000 pairs per decision take ten times the figure
//! reported here (docs/performance.md gives both).

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ttx_engine::journal::Record;
use ttx_engine::{Command, Issuer, Sim, Tick, builtin};

/// A session journal's records: 20 facilitator decisions, each team staffed for a day and
/// handed back to its doctrine, from E-58d on.
fn session() -> Vec<(usize, Record)> {
    let sc = builtin::default_scenario().expect("the default scenario parses");
    let mut sim = Sim::new(&sc, 1);
    sim.checkpoint_commands(true);
    let teams = ["pa", "ga", "wi", "cisa", "fbi", "intel", "policy", "vendor", "pa", "ga"];
    for (i, team) in teams.iter().enumerate() {
        let t = 48 + 120 * i as u32;
        for (dt, staffed) in [(0, true), (24, false)] {
            let cmd = Command::SetStaffed { team: team.to_string(), staffed };
            sim.submit_at(Tick(t + dt), Issuer::Facilitator, cmd).expect("a tick on the clock");
        }
    }
    sim.run_to_end();
    let mut records = vec![(1, Record::header(&sc, 1, "play"))];
    for r in sim.take_journal_records() {
        records.push((records.len() + 1, r));
    }
    records.push((
        records.len() + 1,
        Record::End { tick: sim.now().0, hash: format!("{:016x}", sim.state_hash()) },
    ));
    records
}

fn bench(c: &mut Criterion) {
    let records = session();
    let opts = ttx::whatif::Options { runs: 100, ..Default::default() };
    let analysis = ttx::whatif::analyse(&records, &opts).expect("the session verifies");
    assert_eq!(analysis.alternatives.len(), 20, "every decision was accepted");
    let mut g = c.benchmark_group("whatif");
    g.throughput(Throughput::Elements(20));
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(30));
    g.bench_function("default/20_decisions/100_pairs", |b| {
        b.iter(|| ttx::whatif::analyse(&records, &opts).expect("the session verifies"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
