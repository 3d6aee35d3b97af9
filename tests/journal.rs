//! A journal replays and verifies; a tampered journal fails, naming the tick.

use std::path::Path;

use ttx_engine::journal::{JournalWriter, Record};
use ttx_engine::{Command, Issuer, Sim, Statement, Tick, builtin};

use crate::harness::*;

/// Writes the journal of a run of the default scenario with facilitator and team commands.
fn journal_with_commands(path: &Path) -> Vec<(u32, String)> {
    let sc = builtin::default_scenario().unwrap();
    let mut sim = Sim::new(&sc, 9);
    sim.checkpoint_commands(true);
    let plan: Vec<(u32, Issuer, Command)> = vec![
        (40, Issuer::Facilitator, Command::FireInject { inject: "vr_intrusion".into() }),
        (41, Issuer::Facilitator, Command::HoldInject { inject: "flash_scanning".into() }),
        (
            60,
            Issuer::Team("pa".into()),
            Command::EnforceMfa { actor: "harbor".into(), asset: "harbor/office".into() },
        ),
        (
            61,
            Issuer::Team("pa".into()),
            Command::PublicStatement { actor: "PA".into(), statement: Statement::Reassure },
        ),
        // Refused: the county cannot issue a DHS advisory; the refusal is journaled too.
        (
            62,
            Issuer::Team("pa".into()),
            Command::DeployOnsite { actor: "harbor".into(), asset: "harbor/office".into() },
        ),
        (300, Issuer::Facilitator, Command::ReleaseInject { inject: "flash_scanning".into() }),
    ];
    for (t, issuer, cmd) in plan {
        sim.submit_at(Tick(t), issuer, cmd).unwrap();
    }
    sim.run_to_end();
    let mut w = JournalWriter::new(Vec::new());
    w.write(&Record::header(&sc, 9, "test")).unwrap();
    let mut commands = Vec::new();
    for r in sim.take_journal_records() {
        if let Record::Command { tick, command, .. } = &r {
            commands.push((*tick, serde_json::to_string(command).unwrap()));
        }
        w.write(&r).unwrap();
    }
    w.write(&Record::End { tick: sim.now().0, hash: format!("{:016x}", sim.state_hash()) }).unwrap();
    std::fs::write(path, w.into_inner()).unwrap();
    commands
}

#[test]
fn a_run_journal_replays_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("run.jsonl");
    let js = j.display().to_string();
    assert_exit(&ttx(&["run", "--seed", "4", "--journal", &js]), 0);
    let o = ttx(&["replay", &js, "--verify"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("verified:"), "{}", stdout(&o));
    // Replay reproduces the run's metrics exactly.
    let run = ttx(&["run", "--seed", "4", "--json"]);
    let rep = ttx(&["replay", &js, "--json"]);
    assert_eq!(run.stdout, rep.stdout);
}

#[test]
fn a_journal_with_commands_verifies_and_a_tampered_command_fails_at_its_tick() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("session.jsonl");
    let commands = journal_with_commands(&j);
    assert_eq!(commands.len(), 6, "every submitted command is journaled, refusals too");
    let js = j.display().to_string();
    let o = ttx(&["replay", &js, "--verify"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("6 commands replayed"), "{}", stdout(&o));

    // Change which asset the team patched: the replay diverges at that command's tick.
    let text = std::fs::read_to_string(&j).unwrap();
    let tampered = text.replacen("harbor/office\"}", "ridge/office\"}", 1);
    assert_ne!(text, tampered);
    std::fs::write(&j, tampered).unwrap();
    let o = ttx(&["replay", &js, "--verify"]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("DIVERGED at tick 60 "), "{}", stderr(&o));
}

