//! A small RON reader that records where every value sits in the file.
//!
//! serde forgets positions once a value is read, but a scenario author needs
//! `file:line:column` for problems found after parsing (an unknown team id, a
//! time outside the clock). This reader builds a tree of spans keyed by field
//! name and list index, so a problem's path (`teams[2].controls[0]`) can be
//! turned back into a place in the file.

use crate::nesting::MAX_NESTING;

/// A key under which a value sits in its parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// A named field (`name: ...`).
    Field(String),
    /// A position in a list or tuple.
    Index(usize),
    /// A map entry, by the key's source text.
    MapKey(String),
}

/// A value's extent in the source (byte offsets) and its children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Where the value's own name starts, for `Name(...)` values.
    pub children: Vec<(Key, Node)>,
}

/// A syntax error found while building the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset.
    pub offset: usize,
    /// What was wrong.
    pub message: String,
}

/// One step of a problem path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    /// `.field`
    Field(String),
    /// `[n]`
    Index(usize),
}

/// Splits `teams[2].controls[0]` into steps.
pub fn parse_path(path: &str) -> Vec<PathStep> {
    let mut steps = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !cur.is_empty() {
                    steps.push(PathStep::Field(std::mem::take(&mut cur)));
                }
            }
            '[' => {
                if !cur.is_empty() {
                    steps.push(PathStep::Field(std::mem::take(&mut cur)));
                }
                let mut n = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    n.push(d);
                }
                if let Ok(i) = n.parse() {
                    steps.push(PathStep::Index(i));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        steps.push(PathStep::Field(cur));
    }
    steps
}

impl Node {
    fn child(&self, key: &Key) -> Option<&Node> {
        // The n-th child of a list is usually at position n: look there first.
        if let Key::Index(i) = key
            && let Some((k, n)) = self.children.get(*i)
            && k == key
        {
            return Some(n);
        }
        self.children.iter().find(|(k, _)| k == key).map(|(_, n)| n)
    }

