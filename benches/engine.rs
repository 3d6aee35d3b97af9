//! Engine benchmarks: whole runs, the cost of each system family per tick, scaling, and loading.
//!
//! `cargo bench --bench engine` runs them all; `cargo bench --bench engine -- national_run`
//! runs one. Targets (docs/performance.md): the national scenario to its end in under 0.5 s;
//! the default scenario at over 1,000 runs per second across both cores; time growing no
//! worse than linearly with jurisdictions and campaigns.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ttx_engine::{Family, Scenario, Sim, builtin};

fn load(name: &str) -> Scenario {
    builtin::load(builtin::find(name).expect("built-in scenario")).expect("scenario loads")
}

fn national_run(c: &mut Criterion) {
    let sc = load("national");
    let mut g = c.benchmark_group("national_run");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("national_run", |b| {
        b.iter(|| {
            let mut sim = Sim::new(&sc, 7);
            sim.run_to_end();
            black_box(sim.metrics())
        })
    });
    g.finish();
}

fn default_run(c: &mut Criterion) {
    let sc = load("tabletop_the_vote");
    let mut seed = 0;
    c.bench_function("default_run", |b| {
        b.iter(|| {
            seed += 1;
            let mut sim = Sim::new(&sc, seed);
            sim.run_to_end();
            black_box(sim.metrics())
        })
    });
}

/// The cost of each system family per simulated tick, over a whole national run.
fn tick_cost(c: &mut Criterion) {
    let sc = load("national");
    let mut g = c.benchmark_group("tick_cost");
    g.sample_size(10).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    for family in Family::ALL {
        g.bench_function(family.name(), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for i in 0..iters {
                    let mut spent = Duration::ZERO;
                    let mut sim = Sim::new(&sc, 7 + i);
                    sim.run_to_end_observed(&mut |f, run| {
                        if f == family {
                            let t = Instant::now();
                            run();
                            spent += t.elapsed();
                        } else {
                            run();
                        }
                    });
                    let ticks = sim.hash_trace().len().max(1) as u32;
                    total += spent / ticks;
                }
                total
            })
        });
    }
    g.finish();
}

/// The synthetic scaling scenario (`builtin::synthetic`).
fn synthetic(kj: u32, k: u32) -> Scenario {
    builtin::synthetic(kj, k).unwrap_or_else(|e| panic!("{e}"))
}

fn scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("scaling");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    // Both together (the measure), then each alone: message deliveries grow with
    // campaigns times the audiences their alerts reach, so together they grow as the product.
    let points = [(1, 1, "x1"), (4, 4, "x4"), (16, 16, "x16")]
        .into_iter()
        .chain([(4, 1, "jurisdictions_x4"), (16, 1, "jurisdictions_x16")])
        .chain([(1, 4, "campaigns_x4"), (1, 16, "campaigns_x16")]);
    for (kj, kc, name) in points {
        let sc = synthetic(kj, kc);
        g.bench_with_input(BenchmarkId::from_parameter(name), &sc, |b, sc| {
            b.iter(|| {
                let mut sim = Sim::new(sc, 3);
                sim.run_to_end();
                black_box(sim.metrics())
            })
        });
    }
    g.finish();
}

fn scenario_load(c: &mut Criterion) {
    let b = builtin::find("national").unwrap();
    let mut g = c.benchmark_group("scenario_load");
    g.sample_size(20);
    g.bench_function("national", |bench| {
        bench.iter(|| black_box(Scenario::parse(b.path, b.source).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, national_run, default_run, tick_cost, scaling, scenario_load);
criterion_main!(benches);
