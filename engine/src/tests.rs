//! Rules of the model, one system at a time, on small hand-built scenarios.

use crate::command::{Command, Issuer, Rejection, Statement};
use crate::model::registry::{ActorIx, ActorKind, AssetIx};
use crate::model::*;
use crate::scenario::Scenario;
use crate::scenario::schema::*;
use crate::sim::Sim;
use crate::systems::campaigns::{access_odds, detection_chance};
use crate::time::{ETime, Tick};

/// A small scenario: PA with four counties, one adversary; `extra` is spliced in before the closing paren.
fn small(extra: &str) -> Scenario {
    let adversary =
        if extra.contains("adversaries:") { "" } else { r#"adversaries: [(id: "x", name: "X")],"# };
    let src = format!(
        r#"Scenario(
    name: "Small",
    clock: (start: "E-20d 00:00", end: "E+60d 00:00"),
    geography: (states: Only(["PA"]), jurisdictions: Listed([
        (id: "a", state: "PA", name: "A County", voters: 100000),
        (id: "b", state: "PA", name: "B County", voters: 80000),
        (id: "c", state: "PA", name: "C County", voters: 60000),
        (id: "d", state: "PA", name: "D County", voters: 40000),
    ])),
    teams: [
        (id: "pa", name: "Pennsylvania", controls: [StateOffice("PA"), LocalsOf("PA")]),
        (id: "cisa", name: "CISA", controls: [Dhs, EiIsac]),
        (id: "fbi", name: "FBI", controls: [Fbi]),
        (id: "red", name: "Red", role: RedCell, controls: [Adversary("x")]),
    ],
    {adversary}
    {extra}
)"#
    );
    Scenario::parse("small.ron", &src).unwrap_or_else(|d| panic!("{d}"))
}

const PHISH: &str = r#"adversaries: [(id: "x", name: "X", campaigns: [
        (id: "p", name: "Phish", objective: StealAndLeak, technique: Phishing, start: "E-10d 00:00",
         targets: (kinds: [OfficeIt], count: 4), spacing_h: 48, tempo_h: 6),
    ])],"#;

fn held(sim: &Sim, actor: &str) -> Vec<Held> {
    let reg = sim.registry();
    let a = reg.actor_by_id[actor];
    let e = sim.world().resource::<Entities>().actors[a.ix()];
    sim.world().get::<Knowledge>(e).map(|k| k.held.clone()).unwrap_or_default()
}

#[test]
fn a_held_indicator_raises_blocking_and_detection() {
    let ts = TechniquesSpec::default();
    let p = Posture::default();
    let (none, s0) = access_odds(&ts.phishing, Technique::Phishing, &p, Match::None, 0.5);
    let (tech, _) = access_odds(&ts.phishing, Technique::Phishing, &p, Match::Technique, 0.5);
    let (camp, s1) = access_odds(&ts.phishing, Technique::Phishing, &p, Match::Campaign, 0.5);
    assert!(none < tech && tech < camp, "{none} < {tech} < {camp}");
    assert_eq!(s0, s1, "knowledge changes blocking, not the attempt's own success");
    let d = DetectionSpec::default();
    let base = detection_chance(&d, Monitoring::Basic, false, Match::None, 2.5, 0.5);
    let warned = detection_chance(&d, Monitoring::Basic, false, Match::Campaign, 2.5, 0.5);
    assert!(warned > base * 2.0);
    // Better monitoring and an on-site team both see more.
    assert!(detection_chance(&d, Monitoring::NetworkSensor, false, Match::None, 2.5, 0.5) > base);
    assert!(detection_chance(&d, Monitoring::Basic, true, Match::None, 2.5, 0.5) > base);
}

#[test]
fn posture_lowers_success() {
    let ts = TechniquesSpec::default();
    let weak = Posture::default();
    let strong =
        Posture { mfa: true, patch_lag_days: 0, training: Training::TwelveMonths, ..Posture::default() };
    for (t, spec) in [
        (Technique::Phishing, &ts.phishing),
        (Technique::ExploitPublicFacing, &ts.exploit_public_facing),
        (Technique::CredentialStuffing, &ts.credential_stuffing),
    ] {
        let (_, w) = access_odds(spec, t, &weak, Match::None, 0.5);
        let (_, s) = access_odds(spec, t, &strong, Match::None, 0.5);
        assert!(s < w / 3.0, "{t:?}: {s} vs {w}");
    }
}

