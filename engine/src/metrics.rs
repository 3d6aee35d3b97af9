//! Metric definitions and their computation.
//!
//! docs/metrics.md is the public definition of each number; this module keeps
//! the counters the systems update as things happen, and computes the
//! [`Metrics`] snapshot on demand at any tick. Percentiles are nearest-rank
//! over whole hours, so they never depend on float summation order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::registry::{ActorIx, AssetIx};
use crate::scenario::schema::Channel;
use crate::time::ETime;

mod dwell;
pub use dwell::{DwellObs, DwellRecord, DwellSurvival};

/// A histogram of whole-hour samples.
#[derive(Clone, Debug, Default)]
pub struct Hours {
    counts: BTreeMap<u32, u64>,
    n: u64,
}

impl Hours {
    /// Adds a sample.
    pub fn add(&mut self, h: u32) {
        self.add_n(h, 1);
    }

    /// Adds `n` samples of the same hours (none when `n` is 0).
    pub fn add_n(&mut self, h: u32, n: u64) {
        if n > 0 {
            *self.counts.entry(h).or_insert(0) += n;
            self.n += n;
        }
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

/// The counters systems update.
#[derive(Clone, Debug, Default)]
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
    targeted: BTreeMap<ActorIx, bool>,
    /// How many of `targeted` were warned.
    warned: u64,
    /// Registrations altered, by asset (removed if restored from a clean backup before the polls open).
    altered: BTreeMap<AssetIx, u64>,
    /// The sum of `altered`.
    altered_total: u64,
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
    /// Every compromise's time to detection so far, kept as intrusions change.
    pub dwell_record: DwellRecord,
}

impl MetricsState {
    /// Counts a message on a channel.
    pub fn message(&mut self, c: Channel, n: u64) {
        self.messages[c.index()] += n;
    }

    /// Counts a jurisdiction as targeted, warned before its first attempt or not; one already
    /// counted keeps its first answer.
    pub fn target(&mut self, j: ActorIx, warned: bool) {
        if let std::collections::btree_map::Entry::Vacant(e) = self.targeted.entry(j) {
            e.insert(warned);
            self.warned += u64::from(warned);
        }
    }

    /// Targeted jurisdictions and whether each was warned before its first attempt.
    pub fn targeted(&self) -> &BTreeMap<ActorIx, bool> {
        &self.targeted
    }

    /// How many targeted jurisdictions were warned before their first attempt.
    pub fn warned(&self) -> u64 {
        self.warned
    }

    /// Counts `n` more registrations altered in an asset.
    pub fn alter(&mut self, a: AssetIx, n: u64) {
        *self.altered.entry(a).or_insert(0) += n;
        self.altered_total += n;
    }

    /// Forgets an asset's altered registrations (restored from a clean backup).
    pub fn restore_altered(&mut self, a: AssetIx) {
        if let Some(n) = self.altered.remove(&a) {
            self.altered_total = self.altered_total.saturating_sub(n);
        }
    }

    /// Registrations altered, over every asset.
    pub fn altered(&self) -> u64 {
        self.altered_total
    }
}

impl Metrics {
    /// The metrics that are single numbers, by name, in a fixed order (for CSV columns and
    /// sweeps): [`METRIC_DEFS`], then one message count per channel.
    pub fn scalars(&self) -> Vec<(&'static str, Option<f64>)> {
        let mut v: Vec<(&'static str, Option<f64>)> =
            METRIC_DEFS.iter().map(|d| (d.name, (d.get)(self))).collect();
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

/// How a metric's value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A count.
    Count,
    /// Hours.
    Hours,
    /// A share from 0 to 1, shown as a percentage.
    Share,
    /// Points of public confidence (0-100).
    Points,
    /// Days after the election.
    Day,
    /// Yes (1) or no (0).
    YesNo,
}

impl Unit {
    /// The unit in a word, as the `unit` column of docs/metrics.md gives it.
    pub fn word(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Hours => "hours",
            Unit::Share => "share",
            Unit::Points => "points",
            Unit::Day => "day",
            Unit::YesNo => "yes/no",
        }
    }

    /// How a chart's value axis reads, for a number as runs.csv holds it.
    pub fn axis(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Hours => "hours",
            Unit::Share => "share, 0 to 1",
            Unit::Points => "points, 0 to 100",
            Unit::Day => "days after Election Day",
            Unit::YesNo => "1 yes, 0 no",
        }
    }

