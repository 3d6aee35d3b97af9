//! The effect files of a whole batch with more than one sweep point:
//!
//! - `differences.csv`: every point against point 0 (the baseline), metric by metric,
//!   paired run by run over the common random numbers (see [`super::inference`]), with
//!   the p-value and, for the key metrics, Holm's adjusted p-value over the family the
//!   research report tests (every key metric at every point but the baseline);
//! - `survival.csv`: the per-run dwell percentiles as censored data. A run with
//!   compromises in which too few were detected to reach a percentile has none: its
//!   percentile lies beyond the end of the run. Averaging only the runs that have one
//!   would make detection look faster the worse it is; the Kaplan-Meier median over runs
//!   counts those runs as censored at the end instead.
//!
//! Both are functions of the manifest and the sorted rows alone: the same bytes for any
//! `--jobs` or shard split.

use std::path::Path;

use super::BatchError;
use super::files::{Manifest, RunRow, write_atomic};
use super::inference;
use super::stats::{BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED};
use super::sweep;

/// One row of differences.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    /// The point compared with the baseline.
    pub point: u32,
    /// The metric.
    pub metric: String,
    /// The paired difference `point − baseline`.
    pub paired: inference::Paired,
    /// Holm's adjusted p-value over the key metrics' comparisons; none for other metrics.
    pub p_holm: Option<f64>,
}

/// The rows of each point, indexed by run (none where a run is missing).
fn by_point<'a>(m: &Manifest, rows: &'a [RunRow]) -> Vec<Vec<Option<&'a RunRow>>> {
    let mut out = vec![vec![None; m.runs as usize]; m.points as usize];
    for r in rows {
        if let Some(slot) = out.get_mut(r.point as usize).and_then(|p| p.get_mut(r.run as usize)) {
            *slot = Some(r);
        }
    }
    out
}

fn column(point: &[Option<&RunRow>], j: usize) -> Vec<Option<f64>> {
    point.iter().map(|r| r.and_then(|r| r.values[j])).collect()
}

/// Every point but the baseline against point 0, for every metric; Holm over the key metrics.
pub fn differences(m: &Manifest, metrics: &[String], rows: &[RunRow]) -> Vec<Difference> {
    let points = by_point(m, rows);
    let Some(base) = points.first() else { return Vec::new() };
    let mut out = Vec::new();
    for (p, here) in points.iter().enumerate().skip(1) {
        for (j, name) in metrics.iter().enumerate() {
            out.push(Difference {
                point: p as u32,
                metric: name.clone(),
                paired: inference::paired(&column(here, j), &column(base, j)),
                p_holm: None,
            });
        }
    }
    let key: Vec<usize> = (0..out.len())
        .filter(|&i| ttx_engine::metrics::metric_def(&out[i].metric).is_some_and(|d| d.key.is_key()))
        .collect();
    let ps: Vec<f64> = key.iter().map(|&i| out[i].paired.p.unwrap_or(f64::NAN)).collect();
    for (&i, adj) in key.iter().zip(inference::holm(&ps)) {
        out[i].p_holm = (!adj.is_nan()).then_some(adj);
    }
    out
}

fn cell(x: Option<f64>) -> String {
    x.map(|v| format!("{v}")).unwrap_or_default()
}

fn csv_bytes(records: Vec<Vec<String>>, path: &Path) -> Result<Vec<u8>, BatchError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in records {
        w.write_record(&r).map_err(BatchError::write_csv(path))?;
    }
    w.into_inner().map_err(BatchError::flush_csv(path))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), BatchError> {
    write_atomic(path, bytes).map_err(BatchError::write(path))
}

/// Writes differences.csv and survival.csv (a batch of one point has no differences file).
pub fn write(dir: &Path, m: &Manifest, metrics: &[String], rows: &[RunRow]) -> Result<(), BatchError> {
    let params: Vec<Vec<String>> =
        (0..m.points).map(|p| m.point_values(p).iter().map(sweep::show).collect()).collect();
    let paths = m.sweeps.iter().map(|s| s.path.clone());
    if m.points > 1 {
        let path = dir.join("differences.csv");
        let mut head = vec!["point".to_string()];
        head.extend(paths.clone());
        head.extend(
            ["metric", "baseline", "n", "mean_diff", "sd_diff", "ci95_low", "ci95_high", "p_value", "p_holm"]
                .map(str::to_string),
        );
        let mut records = vec![head];
        // The lines are formatted on the threads of the pool this runs in, kept in order.
        use rayon::prelude::*;
        let lines: Vec<Vec<String>> = differences(m, metrics, rows)
            .par_iter()
            .map(|d| {
                let mut r = vec![d.point.to_string()];
                r.extend(params[d.point as usize].iter().cloned());
                r.extend([d.metric.clone(), "0".into(), d.paired.n.to_string()]);
                let s = &d.paired;
                r.extend([s.mean, s.sd, s.ci95.map(|c| c.0), s.ci95.map(|c| c.1), s.p, d.p_holm].map(cell));
                r
            })
            .collect();
        records.extend(lines);
        write_file(&path, &csv_bytes(records, &path)?)?;
    }
    let path = dir.join("survival.csv");
    let mut head = vec!["point".to_string()];
    head.extend(paths);
    head.extend(
        ["metric", "runs", "reached", "censored", "km_median", "ci95_low", "ci95_high"].map(str::to_string),
    );
    let mut records = vec![head];
    for s in survival(m, metrics, rows) {
        let mut r = vec![s.point.to_string()];
        r.extend(params[s.point as usize].iter().cloned());
        r.extend([s.metric.clone(), s.runs.to_string(), s.reached.to_string(), s.censored.to_string()]);
        r.extend([s.median, s.ci95.and_then(|c| c.0), s.ci95.and_then(|c| c.1)].map(cell));
        records.push(r);
    }
    write_file(&path, &csv_bytes(records, &path)?)
}

