//! Adversary campaigns: target selection and the stage machine.
//!
//! Each (campaign, target) pair is an intrusion with its own random stream.
//! It acts every few hours (the campaign's tempo) and moves through
//! recon -> initial access -> foothold -> action on objective. What the
//! target knows decides much: an indicator of this campaign (or of the same
//! adversary and technique) that reached the target before the attempt
//! raises both the chance the attempt is blocked and the chance each action
//! is noticed. That coupling is what makes sharing measurable.

use bevy_ecs::message::Messages;

use super::Core;
use crate::events::{AttemptOutcome, EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;
use crate::scenario::schema::{Monitoring, Objective, TargetPreference, Technique, TechniqueSpec, Training};
use crate::time::Tick;

/// Runs the campaign work due this tick.
pub fn run_campaigns(
    core: &mut Core,
    cal: &mut Calendar<CampaignEvent>,
    fed: &mut Calendar<FederalEvent>,
    detections: &mut Messages<Detection>,
    eo: &Eo,
) {
    let now = core.now();
    let mut due = cal.take(now);
    for ev in due.drain(..) {
        match ev {
            CampaignEvent::Start(c) => start(core, cal, fed, c),
            CampaignEvent::NextTarget(c) => next_target(core, cal, eo, c),
            CampaignEvent::Act(i) => act(core, cal, detections, i),
            CampaignEvent::Surge(c) => surge(core, cal, eo, c),
            CampaignEvent::Hunt(i) => hunt(core, detections, i),
        }
    }
    cal.recycle(due);
}

fn start(
    core: &mut Core,
    cal: &mut Calendar<CampaignEvent>,
    fed: &mut Calendar<FederalEvent>,
    c: CampaignIx,
) {
    if core.campaigns.0[c.ix()].status != CampaignStatus::Dormant {
        return;
    }
    let now = core.now();
    let reg = core.reg.0.clone();
    let info = reg.campaign(c);
    {
        let run = &mut core.campaigns.0[c.ix()];
        run.status = CampaignStatus::Active;
        run.started = Some(now);
    }
    core.emit(Severity::Notice, EventKind::CampaignStarted { campaign: c });
    let adv = &reg.adversaries[info.adversary.ix()];
    // Does the intelligence community pick it up on its own?
    if core.seeded.streams.fixed_uniform(&["intel", info.id()]) < adv.intel_coverage {
        let t = core.later(adv.intel_delay_h);
        fed.schedule(t, FederalEvent::Intel(c));
    }
    if info.spec.objective == Objective::Influence {
        cal.schedule(core.later(1.0), CampaignEvent::Surge(c));
        return;
    }
    // Order the candidates, then keep the first `count` of those it does not already hold
    // (assets an inject put it inside, `Compromise` before the start, are not attacked again).
    // Only the first `want` of the order can be kept, so only those are put in order.
    let held: Vec<AssetIx> =
        core.campaigns.0[c.ix()].intrusions.iter().map(|i| core.intrusions.list[i.ix()].asset).collect();
    let count = info.spec.targets.as_ref().map_or(0, |t| t.count) as usize;
    let want = if count > 0 { count.saturating_add(held.len()) } else { usize::MAX };
    let prefer = info.spec.targets.as_ref().map(|t| t.prefer).unwrap_or_default();
    let candidates = &info.candidates;
    let mut order: Vec<AssetIx> = if prefer == TargetPreference::Largest {
        // Every key differs (the asset breaks ties), so the sorted order does not depend on
        // the order sorted: the shuffle below would be undone, and its stream serves nothing
        // else. The keys are worked out once, not at each comparison.
        let mut keyed: Vec<(std::cmp::Reverse<u64>, AssetIx)> =
            candidates.iter().map(|&a| (std::cmp::Reverse(core.voters_of(a)), a)).collect();
        smallest_sorted(&mut keyed, want);
        keyed.into_iter().map(|(_, a)| a).collect()
    } else {
        let mut stream = core.seeded.streams.stream(&["targets", info.id()]);
        // A partial shuffle draws the same first places as the whole one; the order of the
        // non-members' sort needs every place, as it keeps the shuffled order among equals.
        let places =
            if prefer == TargetPreference::Random { want.min(candidates.len()) } else { candidates.len() };
        stream.sample_indices(candidates.len(), places).into_iter().map(|k| candidates[k]).collect()
    };
    match prefer {
        TargetPreference::Random | TargetPreference::Largest => {}
        TargetPreference::NonMembers => {
            // Non-members first, without letting a sharing knob decide who is targeted: first
            // the jurisdictions listed as non-members, then local jurisdictions, then state
            // offices (nearly always members), then those listed as members; within each, the
            // least inclined to join first, by the same fixed draw per jurisdiction that
            // decides membership. At any `isac_membership` the drawn non-members lead, and
            // raising it turns some of the same targets into members instead of sending the
            // adversary elsewhere, so it cannot shift the denominator of warned_before_targeted.
            // Equal keys keep the shuffled order: the place breaks ties.
            let (rng, draws) = (core.seeded.streams, &core.seeded.isac_draws);
            let mut keyed: Vec<((u8, std::cmp::Reverse<u64>), usize)> = order
                .iter()
                .enumerate()
                .map(|(place, a)| {
                    let owner = reg.actor(reg.asset(*a).owner);
                    let group = match (owner.isac_listed, owner.kind) {
                        (Some(false), _) => 0,
                        (None, ActorKind::Local) => 1,
                        (None, _) => 2,
                        (Some(true), _) => 3,
                    };
                    // A uniform in [0, 1): its bits order like the number.
                    let draw = draws.get(reg.asset(*a).owner.ix()).copied().flatten();
                    let u = draw.unwrap_or_else(|| rng.fixed_uniform(&["isac_member", &owner.id])).to_bits();
                    ((group, std::cmp::Reverse(u)), place)
                })
                .collect();
            smallest_sorted(&mut keyed, want);
            order = keyed.into_iter().map(|(_, place)| order[place]).collect();
        }
    }
    if !held.is_empty() {
        order.retain(|a| !held.contains(a));
    }
    if count > 0 {
        order.truncate(count);
    }
    core.campaigns.0[c.ix()].queue = order;
    if info.technique() == Some(Technique::VendorCompromise) {
        // First the vendor's own update channel, by phishing its staff; its customers follow
        // once a malicious update is out.
        if let Some(channel) = info.vendor_channel {
            let i = new_intrusion(core, c, channel, Technique::Phishing, Stage::Recon);
            let t = gap(core, i, info.spec.tempo_h);
            cal.schedule(t, CampaignEvent::Act(i));
        }
    } else {
        cal.schedule(core.later(1.0), CampaignEvent::NextTarget(c));
    }
}

/// Sorts the `want` smallest of `keyed` (all different) to its front and drops the rest: the
/// front of the whole sorted list, without sorting what would be dropped.
fn smallest_sorted<K: Ord>(keyed: &mut Vec<K>, want: usize) {
    if want < keyed.len() {
        if want == 0 {
            keyed.clear();
            return;
        }
        keyed.select_nth_unstable(want - 1);
        keyed.truncate(want);
    }
    keyed.sort_unstable();
}

fn new_intrusion(
    core: &mut Core,
    c: CampaignIx,
    asset: AssetIx,
    technique: Technique,
    stage: Stage,
) -> IntrusionIx {
    let reg = core.reg.0.clone();
    let rng = core.seeded.streams.stream(&["intrusion", reg.campaign(c).id(), &reg.asset(asset).id]);
    let i = core.intrusions.push(Intrusion {
        campaign: c,
        asset,
        technique,
        stage,
        actions: 0,
        attempts: 0,
        compromised_at: None,
        detected_at: None,
        ended: None,
        rng,
        seen: 0,
    });
    core.campaigns.0[c.ix()].intrusions.push(i);
    core.record.digest.mix(&[0x21, u64::from(i.0), u64::from(c.0), u64::from(asset.0)]);
    i
}

/// Creates an intrusion already holding a foothold (an inject's "they were already inside").
///
/// A campaign found inside has begun: one that has not started yet starts this hour, as
/// `StartCampaign` starts it (its `CampaignStarted` event, the intelligence draw and its
/// target list, which leaves out the assets it already holds); a later `start` or
/// `StartCampaign` then changes nothing. A stopped campaign's footholds are placed and
/// counted, but end at their first action: a stopped campaign acts no more.
pub fn implant(core: &mut Core, cal: &mut Calendar<CampaignEvent>, c: CampaignIx, asset: AssetIx) {
    let now = core.now();
    let tech = core.reg.0.campaign(c).access();
    let i = new_intrusion(core, c, asset, tech, Stage::Foothold);
    core.change_intrusion(i, |x| x.compromised_at = Some(now));
    core.with_status(asset, |s| s.footholds += 1);
    core.record.metrics.compromises += 1;
    let run = &mut core.campaigns.0[c.ix()];
    if run.status == CampaignStatus::Dormant {
        cal.schedule(now, CampaignEvent::Start(c));
    }
    run.first_success.get_or_insert(now);
    let tempo = core.reg.0.campaign(c).spec.tempo_h;
    let t = gap(core, i, tempo);
    cal.schedule(t, CampaignEvent::Act(i));
}

/// Hours until an intrusion's next action: uniform around the tempo, at least one.
fn gap(core: &mut Core, i: IntrusionIx, tempo_h: u32) -> Tick {
    let tempo = tempo_h.max(1);
    let lo = (tempo / 2).max(1);
    let hi = tempo + tempo / 2;
    let h = core.intrusions.list[i.ix()].rng.range_u32(lo, hi.max(lo));
    core.later(f64::from(h))
}

fn next_target(core: &mut Core, cal: &mut Calendar<CampaignEvent>, eo: &Eo, c: CampaignIx) {
    let now = core.now();
    let reg = core.reg.0.clone();
    let info = reg.campaign(c);
    let run = &core.campaigns.0[c.ix()];
    if run.status != CampaignStatus::Active || now > info.until || eo.sanctioned.contains(&info.adversary) {
        return;
    }
    // With no spacing, every remaining target starts at once (a coordinated flood).
    let batch = if info.spec.spacing_h == 0 { run.queue.len().saturating_sub(run.next_target) } else { 1 };
    for _ in 0..batch {
        let run = &core.campaigns.0[c.ix()];
        let Some(&asset) = run.queue.get(run.next_target) else { return };
        core.campaigns.0[c.ix()].next_target += 1;
        // `recon_actions: 0` skips reconnaissance (a flood needs none).
        let tech = info.access();
        let stage = if tech == Technique::VendorCompromise || info.spec.recon_actions == 0 {
            Stage::InitialAccess
        } else {
            Stage::Recon
        };
        let i = new_intrusion(core, c, asset, tech, stage);
        let t = gap(core, i, info.spec.tempo_h);
        cal.schedule(t, CampaignEvent::Act(i));
    }
    if core.campaigns.0[c.ix()].next_target < core.campaigns.0[c.ix()].queue.len() {
        let t = core.later(f64::from(info.spec.spacing_h.max(1)));
        cal.schedule(t, CampaignEvent::NextTarget(c));
    }
}

fn technique_spec(reg: &Registry, t: Technique) -> &TechniqueSpec {
    let ts = &reg.spec.techniques;
    match t {
        Technique::Phishing => &ts.phishing,
        Technique::ExploitPublicFacing => &ts.exploit_public_facing,
        Technique::CredentialStuffing => &ts.credential_stuffing,
        Technique::VendorCompromise => &ts.vendor_compromise,
        Technique::DenialOfService => &ts.denial_of_service,
    }
}

/// Probability that one adversary action against a target is noticed.
pub fn detection_chance(
    det: &crate::scenario::schema::DetectionSpec,
    monitoring: Monitoring,
    onsite: bool,
    m: Match,
    boost: f64,
    stealth: f64,
) -> f64 {
    let level = |m: Monitoring| match m {
        Monitoring::None => det.none,
        Monitoring::Basic => det.basic,
        Monitoring::NetworkSensor => det.network_sensor,
        Monitoring::Endpoint => det.endpoint,
    };
    let mut base = level(monitoring);
    if onsite {
        base = base.max(level(Monitoring::Endpoint)) * 1.5;
    }
    let k = match m {
        Match::Campaign => boost,
        Match::Technique => 1.0 + (boost - 1.0) / 2.0,
        Match::None => 1.0,
    };
    (base * k * (1.0 - 0.6 * stealth)).clamp(0.0, 0.95)
}

/// The chances that one access attempt is blocked, and that (if not blocked) it succeeds.
///
/// Blocking rises with what the target holds: an indicator of this very
/// campaign adds `block_with_indicator`, one of the same adversary and
/// technique half of it. Success falls with posture and rises with skill.
pub fn access_odds(
    ts: &TechniqueSpec,
    tech: Technique,
    posture: &crate::scenario::schema::Posture,
    m: Match,
    skill: f64,
) -> (f64, f64) {
    let ind_bonus = match m {
        Match::Campaign => ts.block_with_indicator,
        Match::Technique => ts.block_with_indicator / 2.0,
        Match::None => 0.0,
    };
    let mut p_block = ts.block + ind_bonus;
    if posture.monitoring == Monitoring::Endpoint {
        p_block += 0.1;
    }
    if tech == Technique::DenialOfService && posture.ddos_protection {
        p_block += 0.3;
    }
    let p_succ = ts.success * posture_factor(tech, posture, ts.success) * (0.5 + skill);
    (p_block.clamp(0.0, 0.95), p_succ.clamp(0.0, 0.95))
}

/// How posture scales an access technique's success.
pub fn posture_factor(t: Technique, p: &crate::scenario::schema::Posture, base_phish: f64) -> f64 {
    match t {
        Technique::Phishing => {
            // KnowBe4 2024: 34.3% untrained, 18.9% after 90 days, 4.6% after a year of training.
            let trained = match p.training {
                Training::Untrained => 1.0,
                Training::NinetyDays => 0.189 / 0.343,
                Training::TwelveMonths => 0.046 / 0.343,
            };
            let _ = base_phish;
            trained * if p.mfa { 0.25 } else { 1.0 }
        }
        Technique::ExploitPublicFacing => (f64::from(p.patch_lag_days) / 30.0).clamp(0.05, 1.0),
        Technique::CredentialStuffing => {
            if p.mfa {
                0.02
            } else {
                1.0
            }
        }
        Technique::VendorCompromise => 1.0,
        Technique::DenialOfService => {
            if p.ddos_protection {
                0.2
            } else {
                1.0
            }
        }
    }
}

fn act(
    core: &mut Core,
    cal: &mut Calendar<CampaignEvent>,
    detections: &mut Messages<Detection>,
    i: IntrusionIx,
) {
    let now = core.now();
    let reg = core.reg.0.clone();
    let (c, asset, tech, stage, ended) = {
        let x = &core.intrusions.list[i.ix()];
        (x.campaign, x.asset, x.technique, x.stage, x.ended.is_some())
    };
    if ended {
        return;
    }
    let info = reg.campaign(c);
    if core.campaigns.0[c.ix()].status == CampaignStatus::Stopped {
        core.end_intrusion(i, Ending::Stopped);
        return;
    }
    let Some(status) = core.status(asset) else { return };
    let Some(posture) = core.posture(asset) else { return };
    let owner = reg.asset(asset).owner;
    let adv = &reg.adversaries[info.adversary.ix()];
    let life = reg.spec.sharing.indicator_life_h();
    let (m, shared) =
        core.knows(owner).map_or((Match::None, false), |k| k.best_match(c, info.adversary, tech, now, life));
    let ts = technique_spec(&reg, tech).clone();
    let onsite = status.onsite_until.is_some_and(|t| t > now);
    let p_detect = detection_chance(
        &reg.spec.techniques.detection,
        posture.monitoring,
        onsite,
        m,
        ts.detect_boost,
        adv.stealth,
    );
    core.record.digest.mix(&[0x22, u64::from(i.0), stage as u64]);
    let tempo = info.spec.tempo_h;
    match stage {
        Stage::Recon => {
            if status.availability == Availability::Offline {
                let t = gap(core, i, tempo);
                cal.schedule(t, CampaignEvent::Act(i));
                return;
            }
            let factor = if posture.monitoring == Monitoring::NetworkSensor { 1.0 } else { 0.5 };
            let x = &mut core.intrusions.list[i.ix()];
            x.actions += 1;
            let seen = x.rng.chance(p_detect * factor);
            let done = x.actions >= info.spec.recon_actions;
            if done {
                x.stage = Stage::InitialAccess;
                x.actions = 0;
            }
            if seen {
                detections.write(Detection { intrusion: i, stage: Stage::Recon });
            }
            let t = gap(core, i, tempo);
            cal.schedule(t, CampaignEvent::Act(i));
        }
        Stage::InitialAccess => {
            let x = StepContext {
                i,
                c,
                asset,
                owner,
                tech,
                ts,
                info,
                skill: adv.skill,
                status,
                posture,
                m,
                shared,
                p_detect,
                tempo,
                now,
            };
            initial_access(core, cal, detections, &x);
        }
        Stage::Foothold => {
            let (seen, done) = {
                let x = &mut core.intrusions.list[i.ix()];
                x.actions += 1;
                (x.rng.chance(p_detect), x.actions >= info.spec.foothold_actions)
            };
            if seen {
                detections.write(Detection { intrusion: i, stage: Stage::Foothold });
            }
            if done {
                objective(core, cal, detections, i, c, asset);
                {
                    let x = &mut core.intrusions.list[i.ix()];
                    x.stage = Stage::ActionOnObjective;
                    x.actions = 0;
                }
                let t = gap(core, i, reg.spec.techniques.detection.persistence_tempo_h);
                cal.schedule(t, CampaignEvent::Act(i));
            } else {
                let t = gap(core, i, tempo);
                cal.schedule(t, CampaignEvent::Act(i));
            }
        }
        Stage::ActionOnObjective => {
            let seen = core.intrusions.list[i.ix()].rng.chance(p_detect);
            if seen {
                detections.write(Detection { intrusion: i, stage: Stage::ActionOnObjective });
            }
            let t = gap(core, i, reg.spec.techniques.detection.persistence_tempo_h);
            cal.schedule(t, CampaignEvent::Act(i));
        }
    }
}

/// What one intrusion's step needs to know about its campaign, target and defender, worked
/// out once by [`act`].
struct StepContext<'a> {
    i: IntrusionIx,
    c: CampaignIx,
    asset: AssetIx,
    owner: ActorIx,
    tech: Technique,
    ts: TechniqueSpec,
    info: &'a CampaignInfo,
    skill: f64,
    status: Status,
    posture: crate::scenario::schema::Posture,
    m: Match,
    shared: bool,
    p_detect: f64,
    tempo: u32,
    now: Tick,
}

