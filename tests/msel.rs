//! `ttx msel`: the Master Scenario Events List through the real binary.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ttx");

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
    let out = Command::new(BIN).args(["msel", "tabletop_the_vote"]).output().expect("ttx runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = parse_csv(&String::from_utf8_lossy(&out.stdout));
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
            "discussion_questions"
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
    let dir = std::env::temp_dir().join(format!("ttx-msel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("msel.csv");
    let out = Command::new(BIN).args(["msel", "--out"]).arg(&path).output().expect("ttx runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrote 10 injects"));
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().next().unwrap().split(',').count(), 12);
    let out = Command::new(BIN).args(["msel", "no_such_scenario.ron"]).output().expect("ttx runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read scenario"));
    let _ = std::fs::remove_dir_all(&dir);
}
