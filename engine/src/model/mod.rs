//! Components, resources and messages: the simulation's state.
//!
//! Actors and assets are bevy entities: an actor's is its `Knowledge`, an
//! asset's its `AssetPosture` and `Status` (what an actor or asset is, its kind
//! and owner, is in the registry, under the same dense index as the entity in
//! [`Entities`]); the rest of the state lives in resources indexed by the
//! registry's dense ids. Every piece of work is
//! scheduled on a [`Calendar`], so an hour in which nothing is due costs
//! nothing and a headless run jumps over it.

mod calendar;
mod knowledge;
pub mod registry;

pub use calendar::Calendar;
pub use knowledge::{Held, Knowledge, Match};

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::rng::{Stream, Streams};
use crate::scenario::schema::{Channel, Posture, Technique};
use crate::time::Tick;
use registry::*;

// ---------------------------------------------------------------------------
// Components

/// An asset's current security posture.
#[derive(Component, Clone, Copy, Debug)]
pub struct AssetPosture(pub Posture);

/// Whether an asset is up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Availability {
    /// Working.
    Up,
    /// Working badly (slow, intermittent).
    Degraded,
    /// Not working.
    Offline,
}

/// Why an asset is down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DownCause {
    /// An adversary took it down.
    Attack,
    /// Its owner took it offline to contain an intrusion.
    Isolated,
    /// Being restored from backup.
    Restoring,
    /// An inject took it down.
    Outage,
}

/// What the map and the views show for an asset, worst first when sorted descending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum StatusKind {
    /// Nothing known to be wrong.
    Nominal,
    /// Restored after an incident.
    Restored,
    /// Reconnaissance seen.
    Probed,
    /// An intruder holds a foothold.
    Compromised,
    /// Working badly.
    Degraded,
    /// Not working.
    Offline,
}

impl StatusKind {
    /// Every status, best to worst.
    pub const ALL: [StatusKind; 6] = [
        StatusKind::Nominal,
        StatusKind::Restored,
        StatusKind::Probed,
        StatusKind::Compromised,
        StatusKind::Degraded,
        StatusKind::Offline,
    ];

    /// Lowercase label.
    pub const fn label(self) -> &'static str {
        match self {
            StatusKind::Nominal => "nominal",
            StatusKind::Restored => "restored",
            StatusKind::Probed => "probed",
            StatusKind::Compromised => "compromised",
            StatusKind::Degraded => "degraded",
            StatusKind::Offline => "offline",
        }
    }
}

/// An asset's condition.
#[derive(Component, Clone, Debug)]
pub struct Status {
    /// Up, degraded or offline.
    pub availability: Availability,
    /// Why it is down.
    pub down_cause: Option<DownCause>,
    /// Since when it is down.
    pub down_since: Option<Tick>,
    /// Bumped whenever it goes down, so a stale recovery timer can be recognised.
    pub outage_epoch: u32,
    /// Intrusions holding a foothold in it.
    pub footholds: u16,
    /// Footholds its owner knows of.
    pub known_footholds: u16,
    /// Reconnaissance seen by the owner.
    pub probed_seen: bool,
    /// Ever restored.
    pub restored: bool,
    /// Data altered and not yet restored from a clean backup.
    pub altered: bool,
    /// The jurisdiction has switched to paper for this asset (pollbooks).
    pub paper_mode: bool,
    /// An on-site team is here until this tick.
    pub onsite_until: Option<Tick>,
}

impl Default for Status {
    fn default() -> Self {
        Status {
            availability: Availability::Up,
            down_cause: None,
            down_since: None,
            outage_epoch: 0,
            footholds: 0,
            known_footholds: 0,
            probed_seen: false,
            restored: false,
            altered: false,
            paper_mode: false,
            onsite_until: None,
        }
    }
}

impl Status {
    /// The true status (what the facilitator sees).
    pub fn kind(&self) -> StatusKind {
        self.classify(self.footholds > 0)
    }

