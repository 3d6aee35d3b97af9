//! The charts of the reports: the exercise timeline, the indicator flows of a campaign, a
//! line chart over scenario time, and the forest plots (means of sweep points with
//! confidence intervals; effects of decisions around zero), drawn with the one chart stack
//! (`ttx::chart`: its palette, font, axes and number format) and written as SVG text,
//! with a tooltip on every event.

use ttx::chart::axis::{Axis, Plot};
use ttx::chart::{Anchor, Key, Paint, Picture, Shape, legend, size};
use ttx::numfmt::{signed, signed_tick};

/// The charts' palette (Okabe and Ito), the one every chart uses.
pub use ttx::chart::palette as colour;

pub use ttx::chart::clip;

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

/// The scenario-time axis from `t0` to `t1` with its labelled ticks.
fn time_axis(t0: u32, t1: u32, ticks: &[AxisTick]) -> Axis {
    let hi = f64::from(t1.max(t0 + 1));
    Axis {
        lo: f64::from(t0),
        hi,
        ticks: ticks.iter().map(|a| (f64::from(a.tick), a.label.clone())).collect(),
    }
}

/// A plot over scenario time from `left` to `right`, rows or values from `top` to `bottom`.
fn time_plot(edges: (f64, f64, f64, f64), t0: u32, t1: u32, ticks: &[AxisTick], y: Axis) -> Plot {
    let (left, top, right, bottom) = edges;
    Plot { left, top, right, bottom, x: time_axis(t0, t1, ticks), y }
}

/// Draws the timeline.
pub fn timeline(t: &Timeline, label: &str) -> String {
    let (left, width) = (190.0, 1040.0);
    let lane = 6.0;
    let row_h = lane * t.categories.len() as f64 + 8.0;
    let top = 72.0;
    let bottom = top + row_h * t.rows.len() as f64;
    let mut s = Picture::new(width, bottom + 64.0, label);
    let plot = time_plot((left, top, width - 20.0, bottom), t.t0, t.t1, &t.axis, Axis::numeric(0.0, 1.0, 1));
    let x = |tick: u32| plot.px(f64::from(tick));

    // Modules as alternating bands, titled above the plot.
    for (i, b) in t.bands.iter().enumerate() {
        let (x0, x1) = (x(b.from), x(b.to));
        let fill = if i % 2 == 0 { colour::BAND } else { colour::BAND_ALT };
        s.rect(x0, top - 16.0, x1 - x0, bottom - top + 16.0, Paint::fill(fill));
        s.line((x0, top - 30.0), (x0, bottom), Paint::stroke(colour::BAND_EDGE, 1.0));
        // A title that does not fit its band goes on the row above, from the band's start.
        let fits = ttx::chart::text_width(&b.label, 11.0) + 8.0 <= x1 - x0;
        let y = if fits { top - 4.0 } else { top - 20.0 };
        s.bold((x0 + 4.0, y), &b.label, 11.0, Anchor::Start, colour::BAND_TITLE);
    }
    // Rows.
    for (r, name) in t.rows.iter().enumerate() {
        let y = top + row_h * r as f64;
        s.line((left, y), (plot.right, y), Paint::stroke(colour::RULE, 1.0));
        s.text((left - 8.0, y + row_h / 2.0 + 4.0), &clip(name, 30), size::LABEL, Anchor::End, colour::INK);
    }
    s.line((left, bottom), (plot.right, bottom), Paint::stroke(colour::RULE, 1.0));
    plot.x_axis(&mut s, "", false);
    markers(&mut s, &plot, &t.markers, (top - 16.0, bottom + 32.0), true);
    // Events.
    for m in &t.marks {
        let y = top + row_h * m.row as f64 + 4.0 + lane * m.category as f64;
        let fill = t.categories.get(m.category).map_or(colour::INK, |c| c.1);
        let shape = Shape::Rect((x(m.tick) - 1.5, y), 3.0, lane - 1.0);
        s.add_titled(shape, Paint::fill(fill), Some(&m.title));
    }
    let items: Vec<(Key, String)> = t.categories.iter().map(|(n, c)| (Key::Square(c), n.clone())).collect();
    legend(&mut s, left, 17.0, width - 20.0, &items);
    s.svg()
}

