//! Resolving inject effects against a registry: at compile time for the
//! scenario's injects and templates, and during play for injects the red or
//! white cell writes. One function per kind of effect that needs checking.

use std::collections::BTreeSet;

use super::injects::find_campaign;
use super::{Ctx, check_selector, resolve_sel, suggest_help};
use crate::data;
use crate::model::registry::*;
use crate::scenario::schema::*;

/// Problems of one effect: the path below the effect (such as `.target.states[0]`),
/// what is wrong and what would fix it.
type EffectProblems = Vec<(String, String, String)>;

/// Resolves an inject effect against a registry (also used for ad-hoc injects during play).
pub fn resolve_effect(reg: &Registry, e: &Effect) -> Result<ResolvedEffect, EffectProblems> {
    let mut r = Resolver { reg, problems: Vec::new() };
    let resolved = match e {
        Effect::StartCampaign(id) => ResolvedEffect::StartCampaign(campaign(reg, id, "")?),
        Effect::StopCampaign(id) => ResolvedEffect::StopCampaign(campaign(reg, id, "")?),
        Effect::Outage { target, hours, degraded_only } => r.outage(target, *hours, *degraded_only),
        Effect::Compromise { campaign, target } => r.compromise(campaign, target),
        Effect::Disinformation { intensity, about } => {
            if *intensity < 0.0 || intensity.is_nan() {
                r.problem(".intensity", "a negative intensity", "use 0 or more confidence points");
            }
            ResolvedEffect::Disinformation { intensity: *intensity, about: about.clone() }
        }
        Effect::Leak { adversary, severity, about } => {
            let adversary = adversary_ix(reg, adversary)?;
            if *severity < 0.0 || severity.is_nan() {
                r.problem(".severity", "a negative severity", "use 0 or more confidence points");
            }
            ResolvedEffect::Leak { adversary, severity: *severity, about: about.clone() }
        }
        Effect::Notify { campaign, from, to } => r.notify(campaign, from, to)?,
        Effect::Attribute { by, adversary } => {
            let by = one_actor(reg, by, &[ActorKind::Odni, ActorKind::Fbi, ActorKind::Dhs])?;
            ResolvedEffect::Attribute { by, adversary: adversary_ix(reg, adversary)? }
        }
        Effect::Statement { by, statement } => {
            let kinds =
                [ActorKind::Dhs, ActorKind::Fbi, ActorKind::Odni, ActorKind::StateOffice, ActorKind::Local];
            ResolvedEffect::Statement { by: one_actor(reg, by, &kinds)?, statement: *statement }
        }
        Effect::Evidence { adversary, amount } => {
            let adversary = adversary_ix(reg, adversary)?;
            if !(amount.is_finite() && *amount >= 0.0) {
                r.problem(
                    ".amount",
                    format!("{amount} is not an amount of evidence"),
                    "use 0 or more (compare `eo13848.evidence_needed`)",
                );
            }
            ResolvedEffect::Evidence { adversary, amount: *amount }
        }
        Effect::Posture { target, set } => {
            let candidates = r.select(target);
            ResolvedEffect::Posture { candidates, count: target.count, set: *set }
        }
        Effect::News(t) => ResolvedEffect::News(t.clone()),
        Effect::Message(t) => ResolvedEffect::Message(t.clone()),
        Effect::Confidence(v) => {
            if v.is_nan() || v.abs() > 100.0 {
                r.problem(
                    "",
                    format!("{v} is not a confidence change"),
                    "use a number of points from -100 to 100",
                );
            }
            ResolvedEffect::Confidence(*v)
        }
    };
    if r.problems.is_empty() { Ok(resolved) } else { Err(r.problems) }
}

/// One effect being resolved, with the problems found so far.
struct Resolver<'r> {
    reg: &'r Registry,
    problems: EffectProblems,
}

