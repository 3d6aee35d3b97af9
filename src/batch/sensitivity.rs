//! `ttx sensitivity DIR`: variance-based (Sobol) and elementary-effect (Morris) sensitivity
//! indices of every metric of a batch made with `--design sobol:N` or `--design morris:N`.
//!
//! A point's output is the mean of the metric over the point's runs (one run per point is
//! usual; with several, their mean). Sobol indices use Saltelli's design (see [`super::design`])
//! and Jansen's estimators, with V the variance of the outputs at A and B together:
//!
//! - first order: S1_i = (V - mean((f(B) - f(AB_i))^2) / 2) / V;
//! - total order: ST_i = mean((f(A) - f(AB_i))^2) / 2 / V.
//!
//! Morris: each step of a trajectory moves one parameter by ±Δ of its range; its elementary
//! effect is the change in output divided by that signed Δ (output units per whole range).
//! mu is their mean, mu* the mean of their absolute values, sigma their standard deviation.
//!
//! Intervals are bootstrap percentile intervals (95%): the base rows (Sobol) or trajectories
//! (Morris) are resampled with replacement, seeded, so the same batch gives the same bytes.

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use ttx_engine::metrics;
use ttx_engine::rng::Streams;

use super::design::{Design, Kind};
use super::files::{self, Manifest};
use super::{BatchError, DirError};

/// An estimate with its bootstrap interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// From the whole sample.
    pub estimate: f64,
    /// 2.5th percentile of the bootstrap estimates.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
}

/// Sobol indices of one parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SobolIndex {
    /// The parameter's path.
    pub parameter: String,
    /// First-order index.
    pub s1: Interval,
    /// Total-order index.
    pub st: Interval,
}

/// Morris measures of one parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MorrisIndex {
    /// The parameter's path.
    pub parameter: String,
    /// Mean elementary effect.
    pub mu: f64,
    /// Mean absolute elementary effect, with its interval.
    pub mu_star: Interval,
    /// Standard deviation of the elementary effects.
    pub sigma: f64,
}

/// Jansen's first- and total-order estimates over the base rows `rows` (indices into the
/// outputs: `ya[j]`, `yb[j]`, `yab[i][j]`).
pub fn jansen(ya: &[f64], yb: &[f64], yab: &[Vec<f64>], rows: &[usize]) -> (Vec<f64>, Vec<f64>) {
    Terms::new(ya, yb, yab).jansen(rows)
}

/// The outputs of a Saltelli design arranged for [`jansen`]: per base row, `f(A)`, `f(B)` and
/// the squared differences each estimator sums (`(f(B) - f(AB_i))^2`, then `(f(A) - f(AB_i))^2`),
/// side by side, so a bootstrap resample reads each row it draws once.
struct Terms {
    k: usize,
    /// `2 + 2k` values per base row.
    rows: Vec<f64>,
}

impl Terms {
    fn new(ya: &[f64], yb: &[f64], yab: &[Vec<f64>]) -> Terms {
        let k = yab.len();
        let mut rows = Vec::with_capacity(ya.len() * (2 + 2 * k));
        for j in 0..ya.len() {
            rows.push(ya[j]);
            rows.push(yb[j]);
            rows.extend(yab.iter().map(|y| (yb[j] - y[j]).powi(2)));
            rows.extend(yab.iter().map(|y| (ya[j] - y[j]).powi(2)));
        }
        Terms { k, rows }
    }

    fn row(&self, j: usize) -> &[f64] {
        let w = 2 + 2 * self.k;
        &self.rows[j * w..(j + 1) * w]
    }

