//! `ttx play` driven in a pseudo-terminal, as a facilitator would use it:
//! it starts, steps, fires an inject, quits, and leaves the terminal as it found it.

use std::time::Duration;

use nix::sys::termios::LocalFlags;

use crate::harness::{ok_in, scratch};
use crate::pty::{BIN, Session, WAIT};

/// Asserts the terminal is back as a shell expects it: line editing and echo on,
/// the main screen shown, the cursor visible.
fn assert_restored(s: &Session) {
    s.assert_restored();
    let raw = s.raw_output();
    let enter = raw.rfind("\x1b[?1049h").expect("the console used the alternate screen");
    let leave = raw.rfind("\x1b[?1049l").expect("the console left the alternate screen");
    assert!(leave > enter);
}

#[test]
fn play_starts_steps_fires_an_inject_and_quits_leaving_the_terminal_restored() {
    let tmp = scratch();
    let dir = tmp.path();
    let mut s = Session::start(dir, &["play", "--journal", "session.jsonl"], 24, 80);
    s.wait_for(&["Module 1: Pre-election", "E-60d 08:00", "PAUSED", "Injects 2", "County clerks"]);
    let flags = s.local_flags();
    assert!(
        !flags.contains(LocalFlags::ICANON) && !flags.contains(LocalFlags::ECHO),
        "the console runs in raw mode"
    );

    s.send("n");
    s.wait_for(&["E-60d 09:00"]);
    // The first inject in the queue is selected: fire it now, then step the hour it fires in.
    s.send("2f");
    s.wait_for(&[">fire", "Queued: fire inject phish_wave"]);
    s.send("n");
    let screen = s.wait_for(&["E-60d 10:00", "Applied at E-60d 09:00: fire inject phish_wave"]);
    assert!(screen.contains("Injects 2: 9 to come") && screen.contains("Inject:"), "{screen}");

    s.send("q");
    s.wait_for(&["Quit the exercise?", "session.jsonl"]);
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.contents());
    assert_restored(&s);
    assert!(s.contents().contains("Journal written to session.jsonl"), "{}", s.contents());

    // The journal holds the fired inject and verifies.
    let journal = std::fs::read_to_string(dir.join("session.jsonl")).expect("the journal");
    assert!(journal.starts_with("{\"type\":\"header\""), "{journal}");
    assert!(journal.contains("\"fire_inject\",\"inject\":\"phish_wave\""), "{journal}");
    assert!(
        journal.trim_end().lines().last().is_some_and(|l| l.starts_with("{\"type\":\"end\",\"tick\":2,"))
    );
    let replay = ok_in(dir, &["replay", "session.jsonl", "--verify"]);
    assert!(replay.contains("verified:"));
}

#[test]
fn ctrl_c_ends_the_session_and_restores_the_terminal() {
    let tmp = scratch();
    let dir = tmp.path();
    let mut s = Session::start(dir, &["play", "--seed", "3"], 24, 80);
    s.wait_for(&["E-60d 08:00"]);
    s.send(" ");
    s.wait_for(&["RUNNING"]);
    s.send("\x03");
    assert_eq!(s.finish(), 0);
    assert_restored(&s);
    // The default journal path, under ./ttx-sessions, ends with the end record.
    let sessions: Vec<_> =
        std::fs::read_dir(dir.join("ttx-sessions")).expect("ttx-sessions").flatten().collect();
    assert_eq!(sessions.len(), 1);
    let name = sessions[0].file_name().to_string_lossy().to_string();
    assert!(name.starts_with("tabletop_the_vote-") && name.ends_with("Z.jsonl"), "{name}");
    assert!(s.contents().contains(&format!("ttx-sessions/{name}")), "the path is shown on exit");
    let journal = std::fs::read_to_string(sessions[0].path()).expect("the journal");
    assert!(journal.lines().last().is_some_and(|l| l.starts_with("{\"type\":\"end\"")), "{journal}");
}

