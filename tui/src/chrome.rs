//! Pieces both consoles draw with: the screen's frame (header, body, hint bar), the header,
//! the too-small screen, panels, pop-up windows, the yes-or-no dialog, the hint bar (status or key
//! hints), the help window and its sections built from the key bindings, and the colour of a
//! status message.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use crate::keys::{Bindings, KeyAction, keys_label};
use crate::text::{fit, truncate, width, wrap};
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
pub fn hints<C: Copy + PartialEq, A: KeyAction>(
    t: Theme,
    bindings: Bindings<C, A>,
    contexts: &[C],
    max: u16,
) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for ctx in contexts {
        for b in bindings.iter().filter(|b| b.context == *ctx) {
            let Some(h) = b.hint else { continue };
            let all = keys_label(&b);
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

/// The smallest terminal either console draws in.
pub const MIN_WIDTH: u16 = 80;
/// The smallest terminal height.
pub const MIN_HEIGHT: u16 = 24;

/// Whether a screen is below the size the consoles draw in.
pub fn too_small_for(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// A screen's rows: the header line, the body, the hint bar.
pub fn frame(area: Rect) -> [Rect; 3] {
    Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1)]).areas(area)
}

/// What a console shows on a screen below the minimum size: `console` names it ("ttx
/// console"), `leave` is what q does there ("quit").
pub fn too_small(t: Theme, console: &str, leave: &str, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let text = format!(
        "The {console} needs a terminal of at least {MIN_WIDTH}x{MIN_HEIGHT}; this one is {}x{}. \
         Enlarge the window (the console redraws at once), or press q to {leave}.",
        area.width, area.height
    );
    Paragraph::new(text).style(t.warn()).wrap(Wrap { trim: true }).render(area, buf);
}

/// A yes-or-no window in the middle of `area`: its lines, then `y` to do `yes`, `n` or Esc to
/// stay.
pub fn confirm(
    t: Theme,
    title: &str,
    mut lines: Vec<Line<'static>>,
    yes: &str,
    area: Rect,
    buf: &mut Buffer,
) {
    lines.push(Line::from(vec![
        Span::styled("y", t.key()),
        Span::raw(format!(" {yes}   ")),
        Span::styled("n", t.key()),
        Span::raw("/"),
        Span::styled("Esc", t.key()),
        Span::raw(" stay"),
    ]));
    let w = lines.iter().map(|l| l.width() as u16).max().unwrap_or(20) + 4;
    let r = centered(area, w.max(30), lines.len() as u16 + 2);
    let inner = popup(t, title, r, buf);
    Paragraph::new(lines).wrap(Wrap { trim: false }).render(inner, buf);
}

/// The hint bar: the status message while there is one, else the keys of the contexts that
/// apply now.
pub fn status_or_hints<C: Copy + PartialEq, A: KeyAction>(
    t: Theme,
    status: Option<&Status>,
    bindings: Bindings<C, A>,
    contexts: &[C],
    area: Rect,
    buf: &mut Buffer,
) {
    if let Some(s) = status {
        put(buf, area.x, area.y, &format!(" {}", s.text), usize::from(area.width), level_style(t, s.level));
        return;
    }
    buf.set_line(area.x, area.y, &hints(t, bindings, contexts, area.width), area.width);
}

/// The top of a help screen at width `w`: its title and an introduction.
pub fn help_intro(t: Theme, title: &str, intro: &str, w: u16) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(title.to_string(), t.title())];
    out.extend(wrap(intro, usize::from(w)).into_iter().map(|l| Line::styled(l, t.dim())));
    out
}

/// One context's section of a help screen at width `w`: a blank line, its title, the keys of
/// each binding with what they do, and, where letters type text, what typing does.
pub fn help_section<C: Copy + PartialEq, A: KeyAction>(
    t: Theme,
    bindings: Bindings<C, A>,
    context: C,
    title: &str,
    typing: Option<&str>,
    w: u16,
) -> Vec<Line<'static>> {
    let desc_w = usize::from(w).saturating_sub(25).max(20);
    let mut out = vec![Line::raw(""), Line::styled(title.to_string(), t.title())];
    for b in bindings.iter().filter(|b| b.context == context) {
        for (i, d) in wrap(b.help, desc_w).into_iter().enumerate() {
            let k = if i == 0 { keys_label(&b) } else { String::new() };
            out.push(Line::from(vec![
                Span::styled(format!("  {} ", fit(&k, 22)), t.key()),
                Span::styled(d, t.text()),
            ]));
        }
    }
    if let Some(typing) = typing {
        out.push(Line::from(vec![
            Span::styled(format!("  {} ", fit("letters, digits", 22)), t.key()),
            Span::styled(typing.to_string(), t.text()),
        ]));
    }
    out
}

/// The left of a console's header: what the console is about.
pub struct Title<'a> {
    /// The parts, joined when they all fit.
    pub parts: &'a [&'a str],
    /// The same parts, the one that matters most first, for a narrow screen.
    pub short: &'a [&'a str],
    /// Written in bold.
    pub bold: bool,
}

/// A piece of the right of a console's header.
pub struct Segment {
    /// The text, with its separator and spaces.
    pub text: String,
    /// Written in bold.
    pub bold: bool,
}

impl Segment {
    /// Plain text.
    pub fn plain(text: String) -> Segment {
        Segment { text, bold: false }
    }

    /// Bold text.
    pub fn bold(text: String) -> Segment {
        Segment { text, bold: true }
    }
}

/// A console's header: the title on the left (cut to what room the right leaves), the
/// segments on the right (the clock and where the exercise stands).
pub fn header(t: Theme, title: &Title, right: &[Segment], area: Rect, buf: &mut Buffer) {
    let hs = t.header();
    let bold = hs.add_modifier(ratatui::style::Modifier::BOLD);
    buf.set_style(area, hs);
    let spans: Vec<Span> =
        right.iter().map(|s| Span::styled(s.text.as_str(), if s.bold { bold } else { hs })).collect();
    let right_w: usize = right.iter().map(|s| width(&s.text)).sum();
    let left_w = usize::from(area.width).saturating_sub(right_w + 1);
    let left = header_left(title.parts, title.short, left_w);
    put(buf, area.x, area.y, &left, left_w, if title.bold { bold } else { hs });
    let x = area.right().saturating_sub(right_w as u16);
    buf.set_line(x, area.y, &Line::from(spans), right_w as u16);
}

/// The left of a header: `parts` joined when they fit, else `short` (the same parts, the one
/// that matters most first) with the last one cut, or left out when only a stub of it would
/// show.
fn header_left(parts: &[&str], short: &[&str], w: usize) -> String {
    let full =
        format!(" {}", parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" | "));
    if width(&full) <= w {
        return full;
    }
    let mut out = String::new();
    for p in short.iter().filter(|p| !p.is_empty()) {
        let next = if out.is_empty() { format!(" {p}") } else { format!("{out} | {p}") };
        if width(&next) <= w {
            out = next;
            continue;
        }
        // Cut the part only when a useful piece of it shows (a dozen cells).
        if out.is_empty() || w.saturating_sub(width(&out) + 3) >= 12 {
            out = truncate(&next, w);
        }
        break;
    }
    out
}
