//! `ttx report` through the real binary: AAR/IP from journals, research reports
//! from batch directories, and refusals of bad input.
//!
//! Expected values come from replaying the same journal with the engine, never
//! from numbers typed into the test.

use std::path::{Path, PathBuf};

use ttx_engine::events::{AttemptOutcome, EventKind};
use ttx_engine::journal::{self, JournalWriter, Record};
use ttx_engine::scenario::schema::{Channel, MeasureSpec};
use ttx_engine::{ETime, Issuer, Metrics, Scenario, Sim, SimOptions, Statement, builtin};

use crate::harness::{fails_with, ok, scratch};

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn replay(path: &Path) -> Sim {
    let f = std::fs::File::open(path).expect("journal");
    let records = journal::read_records(std::io::BufReader::new(f)).expect("records");
    let r = journal::replay(&records, SimOptions::default()).expect("replays");
    assert!(r.divergence.is_none());
    r.sim
}

/// HSEEP rating letter for a value against a measure (the documented rule, restated).
fn letter(m: &MeasureSpec, v: Option<f64>) -> Option<usize> {
    let v = v?;
    let meets = |t: f64| if m.higher_is_better { v >= t } else { v <= t };
    Some(if meets(m.without_challenges) {
        0
    } else if meets(m.some_challenges) {
        1
    } else if meets(m.major_challenges) {
        2
    } else {
        3
    })
}

const LABELS: [&str; 4] = [
    "Performed without Challenges (P)",
    "Performed with Some Challenges (S)",
    "Performed with Major Challenges (M)",
    "Unable to be Performed (U)",
];

/// The capability ratings a scenario's thresholds give for these metrics (worst rated measure).
fn expected_ratings(sim: &Sim, m: &Metrics) -> Vec<(String, Option<usize>)> {
    sim.registry()
        .spec
        .evaluation
        .capabilities
        .iter()
        .map(|c| (c.name.clone(), c.measures.iter().filter_map(|x| letter(x, m.get(&x.metric))).max()))
        .collect()
}

/// Counts by timeline category: injects, intrusions, detections, shares, notifications, statements.
fn category_counts(sim: &Sim) -> [u32; 6] {
    let mut c = [0; 6];
    for e in sim.events() {
        match &e.kind {
            EventKind::InjectFired { .. } => c[0] += 1,
            EventKind::Attempt { outcome: AttemptOutcome::Succeeded, .. } => c[1] += 1,
            EventKind::Detected { .. } => c[2] += 1,
            EventKind::Shared { channel: Channel::FbiToVictim, .. } => c[4] += 1,
            EventKind::Shared { .. } => c[3] += 1,
            EventKind::Statement { .. } | EventKind::Advisory { .. } | EventKind::Attribution { .. } => {
                c[5] += 1
            }
            _ => {}
        }
    }
    c
}

/// Checks that an HTML report is well-formed XML, has no scripts, and references nothing outside itself.
fn assert_self_contained(html: &str) -> usize {
    let opt = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(html, opt).expect("the report is well-formed");
    let csp = doc
        .descendants()
        .find(|n| {
            n.tag_name().name() == "meta" && n.attribute("http-equiv") == Some("Content-Security-Policy")
        })
        .and_then(|n| n.attribute("content"));
    assert_eq!(csp, Some("default-src 'none'; style-src 'unsafe-inline'; img-src data:"), "the CSP");
    assert!(!html.to_ascii_lowercase().contains("javascript"), "no javascript: anywhere");
    let mut svgs = 0;
    for n in doc.descendants().filter(|n| n.is_element()) {
        let name = n.tag_name().name().to_ascii_lowercase();
        let name = name.as_str();
        assert!(
            ![
                "script",
                "link",
                "img",
                "iframe",
                "object",
                "embed",
                "base",
                "foreignobject",
                "set",
                "animate",
            ]
            .contains(&name),
            "<{name}> in a self-contained report"
        );
        // The page's own links are to its sections; a chart has none.
        assert!(
            name != "a" || !n.ancestors().any(|p| p.tag_name().name().eq_ignore_ascii_case("svg")),
            "a link inside a chart"
        );
        if name == "svg" {
            svgs += 1;
        }
        for a in n.attributes() {
            let v = a.value().trim();
            assert!(!a.name().to_ascii_lowercase().starts_with("on"), "event handler {}", a.name());
            assert!(!a.name().eq_ignore_ascii_case("attributeName"), "animation of {v}");
            if a.name() == "href" || a.name() == "src" {
                let embedded = name == "image" && v.starts_with("data:image/");
                assert!(v.starts_with('#') || embedded, "external reference {}={v}", a.name());
            }
            assert!(
                !v.contains("url(http") && !v.starts_with("http"),
                "external reference in {}={v}",
                a.name()
            );
        }
        if name == "style" {
            let css: String = n.children().filter_map(|c| c.text()).collect();
            assert!(!css.contains("@import") && !css.contains("url("), "the style sheet fetches something");
            assert!(css.contains("@media print"), "print styles");
        }
    }
    svgs
}

