//! The event log: what happened, in order, structured.
//!
//! Events are small values; their text is made only when someone reads them
//! ([`describe`]), so a batch run that never shows its log pays almost
//! nothing for it. The facilitator sees every event; a team sees the events
//! that involve its actors and the public ones.

use serde::{Deserialize, Serialize};

use crate::command::{Issuer, Statement};
use crate::model::registry::*;
use crate::model::{Availability, DownCause, IndicatorIx, Stage};
use crate::scenario::schema::{Channel, Objective};
use crate::time::Tick;

/// How much an event matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Routine.
    Info,
    /// Worth a look.
    Notice,
    /// Something is wrong.
    Warning,
    /// Serious harm.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 4] = [Severity::Info, Severity::Notice, Severity::Warning, Severity::Critical];

    /// Label.
    pub const fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Notice => "notice",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// Outcome of an access attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// Stopped; `shared` when the target held an indicator someone else gave it.
    Blocked {
        /// Blocked thanks to a shared indicator.
        shared: bool,
    },
    /// Got in.
    Succeeded,
    /// Failed this time.
    Failed,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A module began.
    ModuleStarted {
        /// Module.
        module: ModuleIx,
    },
    /// An inject fired.
    InjectFired {
        /// Scripted inject, if any.
        inject: Option<InjectIx>,
        /// Title.
        title: String,
        /// Addressed teams.
        teams: Vec<TeamIx>,
    },
    /// A scripted inject was cancelled by its `cancel_if` condition.
    InjectCancelled {
        /// The inject.
        inject: InjectIx,
        /// Title.
        title: String,
    },
    /// A campaign began.
    CampaignStarted {
        /// Campaign.
        campaign: CampaignIx,
    },
    /// A campaign stopped.
    CampaignStopped {
        /// Campaign.
        campaign: CampaignIx,
    },
    /// An access attempt (or, for denial of service, the flood).
    Attempt {
        /// Campaign.
        campaign: CampaignIx,
        /// Target.
        asset: AssetIx,
        /// Outcome.
        outcome: AttemptOutcome,
        /// Whether the target held a matching indicator before the attempt.
        warned: bool,
    },
    /// An intruder acted on its objective.
    ObjectiveReached {
        /// Campaign.
        campaign: CampaignIx,
        /// Target.
        asset: AssetIx,
        /// Objective.
        objective: Objective,
    },
    /// Adversary activity was detected.
    Detected {
        /// Campaign.
        campaign: CampaignIx,
        /// Where.
        asset: AssetIx,
        /// Who noticed.
        detector: ActorIx,
        /// Stage seen.
        stage: Stage,
        /// The indicator it produced (none when the detector already had one).
        indicator: Option<IndicatorIx>,
    },
    /// ODNI's own collection found a campaign.
    IntelGained {
        /// Campaign.
        campaign: CampaignIx,
        /// Indicator.
        indicator: IndicatorIx,
    },
    /// An asset went down.
    AssetDown {
        /// Asset.
        asset: AssetIx,
        /// Why.
        cause: DownCause,
        /// How badly.
        availability: Availability,
    },
    /// An asset came back.
    AssetUp {
        /// Asset.
        asset: AssetIx,
    },
    /// An indicator was sent on a channel.
    Shared {
        /// Sender.
        from: ActorIx,
        /// Indicator.
        indicator: IndicatorIx,
        /// Channel.
        channel: Channel,
        /// How many recipients.
        recipients: u32,
    },
    /// An indicator arrived.
    Received {
        /// Recipient.
        to: ActorIx,
        /// Sender.
        from: ActorIx,
        /// Indicator.
        indicator: IndicatorIx,
        /// Channel (none: handed over by an inject).
        channel: Option<Channel>,
        /// When it was sent.
        sent: Tick,
    },
    /// A command was applied (or refused).
    Command {
        /// Who gave it.
        issuer: Issuer,
        /// What it was.
        summary: String,
        /// The acting actor, if any.
        actor: Option<ActorIx>,
        /// Why it was refused, if it was.
        rejected: Option<String>,
    },
    /// A public statement.
    Statement {
        /// Who.
        actor: ActorIx,
        /// What kind.
        statement: Statement,
        /// Whether it answered an open incident in time.
        timely: bool,
    },
    /// A disinformation surge.
    Disinformation {
        /// Campaign, if from one.
        campaign: Option<CampaignIx>,
        /// Claim.
        about: String,
        /// Points at stake.
        intensity: f64,
    },
    /// Stolen material published.
    Leak {
        /// Adversary.
        adversary: AdversaryIx,
        /// What.
        about: String,
    },
    /// News.
    News {
        /// Text.
        text: String,
    },
    /// A message to some teams.
    Message {
        /// Teams.
        teams: Vec<TeamIx>,
        /// Text.
        text: String,
    },
    /// Public confidence moved by an inject.
    ConfidenceShift {
        /// Points.
        delta: f64,
    },
    /// An on-site team arrived.
    OnsiteDeployed {
        /// Where.
        asset: AssetIx,
    },
    /// An FBI investigation opened.
    InvestigationOpened {
        /// Campaign.
        campaign: CampaignIx,
    },
    /// An investigation found another victim.
    VictimFound {
        /// Campaign.
        campaign: CampaignIx,
        /// Victim.
        victim: ActorIx,
    },
    /// DHS issued a public advisory about a campaign.
    Advisory {
        /// Campaign.
        campaign: CampaignIx,
    },
    /// Public attribution.
    Attribution {
        /// Who attributed.
        by: ActorIx,
        /// To whom.
        adversary: AdversaryIx,
    },
    /// The EO 13848 §1(a) assessment.
    AssessmentDelivered {
        /// Named adversaries.
        named: Vec<AdversaryIx>,
        /// Within 45 days.
        on_time: bool,
        /// With confidence.
        confident: bool,
    },
    /// The EO 13848 §1(b) report.
    ReportDelivered {
        /// Within 45 days of the assessment.
        on_time: bool,
    },
    /// Sanctions recommended.
    SanctionsRecommended {
        /// Adversary.
        adversary: AdversaryIx,
    },
    /// Sanctions imposed.
    SanctionsImposed {
        /// Adversary.
        adversary: AdversaryIx,
    },
    /// The sanctions decision under §3 (imposed or not).
    SanctionsDecision {
        /// Adversaries sanctioned by the decision.
        imposed: Vec<AdversaryIx>,
    },
}

