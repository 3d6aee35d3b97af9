//! What a hosted console hears from `ttx serve` ([`Event`]s besides keys: the server's
//! answers to its requests, its state, its news) and the approvals window.

use ratatui::crossterm::event::KeyEvent;
use ttx_protocol::{ClientMsg, Control, ServerMsg, ServerStatus};

use super::{Console, Level, Overlay, SavedNote, Waiting};
use crate::input::TextInput;
use crate::keys::{Action, Common};

/// What changes a facilitator console: a key, an action or real time passing, or news from
/// the program around it. [`Console::update`] takes each.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A key press: the action it stands for now ([`Console::action_for`]) is applied.
    Key(KeyEvent),
    /// An action, as a key gives it, or real time passing ([`Action::Tick`]).
    Action(Action),
    /// A protocol message from the server: its answer to one of the console's requests
    /// (`ack`, `refused`, `done`, `delivered`), or a message between the parties (`message`).
    Server(ServerMsg),
    /// The server's state: its clock, the consoles connected, the injects it holds.
    Status(ServerStatus),
    /// The server moved the simulation the console shows (through [`Console::sim_mut`]).
    Moved,
    /// The server stopped its clock because a scripted inject fired.
    PausedOnInject,
    /// A discussion note the server journaled for another control connection (or found in
    /// the journal it resumed).
    Note(SavedNote),
    /// Whether the journal is being written: the last write error, or none.
    JournalError(Option<String>),
    /// Something the server warns the facilitator of (a console that failed to join).
    Notice(String),
}

impl From<Action> for Event {
    fn from(a: Action) -> Event {
        Event::Action(a)
    }
}

impl From<KeyEvent> for Event {
    fn from(k: KeyEvent) -> Event {
        Event::Key(k)
    }
}

impl Console {
    /// Applies news from the program around the console (keys and actions go to `update`).
    pub(super) fn news(&mut self, event: Event) {
        match event {
            Event::Key(_) | Event::Action(_) => self.update(event),
            Event::Server(msg) => self.server_message(msg),
            Event::Status(status) => self.set_status_of_server(status),
            Event::Moved => self.after_move(),
            Event::PausedOnInject => {
                if let Some(h) = self.session.hosted_mut() {
                    h.host.status.paused = true;
                }
                let title = self.last_fired_title().unwrap_or_default();
                self.set_status(Level::Warn, format!("Paused, Space resumes. Inject fired: {title}"));
            }
            Event::Note(note) => self.notes.push(note),
            Event::JournalError(e) => self.journal_error = e,
            Event::Notice(text) => self.set_status(Level::Error, text),
        }
    }

    /// Whether the server stops its clock while a player-made inject waits for approval.
    pub(super) fn toggle_pause_for_approval(&mut self) {
        let Some(h) = self.session.hosted_mut() else {
            return self.set_status(
                Level::Warn,
                "Injects wait for approval only in a served session (ttx serve --approve-injects).",
            );
        };
        let on = !h.host.status.pause_for_approval;
        h.host.status.pause_for_approval = on;
        h.control(Control::PauseForApproval { on });
        self.set_status(
            Level::Info,
            if on {
                "The clock will stop while a player-made inject waits for approval."
            } else {
                "The clock will keep running while injects wait for approval."
            },
        );
    }

    /// The server's state, as it last said.
    fn set_status_of_server(&mut self, status: ServerStatus) {
        let n = status.pending.len();
        if let Some(h) = self.session.hosted_mut() {
            h.host.status = status;
        }
        if let Some(Overlay::Approvals { selected, .. }) = &mut self.overlay {
            *selected = (*selected).min(n.saturating_sub(1));
        }
    }

    /// A protocol message from the server.
    fn server_message(&mut self, msg: ServerMsg) {
        if let ServerMsg::Message { message } = msg {
            return self.message_arrived(message);
        }
        let id = match &msg {
            ServerMsg::Ack { id, .. }
            | ServerMsg::Refused { id, .. }
            | ServerMsg::Done { id, .. }
            | ServerMsg::Delivered { id, .. } => *id,
            _ => return,
        };
        let Some(request) = self.session.hosted_mut().and_then(|h| h.answered(id)) else { return };
        match (request, msg) {
            (ClientMsg::Command { command, .. }, ServerMsg::Ack { seq, .. }) => {
                // The server journaled it: it waits for the next hour.
                self.waiting.push(Waiting { seq, command });
            }
            (ClientMsg::Command { .. }, ServerMsg::Refused { message, .. }) => {
                self.set_status(Level::Error, format!("Rejected: {message}."));
            }
            (ClientMsg::Cancel { seq, .. }, ServerMsg::Done { .. }) => self.cancelled(seq),
            (ClientMsg::Message { .. }, ServerMsg::Delivered { number, .. }) => {
                self.set_status(Level::Info, format!("Message #{number} sent."));
            }
            (ClientMsg::Message { .. }, ServerMsg::Refused { message, .. }) => {
                self.set_status(Level::Error, format!("Not sent: {message}."));
            }
            (_, ServerMsg::Refused { message, .. }) => {
                self.set_status(Level::Error, format!("Refused: {message}."));
            }
            (ClientMsg::Control { action, .. }, ServerMsg::Done { .. }) if quiet(&action) => {}
            (_, ServerMsg::Done { message, .. }) => {
                self.set_status(Level::Info, format!("Server: {message}."));
            }
            _ => {}
        }
    }

