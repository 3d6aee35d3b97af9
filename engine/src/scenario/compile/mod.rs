//! Turns a [`ScenarioSpec`] into a [`Registry`], checking its meaning.
//!
//! This module owns the compiler's frame: the [`Builder`] that carries the
//! spec, the problems found and the registry built so far, the order of the
//! sections, and the checks several sections share (probabilities, times,
//! state codes, asset selectors, "did you mean" suggestions). Each section
//! lives in a submodule: [`geography`] (states, jurisdictions, vendors,
//! adversaries), [`assets`] (assets, vendor markets, posture), [`teams`]
//! (teams and doctrines), [`parameters`] (sharing, techniques, public,
//! electorate, EO 13848), [`campaigns`], [`injects`] (modules, injects,
//! templates, evaluation) and [`effects`] (inject effects, also resolved
//! during play).
//!
//! Every problem is collected (not only the first) with the path of the value
//! at fault, such as `teams[2].controls[0]`; the loader turns paths into
//! file:line:column.

mod assets;
mod campaigns;
mod effects;
mod geography;
mod injects;
mod parameters;
mod teams;

use std::collections::{BTreeMap, BTreeSet};

pub use effects::resolve_effect;
pub use teams::resolve_sel;

use super::schema::*;
use super::{Problem, suggest};
use crate::data;
use crate::model::registry::*;
use crate::rng::Streams;
use crate::time::{Clock, ETime, Tick};

/// A fixed stream family for facts of the scenario itself (vendor markets,
/// posture overrides with a count): the same for every run seed.
const SCENARIO_SEED: u64 = 0x7474_785f_7363_656e;

/// The problems found so far.
#[derive(Default)]
struct Ctx {
    problems: Vec<Problem>,
}

impl Ctx {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>, help: impl Into<String>) {
        let help = help.into();
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
            help: if help.is_empty() { None } else { Some(help) },
        });
    }

    fn prob(&mut self, path: impl Into<String>, v: f64) {
        if !(0.0..=1.0).contains(&v) || v.is_nan() {
            self.err(path, format!("{v} is not a probability"), "use a number from 0.0 to 1.0");
        }
    }

    fn non_negative(&mut self, path: impl Into<String>, v: f64) {
        if v < 0.0 || v.is_nan() || v.is_infinite() {
            self.err(
                path,
                format!("{v} must be zero or more"),
                "use a finite number of hours or points, 0 or more",
            );
        }
    }

    fn in_clock(&mut self, path: impl Into<String>, t: ETime, clock: &Clock) {
        if t < clock.start || t > clock.end {
            self.err(
                path,
                format!("{t} is outside the exercise clock ({} to {})", clock.start, clock.end),
                "move the time inside the clock, or widen `clock.start`/`clock.end`",
            );
        }
    }
}

/// A scenario being compiled: the spec, the problems found so far and the
/// registry as far as the sections before have built it.
struct Builder<'s> {
    spec: &'s ScenarioSpec,
    cx: Ctx,
    /// The clock as written (the registry's is never reversed).
    clock: Clock,
    /// Whether the clock is usable for checking other times.
    clock_ok: bool,
    /// Every postal code, for suggestions.
    all_codes: Vec<&'static str>,
    /// The states of the scenario, in postal-code order.
    chosen: Vec<&'static data::StateRecord>,
    /// Their postal codes.
    in_scenario: BTreeSet<&'static str>,
    /// Draws fixed by the scenario, the same for every run seed.
    fixed: Streams,
    reg: Registry,
}

