//! SVG charts of a batch, for the key metrics (`ttx_engine::metrics::key_metrics`),
//! titled by each metric's label, the value axis naming its label and unit (from the
//! metric table), whole numbers on the axes written without a decimal point:
//!
//! - `<metric>.svg`: the metric's distribution at every sweep point (a box
//!   from the 25th to the 75th percentile, whiskers from the 5th to the 95th,
//!   the median as a line, the mean as a dot with its 95% confidence interval);
//! - `<metric>_vs_<path>.svg`: the mean and its 95% confidence interval across
//!   the values of one swept parameter, one line per combination of the others
//!   (none for a sweep of a single value); the legend sits in headroom above the
//!   highest interval, so it hides no point.
//!
//! Each chart is written in every format asked for (`--plots svg,png,pdf`, see
//! `render`): the same drawing, laid out once, so the same batch draws the same bytes
//! everywhere.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use serde_json::Value;
use ttx_engine::metrics;

use crate::palette;

use super::BatchError;
use super::files::{self, Manifest, PointSummary, RunRow};
use super::render::{Format, Picture, Recorder, RenderError};
use super::stats::{Stats, percentile};
use super::sweep;

/// A colour of the palette all charts share.
const fn colour(hex: &str) -> RGBColor {
    let (r, g, b) = palette::rgb(hex);
    RGBColor(r, g, b)
}

const BOX: RGBColor = colour(palette::SKY);
const EDGE: RGBColor = colour(palette::BLUE);
const GRID: RGBColor = colour(palette::PLOT_GRID);
const LIGHT: RGBColor = colour(palette::PLOT_LIGHT);
const MEAN: RGBColor = colour(palette::RED);
const SERIES: [RGBColor; 8] = [
    colour(palette::SERIES[0]),
    colour(palette::SERIES[1]),
    colour(palette::SERIES[2]),
    colour(palette::SERIES[3]),
    colour(palette::SERIES[4]),
    colour(palette::SERIES[5]),
    colour(palette::SERIES[6]),
    colour(palette::SERIES[7]),
];

fn err<E: std::fmt::Display>(path: &Path) -> impl Fn(E) -> BatchError + '_ {
    move |e| BatchError::Runtime(format!("cannot draw {}: {e}", path.display()))
}

/// Draws every chart into `dir`, once per format; returns how many files.
pub fn draw(
    dir: &Path,
    formats: &[Format],
    m: &Manifest,
    metrics: &[String],
    rows: &[RunRow],
    sums: &[PointSummary],
) -> Result<usize, BatchError> {
    let created = crate::fsio::create_dirs(dir)
        .map_err(|e| BatchError::Runtime(format!("cannot create {}: {e}", dir.display())))?;
    let drawn = draw_into(dir, formats, m, metrics, rows, sums);
    if drawn.is_err() {
        // Nothing half-drawn stays behind: the directory goes again if it is still empty.
        crate::fsio::remove_empty_dirs(&created);
    }
    drawn
}

/// Writes `pic` as `dir/<stem>.<ext>` in each format; returns the paths.
pub fn write(
    dir: &Path,
    stem: &str,
    pic: Result<Picture, RenderError>,
    formats: &[Format],
) -> Result<Vec<std::path::PathBuf>, BatchError> {
    let first = dir.join(format!("{stem}.{}", formats.first().map_or("svg", |f| f.ext())));
    let pic = pic.map_err(err(&first))?;
    let mut paths = Vec::new();
    for f in formats {
        let path = dir.join(format!("{stem}.{}", f.ext()));
        let bytes = pic.encode(*f).map_err(err(&path))?;
        files::write_atomic(&path, &bytes).map_err(err(&path))?;
        paths.push(path);
    }
    Ok(paths)
}

