//! `ttx join --headless`: JSON lines in (commands, controls, messages, `view`, `quit`), the
//! server's messages out as JSON lines, over the same connection as every console
//! ([`super::run_connection`]).

use std::collections::VecDeque;
use std::io::Write;

use serde::Serialize;
use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc;
use ttx_engine::talk::{MessageChannel, Party};
use ttx_engine::view::LogLine;
use ttx_engine::{Command, FacilitatorView, TeamView};

use super::{ClientEvent, Mirror, Target, run_connection};
use crate::net::protocol::{CONTROL_TYPES, ClientMsg, Control, ErrorCode, ServerStatus};

/// A line typed (or piped) into a headless console.
#[derive(Debug)]
pub enum Input {
    /// A command for the simulation.
    Command(Command),
    /// Exercise control (facilitator).
    Control(Control),
    /// Something else a console sends: a hot-wash item, a feedback form, a cancel.
    Debrief(ClientMsg),
    /// A message to a team or to control.
    Message(Outgoing),
    /// Print the current view.
    View,
    /// Leave.
    Quit,
}

/// A message as a headless console takes it:
/// `{"type":"message","to":"control","channel":"phone","text":".."}` (`"to":{"team":"pa"}`
/// for a team; the facilitator adds `"signed":"FBI"`).
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outgoing {
    #[serde(rename = "type")]
    _type: String,
    /// The addressee.
    pub to: Party,
    /// How it is sent.
    pub channel: MessageChannel,
    /// The text.
    pub text: String,
    /// The organisation control signs as.
    #[serde(default)]
    pub signed: Option<String>,
}

/// Reads one input line: `{"type":"view"}`, `{"type":"quit"}`, a message (see [`Outgoing`]),
/// a control such as `{"type":"step","ticks":5}`, or a command such as
/// `{"type":"patch","actor":..,"asset":..}`.
pub fn parse_input(line: &str) -> Result<Input, InputError> {
    let value: serde_json::Value = serde_json::from_str(line).map_err(InputError::NotJson)?;
    let kind = value.get("type").and_then(|t| t.as_str()).ok_or(InputError::NoType)?.to_string();
    let bad = |what: String| move |source| InputError::Bad { what, source };
    match kind.as_str() {
        "view" => Ok(Input::View),
        "quit" => Ok(Input::Quit),
        k @ ("hot_wash" | "feedback" | "cancel") => {
            let mut value = value;
            if let Some(o) = value.as_object_mut() {
                o.entry("id").or_insert(serde_json::Value::from(0));
            }
            serde_json::from_value(value).map(Input::Debrief).map_err(bad(k.to_string()))
        }
        "message" => serde_json::from_value(value).map(Input::Message).map_err(bad("message".into())),
        k if CONTROL_TYPES.contains(&k) => {
            serde_json::from_value(value).map(Input::Control).map_err(bad(k.to_string()))
        }
        k => serde_json::from_value(value).map(Input::Command).map_err(bad(format!("command {k}"))),
    }
}

/// Why an input line is not something a console sends; the console writes it as an
/// `input_error` line and reads on.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Not a JSON value.
    #[error("not JSON: {0}")]
    NotJson(serde_json::Error),
    /// A JSON value without the `"type"` that says what it is.
    #[error("no \"type\" field")]
    NoType,
    /// Not a valid line of its type (a field missing, unknown or of the wrong kind).
    #[error("bad {what}: {source}")]
    Bad {
        /// The type: `message`, a control, `command NAME`...
        what: String,
        /// What is wrong with it.
        source: serde_json::Error,
    },
}

/// Lines the headless console writes besides the server's own messages.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Local<'a> {
    Sent {
        id: u64,
        summary: String,
    },
    InputError {
        line: usize,
        message: String,
    },
    Disconnected {
        reason: &'a str,
        unconfirmed: Vec<u64>,
    },
    View {
        update: u64,
        view: &'a TeamView,
    },
    FacilitatorView {
        update: u64,
        view: &'a FacilitatorView,
        status: &'a Option<ServerStatus>,
        log: &'a [LogLine],
    },
}

