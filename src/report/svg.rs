//! Hand-written SVG charts of the reports: the exercise timeline, the indicator flows of a
//! campaign, a line chart over scenario time, and the forest plots (means of sweep points
//! with confidence intervals; effects of decisions around zero), in the palette of every
//! chart ([`ttx::palette`]).
//!
//! Output is plain SVG 1.1 text with no scripts, fonts or external
//! references, and the same input always gives the same bytes.

use std::fmt::Write as _;

use ttx::numfmt::signed;

use super::doc::esc;

/// The charts' palette (Okabe and Ito), the one the batch plots use.
pub use ttx::palette as colour;

const FONT: &str = "Segoe UI, Helvetica Neue, Arial, Liberation Sans, sans-serif";

/// An SVG drawing in progress.
pub struct Svg {
    w: f64,
    h: f64,
    body: String,
}

fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() { format!("{}", r as i64) } else { format!("{r:.1}") }
}

// Drawing primitives take their coordinates and style positionally, as SVG writes them.
#[allow(clippy::too_many_arguments)]
impl Svg {
    /// An empty drawing of this size (pixels).
    pub fn new(w: f64, h: f64) -> Svg {
        Svg { w, h, body: String::new() }
    }

    /// A rectangle.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, extra: &str) {
        let _ = writeln!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"{}{extra}/>",
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            if extra.is_empty() { "" } else { " " }
        );
    }

    /// A line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64, dash: Option<&str>) {
        let dash = dash.map(|d| format!(" stroke-dasharray=\"{d}\"")).unwrap_or_default();
        let _ = writeln!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"{}\"{dash}/>",
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            n(width)
        );
    }

    /// Text; `anchor` is start, middle or end.
    pub fn text(&mut self, x: f64, y: f64, s: &str, size: f64, anchor: &str, fill: &str, bold: bool) {
        let weight = if bold { " font-weight=\"bold\"" } else { "" };
        let _ = writeln!(
            self.body,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\" fill=\"{fill}\"{weight}>{}</text>",
            n(x),
            n(y),
            n(size),
            esc(s)
        );
    }

    /// A circle with an optional tooltip.
    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str, stroke: &str, title: Option<&str>) {
        let attrs =
            format!("cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\"", n(cx), n(cy), n(r));
        match title {
            Some(t) => {
                let _ = writeln!(self.body, "<circle {attrs}><title>{}</title></circle>", esc(t));
            }
            None => {
                let _ = writeln!(self.body, "<circle {attrs}/>");
            }
        }
    }

    /// A small mark (a rectangle `w` by `h` centred on x) with an optional tooltip.
    pub fn mark(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, title: Option<&str>) {
        let attrs = format!(
            "x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"",
            n(x - w / 2.0),
            n(y),
            n(w),
            n(h)
        );
        match title {
            Some(t) => {
                let _ = writeln!(self.body, "<rect {attrs}><title>{}</title></rect>", esc(t));
            }
            None => {
                let _ = writeln!(self.body, "<rect {attrs}/>");
            }
        }
    }

    /// A cross (for an intrusion attempt).
    pub fn cross(&mut self, x: f64, y: f64, r: f64, stroke: &str, title: Option<&str>) {
        let d = format!(
            "M{} {}L{} {}M{} {}L{} {}",
            n(x - r),
            n(y - r),
            n(x + r),
            n(y + r),
            n(x - r),
            n(y + r),
            n(x + r),
            n(y - r)
        );
        match title {
            Some(t) => {
                let _ = writeln!(
                    self.body,
                    "<path d=\"{d}\" stroke=\"{stroke}\" stroke-width=\"2\" fill=\"none\"><title>{}</title></path>",
                    esc(t)
                );
            }
            None => {
                let _ = writeln!(
                    self.body,
                    "<path d=\"{d}\" stroke=\"{stroke}\" stroke-width=\"2\" fill=\"none\"/>"
                );
            }
        }
    }

    /// A polyline through points.
    pub fn polyline(&mut self, pts: &[(f64, f64)], stroke: &str, width: f64) {
        if pts.is_empty() {
            return;
        }
        let p: Vec<String> = pts.iter().map(|(x, y)| format!("{},{}", n(*x), n(*y))).collect();
        let _ = writeln!(
            self.body,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{}\" stroke-linejoin=\"round\"/>",
            p.join(" "),
            n(width)
        );
    }

    /// The finished SVG document.
    pub fn finish(self, label: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" font-family=\"{FONT}\">\n<title>{}</title>\n<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n{}</svg>\n",
            esc(label),
            esc(label),
            self.body,
            w = n(self.w),
            h = n(self.h),
        )
    }
}

