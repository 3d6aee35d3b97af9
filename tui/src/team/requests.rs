//! The team's own commands: sending them, what the server answered, the record the server
//! keeps of them (restored on joining again), and taking the latest back.

use ttx_engine::ETime;
use ttx_engine::command::{Command, CommandOutcome};
use ttx_engine::time::Clock;
use ttx_protocol::{ClientMsg, ServerMsg, TeamCommand, TeamCommandState};

use super::{Level, REQUESTS_KEPT, TeamConsole};

/// Where one of the console's commands stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestState {
    /// Waiting to be sent, or for the server's answer.
    Sent,
    /// In the journal; applies at the hour given.
    Accepted {
        /// Sequence number.
        seq: u64,
        /// When it applies, if the server said.
        time: Option<String>,
    },
    /// Refused by the server, with its reason.
    Refused(String),
    /// Waiting for the facilitator's approval.
    Held(u64),
    /// Denied by the facilitator.
    Denied(Option<String>),
    /// No answer came before the connection broke.
    Unconfirmed,
    /// Taken back before it applied (sequence number).
    Cancelled(u64),
}

impl From<TeamCommandState> for RequestState {
    /// The server's record of a command, as the console lists it (an empty time: not said).
    fn from(state: TeamCommandState) -> RequestState {
        match state {
            TeamCommandState::Accepted { seq, time } => {
                RequestState::Accepted { seq, time: Some(time).filter(|t| !t.is_empty()) }
            }
            TeamCommandState::Held { pending } => RequestState::Held(pending),
            TeamCommandState::Denied { reason, .. } => RequestState::Denied(reason),
            TeamCommandState::Cancelled { seq } => RequestState::Cancelled(seq),
        }
    }
}

/// A command this console sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The console's number for it.
    pub id: u64,
    /// The command.
    pub command: Command,
    /// The scenario clock when it was sent.
    pub at: ETime,
    /// Where it stands.
    pub state: RequestState,
}

impl Request {
    /// What became of it, in words, using the team's outcomes for the final word.
    pub fn verdict(&self, outcomes: &[CommandOutcome], clock: Clock) -> (String, Level) {
        match &self.state {
            RequestState::Sent => ("sent, waiting for the server".into(), Level::Info),
            RequestState::Accepted { seq, time } => match outcomes.iter().find(|o| o.seq == *seq) {
                Some(o) => match &o.result {
                    Ok(()) => (format!("applied at {}", clock.at(o.tick)), Level::Info),
                    Err(r) => (format!("rejected at {}: {r}", clock.at(o.tick)), Level::Error),
                },
                None => match time {
                    Some(t) => (format!("accepted, applies at {t}"), Level::Info),
                    None => ("accepted, applies at the next hour".into(), Level::Info),
                },
            },
            RequestState::Refused(m) => (format!("refused: {m}"), Level::Error),
            RequestState::Held(p) => (format!("waits for the facilitator's approval (#{p})"), Level::Warn),
            RequestState::Denied(r) => match r {
                Some(r) => (format!("denied by the facilitator: {r}"), Level::Error),
                None => ("denied by the facilitator".into(), Level::Error),
            },
            RequestState::Unconfirmed => {
                ("no answer before the connection broke: check before sending it again".into(), Level::Warn)
            }
            RequestState::Cancelled(_) => ("taken back before it applied".into(), Level::Info),
        }
    }
}

impl TeamConsole {
    /// Takes back the team's latest command that waits to apply (`u`).
    pub(super) fn cancel_latest(&mut self) {
        let applied = |seq: u64| self.view.outcomes.iter().any(|o| o.seq == seq);
        let latest = self.requests.iter().rev().find_map(|r| match r.state {
            RequestState::Accepted { seq, .. } if !applied(seq) => Some((seq, r.command.summary())),
            _ => None,
        });
        match latest {
            Some((seq, summary)) => {
                let id = self.next_id();
                self.send_debrief(id, ClientMsg::Cancel { id, seq });
                self.set_status(Level::Info, format!("Taking back: {summary}..."));
            }
            None => self.set_status(Level::Warn, "No command of yours waits to apply."),
        }
    }

    /// Takes the server's record of the team's commands and the lowest confidence so far (with
    /// a full view, on joining or joining again). What the server recorded replaces this
    /// console's own entries for the same commands; what only this console knows stays: commands
    /// still waiting for an answer, refused, or unanswered when the connection broke (one the
    /// server recorded under the same command is taken as recorded).
    pub(super) fn restore(&mut self, history: Vec<TeamCommand>, confidence_low: Option<f64>) {
        if confidence_low.is_some() {
            self.confidence_low = confidence_low;
        }
        let mut local: Vec<Request> = std::mem::take(&mut self.requests)
            .into_iter()
            .filter(|r| {
                matches!(r.state, RequestState::Sent | RequestState::Refused(_) | RequestState::Unconfirmed)
            })
            .collect();
        let mut merged: Vec<Request> = Vec::new();
        for TeamCommand { command, at, state } in history {
            let state = RequestState::from(state);
            let mut id = 0;
            if let Some(i) =
                local.iter().position(|r| r.state == RequestState::Unconfirmed && r.command == command)
            {
                id = local.remove(i).id;
            }
            merged.push(Request { id, command, at, state });
        }
        merged.extend(local);
        merged.sort_by_key(|r| r.at);
        if merged.len() > REQUESTS_KEPT {
            merged.drain(..merged.len() - REQUESTS_KEPT);
        }
        self.requests = merged;
    }

