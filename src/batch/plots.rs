//! The charts of a batch, for the key metrics (`ttx_engine::metrics::key_metrics`),
//! titled by each metric's label, the value axis naming its label and unit (from the
//! metric table), drawn with the one chart stack (`crate::chart`):
//!
//! - `<metric>.svg`: the metric's distribution at every sweep point (a box
//!   from the 25th to the 75th percentile, whiskers from the 5th to the 95th,
//!   the median as a line, the mean as a dot with its 95% confidence interval);
//! - `<metric>_vs_<path>.svg`: the mean and its 95% confidence interval across
//!   the values of one swept parameter, one line per combination of the others
//!   (none for a sweep of a single value), the legend above the plot;
//! - `sensitivity_<metric>.svg` (`ttx sensitivity`): Sobol indices as paired bars, or
//!   Morris mu* against sigma;
//! - the side-by-side comparison of finished batches (`compare::svg`).
//!
//! Each chart is written in every format asked for (`--plots svg,png,pdf`): the same
//! picture, laid out once, so the same batch draws the same bytes everywhere.

use std::path::{Path, PathBuf};

use serde_json::Value;
use ttx_engine::metrics;

use crate::chart::axis::{Axis, Plot, padded};
use crate::chart::{Anchor, Format, Key, Paint, Picture, Shape, legend, palette, size, text_width};

use super::BatchError;
use super::errors::DrawError;
use super::files::{self, Manifest, PointSummary, RunRow};
use super::sensitivity::MetricIndices;
use super::stats::{Stats, percentile};
use super::sweep;

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
        .map_err(|source| BatchError::CreateDir { path: dir.to_path_buf(), source })?;
    let drawn = draw_into(dir, formats, m, metrics, rows, sums);
    if drawn.is_err() {
        // Nothing half-drawn stays behind: the directory goes again if it is still empty.
        crate::fsio::remove_empty_dirs(&created);
    }
    drawn
}

/// Writes `pic` as `dir/<stem>.<ext>` in each format; returns the paths.
pub fn write(dir: &Path, stem: &str, pic: Picture, formats: &[Format]) -> Result<Vec<PathBuf>, BatchError> {
    let mut paths = Vec::new();
    for f in formats {
        let path = dir.join(format!("{stem}.{}", f.ext()));
        let fail = |e: DrawError| BatchError::Draw { path: path.clone(), source: e };
        let bytes = pic.encode(*f).map_err(|e| fail(e.into()))?;
        files::write_atomic(&path, &bytes).map_err(|e| fail(e.into()))?;
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
            count += write(dir, &stem, trend(m, name, k, sums), formats)?.len();
        }
    }
    Ok(count)
}

/// The value axis of a metric's chart: its label and how its numbers read.
fn axis_desc(name: &str) -> String {
    format!("{} ({})", metrics::label(name), metrics::unit(name).axis())
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

/// The left edge of a plot whose y axis numbers are `ticks`: room for the widest number
/// and the axis title beside it.
fn left_for(ticks: &Axis) -> f64 {
    let widest = ticks.ticks.iter().map(|(_, l)| text_width(l, size::TICK)).fold(0.0, f64::max);
    16.0 + 20.0 + widest + 10.0
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
        Group::with_stats(label, values, stats)
    }

    /// A group of values in run order whose statistics are already known.
    pub fn with_stats(label: String, values: Vec<f64>, stats: Stats) -> Group {
        let mut sorted = values;
        sorted.sort_by(f64::total_cmp);
        Group { label, sorted, stats }
    }

    /// The 5th, 25th, 50th, 75th and 95th percentiles, when there are values.
    fn quartiles(&self) -> Option<[f64; 5]> {
        let v = &self.sorted;
        (!v.is_empty()).then(|| [0.05, 0.25, 0.5, 0.75, 0.95].map(|p| percentile(v, p)))
    }
}

const NOTE: &str =
    "box: 25th-75th percentile; whiskers: 5th-95th; bar: median; red: mean with 95% confidence interval";

/// The y axis that shows every box and interval of `groups`.
fn groups_axis(groups: &[Group]) -> Axis {
    let values = groups.iter().flat_map(|g| {
        let q = g.quartiles().map(|b| [b[0], b[4]]).into_iter().flatten();
        let s = [g.stats.mean, g.stats.ci95.map(|c| c.0), g.stats.ci95.map(|c| c.1)].into_iter().flatten();
        q.chain(s)
    });
    let (lo, hi) = padded(values);
    Axis::numeric(lo, hi, 8)
}