    /// Formats a value for a reader: `12,345`, `41 h`, `42.1%`, `57.25`, `day 45`, `yes`.
    pub fn fmt(self, v: f64) -> String {
        match self {
            Unit::Count => {
                if v == v.trunc() {
                    thousands(v as i64)
                } else {
                    format!("{v:.1}")
                }
            }
            Unit::Hours => format!("{} h", trim(v)),
            Unit::Share => format!("{:.1}%", v * 100.0),
            Unit::Points => format!("{v:.2}"),
            Unit::Day => format!("day {}", trim(v)),
            Unit::YesNo => {
                if v >= 0.5 {
                    "yes".into()
                } else {
                    "no".into()
                }
            }
        }
    }

    /// Formats an optional value ("no value" when undefined).
    pub fn fmt_opt(self, v: Option<f64>) -> String {
        v.map_or_else(|| "no value".to_string(), |v| self.fmt(v))
    }
}

fn trim(v: f64) -> String {
    if v == v.trunc() { format!("{}", v as i64) } else { format!("{v:.1}") }
}

/// 12345 → "12,345".
pub fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Which way a metric improves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// More is better.
    HigherIsBetter,
    /// Less is better.
    LowerIsBetter,
    /// Neither: the number describes the adversary's effort or the size of the target, not
    /// how well the defence did.
    Neither,
}

impl Direction {
    /// The direction in a word, as the `better` column of docs/metrics.md gives it.
    pub fn word(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher",
            Direction::LowerIsBetter => "lower",
            Direction::Neither => "neither",
        }
    }
}

/// How prominently the batch tools show a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// Not a key metric: a column of runs.csv and a row of summary.csv only.
    No,
    /// A key metric: `ttx batch --plots` charts it and the research report shows the sweep's
    /// effect on it.
    Yes,
    /// A key metric that `ttx batch` also prints in its table of means at the end.
    Headline,
}

impl Key {
    /// Whether it is a key metric (charted, with the sweep's effect in the research report).
    pub fn is_key(self) -> bool {
        self != Key::No
    }

    /// The prominence in a word, as the `key` column of docs/metrics.md gives it.
    pub fn word(self) -> &'static str {
        match self {
            Key::No => "no",
            Key::Yes => "yes",
            Key::Headline => "headline",
        }
    }
}

/// One single-number metric: everything the CSV columns, the scenario evaluation, the
/// reports and the consoles need to know about it. docs/metrics.md defines each by name.
#[derive(Clone, Copy, Debug)]
pub struct MetricDef {
    /// Name: the runs.csv column, the JSON field and the name a scenario's evaluation uses.
    pub name: &'static str,
    /// Readable label, for reports and charts.
    pub label: &'static str,
    /// How its value reads.
    pub unit: Unit,
    /// Which way it improves.
    pub direction: Direction,
    /// Whether a scenario's evaluation may rate it (`evaluation.capabilities[].measures`;
    /// `ttx validate` rejects any other name).
    pub measurable: bool,
    /// Whether, and how prominently, the batch tools show it.
    pub key: Key,
    /// Its value in a snapshot; none when there is nothing to measure yet.
    pub get: fn(&Metrics) -> Option<f64>,
}

/// A snapshot field's value as a single number (yes 1, no 0; none when there is nothing to
/// measure yet): how a [`MetricDef`]'s getter reads its field.
trait MetricValue {
    fn value(&self) -> Option<f64>;
}

impl MetricValue for u64 {
    fn value(&self) -> Option<f64> {
        Some(*self as f64)
    }
}

impl MetricValue for f64 {
    fn value(&self) -> Option<f64> {
        Some(*self)
    }
}

impl MetricValue for Option<f64> {
    fn value(&self) -> Option<f64> {
        *self
    }
}

impl MetricValue for Option<i64> {
    fn value(&self) -> Option<f64> {
        self.map(|d| d as f64)
    }
}

impl MetricValue for Option<bool> {
    fn value(&self) -> Option<f64> {
        self.map(|b| if b { 1.0 } else { 0.0 })
    }
}

