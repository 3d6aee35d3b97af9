//! Who runs a facilitator console's exercise: the [`Session`].
//!
//! In `ttx play` the session is [`Local`]: it owns the simulation, moves it on its own clock,
//! and turns what the facilitator records into journal [`Record`]s for the caller to write. In
//! `ttx serve` it is [`Hosted`]: the server owns the clock and the journal (and steps the
//! simulation), so the session asks it in the protocol's own requests ([`ClientMsg`],
//! [`Control`]) and shows what it last said of itself ([`ServerStatus`]). The console's keys and
//! screens ask the session, not which kind it is.

use std::collections::BTreeMap;
use std::time::Duration;

use ttx_engine::command::{Command, Issuer};
use ttx_engine::journal::Record;
use ttx_engine::{ETime, Sim, Tick};
use ttx_protocol::{ClientMsg, Control, ServerStatus};

use super::{DEFAULT_SPEED, MAX_STEPS_PER_TICK, SPEEDS};

/// What a hosted console shows of the server: where consoles join, and the server's state as
/// it last said (with what the console asked of it since).
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    /// Where consoles connect.
    pub address: String,
    /// One join code per team, the facilitator's control connection (team `None`), and the
    /// room displays'.
    pub codes: Vec<JoinCode>,
    /// The server's clock, consoles connected, held injects.
    pub status: ServerStatus,
}

impl Host {
    /// Consoles connected to a team.
    pub fn consoles(&self, team: &str) -> usize {
        self.status.consoles.iter().filter(|(t, _)| t == team).map(|(_, n)| n).sum()
    }

    /// Consoles connected, every team's.
    pub fn online(&self) -> usize {
        self.status.consoles.iter().map(|(_, n)| n).sum()
    }
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

/// The simulation and who runs its clock and keeps its journal.
pub enum Session {
    /// `ttx play`: this console.
    Local(Box<Local>),
    /// `ttx serve`: the server that hosts the console.
    Hosted(Box<Hosted>),
}

/// A session this console runs: the simulation, the clock, and the journal's outbox.
pub struct Local {
    sim: Sim,
    running: bool,
    speed: usize,
    pause_on_inject: bool,
    /// Simulated hours owed to real time and not yet simulated.
    carry: f64,
    journal: Vec<Record>,
}

/// A session the server runs: what the console shows of it, and the requests the console made.
pub struct Hosted {
    sim: Sim,
    /// Where consoles join, and the server's state.
    pub host: Host,
    requests: Vec<ClientMsg>,
    /// Requests taken by the server and not yet answered, by the console's number.
    asked: BTreeMap<u64, ClientMsg>,
    next_id: u64,
}

/// What became of a request to take back a queued command.
pub enum Cancel {
    /// Taken back here; the journal has its record.
    Taken,
    /// It has already applied.
    Applied,
    /// Asked of the server, which answers later.
    Asked,
}

impl Session {
    /// A session this console runs over a simulation.
    pub fn new_local(sim: Sim) -> Session {
        Session::Local(Box::new(Local {
            sim,
            running: false,
            speed: DEFAULT_SPEED,
            pause_on_inject: true,
            carry: 0.0,
            journal: Vec::new(),
        }))
    }

    /// A session the server at `host` runs (it steps `sim`).
    pub fn new_hosted(sim: Sim, host: Host) -> Session {
        Session::Hosted(Box::new(Hosted {
            sim,
            host,
            requests: Vec::new(),
            asked: BTreeMap::new(),
            next_id: 1,
        }))
    }

    /// The simulation.
    pub fn sim(&self) -> &Sim {
        match self {
            Session::Local(l) => &l.sim,
            Session::Hosted(h) => &h.sim,
        }
    }

    /// The simulation, to change.
    pub fn sim_mut(&mut self) -> &mut Sim {
        match self {
            Session::Local(l) => &mut l.sim,
            Session::Hosted(h) => &mut h.sim,
        }
    }

