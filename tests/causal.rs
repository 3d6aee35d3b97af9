//! The causal contract: every knob moves the metrics it is documented to move, in the
//! documented direction (docs/validity.md, "The causal contract").
//!
//! Each row sweeps one knob at two values over paired runs (the same seeds at both values:
//! common random numbers) and asks for a paired t statistic of at least [`T_NEEDED`] in the
//! documented direction. A knob with no effect or the wrong sign fails. Every other sweepable
//! knob of the policy sections must change some metric in some shipped scenario, unless
//! docs/validity.md lists it as moving none (with the reason), and a test checks that too.

use rayon::prelude::*;
use ttx::batch::files::run_seed;
use ttx::batch::sweep;
use ttx_engine::builtin::{self, Builtin};
use ttx_engine::{Scenario, Sim};

/// Which way a metric must move when the knob goes from `lo` to `hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sign {
    Up,
    Down,
    /// Exactly unchanged in every pair.
    Same,
}

/// One row of the contract.
struct Row {
    scenario: &'static str,
    /// Another knob held at one value at both points (`path=value`), where the mechanism
    /// needs it to show.
    with: Option<&'static str>,
    knob: &'static str,
    lo: &'static str,
    hi: &'static str,
    metric: &'static str,
    sign: Sign,
    runs: u32,
}

const fn row(
    scenario: &'static str,
    knob: &'static str,
    lo: &'static str,
    hi: &'static str,
    metric: &'static str,
    sign: Sign,
    runs: u32,
) -> Row {
    Row { scenario, with: None, knob, lo, hi, metric, sign, runs }
}

const fn with(r: Row, setting: &'static str) -> Row {
    Row { with: Some(setting), ..r }
}

/// The paired t statistic a row needs (about p < 0.003 two-sided).
const T_NEEDED: f64 = 3.0;

use Sign::{Down, Same, Up};

/// The contract. Keep docs/validity.md's table in step (a test compares them).
const CONTRACT: &[Row] = &[
    row("tabletop_the_vote", "sharing.isac_membership", "0.2", "0.9", "warned_before_targeted", Up, 120),
    row("tabletop_the_vote", "sharing.isac_membership", "0.2", "0.9", "blocked_by_shared_indicator", Up, 120),
    with(
        row("tabletop_the_vote", "sharing.isac_membership", "0.2", "0.9", "targeted_jurisdictions", Same, 60),
        "doctrines.eiisac.relay_h=96",
    ),
    row("tabletop_the_vote", "doctrines.eiisac.relay_h", "6", "96", "warned_before_targeted", Down, 120),
    row("tabletop_the_vote", "doctrines.eiisac.relay_h", "6", "96", "time_to_share_h_p50", Up, 120),
    with(
        row("sharing_2020", "doctrines.eiisac.relay_h", "6", "96", "dwell_time_h_p50", Up, 200),
        "techniques.detection.hunt=0.9",
    ),
    row("sharing_2016", "techniques.detection.none", "0.01", "0.3", "undetected_compromises", Down, 120),
    row("sharing_2016", "techniques.detection.none", "0.01", "0.3", "dwell_time_h_p50", Down, 120),
    row("sharing_2020", "techniques.detection.basic", "0.04", "0.3", "dwell_time_h_p50", Down, 120),
    row("sharing_2020", "techniques.detection.hunt", "0.1", "0.9", "dwell_time_h_p50", Down, 120),
    row("tabletop_the_vote", "sharing.indicator_life_days", "7", "90", "warned_before_targeted", Up, 120),
    row(
        "sharing_2016",
        "doctrines.federal.public_attribution_h",
        "24",
        "100000",
        "attribution_correct",
        Down,
        120,
    ),
    row(
        "sharing_2020",
        "sharing.channels.fbi_to_victim.reliability",
        "0.1",
        "0.9",
        "intrusions_succeeded",
        Down,
        300,
    ),
    row(
        "sharing_2020",
        "doctrines.federal.fbi_notify_state",
        "false",
        "true",
        "messages_fbi_to_victim",
        Up,
        120,
    ),
    row("tabletop_the_vote", "eo13848.evidence_needed", "6", "60", "assessment_day", Up, 200),
];

fn base(name: &str) -> Scenario {
    let b: &Builtin = builtin::BUILTINS
        .iter()
        .chain(builtin::RESEARCH)
        .find(|b| b.name == name)
        .unwrap_or_else(|| panic!("no scenario {name}"));
    builtin::load(b).expect("shipped scenario loads")
}

