//! The files a batch writes: runs.csv, summary.csv, summary.json and manifest.json.
//!
//! docs/batch.md is the public definition of each. Everything written is a
//! function of the manifest and the sorted rows alone, so the same batch gives
//! the same bytes whatever the thread count, the order runs finished in, or
//! the shards it was split into.

use std::fs::File;
use std::path::Path;

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ttx_engine::rng::StableHasher;

use super::stats::Stats;
use super::sweep;
use super::{BatchError, DirError, FlagError, RowFault};

/// Which share of a batch's runs one process does: runs whose task number `k`
/// (point × runs + run) satisfies `k % count == index`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, from 0.
    pub index: u32,
    /// How many shards.
    pub count: u32,
}

impl Shard {
    /// Reads `I/N`.
    pub fn parse(text: &str) -> Result<Shard, FlagError> {
        let help = "write --shard I/N with 0 <= I < N, e.g. --shard 0/4 for the first of four \
                    (Slurm: --shard $SLURM_ARRAY_TASK_ID/N)";
        let bad = |what: String| FlagError::quoted("--shard", text, what);
        let Some((i, n)) = text.split_once('/') else {
            return Err(bad(help.to_string()));
        };
        let index: u32 = i.trim().parse().map_err(|_| bad(format!("`{i}` is not a shard number; {help}")))?;
        let count: u32 =
            n.trim().parse().map_err(|_| bad(format!("`{n}` is not a number of shards; {help}")))?;
        if count == 0 {
            return Err(bad(format!("there must be at least one shard; {help}")));
        }
        if index >= count {
            return Err(bad(format!(
                "shards are numbered from 0 to {}, so {index} does not exist; {help}",
                count - 1
            )));
        }
        Ok(Shard { index, count })
    }
}

/// One `--sweep` as the manifest records it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepRecord {
    /// The parameter's path.
    pub path: String,
    /// Its values, in order (none for a parameter a design varies: the design gives its values).
    pub values: Vec<Value>,
    /// Varies together with the sweep before it (`--sweep a,b=1,2|3,4`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub joint: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Everything that decides a batch's results, and where this directory's runs fit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The ttx version that ran it.
    pub ttx_version: String,
    /// The scenario as given on the command line.
    pub scenario: String,
    /// The scenario's title.
    pub scenario_name: String,
    /// The scenario's content hash (16 hex digits).
    pub scenario_hash: String,
    /// The scenario's whole text (the built-in's own for a built-in name), before any sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_text: Option<String>,
    /// The batch seed.
    pub seed: u64,
    /// Runs per sweep point.
    pub runs: u32,
    /// The sweeps, in order (the first varies slowest).
    pub sweeps: Vec<SweepRecord>,
    /// Sweep points in the whole grid.
    pub points: u32,
    /// The shard this directory holds, or none for a whole batch.
    pub shard: Option<Shard>,
    /// The command line that gives these results as one unsharded batch.
    pub arguments: Vec<String>,
    /// The scripted policy every run applied (`--commands`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commands: Option<CommandsRecord>,
    /// The program that wrote this manifest (informational: not compared by `--resume` or
    /// `ttx merge`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<Build>,
    /// The design that placed the points (`--vary` with `--design`), if not a grid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<super::design::Design>,
    /// The time series written to series.csv: `daily` or `hourly`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    /// Whether campaigns.csv and jurisdictions.csv are written.
    #[serde(default, skip_serializing_if = "is_false")]
    pub entities: bool,
}

/// Which program wrote a manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Build {
    /// The git commit it was built from, or "unknown" (built outside a repository).
    pub commit: String,
    /// Whether the work tree had changes not committed when it was built: "true",
    /// "false" or "unknown".
    pub dirty: String,
    /// The platform it was built for: operating system and architecture.
    pub platform: String,
}

