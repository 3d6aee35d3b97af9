//! Research batches: many seeded runs of a scenario, swept over its parameters,
//! in parallel, with statistics and charts; shards for clusters, and merging.
//!
//! `ttx batch` and `ttx merge` are thin wrappers over [`batch`] and [`merge`].
//! docs/batch.md describes the files for the people who read them.

pub mod compare;
pub mod design;
pub mod detail;
pub mod effects;
pub mod files;
pub mod grow;
pub mod inference;
pub mod parquet;
pub mod plots;
mod progress;
pub mod render;
pub mod sensitivity;
pub mod stats;
pub mod sweep;

use std::collections::BTreeSet;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rayon::prelude::*;
use ttx_engine::{Resolution, Scenario, Sim, SimOptions};

use crate::numfmt::whole_or_sensible;

pub use files::{Build, CommandsRecord, Manifest, RunRow, Shard, Task, run_seed};
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

/// What a batch varies and writes beyond a grid of sweeps: a design over `--vary` ranges, and
/// the outputs below the run level.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    /// `PATH=LO:HI` per varied parameter.
    pub vary: Vec<String>,
    /// `KIND:N` (`lhs`, `sobol`, `morris`).
    pub design: Option<String>,
    /// Write series.csv at this resolution.
    pub series: Option<Resolution>,
    /// Write campaigns.csv and jurisdictions.csv.
    pub entities: bool,
    /// Also write a Parquet copy of each table (`--format parquet`).
    pub format: parquet::TableFormat,
}

/// The most points a design may have (each is a scenario built when its runs start, so the
/// limit is the rows a batch holds rather than [`sweep::MAX_POINTS`]).
pub const MAX_DESIGN_POINTS: u64 = 100_000;

/// What a design's points are made from: the scenario's tree and the varied parameters.
struct Lazy {
    root: serde_json::Value,
    params: Vec<sweep::Sweep>,
    label: String,
}

/// A checked batch: its manifest, the scenario at every sweep point, and the metric columns.
pub struct Plan {
    /// What the batch is.
    pub manifest: Manifest,
    /// The scenario at every point (one compiled scenario each, shared by all threads); empty
    /// for a design, whose points are built as their runs start.
    pub points: Vec<sweep::Point>,
    /// Metric names, in column order.
    pub metrics: Vec<String>,
    /// The scripted policy every run applies (`--commands`), if any.
    pub policy: Option<crate::policy::Policy>,
    lazy: Option<Lazy>,
    options: SimOptions,
    detail: (bool, bool),
}

