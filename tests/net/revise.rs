//! A served session after `kill -9` and `--resume`: the room display's code is printed and
//! listed as `(room)`, the messages come back on the consoles, and the notes keep their numbers
//! so that the facilitator can still edit or delete them; all journaled, replayed, reported.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::pty::Session;

const T: Duration = Duration::from_secs(30);

/// `ttx serve` prints the room display's code on a `(room)` line of its banner, and that
/// code opens a room display.
#[test]
fn the_banner_names_the_room_display_code() {
    let tmp = scratch("room-banner");
    let journal = tmp.path().join("s.jsonl");
    let mut child = std::process::Command::new(BIN)
        .args([
            "serve",
            "--headless",
            "--paused",
            "--bind",
            "127.0.0.1:0",
            "--journal",
            journal.to_str().unwrap(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut addr, mut room) = (String::new(), String::new());
    for _ in 0..40 {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.strip_prefix("Listening on ") {
            addr = rest.split_whitespace().next().unwrap().to_string();
        }
        if line.trim_start().starts_with("(room)") {
            room = line.trim_end().to_string();
            break;
        }
    }
    let codes: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("s.jsonl.codes")).unwrap()).unwrap();
    let observer = codes["observer"].as_str().unwrap().to_string();
    assert!(room.contains("room display (read-only)") && room.ends_with(&observer), "{room:?}");
    let mut display = Console::start(&["join", &addr, "--observer", "--code", &observer, "--headless"], &[]);
    display.wait_for("the room view", T, |x| x["type"] == "room");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn after_a_resume_messages_come_back_and_notes_are_still_edited_by_number() {
    let tmp = scratch("revise");
    let dir = tmp.path();
    let mut server = Server::start(dir, "127.0.0.1:0", &["--paused"]);
    let observer = server.observer_code();
    let mut display =
        Console::start(&["join", &server.addr, "--observer", "--code", &observer, "--headless"], &[]);
    display.wait_for("the room view", T, |x| x["type"] == "room");
    let mut pa = Console::join(&server.addr, Some("pa"), &server.code("pa"), &[]);
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    pa.wait_for("pa's view", T, |x| x["type"] == "full");
    fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    let rfi = "Is the vendor patching tonight?";
    let a = pa.ask(json!({"type": "message", "to": "control", "channel": "phone", "text": rfi}));
    assert_eq!(a["type"], "delivered", "{a}");
    let answer = "FBI: call the vendor's incident line.";
    let a = fac.ask(
        json!({"type": "message", "to": {"team": "pa"}, "channel": "email", "signed": "FBI", "text": answer}),
    );
    assert_eq!(a["type"], "delivered", "{a}");
    for text in ["Clerks call the state", "Wrong room", "Third note"] {
        assert_eq!(fac.ask(json!({"type": "note", "text": text}))["type"], "done");
    }
    let a =
        fac.ask(json!({"type": "edit_note", "note": 1, "text": "Clerks call the county, then the state"}));
    assert_eq!(a["type"], "done", "{a}");
    let a = fac.ask(json!({"type": "edit_note", "note": 9, "text": "x"}));
    assert!(a["type"] == "refused" && a["message"].as_str().unwrap().contains("no note 9"), "{a}");
    let a = fac.ask(json!({"type": "delete_note", "note": 3}));
    assert_eq!(a["type"], "done", "{a}");
    let a = fac.ask(json!({"type": "edit_note", "note": 3, "text": "back"}));
    assert!(a["type"] == "refused" && a["message"].as_str().unwrap().contains("deleted"), "{a}");
    // A day passes, so that the journal holds a state hash to verify.
    assert_eq!(fac.ask(json!({"type": "step", "ticks": 24}))["type"], "done");
    server.kill9();

    // The server comes back in a terminal, with only --resume: the teams window lists the room
    // display's code, the messages window shows both messages, the notes window the notes.
    let journal = server.journal.to_str().unwrap().to_string();
    let mut s = Session::start(dir, &["serve", "--resume", &journal, "--bind", "127.0.0.1:0"], 30, 110);
    s.wait_for(&["PAUSED", "0 consoles"]);
    s.send("j");
    s.wait_for(&["(room)", observer.as_str()]);
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(200));
    s.send("t");
    s.wait_for(&[rfi, answer, "pa → control (phone)", "FBI → pa (email)"]);
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(200));
    s.send("N");
    let screen = s.wait_for(&["#1", "[edited]", "Clerks call the county, then the state", "#3", "[deleted]"]);
    assert!(!screen.contains("Third note"), "a deleted note's text is not shown:\n{screen}");
    // Note 2 is the second of the journal: Up from the newest, x, y.
    s.send("\x1b[A");
    s.send("x");
    s.wait_for(&["Delete this note?"]);
    s.send("y");
    s.wait_for(&["Note 2 deleted"]);
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(200));
    std::thread::sleep(Duration::from_millis(300));
    s.quit();

    let records = journal_records(&server.journal);
    let deleted: Vec<u64> =
        records.iter().filter(|r| r["type"] == "note_deleted").map(|r| r["note"].as_u64().unwrap()).collect();
    assert_eq!(deleted, [3, 2]);
    assert_eq!(records.iter().filter(|r| r["type"] == "note_edited").count(), 1);
    let (code, out) = replay_verify(&server.journal);
    assert_eq!(code, 0, "{out}\n{records:#?}");
    let md = dir.join("aar.md");
    let out = std::process::Command::new(BIN)
        .args(["report", &journal, "--out", md.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.contains("Clerks call the county, then the state (edited at"), "{md}");
    assert_eq!(md.matches("(deleted by the facilitator at").count(), 2, "{md}");
    assert!(!md.contains("Wrong room") && !md.contains("Third note"), "{md}");
    assert!(md.contains(rfi) && md.contains(answer));
    // Pennsylvania's team page lists the messages it sent and received.
    let page = &md[md.find("Team page: Pennsylvania").expect("pa's page")..];
    let page = &page[..page.find("## Appendix").unwrap_or(page.len())];
    let messages = &page[page.find("Messages it sent and received").expect("the section")..];
    assert!(messages.contains(&format!("pa → control (phone): {rfi}")), "{messages}");
    assert!(messages.contains(&format!("FBI → pa (email): {answer}")), "{messages}");
}
