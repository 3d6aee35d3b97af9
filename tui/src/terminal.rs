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
use ratatui::crossterm::event::{self, Event};
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

/// Reads terminal events on a thread of their own and hands each to `send`; stops when
/// `send` returns false, or `alive` does when no event came for a while.
///
/// A console's loop must never sit inside the terminal's read: when the terminal goes away
/// (its window closed) reading it can stop returning, and the loop would then never see the
/// signal that ends the session. With the reads here, the loop only waits on a channel.
pub fn read_events(
    mut send: impl FnMut(Event) -> bool + Send + 'static,
    alive: impl Fn() -> bool + Send + 'static,
) -> io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("ttx-keys".into()).spawn(move || {
        loop {
            match event::poll(std::time::Duration::from_millis(200)) {
                Ok(true) => match event::read() {
                    Ok(e) => {
                        if !send(e) {
                            return;
                        }
                    }
                    Err(_) => return,
                },
                Ok(false) if alive() => {}
                _ => return,
            }
        }
    })
}

/// [`read_events`] into a channel; the reading ends with the first event after the
/// receiver is dropped (or with the process).
pub fn event_channel() -> io::Result<std::sync::mpsc::Receiver<Event>> {
    let (tx, rx) = std::sync::mpsc::channel();
    read_events(move |e| tx.send(e).is_ok(), || true)?;
    Ok(rx)
}

/// Gives the terminal back: leaves raw mode and the alternate screen and shows the cursor.
///
/// Use this rather than dropping the `Term`: its drop reports a cursor it cannot show on
/// standard error, which panics when the terminal is gone (its window closed), before the
/// console has written the end of its journal.
pub fn close(term: Term, guard: TerminalGuard) {
    std::mem::forget(term);
    drop(guard);
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
