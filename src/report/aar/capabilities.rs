//! The rating of core capabilities from the evaluation's measures, with the evidence behind
//! each measure and the teams responsible for it.

use ttx_engine::Metrics;
use ttx_engine::evaluation::ActionRating;
use ttx_engine::events::{AttemptOutcome, EventKind};
use ttx_engine::model::registry::{ActorIx, ActorKind};
use ttx_engine::scenario::schema::{Channel, MeasureSpec};

use crate::report::metrics_text::{Owner, Unit, label, thousands, unit};
use crate::report::rating::{Rating, combine, rate, threshold_text};

use super::analysis::{Analysis, CapabilityResult, MeasureResult, actor_name, channel_name};
use super::flows::CampaignFlow;

pub(super) fn value_of(m: &Metrics, name: &str) -> Option<f64> {
    m.get(name)
}

/// Team names responsible for a metric, from who was involved in the run.
pub(super) fn responsible(a: &Analysis, owner: Owner) -> String {
    let reg = a.sim.registry();

    let team = |x: ActorIx| reg.actor(x).team.map(|t| reg.teams[t.ix()].name.clone());
    let mut names: Vec<String> = Vec::new();
    let mut add = |n: Option<String>| {
        if let Some(n) = n
            && !names.contains(&n)
        {
            names.push(n);
        }
    };
    match owner {
        Owner::EiIsac => add(team(reg.federal.eiisac)),
        Owner::UnwarnedTargets => {
            for t in a.targeted.iter().filter(|t| !t.warned) {
                add(team(t.actor));
            }
            add(team(reg.federal.eiisac));
        }
        Owner::Detectors => {
            for e in a.sim.events() {
                if let EventKind::Detected { detector, .. } = &e.kind
                    && matches!(reg.actor(*detector).kind, ActorKind::Local | ActorKind::StateOffice)
                {
                    add(team(*detector));
                }
            }
            add(team(reg.federal.eiisac));
        }
        Owner::Victims => {
            for e in a.sim.events() {
                if let EventKind::Attempt { asset, outcome: AttemptOutcome::Succeeded, .. } = &e.kind {
                    add(team(reg.asset(*asset).owner));
                }
            }
        }
        Owner::ResultsOwners => {
            for e in a.sim.events() {
                if let EventKind::AssetDown { asset, .. } = &e.kind
                    && reg.asset(*asset).kind == ttx_engine::scenario::schema::AssetKind::ResultsWebsite
                {
                    add(team(reg.asset(*asset).owner));
                }
            }
        }
        Owner::Communicators => {
            for s in &reg.states {
                add(team(s.office));
            }
            add(team(reg.federal.dhs));
        }
        Owner::Intelligence => {
            add(team(reg.federal.odni));
            add(team(reg.federal.fbi));
        }
        Owner::EoProcess => {
            add(team(reg.federal.odni));
            add(team(reg.federal.doj));
            add(team(reg.federal.dhs));
        }
    }
    if names.is_empty() { "Exercise planners to assign".to_string() } else { names.join("; ") }
}

