//! Scenarios: the RON format, loading with positions, and validation.
//!
//! [`Scenario::parse`] reads a scenario and checks its meaning; every problem
//! in a file is reported (not only the first), each with `file:line:column`,
//! what is wrong and what would fix it.

pub mod canonical;
pub mod compile;
pub mod lint;
pub mod reference;
pub mod schema;
pub mod spans;

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;

use crate::model::registry::Registry;
use crate::nesting::{self, MAX_NESTING, Syntax};
use crate::rng::stable_hash;
use schema::*;

/// A problem found in a scenario's meaning, at a path such as `teams[2].controls[0]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where, as a path from the top of the file.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What would fix it.
    pub help: Option<String>,
}

/// One diagnostic with its place in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// Length of the marked text, in characters (at least 1).
    pub width: usize,
    /// What is wrong.
    pub message: String,
    /// What would fix it.
    pub help: Option<String>,
    /// The path of the value at fault, when known.
    pub path: Option<String>,
    /// Part of the source line around the problem, for display: at most about
    /// [`EXCERPT_CHARS`] characters, with `…` where the line was cut.
    pub excerpt: String,
    /// 1-based position (in characters) of the problem within `excerpt`.
    pub caret: usize,
    /// Another place the problem involves, such as the first definition of an id used twice.
    pub related: Option<Related>,
}

/// A second place a diagnostic points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is there, e.g. "first defined here".
    pub message: String,
}

/// How many problems a [`Diagnostics`] shows; the rest are counted.
pub const MAX_SHOWN: usize = 50;

/// The most characters of a source line a diagnostic shows.
pub const EXCERPT_CHARS: usize = 120;

/// Every problem found in one scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics {
    /// The file name as given by the user.
    pub file: String,
    /// The first [`MAX_SHOWN`] problems, in file order.
    pub items: Vec<Diagnostic>,
    /// How many more problems were found and are not shown.
    pub omitted: usize,
}

impl Diagnostics {
    /// How many problems were found, shown or not.
    pub fn total(&self) -> usize {
        self.items.len() + self.omitted
    }

    /// No diagnostics (a file without warnings).
    pub fn none(file: &str) -> Diagnostics {
        Diagnostics { file: file.to_string(), items: Vec::new(), omitted: 0 }
    }

    /// Each diagnostic as text, labelled `severity` (`error` or `warning`), with the count of
    /// those not shown but without the closing total that [`fmt::Display`] adds.
    pub fn items_text(&self, severity: &str) -> String {
        use fmt::Write as _;
        let mut f = String::new();
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                f.push('\n');
            }
            let _ = writeln!(f, "{}:{}:{}: {severity}: {}", self.file, d.line, d.column, d.message);
            let num = d.line.to_string();
            let pad = " ".repeat(num.len());
            let _ = writeln!(f, " {pad} |");
            let _ = writeln!(f, " {num} | {}", d.excerpt);
            let _ = writeln!(
                f,
                " {pad} | {}{}",
                " ".repeat(d.caret.saturating_sub(1)),
                "^".repeat(d.width.max(1))
            );
            if let Some(h) = &d.help {
                let _ = writeln!(f, " {pad} = help: {h}");
            }
            if let Some(r) = &d.related {
                let _ = writeln!(f, " {pad} = note: {}: {}:{}:{}", r.message, self.file, r.line, r.column);
            }
        }
        if self.omitted > 0 {
            let noun = if severity == "error" { "problem" } else { severity };
            let _ = writeln!(
                f,
                "\n... and {} more {noun}{} in {} (only the first {} are shown)",
                self.omitted,
                if self.omitted == 1 { "" } else { "s" },
                self.file,
                self.items.len()
            );
        }
        f
    }
}

impl std::error::Error for Diagnostics {}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.items_text("error"))?;
        if self.total() > 1 {
            writeln!(f, "{} problems in {}", self.total(), self.file)?;
        }
        Ok(())
    }
}

/// A scenario, checked and resolved, ready to simulate.
#[derive(Clone, Debug)]
pub struct Scenario {
    label: String,
    /// The text as read, or for a scenario made in code, written when first asked for
    /// (shared by the clones, so written once).
    source: Arc<OnceLock<String>>,
    registry: Arc<Registry>,
    hash: u64,
    warnings: Arc<Diagnostics>,
}

fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(2 * MAX_NESTING)
}

impl Scenario {
    /// Parses and checks a scenario; `label` names it in diagnostics (usually the path).
    pub fn parse(label: &str, source: &str) -> Result<Scenario, Diagnostics> {
        // The readers below recurse: bound the nesting first, in one pass without recursion.
        if let Some(at) = nesting::too_deep(source, MAX_NESTING, Syntax::Ron) {
            let help = "a scenario nests about ten levels deep: look for brackets opened and never closed";
            let too_deep =
                found_at(at, at + 1, format!("nesting deeper than {MAX_NESTING}"), Some(help.into()), None);
            return Err(sorted(label, source, vec![too_deep]));
        }
        let spec = parse_spec(label, source)?;
        let tree = spans::parse(source).ok();
        match compile::compile(&spec) {
            Ok(registry) => {
                let canonical = ron::ser::to_string(&registry.spec).unwrap_or_default();
                let mut scenario =
                    Scenario::assemble(label, OnceLock::from(source.to_string()), &canonical, registry);
                let warnings = lint::warnings(&spec);
                if !warnings.is_empty() {
                    let items = warnings.into_iter().map(|p| locate(source, tree.as_ref(), p)).collect();
                    scenario.warnings = Arc::new(sorted(label, source, items));
                }
                Ok(scenario)
            }
            Err(problems) => {
                let items = problems.into_iter().map(|p| locate(source, tree.as_ref(), p)).collect();
                Err(sorted(label, source, items))
            }
        }
    }

    /// Builds a scenario from a spec made in code (for example a sweep point).
    /// Its source text ([`Scenario::source`]) is written from the spec when first asked for:
    /// a batch builds a scenario for every point of a design and never reads it.
    pub fn from_spec(label: &str, spec: &ScenarioSpec) -> Result<Scenario, Vec<Problem>> {
        let registry = compile::compile(spec)?;
        let canonical = ron::ser::to_string(&registry.spec).map_err(|e| {
            vec![Problem {
                path: String::new(),
                message: format!("cannot write the scenario: {e}"),
                help: None,
            }]
        })?;
        Ok(Scenario::assemble(label, OnceLock::new(), &canonical, registry))
    }

    /// [`Scenario::from_spec`] for a spec that differs from the one `cut` was made from at
    /// most in the top-level fields named in `changed` (a design point of a batch): the same
    /// scenario and hash, with only those fields serialised for the hash.
    pub fn from_spec_cut(
        label: &str,
        spec: &ScenarioSpec,
        cut: &canonical::Canonical,
        changed: &[&str],
    ) -> Result<Scenario, Vec<Problem>> {
        let registry = compile::compile(spec)?;
        let hash = cut.hash(&registry.spec, changed).map_err(|e| {
            vec![Problem {
                path: String::new(),
                message: format!("cannot write the scenario: {e}"),
                help: None,
            }]
        })?;
        Ok(Scenario {
            label: label.to_string(),
            source: Arc::new(OnceLock::new()),
            registry: Arc::new(registry),
            hash,
            warnings: Arc::new(Diagnostics::none(label)),
        })
    }

    /// `canonical`: the spec in RON without layout ([`ron::ser::to_string`]). The hash covers
    /// the meaning, not the formatting: it is taken over this canonical serialisation.
    fn assemble(label: &str, source: OnceLock<String>, canonical: &str, registry: Registry) -> Scenario {
        Scenario {
            label: label.to_string(),
            source: Arc::new(source),
            registry: Arc::new(registry),
            hash: stable_hash(canonical.as_bytes()),
            warnings: Arc::new(Diagnostics::none(label)),
        }
    }

    /// What [`lint::warnings`] found in the file: likely mistakes that do not stop it from
    /// running. Empty for a scenario made in code.
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// The same scenario with the text of its injects' attachments (path as written to text).
    /// Paths no inject names are dropped; the simulation does not change.
    pub fn with_attachments(mut self, files: std::collections::BTreeMap<String, String>) -> Scenario {
        let wanted = self.attachment_paths();
        let files: std::collections::BTreeMap<String, String> =
            files.into_iter().filter(|(p, _)| wanted.contains(p)).collect();
        if files != self.registry.attachments {
            let mut reg = (*self.registry).clone();
            reg.attachments = files;
            self.registry = Arc::new(reg);
        }
        self
    }

