//! Views: plain structs of what someone at a console may see.
//!
//! The facilitator sees everything (true asset status, every campaign, every
//! event). A team sees its own actors and assets as their owners know them,
//! the indicators and messages that reached it, public news and confidence,
//! and nothing else: what another team knows stays hidden until shared. The
//! team consoles over the network send exactly these structs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::command::{CommandKind, CommandOutcome, Issuer};
use crate::events::{Severity, describe};
use crate::metrics::Metrics;
use crate::model::registry::*;
use crate::model::*;
use crate::scenario::schema::{AssetKind, Posture, TeamRole};
use crate::sim::Sim;
use crate::systems::commands::CommandQueue;
use crate::systems::federal::assessment_due;
use crate::time::{ETime, Tick};

mod words;
pub use words::{condition_text, condition_words, effect_text, effect_words};

/// The module in progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModuleView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Position (0-based) and count.
    pub index: usize,
    /// Number of modules.
    pub count: usize,
    /// Start.
    pub start: ETime,
    /// Discussion questions.
    pub questions: Vec<String>,
}

/// One state on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateView {
    /// Postal code.
    pub postal: String,
    /// Name.
    pub name: String,
    /// Tile-grid row (1-based).
    pub map_row: u8,
    /// Tile-grid column (1-based).
    pub map_col: u8,
    /// Worst status of its assets (facilitator: true status; team: as known).
    pub worst: StatusKind,
    /// Assets per status, in [`StatusKind::ALL`] order.
    pub counts: [u32; 6],
    /// Local jurisdictions.
    pub jurisdictions: u32,
}

/// One asset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssetView {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: AssetKind,
    /// Owner id.
    pub owner: String,
    /// Status (facilitator: true; team: as its owner knows it).
    pub status: StatusKind,
    /// Posture.
    pub posture: Posture,
    /// Vendor id.
    pub vendor: Option<String>,
    /// On paper fallback.
    pub paper_mode: bool,
    /// On-site team present until.
    pub onsite_until: Option<ETime>,
}

/// One jurisdiction with its assets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JurisdictionView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Registered voters.
    pub voters: u64,
    /// EI-ISAC member.
    pub isac_member: bool,
    /// Worst status.
    pub worst: StatusKind,
    /// Its assets.
    pub assets: Vec<AssetView>,
}

/// A state's detail (selected on the map).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateDetail {
    /// Postal code.
    pub postal: String,
    /// Name.
    pub name: String,
    /// The state election office and its assets.
    pub office: JurisdictionView,
    /// Local jurisdictions, worst first then by id.
    pub jurisdictions: Vec<JurisdictionView>,
}

/// One scripted inject in the queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InjectView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Module id.
    pub module: Option<String>,
    /// When it is due (fixed time, or scheduled after its condition held).
    pub due: Option<ETime>,
    /// Its trigger, in words.
    pub trigger: String,
    /// pending / held / scheduled / fired / skipped.
    pub state: String,
    /// When it fired.
    pub fired_at: Option<ETime>,
    /// Addressed teams.
    pub teams: Vec<String>,
    /// What the players are told.
    pub description: String,
    /// What the planners expect.
    pub expected_actions: Vec<String>,
    /// What some teams are told instead of the description: (team id, text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_team: Vec<(String, String)>,
    /// Attachments handed out with it: (path, text; empty when not loaded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<(String, String)>,
    /// Its `cancel_if` condition, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_if: Option<String>,
}

/// A campaign, for the facilitator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Adversary name.
    pub adversary: String,
    /// dormant / active / stopped.
    pub status: String,
    /// Targets started.
    pub targets: u32,
    /// Footholds gained.
    pub footholds: u32,
    /// First detected.
    pub detected: Option<ETime>,
    /// First EI-ISAC alert.
    pub alerted: Option<ETime>,
}

