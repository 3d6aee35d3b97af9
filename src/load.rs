//! Loading scenarios from files or the built-ins, and reading times from flags.

use std::path::Path;

use ttx_engine::{Diagnostics, ETime, Scenario, Tick, builtin};

use crate::Failure;

/// Loads a scenario from a path, or a built-in by name, or the default when none is given.
pub fn scenario(file: Option<&Path>) -> Result<Scenario, Failure> {
    match file {
        None => builtin::default_scenario().map_err(|d| Failure::input(d.to_string())),
        Some(p) => checked(p)?.map_err(|d| Failure::input(d.to_string())),
    }
}

/// Reads a scenario file (or a built-in by name): the scenario, or the diagnostics of a file
/// that is not a valid scenario; a failure when there is no file to read.
pub fn checked(p: &Path) -> Result<Result<Scenario, Diagnostics>, Failure> {
    let shown = p.display().to_string();
    if !p.exists()
        && let Some(b) = builtin::find(&shown)
    {
        return Ok(builtin::load(b));
    }
    let source = std::fs::read_to_string(p).map_err(|e| {
        let names: Vec<&str> = builtin::BUILTINS.iter().chain(builtin::RESEARCH).map(|b| b.name).collect();
        Failure::input(format!(
            "cannot read scenario {shown}: {e}\n(built-in scenarios, usable by name: {})",
            names.join(", ")
        ))
    })?;
    Ok(Scenario::parse(&shown, &source))
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
