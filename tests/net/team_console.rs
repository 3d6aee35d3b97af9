//! The interactive team console, `ttx join ADDR --team ID --code CODE`, in a
//! pseudo-terminal against a real `ttx serve --headless` on 127.0.0.1.

use super::*;
use crate::pty::{Session, WAIT};

#[test]
fn a_team_console_shows_its_team_and_its_commands_are_acknowledged() {
    let tmp = scratch("team-console");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let code = server.code("pa");
    let mut s = Session::start(tmp.path(), &["join", &server.addr, "--team", "pa", "--code", &code], 24, 80);
    // The team's name, its three states on the map, its own election office.
    let screen = s.wait_for(&["Pennsylvania (pa)", "Map 1: Pennsylvania", "connected", "Inbox 2", "Log 3"]);
    for state in ["PA", "GA", "WI"] {
        assert!(screen.contains(&format!(" {state} ")), "{state} on the map:\n{screen}");
    }
    assert!(screen.contains("Pennsylvania election office (PA)"), "{screen}");

    // The palette opens on the election office's first command; Ctrl-S sends it.
    s.send("c");
    s.wait_for(&["Give a command as Pennsylvania", "patch", "PA/vr"]);
    s.send("\x13");
    s.wait_for(&["Accepted: PA: patch PA/vr. It applies at E-60d 08:00."]);
    s.send("\x1b");
    s.wait_for(&["accepted, applies at E-60d 08:00"]);

    // The command is in the server's journal, given by the team.
    let records = journal_records(&server.journal);
    assert!(
        records.iter().any(|r| r["command"]["type"] == "patch" && r.to_string().contains("\"pa\"")),
        "{records:#?}"
    );

    // The facilitator steps the clock: the command applies, and its outcome reaches the
    // team's console.
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", WAIT, |x| x["type"] == "facilitator_full");
    let a = fac.ask(serde_json::json!({"type": "step"}));
    assert_eq!(a["type"], "done", "{a}");
    s.wait_for(&["applied at E-60d 08:00", "E-60d 09:00"]);

    s.send("q");
    s.wait_for(&["Leave the team console?"]);
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.contents());
    s.assert_restored();
    assert!(s.contents().contains("Left the team console of Pennsylvania"), "{}", s.contents());
}

#[test]
fn a_wrong_code_ends_the_console_with_the_servers_reason() {
    let tmp = scratch("team-console-code");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let mut s = Session::start(
        tmp.path(),
        &["join", &server.addr, "--team", "pa", "--code", "AAAA-BBBB-CCCC"],
        24,
        80,
    );
    assert_eq!(s.finish(), 2);
    s.assert_restored();
    assert!(s.contents().contains("the server refused (bad_code)"), "{}", s.contents());
}

#[test]
fn the_console_follows_resizes_and_ctrl_c_leaves_at_once() {
    let tmp = scratch("team-console-ctrl-c");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &[]);
    let mut s = Session::start(
        tmp.path(),
        &["join", &server.addr, "--team", "white", "--code", &server.code("white")],
        24,
        80,
    );
    s.wait_for(&["White cell (white)", "connected"]);
    // It redraws on resize, and says so below the minimum size.
    s.resize(20, 60);
    s.wait_for(&["at least 80x24", "60x20"]);
    s.resize(48, 160);
    s.wait_for(&["Public confidence, EO 13848", "Tabletop the Vote"]);
    s.send("x");
    s.wait_for(&["inject from template", "Template"]);
    s.send("\x03");
    assert_eq!(s.finish(), 0);
    s.assert_restored();
}