/// A marked time on a chart's axis.
#[derive(Clone, Debug)]
pub struct AxisTick {
    /// Tick (scenario hour).
    pub tick: u32,
    /// Label.
    pub label: String,
}

/// A shaded span (a module).
#[derive(Clone, Debug)]
pub struct Band {
    /// First tick.
    pub from: u32,
    /// Tick after the last.
    pub to: u32,
    /// Label.
    pub label: String,
}

/// A vertical marker line (Election Day, a deadline).
#[derive(Clone, Debug)]
pub struct Marker {
    /// Tick.
    pub tick: u32,
    /// Label.
    pub label: String,
    /// Colour.
    pub colour: &'static str,
}

/// One event on the timeline.
#[derive(Clone, Debug)]
pub struct TimelineMark {
    /// Row (team).
    pub row: usize,
    /// Category (lane within the row).
    pub category: usize,
    /// Tick.
    pub tick: u32,
    /// Tooltip.
    pub title: String,
}

/// The exercise timeline: one row per team, one lane per kind of event.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// Row labels.
    pub rows: Vec<String>,
    /// Categories: label and colour.
    pub categories: Vec<(String, &'static str)>,
    /// Events.
    pub marks: Vec<TimelineMark>,
    /// Modules.
    pub bands: Vec<Band>,
    /// Election Day and deadlines.
    pub markers: Vec<Marker>,
    /// Axis labels.
    pub axis: Vec<AxisTick>,
    /// First tick shown.
    pub t0: u32,
    /// Tick after the last shown.
    pub t1: u32,
}

/// Draws the timeline.
pub fn timeline(t: &Timeline, label: &str) -> String {
    let left = 190.0;
    let right = 20.0;
    let width = 1040.0;
    let plot_w = width - left - right;
    let lane = 6.0;
    let row_h = lane * t.categories.len() as f64 + 8.0;
    let top = 72.0;
    let height = top + row_h * t.rows.len() as f64 + 64.0;
    let span = f64::from(t.t1.saturating_sub(t.t0).max(1));
    let x = |tick: u32| left + plot_w * (f64::from(tick.saturating_sub(t.t0)).min(span)) / span;
    let mut s = Svg::new(width, height);
    let bottom = top + row_h * t.rows.len() as f64;

    // Modules as alternating bands, titled above the plot.
    for (i, b) in t.bands.iter().enumerate() {
        let (x0, x1) = (x(b.from), x(b.to));
        let fill = if i % 2 == 0 { "#e6eef6" } else { "#f7f9fb" };
        s.rect(x0, top - 16.0, x1 - x0, bottom - top + 16.0, fill, "");
        s.line(x0, top - 30.0, x0, bottom, "#9fb3c8", 1.0, None);
        // A title that does not fit its band goes on the row above, from the band's start.
        let fits = (x1 - x0) / 6.2 >= b.label.chars().count() as f64 + 1.0;
        let y = if fits { top - 4.0 } else { top - 20.0 };
        s.text(x0 + 4.0, y, &b.label, 11.0, "start", "#1f4e79", true);
    }
    // Rows.
    for (r, name) in t.rows.iter().enumerate() {
        let y = top + row_h * r as f64;
        s.line(left, y, width - right, y, "#d5dbe1", 1.0, None);
        s.text(left - 8.0, y + row_h / 2.0 + 4.0, &clip(name, 30), 12.0, "end", colour::INK, false);
    }
    s.line(left, bottom, width - right, bottom, "#d5dbe1", 1.0, None);
    // Axis.
    for a in &t.axis {
        let xx = x(a.tick);
        s.line(xx, bottom, xx, bottom + 5.0, colour::MUTED, 1.0, None);
        s.text(xx, bottom + 18.0, &a.label, 10.5, "middle", colour::MUTED, false);
    }
    for m in &t.markers {
        let xx = x(m.tick);
        s.line(xx, top - 16.0, xx, bottom, m.colour, 1.5, Some("4 3"));
        s.text(xx + 3.0, bottom + 32.0, &m.label, 10.5, "start", m.colour, true);
    }
    // Events.
    for m in &t.marks {
        let y = top + row_h * m.row as f64 + 4.0 + lane * m.category as f64;
        let colour = t.categories.get(m.category).map_or("#000", |c| c.1);
        s.mark(x(m.tick), y, 3.0, lane - 1.0, colour, Some(&m.title));
    }
    // Legend.
    let mut lx = left;
    for (name, colour) in &t.categories {
        s.rect(lx, 12.0, 10.0, 10.0, colour, "");
        s.text(lx + 14.0, 21.0, name, 12.0, "start", colour::INK, false);
        lx += 24.0 + 7.0 * name.len() as f64;
    }
    s.finish(label)
}

