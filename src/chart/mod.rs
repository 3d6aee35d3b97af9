//! Every chart ttx draws, batch plots and report charts alike, goes through this module: a
//! [`Picture`] is a list of shapes (rectangles, lines, polygons, circles, text, each with an
//! optional tooltip) in pixels, drawn with the one palette ([`palette`]), the one font
//! ([`FONT`], measured with the bundled DejaVu Sans, [`text_width`]), the one axis and tick
//! rule ([`axis`]) and the one number format (`crate::numfmt`). A picture is written as
//!
//! - SVG ([`svg`]): plain SVG 1.1 text, no scripts or external references, tooltips as
//!   `<title>`, text left to the viewer's font;
//! - PNG ([`raster`]): a bitmap at twice the size, text drawn with the bundled DejaVu Sans
//!   (`assets/fonts/`, Bitstream Vera licence), so no system font is read;
//! - PDF ([`pdf`]): one vector page, text in Helvetica, which every PDF reader has.
//!
//! The layout is decided once, in pixels, so the formats place everything alike, and the
//! same chart writes the same bytes everywhere.

pub mod axis;
pub mod palette;
pub mod pdf;
pub mod raster;
pub mod svg;

use std::sync::OnceLock;

use ab_glyph::{Font as _, FontRef, PxScale, ScaleFont as _};

/// The font of every chart's text, as SVG names it: the report page's own font where the
/// viewer has it. Text is measured with DejaVu Sans (wider than each of these), so it fits
/// in any of them.
pub const FONT: &str = "Segoe UI, Helvetica Neue, Arial, Liberation Sans, DejaVu Sans, sans-serif";

/// Text sizes (pixels): a chart's title, its axis titles and labels, and the small print.
pub mod size {
    /// A chart's title.
    pub const TITLE: f64 = 14.0;
    /// Axis titles, legend entries and row labels.
    pub const LABEL: f64 = 11.5;
    /// Axis numbers and tick labels.
    pub const TICK: f64 = 10.5;
    /// Notes under a chart.
    pub const NOTE: f64 = 10.0;
}

/// A chart file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Scalable vector graphics, text in the viewer's font.
    Svg,
    /// A bitmap at twice the chart's size.
    Png,
    /// One vector page.
    Pdf,
}

/// Why a chart could not be drawn or encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// `--plots` names a format there is none of.
    #[error("unknown chart format '{word}' (formats: {})", Format::names())]
    UnknownFormat {
        /// As written.
        word: String,
    },
    /// The rasteriser failed (its message).
    #[error("{0}")]
    Draw(String),
    /// The font bundled for PNG text is unreadable.
    #[error("the bundled font cannot be read")]
    Font,
    /// The PNG encoder failed (its message).
    #[error("{0}")]
    Png(String),
}

impl Format {
    /// Every format, in the order `--plots` lists them.
    pub const ALL: [Format; 3] = [Format::Svg, Format::Png, Format::Pdf];

    /// The file name extension (and the name `--plots` takes).
    pub fn ext(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Pdf => "pdf",
        }
    }

    /// Every format's name, comma-separated.
    pub fn names() -> String {
        Format::ALL.map(Format::ext).join(", ")
    }

    /// A comma-separated list such as `svg,png` (each once, in the order given).
    pub fn parse_list(text: &str) -> Result<Vec<Format>, RenderError> {
        let mut out = Vec::new();
        for word in text.split(',').map(str::trim) {
            let Some(f) = Format::ALL.into_iter().find(|f| f.ext().eq_ignore_ascii_case(word)) else {
                return Err(RenderError::UnknownFormat { word: word.to_string() });
            };
            if !out.contains(&f) {
                out.push(f);
            }
        }
        Ok(out)
    }
}

/// A point in pixels, y downward.
pub type Pt = (f64, f64);

/// How text sits on its point: the start, the middle or the end of its baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// The text starts at the point.
    Start,
    /// The text is centred on the point.
    Middle,
    /// The text ends at the point.
    End,
}

/// What is drawn.
#[derive(Clone, Debug)]
pub enum Shape {
    /// A rectangle: top-left corner, width, height.
    Rect(Pt, f64, f64),
    /// An open line through the points.
    Line(Vec<Pt>),
    /// Separate straight strokes (a cross), each from one point to another.
    Strokes(Vec<(Pt, Pt)>),
    /// A closed, filled polygon.
    Polygon(Vec<Pt>),
    /// A circle: centre and radius.
    Circle(Pt, f64),
    /// Text on a baseline point; `up` turns it a quarter left, reading upward.
    Text {
        /// The baseline point the anchor refers to.
        at: Pt,
        /// The words.
        text: String,
        /// Its size in pixels.
        size: f64,
        /// Where the point is on the text.
        anchor: Anchor,
        /// Bold.
        bold: bool,
        /// Turned to read upward (a vertical axis title).
        up: bool,
    },
}

