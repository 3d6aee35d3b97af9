//! The AAR's section on the executive order's deadlines and what met them.

use ttx_engine::events::EventKind;
use ttx_engine::{ETime, FacilitatorView, Sim, Tick};

use crate::report::doc::{Block, Cell, Doc, Table};

use super::analysis::Analysis;
use super::calendar::when_long;
use super::document::h2;

pub(super) fn eo_section(doc: &mut Doc, a: &Analysis) {
    let sim = a.sim;
    let reg = sim.registry();
    let m = &a.metrics;
    let fv = sim.facilitator_view();
    let eo = &fv.eo;
    let end = reg.clock.at(Tick(a.last_tick));
    h2(doc, "eo13848", "6. EO 13848 outcome");
    doc.blocks.push(Block::Aside(
        "Executive Order 13848: the DNI's assessment of foreign interference is due within 45 days of the election; the DOJ/DHS report on its impact within 45 days after that; then the sanctions decision.".into(),
    ));
    let pending = |due: ETime| {
        if end < due {
            format!("not reached by the end of the record ({end})")
        } else {
            "not delivered".to_string()
        }
    };
    let mut facts = Vec::new();
    facts.push(("Assessment due".to_string(), when_long(reg, eo.assessment_due)));
    facts.push((
        "Assessment delivered".to_string(),
        match eo.assessment_at {
            Some(t) => format!(
                "{} — day {}, {}{}",
                when_long(reg, t),
                t.day(),
                if t <= eo.assessment_due { "on time" } else { "LATE" },
                match eo.confident {
                    Some(false) => ", with low confidence",
                    _ => "",
                }
            ),
            None => pending(eo.assessment_due),
        },
    ));
    facts.push((
        "Named".to_string(),
        if eo.assessment_at.is_none() {
            "-".into()
        } else if eo.named.is_empty() {
            "no foreign interference identified".into()
        } else {
            eo.named.join(", ")
        },
    ));
    facts.push((
        "Attribution correct".to_string(),
        match m.attribution_correct {
            Some(true) => "yes: it named exactly the adversaries that interfered".into(),
            Some(false) => "no: it did not name exactly the adversaries that interfered".into(),
            None => "not judged (no assessment)".into(),
        },
    ));
    let active = adversaries_with_campaigns(sim, &fv);
    facts.push((
        "Adversaries with campaigns in this run".to_string(),
        if active.is_empty() { "none".into() } else { active.join(", ") },
    ));
    facts.push((
        "Report due".to_string(),
        eo.report_due.map_or("45 days after the assessment".into(), |d| when_long(reg, d)),
    ));
    facts.push((
        "Report delivered".to_string(),
        match (eo.report_at, eo.report_due) {
            (Some(t), Some(due)) => {
                format!(
                    "{} — day {}, {}",
                    when_long(reg, t),
                    t.day(),
                    if t <= due { "on time" } else { "LATE" }
                )
            }
            (Some(t), None) => format!("{} — day {}", when_long(reg, t), t.day()),
            (None, Some(due)) => pending(due),
            (None, None) => pending(ETime(eo.assessment_due.0 + 45 * 24)),
        },
    ));
    let recommended = sanctions_recommended(sim);
    facts.push((
        "Sanctions recommended".to_string(),
        if recommended.is_empty() { "none".into() } else { recommended.join(", ") },
    ));
    facts.push((
        "Sanctions decision".to_string(),
        match eo.sanctions_at {
            Some(t) => format!(
                "{} — day {}: {}",
                when_long(reg, t),
                t.day(),
                if eo.sanctioned.is_empty() {
                    "no sanctions imposed".into()
                } else {
                    format!("sanctions on {}", eo.sanctioned.join(", "))
                }
            ),
            None => "not made by the end of the record".into(),
        },
    ));
    facts.push((
        "Deadlines met".to_string(),
        match m.eo_deadlines_met {
            Some(true) => "yes: both 45-day deadlines".into(),
            Some(false) => "no".into(),
            None => format!("not reached by the end of the record ({end}): no deadline has passed unmet"),
        },
    ));
    doc.blocks.push(Block::Facts(facts));
    evidence_table(doc, &eo.evidence);
}

/// The adversaries that ran a campaign in the run, in the order they started.
fn adversaries_with_campaigns(sim: &Sim, fv: &FacilitatorView) -> Vec<String> {
    let reg = sim.registry();
    let mut v: Vec<String> = Vec::new();
    for e in sim.events() {
        if let EventKind::CampaignStarted { campaign } = &e.kind {
            let n = reg.adversaries[reg.campaign(*campaign).adversary.ix()].name.clone();
            if !v.contains(&n) {
                v.push(n);
            }
        }
    }
    // A campaign an inject found already inside (`Compromise`) is running without a start event.
    for c in fv.campaigns.iter().filter(|c| c.status == "active" || c.targets > 0) {
        if !v.contains(&c.adversary) {
            v.push(c.adversary.clone());
        }
    }
    v
}

/// The adversaries the sanctions were recommended against, in order.
fn sanctions_recommended(sim: &Sim) -> Vec<String> {
    let reg = sim.registry();
    sim.events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::SanctionsRecommended { adversary } => {
                Some(reg.adversaries[adversary.ix()].name.clone())
            }
            _ => None,
        })
        .collect()
}

/// The attribution evidence gathered against each adversary.
fn evidence_table(doc: &mut Doc, evidence: &[(String, f64)]) {
    if evidence.is_empty() {
        return;
    }
    let mut t = Table {
        head: vec!["Adversary".into(), "Attribution evidence gathered".into()],
        ..Default::default()
    };
    for (name, v) in evidence {
        t.rows.push(vec![Cell::text(name), Cell::num(format!("{v:.2}"))]);
    }
    doc.blocks.push(Block::Table(t));
}