    /// The server's side, when a server runs the session.
    pub fn hosted(&self) -> Option<&Hosted> {
        match self {
            Session::Local(_) => None,
            Session::Hosted(h) => Some(h),
        }
    }

    /// The server's side, to change.
    pub fn hosted_mut(&mut self) -> Option<&mut Hosted> {
        match self {
            Session::Local(_) => None,
            Session::Hosted(h) => Some(h),
        }
    }

    /// Whether the scenario clock runs.
    pub fn is_running(&self) -> bool {
        match self {
            Session::Local(l) => l.running,
            Session::Hosted(h) => !h.host.status.paused && !h.sim.is_finished(),
        }
    }

    /// Whether the clock stops when a scripted inject fires.
    pub fn pause_on_inject(&self) -> bool {
        match self {
            Session::Local(l) => l.pause_on_inject,
            Session::Hosted(h) => h.host.status.pause_on_inject,
        }
    }

    /// The speed as the header writes it.
    pub fn speed_label(&self) -> String {
        match self {
            Session::Local(l) => SPEEDS[l.speed].1.to_string(),
            Session::Hosted(h) => {
                let v = h.host.status.ticks_per_second;
                match SPEEDS.iter().find(|(s, _)| (*s - v).abs() < 1e-9) {
                    Some((_, l)) => (*l).to_string(),
                    None => format!("{v} h/s"),
                }
            }
        }
    }

    /// The speed, as an index into [`SPEEDS`] (hosted: the nearest at or below the server's).
    pub fn speed(&self) -> usize {
        match self {
            Session::Local(l) => l.speed,
            Session::Hosted(h) => {
                SPEEDS.iter().rposition(|(s, _)| *s <= h.host.status.ticks_per_second + 1e-9).unwrap_or(0)
            }
        }
    }

    /// Runs or stops the clock.
    pub fn set_running(&mut self, run: bool) {
        match self {
            Session::Local(l) => {
                l.running = run;
                l.carry = 0.0;
            }
            Session::Hosted(h) => {
                h.host.status.paused = !run;
                h.control(if run { Control::Resume } else { Control::Pause });
            }
        }
    }

    /// Stops the console's own clock (at a module break, for a discussion, at the end); a
    /// server stops its own.
    pub fn halt(&mut self) {
        if let Session::Local(l) = self {
            l.running = false;
            l.carry = 0.0;
        }
    }

    /// One speed faster or slower (hosted: from the server's speed).
    pub fn change_speed(&mut self, faster: bool) {
        match self {
            Session::Local(l) if faster => l.speed = (l.speed + 1).min(SPEEDS.len() - 1),
            Session::Local(l) => l.speed = l.speed.saturating_sub(1),
            Session::Hosted(h) => {
                let now = h.host.status.ticks_per_second;
                let next = if faster {
                    SPEEDS.iter().map(|s| s.0).find(|v| *v > now + 1e-9)
                } else {
                    SPEEDS.iter().rev().map(|s| s.0).find(|v| *v < now - 1e-9)
                };
                if let Some(v) = next {
                    h.host.status.ticks_per_second = v;
                    h.control(Control::Speed { ticks_per_second: v });
                }
            }
        }
    }

    /// Whether the clock stops when a scripted inject fires.
    pub fn set_pause_on_inject(&mut self, on: bool) {
        match self {
            Session::Local(l) => l.pause_on_inject = on,
            Session::Hosted(h) => {
                h.host.status.pause_on_inject = on;
                h.control(Control::PauseOnInject { on });
            }
        }
    }

