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
//!   counts those runs as censored at the end instead. Its intervals take the summary's
//!   resamples of the runs, shared by the point's dwell percentiles ([`km_bootstrap`]).
//!
//! Both are functions of the manifest and the sorted rows alone: the same bytes for any
//! `--jobs` or shard split.

use std::path::Path;

use super::BatchError;
use super::files::{Manifest, PointSummary, RunRow, write_atomic};
use super::inference;
use super::stats::{Rider, resample_blocks};
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

/// Writes differences.csv and survival.csv (a batch of one point has no differences file);
/// survival.csv's rows are the summary's ([`PointSummary::survival`]).
pub fn write(
    dir: &Path,
    m: &Manifest,
    metrics: &[String],
    rows: &[RunRow],
    sums: &[PointSummary],
) -> Result<(), BatchError> {
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
    for s in sums.iter().flat_map(|s| &s.survival) {
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

/// The Kaplan-Meier median over a point's runs of each censored dwell metric, the points
/// in parallel on the current rayon pool. A point's intervals share the resamples of its
/// runs ([`km_bootstrap`]), so the result does not depend on the number of threads. The
/// summary makes the same rows from its own resamples ([`Censored::rider`]), which are these.
pub fn survival(m: &Manifest, metrics: &[String], rows: &[RunRow]) -> Vec<Survival> {
    use rayon::prelude::*;
    let Some(censored) = Censored::of(metrics) else { return Vec::new() };
    let points = by_point(m, rows);
    let per_point: Vec<Vec<Survival>> = points
        .par_iter()
        .enumerate()
        .map(|(p, here)| censored.point(p as u32, here.iter().flatten().copied()))
        .collect();
    per_point.into_iter().flatten().collect()
}

/// Where survival.csv's columns are among a batch's metrics.
pub struct Censored {
    /// The index of `dwell_censored`.
    jc: usize,
    /// Each of [`CENSORED_METRICS`] there is, with its index.
    columns: Vec<(&'static str, usize)>,
}

impl Censored {
    /// The censored metrics among `metrics`; none when there are none, or no `dwell_censored`.
    pub fn of(metrics: &[String]) -> Option<Censored> {
        let jc = metrics.iter().position(|n| n == "dwell_censored")?;
        let columns: Vec<(&str, usize)> = CENSORED_METRICS
            .iter()
            .filter_map(|&name| metrics.iter().position(|n| n == name).map(|j| (name, j)))
            .collect();
        (!columns.is_empty()).then_some(Censored { jc, columns })
    }

    /// A point's runs (in run order) × censored metrics, row-major. A run without a value but
    /// with censored compromises did not reach the percentile before it ended; one with
    /// neither had no compromise at all and is no observation.
    fn cells<'a>(&self, runs: impl Iterator<Item = &'a RunRow>) -> Vec<Option<(f64, bool)>> {
        runs.flat_map(|r| {
            self.columns.iter().map(|&(_, j)| match (r.values[j], r.values[self.jc]) {
                (Some(v), _) => Some((v, true)),
                (None, Some(c)) if c > 0.0 => Some((f64::INFINITY, false)),
                _ => None,
            })
        })
        .collect()
    }

    /// The rows of survival.csv at point `p` from its runs (in run order), with intervals
    /// from resamples of their own ([`km_bootstrap`]).
    pub fn point<'a>(&self, p: u32, runs: impl Iterator<Item = &'a RunRow>) -> Vec<Survival> {
        let cells = self.cells(runs);
        let intervals = km_bootstrap(&cells, self.columns.len(), 0.5);
        self.rows(p, &cells, intervals)
    }

    /// The rows of survival.csv at point `p` from its observations and their intervals.
    fn rows(
        &self,
        p: u32,
        cells: &[Option<(f64, bool)>],
        intervals: Vec<Option<(Option<f64>, Option<f64>)>>,
    ) -> Vec<Survival> {
        let width = self.columns.len();
        self.columns
            .iter()
            .zip(intervals)
            .enumerate()
            .map(|(g, (&(name, _), ci95))| {
                let obs: Vec<(f64, bool)> = cells.iter().skip(g).step_by(width).flatten().copied().collect();
                let reached = obs.iter().filter(|o| o.1).count();
                Survival {
                    point: p,
                    metric: name.to_string(),
                    runs: obs.len(),
                    reached,
                    censored: obs.len() - reached,
                    median: inference::km_quantile(&inference::kaplan_meier(&obs), 0.5),
                    ci95: ci95.filter(|_| obs.len() >= 2),
                }
            })
            .collect()
    }

    /// The Kaplan-Meier bootstrap of a point's runs (all of them, in run order) as a rider
    /// of the summary's ([`super::stats::Stats::of_runs_with`]): the summary's resamples of
    /// the same runs are the ones [`survival`] draws, so [`KmRider::finish`] gives the rows
    /// it gives.
    pub fn rider<'a>(&self, runs: impl Iterator<Item = &'a RunRow>) -> KmRider<'_> {
        let cells = self.cells(runs);
        let table = KmTable::new(&cells, self.columns.len());
        KmRider { censored: self, cells, table }
    }
}

