//! The team console: one team's screen, fed over the network.
//!
//! [`TeamConsole`] holds what the team may see (its [`TeamView`], as the
//! server last sent it) and the screen's state. It never talks to the
//! network itself: [`TeamConsole::update`] applies a [`TeamAction`] (a key,
//! or real time passing) and queues the commands the team gives in an outbox
//! the caller drains ([`TeamConsole::take_outbox`]) and sends; what comes back
//! arrives through [`TeamConsole::set_view`], [`TeamConsole::answer`] and
//! [`TeamConsole::set_connection`]. Drawing is in [`crate::team_ui`].

use std::sync::Arc;
use std::time::Duration;

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ttx_engine::ETime;
use ttx_engine::command::{Command, CommandKind, CommandOutcome};
use ttx_engine::time::Clock;
use ttx_engine::view::{Directory, TeamView};

use crate::form::CommandForm;
use crate::hotwash::{DebriefForm, DebriefOut};
use crate::team_keys::{TeamAction, TeamContext, TeamPanel, team_lookup};
use crate::theme::Theme;
use crate::widgets::log::LogFilter;

/// How long a status message stays in the hint bar.
const STATUS_FOR: Duration = Duration::from_secs(12);

/// How many of its own commands the console remembers.
const REQUESTS_KEPT: usize = 50;

/// How many points of the confidence history are kept.
const HISTORY_KEPT: usize = 2000;

pub use crate::chrome::{Level, Status};

/// The console's connection to the server, as the caller reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    /// Connected: updates arrive.
    Connected,
    /// The connection broke or the server cannot be reached; the console is trying again.
    Reconnecting(String),
    /// The server refused the console for good (its message); nothing more will arrive.
    Refused(String),
    /// The facilitator ended the session; nothing more will arrive and any key leaves.
    Ended {
        /// In words.
        message: String,
        /// The final figures the team may see, as (label, value).
        metrics: Vec<(String, String)>,
    },
}

/// A window over the main screen.
#[derive(Clone, Debug, PartialEq)]
pub enum TeamOverlay {
    /// The keys.
    Help {
        /// Lines scrolled.
        scroll: u16,
    },
    /// Leave?
    ConfirmQuit,
    /// An inbox message in full (position from the newest).
    Message {
        /// 0 is the newest message.
        index: usize,
    },
    /// The command palette.
    Palette(Box<CommandForm>),
    /// A hot-wash item or the Participant Feedback Form.
    Debrief(Box<DebriefForm>),
    /// The messages window.
    Talk,
}

/// Options for a new team console.
#[derive(Clone, Debug, Default)]
pub struct TeamOptions {
    /// Colours.
    pub theme: Theme,
    /// The server's address, to show.
    pub server: String,
}

/// The team console's state.
pub struct TeamConsole {
    view: TeamView,
    theme: Theme,
    server: String,
    connection: Connection,
    elapsed: Duration,
    focus: TeamPanel,
    map_sel: usize,
    inbox_sel: usize,
    log_scroll: usize,
    log_filter: LogFilter,
    panel_scroll: usize,
    screen: Option<Rect>,
    overlay: Option<TeamOverlay>,
    requests: Vec<Request>,
    outbox: Vec<(u64, Command)>,
    debrief_out: Vec<(u64, DebriefOut)>,
    /// Debrief messages sent and not yet answered, by number.
    debrief_sent: Vec<u64>,
    next_id: u64,
    status: Option<Status>,
    confidence: Vec<(u32, f64)>,
    last_form: Option<(Option<String>, Option<CommandKind>)>,
    quit: bool,
    directory: Arc<Directory>,
    confidence_low: Option<f64>,
    clock_state: Option<ExerciseClock>,
    bell: bool,
    ring: bool,
    messages: Vec<ttx_engine::talk::Message>,
    draft: talk::Draft,
    talk_out: Vec<talk::OutgoingMessage>,
    talk_waiting: Vec<u64>,
}

pub mod layout;
mod palette;
pub mod panel;
mod requests;
mod talk;
pub use palette::team_catalog;
pub use panel::PanelEntry;
pub use requests::{Request, RequestState};
pub use talk::{Draft, OutgoingMessage, draw_talk};

