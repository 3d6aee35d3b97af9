//! The facilitator console: its state and the update that applies [`Event`]s.
//!
//! [`Console`] holds everything the screen shows and a [`Session`], which runs
//! the exercise: a local one (`ttx play`) owns the running [`Sim`], moves it on
//! its own clock and turns what the facilitator records into journal records
//! the caller writes; a hosted one (`ttx serve`) states the same things as the
//! protocol's requests for the server, which owns the clock and the journal.
//! [`Console::update`] is where the console changes: a key's [`Action`], real
//! time passing ([`Action::Tick`], which never reaches the engine), or news
//! from the program around it ([`Event`]: the server's answers and status, the
//! journal writer's health). Besides, the program drains the outboxes
//! ([`Console::take_records`], [`Console::take_requests`]), and the server
//! that hosts the console steps its simulation through [`Console::sim_mut`].
//! Drawing is in [`crate::ui`].
//!
//! The parts: `session` (local or hosted), `clock` (the clock keys and what
//! follows a move), `injects` (commands and the inject queue), `palette`,
//! `discussion`, `whatif`, `host` (the server's news and the approvals
//! window), `notes` and `talk`.

use std::time::Duration;

use ratatui::crossterm::event::KeyEvent;
use ttx_engine::command::{Command, CommandKind, CommandOutcome};
use ttx_engine::journal::Record;
use ttx_engine::view::{FacilitatorView, InjectView, LogLine, StateDetail};
use ttx_engine::{ETime, Sim};

use crate::form::CommandForm;
use crate::keys::shared::{answer, cycle, moved, window_scroll};
use crate::keys::{Action, Common, Context, KeyAction, lookup};
use crate::theme::Theme;
use crate::widgets::log::LogFilter;
use crate::widgets::sharing::Measure;

/// Run speeds: simulated hours per real second, and how the header writes them.
pub const SPEEDS: [(f64, &str); 6] =
    [(1.0, "1 h/s"), (3.0, "3 h/s"), (6.0, "6 h/s"), (12.0, "12 h/s"), (24.0, "1 day/s"), (72.0, "3 days/s")];

/// The speed a console starts at (an index into [`SPEEDS`]).
pub const DEFAULT_SPEED: usize = 2;

/// Most hours simulated for one tick of real time, so the screen stays responsive.
const MAX_STEPS_PER_TICK: u32 = 240;

/// How long a status message stays in the hint bar.
const STATUS_FOR: Duration = Duration::from_secs(12);

/// The panels of the main screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The US map.
    Map,
    /// The inject queue.
    Injects,
    /// The event log.
    Log,
}

impl Panel {
    const ORDER: [Panel; 3] = [Panel::Map, Panel::Injects, Panel::Log];

    fn context(self) -> Context {
        match self {
            Panel::Map => Context::Map,
            Panel::Injects => Context::Injects,
            Panel::Log => Context::Log,
        }
    }
}

pub use crate::chrome::{Level, Status};

mod clock;
mod discussion;
mod host;
mod injects;
mod notes;
mod palette;
mod session;
mod talk;
mod whatif;
pub use discussion::{Discussion, HOT_WASH};
pub use host::Event;
pub use notes::{CorrectionInput, NotesWindow, draw_correction, draw_notes};
pub use session::{Cancel, Host, Hosted, JoinCode, Local, Session};
pub use talk::{CONTROL_NAME, Compose, MessagesWindow, draw_bookmark, draw_messages};
use whatif::WhatifJob;
pub use whatif::{WhatifFailure, WhatifFn, WhatifResult, WhatifRunner};

/// A note saved this session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedNote {
    /// Module position.
    pub module: usize,
    /// Question number, none for a general note.
    pub question: Option<usize>,
    /// When it was written (scenario time).
    pub time: ETime,
    /// The note (its last text).
    pub text: String,
    /// The facilitator edited it.
    pub edited: bool,
    /// The facilitator deleted it.
    pub deleted: bool,
}

