//! `ttx batch` and `ttx merge` through the real binary.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::{bad, ok, succeeds, ttx as run};
use std::time::{Duration, Instant};

fn ttx() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ttx"))
}

/// A fresh, empty temporary directory for one test, removed when the test ends.
fn scratch(name: &str) -> crate::harness::Named {
    crate::harness::named_scratch(&format!("batch-{name}"))
}

/// Every file under a directory, by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn go(base: &Path, d: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                go(base, &p, out);
            } else if p.file_name().is_some_and(|n| n == "invocation.json") {
                // How the batch was run (times, threads): the one file that differs by design.
            } else {
                out.insert(p.strip_prefix(base).unwrap().display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    go(dir, dir, &mut out);
    out
}

fn assert_same_files(a: &Path, b: &Path) {
    let (ta, tb) = (tree(a), tree(b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>(), "file lists differ");
    for (name, bytes) in &ta {
        assert!(bytes == &tb[name], "{name} differs between {} and {}", a.display(), b.display());
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const SWEEP: &str = "sharing.isac_membership=0.2,0.8";

#[test]
fn thread_count_does_not_change_a_byte() {
    let d = scratch("jobs");
    let (one, two) = (d.join("one"), d.join("two"));
    let common = [
        "batch",
        "tabletop_the_vote",
        "--runs",
        "6",
        "--seed",
        "5",
        "--sweep",
        SWEEP,
        "--plots",
        "svg,png,pdf",
    ];
    succeeds(&[&common[..], &["--jobs", "1", "--out", s(&one)]].concat());
    succeeds(&[&common[..], &["--jobs", "2", "--out", s(&two)]].concat());
    let files = tree(&one);
    for f in ["runs.csv", "summary.csv", "summary.json", "manifest.json", "plots/warned_before_targeted.svg"]
    {
        assert!(files.contains_key(f), "{f} missing: {:?}", files.keys());
    }
    assert!(files.contains_key("plots/warned_before_targeted_vs_sharing.isac_membership.svg"));
    assert_same_files(&one, &two);
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".svg")) {
        let text = std::str::from_utf8(bytes).unwrap();
        roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name} is not well-formed SVG: {e}"));
        // The same chart as PNG (twice the SVG's pixels each way) and as a one-page PDF.
        let stem = name.trim_end_matches(".svg");
        let png = &files[&format!("{stem}.png")];
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR", "{stem}.png");
        let size = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
        let svg_size = |attr: &str| -> u32 {
            let at = text.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
            text[at..].split('"').next().unwrap().parse().unwrap()
        };
        assert_eq!((size(16), size(20)), (2 * svg_size("width"), 2 * svg_size("height")), "{stem}.png");
        assert!(png.len() > 10_000, "{stem}.png has {} bytes", png.len());
        let pdf = &files[&format!("{stem}.pdf")];
        assert!(pdf.starts_with(b"%PDF-1.4\n"), "{stem}.pdf");
        let tail = String::from_utf8_lossy(&pdf[pdf.len() - 40..]).to_string();
        assert!(tail.contains("startxref\n") && tail.ends_with("%%EOF\n"), "{stem}.pdf ends {tail:?}");
        let body = String::from_utf8_lossy(pdf);
        assert!(body.contains("/BaseFont /Helvetica") && body.contains(") Tj ET"), "{stem}.pdf has no text");
    }
    // `ttx report` reads what `ttx batch` writes.
    let out = ok(&["report", s(&one), "--out", s(&d.join("report.md"))]);
    assert!(out.contains("2 sweep points"), "{out}");
}

#[test]
fn merged_shards_equal_the_unsharded_batch() {
    let d = scratch("shards");
    let whole = d.join("whole");
    let common = ["batch", "tabletop_the_vote", "--runs", "7", "--seed", "11", "--sweep", SWEEP];
    succeeds(&[&common[..], &["--plots", "--out", s(&whole)]].concat());
    let mut shards = Vec::new();
    for i in 0..4 {
        let dir = d.join("shards").join(format!("s{i}"));
        let spec = format!("{i}/4");
        let jobs = if i % 2 == 0 { "1" } else { "2" };
        succeeds(&[&common[..], &["--shard", &spec, "--jobs", jobs, "--out", s(&dir)]].concat());
        shards.push(dir);
    }
    // A shard holds only its own runs (7 x 2 = 14 runs: shards of 4, 4, 3, 3).
    let lines = std::fs::read_to_string(shards[3].join("runs.csv")).unwrap().lines().count();
    assert_eq!(lines, 1 + 3);
    let merged = d.join("merged");
    // Merge in a scrambled order: the result must not depend on it.
    let order = [&shards[2], &shards[0], &shards[3], &shards[1]];
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(order.iter().map(|p| s(p)));
    args.extend(["--plots", "--out", s(&merged)]);
    succeeds(&args);
    assert_same_files(&whole, &merged);
    // The directory holding the shards stands for them (a cluster job has no shell to
    // expand `shards/*`).
    let shards_dir = d.join("shards");
    let by_parent = shards_dir.join("merged");
    let by_parent_args = ["merge", s(&shards_dir), "--plots", "--out", s(&by_parent)];
    succeeds(&by_parent_args);
    assert_same_files(&whole, &by_parent);
    // Run again (a requeued merge job): shards/merged is --out, so it is not a shard.
    succeeds(&by_parent_args);
    assert_same_files(&whole, &by_parent);
    // Elsewhere, the merged batch among the shards is refused.
    let again = bad(&["merge", s(&shards_dir), "--out", s(&d.join("again"))]);
    assert!(again.contains("holds a whole (unsharded) batch"), "{again}");
}

#[test]
fn merge_refuses_shards_that_do_not_fit_together() {
    let d = scratch("mismatch");
    let shard = |name: &str, seed: &str, spec: &str| {
        let dir = d.join(name);
        succeeds(&[
            "batch",
            "tabletop_the_vote",
            "--runs",
            "3",
            "--seed",
            seed,
            "--shard",
            spec,
            "--out",
            s(&dir),
        ]);
        dir
    };
    let a0 = shard("a0", "1", "0/2");
    let a1 = shard("a1", "1", "1/2");
    let b1 = shard("b1", "2", "1/2");
    let c1 = shard("c1", "1", "1/3");

    let e = bad(&["merge", s(&a0), s(&b1), "--out", s(&d.join("m1"))]);
    assert!(e.contains("not shards of the same batch") && e.contains("seed"), "{e}");
    assert!(e.contains("arguments") || e.contains("is 1 in the first and 2"), "{e}");

    let e = bad(&["merge", s(&a0), "--out", s(&d.join("m2"))]);
    assert!(e.contains("shard 1/2 of this batch is missing"), "{e}");

    let e = bad(&["merge", s(&a0), s(&a0), "--out", s(&d.join("m3"))]);
    assert!(e.contains("given twice"), "{e}");

    let e = bad(&["merge", s(&a0), s(&c1), "--out", s(&d.join("m4"))]);
    assert!(e.contains("split differently"), "{e}");

    // A shard that was stopped before the end.
    let text = std::fs::read_to_string(a1.join("runs.csv")).unwrap();
    let cut: Vec<&str> = text.lines().collect();
    std::fs::write(a1.join("runs.csv"), format!("{}\n", cut[..cut.len() - 1].join("\n"))).unwrap();
    let e = bad(&["merge", s(&a0), s(&a1), "--out", s(&d.join("m5"))]);
    assert!(e.contains("incomplete") && e.contains("--resume"), "{e}");

    let e = bad(&["merge", s(&d.join("nowhere")), "--out", s(&d.join("m6"))]);
    assert!(e.contains("not a batch directory"), "{e}");
}

fn summary_means(dir: &Path, metric: &str) -> Vec<(f64, f64, f64)> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let m = &p["metrics"][metric];
            (m["mean"].as_f64().unwrap(), m["ci95"][0].as_f64().unwrap(), m["ci95"][1].as_f64().unwrap())
        })
        .collect()
}

