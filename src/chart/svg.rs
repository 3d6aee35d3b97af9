//! A [`Picture`] as SVG 1.1 text: one element per shape, coordinates to a tenth of a pixel,
//! tooltips as `<title>`, text in [`FONT`](super::FONT) left to the viewer; no scripts, no
//! external references, the same picture the same bytes.

use std::fmt::Write as _;

use super::{Anchor, Item, Paint, Picture, Shape};

/// Text safe inside an XML element or attribute.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate to a tenth of a pixel, whole numbers without a decimal point.
fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() { format!("{}", r as i64) } else { format!("{r:.1}") }
}

fn points(pts: &[(f64, f64)]) -> String {
    pts.iter().map(|(x, y)| format!("{},{}", n(*x), n(*y))).collect::<Vec<_>>().join(" ")
}

/// The paint's attributes, each with a leading space.
fn paint(p: &Paint) -> String {
    let mut a = String::new();
    let _ = write!(a, " fill=\"{}\"", p.fill.unwrap_or("none"));
    if p.fill.is_some() && p.opacity < 1.0 {
        let _ = write!(a, " fill-opacity=\"{}\"", (p.opacity * 100.0).round() / 100.0);
    }
    if let Some(s) = p.stroke {
        let _ = write!(a, " stroke=\"{s}\" stroke-width=\"{}\"", n(p.width));
        if let Some((on, off)) = p.dash {
            let _ = write!(a, " stroke-dasharray=\"{} {}\"", n(on), n(off));
        }
    }
    a
}

fn element(out: &mut String, item: &Item) {
    let p = paint(&item.paint);
    let (name, attrs, body) = match &item.shape {
        Shape::Rect((x, y), w, h) => (
            "rect",
            format!("x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{p}", n(*x), n(*y), n(*w), n(*h)),
            None,
        ),
        Shape::Line(pts) if pts.len() == 2 => {
            let ((x1, y1), (x2, y2)) = (pts[0], pts[1]);
            ("line", format!("x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{p}", n(x1), n(y1), n(x2), n(y2)), None)
        }
        Shape::Line(pts) => {
            if pts.is_empty() {
                return;
            }
            ("polyline", format!("points=\"{}\"{p} stroke-linejoin=\"round\"", points(pts)), None)
        }
        Shape::Strokes(segs) => {
            let mut d = String::new();
            for ((x1, y1), (x2, y2)) in segs {
                let _ = write!(d, "M{} {}L{} {}", n(*x1), n(*y1), n(*x2), n(*y2));
            }
            ("path", format!("d=\"{d}\"{p}"), None)
        }
        Shape::Polygon(pts) => ("polygon", format!("points=\"{}\"{p}", points(pts)), None),
        Shape::Circle((cx, cy), r) => {
            ("circle", format!("cx=\"{}\" cy=\"{}\" r=\"{}\"{p}", n(*cx), n(*cy), n(*r)), None)
        }
        Shape::Text { at: (x, y), text, size, anchor, bold, up } => {
            let anchor = match anchor {
                Anchor::Start => "start",
                Anchor::Middle => "middle",
                Anchor::End => "end",
            };
            let mut a = format!(
                "x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\"{p}",
                n(*x),
                n(*y),
                n(*size)
            );
            if *bold {
                a.push_str(" font-weight=\"bold\"");
            }
            if *up {
                let _ = write!(a, " transform=\"rotate(-90 {} {})\"", n(*x), n(*y));
            }
            ("text", a, Some(esc(text)))
        }
    };
    let title = item.title.as_deref().map(|t| format!("<title>{}</title>", esc(t)));
    match (body, title) {
        (None, None) => {
            let _ = writeln!(out, "<{name} {attrs}/>");
        }
        (body, title) => {
            let inner = format!("{}{}", title.unwrap_or_default(), body.unwrap_or_default());
            let _ = writeln!(out, "<{name} {attrs}>{inner}</{name}>");
        }
    }
}

/// The picture as an SVG document.
pub fn svg(pic: &Picture) -> String {
    let mut body = String::new();
    for item in &pic.items {
        element(&mut body, item);
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{label}\" font-family=\"{font}\">\n<title>{label}</title>\n<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n{body}</svg>\n",
        label = esc(&pic.label),
        font = super::FONT,
        w = n(pic.width),
        h = n(pic.height),
    )
}

#[cfg(test)]
mod tests {
    use super::super::{Paint, Picture, palette};
    use super::*;

    #[test]
    fn shapes_are_written_with_tooltips_and_escaped_text() {
        let mut pic = Picture::new(100.0, 50.0, "A & B");
        pic.add_titled(
            Shape::Circle((10.0, 10.25), 3.0),
            Paint::both(palette::BLUE, palette::INK),
            Some("x < y"),
        );
        pic.line((0.0, 0.0), (5.0, 5.0), Paint::stroke(palette::GREY, 1.5).dashed(4.0, 3.0));
        pic.text((1.0, 2.0), "a<b", 10.0, Anchor::End, palette::INK);
        pic.rect(0.0, 0.0, 10.0, 10.0, Paint::fill(palette::SKY).faded(0.75));
        let s = svg(&pic);
        assert!(s.contains("<circle cx=\"10\" cy=\"10.3\" r=\"3\" fill=\"#0072B2\" stroke=\"#1d2733\" stroke-width=\"1\"><title>x &lt; y</title></circle>"), "{s}");
        assert!(s.contains("stroke-dasharray=\"4 3\""), "{s}");
        assert!(s.contains(">a&lt;b</text>"), "{s}");
        assert!(s.contains("fill-opacity=\"0.75\""), "{s}");
        assert!(s.contains("aria-label=\"A &amp; B\""), "{s}");
        roxmltree::Document::parse(&s).expect("parses");
    }
}