/// How a shape is painted: fill and stroke colours from the palette, the stroke's width
/// and dash, and the opacity of the fill.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paint {
    /// The fill (text is filled).
    pub fill: Option<&'static str>,
    /// The outline.
    pub stroke: Option<&'static str>,
    /// The outline's width in pixels.
    pub width: f64,
    /// Dash and gap lengths of the outline; none: solid.
    pub dash: Option<(f64, f64)>,
    /// The fill's opacity, 0 to 1.
    pub opacity: f64,
}

impl Paint {
    /// Filled with `c`, no outline.
    pub const fn fill(c: &'static str) -> Paint {
        Paint { fill: Some(c), stroke: None, width: 0.0, dash: None, opacity: 1.0 }
    }

    /// Outlined with `c`, `width` pixels wide, no fill.
    pub const fn stroke(c: &'static str, width: f64) -> Paint {
        Paint { fill: None, stroke: Some(c), width, dash: None, opacity: 1.0 }
    }

    /// Filled with `fill` and outlined with `stroke`, one pixel wide.
    pub const fn both(fill: &'static str, stroke: &'static str) -> Paint {
        Paint { fill: Some(fill), stroke: Some(stroke), width: 1.0, dash: None, opacity: 1.0 }
    }

    /// The same, dashed.
    pub const fn dashed(self, on: f64, off: f64) -> Paint {
        Paint { dash: Some((on, off)), ..self }
    }

    /// The same, the fill at this opacity.
    pub const fn faded(self, opacity: f64) -> Paint {
        Paint { opacity, ..self }
    }
}

/// One shape with its paint and tooltip.
#[derive(Clone, Debug)]
pub struct Item {
    /// What.
    pub shape: Shape,
    /// How.
    pub paint: Paint,
    /// The tooltip (SVG only).
    pub title: Option<String>,
}

/// A chart: its size in pixels, what it shows in words (the SVG's title and label) and
/// what is drawn on it, in order, on a white page.
#[derive(Clone, Debug)]
pub struct Picture {
    /// Width in pixels.
    pub width: f64,
    /// Height in pixels.
    pub height: f64,
    /// What the chart shows, in words.
    pub label: String,
    /// The shapes, back to front.
    pub items: Vec<Item>,
}

impl Picture {
    /// An empty picture.
    pub fn new(width: f64, height: f64, label: &str) -> Picture {
        Picture { width, height, label: label.to_string(), items: Vec::new() }
    }

    /// Adds a shape.
    pub fn add(&mut self, shape: Shape, paint: Paint) {
        self.items.push(Item { shape, paint, title: None });
    }

    /// Adds a shape with a tooltip.
    pub fn add_titled(&mut self, shape: Shape, paint: Paint, title: Option<&str>) {
        self.items.push(Item { shape, paint, title: title.map(str::to_string) });
    }

    /// A rectangle.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, paint: Paint) {
        self.add(Shape::Rect((x, y), w.max(0.0), h.max(0.0)), paint);
    }

    /// A straight line.
    pub fn line(&mut self, a: Pt, b: Pt, paint: Paint) {
        self.add(Shape::Line(vec![a, b]), paint);
    }

    /// A circle.
    pub fn circle(&mut self, c: Pt, r: f64, paint: Paint) {
        self.add(Shape::Circle(c, r), paint);
    }

    /// A cross of half-size `r` (an intrusion attempt).
    pub fn cross(&mut self, (x, y): Pt, r: f64, colour: &'static str, title: Option<&str>) {
        let strokes = vec![((x - r, y - r), (x + r, y + r)), ((x - r, y + r), (x + r, y - r))];
        self.add_titled(Shape::Strokes(strokes), Paint::stroke(colour, 2.0), title);
    }

    /// Text in `colour`.
    pub fn text(&mut self, at: Pt, text: &str, size: f64, anchor: Anchor, colour: &'static str) {
        let shape = Shape::Text { at, text: text.to_string(), size, anchor, bold: false, up: false };
        self.add(shape, Paint::fill(colour));
    }

    /// Bold text in `colour`.
    pub fn bold(&mut self, at: Pt, text: &str, size: f64, anchor: Anchor, colour: &'static str) {
        let shape = Shape::Text { at, text: text.to_string(), size, anchor, bold: true, up: false };
        self.add(shape, Paint::fill(colour));
    }

    /// Text turned to read upward, centred on `at` (a vertical axis title).
    pub fn upward(&mut self, at: Pt, text: &str, size: f64, colour: &'static str) {
        let shape =
            Shape::Text { at, text: text.to_string(), size, anchor: Anchor::Middle, bold: false, up: true };
        self.add(shape, Paint::fill(colour));
    }

    /// A chart's title, centred at the top.
    pub fn title(&mut self, text: &str) {
        self.bold((self.width / 2.0, 20.0), text, size::TITLE, Anchor::Middle, palette::HEADING);
    }

    /// The picture as a file of `format`.
    pub fn encode(&self, format: Format) -> Result<Vec<u8>, RenderError> {
        match format {
            Format::Svg => Ok(self.svg().into_bytes()),
            Format::Png => raster::png(self),
            Format::Pdf => Ok(pdf::pdf(self)),
        }
    }

    /// The picture as SVG text.
    pub fn svg(&self) -> String {
        svg::svg(self)
    }
}

