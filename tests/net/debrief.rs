//! The debrief through the network: hot-wash items and Participant Feedback Forms from team
//! consoles and the facilitator, a team taking back its own command, and the clock stopping
//! while a player-made inject waits for approval.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::harness::report_md;

const T: Duration = Duration::from_secs(30);

fn refused(answer: &Value, reason: &str) {
    assert_eq!(answer["type"], "refused", "{answer}");
    let m = answer["message"].as_str().unwrap();
    assert!(m.contains(reason), "{m} should say {reason}");
}

#[test]
fn hot_wash_and_feedback_reach_the_journal_and_the_report() {
    let tmp = scratch("debrief");
    let mut server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let mut fac = server.facilitator();
    let (mut pa, _) = server.team("pa");

    let a = pa.ask(json!({"type": "hot_wash", "kind": "strength", "text": "The state office shared the IOC within the hour."}));
    assert_eq!(a["type"], "done", "{a}");
    let a = pa
        .ask(json!({"type": "hot_wash", "kind": "improvement", "text": "Nobody knew who calls the vendor."}));
    assert_eq!(a["type"], "done", "{a}");
    let a = fac.ask(
        json!({"type": "hot_wash", "kind": "improvement", "text": "The room ran out of time for module 2."}),
    );
    assert_eq!(a["type"], "done", "{a}");
    let form = json!({
        "ratings": {"structured": 5, "plausible": 3, "prepared": 4},
        "strengths": "Realistic injects.",
        "improvements": "Shorter module 1.",
        "differently": "Keep the EI-ISAC number at hand."
    });
    let a = pa.ask(json!({"type": "feedback", "form": form}));
    assert_eq!(a["type"], "done", "{a}");
    let a = pa.ask(json!({"type": "feedback", "form": {"ratings": {"structured": 4, "plausible": 2}}}));
    assert_eq!(a["type"], "done", "{a}");

    // Bad input is refused with its reason; the console goes on.
    refused(&pa.ask(json!({"type": "feedback", "form": {"ratings": {"plausible": 6}}})), "outside 1 to 5");
    refused(
        &pa.ask(json!({"type": "feedback", "form": {"ratings": {"catering": 3}}})),
        "unknown statement `catering`",
    );
    let long = "x".repeat(2001);
    refused(&pa.ask(json!({"type": "hot_wash", "kind": "strength", "text": long})), "at most 2000");
    refused(&pa.ask(json!({"type": "hot_wash", "kind": "strength", "text": "  "})), "empty");
    refused(&fac.ask(json!({"type": "feedback", "form": form})), "team's console");
    let bad = pa.ask(json!({"type": "hot_wash", "kind": "kudos", "text": "x"}));
    assert_eq!(bad["type"], "input_error", "{bad}");
    assert_eq!(
        pa.ask(json!({"type": "hot_wash", "kind": "strength", "text": "Still here."}))["type"],
        "done"
    );

    assert_eq!(fac.ask(json!({"type": "step", "ticks": 3}))["type"], "done");
    server.stop(&mut fac);
    let records = journal_records(&server.journal);
    assert_eq!(records.iter().filter(|r| r["type"] == "hot_wash").count(), 4);
    assert_eq!(records.iter().filter(|r| r["type"] == "feedback").count(), 2);
    server.assert_verifies();

    let md = report_md(&server.journal);
    let hw = &md[md.find("## 8. Hot wash").expect("hot wash section")..md.find("## 9.").unwrap()];
    assert!(hw.contains("The room (facilitator)"), "{hw}");
    assert!(hw.contains("The state office shared the IOC within the hour."), "{hw}");
    assert!(hw.contains("Nobody knew who calls the vendor."), "{hw}");
    assert!(!hw.contains("kudos"));
    let fb =
        &md[md.find("## 9. Participant feedback").expect("feedback section")..md.find("## 10.").unwrap()];
    assert!(fb.contains("2 forms returned"), "{fb}");
    // Mean and n per statement, from the statement list.
    assert!(fb.contains("| The exercise was well structured and organized. | 4.5 | 2 |"), "{fb}");
    assert!(fb.contains("| The scenario was plausible and realistic. | 2.5 | 2 |"), "{fb}");
    assert!(fb.contains("| The exercise objectives were clear and achievable. | – | 0 |"), "{fb}");
    assert!(fb.contains("Keep the EI-ISAC number at hand."), "{fb}");
    let html = tmp.path().join("aar.html");
    let o = Command::new(BIN)
        .args(["report", server.journal.to_str().unwrap(), "--out", html.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success());
    let html = std::fs::read_to_string(html).unwrap();
    let toc = &html[html.find("<nav class=\"toc\">").unwrap()..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    assert!(toc.contains("href=\"#hot-wash\"") && toc.contains("href=\"#feedback\""), "{toc}");
}

#[test]
fn a_team_takes_back_its_own_queued_command_and_no_other() {
    let tmp = scratch("team-cancel");
    let mut server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let bind = server.addr.clone();
    let mut fac = server.facilitator();
    let (mut pa, view) = server.team("pa");
    let a = queue_office_patch(&mut pa, &view);
    let seq = a["seq"].as_u64().unwrap();
    let (mut ga, _) = server.team("ga");
    refused(&ga.ask(json!({"type": "cancel", "seq": seq})), "not one of team `ga`'s");
    assert_eq!(pa.ask(json!({"type": "cancel", "seq": seq}))["type"], "done");
    refused(&pa.ask(json!({"type": "cancel", "seq": seq})), &format!("command {seq}"));
    // The team's record says so, on a console that joins again.
    let mut pa2 = Console::join(&bind, Some("pa"), &server.code("pa"), &[]);
    let full = pa2.wait_for("pa's second view", T, |x| x["type"] == "full");
    assert_eq!(full["history"][0]["state"], json!({"state": "cancelled", "seq": seq}), "{full}");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 2}))["type"], "done");
    let outcomes = pa.view()["outcomes"].clone();
    assert!(!outcomes.as_array().unwrap().iter().any(|o| o["seq"] == json!(seq)), "{outcomes}");
    server.stop(&mut fac);
    let records = journal_records(&server.journal);
    let c = records.iter().find(|r| r["type"] == "cancelled").expect("a cancelled record");
    assert_eq!(c["issuer"], json!({"team": "pa"}), "{c}");
    server.assert_verifies();
}