#[test]
fn the_what_if_key_runs_the_analysis_in_the_background_and_opens_the_results() {
    let tmp = scratch();
    let dir = tmp.path();
    let mut s = Session::start(dir, &["play", "--journal", "j.jsonl"], 40, 120);
    s.wait_for(&["E-60d 08:00"]);
    // A decision: fire the first inject of the queue, and let it apply.
    s.send("2f");
    s.wait_for(&["Queued: fire inject phish_wave"]);
    s.send("n");
    s.wait_for(&["Applied at E-60d 08:00: fire inject phish_wave"]);
    s.send("w");
    // The console stays live while it runs: a step still moves the clock.
    s.wait_for(&["What-if analysis"]);
    s.send("n");
    s.wait_for(&["E-60d 10:00"]);
    let screen = s.wait_for(&["What the decisions changed", "1. E-60d 08:00 facilitator"]);
    assert!(screen.contains("facilitator: fire inject phish_wave"), "{screen}");
    // q closes the results (Esc followed at once by another key would read as Alt).
    s.send("q");
    s.send("q");
    s.wait_for(&["Quit the exercise?"]);
    s.send("y");
    assert_eq!(s.finish(), 0);
    assert_restored(&s);
}

#[test]
fn the_console_redraws_on_resize_and_says_when_the_terminal_is_too_small() {
    let tmp = scratch();
    let dir = tmp.path();
    let mut s = Session::start(dir, &["play", "--journal", "j.jsonl"], 24, 80);
    s.wait_for(&["E-60d 08:00"]);
    s.resize(20, 60);
    s.wait_for(&["at least 80x24", "60x20"]);
    s.resize(40, 140);
    // The wide layout shows the selected state's jurisdictions beside the map.
    s.wait_for(&["Enter on the map for all", "Wisconsin (WI)", "Tabletop the Vote"]);
    s.send("qy");
    assert_eq!(s.finish(), 0);
    assert_restored(&s);
}

#[test]
fn play_without_a_terminal_says_to_use_run() {
    let out = std::process::Command::new(BIN)
        .args(["play"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("ttx runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal") && err.contains("ttx run"), "{err}");
}

#[test]
fn play_refuses_to_overwrite_a_journal() {
    let tmp = scratch();
    let dir = tmp.path();
    std::fs::write(dir.join("j.jsonl"), "keep me\n").expect("a file");
    let mut s = Session::start(dir, &["play", "--journal", "j.jsonl"], 24, 80);
    assert_eq!(s.finish(), 2);
    assert!(s.contents().contains("already exists"), "{}", s.contents());
    assert_eq!(std::fs::read_to_string(dir.join("j.jsonl")).unwrap(), "keep me\n");
}

#[test]
fn closing_the_terminal_window_ends_the_session_cleanly() {
    let tmp = scratch();
    let dir = tmp.path();
    let mut s = Session::start(dir, &["play", "--journal", "j.jsonl"], 24, 80);
    s.wait_for(&["E-60d 08:00"]);
    s.send("nn");
    s.wait_for(&["E-60d 10:00"]);
    // What a terminal sends its programs when its window closes.
    s.child.clone_killer().kill().expect("SIGHUP");
    assert_eq!(s.finish(), 0);
    assert_restored(&s);
    let journal = std::fs::read_to_string(dir.join("j.jsonl")).expect("the journal");
    assert!(
        journal.lines().last().is_some_and(|l| l.starts_with("{\"type\":\"end\",\"tick\":2,")),
        "{journal}"
    );
}

/// How many cells of the screen have a colour.
fn coloured_cells(s: &Session) -> usize {
    let p = s.screen.lock().unwrap();
    let screen = p.screen();
    let (rows, cols) = screen.size();
    (0..rows.get())
        .flat_map(|r| (0..cols.get()).map(move |c| (r, c)))
        .filter_map(|(r, c)| screen.cell(r, c))
        .filter(|cell| cell.fgcolor() != vt100::Color::Default || cell.bgcolor() != vt100::Color::Default)
        .count()
}

#[test]
fn no_color_draws_without_colours() {
    let tmp = scratch();
    let dir = tmp.path();
    let mut plain = Session::start_with(dir, &["play", "--journal", "a.jsonl"], 24, 80, &[("NO_COLOR", "1")]);
    plain.wait_for(&["E-60d 08:00", "Injects 2"]);
    plain.send("i");
    plain.wait_for(&["E-50d 10:00"]);
    assert_eq!(coloured_cells(&plain), 0, "NO_COLOR=1 leaves every cell in the terminal's own colours");
    plain.send("qy");
    assert_eq!(plain.finish(), 0);
    let mut colour = Session::start(dir, &["play", "--journal", "b.jsonl"], 24, 80);
    colour.wait_for(&["E-60d 08:00", "Injects 2"]);
    assert!(coloured_cells(&colour) > 100, "without NO_COLOR the console is in colour");
    colour.send("qy");
    assert_eq!(colour.finish(), 0);
}

/// `ttx serve` without `--headless`: the facilitator console runs in the server's terminal,
/// drives the clock every team console follows, approves a cell's inject, and journals it all.
#[test]
fn serve_hosts_the_facilitator_console_in_its_terminal() {
    use crate::net::{Console, free_port, replay_verify};
    use serde_json::json;

    let tmp = scratch();
    let dir = tmp.path();
    let bind = format!("127.0.0.1:{}", free_port());
    let args = ["serve", "--bind", bind.as_str(), "--journal", "s.jsonl", "--paused", "--approve-injects"];
    let mut s = Session::start(dir, &args, 30, 110);
    s.wait_for(&["Hosting on", "PAUSED", "0 consoles"]);
    let codes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("s.jsonl.codes")).unwrap()).unwrap();
    let code = |t: &str| codes["teams"][t].as_str().unwrap().to_string();

    // The teams window shows every code the server printed.
    s.send("j");
    s.wait_for(&[code("pa").as_str(), code("white").as_str(), codes["facilitator"].as_str().unwrap()]);
    s.send("q");

    // A white cell console makes an inject; it waits for the facilitator.
    let mut white = Console::join(&bind, Some("white"), &code("white"), &[]);
    white.wait_for("white's view", WAIT, |x| x["type"] == "full");
    let held = white.ask(json!({"type": "inject_from_template", "template": "vendor_busy"}));
    assert_eq!(held["type"], "held", "{held}");
    s.wait_for(&["1 console |", "1 to approve"]);
    s.send("r");
    s.wait_for(&["white", "inject from template vendor_busy"]);
    s.send("y");
    let decision = white.wait_for("the decision", WAIT, |x| x["type"] == "decision");
    assert_eq!(decision["approved"], true, "{decision}");
    s.send("\x1b");

    // A step at the console moves the server's clock: the team console sees the new hour.
    std::thread::sleep(Duration::from_millis(100));
    s.send("n");
    s.wait_for(&["E-60d 09:00", "Inject: The vendor's support"]);
    white.wait_for("the next hour", WAIT, |x| x["type"] == "delta" && x["delta"]["time"] == "E-60d 09:00");

    // Quitting the console stops the session; the journal has the inject and verifies.
    s.quit();
    assert_restored(&s);
    assert!(s.contents().contains("Session stopped. Journal: s.jsonl"), "{}", s.contents());
    let journal = std::fs::read_to_string(dir.join("s.jsonl")).unwrap();
    assert!(journal.contains("\"issuer\":{\"team\":\"white\"},"), "{journal}");
    let (rc, text) = replay_verify(&dir.join("s.jsonl"));
    assert_eq!(rc, 0, "{text}");
}