/// The EO 13848 process as seen from a console.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EoView {
    /// Assessment deadline.
    pub assessment_due: ETime,
    /// Delivered at.
    pub assessment_at: Option<ETime>,
    /// Named adversaries.
    pub named: Vec<String>,
    /// With confidence.
    pub confident: Option<bool>,
    /// Report deadline (45 days after the assessment).
    pub report_due: Option<ETime>,
    /// Report delivered at.
    pub report_at: Option<ETime>,
    /// Sanctions decision at.
    pub sanctions_at: Option<ETime>,
    /// Adversaries sanctioned.
    pub sanctioned: Vec<String>,
    /// Attribution evidence per adversary (facilitator only).
    pub evidence: Vec<(String, f64)>,
}

/// A log line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    /// Position in the full log.
    pub index: usize,
    /// Tick.
    pub tick: u32,
    /// Time.
    pub time: ETime,
    /// Severity.
    pub severity: Severity,
    /// Teams concerned (ids).
    pub teams: Vec<String>,
    /// Text.
    pub text: String,
}

/// A team summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamSummary {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: TeamRole,
    /// Staffed.
    pub staffed: bool,
    /// Actor ids.
    pub actors: Vec<String>,
}

/// Everything, for the facilitator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilitatorView {
    /// Scenario title.
    pub scenario: String,
    /// Next tick to simulate.
    pub tick: u32,
    /// Clock.
    pub time: ETime,
    /// Clock end.
    pub end: ETime,
    /// Finished.
    pub finished: bool,
    /// Module in progress.
    pub module: Option<ModuleView>,
    /// States.
    pub states: Vec<StateView>,
    /// Teams.
    pub teams: Vec<TeamSummary>,
    /// Scripted injects.
    pub injects: Vec<InjectView>,
    /// Campaigns.
    pub campaigns: Vec<CampaignView>,
    /// Metrics now.
    pub metrics: Metrics,
    /// EO 13848.
    pub eo: EoView,
    /// Commands submitted and not yet applied.
    pub waiting_commands: usize,
}

/// What a room display (a projector) shows of a served exercise: read-only, for everyone in
/// the room. The map shows the states' true status, as the facilitator sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoomView {
    /// Scenario title.
    pub scenario: String,
    /// Clock.
    pub time: ETime,
    /// Clock end.
    pub end: ETime,
    /// Finished.
    pub finished: bool,
    /// The clock is stopped.
    pub paused: bool,
    /// Module in progress.
    pub module: Option<ModuleView>,
    /// Stopped at a module break: the module discussed (the one that just ended) and its questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discussion: Option<ModuleView>,
    /// The scripted inject that fired last: its time, title and what the players are told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inject: Option<(ETime, String, String)>,
    /// States.
    pub states: Vec<StateView>,
    /// The metric series (its most recent points), for the sharing panel.
    pub series: Vec<crate::metrics::SeriesPoint>,
    /// Metrics now.
    pub metrics: Metrics,
}

/// An indicator as a team sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorView {
    /// Number (IND-nnnn).
    pub number: u32,
    /// Technique seen.
    pub technique: String,
    /// Stage seen.
    pub stage: String,
    /// Activity cluster (the campaign's name).
    pub activity: String,
    /// First seen.
    pub created: ETime,
    /// Which of the team's actors hold it.
    pub held_by: Vec<String>,
    /// Earliest arrival at the team.
    pub arrived: ETime,
}

/// A message in a team's inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    /// Tick.
    pub tick: u32,
    /// Time.
    pub time: ETime,
    /// Recipient actor (for indicators).
    pub to: Option<String>,
    /// Sender (none for inject messages and own detections).
    pub from: Option<String>,
    /// Channel.
    pub channel: Option<String>,
    /// Indicator number.
    pub indicator: Option<u32>,
    /// Title.
    pub title: String,
    /// Text.
    pub text: String,
}