/// One entry of the event log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimEvent {
    /// When.
    pub tick: Tick,
    /// How much it matters.
    pub severity: Severity,
    /// What.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The whole log.
#[derive(Clone, Debug, Default)]
pub struct EventLog(pub Vec<SimEvent>);

impl EventLog {
    /// Room a log starts with: even a short run logs several hundred events, and a log
    /// grown from nothing would be copied at every doubling on the way there.
    const FIRST_ROOM: usize = 1024;

    /// Appends an event.
    #[inline]
    pub fn push(&mut self, tick: Tick, severity: Severity, kind: EventKind) {
        if self.0.capacity() == 0 {
            self.make_room();
        }
        self.0.push(SimEvent { tick, severity, kind });
    }

    /// Gives an empty log its first room.
    #[cold]
    #[inline(never)]
    fn make_room(&mut self) {
        self.0.reserve_exact(Self::FIRST_ROOM);
    }
}

impl SimEvent {
    /// Whether everyone can see it (news, statements, public incidents).
    pub fn is_public(&self, reg: &Registry) -> bool {
        match &self.kind {
            EventKind::Statement { .. }
            | EventKind::Disinformation { .. }
            | EventKind::Leak { .. }
            | EventKind::News { .. }
            | EventKind::ConfidenceShift { .. }
            | EventKind::Advisory { .. }
            | EventKind::Attribution { .. }
            | EventKind::AssessmentDelivered { .. }
            | EventKind::ReportDelivered { .. }
            | EventKind::SanctionsImposed { .. }
            | EventKind::SanctionsDecision { .. }
            | EventKind::ModuleStarted { .. } => true,
            EventKind::AssetDown { asset, .. } | EventKind::AssetUp { asset } => matches!(
                reg.asset(*asset).kind,
                crate::scenario::schema::AssetKind::ResultsWebsite
                    | crate::scenario::schema::AssetKind::VoterRegistration
            ),
            _ => false,
        }
    }