#[test]
fn warned_targets_are_blocked_more_often_in_play() {
    // The same campaign, with and without an FBI notice to every county beforehand.
    let notice = r#"injects: [(id: "n", title: "FBI notice", trigger: At("E-12d 00:00"),
        effects: [Notify(campaign: "p", from: Fbi, to: [LocalsOf("PA")])])],"#;
    let plain = small(PHISH);
    let warned = small(&format!("{PHISH}\n{notice}"));
    let (mut b0, mut b1, mut a0, mut a1) = (0, 0, 0, 0);
    for seed in 0..60 {
        for (sc, blocked, attempted) in [(&plain, &mut b0, &mut a0), (&warned, &mut b1, &mut a1)] {
            let mut sim = Sim::new(sc, seed);
            sim.run_to_end();
            let m = sim.metrics();
            *blocked += m.intrusions_blocked;
            *attempted += m.intrusions_attempted;
        }
    }
    let r0 = b0 as f64 / a0 as f64;
    let r1 = b1 as f64 / a1 as f64;
    assert!(r1 > r0 + 0.2, "blocked share {r0:.2} without warning, {r1:.2} with");
    let mut sim = Sim::new(&warned, 1);
    sim.run_to_end();
    let m = sim.metrics();
    assert_eq!(m.warned_before_targeted, Some(1.0), "every county held the indicator first");
    assert!(m.blocked_by_shared_indicator > 0 || m.intrusions_blocked == 0);
}

#[test]
fn a_non_member_learns_only_through_its_state_or_direct_notification() {
    let sc = small(&format!("{PHISH}\nsharing: (isac_membership: 0.0, state_isac_membership: 1.0),"));
    let mut learned_from_state = 0;
    for seed in 0..20 {
        let mut sim = Sim::new(&sc, seed);
        sim.run_to_end();
        for local in ["a", "b", "c", "d"] {
            for h in held(&sim, local) {
                assert_ne!(h.channel, Some(Channel::IsacToMembers), "a non-member never gets EI-ISAC alerts");
                assert!(
                    matches!(
                        h.channel,
                        None | Some(Channel::StateToLocals)
                            | Some(Channel::FbiToVictim)
                            | Some(Channel::PublicAdvisory)
                            | Some(Channel::VendorToCustomers)
                    ),
                    "{local} learned through {:?}",
                    h.channel
                );
                if h.channel == Some(Channel::StateToLocals) {
                    learned_from_state += 1;
                }
            }
        }
        // The state, a member, does get EI-ISAC alerts when there are any.
        let members = &sim.world().resource::<Seeded>().members;
        assert!(members[sim.registry().actor_by_id["PA"].ix()]);
    }
    assert!(learned_from_state > 0, "states relay to their counties");
}

#[test]
fn members_hear_from_the_isac() {
    let sc = small(&format!("{PHISH}\nsharing: (isac_membership: 1.0),"));
    let mut via_isac = 0;
    for seed in 0..10 {
        let mut sim = Sim::new(&sc, seed);
        sim.run_to_end();
        for local in ["a", "b", "c", "d"] {
            via_isac +=
                held(&sim, local).iter().filter(|h| h.channel == Some(Channel::IsacToMembers)).count();
        }
    }
    assert!(via_isac > 0);
}

#[test]
fn the_assessment_is_late_when_evidence_is_thin() {
    let eo_thin = "eo13848: (evidence_needed: 1000.0),";
    let thin = small(&format!("{PHISH}\n{eo_thin}"));
    let plenty = small(&format!("{PHISH}\neo13848: (evidence_needed: 0.5),"));
    let mut sim = Sim::new(&thin, 3);
    sim.run_to_end();
    let m = sim.metrics();
    assert!(m.assessment_day.unwrap() > 45, "thin evidence: late (day {:?})", m.assessment_day);
    assert_eq!(m.eo_deadlines_met, Some(false), "a late assessment fails the deadlines");
    assert_eq!(sim.facilitator_view().eo.confident, Some(false));
    let mut sim = Sim::new(&plenty, 3);
    sim.run_to_end();
    let m = sim.metrics();
    assert!(m.assessment_day.unwrap() <= 45, "enough evidence: on time (day {:?})", m.assessment_day);
}

#[test]
fn a_false_flag_can_make_the_assessment_wrong() {
    let src = r#"adversaries: [
        (id: "x", name: "X", stealth: 0.0, false_flag: "y", false_flag_share: 1.0, campaigns: [
            (id: "p", name: "Phish", objective: StealAndLeak, technique: Phishing, start: "E-10d 00:00",
             targets: (kinds: [OfficeIt], count: 4), spacing_h: 12, tempo_h: 6),
        ]),
        (id: "y", name: "Y"),
    ],
    eo13848: (evidence_needed: 1.0, name_threshold: 1.0),"#;
    let sc = small(src);
    let mut wrong = 0;
    for seed in 0..10 {
        let mut sim = Sim::new(&sc, seed);
        sim.run_to_end();
        if sim.metrics().attribution_correct == Some(false) {
            wrong += 1;
        }
    }
    assert!(wrong > 5, "all evidence points at the imitated adversary: {wrong}/10 wrong");
}

