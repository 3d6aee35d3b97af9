//! Makes an SVG file from a batch directory safe to inline in a report.
//!
//! It must parse as XML, and only what is on the allow-lists below is kept:
//! drawing elements (no scripts, no animation, no links, no foreign objects,
//! no pictures) and presentation attributes (no event handlers, no
//! `attributeName`). Names are matched without regard to case, because an
//! HTML page reads `<SET>` as `<set>`, and written in their proper SVG
//! spelling. The only references kept are to ids inside the same plot
//! (`href="#id"`, `url(#id)`); a `javascript:` or `data:` URL, or anything
//! else, is dropped. Element ids get a prefix so that several inlined plots
//! cannot clash. The report's Content-Security-Policy forbids scripts as a
//! second line of defence.

use std::fmt::Write as _;

use super::doc::esc;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";

/// The elements kept (with their children); anything else is dropped with its children.
const ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "defs",
    "title",
    "desc",
    "style",
    "symbol",
    "use",
    "marker",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "textPath",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "pattern",
];

/// The attributes kept (ids are prefixed, `href` must name a local id, values with `url(...)`
/// must only reference local ids).
const ATTRIBUTES: &[&str] = &[
    "id",
    "class",
    "style",
    "href",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "dx",
    "dy",
    "width",
    "height",
    "d",
    "points",
    "pathLength",
    "transform",
    "viewBox",
    "preserveAspectRatio",
    "version",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "opacity",
    "color",
    "paint-order",
    "visibility",
    "display",
    "shape-rendering",
    "text-rendering",
    "vector-effect",
    "clip-path",
    "clip-rule",
    "clipPathUnits",
    "mask",
    "maskUnits",
    "maskContentUnits",
    "marker-start",
    "marker-mid",
    "marker-end",
    "markerWidth",
    "markerHeight",
    "markerUnits",
    "refX",
    "refY",
    "orient",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "patternUnits",
    "patternContentUnits",
    "patternTransform",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "font-variant",
    "text-anchor",
    "text-decoration",
    "dominant-baseline",
    "alignment-baseline",
    "baseline-shift",
    "letter-spacing",
    "word-spacing",
    "writing-mode",
    "rotate",
    "textLength",
    "lengthAdjust",
    "startOffset",
];

/// The allow-listed spelling of `name`, matched without regard to case.
fn allowed(list: &'static [&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|a| a.eq_ignore_ascii_case(name))
}

/// Why a plot could not be inlined.
#[derive(Clone, Debug, thiserror::Error)]
pub enum SvgError {
    /// Not XML.
    #[error("not well-formed XML ({0})")]
    NotXml(String),
    /// The root is not `<svg>`.
    #[error("its root element is not <svg>")]
    NotSvg,
}

/// Rewrites `url(#id)` references to the prefixed ids; `None` if it references anything outside.
fn rewrite_urls(v: &str, prefix: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find("url(") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let end = after.find(')')?;
        let inner = after[..end].trim().trim_matches(|c| c == '\'' || c == '"');
        let id = local_id(inner)?;
        let _ = write!(out, "url(#{prefix}{id})");
        rest = &after[end + 1..];
    }
    let lower = rest.to_ascii_lowercase();
    if ["@import", "javascript:", "data:", "expression(", "\\"].iter().any(|w| lower.contains(w)) {
        return None;
    }
    out.push_str(rest);
    Some(out)
}

/// Returns the sanitized SVG (without XML declaration or doctype), ids prefixed with `prefix`.
pub fn inline_svg(text: &str, prefix: &str) -> Result<String, SvgError> {
    let opt = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc =
        roxmltree::Document::parse_with_options(text, opt).map_err(|e| SvgError::NotXml(e.to_string()))?;
    let root = doc.root_element();
    if !root.tag_name().name().eq_ignore_ascii_case("svg") {
        return Err(SvgError::NotSvg);
    }
    let mut out = String::new();
    write_node(&mut out, root, prefix, true);
    Ok(out)
}

/// The id a local reference (`#id`) names; `None` for anything else (`javascript:`, `data:`, a file).
fn local_id(v: &str) -> Option<&str> {
    let id = v.trim().strip_prefix('#')?;
    id.chars().all(|c| c.is_alphanumeric() || "-_.:".contains(c)).then_some(id)
}

