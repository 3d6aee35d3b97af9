//! Tests of sweeps: paths, values, ranges, grids and the messages that refuse them.

use super::*;
use ttx_engine::builtin;

fn base() -> (Scenario, Value) {
    let s = builtin::default_scenario().unwrap();
    let t = tree(s.spec()).unwrap();
    (s, t)
}

#[test]
fn the_tree_reads_back_as_the_same_scenario() {
    let (s, t) = base();
    let back: ScenarioSpec = serde_json::from_value(t).unwrap();
    assert_eq!(&back, s.spec());
    let again = Scenario::from_spec("x", &back).unwrap();
    assert_eq!(again.hash(), s.hash());
}

#[test]
fn paths_by_name_id_and_index() {
    let (_, t) = base();
    let args = [
        "sharing.isac_membership=0.2,0.9".to_string(),
        "adversaries.crimson.campaigns.office_phish.spacing_h=5,20".to_string(),
        "adversaries[1].skill=0.3".to_string(),
        "posture.by_kind.VoterRegistration.mfa=false,true".to_string(),
    ];
    let sweeps = resolve(&t, &args).unwrap();
    assert_eq!(sweeps[0].values, vec![Value::from(0.2), Value::from(0.9)]);
    assert_eq!(sweeps[1].values, vec![Value::from(5u64), Value::from(20u64)]);
    assert_eq!(sweeps[3].values, vec![Value::Bool(false), Value::Bool(true)]);
}

#[test]
fn a_misspelt_path_lists_the_nearest() {
    let (_, t) = base();
    let e = resolve(&t, &["sharing.isac_membrship=0.5".into()]).unwrap_err().to_string();
    assert!(e.contains("no parameter `sharing.isac_membrship`"), "{e}");
    let first = e.lines().nth(2).unwrap().trim();
    assert_eq!(first, "sharing.isac_membership");
    let e = resolve(&t, &["sharing.channel.isac_to_members.median_h=2".into()]).unwrap_err().to_string();
    assert!(e.contains("\n  sharing.channels.isac_to_members.median_h"), "{e}");
}