/// Dashed vertical lines at `ms` from `top` down the plot, each labelled at `label_y`
/// (bold when `bold`).
fn markers(s: &mut Picture, plot: &Plot, ms: &[Marker], (top, label_y): (f64, f64), bold: bool) {
    for m in ms {
        let xx = plot.px(f64::from(m.tick));
        s.line((xx, top), (xx, plot.bottom), Paint::stroke(m.colour, 1.5).dashed(4.0, 3.0));
        if bold {
            s.bold((xx + 3.0, label_y), &m.label, size::TICK, Anchor::Start, m.colour);
        } else {
            s.text((xx + 3.0, label_y), &m.label, size::TICK, Anchor::Start, m.colour);
        }
    }
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

/// The legend of a flow chart: own detection, the channels, the first access attempt.
fn flow_legend(f: &Flow) -> Vec<(Key, String)> {
    std::iter::once((Key::Ring(colour::INK), "own detection".to_string()))
        .chain(f.legend.iter().map(|(l, c)| (Key::Dot(c), l.clone())))
        .chain(std::iter::once((Key::Cross(colour::BAD), "first access attempt".to_string())))
        .collect()
}

/// Draws an indicator-flow chart.
pub fn flow(f: &Flow, label: &str) -> String {
    let (left, width, row_h) = (230.0, 1040.0, 14.0);
    // The legend's height is known once drawn: draw it on a scratch picture first.
    let items = flow_legend(f);
    let top = legend(&mut Picture::new(width, 0.0, ""), 10.0, 14.0, width - 24.0, &items) + 4.0;
    let bottom = top + row_h * f.rows.len() as f64;
    let mut s = Picture::new(width, bottom + 34.0, label);
    legend(&mut s, 10.0, 14.0, width - 24.0, &items);
    let plot = time_plot((left, top, width - 24.0, bottom), f.t0, f.t1, &f.axis, Axis::numeric(0.0, 1.0, 1));
    let x = |tick: u32| plot.px(f64::from(tick));
    let y = |row: usize| top + row_h * row as f64 + row_h / 2.0;
    for (i, r) in f.rows.iter().enumerate() {
        if i % 2 == 0 {
            s.rect(left, top + row_h * i as f64, plot.right - left, row_h, Paint::fill(colour::STRIPE));
        }
        let (mark, ink) = match r.warned {
            Some(true) => (" ✓", colour::GOOD),
            Some(false) => (" ✗", colour::BAD),
            None => ("", colour::INK),
        };
        s.text((left - 8.0, y(i) + 4.0), &format!("{}{mark}", clip(&r.label, 32)), 11.0, Anchor::End, ink);
    }
    for (v, _) in &plot.x.ticks {
        s.line((plot.px(*v), top), (plot.px(*v), bottom), Paint::stroke(colour::GRIDLINE, 1.0));
    }
    plot.x_axis(&mut s, "", false);
    // Hops first, so the dots sit on top.
    for a in &f.arrivals {
        if let Some((from, sent)) = a.from {
            s.line((x(sent), y(from)), (x(a.tick), y(a.row)), Paint::stroke(a.colour, 1.2));
        }
    }
    for a in &f.arrivals {
        let (r, paint) = if a.detected {
            (4.5, Paint::both(colour::INK, colour::PAPER))
        } else {
            (3.5, Paint::both(a.colour, colour::INK))
        };
        s.add_titled(Shape::Circle((x(a.tick), y(a.row)), r), paint, Some(&a.title));
    }
    for (row, tick, title) in &f.attempts {
        s.cross((x(*tick), y(*row)), 4.0, colour::BAD, Some(title));
    }
    s.svg()
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
    let (width, height) = (1040.0, 260.0);
    let mut s = Picture::new(width, height, label);
    let items: Vec<(Key, String)> = l.series.iter().map(|(n, c, _)| (Key::Line(c), n.clone())).collect();
    let top = legend(&mut s, 70.0, 12.0, width - 24.0, &items) + 4.0;
    let y = Axis::numeric(l.y_min, l.y_max, 5);
    let plot = time_plot((70.0, top, width - 24.0, height - 40.0), l.t0, l.t1, &l.axis, y);
    plot.y_axis(&mut s, "");
    plot.x_axis(&mut s, "", false);
    markers(&mut s, &plot, &l.markers, (plot.top, plot.top + 10.0), false);
    for (_, c, pts) in &l.series {
        let mut run: Vec<(f64, f64)> = Vec::new();
        for (t, v) in pts {
            match v {
                Some(v) => run.push((plot.px(f64::from(*t)), plot.py(*v))),
                None => {
                    s.add(Shape::Line(std::mem::take(&mut run)), Paint::stroke(c, 2.0));
                }
            }
        }
        s.add(Shape::Line(run), Paint::stroke(c, 2.0));
    }
    s.line((plot.left, plot.bottom), (plot.right, plot.bottom), Paint::stroke(colour::MUTED, 1.0));
    s.svg()
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

/// The x range of a forest plot: every value, 5% of room each side.
fn forest_range(values: impl Iterator<Item = f64>, keep_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = if keep_zero { (0.0f64, 0.0f64) } else { (f64::INFINITY, f64::NEG_INFINITY) };
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() || !hi.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if (hi - lo).abs() < 1e-9 {
        (lo, hi) = (lo - 0.5, hi + 0.5);
    }
    let pad = (hi - lo) * 0.05;
    (lo - pad, hi + pad)
}

/// Means with 95% confidence intervals, one row per sweep point; the mean is written at
/// the end of each row with [`ttx::numfmt::sensible`] precision.
pub fn forest(rows: &[ForestRow], label: &str) -> String {
    let (left, right, top, width, row_h) = (260.0, 90.0, 16.0, 1040.0, 20.0);
    let bottom = top + row_h * rows.len() as f64;
    let vals = rows.iter().flat_map(|r| r.mean.into_iter().chain(r.ci.into_iter().flat_map(|(a, b)| [a, b])));
    let (lo, hi) = forest_range(vals, false);
    let plot = Plot {
        left,
        top,
        right: width - right,
        bottom,
        x: Axis::numeric(lo, hi, 6),
        y: Axis::numeric(0.0, 1.0, 1),
    };
    let mut s = Picture::new(width, bottom + 30.0, label);
    plot.x_axis(&mut s, "", true);
    let ci = Paint::stroke(colour::BLUE, 2.0);
    for (i, r) in rows.iter().enumerate() {
        let yy = top + row_h * i as f64 + row_h / 2.0;
        s.text((left - 8.0, yy + 4.0), &clip(&r.label, 40), size::LABEL, Anchor::End, colour::INK);
        if let Some((a, b)) = r.ci {
            let (xa, xb) = (plot.px(a), plot.px(b));
            s.add(
                Shape::Strokes(vec![
                    ((xa, yy), (xb, yy)),
                    ((xa, yy - 4.0), (xa, yy + 4.0)),
                    ((xb, yy - 4.0), (xb, yy + 4.0)),
                ]),
                ci,
            );
        }
        let end = (plot.right + 6.0, yy + 4.0);
        match r.mean {
            Some(m) => {
                s.circle((plot.px(m), yy), 4.0, Paint::both(colour::BLUE, colour::PAPER));
                s.text(end, &ttx::numfmt::sensible(m), 11.0, Anchor::Start, colour::INK);
            }
            None => s.text(end, "no value", 11.0, Anchor::Start, colour::MUTED),
        }
    }
    s.svg()
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

/// Effects with their 95% intervals around a dashed zero line, one striped row per
/// decision, on an axis of signed round ticks.
pub fn effects_forest(rows: &[EffectRow], metric: &str) -> String {
    const W: f64 = 860.0;
    const LEFT: f64 = 430.0;
    const ROW: f64 = 24.0;
    const TOP: f64 = 30.0;
    let bottom = TOP + ROW * rows.len() as f64;
    let values = rows.iter().filter_map(|r| Some([r.mean?, r.lo.or(r.mean)?, r.hi.or(r.mean)?])).flatten();
    let (lo, hi) = forest_range(values, true);
    let x = Axis::numeric_with(lo, hi, 6, signed_tick);
    let plot = Plot { left: LEFT, top: TOP, right: W - 30.0, bottom, x, y: Axis::numeric(0.0, 1.0, 1) };
    let mut s = Picture::new(W, bottom + 40.0, &format!("Effect of each decision on {metric}"));
    s.bold((LEFT, 18.0), &format!("effect on {metric}"), 12.0, Anchor::Start, colour::HEADING);
    for i in (0..rows.len()).step_by(2) {
        s.rect(0.0, TOP + ROW * i as f64, W, ROW, Paint::fill(colour::STRIPE));
    }
    plot.x_axis(&mut s, "", true);
    let zero = plot.px(0.0);
    s.line((zero, TOP - 6.0), (zero, bottom + 6.0), Paint::stroke(colour::UNCLEAR, 1.0).dashed(4.0, 3.0));
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64 + ROW / 2.0;
        s.text((LEFT - 8.0, y + 4.0), &clip(&r.label, 64), 11.0, Anchor::End, colour::LABEL);
        if let Some(m) = r.mean {
            let (l, rr) = (r.lo.unwrap_or(m), r.hi.unwrap_or(m));
            let c = if r.clear { colour::CLEAR } else { colour::UNCLEAR };
            s.line((plot.px(l), y), (plot.px(rr), y), Paint::stroke(c, 2.0));
            let title =
                format!("{} [{}, {}], n = {}", signed(Some(m)), signed(Some(l)), signed(Some(rr)), r.n);
            s.add_titled(Shape::Circle((plot.px(m), y), 4.5), Paint::both(c, colour::PAPER), Some(&title));
        }
    }
    s.svg()
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
        assert!(a.contains("<title>x &lt; y</title>"), "the event's tooltip: {a}");
        let f =
            forest(&[ForestRow { label: "p=0.1".into(), mean: Some(0.5), ci: Some((0.4, 0.6)) }], "Effect");
        roxmltree::Document::parse(&f).expect("forest parses");
        assert!(f.contains(">0.500</text>") && f.contains(">0.45</text>"), "the mean and a round tick: {f}");
        let e = effects_forest(
            &[EffectRow {
                label: "1. a".into(),
                mean: Some(0.2),
                lo: Some(0.1),
                hi: Some(0.3),
                n: 20,
                clear: true,
            }],
            "m",
        );
        roxmltree::Document::parse(&e).expect("effects parse");
        assert!(e.contains(">+0.2</text>") && e.contains(">0</text>"), "signed ticks and zero: {e}");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