    /// First- and total-order estimates over the base rows `rows` (with repeats). Each sum
    /// adds its terms in the order of `rows`, so the estimates are those of the formulas
    /// written one sum at a time, to the last bit.
    fn jansen(&self, rows: &[usize]) -> (Vec<f64>, Vec<f64>) {
        let k = self.k;
        let n = rows.len() as f64;
        let mean = rows.iter().map(|&j| self.row(j)[0] + self.row(j)[1]).sum::<f64>() / (2.0 * n);
        let mut var = 0.0;
        let mut sums = vec![0.0; 2 * k];
        for &j in rows {
            let r = self.row(j);
            var += (r[0] - mean).powi(2) + (r[1] - mean).powi(2);
            for (s, t) in sums.iter_mut().zip(&r[2..]) {
                *s += t;
            }
        }
        let var = var / (2.0 * n);
        let s1 = (0..k).map(|i| (var - sums[i] / (2.0 * n)) / var).collect();
        let st = (0..k).map(|i| sums[k + i] / (2.0 * n) / var).collect();
        (s1, st)
    }
}

/// Nearest-rank percentile of sorted values.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn interval(estimate: f64, mut boots: Vec<f64>) -> Interval {
    boots.retain(|x| x.is_finite());
    boots.sort_by(f64::total_cmp);
    Interval { estimate, low: pct(&boots, 2.5), high: pct(&boots, 97.5) }
}

/// `resamples` bootstrap draws of `n` indices with replacement, from `seed`.
fn resamples(n: usize, count: usize, seed: u64) -> Vec<Vec<usize>> {
    let streams = Streams::new(seed);
    (0..count)
        .map(|b| {
            let mut s = streams.stream_n(&["sensitivity", "bootstrap"], b as u64);
            (0..n).map(|_| (s.next_u64() % n as u64) as usize).collect()
        })
        .collect()
}

/// Why a metric's outputs cannot be analysed (the reason is written beside the metric).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Unanalysable {
    /// The outputs are not whole base rows of a Saltelli design.
    #[error("{outputs} outputs do not make base rows of {per_row} points")]
    NotBaseRows { outputs: usize, per_row: usize },
    /// The outputs are not whole trajectories of a Morris design.
    #[error("{outputs} outputs do not make trajectories of {steps} points")]
    NotTrajectories { outputs: usize, steps: usize },
    /// A Morris trajectory with a step that changes no parameter.
    #[error("trajectory {trajectory} does not move at step {step}")]
    Still { trajectory: usize, step: usize },
    /// The metric has no variance.
    #[error("it takes the same value at every point, so it has no variance to apportion")]
    Constant,
}

/// Sobol indices from the outputs of a Saltelli design, in point order (k+2 per base row).
pub fn sobol_indices(
    y: &[f64],
    params: &[String],
    boots: &[Vec<usize>],
) -> Result<Vec<SobolIndex>, Unanalysable> {
    let k = params.len();
    let n = y.len() / (k + 2);
    if n < 2 || y.len() != n * (k + 2) {
        return Err(Unanalysable::NotBaseRows { outputs: y.len(), per_row: k + 2 });
    }
    let ya: Vec<f64> = (0..n).map(|j| y[j * (k + 2)]).collect();
    let yb: Vec<f64> = (0..n).map(|j| y[j * (k + 2) + k + 1]).collect();
    let yab: Vec<Vec<f64>> = (0..k).map(|i| (0..n).map(|j| y[j * (k + 2) + 1 + i]).collect()).collect();
    let all: Vec<usize> = (0..n).collect();
    let terms = Terms::new(&ya, &yb, &yab);
    let (s1, st) = terms.jansen(&all);
    if s1.iter().chain(&st).any(|x| !x.is_finite()) {
        return Err(Unanalysable::Constant);
    }
    let draws: Vec<(Vec<f64>, Vec<f64>)> = boots.iter().map(|b| terms.jansen(b)).collect();
    Ok((0..k)
        .map(|i| SobolIndex {
            parameter: params[i].clone(),
            s1: interval(s1[i], draws.iter().map(|d| d.0[i]).collect()),
            st: interval(st[i], draws.iter().map(|d| d.1[i]).collect()),
        })
        .collect())
}

