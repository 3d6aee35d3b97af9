//! `ttx whatif`: what each decision of a played session changed.
//!
//! For every command of a journal (or one named with `--without`, one added with `--add`,
//! or all of them against the organisations' doctrines with `--baseline doctrine`), pairs
//! of continuations of the session are run from the command's tick to the end of the clock
//! ([`ttx_engine::whatif`]): one with the command, one without, every other command kept,
//! both on the same fresh random branch. The effect on a metric is the mean of the paired
//! differences (with minus without) over the pairs, with a 95% Student-t interval; a
//! decision that changes nothing has an effect of exactly zero. Pair k of every decision
//! uses the same branch, and results are gathered in task order, so the output is the same
//! bytes on any number of threads.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use ttx_engine::journal::Record;
use ttx_engine::metrics::METRIC_DEFS;
use ttx_engine::whatif::{Decision, branch_of, continue_fork, decisions, prepare};
use ttx_engine::{Command, ETime, Issuer, Metrics, Scenario, Sim, SimOptions, Tick};

use crate::batch::stats::Stats;

/// What to analyse.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Pairs of continuations per decision.
    pub runs: u32,
    /// Metrics to report (none: every metric of the metric table, not the per-channel message counts).
    pub metrics: Vec<String>,
    /// Commands to remove, each named by words of its line in `ttx whatif --list`.
    pub without: Vec<String>,
    /// Commands to add: `TIME ISSUER COMMAND-JSON`.
    pub add: Vec<String>,
    /// Compare the whole session with the doctrines alone.
    pub baseline_doctrine: bool,
}

/// How `--add` is written, which its errors repeat.
const ADD_HELP: &str = "write `--add 'E-47d 17:00 TEAM COMMAND ARGUMENTS'`: a time on the clock, a team id \
                        (or `facilitator`) and the command in words (`pa share IND-0003 state_to_isac`), or \
                        the command as JSON as `ttx join --headless` takes it";

/// Why an analysis cannot be made; every one is bad input (exit 2), and each message says
/// what to write instead.
#[derive(Debug, thiserror::Error)]
pub enum WhatifError {
    /// `--add` with nothing after it.
    #[error("--add: nothing to add; {ADD_HELP}")]
    NothingToAdd,
    /// The time of an added command is not a clock time.
    #[error("--add `{text}`: {source}; {ADD_HELP}")]
    AddTime {
        /// The `--add` argument.
        text: String,
        /// Why the time does not read.
        source: ttx_engine::time::TimeError,
    },
    /// The time of an added command is outside the scenario's clock.
    #[error(
        "--add `{text}`: {time} is outside the scenario's clock ({start} to {end}); write a time between them"
    )]
    AddOutsideClock {
        /// The `--add` argument.
        text: String,
        /// The time given.
        time: ETime,
        /// The clock's first time.
        start: ETime,
        /// The clock's last time.
        end: ETime,
    },
    /// The issuer or the command in words is not understood.
    #[error("--add `{text}`: {source}")]
    AddWords {
        /// The `--add` argument.
        text: String,
        /// What is not understood.
        source: crate::command_text::CommandTextError,
    },
    /// The command written as JSON is not a command.
    #[error("--add `{text}`: not a command: {source}; {ADD_HELP}")]
    AddJson {
        /// The `--add` argument.
        text: String,
        /// Why the JSON is not a command.
        source: serde_json::Error,
    },
    /// The issuer may not give the added command.
    #[error("--add `{text}`: {issuer} may not give it: {source}")]
    AddRefused {
        /// The `--add` argument.
        text: String,
        /// Who would give it (a team id, or the facilitator).
        issuer: String,
        /// Why it may not.
        source: ttx_engine::Rejection,
    },
    /// A `--without` selector names no command of the session.
    #[error("--without `{selector}` matches no command of the session; its commands are:\n  {}", lines_or_none(.commands))]
    WithoutNone {
        /// The selector's words.
        selector: String,
        /// The session's accepted commands, described.
        commands: Vec<String>,
    },
    /// A `--without` selector names several commands.
    #[error("--without `{selector}` matches {} commands; add words (the time, or `line N`) to name one:\n  {}", .matches.len(), .matches.join("\n  "))]
    WithoutMany {
        /// The selector's words.
        selector: String,
        /// The commands it matches, described.
        matches: Vec<String>,
    },
    /// The journal does not replay.
    #[error(transparent)]
    Replay(#[from] ttx_engine::journal::ReplayError),
    /// The journal is of another model version.
    #[error(transparent)]
    ModelVersion(#[from] ttx_engine::journal::ModelVersionError),
    /// The journal replays, but not to the states it recorded.
    #[error(
        "the journal does not verify (line {line}, tick {tick}): what-if analysis needs a journal this \
         version of ttx replays exactly (check it with `ttx replay --verify`)"
    )]
    Diverges {
        /// The journal line of the first difference.
        line: usize,
        /// Its tick.
        tick: u32,
    },
    /// The journal has no header record.
    #[error("the journal has no header")]
    NoHeader,
    /// Fewer than two pairs per decision.
    #[error("--runs {runs}: at least 2 pairs are needed for an interval")]
    TooFewRuns {
        /// The number given.
        runs: u32,
    },
    /// `--metrics` names a metric that does not exist.
    #[error("--metrics: no metric `{metric}`; the metrics are {}", .metrics.join(", "))]
    NoMetric {
        /// The name given.
        metric: String,
        /// The metrics of the metric table.
        metrics: Vec<String>,
    },
    /// A continuation could not start from its fork (a bug in ttx, not the input).
    #[error("internal: {0}")]
    Fork(#[from] ttx_engine::SnapshotMismatch),
}