    /// Simulates up to and including `target` with the clock stopped. Returns whether the
    /// simulation moved here (a server moves it later and says so).
    pub fn run_until(&mut self, target: Tick) -> bool {
        match self {
            Session::Local(l) => {
                l.running = false;
                l.sim.run_until(target);
                true
            }
            Session::Hosted(h) => {
                let hours = (target.0 + 1).saturating_sub(h.sim.now().0);
                h.host.status.paused = true;
                h.control(Control::Pause);
                if hours > 0 {
                    h.control(Control::Step { ticks: hours });
                }
                false
            }
        }
    }

    /// How many hours the console's own clock owes for `d` of real time (none while it stands,
    /// or when a server keeps the clock).
    pub fn hours_due(&mut self, d: Duration) -> u32 {
        let Session::Local(l) = self else { return 0 };
        if !l.running {
            return 0;
        }
        l.carry += d.as_secs_f64() * SPEEDS[l.speed].0;
        let steps = (l.carry.floor() as u32).min(MAX_STEPS_PER_TICK);
        l.carry -= l.carry.floor();
        steps
    }

    /// Submits a command the engine's authority check passed. Returns its sequence number when
    /// it is queued here; a server journals it first and answers with it.
    pub fn submit(&mut self, command: Command) -> Option<u64> {
        match self {
            Session::Local(l) => Some(l.sim.submit(Issuer::Facilitator, command)),
            Session::Hosted(h) => {
                h.send(|id| ClientMsg::Command { id, command });
                None
            }
        }
    }

    /// Takes back a queued command before it applies.
    pub fn cancel(&mut self, seq: u64) -> Cancel {
        match self {
            Session::Local(l) => {
                let Some((issuer, command)) = l.sim.cancel(seq) else { return Cancel::Applied };
                let tick = l.sim.now();
                let time = l.sim.registry().clock.at(tick).to_string();
                l.journal.push(Record::Cancelled { tick: tick.0, time, issuer, seq, command });
                Cancel::Taken
            }
            Session::Hosted(h) => {
                h.send(|id| ClientMsg::Cancel { id, seq });
                Cancel::Asked
            }
        }
    }

    /// Journals what the facilitator recorded (a note, its new text or deletion, a correction,
    /// a bookmark, a hot-wash item): as a record here, or by asking the server, which journals
    /// it as it does a control connection's. `module` is the module a note is about, for the
    /// record here (a server takes its own). Returns where it went, in words.
    pub fn journal(&mut self, request: ClientMsg, module: Option<usize>) -> &'static str {
        match self {
            Session::Hosted(h) => {
                h.send(|id| with_id(request, id));
                "sent to the session journal"
            }
            Session::Local(l) => {
                if let Some(r) = l.record(request, module) {
                    l.journal.push(r);
                }
                "saved to the journal"
            }
        }
    }

    /// The journal records made since the last call (commands, state hashes, notes), in
    /// order; a hosted session has none (the server writes the journal).
    pub fn take_records(&mut self) -> Vec<Record> {
        match self {
            Session::Local(l) => std::mem::take(&mut l.journal),
            Session::Hosted(_) => Vec::new(),
        }
    }

    /// After the simulation moved: what it journaled goes to the outbox (the server's own
    /// journal has it when it runs the session).
    pub(super) fn moved(&mut self) {
        match self {
            Session::Local(l) => {
                let records = l.sim.take_journal_records();
                l.journal.extend(records);
            }
            Session::Hosted(h) => {
                let _ = h.sim.take_journal_records();
            }
        }
    }

    /// The requests made since the last call, for the server.
    pub fn take_requests(&mut self) -> Vec<ClientMsg> {
        match self {
            Session::Local(_) => Vec::new(),
            Session::Hosted(h) => {
                let out = std::mem::take(&mut h.requests);
                for r in &out {
                    if let Some(id) = id_of(r) {
                        h.asked.insert(id, r.clone());
                    }
                }
                out
            }
        }
    }
}

