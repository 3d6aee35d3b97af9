//! Pieces both consoles draw with: panels, pop-up windows, the key hints and the help
//! window, and the colour of a status message.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::keys::{Binding, keys_label};
use crate::text::width;
use crate::theme::Theme;

/// A message in a console's hint bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// The text.
    pub text: String,
    /// How much it matters.
    pub level: Level,
    /// When it was set (real elapsed time).
    pub at: std::time::Duration,
}

/// How much a status message matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Information.
    Info,
    /// Worth noticing.
    Warn,
    /// A refusal or an error.
    Error,
}

/// The colour of a status message.
pub fn level_style(t: Theme, l: Level) -> Style {
    match l {
        Level::Info => t.good(),
        Level::Warn => t.warn(),
        Level::Error => t.error(),
    }
}

/// Writes `s` at (`x`, `y`) in at most `max` cells, cut with an ellipsis when it does not fit
/// (the one way both consoles shorten a line of text).
pub fn put(buf: &mut Buffer, x: u16, y: u16, s: &str, max: usize, style: Style) {
    buf.set_stringn(x, y, crate::text::truncate(s, max), max, style);
}

/// A rectangle of at most `w` x `h`, centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

/// Clears `r`, draws a focused border titled `title`, and returns the inside.
pub fn popup(t: Theme, title: &str, r: Rect, buf: &mut Buffer) -> Rect {
    Clear.render(r, buf);
    let block =
        Block::bordered().border_style(t.focus_border()).title(Span::styled(title.to_string(), t.title()));
    let inner = block.inner(r);
    block.render(r, buf);
    inner
}

/// A panel's border and title, brighter when it has the focus.
pub fn panel<'a>(t: Theme, title: String, focused: bool) -> Block<'a> {
    Block::bordered()
        .border_style(if focused { t.focus_border() } else { t.border() })
        .title(Span::styled(title, if focused { t.title() } else { t.text() }))
}

/// The hint bar: the keys of the active contexts that have a hint, as many as fit in `max`.
pub fn hints<C: Copy + PartialEq, A>(
    t: Theme,
    bindings: &'static [Binding<C, A>],
    contexts: &[C],
    max: u16,
) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for ctx in contexts {
        for b in bindings.iter().filter(|b| b.context == *ctx) {
            let Some(h) = b.hint else { continue };
            let all = keys_label(b);
            let k = if width(&all) <= 10 { all } else { b.keys[0].label() };
            let w = width(&k) + 1 + width(h) + 2;
            if used + w > usize::from(max) {
                return Line::from(spans);
            }
            spans.push(Span::styled(k, t.key()));
            spans.push(Span::styled(format!(" {h}  "), t.dim()));
            used += w;
        }
    }
    Line::from(spans)
}

/// The help window over `body`, its lines made for the window's inner width.
pub fn help(
    t: Theme,
    body: Rect,
    scroll: u16,
    lines: impl FnOnce(u16) -> Vec<Line<'static>>,
    buf: &mut Buffer,
) {
    let r = centered(body, body.width.saturating_sub(4).min(100), body.height);
    let inner = popup(t, " Help (Esc closes, arrows scroll) ", r, buf);
    let lines = lines(inner.width);
    let max = (lines.len() as u16).saturating_sub(inner.height);
    Paragraph::new(lines).scroll((scroll.min(max), 0)).render(inner, buf);
}
