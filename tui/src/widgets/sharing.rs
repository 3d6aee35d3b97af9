//! The information-sharing panel: the measures that say whether warnings
//! travel faster than the adversary, each with a sparkline over time.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Sparkline, Widget};
use ttx_engine::{Metrics, SeriesPoint};

use crate::text::fit;
use crate::theme::Theme;

/// One measure on the panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    /// Long label.
    pub label: &'static str,
    /// Short label for narrow panels.
    pub short: &'static str,
    /// Its value now, in words.
    pub value: String,
    /// Its history, one value per series point (none while undefined).
    pub history: Vec<Option<f64>>,
    /// Draw the sparkline from the lowest value seen rather than from zero.
    pub from_min: bool,
}

fn hours(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |v| format!("{v:.0} h"))
}

/// The measures from a metric series and, when known, the full metrics now.
///
/// A team console that has only public confidence passes its own series; the
/// facilitator passes the engine's series and metrics.
pub fn measures(series: &[SeriesPoint], now: Option<&Metrics>) -> Vec<Measure> {
    let last = series.last();
    let col = |f: &dyn Fn(&SeriesPoint) -> Option<f64>| series.iter().map(f).collect::<Vec<_>>();
    let warned = match now {
        Some(m) => match m.warned_before_targeted {
            Some(w) => format!("{:.0}% ({}/{})", w * 100.0, m.warned_jurisdictions, m.targeted_jurisdictions),
            None => "-".to_string(),
        },
        None => last
            .and_then(|p| p.warned_before_targeted)
            .map_or("-".to_string(), |w| format!("{:.0}%", w * 100.0)),
    };
    let reach = match now {
        Some(m) => match (m.alert_reach_h_p50, m.alert_reach_h_p90) {
            (Some(a), Some(b)) => format!("{a:.0} / {b:.0} h"),
            _ => "-".to_string(),
        },
        None => hours(last.and_then(|p| p.alert_reach_h_p50)),
    };
    let blocked = match now {
        Some(m) => format!("{} of {}", m.blocked_by_shared_indicator, m.intrusions_blocked),
        None => last.map_or("-".to_string(), |p| p.blocked_by_shared_indicator.to_string()),
    };
    let dwell = match now {
        // Dwell is censored data: while fewer than half of the intruders are found the median
        // is not known yet, and the panel says how many are still unseen instead.
        Some(m) => match (m.dwell_time_h_p50, m.dwell_time_h_p90) {
            (Some(a), Some(b)) => format!("{a:.0} / {b:.0} h"),
            (Some(a), None) => format!("{a:.0} h / open"),
            (None, _) if m.dwell_censored > 0 => {
                format!("{} of {} unseen", m.dwell_censored, m.intrusions_succeeded)
            }
            (None, _) => "-".to_string(),
        },
        None => hours(last.and_then(|p| p.dwell_time_h_p50)),
    };
    let confidence = match now {
        Some(m) => format!("{:.1} low {:.1}", m.confidence, m.confidence_min),
        None => last.map_or("-".to_string(), |p| format!("{:.1}", p.confidence)),
    };
    vec![
        Measure {
            label: "warned before targeted",
            short: "warned first",
            value: warned,
            history: col(&|p| p.warned_before_targeted.map(|w| w * 100.0)),
            from_min: false,
        },
        Measure {
            label: "time to share (p50)",
            short: "time to share",
            value: hours(
                now.map_or_else(|| last.and_then(|p| p.time_to_share_h_p50), |m| m.time_to_share_h_p50),
            ),
            history: col(&|p| p.time_to_share_h_p50),
            from_min: false,
        },
        Measure {
            label: "alert reach (p50/p90)",
            short: "alert reach",
            value: reach,
            history: col(&|p| p.alert_reach_h_p50),
            from_min: false,
        },
        Measure {
            label: "blocked by shared indicator",
            short: "blocked/shared",
            value: blocked,
            history: col(&|p| Some(p.blocked_by_shared_indicator as f64)),
            from_min: false,
        },
        Measure {
            label: "dwell time (p50/p90)",
            short: "dwell time",
            value: dwell,
            history: col(&|p| p.dwell_time_h_p50),
            from_min: false,
        },
        Measure {
            label: "public confidence",
            short: "confidence",
            value: confidence,
            history: col(&|p| Some(p.confidence)),
            from_min: true,
        },
    ]
}