#[test]
fn warnings_reach_more_targets_as_isac_membership_grows() {
    let d = scratch("isac");
    succeeds(&[
        "batch",
        "tabletop_the_vote",
        "--runs",
        "30",
        "--sweep",
        "sharing.isac_membership=0.0,0.5,1.0",
        "--out",
        s(&d),
    ]);
    let w = summary_means(&d, "warned_before_targeted");
    assert_eq!(w.len(), 3);
    assert!(w[0].0 < w[1].0 && w[1].0 < w[2].0, "warned_before_targeted by membership 0, 0.5, 1: {w:?}");
    // Not noise: run k of every point shares its seed, so compare run by run (a paired t interval).
    let runs = std::fs::read_to_string(d.join("runs.csv")).unwrap();
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "warned_before_targeted").unwrap();
    let value = |point: &str, run: usize| -> f64 {
        let line = runs.lines().find(|l| l.starts_with(&format!("{point},{run},"))).unwrap();
        line.split(',').nth(col).unwrap().parse().unwrap()
    };
    let diffs: Vec<f64> = (0..30).map(|r| value("2", r) - value("0", r)).collect();
    let mean = diffs.iter().sum::<f64>() / 30.0;
    let sd = (diffs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 29.0).sqrt();
    let low = mean - 2.045229642132703 * sd / 30f64.sqrt();
    assert!(low > 0.0, "membership 1.0 vs 0.0: mean difference {mean}, 95% CI from {low}");
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let d = scratch("bad");
    let out = s(&d);
    let b = |extra: &[&str]| {
        bad(&[&["batch", "tabletop_the_vote", "--runs", "2", "--out", out][..], extra].concat())
    };

    // An unknown chart format: the formats there are.
    let e = b(&["--plots", "svg,gif"]);
    assert!(e.contains("unknown chart format 'gif' (formats: svg, png, pdf)"), "{e}");
    let e = bad(&["merge", out, "--plots", "jpg", "--out", out]);
    assert!(e.contains("unknown chart format 'jpg'"), "{e}");

    // A sweep that cannot be used, and what its message says.
    let sweeps: &[(&str, &[&str])] = &[
        ("sharing.isac_membrship=0.5", &["no parameter `sharing.isac_membrship`", "sharing.isac_membership"]),
        (
            "sharing.chanels.isac_to_members.median_h=2,20",
            &["nearest valid paths", "sharing.channels.isac_to_members.median_h"],
        ),
        ("sharing.isac_membership=lots", &["`lots` is not a number"]),
        ("sharing.channels.isac_to_members.enabled=0", &["not true or false"]),
        ("sharing.isac_membership=0.5,1.5", &["sharing.isac_membership=1.5", "not a probability"]),
        ("sharing.channels.isac_to_members.median_h=100", &["min_h <= median_h <= p90_h <= max_h"]),
        ("sharing", &["PATH=V1,V2"]),
        ("sharing.tearline_h=1:10:0", &["not above 0", "LO:HI:STEP"]),
        ("sharing.tearline_h=10:1:1", &["write the smaller number first: sharing.tearline_h=1:10:1"]),
        ("sharing.tearline_h=0:50000:1", &["50001 values", "use a step of at least 6 "]),
        ("sharing.isac_membership=0:1:0.00001", &["100001 values", "use a step of at least 0.00011 "]),
        (
            "sharing.tearline_h=10:1:-1",
            &["the step -1 is not above 0; a range counts upwards: write sharing.tearline_h=1:10:1"],
        ),
        ("sharing.tearline_h=1:10:-1", &["the step -1 is not above 0", "LO:HI:STEP"]),
        ("sharing.tearline_h=1:ten:1", &["`ten` is not a number", "LO:HI:STEP"]),
        ("sharing.tearline_h=1:10", &["a range is LO:HI:STEP, three numbers"]),
        ("sharing.tearline_h=1:10:1:2", &["a range is LO:HI:STEP, three numbers"]),
        ("sharing.isac_membership=0:1:1e-30", &["too many digits"]),
        ("sharing.isac_membership=0.2:1.4:0.4", &["sharing.isac_membership=1.4", "not a probability"]),
        ("sharing.tearline_h=1:5:1,3", &["the value 3 is given twice"]),
        ("sharing.channels.isac_to_members.scale=0,2", &["above 0"]),
        ("sharing.channels.isac_to_members.scale=-1:2:1", &["scale=-1", "above 0"]),
        ("sharing.channels.isac_to_members.scale=fast", &["`fast` is not a number"]),
        (
            "sharing.channels.isac_to_members.scal=2",
            &["nearest valid paths", "sharing.channels.isac_to_members.scale"],
        ),
        // The median alone cannot pass the 90th percentile: the message points to the scale.
        (
            "sharing.channels.isac_to_members.median_h=2,20",
            &["min_h <= median_h <= p90_h <= max_h", "--sweep sharing.channels.isac_to_members.scale=0.5,2"],
        ),
    ];
    for (sweep, wants) in sweeps {
        let e = b(&["--sweep", sweep]);
        for want in *wants {
            assert!(e.contains(want), "--sweep {sweep}: {e}");
        }
    }
    for spec in ["4/4", "a/4", "1", "1/0", "-1/4"] {
        let e = b(&["--shard", spec]);
        assert!(e.contains("--shard"), "{spec}: {e}");
    }
    let e = bad(&["batch", "tabletop_the_vote", "--runs", "0", "--out", out]);
    assert!(e.contains("--runs 0"), "{e}");
    let e = b(&["--jobs", "0"]);
    assert!(e.contains("--jobs 0"), "{e}");
    let e = bad(&["batch", "no/such/scenario.ron", "--runs", "2", "--out", out]);
    assert!(e.contains("cannot read scenario"), "{e}");
    let e = b(&[
        "--sweep",
        "sharing.channels.isac_to_members.scale=2",
        "--sweep",
        "sharing.channels.isac_to_members.p90_h=9",
    ]);
    assert!(e.contains("either the scale or the quantiles"), "{e}");
    let e = bad(&["batch", "--runs", "2", "--out", out]);
    assert!(e.contains("give the scenario and the runs per point"), "{e}");
    // --row: out of range, half the batch's arguments, or with options that run a batch.
    let e = b(&["--row", "4"]);
    assert!(e.contains("--row 4: runs.csv has rows 0 to 1"), "{e}");
    let e = bad(&["batch", "--seed", "3", "--out", out, "--row", "0"]);
    assert!(e.contains("give all the batch's own arguments"), "{e}");
    let e = bad(&["batch", "tabletop_the_vote", "--out", out, "--row", "0"]);
    assert!(e.contains("give all the batch's own arguments"), "{e}");
    for extra in ["--resume", "--plots"] {
        let e = b(&["--row", "0", extra]);
        assert!(e.contains("cannot be used with"), "{extra}: {e}");
    }
    let e = bad(&["batch", "--out", out, "--row", "0"]);
    assert!(e.contains("holds no batch") && e.contains("give the batch's own arguments"), "{e}");
    // Nothing ran and nothing was written for any of these.
    assert!(tree(&d).is_empty(), "{:?}", tree(&d).keys());

    succeeds(&["batch", "tabletop_the_vote", "--runs", "2", "--out", out]);
    let e = b(&[]);
    assert!(e.contains("already holds a batch") && e.contains("--resume"), "{e}");
    let e = b(&["--seed", "9", "--resume"]);
    assert!(e.contains("different arguments") && e.contains("seed"), "{e}");
    // --resume where there is nothing yet starts the batch (a cluster job can always pass it).
    succeeds(&["batch", "tabletop_the_vote", "--runs", "2", "--resume", "--out", s(&d.join("fresh"))]);
    assert!(d.join("fresh/summary.json").exists());
}