#[test]
fn join_without_a_terminal_says_to_use_headless() {
    let out = std::process::Command::new(BIN)
        .args(["join", "127.0.0.1:9", "--team", "pa", "--code", "AAAA-BBBB-CCCC"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("ttx runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal") && err.contains("--headless"), "{err}");
}

#[test]
fn without_a_code_the_console_asks_for_one_in_the_terminal() {
    let tmp = scratch("team-console-prompt");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let mut s = Session::start(tmp.path(), &["join", &server.addr, "--team", "pa"], 24, 80);
    s.wait_for(&["Join code for team `pa`:"]);
    s.send(&format!("{}\r", server.code("pa")));
    s.wait_for(&["Pennsylvania (pa)", "connected"]);
    s.send("\x03");
    assert_eq!(s.finish(), 0);
    s.assert_restored();
}

#[test]
fn a_team_console_shows_the_end_of_the_session_and_any_key_leaves() {
    let tmp = scratch("team-console-ended");
    let mut server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let mut s = Session::start(
        tmp.path(),
        &["join", &server.addr, "--team", "pa", "--code", &server.code("pa")],
        24,
        120,
    );
    s.wait_for(&["Pennsylvania (pa)", "connected"]);
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", WAIT, |x| x["type"] == "facilitator_full");
    assert_eq!(fac.ask(serde_json::json!({"type": "stop"}))["type"], "done");
    s.wait_for(&["ENDED", "the facilitator ended the session", "public confidence", "Any key leaves"]);
    assert_eq!(server.wait_exit(WAIT), 0);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(!s.contents().contains("RECONNECTING"), "{}", s.contents());
    s.send("x");
    assert_eq!(s.finish(), 0, "{}", s.contents());
    s.assert_restored();
    assert!(s.contents().contains("The session has ended"), "{}", s.contents());
}

/// Every team console shows where the exercise stands: paused or running and at what speed,
/// paused for discussion at a module break with the module's questions, the inject that just
/// fired in full, and (with --bell) the terminal bell for new messages.
#[test]
fn a_team_console_shows_where_the_exercise_stands() {
    let tmp = scratch("team-console-clock");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let code = server.code("pa");
    let mut s = Session::start(
        tmp.path(),
        &["join", &server.addr, "--team", "pa", "--code", &code, "--bell"],
        30,
        100,
    );
    s.wait_for(&["Pennsylvania (pa)", "| PAUSED |", "connected"]);

    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", WAIT, |x| x["type"] == "facilitator_full");
    let a = fac.ask(serde_json::json!({"type": "speed", "ticks_per_second": 3.0}));
    assert_eq!(a["type"], "done", "{a}");
    let a = fac.ask(serde_json::json!({"type": "resume"}));
    assert_eq!(a["type"], "done", "{a}");
    s.wait_for(&["RUNNING 3 h/s"]);
    let a = fac.ask(serde_json::json!({"type": "pause"}));
    assert_eq!(a["type"], "done", "{a}");
    s.wait_for(&["| PAUSED |"]);

    // The first module ends: the clock stops for its discussion, and the team sees its questions.
    let a = fac.ask(serde_json::json!({"type": "step", "ticks": 100000}));
    assert_eq!(a["type"], "done", "{a}");
    // The questions are those of the module that just ended.
    let screen = s.wait_for(&["PAUSED for discussion", "Discussion: Module 1"]);
    assert!(screen.contains(" 1. "), "the module's questions:\n{screen}");
    assert!(s.raw_output().contains('\x07'), "the bell rang for new messages");

    // Resuming ends the discussion.
    let a = fac.ask(serde_json::json!({"type": "resume"}));
    assert_eq!(a["type"], "done", "{a}");
    s.wait_for(&["RUNNING 3 h/s"]);
    drop(fac);
    s.send("\x03");
    assert_eq!(s.finish(), 0, "{}", s.contents());
}

#[test]
fn a_team_console_sends_hot_wash_feedback_and_takes_back_a_command() {
    let tmp = scratch("team-debrief");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let code = server.code("pa");
    let mut s = Session::start(tmp.path(), &["join", &server.addr, "--team", "pa", "--code", &code], 32, 100);
    s.wait_for(&["Pennsylvania (pa)", "connected"]);

    // The Participant Feedback Form: its statements, rated with digits, then a text field.
    s.send("F");
    s.wait_for(&[
        "Participant Feedback Form",
        "The scenario was plausible and realistic.",
        "What I will do differently",
    ]);
    s.send("5\t4\t\t\t\t\t\t\t");
    s.send("Quick sharing");
    let screen = s.wait_for(&["Quick sharing_"]);
    println!("{screen}");
    s.send("\r");
    s.wait_for(&["Recorded: feedback form recorded; thank you."]);

    // A hot-wash item, an area for improvement.
    s.send("h");
    s.wait_for(&["Hot wash: a strength or an area for improvement"]);
    s.send("Who calls the vendor?");
    s.send("\x1b[Z\x1b[C");
    s.wait_for(&["[Areas for improvement]"]);
    s.send("\r");
    s.wait_for(&["Recorded: hot-wash item recorded (areas for improvement)."]);

    // A command, taken back before it applies.
    s.send("c");
    s.wait_for(&["Give a command as Pennsylvania", "patch"]);
    s.send("\x13");
    s.wait_for(&["Accepted: PA: patch PA/vr."]);
    s.send("\x1b");
    s.wait_for(&["accepted, applies at E-60d 08:00"]);
    s.send("u");
    s.wait_for(&["taken back before it applied"]);

    let records = journal_records(&server.journal);
    let f = records.iter().find(|r| r["type"] == "feedback").expect("the form");
    assert_eq!(f["team"], "pa");
    assert_eq!(f["form"]["ratings"], serde_json::json!({"structured": 5, "objectives": 4}), "{f}");
    assert_eq!(f["form"]["strengths"], "Quick sharing", "{f}");
    let h = records.iter().find(|r| r["type"] == "hot_wash").expect("the item");
    assert_eq!(
        (h["kind"].as_str(), h["text"].as_str()),
        (Some("improvement"), Some("Who calls the vendor?"))
    );
    let c = records.iter().find(|r| r["type"] == "cancelled").expect("the cancel");
    assert_eq!(c["issuer"], serde_json::json!({"team": "pa"}));
    s.send("q");
    s.wait_for(&["Leave the team console?"]);
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.contents());
}

