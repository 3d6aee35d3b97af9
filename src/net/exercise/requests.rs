//! The connections' requests, taken in batches: joins and leaves, commands (held for approval
//! when the setting says), and the answers that wait until the journal is on disk.

use bytes::Bytes;
use tokio::sync::oneshot;
use ttx_engine::journal::Record;
use ttx_engine::{Command, Issuer};

use super::{Deferred, Exercise, ExerciseError, Joined, Pending, Refusal, Request};
use crate::net::protocol::{Control, ServerMsg, TeamCommand, TeamCommandState, frame, now_us};
use ttx_tui::console::Event;

impl Exercise {
    /// Takes a batch of requests, journals what they change in one commit, then publishes and
    /// answers (updates before answers).
    pub(super) fn handle(&mut self, batch: Vec<Request>) -> Result<(), ExerciseError> {
        let mut deferred: Deferred = Vec::new();
        let mut stepped = false;
        for req in batch {
            match req {
                Request::Join { observer: true, reply, .. } => {
                    self.observers += 1;
                    let joined = self.join_observer();
                    deferred.push(Box::new(move || {
                        let _ = reply.send(joined);
                    }));
                }
                Request::Join { team, reply, .. } => self.join(team, reply, &mut deferred),
                Request::Leave { observer: true, .. } => self.observers = self.observers.saturating_sub(1),
                Request::Message { team, id, to, channel, text, signed, reply } => {
                    let sent = self.message(team, to, channel, text, signed);
                    answer_later(
                        &mut deferred,
                        reply,
                        answer(id, sent.map(|number| ServerMsg::Delivered { id, number })),
                    );
                }
                Request::Leave { team, .. } => match team {
                    Some(t) => {
                        if let Some(n) = self.consoles.get_mut(&t) {
                            *n = n.saturating_sub(1);
                        }
                    }
                    None => self.facilitators = self.facilitators.saturating_sub(1),
                },
                Request::Command { team, id, command, reply } => {
                    answer_later(&mut deferred, reply, self.command(team, id, command));
                }
                Request::Notice { text } => match self.owner.console() {
                    Some(c) => c.update(Event::Notice(text)),
                    None => eprintln!("ttx serve: {text}"),
                },
                Request::Debrief { team, id, request, reply } => {
                    let done = self.debrief(team, request);
                    answer_later(
                        &mut deferred,
                        reply,
                        answer(id, done.map(|message| ServerMsg::Done { id, message })),
                    );
                }
                Request::Control { id, action, reply } => {
                    if matches!(action, Control::Step { .. }) {
                        self.tick_started_us = now_us();
                        stepped = true;
                    }
                    let done = self.control(action);
                    answer_later(
                        &mut deferred,
                        reply,
                        answer(id, done.map(|message| ServerMsg::Done { id, message })),
                    );
                }
            }
        }
        self.commit()?;
        // Updates before answers: a console told "stepped" already has the new hour's view.
        if stepped {
            self.publish();
        } else {
            self.facilitator_stale = true;
        }
        for f in deferred {
            f();
        }
        self.sync_console();
        Ok(())
    }

    /// A team or facilitator console joins (a team console staffs its team); it is answered
    /// once the journal holds what that changed.
    pub(super) fn join(
        &mut self,
        team: Option<String>,
        reply: oneshot::Sender<Joined>,
        deferred: &mut Deferred,
    ) {
        let joined = match &team {
            Some(t) => {
                *self.consoles.entry(t.clone()).or_insert(0) += 1;
                if !self.staffed.contains(t) && !self.owner.sim().is_finished() {
                    // A staffed team's actors stop following doctrine: the players decide.
                    let cmd = Command::SetStaffed { team: t.clone(), staffed: true };
                    self.submit(Issuer::Facilitator, cmd);
                    self.staffed.insert(t.clone());
                }
                self.join_team(t)
            }
            None => {
                self.facilitators += 1;
                self.join_facilitator()
            }
        };
        if let Some(j) = joined {
            deferred.push(Box::new(move || {
                let _ = reply.send(j);
            }));
        }
    }

    /// Journals a command for the next tick (commit before telling anyone); returns its sequence number.
    pub(super) fn submit(&mut self, issuer: Issuer, command: Command) -> u64 {
        let tick = self.owner.sim().now();
        let seq = self.owner.sim_mut().submit(issuer.clone(), command.clone());
        self.journal.write(&Record::submitted(self.owner.sim().registry(), tick, &issuer, seq, &command));
        seq
    }

    /// The acknowledgement of a command journaled for the next tick.
    pub(super) fn ack(&self, id: u64, seq: u64) -> ServerMsg {
        let tick = self.owner.sim().now();
        ServerMsg::Ack { id, seq, tick: tick.0, time: self.owner.sim().registry().clock.at(tick).to_string() }
    }

    /// A console's command: refused, held for approval, or journaled; the answer as a frame.
    pub(super) fn command(&mut self, team: Option<String>, id: u64, command: Command) -> Bytes {
        let issuer = match &team {
            Some(t) => Issuer::Team(t.clone()),
            None => Issuer::Facilitator,
        };
        if self.owner.sim().is_finished() {
            let r = ttx_engine::Rejection::Ended;
            return frame(&ServerMsg::Refused { id, message: r.to_string(), rejection: Some(r) });
        }
        if let Err(r) = self.owner.sim().check(&issuer, &command) {
            return frame(&ServerMsg::Refused { id, message: r.to_string(), rejection: Some(r) });
        }
        if let (Some(t), true, Command::InjectFromTemplate { .. }) =
            (&team, self.config.approve_injects, &command)
        {
            let number = self.next_pending;
            self.next_pending += 1;
            let (tick, time) = self.record_time();
            self.journal.write(&Record::Held {
                tick,
                time,
                pending: number,
                team: t.clone(),
                command: command.clone(),
            });
            let at = self.owner.sim().time();
            let entry = TeamCommand {
                command: command.clone(),
                at,
                state: TeamCommandState::Held { pending: number },
            };
            self.record_command(t, |list| list.push(entry));
            self.pending.push(Pending { number, team: t.clone(), command });
            self.hold_clock();
            return frame(&ServerMsg::Held { id, pending: number });
        }
        let seq = self.submit(issuer, command.clone());
        let ack = self.ack(id, seq);
        if let (Some(t), ServerMsg::Ack { time, .. }) = (&team, &ack) {
            let at = self.owner.sim().time();
            let state = TeamCommandState::Accepted { seq, time: time.clone() };
            self.record_command(t, |list| list.push(TeamCommand { command, at, state }));
        }
        frame(&ack)
    }
}

/// The answer to a request: what was done, or why it was refused, as a frame.
fn answer(id: u64, result: Result<ServerMsg, Refusal>) -> Bytes {
    frame(&result.unwrap_or_else(|r| ServerMsg::Refused { id, message: r.to_string(), rejection: None }))
}

/// Sends an answer once the journal holds what the request changed.
fn answer_later(deferred: &mut Deferred, reply: oneshot::Sender<Bytes>, answer: Bytes) {
    deferred.push(Box::new(move || {
        let _ = reply.send(answer);
    }));
}
