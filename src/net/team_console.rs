//! `ttx join ADDR --team ID --code CODE`: the interactive team console.
//!
//! The terminal runs on the main thread: it draws the [`TeamConsole`] (ttx-tui),
//! reads keys and lets real time pass. The connection runs on a tokio runtime
//! ([`client::run_connection`], the same loop as `ttx join --headless`: the
//! handshake, reconnecting with the team's code, deltas applied to the view).
//! Two channels join them: commands the team gives go out, and views, answers
//! and the connection's state come in.

use std::collections::VecDeque;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::{TryRecvError, TrySendError};
use ttx_tui::team::{Connection, TeamConsole, TeamEvent, TeamOptions};
use ttx_tui::team_keys::TeamAction;
use ttx_tui::{Theme, team_ui, terminal};

use super::cli::{JoinArgs, join_setup};
use super::client::{self, ClientEvent};
use super::protocol::{ClientMsg, ErrorCode, ServerMsg};
use crate::{Failure, Outcome};

/// What the screen shows: joining (no view yet), or the team's console.
enum Screen {
    Joining { progress: String },
    Console(Box<TeamConsole>),
}

/// How the terminal loop ended.
enum Ended {
    /// The team left (or a signal ended the console).
    Left,
    /// The server refused before the first view: the message for the shell.
    Refused(ErrorCode, String),
    /// The console could not join for longer than it keeps trying.
    GaveUp(String),
    /// The session ended before the console had a view.
    SessionOver(String),
}

/// `ttx join ADDR --team ID --code CODE` without `--headless`.
pub fn join(args: &JoinArgs, team: Option<String>) -> Outcome {
    let Some(team) = team else {
        return Err(Failure::input(
            "the facilitator's control connection has no screen of its own: add --headless and give it \
             JSON lines (docs/protocol.md)",
        ));
    };
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Failure::input(format!(
            "ttx join is an interactive team console and needs a terminal, but its input or output is \
             not one here (a pipe, a file, or CI).\nTo join without a terminal, add --headless: commands \
             as JSON lines on standard input, every update as JSON lines on standard output, for \
             example: ttx join {} --team {team} --code CODE --headless",
            args.addr
        )));
    }
    let (target, rt) = join_setup(args)?;
    let (send_tx, send_rx) = mpsc::channel::<ClientMsg>(64);
    let (event_tx, events) = mpsc::channel::<ClientEvent>(256);
    rt.spawn(client::run_connection(
        target,
        Some(team.clone()),
        args.code.clone().unwrap_or_default(),
        send_rx,
        event_tx,
    ));

    // SIGTERM and SIGHUP (the terminal window closed) end the console cleanly; in raw mode
    // Ctrl-C arrives as a key.
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }

    let mut screen = Screen::Joining { progress: format!("Connecting to {}...", args.addr) };
    let (mut term, guard) =
        terminal::enter().map_err(|e| Failure::runtime(format!("cannot take over the terminal: {e}")))?;
    let mut io = Io {
        addr: &args.addr,
        team: &team,
        theme: Theme::from_env(),
        bell: args.bell,
        events,
        send: send_tx,
        queued: VecDeque::new(),
    };
    let result = run(&mut term, &mut screen, &mut io, &stop);
    terminal::close(term, guard);
    // The connection's task may be waiting on the network: do not wait for it.
    rt.shutdown_background();

    match result {
        // A signal ended the console; the terminal may be gone.
        Err(_) if stop.load(Ordering::SeqCst) => Ok(()),
        Err(e) => Err(Failure::runtime(format!("terminal error: {e}"))),
        Ok(Ended::Refused(code, message)) => {
            let code = serde_json::to_string(&code).unwrap_or_default();
            Err(Failure::input(format!(
                "ttx join: the server refused ({}): {message}",
                code.trim_matches('"')
            )))
        }
        Ok(Ended::GaveUp(message)) => Err(Failure::runtime(format!("ttx join: {message}"))),
        Ok(Ended::SessionOver(message)) => {
            let _ = writeln!(std::io::stdout(), "The session has ended: {message}.");
            Ok(())
        }
        Ok(Ended::Left) => {
            // The terminal may be gone (its window closed): best effort.
            let line = match &screen {
                Screen::Console(c) => match c.connection() {
                    Connection::Ended { message, metrics } => {
                        let figures: Vec<String> = metrics.iter().map(|(k, v)| format!("{k} {v}")).collect();
                        format!(
                            "The session has ended ({message}) at {}. Final: {}.",
                            c.time(),
                            figures.join(", ")
                        )
                    }
                    _ => {
                        let v = c.view();
                        format!(
                            "Left the team console of {} at {} ({}). The exercise goes on; join again with the same code.",
                            v.name,
                            c.time(),
                            v.module.as_ref().map_or("no module", |m| m.title.as_str())
                        )
                    }
                },
                Screen::Joining { .. } => format!("Gave up joining {}.", args.addr),
            };
            let _ = writeln!(std::io::stdout(), "{line}");
            Ok(())
        }
    }
}

