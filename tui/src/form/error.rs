//! Why a command form does not make a command yet ([`FormError`]): what to fill in or change.

/// Why a form does not make a command yet: what to fill in or change.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FormError {
    /// No command is chosen.
    #[error("choose a command")]
    NoCommand,
    /// A field the command needs is not on the form.
    #[error("the form is incomplete")]
    Incomplete,
    /// A choice field whose list is empty (the actor holds no indicator, owns no asset...).
    #[error("{0}")]
    NothingToChoose(String),
    /// A field left empty.
    #[error("{0} is required")]
    Required(String),
    /// A number field with other text.
    #[error("{label} must be a number, not `{text}`")]
    NotANumber {
        /// The field's label.
        label: String,
        /// What was typed.
        text: String,
    },
    /// A number outside its field's range.
    #[error("{label} must be from {min} to {max}")]
    OutOfRange {
        /// The field's label.
        label: String,
        /// Smallest.
        min: f64,
        /// Largest.
        max: f64,
    },
    /// An ad-hoc inject's effect that needs an amount: the effect, and what more to say of it.
    #[error("a {0} needs an amount (points{1})")]
    NeedsAmount(&'static str, &'static str),
    /// The command table refused the values (its words).
    #[error("{0}")]
    Command(String),
}
