//! The event log: what happened, newest first, with clock, teams and severity.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use ttx_engine::Severity;
use ttx_engine::view::LogLine;

use crate::text::{truncate, width, wrap};
use crate::theme::{Theme, severity_tag};

/// Which log lines to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFilter {
    /// Only lines concerning this team (by id).
    pub team: Option<String>,
    /// Only lines at least this severe.
    pub min_severity: Severity,
}

impl Default for LogFilter {
    fn default() -> Self {
        LogFilter { team: None, min_severity: Severity::Info }
    }
}

impl LogFilter {
    /// Whether a line passes the filter.
    pub fn matches(&self, l: &LogLine) -> bool {
        l.severity >= self.min_severity && self.team.as_ref().is_none_or(|t| l.teams.iter().any(|x| x == t))
    }

    /// The filter in words, for a panel title.
    pub fn describe(&self) -> String {
        let team = self.team.as_deref().unwrap_or("all teams");
        if self.min_severity == Severity::Info {
            team.to_string()
        } else {
            format!("{team}, {}+", self.min_severity.label())
        }
    }

    /// The next team filter in a cycle: all, then each team in turn.
    pub fn cycle_team(&mut self, teams: &[String]) {
        self.team = match &self.team {
            None => teams.first().cloned(),
            Some(t) => teams.iter().position(|x| x == t).and_then(|i| teams.get(i + 1)).cloned(),
        };
    }

    /// The next severity threshold in a cycle: info, notice, warning, critical, info...
    pub fn cycle_severity(&mut self) {
        let i = Severity::ALL.iter().position(|s| *s == self.min_severity).unwrap_or(0);
        self.min_severity = Severity::ALL[(i + 1) % Severity::ALL.len()];
    }
}

/// Draws log lines newest first, wrapping long ones. Takes plain [`LogLine`]s,
/// so a team console can show its own part of the log with the same widget.
#[derive(Clone, Debug)]
pub struct EventLog<'a> {
    lines: &'a [LogLine],
    filter: &'a LogFilter,
    scroll: usize,
    theme: Theme,
}

impl<'a> EventLog<'a> {
    /// A log of these lines (oldest first, as the engine gives them).
    pub fn new(lines: &'a [LogLine], filter: &'a LogFilter, theme: Theme) -> Self {
        EventLog { lines, filter, scroll: 0, theme }
    }

    /// Skips this many of the newest matching lines.
    pub fn scroll(mut self, entries: usize) -> Self {
        self.scroll = entries;
        self
    }

    /// How many lines pass the filter.
    pub fn matching(&self) -> usize {
        self.lines.iter().filter(|l| self.filter.matches(l)).count()
    }
}

/// Splits a text into the words that fit in `room` cells and the rest (the first line of a
/// multi-line text ends the first row). A first word wider than `room` leaves the first row
/// empty: the text starts on the next.
fn first_row(text: &str, room: usize) -> (String, String) {
    let (line, after) = match text.split_once('\n') {
        Some((a, b)) => (a, Some(b)),
        None => (text, None),
    };
    let mut taken = String::new();
    let mut rest_at = line.len();
    let mut pos = 0;
    for word in line.split(' ') {
        let sep = usize::from(!taken.is_empty());
        if width(&taken) + sep + width(word) > room {
            rest_at = pos;
            break;
        }
        if sep == 1 {
            taken.push(' ');
        }
        taken.push_str(word);
        pos += word.len() + 1;
    }
    if taken.is_empty() && rest_at == 0 {
        // Not even the first word fits: the whole text starts on the next row.
        return (String::new(), text.to_string());
    }
    let mut rest = line.get(rest_at.min(line.len())..).unwrap_or("").trim_start().to_string();
    if let Some(a) = after {
        rest = if rest.is_empty() { a.to_string() } else { format!("{rest}\n{a}") };
    }
    (taken, rest)
}

/// The rows one log line takes at a width.
pub fn log_rows(l: &LogLine, theme: Theme, width_cells: u16) -> Vec<Line<'static>> {
    let w = usize::from(width_cells);
    let time = l.time.to_string();
    let tag = severity_tag(l.severity);
    let teams = if l.teams.is_empty() {
        String::new()
    } else {
        let max = if w >= 100 { 24 } else { 12 };
        format!("[{}] ", truncate(&l.teams.join(" "), max))
    };
    let prefix_w = width(&time) + 1 + width(tag) + 1;
    let indent = if w >= 70 { prefix_w } else { 2 };
    // The room truly left beside the time and teams (none: the text starts on the next row).
    let first_room = w.saturating_sub(prefix_w + width(&teams));
    // The first row takes the words that fit beside the time and teams, never a piece of a
    // word; the rest wraps at the continuation width.
    let (first, remainder) = first_row(&l.text, first_room);
    let pieces = [first];
    let tail = [remainder];
    let mut rows = Vec::new();
    let sev = theme.severity(l.severity);
    let mut rest: Vec<String> = Vec::new();
    if let Some(first) = pieces.first() {
        rows.push(Line::from(vec![
            Span::styled(time, theme.dim()),
            Span::raw(" "),
            Span::styled(tag, sev),
            Span::raw(" "),
            Span::styled(teams, theme.dim()),
            Span::styled(first.clone(), if l.severity >= Severity::Warning { sev } else { theme.text() }),
        ]));
        let joined = tail.join(" ");
        if !joined.is_empty() {
            rest = wrap(&joined, w.saturating_sub(indent).max(8));
        }
    }
    for r in rest {
        rows.push(Line::from(vec![
            Span::raw(" ".repeat(indent)),
            Span::styled(r, if l.severity >= Severity::Warning { sev } else { theme.text() }),
        ]));
    }
    rows
}

