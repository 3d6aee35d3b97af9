//! The AAR's Exercise Evaluation Guide, media appendix, timeline marks and the section of
//! messages and bookmarks.

use std::collections::BTreeMap;

use ttx_engine::evaluation::ActionScore;
use ttx_engine::journal::Record;

use crate::report::doc::{Block, Cell, Doc, Table};
use crate::report::svg::{self, Marker, colour};

use super::analysis::Analysis;
use super::capabilities::{action_rating, worst};
use super::document::{h2, h3, slug};

/// The Exercise Evaluation Guide: the expected actions written as command patterns, per core
/// capability and per team, with what was done, when, and the rating.
pub(super) fn eeg_section(doc: &mut Doc, a: &Analysis) {
    if a.actions.is_empty() {
        return;
    }
    let reg = a.sim.registry();
    h3(doc, "eeg", "Exercise Evaluation Guide: expected actions");
    doc.blocks.push(Block::Aside(
        "Each expected action the scenario writes as a command pattern, compared with the commands carried out for the team (by its console, by the facilitator for its actors, or by its doctrine when nobody staffed it). Done within the hours allowed: performed without challenges; done later: with some challenges; not done: unable to be performed; its inject never fired: not rated. A capability takes the worst rating among its rated actions.".into(),
    ));
    let mut caps: Vec<Option<String>> = Vec::new();
    for x in &a.actions {
        if !caps.contains(&x.capability) {
            caps.push(x.capability.clone());
        }
    }
    // Capabilities in the order the evaluation lists them, actions naming none last.
    let order = |c: &Option<String>| {
        c.as_ref().map_or(usize::MAX, |n| {
            reg.spec.evaluation.capabilities.iter().position(|x| &x.name == n).unwrap_or(usize::MAX - 1)
        })
    };
    caps.sort_by_key(order);
    for cap in caps {
        let name = cap.clone().unwrap_or_else(|| "No core capability named".into());
        let mine: Vec<&ActionScore> = a.actions.iter().filter(|x| x.capability == cap).collect();
        doc.blocks.push(Block::Rating {
            label: format!("{name}: rating from expected actions"),
            rating: worst(mine.iter().map(|x| action_rating(x.rating))),
        });
        let mut teams: Vec<&str> = Vec::new();
        for x in &mine {
            if !teams.contains(&x.team.as_str()) {
                teams.push(&x.team);
            }
        }
        teams.sort_by_key(|t| reg.team_by_id.get(*t).copied());
        for team in teams {
            let team_name =
                reg.team_by_id.get(team).map_or(team.to_string(), |t| reg.teams[t.ix()].name.clone());
            let rows: Vec<&&ActionScore> = mine.iter().filter(|x| x.team == team).collect();
            doc.blocks.push(Block::Rating {
                label: format!("{name}, {team_name}"),
                rating: worst(rows.iter().map(|x| action_rating(x.rating))),
            });
            let mut t = Table {
                head: vec![
                    "Expected".into(),
                    "Inject".into(),
                    "Due".into(),
                    "Done".into(),
                    "By".into(),
                    "Rating".into(),
                ],
                ..Default::default()
            };
            for x in rows {
                let due = match (&x.due, &x.fired) {
                    (Some(d), _) => d.to_string(),
                    (None, Some(_)) => "any time".into(),
                    (None, None) => "—".into(),
                };
                t.rows.push(vec![
                    Cell::text(format!("{} [{}]", x.expected, x.pattern)),
                    Cell::text(format!(
                        "{} ({})",
                        x.inject_title,
                        x.fired.map_or_else(|| "did not fire".to_string(), |f| format!("fired {f}"))
                    )),
                    Cell::nowrap(due),
                    Cell::nowrap(x.done.map_or_else(|| "not done".to_string(), |d| d.to_string())),
                    Cell::text(x.by.clone().unwrap_or_default()),
                    Cell::rating(action_rating(x.rating)),
                ]);
            }
            doc.blocks.push(Block::Table(t));
        }
    }
}

/// The files the injects attached, reproduced from the journal.
pub(super) fn media_appendix(doc: &mut Doc, a: &Analysis) {
    let reg = a.sim.registry();
    let named: Vec<(&str, &str)> = reg
        .injects
        .iter()
        .flat_map(|i| i.spec.attachments.iter().map(move |p| (i.spec.title.as_str(), p.as_str())))
        .collect();
    if named.is_empty() {
        return;
    }
    h2(doc, "media", "Appendix D. Inject media");
    for (title, p) in named {
        h3(doc, &format!("media-{}", slug(p)), &format!("{p} (with \"{title}\")"));
        match reg.attachments.get(p) {
            Some(text) => {
                for para in text.split("\n\n").map(str::trim).filter(|x| !x.is_empty()) {
                    doc.blocks.push(Block::Para(para.to_string()));
                }
            }
            None => doc.blocks.push(Block::Aside("The journal does not hold this file's text.".into())),
        }
    }
}

/// Timeline marks for the shown rows; events of one kind in the same row and hour share a mark
/// (a national run has thousands), its tooltip naming the first few.
pub(super) fn timeline_marks(
    marks: &[(usize, usize, u32, String)],
    shown: &[usize],
) -> Vec<svg::TimelineMark> {
    let mut by: BTreeMap<(usize, usize, u32), (String, u32)> = BTreeMap::new();
    for (r, c, tick, title) in marks {
        let Some(row) = shown.iter().position(|x| x == r) else { continue };
        let e = by.entry((row, *c, *tick)).or_insert_with(|| (String::new(), 0));
        if e.1 < 3 {
            if !e.0.is_empty() {
                e.0.push('\n');
            }
            e.0.push_str(title);
        }
        e.1 += 1;
    }
    by.into_iter()
        .map(|((row, category, tick), (mut title, n))| {
            if n > 3 {
                title.push_str(&format!("\n… and {} more", n - 3));
            }
            svg::TimelineMark { row, category, tick, title }
        })
        .collect()
}

/// The facilitator's bookmarks, as markers on the timeline.
pub(super) fn bookmark_markers(talk: &[Record], t1: u32) -> Vec<Marker> {
    talk.iter()
        .filter_map(|r| match r {
            Record::Bookmark { tick, text, .. } if *tick <= t1 => {
                Some(Marker { tick: *tick, label: format!("★ {text}"), colour: colour::PURPLE })
            }
            _ => None,
        })
        .collect()
}

/// The timeline's bookmarks and the messages between the cells and control, in order.
pub(super) fn talk_section(doc: &mut Doc, a: &Analysis) {
    if a.talk.is_empty() {
        return;
    }
    h3(doc, "messages", "Bookmarks and messages");
    doc.blocks.push(Block::Para(
        "The moments the facilitator bookmarked, and the messages the cells and exercise control sent each other (control signs as the organisation it plays), in the order they were journaled.".into(),
    ));
    let mut t = Table {
        head: ["Time", "Kind", "From", "To", "Channel", "Text"].iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    for r in &a.talk {
        let row = match r {
            Record::Bookmark { time, text, .. } => [
                time.clone(),
                "bookmark".into(),
                "facilitator".into(),
                String::new(),
                String::new(),
                text.clone(),
            ],
            Record::Message { message: m } => [
                m.time.clone(),
                format!("message #{}", m.number),
                m.sender(),
                m.to.to_string(),
                m.channel.label().to_string(),
                m.text.clone(),
            ],
            _ => continue,
        };
        t.rows.push(row.iter().map(Cell::text).collect());
    }
    doc.blocks.push(Block::Table(t));
}