/// One actor of a team.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActorView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ActorKind,
    /// EI-ISAC member.
    pub isac_member: bool,
    /// Its assets, as it knows them.
    pub assets: Vec<AssetView>,
    /// Commands it may give.
    pub commands: Vec<CommandKind>,
}

/// What one team may see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    /// Team id.
    pub team: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: TeamRole,
    /// Scenario title.
    pub scenario: String,
    /// Next tick.
    pub tick: u32,
    /// Clock.
    pub time: ETime,
    /// Finished.
    pub finished: bool,
    /// Module.
    pub module: Option<ModuleView>,
    /// Its actors.
    pub actors: Vec<ActorView>,
    /// States on the map, coloured by what its actors know.
    pub states: Vec<StateView>,
    /// Indicators it holds.
    pub indicators: Vec<IndicatorView>,
    /// Its inbox, newest last.
    pub inbox: Vec<InboxItem>,
    /// Events it can see, newest last (at most the last 500).
    pub log: Vec<LogLine>,
    /// Public confidence.
    pub confidence: f64,
    /// EO 13848 deadlines.
    pub eo: EoView,
    /// Outcomes of its commands (most recent last).
    pub outcomes: Vec<CommandOutcome>,
    /// Templates it may use (cells only): (id, title).
    pub templates: Vec<(String, String)>,
}

/// What a team's command forms may name beyond its own actors: the fixed "phone book" of
/// the scenario, limited to what the team's commands can target. It never changes during
/// an exercise, so a server sends it once, with a team's full view.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    /// Assets an on-site team may be sent to: (id, kind label). Teams that can deploy only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<(String, String)>,
    /// Who may be notified as a victim: (actor id, name). Teams that can notify only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub victims: Vec<(String, String)>,
    /// Adversaries to attribute or sanction: (id, name). Teams that can do either only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adversaries: Vec<(String, String)>,
    /// The team's own adversaries' campaigns: (campaign id, name, adversary actor id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaigns: Vec<(String, String, String)>,
    /// The channels each of the team's actors may share an indicator on: (actor id, channels).
    /// Teams whose actors can share only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<(String, Vec<crate::scenario::schema::Channel>)>,
    /// The other teams the team may send messages to: (id, name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<(String, String)>,
}

fn etime(reg: &Registry, t: Tick) -> ETime {
    reg.clock.at(t)
}

impl Sim {
    fn module_view(&self) -> Option<ModuleView> {
        self.module().and_then(|m| self.module_view_of(m))
    }

    fn module_view_of(&self, m: ModuleIx) -> Option<ModuleView> {
        let reg = self.registry();
        let info = reg.modules.get(m.ix())?;
        Some(ModuleView {
            id: info.id.clone(),
            title: info.title.clone(),
            index: m.ix(),
            count: reg.modules.len(),
            start: etime(reg, info.start),
            questions: info.questions.clone(),
        })
    }

    /// What a room display shows: `paused` and the module `discussion` (stopped at its break)
    /// are the server's; the series is cut to its last `series` points.
    pub fn room_view(&self, paused: bool, discussion: Option<ModuleIx>, series: usize) -> RoomView {
        let fv = self.facilitator_view();
        let inject = fv
            .injects
            .iter()
            .filter_map(|i| i.fired_at.map(|at| (at, i)))
            .max_by_key(|(at, _)| *at)
            .map(|(at, i)| (at, i.title.clone(), i.description.clone()));
        let all = self.series();
        RoomView {
            scenario: fv.scenario,
            time: fv.time,
            end: fv.end,
            finished: fv.finished,
            paused,
            module: fv.module,
            discussion: discussion.and_then(|m| self.module_view_of(m)),
            inject,
            states: fv.states,
            series: all[all.len().saturating_sub(series)..].to_vec(),
            metrics: fv.metrics,
        }
    }

    fn status_of(&self, a: AssetIx) -> Option<&Status> {
        let e = self.world().resource::<Entities>().assets[a.ix()];
        self.world().get::<Status>(e)
    }