    /// The attachment paths the injects name, in inject order, each once.
    pub fn attachment_paths(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for inj in &self.registry.spec.injects {
            for a in &inj.attachments {
                if !out.contains(a) {
                    out.push(a.clone());
                }
            }
        }
        out
    }

    /// The name it was loaded under (a path or a built-in name).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The scenario's title.
    pub fn name(&self) -> &str {
        &self.registry.spec.name
    }

    /// The source text: as read, or for a scenario made in code ([`Scenario::from_spec`]) its
    /// spec written in RON (pretty-printed; in the canonical layout should that fail, as the
    /// hash's serialisation did not).
    pub fn source(&self) -> &str {
        self.source.get_or_init(|| {
            let spec = &self.registry.spec;
            ron::ser::to_string_pretty(spec, ron::ser::PrettyConfig::default())
                .or_else(|_| ron::ser::to_string(spec))
                .unwrap_or_default()
        })
    }

    /// The spec as parsed.
    pub fn spec(&self) -> &ScenarioSpec {
        &self.registry.spec
    }

    /// The resolved scenario.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub(crate) fn registry_arc(&self) -> Arc<Registry> {
        Arc::clone(&self.registry)
    }

    /// A stable hash of the scenario's content (formatting and comments aside).
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// The hash as 16 hex digits.
    pub fn hash_hex(&self) -> String {
        format!("{:016x}", self.hash)
    }
}

/// A problem placed in the source by byte offsets; turned into a [`Diagnostic`] only if shown.
struct Found {
    start: usize,
    end: usize,
    message: String,
    help: Option<String>,
    path: Option<String>,
    /// Byte offset and message of a second place to point at.
    related: Option<(usize, String)>,
}

/// Orders the problems by place, drops repeats, and builds the diagnostics of
/// the first [`MAX_SHOWN`]: time and memory stay linear in the source's length
/// however many problems there are.
fn sorted(label: &str, source: &str, mut found: Vec<Found>) -> Diagnostics {
    found.sort_by_key(|a| a.start);
    found.dedup_by(|a, b| a.start == b.start && a.message == b.message);
    let omitted = found.len().saturating_sub(MAX_SHOWN);
    found.truncate(MAX_SHOWN);
    let items = found.into_iter().map(|p| diagnostic(source, p)).collect();
    Diagnostics { file: label.to_string(), items, omitted }
}

/// The longest message or help text a diagnostic shows, in characters.
const MAX_TEXT_CHARS: usize = 600;