/// The scenario at both values of a row's knob.
fn pair(r: &Row) -> (Scenario, Scenario) {
    let base = base(r.scenario);
    let root = sweep::tree(base.spec()).expect("tree");
    let mut args = vec![format!("{}={},{}", r.knob, r.lo, r.hi)];
    args.extend(r.with.map(str::to_string));
    let sweeps = sweep::resolve(&root, &args).expect("knob resolves");
    let mut points = sweep::points(&base, r.scenario, &root, &sweeps).expect("points are valid");
    let hi = points.pop().expect("two points").scenario;
    let lo = points.pop().expect("two points").scenario;
    (lo, hi)
}

fn metric(s: &Scenario, seed: u64, name: &str) -> Option<f64> {
    let mut sim = Sim::new(s, seed);
    sim.run_to_end();
    sim.metrics().get(name)
}

/// Mean paired difference (hi - lo) and its t statistic, over runs where both have a value.
fn paired(r: &Row) -> (f64, f64, usize) {
    let (lo, hi) = pair(r);
    let diffs: Vec<f64> = (0..r.runs)
        .into_par_iter()
        .filter_map(|k| {
            let seed = run_seed(1, k);
            Some(metric(&hi, seed, r.metric)? - metric(&lo, seed, r.metric)?)
        })
        .collect();
    let n = diffs.len();
    let mean = diffs.iter().sum::<f64>() / n.max(1) as f64;
    let var = diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n.max(2) - 1) as f64;
    let t = if var > 0.0 {
        mean / (var / n as f64).sqrt()
    } else if mean != 0.0 {
        f64::INFINITY.copysign(mean)
    } else {
        0.0
    };
    (mean, t, n)
}

