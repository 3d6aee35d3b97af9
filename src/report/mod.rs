//! `ttx report`: drafts an HSEEP-style After-Action Report / Improvement Plan
//! from a session journal, or a research report from a batch directory.
//!
//! The input decides the kind: a file is a journal (re-simulated and verified
//! first: a report about a run that does not replay would describe something
//! that did not happen); a directory is a batch (`manifest.json`,
//! `summary.csv`, `runs.csv`, `plots/`). The output is one self-contained HTML
//! page, or Markdown with its charts in a folder beside it.

mod aar;
mod batch;
mod debrief;
mod doc;
mod metrics_text;
mod rating;
mod sanitize;
mod sitman;
mod svg;
mod team_pages;
mod whatif;

pub use aar::date_of;

use std::io::Write;
use std::path::{Path, PathBuf};

use ttx_engine::SimOptions;
use ttx_engine::journal;

use crate::headless::write_atomic;
use crate::{Failure, Outcome};

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One self-contained HTML page (inline CSS and SVG, print styles).
    Html,
    /// Markdown, with the charts as SVG files in a folder beside it.
    Md,
}

/// Where the report goes when `--out` is not given: beside the input.
fn default_out(input: &Path, format: Format) -> PathBuf {
    let ext = match format {
        Format::Html => "html",
        Format::Md => "md",
    };
    if input.is_dir() {
        input.join(format!("report.{ext}"))
    } else {
        input.with_extension(format!("aar.{ext}"))
    }
}

/// The format asked for, or the one the output's extension names (HTML otherwise).
fn pick_format(format: Option<Format>, out: Option<&Path>) -> Format {
    format.unwrap_or_else(|| match out.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown") => Format::Md,
        _ => Format::Html,
    })
}

/// `ttx report INPUT [--out FILE] [--format html|md] [--whatif DIR]`
pub fn run(input: &Path, out: Option<&Path>, format: Option<Format>, whatif: Option<&Path>) -> Outcome {
    let format = pick_format(format, out);
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| default_out(input, format));
    let meta = std::fs::metadata(input)
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", input.display())))?;
    if meta.is_dir()
        && let Some(w) = whatif
    {
        return Err(Failure::input(format!(
            "--whatif {}: what-if results belong in a session's after-action report; give the session's journal, not a batch directory",
            w.display()
        )));
    }
    let (document, what) = if meta.is_dir() {
        let b = batch::load(input).map_err(|e| Failure::input(format!("{}: {e}", input.display())))?;
        let n = b.points.len();
        (batch::document(&b), format!("batch report ({n} sweep points)"))
    } else {
        let (d, summary) = journal_document(input, whatif)?;
        (d, summary)
    };
    write_report(&document, &out, format)?;
    writeln!(crate::output::stdout(), "{what} written to {}", out.display())?;
    Ok(())
}

/// `ttx sitman SCENARIO --out FILE [--format html|md]`: the Situation Manual.
pub fn sitman(file: Option<&Path>, out: &Path, format: Option<Format>) -> Outcome {
    let scenario = crate::load::scenario(file)?;
    let format = pick_format(format, Some(out));
    write_report(&sitman::document(&scenario), out, format)?;
    writeln!(crate::output::stdout(), "Situation Manual written to {}", out.display())?;
    Ok(())
}

