//! The team console: one team's screen, fed over the network.
//!
//! [`TeamConsole`] holds what the team may see (its [`TeamView`], as the
//! server last sent it) and the screen's state. It never talks to the
//! network itself: [`TeamConsole::update`] is where it changes, taking a
//! [`TeamEvent`]: a key, real time passing, or what the connection brings (the
//! server's messages and views, the connection's state). What the team gives
//! (commands, messages, hot-wash items, feedback forms, cancels) becomes the
//! protocol's requests ([`ClientMsg`]) in an outbox the caller drains
//! ([`TeamConsole::take_requests`]) and sends. Drawing is in [`crate::team_ui`].

use std::sync::Arc;
use std::time::Duration;

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ttx_engine::ETime;
use ttx_engine::command::{CommandKind, CommandOutcome};
use ttx_engine::time::Clock;
use ttx_engine::view::{Directory, TeamView};
use ttx_protocol::{ClientMsg, ExerciseClock};

use crate::form::CommandForm;
use crate::hotwash::DebriefForm;
use crate::keys::shared::{answer, cycle, moved, window_scroll};
use crate::keys::{Common, KeyAction};
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
    /// Ring the terminal bell when new messages arrive ([`TeamConsole::take_ring`]).
    pub bell: bool,
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
    /// What the team gave, as the protocol's requests, for the caller to send.
    outbox: Vec<ClientMsg>,
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
    /// Messages sent and not yet answered, by number.
    talk_waiting: Vec<u64>,
}

mod event;
pub mod layout;
mod palette;
pub mod panel;
mod requests;
mod talk;
pub use event::TeamEvent;
pub use palette::team_catalog;
pub use panel::PanelEntry;
pub use requests::{Request, RequestState};
pub use talk::{Draft, draw_talk};

