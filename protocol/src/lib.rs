//! The wire protocol between `ttx serve` and its consoles (docs/protocol.md).
//!
//! TCP (optionally TLS), frames of a 4-byte big-endian length followed by
//! that many bytes of one JSON message (tokio-util's `LengthDelimitedCodec`
//! with its default header). JSON rather than a binary format because the
//! engine's `Command` is an internally tagged enum, which only
//! self-describing formats can read, and because a headless console prints
//! the same messages as JSON lines. Every frame is bounded.
//!
//! This crate is the protocol only: the messages ([`ClientMsg`], [`ServerMsg`],
//! [`Control`], [`ServerStatus`]...), the view deltas ([`diff`]), and frames
//! (with the `codec` feature, the length-delimited codec that reads them). The
//! server and the consoles that speak it live in the `ttx` program (src/net/).
#![forbid(unsafe_code)]

pub mod diff;

use bytes::{BufMut, Bytes, BytesMut};
use serde::{Deserialize, Serialize};
#[cfg(feature = "codec")]
use tokio_util::codec::LengthDelimitedCodec;
use ttx_engine::debrief::{Feedback, HotWashKind};
use ttx_engine::talk::{Message, MessageChannel, Party};
use ttx_engine::view::{LogLine, RoomView};
use ttx_engine::{Command, Directory, FacilitatorView, Rejection, TeamView};

use crate::diff::{FacilitatorDelta, TeamDelta};

/// The protocol version; the handshake refuses any other.
pub const PROTOCOL: u32 = 4;

/// The largest frame a console may send (commands are small).
pub const MAX_CLIENT_FRAME: usize = 64 * 1024;

/// The largest frame the server sends (a full view).
pub const MAX_SERVER_FRAME: usize = 16 * 1024 * 1024;

/// A codec for reading frames of at most `max` bytes.
#[cfg(feature = "codec")]
pub fn codec(max: usize) -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder().max_frame_length(max).new_codec()
}

/// What a console sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// The first frame: protocol version and credentials.
    Hello {
        /// Must equal [`PROTOCOL`].
        protocol: u32,
        /// The console's program and version, for the server's log.
        #[serde(default)]
        client: String,
        /// The team to join; absent for the facilitator's control connection.
        #[serde(default)]
        team: Option<String>,
        /// The join code the server printed for that team (or for the facilitator).
        code: String,
        /// A read-only room display (no team): joins with the observer code.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        observer: bool,
    },
    /// A command for the simulation, given by the connection's team (or the facilitator).
    Command {
        /// The console's number for it, echoed in the answer.
        id: u64,
        /// The command.
        command: Command,
    },
    /// Exercise control (facilitator connection only).
    Control {
        /// The console's number for it, echoed in the answer.
        id: u64,
        /// What to do.
        action: Control,
    },
    /// Keeps an idle connection alive.
    Ping,
    /// A hot-wash item: from a team's console for its team, from the facilitator's for the room.
    HotWash {
        /// The console's number for it, echoed in the answer.
        id: u64,
        /// Strength or area for improvement.
        kind: HotWashKind,
        /// The item (at most 2000 characters).
        text: String,
    },
    /// A participant's Participant Feedback Form (team consoles only).
    Feedback {
        /// The console's number for it, echoed in the answer.
        id: u64,
        /// The form.
        form: Feedback,
    },
    /// Takes back one of the team's own commands that has not applied yet (the facilitator's
    /// connection may take back any).
    Cancel {
        /// The console's number for it, echoed in the answer.
        id: u64,
        /// The command's sequence number (from its acknowledgement).
        seq: u64,
    },
    /// A message to another team or to exercise control (the facilitator's connection: to a
    /// team, signed as a simulated organisation).
    Message {
        /// The console's number for it, echoed in the answer.
        id: u64,
        /// The addressee.
        to: Party,
        /// How it is sent.
        channel: MessageChannel,
        /// The text.
        text: String,
        /// The organisation control signs it as (facilitator only, and required there).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signed: Option<String>,
    },
}

