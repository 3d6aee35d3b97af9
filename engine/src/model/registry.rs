//! The static part of a scenario, resolved: every actor, asset, team, campaign
//! and inject with a dense index in canonical order.
//!
//! A [`Registry`] never changes during a run, so batch runs share one behind
//! an `Arc`. Canonical order (federal actors, then states by postal code, then
//! locals by state and id, then vendors, then adversaries) is what every
//! system iterates in: entity ids are never an ordering key.

use std::collections::BTreeMap;

use crate::scenario::schema::{
    AssetKind, AssetSelector, CampaignSpec, Doctrine, InjectSpec, InjectTemplateSpec, Posture, ScenarioSpec,
    TeamRole, Technique,
};
use crate::time::{Clock, ETime, Tick};

macro_rules! index_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);
        impl $name {
            /// As a vector index.
            pub const fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// An actor's position in canonical order.
    ActorIx
);
index_type!(
    /// An asset's position in canonical order.
    AssetIx
);
index_type!(
    /// A state's position (by postal code).
    StateIx
);
index_type!(
    /// A team's position in the scenario's list.
    TeamIx
);
index_type!(
    /// A campaign's position (adversaries in order, then their campaigns).
    CampaignIx
);
index_type!(
    /// An adversary's position.
    AdversaryIx
);
index_type!(
    /// An inject's position in the scenario's list.
    InjectIx
);
index_type!(
    /// A module's position.
    ModuleIx
);

/// The kinds of actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum ActorKind {
    /// DHS / CISA.
    Dhs,
    /// Office of the Director of National Intelligence.
    Odni,
    /// FBI.
    Fbi,
    /// Department of Justice.
    Doj,
    /// Treasury.
    Treasury,
    /// State Department.
    StateDept,
    /// Elections Infrastructure ISAC.
    EiIsac,
    /// The public.
    Public,
    /// A state election office.
    StateOffice,
    /// A local election jurisdiction.
    Local,
    /// An election technology vendor.
    Vendor,
    /// A foreign adversary.
    Adversary,
}

impl ActorKind {
    /// Human label.
    pub const fn label(self) -> &'static str {
        match self {
            ActorKind::Dhs => "DHS/CISA",
            ActorKind::Odni => "ODNI",
            ActorKind::Fbi => "FBI",
            ActorKind::Doj => "DOJ",
            ActorKind::Treasury => "Treasury",
            ActorKind::StateDept => "State Department",
            ActorKind::EiIsac => "EI-ISAC",
            ActorKind::Public => "Public",
            ActorKind::StateOffice => "state election office",
            ActorKind::Local => "local jurisdiction",
            ActorKind::Vendor => "vendor",
            ActorKind::Adversary => "adversary",
        }
    }
}

/// One actor.
#[derive(Clone, Debug)]
pub struct ActorInfo {
    /// Stable id (`dhs`, `PA`, `harbor`, ...).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: ActorKind,
    /// State, for state offices and locals.
    pub state: Option<StateIx>,
    /// Registered voters served (locals and state offices).
    pub voters: u64,
    /// The team that plays it, if any.
    pub team: Option<TeamIx>,
    /// Assets it owns.
    pub assets: Vec<AssetIx>,
    /// EI-ISAC membership written in the scenario (otherwise drawn per run).
    pub isac_listed: Option<bool>,
    /// Its doctrine.
    pub doctrine: Doctrine,
}

/// One piece of election infrastructure.
#[derive(Clone, Debug)]
pub struct AssetInfo {
    /// Stable id (`harbor/pollbook`).
    pub id: String,
    /// Kind.
    pub kind: AssetKind,
    /// Owner.
    pub owner: ActorIx,
    /// State it sits in.
    pub state: Option<StateIx>,
    /// The vendor that supplies it.
    pub vendor: Option<ActorIx>,
    /// Posture at the start.
    pub posture: Posture,
}

/// One state in the scenario.
#[derive(Clone, Debug)]
pub struct StateInfo {
    /// Postal code.
    pub postal: String,
    /// Name.
    pub name: String,
    /// Its election office.
    pub office: ActorIx,
    /// Its local jurisdictions.
    pub locals: Vec<ActorIx>,
    /// Registered voters.
    pub voters: u64,
    /// Tile-grid map row.
    pub map_row: u8,
    /// Tile-grid map column.
    pub map_col: u8,
}