#[test]
fn resume_completes_a_cut_batch_to_the_same_bytes() {
    let d = scratch("resume");
    let (full, cut) = (d.join("full"), d.join("cut"));
    let common = ["batch", "tabletop_the_vote", "--runs", "5", "--sweep", SWEEP];
    succeeds(&[&common[..], &["--out", s(&full)]].concat());
    succeeds(&[&common[..], &["--out", s(&cut)]].concat());
    // As a batch stopped mid-write leaves it: some rows, out of order, the last one cut short.
    let text = std::fs::read_to_string(cut.join("runs.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let partial = &lines[9][..lines[9].len() / 2];
    let stopped = format!("{}\n{}\n{}\n{}\n{partial}", lines[0], lines[7], lines[2], lines[5]);
    std::fs::write(cut.join("runs.csv"), stopped).unwrap();
    for f in ["summary.csv", "summary.json"] {
        std::fs::remove_file(cut.join(f)).unwrap();
    }
    let o = succeeds(&[&common[..], &["--out", s(&cut), "--resume", "--jobs", "1"]].concat());
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("7 runs"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_same_files(&full, &cut);
}

#[test]
fn resume_refuses_kept_rows_that_were_changed() {
    let d = scratch("tampered");
    let common = ["batch", "tabletop_the_vote", "--runs", "3", "--sweep", SWEEP];
    let dir = d.join("b");
    succeeds(&[&common[..], &["--out", s(&dir)]].concat());
    let text = std::fs::read_to_string(dir.join("runs.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header.iter().position(|c| *c == "voters_affected").expect("a voters_affected column");
    // A stopped batch's kept rows, one of them with a metric changed, or emptied.
    let edit = |cell: usize, to: &str| {
        let mut cells: Vec<String> = lines[2].split(',').map(str::to_string).collect();
        cells[cell] = to.to_string();
        format!("{}\n{}\n{}\n{}\n", lines[0], lines[1], cells.join(","), lines[3])
    };
    for (kept, needle) in
        [(edit(col, "123456789"), "voters_affected is 123456789"), (edit(col, ""), "is empty")]
    {
        std::fs::write(dir.join("runs.csv"), &kept).unwrap();
        let e = bad(&[&common[..], &["--out", s(&dir), "--resume", "--jobs", "1"]].concat());
        assert!(e.contains("runs.csv was changed") && e.contains(needle), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.join("runs.csv")).unwrap(),
            kept,
            "runs.csv is left as it was"
        );
    }
}

#[test]
fn ctrl_c_keeps_finished_runs_and_resume_completes_them() {
    let d = scratch("sigint");
    let (full, cut) = (d.join("full"), d.join("cut"));
    let common = ["batch", "tabletop_the_vote", "--runs", "40", "--seed", "3"];
    let child = ttx()
        .args([&common[..], &["--jobs", "1", "--out", s(&cut)]].concat())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for some finished runs on disk, then press Ctrl-C.
    let start = Instant::now();
    loop {
        let rows = std::fs::read_to_string(cut.join("runs.csv")).map_or(0, |t| t.lines().count());
        if rows > 3 || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("stopped:") && err.contains("--resume"), "{err}");
    let kept = std::fs::read_to_string(cut.join("runs.csv")).unwrap().lines().count() - 1;
    assert!(kept > 2 && kept < 40, "kept {kept} runs");
    assert!(!cut.join("summary.json").exists());

    succeeds(&[&common[..], &["--out", s(&cut), "--resume"]].concat());
    succeeds(&[&common[..], &["--out", s(&full)]].concat());
    assert_same_files(&full, &cut);
}

#[test]
fn files_have_the_documented_shape_and_runs_reproduce_with_ttx_run() {
    let d = scratch("shape");
    succeeds(&[
        "batch",
        "tabletop_the_vote",
        "--runs",
        "3",
        "--seed",
        "42",
        "--sweep",
        "sharing.channels.isac_to_members.enabled=true,false",
        "--out",
        s(&d),
    ]);
    let runs = std::fs::read_to_string(d.join("runs.csv")).unwrap();
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    assert_eq!(
        header[..6],
        [
            "point",
            "run",
            "seed",
            "sharing.channels.isac_to_members.enabled",
            "intrusions_attempted",
            "intrusions_succeeded"
        ]
    );
    let rows: Vec<Vec<&str>> = runs.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 6);
    assert_eq!((rows[0][0], rows[0][1], rows[0][3]), ("0", "0", "true"));
    assert_eq!((rows[5][0], rows[5][1], rows[5][3]), ("1", "2", "false"));
    // Same run index, same seed at every point.
    assert_eq!(rows[1][2], rows[4][2]);
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    // No EI-ISAC alerts reach anyone when the channel is off: an empty cell, not a zero.
    assert_eq!(rows[4][col("alert_reach_h_p50")], "");

    // Every row is the run `ttx run --seed SEED` gives (at the unswept point 0).
    for row in &rows[..3] {
        let o = succeeds(&["run", "tabletop_the_vote", "--seed", row[2], "--json"]);
        let m: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for name in ["intrusions_attempted", "warned_before_targeted", "voters_affected", "confidence_min"] {
            let want = m[name].as_f64().unwrap();
            assert_eq!(row[col(name)].parse::<f64>().unwrap(), want, "{name} of seed {}", row[2]);
        }
    }

    let summary = std::fs::read_to_string(d.join("summary.csv")).unwrap();
    let mut lines = summary.lines();
    assert_eq!(
        lines.next().unwrap(),
        "point,sharing.channels.isac_to_members.enabled,metric,n,mean,sd,ci95_low,ci95_high,p5,p50,p95"
    );
    assert!(lines.next().unwrap().starts_with("0,true,intrusions_attempted,3,"));
    assert!(summary.lines().any(|l| l == "1,false,alert_reach_h_p50,0,,,,,,,"), "{summary}");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    let p1 = &json["points"][1];
    assert_eq!(p1["point"], 1);
    assert_eq!(p1["params"]["sharing.channels.isac_to_members.enabled"], false);
    assert_eq!(p1["metrics"]["alert_reach_h_p50"]["n"], 0);
    assert!(p1["metrics"]["alert_reach_h_p50"]["mean"].is_null());
    assert!(p1["metrics"]["alert_reach_h_p50"]["ci95"].is_null());
    assert_eq!(p1["metrics"]["intrusions_attempted"]["ci95"].as_array().unwrap().len(), 2);

    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("manifest.json")).unwrap()).unwrap();
    let keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
    for k in [
        "ttx_version",
        "scenario",
        "scenario_name",
        "scenario_hash",
        "seed",
        "runs",
        "sweeps",
        "points",
        "shard",
        "arguments",
    ] {
        assert!(keys.contains(&k), "{k} missing from the manifest");
    }
    assert_eq!(m["scenario"], "tabletop_the_vote");
    assert_eq!(m["scenario_hash"].as_str().unwrap().len(), 16);
    assert_eq!(m["points"], 2);
    assert!(m["shard"].is_null());
    assert_eq!(m["sweeps"][0]["values"], serde_json::json!([true, false]));
}

/// Paths (from the top of the scenario) where two JSON trees differ.
fn differences(a: &serde_json::Value, b: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let path = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                differences(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), &path, out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(p, q, &format!("{at}.{i}"), out);
            }
        }
        _ if a != b => out.push(at.to_string()),
        _ => {}
    }
}

