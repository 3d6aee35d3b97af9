//! `ttx batch`: plans a batch, completes or grows a stopped one (`--resume`), runs what is
//! left and writes the finished files and the summary table.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use ttx_engine::Scenario;

use crate::numfmt::whole_or_sensible;

use super::files::{self, Manifest, RunRow, Shard, Task, run_seed};
use super::{
    BatchError, DirError, Extras, Plan, PlanError, ProgressMode, detail, effects, grow, plots, progress,
    sweep,
};

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
    pub plots: Vec<crate::chart::Format>,
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

pub(super) fn default_jobs() -> usize {
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
                let metric = plan.metrics.get(j).map_or("a metric", String::as_str).to_string();
                return Err(DirError::KeptRowChanged {
                    runs_csv: dir.join("runs.csv"),
                    point: kept.point,
                    run: kept.run,
                    metric,
                    kept: show(*a),
                    rerun: show(*b),
                }
                .into());
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
        Some(0) => return Err(PlanError::NoJobs.into()),
        Some(j) => j,
        None => default_jobs(),
    };
    let shard = opts.shard.as_deref().map(Shard::parse).transpose()?;
    let mut plan =
        Plan::build(scenario, &opts.scenario, opts.runs, opts.seed, &opts.sweeps, shard, &opts.extras)?;
    if let Some(file) = &opts.commands {
        plan = plan.with_policy(file, scenario)?;
    }
    let m = &plan.manifest;
    let dir = &opts.out;
    if dir.exists() && !dir.is_dir() {
        return Err(DirError::OutIsFile { dir: dir.clone() }.into());
    }

    let mut rows = kept_rows(opts, &plan, dir, jobs, stop)?;
    std::fs::create_dir_all(dir).map_err(|source| DirError::OutUncreatable { dir: dir.clone(), source })?;
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
        announce(m, total, done.len(), jobs);
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
        return Err(BatchError::Interrupted {
            kept: rows.len(),
            total,
            runs_csv: dir.join("runs.csv"),
            resume: m.resume_command(dir),
        });
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
        super::parquet::TableFormat::Parquet => super::parquet::write(dir, m, &plan.metrics)?,
        super::parquet::TableFormat::Csv => Vec::new(),
    };
    files::write_invocation(dir, seconds, jobs, fresh)?;
    done_message(out, &opts.plots, m, (fresh, seconds, jobs), rows.len(), dir, &sums)?;
    if !parquet_files.is_empty() {
        writeln!(out, "Wrote {}", parquet_files.join(", ")).map_err(BatchError::Output)?;
    }
    Ok(())
}

/// The rows a stopped batch in `dir` kept, for `--resume` (moved to their points when the
/// batch grows), checked by running a sample again; none for a new batch.
fn kept_rows(
    opts: &BatchOptions,
    plan: &Plan,
    dir: &Path,
    jobs: usize,
    stop: &AtomicBool,
) -> Result<Vec<RunRow>, BatchError> {
    let m = &plan.manifest;
    let mut rows: Vec<RunRow> = Vec::new();
    if opts.resume && !dir.join("manifest.json").exists() {
        // Nothing to complete: start afresh, so a cluster job can always pass --resume.
        if dir.join("runs.csv").exists() {
            return Err(DirError::ResumeNoManifest { dir: dir.to_path_buf() }.into());
        }
        if opts.progress != ProgressMode::Quiet {
            eprintln!("ttx batch: {} holds no batch yet; starting it", dir.display());
        }
    } else if opts.resume {
        let old = files::read_manifest(dir)?;
        if old.shard != m.shard {
            return Err(DirError::ResumeOtherShard {
                dir: dir.to_path_buf(),
                there: old.shard,
                asked: m.shard,
            }
            .into());
        }
        match grow::growth(&old, m) {
            Err(source) => {
                let resume = old.resume_command(dir);
                let source = Box::new(source);
                return Err(DirError::ResumeOtherArguments { dir: dir.to_path_buf(), source, resume }.into());
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
        check_kept(plan, &rows, dir, jobs, stop)?;
    } else if holds_batch(dir) {
        return Err(DirError::HoldsBatch { dir: dir.to_path_buf() }.into());
    }
    Ok(rows)
}

/// The line `ttx batch` starts with: what runs, how many, on how many threads.
fn announce(m: &Manifest, total: u64, done: usize, jobs: usize) {
    let what = match m.shard {
        Some(s) => format!("shard {}/{}: {} of ", s.index, s.count, total),
        None => String::new(),
    };
    let resumed = if done == 0 { String::new() } else { format!(", {} already done", done) };
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

/// What `ttx batch` prints when it is done: the speed, and the summary table (or, for a
/// shard, how to merge it).
fn done_message(
    out: &mut dyn Write,
    plots: &[crate::chart::Format],
    m: &Manifest,
    (fresh, seconds, jobs): (usize, f64, usize),
    rows: usize,
    dir: &Path,
    sums: &[files::PointSummary],
) -> Result<(), BatchError> {
    let rate = if seconds > 0.0 { fresh as f64 / seconds } else { 0.0 };
    writeln!(
        out,
        "{} runs in {:.1} s ({rate:.0} runs/s on {jobs} thread{}) -> {}",
        fresh,
        seconds,
        if jobs == 1 { "" } else { "s" },
        dir.display()
    )
    .map_err(BatchError::Output)?;
    match m.shard {
        Some(s) => writeln!(
            out,
            "Shard {}/{} done: {} runs in {}. When all {} shards are done, join them with\n  ttx merge DIR... --out DIR",
            s.index,
            s.count,
            rows,
            dir.join("runs.csv").display(),
            s.count
        ),
        None => print_table(out, m, sums, !plots.is_empty()),
    }
    .map_err(BatchError::Output)?;
    Ok(())
}

/// Writes the finished files from all of a directory's rows: sorted runs.csv, and for a
/// whole batch the summaries (their metrics on `jobs` threads) and charts; then the manifest.
pub(super) fn finish(
    dir: &Path,
    m: &Manifest,
    metrics: &[String],
    rows: &mut Vec<RunRow>,
    plots: &[crate::chart::Format],
    jobs: usize,
) -> Result<Vec<files::PointSummary>, BatchError> {
    files::sort_rows(rows);
    files::write_runs(dir, m, metrics, rows)?;
    let mut sums = Vec::new();
    if m.shard.is_none() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build()
            .map_err(|source| BatchError::Threads { jobs, source })?;
        sums = pool.install(|| files::summarise(m, metrics, rows));
        pool.install(|| files::write_summary_csv(dir, m, &sums))?;
        files::write_summary_json(dir, m, &sums)?;
        pool.install(|| effects::write(dir, m, metrics, rows, &sums))?;
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

pub(super) fn print_table(
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