/// The cells of the Markdown table row that starts with `first`.
fn md_row<'a>(md: &'a str, first: &str) -> Vec<&'a str> {
    let line = md
        .lines()
        .find(|l| l.starts_with(&format!("| {first} |")))
        .unwrap_or_else(|| panic!("no row `{first}` in the report"));
    line.trim_matches('|').split(" | ").map(str::trim).collect()
}

/// A journal with player commands and discussion notes, written through the engine's API.
fn write_session_journal(path: &Path, seed: u64) {
    let scenario = builtin::default_scenario().expect("default scenario");
    let reg = scenario.registry();
    let ga = reg.actor(reg.states[reg.state_by_postal["GA"].ix()].office).id.clone();
    let pa_office = reg.states[reg.state_by_postal["PA"].ix()].office;
    let pa_asset = reg.asset(reg.actor(pa_office).assets[0]).id.clone();
    let at = |t: &str| reg.clock.tick_of(ETime::parse(t).expect("time")).expect("in the clock");
    let mut sim = Sim::new(&scenario, seed);
    sim.checkpoint_commands(true);
    sim.submit_at(
        at("E+0d 12:00"),
        Issuer::Team("ga".into()),
        ttx_engine::Command::PublicStatement { actor: ga.clone(), statement: Statement::Debunk },
    )
    .expect("accepted for later");
    // Georgia may not patch Pennsylvania's systems: refused, and the report says so.
    sim.submit_at(
        at("E-30d 10:00"),
        Issuer::Team("ga".into()),
        ttx_engine::Command::Patch { actor: ga, asset: pa_asset },
    )
    .expect("queued");
    sim.run_to_end();
    let mut w = JournalWriter::new(Vec::new());
    w.write(&Record::header(&scenario, seed, "play")).expect("header");
    let mut notes = vec![
        Record::Note {
            tick: at("E-2d 10:00").0,
            time: "E-2d 10:00".into(),
            module: Some("pre".into()),
            question: Some(0),
            question_text: None,
            author: Some("Dana".into()),
            text: "Clerks call the state help desk first; the EI-ISAC hears a day later.".into(),
        },
        Record::Note {
            tick: at("E+1d 08:00").0,
            time: "E+1d 08:00".into(),
            module: Some("eday".into()),
            question: None,
            question_text: None,
            author: None,
            text: "Paper pollbooks were ready everywhere but one county.".into(),
        },
        // No module given: it belongs to the module running at its time.
        Record::Note {
            tick: at("E+20d 09:00").0,
            time: "E+20d 09:00".into(),
            module: None,
            question: Some(2),
            question_text: None,
            author: Some("Dana".into()),
            text: "ODNI would be late without the FBI's evidence.".into(),
        },
    ]
    .into_iter();
    let records = sim.take_journal_records();
    let mut pending = notes.next();
    for r in records {
        let tick = match &r {
            Record::Command { tick, .. } | Record::Hash { tick, .. } => *tick,
            _ => 0,
        };
        while let Some(Record::Note { tick: nt, .. }) = &pending {
            if *nt > tick {
                break;
            }
            w.write(pending.as_ref().expect("note")).expect("note");
            pending = notes.next();
        }
        w.write(&r).expect("record");
    }
    while let Some(n) = pending {
        w.write(&n).expect("note");
        pending = notes.next();
    }
    w.write(&Record::End { tick: sim.now().0, hash: format!("{:016x}", sim.state_hash()) }).expect("end");
    std::fs::write(path, w.into_inner()).expect("write journal");
}