/// One actor's row in an indicator-flow chart.
#[derive(Clone, Debug)]
pub struct FlowRow {
    /// Actor name.
    pub label: String,
    /// For a targeted actor: whether it held a matching indicator before its first attempt.
    pub warned: Option<bool>,
}

/// An indicator reaching an actor.
#[derive(Clone, Debug)]
pub struct Arrival {
    /// Recipient row.
    pub row: usize,
    /// Tick it arrived (or was detected).
    pub tick: u32,
    /// Sender row and send tick, when it came from someone on the chart.
    pub from: Option<(usize, u32)>,
    /// Colour (by channel).
    pub colour: &'static str,
    /// Tooltip.
    pub title: String,
    /// Whether the actor found it itself.
    pub detected: bool,
}

/// How one campaign's indicators spread: rows are actors, arrows are hops.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Rows.
    pub rows: Vec<FlowRow>,
    /// First arrivals.
    pub arrivals: Vec<Arrival>,
    /// First access attempts: row, tick, tooltip.
    pub attempts: Vec<(usize, u32, String)>,
    /// Legend: channel label and colour.
    pub legend: Vec<(String, &'static str)>,
    /// Axis.
    pub axis: Vec<AxisTick>,
    /// First tick shown.
    pub t0: u32,
    /// Tick after the last shown.
    pub t1: u32,
}

