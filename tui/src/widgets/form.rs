//! The command form: one row per field, a Submit button, the last message,
//! and the outcomes of recent commands (accepted, or why they were rejected).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use ttx_engine::command::CommandOutcome;
use ttx_engine::time::Clock;

use crate::chrome::put;
use crate::form::{CommandForm, FieldKind, FormMessage};
use crate::text::{fit, truncate, wrap};
use crate::theme::Theme;

/// Draws a [`CommandForm`] and, below it, recent command outcomes.
#[derive(Clone, Debug)]
pub struct CommandFormView<'a> {
    form: &'a CommandForm,
    results: &'a [CommandOutcome],
    clock: Option<Clock>,
    theme: Theme,
}

impl<'a> CommandFormView<'a> {
    /// A view of a form.
    pub fn new(form: &'a CommandForm, theme: Theme) -> Self {
        CommandFormView { form, results: &[], clock: None, theme }
    }

    /// Recent outcomes to list under the form (newest last), with the clock to date them.
    pub fn results(mut self, results: &'a [CommandOutcome], clock: Clock) -> Self {
        self.results = results;
        self.clock = Some(clock);
        self
    }
}

const LABEL_W: usize = 14;

impl Widget for CommandFormView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let w = usize::from(area.width);
        let mut y = area.y;
        let put = |line: Line, y: &mut u16, buf: &mut Buffer| {
            if *y < area.bottom() {
                buf.set_line(area.x, *y, &line, area.width);
                *y += 1;
            }
        };
        let value_w = w.saturating_sub(LABEL_W + 4);
        for (i, f) in self.form.fields.iter().enumerate() {
            let focused = self.form.focus == i;
            let label_style = if focused { t.selected() } else { t.text() };
            let shown = f.display();
            let value = match f.kind {
                FieldKind::Choice if f.choices.len() > 1 => {
                    format!("< {} >", truncate(&shown, value_w.saturating_sub(4)))
                }
                FieldKind::Text | FieldKind::Number { .. } if focused => {
                    format!("{}_", truncate(&shown, value_w.saturating_sub(1)))
                }
                _ => truncate(&shown, value_w),
            };
            let mut spans = vec![
                Span::raw(if focused { ">" } else { " " }),
                Span::styled(fit(f.label, LABEL_W - 1), label_style),
                Span::raw("  "),
                Span::styled(value.clone(), if focused { t.title() } else { t.text() }),
            ];
            let room = w.saturating_sub(LABEL_W + 2 + crate::text::width(&value) + 2);
            if !f.hint.is_empty() && room > 8 {
                spans
                    .push(Span::styled(format!("  ({})", truncate(f.hint, room.saturating_sub(2))), t.dim()));
            } else if f.optional && room > 12 {
                spans.push(Span::styled("  (optional)", t.dim()));
            }
            put(Line::from(spans), &mut y, buf);
        }
        y += u16::from(y < area.bottom());
        let on_submit = self.form.focus == self.form.fields.len();
        let submit_style = if on_submit { t.selected() } else { t.key() };
        put(
            Line::from(vec![
                Span::raw(if on_submit { ">" } else { " " }),
                Span::styled("[ Submit ]", submit_style),
                Span::styled("  Enter on Submit or Ctrl-S sends; Esc closes", t.dim()),
            ]),
            &mut y,
            buf,
        );
        if let Some(m) = &self.form.message {
            let (text, style) = match m {
                FormMessage::Info(s) => (s, t.good()),
                FormMessage::Error(s) => (s, t.error()),
            };
            for l in wrap(text, w) {
                put(Line::styled(l, style), &mut y, buf);
            }
        }
        if self.form.picker.is_some() {
            y += u16::from(y < area.bottom());
            self.render_picker(Rect::new(area.x, y, area.width, area.bottom().saturating_sub(y)), buf);
            return;
        }
        if !self.results.is_empty() && y + 2 < area.bottom() {
            y += 1;
            put(Line::styled("Recent results (newest first)", t.title()), &mut y, buf);
            for o in self.results.iter().rev() {
                let when = self.clock.map(|c| c.at(o.tick).to_string()).unwrap_or_default();
                let (verdict, style) = match &o.result {
                    Ok(()) => ("applied".to_string(), t.good()),
                    Err(r) => (format!("rejected: {r}"), t.error()),
                };
                let head = format!("{when} {} - ", o.command.summary());
                let line = Line::from(vec![
                    Span::styled(head.clone(), t.text()),
                    Span::styled(verdict.clone(), style),
                ]);
                if crate::text::width(&head) + crate::text::width(&verdict) <= w {
                    put(line, &mut y, buf);
                } else {
                    for (k, l) in wrap(&format!("{head}{verdict}"), w).into_iter().enumerate() {
                        let st = if k == 0 { t.text() } else { style };
                        put(Line::styled(l, st), &mut y, buf);
                    }
                }
            }
        }
    }
}

impl CommandFormView<'_> {
    fn render_picker(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let Some(p) = &self.form.picker else { return };
        let Some(f) = self.form.focused() else { return };
        if area.height == 0 {
            return;
        }
        let multi = f.kind == FieldKind::Multi;
        let head = format!(
            "Choose {}{}: {}_",
            f.label.to_lowercase(),
            if multi { " (Space ticks, Enter done)" } else { "" },
            p.filter
        );
        put(buf, area.x, area.y, &head, usize::from(area.width), t.title());
        let items = self.form.filtered();
        let rows = usize::from(area.height.saturating_sub(1));
        if items.is_empty() {
            if rows > 0 {
                buf.set_string(area.x, area.y + 1, "(nothing matches; Backspace edits the filter)", t.dim());
            }
            return;
        }
        let first = if p.cursor >= rows { p.cursor + 1 - rows } else { 0 };
        for (row, (i, c)) in items.iter().enumerate().skip(first).take(rows).enumerate() {
            let tick = if multi { if f.chosen.contains(&c.value) { "[x] " } else { "[ ] " } } else { "" };
            let style = if i == p.cursor { t.selected() } else { t.text() };
            let cursor = if i == p.cursor { "> " } else { "  " };
            let text = fit(&format!("{cursor}{tick}{}", c.label), usize::from(area.width));
            buf.set_string(area.x, area.y + 1 + row as u16, text, style);
        }
    }
}