/// `a` works under `ttx serve` as in `ttx play`: the server's clock stops when a scripted
/// inject fires.
#[test]
fn serve_stops_its_clock_when_a_scripted_inject_fires() {
    let tmp = scratch();
    let dir = tmp.path();
    let args = [
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--journal",
        "s.jsonl",
        "--paused",
        "--speed",
        "500",
        "--no-module-breaks",
    ];
    let mut s = Session::start(dir, &args, 30, 110);
    s.wait_for(&["Hosting on", "PAUSED"]);
    s.send(" ");
    s.wait_for(&["Paused, Space resumes. Inject fired:", "PAUSED"]);
    // The first scripted inject is due at E-50d 09:00: the clock stands at the next hour.
    s.wait_for(&["E-50d 10:00"]);
    std::thread::sleep(Duration::from_millis(400));
    assert!(s.contents().contains("E-50d 10:00"), "the clock stays stopped:\n{}", s.contents());
    s.send("a");
    s.wait_for(&["The clock will keep running when injects fire."]);
    s.quit();
    assert_restored(&s);
    let journal = std::fs::read_to_string(dir.join("s.jsonl")).unwrap();
    assert!(journal.contains("\"pause_on_inject\":false"), "the setting is journaled");
}

#[test]
fn serve_without_a_terminal_says_to_use_headless() {
    let out = std::process::Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("ttx runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--headless"));
}

