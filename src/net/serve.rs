//! `ttx serve` and `ttx join`: wiring the exercise, the server and the consoles to the command line.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::broadcast;
use ttx_engine::journal::{Record, replay};
use ttx_engine::{Scenario, Sim, SimOptions};
use ttx_tui::console::{Console, ConsoleOptions, Host, JoinCode};
use ttx_tui::{Theme, terminal};

use super::client::{self, Ended, Target};
use super::codes::JoinCodes;
use super::exercise::{self, Exercise, ExerciseConfig};
use super::host::{Core, HostUi, Screen};
use super::journal::{SessionJournal, load_for_resume};
use super::server::{self, DEFAULTS, ServerConfig, Shared};
use super::tls;
use crate::{Failure, Outcome, load};

/// What `ttx serve` was asked.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Scenario file or built-in name (default: the built-in tabletop_the_vote).
    pub file: Option<PathBuf>,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Address to listen on (0.0.0.0:7878 to accept consoles from other computers)
    /// [default: 127.0.0.1:7878, or the address the resumed session listened on].
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// The session journal (default: ttx-session-<time>.jsonl here); join codes go beside it.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Carry on a session from its journal after a crash or a stop.
    #[arg(long, value_name = "JOURNAL")]
    pub resume: Option<PathBuf>,
    /// No facilitator console here: control the clock with `ttx join --facilitator`.
    #[arg(long)]
    pub headless: bool,
    /// Injects made by the red and white cells wait for the facilitator's approval.
    #[arg(long)]
    pub approve_injects: bool,
    /// TLS certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Simulated hours per real second [default: 1, or the resumed session's].
    #[arg(long)]
    pub speed: Option<f64>,
    /// Start with the clock stopped.
    #[arg(long)]
    pub paused: bool,
    /// Keep the clock running when a new module begins.
    #[arg(long)]
    pub no_module_breaks: bool,
    /// Stop the clock when a scripted inject fires (the facilitator console's `a`, on by
    /// default there; off by default with --headless).
    #[arg(long)]
    pub pause_on_inject: bool,
    /// Stop the clock while a player-made inject waits for approval, running it again when the
    /// queue empties (the facilitator console's `A`; with --approve-injects).
    #[arg(long)]
    pub pause_for_approval: bool,
    /// Most consoles connected at once.
    #[arg(long, default_value_t = DEFAULTS.max_connections)]
    pub max_connections: usize,
    #[command(flatten)]
    pub tuning: Tuning,
}

/// Where `ttx serve` listens when neither `--bind` nor a resumed session says.
pub const DEFAULT_BIND: &str = "127.0.0.1:7878";

/// Limits and timeouts of `ttx serve` (docs/network.md); the defaults suit an exercise.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Limits and timeouts")]
pub struct Tuning {
    /// Frames per second a console may send, on average.
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.frames_per_second)]
    pub rate: f64,
    /// Frames a console may send in a burst.
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.burst)]
    pub burst: u32,
    /// Commands per second one team may send, on average, all its consoles together.
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.team_commands_per_second)]
    pub team_rate: f64,
    /// Commands one team may send in a burst, all its consoles together.
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.team_burst)]
    pub team_burst: u32,
    /// Consoles one team may have connected at once (and the facilitator's control connections).
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.max_per_team)]
    pub max_per_team: usize,
    /// Connections one IP address may hold at once, joined or joining.
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.max_per_address)]
    pub max_per_address: usize,
    /// Connections that have not yet sent their hello, from everywhere together.
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.max_joining)]
    pub max_joining: usize,
    /// Connections that have not yet sent their hello, from one IP address.
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.max_joining_per_address)]
    pub max_joining_per_address: usize,
    /// Seconds from connecting to a complete hello (TLS included).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULTS.handshake_timeout.as_secs_f64())]
    pub handshake_timeout: f64,
    /// Seconds without a complete frame before a console is dropped (consoles ping every third of it).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULTS.idle_timeout.as_secs_f64())]
    pub idle_timeout: f64,
    /// Seconds allowed to write one frame to a console before it is dropped as too slow.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULTS.write_timeout.as_secs_f64())]
    pub write_timeout: f64,
    /// Updates a console may fall behind before it is dropped as too slow.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub update_backlog: usize,
    /// Kernel send buffer per console, in bytes (default: the system's, which grows as needed).
    #[arg(long, value_name = "BYTES")]
    pub send_buffer: Option<u32>,
}

