//! `ttx batch` and `ttx merge`: the command-line side of the research batch
//! runner (loading the scenario, Ctrl-C, exit codes). The work is in
//! `ttx::batch`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use ttx::batch::{self, BatchError, BatchOptions};

use crate::{Failure, Outcome, load};

fn failure(e: BatchError) -> Failure {
    Failure { code: e.exit_code(), message: e.message().to_string() }
}

/// Set on the first Ctrl-C: runs in progress finish and are kept, no new ones start.
fn stop_flag() -> Arc<AtomicBool> {
    static STOP: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    STOP.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let f = Arc::clone(&flag);
        let installed = ctrlc::set_handler(move || {
            if f.swap(true, Ordering::SeqCst) {
                // A second Ctrl-C: leave now (finished runs are already on disk).
                std::process::exit(130);
            }
            eprintln!("\nttx batch: stopping after the runs in progress (Ctrl-C again to quit at once)");
        });
        if installed.is_err() {
            eprintln!("ttx batch: cannot catch Ctrl-C; stopping will still keep the runs already written");
        }
        flag
    })
    .clone()
}

/// `ttx batch`
pub fn batch(file: &Path, opts: &BatchOptions) -> Outcome {
    let scenario = load::scenario(Some(file))?;
    let stop = stop_flag();
    let mut out = crate::output::stdout();
    batch::batch(opts, &scenario, &stop, &mut out).map_err(failure)
}

/// The arguments of `ttx batch` that decide its rows.
pub struct BatchArgs<'a> {
    /// The scenario.
    pub file: Option<&'a Path>,
    /// Runs per point.
    pub runs: Option<u32>,
    /// Batch seed.
    pub seed: Option<u64>,
    /// Sweeps.
    pub sweeps: &'a [String],
    /// Shard.
    pub shard: Option<&'a str>,
    /// Policy file.
    pub commands: Option<&'a Path>,
    /// Design and outputs below the run level.
    pub extras: &'a batch::Extras,
}

/// `ttx batch --row N`: prints the `ttx run` command of one row of runs.csv, running nothing.
pub fn row(a: &BatchArgs, out_dir: &Path, n: u64) -> Outcome {
    use std::io::Write;
    let (file, runs, seed, sweeps, shard) = (a.file, a.runs, a.seed, a.sweeps, a.shard);
    let planned = match (file, runs) {
        (Some(file), Some(runs)) => {
            let scenario = load::scenario(Some(file))?;
            let shard =
                shard.map(batch::Shard::parse).transpose().map_err(|e| Failure::input(e.to_string()))?;
            let label = file.display().to_string();
            let mut plan =
                batch::Plan::build(&scenario, &label, runs, seed.unwrap_or(1), sweeps, shard, a.extras)
                    .map_err(failure)?;
            if let Some(c) = a.commands {
                plan = plan.with_policy(c, &scenario).map_err(failure)?;
            }
            Some(plan.manifest)
        }
        (None, None)
            if seed.is_none()
                && sweeps.is_empty()
                && shard.is_none()
                && a.commands.is_none()
                && a.extras.vary.is_empty() =>
        {
            None
        }
        _ => {
            return Err(Failure::input(
                "--row: give all the batch's own arguments (the scenario, --runs, and its --seed, --sweep and --shard if any), or only --out DIR to read them from DIR/manifest.json",
            ));
        }
    };
    let (manifest, in_dir) = batch::row_manifest(planned, out_dir).map_err(failure)?;
    let task = batch::row_task(&manifest, in_dir.then_some(out_dir), n).map_err(failure)?;
    if in_dir && file.is_none() {
        check_reproducible(&manifest)?;
    }
    let mut out = crate::output::stdout();
    writeln!(out, "{}", batch::row_command(&manifest, &task))?;
    Ok(())
}

/// Refuses to print a `ttx run` command for a batch whose scenario file has changed since,
/// and says so when the scenario cannot be read from here or the ttx version differs.
fn check_reproducible(m: &batch::Manifest) -> Outcome {
    match load::scenario(Some(Path::new(&m.scenario))) {
        Ok(s) if s.hash_hex() != m.scenario_hash => {
            return Err(Failure::input(format!(
                "--row: {} has changed since the batch was run (content hash {}, the batch's {}), so no ttx run of it reproduces the batch's rows; restore the scenario as it was, or run the batch again",
                m.scenario,
                s.hash_hex(),
                m.scenario_hash
            )));
        }
        Ok(_) => {}
        Err(e) => eprintln!(
            "ttx batch: note: the batch's scenario cannot be read from here ({}); run the command from the directory the batch was run in",
            e.message.lines().next().unwrap_or("")
        ),
    }
    if m.ttx_version != ttx_engine::VERSION {
        eprintln!(
            "ttx batch: note: the batch was run by ttx {}, this is ttx {}; a run of this version may differ",
            m.ttx_version,
            ttx_engine::VERSION
        );
    }
    Ok(())
}

/// `ttx merge`
pub fn merge(
    dirs: &[PathBuf],
    out_dir: &Path,
    plots: &[ttx::chart::Format],
    format: batch::parquet::TableFormat,
) -> Outcome {
    let mut out = crate::output::stdout();
    batch::merge(&shard_dirs(dirs, out_dir), out_dir, plots, format, &mut out).map_err(failure)
}