    /// What the owner knows (compromise only once detected).
    pub fn known_kind(&self) -> StatusKind {
        self.classify(self.known_footholds > 0)
    }

    fn classify(&self, compromised: bool) -> StatusKind {
        match self.availability {
            Availability::Offline => StatusKind::Offline,
            Availability::Degraded => StatusKind::Degraded,
            Availability::Up if compromised => StatusKind::Compromised,
            Availability::Up if self.probed_seen => StatusKind::Probed,
            Availability::Up if self.restored => StatusKind::Restored,
            Availability::Up => StatusKind::Nominal,
        }
    }
}

// ---------------------------------------------------------------------------
// Static and bookkeeping resources

/// The resolved scenario.
#[derive(Resource, Clone)]
pub struct Reg(pub Arc<Registry>);

/// What the run's seed decides up front: its random streams, and EI-ISAC membership (a
/// fixed draw per actor). One resource, because the systems that draw also ask who is a member.
#[derive(Resource, Clone)]
pub struct Seeded {
    /// The random streams.
    pub streams: Streams,
    /// EI-ISAC membership per actor.
    pub members: Vec<bool>,
    /// Per actor, the fixed draw (`fixed_uniform(["isac_member", id])`) that decides a local's
    /// or a state office's membership, kept for campaigns that order their targets by it
    /// (none for other actors: drawn when asked).
    pub isac_draws: Vec<Option<f64>>,
}

/// The tick being processed.
#[derive(Resource, Clone, Copy, Default)]
pub struct Now(pub Tick);

/// Entities by dense index.
#[derive(Resource, Default)]
pub struct Entities {
    /// Actor entities.
    pub actors: Vec<Entity>,
    /// Asset entities.
    pub assets: Vec<Entity>,
}

/// Which teams have people at a console: a staffed team's actors do not follow their doctrine.
#[derive(Resource, Clone, Default)]
pub struct Staffing(pub Vec<bool>);

impl Staffing {
    /// Whether the actor is played by a staffed team.
    pub fn staffed(&self, reg: &Registry, a: ActorIx) -> bool {
        reg.actor(a).team.is_some_and(|t| self.0.get(t.ix()).copied().unwrap_or(false))
    }
}

/// What every change of a run writes: the digest it is mixed into, the event it logs, the
/// counters of the metrics. One resource, because every system that changes the state writes
/// all three (in the order its changes happen), so no two such systems could run unordered.
#[derive(Resource, Clone, Default)]
pub struct RunRecord {
    /// The state digest.
    pub digest: Digest,
    /// The event log.
    pub log: crate::events::EventLog,
    /// Metric counters.
    pub metrics: crate::metrics::MetricsState,
}

/// The state digest: a hash chained over every change, in the order changes happen.
///
/// Two runs have the same digest at a tick exactly when they made the same
/// changes in the same order up to it. Updating it costs O(1) per change,
/// so a national run can record it every tick.
#[derive(Clone, Copy, Default)]
pub struct Digest(pub u64);