    /// The actors it concerns (a team sees it when it plays one of them).
    pub fn actors(&self, reg: &Registry) -> Vec<ActorIx> {
        match &self.kind {
            EventKind::Attempt { asset, .. } | EventKind::ObjectiveReached { asset, .. } => {
                // Only a target that noticed knows of an attempt: the view filters by detection.
                let _ = asset;
                vec![]
            }
            EventKind::Detected { asset, detector, .. } => vec![reg.asset(*asset).owner, *detector],
            EventKind::IntelGained { .. } => vec![reg.federal.odni],
            EventKind::AssetDown { asset, .. }
            | EventKind::AssetUp { asset }
            | EventKind::OnsiteDeployed { asset } => {
                vec![reg.asset(*asset).owner]
            }
            EventKind::Shared { from, .. } => vec![*from],
            EventKind::Received { to, .. } => vec![*to],
            EventKind::Command { actor, .. } => actor.iter().copied().collect(),
            EventKind::Statement { actor, .. } => vec![*actor],
            EventKind::InvestigationOpened { .. } => vec![reg.federal.fbi],
            EventKind::VictimFound { victim, .. } => vec![reg.federal.fbi, *victim],
            EventKind::CampaignStarted { campaign } | EventKind::CampaignStopped { campaign } => {
                vec![reg.adversaries[reg.campaign(*campaign).adversary.ix()].actor]
            }
            _ => vec![],
        }
    }

    /// Whether a team sees it.
    pub fn visible_to(&self, reg: &Registry, team: TeamIx) -> bool {
        if let EventKind::InjectFired { teams, .. } | EventKind::Message { teams, .. } = &self.kind {
            return teams.is_empty() || teams.contains(&team);
        }
        if let EventKind::Command { issuer: Issuer::Team(t), .. } = &self.kind
            && reg.team_by_id.get(t) == Some(&team)
        {
            return true;
        }
        self.is_public(reg) || self.actors(reg).iter().any(|a| reg.actor(*a).team == Some(team))
    }

    /// The team ids it concerns, for the log's team column.
    pub fn teams(&self, reg: &Registry) -> Vec<TeamIx> {
        let mut t: Vec<TeamIx> = match &self.kind {
            EventKind::InjectFired { teams, .. } | EventKind::Message { teams, .. } => teams.clone(),
            EventKind::Command { issuer: Issuer::Team(id), .. } => {
                reg.team_by_id.get(id).copied().into_iter().collect()
            }
            _ => self.actors(reg).iter().filter_map(|a| reg.actor(*a).team).collect(),
        };
        t.sort();
        t.dedup();
        t
    }
}

fn a(reg: &Registry, x: ActorIx) -> &str {
    &reg.actor(x).id
}

