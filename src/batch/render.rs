//! The file formats of the charts: SVG, PNG and PDF from one drawing.
//!
//! A chart is drawn once, by plotters, onto a [`Recorder`], which keeps every primitive
//! (pixels, lines, rectangles, paths, circles, polygons, text) in backend pixels. The
//! kept [`Picture`] is then written as
//!
//! - SVG: replayed onto plotters' SVG backend, so the bytes are those of drawing onto it
//!   directly; text is left to the viewer's sans-serif font;
//! - PNG: replayed onto plotters' bitmap backend at twice the size (crisper lines), text
//!   drawn with the bundled DejaVu Sans (`assets/fonts/`, Bitstream Vera licence), so no
//!   system font is read;
//! - PDF: one page of vector operators written here, text in Helvetica, one of the fonts
//!   every PDF reader has, so nothing is embedded.
//!
//! The layout is decided once (by plotters' text size estimate, as for SVG), so the three
//! formats place everything alike, and the same chart writes the same bytes everywhere.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use ab_glyph::{Font as _, FontRef, PxScale, ScaleFont as _};
use plotters_backend::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontFamily,
    FontStyle, FontTransform,
};
use plotters_bitmap::BitMapBackend;
use plotters_bitmap::bitmap_pixel::RGBPixel;

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
    /// The drawing library failed (its message).
    #[error("{0}")]
    Draw(String),
    /// The font bundled for PNG text is unreadable.
    #[error("the bundled font cannot be read")]
    Font,
    /// The PNG encoder failed (its message).
    #[error("{0}")]
    Png(String),
}

impl RenderError {
    /// A failure of the drawing library.
    pub fn draw(e: impl std::fmt::Display) -> Self {
        RenderError::Draw(e.to_string())
    }
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

/// The pixels a PNG has per chart pixel, each way.
pub const PNG_SCALE: u32 = 2;

/// A colour and a line width.
#[derive(Clone, Copy)]
struct Pen {
    color: BackendColor,
    width: u32,
}

impl BackendStyle for Pen {
    fn color(&self) -> BackendColor {
        self.color
    }
    fn stroke_width(&self) -> u32 {
        self.width
    }
}

fn pen<S: BackendStyle>(s: &S) -> Pen {
    Pen { color: s.color(), width: s.stroke_width() }
}

/// What a piece of text was drawn with.
#[derive(Clone)]
struct TextSpec {
    family: String,
    size: f64,
    style: FontStyle,
    transform: FontTransform,
    anchor: Pos,
    color: BackendColor,
}

impl BackendTextStyle for TextSpec {
    type FontError = std::fmt::Error;
    fn color(&self) -> BackendColor {
        self.color
    }
    fn size(&self) -> f64 {
        self.size
    }
    fn transform(&self) -> FontTransform {
        self.transform.clone()
    }
    fn style(&self) -> FontStyle {
        self.style
    }
    fn anchor(&self) -> Pos {
        self.anchor
    }
    fn family(&self) -> FontFamily<'_> {
        FontFamily::from(self.family.as_str())
    }
    /// Not used in a replay: the layout was decided when the chart was recorded.
    fn layout_box(&self, _text: &str) -> Result<((i32, i32), (i32, i32)), Self::FontError> {
        Ok(((0, 0), (0, 0)))
    }
    /// Not used: the SVG backend writes text elements, and PNG text is drawn by [`glyphs`].
    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        _text: &str,
        _pos: BackendCoord,
        _draw: F,
    ) -> Result<Result<(), E>, Self::FontError> {
        Ok(Ok(()))
    }
}

#[derive(Clone)]
enum Op {
    Pixel(BackendCoord, BackendColor),
    Line(BackendCoord, BackendCoord, Pen),
    Rect(BackendCoord, BackendCoord, Pen, bool),
    Path(Vec<BackendCoord>, Pen),
    Circle(BackendCoord, u32, Pen, bool),
    Polygon(Vec<BackendCoord>, Pen),
    Text(String, TextSpec, BackendCoord),
}

/// A recorded chart: its size in pixels and what was drawn on it.
pub struct Picture {
    size: (u32, u32),
    ops: Vec<Op>,
}

