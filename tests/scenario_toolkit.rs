//! The scenario author's toolkit: `ttx new` templates, `ttx schema` and the field reference
//! of docs/scenarios.md, warnings, `ttx validate --format json` and the wording of errors.

use serde_json::Value;
use ttx_engine::scenario::reference;
use ttx_engine::scenario::schema::*;

use crate::harness::*;

const TEMPLATES: [&str; 5] = ["tabletop", "ransomware", "vendor", "national", "blank"];

const SECTIONS: [&str; 19] = [
    "name",
    "description",
    "objectives",
    "clock",
    "modules",
    "geography",
    "teams",
    "vendors",
    "posture",
    "sharing",
    "techniques",
    "adversaries",
    "doctrines",
    "public",
    "electorate",
    "eo13848",
    "injects",
    "inject_templates",
    "evaluation",
];

#[test]
fn every_template_writes_a_commented_scenario_that_validates_without_warnings_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    for t in TEMPLATES {
        let file = dir.path().join(format!("{t}.ron"));
        let f = file.to_str().unwrap();
        let o = ttx(&["new", "--template", t, f]);
        assert_exit(&o, 0);
        let text = std::fs::read_to_string(&file).unwrap();
        for section in SECTIONS {
            assert!(text.contains(&format!("\n    {section}: ")), "{t}: no `{section}` section");
        }
        assert!(text.matches("//").count() > 60, "{t}: the fields are explained in comments");
        let o = ttx(&["validate", "--deny-warnings", f]);
        assert_exit(&o, 0);
        assert!(!stderr(&o).contains("warning"), "{t}: {}", stderr(&o));
        // The national template is the full country: run it a few days only.
        let until = if t == "national" { "E-50d 00:00" } else { "E+90d 00:00" };
        let o = ttx(&["run", f, "--until", until]);
        assert_exit(&o, 0);
        // The sections written at their defaults say the defaults: the comments beside them are true.
        let spec = scenario(&file).spec().clone();
        assert_eq!(spec.posture, PostureSpec::default(), "{t}: posture");
        assert_eq!(spec.sharing, SharingSpec::default(), "{t}: sharing");
        assert_eq!(spec.techniques, TechniquesSpec::default(), "{t}: techniques");
        assert_eq!(spec.doctrines, DoctrinesSpec::default(), "{t}: doctrines");
        assert_eq!(spec.public, PublicSpec::default(), "{t}: public");
        assert_eq!(spec.electorate, ElectorateSpec::default(), "{t}: electorate");
        assert_eq!(spec.eo13848, Eo13848Spec::default(), "{t}: eo13848");
        assert_eq!(spec.evaluation, EvaluationSpec::default(), "{t}: evaluation");
    }
}

#[test]
fn ttx_new_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.ron");
    std::fs::write(&file, "my work").unwrap();
    let o = ttx(&["new", file.to_str().unwrap()]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "my work");
    let o = ttx(&["new", "--template", "nope", dir.path().join("x.ron").to_str().unwrap()]);
    assert_exit(&o, 2);
}

