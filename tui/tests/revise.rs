//! The facilitator revises the record in `ttx play`: notes edited and deleted, a correction
//! to a fired inject, and messages the room sent at one table; all journaled without
//! rewriting a line, and the journal replays with them resolved.

#[allow(dead_code)] // Not every helper is needed here.
mod common;

use common::{ch, console, key, press, screen, type_text};
use ratatui::crossterm::event::KeyCode;
use ttx_engine::journal::{Record, replay};
use ttx_engine::talk::Party;
use ttx_engine::{SimOptions, builtin};
use ttx_tui::console::Overlay;

fn note_text(r: &Record) -> String {
    match r {
        Record::Note { text, .. } => text.clone(),
        _ => String::new(),
    }
}

#[test]
fn notes_are_edited_and_deleted_and_the_replay_shows_their_final_text() {
    let sc = builtin::default_scenario().unwrap();
    let mut c = console();
    let mut journal = vec![Record::header(&sc, 7, "play")];
    press(&mut c, &[ch('m')]);
    type_text(&mut c, "Clerks call the state");
    press(&mut c, &[key(KeyCode::Enter), key(KeyCode::Down)]);
    type_text(&mut c, "Wrong room");
    press(&mut c, &[key(KeyCode::Enter), key(KeyCode::Esc)]);
    // N lists the notes, the newest selected; Up, e, then the cursor moves left into the text.
    press(&mut c, &[ch('N'), key(KeyCode::Up), ch('e')]);
    assert!(matches!(c.overlay(), Some(Overlay::Notes(w)) if w.edit.is_some()));
    for _ in 0.."state".len() {
        press(&mut c, &[key(KeyCode::Left)]);
    }
    type_text(&mut c, "county, then the ");
    press(&mut c, &[key(KeyCode::Enter)]);
    assert_eq!(c.notes()[0].text, "Clerks call the county, then the state");
    assert!(c.notes()[0].edited);
    press(&mut c, &[key(KeyCode::Down), ch('x')]);
    assert!(screen(&c, 100, 30).contains("Delete this note? y deletes"), "{}", screen(&c, 100, 30));
    press(&mut c, &[ch('y')]);
    assert!(c.notes()[1].deleted);
    let shown = screen(&c, 100, 30);
    assert!(shown.contains("#1") && shown.contains("[edited]") && shown.contains("[deleted]"), "{shown}");
    // A deleted note cannot be edited.
    press(&mut c, &[ch('e')]);
    assert!(c.status().is_some_and(|s| s.text.contains("deleted")), "{:?}", c.status());
    press(&mut c, &[key(KeyCode::Esc)]);
    journal.extend(c.take_records());
    assert!(journal.iter().any(|r| matches!(r, Record::NoteEdited { note: 1, .. })));
    assert!(journal.iter().any(|r| matches!(r, Record::NoteDeleted { note: 2, .. })));
    // The first texts are still in the journal.
    assert_eq!(
        journal.iter().filter(|r| matches!(r, Record::Note { .. })).map(note_text).collect::<Vec<_>>(),
        ["Clerks call the state", "Wrong room"]
    );
    journal.push(c.end_record());
    let records: Vec<(usize, Record)> = journal.into_iter().enumerate().map(|(i, r)| (i + 1, r)).collect();
    let report = replay(&records, SimOptions::default()).expect("replays");
    assert!(report.divergence.is_none());
    let texts: Vec<String> = report.notes.iter().map(note_text).collect();
    let time = c.clock().to_string();
    assert_eq!(
        texts,
        [
            format!("Clerks call the county, then the state (edited at {time})"),
            format!("(deleted by the facilitator at {time})")
        ]
    );
}

