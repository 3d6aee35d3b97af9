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
fn msel_lists_every_inject_in_time_order_under_its_module_heading() {
    let out = ttx(&["msel", "tabletop_the_vote"]);
    assert_exit(&out, 0);
    let rows = parse_csv(&stdout(&out));
    assert_eq!(
        rows[0],
        [
            "number",
            "row",
            "time",
            "date",
            "clock",
            "trigger",
            "module",
            "module_title",
            "inject",
            "title",
            "description",
            "target_teams",
            "controller",
            "delivery",
            "expected_actions",
            "effects",
            "discussion_questions",
            "per_team",
            "cancelled_if",
            "attachments"
        ]
    );
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let body = &rows[1..];
    let injects: Vec<&Vec<String>> = body.iter().filter(|r| r[col("row")] == "inject").collect();
    assert_eq!(injects.len(), 10, "one row per inject");
    let ids: Vec<&str> = injects.iter().map(|r| r[col("inject")].as_str()).collect();
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
    // Each module's heading row comes before its injects and holds its questions, once.
    let kinds: Vec<(&str, &str)> =
        body.iter().map(|r| (r[col("row")].as_str(), r[col("module")].as_str())).collect();
    assert_eq!(kinds[0], ("module", "pre"));
    let headings: Vec<&Vec<String>> = body.iter().filter(|r| r[col("row")] == "module").collect();
    assert_eq!(headings.len(), 3, "{kinds:?}");
    assert!(
        headings[0][col("discussion_questions")]
            .starts_with("1. When a county clerk reports a suspicious email"),
        "{}",
        headings[0][col("discussion_questions")]
    );
    assert_eq!(headings[0][col("date")], "2026-09-04");
    assert_eq!(headings[0][col("clock")], "08:00");
    assert!(injects.iter().all(|r| r[col("discussion_questions")].is_empty()), "questions only on headings");
    let first = injects[0];
    assert_eq!(first[col("number")], "1");
    assert_eq!(first[col("time")], "E-50d 09:00");
    assert_eq!((first[col("date")].as_str(), first[col("clock")].as_str()), ("2026-09-14", "09:00"));
    assert_eq!(first[col("module")], "pre");
    assert_eq!(first[col("target_teams")], "Pennsylvania; Georgia; Wisconsin; DHS / CISA and EI-ISAC");
    assert_eq!(first[col("expected_actions")].lines().count(), 3, "three expected actions, one per line");
    assert_eq!(first[col("delivery")], "simulation", "the default delivery");
    assert_eq!(first[col("controller")], "");
    let conditional = injects[3];
    assert!(conditional[col("time")].starts_with("when "), "{}", conditional[col("time")]);
    assert!(conditional[col("time")].contains("(+6 h)"), "{}", conditional[col("time")]);
    assert_eq!(conditional[col("date")], "", "no fixed date");
    assert!(conditional[col("trigger")].contains("first detected, +6h"), "{}", conditional[col("trigger")]);
    assert!(
        injects[4][col("effects")].contains("takes offline for 3 h: 2 of"),
        "{}",
        injects[4][col("effects")]
    );
}

#[test]
fn msel_writes_a_file_and_reports_bad_input() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let path = dir.path().join("msel.csv");
    let out = ttx(&["msel", "--out", path.to_str().expect("a UTF-8 path")]);
    assert_exit(&out, 0);
    assert!(stderr(&out).contains("wrote 10 injects"));
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().next().unwrap().split(',').count(), 20);
    let out = ttx(&["msel", "no_such_scenario.ron"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("cannot read scenario"));
}