impl Resolver<'_> {
    fn problem(&mut self, path: &str, message: impl Into<String>, help: impl Into<String>) {
        self.problems.push((path.to_string(), message.into(), help.into()));
    }

    /// The assets a `target` selects; with no problem so far, an empty selection is one.
    fn select(&mut self, sel: &AssetSelector) -> Vec<AssetIx> {
        let in_scenario: BTreeSet<&str> = self.reg.states.iter().map(|s| s.postal.as_str()).collect();
        let all: Vec<&str> = data::states().iter().map(|s| s.postal.as_str()).collect();
        let mut cx = Ctx::default();
        check_selector(&mut cx, self.reg, ".target", sel, &in_scenario, &all);
        for p in cx.problems {
            self.problems.push((p.path, p.message, p.help.unwrap_or_default()));
        }
        let c = self.reg.select_assets(sel);
        if c.is_empty() && self.problems.is_empty() {
            self.problem(
                ".target",
                "the selection matches no asset",
                "widen `kinds`, `states` or `jurisdictions`",
            );
        }
        c
    }

    fn outage(&mut self, target: &AssetSelector, hours: u32, degraded_only: bool) -> ResolvedEffect {
        if hours == 0 {
            self.problem(".hours", "an outage of zero hours", "use 1 or more hours");
        }
        let candidates = self.select(target);
        ResolvedEffect::Outage { candidates, count: target.count, hours, degraded_only }
    }

    fn compromise(&mut self, campaign: &str, target: &AssetSelector) -> ResolvedEffect {
        let c = find_campaign(self.reg, campaign).map_err(|(m, h)| self.problem(".campaign", m, h)).ok();
        let candidates = self.select(target);
        let Some(c) = c else {
            // Not returned: the problem above makes the effect an error.
            return ResolvedEffect::News(String::new());
        };
        if self.reg.campaign(c).spec.objective == Objective::Influence {
            self.problem(
                ".campaign",
                "an influence campaign does not compromise assets",
                "name an intrusion campaign",
            );
        }
        ResolvedEffect::Compromise { campaign: c, candidates, count: target.count }
    }

    fn notify(
        &mut self,
        campaign_id: &str,
        from: &ActorSel,
        to: &[ActorSel],
    ) -> Result<ResolvedEffect, EffectProblems> {
        let c = campaign(self.reg, campaign_id, ".campaign")?;
        let from = match resolve_sel(self.reg, from) {
            Ok(v) if v.len() == 1 => v[0],
            Ok(_) => {
                return Err(vec![(
                    ".from".into(),
                    "the sender must be one actor".into(),
                    "name a single actor, e.g. `Fbi` or `StateOffice(\"PA\")`".into(),
                )]);
            }
            Err((m, h)) => return Err(vec![(".from".into(), m, h)]),
        };
        let mut list = Vec::new();
        for (k, s) in to.iter().enumerate() {
            match resolve_sel(self.reg, s) {
                Ok(v) => list.extend(v),
                Err((m, h)) => self.problem(&format!(".to[{k}]"), m, h),
            }
        }
        if to.is_empty() {
            self.problem(
                ".to",
                "nobody receives the indicator",
                "list receivers, e.g. `[StateOffice(\"PA\")]`",
            );
        }
        list.sort();
        list.dedup();
        Ok(ResolvedEffect::Notify { campaign: c, from, to: list })
    }
}

/// A campaign by id; a problem at `path` when there is none.
fn campaign(reg: &Registry, id: &str, path: &str) -> Result<CampaignIx, EffectProblems> {
    find_campaign(reg, id).map_err(|(m, h)| vec![(path.to_string(), m, h)])
}

/// One actor of the allowed kinds, for an effect's `by`.
fn one_actor(reg: &Registry, sel: &ActorSel, kinds: &[ActorKind]) -> Result<ActorIx, EffectProblems> {
    let v = resolve_sel(reg, sel).map_err(|(m, h)| vec![(".by".to_string(), m, h)])?;
    let [a] = v.as_slice() else {
        return Err(vec![(
            ".by".into(),
            "this names more than one actor".into(),
            "name a single actor, e.g. `Fbi` or `StateOffice(\"PA\")`".into(),
        )]);
    };
    if !kinds.contains(&reg.actor(*a).kind) {
        let names: Vec<String> = kinds.iter().map(|k| format!("{k:?}")).collect();
        return Err(vec![(
            ".by".into(),
            format!("`{}` cannot do this", reg.actor(*a).id),
            format!("name an actor of these kinds: {}", names.join(", ")),
        )]);
    }
    Ok(*a)
}

/// An adversary by id, for an effect.
fn adversary_ix(reg: &Registry, id: &str) -> Result<AdversaryIx, EffectProblems> {
    reg.adversary_by_id.get(id).copied().ok_or_else(|| {
        let ids: Vec<&str> = reg.adversaries.iter().map(|a| a.id.as_str()).collect();
        vec![(
            ".adversary".into(),
            format!("unknown adversary `{id}`"),
            suggest_help(id, &ids, "name an adversary of this scenario"),
        )]
    })
}
