//! The calibration suite: the model's numbers against the historical record.
//!
//! Each [`Target`] names a fact from `scenarios/data/DOMAIN_FACTS.md`, the
//! research scenario that stands for it (optionally changed, for a
//! counterfactual such as thin evidence), how the model's value is measured
//! over many seeded runs, and the band the value must fall in. `ttx calibrate`
//! prints the table with 95% intervals (percentile bootstrap over runs) and
//! exits 0 only when every value is in its band; docs/validity.md holds the
//! same table with the reasons.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use ttx_engine::builtin::{self, Builtin};
use ttx_engine::metrics::DwellSurvival;
use ttx_engine::scenario::Problem;
use ttx_engine::scenario::schema::{AssetKind, Objective, ScenarioSpec};
use ttx_engine::{Diagnostics, EventKind, Scenario, Sim};

use crate::batch::files::run_seed;

/// How the model's value of a target is measured over runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Pooled share of targeted jurisdictions warned before their first attempt.
    WarnedShare,
    /// Mean over runs of the days from a campaign's first detection to the first national alert.
    DaysToNationalAlert,
    /// Registration-database compromises per 21 states whose registration system was attempted.
    RegistrationBreachesPer21States,
    /// Kaplan-Meier median of dwell time in days, over every compromise of every run.
    MedianDwellDays,
    /// Share of runs in which every influence adversary was publicly attributed within 48 hours
    /// of its first disinformation surge.
    AttributedWithin48h,
    /// Mean day after the election of the EO 13848 assessment.
    AssessmentDay,
}

impl Measure {
    /// The unit the value is shown in.
    pub fn unit(self) -> &'static str {
        match self {
            Measure::WarnedShare | Measure::AttributedWithin48h => "share",
            Measure::DaysToNationalAlert | Measure::MedianDwellDays | Measure::AssessmentDay => "days",
            Measure::RegistrationBreachesPer21States => "per 21 states",
        }
    }
}

/// A change to a research scenario, for a target that asks "what if".
pub type Variant = fn(&mut ScenarioSpec);