impl Tuning {
    fn server_config(&self, max_connections: usize) -> Result<ServerConfig, Failure> {
        let secs = |v: f64, flag: &str| {
            if v.is_finite() && (0.05..=3600.0).contains(&v) {
                Ok(std::time::Duration::from_secs_f64(v))
            } else {
                Err(Failure::input(format!("--{flag}: give 0.05 to 3600 seconds")))
            }
        };
        if !(self.rate.is_finite() && self.rate > 0.0) || self.burst == 0 {
            return Err(Failure::input("--rate and --burst must be positive"));
        }
        if !(self.team_rate.is_finite() && self.team_rate > 0.0) || self.team_burst == 0 {
            return Err(Failure::input("--team-rate and --team-burst must be positive"));
        }
        let idle = secs(self.idle_timeout, "idle-timeout")?;
        Ok(ServerConfig {
            max_connections: max_connections.max(1),
            max_joining: self.max_joining.max(1),
            max_joining_per_address: self.max_joining_per_address.max(1),
            max_per_address: self.max_per_address.max(1),
            max_per_team: self.max_per_team.max(1),
            frames_per_second: self.rate,
            burst: self.burst,
            team_commands_per_second: self.team_rate,
            team_burst: self.team_burst,
            heartbeat: idle / 3,
            idle_timeout: idle,
            handshake_timeout: secs(self.handshake_timeout, "handshake-timeout")?,
            write_timeout: secs(self.write_timeout, "write-timeout")?,
        })
    }
}

/// Makes sure the process may open a file for every connection the limits allow: raises its
/// soft limit of open files up to the hard limit when needed; says so when even that is too few.
fn open_files(c: &ServerConfig) -> Option<String> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    // Beyond the consoles: the journal, the listener, the runtime's own, standard streams.
    let needed = (c.max_connections as u64).saturating_add(c.max_joining as u64).saturating_add(64);
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).ok()?;
    if soft >= needed {
        return None;
    }
    if setrlimit(Resource::RLIMIT_NOFILE, needed.min(hard), hard).is_ok() && hard >= needed {
        return None;
    }
    let now = getrlimit(Resource::RLIMIT_NOFILE).map_or(soft, |l| l.0);
    Some(format!(
        "this process may open only {now} files (`ulimit -n`; hard limit {hard}), but --max-connections {} \
         and --max-joining {} need about {needed}: past about {} connections, consoles will fail to join. \
         Raise the limit (`ulimit -n {needed}` as a user allowed to) or lower --max-connections.",
        c.max_connections,
        c.max_joining,
        now.saturating_sub(64)
    ))
}

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
    let loaded = load_for_resume(path).map_err(Failure::input)?;
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

/// Binds a listening socket with a backlog large enough for a room of consoles joining at once.
/// A send buffer size set here is inherited by every accepted connection.
pub fn bind(addr: &str, send_buffer: Option<u32>) -> std::io::Result<TcpListener> {
    let addr: SocketAddr = addr
        .parse()
        .or_else(|_| {
            std::net::ToSocketAddrs::to_socket_addrs(addr)
                .and_then(|mut a| a.next().ok_or(std::io::ErrorKind::NotFound.into()))
        })
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{addr}: {e}")))?;
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    if let Some(n) = send_buffer {
        socket.set_send_buffer_size(n)?;
    }
    socket.bind(addr)?;
    socket.listen(4096)
}

fn print_banner(
    out: &mut impl Write,
    s: &Session,
    addr: SocketAddr,
    listen_note: &str,
    journal: &Path,
    tls: bool,
    config: &ExerciseConfig,
) -> std::io::Result<()> {
    let reg = s.scenario.registry();
    writeln!(out, "ttx serve: {} (seed {})", s.scenario.name(), s.sim.seed())?;
    for n in &s.notes {
        writeln!(out, "  {n}")?;
    }
    writeln!(out, "Listening on {addr}{}{listen_note}", if tls { " (TLS)" } else { "" })?;
    writeln!(
        out,
        "Journal: {}  (after a crash: ttx serve --resume {})",
        journal.display(),
        journal.display()
    )?;
    writeln!(
        out,
        "Clock: {} simulated {} per second, {}",
        config.ticks_per_second,
        if config.ticks_per_second == 1.0 { "hour" } else { "hours" },
        if config.paused { "paused" } else { "running" }
    )?;
    writeln!(out, "\nJoin codes (read each team its own):")?;
    for t in &reg.teams {
        let code = s.codes.teams.get(&t.id).map(String::as_str).unwrap_or("?");
        writeln!(out, "  {:<10} {:<32} {code}", t.id, t.name)?;
    }
    writeln!(
        out,
        "  {:<10} {:<32} {}",
        "(control)", "facilitator's control connection", s.codes.facilitator
    )?;
    writeln!(out, "  {:<10} {:<32} {}", "(room)", "room display (read-only)", s.codes.observer)?;
    let shown = if addr.ip().is_unspecified() { format!("HOST:{}", addr.port()) } else { addr.to_string() };
    writeln!(
        out,
        "\nA team joins with:   ttx join {shown} --team ID --code CODE{}",
        if tls { " --tls-ca CERT.pem" } else { "" }
    )?;
    writeln!(out, "The facilitator with: ttx join {shown} --facilitator --code CODE --headless")?;
    writeln!(out, "A room display with:  ttx join {shown} --observer --code CODE")?;
    if !tls && !addr.ip().is_loopback() {
        writeln!(out, "Note: without --tls-cert/--tls-key, codes and views cross the network unencrypted.")?;
    }
    out.flush()
}

