//! The command table: one [`CommandSpec`] per command, the single place that says what a
//! command is called, what it does, who may give it, which arguments it takes and how it
//! reads in a log line.
//!
//! Authority checks ([`super::check_actor`]), names and summaries, the palette forms of both
//! consoles, the text form of `ttx whatif --add`, the command list of docs/whatif.md and the
//! control commands named in docs/protocol.md are all derived from [`SPECS`] (tests compare
//! the docs with it). [`CommandKind`] is derived from [`super::Command`]; the compiler checks
//! that the table has one entry per kind, in kind order. Adding a command means adding its
//! [`super::Command`] variant, one entry here, its line in `Command::parts` and its effect in
//! `systems/commands.rs` (docs/architecture.md lists the steps).

use serde_json::{Map, Value};
use strum::EnumCount;

use super::{Command, CommandKind};
use crate::model::registry::ActorKind;
use crate::scenario::schema::Channel;

/// Who may give a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Givers {
    /// An actor of one of these kinds (a team for the actors it plays; the facilitator for any).
    Actors(&'static [ActorKind]),
    /// Exercise control: the facilitator (and, for templates, the cell the template is for).
    Control,
}

/// What one argument of a command is, and so how it is chosen in a form and written in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// An asset the acting actor owns.
    OwnAsset,
    /// Any asset of the exercise.
    AnyAsset,
    /// A local jurisdiction the acting actor answers for.
    Jurisdiction,
    /// Extra polling hours, 1 to 6.
    Hours,
    /// An indicator the acting actor holds, by number.
    Indicator,
    /// A sharing channel the acting actor may send on.
    Channel,
    /// An actor to notify as a victim.
    Victim,
    /// A kind of public statement.
    Statement,
    /// An adversary.
    Adversary,
    /// One of the acting adversary's campaigns.
    Campaign,
    /// A scripted inject.
    Inject,
    /// An ad-hoc inject's title.
    Title,
    /// An ad-hoc inject's description.
    Description,
    /// The teams an ad-hoc inject is addressed to.
    Teams,
    /// An ad-hoc inject's effects.
    Effects,
    /// An inject template.
    Template,
    /// A state (postal code) to narrow a template to.
    State,
    /// Any local jurisdiction, to narrow a template to.
    AnyJurisdiction,
    /// A team.
    Team,
    /// Staffed or not.
    Staffed,
}

/// One argument of a command: its field name in the command's JSON, and what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field's name, as the journal writes it.
    pub name: &'static str,
    /// What it is.
    pub arg: Arg,
    /// May be left out.
    pub optional: bool,
}

/// One command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandSpec {
    /// Its kind.
    pub kind: CommandKind,
    /// Its name, as the journal writes it.
    pub name: &'static str,
    /// A few words on what it does.
    pub doc: &'static str,
    /// Who may give it.
    pub givers: Givers,
    /// Its arguments besides the acting actor, in the order the text form writes them.
    pub fields: &'static [FieldSpec],
    /// Its log line: `{field}` stands for a field's value (`{actor}` for the acting actor),
    /// and a part in `[...]` is written only when the fields it names are given.
    pub summary: &'static str,
}

const fn f(name: &'static str, arg: Arg) -> FieldSpec {
    FieldSpec { name, arg, optional: false }
}

const fn opt(name: &'static str, arg: Arg) -> FieldSpec {
    FieldSpec { name, arg, optional: true }
}

use ActorKind::*;

const OWNERS: &[ActorKind] = &[StateOffice, Local, Vendor];
const ELECTION_OFFICES: &[ActorKind] = &[StateOffice, Local];
const ASSET: &[FieldSpec] = &[f("asset", Arg::OwnAsset)];
const INJECT: &[FieldSpec] = &[f("inject", Arg::Inject)];
const ADVERSARY: &[FieldSpec] = &[f("adversary", Arg::Adversary)];