fn bounded(text: String) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn diagnostic(source: &str, p: Found) -> Diagnostic {
    let offset = floor_boundary(source, p.start.min(source.len()));
    let (line, column) = spans::line_col(source, offset);
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[offset..].find('\n').map_or(source.len(), |i| offset + i);
    let line_end =
        if source[..line_end].ends_with('\r') && line_end > offset { line_end - 1 } else { line_end };
    // Up to a third of the excerpt before the problem, the rest from it on.
    let before = &source[line_start..offset];
    let from = match before.char_indices().rev().nth(EXCERPT_CHARS / 3 - 1) {
        Some((i, _)) if i > 0 => line_start + i,
        _ => line_start,
    };
    let after = &source[offset..line_end];
    let to = match after.char_indices().nth(EXCERPT_CHARS - EXCERPT_CHARS / 3) {
        Some((i, _)) => offset + i,
        None => line_end,
    };
    let cut_before = from > line_start;
    let cut_after = to < line_end;
    let mut excerpt = String::new();
    if cut_before {
        excerpt.push('…');
    }
    excerpt.push_str(&source[from..to]);
    if cut_after {
        excerpt.push('…');
    }
    let caret = source[from..offset].chars().count() + 1 + usize::from(cut_before);
    let shown_rest = source[offset..to].chars().count().max(1);
    let end = floor_boundary(source, p.end.max(offset).min(source.len()));
    let marked = source[offset..end].lines().next().map_or(1, |l| l.chars().take(shown_rest).count());
    let related = p.related.map(|(at, message)| {
        let (line, column) = spans::line_col(source, floor_boundary(source, at.min(source.len())));
        Related { line, column, message }
    });
    Diagnostic {
        line,
        column,
        width: marked.clamp(1, shown_rest),
        message: bounded(p.message),
        help: p.help.map(bounded),
        path: p.path,
        excerpt,
        caret,
        related,
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn found_at(offset: usize, end: usize, message: String, help: Option<String>, path: Option<String>) -> Found {
    Found { start: offset, end, message, help, path, related: None }
}

fn locate(source: &str, tree: Option<&spans::Node>, p: Problem) -> Found {
    match tree {
        Some(t) => {
            let node = t.locate(&p.path);
            let mut found = found_at(node.start, node.end, p.message, p.help, Some(p.path.clone()));
            found.related =
                first_definition(source, t, &p.path, node).map(|at| (at, "first defined here".to_string()));
            found
        }
        None => found_at(0, 1, p.message, p.help, Some(p.path)),
    }
}

/// For a problem at `list[i].id`, where an earlier item of the same list has an `id` written
/// the same way: the offset of the first such `id` (an id used twice, defined first there).
fn first_definition(source: &str, tree: &spans::Node, path: &str, node: &spans::Node) -> Option<usize> {
    let head = path.strip_suffix(".id")?;
    let open = head.rfind('[')?;
    let index: usize = head[open + 1..].strip_suffix(']')?.parse().ok()?;
    let list = &head[..open];
    let text = source.get(node.start..node.end)?;
    (0..index).find_map(|k| {
        let other = tree.locate(&format!("{list}[{k}].id"));
        // `locate` falls back to the deepest node found: only an `id` written the same way counts.
        (other.start != node.start && source.get(other.start..other.end) == Some(text)).then_some(other.start)
    })
}

/// The byte offset in `text` of ron's 1-based line and character column.
fn offset_in(text: &str, line: usize, col: usize) -> usize {
    let mut off = 0;
    for _ in 1..line {
        match text[off..].find('\n') {
            Some(i) => off += i + 1,
            None => return text.len(),
        }
    }
    let rest = &text[off..];
    let line_len = rest.find('\n').unwrap_or(rest.len());
    off + rest[..line_len].char_indices().nth(col.saturating_sub(1)).map_or(line_len, |(i, _)| i)
}

fn ron_found(source: &str, base: usize, e: &ron::error::SpannedError, piece: Option<&spans::Node>) -> Found {
    // ron's positions are 1-based lines and character columns relative to the text it read.
    let at = base + offset_in(&source[base..], e.span.start.line, e.span.start.col);
    // A file whose brackets or quotes do not balance (it has no span tree): look for the
    // usual causes. (Read once per file, so the cost stays linear in its length.)
    if piece.is_none()
        && let Some(f) = unclosed_string(source, at).or_else(|| unclosed_list(source, at, &e.code))
    {
        return f;
    }
    let value = piece.and_then(|p| value_at(p, at));
    // `per_state: 6.5`: ron reads the integer `6`, then stops at `.5`.
    if let Some(v) = value
        && matches!(e.code, ron::error::Error::ExpectedComma)
        && source[v.start..at].bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
        && source[at..].starts_with('.')
    {
        let text = &source[v.start..v.end];
        return found_at(
            v.start,
            v.end,
            format!("expected a whole number, found `{text}`"),
            Some(format!(
                "this field counts whole things: write an integer such as `{}`",
                &source[v.start..at]
            )),
            None,
        );
    }
    let (message, help) = explain_ron(&e.code);
    // Mark the whole value the error is about, not only its first character (ron may place
    // the error on the blank before the value).
    let skip = source[at..].len() - source[at..].trim_start().len();
    match piece.and_then(|p| value_at(p, at + skip)).filter(|v| v.start == at + skip) {
        Some(v) => found_at(v.start, v.end, message, help, None),
        None => found_at(at, at + 1, message, help, None),
    }
}

/// The innermost value of `piece` that starts at or contains `at`.
fn value_at(piece: &spans::Node, at: usize) -> Option<&spans::Node> {
    if at < piece.start || at >= piece.end {
        return None;
    }
    let mut node = piece;
    while let Some((_, child)) = node.children.iter().find(|(_, c)| c.start <= at && at < c.end) {
        node = child;
    }
    Some(node)
}

/// Byte ranges of the string literals of `source` before `upto` (comments skipped).
fn strings_before(source: &str, upto: usize) -> Vec<(usize, usize)> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < upto.min(b.len()) {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push((start, i.min(b.len())));
            }
            _ => i += 1,
        }
    }
    out
}