/// The dwell percentiles that survival.csv treats as censored data.
pub const CENSORED_METRICS: [&str; 2] = ["dwell_time_h_p50", "dwell_time_h_p90"];

/// One row of survival.csv: a dwell percentile over the runs of a point.
#[derive(Clone, Debug, PartialEq)]
pub struct Survival {
    /// The point.
    pub point: u32,
    /// The per-run metric (a dwell percentile).
    pub metric: String,
    /// Runs with at least one compromise.
    pub runs: usize,
    /// Runs in which the percentile was reached (it has a value).
    pub reached: usize,
    /// Runs in which it was not (censored at the end of the run).
    pub censored: usize,
    /// The Kaplan-Meier median over runs; none when half the runs or more are censored.
    pub median: Option<f64>,
    /// Its 95% percentile-bootstrap interval over runs; a bound is none where the
    /// resampled medians are not reached (no upper bound is known).
    pub ci95: Option<(Option<f64>, Option<f64>)>,
}

/// The Kaplan-Meier median over a point's runs of each censored dwell metric.
pub fn survival(m: &Manifest, metrics: &[String], rows: &[RunRow]) -> Vec<Survival> {
    let Some(jc) = metrics.iter().position(|n| n == "dwell_censored") else { return Vec::new() };
    let points = by_point(m, rows);
    let mut out = Vec::new();
    for (p, here) in points.iter().enumerate() {
        for name in CENSORED_METRICS {
            let Some(j) = metrics.iter().position(|n| n == name) else { continue };
            // A run without a value but with censored compromises did not reach the
            // percentile before it ended; one with neither had no compromise at all.
            let obs: Vec<(f64, bool)> = here
                .iter()
                .flatten()
                .filter_map(|r| match (r.values[j], r.values[jc]) {
                    (Some(v), _) => Some((v, true)),
                    (None, Some(c)) if c > 0.0 => Some((f64::INFINITY, false)),
                    _ => None,
                })
                .collect();
            let reached = obs.iter().filter(|o| o.1).count();
            let median = inference::km_quantile(&inference::kaplan_meier(&obs), 0.5);
            let ci95 = (obs.len() >= 2).then(|| km_bootstrap(&format!("{name}@{p}"), &obs, 0.5));
            out.push(Survival {
                point: p as u32,
                metric: name.to_string(),
                runs: obs.len(),
                reached,
                censored: obs.len() - reached,
                median,
                ci95,
            });
        }
    }
    out
}

/// The 95% percentile-bootstrap interval of a Kaplan-Meier quantile, resampling the
/// observations (runs) from the stream named `["km", key]`. A resample whose quantile is
/// not reached counts as larger than every time; a bound that falls on one is none.
pub fn km_bootstrap(key: &str, obs: &[(f64, bool)], q: f64) -> (Option<f64>, Option<f64>) {
    let mut sorted = obs.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let n = sorted.len();
    let mut stream = ttx_engine::rng::Streams::new(BOOTSTRAP_SEED).stream(&["km", key]);
    let mut counts = vec![0u32; n];
    let mut quantiles = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    for _ in 0..BOOTSTRAP_RESAMPLES {
        counts.iter_mut().for_each(|c| *c = 0);
        for _ in 0..n {
            counts[((u128::from(stream.next_u64()) * n as u128) >> 64) as usize] += 1;
        }
        quantiles.push(weighted_km_quantile(&sorted, &counts, q).unwrap_or(f64::INFINITY));
    }
    quantiles.sort_by(f64::total_cmp);
    let at = |p: f64| {
        // Nearest rank: a quantile of times, so a bound is one of the times.
        let k = ((p * BOOTSTRAP_RESAMPLES as f64).ceil() as usize).clamp(1, BOOTSTRAP_RESAMPLES) - 1;
        Some(quantiles[k]).filter(|x| x.is_finite())
    };
    (at(0.025), at(0.975))
}