impl Digest {
    /// Mixes a change into the digest.
    pub fn mix(&mut self, words: &[u64]) {
        for w in words {
            self.0 = crate::rng::mix64(self.0 ^ w.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                .wrapping_add(0x632b_e59b_d9b4_e019);
        }
    }
}

// ---------------------------------------------------------------------------
// Campaigns and intrusions

macro_rules! index_like {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
index_like!(
    /// An intrusion's index: one (campaign, target) pair.
    IntrusionIx
);
index_like!(
    /// An indicator's index, in creation order.
    IndicatorIx
);

/// Where a campaign stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CampaignStatus {
    /// Not started.
    Dormant,
    /// Running.
    Active,
    /// Stopped by an inject or by sanctions.
    Stopped,
}

/// A campaign's run-time state.
#[derive(Clone, Debug)]
pub struct CampaignRun {
    /// Status.
    pub status: CampaignStatus,
    /// When it started.
    pub started: Option<Tick>,
    /// When someone first detected it.
    pub first_detected: Option<Tick>,
    /// When it first gained a foothold.
    pub first_success: Option<Tick>,
    /// When the EI-ISAC first alerted its members about it.
    pub first_alert: Option<Tick>,
    /// Targets in the order it will work through them.
    pub queue: Vec<AssetIx>,
    /// Next target to start.
    pub next_target: usize,
    /// Its intrusions.
    pub intrusions: Vec<IntrusionIx>,
    /// Indicators created about it so far.
    pub indicators: u32,
    /// Surges so far (influence).
    pub surges: u32,
    /// Victims known to defenders.
    pub known_victims: BTreeSet<ActorIx>,
}

impl CampaignRun {
    /// A dormant campaign.
    pub fn new() -> Self {
        CampaignRun {
            status: CampaignStatus::Dormant,
            started: None,
            first_detected: None,
            first_success: None,
            first_alert: None,
            queue: vec![],
            next_target: 0,
            intrusions: vec![],
            indicators: 0,
            surges: 0,
            known_victims: BTreeSet::new(),
        }
    }
}

impl Default for CampaignRun {
    fn default() -> Self {
        Self::new()
    }
}

/// The campaigns' state.
#[derive(Resource, Clone, Default)]
pub struct Campaigns(pub Vec<CampaignRun>);

/// The stages an intrusion goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stage {
    /// Scanning and probing the target.
    Recon,
    /// Trying to get in.
    InitialAccess,
    /// Inside, establishing persistence.
    Foothold,
    /// Has acted on its objective; stays until evicted.
    ActionOnObjective,
}

impl Stage {
    /// Lowercase label.
    pub const fn label(self) -> &'static str {
        match self {
            Stage::Recon => "recon",
            Stage::InitialAccess => "initial access",
            Stage::Foothold => "foothold",
            Stage::ActionOnObjective => "action on objective",
        }
    }
}

/// How an intrusion ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ending {
    /// Blocked at the door.
    Blocked,
    /// Gave up after too many failed attempts.
    GaveUp,
    /// Evicted by isolation or restore.
    Evicted,
    /// The campaign was stopped.
    Stopped,
    /// Done: a flood that ran its course.
    Completed,
}

/// One (campaign, target) pair.
#[derive(Clone, Debug)]
pub struct Intrusion {
    /// The campaign.
    pub campaign: CampaignIx,
    /// The target.
    pub asset: AssetIx,
    /// The technique it uses on this target (vendor customers: vendor compromise).
    pub technique: Technique,
    /// Current stage.
    pub stage: Stage,
    /// Actions taken in the current stage.
    pub actions: u32,
    /// Access attempts made.
    pub attempts: u32,
    /// When it gained a foothold.
    pub compromised_at: Option<Tick>,
    /// When the owner (or a sensor) first detected it.
    pub detected_at: Option<Tick>,
    /// When and how it ended.
    pub ended: Option<(Tick, Ending)>,
    /// Stages at which it has been detected (bit per stage), so each is logged once.
    pub seen: u8,
    /// Its random stream.
    pub rng: Stream,
}

/// All intrusions, in creation order, with an index by target.
#[derive(Resource, Clone, Default)]
pub struct Intrusions {
    /// Every intrusion.
    pub list: Vec<Intrusion>,
    /// Intrusions by target asset.
    pub by_asset: BTreeMap<AssetIx, Vec<IntrusionIx>>,
    /// The intrusions that may hold a foothold unseen, for [`Intrusions::each_hidden`].
    undetected: Undetected,
}

/// Intrusions neither detected nor ended when last looked at, in creation order, and how
/// many of the list were looked at. An intrusion's times are only ever set, never cleared,
/// so one detected or ended can never again hold a foothold unseen and is dropped for good:
/// finding the hidden intruders passes over these few rather than every intrusion.
#[derive(Clone, Default)]
struct Undetected {
    /// Indices into [`Intrusions::list`].
    ix: Vec<u32>,
    /// How many intrusions of the list were looked at.
    upto: usize,
}

