//! Helpers shared by the console tests.

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ttx_engine::{Resolution, Sim, SimOptions, builtin};
use ttx_tui::console::{Console, ConsoleOptions};
use ttx_tui::{Action, Theme, ui};

/// A console on the default scenario, as `ttx play` makes it.
pub fn console() -> Console {
    let sc = builtin::default_scenario().expect("the default scenario loads");
    let mut sim = Sim::with_options(&sc, 7, SimOptions { series: Resolution::Hourly, staffed: vec![] });
    sim.checkpoint_commands(true);
    Console::new(
        sim,
        ConsoleOptions {
            theme: Theme::MONO,
            journal_path: Some("ttx-sessions/tabletop_the_vote-20261103-080000.jsonl".into()),
            host: None,
            whatif: None,
        },
    )
}

/// The screen as text at a size.
pub fn screen(c: &Console, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
    t.draw(|f| ui::render(c, f)).expect("draws");
    t.backend().to_string()
}

/// A key press.
pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press)
}

/// A character key press.
pub fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

/// Presses keys in order, returning the actions they became.
pub fn press(c: &mut Console, keys: &[KeyEvent]) -> Vec<Option<Action>> {
    keys.iter()
        .map(|k| {
            let action = c.action_for(k);
            c.update(*k);
            action
        })
        .collect()
}

/// Types text, one key per character.
pub fn type_text(c: &mut Console, text: &str) {
    for ch_ in text.chars() {
        c.update(ch(ch_));
    }
}

/// Lets real time pass.
pub fn wait(c: &mut Console, secs: f64) {
    c.update(Action::Tick(Duration::from_secs_f64(secs)));
}
