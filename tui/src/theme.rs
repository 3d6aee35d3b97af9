//! Colours and markers, with a monochrome variant for `NO_COLOR`.
//!
//! Every status also has a marker character, so the map reads the same
//! without colour (NO_COLOR, a projector that washes colours out, or a
//! colour-blind facilitator).

use ratatui::style::{Color, Modifier, Style};
use ttx_engine::Severity;
use ttx_engine::model::StatusKind;

/// How the console draws: in colour, or in plain text with markers and emphasis only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Whether to use colour.
    pub color: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::COLOR
    }
}

impl Theme {
    /// In colour.
    pub const COLOR: Theme = Theme { color: true };
    /// Without colour (the `NO_COLOR` convention).
    pub const MONO: Theme = Theme { color: false };

    /// Colour unless `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
    pub fn from_env() -> Theme {
        Theme::from_no_color(std::env::var_os("NO_COLOR").as_deref())
    }

    /// The theme for a given value of `NO_COLOR`.
    pub fn from_no_color(value: Option<&std::ffi::OsStr>) -> Theme {
        match value {
            Some(v) if !v.is_empty() => Theme::MONO,
            _ => Theme::COLOR,
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }

    /// Plain text.
    pub fn text(&self) -> Style {
        Style::new()
    }

    /// Secondary text (timestamps, finished items).
    pub fn dim(&self) -> Style {
        if self.color { Style::new().fg(Color::DarkGray) } else { Style::new().add_modifier(Modifier::DIM) }
    }

    /// Panel titles and headings.
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The border of the focused panel.
    pub fn focus_border(&self) -> Style {
        if self.color { Style::new().fg(Color::Cyan) } else { Style::new().add_modifier(Modifier::BOLD) }
    }

    /// The border of other panels.
    pub fn border(&self) -> Style {
        self.dim()
    }

    /// The selected row or tile.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// Keys in hints and help.
    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// Good news.
    pub fn good(&self) -> Style {
        self.fg(Color::Green)
    }

    /// Something to watch.
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// An error or a refusal.
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// The header bar.
    pub fn header(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// A map tile for a status.
    pub fn status_tile(&self, s: StatusKind) -> Style {
        if !self.color {
            return match s {
                StatusKind::Compromised | StatusKind::Degraded | StatusKind::Offline => {
                    Style::new().add_modifier(Modifier::BOLD)
                }
                _ => Style::new(),
            };
        }
        let bg = status_color(s);
        Style::new().bg(bg).fg(Color::Black)
    }

    /// Text in a status's colour.
    pub fn status_text(&self, s: StatusKind) -> Style {
        match s {
            StatusKind::Nominal => self.text(),
            _ => self.fg(status_color(s)),
        }
    }

    /// Text for a severity.
    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Info => self.dim(),
            Severity::Notice => self.text(),
            Severity::Warning => self.warn(),
            Severity::Critical => self.error(),
        }
    }
}

/// The colour of a status on the map.
pub fn status_color(s: StatusKind) -> Color {
    match s {
        StatusKind::Nominal => Color::Green,
        StatusKind::Restored => Color::Cyan,
        StatusKind::Probed => Color::Yellow,
        StatusKind::Compromised => Color::Magenta,
        StatusKind::Degraded => Color::LightRed,
        StatusKind::Offline => Color::Red,
    }
}

/// The marker drawn beside a state's code, so status reads without colour.
pub fn status_marker(s: StatusKind) -> char {
    match s {
        StatusKind::Nominal => ' ',
        StatusKind::Restored => '+',
        StatusKind::Probed => '?',
        StatusKind::Compromised => '!',
        StatusKind::Degraded => '~',
        StatusKind::Offline => 'x',
    }
}

/// A four-letter severity tag for log lines.
pub fn severity_tag(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Notice => "note",
        Severity::Warning => "WARN",
        Severity::Critical => "CRIT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn no_color_means_any_non_empty_value() {
        assert_eq!(Theme::from_no_color(None), Theme::COLOR);
        assert_eq!(Theme::from_no_color(Some(OsStr::new(""))), Theme::COLOR);
        assert_eq!(Theme::from_no_color(Some(OsStr::new("1"))), Theme::MONO);
    }

    #[test]
    fn monochrome_styles_carry_no_colour() {
        let t = Theme::MONO;
        for s in StatusKind::ALL {
            assert_eq!(t.status_tile(s).fg, None);
            assert_eq!(t.status_tile(s).bg, None);
            assert_eq!(t.status_text(s).fg, None);
        }
        for s in Severity::ALL {
            assert_eq!(t.severity(s).fg, None);
        }
        assert_eq!(t.header().bg, None);
    }

    #[test]
    fn every_status_but_nominal_has_a_visible_marker() {
        let markers: Vec<char> = StatusKind::ALL.iter().map(|s| status_marker(*s)).collect();
        assert_eq!(markers.iter().filter(|c| **c != ' ').count(), 5);
        let mut dedup = markers.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), markers.len(), "markers are distinct");
    }
}
