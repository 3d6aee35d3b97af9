//! Entering and leaving the terminal's full-screen mode, reliably.
//!
//! [`enter`] switches to raw mode and the alternate screen and installs a
//! panic hook that restores the terminal before the panic message prints;
//! [`TerminalGuard`] restores it when dropped, so every way out of a console
//! (quit, error, Ctrl-C, panic) leaves the facilitator's shell usable.

use std::io::{self, Stdout};
use std::sync::Once;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// The terminal a console draws on.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped.
#[derive(Debug)]
pub struct TerminalGuard {
    _private: (),
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = leave();
    }
}

/// Switches to raw mode and the alternate screen; returns the terminal and its guard.
pub fn enter() -> io::Result<(Term, TerminalGuard)> {
    install_panic_hook();
    enable_raw_mode()?;
    let guard = TerminalGuard { _private: () };
    // Clearing directly (not through `Terminal::clear`, which asks the terminal where its
    // cursor is and fails on terminals that do not answer).
    execute!(io::stdout(), EnterAlternateScreen, Clear(ClearType::All))?;
    let term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((term, guard))
}

/// Leaves raw mode and the alternate screen and shows the cursor (safe to call twice).
pub fn leave() -> io::Result<()> {
    let raw = disable_raw_mode();
    let screen = execute!(io::stdout(), LeaveAlternateScreen, Show);
    raw.and(screen)
}

fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = leave();
            previous(info);
        }));
    });
}
