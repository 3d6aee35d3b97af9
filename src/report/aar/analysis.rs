//! The analysis of a replayed session for the AAR: the journal header, the timeline counts
//! and marks, the targeted jurisdictions and the plain structs the document is built from.

use std::collections::BTreeSet;

use ttx_engine::command::Issuer;
use ttx_engine::evaluation::ActionScore;
use ttx_engine::events::{AttemptOutcome, EventKind};
use ttx_engine::journal::{Record, ReplayReport};
use ttx_engine::model::registry::{ActorIx, ActorKind, Registry, TeamIx};
use ttx_engine::scenario::schema::{Channel, EvaluationSpec, MeasureSpec};
use ttx_engine::{Metrics, Sim, Tick};

use crate::report::rating::Rating;
use crate::report::svg::colour;

use super::capabilities::rate_capability;
use super::flows::{CampaignFlow, campaign_flows};

/// What the journal's header says.
#[derive(Clone, Debug)]
pub struct JournalInfo {
    /// The path as given.
    pub path: String,
    /// What wrote it (`run`, `play`, `serve`).
    pub mode: String,
    /// ttx version that wrote it.
    pub ttx_version: String,
    /// Scenario label (path or built-in name).
    pub scenario: String,
    /// Scenario content hash.
    pub scenario_hash: String,
    /// Seed.
    pub seed: u64,
}

impl JournalInfo {
    /// From the header record.
    pub fn from_header(path: &str, r: &Record) -> Option<JournalInfo> {
        match r {
            Record::Header { mode, ttx_version, scenario, scenario_hash, seed, .. } => Some(JournalInfo {
                path: path.to_string(),
                mode: mode.clone(),
                ttx_version: ttx_version.clone(),
                scenario: scenario.clone(),
                scenario_hash: scenario_hash.clone(),
                seed: *seed,
            }),
            _ => None,
        }
    }
}

/// The kinds of event on the timeline, in lane order.
pub const CATEGORIES: [(&str, &str); 6] = [
    ("Injects", colour::BLUE),
    ("Intrusions", colour::RED),
    ("Detections", colour::ORANGE),
    ("Shares", colour::GREEN),
    ("Notifications", colour::PURPLE),
    ("Public statements", colour::SKY),
];

/// The row label for actors no team plays.
pub const NO_TEAM: &str = "No team (doctrine)";

/// At most this many rows in a per-organisation table or chart (a national scenario has thousands).
pub const MAX_ROWS: usize = 60;

/// Label of the totals row of the timeline counts.
pub const ALL_TEAMS: &str = "All teams (distinct events)";

/// One measure's result.
#[derive(Clone, Debug)]
pub struct MeasureResult {
    /// The measure as the scenario sets it.
    pub spec: MeasureSpec,
    /// The metric's value at the end of the journal.
    pub value: Option<f64>,
    /// Its rating.
    pub rating: Rating,
    /// Why (the numbers behind it).
    pub evidence: Vec<String>,
}

/// One core capability's result.
#[derive(Clone, Debug)]
pub struct CapabilityResult {
    /// HSEEP core capability.
    pub name: String,
    /// The worst rating among its rated measures.
    pub rating: Rating,
    /// Its measures.
    pub measures: Vec<MeasureResult>,
    /// Strengths.
    pub strengths: Vec<String>,
    /// Areas for improvement, each with its measure's metric name.
    pub improvements: Vec<(String, String)>,
}

