//! The facilitator's notes window (edit or delete a discussion note written earlier) and the
//! correction to a fired inject. Neither rewrites the journal: an edit, a deletion and a
//! correction are records of their own that name the note or the inject.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};
use ttx_engine::debrief::check_correction;
use ttx_engine::notes::{MAX_NOTE, check_note};
use ttx_protocol::{ClientMsg, Control};

use super::{Console, Level, Overlay};
use crate::chrome::{centered, popup};
use crate::input::TextInput;
use crate::keys::{Action, Common};
use crate::text::{truncate, wrap};

/// The notes window: every note of the session, one selected, perhaps being edited.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NotesWindow {
    /// The note selected (an index into [`Console::notes`]).
    pub selected: usize,
    /// Its new text, while it is edited.
    pub edit: Option<TextInput>,
    /// `x` was pressed: delete the selected note? (`y` deletes.)
    pub confirm_delete: bool,
}

/// A correction being written to an inject that has fired.
#[derive(Clone, Debug, PartialEq)]
pub struct CorrectionInput {
    /// The inject's id.
    pub inject: String,
    /// Its title.
    pub title: String,
    /// The correction.
    pub input: TextInput,
}

impl Console {
    pub(super) fn open_notes(&mut self) {
        if self.notes.is_empty() {
            self.set_status(Level::Warn, "No notes yet: d opens the discussion, where notes are written.");
            return;
        }
        let selected = self.notes.len() - 1;
        self.overlay = Some(Overlay::Notes(Box::new(NotesWindow { selected, ..NotesWindow::default() })));
    }

    pub(super) fn update_notes(&mut self, mut w: Box<NotesWindow>, action: Action) {
        let n = self.notes.len();
        if let Some(mut input) = w.edit.take() {
            match action {
                Action::Common(Common::Close) => {}
                Action::Input(c) => {
                    input.insert(c, MAX_NOTE);
                    w.edit = Some(input);
                }
                Action::Common(Common::Backspace) => {
                    input.backspace();
                    w.edit = Some(input);
                }
                Action::Common(Common::Left) | Action::Common(Common::Right) => {
                    if action == Action::Common(Common::Left) {
                        input.left()
                    } else {
                        input.right()
                    }
                    w.edit = Some(input);
                }
                Action::Common(Common::Submit) => {
                    let text = input.text.trim().to_string();
                    if let Err(why) = check_note(&text) {
                        self.set_status(Level::Warn, format!("Not saved: {why}."));
                        w.edit = Some(input);
                    } else {
                        self.change_note(w.selected, Some(text));
                    }
                }
                _ => w.edit = Some(input),
            }
        } else if w.confirm_delete {
            w.confirm_delete = false;
            if action == Action::Common(Common::Confirm) {
                self.change_note(w.selected, None);
            }
        } else {
            match action {
                Action::Common(Common::Close) => return,
                Action::Common(Common::Up) => w.selected = w.selected.saturating_sub(1),
                Action::Common(Common::Down) => w.selected = (w.selected + 1).min(n.saturating_sub(1)),
                Action::Common(Common::PageUp) => w.selected = w.selected.saturating_sub(5),
                Action::Common(Common::PageDown) => w.selected = (w.selected + 5).min(n.saturating_sub(1)),
                Action::EditNote | Action::DeleteNote => match self.notes.get(w.selected) {
                    Some(s) if s.deleted => self.set_status(Level::Warn, "That note is deleted."),
                    Some(s) if action == Action::EditNote => w.edit = Some(TextInput::with(&s.text)),
                    Some(_) => w.confirm_delete = true,
                    None => {}
                },
                _ => {}
            }
        }
        self.overlay = Some(Overlay::Notes(w));
    }

    /// Journals a note's new text, or its deletion (`None`), through the server when hosted.
    fn change_note(&mut self, index: usize, text: Option<String>) {
        let note = index as u64 + 1;
        let action = match &text {
            Some(t) => Control::EditNote { note, text: t.clone() },
            None => Control::DeleteNote { note },
        };
        self.session.journal(ClientMsg::Control { id: 0, action }, None);
        let Some(s) = self.notes.get_mut(index) else { return };
        match text {
            Some(t) => {
                s.text = t;
                s.edited = true;
                self.set_status(Level::Info, format!("Note {note} edited; the journal keeps both texts."));
            }
            None => {
                s.deleted = true;
                self.set_status(Level::Info, format!("Note {note} deleted; the report marks it deleted."));
            }
        }
    }

