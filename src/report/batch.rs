//! The research report of a batch directory written by `ttx batch`:
//! the manifest (to reproduce it), the sweep's effect on each key metric with
//! confidence intervals, the full summary statistics, and every plot.
//!
//! The directory's format: `manifest.json`, `summary.csv` (one row per sweep
//! point and metric), `runs.csv` (one row per run) and `plots/*.svg`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use ttx::batch::Manifest;
use ttx::numfmt::{sensible, whole_or_sensible};

use super::doc::{Block, Cell, Doc, Figure, Table};
use super::metrics_text::label;
use super::sanitize::{SvgError, inline_svg};
use super::svg::{self, ForestRow};

/// Statistics of one metric at one sweep point.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Runs with a value.
    pub n: Option<f64>,
    /// Mean.
    pub mean: Option<f64>,
    /// Standard deviation.
    pub sd: Option<f64>,
    /// 95% confidence interval of the mean.
    pub ci: Option<(f64, f64)>,
    /// 5th percentile.
    pub p5: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
}

/// One sweep point.
#[derive(Clone, Debug, Default)]
pub struct Point {
    /// Index.
    pub point: u64,
    /// Swept values, in the column order of summary.csv.
    pub params: Vec<String>,
    /// Metrics, in file order.
    pub metrics: Vec<(String, Stats)>,
    /// Runs in runs.csv.
    pub runs: u64,
}

/// A plot to show.
#[derive(Clone, Debug)]
pub struct Plot {
    /// File name.
    pub file: String,
    /// Sanitized SVG, or why it could not be shown.
    pub svg: Result<String, PlotError>,
}

/// Why a plot of plots/ is not shown in the report (the report says so in its place).
#[derive(Clone, Debug, thiserror::Error)]
pub enum PlotError {
    /// The file cannot be read.
    #[error("{0}")]
    Unreadable(Arc<std::io::Error>),
    /// The file is not an SVG that can be shown safely.
    #[error("{0}")]
    Unsafe(SvgError),
}

/// Why a batch directory cannot be reported on: what is missing or wrong in which file.
#[derive(Debug, thiserror::Error)]
pub enum BatchDirError {
    /// No manifest.json: not a directory `ttx batch` wrote.
    #[error("not a ttx batch directory: it has no manifest.json (`ttx batch ... --out DIR` writes one)")]
    NoManifest,
    /// No summary.csv: the batch did not finish.
    #[error("not a complete batch directory: it has no summary.csv")]
    NoSummary,
    /// manifest.json cannot be read.
    #[error("cannot read manifest.json: {0}")]
    ManifestUnreadable(std::io::Error),
    /// manifest.json is not a batch manifest.
    #[error("manifest.json is not a ttx batch manifest: {0}")]
    NotManifest(serde_json::Error),
    /// A CSV file cannot be opened.
    #[error("cannot read {file}: {source}")]
    Unreadable {
        /// The file's name.
        file: &'static str,
        /// Why.
        source: csv::Error,
    },
    /// A CSV file's header line cannot be read.
    #[error("{file}: {source}")]
    Header {
        /// The file's name.
        file: &'static str,
        /// Why.
        source: csv::Error,
    },
    /// A column the report needs is missing.
    #[error("{file} has no `{column}` column")]
    NoColumn {
        /// The file's name.
        file: &'static str,
        /// The column.
        column: &'static str,
    },
    /// summary.csv lacks the columns of its rows' keys.
    #[error("summary.csv has no `point` and `metric` columns")]
    NoKeyColumns,
    /// summary.csv's swept paths are not where they belong.
    #[error("summary.csv: the swept-path columns must sit between `point` and `metric`")]
    ColumnOrder,
    /// A line of a CSV file cannot be read.
    #[error("{file} line {line}: {source}")]
    Line {
        /// The file's name.
        file: &'static str,
        /// The line, from 1 (the header is line 1).
        line: usize,
        /// Why.
        source: csv::Error,
    },
    /// A line's point is not a number.
    #[error("{file} line {line}: `{value}` is not a point number")]
    NotPoint {
        /// The file's name.
        file: &'static str,
        /// The line, from 1.
        line: usize,
        /// The value found.
        value: String,
    },
    /// A line of runs.csv without a point number.
    #[error("runs.csv line {0}: no point number")]
    NoPoint(usize),
    /// A line of summary.csv without a metric.
    #[error("summary.csv line {0}: no metric name")]
    NoMetric(usize),
    /// summary.csv has no rows.
    #[error("summary.csv has no rows")]
    NoRows,
    /// plots/ cannot be listed.
    #[error("cannot list plots/: {0}")]
    PlotsUnlisted(std::io::Error),
}

