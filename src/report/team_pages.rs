//! One page per team: what happened to its actors and assets, what it did, and what it was
//! told and when. Everything comes from the engine's own team view of the replayed run
//! ([`Sim::team_view`]: the team's assets as it knew them, its command outcomes, its inbox)
//! and its log ([`Sim::log_lines`]), the same functions that fed the team's console; and
//! from the journal, the messages the team sent and received.

use ttx_engine::journal::Record;
use ttx_engine::model::StatusKind;
use ttx_engine::{Severity, Sim};

use super::aar::{MAX_ROWS, h2, h3};
use super::doc::{Block, Cell, Doc, Table};

/// Appends a page (a numbered heading, so the contents link to it) for every team.
pub fn team_pages(doc: &mut Doc, sim: &Sim, talk: &[Record], appendix: &str) {
    let reg = sim.registry();
    for (i, team) in reg.teams.iter().enumerate() {
        let Some(v) = sim.team_view(&team.id) else { continue };
        let clock = &reg.clock;
        h2(
            doc,
            &format!("team-{}", team.id),
            &format!("Appendix {appendix}{}. Team page: {}", i + 1, team.name),
        );
        let assets: Vec<_> = v.actors.iter().flat_map(|a| a.assets.iter().map(move |s| (a, s))).collect();
        let hit: Vec<_> = assets.iter().filter(|(_, s)| s.status != StatusKind::Nominal).collect();
        doc.blocks.push(Block::Para(format!(
            "{} actor{}, {} asset{}; {} not nominal at the end of the journal ({}), as the team knew them.",
            v.actors.len(),
            if v.actors.len() == 1 { "" } else { "s" },
            assets.len(),
            if assets.len() == 1 { "" } else { "s" },
            hit.len(),
            v.time
        )));

        h3(doc, &format!("team-{}-assets", team.id), "What happened to its actors and assets");
        let events = sim.log_lines(Some(&team.id), Severity::Warning, 0);
        if !hit.is_empty() {
            let mut t = Table {
                head: vec!["Actor".into(), "Asset".into(), "Status".into(), "Posture".into()],
                ..Default::default()
            };
            for (a, s) in hit.iter().take(MAX_ROWS) {
                t.rows.push(vec![
                    Cell::text(&a.name),
                    Cell::text(&s.id),
                    Cell::text(s.status.label()),
                    Cell::text(s.posture.summary()),
                ]);
            }
            doc.blocks.push(Block::Table(t));
        }
        doc.blocks.push(Block::Bullets(capped(
            events.iter().map(|l| format!("{} — {}", l.time, l.text)).collect(),
            "No warnings or worse reached the team.",
        )));

        h3(doc, &format!("team-{}-did", team.id), "What it did");
        doc.blocks.push(Block::Bullets(capped(
            v.outcomes
                .iter()
                .map(|o| {
                    let result = match &o.result {
                        Ok(()) => "applied".to_string(),
                        Err(r) => format!("rejected: {r}"),
                    };
                    format!("{} — {} ({result})", clock.at(o.tick), o.command.summary())
                })
                .collect(),
            "The team gave no commands.",
        )));

        h3(doc, &format!("team-{}-told", team.id), "What it was told and when");
        doc.blocks.push(Block::Bullets(capped(
            v.inbox
                .iter()
                .map(|m| match &m.from {
                    Some(from) => format!("{} — from {from}: {}", m.time, m.title),
                    None => format!("{} — {}", m.time, m.title),
                })
                .collect(),
            "Nothing reached the team's inbox.",
        )));

        h3(doc, &format!("team-{}-messages", team.id), "Messages it sent and received");
        doc.blocks.push(Block::Bullets(capped(
            talk.iter()
                .filter_map(|r| match r {
                    Record::Message { message: m } if m.involves(&team.id) => Some(format!(
                        "{} — {} → {} ({}): {}",
                        m.time,
                        m.sender(),
                        m.to,
                        m.channel.label(),
                        m.text
                    )),
                    _ => None,
                })
                .collect(),
            "The team sent and received no messages.",
        )));
    }
}

/// The last [`MAX_ROWS`] lines (saying how many came before), or `none` when there are none.
fn capped(lines: Vec<String>, none: &str) -> Vec<String> {
    if lines.is_empty() {
        return vec![none.to_string()];
    }
    let skip = lines.len().saturating_sub(MAX_ROWS);
    let mut out = Vec::new();
    if skip > 0 {
        out.push(format!("({skip} earlier entries not shown; the journal replays them all.)"));
    }
    out.extend(lines.into_iter().skip(skip));
    out
}