/// A window over the main screen.
#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    /// The keys.
    Help {
        /// Lines scrolled.
        scroll: u16,
    },
    /// Quit?
    ConfirmQuit,
    /// Skip this inject?
    ConfirmSkip(String),
    /// What an inject would do.
    Preview {
        /// Inject id.
        id: String,
        /// The engine's preview.
        lines: Vec<String>,
        /// Lines scrolled.
        scroll: u16,
    },
    /// A state's jurisdictions and assets.
    StateDetail {
        /// The detail.
        detail: Box<StateDetail>,
        /// Lines scrolled.
        scroll: u16,
    },
    /// The command palette.
    Palette(Box<CommandForm>),
    /// Module discussion.
    Discussion(Discussion),
    /// The teams, their join codes and the consoles connected (hosted consoles only).
    Teams {
        /// Lines scrolled.
        scroll: u16,
    },
    /// Player-made injects waiting for the facilitator's approval (hosted consoles only).
    Approvals {
        /// The one selected.
        selected: usize,
        /// The reason being typed for denying it (`n` starts one).
        reason: Option<crate::input::TextInput>,
    },
    /// A bookmark being typed.
    Bookmark(crate::input::TextInput),
    /// The messages between the teams and control, and one being written.
    Messages(Box<MessagesWindow>),
    /// The notes of the session, to edit or delete.
    Notes(Box<NotesWindow>),
    /// A correction being written to a fired inject.
    Correction(Box<CorrectionInput>),
    /// The what-if results: the session's decisions so far, ranked by effect.
    Whatif {
        /// The results, as `ttx whatif` prints them.
        lines: Vec<String>,
        /// Lines scrolled.
        scroll: u16,
    },
}

/// A command the facilitator submitted that has not applied yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiting {
    /// Sequence number.
    pub seq: u64,
    /// The command.
    pub command: Command,
}

/// Options for a new console.
#[derive(Clone, Debug, Default)]
pub struct ConsoleOptions {
    /// Colours.
    pub theme: Theme,
    /// Where the journal is written, to show the facilitator.
    pub journal_path: Option<String>,
    /// Hosted by `ttx serve`: the server owns the clock and the journal, and the console
    /// asks it in protocol requests ([`Console::take_requests`]).
    pub host: Option<Host>,
    /// The what-if analysis of the session so far (the `w` key); none: not offered.
    pub whatif: Option<WhatifRunner>,
}

/// The facilitator console's state.
pub struct Console {
    session: Session,
    theme: Theme,
    journal_path: Option<String>,
    elapsed: Duration,
    view: FacilitatorView,
    log: Vec<LogLine>,
    queue: Vec<InjectView>,
    measures: Vec<Measure>,
    focus: Panel,
    map_sel: usize,
    log_scroll: usize,
    log_filter: LogFilter,
    inject_sel: usize,
    overlay: Option<Overlay>,
    pending_discussion: Option<(usize, String)>,
    discussed: Vec<bool>,
    notes: Vec<SavedNote>,
    waiting: Vec<Waiting>,
    results: Vec<CommandOutcome>,
    status: Option<Status>,
    last_form: Option<(String, Option<String>, Option<CommandKind>)>,
    journal_error: Option<String>,
    quit: bool,
    whatif: Option<WhatifRunner>,
    whatif_job: Option<WhatifJob>,
    whatif_lines: Option<Vec<String>>,
    messages: Vec<ttx_engine::talk::Message>,
}

