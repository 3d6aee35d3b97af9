//! What the command table says of a command: its [`CommandSpec`] (name, what it does, who may
//! give it, its arguments and their kinds, its log line), and what is derived from it.
//!
//! The entries themselves are in the command table (`table.rs`), which declares each command
//! once; [`SPECS`] is made from it. Authority checks ([`super::check_actor`]), names and
//! summaries, the palette forms of both consoles, the text form of `ttx whatif --add`, the
//! command list of docs/whatif.md and the control commands named in docs/protocol.md are all
//! derived from [`SPECS`] (tests compare the docs with it and can rewrite them).

use serde_json::{Map, Value};
use strum::EnumCount;

use super::{Command, CommandKind};
use crate::model::registry::ActorKind;
use crate::scenario::schema::Channel;

pub use super::table::SPECS;

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

    /// The command's log line (see [`CommandSpec::summary`]), written from the command's fields
    /// as [`Arg::show`] writes each value of its JSON form, without making that form.
    pub fn render(&self, command: &Command) -> String {
        let mut out = String::with_capacity(self.summary.len() + 32);
        let mut rest = self.summary;
        while !rest.is_empty() {
            if let Some(part) = rest.strip_prefix('[')
                && let Some(end) = find_byte(part, b']')
            {
                let (inner, after) = part.split_at(end);
                fill(inner, command, &mut out);
                rest = &after[1..];
                continue;
            }
            let end = find_byte(rest, b'[').filter(|i| *i > 0).unwrap_or(rest.len());
            let (plain, after) = rest.split_at(end);
            fill(plain, command, &mut out);
            rest = after;
        }
        out
    }
}

/// Where an ASCII byte first occurs in a text: a log line's template is short, and a plain
/// loop finds its brackets sooner than a general search.
fn find_byte(text: &str, byte: u8) -> Option<usize> {
    text.bytes().position(|b| b == byte)
}

