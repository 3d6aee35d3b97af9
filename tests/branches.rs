//! Exercises that branch on what the players decide, expected actions scored in the
//! after-action report, per-team text and attachments, through the real binary.

use std::path::Path;

use ttx_engine::journal::{JournalWriter, Record};
use ttx_engine::{Channel, Command, ETime, Issuer, Sim, builtin};

use crate::harness::*;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A journal of the shipped branching scenario with every team staffed; when `share`, the
/// Department of State passes the county's indicator on three hours after the call, and the
/// county restores its office from backup that evening.
fn write_journal(path: &Path, share: bool) {
    let scenario = builtin::load(builtin::find("pennsylvania_branches").expect("built in")).expect("loads");
    let reg = scenario.registry();
    let at = |t: &str| reg.clock.tick_of(ETime::parse(t).expect("time")).expect("in the clock");
    let mut sim = Sim::new(&scenario, 11);
    sim.checkpoint_commands(true);
    for t in ["pa", "counties", "cisa", "fbi"] {
        sim.submit(Issuer::Facilitator, Command::SetStaffed { team: t.into(), staffed: true });
    }
    if share {
        sim.run_until(at("E-30d 11:00"));
        let ind = sim.team_view("pa").expect("pa").indicators[0].number;
        sim.submit_at(
            at("E-30d 12:00"),
            Issuer::Team("pa".into()),
            Command::ShareIndicator { actor: "PA".into(), indicator: ind, channel: Channel::StateToLocals },
        )
        .expect("queued");
        sim.submit_at(
            at("E-30d 20:00"),
            Issuer::Team("counties".into()),
            Command::Restore { actor: "susquehanna".into(), asset: "susquehanna/office".into() },
        )
        .expect("queued");
    }
    sim.run_to_end();
    let mut w = JournalWriter::new(Vec::new());
    w.write(&Record::header(&scenario, 11, "play")).expect("header");
    for r in sim.take_journal_records() {
        w.write(&r).expect("record");
    }
    w.write(&Record::End { tick: sim.now().0, hash: format!("{:016x}", sim.state_hash()) }).expect("end");
    std::fs::write(path, w.into_inner()).expect("write journal");
}

/// The cells of the Markdown table rows whose first cell starts with `first`.
fn rows<'a>(md: &'a str, first: &str) -> Vec<Vec<&'a str>> {
    md.lines()
        .filter(|l| l.starts_with(&format!("| {first}")))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect()
}

#[test]
fn the_evaluation_guide_scores_expected_actions_from_a_fixed_journal() {
    let tmp = tempfile::tempdir().expect("tmp");
    let j = tmp.path().join("shared.jsonl");
    write_journal(&j, true);
    let out = tmp.path().join("aar.md");
    assert_exit(&ttx(&["report", s(&j), "--out", s(&out)]), 0);
    let md = std::fs::read_to_string(&out).expect("report");
    assert!(md.contains("Exercise Evaluation Guide"), "{md}");
    // Shared three hours after the call: on time, by the team's console.
    let r = rows(&md, "The Department of State passes the indicator to every county");
    assert_eq!(r.len(), 1, "{md}");
    assert_eq!(&r[0][2..], ["E-29d 09:00", "E-30d 12:00", "team pa", "Performed without Challenges (P)"]);
    // The pattern names its channel: the relay to the counties counts for the first action,
    // and does not count as the report to the EI-ISAC that nobody sent.
    assert!(md.contains("pa: share_indicator naming phish via state_to_locals within 24 h"), "{md}");
    let r = rows(&md, "The Department of State reports it to the EI-ISAC");
    assert_eq!(r.len(), 1, "{md}");
    assert_eq!(&r[0][3..], ["not done", "", "Unable to be Performed (U)"]);
    let r = rows(&md, "Susquehanna restores its office systems from backup");
    assert_eq!(&r[0][3..], ["E-30d 20:00", "team counties", "Performed without Challenges (P)"]);
    // The branch was cancelled: the next county's expected actions are not rated.
    let r = rows(&md, "Conestoga isolates its office network");
    assert_eq!(&r[0][3..], ["not done", "", "Not rated (no evidence)"]);
    assert!(md.contains("Operational Coordination, County election offices"), "{md}");
    assert!(!md.contains("Conestoga County is hit (fired"), "{md}");

    // Nobody shares: the next county is hit, and what was expected of it is not done.
    let j2 = tmp.path().join("silent.jsonl");
    write_journal(&j2, false);
    let out2 = tmp.path().join("aar2.md");
    assert_exit(&ttx(&["report", s(&j2), "--out", s(&out2)]), 0);
    let md2 = std::fs::read_to_string(&out2).expect("report");
    let r = rows(&md2, "The Department of State passes the indicator to every county");
    assert_eq!(&r[0][3..], ["not done", "", "Unable to be Performed (U)"]);
    let r = rows(&md2, "Conestoga isolates its office network");
    assert!(r[0][1].contains("Conestoga County is hit (fired E-29d 09:00)"), "{:?}", r[0]);
    assert_eq!(&r[0][2..], ["E-29d 21:00", "not done", "", "Unable to be Performed (U)"]);

    // Same journal, same bytes.
    assert_exit(&ttx(&["report", s(&j), "--out", s(&out)]), 0);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), md);
}

