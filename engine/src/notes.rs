//! Discussion notes as the journal leaves them: a note is never rewritten in place; the
//! facilitator's later edits and deletions are records of their own that name the note by its
//! number (the first note record of the journal is note 1). [`resolve`] gives each note its
//! final text and marks the ones edited or deleted, for reports.

use crate::journal::Record;

/// The longest note (and edited note), in characters.
pub const MAX_NOTE: usize = 4000;

/// Why a note's new text cannot be recorded; each says what to write instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// Nothing but white space.
    #[error("the note is empty (delete it instead)")]
    Empty,
    /// Over [`MAX_NOTE`] characters.
    #[error("the note is {0} characters long (at most {MAX_NOTE})")]
    TooLong(usize),
    /// Holds control characters other than line breaks and tabs.
    #[error("the note holds control characters")]
    ControlCharacters,
}

/// Why a note's new text cannot be recorded (empty, too long, control characters).
pub fn check_note(text: &str) -> Result<(), NoteError> {
    let n = text.chars().count();
    if text.trim().is_empty() {
        return Err(NoteError::Empty);
    }
    if n > MAX_NOTE {
        return Err(NoteError::TooLong(n));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(NoteError::ControlCharacters);
    }
    Ok(())
}

/// What became of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    /// As written.
    Kept,
    /// Edited; the clock time of the last edit.
    Edited(String),
    /// Deleted at this clock time.
    Deleted(String),
}

/// Applies the journal's note edits and deletions (in journal order) to its notes: the note
/// records, each with its final text and what became of it. An edit or deletion that names a
/// note the journal does not hold (yet) is passed over; `check_structure` refuses such a journal.
pub fn final_notes<'a>(records: impl IntoIterator<Item = &'a Record>) -> Vec<(Record, Fate)> {
    let mut notes: Vec<(Record, Fate)> = Vec::new();
    for r in records {
        match r {
            Record::Note { .. } => notes.push((r.clone(), Fate::Kept)),
            Record::NoteEdited { note, time, text, .. } => {
                if let Some((Record::Note { text: old, .. }, fate)) = slot(&mut notes, *note)
                    && !matches!(fate, Fate::Deleted(_))
                {
                    old.clone_from(text);
                    *fate = Fate::Edited(time.clone());
                }
            }
            Record::NoteDeleted { note, time, .. } => {
                if let Some((_, fate)) = slot(&mut notes, *note) {
                    *fate = Fate::Deleted(time.clone());
                }
            }
            _ => {}
        }
    }
    notes
}

fn slot(notes: &mut [(Record, Fate)], number: u64) -> Option<&mut (Record, Fate)> {
    let i = usize::try_from(number).ok()?.checked_sub(1)?;
    notes.get_mut(i)
}

/// The journal's notes for a report: edited ones with their final text and "(edited at ...)",
/// deleted ones with their text replaced by "(deleted by the facilitator at ...)".
pub fn resolve<'a>(records: impl IntoIterator<Item = &'a Record>) -> Vec<Record> {
    final_notes(records)
        .into_iter()
        .map(|(mut r, fate)| {
            if let Record::Note { text, .. } = &mut r {
                match fate {
                    Fate::Kept => {}
                    Fate::Edited(t) => *text = format!("{text} (edited at {t})"),
                    Fate::Deleted(t) => *text = format!("(deleted by the facilitator at {t})"),
                }
            }
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(text: &str) -> Record {
        Record::Note {
            tick: 3,
            time: "E-40d 03:00".into(),
            module: None,
            question: None,
            question_text: None,
            author: Some("facilitator".into()),
            text: text.into(),
        }
    }

    fn text(r: &Record) -> &str {
        match r {
            Record::Note { text, .. } => text,
            _ => "",
        }
    }

    #[test]
    fn edits_and_deletions_name_notes_by_number_and_the_last_edit_wins() {
        let rs = vec![
            note("first"),
            note("second"),
            Record::NoteEdited { tick: 4, time: "E-40d 04:00".into(), note: 1, text: "first, fixed".into() },
            note("third"),
            Record::NoteEdited { tick: 5, time: "E-40d 05:00".into(), note: 1, text: "first, again".into() },
            Record::NoteDeleted { tick: 6, time: "E-40d 06:00".into(), note: 2 },
            Record::NoteEdited { tick: 7, time: "E-40d 07:00".into(), note: 2, text: "too late".into() },
            Record::NoteDeleted { tick: 7, time: "E-40d 07:00".into(), note: 9 },
        ];
        let out = resolve(&rs);
        let texts: Vec<&str> = out.iter().map(text).collect();
        assert_eq!(
            texts,
            ["first, again (edited at E-40d 05:00)", "(deleted by the facilitator at E-40d 06:00)", "third"]
        );
        let fates: Vec<Fate> = final_notes(&rs).into_iter().map(|x| x.1).collect();
        assert_eq!(fates[0], Fate::Edited("E-40d 05:00".into()));
        assert_eq!(fates[2], Fate::Kept);
    }

    #[test]
    fn a_new_text_must_say_something() {
        assert!(check_note("County calls back").is_ok());
        assert!(check_note("  ").unwrap_err().to_string().contains("delete it instead"));
        assert!(check_note(&"x".repeat(MAX_NOTE + 1)).unwrap_err().to_string().contains("at most"));
        assert!(check_note("a\u{1b}b").is_err());
    }
}