/// The plotters backend that records a [`Picture`].
pub struct Recorder<'a>(&'a mut Picture);

impl DrawingBackend for Recorder<'_> {
    type ErrorType = std::convert::Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.0.size
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_pixel(
        &mut self,
        at: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ops.push(Op::Pixel(at, color));
        Ok(())
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ops.push(Op::Line(from, to, pen(style)));
        Ok(())
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ops.push(Op::Rect(upper_left, bottom_right, pen(style), fill));
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ops.push(Op::Path(path.into_iter().collect(), pen(style)));
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ops.push(Op::Circle(center, radius, pen(style), fill));
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ops.push(Op::Polygon(vert.into_iter().collect(), pen(style)));
        Ok(())
    }
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let spec = TextSpec {
            family: style.family().as_str().to_string(),
            size: style.size(),
            style: style.style(),
            transform: style.transform(),
            anchor: style.anchor(),
            color: style.color(),
        };
        self.0.ops.push(Op::Text(text.to_string(), spec, pos));
        Ok(())
    }
}

fn draw_err<E: std::error::Error + Send + Sync>(e: DrawingErrorKind<E>) -> RenderError {
    RenderError::Draw(e.to_string())
}

impl Picture {
    /// An empty picture of `size` pixels.
    pub fn new(size: (u32, u32)) -> Picture {
        Picture { size, ops: Vec::new() }
    }

    /// The backend to draw it on.
    pub fn backend(&mut self) -> Recorder<'_> {
        Recorder(self)
    }

    /// The picture as a file of `format`.
    pub fn encode(&self, format: Format) -> Result<Vec<u8>, RenderError> {
        match format {
            Format::Svg => self.svg().map(String::into_bytes),
            Format::Png => self.png(),
            Format::Pdf => Ok(self.pdf()),
        }
    }

    /// The picture as SVG text.
    pub fn svg(&self) -> Result<String, RenderError> {
        let mut out = String::new();
        {
            let mut svg = plotters::prelude::SVGBackend::with_string(&mut out, self.size);
            self.replay(&mut svg, 1, |db, text, spec, pos| db.draw_text(text, spec, pos).map_err(draw_err))?;
            svg.present().map_err(draw_err)?;
        }
        Ok(out)
    }

    /// Replays every primitive onto `db`, scaled by `k`; text goes to `text`.
    fn replay<DB: DrawingBackend>(
        &self,
        db: &mut DB,
        k: u32,
        mut text: impl FnMut(&mut DB, &str, &TextSpec, BackendCoord) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        let ki = k as i32;
        let at = |(x, y): BackendCoord| (x * ki, y * ki);
        let wide = |p: &Pen| Pen { color: p.color, width: p.width * k };
        for op in &self.ops {
            match op {
                Op::Pixel(p, c) if k == 1 => db.draw_pixel(*p, *c).map_err(draw_err)?,
                Op::Pixel(p, c) => {
                    let (x, y) = at(*p);
                    db.draw_rect((x, y), (x + ki - 1, y + ki - 1), &Pen { color: *c, width: 1 }, true)
                        .map_err(draw_err)?
                }
                Op::Line(a, b, p) => db.draw_line(at(*a), at(*b), &wide(p)).map_err(draw_err)?,
                Op::Rect(a, b, p, fill) => db.draw_rect(at(*a), at(*b), &wide(p), *fill).map_err(draw_err)?,
                Op::Path(pts, p) => db.draw_path(pts.iter().map(|&c| at(c)), &wide(p)).map_err(draw_err)?,
                Op::Circle(c, r, p, fill) => {
                    db.draw_circle(at(*c), r * k, &wide(p), *fill).map_err(draw_err)?
                }
                Op::Polygon(pts, p) => {
                    db.fill_polygon(pts.iter().map(|&c| at(c)), &wide(p)).map_err(draw_err)?
                }
                Op::Text(t, spec, pos) => {
                    let spec = TextSpec { size: spec.size * f64::from(k), ..spec.clone() };
                    text(db, t, &spec, at(*pos))?
                }
            }
        }
        Ok(())
    }

    fn png(&self) -> Result<Vec<u8>, RenderError> {
        let (w, h) = (self.size.0 * PNG_SCALE, self.size.1 * PNG_SCALE);
        let mut pixels = vec![255u8; w as usize * h as usize * 3];
        {
            let mut bmp = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut pixels, (w, h))
                .map_err(RenderError::draw)?;
            self.replay(&mut bmp, PNG_SCALE, glyphs)?;
            bmp.present().map_err(draw_err)?;
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let png = |e: png::EncodingError| RenderError::Png(e.to_string());
        let mut writer = encoder.write_header().map_err(png)?;
        writer.write_image_data(&pixels).map_err(png)?;
        writer.finish().map_err(png)?;
        Ok(out)
    }
}

