//! Reading scenarios: a file with the files its injects attach, or a built-in by name.

use std::path::Path;

use ttx_engine::{Diagnostics, Scenario, builtin};

/// Loads a scenario from a path, or a built-in by name, or the default when none is given.
pub fn scenario(file: Option<&Path>) -> Result<Scenario, String> {
    match file {
        None => builtin::default_scenario().map_err(|d| d.to_string()),
        Some(p) => checked(p)?.map_err(|d| d.to_string()),
    }
}

/// Reads a scenario file (or a built-in by name) with the files its injects attach: the
/// scenario, or the diagnostics of a file that is not a valid scenario; a failure when there is
/// no file to read or an attachment cannot be read.
pub fn checked(p: &Path) -> Result<Result<Scenario, Diagnostics>, String> {
    let shown = p.display().to_string();
    if !p.exists()
        && let Some(b) = builtin::find(&shown)
    {
        return Ok(builtin::load(b));
    }
    let source = std::fs::read_to_string(p).map_err(|e| {
        let names: Vec<&str> = builtin::BUILTINS.iter().chain(builtin::RESEARCH).map(|b| b.name).collect();
        format!(
            "cannot read scenario {shown}: {e}\n(built-in scenarios, usable by name: {})",
            names.join(", ")
        )
    })?;
    match Scenario::parse(&shown, &source) {
        Ok(sc) => attach(sc, p).map(Ok),
        Err(d) => Ok(Err(d)),
    }
}

/// The most text one attachment may hold (it is copied into every journal of the scenario).
pub const MAX_ATTACHMENT_BYTES: u64 = 256 * 1024;

/// Reads the files a scenario's injects attach, relative to the scenario file's folder.
fn attach(sc: Scenario, scenario_path: &Path) -> Result<Scenario, String> {
    let paths = sc.attachment_paths();
    if paths.is_empty() {
        return Ok(sc);
    }
    let dir = scenario_path.parent().unwrap_or_else(|| Path::new("."));
    let mut files = std::collections::BTreeMap::new();
    for p in paths {
        let full = dir.join(&p);
        let inject = sc
            .spec()
            .injects
            .iter()
            .find(|i| i.attachments.contains(&p))
            .map_or(String::new(), |i| format!("inject `{}`: ", i.id));
        let meta = std::fs::metadata(&full).map_err(|e| {
            format!(
                "{}: {inject}cannot read attachment {p} ({}: {e}); write the path of a text or Markdown file relative to the scenario file",
                scenario_path.display(),
                full.display()
            )
        })?;
        if meta.len() > MAX_ATTACHMENT_BYTES {
            return Err(format!(
                "{}: {inject}attachment {p} is {} bytes; attach text of at most {} KiB",
                scenario_path.display(),
                meta.len(),
                MAX_ATTACHMENT_BYTES / 1024
            ));
        }
        let text = std::fs::read_to_string(&full).map_err(|e| {
            format!(
                "{}: {inject}cannot read attachment {p} ({}: {e}); attach a UTF-8 text or Markdown file",
                scenario_path.display(),
                full.display()
            )
        })?;
        files.insert(p, text);
    }
    Ok(sc.with_attachments(files))
}
