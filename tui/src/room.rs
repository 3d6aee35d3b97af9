//! The room display (`ttx join ADDR --observer`): a read-only screen for a projector. The
//! clock in large digits, the module, the narrative of the inject that fired last (or, at a
//! module break, the module's discussion questions), the map and the sharing panel. It lays
//! out at 80x24 and grows with the terminal.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use ttx_engine::view::RoomView;

use crate::chrome::panel;
use crate::text::truncate;
use crate::theme::Theme;
use crate::widgets::sharing::measures;
use crate::widgets::{SharingPanel, UsMap};

/// Rows of the large clock.
const BIG_ROWS: usize = 3;

/// A character in large type: three rows of the same width (characters without a glyph are
/// written plainly in the middle row).
fn glyph(c: char) -> [&'static str; BIG_ROWS] {
    match c {
        '0' => ["█▀█", "█ █", "▀▀▀"],
        '1' => [" ▀█", "  █", "  ▀"],
        '2' => ["▀▀█", "█▀▀", "▀▀▀"],
        '3' => ["▀▀█", " ▀█", "▀▀▀"],
        '4' => ["█ █", "▀▀█", "  ▀"],
        '5' => ["█▀▀", "▀▀█", "▀▀▀"],
        '6' => ["█▀▀", "█▀█", "▀▀▀"],
        '7' => ["▀▀█", "  █", "  ▀"],
        '8' => ["█▀█", "█▀█", "▀▀▀"],
        '9' => ["█▀█", "▀▀█", "▀▀▀"],
        ':' => [" ", "▀", "▀"],
        'E' => ["█▀▀", "█▀ ", "▀▀▀"],
        'd' => ["  █", "█▀█", "▀▀▀"],
        '+' => ["   ", "▄█▄", " ▀ "],
        '-' => ["   ", "▀▀▀", "   "],
        ' ' => [" ", " ", " "],
        _ => ["?", "?", "?"],
    }
}

/// Text in large type, a space between characters: three lines.
pub fn big_text(text: &str) -> [String; BIG_ROWS] {
    let mut rows: [String; BIG_ROWS] = Default::default();
    for (i, c) in text.chars().enumerate() {
        let g = glyph(c);
        for (row, part) in rows.iter_mut().zip(g) {
            if i > 0 {
                row.push(' ');
            }
            row.push_str(part);
        }
    }
    rows
}

/// Draws the room display of `v` over `area`.
pub fn draw(v: &RoomView, theme: Theme, area: Rect, buf: &mut Buffer) {
    let t = theme;
    let [head, body, foot] =
        Layout::vertical([Constraint::Length(5), Constraint::Min(6), Constraint::Length(8)]).areas(area);
    draw_head(v, t, head, buf);
    let map_w = if body.width >= 120 { body.width / 2 } else { 40.min(body.width / 2) };
    let [story, map] = Layout::horizontal([Constraint::Min(20), Constraint::Length(map_w)]).areas(body);
    draw_story(v, t, story, buf);
    let block = panel(t, " Map ".into(), false);
    let inner = block.inner(map);
    block.render(map, buf);
    UsMap::new(&v.states, t).legend(inner.height > 8).render(inner, buf);
    let block = panel(t, " Information sharing ".into(), false);
    let inner = block.inner(foot);
    block.render(foot, buf);
    SharingPanel::new(&measures(&v.series, Some(&v.metrics)), t).render(inner, buf);
}

/// The clock in large digits, and beside it the scenario, module and whether the clock runs.
fn draw_head(v: &RoomView, t: Theme, area: Rect, buf: &mut Buffer) {
    let big = big_text(&v.time.to_string());
    let big_w = big[0].chars().count() as u16 + 2;
    let [clock, info] = Layout::horizontal([Constraint::Length(big_w), Constraint::Min(10)]).areas(area);
    for (i, row) in big.iter().enumerate() {
        buf.set_stringn(clock.x + 1, clock.y + 1 + i as u16, row, usize::from(clock.width), t.title());
    }
    let w = usize::from(info.width);
    let state = if v.finished {
        "ENDED"
    } else if v.discussion.is_some() {
        "DISCUSSION"
    } else if v.paused {
        "PAUSED"
    } else {
        "RUNNING"
    };
    let module = match &v.module {
        Some(m) => format!("Module {}/{}: {}", m.index + 1, m.count, m.title),
        None => "Before the first module".to_string(),
    };
    let lines = vec![
        Line::styled(truncate(&v.scenario, w), t.title()),
        Line::styled(truncate(&module, w), t.text()),
        Line::from(vec![
            Span::styled(state, if v.paused || v.finished { t.warn() } else { t.good() }),
            Span::styled(truncate(&format!("   ends {}", v.end), w.saturating_sub(state.len())), t.dim()),
        ]),
    ];
    Paragraph::new(lines).render(Rect { y: info.y + 1, height: info.height.saturating_sub(1), ..info }, buf);
}

/// At a module break, its discussion questions; otherwise the inject that fired last.
fn draw_story(v: &RoomView, t: Theme, area: Rect, buf: &mut Buffer) {
    let (title, lines) = match (&v.discussion, &v.inject) {
        (Some(m), _) => {
            let mut lines = vec![Line::styled(format!("Discussion: {}", m.title), t.title())];
            for (i, q) in m.questions.iter().enumerate() {
                lines.push(Line::raw(""));
                lines.push(Line::styled(format!("{}. {q}", i + 1), t.text()));
            }
            (" Discussion questions ", lines)
        }
        (None, Some((at, inject_title, text))) => (
            " Latest inject ",
            vec![
                Line::styled(format!("{at}  {inject_title}"), t.title()),
                Line::raw(""),
                Line::styled(text.clone(), t.text()),
            ],
        ),
        (None, None) => (" Latest inject ", vec![Line::styled("No inject has fired yet.", t.dim())]),
    };
    let block = panel(t, title.into(), true);
    Paragraph::new(lines).block(block).wrap(Wrap { trim: true }).render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_type_has_three_rows_of_one_width() {
        let rows = big_text("E+3d 09:00");
        let w = rows[0].chars().count();
        assert!(rows.iter().all(|r| r.chars().count() == w), "{rows:?}");
        assert!(!rows.iter().any(|r| r.contains('?')));
    }
}
