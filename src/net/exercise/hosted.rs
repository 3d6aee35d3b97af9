//! The facilitator console in this terminal (`ttx serve` without `--headless`): what it is told
//! of the server, and its requests, applied as a control connection's are.

use ttx_engine::Issuer;
use ttx_tui::console::{HeldInject, HostRequest};

use super::{DebriefRequest, Exercise, ExerciseError};
use crate::net::protocol::{Control, now_us};

impl Exercise {
    /// Tells the console what the server knows: the clock, consoles connected, held injects.
    pub(super) fn sync_console(&mut self) {
        if self.owner.console().is_none() {
            return;
        }
        let status = self.status();
        let previews: Vec<Vec<String>> = status
            .pending
            .iter()
            .map(|p| self.owner.sim().preview_command_inject(&p.command).unwrap_or_default())
            .collect();
        let Some(c) = self.owner.console() else { return };
        c.set_host_clock(status.paused, status.ticks_per_second, status.pause_on_inject);
        c.set_pause_for_approval(status.pause_for_approval);
        let consoles = status.consoles.into_iter().collect();
        let pending = status
            .pending
            .into_iter()
            .zip(previews)
            .map(|(p, preview)| HeldInject { number: p.pending, team: p.team, summary: p.summary, preview })
            .collect();
        c.set_host(consoles, status.facilitators, pending);
    }

    /// Applies what the facilitator asked at the console, as a control connection's requests are.
    pub(super) fn console_requests(&mut self) -> Result<(), ExerciseError> {
        let Some(c) = self.owner.console() else { return Ok(()) };
        let requests = c.take_requests();
        let quit = c.should_quit();
        let mut stepped = false;
        for r in requests {
            let control = match r {
                HostRequest::Command(command) => {
                    if self.owner.sim().is_finished() {
                        if let Some(c) = self.owner.console() {
                            c.host_message(true, "Rejected: the exercise has ended.");
                        }
                        continue;
                    }
                    let seq = self.submit(Issuer::Facilitator, command.clone());
                    if let Some(c) = self.owner.console() {
                        c.queued(seq, command);
                    }
                    continue;
                }
                HostRequest::Pause => Control::Pause,
                HostRequest::Resume => Control::Resume,
                HostRequest::Step(ticks) => {
                    stepped = true;
                    self.tick_started_us = now_us();
                    Control::Step { ticks }
                }
                HostRequest::Speed(ticks_per_second) => Control::Speed { ticks_per_second },
                HostRequest::Note { text, question } => {
                    // The console has listed it already: only a control connection's note is
                    // shown to it (see `control`).
                    if let Err(m) = self.note(text, question)
                        && let Some(c) = self.owner.console()
                    {
                        c.host_message(true, format!("Refused: {m}."));
                    }
                    continue;
                }
                HostRequest::EditNote { note, text } => Control::EditNote { note, text },
                HostRequest::DeleteNote { note } => Control::DeleteNote { note },
                HostRequest::Correct { inject, text } => Control::Correct { inject, text },
                HostRequest::Approve(pending) => Control::Approve { pending },
                HostRequest::Deny(pending, reason) => Control::Deny { pending, reason: Some(reason) },
                HostRequest::PauseOnInject(on) => Control::PauseOnInject { on },
                HostRequest::PauseForApproval(on) => Control::PauseForApproval { on },
                HostRequest::Bookmark(text) => Control::Bookmark { text },
                HostRequest::HotWash { kind, text } => {
                    let answer = self.debrief(None, DebriefRequest::HotWash { kind, text });
                    if let Some(c) = self.owner.console() {
                        match answer {
                            Ok(m) => c.host_message(false, format!("Server: {m}.")),
                            Err(m) => c.host_message(true, format!("Refused: {m}.")),
                        }
                    }
                    continue;
                }
                HostRequest::Message { to, channel, signed, text } => {
                    let sent = self.message(None, to, channel, text, signed);
                    if let Some(c) = self.owner.console() {
                        match sent {
                            Ok(n) => c.host_message(false, format!("Message #{n} sent.")),
                            Err(e) => c.host_message(true, format!("Not sent: {e}.")),
                        }
                    }
                    continue;
                }
                HostRequest::Cancel(seq) => {
                    let taken = self.cancel(seq);
                    if let Some(c) = self.owner.console() {
                        match taken {
                            true => c.cancelled(seq),
                            false => c.host_message(true, "That command has already applied."),
                        }
                    }
                    continue;
                }
            };
            let quiet = matches!(
                control,
                Control::Pause
                    | Control::Resume
                    | Control::Note { .. }
                    | Control::EditNote { .. }
                    | Control::DeleteNote { .. }
                    | Control::PauseOnInject { .. }
                    | Control::PauseForApproval { .. }
                    | Control::Bookmark { .. }
            );
            let answer = self.control(control);
            if let Some(c) = self.owner.console() {
                match answer {
                    Err(message) => c.host_message(true, format!("Refused: {message}.")),
                    Ok(message) if !quiet => c.host_message(false, format!("Server: {message}.")),
                    Ok(_) => {}
                }
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
