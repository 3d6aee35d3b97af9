//! Research outputs and designs through the real binary: series and per-entity files,
//! sampling designs, joint and text sweeps, and `ttx sensitivity`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::harness::{bad, ok};

/// A fresh, empty temporary directory for one test, removed when the test ends.
fn scratch(name: &str) -> crate::harness::Named {
    crate::harness::named_scratch(&format!("research-{name}"))
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            out.insert(p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read(&p).unwrap());
        }
    }
    out
}

fn assert_same_files(a: &Path, b: &Path) {
    // invocation.json holds the command line as typed, the threads and the time taken: not
    // results, and a merge writes none.
    let (mut ta, mut tb) = (tree(a), tree(b));
    ta.remove("invocation.json");
    tb.remove("invocation.json");
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>(), "file lists differ");
    for (name, bytes) in &ta {
        assert!(bytes == &tb[name], "{name} differs between {} and {}", a.display(), b.display());
    }
}

/// Runs a batch (its arguments but `--jobs` and `--out`) with one worker and with two, in
/// `one` and `two` under `d`; both write the same files. The one worker's folder.
fn same_with_one_and_two_jobs(d: &Path, common: &[&str]) -> PathBuf {
    let (one, two) = (d.join("one"), d.join("two"));
    ok(&[common, &["--jobs", "1", "--out", s(&one)]].concat());
    ok(&[common, &["--jobs", "2", "--out", s(&two)]].concat());
    assert_same_files(&one, &two);
    one
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rd = csv::Reader::from_path(path).unwrap();
    let h = rd.headers().unwrap().iter().map(str::to_string).collect();
    let rows = rd.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    (h, rows)
}

fn col(h: &[String], name: &str) -> usize {
    h.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name} in {h:?}"))
}

#[test]
fn series_and_entities_are_the_same_bytes_whatever_the_threads_shards_or_stops() {
    let d = scratch("detail");
    let common = [
        "batch",
        "tabletop_the_vote",
        "--runs",
        "3",
        "--sweep",
        "sharing.isac_membership=0.2,0.8",
        "--series",
        "daily",
        "--entities",
    ];
    let one = same_with_one_and_two_jobs(&d, &common);
    for f in ["series.csv", "campaigns.csv", "jurisdictions.csv"] {
        assert!(one.join(f).exists(), "{f}");
    }
    // Shards, merged.
    let mut shards = Vec::new();
    for i in 0..2 {
        let dir = d.join(format!("shard{i}"));
        let spec = format!("{i}/2");
        ok(&[&common[..], &["--shard", &spec, "--jobs", "2", "--out", s(&dir)]].concat());
        shards.push(dir);
    }
    let merged = d.join("merged");
    ok(&["merge", s(&shards[0]), s(&shards[1]), "--out", s(&merged)]);
    assert_same_files(&one, &merged);
    // A batch cut short and resumed.
    let cut = d.join("cut");
    ok(&[&common[..], &["--jobs", "2", "--out", s(&cut)]].concat());
    let runs = std::fs::read_to_string(cut.join("runs.csv")).unwrap();
    let kept: Vec<&str> = runs.lines().take(3).collect();
    std::fs::write(cut.join("runs.csv"), kept.join("\n") + "\n").unwrap();
    for f in ["series.csv", "campaigns.csv", "jurisdictions.csv", "summary.csv", "summary.json"] {
        std::fs::remove_file(cut.join(f)).unwrap();
    }
    ok(&[&common[..], &["--jobs", "2", "--out", s(&cut), "--resume"]].concat());
    assert_same_files(&one, &cut);
}