/// One team.
#[derive(Clone, Debug)]
pub struct TeamInfo {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: TeamRole,
    /// Actors it plays.
    pub actors: Vec<ActorIx>,
}

/// One adversary.
#[derive(Clone, Debug)]
pub struct AdversaryInfo {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Its actor.
    pub actor: ActorIx,
    /// Skill 0..1.
    pub skill: f64,
    /// Stealth 0..1.
    pub stealth: f64,
    /// Probability ODNI learns of each campaign.
    pub intel_coverage: f64,
    /// Hours until ODNI learns of a campaign.
    pub intel_delay_h: f64,
    /// Who it is (only a foreign government falls under EO 13848).
    pub kind: crate::scenario::schema::AdversaryKind,
    /// The adversary it imitates.
    pub false_flag: Option<AdversaryIx>,
    /// Share of evidence pointing at the imitated adversary.
    pub false_flag_share: f64,
    /// Its campaigns.
    pub campaigns: Vec<CampaignIx>,
}

/// One campaign, with its candidate targets resolved.
#[derive(Clone, Debug)]
pub struct CampaignInfo {
    /// The spec as written.
    pub spec: CampaignSpec,
    /// Its adversary.
    pub adversary: AdversaryIx,
    /// Candidate targets, in canonical asset order.
    pub candidates: Vec<AssetIx>,
    /// For vendor compromise: the vendor's update channel.
    pub vendor_channel: Option<AssetIx>,
    /// Start tick, if scheduled.
    pub start: Option<Tick>,
    /// No new targets after this tick.
    pub until: Tick,
}

impl CampaignInfo {
    /// Stable id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// Technique (none: an influence campaign that names none).
    pub fn technique(&self) -> Option<Technique> {
        self.spec.technique
    }

    /// The technique of its intrusions. Every campaign that attacks assets names one (the
    /// loader requires it); an influence campaign has no intrusions.
    pub fn access(&self) -> Technique {
        self.spec.technique.unwrap_or(Technique::Phishing)
    }
}

/// A trigger with its references resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum ResolvedTrigger {
    /// At a tick.
    At(Tick),
    /// When a condition holds, after a delay in hours.
    When(ResolvedCondition, u32),
    /// Only by hand.
    Manual,
}

/// A condition with its references resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum ResolvedCondition {
    /// Campaign started.
    CampaignStarted(CampaignIx),
    /// Campaign detected.
    CampaignDetected(CampaignIx),
    /// Campaign gained a foothold.
    CampaignSucceeded(CampaignIx),
    /// An asset of a kind is down.
    AssetDown(AssetKind),
    /// Confidence below a level.
    ConfidenceBelow(f64),
    /// An inject fired.
    InjectFired(InjectIx),
    /// A module began.
    ModuleStarted(ModuleIx),
    /// A team gave a command of a kind (naming a target) that was carried out.
    Issued {
        /// The team.
        team: TeamIx,
        /// The kind.
        kind: crate::command::CommandKind,
        /// What it must name.
        target: Option<String>,
    },
    /// One of the actors holds an indicator of the campaign.
    Holds(Vec<ActorIx>, CampaignIx),
    /// An asset is in a state.
    Asset(AssetIx, crate::scenario::schema::AssetState),
    /// A live metric is above (true) or below (false) a value.
    Metric(LiveMetric, bool, f64),
    /// Every condition holds.
    All(Vec<ResolvedCondition>),
    /// One condition holds.
    Any(Vec<ResolvedCondition>),
    /// The condition does not hold.
    Not(Box<ResolvedCondition>),
    /// Before a tick.
    Before(Tick),
    /// At or after a tick.
    After(Tick),
}

/// The metrics a condition can read while the simulation runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveMetric {
    /// `intrusions_attempted`.
    Attempted,
    /// `intrusions_succeeded`.
    Succeeded,
    /// `intrusions_blocked`.
    Blocked,
    /// `blocked_by_shared_indicator`.
    BlockedShared,
    /// `targeted_jurisdictions`.
    Targeted,
    /// `warned_jurisdictions`.
    Warned,
    /// `registrations_altered`.
    Altered,
    /// `confidence_min`.
    ConfidenceMin,
    /// `confidence_final` (the confidence now).
    Confidence,
}