/// Where the exercise stands, as the server tells team consoles.
#[derive(Clone, Debug, PartialEq)]
pub struct ExerciseClock {
    /// The clock is stopped.
    pub paused: bool,
    /// Simulated hours per real second.
    pub ticks_per_second: f64,
    /// Stopped at a module break for its discussion.
    pub discussion: bool,
    /// The module being discussed (the one that just ended).
    pub module: Option<String>,
    /// Its discussion questions.
    pub questions: Vec<String>,
}

impl ExerciseClock {
    /// How the header writes it: `RUNNING 6 h/s`, `PAUSED`, `PAUSED for discussion`.
    pub fn label(&self) -> String {
        match (self.paused, self.discussion) {
            (true, true) => "PAUSED for discussion".to_string(),
            (true, false) => "PAUSED".to_string(),
            (false, _) => {
                let tps = self.ticks_per_second;
                let speed = if tps >= 24.0 && (tps / 24.0).fract() == 0.0 {
                    format!("{} day/s", tps / 24.0)
                } else {
                    format!("{tps} h/s")
                };
                format!("RUNNING {speed}")
            }
        }
    }
}

/// The scenario clock of a view: enough to date the ticks of its outcomes.
pub fn clock_of(view: &TeamView) -> Clock {
    let start = ETime(view.time.0 - i64::from(view.tick));
    Clock { start, end: view.time }
}

impl TeamConsole {
    /// A console for a team, from the first view the server sent.
    pub fn new(view: TeamView, options: TeamOptions) -> TeamConsole {
        let mut c = TeamConsole {
            theme: options.theme,
            server: options.server,
            connection: Connection::Connected,
            elapsed: Duration::ZERO,
            focus: TeamPanel::Inbox,
            map_sel: 0,
            inbox_sel: 0,
            log_scroll: 0,
            log_filter: LogFilter::default(),
            panel_scroll: 0,
            screen: None,
            overlay: None,
            requests: Vec::new(),
            outbox: Vec::new(),
            debrief_out: Vec::new(),
            debrief_sent: Vec::new(),
            next_id: 1,
            status: None,
            confidence: vec![(view.tick, view.confidence)],
            last_form: None,
            quit: false,
            directory: Arc::default(),
            confidence_low: None,
            clock_state: None,
            bell: false,
            ring: false,
            messages: Vec::new(),
            draft: Draft::default(),
            talk_out: Vec::new(),
            talk_waiting: Vec::new(),
            view,
        };
        // Start on a state the team plays in, if any.
        let own: Vec<&str> = c.own_states();
        c.map_sel = c
            .view
            .states
            .iter()
            .position(|s| own.contains(&s.postal.as_str()))
            .unwrap_or_else(|| crate::widgets::map::first_state(&c.view.states));
        c.set_status(
            Level::Info,
            format!("Joined as {}. c gives a command, ? shows every key.", c.view.name),
        );
        c
    }

    // ----- where the exercise stands -----