/// A session journal in `dir` (seed 7) and its Markdown and HTML reports.
fn session_reports(dir: &Path) -> (PathBuf, String, String) {
    let j = dir.join("session.jsonl");
    write_session_journal(&j, 7);
    let (md_path, html_path) = (dir.join("aar.md"), dir.join("aar.html"));
    ok(&["report", s(&j), "--out", s(&md_path)]);
    ok(&["report", s(&j), "--out", s(&html_path)]);
    let md = std::fs::read_to_string(&md_path).expect("md");
    let html = std::fs::read_to_string(&html_path).expect("html");
    (j, md, html)
}

#[test]
fn journal_report_matches_the_replay() {
    let tmp = scratch();
    let dir = tmp.path();
    let (j, md, html) = session_reports(dir);

    let sim = replay(&j);
    let m = sim.metrics();
    let reg = sim.registry();

    // Ratings follow the scenario's thresholds.
    for (name, r) in expected_ratings(&sim, &m) {
        let want = r.map_or("Not rated (no evidence)", |r| LABELS[r]);
        assert_eq!(md_row(&md, &name), vec![name.as_str(), want], "rating of {name}");
    }
    // Counts by category, each event once.
    let c = category_counts(&sim);
    let row = md_row(&md, "All teams (distinct events)");
    let got: Vec<u32> = row[1..].iter().map(|x| x.parse().expect("count")).collect();
    assert_eq!(got, c.to_vec());
    assert_eq!(c[1] as u64, m.intrusions_succeeded);
    // Warned before targeted: one table row per targeted jurisdiction.
    assert!(md.contains(&format!(
        "{} of {} targeted jurisdictions held a matching indicator",
        m.warned_jurisdictions, m.targeted_jurisdictions
    )));
    let warned_section = &md[md.find("### Warned before targeted").expect("section")..];
    let warned_table = &warned_section[..3 + warned_section[3..].find("###").expect("next section")];
    let rows =
        warned_table.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| Jurisdiction")).count();
    assert_eq!(rows as u64, m.targeted_jurisdictions);
    let yes = warned_table.lines().filter(|l| l.contains("| yes |")).count();
    assert_eq!(yes as u64, m.warned_jurisdictions);
    // EO 13848: days and deadlines.
    let eo = &md[md.find("## 6. EO 13848 outcome").expect("EO section")..];
    let day = m.assessment_day.expect("an assessment in a full run");
    assert!(eo.contains(&format!("day {day}, ")), "assessment day {day}");
    if let Some(r) = m.report_day {
        assert!(eo.contains(&format!("day {r}, ")), "report day {r}");
    }
    let met = match m.eo_deadlines_met {
        Some(true) => "| **Deadlines met** | yes",
        Some(false) => "| **Deadlines met** | no",
        None => "| **Deadlines met** | not reached",
    };
    assert!(eo.contains(met));
    assert!(eo.contains(if m.attribution_correct == Some(true) {
        "| **Attribution correct** | yes"
    } else {
        "| **Attribution correct** | no"
    }));
    // Notes under their module and question.
    let pos = |t: &str| md.find(t).unwrap_or_else(|| panic!("`{t}` not in the report"));
    let notes = pos("## 7. Discussion notes");
    let m1 = notes + md[notes..].find("### Module 1: Pre-election").expect("module 1");
    let m2 = notes + md[notes..].find("### Module 2: Election Day").expect("module 2");
    let m3 = notes + md[notes..].find("### Module 3: Post-election").expect("module 3");
    let q1 = m1 + md[m1..].find(&format!("Q1. {}", reg.modules[0].questions[0])).expect("question 1");
    let n1 = pos("Clerks call the state help desk first");
    assert!(q1 < n1 && n1 < m2);
    let n2 = pos("Paper pollbooks were ready everywhere");
    assert!(m2 < n2 && n2 < m3);
    let q3 = m3 + md[m3..].find(&format!("Q3. {}", reg.modules[2].questions[2])).expect("question 3");
    let n3 = pos("ODNI would be late without");
    assert!(q3 < n3);
    assert!(md.contains("E-2d 10:00 — Dana: Clerks call"));
    // Commands: one accepted, one refused.
    let outcomes = sim.outcome_history();
    assert_eq!(outcomes.len(), 2);
    let ga = md_row(&md, "Georgia");
    let refused = outcomes.iter().filter(|o| o.result.is_err()).count();
    assert_eq!(ga[3], format!("{} / {refused}", 2 - refused));
    assert!(md.contains("| refused: "));
    // The improvement plan has a row per area for improvement, with a responsible team and a due date.
    let ip = &md[pos("## 10. Improvement plan")..pos("## Appendix A")];
    let afis = ip.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| #")).count();
    let challenged: usize = reg
        .spec
        .evaluation
        .capabilities
        .iter()
        .flat_map(|c| &c.measures)
        .filter(|x| letter(x, m.get(&x.metric)).is_some_and(|r| r > 0))
        .count();
    assert_eq!(afis, challenged.max(1));
    if challenged > 0 {
        assert!(ip.contains("2026-10-04"), "due 30 days before the 2026-11-03 election");
    }

    // The HTML says the same, is well-formed and self-contained, with its charts inline.
    let svgs = assert_self_contained(&html);
    let charts = std::fs::read_dir(dir.join("aar-charts")).expect("markdown charts").count();
    assert_eq!(svgs, charts, "every chart is inline in the HTML and a file beside the Markdown");
    assert!(svgs >= 3, "timeline, confidence and at least one indicator flow");
    for e in std::fs::read_dir(dir.join("aar-charts")).expect("charts") {
        let text = std::fs::read_to_string(e.expect("entry").path()).expect("svg");
        roxmltree::Document::parse(&text).expect("chart parses");
    }
    assert!(html.contains("contenteditable=\"true\""), "the improvement plan is editable");
    // Deterministic: the same journal gives the same bytes.
    let again = dir.join("again.html");
    ok(&["report", s(&j), "--out", s(&again)]);
    assert_eq!(std::fs::read(&again).expect("again"), html.into_bytes());
}