#[test]
fn a_tampered_hash_or_seed_fails_naming_the_tick() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("run.jsonl");
    let js = j.display().to_string();
    assert_exit(&ttx(&["run", "--seed", "4", "--journal", &js]), 0);
    let text = std::fs::read_to_string(&j).unwrap();
    // Change the 20th hash record.
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let (idx, tick) = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("\"type\":\"hash\""))
        .nth(19)
        .map(|(i, l)| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (i, v["tick"].as_u64().unwrap())
        })
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&lines[idx]).unwrap();
    v["hash"] = serde_json::Value::String("0123456789abcdef".into());
    lines[idx] = v.to_string();
    std::fs::write(&j, lines.join("\n")).unwrap();
    let o = ttx(&["replay", &js, "--verify"]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains(&format!("DIVERGED at tick {tick} ")), "{}", stderr(&o));

    // A different seed in the header diverges from the first checkpoint on.
    let text = text.replacen("\"seed\":4,", "\"seed\":5,", 1);
    std::fs::write(&j, text).unwrap();
    let o = ttx(&["replay", &js, "--verify"]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("DIVERGED at tick"), "{}", stderr(&o));
}

#[test]
fn a_journal_that_is_not_one_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("junk.jsonl");
    std::fs::write(&j, "{\"type\":\"hash\",\"tick\":1}\nnot json\n").unwrap();
    let o = ttx(&["replay", &j.display().to_string(), "--verify"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("line "), "{}", stderr(&o));
}

/// Rewrites line `index` (0-based) of a journal as JSON, through `edit`.
fn edit_line(lines: &[String], index: usize, edit: impl FnOnce(&mut serde_json::Value)) -> Vec<String> {
    let mut out = lines.to_vec();
    let mut v: serde_json::Value = serde_json::from_str(&lines[index]).unwrap();
    edit(&mut v);
    out[index] = v.to_string();
    out
}

/// Expects `replay --verify` to fail with exit 1, naming `line` (1-based) and saying `why`.
fn refused(path: &Path, lines: &[String], line: usize, why: &str) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
    let o = ttx(&["replay", &path.display().to_string(), "--verify"]);
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("line {line}")) && err.contains(why),
        "expected line {line}, `{why}`: {err}"
    );
}

#[test]
fn verify_refuses_every_field_and_line_that_was_changed() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("session.jsonl");
    journal_with_commands(&j);
    let lines: Vec<String> = std::fs::read_to_string(&j).unwrap().lines().map(String::from).collect();
    let find = |needle: &str| lines.iter().position(|l| l.contains(needle)).unwrap();
    let mfa = find("enforce_mfa");
    let first_hash = find("\"type\":\"hash\"");

    // The team's command, said to be the facilitator's: the replay diverges at its tick.
    let changed = edit_line(&lines, mfa, |v| v["issuer"] = serde_json::json!("facilitator"));
    std::fs::write(&j, changed.join("\n") + "\n").unwrap();
    let o = ttx(&["replay", &j.display().to_string(), "--verify"]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("DIVERGED at tick 60 "), "{}", stderr(&o));

    // A sequence number used twice.
    let first_seq: serde_json::Value =
        serde_json::from_str::<serde_json::Value>(&lines[find("fire_inject")]).unwrap()["seq"].clone();
    let changed = edit_line(&lines, mfa, |v| v["seq"] = first_seq);
    refused(&j, &changed, mfa + 1, "used twice");
    // A command's clock time that is not its tick's.
    let changed = edit_line(&lines, mfa, |v| v["time"] = serde_json::json!("E-30d 01:00"));
    refused(&j, &changed, mfa + 1, "is not tick 60");
    // A hash record's time, too.
    let changed = edit_line(&lines, first_hash, |v| v["time"] = serde_json::json!("E+1d 01:00"));
    refused(&j, &changed, first_hash + 1, "is not tick");
    // A format this ttx does not know.
    let changed = edit_line(&lines, 0, |v| v["format"] = serde_json::json!(99));
    refused(&j, &changed, 1, "journal format 99");
    // A second header.
    let mut changed = lines.clone();
    changed.insert(first_hash, lines[0].clone());
    refused(&j, &changed, first_hash + 1, "a second header");
    // A hash record twice.
    let mut changed = lines.clone();
    changed.insert(first_hash + 1, lines[first_hash].clone());
    refused(&j, &changed, first_hash + 2, "after the one for tick");
    // A command moved before the state hash of an earlier tick.
    let mut changed = lines.clone();
    let moved = changed.remove(mfa);
    changed.push(moved);
    refused(&j, &changed, lines.len(), "after the state hash of tick");
    // Only the header: nothing to verify.
    refused(&j, &lines[..1], 1, "nothing to verify");
}