/// Draws an indicator-flow chart.
pub fn flow(f: &Flow, label: &str) -> String {
    let left = 230.0;
    let right = 24.0;
    let width = 1040.0;
    let plot_w = width - left - right;
    let row_h = 14.0;
    let legend_rows = f.legend.len().div_ceil(5).max(1) as f64;
    let top = 20.0 + 18.0 * legend_rows + 10.0;
    let bottom = top + row_h * f.rows.len() as f64;
    let height = bottom + 34.0;
    let span = f64::from(f.t1.saturating_sub(f.t0).max(1));
    let x = |tick: u32| left + plot_w * (f64::from(tick.saturating_sub(f.t0)).min(span)) / span;
    let y = |row: usize| top + row_h * row as f64 + row_h / 2.0;
    let mut s = Svg::new(width, height);
    for (i, r) in f.rows.iter().enumerate() {
        if i % 2 == 0 {
            s.rect(left, top + row_h * i as f64, plot_w, row_h, "#f5f7f9", "");
        }
        let (mark, colour) = match r.warned {
            Some(true) => (" ✓", "#1b6e2d"),
            Some(false) => (" ✗", "#a61b1b"),
            None => ("", colour::INK),
        };
        s.text(left - 8.0, y(i) + 4.0, &format!("{}{mark}", clip(&r.label, 32)), 11.0, "end", colour, false);
    }
    for a in &f.axis {
        let xx = x(a.tick);
        s.line(xx, top, xx, bottom + 4.0, colour::GRIDLINE, 1.0, None);
        s.text(xx, bottom + 16.0, &a.label, 10.0, "middle", colour::MUTED, false);
    }
    // Hops first, so the dots sit on top.
    for a in &f.arrivals {
        if let Some((from, sent)) = a.from {
            s.line(x(sent), y(from), x(a.tick), y(a.row), a.colour, 1.2, None);
        }
    }
    for a in &f.arrivals {
        if a.detected {
            s.circle(x(a.tick), y(a.row), 4.5, colour::INK, colour::PAPER, Some(&a.title));
        } else {
            s.circle(x(a.tick), y(a.row), 3.5, a.colour, colour::INK, Some(&a.title));
        }
    }
    for (row, tick, title) in &f.attempts {
        s.cross(x(*tick), y(*row), 4.0, "#a61b1b", Some(title));
    }
    // Legend.
    let mut lx = 10.0;
    let mut ly = 14.0;
    let items: Vec<(String, &str, u8)> = std::iter::once(("own detection".to_string(), colour::INK, 1))
        .chain(f.legend.iter().map(|(l, c)| (l.clone(), *c, 0)))
        .chain(std::iter::once(("first access attempt".to_string(), "#a61b1b", 2)))
        .collect();
    for (i, (name, colour, kind)) in items.iter().enumerate() {
        if i > 0 && i % 6 == 0 {
            lx = 10.0;
            ly += 18.0;
        }
        match kind {
            1 => s.circle(lx + 5.0, ly, 4.5, colour, colour::PAPER, None),
            2 => s.cross(lx + 5.0, ly, 4.0, colour, None),
            _ => s.circle(lx + 5.0, ly, 3.5, colour, colour::INK, None),
        }
        s.text(lx + 14.0, ly + 4.0, name, 11.0, "start", colour::INK, false);
        lx += 170.0;
    }
    s.finish(label)
}

