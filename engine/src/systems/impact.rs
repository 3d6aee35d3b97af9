//! Impact: timed changes to assets and the public.
//!
//! Assets come back after an outage or a restore, stolen data is published,
//! DHS on-site teams finish and move on to the next request, and public
//! confidence drifts back toward its starting level day by day.

use super::Core;
use super::detection::add_evidence;
use crate::events::{EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;

/// Processes the timers due this tick.
pub fn run_impact(core: &mut Core, onsite: &mut Onsite, eo: &mut Eo) {
    let now = core.now();
    let mut due = core.timers.take(now);
    for timer in due.drain(..) {
        match timer {
            Timer::BackUp(a, epoch) => {
                let current = core.status(a).map(|s| (s.outage_epoch, s.availability, s.down_cause));
                if let Some((e, avail, cause)) = current
                    && e == epoch
                    && avail != Availability::Up
                    && cause != Some(DownCause::Isolated)
                {
                    core.bring_up(a);
                }
            }
            Timer::Leak(i) => {
                let reg = core.reg.0.clone();
                let intr = &core.intrusions.list[i.ix()];
                let info = reg.campaign(intr.campaign);
                let owner = reg.asset(intr.asset).owner;
                let about = format!("material stolen from {} ({})", reg.actor(owner).name, info.spec.name);
                core.emit(Severity::Critical, EventKind::Leak { adversary: info.adversary, about });
                let cost = reg.spec.public.leak_drop;
                core.public_incident(cost, Some(owner), false, None);
                add_evidence(
                    eo,
                    &mut core.record.digest,
                    &reg,
                    info.adversary,
                    reg.spec.eo13848.evidence_per_detection,
                );
            }
            Timer::OnsiteEnds(a) => {
                core.with_status(a, |s| s.onsite_until = None);
                onsite.free += 1;
                onsite.assessed.insert(a);
                core.record.digest.mix(&[0x41, u64::from(a.0)]);
                let dhs = core.reg.0.federal.dhs;
                if !core.staffed(dhs)
                    && let Some(next) = onsite.queue.pop_front()
                {
                    deploy_onsite(core, onsite, next);
                }
            }
            Timer::Recovery => {
                let rate = core.reg.0.spec.public.recovery_per_day;
                let p = &mut core.public;
                p.confidence += (p.baseline - p.confidence) * rate;
                let gap = p.baseline - p.confidence;
                let bits = p.confidence.to_bits();
                if gap > 0.05 {
                    let t = core.later(24.0);
                    core.timers.schedule(t, Timer::Recovery);
                } else {
                    core.public.recovering = false;
                }
                core.record.digest.mix(&[0x42, bits]);
            }
        }
    }
    core.timers.recycle(due);
}

/// Sends a free on-site team to an asset: detection there rises to endpoint level for its stay,
/// and the asset counts as assessed for the EO 13848 report.
pub fn deploy_onsite(core: &mut Core, onsite: &mut Onsite, a: AssetIx) -> bool {
    if onsite.free == 0 {
        return false;
    }
    onsite.free -= 1;
    onsite.queue.retain(|x| *x != a);
    let days = core.reg.0.spec.doctrines.federal.onsite_days;
    let until = core.later(days * 24.0);
    core.with_status(a, |s| s.onsite_until = Some(until));
    core.timers.schedule(until, Timer::OnsiteEnds(a));
    core.emit(Severity::Notice, EventKind::OnsiteDeployed { asset: a });
    true
}
