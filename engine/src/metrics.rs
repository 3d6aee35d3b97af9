//! Metric definitions and their computation.
//!
//! docs/metrics.md is the public definition of each number; this module keeps
//! the counters the systems update as things happen, and computes the
//! [`Metrics`] snapshot on demand at any tick. Percentiles are nearest-rank
//! over whole hours, so they never depend on float summation order.

use std::collections::BTreeMap;

use bevy_ecs::prelude::Resource;
use serde::{Deserialize, Serialize};

use crate::model::registry::{ActorIx, AssetIx};
use crate::scenario::schema::Channel;
use crate::time::ETime;

/// A histogram of whole-hour samples.
#[derive(Clone, Debug, Default)]
pub struct Hours {
    counts: BTreeMap<u32, u64>,
    n: u64,
}

impl Hours {
    /// Adds a sample.
    pub fn add(&mut self, h: u32) {
        *self.counts.entry(h).or_insert(0) += 1;
        self.n += 1;
    }

    /// Number of samples.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// No samples.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Nearest-rank percentile (`p` in 0..=100), or none without samples.
    pub fn percentile(&self, p: u32) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let rank = (u64::from(p) * self.n).div_ceil(100).max(1);
        let mut seen = 0;
        for (&h, &c) in &self.counts {
            seen += c;
            if seen >= rank {
                return Some(f64::from(h));
            }
        }
        self.counts.keys().next_back().map(|&h| f64::from(h))
    }
}

/// Time-to-detection of compromises as censored data (Kaplan-Meier).
///
/// A detected compromise is an observed event at its dwell time; one never
/// detected is censored: still inside at the end (its time so far) or gone
/// unseen (evicted by a response to something else, or its campaign stopped)
/// at the time it left. Counting only detected compromises would make dwell
/// shorter the worse detection is; the survival estimate does not.
#[derive(Clone, Debug, Default)]
pub struct DwellSurvival {
    /// (hours, detected) per compromise.
    obs: Vec<(u32, bool)>,
}

impl DwellSurvival {
    /// Adds a compromise observed for `hours`, detected at the end of them or not.
    pub fn add(&mut self, hours: u32, detected: bool) {
        self.obs.push((hours, detected));
    }

    /// Compromises whose time to detection is censored (not detected).
    pub fn censored(&self) -> u64 {
        self.obs.iter().filter(|o| !o.1).count() as u64
    }

    /// Compromises in all.
    pub fn len(&self) -> usize {
        self.obs.len()
    }

    /// No compromises.
    pub fn is_empty(&self) -> bool {
        self.obs.is_empty()
    }

    /// The Kaplan-Meier estimate of the `p`-th percentile (0..=100) of dwell time: the first
    /// whole hour at which the estimated share still undetected falls to `1 - p/100` or below.
    /// None when it never does within what was observed (too many compromises censored).
    pub fn percentile(&mut self, p: u32) -> Option<f64> {
        // Events before censorings at the same hour: the usual convention.
        self.obs.sort_unstable_by_key(|&(h, detected)| (h, !detected));
        let target = 1.0 - f64::from(p.min(100)) / 100.0;
        let mut at_risk = self.obs.len();
        let mut survival = 1.0f64;
        let mut k = 0;
        while k < self.obs.len() {
            let h = self.obs[k].0;
            let mut events = 0usize;
            let mut leaving = 0usize;
            while k < self.obs.len() && self.obs[k].0 == h {
                events += usize::from(self.obs[k].1);
                leaving += 1;
                k += 1;
            }
            if events > 0 {
                survival *= 1.0 - events as f64 / at_risk as f64;
                if survival <= target + 1e-12 {
                    return Some(f64::from(h));
                }
            }
            at_risk -= leaving;
        }
        None
    }
}

