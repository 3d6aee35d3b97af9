//! A checked batch ([`Plan`]): the sweep points or design of a scenario, the manifest that
//! records them, and the parallel execution of its runs.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rayon::prelude::*;
use ttx_engine::{Resolution, Scenario, Sim, SimOptions};

use super::files::{self, CommandsRecord, Manifest, RunRow, Shard, Task};
use super::{BatchError, MAX_RUNS, PlanError, design, detail, metric_names, sweep};

/// What a batch varies and writes beyond a grid of sweeps: a design over `--vary` ranges, and
/// the outputs below the run level.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    /// `PATH=LO:HI` per varied parameter.
    pub vary: Vec<String>,
    /// `KIND:N` (`lhs`, `sobol`, `morris`).
    pub design: Option<String>,
    /// Write series.csv at this resolution.
    pub series: Option<Resolution>,
    /// Write campaigns.csv and jurisdictions.csv.
    pub entities: bool,
    /// Also write a Parquet copy of each table (`--format parquet`).
    pub format: super::parquet::TableFormat,
}

/// The most points a design may have (each is a scenario built when its runs start, so the
/// limit is the rows a batch holds rather than [`sweep::MAX_POINTS`]).
pub const MAX_DESIGN_POINTS: u64 = 100_000;

/// What a design's points are made from: the scenario's tree and the varied parameters.
struct Lazy {
    maker: sweep::PointMaker,
    params: Vec<sweep::Sweep>,
    label: String,
}

/// A checked batch: its manifest, the scenario at every sweep point, and the metric columns.
pub struct Plan {
    /// What the batch is.
    pub manifest: Manifest,
    /// The scenario at every point (one compiled scenario each, shared by all threads); empty
    /// for a design, whose points are built as their runs start.
    pub points: Vec<sweep::Point>,
    /// Metric names, in column order.
    pub metrics: Vec<String>,
    /// The scripted policy every run applies (`--commands`), if any.
    pub policy: Option<crate::policy::Policy>,
    lazy: Option<Lazy>,
    options: SimOptions,
    /// Whether the runs write series.csv and the entity files.
    pub(super) detail: (bool, bool),
}

fn resolution_name(r: Resolution) -> &'static str {
    match r {
        Resolution::Daily => "daily",
        Resolution::Hourly => "hourly",
    }
}

impl Plan {
    /// Checks the sweeps against the scenario and builds every sweep point; nothing runs yet.
    pub fn new(
        scenario: &Scenario,
        label: &str,
        runs: u32,
        seed: u64,
        sweeps: &[String],
        shard: Option<Shard>,
    ) -> Result<Plan, BatchError> {
        Plan::build(scenario, label, runs, seed, sweeps, shard, &Extras::default())
    }