impl Build {
    /// This program.
    pub fn this() -> Build {
        Build {
            commit: env!("TTX_BUILD_COMMIT").to_string(),
            dirty: env!("TTX_BUILD_DIRTY").to_string(),
            platform: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

/// The policy file of `--commands`, as the manifest records it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommandsRecord {
    /// The file as given.
    pub file: String,
    /// Its whole text (the runs depend on nothing else of it).
    pub text: String,
}

/// One run to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Task {
    /// Sweep point.
    pub point: u32,
    /// Run index within the point.
    pub run: u32,
    /// The run's seed.
    pub seed: u64,
}

/// One finished run: a row of runs.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRow {
    /// Sweep point.
    pub point: u32,
    /// Run index within the point.
    pub run: u32,
    /// The seed it ran with (`ttx run FILE --seed SEED` repeats it at an unswept point).
    pub seed: u64,
    /// Every scalar metric, in `Metrics::scalars()` order; none where the metric has no value.
    pub values: Vec<Option<f64>>,
}

/// The seed of run `run` of a batch with seed `seed`.
///
/// It does not depend on the sweep point: run 7 of every point starts from the
/// same random numbers (common random numbers), so the differences between
/// points come from the swept parameter and not from luck. It is 53 bits, so it
/// survives a round trip through any spreadsheet or JSON reader.
pub fn run_seed(seed: u64, run: u32) -> u64 {
    StableHasher::new().str("ttx batch run").u64(seed).u64(u64::from(run)).finish() >> 11
}

impl Manifest {
    /// The value of every sweep (or varied parameter) at a point.
    pub fn point_values(&self, point: u32) -> Vec<Value> {
        if let Some(d) = &self.design {
            return d.values(point);
        }
        let lengths: Vec<usize> = self.sweeps.iter().filter(|s| !s.joint).map(|s| s.values.len()).collect();
        let pos = sweep::grid_position(&lengths, point as usize);
        let dim = sweep::dim_of(self.sweeps.iter().map(|s| s.joint));
        self.sweeps
            .iter()
            .zip(dim)
            .map(|(s, d)| s.values.get(pos[d]).cloned().unwrap_or(Value::Null))
            .collect()
    }

    /// The runs this directory is responsible for, in (point, run) order.
    pub fn tasks(&self) -> Vec<Task> {
        let runs = u64::from(self.runs);
        let mut out = Vec::new();
        for point in 0..self.points {
            for run in 0..self.runs {
                let k = u64::from(point) * runs + u64::from(run);
                if let Some(s) = self.shard
                    && k % u64::from(s.count) != u64::from(s.index)
                {
                    continue;
                }
                out.push(Task { point, run, seed: run_seed(self.seed, run) });
            }
        }
        out
    }

    /// Whether a run belongs to this directory.
    pub fn owns(&self, point: u32, run: u32) -> bool {
        if point >= self.points || run >= self.runs {
            return false;
        }
        match self.shard {
            None => true,
            Some(s) => {
                (u64::from(point) * u64::from(self.runs) + u64::from(run)) % u64::from(s.count)
                    == u64::from(s.index)
            }
        }
    }

    /// The command that completes or repeats this directory's batch.
    pub fn resume_command(&self, out: &Path) -> String {
        let mut args: Vec<String> = self.arguments.clone();
        if let Some(s) = self.shard {
            args.push("--shard".into());
            args.push(format!("{}/{}", s.index, s.count));
        }
        args.push("--out".into());
        args.push(out.display().to_string());
        args.push("--resume".into());
        args.iter().map(|a| shell_word(a)).collect::<Vec<_>>().join(" ")
    }

    /// The first field in which two manifests differ (shard aside; the command line only when
    /// nothing else differs), as (field, this, other) in JSON.
    pub fn difference(&self, other: &Manifest) -> Option<(String, String, String)> {
        let a = serde_json::to_value(self).ok()?;
        let b = serde_json::to_value(other).ok()?;
        let (Value::Object(a), Value::Object(b)) = (a, b) else { return None };
        let show = |v: Option<&Value>| v.map_or("none".into(), Value::to_string);
        // The command line last: it differs whenever anything else does, so name the field.
        let mut keys: Vec<&str> = a.keys().map(String::as_str).collect();
        keys.extend(b.keys().map(String::as_str).filter(|k| !a.contains_key(*k)));
        // Provenance of the program is not compared; a scenario text is compared when both
        // record one (a batch from before manifests held it has none).
        keys.retain(|k| {
            *k != "shard"
                && *k != "arguments"
                && *k != "build"
                && !(*k == "scenario_text"
                    && (a.get(*k).is_none_or(Value::is_null) || b.get(*k).is_none_or(Value::is_null)))
        });
        keys.push("arguments");
        keys.into_iter()
            .find(|k| a.get(*k) != b.get(*k))
            .map(|k| (k.to_string(), show(a.get(k)), show(b.get(k))))
    }
}

