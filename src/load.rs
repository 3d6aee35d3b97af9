//! Loading scenarios from files or the built-ins, and reading times from flags.

use std::path::Path;

use ttx_engine::{Diagnostics, ETime, Scenario, Tick};

use crate::Failure;

/// Loads a scenario from a path, or a built-in by name, or the default when none is given.
pub fn scenario(file: Option<&Path>) -> Result<Scenario, Failure> {
    ttx::scenario_file::scenario(file).map_err(|e| Failure::input(e.to_string()))
}

/// Reads a scenario file (or a built-in by name) with the files its injects attach: the
/// scenario, or the diagnostics of a file that is not a valid scenario; a failure when there is
/// no file to read or an attachment cannot be read.
pub fn checked(p: &Path) -> Result<Result<Scenario, Diagnostics>, Failure> {
    ttx::scenario_file::checked(p).map_err(|e| Failure::input(e.to_string()))
}

/// Reads an election-relative time flag and turns it into a tick of the scenario's clock.
pub fn tick(scenario: &Scenario, text: &str, flag: &str) -> Result<Tick, Failure> {
    let t = ETime::parse(text).map_err(|e| Failure::input(format!("{flag}: {e}")))?;
    let clock = scenario.registry().clock;
    clock.tick_of(t).ok_or_else(|| {
        Failure::input(format!(
            "{flag}: {t} is outside the scenario's clock ({} to {}); give a time inside it",
            clock.start, clock.end
        ))
    })
}