#[test]
fn a_session_that_ended_early_reports_what_is_pending() {
    let tmp = scratch();
    let dir = tmp.path();
    let j = dir.join("early.jsonl");
    ok(&["run", "--seed", "3", "--until", "E+10d 00:00", "--journal", s(&j)]);
    let md_path = dir.join("early.md");
    ok(&["report", s(&j), "--format", "md", "--out", s(&md_path)]);
    let md = std::fs::read_to_string(&md_path).expect("md");
    assert!(md.contains("ends at E+10d 00:00"));
    assert!(md.contains("| **Assessment delivered** | not reached by the end of the record (E+10d 00:00)"));
    assert!(md.contains("The journal holds no discussion notes."));
    assert!(md.contains("| **Deadlines met** | not reached"), "no deadline had fallen due");
}

#[test]
fn deadlines_not_yet_due_are_not_reached_and_not_rated() {
    let tmp = scratch();
    let dir = tmp.path();
    let src = builtin::default_scenario().expect("default").source().to_string();
    let end = src.rfind(')').expect("closing paren");
    let evaluation = r#"
    evaluation: (capabilities: [
        (name: "EO 13848 process", measures: [
            (metric: "eo_deadlines_met", without_challenges: 1, some_challenges: 1, major_challenges: 1),
        ]),
    ]),
"#;
    let sc = dir.join("eo.ron");
    std::fs::write(&sc, format!("{}{evaluation}{}", &src[..end], &src[end..])).expect("scenario");
    // Ten days after the election: the assessment is not due for another 35.
    let j = dir.join("eo.jsonl");
    let out = ok(&["run", s(&sc), "--until", "E+10d 00:00", "--journal", s(&j), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("metrics JSON");
    assert!(v["eo_deadlines_met"].is_null(), "not reached is null, not false: {}", v["eo_deadlines_met"]);
    let md_path = dir.join("eo.md");
    ok(&["report", s(&j), "--format", "md", "--out", s(&md_path)]);
    let md = std::fs::read_to_string(&md_path).expect("md");
    assert_eq!(md_row(&md, "EO 13848 process"), vec!["EO 13848 process", "Not rated (no evidence)"]);
    assert!(md.contains("| **Deadlines met** | not reached"));
    assert!(!md.contains("Unable to be Performed (U)"), "nothing failed yet");
}

/// The built-in scenario with a second capability, and optionally slow EI-ISAC alerts.
fn scenario_variant(slow: bool) -> String {
    let src = builtin::default_scenario().expect("default").source().to_string();
    let sharing = "    sharing: (\n        isac_membership: 0.5,\n        tearline_h: 72,\n    ),";
    assert!(src.contains(sharing), "the built-in scenario's sharing section moved; update this test");
    let slowed = "    sharing: (\n        isac_membership: 0.5,\n        tearline_h: 72,\n        channels: (isac_to_members: (min_h: 60, median_h: 150, p90_h: 300, max_h: 400), state_to_locals: (min_h: 60, median_h: 150, p90_h: 300, max_h: 400)),\n    ),";
    let src = if slow { src.replace(sharing, slowed) } else { src };
    let end = src.rfind(')').expect("closing paren");
    let evaluation = r#"
    evaluation: (capabilities: [
        (name: "Intelligence and Information Sharing", measures: [
            (metric: "warned_before_targeted", without_challenges: 0.6, some_challenges: 0.4, major_challenges: 0.2),
            (metric: "alert_reach_h_p90", higher_is_better: false, without_challenges: 12, some_challenges: 48, major_challenges: 120),
        ]),
        (name: "Cybersecurity", measures: [
            (metric: "dwell_time_h_p50", higher_is_better: false, without_challenges: 72, some_challenges: 240, major_challenges: 720),
        ]),
    ]),
"#;
    format!("{}{evaluation}{}", &src[..end], &src[end..])
}

#[test]
fn slowed_sharing_crosses_to_a_worse_rating() {
    let tmp = scratch();
    let dir = tmp.path();
    let mut ratings = Vec::new();
    for slow in [false, true] {
        let sc = dir.join(if slow { "slow.ron" } else { "base.ron" });
        std::fs::write(&sc, scenario_variant(slow)).expect("scenario");
        Scenario::parse("variant", &scenario_variant(slow)).expect("the variant is valid");
        let j = dir.join(if slow { "slow.jsonl" } else { "base.jsonl" });
        ok(&["run", s(&sc), "--seed", "7", "--journal", s(&j)]);
        let md_path = dir.join(if slow { "slow.md" } else { "base.md" });
        ok(&["report", s(&j), "--out", s(&md_path)]);
        let md = std::fs::read_to_string(&md_path).expect("md");
        let sim = replay(&j);
        let expected = expected_ratings(&sim, &sim.metrics());
        assert_eq!(expected.len(), 2);
        for (name, r) in &expected {
            let want = r.map_or("Not rated (no evidence)", |r| LABELS[r]);
            assert_eq!(md_row(&md, name), vec![name.as_str(), want]);
            assert!(md.contains(&format!("### {name}")), "a section for {name}");
        }
        ratings.push(expected[0].1.expect("sharing is rated"));
    }
    assert!(ratings[1] > ratings[0], "slower alerts rate worse: {ratings:?}");
}

/// Writes a batch directory in the format `ttx batch` writes.
fn write_batch(dir: &Path, with_plots: bool) -> (Vec<String>, Vec<String>) {
    let sim = Sim::new(&builtin::default_scenario().expect("default"), 1);
    let metrics: Vec<String> = sim.metrics().scalars().into_iter().map(|(n, _)| n.to_string()).collect();
    let values = ["0.1", "0.5", "0.9"];
    let path = "sharing.isac_membership";
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::json!({
            "ttx_version": "0.1.0",
            "scenario": "scenarios/research/sharing_2020.ron",
            "scenario_name": "Sharing research",
            "scenario_hash": "0123456789abcdef",
            "seed": 42,
            "runs": 4,
            "sweeps": [{"path": path, "values": [0.1, 0.5, 0.9]}],
            "points": 3,
            "shard": null,
            "arguments": ["scenarios/research/sharing_2020.ron", "--runs", "4", "--sweep", "sharing.isac_membership=0.1,0.5,0.9", "--plots", "--out", "out/"]
        })
        .to_string(),
    )
    .expect("manifest");
    let mut summary = format!("point,{path},metric,n,mean,sd,ci95_low,ci95_high,p5,p50,p95\n");
    let mut runs = format!("point,run,seed,{path},{}\n", metrics.join(","));
    for (p, v) in values.iter().enumerate() {
        for (k, m) in metrics.iter().enumerate() {
            if m == "attribution_day" {
                summary.push_str(&format!("{p},{v},{m},0,,,,,,,\n"));
                continue;
            }
            let mean = (p as f64 + 1.0) * 0.25 + k as f64;
            summary.push_str(&format!(
                "{p},{v},{m},4,{mean},0.1,{},{},{},{mean},{}\n",
                mean - 0.1,
                mean + 0.1,
                mean - 0.2,
                mean + 0.2
            ));
        }
        for r in 0..4 {
            let cells: Vec<String> = (0..metrics.len()).map(|k| format!("{}", k + r)).collect();
            runs.push_str(&format!("{p},{r},{},{v},{}\n", 1000 + r, cells.join(",")));
        }
    }
    std::fs::write(dir.join("summary.csv"), summary).expect("summary");
    std::fs::write(dir.join("runs.csv"), runs).expect("runs");
    if with_plots {
        std::fs::create_dir_all(dir.join("plots")).expect("plots");
        let svg = |t: &str| {
            format!(
                "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"50\" onload=\"alert(1)\"><script>alert(1)</script><rect id=\"bg\" width=\"100\" height=\"50\" fill=\"#eee\"/><text x=\"5\" y=\"20\">{t}</text><a><SET attributeName=\"href\" to=\"JavaScript:alert(1)\"/><Script>alert(1)</Script><rect OnClick=\"alert(1)\" width=\"9\" height=\"9\"/></a><use xlink:href=\"javascript:alert(1)\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"/><image href=\"https://example.org/x.png\" width=\"1\" height=\"1\"/></svg>"
            )
        };
        std::fs::write(dir.join("plots/warned_before_targeted.svg"), svg("warned")).expect("plot");
        std::fs::write(dir.join(format!("plots/warned_before_targeted_vs_{path}.svg")), svg("warned vs"))
            .expect("plot");
    }
    (metrics, values.iter().map(|v| v.to_string()).collect())
}

#[test]
fn batch_report_lists_every_point_and_metric() {
    let tmp = scratch();
    let dir = tmp.path();
    let b = dir.join("out");
    std::fs::create_dir_all(&b).expect("batch dir");
    let (metrics, values) = write_batch(&b, true);
    let stdout = ok(&["report", s(&b), "--out", s(&dir.join("batch.md"))]);
    assert!(stdout.contains("3 sweep points"));
    ok(&["report", s(&b), "--out", s(&dir.join("batch.html"))]);
    let md = std::fs::read_to_string(dir.join("batch.md")).expect("md");
    let html = std::fs::read_to_string(dir.join("batch.html")).expect("html");
    let stats =
        &md[md.find("## 3. Summary statistics").expect("summary")..md.find("## 4. Plots").expect("plots")];
    for (p, v) in values.iter().enumerate() {
        for m in &metrics {
            let prefix = format!("| {p} | {v} | {m} |");
            assert!(stats.lines().any(|l| l.starts_with(&prefix)), "summary row {prefix} missing");
        }
    }
    let rows = stats.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| Point")).count();
    assert_eq!(rows, values.len() * metrics.len());
    // The effect of the sweep, with intervals, for a key metric; the reproduction command.
    assert!(md.contains("### Warned before targeted (warned_before_targeted)"));
    assert!(md.contains("ttx batch scenarios/research/sharing_2020.ron --runs 4 --sweep sharing.isac_membership=0.1,0.5,0.9 --plots --out out/"));
    assert!(md.contains("| 0123456789abcdef |"));
    // Plots inline in the HTML, made safe; files beside the Markdown.
    let svgs = assert_self_contained(&html);
    let effect_charts = md.matches("](batch-charts/effect-").count();
    assert_eq!(svgs, effect_charts + 2, "every effect chart and both plots");
    assert!(!html.contains("alert(1)"));
    assert!(html.contains("id=\"plot0-bg\""));
    assert_eq!(std::fs::read_dir(dir.join("batch-charts")).expect("charts").count(), effect_charts + 2);
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let tmp = scratch();
    let dir = tmp.path();
    let out = dir.join("r.html");
    let o = s(&out);
    fails_with(&["report", s(&dir.join("missing.jsonl")), "--out", o], "cannot read");
    let text = dir.join("notes.txt");
    std::fs::write(&text, "these are my notes\n").expect("write");
    fails_with(&["report", s(&text), "--out", o], "is not a ttx session journal");
    let empty = dir.join("empty.jsonl");
    std::fs::write(&empty, "").expect("write");
    fails_with(&["report", s(&empty), "--out", o], "no header");
    let not_batch = dir.join("somedir");
    std::fs::create_dir_all(&not_batch).expect("dir");
    fails_with(&["report", s(&not_batch), "--out", o], "not a ttx batch directory");
    std::fs::write(not_batch.join("manifest.json"), "{}").expect("write");
    std::fs::write(not_batch.join("summary.csv"), "a,b\n1,2\n").expect("write");
    fails_with(&["report", s(&not_batch), "--out", o], "not a ttx batch manifest");

    // A journal changed after it was written does not verify.
    let j = dir.join("run.jsonl");
    ok(&["run", "--seed", "5", "--until", "E-40d 00:00", "--journal", s(&j)]);
    let tampered = dir.join("tampered.jsonl");
    let original = std::fs::read_to_string(&j).expect("journal");
    assert!(original.contains("\"seed\":5"));
    std::fs::write(&tampered, original.replace("\"seed\":5", "\"seed\":6")).expect("write");
    fails_with(&["report", s(&tampered), "--out", o], "does not verify");
    let edited = dir.join("edited.jsonl");
    std::fs::write(&edited, original.replace("Tabletop the Vote", "Tabletop the Vote!")).expect("write");
    fails_with(&["report", s(&edited), "--out", o], "does not replay");
    assert!(!out.exists(), "no report from bad input");
}

/// Runs a scenario given as text to its end with a journal, and reports on it in Markdown.
fn run_and_report(dir: &Path, name: &str, scenario: &str) -> (String, Sim) {
    let sc = dir.join(format!("{name}.ron"));
    std::fs::write(&sc, scenario).expect("scenario");
    let j = dir.join(format!("{name}.jsonl"));
    ok(&["run", s(&sc), "--seed", "1", "--journal", s(&j)]);
    let md_path = dir.join(format!("{name}.md"));
    ok(&["report", s(&j), "--format", "md", "--out", s(&md_path)]);
    (std::fs::read_to_string(&md_path).expect("md"), replay(&j))
}

#[test]
fn first_detection_names_the_detector_even_when_it_was_warned() {
    // Harbor County learns of the campaign from a tip before the campaign reaches it, and then
    // makes the campaign's first detection; Ashgrove, never warned, detects it later.
    let scenario = r#"Scenario(
    name: "A warned county detects first",
    clock: (start: "E-20d 08:00", end: "E+50d 00:00"),
    geography: (states: Only(["PA"]), jurisdictions: Listed([
        (id: "ashgrove", state: "PA", name: "Ashgrove County", voters: 35000),
        (id: "harbor", state: "PA", name: "Harbor County", voters: 410000),
    ])),
    techniques: (
        phishing: (success: 0.0, block: 0.0, block_with_indicator: 0.0, detect_boost: 1.0),
        detection: (none: 1.0, basic: 1.0, network_sensor: 1.0, endpoint: 1.0, persistence_tempo_h: 24),
    ),
    adversaries: [(id: "crimson", name: "Adversary A", stealth: 0.0, intel_coverage: 0.0, campaigns: [
        (id: "phish", name: "County phishing", objective: StealAndLeak, technique: Phishing,
         start: "E-15d 08:00", spacing_h: 48,
         targets: (kinds: [OfficeIt], jurisdictions: ["harbor", "ashgrove"], count: 2, prefer: Largest)),
    ])],
    injects: [(id: "tip", title: "A tip reaches Harbor County", trigger: At("E-18d 09:00"),
        effects: [Notify(campaign: "phish", from: Fbi, to: [Local("harbor")])])],
)"#;
    let tmp = scratch();
    let (md, sim) = run_and_report(tmp.path(), "warned", scenario);
    let reg = sim.registry();
    let (tick, detector) = sim
        .events()
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Detected { detector, .. } => Some((e.tick, *detector)),
            _ => None,
        })
        .expect("detection is certain");
    assert_eq!(reg.actor(detector).name, "Harbor County");
    assert!(
        sim.events()
            .iter()
            .any(|e| matches!(e.kind, EventKind::Detected { detector: d, .. } if d != detector)),
        "Ashgrove detects too"
    );
    let row = md_row(&md, "**First detected**");
    assert_eq!(row[1], format!("{} by Harbor County", reg.clock.at(tick)));
}

