//! Exercise control from the facilitator: the clock, approvals, notes, corrections, bookmarks.

use ttx_engine::Issuer;
use ttx_engine::journal::Record;

use super::history::decide;
use super::{Exercise, Refusal};
use crate::net::protocol::{Control, ServerMsg, TeamCommandState, frame};
use ttx_tui::console::Event;

impl Exercise {
    /// Carries out a control action; the answer in words, or why it was refused.
    pub(super) fn control(&mut self, action: Control) -> Result<String, Refusal> {
        match action {
            Control::Pause => {
                self.paused = true;
                self.approval_paused = false;
                Ok(format!("paused at {}", self.owner.sim().time()))
            }
            Control::Resume => self.resume(),
            Control::Step { ticks } => {
                if self.owner.sim().is_finished() {
                    return Err(Refusal::Ended);
                }
                if !(1..=100_000).contains(&ticks) {
                    return Err(Refusal::StepRange);
                }
                self.approval_paused = false;
                // An explicit step crosses into the next module if it starts right now.
                self.module = self.owner.sim().module();
                let done = self.advance(ticks)?;
                Ok(format!("stepped {done} h to {}", self.owner.sim().time()))
            }
            Control::Speed { ticks_per_second } => {
                if !(0.01..=1000.0).contains(&ticks_per_second) {
                    return Err(Refusal::SpeedRange);
                }
                self.config.ticks_per_second = ticks_per_second;
                Ok(format!("{ticks_per_second} simulated hours per second"))
            }
            Control::Approve { pending } => self.approve(pending),
            Control::Deny { pending, reason } => self.deny(pending, reason),
            Control::Note { text, question } => {
                let saved = self.note(text, question)?;
                if let Some(c) = self.owner.console() {
                    c.update(Event::Note(saved));
                }
                Ok("note recorded".into())
            }
            Control::EditNote { note, text } => self.change_note(note, Some(text)),
            Control::DeleteNote { note } => self.change_note(note, None),
            Control::Stop => {
                // The server is told once the answer has gone out (see `run`).
                self.stopping = true;
                Ok("stopping the session".into())
            }
            Control::Correct { inject, text } => self.correct(inject, text),
            Control::PauseForApproval { on } => {
                self.config.pause_for_approval = on;
                if on {
                    self.hold_clock();
                } else {
                    self.release_clock_now();
                }
                Ok(if on {
                    "the clock stops while a player-made inject waits for approval".into()
                } else {
                    "the clock keeps running while injects wait for approval".into()
                })
            }
            Control::Bookmark { text } => self.bookmark(text),
            Control::PauseOnInject { on } => {
                self.config.pause_on_inject = on;
                Ok(if on {
                    "the clock stops when a scripted inject fires".into()
                } else {
                    "the clock keeps running when injects fire".into()
                })
            }
        }
    }

    /// Runs the clock, unless injects wait for approval and the setting holds it until they
    /// are decided.
    fn resume(&mut self) -> Result<String, Refusal> {
        if self.owner.sim().is_finished() {
            return Err(Refusal::Ended);
        }
        self.discussion = None;
        if self.config.pause_for_approval && !self.pending.is_empty() {
            self.paused = true;
            self.approval_paused = true;
            let n = self.pending.len();
            return Ok(format!(
                "the clock runs once the {n} inject{} waiting for approval {} decided",
                if n == 1 { "" } else { "s" },
                if n == 1 { "is" } else { "are" }
            ));
        }
        self.paused = false;
        Ok(format!("running from {}", self.owner.sim().time()))
    }

    /// Lets a held inject go ahead: journaled as the cell's command, and the cell told.
    fn approve(&mut self, pending: u64) -> Result<String, Refusal> {
        let i = self.pending.iter().position(|p| p.number == pending);
        let Some(p) = i.map(|i| self.pending.remove(i)) else {
            return Err(Refusal::NotPending(pending));
        };
        if self.owner.sim().is_finished() {
            self.pending.push(p);
            return Err(Refusal::Ended);
        }
        let (tick, time) = self.record_time();
        let seq = self.submit(Issuer::Team(p.team.clone()), p.command.clone());
        let record = Record::Decided { tick, time, pending, approved: true, seq: Some(seq), reason: None };
        self.journal.write(&record);
        let f = frame(&ServerMsg::Decision { pending, approved: true, seq: Some(seq), reason: None });
        self.decisions.push((p.team.clone(), f));
        let time = self.owner.sim().time().to_string();
        self.record_command(&p.team, |list| {
            if let Some(c) = list.iter_mut().find(|c| c.state == TeamCommandState::Held { pending }) {
                c.state = TeamCommandState::Accepted { seq, time };
            }
        });
        self.release_clock();
        Ok(format!("approved #{pending} from {}: {}", p.team, p.command.summary()))
    }