    /// Takes the server's answer to one of the console's requests (`ack`, `refused`, `held`,
    /// `done`, `decision`); other messages are not answers and change nothing here.
    pub(super) fn answer(&mut self, msg: ServerMsg) {
        let (text, level) = match msg {
            ServerMsg::Ack { id, seq, time, .. } => {
                let Some(r) = self.request_mut(id) else { return };
                r.state = RequestState::Accepted { seq, time: Some(time.clone()) };
                (format!("Accepted: {}. It applies at {time}.", r.command.summary()), Level::Info)
            }
            ServerMsg::Done { id, message } => {
                if !self.debrief_sent.contains(&id) {
                    return;
                }
                self.debrief_sent.retain(|x| *x != id);
                self.settle_cancel(&message);
                (format!("Recorded: {message}."), Level::Info)
            }
            ServerMsg::Refused { id, message, .. } if self.debrief_sent.contains(&id) => {
                self.debrief_sent.retain(|x| *x != id);
                (format!("Not recorded: {message}."), Level::Error)
            }
            ServerMsg::Refused { id, message, .. } => {
                let Some(r) = self.request_mut(id) else { return };
                r.state = RequestState::Refused(message.clone());
                (format!("Refused: {}: {message}.", r.command.summary()), Level::Error)
            }
            ServerMsg::Held { id, pending } => {
                let Some(r) = self.request_mut(id) else { return };
                r.state = RequestState::Held(pending);
                (
                    format!(
                        "Held for the facilitator's approval (#{pending}): {}. You will see the decision here.",
                        r.command.summary()
                    ),
                    Level::Warn,
                )
            }
            ServerMsg::Decision { pending, approved, seq, reason } => {
                let Some(r) = self.requests.iter_mut().rev().find(|r| r.state == RequestState::Held(pending))
                else {
                    return;
                };
                if approved {
                    r.state = RequestState::Accepted { seq: seq.unwrap_or(u64::MAX), time: None };
                    (
                        format!(
                            "The facilitator approved #{pending}: {}. It applies at the next hour.",
                            r.command.summary()
                        ),
                        Level::Info,
                    )
                } else {
                    r.state = RequestState::Denied(reason.clone());
                    let why = reason.map(|r| format!(": {r}")).unwrap_or_default();
                    (
                        format!("The facilitator denied #{pending}: {}{why}.", r.command.summary()),
                        Level::Error,
                    )
                }
            }
            _ => return,
        };
        self.note_on_form(&text, level);
        self.set_status(level, text);
    }

    /// The connection broke before these requests were answered: they may or may not have
    /// been recorded.
    pub(super) fn unconfirmed(&mut self, ids: &[u64]) {
        let mut n = 0;
        for r in self.requests.iter_mut().filter(|r| ids.contains(&r.id) && r.state == RequestState::Sent) {
            r.state = RequestState::Unconfirmed;
            n += 1;
        }
        if n == 0 {
            return;
        }
        let text = format!(
            "{n} command{} had no answer before the connection broke: check your commands (4) before sending again.",
            if n == 1 { "" } else { "s" }
        );
        self.note_on_form(&text, Level::Warn);
        self.set_status(Level::Warn, text);
    }

    /// A cancel was carried out: the command it took back is marked so.
    pub(super) fn settle_cancel(&mut self, message: &str) {
        let seq =
            message.strip_prefix("command ").and_then(|m| m.split(' ').next()).and_then(|n| n.parse().ok());
        if let Some(seq) = seq
            && message.contains("taken back")
            && let Some(r) = self
                .requests
                .iter_mut()
                .find(|r| matches!(r.state, RequestState::Accepted { seq: s, .. } if s == seq))
        {
            r.state = RequestState::Cancelled(seq);
        }
    }

    pub(super) fn request_mut(&mut self, id: u64) -> Option<&mut Request> {
        self.requests.iter_mut().rev().find(|r| r.id == id)
    }

    /// Gives a command as the team: it goes into the outbox for the caller to send. Returns
    /// the console's number for it.
    pub(super) fn submit(&mut self, command: Command) -> u64 {
        let id = self.next_id();
        self.outbox.push(ClientMsg::Command { id, command: command.clone() });
        let at = self.time();
        self.requests.push(Request { id, command, at, state: RequestState::Sent });
        if self.requests.len() > REQUESTS_KEPT {
            self.requests.drain(..self.requests.len() - REQUESTS_KEPT);
        }
        id
    }
}
