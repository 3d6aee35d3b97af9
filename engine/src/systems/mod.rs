//! The systems of one tick, in their fixed order, and the state they share.
//!
//! Order within a tick:
//!
//! 1. `apply_commands` — players', facilitator's and doctrines' commands due now, in canonical order;
//! 2. `run_injects` — scripted, conditional and ad-hoc injects due now (or cancelled by `cancel_if`);
//! 3. `run_campaigns` — adversary actions due now (recon, access attempts, footholds, objectives);
//! 4. `run_impact` — timers: assets coming back, leaks, on-site teams leaving, confidence recovering;
//! 5. `run_detection` — what was noticed becomes indicators and known compromises;
//! 6. `run_federal` — intelligence, investigations and the EO 13848 process;
//! 7. `run_sharing` — indicators sent on channels, and deliveries arriving;
//! 8. `run_doctrines` — unstaffed actors decide what to do next (commands for later ticks);
//! 9. `run_triggers` — injects whose `cancel_if` holds are cancelled; conditional injects whose
//!    condition now holds are scheduled.
//!
//! Every message written in a tick is read later in the same tick, so a tick's
//! result never depends on whether the next hour is processed or skipped.

pub mod campaigns;
pub mod commands;
pub mod detection;
pub mod doctrines;
pub mod federal;
pub mod impact;
pub mod injects;
pub mod sharing;
pub mod triggers;

pub mod tick;

