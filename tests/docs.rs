//! The generated parts of docs/ are what the code makes: docs/whatif.md's command list and
//! docs/protocol.md's list of control commands (both from the command table,
//! engine/src/command/table.rs) and docs/scenarios.md's field reference (`ttx schema
//! --markdown`). Each lies between two marker lines. When they differ these tests fail; with
//! `TTX_BLESS_DOCS=1` set they rewrite the docs instead:
//!
//! ```text
//! TTX_BLESS_DOCS=1 cargo test --test tests docs
//! ```

use ttx_engine::command::{CommandKind, spec};
use ttx_engine::scenario::reference::{self, REFERENCE_BEGIN, REFERENCE_END};

/// The command that rewrites the generated parts of the docs.
const BLESS: &str = "TTX_BLESS_DOCS=1 cargo test --test tests docs";

/// Checks that the lines of docs/`doc` between the line holding `begin` and the next line
/// holding `end` are `want`; with `TTX_BLESS_DOCS` set, writes `want` there instead.
fn generated(doc: &str, begin: &str, end: &str, want: &str) {
    let path = format!("{}/docs/{doc}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let marker = |from: usize, m: &str| {
        text[from..].find(m).map(|i| from + i).unwrap_or_else(|| panic!("docs/{doc} lacks the marker `{m}`"))
    };
    let at = marker(0, begin);
    let body = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    let stop = marker(body, end);
    let stop = text[..stop].rfind('\n').map_or(0, |i| i + 1).max(body);
    if text[body..stop] == *want {
        return;
    }
    if std::env::var_os("TTX_BLESS_DOCS").is_some() {
        let new = format!("{}{want}{}", &text[..body], &text[stop..]);
        std::fs::write(&path, new).unwrap_or_else(|e| panic!("{path}: {e}"));
        eprintln!("rewrote the generated part of docs/{doc} after `{begin}`");
        return;
    }
    panic!(
        "docs/{doc} differs from what the code generates after `{begin}`: run `{BLESS}` to rewrite \
         it, then review the change. It should read:\n{want}"
    );
}

#[test]
fn docs_whatif_md_lists_the_command_table() {
    let table: String = spec::markdown_table().lines().map(|l| format!("  {l}\n")).collect();
    generated(
        "whatif.md",
        "<!-- commands: generated from the command table",
        "<!-- end of commands -->",
        &table,
    );
}

#[test]
fn docs_protocol_md_names_the_control_commands_of_the_table() {
    let names: Vec<String> =
        CommandKind::ALL.iter().filter(|k| k.is_control()).map(|k| format!("`{}`", k.name())).collect();
    let sentence = format!(
        "Inject control ({}) and any actor's command are ordinary `command`s on this connection.",
        names.join(", ")
    );
    generated(
        "protocol.md",
        "<!-- control commands: generated from the command table",
        "<!-- end of control commands -->",
        &wrap(&sentence, 76),
    );
}

#[test]
fn docs_scenarios_md_holds_the_field_reference_generated_from_the_types() {
    let full = reference::markdown_reference();
    let inner = full
        .strip_prefix(&format!("{REFERENCE_BEGIN}\n"))
        .and_then(|r| r.strip_suffix(&format!("{REFERENCE_END}\n")))
        .expect("the reference begins and ends with its markers");
    generated("scenarios.md", REFERENCE_BEGIN, REFERENCE_END, inner);
}

/// Wraps words into lines of at most `width` characters (a longer word gets its own line).
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}