#[test]
fn a_county_cannot_act_outside_its_authority() {
    let sc = small(PHISH);
    let mut sim = Sim::new(&sc, 1);
    let pa = Issuer::Team("pa".into());
    // A county cannot send an EI-ISAC alert or deploy a CISA team, nor patch another county's server.
    let cases = vec![
        Command::ShareIndicator { actor: "a".into(), indicator: 0, channel: Channel::IsacToMembers },
        Command::DeployOnsite { actor: "a".into(), asset: "a/office".into() },
        Command::Patch { actor: "a".into(), asset: "b/office".into() },
        Command::Patch { actor: "dhs".into(), asset: "a/office".into() },
        Command::Patch { actor: "a".into(), asset: "a/nothing".into() },
        Command::FireInject { inject: "none".into() },
    ];
    for c in &cases {
        sim.submit(pa.clone(), c.clone());
    }
    sim.step();
    let out = sim.take_outcomes();
    assert_eq!(out.len(), cases.len());
    assert!(matches!(out[0].result, Err(Rejection::WrongChannel { .. })), "{:?}", out[0].result);
    assert!(matches!(out[1].result, Err(Rejection::NoAuthority { .. })), "{:?}", out[1].result);
    assert!(matches!(out[2].result, Err(Rejection::NotOwner { .. })), "{:?}", out[2].result);
    assert!(matches!(out[3].result, Err(Rejection::NotYourActor { .. })), "{:?}", out[3].result);
    assert!(matches!(out[4].result, Err(Rejection::UnknownAsset { .. })), "{:?}", out[4].result);
    assert!(matches!(out[5].result, Err(Rejection::FacilitatorOnly { .. })), "{:?}", out[5].result);
    // And a good one is accepted.
    sim.submit(pa, Command::EnforceMfa { actor: "a".into(), asset: "a/office".into() });
    sim.step();
    assert_eq!(sim.take_outcomes()[0].result, Ok(()));
}

#[test]
fn commands_apply_in_canonical_order_facilitator_then_teams_then_sequence() {
    let sc = small(PHISH);
    let mut sim = Sim::new(&sc, 1);
    let t = Tick(5);
    sim.submit_at(
        t,
        Issuer::Team("pa".into()),
        Command::Patch { actor: "a".into(), asset: "a/office".into() },
    )
    .unwrap();
    sim.submit_at(
        t,
        Issuer::Team("cisa".into()),
        Command::PublicStatement { actor: "dhs".into(), statement: Statement::Reassure },
    )
    .unwrap();
    sim.submit_at(t, Issuer::Facilitator, Command::SetStaffed { team: "pa".into(), staffed: true }).unwrap();
    sim.run_until(t);
    let order: Vec<String> = sim.take_outcomes().iter().map(|o| o.issuer.to_string()).collect();
    assert_eq!(order, ["facilitator", "team pa", "team cisa"]);
}

#[test]
fn a_staffed_teams_actors_do_not_follow_doctrine() {
    let sc = small(&format!("{PHISH}\nsharing: (isac_membership: 1.0),"));
    let reports = |staffed: bool, seed: u64| {
        let opts = crate::sim::SimOptions {
            staffed: if staffed { vec!["pa".into()] } else { vec![] },
            ..Default::default()
        };
        let mut sim = Sim::with_options(&sc, seed, opts);
        sim.run_to_end();
        let m = sim.metrics();
        m.messages_by_channel["local_to_state"] + m.messages_by_channel["member_to_isac"]
    };
    let doctrine: u64 = (0..10).map(|s| reports(false, s)).sum();
    let staffed: u64 = (0..10).map(|s| reports(true, s)).sum();
    assert!(doctrine > 0);
    assert_eq!(staffed, 0, "nobody at the console, nobody reports");
}

#[test]
fn a_network_sensor_puts_the_isac_in_the_picture() {
    let src = r#"adversaries: [(id: "x", name: "X", stealth: 0.0, campaigns: [
        (id: "v", name: "VR", objective: AlterData, technique: ExploitPublicFacing, start: "E-10d 00:00",
         targets: (kinds: [VoterRegistration], count: 1), tempo_h: 4, recon_actions: 6),
    ])],
    posture: (by_kind: { VoterRegistration: (monitoring: NetworkSensor) }),"#;
    let sc = small(src);
    let mut isac_saw = 0;
    for seed in 0..10 {
        let mut sim = Sim::new(&sc, seed);
        sim.run_to_end();
        if held(&sim, "eiisac").iter().any(|h| h.from.is_none()) {
            isac_saw += 1;
        }
    }
    assert!(isac_saw > 5, "the sensor is watched by the EI-ISAC: {isac_saw}/10");
}