fn emit(out: &mut impl Write, line: &[u8]) -> std::io::Result<()> {
    out.write_all(line)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn emit_local(out: &mut impl Write, l: &Local) -> std::io::Result<()> {
    emit(out, &serde_json::to_vec(l).unwrap_or_default())
}

/// How a headless console ended.
pub enum Ended {
    /// Input ended and every command was answered, or `quit`.
    Done,
    /// The server refused the console for good.
    Refused(ErrorCode, String),
    /// The console could not join for longer than it keeps trying.
    GaveUp(String),
}

/// `ttx join --headless`: commands from `input` lines, every update to `out` as JSON lines.
/// Reconnects by itself (with the same code) until input ends or the server refuses for good.
pub async fn headless(
    target: Target,
    team: Option<String>,
    code: String,
    input: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    out: &mut impl Write,
) -> std::io::Result<Ended> {
    let mut in_rx = read_lines(input);
    let addr = target.addr.clone();
    let (send_tx, send_rx) = mpsc::channel::<ClientMsg>(64);
    let (event_tx, mut events) = mpsc::channel::<ClientEvent>(64);
    tokio::spawn(run_connection(target, team, code, send_rx, event_tx));
    let mut send_tx = Some(send_tx);
    // Lines read but not yet handed to the connection: the loop keeps taking the server's
    // messages while the connection paces its sends, and reads input only while this is short.
    let mut queue: VecDeque<ClientMsg> = VecDeque::new();
    let mut input_open = true;
    let mut next_id = 1u64;
    let mut mirror = Box::<Mirror>::default();
    loop {
        if !input_open && queue.is_empty() {
            // Input ended: the connection finishes once every command is answered.
            send_tx = None;
        }
        tokio::select! {
            e = events.recv() => {
                if let Some(ended) = show_event(out, &addr, e, &mut mirror)? {
                    return Ok(ended);
                }
            }
            permit = reserve(&send_tx), if !queue.is_empty() => {
                let Ok(permit) = permit else { return Ok(Ended::Done) };
                if let Some(m) = queue.pop_front() {
                    permit.send(m);
                }
            }
            line = in_rx.recv(), if input_open && queue.len() < 64 => {
                let Some((n, line)) = line else {
                    input_open = false;
                    continue;
                };
                match read_line(out, n, &line, &mut next_id, &mirror)? {
                    Line::Send(msg) => queue.push_back(msg),
                    Line::Nothing => {}
                    Line::Quit => return Ok(Ended::Done),
                }
            }
        }
    }
}

/// The lines of `input`, numbered from 1, read on their own task.
fn read_lines(input: impl tokio::io::AsyncRead + Unpin + Send + 'static) -> mpsc::Receiver<(usize, String)> {
    let (in_tx, in_rx) = mpsc::channel::<(usize, String)>(64);
    tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(input).lines();
        let mut n = 0;
        while let Ok(Some(line)) = lines.next_line().await {
            n += 1;
            if in_tx.send((n, line)).await.is_err() {
                break;
            }
        }
    });
    in_rx
}

/// Prints what the connection reports as JSON lines (and its troubles on standard error);
/// how the console ended, once it has.
fn show_event(
    out: &mut impl Write,
    addr: &str,
    e: Option<ClientEvent>,
    mirror: &mut Box<Mirror>,
) -> std::io::Result<Option<Ended>> {
    match e {
        // The connection ended: input ended and every command was answered.
        None => return Ok(Some(Ended::Done)),
        Some(ClientEvent::Connected { welcome, .. }) => emit(out, &welcome)?,
        Some(ClientEvent::Update { bytes, mirror: m }) => {
            emit(out, &bytes)?;
            *mirror = m;
        }
        Some(ClientEvent::Message { bytes, .. }) => emit(out, &bytes)?,
        Some(ClientEvent::Disconnected { reason, unconfirmed }) => {
            // Commands without an answer may or may not have been recorded: the console says so.
            emit_local(out, &Local::Disconnected { reason: &reason, unconfirmed })?;
            eprintln!("ttx join: {reason}; reconnecting");
        }
        Some(ClientEvent::Unreachable { reason, retry_in }) => {
            eprintln!(
                "ttx join: cannot reach {addr} ({reason}); retrying in {:.1} s",
                retry_in.as_secs_f64()
            );
        }
        Some(ClientEvent::Refused { code, message }) => {
            emit_local(out, &Local::Disconnected { reason: &message, unconfirmed: vec![] })?;
            return Ok(Some(Ended::Refused(code, message)));
        }
        Some(ClientEvent::GaveUp { message }) => {
            emit_local(out, &Local::Disconnected { reason: &message, unconfirmed: vec![] })?;
            return Ok(Some(Ended::GaveUp(message)));
        }
    }
    Ok(None)
}

