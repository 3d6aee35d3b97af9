//! A small document model and its two renderings: one self-contained HTML page
//! (inline CSS and SVG, print styles, no scripts, no external references) and
//! Markdown for wikis (charts as SVG files beside it).
//!
//! Both renderings come from the same blocks, so the HTML and the Markdown say
//! the same thing.

use std::fmt::Write as _;

use super::rating::Rating;

/// A whole report.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    /// Title (the exercise or batch name).
    pub title: String,
    /// The kind of document ("After-Action Report / Improvement Plan").
    pub kind: String,
    /// One line under the title.
    pub subtitle: String,
    /// The body.
    pub blocks: Vec<Block>,
}

/// One piece of the body.
#[derive(Clone, Debug)]
pub enum Block {
    /// A numbered section heading (level 2) or a sub-heading (level 3).
    Heading {
        /// 2 or 3.
        level: u8,
        /// Anchor id.
        id: String,
        /// Text.
        text: String,
    },
    /// A paragraph.
    Para(String),
    /// A small explanatory paragraph.
    Aside(String),
    /// A bulleted list.
    Bullets(Vec<String>),
    /// Label and value pairs.
    Facts(Vec<(String, String)>),
    /// A table.
    Table(Table),
    /// A chart.
    Figure(Figure),
    /// A rating badge with a label.
    Rating {
        /// What is rated.
        label: String,
        /// The rating.
        rating: Rating,
    },
}

/// A table.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Column headings.
    pub head: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// Cells the planners may edit in the browser before printing.
    pub editable: bool,
}

/// A table cell.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    /// Text.
    pub text: String,
    /// A CSS class (ratings, yes/no, numbers).
    pub class: Option<&'static str>,
}

impl Cell {
    /// Plain text.
    pub fn text(t: impl Into<String>) -> Cell {
        Cell { text: t.into(), class: None }
    }

    /// A number (right-aligned).
    pub fn num(t: impl Into<String>) -> Cell {
        Cell { text: t.into(), class: Some("num") }
    }

    /// A rating.
    pub fn rating(r: Rating) -> Cell {
        Cell { text: r.label().to_string(), class: Some(r.css()) }
    }

    /// Text that should not wrap (dates, times).
    pub fn nowrap(t: impl Into<String>) -> Cell {
        Cell { text: t.into(), class: Some("nowrap") }
    }