    /// Refuses a held inject, telling the cell why when a reason is given.
    fn deny(&mut self, pending: u64, reason: Option<String>) -> Result<String, Refusal> {
        let i = self.pending.iter().position(|p| p.number == pending);
        let Some(p) = i.map(|i| self.pending.remove(i)) else {
            return Err(Refusal::NotPending(pending));
        };
        let (tick, time) = self.record_time();
        let record =
            Record::Decided { tick, time, pending, approved: false, seq: None, reason: reason.clone() };
        self.journal.write(&record);
        let f = frame(&ServerMsg::Decision { pending, approved: false, seq: None, reason: reason.clone() });
        self.decisions.push((p.team.clone(), f));
        self.record_command(&p.team, |list| decide(list, pending, false, None, reason));
        self.release_clock();
        Ok(format!("denied #{pending} from {}", p.team))
    }

    /// Journals a discussion note; returns it as the console lists it.
    pub(super) fn note(
        &mut self,
        text: String,
        question: Option<usize>,
    ) -> Result<ttx_tui::console::SavedNote, Refusal> {
        ttx_engine::notes::check_note(&text)?;
        let reg = self.owner.sim().registry();
        let module = self.owner.sim().module().map(|m| &reg.modules[m.ix()]);
        let question_text = module.and_then(|m| question.and_then(|q| m.questions.get(q).cloned()));
        let tick = self.owner.sim().now();
        let time = reg.clock.at(tick.min(self.owner.sim().last_tick()));
        let saved = ttx_tui::console::SavedNote {
            module: self.owner.sim().module().map_or(0, |m| m.ix()),
            question,
            time,
            text: text.clone(),
            edited: false,
            deleted: false,
        };
        let note = Record::Note {
            tick: tick.0,
            time: time.to_string(),
            module: module.map(|m| m.id.clone()),
            question,
            question_text,
            author: Some("facilitator".into()),
            text: text.clone(),
        };
        self.journal.write(&note);
        self.notes.push(Some(text));
        Ok(saved)
    }

    /// Journals a note's new text, or its deletion, naming the note by its number.
    pub(super) fn change_note(&mut self, note: u64, text: Option<String>) -> Result<String, Refusal> {
        let count = self.notes.len();
        let slot = usize::try_from(note)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| self.notes.get_mut(i))
            .ok_or(Refusal::NoSuchNote { note, count })?;
        if slot.is_none() {
            return Err(Refusal::NoteDeleted(note));
        }
        if let Some(t) = &text {
            ttx_engine::notes::check_note(t)?;
        }
        let text = text.map(|t| t.trim().to_string());
        *slot = text.clone();
        let (tick, time) = self.record_time();
        match text {
            Some(text) => {
                self.journal.write(&Record::NoteEdited { tick, time, note, text });
                Ok(format!("note {note} edited"))
            }
            None => {
                self.journal.write(&Record::NoteDeleted { tick, time, note });
                Ok(format!("note {note} deleted"))
            }
        }
    }

    /// Journals a correction to a fired inject and tells the teams that received it (after
    /// the journal holds it).
    pub(super) fn correct(&mut self, inject: String, text: String) -> Result<String, Refusal> {
        ttx_engine::debrief::check_correction(&text)?;
        let views = self.owner.sim().inject_views();
        let Some(iv) = views.iter().find(|v| v.id == inject) else {
            let inject: String = inject.chars().take(60).collect();
            return Err(Refusal::NoSuchInject(inject));
        };
        if iv.fired_at.is_none() {
            return Err(Refusal::NotFired { inject, state: iv.state.clone() });
        }
        let (tick, time) = self.record_time();
        let text = text.trim().to_string();
        self.journal.write(&Record::Correction {
            tick,
            time: time.clone(),
            inject: inject.clone(),
            text: text.clone(),
        });
        let f = frame(&ServerMsg::Correction { inject, title: iv.title.clone(), time, text });
        let teams: Vec<String> =
            if iv.teams.is_empty() { self.teams.keys().cloned().collect() } else { iv.teams.clone() };
        let n = teams.len();
        for t in teams {
            self.decisions.push((t, f.clone()));
        }
        Ok(format!(
            "correction to \"{}\" recorded and sent to {n} team{}",
            iv.title,
            if n == 1 { "" } else { "s" }
        ))
    }

    /// Journals a bookmark at this moment.
    pub(super) fn bookmark(&mut self, text: String) -> Result<String, Refusal> {
        let text = text.trim().to_string();
        if text.is_empty() || text.chars().count() > ttx_engine::talk::MAX_SIGNATURE * 2 {
            return Err(Refusal::Bookmark);
        }
        let (tick, time) = self.record_time();
        self.journal.write(&Record::Bookmark { tick, time: time.clone(), text: text.clone() });
        Ok(format!("bookmarked {time}: {text}"))
    }
}