/// A targeted jurisdiction and whether it was warned first.
#[derive(Clone, Debug)]
pub struct Targeted {
    /// The actor.
    pub actor: ActorIx,
    /// First access attempt.
    pub attempt: Tick,
    /// Campaign of that attempt.
    pub campaign: String,
    /// Whether it held a matching indicator before (the engine's own judgement).
    pub warned: bool,
    /// Its first matching indicator before the attempt: tick and how it came.
    pub first_warning: Option<(Tick, String)>,
}
/// Everything the report says, computed from the replayed run.
pub struct Analysis<'a> {
    /// The run.
    pub sim: &'a Sim,
    /// Metrics at the end of the journal.
    pub metrics: Metrics,
    /// The journal's header.
    pub info: JournalInfo,
    /// Team rows of the timeline (team names, then the no-team row if used).
    pub rows: Vec<String>,
    /// Event counts by row and category.
    pub counts: Vec<[u32; 6]>,
    /// Distinct event counts by category.
    pub totals: [u32; 6],
    /// Timeline marks: row, category, tick, text.
    pub marks: Vec<(usize, usize, u32, String)>,
    /// Targeted jurisdictions.
    pub targeted: Vec<Targeted>,
    /// Sharing by campaign.
    pub flows: Vec<CampaignFlow>,
    /// Capability ratings.
    pub capabilities: Vec<CapabilityResult>,
    /// Notes.
    pub notes: Vec<Record>,
    /// The journal's hot-wash items and feedback forms.
    pub debrief: Vec<Record>,
    /// Messages and bookmarks, in journal order.
    pub talk: Vec<Record>,
    /// Commands from outside (players and facilitator): tick, issuer, summary, refusal.
    pub commands: Vec<(Tick, String, String, Option<String>)>,
    /// Expected actions written as command patterns, scored.
    pub actions: Vec<ActionScore>,
    /// Hash records verified.
    pub hashes_checked: usize,
    /// Last tick the journal covers.
    pub last_tick: u32,
}

pub(super) fn team_of(reg: &Registry, a: ActorIx) -> Option<TeamIx> {
    reg.actor(a).team
}

pub(super) fn actor_name(reg: &Registry, a: ActorIx) -> String {
    reg.actor(a).name.clone()
}

pub(super) fn channel_name(c: Option<Channel>) -> String {
    c.map_or_else(|| "inject".to_string(), |c| c.slug().replace('_', " "))
}

/// Runs the analysis.
pub fn analyse<'a>(report: &'a ReplayReport, info: JournalInfo, evaluation: &EvaluationSpec) -> Analysis<'a> {
    let sim = &report.sim;
    let Timeline { rows, counts, totals, marks, commands } = timeline(sim);
    let targeted = targeted_jurisdictions(sim);
    let flows = campaign_flows(sim);
    let metrics = sim.metrics();

    let mut a = Analysis {
        sim,
        metrics,
        info,
        rows,
        counts,
        totals,
        marks,
        targeted,
        flows,
        capabilities: Vec::new(),
        notes: report.notes.clone(),
        debrief: report.debrief.clone(),
        talk: report.talk.clone(),
        commands,
        actions: ttx_engine::evaluation::score(sim),
        hashes_checked: report.hashes_checked,
        last_tick: report.last_tick,
    };
    a.capabilities =
        evaluation.capabilities.iter().map(|c| rate_capability(&a, &c.name, &c.measures)).collect();
    a
}

/// The timeline's rows, counts and marks, and the commands from outside, read from the event log.
struct Timeline {
    rows: Vec<String>,
    counts: Vec<[u32; 6]>,
    totals: [u32; 6],
    marks: Vec<(usize, usize, u32, String)>,
    commands: Vec<(Tick, String, String, Option<String>)>,
}