/// A point's Kaplan-Meier bootstrap taking the summary's resamples ([`Censored::rider`]).
pub struct KmRider<'a> {
    censored: &'a Censored,
    cells: Vec<Option<(f64, bool)>>,
    table: KmTable,
}

impl Rider for KmRider<'_> {
    type Block = KmBlock;

    fn start(&self) -> KmBlock {
        self.table.start()
    }

    fn each(&self, block: &mut KmBlock, picked: &[u32]) {
        self.table.resample(picked, 0.5, block);
    }
}

impl KmRider<'_> {
    /// The rows of survival.csv at point `p` from the blocks of the resamples.
    pub fn finish(self, p: u32, blocks: &[KmBlock]) -> Vec<Survival> {
        let intervals = km_intervals(blocks, self.censored.columns.len());
        self.censored.rows(p, &self.cells, intervals)
    }
}

/// 95% percentile-bootstrap intervals of the Kaplan-Meier `q` quantile of censored columns
/// over the same runs, one per column. `obs` is row-major, `width` cells a run in run order:
/// a (time, event) observation (`event` false: censored at that time), or none where the
/// run is not one of that column's observations.
///
/// The runs are resampled, not each column's observations: the resamples are the summary's
/// ([`resample_blocks`]: 2,000 resamples of as many runs as there are, in 16 blocks of
/// their own streams), shared by every column, and a column's estimate in a resample is the
/// Kaplan-Meier quantile of the picked runs' observations (a run picked twice counts
/// twice). A resample whose quantile is not reached counts as larger than every time; one
/// that picked none of a column's observations gives it no estimate and is left out. A
/// bound is the nearest rank (2.5th and 97.5th percentiles) of the estimates, so it is one
/// of the times; it is none where it falls on an estimate not reached. A column with no
/// estimate in any resample has no interval. Each column's arithmetic is its own, so its
/// interval depends only on its own cells and the number of runs, never on the other
/// columns or the thread count.
pub fn km_bootstrap(
    obs: &[Option<(f64, bool)>],
    width: usize,
    q: f64,
) -> Vec<Option<(Option<f64>, Option<f64>)>> {
    let table = KmTable::new(obs, width);
    let blocks =
        resample_blocks(table.runs, || table.start(), |block, picked| table.resample(picked, q, block));
    km_intervals(&blocks, width)
}

/// The intervals of [`km_bootstrap`] from its blocks' estimates, one per column.
fn km_intervals(blocks: &[KmBlock], width: usize) -> Vec<Option<(Option<f64>, Option<f64>)>> {
    (0..width)
        .map(|g| {
            let mut estimates: Vec<f64> =
                blocks.iter().flat_map(|b| b.estimates[g].iter().copied()).collect();
            let n = estimates.len();
            let mut at = |p: f64| {
                // Nearest rank: a quantile of times, so a bound is one of the times.
                let k = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
                let (_, x, _) = estimates.select_nth_unstable_by(k, f64::total_cmp);
                Some(*x).filter(|x| x.is_finite())
            };
            (n > 0).then(|| (at(0.025), at(0.975)))
        })
        .collect()
}

/// The censored observations a Kaplan-Meier bootstrap resamples, each run's as counter
/// indices: every column's distinct times are sorted once, each with one counter of the
/// events and one of the censorings at it, so that a resample adds up how often each was
/// picked and walks the distinct times in order, without sorting.
struct KmTable {
    /// Runs (rows).
    runs: usize,
    /// Row-major, one cell per column: the counter the run adds to (the column's last one
    /// where the run is none of its observations).
    slots: Vec<u32>,
    /// Per column, its distinct times in increasing order (`total_cmp`) and the index of
    /// its first counter: a pair per time (events at it, then censorings), then the count
    /// of the picked runs that are none of its observations.
    columns: Vec<(Vec<f64>, usize)>,
    /// Counters in all.
    counters: usize,
}

/// One block's scratch counters and its estimates, one list per column.
pub struct KmBlock {
    counters: Vec<u32>,
    estimates: Vec<Vec<f64>>,
}

