//! Commands: every player action, doctrine decision and inject control.
//!
//! Players, injects and doctrines change the simulation only through
//! [`Command`]s, applied at tick boundaries in canonical order (tick, then
//! issuer: facilitator, teams in scenario order, doctrines; then submission
//! order). A command the issuer may not give, or that names something that
//! does not exist, is rejected with a typed [`Rejection`]; nothing panics.

use serde::{Deserialize, Serialize};

use crate::model::registry::{ActorIx, ActorKind, Registry};
use crate::scenario::schema::{Channel, Effect, TeamRole};
use crate::time::Tick;

pub mod spec;

pub use spec::{Arg, CommandSpec, FieldSpec, Givers};

/// Who gives a command.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Issuer {
    /// The facilitator: may act for any actor and control injects.
    Facilitator,
    /// A team, by id: may act only for the actors it plays.
    Team(String),
    /// An unstaffed actor's doctrine (internal; never journaled).
    Doctrine,
}

impl std::fmt::Display for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Issuer::Facilitator => f.write_str("facilitator"),
            Issuer::Team(t) => write!(f, "team {t}"),
            Issuer::Doctrine => f.write_str("doctrine"),
        }
    }
}

/// A public statement.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Statement {
    /// Reassures the public about an incident (what happened, what is being done).
    Reassure,
    /// Debunks a false claim.
    Debunk,
}

impl Statement {
    /// Its name, as the journal writes it.
    pub fn name(self) -> &'static str {
        match self {
            Statement::Reassure => "reassure",
            Statement::Debunk => "debunk",
        }
    }
}

/// Every action a player, a doctrine, an inject or the facilitator can take.
///
/// [`CommandKind`] is derived from it, variant for variant and in the same order; each kind
/// has its entry in the command table ([`spec::SPECS`]), in that order too (the compiler checks
/// both). A variant's doc comment is also its kind's, which the scenario reference of
/// docs/scenarios.md shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum_discriminants(
    name(CommandKind),
    vis(pub),
    derive(PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema, strum::EnumCount),
    serde(rename_all = "snake_case"),
    doc = "The kinds of command, for forms and authority tables: one per command, named as the \
           journal names it."
)]
pub enum Command {
    /// Apply security patches to an asset (owner).
    Patch {
        /// Acting actor.
        actor: String,
        /// Asset id.
        asset: String,
    },
    /// Enforce multi-factor authentication on an asset (owner).
    EnforceMfa {
        /// Acting actor.
        actor: String,
        /// Asset id.
        asset: String,
    },
    /// Take an asset offline to contain an intrusion (owner); evicts intruders.
    Isolate {
        /// Acting actor.
        actor: String,
        /// Asset id.
        asset: String,
    },
    /// Restore an asset from backup (owner); evicts intruders and undoes altered data when backups are offline.
    Restore {
        /// Acting actor.
        actor: String,
        /// Asset id.
        asset: String,
    },
    /// Switch a jurisdiction's check-in to paper pollbooks (the jurisdiction or its state).
    SwitchToPaper {
        /// Acting actor.
        actor: String,
        /// Local jurisdiction id.
        jurisdiction: String,
    },
    /// Extend polling hours on Election Day (the jurisdiction or its state).
    ExtendHours {
        /// Acting actor.
        actor: String,
        /// Local jurisdiction id.
        jurisdiction: String,
        /// Extra hours, 1 to 6.
        hours: u32,
    },
    /// Ask DHS/CISA for an on-site assessment team (owner).
    RequestOnsite {
        /// Acting actor.
        actor: String,
        /// Asset id.
        asset: String,
    },
    /// Send an on-site assessment team (DHS).
    DeployOnsite {
        /// Acting actor (dhs).
        actor: String,
        /// Asset id.
        asset: String,
    },
    /// Share an indicator the actor holds on a channel it may use.
    ShareIndicator {
        /// Acting actor.
        actor: String,
        /// Indicator number.
        indicator: u32,
        /// Channel.
        channel: Channel,
    },
    /// Notify a victim of an indicator (FBI); by policy also its chief state election official.
    NotifyVictim {
        /// Acting actor (fbi).
        actor: String,
        /// Indicator number.
        indicator: u32,
        /// The victim's actor id.
        victim: String,
    },
    /// Make a public statement.
    PublicStatement {
        /// Acting actor.
        actor: String,
        /// What kind.
        statement: Statement,
    },
    /// Open an investigation of the campaign behind an indicator (FBI).
    OpenInvestigation {
        /// Acting actor (fbi).
        actor: String,
        /// Indicator number.
        indicator: u32,
    },
    /// Publicly attribute activity to an adversary (ODNI, FBI or DHS).
    Attribute {
        /// Acting actor.
        actor: String,
        /// Adversary id.
        adversary: String,
    },
    /// Deliver the EO 13848 §1(a) assessment now (ODNI, after Election Day).
    DeliverAssessment {
        /// Acting actor (odni).
        actor: String,
    },
    /// Deliver the EO 13848 §1(b) report now (DOJ or DHS, after the assessment).
    DeliverReport {
        /// Acting actor.
        actor: String,
    },
    /// Recommend sanctions against an adversary (State Department or Treasury).
    RecommendSanctions {
        /// Acting actor.
        actor: String,
        /// Adversary id.
        adversary: String,
    },
    /// Impose sanctions on an adversary (Treasury).
    ImposeSanctions {
        /// Acting actor (treasury).
        actor: String,
        /// Adversary id.
        adversary: String,
    },
    /// Launch one of the adversary's dormant campaigns (red cell).
    LaunchCampaign {
        /// Acting actor (an adversary).
        actor: String,
        /// Campaign id.
        campaign: String,
    },
    /// Fire a scripted inject now (facilitator).
    FireInject {
        /// Inject id.
        inject: String,
    },
    /// Hold a scripted inject: it will not fire until released (facilitator).
    HoldInject {
        /// Inject id.
        inject: String,
    },
    /// Release a held inject: it fires when due, or now if overdue (facilitator).
    ReleaseInject {
        /// Inject id.
        inject: String,
    },
    /// Skip a scripted inject: it does not fire unless unskipped (facilitator).
    SkipInject {
        /// Inject id.
        inject: String,
    },
    /// Fire an unscripted inject (facilitator).
    AdHocInject {
        /// Title.
        title: String,
        /// What the players are told.
        #[serde(default)]
        description: String,
        /// Addressed teams.
        #[serde(default)]
        teams: Vec<String>,
        /// Effects.
        #[serde(default)]
        effects: Vec<Effect>,
    },
    /// Fire an inject from a template, narrowed to a state or jurisdiction (red/white cell or facilitator).
    InjectFromTemplate {
        /// Template id.
        template: String,
        /// Narrow its targets to this state.
        #[serde(default)]
        state: Option<String>,
        /// Narrow its targets to this jurisdiction.
        #[serde(default)]
        jurisdiction: Option<String>,
    },
    /// Mark a team as staffed (its actors stop following doctrine) or unstaffed (facilitator).
    SetStaffed {
        /// Team id.
        team: String,
        /// Staffed or not.
        staffed: bool,
    },
    /// Take back the skip of a scripted inject: it fires when due, or now if overdue (facilitator).
    UnskipInject {
        /// Inject id.
        inject: String,
    },
}

