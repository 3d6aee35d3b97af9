//! `ttx whatif`: forks of a played session measure what each decision changed.

use std::path::Path;

use ttx_engine::journal::{JournalWriter, Record};
use ttx_engine::{Command, Issuer, Sim, Statement, Tick, builtin};

use crate::harness::*;

/// Writes the journal of a session of the default scenario with these commands (as a
/// played session's journal records them), and returns the journal's path as text.
fn session(dir: &Path, seed: u64, plan: &[(u32, Issuer, Command)]) -> String {
    let sc = builtin::default_scenario().unwrap();
    let mut sim = Sim::new(&sc, seed);
    sim.checkpoint_commands(true);
    for (t, issuer, cmd) in plan {
        sim.submit_at(Tick(*t), issuer.clone(), cmd.clone()).unwrap();
    }
    sim.run_to_end();
    let mut w = JournalWriter::new(Vec::new());
    w.write(&Record::header(&sc, seed, "play")).unwrap();
    for r in sim.take_journal_records() {
        w.write(&r).unwrap();
    }
    w.write(&Record::End { tick: sim.now().0, hash: format!("{:016x}", sim.state_hash()) }).unwrap();
    let path = dir.join("session.jsonl");
    std::fs::write(&path, w.into_inner()).unwrap();
    path.display().to_string()
}

fn plan() -> Vec<(u32, Issuer, Command)> {
    vec![
        // Pennsylvania's team takes over from its doctrine and then does nothing: its state
        // office no longer relays warnings to its counties.
        (20, Issuer::Facilitator, Command::SetStaffed { team: "pa".into(), staffed: true }),
        (
            61,
            Issuer::Team("ga".into()),
            Command::PublicStatement { actor: "GA".into(), statement: Statement::Reassure },
        ),
        // At the clock's last hour nothing is left to change.
        (3592, Issuer::Facilitator, Command::SetStaffed { team: "wi".into(), staffed: true }),
    ]
}

/// The rows of whatif.csv for a decision (by a word of its description) and a metric.
fn row<'a>(csv: &'a str, decision: &str, metric: &str) -> Vec<&'a str> {
    csv.lines()
        .find(|l| l.contains(decision) && l.split(',').nth(7) == Some(metric))
        .unwrap_or_else(|| panic!("no row for {decision} / {metric} in\n{csv}"))
        .split(',')
        .collect()
}

fn number(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

#[test]
fn each_decision_gets_its_effect_zero_when_it_cannot_matter_and_the_right_sign_when_it_does() {
    let dir = tempfile::tempdir().unwrap();
    let j = session(dir.path(), 3, &plan());
    let out = dir.path().join("w");
    let o = ttx(&["whatif", &j, "--runs", "40", "--out", out.to_str().unwrap()]);
    assert_exit(&o, 0);
    let csv = std::fs::read_to_string(out.join("whatif.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(header[7], "metric");
    assert_eq!(header[9], "effect");

    // Nothing follows the last hour: every metric's effect is exactly zero.
    let last: Vec<&str> = csv.lines().filter(|l| l.contains("team wi staffed")).collect();
    assert!(!last.is_empty(), "{}", stdout(&ttx(&["whatif", &j, "--list"])));
    for l in last {
        let f: Vec<&str> = l.split(',').collect();
        assert!(f[9].is_empty() || number(f[9]) == 0.0, "a decision at the last hour changed {l}");
    }

    // Taking Pennsylvania's relays away warns fewer jurisdictions before they are targeted.
    let staffed = row(&csv, "team pa staffed", "warned_before_targeted");
    let (mean, hi) = (number(staffed[9]), number(staffed[11]));
    assert!(
        mean < 0.0 && hi < 0.0,
        "staffing PA without acting should lower warned_before_targeted: {staffed:?}"
    );
    assert_eq!(staffed[0], "1", "the largest effect ranks first");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("whatif.json")).unwrap()).unwrap();
    assert_eq!(json["alternatives"].as_array().unwrap().len(), 3);
    assert!(stdout(&o).contains("team pa staffed"), "{}", stdout(&o));

    // The after-action report gains the section, with its chart.
    let html = dir.path().join("aar.html");
    let o = ttx(&["report", &j, "--whatif", out.to_str().unwrap(), "--out", html.to_str().unwrap()]);
    assert_exit(&o, 0);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("What the decisions changed"), "no section");
    assert!(page.contains("Effect of each decision on warned_before_targeted"), "no chart");
    assert!(page.contains("team pa staffed"));

    // What-if results of another session are refused.
    let other = tempfile::tempdir().unwrap();
    let j2 = session(other.path(), 4, &plan()[..1]);
    let o = ttx(&["report", &j2, "--whatif", out.to_str().unwrap(), "--out", html.to_str().unwrap()]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("another session"), "{}", stderr(&o));
}