/// Compresses a history into `n` bars (the last value of each stretch of time),
/// scaled to 1..=100 (0 and none stay empty).
pub fn bars(history: &[Option<f64>], n: usize, from_min: bool) -> Vec<Option<u64>> {
    if n == 0 || history.is_empty() {
        return vec![];
    }
    let picked: Vec<Option<f64>> = if history.len() <= n {
        history.to_vec()
    } else {
        (0..n).map(|i| history[((i + 1) * history.len()).div_ceil(n) - 1]).collect()
    };
    let vals = picked.iter().flatten().copied();
    let hi = vals.clone().fold(f64::MIN, f64::max);
    let lo = if from_min { vals.fold(f64::MAX, f64::min) } else { 0.0 };
    picked
        .into_iter()
        .map(|v| {
            v.map(|v| {
                if hi <= lo {
                    if hi > 0.0 { 50 } else { 0 }
                } else {
                    // Keep the lowest point visible when drawing from the minimum.
                    let floor = if from_min { 5.0 } else { 0.0 };
                    (floor + (v - lo) / (hi - lo) * (100.0 - floor)).round() as u64
                }
            })
        })
        .collect()
}

/// Draws the measures, one per row: label, value now, sparkline over time.
#[derive(Clone, Debug)]
pub struct SharingPanel<'a> {
    measures: &'a [Measure],
    theme: Theme,
}

impl<'a> SharingPanel<'a> {
    /// A panel of these measures (see [`measures`]).
    pub fn new(measures: &'a [Measure], theme: Theme) -> Self {
        SharingPanel { measures, theme }
    }
}

impl Widget for SharingPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let n = self.measures.len() as u16;
        if n == 0 || area.height == 0 {
            return;
        }
        let row_h = (area.height / n).clamp(1, 3);
        let long = area.width >= 70;
        let label_w: usize = if long { 28 } else { 15 };
        let value_w: usize = if long { 18 } else { 14 };
        let spark_x = area.x + (label_w + value_w + 1) as u16;
        let spark_w = area.right().saturating_sub(spark_x);
        for (i, m) in self.measures.iter().enumerate() {
            let y = area.y + i as u16 * row_h;
            if y >= area.bottom() {
                break;
            }
            let label = if long { m.label } else { m.short };
            let line = Line::from(vec![
                Span::styled(fit(label, label_w), self.theme.text()),
                Span::styled(fit(&m.value, value_w), self.theme.title()),
            ]);
            buf.set_line(area.x, y, &line, area.width);
            if spark_w > 2 {
                let h = row_h.min(area.bottom() - y);
                let data = bars(&m.history, usize::from(spark_w), m.from_min);
                let spark_style = if self.theme.color { self.theme.good() } else { self.theme.text() };
                Sparkline::default()
                    .data(data)
                    .max(100)
                    .style(spark_style)
                    .render(Rect::new(spark_x, y, spark_w, h), buf);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_compress_history_to_width_keeping_the_latest() {
        let h: Vec<Option<f64>> = (0..10).map(|i| Some(f64::from(i))).collect();
        let b = bars(&h, 5, false);
        assert_eq!(b.len(), 5);
        assert_eq!(b.last(), Some(&Some(100)), "the newest value is the highest");
        let short = bars(&h[..3], 5, false);
        assert_eq!(short.len(), 3, "a short history is not stretched");
        assert_eq!(bars(&[None, Some(2.0)], 4, false), vec![None, Some(100)]);
    }

    #[test]
    fn confidence_is_drawn_from_its_lowest_point() {
        let h = vec![Some(59.0), Some(40.0), Some(50.0)];
        let b = bars(&h, 3, true);
        assert_eq!(b, vec![Some(100), Some(5), Some(55)]);
    }
}