#[test]
fn the_2016_and_2020_scenarios_differ_only_in_the_sharing_regime() {
    let load = |year: &str| {
        let path = format!("{}/scenarios/research/sharing_{year}.ron", env!("CARGO_MANIFEST_DIR"));
        let source = std::fs::read_to_string(&path).unwrap();
        let s = ttx_engine::Scenario::parse(&path, &source).unwrap_or_else(|d| panic!("{d}"));
        ttx::batch::sweep::tree(s.spec()).unwrap()
    };
    let mut diff = Vec::new();
    differences(&load("2016"), &load("2020"), "", &mut diff);
    let regime = [
        "name",
        "description",
        "objectives.0",
        "posture.by_kind.VoterRegistration.monitoring",
        "posture.overrides",
        "sharing.isac_membership",
        "sharing.channels.fbi_to_victim.",
        "sharing.channels.dhs_to_isac.",
        "sharing.channels.public_advisory.",
        "posture.by_kind.OfficeIt.monitoring",
        "doctrines.eiisac.relay_h",
        "doctrines.state.relay",
        "doctrines.federal.fbi_notify_state",
        "doctrines.federal.public_attribution_h",
    ];
    let outside: Vec<&String> =
        diff.iter().filter(|p| !regime.iter().any(|r| *p == r || p.starts_with(r))).collect();
    assert!(outside.is_empty(), "the twins differ outside the sharing regime: {outside:?}");
    for must in ["sharing.isac_membership", "doctrines.eiisac.relay_h", "doctrines.federal.fbi_notify_state"]
    {
        assert!(diff.iter().any(|p| p == must), "{must} should differ: {diff:?}");
    }
}

