//! The US tile-grid map: one cell per state, laid out like the country,
//! coloured by each state's worst asset status.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use ttx_engine::data::{self, MAP_COLS, MAP_ROWS};
use ttx_engine::model::StatusKind;
use ttx_engine::view::StateView;

use crate::theme::{Theme, status_marker};

/// Draws the states of an exercise on the tile grid.
///
/// Takes plain [`StateView`]s (the facilitator's true picture, or a team's
/// picture as its actors know it), so the facilitator and team consoles share
/// it. States outside the exercise are drawn faintly for orientation.
#[derive(Clone, Debug)]
pub struct UsMap<'a> {
    states: &'a [StateView],
    selected: Option<&'a str>,
    theme: Theme,
    context: bool,
    legend: bool,
}

impl<'a> UsMap<'a> {
    /// A map of these states.
    pub fn new(states: &'a [StateView], theme: Theme) -> Self {
        UsMap { states, selected: None, theme, context: true, legend: true }
    }

    /// Highlights a state by postal code.
    pub fn selected(mut self, postal: Option<&'a str>) -> Self {
        self.selected = postal;
        self
    }

    /// Whether to draw the states outside the exercise faintly (default: yes).
    pub fn context(mut self, on: bool) -> Self {
        self.context = on;
        self
    }

    /// Whether to draw the legend under the grid when there is room (default: yes).
    pub fn legend(mut self, on: bool) -> Self {
        self.legend = on;
        self
    }

    /// Tile width and height for an area.
    fn tile_size(area: Rect) -> (u16, u16) {
        let tw = (area.width / u16::from(MAP_COLS)).clamp(3, 7);
        let rows = u16::from(MAP_ROWS);
        let th = if area.height > rows * 2 { 2 } else { 1 };
        (tw, th)
    }
}

/// The rows, columns and postal codes of every state on the reference grid.
fn all_tiles() -> impl Iterator<Item = (u8, u8, &'static str)> {
    data::states().iter().filter(|s| s.map_row > 0).map(|s| (s.map_row, s.map_col, s.postal.as_str()))
}

impl Widget for UsMap<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < 3 || area.height < 1 {
            return;
        }
        let (tw, th) = Self::tile_size(area);
        let grid_w = tw * u16::from(MAP_COLS);
        let x0 = area.x + area.width.saturating_sub(grid_w) / 2;
        let y0 = area.y;
        let cell = |row: u8, col: u8| -> Option<Rect> {
            let x = x0 + (u16::from(col) - 1) * tw;
            let y = y0 + (u16::from(row) - 1) * th;
            let r = Rect::new(x, y, tw, th);
            (r.right() <= area.right() && r.bottom() <= area.bottom()).then_some(r)
        };
        if self.context {
            for (row, col, postal) in all_tiles() {
                if self.states.iter().any(|s| s.postal == postal) {
                    continue;
                }
                if let Some(r) = cell(row, col) {
                    // Lower case: outside the exercise, there for orientation only.
                    let text = postal.to_lowercase();
                    let x = r.x + u16::from(tw >= 5);
                    buf.set_stringn(
                        x,
                        r.y + (r.height - 1) / 2,
                        text,
                        usize::from(r.width),
                        self.theme.dim(),
                    );
                }
            }
        }
        for s in self.states {
            if s.map_row == 0 || s.map_col == 0 {
                continue;
            }
            let Some(r) = cell(s.map_row, s.map_col) else { continue };
            let mut style = self.theme.status_tile(s.worst);
            if !self.theme.color {
                style = style.add_modifier(Modifier::UNDERLINED);
            }
            if self.selected == Some(s.postal.as_str()) {
                style = style.patch(self.theme.selected());
            }
            // The tile is filled, leaving a one-cell gap on the right when wide enough.
            let fill = if tw >= 5 { tw - 1 } else { tw };
            for dy in 0..r.height {
                buf.set_string(r.x, r.y + dy, " ".repeat(usize::from(fill)), style);
            }
            let label = format!("{}{}", s.postal, status_marker(s.worst));
            let lx = r.x + u16::from(tw >= 5);
            buf.set_stringn(lx, r.y, label, usize::from(fill), style);
            if r.height > 1 && s.worst != StatusKind::Nominal {
                // Second line: how many assets are in the worst status.
                let n = s.counts[s.worst as usize];
                buf.set_stringn(
                    lx,
                    r.y + 1,
                    format!("{}{n}", status_marker(s.worst)),
                    usize::from(fill),
                    style,
                );
            }
        }
        let used = u16::from(MAP_ROWS) * th;
        if self.legend && area.height > used {
            let mut line = legend(self.theme, area.width);
            // Tiles two rows high carry a count under the code: say what it counts.
            let note = "  ?2 = two assets";
            if th > 1 && line.width() + note.len() <= usize::from(area.width) {
                line.spans.push(Span::styled(note, self.theme.dim()));
            }
            buf.set_line(area.x, area.y + area.height - 1, &line, area.width);
        }
    }
}

