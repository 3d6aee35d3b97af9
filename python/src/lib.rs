//! `ttx._ttx`: the ttx library's runs and batches for Python, built by maturin.
//!
//! The functions here take plain values and return text (a run's JSON, a batch's table);
//! the `ttx` package around them (`ttx/__init__.py`) turns keyword arguments into these
//! values and the results into pandas DataFrames (docs/python.md). Everything runs in the
//! ttx library itself, with Python's lock released, so other Python threads carry on.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use ttx::batch::parquet::TableFormat;
use ttx::batch::{self, BatchError, BatchOptions, Extras, ProgressMode};
use ttx_engine::{Resolution, Sim, SimOptions};

/// One run of a scenario to its end: what `ttx run --json` prints.
fn run_json(scenario: &str, seed: u64, sets: &[String], commands: Option<&Path>) -> Result<String, String> {
    let base = ttx::scenario_file::scenario(Some(Path::new(scenario))).map_err(|e| e.to_string())?;
    let sc = batch::sweep::apply_sets(&base, base.label(), sets).map_err(|e| e.to_string())?;
    let policy =
        commands.map(|f| ttx::policy::Policy::load(f, &sc)).transpose().map_err(|e| e.to_string())?;
    let options = policy.as_ref().map_or_else(SimOptions::default, ttx::policy::Policy::sim_options);
    let mut sim = Sim::with_options(&sc, seed, options);
    let end = sc.registry().clock.last_tick();
    match &policy {
        Some(p) => p.run_until(&mut sim, end),
        None => sim.run_until(end),
    }
    batch::detail::run_json(&sim.metrics(), &sim).map_err(|e| e.to_string())
}

fn batch_error(e: BatchError) -> PyErr {
    match e {
        e if e.exit_code() == 2 => PyValueError::new_err(e.to_string()),
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

#[pymodule]
mod _ttx {
    use super::*;

    /// Runs a scenario (a file or a built-in name) to its end with `seed`, each `PATH=VALUE`
    /// of `sets` applied as `ttx run --set` would, and the policy file `commands` if given;
    /// returns the JSON text `ttx run --json` prints. Bad input raises ValueError.
    #[pyfunction]
    #[pyo3(signature = (scenario, seed=1, sets=Vec::new(), commands=None))]
    fn run(
        py: Python<'_>,
        scenario: String,
        seed: u64,
        sets: Vec<String>,
        commands: Option<PathBuf>,
    ) -> PyResult<String> {
        py.detach(|| run_json(&scenario, seed, &sets, commands.as_deref())).map_err(PyValueError::new_err)
    }

    /// Runs a batch into the directory `out`, as `ttx batch` would with these arguments
    /// (`sweeps` and `vary` as their flags' `PATH=...` text, `series` "daily" or "hourly",
    /// `plots` format names, `format` "csv" or "parquet"); returns the table `ttx batch`
    /// prints. Bad input raises ValueError, a failure while running RuntimeError.
    #[pyfunction]
    #[pyo3(signature = (scenario, runs, out, seed=1, sweeps=Vec::new(), jobs=None, vary=Vec::new(),
        design=None, series=None, entities=false, commands=None, plots=Vec::new(), resume=false,
        format=None))]
    #[allow(clippy::too_many_arguments)]
    fn batch(
        py: Python<'_>,
        scenario: String,
        runs: u32,
        out: PathBuf,
        seed: u64,
        sweeps: Vec<String>,
        jobs: Option<usize>,
        vary: Vec<String>,
        design: Option<String>,
        series: Option<String>,
        entities: bool,
        commands: Option<PathBuf>,
        plots: Vec<String>,
        resume: bool,
        format: Option<String>,
    ) -> PyResult<String> {
        let format = match format.as_deref() {
            None | Some("csv") => TableFormat::Csv,
            Some("parquet") => TableFormat::Parquet,
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "format: '{other}' is not csv or parquet (parquet writes a Parquet copy of each table beside its CSV file)"
                )));
            }
        };
        let series = match series.as_deref() {
            None => None,
            Some("daily") => Some(Resolution::Daily),
            Some("hourly") => Some(Resolution::Hourly),
            Some(other) => {
                return Err(PyValueError::new_err(format!("series: '{other}' is not daily or hourly")));
            }
        };
        let plots = if plots.is_empty() {
            Vec::new()
        } else {
            ttx::chart::Format::parse_list(&plots.join(","))
                .map_err(|e| PyValueError::new_err(e.to_string()))?
        };
        let sc = ttx::scenario_file::scenario(Some(Path::new(&scenario)))
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let opts = BatchOptions {
            scenario,
            runs,
            seed,
            sweeps,
            shard: None,
            jobs,
            plots,
            resume,
            out,
            progress: ProgressMode::Quiet,
            commands,
            extras: Extras { vary, design, series, entities, format },
        };
        py.detach(|| -> Result<String, BatchError> {
            let mut text = Vec::new();
            ttx::batch::batch(&opts, &sc, &AtomicBool::new(false), &mut text)?;
            Ok(String::from_utf8_lossy(&text).into_owned())
        })
        .map_err(batch_error)
    }
}