/// How a legend entry is drawn beside its words.
#[derive(Clone, Copy, Debug)]
pub enum Key {
    /// A short line.
    Line(&'static str),
    /// A square.
    Square(&'static str),
    /// A dot outlined in ink.
    Dot(&'static str),
    /// A larger dot of this colour outlined in white (found by the actor itself).
    Ring(&'static str),
    /// A cross.
    Cross(&'static str),
}

/// Draws a legend in rows from (`x`, `y`) (the first row's middle), wrapping at `right`;
/// returns the middle of the row after the last.
pub fn legend(pic: &mut Picture, x: f64, y: f64, right: f64, items: &[(Key, String)]) -> f64 {
    let (mut lx, mut ly) = (x, y);
    for (key, name) in items {
        let w = 18.0 + text_width(name, size::LABEL) + 16.0;
        if lx > x && lx + w > right {
            lx = x;
            ly += 18.0;
        }
        match *key {
            Key::Line(c) => pic.line((lx, ly), (lx + 12.0, ly), Paint::stroke(c, 2.5)),
            Key::Square(c) => pic.rect(lx + 1.0, ly - 5.0, 10.0, 10.0, Paint::fill(c)),
            Key::Dot(c) => pic.circle((lx + 6.0, ly), 3.5, Paint::both(c, palette::INK)),
            Key::Ring(c) => pic.circle((lx + 6.0, ly), 4.5, Paint::both(c, palette::PAPER)),
            Key::Cross(c) => pic.cross((lx + 6.0, ly), 4.0, c, None),
        }
        pic.text((lx + 18.0, ly + 4.0), name, size::LABEL, Anchor::Start, palette::INK);
        lx += w;
    }
    ly + 18.0
}

static FONT_FILE: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The bundled DejaVu Sans.
pub(crate) fn font() -> Result<&'static FontRef<'static>, RenderError> {
    static FONT_REF: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT_REF.get_or_init(|| FontRef::try_from_slice(FONT_FILE).ok()).as_ref().ok_or(RenderError::Font)
}

/// The glyph scale of a text size (pixels to the em) in the bundled font.
pub(crate) fn scale(face: &FontRef<'_>, size: f64) -> PxScale {
    let units = f64::from(face.units_per_em().unwrap_or(2048.0));
    PxScale::from((size * f64::from(face.height_unscaled()) / units) as f32)
}

/// The width in pixels of `text` at `size`, in DejaVu Sans (0.6 em a character should the
/// bundled font be unreadable).
pub fn text_width(text: &str, size: f64) -> f64 {
    let Ok(face) = font() else { return text.chars().count() as f64 * size * 0.6 };
    let scaled = face.as_scaled(scale(face, size));
    let (mut x, mut prev) = (0f32, None);
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            x += scaled.kern(p, id);
        }
        x += scaled.h_advance(id);
        prev = Some(id);
    }
    f64::from(x)
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

/// Shortens a label to at most `width` pixels at `size`.
pub fn clip_to(s: &str, size: f64, width: f64) -> String {
    let mut max = s.chars().count();
    let mut out = s.to_string();
    while max > 1 && text_width(&out, size) > width {
        max -= 1;
        out = clip(s, max);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_lists_parse_and_refuse_unknown_names() {
        assert_eq!(Format::parse_list("png, svg,png").unwrap(), vec![Format::Png, Format::Svg]);
        let e = Format::parse_list("svg,gif").unwrap_err().to_string();
        assert_eq!(e, "unknown chart format 'gif' (formats: svg, png, pdf)");
    }

    #[test]
    fn text_is_measured_with_the_bundled_font() {
        let w = text_width("Election Day", 12.0);
        assert!(w > 60.0 && w < 90.0, "{w}");
        assert!(text_width("WW", 12.0) > text_width("ii", 12.0));
        assert_eq!(clip("abcdef", 4), "abc…");
        assert!(text_width(&clip_to("a long row label of a chart", 11.0, 60.0), 11.0) <= 60.0);
    }
}
