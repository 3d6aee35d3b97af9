//! Research batches: many seeded runs of a scenario, swept over its parameters,
//! in parallel, with statistics and charts; shards for clusters, and merging.
//!
//! `ttx batch` and `ttx merge` are thin wrappers over [`batch`] and [`merge`]. This module
//! owns the error type and the `--row` look-ups; [`Plan`] (plan.rs) checks and runs a batch,
//! runner.rs is `ttx batch`, merge.rs is `ttx merge`.
//! docs/batch.md describes the files for the people who read them.

pub mod compare;
pub mod design;
pub mod detail;
pub mod effects;
pub mod files;
pub mod grow;
pub mod inference;
mod merge;
pub mod parquet;
mod plan;
pub mod plots;
mod progress;
mod runner;
pub mod sensitivity;
pub mod stats;
pub mod sweep;

use std::path::Path;

use ttx_engine::{Scenario, Sim};

pub use files::{Build, CommandsRecord, Manifest, RunRow, Shard, Task, run_seed};
pub use merge::merge;
pub use plan::{Extras, MAX_DESIGN_POINTS, Plan};
pub use progress::ProgressMode;
pub use runner::{BatchOptions, RESUME_CHECKS, batch};

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

    /// Bad input, from any error of the modules a batch is made with.
    pub(crate) fn input(e: impl std::fmt::Display) -> Self {
        BatchError::Input(e.to_string())
    }

    /// What to tell the user.
    pub fn message(&self) -> &str {
        match self {
            BatchError::Input(m) | BatchError::Runtime(m) | BatchError::Interrupted(m) => m,
        }
    }
}

/// A flag's value that cannot be used: `FLAG VALUE: what is wrong; what to write instead`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag} {value}: {what}")]
pub struct FlagError {
    /// The flag, such as `--shard`.
    pub flag: &'static str,
    /// The value as the message shows it (quoted in backticks, or as `PATH=VALUE`).
    pub value: String,
    /// What is wrong with it and what to write instead.
    pub what: String,
}

impl FlagError {
    /// The value given to `flag`, shown in backticks.
    pub fn quoted(flag: &'static str, value: &str, what: String) -> Self {
        FlagError { flag, value: format!("`{value}`"), what }
    }
}

impl From<FlagError> for BatchError {
    fn from(e: FlagError) -> Self {
        BatchError::Input(e.to_string())
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

pub(super) fn shard_name(s: Option<Shard>) -> String {
    match s {
        Some(s) => format!("shard {}/{}", s.index, s.count),
        None => "a whole (unsharded) batch".into(),
    }
}

/// The metric columns of a directory's runs.csv (everything after the sweep columns).
pub(crate) fn metric_columns(dir: &Path, m: &Manifest) -> Result<Vec<String>, BatchError> {
    let path = dir.join("runs.csv");
    let mut rd = csv::Reader::from_path(&path)
        .map_err(|e| BatchError::Input(format!("cannot read {}: {e}", path.display())))?;
    let h = rd.headers().map_err(|e| BatchError::Input(format!("{}: {e}", path.display())))?;
    Ok(h.iter().skip(3 + m.sweeps.len()).map(str::to_string).collect())
}
