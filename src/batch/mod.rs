//! Research batches: many seeded runs of a scenario, swept over its parameters,
//! in parallel, with statistics and charts; shards for clusters, and merging.
//!
//! `ttx batch` and `ttx merge` are thin wrappers over [`batch`] and [`merge`].
//! docs/batch.md describes the files for the people who read them.

pub mod compare;
pub mod files;
pub mod plots;
mod progress;
pub mod stats;
pub mod sweep;

use std::collections::BTreeSet;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rayon::prelude::*;
use ttx_engine::{Scenario, Sim};

pub use files::{Manifest, RunRow, Shard, Task, run_seed};
pub use progress::ProgressMode;

/// Why a batch or a merge did not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// Bad input (a flag, a sweep, a directory): exit 2.
    #[error("{0}")]
    Input(String),
    /// Something failed while running or writing: exit 1.
    #[error("{0}")]
    Runtime(String),
    /// Stopped by Ctrl-C; what finished is kept: exit 130.
    #[error("{0}")]
    Interrupted(String),
}

impl BatchError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            BatchError::Input(_) => 2,
            BatchError::Runtime(_) => 1,
            BatchError::Interrupted(_) => 130,
        }
    }

    /// What to tell the user.
    pub fn message(&self) -> &str {
        match self {
            BatchError::Input(m) | BatchError::Runtime(m) | BatchError::Interrupted(m) => m,
        }
    }
}

impl From<std::io::Error> for BatchError {
    fn from(e: std::io::Error) -> Self {
        BatchError::Runtime(format!("I/O error: {e}"))
    }
}

/// The metrics every run reports, in `Metrics::scalars()` order (the runs.csv columns).
pub fn metric_names(scenario: &Scenario) -> Vec<String> {
    Sim::new(scenario, 0).metrics().scalars().into_iter().map(|(n, _)| n.to_string()).collect()
}

/// The most runs a batch may have in all (sweep points × runs per point):
/// every run is a task and a row held in memory (documented in docs/batch.md).
pub const MAX_RUNS: u64 = 1_000_000;

/// A checked batch: its manifest, the scenario at every sweep point, and the metric columns.
pub struct Plan {
    /// What the batch is.
    pub manifest: Manifest,
    /// The scenario at every point (one compiled scenario each, shared by all threads).
    pub points: Vec<sweep::Point>,
    /// Metric names, in column order.
    pub metrics: Vec<String>,
}

impl Plan {
    /// Checks the sweeps against the scenario and builds every sweep point; nothing runs yet.
    pub fn new(
        scenario: &Scenario,
        label: &str,
        runs: u32,
        seed: u64,
        sweeps: &[String],
        shard: Option<Shard>,
    ) -> Result<Plan, BatchError> {
        if runs == 0 {
            return Err(BatchError::Input("--runs 0: give at least one run per sweep point".into()));
        }
        let tree = sweep::tree(scenario.spec()).map_err(BatchError::Runtime)?;
        let sweeps = sweep::resolve(&tree, sweeps).map_err(BatchError::Input)?;
        let grid = sweep::check_grid(&sweeps).map_err(BatchError::Input)?;
        let total = grid as u64 * u64::from(runs);
        if total > MAX_RUNS {
            return Err(BatchError::Input(format!(
                "--runs {runs} at {grid} sweep point{} makes {total} runs; a batch has at most {MAX_RUNS}: give fewer runs or sweep values, or split the work over several batches (see docs/batch.md)",
                if grid == 1 { "" } else { "s" }
            )));
        }
        let points = sweep::points(scenario, label, &tree, &sweeps).map_err(BatchError::Input)?;
        let mut arguments: Vec<String> = vec![
            "ttx".into(),
            "batch".into(),
            label.to_string(),
            "--runs".into(),
            runs.to_string(),
            "--seed".into(),
            seed.to_string(),
        ];
        for s in &sweeps {
            arguments.push("--sweep".into());
            arguments.push(format!(
                "{}={}",
                s.path,
                s.values.iter().map(sweep::show).collect::<Vec<_>>().join(",")
            ));
        }
        let manifest = Manifest {
            ttx_version: ttx_engine::VERSION.to_string(),
            scenario: label.to_string(),
            scenario_name: scenario.name().to_string(),
            scenario_hash: scenario.hash_hex(),
            seed,
            runs,
            sweeps: sweeps
                .iter()
                .map(|s| files::SweepRecord { path: s.path.clone(), values: s.values.clone() })
                .collect(),
            points: points.len() as u32,
            shard,
            arguments,
        };
        Ok(Plan { manifest, points, metrics: metric_names(scenario) })
    }

