//! Makes an SVG file from a batch directory safe to inline in a report: it
//! must parse as XML, and it keeps only SVG elements and attributes that
//! cannot run code or fetch anything (no scripts, no event handlers, no
//! foreign objects, no references outside the document). Element ids get a
//! prefix so that several inlined plots cannot clash.

use std::fmt::Write as _;

use super::doc::esc;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const DROPPED: &[&str] =
    &["script", "foreignObject", "iframe", "object", "embed", "audio", "video", "handler"];

/// Why a plot could not be inlined.
#[derive(Debug)]
pub enum SvgError {
    /// Not XML.
    NotXml(String),
    /// The root is not `<svg>`.
    NotSvg,
}

impl std::fmt::Display for SvgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SvgError::NotXml(e) => write!(f, "not well-formed XML ({e})"),
            SvgError::NotSvg => f.write_str("its root element is not <svg>"),
        }
    }
}

impl std::error::Error for SvgError {}

fn is_local(v: &str) -> bool {
    let v = v.trim();
    v.starts_with('#') || v.starts_with("data:image/")
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
        let id = inner.strip_prefix('#')?;
        let _ = write!(out, "url(#{prefix}{id})");
        rest = &after[end + 1..];
    }
    if rest.contains("@import") || rest.contains("javascript:") || rest.contains("expression(") {
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
    if root.tag_name().name() != "svg" {
        return Err(SvgError::NotSvg);
    }
    let mut out = String::new();
    write_node(&mut out, root, prefix, true);
    Ok(out)
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
    let ns_ok = matches!(tag.namespace(), None | Some(SVG_NS));
    let name = tag.name();
    if !ns_ok || DROPPED.contains(&name) {
        return;
    }
    // A picture from elsewhere would be fetched: keep only embedded ones.
    if name == "image"
        && !node.attributes().any(|a| a.name() == "href" && a.value().trim().starts_with("data:image/"))
    {
        return;
    }
    let _ = write!(out, "<{name}");
    if is_root {
        let _ = write!(out, " xmlns=\"{SVG_NS}\"");
    }
    for a in node.attributes() {
        let an = a.name();
        let val = a.value();
        let href = an == "href" && matches!(a.namespace(), None | Some(XLINK_NS));
        if a.namespace().is_some() && !href {
            continue;
        }
        if an.to_ascii_lowercase().starts_with("on") || an == "xmlns" {
            continue;
        }
        if href || an == "src" {
            if !is_local(val) {
                continue;
            }
            let v = match val.strip_prefix('#') {
                Some(id) => format!("#{prefix}{id}"),
                None => val.to_string(),
            };
            let _ = write!(out, " href=\"{}\"", esc(&v));
            continue;
        }
        let v = if an == "id" {
            format!("{prefix}{val}")
        } else {
            match rewrite_urls(val, prefix) {
                Some(v) => v,
                None => continue,
            }
        };
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

    #[test]
    fn rejects_what_is_not_svg() {
        assert!(matches!(inline_svg("<html/>", "x"), Err(SvgError::NotSvg)));
        assert!(matches!(inline_svg("<svg", "x"), Err(SvgError::NotXml(_))));
    }
}
