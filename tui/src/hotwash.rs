//! The team console's debrief forms: a hot-wash item (strength or area for improvement) and
//! the HSEEP Participant Feedback Form, whose rows are the engine's statement list
//! ([`ttx_engine::debrief::STATEMENTS`]). Plain state and its drawing; the console sends
//! what a form makes, the protocol's `hot_wash` or `feedback` request.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};
use ttx_engine::debrief::{Feedback, HotWashKind, RATINGS, STATEMENTS, check_hot_wash};
use ttx_protocol::ClientMsg;

use crate::text::wrap;
use crate::theme::Theme;

/// Why a hot-wash item or feedback form cannot be sent: the engine's check, in its words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotSendable(pub String);

/// The free-text fields of the feedback form, after its ratings.
pub const FEEDBACK_TEXTS: [&str; 3] = ["Strengths", "Areas for improvement", "What I will do differently"];

/// A debrief form being filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct DebriefForm {
    /// A feedback form (else a hot-wash item).
    pub feedback: bool,
    /// The field with the cursor.
    pub field: usize,
    /// The hot-wash item's kind.
    pub kind: HotWashKind,
    /// The feedback form's ratings, one per statement.
    pub ratings: Vec<Option<u8>>,
    /// The text fields (one for a hot-wash item, three for the form).
    pub texts: Vec<String>,
    /// What went wrong on the last send.
    pub error: Option<String>,
}

impl DebriefForm {
    /// An empty hot-wash item.
    pub fn hot_wash() -> DebriefForm {
        DebriefForm {
            feedback: false,
            field: 1,
            kind: HotWashKind::Strength,
            ratings: Vec::new(),
            texts: vec![String::new()],
            error: None,
        }
    }

    /// An empty feedback form.
    pub fn feedback() -> DebriefForm {
        DebriefForm {
            feedback: true,
            field: 0,
            kind: HotWashKind::Strength,
            ratings: vec![None; STATEMENTS.len()],
            texts: vec![String::new(); FEEDBACK_TEXTS.len()],
            error: None,
        }
    }

    fn fields(&self) -> usize {
        if self.feedback { STATEMENTS.len() + FEEDBACK_TEXTS.len() } else { 2 }
    }

    /// The text field under the cursor, if it is one.
    fn text_mut(&mut self) -> Option<&mut String> {
        let first = if self.feedback { STATEMENTS.len() } else { 1 };
        self.field.checked_sub(first).and_then(|i| self.texts.get_mut(i))
    }

    /// Moves the cursor by one field.
    pub fn move_field(&mut self, forward: bool) {
        let n = self.fields();
        self.field = if forward { (self.field + 1) % n } else { (self.field + n - 1) % n };
    }

    /// Left or right: the rating or the kind under the cursor.
    pub fn change(&mut self, up: bool) {
        if !self.feedback && self.field == 0 {
            self.kind = match self.kind {
                HotWashKind::Strength => HotWashKind::Improvement,
                HotWashKind::Improvement => HotWashKind::Strength,
            };
        } else if let Some(r) = self.ratings.get_mut(self.field) {
            *r = match (*r, up) {
                (None, true) => Some(*RATINGS.start()),
                (None, false) => Some(*RATINGS.end()),
                (Some(v), true) if v < *RATINGS.end() => Some(v + 1),
                (Some(v), false) if v > *RATINGS.start() => Some(v - 1),
                (Some(_), _) => None,
            };
        }
    }

    /// A typed character: a digit rates a statement, other keys type into a text field.
    pub fn input(&mut self, c: char) {
        if let Some(r) = self.ratings.get_mut(self.field) {
            match c.to_digit(10).and_then(|d| u8::try_from(d).ok()) {
                Some(d) if RATINGS.contains(&d) => *r = Some(d),
                Some(0) | None if c == '0' || c == ' ' => *r = None,
                _ => {}
            }
        } else if !self.feedback && self.field == 0 {
            if c == ' ' {
                self.change(true);
            }
        } else if let Some(t) = self.text_mut() {
            t.push(c);
        }
    }

    /// Deletes the last character of the text field (or clears the rating).
    pub fn backspace(&mut self) {
        if let Some(r) = self.ratings.get_mut(self.field) {
            *r = None;
        } else if let Some(t) = self.text_mut() {
            t.pop();
        }
    }