/// A small JSON Schema check: the keywords `ttx schema` uses (`$ref`, `type`, `properties`,
/// `required`, `additionalProperties`, `items`, `oneOf`, `anyOf`, `const`, `enum`, `minimum`).
fn valid(schema: &Value, root: &Value, v: &Value) -> Result<(), String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        let def = root["$defs"].get(name).ok_or(format!("no definition {name}"))?;
        valid(def, root, v)?;
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        return Err(format!("{v} is not {c}"));
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        return Err(format!("{v} is not one of {e:?}"));
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "null" => v.is_null(),
            "boolean" => v.is_boolean(),
            "string" => v.is_string(),
            "integer" => v.is_u64() || v.is_i64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
            "number" => v.is_number(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => false,
        });
        if !ok {
            return Err(format!("{v} is not of type {types:?}"));
        }
    }
    if let (Some(min), Some(x)) = (schema.get("minimum").and_then(Value::as_f64), v.as_f64())
        && x < min
    {
        return Err(format!("{x} is below {min}"));
    }
    if let Some(obj) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for r in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let r = r.as_str().unwrap_or_default();
            if !obj.contains_key(r) {
                return Err(format!("`{r}` is required"));
            }
        }
        for (k, x) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(p) => valid(p, root, x).map_err(|e| format!("{k}: {e}"))?,
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => return Err(format!("unknown field `{k}`")),
                    Some(s @ Value::Object(_)) => valid(s, root, x).map_err(|e| format!("{k}: {e}"))?,
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(a)) = (schema.get("items"), v.as_array()) {
        for (i, x) in a.iter().enumerate() {
            valid(items, root, x).map_err(|e| format!("[{i}]: {e}"))?;
        }
    }
    if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
        let n = one.iter().filter(|s| valid(s, root, v).is_ok()).count();
        if n != 1 {
            return Err(format!("{v} matches {n} of the oneOf alternatives, not exactly one"));
        }
    }
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array)
        && !any.iter().any(|s| valid(s, root, v).is_ok())
    {
        return Err(format!("{v} matches none of the anyOf alternatives"));
    }
    Ok(())
}

fn printed_schema() -> Value {
    let o = ttx(&["schema"]);
    assert_exit(&o, 0);
    serde_json::from_str(&stdout(&o)).expect("ttx schema prints JSON")
}

#[test]
fn the_json_schema_accepts_every_shipped_scenario_and_rejects_broken_ones() {
    let schema = printed_schema();
    assert_eq!(schema, reference::json_schema());
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let files = shipped();
    assert!(files.len() >= 6);
    let mut tabletop = Value::Null;
    for f in &files {
        let json = serde_json::to_value(scenario(f).spec()).unwrap();
        valid(&schema, &schema, &json).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if f.ends_with("tabletop_the_vote.ron") {
            tabletop = json;
        }
    }
    // What the loader refuses, the schema refuses.
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut v = tabletop.clone();
        edit(&mut v);
        valid(&schema, &schema, &v)
    };
    assert!(broken(&|_| {}).is_ok());
    let e =
        broken(&|v| v["geography"]["jurisdictions"] = serde_json::json!({"Generated": {"per_state": 6.5}}));
    assert!(e.is_err(), "a fraction for an integer");
    let e = broken(&|v| v["teams"][0]["contrls"] = serde_json::json!([]));
    assert!(e.as_ref().is_err_and(|e| e.contains("unknown field `contrls`")), "{e:?}");
    let e = broken(&|v| {
        v.as_object_mut().unwrap().remove("clock");
    });
    assert!(e.as_ref().is_err_and(|e| e.contains("`clock` is required")), "{e:?}");
    let e = broken(&|v| v["adversaries"][0]["campaigns"][0]["technique"] = "Phishng".into());
    assert!(e.is_err(), "an unknown technique");
    let e = broken(&|v| v["teams"][0]["controls"][0] = serde_json::json!({"Sheriff": "PA"}));
    assert!(e.is_err(), "an unknown actor form");
}

/// The reference names what authors look for, and `ttx schema --markdown` prints it (the docs
/// hold it: see `docs::docs_scenarios_md_holds_the_field_reference_generated_from_the_types`).
#[test]
fn the_field_reference_names_what_authors_look_for_and_ttx_schema_prints_it() {
    let want = reference::markdown_reference();
    // It names what authors look for: asset kinds, techniques, objectives, actor forms, metrics.
    for word in [
        "`VoterRegistration`",
        "`DenialOfService`",
        "`StealAndLeak`",
        "`StateOffice(...)`",
        "`LocalsOf(...)`",
        "`warned_before_targeted`",
    ] {
        assert!(want.contains(word), "the reference names {word}");
    }
    for m in ttx_engine::metrics::measurable_metrics() {
        assert!(want.contains(&format!("`{m}`")), "the reference lists the metric {m}");
    }
    let o = ttx(&["schema", "--markdown"]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), want);
}

