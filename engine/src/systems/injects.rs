//! Injects: the events the exercise's timeline brings, and the facilitator's unscripted ones.

use bevy_ecs::prelude::*;

use super::Core;
use super::campaigns::implant;
use crate::events::{EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;
use crate::rng::Stream;

/// Fires the injects due this tick.
pub fn run_injects(
    mut core: Core,
    mut cal: ResMut<Calendar<InjectEvent>>,
    mut injects: ResMut<Injects>,
    mut inbox: ResMut<Inbox>,
    mut campaign_cal: ResMut<Calendar<CampaignEvent>>,
) {
    let now = core.now();
    let mut due = cal.take(now);
    for ev in due.drain(..) {
        let reg = core.reg.0.clone();
        match ev {
            InjectEvent::ModuleStart(m) => {
                core.emit(Severity::Notice, EventKind::ModuleStarted { module: m })
            }
            InjectEvent::Scripted(i) => {
                if !matches!(injects.state[i.ix()], InjectState::Pending | InjectState::Scheduled(_)) {
                    continue;
                }
                injects.state[i.ix()] = InjectState::Fired(now);
                let info = &reg.injects[i.ix()];
                core.emit(
                    Severity::Notice,
                    EventKind::InjectFired {
                        inject: Some(i),
                        title: info.spec.title.clone(),
                        teams: info.teams.clone(),
                    },
                );
                inbox.0.push(InboxMessage {
                    tick: now,
                    teams: info.teams.clone(),
                    title: info.spec.title.clone(),
                    text: info.spec.description.clone(),
                });
                let mut stream = core.rng.0.stream(&["inject", &info.spec.id]);
                for e in &info.effects {
                    apply_effect(
                        &mut core,
                        &mut campaign_cal,
                        &mut inbox,
                        &mut stream,
                        e,
                        &info.teams,
                        &info.spec.title,
                    );
                }
            }
            InjectEvent::AdHoc { title, teams, effects, n } => {
                core.emit(
                    Severity::Notice,
                    EventKind::InjectFired { inject: None, title: title.clone(), teams: teams.clone() },
                );
                inbox.0.push(InboxMessage {
                    tick: now,
                    teams: teams.clone(),
                    title: title.clone(),
                    text: String::new(),
                });
                let mut stream = core.rng.0.stream_n(&["adhoc_inject"], u64::from(n));
                for e in &effects {
                    apply_effect(&mut core, &mut campaign_cal, &mut inbox, &mut stream, e, &teams, &title);
                }
            }
        }
    }
    cal.recycle(due);
}

/// Chooses `count` of the candidates (all when `count` is 0), in canonical order.
pub fn choose(stream: &mut Stream, candidates: &[AssetIx], count: u32) -> Vec<AssetIx> {
    if count == 0 || count as usize >= candidates.len() {
        return candidates.to_vec();
    }
    let mut v: Vec<AssetIx> =
        stream.sample_indices(candidates.len(), count as usize).into_iter().map(|k| candidates[k]).collect();
    v.sort();
    v
}

fn apply_effect(
    core: &mut Core,
    campaign_cal: &mut Calendar<CampaignEvent>,
    inbox: &mut Inbox,
    stream: &mut Stream,
    e: &ResolvedEffect,
    teams: &[TeamIx],
    title: &str,
) {
    let now = core.now();
    match e {
        ResolvedEffect::StartCampaign(c) => {
            if core.campaigns.0[c.ix()].status == CampaignStatus::Dormant {
                campaign_cal.schedule(now, CampaignEvent::Start(*c));
            }
        }
        ResolvedEffect::StopCampaign(c) => {
            if core.campaigns.0[c.ix()].status != CampaignStatus::Stopped {
                core.campaigns.0[c.ix()].status = CampaignStatus::Stopped;
                core.emit(Severity::Notice, EventKind::CampaignStopped { campaign: *c });
            }
        }
        ResolvedEffect::Outage { candidates, count, hours, degraded_only } => {
            let avail = if *degraded_only { Availability::Degraded } else { Availability::Offline };
            for a in choose(stream, candidates, *count) {
                core.take_down(a, DownCause::Outage, avail, Some(f64::from(*hours)));
            }
        }
        ResolvedEffect::Compromise { campaign, candidates, count } => {
            for a in choose(stream, candidates, *count) {
                implant(core, campaign_cal, *campaign, a);
            }
        }
        ResolvedEffect::Disinformation { intensity, about } => {
            core.emit(
                Severity::Warning,
                EventKind::Disinformation { campaign: None, about: about.clone(), intensity: *intensity },
            );
            core.public_incident(*intensity, None, true, None);
        }
        ResolvedEffect::Leak { adversary, severity, about } => {
            core.emit(Severity::Critical, EventKind::Leak { adversary: *adversary, about: about.clone() });
            core.public_incident(*severity, None, false, None);
        }
        ResolvedEffect::Notify { campaign, from, to } => {
            let tech = core.reg().campaign(*campaign).technique();
            let existing = core
                .knows(*from)
                .and_then(|k| k.held.iter().find(|h| h.campaign == *campaign).map(|h| h.indicator));
            let ind = match existing {
                Some(i) => i,
                None => {
                    let i = core.new_indicator(*campaign, tech, Stage::Recon, *from);
                    core.learn(*from, i, None, None);
                    i
                }
            };
            for r in to {
                if core.learn(*r, ind, Some(*from), None) {
                    core.emit(
                        Severity::Info,
                        EventKind::Received { to: *r, from: *from, indicator: ind, channel: None, sent: now },
                    );
                }
            }
        }
        ResolvedEffect::News(text) => core.emit(Severity::Info, EventKind::News { text: text.clone() }),
        ResolvedEffect::Message(text) => {
            inbox.0.push(InboxMessage {
                tick: now,
                teams: teams.to_vec(),
                title: title.to_string(),
                text: text.clone(),
            });
            core.emit(Severity::Info, EventKind::Message { teams: teams.to_vec(), text: text.clone() });
        }
        ResolvedEffect::Confidence(d) => {
            core.public.confidence = (core.public.confidence + d).clamp(0.0, 100.0);
            core.public.min = core.public.min.min(core.public.confidence);
            core.digest.mix(&[0x61, core.public.confidence.to_bits()]);
            if *d < 0.0 && !core.public.recovering {
                core.public.recovering = true;
                let t = core.later(24.0);
                core.timers.schedule(t, Timer::Recovery);
            }
            core.emit(Severity::Notice, EventKind::ConfidenceShift { delta: *d });
        }
    }
}
