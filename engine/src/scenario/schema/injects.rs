//! Scenario sections `injects` and `inject_templates`: scripted injects, how
//! they reach players, what they expect, when they fire (conditions) and what
//! they do (effects), and the templates the cells fill in during play.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::*;

/// A scripted inject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InjectSpec {
    /// Stable id.
    pub id: String,
    /// One-line title shown in the queue and the MSEL.
    pub title: String,
    /// What the players are told.
    #[serde(default)]
    pub description: String,
    /// The module it belongs to.
    #[serde(default)]
    pub module: Option<String>,
    /// When it fires.
    pub trigger: Trigger,
    /// Teams it is addressed to (they receive it in their inbox).
    #[serde(default)]
    pub teams: Vec<String>,
    /// What the exercise planners expect the players to do: free text, or a command pattern
    /// that ttx compares with the commands given (for the MSEL and the report's evaluation guide).
    #[serde(default)]
    pub expected_actions: Vec<ExpectedAction>,
    /// What it does to the simulation.
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// What some teams are told instead of `description` (team id to text); those teams receive
    /// the inject even when `teams` does not list them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub per_team: BTreeMap<String, String>,
    /// Text or Markdown files (paths relative to the scenario file) handed out with the inject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    /// A condition that cancels the inject for good if it holds before the inject fires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_if: Option<Condition>,
    /// The controller who delivers it (a name or role, for the MSEL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<String>,
    /// How the controller delivers it (for the MSEL).
    #[serde(default, skip_serializing_if = "Delivery::is_default")]
    #[schemars(extend("default" = "Simulation"))]
    pub delivery: Delivery,
}

/// How an inject reaches the players.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Delivery {
    /// By email.
    Email,
    /// By a telephone call.
    Phone,
    /// Posted on an exercise portal or shared drive.
    Portal,
    /// Read out or handed over in the room.
    InPerson,
    /// Through the simulation: the teams' consoles and inboxes.
    #[default]
    Simulation,
}

impl Delivery {
    /// Whether it is the default (left out when a spec is written back).
    pub fn is_default(&self) -> bool {
        *self == Delivery::Simulation
    }

    /// Human label.
    pub const fn label(self) -> &'static str {
        match self {
            Delivery::Email => "email",
            Delivery::Phone => "phone",
            Delivery::Portal => "portal",
            Delivery::InPerson => "in person",
            Delivery::Simulation => "simulation",
        }
    }
}

/// One expected action: free text (for the binder only), or a pattern of a command a team
/// should give, which the report scores against the commands actually given.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ExpectedAction {
    /// Free text, not scored.
    Text(String),
    /// A command pattern, scored.
    Command(ActionPattern),
}

impl ExpectedAction {
    /// The text shown for it (the pattern's own text, or a description of the pattern).
    pub fn text(&self) -> String {
        match self {
            ExpectedAction::Text(t) => t.clone(),
            ExpectedAction::Command(p) if !p.text.is_empty() => p.text.clone(),
            ExpectedAction::Command(p) => p.describe(),
        }
    }
}

impl<'de> Deserialize<'de> for ExpectedAction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ExpectedAction;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string, or (team: \"...\", command: ...) with optional target, channel, within_h, capability and text")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ExpectedAction::Text(v.to_string()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(ExpectedAction::Text(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                ActionPattern::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(ExpectedAction::Command)
            }
        }
        d.deserialize_any(V)
    }
}

/// A command a team is expected to give: of a kind, optionally naming a target, optionally
/// within some hours of the inject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionPattern {
    /// The team expected to act (its own commands, and the facilitator's for its actors, count).
    pub team: String,
    /// The kind of command, as the journal names it (`share_indicator`, `isolate`, ...).
    pub command: crate::command::CommandKind,
    /// What the command must name: an asset, jurisdiction, actor, adversary or campaign id
    /// (a shared indicator names its campaign; a statement names `reassure` or `debunk`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// For `share_indicator`: the channel it must go out on (e.g. `StateToIsac`); absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Hours after the inject fires within which it counts as on time (absent: any time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_h: Option<u32>,
    /// The core capability (a name in `evaluation.capabilities`) this action evaluates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability: Option<String>,
    /// What the planners expect, in words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

impl ActionPattern {
    /// The pattern in words, e.g. `pa: share_indicator naming phish via state_to_isac within 24 h`.
    pub fn describe(&self) -> String {
        let mut s = format!("{}: {}", self.team, self.command.name());
        if let Some(t) = &self.target {
            s.push_str(&format!(" naming {t}"));
        }
        if let Some(c) = self.channel {
            s.push_str(&format!(" via {}", c.slug()));
        }
        if let Some(h) = self.within_h {
            s.push_str(&format!(" within {h} h"));
        }
        s
    }
}