/// Checks a spec and builds its registry, or returns every problem found.
///
/// The sections run in this order; later sections read what earlier ones built
/// (teams resolve actors, campaigns select assets, injects name campaigns and
/// teams), and problems are listed in the same order.
pub fn compile(spec: &ScenarioSpec) -> Result<Registry, Vec<Problem>> {
    SUGGESTIONS_LEFT.with(|l| l.set(MAX_SUGGESTIONS));
    let mut b = Builder::new(spec);
    b.modules();
    b.states();
    b.jurisdictions();
    b.vendors();
    b.adversaries();
    b.unique_actor_ids();
    b.assets();
    b.vendor_markets();
    b.index_assets();
    b.posture();
    b.teams();
    b.sharing();
    b.techniques();
    b.public_and_electorate();
    b.eo13848();
    b.federal_doctrine();
    b.doctrines();
    b.campaigns();
    b.injects();
    b.templates();
    b.evaluation();
    if b.cx.problems.is_empty() { Ok(b.reg) } else { Err(b.cx.problems) }
}

impl<'s> Builder<'s> {
    /// Checks the name and the clock, and starts the registry with the federal actors.
    fn new(spec: &'s ScenarioSpec) -> Self {
        let mut cx = Ctx::default();
        if spec.name.trim().is_empty() {
            cx.err("name", "the scenario has no name", "give it a title, e.g. `name: \"County ransomware\"`");
        }
        let clock = Clock { start: spec.clock.start, end: spec.clock.end };
        if clock.end <= clock.start {
            cx.err(
                "clock.end",
                format!("the clock ends ({}) before it starts ({})", clock.end, clock.start),
                "make `end` later than `start`",
            );
        } else if clock.ticks() > 24 * 400 {
            cx.err(
                "clock.end",
                "the clock spans more than 400 days",
                "shorten the exercise to at most 400 days",
            );
        }
        let clock_ok = clock.end > clock.start && clock.ticks() <= 24 * 400;
        let mut actors = Vec::new();
        let mut fed = |id: &str, name: &str, kind: ActorKind| push_actor(&mut actors, id, name, kind);
        let federal = FederalActors {
            dhs: fed("dhs", "DHS / CISA", ActorKind::Dhs),
            odni: fed("odni", "ODNI", ActorKind::Odni),
            fbi: fed("fbi", "FBI", ActorKind::Fbi),
            doj: fed("doj", "DOJ", ActorKind::Doj),
            treasury: fed("treasury", "Treasury (OFAC)", ActorKind::Treasury),
            state_dept: fed("state_dept", "State Department", ActorKind::StateDept),
            eiisac: fed("eiisac", "EI-ISAC", ActorKind::EiIsac),
            public: fed("public", "The public", ActorKind::Public),
        };
        let mut reg_clock = clock;
        if reg_clock.ticks() == 0 {
            reg_clock.end = reg_clock.start;
        }
        let reg = Registry {
            spec: spec.clone(),
            attachments: BTreeMap::new(),
            tracks_commands: false,
            clock: reg_clock,
            election: ElectionTicks {
                election_day: clock.tick_clamped(ETime(0)),
                registration_deadline: spec.clock.registration_deadline,
                polls_open: spec.clock.polls_open,
                polls_close: spec.clock.polls_close,
                reporting_end: spec.clock.reporting_end,
            },
            states: vec![],
            actors,
            assets: vec![],
            teams: vec![],
            adversaries: vec![],
            campaigns: vec![],
            injects: vec![],
            templates: spec.inject_templates.clone(),
            modules: vec![],
            federal,
            vendors: vec![],
            actor_by_id: BTreeMap::new(),
            asset_by_id: BTreeMap::new(),
            team_by_id: BTreeMap::new(),
            campaign_by_id: BTreeMap::new(),
            adversary_by_id: BTreeMap::new(),
            inject_by_id: BTreeMap::new(),
            state_by_postal: BTreeMap::new(),
        };
        Builder {
            spec,
            cx,
            clock,
            clock_ok,
            all_codes: data::states().iter().map(|s| s.postal.as_str()).collect(),
            chosen: Vec::new(),
            in_scenario: BTreeSet::new(),
            fixed: Streams::new(SCENARIO_SEED),
            reg,
        }
    }

    /// Adds an actor to the registry.
    fn push_actor(&mut self, id: impl Into<String>, name: impl Into<String>, kind: ActorKind) -> ActorIx {
        push_actor(&mut self.reg.actors, id, name, kind)
    }