#[test]
fn attachments_are_embedded_and_the_journal_stands_alone() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    std::fs::create_dir(dir.join("media")).unwrap();
    for f in ["pa_phishing_email.md", "ransom_note.md", "news_article.md"] {
        std::fs::copy(path(&format!("scenarios/media/{f}")), dir.join("media").join(f)).unwrap();
    }
    let sc = dir.join("branches.ron");
    std::fs::copy(path("scenarios/pennsylvania_branches.ron"), &sc).unwrap();
    assert_exit(&ttx(&["validate", s(&sc)]), 0);
    let j = dir.join("j.jsonl");
    assert_exit(&ttx(&["run", s(&sc), "--seed", "4", "--journal", s(&j)]), 0);
    let header = std::fs::read_to_string(&j).unwrap().lines().next().unwrap().to_string();
    assert!(header.contains("\"attachments\"") && header.contains("pa-electionsupport.net"), "{header}");

    // The files go; the journal still verifies and reports, attachments included.
    std::fs::remove_dir_all(dir.join("media")).unwrap();
    std::fs::remove_file(&sc).unwrap();
    let o = ttx(&["replay", s(&j), "--verify"]);
    assert_exit(&o, 0);
    let out = dir.join("aar.md");
    assert_exit(&ttx(&["report", s(&j), "--out", s(&out)]), 0);
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("Appendix D. Inject media"), "{md}");
    assert!(md.contains("YOUR FILES ARE ENCRYPTED BY BALLOTLOCK."), "{md}");
    assert!(md.contains("pa-electionsupport.net"), "{md}");

    // A scenario naming a missing attachment is refused with the inject and the path.
    std::fs::copy(path("scenarios/pennsylvania_branches.ron"), &sc).unwrap();
    let o = ttx(&["validate", s(&sc)]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("inject `phish_email`: cannot read attachment media/pa_phishing_email.md"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_built_in_carries_its_attachments_and_per_team_text() {
    let sc = builtin::load(builtin::find("pennsylvania_branches").expect("built in")).expect("loads");
    assert_eq!(sc.registry().attachments.len(), 3);
    let mut sim = Sim::new(&sc, 2);
    sim.run_until(sc.registry().clock.tick_of(ETime::parse("E-30d 10:00").unwrap()).unwrap());
    let text = |team: &str| {
        let v = sim.team_view(team).expect("team");
        v.inbox
            .iter()
            .find(|m| m.title == "Susquehanna County reports a phishing email")
            .map(|m| m.text.clone())
            .expect("the inject reached the team")
    };
    assert!(text("pa").starts_with("Susquehanna County's director calls"), "{}", text("pa"));
    assert!(text("fbi").starts_with("Nothing has reached the field office"), "{}", text("fbi"));
    assert!(text("cisa").starts_with("Election staff in a county received an email"), "{}", text("cisa"));
    for t in ["pa", "cisa", "fbi", "counties"] {
        assert!(text(t).contains("--- Attachment: media/pa_phishing_email.md ---"), "{t}");
    }
}

#[test]
fn the_msel_lists_branches_per_team_text_and_attachments() {
    let o = ttx(&["msel", "pennsylvania_branches"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let hit = rows.iter().find(|r| r[col("inject")] == "next_county_hit").expect("the branch");
    assert_eq!(hit[col("cancelled_if")], "team pa has given share_indicator naming phish");
    assert_eq!(hit[col("attachments")], "media/ransom_note.md\nmedia/news_article.md");
    assert!(hit[col("per_team")].contains("County election offices: Conestoga County: screens show"));
    assert!(
        hit[col("trigger")].contains("Pennsylvania election office holds an indicator of phish, +24h")
            || hit[col("trigger")].contains("PA holds an indicator of phish, +24h"),
        "{}",
        hit[col("trigger")]
    );
    assert_eq!(hit[col("time")], "when PA holds an indicator of phish (+24 h)");
    assert_eq!(
        (hit[col("controller")].as_str(), hit[col("delivery")].as_str()),
        ("County controller", "in person")
    );
    let first = rows.iter().find(|r| r[col("inject")] == "phish_email").expect("first inject");
    assert_eq!((first[col("date")].as_str(), first[col("clock")].as_str()), ("2026-10-04", "09:00"));
    assert_eq!(first[col("delivery")], "phone");
    assert!(first[col("expected_actions")].contains(
        "The Department of State passes the indicator to every county [pa: share_indicator naming phish via state_to_locals within 24 h]"
    ));
    assert!(
        first[col("expected_actions")].contains("Reset the clerk's credentials and check SURE access logs")
    );
}
