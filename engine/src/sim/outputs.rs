//! What a run gives back besides its views: the metrics (now, or up to a tick), the metric
//! series, and the compromises with their dwell.

use super::*;

impl Sim {
    /// The metric series so far.
    pub fn series(&self) -> &[SeriesPoint] {
        &self.series
    }

    /// Metrics at the clock's position.
    pub fn metrics(&self) -> Metrics {
        self.metrics_at(self.now)
    }

    /// Metrics counting ongoing outages up to `until` (exclusive).
    fn metrics_at(&self, until: Tick) -> Metrics {
        let w = &self.world;
        let reg = &self.reg;
        let m = &w.resource::<RunRecord>().metrics;
        let public = w.resource::<Public>();
        let eo = w.resource::<Eo>();
        let intrusions = &w.resource::<Intrusions>().list;
        let campaigns = &w.resource::<Campaigns>().0;

        let ents = w.resource::<Entities>();
        let status = |a: AssetIx| w.get::<Status>(ents.assets[a.ix()]);
        let (results, lost, voters_delayed) =
            outage_totals(reg, m, w.resource::<DownCounts>(), status, until);
        let altered = m.altered();

        let targeted = m.targeted().len() as u64;
        let warned = m.warned();
        let (mut dwell, undetected, evicted_unseen) = dwell_survival(intrusions, until);

        let day = |t: Option<Tick>| t.map(|t| reg.clock.at(t).day());
        // Correct: every adversary that achieved something is named, and everyone named at least tried.
        let attempted = systems::federal::interfering(campaigns, intrusions, reg, false);
        let achieved = systems::federal::interfering(campaigns, intrusions, reg, true);
        let attribution_correct = eo.assessment_at.map(|_| {
            achieved.iter().all(|a| eo.named.contains(a)) && eo.named.iter().all(|a| attempted.contains(a))
        });
        let attribution_day = if eo.named.is_empty() { None } else { day(eo.assessment_at) };
        let eo_deadlines_met = crate::metrics::eo_deadlines_met(
            reg.clock.at(until.min(Tick(reg.clock.ticks()))),
            systems::federal::assessment_due(reg),
            eo.assessment_at.map(|t| reg.clock.at(t)),
            eo.report_at.map(|t| reg.clock.at(t)),
            reg.spec.eo13848.report_due_days,
        );
        let mut messages = std::collections::BTreeMap::new();
        for c in crate::scenario::schema::Channel::ALL {
            messages.insert(c.slug().to_string(), m.messages[c.index()]);
        }
        Metrics {
            tick: until.0,
            time: reg.clock.at(until.min(Tick(reg.clock.ticks()))).to_string(),
            intrusions_attempted: m.attempted,
            intrusions_succeeded: m.succeeded,
            intrusions_blocked: m.blocked,
            blocked_by_shared_indicator: m.blocked_shared,
            dwell_time_h_p50: dwell.percentile(50),
            dwell_time_h_p90: dwell.percentile(90),
            dwell_censored: dwell.censored(),
            undetected_compromises: undetected,
            evicted_unseen,
            time_to_share_h_p50: m.time_to_share.percentile(50),
            alert_reach_h_p50: m.alert_reach.percentile(50),
            alert_reach_h_p90: m.alert_reach.percentile(90),
            warned_before_targeted: if targeted == 0 { None } else { Some(warned as f64 / targeted as f64) },
            targeted_jurisdictions: targeted,
            warned_jurisdictions: warned,
            voters_affected: altered + lost + voters_delayed,
            registrations_altered: altered,
            registrations_lost: lost,
            voters_delayed,
            results_downtime_h: results,
            confidence: public.confidence,
            confidence_min: public.min,
            confidence_final: public.confidence,
            attribution_correct,
            attribution_day,
            assessment_day: day(eo.assessment_at),
            report_day: day(eo.report_at),
            sanctions_day: day(eo.sanctions_at),
            eo_deadlines_met,
            messages_by_channel: messages,
        }
    }

    /// Every compromise so far (an intruder that gained a foothold), in creation order: what
    /// per-compromise analyses (dwell as censored data, calibration) read.
    pub fn compromises(&self) -> Vec<Compromise> {
        let reg = &self.reg;
        self.world
            .resource::<Intrusions>()
            .list
            .iter()
            .filter_map(|x| {
                let at = x.compromised_at?;
                let asset = reg.asset(x.asset);
                Some(Compromise {
                    campaign: reg.campaign(x.campaign).id().to_string(),
                    asset: asset.id.clone(),
                    kind: asset.kind,
                    owner: reg.actor(asset.owner).id.clone(),
                    state: reg.actor(asset.owner).state.map(|s| reg.states[s.ix()].postal.clone()),
                    at,
                    detected: x.detected_at,
                    ended: x.ended,
                })
            })
            .collect()
    }

    /// Every event so far, in order.
    pub fn events(&self) -> &[SimEvent] {
        &self.world.resource::<RunRecord>().log.0
    }

    /// Every indicator created so far (number, campaign, technique, origin), in creation order;
    /// an indicator's number (`IND-nnnn`) is its index here.
    pub fn indicators(&self) -> &[Indicator] {
        &self.world.resource::<Indicators>().0
    }
}

/// One compromise: where, when, and whether and when it was detected or ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Compromise {
    /// The campaign's id.
    pub campaign: String,
    /// The asset's id.
    pub asset: String,
    /// The asset's kind.
    pub kind: crate::scenario::schema::AssetKind,
    /// The owner's id.
    pub owner: String,
    /// The owner's state (postal code), if any.
    pub state: Option<String>,
    /// When the intruder gained its foothold.
    pub at: Tick,
    /// When it was first detected.
    pub detected: Option<Tick>,
    /// When and how it ended (evicted, campaign stopped).
    pub ended: Option<(Tick, Ending)>,
}

