//! Federal work: intelligence collection, FBI investigations, and the EO 13848
//! post-election process (assessment within 45 days of the election, the
//! DOJ/DHS report within 45 days after it, then the sanctions decision).
//!
//! The assessment waits for evidence: when the evidence for any adversary is
//! below what the intelligence community needs, coordination drags on and the
//! assessment is late (as in 2020, delivered on about day 65), or it goes out
//! at the cap with low confidence, possibly naming the wrong adversary when a
//! false flag moved evidence.

use std::ops::Bound::{Excluded, Unbounded};

use bevy_ecs::message::Messages;

use super::Core;
use super::detection::add_evidence;
use crate::events::{EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;
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
                // In campaign order, without copying the open investigations.
                let mut next = eo.investigations.keys().next().copied();
                while let Some(c) = next {
                    investigation_day(core, eo, orders, c);
                    next = eo.investigations.range((Excluded(c), Unbounded)).next().map(|(k, _)| *k);
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
    let day = u64::from(now.0.saturating_sub(opened.0) / 24);
    let mut stream = core.seeded.streams.stream_n(&["investigation", info.id()], day);
    if !stream.chance(reg.spec.doctrines.federal.investigation_find_rate) {
        return;
    }
    // Victims the campaign has touched that the FBI has not yet told.
    let mut victims: Vec<ActorIx> = core.campaigns.0[c.ix()]
        .intrusions
        .iter()
        .map(|i| &core.intrusions.list[i.ix()])
        .filter(|x| x.attempts > 0 || x.compromised_at.is_some())
        .map(|x| reg.asset(x.asset).owner)
        .filter(|o| !eo.investigations.get(&c).is_some_and(|i| i.notified.contains(o)))
        .collect();
    victims.sort_unstable();
    victims.dedup();
    if victims.is_empty() {
        return;
    }
    let pick = victims[stream.range_u32(0, victims.len() as u32 - 1) as usize];
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