    fn posture_of(&self, a: AssetIx) -> Posture {
        let e = self.world().resource::<Entities>().assets[a.ix()];
        self.world().get::<AssetPosture>(e).map(|p| p.0).unwrap_or_default()
    }

    fn asset_view(&self, a: AssetIx, known: bool) -> AssetView {
        let reg = self.registry();
        let info = reg.asset(a);
        let s = self.status_of(a);
        AssetView {
            id: info.id.clone(),
            kind: info.kind,
            owner: reg.actor(info.owner).id.clone(),
            status: s.map_or(StatusKind::Nominal, |s| if known { s.known_kind() } else { s.kind() }),
            posture: self.posture_of(a),
            vendor: info.vendor.map(|v| reg.actor(v).id.clone()),
            paper_mode: s.is_some_and(|s| s.paper_mode),
            onsite_until: s.and_then(|s| s.onsite_until).filter(|t| *t > self.now()).map(|t| etime(reg, t)),
        }
    }

    /// The channels an actor may share an indicator on, as [`Sim::check`] decides.
    pub fn channels(&self, a: ActorIx) -> Vec<crate::scenario::schema::Channel> {
        let members = &self.world().resource::<Seeded>().members;
        crate::scenario::schema::Channel::ALL
            .iter()
            .copied()
            .filter(|c| crate::systems::commands::check_channel(self.registry(), members, a, *c).is_ok())
            .collect()
    }

    fn is_member(&self, a: ActorIx) -> bool {
        self.world().resource::<Seeded>().members.get(a.ix()).copied().unwrap_or(false)
    }

    fn jurisdiction_view(&self, a: ActorIx, known: bool) -> JurisdictionView {
        let reg = self.registry();
        let info = reg.actor(a);
        let assets: Vec<AssetView> = info.assets.iter().map(|x| self.asset_view(*x, known)).collect();
        JurisdictionView {
            id: info.id.clone(),
            name: info.name.clone(),
            voters: info.voters,
            isac_member: self.is_member(a),
            worst: assets.iter().map(|x| x.status).max().unwrap_or(StatusKind::Nominal),
            assets,
        }
    }