/// The Kaplan-Meier `q` quantile of sorted observations each counted `counts[i]` times.
fn weighted_km_quantile(sorted: &[(f64, bool)], counts: &[u32], q: f64) -> Option<f64> {
    let mut at_risk: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    let mut survival = 1.0f64;
    let target = 1.0 - q;
    let mut k = 0;
    while k < sorted.len() {
        let t = sorted[k].0;
        let (mut events, mut leaving) = (0u64, 0u64);
        while k < sorted.len() && sorted[k].0.total_cmp(&t).is_eq() {
            if sorted[k].1 {
                events += u64::from(counts[k]);
            }
            leaving += u64::from(counts[k]);
            k += 1;
        }
        if events > 0 {
            survival *= 1.0 - events as f64 / at_risk as f64;
            if survival <= target + 1e-12 {
                return Some(t);
            }
        }
        at_risk -= leaving;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(points: u32, runs: u32) -> Manifest {
        let values: Vec<f64> = (0..points).map(f64::from).collect();
        crate::batch::files::test_manifest(1, runs, &[("a", &values)])
    }

    fn row(point: u32, run: u32, values: Vec<Option<f64>>) -> RunRow {
        RunRow { point, run, seed: 0, values }
    }

    #[test]
    fn differences_pair_runs_and_holm_covers_only_key_metrics() {
        let m = manifest(3, 4);
        let metrics = vec!["voters_affected".to_string(), "intrusions_attempted".to_string()];
        let mut rows = Vec::new();
        for run in 0..4u32 {
            let x = f64::from(run);
            rows.push(row(0, run, vec![Some(10.0 * x), Some(x)]));
            rows.push(row(1, run, vec![Some(10.0 * x + 1.0 + 0.1 * x), Some(x)]));
            rows.push(row(2, run, vec![Some(10.0 * x), None]));
        }
        let d = differences(&m, &metrics, &rows);
        assert_eq!(d.len(), 4);
        // Point 1: differences 1.0, 1.1, 1.2, 1.3: clearly above zero although the spread
        // between runs (0 to 30) would hide it in an unpaired comparison.
        let a = &d[0];
        assert_eq!((a.point, a.metric.as_str(), a.paired.n), (1, "voters_affected", 4));
        assert!((a.paired.mean.unwrap() - 1.15).abs() < 1e-12);
        assert!(a.paired.ci95.unwrap().0 > 0.0);
        // Two key comparisons (voters_affected at points 1 and 2): Holm doubles the smaller p.
        let p1 = a.paired.p.unwrap();
        assert!((a.p_holm.unwrap() - (2.0 * p1).min(1.0)).abs() < 1e-15);
        assert_eq!(d[1].p_holm, None, "intrusions_attempted is not a key metric");
        assert_eq!(d[3].paired.n, 0);
        assert_eq!(d[2].p_holm, Some(1.0), "no change at point 2");
    }

    #[test]
    fn runs_that_never_reach_the_percentile_are_censored_not_dropped() {
        let m = manifest(1, 6);
        let metrics = vec!["dwell_time_h_p50".to_string(), "dwell_censored".to_string()];
        let rows = vec![
            row(0, 0, vec![Some(10.0), Some(0.0)]),
            row(0, 1, vec![Some(20.0), Some(1.0)]),
            row(0, 2, vec![None, Some(3.0)]),
            row(0, 3, vec![None, Some(2.0)]),
            row(0, 4, vec![Some(30.0), Some(0.0)]),
            // No compromise at all: not a run of the dwell analysis.
            row(0, 5, vec![None, Some(0.0)]),
        ];
        let s = survival(&m, &metrics, &rows);
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert_eq!((s.runs, s.reached, s.censored), (5, 3, 2));
        // The mean of the runs that have a value says 20 h; with two of five runs beyond
        // the end, the median over runs is the third smallest: 30 h.
        assert_eq!(s.median, Some(30.0));
        let (lo, hi) = s.ci95.unwrap();
        assert!(lo.is_some_and(|l| l <= 30.0));
        assert_eq!(hi, None, "many resamples never reach half");
        // Deterministic.
        assert_eq!(survival(&m, &metrics, &rows)[0], *s);
    }

    #[test]
    fn the_weighted_quantile_is_the_km_quantile_of_the_repeated_sample() {
        let obs = [(1.0, true), (2.0, false), (3.0, true), (4.0, true), (5.0, false)];
        let counts: [u32; 5] = [2, 1, 3, 1, 2];
        let mut repeated = Vec::new();
        for (o, c) in obs.iter().zip(counts) {
            repeated.extend(std::iter::repeat_n(*o, c as usize));
        }
        for q in [0.1, 0.25, 0.5, 0.75, 0.9] {
            assert_eq!(
                weighted_km_quantile(&obs, &counts, q),
                inference::km_quantile(&inference::kaplan_meier(&repeated), q),
                "q = {q}"
            );
        }
    }
}