/// Declares [`Metrics`] and [`METRIC_DEFS`] from one list: every field of a snapshot, in the
/// order its JSON writes them, with its doc comment; a field followed by `=> { label, unit,
/// direction, measurable, key }` is a single-number metric, and its row of [`METRIC_DEFS`]
/// (in the same order, runs.csv's) is that, its name and a getter reading the field.
macro_rules! metrics {
    ($(
        $(#[$meta:meta])*
        $name:ident: $ty:ty $(=> { $($key:ident: $value:expr),* $(,)? })?
    ),* $(,)?) => {
        /// Every metric of a run at one moment. Field names are the public interface
        /// (docs/metrics.md).
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        pub struct Metrics {
            $($(#[$meta])* pub $name: $ty,)*
        }

        /// Every single-number metric, in runs.csv column order (the per-channel message counts
        /// follow, one column per [`Channel::ALL`], named by [`channel_metric_name`]).
        pub const METRIC_DEFS: &[MetricDef] = {
            use Direction::*;
            use Key::*;
            use Unit::*;
            &[$($(MetricDef {
                name: stringify!($name),
                get: |m| MetricValue::value(&m.$name),
                $($key: $value,)*
            },)?)*]
        };
    };
}

// To add a metric: its field and row here (after the last one, so that runs.csv's columns keep
// their places), its computation in `Sim::metrics` (engine/src/sim/outputs.rs), and its row in
// the metrics table of docs/metrics.md (tests/metric_docs.rs compares the two).
metrics! {
    /// Tick of the snapshot.
    tick: u32,
    /// Its election-relative time.
    time: String,
    /// Initial-access attempts (and denial-of-service floods).
    intrusions_attempted: u64 => {
        label: "Intrusion attempts",
        unit: Count, direction: Neither, measurable: true, key: No,
    },
    /// Attempts that got in (or floods that took a site down).
    intrusions_succeeded: u64 => {
        label: "Successful intrusions",
        unit: Count, direction: LowerIsBetter, measurable: true, key: Yes,
    },
    /// Attempts stopped.
    intrusions_blocked: u64 => {
        label: "Blocked attempts",
        unit: Count, direction: HigherIsBetter, measurable: true, key: No,
    },
    /// Blocked attempts where the target held an indicator received from someone else.
    blocked_by_shared_indicator: u64 => {
        label: "Attempts blocked thanks to a shared indicator",
        unit: Count, direction: HigherIsBetter, measurable: true, key: Yes,
    },
    /// Median hours from compromise to first detection: the Kaplan-Meier estimate over every
    /// compromise, undetected ones censored (none while fewer than half are known detected).
    dwell_time_h_p50: Option<f64> => {
        label: "Dwell time (median)",
        unit: Hours, direction: LowerIsBetter, measurable: true, key: Headline,
    },
    /// 90th percentile of the same.
    dwell_time_h_p90: Option<f64> => {
        label: "Dwell time (90th percentile)",
        unit: Hours, direction: LowerIsBetter, measurable: true, key: No,
    },
    /// Compromises whose dwell is censored: never detected, whether still inside or gone.
    dwell_censored: u64 => {
        label: "Compromises with censored dwell",
        unit: Count, direction: LowerIsBetter, measurable: false, key: No,
    },
    /// Intruders still inside and never detected.
    undetected_compromises: u64 => {
        label: "Undetected compromises",
        unit: Count, direction: LowerIsBetter, measurable: true, key: No,
    },
    /// Intruders who left without ever being detected: evicted by a response to something
    /// else (a restore, an isolation), or their campaign stopped.
    evicted_unseen: u64 => {
        label: "Intruders who left unseen",
        unit: Count, direction: LowerIsBetter, measurable: false, key: No,
    },
    /// Median hours from a campaign's first detection to the first EI-ISAC alert about it.
    time_to_share_h_p50: Option<f64> => {
        label: "Time to share (median)",
        unit: Hours, direction: LowerIsBetter, measurable: true, key: Headline,
    },
    /// Median hours from an EI-ISAC alert to its arrival at a member.
    alert_reach_h_p50: Option<f64> => {
        label: "Alert reach (median)",
        unit: Hours, direction: LowerIsBetter, measurable: true, key: Headline,
    },
    /// 90th percentile of the same.
    alert_reach_h_p90: Option<f64> => {
        label: "Alert reach (90th percentile)",
        unit: Hours, direction: LowerIsBetter, measurable: true, key: Yes,
    },
    /// Share of targeted jurisdictions that held a matching indicator before their first attempt.
    warned_before_targeted: Option<f64> => {
        label: "Warned before targeted",
        unit: Share, direction: HigherIsBetter, measurable: true, key: Headline,
    },
    /// Jurisdictions targeted so far.
    targeted_jurisdictions: u64 => {
        label: "Targeted jurisdictions",
        unit: Count, direction: Neither, measurable: false, key: No,
    },
    /// Of those, warned before.
    warned_jurisdictions: u64 => {
        label: "Jurisdictions warned before targeted",
        unit: Count, direction: HigherIsBetter, measurable: false, key: No,
    },
    /// Registrations altered or lost, plus voters delayed by pollbook failure.
    voters_affected: u64 => {
        label: "Voters affected",
        unit: Count, direction: LowerIsBetter, measurable: true, key: Yes,
    },
    /// Registrations altered (not restored from a clean backup before the polls opened).
    registrations_altered: u64 => {
        label: "Registrations altered",
        unit: Count, direction: LowerIsBetter, measurable: false, key: No,
    },
    /// Registrations lost to registration-system outages in the month before the deadline.
    registrations_lost: u64 => {
        label: "Registrations lost",
        unit: Count, direction: LowerIsBetter, measurable: false, key: No,
    },
    /// Voters delayed by pollbook failures on Election Day, after extended hours.
    voters_delayed: u64 => {
        label: "Voters delayed",
        unit: Count, direction: LowerIsBetter, measurable: false, key: No,
    },
    /// Hours results websites were down during election-night reporting (summed over sites).
    results_downtime_h: u64 => {
        label: "Results-site downtime",
        unit: Hours, direction: LowerIsBetter, measurable: true, key: Yes,
    },
    /// Public confidence now.
    confidence: f64,
    /// Lowest public confidence so far.
    confidence_min: f64 => {
        label: "Lowest public confidence",
        unit: Points, direction: HigherIsBetter, measurable: true, key: Yes,
    },
    /// Public confidence at the end (equal to `confidence` until the run ends).
    confidence_final: f64 => {
        label: "Final public confidence",
        unit: Points, direction: HigherIsBetter, measurable: true, key: Yes,
    },
    /// Whether the assessment named exactly the adversaries that interfered.
    attribution_correct: Option<bool> => {
        label: "Attribution correct",
        unit: YesNo, direction: HigherIsBetter, measurable: false, key: Yes,
    },
    /// Day after the election on which the assessment named someone.
    attribution_day: Option<i64> => {
        label: "Attribution day",
        unit: Day, direction: LowerIsBetter, measurable: true, key: No,
    },
    /// Day after the election the assessment was delivered.
    assessment_day: Option<i64> => {
        label: "Assessment day",
        unit: Day, direction: LowerIsBetter, measurable: false, key: No,
    },
    /// Day after the election the report was delivered.
    report_day: Option<i64> => {
        label: "Report day",
        unit: Day, direction: LowerIsBetter, measurable: false, key: No,
    },
    /// Day after the election the sanctions decision was made.
    sanctions_day: Option<i64> => {
        label: "Sanctions decision day",
        unit: Day, direction: LowerIsBetter, measurable: false, key: No,
    },
    /// Assessment within 45 days of the election and report within 45 days after it: `None`
    /// (not reached) while a deadline has not fallen due and nothing is late.
    eo_deadlines_met: Option<bool> => {
        label: "EO 13848 deadlines met",
        unit: YesNo, direction: HigherIsBetter, measurable: true, key: Yes,
    },
    /// Indicators carried, by channel.
    messages_by_channel: BTreeMap<String, u64>,
}

/// The definition of a single-number metric by name (none for the per-channel counts).
pub fn metric_def(name: &str) -> Option<&'static MetricDef> {
    METRIC_DEFS.iter().find(|d| d.name == name)
}

/// The names a scenario's evaluation may rate, in table order.
pub fn measurable_metrics() -> Vec<&'static str> {
    METRIC_DEFS.iter().filter(|d| d.measurable).map(|d| d.name).collect()
}

/// The key metrics (charted by a batch, with the sweep's effect in the research report), in
/// table order.
pub fn key_metrics() -> impl Iterator<Item = &'static str> {
    METRIC_DEFS.iter().filter(|d| d.key.is_key()).map(|d| d.name)
}