#[test]
fn a_team_console_writes_to_control_and_shows_the_answer() {
    let tmp = scratch("team-console-talk");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let code = server.code("pa");
    let mut s = Session::start(tmp.path(), &["join", &server.addr, "--team", "pa", "--code", &code], 24, 80);
    s.wait_for(&["Pennsylvania (pa)", "connected"]);
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", WAIT, |x| x["type"] == "facilitator_full");

    // m opens the messages window; Tab goes to the channel, Right twice picks the portal.
    s.send("m");
    s.wait_for(&["Messages: to exercise control", "< Exercise control >", "< phone >"]);
    s.send("\t\x1b[C\x1b[C");
    s.wait_for(&["< EI-ISAC portal >"]);
    s.send("Is the vendor patching tonight?\r");
    s.wait_for(&["Message sent.", "to control by EI-ISAC portal"]);
    let m = fac.wait_for("the message at control", WAIT, |x| x["type"] == "message");
    assert_eq!(m["message"]["text"], "Is the vendor patching tonight?");
    assert_eq!(m["message"]["channel"], "ei_isac_portal");

    // Control answers as the vendor's support desk, by phone.
    let a = fac.ask(serde_json::json!({"type": "message", "to": {"team": "pa"}, "channel": "phone",
        "signed": "Vendor support desk", "text": "Yes: the patch ships at 22:00."}));
    assert_eq!(a["type"], "delivered", "{a}");
    let screen = s.wait_for(&["from Vendor support desk by phone", "Yes: the patch ships at 22:00."]);
    println!("{screen}");
    // Closed, the main screen's panels show again and the status line keeps the message.
    s.send("\x1b");
    s.wait_for(&["Inbox 2", "Message from Vendor support desk by phone"]);
    s.send("q");
    s.wait_for(&["Leave the team console?"]);
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.contents());
}