/// The names of [`ClientMsg`] types, to tell an unknown message from a malformed one.
pub const CLIENT_TYPES: [&str; 8] =
    ["hello", "command", "control", "ping", "hot_wash", "feedback", "cancel", "message"];

/// Exercise control from the facilitator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Control {
    /// Stop the clock.
    Pause,
    /// Start the clock.
    Resume,
    /// Simulate hours now (the clock stays paused); one by default.
    Step {
        /// How many simulated hours.
        #[serde(default = "one")]
        ticks: u32,
    },
    /// Set the clock's speed in simulated hours per real second.
    Speed {
        /// Simulated hours per second, from 0.01 to 1000.
        ticks_per_second: f64,
    },
    /// Let a player-made inject that waits for approval go ahead.
    Approve {
        /// Its number in the approval queue.
        pending: u64,
    },
    /// Refuse a player-made inject that waits for approval.
    Deny {
        /// Its number in the approval queue.
        pending: u64,
        /// What the cell is told.
        #[serde(default)]
        reason: Option<String>,
    },
    /// A discussion note for the journal.
    Note {
        /// The note.
        text: String,
        /// The module's question it answers (0-based).
        #[serde(default)]
        question: Option<usize>,
    },
    /// Give a discussion note written earlier a new text (journaled as `note_edited`; the note's
    /// own record stays).
    EditNote {
        /// The note's number: the session's first note is 1.
        note: u64,
        /// The new text.
        text: String,
    },
    /// Delete a discussion note written earlier (journaled as `note_deleted`).
    DeleteNote {
        /// The note's number.
        note: u64,
    },
    /// End the session: the server tells every console and exits.
    Stop,
    /// Stop the clock when a scripted inject fires while it runs (or keep it running).
    PauseOnInject {
        /// On or off.
        on: bool,
    },
    /// Correct an inject that has fired: journaled, shown in the report beside the inject, and
    /// sent to the teams that received it.
    Correct {
        /// The inject's id.
        inject: String,
        /// The correction (at most 2000 characters).
        text: String,
    },
    /// Stop the clock while a player-made inject waits for approval, running it again when the
    /// queue empties if it was running (or not).
    PauseForApproval {
        /// On or off.
        on: bool,
    },
    /// Mark this moment for the after-action report ("key decision").
    Bookmark {
        /// A word or phrase.
        text: String,
    },
}

/// The names of [`Control`] types.
pub const CONTROL_TYPES: [&str; 14] = [
    "pause",
    "resume",
    "step",
    "speed",
    "approve",
    "deny",
    "note",
    "stop",
    "pause_on_inject",
    "pause_for_approval",
    "correct",
    "bookmark",
    "edit_note",
    "delete_note",
];

fn one() -> u32 {
    1
}

/// Limits a console must respect, announced in the welcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest frame the server accepts.
    pub max_frame: usize,
    /// Frames per second a connection may send, on average.
    pub frames_per_second: f64,
    /// Frames a connection may send in a burst.
    pub burst: u32,
    /// Send at least one frame (a ping) this often, in milliseconds.
    pub heartbeat_ms: u64,
}

/// A player-made inject waiting for the facilitator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingInject {
    /// Its number in the approval queue.
    pub pending: u64,
    /// The cell that asked.
    pub team: String,
    /// The command.
    pub command: Command,
    /// In words.
    pub summary: String,
}

/// One of a team's commands as the server recorded it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamCommand {
    /// The command.
    pub command: Command,
    /// The scenario clock when it was given.
    pub at: ttx_engine::ETime,
    /// Where it stands.
    pub state: TeamCommandState,
}

/// Where a team's command stands (its outcome, once applied, is in the team's view).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TeamCommandState {
    /// In the journal under this sequence number; applies at `time`.
    Accepted {
        /// Sequence number.
        seq: u64,
        /// The hour it applies at.
        time: String,
    },
    /// Waits for the facilitator's approval.
    Held {
        /// Its number in the approval queue.
        pending: u64,
    },
    /// Denied by the facilitator.
    Denied {
        /// Its number in the approval queue.
        pending: u64,
        /// The reason given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Taken back before it applied.
    Cancelled {
        /// Sequence number.
        seq: u64,
    },
}

