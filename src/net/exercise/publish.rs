//! What the consoles are sent: full views for those joining, per-tick deltas, the clock, the
//! room displays' view, the server's status, and the end of the session.

use bytes::Bytes;
use ttx_engine::Severity;
use ttx_engine::talk::Message;
use ttx_engine::view::LogLine;

use super::Exercise;
use super::Joined;
use super::history::recent;
use crate::net::diff::{diff_facilitator, diff_team};
use crate::net::protocol::{ExerciseClock, PendingInject, ServerMsg, ServerStatus, frame};

/// How many of the most recent messages a full view carries.
pub const MESSAGES_SENT: usize = 200;

/// The most recent messages (a team's, or all of them), oldest first, as a full view carries them.
pub(super) fn recent_messages(messages: &[Message], team: Option<&str>) -> Vec<Message> {
    let mine: Vec<&Message> = messages.iter().filter(|m| team.is_none_or(|t| m.involves(t))).collect();
    mine[mine.len().saturating_sub(MESSAGES_SENT)..].iter().map(|m| (*m).clone()).collect()
}

/// Points of the metric series a room display gets (its sharing panel shows the last few).
pub(super) const ROOM_SERIES: usize = 240;

impl Exercise {
    /// Where the exercise stands, as team consoles are told it.
    pub(super) fn clock_frame(&self) -> Bytes {
        let reg = self.owner.sim().registry();
        let discussed = self.discussion.filter(|_| self.paused).and_then(|m| reg.modules.get(m.ix()));
        frame(&ServerMsg::Clock(ExerciseClock {
            paused: self.paused,
            ticks_per_second: self.config.ticks_per_second,
            discussion: discussed.is_some(),
            module: discussed.map(|m| m.title.clone()),
            questions: discussed.map(|m| m.questions.clone()).unwrap_or_default(),
        }))
    }

    /// Tells every team console where the exercise stands, when that changed.
    pub(super) fn publish_clock(&mut self) {
        let f = self.clock_frame();
        if self.clock_sent.as_ref() == Some(&f) {
            return;
        }
        for p in self.teams.values() {
            if p.tx.receiver_count() > 0 {
                let _ = p.tx.send(f.clone());
            }
        }
        self.clock_sent = Some(f);
    }

    /// A team console joins: the team's full view (built once per update) and its stream.
    pub(super) fn join_team(&mut self, team: &str) -> Option<Joined> {
        let clock = self.clock_frame();
        let sim = self.owner.sim();
        let at_us = self.tick_started_us;
        let p = self.teams.get_mut(team)?;
        if p.last.is_none() {
            p.update += 1;
            p.last = Some((p.update, sim.team_view(team)?));
        }
        let (u, view) = p.last.as_ref()?;
        let full = match &p.full {
            Some((fu, bytes)) if fu == u => bytes.clone(),
            _ => {
                let directory = sim.directory(team).map(Box::new);
                let b = frame(&ServerMsg::Full {
                    update: *u,
                    at_us,
                    view: Box::new(view.clone()),
                    directory,
                    history: recent(&self.history, team),
                    confidence_low: Some(sim.metrics().confidence_min),
                    messages: recent_messages(&self.messages, Some(team)),
                });
                p.full = Some((*u, b.clone()));
                b
            }
        };
        Some(Joined { full, clock: Some(clock), updates: p.tx.subscribe() })
    }

    /// A facilitator connection joins: the current view, recent log lines and the status.
    pub(super) fn join_facilitator(&mut self) -> Option<Joined> {
        // The facilitator stream is refreshed after every batch; a joiner gets the current state.
        let view = self.owner.sim().facilitator_view();
        let p = &mut self.facilitator;
        if p.last.is_none() {
            p.update += 1;
        }
        let update = p.update;
        p.last = Some((update, view.clone()));
        let log = self.owner.sim().log_lines(
            None,
            Severity::Info,
            self.owner.sim().events().len().saturating_sub(500),
        );
        self.log_from = self.owner.sim().events().len();
        let status = self.status();
        let full = frame(&ServerMsg::FacilitatorFull {
            update,
            at_us: self.tick_started_us,
            view: Box::new(view),
            status,
            log,
            messages: recent_messages(&self.messages, None),
        });
        Some(Joined { full, clock: None, updates: self.facilitator.tx.subscribe() })
    }

    /// A room display joins: what the room shows now, and its stream.
    pub(super) fn join_observer(&mut self) -> Joined {
        let full = self.room_frame();
        self.room_sent = Some(full.clone());
        Joined { full, clock: None, updates: self.room.subscribe() }
    }

    /// The server's state, as the facilitator is told it.
    pub(super) fn status(&self) -> ServerStatus {
        ServerStatus {
            paused: self.paused,
            ticks_per_second: self.config.ticks_per_second,
            pause_on_inject: self.config.pause_on_inject,
            approve_injects: self.config.approve_injects,
            pause_for_approval: self.config.pause_for_approval,
            consoles: self.consoles.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            facilitators: self.facilitators,
            pending: self
                .pending
                .iter()
                .map(|p| PendingInject {
                    pending: p.number,
                    team: p.team.clone(),
                    command: p.command.clone(),
                    summary: p.command.summary(),
                })
                .collect(),
            journal: self.journal.path().display().to_string(),
        }
    }

