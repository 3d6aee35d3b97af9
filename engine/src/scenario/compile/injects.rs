//! Compiler sections for the facilitator's timeline: discussion modules,
//! scripted injects (trigger, teams, effects, cancel condition, per-team text,
//! attachments, expected actions), inject templates, and the evaluation's
//! capabilities; with the conditions triggers and cancellations test.

use std::collections::BTreeSet;

use super::{Builder, resolve_effect, resolve_sel, suggest_help};
use crate::model::registry::*;
use crate::scenario::schema::*;
use crate::time::{ETime, Tick};

/// Ids that injects may name, in the order of the file.
struct Ids<'s> {
    injects: Vec<&'s str>,
    modules: Vec<&'s str>,
    teams: Vec<&'s str>,
}

impl Builder<'_> {
    /// The discussion modules, in time order.
    pub(super) fn modules(&mut self) {
        let spec = self.spec;
        let mut seen = BTreeSet::new();
        for (i, m) in spec.modules.iter().enumerate() {
            if !seen.insert(m.id.clone()) {
                self.cx.err(
                    format!("modules[{i}].id"),
                    format!("module id `{}` is used twice", m.id),
                    "give each module its own id",
                );
            }
            if self.clock_ok {
                self.cx.in_clock(format!("modules[{i}].start"), m.start, &self.clock);
            }
            if i > 0 && m.start <= spec.modules[i - 1].start {
                self.cx.err(
                    format!("modules[{i}].start"),
                    format!("module `{}` starts at {} , not after the module before it", m.id, m.start),
                    "list modules in time order, each starting after the previous one",
                );
            }
            self.reg.modules.push(ModuleInfo {
                id: m.id.clone(),
                title: m.title.clone(),
                start: self.clock.tick_clamped(m.start),
                objectives: m.objectives.clone(),
                questions: m.questions.clone(),
            });
        }
    }

    /// The scripted injects, and the lookup by id.
    pub(super) fn injects(&mut self) {
        let spec = self.spec;
        let mut inject_ids = BTreeSet::new();
        for (i, inj) in spec.injects.iter().enumerate() {
            if !inject_ids.insert(inj.id.clone()) {
                self.cx.err(
                    format!("injects[{i}].id"),
                    format!("inject id `{}` is used twice", inj.id),
                    "give each inject its own id",
                );
            }
        }
        let ids = Ids {
            injects: spec.injects.iter().map(|i| i.id.as_str()).collect(),
            modules: spec.modules.iter().map(|m| m.id.as_str()).collect(),
            teams: spec.teams.iter().map(|t| t.id.as_str()).collect(),
        };
        for (i, inj) in spec.injects.iter().enumerate() {
            let info = self.inject(&format!("injects[{i}]"), inj, &ids);
            self.reg.injects.push(info);
        }
        self.reg.inject_by_id = self
            .reg
            .injects
            .iter()
            .enumerate()
            .map(|(i, j)| (j.spec.id.clone(), InjectIx(i as u32)))
            .collect();
    }

    /// One inject.
    fn inject(&mut self, path: &str, inj: &InjectSpec, ids: &Ids) -> InjectInfo {
        let module = inj.module.as_ref().and_then(|m| match ids.modules.iter().position(|x| x == m) {
            Some(k) => Some(ModuleIx(k as u32)),
            None => {
                self.cx.err(
                    format!("{path}.module"),
                    format!("unknown module `{m}`"),
                    suggest_help(m, &ids.modules, "name a module defined in `modules`"),
                );
                None
            }
        });
        let trigger = self.trigger(path, &inj.trigger, ids);
        let mut teams = Vec::new();
        for (k, t) in inj.teams.iter().enumerate() {
            if let Some(ix) = self.team(&format!("{path}.teams[{k}]"), t, ids) {
                teams.push(ix);
            }
        }
        let mut effects = Vec::new();
        for (k, e) in inj.effects.iter().enumerate() {
            if let Some(r) = self.effect(&format!("{path}.effects[{k}]"), e) {
                effects.push(r);
            }
        }
        let cancel_if = inj.cancel_if.as_ref().and_then(|c| {
            resolve_condition(&self.reg, c, &ids.injects, &ids.modules, 0)
                .map_err(|(m, h)| self.cx.err(format!("{path}.cancel_if"), m, h))
                .ok()
        });
        let mut per_team = Vec::new();
        for (t, text) in &inj.per_team {
            if let Some(ix) = self.team(&format!("{path}.per_team"), t, ids) {
                per_team.push((ix, text.clone()));
                if !teams.contains(&ix) {
                    teams.push(ix);
                }
            }
        }
        per_team.sort_by_key(|(t, _)| *t);
        for (k, a) in inj.attachments.iter().enumerate() {
            if a.trim().is_empty() || a.contains('\0') {
                self.cx.err(
                    format!("{path}.attachments[{k}]"),
                    "an empty attachment path",
                    "write the path of a text or Markdown file, relative to the scenario file",
                );
            }
        }
        for (k, x) in inj.expected_actions.iter().enumerate() {
            if let ExpectedAction::Command(p) = x {
                self.expected_command(&format!("{path}.expected_actions[{k}]"), p, ids);
            }
        }
        if cancel_if.as_ref().is_some_and(reads_commands)
            || matches!(&trigger, ResolvedTrigger::When(c, _) if reads_commands(c))
        {
            self.reg.tracks_commands = true;
        }
        InjectInfo { spec: inj.clone(), trigger, module, teams, effects, cancel_if, per_team }
    }

    /// When an inject fires.
    fn trigger(&mut self, path: &str, trigger: &Trigger, ids: &Ids) -> ResolvedTrigger {
        match trigger {
            Trigger::At(t) => {
                if self.clock_ok {
                    self.cx.in_clock(format!("{path}.trigger"), *t, &self.clock);
                }
                ResolvedTrigger::At(self.clock.tick_clamped(*t))
            }
            Trigger::Manual => ResolvedTrigger::Manual,
            Trigger::When { condition, delay_h } => {
                match resolve_condition(&self.reg, condition, &ids.injects, &ids.modules, 0) {
                    Ok(c) => ResolvedTrigger::When(c, *delay_h),
                    Err((m, h)) => {
                        self.cx.err(format!("{path}.trigger.condition"), m, h);
                        ResolvedTrigger::Manual
                    }
                }
            }
        }
    }

    /// A team an inject names.
    fn team(&mut self, path: &str, id: &str, ids: &Ids) -> Option<TeamIx> {
        let found = self.reg.team_by_id.get(id).copied();
        if found.is_none() {
            self.cx.err(
                path,
                format!("unknown team `{id}`"),
                suggest_help(id, &ids.teams, "name a team defined in `teams`"),
            );
        }
        found
    }

    /// An inject's (or a template's) effect; problems are reported under `path`.
    fn effect(&mut self, path: &str, e: &Effect) -> Option<ResolvedEffect> {
        match resolve_effect(&self.reg, e) {
            Ok(r) => Some(r),
            Err(list) => {
                for (sub, m, h) in list {
                    self.cx.err(format!("{path}{sub}"), m, h);
                }
                None
            }
        }
    }

    /// A command an inject expects a team to give (the commands given are then recorded).
    fn expected_command(&mut self, path: &str, p: &ActionPattern, ids: &Ids) {
        if !self.reg.team_by_id.contains_key(&p.team) {
            self.cx.err(
                format!("{path}.team"),
                format!("unknown team `{}`", p.team),
                suggest_help(&p.team, &ids.teams, "name a team defined in `teams`"),
            );
        }
        if p.channel.is_some() && p.command != crate::command::CommandKind::ShareIndicator {
            self.cx.err(
                format!("{path}.channel"),
                format!("only a shared indicator goes out on a channel, not `{}`", p.command.name()),
                "remove `channel`, or expect `command: share_indicator`",
            );
        }
        let capabilities = &self.spec.evaluation.capabilities;
        if let Some(c) = &p.capability
            && !capabilities.iter().any(|x| &x.name == c)
        {
            let names: Vec<&str> = capabilities.iter().map(|x| x.name.as_str()).collect();
            self.cx.err(
                format!("{path}.capability"),
                format!("unknown capability `{c}`"),
                suggest_help(c, &names, "name a capability of `evaluation.capabilities`"),
            );
        }
        self.reg.tracks_commands = true;
    }

    /// The inject templates of the red and white cells.
    pub(super) fn templates(&mut self) {
        let mut template_ids = BTreeSet::new();
        for (i, t) in self.spec.inject_templates.iter().enumerate() {
            let path = format!("inject_templates[{i}]");
            if !template_ids.insert(t.id.clone()) {
                self.cx.err(
                    format!("{path}.id"),
                    format!("template id `{}` is used twice", t.id),
                    "give each template its own id",
                );
            }
            if t.cell == TeamRole::Player {
                self.cx.err(
                    format!("{path}.cell"),
                    "a template belongs to a cell, not a player team",
                    "use `RedCell` or `WhiteCell`",
                );
            }
            for (k, e) in t.effects.iter().enumerate() {
                self.effect(&format!("{path}.effects[{k}]"), e);
            }
        }
    }

    /// The capabilities' measures name metrics a measure can rate.
    pub(super) fn evaluation(&mut self) {
        let measurable = crate::metrics::measurable_metrics();
        for (i, cap) in self.spec.evaluation.capabilities.iter().enumerate() {
            for (k, m) in cap.measures.iter().enumerate() {
                if measurable.contains(&m.metric.as_str()) {
                    continue;
                }
                let message = if crate::metrics::metric_def(&m.metric).is_some() {
                    format!("metric `{}` cannot be rated by a measure", m.metric)
                } else {
                    format!("unknown metric `{}`", m.metric)
                };
                self.cx.err(
                    format!("evaluation.capabilities[{i}].measures[{k}].metric"),
                    message,
                    suggest_help(
                        &m.metric,
                        &measurable,
                        "use a metric with yes in the measure column of docs/metrics.md",
                    ),
                );
            }
        }
    }
}

