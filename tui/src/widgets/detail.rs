//! A state's jurisdictions and their assets, shown when a state is selected on the map.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use ttx_engine::metrics::thousands;
use ttx_engine::view::{AssetView, JurisdictionView, StateDetail};

use crate::text::{fit, truncate};
use crate::theme::{Theme, status_marker};

/// Draws a [`StateDetail`]: the state election office, then each local jurisdiction
/// (worst first) with its assets, status and security posture.
#[derive(Clone, Debug)]
pub struct StateDetailView<'a> {
    detail: &'a StateDetail,
    theme: Theme,
    scroll: u16,
}

impl<'a> StateDetailView<'a> {
    /// A view of one state's detail.
    pub fn new(detail: &'a StateDetail, theme: Theme) -> Self {
        StateDetailView { detail, theme, scroll: 0 }
    }

    /// Scrolls down by this many lines.
    pub fn scroll(mut self, lines: u16) -> Self {
        self.scroll = lines;
        self
    }

    /// Every line the view would draw at a width (for scrolling limits).
    pub fn lines(&self, width: u16) -> Vec<Line<'static>> {
        let d = self.detail;
        let mut out = vec![Line::from(vec![
            Span::styled(format!("{} ({})", d.name, d.postal), self.theme.title()),
            Span::styled(format!("  {} local jurisdictions", d.jurisdictions.len()), self.theme.dim()),
        ])];
        out.extend(jurisdiction_lines(&d.office, self.theme, width));
        for j in &d.jurisdictions {
            out.extend(jurisdiction_lines(j, self.theme, width));
        }
        out
    }
}

impl Widget for StateDetailView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let lines = self.lines(area.width);
        Paragraph::new(lines).scroll((self.scroll, 0)).render(area, buf);
    }
}

/// Lines for one jurisdiction: a heading, then one line per asset.
pub fn jurisdiction_lines(j: &JurisdictionView, theme: Theme, width: u16) -> Vec<Line<'static>> {
    let w = usize::from(width);
    let mut tail = format!(" ({})", j.id);
    if j.voters > 0 {
        tail.push_str(&format!("  {} voters", thousands(i64::try_from(j.voters).unwrap_or(i64::MAX))));
    }
    if j.isac_member {
        tail.push_str("  EI-ISAC");
    }
    let name = truncate(&j.name, w.saturating_sub(crate::text::width(&tail)).max(12));
    let head =
        vec![Span::styled(name, theme.text().add_modifier(Modifier::BOLD)), Span::styled(tail, theme.dim())];
    let mut out = vec![Line::from(head)];
    for a in &j.assets {
        out.push(asset_line(a, theme, width));
    }
    out
}

/// One asset: its short id, kind, status with marker, and (when wide enough) posture.
pub fn asset_line(a: &AssetView, theme: Theme, width: u16) -> Line<'static> {
    let w = usize::from(width);
    let short = a.id.rsplit('/').next().unwrap_or(&a.id).to_string();
    let mut status = format!("{}{}", status_marker(a.status), a.status.label());
    if a.paper_mode {
        status.push_str(" paper");
    }
    let mut spans = vec![
        Span::raw("  "),
        Span::raw(fit(&short, 10)),
        Span::raw(" "),
        Span::styled(fit(&status, 13), theme.status_text(a.status)),
    ];
    let used = 2 + 10 + 1 + 13;
    if w > used + 20 {
        spans.push(Span::raw(" "));
        let kind = a.kind.label();
        let kind_w = 28.min(w - used - 1);
        spans.push(Span::styled(fit(kind, kind_w), theme.dim()));
        let rest = w.saturating_sub(used + 1 + kind_w + 1);
        if rest > 10 {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(truncate(&a.posture.summary(), rest), theme.dim()));
        }
    }
    if let Some(t) = a.onsite_until {
        spans.push(Span::styled(format!(" on-site team until {t}"), theme.good()));
    }
    Line::from(spans)
}