#[test]
fn each_warning_fixture_warns_where_the_mistake_is_and_exits_0() {
    let spec = std::fs::read_to_string(path("tests/fixtures/warnings/expected.txt")).unwrap();
    let mut files = std::collections::BTreeSet::new();
    for line in spec.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let mut parts = line.splitn(3, ' ');
        let (file, at, fragment) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        let rel = format!("tests/fixtures/warnings/{file}");
        let o = ttx(&["validate", &rel]);
        assert_exit(&o, 0);
        assert!(stdout(&o).contains("1 warning)"), "{file}: {}", stdout(&o));
        let err = stderr(&o);
        let expected = format!("{rel}:{at}: warning: ");
        let line = err.lines().find(|l| l.starts_with(&expected)).unwrap_or_else(|| {
            panic!("{file}: expected a warning at {at}, got:\n{err}");
        });
        assert!(line.contains(fragment), "{file}: expected `{fragment}` in `{line}`");
        assert!(err.contains("= help: "), "{file}: {err}");
        let o = ttx(&["validate", "--deny-warnings", &rel]);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains("(warnings denied)"), "{}", stderr(&o));
        files.insert(file.to_string());
    }
    let on_disk = std::fs::read_dir(path("tests/fixtures/warnings"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "ron"))
        .count();
    assert_eq!(on_disk, files.len(), "every warning fixture has an expectation");
    assert_eq!(files.len(), 7);
}

#[test]
fn shipped_scenarios_have_no_warnings() {
    let files: Vec<String> = shipped().iter().map(|p| p.display().to_string()).collect();
    let mut args = vec!["validate", "--deny-warnings"];
    args.extend(files.iter().map(String::as_str));
    let o = ttx(&args);
    assert_exit(&o, 0);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn validate_format_json_lists_every_diagnostic_for_editors() {
    let o = ttx(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/broken/21_several_problems.ron",
        "tests/fixtures/warnings/02_dos_steal.ron",
        "scenarios/county_ransomware.ron",
        "no/such/file.ron",
    ]);
    assert_exit(&o, 2);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    assert_eq!(v["files"], 4);
    assert_eq!(v["failed"], 2);
    assert_eq!(v["warnings"], 1);
    let d = v["diagnostics"].as_array().unwrap();
    let errors: Vec<&Value> = d.iter().filter(|x| x["severity"] == "error").collect();
    assert_eq!(errors.len(), 4, "{d:?}");
    assert_eq!(v["errors"], 4);
    let first = errors[0];
    assert_eq!(first["file"], "tests/fixtures/broken/21_several_problems.ron");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(5), Some(37)));
    assert!(first["message"].as_str().unwrap().contains("unknown state code `XX`"));
    assert!(first["help"].is_string());
    let w = d.iter().find(|x| x["severity"] == "warning").unwrap();
    assert_eq!(w["file"], "tests/fixtures/warnings/02_dos_steal.ron");
    assert_eq!((w["line"].as_u64(), w["column"].as_u64()), (Some(6), Some(41)));
    assert!(
        d.iter().any(
            |x| x["file"] == "no/such/file.ron" && x["message"].as_str().unwrap().contains("cannot read")
        )
    );
    // Warnings alone exit 0, unless denied.
    let o = ttx(&["validate", "--format", "json", "tests/fixtures/warnings/02_dos_steal.ron"]);
    assert_exit(&o, 0);
    let o =
        ttx(&["validate", "--format", "json", "--deny-warnings", "tests/fixtures/warnings/02_dos_steal.ron"]);
    assert_exit(&o, 2);
}