    /// The server told where the exercise stands; a module break's pause is announced.
    pub fn set_clock(&mut self, clock: ExerciseClock) {
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

    /// Where the exercise stands, once the server has said.
    pub fn exercise_clock(&self) -> Option<&ExerciseClock> {
        self.clock_state.as_ref()
    }

    /// Rings the terminal bell when new messages arrive (on or off).
    pub fn set_bell(&mut self, on: bool) {
        self.bell = on;
    }

    /// Whether the terminal bell should ring now (new messages arrived); asking resets it.
    pub fn take_ring(&mut self) -> bool {
        std::mem::take(&mut self.ring)
    }

    /// The inject the players were told of in the last simulated day, if any (an inbox
    /// message with no sender and no indicator).
    pub fn latest_inject(&self) -> Option<&ttx_engine::view::InboxItem> {
        let recent = self.view.tick.saturating_sub(24);
        self.view.inbox.iter().rev().find(|m| m.from.is_none() && m.indicator.is_none() && m.tick >= recent)
    }

    // ----- reading -----

    /// The team's view as of the last update.
    pub fn view(&self) -> &TeamView {
        &self.view
    }

    /// The colours.
    pub fn theme(&self) -> Theme {
        self.theme
    }

    /// The server's address.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The connection, as last reported.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// Real time since the console started.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The focused panel.
    pub fn focus(&self) -> TeamPanel {
        self.focus
    }

    /// The selected state (index into the view's states).
    pub fn map_selection(&self) -> usize {
        self.map_sel
    }

    /// The selected inbox message, counted from the newest.
    pub fn inbox_selection(&self) -> usize {
        self.inbox_sel
    }

    /// Log lines scrolled past.
    pub fn log_scroll(&self) -> usize {
        self.log_scroll
    }

    /// The log filter.
    pub fn log_filter(&self) -> &LogFilter {
        &self.log_filter
    }

    /// Entries of the team panel (4) scrolled past.
    pub fn panel_scroll(&self) -> usize {
        self.panel_scroll
    }

    /// The window on top, if any.
    pub fn overlay(&self) -> Option<&TeamOverlay> {
        self.overlay.as_ref()
    }

    /// The commands this console sent, oldest first.
    pub fn requests(&self) -> &[Request] {
        &self.requests
    }

    /// The lowest public confidence so far: the server's figure (with the views seen since).
    pub fn confidence_low(&self) -> f64 {
        let seen = self.confidence.iter().map(|(_, x)| *x).fold(self.view.confidence, f64::min);
        self.confidence_low.map_or(seen, |low| low.min(seen))
    }

    /// Public confidence at each update seen: (tick, points).
    pub fn confidence_history(&self) -> &[(u32, f64)] {
        &self.confidence
    }

    /// The clock, to date outcomes.
    pub fn clock(&self) -> Clock {
        clock_of(&self.view)
    }

    /// The scenario clock as the team reads it: the next hour to be simulated, or the
    /// scenario's last hour once the exercise has ended.
    pub fn time(&self) -> ETime {
        if self.view.finished { ETime(self.view.time.0 - 1) } else { self.view.time }
    }

    /// The status message, while it is fresh.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref().filter(|s| self.elapsed.saturating_sub(s.at) < STATUS_FOR)
    }

    /// Whether the team asked to leave.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Commands given since the last call, with the console's number for each, to send.
    pub fn take_outbox(&mut self) -> Vec<(u64, Command)> {
        std::mem::take(&mut self.outbox)
    }

    /// Hot-wash items, feedback forms and cancels to send, with the console's numbers.
    pub fn take_debrief(&mut self) -> Vec<(u64, DebriefOut)> {
        std::mem::take(&mut self.debrief_out)
    }

