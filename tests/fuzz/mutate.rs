//! Structure-aware mutation driven by a stream of bytes.
//!
//! The same bytes always give the same input, so a failing case is a small
//! byte string that can be kept as a regression fixture. Both harnesses use
//! this file: the proptest harness in `cargo test` (which draws and shrinks
//! the bytes) and the cargo-fuzz targets in `fuzz/` (where libFuzzer does).

/// Reads choices from a byte string; past its end every choice is 0.
pub struct Choices<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Choices<'a> {
    /// Choices read from `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Choices { data, pos: 0 }
    }

    /// The next byte.
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// A number in `0..n` (0 when `n` is 0), from as few bytes as `n` needs.
    pub fn below(&mut self, n: usize) -> usize {
        let v = match n {
            0 => return 0,
            1..=256 => usize::from(self.byte()),
            257..=65_536 => usize::from(u16::from_le_bytes([self.byte(), self.byte()])),
            _ => u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()]) as usize,
        };
        v % n
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len())]
    }
}

/// Text the readers treat specially: brackets, quotes, comments, odd numbers.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "::",
    "\"",
    "'",
    "r#\"",
    "\"#",
    "//",
    "/*",
    "*/",
    "#![enable(implicit_some)]",
    "Some(",
    "None",
    "true",
    "false",
    "()",
    "[]",
    "{}",
    "\\",
    "\\u{1F600}",
    "\n",
    "\r\n",
    "\t",
    "\0",
    "é",
    "𝕏",
    "\u{FEFF}",
    "-",
    "+",
    ".",
    "e",
    "_",
    "0x",
    "0b",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-0",
    "0.0",
    "-1",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "1.7976931348623157e308",
    "5e-324",
    "E+0d 00:00",
    "E-400d 00:00",
    "E+1000000d 25:61",
    "All",
    "Only",
    "Generated",
    "FromData",
    "Listed",
    "per_state",
];

/// Values that stress numbers and text wherever a value goes.
const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1",
    "255",
    "256",
    "65535",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "0.5",
    "-0.0",
    "1e308",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "5e-324",
    "\"\"",
    "\"x\"",
    "\"E+0d 00:00\"",
    "\"E+100000d 00:00\"",
    "true",
    "null",
    "[]",
    "{}",
    "()",
];

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A position in `s` on a character boundary.
fn pos(s: &str, c: &mut Choices) -> usize {
    floor(s, c.below(s.len() + 1))
}

/// A range of at most `max` bytes in `s`, on character boundaries.
fn range(s: &str, c: &mut Choices, max: usize) -> (usize, usize) {
    let a = pos(s, c);
    let b = floor(s, a + c.below(max + 1));
    (a, b.max(a))
}