#[test]
fn the_closing_count_is_printed_once() {
    let o = ttx(&["validate", "tests/fixtures/broken/21_several_problems.ron"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert_eq!(err.matches("problems in").count(), 1, "{err}");
    assert!(err.trim_end().ends_with("3 problems in 1 of 1 file"), "{err}");
}

#[test]
fn messages_point_at_the_value_and_say_what_to_write() {
    let check = |file: &str, want: &[&str]| {
        let o = ttx(&["validate", &format!("tests/fixtures/broken/{file}")]);
        assert_exit(&o, 2);
        let err = stderr(&o);
        for w in want {
            assert!(err.contains(w), "{file}: expected `{w}` in\n{err}");
        }
    };
    check(
        "25_fraction_for_integer.ron",
        &["expected a whole number, found `6.5`", "^^^", "integer such as `6`"],
    );
    check(
        "26_list_not_closed.ron",
        &["`injects` starts a new section", "add `]` (and a comma) before `injects`", "opened here: "],
    );
    check(
        "27_unclosed_string.ron",
        &["2:11: error: this string is not closed on its line", "add the closing `\"`"],
    );
    check("28_team_case.ron", &["did you mean \"fbi\"?", "did you mean \"AZ\"?"]);
    check(
        "29_duplicate_module.ron",
        &["note: first defined here: tests/fixtures/broken/29_duplicate_module.ron:5:14"],
    );
    // The whole value is marked, not its first character.
    check("30_wrong_type_span.ron", &["5:32: error: Expected float", "^^^^^^", "write a number"]);
}

/// A one-state scenario with the given campaigns and injects.
fn small_scenario(campaigns: &str, injects: &str) -> String {
    format!(
        r#"Scenario(
    name: "Small",
    clock: (start: "E-20d 08:00", end: "E+2d 00:00"),
    geography: (states: Only(["PA"]), jurisdictions: Listed([
        (id: "harbor", state: "PA", name: "Harbor County", voters: 410000),
        (id: "ridge", state: "PA", name: "Ridge County", voters: 260000),
    ])),
    teams: [(id: "pa", name: "Pennsylvania", controls: [StateOffice("PA")])],
    adversaries: [(id: "crimson", name: "Adversary A", kind: Criminal, campaigns: [
{campaigns}
    ])],
    injects: [
{injects}
    ],
)"#
    )
}

#[test]
fn an_influence_campaign_may_leave_out_its_technique_and_an_intrusion_campaign_may_not() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("influence.ron");
    let influence = r#"        (id: "lies", name: "Lies", objective: Influence, start: "E-10d 00:00", surge_every_h: 24),"#;
    std::fs::write(&file, small_scenario(influence, "")).unwrap();
    let f = file.to_str().unwrap();
    let o = ttx(&["validate", "--deny-warnings", f]);
    assert_exit(&o, 0);
    let o = ttx(&["run", f, "--json"]);
    assert_exit(&o, 0);
    let m: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(m["confidence_final"].as_f64().unwrap() < 60.0, "the surges cost confidence: {m}");
    // Intelligence about it reads as an influence operation, not as an access technique.
    let sc = scenario(&file);
    assert_eq!(sc.registry().campaigns[0].technique(), None);

    // Old scenarios that give a technique keep it.
    let file2 = dir.path().join("old.ron");
    let with = r#"        (id: "lies", name: "Lies", objective: Influence, technique: Phishing, start: "E-10d 00:00"),"#;
    std::fs::write(&file2, small_scenario(with, "")).unwrap();
    assert_exit(&ttx(&["validate", "--deny-warnings", file2.to_str().unwrap()]), 0);
    assert_eq!(scenario(&file2).registry().campaigns[0].technique(), Some(Technique::Phishing));

    // A campaign that attacks assets without one: file:line:col at the campaign, and what to write.
    let file3 = dir.path().join("missing.ron");
    let disrupt = r#"        (id: "lock", name: "Lock", objective: Disrupt, targets: (kinds: [OfficeIt])),"#;
    std::fs::write(&file3, small_scenario(disrupt, "")).unwrap();
    let o = ttx(&["validate", file3.to_str().unwrap()]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    let want = format!(
        "{}:10:9: error: a campaign that attacks assets (objective `Disrupt`) needs a technique",
        file3.display()
    );
    assert!(err.contains(&want), "{err}");
    assert!(err.contains("add `technique: Phishing`"), "{err}");
}

#[test]
fn a_channel_in_an_expected_action_belongs_to_a_share() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("channel.ron");
    let camp = r#"        (id: "phish", name: "Phish", objective: StealAndLeak, technique: Phishing, targets: (kinds: [OfficeIt])),"#;
    let inj = r#"        (id: "a", title: "A", trigger: At("E-19d 09:00"), expected_actions: [
            (team: "pa", command: share_indicator, target: "phish", channel: StateToIsac),
            (team: "pa", command: isolate, channel: StateToIsac),
        ]),"#;
    std::fs::write(&file, small_scenario(camp, inj)).unwrap();
    let o = ttx(&["validate", file.to_str().unwrap()]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains(":15:53: error: only a shared indicator goes out on a channel, not `isolate`"),
        "{err}"
    );
    assert!(err.contains("remove `channel`, or expect `command: share_indicator`"), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "the share's channel is fine: {err}");
}