/// One historical target.
pub struct Target {
    /// Stable id.
    pub id: &'static str,
    /// What is compared.
    pub what: &'static str,
    /// The historical record, with its source tags (DOMAIN_FACTS.md).
    pub record: &'static str,
    /// The research scenario that stands for it.
    pub scenario: &'static str,
    /// A change to that scenario, and what it stands for.
    pub variant: Option<(&'static str, Variant)>,
    /// How the model's value is measured.
    pub measure: Measure,
    /// The accepted band, inclusive (an open end is none).
    pub band: (Option<f64>, Option<f64>),
}

/// Thin evidence, as in 2020: influence operations only, no intrusions to investigate.
pub fn thin_evidence(spec: &mut ScenarioSpec) {
    for a in &mut spec.adversaries {
        a.campaigns.retain(|c| c.objective == Objective::Influence);
    }
    spec.adversaries.retain(|a| !a.campaigns.is_empty());
}

/// Every target, in the order of the table.
pub const TARGETS: &[Target] = &[
    Target {
        id: "warned_2016",
        what: "targeted jurisdictions warned before the adversary reached them",
        record: "about 0: states were told in Sep 2017 [I5]; the FBI had warned 2 of ~80 targets [I8]",
        scenario: "sharing_2016",
        variant: None,
        measure: Measure::WarnedShare,
        band: (None, Some(0.10)),
    },
    Target {
        id: "flash_2016",
        what: "days from first detection to the national alert (the FBI FLASH)",
        record: "~37 days: Illinois detected 12 Jul, FLASH 18 Aug 2016 [I1][I2]",
        scenario: "sharing_2016",
        variant: None,
        measure: Measure::DaysToNationalAlert,
        band: (Some(25.0), Some(50.0)),
    },
    Target {
        id: "vr_breaches_2016",
        what: "registration databases breached per 21 targeted states",
        record: "2 (Illinois, Arizona) of 21 states targeted [I1][I4][I5]",
        scenario: "sharing_2016",
        variant: None,
        measure: Measure::RegistrationBreachesPer21States,
        band: (Some(1.0), Some(3.0)),
    },
    Target {
        id: "dwell_2016",
        what: "median dwell time (Kaplan-Meier, undetected compromises censored)",
        record: "Illinois ~19 days [I1]; 78 days median globally, M-Trends 2017 [P4]; most compromises never seen [I6]",
        scenario: "sharing_2016",
        variant: None,
        measure: Measure::MedianDwellDays,
        band: (Some(14.0), None),
    },
    Target {
        id: "dwell_2020",
        what: "median dwell time (Kaplan-Meier, undetected compromises censored)",
        record: "10 to 16 days median globally, M-Trends 2021-2023 [P4]",
        scenario: "sharing_2020",
        variant: None,
        measure: Measure::MedianDwellDays,
        band: (Some(7.0), Some(30.0)),
    },
    Target {
        id: "attribution_2020",
        what: "runs with a public attribution of the influence operation within 48 h",
        record: "about 1 day in 2020 and 2024 [I12][I19]",
        scenario: "sharing_2020",
        variant: None,
        measure: Measure::AttributedWithin48h,
        band: (Some(0.8), None),
    },
    Target {
        id: "assessment_ample",
        what: "day of the EO 13848 assessment when evidence is ample",
        record: "day 45 in 2018 and 2022 [E7][E11]",
        scenario: "sharing_2020",
        variant: None,
        measure: Measure::AssessmentDay,
        band: (Some(45.0), Some(45.5)),
    },
    Target {
        id: "assessment_thin",
        what: "day of the EO 13848 assessment when evidence is thin",
        record: "about day 65 in 2020, agencies still coordinating [E8]",
        scenario: "sharing_2020",
        variant: Some(("influence operations only, as in 2020", thin_evidence)),
        measure: Measure::AssessmentDay,
        band: (Some(50.0), Some(80.0)),
    },
];

/// What one run contributes to every measure.
#[derive(Clone, Debug, Default)]
struct RunData {
    warned: u64,
    targeted: u64,
    days_to_alert: Option<f64>,
    vr_breaches: u64,
    vr_states_attempted: u64,
    dwell: Vec<(u32, bool)>,
    attributed_48h: Option<bool>,
    assessment_day: Option<f64>,
}

fn observe(sim: &Sim) -> RunData {
    let reg = sim.registry();
    let m = sim.metrics();
    let end = sim.now();
    let mut d = RunData {
        warned: m.warned_jurisdictions,
        targeted: m.targeted_jurisdictions,
        days_to_alert: m.time_to_share_h_p50.map(|h| h / 24.0),
        assessment_day: m.assessment_day.map(|d| d as f64),
        ..RunData::default()
    };
    for c in sim.compromises() {
        if c.kind == AssetKind::VoterRegistration {
            d.vr_breaches += 1;
        }
        match c.detected {
            Some(t) => d.dwell.push((t.0.saturating_sub(c.at.0), true)),
            None => {
                let until = c.ended.map_or(end, |(t, _)| t.min(end));
                d.dwell.push((until.0.saturating_sub(c.at.0), false));
            }
        }
    }
    let mut vr_states = std::collections::BTreeSet::new();
    let mut first_surge: Vec<Option<u32>> = vec![None; reg.adversaries.len()];
    let mut attributed: Vec<Option<u32>> = vec![None; reg.adversaries.len()];
    for e in sim.events() {
        match &e.kind {
            EventKind::Attempt { asset, .. } => {
                let a = reg.asset(*asset);
                if a.kind == AssetKind::VoterRegistration {
                    vr_states.insert(a.state);
                }
            }
            EventKind::Disinformation { campaign: Some(c), .. } => {
                let adv = reg.campaign(*c).adversary.ix();
                first_surge[adv].get_or_insert(e.tick.0);
            }
            EventKind::Attribution { adversary, .. } => {
                attributed[adversary.ix()].get_or_insert(e.tick.0);
            }
            _ => {}
        }
    }
    d.vr_states_attempted = vr_states.len() as u64;
    let influence: Vec<usize> = reg
        .campaigns
        .iter()
        .filter(|c| c.spec.objective == Objective::Influence)
        .map(|c| c.adversary.ix())
        .collect();
    let surged: Vec<usize> = influence.into_iter().filter(|a| first_surge[*a].is_some()).collect();
    if !surged.is_empty() {
        d.attributed_48h = Some(surged.iter().all(|&a| {
            let s = first_surge[a].unwrap_or(0);
            attributed[a].is_some_and(|t| t >= s && t - s <= 48)
        }));
    }
    d
}

fn value(measure: Measure, runs: &[&RunData]) -> Option<f64> {
    let mean = |xs: Vec<f64>| (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64);
    match measure {
        Measure::WarnedShare => {
            let t: u64 = runs.iter().map(|r| r.targeted).sum();
            let w: u64 = runs.iter().map(|r| r.warned).sum();
            (t > 0).then(|| w as f64 / t as f64)
        }
        Measure::DaysToNationalAlert => mean(runs.iter().filter_map(|r| r.days_to_alert).collect()),
        Measure::RegistrationBreachesPer21States => {
            let s: u64 = runs.iter().map(|r| r.vr_states_attempted).sum();
            let b: u64 = runs.iter().map(|r| r.vr_breaches).sum();
            (s > 0).then(|| b as f64 * 21.0 / s as f64)
        }
        Measure::MedianDwellDays => {
            let mut km = DwellSurvival::default();
            for r in runs {
                for &(h, detected) in &r.dwell {
                    km.add(h, detected);
                }
            }
            km.percentile(50).map(|h| h / 24.0)
        }
        Measure::AttributedWithin48h => {
            mean(runs.iter().filter_map(|r| r.attributed_48h.map(|b| if b { 1.0 } else { 0.0 })).collect())
        }
        Measure::AssessmentDay => mean(runs.iter().filter_map(|r| r.assessment_day).collect()),
    }
}

/// A deterministic generator for bootstrap resampling (splitmix64).
struct Resampler(u64);

impl Resampler {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        ((u128::from(z) * n as u128) >> 64) as usize
    }
}