/// The counters systems update.
#[derive(Resource, Clone, Debug, Default)]
pub struct MetricsState {
    /// Access attempts.
    pub attempted: u64,
    /// Successful attempts.
    pub succeeded: u64,
    /// Blocked attempts.
    pub blocked: u64,
    /// Blocked attempts where the target held an indicator someone else gave it.
    pub blocked_shared: u64,
    /// Hours from compromise to first detection, over detected compromises (the event log's
    /// view; the dwell metrics use [`DwellSurvival`] over every compromise).
    pub dwell: Hours,
    /// Hours from a campaign's first detection to its first EI-ISAC alert.
    pub time_to_share: Hours,
    /// Hours from an EI-ISAC alert to its arrival at each member.
    pub alert_reach: Hours,
    /// Targeted jurisdictions and whether each was warned before its first attempt.
    pub targeted: BTreeMap<ActorIx, bool>,
    /// Registrations altered, by asset (removed if restored from a clean backup before the polls open).
    pub altered: BTreeMap<AssetIx, u64>,
    /// Registrations lost to registration-system outages before the deadline.
    pub registrations_lost: f64,
    /// Voters delayed by pollbook failures, by jurisdiction, before extended hours.
    pub delayed: BTreeMap<ActorIx, f64>,
    /// Extra polling hours granted, by jurisdiction.
    pub extended: BTreeMap<ActorIx, u32>,
    /// Closed hours of results-site downtime during reporting.
    pub results_downtime: u64,
    /// Messages carried, by channel.
    pub messages: [u64; 12],
    /// Compromises ever made.
    pub compromises: u64,
    /// Compromises detected.
    pub compromises_detected: u64,
}

impl MetricsState {
    /// Counts a message on a channel.
    pub fn message(&mut self, c: Channel, n: u64) {
        self.messages[c.index()] += n;
    }
}

/// Every metric of a run at one moment. Field names are the public interface (docs/metrics.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Tick of the snapshot.
    pub tick: u32,
    /// Its election-relative time.
    pub time: String,
    /// Initial-access attempts (and denial-of-service floods).
    pub intrusions_attempted: u64,
    /// Attempts that got in (or floods that took a site down).
    pub intrusions_succeeded: u64,
    /// Attempts stopped.
    pub intrusions_blocked: u64,
    /// Blocked attempts where the target held an indicator received from someone else.
    pub blocked_by_shared_indicator: u64,
    /// Median hours from compromise to first detection: the Kaplan-Meier estimate over every
    /// compromise, undetected ones censored (none while fewer than half are known detected).
    pub dwell_time_h_p50: Option<f64>,
    /// 90th percentile of the same.
    pub dwell_time_h_p90: Option<f64>,
    /// Compromises whose dwell is censored: never detected, whether still inside or gone.
    pub dwell_censored: u64,
    /// Intruders still inside and never detected.
    pub undetected_compromises: u64,
    /// Intruders who left without ever being detected: evicted by a response to something
    /// else (a restore, an isolation), or their campaign stopped.
    pub evicted_unseen: u64,
    /// Median hours from a campaign's first detection to the first EI-ISAC alert about it.
    pub time_to_share_h_p50: Option<f64>,
    /// Median hours from an EI-ISAC alert to its arrival at a member.
    pub alert_reach_h_p50: Option<f64>,
    /// 90th percentile of the same.
    pub alert_reach_h_p90: Option<f64>,
    /// Share of targeted jurisdictions that held a matching indicator before their first attempt.
    pub warned_before_targeted: Option<f64>,
    /// Jurisdictions targeted so far.
    pub targeted_jurisdictions: u64,
    /// Of those, warned before.
    pub warned_jurisdictions: u64,
    /// Registrations altered or lost, plus voters delayed by pollbook failure.
    pub voters_affected: u64,
    /// Registrations altered (not restored from a clean backup before the polls opened).
    pub registrations_altered: u64,
    /// Registrations lost to registration-system outages in the month before the deadline.
    pub registrations_lost: u64,
    /// Voters delayed by pollbook failures on Election Day, after extended hours.
    pub voters_delayed: u64,
    /// Hours results websites were down during election-night reporting (summed over sites).
    pub results_downtime_h: u64,
    /// Public confidence now.
    pub confidence: f64,
    /// Lowest public confidence so far.
    pub confidence_min: f64,
    /// Public confidence at the end (equal to `confidence` until the run ends).
    pub confidence_final: f64,
    /// Whether the assessment named exactly the adversaries that interfered.
    pub attribution_correct: Option<bool>,
    /// Day after the election on which the assessment named someone.
    pub attribution_day: Option<i64>,
    /// Day after the election the assessment was delivered.
    pub assessment_day: Option<i64>,
    /// Day after the election the report was delivered.
    pub report_day: Option<i64>,
    /// Day after the election the sanctions decision was made.
    pub sanctions_day: Option<i64>,
    /// Assessment within 45 days of the election and report within 45 days after it: `None`
    /// (not reached) while a deadline has not fallen due and nothing is late.
    pub eo_deadlines_met: Option<bool>,
    /// Indicators carried, by channel.
    pub messages_by_channel: BTreeMap<String, u64>,
}