/// Draws box plots of `groups` in the area from `left`/`top` to `right`/`bottom`, the y axis
/// titled `y_desc`; returns the plot.
fn draw_groups(pic: &mut Picture, area: (f64, f64, f64, f64), y_desc: &str, groups: &[Group]) -> Plot {
    let y = groups_axis(groups);
    let (left, top, right, bottom) = area;
    let labels: Vec<String> = groups.iter().map(|g| g.label.clone()).collect();
    let plot = Plot { left: left + left_for(&y), top, right, bottom, x: Axis::categories(&labels), y };
    plot.y_axis(pic, y_desc);
    plot.x_axis(pic, "", false);
    let edge = Paint::stroke(palette::BLUE, 1.0);
    let slot = plot.px(1.0) - plot.px(0.0);
    let w = (slot * 0.3).min(40.0);
    for (i, g) in groups.iter().enumerate() {
        let x = plot.px(i as f64);
        if let Some([p5, p25, p50, p75, p95]) = g.quartiles() {
            let (y5, y25, y50, y75, y95) =
                (plot.py(p5), plot.py(p25), plot.py(p50), plot.py(p75), plot.py(p95));
            pic.line((x, y5), (x, y95), edge);
            for yy in [y5, y95] {
                pic.line((x - w / 2.0, yy), (x + w / 2.0, yy), edge);
            }
            pic.rect(x - w, y75, 2.0 * w, y25 - y75, Paint::both(palette::SKY, palette::BLUE));
            pic.line((x - w, y50), (x + w, y50), Paint::stroke(palette::BLUE, 3.0));
        }
        let mx = x + w + (slot * 0.08).min(12.0);
        if let Some((lo, hi)) = g.stats.ci95 {
            pic.line((mx, plot.py(lo)), (mx, plot.py(hi)), Paint::stroke(palette::RED, 2.0));
        }
        if let Some(mean) = g.stats.mean {
            pic.circle((mx, plot.py(mean)), 4.0, Paint::fill(palette::RED));
        }
    }
    plot.frame(pic);
    plot
}

fn distribution(m: &Manifest, name: &str, j: usize, rows: &[RunRow], sums: &[PointSummary]) -> Picture {
    let n_points = sums.len().max(1);
    let width = (140 + 70 * n_points).clamp(720, 2400) as f64;
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
        // The point's statistics as the summary has them (its interval from the point's resamples).
        groups.push(match s.metrics.get(j).filter(|(n, _)| n == name) {
            Some((_, stats)) => Group::with_stats(label, values, stats.clone()),
            None => Group::new(label, name, values),
        });
    }
    let title = format!("{}: distribution per sweep point ({} runs each)", metrics::label(name), m.runs);
    let mut pic = Picture::new(width, 520.0, &title);
    pic.title(&title);
    let plot = draw_groups(&mut pic, (0.0, 40.0, width - 24.0, 430.0), &axis_desc(name), &groups);
    let axis = m.sweeps.iter().map(|s| s.path.as_str()).collect::<Vec<_>>().join(" / ");
    let mid = (plot.left + plot.right) / 2.0;
    if !axis.is_empty() {
        pic.text((mid, plot.bottom + 42.0), &axis, size::LABEL, Anchor::Middle, palette::INK);
    }
    pic.text((mid, plot.bottom + 66.0), NOTE, size::NOTE, Anchor::Middle, palette::MUTED);
    pic
}

