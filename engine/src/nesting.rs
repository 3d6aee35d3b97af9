//! A bound on how deeply brackets nest in the text ttx reads.
//!
//! Scenario files (RON) and journal lines (JSON) are read by recursive
//! parsers; a hostile file of a few hundred thousand `[` would exhaust the
//! stack. [`too_deep`] finds, in one linear pass without recursion, the first
//! bracket that opens deeper than the limit, so that every reader can refuse
//! such text with a clear message before parsing it.

/// The deepest nesting of `(`, `[` and `{` any scenario or journal line may have.
///
/// Real scenarios nest about ten levels; the parsers behind them stop at 128.
pub const MAX_NESTING: usize = 64;

/// The text's syntax, which decides what is a string or a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// RON: `"strings"`, `r#"raw strings"#`, `'c'` characters, `//` and nested `/* */` comments.
    Ron,
    /// JSON: `"strings"` only.
    Json,
}

/// The byte offset of the first bracket that opens deeper than `limit`, if any.
///
/// Brackets inside strings, characters and comments do not count. Unbalanced
/// or malformed text is not an error here (the parser reports it); the scan
/// only bounds depth, in time linear in the length of `src`.
pub fn too_deep(src: &str, limit: usize, syntax: Syntax) -> Option<usize> {
    let b = src.as_bytes();
    let ron = syntax == Syntax::Ron;
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'"' => i = skip_string(b, i + 1),
            b'\'' if ron => i = skip_char(b, i + 1),
            b'/' if ron && b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if ron && b.get(i + 1) == Some(&b'*') => i = skip_block_comment(b, i + 2),
            b'r' if ron && !ident_before(b, i) && raw_string_at(b, i) => i = skip_raw_string(b, i + 1),
            _ => i += 1,
        }
    }
    None
}

fn ident_before(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] >= 0x80)
}

fn raw_string_at(b: &[u8], i: usize) -> bool {
    let mut p = i + 1;
    while b.get(p) == Some(&b'#') {
        p += 1;
    }
    b.get(p) == Some(&b'"')
}

/// From just after an opening `"`, the offset just after the closing one (or the end).
fn skip_string(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// From just after an opening `'`, the offset just after the closing one (or the end).
fn skip_char(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\'' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// From just after `/*`, the offset just after the matching `*/` (comments nest, as in RON).
fn skip_block_comment(b: &[u8], mut i: usize) -> usize {
    let mut open = 1usize;
    while i < b.len() {
        match (b[i], b.get(i + 1)) {
            (b'*', Some(b'/')) => {
                open -= 1;
                i += 2;
                if open == 0 {
                    return i;
                }
            }
            (b'/', Some(b'*')) => {
                open += 1;
                i += 2;
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// From just after the `r` of `r##"`, the offset just after the closing `"##` (or the end).
fn skip_raw_string(b: &[u8], mut i: usize) -> usize {
    let mut hashes = 0;
    while b.get(i) == Some(&b'#') {
        hashes += 1;
        i += 1;
    }
    i += 1; // the opening quote
    while i < b.len() {
        if b[i] == b'"' && b.len() - (i + 1) >= hashes && b[i + 1..i + 1 + hashes].iter().all(|&c| c == b'#')
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_bracket_past_the_limit() {
        assert_eq!(too_deep("[[[]]]", 3, Syntax::Ron), None);
        assert_eq!(too_deep("[[[[]]]]", 3, Syntax::Ron), Some(3));
        assert_eq!(too_deep("([{(", 3, Syntax::Json), Some(3));
        // Depth, not count: siblings do not add up.
        assert_eq!(too_deep(&"[]".repeat(1000), 1, Syntax::Json), None);
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let ron = r##"( a: "[[[[", b: '[', c: r#"[[[["#, // [[[[
        /* [[ /* [[[ */ [[ */ d: [x] )"##;
        assert_eq!(too_deep(ron, 2, Syntax::Ron), None);
        assert_eq!(too_deep(r#"{"a": "[[[\"[[", "b": [1]}"#, 2, Syntax::Json), None);
        // In JSON, `//` is not a comment.
        assert_eq!(too_deep("[// [[", 2, Syntax::Json), Some(5));
        // An identifier ending in `r` before a string is not a raw string.
        assert_eq!(too_deep("(for\"[\" [[", 2, Syntax::Ron), Some(9));
    }

    #[test]
    fn a_very_deep_text_is_found_without_recursion() {
        let deep = "[".repeat(1_000_000);
        assert_eq!(too_deep(&deep, MAX_NESTING, Syntax::Ron), Some(MAX_NESTING));
        assert_eq!(too_deep(&deep, MAX_NESTING, Syntax::Json), Some(MAX_NESTING));
    }

    #[test]
    fn unterminated_text_ends_the_scan() {
        for s in ["\"[[[", "'[[[", "/* [[[", "r#\"[[[", "r#\"[[[\"", "\"\\"] {
            assert_eq!(too_deep(s, 1, Syntax::Ron), None, "{s}");
        }
    }
}

#[cfg(test)]
mod readers {
    use super::*;
    use crate::journal::{ReplayError, read_records};
    use crate::scenario::Scenario;

    #[test]
    fn a_deep_scenario_is_one_diagnostic_at_the_first_bracket_too_deep() {
        let src = format!("Scenario(\n  name: {}", "[".repeat(200_000));
        let d = Scenario::parse("deep.ron", &src).unwrap_err();
        assert_eq!(d.total(), 1);
        let first = &d.items[0];
        // The scenario's own `(` is one level: the 64th `[` is the 65th bracket.
        assert_eq!((first.line, first.column), (2, 9 + MAX_NESTING - 1));
        assert_eq!(first.message, format!("nesting deeper than {MAX_NESTING}"));
        assert!(
            d.to_string()
                .starts_with(&format!("deep.ron:2:{}: error: nesting deeper than", 9 + MAX_NESTING - 1))
        );
    }

    #[test]
    fn a_deep_journal_line_is_refused_with_its_place() {
        let journal = format!("\n{{\"type\": \"note\", \"text\": {}\n", "[".repeat(200_000));
        match read_records(journal.as_bytes()) {
            Err(ReplayError::TooDeep { line, column, limit }) => {
                assert_eq!((line, column, limit), (2, 26 + MAX_NESTING - 1, MAX_NESTING));
            }
            other => panic!("expected TooDeep, got {other:?}"),
        }
    }
}