#[test]
fn every_knob_moves_its_metrics_the_documented_way() {
    let failures: Vec<String> = CONTRACT
        .iter()
        .filter_map(|r| {
            let (mean, t, n) = paired(r);
            let ok = match r.sign {
                Up => t >= T_NEEDED,
                Down => t <= -T_NEEDED,
                Same => mean == 0.0 && t == 0.0,
            };
            (!ok).then(|| {
                format!(
                    "{} {}: {} -> {} should move {} {:?}; mean difference {mean:+.4} over {n} pairs, t = {t:.2}",
                    r.scenario, r.knob, r.lo, r.hi, r.metric, r.sign
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "knobs without their documented effect:\n{}", failures.join("\n"));
}

/// The knobs of the policy sections (what researchers sweep).
fn knobs() -> Vec<String> {
    let base = base("tabletop_the_vote");
    let root = sweep::tree(base.spec()).expect("tree");
    let sections = ["sharing.", "techniques.", "doctrines.", "eo13848.", "public.", "electorate."];
    sweep::parameters(&root)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| sections.iter().any(|s| p.starts_with(s)))
        .collect()
}

fn matches(pattern: &str, path: &str) -> bool {
    let (p, q): (Vec<&str>, Vec<&str>) = (pattern.split('.').collect(), path.split('.').collect());
    p.len() == q.len() && p.iter().zip(&q).all(|(a, b)| *a == "*" || a == b)
}

fn validity_doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/validity.md"))
        .expect("docs/validity.md")
}

/// Other values to try for a knob, typed as the scenario holds it.
fn alternatives(v: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    match v {
        Value::Bool(b) => vec![(!b).to_string()],
        Value::Null => vec!["24".into(), "1".into()],
        Value::Number(n) if n.is_u64() => {
            let x = n.as_u64().unwrap_or(0);
            let mut out = vec![(x * 2).max(1), x / 2, x + 1, x.saturating_sub(1)];
            out.retain(|y| *y != x);
            out.iter().map(u64::to_string).collect()
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            let mut out =
                if x == 0.0 { vec![0.5, 1.0, 24.0] } else { vec![x / 2.0, x * 2.0, (1.0 + x) / 2.0] };
            out.retain(|y| *y != x);
            out.iter().map(|y| format!("{y:?}")).collect()
        }
        _ => vec![],
    }
}

/// Whether some other value of a knob changes some metric of some of a few paired runs,
/// in any of the scenarios (a knob can matter only where its mechanism is exercised).
fn has_effect(knob: &str, scenarios: &[Scenario], runs: u32) -> bool {
    scenarios.iter().any(|base| {
        let root = sweep::tree(base.spec()).expect("tree");
        let Some(v) = sweep::parameters(&root).into_iter().find(|(p, _)| p == knob).map(|(_, v)| v) else {
            return false;
        };
        alternatives(&v).into_iter().any(|alt| {
            let Ok(sweeps) = sweep::resolve(&root, &[format!("{knob}={alt}")]) else { return false };
            let Ok(mut points) = sweep::points(base, "knob", &root, &sweeps) else { return false };
            let Some(changed) = points.pop().map(|p| p.scenario) else { return false };
            (0..runs).into_par_iter().any(|k| {
                let seed = run_seed(7, k);
                let run = |s: &Scenario| {
                    let mut sim = Sim::new(s, seed);
                    sim.run_to_end();
                    sim.metrics().scalars()
                };
                run(base) != run(&changed)
            })
        })
    })
}

/// Paired runs per knob and scenario when looking for any effect at all.
const EFFECT_RUNS: u32 = 16;

/// Knob patterns docs/validity.md lists under a heading.
fn listed(doc: &str, heading: &str) -> Vec<String> {
    let section =
        doc.split(heading).nth(1).unwrap_or_else(|| panic!("docs/validity.md has a section '{heading}'"));
    let section = section.split("\n## ").next().unwrap_or(section);
    // Every `code` span on a list line that starts with one.
    section
        .lines()
        .filter(|l| l.trim_start().starts_with("- "))
        .flat_map(|l| l.split('`').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>())
        .filter(|p| p.contains('.'))
        .collect()
}

#[test]
fn every_knob_moves_some_metric_unless_documented_as_moving_none() {
    let doc = validity_doc();
    let inert = listed(&doc, "## Knobs that move no metric");
    let mut scenarios: Vec<Scenario> =
        ["tabletop_the_vote", "sharing_2020", "sharing_2016", "county_ransomware", "vendor_supply_chain"]
            .iter()
            .map(|n| base(n))
            .collect();
    // Thin evidence (influence operations only), where the assessment waits on evidence.
    let mut thin = base("sharing_2020").spec().clone();
    ttx::calibrate::thin_evidence(&mut thin);
    scenarios.push(Scenario::from_spec("thin evidence", &thin).expect("valid"));
    let all = knobs();
    for p in &inert {
        assert!(all.iter().any(|k| matches(p, k)), "docs/validity.md lists `{p}`, which names no knob");
    }
    let without: Vec<String> = all
        .into_iter()
        .filter(|k| !inert.iter().any(|p| matches(p, k)))
        .filter(|k| !has_effect(k, &scenarios, EFFECT_RUNS))
        // A rarely exercised mechanism gets a closer look before it is called inert.
        .filter(|k| !has_effect(k, &scenarios, 4 * EFFECT_RUNS))
        .collect();
    assert!(
        without.is_empty(),
        "knobs that changed no metric in any shipped scenario (a defect, or document them under \
         'Knobs that move no metric' in docs/validity.md):\n{}",
        without.join("\n")
    );
}

#[test]
fn the_documented_contract_is_the_tested_one() {
    let doc = validity_doc();
    for r in CONTRACT {
        let scenario = match r.with {
            Some(w) => format!("{} (with `{w}`)", r.scenario),
            None => r.scenario.to_string(),
        };
        let line = format!("| {scenario} | `{}` | {} → {} | `{}` |", r.knob, r.lo, r.hi, r.metric);
        assert!(doc.contains(&line), "docs/validity.md lacks the contract row:\n{line}");
    }
}

/// The calibration suite's fast variant: fewer runs than `ttx calibrate`, the same bands.
#[test]
fn the_model_meets_the_historical_record_in_a_fast_calibration() {
    let outcomes = ttx::calibrate::calibrate(60, 1, None).expect("calibration runs");
    let missed: Vec<String> = ttx::calibrate::TARGETS
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| !o.within)
        .map(|(t, o)| format!("{}: {:?} not in {:?}", t.id, o.value, t.band))
        .collect();
    assert!(missed.is_empty(), "calibration targets missed:\n{}", missed.join("\n"));
}

#[test]
fn the_documented_calibration_targets_are_the_checked_ones() {
    let doc = validity_doc();
    for t in ttx::calibrate::TARGETS {
        assert!(doc.contains(&format!("`{}`", t.id)), "docs/validity.md lacks target {}", t.id);
    }
}
