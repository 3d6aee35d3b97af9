//! The exercise After-Action Report / Improvement Plan, drafted from a
//! replayed session journal.
//!
//! Every figure here is read from the re-simulated run (its structured event
//! log, metrics, metric series and views) and from the journal's notes; none
//! is typed in. The analysis is in plain structs ([`Analysis`]) so that tests
//! can check it, and the document is built from them.

use std::collections::{BTreeMap, BTreeSet};

use ttx_engine::command::Issuer;
use ttx_engine::evaluation::{ActionRating, ActionScore};
use ttx_engine::events::{AttemptOutcome, EventKind};
use ttx_engine::journal::{Record, ReplayReport};
use ttx_engine::model::registry::{ActorIx, ActorKind, Registry, TeamIx};
use ttx_engine::scenario::schema::{Channel, EvaluationSpec, MeasureSpec, TeamRole};
use ttx_engine::{ETime, Metrics, Sim, Tick};

use super::doc::{Block, Cell, Doc, Figure, Table};
use super::metrics_text::{Owner, Unit, label, metric_text, thousands, unit};
use super::rating::{Rating, combine, rate, threshold_text};
use super::svg::{self, AxisTick, Band, Marker, colour};

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

/// Where an actor first learned of a campaign.
#[derive(Clone, Debug)]
pub struct FirstKnowledge {
    /// The actor.
    pub actor: ActorIx,
    /// When.
    pub tick: Tick,
    /// From whom (none: its own detection or collection).
    pub from: Option<ActorIx>,
    /// How (channel slug, "own detection", "inject").
    pub how: String,
    /// When it was sent.
    pub sent: Tick,
    /// Indicator number.
    pub indicator: u32,
}

/// Sends on one channel by one sender, about one campaign.
#[derive(Clone, Debug, Default)]
pub struct HopSummary {
    /// Sender.
    pub from: String,
    /// Channel (or "inject").
    pub channel: String,
    /// How many sends.
    pub sends: u32,
    /// First send.
    pub first: Option<Tick>,
    /// Deliveries.
    pub delivered: u32,
    /// Delivery latencies in hours.
    pub hours: Vec<u32>,
}

/// One campaign's sharing picture.
#[derive(Clone, Debug)]
pub struct CampaignFlow {
    /// Campaign id.
    pub id: String,
    /// Campaign name.
    pub name: String,
    /// Adversary name.
    pub adversary: String,
    /// First knowledge per actor, in order.
    pub first: Vec<FirstKnowledge>,
    /// First access attempt per targeted actor (any actor kind) and whether it was warned.
    pub attempts: Vec<(ActorIx, Tick, bool)>,
    /// Sends grouped by sender and channel.
    pub hops: Vec<HopSummary>,
    /// First detection.
    pub detected: Option<Tick>,
    /// Who made the first detection (even if it had heard of the campaign before).
    pub detected_by: Option<ActorIx>,
    /// First EI-ISAC alert.
    pub alerted: Option<Tick>,
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

fn team_of(reg: &Registry, a: ActorIx) -> Option<TeamIx> {
    reg.actor(a).team
}

fn actor_name(reg: &Registry, a: ActorIx) -> String {
    reg.actor(a).name.clone()
}

fn channel_name(c: Option<Channel>) -> String {
    c.map_or_else(|| "inject".to_string(), |c| c.slug().replace('_', " "))
}

/// Runs the analysis.
pub fn analyse<'a>(report: &'a ReplayReport, info: JournalInfo, evaluation: &EvaluationSpec) -> Analysis<'a> {
    let sim = &report.sim;
    let reg = sim.registry();
    let metrics = sim.metrics();
    let events = sim.events();
    let indicators = sim.indicators();

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

    // Knowledge arrivals per (actor, campaign): every way an indicator reached an actor.
    let camp_of = |ind: u32| indicators.get(ind as usize).map(|i| i.campaign);
    let flows = campaign_flows(sim);

    // Targeted jurisdictions, as the metric counts them: the first attempt on each local
    // jurisdiction or state office, warned if it held a matching indicator before.
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
        let _ = camp_of;
        targeted.push(Targeted {
            actor: owner,
            attempt: e.tick,
            campaign: info_c.spec.name.clone(),
            warned: *warned,
            first_warning: first,
        });
    }

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

fn campaign_flows(sim: &Sim) -> Vec<CampaignFlow> {
    let reg = sim.registry();
    let events = sim.events();
    let indicators = sim.indicators();
    let fv = sim.facilitator_view();
    let mut out = Vec::new();
    for (ci, c) in reg.campaigns.iter().enumerate() {
        let mut first: BTreeMap<ActorIx, FirstKnowledge> = BTreeMap::new();
        let mut hops: BTreeMap<(String, String), HopSummary> = BTreeMap::new();
        let mut attempts: Vec<(ActorIx, Tick, bool)> = Vec::new();
        let mut detected_by: Option<ActorIx> = None;
        let of_c = |ind: u32| indicators.get(ind as usize).is_some_and(|i| i.campaign.ix() == ci);
        let note = |first: &mut BTreeMap<ActorIx, FirstKnowledge>, k: FirstKnowledge| {
            first.entry(k.actor).or_insert(k);
        };
        for e in events {
            if let EventKind::Detected { campaign, detector, .. } = &e.kind
                && campaign.ix() == ci
            {
                detected_by.get_or_insert(*detector);
            }
            match &e.kind {
                EventKind::Detected { campaign, detector, indicator: Some(i), .. } if campaign.ix() == ci => {
                    note(
                        &mut first,
                        FirstKnowledge {
                            actor: *detector,
                            tick: e.tick,
                            from: None,
                            how: "own detection".into(),
                            sent: e.tick,
                            indicator: i.0,
                        },
                    )
                }
                EventKind::IntelGained { campaign, indicator } if campaign.ix() == ci => note(
                    &mut first,
                    FirstKnowledge {
                        actor: reg.federal.odni,
                        tick: e.tick,
                        from: None,
                        how: "own collection".into(),
                        sent: e.tick,
                        indicator: indicator.0,
                    },
                ),
                EventKind::Shared { from, indicator, channel, .. } if of_c(indicator.0) => {
                    // A sender seen for the first time held the indicator already (a sensor the
                    // EI-ISAC watches, or an inject that handed it over).
                    note(
                        &mut first,
                        FirstKnowledge {
                            actor: *from,
                            tick: e.tick,
                            from: None,
                            how: "held it (sensor or inject)".into(),
                            sent: e.tick,
                            indicator: indicator.0,
                        },
                    );
                    let h = hops.entry((actor_name(reg, *from), channel.slug().to_string())).or_insert_with(
                        || HopSummary {
                            from: actor_name(reg, *from),
                            channel: channel_name(Some(*channel)),
                            ..Default::default()
                        },
                    );
                    h.sends += 1;
                    h.first.get_or_insert(e.tick);
                }
                EventKind::Received { to, from, indicator, channel, sent } if of_c(indicator.0) => {
                    if !first.contains_key(from) {
                        note(
                            &mut first,
                            FirstKnowledge {
                                actor: *from,
                                tick: *sent,
                                from: None,
                                how: "held it (sensor or inject)".into(),
                                sent: *sent,
                                indicator: indicator.0,
                            },
                        );
                    }
                    note(
                        &mut first,
                        FirstKnowledge {
                            actor: *to,
                            tick: e.tick,
                            from: Some(*from),
                            how: channel_name(*channel),
                            sent: *sent,
                            indicator: indicator.0,
                        },
                    );
                    let key = (
                        actor_name(reg, *from),
                        channel.map_or("inject".to_string(), |c| c.slug().to_string()),
                    );
                    let h = hops.entry(key).or_insert_with(|| HopSummary {
                        from: actor_name(reg, *from),
                        channel: channel_name(*channel),
                        ..Default::default()
                    });
                    if channel.is_none() {
                        h.sends += u32::from(h.first.is_none());
                        h.first.get_or_insert(*sent);
                    }
                    h.delivered += 1;
                    h.hours.push(e.tick.0.saturating_sub(sent.0));
                }
                EventKind::Attempt { campaign, asset, warned, .. } if campaign.ix() == ci => {
                    let owner = reg.asset(*asset).owner;
                    if !attempts.iter().any(|(a, _, _)| *a == owner) {
                        attempts.push((owner, e.tick, *warned));
                    }
                }
                _ => {}
            }
        }
        if first.is_empty() && attempts.is_empty() {
            continue;
        }
        let mut first: Vec<FirstKnowledge> = first.into_values().collect();
        first.sort_by_key(|k| (k.tick, k.actor));
        let cv = fv.campaigns.get(ci);
        let to_tick = |t: Option<ETime>| t.and_then(|t| reg.clock.tick_of(t));
        out.push(CampaignFlow {
            id: c.spec.id.clone(),
            name: c.spec.name.clone(),
            adversary: reg.adversaries[c.adversary.ix()].name.clone(),
            first,
            attempts,
            hops: hops.into_values().collect(),
            detected: to_tick(cv.and_then(|v| v.detected)),
            detected_by,
            alerted: to_tick(cv.and_then(|v| v.alerted)),
        });
    }
    out
}

