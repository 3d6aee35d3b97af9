//! Branching on what teams do and know: conditions, combinators, cancellation, per-team text,
//! injects that act, adversary kinds and expected actions scored.

use crate::command::{Command, CommandKind, Issuer};
use crate::evaluation::{ActionRating, score};
use crate::events::EventKind;
use crate::model::*;
use crate::scenario::Scenario;
use crate::sim::Sim;
use crate::time::{ETime, Tick};

/// PA with two counties and one adversary with a dormant phishing campaign; `extra` is spliced in.
fn scenario(adversary_kind: &str, extra: &str) -> Scenario {
    let src = format!(
        r#"Scenario(
    name: "Branches",
    clock: (start: "E-20d 00:00", end: "E+60d 00:00"),
    geography: (states: Only(["PA"]), jurisdictions: Listed([
        (id: "a", state: "PA", name: "A County", voters: 100000),
        (id: "b", state: "PA", name: "B County", voters: 80000),
    ])),
    teams: [
        (id: "pa", name: "Pennsylvania", controls: [StateOffice("PA"), LocalsOf("PA")]),
        (id: "cisa", name: "CISA", controls: [Dhs, EiIsac]),
        (id: "fbi", name: "FBI", controls: [Fbi]),
    ],
    adversaries: [(id: "x", name: "X", {adversary_kind} campaigns: [
        (id: "p", name: "Phish", objective: StealAndLeak, technique: Phishing,
         targets: (kinds: [OfficeIt], count: 2)),
    ])],
    evaluation: (capabilities: [(name: "Intelligence and Information Sharing", measures: [])]),
    {extra}
)"#
    );
    Scenario::parse("branches.ron", &src).unwrap_or_else(|d| panic!("{d}"))
}

fn at(sim: &Sim, t: &str) -> Tick {
    sim.registry().clock.tick_of(ETime::parse(t).unwrap()).unwrap()
}

fn state(sim: &Sim, id: &str) -> InjectState {
    let i = sim.registry().inject_by_id[id];
    sim.world().resource::<Injects>().state[i.ix()]
}

fn fired(sim: &Sim, id: &str) -> bool {
    matches!(state(sim, id), InjectState::Fired(_))
}

fn patch_a(sim: &mut Sim, issuer: Issuer) {
    sim.submit(issuer, Command::Patch { actor: "a".into(), asset: "a/office".into() });
}

fn team(t: &str) -> Issuer {
    Issuer::Team(t.into())
}

#[test]
fn an_issued_command_triggers_and_only_with_its_team_kind_and_target() {
    let sc = scenario(
        "",
        r#"injects: [
        (id: "any", title: "Any patch", trigger: When(condition: Issued((team: "pa", command: patch)))),
        (id: "b", title: "Patch of b", trigger: When(condition: Issued((team: "pa", command: patch, target: "b/office")))),
        (id: "fbi", title: "FBI patches", trigger: When(condition: Issued((team: "fbi", command: patch)))),
    ],"#,
    );
    let mut sim = Sim::new(&sc, 1);
    sim.run_until(at(&sim, "E-19d 00:00"));
    assert!(!fired(&sim, "any"));
    patch_a(&mut sim, team("pa"));
    sim.run_until(at(&sim, "E-18d 00:00"));
    assert!(fired(&sim, "any"));
    assert!(!fired(&sim, "b"), "the target must match");
    assert!(!fired(&sim, "fbi"), "the team must match");
    // The facilitator acting for one of the team's actors counts for the team.
    sim.submit(Issuer::Facilitator, Command::Patch { actor: "b".into(), asset: "b/office".into() });
    sim.run_until(at(&sim, "E-17d 00:00"));
    assert!(fired(&sim, "b"));
}

#[test]
fn a_rejected_command_does_not_count() {
    let sc = scenario(
        "",
        r#"injects: [(id: "any", title: "Any patch", trigger: When(condition: Issued((team: "pa", command: patch))))],"#,
    );
    let mut sim = Sim::new(&sc, 1);
    // Not its asset: refused.
    sim.submit(team("pa"), Command::Patch { actor: "a".into(), asset: "b/office".into() });
    sim.run_until(at(&sim, "E-18d 00:00"));
    assert!(!fired(&sim, "any"));
}

