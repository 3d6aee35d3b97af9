//! The session's own state across the network and across a resume: the clock's settings,
//! held injects, the end of the session, a team's record.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;

const T: Duration = Duration::from_secs(30);

fn fired(view: &Value) -> usize {
    view["injects"].as_array().unwrap().iter().filter(|i| i["state"] == "fired").count()
}

#[test]
fn a_served_clock_stops_when_a_scripted_inject_fires() {
    let tmp = scratch("pause-on-inject");
    let server = Server::start(
        tmp.path(),
        "127.0.0.1:0",
        &["--paused", "--pause-on-inject", "--speed", "500", "--no-module-breaks"],
    );
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    let full = fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    assert_eq!(full["status"]["pause_on_inject"], true, "{}", full["status"]);
    assert_eq!(fired(&full["view"]), 0);
    assert_eq!(fac.ask(json!({"type": "resume"}))["type"], "done");
    fac.wait_for("the clock to stop by itself", T, |x| {
        x["type"] == "facilitator_delta" && x["status"]["paused"] == true
    });
    let v = fac.view();
    assert_eq!(fired(&v), 1, "stopped at the first inject");
    // The first scripted inject is due at E-50d 09:00 (tick 241): the clock stands after it.
    assert_eq!(v["tick"], 242, "stopped at the hour the inject fired");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(fac.view()["tick"], 242, "and stays stopped");

    // Off: the clock runs on through injects.
    let a = fac.ask(json!({"type": "pause_on_inject", "on": false}));
    assert_eq!(a["type"], "done", "{a}");
    assert_eq!(fac.ask(json!({"type": "resume"}))["type"], "done");
    let until = std::time::Instant::now() + T;
    loop {
        let v = fac.view();
        if fired(&v) >= 3 {
            break;
        }
        assert!(std::time::Instant::now() < until, "the clock did not run through injects");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(fac.ask(json!({"type": "stop"}))["type"], "done");
}

#[test]
fn a_resumed_session_keeps_its_settings_and_waits_for_the_facilitator() {
    let tmp = scratch("resume-settings");
    let bind = format!("127.0.0.1:{}", free_port());
    let mut server = Server::start(tmp.path(), &bind, &["--paused", "--approve-injects"]);
    let mut fac = server.facilitator();
    assert_eq!(fac.ask(json!({"type": "speed", "ticks_per_second": 12.0}))["type"], "done");
    assert_eq!(fac.ask(json!({"type": "pause_on_inject", "on": true}))["type"], "done");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 200}))["type"], "done");
    server.kill9();
    let records = journal_records(&server.journal);
    let last = records.iter().rev().find(|r| r["type"] == "settings").expect("a settings record");
    assert_eq!(last["ticks_per_second"], 12.0, "{last}");
    assert_eq!(last["approve_injects"], true, "{last}");
    assert_eq!(last["pause_on_inject"], true, "{last}");

    // Resumed without flags: the journal's settings, the clock stopped.
    let server = Server::resume(&server.journal.clone(), &bind, &[]);
    let banner = server.banner.join("\n");
    assert!(banner.contains("12 simulated hours per second, injects wait for approval"), "{banner}");
    assert!(banner.contains("the clock waits for the facilitator"), "{banner}");
    let mut fac = Console::join(&bind, None, &server.facilitator_code(), &[]);
    let full = fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    let status = &full["status"];
    assert_eq!(status["paused"], true, "{status}");
    assert_eq!(status["ticks_per_second"], 12.0, "{status}");
    assert_eq!(status["approve_injects"], true, "{status}");
    assert_eq!(status["pause_on_inject"], true, "{status}");
    let tick = full["view"]["tick"].clone();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(fac.view()["tick"], tick, "the clock waits for the facilitator");

    // A red-cell inject still waits for approval.
    let (mut red, _) = server.team("red");
    let h = red.ask(json!({"type": "inject_from_template", "template": "county_ransomware", "state": "GA"}));
    assert_eq!(h["type"], "held", "{h}");
    assert_eq!(fac.ask(json!({"type": "stop"}))["type"], "done");
    let mut server = server;
    assert_eq!(server.wait_exit(T), 0);
    server.assert_verifies();
}