    /// [`Plan::new`] with a design and outputs below the run level.
    pub fn build(
        scenario: &Scenario,
        label: &str,
        runs: u32,
        seed: u64,
        sweeps: &[String],
        shard: Option<Shard>,
        extras: &Extras,
    ) -> Result<Plan, BatchError> {
        if runs == 0 {
            return Err(PlanError::NoRuns.into());
        }
        let tree = sweep::tree(scenario.spec())?;
        let (design, lazy) = match (&extras.design, extras.vary.is_empty()) {
            (None, true) => (None, None),
            (None, false) => {
                return Err(PlanError::VaryWithoutDesign.into());
            }
            (Some(d), true) => {
                return Err(PlanError::DesignWithoutVary { design: d.clone() }.into());
            }
            (Some(d), false) => {
                if !sweeps.is_empty() {
                    return Err(PlanError::SweepWithDesign.into());
                }
                let (design, lazy) = design_plan(d, &extras.vary, &tree, label, seed)?;
                (Some(design), Some(lazy))
            }
        };
        let (points, n_points) = match &design {
            Some(d) => (Vec::new(), d.points() as u32),
            None => {
                let sweeps = sweep::resolve(&tree, sweeps)?;
                let grid = sweep::check_grid(&sweeps)?;
                let total = grid as u64 * u64::from(runs);
                if total > MAX_RUNS {
                    return Err(PlanError::GridTooManyRuns { runs, points: grid, total }.into());
                }
                let points = sweep::points(scenario, label, &tree, &sweeps)?;
                let n = points.len() as u32;
                (points, n)
            }
        };
        let total = u64::from(n_points) * u64::from(runs);
        if design.is_some() && total > MAX_RUNS {
            return Err(PlanError::DesignTooManyRuns { runs, points: n_points, total }.into());
        }
        let records: Vec<files::SweepRecord> = match &lazy {
            Some(l) => l
                .params
                .iter()
                .map(|p| files::SweepRecord { path: p.path.clone(), values: vec![], joint: false })
                .collect(),
            None => {
                let resolved = sweep::resolve(&tree, sweeps)?;
                resolved
                    .iter()
                    .map(|s| files::SweepRecord {
                        path: s.path.clone(),
                        values: s.values.clone(),
                        joint: s.joint,
                    })
                    .collect()
            }
        };
        let arguments = arguments(label, runs, seed, &records, design.as_ref(), extras);
        let manifest = Manifest {
            ttx_version: ttx_engine::VERSION.to_string(),
            scenario: label.to_string(),
            scenario_name: scenario.name().to_string(),
            scenario_hash: scenario.hash_hex(),
            scenario_text: Some(scenario.source().to_string()),
            seed,
            runs,
            sweeps: records,
            points: n_points,
            shard,
            arguments,
            commands: None,
            build: Some(files::Build::this()),
            design,
            series: extras.series.map(|r| resolution_name(r).to_string()),
            entities: extras.entities,
        };
        let options = SimOptions { series: extras.series.unwrap_or_default(), ..SimOptions::default() };
        Ok(Plan {
            manifest,
            points,
            metrics: metric_names(scenario),
            policy: None,
            lazy,
            options,
            detail: (extras.series.is_some(), extras.entities),
        })
    }

    /// This plan with a scripted policy (`--commands FILE`) applied in every run, read and
    /// checked against the scenario at every sweep point (`base` for a design, whose points
    /// are built as their runs start).
    pub fn with_policy(mut self, file: &Path, base: &Scenario) -> Result<Plan, BatchError> {
        let mut policy = None;
        for p in &self.points {
            policy = Some(crate::policy::Policy::load(file, &p.scenario)?);
        }
        if self.points.is_empty() {
            policy = Some(crate::policy::Policy::load(file, base)?);
        }
        let Some(policy) = policy else { return Ok(self) };
        self.manifest.arguments.push("--commands".into());
        self.manifest.arguments.push(policy.file.clone());
        self.manifest.commands =
            Some(CommandsRecord { file: policy.file.clone(), text: policy.text.clone() });
        self.options.staffed = policy.sim_options().staffed;
        self.policy = Some(policy);
        Ok(self)
    }

    /// Whether the runs write lines below the run level (series, entities).
    pub fn has_detail(&self) -> bool {
        self.detail.0 || self.detail.1
    }

    /// Runs one simulation to its end and reads its metrics.
    pub fn run(&self, t: &Task) -> Result<RunRow, BatchError> {
        self.run_reusing(t, &mut None).map(|(row, _)| row)
    }