impl Local {
    /// The journal record for what the facilitator recorded at this console.
    fn record(&self, request: ClientMsg, module: Option<usize>) -> Option<Record> {
        let sim = &self.sim;
        let reg = sim.registry();
        let tick = sim.now().0;
        let time = now(sim).to_string();
        Some(match request {
            ClientMsg::Control { action, .. } => match action {
                Control::Note { text, question } => {
                    let m = module.and_then(|m| reg.modules.get(m));
                    Record::Note {
                        tick,
                        time,
                        module: m.map(|m| m.id.clone()),
                        question,
                        question_text: m.and_then(|m| question.and_then(|q| m.questions.get(q).cloned())),
                        author: Some("facilitator".to_string()),
                        text,
                    }
                }
                Control::EditNote { note, text } => Record::NoteEdited { tick, time, note, text },
                Control::DeleteNote { note } => Record::NoteDeleted { tick, time, note },
                Control::Correct { inject, text } => Record::Correction { tick, time, inject, text },
                Control::Bookmark { text } => Record::Bookmark { tick, time, text },
                _ => return None,
            },
            ClientMsg::HotWash { kind, text, .. } => {
                let module = (!sim.is_finished()).then(|| sim.module()).flatten();
                Record::HotWash {
                    tick,
                    time,
                    module: module.and_then(|m| reg.modules.get(m.ix())).map(|m| m.id.clone()),
                    team: None,
                    kind,
                    text,
                }
            }
            ClientMsg::Message { .. }
            | ClientMsg::Hello { .. }
            | ClientMsg::Command { .. }
            | ClientMsg::Cancel { .. }
            | ClientMsg::Feedback { .. }
            | ClientMsg::Ping => return None,
        })
    }

    /// Journals a message the room sent, as the facilitator recorded it.
    pub fn record_message(&mut self, message: ttx_engine::talk::Message) {
        self.journal.push(Record::Message { message });
    }
}

impl Hosted {
    /// Queues a request for the server, numbered.
    pub fn send(&mut self, request: impl FnOnce(u64) -> ClientMsg) {
        let id = self.next_id;
        self.next_id += 1;
        self.requests.push(request(id));
    }

    /// Queues exercise control for the server.
    pub fn control(&mut self, action: Control) {
        self.send(|id| ClientMsg::Control { id, action });
    }

    /// The request the server answered under the console's number `id`; it is answered now.
    pub(super) fn answered(&mut self, id: u64) -> Option<ClientMsg> {
        self.asked.remove(&id)
    }
}

/// The scenario clock as the facilitator reads it: the next hour to simulate, or the scenario's
/// last hour once the exercise has ended.
pub fn now(sim: &Sim) -> ETime {
    if sim.is_finished() { sim.registry().clock.end } else { sim.time() }
}

/// A request numbered `id`.
fn with_id(request: ClientMsg, id: u64) -> ClientMsg {
    match request {
        ClientMsg::Command { command, .. } => ClientMsg::Command { id, command },
        ClientMsg::Control { action, .. } => ClientMsg::Control { id, action },
        ClientMsg::HotWash { kind, text, .. } => ClientMsg::HotWash { id, kind, text },
        ClientMsg::Feedback { form, .. } => ClientMsg::Feedback { id, form },
        ClientMsg::Cancel { seq, .. } => ClientMsg::Cancel { id, seq },
        ClientMsg::Message { to, channel, text, signed, .. } => {
            ClientMsg::Message { id, to, channel, text, signed }
        }
        other @ (ClientMsg::Hello { .. } | ClientMsg::Ping) => other,
    }
}

/// The console's number of a request.
fn id_of(request: &ClientMsg) -> Option<u64> {
    match request {
        ClientMsg::Command { id, .. }
        | ClientMsg::Control { id, .. }
        | ClientMsg::HotWash { id, .. }
        | ClientMsg::Feedback { id, .. }
        | ClientMsg::Cancel { id, .. }
        | ClientMsg::Message { id, .. } => Some(*id),
        ClientMsg::Hello { .. } | ClientMsg::Ping => None,
    }
}