fn value_of(m: &Metrics, name: &str) -> Option<f64> {
    m.get(name)
}

/// Team names responsible for a metric, from who was involved in the run.
fn responsible(a: &Analysis, owner: Owner) -> String {
    let reg = a.sim.registry();
    let team = |x: ActorIx| reg.actor(x).team.map(|t| reg.teams[t.ix()].name.clone());
    let mut names: Vec<String> = Vec::new();
    let mut add = |n: Option<String>| {
        if let Some(n) = n
            && !names.contains(&n)
        {
            names.push(n);
        }
    };
    match owner {
        Owner::EiIsac => add(team(reg.federal.eiisac)),
        Owner::UnwarnedTargets => {
            for t in a.targeted.iter().filter(|t| !t.warned) {
                add(team(t.actor));
            }
            add(team(reg.federal.eiisac));
        }
        Owner::Detectors => {
            for e in a.sim.events() {
                if let EventKind::Detected { detector, .. } = &e.kind
                    && matches!(reg.actor(*detector).kind, ActorKind::Local | ActorKind::StateOffice)
                {
                    add(team(*detector));
                }
            }
            add(team(reg.federal.eiisac));
        }
        Owner::Victims => {
            for e in a.sim.events() {
                if let EventKind::Attempt { asset, outcome: AttemptOutcome::Succeeded, .. } = &e.kind {
                    add(team(reg.asset(*asset).owner));
                }
            }
        }
        Owner::ResultsOwners => {
            for e in a.sim.events() {
                if let EventKind::AssetDown { asset, .. } = &e.kind
                    && reg.asset(*asset).kind == ttx_engine::scenario::schema::AssetKind::ResultsWebsite
                {
                    add(team(reg.asset(*asset).owner));
                }
            }
        }
        Owner::Communicators => {
            for s in &reg.states {
                add(team(s.office));
            }
            add(team(reg.federal.dhs));
        }
        Owner::Intelligence => {
            add(team(reg.federal.odni));
            add(team(reg.federal.fbi));
        }
        Owner::EoProcess => {
            add(team(reg.federal.odni));
            add(team(reg.federal.doj));
            add(team(reg.federal.dhs));
        }
    }
    if names.is_empty() { "Exercise planners to assign".to_string() } else { names.join("; ") }
}

/// The numbers behind a measure, in words.
fn evidence(a: &Analysis, metric: &str) -> Vec<String> {
    let reg = a.sim.registry();
    let m = &a.metrics;
    let h = |x: Option<f64>| Unit::Hours.fmt_opt(x);
    let mut v = Vec::new();
    match metric {
        "warned_before_targeted" => {
            v.push(format!(
                "{} of {} targeted jurisdictions held a matching indicator before their first access attempt.",
                m.warned_jurisdictions, m.targeted_jurisdictions
            ));
            let unwarned: Vec<String> =
                a.targeted.iter().filter(|t| !t.warned).map(|t| actor_name(reg, t.actor)).collect();
            if !unwarned.is_empty() {
                v.push(format!("Targeted before any warning reached them: {}.", unwarned.join(", ")));
            }
            v.push(format!(
                "{} attempts were blocked thanks to an indicator shared by someone else ({} blocked in all).",
                m.blocked_by_shared_indicator, m.intrusions_blocked
            ));
        }
        "time_to_share_h_p50" | "alert_reach_h_p50" | "alert_reach_h_p90" => {
            for f in &a.flows {
                match (f.detected, f.alerted) {
                    (Some(d), Some(al)) => v.push(format!(
                        "{}: first detected {}, first EI-ISAC alert {} ({}).",
                        f.name,
                        reg.clock.at(d),
                        reg.clock.at(al),
                        if al >= d {
                            format!("{} h later", al.0 - d.0)
                        } else {
                            "before any detection, from intelligence or an inject".into()
                        }
                    )),
                    (Some(d), None) => v.push(format!(
                        "{}: first detected {}, never alerted by the EI-ISAC.",
                        f.name,
                        reg.clock.at(d)
                    )),
                    _ => {}
                }
            }
            if metric != "time_to_share_h_p50" {
                let n: u32 = a
                    .flows
                    .iter()
                    .flat_map(|f| &f.hops)
                    .filter(|h| h.channel == channel_name(Some(Channel::IsacToMembers)))
                    .map(|h| h.delivered)
                    .sum();
                v.push(format!(
                    "{n} EI-ISAC alerts brought a member an indicator it did not hold yet; reach p50 {}, p90 {}.",
                    h(m.alert_reach_h_p50),
                    h(m.alert_reach_h_p90)
                ));
            }
        }
        "dwell_time_h_p50" | "dwell_time_h_p90" | "undetected_compromises" => v.push(format!(
            "{} successful intrusions; dwell time p50 {}, p90 {} (Kaplan-Meier); {} intruders still inside unseen, {} gone unseen.",
            m.intrusions_succeeded,
            h(m.dwell_time_h_p50),
            h(m.dwell_time_h_p90),
            m.undetected_compromises,
            m.evicted_unseen
        )),
        "intrusions_attempted"
        | "intrusions_succeeded"
        | "intrusions_blocked"
        | "blocked_by_shared_indicator" => v.push(format!(
            "{} attempts: {} succeeded, {} blocked ({} thanks to a shared indicator).",
            m.intrusions_attempted,
            m.intrusions_succeeded,
            m.intrusions_blocked,
            m.blocked_by_shared_indicator
        )),
        "voters_affected" => v.push(format!(
            "{} voters affected: {} registrations altered, {} lost, {} voters delayed.",
            thousands(m.voters_affected as i64),
            thousands(m.registrations_altered as i64),
            thousands(m.registrations_lost as i64),
            thousands(m.voters_delayed as i64)
        )),
        "results_downtime_h" => v.push(format!(
            "Results websites were down {} h during election-night reporting.",
            m.results_downtime_h
        )),
        "confidence_min" | "confidence_final" => {
            let stmts = a.totals[5];
            v.push(format!(
                "Public confidence started at {:.2}, fell to {:.2} and ended at {:.2}; {} public statements, advisories and attributions.",
                reg.spec.public.confidence, m.confidence_min, m.confidence_final, stmts
            ));
        }
        "attribution_day" | "eo_deadlines_met" => {
            let eo = a.sim.facilitator_view().eo;
            v.push(match eo.assessment_at {
                Some(t) => format!(
                    "Assessment delivered {} (due {}), naming {}; attribution {}.",
                    t,
                    eo.assessment_due,
                    if eo.named.is_empty() { "no one".to_string() } else { eo.named.join(", ") },
                    match m.attribution_correct {
                        Some(true) => "correct",
                        Some(false) => "wrong",
                        None => "not judged",
                    }
                ),
                None => {
                    format!("No assessment delivered by the end of the record (due {}).", eo.assessment_due)
                }
            });
            if let Some(r) = eo.report_at {
                v.push(format!(
                    "DOJ/DHS report delivered {r} (due {}).",
                    eo.report_due.map_or("-".into(), |d| d.to_string())
                ));
            }
        }
        _ => {}
    }
    v
}