/// Whether a condition reads the commands given.
fn reads_commands(c: &ResolvedCondition) -> bool {
    match c {
        ResolvedCondition::Issued { .. } => true,
        ResolvedCondition::All(v) | ResolvedCondition::Any(v) => v.iter().any(reads_commands),
        ResolvedCondition::Not(c) => reads_commands(c),
        _ => false,
    }
}
fn resolve_condition(
    reg: &Registry,
    c: &Condition,
    inject_ids: &[&str],
    module_ids: &[&str],
    depth: usize,
) -> Result<ResolvedCondition, (String, String)> {
    let camp = |id: &str| -> Result<CampaignIx, (String, String)> { find_campaign(reg, id) };
    let sub = |c: &Condition| resolve_condition(reg, c, inject_ids, module_ids, depth + 1);
    let tick = |t: &ETime| -> Result<Tick, (String, String)> {
        if *t < reg.clock.start || *t > reg.clock.end {
            return Err((
                format!("{t} is outside the clock ({} to {})", reg.clock.start, reg.clock.end),
                "give a time inside `clock`".into(),
            ));
        }
        Ok(reg.clock.tick_clamped(*t))
    };
    Ok(match c {
        Condition::Issued(p) => {
            let Some(team) = reg.team_by_id.get(&p.team) else {
                let ids: Vec<&str> = reg.teams.iter().map(|t| t.id.as_str()).collect();
                return Err((
                    format!("unknown team `{}`", p.team),
                    suggest_help(&p.team, &ids, "name a team defined in `teams`"),
                ));
            };
            ResolvedCondition::Issued { team: *team, kind: p.command, target: p.target.clone() }
        }
        Condition::Holds { actor, campaign } => {
            let actors = resolve_sel(reg, actor)?;
            ResolvedCondition::Holds(actors, camp(campaign)?)
        }
        Condition::Asset(id, state) => match reg.asset_by_id.get(id) {
            Some(a) => ResolvedCondition::Asset(*a, *state),
            None => {
                let ids: Vec<&str> = reg.asset_by_id.keys().map(String::as_str).collect();
                return Err((
                    format!("unknown asset `{id}`"),
                    suggest_help(id, &ids, "name an asset as `<owner id>/<kind>`, e.g. \"PA/vr\""),
                ));
            }
        },
        Condition::MetricAbove(name, v) | Condition::MetricBelow(name, v) => {
            let Some((_, m)) = LiveMetric::ALL.iter().find(|(n, _)| n == name) else {
                let names: Vec<&str> = LiveMetric::ALL.iter().map(|(n, _)| *n).collect();
                return Err((
                    format!("metric `{name}` cannot be read while the exercise runs"),
                    format!("use one of: {}", names.join(", ")),
                ));
            };
            if v.is_nan() {
                return Err(("the value is not a number".into(), "write a number".into()));
            }
            ResolvedCondition::Metric(*m, matches!(c, Condition::MetricAbove(..)), *v)
        }
        Condition::All(v) | Condition::Any(v) => {
            if depth > 16 {
                return Err(("conditions nested too deep".into(), "nest at most 16 levels".into()));
            }
            let list = v.iter().map(sub).collect::<Result<Vec<_>, _>>()?;
            if matches!(c, Condition::All(_)) {
                ResolvedCondition::All(list)
            } else {
                ResolvedCondition::Any(list)
            }
        }
        Condition::Not(x) => {
            if depth > 16 {
                return Err(("conditions nested too deep".into(), "nest at most 16 levels".into()));
            }
            ResolvedCondition::Not(Box::new(sub(x)?))
        }
        Condition::Before(t) => ResolvedCondition::Before(tick(t)?),
        Condition::After(t) => ResolvedCondition::After(tick(t)?),
        Condition::CampaignStarted(id) => ResolvedCondition::CampaignStarted(camp(id)?),
        Condition::CampaignDetected(id) => ResolvedCondition::CampaignDetected(camp(id)?),
        Condition::CampaignSucceeded(id) => ResolvedCondition::CampaignSucceeded(camp(id)?),
        Condition::AssetDown(k) => ResolvedCondition::AssetDown(*k),
        Condition::ConfidenceBelow(v) => {
            if !(0.0..=100.0).contains(v) {
                return Err((format!("{v} is not a confidence level"), "use a number from 0 to 100".into()));
            }
            ResolvedCondition::ConfidenceBelow(*v)
        }
        Condition::InjectFired(id) => match inject_ids.iter().position(|x| x == id) {
            Some(i) => ResolvedCondition::InjectFired(InjectIx(i as u32)),
            None => {
                return Err((
                    format!("unknown inject `{id}`"),
                    suggest_help(id, inject_ids, "name an inject of this scenario"),
                ));
            }
        },
        Condition::ModuleStarted(id) => match module_ids.iter().position(|x| x == id) {
            Some(i) => ResolvedCondition::ModuleStarted(ModuleIx(i as u32)),
            None => {
                return Err((
                    format!("unknown module `{id}`"),
                    suggest_help(id, module_ids, "name a module of this scenario"),
                ));
            }
        },
    })
}

pub(super) fn find_campaign(reg: &Registry, id: &str) -> Result<CampaignIx, (String, String)> {
    match reg.campaigns.iter().position(|c| c.spec.id == id) {
        Some(i) => Ok(CampaignIx(i as u32)),
        None => {
            let ids: Vec<&str> = reg.campaigns.iter().map(|c| c.spec.id.as_str()).collect();
            Err((
                format!("unknown campaign `{id}`"),
                suggest_help(id, &ids, "name a campaign defined under `adversaries`"),
            ))
        }
    }
}
