//! A team's inbox: the indicators and messages that reached it, newest first,
//! with who sent what, to whom, on which channel, and when.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use ttx_engine::view::InboxItem;

use crate::text::{truncate, width, wrap};
use crate::theme::Theme;

/// The line under a message's title: for an indicator, who received it and on which
/// channel, then the text.
pub fn detail_text(m: &InboxItem) -> String {
    let mut parts = Vec::new();
    if let Some(to) = &m.to {
        parts.push(format!("to {to}"));
    }
    if let Some(ch) = &m.channel {
        parts.push(format!("on {ch}"));
    }
    if parts.is_empty() { m.text.clone() } else { format!("{}: {}", parts.join(" "), m.text) }
}

/// The rows one message takes in the list at a width: its time and title, then up to
/// `max_rows - 1` rows of detail (cut with `…`).
pub fn item_rows(m: &InboxItem, theme: Theme, w: u16, max_rows: usize, selected: bool) -> Vec<Line<'static>> {
    let w = usize::from(w);
    let time = m.time.to_string();
    let mark = if selected { ">" } else { " " };
    let title_room = w.saturating_sub(width(&time) + 2);
    let title_style = if selected { theme.selected() } else { theme.text().add_modifier(Modifier::BOLD) };
    let mut rows = vec![Line::from(vec![
        Span::styled(mark.to_string(), title_style),
        Span::styled(time, if selected { theme.selected() } else { theme.dim() }),
        Span::raw(" "),
        Span::styled(truncate(&m.title, title_room), title_style),
    ])];
    let detail = detail_text(m);
    if max_rows > 1 && !detail.trim().is_empty() {
        let mut pieces = wrap(&detail, w.saturating_sub(3).max(8));
        if pieces.len() > max_rows - 1 {
            pieces.truncate(max_rows - 1);
            if let Some(last) = pieces.last_mut() {
                *last = truncate(&format!("{last}…"), w.saturating_sub(3));
                if !last.ends_with('…') {
                    last.push('…');
                }
            }
        }
        for p in pieces {
            rows.push(Line::from(vec![Span::raw("   "), Span::styled(p, theme.text())]));
        }
    }
    rows
}

/// Draws inbox items newest first, the selected one highlighted and kept in view.
/// Takes plain [`InboxItem`]s (oldest first, as a team view holds them).
#[derive(Clone, Debug)]
pub struct InboxList<'a> {
    items: &'a [InboxItem],
    selected: Option<usize>,
    rows_per_item: usize,
    theme: Theme,
}

impl<'a> InboxList<'a> {
    /// A list of these items.
    pub fn new(items: &'a [InboxItem], theme: Theme) -> Self {
        InboxList { items, selected: None, rows_per_item: 3, theme }
    }

    /// Highlights an item, counted from the newest (0).
    pub fn selected(mut self, from_newest: Option<usize>) -> Self {
        self.selected = from_newest;
        self
    }

    /// At most this many rows per item (the title and its detail).
    pub fn rows_per_item(mut self, n: usize) -> Self {
        self.rows_per_item = n.max(1);
        self
    }
}

impl Widget for InboxList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 || area.width == 0 {
            return;
        }
        if self.items.is_empty() {
            let msg = "Nothing has reached your team yet. Indicators shared with you, \
                       and the messages and news of the exercise, arrive here.";
            for (i, l) in wrap(msg, usize::from(area.width)).into_iter().enumerate() {
                if (i as u16) < area.height {
                    buf.set_string(area.x, area.y + i as u16, l, self.theme.dim());
                }
            }
            return;
        }
        let n = self.items.len();
        let sel = self.selected.map(|s| s.min(n - 1));
        let h = usize::from(area.height);
        // Every item takes a row at least: only the items within a screen of the
        // selection can show, so only those are laid out (an inbox can be long).
        let lo = sel.unwrap_or(0).saturating_sub(h);
        let hi = (sel.unwrap_or(0) + h + 1).min(n);
        let rows: Vec<Vec<Line>> = (lo..hi)
            .map(|i| {
                item_rows(&self.items[n - 1 - i], self.theme, area.width, self.rows_per_item, sel == Some(i))
            })
            .collect();
        // Start early enough that the selected item fits below.
        let mut first = sel.unwrap_or(0) - lo;
        let mut used = rows.get(first).map_or(0, Vec::len);
        while first > 0 && used + rows[first - 1].len() <= h {
            first -= 1;
            used += rows[first].len();
        }
        let mut y = area.y;
        for item in rows.iter().skip(first) {
            for row in item {
                if y >= area.bottom() {
                    return;
                }
                buf.set_line(area.x, y, row, area.width);
                y += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttx_engine::ETime;

    fn item(tick: u32, title: &str, from: Option<&str>) -> InboxItem {
        InboxItem {
            tick,
            time: ETime(-100 + i64::from(tick)),
            to: from.map(|_| "pa_state".to_string()),
            from: from.map(str::to_string),
            channel: from.map(|_| "local_to_state".to_string()),
            indicator: from.map(|_| 3),
            title: title.into(),
            text: "phishing activity (Spoofed-vendor phishing), stage initial access".into(),
        }
    }

    fn rows(buf: &Buffer, w: u16, h: u16) -> Vec<String> {
        (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect()).collect()
    }

    #[test]
    fn newest_first_with_sender_channel_and_time() {
        let items =
            vec![item(1, "News: first", None), item(2, "IND-0003 from Harbor County", Some("harbor"))];
        let area = Rect::new(0, 0, 50, 6);
        let mut buf = Buffer::empty(area);
        InboxList::new(&items, Theme::MONO).selected(Some(0)).render(area, &mut buf);
        let r = rows(&buf, 50, 6);
        assert!(r[0].starts_with(">E-5d 22:00 IND-0003 from Harbor County"), "{r:?}");
        assert!(r[1].contains("to pa_state on local_to_state: phishing"), "{r:?}");
        assert!(r.iter().any(|l| l.contains("News: first")), "{r:?}");
    }

    #[test]
    fn the_selected_item_stays_in_view() {
        let items: Vec<InboxItem> = (0..200).map(|i| item(i, &format!("message {i}"), None)).collect();
        let area = Rect::new(0, 0, 40, 6);
        for sel in [0, 1, 57, 199, 500] {
            let mut buf = Buffer::empty(area);
            InboxList::new(&items, Theme::MONO).selected(Some(sel)).render(area, &mut buf);
            let shown = 199 - sel.min(199);
            let r = rows(&buf, 40, 6);
            assert!(
                r.iter().any(|l| l.starts_with(">") && l.contains(&format!("message {shown}"))),
                "{sel}: {r:?}"
            );
        }
    }

    #[test]
    fn the_selection_counts_from_the_newest() {
        let items: Vec<InboxItem> = (0..20).map(|i| item(i, &format!("message {i}"), None)).collect();
        let area = Rect::new(0, 0, 40, 6);
        let mut buf = Buffer::empty(area);
        InboxList::new(&items, Theme::MONO).selected(Some(10)).render(area, &mut buf);
        let r = rows(&buf, 40, 6);
        assert!(r.iter().any(|l| l.starts_with(">") && l.contains("message 9")), "{r:?}");
    }
}