/// One line: name, colour, and (tick, value) points.
pub type Series = (String, &'static str, Vec<(u32, Option<f64>)>);

/// A line chart of values over scenario time (gaps where a value is undefined).
#[derive(Clone, Debug)]
pub struct Lines {
    /// Series: name, colour, points (tick, value).
    pub series: Vec<Series>,
    /// Y range.
    pub y_min: f64,
    /// Y range.
    pub y_max: f64,
    /// Y-axis label format.
    pub y_fmt: fn(f64) -> String,
    /// Axis.
    pub axis: Vec<AxisTick>,
    /// Markers.
    pub markers: Vec<Marker>,
    /// First tick.
    pub t0: u32,
    /// Tick after the last.
    pub t1: u32,
}

/// Draws a line chart.
pub fn lines(l: &Lines, label: &str) -> String {
    let (left, right, top, width, height) = (70.0, 24.0, 34.0, 1040.0, 260.0);
    let bottom = height - 40.0;
    let plot_w = width - left - right;
    let span = f64::from(l.t1.saturating_sub(l.t0).max(1));
    let x = |tick: u32| left + plot_w * (f64::from(tick.saturating_sub(l.t0)).min(span)) / span;
    let yr = (l.y_max - l.y_min).max(1e-9);
    let y = |v: f64| bottom - (bottom - top) * ((v - l.y_min) / yr).clamp(0.0, 1.0);
    let mut s = Svg::new(width, height);
    for k in 0..=4 {
        let v = l.y_min + yr * f64::from(k) / 4.0;
        s.line(left, y(v), width - right, y(v), colour::GRIDLINE, 1.0, None);
        s.text(left - 6.0, y(v) + 4.0, &(l.y_fmt)(v), 10.5, "end", colour::MUTED, false);
    }
    for a in &l.axis {
        s.text(x(a.tick), bottom + 16.0, &a.label, 10.5, "middle", colour::MUTED, false);
    }
    for m in &l.markers {
        let xx = x(m.tick);
        s.line(xx, top, xx, bottom, m.colour, 1.2, Some("4 3"));
        s.text(xx + 3.0, top + 10.0, &m.label, 10.0, "start", m.colour, false);
    }
    let mut lx = left;
    for (name, colour, pts) in &l.series {
        let mut run: Vec<(f64, f64)> = Vec::new();
        for (t, v) in pts {
            match v {
                Some(v) => run.push((x(*t), y(*v))),
                None => {
                    s.polyline(&run, colour, 2.0);
                    run.clear();
                }
            }
        }
        s.polyline(&run, colour, 2.0);
        s.rect(lx, 10.0, 12.0, 4.0, colour, "");
        s.text(lx + 16.0, 16.0, name, 11.5, "start", colour::INK, false);
        lx += 30.0 + 7.0 * name.len() as f64;
    }
    s.line(left, bottom, width - right, bottom, colour::MUTED, 1.0, None);
    s.finish(label)
}

/// One row of a forest plot.
#[derive(Clone, Debug)]
pub struct ForestRow {
    /// Label (the sweep point).
    pub label: String,
    /// Mean.
    pub mean: Option<f64>,
    /// Interval.
    pub ci: Option<(f64, f64)>,
}

/// Means with 95% confidence intervals, one row per sweep point.
pub fn forest(rows: &[ForestRow], label: &str, fmt: fn(f64) -> String) -> String {
    let (left, right, top, width) = (260.0, 90.0, 16.0, 1040.0);
    let row_h = 20.0;
    let bottom = top + row_h * rows.len() as f64;
    let height = bottom + 30.0;
    let vals: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.mean.into_iter().chain(r.ci.into_iter().flat_map(|(a, b)| [a, b])))
        .filter(|v| v.is_finite())
        .collect();
    let mut lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let mut hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        lo = 0.0;
        hi = 1.0;
    }
    if (hi - lo).abs() < 1e-9 {
        lo -= 0.5;
        hi += 0.5;
    }
    let pad = (hi - lo) * 0.05;
    let (lo, hi) = (lo - pad, hi + pad);
    let plot_w = width - left - right;
    let x = |v: f64| left + plot_w * (v - lo) / (hi - lo);
    let mut s = Svg::new(width, height);
    for k in 0..=4 {
        let v = lo + (hi - lo) * f64::from(k) / 4.0;
        s.line(x(v), top, x(v), bottom, colour::GRIDLINE, 1.0, None);
        s.text(x(v), bottom + 16.0, &fmt(v), 10.5, "middle", colour::MUTED, false);
    }
    for (i, r) in rows.iter().enumerate() {
        let yy = top + row_h * i as f64 + row_h / 2.0;
        s.text(left - 8.0, yy + 4.0, &clip(&r.label, 40), 11.5, "end", colour::INK, false);
        if let Some((a, b)) = r.ci {
            s.line(x(a), yy, x(b), yy, colour::BLUE, 2.0, None);
            s.line(x(a), yy - 4.0, x(a), yy + 4.0, colour::BLUE, 2.0, None);
            s.line(x(b), yy - 4.0, x(b), yy + 4.0, colour::BLUE, 2.0, None);
        }
        match r.mean {
            Some(m) => {
                s.circle(x(m), yy, 4.0, colour::BLUE, colour::PAPER, None);
                s.text(width - right + 6.0, yy + 4.0, &fmt(m), 11.0, "start", colour::INK, false);
            }
            None => s.text(width - right + 6.0, yy + 4.0, "no value", 11.0, "start", colour::MUTED, false),
        }
    }
    s.finish(label)
}

/// One row of a forest plot of effects: a decision and its effect on one metric.
#[derive(Clone, Debug)]
pub struct EffectRow {
    /// `RANK. DECISION`.
    pub label: String,
    /// Mean effect (none: the row has no dot).
    pub mean: Option<f64>,
    /// Low end of the 95% interval (none: the mean).
    pub lo: Option<f64>,
    /// High end of the 95% interval (none: the mean).
    pub hi: Option<f64>,
    /// Pairs of runs.
    pub n: usize,
    /// Whether the interval leaves out zero.
    pub clear: bool,
}