/// The server's own state, for the facilitator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerStatus {
    /// The clock is stopped.
    pub paused: bool,
    /// Simulated hours per real second.
    pub ticks_per_second: f64,
    /// The clock stops when a scripted inject fires.
    #[serde(default)]
    pub pause_on_inject: bool,
    /// Player-made injects wait for the facilitator's approval.
    #[serde(default)]
    pub approve_injects: bool,
    /// The clock stops while a player-made inject waits for approval.
    #[serde(default)]
    pub pause_for_approval: bool,
    /// Consoles connected per team id.
    pub consoles: Vec<(String, usize)>,
    /// Facilitator control connections.
    pub facilitators: usize,
    /// Player-made injects waiting for approval.
    pub pending: Vec<PendingInject>,
    /// The journal file.
    pub journal: String,
}

/// What went wrong, in a word a program can match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The first frame was not a hello, or the protocol version differs.
    BadHandshake,
    /// The join code is wrong for that team, or the team does not exist.
    BadCode,
    /// A frame over the size limit.
    FrameTooLarge,
    /// A frame that is not a message.
    Malformed,
    /// A message of a type the server does not know.
    UnknownMessage,
    /// Too many frames too fast.
    RateLimited,
    /// Nothing complete arrived in time (a half-sent frame or a dead peer).
    Timeout,
    /// The console did not take its updates fast enough.
    TooSlow,
    /// The server has as many connections as it allows.
    ServerFull,
    /// The server is stopping (consoles may reconnect when it is back).
    ServerStopping,
}

