//! Scenarios: the RON format, loading with positions, and validation.
//!
//! [`Scenario::parse`] reads a scenario and checks its meaning; every problem
//! in a file is reported (not only the first), each with `file:line:column`,
//! what is wrong and what would fix it.

pub mod compile;
pub mod schema;
pub mod spans;

use std::fmt;
use std::sync::Arc;

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
}

impl std::error::Error for Diagnostics {}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{}:{}:{}: error: {}", self.file, d.line, d.column, d.message)?;
            let num = d.line.to_string();
            let pad = " ".repeat(num.len());
            writeln!(f, " {pad} |")?;
            writeln!(f, " {num} | {}", d.excerpt)?;
            writeln!(f, " {pad} | {}{}", " ".repeat(d.caret.saturating_sub(1)), "^".repeat(d.width.max(1)))?;
            if let Some(h) = &d.help {
                writeln!(f, " {pad} = help: {h}")?;
            }
        }
        if self.omitted > 0 {
            writeln!(
                f,
                "\n... and {} more problem{} in {} (only the first {} are shown)",
                self.omitted,
                if self.omitted == 1 { "" } else { "s" },
                self.file,
                self.items.len()
            )?;
        }
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
    source: Arc<str>,
    registry: Arc<Registry>,
    hash: u64,
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
            Ok(registry) => Ok(Scenario::assemble(label, source, registry)),
            Err(problems) => {
                let items = problems.into_iter().map(|p| locate(tree.as_ref(), p)).collect();
                Err(sorted(label, source, items))
            }
        }
    }

    /// Builds a scenario from a spec made in code (for example a sweep point).
    pub fn from_spec(label: &str, spec: &ScenarioSpec) -> Result<Scenario, Vec<Problem>> {
        let registry = compile::compile(spec)?;
        let source = ron::ser::to_string_pretty(spec, ron::ser::PrettyConfig::default()).map_err(|e| {
            vec![Problem {
                path: String::new(),
                message: format!("cannot write the scenario: {e}"),
                help: None,
            }]
        })?;
        Ok(Scenario::assemble(label, &source, registry))
    }

    fn assemble(label: &str, source: &str, registry: Registry) -> Scenario {
        // The hash covers the meaning, not the formatting: it is taken over the canonical serialisation.
        let canonical = ron::ser::to_string(&registry.spec).unwrap_or_default();
        let hash = stable_hash(canonical.as_bytes());
        Scenario { label: label.to_string(), source: Arc::from(source), registry: Arc::new(registry), hash }
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

    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
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
    Diagnostic {
        line,
        column,
        width: marked.clamp(1, shown_rest),
        message: bounded(p.message),
        help: p.help.map(bounded),
        path: p.path,
        excerpt,
        caret,
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn found_at(offset: usize, end: usize, message: String, help: Option<String>, path: Option<String>) -> Found {
    Found { start: offset, end, message, help, path }
}

fn locate(tree: Option<&spans::Node>, p: Problem) -> Found {
    match tree {
        Some(t) => {
            let node = t.locate(&p.path);
            found_at(node.start, node.end, p.message, p.help, Some(p.path))
        }
        None => found_at(0, 1, p.message, p.help, Some(p.path)),
    }
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

fn ron_found(source: &str, base: usize, e: &ron::error::SpannedError) -> Found {
    // ron's positions are 1-based lines and character columns relative to the text it read.
    let at = base + offset_in(&source[base..], e.span.start.line, e.span.start.col);
    let (message, help) = explain_ron(&e.code);
    found_at(at, at + 1, message, help, None)
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
        E::Eof => Some("the file ends too early: check for a missing `)` or `]`".into()),
        E::Message(m) if m.contains("bad time") => None,
        _ => None,
    };
    (msg, help)
}

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
        Err(_) => return Err(sorted(label, source, vec![ron_found(source, 0, &err)])),
    };
    let mut items = Vec::new();
    let first = source[tree.start..].chars().next();
    if matches!(first, Some('{') | Some('[') | Some('"'))
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
        items.push(ron_found(source, 0, &err));
    }
    Err(sorted(label, source, items))
}