/// A syntax error just after a string that runs over a line end: most likely the string's
/// closing quote is missing, and the error is where the next string's opening quote closed it.
fn unclosed_string(source: &str, at: usize) -> Option<Found> {
    let &(start, end) = strings_before(source, at).last()?;
    let text = &source[start..end.min(source.len())];
    let between = source.get(end..at)?;
    if !text.contains('\n') || !between.trim().is_empty() {
        return None;
    }
    let first_line_end = source[start..].find('\n').map_or(source.len(), |i| start + i);
    Some(found_at(
        start,
        first_line_end,
        "this string is not closed on its line".to_string(),
        Some("add the closing `\"` (without it, the text runs on to the next `\"` on a later line)".into()),
        None,
    ))
}

/// `Expected struct AdversarySpec but found injects`: a section name read as an item of a list
/// that was never closed.
fn unclosed_list(source: &str, at: usize, code: &ron::error::Error) -> Option<Found> {
    let ron::error::Error::ExpectedDifferentStructName { found, .. } = code else { return None };
    // The innermost bracket still open at `at` (strings and comments skipped).
    let strings = strings_before(source, at);
    let mut open: Vec<(usize, u8)> = Vec::new();
    let b = source.as_bytes();
    let mut k = 0;
    let mut i = 0;
    while i < at.min(b.len()) {
        if let Some(&(s, e)) = strings.get(k)
            && i >= s
        {
            i = e;
            k += 1;
            continue;
        }
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => open.push((i, b[i])),
            b')' | b']' | b'}' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    // The outermost `Scenario(` holds the sections; the innermost bracket left open inside it
    // is the one to close.
    if open.len() < 2 {
        return None;
    }
    let &(opened, bracket) = open.last()?;
    let close = match bracket {
        b'[' => ']',
        b'(' => ')',
        _ => '}',
    };
    let (line, _) = spans::line_col(source, opened);
    let mut f = found_at(
        at,
        at + found.len(),
        format!(
            "`{found}` starts a new section, but the `{}` opened on line {line} is not closed",
            bracket as char
        ),
        Some(format!("add `{close}` (and a comma) before `{found}`")),
        None,
    );
    f.related = Some((opened, "opened here".to_string()));
    Some(f)
}

fn explain_ron(code: &ron::error::Error) -> (String, Option<String>) {
    use ron::error::Error as E;
    let msg = code.to_string();
    let help = match code {
        E::NoSuchStructField { expected, found, .. } => {
            let s = suggest(found, expected);
            Some(match s {
                Some(s) => {
                    format!("did you mean `{s}`? the fields allowed here are: {}", expected.join(", "))
                }
                None => format!("remove it; the fields allowed here are: {}", expected.join(", ")),
            })
        }
        E::NoSuchEnumVariant { expected, found, .. } => {
            let s = suggest(found, expected);
            Some(match s {
                Some(s) => format!("did you mean `{s}`? choose one of: {}", expected.join(", ")),
                None => format!("choose one of: {}", expected.join(", ")),
            })
        }
        E::MissingStructField { field, .. } => Some(format!("add `{field}: ...` to this value")),
        E::ExpectedString | E::ExpectedStringEnd => Some("write text in double quotes, e.g. \"PA\"".into()),
        E::ExpectedComma => Some("separate items with commas".into()),
        E::ExpectedFloat => Some("write a number, e.g. `0.5` or `24`".into()),
        E::ExpectedInteger => Some("write a whole number, e.g. `3`".into()),
        E::ExpectedBoolean => Some("write `true` or `false`".into()),
        E::Eof => Some("the file ends too early: check for a missing `)` or `]`".into()),
        E::Message(m) if m.contains("bad time") => None,
        _ => None,
    };
    (msg, help)
}

/// The first characters of a RON map, list or string: a file starting so is no `Scenario( ... )`.
const NOT_A_SCENARIO: [char; 3] = ['{', '[', '"'];

fn parse_spec(label: &str, source: &str) -> Result<ScenarioSpec, Diagnostics> {
    let opts = ron_options();
    let whole: Result<ScenarioSpec, _> = opts.from_str(source);
    let err = match whole {
        Ok(spec) => return Ok(spec),
        Err(e) => e,
    };
    // The whole file failed: read it piece by piece to report every problem, not only the first.
    let tree = match spans::parse(source) {
        Ok(t) => t,
        Err(_) => return Err(sorted(label, source, vec![ron_found(source, 0, &err, None)])),
    };
    let mut items = Vec::new();
    let first = source[tree.start..].chars().next();
    if first.is_some_and(|c| NOT_A_SCENARIO.contains(&c))
        || !tree.children.iter().any(|(k, _)| matches!(k, spans::Key::Field(_)))
    {
        // Not a `Scenario( ... )` at all.
        items.push(found_at(
            tree.start,
            tree.start + 1,
            "this is not a scenario: a scenario file is one `Scenario( ... )` value in RON".to_string(),
            Some("start from a shipped scenario (see `ttx scenarios`) or docs/scenarios.md".to_string()),
            None,
        ));
        return Err(sorted(label, source, items));
    }
    piecewise(source, &tree, &mut items);
    if items.is_empty() {
        items.push(ron_found(source, 0, &err, Some(&tree)));
    }
    Err(sorted(label, source, items))
}

fn check_piece<T: DeserializeOwned>(source: &str, node: &spans::Node, items: &mut Vec<Found>) -> bool {
    let text = &source[node.start..node.end];
    match ron_options().from_str::<T>(text) {
        Ok(_) => true,
        Err(e) => {
            items.push(ron_found(source, node.start, &e, Some(node)));
            false
        }
    }
}

fn check_list<T: DeserializeOwned>(source: &str, node: &spans::Node, items: &mut Vec<Found>) {
    if node.children.is_empty() {
        check_piece::<Vec<T>>(source, node, items);
        return;
    }
    for (_, child) in &node.children {
        check_piece::<T>(source, child, items);
    }
}

/// The sections of a scenario file, as the schema declares them (`ScenarioSpec`'s fields, in
/// their order): read from the type's own `Deserialize`, so a new section is known here as soon
/// as the schema has it.
fn top_fields() -> &'static [&'static str] {
    struct_fields::<ScenarioSpec>()
}