/// Every command, one per [`CommandKind`] in kind order (the compiler checks both).
pub const SPECS: &[CommandSpec; CommandKind::COUNT] = &[
    CommandSpec {
        kind: CommandKind::Patch,
        name: "patch",
        doc: "apply security patches to an asset",
        givers: Givers::Actors(OWNERS),
        fields: ASSET,
        summary: "{actor}: patch {asset}",
    },
    CommandSpec {
        kind: CommandKind::EnforceMfa,
        name: "enforce_mfa",
        doc: "enforce multi-factor authentication on an asset",
        givers: Givers::Actors(OWNERS),
        fields: ASSET,
        summary: "{actor}: enforce MFA on {asset}",
    },
    CommandSpec {
        kind: CommandKind::Isolate,
        name: "isolate",
        doc: "take an asset offline to contain an intrusion",
        givers: Givers::Actors(OWNERS),
        fields: ASSET,
        summary: "{actor}: isolate {asset}",
    },
    CommandSpec {
        kind: CommandKind::Restore,
        name: "restore",
        doc: "restore an asset from backup",
        givers: Givers::Actors(OWNERS),
        fields: ASSET,
        summary: "{actor}: restore {asset} from backup",
    },
    CommandSpec {
        kind: CommandKind::SwitchToPaper,
        name: "switch_to_paper",
        doc: "switch a jurisdiction to paper pollbooks",
        givers: Givers::Actors(ELECTION_OFFICES),
        fields: &[f("jurisdiction", Arg::Jurisdiction)],
        summary: "{actor}: switch {jurisdiction} to paper pollbooks",
    },
    CommandSpec {
        kind: CommandKind::ExtendHours,
        name: "extend_hours",
        doc: "extend polling hours on Election Day",
        givers: Givers::Actors(ELECTION_OFFICES),
        fields: &[f("jurisdiction", Arg::Jurisdiction), f("hours", Arg::Hours)],
        summary: "{actor}: extend polling hours in {jurisdiction} by {hours}h",
    },
    CommandSpec {
        kind: CommandKind::RequestOnsite,
        name: "request_onsite",
        doc: "ask DHS/CISA for an on-site assessment team",
        givers: Givers::Actors(OWNERS),
        fields: ASSET,
        summary: "{actor}: request a CISA on-site team for {asset}",
    },
    CommandSpec {
        kind: CommandKind::DeployOnsite,
        name: "deploy_onsite",
        doc: "send an on-site assessment team",
        givers: Givers::Actors(&[Dhs]),
        fields: &[f("asset", Arg::AnyAsset)],
        summary: "{actor}: deploy an on-site team to {asset}",
    },
    CommandSpec {
        kind: CommandKind::ShareIndicator,
        name: "share_indicator",
        doc: "share an indicator on a channel",
        givers: Givers::Actors(&[Dhs, Odni, Fbi, EiIsac, StateOffice, Local, Vendor]),
        fields: &[f("indicator", Arg::Indicator), f("channel", Arg::Channel)],
        summary: "{actor}: share {indicator} on {channel}",
    },
    CommandSpec {
        kind: CommandKind::NotifyVictim,
        name: "notify_victim",
        doc: "notify a victim of an indicator",
        givers: Givers::Actors(&[Fbi]),
        fields: &[f("indicator", Arg::Indicator), f("victim", Arg::Victim)],
        summary: "{actor}: notify {victim} of {indicator}",
    },
    CommandSpec {
        kind: CommandKind::PublicStatement,
        name: "public_statement",
        doc: "make a public statement",
        givers: Givers::Actors(&[Dhs, Fbi, Odni, StateOffice, Local]),
        fields: &[f("statement", Arg::Statement)],
        summary: "{actor}: public statement ({statement})",
    },
    CommandSpec {
        kind: CommandKind::OpenInvestigation,
        name: "open_investigation",
        doc: "open an investigation of an indicator's campaign",
        givers: Givers::Actors(&[Fbi]),
        fields: &[f("indicator", Arg::Indicator)],
        summary: "{actor}: open an investigation of {indicator}",
    },
    CommandSpec {
        kind: CommandKind::Attribute,
        name: "attribute",
        doc: "publicly attribute activity to an adversary",
        givers: Givers::Actors(&[Odni, Fbi, Dhs]),
        fields: ADVERSARY,
        summary: "{actor}: publicly attribute to {adversary}",
    },
    CommandSpec {
        kind: CommandKind::DeliverAssessment,
        name: "deliver_assessment",
        doc: "deliver the EO 13848 assessment now",
        givers: Givers::Actors(&[Odni]),
        fields: &[],
        summary: "{actor}: deliver the EO 13848 assessment",
    },
    CommandSpec {
        kind: CommandKind::DeliverReport,
        name: "deliver_report",
        doc: "deliver the EO 13848 report now",
        givers: Givers::Actors(&[Doj, Dhs]),
        fields: &[],
        summary: "{actor}: deliver the EO 13848 report",
    },
    CommandSpec {
        kind: CommandKind::RecommendSanctions,
        name: "recommend_sanctions",
        doc: "recommend sanctions against an adversary",
        givers: Givers::Actors(&[StateDept, Treasury]),
        fields: ADVERSARY,
        summary: "{actor}: recommend sanctions on {adversary}",
    },
    CommandSpec {
        kind: CommandKind::ImposeSanctions,
        name: "impose_sanctions",
        doc: "impose sanctions on an adversary",
        givers: Givers::Actors(&[Treasury]),
        fields: ADVERSARY,
        summary: "{actor}: impose sanctions on {adversary}",
    },
    CommandSpec {
        kind: CommandKind::LaunchCampaign,
        name: "launch_campaign",
        doc: "launch one of the adversary's dormant campaigns",
        givers: Givers::Actors(&[Adversary]),
        fields: &[f("campaign", Arg::Campaign)],
        summary: "{actor}: launch campaign {campaign}",
    },
    CommandSpec {
        kind: CommandKind::FireInject,
        name: "fire_inject",
        doc: "fire a scripted inject now",
        givers: Givers::Control,
        fields: INJECT,
        summary: "fire inject {inject}",
    },
    CommandSpec {
        kind: CommandKind::HoldInject,
        name: "hold_inject",
        doc: "hold a scripted inject until released",
        givers: Givers::Control,
        fields: INJECT,
        summary: "hold inject {inject}",
    },
    CommandSpec {
        kind: CommandKind::ReleaseInject,
        name: "release_inject",
        doc: "release a held inject",
        givers: Givers::Control,
        fields: INJECT,
        summary: "release inject {inject}",
    },
    CommandSpec {
        kind: CommandKind::SkipInject,
        name: "skip_inject",
        doc: "skip a scripted inject (until unskipped)",
        givers: Givers::Control,
        fields: INJECT,
        summary: "skip inject {inject}",
    },
    CommandSpec {
        kind: CommandKind::AdHocInject,
        name: "ad_hoc_inject",
        doc: "fire an unscripted inject",
        givers: Givers::Control,
        fields: &[
            f("title", Arg::Title),
            opt("description", Arg::Description),
            opt("teams", Arg::Teams),
            opt("effects", Arg::Effects),
        ],
        summary: "ad-hoc inject: {title}",
    },
    CommandSpec {
        kind: CommandKind::InjectFromTemplate,
        name: "inject_from_template",
        doc: "fire an inject from a template",
        givers: Givers::Control,
        fields: &[
            f("template", Arg::Template),
            opt("state", Arg::State),
            opt("jurisdiction", Arg::AnyJurisdiction),
        ],
        summary: "inject from template {template}[ in {state}][ at {jurisdiction}]",
    },
    CommandSpec {
        kind: CommandKind::SetStaffed,
        name: "set_staffed",
        doc: "mark a team as staffed or unstaffed",
        givers: Givers::Control,
        fields: &[f("team", Arg::Team), f("staffed", Arg::Staffed)],
        summary: "team {team} {staffed}",
    },
    CommandSpec {
        kind: CommandKind::UnskipInject,
        name: "unskip_inject",
        doc: "take back the skip of a scripted inject",
        givers: Givers::Control,
        fields: INJECT,
        summary: "unskip inject {inject}",
    },
];