/// A scenario whose branch turns on whether Pennsylvania patches its registration system.
const BRANCHING: &str = r#"Scenario(
    name: "Patch or not",
    clock: (start: "E-60d 08:00", end: "E-50d 00:00"),
    geography: (states: Only(["PA"]), jurisdictions: Generated(per_state: 2)),
    teams: [(id: "pa", name: "Pennsylvania", controls: [StateOffice("PA")])],
    injects: [
        (id: "patched", title: "Pennsylvania patched in time", trigger: When(condition: All([Before("E-60d 12:00"), Issued((team: "pa", command: patch, target: "PA/vr"))]))),
        (id: "unpatched", title: "Nobody patched by noon", trigger: When(condition: All([After("E-60d 12:00"), Not(Issued((team: "pa", command: patch))), Not(InjectFired("patched"))]))),
    ],
)"#;

#[test]
fn a_command_given_with_key_presses_decides_which_branch_fires() {
    let tmp = scratch();
    let dir = tmp.path();
    std::fs::write(dir.join("branching.ron"), BRANCHING).unwrap();
    let mut s = Session::start(dir, &["play", "branching.ron", "--journal", "j.jsonl"], 30, 110);
    s.wait_for(&["E-60d 08:00", "PAUSED"]);
    // The palette acts for the first team: Pennsylvania patches its registration system.
    s.send("c");
    s.wait_for(&["Act for a team", "patch", "PA/vr"]);
    s.send("\x13");
    s.wait_for(&["Queued for E-60d 08:00: PA: patch PA/vr"]);
    s.send("\x1b");
    s.wait_for(&["step 1h"]);
    s.send("n");
    s.wait_for(&["E-60d 09:00"]);
    s.send("n");
    // The event log says which inject fired (the queue lists both titles).
    let screen = s.wait_for(&["E-60d 10:00", "fired Pennsylvania patched in time"]);
    assert!(!screen.contains("fired Nobody patched by noon"), "{screen}");
    s.quit();
    assert_restored(&s);
    let journal = std::fs::read_to_string(dir.join("j.jsonl")).expect("the journal");
    assert!(journal.contains("\"type\":\"patch\""), "{journal}");
    ok_in(dir, &["replay", "j.jsonl", "--verify"]);

    // Without the key presses, the other branch fires at noon.
    let mut s = Session::start(dir, &["play", "branching.ron"], 30, 110);
    s.wait_for(&["E-60d 08:00", "PAUSED"]);
    for _ in 0..6 {
        s.send("n");
    }
    let screen = s.wait_for(&["E-60d 14:00", "fired Nobody patched by noon"]);
    assert!(!screen.contains("fired Pennsylvania patched in time"), "{screen}");
    s.quit();
}

/// A queued command can be taken back before it applies; the journal says so and verifies.
#[test]
fn a_queued_command_is_taken_back_and_journaled() {
    let tmp = scratch();
    let dir = tmp.path();
    let mut s = Session::start(dir, &["play", "--journal", "j.jsonl"], 24, 80);
    s.wait_for(&["E-60d 08:00", "Injects 2"]);
    s.send("2f");
    s.wait_for(&[">fire", "Queued: fire inject phish_wave"]);
    s.send("u");
    let screen = s.wait_for(&["Taken back: fire inject phish_wave."]);
    assert!(!screen.contains(">fire"), "{screen}");
    s.send("u");
    s.wait_for(&["No command is queued"]);
    s.send("n");
    s.wait_for(&["E-60d 09:00"]);
    s.quit();
    let journal = std::fs::read_to_string(dir.join("j.jsonl")).expect("the journal");
    assert!(journal.contains("{\"type\":\"cancelled\",\"tick\":0,"), "{journal}");
    assert!(!journal.contains("{\"type\":\"command\""), "the command never applied: {journal}");
    let (rc, text) = crate::net::replay_verify(&dir.join("j.jsonl"));
    assert_eq!(rc, 0, "{text}");
}