/// A point of the metric series, read from the tick's context at the end of an hour.
pub(super) fn series_point(core: &crate::systems::Core, until: Tick, time: ETime) -> SeriesPoint {
    let m = &core.record.metrics;
    let status = |a: AssetIx| core.statuses.get(core.ents.assets[a.ix()]).ok();
    let (_, lost, delayed) = outage_totals(core.reg(), m, &core.down, status, until);
    let altered = m.altered();
    let targeted = m.targeted().len();
    let warned = m.warned();
    // Kept as intrusions change; a pass over them only for a tick before the latest change.
    let dwell = m.dwell_record.percentile(50, until);
    SeriesPoint {
        tick: until.0,
        time,
        warned_before_targeted: if targeted == 0 { None } else { Some(warned as f64 / targeted as f64) },
        time_to_share_h_p50: m.time_to_share.percentile(50),
        alert_reach_h_p50: m.alert_reach.percentile(50),
        blocked_by_shared_indicator: m.blocked_shared,
        dwell_time_h_p50: dwell
            .unwrap_or_else(|| dwell_survival(&core.intrusions.list, until).0.percentile(50)),
        confidence: core.public.confidence,
        intrusions_attempted: m.attempted,
        intrusions_succeeded: m.succeeded,
        voters_affected: altered + lost + delayed,
        messages: m.messages.iter().sum(),
    }
}

/// Results-site hours, registrations lost and voters delayed, counting ongoing outages up
/// to `until`; `status` gives an asset's status.
fn outage_totals<'a>(
    reg: &Registry,
    m: &crate::metrics::MetricsState,
    down: &DownCounts,
    status: impl Fn(AssetIx) -> Option<&'a Status>,
    until: Tick,
) -> (u64, u64, u64) {
    let mut results = m.results_downtime;
    let mut lost = m.registrations_lost;
    let mut ongoing: std::collections::BTreeMap<ActorIx, f64> = std::collections::BTreeMap::new();
    for a in &down.1 {
        let Some(s) = status(*a) else { continue };
        if let Some(since) = s.down_since {
            let imp = interval_impact(reg, *a, s, since, until.max(since));
            results += imp.results_hours;
            lost += imp.registrations_lost;
            if imp.voters_delayed > 0.0 {
                *ongoing.entry(reg.asset(*a).owner).or_insert(0.0) += imp.voters_delayed;
            }
        }
    }
    // Extended polling hours let part of the delayed voters vote after all.
    let factor = |j: &ActorIx| (1.0 - 0.15 * f64::from(m.extended.get(j).copied().unwrap_or(0))).max(0.1);
    let mut delayed = 0.0;
    for (j, v) in &m.delayed {
        delayed += (v + ongoing.remove(j).unwrap_or(0.0)) * factor(j);
    }
    for (j, v) in &ongoing {
        delayed += v * factor(j);
    }
    (results, lost.round() as u64, delayed.round() as u64)
}

/// Every compromise's time to detection up to `until`, undetected ones censored; with the
/// numbers of intruders still inside unseen and of those who left unseen.
fn dwell_survival(intrusions: &[Intrusion], until: Tick) -> (crate::metrics::DwellSurvival, u64, u64) {
    let mut dwell = crate::metrics::DwellSurvival::default();
    let (mut inside, mut gone) = (0, 0);
    for x in intrusions {
        let Some(since) = x.compromised_at else { continue };
        match x.detected_at {
            Some(d) => dwell.add(d.0.saturating_sub(since.0), true),
            None => {
                let end = match x.ended {
                    Some((t, _)) => {
                        gone += 1;
                        t.min(until)
                    }
                    None => {
                        inside += 1;
                        until
                    }
                };
                dwell.add(end.0.saturating_sub(since.0), false);
            }
        }
    }
    (dwell, inside, gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every series point's dwell, kept as intrusions change, is what a pass over every
    /// intrusion gives at its tick: in every built-in scenario, at every hour.
    #[test]
    fn series_dwell_is_the_full_recount() {
        let mut estimated = 0;
        for b in crate::builtin::BUILTINS.iter().filter(|b| b.name != "national") {
            let sc = crate::builtin::load(b).unwrap_or_else(|e| panic!("{}: {e:?}", b.name));
            for seed in 1..=3 {
                let opts = SimOptions { series: Resolution::Hourly, ..SimOptions::default() };
                let mut sim = Sim::with_options(&sc, seed, opts);
                let mut seen = 0;
                let mut compromises = 0;
                while !sim.is_finished() {
                    sim.step();
                    let list = &sim.world.resource::<Intrusions>().list;
                    compromises = list.iter().filter(|x| x.compromised_at.is_some()).count();
                    for p in &sim.series()[seen..] {
                        let full = dwell_survival(list, Tick(p.tick)).0.percentile(50);
                        assert_eq!(p.dwell_time_h_p50, full, "{} seed {seed} tick {}", b.name, p.tick);
                        estimated += usize::from(full.is_some());
                    }
                    seen = sim.series().len();
                }
                let record = &sim.world.resource::<RunRecord>().metrics.dwell_record;
                assert_eq!(record.len(), compromises, "{} seed {seed}", b.name);
                // A tick before the latest change is answered by the full recount only.
                if compromises > 0 {
                    assert_eq!(record.percentile(50, Tick(0)), None, "{} seed {seed}", b.name);
                }
            }
        }
        assert!(estimated > 0);
    }
}
