//! A hosted session: opened new or resumed from its journal (replayed and verified), then run
//! (the exercise thread and the server together) until it stops.

use std::path::Path;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::broadcast;
use ttx_engine::journal::{Record, replay};
use ttx_engine::{Scenario, Sim, SimOptions};
use ttx_tui::Theme;
use ttx_tui::console::{Console, ConsoleOptions};

use super::codes::JoinCodes;
use super::exercise::{self, Exercise, ExerciseConfig};
use super::host::{HostUi, Screen, SimOwner};
use super::journal::{SessionJournal, load_for_resume};
use super::server::{self, ServerConfig, Shared};
use crate::{Failure, Outcome};

/// A session ready to serve: the simulation, its journal and codes.
pub struct Session {
    /// The scenario.
    pub scenario: Scenario,
    /// The simulation (new, or rebuilt from the journal).
    pub sim: Sim,
    /// The open journal.
    pub journal: SessionJournal,
    /// Join codes.
    pub codes: JoinCodes,
    /// What to tell the facilitator about how it started.
    pub notes: Vec<String>,
    /// The clock's settings a resumed journal last recorded (none for a new session, or a
    /// journal written before they were recorded).
    pub settings: Option<Settings>,
    /// A resumed session.
    pub resumed: bool,
    /// Injects a resumed journal holds for approval without a decision, and its records.
    pub held: Vec<exercise::Pending>,
    /// The highest approval number a resumed journal used.
    pub held_numbers: u64,
    /// Each team's commands as the resumed journal records them.
    pub history: exercise::History,
    /// The messages the resumed journal holds.
    pub messages: Vec<ttx_engine::talk::Message>,
    /// The resumed journal's notes, with their edits and deletions, in journal order.
    pub notes_records: Vec<Record>,
}

/// The clock's settings as a journal records them.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Simulated hours per real second.
    pub ticks_per_second: f64,
    /// Player-made injects wait for approval.
    pub approve_injects: bool,
    /// The clock stops when a scripted inject fires.
    pub pause_on_inject: bool,
    /// The clock stops when a new module begins.
    pub module_breaks: bool,
    /// The clock stops while a player-made inject waits for approval.
    pub pause_for_approval: bool,
}

/// The last clock settings in a journal's records.
pub fn last_settings(records: &[(usize, Record)]) -> Option<Settings> {
    records.iter().rev().find_map(|(_, r)| match r {
        Record::Settings {
            ticks_per_second,
            approve_injects,
            pause_on_inject,
            module_breaks,
            pause_for_approval,
            ..
        } => Some(Settings {
            pause_for_approval: *pause_for_approval,
            ticks_per_second: *ticks_per_second,
            approve_injects: *approve_injects,
            pause_on_inject: *pause_on_inject,
            module_breaks: *module_breaks,
        }),
        _ => None,
    })
}

fn team_ids(s: &Scenario) -> Vec<String> {
    s.registry().teams.iter().map(|t| t.id.clone()).collect()
}

/// Starts a new session with its journal and fresh codes.
pub fn new_session(scenario: Scenario, seed: u64, journal: &Path) -> Result<Session, Failure> {
    let sim = Sim::with_options(&scenario, seed, SimOptions::default());
    let j = SessionJournal::create(journal, &Record::header(&scenario, seed, "serve")).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::input(format!(
                "the journal {} already exists: carry that session on with `ttx serve --resume {}`, or choose another --journal",
                journal.display(),
                journal.display()
            ))
        } else {
            Failure::input(format!("cannot create the journal {}: {e}", journal.display()))
        }
    })?;
    let codes = JoinCodes::generate(&team_ids(&scenario)).map_err(|e| Failure::runtime(e.to_string()))?;
    let codes_path = JoinCodes::path_for(journal);
    codes
        .save(&codes_path)
        .map_err(|e| Failure::input(format!("cannot write the join codes {}: {e}", codes_path.display())))?;
    Ok(Session {
        scenario,
        sim,
        journal: j,
        codes,
        notes: vec![],
        settings: None,
        resumed: false,
        held: vec![],
        held_numbers: 0,
        history: exercise::History::new(),
        messages: vec![],
        notes_records: vec![],
    })
}