#[test]
fn series_and_entities_agree_with_the_runs_metrics() {
    let d = scratch("agree");
    let out = d.join("b");
    ok(&["batch", "tabletop_the_vote", "--runs", "4", "--series", "daily", "--entities", "--out", s(&out)]);
    let (rh, runs) = csv(&out.join("runs.csv"));
    let (sh, series) = csv(&out.join("series.csv"));
    let (jh, juris) = csv(&out.join("jurisdictions.csv"));
    let (ch, camps) = csv(&out.join("campaigns.csv"));
    assert_eq!(&sh[..4], ["point", "run", "time_h", "time"]);
    for r in &runs {
        let run = &r[col(&rh, "run")];
        let mine: Vec<&Vec<String>> = series.iter().filter(|x| &x[1] == run).collect();
        assert!(mine.len() > 30, "a daily series of the whole clock");
        let last = mine.last().unwrap();
        for (m, at_end) in [
            ("intrusions_attempted", "intrusions_attempted"),
            ("voters_affected", "voters_affected"),
            ("warned_before_targeted", "warned_before_targeted"),
            ("confidence", "confidence_final"),
        ] {
            assert_eq!(last[col(&sh, m)], r[col(&rh, at_end)], "run {run}: {m} at the end of the series");
        }
        // Time runs forwards.
        let t: Vec<i64> = mine.iter().map(|x| x[2].parse().unwrap()).collect();
        assert!(t.windows(2).all(|w| w[0] < w[1]));
        let js: Vec<&Vec<String>> = juris.iter().filter(|x| &x[1] == run).collect();
        let targeted = js.iter().filter(|x| !x[col(&jh, "targeted_h")].is_empty()).count();
        let warned = js.iter().filter(|x| x[col(&jh, "warned_before_targeted")] == "1").count();
        assert_eq!(targeted.to_string(), r[col(&rh, "targeted_jurisdictions")], "run {run}");
        assert_eq!(warned.to_string(), r[col(&rh, "warned_jurisdictions")], "run {run}");
        let attempts: u64 = camps
            .iter()
            .filter(|x| &x[1] == run)
            .map(|x| x[col(&ch, "attempts")].parse::<u64>().unwrap())
            .sum();
        assert_eq!(attempts.to_string(), r[col(&rh, "intrusions_attempted")], "run {run}");
    }
    // Hourly: one line per simulated hour.
    let h = d.join("h");
    ok(&["batch", "tabletop_the_vote", "--runs", "1", "--series", "hourly", "--out", s(&h)]);
    let (_, hourly) = csv(&h.join("series.csv"));
    let t: Vec<i64> = hourly.iter().map(|x| x[2].parse().unwrap()).collect();
    assert!(t.windows(2).all(|w| w[1] == w[0] + 1), "every hour once");
    // ttx run --json carries the same as arrays.
    let o = ok(&["run", "tabletop_the_vote", "--seed", &runs[0][col(&rh, "seed")], "--json"]);
    let v: serde_json::Value = serde_json::from_str(&o).unwrap();
    let js = v["jurisdictions"].as_array().unwrap();
    assert_eq!(js.len(), juris.iter().filter(|x| x[1] == "0").count());
    assert_eq!(v["campaigns"].as_array().unwrap().len(), camps.iter().filter(|x| x[1] == "0").count());
    let ser = v["series"].as_array().unwrap();
    assert_eq!(ser.len(), series.iter().filter(|x| x[1] == "0").count());
    assert!(ser[0]["time_h"].is_i64() && ser[0]["time"].is_string());
    assert_eq!(
        v["intrusions_attempted"].as_u64().map(|x| x.to_string()),
        Some(runs[0][col(&rh, "intrusions_attempted")].clone())
    );
}