impl LiveMetric {
    /// Every live metric with its name.
    pub const ALL: [(&'static str, LiveMetric); 9] = [
        ("intrusions_attempted", LiveMetric::Attempted),
        ("intrusions_succeeded", LiveMetric::Succeeded),
        ("intrusions_blocked", LiveMetric::Blocked),
        ("blocked_by_shared_indicator", LiveMetric::BlockedShared),
        ("targeted_jurisdictions", LiveMetric::Targeted),
        ("warned_jurisdictions", LiveMetric::Warned),
        ("registrations_altered", LiveMetric::Altered),
        ("confidence_min", LiveMetric::ConfidenceMin),
        ("confidence_final", LiveMetric::Confidence),
    ];

    /// Its metric name.
    pub fn name(self) -> &'static str {
        LiveMetric::ALL.iter().find(|(_, m)| *m == self).map_or("", |(n, _)| n)
    }
}

/// An effect with its references resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum ResolvedEffect {
    /// Start a campaign.
    StartCampaign(CampaignIx),
    /// Stop a campaign.
    StopCampaign(CampaignIx),
    /// Take assets down.
    Outage {
        /// Candidates.
        candidates: Vec<AssetIx>,
        /// How many of them (0 = all).
        count: u32,
        /// Hours.
        hours: u32,
        /// Degraded rather than offline.
        degraded_only: bool,
    },
    /// Campaign already inside assets.
    Compromise {
        /// Campaign.
        campaign: CampaignIx,
        /// Candidates.
        candidates: Vec<AssetIx>,
        /// How many (0 = all).
        count: u32,
    },
    /// Disinformation surge.
    Disinformation {
        /// Points.
        intensity: f64,
        /// Claim.
        about: String,
    },
    /// Leak.
    Leak {
        /// Adversary.
        adversary: AdversaryIx,
        /// Points.
        severity: f64,
        /// What.
        about: String,
    },
    /// An indicator arrives.
    Notify {
        /// Campaign.
        campaign: CampaignIx,
        /// Sender.
        from: ActorIx,
        /// Receivers.
        to: Vec<ActorIx>,
    },
    /// Public news.
    News(String),
    /// Message to the inject's teams.
    Message(String),
    /// Confidence change.
    Confidence(f64),
    /// A public attribution.
    Attribute {
        /// Who.
        by: ActorIx,
        /// Whom.
        adversary: AdversaryIx,
    },
    /// A public statement.
    Statement {
        /// Who.
        by: ActorIx,
        /// What kind.
        statement: crate::command::Statement,
    },
    /// Attribution evidence.
    Evidence {
        /// Against whom.
        adversary: AdversaryIx,
        /// How much.
        amount: f64,
    },
    /// A posture change.
    Posture {
        /// Candidates.
        candidates: Vec<AssetIx>,
        /// How many (0 = all).
        count: u32,
        /// What changes.
        set: crate::scenario::schema::PosturePatch,
    },
}

/// One inject, resolved.
#[derive(Clone, Debug)]
pub struct InjectInfo {
    /// As written.
    pub spec: InjectSpec,
    /// Trigger.
    pub trigger: ResolvedTrigger,
    /// Module.
    pub module: Option<ModuleIx>,
    /// Addressed teams.
    pub teams: Vec<TeamIx>,
    /// Effects.
    pub effects: Vec<ResolvedEffect>,
    /// Condition that cancels it.
    pub cancel_if: Option<ResolvedCondition>,
    /// Text per team, for the teams `per_team` names (the others get the description).
    pub per_team: Vec<(TeamIx, String)>,
}

/// One module.
#[derive(Clone, Debug)]
pub struct ModuleInfo {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// First tick.
    pub start: Tick,
    /// Objectives.
    pub objectives: Vec<String>,
    /// Discussion questions.
    pub questions: Vec<String>,
}

/// Indices of the federal actors, which every scenario has.
#[derive(Clone, Copy, Debug)]
pub struct FederalActors {
    /// DHS/CISA.
    pub dhs: ActorIx,
    /// ODNI.
    pub odni: ActorIx,
    /// FBI.
    pub fbi: ActorIx,
    /// DOJ.
    pub doj: ActorIx,
    /// Treasury.
    pub treasury: ActorIx,
    /// State Department.
    pub state_dept: ActorIx,
    /// EI-ISAC.
    pub eiisac: ActorIx,
    /// Public.
    pub public: ActorIx,
}

