//! `ttx msel`: the Master Scenario Events List, one CSV row per inject.
//!
//! Every exercise binder has an MSEL: when each inject comes, in which
//! module, what it says, whom it addresses, what the planners expect the
//! players to do, and the module's discussion questions. Planners review a
//! scenario in a spreadsheet from this file.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use ttx_engine::Scenario;
use ttx_engine::model::registry::{AssetIx, Registry, ResolvedEffect, ResolvedTrigger};
use ttx_engine::scenario::schema::ExpectedAction;
use ttx_engine::view::{condition_text, condition_words};

use crate::headless::write_atomic;
use crate::{Failure, Outcome, load};

/// One row of the MSEL (flat, for CSV): a module's heading row, or an inject.
#[derive(Debug, Serialize)]
pub struct MselRow {
    /// The inject's position in time order (empty on a module's heading row).
    pub number: String,
    /// `module` (the module's heading row: its start and questions) or `inject`.
    pub row: &'static str,
    /// When it fires: election-relative for timed injects, "when ..." for conditional ones.
    pub time: String,
    /// The calendar date it fires (from the clock's `election_date`), for timed injects.
    pub date: String,
    /// The time of day it fires, for timed injects.
    pub clock: String,
    /// Its trigger in words.
    pub trigger: String,
    /// Module id.
    pub module: String,
    /// Module title.
    pub module_title: String,
    /// Inject id.
    pub inject: String,
    /// Title.
    pub title: String,
    /// What the players are told.
    pub description: String,
    /// The teams it addresses.
    pub target_teams: String,
    /// The controller who delivers it.
    pub controller: String,
    /// How it is delivered.
    pub delivery: String,
    /// What the planners expect, one per line.
    pub expected_actions: String,
    /// What it does to the simulation, one effect per line.
    pub effects: String,
    /// The module's discussion questions, one per line (on its heading row only).
    pub discussion_questions: String,
    /// What some teams are told instead of the description, one `team: text` per line.
    pub per_team: String,
    /// The condition that cancels it, in words.
    pub cancelled_if: String,
    /// The files handed out with it, one path per line.
    pub attachments: String,
}

/// The injects in MSEL order: module order, then time order (conditional and by-hand injects
/// after the timed ones of their module; injects of no module last).
pub fn order(reg: &Registry) -> Vec<usize> {
    let mut order: Vec<usize> = (0..reg.injects.len()).collect();
    order.sort_by_key(|&i| {
        let inj = &reg.injects[i];
        let at = match inj.trigger {
            ResolvedTrigger::At(t) => Some(t),
            _ => None,
        };
        (inj.module.map_or(usize::MAX, |m| m.ix()), at.is_none(), at, i)
    });
    order
}

/// The calendar date (empty without an `election_date`) and time of day of a tick.
fn calendar(reg: &Registry, t: ttx_engine::time::Tick) -> (String, String) {
    let at = reg.clock.at(t);
    (crate::report::date_of(reg, at).unwrap_or_default(), format!("{:02}:00", at.hour()))
}

/// When an inject fires, in words for the time column: its time, or "when ..." its condition.
pub fn when(reg: &Registry, trigger: &ResolvedTrigger) -> String {
    match trigger {
        ResolvedTrigger::At(t) => reg.clock.at(*t).to_string(),
        ResolvedTrigger::When(c, 0) => format!("when {}", unwrap_parens(&condition_words(reg, c))),
        ResolvedTrigger::When(c, d) => {
            format!("when {} (+{d} h)", unwrap_parens(&condition_words(reg, c)))
        }
        ResolvedTrigger::Manual => "when the facilitator fires it".to_string(),
    }
}

/// Text without the parentheses around all of it (`(a and b)` reads `a and b`).
fn unwrap_parens(s: &str) -> &str {
    let Some(inner) = s.strip_prefix('(').and_then(|x| x.strip_suffix(')')) else { return s };
    let mut depth = 0i32;
    for c in inner.chars() {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        if depth < 0 {
            return s;
        }
    }
    if depth == 0 { inner } else { s }
}

/// A module's heading row: its start, window and discussion questions.
fn module_row(reg: &Registry, m: usize) -> MselRow {
    let info = &reg.modules[m];
    let (date, clock) = calendar(reg, info.start);
    let end = reg.modules.get(m + 1).map_or(reg.clock.last_tick(), |n| n.start);
    MselRow {
        number: String::new(),
        row: "module",
        time: reg.clock.at(info.start).to_string(),
        date,
        clock,
        trigger: format!("module runs {} to {}", reg.clock.at(info.start), reg.clock.at(end)),
        module: info.id.clone(),
        module_title: info.title.clone(),
        inject: String::new(),
        title: info.title.clone(),
        description: info.objectives.join("\n"),
        target_teams: String::new(),
        controller: String::new(),
        delivery: String::new(),
        expected_actions: String::new(),
        effects: String::new(),
        discussion_questions: info
            .questions
            .iter()
            .enumerate()
            .map(|(k, q)| format!("{}. {q}", k + 1))
            .collect::<Vec<_>>()
            .join("\n"),
        per_team: String::new(),
        cancelled_if: String::new(),
        attachments: String::new(),
    }
}