    /// The scenario at a point: built for a design, kept for a grid.
    fn scenario(&self, point: u32) -> Result<std::borrow::Cow<'_, Scenario>, BatchError> {
        match &self.lazy {
            None => Ok(std::borrow::Cow::Borrowed(&self.points[point as usize].scenario)),
            Some(l) => {
                let values = self.manifest.point_values(point);
                l.maker
                    .scenario_at(&l.label, &l.params, &values, "--vary")
                    .map(std::borrow::Cow::Owned)
                    .map_err(|source| PlanError::DesignPoint { point, source: Box::new(source) }.into())
            }
        }
    }

    /// [`Plan::run`], reusing the simulation a thread ran before: reset when it was of the same
    /// point ([`Sim::reset`]), reset to this point's scenario when that has the same actors
    /// and assets ([`Sim::reset_to`]: a design's points, a grid of numbers), else built anew.
    /// Either way the run is the one a new `Sim` gives.
    fn run_reusing(
        &self,
        t: &Task,
        cache: &mut Option<(u32, Sim)>,
    ) -> Result<(RunRow, Option<detail::Detail>), BatchError> {
        let entry = match cache.take() {
            Some((point, mut sim)) if point == t.point => {
                sim.reset(t.seed);
                sim
            }
            Some((_, mut sim)) => {
                let scenario = self.scenario(t.point)?;
                match sim.reset_to(&scenario, t.seed) {
                    Ok(()) => sim,
                    Err(_) => Sim::with_options(&scenario, t.seed, self.options.clone()),
                }
            }
            None => {
                let scenario = self.scenario(t.point)?;
                Sim::with_options(&scenario, t.seed, self.options.clone())
            }
        };
        let sim = &mut cache.insert((t.point, entry)).1;
        match &self.policy {
            Some(p) => p.run_to_end(sim),
            None => sim.run_to_end(),
        }
        let values = sim.metrics().scalars().into_iter().map(|(_, v)| v).collect();
        let detail =
            self.has_detail().then(|| detail::detail(sim, t.point, t.run, self.detail.0, self.detail.1));
        Ok((RunRow { point: t.point, run: t.run, seed: t.seed, values }, detail))
    }

    /// Runs `tasks` on `jobs` threads, handing each finished run to `sink` (on the calling thread)
    /// as it finishes. Stops early, keeping what finished, when `stop` is set.
    pub fn execute(
        &self,
        tasks: &[Task],
        jobs: usize,
        stop: &AtomicBool,
        mut sink: impl FnMut(RunRow) -> Result<(), BatchError>,
    ) -> Result<(), BatchError> {
        self.execute_detail(tasks, jobs, stop, |row, _| sink(row))
    }

    /// [`Plan::execute`], handing the sink each run's lines below the run level as well.
    pub fn execute_detail(
        &self,
        tasks: &[Task],
        jobs: usize,
        stop: &AtomicBool,
        mut sink: impl FnMut(RunRow, Option<detail::Detail>) -> Result<(), BatchError>,
    ) -> Result<(), BatchError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .thread_name(|i| format!("ttx-batch-{i}"))
            .build()
            .map_err(|source| BatchError::Threads { jobs, source })?;
        let abort = AtomicBool::new(false);
        type Done = Result<Result<(RunRow, Option<detail::Detail>), BatchError>, (Task, String)>;
        let (tx, rx) = mpsc::sync_channel::<Done>(4096);
        std::thread::scope(|scope| {
            let abort = &abort;
            scope.spawn(move || {
                pool.install(|| {
                    tasks.par_iter().for_each_init(
                        || (tx.clone(), None),
                        |(tx, cache), t| {
                            if stop.load(Ordering::Relaxed) || abort.load(Ordering::Relaxed) {
                                return;
                            }
                            let out =
                                catch_unwind(AssertUnwindSafe(|| self.run_reusing(t, cache))).map_err(|p| {
                                    // A run that panicked may leave its simulation half-way: start afresh.
                                    *cache = None;
                                    let what = p
                                        .downcast_ref::<&str>()
                                        .map(|s| s.to_string())
                                        .or_else(|| p.downcast_ref::<String>().cloned())
                                        .unwrap_or_else(|| "a panic".into());
                                    (*t, what)
                                });
                            let _ = tx.send(out);
                        },
                    );
                });
            });
            let mut result = Ok(());
            for msg in rx {
                if result.is_err() {
                    continue;
                }
                let r = match msg {
                    Ok(Ok((row, d))) => sink(row, d),
                    Ok(Err(bad)) => Err(bad),
                    Err((t, what)) => {
                        Err(BatchError::RunPanicked { run: t.run, point: t.point, seed: t.seed, what })
                    }
                };
                if let Err(e) = r {
                    abort.store(true, Ordering::Relaxed);
                    result = Err(e);
                }
            }
            result
        })
    }
}