    /// Finds the node at a path; when a step is missing (a defaulted field),
    /// returns the deepest node that exists.
    pub fn locate(&self, path: &str) -> &Node {
        let mut node = self;
        for step in parse_path(path) {
            let key = match step {
                PathStep::Field(f) => Key::Field(f),
                PathStep::Index(i) => Key::Index(i),
            };
            match node.step(&key) {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    fn step(&self, key: &Key) -> Option<&Node> {
        if let Some(n) = self.child(key) {
            return Some(n);
        }
        if let Key::Field(f) = key
            && let Some(n) = self.child(&Key::MapKey(f.clone()))
        {
            return Some(n);
        }
        // A one-element wrapper such as `Only([...])` or `Listed([...])`: look inside.
        if self.children.len() == 1
            && let (Key::Index(0), inner) = &self.children[0]
        {
            return inner.child(key).or_else(|| match key {
                Key::Field(f) => inner.child(&Key::MapKey(f.clone())),
                _ => None,
            });
        }
        None
    }
}

struct Reader<'a> {
    src: &'a [u8],
    pos: usize,
    /// How many values are open around the one being read.
    depth: usize,
}

/// Builds the span tree of a RON document.
pub fn parse(src: &str) -> Result<Node, SyntaxError> {
    let mut r = Reader { src: src.as_bytes(), pos: 0, depth: 0 };
    r.skip_ws()?;
    // `#![enable(...)]` attributes.
    while r.peek() == Some(b'#') {
        r.skip_attribute()?;
        r.skip_ws()?;
    }
    let node = r.value()?;
    r.skip_ws()?;
    if r.pos < r.src.len() {
        return Err(r.error("unexpected text after the end of the scenario"));
    }
    Ok(node)
}

impl Reader<'_> {
    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError { offset: self.pos.min(self.src.len()), message: message.to_string() }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(c) if c.is_ascii_whitespace() => self.pos += 1,
                Some(b'/') if self.src.get(self.pos + 1) == Some(&b'/') => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.src.get(self.pos + 1) == Some(&b'*') => {
                    let start = self.pos;
                    self.pos += 2;
                    let mut depth = 1;
                    while depth > 0 {
                        match (self.peek(), self.src.get(self.pos + 1)) {
                            (None, _) => {
                                self.pos = start;
                                return Err(self.error("unclosed block comment"));
                            }
                            (Some(b'*'), Some(b'/')) => {
                                depth -= 1;
                                self.pos += 2;
                            }
                            (Some(b'/'), Some(b'*')) => {
                                depth += 1;
                                self.pos += 2;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn skip_attribute(&mut self) -> Result<(), SyntaxError> {
        // `#![ ... ]` with balanced brackets.
        let mut depth = 0;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(self.error("unclosed attribute"))
    }

    fn ident(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        if self.src.get(self.pos) == Some(&b'r') && self.src.get(self.pos + 1) == Some(&b'#') {
            self.pos += 2;
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.pos > start { Some((start, self.pos)) } else { None }
    }

    /// Reads one value; nesting is bounded so that a hostile file cannot exhaust the stack.
    fn value(&mut self) -> Result<Node, SyntaxError> {
        if self.depth > MAX_NESTING {
            return Err(self.error(&format!("nesting deeper than {MAX_NESTING}")));
        }
        self.depth += 1;
        let v = self.value_inner();
        self.depth -= 1;
        v
    }

    fn value_inner(&mut self) -> Result<Node, SyntaxError> {
        self.skip_ws()?;
        let start = self.pos;
        match self.peek() {
            None => Err(self.error("unexpected end of file: a value is missing")),
            Some(b'(') => {
                let children = self.paren_body()?;
                Ok(Node { start, end: self.pos, children })
            }
            Some(b'[') => {
                self.pos += 1;
                let mut children = Vec::new();
                let mut i = 0;
                loop {
                    self.skip_ws()?;
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        break;
                    }
                    let v = self.value()?;
                    children.push((Key::Index(i), v));
                    i += 1;
                    self.skip_ws()?;
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        _ => return Err(self.error("expected `,` or `]` in a list")),
                    }
                }
                Ok(Node { start, end: self.pos, children })
            }
            Some(b'{') => {
                self.pos += 1;
                let mut children = Vec::new();
                loop {
                    self.skip_ws()?;
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        break;
                    }
                    let k = self.value()?;
                    let key_text =
                        String::from_utf8_lossy(&self.src[k.start..k.end]).trim_matches('"').to_string();
                    self.skip_ws()?;
                    if self.peek() != Some(b':') {
                        return Err(self.error("expected `:` after a map key"));
                    }
                    self.pos += 1;
                    let v = self.value()?;
                    children.push((Key::MapKey(key_text), v));
                    self.skip_ws()?;
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            break;
                        }
                        _ => return Err(self.error("expected `,` or `}` in a map")),
                    }
                }
                Ok(Node { start, end: self.pos, children })
            }
            Some(b'"') => {
                self.string()?;
                Ok(Node { start, end: self.pos, children: vec![] })
            }
            Some(b'r')
                if matches!(self.src.get(self.pos + 1), Some(b'"') | Some(b'#'))
                    && self.raw_string_ahead() =>
            {
                self.raw_string()?;
                Ok(Node { start, end: self.pos, children: vec![] })
            }
            Some(b'\'') => {
                self.pos += 1;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    if c == b'\\' {
                        self.pos += 1;
                    } else if c == b'\'' {
                        return Ok(Node { start, end: self.pos, children: vec![] });
                    }
                }
                Err(self.error("unclosed character literal"))
            }
            Some(c) if c == b'-' || c == b'+' || c == b'.' || c.is_ascii_digit() => {
                self.pos += 1;
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'+' || c == b'-' {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Ok(Node { start, end: self.pos, children: vec![] })
            }
            Some(_) => {
                if self.ident().is_none() {
                    return Err(self.error("expected a value"));
                }
                // `Name(...)` struct, tuple struct or enum variant.
                let save = self.pos;
                self.skip_ws()?;
                if self.peek() == Some(b'(') {
                    let children = self.paren_body()?;
                    Ok(Node { start, end: self.pos, children })
                } else {
                    self.pos = save;
                    Ok(Node { start, end: self.pos, children: vec![] })
                }
            }
        }
    }

    fn raw_string_ahead(&self) -> bool {
        let mut p = self.pos + 1;
        while self.src.get(p) == Some(&b'#') {
            p += 1;
        }
        self.src.get(p) == Some(&b'"')
    }

    fn string(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'"' => return Ok(()),
                _ => {}
            }
        }
        self.pos = start;
        Err(self.error("unclosed string: add the closing `\"`"))
    }

    fn raw_string(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        self.pos += 1; // opening quote
        while self.pos < self.src.len() {
            if self.src[self.pos] == b'"'
                && self.src[self.pos + 1..].iter().take(hashes).filter(|&&b| b == b'#').count() == hashes
            {
                self.pos += 1 + hashes;
                return Ok(());
            }
            self.pos += 1;
        }
        self.pos = start;
        Err(self.error("unclosed raw string"))
    }

    /// Reads `( ... )`: named fields or positional values.
    fn paren_body(&mut self) -> Result<Vec<(Key, Node)>, SyntaxError> {
        self.pos += 1; // (
        let mut children = Vec::new();
        let mut index = 0;
        loop {
            self.skip_ws()?;
            if self.peek() == Some(b')') {
                self.pos += 1;
                return Ok(children);
            }
            // A named field is `ident :` (but not `::`).
            let save = self.pos;
            let mut named = None;
            if let Some((s, e)) = self.ident() {
                self.skip_ws()?;
                if self.peek() == Some(b':') && self.src.get(self.pos + 1) != Some(&b':') {
                    self.pos += 1;
                    named =
                        Some(String::from_utf8_lossy(&self.src[s..e]).trim_start_matches("r#").to_string());
                } else {
                    self.pos = save;
                }
            }
            let v = self.value()?;
            match named {
                Some(name) => children.push((Key::Field(name), v)),
                None => {
                    children.push((Key::Index(index), v));
                    index += 1;
                }
            }
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => {
                    self.pos += 1;
                    return Ok(children);
                }
                None => return Err(self.error("unexpected end of file: a `)` is missing")),
                _ => return Err(self.error("expected `,` or `)`")),
            }
        }
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..floor_char_boundary(src, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"#![enable(implicit_some)]
// a comment
Scenario(
    name: "x",
    geography: (states: Only(["PA", "PX"]), jurisdictions: Generated(per_state: 2)),
    teams: [
        (id: "a", controls: [Dhs]),
        (id: "b", controls: [StateOffice("PA"), Local("nope")]),
    ],
    posture: (by_kind: { Pollbook: (mfa: true) }),
)
"#;

    #[test]
    fn locates_values_by_path() {
        let tree = parse(SRC).unwrap();
        let n = tree.locate("geography.states[1]");
        assert_eq!(&SRC[n.start..n.end], "\"PX\"");
        assert_eq!(line_col(SRC, n.start), (5, 37));
        let n = tree.locate("teams[1].controls[1]");
        assert_eq!(&SRC[n.start..n.end], "Local(\"nope\")");
        let n = tree.locate("posture.by_kind.Pollbook.mfa");
        assert_eq!(&SRC[n.start..n.end], "true");
        // A missing field falls back to the deepest node that exists.
        let n = tree.locate("teams[0].role");
        assert!(SRC[n.start..n.end].starts_with("(id: \"a\""));
    }

    #[test]
    fn reports_syntax_errors_with_offsets() {
        let err = parse("Scenario(name: \"x\", clock: (").unwrap_err();
        assert!(err.message.contains("end of file"));
        let err = parse("(a: \"unclosed)").unwrap_err();
        assert!(err.message.contains("unclosed string"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        let err = parse(&deep).unwrap_err();
        assert_eq!(err.message, format!("nesting deeper than {MAX_NESTING}"));
        let ok = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn parses_paths() {
        assert_eq!(
            parse_path("a.b[3].c"),
            vec![
                PathStep::Field("a".into()),
                PathStep::Field("b".into()),
                PathStep::Index(3),
                PathStep::Field("c".into())
            ]
        );
    }
}