impl KmTable {
    fn new(obs: &[Option<(f64, bool)>], width: usize) -> KmTable {
        let runs = obs.len().checked_div(width).unwrap_or(0);
        let cell = |r: usize, g: usize| obs[r * width + g].filter(|(t, _)| !t.is_nan());
        let mut columns = Vec::with_capacity(width);
        let mut first = 0;
        for g in 0..width {
            let mut times: Vec<f64> = (0..runs).filter_map(|r| cell(r, g)).map(|o| o.0).collect();
            times.sort_by(f64::total_cmp);
            times.dedup_by(|a, b| a.total_cmp(b).is_eq());
            let len = times.len();
            columns.push((times, first));
            first += 2 * len + 1;
        }
        let mut slots = Vec::with_capacity(runs * width);
        for r in 0..runs {
            for (g, (times, first)) in columns.iter().enumerate() {
                let slot = cell(r, g).map_or(first + 2 * times.len(), |(t, event)| {
                    let i = times.partition_point(|x| x.total_cmp(&t).is_lt());
                    first + 2 * i + usize::from(!event)
                });
                slots.push(slot as u32);
            }
        }
        KmTable { runs, slots, columns, counters: first }
    }

    /// A block's state before its first resample.
    fn start(&self) -> KmBlock {
        KmBlock { counters: vec![0; self.counters], estimates: vec![Vec::new(); self.columns.len()] }
    }

    /// Adds each column's Kaplan-Meier `q` quantile in one resample (`picked`: how often
    /// each run was picked) to `block`: infinite where it is not reached, none where the
    /// resample picked none of the column's observations.
    fn resample(&self, picked: &[u32], q: f64, block: &mut KmBlock) {
        let width = self.columns.len();
        let counters = &mut block.counters;
        counters.fill(0);
        let mut all = 0;
        for (r, &times) in picked.iter().enumerate() {
            if times > 0 {
                all += times;
                for &slot in &self.slots[r * width..(r + 1) * width] {
                    counters[slot as usize] += times;
                }
            }
        }
        for ((times, first), list) in self.columns.iter().zip(&mut block.estimates) {
            let (counts, none) = counters[*first..=first + 2 * times.len()].split_at(2 * times.len());
            let at_risk = all - none[0];
            if at_risk > 0 {
                list.push(km_quantile_of_counts(times, counts, at_risk, q).unwrap_or(f64::INFINITY));
            }
        }
    }
}

