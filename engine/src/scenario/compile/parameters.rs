//! Compiler sections for the numeric knobs of the model: information
//! sharing and its channels, access techniques and detection, public
//! confidence, the electorate, the EO 13848 process and the federal doctrine.
//! They build nothing; they check ranges and order.

use super::Builder;
use crate::scenario::schema::*;

impl Builder<'_> {
    /// The sharing knobs and every channel's latency quantiles.
    pub(super) fn sharing(&mut self) {
        let sh = &self.spec.sharing;
        let cx = &mut self.cx;
        cx.prob("sharing.isac_membership", sh.isac_membership);
        cx.prob("sharing.state_isac_membership", sh.state_isac_membership);
        cx.non_negative("sharing.tearline_h", sh.tearline_h);
        cx.non_negative("sharing.indicator_life_days", sh.indicator_life_days);
        for c in Channel::ALL {
            let ch = sh.channels.get(c);
            let path = format!("sharing.channels.{}", c.slug());
            cx.prob(format!("{path}.reliability"), ch.reliability);
            for (name, v) in
                [("min_h", ch.min_h), ("median_h", ch.median_h), ("p90_h", ch.p90_h), ("max_h", ch.max_h)]
            {
                cx.non_negative(format!("{path}.{name}"), v);
            }
            if !(ch.min_h <= ch.median_h && ch.median_h <= ch.p90_h && ch.p90_h <= ch.max_h) {
                cx.err(
                    format!("{path}.median_h"),
                    format!(
                        "latency quantiles out of order: min_h {}, median_h {}, p90_h {}, max_h {}",
                        ch.min_h, ch.median_h, ch.p90_h, ch.max_h
                    ),
                    "make min_h <= median_h <= p90_h <= max_h",
                );
            }
        }
    }

    /// Access techniques and detection rates.
    pub(super) fn techniques(&mut self) {
        let t = &self.spec.techniques;
        let cx = &mut self.cx;
        for (name, ts) in [
            ("phishing", &t.phishing),
            ("exploit_public_facing", &t.exploit_public_facing),
            ("credential_stuffing", &t.credential_stuffing),
            ("vendor_compromise", &t.vendor_compromise),
            ("denial_of_service", &t.denial_of_service),
        ] {
            cx.prob(format!("techniques.{name}.success"), ts.success);
            cx.prob(format!("techniques.{name}.block"), ts.block);
            cx.prob(format!("techniques.{name}.block_with_indicator"), ts.block_with_indicator);
            if ts.detect_boost < 1.0 || ts.detect_boost.is_nan() {
                cx.err(
                    format!("techniques.{name}.detect_boost"),
                    "a detection boost below 1 would make warnings hurt",
                    "use 1.0 or more",
                );
            }
        }
        let d = &t.detection;
        for (name, v) in [
            ("none", d.none),
            ("basic", d.basic),
            ("network_sensor", d.network_sensor),
            ("endpoint", d.endpoint),
        ] {
            cx.prob(format!("techniques.detection.{name}"), v);
        }
        cx.prob("techniques.detection.hunt", d.hunt);
        if d.persistence_tempo_h == 0 {
            cx.err(
                "techniques.detection.persistence_tempo_h",
                "zero hours between actions",
                "use 1 or more hours",
            );
        }
    }

    /// Public confidence and the electorate.
    pub(super) fn public_and_electorate(&mut self) {
        let p = &self.spec.public;
        let cx = &mut self.cx;
        if !(0.0..=100.0).contains(&p.confidence) {
            cx.err(
                "public.confidence",
                format!("{} is not a confidence level", p.confidence),
                "use a number from 0 to 100",
            );
        }
        cx.prob("public.recovery_per_day", p.recovery_per_day);
        cx.prob("public.statement_recovery", p.statement_recovery);
        cx.prob("public.debunk_recovery", p.debunk_recovery);
        cx.non_negative("public.incident_drop", p.incident_drop);
        cx.non_negative("public.leak_drop", p.leak_drop);
        cx.non_negative("public.statement_window_h", p.statement_window_h);
        let el = &self.spec.electorate;
        cx.prob("electorate.turnout", el.turnout);
        cx.prob("electorate.in_person_share", el.in_person_share);
        cx.prob("electorate.registrations_per_day", el.registrations_per_day);
        cx.prob("electorate.paper_delay_share", el.paper_delay_share);
    }

    /// The EO 13848 process.
    pub(super) fn eo13848(&mut self) {
        let eo = &self.spec.eo13848;
        for (name, v) in [
            ("assessment_work_days", eo.assessment_work_days),
            ("evidence_needed", eo.evidence_needed),
            ("name_threshold", eo.name_threshold),
            ("report_work_days", eo.report_work_days),
            ("report_days_per_unassessed", eo.report_days_per_unassessed),
            ("sanctions_days", eo.sanctions_days),
            ("evidence_per_detection", eo.evidence_per_detection),
            ("evidence_per_investigation_day", eo.evidence_per_investigation_day),
            ("evidence_per_intel", eo.evidence_per_intel),
            ("evidence_per_report", eo.evidence_per_report),
            ("evidence_per_attribution", eo.evidence_per_attribution),
            ("evidence_per_analysis_day", eo.evidence_per_analysis_day),
        ] {
            self.cx.non_negative(format!("eo13848.{name}"), v);
        }
    }

    /// The federal doctrine's rates and hours.
    pub(super) fn federal_doctrine(&mut self) {
        let fd = &self.spec.doctrines.federal;
        self.cx.prob("doctrines.federal.investigation_find_rate", fd.investigation_find_rate);
        self.cx.non_negative("doctrines.federal.onsite_days", fd.onsite_days);
        if let Some(h) = fd.public_attribution_h {
            self.cx.non_negative("doctrines.federal.public_attribution_h", h);
        }
    }
}
