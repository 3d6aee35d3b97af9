//! A one-line text input with a cursor that `Left` and `Right` move.

/// Text being typed, and where typing goes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextInput {
    /// The text.
    pub text: String,
    /// Where typing goes, in characters from the start.
    pub cursor: usize,
}

impl TextInput {
    /// An input holding `text`, the cursor at its end.
    pub fn with(text: &str) -> TextInput {
        TextInput { text: text.to_string(), cursor: text.chars().count() }
    }

    fn byte(&self, chars: usize) -> usize {
        self.text.char_indices().nth(chars).map_or(self.text.len(), |(b, _)| b)
    }

    /// Types a character at the cursor, unless the text already holds `max` characters.
    pub fn insert(&mut self, c: char, max: usize) {
        if self.text.chars().count() < max {
            let at = self.byte(self.cursor);
            self.text.insert(at, c);
            self.cursor += 1;
        }
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            let at = self.byte(self.cursor - 1);
            self.text.remove(at);
            self.cursor -= 1;
        }
    }

    /// Moves the cursor one character left.
    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    /// Moves the cursor one character right.
    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    /// The text with `_` where the cursor is, for drawing.
    pub fn shown(&self) -> String {
        let mut s = self.text.clone();
        s.insert(self.byte(self.cursor), '_');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_goes_where_the_cursor_is() {
        let mut t = TextInput::with("ac");
        t.left();
        t.insert('b', 10);
        assert_eq!(t.text, "abc");
        assert_eq!(t.shown(), "ab_c");
        t.right();
        t.right();
        t.backspace();
        assert_eq!(t.text, "ab");
        t.insert('é', 3);
        t.insert('x', 3);
        assert_eq!(t.text, "abé", "no more than the limit");
        for _ in 0..5 {
            t.left();
        }
        t.backspace();
        assert_eq!(t.shown(), "_abé");
    }
}
