//! Federal work: intelligence collection, FBI investigations, and the EO 13848
//! post-election process (assessment within 45 days of the election, the
//! DOJ/DHS report within 45 days after it, then the sanctions decision).
//!
//! The assessment waits for evidence: when the evidence for any adversary is
//! below what the intelligence community needs, coordination drags on and the
//! assessment is late (as in 2020, delivered on about day 65), or it goes out
//! at the cap with low confidence, possibly naming the wrong adversary when a
//! false flag moved evidence.

use bevy_ecs::message::Messages;

use super::Core;
use super::detection::add_evidence;
use crate::events::{EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;
use crate::rng::Stream;
use crate::scenario::schema::{Channel, Objective};
use crate::time::{ETime, Tick};

/// Runs the federal work due this tick.
pub fn run_federal(
    core: &mut Core,
    cal: &mut Calendar<FederalEvent>,
    eo: &mut Eo,
    orders: &mut Messages<ShareOrder>,
    onsite: &Onsite,
) {
    let now = core.now();
    let mut due = cal.take(now);
    for ev in due.drain(..) {
        let reg = core.reg.0.clone();
        match ev {
            FederalEvent::Intel(c) => {
                let info = reg.campaign(c);
                let odni = reg.federal.odni;
                let ind = core.new_indicator(c, info.technique(), Stage::Recon, odni);
                core.learn(odni, ind, None, None);
                add_evidence(
                    eo,
                    &mut core.record.digest,
                    &reg,
                    info.adversary,
                    reg.spec.eo13848.evidence_per_intel,
                );
                core.emit(Severity::Notice, EventKind::IntelGained { campaign: c, indicator: ind });
            }
            FederalEvent::Investigations => {
                // In campaign order. A day's work opens and closes no investigation, so their
                // campaigns are taken first (on the stack, for up to 32 of them).
                let n = eo.investigations.len();
                let (mut on_stack, mut on_heap) = ([CampaignIx(0); 32], Vec::new());
                let open: &mut [CampaignIx] = if n <= on_stack.len() {
                    &mut on_stack[..n]
                } else {
                    on_heap.resize(n, CampaignIx(0));
                    &mut on_heap
                };
                for (slot, c) in open.iter_mut().zip(eo.investigations.keys()) {
                    *slot = *c;
                }
                for &c in open.iter() {
                    investigation_day(core, eo, orders, c);
                }
                let t = core.later(24.0);
                cal.schedule(t, FederalEvent::Investigations);
            }
            FederalEvent::AssessmentCheck => {
                if eo.assessment_at.is_some() || core.staffed(reg.federal.odni) {
                    continue;
                }
                let needed = reg.spec.eo13848.evidence_needed;
                let best = eo.evidence.iter().copied().fold(0.0, f64::max);
                let cap =
                    reg.clock.tick_clamped(ETime::new(i64::from(reg.spec.eo13848.assessment_cap_days), 0));
                if best >= needed || now >= cap {
                    deliver_assessment(core, eo, cal, onsite);
                } else {
                    // Still coordinating: another day's analysis of every suspected adversary.
                    let spec = &reg.spec.eo13848;
                    for adv in 0..eo.evidence.len() {
                        if eo.evidence[adv] >= spec.name_threshold {
                            let a = AdversaryIx(adv as u32);
                            add_evidence(
                                eo,
                                &mut core.record.digest,
                                &reg,
                                a,
                                spec.evidence_per_analysis_day,
                            );
                        }
                    }
                    let t = core.later(24.0);
                    cal.schedule(t, FederalEvent::AssessmentCheck);
                }
            }
            FederalEvent::ReportDone => {
                if eo.report_at.is_none() && !core.staffed(reg.federal.doj) {
                    deliver_report(core, eo, cal);
                }
            }
            FederalEvent::SanctionsDecision => {
                if eo.sanctions_at.is_some() || core.staffed(reg.federal.treasury) {
                    continue;
                }
                let imposed: Vec<AdversaryIx> =
                    if eo.confident == Some(true) { eo.named.clone() } else { vec![] };
                for a in &imposed {
                    eo.sanctioned.insert(*a);
                }
                eo.sanctions_at = Some(now);
                core.emit(Severity::Notice, EventKind::SanctionsDecision { imposed });
            }
        }
    }
    cal.recycle(due);
}

/// One day of one investigation: evidence accrues, and the FBI may find (and notify) another victim.
fn investigation_day(core: &mut Core, eo: &mut Eo, orders: &mut Messages<ShareOrder>, c: CampaignIx) {
    let reg = core.reg.0.clone();
    let now = core.now();
    let Some(opened) = eo.investigations.get(&c).map(|i| i.opened) else { return };
    let info = reg.campaign(c);
    add_evidence(
        eo,
        &mut core.record.digest,
        &reg,
        info.adversary,
        reg.spec.eo13848.evidence_per_investigation_day,
    );
    // The day's stream serves only to find an untold victim: with none left it is not opened.
    if !any_untold(core, eo, &reg, c) {
        return;
    }
    let day = u64::from(now.0.saturating_sub(opened.0) / 24);
    let mut stream = core.seeded.streams.stream_n(&["investigation", info.id()], day);
    if !stream.chance(reg.spec.doctrines.federal.investigation_find_rate) {
        return;
    }
    let Some(pick) = untold_victim(core, eo, &reg, c, &mut stream) else { return };
    if let Some(x) = eo.investigations.get_mut(&c) {
        x.notified.insert(pick);
    }
    core.emit(Severity::Notice, EventKind::VictimFound { campaign: c, victim: pick });
    let fbi = reg.federal.fbi;
    if !core.staffed(fbi) {
        let held = core.knows(fbi).and_then(|k| k.held.iter().find(|h| h.campaign == c).map(|h| h.indicator));
        if let Some(ind) = held {
            orders.write(ShareOrder {
                from: fbi,
                indicator: ind,
                channel: Channel::FbiToVictim,
                to: Some(pick),
            });
        }
    }
}

/// Whether the campaign has touched a victim its investigation has not told yet.
fn any_untold(core: &Core, eo: &Eo, reg: &Registry, c: CampaignIx) -> bool {
    let told = eo.investigations.get(&c).map(|i| &i.notified);
    core.campaigns.0[c.ix()].intrusions.iter().any(|i| {
        let x = &core.intrusions.list[i.ix()];
        (x.attempts > 0 || x.compromised_at.is_some())
            && !told.is_some_and(|t| t.contains(&reg.asset(x.asset).owner))
    })
}

/// A victim the campaign has touched that its investigation has not told yet, drawn from
/// `stream` among all of them in actor order; none when every victim was told. They are marked
/// in a bitset over actors, which reads back in order and without repeats. Out of line: on
/// most days no victim is found and this is not needed.
#[inline(never)]
fn untold_victim(
    core: &Core,
    eo: &Eo,
    reg: &Registry,
    c: CampaignIx,
    stream: &mut Stream,
) -> Option<ActorIx> {
    let words = reg.actors.len().div_ceil(64);
    let (mut on_stack, mut on_heap) = ([0u64; 32], Vec::new());
    let marked: &mut [u64] = if words <= on_stack.len() {
        &mut on_stack[..words]
    } else {
        on_heap.resize(words, 0);
        &mut on_heap
    };
    for i in &core.campaigns.0[c.ix()].intrusions {
        let x = &core.intrusions.list[i.ix()];
        if x.attempts > 0 || x.compromised_at.is_some() {
            let o = reg.asset(x.asset).owner.ix();
            if let Some(w) = marked.get_mut(o / 64) {
                *w |= 1 << (o % 64);
            }
        }
    }
    if let Some(inv) = eo.investigations.get(&c) {
        for o in &inv.notified {
            if let Some(w) = marked.get_mut(o.ix() / 64) {
                *w &= !(1 << (o.ix() % 64));
            }
        }
    }
    let untold: u32 = marked.iter().map(|w| w.count_ones()).sum();
    if untold == 0 {
        return None;
    }
    nth_marked(marked, stream.range_u32(0, untold - 1))
}

/// The actor of the `n`-th set bit (from 0, in actor order) of a bitset over actors.
fn nth_marked(marked: &[u64], mut n: u32) -> Option<ActorIx> {
    for (k, &w) in marked.iter().enumerate() {
        let ones = w.count_ones();
        if n < ones {
            let mut w = w;
            for _ in 0..n {
                w &= w - 1;
            }
            return Some(ActorIx((k * 64) as u32 + w.trailing_zeros()));
        }
        n -= ones;
    }
    None
}

/// The tick of the next 09:00 after now, when the FBI's daily round happens.
pub fn next_morning(core: &Core) -> Tick {
    let t = core.time(core.now());
    let mut m = ETime::new(t.day(), 9);
    if m <= t {
        m = ETime::new(t.day() + 1, 9);
    }
    let reg = core.reg();
    reg.clock.tick_of(m).unwrap_or(Tick(reg.clock.ticks()))
}

/// The adversaries that interfered, in order: with `achieved`, those that gained a foothold,
/// flooded a site or pushed a surge; otherwise also those that only attempted.
pub fn interfering(
    campaigns: &[CampaignRun],
    intrusions: &[Intrusion],
    reg: &Registry,
    achieved: bool,
) -> Vec<AdversaryIx> {
    let mut v: Vec<AdversaryIx> = Vec::new();
    for (k, run) in campaigns.iter().enumerate() {
        let info = &reg.campaigns[k];
        // Only a foreign government's interference is assessed under EO 13848.
        if !reg.adversaries[info.adversary.ix()].kind.is_foreign_government() {
            continue;
        }
        let acted = if info.spec.objective == Objective::Influence {
            run.surges > 0
        } else if achieved {
            run.first_success.is_some()
        } else {
            run.intrusions.iter().any(|i| {
                let x = &intrusions[i.ix()];
                x.attempts > 0 || x.compromised_at.is_some()
            })
        };
        if acted && !v.contains(&info.adversary) {
            v.push(info.adversary);
        }
    }
    v.sort();
    v
}

/// The tick of the assessment deadline (45 days after the election, end of that day).
pub fn assessment_due(reg: &Registry) -> ETime {
    ETime::new(i64::from(reg.spec.eo13848.assessment_due_days), 23)
}

/// Delivers the §1(a) assessment now. The report it starts takes longer the more detected
/// compromises nobody assessed on site (growing with the square root of their number).
pub fn deliver_assessment(core: &mut Core, eo: &mut Eo, cal: &mut Calendar<FederalEvent>, onsite: &Onsite) {
    let reg = core.reg.0.clone();
    let now = core.now();
    let spec = &reg.spec.eo13848;
    let named: Vec<AdversaryIx> = eo
        .evidence
        .iter()
        .enumerate()
        .filter(|(_, e)| **e >= spec.name_threshold)
        .map(|(i, _)| AdversaryIx(i as u32))
        .collect();
    let confident = eo.evidence.iter().copied().fold(0.0, f64::max) >= spec.evidence_needed;
    eo.assessment_at = Some(now);
    eo.named = named.clone();
    eo.confident = Some(confident);
    let on_time = core.time(now) <= assessment_due(&reg);
    core.emit(Severity::Notice, EventKind::AssessmentDelivered { named, on_time, confident });
    // The report takes longer for every compromise nobody assessed on site.
    let unassessed = core
        .intrusions
        .list
        .iter()
        .filter(|x| {
            x.detected_at.is_some() && x.compromised_at.is_some() && !onsite.assessed.contains(&x.asset)
        })
        .count() as f64;
    // sqrt is exactly rounded in IEEE 754, so this stays the same on every platform.
    let t = core.later((spec.report_work_days + spec.report_days_per_unassessed * unassessed.sqrt()) * 24.0);
    eo.report_due_at = Some(t);
    cal.schedule(t, FederalEvent::ReportDone);
}

/// Delivers the §1(b) report now.
pub fn deliver_report(core: &mut Core, eo: &mut Eo, cal: &mut Calendar<FederalEvent>) {
    let reg = core.reg.0.clone();
    let now = core.now();
    eo.report_at = Some(now);
    let on_time = eo.assessment_at.is_some_and(|a| report_on_time(&reg, a, now));
    core.emit(Severity::Notice, EventKind::ReportDelivered { on_time });
    let t = core.later(reg.spec.eo13848.sanctions_days * 24.0);
    cal.schedule(t, FederalEvent::SanctionsDecision);
}

/// Whether a report delivered at `report` after an assessment at `assessment` met its deadline.
pub fn report_on_time(reg: &Registry, assessment: Tick, report: Tick) -> bool {
    let due = reg.clock.at(assessment).0 + i64::from(reg.spec.eo13848.report_due_days) * 24;
    reg.clock.at(report).0 <= due
}

#[cfg(test)]
mod tests {
    use super::nth_marked;
    use crate::model::registry::ActorIx;

    /// The n-th marked actor is the n-th set bit in actor order, none past the last.
    #[test]
    fn nth_marked_counts_set_bits_in_order() {
        let marked = [0b1010_u64, 0, 1 << 63, u64::MAX];
        let mut set: Vec<u32> = Vec::new();
        for (k, w) in marked.iter().enumerate() {
            set.extend((0..64).filter(|b| w >> b & 1 == 1).map(|b| k as u32 * 64 + b));
        }
        for (n, &a) in set.iter().enumerate() {
            assert_eq!(nth_marked(&marked, n as u32), Some(ActorIx(a)), "bit {n}");
        }
        assert_eq!(nth_marked(&marked, set.len() as u32), None);
        assert_eq!(nth_marked(&[], 0), None);
    }
}