impl Intrusions {
    /// Adds an intrusion.
    pub fn push(&mut self, i: Intrusion) -> IntrusionIx {
        let ix = IntrusionIx(self.list.len() as u32);
        self.by_asset.entry(i.asset).or_default().push(ix);
        self.list.push(i);
        ix
    }

    /// Intrusions on an asset.
    pub fn by_asset(&self, a: AssetIx) -> Vec<IntrusionIx> {
        self.by_asset.get(&a).cloned().unwrap_or_default()
    }

    /// Visits, in creation order, every intrusion holding a foothold its victim has not
    /// detected: compromised, and neither detected nor ended.
    pub fn each_hidden(&mut self, mut f: impl FnMut(&Intrusion)) {
        let (list, open) = (&self.list, &mut self.undetected);
        if open.upto > list.len() {
            // The list was replaced by a shorter one: look at all of it again.
            *open = Undetected::default();
        }
        open.ix.extend(open.upto as u32..list.len() as u32);
        open.upto = list.len();
        open.ix.retain(|&i| {
            let x = &list[i as usize];
            let undetected = x.detected_at.is_none() && x.ended.is_none();
            if undetected && x.compromised_at.is_some() {
                f(x);
            }
            undetected
        });
    }
}

/// Work the campaign system does at a tick.
#[derive(Clone, Copy, Debug)]
pub enum CampaignEvent {
    /// A campaign begins.
    Start(CampaignIx),
    /// Start the next target of a campaign.
    NextTarget(CampaignIx),
    /// An intrusion acts.
    Act(IntrusionIx),
    /// An influence campaign pushes a disinformation surge.
    Surge(CampaignIx),
    /// The target, told of the campaign by someone else, looks for an intruder it has not seen.
    Hunt(IntrusionIx),
}

// ---------------------------------------------------------------------------
// Indicators and sharing

/// Traffic Light Protocol marking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tlp {
    /// Public.
    Clear,
    /// Community-wide.
    Green,
    /// Need to know.
    Amber,
}

/// An indicator of compromise or of activity.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Indicator {
    /// Its index.
    pub ix: IndicatorIx,
    /// Stable key: campaign id and its n-th indicator.
    pub serial: u32,
    /// The campaign it reveals.
    pub campaign: CampaignIx,
    /// The technique seen (none: an influence operation).
    pub technique: Option<Technique>,
    /// The adversary behind it.
    pub adversary: AdversaryIx,
    /// The stage at which it was seen.
    pub stage: Stage,
    /// When it was created.
    pub created: Tick,
    /// Who created it.
    pub origin: ActorIx,
    /// Marking.
    pub tlp: Tlp,
}

/// Every indicator created so far.
#[derive(Resource, Clone, Default)]
pub struct Indicators(pub Vec<Indicator>);

/// A share on its way: one entry for its whole audience (group delivery).
///
/// Each member's arrival and reliability outcome is a pure function of the run's streams,
/// the share and the member ([`Alert::arrival`]), so a member's fate never depends on who
/// else is in the audience or on the order anything is asked. The members that could still
/// learn something from it when it was sent (those not already holding its indicator) are
/// kept in arrival order, and the calendar holds one [`Delivery`] per arrival hour.
#[derive(Clone, Debug)]
pub struct Alert {
    /// Sender.
    pub from: ActorIx,
    /// What.
    pub indicator: IndicatorIx,
    /// How.
    pub channel: Channel,
    /// When it was sent.
    pub sent: Tick,
    /// The share's key: every member's draws derive from it.
    pub key: u64,
    /// Members still to be reached, by arrival tick (emptied once all have arrived).
    pub pending: Vec<(Tick, ActorIx)>,
}

