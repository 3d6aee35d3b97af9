//! The scenario author's commands: `ttx new` (a commented scenario from a template) and
//! `ttx schema` (the JSON Schema of the format, or its field reference in Markdown).

use std::io::Write;
use std::path::Path;

use ttx_engine::scenario::reference;

use crate::{Failure, Outcome};

/// The exercises `ttx new` can start from.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    /// Two states, phishing and a hack-and-leak, an election-night flood, three modules.
    Tabletop,
    /// Ransomware in one state's counties weeks before the election.
    Ransomware,
    /// A breached e-pollbook vendor serving two states.
    Vendor,
    /// All 50 states and DC with every real jurisdiction; federal teams.
    National,
    /// The required sections and empty lists, to fill in.
    Blank,
}

impl Template {
    fn head(self) -> &'static str {
        match self {
            Template::Tabletop => include_str!("templates/tabletop.ron"),
            Template::Ransomware => include_str!("templates/ransomware.ron"),
            Template::Vendor => include_str!("templates/vendor.ron"),
            Template::National => include_str!("templates/national.ron"),
            Template::Blank => include_str!("templates/blank.ron"),
        }
    }
}

/// The scenario a template writes: its own sections, then every other section at its
/// defaults with each field explained.
pub fn template_text(t: Template) -> String {
    format!("{}{})\n", t.head(), include_str!("templates/common.ron"))
}

/// `ttx new [--template T] FILE`
pub fn new_scenario(template: Template, file: &Path) -> Outcome {
    let text = template_text(template);
    // Create the file only if it does not exist: an author's scenario is never overwritten.
    let mut f = match std::fs::OpenOptions::new().write(true).create_new(true).open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Failure::input(format!(
                "ttx new: {} already exists; give a new file name (ttx new never overwrites a file)",
                file.display()
            )));
        }
        Err(e) => return Err(Failure::input(format!("ttx new: cannot create {}: {e}", file.display()))),
    };
    f.write_all(text.as_bytes()).and_then(|()| f.sync_all()).map_err(|e| Failure::write(file, e))?;
    let mut out = crate::output::stdout();
    writeln!(
        out,
        "wrote {}: check it with `ttx validate {0}`, run it with `ttx run {0}`, play it with `ttx play {0}`",
        file.display()
    )?;
    Ok(())
}

/// `ttx schema [--markdown]`
pub fn schema(markdown: bool) -> Outcome {
    let text = if markdown {
        reference::markdown_reference()
    } else {
        let schema = reference::json_schema();
        let mut s = serde_json::to_string_pretty(&schema).map_err(|e| Failure::runtime(e.to_string()))?;
        s.push('\n');
        s
    };
    let mut out = crate::output::stdout();
    out.write_all(text.as_bytes())?;
    Ok(())
}
