//! The facilitator's commands: submitting them after the engine's authority check, the
//! inject queue's fire, hold, skip and release, and taking back a queued command.

use ttx_engine::command::{Command, Issuer, Rejection};
use ttx_engine::view::InjectView;

use super::{Cancel, Console, Level, Overlay, Panel, Waiting};
use crate::widgets::injects::is_upcoming;

impl Console {
    /// Holds the selected inject, or releases it when held.
    pub(super) fn hold_selected(&mut self) {
        if let Some(inj) = self.queue.get(self.inject_sel).cloned() {
            let cmd = if inj.state == "held" {
                Command::ReleaseInject { inject: inj.id }
            } else {
                Command::HoldInject { inject: inj.id }
            };
            self.inject_command(cmd);
        }
    }

    /// Asks to skip the selected inject, or takes a skip back.
    pub(super) fn skip_selected(&mut self) {
        if let Some(inj) = self.queue.get(self.inject_sel) {
            if inj.state == "skipped" {
                // A skip can be taken back: the inject fires when due, or now if overdue.
                let id = inj.id.clone();
                self.inject_command(Command::UnskipInject { inject: id });
            } else if is_upcoming(inj) {
                self.status = None;
                self.overlay = Some(Overlay::ConfirmSkip(inj.id.clone()));
            } else {
                let why = done_rejection(inj).to_string();
                self.set_status(Level::Error, format!("Cannot skip: {why}."));
            }
        }
    }

    /// Submits a command as the facilitator, after the engine's authority check.
    pub(super) fn submit(&mut self, command: Command) -> Result<(), Rejection> {
        if self.sim().is_finished() {
            return Err(Rejection::Ended);
        }
        self.sim().check(&Issuer::Facilitator, &command)?;
        // A server journals it first and answers with its number (`Event::Server`).
        if let Some(seq) = self.session.submit(command.clone()) {
            self.waiting.push(Waiting { seq, command });
        }
        Ok(())
    }

    pub(super) fn inject_command(&mut self, command: Command) {
        let id = match &command {
            Command::FireInject { inject }
            | Command::HoldInject { inject }
            | Command::ReleaseInject { inject }
            | Command::SkipInject { inject }
            | Command::UnskipInject { inject } => inject.clone(),
            _ => String::new(),
        };
        // Refuse at once what the engine would refuse at the next hour.
        let unskip = matches!(command, Command::UnskipInject { .. });
        if let Some(inj) = self.view.injects.iter().find(|i| i.id == id) {
            let refusal = match (unskip, inj.state == "skipped") {
                (true, false) => Some(format!("inject `{id}` is not skipped")),
                (false, _) if !is_upcoming(inj) => Some(done_rejection(inj).to_string()),
                _ => None,
            };
            if let Some(why) = refusal {
                self.set_status(Level::Error, format!("Rejected: {why}."));
                return;
            }
        }
        if self.waiting.iter().any(|w| inject_of(&w.command) == Some(id.as_str())) {
            self.set_status(
                Level::Warn,
                format!("An action on inject {id} is already waiting for the next hour."),
            );
            return;
        }
        let summary = command.summary();
        match self.submit(command) {
            Ok(()) => {
                let tail = if self.is_running() { "" } else { " (n steps, Space runs)" };
                self.set_status(
                    Level::Info,
                    format!("Queued: {summary}; applies at {}{tail}.", self.sim().time()),
                );
            }
            Err(r) => self.set_status(Level::Error, format!("Rejected: {r}.")),
        }
    }

    /// Takes back a queued command: the selected inject's waiting action when the inject queue
    /// has the focus, otherwise the last command queued. Journaled (`cancelled`).
    pub(super) fn cancel_queued(&mut self) {
        let selected = (self.focus == Panel::Injects).then(|| self.selected_inject_id()).flatten();
        let pick = selected
            .and_then(|id| self.waiting.iter().rposition(|w| inject_of(&w.command) == Some(id.as_str())))
            .or_else(|| self.waiting.len().checked_sub(1));
        let Some(i) = pick else {
            self.set_status(Level::Warn, "No command is queued: nothing to take back.");
            return;
        };
        let seq = self.waiting[i].seq;
        match self.session.cancel(seq) {
            Cancel::Taken => self.cancelled(seq),
            Cancel::Applied => {
                self.waiting.remove(i);
                self.set_status(Level::Warn, "That command has already applied.");
            }
            // The server answers (`Event::Server`).
            Cancel::Asked => {}
        }
    }

    /// Marks for injects with an action waiting: (inject id, label).
    pub fn inject_marks(&self) -> Vec<(String, String)> {
        self.waiting
            .iter()
            .filter_map(|w| {
                let label = match &w.command {
                    Command::FireInject { .. } => ">fire",
                    Command::HoldInject { .. } => ">hold",
                    Command::ReleaseInject { .. } => ">rels",
                    Command::SkipInject { .. } => ">skip",
                    Command::UnskipInject { .. } => ">back",
                    _ => return None,
                };
                inject_of(&w.command).map(|id| (id.to_string(), label.to_string()))
            })
            .collect()
    }
}

fn inject_of(c: &Command) -> Option<&str> {
    match c {
        Command::FireInject { inject }
        | Command::HoldInject { inject }
        | Command::ReleaseInject { inject }
        | Command::SkipInject { inject }
        | Command::UnskipInject { inject } => Some(inject),
        _ => None,
    }
}

fn done_rejection(i: &InjectView) -> Rejection {
    Rejection::InjectDone {
        inject: i.id.clone(),
        state: if i.state == "fired" { "fired".into() } else { "been skipped".into() },
    }
}