/// The numbers behind a measure, in words.
pub(super) fn evidence(a: &Analysis, metric: &str) -> Vec<String> {
    let reg = a.sim.registry();
    let m = &a.metrics;
    let h = |x: Option<f64>| Unit::Hours.fmt_opt(x);
    let mut v = Vec::new();
    match metric {
        "warned_before_targeted" => {
            v.push(format!(
                "{} of {} targeted jurisdictions held a matching indicator before their first access attempt.",
                m.warned_jurisdictions, m.targeted_jurisdictions
            ));
            let unwarned: Vec<String> =
                a.targeted.iter().filter(|t| !t.warned).map(|t| actor_name(reg, t.actor)).collect();
            if !unwarned.is_empty() {
                v.push(format!("Targeted before any warning reached them: {}.", unwarned.join(", ")));
            }
            v.push(format!(
                "{} attempts were blocked thanks to an indicator shared by someone else ({} blocked in all).",
                m.blocked_by_shared_indicator, m.intrusions_blocked
            ));
        }
        "time_to_share_h_p50" | "alert_reach_h_p50" | "alert_reach_h_p90" => sharing_evidence(a, metric, &mut v),
        "dwell_time_h_p50" | "dwell_time_h_p90" | "undetected_compromises" => v.push(format!(
            "{} successful intrusions; dwell time p50 {}, p90 {} (Kaplan-Meier); {} intruders still inside unseen, {} gone unseen.",
            m.intrusions_succeeded,
            h(m.dwell_time_h_p50),
            h(m.dwell_time_h_p90),
            m.undetected_compromises,
            m.evicted_unseen
        )),
        "intrusions_attempted"
        | "intrusions_succeeded"
        | "intrusions_blocked"
        | "blocked_by_shared_indicator" => v.push(format!(
            "{} attempts: {} succeeded, {} blocked ({} thanks to a shared indicator).",
            m.intrusions_attempted,
            m.intrusions_succeeded,
            m.intrusions_blocked,
            m.blocked_by_shared_indicator
        )),
        "voters_affected" => v.push(format!(
            "{} voters affected: {} registrations altered, {} lost, {} voters delayed.",
            thousands(m.voters_affected as i64),
            thousands(m.registrations_altered as i64),
            thousands(m.registrations_lost as i64),
            thousands(m.voters_delayed as i64)
        )),
        "results_downtime_h" => v.push(format!(
            "Results websites were down {} h during election-night reporting.",
            m.results_downtime_h
        )),
        "confidence_min" | "confidence_final" => {
            let stmts = a.totals[5];
            v.push(format!(
                "Public confidence started at {:.2}, fell to {:.2} and ended at {:.2}; {} public statements, advisories and attributions.",
                reg.spec.public.confidence, m.confidence_min, m.confidence_final, stmts
            ));
        }
        "attribution_day" | "eo_deadlines_met" => eo_evidence(a, &mut v),
        _ => {}
    }
    v
}

/// The evidence behind the sharing measures: each campaign's detection and first alert, and the
/// alerts' reach.
fn sharing_evidence(a: &Analysis, metric: &str, v: &mut Vec<String>) {
    let reg = a.sim.registry();
    let m = &a.metrics;
    let h = |x: Option<f64>| Unit::Hours.fmt_opt(x);
    for f in &a.flows {
        match (f.detected, f.alerted) {
            (Some(d), Some(al)) => v.push(format!(
                "{}: first detected {}, first EI-ISAC alert {} ({}).",
                f.name,
                reg.clock.at(d),
                reg.clock.at(al),
                if al >= d {
                    format!("{} h later", al.0 - d.0)
                } else {
                    "before any detection, from intelligence or an inject".into()
                }
            )),
            (Some(d), None) => v.push(format!(
                "{}: first detected {}, never alerted by the EI-ISAC.",
                f.name,
                reg.clock.at(d)
            )),
            _ => {}
        }
    }
    if metric != "time_to_share_h_p50" {
        let n: u32 = a
            .flows
            .iter()
            .flat_map(|f| &f.hops)
            .filter(|h| h.channel == channel_name(Some(Channel::IsacToMembers)))
            .map(|h| h.delivered)
            .sum();
        v.push(format!(
            "{n} EI-ISAC alerts brought a member an indicator it did not hold yet; reach p50 {}, p90 {}.",
            h(m.alert_reach_h_p50),
            h(m.alert_reach_h_p90)
        ));
    }
}

/// The evidence behind the EO 13848 measures: the assessment and the report.
fn eo_evidence(a: &Analysis, v: &mut Vec<String>) {
    let m = &a.metrics;
    let eo = a.sim.facilitator_view().eo;
    v.push(match eo.assessment_at {
        Some(t) => format!(
            "Assessment delivered {} (due {}), naming {}; attribution {}.",
            t,
            eo.assessment_due,
            if eo.named.is_empty() { "no one".to_string() } else { eo.named.join(", ") },
            match m.attribution_correct {
                Some(true) => "correct",
                Some(false) => "wrong",
                None => "not judged",
            }
        ),
        None => {
            format!("No assessment delivered by the end of the record (due {}).", eo.assessment_due)
        }
    });
    if let Some(r) = eo.report_at {
        v.push(format!(
            "DOJ/DHS report delivered {r} (due {}).",
            eo.report_due.map_or("-".into(), |d| d.to_string())
        ));
    }
}