/// Side-by-side box plots comparing batches, one panel per metric: `panels` holds,
/// per metric, its name and one group per batch; the chart as SVG.
pub fn comparison_svg(title: &str, panels: &[(String, Vec<Group>)]) -> String {
    let n = panels.len().max(1);
    let width = 380.0 * n as f64;
    let mut pic = Picture::new(width, 540.0, title);
    pic.title(title);
    let mut bottom = 0.0;
    for (i, (name, groups)) in panels.iter().enumerate() {
        let (x0, x1) = (380.0 * i as f64, 380.0 * (i + 1) as f64);
        pic.bold(((x0 + x1) / 2.0 + 20.0, 50.0), name, size::LABEL, Anchor::Middle, palette::HEADING);
        bottom = draw_groups(&mut pic, (x0, 64.0, x1 - 16.0, 460.0), name, groups).bottom;
    }
    pic.text((width / 2.0, bottom + 50.0), NOTE, size::NOTE, Anchor::Middle, palette::MUTED);
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

/// An interval drawn upright at `x` from `lo` to `hi` with caps `cap` pixels wide.
fn whisker(pic: &mut Picture, plot: &Plot, x: f64, (lo, hi): (f64, f64), cap: f64, paint: Paint) {
    let (px, a, b) = (plot.px(x), plot.py(lo), plot.py(hi));
    pic.add(
        Shape::Strokes(vec![
            ((px, a), (px, b)),
            ((px - cap, a), (px + cap, a)),
            ((px - cap, b), (px + cap, b)),
        ]),
        paint,
    );
}

fn trend(m: &Manifest, name: &str, k: usize, sums: &[PointSummary]) -> Picture {
    let sweep = &m.sweeps[k];
    let numeric = sweep.values.iter().all(Value::is_number);
    let xs: Vec<f64> = sweep
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| if numeric { v.as_f64().unwrap_or(i as f64) } else { i as f64 })
        .collect();
    let series = trend_series(m, name, k, sums, &xs);
    let labels: Vec<String> = sweep.values.iter().map(sweep::show).collect();
    let x = if numeric {
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = if hi > lo { (hi - lo) * 0.08 } else { 0.5 };
        Axis::numeric(lo - pad, hi + pad, 10)
    } else {
        Axis::categories(&labels)
    };
    let (y0, y1) = padded(
        series
            .iter()
            .flat_map(|(_, pts)| pts.iter())
            .flat_map(|(_, st)| [st.mean, st.ci95.map(|c| c.0), st.ci95.map(|c| c.1)].into_iter().flatten()),
    );
    let y = Axis::numeric(y0, y1, 8);
    let title =
        format!("{}: mean and 95% CI by {} ({} runs per point)", metrics::label(name), sweep.path, m.runs);
    let width = (text_width(&title, size::TITLE) + 80.0).clamp(800.0, 2400.0).round();
    let mut pic = Picture::new(width, 520.0, &title);
    pic.title(&title);
    let items: Vec<(Key, String)> = series
        .iter()
        .enumerate()
        .map(|(i, (key, _))| (Key::Line(palette::SERIES[i % 8]), key.clone()))
        .collect();
    let top = if series.len() > 1 { legend(&mut pic, 70.0, 40.0, width - 24.0, &items) } else { 40.0 };
    let plot = Plot { left: left_for(&y), top, right: width - 24.0, bottom: 450.0, x, y };
    plot.y_axis(&mut pic, &axis_desc(name));
    plot.x_axis(&mut pic, &sweep.path, true);
    let cap = 4.0;
    for (si, (_, pts)) in series.iter().enumerate() {
        let colour = palette::SERIES[si % palette::SERIES.len()];
        let line: Vec<(f64, f64)> = pts.iter().filter_map(|(x, st)| st.mean.map(|y| (*x, y))).collect();
        pic.add(
            Shape::Line(line.iter().map(|&(x, y)| (plot.px(x), plot.py(y))).collect()),
            Paint::stroke(colour, 2.0),
        );
        for (x, st) in pts {
            if let Some(ci) = st.ci95 {
                whisker(&mut pic, &plot, *x, ci, cap, Paint::stroke(colour, 1.0));
            }
        }
        for &(x, y) in &line {
            pic.circle((plot.px(x), plot.py(y)), 4.0, Paint::fill(colour));
        }
    }
    plot.frame(&mut pic);
    pic
}

/// The chart of one metric's sensitivity indices: Sobol first- and total-order indices as
/// paired bars with their 95% intervals, or Morris mu* against sigma, one dot per
/// parameter (mu* with its interval), named in the legend.
pub fn sensitivity_chart(m: &MetricIndices, runs: u32) -> Picture {
    let per =
        if runs == 1 { "one run per point".to_string() } else { format!("mean of {runs} runs per point") };
    if m.sobol.is_empty() { morris_chart(m, &per) } else { sobol_chart(m, &per) }
}

/// Sobol first- and total-order indices as paired bars with their 95% intervals.
fn sobol_chart(m: &MetricIndices, per: &str) -> Picture {
    let k = m.sobol.len();
    let finite = |xs: &mut dyn Iterator<Item = f64>| xs.filter(|x| x.is_finite()).collect::<Vec<_>>();
    let top = finite(&mut m.sobol.iter().flat_map(|s| [s.s1.high, s.st.high, s.s1.estimate, s.st.estimate]))
        .into_iter()
        .fold(1.0f64, f64::max);
    let bottom = finite(&mut m.sobol.iter().flat_map(|s| [s.s1.low, s.s1.estimate]))
        .into_iter()
        .fold(0.0f64, f64::min);
    let labels: Vec<String> = m.sobol.iter().map(|s| s.parameter.clone()).collect();
    let width = (k * 160 + 200).clamp(700, 2400) as f64;
    let title = format!("{}: Sobol indices, 95% bootstrap intervals ({per})", metrics::label(&m.metric));
    let mut pic = Picture::new(width, 560.0, &title);
    pic.title(&title);
    let keys = [
        (Key::Square(palette::SERIES[0]), "first order (S1)".to_string()),
        (Key::Square(palette::SERIES[1]), "total order (ST)".to_string()),
    ];
    let top_px = legend(&mut pic, 70.0, 40.0, width - 24.0, &keys);
    let y = Axis::numeric(bottom - 0.05, top + 0.05, 10);
    let plot = Plot {
        left: left_for(&y),
        top: top_px,
        right: width - 24.0,
        bottom: 480.0,
        x: Axis::categories(&labels),
        y,
    };
    plot.y_axis(&mut pic, "share of the metric's variance");
    plot.x_axis(&mut pic, "parameter", false);
    let slot = plot.px(1.0) - plot.px(0.0);
    for (i, s) in m.sobol.iter().enumerate() {
        for (iv, colour, dx) in [(s.s1, palette::SERIES[0], -0.18), (s.st, palette::SERIES[1], 0.18)] {
            let x = i as f64 + dx;
            let (x0, x1) = (plot.px(x - 0.16), plot.px(x + 0.16));
            let (y0, y1) = (plot.py(0.0), plot.py(iv.estimate));
            pic.rect(x0, y0.min(y1), x1 - x0, (y1 - y0).abs(), Paint::fill(colour).faded(0.75));
            if iv.low.is_finite() && iv.high.is_finite() {
                whisker(
                    &mut pic,
                    &plot,
                    x,
                    (iv.low, iv.high),
                    (slot * 0.05).min(8.0),
                    Paint::stroke(palette::INK, 1.0),
                );
            }
        }
    }
    plot.frame(&mut pic);
    pic
}

