//! The team panel (4): what it lists (the console's commands, the indicators held, the
//! team's actors and assets), the lines each entry takes, and how far it scrolls on a screen
//! of a given size. The state keeps its scroll within that limit; the drawing shows the lines.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ttx_engine::view::{ActorView, AssetView, IndicatorView, TeamView};

use super::layout::areas;
use super::{Request, TeamConsole};
use crate::chrome::level_style;
use crate::text::{truncate, width, wrap};
use crate::theme::Theme;
use crate::widgets::detail::asset_line;

/// One entry of the team panel.
#[derive(Clone, Debug)]
pub enum PanelEntry<'a> {
    /// A section heading.
    Heading(String),
    /// A note in a section (nothing to show yet).
    Note(String),
    /// A command this console sent.
    Request(&'a Request),
    /// An indicator the team holds.
    Indicator(&'a IndicatorView),
    /// One of the team's actors.
    Actor(&'a ActorView),
    /// One of its assets.
    Asset(&'a AssetView),
}

impl TeamConsole {
    pub(super) fn panel_max_scroll(&self) -> usize {
        match self.screen {
            Some(r) => max_scroll(self, r),
            None => self.panel_entries().len().saturating_sub(1),
        }
    }

    /// What the team panel (4) lists, top to bottom: this console's commands (newest
    /// first), the indicators the team holds, then its actors and their assets.
    pub fn panel_entries(&self) -> Vec<PanelEntry<'_>> {
        let mut v = vec![PanelEntry::Heading("Your commands (newest first)".into())];
        if self.requests.is_empty() {
            v.push(PanelEntry::Note("none yet: c opens the command palette".into()));
        }
        v.extend(self.requests.iter().rev().map(PanelEntry::Request));
        v.push(PanelEntry::Heading(format!("Indicators held ({})", self.view.indicators.len())));
        if self.view.indicators.is_empty() {
            v.push(PanelEntry::Note("none yet".into()));
        }
        v.extend(self.view.indicators.iter().rev().map(PanelEntry::Indicator));
        v.push(PanelEntry::Heading("Your actors and their assets, as you know them".into()));
        for a in &self.view.actors {
            v.push(PanelEntry::Actor(a));
            v.extend(a.assets.iter().map(PanelEntry::Asset));
        }
        v
    }
}

/// The team panel's inside, and the rows its public lines take on small screens.
pub(crate) fn team_inner(team: Rect, pinned: bool) -> (Rect, u16) {
    let inner = Block::bordered().inner(team);
    (inner, if pinned { 2.min(inner.height) } else { 0 })
}

/// The most entries the team panel (4) can usefully be scrolled on a screen of this size:
/// from there on its last entries fill it.
pub fn max_scroll(c: &TeamConsole, screen: Rect) -> usize {
    let entries = c.panel_entries();
    let Some(a) = areas(screen) else { return entries.len().saturating_sub(1) };
    let (inner, pinned) = team_inner(a.team, a.public.is_none());
    let room = usize::from(inner.height - pinned);
    let (v, t, clock) = (c.view(), c.theme(), c.clock());
    let mut used = 0;
    for (i, e) in entries.iter().enumerate().rev() {
        used += entry_lines(e, v, t, clock, inner.width).len();
        if used >= room {
            return if used == room { i } else { i + 1 }.min(entries.len().saturating_sub(1));
        }
    }
    0
}

/// The lines one entry of the team panel takes at width `w`.
pub(crate) fn entry_lines(
    e: &PanelEntry,
    v: &TeamView,
    t: Theme,
    clock: ttx_engine::time::Clock,
    w: u16,
) -> Vec<Line<'static>> {
    let wu = usize::from(w);
    match e {
        PanelEntry::Heading(h) => vec![Line::styled(truncate(h, wu), t.title())],
        PanelEntry::Note(n) => vec![Line::styled(truncate(&format!("  {n}"), wu), t.dim())],
        PanelEntry::Request(r) => {
            // The command in plain text, then what became of it in its colour.
            let (verdict, level) = r.verdict(&v.outcomes, clock);
            let mut out: Vec<Line> = wrap(&format!("{} {}", r.at, r.command.summary()), wu.saturating_sub(2))
                .into_iter()
                .map(|l| Line::from(vec![Span::raw("  "), Span::styled(l, t.text())]))
                .collect();
            out.extend(
                wrap(&verdict, wu.saturating_sub(4))
                    .into_iter()
                    .map(|l| Line::from(vec![Span::raw("    "), Span::styled(l, level_style(t, level))])),
            );
            out
        }
        PanelEntry::Indicator(i) => {
            let text = format!(
                "IND-{:04} {} ({}), stage {}; held by {} since {}",
                i.number,
                i.technique,
                i.activity,
                i.stage,
                i.held_by.join(", "),
                i.arrived
            );
            wrap(&text, wu.saturating_sub(4))
                .into_iter()
                .enumerate()
                .map(|(k, l)| {
                    let indent = if k == 0 { "  " } else { "    " };
                    Line::from(vec![Span::raw(indent), Span::styled(l, t.text())])
                })
                .collect()
        }
        PanelEntry::Actor(a) => {
            let mut tail = format!(" ({})", a.id);
            if a.isac_member {
                tail.push_str("  EI-ISAC");
            }
            let name = truncate(&a.name, wu.saturating_sub(width(&tail)).max(12));
            vec![Line::from(vec![
                Span::styled(name, t.text().add_modifier(Modifier::BOLD)),
                Span::styled(tail, t.dim()),
            ])]
        }
        PanelEntry::Asset(a) => vec![asset_line(a, t, w)],
    }
}
