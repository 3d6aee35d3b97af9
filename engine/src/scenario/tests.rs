use super::*;

#[test]
fn suggests_close_names_only() {
    assert_eq!(suggest("tems", &["teams", "modules"]), Some("teams".into()));
    assert!(suggest("PX", &["PA", "TX"]).is_some());
    assert_eq!(suggest("zzzzzz", &["teams", "modules"]), None);
    assert_eq!(suggest("Tems", &["teams", "modules"]), Some("teams".into()));
}

#[test]
fn many_problems_keep_a_bounded_report() {
    let src = format!("Scenario({})\n", "x: 1, ".repeat(2_000));
    let d = Scenario::parse("u.ron", &src).unwrap_err();
    // Three missing sections and 2,000 unknown ones; the first 50 are shown.
    assert_eq!((d.total(), d.items.len(), d.omitted), (2_003, MAX_SHOWN, 1_953));
    let text = d.to_string();
    assert!(text.contains("... and 1953 more problems in u.ron (only the first 50 are shown)"), "{text}");
    assert!(text.ends_with("2003 problems in u.ron\n"));
    assert!(text.len() < MAX_SHOWN * 1_000, "{} bytes", text.len());
}

#[test]
fn an_excerpt_of_a_long_line_marks_the_problem() {
    let src = format!("Scenario({}zzz: 1)\n", "name: \"x\", ".to_string() + &" ".repeat(5_000));
    let d = Scenario::parse("long.ron", &src).unwrap_err();
    let z = d.items.iter().find(|i| i.message.contains("`zzz`")).expect("the unknown section");
    assert_eq!((z.line, z.column), (1, 5_021));
    assert!(z.excerpt.chars().count() <= EXCERPT_CHARS + 2, "{}", z.excerpt);
    assert!(z.excerpt.starts_with('…'));
    let marked: String = z.excerpt.chars().skip(z.caret - 1).take(z.width).collect();
    assert_eq!(marked, "zzz");
    // A short line is shown whole.
    let d = Scenario::parse("short.ron", "Scenario(zzz: 1)").unwrap_err();
    let z = d.items.iter().find(|i| i.message.contains("`zzz`")).expect("the unknown section");
    assert_eq!((z.excerpt.as_str(), z.caret, z.width), ("Scenario(zzz: 1)", 10, 3));
}

#[test]
fn the_sections_are_the_schemas_fields() {
    let spec = crate::builtin::default_scenario().expect("the default scenario").spec().clone();
    let value = serde_json::to_value(&spec).expect("serializes");
    let keys: Vec<&str> = value.as_object().expect("an object").keys().map(String::as_str).collect();
    assert!(keys.iter().all(|k| top_fields().contains(k)), "{keys:?} vs {:?}", top_fields());
    assert!(top_fields().contains(&"background") && top_fields().len() >= keys.len());
}

#[test]
fn a_scenario_made_in_code_writes_its_source_when_asked_and_it_reads_back_the_same() {
    let base = crate::builtin::default_scenario().expect("the default scenario loads");
    let mut spec = base.spec().clone();
    spec.sharing.tearline_h = 7.5;
    let made = Scenario::from_spec("made", &spec).expect("it compiles");
    assert_ne!(made.hash(), base.hash());
    let copy = made.clone();
    let text = made.source().to_string();
    assert!(text.contains("tearline_h: 7.5"), "{text}");
    // Written once, for every clone.
    assert!(std::ptr::eq(made.source(), copy.source()));
    let back = Scenario::parse("made.ron", &text).expect("the written source parses");
    assert_eq!(back.hash(), made.hash());
    assert!(back.spec() == made.spec());
}

#[test]
fn a_problem_elsewhere_does_not_make_known_sections_unknown() {
    let src = crate::builtin::find("pennsylvania_branches")
        .expect("shipped")
        .source
        .replace("Scenario(", "Scenario(zzz: 1, ");
    let d = Scenario::parse("pa.ron", &src).unwrap_err();
    let unknown: Vec<&str> =
        d.items.iter().map(|i| i.message.as_str()).filter(|m| m.contains("unknown section")).collect();
    assert_eq!(unknown, ["unknown section `zzz`"], "{d}");
}

#[test]
fn edit_distance_counts_characters() {
    assert_eq!(edit_distance("kitten", "sitting"), 3);
    assert_eq!(edit_distance("", "abc"), 3);
    assert_eq!(edit_distance("été", "ete"), 2);
    assert_eq!(edit_distance_at_most(&['a'; 10], &['b'; 10], 3), None);
}

#[test]
fn suggestions_stay_cheap_for_huge_words_and_candidate_lists() {
    // A 100,000-character word gets no suggestion at once, whatever the candidates.
    let huge = "x".repeat(100_000);
    let many: Vec<String> = (0..50_000).map(|i| format!("county_{i:05}")).collect();
    assert_eq!(suggest(&huge, &many), None);
    // Huge candidates are ruled out by their length before any comparison.
    let long_candidates = vec!["y".repeat(100_000); 1_000];
    assert_eq!(suggest("county", &long_candidates), None);
    // A real typo among many candidates is still found.
    assert_eq!(suggest("countyy_01234", &many[..MAX_CANDIDATES]), Some("county_01234".into()));
    assert_eq!(edit_distance(&huge, &"y".repeat(100_000)), MAX_COMPARED_CHARS);
}
