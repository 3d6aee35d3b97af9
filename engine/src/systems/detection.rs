//! Detection: what was noticed becomes an indicator and a known compromise.
//!
//! The asset's owner is the one who notices, except that a network sensor
//! (Albert) is watched by the EI-ISAC's operations centre, which then holds
//! the indicator too. Each detection also adds attribution evidence for the
//! EO 13848 assessment (part of it pointing at the imitated adversary when
//! the attacker runs a false flag).

use super::Core;
use crate::events::{EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;
use crate::scenario::schema::Monitoring;

/// Turns this tick's detections into indicators, known compromises and evidence.
/// `list` is what was detected this tick, in the order it was noticed.
pub fn run_detection(core: &mut Core, list: Vec<Detection>, eo: &mut Eo) {
    let now = core.now();
    for d in list {
        let reg = core.reg.0.clone();
        let (c, asset, compromised_at, already_detected, seen) = {
            let x = &core.intrusions.list[d.intrusion.ix()];
            (x.campaign, x.asset, x.compromised_at, x.detected_at.is_some(), x.seen)
        };
        let bit = 1u8 << (d.stage as u8);
        let new_stage = seen & bit == 0;
        core.intrusions.list[d.intrusion.ix()].seen |= bit;
        let owner = reg.asset(asset).owner;
        let info = reg.campaign(c);
        let technique = core.intrusions.list[d.intrusion.ix()].technique;
        // Attribution evidence.
        add_evidence(
            eo,
            &mut core.record.digest,
            &reg,
            info.adversary,
            reg.spec.eo13848.evidence_per_detection,
        );
        if !new_stage {
            continue;
        }
        let is_compromise =
            d.stage >= Stage::Foothold || (d.stage == Stage::InitialAccess && compromised_at.is_some());
        if is_compromise && !already_detected && compromised_at.is_some() {
            let since = compromised_at.unwrap_or(now);
            core.change_intrusion(d.intrusion, |x| x.detected_at = Some(now));
            core.record.metrics.dwell.add(now.0.saturating_sub(since.0));
            core.record.metrics.compromises_detected += 1;
            let ended = core.intrusions.list[d.intrusion.ix()].ended.is_some();
            if !ended {
                core.with_status(asset, |s| s.known_footholds += 1);
            }
        }
        if d.stage == Stage::Recon {
            core.with_status(asset, |s| s.probed_seen = true);
        }
        let run = &mut core.campaigns.0[c.ix()];
        let first = run.first_detected.is_none();
        run.first_detected.get_or_insert(now);
        run.known_victims.insert(owner);
        if first {
            // The campaign was alerted on before anyone here detected it: sharing came first.
            if run.first_alert.is_some() {
                core.record.metrics.time_to_share.add(0);
            }
        }
        // One indicator per (campaign, detector) from its own detections.
        let holds_own =
            core.knows(owner).is_some_and(|k| k.held.iter().any(|h| h.campaign == c && h.from.is_none()));
        let indicator = if holds_own {
            None
        } else {
            let ind = core.new_indicator(c, Some(technique), d.stage, owner);
            core.learn(owner, ind, None, None);
            Some(ind)
        };
        let sev = if is_compromise { Severity::Warning } else { Severity::Notice };
        core.emit(
            sev,
            EventKind::Detected { campaign: c, asset, detector: owner, stage: d.stage, indicator },
        );
        // A network sensor is watched by the EI-ISAC: it sees what the sensor sees.
        let monitoring = core.posture(asset).map(|p| p.monitoring);
        if monitoring == Some(Monitoring::NetworkSensor) {
            let isac = reg.federal.eiisac;
            let ind = match indicator {
                Some(i) => Some(i),
                None => core.knows(owner).and_then(|k| {
                    k.held.iter().find(|h| h.campaign == c && h.from.is_none()).map(|h| h.indicator)
                }),
            };
            if let Some(ind) = ind {
                core.learn(isac, ind, None, None);
            }
        }
    }
}

/// Adds attribution evidence for an adversary, splitting off the false-flag share.
pub fn add_evidence(eo: &mut Eo, digest: &mut Digest, reg: &Registry, adv: AdversaryIx, amount: f64) {
    let info = &reg.adversaries[adv.ix()];
    // EO 13848 concerns foreign governments: evidence against criminals or hacktivists is not
    // part of the assessment.
    if !info.kind.is_foreign_government() {
        return;
    }
    digest.mix(&[0x15, u64::from(adv.0), amount.to_bits()]);
    let own = match info.false_flag {
        Some(ff) => {
            let moved = amount * info.false_flag_share;
            if let Some(x) = eo.evidence.get_mut(ff.ix()) {
                *x += moved;
            }
            amount - moved
        }
        None => amount,
    };
    if let Some(x) = eo.evidence.get_mut(adv.ix()) {
        *x += own;
    }
}