/// Bootstrap resamples for the 95% interval.
const RESAMPLES: usize = 400;

/// One target's result.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The target's id.
    pub id: &'static str,
    /// The model's value over all runs (none: nothing to measure).
    pub value: Option<f64>,
    /// The 95% interval (percentile bootstrap over runs).
    pub interval: Option<(f64, f64)>,
    /// Runs made.
    pub runs: u32,
    /// Whether the value is in the band.
    pub within: bool,
}

fn within(band: (Option<f64>, Option<f64>), v: Option<f64>) -> bool {
    v.is_some_and(|v| band.0.is_none_or(|lo| v >= lo - 1e-9) && band.1.is_none_or(|hi| v <= hi + 1e-9))
}

/// Why the calibration could not run: a research scenario that cannot be read or is not valid.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    /// A target names a research scenario this build does not hold (a fault of ttx).
    #[error("target {target}: no research scenario {scenario}")]
    NoScenario {
        /// The target.
        target: &'static str,
        /// The scenario it names.
        scenario: &'static str,
    },
    /// A built-in research scenario does not load (a fault of ttx).
    #[error("{path}: {diagnostics}")]
    Builtin {
        /// Its path in the source tree.
        path: &'static str,
        /// What is wrong.
        diagnostics: Diagnostics,
    },
    /// A research scenario file of `--dir` cannot be read: give a folder holding
    /// `sharing_2016.ron` and `sharing_2020.ron`.
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A research scenario file of `--dir` is not a valid scenario.
    #[error("{0}")]
    Invalid(Diagnostics),
    /// A target's variant of its scenario is not valid (after an edit of the scenario file,
    /// say).
    #[error("target {target}: variant is not valid: {problems:?}")]
    Variant {
        /// The target.
        target: &'static str,
        /// What is wrong with the variant.
        problems: Vec<Problem>,
    },
    /// A target's runs were not made (a fault of ttx).
    #[error("target {0}: no runs")]
    NoRuns(&'static str),
}

fn scenario_of(t: &Target, dir: Option<&Path>) -> Result<Scenario, CalibrateError> {
    let b: &Builtin = builtin::RESEARCH
        .iter()
        .find(|b| b.name == t.scenario)
        .ok_or(CalibrateError::NoScenario { target: t.id, scenario: t.scenario })?;
    let base = match dir {
        None => {
            builtin::load(b).map_err(|diagnostics| CalibrateError::Builtin { path: b.path, diagnostics })?
        }
        Some(dir) => {
            let path = dir.join(format!("{}.ron", b.name));
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(source) => return Err(CalibrateError::Unreadable { path, source }),
            };
            Scenario::parse(&path.display().to_string(), &text).map_err(CalibrateError::Invalid)?
        }
    };
    match t.variant {
        None => Ok(base),
        Some((_, change)) => {
            let mut spec = base.spec().clone();
            change(&mut spec);
            Scenario::from_spec(b.path, &spec)
                .map_err(|problems| CalibrateError::Variant { target: t.id, problems })
        }
    }
}