    fn send_debrief(&mut self, out: DebriefOut) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.debrief_out.push((id, out));
        self.debrief_sent.push(id);
        id
    }
    /// The postal codes of the states the team has assets in.
    pub fn own_states(&self) -> Vec<&str> {
        self.view
            .states
            .iter()
            .filter(|s| s.counts.iter().sum::<u32>() > 0)
            .map(|s| s.postal.as_str())
            .collect()
    }

    /// The contexts that decide what a key does now, most specific first.
    pub fn contexts(&self) -> Vec<TeamContext> {
        match &self.overlay {
            Some(TeamOverlay::Help { .. }) => vec![TeamContext::Help],
            Some(TeamOverlay::ConfirmQuit) => vec![TeamContext::Confirm],
            Some(TeamOverlay::Message { .. }) => vec![TeamContext::Message],
            Some(TeamOverlay::Talk) => vec![TeamContext::Talk],
            Some(TeamOverlay::Palette(f)) if f.picker.is_some() => vec![TeamContext::Picker],
            Some(TeamOverlay::Palette(_)) => vec![TeamContext::Palette],
            Some(TeamOverlay::Debrief(_)) => vec![TeamContext::Debrief],
            None => vec![self.focus.context(), TeamContext::Main],
        }
    }

    /// The action a key press stands for now.
    pub fn action_for(&self, key: &KeyEvent) -> Option<TeamAction> {
        team_lookup(&self.contexts(), key)
    }

    /// Handles a key press: its action, if any, is applied. Returns the action. Once the
    /// session has ended, any key leaves.
    pub fn handle_key(&mut self, key: &KeyEvent) -> Option<TeamAction> {
        if matches!(self.connection, Connection::Ended { .. }) {
            self.quit = true;
            return Some(TeamAction::ForceQuit);
        }
        let a = self.action_for(key)?;
        self.update(a);
        Some(a)
    }

    // ----- what arrives from the server -----

    fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(Status { text: text.into(), level, at: self.elapsed });
    }

    /// Reports the connection's state.
    pub fn set_connection(&mut self, c: Connection) {
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

    /// The directory the forms use.
    pub fn directory(&self) -> &Arc<Directory> {
        &self.directory
    }

    /// Takes the server's directory of what the team's commands may name (with a full view).
    pub fn set_directory(&mut self, directory: Arc<Directory>) {
        self.directory = directory;
    }
    /// Takes a new view of the team (a full view, or one rebuilt from a delta).
    pub fn set_view(&mut self, view: TeamView) {
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
    /// The facilitator corrected an inject the team received: says so on the status line.
    pub fn correction(&mut self, title: &str, time: &str, text: &str) {
        self.set_status(Level::Warn, format!("Correction at {time} to \"{title}\": {text}"));
    }

    // ----- updating -----

    /// Applies one action.
    pub fn update(&mut self, action: TeamAction) {
        match action {
            TeamAction::Tick(d) => self.elapsed += d,
            TeamAction::ForceQuit => self.quit = true,
            _ => match self.overlay.take() {
                None => self.update_main(action),
                Some(o) => self.update_overlay(o, action),
            },
        }
    }

    fn update_main(&mut self, action: TeamAction) {
        match action {
            TeamAction::Palette => self.open_palette(None),
            TeamAction::Talk => self.open_talk(),
            TeamAction::TemplateInject => {
                if self.view.templates.is_empty() {
                    self.set_status(
                        Level::Warn,
                        "Only the red and white cells make injects from templates; this team has none.",
                    );
                } else {
                    self.open_palette(Some(CommandKind::InjectFromTemplate));
                }
            }
            TeamAction::FocusNext | TeamAction::FocusPrev => {
                let order = TeamPanel::ORDER;
                let i = order.iter().position(|p| *p == self.focus).unwrap_or(0);
                let d = if action == TeamAction::FocusNext { 1 } else { order.len() - 1 };
                self.focus = order[(i + d) % order.len()];
            }
            TeamAction::Focus(p) => self.focus = p,
            TeamAction::Up
            | TeamAction::Down
            | TeamAction::Left
            | TeamAction::Right
            | TeamAction::PageUp
            | TeamAction::PageDown => self.navigate(action),
            TeamAction::Home => match self.focus {
                TeamPanel::Inbox => self.inbox_sel = 0,
                TeamPanel::Log => self.log_scroll = 0,
                TeamPanel::Actors => self.panel_scroll = 0,
                TeamPanel::Map => {}
            },
            TeamAction::End if self.focus == TeamPanel::Log => {
                let n = self.view.log.iter().filter(|l| self.log_filter.matches(l)).count();
                self.log_scroll = n.saturating_sub(1);
            }
            TeamAction::Select if self.focus == TeamPanel::Inbox && !self.view.inbox.is_empty() => {
                self.overlay = Some(TeamOverlay::Message { index: self.inbox_sel });
            }
            TeamAction::FilterSeverity => {
                self.log_filter.cycle_severity();
                self.log_scroll = 0;
            }
            TeamAction::Help => {
                self.status = None;
                self.overlay = Some(TeamOverlay::Help { scroll: 0 });
            }
            TeamAction::HotWash => {
                self.overlay = Some(TeamOverlay::Debrief(Box::new(DebriefForm::hot_wash())))
            }
            TeamAction::FeedbackForm => {
                self.overlay = Some(TeamOverlay::Debrief(Box::new(DebriefForm::feedback())));
            }
            TeamAction::CancelLatest => self.cancel_latest(),
            TeamAction::Quit => {
                self.status = None;
                self.overlay = Some(TeamOverlay::ConfirmQuit);
            }
            _ => {}
        }
    }

    fn update_overlay(&mut self, overlay: TeamOverlay, action: TeamAction) {
        match overlay {
            TeamOverlay::Help { scroll } => {
                let scroll = match action {
                    TeamAction::Close => return,
                    TeamAction::Up => scroll.saturating_sub(1),
                    TeamAction::Down => scroll.saturating_add(1),
                    TeamAction::PageUp => scroll.saturating_sub(10),
                    TeamAction::PageDown => scroll.saturating_add(10),
                    _ => scroll,
                };
                self.overlay = Some(TeamOverlay::Help { scroll });
            }
            TeamOverlay::ConfirmQuit => match action {
                TeamAction::Confirm => self.quit = true,
                TeamAction::Close => {}
                _ => self.overlay = Some(TeamOverlay::ConfirmQuit),
            },
            TeamOverlay::Message { index } => {
                let n = self.view.inbox.len();
                let index = match action {
                    TeamAction::Close => return,
                    TeamAction::Up => index.saturating_sub(1),
                    TeamAction::Down => (index + 1).min(n.saturating_sub(1)),
                    _ => index,
                };
                self.inbox_sel = index;
                self.overlay = Some(TeamOverlay::Message { index });
            }
            TeamOverlay::Palette(form) => self.update_palette(*form, action),
            TeamOverlay::Debrief(form) => self.update_debrief(*form, action),
            TeamOverlay::Talk => self.update_talk(action),
        }
    }

    fn update_debrief(&mut self, mut form: DebriefForm, action: TeamAction) {
        match action {
            TeamAction::Close => return,
            TeamAction::Up | TeamAction::PrevField => form.move_field(false),
            TeamAction::Down | TeamAction::NextField => form.move_field(true),
            TeamAction::Left => form.change(false),
            TeamAction::Right => form.change(true),
            TeamAction::Input(c) => form.input(c),
            TeamAction::Backspace => form.backspace(),
            TeamAction::Submit => match form.finish() {
                Ok(out) => {
                    let what = if form.feedback { "Feedback form" } else { "Hot-wash item" };
                    self.send_debrief(out);
                    self.set_status(Level::Info, format!("{what} sent."));
                    return;
                }
                Err(e) => form.error = Some(e.to_string()),
            },
            _ => {}
        }
        self.overlay = Some(TeamOverlay::Debrief(Box::new(form)));
    }

    fn navigate(&mut self, action: TeamAction) {
        match self.focus {
            TeamPanel::Map => {
                let (dx, dy) = match action {
                    TeamAction::Left => (-1, 0),
                    TeamAction::Right => (1, 0),
                    TeamAction::Up => (0, -1),
                    TeamAction::Down => (0, 1),
                    _ => (0, 0),
                };
                self.map_sel = crate::widgets::map::move_selection(&self.view.states, self.map_sel, dx, dy);
            }
            TeamPanel::Inbox => {
                let n = self.view.inbox.len();
                if n > 0 {
                    self.inbox_sel = match action {
                        TeamAction::Up => self.inbox_sel.saturating_sub(1),
                        TeamAction::PageUp => self.inbox_sel.saturating_sub(5),
                        TeamAction::Down => (self.inbox_sel + 1).min(n - 1),
                        TeamAction::PageDown => (self.inbox_sel + 5).min(n - 1),
                        _ => self.inbox_sel,
                    };
                }
            }
            TeamPanel::Log => {
                let n = self.view.log.iter().filter(|l| self.log_filter.matches(l)).count();
                let max = n.saturating_sub(1);
                self.log_scroll = match action {
                    TeamAction::Up => self.log_scroll.saturating_sub(1),
                    TeamAction::PageUp => self.log_scroll.saturating_sub(10),
                    TeamAction::Down => (self.log_scroll + 1).min(max),
                    TeamAction::PageDown => (self.log_scroll + 10).min(max),
                    _ => self.log_scroll,
                };
            }
            TeamPanel::Actors => {
                let max = self.panel_max_scroll();
                self.panel_scroll = match action {
                    TeamAction::Up => self.panel_scroll.saturating_sub(1),
                    TeamAction::PageUp => self.panel_scroll.saturating_sub(10),
                    TeamAction::Down => (self.panel_scroll + 1).min(max),
                    TeamAction::PageDown => (self.panel_scroll + 10).min(max),
                    _ => self.panel_scroll,
                };
            }
        }
    }
}
/// An outcome in words: applied, or rejected with the engine's reason.
pub fn outcome_text(o: &CommandOutcome, clock: Clock) -> String {
    match &o.result {
        Ok(()) => format!("Applied at {}: {}.", clock.at(o.tick), o.command.summary()),
        Err(r) => format!("Rejected at {}: {}: {r}.", clock.at(o.tick), o.command.summary()),
    }
}