use bevy_ecs::message::Messages;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::events::{EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;
use crate::scenario::schema::{AssetKind, ChannelSpec, Objective, Technique};
use crate::time::{ETime, Tick};

/// Assets of each kind that are down (for conditions such as `AssetDown(ResultsWebsite)`), and which.
#[derive(Resource, Clone, Debug, Default)]
pub struct DownCounts(pub [u32; 7], pub std::collections::BTreeSet<AssetIx>);

/// What most systems read and change.
#[derive(SystemParam)]
pub struct Core<'w, 's> {
    /// The scenario.
    pub reg: Res<'w, Reg>,
    /// The tick being processed.
    pub now: ResMut<'w, Now>,
    /// What the seed decides: random streams and EI-ISAC membership.
    pub seeded: Res<'w, Seeded>,
    /// Entities by index.
    pub ents: Res<'w, Entities>,
    /// Staffed teams.
    pub staffing: ResMut<'w, Staffing>,
    /// The digest, the event log and the metric counters.
    pub record: ResMut<'w, RunRecord>,
    /// Asset status.
    pub statuses: Query<'w, 's, &'static mut Status>,
    /// Asset posture.
    pub postures: Query<'w, 's, &'static mut AssetPosture>,
    /// Actor knowledge.
    pub knowledge: Query<'w, 's, &'static mut Knowledge>,
    /// Timers.
    pub timers: ResMut<'w, Calendar<Timer>>,
    /// Intrusions.
    pub intrusions: ResMut<'w, Intrusions>,
    /// Campaigns.
    pub campaigns: ResMut<'w, Campaigns>,
    /// Indicators.
    pub indicators: ResMut<'w, Indicators>,
    /// Public confidence.
    pub public: ResMut<'w, Public>,
    /// Down counts by kind.
    pub down: ResMut<'w, DownCounts>,
    /// Assets that went down.
    pub went_down: ResMut<'w, Messages<WentDown>>,
    /// Visible incidents.
    pub visible: ResMut<'w, Messages<Visible>>,
    /// Knowledge gained.
    pub learned: ResMut<'w, Messages<Learned>>,
}

/// Index of an asset kind in [`AssetKind::ALL`].
pub fn kind_index(k: AssetKind) -> usize {
    AssetKind::ALL.iter().position(|x| *x == k).unwrap_or(0)
}

/// Samples a channel's latency in whole hours (at least one) from its four quantiles.
pub fn sample_latency(spec: &ChannelSpec, u: f64) -> u32 {
    // Linear between the knots (0, min), (0.5, median), (0.9, p90), (1, max); the maximum
    // beyond them.
    let ((q0, v0), (q1, v1)) = if u <= 0.5 {
        ((0.0, spec.min_h), (0.5, spec.median_h))
    } else if u <= 0.9 {
        ((0.5, spec.median_h), (0.9, spec.p90_h))
    } else if u <= 1.0 {
        ((0.9, spec.p90_h), (1.0, spec.max_h))
    } else {
        return latency_hours(spec.max_h);
    };
    latency_hours(v0 + (v1 - v0) * ((u - q0) / (q1 - q0)))
}

/// A latency in whole hours: `(h.ceil().max(1.0)).min(f64::from(u32::MAX / 2)) as u32`.
fn latency_hours(h: f64) -> u32 {
    if h > 0.0 && h < f64::from(u32::MAX / 2) {
        // Positive and in range: the same whole hours as below, without a call to `ceil`.
        return ceil_positive(h).max(1);
    }
    (h.ceil().max(1.0)).min(f64::from(u32::MAX / 2)) as u32
}

/// `x.ceil() as u32` for `0 < x < 2^32`, without a call to `ceil`: `ceil` is not inlined
/// on the baseline x86-64 target, and sharing rounds a few hundred thousand latencies a run.
fn ceil_positive(x: f64) -> u32 {
    let t = x as u32;
    if f64::from(t) < x { t + 1 } else { t }
}

/// Whole hours from now for a delay of `hours` (at least one, at most ten million): the
/// same as `hours.max(1.0).ceil().min(1e7) as u32`.
pub fn delay_hours(hours: f64) -> u32 {
    let h = hours.max(1.0);
    if h < 1e7 { ceil_positive(h) } else { 10_000_000 }
}

impl Core<'_, '_> {
    /// The tick being processed.
    pub fn now(&self) -> Tick {
        self.now.0
    }

    /// The registry.
    pub fn reg(&self) -> &Registry {
        &self.reg.0
    }

    /// The tick `hours` from now (at least one hour later).
    pub fn later(&self, hours: f64) -> Tick {
        Tick(self.now.0.0.saturating_add(delay_hours(hours)))
    }

    /// The election-relative time of a tick.
    pub fn time(&self, t: Tick) -> ETime {
        self.reg.0.clock.at(t)
    }

    /// Logs an event and mixes it into the digest.
    pub fn emit(&mut self, severity: Severity, kind: EventKind) {
        let fp = fingerprint(&kind);
        let now = self.now.0;
        let record = &mut *self.record;
        record.digest.mix(&[u64::from(now.0), severity as u64, fp]);
        record.log.push(now, severity, kind);
    }

    /// Applies `f` to an asset's status.
    pub fn with_status<R>(&mut self, a: AssetIx, f: impl FnOnce(&mut Status) -> R) -> Option<R> {
        let e = *self.ents.assets.get(a.ix())?;
        self.statuses.get_mut(e).ok().map(|mut s| f(&mut s))
    }

    /// A copy of an asset's status.
    pub fn status(&self, a: AssetIx) -> Option<Status> {
        let e = *self.ents.assets.get(a.ix())?;
        self.statuses.get(e).ok().cloned()
    }

    /// An asset's posture.
    pub fn posture(&self, a: AssetIx) -> Option<crate::scenario::schema::Posture> {
        let e = *self.ents.assets.get(a.ix())?;
        self.postures.get(e).ok().map(|p| p.0)
    }

    /// Applies `f` to an asset's posture.
    pub fn with_posture<R>(
        &mut self,
        a: AssetIx,
        f: impl FnOnce(&mut crate::scenario::schema::Posture) -> R,
    ) -> Option<R> {
        let e = *self.ents.assets.get(a.ix())?;
        self.postures.get_mut(e).ok().map(|mut p| f(&mut p.0))
    }

    /// An actor's knowledge.
    pub fn knows(&self, a: ActorIx) -> Option<&Knowledge> {
        let e = *self.ents.actors.get(a.ix())?;
        self.knowledge.get(e).ok()
    }

    /// Whether the actor is played by a staffed team.
    pub fn staffed(&self, a: ActorIx) -> bool {
        self.staffing.staffed(&self.reg.0, a)
    }

    /// Creates an indicator of a campaign seen by `origin`.
    pub fn new_indicator(
        &mut self,
        campaign: CampaignIx,
        technique: Option<Technique>,
        stage: Stage,
        origin: ActorIx,
    ) -> IndicatorIx {
        let ix = IndicatorIx(self.indicators.0.len() as u32);
        let run = &mut self.campaigns.0[campaign.ix()];
        let serial = run.indicators;
        run.indicators += 1;
        let adversary = self.reg.0.campaign(campaign).adversary;
        self.indicators.0.push(Indicator {
            ix,
            serial,
            campaign,
            technique,
            adversary,
            stage,
            created: self.now.0,
            origin,
            tlp: Tlp::Amber,
        });
        self.record.digest.mix(&[0x11, u64::from(ix.0), u64::from(campaign.0), u64::from(origin.0)]);
        ix
    }

    /// Gives an actor an indicator; returns false if it already held it.
    pub fn learn(
        &mut self,
        actor: ActorIx,
        indicator: IndicatorIx,
        from: Option<ActorIx>,
        channel: Option<crate::scenario::schema::Channel>,
    ) -> bool {
        let Some(&e) = self.ents.actors.get(actor.ix()) else { return false };
        let Ok(mut k) = self.knowledge.get_mut(e) else { return false };
        let ind = &self.indicators.0[indicator.ix()];
        let held = Held {
            indicator,
            campaign: ind.campaign,
            technique: ind.technique,
            adversary: ind.adversary,
            arrived: self.now.0,
            created: ind.created,
            from,
            channel,
        };
        // No system asks which components changed: knowledge grows without marking it.
        if !k.bypass_change_detection().add(held) {
            return false;
        }
        self.record.digest.mix(&[0x12, u64::from(actor.0), u64::from(indicator.0)]);
        self.learned.write(Learned { actor, indicator, from, channel });
        true
    }

    /// The amplification of visible incidents by active influence campaigns.
    pub fn amplification(&self) -> f64 {
        let reg = &self.reg.0;
        let now = self.now.0;
        1.0 + reg
            .campaigns
            .iter()
            .zip(&self.campaigns.0)
            .filter(|(c, r)| {
                c.spec.objective == Objective::Influence
                    && r.status == CampaignStatus::Active
                    && now <= c.until
            })
            .map(|(c, _)| c.spec.amplification)
            .sum::<f64>()
    }

    /// The public sees something: confidence drops (amplified by influence campaigns).
    pub fn public_incident(
        &mut self,
        cost: f64,
        about: Option<ActorIx>,
        disinformation: bool,
        campaign: Option<CampaignIx>,
    ) {
        let amp = if disinformation { 1.0 } else { self.amplification() };
        let now = self.now.0;
        // One news cycle a day: the n-th incident story of the day costs 1/n of the first.
        let day = self.time(now).day();
        if self.public.news_day != day {
            self.public.news_day = day;
            self.public.stories_today = 0;
        }
        self.public.stories_today += 1;
        let cost = cost * amp / f64::from(self.public.stories_today);
        self.public.confidence = (self.public.confidence - cost).clamp(0.0, 100.0);
        self.public.min = self.public.min.min(self.public.confidence);
        self.public.open.push(PublicIncident {
            at: now,
            cost,
            about,
            disinformation,
            campaign,
            answered: false,
        });
        self.record.digest.mix(&[0x13, self.public.confidence.to_bits()]);
        if !self.public.recovering {
            self.public.recovering = true;
            let t = self.later(24.0);
            self.timers.schedule(t, Timer::Recovery);
        }
        self.visible.write(Visible { cost, about, disinformation, campaign });
    }

    /// Takes an asset down; `hours` schedules its automatic return.
    pub fn take_down(
        &mut self,
        a: AssetIx,
        cause: DownCause,
        availability: Availability,
        hours: Option<f64>,
    ) {
        let now = self.now.0;
        let prev = self.status(a);
        let Some(prev) = prev else { return };
        if prev.availability != Availability::Up {
            self.account_interval(a, &prev, now);
        } else {
            self.down.0[kind_index(self.reg.0.asset(a).kind)] += 1;
            self.down.1.insert(a);
        }
        let epoch = self
            .with_status(a, |s| {
                s.availability = availability;
                s.down_cause = Some(cause);
                s.down_since = Some(now);
                s.outage_epoch += 1;
                s.outage_epoch
            })
            .unwrap_or(0);
        if let Some(h) = hours {
            let t = self.later(h);
            self.timers.schedule(t, Timer::BackUp(a, epoch));
        }
        let sev = if cause == DownCause::Isolated || cause == DownCause::Restoring {
            Severity::Notice
        } else {
            Severity::Warning
        };
        self.emit(sev, EventKind::AssetDown { asset: a, cause, availability });
        self.went_down.write(WentDown { asset: a, cause });
        let kind = self.reg.0.asset(a).kind;
        let visible = match kind {
            AssetKind::ResultsWebsite | AssetKind::VoterRegistration => true,
            AssetKind::Pollbook | AssetKind::VotingEquipment => self.in_voting_window(now),
            _ => cause == DownCause::Attack,
        };
        if visible && cause != DownCause::Restoring && prev.availability == Availability::Up {
            let owner = self.reg.0.asset(a).owner;
            let cost = self.reg.0.spec.public.incident_drop;
            self.public_incident(cost, Some(owner), false, None);
        }
    }

    /// Brings an asset back up.
    pub fn bring_up(&mut self, a: AssetIx) {
        let now = self.now.0;
        let Some(prev) = self.status(a) else { return };
        if prev.availability == Availability::Up {
            return;
        }
        self.account_interval(a, &prev, now);
        self.down.0[kind_index(self.reg.0.asset(a).kind)] -= 1;
        self.down.1.remove(&a);
        let restored = prev.down_cause == Some(DownCause::Restoring);
        self.with_status(a, |s| {
            s.availability = Availability::Up;
            s.down_cause = None;
            s.down_since = None;
            if restored {
                s.restored = true;
                s.probed_seen = false;
            }
        });
        self.emit(Severity::Info, EventKind::AssetUp { asset: a });
    }

    fn in_voting_window(&self, t: Tick) -> bool {
        let e = self.time(t);
        e >= self.reg.0.election.polls_open && e < self.reg.0.election.polls_close
    }

    /// Accounts for an asset's downtime so far and starts a new interval now (before a rate change).
    pub fn split_interval(&mut self, a: AssetIx) {
        let now = self.now.0;
        if let Some(s) = self.status(a)
            && s.availability != Availability::Up
        {
            self.account_interval(a, &s, now);
            self.with_status(a, |st| st.down_since = Some(now));
        }
    }

    /// Adds a closed downtime interval's impact to the counters.
    fn account_interval(&mut self, a: AssetIx, s: &Status, until: Tick) {
        let Some(since) = s.down_since else { return };
        let imp = interval_impact(&self.reg.0, a, s, since, until);
        let owner = self.reg.0.asset(a).owner;
        self.record.metrics.results_downtime += imp.results_hours;
        self.record.metrics.registrations_lost += imp.registrations_lost;
        if imp.voters_delayed > 0.0 {
            *self.record.metrics.delayed.entry(owner).or_insert(0.0) += imp.voters_delayed;
        }
    }

    /// Changes an intrusion's times of compromise or detection with `f`, keeping the dwell
    /// record in step (ending one is [`Core::end_intrusion`]).
    pub fn change_intrusion(&mut self, i: IntrusionIx, f: impl FnOnce(&mut Intrusion)) {
        let x = &mut self.intrusions.list[i.ix()];
        let old = x.dwell_obs();
        f(x);
        self.record.metrics.dwell_record.replace(old, x.dwell_obs());
    }

    /// Ends an intrusion.
    pub fn end_intrusion(&mut self, i: IntrusionIx, ending: Ending) {
        let now = self.now.0;
        let intr = &mut self.intrusions.list[i.ix()];
        if intr.ended.is_some() {
            return;
        }
        let old = intr.dwell_obs();
        intr.ended = Some((now, ending));
        self.record.metrics.dwell_record.replace(old, intr.dwell_obs());
        let had_foothold = intr.stage >= Stage::Foothold && intr.compromised_at.is_some();
        let known = intr.detected_at.is_some();
        let asset = intr.asset;
        self.record.digest.mix(&[0x14, u64::from(i.0), ending as u64]);
        if had_foothold {
            self.with_status(asset, |s| {
                s.footholds = s.footholds.saturating_sub(1);
                if known {
                    s.known_footholds = s.known_footholds.saturating_sub(1);
                }
            });
        }
    }

    /// Evicts every intruder holding a foothold in an asset.
    pub fn evict(&mut self, a: AssetIx) -> u32 {
        let list: Vec<IntrusionIx> = self.intrusions.by_asset(a);
        let mut n = 0;
        for i in list {
            let intr = &self.intrusions.list[i.ix()];
            if intr.ended.is_none() && intr.stage >= Stage::Foothold {
                self.end_intrusion(i, Ending::Evicted);
                n += 1;
            }
        }
        n
    }

    /// The number of voters an asset's data concerns (state systems: the state; local ones: the jurisdiction).
    pub fn voters_of(&self, a: AssetIx) -> u64 {
        let reg = &self.reg.0;
        reg.actor(reg.asset(a).owner).voters
    }
}

/// What a downtime interval cost.
#[derive(Clone, Copy, Debug, Default)]
pub struct IntervalImpact {
    /// Hours of results-site downtime during reporting.
    pub results_hours: u64,
    /// Registrations lost before the deadline.
    pub registrations_lost: f64,
    /// Voters delayed on Election Day (before extended hours).
    pub voters_delayed: f64,
}

/// The impact of an asset being down from `since` to `until`.
pub fn interval_impact(reg: &Registry, a: AssetIx, s: &Status, since: Tick, until: Tick) -> IntervalImpact {
    use crate::metrics::overlap;
    let t0 = reg.clock.at(since).0;
    let t1 = reg.clock.at(until).0;
    let info = reg.asset(a);
    let el = &reg.election;
    let spec = &reg.spec.electorate;
    let severity = if s.availability == Availability::Degraded { 0.5 } else { 1.0 };
    let mut out = IntervalImpact::default();
    match info.kind {
        AssetKind::ResultsWebsite => {
            out.results_hours = overlap(t0, t1, el.polls_close.0, el.reporting_end.0) as u64;
        }
        AssetKind::VoterRegistration => {
            let window_start = el.registration_deadline.0 - 30 * 24;
            let h = overlap(t0, t1, window_start, el.registration_deadline.0) as f64;
            out.registrations_lost =
                h / 24.0 * reg.actor(info.owner).voters as f64 * spec.registrations_per_day * severity;
        }
        AssetKind::Pollbook => {
            let voting_h = (el.polls_close.0 - el.polls_open.0).max(1) as f64;
            let h = overlap(t0, t1, el.polls_open.0, el.polls_close.0) as f64;
            let paper = if s.paper_mode { spec.paper_delay_share } else { 1.0 };
            out.voters_delayed =
                reg.actor(info.owner).voters as f64 * spec.turnout * spec.in_person_share * h / voting_h
                    * paper
                    * severity;
        }
        _ => {}
    }
    out
}

/// A cheap numeric fingerprint of an event, for the digest.
fn fingerprint(k: &EventKind) -> u64 {
    use crate::rng::StableHasher;
    let mut h = StableHasher::new();
    match k {
        EventKind::ModuleStarted { module } => h.u64(1).u64(module.0.into()),
        EventKind::InjectFired { inject, title, .. } => {
            h.u64(2).u64(inject.map_or(u64::MAX, |i| i.0.into())).str(title)
        }
        EventKind::InjectCancelled { inject, .. } => h.u64(30).u64(inject.0.into()),
        EventKind::CampaignStarted { campaign } => h.u64(3).u64(campaign.0.into()),
        EventKind::CampaignStopped { campaign } => h.u64(4).u64(campaign.0.into()),
        EventKind::Attempt { campaign, asset, outcome, warned } => h
            .u64(5)
            .u64(campaign.0.into())
            .u64(asset.0.into())
            .u64(match outcome {
                crate::events::AttemptOutcome::Blocked { shared } => 10 + u64::from(*shared),
                crate::events::AttemptOutcome::Succeeded => 20,
                crate::events::AttemptOutcome::Failed => 30,
            })
            .u64((*warned).into()),
        EventKind::ObjectiveReached { campaign, asset, .. } => {
            h.u64(6).u64(campaign.0.into()).u64(asset.0.into())
        }
        EventKind::Detected { campaign, asset, detector, stage, .. } => {
            h.u64(7).u64(campaign.0.into()).u64(asset.0.into()).u64(detector.0.into()).u64(*stage as u64)
        }
        EventKind::IntelGained { campaign, indicator } => {
            h.u64(8).u64(campaign.0.into()).u64(indicator.0.into())
        }
        EventKind::AssetDown { asset, cause, availability } => {
            h.u64(9).u64(asset.0.into()).u64(*cause as u64).u64(*availability as u64)
        }
        EventKind::AssetUp { asset } => h.u64(10).u64(asset.0.into()),
        EventKind::Shared { from, indicator, channel, recipients } => h
            .u64(11)
            .u64(from.0.into())
            .u64(indicator.0.into())
            .u64(*channel as u64)
            .u64((*recipients).into()),
        EventKind::Received { to, from, indicator, .. } => {
            h.u64(12).u64(to.0.into()).u64(from.0.into()).u64(indicator.0.into())
        }
        EventKind::Command { issuer, summary, rejected, .. } => {
            h.u64(13).str(summary).u64(rejected.is_some().into());
            // Who gave a command is part of the record (a doctrine's leave the digest as it was).
            match issuer {
                crate::command::Issuer::Doctrine => &mut h,
                crate::command::Issuer::Facilitator => h.u64(1),
                crate::command::Issuer::Team(t) => h.u64(2).str(t),
            }
        }
        EventKind::Statement { actor, statement, timely } => {
            h.u64(14).u64(actor.0.into()).u64(*statement as u64).u64((*timely).into())
        }
        EventKind::Disinformation { about, intensity, .. } => h.u64(15).str(about).u64(intensity.to_bits()),
        EventKind::Leak { adversary, about } => h.u64(16).u64(adversary.0.into()).str(about),
        EventKind::News { text } => h.u64(17).str(text),
        EventKind::Message { text, .. } => h.u64(18).str(text),
        EventKind::ConfidenceShift { delta } => h.u64(19).u64(delta.to_bits()),
        EventKind::OnsiteDeployed { asset } => h.u64(20).u64(asset.0.into()),
        EventKind::InvestigationOpened { campaign } => h.u64(21).u64(campaign.0.into()),
        EventKind::VictimFound { campaign, victim } => h.u64(22).u64(campaign.0.into()).u64(victim.0.into()),
        EventKind::Advisory { campaign } => h.u64(23).u64(campaign.0.into()),
        EventKind::Attribution { by, adversary } => h.u64(24).u64(by.0.into()).u64(adversary.0.into()),
        EventKind::AssessmentDelivered { named, on_time, confident } => {
            h.u64(25).u64(named.len() as u64).u64((*on_time).into()).u64((*confident).into())
        }
        EventKind::ReportDelivered { on_time } => h.u64(26).u64((*on_time).into()),
        EventKind::SanctionsRecommended { adversary } => h.u64(27).u64(adversary.0.into()),
        EventKind::SanctionsImposed { adversary } => h.u64(28).u64(adversary.0.into()),
        EventKind::SanctionsDecision { imposed } => h.u64(29).u64(imposed.len() as u64),
    };
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Latencies are the knots' linear interpolation, as a walk over the knots gives them.
    #[test]
    fn latency_interpolates_between_knots() {
        let walk = |spec: &ChannelSpec, u: f64| {
            let knots = [(0.0, spec.min_h), (0.5, spec.median_h), (0.9, spec.p90_h), (1.0, spec.max_h)];
            let mut h = spec.max_h;
            for w in knots.windows(2) {
                let ((q0, v0), (q1, v1)) = (w[0], w[1]);
                if u <= q1 {
                    h = v0 + (v1 - v0) * ((u - q0) / (q1 - q0));
                    break;
                }
            }
            (h.ceil().max(1.0)).min(f64::from(u32::MAX / 2)) as u32
        };
        let specs = [
            ChannelSpec::hours(1.0, 4.0, 24.0, 72.0, 0.9),
            ChannelSpec::hours(0.0, 0.3, 0.7, 2.5, 1.0),
            ChannelSpec::hours(6.0, 6.0, 6.0, 6.0, 1.0),
            ChannelSpec::hours(-5.0, 1e9, 3e9, f64::INFINITY, 1.0),
        ];
        let mut us: Vec<f64> = (0..=4_000).map(|i| f64::from(i) / 4_000.0).collect();
        us.extend([0.5 + f64::EPSILON, 0.9 - f64::EPSILON, 1.0 + f64::EPSILON, 2.0, -0.1, f64::NAN]);
        for spec in &specs {
            for &u in &us {
                assert_eq!(sample_latency(spec, u), walk(spec, u), "{spec:?} at {u}");
            }
        }
    }

    /// Whole hours of a delay and of a latency, as `ceil` rounds them.
    #[test]
    fn whole_hours_round_as_ceil() {
        let spec_max = f64::from(u32::MAX / 2);
        for h in [
            f64::NAN,
            f64::NEG_INFINITY,
            -3.5,
            -0.0,
            0.0,
            1e-300,
            0.5,
            1.0,
            1.0 + f64::EPSILON,
            2.999_999_999_999,
            3.0,
            48.25,
            9_999_999.5,
            1e7,
            1e7 + 0.5,
            spec_max - 0.5,
            spec_max,
            1e300,
            f64::INFINITY,
        ] {
            assert_eq!(delay_hours(h), h.max(1.0).ceil().min(1e7) as u32, "{h}");
            assert_eq!(latency_hours(h), (h.ceil().max(1.0)).min(spec_max) as u32, "latency {h}");
        }
    }
}
