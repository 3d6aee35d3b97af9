//! `ttx join ADDR --observer`: the room display for a projector (ttx-tui's `room`). It joins
//! with the observer code, sends nothing but pings, and redraws whatever the server sends.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};
use tokio::sync::mpsc;
use ttx_engine::view::RoomView;
use ttx_tui::{Theme, room, terminal};

use super::cli::{JoinArgs, join_setup};
use super::client::{self, ClientEvent};
use super::protocol::{ClientMsg, ServerMsg};
use crate::{Failure, Outcome};

/// `ttx join ADDR --observer` without `--headless`.
pub fn join(args: &JoinArgs) -> Outcome {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Failure::input(format!(
            "ttx join --observer is a screen for a projector and needs a terminal, but its input or \
             output is not one here. Add --headless to print what it receives as JSON lines: \
             ttx join {} --observer --code CODE --headless",
            args.addr
        )));
    }
    let (mut target, rt) = join_setup(args)?;
    target.observer = true;
    // Nothing is ever sent but the connection's own pings: the sender stays open and unused.
    let (_send_tx, send_rx) = mpsc::channel::<ClientMsg>(1);
    let (event_tx, mut events) = mpsc::channel::<ClientEvent>(64);
    rt.spawn(client::run_connection(target, None, args.code.clone().unwrap_or_default(), send_rx, event_tx));
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }
    let (mut term, guard) =
        terminal::enter().map_err(|e| Failure::runtime(format!("cannot take over the terminal: {e}")))?;
    let theme = Theme::from_env();
    let mut view: Option<RoomView> = None;
    let mut status = format!("Connecting to {}...", args.addr);
    let result = (|| -> std::io::Result<Option<String>> {
        let keys = terminal::event_channel()?;
        loop {
            if stop.load(Ordering::SeqCst) {
                return Ok(None);
            }
            while let Ok(e) = events.try_recv() {
                match e {
                    ClientEvent::Message { msg: ServerMsg::Room { view: v }, .. } => view = Some(*v),
                    ClientEvent::Message { msg: ServerMsg::Ended { message, .. }, .. } => status = message,
                    ClientEvent::Refused { message, .. } | ClientEvent::GaveUp { message } => {
                        return Ok(Some(message));
                    }
                    ClientEvent::Disconnected { reason, .. } | ClientEvent::Unreachable { reason, .. } => {
                        status = format!("{reason}; trying again...");
                        view = None;
                    }
                    _ => {}
                }
            }
            term.draw(|f| {
                let area = f.area();
                match &view {
                    Some(v) => room::draw(v, theme, area, f.buffer_mut()),
                    None => Paragraph::new(vec![Line::styled(status.clone(), theme.text())])
                        .wrap(Wrap { trim: true })
                        .render(area, f.buffer_mut()),
                }
            })?;
            match keys.recv_timeout(Duration::from_millis(200)) {
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => {
                    let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                    if ctrl_c || matches!(k.code, KeyCode::Char('q') | KeyCode::Esc) {
                        return Ok(None);
                    }
                }
                Ok(_) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(std::io::Error::other("the terminal cannot be read any more"));
                }
            }
        }
    })();
    terminal::close(term, guard);
    rt.shutdown_background();
    match result {
        Err(_) if stop.load(Ordering::SeqCst) => Ok(()),
        Err(e) => Err(Failure::runtime(format!("terminal error: {e}"))),
        Ok(Some(message)) => Err(Failure::input(format!("ttx join: the server refused: {message}"))),
        Ok(None) => {
            let _ = writeln!(std::io::stdout(), "Left the room display.");
            Ok(())
        }
    }
}
