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
mod errors;
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

pub use errors::{BatchError, DirError, FlagError, MergeError, PlanError, RowFault};
pub use files::{Build, CommandsRecord, Manifest, RunRow, Shard, Task, run_seed};
pub use merge::merge;
pub use plan::{Extras, MAX_DESIGN_POINTS, Plan};
pub use progress::ProgressMode;
pub use runner::{BatchOptions, RESUME_CHECKS, batch};

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
        let m = planned.ok_or_else(|| DirError::RowNoBatch { dir: dir.to_path_buf() })?;
        return Ok((m, false));
    }
    let there = files::read_manifest(dir)?;
    if let Some(m) = planned {
        if let Some((field, was, now)) = there.difference(&m) {
            return Err(DirError::RowOtherArguments { dir: dir.to_path_buf(), field, was, now }.into());
        }
        if there.shard != m.shard {
            return Err(DirError::RowOtherShard {
                dir: dir.to_path_buf(),
                there: there.shard,
                asked: m.shard,
            }
            .into());
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
    let incomplete = resume.filter(|_| tasks.len() < total).map(|command| (total, command));
    Err(DirError::NoSuchRow { n, rows: tasks.len(), incomplete }.into())
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
        .map_err(|source| DirError::UnreadableCsv { path: path.clone(), source })?;
    let h = rd.headers().map_err(|source| DirError::BadHeader { path: path.clone(), source })?;
    Ok(h.iter().skip(3 + m.sweeps.len()).map(str::to_string).collect())
}
