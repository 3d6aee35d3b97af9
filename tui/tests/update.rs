//! Update tests: key sequences produce the expected actions and console state,
//! and the journal the console produces replays and verifies.

mod common;

use common::{ch, console, key, press, screen, type_text, wait};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ttx_engine::command::Command;
use ttx_engine::journal::{Record, replay};
use ttx_engine::{SimOptions, builtin};
use ttx_tui::Action;
use ttx_tui::console::{Overlay, Panel};
use ttx_tui::keys::Common;

fn state_of(c: &ttx_tui::Console, id: &str) -> String {
    c.view().injects.iter().find(|i| i.id == id).map(|i| i.state.clone()).unwrap_or_default()
}

#[test]
fn space_runs_and_pauses_the_clock() {
    let mut c = console();
    assert_eq!(press(&mut c, &[ch(' ')]), vec![Some(Action::ToggleRun)]);
    assert!(c.is_running());
    wait(&mut c, 1.0);
    assert_eq!(c.sim().now().0, 6, "6 simulated hours in one second at the default speed");
    assert_eq!(c.view().time.to_string(), "E-60d 14:00");
    press(&mut c, &[ch(' ')]);
    assert!(!c.is_running());
    wait(&mut c, 5.0);
    assert_eq!(c.sim().now().0, 6, "a paused clock does not move");
    assert_eq!(c.elapsed().as_secs(), 6, "real time still counts");
}

#[test]
fn n_steps_one_hour_and_pauses() {
    let mut c = console();
    press(&mut c, &[ch(' ')]);
    assert_eq!(press(&mut c, &[ch('n')]), vec![Some(Action::StepHour)]);
    assert!(!c.is_running());
    assert_eq!(c.view().time.to_string(), "E-60d 09:00");
    press(&mut c, &[ch('n'), ch('n')]);
    assert_eq!(c.sim().now().0, 3);
}

#[test]
fn speeds_go_up_and_down_within_bounds() {
    let mut c = console();
    press(&mut c, &[ch('+'), ch('+')]);
    assert_eq!(c.speed(), 4);
    press(&mut c, &[ch('+'), ch('+'), ch('+')]);
    assert_eq!(c.speed(), 5);
    press(&mut c, &[ch(' ')]);
    wait(&mut c, 1.0);
    assert_eq!(c.sim().now().0, 72, "three days a second");
    for _ in 0..9 {
        press(&mut c, &[ch('-')]);
    }
    assert_eq!(c.speed(), 0);
}

#[test]
fn fire_an_inject_from_the_queue() {
    let mut c = console();
    let acts = press(&mut c, &[ch('2'), key(KeyCode::Down), ch('f')]);
    assert_eq!(
        acts,
        vec![Some(Action::FocusInjects), Some(Action::Common(Common::Down)), Some(Action::FireInject)]
    );
    assert_eq!(c.queue()[1].id, "flash_scanning");
    assert_eq!(c.waiting().len(), 1);
    assert_eq!(c.waiting()[0].command, Command::FireInject { inject: "flash_scanning".into() });
    assert_eq!(c.inject_marks(), vec![("flash_scanning".to_string(), ">fire".to_string())]);
    press(&mut c, &[ch('n')]);
    assert!(c.waiting().is_empty());
    assert_eq!(state_of(&c, "flash_scanning"), "fired");
    assert!(c.results().last().is_some_and(|o| o.result.is_ok()));
    let recs = c.take_records();
    assert!(recs.iter().any(|r| matches!(r, Record::Command { command: Command::FireInject { .. }, .. })));
    // Firing it again is refused at once, with the engine's reason.
    let pos = c.queue().iter().position(|i| i.id == "flash_scanning").unwrap();
    while c.inject_selection() < pos {
        press(&mut c, &[key(KeyCode::Down)]);
    }
    press(&mut c, &[ch('f')]);
    assert!(c.waiting().is_empty());
    assert!(c.status().is_some_and(|s| s.text.contains("has already fired")), "{:?}", c.status());
}