#[test]
fn not_issued_by_a_time_is_all_after_and_not() {
    let inj = r#"injects: [
        (id: "late", title: "Not patched by E-15d",
         trigger: When(condition: All([After("E-15d 00:00"), Not(Issued((team: "pa", command: patch)))]))),
    ],"#;
    let sc = scenario("", inj);
    // Nobody patches: it fires in the hour after E-15d 00:00.
    let mut sim = Sim::new(&sc, 1);
    sim.run_until(at(&sim, "E-15d 00:00"));
    assert!(!fired(&sim, "late"), "not before the time");
    sim.run_until(at(&sim, "E-15d 02:00"));
    assert!(fired(&sim, "late"));
    assert_eq!(state(&sim, "late"), InjectState::Fired(at(&sim, "E-15d 01:00")));
    // A patch before the time: it never fires.
    let mut sim = Sim::new(&sc, 1);
    patch_a(&mut sim, team("pa"));
    sim.run_to_end();
    assert!(!fired(&sim, "late"));
}

#[test]
fn any_and_before_combine() {
    let sc = scenario(
        "",
        r#"injects: [
        (id: "early", title: "Patched early", trigger: When(condition: All([Before("E-18d 00:00"), Issued((team: "pa", command: patch))]))),
        (id: "either", title: "Patch or confidence", trigger: When(condition: Any([MetricBelow("confidence_final", 10), Issued((team: "pa", command: patch))]))),
    ],"#,
    );
    let mut sim = Sim::new(&sc, 1);
    sim.run_until(at(&sim, "E-17d 00:00"));
    patch_a(&mut sim, team("pa"));
    sim.run_to_end();
    assert!(!fired(&sim, "early"), "patched after the deadline");
    assert!(fired(&sim, "either"));
}

#[test]
fn holds_asset_and_metric_conditions() {
    let sc = scenario(
        "",
        r#"injects: [
        (id: "flash", title: "FBI FLASH", trigger: At("E-18d 00:00"),
         effects: [Notify(campaign: "p", from: Fbi, to: [StateOffice("PA")]), Outage(target: (jurisdictions: ["b"], kinds: [OfficeIt]), hours: 24), Confidence(-20)]),
        (id: "holds", title: "PA holds it", trigger: When(condition: Holds(actor: StateOffice("PA"), campaign: "p"))),
        (id: "county_holds", title: "A county holds it", trigger: When(condition: Holds(actor: LocalsOf("PA"), campaign: "p"))),
        (id: "down", title: "B office offline", trigger: When(condition: Asset("b/office", Offline))),
        (id: "a_down", title: "A office down", trigger: When(condition: Asset("a/office", Down))),
        (id: "low", title: "Confidence low", trigger: When(condition: MetricBelow("confidence_final", 45))),
        (id: "high", title: "Confidence high", trigger: When(condition: MetricAbove("confidence_final", 90))),
    ],"#,
    );
    let mut sim = Sim::new(&sc, 1);
    sim.run_until(at(&sim, "E-18d 02:00"));
    assert!(fired(&sim, "holds"));
    // The counties hear of it only when the state's doctrine relays it, hours later.
    assert!(!fired(&sim, "county_holds"));
    assert!(fired(&sim, "down"));
    assert!(!fired(&sim, "a_down"));
    assert!(fired(&sim, "low"));
    assert!(!fired(&sim, "high"));
}

#[test]
fn cancel_if_cancels_a_waiting_inject_for_good() {
    // The issue's branch: if PA has not patched within a day of the alert, the next county is
    // hit and an inject tells the room why.
    let inj = r#"injects: [
        (id: "alert", title: "Alert", trigger: At("E-19d 00:00")),
        (id: "hit", title: "The next county is hit", trigger: When(condition: InjectFired("alert"), delay_h: 24),
         cancel_if: Issued((team: "pa", command: patch, target: "a/office")),
         effects: [Outage(target: (jurisdictions: ["a"], kinds: [OfficeIt]), hours: 12)]),
    ],"#;
    let sc = scenario("", inj);
    let mut sim = Sim::new(&sc, 1);
    sim.run_until(at(&sim, "E-19d 06:00"));
    patch_a(&mut sim, team("pa"));
    sim.run_to_end();
    assert!(matches!(state(&sim, "hit"), InjectState::Cancelled(_)), "{:?}", state(&sim, "hit"));
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::InjectCancelled { .. })));
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::AssetDown { .. })));

    let mut sim = Sim::new(&sc, 1);
    sim.run_to_end();
    assert!(fired(&sim, "hit"));
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::AssetDown { .. })));

    // A command in the very hour the inject is due cancels it too (checked before firing).
    let mut sim = Sim::new(&sc, 1);
    let due = at(&sim, "E-18d 00:00");
    sim.run_until(Tick(due.0 - 1));
    assert_eq!(state(&sim, "hit"), InjectState::Scheduled(due));
    patch_a(&mut sim, team("pa"));
    sim.run_to_end();
    assert!(matches!(state(&sim, "hit"), InjectState::Cancelled(_)));
}