    fn state_views(&self, known_only: Option<TeamIx>) -> Vec<StateView> {
        let reg = self.registry();
        let mut counts = vec![[0u32; 6]; reg.states.len()];
        let ents = self.world().resource::<Entities>();
        for (i, info) in reg.assets.iter().enumerate() {
            let Some(st) = info.state else { continue };
            if let Some(team) = known_only
                && reg.actor(info.owner).team != Some(team)
            {
                continue;
            }
            let s = self.world().get::<Status>(ents.assets[i]);
            let k =
                s.map_or(
                    StatusKind::Nominal,
                    |s| if known_only.is_some() { s.known_kind() } else { s.kind() },
                );
            counts[st.ix()][k as usize] += 1;
        }
        reg.states
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let c = counts[i];
                let worst = StatusKind::ALL
                    .iter()
                    .rev()
                    .find(|k| c[**k as usize] > 0)
                    .copied()
                    .unwrap_or(StatusKind::Nominal);
                StateView {
                    postal: s.postal.clone(),
                    name: s.name.clone(),
                    map_row: s.map_row,
                    map_col: s.map_col,
                    worst,
                    counts: c,
                    jurisdictions: s.locals.len() as u32,
                }
            })
            .collect()
    }

    /// The scripted injects and their state.
    pub fn inject_views(&self) -> Vec<InjectView> {
        let reg = self.registry();
        let injects = self.world().resource::<Injects>();
        reg.injects
            .iter()
            .enumerate()
            .map(|(i, inj)| {
                let st = injects.state[i];
                let (state, fired_at, scheduled) = match st {
                    InjectState::Pending => ("pending", None, None),
                    InjectState::Held => ("held", None, None),
                    InjectState::Scheduled(t) => ("scheduled", None, Some(t)),
                    InjectState::Fired(t) => ("fired", Some(etime(reg, t)), None),
                    InjectState::Skipped => ("skipped", None, None),
                    InjectState::Cancelled(_) => ("cancelled", None, None),
                };
                let (trigger, due) = match &inj.trigger {
                    ResolvedTrigger::At(t) => (format!("at {}", etime(reg, *t)), Some(etime(reg, *t))),
                    ResolvedTrigger::Manual => ("by hand".to_string(), None),
                    ResolvedTrigger::When(c, d) => {
                        (condition_text(reg, c, *d), scheduled.map(|t| etime(reg, t)))
                    }
                };
                InjectView {
                    id: inj.spec.id.clone(),
                    title: inj.spec.title.clone(),
                    module: inj.module.map(|m| reg.modules[m.ix()].id.clone()),
                    due: scheduled.map(|t| etime(reg, t)).or(due),
                    trigger,
                    state: state.to_string(),
                    fired_at,
                    teams: inj.teams.iter().map(|t| reg.teams[t.ix()].id.clone()).collect(),
                    description: inj.spec.description.clone(),
                    expected_actions: inj.spec.expected_actions.iter().map(|a| a.text()).collect(),
                    per_team: inj
                        .per_team
                        .iter()
                        .map(|(t, x)| (reg.teams[t.ix()].id.clone(), x.clone()))
                        .collect(),
                    attachments: inj
                        .spec
                        .attachments
                        .iter()
                        .map(|p| (p.clone(), reg.attachments.get(p).cloned().unwrap_or_default()))
                        .collect(),
                    cancel_if: inj.cancel_if.as_ref().map(|c| condition_text(reg, c, 0)),
                }
            })
            .collect()
    }

    fn eo_view(&self, with_evidence: bool) -> EoView {
        let reg = self.registry();
        let eo = self.world().resource::<Eo>();
        let name = |a: &AdversaryIx| reg.adversaries[a.ix()].name.clone();
        EoView {
            assessment_due: assessment_due(reg),
            assessment_at: eo.assessment_at.map(|t| etime(reg, t)),
            named: eo.named.iter().map(name).collect(),
            confident: eo.confident,
            report_due: eo
                .assessment_at
                .map(|t| ETime(etime(reg, t).0 + i64::from(reg.spec.eo13848.report_due_days) * 24)),
            report_at: eo.report_at.map(|t| etime(reg, t)),
            sanctions_at: eo.sanctions_at.map(|t| etime(reg, t)),
            sanctioned: eo.sanctioned.iter().map(name).collect(),
            evidence: if with_evidence {
                eo.evidence
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (reg.adversaries[i].name.clone(), (e * 100.0).round() / 100.0))
                    .collect()
            } else {
                vec![]
            },
        }
    }

    /// The facilitator's view.
    pub fn facilitator_view(&self) -> FacilitatorView {
        let reg = self.registry();
        let staffing = self.world().resource::<Staffing>();
        let campaigns = self.world().resource::<Campaigns>();
        let intrusions = &self.world().resource::<Intrusions>().list;
        FacilitatorView {
            scenario: reg.spec.name.clone(),
            tick: self.now().0,
            time: self.time(),
            end: reg.clock.end,
            finished: self.is_finished(),
            module: self.module_view(),
            states: self.state_views(None),
            teams: reg
                .teams
                .iter()
                .enumerate()
                .map(|(i, t)| TeamSummary {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    role: t.role,
                    staffed: staffing.0.get(i).copied().unwrap_or(false),
                    actors: t.actors.iter().map(|a| reg.actor(*a).id.clone()).collect(),
                })
                .collect(),
            injects: self.inject_views(),
            campaigns: reg
                .campaigns
                .iter()
                .zip(&campaigns.0)
                .map(|(c, r)| CampaignView {
                    id: c.spec.id.clone(),
                    name: c.spec.name.clone(),
                    adversary: reg.adversaries[c.adversary.ix()].name.clone(),
                    status: match r.status {
                        CampaignStatus::Dormant => "dormant",
                        CampaignStatus::Active => "active",
                        CampaignStatus::Stopped => "stopped",
                    }
                    .to_string(),
                    targets: r.intrusions.len() as u32,
                    footholds: r
                        .intrusions
                        .iter()
                        .filter(|i| intrusions[i.ix()].compromised_at.is_some())
                        .count() as u32,
                    detected: r.first_detected.map(|t| etime(reg, t)),
                    alerted: r.first_alert.map(|t| etime(reg, t)),
                })
                .collect(),
            metrics: self.metrics(),
            eo: self.eo_view(true),
            waiting_commands: self.world().resource::<CommandQueue>().waiting().count(),
        }
    }

    /// A state's jurisdictions and assets (true status), for the facilitator.
    pub fn state_detail(&self, postal: &str) -> Option<StateDetail> {
        let reg = self.registry();
        let s = reg.state_by_postal.get(postal)?;
        let info = &reg.states[s.ix()];
        let mut jurisdictions: Vec<JurisdictionView> =
            info.locals.iter().map(|a| self.jurisdiction_view(*a, false)).collect();
        jurisdictions.sort_by(|a, b| b.worst.cmp(&a.worst).then_with(|| a.id.cmp(&b.id)));
        Some(StateDetail {
            postal: info.postal.clone(),
            name: info.name.clone(),
            office: self.jurisdiction_view(info.office, false),
            jurisdictions,
        })
    }

    /// Log lines, newest last; `team` limits them to what that team can see.
    pub fn log_lines(&self, team: Option<&str>, min_severity: Severity, from: usize) -> Vec<LogLine> {
        let reg = self.registry();
        let team_ix = team.and_then(|t| reg.team_by_id.get(t).copied());
        if team.is_some() && team_ix.is_none() {
            return vec![];
        }
        self.events()
            .iter()
            .enumerate()
            .skip(from)
            .filter(|(_, e)| e.severity >= min_severity)
            .filter(|(_, e)| team_ix.is_none_or(|t| e.visible_to(reg, t)))
            .map(|(i, e)| LogLine {
                index: i,
                tick: e.tick.0,
                time: etime(reg, e.tick),
                severity: e.severity,
                teams: e.teams(reg).iter().map(|t| reg.teams[t.ix()].id.clone()).collect(),
                text: describe(reg, e),
            })
            .collect()
    }

    /// What one team's command forms may name beyond its own actors (none for an unknown team).
    pub fn directory(&self, team: &str) -> Option<Directory> {
        let reg = self.registry();
        let t = *reg.team_by_id.get(team)?;
        let actors = &reg.teams[t.ix()].actors;
        let can = |k: CommandKind| actors.iter().any(|a| k.allowed_kinds().contains(&reg.actor(*a).kind));
        let mut d = Directory::default();
        if can(CommandKind::DeployOnsite) {
            d.assets = reg.assets.iter().map(|a| (a.id.clone(), a.kind.label().to_string())).collect();
        }
        if can(CommandKind::NotifyVictim) {
            d.victims = reg
                .actors
                .iter()
                .filter(|a| matches!(a.kind, ActorKind::Local | ActorKind::StateOffice | ActorKind::Vendor))
                .map(|a| (a.id.clone(), a.name.clone()))
                .collect();
        }
        if can(CommandKind::Attribute)
            || can(CommandKind::RecommendSanctions)
            || can(CommandKind::ImposeSanctions)
        {
            d.adversaries = reg.adversaries.iter().map(|a| (a.id.clone(), a.name.clone())).collect();
        }
        d.channels = actors
            .iter()
            .filter(|a| CommandKind::ShareIndicator.allowed_kinds().contains(&reg.actor(**a).kind))
            .map(|a| (reg.actor(*a).id.clone(), self.channels(*a)))
            .collect();
        d.campaigns = reg
            .campaigns
            .iter()
            .filter(|c| actors.contains(&reg.adversaries[c.adversary.ix()].actor))
            .map(|c| {
                let actor = reg.actor(reg.adversaries[c.adversary.ix()].actor).id.clone();
                (c.spec.id.clone(), c.spec.name.clone(), actor)
            })
            .collect();
        d.teams = reg.teams.iter().filter(|x| x.id != team).map(|x| (x.id.clone(), x.name.clone())).collect();
        Some(d)
    }

    /// One team's view, or none for an unknown team.
    pub fn team_view(&self, team: &str) -> Option<TeamView> {
        let reg = self.registry();
        let t = *reg.team_by_id.get(team)?;
        let info = &reg.teams[t.ix()];
        let ents = self.world().resource::<Entities>();
        let indicators = &self.world().resource::<Indicators>().0;
        let actors: Vec<ActorView> = info
            .actors
            .iter()
            .map(|a| {
                let ai = reg.actor(*a);
                ActorView {
                    id: ai.id.clone(),
                    name: ai.name.clone(),
                    kind: ai.kind,
                    isac_member: self.is_member(*a),
                    assets: ai.assets.iter().map(|x| self.asset_view(*x, true)).collect(),
                    commands: CommandKind::ALL
                        .iter()
                        .copied()
                        .filter(|k| k.allowed_kinds().contains(&ai.kind))
                        .collect(),
                }
            })
            .collect();
        // Indicators held by the team's actors, and its inbox.
        let mut held: BTreeMap<u32, IndicatorView> = BTreeMap::new();
        let mut inbox: Vec<InboxItem> = Vec::new();
        for a in &info.actors {
            let Some(k) = self.world().get::<Knowledge>(ents.actors[a.ix()]) else { continue };
            for h in &k.held {
                let ind = &indicators[h.indicator.ix()];
                let v = held.entry(h.indicator.0).or_insert_with(|| IndicatorView {
                    number: h.indicator.0,
                    technique: crate::scenario::schema::Technique::label_of(h.technique).to_string(),
                    stage: ind.stage.label().to_string(),
                    activity: reg.campaign(h.campaign).spec.name.clone(),
                    created: etime(reg, ind.created),
                    held_by: vec![],
                    arrived: etime(reg, h.arrived),
                });
                v.held_by.push(reg.actor(*a).id.clone());
                v.arrived = v.arrived.min(etime(reg, h.arrived));
                inbox.push(InboxItem {
                    tick: h.arrived.0,
                    time: etime(reg, h.arrived),
                    to: Some(reg.actor(*a).id.clone()),
                    from: h.from.map(|f| reg.actor(f).id.clone()),
                    channel: h.channel.map(|c| c.slug().to_string()),
                    indicator: Some(h.indicator.0),
                    title: match h.from {
                        Some(f) => format!("IND-{:04} from {}", h.indicator.0, reg.actor(f).name),
                        None => format!("IND-{:04} detected by {}", h.indicator.0, reg.actor(*a).name),
                    },
                    text: format!(
                        "{} activity ({}), stage {}",
                        crate::scenario::schema::Technique::label_of(h.technique),
                        reg.campaign(h.campaign).spec.name,
                        ind.stage.label()
                    ),
                });
            }
        }
        for m in &self.world().resource::<Inbox>().0 {
            if m.teams.is_empty() || m.teams.contains(&t) {
                inbox.push(InboxItem {
                    tick: m.tick.0,
                    time: etime(reg, m.tick),
                    to: None,
                    from: None,
                    channel: None,
                    indicator: None,
                    title: m.title.clone(),
                    text: m.text.clone(),
                });
            }
        }
        inbox.sort_by(|a, b| a.tick.cmp(&b.tick).then_with(|| a.title.cmp(&b.title)));
        let mut log = self.log_lines(Some(team), Severity::Info, 0);
        if log.len() > 500 {
            log.drain(..log.len() - 500);
        }
        let mut outcomes: Vec<CommandOutcome> = self
            .outcome_history()
            .iter()
            .filter(|o| matches!(&o.issuer, Issuer::Team(x) if x == team))
            .cloned()
            .collect();
        if outcomes.len() > 100 {
            outcomes.drain(..outcomes.len() - 100);
        }
        let templates = reg
            .templates
            .iter()
            .filter(|x| x.cell == info.role)
            .map(|x| (x.id.clone(), x.title.clone()))
            .collect();
        Some(TeamView {
            team: info.id.clone(),
            name: info.name.clone(),
            role: info.role,
            scenario: reg.spec.name.clone(),
            tick: self.now().0,
            time: self.time(),
            finished: self.is_finished(),
            module: self.module_view(),
            actors,
            states: self.state_views(Some(t)),
            indicators: held.into_values().collect(),
            inbox,
            log,
            confidence: self.metrics_confidence(),
            eo: self.eo_view(false),
            outcomes,
            templates,
        })
    }

    fn metrics_confidence(&self) -> f64 {
        crate::metrics::round2(self.world().resource::<Public>().confidence)
    }

    /// What a player-made inject (a command) would do if approved now, without doing it: its
    /// title, what the players are told, then one line per effect with the targets it would
    /// pick. None for a command that makes no inject or names no template.
    pub fn preview_command_inject(&self, command: &crate::command::Command) -> Option<Vec<String>> {
        use crate::command::Command;
        let reg = self.registry();
        let (title, description, effects, teams) = match command {
            Command::InjectFromTemplate { template, state, jurisdiction } => {
                let t = reg.templates.iter().find(|t| &t.id == template)?;
                let effects: Vec<_> = t
                    .effects
                    .iter()
                    .map(|e| crate::systems::commands::narrow(e, state.as_deref(), jurisdiction.as_deref()))
                    .collect();
                (t.title.clone(), t.description.clone(), effects, Vec::new())
            }
            Command::AdHocInject { title, description, teams, effects } => {
                (title.clone(), description.clone(), effects.clone(), teams.clone())
            }
            _ => return None,
        };
        let mut stream = self.world().resource::<crate::model::Seeded>().streams.stream(&["inject", &title]);
        let mut out = vec![title];
        if !description.is_empty() {
            out.push(format!("the players are told: {description}"));
        }
        if !teams.is_empty() {
            out.push(format!("addressed to: {}", teams.join(", ")));
        }
        for e in &effects {
            match crate::scenario::compile::resolve_effect(reg, e) {
                Ok(r) => out.push(effect_text(reg, &r, &mut stream)),
                Err(_) => {
                    out.push("an effect that names nothing in this exercise (it would be refused)".into())
                }
            }
        }
        if effects.is_empty() {
            out.push("no effect on the simulation (discussion only)".into());
        }
        Some(out)
    }

    /// What firing an inject now would do, without doing it.
    pub fn preview_inject(&self, id: &str) -> Option<Vec<String>> {
        let reg = self.registry();
        let i = reg.inject_by_id.get(id)?;
        let inj = &reg.injects[i.ix()];
        let mut stream =
            self.world().resource::<crate::model::Seeded>().streams.stream(&["inject", &inj.spec.id]);
        let mut out = vec![format!("{} ({})", inj.spec.title, inj.spec.id)];
        if !inj.teams.is_empty() {
            out.push(format!(
                "addressed to: {}",
                inj.teams.iter().map(|t| reg.teams[t.ix()].name.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        for e in &inj.effects {
            out.push(effect_text(reg, e, &mut stream));
        }
        if inj.effects.is_empty() {
            out.push("no effect on the simulation (discussion only)".into());
        }
        Some(out)
    }
}