#[test]
fn a_fired_inject_is_corrected_from_the_queue_and_an_unfired_one_is_not() {
    let mut c = console();
    press(&mut c, &[ch('i'), ch('2')]);
    // The queue lists injects to come first: the first is not fired.
    press(&mut c, &[ch('k')]);
    assert!(c.overlay().is_none());
    assert!(c.status().is_some_and(|s| s.text.contains("has not fired")), "{:?}", c.status());
    let fired = c.queue().iter().position(|i| i.fired_at.is_some()).expect("an inject has fired");
    let id = c.queue()[fired].id.clone();
    for _ in 0..fired {
        press(&mut c, &[key(KeyCode::Down)]);
    }
    press(&mut c, &[ch('k')]);
    type_text(&mut c, "It was 300 records, not 3000");
    press(&mut c, &[key(KeyCode::Left), key(KeyCode::Left), key(KeyCode::Backspace), key(KeyCode::Enter)]);
    let records = c.take_records();
    let corrections: Vec<_> = records
        .iter()
        .filter_map(|r| match r {
            Record::Correction { inject, text, .. } => Some((inject.clone(), text.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(corrections, [(id, "It was 300 records, not 300".to_string())]);
}

#[test]
fn the_room_at_one_table_records_messages_between_teams_and_control() {
    let sc = builtin::default_scenario().unwrap();
    let mut c = console();
    let mut journal = vec![Record::header(&sc, 7, "play")];
    press(&mut c, &[ch('n'), ch('t'), ch('n')]);
    type_text(&mut c, "Call the vendor");
    press(&mut c, &[key(KeyCode::Enter)]);
    // From the last team (Left on From wraps to it) to control (Left on To wraps to it).
    press(&mut c, &[ch('n'), key(KeyCode::Left), key(KeyCode::Tab), key(KeyCode::Left)]);
    type_text(&mut c, "Is the portal down?");
    press(&mut c, &[key(KeyCode::Enter)]);
    let last_team = sc.registry().teams.last().unwrap().id.clone();
    let first_team = sc.registry().teams[0].id.clone();
    let got: Vec<_> =
        c.messages().iter().map(|m| (m.number, m.from.clone(), m.to.clone(), m.sender())).collect();
    assert_eq!(
        got,
        [
            (1, Party::Control, Party::Team(first_team.clone()), "Exercise control".to_string()),
            (2, Party::Team(last_team.clone()), Party::Control, last_team.clone()),
        ]
    );
    // From the last team to the last team (To: Left twice passes control) is refused.
    press(&mut c, &[ch('n'), key(KeyCode::Left), key(KeyCode::Left), key(KeyCode::Tab), key(KeyCode::Left)]);
    type_text(&mut c, "to myself");
    press(&mut c, &[key(KeyCode::Enter)]);
    assert_eq!(c.messages().len(), 2);
    assert!(c.status().is_some_and(|s| s.text.contains("from one party to another")), "{:?}", c.status());
    press(&mut c, &[key(KeyCode::Esc), key(KeyCode::Esc)]);
    journal.extend(c.take_records());
    journal.push(c.end_record());
    let records: Vec<(usize, Record)> = journal.into_iter().enumerate().map(|(i, r)| (i + 1, r)).collect();
    let report = replay(&records, SimOptions::default()).expect("replays");
    assert!(report.divergence.is_none());
    let talk: Vec<String> = report
        .talk
        .iter()
        .filter_map(|r| match r {
            Record::Message { message } => Some(message.text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(&talk[..2], ["Call the vendor", "Is the portal down?"]);
}

#[test]
fn a_long_message_list_scrolls_to_the_selected_message() {
    let mut c = console();
    press(&mut c, &[ch('t')]);
    for i in 1..=12 {
        press(&mut c, &[ch('n')]);
        type_text(&mut c, &format!("Message number {i} about the registration portal"));
        press(&mut c, &[key(KeyCode::Enter)]);
    }
    let top = screen(&c, 80, 24);
    assert!(top.contains("Message number 12") && !top.contains("Message number 1 "), "{top}");
    assert!(top.contains("lines below"), "{top}");
    press(&mut c, &[key(KeyCode::End)]);
    let bottom = screen(&c, 80, 24);
    assert!(bottom.contains("Message number 1 ") && !bottom.contains("Message number 12"), "{bottom}");
    assert!(bottom.contains("lines above") && bottom.contains("message 12 of 12"), "{bottom}");
    press(&mut c, &[key(KeyCode::PageUp)]);
    assert!(screen(&c, 80, 24).contains("message 7 of 12"));
    // The hint bar names the keys.
    assert!(
        ttx_tui::keys::BINDINGS
            .iter()
            .any(|b| b.context == ttx_tui::keys::Context::Messages && b.hint == Some("select"))
    );
}

#[test]
fn left_and_right_move_the_cursor_in_a_bookmark() {
    let mut c = console();
    press(&mut c, &[ch('b')]);
    type_text(&mut c, "decision");
    for _ in 0.."decision".len() {
        press(&mut c, &[key(KeyCode::Left)]);
    }
    type_text(&mut c, "key ");
    press(&mut c, &[key(KeyCode::Right), key(KeyCode::Enter)]);
    let bookmarks: Vec<String> = c
        .take_records()
        .into_iter()
        .filter_map(|r| match r {
            Record::Bookmark { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(bookmarks, ["key decision"]);
}

#[test]
fn left_and_right_move_the_cursor_in_a_message_once_the_text_has_the_focus() {
    let mut c = console();
    press(&mut c, &[ch('t'), ch('n')]);
    type_text(&mut c, "Call vendor");
    // Typing brought the focus to the text: Left moves the cursor, it does not change To.
    for _ in 0.."vendor".len() {
        press(&mut c, &[key(KeyCode::Left)]);
    }
    type_text(&mut c, "the ");
    assert!(screen(&c, 80, 24).contains("Call the _vendor"), "{}", screen(&c, 80, 24));
    // Tab from the text goes round to To, where Left and Right change the addressee again.
    press(&mut c, &[key(KeyCode::Tab), key(KeyCode::Right), key(KeyCode::Enter)]);
    let sc = builtin::default_scenario().unwrap();
    let m = c.messages().last().expect("a message");
    assert_eq!(m.text, "Call the vendor");
    assert_eq!(m.to, Party::Team(sc.registry().teams[1].id.clone()));
}
