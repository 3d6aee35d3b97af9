//! [`Sim`]: the one way in and out of a running simulation.
//!
//! The bevy `World` stays private: callers submit [`Command`]s, step or run
//! the clock, and read plain view structs, metrics and the state digest.

use std::sync::Arc;

use bevy_ecs::component::Mutable;
use bevy_ecs::message::MessageRegistry;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemState;

use crate::command::{Command, CommandOutcome, Issuer, Rejection, check_actor};
use crate::events::{EventLog, SimEvent};
use crate::journal::Record;
use crate::metrics::{Metrics, SeriesPoint};
use crate::model::registry::*;
use crate::model::*;
use crate::rng::{StableHasher, Streams};
use crate::scenario::Scenario;
use crate::systems::commands::CommandQueue;
use crate::systems::doctrines::Planned;
use crate::systems::tick::TickCtx;
use crate::systems::{self, DownCounts, interval_impact};
use crate::time::{ETime, Tick};

/// The families of a tick's work, in their order (docs/architecture.md explains each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// Applying commands.
    Commands,
    /// Firing injects.
    Injects,
    /// Adversary campaigns.
    Campaigns,
    /// Timers: outages ending, leaks, on-site teams, confidence recovery.
    Impact,
    /// Detections becoming indicators.
    Detection,
    /// Intelligence, investigations, the EO 13848 process.
    Federal,
    /// Sharing on channels.
    Sharing,
    /// Doctrines of unstaffed actors.
    Doctrines,
    /// Conditional injects.
    Triggers,
    /// Rotating the message buffers.
    Messages,
}

impl Family {
    /// Every family, in tick order.
    pub const ALL: [Family; 10] = [
        Family::Commands,
        Family::Injects,
        Family::Campaigns,
        Family::Impact,
        Family::Detection,
        Family::Federal,
        Family::Sharing,
        Family::Doctrines,
        Family::Triggers,
        Family::Messages,
    ];

    /// Lowercase name.
    pub const fn name(self) -> &'static str {
        match self {
            Family::Commands => "commands",
            Family::Injects => "injects",
            Family::Campaigns => "campaigns",
            Family::Impact => "impact",
            Family::Detection => "detection",
            Family::Federal => "federal",
            Family::Sharing => "sharing",
            Family::Doctrines => "doctrines",
            Family::Triggers => "triggers",
            Family::Messages => "messages",
        }
    }
}

/// What a tick borrows from the world: fetched once per [`Sim::run_until`] or [`Sim::step`]
/// (see [`TickCtx`]). It keeps the message readers' cursors from tick to tick.
type TickState = SystemState<TickCtx<'static, 'static>>;

/// Why a tick could not borrow the world: a resource of [`TickCtx`] is missing, which only
/// a setup that forgot to insert it can cause (a bug in `install_state`, not in any input).
fn missing_state(e: &bevy_ecs::system::SystemParamValidationError) -> String {
    format!("a resource the tick needs is missing from the world (insert it in `install_state`): {e}")
}

/// An asset's components at the start of a run.
fn asset_start(a: &AssetInfo) -> (AssetPosture, Status) {
    (AssetPosture(a.posture), Status::default())
}

/// Puts a resource into the world: over the one already there (a reset's), or as a new one.
/// Inserting a resource again would go through bevy's insertion of a component, several
/// times the cost of writing over it.
fn put<R: Resource<Mutability = Mutable>>(world: &mut World, value: R) {
    match world.get_resource_mut::<R>() {
        Some(mut r) => *r = value,
        None => world.insert_resource(value),
    }
}