/// Lines of a list, or `(none)`.
fn lines_or_none(lines: &[String]) -> String {
    if lines.is_empty() { "(none)".to_string() } else { lines.join("\n  ") }
}

/// One alternative examined: a decision removed, a command added, or the whole session
/// against the doctrines.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Alternative {
    /// Rank by the size of the effect on the ranking metric (1 is the largest).
    pub rank: usize,
    /// `without`, `add` or `baseline`.
    pub kind: String,
    /// Journal line of the command (0 for an added command or the baseline).
    pub line: usize,
    /// Tick of the fork.
    pub tick: u32,
    /// Clock time of the fork.
    pub time: String,
    /// Who gave the command (empty for the baseline).
    pub issuer: String,
    /// What it was.
    pub decision: String,
    /// Effect on each metric: with the decision minus without it.
    pub effects: Vec<Effect>,
}

/// The effect of one alternative on one metric.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Effect {
    /// Metric name (docs/metrics.md).
    pub metric: String,
    /// Pairs in which both continuations give the metric a value.
    pub n: usize,
    /// Mean paired difference.
    pub mean: Option<f64>,
    /// 95% interval of the mean difference (Student's t over the pairs).
    pub lo: Option<f64>,
    /// Upper end of the interval.
    pub hi: Option<f64>,
    /// Mean with the decision.
    pub with: Option<f64>,
    /// Mean without it.
    pub without: Option<f64>,
}

impl Alternative {
    /// What was examined, in words.
    pub fn what(&self) -> String {
        match self.kind.as_str() {
            "without" => format!("{} {}: {} (line {})", self.time, self.issuer, self.decision, self.line),
            "add" => format!("had {} also given at {}: {}", self.issuer, self.time, self.decision),
            _ => self.decision.clone(),
        }
    }

    /// The effect on a metric, if it was measured.
    pub fn effect(&self, metric: &str) -> Option<&Effect> {
        self.effects.iter().find(|e| e.metric == metric)
    }
}

impl Effect {
    /// Whether the interval excludes zero.
    pub fn clear(&self) -> bool {
        matches!((self.lo, self.hi), (Some(l), Some(h)) if l > 0.0 || h < 0.0)
    }
}

/// The result of `ttx whatif` (whatif.json).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Analysis {
    /// Where the scenario came from.
    pub scenario: String,
    /// The session's seed.
    pub seed: u64,
    /// Pairs per alternative.
    pub runs: u32,
    /// The metric alternatives are ranked by.
    pub rank_metric: String,
    /// Commands of the session that it refused (never analysed: they changed nothing).
    pub refused: usize,
    /// The alternatives, by rank.
    pub alternatives: Vec<Alternative>,
}

/// One continuation: which commands it applies and where it forks.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Arm {
    fork: u32,
    /// Indices into the session's decisions that are left out.
    without: Option<usize>,
    /// Index into the added commands applied as well.
    with_added: Option<usize>,
    /// No command at all (the doctrines alone).
    none: bool,
}

struct Question {
    kind: &'static str,
    decision: Option<Decision>,
    fork: Tick,
    with: Arm,
    without: Arm,
}