fn rate_capability(a: &Analysis, name: &str, measures: &[MeasureSpec]) -> CapabilityResult {
    let mut results = Vec::new();
    let mut strengths = Vec::new();
    let mut improvements = Vec::new();
    // Campaigns detected but never alerted: a missing sharing metric is then a failure, not a gap.
    let unshared: Vec<&CampaignFlow> =
        a.flows.iter().filter(|f| f.detected.is_some() && f.alerted.is_none()).collect();
    let any_alert = a.flows.iter().any(|f| f.alerted.is_some());
    for spec in measures {
        let value = value_of(&a.metrics, &spec.metric);
        let unit = unit(&spec.metric);
        let mut rating = rate(spec, value);
        let mut ev = evidence(a, &spec.metric);
        if value.is_none() {
            let sharing = spec.metric == "time_to_share_h_p50" || spec.metric.starts_with("alert_reach");
            if sharing && !unshared.is_empty() && !any_alert {
                rating = Rating::Unable;
                ev.insert(
                    0,
                    format!(
                        "No detected campaign was ever alerted by the EI-ISAC ({} detected), so the measure has no value: rated unable to be performed.",
                        unshared.len()
                    ),
                );
            } else {
                ev.insert(0, format!("{} has no value in this run: not rated.", label(&spec.metric)));
            }
        }
        let value_text = unit.fmt_opt(value);
        let target = threshold_text(spec, |x| unit.fmt(x));
        match rating {
            Rating::WithoutChallenges => strengths.push(format!(
                "{}: {} (performed without challenges needs {}{}).",
                label(&spec.metric),
                value_text,
                if spec.higher_is_better { "≥ " } else { "≤ " },
                unit.fmt(spec.without_challenges)
            )),
            r if r.is_challenge() => {
                let mut text = format!(
                    "{} was {} ({}); performing without challenges needs {}{}.",
                    label(&spec.metric),
                    value_text,
                    r.letter(),
                    if spec.higher_is_better { "≥ " } else { "≤ " },
                    unit.fmt(spec.without_challenges)
                );
                if let Some(first) =
                    ev.iter().find(|e| !e.contains(&value_text) && !e.ends_with("not rated."))
                {
                    text.push(' ');
                    text.push_str(first);
                }
                improvements.push((spec.metric.clone(), text));
            }
            _ => {}
        }
        let _ = target;
        results.push(MeasureResult { spec: spec.clone(), value, rating, evidence: ev });
    }
    // Observations beyond the thresholds.
    if name == "Intelligence and Information Sharing" && a.metrics.blocked_by_shared_indicator > 0 {
        strengths.push(format!(
            "Shared indicators stopped {} intrusion attempts outright.",
            a.metrics.blocked_by_shared_indicator
        ));
    }
    let rating = combine(results.iter().map(|r| r.rating));
    CapabilityResult { name: name.to_string(), rating, measures: results, strengths, improvements }
}

// ---------------------------------------------------------------------------
// Calendar dates

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Election Day as days since the epoch, if the scenario gives a valid `YYYY-MM-DD`.
pub fn election_day(reg: &Registry) -> Option<i64> {
    let s = reg.spec.clock.election_date.as_deref()?;
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let z = days_from_civil(y, m, d);
    (civil_from_days(z) == (y, m, d)).then_some(z)
}

