//! Hosting by `ttx serve`: what the console shows of the server (join codes, consoles
//! connected, held injects, the server's clock), what it asks of the server
//! ([`HostRequest`]), the calls through which the program feeds the server's news in, and
//! the approvals window.

use std::collections::BTreeMap;

use ttx_engine::Sim;
use ttx_engine::command::Command;
use ttx_engine::debrief::HotWashKind;

use super::{Console, Level, Overlay, Waiting};
use crate::input::TextInput;
use crate::keys::Action;

/// What a console hosted by `ttx serve` shows of the server: join codes, consoles
/// connected, held injects, and the server's clock.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Host {
    /// Where consoles connect.
    pub address: String,
    /// One join code per team, and the facilitator's control connection (team `None`).
    pub codes: Vec<JoinCode>,
    /// Consoles connected per team.
    pub consoles: BTreeMap<String, usize>,
    /// Facilitator control connections.
    pub facilitators: usize,
    /// Player-made injects waiting for approval.
    pub pending: Vec<HeldInject>,
    /// The server's clock is stopped.
    pub paused: bool,
    /// The server's speed in simulated hours per real second.
    pub ticks_per_second: f64,
    /// The server stops its clock when a scripted inject fires.
    pub pause_on_inject: bool,
    /// The server stops its clock while a player-made inject waits for approval.
    pub pause_for_approval: bool,
}

/// A team's join code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinCode {
    /// Team id, or none for the facilitator's control connection.
    pub team: Option<String>,
    /// Team name.
    pub name: String,
    /// The code.
    pub code: String,
    /// The code of the read-only room displays (`ttx join --observer`).
    pub observer: bool,
}

/// A player-made inject the server holds for the facilitator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldInject {
    /// Its number on the server.
    pub number: u64,
    /// The team that made it.
    pub team: String,
    /// What it would do.
    pub summary: String,
    /// What it would do if approved now: its title, what the players are told, its effects
    /// with the targets they would pick.
    pub preview: Vec<String>,
}

/// What a hosted console asks of the server that owns the clock and the journal.
#[derive(Clone, Debug, PartialEq)]
pub enum HostRequest {
    /// Stop the clock.
    Pause,
    /// Run the clock.
    Resume,
    /// Simulate this many hours now (stopping at a module break).
    Step(u32),
    /// Set the speed, in simulated hours per real second.
    Speed(f64),
    /// Submit a command as the facilitator (the server journals it, then calls [`Console::queued`]).
    Command(Command),
    /// Journal a discussion note for the current module.
    Note {
        /// The note.
        text: String,
        /// The question it answers, none for a general note.
        question: Option<usize>,
    },
    /// Approve a held inject.
    Approve(u64),
    /// Deny a held inject, with the reason the cell is told.
    Deny(u64, String),
    /// Stop the clock when a scripted inject fires (or keep it running).
    PauseOnInject(bool),
    /// Take back a queued command of the facilitator's before it applies (the server journals
    /// it, then calls [`Console::cancelled`]).
    Cancel(u64),
    /// Stop the clock while a player-made inject waits for approval (or keep it running).
    PauseForApproval(bool),
    /// Journal a hot-wash item for the room.
    HotWash {
        /// Strength or area for improvement.
        kind: HotWashKind,
        /// The item.
        text: String,
    },
    /// Journal a bookmark at this moment.
    Bookmark(String),
    /// Journal a note's new text (notes are numbered from 1 in the order the journal holds them).
    EditNote {
        /// The note's number.
        note: u64,
        /// Its new text.
        text: String,
    },
    /// Journal a note's deletion.
    DeleteNote {
        /// The note's number.
        note: u64,
    },
    /// Journal a correction to a fired inject and tell the teams that received it.
    Correct {
        /// The inject's id.
        inject: String,
        /// The correction.
        text: String,
    },
    /// Send a message to a team, signed as an organisation.
    Message {
        /// The addressee.
        to: ttx_engine::talk::Party,
        /// How it is sent.
        channel: ttx_engine::talk::MessageChannel,
        /// The organisation it is signed as.
        signed: Option<String>,
        /// The text.
        text: String,
    },
}

impl Console {
    /// Whether the server stops its clock while a player-made inject waits for approval.
    pub(super) fn toggle_pause_for_approval(&mut self) {
        match &mut self.host {
            None => self.set_status(
                Level::Warn,
                "Injects wait for approval only in a served session (ttx serve --approve-injects).",
            ),
            Some(h) => {
                let on = !h.pause_for_approval;
                h.pause_for_approval = on;
                self.requests.push(HostRequest::PauseForApproval(on));
                self.set_status(
                    Level::Info,
                    if on {
                        "The clock will stop while a player-made inject waits for approval."
                    } else {
                        "The clock will keep running while injects wait for approval."
                    },
                );
            }
        }
    }

    /// What the server shows, when the console is hosted by `ttx serve`.
    pub fn host(&self) -> Option<&Host> {
        self.host.as_ref()
    }