/// Under `ttx serve` the command was journaled when it was queued: taking it back journals
/// that too, and the replay leaves it out.
#[test]
fn serve_takes_back_a_queued_command_and_the_journal_still_verifies() {
    let tmp = scratch();
    let dir = tmp.path();
    let args = ["serve", "--bind", "127.0.0.1:0", "--journal", "s.jsonl", "--paused"];
    let mut s = Session::start(dir, &args, 30, 110);
    s.wait_for(&["Hosting on", "PAUSED"]);
    s.send("2f");
    s.wait_for(&[">fire", "1 queued"]);
    s.send("u");
    s.wait_for(&["Taken back: fire inject phish_wave."]);
    s.send("n");
    s.wait_for(&["E-60d 09:00"]);
    std::thread::sleep(Duration::from_millis(200));
    assert!(!s.contents().contains(">fire"), "{}", s.contents());
    s.quit();
    let journal = std::fs::read_to_string(dir.join("s.jsonl")).unwrap();
    assert!(journal.contains("\"fire_inject\",\"inject\":\"phish_wave\""), "{journal}");
    assert!(journal.contains("{\"type\":\"cancelled\","), "{journal}");
    let (rc, text) = crate::net::replay_verify(&dir.join("s.jsonl"));
    assert_eq!(rc, 0, "{text}");
}

/// A denial carries the reason the facilitator types: the cell hears it and the journal keeps it.
#[test]
fn serve_denies_a_held_inject_with_a_typed_reason() {
    use crate::net::{Console, free_port, replay_verify};
    use serde_json::json;

    let tmp = scratch();
    let dir = tmp.path();
    let bind = format!("127.0.0.1:{}", free_port());
    let args = ["serve", "--bind", bind.as_str(), "--journal", "s.jsonl", "--paused", "--approve-injects"];
    let mut s = Session::start(dir, &args, 30, 110);
    s.wait_for(&["Hosting on", "PAUSED"]);
    let codes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("s.jsonl.codes")).unwrap()).unwrap();
    let mut white = Console::join(&bind, Some("white"), codes["teams"]["white"].as_str().unwrap(), &[]);
    white.wait_for("white's view", WAIT, |x| x["type"] == "full");
    let held = white.ask(json!({"type": "inject_from_template", "template": "vendor_busy"}));
    assert_eq!(held["type"], "held", "{held}");
    s.wait_for(&["1 to approve"]);
    s.send("r");
    // The window previews what the held inject would do if approved.
    s.wait_for(&["If approved now (#1):", "The vendor's support line is busy"]);
    s.send("n");
    s.wait_for(&["Why is #1 denied?"]);
    s.send("not in this module\r");
    let decision = white.wait_for("the decision", WAIT, |x| x["type"] == "decision");
    assert_eq!(decision["approved"], false, "{decision}");
    assert_eq!(decision["reason"], "not in this module", "{decision}");
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(100));
    s.send("n");
    s.wait_for(&["E-60d 09:00"]);
    s.quit();
    let journal = std::fs::read_to_string(dir.join("s.jsonl")).unwrap();
    assert!(journal.contains("\"reason\":\"not in this module\""), "{journal}");
    let (rc, text) = replay_verify(&dir.join("s.jsonl"));
    assert_eq!(rc, 0, "{text}");
}

/// The facilitator's hot wash for the room, from the discussion window, reaches the journal
/// and the report.
#[test]
fn the_discussion_window_takes_the_rooms_hot_wash() {
    let tmp = scratch();
    let dir = tmp.path();
    let mut s = Session::start(dir, &["play", "--journal", "hw.jsonl"], 32, 100);
    s.wait_for(&["Module 1: Pre-election", "PAUSED"]);
    s.send("d");
    s.wait_for(&["Discussion: Module 1", "Hot wash for the room: strengths"]);
    s.send("\x1b[A");
    s.wait_for(&["Hot wash: areas for improvement (Enter saves)"]);
    s.send("\x1b[A");
    s.wait_for(&["Hot wash: strengths (Enter saves)"]);
    s.send("Clear roles");
    s.send("\r");
    s.wait_for(&["Hot-wash item saved to the journal."]);
    s.send("\x1b");
    s.wait_for(&["Discussion closed."]);
    s.quit();
    let journal = std::fs::read_to_string(dir.join("hw.jsonl")).expect("the journal");
    let line = journal.lines().find(|l| l.contains("\"type\":\"hot_wash\"")).expect("a hot-wash record");
    assert!(
        line.contains("\"kind\":\"strength\",\"text\":\"Clear roles\"") && !line.contains("\"team\""),
        "{line}"
    );
    ok_in(dir, &["replay", "hw.jsonl", "--verify"]);
    ok_in(dir, &["report", "hw.jsonl", "--out", "hw.md"]);
    let md = std::fs::read_to_string(dir.join("hw.md")).expect("the report");
    let hw = &md[md.find("## 8. Hot wash").expect("the section")..];
    assert!(
        hw.contains("The room (facilitator)") && hw.contains("Clear roles (E-60d 08:00, Module 1"),
        "{hw}"
    );
}