/// The em of a text size: plotters' sizes are 1.24 times the font size (the SVG backend
/// writes `font-size` as size / 1.24).
fn em(spec: &TextSpec) -> f64 {
    spec.size / 1.24
}

/// Where the baseline sits below the anchor point, in ems, as the SVG backend places it
/// (`dy` of 0.76em at the top, half an ex, about 0.27em, at the centre and the bottom).
fn baseline(v: VPos) -> f64 {
    match v {
        VPos::Top => 0.76,
        VPos::Center => 0.27,
        VPos::Bottom => -0.27,
    }
}

/// The start of a text of `width` from its anchor.
fn start(h: HPos, width: f64) -> f64 {
    match h {
        HPos::Left => 0.0,
        HPos::Center => -width / 2.0,
        HPos::Right => -width,
    }
}

/// Where an offset from the anchor, in the text's own frame, lands on the page.
fn turn(t: &FontTransform, (x, y): (f64, f64)) -> (f64, f64) {
    match t {
        FontTransform::None => (x, y),
        FontTransform::Rotate90 => (-y, x),
        FontTransform::Rotate180 => (-x, -y),
        FontTransform::Rotate270 => (y, -x),
    }
}

static FONT_FILE: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

fn font() -> Result<&'static FontRef<'static>, RenderError> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_FILE).ok()).as_ref().ok_or(RenderError::Font)
}

/// Draws text onto a bitmap with the bundled font, anchored and turned as the SVG backend
/// would place it.
fn glyphs(
    db: &mut BitMapBackend<'_, RGBPixel>,
    text: &str,
    spec: &TextSpec,
    pos: BackendCoord,
) -> Result<(), RenderError> {
    let face = font()?;
    let em = em(spec);
    let units = f64::from(face.units_per_em().unwrap_or(2048.0));
    let scale = PxScale::from((em * f64::from(face.height_unscaled()) / units) as f32);
    let scaled = face.as_scaled(scale);
    let mut placed = Vec::new();
    let (mut x, mut prev) = (0f32, None);
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            x += scaled.kern(p, id);
        }
        placed.push((id, x));
        x += scaled.h_advance(id);
        prev = Some(id);
    }
    let x0 = start(spec.anchor.h_pos, f64::from(x)) as f32;
    let y0 = (baseline(spec.anchor.v_pos) * em) as f32;
    let mut dots = Vec::new();
    for (id, gx) in placed {
        let glyph = id.with_scale_and_position(scale, ab_glyph::point(x0 + gx, y0));
        if let Some(outline) = scaled.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|px, py, cover| {
                let (ux, uy) = (f64::from(b.min.x) + f64::from(px), f64::from(b.min.y) + f64::from(py));
                let (rx, ry) = turn(&spec.transform, (ux, uy));
                dots.push(((pos.0 + rx.round() as i32, pos.1 + ry.round() as i32), f64::from(cover)));
            });
        }
    }
    for (at, cover) in dots {
        if cover > 0.0 {
            db.draw_pixel(at, spec.color.mix(cover.min(1.0))).map_err(draw_err)?;
        }
    }
    Ok(())
}

