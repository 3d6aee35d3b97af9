//! Hostile input files: deep nesting, thousands of problems, huge names and
//! huge sweep grids are bad input (exit 2) with a short, clear message.

use std::path::Path;

use crate::harness::*;

/// The shipped scenario `rel` with `from` replaced by `to` (which must occur).
fn edited(rel: &str, from: &str, to: &str) -> String {
    let src = std::fs::read_to_string(path(rel)).unwrap();
    assert!(src.contains(from), "{rel} has `{from}`");
    src.replacen(from, to, 1)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn deep_nesting_is_bad_input_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let deep = write(dir.path(), "deep.ron", &"[".repeat(200_000));
    let out = dir.path().join("out").display().to_string();
    let runs: [&[&str]; 6] = [
        &["validate", &deep],
        &["run", &deep],
        &["msel", &deep],
        &["batch", &deep, "--runs", "1", "--out", &out],
        &["serve", &deep, "--headless"],
        &["play", &deep],
    ];
    for args in runs {
        let o = ttx(args);
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert!(err.contains(&format!("{deep}:1:65: error: nesting deeper than 64")), "{args:?}: {err}");
        assert!(err.len() < 2_000, "{args:?}: a short message, got {} bytes", err.len());
    }
}

#[test]
fn deep_nesting_in_a_journal_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    // A journal whose embedded scenario is 200,000 `[`.
    let header = serde_json::json!({
        "type": "header", "format": 1, "ttx_version": "0.1.0", "mode": "run", "scenario": "deep.ron",
        "scenario_name": "deep", "scenario_hash": "0", "seed": 1, "scenario_source": "[".repeat(200_000),
    });
    let embedded = write(dir.path(), "embedded.jsonl", &format!("{header}\n"));
    let html = dir.path().join("r.html").display().to_string();
    for args in [
        &["replay", &embedded][..],
        &["replay", "--verify", &embedded],
        &["report", &embedded, "--out", &html],
    ] {
        let o = ttx(args);
        assert_exit(&o, 2);
        assert!(
            stderr(&o).contains("deep.ron:1:65: error: nesting deeper than 64"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // A journal line that nests deeply itself.
    let line = write(
        dir.path(),
        "line.jsonl",
        &format!("{header}\n{{\"type\": \"note\", \"text\": {}\n", "[".repeat(200_000)),
    );
    for args in [&["replay", &line][..], &["report", &line, "--out", &html]] {
        let o = ttx(args);
        assert_exit(&o, 2);
        let expected = format!("{line}:2:{}: nesting deeper than 64", 26 + 63);
        assert!(stderr(&o).contains(&expected), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn thousands_of_problems_on_one_line_give_a_bounded_report() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "unknown.ron", &format!("Scenario({})\n", "x: 1, ".repeat(20_000)));
    let o = ttx(&["validate", &f]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    // 50 problems shown, each with a bounded excerpt of the 120,000-character line.
    assert!(err.len() < 60_000, "{} bytes of diagnostics", err.len());
    assert_eq!(err.matches(": error: ").count(), 50);
    assert!(
        err.contains(&format!("... and 19953 more problems in {f} (only the first 50 are shown)")),
        "{err}"
    );
    assert!(err.contains("20003 problems in 1 of 1 file"), "{err}");
}

#[test]
fn thousands_of_duplicate_states_are_counted_not_all_printed() {
    let dir = tempfile::tempdir().unwrap();
    let dup = format!(r#"states: Only(["PA", "GA", "WI", {}]),"#, "\"IL\", ".repeat(10_000));
    let f = write(
        dir.path(),
        "dup.ron",
        &edited("scenarios/tabletop_the_vote.ron", r#"states: Only(["PA", "GA", "WI"]),"#, &dup),
    );
    let o = ttx(&["validate", &f]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.len() < 60_000, "{} bytes of diagnostics", err.len());
    assert!(err.contains("state `IL` is listed twice"), "{err}");
    assert!(err.contains("... and 9949 more problems"), "{err}");
    assert!(err.contains("9999 problems in 1 of 1 file"), "{err}");
}

#[test]
fn a_huge_unknown_id_gets_a_short_message_and_no_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "x".repeat(100_000);
    let f = write(
        dir.path(),
        "national.ron",
        &edited(
            "scenarios/national.ron",
            r#"jurisdictions: ["AZ", "GA", "MI", "NV", "PA", "WI"], count: 6)"#,
            &format!(r#"jurisdictions: ["{huge}"], count: 6)"#),
        ),
    );
    let o = ttx(&["validate", &f]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("error: unknown jurisdiction `xxxx"), "{err}");
    assert!(!err.contains("did you mean"), "{err}");
    assert!(err.len() < 4_000, "{} bytes of diagnostics", err.len());
}

#[test]
fn a_sweep_grid_over_the_limit_is_refused_before_it_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out").display().to_string();
    let values = (0..1_000).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let sweeps: Vec<String> =
        ["sharing.tearline_h", "sharing.channels.isac_to_members.median_h", "doctrines.eiisac.relay_h"]
            .iter()
            .map(|p| format!("{p}={values}"))
            .collect();
    let mut args = vec!["batch", "tabletop_the_vote", "--runs", "1", "--out", &out];
    for s in &sweeps {
        args.extend(["--sweep", s.as_str()]);
    }
    let o = ttx(&args);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("a grid of 1000000000 points (1000 × 1000 × 1000 values)"), "{err}");
    assert!(err.contains("at most 10000 sweep points"), "{err}");
    assert!(!Path::new(&out).exists(), "nothing is written");
    // Runs are bounded in all, too.
    let o = ttx(&["batch", "tabletop_the_vote", "--runs", "4000000000", "--out", &out]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("makes 4000000000 runs; a batch has at most 1000000"), "{}", stderr(&o));
}
