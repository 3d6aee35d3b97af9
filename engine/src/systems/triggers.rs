//! Conditional injects: scheduled `delay_h` hours after the hour their condition first holds,
//! and injects cancelled by their `cancel_if` condition.
//!
//! Conditions are checked at the end of every hour, after every other system of that hour
//! (the hour's commands, injects, adversary actions, detections and shares are all counted),
//! so a `delay_h` of 0 fires in the next hour (the earliest hour still to come). A `cancel_if`
//! condition is checked at the same point for injects still waiting, and once more just before
//! an inject fires (after the commands of its hour): an inject whose `cancel_if` holds at
//! either point is cancelled for good.

use super::{Core, kind_index};
use crate::model::registry::*;
use crate::model::*;
use crate::scenario::schema::AssetState;
use crate::time::Tick;

/// Whether a condition holds now.
pub fn holds(core: &Core, injects: &Injects, issued: &IssuedLog, c: &ResolvedCondition) -> bool {
    let camps = &core.campaigns.0;
    match c {
        ResolvedCondition::CampaignStarted(x) => camps[x.ix()].started.is_some(),
        ResolvedCondition::CampaignDetected(x) => camps[x.ix()].first_detected.is_some(),
        ResolvedCondition::CampaignSucceeded(x) => camps[x.ix()].first_success.is_some(),
        ResolvedCondition::AssetDown(k) => core.down.0[kind_index(*k)] > 0,
        ResolvedCondition::ConfidenceBelow(v) => core.public.confidence < *v,
        ResolvedCondition::InjectFired(i) => matches!(injects.state[i.ix()], InjectState::Fired(_)),
        ResolvedCondition::ModuleStarted(m) => core.reg().modules[m.ix()].start <= core.now(),
        ResolvedCondition::Issued { team, kind, target } => {
            issued.first(*team, *kind, target.as_deref(), Tick(0)).is_some()
        }
        ResolvedCondition::Holds(actors, campaign) => actors
            .iter()
            .any(|a| core.knows(*a).is_some_and(|k| k.held.iter().any(|h| h.campaign == *campaign))),
        ResolvedCondition::Asset(a, state) => core.status(*a).is_some_and(|s| match state {
            AssetState::Up => s.availability == Availability::Up,
            AssetState::Down => s.availability != Availability::Up,
            AssetState::Offline => s.availability == Availability::Offline,
            AssetState::Degraded => s.availability == Availability::Degraded,
            AssetState::Compromised => s.footholds > 0,
            AssetState::KnownCompromised => s.known_footholds > 0,
        }),
        ResolvedCondition::Metric(m, above, v) => {
            let x = live_metric(core, *m);
            if *above { x > *v } else { x < *v }
        }
        ResolvedCondition::All(v) => v.iter().all(|c| holds(core, injects, issued, c)),
        ResolvedCondition::Any(v) => v.iter().any(|c| holds(core, injects, issued, c)),
        ResolvedCondition::Not(c) => !holds(core, injects, issued, c),
        ResolvedCondition::Before(t) => core.now() < *t,
        ResolvedCondition::After(t) => core.now() >= *t,
    }
}

/// A metric's value now, from the counters the systems keep.
fn live_metric(core: &Core, m: LiveMetric) -> f64 {
    let s = &core.record.metrics;
    match m {
        LiveMetric::Attempted => s.attempted as f64,
        LiveMetric::Succeeded => s.succeeded as f64,
        LiveMetric::Blocked => s.blocked as f64,
        LiveMetric::BlockedShared => s.blocked_shared as f64,
        LiveMetric::Targeted => s.targeted().len() as f64,
        LiveMetric::Warned => s.warned() as f64,
        LiveMetric::Altered => s.altered() as f64,
        LiveMetric::ConfidenceMin => core.public.min,
        LiveMetric::Confidence => core.public.confidence,
    }
}

/// Cancels a waiting inject whose `cancel_if` holds; returns whether it did.
pub fn cancel_if_due(core: &mut Core, injects: &mut Injects, issued: &IssuedLog, i: InjectIx) -> bool {
    let reg = core.reg.0.clone();
    let info = &reg.injects[i.ix()];
    let Some(c) = &info.cancel_if else { return false };
    let waiting = matches!(injects.state[i.ix()], InjectState::Pending | InjectState::Scheduled(_));
    if !waiting || !holds(core, injects, issued, c) {
        return false;
    }
    let now = core.now();
    injects.state[i.ix()] = InjectState::Cancelled(now);
    core.record.digest.mix(&[0x62, u64::from(i.0)]);
    core.emit(
        crate::events::Severity::Info,
        crate::events::EventKind::InjectCancelled { inject: i, title: info.spec.title.clone() },
    );
    true
}

/// Cancels injects whose `cancel_if` holds and schedules conditional injects whose condition holds.
pub fn run_triggers(
    core: &mut Core,
    injects: &mut Injects,
    cal: &mut Calendar<InjectEvent>,
    issued: &IssuedLog,
) {
    let reg = core.reg.0.clone();
    for (k, info) in reg.injects.iter().enumerate() {
        if info.cancel_if.is_some() && cancel_if_due(core, injects, issued, InjectIx(k as u32)) {
            continue;
        }
        if injects.state[k] != InjectState::Pending {
            continue;
        }
        if let ResolvedTrigger::When(cond, delay) = &info.trigger
            && holds(core, injects, issued, cond)
        {
            // `later` rounds up to at least one hour: a zero delay fires in the next hour.
            let t = core.later(f64::from(*delay));
            if t <= reg.clock.last_tick() {
                injects.state[k] = InjectState::Scheduled(t);
                cal.schedule(t, InjectEvent::Scripted(InjectIx(k as u32)));
            }
        }
    }
}
