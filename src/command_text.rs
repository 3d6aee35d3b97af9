//! Commands in words: `pa share IND-0003 state_to_isac`, `facilitator fire_inject INJ-1`.
//!
//! The text form is `WHO [ACTOR] VERB ARGUMENTS...`: who gives the command (a team id, or
//! `facilitator`), the actor it acts for (when left out: the team's first actor that may
//! give it, a state's team acting for its state office first), the command's name (`share_indicator`, or any unambiguous
//! beginning of it such as `share`) and its arguments in the order [`usage`] lists them.
//! An indicator is written `IND-0003` (or `3`), a channel by its name (`state_to_isac`).
//! `ttx whatif --add` reads commands this way.

use ttx_engine::Issuer;
use ttx_engine::command::spec::read_channel;
use ttx_engine::command::{Arg, Command, CommandKind, channel_senders};
use ttx_engine::model::registry::Registry;

/// Why a command in words was not understood; each message says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandTextError {
    /// Nothing was written.
    #[error("no command: write `TEAM [ACTOR] COMMAND ARGUMENTS`")]
    Empty,
    /// The issuer is no team and not `facilitator`.
    #[error("there is no team `{who}`; the teams are {teams} (or `facilitator`)")]
    NoTeam {
        /// As written.
        who: String,
        /// The scenario's team ids, comma-separated.
        teams: String,
    },
    /// The issuer is followed by no command.
    #[error("no command after `{who}`; the commands are:\n  {}", forms())]
    NoVerb {
        /// The issuer as written.
        who: String,
    },
    /// The verb names no command.
    #[error("`{verb}` is no command; the commands are:\n  {}", forms())]
    NoCommand {
        /// As written.
        verb: String,
    },
    /// The verb begins the names of several commands.
    #[error("`{verb}` could be {names}; write more of the name")]
    Ambiguous {
        /// As written.
        verb: String,
        /// The commands it could be, joined by ` or `.
        names: String,
    },
    /// The team has no actor that may give the command.
    #[error("no actor of team {team} may give `{command}`")]
    NoActor {
        /// The team.
        team: String,
        /// The command's name.
        command: &'static str,
    },
    /// The arguments are wrong; `form` is the command's text form.
    #[error("{why}; write `{who} {form}`")]
    Arguments {
        /// What is wrong.
        why: String,
        /// The issuer as written.
        who: String,
        /// The command's text form.
        form: String,
    },
}

/// A command's arguments after its name, as the text form writes them (empty: none), from
/// the command table.
pub fn usage(kind: CommandKind) -> String {
    kind.spec().usage()
}

/// Every command's text form, one a line: `share_indicator IND-nnnn CHANNEL`.
pub fn forms() -> String {
    CommandKind::ALL
        .iter()
        .map(|k| format!("{} {}", k.name(), usage(*k)).trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n  ")
}

/// The command a verb names: its full name or a beginning of it that names one command.
fn kind_of(verb: &str) -> Result<CommandKind, CommandTextError> {
    let v = verb.to_lowercase();
    if let Some(k) = CommandKind::ALL.iter().find(|k| k.name() == v) {
        return Ok(*k);
    }
    let hits: Vec<CommandKind> =
        CommandKind::ALL.iter().copied().filter(|k| k.name().starts_with(&v)).collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(CommandTextError::NoCommand { verb: verb.to_string() }),
        many => Err(CommandTextError::Ambiguous {
            verb: verb.to_string(),
            names: many.iter().map(|k| k.name()).collect::<Vec<_>>().join(" or "),
        }),
    }
}

/// Who gives a command: a team id, or `facilitator`.
pub fn issuer(reg: &Registry, who: &str) -> Result<Issuer, CommandTextError> {
    if who == "facilitator" {
        Ok(Issuer::Facilitator)
    } else if reg.team_by_id.contains_key(who) {
        Ok(Issuer::Team(who.to_string()))
    } else {
        let teams: Vec<&str> = reg.teams.iter().map(|t| t.id.as_str()).collect();
        Err(CommandTextError::NoTeam { who: who.to_string(), teams: teams.join(", ") })
    }
}