    pub(super) fn open_correction(&mut self) {
        let Some(inj) = self.queue.get(self.inject_sel) else { return };
        if inj.fired_at.is_none() {
            self.set_status(
                Level::Warn,
                format!("\"{}\" has not fired: only a fired inject is corrected.", inj.title),
            );
            return;
        }
        self.overlay = Some(Overlay::Correction(Box::new(CorrectionInput {
            inject: inj.id.clone(),
            title: inj.title.clone(),
            input: TextInput::default(),
        })));
    }

    pub(super) fn update_correction(&mut self, mut c: Box<CorrectionInput>, action: Action) {
        match action {
            Action::Common(Common::Close) => return,
            Action::Input(ch) => c.input.insert(ch, ttx_engine::debrief::MAX_TEXT),
            Action::Common(Common::Backspace) => c.input.backspace(),
            Action::Common(Common::Left) => c.input.left(),
            Action::Common(Common::Right) => c.input.right(),
            Action::Common(Common::Submit) => {
                let text = c.input.text.trim().to_string();
                if let Err(why) = check_correction(&text) {
                    self.set_status(Level::Warn, format!("Not recorded: {why}."));
                } else {
                    let action = Control::Correct { inject: c.inject.clone(), text };
                    let went = self.session.journal(ClientMsg::Control { id: 0, action }, None);
                    self.set_status(Level::Info, format!("Correction to \"{}\" {went}.", c.title));
                    return;
                }
            }
            _ => {}
        }
        self.overlay = Some(Overlay::Correction(c));
    }
}

/// Draws the notes window: each note with its number, module, question and time, newest last.
pub fn draw_notes(c: &Console, w: &NotesWindow, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let r = centered(area, area.width.saturating_sub(4).min(110), area.height);
    let inner = popup(t, " Notes: e edits, x deletes (the journal keeps the first text) ", r, buf);
    let width = usize::from(inner.width);
    let modules = &c.sim().registry().modules;
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    for (i, n) in c.notes().iter().enumerate() {
        let module = modules.get(n.module).map_or("", |m| m.title.as_str());
        let what = n.question.map_or("general note".to_string(), |q| format!("question {}", q + 1));
        let mark = if n.deleted {
            " [deleted]"
        } else if n.edited {
            " [edited]"
        } else {
            ""
        };
        let head = format!(
            "{}#{} {} {module}, {what}{mark}",
            if i == w.selected { "> " } else { "  " },
            i + 1,
            n.time
        );
        if i == w.selected {
            selected_line = lines.len();
        }
        let style = if i == w.selected { t.selected() } else { t.title() };
        lines.push(Line::styled(truncate(&head, width), style));
        let body = match (&w.edit, n.deleted) {
            (Some(input), _) if i == w.selected => input.shown(),
            (_, true) => "(deleted)".to_string(),
            _ => n.text.clone(),
        };
        let style = if n.deleted { t.dim() } else { t.text() };
        for l in wrap(&body, width.saturating_sub(4)) {
            lines.push(Line::styled(format!("    {l}"), style));
        }
    }
    let foot = if w.edit.is_some() {
        "Editing: Enter saves, Esc keeps the note as it was, Left/Right move the cursor."
    } else if w.confirm_delete {
        "Delete this note? y deletes, n keeps it."
    } else {
        "Up/Down choose, e or Enter edits, x deletes, Esc closes."
    };
    let h = usize::from(inner.height).saturating_sub(2).max(1);
    let skip = (selected_line + 3).saturating_sub(h);
    let mut shown: Vec<Line> = lines.into_iter().skip(skip).take(h).collect();
    shown.push(Line::raw(""));
    shown.push(Line::styled(foot, t.key()));
    Paragraph::new(shown).render(inner, buf);
}

/// Draws the correction being written.
pub fn draw_correction(c: &Console, k: &CorrectionInput, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let r = centered(area, area.width.saturating_sub(4).min(80), 10);
    let inner = popup(t, " Correct a fired inject ", r, buf);
    let width = usize::from(inner.width).max(1);
    let mut lines = vec![
        Line::styled(truncate(&format!("To \"{}\" ({})", k.title, k.inject), width), t.title()),
        Line::styled("The report shows it beside the inject; Enter records it, Esc drops it.", t.dim()),
        Line::raw(""),
    ];
    for l in wrap(&k.input.shown(), width) {
        lines.push(Line::styled(l, t.text()));
    }
    Paragraph::new(lines).render(inner, buf);
}