/// A CSV field: as it is, or quoted when it holds a comma, a quote or a line break.
pub fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// Quotes a word for a POSIX shell when it needs quoting.
pub fn shell_word(s: &str) -> String {
    let plain = !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=,:+@%".contains(c));
    if plain { s.to_string() } else { format!("'{}'", s.replace('\'', "'\\''")) }
}

pub use crate::fsio::write_atomic;

/// Writes manifest.json.
pub fn write_manifest(dir: &Path, m: &Manifest) -> Result<(), BatchError> {
    let path = dir.join("manifest.json");
    let mut text = serde_json::to_string_pretty(m).map_err(BatchError::write_json(&path))?;
    text.push('\n');
    write_atomic(&path, text.as_bytes()).map_err(BatchError::write(&path))
}

/// Writes invocation.json: how this directory's last `ttx batch` was run (the command line
/// as typed, threads, wall-clock seconds, runs it ran, when it finished). Unlike every
/// other file it changes from one invocation to the next; nothing reads it back.
pub fn write_invocation(dir: &Path, seconds: f64, jobs: usize, runs_run: usize) -> Result<(), BatchError> {
    let path = dir.join("invocation.json");
    let finished =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let doc = serde_json::json!({
        "command_line": std::env::args().collect::<Vec<_>>(),
        "jobs": jobs,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "runs_run": runs_run,
        "finished_unix": finished,
    });
    let mut text = serde_json::to_string_pretty(&doc).map_err(BatchError::write_json(&path))?;
    text.push('\n');
    write_atomic(&path, text.as_bytes()).map_err(BatchError::write(&path))
}

/// Reads a directory's manifest.json.
pub fn read_manifest(dir: &Path) -> Result<Manifest, BatchError> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|source| DirError::NoManifest {
        dir: dir.to_path_buf(),
        path: path.clone(),
        source,
    })?;
    Ok(serde_json::from_str(&text).map_err(|source| DirError::NotManifest { path, source })?)
}

fn cell(x: Option<f64>) -> String {
    let mut s = String::new();
    push_cell(&mut s, x);
    s
}

/// Appends a cell's text to `out`: nothing for no value, else Rust's shortest round-trip
/// form (parsing the cell gives back the same number exactly). A whole number below 2^53
/// in size is written by [`push_whole`], which gives the same digits more cheaply.
fn push_cell(out: &mut String, x: Option<f64>) {
    let Some(v) = x else { return };
    if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 && !(v == 0.0 && v.is_sign_negative()) {
        if v < 0.0 {
            out.push('-');
        }
        push_whole(out, v.abs() as u64);
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{v}");
    }
}

