//! The command table: one entry per command, the only place a command is declared. An entry
//! gives the [`Command`] variant (its doc comment, fields, field docs and serde attributes),
//! its [`CommandSpec`] (name, a few words on what it does, who may give it, each argument's
//! [`Arg`], its log line) and its parts (the field naming the acting actor and the field naming
//! what it acts on); `commands!` (`declare.rs`) makes [`Command`], [`CommandKind`],
//! [`SPECS`] and `Command::parts` from it. A command's effect is its arm in `apply`
//! (`systems/commands.rs`), which the compiler asks for; docs/architecture.md lists the steps.
//!
//! The order of the entries is the order of the kinds, of the palette and of docs/whatif.md's
//! command list.

use serde::{Deserialize, Serialize};

use super::Statement;
use super::spec::{Arg, CommandSpec, FieldSpec, Givers};
use crate::model::registry::ActorKind::{self, *};
use crate::scenario::schema::{Channel, Effect};

const OWNERS: &[ActorKind] = &[StateOffice, Local, Vendor];
const ELECTION_OFFICES: &[ActorKind] = &[StateOffice, Local];

commands! {
    /// Apply security patches to an asset (owner).
    Patch {
        name: "patch",
        doc: "apply security patches to an asset",
        givers: Givers::Actors(OWNERS),
        parts: (actor, asset),
        summary: "{actor}: patch {asset}",
        fields: {
            /// Acting actor.
            actor: String,
            /// Asset id.
            asset: String [OwnAsset],
        },
    },
    /// Enforce multi-factor authentication on an asset (owner).
    EnforceMfa {
        name: "enforce_mfa",
        doc: "enforce multi-factor authentication on an asset",
        givers: Givers::Actors(OWNERS),
        parts: (actor, asset),
        summary: "{actor}: enforce MFA on {asset}",
        fields: {
            /// Acting actor.
            actor: String,
            /// Asset id.
            asset: String [OwnAsset],
        },
    },
    /// Take an asset offline to contain an intrusion (owner); evicts intruders.
    Isolate {
        name: "isolate",
        doc: "take an asset offline to contain an intrusion",
        givers: Givers::Actors(OWNERS),
        parts: (actor, asset),
        summary: "{actor}: isolate {asset}",
        fields: {
            /// Acting actor.
            actor: String,
            /// Asset id.
            asset: String [OwnAsset],
        },
    },
    /// Restore an asset from backup (owner); evicts intruders and undoes altered data when backups are offline.
    Restore {
        name: "restore",
        doc: "restore an asset from backup",
        givers: Givers::Actors(OWNERS),
        parts: (actor, asset),
        summary: "{actor}: restore {asset} from backup",
        fields: {
            /// Acting actor.
            actor: String,
            /// Asset id.
            asset: String [OwnAsset],
        },
    },
    /// Switch a jurisdiction's check-in to paper pollbooks (the jurisdiction or its state).
    SwitchToPaper {
        name: "switch_to_paper",
        doc: "switch a jurisdiction to paper pollbooks",
        givers: Givers::Actors(ELECTION_OFFICES),
        parts: (actor, jurisdiction),
        summary: "{actor}: switch {jurisdiction} to paper pollbooks",
        fields: {
            /// Acting actor.
            actor: String,
            /// Local jurisdiction id.
            jurisdiction: String [Jurisdiction],
        },
    },
    /// Extend polling hours on Election Day (the jurisdiction or its state).
    ExtendHours {
        name: "extend_hours",
        doc: "extend polling hours on Election Day",
        givers: Givers::Actors(ELECTION_OFFICES),
        parts: (actor, jurisdiction),
        summary: "{actor}: extend polling hours in {jurisdiction} by {hours}h",
        fields: {
            /// Acting actor.
            actor: String,
            /// Local jurisdiction id.
            jurisdiction: String [Jurisdiction],
            /// Extra hours, 1 to 6.
            hours: u32 [Hours],
        },
    },
    /// Ask DHS/CISA for an on-site assessment team (owner).
    RequestOnsite {
        name: "request_onsite",
        doc: "ask DHS/CISA for an on-site assessment team",
        givers: Givers::Actors(OWNERS),
        parts: (actor, asset),
        summary: "{actor}: request a CISA on-site team for {asset}",
        fields: {
            /// Acting actor.
            actor: String,
            /// Asset id.
            asset: String [OwnAsset],
        },
    },
    /// Send an on-site assessment team (DHS).
    DeployOnsite {
        name: "deploy_onsite",
        doc: "send an on-site assessment team",
        givers: Givers::Actors(&[Dhs]),
        parts: (actor, asset),
        summary: "{actor}: deploy an on-site team to {asset}",
        fields: {
            /// Acting actor (dhs).
            actor: String,
            /// Asset id.
            asset: String [AnyAsset],
        },
    },
    /// Share an indicator the actor holds on a channel it may use.
    ShareIndicator {
        name: "share_indicator",
        doc: "share an indicator on a channel",
        givers: Givers::Actors(&[Dhs, Odni, Fbi, EiIsac, StateOffice, Local, Vendor]),
        parts: (actor, _),
        summary: "{actor}: share {indicator} on {channel}",
        fields: {
            /// Acting actor.
            actor: String,
            /// Indicator number.
            indicator: u32 [Indicator],
            /// Channel.
            channel: Channel [Channel],
        },
    },
    /// Notify a victim of an indicator (FBI); by policy also its chief state election official.
    NotifyVictim {
        name: "notify_victim",
        doc: "notify a victim of an indicator",
        givers: Givers::Actors(&[Fbi]),
        parts: (actor, victim),
        summary: "{actor}: notify {victim} of {indicator}",
        fields: {
            /// Acting actor (fbi).
            actor: String,
            /// Indicator number.
            indicator: u32 [Indicator],
            /// The victim's actor id.
            victim: String [Victim],
        },
    },
    /// Make a public statement.
    PublicStatement {
        name: "public_statement",
        doc: "make a public statement",
        givers: Givers::Actors(&[Dhs, Fbi, Odni, StateOffice, Local]),
        parts: (actor, statement),
        summary: "{actor}: public statement ({statement})",
        fields: {
            /// Acting actor.
            actor: String,
            /// What kind.
            statement: Statement [Statement],
        },
    },
    /// Open an investigation of the campaign behind an indicator (FBI).
    OpenInvestigation {
        name: "open_investigation",
        doc: "open an investigation of an indicator's campaign",
        givers: Givers::Actors(&[Fbi]),
        parts: (actor, _),
        summary: "{actor}: open an investigation of {indicator}",
        fields: {
            /// Acting actor (fbi).
            actor: String,
            /// Indicator number.
            indicator: u32 [Indicator],
        },
    },
    /// Publicly attribute activity to an adversary (ODNI, FBI or DHS).
    Attribute {
        name: "attribute",
        doc: "publicly attribute activity to an adversary",
        givers: Givers::Actors(&[Odni, Fbi, Dhs]),
        parts: (actor, adversary),
        summary: "{actor}: publicly attribute to {adversary}",
        fields: {
            /// Acting actor.
            actor: String,
            /// Adversary id.
            adversary: String [Adversary],
        },
    },
    /// Deliver the EO 13848 §1(a) assessment now (ODNI, after Election Day).
    DeliverAssessment {
        name: "deliver_assessment",
        doc: "deliver the EO 13848 assessment now",
        givers: Givers::Actors(&[Odni]),
        parts: (actor, _),
        summary: "{actor}: deliver the EO 13848 assessment",
        fields: {
            /// Acting actor (odni).
            actor: String,
        },
    },
    /// Deliver the EO 13848 §1(b) report now (DOJ or DHS, after the assessment).
    DeliverReport {
        name: "deliver_report",
        doc: "deliver the EO 13848 report now",
        givers: Givers::Actors(&[Doj, Dhs]),
        parts: (actor, _),
        summary: "{actor}: deliver the EO 13848 report",
        fields: {
            /// Acting actor.
            actor: String,
        },
    },
    /// Recommend sanctions against an adversary (State Department or Treasury).
    RecommendSanctions {
        name: "recommend_sanctions",
        doc: "recommend sanctions against an adversary",
        givers: Givers::Actors(&[StateDept, Treasury]),
        parts: (actor, adversary),
        summary: "{actor}: recommend sanctions on {adversary}",
        fields: {
            /// Acting actor.
            actor: String,
            /// Adversary id.
            adversary: String [Adversary],
        },
    },
    /// Impose sanctions on an adversary (Treasury).
    ImposeSanctions {
        name: "impose_sanctions",
        doc: "impose sanctions on an adversary",
        givers: Givers::Actors(&[Treasury]),
        parts: (actor, adversary),
        summary: "{actor}: impose sanctions on {adversary}",
        fields: {
            /// Acting actor (treasury).
            actor: String,
            /// Adversary id.
            adversary: String [Adversary],
        },
    },
    /// Launch one of the adversary's dormant campaigns (red cell).
    LaunchCampaign {
        name: "launch_campaign",
        doc: "launch one of the adversary's dormant campaigns",
        givers: Givers::Actors(&[Adversary]),
        parts: (actor, campaign),
        summary: "{actor}: launch campaign {campaign}",
        fields: {
            /// Acting actor (an adversary).
            actor: String,
            /// Campaign id.
            campaign: String [Campaign],
        },
    },
    /// Fire a scripted inject now (facilitator).
    FireInject {
        name: "fire_inject",
        doc: "fire a scripted inject now",
        givers: Givers::Control,
        parts: (_, inject),
        summary: "fire inject {inject}",
        fields: {
            /// Inject id.
            inject: String [Inject],
        },
    },
    /// Hold a scripted inject: it will not fire until released (facilitator).
    HoldInject {
        name: "hold_inject",
        doc: "hold a scripted inject until released",
        givers: Givers::Control,
        parts: (_, inject),
        summary: "hold inject {inject}",
        fields: {
            /// Inject id.
            inject: String [Inject],
        },
    },
    /// Release a held inject: it fires when due, or now if overdue (facilitator).
    ReleaseInject {
        name: "release_inject",
        doc: "release a held inject",
        givers: Givers::Control,
        parts: (_, inject),
        summary: "release inject {inject}",
        fields: {
            /// Inject id.
            inject: String [Inject],
        },
    },
    /// Skip a scripted inject: it does not fire unless unskipped (facilitator).
    SkipInject {
        name: "skip_inject",
        doc: "skip a scripted inject (until unskipped)",
        givers: Givers::Control,
        parts: (_, inject),
        summary: "skip inject {inject}",
        fields: {
            /// Inject id.
            inject: String [Inject],
        },
    },
    /// Fire an unscripted inject (facilitator).
    AdHocInject {
        name: "ad_hoc_inject",
        doc: "fire an unscripted inject",
        givers: Givers::Control,
        parts: (_, title),
        summary: "ad-hoc inject: {title}",
        fields: {
            /// Title.
            title: String [Title],
            /// What the players are told.
            #[serde(default)]
            description: String [Description, optional],
            /// Addressed teams.
            #[serde(default)]
            teams: Vec<String> [Teams, optional],
            /// Effects.
            #[serde(default)]
            effects: Vec<Effect> [Effects, optional],
        },
    },
    /// Fire an inject from a template, narrowed to a state or jurisdiction (red/white cell or facilitator).
    InjectFromTemplate {
        name: "inject_from_template",
        doc: "fire an inject from a template",
        givers: Givers::Control,
        parts: (_, template),
        summary: "inject from template {template}[ in {state}][ at {jurisdiction}]",
        fields: {
            /// Template id.
            template: String [Template],
            /// Narrow its targets to this state.
            #[serde(default)]
            state: Option<String> [State, optional],
            /// Narrow its targets to this jurisdiction.
            #[serde(default)]
            jurisdiction: Option<String> [AnyJurisdiction, optional],
        },
    },
    /// Mark a team as staffed (its actors stop following doctrine) or unstaffed (facilitator).
    SetStaffed {
        name: "set_staffed",
        doc: "mark a team as staffed or unstaffed",
        givers: Givers::Control,
        parts: (_, team),
        summary: "team {team} {staffed}",
        fields: {
            /// Team id.
            team: String [Team],
            /// Staffed or not.
            staffed: bool [Staffed],
        },
    },
    /// Take back the skip of a scripted inject: it fires when due, or now if overdue (facilitator).
    UnskipInject {
        name: "unskip_inject",
        doc: "take back the skip of a scripted inject",
        givers: Givers::Control,
        parts: (_, inject),
        summary: "unskip inject {inject}",
        fields: {
            /// Inject id.
            inject: String [Inject],
        },
    },
}