fn draw_into(
    dir: &Path,
    formats: &[Format],
    m: &Manifest,
    metrics: &[String],
    rows: &[RunRow],
    sums: &[PointSummary],
) -> Result<usize, BatchError> {
    let mut count = 0;
    for name in metrics::key_metrics() {
        let Some(j) = metrics.iter().position(|x| x == name) else { continue };
        count += write(dir, name, distribution(m, name, j, rows, sums), formats)?.len();
        for (k, s) in m.sweeps.iter().enumerate() {
            if s.values.len() < 2 {
                continue;
            }
            let stem = format!("{name}_vs_{}", s.path);
            count += write(dir, &stem, trend(m, name, j, k, sums), formats)?.len();
        }
    }
    Ok(count)
}

/// The y range that shows every given value, with a little room.
fn y_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad =
        if hi - lo < 1e-9 { if lo.abs() > 1.0 { lo.abs() * 0.1 } else { 0.5 } } else { (hi - lo) * 0.08 };
    // Counts, shares and hours are never negative: keep the axis from dipping below zero.
    let floor = if lo >= 0.0 { 0.0 } else { f64::NEG_INFINITY };
    ((lo - pad).max(floor), hi + pad)
}

/// The value axis of a metric's chart: its label and how its numbers read.
fn axis_desc(name: &str) -> String {
    format!("{} ({})", metrics::label(name), metrics::unit(name).axis())
}

/// An axis number: whole numbers without a decimal point (`24`, not `24.0`), others in
/// their shortest form at the axis' precision.
fn tick(v: &f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    if r == r.trunc() && r.abs() < 1e15 { format!("{}", r as i64) } else { format!("{r}") }
}

fn stats_of<'a>(s: &'a PointSummary, name: &str) -> Option<&'a Stats> {
    s.metrics.iter().find(|(n, _)| n == name).map(|(_, st)| st)
}

fn point_label(m: &Manifest, params: &[Value]) -> String {
    if m.sweeps.is_empty() {
        "all runs".into()
    } else {
        params.iter().map(sweep::show).collect::<Vec<_>>().join(" / ")
    }
}

/// Text below the plotting area at a data x, on the root area.
fn label_below(
    root: &DrawingArea<Recorder<'_>, Shift>,
    at: (i32, i32),
    text: &str,
    size: u32,
) -> Result<(), RenderError> {
    let style = ("sans-serif", size).into_font().color(&BLACK).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Top,
    ));
    root.draw(&Text::new(text.to_string(), at, style)).map_err(RenderError::draw)
}

/// One box of a distribution chart: a label, the values (sorted) and their statistics.
pub struct Group {
    /// Shown under the box.
    pub label: String,
    /// The values, sorted.
    pub sorted: Vec<f64>,
    /// Their statistics.
    pub stats: Stats,
}

impl Group {
    /// A group of a metric's values in run order.
    pub fn new(label: String, metric: &str, values: Vec<f64>) -> Group {
        let stats = Stats::of_metric(metric, &values);
        let mut sorted = values;
        sorted.sort_by(f64::total_cmp);
        Group { label, sorted, stats }
    }
}

const NOTE: &str =
    "box: 25th-75th percentile; whiskers: 5th-95th; bar: median; red: mean with 95% confidence interval";