impl CommandKind {
    /// Every kind, in the order of the command table ([`spec::SPECS`]).
    pub const ALL: [CommandKind; spec::SPECS.len()] = spec::ALL_KINDS;

    /// The command's entry in the table.
    pub fn spec(self) -> &'static CommandSpec {
        // The table lists the kinds in declaration order (the compiler checks it).
        &spec::SPECS[self as usize]
    }

    /// snake_case name.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Whether it is an exercise-control command rather than an actor's action.
    pub fn is_control(self) -> bool {
        self.spec().is_control()
    }

    /// Which kinds of actor may give this command.
    pub fn allowed_kinds(self) -> &'static [ActorKind] {
        self.spec().allowed_kinds()
    }
}

impl Command {
    /// The command's kind.
    pub fn kind(&self) -> CommandKind {
        self.into()
    }

    /// The acting actor's id, for actor commands.
    pub fn actor(&self) -> Option<&str> {
        self.parts().0
    }

    /// What the command names, for the patterns of conditions and expected actions: an asset,
    /// jurisdiction, victim, adversary, campaign, inject, template or team id, or the kind of
    /// statement. Commands on an indicator name nothing here (their campaign is looked up when
    /// they are applied).
    pub fn target(&self) -> String {
        self.parts().1.to_string()
    }

    /// The acting actor (for actor commands) and what the command names (see
    /// [`Command::target`]): one line per command.
    fn parts(&self) -> (Option<&str>, &str) {
        use Command::*;
        match self {
            Patch { actor, asset }
            | EnforceMfa { actor, asset }
            | Isolate { actor, asset }
            | Restore { actor, asset }
            | RequestOnsite { actor, asset }
            | DeployOnsite { actor, asset } => (Some(actor), asset),
            SwitchToPaper { actor, jurisdiction } | ExtendHours { actor, jurisdiction, .. } => {
                (Some(actor), jurisdiction)
            }
            ShareIndicator { actor, .. } | OpenInvestigation { actor, .. } => (Some(actor), ""),
            NotifyVictim { actor, victim, .. } => (Some(actor), victim),
            PublicStatement { actor, statement } => (Some(actor), statement.name()),
            Attribute { actor, adversary }
            | RecommendSanctions { actor, adversary }
            | ImposeSanctions { actor, adversary } => (Some(actor), adversary),
            DeliverAssessment { actor } | DeliverReport { actor } => (Some(actor), ""),
            LaunchCampaign { actor, campaign } => (Some(actor), campaign),
            FireInject { inject }
            | HoldInject { inject }
            | ReleaseInject { inject }
            | SkipInject { inject }
            | UnskipInject { inject } => (None, inject),
            AdHocInject { title, .. } => (None, title),
            InjectFromTemplate { template, .. } => (None, template),
            SetStaffed { team, .. } => (None, team),
        }
    }