/// Reads a command in words (`WHO [ACTOR] VERB ARGUMENTS...`) for a scenario. Whether the
/// issuer may give it is not checked here: [`ttx_engine::Sim::check`] says.
pub fn parse(reg: &Registry, text: &str) -> Result<(Issuer, Command), CommandTextError> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some((&who, rest)) = words.split_first() else {
        return Err(CommandTextError::Empty);
    };
    let issuer = issuer(reg, who)?;
    // An actor named before the verb.
    let (named, rest) = match rest.split_first() {
        Some((w, r)) if reg.actor_by_id.contains_key(*w) => (Some(w.to_string()), r),
        _ => (None, rest),
    };
    let Some((&verb, args)) = rest.split_first() else {
        return Err(CommandTextError::NoVerb { who: who.to_string() });
    };
    let kind = kind_of(verb)?;
    let form = format!("{} {}", kind.name(), usage(kind)).trim_end().to_string();
    let usage = usage(kind);
    let wrong = |why: &str| CommandTextError::Arguments {
        why: why.to_string(),
        who: who.to_string(),
        form: form.clone(),
    };
    let expected = usage.split_whitespace().filter(|w| !w.starts_with('[')).count();
    let optional = usage.split_whitespace().filter(|w| w.starts_with('[')).count();
    if kind != CommandKind::AdHocInject && (args.len() < expected || args.len() > expected + optional) {
        return Err(wrong(&format!("`{}` takes {expected} argument(s), not {}", kind.name(), args.len())));
    }
    if kind == CommandKind::AdHocInject && args.is_empty() {
        return Err(wrong("an ad-hoc inject needs a title"));
    }
    // A share's channel narrows who may send it.
    let share_on = match kind {
        CommandKind::ShareIndicator => args.get(1).and_then(|w| read_channel(w).ok()),
        _ => None,
    };
    let actor = || -> Result<String, CommandTextError> {
        if let Some(a) = &named {
            return Ok(a.clone());
        }
        let Issuer::Team(t) = &issuer else {
            return Err(wrong(&format!(
                "the facilitator acts for no actor: name one, as in `{who} ACTOR {form}`"
            )));
        };
        let team = reg.team_by_id.get(t).map(|ix| &reg.teams[ix.ix()]);
        let able: Vec<&str> = team
            .map(|team| {
                team.actors
                    .iter()
                    .map(|a| reg.actor(*a))
                    .filter(|a| kind.allowed_kinds().contains(&a.kind))
                    .filter(|a| share_on.is_none_or(|c| channel_senders(c).contains(&a.kind)))
                    .map(|a| a.id.as_str())
                    .collect()
            })
            .unwrap_or_default();
        // Several may: the team's first (a state's team acts for its state office first).
        able.first()
            .map(|a| a.to_string())
            .ok_or_else(|| CommandTextError::NoActor { team: t.clone(), command: kind.name() })
    };
    let actor = if kind.is_control() { None } else { Some(actor()?) };
    // The arguments, in the table's order; the title of an ad-hoc inject is every word left.
    let mut values = Vec::new();
    let mut words = args.iter();
    for f in kind.spec().fields.iter().filter(|f| f.arg.placeholder().is_some()) {
        let value = if f.arg == Arg::Title {
            Some(words.by_ref().copied().collect::<Vec<_>>().join(" "))
        } else {
            words.next().map(|w| w.to_string())
        };
        if let Some(v) = value {
            values.push((f.name, f.arg.read(&v).map_err(|e| wrong(&e.to_string()))?));
        }
    }
    let command = kind.spec().build(actor.as_deref(), values).map_err(|e| wrong(&e.to_string()))?;
    Ok((issuer, command))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttx_engine::{Channel, builtin};

    fn reg() -> ttx_engine::Scenario {
        builtin::default_scenario().expect("the default scenario parses")
    }

    #[test]
    fn the_issue_s_example_reads_as_a_share() {
        let sc = reg();
        let (issuer, cmd) = parse(sc.registry(), "pa share IND-0003 state_to_isac").expect("it reads");
        assert_eq!(issuer, Issuer::Team("pa".into()));
        assert!(
            matches!(&cmd, Command::ShareIndicator { indicator: 3, channel: Channel::StateToIsac, actor } if actor == "PA"),
            "{cmd:?}"
        );
        let (_, cmd) = parse(sc.registry(), "pa share 3 local_to_state").expect("it reads");
        let Command::ShareIndicator { actor, .. } = &cmd else { panic!("{cmd:?}") };
        assert_ne!(actor, "PA", "a county reports to its state: {cmd:?}");
        let (issuer, cmd) = parse(sc.registry(), "facilitator set_staffed wi yes").expect("it reads");
        assert_eq!(issuer, Issuer::Facilitator);
        assert_eq!(cmd, Command::SetStaffed { team: "wi".into(), staffed: true });
    }

    #[test]
    fn words_that_name_nothing_say_what_to_write() {
        let sc = reg();
        let r = sc.registry();
        let e = parse(r, "zz share IND-0003 state_to_isac").unwrap_err().to_string();
        assert!(e.contains("no team `zz`") && e.contains("pa"), "{e}");
        let e = parse(r, "pa frobnicate").unwrap_err().to_string();
        assert!(e.contains("share_indicator IND-nnnn CHANNEL"), "{e}");
        let e = parse(r, "pa share IND-0003").unwrap_err().to_string();
        assert!(e.contains("write `pa share_indicator IND-nnnn CHANNEL`"), "{e}");
        let e = parse(r, "pa share IND-0003 carrier_pigeon").unwrap_err().to_string();
        assert!(e.contains("state_to_isac"), "{e}");
        let e = parse(r, "pa deliver").unwrap_err().to_string();
        assert!(e.contains("deliver_assessment or deliver_report"), "{e}");
    }

    #[test]
    fn a_skip_is_taken_back_in_words() {
        let sc = reg();
        let (issuer, cmd) = parse(sc.registry(), "facilitator unskip phish_wave").expect("it reads");
        assert_eq!(issuer, Issuer::Facilitator);
        assert_eq!(cmd, Command::UnskipInject { inject: "phish_wave".into() });
        let (_, cmd) = parse(sc.registry(), "facilitator inject_from_template t PA").expect("it reads");
        assert_eq!(
            cmd,
            Command::InjectFromTemplate {
                template: "t".into(),
                state: Some("PA".into()),
                jurisdiction: None
            }
        );
    }
}