/// `ttx serve`
pub fn serve(args: ServeArgs) -> Outcome {
    if args.resume.is_some() && (args.file.is_some() || args.journal.is_some()) {
        return Err(Failure::input(
            "--resume carries on the journal's own scenario and file: give neither a scenario nor --journal",
        ));
    }
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => Some(tls::acceptor(c, k).map_err(Failure::input)?),
        (None, None) => None,
        _ => return Err(Failure::input("TLS needs both --tls-cert and --tls-key")),
    };
    if args.speed.is_some_and(|v| !(0.01..=1000.0).contains(&v)) {
        return Err(Failure::input("--speed: give 0.01 to 1000 simulated hours per second"));
    }
    let server_config = args.tuning.server_config(args.max_connections)?;
    if let Some(warning) = open_files(&server_config) {
        eprintln!("ttx serve: warning: {warning}");
    }
    if !args.headless && (!std::io::stdin().is_terminal() || !std::io::stdout().is_terminal()) {
        return Err(Failure::input(
            "ttx serve shows the facilitator console and needs a terminal, but its input or output is not \
             one here (a pipe, a file, or CI).\nTo host without a console, add --headless and drive the clock \
             with --speed, or with `ttx join ADDR --facilitator --code CODE --headless`",
        ));
    }
    let (session, journal_path) = match &args.resume {
        Some(path) => (resume_session(path)?, path.clone()),
        None => {
            let scenario = load::scenario(args.file.as_deref())?;
            let path = args.journal.clone().unwrap_or_else(|| {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                PathBuf::from(format!("ttx-session-{secs}.jsonl"))
            });
            (new_session(scenario, args.seed, &path)?, path)
        }
    };
    let mut session = session;
    let config = exercise_config(&args, &mut session);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start: {e}")))?;
    rt.block_on(async move {
        let interrupt = interrupted();
        let codes_path = JoinCodes::path_for(&journal_path);
        let (listener, addr, listen_note) = listen(&args, &mut session, &journal_path, &codes_path)?;
        print_banner(
            &mut std::io::stdout().lock(),
            &session,
            addr,
            &listen_note,
            &journal_path,
            tls.is_some(),
            &config,
        )?;
        // The facilitator console takes over the terminal; the banner is there again after it.
        let (screen, guard) = if args.headless {
            (None, None)
        } else {
            let host = host_info(&session, addr, &config);
            let (term, guard) = terminal::enter()
                .map_err(|e| Failure::runtime(format!("cannot take over the terminal: {e}")))?;
            let screen = Screen { term, host, journal: journal_path.display().to_string() };
            (Some(screen), Some(guard))
        };
        let outcome = run_session(session, config, server_config, listener, tls, screen, interrupt).await;
        drop(guard);
        // The session is over and its journal written: a closed or full standard output
        // must not turn that into a panic.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "Session stopped. Journal: {}", journal_path.display());
        if outcome.is_ok() {
            let _ = writeln!(out, "Check it with: ttx replay {} --verify", journal_path.display());
        }
        drop(out);
        outcome
    })
}