/// An access attempt: blocked (the campaign ends here), a foothold (or, for a flood, the
/// site down at once), or a failure tried again until the campaign's attempts run out.
fn initial_access(
    core: &mut Core,
    cal: &mut Calendar<CampaignEvent>,
    detections: &mut Messages<Detection>,
    x: &StepContext,
) {
    let &StepContext { i, c, asset, owner, tech, info, m, shared, p_detect, tempo, now, .. } = x;
    let (ts, posture, status) = (&x.ts, &x.posture, &x.status);
    let adv_skill = x.skill;
    if status.availability == Availability::Offline {
        // Nothing to attack while it is offline; try again later.
        let t = gap(core, i, tempo);
        cal.schedule(t, CampaignEvent::Act(i));
        return;
    }
    core.intrusions.list[i.ix()].attempts += 1;
    core.record.metrics.attempted += 1;
    let kind = core.reg.0.actor(owner).kind;
    if matches!(kind, ActorKind::Local | ActorKind::StateOffice) {
        core.record.metrics.target(owner, m != Match::None);
    }
    let (p_block, p_succ) = access_odds(ts, tech, posture, m, adv_skill);
    let (u, seen_draw) = {
        let x = &mut core.intrusions.list[i.ix()];
        (x.rng.uniform(), x.rng.uniform())
    };
    let warned = m != Match::None;
    if u < p_block {
        core.record.metrics.blocked += 1;
        if shared && warned {
            core.record.metrics.blocked_shared += 1;
        }
        core.emit(
            Severity::Info,
            EventKind::Attempt {
                campaign: c,
                asset,
                outcome: AttemptOutcome::Blocked { shared: shared && warned },
                warned,
            },
        );
        // A blocked attempt leaves traces a defender often notices.
        if seen_draw < (p_detect * 3.0 + 0.1).min(0.95) {
            detections.write(Detection { intrusion: i, stage: Stage::InitialAccess });
        }
        core.end_intrusion(i, Ending::Blocked);
    } else if u < p_block + (1.0 - p_block) * p_succ {
        core.record.metrics.succeeded += 1;
        core.emit(
            Severity::Warning,
            EventKind::Attempt { campaign: c, asset, outcome: AttemptOutcome::Succeeded, warned },
        );
        core.campaigns.0[c.ix()].first_success.get_or_insert(now);
        if tech == Technique::DenialOfService {
            // The flood is the objective: the site goes down, visibly.
            let hours = {
                let x = &mut core.intrusions.list[i.ix()];
                let o = info.spec.outage_h.max(1);
                x.rng.range_u32((o / 2).max(1), o + o / 2)
            };
            let avail = if posture.ddos_protection { Availability::Degraded } else { Availability::Offline };
            core.take_down(asset, DownCause::Attack, avail, Some(f64::from(hours)));
            core.emit(
                Severity::Critical,
                EventKind::ObjectiveReached { campaign: c, asset, objective: info.spec.objective },
            );
            detections.write(Detection { intrusion: i, stage: Stage::ActionOnObjective });
            core.end_intrusion(i, Ending::Completed);
            return;
        }
        core.change_intrusion(i, |x| {
            x.stage = Stage::Foothold;
            x.actions = 0;
            x.compromised_at = Some(now);
        });
        core.record.metrics.compromises += 1;
        core.with_status(asset, |s| s.footholds += 1);
        if seen_draw < p_detect {
            detections.write(Detection { intrusion: i, stage: Stage::InitialAccess });
        }
        let t = gap(core, i, tempo);
        cal.schedule(t, CampaignEvent::Act(i));
    } else {
        core.emit(
            Severity::Info,
            EventKind::Attempt { campaign: c, asset, outcome: AttemptOutcome::Failed, warned },
        );
        if seen_draw < p_detect {
            detections.write(Detection { intrusion: i, stage: Stage::InitialAccess });
        }
        if core.intrusions.list[i.ix()].attempts >= info.spec.max_attempts {
            core.end_intrusion(i, Ending::GaveUp);
        } else {
            let t = gap(core, i, tempo);
            cal.schedule(t, CampaignEvent::Act(i));
        }
    }
}