/// How the header writes where the exercise stands: `RUNNING 6 h/s`, `PAUSED`, `PAUSED for
/// discussion`.
pub fn clock_label(clock: &ExerciseClock) -> String {
    match (clock.paused, clock.discussion) {
        (true, true) => "PAUSED for discussion".to_string(),
        (true, false) => "PAUSED".to_string(),
        (false, _) => {
            let tps = clock.ticks_per_second;
            let speed = if tps >= 24.0 && (tps / 24.0).fract() == 0.0 {
                format!("{} day/s", tps / 24.0)
            } else {
                format!("{tps} h/s")
            };
            format!("RUNNING {speed}")
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
            debrief_sent: Vec::new(),
            next_id: 1,
            status: None,
            confidence: vec![(view.tick, view.confidence)],
            last_form: None,
            quit: false,
            directory: Arc::default(),
            confidence_low: None,
            clock_state: None,
            bell: options.bell,
            ring: false,
            messages: Vec::new(),
            draft: Draft::default(),
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

    /// Where the exercise stands, once the server has said.
    pub fn exercise_clock(&self) -> Option<&ExerciseClock> {
        self.clock_state.as_ref()
    }

    /// Whether the terminal bell should ring now (new messages arrived); asking resets it
    /// (the caller's side of an outbox, like [`TeamConsole::take_requests`]).
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

    /// What the team gave since the last call, as the protocol's requests to send, oldest
    /// first: commands, messages, hot-wash items, feedback forms and cancels, each with the
    /// console's number, which the server's answer (a [`TeamEvent::Server`]) echoes.
    pub fn take_requests(&mut self) -> Vec<ClientMsg> {
        std::mem::take(&mut self.outbox)
    }

    /// Queues a hot-wash item, feedback form or cancel, whose answer (`done` or `refused`)
    /// is then awaited.
    fn send_debrief(&mut self, id: u64, request: ClientMsg) {
        self.outbox.push(request);
        self.debrief_sent.push(id);
    }

    /// The console's number for its next request.
    fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
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

    /// The action a key press stands for now (once the session has ended, any key leaves).
    pub fn action_for(&self, key: &KeyEvent) -> Option<TeamAction> {
        if matches!(self.connection, Connection::Ended { .. }) {
            return Some(TeamAction::ForceQuit);
        }
        team_lookup(&self.contexts(), key)
    }

    // ----- what arrives from the server -----

    fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(Status { text: text.into(), level, at: self.elapsed });
    }

    /// The directory the forms use.
    pub fn directory(&self) -> &Arc<Directory> {
        &self.directory
    }

    // ----- updating -----

    /// Applies one event: a key, real time passing, or what the connection brought.
    pub fn update(&mut self, event: impl Into<TeamEvent>) {
        let action = match event.into() {
            TeamEvent::Action(a) => a,
            TeamEvent::Key(k) => match self.action_for(&k) {
                Some(a) => a,
                None => return,
            },
            news => return self.news(news),
        };
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
                self.focus = cycle(&TeamPanel::ORDER, self.focus, action == TeamAction::FocusNext);
            }
            TeamAction::Focus(p) => self.focus = p,
            TeamAction::Common(Common::End) if self.focus != TeamPanel::Log => {}
            TeamAction::Common(c) if c.is_motion() => self.navigate(c),
            TeamAction::Common(Common::Select)
                if self.focus == TeamPanel::Inbox && !self.view.inbox.is_empty() =>
            {
                self.overlay = Some(TeamOverlay::Message { index: self.inbox_sel });
            }
            TeamAction::Common(Common::FilterSeverity) => {
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
                self.overlay =
                    window_scroll(scroll, action.common()).map(|scroll| TeamOverlay::Help { scroll });
            }
            TeamOverlay::ConfirmQuit => match answer(action.common()) {
                Some(yes) => self.quit = yes,
                None => self.overlay = Some(TeamOverlay::ConfirmQuit),
            },
            TeamOverlay::Message { index } => {
                let n = self.view.inbox.len();
                let index = match action {
                    TeamAction::Common(Common::Close) => return,
                    TeamAction::Common(Common::Up) => index.saturating_sub(1),
                    TeamAction::Common(Common::Down) => (index + 1).min(n.saturating_sub(1)),
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
            TeamAction::Common(Common::Close) => return,
            TeamAction::Common(Common::Up) | TeamAction::Common(Common::PrevField) => form.move_field(false),
            TeamAction::Common(Common::Down) | TeamAction::Common(Common::NextField) => form.move_field(true),
            TeamAction::Common(Common::Left) => form.change(false),
            TeamAction::Common(Common::Right) => form.change(true),
            TeamAction::Input(c) => form.input(c),
            TeamAction::Common(Common::Backspace) => form.backspace(),
            TeamAction::Common(Common::Submit) => match form.finish(self.next_id) {
                Ok(request) => {
                    let what = if form.feedback { "Feedback form" } else { "Hot-wash item" };
                    let id = self.next_id();
                    self.send_debrief(id, request);
                    self.set_status(Level::Info, format!("{what} sent."));
                    return;
                }
                Err(e) => form.error = Some(e.to_string()),
            },
            _ => {}
        }
        self.overlay = Some(TeamOverlay::Debrief(Box::new(form)));
    }

    /// An arrow, page, Home or End key on the focused panel.
    fn navigate(&mut self, action: Common) {
        match self.focus {
            TeamPanel::Map => {
                let (dx, dy) = action.map_step();
                self.map_sel = crate::widgets::map::move_selection(&self.view.states, self.map_sel, dx, dy);
            }
            TeamPanel::Inbox => {
                let max = self.view.inbox.len().saturating_sub(1);
                self.inbox_sel = moved(self.inbox_sel, action, 5, max);
            }
            TeamPanel::Log => {
                let n = self.view.log.iter().filter(|l| self.log_filter.matches(l)).count();
                self.log_scroll = moved(self.log_scroll, action, 10, n.saturating_sub(1));
            }
            TeamPanel::Actors => {
                self.panel_scroll = moved(self.panel_scroll, action, 10, self.panel_max_scroll());
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
