//! The AAR's section of the notes taken during the exercise.

use std::collections::BTreeMap;

use ttx_engine::Tick;
use ttx_engine::journal::Record;

use crate::report::doc::{Block, Doc};

use super::analysis::Analysis;
use super::document::{h2, h3, slug};

pub(super) fn notes_section(doc: &mut Doc, a: &Analysis) {
    let reg = a.sim.registry();
    h2(doc, "notes", "7. Discussion notes");
    if a.notes.is_empty() {
        doc.blocks.push(Block::Para(
            "The journal holds no discussion notes. In `ttx play` the facilitator types the room's answers at each module break; they appear here by module and question.".into(),
        ));
    }
    // (module index or none, question or none) -> notes, in journal order.
    struct N<'a> {
        time: &'a str,
        author: Option<&'a str>,
        text: &'a str,
        question_text: Option<&'a str>,
    }
    let mut by: BTreeMap<(usize, Option<usize>), Vec<N>> = BTreeMap::new();
    let other = reg.modules.len();
    for r in &a.notes {
        let Record::Note { tick, time, module, question, question_text, author, text } = r else { continue };
        let mi = match module {
            Some(id) => reg.modules.iter().position(|m| &m.id == id).unwrap_or(other),
            None => reg.module_at(Tick(*tick)).map_or(other, |m| m.ix()),
        };
        by.entry((mi, *question)).or_default().push(N {
            time,
            author: author.as_deref(),
            text,
            question_text: question_text.as_deref(),
        });
    }
    for (mi, md) in reg.modules.iter().enumerate() {
        let has_notes = by.keys().any(|k| k.0 == mi);
        if !has_notes && a.notes.is_empty() {
            continue;
        }
        h3(doc, &format!("notes-{}", slug(&md.id)), &md.title);
        let note_lines = |ns: &Vec<N>| -> Vec<String> {
            ns.iter()
                .map(|n| match n.author {
                    Some(au) => format!("{} — {}: {}", n.time, au, n.text),
                    None => format!("{} — {}", n.time, n.text),
                })
                .collect()
        };
        if let Some(ns) = by.get(&(mi, None)) {
            doc.blocks.push(Block::Para("General discussion:".into()));
            doc.blocks.push(Block::Bullets(note_lines(ns)));
        }
        let mut questions: Vec<usize> = (0..md.questions.len()).collect();
        for k in by.keys().filter(|k| k.0 == mi) {
            if let Some(q) = k.1
                && !questions.contains(&q)
            {
                questions.push(q);
            }
        }
        for q in questions {
            let ns = by.get(&(mi, Some(q)));
            let text = md
                .questions
                .get(q)
                .map(String::as_str)
                .or_else(|| ns.and_then(|v| v.iter().find_map(|n| n.question_text)))
                .unwrap_or("(question not in the scenario)");
            doc.blocks.push(Block::Para(format!("Q{}. {}", q + 1, text)));
            doc.blocks.push(Block::Bullets(match ns {
                Some(ns) => note_lines(ns),
                None => vec!["No notes recorded.".into()],
            }));
        }
    }
    let rest: Vec<_> = by.iter().filter(|(k, _)| k.0 == other).collect();
    if !rest.is_empty() {
        h3(doc, "notes-other", "Other notes");
        for ((_, q), ns) in rest {
            if let Some(q) = q {
                let qt = ns.iter().find_map(|n| n.question_text).unwrap_or("");
                doc.blocks.push(Block::Para(format!("Q{}. {}", q + 1, qt)));
            }
            doc.blocks.push(Block::Bullets(
                ns.iter()
                    .map(|n| {
                        format!(
                            "{} — {}{}",
                            n.time,
                            n.author.map(|a| format!("{a}: ")).unwrap_or_default(),
                            n.text
                        )
                    })
                    .collect(),
            ));
        }
    }
}