fn objective(
    core: &mut Core,
    cal: &mut Calendar<CampaignEvent>,
    detections: &mut Messages<Detection>,
    i: IntrusionIx,
    c: CampaignIx,
    asset: AssetIx,
) {
    let reg = core.reg.0.clone();
    let info = reg.campaign(c);
    let now = core.now();
    // Through a vendor's update channel: the malicious update goes out to its customers.
    if reg.asset(asset).kind == crate::scenario::schema::AssetKind::VendorUpdate
        && info.technique() == Some(Technique::VendorCompromise)
    {
        core.emit(
            Severity::Critical,
            EventKind::ObjectiveReached { campaign: c, asset, objective: info.spec.objective },
        );
        cal.schedule(core.later(1.0), CampaignEvent::NextTarget(c));
        return;
    }
    core.emit(
        Severity::Critical,
        EventKind::ObjectiveReached { campaign: c, asset, objective: info.spec.objective },
    );
    match info.spec.objective {
        Objective::Disrupt => {
            let hours = f64::from(info.spec.outage_h.max(1));
            core.take_down(asset, DownCause::Attack, Availability::Offline, Some(hours));
            // Ransomware announces itself.
            detections.write(Detection { intrusion: i, stage: Stage::ActionOnObjective });
        }
        Objective::AlterData => {
            let n = (core.voters_of(asset) as f64 * info.spec.altered_share).round() as u64;
            core.record.metrics.alter(asset, n);
            core.with_status(asset, |s| s.altered = true);
        }
        Objective::StealAndLeak => {
            let t = core.later(f64::from(info.spec.leak_after_h));
            core.timers.schedule(t, Timer::Leak(i));
        }
        Objective::Influence => {}
    }
    let _ = now;
}