    /// Yes (good) or no (bad).
    pub fn yes_no(good: bool, yes: &str, no: &str) -> Cell {
        if good {
            Cell { text: yes.to_string(), class: Some("good") }
        } else {
            Cell { text: no.to_string(), class: Some("bad") }
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::text(s)
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::text(s)
    }
}

/// A chart: an SVG document with a caption.
#[derive(Clone, Debug)]
pub struct Figure {
    /// File stem for the Markdown variant (`charts/<name>.svg`).
    pub name: String,
    /// Caption.
    pub caption: String,
    /// The SVG document (well-formed XML, no external references).
    pub svg: String,
}

/// Escapes text for HTML and XML (text and attribute values): the chart writer's escaping.
pub use ttx::chart::svg::esc;

const CSS: &str = r#"
:root { --ink: #1d2733; --muted: #5b6876; --rule: #d5dbe1; --band: #f3f5f7; --accent: #1f4e79; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; color: var(--ink);
  margin: 0; line-height: 1.45; font-size: 15px; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
header.cover { border-bottom: 4px solid var(--accent); padding-bottom: 12px; margin-bottom: 20px; }
header.cover .kind { text-transform: uppercase; letter-spacing: .08em; color: var(--accent); font-weight: 600; font-size: 13px; }
h1 { font-size: 30px; margin: 4px 0 6px; }
header.cover .subtitle { color: var(--muted); }
h2 { font-size: 22px; color: var(--accent); border-bottom: 1px solid var(--rule); padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 17px; margin: 24px 0 8px; }
p.aside { color: var(--muted); font-size: 13px; }
nav.toc { background: var(--band); border: 1px solid var(--rule); padding: 10px 18px; margin: 16px 0; font-size: 14px; }
nav.toc ol { margin: 4px 0; padding-left: 0; list-style: none; columns: 2; }
nav.toc a { color: var(--accent); text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: 10px 0 16px; font-size: 13.5px; }
th, td { border: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.facts th { width: 28%; }
td.nowrap { white-space: nowrap; }
td.clear { font-weight: 700; text-align: right; white-space: nowrap; }
td.good { color: #1b6e2d; font-weight: 600; }
td.bad { color: #a61b1b; font-weight: 600; }
.r-p { background: #d9f0dc; } .r-s { background: #fff3c4; } .r-m { background: #ffd9b3; } .r-u { background: #f6c3c3; } .r-n { background: #eceff1; }
td.r-p, td.r-s, td.r-m, td.r-u, td.r-n { font-weight: 600; }
p.rating { margin: 8px 0; }
p.rating span.badge { display: inline-block; padding: 3px 10px; border-radius: 3px; font-weight: 700; border: 1px solid rgba(0,0,0,.15); }
table.editable td { background: #fffef5; }
figure { margin: 12px 0 20px; page-break-inside: avoid; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
footer { margin-top: 40px; border-top: 1px solid var(--rule); padding-top: 8px; color: var(--muted); font-size: 12px; }
@media print {
  @page { size: letter; margin: 14mm 12mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0 2px; }
  nav.toc { display: none; }
  h2 { break-before: page; page-break-before: always; break-after: avoid; page-break-after: avoid; }
  h2.first { break-before: auto; page-break-before: auto; }
  h3 { break-after: avoid; page-break-after: avoid; }
  table { font-size: 9pt; }
  tr, figure, p.rating { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  table.editable td { background: none; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The Content-Security-Policy of every HTML report.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// Renders the document as one self-contained XHTML-compatible HTML page.
pub fn to_html(doc: &Doc) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n");
    h.push_str("<meta charset=\"utf-8\"/>\n");
    // Nothing in a report runs or is fetched: no scripts, no requests, styles only inline.
    let _ = writeln!(h, "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\"/>");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    let _ = writeln!(h, "<title>{} — {}</title>", esc(&doc.title), esc(&doc.kind));
    let _ = writeln!(h, "<style>{CSS}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(
        h,
        "<header class=\"cover\"><div class=\"kind\">{}</div><h1>{}</h1><div class=\"subtitle\">{}</div></header>",
        esc(&doc.kind),
        esc(&doc.title),
        esc(&doc.subtitle)
    );
    let sections: Vec<(&str, &str)> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level: 2, id, text } => Some((id.as_str(), text.as_str())),
            _ => None,
        })
        .collect();
    if !sections.is_empty() {
        h.push_str("<nav class=\"toc\"><strong>Contents</strong><ol>");
        for (id, text) in &sections {
            let _ = write!(h, "<li><a href=\"#{}\">{}</a></li>", esc(id), esc(text));
        }
        h.push_str("</ol></nav>\n");
    }
    let mut first = true;
    for b in &doc.blocks {
        match b {
            Block::Heading { level, id, text } => {
                let lv = (*level).clamp(2, 4);
                let class = if lv == 2 && first { " class=\"first\"" } else { "" };
                if lv == 2 {
                    first = false;
                }
                let _ = writeln!(h, "<h{lv} id=\"{}\"{class}>{}</h{lv}>", esc(id), esc(text));
            }
            Block::Para(t) => {
                let _ = writeln!(h, "<p>{}</p>", esc(t));
            }
            Block::Aside(t) => {
                let _ = writeln!(h, "<p class=\"aside\">{}</p>", esc(t));
            }
            Block::Bullets(items) => {
                h.push_str("<ul>");
                for i in items {
                    let _ = write!(h, "<li>{}</li>", esc(i));
                }
                h.push_str("</ul>\n");
            }
            Block::Facts(pairs) => {
                h.push_str("<table class=\"facts\"><tbody>");
                for (k, v) in pairs {
                    let _ = write!(h, "<tr><th scope=\"row\">{}</th><td>{}</td></tr>", esc(k), esc(v));
                }
                h.push_str("</tbody></table>\n");
            }
            Block::Table(t) => html_table(&mut h, t),
            Block::Figure(f) => {
                let _ = writeln!(
                    h,
                    "<figure id=\"fig-{}\">\n{}\n<figcaption>{}</figcaption></figure>",
                    esc(&f.name),
                    f.svg.trim(),
                    esc(&f.caption)
                );
            }
            Block::Rating { label, rating } => {
                let _ = writeln!(
                    h,
                    "<p class=\"rating\">{}: <span class=\"badge {}\">{}</span></p>",
                    esc(label),
                    rating.css(),
                    esc(rating.label())
                );
            }
        }
    }
    let _ = writeln!(
        h,
        "<footer>Drafted by ttx {} from the exercise record. Every number here can be reproduced from the same input.</footer>",
        esc(ttx_engine::VERSION)
    );
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn html_table(h: &mut String, t: &Table) {
    let class = if t.editable { " class=\"editable\"" } else { "" };
    let _ = write!(h, "<table{class}><thead><tr>");
    for c in &t.head {
        let _ = write!(h, "<th scope=\"col\">{}</th>", esc(c));
    }
    h.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        h.push_str("<tr>");
        for c in row {
            let class = c.class.map(|c| format!(" class=\"{c}\"")).unwrap_or_default();
            let edit = if t.editable { " contenteditable=\"true\"" } else { "" };
            let _ = write!(h, "<td{class}{edit}>{}</td>", esc(&c.text));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>\n");
}

/// Escapes text for a Markdown paragraph or table cell.
pub fn md_esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '|' => out.push_str("\\|"),
            // An underscore inside a word (metric names) is not emphasis in CommonMark.
            '_' if i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) =>
            {
                out.push('_')
            }
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Renders the document as Markdown; figures point at `{charts_dir}/{name}.svg`.
/// Returns the text and the charts to write beside it.
pub fn to_markdown(doc: &Doc, charts_dir: &str) -> (String, Vec<(String, String)>) {
    let mut m = String::new();
    let mut charts = Vec::new();
    let _ =
        writeln!(m, "# {}\n\n**{}** — {}\n", md_esc(&doc.title), md_esc(&doc.kind), md_esc(&doc.subtitle));
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text, .. } => {
                let _ = writeln!(m, "{} {}\n", "#".repeat(usize::from((*level).clamp(2, 4))), md_esc(text));
            }
            Block::Para(t) => {
                let _ = writeln!(m, "{}\n", md_esc(t));
            }
            Block::Aside(t) => {
                let _ = writeln!(m, "_{}_\n", md_esc(t));
            }
            Block::Bullets(items) => {
                for i in items {
                    let _ = writeln!(m, "- {}", md_esc(i));
                }
                m.push('\n');
            }
            Block::Facts(pairs) => {
                m.push_str("| | |\n|---|---|\n");
                for (k, v) in pairs {
                    let _ = writeln!(m, "| **{}** | {} |", md_esc(k), md_esc(v));
                }
                m.push('\n');
            }
            Block::Table(t) => {
                if t.head.is_empty() {
                    continue;
                }
                let _ =
                    writeln!(m, "| {} |", t.head.iter().map(|c| md_esc(c)).collect::<Vec<_>>().join(" | "));
                let _ = writeln!(
                    m,
                    "|{}|",
                    t.rows
                        .first()
                        .unwrap_or(&vec![])
                        .iter()
                        .map(|c| if c.class == Some("num") { "---:" } else { "---" })
                        .chain(std::iter::repeat("---"))
                        .take(t.head.len())
                        .collect::<Vec<_>>()
                        .join("|")
                );
                for row in &t.rows {
                    let _ = writeln!(
                        m,
                        "| {} |",
                        row.iter().map(|c| md_esc(&c.text)).collect::<Vec<_>>().join(" | ")
                    );
                }
                m.push('\n');
            }
            Block::Figure(f) => {
                let file = format!("{}.svg", f.name);
                let _ = writeln!(
                    m,
                    "![{}]({}/{})\n\n_{}_\n",
                    md_esc(&f.caption),
                    charts_dir,
                    file,
                    md_esc(&f.caption)
                );
                charts.push((file, f.svg.clone()));
            }
            Block::Rating { label, rating } => {
                let _ = writeln!(m, "{}: **{}**\n", md_esc(label), rating.label());
            }
        }
    }
    let _ = writeln!(m, "---\n\n_Drafted by ttx {} from the exercise record._", ttx_engine::VERSION);
    (m, charts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Doc {
        Doc {
            title: "A & B <test>".into(),
            kind: "After-Action Report".into(),
            subtitle: "seed 1".into(),
            blocks: vec![
                Block::Heading { level: 2, id: "one".into(), text: "One".into() },
                Block::Para("x < y | z".into()),
                Block::Table(Table {
                    head: vec!["a".into(), "b".into()],
                    rows: vec![vec![Cell::text("1|2"), Cell::num("3")]],
                    editable: true,
                }),
                Block::Rating { label: "Cap".into(), rating: Rating::SomeChallenges },
            ],
        }
    }

    #[test]
    fn html_escapes_and_parses_as_xml() {
        let h = to_html(&sample());
        assert!(h.contains("A &amp; B &lt;test&gt;"));
        let opt = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
        roxmltree::Document::parse_with_options(&h, opt).expect("well-formed");
        assert!(h.contains("contenteditable=\"true\""));
    }

    #[test]
    fn markdown_escapes_table_pipes() {
        let (m, charts) = to_markdown(&sample(), "c");
        assert!(m.contains("| 1\\|2 | 3 |"));
        assert!(m.contains("|---|---:|"));
        assert!(m.contains("Performed with Some Challenges"));
        assert!(charts.is_empty());
    }
}