/// Morris mu* against sigma, one dot per parameter (mu* with its interval).
fn morris_chart(m: &MetricIndices, per: &str) -> Picture {
    let pts: Vec<(f64, f64, f64, f64, String)> = m
        .morris
        .iter()
        .map(|s| (s.mu_star.estimate, s.sigma, s.mu_star.low, s.mu_star.high, s.parameter.clone()))
        .collect();
    let xmax = pts.iter().flat_map(|p| [p.0, p.3]).filter(|x| x.is_finite()).fold(0.0f64, f64::max);
    let ymax = pts.iter().map(|p| p.1).filter(|x| x.is_finite()).fold(0.0f64, f64::max);
    let (xmax, ymax) =
        (if xmax > 0.0 { xmax * 1.25 } else { 1.0 }, if ymax > 0.0 { ymax * 1.2 } else { 1.0 });
    let title = format!("{}: Morris screening ({per})", metrics::label(&m.metric));
    let mut pic = Picture::new(900.0, 600.0, &title);
    pic.title(&title);
    let keys: Vec<(Key, String)> =
        pts.iter().enumerate().map(|(i, p)| (Key::Square(palette::SERIES[i % 8]), p.4.clone())).collect();
    let top = legend(&mut pic, 70.0, 40.0, 876.0, &keys);
    let y = Axis::numeric(0.0, ymax, 10);
    let plot =
        Plot { left: left_for(&y), top, right: 876.0, bottom: 520.0, x: Axis::numeric(0.0, xmax, 10), y };
    plot.y_axis(&mut pic, "sigma (spread of the effects)");
    let x_desc = format!("mu* (mean |effect| of a whole range, {}), 95% interval", axis_desc(&m.metric));
    plot.x_axis(&mut pic, &x_desc, true);
    for (i, (x, y, lo, hi, _)) in pts.iter().enumerate() {
        let colour = palette::SERIES[i % palette::SERIES.len()];
        let y = if y.is_finite() { *y } else { 0.0 };
        if lo.is_finite() && hi.is_finite() {
            pic.line((plot.px(*lo), plot.py(y)), (plot.px(*hi), plot.py(y)), Paint::stroke(colour, 1.0));
        }
        pic.circle((plot.px(*x), plot.py(y)), 5.0, Paint::fill(colour));
    }
    plot.frame(&mut pic);
    pic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comparison_has_a_panel_per_metric_and_parses() {
        let groups = |shift: f64| {
            vec![
                Group::new(
                    "2016".into(),
                    "intrusions_succeeded",
                    (0..20).map(|i| f64::from(i % 7) + shift).collect(),
                ),
                Group::new(
                    "2020".into(),
                    "intrusions_succeeded",
                    (0..20).map(|i| f64::from(i % 5)).collect(),
                ),
            ]
        };
        let panels = vec![
            ("intrusions_succeeded".to_string(), groups(2.0)),
            ("voters_affected".to_string(), groups(0.0)),
        ];
        let svg = comparison_svg("2016 against 2020", &panels);
        assert_eq!(svg, comparison_svg("2016 against 2020", &panels));
        roxmltree::Document::parse(&svg).expect("the comparison parses");
        assert!(svg.contains(">voters_affected</text>") && svg.contains(">2020</text>"), "{svg}");
        // Whole-number ticks read without a decimal point.
        assert!(svg.contains(">4</text>") && !svg.contains(">4.0</text>"), "{svg}");
    }
}