#[test]
fn outages_cost_voters_and_results_time_in_their_windows() {
    let src = r#"injects: [
        (id: "r", title: "results down", trigger: At("E+0d 20:00"), effects: [Outage(target: (kinds: [ResultsWebsite], jurisdictions: ["a"]), hours: 3)]),
        (id: "p", title: "pollbooks down", trigger: At("E+0d 09:00"), effects: [Outage(target: (kinds: [Pollbook], jurisdictions: ["b"]), hours: 2)]),
        (id: "q", title: "pollbooks down", trigger: At("E+0d 09:00"), effects: [Outage(target: (kinds: [Pollbook], jurisdictions: ["c"]), hours: 2)]),
        (id: "early", title: "results down early", trigger: At("E-5d 09:00"), effects: [Outage(target: (kinds: [ResultsWebsite], jurisdictions: ["d"]), hours: 5)]),
    ],
    doctrines: (local: (statement_h: 1.0)),"#;
    let sc = small(src);
    // With the counties staffed, nobody reacts: the accounting alone.
    let staffed = crate::sim::SimOptions { staffed: vec!["pa".into()], ..Default::default() };
    let mut sim = Sim::with_options(&sc, 1, staffed);
    // C switches to paper before its outage.
    sim.submit_at(
        sc.registry().clock.tick_of(ETime::new(0, 8)).unwrap(),
        Issuer::Facilitator,
        Command::SwitchToPaper { actor: "c".into(), jurisdiction: "c".into() },
    )
    .unwrap();
    sim.run_to_end();
    let m = sim.metrics();
    assert_eq!(m.results_downtime_h, 3, "only the election-night outage counts");
    // B: 80,000 voters x 0.66 turnout x 0.4 in person x 2/13 hours; C: 60,000 ... x 0.15 on paper.
    let b: f64 = 80_000.0 * 0.66 * 0.4 * 2.0 / 13.0;
    let c: f64 = 60_000.0 * 0.66 * 0.4 * 2.0 / 13.0 * 0.15;
    assert_eq!(m.voters_delayed, (b + c).round() as u64);
    // Left to their doctrine, the counties switch to paper and extend hours: fewer voters delayed.
    let mut sim = Sim::new(&sc, 1);
    sim.run_to_end();
    let d = sim.metrics().voters_delayed;
    assert!(d > 0 && (d as f64) < b, "doctrine response: {d} delayed vs {b:.0} for B alone unanswered");
}

#[test]
fn a_timely_statement_wins_back_confidence() {
    let src = r#"injects: [(id: "d", title: "rumor", trigger: At("E-5d 09:00"), effects: [Disinformation(intensity: 10.0, about: "x")])],
    doctrines: (state: (debunk_h: 2.0)),"#;
    let answered = small(src);
    let unanswered_src = src.replace("debunk_h: 2.0", "debunk_h: 200.0");
    let unanswered = small(&unanswered_src);
    let conf = |sc: &Scenario| {
        let mut sim = Sim::new(sc, 1);
        sim.run_until(sc.registry().clock.tick_of(ETime::new(-4, 9)).unwrap());
        sim.metrics().confidence
    };
    assert!(conf(&answered) > conf(&unanswered) + 5.0, "{} vs {}", conf(&answered), conf(&unanswered));
}

#[test]
fn membership_only_grows_with_the_share() {
    let members = |share: f64| -> Vec<bool> {
        let sc = small(&format!("sharing: (isac_membership: {share}),"));
        let sim = Sim::new(&sc, 9);
        let reg = sim.registry();
        let m = &sim.world().resource::<Seeded>().members;
        reg.actors.iter().enumerate().filter(|(_, a)| a.kind == ActorKind::Local).map(|(i, _)| m[i]).collect()
    };
    let lo = members(0.3);
    let hi = members(0.8);
    assert!(lo.iter().zip(&hi).all(|(l, h)| !l || *h), "a member at 30% is still a member at 80%");
}