#[test]
fn summary_intervals_stay_within_the_values_the_runs_took() {
    let d = scratch("intervals");
    succeeds(&["batch", "county_ransomware", "--runs", "8", "--seed", "3", "--out", s(&d)]);
    let runs = std::fs::read_to_string(d.join("runs.csv")).unwrap();
    let mut lines = runs.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let summary = std::fs::read_to_string(d.join("summary.csv")).unwrap();
    let mut checked = 0;
    for line in summary.lines().skip(1) {
        // point,metric,n,mean,sd,ci95_low,ci95_high,p5,p50,p95
        let c: Vec<&str> = line.split(',').collect();
        let (metric, lo, hi) = (c[1], c[5], c[6]);
        if lo.is_empty() {
            continue;
        }
        let (lo, hi): (f64, f64) = (lo.parse().unwrap(), hi.parse().unwrap());
        let col = header.iter().position(|h| *h == metric).unwrap();
        let values: Vec<f64> = rows.iter().filter_map(|r| r[col].parse().ok()).collect();
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert!(lo >= 0.0, "{metric}: [{lo}, {hi}] goes below zero");
        assert!(lo <= hi, "{metric}: [{lo}, {hi}]");
        if metric == "attribution_correct" || metric == "eo_deadlines_met" {
            assert!(hi <= 1.0, "{metric}: a proportion's interval [{lo}, {hi}] within 0 and 1");
        } else {
            assert!(
                min <= lo && hi <= max,
                "{metric}: [{lo}, {hi}] outside the values' range [{min}, {max}]"
            );
        }
        checked += 1;
    }
    assert!(checked > 10, "only {checked} intervals");
}

/// The number a runs.csv column holds, read from a `ttx run --json` object: a top-level number
/// or true/false (as 1 or 0), or a count of `messages_by_channel`; None for no value.
fn json_metric(m: &serde_json::Value, name: &str) -> Option<f64> {
    let v = match name.strip_prefix("messages_") {
        Some(channel) => &m["messages_by_channel"][channel],
        None => &m[name],
    };
    match v {
        serde_json::Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::Null if m.get(name).is_some() => None,
        other => panic!("{name}: no such metric in the JSON ({other})"),
    }
}

/// Asserts that a `ttx run --json` object holds exactly the metrics of a runs.csv row.
fn assert_row_metrics(m: &serde_json::Value, header: &[&str], row: &[&str], first_metric: usize, what: &str) {
    assert_eq!(header.len(), row.len());
    for (name, cell) in header.iter().zip(row).skip(first_metric) {
        let csv = if cell.is_empty() { None } else { Some(cell.parse::<f64>().unwrap()) };
        assert_eq!(json_metric(m, name), csv, "{what}: {name}");
    }
    assert!(header.len() - first_metric >= 40, "only {} metrics", header.len() - first_metric);
}