/// Draws box plots of `groups` into `area`; text under the axis goes on `root` (absolute pixels).
fn draw_groups(
    root: &DrawingArea<Recorder<'_>, Shift>,
    area: &DrawingArea<Recorder<'_>, Shift>,
    caption: &str,
    y_desc: &str,
    groups: &[Group],
) -> Result<i32, RenderError> {
    let n = groups.len().max(1);
    let quartiles: Vec<Option<[f64; 5]>> = groups
        .iter()
        .map(|g| {
            let v = &g.sorted;
            (!v.is_empty()).then(|| [0.05, 0.25, 0.5, 0.75, 0.95].map(|p| percentile(v, p)))
        })
        .collect();
    let (y0, y1) =
        y_range(quartiles.iter().flatten().flat_map(|b| [b[0], b[4]]).chain(groups.iter().flat_map(|g| {
            [g.stats.mean, g.stats.ci95.map(|c| c.0), g.stats.ci95.map(|c| c.1)].into_iter().flatten()
        })));
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 18))
        .margin(16)
        .margin_bottom(70)
        .x_label_area_size(10)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), y0..y1)
        .map_err(RenderError::draw)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .light_line_style(LIGHT)
        .bold_line_style(GRID)
        .y_desc(y_desc)
        .y_label_formatter(&tick)
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(RenderError::draw)?;
    let e = |e: DrawingAreaErrorKind<_>| RenderError::draw(e);
    for (i, (q, g)) in quartiles.iter().zip(groups).enumerate() {
        let x = i as f64;
        if let Some([p5, p25, p50, p75, p95]) = *q {
            let w = 0.3;
            chart
                .draw_series([PathElement::new(vec![(x, p5), (x, p95)], EDGE.stroke_width(1))])
                .map_err(e)?;
            for y in [p5, p95] {
                chart
                    .draw_series([PathElement::new(
                        vec![(x - w / 2.0, y), (x + w / 2.0, y)],
                        EDGE.stroke_width(1),
                    )])
                    .map_err(e)?;
            }
            chart.draw_series([Rectangle::new([(x - w, p25), (x + w, p75)], BOX.filled())]).map_err(e)?;
            chart
                .draw_series([Rectangle::new([(x - w, p25), (x + w, p75)], EDGE.stroke_width(1))])
                .map_err(e)?;
            chart
                .draw_series([PathElement::new(vec![(x - w, p50), (x + w, p50)], EDGE.stroke_width(3))])
                .map_err(e)?;
        }
        if let Some((lo, hi)) = g.stats.ci95 {
            chart
                .draw_series([PathElement::new(vec![(x + 0.38, lo), (x + 0.38, hi)], MEAN.stroke_width(2))])
                .map_err(e)?;
        }
        if let Some(mean) = g.stats.mean {
            chart.draw_series([Circle::new((x + 0.38, mean), 4, MEAN.filled())]).map_err(e)?;
        }
        let (px, py) = chart.backend_coord(&(x, y0));
        label_below(root, (px, py + 8), &g.label, 13)?;
    }
    let (_, bottom) = chart.backend_coord(&(0.0, y0));
    Ok(bottom)
}

fn distribution(
    m: &Manifest,
    name: &str,
    j: usize,
    rows: &[RunRow],
    sums: &[PointSummary],
) -> Result<Picture, RenderError> {
    let n_points = sums.len().max(1);
    let width = (140 + 70 * n_points as u32).clamp(720, 2400);
    let mut groups = Vec::new();
    let mut start = 0;
    for s in sums {
        let end = start + rows[start..].iter().take_while(|r| r.point == s.point).count();
        let values: Vec<f64> = rows[start..end].iter().filter_map(|r| r.values[j]).collect();
        start = end;
        let mut label = point_label(m, &s.params);
        if values.len() as u32 != m.runs {
            label = format!("{label} (n={})", values.len());
        }
        groups.push(Group::new(label, name, values));
    }
    let mut pic = Picture::new((width, 520));
    {
        let root = pic.backend().into_drawing_area();
        root.fill(&WHITE).map_err(RenderError::draw)?;
        let caption =
            format!("{}: distribution per sweep point ({} runs each)", metrics::label(name), m.runs);
        let bottom = draw_groups(&root, &root, &caption, &axis_desc(name), &groups)?;
        let axis = m.sweeps.iter().map(|s| s.path.as_str()).collect::<Vec<_>>().join(" / ");
        if !axis.is_empty() {
            label_below(&root, (width as i32 / 2, bottom + 28), &axis, 14)?;
        }
        label_below(&root, (width as i32 / 2, bottom + 48), NOTE, 12)?;
        root.present().map_err(RenderError::draw)?;
    }
    Ok(pic)
}