    /// A one-line description for logs and consoles (see [`CommandSpec::summary`]).
    pub fn summary(&self) -> String {
        match self {
            // The same line as the spec's ("{actor}: public statement ({statement})"), put
            // together directly: a national run's doctrines make over a thousand statements,
            // and the spec's rendering goes through the command's JSON form.
            Command::PublicStatement { actor, statement } => {
                let what = statement.name();
                let mut out = String::with_capacity(actor.len() + 20 + what.len());
                out.push_str(actor);
                out.push_str(": public statement (");
                out.push_str(what);
                out.push(')');
                out
            }
            _ => self.kind().spec().render(self),
        }
    }
}

/// Why a command was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Rejection {
    /// No such team.
    #[error("there is no team `{team}`")]
    UnknownTeam {
        /// As given.
        team: String,
    },
    /// No such actor.
    #[error("there is no actor `{actor}`")]
    UnknownActor {
        /// As given.
        actor: String,
    },
    /// No such asset.
    #[error("there is no asset `{asset}`")]
    UnknownAsset {
        /// As given.
        asset: String,
    },
    /// No such jurisdiction.
    #[error("there is no local jurisdiction `{jurisdiction}`")]
    UnknownJurisdiction {
        /// As given.
        jurisdiction: String,
    },
    /// No such indicator.
    #[error("there is no indicator IND-{indicator:04}")]
    UnknownIndicator {
        /// As given.
        indicator: u32,
    },
    /// No such adversary.
    #[error("there is no adversary `{adversary}`")]
    UnknownAdversary {
        /// As given.
        adversary: String,
    },
    /// No such campaign.
    #[error("there is no campaign `{campaign}`")]
    UnknownCampaign {
        /// As given.
        campaign: String,
    },
    /// No such inject.
    #[error("there is no inject `{inject}`")]
    UnknownInject {
        /// As given.
        inject: String,
    },
    /// No such template.
    #[error("there is no inject template `{template}`")]
    UnknownTemplate {
        /// As given.
        template: String,
    },
    /// The team does not play this actor.
    #[error("team `{team}` does not play `{actor}`")]
    NotYourActor {
        /// Team.
        team: String,
        /// Actor.
        actor: String,
    },
    /// This kind of actor may not give this command.
    #[error("{actor} ({kind}) has no authority to {command}")]
    NoAuthority {
        /// Actor id.
        actor: String,
        /// Its kind.
        kind: String,
        /// The command.
        command: String,
    },
    /// Only the facilitator controls the exercise.
    #[error("only the facilitator may {command}")]
    FacilitatorOnly {
        /// The command.
        command: String,
    },
    /// The template belongs to the other cell.
    #[error("template `{template}` is for the {cell} cell")]
    WrongCell {
        /// Template.
        template: String,
        /// Its cell.
        cell: String,
    },
    /// The actor does not own the asset.
    #[error("{actor} does not own {asset}")]
    NotOwner {
        /// Actor.
        actor: String,
        /// Asset.
        asset: String,
    },
    /// The actor is not responsible for the jurisdiction.
    #[error("{actor} is not responsible for {jurisdiction}")]
    NotResponsible {
        /// Actor.
        actor: String,
        /// Jurisdiction.
        jurisdiction: String,
    },
    /// The actor does not hold the indicator.
    #[error("{actor} does not hold IND-{indicator:04}")]
    IndicatorNotHeld {
        /// Actor.
        actor: String,
        /// Indicator.
        indicator: u32,
    },
    /// The channel is not one this actor can send on.
    #[error("{actor} cannot send on {channel}")]
    WrongChannel {
        /// Actor.
        actor: String,
        /// Channel.
        channel: String,
    },
    /// The channel is switched off in this scenario.
    #[error("channel {channel} is not available in this scenario")]
    ChannelDisabled {
        /// Channel.
        channel: String,
    },
    /// Only EI-ISAC members may use this channel.
    #[error("{actor} is not an EI-ISAC member")]
    NotAMember {
        /// Actor.
        actor: String,
    },
    /// Already shared on this channel.
    #[error("{actor} has already shared IND-{indicator:04} on {channel}")]
    AlreadyShared {
        /// Actor.
        actor: String,
        /// Indicator.
        indicator: u32,
        /// Channel.
        channel: String,
    },
    /// Nothing to do.
    #[error("nothing to do: {what}")]
    AlreadyDone {
        /// What is already the case.
        what: String,
    },
    /// Not possible at this point of the exercise.
    #[error("not now: {why}")]
    NotNow {
        /// Why.
        why: String,
    },
    /// The inject already fired or was skipped.
    #[error("inject `{inject}` has already {state}")]
    InjectDone {
        /// Inject.
        inject: String,
        /// fired / been skipped.
        state: String,
    },
    /// An ad-hoc inject's effect is invalid.
    #[error("invalid inject: {problem}")]
    BadInject {
        /// What is wrong.
        problem: String,
    },
    /// The actor is now played by a team (a doctrine decision made before the team arrived).
    #[error("{actor} is now played by a team")]
    NowStaffed {
        /// Actor.
        actor: String,
    },
    /// The exercise has ended.
    #[error("the exercise has ended")]
    Ended,
}