/// Opens the session's listening socket: at `--bind`, else where a resumed session listened
/// before (kept with its join codes), else at the default. The address is kept with the codes
/// so that `--resume` alone listens there again. Also says, for the banner, where the address
/// came from when it is not simply `--bind` or the default of a new session.
fn listen(
    args: &ServeArgs,
    session: &mut Session,
    journal: &Path,
    codes_path: &Path,
) -> Result<(TcpListener, SocketAddr, String), Failure> {
    let stored = session.codes.address.clone().filter(|_| session.resumed);
    let wanted = args.bind.clone().or_else(|| stored.clone()).unwrap_or_else(|| DEFAULT_BIND.to_string());
    let listener = bind(&wanted, args.tuning.send_buffer).map_err(|e| match (&args.bind, &stored) {
        (None, Some(_)) => Failure::input(format!(
            "cannot listen on {wanted}, the address this session listened on (kept in {}): {e}\n\
             Stop the program that holds it, or resume on another address with \
             `ttx serve --resume {} --bind ADDR` (the consoles then join ADDR)",
            codes_path.display(),
            journal.display()
        )),
        _ => Failure::input(format!("cannot listen on {wanted}: {e}")),
    })?;
    let addr = listener.local_addr()?;
    let note = match (&args.bind, &stored) {
        (Some(_), Some(before)) if *before != addr.to_string() => {
            format!(" (--bind; this session listened on {before} before: its consoles must join here again)")
        }
        (None, Some(_)) => " (this session's address, kept with its join codes)".to_string(),
        (None, None) if session.resumed => {
            " (the default: no address was kept with this session; --bind chooses one)".to_string()
        }
        _ => String::new(),
    };
    let here = addr.to_string();
    if session.codes.address.as_deref() != Some(here.as_str()) {
        session.codes.address = Some(here);
        session.codes.save(codes_path).map_err(|e| {
            Failure::input(format!("cannot write the join codes {}: {e}", codes_path.display()))
        })?;
    }
    Ok((listener, addr, note))
}

/// How the exercise runs: from the flags for a new session; a resumed one carries on with the
/// settings its journal last recorded (flags given again turn them on or set the speed), its
/// clock stopped until the facilitator runs it.
fn exercise_config(args: &ServeArgs, session: &mut Session) -> ExerciseConfig {
    let mut config = ExerciseConfig {
        ticks_per_second: args.speed.unwrap_or(1.0),
        paused: args.paused,
        module_breaks: !args.no_module_breaks,
        approve_injects: args.approve_injects,
        // The console's `a` is on by default, as in `ttx play`; a headless server is driven
        // by its flags.
        pause_on_inject: args.pause_on_inject || !args.headless,
        pause_for_approval: args.pause_for_approval,
        backlog: args.tuning.update_backlog.max(1),
    };
    if !session.resumed {
        return config;
    }
    config.paused = true;
    if let Some(s) = &session.settings {
        let recorded = Some(s.ticks_per_second).filter(|v| (0.01..=1000.0).contains(v));
        config.ticks_per_second = args.speed.or(recorded).unwrap_or(1.0);
        config.approve_injects |= s.approve_injects;
        config.pause_on_inject = args.pause_on_inject || s.pause_on_inject;
        config.module_breaks &= s.module_breaks;
        config.pause_for_approval |= s.pause_for_approval;
        session.notes.push(format!(
            "carried on with the session's settings: {} simulated {} per second{}{}{}{}",
            config.ticks_per_second,
            if config.ticks_per_second == 1.0 { "hour" } else { "hours" },
            if config.approve_injects { ", injects wait for approval" } else { "" },
            if config.pause_on_inject { ", the clock stops when an inject fires" } else { "" },
            if config.pause_for_approval {
                ", the clock stops while an inject waits for approval"
            } else {
                ""
            },
            if config.module_breaks { "" } else { ", no module breaks" },
        ));
    }
    session.notes.push("the clock waits for the facilitator to run it".into());
    config
}