/// Runs every target `runs` times (runs of the same scenario are shared between targets)
/// and measures each. The research scenarios are the built-in copies, or the files
/// `sharing_2016.ron` and `sharing_2020.ron` in `dir` (to calibrate an edited version).
pub fn calibrate(runs: u32, seed: u64, dir: Option<&Path>) -> Result<Vec<Outcome>, CalibrateError> {
    let runs = runs.max(2);
    // Targets that use the same scenario and variant share their runs.
    let mut groups: Vec<(&'static str, Option<&'static str>, Vec<RunData>)> = Vec::new();
    for t in TARGETS {
        let key = (t.scenario, t.variant.map(|v| v.0));
        if groups.iter().any(|g| (g.0, g.1) == key) {
            continue;
        }
        let scenario = scenario_of(t, dir)?;
        let data: Vec<RunData> = (0..runs)
            .into_par_iter()
            .map(|r| {
                let mut sim = Sim::new(&scenario, run_seed(seed, r));
                sim.run_to_end();
                observe(&sim)
            })
            .collect();
        groups.push((key.0, key.1, data));
    }
    let mut out = Vec::new();
    for (k, t) in TARGETS.iter().enumerate() {
        let key = (t.scenario, t.variant.map(|v| v.0));
        let data =
            &groups.iter().find(|g| (g.0, g.1) == key).map(|g| &g.2).ok_or(CalibrateError::NoRuns(t.id))?;
        let all: Vec<&RunData> = data.iter().collect();
        let v = value(t.measure, &all);
        let mut rs = Resampler(seed ^ (k as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
        let mut boot: Vec<f64> = (0..RESAMPLES)
            .filter_map(|_| {
                let pick: Vec<&RunData> = (0..all.len()).map(|_| all[rs.below(all.len())]).collect();
                value(t.measure, &pick)
            })
            .collect();
        boot.sort_by(f64::total_cmp);
        let interval = (boot.len() >= 20).then(|| {
            let at = |q: f64| boot[((q * (boot.len() - 1) as f64).round() as usize).min(boot.len() - 1)];
            (at(0.025), at(0.975))
        });
        out.push(Outcome { id: t.id, value: v, interval, runs, within: within(t.band, v) });
    }
    Ok(out)
}

fn number(v: f64, unit: &str) -> String {
    if unit == "share" { format!("{v:.3}") } else { format!("{v:.1}") }
}

fn band_text(t: &Target) -> String {
    let u = t.measure.unit();
    match t.band {
        (Some(lo), Some(hi)) => format!("{} to {}", number(lo, u), number(hi, u)),
        (Some(lo), None) => format!("at least {}", number(lo, u)),
        (None, Some(hi)) => format!("at most {}", number(hi, u)),
        (None, None) => "any".into(),
    }
}

/// The table as Markdown: one row per target.
pub fn table(outcomes: &[Outcome]) -> String {
    let mut s = String::from(
        "| target | the record | scenario | model (95% interval) | accepted | result |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for (t, o) in TARGETS.iter().zip(outcomes) {
        let u = t.measure.unit();
        let model = match (o.value, o.interval) {
            (Some(v), Some((lo, hi))) => format!("{} [{}, {}]", number(v, u), number(lo, u), number(hi, u)),
            (Some(v), None) => number(v, u),
            (None, _) => "none (nothing to measure)".into(),
        };
        let scenario = match t.variant {
            Some((what, _)) => format!("{} ({what})", t.scenario),
            None => t.scenario.to_string(),
        };
        s.push_str(&format!(
            "| `{}`: {} ({}) | {} | {} | {} | {} | {} |\n",
            t.id,
            t.what,
            u,
            t.record,
            scenario,
            model,
            band_text(t),
            if o.within { "in" } else { "**missed**" }
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_inclusive_and_open_ends_are_open() {
        assert!(within((Some(1.0), Some(3.0)), Some(1.0)));
        assert!(within((Some(1.0), Some(3.0)), Some(3.0)));
        assert!(!within((Some(1.0), Some(3.0)), Some(3.1)));
        assert!(within((None, Some(0.1)), Some(0.0)));
        assert!(within((Some(14.0), None), Some(1e9)));
        assert!(!within((Some(14.0), None), None));
    }

    #[test]
    fn the_resampler_stays_in_range_and_repeats() {
        let mut a = Resampler(7);
        let mut b = Resampler(7);
        for _ in 0..1000 {
            let x = a.below(13);
            assert!(x < 13);
            assert_eq!(x, b.below(13));
        }
    }
}
