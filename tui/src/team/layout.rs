//! Where the team console's panels go on a screen of a given size. Both the state (how far
//! the team panel scrolls) and the drawing use it.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::chrome::{frame, too_small_for};

/// Where the panels of the main screen go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    /// The map (1).
    pub map: Rect,
    /// The team panel (4).
    pub team: Rect,
    /// Public confidence, EO 13848 and results (large screens only).
    pub public: Option<Rect>,
    /// The inbox (2).
    pub inbox: Rect,
    /// The log (3).
    pub log: Rect,
}

/// The panels' places on a screen of this size (header and hint bar included), or none
/// below the minimum size.
pub fn areas(screen: Rect) -> Option<Areas> {
    if too_small_for(screen) {
        return None;
    }
    let [_, area, _] = frame(screen);
    let large = area.width >= 120 && area.height >= 32;
    // Map tiles two rows high (with the legend) need 19 rows; otherwise one row each.
    let top_h = if area.height >= 38 { 19 } else { 11 };
    let [top, bottom] = Layout::vertical([Constraint::Length(top_h), Constraint::Fill(1)]).areas(area);
    let map_w = match (large, area.width) {
        (true, w) if w >= 190 => 79,
        (true, w) if w >= 150 => 57,
        (true, _) => 46,
        (false, w) => (w * 44 / 100).clamp(35, 79),
    };
    let [inbox, log] = Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(bottom);
    Some(if large {
        let [map, team, public] = Layout::horizontal([
            Constraint::Length(map_w),
            Constraint::Fill(1),
            Constraint::Length((area.width * 30 / 100).max(46)),
        ])
        .areas(top);
        Areas { map, team, public: Some(public), inbox, log }
    } else {
        let [map, team] = Layout::horizontal([Constraint::Length(map_w), Constraint::Fill(1)]).areas(top);
        Areas { map, team, public: None, inbox, log }
    })
}