/// One row of differences.csv: a point against the baseline, paired run by run.
#[derive(Clone, Debug, Default)]
pub struct Paired {
    /// Mean difference.
    pub mean: Option<f64>,
    /// Its 95% interval.
    pub ci: Option<(f64, f64)>,
    /// Two-sided p-value.
    pub p: Option<f64>,
    /// Holm's adjusted p-value over the key metrics' comparisons.
    pub p_holm: Option<f64>,
}

/// Differences from the baseline point, by (point, metric).
pub type Effects = BTreeMap<(u64, String), Paired>;

/// A loaded batch directory.
#[derive(Clone, Debug)]
pub struct Batch {
    /// Directory as given.
    pub dir: String,
    /// manifest.json.
    pub manifest: Manifest,
    /// Swept path columns of summary.csv.
    pub paths: Vec<String>,
    /// Points.
    pub points: Vec<Point>,
    /// Metric names in file order.
    pub metric_names: Vec<String>,
    /// Plots.
    pub plots: Vec<Plot>,
    /// Whether runs.csv was there.
    pub has_runs: bool,
    /// differences.csv, by (point, metric), when the batch has one.
    pub paired: Option<Effects>,
}

fn num(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("null") || t.eq_ignore_ascii_case("nan") {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads a batch directory; the error says what is missing or wrong.
pub fn load(dir: &Path) -> Result<Batch, BatchDirError> {
    const FILE: &str = "summary.csv";
    let manifest_path = dir.join("manifest.json");
    let summary_path = dir.join(FILE);
    if !manifest_path.is_file() {
        return Err(BatchDirError::NoManifest);
    }
    if !summary_path.is_file() {
        return Err(BatchDirError::NoSummary);
    }
    let text = std::fs::read_to_string(&manifest_path).map_err(BatchDirError::ManifestUnreadable)?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(BatchDirError::NotManifest)?;

    let mut summary = CsvFile::open(dir, FILE)?;
    let head = summary.head.clone();
    let col = |name: &str| head.iter().position(|h| h == name);
    let (Some(c_point), Some(c_metric)) = (col("point"), col("metric")) else {
        return Err(BatchDirError::NoKeyColumns);
    };
    let need = ["n", "mean", "sd", "ci95_low", "ci95_high", "p5", "p50", "p95"];
    let mut cols = BTreeMap::new();
    for n in need {
        cols.insert(n, col(n).ok_or(BatchDirError::NoColumn { file: FILE, column: n })?);
    }
    if c_metric <= c_point {
        return Err(BatchDirError::ColumnOrder);
    }
    let paths: Vec<String> = head[c_point + 1..c_metric].to_vec();
    let mut points: BTreeMap<u64, Point> = BTreeMap::new();
    let mut metric_names: Vec<String> = Vec::new();
    for row in summary.rows() {
        let (line, rec) = row?;
        let get = |c: usize| rec.get(c).unwrap_or("");
        let point = point_at(FILE, line, get(c_point))?;
        let metric = get(c_metric).trim().to_string();
        if metric.is_empty() {
            return Err(BatchDirError::NoMetric(line));
        }
        let v = |n: &str| num(get(cols[n]));
        let stats = Stats {
            n: v("n"),
            mean: v("mean"),
            sd: v("sd"),
            ci: v("ci95_low").zip(v("ci95_high")),
            p5: v("p5"),
            p50: v("p50"),
            p95: v("p95"),
        };
        let p = points.entry(point).or_insert_with(|| Point {
            point,
            params: (c_point + 1..c_metric).map(|c| get(c).to_string()).collect(),
            ..Default::default()
        });
        if !metric_names.contains(&metric) {
            metric_names.push(metric.clone());
        }
        p.metrics.push((metric, stats));
    }
    if points.is_empty() {
        return Err(BatchDirError::NoRows);
    }

    let has_runs = count_runs(dir, &mut points)?;
    let plots = read_plots(dir)?;
    let paired = load_differences(dir)?;
    Ok(Batch {
        dir: dir.display().to_string(),
        manifest,
        paths,
        points: points.into_values().collect(),
        metric_names,
        plots,
        has_runs,
        paired,
    })
}

/// Counts each point's rows of runs.csv, when there is one; says whether there is.
fn count_runs(dir: &Path, points: &mut BTreeMap<u64, Point>) -> Result<bool, BatchDirError> {
    const FILE: &str = "runs.csv";
    let runs_path = dir.join(FILE);
    let has_runs = runs_path.is_file();
    if has_runs {
        let mut runs = CsvFile::open(dir, FILE)?;
        let c = runs.column("point")?;
        for row in runs.rows() {
            let (line, rec) = row?;
            let p: u64 =
                rec.get(c).and_then(|s| s.trim().parse().ok()).ok_or(BatchDirError::NoPoint(line))?;
            if let Some(pt) = points.get_mut(&p) {
                pt.runs += 1;
            }
        }
    }
    Ok(has_runs)
}

/// Reads the SVG plots of plots/, by file name; a plot that cannot be shown keeps its reason.
fn read_plots(dir: &Path) -> Result<Vec<Plot>, BatchDirError> {
    let mut plots = Vec::new();
    let plots_dir = dir.join("plots");
    if plots_dir.is_dir() {
        let mut files: Vec<String> = std::fs::read_dir(&plots_dir)
            .map_err(BatchDirError::PlotsUnlisted)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.to_ascii_lowercase().ends_with(".svg"))
            .collect();
        files.sort();
        for (k, f) in files.into_iter().enumerate() {
            let svg = std::fs::read_to_string(plots_dir.join(&f))
                .map_err(|e| PlotError::Unreadable(Arc::new(e)))
                .and_then(|t| inline_svg(&t, &format!("plot{k}-")).map_err(PlotError::Unsafe));
            plots.push(Plot { file: f, svg });
        }
    }
    Ok(plots)
}

/// Reads differences.csv when there is one.
fn load_differences(dir: &Path) -> Result<Option<Effects>, BatchDirError> {
    const FILE: &str = "differences.csv";
    let path = dir.join(FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let mut differences = CsvFile::open(dir, FILE)?;
    let col = |name: &'static str| differences.column(name);
    let (cp, cm) = (col("point")?, col("metric")?);
    let (cmean, clo, chi, cpv, cholm) =
        (col("mean_diff")?, col("ci95_low")?, col("ci95_high")?, col("p_value")?, col("p_holm")?);
    let mut out = BTreeMap::new();
    for row in differences.rows() {
        let (line, rec) = row?;
        let get = |c: usize| rec.get(c).unwrap_or("");
        let point = point_at(FILE, line, get(cp))?;
        out.insert(
            (point, get(cm).trim().to_string()),
            Paired {
                mean: num(get(cmean)),
                ci: num(get(clo)).zip(num(get(chi))),
                p: num(get(cpv)),
                p_holm: num(get(cholm)),
            },
        );
    }
    Ok(Some(out))
}

/// A CSV file of the batch directory, its header read.
struct CsvFile {
    file: &'static str,
    head: Vec<String>,
    reader: csv::Reader<std::fs::File>,
}

impl CsvFile {
    /// Opens `dir/file` and reads its header line.
    fn open(dir: &Path, file: &'static str) -> Result<CsvFile, BatchDirError> {
        let mut reader = csv::Reader::from_path(dir.join(file))
            .map_err(|source| BatchDirError::Unreadable { file, source })?;
        let head = reader
            .headers()
            .map_err(|source| BatchDirError::Header { file, source })?
            .iter()
            .map(str::to_string)
            .collect();
        Ok(CsvFile { file, head, reader })
    }

    /// The index of a column the report needs.
    fn column(&self, column: &'static str) -> Result<usize, BatchDirError> {
        let file = self.file;
        self.head.iter().position(|h| h == column).ok_or(BatchDirError::NoColumn { file, column })
    }

    /// The rows after the header, each with its line number (the header is line 1).
    fn rows(&mut self) -> impl Iterator<Item = Result<(usize, csv::StringRecord), BatchDirError>> + '_ {
        let file = self.file;
        self.reader.records().enumerate().map(move |(i, rec)| {
            let line = i + 2;
            rec.map(|r| (line, r)).map_err(|source| BatchDirError::Line { file, line, source })
        })
    }
}

/// A row's point number.
fn point_at(file: &'static str, line: usize, value: &str) -> Result<u64, BatchDirError> {
    value.trim().parse().map_err(|_| BatchDirError::NotPoint { file, line, value: value.to_string() })
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), sensible)
}

