//! The facilitator console hosted by `ttx serve`: the server owns the clock and the
//! journal, so the console's keys become requests to it instead of moving the engine.

mod common;

use common::{ch, key, press, screen, type_text, wait};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ttx_engine::command::Command;
use ttx_engine::{Resolution, Sim, SimOptions, builtin};
use ttx_protocol::{ClientMsg, Control, PendingInject, ServerMsg, ServerStatus};
use ttx_tui::console::{Console, ConsoleOptions, Event, Host, JoinCode, Overlay};
use ttx_tui::{Action, Theme};

fn hosted() -> Console {
    let sc = builtin::default_scenario().expect("the built-in scenario");
    let mut sim = Sim::with_options(&sc, 7, SimOptions { series: Resolution::Hourly, staffed: vec![] });
    sim.checkpoint_commands(true);
    let host = Host {
        address: "127.0.0.1:7878".into(),
        codes: vec![
            JoinCode {
                team: Some("pa".into()),
                name: "Pennsylvania".into(),
                code: "AAAA-BBBB-CCCC".into(),
                observer: false,
            },
            JoinCode {
                team: None,
                name: "facilitator's control connection".into(),
                code: "DDDD-EEEE-FFFF".into(),
                observer: false,
            },
        ],
        status: status(true, 1.0, false),
    };
    Console::new(
        sim,
        ConsoleOptions {
            theme: Theme::MONO,
            journal_path: Some("j.jsonl".into()),
            host: Some(host),
            whatif: None,
        },
    )
}

fn status(paused: bool, ticks_per_second: f64, pause_on_inject: bool) -> ServerStatus {
    ServerStatus {
        paused,
        ticks_per_second,
        pause_on_inject,
        approve_injects: true,
        pause_for_approval: false,
        consoles: Vec::new(),
        facilitators: 0,
        pending: Vec::new(),
        journal: "j.jsonl".into(),
    }
}

/// The exercise control the console asked for since the last call.
fn controls(c: &mut Console) -> Vec<Control> {
    c.take_requests()
        .into_iter()
        .map(|r| match r {
            ClientMsg::Control { action, .. } => action,
            other => panic!("not control: {other:?}"),
        })
        .collect()
}

#[test]
fn clock_keys_ask_the_server_and_never_move_the_engine() {
    let mut c = hosted();
    press(&mut c, &[ch(' ')]);
    assert_eq!(controls(&mut c), vec![Control::Resume]);
    assert!(c.is_running(), "shown as running at once");
    wait(&mut c, 5.0);
    assert_eq!(c.sim().now().0, 0, "real time alone does not move a hosted console's clock");
    press(&mut c, &[ch('n')]);
    assert_eq!(controls(&mut c), vec![Control::Pause, Control::Step { ticks: 1 }]);
    press(&mut c, &[ch('+')]);
    assert_eq!(controls(&mut c), vec![Control::Speed { ticks_per_second: 3.0 }]);
    assert_eq!(c.speed_label(), "3 h/s");
    press(&mut c, &[ch('-'), ch('-')]);
    assert_eq!(
        controls(&mut c),
        vec![Control::Speed { ticks_per_second: 1.0 }],
        "no speed below the slowest"
    );
}

#[test]
fn pause_on_inject_is_the_servers_setting() {
    let mut c = hosted();
    assert!(!c.auto_pause(), "shown as the server says");
    press(&mut c, &[ch('a')]);
    assert_eq!(controls(&mut c), vec![Control::PauseOnInject { on: true }]);
    assert!(c.auto_pause());
    press(&mut c, &[ch('a')]);
    assert_eq!(controls(&mut c), vec![Control::PauseOnInject { on: false }]);
    c.update(Event::Status(status(false, 1.0, true)));
    assert!(c.auto_pause() && c.is_running());
    c.update(Event::PausedOnInject);
    assert!(!c.is_running(), "the server stopped its clock");
    assert!(c.status().unwrap().text.starts_with("Paused, Space resumes. Inject fired"));
}