/// Appends the decimal digits of `n` to `out`.
fn push_whole(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// The header of runs.csv.
pub fn runs_header(m: &Manifest, metrics: &[String]) -> Vec<String> {
    let mut h = vec!["point".to_string(), "run".into(), "seed".into()];
    h.extend(m.sweeps.iter().map(|s| s.path.clone()));
    h.extend(metrics.iter().cloned());
    h
}

/// Writes one row of runs.csv (`params`: its point's parameters, as the header orders
/// them) field by field, formatting its numbers in `scratch`.
fn write_row<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    row: &RunRow,
    params: &[String],
    scratch: &mut String,
) -> csv::Result<()> {
    for n in [u64::from(row.point), u64::from(row.run), row.seed] {
        scratch.clear();
        push_whole(scratch, n);
        w.write_field(scratch.as_bytes())?;
    }
    for p in params {
        w.write_field(p)?;
    }
    for v in &row.values {
        scratch.clear();
        push_cell(scratch, *v);
        w.write_field(scratch.as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
}

fn point_params(m: &Manifest) -> Vec<Vec<String>> {
    (0..m.points).map(|p| m.point_values(p).iter().map(sweep::show).collect()).collect()
}

/// Appends rows to runs.csv as runs finish, one whole line per write, so a
/// stopped batch keeps every run it finished.
pub struct RunsAppender {
    writer: csv::Writer<File>,
    params: Vec<Vec<String>>,
    path: std::path::PathBuf,
    /// Where a row's numbers are formatted.
    scratch: String,
}

impl RunsAppender {
    /// Starts runs.csv afresh with the header and the rows already done, then opens it for appending.
    pub fn start(
        dir: &Path,
        m: &Manifest,
        metrics: &[String],
        done: &[RunRow],
    ) -> Result<RunsAppender, BatchError> {
        let path = dir.join("runs.csv");
        let params = point_params(m);
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(runs_header(m, metrics)).map_err(BatchError::write_csv(&path))?;
        let mut scratch = String::new();
        for r in done {
            write_row(&mut w, r, &params[r.point as usize], &mut scratch)
                .map_err(BatchError::write_csv(&path))?;
        }
        let bytes = w.into_inner().map_err(BatchError::flush_csv(&path))?;
        write_atomic(&path, &bytes).map_err(BatchError::write(&path))?;
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|source| BatchError::Open { path: path.clone(), source })?;
        Ok(RunsAppender { writer: csv::Writer::from_writer(file), params, path, scratch: String::new() })
    }

    /// Appends one finished run.
    pub fn append(&mut self, row: &RunRow) -> Result<(), BatchError> {
        write_row(&mut self.writer, row, &self.params[row.point as usize], &mut self.scratch)
            .map_err(BatchError::write_csv(&self.path))?;
        self.writer.flush().map_err(BatchError::write(&self.path))
    }
}

/// Reads a directory's runs.csv and checks every row against the manifest.
///
/// With `tolerate_cut`, a last line cut short (a batch stopped mid-write) is dropped.
pub fn read_runs(
    dir: &Path,
    m: &Manifest,
    metrics: &[String],
    tolerate_cut: bool,
) -> Result<Vec<RunRow>, BatchError> {
    let path = dir.join("runs.csv");
    let mut bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && tolerate_cut => return Ok(vec![]),
        Err(source) => return Err(DirError::Unreadable { path, source }.into()),
    };
    if tolerate_cut {
        let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        bytes.truncate(end);
        if bytes.is_empty() {
            return Ok(vec![]);
        }
    }
    let bad = |line: usize, what: RowFault| DirError::BadRow { path: path.clone(), line, what };
    let mut rd = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = rd
        .headers()
        .map_err(|source| DirError::BadHeader { path: path.clone(), source })?
        .iter()
        .map(str::to_string)
        .collect();
    let want = runs_header(m, metrics);
    if header != want {
        return Err(DirError::OtherColumns { path: path.clone(), found: header, expected: want }.into());
    }
    let params = point_params(m);
    let k = m.sweeps.len();
    let mut rows = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad(line, RowFault::Csv(e)))?;
        let num = |j: usize, what: &'static str| -> Result<u64, DirError> {
            rec.get(j).and_then(|s| s.parse::<u64>().ok()).ok_or_else(|| bad(line, RowFault::NotWhole(what)))
        };
        let point = num(0, "point")? as u32;
        let run = num(1, "run")? as u32;
        let seed = num(2, "seed")?;
        if !m.owns(point, run) {
            return Err(bad(line, RowFault::NotOurs { point, run }).into());
        }
        if seed != run_seed(m.seed, run) {
            return Err(bad(line, RowFault::OtherSeed { run, seed }).into());
        }
        for (j, want) in params[point as usize].iter().enumerate() {
            if rec.get(3 + j) != Some(want.as_str()) {
                let path = m.sweeps[j].path.clone();
                let found = rec.get(3 + j).unwrap_or("").to_string();
                return Err(bad(line, RowFault::OtherValue { path, found, point, want: want.clone() }).into());
            }
        }
        let mut values = Vec::with_capacity(metrics.len());
        for (j, name) in metrics.iter().enumerate() {
            let s = rec.get(3 + k + j).unwrap_or("");
            values.push(if s.is_empty() {
                None
            } else {
                Some(s.parse::<f64>().map_err(|_| {
                    bad(line, RowFault::NotNumber { metric: name.clone(), cell: s.to_string() })
                })?)
            });
        }
        rows.push(RunRow { point, run, seed, values });
    }
    Ok(rows)
}