/// Puts a run's starting state into the world: every resource, and the initial agenda.
/// The entities and their components are the caller's.
fn install_state(
    world: &mut World,
    reg: &Arc<Registry>,
    scenario_hash: u64,
    seed: u64,
    options: &SimOptions,
) {
    let ticks = reg.clock.ticks();
    let streams = Streams::new(seed);

    // EI-ISAC membership: listed, or a fixed draw per actor, so a higher share only adds members.
    let sharing = &reg.spec.sharing;
    let isac_draws: Vec<Option<f64>> = reg
        .actors
        .iter()
        .map(|a| {
            matches!(a.kind, ActorKind::Local | ActorKind::StateOffice)
                .then(|| streams.fixed_uniform(&["isac_member", &a.id]))
        })
        .collect();
    let members: Vec<bool> = reg
        .actors
        .iter()
        .zip(&isac_draws)
        .map(|(a, draw)| match (a.kind, *draw) {
            (ActorKind::Local, Some(u)) => a.isac_listed.unwrap_or(u < sharing.isac_membership),
            (ActorKind::StateOffice, Some(u)) => u < sharing.state_isac_membership,
            _ => false,
        })
        .collect();
    let staffed: Vec<bool> = reg.teams.iter().map(|t| options.staffed.contains(&t.id)).collect();

    let mut h = StableHasher::new();
    h.u64(scenario_hash).u64(seed);
    // A reused simulation's runs log about as many events as each other: the log keeps its room.
    let mut log =
        world.get_resource_mut::<RunRecord>().map(|mut r| std::mem::take(&mut r.log.0)).unwrap_or_default();
    log.clear();
    put(world, RunRecord { digest: Digest(h.finish()), log: EventLog(log), ..RunRecord::default() });
    put(world, Reg(Arc::clone(reg)));
    put(world, Seeded { streams, members, isac_draws });
    put(world, Now(Tick(0)));
    put(world, Staffing(staffed));
    empty_calendar::<CampaignEvent>(world, ticks);
    empty_calendar::<InjectEvent>(world, ticks);
    empty_calendar::<Timer>(world, ticks);
    empty_calendar::<FederalEvent>(world, ticks);
    empty_calendar::<Delivery>(world, ticks);
    put(world, Alerts::default());
    put(world, Intrusions::default());
    put(world, Campaigns(reg.campaigns.iter().map(|_| CampaignRun::new()).collect()));
    put(world, Indicators::default());
    let conf = reg.spec.public.confidence;
    put(
        world,
        Public {
            confidence: conf,
            baseline: conf,
            min: conf,
            open: vec![],
            recovering: false,
            news_day: i64::MIN,
            stories_today: 0,
        },
    );
    put(world, DownCounts::default());
    put(world, Onsite { free: reg.spec.doctrines.federal.onsite_teams, ..Onsite::default() });
    put(world, Eo { evidence: vec![0.0; reg.adversaries.len()], ..Eo::default() });
    put(world, Injects { state: vec![InjectState::Pending; reg.injects.len()], adhoc: 0 });
    put(world, Inbox::default());
    put(world, IssuedLog::default());
    put(world, ShareLedger::default());
    put(world, CommandQueue::default());
    put(world, Planned::default());

    // The initial agenda.
    {
        let mut cal = world.resource_mut::<Calendar<CampaignEvent>>();
        for (i, c) in reg.campaigns.iter().enumerate() {
            if let Some(t) = c.start {
                cal.schedule(t, CampaignEvent::Start(CampaignIx(i as u32)));
            }
        }
    }
    {
        let mut cal = world.resource_mut::<Calendar<InjectEvent>>();
        for (i, m) in reg.modules.iter().enumerate() {
            cal.schedule(m.start, InjectEvent::ModuleStart(ModuleIx(i as u32)));
        }
        for (i, inj) in reg.injects.iter().enumerate() {
            if let ResolvedTrigger::At(t) = inj.trigger {
                cal.schedule(t, InjectEvent::Scripted(InjectIx(i as u32)));
            }
            // Hours named by `Before` and `After` are simulated, so conditions see the clock pass them.
            let mut times = Vec::new();
            if let ResolvedTrigger::When(c, _) = &inj.trigger {
                condition_times(c, &mut times);
            }
            if let Some(c) = &inj.cancel_if {
                condition_times(c, &mut times);
            }
            times.sort();
            times.dedup();
            for t in times {
                cal.schedule(t, InjectEvent::Wake);
            }
        }
    }
    {
        let work = reg.spec.eo13848.assessment_work_days;
        let t = reg.clock.tick_of(ETime::new(0, 0) + ETime((work * 24.0).ceil() as i64));
        if let Some(t) = t {
            world.resource_mut::<Calendar<FederalEvent>>().schedule(t, FederalEvent::AssessmentCheck);
        }
    }
}

/// Puts an empty calendar of `ticks` ticks in the world: a reused simulation's calendar
/// is emptied and keeps its room.
fn empty_calendar<T: Send + Sync + 'static>(world: &mut World, ticks: u32) {
    match world.get_resource_mut::<Calendar<T>>() {
        Some(mut cal) => cal.reset(ticks),
        None => world.insert_resource(Calendar::<T>::new(ticks)),
    }
}

