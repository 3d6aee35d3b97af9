//! Commands: every player action, doctrine decision and inject control.
//!
//! Players, injects and doctrines change the simulation only through
//! [`Command`]s, applied at tick boundaries in canonical order (tick, then
//! issuer: facilitator, teams in scenario order, doctrines; then submission
//! order). A command the issuer may not give, or that names something that
//! does not exist, is rejected with a typed [`Rejection`]; nothing panics.
//!
//! Each command is declared once, in the command table (`table.rs`): its variant, its
//! [`CommandSpec`] and the fields naming its acting actor and its target; `commands!`
//! (`declare.rs`) makes [`Command`], [`CommandKind`], [`spec::SPECS`] and `Command::parts`
//! from it. Its effect is its arm in `apply` (`systems/commands.rs`), which the compiler asks
//! for. docs/architecture.md ("To add a command") lists the steps.

use serde::{Deserialize, Serialize};

use crate::model::registry::{ActorIx, ActorKind, Registry};
use crate::scenario::schema::{Channel, TeamRole};
use crate::time::Tick;

#[macro_use]
mod declare;
pub mod spec;
mod table;

pub use spec::{Arg, CommandSpec, FieldSpec, Givers};
pub use table::{Command, CommandKind};

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

/// A field a command can name as its target (see [`Command::target`]).
pub(crate) trait Target {
    /// The field's value as the target's text.
    fn target_str(&self) -> &str;
}

impl Target for String {
    fn target_str(&self) -> &str {
        self
    }
}

impl Target for Statement {
    fn target_str(&self) -> &str {
        self.name()
    }
}

impl CommandKind {
    /// Every kind, in the order of the command table ([`spec::SPECS`]).
    pub const ALL: [CommandKind; spec::SPECS.len()] = spec::ALL_KINDS;

    /// The command's entry in the table.
    pub fn spec(self) -> &'static CommandSpec {
        // `commands!` makes the kinds and the table from the same entries, in the same order.
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

    /// A one-line description for logs and consoles (see [`CommandSpec::summary`]).
    pub fn summary(&self) -> String {
        match self {
            // The same line as the spec's ("{actor}: public statement ({statement})"), put
            // together directly: a national run's doctrines make over a thousand statements,
            // and the spec's rendering reads its template and fields by name.
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
    let actor = command.actor().and_then(|id| reg.actor_by_id.get(id).copied());
    check_actor_found(reg, issuer, command, actor)
}

/// [`check_actor`], given what the command's acting actor id names in the registry (`None`: no
/// actor of that id, or a command with no acting actor), for a caller that already knows it.
pub fn check_actor_found(
    reg: &Registry,
    issuer: &Issuer,
    command: &Command,
    actor: Option<ActorIx>,
) -> Result<Option<ActorIx>, Rejection> {
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
    let actor = actor.ok_or_else(|| Rejection::UnknownActor { actor: actor_id.to_string() })?;
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
