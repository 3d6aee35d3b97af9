//! The facilitator console: its state and the update that applies [`Action`]s.
//!
//! [`Console`] owns the running [`Sim`] and everything the screen shows.
//! [`Console::update`] is the only place state changes: it moves the scenario
//! clock, submits the facilitator's commands (as [`Issuer::Facilitator`]),
//! and queues journal records (commands, state hashes, discussion notes) in an
//! outbox the caller writes to disk. Real elapsed time arrives only as
//! [`Action::Tick`] and never reaches the engine. Drawing is in [`crate::ui`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ratatui::crossterm::event::KeyEvent;
use ttx_engine::command::{Command, CommandKind, CommandOutcome, Issuer, Rejection};
use ttx_engine::debrief::{HotWashKind, check_hot_wash};
use ttx_engine::journal::Record;
use ttx_engine::view::{FacilitatorView, InjectView, LogLine, StateDetail};
use ttx_engine::{ETime, Severity, Sim, Tick};

use crate::form::{CONTROL, Catalog, Choice, CommandForm, FieldKey, FormKey, FormStep, indicator_choice};
use crate::keys::{Action, Context, lookup};
use crate::theme::Theme;
use crate::widgets::injects::{is_upcoming, queue_order};
use crate::widgets::log::LogFilter;
use crate::widgets::sharing::{Measure, measures};

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

mod notes;
mod talk;
pub use notes::{CorrectionInput, NotesWindow, draw_correction, draw_notes};
pub use talk::{CONTROL_NAME, Compose, MessagesWindow, draw_bookmark, draw_messages};

/// The discussion of one module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discussion {
    /// Module position.
    pub module: usize,
    /// Module id.
    pub id: String,
    /// Module title.
    pub title: String,
    /// Why it opened (a module break, the end, or by hand).
    pub reason: String,
    /// The module's objectives.
    pub objectives: Vec<String>,
    /// The module's questions.
    pub questions: Vec<String>,
    /// The question being answered; `questions.len()` is a general note.
    pub selected: usize,
    /// Notes being typed, one per question (and one general).
    pub drafts: Vec<String>,
    /// Where typing goes in each draft, in characters from its start.
    pub cursors: Vec<usize>,
    /// Esc was pressed once with unsaved text.
    pub confirm_discard: bool,
}

/// The hot-wash entries of the discussion window, after the questions and the general note.
pub const HOT_WASH: [HotWashKind; 2] = [HotWashKind::Strength, HotWashKind::Improvement];

impl Discussion {
    /// The hot-wash kind of the entry selected, if it is one.
    pub fn hot_wash(&self) -> Option<HotWashKind> {
        self.selected.checked_sub(self.questions.len() + 1).and_then(|i| HOT_WASH.get(i).copied())
    }
}

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

/// What-if analysis of the session so far (`ttx whatif`'s own code, which the program
/// provides): called on a background thread with a progress callback (continuations done,
/// of how many); returns the results' lines, or why there are none.
pub type WhatifFn = dyn Fn(&(dyn Fn(usize, usize) + Sync)) -> Result<Vec<String>, String> + Send + Sync;

/// The what-if analysis a console can run (see [`WhatifFn`]).
#[derive(Clone)]
pub struct WhatifRunner(pub Arc<WhatifFn>);

impl std::fmt::Debug for WhatifRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WhatifRunner")
    }
}

/// What a finished what-if analysis gives: the results' lines, or why there are none.
type WhatifResult = Result<Vec<String>, String>;

/// A what-if analysis running in the background.
struct WhatifJob {
    /// Continuations done and in all.
    progress: Arc<(AtomicUsize, AtomicUsize)>,
    /// The results, once there.
    result: Arc<Mutex<Option<WhatifResult>>>,
    /// The last progress shown.
    shown: usize,
}

/// What a console hosted by `ttx serve` shows of the server: join codes, consoles
/// connected, held injects, and the server's clock.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Host {
    /// Where consoles connect.
    pub address: String,
    /// One join code per team, and the facilitator's control connection (team `None`).
    pub codes: Vec<JoinCode>,
    /// Consoles connected per team.
    pub consoles: BTreeMap<String, usize>,
    /// Facilitator control connections.
    pub facilitators: usize,
    /// Player-made injects waiting for approval.
    pub pending: Vec<HeldInject>,
    /// The server's clock is stopped.
    pub paused: bool,
    /// The server's speed in simulated hours per real second.
    pub ticks_per_second: f64,
    /// The server stops its clock when a scripted inject fires.
    pub pause_on_inject: bool,
    /// The server stops its clock while a player-made inject waits for approval.
    pub pause_for_approval: bool,
}

/// A team's join code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinCode {
    /// Team id, or none for the facilitator's control connection.
    pub team: Option<String>,
    /// Team name.
    pub name: String,
    /// The code.
    pub code: String,
    /// The code of the read-only room displays (`ttx join --observer`).
    pub observer: bool,
}

/// A player-made inject the server holds for the facilitator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldInject {
    /// Its number on the server.
    pub number: u64,
    /// The team that made it.
    pub team: String,
    /// What it would do.
    pub summary: String,
    /// What it would do if approved now: its title, what the players are told, its effects
    /// with the targets they would pick.
    pub preview: Vec<String>,
}