#[test]
fn verify_refuses_a_run_journal_without_its_end_record() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("run.jsonl");
    let js = j.display().to_string();
    assert_exit(&ttx(&["run", "--until", "E-29d 00:00", "--journal", &js]), 0);
    let lines: Vec<String> = std::fs::read_to_string(&j).unwrap().lines().map(String::from).collect();
    assert!(lines.last().unwrap().contains("\"type\":\"end\""));
    refused(&j, &lines[..lines.len() - 1], lines.len() - 1, "end record");
    // Put back, it verifies.
    std::fs::write(&j, lines.join("\n") + "\n").unwrap();
    assert_exit(&ttx(&["replay", &js, "--verify"]), 0);
}

/// A journal of model version 1 (written by the last ttx before group delivery, with no
/// `model_version` in its header) is not replayed as if it were this model's: replay,
/// verification, what-if analysis and the report each say which model version and which ttx
/// version it needs, instead of reporting a divergence.
#[test]
fn a_journal_of_another_model_version_names_the_version_it_needs() {
    let old = path("tests/fixtures/journal_model1_tabletop_seed1.jsonl");
    let old = old.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("aar.md");
    let runs: [Vec<&str>; 4] = [
        vec!["replay", old],
        vec!["replay", "--verify", old],
        vec!["whatif", old, "--runs", "2"],
        vec!["report", old, "--out", report.to_str().unwrap()],
    ];
    for args in runs {
        let o = ttx(&args);
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert!(
            err.contains("model version 1") && err.contains("ttx 0.1.0") && !err.contains("DIVERGED"),
            "{args:?}: {err}"
        );
        assert!(err.contains(&format!("model version {}", ttx_engine::MODEL_VERSION)), "{args:?}: {err}");
    }
    // A journal written now records this model version and verifies.
    let new = dir.path().join("new.jsonl");
    assert_exit(&ttx(&["run", "--seed", "1", "--journal", new.to_str().unwrap()]), 0);
    let text = std::fs::read_to_string(&new).unwrap();
    assert!(
        text.lines().next().unwrap().contains(&format!("\"model_version\":{}", ttx_engine::MODEL_VERSION))
    );
    assert_exit(&ttx(&["replay", "--verify", new.to_str().unwrap()]), 0);
}

#[test]
fn a_journal_of_a_run_with_a_policy_that_staffs_teams_verifies_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("policy.jsonl");
    let js = j.display().to_string();
    let policy = path("examples/policies/share_within_2h.ron").display().to_string();
    let run = ttx(&["run", "tabletop_the_vote", "--seed", "1", "--journal", &js, "--commands", &policy]);
    assert_exit(&run, 0);
    let text = std::fs::read_to_string(&j).unwrap();
    let lines: Vec<String> = text.lines().map(String::from).collect();
    let header: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(header["staffed"], serde_json::json!(["pa", "ga", "wi", "cisa"]));
    let o = ttx(&["replay", &js, "--verify"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("verified:"), "{}", stdout(&o));
    // Replay reproduces the run's metrics, which differ from the same run with no team staffed.
    let rep = ttx(&["replay", &js, "--json"]);
    let with = ttx(&["run", "tabletop_the_vote", "--seed", "1", "--json", "--commands", &policy]);
    assert_eq!(rep.stdout, with.stdout);
    let out = dir.path().join("aar.md");
    assert_exit(&ttx(&["report", &js, "--out", &out.display().to_string()]), 0);
    assert!(std::fs::read_to_string(&out).unwrap().contains("Tabletop the Vote"));

    // A header naming a team the scenario lacks is bad input, named at the header's line.
    let bad = dir.path().join("bad.jsonl");
    let edited = edit_line(&lines, 0, |v| v["staffed"] = serde_json::json!(["pa", "nowhere"]));
    std::fs::write(&bad, edited.join("\n") + "\n").unwrap();
    let o = ttx(&["replay", &bad.display().to_string(), "--verify"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("line 1") && stderr(&o).contains("team `nowhere`"), "{}", stderr(&o));
}