/// A line of text for an event.
pub fn describe(reg: &Registry, e: &SimEvent) -> String {
    let camp = |c: &CampaignIx| reg.campaign(*c).spec.name.as_str();
    let asset = |x: &AssetIx| reg.asset(*x).id.as_str();
    match &e.kind {
        EventKind::ModuleStarted { module } => format!("Module begins: {}", reg.modules[module.ix()].title),
        EventKind::InjectFired { title, .. } => format!("Inject: {title}"),
        EventKind::InjectCancelled { title, .. } => format!("Inject cancelled (its condition held): {title}"),
        EventKind::CampaignStarted { campaign } => format!("Campaign started: {}", camp(campaign)),
        EventKind::CampaignStopped { campaign } => format!("Campaign stopped: {}", camp(campaign)),
        EventKind::Attempt { campaign, asset: x, outcome, warned } => format!(
            "{}: access attempt on {} {}{}",
            camp(campaign),
            asset(x),
            attempt_words(*outcome),
            if *warned { " (target was warned)" } else { "" }
        ),
        EventKind::ObjectiveReached { campaign, asset: x, objective } => {
            format!("{}: adversary {} {}", camp(campaign), objective_verb(*objective), asset(x))
        }
        EventKind::Detected { campaign, asset: x, detector, stage, indicator } => format!(
            "{} detected {} activity ({}) on {}{}",
            a(reg, *detector),
            crate::scenario::schema::Technique::label_of(reg.campaign(*campaign).technique()),
            stage.label(),
            asset(x),
            indicator.map(|i| format!(": IND-{:04}", i.0)).unwrap_or_default()
        ),
        EventKind::IntelGained { campaign, indicator } => format!(
            "ODNI collection reveals {} activity: IND-{:04}",
            crate::scenario::schema::Technique::label_of(reg.campaign(*campaign).technique()),
            indicator.0
        ),
        EventKind::AssetDown { asset: x, cause, availability } => {
            format!("{} is {} ({})", asset(x), availability_word(availability), down_cause_words(cause))
        }
        EventKind::AssetUp { asset: x } => format!("{} is back up", asset(x)),
        EventKind::Shared { from, indicator, channel, recipients } => format!(
            "{} shared IND-{:04} on {} ({} recipient{})",
            a(reg, *from),
            indicator.0,
            channel.slug(),
            recipients,
            if *recipients == 1 { "" } else { "s" }
        ),
        EventKind::Received { to, from, indicator, channel, sent } => format!(
            "{} received IND-{:04} from {} via {} ({}h after sending)",
            a(reg, *to),
            indicator.0,
            a(reg, *from),
            channel.map_or("inject", |c| c.slug()),
            e.tick.0.saturating_sub(sent.0)
        ),
        EventKind::Command { issuer, summary, rejected, .. } => match rejected {
            None => format!("[{issuer}] {summary}"),
            Some(r) => format!("[{issuer}] {summary}: REJECTED, {r}"),
        },
        EventKind::Statement { actor, statement, timely } => format!(
            "{} makes a public statement ({}){}",
            reg.actor(*actor).name,
            match statement {
                Statement::Reassure => "reassurance",
                Statement::Debunk => "debunking",
            },
            if *timely { "" } else { " with no open incident to answer" }
        ),
        EventKind::Disinformation { about, intensity, .. } => {
            format!("Disinformation surge: {about} ({intensity:.1} pts at stake)")
        }
        EventKind::Leak { adversary, about } => {
            format!("Leak: {about} (published by {})", reg.adversaries[adversary.ix()].name)
        }
        EventKind::News { text } => format!("News: {text}"),
        EventKind::Message { text, .. } => format!("Message: {text}"),
        EventKind::ConfidenceShift { delta } => format!("Public confidence moves {delta:+.1} pts"),
        EventKind::OnsiteDeployed { asset: x } => format!("CISA on-site team deployed to {}", asset(x)),
        EventKind::InvestigationOpened { campaign } => {
            format!("FBI opens an investigation: {}", camp(campaign))
        }
        EventKind::VictimFound { campaign, victim } => {
            format!("FBI investigation of {} finds another victim: {}", camp(campaign), a(reg, *victim))
        }
        EventKind::Advisory { campaign } => format!("DHS/CISA public advisory on {}", camp(campaign)),
        EventKind::Attribution { by, adversary } => {
            format!(
                "{} publicly attributes activity to {}",
                reg.actor(*by).name,
                reg.adversaries[adversary.ix()].name
            )
        }
        EventKind::AssessmentDelivered { named, on_time, confident } => format!(
            "EO 13848 assessment delivered{}{}: {}",
            if *on_time { " on time" } else { " LATE" },
            if *confident { "" } else { " (low confidence)" },
            if named.is_empty() {
                "no foreign interference identified".to_string()
            } else {
                adversary_names(reg, named)
            }
        ),
        EventKind::ReportDelivered { on_time } => {
            format!("EO 13848 DOJ/DHS report delivered{}", if *on_time { " on time" } else { " LATE" })
        }
        EventKind::SanctionsRecommended { adversary } => {
            format!("Sanctions recommended against {}", reg.adversaries[adversary.ix()].name)
        }
        EventKind::SanctionsImposed { adversary } => {
            format!("Sanctions imposed on {}", reg.adversaries[adversary.ix()].name)
        }
        EventKind::SanctionsDecision { imposed } if imposed.is_empty() => {
            "Sanctions decision: none imposed".to_string()
        }
        EventKind::SanctionsDecision { imposed } => {
            format!("Sanctions decision: {}", adversary_names(reg, imposed))
        }
    }
}

/// How an access attempt ended, in words.
fn attempt_words(outcome: AttemptOutcome) -> &'static str {
    match outcome {
        AttemptOutcome::Blocked { shared: true } => "blocked thanks to a shared indicator",
        AttemptOutcome::Blocked { shared: false } => "blocked",
        AttemptOutcome::Succeeded => "succeeded",
        AttemptOutcome::Failed => "failed",
    }
}

/// What an adversary did to an asset on reaching its objective.
fn objective_verb(objective: Objective) -> &'static str {
    match objective {
        Objective::Disrupt => "disrupted",
        Objective::AlterData => "altered data on",
        Objective::StealAndLeak => "stole data from",
        Objective::Influence => "used",
    }
}

fn availability_word(availability: &Availability) -> &'static str {
    match availability {
        Availability::Offline => "offline",
        Availability::Degraded => "degraded",
        Availability::Up => "up",
    }
}

fn down_cause_words(cause: &DownCause) -> &'static str {
    match cause {
        DownCause::Attack => "attack",
        DownCause::Isolated => "isolated by its owner",
        DownCause::Restoring => "restoring from backup",
        DownCause::Outage => "outage",
    }
}

/// Adversaries' names, comma-separated.
fn adversary_names(reg: &Registry, list: &[AdversaryIx]) -> String {
    list.iter().map(|x| reg.adversaries[x.ix()].name.as_str()).collect::<Vec<_>>().join(", ")
}