/// The legend: each status's marker and colour, with full or short names to fit `width`.
pub fn legend(theme: Theme, width: u16) -> Line<'static> {
    let long = StatusKind::ALL.iter().map(|s| s.label().len() + 3).sum::<usize>();
    let short = |s: StatusKind| match s {
        StatusKind::Nominal => "ok",
        StatusKind::Restored => "rst",
        StatusKind::Probed => "prb",
        StatusKind::Compromised => "cmp",
        StatusKind::Degraded => "deg",
        StatusKind::Offline => "off",
    };
    let use_long = long <= usize::from(width);
    let mut spans = Vec::new();
    for s in StatusKind::ALL {
        let tile_style = if theme.color { theme.status_tile(s) } else { Style::new() };
        spans.push(Span::styled(status_marker(s).to_string(), tile_style));
        let name = if use_long { s.label() } else { short(s) };
        spans.push(Span::styled(format!("{name} "), theme.status_text(s)));
    }
    Line::from(spans)
}

/// The state first in reading order (top row, then leftmost): where a selection starts.
pub fn first_state(states: &[StateView]) -> usize {
    (0..states.len()).min_by_key(|&i| (states[i].map_row, states[i].map_col)).unwrap_or(0)
}

/// Moves a selection on the map: left/right in reading order, up/down to the nearest state
/// in the next row that has one. Returns the new index into `states`.
pub fn move_selection(states: &[StateView], current: usize, dx: i8, dy: i8) -> usize {
    if states.is_empty() {
        return 0;
    }
    let current = current.min(states.len() - 1);
    let mut order: Vec<usize> = (0..states.len()).collect();
    order.sort_by_key(|&i| (states[i].map_row, states[i].map_col));
    let pos = order.iter().position(|&i| i == current).unwrap_or(0);
    if dx != 0 {
        let next = (pos as i64 + i64::from(dx)).rem_euclid(order.len() as i64) as usize;
        return order[next];
    }
    if dy == 0 {
        return current;
    }
    let cur = &states[current];
    let candidates = states
        .iter()
        .enumerate()
        .filter(|(_, s)| if dy < 0 { s.map_row < cur.map_row } else { s.map_row > cur.map_row });
    candidates
        .min_by_key(|(_, s)| (s.map_row.abs_diff(cur.map_row), s.map_col.abs_diff(cur.map_col)))
        .map_or(current, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(postal: &str, row: u8, col: u8, worst: StatusKind) -> StateView {
        StateView {
            postal: postal.into(),
            name: postal.into(),
            map_row: row,
            map_col: col,
            worst,
            counts: [0; 6],
            jurisdictions: 0,
        }
    }

    #[test]
    fn selection_moves_in_reading_order_and_to_the_nearest_row() {
        // WI (row 2), PA (row 4), GA (row 7) on the real grid.
        let states = vec![
            state("GA", 7, 8, StatusKind::Nominal),
            state("PA", 4, 8, StatusKind::Nominal),
            state("WI", 2, 6, StatusKind::Nominal),
        ];
        assert_eq!(move_selection(&states, 2, 1, 0), 1, "WI -> PA");
        assert_eq!(move_selection(&states, 1, 1, 0), 0, "PA -> GA");
        assert_eq!(move_selection(&states, 0, 1, 0), 2, "GA wraps to WI");
        assert_eq!(move_selection(&states, 0, 0, -1), 1, "up from GA is PA");
        assert_eq!(move_selection(&states, 2, 0, -1), 2, "nothing above WI");
    }

    #[test]
    fn tiles_carry_colour_and_marker() {
        let states = vec![state("PA", 4, 8, StatusKind::Offline)];
        let area = Rect::new(0, 0, 33, 9);
        let mut buf = Buffer::empty(area);
        UsMap::new(&states, Theme::COLOR).render(area, &mut buf);
        let row: String = (0..33).map(|x| buf[(x, 3)].symbol().to_string()).collect();
        assert!(row.contains("PAx"), "{row:?}");
        let x = row.find("PAx").unwrap() as u16;
        assert_eq!(buf[(x, 3)].bg, crate::theme::status_color(StatusKind::Offline));
        // Context states are drawn too, e.g. NY beside PA.
        let all: String = (0..9)
            .flat_map(|y| (0..33).map(move |x| (x, y)))
            .map(|(x, y)| buf[(x, y)].symbol().to_string())
            .collect();
        assert!(all.contains("ny") && all.contains("ca"), "other states in lower case: {all}");
    }
}