/// Writes `text` with its `{name}` placeholders filled; nothing (and false) if one of them has
/// no value.
fn fill(text: &str, command: &Command, out: &mut String) -> bool {
    let start_len = out.len();
    let mut rest = text;
    while let Some(start) = find_byte(rest, b'{') {
        out.push_str(&rest[..start]);
        let Some(end) = find_byte(&rest[start..], b'}').map(|end| end + start) else {
            out.truncate(start_len);
            return false;
        };
        if !command.show_field(&rest[start + 1..end], out) {
            out.truncate(start_len);
            return false;
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    true
}

/// A field of a command as its log line writes it: what [`Arg::show`] gives for the field's
/// JSON value (the field's [`Arg`], or none for the acting actor), nothing for a field left
/// out (JSON `null`). Types with no shorter way go through their JSON value.
pub(crate) trait Show: serde::Serialize {
    /// Writes the value; false (writing nothing) if it is left out.
    fn show(&self, arg: Option<Arg>, out: &mut String) -> bool {
        show_json(self, arg, out)
    }
}

/// Writes a value as a log line writes its JSON form.
fn show_json<T: serde::Serialize + ?Sized>(value: &T, arg: Option<Arg>, out: &mut String) -> bool {
    let Ok(v) = serde_json::to_value(value) else { return false };
    if v.is_null() {
        return false;
    }
    match (arg, &v) {
        (Some(a), v) => out.push_str(&a.show(v)),
        (None, Value::String(s)) => out.push_str(s),
        (None, v) => out.push_str(&v.to_string()),
    }
    true
}

impl Show for String {
    fn show(&self, _: Option<Arg>, out: &mut String) -> bool {
        out.push_str(self);
        true
    }
}

impl Show for u32 {
    fn show(&self, arg: Option<Arg>, out: &mut String) -> bool {
        use std::fmt::Write;
        // A JSON number: an indicator as IND-nnnn, any other as its digits.
        let _ =
            if arg == Some(Arg::Indicator) { write!(out, "IND-{self:04}") } else { write!(out, "{self}") };
        true
    }
}

impl Show for bool {
    fn show(&self, arg: Option<Arg>, out: &mut String) -> bool {
        out.push_str(match (arg, self) {
            (Some(Arg::Staffed), true) => "staffed",
            (Some(Arg::Staffed), false) => "unstaffed",
            (_, true) => "true",
            (_, false) => "false",
        });
        true
    }
}

impl Show for Channel {
    fn show(&self, arg: Option<Arg>, out: &mut String) -> bool {
        match arg {
            Some(Arg::Channel) => {
                out.push_str(self.slug());
                true
            }
            _ => show_json(self, arg, out),
        }
    }
}

impl Show for super::Statement {
    fn show(&self, _: Option<Arg>, out: &mut String) -> bool {
        // Its JSON form is its name, a string shown as it is.
        out.push_str(self.name());
        true
    }
}

impl<T: Show> Show for Option<T> {
    fn show(&self, arg: Option<Arg>, out: &mut String) -> bool {
        self.as_ref().is_some_and(|v| v.show(arg, out))
    }
}

impl<T: serde::Serialize> Show for Vec<T> {}

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

    /// A log line as it was first written: from the command's JSON form.
    fn render_from_json(spec: &CommandSpec, command: &Command) -> String {
        let Ok(Value::Object(values)) = serde_json::to_value(command) else { return spec.name.to_string() };
        let value = |name: &str| -> Option<String> {
            let v = values.get(name).filter(|v| !v.is_null())?;
            let arg = spec.fields.iter().find(|f| f.name == name).map(|f| f.arg);
            Some(match (arg, v) {
                (Some(a), v) => a.show(v),
                (None, Value::String(s)) => s.clone(),
                (None, v) => v.to_string(),
            })
        };
        let fill = |text: &str| -> Option<String> {
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
        };
        let mut out = String::new();
        let mut rest = spec.summary;
        while !rest.is_empty() {
            if let Some(part) = rest.strip_prefix('[')
                && let Some(end) = part.find(']')
            {
                let (inner, after) = part.split_at(end);
                out.push_str(&fill(inner).unwrap_or_default());
                rest = &after[1..];
                continue;
            }
            let end = rest.find('[').filter(|i| *i > 0).unwrap_or(rest.len());
            let (plain, after) = rest.split_at(end);
            out.push_str(&fill(plain).unwrap_or_default());
            rest = after;
        }
        out
    }

    #[test]
    fn log_lines_are_those_of_the_json_form() {
        let words = |arg: Arg, n: usize| -> Value {
            match arg {
                Arg::Hours => Value::from(n as u32 + 1),
                Arg::Indicator => Value::from([3u32, 0, 12345][n % 3]),
                Arg::Channel => {
                    serde_json::to_value(Channel::ALL[n % Channel::ALL.len()]).unwrap_or_default()
                }
                Arg::Statement => Value::String(["reassure", "debunk"][n % 2].into()),
                Arg::Staffed => Value::Bool(n.is_multiple_of(2)),
                Arg::Teams => serde_json::json!(["red", "wi"]),
                Arg::Effects => serde_json::json!([]),
                _ => Value::String(["x", "PA/harbor", "ä b"][n % 3].into()),
            }
        };
        for s in SPECS {
            for n in 0..Channel::ALL.len() {
                // Optional fields given in every other case, each by its own turn.
                let values = s
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(i, f)| !f.optional || (n + i).is_multiple_of(2))
                    .map(|(_, f)| (f.name, words(f.arg, n)))
                    .collect();
                let c = s
                    .build(Some(["dhs", "WI", "PA/harbor"][n % 3]), values)
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(s.render(&c), render_from_json(s, &c), "{}", s.name);
                assert_eq!(c.summary(), render_from_json(s, &c), "{}", s.name);
            }
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
