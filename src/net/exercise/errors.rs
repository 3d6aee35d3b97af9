//! Why the exercise stopped, and why it refused a console's request. A refusal's text is what
//! the console is sent (`refused` with this message) and shows, so each says what to do instead.

use std::path::PathBuf;

use ttx_engine::debrief::DebriefError;
use ttx_engine::notes::NoteError;
use ttx_engine::talk::{MAX_SIGNATURE, MessageError};

/// Why the exercise stopped: nothing more can be recorded, so nothing more is acknowledged.
#[derive(Debug, thiserror::Error)]
pub enum ExerciseError {
    /// The journal could not be written (a full or failing disk).
    #[error(
        "cannot write the journal {}: {source}\nThe session stopped so that nothing is acknowledged without being recorded; fix the disk and resume with `ttx serve --resume {}`.",
        path.display(),
        path.display()
    )]
    Journal {
        /// The journal.
        path: PathBuf,
        /// Why the write failed.
        source: std::io::Error,
    },
    /// The exercise's thread could not start its clock.
    #[error("cannot start the exercise clock: {0}")]
    Clock(std::io::Error),
}

/// Why the exercise refused a control action, a message or a debrief request.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The exercise is over: nothing more happens in it.
    #[error("the exercise has ended")]
    Ended,
    /// A step of no hours or too many.
    #[error("step between 1 and 100000 hours")]
    StepRange,
    /// A speed out of range.
    #[error("speed between 0.01 and 1000 simulated hours per second")]
    SpeedRange,
    /// No held inject has that number.
    #[error("no inject #{0} waits for approval")]
    NotPending(u64),
    /// A note's text that cannot be recorded.
    #[error(transparent)]
    Note(#[from] NoteError),
    /// A note number the session does not hold.
    #[error("no note {note}: the session has {count} notes")]
    NoSuchNote {
        /// The number asked for.
        note: u64,
        /// How many notes there are.
        count: usize,
    },
    /// A deleted note cannot be edited or deleted again.
    #[error("note {0} is deleted")]
    NoteDeleted(u64),
    /// A correction, hot-wash item or feedback form that cannot be recorded.
    #[error(transparent)]
    Debrief(#[from] DebriefError),
    /// A correction to an inject the scenario does not hold (at most 60 characters of its id).
    #[error("no inject `{0}` in the scenario")]
    NoSuchInject(String),
    /// A correction to an inject that has not fired yet.
    #[error("inject `{inject}` has not fired ({state})")]
    NotFired {
        /// The inject.
        inject: String,
        /// Where it stands.
        state: String,
    },
    /// A bookmark empty or too long.
    #[error("a bookmark is a word or phrase of 1 to {} characters", MAX_SIGNATURE * 2)]
    Bookmark,
    /// A message to a team the scenario does not have (at most 40 characters of its id).
    #[error("there is no team `{0}` to send to")]
    NoSuchTeam(String),
    /// A team's message to itself.
    #[error("a team does not send messages to itself")]
    ToItself,
    /// Control's message to control.
    #[error("control sends its messages to a team")]
    ControlToControl,
    /// A team's message signed as an organisation.
    #[error("only control signs its messages as another organisation")]
    TeamSigned,
    /// Control's message without the organisation it is from.
    #[error("say which organisation the message is from")]
    Unsigned,
    /// A message's text that cannot be sent.
    #[error(transparent)]
    Message(#[from] MessageError),
    /// A feedback form from the facilitator's console.
    #[error("the feedback form is filled in at a team's console")]
    FeedbackFromControl,
    /// A team taking back a command that is not its own, or not waiting.
    #[error("command {seq} is not one of team `{team}`'s waiting to apply")]
    NotOwnCommand {
        /// The command's sequence number.
        seq: u64,
        /// The team that asked.
        team: String,
    },
    /// Taking back a command that applied already (or was taken back).
    #[error("command {0} has already applied or was taken back")]
    AlreadyApplied(u64),
    /// The journal failed while carrying the request out: the session stops.
    #[error(transparent)]
    Stopped(#[from] ExerciseError),
}