/// The design of `--design d` over the `--vary` ranges, with what its points are made from;
/// both ends of every range are checked to make a valid scenario.
fn design_plan(
    d: &str,
    vary: &[String],
    tree: &serde_json::Value,
    label: &str,
    seed: u64,
) -> Result<(design::Design, Lazy), BatchError> {
    let (kind, n, levels) = design::parse(d)?;
    let mut params: Vec<sweep::Sweep> = Vec::new();
    let mut ranges = Vec::new();
    for arg in vary {
        let (path, lo, hi) = design::parse_vary(arg)?;
        let p = sweep::resolve_range(tree, &path, &lo, &hi, &params)?;
        if !p.values.iter().all(serde_json::Value::is_number) {
            return Err(PlanError::VaryNotNumber { path, lo, hi }.into());
        }
        ranges.push(design::Range { path: p.path.clone(), lo: p.values[0].clone(), hi: p.values[1].clone() });
        params.push(p);
    }
    if kind == design::Kind::Sobol && params.len() > design::MAX_SOBOL_PARAMS {
        let (most, given) = (design::MAX_SOBOL_PARAMS, params.len());
        return Err(PlanError::SobolTooManyParameters { design: d.to_string(), most, given }.into());
    }
    let design = design::Design::new(kind, n, levels, seed, ranges);
    let points = design.points();
    if points > MAX_DESIGN_POINTS {
        let k = design.k() as u64;
        let most = match kind {
            design::Kind::Lhs => MAX_DESIGN_POINTS,
            design::Kind::Sobol => MAX_DESIGN_POINTS / (k + 2),
            design::Kind::Morris => MAX_DESIGN_POINTS / (k + 1),
        };
        return Err(PlanError::DesignTooLarge {
            design: d.to_string(),
            points,
            parameters: k,
            kind: kind.name(),
            fits: most,
        }
        .into());
    }
    // Both ends of every range must make a valid scenario (the others are checked as they run).
    for end in [0usize, 1] {
        let values: Vec<serde_json::Value> = params.iter().map(|p| p.values[end].clone()).collect();
        sweep::scenario_at(label, tree, &params, &values, "--vary")?;
    }
    let maker = sweep::PointMaker::new(tree.clone(), &params);
    Ok((design, Lazy { maker, params, label: label.to_string() }))
}

