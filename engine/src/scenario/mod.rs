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
    /// The source line, for display.
    pub source_line: String,
}

/// Every problem found in one scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics {
    /// The file name as given by the user.
    pub file: String,
    /// The problems, in file order.
    pub items: Vec<Diagnostic>,
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
            writeln!(f, " {num} | {}", d.source_line)?;
            writeln!(f, " {pad} | {}{}", " ".repeat(d.column.saturating_sub(1)), "^".repeat(d.width.max(1)))?;
            if let Some(h) = &d.help {
                writeln!(f, " {pad} = help: {h}")?;
            }
        }
        if self.items.len() > 1 {
            writeln!(f, "{} problems in {}", self.items.len(), self.file)?;
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
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

impl Scenario {
    /// Parses and checks a scenario; `label` names it in diagnostics (usually the path).
    pub fn parse(label: &str, source: &str) -> Result<Scenario, Diagnostics> {
        let spec = parse_spec(label, source)?;
        let tree = spans::parse(source).ok();
        match compile::compile(&spec) {
            Ok(registry) => Ok(Scenario::assemble(label, source, registry)),
            Err(problems) => {
                let items = problems.into_iter().map(|p| locate(source, tree.as_ref(), p)).collect();
                Err(sorted(label, items))
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

fn sorted(label: &str, mut items: Vec<Diagnostic>) -> Diagnostics {
    items.sort_by_key(|a| (a.line, a.column));
    items.dedup_by(|a, b| a.line == b.line && a.column == b.column && a.message == b.message);
    Diagnostics { file: label.to_string(), items }
}

fn diag_at(
    source: &str,
    offset: usize,
    end: usize,
    message: String,
    help: Option<String>,
    path: Option<String>,
) -> Diagnostic {
    let (line, column) = spans::line_col(source, offset);
    let source_line = source.lines().nth(line - 1).unwrap_or("").to_string();
    let line_rest = source_line.chars().count().saturating_sub(column - 1).max(1);
    let marked =
        source.get(offset..end.max(offset)).map_or(1, |s| s.lines().next().map_or(1, |l| l.chars().count()));
    Diagnostic { line, column, width: marked.clamp(1, line_rest), message, help, path, source_line }
}

fn locate(source: &str, tree: Option<&spans::Node>, p: Problem) -> Diagnostic {
    match tree {
        Some(t) => {
            let node = t.locate(&p.path);
            diag_at(source, node.start, node.end, p.message, p.help, Some(p.path))
        }
        None => diag_at(source, 0, 1, p.message, p.help, Some(p.path)),
    }
}

fn ron_diag(source: &str, base: usize, e: &ron::error::SpannedError) -> Diagnostic {
    // ron's positions are 1-based lines and character columns relative to the text it read.
    let (bl, bc) = spans::line_col(source, base);
    let (l, c) = (e.span.start.line, e.span.start.col);
    let line = bl + l.saturating_sub(1);
    let column = if l <= 1 { bc + c.saturating_sub(1) } else { c };
    let source_line = source.lines().nth(line.saturating_sub(1)).unwrap_or("").to_string();
    let (message, help) = explain_ron(&e.code);
    Diagnostic { line: line.max(1), column: column.max(1), width: 1, message, help, path: None, source_line }
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
        Err(_) => return Err(sorted(label, vec![ron_diag(source, 0, &err)])),
    };
    let mut items = Vec::new();
    let first = source[tree.start..].chars().next();
    if matches!(first, Some('{') | Some('[') | Some('"'))
        || !tree.children.iter().any(|(k, _)| matches!(k, spans::Key::Field(_)))
    {
        // Not a `Scenario( ... )` at all.
        items.push(diag_at(
            source,
            tree.start,
            tree.start + 1,
            "this is not a scenario: a scenario file is one `Scenario( ... )` value in RON".to_string(),
            Some("start from a shipped scenario (see `ttx scenarios`) or docs/scenarios.md".to_string()),
            None,
        ));
        return Err(sorted(label, items));
    }
    piecewise(source, &tree, &mut items);
    if items.is_empty() {
        items.push(ron_diag(source, 0, &err));
    }
    Err(sorted(label, items))
}

fn check_piece<T: DeserializeOwned>(source: &str, node: &spans::Node, items: &mut Vec<Diagnostic>) -> bool {
    let text = &source[node.start..node.end];
    match ron_options().from_str::<T>(text) {
        Ok(_) => true,
        Err(e) => {
            items.push(ron_diag(source, node.start, &e));
            false
        }
    }
}

fn check_list<T: DeserializeOwned>(source: &str, node: &spans::Node, items: &mut Vec<Diagnostic>) {
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

fn piecewise(source: &str, tree: &spans::Node, items: &mut Vec<Diagnostic>) {
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
                items.push(diag_at(
                    source,
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
            items.push(diag_at(
                source,
                tree.start,
                tree.start + 1,
                format!("the scenario has no `{required}`"),
                Some(format!("add a `{required}: ...` section (see docs/scenarios.md)")),
                None,
            ));
        }
    }
}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
pub fn suggest<S: AsRef<str>>(word: &str, candidates: &[S]) -> Option<String> {
    let w = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let c = c.as_ref();
        let d = edit_distance(&w, &c.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.filter(|(d, c)| *d > 0 && *d <= (c.len().max(word.len()) / 3).max(1)).map(|(_, c)| c.to_string())
}

/// The Levenshtein distance between two strings, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("tems", &["teams", "modules"]), Some("teams".into()));
        assert!(suggest("PX", &["PA", "TX"]).is_some());
        assert_eq!(suggest("zzzzzz", &["teams", "modules"]), None);
    }
}
