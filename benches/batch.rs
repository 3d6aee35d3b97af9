//! Batch throughput: runs per second of the default scenario (per core and on
//! every core), and of the national scenario when it is present.
//!
//!     cargo bench --bench batch
//!
//! `engine` is bare `Sim::new` + `run_to_end` + `metrics` in a loop, the cost
//! of the simulation itself; `engine/reset` the same with one `Sim` started over
//! by `Sim::reset` for each run, as the batch layer's threads do; `batch/jobs=N` is the batch layer on N threads
//! (task list, rayon pool, collecting rows), so the gap between `engine` and
//! `batch/jobs=1` is what the batch layer adds; `engine/setup_only` is the part
//! of `engine` spent building a run (`Sim::new`) before simulating it.
//! Criterion reports throughput in runs ("elem") per second.

use std::hint::black_box;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ttx::batch::{Plan, RunRow};
use ttx_engine::{Scenario, Sim, builtin};

fn group(c: &mut Criterion, name: &str, scenario: &Scenario, runs: u32, samples: usize) {
    let plan = Plan::new(scenario, name, runs, 1, &[], None).expect("a valid batch");
    let tasks = plan.manifest.tasks();
    let stop = AtomicBool::new(false);
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(u64::from(runs)));
    g.sample_size(samples);
    g.warm_up_time(Duration::from_secs(2));
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("engine", |b| {
        b.iter(|| {
            for t in &tasks {
                let mut sim = Sim::new(scenario, t.seed);
                sim.run_to_end();
                black_box(sim.metrics());
            }
        })
    });
    g.bench_function("engine/reset", |b| {
        let mut sim = Sim::new(scenario, 0);
        b.iter(|| {
            for t in &tasks {
                sim.reset(t.seed);
                sim.run_to_end();
                black_box(sim.metrics());
            }
        })
    });
    g.bench_function("engine/setup_only", |b| {
        b.iter(|| {
            for t in &tasks {
                black_box(Sim::new(scenario, t.seed));
            }
        })
    });
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut jobs = vec![1];
    if cores > 1 {
        jobs.push(cores);
    }
    for j in jobs {
        g.bench_function(format!("batch/jobs={j}"), |b| {
            b.iter(|| {
                let mut rows: Vec<RunRow> = Vec::with_capacity(tasks.len());
                plan.execute(&tasks, j, &stop, |r| {
                    rows.push(r);
                    Ok(())
                })
                .expect("the batch runs");
                black_box(rows)
            })
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    let default = builtin::default_scenario().expect("the default scenario loads");
    group(c, "tabletop_the_vote", &default, 200, 20);
    let national = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/national.ron");
    if let Ok(source) = std::fs::read_to_string(national) {
        match Scenario::parse("scenarios/national.ron", &source) {
            Ok(s) => group(c, "national", &s, 4, 10),
            Err(d) => eprintln!("national.ron does not load, skipped:\n{d}"),
        }
    } else {
        eprintln!("scenarios/national.ron is not in this tree: only the default scenario is measured");
    }
}

criterion_group!(batch, benches);
criterion_main!(batch);