    /// The server's news: consoles, held injects, its clock.
    pub fn set_host(
        &mut self,
        consoles: BTreeMap<String, usize>,
        facilitators: usize,
        pending: Vec<HeldInject>,
    ) {
        if let Some(h) = &mut self.host {
            h.consoles = consoles;
            h.facilitators = facilitators;
            h.pending = pending;
        }
        if let Some(Overlay::Approvals { selected, .. }) = &mut self.overlay {
            let n = self.host.as_ref().map_or(0, |h| h.pending.len());
            *selected = (*selected).min(n.saturating_sub(1));
        }
    }

    /// The server's clock: stopped or not, its speed, and whether it stops when a scripted
    /// inject fires.
    pub fn set_host_clock(&mut self, paused: bool, ticks_per_second: f64, pause_on_inject: bool) {
        if let Some(h) = &mut self.host {
            h.paused = paused;
            h.ticks_per_second = ticks_per_second;
            h.pause_on_inject = pause_on_inject;
        }
    }

    /// Whether the server stops its clock while a player-made inject waits for approval.
    pub fn set_pause_for_approval(&mut self, on: bool) {
        if let Some(h) = &mut self.host {
            h.pause_for_approval = on;
        }
    }

    /// The server stopped its clock because a scripted inject fired: says so as `ttx play` does.
    pub fn host_paused_on_inject(&mut self) {
        if let Some(h) = &mut self.host {
            h.paused = true;
        }
        let title = self.last_fired_title().unwrap_or_default();
        self.set_status(Level::Warn, format!("Paused, Space resumes. Inject fired: {title}"));
    }

    /// Takes what the console asked of the server since the last call.
    pub fn take_requests(&mut self) -> Vec<HostRequest> {
        std::mem::take(&mut self.requests)
    }

    /// The server journaled a command the console asked for: it waits for the next hour.
    pub fn queued(&mut self, seq: u64, command: Command) {
        self.waiting.push(Waiting { seq, command });
    }

    /// The server took back a queued command: it no longer waits.
    pub fn cancelled(&mut self, seq: u64) {
        if let Some(i) = self.waiting.iter().position(|w| w.seq == seq) {
            let w = self.waiting.remove(i);
            self.set_status(Level::Info, format!("Taken back: {}.", w.command.summary()));
        }
    }

    /// A message from the server about what the console asked.
    pub fn host_message(&mut self, error: bool, text: impl Into<String>) {
        self.set_status(if error { Level::Error } else { Level::Info }, text);
    }

    /// The simulation, for the server that hosts the console (it steps it and submits commands).
    pub fn sim_mut(&mut self) -> &mut Sim {
        &mut self.sim
    }

    /// After the server moved the clock: outcomes, fresh views, module breaks.
    pub fn moved(&mut self) {
        self.after_move();
        self.outbox.clear();
    }

    pub(super) fn ask(&mut self, r: HostRequest) {
        self.requests.push(r);
    }

    /// The approvals window: approve, or deny with a reason the cell is told.
    pub(super) fn update_approvals(&mut self, selected: usize, reason: Option<TextInput>, action: Action) {
        match reason {
            Some(mut reason) => {
                match action {
                    Action::Close => {}
                    Action::Input(c) => reason.insert(c, ttx_engine::debrief::MAX_TEXT),
                    Action::Backspace => reason.backspace(),
                    Action::Left => reason.left(),
                    Action::Right => reason.right(),
                    Action::Submit => {
                        let number =
                            self.host.as_ref().and_then(|h| h.pending.get(selected)).map(|p| p.number);
                        let why = reason.text.trim().to_string();
                        if why.is_empty() {
                            self.set_status(
                                Level::Warn,
                                "Type why it is denied (the cell is told), then Enter.",
                            );
                        } else if let Some(number) = number {
                            self.ask(HostRequest::Deny(number, why));
                            let n = self.host.as_ref().map_or(0, |h| h.pending.len());
                            if let Some(h) = &mut self.host {
                                h.pending.retain(|p| p.number != number);
                            }
                            self.overlay = Some(Overlay::Approvals {
                                selected: selected.min(n.saturating_sub(2)),
                                reason: None,
                            });
                            return;
                        }
                    }
                    _ => {}
                }
                let reason = (action != Action::Close).then_some(reason);
                self.overlay = Some(Overlay::Approvals { selected, reason });
            }
            None => {
                let pending: Vec<u64> = self
                    .host
                    .as_ref()
                    .map(|h| h.pending.iter().map(|p| p.number).collect())
                    .unwrap_or_default();
                let n = pending.len();
                let mut reason = None;
                let selected = match action {
                    Action::Close => return,
                    Action::Up => selected.saturating_sub(1),
                    Action::Down => (selected + 1).min(n.saturating_sub(1)),
                    Action::Approve => {
                        if let Some(number) = pending.get(selected).copied() {
                            self.ask(HostRequest::Approve(number));
                            if let Some(h) = &mut self.host {
                                h.pending.retain(|p| p.number != number);
                            }
                        }
                        selected.min(n.saturating_sub(2))
                    }
                    Action::Deny => {
                        // The reason is typed first; Enter sends the denial with it.
                        if pending.get(selected).is_some() {
                            reason = Some(crate::input::TextInput::default());
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