/// Counts the events on the timeline by team row and category, and collects the commands from
/// outside (players and facilitator).
fn timeline(sim: &Sim) -> Timeline {
    let reg = sim.registry();
    let events = sim.events();
    // Timeline rows: every team, then "no team" when needed.
    let mut rows: Vec<String> = reg.teams.iter().map(|t| t.name.clone()).collect();
    let no_team = rows.len();
    let mut used_no_team = false;
    let mut counts = vec![[0u32; 6]; rows.len() + 1];
    let mut totals = [0u32; 6];
    let mut marks = Vec::new();
    let mut row_of_actor = |a: Option<ActorIx>| -> usize {
        match a.and_then(|a| team_of(reg, a)) {
            Some(t) => t.ix(),
            None => {
                used_no_team = true;
                no_team
            }
        }
    };
    let mut commands = Vec::new();
    for e in events {
        let text = ttx_engine::describe(reg, e);
        let (cat, rows_hit): (usize, Vec<usize>) = match &e.kind {
            EventKind::InjectFired { teams, .. } => {
                let r: Vec<usize> = if teams.is_empty() {
                    (0..reg.teams.len()).collect()
                } else {
                    teams.iter().map(|t| t.ix()).collect()
                };
                (0, r)
            }
            EventKind::Attempt { asset, outcome: AttemptOutcome::Succeeded, .. } => {
                (1, vec![row_of_actor(Some(reg.asset(*asset).owner))])
            }
            EventKind::Detected { detector, .. } => (2, vec![row_of_actor(Some(*detector))]),
            EventKind::Shared { from, channel, .. } => {
                let cat = if *channel == Channel::FbiToVictim { 4 } else { 3 };
                (cat, vec![row_of_actor(Some(*from))])
            }
            EventKind::Statement { actor, .. } => (5, vec![row_of_actor(Some(*actor))]),
            EventKind::Advisory { .. } => (5, vec![row_of_actor(Some(reg.federal.dhs))]),
            EventKind::Attribution { by, .. } => (5, vec![row_of_actor(Some(*by))]),
            EventKind::Command { issuer, summary, rejected, .. } => {
                if !matches!(issuer, Issuer::Doctrine) {
                    commands.push((e.tick, issuer.to_string(), summary.clone(), rejected.clone()));
                }
                continue;
            }
            _ => continue,
        };
        totals[cat] += 1;
        for r in rows_hit {
            counts[r][cat] += 1;
            marks.push((r, cat, e.tick.0, format!("{} {}", reg.clock.at(e.tick), text)));
        }
    }
    if used_no_team {
        rows.push(NO_TEAM.to_string());
    } else {
        counts.pop();
    }
    Timeline { rows, counts, totals, marks, commands }
}

/// Targeted jurisdictions, as the metric counts them: the first attempt on each local
/// jurisdiction or state office, warned if it held a matching indicator before.
fn targeted_jurisdictions(sim: &Sim) -> Vec<Targeted> {
    let reg = sim.registry();
    let events = sim.events();
    let indicators = sim.indicators();
    let mut targeted: Vec<Targeted> = Vec::new();
    let mut seen = BTreeSet::new();
    for e in events {
        let EventKind::Attempt { campaign, asset, warned, .. } = &e.kind else { continue };
        let owner = reg.asset(*asset).owner;
        if !matches!(reg.actor(owner).kind, ActorKind::Local | ActorKind::StateOffice) || !seen.insert(owner)
        {
            continue;
        }
        let info_c = reg.campaign(*campaign);
        let tech = info_c.technique();
        let matches = |ind: u32| {
            indicators.get(ind as usize).is_some_and(|i| {
                i.campaign == *campaign || (i.adversary == info_c.adversary && i.technique == tech)
            })
        };
        let mut first: Option<(Tick, String)> = None;
        for k in events.iter().take_while(|k| k.tick < e.tick) {
            let hit = match &k.kind {
                EventKind::Received { to, from, indicator, channel, .. }
                    if *to == owner && matches(indicator.0) =>
                {
                    Some(format!(
                        "IND-{:04} from {} via {}",
                        indicator.0,
                        actor_name(reg, *from),
                        channel_name(*channel)
                    ))
                }
                EventKind::Detected { detector, indicator: Some(i), .. }
                    if *detector == owner && matches(i.0) =>
                {
                    Some(format!("IND-{:04} from its own detection", i.0))
                }
                _ => None,
            };
            if let Some(h) = hit {
                first = Some((k.tick, h));
                break;
            }
        }
        targeted.push(Targeted {
            actor: owner,
            attempt: e.tick,
            campaign: info_c.spec.name.clone(),
            warned: *warned,
            first_warning: first,
        });
    }
    targeted
}