fn write_node(out: &mut String, node: roxmltree::Node, prefix: &str, is_root: bool) {
    if node.is_text() {
        if let Some(t) = node.text() {
            out.push_str(&esc(t));
        }
        return;
    }
    if !node.is_element() {
        return;
    }
    let tag = node.tag_name();
    if !matches!(tag.namespace(), None | Some(SVG_NS)) {
        return;
    }
    let Some(name) = allowed(ELEMENTS, tag.name()) else { return };
    let _ = write!(out, "<{name}");
    if is_root {
        let _ = write!(out, " xmlns=\"{SVG_NS}\"");
    }
    let mut seen: Vec<&str> = Vec::new();
    for a in node.attributes() {
        let Some(an) = allowed(ATTRIBUTES, a.name()) else { continue };
        let ns_ok = match a.namespace() {
            None => true,
            Some(XLINK_NS) => an == "href",
            Some(_) => false,
        };
        // One of each (`href` and `xlink:href` are the same attribute here).
        if !ns_ok || seen.contains(&an) {
            continue;
        }
        let val = a.value();
        let v = match an {
            "href" => match local_id(val) {
                Some(id) => format!("#{prefix}{id}"),
                None => continue,
            },
            "id" => format!("{prefix}{val}"),
            _ => match rewrite_urls(val, prefix) {
                Some(v) => v,
                None => continue,
            },
        };
        seen.push(an);
        let _ = write!(out, " {an}=\"{}\"", esc(&v));
    }
    if name == "style" {
        // Inline style sheets may import or fetch; keep them only when they reference nothing outside.
        let css: String = node.children().filter_map(|c| c.text()).collect();
        match rewrite_urls(&css, prefix) {
            Some(css) => {
                let _ = write!(out, ">{}</style>", esc(&css));
            }
            None => out.push_str("></style>"),
        }
        return;
    }
    if node.has_children() {
        out.push('>');
        for c in node.children() {
            write_node(out, c, prefix, false);
        }
        let _ = write!(out, "</{name}>");
    } else {
        out.push_str("/>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_scripts_handlers_and_external_references() {
        let src = r##"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" onload="alert(1)">
  <script>alert(1)</script>
  <defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>
  <rect width="5" height="5" fill="url(#g)" onclick="x()"/>
  <image xlink:href="http://example.com/a.png" width="1" height="1"/>
  <use href="#g"/>
  <foreignObject><div>x</div></foreignObject>
  <text x="1" y="1">a &amp; b</text>
</svg>"##;
        let out = inline_svg(src, "p0-").expect("sanitizes");
        assert!(!out.contains("script"));
        assert!(!out.contains("onload") && !out.contains("onclick"));
        assert!(!out.contains("http://example.com") && !out.contains("<image"));
        assert!(!out.contains("foreignObject"));
        assert!(out.contains("id=\"p0-g\""));
        assert!(out.contains("url(#p0-g)"));
        assert!(out.contains("href=\"#p0-g\""));
        assert!(out.contains("a &amp; b"));
        roxmltree::Document::parse(&out).expect("still parses");
    }

    /// What no sanitized plot may contain, in any case.
    fn assert_harmless(out: &str) {
        let lower = out.to_ascii_lowercase();
        for bad in [
            "javascript",
            "data:",
            "<script",
            "<set",
            "<animate",
            "<foreignobject",
            "<a ",
            "<a>",
            "<image",
            "<iframe",
            "attributename",
            " on",
            "xlink:",
            "alert(",
        ] {
            assert!(!lower.contains(bad), "`{bad}` survived in {out}");
        }
        roxmltree::Document::parse(out).expect("still parses");
    }

    #[test]
    fn hostile_plots_come_out_harmless() {
        let hostile = [
            // Animation that turns a link into script (the attack that worked on a ban-list).
            r#"<svg xmlns="http://www.w3.org/2000/svg"><a><rect width="9" height="9"/><set attributeName="href" to="JavaScript:alert(1)"/></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><animate attributeName="href" values="javascript:alert(1)"/><animateTransform attributeName="transform"/></svg>"#,
            // Mixed case: an HTML page reads these as <set>, <script>, onload.
            r#"<svg xmlns="http://www.w3.org/2000/svg"><SET attributeName="href" to="javascript:alert(1)"/><Script>alert(1)</Script><rect ONLOAD="alert(1)" OnClick="alert(1)" width="1"/></svg>"#,
            r#"<SVG xmlns="http://www.w3.org/2000/svg" onLoad="alert(1)"><rect width="1"/></SVG>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></body></foreignObject></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="javascript:alert(1)"/><use href=" JAVASCRIPT:alert(1)"/><use href="data:image/svg+xml;base64,PHN2Zz4="/><image href="data:image/png;base64,AA=="/></svg>"#,
            r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use href="#a" xlink:href="javascript:alert(1)"/><rect fill="url(javascript:alert(1))" style="background:url('data:text/html,x')" width="1"/></svg>"##,
            // Entities that expand to markup or to a URL.
            r#"<!DOCTYPE svg [<!ENTITY s "<script>alert(1)</script>"><!ENTITY j "javascript:alert(1)">]><svg xmlns="http://www.w3.org/2000/svg">&s;<use href="&j;"/><rect style="fill:url(&j;)"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><use href="&#106;avascript:alert(1)"/><style>@import url(http://x/y.css); rect { fill: url(javascript:alert(1)) }</style><style>rect { background: u\72l(ja\76ascript:alert(1)) }</style></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script><iframe src="javascript:alert(1)"/><handler>alert(1)</handler></svg>"#,
        ];
        for (i, src) in hostile.iter().enumerate() {
            let out = inline_svg(src, "p-").unwrap_or_else(|e| panic!("case {i} parses: {e}"));
            assert_harmless(&out);
        }
    }

    #[test]
    fn drawing_elements_and_attributes_keep_their_svg_spelling() {
        let src = r##"<svg xmlns="http://www.w3.org/2000/svg" VIEWBOX="0 0 10 10"><LinearGradient id="g"/><polyline points="0,0 1,1" stroke="#123" STROKE-WIDTH="2"/><text x="1" text-anchor="end" transform="rotate(90)">a</text></svg>"##;
        let out = inline_svg(src, "q-").unwrap();
        assert!(out.contains("viewBox=\"0 0 10 10\""), "{out}");
        assert!(out.contains("<linearGradient id=\"q-g\"/>"), "{out}");
        assert!(out.contains("stroke-width=\"2\""), "{out}");
        assert!(out.contains("transform=\"rotate(90)\""), "{out}");
    }

    #[test]
    fn rejects_what_is_not_svg() {
        assert!(matches!(inline_svg("<html/>", "x"), Err(SvgError::NotSvg)));
        assert!(matches!(inline_svg("<svg", "x"), Err(SvgError::NotXml(_))));
    }
}