    /// The facilitator ended the session: every console gets its last view, then an end
    /// message with the final figures it may see, before the server closes the connections.
    pub(super) fn announce_end(&mut self) {
        self.publish();
        let sim = self.owner.sim();
        let time =
            if sim.is_finished() { sim.registry().clock.at(sim.last_tick()) } else { sim.time() }.to_string();
        let message = "the facilitator ended the session".to_string();
        let m = sim.metrics();
        for (team, p) in &self.teams {
            if p.tx.receiver_count() == 0 {
                continue;
            }
            let Some(v) = sim.team_view(team) else { continue };
            let applied = v.outcomes.iter().filter(|o| o.result.is_ok()).count();
            let rejected = v.outcomes.len() - applied;
            let metrics = vec![
                ("public confidence".to_string(), format!("{:.1}", v.confidence)),
                ("lowest public confidence".to_string(), format!("{:.1}", m.confidence_min)),
                ("your commands applied".to_string(), applied.to_string()),
                ("your commands rejected".to_string(), rejected.to_string()),
            ];
            let _ =
                p.tx.send(frame(&ServerMsg::Ended { message: message.clone(), time: time.clone(), metrics }));
        }
        if self.facilitator.tx.receiver_count() > 0 {
            let metrics = vec![
                ("public confidence".to_string(), format!("{:.1}", m.confidence)),
                ("lowest public confidence".to_string(), format!("{:.1}", m.confidence_min)),
                ("intrusions attempted".to_string(), m.intrusions_attempted.to_string()),
                ("intrusions succeeded".to_string(), m.intrusions_succeeded.to_string()),
                ("intrusions blocked".to_string(), m.intrusions_blocked.to_string()),
                ("blocked by a shared indicator".to_string(), m.blocked_by_shared_indicator.to_string()),
            ];
            let _ = self.facilitator.tx.send(frame(&ServerMsg::Ended { message, time, metrics }));
        }
    }

    /// Sends every team with consoles, and the facilitator, what changed.
    pub(super) fn publish(&mut self) {
        let at_us = self.tick_started_us;
        for (team, p) in self.teams.iter_mut() {
            if p.tx.receiver_count() == 0 {
                p.last = None;
                p.full = None;
                continue;
            }
            let Some(new) = self.owner.sim().team_view(team) else { continue };
            p.update += 1;
            let msg = match &p.last {
                Some((base, old)) => ServerMsg::Delta {
                    update: p.update,
                    base: *base,
                    at_us,
                    delta: Box::new(diff_team(old, &new)),
                },
                None => ServerMsg::Full {
                    update: p.update,
                    at_us,
                    view: Box::new(new.clone()),
                    directory: self.owner.sim().directory(team).map(Box::new),
                    history: recent(&self.history, team),
                    confidence_low: Some(self.owner.sim().metrics().confidence_min),
                    messages: recent_messages(&self.messages, Some(team)),
                },
            };
            let _ = p.tx.send(frame(&msg));
            p.last = Some((p.update, new));
        }
        self.publish_facilitator();
    }

    /// Sends the facilitator what changed: the view's delta, new log lines, the status.
    pub(super) fn publish_facilitator(&mut self) {
        self.facilitator_stale = false;
        let p = &mut self.facilitator;
        if p.tx.receiver_count() == 0 {
            p.last = None;
            return;
        }
        let new = self.owner.sim().facilitator_view();
        let log: Vec<LogLine> = self.owner.sim().log_lines(None, Severity::Info, self.log_from);
        self.log_from = self.owner.sim().events().len();
        let status = self.status();
        let p = &mut self.facilitator;
        p.update += 1;
        let msg = match &p.last {
            Some((base, old)) => ServerMsg::FacilitatorDelta {
                update: p.update,
                base: *base,
                at_us: self.tick_started_us,
                delta: Box::new(diff_facilitator(old, &new)),
                status,
                log,
            },
            None => ServerMsg::FacilitatorFull {
                update: p.update,
                at_us: self.tick_started_us,
                view: Box::new(new.clone()),
                status,
                log,
                messages: recent_messages(&self.messages, None),
            },
        };
        let _ = p.tx.send(frame(&msg));
        p.last = Some((p.update, new));
    }

    /// What the room displays show now, as a frame.
    pub(super) fn room_frame(&self) -> Bytes {
        let discussion = self.discussion.filter(|_| self.paused);
        let view = self.owner.sim().room_view(self.paused, discussion, ROOM_SERIES);
        frame(&ServerMsg::Room { view: Box::new(view) })
    }

    /// Tells the room displays what they show, when it changed.
    pub(super) fn publish_room(&mut self) {
        if self.observers == 0 || self.room.receiver_count() == 0 {
            self.room_sent = None;
            return;
        }
        let f = self.room_frame();
        if self.room_sent.as_ref() == Some(&f) {
            return;
        }
        let _ = self.room.send(f.clone());
        self.room_sent = Some(f);
    }
}