#[test]
fn adversaries_with_campaigns_include_those_an_inject_put_inside() {
    let scenario = r#"Scenario(
    name: "Two adversaries, both brought in by injects",
    clock: (start: "E-20d 08:00", end: "E+50d 00:00"),
    geography: (states: Only(["PA"]), jurisdictions: Listed([
        (id: "harbor", state: "PA", name: "Harbor County", voters: 410000),
        (id: "ridge", state: "PA", name: "Ridge County", voters: 260000),
    ])),
    adversaries: [
        (id: "crimson", name: "Adversary A", campaigns: [
            (id: "phish", name: "County phishing", objective: StealAndLeak, technique: Phishing,
             targets: (kinds: [OfficeIt], count: 2)),
        ]),
        (id: "azure", name: "Adversary B", campaigns: [
            (id: "inside", name: "Already inside", objective: StealAndLeak, technique: Phishing,
             targets: (kinds: [OfficeIt], count: 1)),
        ]),
        (id: "idle", name: "Adversary C", campaigns: [
            (id: "never", name: "Never started", objective: StealAndLeak, technique: Phishing,
             targets: (kinds: [OfficeIt], count: 1)),
        ]),
    ],
    injects: [
        (id: "wave", title: "Clerks report odd emails", trigger: At("E-18d 09:00"),
         effects: [StartCampaign("phish")]),
        (id: "found", title: "An intruder is found", trigger: At("E-10d 09:00"),
         effects: [Compromise(campaign: "inside", target: (kinds: [OfficeIt], jurisdictions: ["ridge"]))]),
    ],
)"#;
    let tmp = scratch();
    let (md, _) = run_and_report(tmp.path(), "adversaries", scenario);
    let row = md_row(&md, "**Adversaries with campaigns in this run**");
    assert_eq!(row[1], "Adversary A, Adversary B");
}