impl Alert {
    /// Whether `member` receives this share and after how many hours: a pure function of
    /// the share's key and the member (its reliability draw, then its latency draw).
    #[inline]
    pub fn arrival(key: u64, member: ActorIx, spec: &crate::scenario::schema::ChannelSpec) -> Option<u32> {
        use crate::rng::{counter_draw, counter_member};
        let m = counter_member(key, member.0);
        let reliability = spec.reliability.clamp(0.0, 1.0);
        // A draw is below 1, so a channel that always delivers needs no reliability draw.
        let reliable = reliability >= 1.0 || counter_draw(m, 0) < reliability;
        reliable.then(|| crate::systems::sample_latency(spec, counter_draw(m, 1)))
    }
}

/// Every share sent so far, by index ([`Delivery::alert`]).
#[derive(Resource, Clone, Default)]
pub struct Alerts(pub Vec<Alert>);

/// The members of one share arriving in one hour: `pending[start..end]` of its [`Alert`].
#[derive(Clone, Copy, Debug)]
pub struct Delivery {
    /// The share (index into [`Alerts`]).
    pub alert: u32,
    /// First member of the hour.
    pub start: u32,
    /// One past the last.
    pub end: u32,
}

/// Who has already shared what on which channel (so a doctrine never repeats itself).
#[derive(Resource, Clone, Default)]
pub struct ShareLedger(pub BTreeSet<(ActorIx, IndicatorIx, Channel)>);

// ---------------------------------------------------------------------------
// Impact, public, federal

/// A timed change to an asset or a resource.
#[derive(Clone, Copy, Debug)]
pub enum Timer {
    /// The asset comes back up, unless it went down again since (epoch).
    BackUp(AssetIx, u32),
    /// Stolen data is published.
    Leak(IntrusionIx),
    /// An on-site team leaves.
    OnsiteEnds(AssetIx),
    /// Confidence recovers a little (daily).
    Recovery,
}

/// A visible event the public reacts to.
#[derive(Clone, Debug)]
pub struct PublicIncident {
    /// When it became public.
    pub at: Tick,
    /// Confidence points it cost.
    pub cost: f64,
    /// The jurisdiction or state it concerns (for statements).
    pub about: Option<ActorIx>,
    /// A disinformation surge (answered by debunking) rather than an incident (answered by reassurance).
    pub disinformation: bool,
    /// The campaign behind a surge (a public attribution of its adversary answers it too).
    pub campaign: Option<CampaignIx>,
    /// Already answered.
    pub answered: bool,
}

/// Public confidence.
#[derive(Resource, Clone, Debug)]
pub struct Public {
    /// Current level, 0-100.
    pub confidence: f64,
    /// Starting level.
    pub baseline: f64,
    /// Lowest level so far.
    pub min: f64,
    /// Incidents that a statement may still answer.
    pub open: Vec<PublicIncident>,
    /// Whether a recovery step is scheduled.
    pub recovering: bool,
    /// The simulated day of the news cycle being counted.
    pub news_day: i64,
    /// Incident stories so far that day (the n-th costs 1/n: the news cycle saturates).
    pub stories_today: u32,
}

/// DHS on-site assessment teams.
#[derive(Resource, Clone, Debug, Default)]
pub struct Onsite {
    /// Teams free.
    pub free: u32,
    /// Requests waiting, first come first served.
    pub queue: VecDeque<AssetIx>,
    /// Assets assessed so far.
    pub assessed: BTreeSet<AssetIx>,
}

/// An FBI investigation.
#[derive(Clone, Debug)]
pub struct Investigation {
    /// Opened at.
    pub opened: Tick,
    /// Victims it has found and notified.
    pub notified: BTreeSet<ActorIx>,
}

/// Federal work scheduled for a tick.
#[derive(Clone, Copy, Debug)]
pub enum FederalEvent {
    /// ODNI learns of a campaign from its own collection.
    Intel(CampaignIx),
    /// The FBI's daily round of its open investigations (09:00 each day).
    Investigations,
    /// The EO 13848 process checks whether the assessment can go out.
    AssessmentCheck,
    /// The AG/DHS report is done.
    ReportDone,
    /// The sanctions decision is due.
    SanctionsDecision,
}