/// The command line that makes this batch again, as the manifest records it: sweeps varied
/// together written back as one `--sweep a,b=1,2|3,4`, a design's parameters as `--vary`.
fn arguments(
    label: &str,
    runs: u32,
    seed: u64,
    records: &[files::SweepRecord],
    design: Option<&design::Design>,
    extras: &Extras,
) -> Vec<String> {
    let mut arguments: Vec<String> = vec![
        "ttx".into(),
        "batch".into(),
        label.to_string(),
        "--runs".into(),
        runs.to_string(),
        "--seed".into(),
        seed.to_string(),
    ];
    let mut i = 0;
    while i < records.len() {
        let mut j = i + 1;
        while j < records.len() && records[j].joint {
            j += 1;
        }
        let group = &records[i..j];
        arguments.push("--sweep".into());
        if group.len() == 1 {
            arguments.push(format!(
                "{}={}",
                group[0].path,
                group[0].values.iter().map(sweep::show).collect::<Vec<_>>().join(",")
            ));
        } else {
            let paths = group.iter().map(|r| r.path.as_str()).collect::<Vec<_>>().join(",");
            let sets: Vec<String> = (0..group[0].values.len())
                .map(|v| group.iter().map(|r| sweep::show(&r.values[v])).collect::<Vec<_>>().join(","))
                .collect();
            arguments.push(format!("{paths}={}", sets.join("|")));
        }
        i = j;
    }
    if let Some(d) = design {
        // The design's parameters are columns, not sweeps.
        arguments.truncate(7);
        for r in &d.vary {
            arguments.push("--vary".into());
            arguments.push(format!("{}={}:{}", r.path, sweep::show(&r.lo), sweep::show(&r.hi)));
        }
        arguments.push("--design".into());
        arguments.push(match d.kind {
            design::Kind::Morris => format!("morris:{}:{}", d.n, d.levels.unwrap_or(4)),
            k => format!("{}:{}", k.name(), d.n),
        });
    }
    if let Some(r) = extras.series {
        arguments.push("--series".into());
        arguments.push(resolution_name(r).into());
    }
    if extras.entities {
        arguments.push("--entities".into());
    }
    arguments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_reusing_its_sim_gives_the_rows_of_new_sims() {
        let sc = ttx_engine::builtin::default_scenario().unwrap();
        let sweeps = ["sharing.isac_membership=0.2,0.9".to_string(), "sharing.tearline_h=1,96".to_string()];
        let plan = Plan::new(&sc, "tabletop_the_vote", 3, 9, &sweeps, None).unwrap();
        let tasks = plan.manifest.tasks();
        assert_eq!(tasks.len(), 12);
        // One thread: runs of a point follow one another, so the Sim is reset between them and
        // reset to the next point's scenario when the point changes.
        let mut rows = Vec::new();
        plan.execute(&tasks, 1, &AtomicBool::new(false), |r| {
            rows.push(r);
            Ok(())
        })
        .unwrap();
        rows.sort_by_key(|r| (r.point, r.run));
        let fresh: Vec<RunRow> = tasks.iter().map(|t| plan.run(t).unwrap()).collect();
        assert_eq!(rows.len(), fresh.len());
        for (a, b) in rows.iter().zip(&fresh) {
            assert_eq!((a.point, a.run, a.seed), (b.point, b.run, b.seed));
            assert!(a.values == b.values, "point {} run {} differs", a.point, a.run);
        }
        // The points differ, so a Sim kept across a change of point would have shown.
        assert!(fresh.iter().any(|r| r.point > 0 && r.values != fresh[0].values));
    }

    #[test]
    fn a_design_run_on_one_reused_sim_gives_the_rows_of_new_sims() {
        let sc = ttx_engine::builtin::default_scenario().unwrap();
        let extras = Extras {
            vary: vec![
                "sharing.isac_membership=0.1:0.9".into(),
                "sharing.channels.isac_to_members.scale=0.5:4".into(),
            ],
            design: Some("sobol:16".into()),
            ..Extras::default()
        };
        let plan = Plan::build(&sc, "tabletop_the_vote", 1, 3, &[], None, &extras).unwrap();
        let tasks = plan.manifest.tasks();
        assert_eq!(tasks.len(), 64);
        let mut rows = Vec::new();
        plan.execute(&tasks, 1, &AtomicBool::new(false), |r| {
            rows.push(r);
            Ok(())
        })
        .unwrap();
        rows.sort_by_key(|r| (r.point, r.run));
        for (a, t) in rows.iter().zip(&tasks) {
            let scenario = plan.scenario(t.point).unwrap();
            let mut sim = Sim::with_options(&scenario, t.seed, plan.options.clone());
            sim.run_to_end();
            let values: Vec<Option<f64>> = sim.metrics().scalars().into_iter().map(|(_, v)| v).collect();
            assert!(a.values == values, "point {} differs", a.point);
        }
        assert!(rows.iter().any(|r| r.values != rows[0].values));
    }
}
