//! Group delivery (model version 2) against member-by-member delivery (model version 1):
//! the distributions of the key metrics over many seeds must not differ.
//!
//! Model version 1's code is gone; its distributions are kept in
//! `tests/fixtures/model1/<scenario>.csv`, the per-run metrics of `ttx batch <scenario>
//! --runs 1000` (national: 200) written by the last build of model version 1. Each metric
//! is compared with a two-sample Kolmogorov–Smirnov test; a metric fails when its p-value is
//! below 0.001 (about 40 comparisons in all, so a false alarm in about 4% of the suites even
//! if the models were identical in law, fewer for these discrete metrics, on which the test
//! is conservative). A missing value (a run with nothing to measure) ranks above every
//! number. The fixtures keep six significant digits, and new values are rounded alike.
//! docs/validity.md gives the table.

use ttx_engine::{Sim, builtin};

/// The metrics compared (the fixture's columns).
const METRICS: [&str; 10] = [
    "intrusions_succeeded",
    "intrusions_blocked",
    "blocked_by_shared_indicator",
    "dwell_time_h_p50",
    "time_to_share_h_p50",
    "alert_reach_h_p50",
    "warned_before_targeted",
    "voters_affected",
    "confidence_min",
    "attribution_day",
];

/// The smallest p-value that passes.
const ALPHA: f64 = 0.001;

fn fixture(scenario: &str) -> Vec<Vec<f64>> {
    let path = format!("{}/tests/fixtures/model1/{scenario}.csv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header, METRICS, "{path}: columns");
    let mut cols = vec![Vec::new(); METRICS.len()];
    for line in lines {
        for (c, v) in cols.iter_mut().zip(line.split(',')) {
            c.push(if v.is_empty() { f64::INFINITY } else { v.parse().expect("number") });
        }
    }
    cols
}

fn simulate(scenario: &str, runs: u64) -> Vec<Vec<f64>> {
    let b = builtin::find(scenario).expect("built-in");
    let sc = builtin::load(b).expect("loads");
    let mut cols = vec![Vec::new(); METRICS.len()];
    let mut sim = Sim::new(&sc, 1);
    for seed in 1..=runs {
        sim.reset(seed);
        sim.run_to_end();
        let scalars = sim.metrics().scalars();
        for (c, name) in cols.iter_mut().zip(METRICS) {
            let v = scalars.iter().find(|(n, _)| *n == name).expect("metric").1;
            c.push(v.map_or(f64::INFINITY, six_digits));
        }
    }
    cols
}

/// A value rounded to the six significant digits the fixtures keep (`%.6g`), so that equal
/// values compare equal.
fn six_digits(v: f64) -> f64 {
    format!("{v:.5e}").parse().unwrap_or(v)
}

/// The two-sample Kolmogorov–Smirnov statistic and its asymptotic p-value.
fn ks(a: &[f64], b: &[f64]) -> (f64, f64) {
    let sorted = |x: &[f64]| {
        let mut v = x.to_vec();
        v.sort_by(f64::total_cmp);
        v
    };
    let (a, b) = (sorted(a), sorted(b));
    let (n, m) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = if a[i].total_cmp(&b[j]).is_le() { a[i] } else { b[j] };
        while i < a.len() && a[i] == x {
            i += 1;
        }
        while j < b.len() && b[j] == x {
            j += 1;
        }
        d = d.max((i as f64 / n - j as f64 / m).abs());
    }
    let en = (n * m / (n + m)).sqrt();
    let lambda = (en + 0.12 + 0.11 / en) * d;
    // The series converges slowly near 0, where the p-value is 1 to many decimals.
    if lambda < 0.3 {
        return (d, 1.0);
    }
    let mut p = 0.0;
    for k in 1..=100 {
        let kf = f64::from(k);
        let term = 2.0 * (-2.0 * kf * kf * lambda * lambda).exp();
        p += if k % 2 == 1 { term } else { -term };
    }
    (d, p.clamp(0.0, 1.0))
}

fn mean(x: &[f64]) -> String {
    let finite: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return "-".into();
    }
    format!("{:.4}", finite.iter().sum::<f64>() / finite.len() as f64)
}

/// Compares `runs` new runs of a scenario with its model-1 fixture; prints the table rows.
fn compare(scenario: &str, runs: u64) {
    let old = fixture(scenario);
    let new = simulate(scenario, runs);
    let mut failed = Vec::new();
    for ((name, o), n) in METRICS.iter().zip(&old).zip(&new) {
        let (d, p) = ks(o, n);
        println!("| {scenario} | {name} | {} | {} | {d:.3} | {p:.3} |", mean(o), mean(n));
        if p < ALPHA {
            failed.push(format!("{name}: D = {d:.3}, p = {p:.2e}"));
        }
    }
    assert!(failed.is_empty(), "{scenario}: group delivery changed the distribution of {failed:?}");
}

#[test]
fn ks_test_tells_different_distributions_apart() {
    let a: Vec<f64> = (0..500).map(|i| f64::from(i) / 500.0).collect();
    let same: Vec<f64> = (0..200).map(|i| f64::from(i) / 200.0 + 0.001).collect();
    let shifted: Vec<f64> = (0..200).map(|i| f64::from(i) / 200.0 + 0.2).collect();
    assert!(ks(&a, &same).1 > 0.5);
    assert!(ks(&a, &shifted).1 < ALPHA);
    assert_eq!(ks(&a, &a), (0.0, 1.0));
}

#[test]
fn group_delivery_keeps_default_and_county_distributions() {
    compare("tabletop_the_vote", 200);
    compare("county_ransomware", 200);
}

/// The full comparison: 1,000 runs of each small scenario and 200 national runs
/// (`cargo test --release --test tests model_equivalence -- --ignored --nocapture`).
#[test]
#[ignore]
fn group_delivery_keeps_every_scenario_distribution() {
    compare("tabletop_the_vote", 1000);
    compare("county_ransomware", 1000);
    compare("vendor_supply_chain", 1000);
    compare("national", 200);
}