impl Metrics {
    /// The metrics that are single numbers, by name, in a fixed order (for CSV columns and sweeps).
    pub fn scalars(&self) -> Vec<(&'static str, Option<f64>)> {
        let u = |x: u64| Some(x as f64);
        let mut v = vec![
            ("intrusions_attempted", u(self.intrusions_attempted)),
            ("intrusions_succeeded", u(self.intrusions_succeeded)),
            ("intrusions_blocked", u(self.intrusions_blocked)),
            ("blocked_by_shared_indicator", u(self.blocked_by_shared_indicator)),
            ("dwell_time_h_p50", self.dwell_time_h_p50),
            ("dwell_time_h_p90", self.dwell_time_h_p90),
            ("dwell_censored", u(self.dwell_censored)),
            ("undetected_compromises", u(self.undetected_compromises)),
            ("evicted_unseen", u(self.evicted_unseen)),
            ("time_to_share_h_p50", self.time_to_share_h_p50),
            ("alert_reach_h_p50", self.alert_reach_h_p50),
            ("alert_reach_h_p90", self.alert_reach_h_p90),
            ("warned_before_targeted", self.warned_before_targeted),
            ("targeted_jurisdictions", u(self.targeted_jurisdictions)),
            ("warned_jurisdictions", u(self.warned_jurisdictions)),
            ("voters_affected", u(self.voters_affected)),
            ("registrations_altered", u(self.registrations_altered)),
            ("registrations_lost", u(self.registrations_lost)),
            ("voters_delayed", u(self.voters_delayed)),
            ("results_downtime_h", u(self.results_downtime_h)),
            ("confidence_min", Some(self.confidence_min)),
            ("confidence_final", Some(self.confidence_final)),
            ("attribution_correct", self.attribution_correct.map(|b| if b { 1.0 } else { 0.0 })),
            ("attribution_day", self.attribution_day.map(|d| d as f64)),
            ("assessment_day", self.assessment_day.map(|d| d as f64)),
            ("report_day", self.report_day.map(|d| d as f64)),
            ("sanctions_day", self.sanctions_day.map(|d| d as f64)),
            ("eo_deadlines_met", self.eo_deadlines_met.map(|b| if b { 1.0 } else { 0.0 })),
        ];
        for c in Channel::ALL {
            let n = self.messages_by_channel.get(c.slug()).copied().unwrap_or(0);
            v.push((channel_metric_name(c), Some(n as f64)));
        }
        v
    }

    /// A scalar metric by name.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.scalars().into_iter().find(|(n, _)| *n == name).and_then(|(_, v)| v)
    }
}

/// Whether the EO 13848 deadlines were met, as far as the record reaches at `now` (the first
/// hour not yet simulated): `Some(true)` when the assessment was delivered by `assessment_due`
/// and the report within `report_due_days` after the assessment; `Some(false)` as soon as a
/// delivery came late or a deadline passed with nothing delivered; `None` (not reached) while a
/// deadline has not fallen due and nothing is late.
pub fn eo_deadlines_met(
    now: ETime,
    assessment_due: ETime,
    assessment: Option<ETime>,
    report: Option<ETime>,
    report_due_days: u32,
) -> Option<bool> {
    let assessed = match assessment {
        Some(a) if a > assessment_due => return Some(false),
        Some(a) => a,
        None if now > assessment_due => return Some(false),
        None => return None,
    };
    let report_due = ETime(assessed.0 + i64::from(report_due_days) * 24);
    match report {
        Some(r) => Some(r <= report_due),
        None if now > report_due => Some(false),
        None => None,
    }
}