#[test]
fn designs_place_their_points_reproducibly_and_sensitivity_reads_them() {
    let d = scratch("design");
    let common = [
        "batch",
        "tabletop_the_vote",
        "--runs",
        "1",
        "--vary",
        "sharing.isac_membership=0.1:0.9",
        "--vary",
        "sharing.channels.isac_to_members.scale=0.5:4",
        "--vary",
        "adversaries.crimson.campaigns.office_phish.spacing_h=4:24",
        "--design",
        "sobol:16",
    ];
    let one = same_with_one_and_two_jobs(&d, &common);
    let (h, rows) = csv(&one.join("runs.csv"));
    assert_eq!(rows.len(), 16 * 5);
    assert_eq!(
        &h[3..6],
        [
            "sharing.isac_membership",
            "sharing.channels.isac_to_members.scale",
            "adversaries.crimson.campaigns.office_phish.spacing_h"
        ]
    );
    for r in &rows {
        let x: f64 = r[3].parse().unwrap();
        assert!((0.1..=0.9).contains(&x));
        let n: u64 = r[5].parse().expect("a whole number stays whole");
        assert!((4..=24).contains(&n));
    }
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["design"]["kind"], "sobol");
    assert_eq!(m["design"]["n"], 16);
    assert_eq!(m["points"], 80);
    // A row reproduces with ttx run.
    let o = ok(&["batch", "--out", s(&one), "--row", "7"]);
    let cmd = o.trim().to_string();
    assert!(cmd.contains("--set sharing.isac_membership="), "{cmd}");
    let args: Vec<String> = cmd.split(' ').skip(1).map(|a| a.trim_matches('\'').to_string()).collect();
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.push("--json");
    let o = ok(&args);
    let v: serde_json::Value = serde_json::from_str(&o).unwrap();
    assert_eq!(
        v["intrusions_attempted"].as_u64().unwrap().to_string(),
        rows[7][col(&h, "intrusions_attempted")]
    );

    // Sensitivity: files, the same bytes twice, and a table.
    let text = ok(&["sensitivity", s(&one), "--bootstrap", "50"]);
    assert!(text.contains("S1 [95% CI]") && text.contains("sharing.isac_membership"), "{text}");
    let first = std::fs::read(one.join("sensitivity.csv")).unwrap();
    ok(&["sensitivity", s(&one), "--bootstrap", "50"]);
    assert_eq!(first, std::fs::read(one.join("sensitivity.csv")).unwrap());
    let (sh, srows) = csv(&one.join("sensitivity.csv"));
    assert_eq!(sh, ["metric", "parameter", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]);
    assert!(srows.len() >= 3 && srows.len() % 3 == 0);
    let j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.join("sensitivity.json")).unwrap()).unwrap();
    assert_eq!(j["method"], "sobol");
    assert!(one.join("plots").read_dir().unwrap().count() > 0);

    // Morris and Latin hypercube.
    let mo = d.join("morris");
    ok(&[
        "batch",
        "tabletop_the_vote",
        "--runs",
        "1",
        "--vary",
        "sharing.isac_membership=0.1:0.9",
        "--vary",
        "sharing.tearline_h=1:96",
        "--design",
        "morris:4",
        "--out",
        s(&mo),
    ]);
    assert_eq!(csv(&mo.join("runs.csv")).1.len(), 4 * 3);
    let o = ok(&["sensitivity", s(&mo), "--bootstrap", "50", "--plots", "png,pdf"]);
    assert!(o.contains("mu* [95% CI]"));
    // The charts in the formats asked for, and only those.
    let png = std::fs::read(mo.join("plots/sensitivity_warned_before_targeted.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let pdf = std::fs::read(mo.join("plots/sensitivity_warned_before_targeted.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.4") && pdf.ends_with(b"%%EOF\n"));
    assert!(!mo.join("plots/sensitivity_warned_before_targeted.svg").exists());
    let lhs = d.join("lhs");
    ok(&[
        "batch",
        "tabletop_the_vote",
        "--runs",
        "2",
        "--vary",
        "sharing.isac_membership=0.1:0.9",
        "--design",
        "lhs:5",
        "--out",
        s(&lhs),
    ]);
    assert_eq!(csv(&lhs.join("runs.csv")).1.len(), 10);
    let e = bad(&["sensitivity", s(&lhs)]);
    assert!(e.contains("--design sobol:512"), "{e}");
    let grid = d.join("grid");
    ok(&["batch", "tabletop_the_vote", "--runs", "1", "--out", s(&grid)]);
    let e = bad(&["sensitivity", s(&grid)]);
    assert!(e.contains("not made with a design") && e.contains("--design sobol:512"), "{e}");
    let e = bad(&["sensitivity", s(&d.join("nowhere"))]);
    assert!(e.contains("not a batch directory"), "{e}");
    let e = bad(&["sensitivity", s(&one), "--bootstrap", "3"]);
    assert!(e.contains("at least 10"), "{e}");
}

#[test]
fn bad_designs_and_ranges_exit_2_saying_what_to_write() {
    let d = scratch("bad");
    let out = d.join("x");
    let b = |extra: &[&str]| {
        bad(&[&["batch", "tabletop_the_vote", "--runs", "1", "--out", s(&out)][..], extra].concat())
    };
    for (args, says) in [
        (
            vec!["--vary", "sharing.isac_membership=0.1:0.9", "--design", "grid:10"],
            "there is no design `grid`",
        ),
        (
            vec!["--vary", "sharing.isac_membership=0.1:0.9", "--design", "sobol:4"],
            "write --design sobol:512",
        ),
        (
            vec!["--vary", "sharing.isac_membership=0.1:0.9", "--design", "morris:1"],
            "write --design morris:2",
        ),
        (vec!["--vary", "sharing.isac_membership=0.1:0.9", "--design", "lhs:1"], "write --design lhs:2"),
        (
            vec!["--vary", "sharing.isac_membership=0.9:0.1", "--design", "lhs:10"],
            "--vary sharing.isac_membership=0.1:0.9",
        ),
        (vec!["--vary", "sharing.isac_membership=0.1:0.5:0.1", "--design", "lhs:10"], "give no step"),
        (vec!["--vary", "sharing.isac_membership=low:0.5", "--design", "lhs:10"], "`low` is not a number"),
        (vec!["--vary", "sharing.isac_membrship=0.1:0.5", "--design", "lhs:10"], "nearest valid paths"),
        (vec!["--vary", "sharing.isac_membership=0.1:1.5", "--design", "lhs:10"], "not a probability"),
        (vec!["--vary", "sharing.isac_membership=0.1:0.5"], "add --design"),
        (vec!["--design", "sobol:512"], "--vary PATH=LO:HI"),
        (
            vec!["--vary", "sharing.isac_membership=0.1:0.5", "--design", "sobol:100000"],
            "write --design sobol:33333",
        ),
        (
            vec![
                "--vary",
                "sharing.isac_membership=0.1:0.5",
                "--sweep",
                "sharing.tearline_h=1,2",
                "--design",
                "lhs:4",
            ],
            "give each parameter as --vary",
        ),
        (vec!["--sweep", "sharing.tearline_h,sharing.isac_membership=1,0.2|2"], "give 2 values in each set"),
        (
            vec!["--sweep", "sharing.tearline_h,sharing.isac_membership=1:3:1,0.2"],
            "ranges LO:HI:STEP are for one path",
        ),
        (vec!["--sweep", "sharing.tearline_h,sharing.isac_membership=1,0.2|1,0.2"], "given twice"),
        (vec!["--series", "weekly"], "possible values: daily, hourly"),
    ] {
        let e = b(&args);
        assert!(e.contains(says), "{args:?}: {e}");
        assert!(!out.join("manifest.json").exists(), "{args:?} wrote a batch");
    }
}

#[test]
fn sweeps_vary_parameters_together_and_take_text_values() {
    let d = scratch("joint");
    let out = d.join("j");
    ok(&[
        "batch",
        "tabletop_the_vote",
        "--runs",
        "1",
        "--sweep",
        "sharing.tearline_h,sharing.isac_membership=24,0.2|72,0.9",
        "--sweep",
        "posture.by_kind.VoterRegistration.monitoring=Basic,NetworkSensor",
        "--out",
        s(&out),
    ]);
    let (h, rows) = csv(&out.join("runs.csv"));
    assert_eq!(
        &h[3..6],
        ["sharing.tearline_h", "sharing.isac_membership", "posture.by_kind.VoterRegistration.monitoring"]
    );
    let pts: Vec<Vec<&str>> =
        rows.iter().map(|r| vec![r[3].as_str(), r[4].as_str(), r[5].as_str()]).collect();
    assert_eq!(
        pts,
        [
            ["24", "0.2", "Basic"],
            ["24", "0.2", "NetworkSensor"],
            ["72", "0.9", "Basic"],
            ["72", "0.9", "NetworkSensor"]
        ]
    );
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let args: Vec<&str> = m["arguments"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(args.contains(&"sharing.tearline_h,sharing.isac_membership=24,0.2|72,0.9"), "{args:?}");
    // Row 3 reproduces with ttx run: text values are --set as well.
    let cmd = ok(&["batch", "--out", s(&out), "--row", "3"]);
    assert!(cmd.contains("--set posture.by_kind.VoterRegistration.monitoring=NetworkSensor"), "{cmd}");
    // A variant the scenario does not know is refused with the ones it does.
    let e = bad(&[
        "batch",
        "tabletop_the_vote",
        "--runs",
        "1",
        "--sweep",
        "posture.by_kind.VoterRegistration.monitoring=Basic,Telepathy",
        "--out",
        s(&d.join("k")),
    ]);
    assert!(e.contains("Telepathy"), "{e}");
}
