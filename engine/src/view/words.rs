//! Words for what a scenario's injects would do: the conditions that fire them and the
//! effects they have, with the targets they would pick, as the inject preview, the MSEL and
//! the hint lines show them.

use crate::model::registry::*;

/// Words for a condition.
pub fn condition_text(reg: &Registry, c: &ResolvedCondition, delay: u32) -> String {
    let s = match c {
        ResolvedCondition::CampaignStarted(x) => format!("when {} starts", reg.campaign(*x).spec.name),
        ResolvedCondition::CampaignDetected(x) => {
            format!("when {} is first detected", reg.campaign(*x).spec.name)
        }
        ResolvedCondition::CampaignSucceeded(x) => {
            format!("when {} gains a foothold", reg.campaign(*x).spec.name)
        }
        ResolvedCondition::AssetDown(k) => format!("when a {} goes down", k.label()),
        ResolvedCondition::ConfidenceBelow(v) => format!("when confidence falls below {v}"),
        ResolvedCondition::InjectFired(i) => format!("after inject {}", reg.injects[i.ix()].spec.id),
        ResolvedCondition::ModuleStarted(m) => format!("when module {} begins", reg.modules[m.ix()].id),
        _ => format!("when {}", condition_words(reg, c)),
    };
    if delay > 0 { format!("{s}, +{delay}h") } else { s }
}

/// A condition as a phrase (without "when").
pub fn condition_words(reg: &Registry, c: &ResolvedCondition) -> String {
    let list = |v: &[ResolvedCondition], sep: &str| {
        v.iter().map(|c| condition_words(reg, c)).collect::<Vec<_>>().join(sep)
    };
    match c {
        ResolvedCondition::CampaignStarted(x) => format!("{} has started", reg.campaign(*x).spec.name),
        ResolvedCondition::CampaignDetected(x) => format!("{} has been detected", reg.campaign(*x).spec.name),
        ResolvedCondition::CampaignSucceeded(x) => format!("{} has a foothold", reg.campaign(*x).spec.name),
        ResolvedCondition::AssetDown(k) => format!("a {} is down", k.label()),
        ResolvedCondition::ConfidenceBelow(v) => format!("confidence is below {v}"),
        ResolvedCondition::InjectFired(i) => format!("inject {} has fired", reg.injects[i.ix()].spec.id),
        ResolvedCondition::ModuleStarted(m) => format!("module {} has begun", reg.modules[m.ix()].id),
        ResolvedCondition::Issued { team, kind, target } => format!(
            "team {} has given {}{}",
            reg.teams[team.ix()].id,
            kind.name(),
            target.as_ref().map(|t| format!(" naming {t}")).unwrap_or_default()
        ),
        ResolvedCondition::Holds(actors, campaign) => format!(
            "{} holds an indicator of {}",
            if actors.len() == 1 {
                reg.actor(actors[0]).id.clone()
            } else {
                format!("one of {} actors", actors.len())
            },
            reg.campaign(*campaign).spec.id
        ),
        ResolvedCondition::Asset(a, st) => format!("{} is {st:?}", reg.asset(*a).id),
        ResolvedCondition::Metric(m, above, v) => {
            format!("{} is {} {v}", m.name(), if *above { "above" } else { "below" })
        }
        ResolvedCondition::All(v) => format!("({})", list(v, " and ")),
        ResolvedCondition::Any(v) => format!("({})", list(v, " or ")),
        ResolvedCondition::Not(c) => format!("not ({})", condition_words(reg, c)),
        ResolvedCondition::Before(t) => format!("before {}", reg.clock.at(*t)),
        ResolvedCondition::After(t) => format!("from {}", reg.clock.at(*t)),
    }
}

/// Words for an effect, with the targets it would pick (drawn from `stream`, as the inject
/// would draw them), for the inject preview.
pub fn effect_text(reg: &Registry, e: &ResolvedEffect, stream: &mut crate::rng::Stream) -> String {
    effect_words(reg, e, &mut |candidates, count| {
        let picked = crate::systems::injects::choose(stream, candidates, count);
        let ids: Vec<&str> = picked.iter().map(|a| reg.asset(*a).id.as_str()).collect();
        if ids.len() > 8 {
            format!("{} and {} more", ids[..8].join(", "), ids.len() - 8)
        } else {
            ids.join(", ")
        }
    })
}

/// Words for an effect: the one description of what each kind of effect does, for the
/// preview and the MSEL. `targets(candidates, count)` names the assets it reaches: the ones
/// a preview would pick, or the candidate set as the MSEL describes it.
pub fn effect_words(
    reg: &Registry,
    e: &ResolvedEffect,
    targets: &mut dyn FnMut(&[AssetIx], u32) -> String,
) -> String {
    match e {
        ResolvedEffect::StartCampaign(c) => format!(
            "starts campaign {} ({})",
            reg.campaign(*c).spec.name,
            crate::scenario::schema::Technique::label_of(reg.campaign(*c).technique())
        ),
        ResolvedEffect::StopCampaign(c) => format!("stops campaign {}", reg.campaign(*c).spec.name),
        ResolvedEffect::Outage { candidates, count, hours, degraded_only } => format!(
            "{} for {hours} h: {}",
            if *degraded_only { "degrades" } else { "takes offline" },
            targets(candidates, *count)
        ),
        ResolvedEffect::Compromise { campaign, candidates, count } => {
            format!("reveals {} inside {}", reg.campaign(*campaign).spec.name, targets(candidates, *count))
        }
        ResolvedEffect::Disinformation { intensity, about } => {
            format!("disinformation surge \"{about}\" ({intensity:.1} confidence points if unanswered)")
        }
        ResolvedEffect::Leak { adversary, severity, about } => {
            format!("leak by {}: {about} ({severity:.1} points)", reg.adversaries[adversary.ix()].name)
        }
        ResolvedEffect::Notify { campaign, from, to } => format!(
            "{} passes an indicator of {} to {}",
            reg.actor(*from).name,
            reg.campaign(*campaign).spec.name,
            to.iter().map(|a| reg.actor(*a).name.as_str()).collect::<Vec<_>>().join(", ")
        ),
        ResolvedEffect::News(t) => format!("news: {t}"),
        ResolvedEffect::Message(t) => format!("message to the addressed teams: {t}"),
        ResolvedEffect::Confidence(d) => format!("public confidence {d:+.1} points"),
        ResolvedEffect::Attribute { by, adversary } => format!(
            "{} publicly attributes the activity to {}",
            reg.actor(*by).name,
            reg.adversaries[adversary.ix()].name
        ),
        ResolvedEffect::Statement { by, statement } => format!(
            "{} makes a public statement ({})",
            reg.actor(*by).name,
            match statement {
                crate::command::Statement::Reassure => "reassure",
                crate::command::Statement::Debunk => "debunk",
            }
        ),
        ResolvedEffect::Evidence { adversary, amount } => {
            format!("EO 13848 evidence against {}: {amount:.1}", reg.adversaries[adversary.ix()].name)
        }
        ResolvedEffect::Posture { candidates, count, set } => {
            format!("changes the posture ({}) of {}", set.words(), targets(candidates, *count))
        }
    }
}
