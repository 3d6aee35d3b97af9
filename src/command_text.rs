//! Commands in words: `pa share IND-0003 state_to_isac`, `facilitator fire_inject INJ-1`.
//!
//! The text form is `WHO [ACTOR] VERB ARGUMENTS...`: who gives the command (a team id, or
//! `facilitator`), the actor it acts for (when left out: the team's first actor that may
//! give it, a state's team acting for its state office first), the command's name (`share_indicator`, or any unambiguous
//! beginning of it such as `share`) and its arguments in the order [`usage`] lists them.
//! An indicator is written `IND-0003` (or `3`), a channel by its name (`state_to_isac`).
//! `ttx whatif --add` reads commands this way.

use ttx_engine::command::{Command, CommandKind, Statement, channel_senders};
use ttx_engine::model::registry::Registry;
use ttx_engine::{Channel, Issuer};

/// A command's arguments after its name, as the text form writes them (empty: none).
pub fn usage(kind: CommandKind) -> &'static str {
    match kind {
        CommandKind::Patch
        | CommandKind::EnforceMfa
        | CommandKind::Isolate
        | CommandKind::Restore
        | CommandKind::RequestOnsite
        | CommandKind::DeployOnsite => "ASSET",
        CommandKind::SwitchToPaper => "JURISDICTION",
        CommandKind::ExtendHours => "JURISDICTION HOURS",
        CommandKind::ShareIndicator => "IND-nnnn CHANNEL",
        CommandKind::NotifyVictim => "IND-nnnn VICTIM",
        CommandKind::PublicStatement => "reassure|debunk",
        CommandKind::OpenInvestigation => "IND-nnnn",
        CommandKind::Attribute | CommandKind::RecommendSanctions | CommandKind::ImposeSanctions => {
            "ADVERSARY"
        }
        CommandKind::DeliverAssessment | CommandKind::DeliverReport => "",
        CommandKind::LaunchCampaign => "CAMPAIGN",
        CommandKind::FireInject
        | CommandKind::HoldInject
        | CommandKind::ReleaseInject
        | CommandKind::SkipInject => "INJECT",
        CommandKind::AdHocInject => "TITLE...",
        CommandKind::InjectFromTemplate => "TEMPLATE [STATE] [JURISDICTION]",
        CommandKind::SetStaffed => "TEAM yes|no",
    }
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
fn kind_of(verb: &str) -> Result<CommandKind, String> {
    let v = verb.to_lowercase();
    if let Some(k) = CommandKind::ALL.iter().find(|k| k.name() == v) {
        return Ok(*k);
    }
    let hits: Vec<CommandKind> =
        CommandKind::ALL.iter().copied().filter(|k| k.name().starts_with(&v)).collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!("`{verb}` is no command; the commands are:\n  {}", forms())),
        many => Err(format!(
            "`{verb}` could be {}; write more of the name",
            many.iter().map(|k| k.name()).collect::<Vec<_>>().join(" or ")
        )),
    }
}

/// Reads `IND-0003`, `ind-3` or `3`.
fn indicator(word: &str) -> Result<u32, String> {
    let digits = word.strip_prefix("IND-").or_else(|| word.strip_prefix("ind-")).unwrap_or(word);
    digits.parse().map_err(|_| format!("`{word}` is no indicator; write one as IND-0003"))
}

fn channel(word: &str) -> Result<Channel, String> {
    Channel::ALL.iter().copied().find(|c| c.slug() == word.to_lowercase()).ok_or_else(|| {
        format!(
            "`{word}` is no channel; the channels are {}",
            Channel::ALL.iter().map(|c| c.slug()).collect::<Vec<_>>().join(", ")
        )
    })
}

/// Who gives a command: a team id, or `facilitator`.
pub fn issuer(reg: &Registry, who: &str) -> Result<Issuer, String> {
    if who == "facilitator" {
        Ok(Issuer::Facilitator)
    } else if reg.team_by_id.contains_key(who) {
        Ok(Issuer::Team(who.to_string()))
    } else {
        let teams: Vec<&str> = reg.teams.iter().map(|t| t.id.as_str()).collect();
        Err(format!("there is no team `{who}`; the teams are {} (or `facilitator`)", teams.join(", ")))
    }
}