/// The shard directories `ttx merge` was given, with a directory that holds no batch (no
/// manifest.json) but whose subdirectories do standing for those subdirectories (in name
/// order, leaving out `--out`): a cluster job without a shell to expand `shards/*` names
/// the directory its shards were written into. Anything else is passed on as it is, for
/// the merge to accept or refuse.
fn shard_dirs(dirs: &[PathBuf], out_dir: &Path) -> Vec<PathBuf> {
    let out_canon = std::fs::canonicalize(out_dir).ok();
    let mut all = Vec::new();
    for d in dirs {
        if d.join("manifest.json").exists() {
            all.push(d.clone());
            continue;
        }
        let mut inner: Vec<PathBuf> = std::fs::read_dir(d)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("manifest.json").is_file())
            .filter(|p| out_canon.is_none() || std::fs::canonicalize(p).ok() != out_canon)
            .collect();
        if inner.is_empty() {
            all.push(d.clone());
        } else {
            inner.sort();
            all.extend(inner);
        }
    }
    all
}

/// `ttx calibrate`: the calibration table; exit 1 when a target is missed.
pub fn calibrate(runs: u32, seed: u64, jobs: Option<usize>, dir: Option<&Path>) -> Outcome {
    use std::io::Write;
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(j) = jobs {
        builder = builder.num_threads(j.max(1));
    }
    let pool = builder.build().map_err(|e| Failure::runtime(format!("cannot start threads: {e}")))?;
    let outcomes = pool
        .install(|| ttx::calibrate::calibrate(runs, seed, dir))
        .map_err(|e| Failure::runtime(e.to_string()))?;
    let missed: Vec<&str> = outcomes.iter().filter(|o| !o.within).map(|o| o.id).collect();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", ttx::calibrate::table(&outcomes))?;
    if missed.is_empty() {
        writeln!(out, "every target is in its band ({runs} runs per scenario, seed {seed})")?;
        Ok(())
    } else {
        writeln!(
            out,
            "{} of {} targets missed ({runs} runs per scenario, seed {seed})",
            missed.len(),
            outcomes.len()
        )?;
        Err(Failure::check(format!("missed: {}", missed.join(", "))))
    }
}

/// `ttx whatif`
pub fn whatif(
    journal: &Path,
    opts: &ttx::whatif::Options,
    list: bool,
    jobs: Option<usize>,
    out: Option<&Path>,
) -> Outcome {
    use std::io::Write;
    let shown = journal.display();
    let file =
        std::fs::File::open(journal).map_err(|e| Failure::input(format!("cannot open {shown}: {e}")))?;
    let records = ttx_engine::journal::read_records(std::io::BufReader::new(file))
        .map_err(|e| Failure::input(format!("{shown}: {e}")))?;
    let mut stdout = crate::output::stdout();
    if list {
        let report = ttx_engine::journal::replay(&records, Default::default())
            .map_err(|e| Failure::input(format!("{shown}: {e}")))?;
        for d in ttx_engine::whatif::decisions(&records) {
            writeln!(stdout, "{}", ttx::whatif::describe(&report.scenario, &d))?;
        }
        return Ok(());
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(j) = jobs {
        builder = builder.num_threads(j.max(1));
    }
    let pool = builder.build().map_err(|e| Failure::runtime(format!("cannot start threads: {e}")))?;
    // Every WhatifError is bad input (exit 2).
    let analysis = pool
        .install(|| ttx::whatif::analyse(&records, opts))
        .map_err(|e| Failure::input(format!("{shown}: {e}")))?;
    if let Some(dir) = out {
        ttx::fsio::create_dirs(dir).map_err(|e| Failure::write(dir, e))?;
        let csv = dir.join("whatif.csv");
        ttx::fsio::write_atomic(&csv, analysis.csv().as_bytes()).map_err(|e| Failure::write(&csv, e))?;
        let json = dir.join("whatif.json");
        let text = serde_json::to_string_pretty(&analysis).map_err(|e| Failure::runtime(e.to_string()))?;
        ttx::fsio::write_atomic(&json, format!("{text}\n").as_bytes())
            .map_err(|e| Failure::write(&json, e))?;
    }
    write!(stdout, "{}", analysis.text())?;
    if let Some(dir) = out {
        writeln!(
            stdout,
            "\nwrote {} and {}",
            dir.join("whatif.csv").display(),
            dir.join("whatif.json").display()
        )?;
    }
    Ok(())
}

/// `ttx sensitivity DIR`
pub fn sensitivity(dir: &Path, bootstrap: usize, seed: u64, formats: &[ttx::chart::Format]) -> Outcome {
    let started = std::time::Instant::now();
    let opts = batch::sensitivity::Options { bootstrap, seed };
    let analysis = batch::sensitivity::analyse(dir, opts).map_err(failure)?;
    let charts = batch::sensitivity::write(dir, &analysis, formats).map_err(failure)?;
    let mut out = crate::output::stdout();
    use std::io::Write;
    batch::sensitivity::print(&mut out, &analysis)?;
    writeln!(
        out,
        "\nWrote sensitivity.csv, sensitivity.json and {} chart{} in {} ({:.2} s)",
        charts.len(),
        if charts.len() == 1 { "" } else { "s" },
        dir.display(),
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}