/// Side-by-side box plots comparing batches, one panel per metric: `panels` holds,
/// per metric, its name and one group per batch.
pub fn comparison_svg(title: &str, panels: &[(String, Vec<Group>)]) -> Result<String, RenderError> {
    let n = panels.len().max(1);
    let width = 380 * n as u32;
    let mut pic = Picture::new((width, 540));
    {
        let root = pic.backend().into_drawing_area();
        root.fill(&WHITE).map_err(RenderError::draw)?;
        let (head, body) = root.split_vertically(36);
        head.draw(&Text::new(
            title.to_string(),
            (width as i32 / 2, 10),
            ("sans-serif", 20).into_font().color(&BLACK).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Top,
            )),
        ))
        .map_err(RenderError::draw)?;
        let mut bottom = 0;
        for (area, (name, groups)) in body.split_evenly((1, n)).iter().zip(panels) {
            bottom = draw_groups(&root, area, name, name, groups)?;
        }
        label_below(&root, (width as i32 / 2, bottom + 40), NOTE, 12)?;
        root.present().map_err(RenderError::draw)?;
    }
    pic.svg()
}

/// The series of a trend chart: one per combination of the other sweeps' values, in point
/// order, each the (x, statistics) of its points.
fn trend_series<'a>(
    m: &Manifest,
    name: &str,
    k: usize,
    sums: &'a [PointSummary],
    xs: &[f64],
) -> Vec<(String, Vec<(f64, &'a Stats)>)> {
    let sweep = &m.sweeps[k];
    let mut series: Vec<(String, Vec<(f64, &Stats)>)> = Vec::new();
    for s in sums {
        let key: Vec<String> = m
            .sweeps
            .iter()
            .zip(&s.params)
            .enumerate()
            // A sweep of one value is the same on every line: the legend leaves it out.
            .filter(|(i, (w, _))| *i != k && w.values.len() > 1)
            .map(|(_, (w, v))| format!("{}={}", w.path, sweep::show(v)))
            .collect();
        let key = key.join(", ");
        let xi = sweep.values.iter().position(|v| Some(v) == s.params.get(k)).unwrap_or(0);
        let Some(st) = stats_of(s, name) else { continue };
        match series.iter_mut().find(|(kk, _)| *kk == key) {
            Some((_, pts)) => pts.push((xs[xi], st)),
            None => series.push((key, vec![(xs[xi], st)])),
        }
    }
    series
}

fn trend(
    m: &Manifest,
    name: &str,
    _j: usize,
    k: usize,
    sums: &[PointSummary],
) -> Result<Picture, RenderError> {
    let sweep = &m.sweeps[k];
    let numeric = sweep.values.iter().all(Value::is_number);
    let xs: Vec<f64> = sweep
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| if numeric { v.as_f64().unwrap_or(i as f64) } else { i as f64 })
        .collect();
    let series = trend_series(m, name, k, sums, &xs);
    let (x0, x1) = {
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = if hi > lo { (hi - lo) * 0.08 } else { 0.5 };
        (lo - pad, hi + pad)
    };
    let (y0, y1) = y_range(
        series
            .iter()
            .flat_map(|(_, pts)| pts.iter())
            .flat_map(|(_, st)| [st.mean, st.ci95.map(|c| c.0), st.ci95.map(|c| c.1)].into_iter().flatten()),
    );
    // Room at the top for the legend (about 20 pixels a line of a plot about 400 high), so
    // that it covers no point or interval.
    let y1 = if series.len() > 1 {
        let share = ((series.len() as f64 * 20.0 + 16.0) / 400.0).min(0.6);
        y1 + (y1 - y0) * share / (1.0 - share)
    } else {
        y1
    };
    let caption =
        format!("{}: mean and 95% CI by {} ({} runs per point)", metrics::label(name), sweep.path, m.runs);
    // Wide enough for the caption (about 8 pixels a character at its size).
    let width = (caption.chars().count() as u32 * 8 + 40).clamp(800, 2400);
    let mut pic = Picture::new((width, 520));
    {
        let root = pic.backend().into_drawing_area();
        root.fill(&WHITE).map_err(RenderError::draw)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 18))
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(RenderError::draw)?;
        let labels: Vec<String> = sweep.values.iter().map(sweep::show).collect();
        let categorical = |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let mut mesh = chart.configure_mesh();
        mesh.y_desc(axis_desc(name))
            .y_label_formatter(&tick)
            .x_label_formatter(&tick)
            .x_desc(sweep.path.as_str())
            .label_style(("sans-serif", 13))
            .light_line_style(LIGHT)
            .bold_line_style(GRID);
        if !numeric {
            mesh.x_labels(labels.len() * 2 + 1).x_label_formatter(&categorical);
        }
        mesh.draw().map_err(RenderError::draw)?;
        let many = series.len() > 1;
        for (si, (key, pts)) in series.iter().enumerate() {
            let color = SERIES[si % SERIES.len()];
            let line: Vec<(f64, f64)> = pts.iter().filter_map(|(x, st)| st.mean.map(|y| (*x, y))).collect();
            let drawn = chart
                .draw_series(LineSeries::new(line.clone(), color.stroke_width(2)))
                .map_err(RenderError::draw)?;
            if many {
                drawn
                    .label(key.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
            }
            let cap = (x1 - x0) * 0.01;
            for (x, st) in pts {
                if let Some((lo, hi)) = st.ci95 {
                    chart
                        .draw_series([
                            PathElement::new(vec![(*x, lo), (*x, hi)], color.stroke_width(1)),
                            PathElement::new(vec![(*x - cap, lo), (*x + cap, lo)], color.stroke_width(1)),
                            PathElement::new(vec![(*x - cap, hi), (*x + cap, hi)], color.stroke_width(1)),
                        ])
                        .map_err(RenderError::draw)?;
                }
            }
            chart
                .draw_series(line.iter().map(|&(x, y)| Circle::new((x, y), 4, color.filled())))
                .map_err(RenderError::draw)?;
        }
        if many {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .label_font(("sans-serif", 12))
                .position(SeriesLabelPosition::UpperRight)
                .draw()
                .map_err(RenderError::draw)?;
        }
        root.present().map_err(RenderError::draw)?;
    }
    Ok(pic)
}