#[test]
fn hold_release_and_skip() {
    let mut c = console();
    press(&mut c, &[ch('2'), ch('h'), ch('n')]);
    assert_eq!(state_of(&c, "phish_wave"), "held");
    // A held inject does not fire at its time.
    press(&mut c, &[ch('i')]);
    assert_eq!(state_of(&c, "phish_wave"), "held");
    assert_eq!(state_of(&c, "flash_scanning"), "fired", "the jump went on to the next inject");
    // Release it: it is overdue, so it fires at the next hour.
    let pos = c.queue().iter().position(|i| i.id == "phish_wave").unwrap();
    while c.inject_selection() < pos {
        press(&mut c, &[key(KeyCode::Down)]);
    }
    press(&mut c, &[ch('h'), ch('n')]);
    assert_eq!(state_of(&c, "phish_wave"), "fired");
    // Skip asks first; n keeps it.
    press(&mut c, &[ch('s')]);
    assert!(matches!(c.overlay(), Some(Overlay::ConfirmSkip(_))), "{:?} {:?}", c.overlay(), c.status());
    press(&mut c, &[ch('n')]);
    assert!(c.overlay().is_none() && c.waiting().is_empty());
    let target = c.queue()[c.inject_selection()].id.clone();
    assert_eq!(
        press(&mut c, &[ch('s'), ch('y')]),
        vec![Some(Action::SkipInject), Some(Action::Common(Common::Confirm))]
    );
    press(&mut c, &[ch('n')]);
    assert_eq!(state_of(&c, &target), "skipped");
    // s on a skipped inject takes the skip back, without asking: the inject is upcoming again
    // (or fires at once if its time has passed).
    let pos = c.queue().iter().position(|i| i.id == target).unwrap();
    while c.inject_selection() != pos {
        let k = if c.inject_selection() < pos { KeyCode::Down } else { KeyCode::Up };
        press(&mut c, &[key(k)]);
    }
    press(&mut c, &[ch('s')]);
    assert!(c.overlay().is_none(), "{:?}", c.overlay());
    assert!(
        matches!(c.waiting().last().map(|w| &w.command), Some(Command::UnskipInject { inject }) if *inject == target),
        "{:?}",
        c.status()
    );
    assert!(c.inject_marks().contains(&(target.clone(), ">back".to_string())));
    press(&mut c, &[ch('n')]);
    assert_ne!(state_of(&c, &target), "skipped");
    // On an inject that was not skipped, there is nothing to take back.
    let fired = c.queue().iter().position(|i| i.state == "fired").unwrap();
    while c.inject_selection() != fired {
        let k = if c.inject_selection() < fired { KeyCode::Down } else { KeyCode::Up };
        press(&mut c, &[key(k)]);
    }
    press(&mut c, &[ch('s')]);
    assert!(c.waiting().is_empty());
    assert!(c.status().is_some_and(|s| s.text.contains("has already fired")), "{:?}", c.status());
}

#[test]
fn preview_shows_effects_without_doing_them() {
    let mut c = console();
    press(&mut c, &[ch('2'), ch('p')]);
    let Some(Overlay::Preview { id, lines, .. }) = c.overlay() else { panic!("no preview") };
    assert_eq!(id, "phish_wave");
    assert!(lines.iter().any(|l| l.contains("starts campaign")), "{lines:?}");
    let hash = c.sim().state_hash();
    assert_eq!(c.sim().now().0, 0);
    // f in the preview fires it.
    press(&mut c, &[ch('f')]);
    assert!(c.overlay().is_none());
    assert_eq!(c.sim().state_hash(), hash, "nothing applied before the clock moves");
    press(&mut c, &[ch('n')]);
    assert_eq!(state_of(&c, "phish_wave"), "fired");
}

fn pick(c: &mut ttx_tui::Console, filter: &str) {
    press(c, &[key(KeyCode::Enter)]);
    type_text(c, filter);
    press(c, &[key(KeyCode::Enter), key(KeyCode::Tab)]);
}