impl ErrorCode {
    /// Whether a console should give up rather than reconnect.
    pub fn is_final(self) -> bool {
        matches!(self, ErrorCode::BadHandshake | ErrorCode::BadCode | ErrorCode::UnknownMessage)
    }
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// The handshake's answer.
    Welcome {
        /// The server's protocol version.
        protocol: u32,
        /// The server's program and version.
        server: String,
        /// The team joined; absent for the facilitator.
        team: Option<String>,
        /// The scenario's title.
        scenario: String,
        /// Limits to respect.
        limits: Limits,
    },
    /// A team's whole view: sent on join and on every reconnect.
    Full {
        /// Update number.
        update: u64,
        /// Server clock when the update's tick began, microseconds since the Unix epoch.
        at_us: u64,
        /// The view.
        view: Box<TeamView>,
        /// What the team's command forms may name beyond its own actors (sent with every
        /// full view; it does not change during an exercise).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        directory: Option<Box<Directory>>,
        /// The team's own most recent commands this session (at most 100), oldest first, as
        /// the server recorded them (sent with every full view, so a console that joins again
        /// has its record).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        history: Vec<TeamCommand>,
        /// The lowest public confidence so far.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        confidence_low: Option<f64>,
        /// The team's messages this session, sent and received (at most 200), oldest first.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        messages: Vec<Message>,
    },
    /// What changed in a team's view since update `base`.
    Delta {
        /// Update number.
        update: u64,
        /// The update it applies to.
        base: u64,
        /// Server clock when the tick began, microseconds since the Unix epoch.
        at_us: u64,
        /// The changes.
        delta: Box<TeamDelta>,
    },
    /// The facilitator's whole view.
    FacilitatorFull {
        /// Update number.
        update: u64,
        /// Server clock, microseconds since the Unix epoch.
        at_us: u64,
        /// The view.
        view: Box<FacilitatorView>,
        /// The server's state.
        status: ServerStatus,
        /// The most recent log lines (every team's).
        log: Vec<LogLine>,
        /// Every message this session (at most 200), oldest first.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        messages: Vec<Message>,
    },
    /// What changed in the facilitator's view since update `base`.
    FacilitatorDelta {
        /// Update number.
        update: u64,
        /// The update it applies to.
        base: u64,
        /// Server clock, microseconds since the Unix epoch.
        at_us: u64,
        /// The changes.
        delta: Box<FacilitatorDelta>,
        /// The server's state.
        status: ServerStatus,
        /// New log lines.
        log: Vec<LogLine>,
    },
    /// The command is in the journal on disk and will apply at `tick`.
    Ack {
        /// The console's number for it.
        id: u64,
        /// The simulation's sequence number (see the outcomes in the view).
        seq: u64,
        /// The tick it applies at.
        tick: u32,
        /// That tick's time.
        time: String,
    },
    /// The command or control was refused and not recorded.
    Refused {
        /// The console's number for it.
        id: u64,
        /// Why, in words.
        message: String,
        /// Why, for programs (commands only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rejection: Option<Rejection>,
    },
    /// A player-made inject waits for the facilitator's approval.
    Held {
        /// The console's number for it.
        id: u64,
        /// Its number in the approval queue.
        pending: u64,
    },
    /// The facilitator decided on a held inject.
    Decision {
        /// Its number in the approval queue.
        pending: u64,
        /// Approved (then acknowledged like a command) or denied.
        approved: bool,
        /// Sequence number, when approved.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seq: Option<u64>,
        /// The facilitator's reason, when denied.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A control action was carried out.
    Done {
        /// The console's number for it.
        id: u64,
        /// What happened.
        message: String,
    },
    /// Answer to a ping.
    Pong,
    /// The message is in the journal on disk and delivered.
    Delivered {
        /// The console's number for it.
        id: u64,
        /// The message's number in the session.
        number: u64,
    },
    /// A message for this console's team (or one it sent, for its other consoles), or any
    /// message, for the facilitator.
    Message {
        /// The message.
        message: Message,
    },
    /// What the room display shows: sent on join and whenever it changes.
    Room {
        /// The view.
        view: Box<RoomView>,
    },
    /// Where the exercise stands, for team consoles: sent after every full view and whenever
    /// the clock is stopped or run, its speed changes, or a module break pauses it.
    Clock(ExerciseClock),
    /// The session is over: the facilitator stopped it. Consoles stop reconnecting; the
    /// server closes the connection after this.
    Ended {
        /// In words.
        message: String,
        /// The scenario clock when it ended.
        time: String,
        /// The final figures this console may see, as (label, value), in the order to show them.
        metrics: Vec<(String, String)>,
    },
    /// The facilitator corrected an inject this team received.
    Correction {
        /// The inject's id.
        inject: String,
        /// Its title.
        title: String,
        /// When it was corrected (scenario clock).
        time: String,
        /// The correction.
        text: String,
    },
    /// Something went wrong; the server closes the connection after this.
    Error {
        /// For programs.
        code: ErrorCode,
        /// For people.
        message: String,
    },
}

/// Where the exercise stands, as the server tells team consoles ([`ServerMsg::Clock`]; its
/// fields stand beside the message's `type`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseClock {
    /// The clock is stopped.
    pub paused: bool,
    /// Simulated hours per real second.
    pub ticks_per_second: f64,
    /// Stopped at a module break for its discussion.
    pub discussion: bool,
    /// The module being discussed (the one that just ended), during a discussion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// Its discussion questions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
}

/// Serializes a message as JSON.
pub fn to_json(msg: &ServerMsg) -> Bytes {
    Bytes::from(serde_json::to_vec(msg).unwrap_or_default())
}

/// A message as one ready-to-write frame: the 4-byte big-endian length, then the JSON.
/// Built once and written to every console that gets it.
pub fn frame(msg: &ServerMsg) -> Bytes {
    frame_bytes(&to_json(msg))
}

/// Frames bytes already serialized.
pub fn frame_bytes(payload: &[u8]) -> Bytes {
    let mut b = BytesMut::with_capacity(payload.len() + 4);
    b.put_u32(payload.len() as u32);
    b.put_slice(payload);
    b.freeze()
}

/// Why a client frame could not be read.
#[derive(Debug, PartialEq)]
pub struct BadFrame {
    /// For programs.
    pub code: ErrorCode,
    /// For people.
    pub message: String,
}