/// Effects with their 95% intervals around a dashed zero line, one striped row per decision;
/// the axis shows zero and the ends that can be read apart from it.
pub fn effects_forest(rows: &[EffectRow], metric: &str) -> String {
    const W: f64 = 860.0;
    const LEFT: f64 = 430.0;
    const RIGHT: f64 = 30.0;
    const ROW: f64 = 24.0;
    const TOP: f64 = 30.0;
    let h = TOP + ROW * rows.len() as f64 + 40.0;
    let values: Vec<(f64, f64, f64)> =
        rows.iter().filter_map(|r| Some((r.mean?, r.lo.or(r.mean)?, r.hi.or(r.mean)?))).collect();
    let lo = values.iter().map(|v| v.1).fold(0.0f64, f64::min);
    let hi = values.iter().map(|v| v.2).fold(0.0f64, f64::max);
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let (lo, hi) = (lo - span * 0.05, hi + span * 0.05);
    let x = |v: f64| LEFT + (v - lo) / (hi - lo) * (W - LEFT - RIGHT);
    let mut s = Svg::new(W, h);
    s.text(LEFT, 18.0, &format!("effect on {metric}"), 12.0, "start", colour::HEADING, true);
    s.line(x(0.0), TOP - 6.0, x(0.0), h - 34.0, colour::UNCLEAR, 1.0, Some("4 3"));
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64 + ROW / 2.0;
        if i % 2 == 0 {
            s.rect(0.0, y - ROW / 2.0, W, ROW, colour::STRIPE, "");
        }
        s.text(LEFT - 8.0, y + 4.0, &clip(&r.label, 64), 11.0, "end", colour::LABEL, false);
        if let Some(m) = r.mean {
            let (l, rr) = (r.lo.unwrap_or(m), r.hi.unwrap_or(m));
            let c = if r.clear { colour::CLEAR } else { colour::UNCLEAR };
            s.line(x(l), y, x(rr), y, c, 2.0, None);
            let title =
                format!("{} [{}, {}], n = {}", signed(Some(m)), signed(Some(l)), signed(Some(rr)), r.n);
            s.circle(x(m), y, 4.5, c, colour::PAPER, Some(&title));
        }
    }
    let base = h - 22.0;
    // The ends of the axis and zero; an end too close to zero to be read apart from it is
    // left out (zero is always labelled).
    s.text(x(0.0), base, &signed(Some(0.0)), 10.0, "middle", colour::GREY, false);
    for v in [lo + span * 0.05, hi - span * 0.05] {
        if (x(v) - x(0.0)).abs() >= 48.0 {
            s.text(x(v), base, &signed(Some(v)), 10.0, "middle", colour::GREY, false);
        }
    }
    s.finish(&format!("Effect of each decision on {metric}"))
}

/// Shortens a label to at most `max` characters.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_well_formed_and_deterministic() {
        let t = Timeline {
            rows: vec!["Team <A>".into(), "B & C".into()],
            categories: vec![("Injects".into(), colour::BLUE), ("Shares".into(), colour::GREEN)],
            marks: vec![TimelineMark { row: 1, category: 1, tick: 10, title: "x < y".into() }],
            bands: vec![Band { from: 0, to: 50, label: "Module 1".into() }],
            markers: vec![Marker { tick: 40, label: "Election Day".into(), colour: colour::RED }],
            axis: vec![AxisTick { tick: 0, label: "E-2d".into() }],
            t0: 0,
            t1: 100,
        };
        let a = timeline(&t, "Timeline");
        assert_eq!(a, timeline(&t, "Timeline"));
        roxmltree::Document::parse(&a).expect("timeline parses");
        let f = forest(
            &[ForestRow { label: "p=0.1".into(), mean: Some(0.5), ci: Some((0.4, 0.6)) }],
            "Effect",
            |v| format!("{v:.2}"),
        );
        roxmltree::Document::parse(&f).expect("forest parses");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
