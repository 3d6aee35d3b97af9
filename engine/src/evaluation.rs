//! Expected actions scored: for each command pattern in an inject's `expected_actions`, whether
//! the team's command was given, when, and whether within the hours allowed.
//!
//! A pattern counts the first matching command carried out for the team at any time in the
//! run (given by the team, or by the facilitator or the team's doctrine for one of its actors):
//! a team that acted before the inject came acted on time. Its hours are counted from the hour
//! the inject fired; an inject that never fired leaves its actions unscored.

use serde::{Deserialize, Serialize};

use crate::model::{InjectState, Injects, IssuedLog};
use crate::scenario::schema::ExpectedAction;
use crate::sim::Sim;
use crate::time::{ETime, Tick};

/// How an expected action went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionRating {
    /// Done within the hours allowed (or with none given, done at all).
    OnTime,
    /// Done, but after the hours allowed.
    Late,
    /// Not done.
    NotDone,
    /// Its inject never fired: not scored.
    NotDue,
}

impl ActionRating {
    /// Words for the report.
    pub fn word(self) -> &'static str {
        match self {
            ActionRating::OnTime => "done on time",
            ActionRating::Late => "done late",
            ActionRating::NotDone => "not done",
            ActionRating::NotDue => "inject did not fire",
        }
    }
}

/// One scored expected action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionScore {
    /// The inject's id.
    pub inject: String,
    /// The inject's title.
    pub inject_title: String,
    /// The team expected to act.
    pub team: String,
    /// The core capability it evaluates, if named.
    pub capability: Option<String>,
    /// What was expected, in words.
    pub expected: String,
    /// The pattern, in words.
    pub pattern: String,
    /// When the inject fired.
    pub fired: Option<ETime>,
    /// The deadline (fired + within_h), if any.
    pub due: Option<ETime>,
    /// When the matching command was carried out.
    pub done: Option<ETime>,
    /// Who gave it (`team pa`, `facilitator`, `doctrine`).
    pub by: Option<String>,
    /// The outcome.
    pub rating: ActionRating,
}

/// Scores every expected action written as a command pattern, in inject order.
pub fn score(sim: &Sim) -> Vec<ActionScore> {
    let reg = sim.registry();
    let world = sim.world();
    let injects = world.resource::<Injects>();
    let issued = world.resource::<IssuedLog>();
    let mut out = Vec::new();
    for (i, inj) in reg.injects.iter().enumerate() {
        let fired = match injects.state[i] {
            InjectState::Fired(t) => Some(t),
            _ => None,
        };
        for x in &inj.spec.expected_actions {
            let ExpectedAction::Command(p) = x else { continue };
            let Some(team) = reg.team_by_id.get(&p.team) else { continue };
            let hit = issued.first_via(*team, p.command, p.target.as_deref(), p.channel, Tick(0));
            let due = fired.zip(p.within_h).map(|(f, h)| Tick(f.0.saturating_add(h)));
            let rating = match (fired, hit) {
                (None, _) => ActionRating::NotDue,
                (Some(_), None) => ActionRating::NotDone,
                (Some(_), Some(c)) if due.is_some_and(|d| c.tick > d) => ActionRating::Late,
                (Some(_), Some(_)) => ActionRating::OnTime,
            };
            out.push(ActionScore {
                inject: inj.spec.id.clone(),
                inject_title: inj.spec.title.clone(),
                team: p.team.clone(),
                capability: p.capability.clone(),
                expected: x.text(),
                pattern: p.describe(),
                fired: fired.map(|t| reg.clock.at(t)),
                due: due.map(|t| reg.clock.at(t)),
                done: hit.map(|c| reg.clock.at(c.tick)),
                by: hit.map(|c| c.issuer.to_string()),
                rating,
            });
        }
    }
    out
}
