//! The facilitator console in this terminal (`ttx serve` without `--headless`): what it is told
//! of the server, and its requests (the protocol's), applied as a control connection's are and
//! answered as one is.

use ttx_engine::Issuer;
use ttx_tui::console::Event;

use super::{DebriefRequest, Exercise, ExerciseError};
use crate::net::protocol::{ClientMsg, Control, ServerMsg, now_us};

impl Exercise {
    /// Tells the console what the server knows: the clock, consoles connected, held injects.
    pub(super) fn sync_console(&mut self) {
        if self.owner.console().is_none() {
            return;
        }
        let status = self.status();
        if let Some(c) = self.owner.console() {
            c.update(Event::Status(status));
        }
    }

    /// Applies what the facilitator asked at the console, as a control connection's requests are.
    pub(super) fn console_requests(&mut self) -> Result<(), ExerciseError> {
        let Some(c) = self.owner.console() else { return Ok(()) };
        let requests = c.take_requests();
        let quit = c.should_quit();
        let mut stepped = false;
        for r in requests {
            let answer = match r {
                ClientMsg::Command { id, command } => {
                    if self.owner.sim().is_finished() {
                        refused(id, "the exercise has ended")
                    } else {
                        let seq = self.submit(Issuer::Facilitator, command);
                        let tick = self.owner.sim().now();
                        let time = self.owner.sim().registry().clock.at(tick).to_string();
                        ServerMsg::Ack { id, seq, tick: tick.0, time }
                    }
                }
                ClientMsg::Control { id, action: Control::Note { text, question } } => {
                    // The console has listed it already: only a control connection's note is
                    // shown to it (see `control`).
                    match self.note(text, question) {
                        Ok(_) => ServerMsg::Done { id, message: "note recorded".into() },
                        Err(m) => refused(id, m),
                    }
                }
                ClientMsg::Control { id, action } => {
                    if matches!(action, Control::Step { .. }) {
                        stepped = true;
                        self.tick_started_us = now_us();
                    }
                    match self.control(action) {
                        Ok(message) => ServerMsg::Done { id, message },
                        Err(message) => refused(id, message),
                    }
                }
                ClientMsg::HotWash { id, kind, text } => {
                    match self.debrief(None, DebriefRequest::HotWash { kind, text }) {
                        Ok(message) => ServerMsg::Done { id, message },
                        Err(m) => refused(id, m),
                    }
                }
                ClientMsg::Message { id, to, channel, text, signed } => {
                    match self.message(None, to, channel, text, signed) {
                        Ok(number) => ServerMsg::Delivered { id, number },
                        Err(e) => refused(id, e),
                    }
                }
                ClientMsg::Cancel { id, seq } => match self.cancel(seq) {
                    true => ServerMsg::Done { id, message: format!("command {seq} taken back") },
                    false => refused(id, "that command has already applied"),
                },
                ClientMsg::Hello { .. } | ClientMsg::Ping | ClientMsg::Feedback { .. } => continue,
            };
            if let Some(c) = self.owner.console() {
                c.update(Event::Server(answer));
            }
        }
        self.commit()?;
        if stepped {
            self.publish();
        } else {
            self.facilitator_stale = true;
        }
        self.sync_console();
        if quit {
            self.stopping = true;
        }
        Ok(())
    }
}

/// A refusal of the console's request `id`.
fn refused(id: u64, message: impl std::fmt::Display) -> ServerMsg {
    ServerMsg::Refused { id, message: message.to_string(), rejection: None }
}