/// The EO 13848 process.
#[derive(Resource, Clone, Debug, Default)]
pub struct Eo {
    /// Evidence per adversary (what points at it).
    pub evidence: Vec<f64>,
    /// Open investigations by campaign.
    pub investigations: BTreeMap<CampaignIx, Investigation>,
    /// When the assessment was delivered.
    pub assessment_at: Option<Tick>,
    /// Who it named.
    pub named: Vec<AdversaryIx>,
    /// Whether it was delivered with high confidence.
    pub confident: Option<bool>,
    /// When the report was delivered.
    pub report_at: Option<Tick>,
    /// When the report is scheduled to be done.
    pub report_due_at: Option<Tick>,
    /// When sanctions were decided.
    pub sanctions_at: Option<Tick>,
    /// Adversaries sanctioned.
    pub sanctioned: BTreeSet<AdversaryIx>,
    /// Adversaries recommended for sanctions.
    pub recommended: BTreeSet<AdversaryIx>,
    /// Public attributions made.
    pub attributed: BTreeSet<AdversaryIx>,
    /// Whether the first assessment check is scheduled.
    pub started: bool,
    /// Whether the daily round of investigations is scheduled.
    pub investigations_scheduled: bool,
}

// ---------------------------------------------------------------------------
// Injects

/// Where an inject stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InjectState {
    /// Waiting for its time or condition.
    Pending,
    /// Held by the facilitator.
    Held,
    /// Scheduled to fire (condition met, or fired by hand).
    Scheduled(Tick),
    /// Fired.
    Fired(Tick),
    /// Skipped by the facilitator.
    Skipped,
    /// Cancelled by its `cancel_if` condition.
    Cancelled(Tick),
}

/// A command carried out for a team (by the team, or by the facilitator or a doctrine for one of
/// its actors), kept when the scenario's conditions or expected actions read commands.
#[derive(Clone, Debug, PartialEq)]
pub struct IssuedCommand {
    /// When it was applied.
    pub tick: Tick,
    /// The team it counts for.
    pub team: TeamIx,
    /// Its kind.
    pub kind: crate::command::CommandKind,
    /// What it names (see `ActionPattern::target`).
    pub target: String,
    /// The channel a shared indicator went out on.
    pub channel: Option<crate::scenario::schema::Channel>,
    /// Who gave it.
    pub issuer: crate::command::Issuer,
}

/// The commands carried out for teams, in the order applied.
#[derive(Resource, Clone, Debug, Default)]
pub struct IssuedLog(pub Vec<IssuedCommand>);

impl IssuedLog {
    /// The first command matching a pattern at or after `from`.
    pub fn first(
        &self,
        team: TeamIx,
        kind: crate::command::CommandKind,
        target: Option<&str>,
        from: Tick,
    ) -> Option<&IssuedCommand> {
        self.first_via(team, kind, target, None, from)
    }

    /// [`IssuedLog::first`], for shares only on `channel` when one is given.
    pub fn first_via(
        &self,
        team: TeamIx,
        kind: crate::command::CommandKind,
        target: Option<&str>,
        channel: Option<crate::scenario::schema::Channel>,
        from: Tick,
    ) -> Option<&IssuedCommand> {
        self.0.iter().find(|c| {
            c.tick >= from
                && c.team == team
                && c.kind == kind
                && target.is_none_or(|t| c.target.eq_ignore_ascii_case(t))
                && channel.is_none_or(|ch| c.channel == Some(ch))
        })
    }
}

/// Injects' run-time state.
#[derive(Resource, Clone, Debug, Default)]
pub struct Injects {
    /// Per scripted inject.
    pub state: Vec<InjectState>,
    /// Count of ad-hoc and template injects fired (for stable stream names).
    pub adhoc: u32,
}

