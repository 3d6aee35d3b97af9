//! Small helpers for fitting text into cells.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width of a string in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts a string to at most `max` cells, ending with `…` when it was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > max - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Pads (or cuts) a string to exactly `n` cells.
pub fn fit(s: &str, n: usize) -> String {
    let t = truncate(s, n);
    let pad = n.saturating_sub(width(&t));
    format!("{t}{}", " ".repeat(pad))
}

/// Breaks text into lines of at most `max` cells, at spaces where possible.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            let sep = usize::from(!line.is_empty());
            if width(&line) + sep + width(word) <= max {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than a line is cut into pieces.
            let mut rest = word;
            while width(rest) > max {
                let mut cut = 0;
                let mut w = 0;
                for (i, c) in rest.char_indices() {
                    let cw = c.width().unwrap_or(0);
                    if w + cw > max {
                        break;
                    }
                    w += cw;
                    cut = i + c.len_utf8();
                }
                if cut == 0 {
                    break;
                }
                lines.push(rest[..cut].to_string());
                rest = &rest[cut..];
            }
            line.push_str(rest);
        }
        lines.push(line);
    }
    lines
}

/// A duration in seconds as `HH:MM:SS`.
pub fn hms(secs: u64) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_with_an_ellipsis() {
        assert_eq!(truncate("Harbor County", 20), "Harbor County");
        assert_eq!(truncate("Harbor County", 8), "Harbor …");
        assert_eq!(width(&truncate("Harbor County", 8)), 8);
        assert_eq!(fit("ab", 4), "ab  ");
    }

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
    }

    #[test]
    fn formats_times() {
        assert_eq!(hms(3725), "01:02:05");
    }
}