/// Where numbers and words start in `s`.
fn atoms(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-' || b[i] == b'.' {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-' || b[i] == b'.')
            {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

/// The longest text a mutation makes (a few times the largest seed).
const MAX_LEN: usize = 1 << 20;

/// Applies one to eight edits to `base`: deleting, duplicating, swapping and
/// truncating spans, inserting tokens, deep nesting or raw characters, and
/// replacing numbers and words with extremes or with other words of the text.
pub fn text(base: &str, c: &mut Choices) -> String {
    let mut s = base.to_string();
    let edits = 1 + c.below(8);
    for _ in 0..edits {
        if s.len() > MAX_LEN {
            break;
        }
        match c.below(11) {
            0 => {
                let (a, b) = range(&s, c, 64);
                s.replace_range(a..b, "");
            }
            1 => {
                let (a, b) = range(&s, c, 256);
                let piece = s[a..b].to_string();
                let at = pos(&s, c);
                s.insert_str(at, &piece);
            }
            2 => {
                let at = pos(&s, c);
                let t = c.pick(TOKENS);
                s.insert_str(at, t);
            }
            3 | 4 => {
                let words = atoms(&s);
                if words.is_empty() {
                    continue;
                }
                let (a, b) = words[c.below(words.len())];
                let with = if c.byte().is_multiple_of(2) {
                    c.pick(EXTREMES).to_string()
                } else {
                    let (x, y) = words[c.below(words.len())];
                    s[x..y].to_string()
                };
                s.replace_range(a..b, &with);
            }
            5 => {
                let at = pos(&s, c);
                let open = c.pick(&["[", "(", "{", "Some(", "[(", "/*"]);
                let n = 1 + c.below(200);
                s.insert_str(at, &open.repeat(n));
            }
            6 => {
                let at = pos(&s, c);
                s.truncate(at);
            }
            7 => {
                let at = pos(&s, c);
                let ch = char::from_u32(u32::from(c.byte()) | (u32::from(c.byte() % 4) << 8))
                    .unwrap_or('\u{FFFD}');
                s.insert(at, ch);
            }
            8 => {
                let (a, b) = range(&s, c, 128);
                let (x, y) = range(&s, c, 128);
                if b <= x {
                    let (p, q) = (s[a..b].to_string(), s[x..y].to_string());
                    s.replace_range(x..y, &p);
                    s.replace_range(a..b, &q);
                }
            }
            9 => {
                let at = pos(&s, c);
                let n = c.below(16);
                let raw: Vec<u8> = (0..n).map(|_| c.byte()).collect();
                s.insert_str(at, &String::from_utf8_lossy(&raw));
            }
            _ => {
                // A long run of one character: long words, lines and numbers.
                let at = pos(&s, c);
                let ch = c.pick(&["x", "9", " ", ",", "\"", "a: 1, "]);
                s.insert_str(at, &ch.repeat(1 + c.below(5_000)));
            }
        }
    }
    s
}

/// Replaces, deletes or retypes one value somewhere in a JSON value.
fn json_value(v: &mut serde_json::Value, c: &mut Choices, scenarios: &[&str]) {
    use serde_json::Value;
    // Walk down a few levels at random, noting the way as a JSON pointer.
    let mut pointer = String::new();
    let mut at: &Value = v;
    for _ in 0..c.below(6) {
        let next = match at {
            Value::Object(m) if !m.is_empty() => {
                let k = m.keys().nth(c.below(m.len())).cloned().unwrap_or_default();
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                m.get(&k)
            }
            Value::Array(a) if !a.is_empty() => {
                let i = c.below(a.len());
                pointer.push_str(&format!("/{i}"));
                a.get(i)
            }
            _ => None,
        };
        match next {
            Some(n) => at = n,
            None => break,
        }
        if c.byte().is_multiple_of(4) {
            break;
        }
    }
    let Some(cur) = v.pointer_mut(&pointer) else { return };
    match (c.below(6), &mut *cur) {
        (0, Value::Object(m)) if !m.is_empty() => {
            let k = m.keys().nth(c.below(m.len())).cloned().unwrap_or_default();
            m.remove(&k);
        }
        (1, Value::Object(m)) => {
            let k = c.pick(&["type", "tick", "seq", "issuer", "command", "format", "hash", "extra", "id"]);
            let e = c.pick(EXTREMES);
            m.insert(k.to_string(), serde_json::from_str(e).unwrap_or(Value::Null));
        }
        (2, Value::String(s)) => {
            // Also the scenario embedded in a journal's header: mutated as a scenario.
            *s = text(s, c);
        }
        (3, _) => {
            let base = scenarios.get(c.below(scenarios.len())).copied().unwrap_or("");
            *cur = Value::String(text(base, c));
        }
        _ => {
            let e = c.pick(EXTREMES);
            *cur = serde_json::from_str(e).unwrap_or_else(|_| Value::String(e.to_string()));
        }
    }
}

/// Mutates JSON lines: edits values inside a line (structure-aware), or the
/// text of a line, or deletes, duplicates and swaps lines.
pub fn json_lines(base: &str, c: &mut Choices, scenarios: &[&str]) -> String {
    let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
    let edits = 1 + c.below(4);
    for _ in 0..edits {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = c.below(lines.len());
        match c.below(8) {
            0..=3 => {
                if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&lines[i]) {
                    json_value(&mut v, c, scenarios);
                    lines[i] = v.to_string();
                }
            }
            4 => lines[i] = text(&lines[i], c),
            5 => {
                lines.remove(i);
            }
            6 => {
                let l = lines[i].clone();
                let at = c.below(lines.len() + 1);
                lines.insert(at, l);
            }
            _ => {
                let j = c.below(lines.len());
                lines.swap(i, j);
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Frames for a length-delimited stream: seed messages, mutated as JSON or as
/// text, each behind a 4-byte big-endian length that is usually right.
pub fn frames(seeds: &[&str], c: &mut Choices) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..1 + c.below(4) {
        let seed = seeds.get(c.below(seeds.len())).copied().unwrap_or("{}");
        let payload = match c.below(4) {
            0 => seed.to_string(),
            1 => text(seed, c),
            _ => match serde_json::from_str::<serde_json::Value>(seed) {
                Ok(mut v) => {
                    json_value(&mut v, c, &[]);
                    v.to_string()
                }
                Err(_) => seed.to_string(),
            },
        };
        let len = payload.len() as u32;
        let shown = match c.below(8) {
            0 => u32::from_le_bytes([c.byte(), c.byte(), c.byte(), c.byte()]),
            1 => len.wrapping_add(1),
            2 => len.saturating_sub(1),
            _ => len,
        };
        out.extend_from_slice(&shown.to_be_bytes());
        out.extend_from_slice(payload.as_bytes());
    }
    if c.byte() % 4 == 3 {
        let at = c.below(out.len() + 1);
        out.truncate(at);
    }
    out
}