/// Lists a session's commands as `ttx whatif` names them: `LINE TIME ISSUER SUMMARY`.
pub fn describe(sc: &Scenario, d: &Decision) -> String {
    format!(
        "line {} {} {} {}{}",
        d.line,
        sc.registry().clock.at(d.tick),
        issuer_label(&d.issuer),
        d.command.summary(),
        d.rejected.as_ref().map(|r| format!(" (refused: {r})")).unwrap_or_default()
    )
}

fn issuer_label(i: &Issuer) -> String {
    match i {
        Issuer::Team(t) => t.clone(),
        other => other.to_string(),
    }
}

/// The indices of the session's accepted commands that a selector names: every word of it
/// appears in the command's description (case does not matter).
fn select(sc: &Scenario, all: &[Decision], selector: &str) -> Vec<usize> {
    let words: Vec<String> = selector.split_whitespace().map(str::to_lowercase).collect();
    (0..all.len())
        .filter(|&i| all[i].rejected.is_none())
        .filter(|&i| {
            let text = describe(sc, &all[i]).to_lowercase();
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect()
}

/// Reads an added command: `TIME WHO COMMAND` in words (`E-47d 17:00 pa share IND-0003
/// state_to_isac`, [`crate::command_text`]) or with the command as JSON (`E-47d 17:00 pa
/// {"type":"share_indicator",...}`, as `ttx join --headless` takes it).
fn parse_added(sc: &Scenario, text: &str) -> Result<Decision, WhatifError> {
    let reg = sc.registry();
    let words: Vec<&str> = text.split_whitespace().collect();
    // The time: `E-47d 17:00` (two words) or `E-47d` (one).
    let (time, rest) = match words.as_slice() {
        [d, h, rest @ ..] if ETime::parse(&format!("{d} {h}")).is_ok() => {
            (ETime::parse(&format!("{d} {h}")), rest)
        }
        [d, rest @ ..] => (ETime::parse(d), rest),
        [] => return Err(WhatifError::NothingToAdd),
    };
    let time = time.map_err(|source| WhatifError::AddTime { text: text.to_string(), source })?;
    let tick = reg.clock.tick_of(time).ok_or_else(|| WhatifError::AddOutsideClock {
        text: text.to_string(),
        time,
        start: reg.clock.start,
        end: reg.clock.end,
    })?;
    let words_error = |source| WhatifError::AddWords { text: text.to_string(), source };
    let (issuer, command) = match text.find('{') {
        Some(brace) => {
            let who = rest.first().copied().unwrap_or_default();
            let issuer = crate::command_text::issuer(reg, who).map_err(words_error)?;
            let command: Command = serde_json::from_str(&text[brace..])
                .map_err(|source| WhatifError::AddJson { text: text.to_string(), source })?;
            (issuer, command)
        }
        None => crate::command_text::parse(reg, &rest.join(" ")).map_err(words_error)?,
    };
    let sim = Sim::new(sc, 0);
    sim.check(&issuer, &command).map_err(|source| WhatifError::AddRefused {
        text: text.to_string(),
        issuer: issuer_label(&issuer),
        source,
    })?;
    Ok(Decision { line: 0, tick, issuer, command, rejected: None })
}

/// The session's commands that `--without` names, one each; an error lists the candidates when
/// a name matches none or several.
fn named_decisions(sc: &Scenario, all: &[Decision], without: &[String]) -> Result<Vec<usize>, WhatifError> {
    let mut chosen: Vec<usize> = Vec::new();
    for s in without {
        let hits = select(sc, all, s);
        match hits.as_slice() {
            [] => {
                let commands = all.iter().filter(|d| d.rejected.is_none()).map(|d| describe(sc, d)).collect();
                return Err(WhatifError::WithoutNone { selector: s.clone(), commands });
            }
            [one] => chosen.push(*one),
            many => {
                let matches = many.iter().map(|&i| describe(sc, &all[i])).collect();
                return Err(WhatifError::WithoutMany { selector: s.clone(), matches });
            }
        }
    }
    Ok(chosen)
}

/// The effect on one metric from its pairs of values with and without the decision (a pair
/// where either has no value is left out).
fn effect(name: &str, pairs: impl Iterator<Item = (Option<f64>, Option<f64>)>) -> Effect {
    let (mut diffs, mut w, mut wo) = (Vec::new(), Vec::new(), Vec::new());
    for pair in pairs {
        if let (Some(a), Some(b)) = pair {
            diffs.push(a - b);
            w.push(a);
            wo.push(b);
        }
    }
    let s = Stats::of(&diffs);
    let (lo, hi) = match s.ci95 {
        Some((l, h)) => (Some(l), Some(h)),
        None => (None, None),
    };
    Effect {
        metric: name.to_string(),
        n: s.n,
        mean: s.mean,
        lo,
        hi,
        with: Stats::of(&w).mean,
        without: Stats::of(&wo).mean,
    }
}

/// Ranks the alternatives by the size of their effect on warned_before_targeted (or the first
/// metric when it is not reported); returns the metric ranked by.
fn rank(alternatives: &mut [Alternative], metrics: &[String]) -> String {
    let rank_metric = if metrics.iter().any(|m| m == "warned_before_targeted") {
        "warned_before_targeted".to_string()
    } else {
        metrics[0].clone()
    };
    let r = metrics.iter().position(|m| *m == rank_metric).unwrap_or(0);
    let size = |a: &Alternative| a.effects[r].mean.map_or(0.0, f64::abs);
    // Stable: equal effects keep the session's order.
    alternatives.sort_by(|a, b| size(b).total_cmp(&size(a)));
    for (i, a) in alternatives.iter_mut().enumerate() {
        a.rank = i + 1;
    }
    rank_metric
}

/// Every single-number metric's name, in runs.csv order.
fn metric_names(m: &Metrics) -> Vec<String> {
    m.scalars().into_iter().map(|(n, _)| n.to_string()).collect()
}

/// The questions asked: the doctrines alone against the session (`--baseline doctrine`),
/// each added command, and each session command left out (every accepted one when nothing
/// else is asked).
fn questions(
    sc: &Scenario,
    opts: &Options,
    all: &[Decision],
    added: &[Decision],
) -> Result<Vec<Question>, WhatifError> {
    let mut questions = Vec::new();
    let base = |fork: Tick| Arm { fork: fork.0, without: None, with_added: None, none: false };
    if opts.baseline_doctrine {
        questions.push(Question {
            kind: "baseline",
            decision: None,
            fork: Tick(0),
            with: base(Tick(0)),
            without: Arm { none: true, ..base(Tick(0)) },
        });
    }
    for (k, d) in added.iter().enumerate() {
        questions.push(Question {
            kind: "add",
            decision: Some(d.clone()),
            fork: d.tick,
            with: Arm { with_added: Some(k), ..base(d.tick) },
            without: base(d.tick),
        });
    }
    let mut chosen = named_decisions(sc, all, &opts.without)?;
    if opts.without.is_empty() && added.is_empty() && !opts.baseline_doctrine {
        chosen = (0..all.len()).filter(|&i| all[i].rejected.is_none()).collect();
    }
    for i in chosen {
        let d = &all[i];
        questions.push(Question {
            kind: "without",
            decision: Some(d.clone()),
            fork: d.tick,
            with: base(d.tick),
            without: Arm { without: Some(i), ..base(d.tick) },
        });
    }
    Ok(questions)
}

/// Each question's answer: its effect on every metric over the pairs of runs
/// (`value(arm, pair, metric)`), not yet ranked.
fn alternatives(
    sc: &Scenario,
    questions: &[Question],
    metrics: &[String],
    runs: u64,
    value: &dyn Fn(&Arm, u64, usize) -> Option<f64>,
) -> Vec<Alternative> {
    let reg = sc.registry();
    questions
        .iter()
        .map(|q| {
            let effects = metrics
                .iter()
                .enumerate()
                .map(|(m, name)| {
                    effect(name, (0..runs).map(|k| (value(&q.with, k, m), value(&q.without, k, m))))
                })
                .collect();
            let (issuer, decision, line) = match &q.decision {
                Some(d) => (issuer_label(&d.issuer), d.command.summary(), d.line),
                None => (String::new(), "the session's commands, against the doctrines alone".to_string(), 0),
            };
            Alternative {
                rank: 0,
                kind: q.kind.to_string(),
                line,
                tick: q.fork.0,
                time: reg.clock.at(q.fork).to_string(),
                issuer,
                decision,
                effects,
            }
        })
        .collect()
}

/// Analyses a journal's records (already read; the journal must replay exactly).
pub fn analyse(records: &[(usize, Record)], opts: &Options) -> Result<Analysis, WhatifError> {
    analyse_with_progress(records, opts, &|_, _| {})
}

/// [`analyse`], telling `progress` how many continuations of how many are done as they
/// finish (from any thread; the facilitator console shows it as a progress line).
pub fn analyse_with_progress(
    records: &[(usize, Record)],
    opts: &Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Analysis, WhatifError> {
    let report = ttx_engine::journal::replay(records, Default::default())?;
    ttx_engine::journal::check_model_version(records)?;
    if let Some(d) = &report.divergence {
        return Err(WhatifError::Diverges { line: d.line, tick: d.tick });
    }
    let sc = &report.scenario;
    let Some((_, header @ Record::Header { seed, scenario, .. })) = records.first() else {
        return Err(WhatifError::NoHeader);
    };
    let seed = *seed;
    // Continuations start as the session did: with the teams its header records as staffed.
    let options = header.sim_options(SimOptions::default());
    if opts.runs < 2 {
        return Err(WhatifError::TooFewRuns { runs: opts.runs });
    }
    let all_names = metric_names(&report.sim.metrics());
    // By default every metric of the metric table (not the per-channel message counts).
    let names: Vec<String> = METRIC_DEFS.iter().map(|d| d.name.to_string()).collect();
    let metrics = if opts.metrics.is_empty() { names.clone() } else { opts.metrics.clone() };
    for m in &metrics {
        if !all_names.contains(m) {
            return Err(WhatifError::NoMetric { metric: m.clone(), metrics: names });
        }
    }
    let all = decisions(records);
    let refused = all.iter().filter(|d| d.rejected.is_some()).count();
    let added = opts.add.iter().map(|a| parse_added(sc, a)).collect::<Result<Vec<_>, _>>()?;

    let questions = questions(sc, opts, &all, &added)?;

    // Every distinct continuation, run once per pair.
    let mut arms: BTreeMap<Arm, usize> = BTreeMap::new();
    for q in &questions {
        for a in [&q.with, &q.without] {
            let n = arms.len();
            arms.entry(a.clone()).or_insert(n);
        }
    }
    let mut order: Vec<(Arm, usize)> = arms.iter().map(|(a, i)| (a.clone(), *i)).collect();
    order.sort_by_key(|(_, i)| *i);
    let runs = u64::from(opts.runs);
    let tasks: Vec<(usize, u64)> = (0..order.len()).flat_map(|a| (0..runs).map(move |k| (a, k))).collect();
    let picks: Vec<usize> = metrics.iter().filter_map(|m| all_names.iter().position(|n| n == m)).collect();
    let plan_of = |arm: &Arm| -> Vec<&Decision> {
        if arm.none {
            return Vec::new();
        }
        let mut p: Vec<&Decision> =
            all.iter().enumerate().filter(|(i, _)| arm.without != Some(*i)).map(|(_, d)| d).collect();
        if let Some(x) = arm.with_added {
            // After the session's commands of the same tick, as if given last.
            let at = p.iter().position(|d| d.tick > added[x].tick).unwrap_or(p.len());
            p.insert(at, &added[x]);
        }
        p
    };
    // Every arm with the same fork (and the same commands before it: all the session's, or
    // none) shares its past: it is simulated once, and each continuation starts from a copy
    // of the state at the fork.
    let mut starts: BTreeMap<(u32, bool), usize> = BTreeMap::new();
    for (arm, _) in &order {
        let n = starts.len();
        starts.entry((arm.fork, arm.none)).or_insert(n);
    }
    let start_keys: Vec<(u32, bool)> = {
        let mut v: Vec<_> = starts.iter().map(|(k, i)| (*i, *k)).collect();
        v.sort();
        v.into_iter().map(|(_, k)| k).collect()
    };
    let session: Vec<&Decision> = all.iter().collect();
    let snapshots: Vec<ttx_engine::Snapshot> = start_keys
        .par_iter()
        .map_init(
            || Sim::with_options(sc, seed, options.clone()),
            |sim, &(fork, none)| {
                let plan: &[&Decision] = if none { &[] } else { &session };
                prepare(sim, seed, plan, Tick(fork))
            },
        )
        .collect();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let values: Vec<Vec<Option<f64>>> = tasks
        .par_iter()
        .map_init(
            || Sim::with_options(sc, seed, options.clone()),
            |sim, &(a, k)| {
                let arm = &order[a].0;
                let start = &snapshots[starts[&(arm.fork, arm.none)]];
                let m = continue_fork(sim, start, &plan_of(arm), branch_of(seed, k))?;
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(n, tasks.len());
                let s = m.scalars();
                Ok(picks.iter().map(|&i| s[i].1).collect())
            },
        )
        .collect::<Result<_, WhatifError>>()?;
    let value = |arm: &Arm, k: u64, m: usize| values[arms[arm] * runs as usize + k as usize][m];

    let mut alternatives = alternatives(sc, &questions, &metrics, runs, &value);
    let rank_metric = rank(&mut alternatives, &metrics);
    Ok(Analysis { scenario: scenario.clone(), seed, runs: opts.runs, rank_metric, refused, alternatives })
}

/// Pairs of continuations per decision in the facilitator console's what-if analysis:
/// enough for useful intervals in the time a hot wash can wait.
pub const LIVE_RUNS: u32 = 200;

/// The what-if analysis of a session in progress, for the facilitator console's `w` key:
/// the journal at `path` as written so far (whole lines), [`LIVE_RUNS`] pairs per decision,
/// on all cores but one, with the results as `ttx whatif` prints them.
pub fn live(path: &std::path::Path) -> ttx_tui::console::WhatifRunner {
    let path = path.to_path_buf();
    ttx_tui::console::WhatifRunner(std::sync::Arc::new(move |progress: &(dyn Fn(usize, usize) + Sync)| {
        live_analysis(&path, progress).map_err(Into::into)
    }))
}

/// Why the facilitator console's what-if analysis has no results.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The session's journal cannot be read.
    #[error("cannot read the journal {}: {source}", .path.display())]
    Unreadable {
        /// The journal.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The journal's lines are not journal records.
    #[error("the journal {}: {source}", .path.display())]
    Records {
        /// The journal.
        path: std::path::PathBuf,
        /// Why.
        source: ttx_engine::journal::ReplayError,
    },
    /// No threads to run the continuations on.
    #[error("cannot start threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// The analysis refused the session.
    #[error(transparent)]
    Analysis(#[from] WhatifError),
}

/// [`live`]'s analysis of the journal at `path`: the lines `ttx whatif` prints.
fn live_analysis(
    path: &std::path::Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<String>, LiveError> {
    let bytes =
        std::fs::read(path).map_err(|source| LiveError::Unreadable { path: path.to_path_buf(), source })?;
    // The session may be writing a line right now: only whole lines are read.
    let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let records = ttx_engine::journal::read_records(&bytes[..whole])
        .map_err(|source| LiveError::Records { path: path.to_path_buf(), source })?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let opts = Options { runs: LIVE_RUNS, ..Options::default() };
    let analysis = pool.install(|| analyse_with_progress(&records, &opts, progress))?;
    Ok(analysis.text().lines().map(str::to_string).collect())
}

fn num(x: Option<f64>) -> String {
    x.map(|v| format!("{v}")).unwrap_or_default()
}

impl Analysis {
    /// `whatif.csv`: one row per alternative and metric, full precision.
    pub fn csv(&self) -> String {
        let mut out =
            String::from("rank,kind,line,tick,time,issuer,decision,metric,n,effect,lo,hi,with,without\n");
        for a in &self.alternatives {
            for e in &a.effects {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    a.rank,
                    a.kind,
                    a.line,
                    a.tick,
                    a.time,
                    a.issuer,
                    quote(&a.decision),
                    e.metric,
                    e.n,
                    num(e.mean),
                    num(e.lo),
                    num(e.hi),
                    num(e.with),
                    num(e.without)
                );
            }
        }
        out
    }

    /// A readable table: each alternative with the metrics it clearly changed.
    pub fn text(&self) -> String {
        let mut out = format!(
            "what the decisions changed: {} ({} pairs of continuations each, seed {}); ranked by the effect on {}\n",
            self.scenario, self.runs, self.seed, self.rank_metric
        );
        if self.alternatives.is_empty() {
            out.push_str("\nthe session has no accepted commands to examine\n");
        }
        for a in &self.alternatives {
            let _ = writeln!(out, "\n{:>3}. {}", a.rank, a.what());
            let clear: Vec<&Effect> = a.effects.iter().filter(|e| e.clear()).collect();
            if clear.is_empty() {
                out.push_str("     no clear effect on any metric\n");
            }
            for e in clear {
                let _ = writeln!(
                    out,
                    "     {:<30} {:+.3} [{:+.3}, {:+.3}]",
                    e.metric,
                    e.mean.unwrap_or(0.0),
                    e.lo.unwrap_or(0.0),
                    e.hi.unwrap_or(0.0)
                );
            }
        }
        if self.refused > 0 {
            let _ = writeln!(out, "\n{} refused command(s) changed nothing and are not listed", self.refused);
        }
        out
    }
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}