/// One inject's row.
fn inject_row(reg: &Registry, number: usize, i: usize) -> MselRow {
    let inj = &reg.injects[i];
    let module = inj.module.map(|m| &reg.modules[m.ix()]);
    let (date, clock) = match inj.trigger {
        ResolvedTrigger::At(t) => calendar(reg, t),
        _ => (String::new(), String::new()),
    };
    let trigger = match &inj.trigger {
        ResolvedTrigger::At(_) => "at a fixed time".to_string(),
        ResolvedTrigger::When(c, d) => condition_text(reg, c, *d),
        ResolvedTrigger::Manual => "fired by the facilitator".to_string(),
    };
    MselRow {
        number: number.to_string(),
        row: "inject",
        time: when(reg, &inj.trigger),
        date,
        clock,
        trigger,
        module: module.map(|m| m.id.clone()).unwrap_or_default(),
        module_title: module.map(|m| m.title.clone()).unwrap_or_default(),
        inject: inj.spec.id.clone(),
        title: inj.spec.title.clone(),
        description: inj.spec.description.clone(),
        target_teams: inj
            .teams
            .iter()
            .map(|t| reg.teams[t.ix()].name.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        controller: inj.spec.controller.clone().unwrap_or_default(),
        delivery: inj.spec.delivery.label().to_string(),
        expected_actions: inj
            .spec
            .expected_actions
            .iter()
            .map(|a| match a {
                ExpectedAction::Text(t) => t.clone(),
                ExpectedAction::Command(p) if p.text.is_empty() => format!("[{}]", p.describe()),
                ExpectedAction::Command(p) => format!("{} [{}]", p.text, p.describe()),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        effects: inj.effects.iter().map(|e| effect_words(reg, e)).collect::<Vec<_>>().join("\n"),
        discussion_questions: String::new(),
        per_team: inj
            .per_team
            .iter()
            .map(|(t, x)| format!("{}: {x}", reg.teams[t.ix()].name))
            .collect::<Vec<_>>()
            .join("\n"),
        cancelled_if: inj.cancel_if.as_ref().map(|c| condition_words(reg, c)).unwrap_or_default(),
        attachments: inj.spec.attachments.join("\n"),
    }
}

/// The MSEL rows of a scenario: for each module a heading row (its start and discussion
/// questions) and then its injects in time order; injects of no module last.
pub fn rows(scenario: &Scenario) -> Vec<MselRow> {
    let reg = scenario.registry();
    let mut out = Vec::new();
    let mut next_module = 0;
    for (n, i) in order(reg).into_iter().enumerate() {
        let upto = reg.injects[i].module.map_or(reg.modules.len(), |m| m.ix() + 1);
        while next_module < upto {
            out.push(module_row(reg, next_module));
            next_module += 1;
        }
        out.push(inject_row(reg, n + 1, i));
    }
    while next_module < reg.modules.len() {
        out.push(module_row(reg, next_module));
        next_module += 1;
    }
    out
}

/// What an effect does, in words, without drawing its random targets.
fn effect_words(reg: &Registry, e: &ResolvedEffect) -> String {
    let mut assets = |v: &[AssetIx], count: u32| {
        let mut kinds: Vec<&str> = v.iter().map(|a| reg.asset(*a).kind.label()).collect();
        kinds.dedup();
        let mut states: Vec<&str> = v
            .iter()
            .filter_map(|a| reg.asset(*a).state)
            .map(|s| reg.states[s.ix()].postal.as_str())
            .collect();
        states.sort();
        states.dedup();
        let how_many = if count == 0 || count as usize >= v.len() {
            format!("all {}", v.len())
        } else {
            format!("{count} of {}", v.len())
        };
        format!("{how_many} {} in {}", kinds.join("/"), states.join(", "))
    };
    ttx_engine::view::effect_words(reg, e, &mut assets)
}

/// The MSEL as CSV text.
pub fn csv_bytes(scenario: &Scenario) -> Result<Vec<u8>, Failure> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows(scenario) {
        w.serialize(r).map_err(|e| Failure::runtime(format!("cannot write the MSEL: {e}")))?;
    }
    w.into_inner().map_err(|e| Failure::runtime(format!("cannot write the MSEL: {e}")))
}

/// `ttx msel`
pub fn msel(file: Option<&Path>, out: Option<&Path>) -> Outcome {
    let scenario = load::scenario(file)?;
    let bytes = csv_bytes(&scenario)?;
    match out {
        Some(p) => {
            write_atomic(p, &bytes).map_err(|e| Failure::write(p, e))?;
            let n = scenario.registry().injects.len();
            eprintln!("wrote {n} inject{} to {}", if n == 1 { "" } else { "s" }, p.display());
        }
        None => crate::output::stdout().write_all(&bytes)?,
    }
    Ok(())
}