/// The field names a serde struct declares, read by asking it to deserialize from a
/// deserializer that only records the names it is offered.
fn struct_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};
    struct Fields(&'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("field names recorded")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> de::Deserializer<'de> for &mut Fields {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut d = Fields(&[]);
    let _ = T::deserialize(&mut d);
    d.0
}

fn piecewise(source: &str, tree: &spans::Node, items: &mut Vec<Found>) {
    use spans::Key;
    for (key, node) in &tree.children {
        let Key::Field(name) = key else { continue };
        match name.as_str() {
            "name" | "description" | "background" => {
                check_piece::<String>(source, node, items);
            }
            "objectives" => {
                check_piece::<Vec<String>>(source, node, items);
            }
            "clock" => {
                check_piece::<ClockSpec>(source, node, items);
            }
            "modules" => check_list::<ModuleSpec>(source, node, items),
            "geography" => {
                check_piece::<GeographySpec>(source, node, items);
            }
            "teams" => check_list::<TeamSpec>(source, node, items),
            "vendors" => check_list::<VendorSpec>(source, node, items),
            "posture" => {
                check_piece::<PostureSpec>(source, node, items);
            }
            "sharing" => {
                check_piece::<SharingSpec>(source, node, items);
            }
            "techniques" => {
                check_piece::<TechniquesSpec>(source, node, items);
            }
            "adversaries" => {
                for (_, adv) in &node.children {
                    if check_piece::<AdversarySpec>(source, adv, items) {
                        continue;
                    }
                    // Look inside its campaigns too, and drop the adversary-level error if a campaign explains it.
                    let before = items.len();
                    if let Some((_, camps)) =
                        adv.children.iter().find(|(k, _)| *k == Key::Field("campaigns".into()))
                    {
                        let inner_before = items.len();
                        check_list::<CampaignSpec>(source, camps, items);
                        if items.len() > inner_before {
                            items.remove(before - 1);
                        }
                    }
                }
            }
            "doctrines" => {
                check_piece::<DoctrinesSpec>(source, node, items);
            }
            "public" => {
                check_piece::<PublicSpec>(source, node, items);
            }
            "electorate" => {
                check_piece::<ElectorateSpec>(source, node, items);
            }
            "eo13848" => {
                check_piece::<Eo13848Spec>(source, node, items);
            }
            "injects" => check_list::<InjectSpec>(source, node, items),
            "inject_templates" => check_list::<InjectTemplateSpec>(source, node, items),
            "evaluation" => {
                check_piece::<EvaluationSpec>(source, node, items);
            }
            // A section of the schema without a piecewise check of its own.
            known if top_fields().contains(&known) => {}
            other => {
                let help = match suggest(other, top_fields()) {
                    Some(s) => format!(
                        "did you mean `{s}`? the sections of a scenario are: {}",
                        top_fields().join(", ")
                    ),
                    None => format!("remove it; the sections of a scenario are: {}", top_fields().join(", ")),
                };
                // Point at the field name, which sits just before its value.
                let name_start = source[..node.start].rfind(other).unwrap_or(node.start);
                items.push(found_at(
                    name_start,
                    name_start + other.len(),
                    format!("unknown section `{other}`"),
                    Some(help),
                    Some(other.to_string()),
                ));
            }
        }
    }
    for required in ["name", "clock", "geography"] {
        if !tree.children.iter().any(|(k, _)| *k == Key::Field(required.into())) {
            items.push(found_at(
                tree.start,
                tree.start + 1,
                format!("the scenario has no `{required}`"),
                Some(format!("add a `{required}: ...` section (see docs/scenarios.md)")),
                None,
            ));
        }
    }
}

/// Words longer than this many characters get no suggestion: no typo is that long.
pub const MAX_SUGGEST_CHARS: usize = 64;

/// At most this many candidates are compared for one suggestion.
pub const MAX_CANDIDATES: usize = 10_000;

/// [`edit_distance`] compares at most this many characters of each string.
pub const MAX_COMPARED_CHARS: usize = 256;

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
///
/// The cost is bounded whatever the input: a word longer than
/// [`MAX_SUGGEST_CHARS`] gets no suggestion, only the first
/// [`MAX_CANDIDATES`] candidates are looked at, candidates whose length alone
/// rules them out are skipped, and a comparison stops as soon as it cannot
/// beat the best so far.
pub fn suggest<S: AsRef<str>>(word: &str, candidates: &[S]) -> Option<String> {
    let w: Vec<char> = word.chars().flat_map(char::to_lowercase).take(MAX_SUGGEST_CHARS + 1).collect();
    if w.len() > MAX_SUGGEST_CHARS {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    let mut cc: Vec<char> = Vec::with_capacity(2 * MAX_SUGGEST_CHARS);
    for c in candidates.iter().take(MAX_CANDIDATES) {
        let c = c.as_ref();
        // Close enough means within a third of the longer length (as below); the
        // distance is at least the difference in length.
        let bound = (c.len().max(word.len()) / 3).max(1);
        let limit = match best {
            Some((bd, _)) => bound.min(bd.saturating_sub(1)),
            None => bound,
        };
        cc.clear();
        cc.extend(c.chars().flat_map(char::to_lowercase).take(w.len() + limit + 1));
        if cc.len() > w.len() + limit || w.len() > cc.len() + limit {
            continue;
        }
        if let Some(d) = edit_distance_at_most(&w, &cc, limit) {
            best = Some((d, c));
        }
    }
    // Distance 0 is a match but for case (`"FBI"` for `"fbi"`): worth suggesting too.
    best.filter(|(d, c)| (*d > 0 || *c != word) && *d <= (c.len().max(word.len()) / 3).max(1))
        .map(|(_, c)| c.to_string())
}

/// The Levenshtein distance between two strings, in characters, comparing at
/// most the first [`MAX_COMPARED_CHARS`] characters of each.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(MAX_COMPARED_CHARS).collect();
    let b: Vec<char> = b.chars().take(MAX_COMPARED_CHARS).collect();
    edit_distance_at_most(&a, &b, usize::MAX).unwrap_or(usize::MAX)
}

/// The Levenshtein distance if it is at most `max`; stops early once it cannot be.
fn edit_distance_at_most(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= max)
}

#[cfg(test)]
mod tests;