/// What a hosted console asks of the server that owns the clock and the journal.
#[derive(Clone, Debug, PartialEq)]
pub enum HostRequest {
    /// Stop the clock.
    Pause,
    /// Run the clock.
    Resume,
    /// Simulate this many hours now (stopping at a module break).
    Step(u32),
    /// Set the speed, in simulated hours per real second.
    Speed(f64),
    /// Submit a command as the facilitator (the server journals it, then calls [`Console::queued`]).
    Command(Command),
    /// Journal a discussion note for the current module.
    Note {
        /// The note.
        text: String,
        /// The question it answers, none for a general note.
        question: Option<usize>,
    },
    /// Approve a held inject.
    Approve(u64),
    /// Deny a held inject, with the reason the cell is told.
    Deny(u64, String),
    /// Stop the clock when a scripted inject fires (or keep it running).
    PauseOnInject(bool),
    /// Take back a queued command of the facilitator's before it applies (the server journals
    /// it, then calls [`Console::cancelled`]).
    Cancel(u64),
    /// Stop the clock while a player-made inject waits for approval (or keep it running).
    PauseForApproval(bool),
    /// Journal a hot-wash item for the room.
    HotWash {
        /// Strength or area for improvement.
        kind: HotWashKind,
        /// The item.
        text: String,
    },
    /// Journal a bookmark at this moment.
    Bookmark(String),
    /// Journal a note's new text (notes are numbered from 1 in the order the journal holds them).
    EditNote {
        /// The note's number.
        note: u64,
        /// Its new text.
        text: String,
    },
    /// Journal a note's deletion.
    DeleteNote {
        /// The note's number.
        note: u64,
    },
    /// Journal a correction to a fired inject and tell the teams that received it.
    Correct {
        /// The inject's id.
        inject: String,
        /// The correction.
        text: String,
    },
    /// Send a message to a team, signed as an organisation.
    Message {
        /// The addressee.
        to: ttx_engine::talk::Party,
        /// How it is sent.
        channel: ttx_engine::talk::MessageChannel,
        /// The organisation it is signed as.
        signed: Option<String>,
        /// The text.
        text: String,
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
    /// asks it through [`Console::take_requests`].
    pub host: Option<Host>,
    /// The what-if analysis of the session so far (the `w` key); none: not offered.
    pub whatif: Option<WhatifRunner>,
}

/// The facilitator console's state.
pub struct Console {
    sim: Sim,
    theme: Theme,
    journal_path: Option<String>,
    running: bool,
    speed: usize,
    auto_pause: bool,
    elapsed: Duration,
    carry: f64,
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
    outbox: Vec<Record>,
    last_form: Option<(String, Option<String>, Option<CommandKind>)>,
    journal_error: Option<String>,
    quit: bool,
    host: Option<Host>,
    requests: Vec<HostRequest>,
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
            running: false,
            speed: DEFAULT_SPEED,
            auto_pause: true,
            elapsed: Duration::ZERO,
            carry: 0.0,
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
            outbox: Vec::new(),
            last_form: None,
            journal_error: None,
            quit: false,
            host: options.host,
            requests: Vec::new(),
            whatif: options.whatif,
            whatif_job: None,
            whatif_lines: None,
            messages: Vec::new(),
            sim,
        };
        c.refresh();
        c.map_sel = crate::widgets::map::first_state(&c.view.states);
        let hello = match &c.host {
            Some(h) => format!(
                "Hosting on {}: j shows the teams' join codes. Space runs or pauses the clock, ? shows every key.",
                h.address
            ),
            None => "Paused at the start. Space runs the clock, n steps one hour, ? shows every key.".into(),
        };
        c.set_status(Level::Info, hello);
        c
    }

    // ----- hosting (ttx serve) -----

    /// What the server shows, when the console is hosted by `ttx serve`.
    pub fn host(&self) -> Option<&Host> {
        self.host.as_ref()
    }

    /// The server's news: consoles, held injects, its clock.
    pub fn set_host(
        &mut self,
        consoles: BTreeMap<String, usize>,
        facilitators: usize,
        pending: Vec<HeldInject>,
    ) {
        if let Some(h) = &mut self.host {
            h.consoles = consoles;
            h.facilitators = facilitators;
            h.pending = pending;
        }
        if let Some(Overlay::Approvals { selected, .. }) = &mut self.overlay {
            let n = self.host.as_ref().map_or(0, |h| h.pending.len());
            *selected = (*selected).min(n.saturating_sub(1));
        }
    }

    /// The server's clock: stopped or not, its speed, and whether it stops when a scripted
    /// inject fires.
    pub fn set_host_clock(&mut self, paused: bool, ticks_per_second: f64, pause_on_inject: bool) {
        if let Some(h) = &mut self.host {
            h.paused = paused;
            h.ticks_per_second = ticks_per_second;
            h.pause_on_inject = pause_on_inject;
        }
    }

    /// Whether the server stops its clock while a player-made inject waits for approval.
    pub fn set_pause_for_approval(&mut self, on: bool) {
        if let Some(h) = &mut self.host {
            h.pause_for_approval = on;
        }
    }

    /// The server stopped its clock because a scripted inject fired: says so as `ttx play` does.
    pub fn host_paused_on_inject(&mut self) {
        if let Some(h) = &mut self.host {
            h.paused = true;
        }
        let title = self.last_fired_title().unwrap_or_default();
        self.set_status(Level::Warn, format!("Paused, Space resumes. Inject fired: {title}"));
    }

    /// Takes what the console asked of the server since the last call.
    pub fn take_requests(&mut self) -> Vec<HostRequest> {
        std::mem::take(&mut self.requests)
    }

    /// The server journaled a command the console asked for: it waits for the next hour.
    pub fn queued(&mut self, seq: u64, command: Command) {
        self.waiting.push(Waiting { seq, command });
    }

    /// The server took back a queued command: it no longer waits.
    pub fn cancelled(&mut self, seq: u64) {
        if let Some(i) = self.waiting.iter().position(|w| w.seq == seq) {
            let w = self.waiting.remove(i);
            self.set_status(Level::Info, format!("Taken back: {}.", w.command.summary()));
        }
    }

    /// A message from the server about what the console asked.
    pub fn host_message(&mut self, error: bool, text: impl Into<String>) {
        self.set_status(if error { Level::Error } else { Level::Info }, text);
    }

    /// The simulation, for the server that hosts the console (it steps it and submits commands).
    pub fn sim_mut(&mut self) -> &mut Sim {
        &mut self.sim
    }

    /// After the server moved the clock: outcomes, fresh views, module breaks.
    pub fn moved(&mut self) {
        self.after_move();
        self.outbox.clear();
    }

    fn ask(&mut self, r: HostRequest) {
        self.requests.push(r);
    }

    /// The speed as the header writes it.
    pub fn speed_label(&self) -> String {
        match &self.host {
            Some(h) => match SPEEDS.iter().find(|(v, _)| (*v - h.ticks_per_second).abs() < 1e-9) {
                Some((_, l)) => (*l).to_string(),
                None => format!("{} h/s", h.ticks_per_second),
            },
            None => SPEEDS[self.speed].1.to_string(),
        }
    }

    // ----- reading -----

    /// The simulation.
    pub fn sim(&self) -> &Sim {
        &self.sim
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
        if let Some(h) = &self.host {
            return !h.paused && !self.sim.is_finished();
        }
        self.running
    }

    /// The speed, as an index into [`SPEEDS`].
    pub fn speed(&self) -> usize {
        self.speed
    }

    /// Whether the clock pauses when a scripted inject fires (hosted: the server's setting).
    pub fn auto_pause(&self) -> bool {
        match &self.host {
            Some(h) => h.pause_on_inject,
            None => self.auto_pause,
        }
    }

    /// The scenario clock as the facilitator reads it: the next hour to simulate, or the
    /// scenario's last hour once the exercise has ended.
    pub fn clock(&self) -> ETime {
        if self.sim.is_finished() { self.view.end } else { self.sim.time() }
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

    /// Journal records produced since the last call (commands, state hashes, notes), in order.
    pub fn take_records(&mut self) -> Vec<Record> {
        std::mem::take(&mut self.outbox)
    }

    /// The last journal line of the session.
    pub fn end_record(&self) -> Record {
        Record::End { tick: self.sim.now().0, hash: format!("{:016x}", self.sim.state_hash()) }
    }

    /// Tells the console whether the journal is being written (shown as a warning when not).
    pub fn set_journal_error(&mut self, error: Option<String>) {
        self.journal_error = error;
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

    /// Handles a key press: its action, if any, is applied. Returns the action.
    pub fn handle_key(&mut self, key: &KeyEvent) -> Option<Action> {
        let a = self.action_for(key)?;
        self.update(a);
        Some(a)
    }

    // ----- updating -----

    fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(Status { text: text.into(), level, at: self.elapsed });
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
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
            Action::ToggleRun => {
                if self.sim.is_finished() {
                    self.set_status(
                        Level::Warn,
                        "The exercise has ended. Press q to quit; the journal is saved.",
                    );
                } else if let Some(h) = &mut self.host {
                    let run = h.paused;
                    h.paused = !run;
                    let text = if run {
                        self.requests.push(HostRequest::Resume);
                        format!("Running at {}.", self.speed_label())
                    } else {
                        self.requests.push(HostRequest::Pause);
                        "Paused.".to_string()
                    };
                    self.set_status(Level::Info, text);
                } else {
                    self.running = !self.running;
                    self.carry = 0.0;
                    if self.running {
                        self.log_scroll = 0;
                    }
                    let text = if self.running {
                        format!("Running at {}.", SPEEDS[self.speed].1)
                    } else {
                        "Paused.".to_string()
                    };
                    self.set_status(Level::Info, text);
                }
            }
            Action::StepHour => {
                self.running = false;
                if self.sim.is_finished() {
                    self.set_status(
                        Level::Warn,
                        "The exercise has ended. Press q to quit; the journal is saved.",
                    );
                } else if let Some(h) = &mut self.host {
                    h.paused = true;
                    self.requests.push(HostRequest::Pause);
                    self.requests.push(HostRequest::Step(1));
                } else {
                    self.sim.step();
                    self.after_move();
                }
            }
            Action::Faster | Action::Slower => {
                let faster = action == Action::Faster;
                if let Some(h) = &mut self.host {
                    let now = h.ticks_per_second;
                    let next = if faster {
                        SPEEDS.iter().map(|s| s.0).find(|v| *v > now + 1e-9)
                    } else {
                        SPEEDS.iter().rev().map(|s| s.0).find(|v| *v < now - 1e-9)
                    };
                    if let Some(v) = next {
                        h.ticks_per_second = v;
                        self.requests.push(HostRequest::Speed(v));
                    }
                } else if faster {
                    self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
                } else {
                    self.speed = self.speed.saturating_sub(1);
                }
                self.set_status(Level::Info, format!("Speed {}.", self.speed_label()));
            }
            Action::JumpInject => self.jump_to_inject(),
            Action::JumpModule => self.jump_to_module(),
            Action::TogglePauseForApproval => match &mut self.host {
                None => self.set_status(
                    Level::Warn,
                    "Injects wait for approval only in a served session (ttx serve --approve-injects).",
                ),
                Some(h) => {
                    let on = !h.pause_for_approval;
                    h.pause_for_approval = on;
                    self.requests.push(HostRequest::PauseForApproval(on));
                    self.set_status(
                        Level::Info,
                        if on {
                            "The clock will stop while a player-made inject waits for approval."
                        } else {
                            "The clock will keep running while injects wait for approval."
                        },
                    );
                }
            },
            Action::Bookmark => self.open_bookmark(),
            Action::Notes => self.open_notes(),
            Action::Correct => self.open_correction(),
            Action::Messages => self.open_messages(),
            Action::ToggleAutoPause => {
                let on = !self.auto_pause();
                self.auto_pause = on;
                if let Some(h) = &mut self.host {
                    // The server owns the clock: it stops it when an inject fires.
                    h.pause_on_inject = on;
                    self.requests.push(HostRequest::PauseOnInject(on));
                }
                self.set_status(
                    Level::Info,
                    if on {
                        "The clock will pause when a scripted inject fires."
                    } else {
                        "The clock will keep running when injects fire."
                    },
                );
            }
            Action::FocusNext | Action::FocusPrev => {
                let i = Panel::ORDER.iter().position(|p| *p == self.focus).unwrap_or(0);
                let d = if action == Action::FocusNext { 1 } else { Panel::ORDER.len() - 1 };
                self.focus = Panel::ORDER[(i + d) % Panel::ORDER.len()];
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
            Action::Up | Action::Down | Action::Left | Action::Right | Action::PageUp | Action::PageDown => {
                self.navigate(action)
            }
            Action::Home => self.log_scroll = 0,
            Action::End => {
                let n = self.log.iter().filter(|l| self.log_filter.matches(l)).count();
                self.log_scroll = n.saturating_sub(1);
            }
            Action::Select => match self.focus {
                Panel::Map => self.open_state_detail(),
                Panel::Injects => self.open_preview(),
                Panel::Log => {}
            },
            Action::FilterTeam => {
                let teams: Vec<String> = self.view.teams.iter().map(|t| t.id.clone()).collect();
                self.log_filter.cycle_team(&teams);
                self.log_scroll = 0;
            }
            Action::FilterSeverity => {
                self.log_filter.cycle_severity();
                self.log_scroll = 0;
            }
            Action::FireInject => {
                if let Some(id) = self.selected_inject_id() {
                    self.inject_command(Command::FireInject { inject: id });
                }
            }
            Action::HoldInject => {
                if let Some(inj) = self.queue.get(self.inject_sel).cloned() {
                    let cmd = if inj.state == "held" {
                        Command::ReleaseInject { inject: inj.id }
                    } else {
                        Command::HoldInject { inject: inj.id }
                    };
                    self.inject_command(cmd);
                }
            }
            Action::SkipInject => {
                if let Some(inj) = self.queue.get(self.inject_sel) {
                    if inj.state == "skipped" {
                        // A skip can be taken back: the inject fires when due, or now if overdue.
                        let id = inj.id.clone();
                        self.inject_command(Command::UnskipInject { inject: id });
                    } else if is_upcoming(inj) {
                        self.status = None;
                        self.overlay = Some(Overlay::ConfirmSkip(inj.id.clone()));
                    } else {
                        let why = done_rejection(inj).to_string();
                        self.set_status(Level::Error, format!("Cannot skip: {why}."));
                    }
                }
            }
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
                let m = self.at_boundary().unwrap_or_else(|| self.sim.module().map_or(0, |m| m.ix()));
                self.open_discussion(m, "opened by the facilitator".to_string());
            }
            Action::Quit => {
                self.status = None;
                self.overlay = Some(Overlay::ConfirmQuit);
            }
            Action::Teams | Action::Approvals if self.host.is_none() => {
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
                Action::Close => {}
                Action::Up => self.overlay = Some(Overlay::Teams { scroll: scroll.saturating_sub(1) }),
                Action::Down => self.overlay = Some(Overlay::Teams { scroll: scroll.saturating_add(1) }),
                _ => self.overlay = Some(Overlay::Teams { scroll }),
            },
            Overlay::Whatif { lines, scroll } => {
                let scroll = match action {
                    Action::Close => return,
                    Action::Up => scroll.saturating_sub(1),
                    Action::Down => scroll.saturating_add(1),
                    Action::PageUp => scroll.saturating_sub(10),
                    Action::PageDown => scroll.saturating_add(10),
                    _ => scroll,
                };
                self.overlay = Some(Overlay::Whatif { lines, scroll });
            }
            Overlay::Approvals { selected, reason: Some(mut reason) } => {
                match action {
                    Action::Close => {}
                    Action::Input(c) => reason.insert(c, ttx_engine::debrief::MAX_TEXT),
                    Action::Backspace => reason.backspace(),
                    Action::Left => reason.left(),
                    Action::Right => reason.right(),
                    Action::Submit => {
                        let number =
                            self.host.as_ref().and_then(|h| h.pending.get(selected)).map(|p| p.number);
                        let why = reason.text.trim().to_string();
                        if why.is_empty() {
                            self.set_status(
                                Level::Warn,
                                "Type why it is denied (the cell is told), then Enter.",
                            );
                        } else if let Some(number) = number {
                            self.ask(HostRequest::Deny(number, why));
                            let n = self.host.as_ref().map_or(0, |h| h.pending.len());
                            if let Some(h) = &mut self.host {
                                h.pending.retain(|p| p.number != number);
                            }
                            self.overlay = Some(Overlay::Approvals {
                                selected: selected.min(n.saturating_sub(2)),
                                reason: None,
                            });
                            return;
                        }
                    }
                    _ => {}
                }
                let reason = (action != Action::Close).then_some(reason);
                self.overlay = Some(Overlay::Approvals { selected, reason });
            }
            Overlay::Approvals { selected, reason: None } => {
                let pending: Vec<u64> = self
                    .host
                    .as_ref()
                    .map(|h| h.pending.iter().map(|p| p.number).collect())
                    .unwrap_or_default();
                let n = pending.len();
                let mut reason = None;
                let selected = match action {
                    Action::Close => return,
                    Action::Up => selected.saturating_sub(1),
                    Action::Down => (selected + 1).min(n.saturating_sub(1)),
                    Action::Approve => {
                        if let Some(number) = pending.get(selected).copied() {
                            self.ask(HostRequest::Approve(number));
                            if let Some(h) = &mut self.host {
                                h.pending.retain(|p| p.number != number);
                            }
                        }
                        selected.min(n.saturating_sub(2))
                    }
                    Action::Deny => {
                        // The reason is typed first; Enter sends the denial with it.
                        if pending.get(selected).is_some() {
                            reason = Some(crate::input::TextInput::default());
                        }
                        selected
                    }
                    _ => selected,
                };
                self.overlay = Some(Overlay::Approvals { selected, reason });
            }
            Overlay::Help { scroll } => match action {
                Action::Close => {}
                Action::Up => self.overlay = Some(Overlay::Help { scroll: scroll.saturating_sub(1) }),
                Action::PageUp => self.overlay = Some(Overlay::Help { scroll: scroll.saturating_sub(10) }),
                Action::Down => self.overlay = Some(Overlay::Help { scroll: scroll.saturating_add(1) }),
                Action::PageDown => self.overlay = Some(Overlay::Help { scroll: scroll.saturating_add(10) }),
                _ => self.overlay = Some(Overlay::Help { scroll }),
            },
            Overlay::ConfirmQuit => match action {
                Action::Confirm => self.quit = true,
                Action::Close => {}
                _ => self.overlay = Some(Overlay::ConfirmQuit),
            },
            Overlay::ConfirmSkip(id) => match action {
                Action::Confirm => self.inject_command(Command::SkipInject { inject: id }),
                Action::Close => {}
                _ => self.overlay = Some(Overlay::ConfirmSkip(id)),
            },
            Overlay::Preview { id, lines, scroll } => match action {
                Action::Close => {}
                Action::FireInject => self.inject_command(Command::FireInject { inject: id }),
                Action::Up => {
                    self.overlay = Some(Overlay::Preview { id, lines, scroll: scroll.saturating_sub(1) })
                }
                Action::Down => {
                    self.overlay = Some(Overlay::Preview { id, lines, scroll: scroll.saturating_add(1) })
                }
                _ => self.overlay = Some(Overlay::Preview { id, lines, scroll }),
            },
            Overlay::StateDetail { detail, scroll } => {
                let scroll = match action {
                    Action::Close => return,
                    Action::Up => scroll.saturating_sub(1),
                    Action::Down => scroll.saturating_add(1),
                    Action::PageUp => scroll.saturating_sub(10),
                    Action::PageDown => scroll.saturating_add(10),
                    _ => scroll,
                };
                self.overlay = Some(Overlay::StateDetail { detail, scroll });
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

    fn update_palette(&mut self, mut form: CommandForm, action: Action) {
        let key = match action {
            Action::Up => FormKey::Up,
            Action::Down => FormKey::Down,
            Action::Left => FormKey::Left,
            Action::Right => FormKey::Right,
            Action::NextField => FormKey::NextField,
            Action::PrevField => FormKey::PrevField,
            Action::Select => FormKey::Select,
            Action::Submit => FormKey::Submit,
            Action::Toggle => FormKey::Toggle,
            Action::Input(c) => FormKey::Input(c),
            Action::Backspace => FormKey::Backspace,
            Action::Close => FormKey::Close,
            _ => {
                self.overlay = Some(Overlay::Palette(Box::new(form)));
                return;
            }
        };
        match form.key(key) {
            FormStep::Close => {
                self.remember_form(&form);
                return;
            }
            FormStep::Submit => self.submit_form(&mut form),
            FormStep::Stay => {}
        }
        self.overlay = Some(Overlay::Palette(Box::new(form)));
    }

    fn remember_form(&mut self, form: &CommandForm) {
        self.last_form = Some((
            form.get(FieldKey::Team).unwrap_or_default().to_string(),
            form.get(FieldKey::Actor).map(str::to_string),
            form.kind(),
        ));
    }

    fn submit_form(&mut self, form: &mut CommandForm) {
        use crate::form::FormMessage;
        let cmd = match form.command() {
            Ok(c) => c,
            Err(e) => {
                form.message = Some(FormMessage::Error(format!("Not sent: {e}.")));
                return;
            }
        };
        match self.submit(cmd.clone()) {
            Ok(()) => {
                let when = self.sim.time();
                form.message = Some(FormMessage::Info(format!(
                    "Queued for {when}: {}. It applies when the clock moves (Esc, then n or Space); results appear below.",
                    cmd.summary()
                )));
                self.remember_form(form);
            }
            Err(r) => form.message = Some(FormMessage::Error(format!("Rejected: {r}."))),
        }
    }

    fn update_discussion(&mut self, mut d: Discussion, action: Action) {
        let n = d.questions.len() + 1 + HOT_WASH.len();
        match action {
            Action::Up => d.selected = (d.selected + n - 1) % n,
            Action::Down => d.selected = (d.selected + 1) % n,
            Action::Input(c) => {
                let (draft, at) = (&mut d.drafts[d.selected], &mut d.cursors[d.selected]);
                let byte = draft.char_indices().nth(*at).map_or(draft.len(), |(b, _)| b);
                draft.insert(byte, c);
                *at += 1;
                d.confirm_discard = false;
            }
            Action::Backspace => {
                let (draft, at) = (&mut d.drafts[d.selected], &mut d.cursors[d.selected]);
                if *at > 0
                    && let Some((byte, _)) = draft.char_indices().nth(*at - 1)
                {
                    draft.remove(byte);
                    *at -= 1;
                }
            }
            Action::Left => d.cursors[d.selected] = d.cursors[d.selected].saturating_sub(1),
            Action::Right => {
                let n = d.drafts[d.selected].chars().count();
                d.cursors[d.selected] = (d.cursors[d.selected] + 1).min(n);
            }
            Action::Submit => {
                let text = d.drafts[d.selected].trim().to_string();
                if text.is_empty() {
                    self.set_status(Level::Warn, "Type the note first, then Enter saves it.");
                } else if let Some(kind) = d.hot_wash() {
                    if let Err(why) = check_hot_wash(&text) {
                        self.set_status(Level::Warn, format!("Not saved: {why}."));
                        self.overlay = Some(Overlay::Discussion(d));
                        return;
                    }
                    self.save_hot_wash(kind, text);
                    d.drafts[d.selected].clear();
                    d.cursors[d.selected] = 0;
                    d.confirm_discard = false;
                } else {
                    self.save_note(&d, text);
                    d.drafts[d.selected].clear();
                    d.cursors[d.selected] = 0;
                    d.confirm_discard = false;
                }
            }
            Action::Close => {
                let unsaved = d.drafts.iter().any(|x| !x.trim().is_empty());
                if unsaved && !d.confirm_discard {
                    d.confirm_discard = true;
                    self.set_status(
                        Level::Warn,
                        "A note is not saved. Enter saves it; Esc again closes and discards it.",
                    );
                } else {
                    let resume = if self.sim.is_finished() {
                        "The exercise has ended: q quits and saves the journal."
                    } else {
                        "Discussion closed. Space resumes the clock."
                    };
                    self.set_status(Level::Info, resume);
                    return;
                }
            }
            _ => {}
        }
        self.overlay = Some(Overlay::Discussion(d));
    }

    /// Journals a hot-wash item for the room (through the server when hosted).
    fn save_hot_wash(&mut self, kind: HotWashKind, text: String) {
        if self.host.is_some() {
            self.ask(HostRequest::HotWash { kind, text });
            self.set_status(Level::Info, "Hot-wash item sent to the session journal.");
            return;
        }
        let module = (!self.sim.is_finished()).then(|| self.sim.module()).flatten();
        self.outbox.push(Record::HotWash {
            tick: self.sim.now().0,
            time: self.clock().to_string(),
            module: module.and_then(|m| self.sim.registry().modules.get(m.ix())).map(|m| m.id.clone()),
            team: None,
            kind,
            text,
        });
        self.set_status(Level::Info, "Hot-wash item saved to the journal.");
    }

    fn save_note(&mut self, d: &Discussion, text: String) {
        let question = (d.selected < d.questions.len()).then_some(d.selected);
        if self.host.is_some() {
            self.ask(HostRequest::Note { text: text.clone(), question });
            self.notes.push(SavedNote {
                module: d.module,
                question,
                time: self.clock(),
                text,
                edited: false,
                deleted: false,
            });
            self.set_status(Level::Info, "Note sent to the session journal.");
            return;
        }
        self.outbox.push(Record::Note {
            tick: self.sim.now().0,
            time: self.clock().to_string(),
            module: Some(d.id.clone()),
            question,
            question_text: question.map(|q| d.questions[q].clone()),
            author: Some("facilitator".to_string()),
            text: text.clone(),
        });
        self.notes.push(SavedNote {
            module: d.module,
            question,
            time: self.clock(),
            text,
            edited: false,
            deleted: false,
        });
        self.set_status(Level::Info, "Note saved to the journal.");
    }

    fn navigate(&mut self, action: Action) {
        match self.focus {
            Panel::Map => {
                let (dx, dy) = match action {
                    Action::Left => (-1, 0),
                    Action::Right => (1, 0),
                    Action::Up => (0, -1),
                    Action::Down => (0, 1),
                    _ => (0, 0),
                };
                self.map_sel = crate::widgets::map::move_selection(&self.view.states, self.map_sel, dx, dy);
            }
            Panel::Injects => {
                let n = self.queue.len();
                if n > 0 {
                    self.inject_sel = match action {
                        Action::Up | Action::Left => self.inject_sel.saturating_sub(1),
                        Action::PageUp => self.inject_sel.saturating_sub(5),
                        Action::Down | Action::Right => (self.inject_sel + 1).min(n - 1),
                        Action::PageDown => (self.inject_sel + 5).min(n - 1),
                        _ => self.inject_sel,
                    };
                }
            }
            Panel::Log => {
                let n = self.log.iter().filter(|l| self.log_filter.matches(l)).count();
                let max = n.saturating_sub(1);
                self.log_scroll = match action {
                    Action::Up => self.log_scroll.saturating_sub(1),
                    Action::PageUp => self.log_scroll.saturating_sub(10),
                    Action::Down => (self.log_scroll + 1).min(max),
                    Action::PageDown => (self.log_scroll + 10).min(max),
                    _ => self.log_scroll,
                };
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
        if let Some(detail) = self.sim.state_detail(&postal) {
            self.status = None;
            self.overlay = Some(Overlay::StateDetail { detail: Box::new(detail), scroll: 0 });
        }
    }

    fn open_preview(&mut self) {
        let Some(id) = self.selected_inject_id() else { return };
        let lines = self.sim.preview_inject(&id).unwrap_or_default();
        self.status = None;
        self.overlay = Some(Overlay::Preview { id, lines, scroll: 0 });
    }

    /// The catalog the palette chooses from, as things stand.
    pub fn catalog(&self) -> Catalog {
        let reg = self.sim.registry();
        let mut held: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
        for t in &reg.teams {
            let Some(v) = self.sim.team_view(&t.id) else { continue };
            for i in &v.indicators {
                for a in &i.held_by {
                    let list = held.entry(a.clone()).or_default();
                    if !list.iter().any(|c| c.value == i.number.to_string()) {
                        list.push(indicator_choice(i.number, &i.technique, &i.activity));
                    }
                }
            }
        }
        let mut catalog = Catalog::from_registry(reg, &self.view.injects, &held);
        // Only the channels the engine would let each actor use.
        for a in &mut catalog.actors {
            if let Some(ix) = reg.actor_by_id.get(&a.id) {
                a.channels = self.sim.channels(*ix);
            }
        }
        catalog
    }

    fn open_palette(&mut self, kind: Option<CommandKind>) {
        let catalog = self.catalog();
        let form = match (kind, &self.last_form) {
            (Some(k), _) => CommandForm::preset(catalog, CONTROL, None, Some(k)),
            (None, Some((team, actor, k))) => {
                // The last team and command, but at the top: Enter alone must not send it again.
                let mut f = CommandForm::preset(catalog, team, actor.as_deref(), *k);
                f.focus = 0;
                f
            }
            (None, None) => CommandForm::new(catalog),
        };
        self.status = None;
        self.overlay = Some(Overlay::Palette(Box::new(form)));
    }

    fn open_discussion(&mut self, module: usize, reason: String) {
        let reg = self.sim.registry();
        let Some(m) = reg.modules.get(module) else {
            self.set_status(Level::Warn, "This scenario has no modules to discuss.");
            return;
        };
        let n = m.questions.len();
        self.running = false;
        self.status = None;
        self.overlay = Some(Overlay::Discussion(Discussion {
            module,
            id: m.id.clone(),
            title: m.title.clone(),
            reason,
            objectives: m.objectives.clone(),
            questions: m.questions.clone(),
            selected: 0,
            drafts: vec![String::new(); n + 1 + HOT_WASH.len()],
            cursors: vec![0; n + 1 + HOT_WASH.len()],
            confirm_discard: false,
        }));
    }

    /// Submits a command as the facilitator, after the engine's authority check.
    pub fn submit(&mut self, command: Command) -> Result<(), Rejection> {
        if self.sim.is_finished() {
            return Err(Rejection::Ended);
        }
        self.sim.check(&Issuer::Facilitator, &command)?;
        if self.host.is_some() {
            // The server journals it first; it comes back through `queued`.
            self.ask(HostRequest::Command(command));
            return Ok(());
        }
        let seq = self.sim.submit(Issuer::Facilitator, command.clone());
        self.waiting.push(Waiting { seq, command });
        Ok(())
    }

    fn inject_command(&mut self, command: Command) {
        let id = match &command {
            Command::FireInject { inject }
            | Command::HoldInject { inject }
            | Command::ReleaseInject { inject }
            | Command::SkipInject { inject }
            | Command::UnskipInject { inject } => inject.clone(),
            _ => String::new(),
        };
        // Refuse at once what the engine would refuse at the next hour.
        let unskip = matches!(command, Command::UnskipInject { .. });
        if let Some(inj) = self.view.injects.iter().find(|i| i.id == id) {
            let refusal = match (unskip, inj.state == "skipped") {
                (true, false) => Some(format!("inject `{id}` is not skipped")),
                (false, _) if !is_upcoming(inj) => Some(done_rejection(inj).to_string()),
                _ => None,
            };
            if let Some(why) = refusal {
                self.set_status(Level::Error, format!("Rejected: {why}."));
                return;
            }
        }
        if self.waiting.iter().any(|w| inject_of(&w.command) == Some(id.as_str())) {
            self.set_status(
                Level::Warn,
                format!("An action on inject {id} is already waiting for the next hour."),
            );
            return;
        }
        let summary = command.summary();
        match self.submit(command) {
            Ok(()) => {
                let tail = if self.is_running() { "" } else { " (n steps, Space runs)" };
                self.set_status(
                    Level::Info,
                    format!("Queued: {summary}; applies at {}{tail}.", self.sim.time()),
                );
            }
            Err(r) => self.set_status(Level::Error, format!("Rejected: {r}.")),
        }
    }

    /// Takes back a queued command: the selected inject's waiting action when the inject queue
    /// has the focus, otherwise the last command queued. Journaled (`cancelled`).
    fn cancel_queued(&mut self) {
        let selected = (self.focus == Panel::Injects).then(|| self.selected_inject_id()).flatten();
        let pick = selected
            .and_then(|id| self.waiting.iter().rposition(|w| inject_of(&w.command) == Some(id.as_str())))
            .or_else(|| self.waiting.len().checked_sub(1));
        let Some(i) = pick else {
            self.set_status(Level::Warn, "No command is queued: nothing to take back.");
            return;
        };
        let seq = self.waiting[i].seq;
        if self.host.is_some() {
            self.ask(HostRequest::Cancel(seq));
            return;
        }
        let Some((issuer, command)) = self.sim.cancel(seq) else {
            self.waiting.remove(i);
            self.set_status(Level::Warn, "That command has already applied.");
            return;
        };
        let tick = self.sim.now();
        self.outbox.push(Record::Cancelled {
            tick: tick.0,
            time: self.tick_time(tick).to_string(),
            issuer,
            seq,
            command,
        });
        self.cancelled(seq);
    }

    /// Marks for injects with an action waiting: (inject id, label).
    pub fn inject_marks(&self) -> Vec<(String, String)> {
        self.waiting
            .iter()
            .filter_map(|w| {
                let label = match &w.command {
                    Command::FireInject { .. } => ">fire",
                    Command::HoldInject { .. } => ">hold",
                    Command::ReleaseInject { .. } => ">rels",
                    Command::SkipInject { .. } => ">skip",
                    Command::UnskipInject { .. } => ">back",
                    _ => return None,
                };
                inject_of(&w.command).map(|id| (id.to_string(), label.to_string()))
            })
            .collect()
    }

    // ----- the clock -----

    fn tick(&mut self, d: Duration) {
        self.elapsed += d;
        self.poll_whatif();
        if !self.running || self.host.is_some() {
            return;
        }
        if matches!(self.overlay, Some(Overlay::Discussion(_))) {
            self.running = false;
            return;
        }
        self.carry += d.as_secs_f64() * SPEEDS[self.speed].0;
        let steps = (self.carry.floor() as u32).min(MAX_STEPS_PER_TICK);
        self.carry -= self.carry.floor();
        let fired_before = self.fired_count();
        for _ in 0..steps {
            if self.sim.is_finished() {
                break;
            }
            self.sim.step();
            if self.at_boundary().is_some() || (self.auto_pause && self.fired_count() > fired_before) {
                break;
            }
        }
        if steps > 0 {
            let fired = self.fired_count() > fired_before;
            self.after_move();
            if fired && self.auto_pause && self.running {
                self.running = false;
                self.carry = 0.0;
                let title = self.last_fired_title().unwrap_or_default();
                self.set_status(Level::Warn, format!("Paused, Space resumes. Inject fired: {title}"));
            }
            if self.sim.is_finished() {
                self.running = false;
            }
        }
    }

    /// Whether a what-if analysis is running, with its progress (continuations done, in all).
    pub fn whatif_progress(&self) -> Option<(usize, usize)> {
        self.whatif_job
            .as_ref()
            .map(|j| (j.progress.0.load(Ordering::Relaxed), j.progress.1.load(Ordering::Relaxed)))
    }

    /// The `w` key: starts the what-if analysis of the session so far on a background
    /// thread, or shows its last results while it runs again.
    fn whatif(&mut self) {
        let Some(runner) = self.whatif.clone() else {
            self.set_status(Level::Warn, "The what-if analysis is not available in this console.");
            return;
        };
        if self.whatif_job.is_some() {
            match self.whatif_lines.clone() {
                Some(lines) => self.overlay = Some(Overlay::Whatif { lines, scroll: 0 }),
                None => self.set_status(Level::Info, "The what-if analysis is still running."),
            }
            return;
        }
        let progress = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let result = Arc::new(Mutex::new(None));
        let (p, r) = (Arc::clone(&progress), Arc::clone(&result));
        let spawned = std::thread::Builder::new().name("whatif".into()).spawn(move || {
            let out = (runner.0)(&|done, total| {
                p.0.store(done, Ordering::Relaxed);
                p.1.store(total, Ordering::Relaxed);
            });
            if let Ok(mut slot) = r.lock() {
                *slot = Some(out);
            }
        });
        match spawned {
            Ok(_) => {
                self.whatif_job = Some(WhatifJob { progress, result, shown: usize::MAX });
                self.set_status(
                    Level::Info,
                    "What-if analysis of the session so far started; the console stays live. w shows the results.",
                );
            }
            Err(e) => self.set_status(Level::Error, format!("Cannot start the what-if analysis: {e}")),
        }
    }

    /// Shows a running analysis's progress, and its results once they are there.
    fn poll_whatif(&mut self) {
        let Some(job) = self.whatif_job.as_mut() else { return };
        let finished = job.result.lock().ok().and_then(|mut slot| slot.take());
        match finished {
            Some(Ok(lines)) => {
                self.whatif_job = None;
                self.whatif_lines = Some(lines.clone());
                self.set_status(Level::Info, "What-if analysis done: the decisions ranked by effect.");
                if !matches!(self.overlay, Some(Overlay::Palette(_) | Overlay::Discussion(_))) {
                    self.overlay = Some(Overlay::Whatif { lines, scroll: 0 });
                }
            }
            Some(Err(e)) => {
                self.whatif_job = None;
                self.set_status(Level::Error, format!("What-if analysis failed: {e}"));
            }
            None => {
                let (done, total) =
                    (job.progress.0.load(Ordering::Relaxed), job.progress.1.load(Ordering::Relaxed));
                // A new line for each percent, not for every continuation.
                let pct = (done * 100).checked_div(total).unwrap_or(0);
                if pct != job.shown {
                    job.shown = pct;
                    let text = if total == 0 {
                        "What-if analysis: replaying the session so far...".to_string()
                    } else {
                        format!("What-if analysis: {done} of {total} continuations ({pct}%)")
                    };
                    self.set_status(Level::Info, text);
                }
            }
        }
    }

    fn fired_count(&self) -> usize {
        self.sim.inject_views().iter().filter(|i| i.state == "fired").count()
    }

    fn last_fired_title(&self) -> Option<String> {
        self.view
            .injects
            .iter()
            .filter(|i| i.fired_at.is_some())
            .max_by_key(|i| i.fired_at)
            .map(|i| i.title.clone())
    }

    /// The module that has just ended, when the clock stands at a module break (or the end).
    fn at_boundary(&self) -> Option<usize> {
        let reg = self.sim.registry();
        if reg.modules.is_empty() {
            return None;
        }
        if self.sim.is_finished() {
            return Some(reg.modules.len() - 1);
        }
        let now = self.sim.now();
        reg.modules.iter().enumerate().skip(1).find(|(_, m)| m.start == now).map(|(i, _)| i - 1)
    }

    /// The first module break (a tick where a module starts) after now.
    fn next_boundary(&self) -> Option<Tick> {
        let now = self.sim.now();
        self.sim.registry().modules.iter().skip(1).map(|m| m.start).find(|t| *t > now)
    }

    fn jump_to_inject(&mut self) {
        self.running = false;
        if self.sim.is_finished() {
            self.set_status(Level::Warn, "The exercise has ended.");
            return;
        }
        let now = self.sim.now();
        let clock = self.sim.registry().clock;
        let next = self
            .view
            .injects
            .iter()
            .filter(|i| matches!(i.state.as_str(), "pending" | "scheduled"))
            .filter_map(|i| i.due.and_then(|d| clock.tick_of(d)).map(|t| (t, i.title.clone())))
            .filter(|(t, _)| *t >= now)
            .min_by_key(|(t, _)| *t);
        let Some((due, title)) = next else {
            self.set_status(Level::Warn, "No scripted inject is due ahead (held and conditional ones wait).");
            return;
        };
        match self.next_boundary() {
            Some(b) if b <= due => {
                self.run_until(Tick(b.0 - 1));
                self.set_status(Level::Info, format!("Stopped at the module break before \"{title}\"."));
            }
            _ => {
                self.run_until(due);
                self.set_status(Level::Info, format!("Inject fired: {title}."));
            }
        }
    }

    fn jump_to_module(&mut self) {
        self.running = false;
        if self.sim.is_finished() {
            self.set_status(Level::Warn, "The exercise has ended.");
            return;
        }
        let target = self.next_boundary().map_or(self.sim.last_tick(), |b| Tick(b.0 - 1));
        self.run_until(target);
    }

    /// Simulates up to and including `target` (hosted: asks the server to, with its clock paused).
    fn run_until(&mut self, target: Tick) {
        if let Some(h) = &mut self.host {
            let hours = (target.0 + 1).saturating_sub(self.sim.now().0);
            h.paused = true;
            self.requests.push(HostRequest::Pause);
            if hours > 0 {
                self.requests.push(HostRequest::Step(hours));
            }
            return;
        }
        self.sim.run_until(target);
        self.after_move();
    }

    /// After the clock moved: journal records, command outcomes, fresh views, module breaks.
    fn after_move(&mut self) {
        self.outbox.extend(self.sim.take_journal_records());
        for o in self.sim.take_outcomes() {
            self.waiting.retain(|w| w.seq != o.seq || o.issuer != Issuer::Facilitator);
            // The teams' own outcomes (a hosted exercise) are listed, not announced.
            if o.issuer != Issuer::Facilitator {
                self.results.push(o);
                continue;
            }
            match &o.result {
                Ok(()) => self.set_status(
                    Level::Info,
                    format!("Applied at {}: {}.", self.tick_time(o.tick), o.command.summary()),
                ),
                Err(r) => self.set_status(Level::Error, format!("Rejected: {r} ({}).", o.command.summary())),
            }
            self.results.push(o);
        }
        if self.results.len() > 50 {
            self.results.drain(..self.results.len() - 50);
        }
        self.refresh();
        if matches!(self.overlay, Some(Overlay::Palette(_))) {
            // Indicators and inject states change as the clock moves; keep the form's lists current.
            let catalog = self.catalog();
            if let Some(Overlay::Palette(form)) = &mut self.overlay {
                form.catalog = catalog;
                form.rebuild();
            }
        }
        if let Some(m) = self.at_boundary()
            && !self.discussed[m]
        {
            self.discussed[m] = true;
            self.running = false;
            let reg = self.sim.registry();
            let why = if self.sim.is_finished() {
                "the exercise has ended".to_string()
            } else {
                format!("{} begins", reg.modules[m + 1].title)
            };
            match &self.overlay {
                Some(Overlay::Palette(_) | Overlay::ConfirmQuit | Overlay::ConfirmSkip(_)) => {
                    self.pending_discussion = Some((m, why));
                }
                _ => self.open_discussion(m, why),
            }
        }
    }

    fn tick_time(&self, t: Tick) -> ETime {
        self.sim.registry().clock.at(t)
    }

    /// Rebuilds the views the screen draws from.
    fn refresh(&mut self) {
        self.view = self.sim.facilitator_view();
        let from = self.log.len();
        let fresh = self.sim.log_lines(None, Severity::Info, from);
        if self.log_scroll > 0 {
            // Keep the lines the facilitator is reading in place while new ones arrive.
            self.log_scroll += fresh.iter().filter(|l| self.log_filter.matches(l)).count();
        }
        self.log.extend(fresh);
        // Keep the selected inject selected while it is still to come; once it has fired or
        // been skipped, move to the next one due.
        let selected = self.queue.get(self.inject_sel).filter(|i| is_upcoming(i)).map(|i| i.id.clone());
        self.queue = queue_order(&self.view.injects);
        self.inject_sel = selected
            .and_then(|id| self.queue.iter().position(|i| i.id == id && is_upcoming(i)))
            .unwrap_or(0)
            .min(self.queue.len().saturating_sub(1));
        self.measures = measures(self.sim.series(), Some(&self.view.metrics));
        if let Some(Overlay::StateDetail { detail, .. }) = &mut self.overlay
            && let Some(d) = self.sim.state_detail(&detail.postal)
        {
            **detail = d;
        }
    }
}

fn inject_of(c: &Command) -> Option<&str> {
    match c {
        Command::FireInject { inject }
        | Command::HoldInject { inject }
        | Command::ReleaseInject { inject }
        | Command::SkipInject { inject }
        | Command::UnskipInject { inject } => Some(inject),
        _ => None,
    }
}

fn done_rejection(i: &InjectView) -> Rejection {
    Rejection::InjectDone {
        inject: i.id.clone(),
        state: if i.state == "fired" { "fired".into() } else { "been skipped".into() },
    }
}