fn count(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), whole_or_sensible)
}

fn point_label(b: &Batch, p: &Point) -> String {
    if b.paths.is_empty() {
        return format!("point {}", p.point);
    }
    b.paths.iter().zip(&p.params).map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}

/// A forest row's label: the point's number first, so rows stay told apart when the label
/// is cut short, then each swept value under the last part of its path
/// (`3: isac_membership=0.9, tearline_h=24`).
fn forest_label(b: &Batch, p: &Point) -> String {
    if b.paths.is_empty() {
        return format!("point {}", p.point);
    }
    let values: Vec<String> = b
        .paths
        .iter()
        .zip(&p.params)
        .map(|(k, v)| format!("{}={v}", k.rsplit('.').next().unwrap_or(k)))
        .collect();
    format!("{}: {}", p.point, values.join(", "))
}

/// Difference of two means with a 95% normal-approximation interval (Welch standard error).
pub fn difference(a: &Stats, base: &Stats) -> Option<(f64, f64, f64)> {
    let (ma, mb) = (a.mean?, base.mean?);
    let d = ma - mb;
    let (na, nb) = (a.n?, base.n?);
    let (sa, sb) = (a.sd.unwrap_or(0.0), base.sd.unwrap_or(0.0));
    if na < 1.0 || nb < 1.0 {
        return None;
    }
    let se = (sa * sa / na + sb * sb / nb).sqrt();
    Some((d, d - 1.96 * se, d + 1.96 * se))
}