#[test]
fn conditions_are_deterministic() {
    let inj = r#"injects: [
        (id: "alert", title: "Alert", trigger: At("E-19d 00:00"), effects: [StartCampaign("p")]),
        (id: "hit", title: "Hit", trigger: When(condition: All([CampaignStarted("p"), Not(Holds(actor: StateOffice("PA"), campaign: "p"))]), delay_h: 24),
         cancel_if: Issued((team: "pa", command: patch))),
    ],"#;
    let sc = scenario("", inj);
    let run = || {
        let mut sim = Sim::new(&sc, 7);
        sim.run_until(at(&sim, "E-19d 03:00"));
        patch_a(&mut sim, team("pa"));
        sim.run_to_end();
        (sim.state_hash(), state(&sim, "hit"))
    };
    assert_eq!(run(), run());
}

#[test]
fn per_team_text_tells_each_team_its_own_story() {
    let sc = scenario(
        "",
        r#"injects: [(id: "note", title: "Ransom note", description: "Something is wrong in a county.",
            trigger: At("E-19d 00:00"), teams: ["pa", "cisa", "fbi"],
            per_team: {"pa": "Screens show a ransom note.", "fbi": "A tip names the group."})],"#,
    );
    let mut sim = Sim::new(&sc, 1);
    sim.run_until(at(&sim, "E-18d 00:00"));
    let text = |t: &str| {
        let v = sim.team_view(t).unwrap();
        v.inbox.iter().filter(|m| m.title == "Ransom note").map(|m| m.text.clone()).collect::<Vec<_>>()
    };
    assert_eq!(text("pa"), vec!["Screens show a ransom note.".to_string()]);
    assert_eq!(text("fbi"), vec!["A tip names the group.".to_string()]);
    assert_eq!(text("cisa"), vec!["Something is wrong in a county.".to_string()]);
}

#[test]
fn injects_act_attribution_statement_evidence_posture_campaigns() {
    let sc = scenario(
        "",
        r#"injects: [(id: "act", title: "Act", trigger: At("E-19d 00:00"), effects: [
            Attribute(by: Fbi, adversary: "x"),
            Evidence(adversary: "x", amount: 1.5),
            Statement(by: StateOffice("PA"), statement: reassure),
            Posture(target: (jurisdictions: ["a"], kinds: [OfficeIt]), set: (mfa: true)),
            StartCampaign("p"),
        ])],"#,
    );
    let mut sim = Sim::new(&sc, 1);
    sim.run_until(at(&sim, "E-18d 00:00"));
    let eo = sim.world().resource::<Eo>();
    let per_attribution = sc.spec().eo13848.evidence_per_attribution;
    assert!(eo.attributed.contains(&crate::model::registry::AdversaryIx(0)));
    assert!(eo.evidence[0] >= per_attribution + 1.5 - 1e-9, "{}", eo.evidence[0]);
    let ev = sim.events();
    assert!(ev.iter().any(|e| matches!(e.kind, EventKind::Attribution { .. })));
    assert!(ev.iter().any(|e| matches!(e.kind, EventKind::Statement { .. })));
    assert!(ev.iter().any(|e| matches!(e.kind, EventKind::CampaignStarted { .. })));
    let a = sim.registry().asset_by_id["a/office"];
    let b = sim.registry().asset_by_id["b/office"];
    let posture = |x: crate::model::registry::AssetIx| {
        let e = sim.world().resource::<Entities>().assets[x.ix()];
        sim.world().get::<AssetPosture>(e).unwrap().0
    };
    assert!(posture(a).mfa);
    assert!(!posture(b).mfa);
}

#[test]
fn only_a_foreign_government_falls_under_eo_13848() {
    let inj = r#"injects: [(id: "ev", title: "Evidence", trigger: At("E-19d 00:00"), effects: [Evidence(adversary: "x", amount: 9.0)])],"#;
    let state_run = {
        let mut sim = Sim::new(&scenario("", inj), 1);
        sim.run_until(Tick(48));
        sim.world().resource::<Eo>().evidence[0]
    };
    assert!(state_run >= 9.0);
    for kind in ["Criminal", "Hacktivist"] {
        let sc = scenario(&format!("kind: {kind},"), inj);
        let mut sim = Sim::new(&sc, 1);
        sim.run_to_end();
        assert_eq!(sim.world().resource::<Eo>().evidence[0], 0.0, "{kind}");
        assert!(sim.metrics().attribution_correct.is_none_or(|c| c), "{kind}: nobody to name, nobody named");
    }
}