/// What the facilitator console shows of the server: address, join codes, the clock.
fn host_info(s: &Session, addr: SocketAddr, config: &ExerciseConfig) -> Host {
    let shown = if addr.ip().is_unspecified() { format!("HOST:{}", addr.port()) } else { addr.to_string() };
    let mut codes: Vec<JoinCode> = s
        .scenario
        .registry()
        .teams
        .iter()
        .map(|t| JoinCode {
            team: Some(t.id.clone()),
            name: t.name.clone(),
            code: s.codes.teams.get(&t.id).cloned().unwrap_or_default(),
            observer: false,
        })
        .collect();
    codes.push(JoinCode {
        team: None,
        name: "facilitator's control connection".into(),
        code: s.codes.facilitator.clone(),
        observer: false,
    });
    codes.push(JoinCode {
        team: None,
        name: "room display (read-only)".into(),
        code: s.codes.observer.clone(),
        observer: true,
    });
    Host {
        address: shown,
        codes,
        paused: config.paused,
        ticks_per_second: config.ticks_per_second,
        pause_on_inject: config.pause_on_inject,
        ..Host::default()
    }
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
    let core = match screen {
        None => Core::Bare(Box::new(session.sim)),
        Some(s) => {
            let options = ConsoleOptions {
                theme: Theme::from_env(),
                whatif: Some(ttx::whatif::live(std::path::Path::new(&s.journal))),
                journal_path: Some(s.journal),
                host: Some(s.host),
            };
            let console = Console::new(session.sim, options);
            Core::Hosted(Box::new(
                HostUi::new(console, s.term)
                    .map_err(|e| Failure::runtime(format!("cannot read keys: {e}")))?,
            ))
        }
    };
    // Listening before the exercise starts: a journal that fails at once still stops the server.
    let mut stopped = stop_tx.subscribe();
    let mut ex = Exercise::new(core, session.journal, config, stop_tx.clone());
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
        Ok(Ok(Err(message))) => Err(Failure::runtime(message)),
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

/// What `ttx join` was asked.
#[derive(Debug, Clone, clap::Args)]
pub struct JoinArgs {
    /// The server, host:port.
    pub addr: String,
    /// Your team's id.
    #[arg(long, value_name = "ID", required_unless_present_any = ["facilitator", "observer"])]
    pub team: Option<String>,
    /// The facilitator's control connection instead of a team.
    #[arg(long, conflicts_with = "team")]
    pub facilitator: bool,
    /// A read-only room display for a projector (with the observer code `ttx serve` prints).
    #[arg(long, conflicts_with_all = ["team", "facilitator"])]
    pub observer: bool,
    /// The join code the facilitator gave you. Other users of this computer can read a command
    /// line (`ps`): prefer --code-file, the TTX_CODE environment variable, or typing it when asked.
    #[arg(long, value_name = "CODE", conflicts_with = "code_file")]
    pub code: Option<String>,
    /// Read the join code from this file (its first line).
    #[arg(long, value_name = "FILE")]
    pub code_file: Option<PathBuf>,
    /// No screen: commands as JSON lines on stdin, every update as JSON lines on stdout.
    #[arg(long)]
    pub headless: bool,
    /// Use TLS and trust this certificate (PEM), as given by the facilitator.
    #[arg(long, value_name = "FILE")]
    pub tls_ca: Option<PathBuf>,
    /// The name in the server's certificate (default: the host in ADDR).
    #[arg(long, value_name = "NAME", requires = "tls_ca")]
    pub tls_name: Option<String>,
    /// Give up after failing to join for this many seconds in a row.
    #[arg(long, value_name = "SECS", default_value_t = client::GIVE_UP_AFTER.as_secs_f64())]
    pub give_up_after: f64,
    /// Ring the terminal bell when new messages arrive in the team's inbox.
    #[arg(long)]
    pub bell: bool,
}

/// What a joining console needs before it connects: the target from its flags and a
/// one-worker runtime for the connection.
pub fn join_setup(args: &JoinArgs) -> Result<(Target, tokio::runtime::Runtime), Failure> {
    let mut target = target(&args.addr, args.tls_ca.as_deref(), args.tls_name.as_deref())?;
    if !(args.give_up_after.is_finite() && (0.0..=1e6).contains(&args.give_up_after)) {
        return Err(Failure::input("--give-up-after: give 0 to 1000000 seconds"));
    }
    target.give_up_after = std::time::Duration::from_secs_f64(args.give_up_after);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start: {e}")))?;
    Ok((target, rt))
}

/// Builds the connection target from flags.
pub fn target(addr: &str, tls_ca: Option<&Path>, tls_name: Option<&str>) -> Result<Target, Failure> {
    let tls = match tls_ca {
        None => None,
        Some(ca) => {
            let connector = tls::connector(ca).map_err(Failure::input)?;
            let host = match tls_name {
                Some(n) => n.to_string(),
                None => addr.rsplit_once(':').map_or(addr, |(h, _)| h).trim_matches(['[', ']']).to_string(),
            };
            Some((connector, tls::server_name(&host).map_err(Failure::input)?))
        }
    };
    Ok(Target { addr: addr.to_string(), tls, give_up_after: client::GIVE_UP_AFTER, observer: false })
}

/// The environment variable `ttx join` takes a join code from.
pub const CODE_VARIABLE: &str = "TTX_CODE";

/// The join code: from --code, --code-file, the TTX_CODE variable, or typed at a prompt when
/// standard input is a terminal, in that order.
fn join_code(args: &JoinArgs, team: Option<&str>) -> Result<String, Failure> {
    if let Some(c) = &args.code {
        return Ok(c.clone());
    }
    if let Some(path) = &args.code_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::input(format!("cannot read the join code from {}: {e}", path.display())))?;
        let code = text.lines().next().unwrap_or("").trim().to_string();
        if code.is_empty() {
            return Err(Failure::input(format!("{} holds no join code on its first line", path.display())));
        }
        return Ok(code);
    }
    if let Some(code) = std::env::var_os(CODE_VARIABLE) {
        let code = code.to_string_lossy().trim().to_string();
        if !code.is_empty() {
            return Ok(code);
        }
    }
    let who = match team {
        _ if args.observer => "the room display".to_string(),
        None => "the facilitator's control connection".to_string(),
        Some(t) => format!("team `{t}`"),
    };
    if !std::io::stdin().is_terminal() {
        return Err(Failure::input(format!(
            "no join code for {who}: give --code-file FILE or set {CODE_VARIABLE} (or --code CODE, \
             which other users of this computer can see), or run in a terminal to type it"
        )));
    }
    eprint!("Join code for {who}: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Failure::input(format!("cannot read the join code: {e}")))?;
    let code = line.trim().to_string();
    if code.is_empty() {
        return Err(Failure::input("no join code was typed"));
    }
    Ok(code)
}

