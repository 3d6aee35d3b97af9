//! What a resumed session takes back from its journal besides the simulation: messages,
//! discussion notes, and injects still waiting for approval.

use ttx_engine::journal::Record;
use ttx_engine::talk::Message;

use super::{Exercise, Pending};
use crate::net::protocol::ServerMsg;
use ttx_tui::console::Event;

/// The messages a journal holds, in the order they were sent.
pub fn messages_in(records: &[(usize, Record)]) -> Vec<Message> {
    records
        .iter()
        .filter_map(|(_, r)| match r {
            Record::Message { message } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// The highest approval number a journal used (0 when none).
pub fn highest_pending(records: &[(usize, Record)]) -> u64 {
    records
        .iter()
        .filter_map(|(_, r)| match r {
            Record::Held { pending, .. } => Some(*pending),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// The injects a journal holds for approval without a decision yet, in the order they were held.
pub fn pending_in(records: &[(usize, Record)]) -> Vec<Pending> {
    let mut pending: Vec<Pending> = Vec::new();
    for (_, r) in records {
        match r {
            Record::Held { pending: number, team, command, .. } => {
                pending.push(Pending { number: *number, team: team.clone(), command: command.clone() })
            }
            Record::Decided { pending: number, .. } => pending.retain(|p| p.number != *number),
            _ => {}
        }
    }
    pending
}

impl Exercise {
    /// Takes the messages of a resumed journal; numbering goes on after the last.
    pub fn restore_messages(&mut self, messages: Vec<Message>) {
        if let Some(c) = self.owner.console() {
            for m in &messages {
                c.update(Event::Server(ServerMsg::Message { message: m.clone() }));
            }
        }
        self.messages = messages;
    }

    /// Takes the notes of a resumed journal, as edited and deleted, and shows them on the
    /// console so that it numbers new ones as the journal does.
    pub fn restore_notes(&mut self, records: &[Record]) {
        let reg = self.owner.sim().registry().clone();
        let notes = ttx_engine::notes::final_notes(records);
        self.notes = notes
            .iter()
            .map(|(r, fate)| match (r, fate) {
                (_, ttx_engine::notes::Fate::Deleted(_)) => None,
                (Record::Note { text, .. }, _) => Some(text.clone()),
                _ => None,
            })
            .collect();
        if let Some(c) = self.owner.console() {
            for (r, fate) in notes {
                let Record::Note { tick, module, question, text, .. } = r else { continue };
                let module = module
                    .and_then(|id| reg.modules.iter().position(|m| m.id == id))
                    .or_else(|| reg.module_at(ttx_engine::Tick(tick)).map(|m| m.ix()))
                    .unwrap_or(0);
                c.update(Event::Note(ttx_tui::console::SavedNote {
                    module,
                    question,
                    time: reg.clock.at(ttx_engine::Tick(tick)),
                    text,
                    edited: matches!(fate, ttx_engine::notes::Fate::Edited(_)),
                    deleted: matches!(fate, ttx_engine::notes::Fate::Deleted(_)),
                }));
            }
        }
    }

    /// Holds again the injects a resumed journal held without a decision; numbering goes on
    /// after the highest number the journal used.
    pub fn hold_again(&mut self, pending: Vec<Pending>, highest: u64) {
        self.next_pending = self.next_pending.max(highest + 1);
        self.pending = pending;
    }
}