/// A hunt after a notification: the owner, holding an indicator of this very campaign from
/// someone else, searches its systems; most breaches are first found that way, from outside
/// (M-Trends: 54% to 63%).
fn hunt(core: &mut Core, detections: &mut Messages<Detection>, i: IntrusionIx) {
    let p = core.reg.0.spec.techniques.detection.hunt;
    let x = &mut core.intrusions.list[i.ix()];
    if x.ended.is_some() || x.detected_at.is_some() || x.compromised_at.is_none() {
        return;
    }
    let stage = x.stage;
    if x.rng.chance(p) {
        detections.write(Detection { intrusion: i, stage });
    }
    core.record.digest.mix(&[0x23, u64::from(i.0)]);
}

fn surge(core: &mut Core, cal: &mut Calendar<CampaignEvent>, eo: &Eo, c: CampaignIx) {
    let now = core.now();
    let reg = core.reg.0.clone();
    let info = reg.campaign(c);
    let run = &mut core.campaigns.0[c.ix()];
    if run.status != CampaignStatus::Active || now > info.until || eo.sanctioned.contains(&info.adversary) {
        return;
    }
    run.surges += 1;
    let about = format!("{} (surge {})", info.spec.name, run.surges);
    core.emit(
        Severity::Warning,
        EventKind::Disinformation { campaign: Some(c), about, intensity: info.spec.surge_intensity },
    );
    core.public_incident(info.spec.surge_intensity, None, true, Some(c));
    let t = core.later(f64::from(info.spec.surge_every_h.max(1)));
    cal.schedule(t, CampaignEvent::Surge(c));
}

#[cfg(test)]
mod tests {
    use super::smallest_sorted;

    /// Keeping the smallest `want` keys in order gives the first `want` of a full sort.
    #[test]
    fn smallest_sorted_is_a_prefix_of_the_full_sort() {
        let mut raw = crate::rng::xorshift(0x2545_f491_4f6c_dd1d);
        let mut next = |m: u64| raw() % m;
        for (n, spread) in [(0, 1), (1, 1), (7, 3), (50, 1_000), (300, 40)] {
            let keys: Vec<(u64, usize)> = (0..n).map(|i| (next(spread), i)).collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            for want in [0, 1, n / 2, n, n + 3] {
                let mut got = keys.clone();
                smallest_sorted(&mut got, want);
                assert_eq!(got, sorted[..want.min(n)], "{n} keys, {want} wanted");
            }
        }
    }
}
