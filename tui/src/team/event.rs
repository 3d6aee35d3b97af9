//! What changes a team console besides its keys: the server's messages, new views and what
//! comes with a full view, the connection's state and the screen's size, as [`TeamEvent`]s
//! that [`TeamConsole::update`] takes.

use std::sync::Arc;

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ttx_engine::command::CommandOutcome;
use ttx_engine::talk::Message;
use ttx_engine::view::{Directory, TeamView};
use ttx_protocol::{ExerciseClock, ServerMsg, TeamCommand};

use super::{
    Connection, HISTORY_KEPT, Level, RequestState, TeamConsole, TeamOverlay, clock_of, outcome_text,
    team_catalog,
};
use crate::team_keys::TeamAction;

/// What changes a team console. [`TeamConsole::update`] takes each.
#[derive(Clone, Debug, PartialEq)]
pub enum TeamEvent {
    /// A key press: the action it stands for now is applied (once the session has ended, any
    /// key leaves).
    Key(KeyEvent),
    /// An action, as a key gives it, or real time passing ([`TeamAction::Tick`]).
    Action(TeamAction),
    /// A message from the server: an answer to one of the console's requests (`ack`,
    /// `refused`, `held`, `decision`, `done`, `delivered`), where the exercise stands
    /// (`clock`), a correction to an inject the team received, a message to or from the team,
    /// or the end of the session (`ended`). Other messages change nothing.
    Server(ServerMsg),
    /// A new view of the team (a full view, or one rebuilt from a delta).
    View(Box<TeamView>),
    /// The server's directory of what the team's commands may name beyond its own actors
    /// (it comes with a full view).
    Directory(Arc<Directory>),
    /// What the server keeps for the team and sends with every full view (on joining and
    /// joining again).
    Restore {
        /// The team's commands as the server recorded them.
        history: Vec<TeamCommand>,
        /// The lowest public confidence so far.
        confidence_low: Option<f64>,
        /// The team's messages, sent and received, oldest first.
        messages: Vec<Message>,
    },
    /// The connection's state changed (the end of the session comes as the server's `ended`).
    Connection(Connection),
    /// The connection broke before these requests (the console's numbers) were answered:
    /// they may or may not have been recorded.
    Unconfirmed(Vec<u64>),
    /// The size of the screen the console is drawn on (scrolling stops where the last
    /// entries fill the team panel).
    Resize(Rect),
}

impl From<TeamAction> for TeamEvent {
    fn from(a: TeamAction) -> TeamEvent {
        TeamEvent::Action(a)
    }
}

impl From<KeyEvent> for TeamEvent {
    fn from(k: KeyEvent) -> TeamEvent {
        TeamEvent::Key(k)
    }
}

impl TeamConsole {
    /// Applies what the connection brought (keys and actions go to `update`).
    pub(super) fn news(&mut self, event: TeamEvent) {
        match event {
            TeamEvent::Key(_) | TeamEvent::Action(_) => self.update(event),
            TeamEvent::Server(msg) => self.server_message(msg),
            TeamEvent::View(view) => self.set_view(*view),
            TeamEvent::Directory(directory) => self.directory = directory,
            TeamEvent::Restore { history, confidence_low, messages } => {
                self.restore(history, confidence_low);
                self.messages = messages;
            }
            TeamEvent::Connection(c) => self.set_connection(c),
            TeamEvent::Unconfirmed(ids) => self.unconfirmed(&ids),
            TeamEvent::Resize(screen) => {
                self.screen = Some(screen);
                self.panel_scroll = self.panel_scroll.min(self.panel_max_scroll());
            }
        }
    }

    /// A message from the server.
    fn server_message(&mut self, msg: ServerMsg) {
        match msg {
            ServerMsg::Clock(clock) => self.set_clock(clock),
            ServerMsg::Correction { title, time, text, .. } => {
                self.set_status(Level::Warn, format!("Correction at {time} to \"{title}\": {text}"));
            }
            ServerMsg::Message { message } => self.message_arrived(message),
            ServerMsg::Delivered { id, .. } => {
                self.message_answer(id, None);
            }
            ServerMsg::Ended { message, metrics, .. } => {
                self.set_connection(Connection::Ended { message, metrics });
            }
            ServerMsg::Refused { id, ref message, .. } if self.message_answer(id, Some(message)) => {}
            answer => self.answer(answer),
        }
    }