    /// Checks that a state code names a state of the scenario.
    fn check_state_ref(&mut self, path: &str, code: &str) {
        check_state_ref(&mut self.cx, path, code, &self.in_scenario, &self.all_codes);
    }

    /// Checks an asset selector's states and jurisdictions.
    fn check_selector(&mut self, path: &str, sel: &AssetSelector) {
        check_selector(&mut self.cx, &self.reg, path, sel, &self.in_scenario, &self.all_codes);
    }
}

/// Adds an actor with no state, team or assets yet, and the default doctrine.
fn push_actor(
    actors: &mut Vec<ActorInfo>,
    id: impl Into<String>,
    name: impl Into<String>,
    kind: ActorKind,
) -> ActorIx {
    actors.push(ActorInfo {
        id: id.into(),
        name: name.into(),
        kind,
        state: None,
        voters: 0,
        team: None,
        assets: vec![],
        isac_listed: None,
        doctrine: Doctrine::default(),
    });
    ActorIx((actors.len() - 1) as u32)
}

fn check_state_ref(cx: &mut Ctx, path: &str, code: &str, in_scenario: &BTreeSet<&str>, all: &[&str]) {
    if in_scenario.contains(code) {
        return;
    }
    if data::state(code).is_some() {
        cx.err(
            path,
            format!("state `{code}` is not in `geography.states`"),
            format!("add \"{code}\" to `geography.states`, or remove it here"),
        );
    } else {
        cx.err(
            path,
            format!("unknown state code `{code}`"),
            suggest_help(code, all, "use a USPS postal code such as \"PA\""),
        );
    }
}

fn check_selector(
    cx: &mut Ctx,
    reg: &Registry,
    path: &str,
    sel: &AssetSelector,
    in_scenario: &BTreeSet<&str>,
    all: &[&str],
) {
    for (k, s) in sel.states.iter().enumerate() {
        check_state_ref(cx, &format!("{path}.states[{k}]"), s, in_scenario, all);
    }
    for (k, j) in sel.jurisdictions.iter().enumerate() {
        if reg.jurisdiction(j).is_none() {
            let ids: Vec<&str> = reg
                .actors
                .iter()
                .filter(|a| matches!(a.kind, ActorKind::Local | ActorKind::StateOffice))
                .map(|a| a.id.as_str())
                .collect();
            cx.err(
                format!("{path}.jurisdictions[{k}]"),
                format!("unknown jurisdiction `{j}`"),
                suggest_help(j, &ids, "name a jurisdiction of the geography (or a state's postal code)"),
            );
        }
    }
}

/// How many "did you mean" suggestions one compilation computes at most.
///
/// Each compares a word against every candidate (thousands of jurisdictions in
/// a national scenario), and only the first problems are shown: past this
/// many, problems get their plain help, so a file of ten thousand unknown ids
/// is still checked in a moment.
pub const MAX_SUGGESTIONS: usize = 100;

thread_local! {
    /// Suggestions left in the compilation running on this thread (reset by [`compile`]).
    static SUGGESTIONS_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(MAX_SUGGESTIONS) };
}

fn suggest_help(word: &str, candidates: &[&str], fallback: &str) -> String {
    let left = SUGGESTIONS_LEFT.with(|l| l.get());
    if left == 0 {
        return fallback.to_string();
    }
    SUGGESTIONS_LEFT.with(|l| l.set(left - 1));
    match suggest(word, candidates) {
        Some(s) => format!("did you mean \"{s}\"? ({fallback})"),
        None => fallback.to_string(),
    }
}