    /// Runs one simulation to its end and reads its metrics.
    pub fn run(&self, t: &Task) -> RunRow {
        self.run_reusing(t, &mut None)
    }

    /// [`Plan::run`], reusing the simulation a thread ran before when it was of the same
    /// sweep point ([`Sim::reset`]: the same run as a new `Sim`, without building one).
    fn run_reusing(&self, t: &Task, cache: &mut Option<(u32, Sim)>) -> RunRow {
        let sim = match cache {
            Some((point, sim)) if *point == t.point => {
                sim.reset(t.seed);
                sim
            }
            _ => &mut cache.insert((t.point, Sim::new(&self.points[t.point as usize].scenario, t.seed))).1,
        };
        sim.run_to_end();
        let values = sim.metrics().scalars().into_iter().map(|(_, v)| v).collect();
        RunRow { point: t.point, run: t.run, seed: t.seed, values }
    }

    /// Runs `tasks` on `jobs` threads, handing each finished run to `sink` (on the calling thread)
    /// as it finishes. Stops early, keeping what finished, when `stop` is set.
    pub fn execute(
        &self,
        tasks: &[Task],
        jobs: usize,
        stop: &AtomicBool,
        mut sink: impl FnMut(RunRow) -> Result<(), BatchError>,
    ) -> Result<(), BatchError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .thread_name(|i| format!("ttx-batch-{i}"))
            .build()
            .map_err(|e| BatchError::Runtime(format!("cannot start {jobs} threads: {e}")))?;
        let abort = AtomicBool::new(false);
        let (tx, rx) = mpsc::sync_channel::<Result<RunRow, (Task, String)>>(4096);
        std::thread::scope(|scope| {
            let abort = &abort;
            scope.spawn(move || {
                pool.install(|| {
                    tasks.par_iter().for_each_init(
                        || (tx.clone(), None),
                        |(tx, cache), t| {
                            if stop.load(Ordering::Relaxed) || abort.load(Ordering::Relaxed) {
                                return;
                            }
                            let out =
                                catch_unwind(AssertUnwindSafe(|| self.run_reusing(t, cache))).map_err(|p| {
                                    // A run that panicked may leave its simulation half-way: start afresh.
                                    *cache = None;
                                    let what = p
                                        .downcast_ref::<&str>()
                                        .map(|s| s.to_string())
                                        .or_else(|| p.downcast_ref::<String>().cloned())
                                        .unwrap_or_else(|| "a panic".into());
                                    (*t, what)
                                });
                            let _ = tx.send(out);
                        },
                    );
                });
            });
            let mut result = Ok(());
            for msg in rx {
                if result.is_err() {
                    continue;
                }
                let r = match msg {
                    Ok(row) => sink(row),
                    Err((t, what)) => Err(BatchError::Runtime(format!(
                        "run {} of point {} (seed {}) failed: {what}\nThis is a bug in ttx; please report it with the scenario and the seed.",
                        t.run, t.point, t.seed
                    ))),
                };
                if let Err(e) = r {
                    abort.store(true, Ordering::Relaxed);
                    result = Err(e);
                }
            }
            result
        })
    }
}

/// Options of `ttx batch`.
#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// The scenario as given (a path or a built-in name).
    pub scenario: String,
    /// Runs per sweep point.
    pub runs: u32,
    /// Batch seed.
    pub seed: u64,
    /// `PATH=V1,V2,...` per sweep.
    pub sweeps: Vec<String>,
    /// `I/N`.
    pub shard: Option<String>,
    /// Threads (default: every core).
    pub jobs: Option<usize>,
    /// Draw SVG charts.
    pub plots: bool,
    /// Complete a stopped batch in `out`.
    pub resume: bool,
    /// Output directory.
    pub out: PathBuf,
    /// Progress display.
    pub progress: ProgressMode,
}

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn holds_batch(dir: &Path) -> bool {
    dir.join("manifest.json").exists() || dir.join("runs.csv").exists()
}