impl Console {
    /// A console over a simulation (normally fresh, with an hourly series and command checkpoints on).
    pub fn new(sim: Sim, options: ConsoleOptions) -> Console {
        let modules = sim.registry().modules.len();
        let view = sim.facilitator_view();
        let mut c = Console {
            theme: options.theme,
            journal_path: options.journal_path,
            elapsed: Duration::ZERO,
            log: Vec::new(),
            queue: Vec::new(),
            measures: Vec::new(),
            view,
            focus: Panel::Injects,
            map_sel: 0,
            log_scroll: 0,
            log_filter: LogFilter::default(),
            inject_sel: 0,
            overlay: None,
            pending_discussion: None,
            discussed: vec![false; modules],
            notes: Vec::new(),
            waiting: Vec::new(),
            results: Vec::new(),
            status: None,
            last_form: None,
            journal_error: None,
            quit: false,
            whatif: options.whatif,
            whatif_job: None,
            whatif_lines: None,
            messages: Vec::new(),
            session: match options.host {
                Some(host) => Session::new_hosted(sim, host),
                None => Session::new_local(sim),
            },
        };
        c.refresh();
        c.map_sel = crate::widgets::map::first_state(&c.view.states);
        let hello = match c.host() {
            Some(h) => format!(
                "Hosting on {}: j shows the teams' join codes. Space runs or pauses the clock, ? shows every key.",
                h.address
            ),
            None => "Paused at the start. Space runs the clock, n steps one hour, ? shows every key.".into(),
        };
        c.set_status(Level::Info, hello);
        c
    }
    /// The speed as the header writes it.
    pub fn speed_label(&self) -> String {
        self.session.speed_label()
    }

    // ----- reading -----

    /// The simulation.
    pub fn sim(&self) -> &Sim {
        self.session.sim()
    }

    /// Who runs the exercise: this console, or the server that hosts it.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// What the console shows of the server that hosts it, if one does.
    pub fn host(&self) -> Option<&Host> {
        self.session.hosted().map(|h| &h.host)
    }

    /// The simulation, for the server that hosts the console: it steps it and submits the
    /// teams' commands, then tells the console ([`Event::Moved`]).
    pub fn sim_mut(&mut self) -> &mut Sim {
        self.session.sim_mut()
    }

    /// The facilitator's view as of the last change.
    pub fn view(&self) -> &FacilitatorView {
        &self.view
    }

    /// Every log line so far, oldest first.
    pub fn log(&self) -> &[LogLine] {
        &self.log
    }

    /// The injects in queue order.
    pub fn queue(&self) -> &[InjectView] {
        &self.queue
    }

    /// The information-sharing measures.
    pub fn measures(&self) -> &[Measure] {
        &self.measures
    }

    /// The colours.
    pub fn theme(&self) -> Theme {
        self.theme
    }

    /// Whether the scenario clock is running.
    pub fn is_running(&self) -> bool {
        self.session.is_running()
    }

    /// The speed, as an index into [`SPEEDS`].
    pub fn speed(&self) -> usize {
        self.session.speed()
    }

    /// Whether the clock pauses when a scripted inject fires (hosted: the server's setting).
    pub fn auto_pause(&self) -> bool {
        self.session.pause_on_inject()
    }

    /// The scenario clock as the facilitator reads it: the next hour to simulate, or the
    /// scenario's last hour once the exercise has ended.
    pub fn clock(&self) -> ETime {
        session::now(self.sim())
    }

    /// Real time since the console started.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The focused panel.
    pub fn focus(&self) -> Panel {
        self.focus
    }

    /// The selected state (index into the view's states).
    pub fn map_selection(&self) -> usize {
        self.map_sel
    }

    /// The selected row of the inject queue.
    pub fn inject_selection(&self) -> usize {
        self.inject_sel
    }

    /// Log lines scrolled past.
    pub fn log_scroll(&self) -> usize {
        self.log_scroll
    }

    /// The log filter.
    pub fn log_filter(&self) -> &LogFilter {
        &self.log_filter
    }