// The table lists the kinds in declaration order, so that a kind's entry is `SPECS[kind as usize]`.
const _: () = {
    let mut i = 0;
    while i < SPECS.len() {
        assert!(SPECS[i].kind as usize == i, "SPECS must list the commands in CommandKind order");
        i += 1;
    }
};

/// Every kind, in table order.
pub const ALL_KINDS: [CommandKind; CommandKind::COUNT] = {
    let mut out = [CommandKind::Patch; SPECS.len()];
    let mut i = 0;
    while i < SPECS.len() {
        out[i] = SPECS[i].kind;
        i += 1;
    }
    out
};

impl CommandSpec {
    /// Whether it is an exercise-control command rather than an actor's action.
    pub fn is_control(&self) -> bool {
        self.givers == Givers::Control
    }

    /// Which kinds of actor may give it (none for exercise control).
    pub fn allowed_kinds(&self) -> &'static [ActorKind] {
        match self.givers {
            Givers::Actors(k) => k,
            Givers::Control => &[],
        }
    }

    /// Its arguments as the text form writes them after its name (`IND-nnnn CHANNEL`;
    /// optional ones in brackets; empty: none).
    pub fn usage(&self) -> String {
        self.fields
            .iter()
            .filter_map(|f| {
                let p = f.arg.placeholder()?;
                Some(if f.optional { format!("[{p}]") } else { p.to_string() })
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The command from its acting actor (for an actor's command) and argument values, as
    /// [`Arg::read`] gives them; a field left out takes its default.
    pub fn build(
        &self,
        actor: Option<&str>,
        values: Vec<(&'static str, Value)>,
    ) -> Result<Command, BuildError> {
        let mut map = Map::new();
        map.insert("type".into(), Value::String(self.name.into()));
        if let Givers::Actors(_) = self.givers {
            let actor = actor.ok_or(BuildError::NoActor(self.name))?;
            map.insert("actor".into(), Value::String(actor.into()));
        }
        for (name, v) in values {
            map.insert(name.into(), v);
        }
        serde_json::from_value(Value::Object(map))
            .map_err(|e| BuildError::Fields { command: self.name, reason: e.to_string() })
    }

    /// The command's log line (see [`CommandSpec::summary`]).
    pub fn render(&self, command: &Command) -> String {
        let Ok(Value::Object(values)) = serde_json::to_value(command) else { return self.name.to_string() };
        let value = |name: &str| -> Option<String> {
            let v = values.get(name).filter(|v| !v.is_null())?;
            let arg = self.fields.iter().find(|f| f.name == name).map(|f| f.arg);
            Some(match (arg, v) {
                (Some(a), v) => a.show(v),
                (None, Value::String(s)) => s.clone(),
                (None, v) => v.to_string(),
            })
        };
        let mut out = String::new();
        let mut rest = self.summary;
        while !rest.is_empty() {
            if let Some(part) = rest.strip_prefix('[')
                && let Some(end) = part.find(']')
            {
                let (inner, after) = part.split_at(end);
                if let Some(text) = fill(inner, &value) {
                    out.push_str(&text);
                }
                rest = &after[1..];
                continue;
            }
            let end = rest.find('[').filter(|i| *i > 0).unwrap_or(rest.len());
            let (plain, after) = rest.split_at(end);
            out.push_str(&fill(plain, &value).unwrap_or_default());
            rest = after;
        }
        out
    }
}

/// Fills `{name}` placeholders; None if one of them has no value.
fn fill(text: &str, value: &impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}')? + start;
        out.push_str(&value(&rest[start + 1..end])?);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

impl Arg {
    /// How the text form writes it (None: the text form leaves it out).
    pub fn placeholder(self) -> Option<&'static str> {
        Some(match self {
            Arg::OwnAsset | Arg::AnyAsset => "ASSET",
            Arg::Jurisdiction | Arg::AnyJurisdiction => "JURISDICTION",
            Arg::Hours => "HOURS",
            Arg::Indicator => "IND-nnnn",
            Arg::Channel => "CHANNEL",
            Arg::Victim => "VICTIM",
            Arg::Statement => "reassure|debunk",
            Arg::Adversary => "ADVERSARY",
            Arg::Campaign => "CAMPAIGN",
            Arg::Inject => "INJECT",
            Arg::Title => "TITLE...",
            Arg::Template => "TEMPLATE",
            Arg::State => "STATE",
            Arg::Team => "TEAM",
            Arg::Staffed => "yes|no",
            Arg::Description | Arg::Teams | Arg::Effects => return None,
        })
    }

    /// Reads one word of it (a channel by its name, an indicator as `IND-0003` or `3`,
    /// staffed as yes or no), as the command's JSON holds it.
    pub fn read(self, word: &str) -> Result<Value, ArgError> {
        match self {
            Arg::Hours => word.parse::<u32>().map(Value::from).map_err(|_| ArgError::Hours(word.to_string())),
            Arg::Indicator => read_indicator(word).map(Value::from),
            Arg::Channel => {
                let c = read_channel(word)?;
                serde_json::to_value(c).map_err(|e| ArgError::Encode(e.to_string()))
            }
            Arg::Statement => match word.to_lowercase().as_str() {
                s @ ("reassure" | "debunk") => Ok(Value::String(s.into())),
                other => Err(ArgError::Statement(other.to_string())),
            },
            Arg::Staffed => match word.to_lowercase().as_str() {
                "yes" | "true" | "on" => Ok(Value::Bool(true)),
                "no" | "false" | "off" => Ok(Value::Bool(false)),
                other => Err(ArgError::Staffed(other.to_string())),
            },
            _ => Ok(Value::String(word.to_string())),
        }
    }

    /// How a log line writes its value.
    fn show(self, v: &Value) -> String {
        match (self, v) {
            (Arg::Indicator, Value::Number(n)) => format!("IND-{:04}", n.as_u64().unwrap_or_default()),
            (Arg::Channel, v) => serde_json::from_value::<Channel>(v.clone())
                .map_or_else(|_| v.to_string(), |c| c.slug().into()),
            (Arg::Staffed, Value::Bool(b)) => if *b { "staffed" } else { "unstaffed" }.into(),
            (_, Value::String(s)) => s.clone(),
            (_, v) => v.to_string(),
        }
    }
}

/// Reads `IND-0003`, `ind-3` or `3`.
pub fn read_indicator(word: &str) -> Result<u32, ArgError> {
    let digits = word.strip_prefix("IND-").or_else(|| word.strip_prefix("ind-")).unwrap_or(word);
    digits.parse().map_err(|_| ArgError::Indicator(word.to_string()))
}

/// Reads a channel by its name (`state_to_isac`).
pub fn read_channel(word: &str) -> Result<Channel, ArgError> {
    Channel::ALL
        .iter()
        .copied()
        .find(|c| c.slug() == word.to_lowercase())
        .ok_or_else(|| ArgError::Channel(word.to_string()))
}

/// Why a word is not a value of its argument; each says what to write instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArgError {
    /// Not a whole number of hours.
    #[error("`{0}` is no number of hours")]
    Hours(String),
    /// Not an indicator number.
    #[error("`{0}` is no indicator; write one as IND-0003")]
    Indicator(String),
    /// Not a channel's name.
    #[error("`{0}` is no channel; the channels are {channels}", channels = channel_names())]
    Channel(String),
    /// Neither `reassure` nor `debunk`.
    #[error("`{0}` is no statement")]
    Statement(String),
    /// Neither yes nor no.
    #[error("`{0}` is neither yes nor no")]
    Staffed(String),
    /// The value read could not be written as the command's JSON (a fault of ttx, not of the
    /// word).
    #[error("{0}")]
    Encode(String),
}

/// The channels' names, comma-separated.
fn channel_names() -> String {
    Channel::ALL.iter().map(|c| c.slug()).collect::<Vec<_>>().join(", ")
}

/// Why a command could not be made from its actor and argument values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// An actor's command given without an acting actor.
    #[error("`{0}` needs an acting actor")]
    NoActor(&'static str),
    /// The values do not make the command (a field missing or of the wrong kind).
    #[error("`{command}`: {reason}")]
    Fields {
        /// The command's name.
        command: &'static str,
        /// What is missing or wrong, as the command's reader says.
        reason: String,
    },
}

/// The command list of docs/whatif.md, in Markdown: one row per command with its arguments,
/// who gives it and what it does.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| command | arguments | given by | what it does |\n| --- | --- | --- | --- |\n");
    for s in SPECS {
        let usage = s.usage();
        let args =
            if usage.is_empty() { "none".to_string() } else { format!("`{}`", usage.replace('|', "\\|")) };
        let by = match s.givers {
            Givers::Control if s.kind == CommandKind::InjectFromTemplate => {
                "the facilitator, or the cell the template is for".to_string()
            }
            Givers::Control => "the facilitator".to_string(),
            Givers::Actors(kinds) => kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join(", "),
        };
        out.push_str(&format!("| `{}` | {args} | {by} | {} |\n", s.name, s.doc));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_follows_the_kinds_and_their_journal_names() {
        for (i, s) in SPECS.iter().enumerate() {
            assert_eq!(s.kind as usize, i, "{} is out of place in SPECS", s.name);
            assert_eq!(serde_json::to_value(s.kind).ok(), Some(Value::String(s.name.into())));
        }
    }

    #[test]
    fn every_command_builds_from_words_and_reads_back() {
        for s in SPECS {
            let values = s
                .fields
                .iter()
                .filter(|f| !f.optional)
                .map(|f| {
                    let word = match f.arg {
                        Arg::Hours => "2",
                        Arg::Indicator => "IND-0003",
                        Arg::Channel => "state_to_isac",
                        Arg::Statement => "debunk",
                        Arg::Staffed => "yes",
                        _ => "x",
                    };
                    (f.name, f.arg.read(word).expect("a sample word reads"))
                })
                .collect();
            let c = s.build(Some("PA"), values).unwrap_or_else(|e| panic!("{}: {e}", s.name));
            assert_eq!(c.kind(), s.kind);
            assert!(!c.summary().contains('{'), "{}", c.summary());
        }
    }

    #[test]
    fn log_lines_read_as_before() {
        let cases = [
            (
                Command::ShareIndicator { actor: "PA".into(), indicator: 3, channel: Channel::StateToIsac },
                "PA: share IND-0003 on state_to_isac",
            ),
            (
                Command::ExtendHours { actor: "PA".into(), jurisdiction: "harbor".into(), hours: 2 },
                "PA: extend polling hours in harbor by 2h",
            ),
            (
                Command::PublicStatement { actor: "dhs".into(), statement: super::super::Statement::Debunk },
                "dhs: public statement (debunk)",
            ),
            (
                Command::InjectFromTemplate {
                    template: "t".into(),
                    state: Some("PA".into()),
                    jurisdiction: None,
                },
                "inject from template t in PA",
            ),
            (
                Command::InjectFromTemplate {
                    template: "t".into(),
                    state: Some("PA".into()),
                    jurisdiction: Some("harbor".into()),
                },
                "inject from template t in PA at harbor",
            ),
            (
                Command::InjectFromTemplate { template: "t".into(), state: None, jurisdiction: None },
                "inject from template t",
            ),
            (Command::SetStaffed { team: "wi".into(), staffed: false }, "team wi unstaffed"),
            (Command::DeliverReport { actor: "doj".into() }, "doj: deliver the EO 13848 report"),
            (
                Command::AdHocInject {
                    title: "Busy".into(),
                    description: "x".into(),
                    teams: vec![],
                    effects: vec![],
                },
                "ad-hoc inject: Busy",
            ),
        ];
        for (c, line) in cases {
            assert_eq!(c.summary(), line);
        }
    }

    #[test]
    fn a_statement_reads_as_its_spec_renders_it() {
        use super::super::Statement;
        for actor in ["dhs", "WI", "PA/harbor"] {
            for statement in [Statement::Reassure, Statement::Debunk] {
                let c = Command::PublicStatement { actor: actor.into(), statement };
                assert_eq!(c.summary(), c.kind().spec().render(&c));
            }
        }
    }
}