/// Reads a command in words (`WHO [ACTOR] VERB ARGUMENTS...`) for a scenario. Whether the
/// issuer may give it is not checked here: [`ttx_engine::Sim::check`] says.
pub fn parse(reg: &Registry, text: &str) -> Result<(Issuer, Command), String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some((&who, rest)) = words.split_first() else {
        return Err("no command: write `TEAM [ACTOR] COMMAND ARGUMENTS`".into());
    };
    let issuer = issuer(reg, who)?;
    // An actor named before the verb.
    let (named, rest) = match rest.split_first() {
        Some((w, r)) if reg.actor_by_id.contains_key(*w) => (Some(w.to_string()), r),
        _ => (None, rest),
    };
    let Some((&verb, args)) = rest.split_first() else {
        return Err(format!("no command after `{who}`; the commands are:\n  {}", forms()));
    };
    let kind = kind_of(verb)?;
    let form = format!("{} {}", kind.name(), usage(kind)).trim_end().to_string();
    let wrong = |why: &str| format!("{why}; write `{who} {form}`");
    let expected = usage(kind).split_whitespace().filter(|w| !w.starts_with('[')).count();
    let optional = usage(kind).split_whitespace().filter(|w| w.starts_with('[')).count();
    if kind != CommandKind::AdHocInject && (args.len() < expected || args.len() > expected + optional) {
        return Err(wrong(&format!("`{}` takes {expected} argument(s), not {}", kind.name(), args.len())));
    }
    if kind == CommandKind::AdHocInject && args.is_empty() {
        return Err(wrong("an ad-hoc inject needs a title"));
    }
    // A share's channel narrows who may send it.
    let share_on = match kind {
        CommandKind::ShareIndicator => args.get(1).and_then(|w| channel(w).ok()),
        _ => None,
    };
    let actor = || -> Result<String, String> {
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
            .ok_or_else(|| format!("no actor of team {t} may give `{}`", kind.name()))
    };
    let arg = |i: usize| args.get(i).map(|s| s.to_string()).unwrap_or_default();
    let command = match kind {
        CommandKind::Patch => Command::Patch { actor: actor()?, asset: arg(0) },
        CommandKind::EnforceMfa => Command::EnforceMfa { actor: actor()?, asset: arg(0) },
        CommandKind::Isolate => Command::Isolate { actor: actor()?, asset: arg(0) },
        CommandKind::Restore => Command::Restore { actor: actor()?, asset: arg(0) },
        CommandKind::RequestOnsite => Command::RequestOnsite { actor: actor()?, asset: arg(0) },
        CommandKind::DeployOnsite => Command::DeployOnsite { actor: actor()?, asset: arg(0) },
        CommandKind::SwitchToPaper => Command::SwitchToPaper { actor: actor()?, jurisdiction: arg(0) },
        CommandKind::ExtendHours => Command::ExtendHours {
            actor: actor()?,
            jurisdiction: arg(0),
            hours: arg(1).parse().map_err(|_| wrong(&format!("`{}` is no number of hours", arg(1))))?,
        },
        CommandKind::ShareIndicator => Command::ShareIndicator {
            actor: actor()?,
            indicator: indicator(&arg(0)).map_err(|e| wrong(&e))?,
            channel: channel(&arg(1)).map_err(|e| wrong(&e))?,
        },
        CommandKind::NotifyVictim => Command::NotifyVictim {
            actor: actor()?,
            indicator: indicator(&arg(0)).map_err(|e| wrong(&e))?,
            victim: arg(1),
        },
        CommandKind::PublicStatement => Command::PublicStatement {
            actor: actor()?,
            statement: match arg(0).to_lowercase().as_str() {
                "reassure" => Statement::Reassure,
                "debunk" => Statement::Debunk,
                other => return Err(wrong(&format!("`{other}` is no statement"))),
            },
        },
        CommandKind::OpenInvestigation => Command::OpenInvestigation {
            actor: actor()?,
            indicator: indicator(&arg(0)).map_err(|e| wrong(&e))?,
        },
        CommandKind::Attribute => Command::Attribute { actor: actor()?, adversary: arg(0) },
        CommandKind::DeliverAssessment => Command::DeliverAssessment { actor: actor()? },
        CommandKind::DeliverReport => Command::DeliverReport { actor: actor()? },
        CommandKind::RecommendSanctions => Command::RecommendSanctions { actor: actor()?, adversary: arg(0) },
        CommandKind::ImposeSanctions => Command::ImposeSanctions { actor: actor()?, adversary: arg(0) },
        CommandKind::LaunchCampaign => Command::LaunchCampaign { actor: actor()?, campaign: arg(0) },
        CommandKind::FireInject => Command::FireInject { inject: arg(0) },
        CommandKind::HoldInject => Command::HoldInject { inject: arg(0) },
        CommandKind::ReleaseInject => Command::ReleaseInject { inject: arg(0) },
        CommandKind::SkipInject => Command::SkipInject { inject: arg(0) },
        CommandKind::AdHocInject => Command::AdHocInject {
            title: args.join(" "),
            description: String::new(),
            teams: Vec::new(),
            effects: Vec::new(),
        },
        CommandKind::InjectFromTemplate => Command::InjectFromTemplate {
            template: arg(0),
            state: args.get(1).map(|s| s.to_string()),
            jurisdiction: args.get(2).map(|s| s.to_string()),
        },
        CommandKind::SetStaffed => Command::SetStaffed {
            team: arg(0),
            staffed: match arg(1).to_lowercase().as_str() {
                "yes" | "true" | "on" => true,
                "no" | "false" | "off" => false,
                other => return Err(wrong(&format!("`{other}` is neither yes nor no"))),
            },
        },
    };
    Ok((issuer, command))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttx_engine::builtin;

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
        let e = parse(r, "zz share IND-0003 state_to_isac").unwrap_err();
        assert!(e.contains("no team `zz`") && e.contains("pa"), "{e}");
        let e = parse(r, "pa frobnicate").unwrap_err();
        assert!(e.contains("share_indicator IND-nnnn CHANNEL"), "{e}");
        let e = parse(r, "pa share IND-0003").unwrap_err();
        assert!(e.contains("write `pa share_indicator IND-nnnn CHANNEL`"), "{e}");
        let e = parse(r, "pa share IND-0003 carrier_pigeon").unwrap_err();
        assert!(e.contains("state_to_isac"), "{e}");
        let e = parse(r, "pa deliver").unwrap_err();
        assert!(e.contains("deliver_assessment or deliver_report"), "{e}");
    }
}