/// Kept rows that `--resume` runs again to check them: the first, the last, and others at random.
pub const RESUME_CHECKS: usize = 8;

/// The kept rows `--resume` checks: every one when there are at most [`RESUME_CHECKS`],
/// else the first and the last (a batch stopped mid-write) and others picked at random
/// (so no row is safe to change). Which rows are checked does not change any output.
fn sample_kept(n: usize) -> Vec<usize> {
    if n <= RESUME_CHECKS {
        return (0..n).collect();
    }
    let mut picked = vec![0, n - 1];
    let mut state = {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(n);
        h.finish()
    };
    while picked.len() < RESUME_CHECKS {
        // xorshift64*: enough to spread a handful of picks.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let i = (state.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize;
        if !picked.contains(&i) {
            picked.push(i);
        }
    }
    picked.sort_unstable();
    picked
}

/// Runs a sample of the rows a stopped batch kept again and compares them, so a runs.csv that
/// was changed (or belongs to another batch) is refused rather than completed.
fn check_kept(
    plan: &Plan,
    rows: &[RunRow],
    dir: &Path,
    jobs: usize,
    stop: &AtomicBool,
) -> Result<(), BatchError> {
    let m = &plan.manifest;
    let refuse = |row: &RunRow, what: String| {
        BatchError::Input(format!(
            "--resume: {} was changed: the row of point {} run {} {what}. Its runs cannot be trusted; move the directory away and run the batch afresh.",
            dir.join("runs.csv").display(),
            row.point,
            row.run
        ))
    };
    // read_runs has checked each row's point, run, seed and parameters against the manifest.
    let tasks: Vec<Task> = sample_kept(rows.len())
        .into_iter()
        .map(|i| Task { point: rows[i].point, run: rows[i].run, seed: run_seed(m.seed, rows[i].run) })
        .collect();
    let mut fresh = Vec::new();
    plan.execute(&tasks, jobs, stop, |r| {
        fresh.push(r);
        Ok(())
    })?;
    let same = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(x), Some(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (None, None) => true,
        _ => false,
    };
    let show = |v: Option<f64>| v.map_or_else(|| "empty".to_string(), |x| x.to_string());
    for f in &fresh {
        let Some(kept) = rows.iter().find(|r| r.point == f.point && r.run == f.run) else { continue };
        for (j, (a, b)) in kept.values.iter().zip(&f.values).enumerate() {
            if !same(*a, *b) {
                let name = plan.metrics.get(j).map_or("a metric", String::as_str);
                return Err(refuse(
                    kept,
                    format!("says {name} is {}, but running it again gives {}", show(*a), show(*b)),
                ));
            }
        }
    }
    Ok(())
}

