//! Conditional injects: scheduled `delay_h` hours after the hour their condition first holds.
//!
//! Conditions are checked at the end of every hour, after the injects of that hour have
//! fired, so a `delay_h` of 0 fires in the next hour (the earliest hour still to come).

use bevy_ecs::prelude::*;

use super::{Core, kind_index};
use crate::model::registry::*;
use crate::model::*;

/// Whether a condition holds now.
pub fn holds(core: &Core, injects: &Injects, c: &ResolvedCondition) -> bool {
    let camps = &core.campaigns.0;
    match c {
        ResolvedCondition::CampaignStarted(x) => camps[x.ix()].started.is_some(),
        ResolvedCondition::CampaignDetected(x) => camps[x.ix()].first_detected.is_some(),
        ResolvedCondition::CampaignSucceeded(x) => camps[x.ix()].first_success.is_some(),
        ResolvedCondition::AssetDown(k) => core.down.0[kind_index(*k)] > 0,
        ResolvedCondition::ConfidenceBelow(v) => core.public.confidence < *v,
        ResolvedCondition::InjectFired(i) => matches!(injects.state[i.ix()], InjectState::Fired(_)),
        ResolvedCondition::ModuleStarted(m) => core.reg().modules[m.ix()].start <= core.now(),
    }
}

/// Schedules conditional injects whose condition holds.
pub fn run_triggers(core: Core, mut injects: ResMut<Injects>, mut cal: ResMut<Calendar<InjectEvent>>) {
    let reg = core.reg.0.clone();
    for (k, info) in reg.injects.iter().enumerate() {
        if injects.state[k] != InjectState::Pending {
            continue;
        }
        if let ResolvedTrigger::When(cond, delay) = &info.trigger
            && holds(&core, &injects, cond)
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