fn status(fac: &mut Console) -> Value {
    fac.send(&json!({"type": "view"}));
    fac.wait_for("a view", T, |x| x["type"] == "facilitator_view")["status"].clone()
}

/// The server's status once `key` is `want` (it reaches the facilitator a moment after a batch).
fn wait_status(fac: &mut Console, key: &str, want: Value) -> Value {
    let until = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let s = status(fac);
        if s[key] == want {
            return s;
        }
        assert!(std::time::Instant::now() < until, "{key} stayed {} (want {want}): {s}", s[key]);
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_clock_stops_while_an_inject_waits_for_approval_and_a_resume_keeps_the_setting() {
    let tmp = scratch("approval-pause");
    let bind = format!("127.0.0.1:{}", free_port());
    let mut server =
        Server::start(tmp.path(), &bind, &["--paused", "--approve-injects", "--pause-for-approval"]);
    let mut fac = server.facilitator();
    let (mut red, _) = server.team("red");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 200}))["type"], "done");
    assert_eq!(fac.ask(json!({"type": "speed", "ticks_per_second": 2.0}))["type"], "done");
    assert_eq!(fac.ask(json!({"type": "resume"}))["type"], "done");
    wait_status(&mut fac, "paused", json!(false));
    let h = red.ask(json!({"type": "inject_from_template", "template": "county_ransomware", "state": "GA"}));
    assert_eq!(h["type"], "held", "{h}");
    let s = wait_status(&mut fac, "paused", json!(true));
    assert_eq!(s["pause_for_approval"], true, "{s}");
    let tick = fac.view()["tick"].clone();
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(fac.view()["tick"], tick, "the clock waits for the decision");
    // The queue empties: the clock runs again.
    assert_eq!(fac.ask(json!({"type": "approve", "pending": h["pending"]}))["type"], "done");
    wait_status(&mut fac, "paused", json!(false));
    // Held again, then the server dies before a decision.
    let h = red.ask(json!({"type": "inject_from_template", "template": "county_ransomware", "state": "PA"}));
    assert_eq!(h["type"], "held", "{h}");
    server.kill9();
    let records = journal_records(&server.journal);
    let last = records.iter().rev().find(|r| r["type"] == "settings").unwrap();
    assert_eq!(last["pause_for_approval"], true, "{last}");

    let mut server = Server::resume(&server.journal.clone(), &bind, &[]);
    assert!(server.banner.join("\n").contains("the clock stops while an inject waits for approval"));
    let mut fac = Console::join(&bind, None, &server.facilitator_code(), &[]);
    let full = fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    assert_eq!(full["status"]["pause_for_approval"], true, "{}", full["status"]);
    // Running the clock waits for the held inject's decision.
    let r = fac.ask(json!({"type": "resume"}));
    assert!(r["message"].as_str().unwrap().contains("waiting for approval"), "{r}");
    wait_status(&mut fac, "paused", json!(true));
    assert_eq!(
        fac.ask(json!({"type": "deny", "pending": h["pending"], "reason": "not now"}))["type"],
        "done"
    );
    wait_status(&mut fac, "paused", json!(false));
    // Turned off, a new held inject leaves the clock running.
    assert_eq!(fac.ask(json!({"type": "pause_for_approval", "on": false}))["type"], "done");
    let (mut red, _) = server.team("red");
    let h = red.ask(json!({"type": "inject_from_template", "template": "county_ransomware", "state": "GA"}));
    assert_eq!(h["type"], "held", "{h}");
    wait_status(&mut fac, "paused", json!(false));
    server.stop(&mut fac);
    server.assert_verifies();
}