/// Replays and verifies a journal and drafts its AAR/IP.
fn journal_document(path: &Path, whatif: Option<&Path>) -> Result<(doc::Doc, String), Failure> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Failure::input(format!("cannot read {shown}: {e}")))?;
    let records = journal::read_records(std::io::BufReader::new(bytes.as_slice())).map_err(|e| match e {
        journal::ReplayError::TooDeep { .. } => Failure::input(format!("{shown}:{e}")),
        e => Failure::input(format!(
            "{shown} is not a ttx session journal ({e}); `ttx run --journal FILE` and `ttx play` write one"
        )),
    })?;
    let info =
        records.first().and_then(|(_, r)| aar::JournalInfo::from_header(&shown, r)).ok_or_else(|| {
            Failure::input(format!("{shown} is not a ttx session journal: it has no header line"))
        })?;
    let report = journal::replay(&records, SimOptions::default())
        .map_err(|e| Failure::input(format!("{shown}: the journal does not replay: {e}")))?;
    journal::check_model_version(&records).map_err(|m| Failure::input(format!("{shown}: {m}")))?;
    if let Some(d) = &report.divergence {
        return Err(Failure::input(format!(
            "{shown}: the journal does not verify: at tick {} ({}), journal line {}, it records state hash {} but the replay gives {}. It was changed after it was written, or written by a different ttx version; no report is drafted from a record that does not replay.",
            d.tick, d.time, d.line, d.expected, d.found
        )));
    }
    let evaluation = report.sim.registry().spec.evaluation.clone();
    let analysis = aar::analyse(&report, info, &evaluation);
    let mut doc = aar::document(&analysis);
    if let Some(dir) = whatif {
        let Some((_, journal::Record::Header { scenario, seed, .. })) = records.first() else {
            return Err(Failure::input(format!("{shown}: the journal has no header")));
        };
        let w = whatif::load(dir, scenario, *seed).map_err(|e| Failure::input(e.to_string()))?;
        // Before the appendices.
        let at = doc
            .blocks
            .iter()
            .position(|b| matches!(b, doc::Block::Heading { id, .. } if id == "actions"))
            .unwrap_or(doc.blocks.len());
        doc.blocks.splice(at..at, whatif::section(&w));
    }
    let ratings: Vec<String> =
        analysis.capabilities.iter().map(|c| format!("{}: {}", c.name, c.rating.letter())).collect();
    Ok((doc, format!("After-action report ({})", ratings.join(", "))))
}

/// Writes the document in the chosen format (Markdown charts go in `<stem>-charts/`).
fn write_report(document: &doc::Doc, out: &Path, format: Format) -> Outcome {
    // The input was fine: a write that fails (a full disk) is a runtime failure.
    let werr = |p: &Path, e: std::io::Error| Failure::write(p, e);
    match format {
        Format::Html => {
            let html = doc::to_html(document);
            write_atomic(out, html.as_bytes()).map_err(|e| werr(out, e))
        }
        Format::Md => {
            let stem =
                out.file_stem().map_or_else(|| "report".to_string(), |s| s.to_string_lossy().to_string());
            let charts_name = format!("{stem}-charts");
            let (text, charts) = doc::to_markdown(document, &charts_name);
            let dir = out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join(&charts_name);
            let created = if charts.is_empty() {
                Vec::new()
            } else {
                ttx::fsio::create_dirs(&dir).map_err(|e| werr(&dir, e))?
            };
            let mut written = Vec::new();
            let mut result = Ok(());
            for (file, svg) in charts {
                let p = dir.join(file);
                if let Err(e) = write_atomic(&p, svg.as_bytes()) {
                    result = Err(werr(&p, e));
                    break;
                }
                written.push(p);
            }
            if result.is_ok() {
                result = write_atomic(out, text.as_bytes()).map_err(|e| werr(out, e));
            }
            if result.is_err() {
                // A report that could not be written leaves none of its charts behind.
                for p in &written {
                    let _ = std::fs::remove_file(p);
                }
                ttx::fsio::remove_empty_dirs(&created);
            }
            result
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_extension_unless_given() {
        assert_eq!(pick_format(None, Some(Path::new("a.md"))), Format::Md);
        assert_eq!(pick_format(None, Some(Path::new("a.html"))), Format::Html);
        assert_eq!(pick_format(Some(Format::Html), Some(Path::new("a.md"))), Format::Html);
        assert_eq!(pick_format(None, None), Format::Html);
    }
}
