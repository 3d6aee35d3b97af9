//! Reading scenarios: a file with the files its injects attach, or a built-in by name.

use std::path::Path;

use ttx_engine::{Diagnostics, Scenario, builtin};

/// Why a scenario could not be loaded; each message says what to write or fix instead.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioFileError {
    /// The file is not a valid scenario.
    #[error("{0}")]
    Invalid(Diagnostics),
    /// There is no such file and no built-in of that name.
    #[error("cannot read scenario {shown}: {source}\n(built-in scenarios, usable by name: {builtins})")]
    Unreadable {
        /// The path as given.
        shown: String,
        /// Why it could not be read.
        source: std::io::Error,
        /// The built-in names, comma-separated.
        builtins: String,
    },
    /// An inject's attachment is missing or unreadable.
    #[error(
        "{scenario}: {inject}cannot read attachment {path} ({full}: {source}); write the path of a text or Markdown file relative to the scenario file"
    )]
    AttachmentMissing {
        /// The scenario file.
        scenario: String,
        /// `inject `ID`: ` (or empty).
        inject: String,
        /// The attachment as the scenario names it.
        path: String,
        /// Where it was looked for.
        full: String,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// An attachment is larger than [`MAX_ATTACHMENT_BYTES`].
    #[error("{scenario}: {inject}attachment {path} is {bytes} bytes; attach text of at most {} KiB", MAX_ATTACHMENT_BYTES / 1024)]
    AttachmentTooLarge {
        /// The scenario file.
        scenario: String,
        /// `inject `ID`: ` (or empty).
        inject: String,
        /// The attachment as the scenario names it.
        path: String,
        /// Its size.
        bytes: u64,
    },
    /// An attachment is not UTF-8 text.
    #[error(
        "{scenario}: {inject}cannot read attachment {path} ({full}: {source}); attach a UTF-8 text or Markdown file"
    )]
    AttachmentNotText {
        /// The scenario file.
        scenario: String,
        /// `inject `ID`: ` (or empty).
        inject: String,
        /// The attachment as the scenario names it.
        path: String,
        /// Where it was read.
        full: String,
        /// Why it is not text.
        source: std::io::Error,
    },
}

/// Loads a scenario from a path, or a built-in by name, or the default when none is given.
pub fn scenario(file: Option<&Path>) -> Result<Scenario, ScenarioFileError> {
    match file {
        None => builtin::default_scenario().map_err(ScenarioFileError::Invalid),
        Some(p) => checked(p)?.map_err(ScenarioFileError::Invalid),
    }
}

/// Reads a scenario file (or a built-in by name) with the files its injects attach: the
/// scenario, or the diagnostics of a file that is not a valid scenario; a failure when there is
/// no file to read or an attachment cannot be read.
pub fn checked(p: &Path) -> Result<Result<Scenario, Diagnostics>, ScenarioFileError> {
    let shown = p.display().to_string();
    if !p.exists()
        && let Some(b) = builtin::find(&shown)
    {
        return Ok(builtin::load(b));
    }
    let source = std::fs::read_to_string(p).map_err(|e| {
        let names: Vec<&str> = builtin::BUILTINS.iter().chain(builtin::RESEARCH).map(|b| b.name).collect();
        ScenarioFileError::Unreadable { shown: shown.clone(), source: e, builtins: names.join(", ") }
    })?;
    match Scenario::parse(&shown, &source) {
        Ok(sc) => attach(sc, p).map(Ok),
        Err(d) => Ok(Err(d)),
    }
}

/// The most text one attachment may hold (it is copied into every journal of the scenario).
pub const MAX_ATTACHMENT_BYTES: u64 = 256 * 1024;

/// Reads the files a scenario's injects attach, relative to the scenario file's folder.
fn attach(sc: Scenario, scenario_path: &Path) -> Result<Scenario, ScenarioFileError> {
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
        let scenario = scenario_path.display().to_string();
        let meta = std::fs::metadata(&full).map_err(|e| ScenarioFileError::AttachmentMissing {
            scenario: scenario.clone(),
            inject: inject.clone(),
            path: p.clone(),
            full: full.display().to_string(),
            source: e,
        })?;
        if meta.len() > MAX_ATTACHMENT_BYTES {
            return Err(ScenarioFileError::AttachmentTooLarge {
                scenario,
                inject,
                path: p,
                bytes: meta.len(),
            });
        }
        let text = std::fs::read_to_string(&full).map_err(|e| ScenarioFileError::AttachmentNotText {
            scenario,
            inject,
            path: p.clone(),
            full: full.display().to_string(),
            source: e,
        })?;
        files.insert(p, text);
    }
    Ok(sc.with_attachments(files))
}