#[test]
fn row_prints_the_ttx_run_command_that_reproduces_it() {
    let d = scratch("row");
    let out = s(&d);
    let args = [
        "batch",
        "tabletop_the_vote",
        "--runs",
        "2",
        "--seed",
        "11",
        "--sweep",
        "sharing.channels.isac_to_members.scale=0.5,2",
        "--sweep",
        "sharing.isac_membership=0.2:0.8:0.3",
        "--out",
        out,
    ];
    succeeds(&args);
    let runs = std::fs::read_to_string(d.join("runs.csv")).unwrap();
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = runs.lines().skip(1).map(|l| l.split(',').collect()).collect();
    // The range swept 0.2, 0.5 and 0.8; the scale 0.5 and 2.
    assert_eq!(rows.len(), 12);
    let points: Vec<(&str, &str)> = rows.iter().step_by(2).map(|r| (r[3], r[4])).collect();
    assert_eq!(
        points,
        [("0.5", "0.2"), ("0.5", "0.5"), ("0.5", "0.8"), ("2", "0.2"), ("2", "0.5"), ("2", "0.8")]
    );

    for n in [0usize, 7, 11] {
        let from_dir = succeeds(&["batch", "--out", out, "--row", &n.to_string()]);
        let from_args = succeeds(&[&args[..], &["--row", &n.to_string()]].concat());
        let command = String::from_utf8(from_dir.stdout).unwrap();
        assert_eq!(command, String::from_utf8(from_args.stdout).unwrap());
        let row = &rows[n];
        assert_eq!(
            command.trim(),
            format!(
                "ttx run tabletop_the_vote --seed {} --set sharing.channels.isac_to_members.scale={} --set sharing.isac_membership={}",
                row[2], row[3], row[4]
            )
        );
        let words: Vec<&str> = command.split_whitespace().skip(1).collect();
        let o = succeeds(&[&words[..], &["--json"]].concat());
        let m: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_row_metrics(&m, &header, row, 5, &format!("row {n}"));
    }
    // The scale changed the runs: the same run at the two scales differs.
    assert_ne!(rows[1][5..], rows[7][5..]);

    let e = bad(&["batch", "--out", out, "--row", "12"]);
    assert!(e.contains("--row 12: runs.csv has rows 0 to 11"), "{e}");
    let e = bad(&["batch", "tabletop_the_vote", "--runs", "2", "--seed", "12", "--out", out, "--row", "0"]);
    assert!(e.contains("different arguments"), "{e}");
    let e = bad(&["batch", "--out", s(&d.join("none")), "--row", "0"]);
    assert!(e.contains("holds no batch") && e.contains("give the batch's own arguments"), "{e}");
    // With the batch's arguments, --row needs no directory, and runs nothing.
    let o =
        succeeds(&["batch", "tabletop_the_vote", "--runs", "3", "--out", s(&d.join("unrun")), "--row", "2"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("ttx run tabletop_the_vote --seed "));
    assert!(!d.join("unrun").exists());

    // A shard's directory counts its own rows: shard 1/3 holds rows 1, 4, 7 and 10.
    let shard = d.join("shard1");
    succeeds(&[&args[..args.len() - 1], &[s(&shard), "--shard", "1/3"]].concat());
    let row_of = |dir: &Path, n: &str| {
        String::from_utf8(succeeds(&["batch", "--out", s(dir), "--row", n]).stdout).unwrap()
    };
    assert_eq!(row_of(&shard, "2"), row_of(&d, "7"));
    let e = bad(&["batch", "--out", s(&shard), "--row", "4"]);
    assert!(e.contains("--row 4: runs.csv has rows 0 to 3"), "{e}");
    let e = bad(&[&args[..args.len() - 1], &[s(&shard), "--row", "0"]].concat());
    assert!(e.contains("holds shard 1/3, not a whole") && e.contains("--row N"), "{e}");

    // A stopped batch's runs.csv holds its rows in the order they finished: --row reads the
    // row that is there, and says the batch is not complete when asked past its end.
    let cut = d.join("cut");
    std::fs::create_dir_all(&cut).unwrap();
    std::fs::copy(d.join("manifest.json"), cut.join("manifest.json")).unwrap();
    let lines: Vec<&str> = runs.lines().collect();
    let mut kept: Vec<&str> = lines[1..10].to_vec();
    kept.reverse();
    std::fs::write(cut.join("runs.csv"), format!("{}\n{}\n", lines[0], kept.join("\n"))).unwrap();
    assert_eq!(row_of(&cut, "0"), row_of(&d, "8"));
    assert_eq!(row_of(&cut, "8"), row_of(&d, "0"));
    let e = bad(&["batch", "--out", s(&cut), "--row", "9"]);
    assert!(
        e.contains("--row 9: runs.csv has rows 0 to 8")
            && e.contains("not complete: 9 of its 12 runs")
            && e.contains("--resume"),
        "{e}"
    );
}

#[test]
fn row_refuses_a_scenario_file_changed_since_the_batch() {
    let d = scratch("row-changed");
    let file = d.join("county.ron");
    let text =
        std::fs::read_to_string(crate::harness::root().join("scenarios/county_ransomware.ron")).unwrap();
    std::fs::write(&file, &text).unwrap();
    let out = d.join("out");
    succeeds(&[
        "batch",
        s(&file),
        "--runs",
        "2",
        "--sweep",
        "sharing.isac_membership=0.2,0.4",
        "--out",
        s(&out),
    ]);
    let command = String::from_utf8(succeeds(&["batch", "--out", s(&out), "--row", "3"]).stdout).unwrap();
    assert!(command.contains(" --set sharing.isac_membership=0.4"), "{command}");
    // Comments and layout do not change the scenario's content hash.
    std::fs::write(&file, format!("// a comment\n{text}")).unwrap();
    succeeds(&["batch", "--out", s(&out), "--row", "3"]);
    std::fs::write(&file, text.replacen("isac_membership: 0.6", "isac_membership: 0.7", 1)).unwrap();
    let e = bad(&["batch", "--out", s(&out), "--row", "3"]);
    assert!(e.contains("has changed since the batch was run"), "{e}");
}

#[test]
fn run_set_changes_one_run_and_its_journal_replays_alone() {
    let d = scratch("set");
    let journal = d.join("set.jsonl");
    let set = ["--set", "sharing.channels.isac_to_members.scale=5", "--set", "sharing.isac_membership=0.9"];
    let plain = succeeds(&["run", "sharing_2020", "--seed", "3", "--json"]);
    let o = succeeds(
        &[&["run", "sharing_2020", "--seed", "3", "--json", "--journal", s(&journal)][..], &set].concat(),
    );
    let with: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let without: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert_ne!(with["alert_reach_h_p50"], without["alert_reach_h_p50"]);
    // The journal holds the changed scenario, so it replays and verifies without the settings.
    let r = succeeds(&["replay", "--verify", s(&journal)]);
    assert!(String::from_utf8_lossy(&r.stdout).contains("verified"));
    let r = succeeds(&["replay", s(&journal), "--json"]);
    let replayed: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(replayed["alert_reach_h_p50"], with["alert_reach_h_p50"]);
    assert_eq!(replayed["warned_before_targeted"], with["warned_before_targeted"]);

    let text = succeeds(&[&["run", "sharing_2020", "--seed", "3"][..], &set].concat());
    assert!(
        String::from_utf8_lossy(&text.stdout)
            .starts_with("With --set sharing.channels.isac_to_members.scale=5")
    );

    for (arg, says) in [
        ("sharing.isac_membrship=0.5", "nearest valid paths:\n  sharing.isac_membership"),
        ("sharing.isac_membership=0.2,0.9", "one value per --set"),
        ("sharing.isac_membership=high", "`high` is not a number"),
        ("sharing.channels.isac_to_members.median_h=20", "min_h <= median_h <= p90_h <= max_h"),
        ("sharing.channels.isac_to_members.scale=-1", "above 0"),
        ("sharing", "--set `sharing`: write PATH=VALUE"),
        ("sharing.channels.isac_to_members.median_h=20", "--set sharing.channels.isac_to_members.scale=2"),
        ("sharing.isac_membership=0.1:0.9:0.2", "--set takes one value, not a range"),
        ("sharing.channels.isac_to_members.scale=0", "above 0"),
        ("sharing.channels.isac_to_members.scale=fast", "`fast` is not a number"),
        ("sharing.channels=2", "`sharing.channels` is"),
    ] {
        let e = bad(&["run", "--set", arg, "--journal", s(&d.join("bad.jsonl"))]);
        assert!(e.contains(says), "{arg}: {e}");
    }
    for (args, says) in [
        (
            ["sharing.channels.isac_to_members.scale=2", "sharing.channels.isac_to_members.max_h=30"],
            "either the scale or the quantiles",
        ),
        (["sharing.isac_membership=0.2", "sharing.isac_membership=0.3"], "the same parameter is set twice"),
    ] {
        let e = bad(&["run", "--set", args[0], "--set", args[1], "--journal", s(&d.join("bad.jsonl"))]);
        assert!(e.contains(says), "{args:?}: {e}");
    }
    assert!(!d.join("bad.jsonl").exists());
}

#[test]
fn a_range_is_the_batch_of_the_values_it_steps_through() {
    let d = scratch("range");
    let (ranged, listed) = (d.join("ranged"), d.join("listed"));
    let base = ["batch", "tabletop_the_vote", "--runs", "1", "--seed", "4", "--out"];
    succeeds(
        &[
            &base[..],
            &[
                s(&ranged),
                "--sweep",
                "sharing.isac_membership=0.1:0.3:0.1",
                "--sweep",
                "sharing.tearline_h=1:10:4,48",
            ],
        ]
        .concat(),
    );
    succeeds(
        &[
            &base[..],
            &[
                s(&listed),
                "--sweep",
                "sharing.isac_membership=0.1,0.2,0.3",
                "--sweep",
                "sharing.tearline_h=1,5,9,48",
            ],
        ]
        .concat(),
    );
    // Exact decimal steps: 0.3, not 0.30000000000000004; 10 is not on a step from 1 by 4.
    let runs = std::fs::read_to_string(ranged.join("runs.csv")).unwrap();
    let points: Vec<String> =
        runs.lines().skip(1).map(|l| l.split(',').skip(3).take(2).collect::<Vec<_>>().join(" ")).collect();
    assert_eq!(points.len(), 12);
    assert_eq!(points[..5], ["0.1 1", "0.1 5", "0.1 9", "0.1 48", "0.2 1"]);
    assert_eq!(points[11], "0.3 48");
    // The same files byte for byte as the values listed one by one.
    assert_eq!(tree(&ranged), tree(&listed));
}

#[test]
fn runs_csv_holds_every_share_at_full_precision_so_pooled_proportions_recompute() {
    let d = scratch("precision");
    succeeds(&[
        "batch",
        "sharing_2020",
        "--runs",
        "6",
        "--sweep",
        "sharing.isac_membership=0.3,0.7",
        "--out",
        s(&d),
    ]);
    let text = std::fs::read_to_string(d.join("runs.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (share, warned, targeted) =
        (col("warned_before_targeted"), col("warned_jurisdictions"), col("targeted_jurisdictions"));
    // Per point: (warned, targeted, sum of share × targeted).
    let mut pooled: BTreeMap<&str, (u64, u64, f64)> = BTreeMap::new();
    let mut inexact_in_4_decimals = 0;
    for line in text.lines().skip(1) {
        let r: Vec<&str> = line.split(',').collect();
        let (w, t): (u64, u64) = (r[warned].parse().unwrap(), r[targeted].parse().unwrap());
        let p = pooled.entry(r[col("sharing.isac_membership")]).or_default();
        // Each run's share is exactly its two counts' quotient, not a rounding of it.
        if t == 0 {
            assert_eq!(r[share], "", "{line}");
        } else {
            let x: f64 = r[share].parse().unwrap();
            assert_eq!(x.to_bits(), (w as f64 / t as f64).to_bits(), "{line}");
            inexact_in_4_decimals += usize::from(((x * 1e4).round() / 1e4) != x);
            p.2 += x * t as f64;
        }
        p.0 += w;
        p.1 += t;
    }
    assert!(inexact_in_4_decimals > 0, "no share needed more than 4 decimals: the check proves nothing");
    // The pooled proportion (all warned over all targeted) at each point recomputes from runs.csv
    // both from the counts and from the shares weighted by their denominators.
    assert_eq!(pooled.len(), 2);
    for (point, (w, t, weighted)) in &pooled {
        assert!(*t > 0, "{point}");
        let from_counts = *w as f64 / *t as f64;
        let from_shares = weighted / *t as f64;
        assert!((from_counts - from_shares).abs() < 1e-12, "{point}: {from_counts} vs {from_shares}");
    }
}

#[test]
fn swept_values_read_back_from_the_manifest_exactly() {
    // 2/21 in shortest form: a JSON reader that is not correctly rounded reads it one unit off.
    let d = scratch("manifest-floats");
    let value = "0.09523809523809523";
    let args = [
        "batch",
        "tabletop_the_vote",
        "--runs",
        "1",
        "--sweep",
        "sharing.isac_membership=0.09523809523809523",
        "--out",
        s(&d),
    ];
    succeeds(&args);
    let command = String::from_utf8(succeeds(&["batch", "--out", s(&d), "--row", "0"]).stdout).unwrap();
    assert!(command.trim_end().ends_with(&format!("--set sharing.isac_membership={value}")), "{command}");
    let out = ok(&[&args[..], &["--resume"]].concat());
    assert!(out.contains("0 runs in"), "{out}");
}

#[test]
fn a_scripted_policy_applies_in_every_run_whatever_the_threads() {
    let d = scratch("policy");
    let policy = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policies/share_within_2h.ron");
    let (a, b) = (d.join("a"), d.join("b"));
    let args = ["batch", "tabletop_the_vote", "--runs", "6", "--sweep", "sharing.isac_membership=0.2,0.9"];
    let with = |out: &Path, jobs: &str| {
        let mut v: Vec<&str> = args.to_vec();
        v.extend(["--commands", policy, "--jobs", jobs, "--out", s(out)]);
        succeeds(&v);
    };
    with(&a, "1");
    with(&b, "3");
    assert_same_files(&a, &b);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["commands"]["file"], policy);
    assert!(manifest["commands"]["text"].as_str().unwrap().contains("within_h: 2"));
    // The policy changes the runs.
    let plain = d.join("plain");
    let mut v: Vec<&str> = args.to_vec();
    v.extend(["--out", s(&plain)]);
    succeeds(&v);
    assert_ne!(std::fs::read(a.join("runs.csv")).unwrap(), std::fs::read(plain.join("runs.csv")).unwrap());
    // Points are compared run by run.
    let diffs = std::fs::read_to_string(a.join("differences.csv")).unwrap();
    assert!(diffs.starts_with("point,sharing.isac_membership,metric,baseline,n,mean_diff,sd_diff,ci95_low,ci95_high,p_value,p_holm\n"));
    // A row reproduces with ttx run and the same policy.
    let o = succeeds(&["batch", "--out", s(&a), "--row", "7"]);
    let cmd = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(cmd.contains(&format!("--commands {policy}")), "{cmd}");
    // Another policy is another batch.
    let other = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policies/share_within_48h.ron");
    let mut v: Vec<&str> = args.to_vec();
    v.extend(["--commands", other, "--out", s(&a), "--resume"]);
    let err = bad(&v);
    assert!(err.contains("arguments"), "{err}");
}

#[test]
fn a_bad_policy_file_is_refused_with_its_place() {
    let d = scratch("bad-policy");
    let f = d.join("p.ron");
    std::fs::write(&f, "(\n  staff: [\"pa\"],\n  rules: [Share(teams: [\"pa\"], within_h: \"soon\")],\n)\n")
        .unwrap();
    let err =
        bad(&["batch", "tabletop_the_vote", "--runs", "2", "--commands", s(&f), "--out", s(&d.join("o"))]);
    assert!(err.starts_with(&format!("{}:3:", f.display())), "{err}");
    let err = bad(&["run", "--commands", s(&f)]);
    assert!(err.contains(":3:"), "{err}");
    assert!(!d.join("o").exists());
}

#[test]
fn resume_grows_a_batch_to_the_bytes_of_the_larger_one() {
    let d = scratch("grow");
    let (small, big) = (d.join("small"), d.join("big"));
    let base = ["batch", "tabletop_the_vote", "--seed", "4"];
    let with = |runs: &str, a: &str, b: &str, out: &Path, resume: bool| {
        let mut v: Vec<&str> = base.to_vec();
        v.extend(["--runs", runs, "--sweep", a, "--sweep", b, "--out", s(out), "--jobs", "2"]);
        if resume {
            v.push("--resume");
        }
        v.iter().map(|x| x.to_string()).collect::<Vec<String>>()
    };
    let call = |v: Vec<String>| run(&v.iter().map(String::as_str).collect::<Vec<_>>());
    let a = "sharing.isac_membership=0.2,0.9";
    let b = "sharing.tearline_h=24,96";
    assert!(call(with("3", a, b, &small, false)).status.success());
    // More runs, a value added to the first sweep and one put first in the second: every
    // kept row moves to its new point number unchanged.
    let (a2, b2) = ("sharing.isac_membership=0.2,0.9,0.5", "sharing.tearline_h=1,24,96");
    let o = call(with("5", a2, b2, &small, true));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("growing the batch"));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("33 runs in"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(call(with("5", a2, b2, &big, false)).status.success());
    assert_same_files(&small, &big);
    // Fewer runs or a value dropped would lose rows: refused, naming what changed.
    let o = call(with("4", a2, b2, &small, true));
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(e.contains("runs was 5, now 4"), "{e}");
    let o = call(with("5", "sharing.isac_membership=0.2,0.9", b2, &small, true));
    let e = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(e.contains("sweep sharing.isac_membership had the value 0.5"), "{e}");
}
