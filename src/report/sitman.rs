//! `ttx sitman`: the Situation Manual, the participants' handbook of an exercise.
//!
//! What the players may read before play: the exercise's scope, its objectives and the core
//! capabilities they exercise, the modules with their time windows and discussion questions,
//! the participating organisations, the schedule and the scenario background. Nothing that
//! would give play away: no inject, no campaign, no adversary, no expected action.

use ttx_engine::Scenario;
use ttx_engine::model::registry::Registry;
use ttx_engine::scenario::schema::TeamRole;
use ttx_engine::time::{ETime, Tick};

use super::aar::date_of;
use super::doc::{Block, Cell, Doc, Table};

/// An election-relative time with its calendar date and time of day, when the date is known.
fn when(reg: &Registry, t: ETime) -> String {
    match date_of(reg, t) {
        Some(d) => format!("{d} {:02}:00 ({t})", t.hour()),
        None => t.to_string(),
    }
}

/// The first and last hour of module `m`.
fn window(reg: &Registry, m: usize) -> (ETime, ETime) {
    let start = reg.modules[m].start;
    let end: Tick = reg.modules.get(m + 1).map_or(reg.clock.last_tick(), |n| n.start);
    (reg.clock.at(start), reg.clock.at(end))
}

fn heading(blocks: &mut Vec<Block>, level: u8, id: &str, text: &str) {
    blocks.push(Block::Heading { level, id: id.to_string(), text: text.to_string() });
}

/// The Situation Manual of a scenario.
pub fn document(scenario: &Scenario) -> Doc {
    let reg = scenario.registry();
    let spec = &reg.spec;
    let mut blocks = Vec::new();
    overview(reg, &mut blocks);
    objectives(reg, &mut blocks);
    heading(&mut blocks, 2, "background", "3. Scenario background");
    if spec.background.trim().is_empty() {
        blocks.push(Block::Aside(
            "The scenario gives no background of its own; the election calendar follows.".into(),
        ));
    } else {
        for p in spec.background.split("\n\n").filter(|p| !p.trim().is_empty()) {
            blocks.push(Block::Para(p.trim().to_string()));
        }
    }
    blocks.push(Block::Facts(setting(reg)));
    participants(reg, &mut blocks);
    schedule(reg, &mut blocks);
    modules(reg, &mut blocks);
    let election = spec.clock.election_date.clone().unwrap_or_else(|| "Election Day (E+0d)".into());
    Doc {
        title: spec.name.clone(),
        kind: "Situation Manual (SitMan)".into(),
        subtitle: format!(
            "Participant handbook · election {election} · {} modules · from {} to {}",
            reg.modules.len(),
            when(reg, spec.clock.start),
            when(reg, spec.clock.end)
        ),
        blocks,
    }
}

fn overview(reg: &Registry, blocks: &mut Vec<Block>) {
    let spec = &reg.spec;
    heading(blocks, 2, "overview", "1. Exercise overview");
    let locals: usize = reg.states.iter().map(|s| s.locals.len()).sum();
    let states: Vec<&str> = reg.states.iter().map(|s| s.name.as_str()).collect();
    let players = reg.teams.iter().filter(|t| t.role == TeamRole::Player).count();
    blocks.push(Block::Facts(vec![
        ("Exercise name".into(), spec.name.clone()),
        ("Type".into(), "Discussion-based tabletop exercise, facilitated".into()),
        (
            "Exercise period".into(),
            format!("{} to {}", when(reg, spec.clock.start), when(reg, spec.clock.end)),
        ),
        (
            "Scope".into(),
            format!(
                "{} state{} ({}) and {locals} local jurisdiction{}; {players} player team{}; {} module{}",
                states.len(),
                if states.len() == 1 { "" } else { "s" },
                states.join(", "),
                if locals == 1 { "" } else { "s" },
                if players == 1 { "" } else { "s" },
                reg.modules.len(),
                if reg.modules.len() == 1 { "" } else { "s" },
            ),
        ),
    ]));
    blocks.push(Block::Aside(
        "This handbook is for every participant. It holds what the players know before play; the facilitators hold the rest.".into(),
    ));
}