#[test]
fn a_correction_to_a_fired_inject_reaches_its_teams_the_journal_and_the_report() {
    let tmp = scratch("correction");
    let mut server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let mut fac = server.facilitator();
    let (mut pa, _) = server.team("pa");
    let (mut red, _) = server.team("red");
    refused(&fac.ask(json!({"type": "correct", "inject": "phish_wave", "text": "x"})), "has not fired");
    refused(&fac.ask(json!({"type": "correct", "inject": "nope", "text": "x"})), "no inject `nope`");
    assert_eq!(fac.ask(json!({"type": "fire_inject", "inject": "phish_wave"}))["type"], "ack");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 2}))["type"], "done");
    let long = "y".repeat(2001);
    refused(&fac.ask(json!({"type": "correct", "inject": "phish_wave", "text": long})), "at most 2000");
    let text = "The sender domain was elect1ons-gov.net, not the one printed.";
    let a = fac.ask(json!({"type": "correct", "inject": "phish_wave", "text": text}));
    assert_eq!(a["type"], "done", "{a}");
    // A team that received the inject is told; one that did not is not.
    let c = pa.wait_for("the correction", T, |x| x["type"] == "correction");
    assert_eq!((c["inject"].as_str(), c["text"].as_str()), (Some("phish_wave"), Some(text)), "{c}");
    red.view();
    red.drain();
    assert!(!red.seen.iter().any(|x| x["type"] == "correction"), "red did not receive the inject");
    server.stop(&mut fac);
    server.assert_verifies();
    let md = report_md(&server.journal);
    let injects = &md[md.find("### Injects").expect("injects table")..];
    assert!(
        injects.contains(&format!("— corrected at E-60d 10:00: {text}")),
        "{}",
        &injects[..2000.min(injects.len())]
    );
}

#[test]
fn a_skipped_inject_is_unskipped_through_the_server_and_the_journal_replays() {
    let tmp = scratch("unskip");
    let mut server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let mut fac = server.facilitator();
    assert_eq!(fac.ask(json!({"type": "skip_inject", "inject": "phish_wave"}))["type"], "ack");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 1}))["type"], "done");
    // Skipped, it has not fired: there is nothing to correct.
    refused(&fac.ask(json!({"type": "correct", "inject": "phish_wave", "text": "x"})), "has not fired");
    assert_eq!(fac.ask(json!({"type": "unskip_inject", "inject": "phish_wave"}))["type"], "ack");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 1}))["type"], "done");
    assert_eq!(fac.ask(json!({"type": "fire_inject", "inject": "phish_wave"}))["type"], "ack");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 2}))["type"], "done");
    // Unskipped, it fired.
    let a = fac.ask(json!({"type": "correct", "inject": "phish_wave", "text": "The date was wrong."}));
    assert_eq!(a["type"], "done", "{a}");
    server.stop(&mut fac);
    let journaled =
        journal_records(&server.journal).iter().any(|r| r.to_string().contains(r#""type":"unskip_inject""#));
    assert!(journaled, "the journal holds the unskip");
    server.assert_verifies();
}