/// A calendar date for an election-relative time, when the election date is known.
pub fn date_of(reg: &Registry, t: ETime) -> Option<String> {
    let e = election_day(reg)?;
    let (y, m, d) = civil_from_days(e + t.day());
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn when_long(reg: &Registry, t: ETime) -> String {
    match date_of(reg, t) {
        Some(d) => format!("{t} ({d})"),
        None => t.to_string(),
    }
}

// ---------------------------------------------------------------------------
// The document

pub(super) fn h2(doc: &mut Doc, id: &str, text: &str) {
    doc.blocks.push(Block::Heading { level: 2, id: id.into(), text: text.into() });
}

pub(super) fn h3(doc: &mut Doc, id: &str, text: &str) {
    doc.blocks.push(Block::Heading { level: 3, id: id.into(), text: text.into() });
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn axis(reg: &Registry, t0: u32, t1: u32, want: u32) -> Vec<AxisTick> {
    let start = reg.clock.at(Tick(t0)).day();
    let end = reg.clock.at(Tick(t1.saturating_sub(1))).day();
    let days = (end - start).max(1);
    let step = [1, 2, 5, 10, 15, 30, 60].into_iter().find(|s| days / s <= i64::from(want)).unwrap_or(90);
    let mut out = Vec::new();
    let mut d = start.div_euclid(step) * step;
    while d <= end {
        if let Some(t) = reg.clock.tick_of(ETime::new(d, 0))
            && t.0 >= t0
            && t.0 < t1
        {
            out.push(AxisTick {
                tick: t.0,
                label: format!("E{}{}d", if d < 0 { '-' } else { '+' }, d.abs()),
            });
        }
        d += step;
    }
    out
}

/// The due date prefilled in the improvement plan: 30 days before the election.
pub fn due_date(reg: &Registry) -> String {
    date_of(reg, ETime::new(-30, 0)).unwrap_or_else(|| "E-30d (before the next election)".to_string())
}

/// Builds the AAR/IP document.
pub fn document(a: &Analysis) -> Doc {
    let sim = a.sim;
    let reg = sim.registry();
    let spec = &reg.spec;
    let m = &a.metrics;
    let end_tick = Tick(a.last_tick);
    let end_time = reg.clock.at(end_tick);
    let finished = a.last_tick >= reg.clock.last_tick().0;
    let mut doc = Doc {
        title: spec.name.clone(),
        kind: "After-Action Report / Improvement Plan".into(),
        subtitle: format!(
            "Seed {} · {} · journal {} · draft for the exercise planners",
            a.info.seed,
            match a.info.mode.as_str() {
                "play" | "serve" => "facilitated exercise",
                "run" => "unattended run",
                other => other,
            },
            a.info.path
        ),
        blocks: Vec::new(),
    };

    // 1. Overview.
    h2(&mut doc, "overview", "1. Exercise overview");
    let mut facts = vec![
        ("Exercise name".to_string(), spec.name.clone()),
        ("Scenario".to_string(), format!("{} (content hash {})", a.info.scenario, a.info.scenario_hash)),
        (
            "Scenario dates".to_string(),
            format!("{} to {}", when_long(reg, reg.clock.start), when_long(reg, reg.clock.end)),
        ),
        (
            "Election Day".to_string(),
            spec.clock.election_date.clone().unwrap_or_else(|| "E+0d (no calendar date set)".into()),
        ),
        (
            "Record".to_string(),
            format!(
                "{} · {} commands from players and facilitator, {} discussion notes, {} state hashes verified",
                if finished {
                    format!("complete to {}", end_time)
                } else {
                    format!("ends at {} (the scenario runs to {})", end_time, reg.clock.end)
                },
                a.commands.len(),
                a.notes.len(),
                a.hashes_checked
            ),
        ),
        ("Seed".to_string(), a.info.seed.to_string()),
        ("Written by".to_string(), format!("ttx {} ({})", a.info.ttx_version, a.info.mode)),
    ];
    if !spec.description.is_empty() {
        facts.insert(1, ("Scenario summary".into(), spec.description.clone()));
    }
    doc.blocks.push(Block::Facts(facts));
    if !spec.objectives.is_empty() {
        h3(&mut doc, "objectives", "Objectives");
        doc.blocks.push(Block::Bullets(spec.objectives.clone()));
    }
    h3(&mut doc, "modules", "Modules");
    let mut t = Table {
        head: vec!["Module".into(), "Begins".into(), "Objectives".into(), "Discussion questions".into()],
        ..Default::default()
    };
    for md in &reg.modules {
        t.rows.push(vec![
            Cell::text(&md.title),
            Cell::text(when_long(reg, reg.clock.at(md.start))),
            Cell::text(md.objectives.join(" ")),
            Cell::num(md.questions.len().to_string()),
        ]);
    }
    doc.blocks.push(Block::Table(t));

    h3(&mut doc, "participants", "Participating teams and organisations");
    let mut by_team: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for (_, issuer, _, rejected) in &a.commands {
        let e = by_team.entry(issuer.clone()).or_default();
        if rejected.is_some() {
            e.1 += 1;
        } else {
            e.0 += 1;
        }
    }
    let mut t = Table {
        head: vec![
            "Team".into(),
            "Role".into(),
            "Organisations".into(),
            "Commands (accepted / refused)".into(),
        ],
        ..Default::default()
    };
    for team in &reg.teams {
        let orgs: Vec<String> = team.actors.iter().map(|x| actor_name(reg, *x)).collect();
        let orgs = if orgs.len() > 8 {
            format!("{} and {} more", orgs[..6].join(", "), orgs.len() - 6)
        } else if orgs.is_empty() {
            "exercise control".to_string()
        } else {
            orgs.join(", ")
        };
        let (ok, no) = by_team.get(&format!("team {}", team.id)).copied().unwrap_or_default();
        t.rows.push(vec![
            Cell::text(&team.name),
            Cell::text(match team.role {
                TeamRole::Player => "players",
                TeamRole::RedCell => "red cell (adversary)",
                TeamRole::WhiteCell => "white cell (control)",
            }),
            Cell::text(orgs),
            Cell::num(format!("{ok} / {no}")),
        ]);
    }
    if let Some((ok, no)) = by_team.get("facilitator") {
        t.rows.push(vec![
            Cell::text("Facilitator"),
            Cell::text("exercise control"),
            Cell::text("acts for any organisation"),
            Cell::num(format!("{ok} / {no}")),
        ]);
    }
    doc.blocks.push(Block::Table(t));
    let kinds = |k: ActorKind| reg.actors.iter().filter(|x| x.kind == k).count();
    doc.blocks.push(Block::Para(format!(
        "Organisations simulated: {} state election offices ({}), {} local election jurisdictions, {} vendor{}, the federal partners (DHS/CISA, the EI-ISAC, the FBI, ODNI, DOJ, Treasury, State) and {} foreign adversaries ({}). Organisations whose team issued no command followed their scenario doctrine.",
        reg.states.len(),
        reg.states.iter().map(|s| s.postal.as_str()).collect::<Vec<_>>().join(", "),
        kinds(ActorKind::Local),
        kinds(ActorKind::Vendor),
        if kinds(ActorKind::Vendor) == 1 { "" } else { "s" },
        reg.adversaries.len(),
        reg.adversaries.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join("; ")
    )));

    // 2. Summary.
    h2(&mut doc, "summary", "2. Summary of results");
    let mut t = Table { head: vec!["Core capability".into(), "Rating".into()], ..Default::default() };
    for c in &a.capabilities {
        t.rows.push(vec![Cell::text(&c.name), Cell::rating(c.rating)]);
    }
    doc.blocks.push(Block::Table(t));
    let pct = |x: Option<f64>| Unit::Share.fmt_opt(x);
    let h = |x: Option<f64>| Unit::Hours.fmt_opt(x);
    // A metric on its own: its label and its value as its unit reads.
    let fact = |name: &str| (label(name), unit(name).fmt_opt(m.get(name)));
    doc.blocks.push(Block::Facts(vec![
        (
            label("warned_before_targeted"),
            format!(
                "{} ({} of {} targeted jurisdictions)",
                pct(m.warned_before_targeted),
                m.warned_jurisdictions,
                m.targeted_jurisdictions
            ),
        ),
        fact("time_to_share_h_p50"),
        (
            "Alert reach (median / 90th percentile)".into(),
            format!("{} / {}", h(m.alert_reach_h_p50), h(m.alert_reach_h_p90)),
        ),
        (
            "Intrusion attempts".into(),
            format!(
                "{} attempted, {} succeeded, {} blocked ({} by a shared indicator)",
                m.intrusions_attempted,
                m.intrusions_succeeded,
                m.intrusions_blocked,
                m.blocked_by_shared_indicator
            ),
        ),
        fact("voters_affected"),
        fact("results_downtime_h"),
        (
            "Public confidence".into(),
            format!("lowest {:.2}, final {:.2}", m.confidence_min, m.confidence_final),
        ),
        (
            "EO 13848".into(),
            format!(
                "assessment {}, report {}, deadlines {}",
                m.assessment_day.map_or("not delivered".into(), |d| format!("day {d}")),
                m.report_day.map_or("not delivered".into(), |d| format!("day {d}")),
                match m.eo_deadlines_met {
                    Some(true) => "met",
                    Some(false) => "not met",
                    None => "not reached",
                }
            ),
        ),
    ]));
    let strengths: Vec<String> =
        a.capabilities.iter().flat_map(|c| c.strengths.iter().cloned()).take(4).collect();
    let afis: Vec<String> =
        a.capabilities.iter().flat_map(|c| c.improvements.iter().map(|x| x.1.clone())).take(4).collect();
    if !strengths.is_empty() {
        h3(&mut doc, "major-strengths", "Major strengths");
        doc.blocks.push(Block::Bullets(strengths));
    }
    if !afis.is_empty() {
        h3(&mut doc, "primary-afis", "Primary areas for improvement");
        doc.blocks.push(Block::Bullets(afis));
    }

    // 3. Timeline.
    h2(&mut doc, "timeline", "3. Timeline");
    let t0 = 0;
    let t1 = (a.last_tick + 1).max(1);
    let mut bands = Vec::new();
    for (i, md) in reg.modules.iter().enumerate() {
        let to = reg.modules.get(i + 1).map_or(reg.clock.ticks(), |n| n.start.0);
        if md.start.0 < t1 {
            bands.push(Band { from: md.start.0, to: to.min(t1), label: md.title.clone() });
        }
    }
    let mut markers = deadline_markers(reg, t1);
    markers.extend(bookmark_markers(&a.talk, t1));
    // Rows with nothing to show (a control cell, an idle team) are left off the chart.
    let shown: Vec<usize> = (0..a.rows.len()).filter(|r| a.counts[*r].iter().any(|c| *c > 0)).collect();
    let tl = svg::Timeline {
        rows: shown.iter().map(|r| a.rows[*r].clone()).collect(),
        categories: CATEGORIES.iter().map(|(n, c)| (n.to_string(), *c)).collect(),
        marks: timeline_marks(&a.marks, &shown),
        bands,
        markers: markers.clone(),
        axis: axis(reg, t0, t1, 16),
        t0,
        t1,
    };
    doc.blocks.push(Block::Figure(Figure {
        name: "timeline".into(),
        caption: "What happened, by team, over scenario time: injects addressed to the team, intrusions into its systems, its detections, indicators it shared, FBI victim notifications, and public statements (hover a mark for the event).".into(),
        svg: svg::timeline(&tl, &format!("{} timeline", spec.name)),
    }));
    let mut t = Table {
        head: std::iter::once("Team".to_string()).chain(CATEGORIES.iter().map(|c| c.0.to_string())).collect(),
        ..Default::default()
    };
    for (r, name) in a.rows.iter().enumerate() {
        let c = a.counts[r];
        if c.iter().all(|x| *x == 0) {
            continue;
        }
        t.rows.push(
            std::iter::once(Cell::text(name)).chain(c.iter().map(|x| Cell::num(x.to_string()))).collect(),
        );
    }
    t.rows.push(
        std::iter::once(Cell::text(ALL_TEAMS))
            .chain(a.totals.iter().map(|x| Cell::num(x.to_string())))
            .collect(),
    );
    doc.blocks.push(Block::Table(t));
    doc.blocks.push(Block::Aside(
        "An inject addressed to several teams counts once for each of them; the last row counts each event once.".into(),
    ));
    talk_section(&mut doc, a);
    h3(&mut doc, "injects", "Injects");
    let mut t = Table {
        head: vec!["Fired".into(), "Inject".into(), "Teams".into(), "Expected actions".into()],
        ..Default::default()
    };
    let mut views = sim.inject_views();
    views.sort_by_key(|v| v.fired_at.map_or(i64::MAX, |t| t.0));
    for iv in views {
        let fired = match iv.fired_at {
            Some(t) => t.to_string(),
            None => format!("not fired ({})", iv.state),
        };
        let teams: Vec<String> = iv
            .teams
            .iter()
            .filter_map(|id| reg.team_by_id.get(id).map(|t| reg.teams[t.ix()].name.clone()))
            .collect();
        let corrections: Vec<String> = a
            .debrief
            .iter()
            .filter_map(|r| match r {
                Record::Correction { time, inject, text, .. } if *inject == iv.id => {
                    Some(format!(" — corrected at {time}: {text}"))
                }
                _ => None,
            })
            .collect();
        t.rows.push(vec![
            Cell::text(fired),
            Cell::text(format!("{}{}", iv.title, corrections.concat())),
            Cell::text(if teams.is_empty() { "all".into() } else { teams.join(", ") }),
            Cell::text(iv.expected_actions.join("; ")),
        ]);
    }
    let adhoc: Vec<_> = sim
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::InjectFired { inject: None, .. }))
        .collect();
    for e in adhoc {
        if let EventKind::InjectFired { title, teams, .. } = &e.kind {
            t.rows.push(vec![
                Cell::text(reg.clock.at(e.tick).to_string()),
                Cell::text(format!("{title} (unscripted)")),
                Cell::text(if teams.is_empty() {
                    "all".into()
                } else {
                    teams.iter().map(|t| reg.teams[t.ix()].name.clone()).collect::<Vec<_>>().join(", ")
                }),
                Cell::text(""),
            ]);
        }
    }
    doc.blocks.push(Block::Table(t));
    if !sim.series().is_empty() {
        let pts: Vec<(u32, Option<f64>)> =
            sim.series().iter().map(|p| (p.tick, Some(p.confidence))).collect();
        let warned: Vec<(u32, Option<f64>)> =
            sim.series().iter().map(|p| (p.tick, p.warned_before_targeted.map(|w| w * 100.0))).collect();
        let l = svg::Lines {
            series: vec![
                ("Public confidence (0-100)".into(), colour::BLUE, pts),
                ("Warned before targeted (%)".into(), colour::GREEN, warned),
            ],
            y_min: 0.0,
            y_max: 100.0,
            y_fmt: |v| format!("{v:.0}"),
            axis: axis(reg, t0, t1, 16),
            markers,
            t0,
            t1,
        };
        doc.blocks.push(Block::Figure(Figure {
            name: "confidence".into(),
            caption: "Public confidence and the share of targeted jurisdictions warned before they were targeted, at the end of each simulated day.".into(),
            svg: svg::lines(&l, "Public confidence and warning over time"),
        }));
    }

    // 4. Sharing.
    sharing_section(&mut doc, a);

    // 5. Capabilities.
    h2(&mut doc, "capabilities", "5. Core capability analysis");
    doc.blocks.push(Block::Aside(format!(
        "Each measure is rated by the thresholds in the scenario's evaluation section{}; a capability takes the worst rating among its rated measures. A measure with no value (nothing happened that it measures) is not rated.",
        if spec.evaluation == EvaluationSpec::default() { " (here the documented defaults, as the scenario sets none)" } else { "" }
    )));
    for c in &a.capabilities {
        h3(&mut doc, &format!("cap-{}", slug(&c.name)), &c.name);
        doc.blocks.push(Block::Rating { label: "Rating".into(), rating: c.rating });
        let mut t = Table {
            head: vec!["Measure".into(), "Value".into(), "Thresholds".into(), "Rating".into()],
            ..Default::default()
        };
        for r in &c.measures {
            let unit = unit(&r.spec.metric);
            t.rows.push(vec![
                Cell::text(format!("{} ({})", label(&r.spec.metric), r.spec.metric)),
                Cell::num(unit.fmt_opt(r.value)),
                Cell::text(threshold_text(&r.spec, |x| unit.fmt(x))),
                Cell::rating(r.rating),
            ]);
        }
        doc.blocks.push(Block::Table(t));
        let ev: Vec<String> = c.measures.iter().flat_map(|r| r.evidence.iter().cloned()).collect::<Vec<_>>();
        let mut ev_unique = Vec::new();
        for e in ev {
            if !ev_unique.contains(&e) {
                ev_unique.push(e);
            }
        }
        doc.blocks.push(Block::Para("Evidence:".into()));
        doc.blocks.push(Block::Bullets(ev_unique));
        doc.blocks.push(Block::Para("Strengths:".into()));
        doc.blocks.push(Block::Bullets(if c.strengths.is_empty() {
            vec!["None identified from the measures.".into()]
        } else {
            c.strengths.clone()
        }));
        doc.blocks.push(Block::Para("Areas for improvement:".into()));
        doc.blocks.push(Block::Bullets(if c.improvements.is_empty() {
            vec!["None identified from the measures.".into()]
        } else {
            c.improvements.iter().map(|x| x.1.clone()).collect()
        }));
    }

    eeg_section(&mut doc, a);

    // 6. EO 13848.
    eo_section(&mut doc, a);

    // 7. Notes.
    notes_section(&mut doc, a);

    // 8-9. The debrief.
    super::debrief::hot_wash_section(&mut doc, reg, &a.debrief, "8");
    super::debrief::feedback_section(&mut doc, reg, &a.debrief, "9");

    // 8. Improvement plan.
    h2(&mut doc, "improvement-plan", "10. Improvement plan");
    doc.blocks.push(Block::Aside(format!(
        "Prefilled from the areas for improvement above for the planners to edit (in the browser the cells are editable before printing). Due dates default to 30 days before the election ({}).",
        due_date(reg)
    )));
    let mut t = Table {
        head: vec![
            "#".into(),
            "Core capability".into(),
            "Issue / area for improvement".into(),
            "Corrective action".into(),
            "Responsible team".into(),
            "Due date".into(),
        ],
        editable: true,
        ..Default::default()
    };
    let mut k = 0;
    for c in &a.capabilities {
        for (metric, issue) in &c.improvements {
            k += 1;
            let mt = metric_text(metric);
            t.rows.push(vec![
                Cell::num(k.to_string()),
                Cell::text(&c.name),
                Cell::text(issue),
                Cell::text(mt.action),
                Cell::text(responsible(a, mt.owner)),
                Cell::nowrap(due_date(reg)),
            ]);
        }
    }
    if t.rows.is_empty() {
        t.rows.push(vec![
            Cell::num("1"),
            Cell::text("(none)"),
            Cell::text("No area for improvement came from the measures; add those from the discussion."),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
        ]);
    }
    doc.blocks.push(Block::Table(t));

    // Appendices.
    h2(&mut doc, "actions", "Appendix A. Player and facilitator actions");
    if a.commands.is_empty() {
        doc.blocks.push(Block::Para(
            "No commands were given from the consoles: every organisation followed its scenario doctrine."
                .into(),
        ));
    } else {
        let mut t = Table {
            head: vec!["Applied".into(), "Who".into(), "Command".into(), "Result".into()],
            ..Default::default()
        };
        for (tick, who, what, rejected) in &a.commands {
            t.rows.push(vec![
                Cell::text(reg.clock.at(*tick).to_string()),
                Cell::text(who),
                Cell::text(what),
                match rejected {
                    None => Cell::yes_no(true, "accepted", ""),
                    Some(r) => Cell::yes_no(false, "", &format!("refused: {r}")),
                },
            ]);
        }
        doc.blocks.push(Block::Table(t));
    }
    h2(&mut doc, "metrics", "Appendix B. Every metric");
    let mut t =
        Table { head: vec!["Metric".into(), "Value".into(), "Definition".into()], ..Default::default() };
    for (name, v) in m.scalars() {
        let mt = metric_text(name);
        t.rows.push(vec![Cell::text(name), Cell::num(unit(name).fmt_opt(v)), Cell::text(mt.definition)]);
    }
    doc.blocks.push(Block::Table(t));
    h2(&mut doc, "reproduce", "Appendix C. Reproducing this report");
    doc.blocks.push(Block::Para(format!(
        "The journal holds the scenario source (hash {}), the seed ({}) and every command; `ttx replay {} --verify` re-simulates it and checks {} state hashes, and `ttx report {}` drafts this report again, identical byte for byte.",
        a.info.scenario_hash, a.info.seed, a.info.path, a.hashes_checked, a.info.path
    )));
    media_appendix(&mut doc, a);
    super::team_pages::team_pages(&mut doc, sim, &a.talk, "T");
    doc
}