#[test]
fn a_bookmark_made_with_a_key_is_journaled_and_on_the_reports_timeline() {
    let tmp = scratch();
    let dir = tmp.path();
    let mut s = Session::start(dir, &["play", "--journal", "session.jsonl"], 24, 80);
    s.wait_for(&["E-60d 08:00", "PAUSED"]);
    s.send("n");
    s.wait_for(&["E-60d 09:00"]);
    s.send("b");
    s.wait_for(&["Bookmark this moment"]);
    s.send("key decision");
    s.wait_for(&["key decision_"]);
    s.send("\r");
    s.wait_for(&["Bookmarked E-60d 09:00: key decision"]);
    s.quit();

    let journal = std::fs::read_to_string(dir.join("session.jsonl")).expect("the journal");
    assert!(
        journal.contains(r#"{"type":"bookmark","tick":1,"time":"E-60d 09:00","text":"key decision"}"#),
        "{journal}"
    );
    ok_in(dir, &["replay", "session.jsonl", "--verify"]);
    ok_in(dir, &["report", "session.jsonl", "--out", "aar.md"]);
    let md = std::fs::read_to_string(dir.join("aar.md")).expect("the report");
    let section = &md[md.find("Bookmarks and messages").expect("the section")..];
    assert!(section.contains("| E-60d 09:00 | bookmark | facilitator |  |  | key decision |"), "{section}");
    // The timeline chart marks it too.
    ok_in(dir, &["report", "session.jsonl", "--out", "aar.html"]);
    let html = std::fs::read_to_string(dir.join("aar.html")).expect("the report");
    assert!(html.contains("★ key decision"), "the bookmark on the timeline chart");
}

/// In `ttx play` the facilitator edits a note, corrects a fired inject and records a message the
/// room sent at its table; the journal keeps every first text and verifies, and the report shows
/// the final ones.
#[test]
fn play_edits_a_note_corrects_an_inject_and_records_a_message() {
    let tmp = scratch();
    let dir = tmp.path();
    let mut s = Session::start(dir, &["play", "--journal", "s.jsonl"], 30, 110);
    s.wait_for(&["E-60d 08:00", "PAUSED"]);
    s.send("m");
    s.wait_for(&["Discussion: Module 1"]);
    s.send("Clerks call the state\r");
    s.wait_for(&["Note saved to the journal."]);
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(200));
    s.send("N");
    s.wait_for(&["#1", "Clerks call the state"]);
    // Left five times puts the cursor before "state".
    s.send("e");
    for _ in 0..5 {
        s.send("\x1b[D");
    }
    s.send("county, then the \r");
    s.wait_for(&["Note 1 edited", "[edited]", "Clerks call the county, then the state"]);
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(200));
    // The last inject of the queue has fired by the module break: End is not bound there, so
    // walk down to it.
    s.send("2");
    for _ in 0..20 {
        s.send("\x1b[B");
    }
    s.send("k");
    s.wait_for(&["Correct a fired inject"]);
    s.send("The count was 300, not 3000\r");
    s.wait_for(&["saved to the journal"]);
    s.send("t");
    s.wait_for(&["No messages yet"]);
    s.send("n");
    s.send("Call the vendor now\r");
    s.wait_for(&["Message #1 saved to the journal.", "Exercise control → cisa (phone)"]);
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(200));
    s.quit();
    assert_restored(&s);
    let journal = std::fs::read_to_string(dir.join("s.jsonl")).unwrap();
    for part in [
        "\"type\":\"note\"",
        "\"text\":\"Clerks call the state\"",
        "\"type\":\"note_edited\"",
        "\"type\":\"correction\"",
        "\"type\":\"message\"",
    ] {
        assert!(journal.contains(part), "{part} in {journal}");
    }
    let (rc, text) = crate::net::replay_verify(&dir.join("s.jsonl"));
    assert_eq!(rc, 0, "{text}");
    ok_in(dir, &["report", "s.jsonl", "--out", "aar.md"]);
    let md = std::fs::read_to_string(dir.join("aar.md")).unwrap();
    for text in [
        "Clerks call the county, then the state (edited at",
        "The count was 300, not 3000",
        "Call the vendor now",
    ] {
        assert!(md.contains(text), "{text} in the report");
    }
}