/// The Kaplan-Meier `q` quantile of observations at the distinct sorted `times`, with
/// `counts[2i]` events and `counts[2i + 1]` censorings at `times[i]`, `at_risk` in all: the
/// arithmetic of [`inference::kaplan_meier`] and [`inference::km_quantile`] on the
/// observations written out.
fn km_quantile_of_counts(times: &[f64], counts: &[u32], mut at_risk: u32, q: f64) -> Option<f64> {
    let mut survival = 1.0f64;
    let target = 1.0 - q;
    for (&t, pair) in times.iter().zip(counts.chunks_exact(2)) {
        let (events, censored) = (pair[0], pair[1]);
        if events > 0 {
            survival *= 1.0 - f64::from(events) / f64::from(at_risk);
            if survival <= target + 1e-12 {
                return Some(t);
            }
        }
        at_risk -= events + censored;
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
    fn the_summary_s_survival_rows_are_the_ones_survival_makes_alone() {
        let m = manifest(2, 40);
        let metrics: Vec<String> =
            ["intrusions_attempted", "dwell_time_h_p50", "dwell_time_h_p90", "dwell_censored"]
                .map(String::from)
                .into();
        let mut s = ttx_engine::rng::Streams::new(3).stream(&["rows"]);
        let mut rows = Vec::new();
        for point in 0..2 {
            for run in 0..40 {
                let censored = if s.chance(0.3) { 1.0 + (4.0 * s.uniform()).floor() } else { 0.0 };
                let hours =
                    |s: &mut ttx_engine::rng::Stream| (!s.chance(0.2)).then(|| (60.0 * s.uniform()).floor());
                let (p50, p90) = (hours(&mut s), hours(&mut s));
                rows.push(row(point, run, vec![Some(f64::from(run % 7)), p50, p90, Some(censored)]));
            }
        }
        let shared = |rows: &[RunRow]| -> Vec<Survival> {
            crate::batch::files::summarise(&m, &metrics, rows).into_iter().flat_map(|s| s.survival).collect()
        };
        let alone = survival(&m, &metrics, &rows);
        assert_eq!(alone.len(), 4);
        assert!(alone.iter().all(|s| s.ci95.is_some()));
        assert_eq!(shared(&rows), alone);
        // A run beyond the batch's runs is in the summary but not in survival.csv: that
        // point's rows are made from resamples of their own, and are the same.
        let mut more = rows.clone();
        more.insert(80, row(1, 40, vec![Some(1.0), Some(5.0), Some(9.0), Some(0.0)]));
        assert_eq!(shared(&more), alone);
    }

    #[test]
    fn a_resample_s_quantile_is_the_km_quantile_of_the_picked_runs() {
        // Five runs, one with no observation; ties between an event and a censoring.
        let obs = [Some((3.0, true)), Some((2.0, false)), None, Some((2.0, true)), Some((1.0, true))];
        let extra = [(4.0, true), (4.0, false), (5.0, false)];
        let cells: Vec<Option<(f64, bool)>> = obs.iter().copied().chain(extra.map(Some)).collect();
        let table = KmTable::new(&cells, 1);
        for picked in [
            [2, 1, 3, 1, 0, 2, 0, 1],
            [0, 0, 8, 0, 0, 0, 0, 0],
            [1, 1, 1, 1, 1, 1, 1, 1],
            [0, 3, 0, 0, 0, 2, 2, 1],
        ] {
            let mut repeated = Vec::new();
            for (o, &c) in cells.iter().zip(&picked) {
                repeated.extend(o.iter().flat_map(|o| std::iter::repeat_n(*o, c as usize)));
            }
            for q in [0.1, 0.25, 0.5, 0.75, 0.9] {
                let mut block = KmBlock { counters: vec![0; table.counters], estimates: vec![Vec::new()] };
                table.resample(&picked, q, &mut block);
                let want = (!repeated.is_empty()).then(|| {
                    inference::km_quantile(&inference::kaplan_meier(&repeated), q).unwrap_or(f64::INFINITY)
                });
                assert_eq!(block.estimates[0].first().copied(), want, "{picked:?} q = {q}");
            }
        }
    }

    /// `runs` observations of an exponential time of mean 1 (median ln 2), censored by an
    /// independent exponential time of mean `censor` (stream `seed`); each run is no
    /// observation with probability `absent`.
    fn censored_exponential(seed: u64, runs: usize, censor: f64, absent: f64) -> Vec<Option<(f64, bool)>> {
        let mut s = ttx_engine::rng::Streams::new(seed).stream(&["km"]);
        (0..runs)
            .map(|_| {
                let t = -(1.0 - s.uniform()).ln();
                let c = -censor * (1.0 - s.uniform()).ln();
                (!s.chance(absent)).then_some(if t <= c { (t, true) } else { (c, false) })
            })
            .collect()
    }

    #[test]
    fn km_intervals_cover_the_true_median_about_95_percent_of_the_time() {
        // 300 samples of 60 runs: time to the event exponential (median ln 2), a third of
        // them censored first (censoring of mean 2), and a fifth of the runs without an
        // observation in the second case: 279 and 283 of 300 intervals cover ln 2.
        let median = std::f64::consts::LN_2;
        for absent in [0.0, 0.2] {
            let samples = 300;
            let covered = (0..samples)
                .filter(|&seed| {
                    let obs = censored_exponential(seed, 60, 2.0, absent);
                    let (lo, hi) = km_bootstrap(&obs, 1, 0.5)[0].unwrap();
                    lo.unwrap() <= median && hi.is_none_or(|h| median <= h)
                })
                .count();
            let share = covered as f64 / samples as f64;
            assert!((0.90..=0.985).contains(&share), "{covered} of {samples} with {absent} absent");
        }
    }

    #[test]
    fn km_columns_resampled_together_get_the_intervals_they_get_alone() {
        let (a, b) = (censored_exponential(1, 80, 2.0, 0.0), censored_exponential(2, 80, 0.5, 0.3));
        let cells: Vec<Option<(f64, bool)>> = (0..80).flat_map(|r| [a[r], b[r]]).collect();
        let joint = km_bootstrap(&cells, 2, 0.5);
        // The same on one thread and on four (the resamples' blocks are drawn in parallel).
        for threads in [1, 4] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            assert_eq!(pool.install(|| km_bootstrap(&cells, 2, 0.5)), joint, "{threads} threads");
        }
        assert_eq!(km_bootstrap(&a, 1, 0.5)[0], joint[0]);
        assert_eq!(km_bootstrap(&b, 1, 0.5)[0], joint[1]);
        // Heavy censoring: the median of b is not always reached, so no upper bound.
        assert!(joint[0].unwrap().1.is_some());
        assert_eq!(joint[1].unwrap().1, None);
        // A column with no observation has no interval.
        assert_eq!(km_bootstrap(&[None, None, None], 1, 0.5), vec![None]);
    }
}
