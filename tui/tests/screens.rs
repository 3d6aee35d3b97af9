//! Snapshot tests of the console's main screens, at 80x24 and at 160x48.

mod common;

use common::{ch, console, key, press, screen, type_text, wait};
use ratatui::crossterm::event::KeyCode;

#[test]
fn start_of_the_exercise() {
    let c = console();
    insta::assert_snapshot!("start_80x24", screen(&c, 80, 24));
    insta::assert_snapshot!("start_160x48", screen(&c, 160, 48));
}

#[test]
fn after_the_first_inject() {
    let mut c = console();
    press(&mut c, &[ch('i')]);
    wait(&mut c, 2.0);
    insta::assert_snapshot!("first_inject_80x24", screen(&c, 80, 24));
    // Later in module 1: an intrusion in progress, log lines, measures.
    press(&mut c, &[ch('i'), ch('i'), ch('1'), key(KeyCode::Right)]);
    insta::assert_snapshot!("mid_module_160x48", screen(&c, 160, 48));
}

#[test]
fn help_screen() {
    let mut c = console();
    press(&mut c, &[ch('?')]);
    insta::assert_snapshot!("help_80x24", screen(&c, 80, 24));
    insta::assert_snapshot!("help_160x48", screen(&c, 160, 48));
}

#[test]
fn discussion_at_the_module_break() {
    let mut c = console();
    press(&mut c, &[ch('m')]);
    type_text(&mut c, "County reports within 2 hours; state relays same day");
    press(&mut c, &[key(KeyCode::Enter), key(KeyCode::Down)]);
    type_text(&mut c, "Unclear who acts on an alert");
    insta::assert_snapshot!("discussion_80x24", screen(&c, 80, 24));
    insta::assert_snapshot!("discussion_160x48", screen(&c, 160, 48));
}

#[test]
fn command_palette() {
    let mut c = console();
    press(&mut c, &[ch('i'), ch('c')]);
    insta::assert_snapshot!("palette_80x24", screen(&c, 80, 24));
    // Open the team list.
    press(&mut c, &[key(KeyCode::Enter)]);
    insta::assert_snapshot!("palette_picker_160x48", screen(&c, 160, 48));
}

#[test]
fn inject_preview_and_state_detail() {
    let mut c = console();
    press(&mut c, &[key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down), ch('p')]);
    insta::assert_snapshot!("preview_80x24", screen(&c, 80, 24));
    press(&mut c, &[key(KeyCode::Esc), ch('1'), key(KeyCode::Enter)]);
    insta::assert_snapshot!("state_detail_80x24", screen(&c, 80, 24));
}

#[test]
fn quit_asks_first() {
    let mut c = console();
    press(&mut c, &[ch('q')]);
    insta::assert_snapshot!("quit_80x24", screen(&c, 80, 24));
}

#[test]
fn below_the_minimum_size() {
    let c = console();
    let s = screen(&c, 60, 20);
    assert!(s.contains("at least 80x24"), "{s}");
    assert!(s.contains("60x20"), "{s}");
}