pub(super) fn rate_capability(a: &Analysis, name: &str, measures: &[MeasureSpec]) -> CapabilityResult {
    let mut results = Vec::new();
    let mut strengths = Vec::new();
    let mut improvements = Vec::new();
    // Campaigns detected but never alerted: a missing sharing metric is then a failure, not a gap.
    let unshared: Vec<&CampaignFlow> =
        a.flows.iter().filter(|f| f.detected.is_some() && f.alerted.is_none()).collect();
    let any_alert = a.flows.iter().any(|f| f.alerted.is_some());
    for spec in measures {
        let value = value_of(&a.metrics, &spec.metric);
        let unit = unit(&spec.metric);
        let mut rating = rate(spec, value);
        let mut ev = evidence(a, &spec.metric);
        if value.is_none() {
            let sharing = spec.metric == "time_to_share_h_p50" || spec.metric.starts_with("alert_reach");
            if sharing && !unshared.is_empty() && !any_alert {
                rating = Rating::Unable;
                ev.insert(
                    0,
                    format!(
                        "No detected campaign was ever alerted by the EI-ISAC ({} detected), so the measure has no value: rated unable to be performed.",
                        unshared.len()
                    ),
                );
            } else {
                ev.insert(0, format!("{} has no value in this run: not rated.", label(&spec.metric)));
            }
        }
        let value_text = unit.fmt_opt(value);
        let target = threshold_text(spec, |x| unit.fmt(x));
        match rating {
            Rating::WithoutChallenges => strengths.push(format!(
                "{}: {} (performed without challenges needs {}{}).",
                label(&spec.metric),
                value_text,
                if spec.higher_is_better { "≥ " } else { "≤ " },
                unit.fmt(spec.without_challenges)
            )),
            r if r.is_challenge() => {
                let mut text = format!(
                    "{} was {} ({}); performing without challenges needs {}{}.",
                    label(&spec.metric),
                    value_text,
                    r.letter(),
                    if spec.higher_is_better { "≥ " } else { "≤ " },
                    unit.fmt(spec.without_challenges)
                );
                if let Some(first) =
                    ev.iter().find(|e| !e.contains(&value_text) && !e.ends_with("not rated."))
                {
                    text.push(' ');
                    text.push_str(first);
                }
                improvements.push((spec.metric.clone(), text));
            }
            _ => {}
        }
        let _ = target;
        results.push(MeasureResult { spec: spec.clone(), value, rating, evidence: ev });
    }
    // Observations beyond the thresholds.
    if name == "Intelligence and Information Sharing" && a.metrics.blocked_by_shared_indicator > 0 {
        strengths.push(format!(
            "Shared indicators stopped {} intrusion attempts outright.",
            a.metrics.blocked_by_shared_indicator
        ));
    }
    let rating = combine(results.iter().map(|r| r.rating));
    CapabilityResult { name: name.to_string(), rating, measures: results, strengths, improvements }
}

/// The HSEEP rating of one scored expected action.
pub(super) fn action_rating(r: ActionRating) -> Rating {
    match r {
        ActionRating::OnTime => Rating::WithoutChallenges,
        ActionRating::Late => Rating::SomeChallenges,
        ActionRating::NotDone => Rating::Unable,
        ActionRating::NotDue => Rating::NotRated,
    }
}

/// The worst of the rated ratings (none rated: not rated).
pub(super) fn worst(ratings: impl Iterator<Item = Rating>) -> Rating {
    ratings.filter(|r| *r != Rating::NotRated).max().unwrap_or(Rating::NotRated)
}
