//! The exercise: the one place that owns the simulation, the clock and the journal.
//!
//! It runs on its own thread (the simulation is single-threaded, and a
//! journal `fsync` must not stall the network tasks) and talks to the
//! connections by channels. Commands that arrive together are journaled
//! together and synced once (group commit), then acknowledged. After every
//! tick it computes each team's view once, diffs it, and broadcasts the same
//! frame to every console of that team; a console too slow to keep up falls
//! behind the bounded broadcast and is dropped by its own connection task.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::time::Instant;
use ttx_engine::debrief::{Feedback, HotWashKind, check_hot_wash};
use ttx_engine::journal::Record;
use ttx_engine::model::registry::ModuleIx;
use ttx_engine::talk::{Message, MessageChannel, Party};
use ttx_engine::view::LogLine;
use ttx_engine::{Command, FacilitatorView, Issuer, Severity, TeamView};

use super::diff::{diff_facilitator, diff_team};
use super::host::{SimOwner, next_event};
use super::journal::SessionJournal;
use super::protocol::{
    Control, PendingInject, ServerMsg, ServerStatus, TeamCommand, TeamCommandState, frame, now_us,
};
use ttx_tui::console::{HeldInject, HostRequest};

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

/// Each team's commands as a journal records them: accepted, held, denied.
pub fn history_in(records: &[(usize, Record)], reg: &ttx_engine::model::registry::Registry) -> History {
    let mut history = History::new();
    let at = |tick: u32| reg.clock.at(ttx_engine::Tick(tick));
    for (_, r) in records {
        match r {
            Record::Command { tick, time, issuer: Issuer::Team(t), seq, command, .. } => {
                history.entry(t.clone()).or_default().push(TeamCommand {
                    command: command.clone(),
                    at: at(*tick),
                    state: TeamCommandState::Accepted { seq: *seq, time: time.clone() },
                });
            }
            Record::Held { tick, pending, team, command, .. } => {
                history.entry(team.clone()).or_default().push(TeamCommand {
                    command: command.clone(),
                    at: at(*tick),
                    state: TeamCommandState::Held { pending: *pending },
                });
            }
            Record::Decided { pending, approved, seq, reason, .. } => {
                for list in history.values_mut() {
                    decide(list, *pending, *approved, *seq, reason.clone());
                }
            }
            Record::Cancelled { issuer: Issuer::Team(t), seq, .. } => {
                let accepted = |c: &&mut TeamCommand| matches!(c.state, TeamCommandState::Accepted { seq: s, .. } if s == *seq);
                if let Some(c) = history.get_mut(t).and_then(|l| l.iter_mut().find(accepted)) {
                    c.state = TeamCommandState::Cancelled { seq: *seq };
                }
            }
            _ => {}
        }
    }
    history
}

/// Each team's commands this session, oldest first.
pub type History = BTreeMap<String, Vec<TeamCommand>>;