fn check_piece<T: DeserializeOwned>(source: &str, node: &spans::Node, items: &mut Vec<Found>) -> bool {
    let text = &source[node.start..node.end];
    match ron_options().from_str::<T>(text) {
        Ok(_) => true,
        Err(e) => {
            items.push(ron_found(source, node.start, &e));
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

const TOP_FIELDS: &[&str] = &[
    "name",
    "description",
    "objectives",
    "clock",
    "modules",
    "geography",
    "teams",
    "vendors",
    "posture",
    "sharing",
    "techniques",
    "adversaries",
    "doctrines",
    "public",
    "electorate",
    "eo13848",
    "injects",
    "inject_templates",
    "evaluation",
];

fn piecewise(source: &str, tree: &spans::Node, items: &mut Vec<Found>) {
    use spans::Key;
    for (key, node) in &tree.children {
        let Key::Field(name) = key else { continue };
        match name.as_str() {
            "name" | "description" => {
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
            other => {
                let help = match suggest(other, TOP_FIELDS) {
                    Some(s) => format!(
                        "did you mean `{s}`? the sections of a scenario are: {}",
                        TOP_FIELDS.join(", ")
                    ),
                    None => format!("remove it; the sections of a scenario are: {}", TOP_FIELDS.join(", ")),
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
    best.filter(|(d, c)| *d > 0 && *d <= (c.len().max(word.len()) / 3).max(1)).map(|(_, c)| c.to_string())
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
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("tems", &["teams", "modules"]), Some("teams".into()));
        assert!(suggest("PX", &["PA", "TX"]).is_some());
        assert_eq!(suggest("zzzzzz", &["teams", "modules"]), None);
        assert_eq!(suggest("Tems", &["teams", "modules"]), Some("teams".into()));
    }

    #[test]
    fn many_problems_keep_a_bounded_report() {
        let src = format!("Scenario({})\n", "x: 1, ".repeat(2_000));
        let d = Scenario::parse("u.ron", &src).unwrap_err();
        // Three missing sections and 2,000 unknown ones; the first 50 are shown.
        assert_eq!((d.total(), d.items.len(), d.omitted), (2_003, MAX_SHOWN, 1_953));
        let text = d.to_string();
        assert!(text.contains("... and 1953 more problems in u.ron (only the first 50 are shown)"), "{text}");
        assert!(text.ends_with("2003 problems in u.ron\n"));
        assert!(text.len() < MAX_SHOWN * 1_000, "{} bytes", text.len());
    }

    #[test]
    fn an_excerpt_of_a_long_line_marks_the_problem() {
        let src = format!("Scenario({}zzz: 1)\n", "name: \"x\", ".to_string() + &" ".repeat(5_000));
        let d = Scenario::parse("long.ron", &src).unwrap_err();
        let z = d.items.iter().find(|i| i.message.contains("`zzz`")).expect("the unknown section");
        assert_eq!((z.line, z.column), (1, 5_021));
        assert!(z.excerpt.chars().count() <= EXCERPT_CHARS + 2, "{}", z.excerpt);
        assert!(z.excerpt.starts_with('…'));
        let marked: String = z.excerpt.chars().skip(z.caret - 1).take(z.width).collect();
        assert_eq!(marked, "zzz");
        // A short line is shown whole.
        let d = Scenario::parse("short.ron", "Scenario(zzz: 1)").unwrap_err();
        let z = d.items.iter().find(|i| i.message.contains("`zzz`")).expect("the unknown section");
        assert_eq!((z.excerpt.as_str(), z.caret, z.width), ("Scenario(zzz: 1)", 10, 3));
    }

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("été", "ete"), 2);
        assert_eq!(edit_distance_at_most(&['a'; 10], &['b'; 10], 3), None);
    }

    #[test]
    fn suggestions_stay_cheap_for_huge_words_and_candidate_lists() {
        // A 100,000-character word gets no suggestion at once, whatever the candidates.
        let huge = "x".repeat(100_000);
        let many: Vec<String> = (0..50_000).map(|i| format!("county_{i:05}")).collect();
        assert_eq!(suggest(&huge, &many), None);
        // Huge candidates are ruled out by their length before any comparison.
        let long_candidates = vec!["y".repeat(100_000); 1_000];
        assert_eq!(suggest("county", &long_candidates), None);
        // A real typo among many candidates is still found.
        assert_eq!(suggest("countyy_01234", &many[..MAX_CANDIDATES]), Some("county_01234".into()));
        assert_eq!(edit_distance(&huge, &"y".repeat(100_000)), MAX_COMPARED_CHARS);
    }
}