/// Sorts rows by (point, run) and drops repeats of the same run.
pub fn sort_rows(rows: &mut Vec<RunRow>) {
    rows.sort_by_key(|r| (r.point, r.run));
    rows.dedup_by_key(|r| (r.point, r.run));
}

/// The statistics of every metric at one point.
#[derive(Clone, Debug)]
pub struct PointSummary {
    /// The point.
    pub point: u32,
    /// The swept values there.
    pub params: Vec<Value>,
    /// One entry per metric, in metric order.
    pub metrics: Vec<(String, Stats)>,
    /// The point's rows of survival.csv ([`super::effects::survival`]), made from the
    /// resamples of its runs that the summary's intervals take.
    pub survival: Vec<super::effects::Survival>,
}

/// Summarises sorted rows point by point, the points in parallel on the current rayon
/// pool. A point's bootstrap intervals share one set of resamples of its runs, drawn in a
/// fixed number of blocks with streams of their own ([`super::stats::bootstrap_runs`]), so the
/// result does not depend on the number of threads; survival.csv's Kaplan-Meier intervals
/// of the point take the same resamples ([`super::effects::Censored::rider`]).
pub fn summarise(m: &Manifest, metrics: &[String], rows: &[RunRow]) -> Vec<PointSummary> {
    use rayon::prelude::*;
    let mut spans = Vec::with_capacity(m.points as usize);
    let mut start = 0;
    for p in 0..m.points {
        let end = start + rows[start..].iter().take_while(|r| r.point == p).count();
        spans.push((p, start..end));
        start = end;
    }
    let censored = super::effects::Censored::of(metrics);
    spans
        .into_par_iter()
        .map(|(p, span)| {
            let here = &rows[span];
            // The point's runs × metrics, row-major.
            let cells: Vec<Option<f64>> = here
                .iter()
                .flat_map(|r| (0..metrics.len()).map(|j| r.values.get(j).copied().flatten()))
                .collect();
            // survival.csv's observations are the point's runs of the batch (run < runs), in
            // run order: when those are all of them, their resamples are the summary's.
            let (stats, survival) = match &censored {
                Some(c) if here.iter().all(|r| r.run < m.runs) => {
                    let rider = c.rider(here.iter());
                    let (stats, blocks) = Stats::of_runs_with(metrics, &cells, &rider);
                    (stats, rider.finish(p, &blocks))
                }
                Some(c) => {
                    let of_batch = here.iter().filter(|r| r.run < m.runs);
                    (Stats::of_runs(metrics, &cells), c.point(p, of_batch))
                }
                None => (Stats::of_runs(metrics, &cells), Vec::new()),
            };
            PointSummary {
                point: p,
                params: m.point_values(p),
                metrics: metrics.iter().cloned().zip(stats).collect(),
                survival,
            }
        })
        .collect()
}

