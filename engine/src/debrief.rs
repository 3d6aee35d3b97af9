//! The exercise's debrief: hot-wash items and the HSEEP Participant Feedback Form.
//!
//! The form's statements are defined once, here ([`STATEMENTS`]); the team console's form,
//! the server's and the journal's checks ([`Feedback::check`], [`check_hot_wash`]) and the
//! after-action report's table all come from this list. Neither changes the simulation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The Participant Feedback Form's statements, as (id, text), rated 1 (strongly disagree) to
/// 5 (strongly agree). The ids are what journals and the protocol carry.
pub const STATEMENTS: [(&str, &str); 8] = [
    ("structured", "The exercise was well structured and organized."),
    ("objectives", "The exercise objectives were clear and achievable."),
    ("plausible", "The scenario was plausible and realistic."),
    ("materials", "The exercise materials helped me take part."),
    ("facilitation", "The facilitation kept the discussion focused and moving."),
    ("participation", "The right people took part for the issues discussed."),
    ("roles", "The exercise clarified my role and responsibilities."),
    ("prepared", "After this exercise I am better prepared to deal with such an incident."),
];

/// Lowest and highest rating.
pub const RATINGS: std::ops::RangeInclusive<u8> = 1..=5;

/// The longest free text (a hot-wash item or one of the form's answers), in characters.
pub const MAX_TEXT: usize = 2000;

/// What a hot-wash item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HotWashKind {
    /// Something that went well.
    Strength,
    /// Something to do better.
    Improvement,
}

impl HotWashKind {
    /// In words, as the report heads it.
    pub fn heading(self) -> &'static str {
        match self {
            HotWashKind::Strength => "Strengths",
            HotWashKind::Improvement => "Areas for improvement",
        }
    }
}

/// A filled-in Participant Feedback Form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    /// Ratings by statement id; a statement may be left unrated.
    #[serde(default)]
    pub ratings: BTreeMap<String, u8>,
    /// What went well.
    #[serde(default)]
    pub strengths: String,
    /// What to do better.
    #[serde(default)]
    pub improvements: String,
    /// What the participant will do differently.
    #[serde(default)]
    pub differently: String,
}

impl Feedback {
    /// The form's free-text answers as (heading, text).
    pub fn answers(&self) -> [(&'static str, &str); 3] {
        [
            ("Strengths", &self.strengths),
            ("Areas for improvement", &self.improvements),
            ("What I will do differently", &self.differently),
        ]
    }

    /// Why the form cannot be recorded: an unknown statement, a rating outside 1..=5, an
    /// answer over [`MAX_TEXT`] characters, or nothing filled in at all.
    pub fn check(&self) -> Result<(), DebriefError> {
        for (id, r) in &self.ratings {
            if !STATEMENTS.iter().any(|(s, _)| s == id) {
                let id: String = id.chars().take(40).collect();
                let known: Vec<&str> = STATEMENTS.iter().map(|(s, _)| *s).collect();
                return Err(DebriefError::UnknownStatement { id, known: known.join(", ") });
            }
            if !RATINGS.contains(r) {
                return Err(DebriefError::Rating { id: id.clone(), rating: *r });
            }
        }
        for (what, text) in self.answers() {
            check_text(what, text, true)?;
        }
        if self.ratings.is_empty() && self.answers().iter().all(|(_, t)| t.trim().is_empty()) {
            return Err(DebriefError::EmptyForm);
        }
        Ok(())
    }
}

/// Why a feedback form, a hot-wash item or a correction cannot be recorded; each says what to
/// write instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DebriefError {
    /// The form rates a statement it does not hold.
    #[error("unknown statement `{id}` (the form's are {known})")]
    UnknownStatement {
        /// The statement as given (at most 40 characters of it).
        id: String,
        /// The form's statements, comma-separated.
        known: String,
    },
    /// A rating outside [`RATINGS`].
    #[error("rating {rating} for `{id}` is outside 1 to 5")]
    Rating {
        /// The statement.
        id: String,
        /// The rating given.
        rating: u8,
    },
    /// A text over [`MAX_TEXT`] characters.
    #[error("{what} is {chars} characters long (at most {MAX_TEXT})")]
    TooLong {
        /// Which text (`the item`, `Strengths`...).
        what: String,
        /// Its length in characters.
        chars: usize,
    },
    /// A text that must say something is empty.
    #[error("{0} is empty")]
    Empty(String),
    /// The form has no rating and no answer.
    #[error("the form is empty")]
    EmptyForm,
}

/// Why a correction's text cannot be recorded (empty or over [`MAX_TEXT`] characters).
pub fn check_correction(text: &str) -> Result<(), DebriefError> {
    check_text("the correction", text, false)
}

/// Why a hot-wash item's text cannot be recorded (empty or over [`MAX_TEXT`] characters).
pub fn check_hot_wash(text: &str) -> Result<(), DebriefError> {
    check_text("the item", text, false)
}

fn check_text(what: &str, text: &str, may_be_empty: bool) -> Result<(), DebriefError> {
    let n = text.chars().count();
    if n > MAX_TEXT {
        return Err(DebriefError::TooLong { what: what.to_string(), chars: n });
    }
    if !may_be_empty && text.trim().is_empty() {
        return Err(DebriefError::Empty(what.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_refused_for_unknown_statements_bad_ratings_and_long_text() {
        let mut f = Feedback::default();
        assert_eq!(f.check().unwrap_err(), DebriefError::EmptyForm);
        assert_eq!(f.check().unwrap_err().to_string(), "the form is empty");
        f.ratings.insert("plausible".into(), 4);
        assert!(f.check().is_ok());
        f.ratings.insert("plausible".into(), 6);
        assert!(f.check().unwrap_err().to_string().contains("outside 1 to 5"));
        f.ratings.insert("plausible".into(), 0);
        assert!(f.check().is_err());
        f.ratings.clear();
        f.ratings.insert("catering".into(), 3);
        assert!(f.check().unwrap_err().to_string().contains("unknown statement `catering`"));
        f.ratings.clear();
        f.differently = "x".repeat(MAX_TEXT + 1);
        assert!(f.check().unwrap_err().to_string().contains("at most 2000"));
        assert!(check_hot_wash("  ").is_err());
        assert!(check_hot_wash("sharing worked").is_ok());
    }
}