#[test]
fn jumping_to_the_next_inject_asks_for_the_hours_up_to_it() {
    let mut c = hosted();
    // The first scripted inject is due at E-50d 09:00, ten days and an hour after the start.
    assert_eq!(press(&mut c, &[ch('i')]), vec![Some(Action::JumpInject)]);
    assert_eq!(controls(&mut c), vec![Control::Pause, Control::Step { ticks: 10 * 24 + 2 }]);
    // The server steps the engine and tells the console.
    for _ in 0..(10 * 24 + 2) {
        c.sim_mut().step();
    }
    c.update(Event::Moved);
    assert!(c.view().injects.iter().any(|i| i.state == "fired"), "the inject fired");
}

#[test]
fn commands_and_notes_go_to_the_server_to_be_journaled() {
    let mut c = hosted();
    press(&mut c, &[ch('c')]);
    for (filter, tab) in [("pennsylvania", true), ("harbor", true), ("isolate", true), ("office", true)] {
        press(&mut c, &[key(KeyCode::Enter)]);
        type_text(&mut c, filter);
        press(&mut c, &[key(KeyCode::Enter)]);
        if tab {
            press(&mut c, &[key(KeyCode::Tab)]);
        }
    }
    press(&mut c, &[key(KeyCode::Enter)]);
    let isolate = Command::Isolate { actor: "harbor".into(), asset: "harbor/office".into() };
    let requests = c.take_requests();
    let [ClientMsg::Command { id, command }] = requests.as_slice() else { panic!("{requests:?}") };
    assert_eq!(command, &isolate);
    assert!(c.waiting().is_empty(), "waiting only once the server has journaled it");
    c.update(Event::Server(ServerMsg::Ack { id: *id, seq: 4, tick: 0, time: "E-60d 08:00".into() }));
    assert_eq!(c.waiting().len(), 1);
    assert_eq!(c.waiting()[0].seq, 4);
    assert!(c.take_records().is_empty(), "a hosted console writes no journal of its own");

    press(&mut c, &[key(KeyCode::Esc), ch('d')]);
    type_text(&mut c, "Clerks call the state first");
    press(&mut c, &[key(KeyCode::Enter)]);
    assert_eq!(
        controls(&mut c),
        vec![Control::Note { text: "Clerks call the state first".into(), question: Some(0) }]
    );
    assert_eq!(c.notes().len(), 1);
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new_with_kind(KeyCode::Char(c), KeyModifiers::CONTROL, KeyEventKind::Press)
}

#[test]
fn a_command_the_engine_refuses_is_not_sent() {
    let mut c = hosted();
    // The server runs the exercise to its end and tells the console.
    while !c.sim().is_finished() {
        c.sim_mut().step();
    }
    c.update(Event::Moved);
    assert!(matches!(c.overlay(), Some(Overlay::Discussion(_))), "the last module's discussion opens");
    // The facilitator acts for a team from the palette: the engine refuses any command now,
    // and the console says so instead of asking the server.
    press(&mut c, &[key(KeyCode::Esc), ch('c'), key(KeyCode::Enter)]);
    type_text(&mut c, "pennsylvania");
    press(&mut c, &[key(KeyCode::Enter), ctrl('s')]);
    let sent = c.take_requests();
    assert!(sent.is_empty(), "nothing goes to the server: {sent:?}");
    let Some(Overlay::Palette(form)) = c.overlay() else {
        panic!("the palette stays open: {:?}", c.overlay())
    };
    assert_eq!(
        form.message,
        Some(ttx_tui::form::FormMessage::Error("Rejected: the exercise has ended.".into())),
        "the form says why"
    );
    assert!(c.waiting().is_empty());
}

#[test]
fn the_servers_answers_come_back_as_protocol_messages() {
    let mut c = hosted();
    press(&mut c, &[ch('+')]);
    let requests = c.take_requests();
    let [ClientMsg::Control { id, .. }] = requests.as_slice() else { panic!("{requests:?}") };
    c.update(Event::Server(ServerMsg::Refused { id: *id, message: "not now".into(), rejection: None }));
    assert_eq!(c.status().map(|s| s.text.as_str()), Some("Refused: not now."));
    // An answer to nothing the console asked changes nothing.
    c.update(Event::Server(ServerMsg::Done { id: 999, message: "stray".into() }));
    assert_eq!(c.status().map(|s| s.text.as_str()), Some("Refused: not now."));
}