/// Key ticks of the election calendar.
#[derive(Clone, Copy, Debug)]
pub struct ElectionTicks {
    /// Election Day 00:00 as election-relative time (always 0), clamped to the clock as a tick.
    pub election_day: Tick,
    /// Registration deadline.
    pub registration_deadline: ETime,
    /// Polls open.
    pub polls_open: ETime,
    /// Polls close.
    pub polls_close: ETime,
    /// End of election-night reporting.
    pub reporting_end: ETime,
}

/// The resolved, immutable scenario.
#[derive(Clone, Debug)]
pub struct Registry {
    /// The spec it was built from.
    pub spec: ScenarioSpec,
    /// Inject attachments by path (as written in the scenario), with their text, when loaded.
    pub attachments: BTreeMap<String, String>,
    /// Whether conditions or expected actions read the commands given (then they are recorded).
    pub tracks_commands: bool,
    /// The clock.
    pub clock: Clock,
    /// Election calendar.
    pub election: ElectionTicks,
    /// States.
    pub states: Vec<StateInfo>,
    /// Actors in canonical order.
    pub actors: Vec<ActorInfo>,
    /// Assets in canonical order.
    pub assets: Vec<AssetInfo>,
    /// Teams.
    pub teams: Vec<TeamInfo>,
    /// Adversaries.
    pub adversaries: Vec<AdversaryInfo>,
    /// Campaigns.
    pub campaigns: Vec<CampaignInfo>,
    /// Injects.
    pub injects: Vec<InjectInfo>,
    /// Inject templates.
    pub templates: Vec<InjectTemplateSpec>,
    /// Modules in time order.
    pub modules: Vec<ModuleInfo>,
    /// The federal actors.
    pub federal: FederalActors,
    /// Vendors (actor indices).
    pub vendors: Vec<ActorIx>,
    /// Lookups by stable id.
    pub actor_by_id: BTreeMap<String, ActorIx>,
    /// Assets by id.
    pub asset_by_id: BTreeMap<String, AssetIx>,
    /// Teams by id.
    pub team_by_id: BTreeMap<String, TeamIx>,
    /// Campaigns by id.
    pub campaign_by_id: BTreeMap<String, CampaignIx>,
    /// Adversaries by id.
    pub adversary_by_id: BTreeMap<String, AdversaryIx>,
    /// Injects by id.
    pub inject_by_id: BTreeMap<String, InjectIx>,
    /// States by postal code.
    pub state_by_postal: BTreeMap<String, StateIx>,
}

impl Registry {
    /// An actor.
    pub fn actor(&self, a: ActorIx) -> &ActorInfo {
        &self.actors[a.ix()]
    }

    /// An asset.
    pub fn asset(&self, a: AssetIx) -> &AssetInfo {
        &self.assets[a.ix()]
    }

    /// A campaign.
    pub fn campaign(&self, c: CampaignIx) -> &CampaignInfo {
        &self.campaigns[c.ix()]
    }

    /// The tick of an election-relative time, clamped into the clock.
    pub fn tick(&self, t: ETime) -> Tick {
        self.clock.tick_clamped(t)
    }

    /// The module in progress at a tick.
    pub fn module_at(&self, tick: Tick) -> Option<ModuleIx> {
        self.modules.iter().rposition(|m| m.start <= tick).map(|i| ModuleIx(i as u32))
    }

    /// Candidate assets for a selector, in canonical order.
    pub fn select_assets(&self, sel: &AssetSelector) -> Vec<AssetIx> {
        self.assets
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                (sel.kinds.is_empty() || sel.kinds.contains(&a.kind))
                    && (sel.states.is_empty()
                        || a.state
                            .is_some_and(|s| sel.states.iter().any(|p| *p == self.states[s.ix()].postal)))
                    && (sel.jurisdictions.is_empty()
                        || sel.jurisdictions.iter().any(|j| *j == self.actors[a.owner.ix()].id))
            })
            .map(|(i, _)| AssetIx(i as u32))
            .collect()
    }

    /// The actor that owns a jurisdiction id (a local or a state office).
    pub fn jurisdiction(&self, id: &str) -> Option<ActorIx> {
        self.actor_by_id
            .get(id)
            .copied()
            .filter(|a| matches!(self.actor(*a).kind, ActorKind::Local | ActorKind::StateOffice))
    }
}