    /// A queued command was taken back: it no longer waits.
    pub(super) fn cancelled(&mut self, seq: u64) {
        if let Some(i) = self.waiting.iter().position(|w| w.seq == seq) {
            let w = self.waiting.remove(i);
            self.set_status(Level::Info, format!("Taken back: {}.", w.command.summary()));
        }
    }

    /// The held injects, as the server last said, with what each would do if approved now.
    pub fn held(&self) -> Vec<(&ttx_protocol::PendingInject, Vec<String>)> {
        let Some(h) = self.session.hosted() else { return Vec::new() };
        h.host
            .status
            .pending
            .iter()
            .map(|p| (p, self.sim().preview_command_inject(&p.command).unwrap_or_default()))
            .collect()
    }

    /// Takes a held inject off the list shown until the server's next word on it.
    fn decided(&mut self, number: u64, action: Control) {
        if let Some(h) = self.session.hosted_mut() {
            h.host.status.pending.retain(|p| p.pending != number);
            h.control(action);
        }
    }

    fn pending_numbers(&self) -> Vec<u64> {
        self.session
            .hosted()
            .map(|h| h.host.status.pending.iter().map(|p| p.pending).collect())
            .unwrap_or_default()
    }

    /// The approvals window: approve, or deny with a reason the cell is told.
    pub(super) fn update_approvals(&mut self, selected: usize, reason: Option<TextInput>, action: Action) {
        match reason {
            Some(mut reason) => {
                match action {
                    Action::Common(Common::Close) => {}
                    Action::Input(c) => reason.insert(c, ttx_engine::debrief::MAX_TEXT),
                    Action::Common(Common::Backspace) => reason.backspace(),
                    Action::Common(Common::Left) => reason.left(),
                    Action::Common(Common::Right) => reason.right(),
                    Action::Common(Common::Submit) => {
                        let pending = self.pending_numbers();
                        let number = pending.get(selected).copied();
                        let why = reason.text.trim().to_string();
                        if why.is_empty() {
                            self.set_status(
                                Level::Warn,
                                "Type why it is denied (the cell is told), then Enter.",
                            );
                        } else if let Some(number) = number {
                            self.decided(number, Control::Deny { pending: number, reason: Some(why) });
                            let n = pending.len();
                            self.overlay = Some(Overlay::Approvals {
                                selected: selected.min(n.saturating_sub(2)),
                                reason: None,
                            });
                            return;
                        }
                    }
                    _ => {}
                }
                let reason = (action != Action::Common(Common::Close)).then_some(reason);
                self.overlay = Some(Overlay::Approvals { selected, reason });
            }
            None => {
                let pending = self.pending_numbers();
                let n = pending.len();
                let mut reason = None;
                let selected = match action {
                    Action::Common(Common::Close) => return,
                    Action::Common(Common::Up) => selected.saturating_sub(1),
                    Action::Common(Common::Down) => (selected + 1).min(n.saturating_sub(1)),
                    Action::Approve => {
                        if let Some(number) = pending.get(selected).copied() {
                            self.decided(number, Control::Approve { pending: number });
                        }
                        selected.min(n.saturating_sub(2))
                    }
                    Action::Deny => {
                        // The reason is typed first; Enter sends the denial with it.
                        if pending.get(selected).is_some() {
                            reason = Some(TextInput::default());
                        }
                        selected
                    }
                    _ => selected,
                };
                self.overlay = Some(Overlay::Approvals { selected, reason });
            }
        }
    }
}

/// Control whose success the console does not announce (it said what it asked already).
fn quiet(action: &Control) -> bool {
    matches!(
        action,
        Control::Pause
            | Control::Resume
            | Control::Note { .. }
            | Control::EditNote { .. }
            | Control::DeleteNote { .. }
            | Control::PauseOnInject { .. }
            | Control::PauseForApproval { .. }
            | Control::Bookmark { .. }
    )
}