/// What a line of input asks of a headless console.
enum Line {
    /// Send this to the server.
    Send(ClientMsg),
    /// Nothing to send (a blank line, a mistake reported, the view printed).
    Nothing,
    /// Stop.
    Quit,
}

/// Reads line `n` of input: a message for the server (numbered from `next_id`, and announced
/// as sent), the view printed, or a mistake reported.
fn read_line(
    out: &mut impl Write,
    n: usize,
    line: &str,
    next_id: &mut u64,
    mirror: &Mirror,
) -> std::io::Result<Line> {
    if line.trim().is_empty() {
        return Ok(Line::Nothing);
    }
    let input = match parse_input(line) {
        Err(e) => {
            emit_local(out, &Local::InputError { line: n, message: e.to_string() })?;
            return Ok(Line::Nothing);
        }
        Ok(Input::Quit) => return Ok(Line::Quit),
        Ok(Input::View) => {
            if let Some(v) = &mirror.team {
                emit_local(out, &Local::View { update: mirror.update, view: v })?;
            } else if let Some(v) = &mirror.facilitator {
                emit_local(
                    out,
                    &Local::FacilitatorView {
                        update: mirror.update,
                        view: v,
                        status: &mirror.status,
                        log: &mirror.log,
                    },
                )?;
            }
            return Ok(Line::Nothing);
        }
        Ok(input) => input,
    };
    let id = *next_id;
    *next_id += 1;
    let (summary, msg) = match input {
        Input::Command(command) => (command.summary(), ClientMsg::Command { id, command }),
        Input::Debrief(mut m) => {
            let summary = match &mut m {
                ClientMsg::HotWash { id: i, kind, .. } => {
                    *i = id;
                    format!("hot wash: {}", kind.heading().to_lowercase())
                }
                ClientMsg::Feedback { id: i, .. } => {
                    *i = id;
                    "feedback form".to_string()
                }
                ClientMsg::Cancel { id: i, seq } => {
                    *i = id;
                    format!("cancel command {seq}")
                }
                _ => String::new(),
            };
            (summary, m)
        }
        Input::Control(action) => (format!("{action:?}"), ClientMsg::Control { id, action }),
        Input::Message(m) => (
            format!("message to {} by {}", m.to, m.channel.label()),
            ClientMsg::Message { id, to: m.to, channel: m.channel, text: m.text, signed: m.signed },
        ),
        Input::Quit | Input::View => return Ok(Line::Nothing),
    };
    emit_local(out, &Local::Sent { id, summary })?;
    Ok(Line::Send(msg))
}

/// Room for one message on the way to the connection (never, once the sender is gone).
async fn reserve(
    tx: &Option<mpsc::Sender<ClientMsg>>,
) -> Result<mpsc::Permit<'_, ClientMsg>, mpsc::error::SendError<()>> {
    match tx {
        Some(tx) => tx.reserve().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_lines_are_commands_controls_or_console_requests() {
        assert!(matches!(parse_input(r#"{"type":"view"}"#), Ok(Input::View)));
        assert!(matches!(
            parse_input(r#"{"type":"step","ticks":3}"#),
            Ok(Input::Control(Control::Step { ticks: 3 }))
        ));
        assert!(matches!(
            parse_input(r#"{"type":"patch","actor":"a","asset":"b"}"#),
            Ok(Input::Command(Command::Patch { .. }))
        ));
        assert!(parse_input(r#"{"type":"patch"}"#).is_err());
        assert!(parse_input("patch harbor").is_err());
    }
}