/// A pattern of commands a condition looks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandPattern {
    /// The team (its own commands, and the facilitator's for its actors, count).
    pub team: String,
    /// The kind of command, as the journal names it (`share_indicator`, `isolate`, ...).
    pub command: crate::command::CommandKind,
    /// What the command must name (see [`ActionPattern::target`]); absent: anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// An asset's state, for [`Condition::Asset`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AssetState {
    /// Up and running.
    Up,
    /// Offline or degraded.
    Down,
    /// Offline.
    Offline,
    /// Degraded.
    Degraded,
    /// An intruder holds a foothold in it (known or not).
    Compromised,
    /// A foothold in it has been detected.
    KnownCompromised,
}

/// When an inject fires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Trigger {
    /// At a fixed time.
    At(ETime),
    /// When a condition first holds, after a delay.
    When {
        /// The condition.
        condition: Condition,
        /// Hours after the condition first holds.
        #[serde(default)]
        delay_h: u32,
    },
    /// Only when the facilitator fires it.
    Manual,
}

/// A condition on the simulation's state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Condition {
    /// The campaign has started.
    CampaignStarted(String),
    /// Someone detected the campaign.
    CampaignDetected(String),
    /// The campaign gained its first foothold.
    CampaignSucceeded(String),
    /// An asset of this kind went offline or degraded.
    AssetDown(AssetKind),
    /// Public confidence fell below this level.
    ConfidenceBelow(f64),
    /// Another inject fired.
    InjectFired(String),
    /// A module began.
    ModuleStarted(String),
    /// A team gave a command of this kind (naming this target) that was carried out.
    Issued(CommandPattern),
    /// An actor (any of those selected) holds an indicator of the campaign.
    Holds {
        /// Who.
        actor: ActorSel,
        /// The campaign.
        campaign: String,
    },
    /// An asset (by id, e.g. `"PA/vr"`) is in this state.
    Asset(String, AssetState),
    /// A live metric (see docs/scenarios.md for those a condition reads) is above a value.
    MetricAbove(String, f64),
    /// A live metric is below a value.
    MetricBelow(String, f64),
    /// Every condition holds.
    All(Vec<Condition>),
    /// At least one condition holds.
    Any(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
    /// The clock is before this time.
    Before(ETime),
    /// The clock is at or after this time.
    After(ETime),
}

/// What an inject does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Effect {
    /// Start a dormant campaign now.
    StartCampaign(String),
    /// Stop a campaign: no new targets, no further actions.
    StopCampaign(String),
    /// Take selected assets down for some hours (power loss, evacuation, outage).
    Outage {
        /// Which assets.
        target: AssetSelector,
        /// How long.
        hours: u32,
        /// Offline, or degraded only.
        #[serde(default)]
        degraded_only: bool,
    },
    /// A campaign is found to already hold a foothold in the selected assets. A campaign that
    /// has not started starts then (as `StartCampaign`); a stopped one's footholds act no more.
    Compromise {
        /// The campaign.
        campaign: String,
        /// Which assets.
        target: AssetSelector,
    },
    /// A disinformation surge reaches the public.
    Disinformation {
        /// Confidence points it costs if unanswered.
        intensity: f64,
        /// What it claims.
        about: String,
    },
    /// Stolen material is published.
    Leak {
        /// Who stole it.
        adversary: String,
        /// Confidence points it costs before amplification.
        severity: f64,
        /// What was leaked.
        about: String,
    },
    /// Someone receives an indicator of a campaign (e.g. an FBI FLASH arrives).
    Notify {
        /// The campaign the indicator is about.
        campaign: String,
        /// Who sends it.
        from: ActorSel,
        /// Who receives it.
        to: Vec<ActorSel>,
    },
    /// A news item everyone sees.
    News(String),
    /// A message to the inject's teams only.
    Message(String),
    /// Public confidence moves by this many points.
    Confidence(f64),
    /// An actor publicly attributes the activity to an adversary (as the `attribute` command:
    /// the agencies pool what they hold, which adds EO 13848 evidence, and the adversary's open
    /// disinformation is answered).
    Attribute {
        /// Who attributes (one actor: `Odni`, `Fbi` or `Dhs`).
        by: ActorSel,
        /// The adversary named.
        adversary: String,
    },
    /// An actor makes a public statement (as the `public_statement` command).
    Statement {
        /// Who speaks (one actor).
        by: ActorSel,
        /// `reassure` or `debunk`.
        statement: crate::command::Statement,
    },
    /// Attribution evidence against an adversary reaches the intelligence community (EO 13848).
    Evidence {
        /// The adversary.
        adversary: String,
        /// How much (compare `eo13848.evidence_needed`).
        amount: f64,
    },
    /// The selected assets' security posture changes (the fields given).
    Posture {
        /// Which assets.
        target: AssetSelector,
        /// What changes.
        set: PosturePatch,
    },
}

/// A template the red or white cell fills in during play.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InjectTemplateSpec {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What the players are told.
    #[serde(default)]
    pub description: String,
    /// Which cell may use it.
    pub cell: TeamRole,
    /// Effects; asset selectors in them are narrowed to the state or jurisdiction the cell picks.
    pub effects: Vec<Effect>,
}