/// Reads a client frame: JSON with a known `type`.
pub fn parse_client(bytes: &[u8]) -> Result<ClientMsg, BadFrame> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| BadFrame {
        code: ErrorCode::Malformed,
        message: format!("the frame is not a JSON message: {e}"),
    })?;
    let Some(kind) = value.get("type").and_then(|t| t.as_str()).map(str::to_string) else {
        return Err(BadFrame {
            code: ErrorCode::Malformed,
            message: "the message has no \"type\" field".into(),
        });
    };
    if !CLIENT_TYPES.contains(&kind.as_str()) {
        let kind: String = kind.chars().take(40).collect();
        return Err(BadFrame {
            code: ErrorCode::UnknownMessage,
            message: format!("unknown message type \"{kind}\" (expected one of {})", CLIENT_TYPES.join(", ")),
        });
    }
    serde_json::from_value(value).map_err(|e| BadFrame {
        code: ErrorCode::Malformed,
        message: format!("malformed {kind} message: {e}"),
    })
}

/// Microseconds since the Unix epoch.
pub fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_messages_round_trip_as_tagged_json() {
        let m = ClientMsg::Command {
            id: 3,
            command: Command::Patch { actor: "harbor".into(), asset: "harbor_vr".into() },
        };
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(
            text,
            r#"{"type":"command","id":3,"command":{"type":"patch","actor":"harbor","asset":"harbor_vr"}}"#
        );
        assert_eq!(parse_client(text.as_bytes()).unwrap(), m);
        let c = ClientMsg::Control { id: 1, action: Control::Step { ticks: 1 } };
        let text = r#"{"type":"control","id":1,"action":{"type":"step"}}"#;
        assert_eq!(parse_client(text.as_bytes()).unwrap(), c);
    }

    #[test]
    fn unknown_and_malformed_frames_are_told_apart() {
        assert_eq!(
            parse_client(b"{\"type\":\"launch_missiles\"}").unwrap_err().code,
            ErrorCode::UnknownMessage
        );
        assert_eq!(parse_client(b"\x00\xff garbage").unwrap_err().code, ErrorCode::Malformed);
        assert_eq!(parse_client(b"{\"id\":1}").unwrap_err().code, ErrorCode::Malformed);
        assert_eq!(
            parse_client(b"{\"type\":\"command\",\"id\":\"x\"}").unwrap_err().code,
            ErrorCode::Malformed
        );
    }

    #[test]
    fn the_clock_is_written_with_its_fields_beside_the_type() {
        let m = ServerMsg::Clock(ExerciseClock {
            paused: true,
            ticks_per_second: 6.0,
            discussion: true,
            module: Some("Module 1".into()),
            questions: vec!["Who calls whom?".into()],
        });
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(
            text,
            r#"{"type":"clock","paused":true,"ticks_per_second":6.0,"discussion":true,"module":"Module 1","questions":["Who calls whom?"]}"#
        );
        assert_eq!(serde_json::from_str::<ServerMsg>(&text).unwrap(), m);
        let running = r#"{"type":"clock","paused":false,"ticks_per_second":1.0,"discussion":false}"#;
        let m: ServerMsg = serde_json::from_str(running).unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), running);
    }

    /// docs/protocol.md's table of message channels is the engine's list, in its order.
    #[test]
    fn the_documented_channels_are_the_engines() {
        let doc =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md")).unwrap();
        let table = &doc[doc.find("| channel | in words |").expect("the channel table")..];
        let rows: Vec<(String, String)> = table
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                (cells[1].trim_matches('`').to_string(), cells[2].to_string())
            })
            .collect();
        let engine: Vec<(String, String)> =
            MessageChannel::ALL.iter().map(|c| (c.id().to_string(), c.label().to_string())).collect();
        assert_eq!(rows, engine);
    }

    #[cfg(feature = "codec")]
    #[test]
    fn a_prebuilt_frame_is_what_the_codec_reads() {
        use futures_util::StreamExt;
        use tokio_util::codec::FramedRead;
        let f = frame(&ServerMsg::Pong);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let got = rt.block_on(async {
            let mut r = FramedRead::new(&f[..], codec(MAX_SERVER_FRAME));
            r.next().await.unwrap().unwrap()
        });
        assert_eq!(&got[..], br#"{"type":"pong"}"#);
        assert_eq!(&f[4..], &got[..]);
    }
}