#[test]
fn a_compromise_starts_a_campaign_that_has_not_started() {
    let dir = tempfile::tempdir().unwrap();
    // Dormant, and with a start after the inject: before, the inject marked either campaign
    // active without a target list, so it never went after Harbor County and its own start
    // changed nothing. Now the inject starts it, and it goes on to its other targets.
    for (k, start) in [(0, ""), (1, r#"start: "E-5d 00:00", "#)] {
        let camp = format!(
            r#"        (id: "inside", name: "Inside", objective: StealAndLeak, technique: Phishing, {start}targets: (kinds: [OfficeIt]), spacing_h: 1),"#
        );
        let inj = r#"        (id: "found", title: "Found", trigger: At("E-15d 09:00"),
         effects: [Compromise(campaign: "inside", target: (kinds: [OfficeIt], jurisdictions: ["ridge"]))]),"#;
        let file = dir.path().join(format!("c{k}.ron"));
        std::fs::write(&file, small_scenario(&camp, inj)).unwrap();
        let f = file.to_str().unwrap();
        assert_exit(&ttx(&["validate", "--deny-warnings", f]), 0);
        let o = ttx(&["run", f, "--json"]);
        assert_exit(&o, 0);
        let m: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        // It started at the inject's hour (E-15d 09:00 is hour -351), and went on to the other
        // targets: Harbor County and the state office, not Ridge a second time.
        let c = &m["campaigns"][0];
        assert_eq!(c["started_h"], -351, "{start}: {c}");
        assert_eq!(c["targets"], 2, "{start}: {c}");
        let by = |j: &str| {
            m["jurisdictions"].as_array().unwrap().iter().find(|x| x["jurisdiction"] == j).unwrap()["targeted_by"]
                .clone()
        };
        assert_eq!(by("harbor"), "inside", "{start}: {m}");
        assert_eq!(by("ridge"), Value::Null, "{start}: implanted, not attacked again");
        // The start is in the log once, at the inject's hour.
        let sc = scenario(&file);
        let mut sim = ttx_engine::Sim::new(&sc, 1);
        sim.run_to_end();
        let started: Vec<String> = sim
            .log_lines(None, ttx_engine::Severity::Info, 0)
            .into_iter()
            .filter(|l| l.text.starts_with("Campaign started"))
            .map(|l| format!("{} {}", l.time, l.text))
            .collect();
        assert_eq!(started.len(), 1, "{started:?}");
        assert!(started[0].starts_with("E-15d 09:00"), "{started:?}");
    }
}