#[test]
fn whatif_is_the_same_bytes_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let j = session(dir.path(), 5, &plan()[..2]);
    let run = |jobs: &str, name: &str| {
        let out = dir.path().join(name);
        assert_exit(&ttx(&["whatif", &j, "--runs", "12", "--jobs", jobs, "--out", out.to_str().unwrap()]), 0);
        (std::fs::read(out.join("whatif.csv")).unwrap(), std::fs::read(out.join("whatif.json")).unwrap())
    };
    assert_eq!(run("1", "one"), run("2", "two"));
}

#[test]
fn one_removal_one_addition_and_the_doctrine_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let j = session(dir.path(), 3, &plan()[..2]);
    let o = ttx(&["whatif", &j, "--runs", "8", "--without", "ga reassure"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("GA: public statement (reassure)"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("team pa staffed"), "{}", stdout(&o));

    let add = r#"E-55d 09:00 pa {"type":"enforce_mfa","actor":"PA","asset":"PA/vr"}"#;
    let o = ttx(&["whatif", &j, "--runs", "8", "--add", add, "--metrics", "intrusions_succeeded"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("had pa also given at E-55d 09:00"), "{}", stdout(&o));

    // The same command in words.
    let o = ttx(&[
        "whatif",
        &j,
        "--runs",
        "8",
        "--add",
        "E-55d 09:00 pa enforce_mfa PA/vr",
        "--metrics",
        "intrusions_succeeded",
    ]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("had pa also given at E-55d 09:00: PA: enforce MFA on PA/vr"),
        "{}",
        stdout(&o)
    );

    let o = ttx(&["whatif", &j, "--runs", "8", "--baseline", "doctrine"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("against the doctrines alone"), "{}", stdout(&o));

    let o = ttx(&["whatif", &j, "--list"]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
}

#[test]
fn bad_questions_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let j = session(dir.path(), 3, &plan()[..2]);
    let fails = |args: &[&str], needle: &str| {
        let mut a = vec!["whatif", j.as_str()];
        a.extend_from_slice(args);
        let o = ttx(&a);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    };
    fails(&["--without", "vendor recall"], "matches no command");
    fails(&["--without", "line"], "add words");
    fails(
        &["--add", r#"E-99d 09:00 pa {"type":"enforce_mfa","actor":"PA","asset":"PA/vr"}"#],
        "outside the scenario's clock",
    );
    fails(
        &["--add", r#"E-55d 09:00 pa {"type":"enforce_mfa","actor":"GA","asset":"GA/vr"}"#],
        "may not give it",
    );
    fails(
        &["--add", r#"E-55d 09:00 nobody {"type":"enforce_mfa","actor":"PA","asset":"PA/vr"}"#],
        "no team `nobody`",
    );
    fails(&["--add", "E-55d 09:00 pa share"], "write `pa share_indicator IND-nnnn CHANNEL`");
    // The text form: words that name no command, a command the team may not give, no team.
    fails(&["--add", "E-55d 09:00 pa frobnicate PA/vr"], "share_indicator IND-nnnn CHANNEL");
    fails(&["--add", "E-55d 09:00 pa launch_campaign crimson_vr"], "no actor of team pa may give");
    fails(&["--add", "E-55d 09:00 pa GA enforce_mfa GA/vr"], "may not give it");
    fails(&["--add", "E-55d 09:00 zz enforce_mfa PA/vr"], "no team `zz`");
    fails(&["--add", "E-99d 09:00 pa enforce_mfa PA/vr"], "outside the scenario's clock");
    fails(&["--add", "soon pa enforce_mfa PA/vr"], "--add 'E-47d 17:00 TEAM COMMAND ARGUMENTS'");
    fails(&["--metrics", "happiness"], "no metric `happiness`");
    fails(&["--runs", "1"], "at least 2");

    // A journal whose hashes do not match.
    let text = std::fs::read_to_string(&j).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let h = lines.iter().position(|l| l.contains("\"type\":\"hash\"")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&lines[h]).unwrap();
    let bad = v["hash"].as_str().unwrap().replace(|c: char| c != '0', "0");
    lines[h] = lines[h].replace(v["hash"].as_str().unwrap(), &bad);
    let t = dir.path().join("tampered.jsonl");
    std::fs::write(&t, lines.join("\n") + "\n").unwrap();
    let o = ttx(&["whatif", t.to_str().unwrap()]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("does not verify"), "{}", stderr(&o));
}
