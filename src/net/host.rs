//! The facilitator console inside `ttx serve`.
//!
//! Without `--headless`, the exercise thread owns a [`Console`] (the same
//! state, keys and screens as `ttx play`) instead of a bare simulation. The
//! server keeps the clock and the journal: the console's clock keys, its
//! commands, notes and approvals come back as the protocol's requests
//! (`ClientMsg`), which the exercise applies exactly as it applies a control
//! connection's and answers as it answers one, so a hosted session journals
//! and replays like any other.

use std::time::Instant;

use ratatui::crossterm::event::{Event, KeyEventKind};
use tokio::sync::mpsc;
use ttx_engine::Sim;
use ttx_tui::console::Console;
use ttx_tui::{Action, terminal, ui};

/// What owns the exercise's simulation: the exercise alone (headless), or the facilitator
/// console in this terminal, which the exercise then owns.
pub enum SimOwner {
    /// `ttx serve --headless`.
    Bare(Box<Sim>),
    /// The facilitator console in this terminal.
    Hosted(Box<HostUi>),
}

impl SimOwner {
    /// The simulation.
    pub fn sim(&self) -> &Sim {
        match self {
            SimOwner::Bare(s) => s,
            SimOwner::Hosted(h) => h.console.sim(),
        }
    }

    /// The simulation, to step and submit to.
    pub fn sim_mut(&mut self) -> &mut Sim {
        match self {
            SimOwner::Bare(s) => s,
            SimOwner::Hosted(h) => h.console.sim_mut(),
        }
    }

    /// The console, when there is one.
    pub fn console(&mut self) -> Option<&mut Console> {
        match self {
            SimOwner::Bare(_) => None,
            SimOwner::Hosted(h) => Some(&mut h.console),
        }
    }
}

/// The terminal and what the console shows of the server, for `run_session`.
pub struct Screen {
    /// The terminal, in full-screen mode.
    pub term: terminal::Term,
    /// Address, join codes, the clock.
    pub host: ttx_tui::console::Host,
    /// Where the journal is.
    pub journal: String,
}

/// The console, its terminal, and the keys read for it.
pub struct HostUi {
    /// The console.
    pub console: Box<Console>,
    /// Never dropped (see `terminal::close`); `ttx serve` restores the terminal with its guard.
    term: std::mem::ManuallyDrop<terminal::Term>,
    keys: Option<mpsc::UnboundedReceiver<Event>>,
    last: Instant,
}

impl HostUi {
    /// A console on the terminal (already in full-screen mode); starts the thread that reads keys.
    pub fn new(console: Console, term: terminal::Term) -> std::io::Result<HostUi> {
        let (tx, rx) = mpsc::unbounded_channel();
        let probe = tx.clone();
        terminal::read_events(move |e| tx.send(e).is_ok(), move || !probe.is_closed())?;
        Ok(HostUi {
            console: Box::new(console),
            term: std::mem::ManuallyDrop::new(term),
            keys: Some(rx),
            last: Instant::now(),
        })
    }

    /// Takes the key stream, for the exercise's event loop.
    pub fn take_keys(&mut self) -> Option<mpsc::UnboundedReceiver<Event>> {
        self.keys.take()
    }

    /// Applies a terminal event (a key press; a resize only needs the next draw).
    pub fn event(&mut self, e: &Event) {
        if let Event::Key(k) = e
            && k.kind == KeyEventKind::Press
        {
            self.console.update(*k);
        }
    }

    /// Lets real time pass on the console and draws it.
    pub fn draw(&mut self) {
        let now = Instant::now();
        self.console.update(Action::Tick(now - self.last));
        self.last = now;
        let console = &self.console;
        // A terminal that went away (its window closed) ends the session through the signal.
        let _ = self.term.draw(|f| ui::render(console, f));
    }
}

/// The next terminal event, or never when there is no terminal.
pub async fn next_event(keys: &mut Option<mpsc::UnboundedReceiver<Event>>) -> Option<Event> {
    match keys {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}