/// Objectives, and each core capability with the objectives that name it.
fn objectives(reg: &Registry, blocks: &mut Vec<Block>) {
    let spec = &reg.spec;
    heading(blocks, 2, "objectives", "2. Exercise objectives and core capabilities");
    if spec.objectives.is_empty() {
        blocks.push(Block::Aside("The scenario lists no objectives (`objectives`).".into()));
    } else {
        blocks.push(Block::Bullets(
            spec.objectives.iter().enumerate().map(|(k, o)| format!("Objective {}: {o}", k + 1)).collect(),
        ));
    }
    let caps = &spec.evaluation.capabilities;
    if caps.is_empty() {
        return;
    }
    blocks.push(Block::Para(
        "The exercise evaluates these HSEEP core capabilities; the after-action report rates each.".into(),
    ));
    let rows = caps
        .iter()
        .map(|c| {
            let name = c.name.to_lowercase();
            let objs: Vec<String> = spec
                .objectives
                .iter()
                .enumerate()
                .filter(|(_, o)| o.to_lowercase().contains(&name))
                .map(|(k, _)| (k + 1).to_string())
                .collect();
            vec![
                Cell::text(c.name.clone()),
                Cell::text(if objs.is_empty() { "—".to_string() } else { objs.join(", ") }),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        head: vec!["Core capability".into(), "Objectives".into()],
        rows,
        editable: false,
    }));
}

/// The public setting: the election calendar.
fn setting(reg: &Registry) -> Vec<(String, String)> {
    let c = &reg.spec.clock;
    vec![
        ("Election Day".into(), c.election_date.clone().unwrap_or_else(|| "E+0d".into())),
        ("Voter registration deadline".into(), when(reg, c.registration_deadline)),
        ("Polls open".into(), when(reg, c.polls_open)),
        ("Polls close".into(), when(reg, c.polls_close)),
        ("Election-night reporting ends".into(), when(reg, c.reporting_end)),
    ]
}

fn participants(reg: &Registry, blocks: &mut Vec<Block>) {
    heading(blocks, 2, "participants", "4. Participating organisations");
    let rows = reg
        .teams
        .iter()
        .map(|t| {
            let (role, plays) = match t.role {
                TeamRole::Player => (
                    "Player",
                    t.actors.iter().map(|a| reg.actor(*a).name.as_str()).collect::<Vec<_>>().join("; "),
                ),
                // Who the adversary is belongs to play.
                TeamRole::RedCell => ("Red cell", "the adversary".to_string()),
                TeamRole::WhiteCell => ("White cell", "exercise control".to_string()),
            };
            vec![Cell::text(t.name.clone()), Cell::text(role), Cell::text(plays)]
        })
        .collect();
    blocks.push(Block::Table(Table {
        head: vec!["Team".into(), "Role".into(), "Plays".into()],
        rows,
        editable: false,
    }));
}

fn schedule(reg: &Registry, blocks: &mut Vec<Block>) {
    heading(blocks, 2, "schedule", "5. Schedule");
    blocks.push(Block::Aside(
        "Scenario time: the exercise clock runs in simulated hours; each module begins at its scenario date and time.".into(),
    ));
    let rows = (0..reg.modules.len())
        .map(|m| {
            let (start, end) = window(reg, m);
            vec![
                Cell::text(reg.modules[m].title.clone()),
                Cell::nowrap(date_of(reg, start).unwrap_or_default()),
                Cell::nowrap(format!("{:02}:00", start.hour())),
                Cell::nowrap(start.to_string()),
                Cell::nowrap(end.to_string()),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        head: vec!["Module".into(), "Date".into(), "Time".into(), "From".into(), "To".into()],
        rows,
        editable: false,
    }));
}

fn modules(reg: &Registry, blocks: &mut Vec<Block>) {
    heading(blocks, 2, "modules", "6. Modules");
    if reg.modules.is_empty() {
        blocks.push(Block::Aside("The exercise is played as one module.".into()));
    }
    for (m, info) in reg.modules.iter().enumerate() {
        let (start, end) = window(reg, m);
        heading(blocks, 3, &format!("module-{}", info.id), &info.title);
        blocks.push(Block::Facts(vec![("Begins".into(), when(reg, start)), ("Ends".into(), when(reg, end))]));
        if !info.objectives.is_empty() {
            blocks.push(Block::Para("The module exercises:".into()));
            blocks.push(Block::Bullets(info.objectives.clone()));
        }
        if info.questions.is_empty() {
            blocks.push(Block::Aside("No discussion questions.".into()));
        } else {
            blocks.push(Block::Para("Discussion questions:".into()));
            blocks.push(Block::Bullets(
                info.questions.iter().enumerate().map(|(k, q)| format!("Q{}. {q}", k + 1)).collect(),
            ));
        }
    }
}
