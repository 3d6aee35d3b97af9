//! Every shipped scenario validates and runs to its end through the binary.

use crate::harness::*;

#[test]
fn every_shipped_scenario_validates() {
    let files = shipped();
    assert!(files.len() >= 4, "expected the shipped scenarios, found {files:?}");
    let mut args = vec!["validate"];
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    let o = ttx(&args);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o).matches("ok: ").count(), files.len(), "{}", stdout(&o));
}

#[test]
fn every_shipped_scenario_runs_to_its_end() {
    for p in shipped() {
        let sc = scenario(&p);
        let o = ttx(&["run", &p.display().to_string(), "--seed", "3", "--json"]);
        assert_exit(&o, 0);
        let m: serde_json::Value =
            serde_json::from_str(&stdout(&o)).expect("run --json prints one JSON object");
        assert_eq!(
            m["tick"].as_u64(),
            Some(u64::from(sc.registry().clock.ticks())),
            "{} ran to its end",
            p.display()
        );
        assert!(
            m["intrusions_attempted"].as_u64().unwrap_or(0) > 0,
            "{}: the adversary did something",
            p.display()
        );
    }
}

#[test]
fn the_default_scenario_runs_with_no_file_and_is_listed() {
    let o = ttx(&["run", "--seed", "5"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("Tabletop the Vote"), "{}", stdout(&o));
    assert!(stdout(&o).contains("warned before targeted"));
    let o = ttx(&["scenarios"]);
    assert_exit(&o, 0);
    for name in ["tabletop_the_vote", "national", "county_ransomware", "vendor_supply_chain"] {
        assert!(stdout(&o).contains(name), "{name} listed");
    }
}

#[test]
fn run_until_stops_at_the_given_time() {
    let o = ttx(&["run", "--until", "E+1d 06:00", "--json"]);
    assert_exit(&o, 0);
    let m: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(m["time"], "E+1d 07:00", "the clock stands just after the given hour");
    let o = ttx(&["run", "--until", "E+200d"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("outside the scenario's clock"), "{}", stderr(&o));
    let o = ttx(&["run", "--until", "tomorrow"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("bad time"), "{}", stderr(&o));
}

#[test]
fn missing_files_and_bad_flags_are_bad_input() {
    let o = ttx(&["run", "no/such/file.ron"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("cannot read scenario"), "{}", stderr(&o));
    let o = ttx(&["run", "--seed", "minus-one"]);
    assert_exit(&o, 2);
    let o = ttx(&["replay", "no/such/journal.jsonl"]);
    assert_exit(&o, 2);
}

#[test]
fn the_example_in_the_scenario_docs_validates_and_runs() {
    let doc = std::fs::read_to_string(path("docs/scenarios.md")).unwrap();
    let start = doc.find("```ron\n").expect("docs/scenarios.md has a RON example") + "```ron\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("example.ron");
    std::fs::write(&f, &doc[start..end]).unwrap();
    let fs = f.display().to_string();
    assert_exit(&ttx(&["validate", &fs]), 0);
    assert_exit(&ttx(&["run", &fs, "--json"]), 0);
}
