//! Teams play over the network: what one learns stays its own until it shares it;
//! a facilitator and two teams play a module to its end and the journal verifies.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;

const T: Duration = Duration::from_secs(30);

/// Steps the clock one hour at a time until `done` holds for `console`'s view (at most `max` hours).
fn step_until(fac: &mut Console, console: &mut Console, max: u32, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..max {
        let v = console.view();
        if done(&v) {
            return v;
        }
        let a = fac.ask(json!({"type": "step"}));
        assert_eq!(a["type"], "done", "{a}");
        let tick = v["tick"].as_u64().unwrap();
        console.wait_for("the next update", T, |x| {
            x["type"] == "delta" && x["delta"]["tick"].as_u64() > Some(tick)
        });
    }
    panic!("the condition did not hold within {max} hours");
}

#[test]
fn what_a_team_learns_is_invisible_to_another_until_shared() {
    let tmp = scratch("share");
    let dir = tmp.path();
    let server = Server::start(dir, "127.0.0.1:0", &["--paused"]);
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    let mut pa = Console::join(&server.addr, Some("pa"), &server.code("pa"), &[]);
    let mut fbi = Console::join(&server.addr, Some("fbi"), &server.code("fbi"), &[]);
    let pa_view = pa.wait_for("pa's full view", T, |x| x["type"] == "full")["view"].clone();
    fbi.wait_for("fbi's full view", T, |x| x["type"] == "full");
    assert!(indicators(&pa_view).is_empty());
    let office = actor_of_kind(&pa_view, "StateOffice");

    // CISA hands Pennsylvania's election office an indicator (an ad-hoc inject by the facilitator).
    let a = fac.ask(json!({
        "type": "ad_hoc_inject",
        "title": "CISA shares a scanning indicator with Pennsylvania",
        "teams": ["pa"],
        "effects": [{"Notify": {"campaign": "web_scan", "from": "Dhs", "to": [{"StateOffice": "PA"}]}}]
    }));
    assert_eq!(a["type"], "ack", "{a}");
    let pa_view = step_until(&mut fac, &mut pa, 3, |v| !indicators(v).is_empty());
    let ind = indicators(&pa_view)[0];
    assert!(pa_view["inbox"].as_array().unwrap().iter().any(|m| m["indicator"] == json!(ind)));

    // The FBI does not have it, through several more hours.
    for _ in 0..3 {
        fac.ask(json!({"type": "step"}));
    }
    let tick = pa_view["tick"].as_u64().unwrap();
    fbi.wait_for("three more hours", T, |x| {
        x["type"] == "delta" && x["delta"]["tick"].as_u64() >= Some(tick + 3)
    });
    let fbi_view = fbi.view();
    assert!(!indicators(&fbi_view).contains(&ind), "the FBI sees IND-{ind} before it was shared");
    assert!(
        !fbi_view["inbox"].as_array().unwrap().iter().any(|m| m["indicator"] == json!(ind)),
        "the FBI's inbox shows IND-{ind} before it was shared"
    );

    // Pennsylvania reports it to the FBI; the FBI then holds it, from Pennsylvania.
    let a = pa
        .ask(json!({"type": "share_indicator", "actor": office, "indicator": ind, "channel": "ReportToFbi"}));
    assert_eq!(a["type"], "ack", "{a}");
    let fbi_view = step_until(&mut fac, &mut fbi, 72, |v| indicators(v).contains(&ind));
    let item =
        fbi_view["inbox"].as_array().unwrap().iter().find(|m| m["indicator"] == json!(ind)).unwrap().clone();
    assert_eq!(item["from"], json!(office), "{item}");
    // The outcome of Pennsylvania's command reached Pennsylvania's console.
    let pa_view = pa.view();
    let outcomes = pa_view["outcomes"].as_array().unwrap();
    assert!(
        outcomes
            .iter()
            .any(|o| o["command"]["type"] == "share_indicator" && o["result"] == json!({"Ok": null})),
        "{outcomes:?}"
    );
}