/// The elementary effects of every trajectory (rows) and parameter (columns).
pub fn elementary_effects(unit: &[Vec<f64>], y: &[f64], k: usize) -> Result<Vec<Vec<f64>>, Unanalysable> {
    let steps = k + 1;
    if unit.len() != y.len() || !y.len().is_multiple_of(steps) {
        return Err(Unanalysable::NotTrajectories { outputs: y.len(), steps });
    }
    let mut out = Vec::new();
    for t in 0..y.len() / steps {
        let mut ee = vec![f64::NAN; k];
        for s in 1..steps {
            let (a, b) = (&unit[t * steps + s - 1], &unit[t * steps + s]);
            let Some(i) = (0..k).find(|&i| a[i] != b[i]) else {
                return Err(Unanalysable::Still { trajectory: t, step: s });
            };
            ee[i] = (y[t * steps + s] - y[t * steps + s - 1]) / (b[i] - a[i]);
        }
        out.push(ee);
    }
    Ok(out)
}

fn morris_of(ee: &[Vec<f64>], rows: &[usize], i: usize) -> (f64, f64, f64) {
    let n = rows.len() as f64;
    let mu = rows.iter().map(|&t| ee[t][i]).sum::<f64>() / n;
    let mu_star = rows.iter().map(|&t| ee[t][i].abs()).sum::<f64>() / n;
    let sigma = if rows.len() > 1 {
        (rows.iter().map(|&t| (ee[t][i] - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    (mu, mu_star, sigma)
}

/// Morris measures from the outputs of a Morris design, in point order.
pub fn morris_indices(
    unit: &[Vec<f64>],
    y: &[f64],
    params: &[String],
    boots: &[Vec<usize>],
) -> Result<Vec<MorrisIndex>, Unanalysable> {
    let k = params.len();
    let ee = elementary_effects(unit, y, k)?;
    let all: Vec<usize> = (0..ee.len()).collect();
    Ok((0..k)
        .map(|i| {
            let (mu, mu_star, sigma) = morris_of(&ee, &all, i);
            MorrisIndex {
                parameter: params[i].clone(),
                mu,
                mu_star: interval(mu_star, boots.iter().map(|b| morris_of(&ee, b, i).1).collect()),
                sigma,
            }
        })
        .collect())
}

/// One metric's indices.
#[derive(Clone, Debug, Serialize)]
pub struct MetricIndices {
    /// The metric's runs.csv name.
    pub metric: String,
    /// Its readable label.
    pub label: String,
    /// Sobol indices (a Sobol design).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sobol: Vec<SobolIndex>,
    /// Morris measures (a Morris design).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub morris: Vec<MorrisIndex>,
}

/// A metric left out, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    /// The metric.
    pub metric: String,
    /// Why.
    pub reason: String,
}

/// What `ttx sensitivity` computes.
#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    /// `sobol` or `morris`.
    pub method: &'static str,
    /// The design, as the manifest records it.
    pub design: Design,
    /// Runs per point (a point's output is their mean).
    pub runs_per_point: u32,
    /// Bootstrap resamples behind each interval.
    pub bootstrap: usize,
    /// Their seed.
    pub bootstrap_seed: u64,
    /// Interval level.
    pub confidence: f64,
    /// Per metric, in runs.csv order.
    pub metrics: Vec<MetricIndices>,
    /// Metrics without indices.
    pub skipped: Vec<Skipped>,
}

/// Options of `ttx sensitivity`.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Bootstrap resamples.
    pub bootstrap: usize,
    /// Their seed.
    pub seed: u64,
}

/// The design of a batch directory, or what to do instead.
fn design_of(dir: &Path, m: &Manifest) -> Result<Design, DirError> {
    let dir = dir.to_path_buf();
    if let Some(shard) = m.shard {
        return Err(DirError::AnalyseShard { dir, shard });
    }
    let Some(d) = &m.design else {
        return Err(DirError::NoDesign { dir, scenario: m.scenario.clone() });
    };
    if d.kind == Kind::Lhs {
        return Err(DirError::Hypercube { dir, n: d.n });
    }
    Ok(d.clone())
}

/// Reads a batch directory and computes every metric's indices.
pub fn analyse(dir: &Path, opts: Options) -> Result<Analysis, BatchError> {
    let m = files::read_manifest(dir)?;
    let design = design_of(dir, &m)?;
    if opts.bootstrap < 10 {
        return Err(DirError::FewResamples(opts.bootstrap).into());
    }
    let metrics = super::metric_columns(dir, &m)?;
    let mut rows = files::read_runs(dir, &m, &metrics, false)?;
    files::sort_rows(&mut rows);
    let want = u64::from(m.points) * u64::from(m.runs);
    if rows.len() as u64 != want {
        let resume = m.resume_command(dir);
        return Err(
            DirError::DesignIncomplete { dir: dir.to_path_buf(), rows: rows.len(), want, resume }.into()
        );
    }
    let params: Vec<String> = design.vary.iter().map(|r| r.path.clone()).collect();
    let unit = design.unit();
    // Base rows (Sobol) or trajectories (Morris): the units the bootstrap resamples.
    let boots = resamples(design.n as usize, opts.bootstrap, opts.seed);
    let runs = m.runs as usize;
    let results: Vec<Result<MetricIndices, Skipped>> = metrics
        .par_iter()
        .enumerate()
        .map(|(j, name)| {
            let skip = |reason: String| Skipped { metric: name.clone(), reason };
            let mut y = Vec::with_capacity(m.points as usize);
            let mut missing = 0usize;
            for chunk in rows.chunks(runs) {
                let vals: Vec<f64> = chunk.iter().filter_map(|r| r.values[j]).collect();
                if vals.is_empty() {
                    missing += 1;
                    y.push(f64::NAN);
                } else {
                    y.push(vals.iter().sum::<f64>() / vals.len() as f64);
                }
            }
            if missing > 0 {
                return Err(skip(format!(
                    "it has no value at {missing} of the {} points (it is measured only when something happens)",
                    m.points
                )));
            }
            let mut out = MetricIndices {
                metric: name.clone(),
                label: metrics::label(name).to_string(),
                sobol: vec![],
                morris: vec![],
            };
            match design.kind {
                Kind::Sobol => out.sobol = sobol_indices(&y, &params, &boots).map_err(|e| skip(e.to_string()))?,
                _ => {
                    if y.iter().all(|v| *v == y[0]) {
                        return Err(skip("it takes the same value at every point".into()));
                    }
                    out.morris = morris_indices(&unit, &y, &params, &boots).map_err(|e| skip(e.to_string()))?
                }
            }
            Ok(out)
        })
        .collect();
    let mut analysis = Analysis {
        method: if design.kind == Kind::Sobol { "sobol" } else { "morris" },
        design,
        runs_per_point: m.runs,
        bootstrap: opts.bootstrap,
        bootstrap_seed: opts.seed,
        confidence: 0.95,
        metrics: vec![],
        skipped: vec![],
    };
    for r in results {
        match r {
            Ok(x) => analysis.metrics.push(x),
            Err(s) => analysis.skipped.push(s),
        }
    }
    Ok(analysis)
}

fn cell(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

/// sensitivity.csv: one row per metric and parameter.
pub fn csv(a: &Analysis) -> Vec<u8> {
    let mut out = Vec::new();
    let head = if a.method == "sobol" {
        "metric,parameter,S1,S1_low,S1_high,ST,ST_low,ST_high\n"
    } else {
        "metric,parameter,mu,mu_star,mu_star_low,mu_star_high,sigma\n"
    };
    out.extend_from_slice(head.as_bytes());
    for m in &a.metrics {
        for s in &m.sobol {
            let cells = [s.s1.estimate, s.s1.low, s.s1.high, s.st.estimate, s.st.low, s.st.high].map(cell);
            let _ = writeln!(out, "{},{},{}", m.metric, files::csv_text(&s.parameter), cells.join(","));
        }
        for s in &m.morris {
            let cells = [s.mu, s.mu_star.estimate, s.mu_star.low, s.mu_star.high, s.sigma].map(cell);
            let _ = writeln!(out, "{},{},{}", m.metric, files::csv_text(&s.parameter), cells.join(","));
        }
    }
    out
}

/// Writes sensitivity.csv, sensitivity.json and the charts of the key metrics (in each of
/// `formats`) into `dir`; returns the charts' paths.
pub fn write(
    dir: &Path,
    a: &Analysis,
    formats: &[crate::chart::Format],
) -> Result<Vec<std::path::PathBuf>, BatchError> {
    let path = dir.join("sensitivity.csv");
    files::write_atomic(&path, &csv(a)).map_err(BatchError::write(&path))?;
    let path = dir.join("sensitivity.json");
    let mut text = serde_json::to_string_pretty(a).map_err(BatchError::write_json(&path))?;
    text.push('\n');
    files::write_atomic(&path, text.as_bytes()).map_err(BatchError::write(&path))?;
    let mut charts = Vec::new();
    for m in a.metrics.iter().filter(|m| metrics::key_metrics().any(|k| k == m.metric)) {
        let stem = format!("sensitivity_{}", m.metric);
        let pic = super::plots::sensitivity_chart(m, a.runs_per_point);
        charts.extend(super::plots::write(&dir.join("plots"), &stem, pic, formats)?);
    }
    Ok(charts)
}

/// The table `ttx sensitivity` prints: the headline metrics' indices.
pub fn print(out: &mut dyn Write, a: &Analysis) -> std::io::Result<()> {
    let (first, second) =
        if a.method == "sobol" { ("S1 [95% CI]", "ST [95% CI]") } else { ("mu* [95% CI]", "sigma") };
    writeln!(
        out,
        "{} indices, {} bootstrap resamples (seed {}), {} point{} x {} run{}",
        if a.method == "sobol" { "Sobol (Jansen)" } else { "Morris" },
        a.bootstrap,
        a.bootstrap_seed,
        a.design.points(),
        if a.design.points() == 1 { "" } else { "s" },
        a.runs_per_point,
        if a.runs_per_point == 1 { "" } else { "s" }
    )?;
    let f = |x: f64| if x.is_finite() { format!("{x:.3}") } else { "-".into() };
    let iv = |i: &Interval| format!("{} [{}, {}]", f(i.estimate), f(i.low), f(i.high));
    let width = a.design.vary.iter().map(|r| r.path.chars().count()).max().unwrap_or(9).max(9);
    for m in a.metrics.iter().filter(|m| metrics::headline_metrics().any(|k| k == m.metric)) {
        writeln!(out, "\n{} ({})", m.label, m.metric)?;
        writeln!(out, "  {:<width$}  {first:<24}  {second}", "parameter")?;
        for s in &m.sobol {
            writeln!(out, "  {:<width$}  {:<24}  {}", s.parameter, iv(&s.s1), iv(&s.st))?;
        }
        for s in &m.morris {
            writeln!(out, "  {:<width$}  {:<24}  {}", s.parameter, iv(&s.mu_star), f(s.sigma))?;
        }
    }
    for s in a.skipped.iter().filter(|s| metrics::headline_metrics().any(|k| k == s.metric)) {
        writeln!(out, "\n{}: no indices: {}", s.metric, s.reason)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::design::Range;
    use super::*;
    use serde_json::Value;

    fn ishigami(x: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn jansen_estimators_find_the_ishigami_indices() {
        let pi = std::f64::consts::PI;
        let vary: Vec<Range> = ["x1", "x2", "x3"]
            .iter()
            .map(|p| Range { path: p.to_string(), lo: Value::from(-pi), hi: Value::from(pi) })
            .collect();
        let d = Design::new(Kind::Sobol, 8192, None, 7, vary);
        let y: Vec<f64> = (0..d.points() as u32)
            .map(|p| ishigami(&d.values(p).iter().map(|v| v.as_f64().unwrap()).collect::<Vec<_>>()))
            .collect();
        let params: Vec<String> = d.vary.iter().map(|r| r.path.clone()).collect();
        let boots = resamples(8192, 200, 1);
        let idx = sobol_indices(&y, &params, &boots).unwrap();
        // Analytic values for a = 7, b = 0.1.
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for (i, x) in idx.iter().enumerate() {
            assert!((x.s1.estimate - s1[i]).abs() < 0.03, "S1 of {}: {:?}", x.parameter, x.s1);
            assert!((x.st.estimate - st[i]).abs() < 0.03, "ST of {}: {:?}", x.parameter, x.st);
            assert!(x.s1.low <= x.s1.estimate && x.s1.estimate <= x.s1.high, "{:?}", x.s1);
            assert!(x.st.low <= x.st.estimate && x.st.estimate <= x.st.high, "{:?}", x.st);
            // The intervals are narrow enough to tell the parameters apart.
            assert!(x.st.high - x.st.low < 0.1, "{:?}", x.st);
        }
        // The same inputs give the same intervals.
        assert_eq!(sobol_indices(&y, &params, &boots).unwrap(), idx);
    }

    #[test]
    fn the_arranged_estimators_are_the_formulas_to_the_last_bit() {
        // The formulas of the module's documentation, one sum at a time.
        fn written_out(ya: &[f64], yb: &[f64], yab: &[Vec<f64>], rows: &[usize]) -> (Vec<f64>, Vec<f64>) {
            let n = rows.len() as f64;
            let mean = rows.iter().map(|&j| ya[j] + yb[j]).sum::<f64>() / (2.0 * n);
            let var = rows.iter().map(|&j| (ya[j] - mean).powi(2) + (yb[j] - mean).powi(2)).sum::<f64>()
                / (2.0 * n);
            let first =
                yab.iter().map(|y| rows.iter().map(|&j| (yb[j] - y[j]).powi(2)).sum::<f64>() / (2.0 * n));
            let total =
                yab.iter().map(|y| rows.iter().map(|&j| (ya[j] - y[j]).powi(2)).sum::<f64>() / (2.0 * n));
            (first.map(|f| (var - f) / var).collect(), total.map(|t| t / var).collect())
        }
        let mut s = Streams::new(3).stream_n(&["test"], 0);
        let mut draw = |n: usize| (0..n).map(|_| (s.next_u64() % 1000) as f64 / 7.0).collect::<Vec<f64>>();
        let n = 300;
        let (ya, yb) = (draw(n), draw(n));
        let yab: Vec<Vec<f64>> = (0..4).map(|_| draw(n)).collect();
        let all: Vec<usize> = (0..n).collect();
        let bits =
            |(a, b): (Vec<f64>, Vec<f64>)| a.iter().chain(&b).map(|x| x.to_bits()).collect::<Vec<u64>>();
        assert_eq!(bits(jansen(&ya, &yb, &yab, &all)), bits(written_out(&ya, &yb, &yab, &all)));
        for b in resamples(n, 20, 5) {
            assert_eq!(bits(jansen(&ya, &yb, &yab, &b)), bits(written_out(&ya, &yb, &yab, &b)));
        }
    }

    #[test]
    fn morris_effects_of_a_linear_function_are_its_slopes() {
        let vary: Vec<Range> = ["a", "b", "c"]
            .iter()
            .map(|p| Range { path: p.to_string(), lo: Value::from(0.0), hi: Value::from(1.0) })
            .collect();
        let d = Design::new(Kind::Morris, 20, Some(4), 5, vary);
        let unit = d.unit();
        let y: Vec<f64> = unit.iter().map(|x| 3.0 * x[0] - 2.0 * x[1] + 0.0 * x[2]).collect();
        let params: Vec<String> = d.vary.iter().map(|r| r.path.clone()).collect();
        let m = morris_indices(&unit, &y, &params, &resamples(20, 100, 1)).unwrap();
        assert!((m[0].mu - 3.0).abs() < 1e-9 && (m[0].mu_star.estimate - 3.0).abs() < 1e-9);
        assert!((m[1].mu + 2.0).abs() < 1e-9 && (m[1].mu_star.estimate - 2.0).abs() < 1e-9);
        assert!(m[2].mu_star.estimate.abs() < 1e-12 && m[0].sigma.abs() < 1e-9);
        // A nonlinear effect shows as sigma.
        let y: Vec<f64> = unit.iter().map(|x| x[0] * x[1]).collect();
        let m = morris_indices(&unit, &y, &params, &resamples(20, 100, 1)).unwrap();
        assert!(m[0].sigma > 0.1 && m[2].mu_star.estimate == 0.0, "{m:?}");
    }
}
