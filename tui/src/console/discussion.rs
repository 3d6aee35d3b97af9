//! Module discussions: the window that opens at a module break (or by hand), its notes per
//! question and its hot-wash items, journaled locally or sent to the server.

use ttx_engine::debrief::{HotWashKind, check_hot_wash};
use ttx_protocol::{ClientMsg, Control};

use super::{Console, Level, Overlay, SavedNote};
use crate::keys::{Action, Common};

/// The discussion of one module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discussion {
    /// Module position.
    pub module: usize,
    /// Module id.
    pub id: String,
    /// Module title.
    pub title: String,
    /// Why it opened (a module break, the end, or by hand).
    pub reason: String,
    /// The module's objectives.
    pub objectives: Vec<String>,
    /// The module's questions.
    pub questions: Vec<String>,
    /// The question being answered; `questions.len()` is a general note.
    pub selected: usize,
    /// Notes being typed, one per question (and one general).
    pub drafts: Vec<String>,
    /// Where typing goes in each draft, in characters from its start.
    pub cursors: Vec<usize>,
    /// Esc was pressed once with unsaved text.
    pub confirm_discard: bool,
}

/// The hot-wash entries of the discussion window, after the questions and the general note.
pub const HOT_WASH: [HotWashKind; 2] = [HotWashKind::Strength, HotWashKind::Improvement];

impl Discussion {
    /// The hot-wash kind of the entry selected, if it is one.
    pub fn hot_wash(&self) -> Option<HotWashKind> {
        self.selected.checked_sub(self.questions.len() + 1).and_then(|i| HOT_WASH.get(i).copied())
    }
}

impl Console {
    pub(super) fn update_discussion(&mut self, mut d: Discussion, action: Action) {
        let n = d.questions.len() + 1 + HOT_WASH.len();
        match action {
            Action::Common(Common::Up) => d.selected = (d.selected + n - 1) % n,
            Action::Common(Common::Down) => d.selected = (d.selected + 1) % n,
            Action::Input(c) => {
                let (draft, at) = (&mut d.drafts[d.selected], &mut d.cursors[d.selected]);
                let byte = draft.char_indices().nth(*at).map_or(draft.len(), |(b, _)| b);
                draft.insert(byte, c);
                *at += 1;
                d.confirm_discard = false;
            }
            Action::Common(Common::Backspace) => {
                let (draft, at) = (&mut d.drafts[d.selected], &mut d.cursors[d.selected]);
                if *at > 0
                    && let Some((byte, _)) = draft.char_indices().nth(*at - 1)
                {
                    draft.remove(byte);
                    *at -= 1;
                }
            }
            Action::Common(Common::Left) => d.cursors[d.selected] = d.cursors[d.selected].saturating_sub(1),
            Action::Common(Common::Right) => {
                let n = d.drafts[d.selected].chars().count();
                d.cursors[d.selected] = (d.cursors[d.selected] + 1).min(n);
            }
            Action::Common(Common::Submit) => {
                let text = d.drafts[d.selected].trim().to_string();
                if text.is_empty() {
                    self.set_status(Level::Warn, "Type the note first, then Enter saves it.");
                } else if let Some(kind) = d.hot_wash() {
                    if let Err(why) = check_hot_wash(&text) {
                        self.set_status(Level::Warn, format!("Not saved: {why}."));
                        self.overlay = Some(Overlay::Discussion(d));
                        return;
                    }
                    self.save_hot_wash(kind, text);
                    d.drafts[d.selected].clear();
                    d.cursors[d.selected] = 0;
                    d.confirm_discard = false;
                } else {
                    self.save_note(&d, text);
                    d.drafts[d.selected].clear();
                    d.cursors[d.selected] = 0;
                    d.confirm_discard = false;
                }
            }
            Action::Common(Common::Close) => {
                let unsaved = d.drafts.iter().any(|x| !x.trim().is_empty());
                if unsaved && !d.confirm_discard {
                    d.confirm_discard = true;
                    self.set_status(
                        Level::Warn,
                        "A note is not saved. Enter saves it; Esc again closes and discards it.",
                    );
                } else {
                    let resume = if self.sim().is_finished() {
                        "The exercise has ended: q quits and saves the journal."
                    } else {
                        "Discussion closed. Space resumes the clock."
                    };
                    self.set_status(Level::Info, resume);
                    return;
                }
            }
            _ => {}
        }
        self.overlay = Some(Overlay::Discussion(d));
    }

    /// Journals a hot-wash item for the room.
    pub(super) fn save_hot_wash(&mut self, kind: HotWashKind, text: String) {
        let went = self.session.journal(ClientMsg::HotWash { id: 0, kind, text }, None);
        self.set_status(Level::Info, format!("Hot-wash item {went}."));
    }

    pub(super) fn save_note(&mut self, d: &Discussion, text: String) {
        let question = (d.selected < d.questions.len()).then_some(d.selected);
        let note = Control::Note { text: text.clone(), question };
        let went = self.session.journal(ClientMsg::Control { id: 0, action: note }, Some(d.module));
        self.notes.push(SavedNote {
            module: d.module,
            question,
            time: self.clock(),
            text,
            edited: false,
            deleted: false,
        });
        self.set_status(Level::Info, format!("Note {went}."));
    }

    pub(super) fn open_discussion(&mut self, module: usize, reason: String) {
        let Some(m) = self.sim().registry().modules.get(module).cloned() else {
            self.set_status(Level::Warn, "This scenario has no modules to discuss.");
            return;
        };
        let n = m.questions.len();
        self.session.halt();
        self.status = None;
        self.overlay = Some(Overlay::Discussion(Discussion {
            module,
            id: m.id,
            title: m.title,
            reason,
            objectives: m.objectives,
            questions: m.questions,
            selected: 0,
            drafts: vec![String::new(); n + 1 + HOT_WASH.len()],
            cursors: vec![0; n + 1 + HOT_WASH.len()],
            confirm_discard: false,
        }));
    }
}
