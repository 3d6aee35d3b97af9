//! The report's hot wash and participant feedback sections, from the journal's `hot_wash` and
//! `feedback` records. The feedback table's rows are the form's statements
//! ([`ttx_engine::debrief::STATEMENTS`]), so the report and the form cannot drift apart.

use std::collections::BTreeMap;

use ttx_engine::debrief::{HotWashKind, STATEMENTS};
use ttx_engine::journal::Record;
use ttx_engine::model::registry::Registry;

use super::aar::{h2, h3};
use super::doc::{Block, Cell, Doc, Table};

/// A team's name, or "The room" for the facilitator's own items.
fn who(reg: &Registry, team: Option<&str>) -> String {
    match team {
        None => "The room (facilitator)".into(),
        Some(t) => reg.teams.iter().find(|x| x.id == t).map_or_else(|| t.to_string(), |x| x.name.clone()),
    }
}

/// Where an entry was made: the module being discussed, or the end of the exercise.
fn when(reg: &Registry, time: &str, module: Option<&str>) -> String {
    let m = module.and_then(|m| reg.modules.iter().find(|x| x.id == m)).map(|m| m.title.as_str());
    match m {
        Some(m) => format!("{time}, {m}"),
        None => format!("{time}, end of exercise"),
    }
}

/// "Hot wash": strengths and areas for improvement, by team (the room's first), in journal order.
pub fn hot_wash_section(doc: &mut Doc, reg: &Registry, records: &[Record], number: &str) {
    h2(doc, "hot-wash", &format!("{number}. Hot wash"));
    // (team or none) -> kind -> items.
    let mut by: BTreeMap<Option<&str>, BTreeMap<HotWashKind, Vec<String>>> = BTreeMap::new();
    for r in records {
        if let Record::HotWash { time, module, team, kind, text, .. } = r {
            let line = format!("{text} ({})", when(reg, time, module.as_deref()));
            by.entry(team.as_deref()).or_default().entry(*kind).or_default().push(line);
        }
    }
    if by.is_empty() {
        doc.blocks.push(Block::Para(
            "The journal holds no hot-wash items. Players enter strengths and areas for improvement at their team consoles (`ttx join`, key `h`); the facilitator enters the room's in the discussion window (`d`).".into(),
        ));
        return;
    }
    for (team, kinds) in &by {
        let name = who(reg, *team);
        h3(doc, &format!("hot-wash-{}", team.unwrap_or("room")), &name);
        for kind in [HotWashKind::Strength, HotWashKind::Improvement] {
            doc.blocks.push(Block::Para(format!("{}:", kind.heading())));
            doc.blocks.push(Block::Bullets(match kinds.get(&kind) {
                Some(items) => items.clone(),
                None => vec!["None recorded.".into()],
            }));
        }
    }
}

/// "Participant feedback": each statement's mean rating and number of answers, then the
/// free-text answers.
pub fn feedback_section(doc: &mut Doc, reg: &Registry, records: &[Record], number: &str) {
    h2(doc, "feedback", &format!("{number}. Participant feedback"));
    let forms: Vec<(&str, &ttx_engine::debrief::Feedback)> = records
        .iter()
        .filter_map(|r| match r {
            Record::Feedback { team, form, .. } => Some((team.as_str(), form)),
            _ => None,
        })
        .collect();
    if forms.is_empty() {
        doc.blocks.push(Block::Para(
            "The journal holds no Participant Feedback Forms. Players fill the form in at their team consoles (`ttx join`, key `F`).".into(),
        ));
        return;
    }
    doc.blocks.push(Block::Para(format!(
        "{} form{} returned. Ratings: 1 strongly disagree to 5 strongly agree.",
        forms.len(),
        if forms.len() == 1 { "" } else { "s" }
    )));
    let mut t = Table { head: vec!["Statement".into(), "Mean".into(), "n".into()], ..Default::default() };
    for (id, text) in STATEMENTS {
        let ratings: Vec<u8> = forms.iter().filter_map(|(_, f)| f.ratings.get(id).copied()).collect();
        let mean = match ratings.len() {
            0 => "–".to_string(),
            n => format!("{:.1}", ratings.iter().map(|r| f64::from(*r)).sum::<f64>() / n as f64),
        };
        t.rows.push(vec![Cell::text(text), Cell::num(mean), Cell::num(ratings.len().to_string())]);
    }
    doc.blocks.push(Block::Table(t));
    for (i, heading) in
        ["Strengths", "Areas for improvement", "What I will do differently"].iter().enumerate()
    {
        let answers: Vec<String> = forms
            .iter()
            .filter_map(|(team, f)| {
                let text = f.answers()[i].1.trim();
                (!text.is_empty()).then(|| format!("{text} ({})", who(reg, Some(team))))
            })
            .collect();
        h3(doc, &format!("feedback-{}", i + 1), heading);
        doc.blocks.push(Block::Bullets(if answers.is_empty() {
            vec!["No answers.".into()]
        } else {
            answers
        }));
    }
}