/// The loop's ends of the channels, and what it shows before the first view.
struct Io<'a> {
    addr: &'a str,
    team: &'a str,
    theme: Theme,
    bell: bool,
    events: mpsc::Receiver<ClientEvent>,
    send: mpsc::Sender<ClientMsg>,
    queued: VecDeque<ClientMsg>,
}

/// Draws, reads keys, takes what the connection reports, sends what the team gives.
fn run(
    term: &mut terminal::Term,
    screen: &mut Screen,
    io: &mut Io,
    stop: &AtomicBool,
) -> std::io::Result<Ended> {
    let keys = terminal::event_channel()?;
    let mut last = Instant::now();
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(Ended::Left);
        }
        match screen {
            Screen::Joining { progress } => {
                term.draw(|f| {
                    let area = f.area();
                    team_ui::draw_joining(io.theme, io.addr, io.team, progress, area, f.buffer_mut())
                })?;
            }
            Screen::Console(c) => {
                let size = term.size()?;
                c.update(TeamEvent::Resize(ratatui::layout::Rect::new(0, 0, size.width, size.height)));
                term.draw(|f| team_ui::render(c, f))?;
            }
        }
        let mut next = keys.recv_timeout(Duration::from_millis(100));
        loop {
            let k = match next {
                // Other events (a resize) need nothing: the next draw fits the new size.
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => k,
                Ok(_) => {
                    next = keys.recv_timeout(Duration::ZERO);
                    continue;
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(std::io::Error::other("the terminal cannot be read any more"));
                }
            };
            match screen {
                Screen::Joining { .. } => {
                    let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                    if ctrl_c || matches!(k.code, KeyCode::Char('q') | KeyCode::Esc) {
                        return Ok(Ended::Left);
                    }
                }
                Screen::Console(c) => c.update(k),
            }
            if matches!(screen, Screen::Console(c) if c.should_quit()) {
                break;
            }
            next = keys.recv_timeout(Duration::ZERO);
        }
        let now = Instant::now();
        if let Screen::Console(c) = screen {
            c.update(TeamAction::Tick(now - last));
        }
        last = now;
        if let Some(refused) = take_events(screen, io) {
            return Ok(refused);
        }
        if let Screen::Console(c) = screen {
            if c.take_ring() {
                // The terminal bell, for new messages (`--bell`).
                let mut out = std::io::stdout();
                let _ = out.write_all(b"\x07").and_then(|()| out.flush());
            }
            send_what_the_team_gave(c, io);
            if c.should_quit() {
                return Ok(Ended::Left);
            }
        }
    }
}

/// Sends what the team gave since the last round (debrief answers, commands, messages),
/// queueing what the connection cannot take yet and answering for what cannot be sent.
fn send_what_the_team_gave(c: &mut TeamConsole, io: &mut Io) {
    // Commands and messages queue here while the connection's own queue is full (it is not
    // read while reconnecting): the screen never waits for the network. Hot-wash items,
    // feedback forms and cancels go now or not at all.
    for msg in c.take_requests() {
        match msg {
            ClientMsg::HotWash { id, .. } | ClientMsg::Feedback { id, .. } | ClientMsg::Cancel { id, .. } => {
                if io.send.try_send(msg).is_err() {
                    not_sent(c, id, "not sent: the connection is busy or has ended");
                }
            }
            msg => io.queued.push_back(msg),
        }
    }
    while let Some(msg) = io.queued.pop_front() {
        match io.send.try_send(msg) {
            Ok(()) => {}
            Err(TrySendError::Full(msg)) => {
                io.queued.push_front(msg);
                break;
            }
            Err(TrySendError::Closed(ClientMsg::Message { id, .. } | ClientMsg::Command { id, .. })) => {
                not_sent(c, id, "not sent: the connection has ended");
            }
            Err(TrySendError::Closed(_)) => {}
        }
    }
}