/// The column name of a channel's message count.
pub fn channel_metric_name(c: Channel) -> &'static str {
    match c {
        Channel::LocalToState => "messages_local_to_state",
        Channel::StateToLocals => "messages_state_to_locals",
        Channel::StateToIsac => "messages_state_to_isac",
        Channel::MemberToIsac => "messages_member_to_isac",
        Channel::IsacToMembers => "messages_isac_to_members",
        Channel::IsacToDhs => "messages_isac_to_dhs",
        Channel::DhsToIsac => "messages_dhs_to_isac",
        Channel::OdniToDhs => "messages_odni_to_dhs",
        Channel::FbiToVictim => "messages_fbi_to_victim",
        Channel::ReportToFbi => "messages_report_to_fbi",
        Channel::VendorToCustomers => "messages_vendor_to_customers",
        Channel::PublicAdvisory => "messages_public_advisory",
    }
}

/// One point of the metric time series (per simulated day, or per hour on request).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// Tick.
    pub tick: u32,
    /// Election-relative time.
    pub time: ETime,
    /// See [`Metrics::warned_before_targeted`].
    pub warned_before_targeted: Option<f64>,
    /// See [`Metrics::time_to_share_h_p50`].
    pub time_to_share_h_p50: Option<f64>,
    /// See [`Metrics::alert_reach_h_p50`].
    pub alert_reach_h_p50: Option<f64>,
    /// See [`Metrics::blocked_by_shared_indicator`].
    pub blocked_by_shared_indicator: u64,
    /// See [`Metrics::dwell_time_h_p50`].
    pub dwell_time_h_p50: Option<f64>,
    /// See [`Metrics::confidence`].
    pub confidence: f64,
    /// See [`Metrics::intrusions_attempted`].
    pub intrusions_attempted: u64,
    /// See [`Metrics::intrusions_succeeded`].
    pub intrusions_succeeded: u64,
    /// See [`Metrics::voters_affected`].
    pub voters_affected: u64,
    /// Indicators carried on all channels so far.
    pub messages: u64,
}

impl SeriesPoint {
    /// A point from a snapshot.
    pub fn from_metrics(m: &Metrics, time: ETime) -> Self {
        SeriesPoint {
            tick: m.tick,
            time,
            warned_before_targeted: m.warned_before_targeted,
            time_to_share_h_p50: m.time_to_share_h_p50,
            alert_reach_h_p50: m.alert_reach_h_p50,
            blocked_by_shared_indicator: m.blocked_by_shared_indicator,
            dwell_time_h_p50: m.dwell_time_h_p50,
            confidence: m.confidence,
            intrusions_attempted: m.intrusions_attempted,
            intrusions_succeeded: m.intrusions_succeeded,
            voters_affected: m.voters_affected,
            messages: m.messages_by_channel.values().sum(),
        }
    }
}

/// Rounds to two decimals (for confidence), deterministically.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Hours of overlap between `[a0, a1)` and `[b0, b1)`, in election-relative hours.
pub fn overlap(a0: i64, a1: i64, b0: i64, b1: i64) -> i64 {
    (a1.min(b1) - a0.max(b0)).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut h = Hours::default();
        assert_eq!(h.percentile(50), None);
        for x in [1, 2, 3, 4, 100] {
            h.add(x);
        }
        assert_eq!(h.percentile(50), Some(3.0));
        assert_eq!(h.percentile(90), Some(100.0));
        assert_eq!(h.percentile(0), Some(1.0));
    }

    #[test]
    fn overlap_of_windows() {
        assert_eq!(overlap(0, 10, 5, 20), 5);
        assert_eq!(overlap(0, 10, 10, 20), 0);
        assert_eq!(overlap(5, 6, 0, 20), 1);
    }
}