/// A p-value for a reader: three decimals, or `< 0.001`.
pub fn fmt_p(p: f64) -> String {
    if p < 0.001 { "< 0.001".into() } else { format!("{p:.3}") }
}

/// The effect of every key metric at every point but the baseline: from differences.csv
/// (paired by run) when the batch has one, else from the summaries (Welch, normal
/// approximation); Holm's adjustment over all of them either way.
pub fn effects(b: &Batch) -> Effects {
    let mut out = BTreeMap::new();
    let Some(base) = b.points.first() else { return out };
    let stats_of = |p: &Point, key: &str| {
        p.metrics.iter().find(|(n, _)| n == key).map(|(_, s)| s.clone()).unwrap_or_default()
    };
    for key in ttx_engine::metrics::key_metrics() {
        for p in b.points.iter().skip(1) {
            let e = match &b.paired {
                Some(d) => d.get(&(p.point, key.to_string())).cloned().unwrap_or_default(),
                None => match difference(&stats_of(p, key), &stats_of(base, key)) {
                    Some((d, lo, hi)) => {
                        let se = (hi - lo) / (2.0 * 1.96);
                        let p = if se > 0.0 {
                            Some(ttx::batch::inference::z_two_sided(d / se))
                        } else {
                            Some(if d == 0.0 { 1.0 } else { 0.0 })
                        };
                        Paired { mean: Some(d), ci: Some((lo, hi)), p, p_holm: None }
                    }
                    None => Paired::default(),
                },
            };
            out.insert((p.point, key.to_string()), e);
        }
    }
    let keys: Vec<(u64, String)> = out.keys().cloned().collect();
    let ps: Vec<f64> = keys.iter().map(|k| out[k].p.unwrap_or(f64::NAN)).collect();
    for (k, adj) in keys.iter().zip(ttx::batch::inference::holm(&ps)) {
        if let Some(e) = out.get_mut(k) {
            e.p_holm = (!adj.is_nan()).then_some(adj);
        }
    }
    out
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=,:+@%".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The command that reproduces the batch.
pub fn command_line(m: &Manifest) -> String {
    let mut args: Vec<&str> = m.arguments.iter().map(String::as_str).collect();
    if args.first().is_some_and(|a| *a == "ttx" || a.ends_with("/ttx")) {
        args.remove(0);
    }
    if args.first() != Some(&"batch") {
        args.insert(0, "batch");
    }
    std::iter::once("ttx".to_string())
        .chain(args.iter().map(|a| shell_quote(a)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds the batch report.
pub fn document(b: &Batch) -> Doc {
    let m = &b.manifest;
    let name = if m.scenario_name.is_empty() { m.scenario.clone() } else { m.scenario_name.clone() };
    let mut doc = Doc {
        title: name,
        kind: "Batch research report".into(),
        subtitle: format!(
            "{} runs per point × {} sweep points · seed {} · {}",
            m.runs,
            b.points.len(),
            m.seed,
            b.dir
        ),
        blocks: Vec::new(),
    };
    manifest_section(&mut doc, b);
    effects_section(&mut doc, b);
    summary_section(&mut doc, b);
    plots_section(&mut doc, b);
    doc
}

fn h2(doc: &mut Doc, id: &str, text: &str) {
    doc.blocks.push(Block::Heading { level: 2, id: id.into(), text: text.into() });
}

fn h3(doc: &mut Doc, id: &str, text: &str) {
    doc.blocks.push(Block::Heading { level: 3, id: id.into(), text: text.into() });
}

/// 1. What was run: the manifest, and the runs of each point.
fn manifest_section(doc: &mut Doc, b: &Batch) {
    let m = &b.manifest;
    h2(doc, "manifest", "1. What was run");
    let mut facts = vec![
        ("Scenario".to_string(), format!("{} ({})", m.scenario_name, m.scenario)),
        ("Scenario hash".into(), m.scenario_hash.clone()),
        ("ttx version".into(), m.ttx_version.clone()),
        ("Seed".into(), m.seed.to_string()),
        ("Runs per point".into(), m.runs.to_string()),
        ("Sweep points".into(), format!("{} (manifest says {})", b.points.len(), m.points)),
    ];
    for s in &m.sweeps {
        facts.push((
            format!("Sweep of {}", s.path),
            s.values
                .iter()
                .map(|v| v.to_string().trim_matches('"').to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    facts.push((
        "Shard".into(),
        match &m.shard {
            Some(s) => format!(
                "{} of {} (this directory holds one shard; merge all shards for the full batch)",
                s.index + 1,
                s.count
            ),
            None => "none (the whole batch)".into(),
        },
    ));
    facts.push(("To reproduce".into(), command_line(m)));
    doc.blocks.push(Block::Facts(facts));
    doc.blocks.push(Block::Aside(
        "The same scenario file (matching the hash), ttx version, seed and arguments give the same runs.csv and summary.csv byte for byte.".into(),
    ));
    if b.has_runs {
        let mut t = Table {
            head: vec!["Point".into(), "Parameters".into(), "Runs in runs.csv".into()],
            ..Default::default()
        };
        for p in &b.points {
            t.rows.push(vec![
                Cell::num(p.point.to_string()),
                Cell::text(point_label(b, p)),
                Cell::num(p.runs.to_string()),
            ]);
        }
        doc.blocks.push(Block::Table(t));
    }
}

/// 2. The sweep's effect on each key metric.
fn effects_section(doc: &mut Doc, b: &Batch) {
    h2(doc, "effects", "2. The sweep's effect on key metrics");
    doc.blocks.push(Block::Aside(
        match b.paired {
            Some(_) => "For each key metric: the mean at every sweep point with its 95% confidence interval (from summary.csv), and the difference from the first point (from differences.csv). Run k of every point starts from the same seed, so the difference is taken run by run (paired t interval): the luck the points share cancels. A difference is marked clear when Holm's adjusted p-value, over every comparison of every key metric in this section, is below 0.05: the chance of marking any effect that is not there stays below 5% however many comparisons there are.".into(),
            None => "For each key metric: the mean at every sweep point with its 95% confidence interval (from summary.csv), and the difference from the first point with a 95% interval (normal approximation, Welch standard error: this batch directory has no differences.csv, so the runs are not paired). A difference is marked clear when Holm's adjusted p-value, over every comparison of every key metric in this section, is below 0.05.".into(),
        },
    ));
    let base = b.points.first();
    let effects = effects(b);
    for key in ttx_engine::metrics::key_metrics() {
        if !b.metric_names.iter().any(|n| n == key) {
            continue;
        }
        h3(doc, &format!("effect-{key}"), &format!("{} ({key})", label(key)));
        let stats_of =
            |p: &Point| p.metrics.iter().find(|(n, _)| n == key).map(|(_, s)| s.clone()).unwrap_or_default();
        let rows: Vec<ForestRow> = b
            .points
            .iter()
            .map(|p| {
                let s = stats_of(p);
                ForestRow { label: forest_label(b, p), mean: s.mean, ci: s.ci }
            })
            .collect();
        doc.blocks.push(Block::Figure(Figure {
            name: format!("effect-{key}"),
            caption: format!("{}: mean and 95% confidence interval at each sweep point.", label(key)),
            svg: svg::forest(&rows, &format!("{} by sweep point", label(key))),
        }));
        let mut t = Table {
            head: vec![
                "Point".into(),
                "Parameters".into(),
                "n".into(),
                "Mean".into(),
                "95% CI".into(),
                "Difference from point 0".into(),
                "95% CI of difference".into(),
                "p (Holm)".into(),
            ],
            ..Default::default()
        };
        for p in &b.points {
            let s = stats_of(p);
            let (d, dci, holm, class) = if Some(p.point) == base.map(|x| x.point) {
                ("baseline".to_string(), "-".to_string(), "-".to_string(), None)
            } else {
                match effects.get(&(p.point, key.to_string())) {
                    Some(e) => (
                        opt(e.mean),
                        e.ci.map_or("-".into(), |(lo, hi)| format!("{} to {}", sensible(lo), sensible(hi))),
                        e.p_holm.map_or("-".into(), fmt_p),
                        e.p_holm.filter(|q| *q < 0.05).map(|_| "clear"),
                    ),
                    None => ("-".into(), "-".into(), "-".into(), None),
                }
            };
            t.rows.push(vec![
                Cell::num(p.point.to_string()),
                Cell::text(point_label(b, p)),
                Cell::num(count(s.n)),
                Cell::num(opt(s.mean)),
                Cell::num(s.ci.map_or("-".into(), |(a, c)| format!("{} to {}", sensible(a), sensible(c)))),
                Cell::num(d),
                Cell { text: dci, class: class.or(Some("num")) },
                Cell::num(holm),
            ]);
        }
        doc.blocks.push(Block::Table(t));
    }
}

/// 3. Every metric's summary statistics at every point.
fn summary_section(doc: &mut Doc, b: &Batch) {
    h2(doc, "summary", "3. Summary statistics");
    doc.blocks.push(Block::Aside(format!(
        "Every row of summary.csv: {} sweep points × {} metrics.",
        b.points.len(),
        b.metric_names.len()
    )));
    let mut head = vec!["Point".to_string()];
    head.extend(b.paths.iter().cloned());
    head.extend(["Metric", "n", "Mean", "SD", "95% CI", "p5", "p50", "p95"].map(String::from));
    let mut t = Table { head, ..Default::default() };
    for p in &b.points {
        for (metric, s) in &p.metrics {
            let mut row = vec![Cell::num(p.point.to_string())];
            row.extend(p.params.iter().map(|v| Cell::text(v.clone())));
            row.push(Cell::text(metric.clone()));
            row.push(Cell::num(count(s.n)));
            row.push(Cell::num(opt(s.mean)));
            row.push(Cell::num(opt(s.sd)));
            row.push(Cell::num(
                s.ci.map_or("-".into(), |(a, c)| format!("{} to {}", sensible(a), sensible(c))),
            ));
            row.push(Cell::num(opt(s.p5)));
            row.push(Cell::num(opt(s.p50)));
            row.push(Cell::num(opt(s.p95)));
            t.rows.push(row);
        }
    }
    doc.blocks.push(Block::Table(t));
}

/// 4. Every plot of the batch directory.
fn plots_section(doc: &mut Doc, b: &Batch) {
    h2(doc, "plots", "4. Plots");
    if b.plots.is_empty() {
        doc.blocks
            .push(Block::Para("The batch directory has no plots (run `ttx batch` with `--plots`).".into()));
    }
    for (k, p) in b.plots.iter().enumerate() {
        let stem = p.file.trim_end_matches(".svg").trim_end_matches(".SVG");
        let caption = match stem.split_once("_vs_") {
            Some((metric, path)) => format!("{} against {path} (plots/{})", label(metric), p.file),
            None => format!("{} (plots/{})", label(stem), p.file),
        };
        match &p.svg {
            Ok(svg) => doc.blocks.push(Block::Figure(Figure {
                name: format!(
                    "plot-{k}-{}",
                    stem.replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "-")
                ),
                caption,
                svg: svg.clone(),
            })),
            Err(e) => doc.blocks.push(Block::Para(format!("plots/{} could not be shown: {e}", p.file))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn difference_interval() {
        let a = Stats { n: Some(100.0), mean: Some(0.6), sd: Some(0.1), ..Default::default() };
        let b = Stats { n: Some(100.0), mean: Some(0.5), sd: Some(0.1), ..Default::default() };
        let (d, lo, hi) = difference(&a, &b).expect("defined");
        assert!((d - 0.1).abs() < 1e-12);
        let se = (0.0002f64).sqrt();
        assert!((lo - (0.1 - 1.96 * se)).abs() < 1e-12 && (hi - (0.1 + 1.96 * se)).abs() < 1e-12);
        assert!(difference(&Stats::default(), &b).is_none());
    }

    #[test]
    fn reproduce_command() {
        let m = Manifest {
            ttx_version: "0.1.0".into(),
            scenario: "s.ron".into(),
            scenario_name: "S".into(),
            scenario_hash: "h".into(),
            seed: 1,
            scenario_text: None,
            runs: 10,
            sweeps: vec![],
            points: 1,
            shard: None,
            arguments: vec!["s.ron".into(), "--runs".into(), "10".into(), "--note".into(), "a b".into()],
            commands: None,
            build: None,
            design: None,
            series: None,
            entities: false,
        };
        assert_eq!(command_line(&m), "ttx batch s.ron --runs 10 --note 'a b'");
    }
}
