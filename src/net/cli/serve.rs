//! `ttx serve`: its flags, and how it opens a session, listens, shows the facilitator console
//! and runs the session until it stops. The server itself (connections, limits) is
//! [`crate::net::server`]; the session, [`crate::net::session`].

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use tokio::net::TcpListener;
use ttx_tui::console::{Host, JoinCode};
use ttx_tui::terminal;

use crate::net::codes::JoinCodes;
use crate::net::exercise::ExerciseConfig;
use crate::net::host::Screen;
use crate::net::protocol::ServerStatus;
use crate::net::server::{DEFAULTS, ServerConfig, bind};
use crate::net::session::{Session, interrupted, new_session, resume_session, run_session};
use crate::net::tls;
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
        (Some(c), Some(k)) => Some(tls::acceptor(c, k).map_err(|e| Failure::input(e.to_string()))?),
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
    let status = ServerStatus {
        paused: config.paused,
        ticks_per_second: config.ticks_per_second,
        pause_on_inject: config.pause_on_inject,
        approve_injects: config.approve_injects,
        pause_for_approval: config.pause_for_approval,
        consoles: Vec::new(),
        facilitators: 0,
        pending: Vec::new(),
        journal: String::new(),
    };
    Host { address: shown, codes, status }
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
