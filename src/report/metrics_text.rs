//! What each measurable metric means in an after-action report: its
//! definition, what to do when it falls short, and who owns the fix. Labels
//! and units come from the engine's metric table (`ttx_engine::metrics::METRIC_DEFS`).

pub use ttx_engine::metrics::{Unit, thousands};

/// Who is usually responsible for improving a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The team that plays the EI-ISAC.
    EiIsac,
    /// The teams of the targeted jurisdictions that were not warned in time (else the EI-ISAC's).
    UnwarnedTargets,
    /// The teams whose actors detected activity and shared it.
    Detectors,
    /// The teams whose assets were compromised or attacked.
    Victims,
    /// The teams that own election-night results websites.
    ResultsOwners,
    /// State election offices and DHS: public communication.
    Communicators,
    /// ODNI and the FBI: evidence and the assessment.
    Intelligence,
    /// ODNI, DOJ and DHS: the EO 13848 products.
    EoProcess,
}

/// The report's knowledge of one metric.
#[derive(Clone, Copy, Debug)]
pub struct MetricText {
    /// Metric name (docs/metrics.md).
    pub name: &'static str,
    /// One-line definition.
    pub definition: &'static str,
    /// A corrective action to prefill the improvement plan with.
    pub action: &'static str,
    /// Who owns the fix.
    pub owner: Owner,
}

const SHARE_FIX: &str = "Agree that a county reports suspicious activity to its state and the EI-ISAC the same day, before confirmation (with a TLP marking), and practise it: name who reports, to whom, and by when.";
const WARN_FIX: &str = "Widen and speed the warning path to likely targets: the state relays every indicator to all its counties the day it arrives, the FBI notifies victims and their state together, and non-member jurisdictions are invited to join the EI-ISAC.";

