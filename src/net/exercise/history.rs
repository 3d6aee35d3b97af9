//! Each team's record of its own commands (accepted, held, denied, taken back), as full views
//! carry it and as a resumed journal rebuilds it.

use std::collections::BTreeMap;

use ttx_engine::Issuer;
use ttx_engine::journal::Record;

use super::Exercise;
use crate::net::protocol::{TeamCommand, TeamCommandState};

/// Each team's commands this session, oldest first.
pub type History = BTreeMap<String, Vec<TeamCommand>>;

/// How many of a team's most recent commands a full view carries.
pub const HISTORY_SENT: usize = 100;

/// A team's most recent commands, oldest first, as a full view carries them.
pub(super) fn recent(history: &History, team: &str) -> Vec<TeamCommand> {
    let list = history.get(team).map_or(&[][..], Vec::as_slice);
    list[list.len().saturating_sub(HISTORY_SENT)..].to_vec()
}

/// Each team's commands as a journal records them: accepted, held, denied.
pub fn history_in(records: &[(usize, Record)], reg: &ttx_engine::model::registry::Registry) -> History {
    let mut history = History::new();
    let at = |tick: u32| reg.clock.at(ttx_engine::Tick(tick));
    for (_, r) in records {
        match r {
            Record::Command { tick, time, issuer: Issuer::Team(t), seq, command, .. } => {
                history.entry(t.clone()).or_default().push(TeamCommand {
                    command: command.clone(),
                    at: at(*tick),
                    state: TeamCommandState::Accepted { seq: *seq, time: time.clone() },
                });
            }
            Record::Held { tick, pending, team, command, .. } => {
                history.entry(team.clone()).or_default().push(TeamCommand {
                    command: command.clone(),
                    at: at(*tick),
                    state: TeamCommandState::Held { pending: *pending },
                });
            }
            Record::Decided { pending, approved, seq, reason, .. } => {
                for list in history.values_mut() {
                    decide(list, *pending, *approved, *seq, reason.clone());
                }
            }
            Record::Cancelled { issuer: Issuer::Team(t), seq, .. } => {
                let accepted = |c: &&mut TeamCommand| matches!(c.state, TeamCommandState::Accepted { seq: s, .. } if s == *seq);
                if let Some(c) = history.get_mut(t).and_then(|l| l.iter_mut().find(accepted)) {
                    c.state = TeamCommandState::Cancelled { seq: *seq };
                }
            }
            _ => {}
        }
    }
    history
}

/// A decision on a held inject in a team's history: a denial marks it; an approval gives it
/// the sequence number of its command (and the hour it applies at), whose own entry, made as
/// the journal was read, goes.
pub(super) fn decide(
    list: &mut Vec<TeamCommand>,
    pending: u64,
    approved: bool,
    seq: Option<u64>,
    reason: Option<String>,
) {
    let held = TeamCommandState::Held { pending };
    if !list.iter().any(|c| c.state == held) {
        return;
    }
    let state = match (approved, seq) {
        (false, _) => TeamCommandState::Denied { pending, reason },
        (true, Some(seq)) => {
            let own = list
                .iter()
                .position(|c| matches!(&c.state, TeamCommandState::Accepted { seq: s, .. } if *s == seq));
            let time = match own.map(|j| list.remove(j).state) {
                Some(TeamCommandState::Accepted { time, .. }) => time,
                _ => String::new(),
            };
            TeamCommandState::Accepted { seq, time }
        }
        (true, None) => return,
    };
    if let Some(c) = list.iter_mut().find(|c| c.state == held) {
        c.state = state;
    }
}

impl Exercise {
    /// Takes each team's commands from a resumed journal (see [`history_in`]).
    pub fn restore_history(&mut self, history: History) {
        self.history = history;
    }

    /// Changes a team's record of its commands; its next full view carries it.
    pub(super) fn record_command(&mut self, team: &str, change: impl FnOnce(&mut Vec<TeamCommand>)) {
        change(self.history.entry(team.to_string()).or_default());
        if let Some(p) = self.teams.get_mut(team) {
            p.full = None;
        }
    }

    /// Takes back a command journaled for the next tick that has not applied yet, journaling
    /// that it was (replay then leaves it out); false when it is no longer waiting.
    pub(super) fn cancel(&mut self, seq: u64) -> bool {
        let Some((issuer, command)) = self.owner.sim_mut().cancel(seq) else { return false };
        if let Issuer::Team(t) = &issuer {
            self.record_command(t, |list| {
                let accepted = |c: &&mut TeamCommand| matches!(c.state, TeamCommandState::Accepted { seq: s, .. } if s == seq);
                if let Some(c) = list.iter_mut().find(accepted) {
                    c.state = TeamCommandState::Cancelled { seq };
                }
            });
        }
        let (tick, time) = self.record_time();
        self.journal.write(&Record::Cancelled { tick, time, issuer, seq, command });
        true
    }
}
