//! Research outputs and designs: what `--series daily` and `--entities` cost a batch of the
//! default scenario, a Sobol design of 10,000 runs of it, and `ttx sensitivity` on that design.
//!
//!     cargo bench --bench research
//!
//! Each figure is the whole `ttx batch` path (planning, running on every core, writing every
//! file) into a scratch directory, timed with a wall clock, best of three. Targets: the series
//! and entity files cost at most 25% of throughput; the Sobol design (5 parameters, N = 1428,
//! 9,996 runs) finishes in under 15 s on 2 cores; its sensitivity analysis in under 1 s.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use ttx::batch::{self, BatchOptions, Extras, ProgressMode};
use ttx_engine::{Resolution, builtin};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ttx-bench-research-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn time_batch(name: &str, runs: u32, extras: Extras) -> (f64, PathBuf) {
    let scenario = builtin::default_scenario().expect("the default scenario loads");
    let mut best = f64::INFINITY;
    let mut dir = PathBuf::new();
    for i in 0..3 {
        dir = scratch(&format!("{name}-{i}"));
        let opts = BatchOptions {
            scenario: "tabletop_the_vote".into(),
            runs,
            seed: 1,
            sweeps: vec![],
            shard: None,
            jobs: None,
            plots: vec![],
            resume: false,
            out: dir.clone(),
            progress: ProgressMode::Quiet,
            commands: None,
            extras: extras.clone(),
        };
        let start = Instant::now();
        batch::batch(&opts, &scenario, &AtomicBool::new(false), &mut std::io::sink())
            .expect("the batch runs");
        best = best.min(start.elapsed().as_secs_f64());
        if i < 2 {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    (best, dir)
}

fn main() {
    // `cargo test --benches` runs this with --bench absent: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("research outputs and designs, {cores} threads, best of 3 (wall clock)");
    let runs = 4000;
    let (plain, d) = time_batch("plain", runs, Extras::default());
    let _ = std::fs::remove_dir_all(d);
    let rate = |s: f64| f64::from(runs) / s;
    println!("batch {runs} runs                      {plain:7.2} s  {:7.0} runs/s", rate(plain));
    for (label, extras) in [
        ("--series daily", Extras { series: Some(Resolution::Daily), ..Extras::default() }),
        ("--entities", Extras { entities: true, ..Extras::default() }),
        (
            "--series daily --entities",
            Extras { series: Some(Resolution::Daily), entities: true, ..Extras::default() },
        ),
    ] {
        let (t, d) = time_batch(label, runs, extras);
        let _ = std::fs::remove_dir_all(d);
        println!(
            "batch {runs} runs {label:<26} {t:7.2} s  {:7.0} runs/s  cost {:5.1}% of throughput (target <= 25%)",
            rate(t),
            100.0 * (1.0 - plain / t)
        );
    }
    let vary = [
        "sharing.isac_membership=0.1:0.9",
        "sharing.channels.isac_to_members.scale=0.5:4",
        "sharing.channels.member_to_isac.scale=0.5:4",
        "sharing.tearline_h=1:96",
        "doctrines.eiisac.relay_h=1:48",
    ];
    let extras = Extras {
        vary: vary.iter().map(|v| v.to_string()).collect(),
        design: Some("sobol:1428".into()),
        ..Extras::default()
    };
    let (t, dir) = time_batch("sobol", 1, extras);
    println!(
        "sobol:1428 x 5 parameters (9,996 runs)  {t:7.2} s  {:7.0} runs/s  (target < 15 s on 2 cores)",
        9996.0 / t
    );
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        let a = batch::sensitivity::analyse(&dir, batch::sensitivity::Options { bootstrap: 1000, seed: 1 })
            .expect("the design analyses");
        batch::sensitivity::write(&dir, &a, &[ttx::chart::Format::Svg]).expect("the files are written");
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!("ttx sensitivity on it (1000 bootstraps) {best:7.2} s  (target < 1 s)");
    let _ = std::fs::remove_dir_all(dir);
}