fn resolution_name(r: Resolution) -> &'static str {
    match r {
        Resolution::Daily => "daily",
        Resolution::Hourly => "hourly",
    }
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
        Plan::build(scenario, label, runs, seed, sweeps, shard, &Extras::default())
    }

    /// [`Plan::new`] with a design and outputs below the run level.
    pub fn build(
        scenario: &Scenario,
        label: &str,
        runs: u32,
        seed: u64,
        sweeps: &[String],
        shard: Option<Shard>,
        extras: &Extras,
    ) -> Result<Plan, BatchError> {
        if runs == 0 {
            return Err(BatchError::Input("--runs 0: give at least one run per sweep point".into()));
        }
        let tree = sweep::tree(scenario.spec()).map_err(BatchError::Runtime)?;
        let (design, lazy) = match (&extras.design, extras.vary.is_empty()) {
            (None, true) => (None, None),
            (None, false) => {
                return Err(BatchError::Input(
                    "--vary needs a design to place its points: add --design lhs:N, sobol:N or morris:N (for example --design sobol:512); for a grid, use --sweep PATH=LO:HI:STEP".into(),
                ));
            }
            (Some(d), true) => {
                return Err(BatchError::Input(format!(
                    "--design {d}: give the parameters it varies, each as --vary PATH=LO:HI (for example --vary sharing.isac_membership=0.2:0.9)"
                )));
            }
            (Some(d), false) => {
                if !sweeps.is_empty() {
                    return Err(BatchError::Input(
                        "--sweep and --design: a design places every point itself; give each parameter as --vary PATH=LO:HI, or run the grid as a batch of its own".into(),
                    ));
                }
                let (kind, n, levels) = design::parse(d).map_err(BatchError::Input)?;
                let mut params: Vec<sweep::Sweep> = Vec::new();
                let mut ranges = Vec::new();
                for arg in &extras.vary {
                    let (path, lo, hi) = design::parse_vary(arg).map_err(BatchError::Input)?;
                    let p =
                        sweep::resolve_range(&tree, &path, &lo, &hi, &params).map_err(BatchError::Input)?;
                    if !p.values.iter().all(serde_json::Value::is_number) {
                        return Err(BatchError::Input(format!(
                            "--vary {path}={lo}:{hi}: `{path}` is not a number; a design varies numbers between two ends; sweep true/false and text values with --sweep {path}=A,B in a batch of their own"
                        )));
                    }
                    ranges.push(design::Range {
                        path: p.path.clone(),
                        lo: p.values[0].clone(),
                        hi: p.values[1].clone(),
                    });
                    params.push(p);
                }
                if kind == design::Kind::Sobol && params.len() > design::MAX_SOBOL_PARAMS {
                    return Err(BatchError::Input(format!(
                        "--design {d}: a Sobol design varies at most {} parameters, and {} are given; screen them first with --design morris:20 and vary the ones that matter",
                        design::MAX_SOBOL_PARAMS,
                        params.len()
                    )));
                }
                let design = design::Design::new(kind, n, levels, seed, ranges);
                let points = design.points();
                if points > MAX_DESIGN_POINTS {
                    let k = design.k() as u64;
                    let most = match kind {
                        design::Kind::Lhs => MAX_DESIGN_POINTS,
                        design::Kind::Sobol => MAX_DESIGN_POINTS / (k + 2),
                        design::Kind::Morris => MAX_DESIGN_POINTS / (k + 1),
                    };
                    return Err(BatchError::Input(format!(
                        "--design {d}: {points} points with {k} parameters; a design has at most {MAX_DESIGN_POINTS}: write --design {}:{most} or less",
                        kind.name()
                    )));
                }
                // Both ends of every range must make a valid scenario (the others are checked as they run).
                for end in [0usize, 1] {
                    let values: Vec<serde_json::Value> =
                        params.iter().map(|p| p.values[end].clone()).collect();
                    sweep::scenario_at(label, &tree, &params, &values, "--vary")
                        .map_err(BatchError::Input)?;
                }
                (Some(design), Some(Lazy { root: tree.clone(), params, label: label.to_string() }))
            }
        };
        let (points, n_points) = match &design {
            Some(d) => (Vec::new(), d.points() as u32),
            None => {
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
                let n = points.len() as u32;
                (points, n)
            }
        };
        let total = u64::from(n_points) * u64::from(runs);
        if design.is_some() && total > MAX_RUNS {
            return Err(BatchError::Input(format!(
                "--runs {runs} at {n_points} design points makes {total} runs; a batch has at most {MAX_RUNS}: give fewer runs per point or a smaller design"
            )));
        }
        let mut arguments: Vec<String> = vec![
            "ttx".into(),
            "batch".into(),
            label.to_string(),
            "--runs".into(),
            runs.to_string(),
            "--seed".into(),
            seed.to_string(),
        ];
        let records: Vec<files::SweepRecord> = match &lazy {
            Some(l) => l
                .params
                .iter()
                .map(|p| files::SweepRecord { path: p.path.clone(), values: vec![], joint: false })
                .collect(),
            None => {
                let resolved = sweep::resolve(&tree, sweeps).map_err(BatchError::Input)?;
                resolved
                    .iter()
                    .map(|s| files::SweepRecord {
                        path: s.path.clone(),
                        values: s.values.clone(),
                        joint: s.joint,
                    })
                    .collect()
            }
        };
        // Sweeps varied together are written back as one `--sweep a,b=1,2|3,4`.
        let mut i = 0;
        while i < records.len() {
            let mut j = i + 1;
            while j < records.len() && records[j].joint {
                j += 1;
            }
            let group = &records[i..j];
            arguments.push("--sweep".into());
            if group.len() == 1 {
                arguments.push(format!(
                    "{}={}",
                    group[0].path,
                    group[0].values.iter().map(sweep::show).collect::<Vec<_>>().join(",")
                ));
            } else {
                let paths = group.iter().map(|r| r.path.as_str()).collect::<Vec<_>>().join(",");
                let sets: Vec<String> = (0..group[0].values.len())
                    .map(|v| group.iter().map(|r| sweep::show(&r.values[v])).collect::<Vec<_>>().join(","))
                    .collect();
                arguments.push(format!("{paths}={}", sets.join("|")));
            }
            i = j;
        }
        if let Some(d) = &design {
            // The design's parameters are columns, not sweeps.
            arguments.truncate(7);
            for r in &d.vary {
                arguments.push("--vary".into());
                arguments.push(format!("{}={}:{}", r.path, sweep::show(&r.lo), sweep::show(&r.hi)));
            }
            arguments.push("--design".into());
            arguments.push(match d.kind {
                design::Kind::Morris => format!("morris:{}:{}", d.n, d.levels.unwrap_or(4)),
                k => format!("{}:{}", k.name(), d.n),
            });
        }
        if let Some(r) = extras.series {
            arguments.push("--series".into());
            arguments.push(resolution_name(r).into());
        }
        if extras.entities {
            arguments.push("--entities".into());
        }
        let manifest = Manifest {
            ttx_version: ttx_engine::VERSION.to_string(),
            scenario: label.to_string(),
            scenario_name: scenario.name().to_string(),
            scenario_hash: scenario.hash_hex(),
            scenario_text: Some(scenario.source().to_string()),
            seed,
            runs,
            sweeps: records,
            points: n_points,
            shard,
            arguments,
            commands: None,
            build: Some(files::Build::this()),
            design,
            series: extras.series.map(|r| resolution_name(r).to_string()),
            entities: extras.entities,
        };
        let options = SimOptions { series: extras.series.unwrap_or_default(), ..SimOptions::default() };
        Ok(Plan {
            manifest,
            points,
            metrics: metric_names(scenario),
            policy: None,
            lazy,
            options,
            detail: (extras.series.is_some(), extras.entities),
        })
    }

    /// This plan with a scripted policy (`--commands FILE`) applied in every run, read and
    /// checked against the scenario at every sweep point (`base` for a design, whose points
    /// are built as their runs start).
    pub fn with_policy(mut self, file: &Path, base: &Scenario) -> Result<Plan, BatchError> {
        let mut policy = None;
        for p in &self.points {
            policy = Some(crate::policy::Policy::load(file, &p.scenario).map_err(BatchError::Input)?);
        }
        if self.points.is_empty() {
            policy = Some(crate::policy::Policy::load(file, base).map_err(BatchError::Input)?);
        }
        let Some(policy) = policy else { return Ok(self) };
        self.manifest.arguments.push("--commands".into());
        self.manifest.arguments.push(policy.file.clone());
        self.manifest.commands =
            Some(CommandsRecord { file: policy.file.clone(), text: policy.text.clone() });
        self.options.staffed = policy.sim_options().staffed;
        self.policy = Some(policy);
        Ok(self)
    }

    /// Whether the runs write lines below the run level (series, entities).
    pub fn has_detail(&self) -> bool {
        self.detail.0 || self.detail.1
    }

    /// Runs one simulation to its end and reads its metrics.
    pub fn run(&self, t: &Task) -> Result<RunRow, BatchError> {
        self.run_reusing(t, &mut None).map(|(row, _)| row).map_err(BatchError::Input)
    }

    /// The scenario at a point: built for a design, kept for a grid.
    fn scenario(&self, point: u32) -> Result<std::borrow::Cow<'_, Scenario>, String> {
        match &self.lazy {
            None => Ok(std::borrow::Cow::Borrowed(&self.points[point as usize].scenario)),
            Some(l) => {
                let values = self.manifest.point_values(point);
                sweep::scenario_at(&l.label, &l.root, &l.params, &values, "--vary")
                    .map(std::borrow::Cow::Owned)
                    .map_err(|e| format!("design point {point}: {e}"))
            }
        }
    }

    /// [`Plan::run`], reusing the simulation a thread ran before when it was of the same
    /// sweep point ([`Sim::reset`]: the same run as a new `Sim`, without building one).
    fn run_reusing(
        &self,
        t: &Task,
        cache: &mut Option<(u32, Sim)>,
    ) -> Result<(RunRow, Option<detail::Detail>), String> {
        let sim = match cache {
            Some((point, sim)) if *point == t.point => {
                sim.reset(t.seed);
                sim
            }
            _ => {
                let scenario = self.scenario(t.point)?;
                &mut cache.insert((t.point, Sim::with_options(&scenario, t.seed, self.options.clone()))).1
            }
        };
        match &self.policy {
            Some(p) => p.run_to_end(sim),
            None => sim.run_to_end(),
        }
        let values = sim.metrics().scalars().into_iter().map(|(_, v)| v).collect();
        let detail =
            self.has_detail().then(|| detail::detail(sim, t.point, t.run, self.detail.0, self.detail.1));
        Ok((RunRow { point: t.point, run: t.run, seed: t.seed, values }, detail))
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
        self.execute_detail(tasks, jobs, stop, |row, _| sink(row))
    }

    /// [`Plan::execute`], handing the sink each run's lines below the run level as well.
    pub fn execute_detail(
        &self,
        tasks: &[Task],
        jobs: usize,
        stop: &AtomicBool,
        mut sink: impl FnMut(RunRow, Option<detail::Detail>) -> Result<(), BatchError>,
    ) -> Result<(), BatchError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .thread_name(|i| format!("ttx-batch-{i}"))
            .build()
            .map_err(|e| BatchError::Runtime(format!("cannot start {jobs} threads: {e}")))?;
        let abort = AtomicBool::new(false);
        type Done = Result<Result<(RunRow, Option<detail::Detail>), String>, (Task, String)>;
        let (tx, rx) = mpsc::sync_channel::<Done>(4096);
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
                    Ok(Ok((row, d))) => sink(row, d),
                    Ok(Err(bad)) => Err(BatchError::Input(bad)),
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
    /// Draw the charts in these formats (none: no charts).
    pub plots: Vec<render::Format>,
    /// Complete a stopped batch in `out`.
    pub resume: bool,
    /// Output directory.
    pub out: PathBuf,
    /// Progress display.
    pub progress: ProgressMode,
    /// A scripted policy applied in every run (`--commands FILE`).
    pub commands: Option<PathBuf>,
    /// A design and outputs below the run level.
    pub extras: Extras,
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
    let mut plan =
        Plan::build(scenario, &opts.scenario, opts.runs, opts.seed, &opts.sweeps, shard, &opts.extras)?;
    if let Some(file) = &opts.commands {
        plan = plan.with_policy(file, scenario)?;
    }
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
        if old.shard != m.shard {
            return Err(BatchError::Input(format!(
                "--resume: {} holds {}, not {}",
                dir.display(),
                shard_name(old.shard),
                shard_name(m.shard)
            )));
        }
        match grow::growth(&old, m) {
            Err(what) => {
                return Err(BatchError::Input(format!(
                    "--resume: the batch in {} was started with different arguments: {what}\nto complete it: {}",
                    dir.display(),
                    old.resume_command(dir)
                )));
            }
            Ok(None) => rows = files::read_runs(dir, m, &plan.metrics, true)?,
            Ok(Some(map)) => {
                // Read with the batch's own manifest, then move every row to its point in
                // the grown grid.
                rows = files::read_runs(dir, &old, &plan.metrics, true)?;
                for r in &mut rows {
                    r.point = map[r.point as usize];
                }
                if opts.progress != ProgressMode::Quiet {
                    eprintln!(
                        "ttx batch: growing the batch in {} ({}); its {} runs are kept",
                        dir.display(),
                        grow::describe(&old, m),
                        rows.len()
                    );
                }
            }
        }
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
    let mut details = detail::DetailSink::start(dir, plan.detail.0, plan.detail.1)?;
    // The lines below the run level of kept runs are not kept: those runs are run again for them.
    let again: Vec<Task> = if details.is_some() {
        rows.iter().map(|r| Task { point: r.point, run: r.run, seed: r.seed }).collect()
    } else {
        Vec::new()
    };

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
    let mut result = Ok(());
    if let Some(sink) = details.as_mut()
        && !again.is_empty()
    {
        result = plan.execute_detail(&again, jobs, stop, |row, d| match d {
            Some(d) => sink.add(row.point, row.run, &d),
            None => Ok(()),
        });
    }
    if result.is_ok() {
        result = plan.execute_detail(&todo, jobs, stop, |row, d| {
            if let (Some(sink), Some(d)) = (details.as_mut(), d) {
                sink.add(row.point, row.run, &d)?;
            }
            appender.append(&row)?;
            progress.inc();
            rows.push(row);
            Ok(())
        });
    }
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
    if let Some(sink) = details {
        sink.finish()?;
    }

    if !opts.plots.is_empty() && m.shard.is_some() {
        eprintln!("ttx batch: --plots: a shard has no charts of its own; `ttx merge --plots` draws them");
    }
    let sums = finish(dir, m, &plan.metrics, &mut rows, &opts.plots, jobs)?;
    let parquet_files = match opts.extras.format {
        parquet::TableFormat::Parquet => parquet::write(dir, m, &plan.metrics)?,
        parquet::TableFormat::Csv => Vec::new(),
    };
    files::write_invocation(dir, seconds, jobs, fresh)?;
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
        None => print_table(out, m, &sums, !opts.plots.is_empty())?,
    }
    if !parquet_files.is_empty() {
        writeln!(out, "Wrote {}", parquet_files.join(", "))?;
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
    if let Some(c) = &m.commands {
        args.push("--commands".into());
        args.push(c.file.clone());
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
    plots: &[render::Format],
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
        effects::write(dir, m, metrics, rows)?;
        if !plots.is_empty() && m.design.is_some() {
            eprintln!(
                "ttx batch: --plots: a design's points are not a grid to chart; `ttx sensitivity {}` draws its indices",
                files::shell_word(&dir.display().to_string())
            );
        } else if !plots.is_empty() {
            plots::draw(&dir.join("plots"), plots, m, metrics, rows, &sums)?;
        }
    }
    files::write_manifest(dir, m)?;
    Ok(sums)
}

