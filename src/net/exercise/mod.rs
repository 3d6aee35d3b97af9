//! The exercise: the one place that owns the simulation, the clock and the journal.
//!
//! It runs on its own thread (the simulation is single-threaded, and a
//! journal `fsync` must not stall the network tasks) and talks to the
//! connections by channels. Commands that arrive together are journaled
//! together and synced once (group commit), then acknowledged. After every
//! tick it computes each team's view once, diffs it, and broadcasts the same
//! frame to every console of that team; a console too slow to keep up falls
//! behind the bounded broadcast and is dropped by its own connection task.
//!
//! The exercise's parts: [`clock`] (the event loop and the clock), [`requests`] (the
//! connections' requests), [`control`] (exercise control), [`talk`] (messages and the
//! debrief), [`publish`] (what the consoles are sent), [`hosted`] (the facilitator console in
//! this terminal), [`history`] (each team's record of its commands) and [`resume`] (what a
//! resumed journal gives back).

mod clock;
mod control;
mod errors;
mod history;
mod hosted;
mod publish;
mod requests;
mod resume;
mod talk;

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use tokio::sync::{broadcast, mpsc, oneshot};
use ttx_engine::debrief::{Feedback, HotWashKind};
use ttx_engine::journal::Record;
use ttx_engine::model::registry::ModuleIx;
use ttx_engine::talk::{Message, MessageChannel, Party};
use ttx_engine::{Command, FacilitatorView, TeamView};

use super::host::SimOwner;
use super::journal::SessionJournal;
use super::protocol::{Control, now_us};

pub use errors::{ExerciseError, Refusal};
pub use history::{History, history_in};
pub use resume::{highest_pending, messages_in, pending_in};

/// How the exercise runs.
#[derive(Clone, Debug)]
pub struct ExerciseConfig {
    /// Simulated hours per real second.
    pub ticks_per_second: f64,
    /// Start with the clock stopped.
    pub paused: bool,
    /// Stop the clock when a new module begins.
    pub module_breaks: bool,
    /// Player-made injects wait for the facilitator's approval.
    pub approve_injects: bool,
    /// Stop the running clock when a scripted inject fires.
    pub pause_on_inject: bool,
    /// Stop the running clock while a player-made inject waits for approval.
    pub pause_for_approval: bool,
    /// Updates a console may fall behind before it is dropped.
    pub backlog: usize,
}

impl Default for ExerciseConfig {
    fn default() -> Self {
        ExerciseConfig {
            ticks_per_second: 1.0,
            paused: false,
            module_breaks: true,
            approve_injects: false,
            pause_on_inject: false,
            pause_for_approval: false,
            backlog: 16,
        }
    }
}

/// What a connection asks of the exercise.
pub enum Request {
    /// A console joins: it gets a full view and the stream of updates after it.
    Join {
        /// The team, or none for the facilitator (or an observer).
        team: Option<String>,
        /// A read-only room display.
        observer: bool,
        /// The answer.
        reply: oneshot::Sender<Joined>,
    },
    /// A console left.
    Leave {
        /// The team, or none for the facilitator (or an observer).
        team: Option<String>,
        /// A read-only room display.
        observer: bool,
    },
    /// A message from a team's console, or from the facilitator's (signed as an organisation).
    Message {
        /// The sending team, or none for the facilitator.
        team: Option<String>,
        /// The console's number for it.
        id: u64,
        /// The addressee.
        to: Party,
        /// How it is sent.
        channel: MessageChannel,
        /// The text.
        text: String,
        /// The organisation the facilitator signs as.
        signed: Option<String>,
        /// The answer, as a frame.
        reply: oneshot::Sender<Bytes>,
    },
    /// A command from a console.
    Command {
        /// The team, or none for the facilitator.
        team: Option<String>,
        /// The console's number for it.
        id: u64,
        /// The command.
        command: Command,
        /// The answer, as a frame.
        reply: oneshot::Sender<Bytes>,
    },
    /// Something the facilitator should know about the server (a failed join).
    Notice {
        /// What happened, in words.
        text: String,
    },
    /// A hot-wash item, a feedback form or a cancel from a console.
    Debrief {
        /// The team, or none for the facilitator.
        team: Option<String>,
        /// The console's number for it.
        id: u64,
        /// What it is.
        request: DebriefRequest,
        /// The answer, as a frame.
        reply: oneshot::Sender<Bytes>,
    },
    /// Exercise control from the facilitator.
    Control {
        /// The console's number for it.
        id: u64,
        /// What to do.
        action: Control,
        /// The answer, as a frame.
        reply: oneshot::Sender<Bytes>,
    },
}

