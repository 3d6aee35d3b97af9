//! The inject queue: the scripted injects with their times and state.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use ttx_engine::view::InjectView;

use crate::chrome::put;
use crate::text::{fit, truncate};
use crate::theme::Theme;

/// Whether an inject is still to come (not fired, not skipped).
pub fn is_upcoming(i: &InjectView) -> bool {
    !matches!(i.state.as_str(), "fired" | "skipped")
}

/// Queue order: upcoming injects by due time (conditional ones without a time last), then
/// the ones already fired or skipped, most recent first.
pub fn queue_order(injects: &[InjectView]) -> Vec<InjectView> {
    let mut up: Vec<InjectView> = injects.iter().filter(|i| is_upcoming(i)).cloned().collect();
    up.sort_by_key(|i| (i.due.is_none(), i.due));
    let mut done: Vec<InjectView> = injects.iter().filter(|i| !is_upcoming(i)).cloned().collect();
    done.sort_by_key(|i| std::cmp::Reverse(i.fired_at));
    up.extend(done);
    up
}

/// Draws injects one per row: when, state, title. Takes plain [`InjectView`]s in the
/// order to show; `marks` labels injects with an action waiting to apply (`→fire`).
#[derive(Clone, Debug)]
pub struct InjectQueue<'a> {
    injects: &'a [InjectView],
    selected: Option<usize>,
    marks: &'a [(String, String)],
    theme: Theme,
}

impl<'a> InjectQueue<'a> {
    /// A queue of these injects.
    pub fn new(injects: &'a [InjectView], theme: Theme) -> Self {
        InjectQueue { injects, selected: None, marks: &[], theme }
    }

    /// Highlights a row.
    pub fn selected(mut self, row: Option<usize>) -> Self {
        self.selected = row;
        self
    }

    /// Labels for injects with an action waiting: (inject id, label).
    pub fn marks(mut self, marks: &'a [(String, String)]) -> Self {
        self.marks = marks;
        self
    }
}

/// The state column for an inject.
pub fn state_label(i: &InjectView) -> &'static str {
    match i.state.as_str() {
        "held" => "HELD",
        "scheduled" => "soon",
        "fired" => "fired",
        "skipped" => "skip",
        _ => "",
    }
}

impl Widget for InjectQueue<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 {
            return;
        }
        if self.injects.is_empty() {
            put(buf, area.x, area.y, "No scripted injects.", usize::from(area.width), self.theme.dim());
            return;
        }
        let h = usize::from(area.height);
        let sel = self.selected.unwrap_or(0);
        let first = if sel >= h { sel + 1 - h } else { 0 };
        let w = usize::from(area.width);
        let rows: Vec<(usize, &InjectView)> = self.injects.iter().enumerate().skip(first).take(h).collect();
        let mark_of = |id: &str| self.marks.iter().find(|(x, _)| x == id).map(|(_, m)| m.as_str());
        // The state column is only as wide as the longest state shown.
        let state_w = rows
            .iter()
            .map(|(_, i)| crate::text::width(mark_of(&i.id).unwrap_or(state_label(i))))
            .max()
            .map_or(0, |m| if m > 0 { m + 1 } else { 0 });
        let when_of = |inj: &InjectView| match (&inj.fired_at, &inj.due) {
            (Some(t), _) => t.to_string(),
            (None, Some(t)) => t.to_string(),
            (None, None) if inj.trigger == "by hand" => "by hand".to_string(),
            (None, None) => "conditional".to_string(),
        };
        // The time column is as wide as the longest time shown, and a space: a three-digit
        // day (E-132d 10:00) never runs into the title.
        let when_w = rows.iter().map(|(_, i)| crate::text::width(&when_of(i))).max().unwrap_or(0) + 1;
        for (row, (i, inj)) in rows.into_iter().enumerate() {
            let y = area.y + row as u16;
            let when = when_of(inj);
            let mark = mark_of(&inj.id);
            let state = mark.unwrap_or(state_label(inj));
            let done = !is_upcoming(inj);
            let base = if done { self.theme.dim() } else { self.theme.text() };
            let state_style = match (mark, inj.state.as_str()) {
                (Some(_), _) => self.theme.key(),
                (None, "held") => self.theme.warn(),
                _ => base,
            };
            let is_sel = self.selected == Some(i);
            let title_w = w.saturating_sub(1 + when_w + state_w);
            let mut line = Line::from(vec![
                Span::raw(if is_sel { ">" } else { " " }),
                Span::styled(fit(&when, when_w), if done { self.theme.dim() } else { self.theme.title() }),
                Span::styled(fit(state, state_w), state_style),
                Span::styled(truncate(&inj.title, title_w), base),
            ]);
            if is_sel {
                line = line.patch_style(self.theme.selected());
                buf.set_string(area.x, y, " ".repeat(w), self.theme.selected());
            }
            buf.set_line(area.x, y, &line, area.width);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttx_engine::ETime;

    fn inj(id: &str, state: &str, due: Option<i64>, fired: Option<i64>) -> InjectView {
        InjectView {
            id: id.into(),
            title: format!("title {id}"),
            module: None,
            due: due.map(ETime),
            trigger: "at".into(),
            state: state.into(),
            fired_at: fired.map(ETime),
            teams: vec![],
            description: String::new(),
            expected_actions: vec![],
            per_team: vec![],
            attachments: vec![],
            cancel_if: None,
        }
    }

    #[test]
    fn upcoming_first_by_time_then_done_newest_first() {
        let v = vec![
            inj("a", "fired", Some(-50), Some(-50)),
            inj("b", "pending", Some(-10), None),
            inj("c", "pending", None, None),
            inj("d", "held", Some(-20), None),
            inj("e", "skipped", Some(-30), None),
            inj("f", "fired", Some(-40), Some(-40)),
        ];
        let ids: Vec<String> = queue_order(&v).into_iter().map(|i| i.id).collect();
        assert_eq!(ids, ["d", "b", "c", "f", "a", "e"]);
    }
}