#[test]
fn held_injects_are_approved_or_denied_from_their_window() {
    let mut c = hosted();
    let held = |n: u64| PendingInject {
        pending: n,
        team: "red".into(),
        command: Command::AdHocInject {
            title: format!("Inject number {n}"),
            description: "Ballots are reported missing.".into(),
            teams: vec![],
            effects: vec![],
        },
        summary: format!("inject #{n}"),
    };
    let mut s = status(true, 1.0, false);
    s.consoles = vec![("red".into(), 1)];
    s.pending = vec![held(1), held(2)];
    c.update(Event::Status(s));
    assert_eq!(press(&mut c, &[ch('r')]), vec![Some(Action::Approvals)]);
    let s = screen(&c, 100, 30);
    assert!(s.contains("#1") && s.contains("#2") && s.contains("2 to approve"), "{s}");
    // The selected inject's preview: what it would do if approved.
    assert!(s.contains("If approved now (#1)") && s.contains("Inject number 1"), "{s}");
    assert!(s.contains("the players are told: Ballots are reported missing."), "{s}");
    press(&mut c, &[key(KeyCode::Down), ch('n')]);
    // A denial waits for its reason, which the cell is told.
    assert!(c.take_requests().is_empty());
    press(&mut c, &[key(KeyCode::Enter)]);
    assert!(c.take_requests().is_empty(), "an empty reason is not sent");
    let s = screen(&c, 100, 30);
    assert!(s.contains("Why is #2 denied?"), "{s}");
    for x in "out of scope".chars() {
        press(&mut c, &[ch(x)]);
    }
    press(&mut c, &[key(KeyCode::Enter)]);
    assert_eq!(controls(&mut c), vec![Control::Deny { pending: 2, reason: Some("out of scope".into()) }]);
    press(&mut c, &[ch('y')]);
    assert_eq!(controls(&mut c), vec![Control::Approve { pending: 1 }]);
    assert!(matches!(c.overlay(), Some(Overlay::Approvals { .. })));
    press(&mut c, &[key(KeyCode::Esc)]);
    assert!(c.overlay().is_none());
}

#[test]
fn the_teams_window_lists_join_codes_and_consoles() {
    let mut c = hosted();
    let mut s = status(true, 1.0, false);
    s.consoles = vec![("pa".into(), 3)];
    s.facilitators = 1;
    c.update(Event::Status(s));
    assert_eq!(press(&mut c, &[ch('j')]), vec![Some(Action::Teams)]);
    let s = screen(&c, 100, 30);
    assert!(s.contains("AAAA-BBBB-CCCC") && s.contains("DDDD-EEEE-FFFF"), "{s}");
    assert!(s.contains("ttx join 127.0.0.1:7878 --team ID --code CODE"), "{s}");
    assert!(s.contains("3 consoles"), "the header counts the consoles: {s}");
}

#[test]
fn a_console_that_is_not_hosted_says_teams_need_a_server() {
    let mut c = common::console();
    press(&mut c, &[ch('j')]);
    assert!(c.overlay().is_none());
    assert!(c.status().is_some_and(|s| s.text.contains("ttx serve")));
}

#[test]
fn a_skip_is_taken_back_by_asking_the_server() {
    let mut c = hosted();
    c.sim_mut().submit(ttx_engine::Issuer::Facilitator, Command::SkipInject { inject: "phish_wave".into() });
    c.sim_mut().step();
    c.update(Event::Moved);
    press(&mut c, &[ch('2')]);
    let pos = c.queue().iter().position(|i| i.id == "phish_wave").expect("the skipped inject is listed");
    assert_eq!(c.queue()[pos].state, "skipped");
    while c.inject_selection() < pos {
        press(&mut c, &[key(KeyCode::Down)]);
    }
    press(&mut c, &[ch('s')]);
    assert!(c.overlay().is_none(), "taking back a skip does not ask: {:?}", c.overlay());
    let requests = c.take_requests();
    let [ClientMsg::Command { command, .. }] = requests.as_slice() else { panic!("{requests:?}") };
    assert_eq!(command, &Command::UnskipInject { inject: "phish_wave".into() });
}