    /// The server told where the exercise stands; a module break's pause is announced.
    fn set_clock(&mut self, clock: ExerciseClock) {
        let was = self.clock_state.take();
        let starts = clock.discussion && was.is_none_or(|w| !w.discussion);
        let title = clock.module.clone().unwrap_or_default();
        self.clock_state = Some(clock);
        if starts {
            self.set_status(
                Level::Warn,
                format!("Paused for discussion: the questions of {title} are in the team panel (4)."),
            );
        }
    }

    /// Reports the connection's state.
    fn set_connection(&mut self, c: Connection) {
        if c == self.connection {
            return;
        }
        match &c {
            Connection::Connected => self.set_status(Level::Info, "Connected again; the view is up to date."),
            Connection::Reconnecting(why) => {
                self.set_status(Level::Warn, format!("Connection lost ({why}); reconnecting with your code."))
            }
            Connection::Refused(why) => {
                self.set_status(Level::Error, format!("The server refused this console: {why}"))
            }
            Connection::Ended { message, .. } => {
                // The end takes the whole screen's attention: no window stays open over it.
                self.overlay = None;
                self.set_status(Level::Warn, format!("The session has ended: {message}. Any key leaves."))
            }
        }
        self.connection = c;
    }

    /// Takes a new view of the team (a full view, or one rebuilt from a delta).
    fn set_view(&mut self, view: TeamView) {
        let old_inbox = self.view.inbox.len();
        let fresh: Vec<CommandOutcome> = view
            .outcomes
            .iter()
            .filter(|o| !self.view.outcomes.iter().any(|x| x.seq == o.seq))
            .cloned()
            .collect();
        let clock = clock_of(&view);
        if self.confidence.last().is_none_or(|(t, _)| *t != view.tick) {
            self.confidence.push((view.tick, view.confidence));
            if self.confidence.len() > HISTORY_KEPT {
                self.confidence.drain(..self.confidence.len() - HISTORY_KEPT);
            }
        }
        let new_messages = view.inbox.len().saturating_sub(old_inbox);
        let ended = view.finished && !self.view.finished;
        self.view = view;
        // Keep the selection on the same message as new ones arrive above it.
        if new_messages > 0 && self.inbox_sel > 0 {
            self.inbox_sel += new_messages;
        }
        self.inbox_sel = self.inbox_sel.min(self.view.inbox.len().saturating_sub(1));
        self.map_sel = self.map_sel.min(self.view.states.len().saturating_sub(1));
        // An open form follows what the team now holds (a new indicator, say).
        if let Some(TeamOverlay::Palette(form)) = &mut self.overlay {
            let catalog = team_catalog(&self.view, &self.directory);
            if catalog != form.catalog {
                let picker = form.picker.take();
                form.catalog = catalog;
                form.rebuild();
                form.picker = picker;
            }
        }
        if let Some(TeamOverlay::Message { index }) = &mut self.overlay {
            *index += new_messages;
        }
        if new_messages > 0 {
            self.ring = self.bell;
        }
        // What matters most goes in the hint bar: our own results, then new messages.
        let ours: Vec<&CommandOutcome> = fresh
            .iter()
            .filter(|o| {
                self.requests
                    .iter()
                    .any(|r| matches!(r.state, RequestState::Accepted { seq, .. } if seq == o.seq))
            })
            .collect();
        if let Some(o) = ours.last() {
            let text = outcome_text(o, clock);
            let level = if o.result.is_ok() { Level::Info } else { Level::Error };
            self.note_on_form(&text, level);
            self.set_status(level, text);
        } else if ended {
            self.set_status(Level::Warn, "The exercise has ended. q leaves the console.");
        } else if new_messages > 0 {
            let title = self.view.inbox.last().map(|m| m.title.clone()).unwrap_or_default();
            let text = if new_messages == 1 {
                format!("New in the inbox: {title}")
            } else {
                format!("{new_messages} new messages in the inbox; the latest: {title}")
            };
            self.set_status(Level::Info, text);
        }
    }
}