/// Writes summary.csv.
pub fn write_summary_csv(dir: &Path, m: &Manifest, sums: &[PointSummary]) -> Result<(), BatchError> {
    let path = dir.join("summary.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_string()];
    header.extend(m.sweeps.iter().map(|s| s.path.clone()));
    header.extend(
        ["metric", "n", "mean", "sd", "ci95_low", "ci95_high", "p5", "p50", "p95"].map(str::to_string),
    );
    w.write_record(&header).map_err(BatchError::write_csv(&path))?;
    let mut bytes = w.into_inner().map_err(BatchError::flush_csv(&path))?;
    // Each point's lines are written on their own (on the threads of the pool this runs in)
    // and joined in point order: the bytes one writer would write.
    use rayon::prelude::*;
    let chunks: Vec<Result<Vec<u8>, BatchError>> = sums
        .par_iter()
        .map(|s| {
            let mut w = csv::Writer::from_writer(Vec::new());
            let params: Vec<String> = s.params.iter().map(sweep::show).collect();
            for (name, st) in &s.metrics {
                let mut r = vec![s.point.to_string()];
                r.extend(params.iter().cloned());
                r.push(name.clone());
                r.push(st.n.to_string());
                r.extend(
                    [st.mean, st.sd, st.ci95.map(|c| c.0), st.ci95.map(|c| c.1), st.p5, st.p50, st.p95]
                        .map(cell),
                );
                w.write_record(&r).map_err(BatchError::write_csv(&path))?;
            }
            w.into_inner().map_err(BatchError::flush_csv(&path))
        })
        .collect();
    for chunk in chunks {
        bytes.extend_from_slice(&chunk?);
    }
    write_atomic(&path, &bytes).map_err(BatchError::write(&path))
}

struct Ordered<'a, T: Serialize>(&'a [(String, T)]);

impl<T: Serialize> Serialize for Ordered<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct StatsJson {
    n: usize,
    mean: Option<f64>,
    sd: Option<f64>,
    ci95: Option<[f64; 2]>,
    p5: Option<f64>,
    p50: Option<f64>,
    p95: Option<f64>,
}

#[derive(Serialize)]
struct PointJson<'a> {
    point: u32,
    params: Ordered<'a, Value>,
    metrics: Ordered<'a, StatsJson>,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    points: Vec<PointJson<'a>>,
}