/// The chart of one metric's sensitivity indices: Sobol first- and total-order indices as
/// paired bars with their 95% intervals, or Morris mu* against sigma, one labelled dot per
/// parameter (mu* with its interval).
pub fn sensitivity_chart(m: &super::sensitivity::MetricIndices, runs: u32) -> Result<Picture, RenderError> {
    let per =
        if runs == 1 { "one run per point".to_string() } else { format!("mean of {runs} runs per point") };
    if m.sobol.is_empty() { morris_chart(m, &per) } else { sobol_chart(m, &per) }
}

/// Sobol first- and total-order indices as paired bars with their 95% intervals.
fn sobol_chart(m: &super::sensitivity::MetricIndices, per: &str) -> Result<Picture, RenderError> {
    let k = m.sobol.len();
    let top = m
        .sobol
        .iter()
        .flat_map(|s| [s.s1.high, s.st.high, s.s1.estimate, s.st.estimate])
        .filter(|x| x.is_finite())
        .fold(1.0f64, f64::max);
    let bottom = m
        .sobol
        .iter()
        .flat_map(|s| [s.s1.low, s.s1.estimate])
        .filter(|x| x.is_finite())
        .fold(0.0f64, f64::min);
    let labels: Vec<String> = m.sobol.iter().map(|s| s.parameter.clone()).collect();
    let width = (k as u32 * 160 + 200).clamp(700, 2400);
    let mut pic = Picture::new((width, 560));
    {
        let root = pic.backend().into_drawing_area();
        root.fill(&WHITE).map_err(RenderError::draw)?;
        let caption =
            format!("{}: Sobol indices, 95% bootstrap intervals ({per})", metrics::label(&m.metric));
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 18))
            .margin(16)
            .x_label_area_size(90)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.5f64..(k as f64 - 0.5), (bottom - 0.05)..(top + 0.05))
            .map_err(RenderError::draw)?;
        let name = |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .y_desc("share of the metric's variance")
            .x_desc("parameter")
            .x_labels(2 * k + 1)
            .x_label_formatter(&name)
            .label_style(("sans-serif", 13))
            .light_line_style(LIGHT)
            .bold_line_style(GRID)
            .draw()
            .map_err(RenderError::draw)?;
        for (which, color, dx) in
            [("first order (S1)", SERIES[0], -0.18), ("total order (ST)", SERIES[1], 0.18)]
        {
            let bars: Vec<(f64, f64, f64, f64)> = m
                .sobol
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let iv = if dx < 0.0 { s.s1 } else { s.st };
                    (i as f64 + dx, iv.estimate, iv.low, iv.high)
                })
                .collect();
            chart
                .draw_series(bars.iter().map(|&(x, y, _, _)| {
                    Rectangle::new([(x - 0.16, 0.0), (x + 0.16, y)], color.mix(0.75).filled())
                }))
                .map_err(RenderError::draw)?
                .label(which)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
            for &(x, _, lo, hi) in &bars {
                if lo.is_finite() && hi.is_finite() {
                    chart
                        .draw_series([
                            PathElement::new(vec![(x, lo), (x, hi)], BLACK.stroke_width(1)),
                            PathElement::new(vec![(x - 0.05, lo), (x + 0.05, lo)], BLACK.stroke_width(1)),
                            PathElement::new(vec![(x - 0.05, hi), (x + 0.05, hi)], BLACK.stroke_width(1)),
                        ])
                        .map_err(RenderError::draw)?;
                }
            }
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 12))
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(RenderError::draw)?;
        root.present().map_err(RenderError::draw)?;
    }
    Ok(pic)
}

