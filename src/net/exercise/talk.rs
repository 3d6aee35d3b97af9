//! Talk between the cells and exercise control, and the debrief: hot-wash items, feedback forms,
//! and commands taken back.

use ttx_engine::debrief::check_hot_wash;
use ttx_engine::journal::Record;
use ttx_engine::talk::{Message, MessageChannel, Party};

use super::{DebriefRequest, Exercise, Refusal};
use crate::net::protocol::{ServerMsg, TeamCommandState, frame};
use ttx_tui::console::Event;

impl Exercise {
    /// Checks and journals a message (it is delivered once the journal holds it); returns its
    /// number, or why it was refused.
    pub(super) fn message(
        &mut self,
        team: Option<String>,
        to: Party,
        channel: MessageChannel,
        text: String,
        signed: Option<String>,
    ) -> Result<u64, Refusal> {
        let from = match &team {
            Some(t) => Party::Team(t.clone()),
            None => Party::Control,
        };
        match (&from, &to) {
            (_, Party::Team(t)) if !self.teams.contains_key(t) => {
                let t: String = t.chars().take(40).collect();
                return Err(Refusal::NoSuchTeam(t));
            }
            (Party::Team(a), Party::Team(b)) if a == b => {
                return Err(Refusal::ToItself);
            }
            (Party::Control, Party::Control) => {
                return Err(Refusal::ControlToControl);
            }
            (Party::Team(_), _) if signed.is_some() => {
                return Err(Refusal::TeamSigned);
            }
            (Party::Control, _) if signed.is_none() => {
                return Err(Refusal::Unsigned);
            }
            _ => {}
        }
        ttx_engine::talk::check_text(&text, signed.as_deref())?;
        let (tick, time) = self.record_time();
        let number = self.messages.last().map_or(1, |m| m.number + 1);
        let message = Message { number, tick, time, from, to, channel, signed, text };
        self.journal.write(&Record::Message { message: message.clone() });
        self.messages.push(message.clone());
        self.undelivered.push(message);
        // A joiner's full view carries the message from now on.
        for t in
            [self.messages.last().and_then(|m| m.from.team()), self.messages.last().and_then(|m| m.to.team())]
                .into_iter()
                .flatten()
                .map(str::to_string)
                .collect::<Vec<_>>()
        {
            if let Some(p) = self.teams.get_mut(&t) {
                p.full = None;
            }
        }
        Ok(number)
    }

    /// Sends the messages the journal now holds to the consoles of the teams at either end,
    /// to the facilitator's, and to the console in this terminal.
    pub(super) fn deliver(&mut self) {
        for m in std::mem::take(&mut self.undelivered) {
            let f = frame(&ServerMsg::Message { message: m.clone() });
            for t in [m.from.team(), m.to.team()].into_iter().flatten() {
                if let Some(p) = self.teams.get(t)
                    && p.tx.receiver_count() > 0
                {
                    let _ = p.tx.send(f.clone());
                }
            }
            if self.facilitator.tx.receiver_count() > 0 {
                let _ = self.facilitator.tx.send(f);
            }
            if let Some(c) = self.owner.console() {
                c.update(Event::Server(ServerMsg::Message { message: m }));
            }
        }
    }

    /// The module a debrief entry belongs to: the one being discussed at a break, else the
    /// current one; none once the exercise has ended.
    pub(super) fn debrief_module(&self) -> Option<String> {
        let sim = self.owner.sim();
        if sim.is_finished() {
            return None;
        }
        let m = self.discussion.filter(|_| self.paused).or(sim.module())?;
        sim.registry().modules.get(m.ix()).map(|m| m.id.clone())
    }

    /// Journals a hot-wash item or a feedback form, or takes back a command; the answer in words.
    pub(super) fn debrief(
        &mut self,
        team: Option<String>,
        request: DebriefRequest,
    ) -> Result<String, Refusal> {
        let (tick, time) = self.record_time();
        let module = self.debrief_module();
        match request {
            DebriefRequest::HotWash { kind, text } => {
                check_hot_wash(&text)?;
                let text = text.trim().to_string();
                self.journal.write(&Record::HotWash { tick, time, module, team, kind, text });
                Ok(format!("hot-wash item recorded ({})", kind.heading().to_lowercase()))
            }
            DebriefRequest::Feedback(form) => {
                let Some(team) = team else {
                    return Err(Refusal::FeedbackFromControl);
                };
                form.check()?;
                self.journal.write(&Record::Feedback { tick, time, module, team, form });
                Ok("feedback form recorded; thank you".into())
            }
            DebriefRequest::Cancel(seq) => {
                if let Some(t) = &team {
                    let own = self.history.get(t).is_some_and(|list| {
                        list.iter()
                            .any(|c| matches!(c.state, TeamCommandState::Accepted { seq: s, .. } if s == seq))
                    });
                    if !own {
                        return Err(Refusal::NotOwnCommand { seq, team: t.clone() });
                    }
                }
                if !self.cancel(seq) {
                    return Err(Refusal::AlreadyApplied(seq));
                }
                Ok(format!("command {seq} taken back before it applied"))
            }
        }
    }
}
