//! A [`Picture`] as a one-page PDF 1.4 of vector operators, uncompressed, text in
//! Helvetica (one of the fonts every PDF reader has, so nothing is embedded), 96 chart
//! pixels to the inch as in CSS.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Anchor, Paint, Picture, Pt, Shape, palette};

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
struct Page {
    height: f64,
    out: Vec<u8>,
    alphas: BTreeMap<String, String>,
}

impl Page {
    fn op(&mut self, text: &str) {
        self.out.extend_from_slice(text.as_bytes());
        self.out.push(b'\n');
    }

    /// A point on the page (y upward).
    fn xy(&self, (x, y): Pt) -> String {
        format!("{} {}", num(x), num(self.height - y))
    }

    fn color(&mut self, hex: &str, alpha: f64, stroke: bool) {
        let (r, g, b) = palette::rgb(hex);
        let rgb = format!(
            "{} {} {}",
            num(f64::from(r) / 255.0),
            num(f64::from(g) / 255.0),
            num(f64::from(b) / 255.0)
        );
        let alpha = num(alpha.clamp(0.0, 1.0));
        let n = self.alphas.len();
        let gs = self.alphas.entry(alpha).or_insert_with(|| format!("A{n}")).clone();
        self.op(&format!("/{gs} gs {rgb} {}", if stroke { "RG" } else { "rg" }));
    }

    fn path(&mut self, pts: &[Pt]) {
        for (i, &p) in pts.iter().enumerate() {
            let at = self.xy(p);
            self.op(&format!("{at} {}", if i == 0 { "m" } else { "l" }));
        }
    }

    fn circle(&mut self, (cx, cy): Pt, r: f64) {
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

    /// Fills and strokes the current path as `paint` says (`closed`: a closed shape).
    fn paint(&mut self, paint: &Paint, closed: bool) {
        let fill = paint.fill.filter(|_| closed);
        if let Some(f) = fill {
            self.color(f, paint.opacity, false);
        }
        if let Some(s) = paint.stroke {
            self.color(s, 1.0, true);
            let dash = paint
                .dash
                .map_or("[] 0 d".to_string(), |(on, off)| format!("[{} {}] 0 d", num(on), num(off)));
            self.op(&format!("{} w {dash}", num(paint.width)));
        }
        let op = match (fill.is_some(), paint.stroke.is_some(), closed) {
            (true, true, _) => "b",
            (true, false, _) => "f",
            (false, true, true) => "s",
            (false, true, false) => "S",
            (false, false, _) => "n",
        };
        self.op(op);
    }

    fn text(&mut self, text: &str, size: f64, anchor: Anchor, up: bool, (x, y): Pt) {
        let coded: Vec<(u8, u16)> = text.chars().map(win_ansi).collect();
        let width = coded.iter().map(|&(_, w)| f64::from(w)).sum::<f64>() * size / 1000.0;
        let dx = match anchor {
            Anchor::Start => 0.0,
            Anchor::Middle => -width / 2.0,
            Anchor::End => -width,
        };
        // The text's x axis on the page (y upward) and where it starts.
        let (ax, ay, start) = if up { (0.0, 1.0, (x, y - dx)) } else { (1.0, 0.0, (x + dx, y)) };
        let at = self.xy(start);
        let head =
            format!("BT /F1 {} Tf {} {} {} {} {at} Tm (", num(size), num(ax), num(ay), num(-ay), num(ax));
        self.out.extend_from_slice(head.as_bytes());
        for (byte, _) in coded {
            if matches!(byte, b'(' | b')' | b'\\') {
                self.out.push(b'\\');
            }
            self.out.push(byte);
        }
        self.out.extend_from_slice(b") Tj ET\n");
    }

    fn item(&mut self, shape: &Shape, paint: &Paint) {
        match shape {
            Shape::Rect((x, y), w, h) => {
                let at = self.xy((*x, y + h));
                self.op(&format!("{at} {} {} re", num(*w), num(*h)));
                self.paint(paint, true);
            }
            Shape::Line(pts) if pts.len() > 1 => {
                self.path(pts);
                self.paint(paint, false);
            }
            Shape::Line(_) => {}
            Shape::Strokes(segs) => {
                for (a, b) in segs {
                    self.path(&[*a, *b]);
                }
                self.paint(paint, false);
            }
            Shape::Polygon(pts) if pts.len() > 2 => {
                self.path(pts);
                self.op("h");
                self.paint(paint, true);
            }
            Shape::Polygon(_) => {}
            Shape::Circle(c, r) => {
                self.circle(*c, *r);
                self.paint(paint, true);
            }
            Shape::Text { at, text, size, anchor, up, .. } => {
                if let Some(c) = paint.fill {
                    self.color(c, 1.0, false);
                    self.text(text, *size, *anchor, *up, *at);
                }
            }
        }
    }
}

/// The picture as a one-page PDF (1.4), uncompressed.
pub fn pdf(pic: &Picture) -> Vec<u8> {
    let mut page = Page { height: pic.height, out: Vec::new(), alphas: BTreeMap::new() };
    page.op(&format!("{PT} 0 0 {PT} 0 0 cm"));
    for item in &pic.items {
        page.item(&item.shape, &item.paint);
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
            num(pic.width * PT),
            num(pic.height * PT)
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
    let _ =
        write!(table, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1);
    out.extend_from_slice(table.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Paint, Picture, palette};
    use super::*;

    #[test]
    fn cross_reference_offsets_point_at_their_objects() {
        let mut pic = Picture::new(100.0, 50.0, "test");
        pic.line((0.0, 0.0), (100.0, 50.0), Paint::stroke(palette::BLUE, 2.0));
        pic.circle((50.0, 25.0), 5.0, Paint::fill(palette::RED).faded(0.5));
        pic.text((10.0, 10.0), "a (b)", 10.0, Anchor::Start, palette::INK);
        let pdf = pdf(&pic);
        let text = String::from_utf8_lossy(&pdf);
        let start: usize =
            text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(pdf[start..].starts_with(b"xref\n0 6\n"));
        let table = String::from_utf8_lossy(&pdf[start..]).to_string();
        for (i, line) in table.lines().skip(3).take(5).enumerate() {
            let at: usize = line[..10].parse().unwrap();
            assert!(pdf[at..].starts_with(format!("{} 0 obj", i + 1).as_bytes()), "object {}", i + 1);
        }
        assert!(text.contains("/A1 << /CA 0.5 /ca 0.5 >>"), "{text}");
        assert!(text.contains("(a \\(b\\)) Tj ET"), "{text}");
        assert!(text.ends_with("%%EOF\n"));
    }
}
