//! Scripted response policies: `ttx run --commands FILE` and `ttx batch --commands FILE`.
//!
//! A policy is a RON or JSON file (by its extension: `.json` is JSON, anything else RON)
//! of team commands that every run applies: commands at fixed times, and rules that react
//! to what happens (share every indicator within N hours of holding it, respond to a
//! detected intrusion within N hours). The teams it names in `staff` are staffed from the
//! start, so their actors follow the policy instead of their doctrine. docs/batch.md
//! describes the format; examples/policies/ holds examples.
//!
//! Applying a policy is deterministic: the rules react to the run's own events in the
//! order they happened, so the same scenario, seed and policy give the same run, whatever
//! thread runs it.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use ttx_engine::command::{Command, Issuer};
use ttx_engine::events::EventKind;
use ttx_engine::scenario::schema::Channel;
use ttx_engine::time::{ETime, Tick};
use ttx_engine::{Scenario, Sim, SimOptions};

/// Why a policy file was refused: where, and what to write instead.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("--commands {}: cannot read it: {source}", path.display())]
    Unreadable {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A problem at a line and column of the file.
    #[error("{file}:{line}:{col}: {what}")]
    At {
        /// The file as named.
        file: String,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        col: usize,
        /// What is wrong and what to write instead.
        what: String,
    },
    /// A problem of a rule as a whole.
    #[error("{file}: {what}")]
    Rule {
        /// The file as named.
        file: String,
        /// What is wrong and what to write instead.
        what: String,
    },
}

/// A policy file as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// What to call it.
    #[serde(default)]
    pub name: String,
    /// Teams staffed from the start: their actors follow no doctrine, only this policy.
    #[serde(default)]
    pub staff: Vec<String>,
    /// The rules, applied in every run.
    pub rules: Vec<Rule>,
}

/// Which indicators a sharing rule shares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum Source {
    /// Those the actor detected itself (or that its own intelligence found).
    #[default]
    Detected,
    /// Those it received from someone else.
    Received,
    /// Every indicator it comes to hold.
    Any,
}

/// A response to a detected intrusion on one's own asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Response {
    /// Take the asset offline (evicts the intruder).
    Isolate,
    /// Restore it from backup.
    Restore,
    /// Patch it.
    Patch,
    /// Ask DHS/CISA for an on-site team.
    RequestOnsite,
}

/// One rule of a policy.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Rule {
    /// A team gives a command at a fixed time (`E-30d 09:00`).
    At {
        /// When, on the scenario's clock.
        time: String,
        /// The team giving it.
        team: String,
        /// The command, as a journal writes it (`(type: "patch", actor: "...", asset: "...")`).
        command: Command,
    },
    /// Every actor of these teams shares every indicator it comes to hold (of `source`) on
    /// each of `channels` it may send on (all of them when none are listed), `within_h`
    /// hours after it arrived.
    Share {
        /// The teams whose actors share.
        teams: Vec<String>,
        /// Which indicators.
        #[serde(default)]
        source: Source,
        /// The channels; every channel the actor may send on when omitted.
        #[serde(default)]
        channels: Option<Vec<Channel>>,
        /// Hours from holding the indicator to sharing it (0: the next hour).
        within_h: u32,
    },
    /// Every actor of these teams responds to an intruder detected inside an asset it owns,
    /// `within_h` hours after the detection, once per asset and response.
    Respond {
        /// The teams whose actors respond.
        teams: Vec<String>,
        /// What they do.
        action: Response,
        /// Hours from detection to the response.
        within_h: u32,
    },
}

/// A checked policy, ready to apply to runs of one scenario.
#[derive(Clone, Debug)]
pub struct Policy {
    /// What to call it.
    pub name: String,
    /// The file as given.
    pub file: String,
    /// The file's text.
    pub text: String,
    /// Teams staffed from the start.
    pub staff: Vec<String>,
    timed: Vec<(Tick, Issuer, Command)>,
    shares: Vec<ShareRule>,
    responses: Vec<RespondRule>,
}

#[derive(Clone, Debug)]
struct ShareRule {
    teams: Vec<bool>,
    source: Source,
    channels: Option<Vec<Channel>>,
    within_h: u32,
}