#[test]
fn submit_a_command_through_the_palette() {
    let mut c = console();
    assert_eq!(press(&mut c, &[ch('c')]), vec![Some(Action::Palette)]);
    pick(&mut c, "pennsylvania");
    pick(&mut c, "harbor");
    pick(&mut c, "isolate");
    pick(&mut c, "office");
    let Some(Overlay::Palette(form)) = c.overlay() else { panic!("no palette") };
    assert_eq!(form.focus, form.fields.len(), "on Submit");
    assert_eq!(press(&mut c, &[key(KeyCode::Enter)]), vec![Some(Action::Common(Common::Select))]);
    assert_eq!(
        c.waiting().iter().map(|w| w.command.clone()).collect::<Vec<_>>(),
        vec![Command::Isolate { actor: "harbor".into(), asset: "harbor/office".into() }]
    );
    press(&mut c, &[key(KeyCode::Esc), ch('n')]);
    let o = c.results().last().expect("an outcome");
    assert!(o.result.is_ok(), "{o:?}");
    let d = c.sim().state_detail("PA").unwrap();
    let office = d
        .jurisdictions
        .iter()
        .find(|j| j.id == "harbor")
        .unwrap()
        .assets
        .iter()
        .find(|a| a.id == "harbor/office")
        .unwrap();
    assert_eq!(office.status.label(), "offline");
}

#[test]
fn the_palette_says_why_a_command_was_rejected() {
    let mut c = console();
    // Harbor already enforces MFA: the engine refuses when the command applies.
    press(&mut c, &[ch('c')]);
    pick(&mut c, "pennsylvania");
    pick(&mut c, "harbor");
    pick(&mut c, "enforce");
    pick(&mut c, "office");
    press(&mut c, &[key(KeyCode::Enter), key(KeyCode::Esc), ch('n')]);
    let o = c.results().last().expect("an outcome");
    let why = o.result.clone().unwrap_err().to_string();
    assert!(why.contains("nothing to do"), "{why}");
    assert!(c.status().is_some_and(|s| s.text.contains("Rejected")));
    press(&mut c, &[ch('c')]);
    let s = screen(&c, 100, 30);
    assert!(s.contains("rejected: nothing to do"), "{s}");
    // The palette reopens on the last team and command, at the top: Enter alone cannot send it again.
    let Some(Overlay::Palette(form)) = c.overlay() else { panic!("no palette") };
    assert_eq!(form.focus, 0, "reopened at the top");
    assert_eq!(form.get(ttx_tui::form::FieldKey::Actor), Some("harbor"));
    // A form that cannot make a command says so before sending anything.
    press(&mut c, &[key(KeyCode::Tab), key(KeyCode::Tab)]);
    pick(&mut c, "share");
    press(&mut c, &[KeyEvent::new_with_kind(KeyCode::Char('s'), KeyModifiers::CONTROL, KeyEventKind::Press)]);
    let Some(Overlay::Palette(form)) = c.overlay() else { panic!("no palette") };
    assert_eq!(
        form.message,
        Some(ttx_tui::form::FormMessage::Error("Not sent: this actor holds no indicator yet.".into()))
    );
    assert!(c.waiting().is_empty());
}

#[test]
fn discussion_notes_land_in_the_journal() {
    let mut c = console();
    press(&mut c, &[ch(' ')]);
    assert_eq!(press(&mut c, &[ch('m')]), vec![Some(Action::JumpModule)]);
    assert!(!c.is_running(), "the clock pauses at the module break");
    assert_eq!(c.view().time.to_string(), "E-1d 18:00");
    let Some(Overlay::Discussion(d)) = c.overlay() else { panic!("no discussion") };
    assert_eq!(d.id, "pre");
    let q0 = d.questions[0].clone();
    c.take_records();
    type_text(&mut c, "County calls state within 2h");
    assert_eq!(press(&mut c, &[key(KeyCode::Enter)]), vec![Some(Action::Common(Common::Submit))]);
    let notes: Vec<Record> =
        c.take_records().into_iter().filter(|r| matches!(r, Record::Note { .. })).collect();
    assert_eq!(
        notes,
        vec![Record::Note {
            tick: c.sim().now().0,
            time: "E-1d 18:00".into(),
            module: Some("pre".into()),
            question: Some(0),
            question_text: Some(q0),
            author: Some("facilitator".into()),
            text: "County calls state within 2h".into(),
        }]
    );
    // An unsaved note is not lost to a stray Esc. Up from the first question goes round to the
    // two hot-wash entries at the end, then the general note.
    press(&mut c, &[key(KeyCode::Up), key(KeyCode::Up), key(KeyCode::Up)]);
    type_text(&mut c, "general remark");
    press(&mut c, &[key(KeyCode::Esc)]);
    assert!(matches!(c.overlay(), Some(Overlay::Discussion(_))));
    press(&mut c, &[key(KeyCode::Enter)]);
    let general = c.take_records();
    assert!(matches!(&general[..], [Record::Note { question: None, .. }]), "{general:?}");
    press(&mut c, &[key(KeyCode::Esc)]);
    assert!(c.overlay().is_none());
    assert_eq!(c.notes().len(), 2);
}