/// Splits `total` into integer parts proportional to `weights` (largest remainder), summing exactly to `total`.
pub fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    if weights.is_empty() {
        return vec![];
    }
    let sum: f64 = weights.iter().sum();
    let raw: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut parts: Vec<u64> = raw.iter().map(|r| r.floor() as u64).collect();
    let assigned: u64 = parts.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // The index breaks every tie, so an unstable sort gives the one order a stable sort would.
    order.sort_unstable_by(|&a, &b| {
        (raw[b] - raw[b].floor()).total_cmp(&(raw[a] - raw[a].floor())).then(a.cmp(&b))
    });
    for &i in order.iter().take(total.saturating_sub(assigned) as usize) {
        parts[i] += 1;
    }
    parts
}

/// Ids with their positions, in id order, or `None` when an id appears twice. Collected
/// into a `BTreeMap` in this order, they need no sorting there (its `from_iter` sorts
/// stably, which on ids in building order is most of the work of building the map).
fn unique_index<'a>(ids: impl Iterator<Item = &'a str>) -> Option<Vec<(&'a str, u32)>> {
    let mut index: Vec<(&str, u32)> = ids.enumerate().map(|(i, id)| (id, i as u32)).collect();
    index.sort_unstable_by(|a, b| a.0.cmp(b.0));
    index.windows(2).all(|w| w[0].0 != w[1].0).then_some(index)
}

/// The tick at which something `hours` after `from` happens, if inside the clock.
pub fn after(from: Tick, hours: f64, clock: &Clock) -> Option<Tick> {
    let h = hours.max(0.0).ceil() as u64;
    let t = u64::from(from.0) + h;
    if t <= u64::from(clock.last_tick().0) { Some(Tick(t as u32)) } else { None }
}

#[cfg(test)]
mod tests {

    #[test]
    fn suggestions_are_bounded_per_compilation() {
        let src = include_str!("../../../../scenarios/tabletop_the_vote.ron").replace(
            r#"states: Only(["PA", "GA", "WI"]),"#,
            &format!("states: Only([\"PA\", \"GA\", \"WI\", {}]),", "\"PX\", ".repeat(300)),
        );
        let spec = crate::scenario::parse_spec("t.ron", &src).unwrap();
        for _ in 0..2 {
            // The budget starts afresh with each compilation.
            let problems = compile(&spec).unwrap_err();
            let unknown = problems.iter().filter(|p| p.message.contains("unknown state code")).count();
            let suggested = problems
                .iter()
                .filter(|p| p.help.as_deref().is_some_and(|h| h.contains("did you mean")))
                .count();
            assert_eq!(unknown, 300);
            assert_eq!(suggested, MAX_SUGGESTIONS);
        }
    }
    use super::*;

    #[test]
    fn a_measure_names_a_measurable_metric() {
        let base = include_str!("../../../../scenarios/county_ransomware.ron");
        let with = |metric: &str| {
            let src = format!(
                "{}evaluation: (capabilities: [(name: \"C\", measures: [(metric: \"{metric}\", without_challenges: 1, some_challenges: 2, major_challenges: 3)])]),\n)\n",
                base.trim_end().strip_suffix(')').expect("a scenario ends with `)`")
            );
            let spec = crate::scenario::parse_spec("t.ron", &src).expect("parses");
            compile(&spec).err().unwrap_or_default()
        };
        assert!(with("voters_affected").is_empty());
        let p = with("voters_affectd");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].message, "unknown metric `voters_affectd`");
        assert!(
            p[0].help.as_deref().is_some_and(|h| h.contains("did you mean \"voters_affected\"")),
            "{p:?}"
        );
        let p = with("registrations_lost");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].message, "metric `registrations_lost` cannot be rated by a measure");
        assert!(
            p[0].help.as_deref().is_some_and(|h| h.contains("measure column of docs/metrics.md")),
            "{p:?}"
        );
    }

    #[test]
    fn apportion_sums_exactly() {
        let w: Vec<f64> = (0..7).map(|k| 1.0 / (k as f64 + 1.0)).collect();
        let parts = apportion(1_000_003, &w);
        assert_eq!(parts.iter().sum::<u64>(), 1_000_003);
        assert!(parts[0] > parts[6]);
    }
}