#[test]
fn expected_actions_are_scored_on_time_late_or_not_done() {
    let sc = scenario(
        "",
        r#"injects: [
        (id: "alert", title: "Alert", trigger: At("E-19d 00:00"), teams: ["pa"], expected_actions: [
            "Call the counties",
            (team: "pa", command: patch, target: "a/office", within_h: 24, capability: "Intelligence and Information Sharing", text: "Patch the county office"),
            (team: "pa", command: enforce_mfa, within_h: 2),
            (team: "fbi", command: open_investigation),
        ]),
        (id: "never", title: "Never", trigger: Manual, expected_actions: [(team: "pa", command: patch)]),
    ],"#,
    );
    let mut sim = Sim::new(&sc, 1);
    sim.run_until(at(&sim, "E-19d 03:00"));
    patch_a(&mut sim, team("pa"));
    sim.run_until(at(&sim, "E-19d 06:00"));
    sim.submit(team("pa"), Command::EnforceMfa { actor: "a".into(), asset: "a/office".into() });
    sim.run_to_end();
    let s = score(&sim);
    assert_eq!(s.len(), 4, "free text is not scored");
    assert_eq!(s[0].rating, ActionRating::OnTime);
    assert_eq!(s[0].done.map(|t| t.to_string()).as_deref(), Some("E-19d 04:00"));
    assert_eq!(s[0].capability.as_deref(), Some("Intelligence and Information Sharing"));
    assert_eq!(s[0].expected, "Patch the county office");
    assert_eq!(s[1].rating, ActionRating::Late);
    assert_eq!(s[2].rating, ActionRating::NotDone);
    assert_eq!(s[3].rating, ActionRating::NotDue);
    assert_eq!(CommandKind::Patch.name(), "patch");
}

#[test]
fn a_bad_condition_or_pattern_is_a_clear_problem() {
    let bad = [
        (
            r#"injects: [(id: "i", title: "I", trigger: When(condition: Issued((team: "nope", command: patch))))],"#,
            "unknown team",
        ),
        (
            r#"injects: [(id: "i", title: "I", trigger: When(condition: Asset("PA/nothing", Up)))],"#,
            "unknown asset",
        ),
        (
            r#"injects: [(id: "i", title: "I", trigger: When(condition: MetricAbove("voters_affected", 1)))],"#,
            "cannot be read",
        ),
        (
            r#"injects: [(id: "i", title: "I", trigger: When(condition: Before("E+900d")))],"#,
            "outside the clock",
        ),
        (r#"injects: [(id: "i", title: "I", trigger: Manual, per_team: {"zz": "x"})],"#, "unknown team"),
        (
            r#"injects: [(id: "i", title: "I", trigger: Manual, expected_actions: [(team: "pa", command: patch, capability: "Nope")])],"#,
            "unknown capability",
        ),
        (
            r#"injects: [(id: "i", title: "I", trigger: Manual, effects: [Attribute(by: StateOffice("PA"), adversary: "x")])],"#,
            "cannot do this",
        ),
    ];
    for (extra, want) in bad {
        let src = format!(
            r#"Scenario(name: "B", clock: (start: "E-20d 00:00", end: "E+60d 00:00"),
            geography: (states: Only(["PA"]), jurisdictions: Generated(per_state: 2)),
            teams: [(id: "pa", name: "PA", controls: [StateOffice("PA")])],
            adversaries: [(id: "x", name: "X")], {extra})"#
        );
        let e = Scenario::parse("b.ron", &src).err().unwrap_or_else(|| panic!("accepted: {extra}"));
        assert!(e.to_string().contains(want), "{want}: {e}");
    }
}

#[test]
fn a_flood_without_reconnaissance_attempts_at_once() {
    let first_attempt = |recon: u32| {
        let src = format!(
            r#"Scenario(name: "Flood", clock: (start: "E-2d 00:00", end: "E+2d 00:00"),
            geography: (states: Only(["PA"]), jurisdictions: Generated(per_state: 1)),
            adversaries: [(id: "x", name: "X", campaigns: [(id: "f", name: "Flood", objective: Disrupt,
                technique: DenialOfService, start: "E-1d 00:00", targets: (kinds: [ResultsWebsite], count: 1),
                tempo_h: 1, recon_actions: {recon})])])"#
        );
        let sc = Scenario::parse("flood.ron", &src).unwrap_or_else(|d| panic!("{d}"));
        let mut sim = Sim::new(&sc, 3);
        sim.run_to_end();
        sim.events().iter().find(|e| matches!(e.kind, EventKind::Attempt { .. })).map(|e| e.tick)
    };
    let (none, one) = (first_attempt(0).expect("attempted"), first_attempt(1).expect("attempted"));
    assert!(none < one, "{none:?} < {one:?}");
}