/// The headline metrics (the key metrics `ttx batch` prints at the end), in table order.
pub fn headline_metrics() -> impl Iterator<Item = &'static str> {
    METRIC_DEFS.iter().filter(|d| d.key == Key::Headline).map(|d| d.name)
}

/// A readable label for any single-number name: the table's, or the name itself (the
/// per-channel message counts).
pub fn label(name: &str) -> &str {
    metric_def(name).map_or(name, |d| d.label)
}

/// The unit of any single-number name: the table's, or a count (the per-channel message counts).
pub fn unit(name: &str) -> Unit {
    metric_def(name).map_or(Unit::Count, |d| d.unit)
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

    /// The runs.csv metric columns, in order: scripts and merged batches depend on them. A new
    /// metric comes after these (at the end of [`METRIC_DEFS`]); the per-channel counts end the row.
    #[test]
    fn scalar_names_and_order_are_pinned() {
        let m = sample();
        let names: Vec<&str> = m.scalars().into_iter().map(|(n, _)| n).collect();
        let pinned: Vec<&str> = "intrusions_attempted intrusions_succeeded intrusions_blocked \
             blocked_by_shared_indicator dwell_time_h_p50 dwell_time_h_p90 dwell_censored \
             undetected_compromises evicted_unseen time_to_share_h_p50 alert_reach_h_p50 \
             alert_reach_h_p90 warned_before_targeted targeted_jurisdictions warned_jurisdictions \
             voters_affected registrations_altered registrations_lost voters_delayed results_downtime_h \
             confidence_min confidence_final attribution_correct attribution_day assessment_day \
             report_day sanctions_day eo_deadlines_met"
            .split_whitespace()
            .collect();
        let channels: Vec<&str> = "messages_local_to_state messages_state_to_locals \
             messages_state_to_isac messages_member_to_isac messages_isac_to_members messages_isac_to_dhs \
             messages_dhs_to_isac messages_odni_to_dhs messages_fbi_to_victim messages_report_to_fbi \
             messages_vendor_to_customers messages_public_advisory"
            .split_whitespace()
            .collect();
        assert_eq!(names.len(), METRIC_DEFS.len() + channels.len());
        assert_eq!(
            names[..pinned.len().min(names.len())],
            pinned[..],
            "runs.csv's first columns moved: add a metric after the last row of METRIC_DEFS"
        );
        assert_eq!(names[METRIC_DEFS.len()..], channels[..]);
    }

    /// A snapshot where every metric has its own value, so a getter reading the wrong field shows.
    fn sample() -> Metrics {
        let mut json = serde_json::json!({
            "tick": 1,
            "time": "E+0d 00:00",
            "confidence": 1.5,
            "messages_by_channel": {},
        });
        for (i, d) in METRIC_DEFS.iter().enumerate() {
            json[d.name] = if d.unit == Unit::YesNo {
                serde_json::Value::Bool(i % 2 == 0)
            } else {
                (i as u64 + 2).into()
            };
        }
        serde_json::from_value(json).expect("a snapshot with every metric")
    }

    #[test]
    fn every_getter_reads_the_field_of_its_name() {
        let m = sample();
        let json = serde_json::to_value(&m).expect("metrics serialize");
        for d in METRIC_DEFS {
            let want = match &json[d.name] {
                serde_json::Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
                v => v.as_f64(),
            };
            assert!(want.is_some(), "{} is not a field of Metrics", d.name);
            assert_eq!((d.get)(&m), want, "{}", d.name);
        }
    }

    #[test]
    fn names_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for d in METRIC_DEFS {
            assert!(seen.insert(d.name), "{} twice", d.name);
        }
    }

    /// The default evaluation rates each metric the way the table says it improves.
    #[test]
    fn default_evaluation_agrees_with_directions() {
        for cap in crate::scenario::schema::EvaluationSpec::default().capabilities {
            for m in cap.measures {
                let d = metric_def(&m.metric).unwrap_or_else(|| panic!("{} is not a metric", m.metric));
                assert!(d.measurable, "{} is not measurable", d.name);
                let want =
                    if m.higher_is_better { Direction::HigherIsBetter } else { Direction::LowerIsBetter };
                assert_eq!(d.direction, want, "{}", d.name);
            }
        }
    }

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

    /// Samples added several at a time are the samples added one by one.
    #[test]
    fn hours_added_in_groups_are_hours_added_singly() {
        let mut raw = crate::rng::xorshift(0x3c6e_f372_fe94_f82b);
        let (mut singly, mut grouped) = (Hours::default(), Hours::default());
        for _ in 0..500 {
            let (h, n) = ((raw() % 40) as u32, raw() % 4);
            for _ in 0..n {
                singly.add(h);
            }
            grouped.add_n(h, n);
        }
        assert_eq!(grouped.len(), singly.len());
        for p in 0..=100 {
            assert_eq!(grouped.percentile(p), singly.percentile(p), "{p}");
        }
        assert_eq!(grouped.counts, singly.counts);
    }
}