/// `ttx batch`: plans, runs and writes a batch (or completes one with `resume`).
pub fn batch(
    opts: &BatchOptions,
    scenario: &Scenario,
    stop: &AtomicBool,
    out: &mut dyn Write,
) -> Result<(), BatchError> {
    let jobs = match opts.jobs {
        Some(0) => return Err(BatchError::Input("--jobs 0: give at least one thread".into())),
        Some(j) => j,
        None => default_jobs(),
    };
    let shard = opts.shard.as_deref().map(Shard::parse).transpose().map_err(BatchError::Input)?;
    let plan = Plan::new(scenario, &opts.scenario, opts.runs, opts.seed, &opts.sweeps, shard)?;
    let m = &plan.manifest;
    let dir = &opts.out;
    if dir.exists() && !dir.is_dir() {
        return Err(BatchError::Input(format!("--out {}: this is a file, not a directory", dir.display())));
    }

    let mut rows: Vec<RunRow> = Vec::new();
    if opts.resume && !dir.join("manifest.json").exists() {
        // Nothing to complete: start afresh, so a cluster job can always pass --resume.
        if dir.join("runs.csv").exists() {
            return Err(BatchError::Input(format!(
                "--resume: {} has a runs.csv but no manifest.json, so what it holds is unknown; move it away",
                dir.display()
            )));
        }
        if opts.progress != ProgressMode::Quiet {
            eprintln!("ttx batch: {} holds no batch yet; starting it", dir.display());
        }
    } else if opts.resume {
        let old = files::read_manifest(dir)?;
        if let Some((field, was, now)) = old.difference(m) {
            return Err(BatchError::Input(format!(
                "--resume: the batch in {} was started with different arguments: {field} was {was}, now {now}\nto complete it: {}",
                dir.display(),
                old.resume_command(dir)
            )));
        }
        if old.shard != m.shard {
            return Err(BatchError::Input(format!(
                "--resume: {} holds {}, not {}",
                dir.display(),
                shard_name(old.shard),
                shard_name(m.shard)
            )));
        }
        rows = files::read_runs(dir, m, &plan.metrics, true)?;
        files::sort_rows(&mut rows);
        check_kept(&plan, &rows, dir, jobs, stop)?;
    } else if holds_batch(dir) {
        return Err(BatchError::Input(format!(
            "--out {}: this directory already holds a batch; add --resume to complete it, or choose another --out",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        BatchError::Input(format!("--out {}: cannot create the directory: {e}", dir.display()))
    })?;
    files::write_manifest(dir, m)?;

    let done: BTreeSet<(u32, u32)> = rows.iter().map(|r| (r.point, r.run)).collect();
    let all = m.tasks();
    let total = all.len() as u64;
    let todo: Vec<Task> = all.into_iter().filter(|t| !done.contains(&(t.point, t.run))).collect();
    let mut appender = files::RunsAppender::start(dir, m, &plan.metrics, &rows)?;

    if opts.progress != ProgressMode::Quiet {
        let what = match m.shard {
            Some(s) => format!("shard {}/{}: {} of ", s.index, s.count, total),
            None => String::new(),
        };
        let resumed = if done.is_empty() { String::new() } else { format!(", {} already done", done.len()) };
        eprintln!(
            "ttx batch: {}: {what}{} runs ({} point{} x {} runs), {jobs} thread{}{resumed}",
            m.scenario_name,
            u64::from(m.points) * u64::from(m.runs),
            m.points,
            if m.points == 1 { "" } else { "s" },
            m.runs,
            if jobs == 1 { "" } else { "s" },
        );
    }
    let mut progress = progress::Progress::new(total, done.len() as u64, opts.progress);
    let fresh = todo.len();
    let result = plan.execute(&todo, jobs, stop, |row| {
        appender.append(&row)?;
        progress.inc();
        rows.push(row);
        Ok(())
    });
    drop(appender);
    if let Err(e) = result {
        progress.abandon();
        return Err(e);
    }
    let seconds = progress.seconds();
    if stop.load(Ordering::Relaxed) && (rows.len() as u64) < total {
        progress.abandon();
        return Err(BatchError::Interrupted(format!(
            "stopped: {} of {} runs are kept in {}\nto complete the batch: {}",
            rows.len(),
            total,
            dir.join("runs.csv").display(),
            m.resume_command(dir)
        )));
    }
    progress.finish();

    if opts.plots && m.shard.is_some() {
        eprintln!("ttx batch: --plots: a shard has no charts of its own; `ttx merge --plots` draws them");
    }
    let sums = finish(dir, m, &plan.metrics, &mut rows, opts.plots, jobs)?;
    let rate = if seconds > 0.0 { fresh as f64 / seconds } else { 0.0 };
    writeln!(
        out,
        "{} runs in {:.1} s ({rate:.0} runs/s on {jobs} thread{}) -> {}",
        fresh,
        seconds,
        if jobs == 1 { "" } else { "s" },
        dir.display()
    )?;
    match m.shard {
        Some(s) => writeln!(
            out,
            "Shard {}/{} done: {} runs in {}. When all {} shards are done, join them with\n  ttx merge DIR... --out DIR",
            s.index,
            s.count,
            rows.len(),
            dir.join("runs.csv").display(),
            s.count
        )?,
        None => print_table(out, m, &sums, opts.plots)?,
    }
    Ok(())
}

/// The manifest `ttx batch --row` reads rows from, and whether it is `dir`'s: the one in `dir`
/// when there is one (which the batch's arguments, when given, must match), else the one
/// planned from the arguments.
pub fn row_manifest(planned: Option<Manifest>, dir: &Path) -> Result<(Manifest, bool), BatchError> {
    if !dir.join("manifest.json").exists() {
        let m = planned.ok_or_else(|| {
            BatchError::Input(format!(
                "--row: {} holds no batch (no manifest.json); give the batch's own arguments too, for example `ttx batch FILE --runs N --sweep ... --out DIR --row 0`",
                dir.display()
            ))
        })?;
        return Ok((m, false));
    }
    let there = files::read_manifest(dir)?;
    if let Some(m) = planned {
        if let Some((field, was, now)) = there.difference(&m) {
            return Err(BatchError::Input(format!(
                "--row: the batch in {} was made with different arguments: {field} was {was}, now {now}; give the batch's own arguments, or none: `ttx batch --out {} --row N`",
                dir.display(),
                files::shell_word(&dir.display().to_string())
            )));
        }
        if there.shard != m.shard {
            return Err(BatchError::Input(format!(
                "--row: {} holds {}, not {}; give the batch's arguments as it was run, or none: `ttx batch --out {} --row N`",
                dir.display(),
                shard_name(there.shard),
                shard_name(m.shard),
                files::shell_word(&dir.display().to_string())
            )));
        }
    }
    Ok((there, true))
}

/// Row `n` (from 0, below the header) of a batch's runs.csv: read from `dir`'s runs.csv
/// (in its own order, which is (point, run) order once the batch is complete) or, for a
/// batch not run, the row it would be.
pub fn row_task(m: &Manifest, dir: Option<&Path>, n: u64) -> Result<Task, BatchError> {
    let (tasks, resume) = match dir {
        Some(dir) if dir.join("runs.csv").exists() => {
            let metrics = metric_columns(dir, m)?;
            let rows = files::read_runs(dir, m, &metrics, true)?;
            let tasks = rows.iter().map(|r| Task { point: r.point, run: r.run, seed: r.seed }).collect();
            (tasks, Some(m.resume_command(dir)))
        }
        Some(dir) => (Vec::new(), Some(m.resume_command(dir))),
        None => (m.tasks(), None),
    };
    let total = m.tasks().len();
    if let Some(t) = usize::try_from(n).ok().and_then(|i| tasks.get(i)) {
        return Ok(*t);
    }
    let unfinished = match resume {
        Some(command) if tasks.len() < total => format!(
            "\nthe batch is not complete: {} of its {total} runs are written; to complete it: {command}",
            tasks.len()
        ),
        _ => String::new(),
    };
    Err(BatchError::Input(match tasks.len() {
        0 => format!("--row {n}: runs.csv has no rows yet{unfinished}"),
        len => format!(
            "--row {n}: runs.csv has rows 0 to {} (counting from 0, below the header); give one of those{unfinished}",
            len - 1
        ),
    }))
}

/// The `ttx run` command that reproduces one run of a batch: the same scenario, the run's
/// seed, and a `--set` for every swept value at its point.
pub fn row_command(m: &Manifest, t: &Task) -> String {
    let mut args: Vec<String> =
        vec!["ttx".into(), "run".into(), m.scenario.clone(), "--seed".into(), t.seed.to_string()];
    for (s, v) in m.sweeps.iter().zip(m.point_values(t.point)) {
        args.push("--set".into());
        args.push(format!("{}={}", s.path, sweep::show(&v)));
    }
    args.iter().map(|a| files::shell_word(a)).collect::<Vec<_>>().join(" ")
}

fn shard_name(s: Option<Shard>) -> String {
    match s {
        Some(s) => format!("shard {}/{}", s.index, s.count),
        None => "a whole (unsharded) batch".into(),
    }
}

/// Writes the finished files from all of a directory's rows: sorted runs.csv, and for a
/// whole batch the summaries (their metrics on `jobs` threads) and charts; then the manifest.
fn finish(
    dir: &Path,
    m: &Manifest,
    metrics: &[String],
    rows: &mut Vec<RunRow>,
    plots: bool,
    jobs: usize,
) -> Result<Vec<files::PointSummary>, BatchError> {
    files::sort_rows(rows);
    files::write_runs(dir, m, metrics, rows)?;
    let mut sums = Vec::new();
    if m.shard.is_none() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build()
            .map_err(|e| BatchError::Runtime(format!("cannot start {jobs} threads: {e}")))?;
        sums = pool.install(|| files::summarise(m, metrics, rows));
        files::write_summary_csv(dir, m, &sums)?;
        files::write_summary_json(dir, m, &sums)?;
        if plots {
            plots::draw(&dir.join("plots"), m, metrics, rows, &sums)?;
        }
    }
    files::write_manifest(dir, m)?;
    Ok(sums)
}

/// A number for the console: three significant figures or so.
fn short(x: f64) -> String {
    let a = x.abs();
    if a >= 1000.0 || x == x.round() && a < 1e15 {
        format!("{x:.0}")
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 10.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn print_table(
    out: &mut dyn Write,
    m: &Manifest,
    sums: &[files::PointSummary],
    plots: bool,
) -> std::io::Result<()> {
    writeln!(
        out,
        "Wrote runs.csv, summary.csv, summary.json, manifest.json{}",
        if plots { " and plots/" } else { "" }
    )?;
    writeln!(out, "\nMean [95% CI] over {} runs per point:", m.runs)?;
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(m.sweeps.iter().map(|s| s.path.clone()));
    header.extend(ttx_engine::metrics::headline_metrics().map(str::to_string));
    let mut table: Vec<Vec<String>> = vec![header];
    for s in sums.iter().take(30) {
        let mut r = vec![s.point.to_string()];
        r.extend(s.params.iter().map(sweep::show));
        for name in ttx_engine::metrics::headline_metrics() {
            let cell = s.metrics.iter().find(|(n, _)| n == name).map_or("-".to_string(), |(_, st)| {
                match (st.mean, st.ci95) {
                    (Some(mean), Some((lo, hi))) => format!("{} [{}, {}]", short(mean), short(lo), short(hi)),
                    (Some(mean), None) => short(mean),
                    _ => "-".into(),
                }
            });
            r.push(cell);
        }
        table.push(r);
    }
    let widths: Vec<usize> =
        (0..table[0].len()).map(|c| table.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    for r in &table {
        let line: Vec<String> = r.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        writeln!(out, "  {}", line.join("  ").trim_end())?;
    }
    if sums.len() > 30 {
        writeln!(out, "  ... {} more points in summary.csv", sums.len() - 30)?;
    }
    Ok(())
}

/// `ttx merge`: joins the shard directories of one batch into the files one unsharded run writes.
pub fn merge(dirs: &[PathBuf], out_dir: &Path, plots: bool, out: &mut dyn Write) -> Result<(), BatchError> {
    if dirs.is_empty() {
        return Err(BatchError::Input("ttx merge: give the shard directories to join".into()));
    }
    let mut shards: Vec<(PathBuf, Manifest)> = Vec::new();
    for d in dirs {
        shards.push((d.clone(), files::read_manifest(d)?));
    }
    let (first_dir, first) = &shards[0];
    for (d, m) in &shards[1..] {
        if let Some((field, a, b)) = first.difference(m) {
            return Err(BatchError::Input(format!(
                "cannot merge: {} and {} are not shards of the same batch: {field} is {a} in the first and {b} in the second",
                first_dir.display(),
                d.display()
            )));
        }
    }
    // Which shards are here: all N of N, or a single whole batch.
    match first.shard {
        None => {
            if shards.len() > 1 {
                return Err(BatchError::Input(format!(
                    "cannot merge: {} holds a whole (unsharded) batch; merge only the shards of one batch",
                    first_dir.display()
                )));
            }
        }
        Some(s0) => {
            let mut seen: Vec<Option<&Path>> = vec![None; s0.count as usize];
            for (d, m) in &shards {
                let Some(s) = m.shard else {
                    return Err(BatchError::Input(format!(
                        "cannot merge: {} holds a whole (unsharded) batch, not a shard",
                        d.display()
                    )));
                };
                if s.count != s0.count {
                    return Err(BatchError::Input(format!(
                        "cannot merge: {} is shard {}/{} but {} is shard {}/{}: the batch was split differently",
                        first_dir.display(),
                        s0.index,
                        s0.count,
                        d.display(),
                        s.index,
                        s.count
                    )));
                }
                if let Some(other) = seen[s.index as usize] {
                    return Err(BatchError::Input(format!(
                        "cannot merge: shard {}/{} is given twice ({} and {})",
                        s.index,
                        s.count,
                        other.display(),
                        d.display()
                    )));
                }
                seen[s.index as usize] = Some(d.as_path());
            }
            let missing: Vec<String> = seen
                .iter()
                .enumerate()
                .filter(|(_, d)| d.is_none())
                .map(|(i, _)| format!("{i}/{}", s0.count))
                .collect();
            if !missing.is_empty() {
                return Err(BatchError::Input(format!(
                    "cannot merge: shard{} {} of this batch {} missing; give every shard's directory",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", "),
                    if missing.len() == 1 { "is" } else { "are" }
                )));
            }
        }
    }
    // The merged directory must not be one of the shards, nor hold another batch.
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    if let Some(o) = canon(out_dir)
        && shards.iter().any(|(d, _)| canon(d).as_ref() == Some(&o))
    {
        return Err(BatchError::Input(format!(
            "--out {}: this is one of the shards being merged; choose another directory",
            out_dir.display()
        )));
    }
    let mut whole = first.clone();
    whole.shard = None;
    if out_dir.join("manifest.json").exists() {
        let there = files::read_manifest(out_dir)?;
        if there != whole {
            return Err(BatchError::Input(format!(
                "--out {}: this directory already holds another batch; choose another --out",
                out_dir.display()
            )));
        }
    }

    let metrics = metric_columns(first_dir, first)?;
    let mut rows = Vec::new();
    for (d, m) in &shards {
        let mut mine = files::read_runs(d, m, &metrics, false)?;
        files::sort_rows(&mut mine);
        let want = m.tasks().len();
        if mine.len() != want {
            return Err(BatchError::Input(format!(
                "cannot merge: {} in {} is incomplete: {} of its {} runs are there\nto complete it: {}",
                shard_name(m.shard),
                d.display(),
                mine.len(),
                want,
                m.resume_command(d)
            )));
        }
        rows.extend(mine);
    }
    std::fs::create_dir_all(out_dir).map_err(|e| {
        BatchError::Input(format!("--out {}: cannot create the directory: {e}", out_dir.display()))
    })?;
    let sums = finish(out_dir, &whole, &metrics, &mut rows, plots, default_jobs())?;
    writeln!(out, "Merged {} shard(s), {} runs -> {}", shards.len(), rows.len(), out_dir.display())?;
    print_table(out, &whole, &sums, plots)?;
    Ok(())
}

/// The metric columns of a directory's runs.csv (everything after the sweep columns).
pub(crate) fn metric_columns(dir: &Path, m: &Manifest) -> Result<Vec<String>, BatchError> {
    let path = dir.join("runs.csv");
    let mut rd = csv::Reader::from_path(&path)
        .map_err(|e| BatchError::Input(format!("cannot read {}: {e}", path.display())))?;
    let h = rd.headers().map_err(|e| BatchError::Input(format!("{}: {e}", path.display())))?;
    Ok(h.iter().skip(3 + m.sweeps.len()).map(str::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_reusing_its_sim_gives_the_rows_of_new_sims() {
        let sc = ttx_engine::builtin::default_scenario().unwrap();
        let sweeps = ["sharing.isac_membership=0.2,0.9".to_string(), "sharing.tearline_h=1,96".to_string()];
        let plan = Plan::new(&sc, "tabletop_the_vote", 3, 9, &sweeps, None).unwrap();
        let tasks = plan.manifest.tasks();
        assert_eq!(tasks.len(), 12);
        // One thread: runs of a point follow one another, so the Sim is reset between them and
        // rebuilt when the point changes.
        let mut rows = Vec::new();
        plan.execute(&tasks, 1, &AtomicBool::new(false), |r| {
            rows.push(r);
            Ok(())
        })
        .unwrap();
        rows.sort_by_key(|r| (r.point, r.run));
        let fresh: Vec<RunRow> = tasks.iter().map(|t| plan.run(t)).collect();
        assert_eq!(rows.len(), fresh.len());
        for (a, b) in rows.iter().zip(&fresh) {
            assert_eq!((a.point, a.run, a.seed), (b.point, b.run, b.seed));
            assert!(a.values == b.values, "point {} run {} differs", a.point, a.run);
        }
        // The points differ, so a Sim kept across a change of point would have shown.
        assert!(fresh.iter().any(|r| r.point > 0 && r.values != fresh[0].values));
    }
}
