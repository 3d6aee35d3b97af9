//! The one axis of every chart: a value range mapped onto pixels, ticks at round steps
//! (1, 2 or 5 times a power of ten) labelled with [`numfmt::tick`], or ticks at given
//! places with given labels (categories, scenario times); and the plotting frame that
//! draws an axis' grid lines, numbers and title.

use super::{Anchor, Paint, Picture, palette, size, text_width};
use crate::numfmt;

/// One axis: the range shown and its ticks (place and label).
#[derive(Clone, Debug)]
pub struct Axis {
    /// The lowest value shown.
    pub lo: f64,
    /// The highest value shown.
    pub hi: f64,
    /// Where ticks go and what they say.
    pub ticks: Vec<(f64, String)>,
}

/// The round step (1, 2 or 5 times a power of ten) that cuts `span` into at most `most`
/// pieces.
pub fn step(span: f64, most: usize) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / most.max(1) as f64;
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|s| *s >= raw * (1.0 - 1e-9)).unwrap_or(10.0 * p)
}

impl Axis {
    /// A value axis from `lo` to `hi`, with round ticks inside it (at most `most`), each
    /// labelled by `label` (given the value and the step).
    pub fn numeric_with(lo: f64, hi: f64, most: usize, label: impl Fn(f64, f64) -> String) -> Axis {
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo - 0.5, lo + 0.5) };
        let s = step(hi - lo, most);
        let first = (lo / s).ceil() as i64;
        let last = (hi / s).floor() as i64;
        let ticks = (first..=last)
            .map(|i| {
                let v = i as f64 * s;
                // -0 reads as 0.
                let v = if v == 0.0 { 0.0 } else { v };
                (v, label(v, s))
            })
            .collect();
        Axis { lo, hi, ticks }
    }

    /// A value axis with round ticks labelled by [`numfmt::tick`].
    pub fn numeric(lo: f64, hi: f64, most: usize) -> Axis {
        Axis::numeric_with(lo, hi, most, numfmt::tick)
    }

    /// An axis of categories `0..n`, one tick at each, labelled.
    pub fn categories(labels: &[String]) -> Axis {
        let n = labels.len().max(1) as f64;
        Axis {
            lo: -0.5,
            hi: n - 0.5,
            ticks: labels.iter().enumerate().map(|(i, l)| (i as f64, l.clone())).collect(),
        }
    }

    /// Where `v` falls between `from` (at `lo`) and `to` (at `hi`), kept inside them.
    pub fn at(&self, v: f64, from: f64, to: f64) -> f64 {
        let span = if self.hi > self.lo { self.hi - self.lo } else { 1.0 };
        from + (to - from) * ((v - self.lo) / span).clamp(0.0, 1.0)
    }
}

/// The range that shows every given value with a little room (8% each side), not below
/// zero when no value is; (0, 1) when there is none.
pub fn padded(values: impl Iterator<Item = f64>) -> (f64, f64) {
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

/// A plotting area in pixels (left, top, right, bottom) and its two axes.
#[derive(Clone, Debug)]
pub struct Plot {
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Right edge.
    pub right: f64,
    /// Bottom edge.
    pub bottom: f64,
    /// The horizontal axis.
    pub x: Axis,
    /// The vertical axis (values upward).
    pub y: Axis,
}

impl Plot {
    /// The pixel column of `v` on the x axis.
    pub fn px(&self, v: f64) -> f64 {
        self.x.at(v, self.left, self.right)
    }

    /// The pixel row of `v` on the y axis.
    pub fn py(&self, v: f64) -> f64 {
        self.y.at(v, self.bottom, self.top)
    }

    /// Horizontal grid lines at the y ticks, their numbers to the left, and the y axis'
    /// title read upward beside them.
    pub fn y_axis(&self, pic: &mut Picture, title: &str) {
        let mut widest: f64 = 0.0;
        for (v, label) in &self.y.ticks {
            let y = self.py(*v);
            pic.line((self.left, y), (self.right, y), Paint::stroke(palette::GRIDLINE, 1.0));
            pic.text((self.left - 6.0, y + 4.0), label, size::TICK, Anchor::End, palette::MUTED);
            widest = widest.max(text_width(label, size::TICK));
        }
        if !title.is_empty() {
            let x = self.left - 6.0 - widest - 10.0;
            pic.upward((x, (self.top + self.bottom) / 2.0), title, size::LABEL, palette::INK);
        }
    }

    /// Vertical grid lines at the x ticks (when `grid`), their labels below the plot, and
    /// the x axis' title under them; returns the row below the title.
    pub fn x_axis(&self, pic: &mut Picture, title: &str, grid: bool) -> f64 {
        for (v, label) in &self.x.ticks {
            let x = self.px(*v);
            if grid {
                pic.line((x, self.top), (x, self.bottom), Paint::stroke(palette::GRIDLINE, 1.0));
            }
            pic.line((x, self.bottom), (x, self.bottom + 4.0), Paint::stroke(palette::MUTED, 1.0));
            pic.text((x, self.bottom + 16.0), label, size::TICK, Anchor::Middle, palette::MUTED);
        }
        let mut y = self.bottom + 16.0;
        if !title.is_empty() {
            y += 18.0;
            let mid = (self.left + self.right) / 2.0;
            pic.text((mid, y), title, size::LABEL, Anchor::Middle, palette::INK);
        }
        y + 6.0
    }

    /// The axis lines along the bottom and the left.
    pub fn frame(&self, pic: &mut Picture) {
        let ink = Paint::stroke(palette::MUTED, 1.0);
        pic.line((self.left, self.bottom), (self.right, self.bottom), ink);
        pic.line((self.left, self.top), (self.left, self.bottom), ink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_fall_on_round_steps_inside_the_range() {
        assert_eq!(step(100.0, 5), 20.0);
        assert_eq!(step(0.9, 5), 0.2);
        assert_eq!(step(7.0, 5), 2.0);
        let a = Axis::numeric(0.0, 100.0, 5);
        let labels: Vec<&str> = a.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0", "20", "40", "60", "80", "100"]);
        let b = Axis::numeric(-0.13, 0.42, 6);
        let labels: Vec<&str> = b.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["-0.1", "0", "0.1", "0.2", "0.3", "0.4"]);
        assert_eq!(padded([2.0, 2.0].into_iter()), (1.8, 2.2));
        assert_eq!(padded(std::iter::empty()), (0.0, 1.0));
    }
}