/// The messages a journal holds, in the order they were sent.
pub fn messages_in(records: &[(usize, Record)]) -> Vec<Message> {
    records
        .iter()
        .filter_map(|(_, r)| match r {
            Record::Message { message } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// How many of the most recent messages a full view carries.
pub const MESSAGES_SENT: usize = 200;

/// The most recent messages (a team's, or all of them), oldest first, as a full view carries them.
fn recent_messages(messages: &[Message], team: Option<&str>) -> Vec<Message> {
    let mine: Vec<&Message> = messages.iter().filter(|m| team.is_none_or(|t| m.involves(t))).collect();
    mine[mine.len().saturating_sub(MESSAGES_SENT)..].iter().map(|m| (*m).clone()).collect()
}

/// Points of the metric series a room display gets (its sharing panel shows the last few).
const ROOM_SERIES: usize = 240;

/// How many of a team's most recent commands a full view carries.
pub const HISTORY_SENT: usize = 100;

/// A team's most recent commands, oldest first, as a full view carries them.
fn recent(history: &History, team: &str) -> Vec<TeamCommand> {
    let list = history.get(team).map_or(&[][..], Vec::as_slice);
    list[list.len().saturating_sub(HISTORY_SENT)..].to_vec()
}

/// A decision on a held inject in a team's history: a denial marks it; an approval gives it
/// the sequence number of its command (and the hour it applies at), whose own entry, made as
/// the journal was read, goes.
fn decide(
    list: &mut Vec<TeamCommand>,
    pending: u64,
    approved: bool,
    seq: Option<u64>,
    reason: Option<String>,
) {
    let held = TeamCommandState::Held { pending };
    if !list.iter().any(|c| c.state == held) {
        return;
    }
    let state = match (approved, seq) {
        (false, _) => TeamCommandState::Denied { pending, reason },
        (true, Some(seq)) => {
            let own = list
                .iter()
                .position(|c| matches!(&c.state, TeamCommandState::Accepted { seq: s, .. } if *s == seq));
            let time = match own.map(|j| list.remove(j).state) {
                Some(TeamCommandState::Accepted { time, .. }) => time,
                _ => String::new(),
            };
            TeamCommandState::Accepted { seq, time }
        }
        (true, None) => return,
    };
    if let Some(c) = list.iter_mut().find(|c| c.state == held) {
        c.state = state;
    }
}

/// The highest approval number a journal used (0 when none).
pub fn highest_pending(records: &[(usize, Record)]) -> u64 {
    records
        .iter()
        .filter_map(|(_, r)| match r {
            Record::Held { pending, .. } => Some(*pending),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// The injects a journal holds for approval without a decision yet, in the order they were held.
pub fn pending_in(records: &[(usize, Record)]) -> Vec<Pending> {
    let mut pending: Vec<Pending> = Vec::new();
    for (_, r) in records {
        match r {
            Record::Held { pending: number, team, command, .. } => {
                pending.push(Pending { number: *number, team: team.clone(), command: command.clone() })
            }
            Record::Decided { pending: number, .. } => pending.retain(|p| p.number != *number),
            _ => {}
        }
    }
    pending
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

    /// Takes the messages of a resumed journal; numbering goes on after the last.
    pub fn restore_messages(&mut self, messages: Vec<Message>) {
        if let Some(c) = self.owner.console() {
            for m in &messages {
                c.message_arrived(m.clone());
            }
        }
        self.messages = messages;
    }

    /// Takes the notes of a resumed journal, as edited and deleted, and shows them on the
    /// console so that it numbers new ones as the journal does.
    pub fn restore_notes(&mut self, records: &[Record]) {
        let reg = self.owner.sim().registry().clone();
        let notes = ttx_engine::notes::final_notes(records);
        self.notes = notes
            .iter()
            .map(|(r, fate)| match (r, fate) {
                (_, ttx_engine::notes::Fate::Deleted(_)) => None,
                (Record::Note { text, .. }, _) => Some(text.clone()),
                _ => None,
            })
            .collect();
        if let Some(c) = self.owner.console() {
            for (r, fate) in notes {
                let Record::Note { tick, module, question, text, .. } = r else { continue };
                let module = module
                    .and_then(|id| reg.modules.iter().position(|m| m.id == id))
                    .or_else(|| reg.module_at(ttx_engine::Tick(tick)).map(|m| m.ix()))
                    .unwrap_or(0);
                c.note_arrived(ttx_tui::console::SavedNote {
                    module,
                    question,
                    time: reg.clock.at(ttx_engine::Tick(tick)),
                    text,
                    edited: matches!(fate, ttx_engine::notes::Fate::Edited(_)),
                    deleted: matches!(fate, ttx_engine::notes::Fate::Deleted(_)),
                });
            }
        }
    }

    /// Takes each team's commands from a resumed journal (see [`history_in`]).
    pub fn restore_history(&mut self, history: History) {
        self.history = history;
    }

    /// Changes a team's record of its commands; its next full view carries it.
    fn record_command(&mut self, team: &str, change: impl FnOnce(&mut Vec<TeamCommand>)) {
        change(self.history.entry(team.to_string()).or_default());
        if let Some(p) = self.teams.get_mut(team) {
            p.full = None;
        }
    }

    /// Holds again the injects a resumed journal held without a decision; numbering goes on
    /// after the highest number the journal used.
    pub fn hold_again(&mut self, pending: Vec<Pending>, highest: u64) {
        self.next_pending = self.next_pending.max(highest + 1);
        self.pending = pending;
    }

    fn record_time(&self) -> (u32, String) {
        let sim = self.owner.sim();
        let tick = sim.now();
        (tick.0, sim.registry().clock.at(tick.min(sim.last_tick())).to_string())
    }

    /// Runs until the session is stopped (a control `stop`, or the server's shutdown).
    /// Returns an error only if the journal cannot be written, which stops the session.
    /// A failed journal write also stops the server (through the stop channel), so that no
    /// console is welcomed into a session that can no longer record anything.
    pub async fn run(self, requests: mpsc::UnboundedReceiver<Request>) -> Result<(), String> {
        let stop = self.stop.clone();
        let result = self.run_until_stopped(requests).await;
        if result.is_err() {
            let _ = stop.send(());
        }
        result
    }

    async fn run_until_stopped(
        mut self,
        mut requests: mpsc::UnboundedReceiver<Request>,
    ) -> Result<(), String> {
        let mut shutdown = self.stop.subscribe();
        let mut next_at = Instant::now() + self.interval();
        // News that is not a tick reaches the facilitator at most this often (a room joining at
        // once would otherwise recompute the facilitator's view for every console).
        let mut refresh = tokio::time::interval(Duration::from_millis(250));
        refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The facilitator console in this terminal (not headless): its keys, and a redraw
        // 20 times a second.
        let mut keys = match &mut self.owner {
            SimOwner::Hosted(h) => h.take_keys(),
            SimOwner::Bare(_) => None,
        };
        let hosted = keys.is_some();
        let mut redraw = tokio::time::interval(Duration::from_millis(50));
        redraw.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        self.commit()?;
        self.sync_console();
        loop {
            let running = !self.paused;
            tokio::select! {
                biased;
                _ = shutdown.recv() => break,
                e = next_event(&mut keys) => {
                    let Some(e) = e else { break };
                    let was_paused = self.paused;
                    if let SimOwner::Hosted(h) = &mut self.owner {
                        h.event(&e);
                        h.draw();
                    }
                    self.console_requests()?;
                    if was_paused && !self.paused {
                        next_at = Instant::now() + self.interval();
                    }
                    if self.stopping {
                        self.announce_end();
                        let _ = self.stop.send(());
                        break;
                    }
                }
                _ = refresh.tick(), if self.facilitator_stale => {
                    self.publish_facilitator();
                }
                r = requests.recv() => {
                    let Some(first) = r else { break };
                    let mut batch = vec![first];
                    while batch.len() < 1024 {
                        match requests.try_recv() {
                            Ok(r) => batch.push(r),
                            Err(_) => break,
                        }
                    }
                    let was_paused = self.paused;
                    self.handle(batch)?;
                    if was_paused && !self.paused {
                        next_at = Instant::now() + self.interval();
                    }
                    if self.stopping {
                        self.announce_end();
                        let _ = self.stop.send(());
                        break;
                    }
                }
                _ = tokio::time::sleep_until(next_at), if running => {
                    let now = Instant::now();
                    let late = now.saturating_duration_since(next_at).as_secs_f64();
                    let due = 1 + (late * self.config.ticks_per_second).floor().min(999.0) as u32;
                    self.tick_started_us = now_us();
                    self.run_clock(due)?;
                    next_at += self.interval() * due;
                    if next_at + Duration::from_secs(1) < Instant::now() {
                        next_at = Instant::now() + self.interval();
                    }
                    self.publish();
                }
                _ = redraw.tick(), if hosted => {
                    if let SimOwner::Hosted(h) = &mut self.owner {
                        h.draw();
                    }
                }
            }
        }
        self.commit()
    }

    /// After the clock moved: the console (if any) takes the outcomes and redraws its views;
    /// otherwise they are dropped (teams see theirs in their views).
    fn after_advance(&mut self) {
        match self.owner.console() {
            Some(c) => c.moved(),
            None => {
                let _ = self.owner.sim_mut().take_outcomes();
            }
        }
        self.sync_console();
    }

    /// Tells the console what the server knows: the clock, consoles connected, held injects.
    fn sync_console(&mut self) {
        if self.owner.console().is_none() {
            return;
        }
        let status = self.status();
        let previews: Vec<Vec<String>> = status
            .pending
            .iter()
            .map(|p| self.owner.sim().preview_command_inject(&p.command).unwrap_or_default())
            .collect();
        let Some(c) = self.owner.console() else { return };
        c.set_host_clock(status.paused, status.ticks_per_second, status.pause_on_inject);
        c.set_pause_for_approval(status.pause_for_approval);
        let consoles = status.consoles.into_iter().collect();
        let pending = status
            .pending
            .into_iter()
            .zip(previews)
            .map(|(p, preview)| HeldInject { number: p.pending, team: p.team, summary: p.summary, preview })
            .collect();
        c.set_host(consoles, status.facilitators, pending);
    }

    /// Applies what the facilitator asked at the console, as a control connection's requests are.
    fn console_requests(&mut self) -> Result<(), String> {
        let Some(c) = self.owner.console() else { return Ok(()) };
        let requests = c.take_requests();
        let quit = c.should_quit();
        let mut stepped = false;
        for r in requests {
            let control = match r {
                HostRequest::Command(command) => {
                    if self.owner.sim().is_finished() {
                        if let Some(c) = self.owner.console() {
                            c.host_message(true, "Rejected: the exercise has ended.");
                        }
                        continue;
                    }
                    let seq = self.submit(Issuer::Facilitator, command.clone());
                    if let Some(c) = self.owner.console() {
                        c.queued(seq, command);
                    }
                    continue;
                }
                HostRequest::Pause => Control::Pause,
                HostRequest::Resume => Control::Resume,
                HostRequest::Step(ticks) => {
                    stepped = true;
                    self.tick_started_us = now_us();
                    Control::Step { ticks }
                }
                HostRequest::Speed(ticks_per_second) => Control::Speed { ticks_per_second },
                HostRequest::Note { text, question } => {
                    // The console has listed it already: only a control connection's note is
                    // shown to it (see `control`).
                    if let Err(m) = self.note(text, question)
                        && let Some(c) = self.owner.console()
                    {
                        c.host_message(true, format!("Refused: {m}."));
                    }
                    continue;
                }
                HostRequest::EditNote { note, text } => Control::EditNote { note, text },
                HostRequest::DeleteNote { note } => Control::DeleteNote { note },
                HostRequest::Correct { inject, text } => Control::Correct { inject, text },
                HostRequest::Approve(pending) => Control::Approve { pending },
                HostRequest::Deny(pending, reason) => Control::Deny { pending, reason: Some(reason) },
                HostRequest::PauseOnInject(on) => Control::PauseOnInject { on },
                HostRequest::PauseForApproval(on) => Control::PauseForApproval { on },
                HostRequest::Bookmark(text) => Control::Bookmark { text },
                HostRequest::HotWash { kind, text } => {
                    let answer = self.debrief(None, DebriefRequest::HotWash { kind, text });
                    if let Some(c) = self.owner.console() {
                        match answer {
                            Ok(m) => c.host_message(false, format!("Server: {m}.")),
                            Err(m) => c.host_message(true, format!("Refused: {m}.")),
                        }
                    }
                    continue;
                }
                HostRequest::Message { to, channel, signed, text } => {
                    let sent = self.message(None, to, channel, text, signed);
                    if let Some(c) = self.owner.console() {
                        match sent {
                            Ok(n) => c.host_message(false, format!("Message #{n} sent.")),
                            Err(e) => c.host_message(true, format!("Not sent: {e}.")),
                        }
                    }
                    continue;
                }
                HostRequest::Cancel(seq) => {
                    let taken = self.cancel(seq);
                    if let Some(c) = self.owner.console() {
                        match taken {
                            true => c.cancelled(seq),
                            false => c.host_message(true, "That command has already applied."),
                        }
                    }
                    continue;
                }
            };
            let quiet = matches!(
                control,
                Control::Pause
                    | Control::Resume
                    | Control::Note { .. }
                    | Control::EditNote { .. }
                    | Control::DeleteNote { .. }
                    | Control::PauseOnInject { .. }
                    | Control::PauseForApproval { .. }
                    | Control::Bookmark { .. }
            );
            let answer = self.control(control);
            if let Some(c) = self.owner.console() {
                match answer {
                    Err(message) => c.host_message(true, format!("Refused: {message}.")),
                    Ok(message) if !quiet => c.host_message(false, format!("Server: {message}.")),
                    Ok(_) => {}
                }
            }
        }
        self.commit()?;
        if stepped {
            self.publish();
        } else {
            self.facilitator_stale = true;
        }
        self.sync_console();
        if quit {
            self.stopping = true;
        }
        Ok(())
    }

    /// Writes the clock's settings when they changed, then the queued records, and waits until
    /// they are on disk.
    fn commit(&mut self) -> Result<(), String> {
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
        self.journal.commit().map_err(|e| journal_failed(&self.journal, &e))?;
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

    fn interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.config.ticks_per_second.clamp(0.01, 1000.0))
    }

    /// The running clock's hours: like [`Exercise::advance`], and when the setting is on, the
    /// clock stops at the hour a scripted inject fires (as the console of `ttx play` does).
    fn run_clock(&mut self, ticks: u32) -> Result<u32, String> {
        let fired_before = self.config.pause_on_inject.then(|| self.fired_count());
        let done = self.advance_until(ticks, fired_before)?;
        if fired_before.is_some()
            && self.fired
            && let Some(c) = self.owner.console()
        {
            c.host_paused_on_inject();
        }
        Ok(done)
    }

    /// Injects that have fired so far.
    fn fired_count(&self) -> usize {
        self.owner.sim().inject_views().iter().filter(|i| i.state == "fired").count()
    }

    /// Simulates up to `ticks` hours, stopping at a module break or the end; returns how many.
    fn advance(&mut self, ticks: u32) -> Result<u32, String> {
        self.advance_until(ticks, None)
    }

    /// [`Exercise::advance`], also stopping (and pausing the clock) after the hour an inject
    /// fires when `fired_before` counts the injects fired before it.
    fn advance_until(&mut self, ticks: u32, fired_before: Option<usize>) -> Result<u32, String> {
        let mut done = 0;
        self.fired = false;
        while done < ticks && !self.owner.sim().is_finished() {
            let t = self.owner.sim().now();
            self.owner.sim_mut().step();
            done += 1;
            // Command records were written when the commands were accepted; one hash per tick
            // (it covers the engine's day-end and after-command checkpoints) pins the clock.
            let _ = self.owner.sim_mut().take_journal_records();
            self.journal.write(&Record::hash(self.owner.sim().registry(), t, self.owner.sim().state_hash()));
            let module = self.owner.sim().module();
            if self.config.module_breaks
                && module != self.module
                && module.is_some()
                && !self.owner.sim().is_finished()
            {
                self.discussion = self.module;
                self.module = module;
                self.paused = true;
                break;
            }
            self.module = module;
            if let Some(before) = fired_before
                && !self.owner.sim().is_finished()
                && self.fired_count() > before
            {
                self.paused = true;
                self.fired = true;
                break;
            }
        }
        if self.owner.sim().is_finished() && !self.paused {
            self.paused = true;
            self.journal.write(&Record::End {
                tick: self.owner.sim().now().0,
                hash: format!("{:016x}", self.owner.sim().state_hash()),
            });
        }
        self.after_advance();
        self.commit()?;
        Ok(done)
    }

    fn handle(&mut self, batch: Vec<Request>) -> Result<(), String> {
        let mut deferred: Deferred = Vec::new();
        let mut stepped = false;
        for req in batch {
            match req {
                Request::Join { observer: true, reply, .. } => {
                    self.observers += 1;
                    let joined = self.join_observer();
                    deferred.push(Box::new(move || {
                        let _ = reply.send(joined);
                    }));
                }
                Request::Join { team, reply, .. } => self.join(team, reply, &mut deferred),
                Request::Leave { observer: true, .. } => self.observers = self.observers.saturating_sub(1),
                Request::Message { team, id, to, channel, text, signed, reply } => {
                    let answer = match self.message(team, to, channel, text, signed) {
                        Ok(number) => ServerMsg::Delivered { id, number },
                        Err(message) => ServerMsg::Refused { id, message, rejection: None },
                    };
                    let answer = frame(&answer);
                    deferred.push(Box::new(move || {
                        let _ = reply.send(answer);
                    }));
                }
                Request::Leave { team, .. } => match team {
                    Some(t) => {
                        if let Some(n) = self.consoles.get_mut(&t) {
                            *n = n.saturating_sub(1);
                        }
                    }
                    None => self.facilitators = self.facilitators.saturating_sub(1),
                },
                Request::Command { team, id, command, reply } => {
                    let answer = self.command(team, id, command);
                    deferred.push(Box::new(move || {
                        let _ = reply.send(answer);
                    }));
                }
                Request::Notice { text } => match self.owner.console() {
                    Some(c) => c.host_message(true, text),
                    None => eprintln!("ttx serve: {text}"),
                },
                Request::Debrief { team, id, request, reply } => {
                    let answer = match self.debrief(team, request) {
                        Ok(message) => ServerMsg::Done { id, message },
                        Err(message) => ServerMsg::Refused { id, message, rejection: None },
                    };
                    let answer = frame(&answer);
                    deferred.push(Box::new(move || {
                        let _ = reply.send(answer);
                    }));
                }
                Request::Control { id, action, reply } => {
                    if matches!(action, Control::Step { .. }) {
                        self.tick_started_us = now_us();
                        stepped = true;
                    }
                    let answer = match self.control(action) {
                        Ok(message) => ServerMsg::Done { id, message },
                        Err(message) => ServerMsg::Refused { id, message, rejection: None },
                    };
                    let answer = frame(&answer);
                    deferred.push(Box::new(move || {
                        let _ = reply.send(answer);
                    }));
                }
            }
        }
        self.commit()?;
        // Updates before answers: a console told "stepped" already has the new hour's view.
        if stepped {
            self.publish();
        } else {
            self.facilitator_stale = true;
        }
        for f in deferred {
            f();
        }
        self.sync_console();
        Ok(())
    }

    fn join(&mut self, team: Option<String>, reply: oneshot::Sender<Joined>, deferred: &mut Deferred) {
        let joined = match &team {
            Some(t) => {
                *self.consoles.entry(t.clone()).or_insert(0) += 1;
                if !self.staffed.contains(t) && !self.owner.sim().is_finished() {
                    // A staffed team's actors stop following doctrine: the players decide.
                    let cmd = Command::SetStaffed { team: t.clone(), staffed: true };
                    self.submit(Issuer::Facilitator, cmd);
                    self.staffed.insert(t.clone());
                }
                self.join_team(t)
            }
            None => {
                self.facilitators += 1;
                self.join_facilitator()
            }
        };
        if let Some(j) = joined {
            deferred.push(Box::new(move || {
                let _ = reply.send(j);
            }));
        }
    }

    /// Where the exercise stands, as team consoles are told it.
    fn clock_frame(&self) -> Bytes {
        let reg = self.owner.sim().registry();
        let discussed = self.discussion.filter(|_| self.paused).and_then(|m| reg.modules.get(m.ix()));
        frame(&ServerMsg::Clock {
            paused: self.paused,
            ticks_per_second: self.config.ticks_per_second,
            discussion: discussed.is_some(),
            module: discussed.map(|m| m.title.clone()),
            questions: discussed.map(|m| m.questions.clone()).unwrap_or_default(),
        })
    }

    /// Tells every team console where the exercise stands, when that changed.
    fn publish_clock(&mut self) {
        let f = self.clock_frame();
        if self.clock_sent.as_ref() == Some(&f) {
            return;
        }
        for p in self.teams.values() {
            if p.tx.receiver_count() > 0 {
                let _ = p.tx.send(f.clone());
            }
        }
        self.clock_sent = Some(f);
    }

    fn join_team(&mut self, team: &str) -> Option<Joined> {
        let clock = self.clock_frame();
        let sim = self.owner.sim();
        let at_us = self.tick_started_us;
        let p = self.teams.get_mut(team)?;
        if p.last.is_none() {
            p.update += 1;
            p.last = Some((p.update, sim.team_view(team)?));
        }
        let (u, view) = p.last.as_ref()?;
        let full = match &p.full {
            Some((fu, bytes)) if fu == u => bytes.clone(),
            _ => {
                let directory = sim.directory(team).map(Box::new);
                let b = frame(&ServerMsg::Full {
                    update: *u,
                    at_us,
                    view: Box::new(view.clone()),
                    directory,
                    history: recent(&self.history, team),
                    confidence_low: Some(sim.metrics().confidence_min),
                    messages: recent_messages(&self.messages, Some(team)),
                });
                p.full = Some((*u, b.clone()));
                b
            }
        };
        Some(Joined { full, clock: Some(clock), updates: p.tx.subscribe() })
    }

    fn join_facilitator(&mut self) -> Option<Joined> {
        // The facilitator stream is refreshed after every batch; a joiner gets the current state.
        let view = self.owner.sim().facilitator_view();
        let p = &mut self.facilitator;
        if p.last.is_none() {
            p.update += 1;
        }
        let update = p.update;
        p.last = Some((update, view.clone()));
        let log = self.owner.sim().log_lines(
            None,
            Severity::Info,
            self.owner.sim().events().len().saturating_sub(500),
        );
        self.log_from = self.owner.sim().events().len();
        let status = self.status();
        let full = frame(&ServerMsg::FacilitatorFull {
            update,
            at_us: self.tick_started_us,
            view: Box::new(view),
            status,
            log,
            messages: recent_messages(&self.messages, None),
        });
        Some(Joined { full, clock: None, updates: self.facilitator.tx.subscribe() })
    }

    /// Journals a command for the next tick (commit before telling anyone); returns its sequence number.
    fn submit(&mut self, issuer: Issuer, command: Command) -> u64 {
        let tick = self.owner.sim().now();
        let seq = self.owner.sim_mut().submit(issuer.clone(), command.clone());
        self.journal.write(&Record::submitted(self.owner.sim().registry(), tick, &issuer, seq, &command));
        seq
    }

    /// Takes back a command journaled for the next tick that has not applied yet, journaling
    /// that it was (replay then leaves it out); false when it is no longer waiting.
    fn cancel(&mut self, seq: u64) -> bool {
        let Some((issuer, command)) = self.owner.sim_mut().cancel(seq) else { return false };
        if let Issuer::Team(t) = &issuer {
            self.record_command(t, |list| {
                let accepted = |c: &&mut TeamCommand| matches!(c.state, TeamCommandState::Accepted { seq: s, .. } if s == seq);
                if let Some(c) = list.iter_mut().find(accepted) {
                    c.state = TeamCommandState::Cancelled { seq };
                }
            });
        }
        let (tick, time) = self.record_time();
        self.journal.write(&Record::Cancelled { tick, time, issuer, seq, command });
        true
    }

    fn ack(&self, id: u64, seq: u64) -> ServerMsg {
        let tick = self.owner.sim().now();
        ServerMsg::Ack { id, seq, tick: tick.0, time: self.owner.sim().registry().clock.at(tick).to_string() }
    }

    fn command(&mut self, team: Option<String>, id: u64, command: Command) -> Bytes {
        let issuer = match &team {
            Some(t) => Issuer::Team(t.clone()),
            None => Issuer::Facilitator,
        };
        if self.owner.sim().is_finished() {
            let r = ttx_engine::Rejection::Ended;
            return frame(&ServerMsg::Refused { id, message: r.to_string(), rejection: Some(r) });
        }
        if let Err(r) = self.owner.sim().check(&issuer, &command) {
            return frame(&ServerMsg::Refused { id, message: r.to_string(), rejection: Some(r) });
        }
        if let (Some(t), true, Command::InjectFromTemplate { .. }) =
            (&team, self.config.approve_injects, &command)
        {
            let number = self.next_pending;
            self.next_pending += 1;
            let (tick, time) = self.record_time();
            self.journal.write(&Record::Held {
                tick,
                time,
                pending: number,
                team: t.clone(),
                command: command.clone(),
            });
            let at = self.owner.sim().time();
            let entry = TeamCommand {
                command: command.clone(),
                at,
                state: TeamCommandState::Held { pending: number },
            };
            self.record_command(t, |list| list.push(entry));
            self.pending.push(Pending { number, team: t.clone(), command });
            self.hold_clock();
            return frame(&ServerMsg::Held { id, pending: number });
        }
        let seq = self.submit(issuer, command.clone());
        let ack = self.ack(id, seq);
        if let (Some(t), ServerMsg::Ack { time, .. }) = (&team, &ack) {
            let at = self.owner.sim().time();
            let state = TeamCommandState::Accepted { seq, time: time.clone() };
            self.record_command(t, |list| list.push(TeamCommand { command, at, state }));
        }
        frame(&ack)
    }

    fn control(&mut self, action: Control) -> Result<String, String> {
        match action {
            Control::Pause => {
                self.paused = true;
                self.approval_paused = false;
                Ok(format!("paused at {}", self.owner.sim().time()))
            }
            Control::Resume => {
                if self.owner.sim().is_finished() {
                    return Err("the exercise has ended".into());
                }
                self.discussion = None;
                if self.config.pause_for_approval && !self.pending.is_empty() {
                    self.paused = true;
                    self.approval_paused = true;
                    let n = self.pending.len();
                    return Ok(format!(
                        "the clock runs once the {n} inject{} waiting for approval {} decided",
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "is" } else { "are" }
                    ));
                }
                self.paused = false;
                Ok(format!("running from {}", self.owner.sim().time()))
            }
            Control::Step { ticks } => {
                if self.owner.sim().is_finished() {
                    return Err("the exercise has ended".into());
                }
                if !(1..=100_000).contains(&ticks) {
                    return Err("step between 1 and 100000 hours".into());
                }
                self.approval_paused = false;
                // An explicit step crosses into the next module if it starts right now.
                self.module = self.owner.sim().module();
                let done = self.advance(ticks)?;
                Ok(format!("stepped {done} h to {}", self.owner.sim().time()))
            }
            Control::Speed { ticks_per_second } => {
                if !(0.01..=1000.0).contains(&ticks_per_second) {
                    return Err("speed between 0.01 and 1000 simulated hours per second".into());
                }
                self.config.ticks_per_second = ticks_per_second;
                Ok(format!("{ticks_per_second} simulated hours per second"))
            }
            Control::Approve { pending } => {
                let i = self.pending.iter().position(|p| p.number == pending);
                let Some(p) = i.map(|i| self.pending.remove(i)) else {
                    return Err(format!("no inject #{pending} waits for approval"));
                };
                if self.owner.sim().is_finished() {
                    self.pending.push(p);
                    return Err("the exercise has ended".into());
                }
                let (tick, time) = self.record_time();
                let seq = self.submit(Issuer::Team(p.team.clone()), p.command.clone());
                let record =
                    Record::Decided { tick, time, pending, approved: true, seq: Some(seq), reason: None };
                self.journal.write(&record);
                let f = frame(&ServerMsg::Decision { pending, approved: true, seq: Some(seq), reason: None });
                self.decisions.push((p.team.clone(), f));
                let time = self.owner.sim().time().to_string();
                self.record_command(&p.team, |list| {
                    if let Some(c) = list.iter_mut().find(|c| c.state == TeamCommandState::Held { pending }) {
                        c.state = TeamCommandState::Accepted { seq, time };
                    }
                });
                self.release_clock();
                Ok(format!("approved #{pending} from {}: {}", p.team, p.command.summary()))
            }
            Control::Deny { pending, reason } => {
                let i = self.pending.iter().position(|p| p.number == pending);
                let Some(p) = i.map(|i| self.pending.remove(i)) else {
                    return Err(format!("no inject #{pending} waits for approval"));
                };
                let (tick, time) = self.record_time();
                let record = Record::Decided {
                    tick,
                    time,
                    pending,
                    approved: false,
                    seq: None,
                    reason: reason.clone(),
                };
                self.journal.write(&record);
                let f = frame(&ServerMsg::Decision {
                    pending,
                    approved: false,
                    seq: None,
                    reason: reason.clone(),
                });
                self.decisions.push((p.team.clone(), f));
                self.record_command(&p.team, |list| decide(list, pending, false, None, reason));
                self.release_clock();
                Ok(format!("denied #{pending} from {}", p.team))
            }
            Control::Note { text, question } => {
                let saved = self.note(text, question)?;
                if let Some(c) = self.owner.console() {
                    c.note_arrived(saved);
                }
                Ok("note recorded".into())
            }
            Control::EditNote { note, text } => self.change_note(note, Some(text)),
            Control::DeleteNote { note } => self.change_note(note, None),
            Control::Stop => {
                // The server is told once the answer has gone out (see `run`).
                self.stopping = true;
                Ok("stopping the session".into())
            }
            Control::Correct { inject, text } => self.correct(inject, text),
            Control::PauseForApproval { on } => {
                self.config.pause_for_approval = on;
                if on {
                    self.hold_clock();
                } else {
                    self.release_clock_now();
                }
                Ok(if on {
                    "the clock stops while a player-made inject waits for approval".into()
                } else {
                    "the clock keeps running while injects wait for approval".into()
                })
            }
            Control::Bookmark { text } => self.bookmark(text),
            Control::PauseOnInject { on } => {
                self.config.pause_on_inject = on;
                Ok(if on {
                    "the clock stops when a scripted inject fires".into()
                } else {
                    "the clock keeps running when injects fire".into()
                })
            }
        }
    }

    /// Journals a discussion note; returns it as the console lists it.
    fn note(&mut self, text: String, question: Option<usize>) -> Result<ttx_tui::console::SavedNote, String> {
        ttx_engine::notes::check_note(&text)?;
        let reg = self.owner.sim().registry();
        let module = self.owner.sim().module().map(|m| &reg.modules[m.ix()]);
        let question_text = module.and_then(|m| question.and_then(|q| m.questions.get(q).cloned()));
        let tick = self.owner.sim().now();
        let time = reg.clock.at(tick.min(self.owner.sim().last_tick()));
        let saved = ttx_tui::console::SavedNote {
            module: self.owner.sim().module().map_or(0, |m| m.ix()),
            question,
            time,
            text: text.clone(),
            edited: false,
            deleted: false,
        };
        let note = Record::Note {
            tick: tick.0,
            time: time.to_string(),
            module: module.map(|m| m.id.clone()),
            question,
            question_text,
            author: Some("facilitator".into()),
            text: text.clone(),
        };
        self.journal.write(&note);
        self.notes.push(Some(text));
        Ok(saved)
    }

    /// Journals a note's new text, or its deletion, naming the note by its number.
    fn change_note(&mut self, note: u64, text: Option<String>) -> Result<String, String> {
        let count = self.notes.len();
        let slot = usize::try_from(note)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| self.notes.get_mut(i))
            .ok_or_else(|| format!("no note {note}: the session has {count} notes"))?;
        if slot.is_none() {
            return Err(format!("note {note} is deleted"));
        }
        if let Some(t) = &text {
            ttx_engine::notes::check_note(t)?;
        }
        let text = text.map(|t| t.trim().to_string());
        *slot = text.clone();
        let (tick, time) = self.record_time();
        match text {
            Some(text) => {
                self.journal.write(&Record::NoteEdited { tick, time, note, text });
                Ok(format!("note {note} edited"))
            }
            None => {
                self.journal.write(&Record::NoteDeleted { tick, time, note });
                Ok(format!("note {note} deleted"))
            }
        }
    }

    /// Journals a correction to a fired inject and tells the teams that received it (after
    /// the journal holds it).
    fn correct(&mut self, inject: String, text: String) -> Result<String, String> {
        ttx_engine::debrief::check_correction(&text)?;
        let views = self.owner.sim().inject_views();
        let Some(iv) = views.iter().find(|v| v.id == inject) else {
            let inject: String = inject.chars().take(60).collect();
            return Err(format!("no inject `{inject}` in the scenario"));
        };
        if iv.fired_at.is_none() {
            return Err(format!("inject `{inject}` has not fired ({})", iv.state));
        }
        let (tick, time) = self.record_time();
        let text = text.trim().to_string();
        self.journal.write(&Record::Correction {
            tick,
            time: time.clone(),
            inject: inject.clone(),
            text: text.clone(),
        });
        let f = frame(&ServerMsg::Correction { inject, title: iv.title.clone(), time, text });
        let teams: Vec<String> =
            if iv.teams.is_empty() { self.teams.keys().cloned().collect() } else { iv.teams.clone() };
        let n = teams.len();
        for t in teams {
            self.decisions.push((t, f.clone()));
        }
        Ok(format!(
            "correction to \"{}\" recorded and sent to {n} team{}",
            iv.title,
            if n == 1 { "" } else { "s" }
        ))
    }

    /// Stops the running clock while injects wait for approval (when the setting is on).
    fn hold_clock(&mut self) {
        if self.config.pause_for_approval
            && !self.pending.is_empty()
            && !self.paused
            && !self.owner.sim().is_finished()
        {
            self.paused = true;
            self.approval_paused = true;
        }
    }

    /// The setting was turned off: a clock stopped for approval runs again.
    fn release_clock_now(&mut self) {
        if self.approval_paused {
            self.approval_paused = false;
            self.paused = self.owner.sim().is_finished();
        }
    }

    /// Runs the clock again once the approval queue is empty, if waiting for it stopped it.
    fn release_clock(&mut self) {
        if self.approval_paused && self.pending.is_empty() {
            self.approval_paused = false;
            self.paused = self.owner.sim().is_finished();
        }
    }

    /// The module a debrief entry belongs to: the one being discussed at a break, else the
    /// current one; none once the exercise has ended.
    fn debrief_module(&self) -> Option<String> {
        let sim = self.owner.sim();
        if sim.is_finished() {
            return None;
        }
        let m = self.discussion.filter(|_| self.paused).or(sim.module())?;
        sim.registry().modules.get(m.ix()).map(|m| m.id.clone())
    }

    /// Journals a hot-wash item or a feedback form, or takes back a command; the answer in words.
    fn debrief(&mut self, team: Option<String>, request: DebriefRequest) -> Result<String, String> {
        let (tick, time) = self.record_time();
        let module = self.debrief_module();
        match request {
            DebriefRequest::HotWash { kind, text } => {
                check_hot_wash(&text)?;
                let text = text.trim().to_string();
                self.journal.write(&Record::HotWash { tick, time, module, team, kind, text });
                Ok(format!("hot-wash item recorded ({})", kind.heading().to_lowercase()))
            }
            DebriefRequest::Feedback(form) => {
                let Some(team) = team else {
                    return Err("the feedback form is filled in at a team's console".into());
                };
                form.check()?;
                self.journal.write(&Record::Feedback { tick, time, module, team, form });
                Ok("feedback form recorded; thank you".into())
            }
            DebriefRequest::Cancel(seq) => {
                if let Some(t) = &team {
                    let own = self.history.get(t).is_some_and(|list| {
                        list.iter()
                            .any(|c| matches!(c.state, TeamCommandState::Accepted { seq: s, .. } if s == seq))
                    });
                    if !own {
                        return Err(format!("command {seq} is not one of team `{t}`'s waiting to apply"));
                    }
                }
                if !self.cancel(seq) {
                    return Err(format!("command {seq} has already applied or was taken back"));
                }
                Ok(format!("command {seq} taken back before it applied"))
            }
        }
    }

    fn status(&self) -> ServerStatus {
        ServerStatus {
            paused: self.paused,
            ticks_per_second: self.config.ticks_per_second,
            pause_on_inject: self.config.pause_on_inject,
            approve_injects: self.config.approve_injects,
            pause_for_approval: self.config.pause_for_approval,
            consoles: self.consoles.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            facilitators: self.facilitators,
            pending: self
                .pending
                .iter()
                .map(|p| PendingInject {
                    pending: p.number,
                    team: p.team.clone(),
                    command: p.command.clone(),
                    summary: p.command.summary(),
                })
                .collect(),
            journal: self.journal.path().display().to_string(),
        }
    }

    /// The facilitator ended the session: every console gets its last view, then an end
    /// message with the final figures it may see, before the server closes the connections.
    fn announce_end(&mut self) {
        self.publish();
        let sim = self.owner.sim();
        let time =
            if sim.is_finished() { sim.registry().clock.at(sim.last_tick()) } else { sim.time() }.to_string();
        let message = "the facilitator ended the session".to_string();
        let m = sim.metrics();
        for (team, p) in &self.teams {
            if p.tx.receiver_count() == 0 {
                continue;
            }
            let Some(v) = sim.team_view(team) else { continue };
            let applied = v.outcomes.iter().filter(|o| o.result.is_ok()).count();
            let rejected = v.outcomes.len() - applied;
            let metrics = vec![
                ("public confidence".to_string(), format!("{:.1}", v.confidence)),
                ("lowest public confidence".to_string(), format!("{:.1}", m.confidence_min)),
                ("your commands applied".to_string(), applied.to_string()),
                ("your commands rejected".to_string(), rejected.to_string()),
            ];
            let _ =
                p.tx.send(frame(&ServerMsg::Ended { message: message.clone(), time: time.clone(), metrics }));
        }
        if self.facilitator.tx.receiver_count() > 0 {
            let metrics = vec![
                ("public confidence".to_string(), format!("{:.1}", m.confidence)),
                ("lowest public confidence".to_string(), format!("{:.1}", m.confidence_min)),
                ("intrusions attempted".to_string(), m.intrusions_attempted.to_string()),
                ("intrusions succeeded".to_string(), m.intrusions_succeeded.to_string()),
                ("intrusions blocked".to_string(), m.intrusions_blocked.to_string()),
                ("blocked by a shared indicator".to_string(), m.blocked_by_shared_indicator.to_string()),
            ];
            let _ = self.facilitator.tx.send(frame(&ServerMsg::Ended { message, time, metrics }));
        }
    }

    /// Sends every team with consoles, and the facilitator, what changed.
    fn publish(&mut self) {
        let at_us = self.tick_started_us;
        for (team, p) in self.teams.iter_mut() {
            if p.tx.receiver_count() == 0 {
                p.last = None;
                p.full = None;
                continue;
            }
            let Some(new) = self.owner.sim().team_view(team) else { continue };
            p.update += 1;
            let msg = match &p.last {
                Some((base, old)) => ServerMsg::Delta {
                    update: p.update,
                    base: *base,
                    at_us,
                    delta: Box::new(diff_team(old, &new)),
                },
                None => ServerMsg::Full {
                    update: p.update,
                    at_us,
                    view: Box::new(new.clone()),
                    directory: self.owner.sim().directory(team).map(Box::new),
                    history: recent(&self.history, team),
                    confidence_low: Some(self.owner.sim().metrics().confidence_min),
                    messages: recent_messages(&self.messages, Some(team)),
                },
            };
            let _ = p.tx.send(frame(&msg));
            p.last = Some((p.update, new));
        }
        self.publish_facilitator();
    }

    fn publish_facilitator(&mut self) {
        self.facilitator_stale = false;
        let p = &mut self.facilitator;
        if p.tx.receiver_count() == 0 {
            p.last = None;
            return;
        }
        let new = self.owner.sim().facilitator_view();
        let log: Vec<LogLine> = self.owner.sim().log_lines(None, Severity::Info, self.log_from);
        self.log_from = self.owner.sim().events().len();
        let status = self.status();
        let p = &mut self.facilitator;
        p.update += 1;
        let msg = match &p.last {
            Some((base, old)) => ServerMsg::FacilitatorDelta {
                update: p.update,
                base: *base,
                at_us: self.tick_started_us,
                delta: Box::new(diff_facilitator(old, &new)),
                status,
                log,
            },
            None => ServerMsg::FacilitatorFull {
                update: p.update,
                at_us: self.tick_started_us,
                view: Box::new(new.clone()),
                status,
                log,
                messages: recent_messages(&self.messages, None),
            },
        };
        let _ = p.tx.send(frame(&msg));
        p.last = Some((p.update, new));
    }
}

fn journal_failed(j: &SessionJournal, e: &std::io::Error) -> String {
    format!(
        "cannot write the journal {}: {e}\nThe session stopped so that nothing is acknowledged without being recorded; fix the disk and resume with `ttx serve --resume {}`.",
        j.path().display(),
        j.path().display()
    )
}

/// The exercise thread: it returns an error only when the journal could not be written.
pub type ExerciseThread = std::thread::JoinHandle<Result<(), String>>;

/// Starts the exercise on its own thread; returns the channel to it and the thread.
pub fn spawn(exercise: Exercise) -> std::io::Result<(mpsc::UnboundedSender<Request>, ExerciseThread)> {
    let (tx, rx) = mpsc::unbounded_channel();
    let handle = std::thread::Builder::new().name("ttx-exercise".into()).spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(|e| format!("cannot start the exercise clock: {e}"))?;
        rt.block_on(exercise.run(rx))
    })?;
    Ok((tx, handle))
}

/// Talk between the cells and control, bookmarks, and the room displays.
impl Exercise {
    /// Checks and journals a message (it is delivered once the journal holds it); returns its
    /// number, or why it was refused.
    fn message(
        &mut self,
        team: Option<String>,
        to: Party,
        channel: MessageChannel,
        text: String,
        signed: Option<String>,
    ) -> Result<u64, String> {
        let from = match &team {
            Some(t) => Party::Team(t.clone()),
            None => Party::Control,
        };
        match (&from, &to) {
            (_, Party::Team(t)) if !self.teams.contains_key(t) => {
                let t: String = t.chars().take(40).collect();
                return Err(format!("there is no team `{t}` to send to"));
            }
            (Party::Team(a), Party::Team(b)) if a == b => {
                return Err("a team does not send messages to itself".into());
            }
            (Party::Control, Party::Control) => {
                return Err("control sends its messages to a team".into());
            }
            (Party::Team(_), _) if signed.is_some() => {
                return Err("only control signs its messages as another organisation".into());
            }
            (Party::Control, _) if signed.is_none() => {
                return Err("say which organisation the message is from".into());
            }
            _ => {}
        }
        ttx_engine::talk::check_text(&text, signed.as_deref())?;
        let (tick, time) = self.record_time();
        let number = self.messages.last().map_or(1, |m| m.number + 1);
        let message = Message { number, tick, time, from, to, channel, signed, text };
        self.journal.write(&Record::Message { message: message.clone() });
        self.messages.push(message.clone());
        self.undelivered.push(message);
        // A joiner's full view carries the message from now on.
        for t in
            [self.messages.last().and_then(|m| m.from.team()), self.messages.last().and_then(|m| m.to.team())]
                .into_iter()
                .flatten()
                .map(str::to_string)
                .collect::<Vec<_>>()
        {
            if let Some(p) = self.teams.get_mut(&t) {
                p.full = None;
            }
        }
        Ok(number)
    }

    /// Sends the messages the journal now holds to the consoles of the teams at either end,
    /// to the facilitator's, and to the console in this terminal.
    fn deliver(&mut self) {
        for m in std::mem::take(&mut self.undelivered) {
            let f = frame(&ServerMsg::Message { message: m.clone() });
            for t in [m.from.team(), m.to.team()].into_iter().flatten() {
                if let Some(p) = self.teams.get(t)
                    && p.tx.receiver_count() > 0
                {
                    let _ = p.tx.send(f.clone());
                }
            }
            if self.facilitator.tx.receiver_count() > 0 {
                let _ = self.facilitator.tx.send(f);
            }
            if let Some(c) = self.owner.console() {
                c.message_arrived(m);
            }
        }
    }

    /// Journals a bookmark at this moment.
    fn bookmark(&mut self, text: String) -> Result<String, String> {
        let text = text.trim().to_string();
        if text.is_empty() || text.chars().count() > ttx_engine::talk::MAX_SIGNATURE * 2 {
            return Err(format!(
                "a bookmark is a word or phrase of 1 to {} characters",
                ttx_engine::talk::MAX_SIGNATURE * 2
            ));
        }
        let (tick, time) = self.record_time();
        self.journal.write(&Record::Bookmark { tick, time: time.clone(), text: text.clone() });
        Ok(format!("bookmarked {time}: {text}"))
    }

    /// What the room displays show now, as a frame.
    fn room_frame(&self) -> Bytes {
        let discussion = self.discussion.filter(|_| self.paused);
        let view = self.owner.sim().room_view(self.paused, discussion, ROOM_SERIES);
        frame(&ServerMsg::Room { view: Box::new(view) })
    }

    /// Tells the room displays what they show, when it changed.
    fn publish_room(&mut self) {
        if self.observers == 0 || self.room.receiver_count() == 0 {
            self.room_sent = None;
            return;
        }
        let f = self.room_frame();
        if self.room_sent.as_ref() == Some(&f) {
            return;
        }
        let _ = self.room.send(f.clone());
        self.room_sent = Some(f);
    }

    fn join_observer(&mut self) -> Joined {
        let full = self.room_frame();
        self.room_sent = Some(full.clone());
        Joined { full, clock: None, updates: self.room.subscribe() }
    }
}