/// The times a condition names.
fn condition_times(c: &ResolvedCondition, out: &mut Vec<Tick>) {
    match c {
        ResolvedCondition::Before(t) | ResolvedCondition::After(t) => out.push(*t),
        ResolvedCondition::All(v) | ResolvedCondition::Any(v) => {
            v.iter().for_each(|c| condition_times(c, out));
        }
        ResolvedCondition::Not(c) => condition_times(c, out),
        _ => {}
    }
}

/// How often the metric series is sampled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Resolution {
    /// Once per simulated day (at 23:00) and at the end.
    #[default]
    Daily,
    /// Every simulated hour.
    Hourly,
}

/// Options for a run.
#[derive(Clone, Debug, Default)]
pub struct SimOptions {
    /// Metric series resolution.
    pub series: Resolution,
    /// Teams staffed from the start (their actors do not follow doctrine).
    pub staffed: Vec<String>,
}

/// A journal record waiting to be taken.
#[derive(Clone)]
enum JournalEntry {
    Record(Box<Record>),
    Hash(Tick, u64),
}

/// Declares the resources that make up a run's state once: the [`Snapshot`] fields that
/// hold them, and how a snapshot takes and gives them back. A resource added to
/// `install_state` belongs here too (a test checks that every resource of the world is
/// either listed here or fixed for the whole run).
macro_rules! state_resources {
    ($($field:ident: $ty:ty),* $(,)?) => {
        /// Every resource of a run's state, copied.
        #[derive(Clone)]
        struct SavedResources {
            $($field: $ty,)*
        }

        impl SavedResources {
            fn take(world: &World) -> SavedResources {
                SavedResources { $($field: world.resource::<$ty>().clone(),)* }
            }

            fn give(&self, world: &mut World) {
                $(world.resource_mut::<$ty>().clone_from(&self.$field);)*
            }
        }

        /// The saved resources' types (for the test that none is forgotten).
        #[cfg(test)]
        fn saved_resource_types() -> Vec<std::any::TypeId> {
            vec![$(std::any::TypeId::of::<$ty>(),)*]
        }
    };
}

state_resources! {
    record: RunRecord,
    seeded: Seeded,
    now: Now,
    staffing: Staffing,
    campaign_events: Calendar<CampaignEvent>,
    inject_events: Calendar<InjectEvent>,
    timers: Calendar<Timer>,
    federal_events: Calendar<FederalEvent>,
    deliveries: Calendar<Delivery>,
    alerts: Alerts,
    intrusions: Intrusions,
    campaigns: Campaigns,
    indicators: Indicators,
    public: Public,
    down: DownCounts,
    onsite: Onsite,
    eo: Eo,
    injects: Injects,
    inbox: Inbox,
    issued: IssuedLog,
    ledger: ShareLedger,
    commands: CommandQueue,
    planned: Planned,
}

/// The whole state of a run between two ticks, copied: every resource, every entity's
/// changing components, and the run's records (series, digest trace, journal, command
/// outcomes). [`Sim::restore`] puts it into a simulation of the same scenario and options,
/// which then continues exactly as the run it was taken from would have; [`Sim::fork`]
/// builds such a copy. Taking and restoring one costs a copy of the state, far less than
/// simulating the hours that led to it.
#[derive(Clone)]
pub struct Snapshot {
    scenario_hash: u64,
    seed: u64,
    now: Tick,
    staffed: Vec<String>,
    resolution: Resolution,
    resources: SavedResources,
    knowledge: Vec<Knowledge>,
    postures: Vec<AssetPosture>,
    statuses: Vec<Status>,
    series: Vec<SeriesPoint>,
    trace: Vec<(Tick, u64)>,
    journal: Vec<JournalEntry>,
    checkpoint_commands: bool,
    history: Vec<CommandOutcome>,
    undelivered: Vec<CommandOutcome>,
}

impl Snapshot {
    /// The next tick the restored simulation simulates.
    pub fn now(&self) -> Tick {
        self.now
    }

    /// The seed of the run it was taken from.
    pub fn seed(&self) -> u64 {
        self.seed
    }
}