#[test]
fn running_pauses_when_an_inject_fires() {
    let mut c = console();
    press(&mut c, &[ch(' ')]);
    for _ in 0..60 {
        wait(&mut c, 1.0);
    }
    assert!(!c.is_running());
    assert_eq!(state_of(&c, "phish_wave"), "fired");
    assert_eq!(c.view().time.to_string(), "E-50d 10:00", "stopped right after the inject's hour");
    press(&mut c, &[ch('a')]);
    assert!(!c.auto_pause());
}

#[test]
fn map_log_and_focus() {
    let mut c = console();
    assert_eq!(c.focus(), Panel::Injects);
    press(&mut c, &[key(KeyCode::Tab)]);
    assert_eq!(c.focus(), Panel::Log);
    press(&mut c, &[ch('1'), key(KeyCode::Right)]);
    assert_eq!(c.view().states[c.map_selection()].postal, "PA");
    press(&mut c, &[key(KeyCode::Enter)]);
    assert!(matches!(c.overlay(), Some(Overlay::StateDetail { detail, .. }) if detail.postal == "PA"));
    press(&mut c, &[key(KeyCode::Esc), ch('i'), ch('i'), ch('i'), ch('3'), ch('t')]);
    assert_eq!(c.log_filter().team.as_deref(), Some("cisa"));
    let matching = c.log().iter().filter(|l| c.log_filter().matches(l)).count();
    assert!(matching > 3, "{matching} of {}", c.log().len());
    press(&mut c, &[key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(c.log_scroll(), 2);
    press(&mut c, &[key(KeyCode::End)]);
    assert_eq!(c.log_scroll(), matching - 1, "End shows the oldest matching line");
    press(&mut c, &[key(KeyCode::Home), ch('v')]);
    assert_eq!(c.log_scroll(), 0);
    assert_eq!(c.log_filter().min_severity, ttx_engine::Severity::Notice);
}

#[test]
fn quit_asks_first_and_ctrl_c_does_not() {
    let mut c = console();
    press(&mut c, &[ch('q'), ch('n')]);
    assert!(!c.should_quit());
    press(&mut c, &[ch('q'), ch('y')]);
    assert!(c.should_quit());
    let mut c = console();
    let ctrl_c = KeyEvent::new_with_kind(KeyCode::Char('c'), KeyModifiers::CONTROL, KeyEventKind::Press);
    assert_eq!(press(&mut c, &[ctrl_c]), vec![Some(Action::ForceQuit)]);
    assert!(c.should_quit());
}

/// A whole exercise from the keyboard: every module to the end, notes at each break,
/// injects fired, held and skipped, a command for a team; the journal verifies.
#[test]
fn a_whole_exercise_by_keyboard_replays_and_verifies() {
    let sc = builtin::default_scenario().unwrap();
    let mut c = console();
    let mut journal = vec![Record::header(&sc, 7, "play")];
    let drain = |c: &mut ttx_tui::Console, j: &mut Vec<Record>| j.extend(c.take_records());
    press(&mut c, &[ch('n'), ch('n'), ch('2'), ch('h'), ch('n'), ch('i')]);
    drain(&mut c, &mut journal);
    press(&mut c, &[ch('c')]);
    pick(&mut c, "wisconsin");
    pick(&mut c, "WI");
    pick(&mut c, "public statement");
    press(&mut c, &[key(KeyCode::Tab), key(KeyCode::Enter), key(KeyCode::Esc), ch('n')]);
    press(&mut c, &[ch('s'), ch('y'), ch(' ')]);
    for _ in 0..10 {
        wait(&mut c, 0.5);
    }
    drain(&mut c, &mut journal);
    let mut discussions = Vec::new();
    for _ in 0..10 {
        if c.sim().is_finished() {
            break;
        }
        press(&mut c, &[ch('m')]);
        if let Some(Overlay::Discussion(d)) = c.overlay() {
            let id = d.id.clone();
            discussions.push(id.clone());
            type_text(&mut c, &format!("notes on {id}"));
            press(&mut c, &[key(KeyCode::Enter), key(KeyCode::Esc)]);
        }
        drain(&mut c, &mut journal);
    }
    assert!(c.sim().is_finished(), "{} {discussions:?} {:?}", c.view().time, c.status());
    assert_eq!(discussions, ["pre", "eday", "post"]);
    assert!(c.view().finished);
    journal.push(c.end_record());
    let commands = journal.iter().filter(|r| matches!(r, Record::Command { .. })).count();
    assert_eq!(commands, 3, "a hold, a public statement and a skip");
    let records: Vec<(usize, Record)> = journal.into_iter().enumerate().map(|(i, r)| (i + 1, r)).collect();
    let report = replay(&records, SimOptions::default()).expect("replays");
    assert!(report.divergence.is_none(), "{:?}", report.divergence);
    assert_eq!(report.notes.len(), 3);
    assert_eq!(report.commands, commands);
    assert_eq!(report.sim.state_hash(), c.sim().state_hash());
}

#[test]
fn a_note_is_edited_where_the_cursor_stands() {
    let mut c = console();
    press(&mut c, &[ch('m')]);
    type_text(&mut c, "County reports in hours");
    // Left four times puts the cursor before "ours"; Backspace takes the "h", then type "2 h".
    press(&mut c, &[key(KeyCode::Left), key(KeyCode::Left), key(KeyCode::Left), key(KeyCode::Left)]);
    press(&mut c, &[key(KeyCode::Backspace)]);
    type_text(&mut c, "2 h");
    press(&mut c, &[key(KeyCode::Right), key(KeyCode::Right), key(KeyCode::Right), key(KeyCode::Right)]);
    press(&mut c, &[key(KeyCode::Right)]);
    type_text(&mut c, ".");
    let Some(Overlay::Discussion(d)) = c.overlay() else { panic!("no discussion") };
    assert_eq!(d.drafts[0], "County reports in 2 hours.");
    press(&mut c, &[key(KeyCode::Enter)]);
    assert_eq!(c.notes().last().map(|n| n.text.as_str()), Some("County reports in 2 hours."));
}

#[test]
fn d_at_a_module_break_opens_the_module_that_just_ended() {
    let mut c = console();
    press(&mut c, &[ch('m')]);
    let Some(Overlay::Discussion(d)) = c.overlay() else { panic!("no discussion at the break") };
    let (module, id) = (d.module, d.id.clone());
    press(&mut c, &[key(KeyCode::Esc), ch('d')]);
    let Some(Overlay::Discussion(d)) = c.overlay() else { panic!("d opens a discussion") };
    assert_eq!((d.module, d.id.as_str()), (module, id.as_str()), "the module that just ended");
    // Once the clock has moved into the next module, d opens that one.
    press(&mut c, &[key(KeyCode::Esc), ch('n'), ch('d')]);
    let Some(Overlay::Discussion(d)) = c.overlay() else { panic!("d opens a discussion") };
    assert_eq!(d.module, module + 1);
}

#[test]
fn the_log_goes_back_to_its_newest_lines_when_left_or_when_the_clock_runs() {
    let mut c = console();
    press(&mut c, &[ch('i'), ch('i'), ch('3'), key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(c.log_scroll(), 2);
    press(&mut c, &[ch('2')]);
    assert_eq!(c.log_scroll(), 0, "leaving the log");
    press(&mut c, &[ch('3'), key(KeyCode::Down), ch(' ')]);
    assert_eq!(c.log_scroll(), 0, "running the clock");
}