/// What a console asks besides commands and control, each journaled before it is answered.
pub enum DebriefRequest {
    /// A hot-wash item (a team's, or the room's from the facilitator).
    HotWash {
        /// Strength or area for improvement.
        kind: HotWashKind,
        /// The item.
        text: String,
    },
    /// A participant's feedback form (teams only).
    Feedback(Feedback),
    /// Take back a command that has not applied (a team: only its own).
    Cancel(u64),
}

/// A console's start: a full view and the updates that follow it.
pub struct Joined {
    /// The full view, as a frame.
    pub full: Bytes,
    /// Where the exercise stands (team consoles), as a frame sent right after the full view.
    pub clock: Option<Bytes>,
    /// Every later update, as frames.
    pub updates: broadcast::Receiver<Bytes>,
}

/// One stream of updates (a team's, or the facilitator's).
struct Publisher<V> {
    tx: broadcast::Sender<Bytes>,
    /// The view the last update described, and that update's number.
    last: Option<(u64, V)>,
    /// The full-view frame for `last`, built once for everyone joining.
    full: Option<(u64, Bytes)>,
    update: u64,
}

impl<V> Publisher<V> {
    fn new(backlog: usize) -> Self {
        let (tx, _) = broadcast::channel(backlog.max(1));
        Publisher { tx, last: None, full: None, update: 0 }
    }
}

/// A player-made inject waiting for the facilitator's approval.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    /// Its number in the approval queue.
    pub number: u64,
    /// The cell that made it.
    pub team: String,
    /// The command.
    pub command: Command,
}

/// The exercise's state.
pub struct Exercise {
    owner: SimOwner,
    journal: SessionJournal,
    config: ExerciseConfig,
    teams: BTreeMap<String, Publisher<TeamView>>,
    facilitator: Publisher<FacilitatorView>,
    /// Index of the first event not yet sent to the facilitator.
    log_from: usize,
    consoles: BTreeMap<String, usize>,
    facilitators: usize,
    staffed: BTreeSet<String>,
    paused: bool,
    module: Option<ModuleIx>,
    pending: Vec<Pending>,
    next_pending: u64,
    tick_started_us: u64,
    stop: broadcast::Sender<()>,
    stopping: bool,
    /// The facilitator's stream has news that is not a tick (consoles came or went, an inject is held).
    facilitator_stale: bool,
    /// The last hours simulated stopped the clock because an inject fired.
    fired: bool,
    /// The clock's settings as last written to the journal.
    recorded: Option<(u64, bool, bool, bool, bool, bool)>,
    /// Decisions on held injects for the cells, sent once the journal holds them.
    decisions: Vec<(String, Bytes)>,
    /// Each team's commands, sent with its full views.
    history: History,
    /// The clock stopped at a module break, for the discussion of this module (the one that
    /// just ended).
    discussion: Option<ModuleIx>,
    /// The clock as last told to the team consoles.
    clock_sent: Option<Bytes>,
    /// The clock was stopped because an inject waits for approval: it runs again when the
    /// queue empties.
    approval_paused: bool,
    /// Every message this session, oldest first.
    messages: Vec<Message>,
    /// Every discussion note of the session by number (from 1): its last text, or none once
    /// deleted.
    notes: Vec<Option<String>>,
    /// Messages journaled but not yet delivered (they go once the journal holds them).
    undelivered: Vec<Message>,
    /// Room displays: their stream, how many are connected, and the view last sent them.
    room: broadcast::Sender<Bytes>,
    observers: usize,
    room_sent: Option<Bytes>,
}