#[test]
fn the_report_has_a_page_per_team_with_what_it_did_and_was_told() {
    let tmp = scratch();
    let dir = tmp.path();
    let (j, md, html) = session_reports(dir);
    let sim = replay(&j);
    let reg = sim.registry();
    for team in &reg.teams {
        assert!(html.contains(&format!("href=\"#team-{}\"", team.id)), "contents link to {}", team.id);
    }
    let ga = reg.teams.iter().find(|t| t.id == "ga").expect("ga");
    let start = md.find(&format!("Team page: {}", ga.name)).expect("ga's page");
    let page = &md[start..];
    let page = &page[..page.find("\n## ").unwrap_or(page.len())];
    let v = sim.team_view("ga").expect("view");
    assert_eq!(v.outcomes.len(), 2, "both of ga's commands");
    let did =
        &page[page.find("### What it did").expect("did")..page.find("### What it was told").expect("told")];
    for o in &v.outcomes {
        assert!(did.contains(&format!("{} — {}", reg.clock.at(o.tick), o.command.summary())), "{did}");
    }
    assert_eq!(did.matches("(applied)").count(), 1, "{did}");
    assert_eq!(did.matches("(rejected: ").count(), 1, "{did}");
    let told = &page[page.find("### What it was told").expect("told")..];
    let last = v.inbox.last().expect("ga was told something");
    assert!(told.contains(&format!("{} — ", last.time)) && told.contains(&last.title), "{told}");
}