#[test]
fn injects_can_be_held_released_skipped_and_fired_early() {
    let src = r#"injects: [
        (id: "one", title: "One", trigger: At("E-15d 00:00"), effects: [News("one")]),
        (id: "two", title: "Two", trigger: At("E-15d 00:00"), effects: [News("two")]),
        (id: "three", title: "Three", trigger: Manual, effects: [News("three")]),
    ],"#;
    let sc = small(src);
    let mut sim = Sim::new(&sc, 1);
    sim.submit(Issuer::Facilitator, Command::HoldInject { inject: "one".into() });
    sim.submit(Issuer::Facilitator, Command::SkipInject { inject: "two".into() });
    sim.submit(Issuer::Facilitator, Command::FireInject { inject: "three".into() });
    sim.step();
    let state = |sim: &Sim, id: &str| sim.inject_views().into_iter().find(|i| i.id == id).unwrap().state;
    assert_eq!(state(&sim, "three"), "fired");
    sim.run_until(sc.registry().clock.tick_of(ETime::new(-14, 0)).unwrap());
    assert_eq!(state(&sim, "one"), "held");
    assert_eq!(state(&sim, "two"), "skipped");
    sim.submit(Issuer::Facilitator, Command::ReleaseInject { inject: "one".into() });
    sim.step();
    assert_eq!(state(&sim, "one"), "fired", "an overdue inject fires on release");
    sim.submit(Issuer::Facilitator, Command::FireInject { inject: "two".into() });
    sim.step();
    assert!(matches!(sim.take_outcomes().last().unwrap().result, Err(Rejection::InjectDone { .. })));
}

#[test]
fn a_skipped_inject_can_be_unskipped_and_then_fires_when_due_or_at_once_if_overdue() {
    let src = r#"injects: [
        (id: "early", title: "Early", trigger: At("E-15d 00:00"), effects: [News("early")]),
        (id: "late", title: "Late", trigger: At("E-14d 12:00"), effects: [News("late")]),
    ],"#;
    let sc = small(src);
    let mut sim = Sim::new(&sc, 1);
    let state = |sim: &Sim, id: &str| sim.inject_views().into_iter().find(|i| i.id == id).unwrap().state;
    sim.submit(Issuer::Facilitator, Command::UnskipInject { inject: "early".into() });
    sim.submit(Issuer::Facilitator, Command::SkipInject { inject: "early".into() });
    sim.submit(Issuer::Facilitator, Command::SkipInject { inject: "late".into() });
    sim.step();
    let results: Vec<_> = sim.take_outcomes().into_iter().map(|o| o.result).collect();
    assert!(matches!(&results[0], Err(Rejection::NotNow { .. })), "only a skipped inject can be unskipped");
    assert!(results[1..].iter().all(Result::is_ok), "{results:?}");
    let clock = sc.registry().clock;
    sim.run_until(clock.tick_of(ETime::new(-14, 0)).unwrap());
    assert_eq!(state(&sim, "early"), "skipped");
    // A team may not take back a skip.
    sim.submit(Issuer::Team("pa".into()), Command::UnskipInject { inject: "early".into() });
    sim.submit(Issuer::Facilitator, Command::UnskipInject { inject: "early".into() });
    sim.submit(Issuer::Facilitator, Command::UnskipInject { inject: "late".into() });
    sim.step();
    let results: Vec<_> = sim.take_outcomes().into_iter().map(|o| o.result).collect();
    assert!(results.iter().any(|r| matches!(r, Err(Rejection::FacilitatorOnly { .. }))), "{results:?}");
    assert_eq!(state(&sim, "early"), "fired", "an overdue inject fires once unskipped");
    assert_eq!(state(&sim, "late"), "pending", "a future one waits for its time");
    sim.run_until(clock.tick_of(ETime::new(-14, 13)).unwrap());
    assert_eq!(state(&sim, "late"), "fired");
    assert_eq!(
        Command::UnskipInject { inject: "late".into() }.summary(),
        "unskip inject late",
        "the log line comes from the command table"
    );
}

#[test]
fn calendars_drop_what_falls_after_the_end_and_find_the_next_due_tick() {
    let mut c: Calendar<u32> = Calendar::new(10);
    assert!(c.schedule(Tick(7), 1));
    assert!(c.schedule(Tick(3), 2));
    assert!(!c.schedule(Tick(10), 3), "past the clock: never happens");
    assert_eq!(c.next_due(Tick(0)), Some(Tick(3)));
    assert_eq!(c.take(Tick(3)), vec![2]);
    assert_eq!(c.next_due(Tick(4)), Some(Tick(7)));
    assert_eq!(c.len(), 1);
}

#[test]
fn the_digest_depends_on_order() {
    let mut a = Digest(1);
    a.mix(&[1, 2]);
    let mut b = Digest(1);
    b.mix(&[2, 1]);
    assert_ne!(a.0, b.0);
}