#[derive(Clone, Debug)]
struct RespondRule {
    teams: Vec<bool>,
    action: Response,
    within_h: u32,
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Where a quoted word first appears in the text (for an error about it), else 1:1.
fn place_of(text: &str, word: &str) -> (usize, usize) {
    text.find(&format!("\"{word}\"")).map_or((1, 1), |i| line_col(text, i))
}

impl Policy {
    /// Reads and checks a policy file against a scenario. The error reads
    /// `FILE:LINE:COL: what is wrong; what to write instead`.
    pub fn load(path: &Path, scenario: &Scenario) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| PolicyError::Unreadable { path: path.to_path_buf(), source: e })?;
        Policy::parse(&path.display().to_string(), &text, scenario)
    }

    /// [`Policy::load`] from text; `file` names it in errors (a `.json` name reads JSON).
    pub fn parse(file: &str, text: &str, scenario: &Scenario) -> Result<Policy, PolicyError> {
        let at = |line: usize, col: usize, what: String| PolicyError::At {
            file: file.to_string(),
            line,
            col,
            what,
        };
        let whole_rule = |what: String| PolicyError::Rule { file: file.to_string(), what };
        let help = "a policy is (name: \"...\", staff: [\"team\", ...], rules: [Share(teams: [...], within_h: 2), At(time: \"E-30d 09:00\", team: \"...\", command: (type: \"patch\", actor: \"...\", asset: \"...\")), Respond(teams: [...], action: Isolate, within_h: 4)]); see docs/batch.md";
        let spec: PolicyFile = if file.to_ascii_lowercase().ends_with(".json") {
            serde_json::from_str(text).map_err(|e| at(e.line(), e.column(), format!("{e}; {help}")))?
        } else {
            ron::Options::default()
                .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
                .from_str(text)
                .map_err(|e: ron::error::SpannedError| {
                    at(e.span.start.line, e.span.start.col, format!("{}; {help}", e.code))
                })?
        };
        let reg = scenario.registry();
        let team_ids: Vec<&str> = reg.teams.iter().map(|t| t.id.as_str()).collect();
        let unknown_team = |t: &str| {
            let (l, c) = place_of(text, t);
            at(l, c, format!("the scenario has no team `{t}`; write one of: {}", team_ids.join(", ")))
        };
        let team_set = |teams: &[String]| -> Result<Vec<bool>, PolicyError> {
            let mut set = vec![false; team_ids.len()];
            if teams.is_empty() {
                return Err(whole_rule("a rule's `teams` is empty; name at least one team".into()));
            }
            for t in teams {
                let i = team_ids.iter().position(|x| x == t).ok_or_else(|| unknown_team(t))?;
                set[i] = true;
            }
            Ok(set)
        };
        for t in &spec.staff {
            if !team_ids.contains(&t.as_str()) {
                return Err(unknown_team(t));
            }
        }
        let probe = Sim::new(scenario, 0);
        let mut timed = Vec::new();
        let (mut shares, mut responses) = (Vec::new(), Vec::new());
        for rule in spec.rules {
            match rule {
                Rule::At { time, team, command } => {
                    if !team_ids.contains(&team.as_str()) {
                        return Err(unknown_team(&team));
                    }
                    let (l, c) = place_of(text, &time);
                    let t = ETime::parse(&time).map_err(|e| at(l, c, e.to_string()))?;
                    let tick = reg.clock.tick_of(t).ok_or_else(|| {
                        at(
                            l,
                            c,
                            format!(
                                "{t} is outside the scenario's clock ({} to {}); give a time inside it",
                                reg.clock.start, reg.clock.end
                            ),
                        )
                    })?;
                    let issuer = Issuer::Team(team.clone());
                    probe.check(&issuer, &command).map_err(|e| {
                        let (l, c) = command.actor().map_or((l, c), |a| place_of(text, a));
                        at(l, c, format!("team {team} cannot give `{}`: {e}", command.summary()))
                    })?;
                    timed.push((tick, issuer, command));
                }
                Rule::Share { teams, source, channels, within_h } => {
                    if channels.as_ref().is_some_and(Vec::is_empty) {
                        return Err(whole_rule(
                            "a Share rule lists no channels; leave `channels` out to share on every channel the actor may use".into(),
                        ));
                    }
                    shares.push(ShareRule { teams: team_set(&teams)?, source, channels, within_h });
                }
                Rule::Respond { teams, action, within_h } => {
                    responses.push(RespondRule { teams: team_set(&teams)?, action, within_h });
                }
            }
        }
        Ok(Policy {
            name: spec.name,
            file: file.to_string(),
            text: text.to_string(),
            staff: spec.staff,
            timed,
            shares,
            responses,
        })
    }

    /// The options a run under this policy starts with.
    pub fn sim_options(&self) -> SimOptions {
        SimOptions { staffed: self.staff.clone(), ..SimOptions::default() }
    }

    /// A new run of `scenario` under this policy.
    pub fn new_sim(&self, scenario: &Scenario, seed: u64) -> Sim {
        Sim::with_options(scenario, seed, self.sim_options())
    }

    /// Runs `sim` (new or just reset, at tick 0) under this policy up to and including
    /// `target`.
    pub fn run_until(&self, sim: &mut Sim, target: Tick) {
        for (t, issuer, cmd) in &self.timed {
            // A time past the end of the clock never comes: nothing to do.
            let _ = sim.submit_at(*t, issuer.clone(), cmd.clone());
        }
        let target = target.min(sim.last_tick());
        let mut seen = 0;
        let mut shared: BTreeSet<(u32, u32, Channel)> = BTreeSet::new();
        let mut responded: BTreeSet<(u32, u32, u8)> = BTreeSet::new();
        let mut orders: Vec<(Tick, Issuer, Command)> = Vec::new();
        while sim.now() <= target {
            let now = sim.now();
            sim.run_until(now);
            let reg = sim.registry();
            let team_of = |a: ttx_engine::model::registry::ActorIx| reg.actor(a).team.map(|t| t.ix());
            for ev in &sim.events()[seen..] {
                // (actor, indicator, detected by the actor itself)
                let held = match &ev.kind {
                    EventKind::Detected { detector, indicator: Some(i), .. } => Some((*detector, *i, true)),
                    EventKind::IntelGained { indicator, .. } => reg
                        .actors
                        .iter()
                        .position(|a| a.kind == ttx_engine::model::registry::ActorKind::Odni)
                        .map(|o| (ttx_engine::model::registry::ActorIx(o as u32), *indicator, true)),
                    EventKind::Received { to, indicator, .. } => Some((*to, *indicator, false)),
                    _ => None,
                };
                if let Some((actor, ind, own)) = held
                    && let Some(team) = team_of(actor)
                {
                    for r in &self.shares {
                        let wanted = match r.source {
                            Source::Detected => own,
                            Source::Received => !own,
                            Source::Any => true,
                        };
                        if !r.teams[team] || !wanted {
                            continue;
                        }
                        let channels: &[Channel] = r.channels.as_deref().unwrap_or(&Channel::ALL);
                        for &channel in channels {
                            if !shared.insert((actor.0, ind.0, channel)) {
                                continue;
                            }
                            let cmd = Command::ShareIndicator {
                                actor: reg.actor(actor).id.clone(),
                                indicator: ind.0,
                                channel,
                            };
                            let issuer = Issuer::Team(reg.teams[team].id.clone());
                            if sim.check(&issuer, &cmd).is_ok() {
                                orders.push((Tick(ev.tick.0 + r.within_h), issuer, cmd));
                            }
                        }
                    }
                }
                if let EventKind::Detected { asset, .. } = &ev.kind
                    && !self.responses.is_empty()
                {
                    let owner = reg.asset(*asset).owner;
                    // Only an intruder still inside calls for a response (not the traces of
                    // a blocked attempt).
                    let inside = || {
                        let id = &reg.asset(*asset).id;
                        sim.compromises().iter().any(|c| &c.asset == id && c.ended.is_none())
                    };
                    if let Some(team) = team_of(owner).filter(|t| self.responses.iter().any(|r| r.teams[*t]))
                        && inside()
                    {
                        for r in &self.responses {
                            if !r.teams[team] || !responded.insert((owner.0, asset.0, r.action as u8)) {
                                continue;
                            }
                            let (actor, asset_id) =
                                (reg.actor(owner).id.clone(), reg.asset(*asset).id.clone());
                            let cmd = match r.action {
                                Response::Isolate => Command::Isolate { actor, asset: asset_id },
                                Response::Restore => Command::Restore { actor, asset: asset_id },
                                Response::Patch => Command::Patch { actor, asset: asset_id },
                                Response::RequestOnsite => Command::RequestOnsite { actor, asset: asset_id },
                            };
                            let issuer = Issuer::Team(reg.teams[team].id.clone());
                            if sim.check(&issuer, &cmd).is_ok() {
                                orders.push((Tick(ev.tick.0 + r.within_h), issuer, cmd));
                            }
                        }
                    }
                }
            }
            seen = sim.events().len();
            for (t, issuer, cmd) in orders.drain(..) {
                let _ = sim.submit_at(t.max(sim.now()), issuer, cmd);
            }
        }
    }

    /// Runs `sim` under this policy to the end of its clock.
    pub fn run_to_end(&self, sim: &mut Sim) {
        let last = sim.last_tick();
        self.run_until(sim, last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        ttx_engine::builtin::default_scenario().expect("the default scenario loads")
    }

    const SHARE: &str = r#"(
        name: "share fast",
        staff: ["pa", "ga", "wi", "cisa"],
        rules: [
            Share(teams: ["pa", "ga", "wi", "cisa"], source: Any, within_h: 2),
            Respond(teams: ["pa", "ga", "wi"], action: Restore, within_h: 4),
        ],
    )"#;

    #[test]
    fn a_policy_runs_deterministically_and_changes_the_run() {
        let sc = scenario();
        let p = Policy::parse("p.ron", SHARE, &sc).expect("valid");
        let run = |seed| {
            let mut sim = p.new_sim(&sc, seed);
            p.run_to_end(&mut sim);
            sim.metrics().scalars()
        };
        assert_eq!(run(3), run(3));
        let mut plain = Sim::new(&sc, 3);
        plain.run_to_end();
        assert_ne!(run(3), plain.metrics().scalars());
        // A reset Sim under the policy gives the run of a new one.
        let mut sim = p.new_sim(&sc, 5);
        p.run_to_end(&mut sim);
        sim.reset(3);
        p.run_to_end(&mut sim);
        assert_eq!(sim.metrics().scalars(), run(3));
    }

    #[test]
    fn timed_commands_apply_at_their_time() {
        let sc = scenario();
        let text = r#"(rules: [At(time: "E-59d 09:00", team: "pa", command: (type: "patch", actor: "harbor", asset: "harbor/results"))])"#;
        let p = Policy::parse("p.ron", text, &sc).expect("valid");
        let mut sim = p.new_sim(&sc, 1);
        p.run_to_end(&mut sim);
        let applied: Vec<_> = sim.outcome_history().iter().filter(|o| o.result.is_ok()).collect();
        assert_eq!(applied.len(), 1, "{:?}", sim.outcome_history());
        let at = sc.registry().clock.tick_of(ETime::parse("E-59d 09:00").expect("a time")).expect("inside");
        assert_eq!(applied[0].tick, at);
    }

    #[test]
    fn json_policies_read_alike() {
        let sc = scenario();
        let json = r#"{"name": "j", "staff": ["cisa"], "rules": [
            {"Share": {"teams": ["cisa"], "channels": ["IsacToMembers"], "within_h": 1}}
        ]}"#;
        let p = Policy::parse("p.json", json, &sc).expect("valid");
        assert_eq!((p.staff.len(), p.shares.len()), (1, 1));
    }

    #[test]
    fn bad_policies_say_where_and_what_to_write() {
        let sc = scenario();
        let e = Policy::parse("p.ron", "(rules: [Share(teams: [\"nobody\"], within_h: 2)])", &sc)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.ron:1:24: the scenario has no team `nobody`; write one of: cisa"), "{e}");
        let e = Policy::parse("p.ron", "(\n  rules: [Shar(teams: [])],\n)", &sc).unwrap_err().to_string();
        assert!(e.starts_with("p.ron:2:"), "{e}");
        let e = Policy::parse("p.json", "{\"rules\": [}", &sc).unwrap_err().to_string();
        assert!(e.starts_with("p.json:1:"), "{e}");
        let e = Policy::parse(
            "p.ron",
            "(rules: [At(time: \"E+400d 09:00\", team: \"pa\", command: (type: \"patch\", actor: \"x\", asset: \"y\"))])",
            &sc,
        )
        .unwrap_err().to_string();
        assert!(e.contains("outside the scenario's clock"), "{e}");
        let e = Policy::parse(
            "p.ron",
            "(rules: [At(time: \"E-30d 09:00\", team: \"fbi\", command: (type: \"patch\", actor: \"pa_sos\", asset: \"y\"))])",
            &sc,
        )
        .unwrap_err().to_string();
        assert!(e.contains("team fbi cannot give"), "{e}");
    }
}
