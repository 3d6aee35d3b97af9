//! Scenario sections `public`, `electorate` and `eo13848`: public confidence,
//! how outages become affected voters, and the EO 13848 post-election process.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Public confidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PublicSpec {
    /// Starting confidence, 0-100 (share confident votes are counted accurately).
    pub confidence: f64,
    /// Share of the gap to the starting level recovered per day.
    pub recovery_per_day: f64,
    /// Points a visible incident costs before amplification.
    pub incident_drop: f64,
    /// Points a public leak costs before amplification.
    pub leak_drop: f64,
    /// Hours within which a public statement counts as timely.
    pub statement_window_h: f64,
    /// Share of an incident's cost a timely statement wins back.
    pub statement_recovery: f64,
    /// Share of a surge's cost a timely debunking wins back.
    pub debunk_recovery: f64,
}

impl Default for PublicSpec {
    fn default() -> Self {
        PublicSpec {
            confidence: 59.0,
            recovery_per_day: 0.05,
            incident_drop: 1.5,
            leak_drop: 3.0,
            statement_window_h: 24.0,
            statement_recovery: 0.5,
            debunk_recovery: 0.7,
        }
    }
}

/// The electorate: how outages become affected voters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ElectorateSpec {
    /// Share of registered voters who vote.
    pub turnout: f64,
    /// Share of voters who vote in person on Election Day (and need the pollbooks).
    pub in_person_share: f64,
    /// New registrations per registered voter per day in the month before the deadline.
    pub registrations_per_day: f64,
    /// Share of pollbook delays that remain when a jurisdiction has switched to paper pollbooks.
    pub paper_delay_share: f64,
}

impl Default for ElectorateSpec {
    fn default() -> Self {
        ElectorateSpec {
            turnout: 0.66,
            in_person_share: 0.4,
            registrations_per_day: 0.0005,
            paper_delay_share: 0.15,
        }
    }
}

/// The EO 13848 post-election process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Eo13848Spec {
    /// Days after the election the DNI's assessment is due (§1(a)).
    pub assessment_due_days: u32,
    /// Days after the assessment the AG/DHS report is due (§1(b)).
    pub report_due_days: u32,
    /// Days the intelligence community needs to write the assessment when the evidence is in hand.
    pub assessment_work_days: f64,
    /// Attribution evidence needed to name an adversary with confidence.
    pub evidence_needed: f64,
    /// Evidence below which an adversary is not named at all.
    pub name_threshold: f64,
    /// Longest the assessment waits for evidence, in days after the election.
    pub assessment_cap_days: u32,
    /// Days the AG and DHS need for the report.
    pub report_work_days: f64,
    /// Extra report days per square root of the number of detected compromises nobody assessed on site.
    pub report_days_per_unassessed: f64,
    /// Days from the report to the sanctions decision.
    pub sanctions_days: f64,
    /// Evidence from each detected intrusion.
    pub evidence_per_detection: f64,
    /// Evidence per day of an open FBI investigation.
    pub evidence_per_investigation_day: f64,
    /// Evidence from intelligence on each campaign ODNI learns of.
    pub evidence_per_intel: f64,
    /// Evidence from each report or alert about an adversary that reaches the FBI, DHS or ODNI.
    pub evidence_per_report: f64,
    /// Evidence from a public attribution of an adversary (the agencies pooled what they hold).
    pub evidence_per_attribution: f64,
    /// Evidence that coordination adds each day, past the work days, for every adversary already
    /// suspected (at least `name_threshold`) while the assessment waits for more.
    pub evidence_per_analysis_day: f64,
}

impl Default for Eo13848Spec {
    fn default() -> Self {
        Eo13848Spec {
            assessment_due_days: 45,
            report_due_days: 45,
            assessment_work_days: 45.0,
            evidence_needed: 6.0,
            name_threshold: 2.0,
            assessment_cap_days: 80,
            report_work_days: 35.0,
            report_days_per_unassessed: 1.0,
            sanctions_days: 14.0,
            evidence_per_detection: 1.0,
            evidence_per_investigation_day: 0.1,
            evidence_per_intel: 2.0,
            evidence_per_report: 0.5,
            evidence_per_attribution: 2.0,
            evidence_per_analysis_day: 0.1,
        }
    }
}