/// Work the inject system does at a tick.
#[derive(Clone, Debug)]
pub enum InjectEvent {
    /// A scripted inject is due.
    Scripted(InjectIx),
    /// An ad-hoc inject (facilitator or cell), already resolved.
    AdHoc {
        /// Title.
        title: String,
        /// Addressed teams.
        teams: Vec<TeamIx>,
        /// Effects.
        effects: Vec<ResolvedEffect>,
        /// Its number among ad-hoc injects.
        n: u32,
    },
    /// A module begins.
    ModuleStart(ModuleIx),
    /// A time a condition names (`Before`, `After`): the hour is simulated, not jumped over,
    /// so that conditions are evaluated at its end.
    Wake,
}

/// A message to teams' inboxes from an inject.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InboxMessage {
    /// When.
    pub tick: Tick,
    /// Teams addressed (empty: everyone).
    pub teams: Vec<TeamIx>,
    /// Title.
    pub title: String,
    /// Text.
    pub text: String,
}

/// Inject messages delivered so far.
#[derive(Resource, Clone, Debug, Default)]
pub struct Inbox(pub Vec<InboxMessage>);

// ---------------------------------------------------------------------------
// Same-tick messages between systems

/// An adversary action was noticed.
#[derive(Message, Clone, Copy, Debug)]
pub struct Detection {
    /// The intrusion.
    pub intrusion: IntrusionIx,
    /// The stage it was in.
    pub stage: Stage,
}

/// Someone shares an indicator on a channel.
#[derive(Message, Clone, Copy, Debug)]
pub struct ShareOrder {
    /// Sender.
    pub from: ActorIx,
    /// What.
    pub indicator: IndicatorIx,
    /// Channel.
    pub channel: Channel,
    /// A single recipient (victim notifications), else the channel's audience.
    pub to: Option<ActorIx>,
}

/// An actor came to hold an indicator.
#[derive(Message, Clone, Copy, Debug)]
pub struct Learned {
    /// Who.
    pub actor: ActorIx,
    /// What.
    pub indicator: IndicatorIx,
    /// From whom (none: its own detection).
    pub from: Option<ActorIx>,
    /// Channel.
    pub channel: Option<Channel>,
}

/// Something the public can see happened.
#[derive(Message, Clone, Debug)]
pub struct Visible {
    /// Confidence points at stake before amplification.
    pub cost: f64,
    /// The jurisdiction it concerns.
    pub about: Option<ActorIx>,
    /// A disinformation surge.
    pub disinformation: bool,
    /// The campaign behind it, if known.
    pub campaign: Option<CampaignIx>,
}

/// An asset went down (for doctrines: restore, switch to paper, make a statement).
#[derive(Message, Clone, Copy, Debug)]
pub struct WentDown {
    /// The asset.
    pub asset: AssetIx,
    /// Why.
    pub cause: DownCause,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schema::ChannelSpec;

    /// A member's arrival is what its two counter draws, each worked out in full, decide.
    #[test]
    fn arrivals_are_the_draws_of_the_share_and_member() {
        let whole = |key: u64, member: ActorIx, spec: &ChannelSpec| {
            let reliable = crate::rng::counter_uniform(key, member.0, 0) < spec.reliability.clamp(0.0, 1.0);
            reliable
                .then(|| crate::systems::sample_latency(spec, crate::rng::counter_uniform(key, member.0, 1)))
        };
        let mut raw = crate::rng::xorshift(0xbb67_ae85_84ca_a73b);
        for reliability in [1.0, 0.9, 0.5, 0.0, 1.5, -0.2, f64::NAN] {
            let spec = ChannelSpec::hours(1.0, 4.0, 24.0, 72.0, reliability);
            for _ in 0..2_000 {
                let (key, member) = (raw(), ActorIx(raw() as u32));
                assert_eq!(Alert::arrival(key, member, &spec), whole(key, member, &spec), "{reliability}");
            }
        }
    }
}