/// Writes summary.json (metrics and parameters in the same order as the CSV files).
pub fn write_summary_json(dir: &Path, m: &Manifest, sums: &[PointSummary]) -> Result<(), BatchError> {
    let path = dir.join("summary.json");
    let params: Vec<Vec<(String, Value)>> = sums
        .iter()
        .map(|s| m.sweeps.iter().map(|w| w.path.clone()).zip(s.params.iter().cloned()).collect())
        .collect();
    let stats: Vec<Vec<(String, StatsJson)>> = sums
        .iter()
        .map(|s| {
            s.metrics
                .iter()
                .map(|(name, st)| {
                    (
                        name.clone(),
                        StatsJson {
                            n: st.n,
                            mean: st.mean,
                            sd: st.sd,
                            ci95: st.ci95.map(|(a, b)| [a, b]),
                            p5: st.p5,
                            p50: st.p50,
                            p95: st.p95,
                        },
                    )
                })
                .collect()
        })
        .collect();
    let doc = SummaryJson {
        points: sums
            .iter()
            .enumerate()
            .map(|(i, s)| PointJson {
                point: s.point,
                params: Ordered(&params[i]),
                metrics: Ordered(&stats[i]),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).map_err(BatchError::write_json(&path))?;
    text.push('\n');
    write_atomic(&path, text.as_bytes()).map_err(BatchError::write(&path))
}

/// Writes runs.csv whole, sorted.
pub fn write_runs(dir: &Path, m: &Manifest, metrics: &[String], rows: &[RunRow]) -> Result<(), BatchError> {
    let path = dir.join("runs.csv");
    let params = point_params(m);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(runs_header(m, metrics)).map_err(BatchError::write_csv(&path))?;
    let mut scratch = String::new();
    for r in rows {
        write_row(&mut w, r, &params[r.point as usize], &mut scratch)
            .map_err(BatchError::write_csv(&path))?;
    }
    let bytes = w.into_inner().map_err(BatchError::flush_csv(&path))?;
    write_atomic(&path, &bytes).map_err(BatchError::write(&path))
}

/// A manifest for tests: scenario `s`, `runs` runs at every point of the grid of `sweeps`
/// (each a path and its values), the given seed, nothing else.
#[cfg(test)]
pub(crate) fn test_manifest(seed: u64, runs: u32, sweeps: &[(&str, &[f64])]) -> Manifest {
    let sweeps: Vec<SweepRecord> = sweeps
        .iter()
        .map(|(path, values)| SweepRecord {
            path: path.to_string(),
            values: values.iter().map(|x| Value::from(*x)).collect(),
            joint: false,
        })
        .collect();
    Manifest {
        ttx_version: "0".into(),
        scenario: "s".into(),
        scenario_name: "S".into(),
        scenario_hash: "0".into(),
        scenario_text: None,
        seed,
        runs,
        points: sweeps.iter().map(|s| s.values.len() as u32).product(),
        sweeps,
        shard: None,
        arguments: vec![],
        commands: None,
        build: None,
        design: None,
        series: None,
        entities: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(shard: Option<Shard>) -> Manifest {
        Manifest { shard, ..test_manifest(9, 5, &[("a.b", &[0.5, 2.0])]) }
    }

    #[test]
    fn shards_split_the_tasks_exactly() {
        let all = manifest(None).tasks();
        assert_eq!(all.len(), 10);
        let mut joined: Vec<Task> =
            (0..3).flat_map(|i| manifest(Some(Shard { index: i, count: 3 })).tasks()).collect();
        joined.sort();
        assert_eq!(joined, all);
        assert!(manifest(Some(Shard { index: 1, count: 3 })).owns(0, 1));
        assert!(!manifest(Some(Shard { index: 1, count: 3 })).owns(0, 2));
    }

    #[test]
    fn seeds_depend_on_the_batch_seed_and_run_only() {
        assert_eq!(run_seed(1, 3), run_seed(1, 3));
        assert_ne!(run_seed(1, 3), run_seed(2, 3));
        assert_ne!(run_seed(1, 3), run_seed(1, 4));
        assert!(run_seed(77, 12345) < 1 << 53);
        let t = manifest(None).tasks();
        assert_eq!(t[0].seed, t[5].seed);
    }

    #[test]
    fn shard_specs() {
        assert_eq!(Shard::parse("3/8"), Ok(Shard { index: 3, count: 8 }));
        for bad in ["8/8", "1/0", "x/2", "1-2", "", "-1/2", "1/"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cells_are_rust_s_own_form_of_the_number() {
        let mut stream = ttx_engine::rng::Streams::new(7).stream(&["cells"]);
        let mut values = vec![0.0, -0.0, 1.0, -1.0, 12.0, -7.0, 1e15, 9_007_199_254_740_991.0, 2f64.powi(53)];
        values.extend([1e21, -1e21, 0.5, -2.5, 1e-7, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MAX]);
        for _ in 0..10_000 {
            let bits = stream.next_u64();
            let x = f64::from_bits(bits);
            let scale = 10f64.powi((bits % 19) as i32);
            values.extend([x, (x.fract() * scale).round(), -((bits % 100_000) as f64)]);
        }
        for v in values {
            assert_eq!(cell(Some(v)), format!("{v}"), "{:x}", v.to_bits());
        }
        assert_eq!(cell(None), "");
    }

    #[test]
    fn cells_round_trip_exactly() {
        for x in [0.1, 1.0 / 3.0, 12.0, 1e21, 5e-324, -0.0, 59.0 - 1e-9] {
            let s = cell(Some(x));
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), x.to_bits(), "{s}");
        }
        assert_eq!(cell(Some(12.0)), "12");
        assert_eq!(cell(None), "");
    }

    #[test]
    fn resume_command_quotes_what_needs_it() {
        let mut m = manifest(Some(Shard { index: 1, count: 4 }));
        m.arguments =
            vec!["ttx".into(), "batch".into(), "my scenario.ron".into(), "--runs".into(), "5".into()];
        assert_eq!(
            m.resume_command(Path::new("out/s1")),
            "ttx batch 'my scenario.ron' --runs 5 --shard 1/4 --out out/s1 --resume"
        );
    }
}
