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

/// `ttx batch --row N`: prints the `ttx run` command of one row of runs.csv, running nothing.
pub fn row(
    file: Option<&Path>,
    runs: Option<u32>,
    seed: u64,
    sweeps: &[String],
    shard: Option<&str>,
    out_dir: &Path,
    n: u64,
) -> Outcome {
    use std::io::Write;
    let planned = match (file, runs) {
        (Some(file), Some(runs)) => {
            let scenario = load::scenario(Some(file))?;
            let shard = shard.map(batch::Shard::parse).transpose().map_err(Failure::input)?;
            let label = file.display().to_string();
            Some(batch::Plan::new(&scenario, &label, runs, seed, sweeps, shard).map_err(failure)?.manifest)
        }
        (None, None) => None,
        _ => {
            return Err(Failure::input(
                "--row: give both the scenario and --runs (the batch's own arguments), or neither to read them from --out's manifest.json",
            ));
        }
    };
    let manifest = batch::row_manifest(planned, out_dir).map_err(failure)?;
    let command = batch::row_command(&manifest, n).map_err(failure)?;
    let mut out = crate::output::stdout();
    writeln!(out, "{command}")?;
    Ok(())
}

/// `ttx merge`
pub fn merge(dirs: &[PathBuf], out_dir: &Path, plots: bool) -> Outcome {
    let mut out = crate::output::stdout();
    batch::merge(dirs, out_dir, plots, &mut out).map_err(failure)
}

/// `ttx calibrate`: the calibration table; exit 1 when a target is missed.
pub fn calibrate(runs: u32, seed: u64, jobs: Option<usize>, dir: Option<&Path>) -> Outcome {
    use std::io::Write;
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(j) = jobs {
        builder = builder.num_threads(j.max(1));
    }
    let pool = builder.build().map_err(|e| Failure::runtime(format!("cannot start threads: {e}")))?;
    let outcomes = pool.install(|| ttx::calibrate::calibrate(runs, seed, dir)).map_err(Failure::runtime)?;
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