/// Tells the console one of its requests never left, as the server would have refused it.
fn not_sent(c: &mut TeamConsole, id: u64, why: &str) {
    c.update(TeamEvent::Server(ServerMsg::Refused { id, message: why.to_string(), rejection: None }));
}

/// Applies what the connection reported since the last call. Returns how the console ends
/// when the server refused it before it had a view.
fn take_events(screen: &mut Screen, io: &mut Io) -> Option<Ended> {
    loop {
        let e = match io.events.try_recv() {
            Ok(e) => e,
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => return None,
        };
        match (e, &mut *screen) {
            (ClientEvent::Connected { .. }, Screen::Joining { progress }) => {
                *progress = format!("Connected to {}; waiting for your team's view...", io.addr);
            }
            (ClientEvent::Connected { .. }, Screen::Console(c)) => {
                c.update(TeamEvent::Connection(Connection::Connected));
            }
            (ClientEvent::Update { mirror, .. }, Screen::Joining { .. }) => {
                let mut mirror = *mirror;
                if let Some(view) = mirror.team.take() {
                    let options = TeamOptions { theme: io.theme, server: io.addr.to_string(), bell: io.bell };
                    let mut c = TeamConsole::new(view, options);
                    c.update(TeamEvent::Directory(mirror.directory.take().unwrap_or_default()));
                    c.update(restore(mirror));
                    *screen = Screen::Console(Box::new(c));
                }
            }
            (ClientEvent::Update { mirror, .. }, Screen::Console(c)) => {
                let mut mirror = *mirror;
                if let Some(d) = mirror.directory.take()
                    && !Arc::ptr_eq(&d, c.directory())
                {
                    c.update(TeamEvent::Directory(d));
                }
                if let Some(view) = mirror.team.take() {
                    c.update(TeamEvent::View(Box::new(view)));
                }
                if mirror.fresh {
                    c.update(restore(mirror));
                }
            }
            (ClientEvent::Message { msg: ServerMsg::Ended { message, .. }, .. }, Screen::Joining { .. }) => {
                return Some(Ended::SessionOver(message));
            }
            (ClientEvent::Message { msg, .. }, Screen::Console(c)) => c.update(TeamEvent::Server(msg)),
            (ClientEvent::Message { .. }, Screen::Joining { .. }) => {}
            (ClientEvent::Disconnected { reason, unconfirmed }, Screen::Console(c)) => {
                c.update(TeamEvent::Connection(Connection::Reconnecting(reason)));
                c.update(TeamEvent::Unconfirmed(unconfirmed));
            }
            (ClientEvent::Disconnected { reason, .. }, Screen::Joining { progress }) => {
                *progress = format!("{reason}; trying again...");
            }
            (ClientEvent::Unreachable { reason, .. }, Screen::Console(c)) => {
                let why = format!("cannot reach {}: {reason}", io.addr);
                c.update(TeamEvent::Connection(Connection::Reconnecting(why)));
            }
            (ClientEvent::Unreachable { reason, retry_in }, Screen::Joining { progress }) => {
                *progress = format!(
                    "Cannot reach {} ({reason}); trying again in {:.1} s. Is `ttx serve` running there?",
                    io.addr,
                    retry_in.as_secs_f64()
                );
            }
            (ClientEvent::Refused { code, message }, Screen::Joining { .. }) => {
                return Some(Ended::Refused(code, message));
            }
            (ClientEvent::Refused { message, .. } | ClientEvent::GaveUp { message }, Screen::Console(c)) => {
                c.update(TeamEvent::Connection(Connection::Refused(message)));
            }
            (ClientEvent::GaveUp { message }, Screen::Joining { .. }) => {
                return Some(Ended::GaveUp(message));
            }
        }
    }
}

/// What the server keeps for the team, from a full view, for the console.
fn restore(mirror: client::Mirror) -> TeamEvent {
    TeamEvent::Restore {
        history: mirror.history,
        confidence_low: mirror.confidence_low,
        messages: mirror.messages,
    }
}