/// `ttx join`
pub fn join(mut args: JoinArgs) -> Outcome {
    let team = match (&args.team, args.facilitator, args.observer) {
        (Some(t), false, false) => Some(t.clone()),
        (None, true, false) | (None, false, true) => None,
        _ => return Err(Failure::input("give one of --team ID, --facilitator or --observer")),
    };
    args.code = Some(join_code(&args, team.as_deref())?);
    if args.observer && !args.headless {
        return super::room::join(&args);
    }
    let code = args.code.clone().unwrap_or_default();
    if !args.headless {
        return super::team_console::join(&args, team);
    }
    let (mut target, rt) = join_setup(&args)?;
    target.observer = args.observer;
    let result = rt.block_on(async move {
        let mut out = std::io::stdout().lock();
        match client::headless(target, team, code, tokio::io::stdin(), &mut out).await? {
            Ended::Done => Ok(()),
            Ended::GaveUp(message) => Err(Failure::runtime(format!("ttx join: {message}"))),
            Ended::Refused(code, message) => {
                let code = serde_json::to_string(&code).unwrap_or_default();
                Err(Failure::input(format!(
                    "ttx join: the server refused ({}): {message}",
                    code.trim_matches('"')
                )))
            }
        }
    });
    // Standard input is read on a blocking thread that would otherwise hold the exit.
    rt.shutdown_background();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Args;

    /// docs/network.md's table of limits names every limit flag of `ttx serve` with its default.
    #[test]
    fn the_documented_limits_are_the_flags_defaults() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/network.md")).unwrap();
        let table = &doc[doc.find("## Limits and timeouts").expect("the limits section")..];
        let mut documented = std::collections::BTreeMap::new();
        for row in table.lines().filter(|l| l.starts_with("| `--")) {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let flags: Vec<&str> = cells[1]
                .split('`')
                .filter_map(|c| c.strip_prefix("--"))
                .map(|c| c.split_whitespace().next().unwrap_or(c))
                .collect();
            let defaults: Vec<&str> = cells[2].split(',').map(str::trim).collect();
            assert_eq!(flags.len(), defaults.len(), "{row}");
            for (f, d) in flags.into_iter().zip(defaults) {
                documented.insert(f.to_string(), d.to_string());
            }
        }
        let serve = ServeArgs::augment_args(clap::Command::new("serve"));
        let mut flags = std::collections::BTreeMap::new();
        for a in serve.get_arguments() {
            let Some(long) = a.get_long() else { continue };
            let limit = a.get_help_heading() == Some("Limits and timeouts") || long == "max-connections";
            if !limit {
                continue;
            }
            let default = a
                .get_default_values()
                .first()
                .map_or("system".to_string(), |d| d.to_string_lossy().into_owned());
            flags.insert(long.to_string(), default);
        }
        assert_eq!(documented, flags, "docs/network.md's table against the flags of ttx serve");
    }
}