#[test]
fn a_journal_without_settings_resumes_with_the_defaults_and_verifies() {
    let tmp = scratch("resume-old");
    let mut server =
        Server::start(tmp.path(), "127.0.0.1:0", &["--paused", "--approve-injects", "--speed", "12"]);
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 200}))["type"], "done");
    server.stop(&mut fac);
    // A journal as written before the settings were recorded.
    let text = std::fs::read_to_string(&server.journal).unwrap();
    let old: String =
        text.lines().filter(|l| !l.contains(r#""type":"settings""#)).map(|l| format!("{l}\n")).collect();
    assert!(old.len() < text.len());
    std::fs::write(&server.journal, old).unwrap();
    server.assert_verifies();

    let mut server = Server::resume(&server.journal.clone(), "127.0.0.1:0", &[]);
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    let full = fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    let status = &full["status"];
    assert_eq!(status["paused"], true, "{status}");
    assert_eq!(status["ticks_per_second"], 1.0, "{status}");
    assert_eq!(status["approve_injects"], false, "{status}");
    let mut red = Console::join(&server.addr, Some("red"), &server.code("red"), &[]);
    red.wait_for("red's view", T, |x| x["type"] == "full");
    let a = red.ask(json!({"type": "inject_from_template", "template": "county_ransomware", "state": "GA"}));
    assert_eq!(a["type"], "ack", "{a}");
    server.stop(&mut fac);
    server.assert_verifies();
}

#[test]
fn held_injects_survive_a_crash_and_the_cell_hears_the_decision() {
    let tmp = scratch("resume-held");
    let bind = format!("127.0.0.1:{}", free_port());
    let mut server = Server::start(tmp.path(), &bind, &["--paused", "--approve-injects"]);
    let mut fac = server.facilitator();
    let (mut red, _) = server.team("red");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 200}))["type"], "done");
    let mut held = Vec::new();
    for state in ["GA", "PA"] {
        let h =
            red.ask(json!({"type": "inject_from_template", "template": "county_ransomware", "state": state}));
        assert_eq!(h["type"], "held", "{h}");
        held.push(h["pending"].as_u64().unwrap());
    }
    server.kill9();
    let records = journal_records(&server.journal);
    assert_eq!(records.iter().filter(|r| r["type"] == "held").count(), 2, "both are in the journal");
    red.wait_for("red to notice", T, |x| x["type"] == "disconnected");

    // Resumed: both wait again, under the same numbers.
    let mut server = Server::resume(&server.journal.clone(), &bind, &[]);
    assert!(server.banner.join("\n").contains("2 player-made injects still wait for approval"));
    let mut fac = Console::join(&bind, None, &server.facilitator_code(), &[]);
    let full = fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    let queue: Vec<u64> = full["status"]["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["team"], "red");
            p["pending"].as_u64().unwrap()
        })
        .collect();
    assert_eq!(queue, held);
    red.wait_for("red to reconnect", T, |x| x["type"] == "full");

    // The cell's console, reconnected, hears both decisions.
    assert_eq!(fac.ask(json!({"type": "approve", "pending": held[0]}))["type"], "done");
    let d = red.wait_for("the approval", T, |x| x["type"] == "decision" && x["pending"] == json!(held[0]));
    assert_eq!(d["approved"], true, "{d}");
    let seq = d["seq"].as_u64().unwrap();
    let a = fac.ask(json!({"type": "deny", "pending": held[1], "reason": "not in this module"}));
    assert_eq!(a["type"], "done", "{a}");
    let d = red.wait_for("the denial", T, |x| x["type"] == "decision" && x["pending"] == json!(held[1]));
    assert_eq!(d["approved"], false, "{d}");
    assert_eq!(d["reason"], "not in this module");
    // A new inject gets a number not used before.
    let h = red.ask(json!({"type": "inject_from_template", "template": "county_ransomware", "state": "GA"}));
    assert_eq!(h["pending"].as_u64(), Some(held[1] + 1), "{h}");
    assert_eq!(fac.ask(json!({"type": "step"}))["type"], "done");
    // The approved inject applies at that hour (the cell's update may come a little after).
    let until = std::time::Instant::now() + T;
    loop {
        let outcomes = red.view()["outcomes"].clone();
        if outcomes.as_array().unwrap().iter().any(|o| o["seq"] == json!(seq)) {
            break;
        }
        assert!(std::time::Instant::now() < until, "the approved inject did not apply: {outcomes}");
        std::thread::sleep(Duration::from_millis(100));
    }

    server.stop(&mut fac);
    server.assert_verifies();
    // Decided ones are not held again; the undecided one is.
    let server = Server::resume(&server.journal.clone(), "127.0.0.1:0", &[]);
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    let full = fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    let queue: Vec<u64> = full["status"]["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pending"].as_u64().unwrap())
        .collect();
    assert_eq!(queue, [held[1] + 1]);
}

#[test]
fn when_the_facilitator_ends_the_session_every_console_is_told_and_leaves() {
    let tmp = scratch("ended");
    let mut server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    let mut pa = Console::join(&server.addr, Some("pa"), &server.code("pa"), &[]);
    let mut red = Console::join(&server.addr, Some("red"), &server.code("red"), &[]);
    pa.wait_for("pa's view", T, |x| x["type"] == "full");
    red.wait_for("red's view", T, |x| x["type"] == "full");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 3}))["type"], "done");
    assert_eq!(fac.ask(json!({"type": "stop"}))["type"], "done");
    for (who, c) in [("pa", &mut pa), ("red", &mut red)] {
        let end = c.wait_for(&format!("{who} to hear the end"), T, |x| x["type"] == "ended");
        assert_eq!(end["message"], "the facilitator ended the session", "{end}");
        let labels: Vec<&str> =
            end["metrics"].as_array().unwrap().iter().map(|m| m[0].as_str().unwrap()).collect();
        assert_eq!(
            labels,
            [
                "public confidence",
                "lowest public confidence",
                "your commands applied",
                "your commands rejected"
            ]
        );
        assert_eq!(c.wait_exit(T), 0, "{who} leaves by itself");
        assert!(!c.seen.iter().any(|x| x["type"] == "disconnected"), "{who} did not try to reconnect");
    }
    // The end may have come before the answer to the stop.
    let end = match fac.seen.iter().find(|x| x["type"] == "ended").cloned() {
        Some(end) => end,
        None => fac.wait_for("the facilitator to hear the end", T, |x| x["type"] == "ended"),
    };
    assert!(end["metrics"].to_string().contains("intrusions attempted"), "{end}");
    assert_eq!(fac.wait_exit(T), 0);
    assert_eq!(server.wait_exit(T), 0);
}