#[test]
fn stepping_family_by_family_gives_the_same_run() {
    let sc = crate::builtin::default_scenario().unwrap();
    let mut a = Sim::new(&sc, 4);
    a.run_to_end();
    let mut b = Sim::new(&sc, 4);
    let mut seen = std::collections::BTreeSet::new();
    b.run_to_end_observed(&mut |f, run| {
        seen.insert(f.name());
        run();
    });
    assert_eq!(a.hash_trace(), b.hash_trace());
    assert_eq!(a.metrics(), b.metrics());
    assert_eq!(seen.len(), crate::sim::Family::ALL.len());
}

/// Everything a run produces that a batch, a journal or a console reads.
fn fingerprint_of(sim: &Sim) -> (Vec<(Tick, u64)>, crate::metrics::Metrics, String, u64) {
    let events = serde_json::to_string(sim.events()).unwrap();
    (sim.hash_trace().to_vec(), sim.metrics(), events, sim.state_hash())
}

#[test]
fn a_reset_sim_runs_exactly_like_a_new_one() {
    for b in crate::builtin::BUILTINS.iter().filter(|b| b.name != "national") {
        let sc = crate::builtin::load(b).unwrap();
        let mut reused = Sim::new(&sc, 11);
        reused.run_to_end();
        for seed in [12, 11, 3] {
            reused.reset(seed);
            reused.run_to_end();
            let mut fresh = Sim::new(&sc, seed);
            fresh.run_to_end();
            assert!(fingerprint_of(&reused) == fingerprint_of(&fresh), "{} seed {seed}", b.name);
            assert_eq!(reused.series(), fresh.series(), "{} seed {seed}", b.name);
        }
        // Reset part-way through a run, with commands waiting and messages unread.
        let mut half = Sim::new(&sc, 5);
        half.run_until(Tick(sc.registry().clock.ticks() / 2));
        half.reset(6);
        half.run_to_end();
        let mut fresh = Sim::new(&sc, 6);
        fresh.run_to_end();
        assert!(fingerprint_of(&half) == fingerprint_of(&fresh), "{} reset part-way", b.name);
    }
}