    /// The window on top, if any.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlay.as_ref()
    }

    /// Notes saved this session.
    pub fn notes(&self) -> &[SavedNote] {
        &self.notes
    }

    /// Commands submitted and not yet applied.
    pub fn waiting(&self) -> &[Waiting] {
        &self.waiting
    }

    /// Outcomes of the facilitator's commands, newest last.
    pub fn results(&self) -> &[CommandOutcome] {
        &self.results
    }

    /// The status message, while it is fresh.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref().filter(|s| self.elapsed.saturating_sub(s.at) < STATUS_FOR)
    }

    /// Where the journal is written.
    pub fn journal_path(&self) -> Option<&str> {
        self.journal_path.as_deref()
    }

    /// The last journal write error, if the journal is failing.
    pub fn journal_error(&self) -> Option<&str> {
        self.journal_error.as_deref()
    }

    /// Whether the facilitator asked to quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Journal records produced since the last call (commands, state hashes, notes), in order
    /// (none when a server hosts the console: it writes the journal).
    pub fn take_records(&mut self) -> Vec<Record> {
        self.session.take_records()
    }

    /// The requests for the server that hosts the console, made since the last call (none in
    /// `ttx play`). The server answers each through [`Event::Server`].
    pub fn take_requests(&mut self) -> Vec<ttx_protocol::ClientMsg> {
        self.session.take_requests()
    }

    /// The last journal line of the session.
    pub fn end_record(&self) -> Record {
        Record::End { tick: self.sim().now().0, hash: format!("{:016x}", self.sim().state_hash()) }
    }

    /// The contexts that decide what a key does now, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        match &self.overlay {
            Some(Overlay::Help { .. }) => vec![Context::Help],
            Some(Overlay::ConfirmQuit | Overlay::ConfirmSkip(_)) => vec![Context::Confirm],
            Some(Overlay::Preview { .. }) => vec![Context::Preview],
            Some(Overlay::StateDetail { .. }) => vec![Context::Detail],
            Some(Overlay::Palette(f)) if f.picker.is_some() => vec![Context::Picker],
            Some(Overlay::Palette(_)) => vec![Context::Palette],
            Some(Overlay::Discussion(_)) => vec![Context::Discussion],
            Some(Overlay::Teams { .. }) => vec![Context::Teams],
            Some(Overlay::Approvals { reason: Some(_), .. }) => vec![Context::DenyReason],
            Some(Overlay::Approvals { .. }) => vec![Context::Approvals],
            Some(Overlay::Whatif { .. }) => vec![Context::Whatif],
            Some(Overlay::Bookmark(_)) => vec![Context::Bookmark],
            Some(Overlay::Messages(w)) if w.compose.is_some() => vec![Context::Compose],
            Some(Overlay::Messages(_)) => vec![Context::Messages],
            Some(Overlay::Notes(w)) if w.edit.is_some() => vec![Context::NoteEdit],
            Some(Overlay::Notes(w)) if w.confirm_delete => vec![Context::Confirm],
            Some(Overlay::Notes(_)) => vec![Context::Notes],
            Some(Overlay::Correction(_)) => vec![Context::Correction],
            None => vec![self.focus.context(), Context::Main],
        }
    }

    /// The action a key press stands for now.
    pub fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        lookup(&self.contexts(), key)
    }

    // ----- updating -----

    fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(Status { text: text.into(), level, at: self.elapsed });
    }

    /// Applies one event: a key, an action, real time passing, or news from the program
    /// around the console (the server's answers and state, the journal writer's health).
    pub fn update(&mut self, event: impl Into<Event>) {
        let action = match event.into() {
            Event::Action(a) => a,
            Event::Key(k) => match self.action_for(&k) {
                Some(a) => a,
                None => return,
            },
            news => return self.news(news),
        };
        if let Action::Tick(d) = action {
            self.tick(d);
            return;
        }
        if action == Action::ForceQuit {
            self.quit = true;
            return;
        }
        match self.overlay.take() {
            None => self.update_main(action),
            Some(o) => self.update_overlay(o, action),
        }
    }

    fn update_main(&mut self, action: Action) {
        match action {
            Action::ToggleRun => self.toggle_run(),
            Action::StepHour => self.step_hour(),
            Action::Faster | Action::Slower => self.change_speed(action == Action::Faster),
            Action::JumpInject => self.jump_to_inject(),
            Action::JumpModule => self.jump_to_module(),
            Action::TogglePauseForApproval => self.toggle_pause_for_approval(),
            Action::Bookmark => self.open_bookmark(),
            Action::Notes => self.open_notes(),
            Action::Correct => self.open_correction(),
            Action::Messages => self.open_messages(),
            Action::ToggleAutoPause => self.toggle_auto_pause(),
            Action::FocusNext | Action::FocusPrev => {
                self.focus = cycle(&Panel::ORDER, self.focus, action == Action::FocusNext);
                self.log_back_to_newest();
            }
            Action::FocusMap => {
                self.focus = Panel::Map;
                self.log_back_to_newest();
            }
            Action::FocusInjects => {
                self.focus = Panel::Injects;
                self.log_back_to_newest();
            }
            Action::FocusLog => self.focus = Panel::Log,
            Action::Common(
                c @ (Common::Up
                | Common::Down
                | Common::Left
                | Common::Right
                | Common::PageUp
                | Common::PageDown),
            ) => self.navigate(c),
            Action::Common(Common::Home) => self.log_scroll = 0,
            Action::Common(Common::End) => {
                let n = self.log.iter().filter(|l| self.log_filter.matches(l)).count();
                self.log_scroll = n.saturating_sub(1);
            }
            Action::Common(Common::Select) => match self.focus {
                Panel::Map => self.open_state_detail(),
                Panel::Injects => self.open_preview(),
                Panel::Log => {}
            },
            Action::FilterTeam => {
                let teams: Vec<String> = self.view.teams.iter().map(|t| t.id.clone()).collect();
                self.log_filter.cycle_team(&teams);
                self.log_scroll = 0;
            }
            Action::Common(Common::FilterSeverity) => {
                self.log_filter.cycle_severity();
                self.log_scroll = 0;
            }
            Action::FireInject => {
                if let Some(id) = self.selected_inject_id() {
                    self.inject_command(Command::FireInject { inject: id });
                }
            }
            Action::HoldInject => self.hold_selected(),
            Action::SkipInject => self.skip_selected(),
            Action::PreviewInject => self.open_preview(),
            Action::CancelQueued => self.cancel_queued(),
            Action::Help => {
                self.status = None;
                self.overlay = Some(Overlay::Help { scroll: 0 });
            }
            Action::Palette => self.open_palette(None),
            Action::AdHoc => self.open_palette(Some(CommandKind::AdHocInject)),
            Action::Discussion => {
                // At a module break the discussion is the one of the module that just ended.
                let m = self.at_boundary().unwrap_or_else(|| self.sim().module().map_or(0, |m| m.ix()));
                self.open_discussion(m, "opened by the facilitator".to_string());
            }
            Action::Quit => {
                self.status = None;
                self.overlay = Some(Overlay::ConfirmQuit);
            }
            Action::Teams | Action::Approvals if self.host().is_none() => {
                self.set_status(
                    Level::Warn,
                    "Teams and approvals are for an exercise hosted with ttx serve.",
                );
            }
            Action::Teams => {
                self.status = None;
                self.overlay = Some(Overlay::Teams { scroll: 0 });
            }
            Action::Approvals => {
                self.status = None;
                self.overlay = Some(Overlay::Approvals { selected: 0, reason: None });
            }
            Action::Whatif => self.whatif(),
            _ => {}
        }
    }

    fn update_overlay(&mut self, overlay: Overlay, action: Action) {
        match overlay {
            Overlay::Bookmark(text) => self.update_bookmark(text, action),
            Overlay::Messages(w) => self.update_messages(w, action),
            Overlay::Notes(w) => self.update_notes(w, action),
            Overlay::Correction(k) => self.update_correction(k, action),
            Overlay::Teams { scroll } => match action {
                Action::Common(Common::Close) => {}
                Action::Common(Common::Up) => {
                    self.overlay = Some(Overlay::Teams { scroll: scroll.saturating_sub(1) })
                }
                Action::Common(Common::Down) => {
                    self.overlay = Some(Overlay::Teams { scroll: scroll.saturating_add(1) })
                }
                _ => self.overlay = Some(Overlay::Teams { scroll }),
            },
            Overlay::Whatif { lines, scroll } => {
                self.overlay =
                    window_scroll(scroll, action.common()).map(|scroll| Overlay::Whatif { lines, scroll });
            }
            Overlay::Approvals { selected, reason } => {
                return self.update_approvals(selected, reason, action);
            }
            Overlay::Help { scroll } => {
                self.overlay = window_scroll(scroll, action.common()).map(|scroll| Overlay::Help { scroll });
            }
            Overlay::ConfirmQuit => match answer(action.common()) {
                Some(yes) => self.quit = yes,
                None => self.overlay = Some(Overlay::ConfirmQuit),
            },
            Overlay::ConfirmSkip(id) => match answer(action.common()) {
                Some(true) => self.inject_command(Command::SkipInject { inject: id }),
                Some(false) => {}
                None => self.overlay = Some(Overlay::ConfirmSkip(id)),
            },
            Overlay::Preview { id, lines, scroll } => match action {
                Action::Common(Common::Close) => {}
                Action::FireInject => self.inject_command(Command::FireInject { inject: id }),
                Action::Common(Common::Up) => {
                    self.overlay = Some(Overlay::Preview { id, lines, scroll: scroll.saturating_sub(1) })
                }
                Action::Common(Common::Down) => {
                    self.overlay = Some(Overlay::Preview { id, lines, scroll: scroll.saturating_add(1) })
                }
                _ => self.overlay = Some(Overlay::Preview { id, lines, scroll }),
            },
            Overlay::StateDetail { detail, scroll } => {
                self.overlay = window_scroll(scroll, action.common())
                    .map(|scroll| Overlay::StateDetail { detail, scroll });
            }
            Overlay::Palette(form) => self.update_palette(*form, action),
            Overlay::Discussion(d) => self.update_discussion(d, action),
        }
        if self.overlay.is_none()
            && let Some((m, why)) = self.pending_discussion.take()
        {
            self.open_discussion(m, why);
        }
    }

    /// An arrow or page key on the focused panel.
    fn navigate(&mut self, action: Common) {
        match self.focus {
            Panel::Map => {
                let (dx, dy) = action.map_step();
                self.map_sel = crate::widgets::map::move_selection(&self.view.states, self.map_sel, dx, dy);
            }
            Panel::Injects => {
                // Left and Right move in the queue too.
                let action = match action {
                    Common::Left => Common::Up,
                    Common::Right => Common::Down,
                    a => a,
                };
                self.inject_sel = moved(self.inject_sel, action, 5, self.queue.len().saturating_sub(1));
            }
            Panel::Log => {
                let n = self.log.iter().filter(|l| self.log_filter.matches(l)).count();
                self.log_scroll = moved(self.log_scroll, action, 10, n.saturating_sub(1));
            }
        }
    }

    /// Leaving the log (or running the clock) shows its newest lines again.
    fn log_back_to_newest(&mut self) {
        if self.focus != Panel::Log {
            self.log_scroll = 0;
        }
    }

    fn selected_inject_id(&self) -> Option<String> {
        self.queue.get(self.inject_sel).map(|i| i.id.clone())
    }

    fn open_state_detail(&mut self) {
        let Some(postal) = self.view.states.get(self.map_sel).map(|s| s.postal.clone()) else { return };
        if let Some(detail) = self.sim().state_detail(&postal) {
            self.status = None;
            self.overlay = Some(Overlay::StateDetail { detail: Box::new(detail), scroll: 0 });
        }
    }

    fn open_preview(&mut self) {
        let Some(id) = self.selected_inject_id() else { return };
        let lines = self.sim().preview_inject(&id).unwrap_or_default();
        self.status = None;
        self.overlay = Some(Overlay::Preview { id, lines, scroll: 0 });
    }
}
