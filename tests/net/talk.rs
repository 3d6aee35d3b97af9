//! Talk between the cells and control, bookmarks, and the room display, through `ttx serve`
//! and `ttx join` on 127.0.0.1: journaled, delivered, replayed and reported.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::pty::Session;

const T: Duration = Duration::from_secs(30);

fn message_frame(c: &mut Console, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    c.wait_for(what, T, |x| x["type"] == "message" && pred(&x["message"]))["message"].clone()
}

#[test]
fn teams_and_control_talk_and_the_journal_and_the_report_keep_every_message() {
    let tmp = scratch("talk");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let mut pa = Console::join(&server.addr, Some("pa"), &server.code("pa"), &[]);
    let mut wi = Console::join(&server.addr, Some("wi"), &server.code("wi"), &[]);
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    pa.wait_for("pa's view", T, |x| x["type"] == "full");
    wi.wait_for("wi's view", T, |x| x["type"] == "full");
    fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");

    // A cell asks control; the facilitator's console gets it.
    let rfi = "Request for information: is the vendor patching the e-pollbooks tonight?";
    let a = pa.ask(json!({"type": "message", "to": "control", "channel": "phone", "text": rfi}));
    assert_eq!(a["type"], "delivered", "{a}");
    assert_eq!(a["number"], 1);
    let m = message_frame(&mut fac, "the request at control", |m| m["text"] == rfi);
    assert_eq!(m["from"], json!({"team": "pa"}));
    assert_eq!(m["channel"], "phone");

    // Control answers as the FBI, by email.
    let answer = "FBI field office: we are aware; call the vendor's incident line.";
    let a = fac.ask(
        json!({"type": "message", "to": {"team": "pa"}, "channel": "email", "signed": "FBI", "text": answer}),
    );
    assert_eq!(a["type"], "delivered", "{a}");
    let m = message_frame(&mut pa, "control's answer at pa", |m| m["text"] == answer);
    assert_eq!(m["signed"], "FBI");
    assert_eq!(m["from"], "control");

    // One cell to another, by the EI-ISAC portal.
    let share = "Call the vendor: their support line confirms a patch.";
    let a =
        pa.ask(json!({"type": "message", "to": {"team": "wi"}, "channel": "ei_isac_portal", "text": share}));
    assert_eq!(a["type"], "delivered", "{a}");
    let m = message_frame(&mut wi, "pa's message at wi", |m| m["text"] == share);
    assert_eq!(m["from"], json!({"team": "pa"}));

    // Bad input is refused with a reason, and nothing is journaled for it.
    let refused = |c: &mut Console, v: Value, why: &str| {
        let a = c.ask(v.clone());
        assert_eq!(a["type"], "refused", "{v} -> {a}");
        assert!(a["message"].as_str().unwrap().contains(why), "{v} -> {a}");
    };
    refused(
        &mut pa,
        json!({"type": "message", "to": {"team": "nowhere"}, "channel": "phone", "text": "hi"}),
        "no team",
    );
    refused(&mut pa, json!({"type": "message", "to": "control", "channel": "phone", "text": "   "}), "empty");
    refused(
        &mut pa,
        json!({"type": "message", "to": "control", "channel": "phone", "text": "x".repeat(2001)}),
        "at most 2000",
    );
    refused(
        &mut pa,
        json!({"type": "message", "to": "control", "channel": "phone", "signed": "FBI", "text": "hi"}),
        "only control signs",
    );
    refused(
        &mut fac,
        json!({"type": "message", "to": {"team": "pa"}, "channel": "phone", "text": "hi"}),
        "organisation",
    );
    let bad = pa.ask(json!({"type": "message", "to": "control", "channel": "carrier_pigeon", "text": "hi"}));
    assert_eq!(bad["type"], "input_error", "{bad}");

    // A peer that sends a message frame the server cannot read is dropped; the rest go on.
    let mut raw = Raw::connect(&server.addr);
    assert_eq!(raw.hello(Some("ga"), &server.code("ga"))["type"], "welcome");
    raw.write_frame(br#"{"type":"message","id":1,"to":"control","channel":"smoke_signal","text":"x"}"#);
    assert_eq!(raw.read_error()["code"], "malformed");
    assert!(raw.closed_within(T));

    // A bookmark; then the clock moves on and the session ends.
    let a = fac.ask(json!({"type": "bookmark", "text": "key decision"}));
    assert_eq!(a["type"], "done", "{a}");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 3}))["type"], "done");

    // A console of pa joining again gets the team's messages with its full view; wi's has only
    // the one it was part of.
    let mut pa2 = Console::join(&server.addr, Some("pa"), &server.code("pa"), &[]);
    let full = pa2.wait_for("pa's full view", T, |x| x["type"] == "full");
    let texts: Vec<&str> =
        full["messages"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, [rfi, answer, share]);
    let mut wi2 = Console::join(&server.addr, Some("wi"), &server.code("wi"), &[]);
    let full = wi2.wait_for("wi's full view", T, |x| x["type"] == "full");
    assert_eq!(full["messages"].as_array().unwrap().len(), 1, "{}", full["messages"]);
    assert_eq!(fac.ask(json!({"type": "stop"}))["type"], "done");

    // The journal holds the three messages and the bookmark, and replays.
    let records = journal_records(&server.journal);
    let messages: Vec<&Value> = records.iter().filter(|r| r["type"] == "message").collect();
    assert_eq!(messages.len(), 3, "{records:#?}");
    assert_eq!(messages[1]["signed"], "FBI");
    assert!(records.iter().any(|r| r["type"] == "bookmark" && r["text"] == "key decision"));
    server.assert_verifies();

    // The after-action report's timeline shows them.
    let md = tmp.path().join("aar.md");
    let out = std::process::Command::new(BIN)
        .args(["report", server.journal.to_str().unwrap(), "--out", md.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = std::fs::read_to_string(md).unwrap();
    let section = &md[md.find("Bookmarks and messages").expect("the section")..];
    for text in [rfi, answer, share, "key decision", "EI-ISAC portal", "| FBI |"] {
        assert!(section.contains(text), "{text} in the report:\n{section}");
    }
}

#[test]
fn an_observer_watches_the_room_and_cannot_act() {
    let tmp = scratch("observer");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let observer = server.observer_code();
    assert!(observer.len() == 14 && observer != server.facilitator_code() && observer != server.code("pa"));

    let args = ["join", server.addr.as_str(), "--observer", "--code", observer.as_str(), "--headless"];
    let mut room = Console::start(&args, &[]);
    let first = room.wait_for("the room view", T, |x| x["type"] == "room");
    assert_eq!(first["view"]["time"], "E-60d 08:00", "{}", first["view"]["time"]);
    assert!(!first["view"]["states"].as_array().unwrap().is_empty());

    // Whatever it sends is refused, and nothing reaches the journal.
    for v in [
        json!({"type": "patch", "actor": "PA", "asset": "PA/vr"}),
        json!({"type": "step"}),
        json!({"type": "message", "to": "control", "channel": "phone", "text": "hello"}),
    ] {
        let a = room.ask(v.clone());
        assert_eq!(a["type"], "refused", "{v} -> {a}");
        assert!(a["message"].as_str().unwrap().contains("observer"), "{a}");
    }

    // It follows the clock.
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 2}))["type"], "done");
    room.wait_for("the room after the step", T, |x| {
        x["type"] == "room" && x["view"]["time"] == "E-60d 10:00"
    });

    // A team's code does not open the room, nor the room's code a team's console.
    let pa = server.code("pa");
    let args = ["join", server.addr.as_str(), "--observer", "--code", pa.as_str(), "--headless"];
    assert_eq!(Console::start(&args, &[]).wait_exit(T), 2);
    let args = ["join", server.addr.as_str(), "--team", "pa", "--code", observer.as_str(), "--headless"];
    assert_eq!(Console::start(&args, &[]).wait_exit(T), 2);

    assert_eq!(fac.ask(json!({"type": "stop"}))["type"], "done");
    let records = journal_records(&server.journal);
    assert!(
        !records.iter().any(|r| r["command"]["type"] == "patch" || r["type"] == "message"),
        "{records:#?}"
    );
}

#[test]
fn the_room_display_lays_out_at_80x24() {
    let tmp = scratch("room-screen");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let observer = server.observer_code();
    let mut s =
        Session::start(tmp.path(), &["join", &server.addr, "--observer", "--code", &observer], 24, 80);
    let screen = s.wait_for(&["PAUSED", "Latest inject", "Map", "Information sharing", "Module 1"]);
    println!("{screen}");
    // The clock in large type: three rows of block characters.
    assert!(screen.lines().take(5).filter(|l| l.contains('█')).count() >= 2, "{screen}");
    // The facilitator fires the first inject and steps: its narrative is on the room's screen.
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    let a = fac.ask(json!({"type": "fire_inject", "inject": "phish_wave"}));
    assert_eq!(a["type"], "ack", "{a}");
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 1}))["type"], "done");
    let screen = s.wait_for(&["County clerks report", "Several county election offices"]);
    println!("{screen}");
    s.send("q");
    assert_eq!(s.finish(), 0, "{}", s.contents());
    s.assert_restored();
}
