//! `ttx msel`: the Master Scenario Events List through the real binary.

use crate::harness::{assert_exit, stderr, stdout, ttx};

/// Splits CSV text into rows of fields (quoted fields may hold commas and newlines).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

#[test]
fn msel_lists_every_inject_in_time_order_with_its_module_questions() {
    let out = ttx(&["msel", "tabletop_the_vote"]);
    assert_exit(&out, 0);
    let rows = parse_csv(&stdout(&out));
    assert_eq!(
        rows[0],
        [
            "number",
            "time",
            "trigger",
            "module",
            "module_title",
            "inject",
            "title",
            "description",
            "target_teams",
            "expected_actions",
            "effects",
            "discussion_questions",
            "per_team",
            "cancelled_if",
            "attachments"
        ]
    );
    let body = &rows[1..];
    assert_eq!(body.len(), 10, "one row per inject");
    let ids: Vec<&str> = body.iter().map(|r| r[5].as_str()).collect();
    assert_eq!(
        ids,
        [
            "phish_wave",
            "flash_scanning",
            "vr_intrusion",
            "vr_detected_followup",
            "pollbook_failures",
            "polls_closed_rumor",
            "bomb_threats",
            "results_flood",
            "assessment_tasking",
            "leak_published"
        ]
    );
    let first = &body[0];
    assert_eq!(first[1], "E-50d 09:00");
    assert_eq!(first[3], "pre");
    assert_eq!(first[8], "Pennsylvania; Georgia; Wisconsin; DHS / CISA and EI-ISAC");
    assert_eq!(first[9].lines().count(), 3, "three expected actions, one per line");
    assert!(first[11].starts_with("1. When a county clerk reports a suspicious email"), "{}", first[11]);
    let conditional = &body[3];
    assert_eq!(conditional[1], "", "no fixed time");
    assert!(conditional[2].contains("first detected, +6h"), "{}", conditional[2]);
    assert!(body[4][10].contains("takes offline for 3 h: 2 of"), "{}", body[4][10]);
}

#[test]
fn msel_writes_a_file_and_reports_bad_input() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let path = dir.path().join("msel.csv");
    let out = ttx(&["msel", "--out", path.to_str().expect("a UTF-8 path")]);
    assert_exit(&out, 0);
    assert!(stderr(&out).contains("wrote 10 injects"));
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().next().unwrap().split(',').count(), 15);
    let out = ttx(&["msel", "no_such_scenario.ron"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("cannot read scenario"));
}
