//! Injects: the events the exercise's timeline brings, and the facilitator's unscripted ones.

use super::Core;
use super::campaigns::implant;
use crate::events::{EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;
use crate::rng::Stream;

/// What firing injects needs besides [`Core`].
pub struct InjectCtx<'a> {
    /// Teams' inboxes.
    pub inbox: &'a mut Inbox,
    /// Adversary actions.
    pub campaign_cal: &'a mut Calendar<CampaignEvent>,
    /// The EO 13848 process.
    pub eo: &'a mut Eo,
    /// Commands carried out for teams.
    pub issued: &'a IssuedLog,
}

/// Fires the injects due this tick.
pub fn run_injects(
    core: &mut Core,
    cal: &mut Calendar<InjectEvent>,
    injects: &mut Injects,
    cx: &mut InjectCtx,
) {
    let now = core.now();
    let mut due = cal.take(now);
    for ev in due.drain(..) {
        let reg = core.reg.0.clone();
        match ev {
            InjectEvent::Wake => {}
            InjectEvent::ModuleStart(m) => {
                core.emit(Severity::Notice, EventKind::ModuleStarted { module: m })
            }
            InjectEvent::Scripted(i) => {
                if !matches!(injects.state[i.ix()], InjectState::Pending | InjectState::Scheduled(_)) {
                    continue;
                }
                if super::triggers::cancel_if_due(core, injects, cx.issued, i) {
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
                let attached = attachments_text(&reg, &info.spec.attachments);
                // Teams with their own text get it; the others (or everyone, when the inject
                // addresses no team) get the description.
                let general: Vec<TeamIx> = info
                    .teams
                    .iter()
                    .copied()
                    .filter(|t| !info.per_team.iter().any(|(x, _)| x == t))
                    .collect();
                if !general.is_empty() || info.teams.is_empty() {
                    cx.inbox.0.push(InboxMessage {
                        tick: now,
                        teams: general,
                        title: info.spec.title.clone(),
                        text: format!("{}{attached}", info.spec.description),
                    });
                }
                for (t, text) in &info.per_team {
                    cx.inbox.0.push(InboxMessage {
                        tick: now,
                        teams: vec![*t],
                        title: info.spec.title.clone(),
                        text: format!("{text}{attached}"),
                    });
                }
                let mut stream = core.seeded.streams.stream(&["inject", &info.spec.id]);
                for e in &info.effects {
                    apply_effect(core, cx, &mut stream, e, &info.teams, &info.spec.title);
                }
            }
            InjectEvent::AdHoc { title, teams, effects, n } => {
                core.emit(
                    Severity::Notice,
                    EventKind::InjectFired { inject: None, title: title.clone(), teams: teams.clone() },
                );
                cx.inbox.0.push(InboxMessage {
                    tick: now,
                    teams: teams.clone(),
                    title: title.clone(),
                    text: String::new(),
                });
                let mut stream = core.seeded.streams.stream_n(&["adhoc_inject"], u64::from(n));
                for e in &effects {
                    apply_effect(core, cx, &mut stream, e, &teams, &title);
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

/// The attachments' text appended to an inject's message (nothing when there are none).
pub fn attachments_text(reg: &Registry, paths: &[String]) -> String {
    let mut out = String::new();
    for p in paths {
        match reg.attachments.get(p) {
            Some(text) => out.push_str(&format!("\n\n--- Attachment: {p} ---\n{}", text.trim_end())),
            None => out.push_str(&format!("\n\n--- Attachment: {p} (not loaded) ---")),
        }
    }
    out
}

fn apply_effect(
    core: &mut Core,
    cx: &mut InjectCtx,
    stream: &mut Stream,
    e: &ResolvedEffect,
    teams: &[TeamIx],
    title: &str,
) {
    let now = core.now();
    match e {
        ResolvedEffect::StartCampaign(c) => {
            if core.campaigns.0[c.ix()].status == CampaignStatus::Dormant {
                cx.campaign_cal.schedule(now, CampaignEvent::Start(*c));
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
                implant(core, cx.campaign_cal, *campaign, a);
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
            cx.inbox.0.push(InboxMessage {
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
            core.record.digest.mix(&[0x61, core.public.confidence.to_bits()]);
            if *d < 0.0 && !core.public.recovering {
                core.public.recovering = true;
                let t = core.later(24.0);
                core.timers.schedule(t, Timer::Recovery);
            }
            core.emit(Severity::Notice, EventKind::ConfidenceShift { delta: *d });
        }
        ResolvedEffect::Attribute { by, adversary } => {
            super::commands::attribute(core, cx.eo, *by, *adversary);
        }
        ResolvedEffect::Statement { by, statement } => {
            super::commands::public_statement(core, *by, *statement);
        }
        ResolvedEffect::Evidence { adversary, amount } => {
            let reg = core.reg.0.clone();
            super::detection::add_evidence(cx.eo, &mut core.record.digest, &reg, *adversary, *amount);
        }
        ResolvedEffect::Posture { candidates, count, set } => {
            for a in choose(stream, candidates, *count) {
                core.with_posture(a, |p| set.apply(p));
                core.record.digest.mix(&[0x63, u64::from(a.0)]);
            }
        }
    }
}