/// Morris mu* against sigma, one labelled dot per parameter (mu* with its interval).
fn morris_chart(m: &super::sensitivity::MetricIndices, per: &str) -> Result<Picture, RenderError> {
    let pts: Vec<(f64, f64, f64, f64, String)> = m
        .morris
        .iter()
        .map(|s| (s.mu_star.estimate, s.sigma, s.mu_star.low, s.mu_star.high, s.parameter.clone()))
        .collect();
    let xmax = pts.iter().flat_map(|p| [p.0, p.3]).filter(|x| x.is_finite()).fold(0.0f64, f64::max);
    let ymax = pts.iter().map(|p| p.1).filter(|x| x.is_finite()).fold(0.0f64, f64::max);
    let (xmax, ymax) =
        (if xmax > 0.0 { xmax * 1.25 } else { 1.0 }, if ymax > 0.0 { ymax * 1.2 } else { 1.0 });
    let mut pic = Picture::new((900, 600));
    {
        let root = pic.backend().into_drawing_area();
        root.fill(&WHITE).map_err(RenderError::draw)?;
        let caption = format!("{}: Morris screening ({per})", metrics::label(&m.metric));
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 18))
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..xmax, 0.0..ymax)
            .map_err(RenderError::draw)?;
        chart
            .configure_mesh()
            .x_desc(format!("mu* (mean |effect| of a whole range, {}), 95% interval", axis_desc(&m.metric)))
            .y_desc("sigma (spread of the effects)")
            .label_style(("sans-serif", 13))
            .light_line_style(LIGHT)
            .bold_line_style(GRID)
            .draw()
            .map_err(RenderError::draw)?;
        for (i, (x, y, lo, hi, name)) in pts.iter().enumerate() {
            let color = SERIES[i % SERIES.len()];
            let y = if y.is_finite() { *y } else { 0.0 };
            if lo.is_finite() && hi.is_finite() {
                chart
                    .draw_series([PathElement::new(vec![(*lo, y), (*hi, y)], color.stroke_width(1))])
                    .map_err(RenderError::draw)?;
            }
            chart
                .draw_series([Circle::new((*x, y), 5, color.filled())])
                .map_err(RenderError::draw)?
                .label(name.clone())
                .legend(move |(x, y)| Circle::new((x + 7, y), 5, color.filled()));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 12))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(RenderError::draw)?;
        root.present().map_err(RenderError::draw)?;
    }
    Ok(pic)
}