/// The HSEEP rating of one scored expected action.
fn action_rating(r: ActionRating) -> Rating {
    match r {
        ActionRating::OnTime => Rating::WithoutChallenges,
        ActionRating::Late => Rating::SomeChallenges,
        ActionRating::NotDone => Rating::Unable,
        ActionRating::NotDue => Rating::NotRated,
    }
}

/// The worst of the rated ratings (none rated: not rated).
fn worst(ratings: impl Iterator<Item = Rating>) -> Rating {
    ratings.filter(|r| *r != Rating::NotRated).max().unwrap_or(Rating::NotRated)
}

/// The Exercise Evaluation Guide: the expected actions written as command patterns, per core
/// capability and per team, with what was done, when, and the rating.
fn eeg_section(doc: &mut Doc, a: &Analysis) {
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
fn media_appendix(doc: &mut Doc, a: &Analysis) {
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
fn timeline_marks(marks: &[(usize, usize, u32, String)], shown: &[usize]) -> Vec<svg::TimelineMark> {
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
fn bookmark_markers(talk: &[Record], t1: u32) -> Vec<Marker> {
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
fn talk_section(doc: &mut Doc, a: &Analysis) {
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

fn deadline_markers(reg: &Registry, t1: u32) -> Vec<Marker> {
    let mut v = Vec::new();
    let mut add = |t: ETime, label: &str, colour: &'static str| {
        if let Some(tick) = reg.clock.tick_of(t)
            && tick.0 < t1
        {
            v.push(Marker { tick: tick.0, label: label.into(), colour });
        }
    };
    add(ETime::new(0, 0), "Election Day", colour::RED);
    add(
        ETime::new(i64::from(reg.spec.eo13848.assessment_due_days), 23),
        "EO 13848 assessment due",
        colour::GREY,
    );
    v
}

fn sharing_section(doc: &mut Doc, a: &Analysis) {
    let sim = a.sim;
    let reg = sim.registry();
    let m = &a.metrics;
    h2(doc, "sharing", "4. Information sharing");
    doc.blocks.push(Block::Para(format!(
        "Did a warning reach the next target before the adversary did? {} of {} targeted jurisdictions held a matching indicator before their first access attempt ({}). A campaign's first EI-ISAC alert came a median {} after its first detection, and alerts reached members in a median {} (90th percentile {}).",
        m.warned_jurisdictions,
        m.targeted_jurisdictions,
        Unit::Share.fmt_opt(m.warned_before_targeted),
        Unit::Hours.fmt_opt(m.time_to_share_h_p50),
        Unit::Hours.fmt_opt(m.alert_reach_h_p50),
        Unit::Hours.fmt_opt(m.alert_reach_h_p90),
    )));
    h3(doc, "warned", "Warned before targeted");
    let mut t = Table {
        head: vec![
            "Jurisdiction".into(),
            "Team".into(),
            "First access attempt".into(),
            "Campaign".into(),
            "Warned first".into(),
            "First matching indicator".into(),
            "Lead time".into(),
        ],
        ..Default::default()
    };
    for x in a.targeted.iter().take(MAX_ROWS) {
        let team = reg.actor(x.actor).team.map_or(NO_TEAM.to_string(), |t| reg.teams[t.ix()].name.clone());
        let (first, lead) = match &x.first_warning {
            Some((tick, how)) => {
                (format!("{} {}", reg.clock.at(*tick), how), format!("{} h", x.attempt.0 - tick.0))
            }
            None => ("none before the attempt".into(), "-".into()),
        };
        t.rows.push(vec![
            Cell::text(actor_name(reg, x.actor)),
            Cell::text(team),
            Cell::text(reg.clock.at(x.attempt).to_string()),
            Cell::text(&x.campaign),
            Cell::yes_no(x.warned, "yes", "no"),
            Cell::text(first),
            Cell::num(lead),
        ]);
    }
    if t.rows.is_empty() {
        doc.blocks.push(Block::Para("No jurisdiction was targeted in this record.".into()));
    } else {
        doc.blocks.push(Block::Table(t));
    }
    if a.targeted.len() > MAX_ROWS {
        doc.blocks.push(Block::Aside(format!(
            "The first {MAX_ROWS} of {} targeted jurisdictions, by time of first attempt; the table by state below counts them all.",
            a.targeted.len()
        )));
    }
    if reg.states.len() > 1 && !a.targeted.is_empty() {
        h3(doc, "warned-by-state", "Warned before targeted, by state");
        let mut by: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        for x in &a.targeted {
            let st = reg.actor(x.actor).state.map_or("-".to_string(), |s| reg.states[s.ix()].name.clone());
            let e = by.entry(st).or_default();
            e.0 += 1;
            e.1 += u32::from(x.warned);
        }
        let mut t = Table {
            head: vec!["State".into(), "Targeted".into(), "Warned first".into(), "Share warned".into()],
            ..Default::default()
        };
        for (st, (n, w)) in by {
            t.rows.push(vec![
                Cell::text(st),
                Cell::num(n.to_string()),
                Cell::num(w.to_string()),
                Cell::num(Unit::Share.fmt(f64::from(w) / f64::from(n.max(1)))),
            ]);
        }
        doc.blocks.push(Block::Table(t));
    }
    h3(doc, "channels", "Indicators carried by channel");
    let mut t = Table { head: vec!["Channel".into(), "Messages".into()], ..Default::default() };
    for (k, v) in &m.messages_by_channel {
        if *v > 0 {
            t.rows.push(vec![Cell::text(k.replace('_', " ")), Cell::num(thousands(*v as i64))]);
        }
    }
    doc.blocks.push(Block::Table(t));

    let channel_colour = |how: &str| -> &'static str {
        match how {
            "local to state" | "state to locals" => colour::ORANGE,
            "state to isac" | "member to isac" | "isac to dhs" => colour::SKY,
            "isac to members" => colour::GREEN,
            "dhs to isac" | "odni to dhs" => colour::BLUE,
            "fbi to victim" | "report to fbi" => colour::PURPLE,
            "vendor to customers" => colour::YELLOW,
            "public advisory" => colour::GREY,
            _ => colour::RED,
        }
    };
    for f in &a.flows {
        h3(doc, &format!("flow-{}", f.id), &format!("Campaign: {}", f.name));
        let mut facts = vec![("Adversary".to_string(), f.adversary.clone())];
        facts.push((
            "First detected".into(),
            f.detected.map_or("never".into(), |t| {
                let who = f.detected_by.map(|k| actor_name(reg, k));
                format!("{}{}", reg.clock.at(t), who.map(|w| format!(" by {w}")).unwrap_or_default())
            }),
        ));
        facts.push((
            "First EI-ISAC alert".into(),
            match (f.detected, f.alerted) {
                (_, None) => "never".into(),
                (Some(d), Some(al)) if al >= d => {
                    format!("{} ({} h after detection)", reg.clock.at(al), al.0 - d.0)
                }
                (_, Some(al)) => format!("{} (before any detection)", reg.clock.at(al)),
            },
        ));
        let warned = f.attempts.iter().filter(|x| x.2).count();
        facts.push((
            "Targets attempted".into(),
            format!("{} ({} held a matching indicator first)", f.attempts.len(), warned),
        ));
        doc.blocks.push(Block::Facts(facts));

        // The flow chart: every actor that learned of the campaign or was attacked by it.
        // Rows: organisations in the order they became involved (first knowledge or first attempt).
        let mut involved: BTreeMap<ActorIx, Tick> = BTreeMap::new();
        for (x, t) in f.first.iter().map(|k| (k.actor, k.tick)).chain(f.attempts.iter().map(|a| (a.0, a.1))) {
            let e = involved.entry(x).or_insert(t);
            *e = (*e).min(t);
        }
        let mut order: Vec<(Tick, ActorIx)> = involved.iter().map(|(x, t)| (*t, *x)).collect();
        order.sort();
        let total_rows = order.len();
        let order: Vec<ActorIx> = order.into_iter().take(MAX_ROWS).map(|(_, x)| x).collect();
        let row_of: BTreeMap<ActorIx, usize> = order.iter().enumerate().map(|(i, x)| (*x, i)).collect();
        let ticks: Vec<u32> = f
            .first
            .iter()
            .filter(|k| row_of.contains_key(&k.actor))
            .flat_map(|k| [k.tick.0, k.sent.0])
            .chain(f.attempts.iter().filter(|x| row_of.contains_key(&x.0)).map(|x| x.1.0))
            .collect();
        let lo = ticks.iter().copied().min().unwrap_or(0);
        let hi = ticks.iter().copied().max().unwrap_or(lo) + 1;
        let pad = ((hi - lo) / 20).max(6);
        let (t0, t1) = (lo.saturating_sub(pad), (hi + pad).min(reg.clock.ticks()));
        let mut legend: Vec<(String, &'static str)> = Vec::new();
        let arrivals = f
            .first
            .iter()
            .filter(|k| row_of.contains_key(&k.actor))
            .map(|k| {
                let c = channel_colour(&k.how);
                let detected = k.from.is_none();
                if !detected && !legend.iter().any(|(l, _)| *l == k.how) {
                    legend.push((k.how.clone(), c));
                }
                svg::Arrival {
                    row: row_of[&k.actor],
                    tick: k.tick.0,
                    from: k.from.and_then(|fr| row_of.get(&fr).map(|r| (*r, k.sent.0))),
                    colour: c,
                    title: match k.from {
                        Some(fr) => format!(
                            "{} {} received IND-{:04} from {} via {} ({} h)",
                            reg.clock.at(k.tick),
                            actor_name(reg, k.actor),
                            k.indicator,
                            actor_name(reg, fr),
                            k.how,
                            k.tick.0 - k.sent.0
                        ),
                        None => format!(
                            "{} {}: IND-{:04}, {}",
                            reg.clock.at(k.tick),
                            actor_name(reg, k.actor),
                            k.indicator,
                            k.how
                        ),
                    },
                    detected,
                }
            })
            .collect();
        let fl = svg::Flow {
            rows: order
                .iter()
                .map(|x| svg::FlowRow {
                    label: actor_name(reg, *x),
                    warned: f.attempts.iter().find(|a| a.0 == *x).map(|a| a.2),
                })
                .collect(),
            arrivals,
            attempts: f
                .attempts
                .iter()
                .filter(|x| row_of.contains_key(&x.0))
                .map(|(x, t, w)| {
                    (
                        row_of[x],
                        t.0,
                        format!(
                            "{} first access attempt on {}{}",
                            reg.clock.at(*t),
                            actor_name(reg, *x),
                            if *w { " (warned)" } else { " (not warned)" }
                        ),
                    )
                })
                .collect(),
            legend,
            axis: axis(reg, t0, t1, 12),
            t0,
            t1,
        };
        doc.blocks.push(Block::Figure(Figure {
            name: format!("flow-{}", f.id),
            caption: format!(
                "How word of \"{}\" spread: each row is an organisation, the dot is when it first held an indicator of the campaign (black: its own detection), the line is the hop that brought it, and the cross is the first access attempt on it (✓ warned before, ✗ not).{}",
                f.name,
                if total_rows > MAX_ROWS {
                    format!(" The first {MAX_ROWS} of {total_rows} organisations involved.")
                } else {
                    String::new()
                }
            ),
            svg: svg::flow(&fl, &format!("Indicator flow: {}", f.name)),
        }));
        let mut t = Table {
            head: vec![
                "Organisation".into(),
                "First held an indicator".into(),
                "From".into(),
                "How".into(),
                "Hop".into(),
                "Since first detection".into(),
            ],
            ..Default::default()
        };
        for k in f.first.iter().take(MAX_ROWS) {
            t.rows.push(vec![
                Cell::text(actor_name(reg, k.actor)),
                Cell::text(reg.clock.at(k.tick).to_string()),
                Cell::text(k.from.map_or("-".into(), |x| actor_name(reg, x))),
                Cell::text(&k.how),
                Cell::num(if k.from.is_some() { format!("{} h", k.tick.0 - k.sent.0) } else { "-".into() }),
                Cell::num(match f.detected {
                    Some(d) if k.tick >= d => format!("{} h", k.tick.0 - d.0),
                    Some(_) => "before".into(),
                    None => "-".into(),
                }),
            ]);
        }
        doc.blocks.push(Block::Table(t));
        if f.first.len() > MAX_ROWS {
            doc.blocks.push(Block::Aside(format!(
                "The first {MAX_ROWS} of {} organisations that held an indicator of this campaign.",
                f.first.len()
            )));
        }
        let mut t = Table {
            head: vec![
                "Sender".into(),
                "Channel".into(),
                "Sends".into(),
                "First sent".into(),
                "New arrivals".into(),
                "Hop hours (min / median / max)".into(),
            ],
            ..Default::default()
        };
        let mut hops: Vec<&HopSummary> = f.hops.iter().collect();
        hops.sort_by_key(|h| (h.first, h.from.clone(), h.channel.clone()));
        for hsum in hops.iter().take(MAX_ROWS) {
            let mut hs = hsum.hours.clone();
            hs.sort_unstable();
            let lat = if hs.is_empty() {
                "-".into()
            } else {
                format!("{} / {} / {}", hs[0], hs[(hs.len() - 1) / 2], hs[hs.len() - 1])
            };
            t.rows.push(vec![
                Cell::text(&hsum.from),
                Cell::text(&hsum.channel),
                Cell::num(hsum.sends.to_string()),
                Cell::text(hsum.first.map_or("-".into(), |t| reg.clock.at(t).to_string())),
                Cell::num(hsum.delivered.to_string()),
                Cell::num(lat),
            ]);
        }
        if !t.rows.is_empty() {
            doc.blocks.push(Block::Table(t));
            let more = if hops.len() > MAX_ROWS {
                format!(" The first {MAX_ROWS} of {} senders and channels, by first send.", hops.len())
            } else {
                String::new()
            };
            doc.blocks.push(Block::Aside(format!(
                "New arrivals count the messages that brought the recipient an indicator of this campaign it did not hold yet; hop hours are measured over those.{more}"
            )));
        }
    }
}

fn eo_section(doc: &mut Doc, a: &Analysis) {
    let sim = a.sim;
    let reg = sim.registry();
    let m = &a.metrics;
    let fv = sim.facilitator_view();
    let eo = fv.eo;
    let end = reg.clock.at(Tick(a.last_tick));
    h2(doc, "eo13848", "6. EO 13848 outcome");
    doc.blocks.push(Block::Aside(
        "Executive Order 13848: the DNI's assessment of foreign interference is due within 45 days of the election; the DOJ/DHS report on its impact within 45 days after that; then the sanctions decision.".into(),
    ));
    let pending = |due: ETime| {
        if end < due {
            format!("not reached by the end of the record ({end})")
        } else {
            "not delivered".to_string()
        }
    };
    let mut facts = Vec::new();
    facts.push(("Assessment due".to_string(), when_long(reg, eo.assessment_due)));
    facts.push((
        "Assessment delivered".to_string(),
        match eo.assessment_at {
            Some(t) => format!(
                "{} — day {}, {}{}",
                when_long(reg, t),
                t.day(),
                if t <= eo.assessment_due { "on time" } else { "LATE" },
                match eo.confident {
                    Some(false) => ", with low confidence",
                    _ => "",
                }
            ),
            None => pending(eo.assessment_due),
        },
    ));
    facts.push((
        "Named".to_string(),
        if eo.assessment_at.is_none() {
            "-".into()
        } else if eo.named.is_empty() {
            "no foreign interference identified".into()
        } else {
            eo.named.join(", ")
        },
    ));
    facts.push((
        "Attribution correct".to_string(),
        match m.attribution_correct {
            Some(true) => "yes: it named exactly the adversaries that interfered".into(),
            Some(false) => "no: it did not name exactly the adversaries that interfered".into(),
            None => "not judged (no assessment)".into(),
        },
    ));
    let active: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for e in sim.events() {
            if let EventKind::CampaignStarted { campaign } = &e.kind {
                let n = reg.adversaries[reg.campaign(*campaign).adversary.ix()].name.clone();
                if !v.contains(&n) {
                    v.push(n);
                }
            }
        }
        // A campaign an inject found already inside (`Compromise`) is running without a start event.
        for c in fv.campaigns.iter().filter(|c| c.status == "active" || c.targets > 0) {
            if !v.contains(&c.adversary) {
                v.push(c.adversary.clone());
            }
        }
        v
    };
    facts.push((
        "Adversaries with campaigns in this run".to_string(),
        if active.is_empty() { "none".into() } else { active.join(", ") },
    ));
    facts.push((
        "Report due".to_string(),
        eo.report_due.map_or("45 days after the assessment".into(), |d| when_long(reg, d)),
    ));
    facts.push((
        "Report delivered".to_string(),
        match (eo.report_at, eo.report_due) {
            (Some(t), Some(due)) => {
                format!(
                    "{} — day {}, {}",
                    when_long(reg, t),
                    t.day(),
                    if t <= due { "on time" } else { "LATE" }
                )
            }
            (Some(t), None) => format!("{} — day {}", when_long(reg, t), t.day()),
            (None, Some(due)) => pending(due),
            (None, None) => pending(ETime(eo.assessment_due.0 + 45 * 24)),
        },
    ));
    let recommended: Vec<String> = sim
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::SanctionsRecommended { adversary } => {
                Some(reg.adversaries[adversary.ix()].name.clone())
            }
            _ => None,
        })
        .collect();
    facts.push((
        "Sanctions recommended".to_string(),
        if recommended.is_empty() { "none".into() } else { recommended.join(", ") },
    ));
    facts.push((
        "Sanctions decision".to_string(),
        match eo.sanctions_at {
            Some(t) => format!(
                "{} — day {}: {}",
                when_long(reg, t),
                t.day(),
                if eo.sanctioned.is_empty() {
                    "no sanctions imposed".into()
                } else {
                    format!("sanctions on {}", eo.sanctioned.join(", "))
                }
            ),
            None => "not made by the end of the record".into(),
        },
    ));
    facts.push((
        "Deadlines met".to_string(),
        match m.eo_deadlines_met {
            Some(true) => "yes: both 45-day deadlines".into(),
            Some(false) => "no".into(),
            None => format!("not reached by the end of the record ({end}): no deadline has passed unmet"),
        },
    ));
    doc.blocks.push(Block::Facts(facts));
    if !eo.evidence.is_empty() {
        let mut t = Table {
            head: vec!["Adversary".into(), "Attribution evidence gathered".into()],
            ..Default::default()
        };
        for (name, v) in &eo.evidence {
            t.rows.push(vec![Cell::text(name), Cell::num(format!("{v:.2}"))]);
        }
        doc.blocks.push(Block::Table(t));
    }
}

fn notes_section(doc: &mut Doc, a: &Analysis) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2026, 11, 3)), (2026, 11, 3));
        assert_eq!(civil_from_days(days_from_civil(2026, 11, 3) - 60), (2026, 9, 4));
        assert_eq!(civil_from_days(days_from_civil(2024, 3, 1) - 1), (2024, 2, 29));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Intelligence and Information Sharing"), "intelligence-and-information-sharing");
    }
}