/// Rebuilds a session from its journal: replays and verifies every recorded state hash.
pub fn resume_session(path: &Path) -> Result<Session, Failure> {
    let loaded = load_for_resume(path).map_err(|e| Failure::input(e.to_string()))?;
    let report = replay(&loaded.records, SimOptions::default())
        .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
    ttx_engine::journal::check_model_version(&loaded.records)
        .map_err(|m| Failure::input(format!("{}: {m}", path.display())))?;
    if let Some(d) = &report.divergence {
        return Err(Failure::check(format!(
            "{}: the journal does not replay: at tick {} ({}), line {}, it records state hash {} but the replay gives {}",
            path.display(),
            d.tick,
            d.time,
            d.line,
            d.expected,
            d.found
        )));
    }
    let mut notes = vec![];
    if loaded.cut > 0 {
        notes.push(format!(
            "cut a torn last line ({} bytes) written as the server stopped; it was never acknowledged",
            loaded.cut
        ));
    }
    let sim = report.sim;
    notes.push(format!(
        "resumed {}: {} commands replayed, {} state hashes verified; clock at {}, state hash {:016x}",
        path.display(),
        report.commands,
        report.hashes_checked,
        sim.time(),
        sim.state_hash()
    ));
    let codes_path = JoinCodes::path_for(path);
    let codes = match JoinCodes::load(&codes_path) {
        // Codes saved before there were room displays: one is made for them.
        Ok(mut c) if c.observer.is_empty() => {
            c.observer = super::codes::fresh().map_err(|e| Failure::runtime(e.to_string()))?;
            c.save(&codes_path)
                .map_err(|e| Failure::input(format!("cannot write {}: {e}", codes_path.display())))?;
            c
        }
        Ok(c) => c,
        Err(e) => {
            let c = JoinCodes::generate(&team_ids(&report.scenario))
                .map_err(|e| Failure::runtime(e.to_string()))?;
            c.save(&codes_path)
                .map_err(|e| Failure::input(format!("cannot write {}: {e}", codes_path.display())))?;
            notes.push(format!(
                "the join codes ({}) could not be read ({e}): new codes were made; give them to the teams",
                codes_path.display()
            ));
            c
        }
    };
    let journal = SessionJournal::append(path)
        .map_err(|e| Failure::input(format!("cannot append to the journal {}: {e}", path.display())))?;
    let settings = last_settings(&loaded.records);
    let held = exercise::pending_in(&loaded.records);
    if !held.is_empty() {
        notes.push(format!(
            "{} player-made inject{} still wait{} for approval",
            held.len(),
            if held.len() == 1 { "" } else { "s" },
            if held.len() == 1 { "s" } else { "" }
        ));
    }
    let held_numbers = exercise::highest_pending(&loaded.records);
    let history = exercise::history_in(&loaded.records, report.scenario.registry());
    let messages = exercise::messages_in(&loaded.records);
    Ok(Session {
        scenario: report.scenario,
        sim,
        journal,
        codes,
        notes,
        settings,
        resumed: true,
        held,
        held_numbers,
        history,
        messages,
        notes_records: loaded
            .records
            .iter()
            .filter(|(_, r)| {
                matches!(r, Record::Note { .. } | Record::NoteEdited { .. } | Record::NoteDeleted { .. })
            })
            .map(|(_, r)| r.clone())
            .collect(),
    })
}

/// Runs a session on a bound listener until `interrupt` completes (see [`interrupted`]), a
/// facilitator's `stop`, or a journal write fails.
pub async fn run_session(
    session: Session,
    config: ExerciseConfig,
    server_config: ServerConfig,
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    screen: Option<Screen>,
    interrupt: impl std::future::Future<Output = ()> + Send,
) -> Outcome {
    let (stop_tx, _) = broadcast::channel::<()>(4);
    let scenario_name = session.scenario.name().to_string();
    let owner = match screen {
        None => SimOwner::Bare(Box::new(session.sim)),
        Some(s) => {
            let options = ConsoleOptions {
                theme: Theme::from_env(),
                whatif: Some(ttx::whatif::live(std::path::Path::new(&s.journal))),
                journal_path: Some(s.journal),
                host: Some(s.host),
            };
            let console = Console::new(session.sim, options);
            SimOwner::Hosted(Box::new(
                HostUi::new(console, s.term)
                    .map_err(|e| Failure::runtime(format!("cannot read keys: {e}")))?,
            ))
        }
    };
    // Listening before the exercise starts: a journal that fails at once still stops the server.
    let mut stopped = stop_tx.subscribe();
    let mut ex = Exercise::new(owner, session.journal, config, stop_tx.clone());
    ex.hold_again(session.held, session.held_numbers);
    ex.restore_history(session.history);
    ex.restore_messages(session.messages);
    ex.restore_notes(&session.notes_records);
    let (tx, thread) =
        exercise::spawn(ex).map_err(|e| Failure::runtime(format!("cannot start the exercise: {e}")))?;
    let shared = Arc::new(Shared::new(server_config, session.codes, tx, tls, scenario_name));
    let shutdown = async move {
        tokio::select! {
            _ = interrupt => {}
            _ = stopped.recv() => {}
        }
    };
    server::run(listener, Arc::clone(&shared), shutdown).await;
    // Tell the exercise to finish (it commits the journal), then wait for it.
    let _ = stop_tx.send(());
    drop(shared);
    let result = tokio::task::spawn_blocking(move || thread.join()).await;
    match result {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(e))) => Err(Failure::runtime(e.to_string())),
        _ => Err(Failure::runtime("the exercise thread failed")),
    }
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM, listened for from the moment this is called (inside
/// the runtime), so that either ends a session cleanly however early it comes.
pub fn interrupted() -> impl std::future::Future<Output = ()> + Send {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let int = signal(SignalKind::interrupt()).ok();
        let term = signal(SignalKind::terminate()).ok();
        async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = wait(int) => {}
                _ = wait(term) => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
