//! `ttx sitman`: the Situation Manual, the participants' handbook, through the real binary.

use crate::harness::*;

fn read(p: &std::path::Path) -> String {
    std::fs::read_to_string(p).expect("the Situation Manual was written")
}

#[test]
fn the_sitman_holds_objectives_modules_and_questions_and_nothing_of_the_play() {
    let tmp = tempfile::tempdir().expect("tmp");
    let md_path = tmp.path().join("sitman.md");
    let o = ttx(&["sitman", "pennsylvania_branches", "--out", md_path.to_str().unwrap()]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("Situation Manual written to"), "{}", stdout(&o));
    let md = read(&md_path);
    assert!(
        md.starts_with("# Pennsylvania: share it or lose the next county\n\n**Situation Manual (SitMan)**")
    );
    let sc = scenario(&path("scenarios/pennsylvania_branches.ron"));
    let reg = sc.registry();
    // What participants read: objectives, core capabilities, modules, questions, teams, dates.
    for o in &reg.spec.objectives {
        assert!(md.contains(o.as_str()), "objective {o}");
    }
    assert!(md.contains("| Intelligence and Information Sharing | 1 |"), "{md}");
    for m in &reg.modules {
        assert!(md.contains(&format!("### {}", m.title)), "module {}", m.title);
        for q in &m.questions {
            assert!(md.contains(q.as_str()), "question {q}");
        }
    }
    assert!(
        md.contains("| Module 1: The first county | 2026-10-04 | 08:00 | E-30d 08:00 | E-27d 08:00 |"),
        "{md}"
    );
    assert!(md.contains("| County election offices | Player |"), "{md}");
    assert!(md.contains("It is October 2026, four weeks before the general election."), "the background");
    // Nothing that gives play away: no inject, no per-team text, no campaign, no adversary,
    // no expected action, and not the facilitator's description.
    for inj in &reg.injects {
        assert!(!md.contains(inj.spec.title.as_str()), "inject title {}", inj.spec.title);
        assert!(inj.spec.description.is_empty() || !md.contains(inj.spec.description.as_str()));
        for x in inj.spec.per_team.values() {
            assert!(!md.contains(x.as_str()), "per-team text {x}");
        }
        for a in &inj.spec.expected_actions {
            assert!(!md.contains(a.text().as_str()), "expected action {}", a.text());
        }
    }
    for c in &reg.campaigns {
        assert!(!md.contains(c.spec.name.as_str()), "campaign {}", c.spec.name);
    }
    for a in &reg.adversaries {
        assert!(!md.contains(a.name.as_str()), "adversary {}", a.name);
    }
    assert!(!md.contains(reg.spec.description.as_str()), "the facilitator's description");
    assert!(!md.contains("BallotLock") && !md.contains("ransom note"), "{md}");

    // The same scenario gives the same bytes.
    assert_exit(&ttx(&["sitman", "pennsylvania_branches", "--out", md_path.to_str().unwrap()]), 0);
    assert_eq!(read(&md_path), md);
}

#[test]
fn the_sitman_html_is_well_formed_and_the_format_follows_the_extension_or_the_flag() {
    let tmp = tempfile::tempdir().expect("tmp");
    let html_path = tmp.path().join("binder").join("sitman.html");
    let o = ttx(&["sitman", "tabletop_the_vote", "--out", html_path.to_str().unwrap()]);
    assert_exit(&o, 0);
    let html = read(&html_path);
    let opt = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(&html, opt).expect("well-formed XHTML");
    let h2: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("h2"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        h2,
        [
            "1. Exercise overview",
            "2. Exercise objectives and core capabilities",
            "3. Scenario background",
            "4. Participating organisations",
            "5. Schedule",
            "6. Modules"
        ]
    );
    assert!(html.contains("Situation Manual (SitMan)"));
    assert!(!html.contains("<script"), "no scripts");
    // A red cell is listed without naming the adversary it plays.
    let sc = scenario(&path("scenarios/tabletop_the_vote.ron"));
    for a in &sc.registry().adversaries {
        assert!(!html.contains(a.name.as_str()), "adversary {}", a.name);
    }

    // --format wins over the extension.
    let txt = tmp.path().join("sm.txt");
    assert_exit(&ttx(&["sitman", "tabletop_the_vote", "--out", txt.to_str().unwrap(), "--format", "md"]), 0);
    assert!(read(&txt).starts_with("# "), "Markdown");
    let html2 = tmp.path().join("sm2.md");
    assert_exit(
        &ttx(&["sitman", "tabletop_the_vote", "--out", html2.to_str().unwrap(), "--format", "html"]),
        0,
    );
    assert!(read(&html2).starts_with("<!DOCTYPE html>"));

    // Bad input: exit 2 with a message; --out is required.
    let o = ttx(&["sitman", "no_such_scenario.ron", "--out", txt.to_str().unwrap()]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("cannot read scenario"), "{}", stderr(&o));
    assert_exit(&ttx(&["sitman", "tabletop_the_vote"]), 2);
}