#[test]
fn a_console_that_joins_again_gets_its_teams_commands_and_confidence_low() {
    let tmp = scratch("rejoin-history");
    let bind = format!("127.0.0.1:{}", free_port());
    let mut server = Server::start(tmp.path(), &bind, &["--paused", "--approve-injects"]);
    let mut fac = server.facilitator();
    let (mut pa, view) = server.team("pa");
    let a = queue_office_patch(&mut pa, &view);
    let seq = a["seq"].as_u64().unwrap();
    let (mut red, _) = server.team("red");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 200}))["type"], "done");
    let h = red.ask(json!({"type": "inject_from_template", "template": "county_ransomware", "state": "GA"}));
    let pending = h["pending"].as_u64().unwrap();

    let check = |full: &Value, what: &str| {
        let history = full["history"].as_array().unwrap_or_else(|| panic!("{what}: no history in {full}"));
        assert_eq!(history.len(), 1, "{what}: {history:?}");
        assert!(full["confidence_low"].is_number(), "{what}");
        history[0].clone()
    };
    // Another console of the team, and the same one after the server restarts.
    let mut pa2 = Console::join(&bind, Some("pa"), &server.code("pa"), &[]);
    let c = check(&pa2.wait_for("pa's second view", T, |x| x["type"] == "full"), "a second console");
    assert_eq!(c["state"], json!({"state": "accepted", "seq": seq, "time": a["time"]}), "{c}");
    assert_eq!(c["command"]["type"], "patch");
    drop(pa2);
    server.kill9();
    let mut server = Server::resume(&server.journal.clone(), &bind, &[]);
    let full = pa.wait_for("pa to reconnect", T, |x| x["type"] == "full");
    let c = check(&full, "after a restart");
    assert_eq!(c["state"]["seq"], json!(seq), "{c}");
    let full = red.wait_for("red to reconnect", T, |x| x["type"] == "full");
    let c = check(&full, "the red cell");
    assert_eq!(c["state"], json!({"state": "held", "pending": pending}), "{c}");
    let mut fac = server.facilitator();
    assert_eq!(fac.ask(json!({"type": "deny", "pending": pending, "reason": "later"}))["type"], "done");
    red.wait_for("the denial", T, |x| x["type"] == "decision");
    let mut red2 = Console::join(&bind, Some("red"), &server.code("red"), &[]);
    let c = check(&red2.wait_for("red's second view", T, |x| x["type"] == "full"), "after the decision");
    assert_eq!(c["state"], json!({"state": "denied", "pending": pending, "reason": "later"}), "{c}");
    server.stop(&mut fac);
}

#[test]
fn a_share_the_actor_may_not_make_is_refused_at_once_and_never_offered() {
    let tmp = scratch("channels");
    let scenario = crate::harness::path("scenarios/county_ransomware.ron");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused", scenario.to_str().unwrap()]);
    let mut counties = Console::join(&server.addr, Some("counties"), &server.code("counties"), &[]);
    let full = counties.wait_for("the counties' view", T, |x| x["type"] == "full");
    let actors = full["view"]["actors"].as_array().unwrap();
    let outsider = actors.iter().find(|a| a["isac_member"] == false).expect("a county outside the EI-ISAC");
    let member = actors.iter().find(|a| a["isac_member"] == true).expect("a member county");
    let channels = |id: &Value| -> Vec<String> {
        full["directory"]["channels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e[0] == *id)
            .unwrap_or_else(|| panic!("no channels for {id}"))[1]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(channels(&outsider["id"]), ["LocalToState", "ReportToFbi"]);
    assert_eq!(channels(&member["id"]), ["LocalToState", "MemberToIsac", "ReportToFbi"]);
    // Refused with the reason at once, not accepted and rejected an hour later.
    let r = counties.ask(json!({"type": "share_indicator", "actor": outsider["id"], "indicator": 1, "channel": "MemberToIsac"}));
    assert_eq!(r["type"], "refused", "{r}");
    assert_eq!(r["rejection"]["reason"], "not_a_member", "{r}");
    let records = journal_records(&server.journal);
    assert!(!records.iter().any(|r| r["type"] == "command" && r["command"]["type"] == "share_indicator"));
}