/// Helvetica's advance widths (thousandths of an em) of the printable ASCII characters.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 to ?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ to O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P to _
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` to o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p to ~
];

/// A character in the PDF's WinAnsi encoding and its Helvetica width; `?` when it has none.
fn win_ansi(c: char) -> (u8, u16) {
    match c {
        ' '..='~' => (c as u8, HELVETICA[c as usize - 32]),
        '\u{a0}'..='\u{ff}' => (c as u32 as u8, 556),
        '\u{2013}' => (0x96, 556),
        '\u{2014}' => (0x97, 1000),
        '\u{2018}' => (0x91, 222),
        '\u{2019}' => (0x92, 222),
        '\u{201c}' => (0x93, 333),
        '\u{201d}' => (0x94, 333),
        '\u{2022}' => (0x95, 350),
        '\u{2026}' => (0x85, 1000),
        '\u{2212}' => (b'-', 333),
        _ => (b'?', 556),
    }
}

/// A number for a PDF operator: at most three decimals, no trailing zeros.
fn num(x: f64) -> String {
    let s = format!("{:.3}", if x.abs() < 5e-4 { 0.0 } else { x });
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// One PDF pixel: 0.75 point, so that 96 pixels make an inch, as in CSS.
const PT: f64 = 0.75;

/// The content stream of a PDF page and the transparency levels it uses.
struct PdfPage {
    height: f64,
    out: Vec<u8>,
    alphas: BTreeMap<String, String>,
}

impl PdfPage {
    fn op(&mut self, text: &str) {
        self.out.extend_from_slice(text.as_bytes());
        self.out.push(b'\n');
    }

    /// A point on the page (y upward).
    fn xy(&self, (x, y): (f64, f64)) -> String {
        format!("{} {}", num(x), num(self.height - y))
    }

    fn color(&mut self, c: BackendColor, stroke: bool) {
        let (r, g, b) = c.rgb;
        let rgb = format!(
            "{} {} {}",
            num(f64::from(r) / 255.0),
            num(f64::from(g) / 255.0),
            num(f64::from(b) / 255.0)
        );
        let alpha = num(c.alpha.clamp(0.0, 1.0));
        let n = self.alphas.len();
        let gs = self.alphas.entry(alpha).or_insert_with(|| format!("A{n}")).clone();
        self.op(&format!("/{gs} gs {rgb} {}", if stroke { "RG" } else { "rg" }));
    }

    fn stroke(&mut self, p: &Pen) {
        self.color(p.color, true);
        self.op(&format!("{} w", p.width));
    }

    fn path(&mut self, pts: &[BackendCoord]) {
        for (i, &(x, y)) in pts.iter().enumerate() {
            let at = self.xy((f64::from(x), f64::from(y)));
            self.op(&format!("{at} {}", if i == 0 { "m" } else { "l" }));
        }
    }

    fn circle(&mut self, (cx, cy): BackendCoord, r: u32) {
        let (cx, cy, r) = (f64::from(cx), f64::from(cy), f64::from(r));
        let k = r * 0.552_284_75;
        let seg = [
            ((cx + r, cy + k), (cx + k, cy + r), (cx, cy + r)),
            ((cx - k, cy + r), (cx - r, cy + k), (cx - r, cy)),
            ((cx - r, cy - k), (cx - k, cy - r), (cx, cy - r)),
            ((cx + k, cy - r), (cx + r, cy - k), (cx + r, cy)),
        ];
        let first = self.xy((cx + r, cy));
        self.op(&format!("{first} m"));
        for (a, b, c) in seg {
            let line = format!("{} {} {} c", self.xy(a), self.xy(b), self.xy(c));
            self.op(&line);
        }
    }

    fn text(&mut self, text: &str, spec: &TextSpec, (x, y): BackendCoord) {
        let em = em(spec);
        let coded: Vec<(u8, u16)> = text.chars().map(win_ansi).collect();
        let width = coded.iter().map(|&(_, w)| f64::from(w)).sum::<f64>() * em / 1000.0;
        let (dx, dy) =
            turn(&spec.transform, (start(spec.anchor.h_pos, width), baseline(spec.anchor.v_pos) * em));
        // The text's x axis and its upward axis on the page (whose y runs upward).
        let (ax, ay) = turn(&spec.transform, (1.0, 0.0));
        let (ux, uy) = turn(&spec.transform, (0.0, -1.0));
        self.color(spec.color, false);
        let at = self.xy((f64::from(x) + dx, f64::from(y) + dy));
        let head =
            format!("BT /F1 {} Tf {} {} {} {} {at} Tm (", num(em), num(ax), num(-ay), num(ux), num(-uy));
        self.out.extend_from_slice(head.as_bytes());
        for (byte, _) in coded {
            if matches!(byte, b'(' | b')' | b'\\') {
                self.out.push(b'\\');
            }
            self.out.push(byte);
        }
        self.out.extend_from_slice(b") Tj ET\n");
    }
}

impl Picture {
    /// The picture as a one-page PDF (1.4), uncompressed.
    fn pdf(&self) -> Vec<u8> {
        let (w, h) = (f64::from(self.size.0), f64::from(self.size.1));
        let mut page = PdfPage { height: h, out: Vec::new(), alphas: BTreeMap::new() };
        page.op(&format!("{PT} 0 0 {PT} 0 0 cm"));
        for op in &self.ops {
            match op {
                Op::Pixel((x, y), c) => {
                    page.color(*c, false);
                    let at = page.xy((f64::from(*x), f64::from(*y) + 1.0));
                    page.op(&format!("{at} 1 1 re f"));
                }
                Op::Line(a, b, p) => {
                    page.stroke(p);
                    page.path(&[*a, *b]);
                    page.op("S");
                }
                Op::Rect((x0, y0), (x1, y1), p, fill) => {
                    if *fill {
                        page.color(p.color, false);
                    } else {
                        page.stroke(p);
                    }
                    let (x0, y0, x1, y1) = (f64::from(*x0), f64::from(*y0), f64::from(*x1), f64::from(*y1));
                    let at = page.xy((x0.min(x1), y0.max(y1)));
                    page.op(&format!(
                        "{at} {} {} re {}",
                        num((x1 - x0).abs()),
                        num((y1 - y0).abs()),
                        if *fill { "f" } else { "S" }
                    ));
                }
                Op::Path(pts, p) => {
                    if pts.len() > 1 {
                        page.stroke(p);
                        page.path(pts);
                        page.op("S");
                    }
                }
                Op::Circle(c, r, p, fill) => {
                    if *fill {
                        page.color(p.color, false);
                    } else {
                        page.stroke(p);
                    }
                    page.circle(*c, *r);
                    page.op(if *fill { "f" } else { "S" });
                }
                Op::Polygon(pts, p) => {
                    if pts.len() > 2 {
                        page.color(p.color, false);
                        page.path(pts);
                        page.op("h f");
                    }
                }
                Op::Text(t, spec, pos) => page.text(t, spec, *pos),
            }
        }
        let mut states = String::new();
        for (alpha, name) in &page.alphas {
            let _ = write!(states, "/{name} << /CA {alpha} /ca {alpha} >> ");
        }
        let objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources << /Font << /F1 5 0 R >> /ExtGState << {states}>> >> /Contents 4 0 R >>",
                num(w * PT),
                num(h * PT)
            )
            .into_bytes(),
            [format!("<< /Length {} >>\nstream\n", page.out.len()).as_bytes(), &page.out, b"endstream"].concat(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        ];
        let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
        for o in offsets {
            let _ = writeln!(table, "{o:010} 00000 n ");
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        );
        out.extend_from_slice(table.as_bytes());
        out
    }
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
    fn pdf_cross_reference_offsets_point_at_their_objects() {
        let mut pic = Picture::new((100, 50));
        {
            let mut b = pic.backend();
            let pen = Pen { color: BackendColor { alpha: 0.5, rgb: (10, 20, 30) }, width: 2 };
            b.draw_line((0, 0), (100, 50), &pen).unwrap();
            b.draw_circle((50, 25), 5, &pen, true).unwrap();
        }
        let pdf = pic.encode(Format::Pdf).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        let start: usize =
            text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(pdf[start..].starts_with(b"xref\n0 6\n"));
        let table = String::from_utf8_lossy(&pdf[start..]).to_string();
        for (i, line) in table.lines().skip(3).take(5).enumerate() {
            let at: usize = line[..10].parse().unwrap();
            assert!(pdf[at..].starts_with(format!("{} 0 obj", i + 1).as_bytes()), "object {}", i + 1);
        }
        assert!(text.contains("/A0 << /CA 0.5 /ca 0.5 >>"));
        assert!(text.ends_with("%%EOF\n"));
    }
}