/// Why a snapshot cannot be restored into a simulation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the snapshot is of another run: {0}")]
pub struct SnapshotMismatch(&'static str);

/// A running simulation.
pub struct Sim {
    world: World,
    tick: TickState,
    /// Built by the first reset or restore (a simulation run once never needs them).
    writers: Option<Writers>,
    reg: Arc<Registry>,
    scenario_hash: u64,
    seed: u64,
    now: Tick,
    series: Vec<SeriesPoint>,
    resolution: Resolution,
    options: SimOptions,
    trace: Vec<(Tick, u64)>,
    journal: Vec<JournalEntry>,
    checkpoint_commands: bool,
    history: Vec<CommandOutcome>,
    undelivered: Vec<CommandOutcome>,
}

impl Sim {
    /// A new run of a scenario with a seed.
    pub fn new(scenario: &Scenario, seed: u64) -> Sim {
        Sim::with_options(scenario, seed, SimOptions::default())
    }

    /// A new run with options.
    pub fn with_options(scenario: &Scenario, seed: u64, options: SimOptions) -> Sim {
        Sim::build(scenario.registry_arc(), scenario.hash(), seed, options)
    }

    fn build(reg: Arc<Registry>, scenario_hash: u64, seed: u64, options: SimOptions) -> Sim {
        let mut world = World::new();
        // Every resource goes in before the actors and assets are spawned. bevy keeps each
        // resource on an entity of its own, in a sparse set that grows to that entity's
        // index: resources inserted after some 48,000 entities would each fill one such
        // array for nothing, which is most of the cost of building a national run.
        MessageRegistry::register_message::<Detection>(&mut world);
        MessageRegistry::register_message::<ShareOrder>(&mut world);
        MessageRegistry::register_message::<Learned>(&mut world);
        MessageRegistry::register_message::<Visible>(&mut world);
        MessageRegistry::register_message::<WentDown>(&mut world);
        world.insert_resource(Entities::default());
        install_state(&mut world, &reg, scenario_hash, seed, &options);
        let actors = world.spawn_batch(reg.actors.iter().map(|_| Knowledge::default())).collect();
        let assets = world.spawn_batch(reg.assets.iter().map(asset_start)).collect();
        *world.resource_mut::<Entities>() = Entities { actors, assets };
        let tick = TickState::new(&mut world);
        // The world holds the start of the run already: what `start` sets besides is as here.
        Sim {
            world,
            tick,
            writers: None,
            scenario_hash,
            seed,
            reg,
            now: Tick(0),
            series: Vec::new(),
            resolution: options.series,
            options,
            trace: Vec::new(),
            journal: Vec::new(),
            checkpoint_commands: false,
            history: Vec::new(),
            undelivered: Vec::new(),
        }
    }

    /// Starts this simulation over with another seed, as [`Sim::with_options`] would with
    /// the same scenario and options, but keeping the world's entities and the tick's
    /// state. A batch reuses one `Sim` per thread this way: building a world is a large
    /// share of a short run. The run that follows is identical to one from a new `Sim`.
    pub fn reset(&mut self, seed: u64) {
        let (world, reg) = (&mut self.world, &self.reg);
        let w = self.writers.get_or_insert_with(|| Writers::new(world));
        with_entities(world, |world, ents| {
            write_each(world, &mut w.knowledge, &ents.actors, |_, mut k| k.clear());
            write_each(world, &mut w.assets, &ents.assets, |i, (mut p, mut st)| {
                if let Some(a) = reg.assets.get(i) {
                    (*p, *st) = asset_start(a);
                }
            });
        });
        self.start(seed);
    }

    /// Puts the run at its start with a seed, the entities' components being at their
    /// starting values already, as [`Sim::build`] leaves a new simulation.
    fn start(&mut self, seed: u64) {
        self.clear_messages();
        install_state(&mut self.world, &self.reg, self.scenario_hash, seed, &self.options);
        self.seed = seed;
        self.now = Tick(0);
        self.series.clear();
        self.trace.clear();
        self.journal.clear();
        self.checkpoint_commands = false;
        self.history.clear();
        self.undelivered.clear();
    }

    /// Copies the run's whole state at the clock's position (between two ticks).
    pub fn snapshot(&self) -> Snapshot {
        let ents = self.world.resource::<Entities>();
        let w = &self.world;
        let component = |e: &Entity| w.entity(*e);
        Snapshot {
            scenario_hash: self.scenario_hash,
            seed: self.seed,
            now: self.now,
            staffed: self.options.staffed.clone(),
            resolution: self.resolution,
            resources: SavedResources::take(w),
            knowledge: ents.actors.iter().filter_map(|e| component(e).get::<Knowledge>().cloned()).collect(),
            postures: ents
                .assets
                .iter()
                .filter_map(|e| component(e).get::<AssetPosture>().copied())
                .collect(),
            statuses: ents.assets.iter().filter_map(|e| component(e).get::<Status>().cloned()).collect(),
            series: self.series.clone(),
            trace: self.trace.clone(),
            journal: self.journal.clone(),
            checkpoint_commands: self.checkpoint_commands,
            history: self.history.clone(),
            undelivered: self.undelivered.clone(),
        }
    }

    /// Puts a [`Snapshot`] of a run of the same scenario with the same options into this
    /// simulation, keeping its entities and the tick's state: from here on it continues as
    /// the run the snapshot was taken from would have, step for step and hash for hash.
    /// A what-if analysis brings one simulation to a fork once and restores it for every
    /// continuation, instead of simulating the shared past again.
    pub fn restore(&mut self, snap: &Snapshot) -> Result<(), SnapshotMismatch> {
        if snap.scenario_hash != self.scenario_hash {
            return Err(SnapshotMismatch("another scenario"));
        }
        if snap.staffed != self.options.staffed || snap.resolution != self.resolution {
            return Err(SnapshotMismatch("other options"));
        }
        let ents = self.world.resource::<Entities>();
        if snap.knowledge.len() != ents.actors.len()
            || snap.postures.len() != ents.assets.len()
            || snap.statuses.len() != ents.assets.len()
        {
            return Err(SnapshotMismatch("other entities"));
        }
        let w = self.writers.get_or_insert_with(|| Writers::new(&mut self.world));
        with_entities(&mut self.world, |world, ents| {
            write_each(world, &mut w.knowledge, &ents.actors, |i, mut k| {
                if let Some(saved) = snap.knowledge.get(i) {
                    k.clone_from(saved);
                }
            });
            write_each(world, &mut w.assets, &ents.assets, |i, (mut p, mut st)| {
                if let (Some(posture), Some(status)) = (snap.postures.get(i), snap.statuses.get(i)) {
                    *p = *posture;
                    st.clone_from(status);
                }
            });
        });
        // Between two ticks every message has been read by every reader (each is read later
        // in the tick that wrote it), so what is left in the buffers is never read again:
        // clearing them, as `reset` does, keeps this world's readers in step.
        self.clear_messages();
        snap.resources.give(&mut self.world);
        self.seed = snap.seed;
        self.now = snap.now;
        self.series.clone_from(&snap.series);
        self.trace.clone_from(&snap.trace);
        self.journal.clone_from(&snap.journal);
        self.checkpoint_commands = snap.checkpoint_commands;
        self.history.clone_from(&snap.history);
        self.undelivered.clone_from(&snap.undelivered);
        Ok(())
    }

    /// A new simulation in this one's state: it continues exactly as this one would. It
    /// builds a fresh world and tick state (no scenario is parsed or compiled again); to make
    /// many continuations from one state, [`Sim::restore`] a [`Snapshot`] into a reused
    /// simulation instead.
    pub fn fork(&self) -> Sim {
        let mut sim = Sim::build(Arc::clone(&self.reg), self.scenario_hash, self.seed, self.options.clone());
        // The same scenario, options and entities: restoring cannot fail.
        let _ = sim.restore(&self.snapshot());
        sim
    }

    fn clear_messages(&mut self) {
        self.world.resource_mut::<Messages<Detection>>().clear();
        self.world.resource_mut::<Messages<ShareOrder>>().clear();
        self.world.resource_mut::<Messages<Learned>>().clear();
        self.world.resource_mut::<Messages<Visible>>().clear();
        self.world.resource_mut::<Messages<WentDown>>().clear();
    }

    /// Branches the run's random streams: every draw from now on comes from streams keyed by
    /// `branch` too, while everything already drawn (the past, and what it scheduled) stays.
    /// Two runs brought to the same tick and branched alike continue alike; branch 0 is the
    /// run's own streams, so branching to 0 changes nothing. `ttx whatif` forks runs this way.
    pub fn branch(&mut self, branch: u64) {
        let streams = Streams::new(self.seed).branched(branch);
        self.world.resource_mut::<Seeded>().streams = streams;
    }

    /// The resolved scenario.
    pub fn registry(&self) -> &Registry {
        &self.reg
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The scenario's content hash.
    pub fn scenario_hash(&self) -> u64 {
        self.scenario_hash
    }

    /// The next tick to be simulated (the clock's position).
    pub fn now(&self) -> Tick {
        self.now
    }

    /// The clock's position, relative to Election Day.
    pub fn time(&self) -> ETime {
        self.reg.clock.at(self.now)
    }

    /// The last tick of the scenario.
    pub fn last_tick(&self) -> Tick {
        self.reg.clock.last_tick()
    }

    /// Whether the run has reached the end of its clock.
    pub fn is_finished(&self) -> bool {
        self.now > self.reg.clock.last_tick()
    }

    /// The module in progress at the clock's position.
    pub fn module(&self) -> Option<ModuleIx> {
        self.reg.module_at(self.now.min(self.last_tick()))
    }

    /// The state digest after the last simulated tick.
    pub fn state_hash(&self) -> u64 {
        self.world.resource::<RunRecord>().digest.0
    }

    /// The digest after every simulated tick that changed it.
    pub fn hash_trace(&self) -> &[(Tick, u64)] {
        &self.trace
    }

    /// Checks whether a command would be accepted by authority alone (who may give it).
    /// Whether it succeeds also depends on the state when it is applied.
    /// A share is checked against its channel too (who may send on it, whether the scenario
    /// has it, EI-ISAC membership), which does not change during a run.
    pub fn check(&self, issuer: &Issuer, command: &Command) -> Result<(), Rejection> {
        let actor = check_actor(&self.reg, issuer, command)?;
        if let (Some(a), Command::ShareIndicator { channel, .. }) = (actor, command) {
            let members = &self.world.resource::<Seeded>().members;
            crate::systems::commands::check_channel(&self.reg, members, a, *channel)?;
        }
        Ok(())
    }

    /// Submits a command for the next tick; returns its sequence number.
    ///
    /// After the end of the clock nothing applies any more: the command is refused at once
    /// with [`Rejection::Ended`] (its outcome is in [`Sim::take_outcomes`]).
    pub fn submit(&mut self, issuer: Issuer, command: Command) -> u64 {
        let now = self.now;
        let reg = Arc::clone(&self.reg);
        let mut queue = self.world.resource_mut::<CommandQueue>();
        let seq = queue.submit(&reg, now, issuer, command);
        if self.is_finished()
            && let Some((issuer, command)) = self.world.resource_mut::<CommandQueue>().remove(now, seq)
        {
            let o = CommandOutcome { tick: now, issuer, seq, command, result: Err(Rejection::Ended) };
            self.history.push(o.clone());
            self.undelivered.push(o);
        }
        seq
    }

    /// Takes back a command submitted for the next tick that has not applied yet; returns
    /// who gave it and the command, or none when it is no longer waiting.
    pub fn cancel(&mut self, seq: u64) -> Option<(Issuer, Command)> {
        let now = self.now;
        self.world.resource_mut::<CommandQueue>().remove(now, seq)
    }

    /// Submits a command for a later tick.
    pub fn submit_at(&mut self, tick: Tick, issuer: Issuer, command: Command) -> Result<u64, Rejection> {
        if tick < self.now {
            return Err(Rejection::NotNow { why: format!("tick {} has already been simulated", tick.0) });
        }
        if tick > self.last_tick() {
            return Err(Rejection::Ended);
        }
        let reg = Arc::clone(&self.reg);
        Ok(self.world.resource_mut::<CommandQueue>().submit(&reg, tick, issuer, command))
    }

    /// Outcomes of submitted commands applied since the last call.
    pub fn take_outcomes(&mut self) -> Vec<CommandOutcome> {
        std::mem::take(&mut self.undelivered)
    }

    /// Every outcome of a submitted command so far.
    pub fn outcome_history(&self) -> &[CommandOutcome] {
        &self.history
    }

    /// Asks for a journal hash record after every tick that applied an external command
    /// (so a tampered command is caught at its own tick).
    pub fn checkpoint_commands(&mut self, on: bool) {
        self.checkpoint_commands = on;
    }

    /// Journal records (commands and hash checkpoints) produced since the last call.
    pub fn take_journal_records(&mut self) -> Vec<Record> {
        let reg = &self.reg;
        self.journal
            .drain(..)
            .map(|e| match e {
                JournalEntry::Record(r) => *r,
                JournalEntry::Hash(t, hash) => Record::hash(reg, t, hash),
            })
            .collect()
    }

    /// Simulates one hour.
    pub fn step(&mut self) {
        if self.is_finished() {
            return;
        }
        self.borrowed(|records, cx| {
            let _ = records.step(cx);
        });
    }

    /// Simulates one hour system family by system family, letting `observe` wrap each
    /// (the benchmarks time them). It gives exactly the states `step` gives; use one or the
    /// other for a whole run, not both.
    pub fn step_observed(&mut self, observe: &mut dyn FnMut(Family, &mut dyn FnMut())) {
        if self.is_finished() {
            return;
        }
        let t = self.now;
        self.world.resource_mut::<Now>().0 = t;
        let before = self.state_hash();
        let (world, tick) = (&mut self.world, &mut self.tick);
        for f in Family::ALL {
            observe(f, &mut || {
                match tick.get_mut(world) {
                    Ok(mut cx) => cx.run_family(f),
                    Err(e) => panic!("{}", missing_state(&e)),
                }
                tick.apply(world);
            });
        }
        self.borrowed(|records, cx| records.finish_step(cx, t, before));
    }

    /// Runs to the end with [`Sim::step_observed`], jumping over idle hours like [`Sim::run_until`].
    pub fn run_to_end_observed(&mut self, observe: &mut dyn FnMut(Family, &mut dyn FnMut())) {
        let last = self.last_tick();
        while self.now <= last {
            match self.next_due(self.now) {
                Some(t) if t <= last => {
                    self.skip_to(t);
                    self.step_observed(observe);
                }
                _ => {
                    self.skip_to(Tick(last.0 + 1));
                    break;
                }
            }
        }
    }

    /// The first tick at or after `from` with anything due (the tick's own look at its
    /// calendars, [`TickCtx::next_due`](crate::systems::tick::TickCtx::next_due)).
    fn next_due(&mut self, from: Tick) -> Option<Tick> {
        match self.tick.get_mut(&mut self.world) {
            Ok(cx) => cx.next_due(from),
            Err(e) => panic!("{}", missing_state(&e)),
        }
    }

    /// Simulates every tick up to and including `target` (clamped to the clock),
    /// jumping over hours in which nothing is due. The tick's context is borrowed from the
    /// world once for all of them.
    pub fn run_until(&mut self, target: Tick) {
        let target = target.min(self.last_tick());
        if self.now <= target {
            self.borrowed(|records, cx| records.run_until(cx, target));
        }
    }

    /// Moves the clock to `to` over hours with nothing due, recording their series points and checkpoints.
    fn skip_to(&mut self, to: Tick) {
        if self.now < to {
            self.borrowed(|records, cx| records.skip_to(cx, to));
        }
    }

    /// Runs `f` with the run's records and the tick's context, borrowed from the world once,
    /// then gives the world back (applying what the context deferred, nothing today, and
    /// keeping the world's change ticks in range).
    fn borrowed<R>(&mut self, f: impl FnOnce(&mut Records<'_>, &mut TickCtx<'_, '_>) -> R) -> R {
        let (world, tick, mut records) = self.split();
        let out = match tick.get_mut(world) {
            Ok(mut cx) => f(&mut records, &mut cx),
            Err(e) => panic!("{}", missing_state(&e)),
        };
        tick.apply(world);
        world.check_change_ticks();
        out
    }

    /// The world and the tick's state, and the rest of the run's records beside them, so
    /// that a tick's context can borrow the world while the records are written.
    fn split(&mut self) -> (&mut World, &mut TickState, Records<'_>) {
        let Sim {
            world,
            tick,
            reg,
            now,
            series,
            resolution,
            trace,
            journal,
            checkpoint_commands,
            history,
            undelivered,
            ..
        } = self;
        let records = Records {
            reg,
            now,
            resolution: *resolution,
            checkpoint_commands: *checkpoint_commands,
            series,
            trace,
            journal,
            history,
            undelivered,
        };
        (world, tick, records)
    }

    /// Runs to the end of the clock.
    pub fn run_to_end(&mut self) {
        let last = self.last_tick();
        self.run_until(last);
    }

    pub(crate) fn world(&self) -> &World {
        &self.world
    }
}

/// What a run records besides its world (the clock's position, the series, the digest
/// trace, the journal and the command outcomes), borrowed from a [`Sim`] beside the tick's
/// context: ticks, the hours skipped between them and their records all go through one
/// borrow of the world.
struct Records<'a> {
    reg: &'a Registry,
    now: &'a mut Tick,
    resolution: Resolution,
    checkpoint_commands: bool,
    series: &'a mut Vec<SeriesPoint>,
    trace: &'a mut Vec<(Tick, u64)>,
    journal: &'a mut Vec<JournalEntry>,
    history: &'a mut Vec<CommandOutcome>,
    undelivered: &'a mut Vec<CommandOutcome>,
}

impl Records<'_> {
    /// Simulates every tick from the clock's position up to and including `target` (within
    /// the clock), jumping over hours in which nothing is due.
    fn run_until(&mut self, cx: &mut TickCtx, target: Tick) {
        // What a tick finds due after itself saves looking the calendars up again.
        let mut due = cx.next_due(*self.now);
        while *self.now <= target {
            match due {
                Some(t) if t <= target => {
                    self.skip_to(cx, t);
                    due = self.step(cx);
                }
                _ => {
                    self.skip_to(cx, Tick(target.0 + 1));
                    break;
                }
            }
        }
    }

    /// Simulates the hour at the clock's position (which must be within the clock) and
    /// returns the first tick after it with anything due.
    fn step(&mut self, cx: &mut TickCtx) -> Option<Tick> {
        let t = *self.now;
        cx.core.now.0 = t;
        let before = cx.core.record.digest.0;
        let next = cx.run();
        self.finish_step(cx, t, before);
        next
    }

    /// Records a simulated hour: its digest if it changed, its command outcomes, and the
    /// hour's series point and checkpoint.
    fn finish_step(&mut self, cx: &mut TickCtx, t: Tick, before: u64) {
        let after = cx.core.record.digest.0;
        if after != before {
            self.trace.push((t, after));
        }
        let fresh = std::mem::take(&mut cx.queue.outcomes);
        let had_commands = !fresh.is_empty();
        for o in &fresh {
            self.journal.push(JournalEntry::Record(Box::new(Record::command(self.reg, o))));
        }
        self.history.extend(fresh.iter().cloned());
        self.undelivered.extend(fresh);
        *self.now = Tick(t.0 + 1);
        self.after_tick(cx, t, had_commands && self.checkpoint_commands);
    }

    /// The series point and checkpoint due at the end of hour `t`, if any.
    #[inline]
    fn after_tick(&mut self, cx: &TickCtx, t: Tick, force_checkpoint: bool) {
        let time = self.reg.clock.at(t);
        let day_end = time.hour() == 23 || t == self.reg.clock.last_tick();
        if day_end || force_checkpoint || self.resolution == Resolution::Hourly {
            self.record_hour(cx, t, time, day_end, force_checkpoint);
        }
    }

    /// Records the series point and checkpoint of an hour that has one: most hours have
    /// neither, and skipping over them costs only the check in [`Records::after_tick`].
    #[inline(never)]
    fn record_hour(&mut self, cx: &TickCtx, t: Tick, time: ETime, day_end: bool, force_checkpoint: bool) {
        if self.resolution == Resolution::Hourly || day_end {
            self.series.push(outputs::series_point(&cx.core, Tick(t.0 + 1), time));
        }
        if day_end || force_checkpoint {
            // Formatted only when the journal is taken: most runs never ask for it.
            self.journal.push(JournalEntry::Hash(t, cx.core.record.digest.0));
        }
    }

    /// Moves the clock to `to` over hours with nothing due, recording their series points and checkpoints.
    fn skip_to(&mut self, cx: &TickCtx, to: Tick) {
        while *self.now < to {
            let t = *self.now;
            *self.now = Tick(t.0 + 1);
            self.after_tick(cx, t, false);
        }
    }
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("scenario", &self.reg.spec.name)
            .field("seed", &self.seed)
            .field("now", &self.now)
            .field("state_hash", &format_args!("{:016x}", self.state_hash()))
            .finish()
    }
}

impl std::ops::Add for ETime {
    type Output = ETime;
    fn add(self, o: ETime) -> ETime {
        ETime(self.0 + o.0)
    }
}

mod outputs;
mod reuse;
mod writers;
pub use outputs::Compromise;
pub use reuse::OtherEntities;
use writers::{Writers, with_entities, write_each};

#[cfg(test)]
mod tests;