/// The report's text for every metric the evaluation section may name.
pub const METRICS: &[MetricText] = &[
    MetricText {
        name: "intrusions_attempted",
        definition: "initial-access attempts (and denial-of-service floods)",
        action: "Reduce exposure: close unneeded public services, filter known-bad addresses from shared indicators, and train staff against phishing.",
        owner: Owner::Victims,
    },
    MetricText {
        name: "intrusions_succeeded",
        definition: "attempts that got in (or floods that took a site down)",
        action: "Harden the systems that were entered: enforce multi-factor authentication, shorten patch lag, and complete phishing training for election staff.",
        owner: Owner::Victims,
    },
    MetricText {
        name: "intrusions_blocked",
        definition: "attempts stopped",
        action: "Turn shared indicators into blocks quickly: feed EI-ISAC and FBI indicators into email and network filters the day they arrive.",
        owner: Owner::Victims,
    },
    MetricText {
        name: "blocked_by_shared_indicator",
        definition: "blocked attempts where the target held an indicator it received from someone else",
        action: "Turn shared indicators into blocks quickly: feed EI-ISAC and FBI indicators into email and network filters the day they arrive.",
        owner: Owner::UnwarnedTargets,
    },
    MetricText {
        name: "dwell_time_h_p50",
        definition: "hours from compromise to first detection, median over every compromise (Kaplan-Meier, those never detected counted as censored)",
        action: "Improve detection on election systems: network sensors or endpoint detection on registration and office IT, daily log review, and a low bar for reporting anomalies.",
        owner: Owner::Victims,
    },
    MetricText {
        name: "dwell_time_h_p90",
        definition: "hours from compromise to first detection, 90th percentile (Kaplan-Meier, those never detected counted as censored)",
        action: "Improve detection on election systems: network sensors or endpoint detection on registration and office IT, daily log review, and a low bar for reporting anomalies.",
        owner: Owner::Victims,
    },
    MetricText {
        name: "undetected_compromises",
        definition: "intruders still inside, never detected, at the end",
        action: "Hunt for compromise whenever an indicator arrives, and request a CISA assessment for systems that held sensitive data.",
        owner: Owner::Victims,
    },
    MetricText {
        name: "evicted_unseen",
        definition: "intruders evicted by a response to something else, or gone with their campaign, without ever being detected",
        action: "After every restore or isolation, look for what else the intruder touched: an eviction that nobody saw is evidence and indicators lost.",
        owner: Owner::Victims,
    },
    MetricText {
        name: "time_to_share_h_p50",
        definition: "hours from a campaign's first detection to the first EI-ISAC alert about it",
        action: SHARE_FIX,
        owner: Owner::Detectors,
    },
    MetricText {
        name: "alert_reach_h_p50",
        definition: "hours from an EI-ISAC alert to its arrival at each member",
        action: "Review how EI-ISAC alerts reach members: current contact lists, a 24x7 point of contact in every member office, and alerts through more than one channel.",
        owner: Owner::EiIsac,
    },
    MetricText {
        name: "alert_reach_h_p90",
        definition: "hours from an EI-ISAC alert to its arrival at the slowest tenth of members",
        action: "Review how EI-ISAC alerts reach members: current contact lists, a 24x7 point of contact in every member office, and alerts through more than one channel.",
        owner: Owner::EiIsac,
    },
    MetricText {
        name: "warned_before_targeted",
        definition: "share of targeted jurisdictions that held a matching indicator before their first access attempt",
        action: WARN_FIX,
        owner: Owner::UnwarnedTargets,
    },
    MetricText {
        name: "voters_affected",
        definition: "registrations altered or lost plus voters delayed by pollbook failure",
        action: "Prepare continuity: paper pollbooks at every polling place, a standing procedure to seek extended hours, and offline backups of registration data.",
        owner: Owner::Victims,
    },
    MetricText {
        name: "results_downtime_h",
        definition: "hours results websites were down during election-night reporting",
        action: "Prepare a results-reporting fallback: denial-of-service protection, a backup site, and paper results for the media.",
        owner: Owner::ResultsOwners,
    },
    MetricText {
        name: "confidence_min",
        definition: "the lowest public confidence (0-100) during the exercise",
        action: "Agree a joint communication plan: who answers false claims, through which channels, and within the hour.",
        owner: Owner::Communicators,
    },
    MetricText {
        name: "confidence_final",
        definition: "public confidence (0-100) at the end",
        action: "Agree a joint communication plan: who answers false claims, through which channels, and within the hour.",
        owner: Owner::Communicators,
    },
    MetricText {
        name: "attribution_day",
        definition: "day after the election on which the EO 13848 assessment named an adversary",
        action: "Speed attribution evidence to ODNI: task agencies on Election Day, name points of contact, and open FBI investigations as soon as a campaign is seen.",
        owner: Owner::Intelligence,
    },
    MetricText {
        name: "eo_deadlines_met",
        definition: "assessment within 45 days of the election and report within 45 days after it",
        action: "Plan the EO 13848 schedule backwards from its 45-day deadlines, with interim drafts and named owners in ODNI, DOJ and DHS.",
        owner: Owner::EoProcess,
    },
];

/// The text for a metric (a plain fallback for names not in the table).
pub fn metric_text(name: &str) -> MetricText {
    METRICS.iter().find(|m| m.name == name).copied().unwrap_or(MetricText {
        name: "",
        definition: "",
        action: "Review this measure with the exercise planners.",
        owner: Owner::EiIsac,
    })
}

/// A readable label for any metric name (falls back to the name).
pub fn label(name: &str) -> String {
    ttx_engine::metrics::label(name).to_string()
}

/// The unit of any metric name (channel counts and unknown names are counts).
pub fn unit(name: &str) -> Unit {
    ttx_engine::metrics::unit(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_measurable_metric_has_a_text() {
        for m in ttx_engine::metrics::measurable_metrics() {
            assert!(!metric_text(m).name.is_empty(), "{m} has no report text");
        }
    }

    #[test]
    fn every_text_is_of_a_metric_of_the_table() {
        for t in METRICS {
            assert!(
                ttx_engine::metrics::metric_def(t.name).is_some(),
                "{} is not in the metric table",
                t.name
            );
        }
    }

    #[test]
    fn formats() {
        assert_eq!(Unit::Share.fmt(0.421), "42.1%");
        assert_eq!(Unit::Count.fmt(11642.0), "11,642");
        assert_eq!(Unit::Hours.fmt(41.0), "41 h");
        assert_eq!(Unit::YesNo.fmt(1.0), "yes");
    }
}
