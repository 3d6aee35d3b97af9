//! A corpus of broken scenarios: each gives exit 2 and a message with the right line and column.

use crate::harness::*;

#[test]
fn each_broken_scenario_is_reported_where_it_is_broken() {
    let spec = std::fs::read_to_string(path("tests/fixtures/broken/expected.txt")).unwrap();
    let mut files = std::collections::BTreeSet::new();
    let mut checked = 0;
    for line in spec.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let mut parts = line.splitn(3, ' ');
        let (file, at, fragment) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        let rel = format!("tests/fixtures/broken/{file}");
        let o = ttx(&["validate", &rel]);
        assert_exit(&o, 2);
        let err = stderr(&o);
        let expected = format!("{rel}:{at}: error: ");
        let line = err.lines().find(|l| l.starts_with(&expected)).unwrap_or_else(|| {
            panic!("{file}: expected a diagnostic at {at}, got:\n{err}");
        });
        assert!(line.contains(fragment), "{file}: expected `{fragment}` in `{line}`");
        files.insert(file.to_string());
        checked += 1;
    }
    assert!(files.len() >= 15, "at least 15 broken scenarios, found {}", files.len());
    assert!(checked > files.len(), "some file has several problems, all reported");
    // Every fixture is listed.
    let on_disk = std::fs::read_dir(path("tests/fixtures/broken"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "ron"))
        .count();
    assert_eq!(on_disk, files.len(), "every broken fixture has an expectation");
}

#[test]
fn diagnostics_say_what_would_fix_them() {
    let o = ttx(&["validate", "tests/fixtures/broken/04_unknown_state_code.ron"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("help:"), "{err}");
    assert!(err.contains("\"PA\""), "suggests a code: {err}");
    // The offending line is shown with a caret under the value.
    assert!(err.contains("^^^^"), "{err}");
}

#[test]
fn validating_good_and_bad_files_together_reports_each() {
    let o = ttx(&[
        "validate",
        "scenarios/tabletop_the_vote.ron",
        "tests/fixtures/broken/06_undefined_team.ron",
        "tests/fixtures/broken/09_probability_above_one.ron",
    ]);
    assert_exit(&o, 2);
    assert!(stdout(&o).contains("ok: scenarios/tabletop_the_vote.ron"));
    assert!(stderr(&o).contains("2 problems in 2 of 3 files"), "{}", stderr(&o));
}

#[test]
fn empty_and_binary_files_are_bad_input_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.ron");
    std::fs::write(&empty, "").unwrap();
    let binary = dir.path().join("binary.ron");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41, 0x28]).unwrap();
    for p in [empty, binary] {
        let o = ttx(&["validate", &p.display().to_string()]);
        assert_exit(&o, 2);
    }
}