impl Widget for EventLog<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 || area.width == 0 {
            return;
        }
        let mut y = area.y;
        let mut any = false;
        for l in self.lines.iter().rev().filter(|l| self.filter.matches(l)).skip(self.scroll) {
            any = true;
            for row in log_rows(l, self.theme, area.width) {
                if y >= area.bottom() {
                    return;
                }
                buf.set_line(area.x, y, &row, area.width);
                y += 1;
            }
        }
        if !any {
            let msg = if self.lines.is_empty() {
                "Nothing has happened yet. Start the clock (Space) or step an hour (n).".to_string()
            } else if self.scroll > 0 {
                "No older lines.".to_string()
            } else {
                format!("No lines match the filter ({}).", self.filter.describe())
            };
            for (i, l) in wrap(&msg, usize::from(area.width)).into_iter().enumerate() {
                if area.y + (i as u16) < area.bottom() {
                    buf.set_string(area.x, area.y + i as u16, l, self.theme.dim());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttx_engine::ETime;

    fn line(i: usize, sev: Severity, teams: &[&str], text: &str) -> LogLine {
        LogLine {
            index: i,
            tick: i as u32,
            time: ETime(-100 + i as i64),
            severity: sev,
            teams: teams.iter().map(|s| s.to_string()).collect(),
            text: text.into(),
        }
    }

    #[test]
    fn filters_by_team_and_severity() {
        let mut f = LogFilter::default();
        let a = line(0, Severity::Info, &["pa"], "a");
        let b = line(1, Severity::Warning, &["ga"], "b");
        assert!(f.matches(&a) && f.matches(&b));
        f.cycle_team(&["pa".into(), "ga".into()]);
        assert_eq!(f.team.as_deref(), Some("pa"));
        assert!(f.matches(&a) && !f.matches(&b));
        f.cycle_team(&["pa".into(), "ga".into()]);
        f.cycle_team(&["pa".into(), "ga".into()]);
        assert_eq!(f.team, None, "cycles back to all teams");
        f.cycle_severity();
        f.cycle_severity();
        assert_eq!(f.min_severity, Severity::Warning);
        assert!(!f.matches(&a) && f.matches(&b));
        assert_eq!(f.describe(), "all teams, warning+");
    }

    #[test]
    fn words_are_never_cut_between_the_first_row_and_the_next() {
        let l = line(1, Severity::Info, &["pa", "ga", "wi"], "registration database queries look unusual");
        for w in [30u16, 34, 40, 52] {
            let text: Vec<String> = log_rows(&l, Theme::MONO, w)
                .iter()
                .map(|r| r.spans.iter().map(|s| s.content.to_string()).collect::<String>())
                .collect();
            let all = text.join(" ");
            for word in ["registration", "database", "queries", "unusual"] {
                assert!(all.contains(word), "width {w}: {word} was cut: {text:?}");
            }
        }
        assert_eq!(first_row("one two three", 7), ("one two".to_string(), "three".to_string()));
        assert_eq!(first_row("registration x", 5), (String::new(), "registration x".to_string()));
    }

    #[test]
    fn draws_newest_first_and_wraps() {
        let lines = vec![
            line(0, Severity::Info, &[], "first event"),
            line(1, Severity::Critical, &["pa"], "second event with a much longer text that wraps"),
        ];
        let f = LogFilter::default();
        let area = Rect::new(0, 0, 40, 4);
        let mut buf = Buffer::empty(area);
        EventLog::new(&lines, &f, Theme::MONO).render(area, &mut buf);
        let rows: Vec<String> =
            (0..4).map(|y| (0..40).map(|x| buf[(x, y)].symbol().to_string()).collect()).collect();
        assert!(rows[0].starts_with("E-5d 21:00 CRIT [pa] second"), "{rows:?}");
        assert!(rows[1].starts_with("  "), "continuation is indented: {rows:?}");
        assert!(rows.iter().any(|r| r.contains("first event")), "{rows:?}");
    }
}