#[test]
fn a_facilitator_and_two_teams_play_a_module_to_its_end_and_the_journal_verifies() {
    let tmp = scratch("module");
    let dir = tmp.path();
    let mut server = Server::start(
        dir,
        "127.0.0.1:0",
        &[
            "--paused",
            "--approve-injects",
            crate::harness::path("scenarios/tabletop_the_vote.ron").to_str().unwrap(),
        ],
    );
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    let full = fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    assert_eq!(full["view"]["module"]["id"], "pre");
    let mut pa = Console::join(&server.addr, Some("pa"), &server.code("pa"), &[]);
    let mut red = Console::join(&server.addr, Some("red"), &server.code("red"), &[]);
    let pa_view = pa.wait_for("pa's view", T, |x| x["type"] == "full")["view"].clone();
    red.wait_for("red's view", T, |x| x["type"] == "full");

    // Joining staffs a team from the next hour on: its actors then wait for the players.
    fac.ask(json!({"type": "step"}));
    let fv = fac.view();
    let staffed: Vec<&str> = fv["teams"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["staffed"] == true)
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(staffed, ["pa", "red"]);

    // Pennsylvania hardens its counties.
    let mut acks = Vec::new();
    for actor in pa_view["actors"].as_array().unwrap().iter().take(4) {
        let asset = actor["assets"][0]["id"].as_str().unwrap();
        let a = pa.ask(json!({"type": "enforce_mfa", "actor": actor["id"], "asset": asset}));
        assert_eq!(a["type"], "ack", "{a}");
        acks.push(a["seq"].as_u64().unwrap());
    }
    // A command Pennsylvania has no authority for is refused with the reason.
    let r = pa.ask(json!({"type": "open_investigation", "actor": "fbi", "indicator": 1}));
    assert_eq!(r["type"], "refused");
    assert_eq!(r["rejection"]["reason"], "not_your_actor");

    fac.ask(json!({"type": "step", "ticks": 200}));

    // The red cell makes an inject from a template; it waits for the facilitator.
    let h = red.ask(json!({"type": "inject_from_template", "template": "county_ransomware", "state": "GA"}));
    assert_eq!(h["type"], "held", "{h}");
    let pending = h["pending"].as_u64().unwrap();
    // The facilitator's console shows it in the approval queue.
    fac.wait_for("the held inject in the facilitator's queue", T, |x| {
        x["type"] == "facilitator_delta"
            && x["status"]["pending"]
                .as_array()
                .is_some_and(|q| q.iter().any(|i| i["pending"] == json!(pending) && i["team"] == "red"))
    });
    let d = fac.ask(json!({"type": "approve", "pending": pending}));
    assert_eq!(d["type"], "done", "{d}");
    let decision = red.wait_for("the decision", T, |x| x["type"] == "decision");
    assert_eq!(decision["approved"], true);
    // A player team may not use the red cell's templates.
    let r = pa.ask(json!({"type": "inject_from_template", "template": "county_ransomware"}));
    assert_eq!(r["rejection"]["reason"], "wrong_cell", "{r}");

    fac.ask(json!({"type": "note", "text": "The room agreed to call the state first.", "question": 0}));

    // Play on to the module break: the clock stops when module 2 begins.
    let mut module = String::from("pre");
    for _ in 0..20 {
        let a = fac.ask(json!({"type": "step", "ticks": 500}));
        assert_eq!(a["type"], "done", "{a}");
        let v = fac.view();
        module = v["module"]["id"].as_str().unwrap_or("").to_string();
        if module != "pre" {
            break;
        }
    }
    assert_eq!(module, "eday", "module 1 did not end");
    let pa_view = pa.view();
    assert_eq!(pa_view["module"]["id"], "eday");
    let outcomes = pa_view["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.iter().filter(|o| o["command"]["type"] == "enforce_mfa").count(), 4, "{outcomes:?}");
    let red_view = red.view();
    assert!(
        red_view["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["command"]["type"] == "inject_from_template"),
        "the approved inject was applied"
    );

    let a = fac.ask(json!({"type": "stop"}));
    assert_eq!(a["type"], "done");
    assert_eq!(server.wait_exit(T), 0);

    // Every acknowledged command is in the journal, and the journal replays and verifies.
    let records = journal_records(&server.journal);
    for seq in &acks {
        assert!(
            records.iter().any(|r| r["type"] == "command"
                && r["seq"] == json!(seq)
                && r["issuer"] == json!({"team": "pa"})),
            "acknowledged command {seq} is not in the journal"
        );
    }
    assert!(records.iter().any(|r| r["type"] == "note"));
    assert!(records.iter().any(|r| r["type"] == "command" && r["command"]["type"] == "inject_from_template"));
    let (code, text) = replay_verify(&server.journal);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("verified:"), "{text}");
}
