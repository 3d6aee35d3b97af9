//! A [`Picture`] as a PNG at [`PNG_SCALE`] times its size, drawn with plotters' bitmap
//! rasteriser, text with the bundled DejaVu Sans, so no system font is read.

use ab_glyph::{Font as _, ScaleFont as _};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, DrawingBackend, DrawingErrorKind};
use plotters_bitmap::BitMapBackend;
use plotters_bitmap::bitmap_pixel::RGBPixel;

use super::{Anchor, Paint, Picture, Pt, RenderError, Shape, palette};

/// The pixels a PNG has per chart pixel, each way.
pub const PNG_SCALE: u32 = 2;

const K: f64 = PNG_SCALE as f64;

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

fn colour(hex: &str, alpha: f64) -> BackendColor {
    BackendColor { alpha, rgb: palette::rgb(hex) }
}

fn draw_err<E: std::error::Error + Send + Sync>(e: DrawingErrorKind<E>) -> RenderError {
    RenderError::Draw(e.to_string())
}

type Bitmap<'a> = BitMapBackend<'a, RGBPixel>;

/// A chart point in bitmap pixels.
fn at((x, y): Pt) -> BackendCoord {
    ((x * K).round() as i32, (y * K).round() as i32)
}

/// The pieces of a line drawn with dashes `on` long and `off` apart.
fn dashes(pts: &[Pt], on: f64, off: f64) -> Vec<Vec<Pt>> {
    let mut out = Vec::new();
    for w in pts.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
        let mut s = 0.0;
        while s < len && on > 0.0 {
            let e = (s + on).min(len);
            let p = |t: f64| (x0 + (x1 - x0) * t / len, y0 + (y1 - y0) * t / len);
            out.push(vec![p(s), p(e)]);
            s = e + off;
        }
    }
    out
}

fn stroke_path(db: &mut Bitmap<'_>, pts: &[Pt], paint: &Paint) -> Result<(), RenderError> {
    let Some(c) = paint.stroke else { return Ok(()) };
    let pen = Pen { color: colour(c, 1.0), width: (paint.width * K).round().max(1.0) as u32 };
    let pieces = match paint.dash {
        Some((on, off)) => dashes(pts, on, off),
        None => vec![pts.to_vec()],
    };
    for piece in pieces {
        db.draw_path(piece.iter().map(|&p| at(p)), &pen).map_err(draw_err)?;
    }
    Ok(())
}

fn draw_item(db: &mut Bitmap<'_>, shape: &Shape, paint: &Paint) -> Result<(), RenderError> {
    let fill = paint.fill.map(|c| Pen { color: colour(c, paint.opacity), width: 1 });
    match shape {
        Shape::Rect((x, y), w, h) => {
            let (a, b) = (at((*x, *y)), at((x + w, y + h)));
            if let Some(f) = fill {
                db.draw_rect(a, (b.0 - 1, b.1 - 1), &f, true).map_err(draw_err)?;
            }
            let corners = [(*x, *y), (x + w, *y), (x + w, y + h), (*x, y + h), (*x, *y)];
            stroke_path(db, &corners, paint)?;
        }
        Shape::Line(pts) => stroke_path(db, pts, paint)?,
        Shape::Strokes(segs) => {
            for (a, b) in segs {
                stroke_path(db, &[*a, *b], paint)?;
            }
        }
        Shape::Polygon(pts) => {
            if let Some(f) = fill {
                db.fill_polygon(pts.iter().map(|&p| at(p)), &f).map_err(draw_err)?;
            }
        }
        Shape::Circle(c, r) => {
            let r = (r * K).round() as u32;
            if let Some(f) = fill {
                db.draw_circle(at(*c), r, &f, true).map_err(draw_err)?;
            }
            if let Some(s) = paint.stroke {
                let pen = Pen { color: colour(s, 1.0), width: (paint.width * K).round().max(1.0) as u32 };
                db.draw_circle(at(*c), r, &pen, false).map_err(draw_err)?;
            }
        }
        Shape::Text { at: p, text, size, anchor, up, .. } => {
            if let Some(c) = paint.fill {
                glyphs(db, text, size * K, *anchor, *up, at(*p), colour(c, 1.0))?;
            }
        }
    }
    Ok(())
}

/// Draws text with the bundled font, its baseline's anchor at `pos`, turned a quarter left
/// when `up`.
fn glyphs(
    db: &mut Bitmap<'_>,
    text: &str,
    size: f64,
    anchor: Anchor,
    up: bool,
    pos: BackendCoord,
    color: BackendColor,
) -> Result<(), RenderError> {
    let face = super::font()?;
    let scale = super::scale(face, size);
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
    let x0 = match anchor {
        Anchor::Start => 0.0,
        Anchor::Middle => -x / 2.0,
        Anchor::End => -x,
    };
    let mut dots = Vec::new();
    for (id, gx) in placed {
        let glyph = id.with_scale_and_position(scale, ab_glyph::point(x0 + gx, 0.0));
        if let Some(outline) = scaled.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|px, py, cover| {
                let (ux, uy) = (f64::from(b.min.x) + f64::from(px), f64::from(b.min.y) + f64::from(py));
                let (rx, ry) = if up { (uy, -ux) } else { (ux, uy) };
                dots.push(((pos.0 + rx.round() as i32, pos.1 + ry.round() as i32), f64::from(cover)));
            });
        }
    }
    for (p, cover) in dots {
        if cover > 0.0 {
            db.draw_pixel(p, color.mix(cover.min(1.0))).map_err(draw_err)?;
        }
    }
    Ok(())
}

/// The picture as a PNG file.
pub fn png(pic: &Picture) -> Result<Vec<u8>, RenderError> {
    let (w, h) = ((pic.width * K).round() as u32, (pic.height * K).round() as u32);
    let mut pixels = vec![255u8; w as usize * h as usize * 3];
    {
        let mut bmp = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut pixels, (w, h))
            .map_err(|e| RenderError::Draw(e.to_string()))?;
        for item in &pic.items {
            draw_item(&mut bmp, &item.shape, &item.paint)?;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_cover_the_line_with_gaps() {
        let d = dashes(&[(0.0, 0.0), (10.0, 0.0)], 4.0, 3.0);
        assert_eq!(d, vec![vec![(0.0, 0.0), (4.0, 0.0)], vec![(7.0, 0.0), (10.0, 0.0)]]);
    }
}