/// Replies that wait until the journal is on disk.
type Deferred = Vec<Box<dyn FnOnce() + Send>>;

impl Exercise {
    /// An exercise around a simulation (new, or rebuilt from a journal) and its open journal.
    pub fn new(
        mut owner: SimOwner,
        journal: SessionJournal,
        config: ExerciseConfig,
        stop: broadcast::Sender<()>,
    ) -> Self {
        let sim = owner.sim_mut();
        sim.checkpoint_commands(true);
        let _ = sim.take_journal_records();
        let _ = sim.take_outcomes();
        let fv = sim.facilitator_view();
        let staffed = fv.teams.iter().filter(|t| t.staffed).map(|t| t.id.clone()).collect();
        let teams = fv.teams.iter().map(|t| (t.id.clone(), Publisher::new(config.backlog))).collect();
        let consoles = fv.teams.iter().map(|t| (t.id.clone(), 0)).collect();
        let module = sim.module();
        let log_from = sim.events().len();
        let config_backlog = config.backlog.max(1);
        Exercise {
            paused: config.paused || sim.is_finished(),
            facilitator: Publisher::new(config.backlog),
            owner,
            journal,
            config,
            teams,
            log_from,
            consoles,
            facilitators: 0,
            staffed,
            module,
            pending: Vec::new(),
            next_pending: 1,
            tick_started_us: now_us(),
            stop,
            stopping: false,
            facilitator_stale: false,
            fired: false,
            recorded: None,
            decisions: Vec::new(),
            history: History::new(),
            discussion: None,
            clock_sent: None,
            approval_paused: false,
            messages: Vec::new(),
            notes: Vec::new(),
            undelivered: Vec::new(),
            room: broadcast::channel(config_backlog).0,
            observers: 0,
            room_sent: None,
        }
    }

    /// The hour and time a record made now carries.
    fn record_time(&self) -> (u32, String) {
        let sim = self.owner.sim();
        let tick = sim.now();
        (tick.0, sim.registry().clock.at(tick.min(sim.last_tick())).to_string())
    }

    /// Writes the clock's settings when they changed, then the queued records, and waits until
    /// they are on disk.
    fn commit(&mut self) -> Result<(), ExerciseError> {
        let c = &self.config;
        let now = (
            c.ticks_per_second.to_bits(),
            self.paused,
            c.approve_injects,
            c.pause_on_inject,
            c.module_breaks,
            c.pause_for_approval,
        );
        if self.recorded != Some(now) {
            let sim = self.owner.sim();
            let tick = sim.now();
            self.journal.write(&Record::Settings {
                tick: tick.0,
                time: sim.registry().clock.at(tick.min(sim.last_tick())).to_string(),
                ticks_per_second: c.ticks_per_second,
                paused: self.paused,
                approve_injects: c.approve_injects,
                pause_on_inject: c.pause_on_inject,
                module_breaks: c.module_breaks,
                pause_for_approval: c.pause_for_approval,
            });
            self.recorded = Some(now);
        }
        self.journal
            .commit()
            .map_err(|source| ExerciseError::Journal { path: self.journal.path().to_path_buf(), source })?;
        self.publish_clock();
        // Every console of the cell hears the decision, the one that asked even after a reconnect.
        for (team, f) in std::mem::take(&mut self.decisions) {
            if let Some(p) = self.teams.get(&team) {
                let _ = p.tx.send(f);
            }
        }
        self.deliver();
        self.publish_room();
        Ok(())
    }
}

/// The exercise thread: it returns an error only when the journal could not be written.
pub type ExerciseThread = std::thread::JoinHandle<Result<(), ExerciseError>>;

/// Starts the exercise on its own thread; returns the channel to it and the thread.
pub fn spawn(exercise: Exercise) -> std::io::Result<(mpsc::UnboundedSender<Request>, ExerciseThread)> {
    let (tx, rx) = mpsc::unbounded_channel();
    let handle = std::thread::Builder::new().name("ttx-exercise".into()).spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(ExerciseError::Clock)?;
        rt.block_on(exercise.run(rx))
    })?;
    Ok((tx, handle))
}