fn print_table(
    out: &mut dyn Write,
    m: &Manifest,
    sums: &[files::PointSummary],
    plots: bool,
) -> std::io::Result<()> {
    let mut wrote = String::from("runs.csv, summary.csv, summary.json, ");
    if m.points > 1 {
        wrote.push_str("differences.csv, ");
    }
    wrote.push_str("survival.csv, manifest.json, invocation.json");
    if m.series.is_some() {
        wrote.push_str(", series.csv");
    }
    if m.entities {
        wrote.push_str(", campaigns.csv, jurisdictions.csv");
    }
    writeln!(out, "Wrote {wrote}{}", if plots && m.design.is_none() { " and plots/" } else { "" })?;
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
                    (Some(mean), Some((lo, hi))) => format!(
                        "{} [{}, {}]",
                        whole_or_sensible(mean),
                        whole_or_sensible(lo),
                        whole_or_sensible(hi)
                    ),
                    (Some(mean), None) => whole_or_sensible(mean),
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
pub fn merge(
    dirs: &[PathBuf],
    out_dir: &Path,
    plots: &[render::Format],
    format: parquet::TableFormat,
    out: &mut dyn Write,
) -> Result<(), BatchError> {
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
    whole.build = Some(files::Build::this());
    if out_dir.join("manifest.json").exists() {
        let there = files::read_manifest(out_dir)?;
        if there.difference(&whole).is_some() || there.shard.is_some() {
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
    let dirs: Vec<PathBuf> = shards.iter().map(|(d, _)| d.clone()).collect();
    detail::merge(&dirs, out_dir, whole.series.is_some(), whole.entities)?;
    let sums = finish(out_dir, &whole, &metrics, &mut rows, plots, default_jobs())?;
    writeln!(out, "Merged {} shard(s), {} runs -> {}", shards.len(), rows.len(), out_dir.display())?;
    print_table(out, &whole, &sums, !plots.is_empty())?;
    if format == parquet::TableFormat::Parquet {
        writeln!(out, "Wrote {}", parquet::write(out_dir, &whole, &metrics)?.join(", "))?;
    }
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
        let fresh: Vec<RunRow> = tasks.iter().map(|t| plan.run(t).unwrap()).collect();
        assert_eq!(rows.len(), fresh.len());
        for (a, b) in rows.iter().zip(&fresh) {
            assert_eq!((a.point, a.run, a.seed), (b.point, b.run, b.seed));
            assert!(a.values == b.values, "point {} run {} differs", a.point, a.run);
        }
        // The points differ, so a Sim kept across a change of point would have shown.
        assert!(fresh.iter().any(|r| r.point > 0 && r.values != fresh[0].values));
    }
}