/// Checks that an issuer may act for an actor (team membership and kind authority).
pub fn check_actor(reg: &Registry, issuer: &Issuer, command: &Command) -> Result<Option<ActorIx>, Rejection> {
    let kind = command.kind();
    if kind.is_control() {
        return match (issuer, command) {
            (Issuer::Facilitator, _) => Ok(None),
            (Issuer::Team(t), Command::InjectFromTemplate { template, .. }) => {
                let team = reg.team_by_id.get(t).ok_or_else(|| Rejection::UnknownTeam { team: t.clone() })?;
                let tpl = reg
                    .templates
                    .iter()
                    .find(|x| &x.id == template)
                    .ok_or_else(|| Rejection::UnknownTemplate { template: template.clone() })?;
                let role = reg.teams[team.ix()].role;
                if role == tpl.cell {
                    Ok(None)
                } else {
                    Err(Rejection::WrongCell {
                        template: template.clone(),
                        cell: match tpl.cell {
                            TeamRole::RedCell => "red".into(),
                            TeamRole::WhiteCell => "white".into(),
                            TeamRole::Player => "player".into(),
                        },
                    })
                }
            }
            _ => Err(Rejection::FacilitatorOnly { command: kind.name().replace('_', " ") }),
        };
    }
    let actor_id = command.actor().unwrap_or_default();
    let actor = *reg
        .actor_by_id
        .get(actor_id)
        .ok_or_else(|| Rejection::UnknownActor { actor: actor_id.to_string() })?;
    if let Issuer::Team(t) = issuer {
        let team = reg.team_by_id.get(t).ok_or_else(|| Rejection::UnknownTeam { team: t.clone() })?;
        if reg.actor(actor).team != Some(*team) {
            return Err(Rejection::NotYourActor { team: t.clone(), actor: actor_id.to_string() });
        }
    }
    let akind = reg.actor(actor).kind;
    if !kind.allowed_kinds().contains(&akind) {
        return Err(Rejection::NoAuthority {
            actor: actor_id.to_string(),
            kind: akind.label().to_string(),
            command: kind.name().replace('_', " "),
        });
    }
    Ok(Some(actor))
}

/// Which kinds of actor may send on a channel (victim notification has its own command).
pub fn channel_senders(c: Channel) -> &'static [ActorKind] {
    use ActorKind::*;
    match c {
        Channel::LocalToState | Channel::MemberToIsac => &[Local],
        Channel::StateToLocals | Channel::StateToIsac => &[StateOffice],
        Channel::IsacToMembers | Channel::IsacToDhs => &[EiIsac],
        Channel::DhsToIsac => &[Dhs],
        Channel::OdniToDhs => &[Odni],
        Channel::FbiToVictim => &[],
        Channel::ReportToFbi => &[Local, StateOffice, Vendor],
        Channel::VendorToCustomers => &[Vendor],
        Channel::PublicAdvisory => &[Dhs, Fbi],
    }
}

/// A command waiting in the queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submitted {
    /// Tick it applies at.
    pub tick: Tick,
    /// Who gave it.
    pub issuer: Issuer,
    /// Submission number (per issuer class).
    pub seq: u64,
    /// The command.
    pub command: Command,
}

/// A command once applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommandOutcome {
    /// Tick it was applied at.
    pub tick: Tick,
    /// Who gave it.
    pub issuer: Issuer,
    /// Submission number.
    pub seq: u64,
    /// The command.
    pub command: Command,
    /// Accepted, or why not.
    pub result: Result<(), Rejection>,
}