    /// What the form sends, as the request numbered `id`, or why it cannot be sent (the same
    /// checks the server makes).
    pub fn finish(&self, id: u64) -> Result<ClientMsg, NotSendable> {
        let refused = |e: &dyn std::fmt::Display| NotSendable(e.to_string());
        if !self.feedback {
            let text = self.texts[0].trim().to_string();
            check_hot_wash(&text).map_err(|e| refused(&e))?;
            return Ok(ClientMsg::HotWash { id, kind: self.kind, text });
        }
        let ratings = STATEMENTS
            .iter()
            .zip(&self.ratings)
            .filter_map(|((id, _), r)| r.map(|r| (id.to_string(), r)))
            .collect();
        let text = |i: usize| self.texts[i].trim().to_string();
        let form = Feedback { ratings, strengths: text(0), improvements: text(1), differently: text(2) };
        form.check().map_err(|e| refused(&e))?;
        Ok(ClientMsg::Feedback { id, form })
    }

    /// The window's title.
    pub fn title(&self) -> &'static str {
        if self.feedback {
            " Participant Feedback Form "
        } else {
            " Hot wash: a strength or an area for improvement "
        }
    }

    /// Draws the form.
    pub fn render(&self, t: Theme, area: Rect, buf: &mut Buffer) {
        let w = usize::from(area.width);
        let mut lines: Vec<Line> = Vec::new();
        let mark = |i: usize| if i == self.field { "> " } else { "  " };
        let style = |i: usize| if i == self.field { t.selected() } else { t.text() };
        let text_field = |lines: &mut Vec<Line>, i: usize, label: &str, text: &str| {
            let cursor = if i == self.field { "_" } else { "" };
            lines.push(Line::styled(format!("{}{label}:", mark(i)), style(i)));
            for l in wrap(&format!("{text}{cursor}"), w.saturating_sub(4).max(1)) {
                lines.push(Line::raw(format!("    {l}")));
            }
        };
        if self.feedback {
            lines.push(Line::styled(
                "Rate each statement 1 (strongly disagree) to 5 (strongly agree); 0 or Space clears.",
                t.dim(),
            ));
            for (i, ((_, text), r)) in STATEMENTS.iter().zip(&self.ratings).enumerate() {
                let scale: String = RATINGS
                    .map(|v| if Some(v) == *r { format!("[{v}]") } else { format!(" {v} ") })
                    .collect();
                let room = w.saturating_sub(scale.len() + 3);
                let mut s: String = text.chars().take(room).collect();
                while s.chars().count() < room {
                    s.push(' ');
                }
                lines.push(Line::styled(format!("{}{s} {scale}", mark(i)), style(i)));
            }
            for (k, label) in FEEDBACK_TEXTS.iter().enumerate() {
                text_field(&mut lines, STATEMENTS.len() + k, label, &self.texts[k]);
            }
        } else {
            let kinds =
                [HotWashKind::Strength, HotWashKind::Improvement]
                    .map(|k| {
                        if k == self.kind {
                            format!("[{}]", k.heading())
                        } else {
                            format!(" {} ", k.heading())
                        }
                    })
                    .join(" ");
            lines.push(Line::styled(format!("{}Kind: {kinds}", mark(0)), style(0)));
            text_field(&mut lines, 1, "The item", &self.texts[0]);
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Tab/Up/Down: field · Left/Right: change · Enter or Ctrl-S: send · Esc: close",
            t.dim(),
        ));
        if let Some(e) = &self.error {
            lines.push(Line::styled(format!("Not sent: {e}."), t.error()));
        }
        let h = usize::from(area.height);
        let at = lines.iter().position(|l| l.spans.first().is_some_and(|s| s.content.starts_with("> ")));
        let scroll = at.filter(|a| a + 3 > h).map_or(0, |a| a + 3 - h);
        Paragraph::new(lines).scroll((u16::try_from(scroll).unwrap_or(0), 0)).render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_makes_what_the_server_checks() {
        let mut f = DebriefForm::feedback();
        assert_eq!(f.finish(1).unwrap_err().to_string(), "the form is empty");
        f.input('4');
        f.move_field(true);
        f.change(true);
        f.change(true);
        for _ in 0..STATEMENTS.len() - 1 {
            f.move_field(true);
        }
        "Good injects".chars().for_each(|c| f.input(c));
        let ClientMsg::Feedback { id: 1, form } = f.finish(1).unwrap() else { panic!() };
        assert_eq!(form.ratings.get(STATEMENTS[0].0), Some(&4));
        assert_eq!(form.ratings.get(STATEMENTS[1].0), Some(&2));
        assert_eq!(form.strengths, "Good injects");
        let mut h = DebriefForm::hot_wash();
        assert!(h.finish(2).is_err());
        h.input('x');
        h.move_field(true);
        h.change(true);
        assert_eq!(
            h.finish(2).unwrap(),
            ClientMsg::HotWash { id: 2, kind: HotWashKind::Improvement, text: "x".into() }
        );
    }
}