#[test]
fn wrong_types_are_refused() {
    let (_, t) = base();
    for (arg, says) in [
        ("sharing.isac_membership=high", "is not a number"),
        ("posture.by_kind.VoterRegistration.mfa=1", "not true or false"),
        ("adversaries.crimson.campaigns.office_phish.spacing_h=2.5", "not a whole number"),
        ("adversaries.crimson.campaigns.office_phish.spacing_h=-1", "negative"),
        ("sharing.channels=1", "is a section"),
        ("sharing.isac_membership=0.5,0.5", "given twice"),
        ("sharing.isac_membership", "PATH=V1,V2"),
        ("sharing.isac_membership=0.1,,0.2", "empty"),
    ] {
        let e = resolve(&t, &[arg.to_string()]).unwrap_err().to_string();
        assert!(e.contains(says), "{arg}: {e}");
    }
    let e = resolve(&t, &["adversaries.0.skill=0.1".into(), "adversaries.crimson.skill=0.2".into()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("swept twice"), "{e}");
}

#[test]
fn the_grid_varies_the_last_sweep_fastest_and_checks_each_point() {
    let (s, t) = base();
    let sweeps =
        resolve(&t, &["sharing.isac_membership=0.1,0.9".into(), "sharing.tearline_h=24,72,120".into()])
            .unwrap();
    let pts = points(&s, "x", &t, &sweeps).unwrap();
    assert_eq!(pts.len(), 6);
    assert_eq!(pts[1].values, vec![Value::from(0.1), Value::from(72.0)]);
    assert_eq!(pts[3].values, vec![Value::from(0.9), Value::from(24.0)]);
    assert_eq!(pts[4].scenario.spec().sharing.isac_membership, 0.9);
    assert_eq!(pts[4].scenario.spec().sharing.tearline_h, 72.0);

    let bad = resolve(&t, &["sharing.isac_membership=0.5,1.5".into()]).unwrap();
    let e = points(&s, "x", &t, &bad).unwrap_err().to_string();
    assert!(e.contains("sharing.isac_membership=1.5") && e.contains("not a probability"), "{e}");
}

#[test]
fn grids_over_the_limit_are_refused_before_they_are_built() {
    let (s, t) = base();
    let values = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let sweeps = resolve(
        &t,
        &[
            format!("sharing.tearline_h={}", values(1_000)),
            format!("sharing.channels.isac_to_members.median_h={}", values(1_000)),
            format!("doctrines.eiisac.relay_h={}", values(1_000)),
        ],
    )
    .unwrap();
    let e = points(&s, "x", &t, &sweeps).unwrap_err().to_string();
    assert!(e.contains("a grid of 1000000000 points (1000 × 1000 × 1000 values)"), "{e}");
    assert!(e.contains(&format!("at most {MAX_POINTS} sweep points")), "{e}");
    // A product too large for the machine's integers is refused too.
    assert_eq!(grid_size(&[usize::MAX, 2]), usize::MAX);
    // One sweep of more values than the limit is refused before its values are read.
    let e = resolve(&t, &[format!("sharing.tearline_h={}", values(MAX_POINTS + 1))]).unwrap_err().to_string();
    assert!(e.contains("more than a batch may have sweep points"), "{e}");
    assert_eq!(
        check_grid(&resolve(&t, &[format!("sharing.tearline_h={}", values(100))]).unwrap()).unwrap(),
        100
    );
}

#[test]
fn ranges_expand_inclusively_and_keep_whole_numbers_whole() {
    let (_, t) = base();
    let sweeps = resolve(
        &t,
        &[
            "sharing.isac_membership=0.1:0.5:0.1".into(),
            "adversaries.crimson.campaigns.office_phish.spacing_h=4:12:4".into(),
            "sharing.tearline_h=1:10:4,48".into(),
        ],
    )
    .unwrap();
    let floats: Vec<Value> = [0.1, 0.2, 0.3, 0.4, 0.5].iter().map(|&x| Value::from(x)).collect();
    assert_eq!(sweeps[0].values, floats);
    assert_eq!(sweeps[1].values, vec![Value::from(4u64), Value::from(8u64), Value::from(12u64)]);
    // 10 is not on a step from 1 by 4, so it is not included; a range and a list mix.
    let shown: Vec<String> = sweeps[2].values.iter().map(show).collect();
    assert_eq!(shown, ["1", "5", "9", "48"]);
    assert_eq!(range("--sweep", "x", "-0.2:0.2:0.1").unwrap(), ["-0.2", "-0.1", "0.0", "0.1", "0.2"]);
    assert_eq!(range("--sweep", "x", "3:3:1").unwrap(), ["3"]);
}

#[test]
fn ranges_step_in_exact_decimals() {
    let r = |item: &str| range("--sweep", "x", item).unwrap();
    // Binary floating point would give 0.30000000000000004 or lose the last value.
    assert_eq!(r("0.1:0.3:0.1"), ["0.1", "0.2", "0.3"]);
    assert_eq!(r("0:1:0.1").len(), 11);
    assert_eq!(r("0:1:0.1").last().map(String::as_str), Some("1.0"));
    assert_eq!(r("0.7:1.3:0.3"), ["0.7", "1.0", "1.3"]);
    // A value just short of a step is not rounded up onto it.
    assert_eq!(r("0:0.9999999999999:0.1").last().map(String::as_str), Some("0.9000000000000"));
    assert_eq!(r("1e-3:3e-3:1e-3"), ["0.001", "0.002", "0.003"]);
    assert_eq!(r("-3:3:2.5"), ["-3.0", "-0.5", "2.0"]);
    assert_eq!(r("-0.0:0:1"), ["0"]);
    assert_eq!(r("1.50:2:0.25"), ["1.50", "1.75", "2.00"]);
    assert_eq!(r("0:9999:1").len(), MAX_POINTS);
    // Every value reads back as the decimal it is written as.
    for v in r("0.05:9.95:0.05") {
        let x: f64 = v.parse().unwrap();
        assert_eq!(format!("{x:.2}"), v);
    }
}

#[test]
fn bad_range_messages_give_the_range_to_write() {
    let e = |item: &str| range("--sweep", "x", item).unwrap_err().to_string();
    assert!(e("10:1:-1").contains("a range counts upwards: write x=1:10:1"), "{}", e("10:1:-1"));
    assert!(e("1:10:-1").contains("the step -1 is not above 0"));
    assert!(e("1:1:0").contains("the step 0 is not above 0"));
    assert!(e("1:2:3:4").contains("three numbers"));
    assert!(e(":2:1").contains("`` is not a number"));
    assert!(e("1:2:nan").contains("`nan` is not a number"));
    assert!(e("1:inf:1").contains("`inf` is not a number"));
    assert!(e("0:1:1e-30").contains("too many digits"));
    assert!(e("0:1e400:1").contains("too many digits"));
    let big = e("0:100000:1");
    assert!(big.contains("100001 values") && big.contains("a step of at least 11 "), "{big}");
    let fine = e("0:1:0.00001");
    assert!(fine.contains("100001 values") && fine.contains("a step of at least 0.00011 "), "{fine}");
    // The smallest step the message gives fits.
    assert_eq!(range("--sweep", "x", "0:100000:11").unwrap().len(), 9091);
    assert!(range("--sweep", "x", "0:1:0.00011").unwrap().len() <= MAX_POINTS);
    // Huge exponents are refused without running long.
    assert_eq!(range("--sweep", "x", "0e999999999:1:1").unwrap(), ["0", "1"]);
    assert!(e("1e-999999999:1:1").contains("too many digits"));
    assert!(e("1e999999999:1e999999999:1").contains("too many digits"));
}

#[test]
fn bad_ranges_say_what_to_write() {
    let (_, t) = base();
    for (arg, says) in [
        ("sharing.tearline_h=1:10:0", "not above 0"),
        ("sharing.tearline_h=1:10:-2", "not above 0"),
        ("sharing.tearline_h=10:1:1", "write the smaller number first: sharing.tearline_h=1:10:1"),
        ("sharing.tearline_h=1:10", "LO:HI:STEP, three numbers"),
        ("sharing.tearline_h=a:10:1", "`a` is not a number"),
        ("sharing.tearline_h=0:100000:1", "100001 values, more than a batch may have"),
        ("adversaries.crimson.campaigns.office_phish.spacing_h=1:2:0.5", "not a whole number"),
    ] {
        let e = resolve(&t, &[arg.to_string()]).unwrap_err().to_string();
        assert!(e.contains(says), "{arg}: {e}");
    }
    let e = resolve(&t, &["sharing.tearline_h=0:100000:1".into()]).unwrap_err().to_string();
    assert!(e.contains("use a step of at least"), "{e}");
}

#[test]
fn a_channel_scale_multiplies_its_four_quantiles() {
    let (s, t) = base();
    let before = s.spec().sharing.channels.isac_to_members.clone();
    let sweeps = resolve(&t, &["sharing.channels.isac_to_members.scale=0.5,2".into()]).unwrap();
    assert_eq!(sweeps[0].values, vec![Value::from(0.5), Value::from(2.0)]);
    let pts = points(&s, "x", &t, &sweeps).unwrap();
    for (p, f) in pts.iter().zip([0.5, 2.0]) {
        let c = &p.scenario.spec().sharing.channels.isac_to_members;
        let mut want = before.clone();
        want.scale_latency(f);
        assert_eq!(c, &want);
    }
    // Listed among the parameters, so a misspelling suggests it.
    let e = resolve(&t, &["sharing.channels.isac_to_members.scal=2".into()]).unwrap_err().to_string();
    assert!(e.contains("\n  sharing.channels.isac_to_members.scale"), "{e}");
    for (args, says) in [
        (vec!["sharing.channels.isac_to_members.scale=0"], "above 0"),
        (vec!["sharing.channels.isac_to_members.scale=-1"], "above 0"),
        (vec!["sharing.channels.isac_to_members.scale=fast"], "not a number"),
        (
            vec!["sharing.channels.isac_to_members.scale=2", "sharing.channels.isac_to_members.median_h=3"],
            "either the scale or the quantiles",
        ),
        (vec!["sharing.scale=2"], "no parameter `sharing.scale`"),
    ] {
        let args: Vec<String> = args.into_iter().map(str::to_string).collect();
        let e = resolve(&t, &args).unwrap_err().to_string();
        assert!(e.contains(says), "{args:?}: {e}");
    }
    // Another parameter of the same channel is fine beside its scale.
    resolve(
        &t,
        &[
            "sharing.channels.isac_to_members.scale=2".into(),
            "sharing.channels.isac_to_members.reliability=0.5".into(),
        ],
    )
    .unwrap();
}

#[test]
fn sets_take_one_value_and_speak_as_set() {
    let (s, _) = base();
    let at = apply_sets(
        &s,
        "x",
        &["sharing.isac_membership=0.9".into(), "sharing.channels.isac_to_members.scale=2".into()],
    )
    .unwrap();
    assert_eq!(at.spec().sharing.isac_membership, 0.9);
    let mut want = s.spec().sharing.channels.isac_to_members.clone();
    want.scale_latency(2.0);
    assert_eq!(at.spec().sharing.channels.isac_to_members, want);
    assert_eq!(apply_sets(&s, "x", &[]).unwrap().hash(), s.hash());
    for (arg, says) in [
        ("sharing.isac_membership=0.2,0.9", "one value per --set"),
        ("sharing.isac_membrship=0.5", "--set sharing.isac_membrship: the scenario has no parameter"),
        ("sharing.isac_membership=1.5", "--set sharing.isac_membership=1.5: the scenario is not valid"),
        ("sharing.isac_membership", "--set `sharing.isac_membership`: write PATH=VALUE"),
    ] {
        let e = apply_sets(&s, "x", &[arg.to_string()]).unwrap_err().to_string();
        assert!(e.contains(says), "{arg}: {e}");
    }
}

#[test]
fn a_set_scenario_reads_back_from_its_source_with_the_same_hash() {
    // A journal embeds the source of the scenario it ran; replay parses it and checks the hash.
    let (s, _) = base();
    let at = apply_sets(&s, "x", &["sharing.channels.isac_to_members.scale=0.3".into()]).unwrap();
    let back = Scenario::parse("x", at.source()).unwrap();
    assert_eq!(back.hash(), at.hash());
    assert_ne!(back.hash(), s.hash());
}

#[test]
fn the_point_maker_makes_the_scenarios_and_errors_of_scenario_at() {
    let (_, t) = base();
    let args = [
        "sharing.isac_membership=0.2,0.9".to_string(),
        "sharing.channels.isac_to_members.scale=0.5,4".to_string(),
        "doctrines.eiisac.relay_h=1,48".to_string(),
        "adversaries.crimson.campaigns.office_phish.spacing_h=5,20".to_string(),
        "posture.by_kind.VoterRegistration.mfa=false,true".to_string(),
    ];
    let sweeps = resolve(&t, &args).unwrap();
    let maker = PointMaker::new(t.clone(), &sweeps);
    assert!(maker.quick.is_some(), "every parameter lies in a known section");
    let mut hashes = Vec::new();
    for i in 0..32usize {
        let values: Vec<Value> =
            sweeps.iter().enumerate().map(|(k, s)| s.values[(i >> k) & 1].clone()).collect();
        let slow = scenario_at("x", &t, &sweeps, &values, "--vary").unwrap();
        let quick = maker.scenario_at("x", &sweeps, &values, "--vary").unwrap();
        assert_eq!(quick.hash(), slow.hash(), "point {i}");
        assert_eq!(quick.spec(), slow.spec(), "point {i}");
        assert_eq!(quick.label(), slow.label());
        hashes.push(quick.hash());
    }
    hashes.sort_unstable();
    hashes.dedup();
    assert_eq!(hashes.len(), 32, "every point is another scenario");
    // A value the scenario cannot take gives the error scenario_at gives.
    let bad = [Value::from(-3.0), sweeps[1].values[0].clone(), sweeps[2].values[0].clone()];
    let slow = scenario_at("x", &t, &sweeps[..3], &bad, "--vary").unwrap_err();
    let maker = PointMaker::new(t.clone(), &sweeps[..3]);
    let quick = maker.scenario_at("x", &sweeps[..3], &bad, "--vary").unwrap_err();
    assert_eq!(quick.to_string(), slow.to_string());
}