#[test]
fn a_conditional_inject_fires_its_delay_after_the_hour_its_condition_holds() {
    let src = r#"injects: [
        (id: "first", title: "First", trigger: At("E-15d 09:00"), effects: [News("first")]),
        (id: "six", title: "Six", trigger: When(condition: InjectFired("first"), delay_h: 6), effects: [News("six")]),
        (id: "one", title: "One", trigger: When(condition: InjectFired("first"), delay_h: 1), effects: [News("one")]),
        (id: "zero", title: "Zero", trigger: When(condition: InjectFired("first"), delay_h: 0), effects: [News("zero")]),
        (id: "chained", title: "Chained", trigger: When(condition: InjectFired("six"), delay_h: 24), effects: [News("chained")]),
    ],"#;
    let sc = small(src);
    let mut sim = Sim::new(&sc, 1);
    sim.run_to_end();
    let reg = sim.registry();
    let fired = |id: &str| {
        let i = reg.injects.iter().position(|x| x.spec.id == id).unwrap();
        let tick = sim
            .events()
            .iter()
            .find_map(|e| match &e.kind {
                crate::events::EventKind::InjectFired { inject: Some(x), .. } if x.ix() == i => Some(e.tick),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{id} never fired"));
        reg.clock.at(tick).to_string()
    };
    assert_eq!(fired("first"), "E-15d 09:00");
    assert_eq!(fired("six"), "E-15d 15:00");
    assert_eq!(fired("one"), "E-15d 10:00");
    assert_eq!(fired("zero"), "E-15d 10:00", "conditions are checked after the hour's injects");
    assert_eq!(fired("chained"), "E-14d 15:00");
}

#[test]
fn eo_deadlines_not_yet_due_are_not_reached() {
    use crate::metrics::eo_deadlines_met as met;
    let due = ETime::new(45, 23);
    let day = |d: i64| ETime::new(d, 12);
    assert_eq!(met(day(10), due, None, None, 45), None, "nothing due yet");
    assert_eq!(met(day(46), due, None, None, 45), Some(false), "the assessment's deadline passed");
    assert_eq!(met(day(50), due, Some(day(46)), None, 45), Some(false), "a late assessment");
    assert_eq!(met(day(50), due, Some(day(40)), None, 45), None, "on time, the report not due yet");
    assert_eq!(met(day(86), due, Some(day(40)), None, 45), Some(false), "the report's deadline passed");
    assert_eq!(met(day(90), due, Some(day(40)), Some(day(86)), 45), Some(false), "a late report");
    assert_eq!(met(day(90), due, Some(day(40)), Some(day(85)), 45), Some(true));
    assert_eq!(met(due, due, Some(due), None, 45), None, "delivered in the deadline's hour");

    // The clock ends 60 days after the election: the report, due 45 days after a timely
    // assessment, never falls due.
    let sc = small(&format!("{PHISH}\neo13848: (evidence_needed: 0.5),"));
    let mut sim = Sim::new(&sc, 3);
    sim.run_to_end();
    let m = sim.metrics();
    assert!(m.assessment_day.unwrap() <= 45);
    assert_eq!(m.report_day, None);
    assert_eq!(m.eo_deadlines_met, None);
    assert_eq!(m.get("eo_deadlines_met"), None);
}

/// A section written out in full, as RON.
fn ron_of<T: serde::Serialize>(v: &T) -> String {
    ron::to_string(v).unwrap()
}

#[test]
fn an_omitted_block_equals_the_default_block_and_any_block_restating_a_default() {
    let base = small("");
    let spec = base.spec();
    assert_eq!(spec.posture, PostureSpec::default());
    assert_eq!(spec.sharing, SharingSpec::default());
    assert_eq!(spec.techniques, TechniquesSpec::default());
    assert_eq!(spec.doctrines, DoctrinesSpec::default());
    assert_eq!(spec.evaluation, EvaluationSpec::default());

    let p = Posture::default();
    let posture = PostureSpec::default();
    let sharing = SharingSpec::default();
    let tech = TechniquesSpec::default();
    let det = &tech.detection;
    let d = DoctrinesSpec::default();
    let f = &d.federal;
    let public = PublicSpec::default();
    let el = ElectorateSpec::default();
    let eo = Eo13848Spec::default();
    let mut blocks = vec![
        format!("posture: {},", ron_of(&posture)),
        "posture: (),".to_string(),
        format!("posture: (defaults: {}),", ron_of(&p)),
        format!("posture: (defaults: (paper_fallback: {})),", p.paper_fallback),
        format!("posture: (defaults: (patch_lag_days: {})),", p.patch_lag_days),
        format!("posture: (defaults: (monitoring: {:?}, training: {:?})),", p.monitoring, p.training),
        format!(
            "posture: (defaults: (mfa: {}, offline_backups: {}, ddos_protection: {})),",
            p.mfa, p.offline_backups, p.ddos_protection
        ),
        "posture: (by_kind: {}),".to_string(),
        "posture: (overrides: []),".to_string(),
        format!(
            "posture: (by_kind: {{ VoterRegistration: {} }}),",
            ron_of(&posture.by_kind[&AssetKind::VoterRegistration])
        ),
        format!("sharing: {},", ron_of(&sharing)),
        format!("sharing: (isac_membership: {:?}),", sharing.isac_membership),
        format!("sharing: (state_isac_membership: {:?}),", sharing.state_isac_membership),
        format!("sharing: (tearline_h: {:?}),", sharing.tearline_h),
        "sharing: (channels: ()),".to_string(),
        format!("sharing: (channels: (isac_to_members: {})),", ron_of(&sharing.channels.isac_to_members)),
        format!("techniques: {},", ron_of(&tech)),
        format!("techniques: (phishing: {}),", ron_of(&tech.phishing)),
        format!("techniques: (detection: {}),", ron_of(det)),
        format!("techniques: (detection: (basic: {:?})),", det.basic),
        format!("techniques: (detection: (persistence_tempo_h: {})),", det.persistence_tempo_h),
        format!("doctrines: {},", ron_of(&d)),
        format!("doctrines: (federal: (onsite_teams: {})),", f.onsite_teams),
        format!("doctrines: (federal: (public_attribution_h: {:?})),", f.public_attribution_h),
        "doctrines: (overrides: []),".to_string(),
        format!("doctrines: (vendor: (statement_h: {:?})),", d.vendor.statement_h),
        format!("public: {},", ron_of(&public)),
        format!("public: (confidence: {:?}),", public.confidence),
        format!("electorate: {},", ron_of(&el)),
        format!("electorate: (paper_delay_share: {:?}),", el.paper_delay_share),
        format!("eo13848: {},", ron_of(&eo)),
        format!("eo13848: (evidence_needed: {:?}),", eo.evidence_needed),
        format!("evaluation: {},", ron_of(&EvaluationSpec::default())),
        "evaluation: (),".to_string(),
    ];
    // Each actor's doctrine: one field restated keeps that actor's own defaults.
    for (name, doc) in [
        ("local", &d.local),
        ("state", &d.state),
        ("vendor", &d.vendor),
        ("eiisac", &d.eiisac),
        ("dhs", &d.dhs),
        ("fbi", &d.fbi),
        ("odni", &d.odni),
    ] {
        blocks.push(format!("doctrines: ({name}: {}),", ron_of(doc)));
        blocks.push(format!("doctrines: ({name}: (relay_h: {:?})),", doc.relay_h));
        blocks.push(format!("doctrines: ({name}: (report_h: {:?})),", doc.report_h));
        blocks.push(format!("doctrines: ({name}: ()),"));
    }
    for b in &blocks {
        let sc = small(b);
        assert!(sc.spec() == spec, "`{b}` compiles unlike the omitted block");
        assert_eq!(sc.hash(), base.hash(), "`{b}`");
    }
}

#[test]
fn partial_blocks_change_only_what_they_write() {
    let sc = small(
        "posture: (defaults: (patch_lag_days: 7), by_kind: { ResultsWebsite: (ddos_protection: true) }),",
    );
    let posture = &sc.spec().posture;
    assert_eq!(posture.defaults, Posture { patch_lag_days: 7, ..Posture::default() });
    assert_eq!(
        posture.by_kind[&AssetKind::VoterRegistration],
        PostureSpec::default().by_kind[&AssetKind::VoterRegistration],
        "the built-in registration-database entry stays"
    );
    assert_eq!(posture.by_kind[&AssetKind::ResultsWebsite].ddos_protection, Some(true));
    let sc = small("posture: (by_kind: { VoterRegistration: () }),");
    assert_eq!(sc.spec().posture.by_kind[&AssetKind::VoterRegistration], PosturePatch::default());
    let sc = small("doctrines: (state: (relay: false), vendor: (statement_h: 6)),");
    let d = &sc.spec().doctrines;
    assert_eq!(d.state, Doctrine { relay: false, ..DoctrinesSpec::default().state });
    assert_eq!(d.vendor, Doctrine { statement_h: Some(6.0), ..DoctrinesSpec::default().vendor });
    let sc = small("doctrines: (local: (statement_h: None)),");
    assert_eq!(sc.spec().doctrines.local.statement_h, None);
}

#[test]
fn a_doctrine_order_is_logged_as_the_command_it_stands_for() {
    use crate::systems::doctrines::Order;
    let sim = Sim::new(&small(""), 1);
    let reg = sim.registry();
    let mut seen = 0;
    for (i, asset) in reg.assets.iter().enumerate() {
        let x = AssetIx(i as u32);
        for order in [Order::Patch(asset.owner, x), Order::EnforceMfa(asset.owner, x)] {
            let command = order.command(reg);
            assert_eq!(order.summary(reg), command.summary());
            assert_eq!(command.actor(), Some(reg.actor(asset.owner).id.as_str()));
            seen += 1;
        }
    }
    assert!(seen > 0);
    assert!(matches!(Order::Patch(ActorIx(0), AssetIx(0)).command(reg), Command::Patch { .. }));
    assert!(matches!(Order::EnforceMfa(ActorIx(0), AssetIx(0)).command(reg), Command::EnforceMfa { .. }));
}

#[test]
fn every_doctrine_order_is_summarised_as_its_command() {
    use crate::model::registry::AdversaryIx;
    use crate::systems::doctrines::Order;
    let sim = Sim::new(&small(""), 1);
    let reg = sim.registry();
    let mut orders = Vec::new();
    for (i, asset) in reg.assets.iter().enumerate() {
        let (a, x) = (asset.owner, AssetIx(i as u32));
        orders.extend([Order::Isolate(a, x), Order::Restore(a, x), Order::RequestOnsite(a, x)]);
    }
    for i in 0..reg.actors.len() {
        let a = ActorIx(i as u32);
        orders.extend([Order::SwitchToPaper(a), Order::ExtendHours(a, 2), Order::ExtendHours(a, 6)]);
        orders.extend([Order::Statement(a, Statement::Reassure), Order::Statement(a, Statement::Debunk)]);
        orders.extend([
            Order::OpenInvestigation(a, IndicatorIx(7)),
            Order::OpenInvestigation(a, IndicatorIx(12345)),
        ]);
        orders.extend(Channel::ALL.map(|c| Order::Share(a, IndicatorIx(3), c)));
        orders.extend((0..reg.adversaries.len()).map(|v| Order::Attribute(a, AdversaryIx(v as u32))));
    }
    assert!(orders.len() > 100);
    for order in orders {
        let command = order.command(reg);
        assert_eq!(order.summary(reg), command.summary(), "{order:?}");
        assert_eq!(command.actor(), Some(reg.actor(order.actor()).id.as_str()));
    }
}
