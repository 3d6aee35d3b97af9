//! `ttx loadtest`: one server, many consoles, and the time from a tick to each console's update.
//!
//! Runs a real server on 127.0.0.1 (its own runtime and exercise thread, as
//! `ttx serve` does) and opens the consoles over TCP from a separate
//! runtime in the same process. Each update carries the server's clock at
//! the start of its tick; each console notes when the update arrived, and
//! the report gives the median and 99th percentile over every update to
//! every console. Both ends share this machine's cores, so the figures are
//! pessimistic for a server whose consoles are on other computers.
//!
//! When the server and its consoles would need more open files than one process may hold
//! (`ulimit -n`), or when asked with `--processes`, the consoles run in child processes
//! ([`children`]) and the server stays in this one.

mod children;

pub use children::run_child;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::client::{self, Target};
use super::codes::JoinCodes;
use super::exercise::ExerciseConfig;
use super::protocol::{ClientMsg, Control, now_us};
use super::server::ServerConfig;
use super::server::bind;
use super::session::{Session, new_session, run_session};
use crate::{Failure, Outcome, load};

/// The result of a load test.
#[derive(Debug, Serialize)]
pub struct LoadReport {
    /// Consoles asked for.
    pub consoles: usize,
    /// Consoles that joined.
    pub joined: usize,
    /// Ticks measured.
    pub ticks: u32,
    /// Simulated hours per second.
    pub ticks_per_second: f64,
    /// Clock time where the measurement began.
    pub from: String,
    /// Seconds for every console to join.
    pub join_s: f64,
    /// Updates received after the clock started.
    pub updates: usize,
    /// Consoles times the updates the best-served console received.
    pub expected: usize,
    /// Updates whose base did not match (a console missed one).
    pub gaps: usize,
    /// Consoles the server dropped before the end.
    pub dropped: usize,
    /// Tick-to-update latency, median, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile, milliseconds.
    pub p99_ms: f64,
    /// Worst, milliseconds.
    pub max_ms: f64,
    /// CPU time of the server (network tasks and exercise thread) per tick, milliseconds.
    pub server_cpu_ms_per_tick: f64,
    /// CPU time of the consoles per tick, milliseconds.
    pub consoles_cpu_ms_per_tick: f64,
    /// Average size of an update frame, bytes.
    pub update_bytes: usize,
    /// Processes the consoles ran in besides the server's (0: in the server's process).
    pub console_processes: usize,
    /// Resident memory at the end (server and consoles, every process), MiB.
    pub rss_mib: f64,
    /// Peak resident memory, MiB (with console processes, the sum of each process's peak).
    pub peak_rss_mib: f64,
    /// Resident memory of the server's process at the end, MiB (with console processes; else
    /// the same as `rss_mib`).
    pub server_rss_mib: f64,
    /// Resident memory the consoles added, both ends together (the server's side of each
    /// connection, and the console processes if any), per console, KiB: every process's
    /// resident memory at the end less the server process's before the consoles joined.
    pub kib_per_console: f64,
}

#[derive(Deserialize)]
struct Stamp {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    update: u64,
    #[serde(default)]
    base: u64,
    #[serde(default)]
    at_us: u64,
}

#[derive(Default)]
struct ConsoleStats {
    measured: usize,
    errors: Vec<String>,
    latencies_us: Vec<u64>,
    gaps: usize,
    bytes: usize,
    joined: bool,
}

/// CPU time so far of this process's threads, in milliseconds: (server, consoles).
/// The server's threads are its runtime's workers and the exercise thread.
fn cpu_ms() -> (f64, f64) {
    let mut server = 0.0;
    let mut consoles = 0.0;
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return (0.0, 0.0) };
    for t in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(t.path().join("stat")) else { continue };
        let Some((head, _)) = stat.rsplit_once(") ") else { continue };
        let comm = head.split_once(" (").map_or("", |x| x.1);
        let ms = stat_cpu_ms(&stat);
        if comm.starts_with("ttx-server") || comm.starts_with("ttx-exercise") {
            server += ms;
        } else if comm.starts_with("ttx-consoles") {
            consoles += ms;
        }
    }
    (server, consoles)
}

/// User and system CPU time in a `/proc/.../stat` line, milliseconds. The fields after
/// "pid (comm) "; utime and stime are the 12th and 13th, in clock ticks of 1/100 s.
fn stat_cpu_ms(stat: &str) -> f64 {
    let Some((_, rest)) = stat.rsplit_once(") ") else { return 0.0 };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    ticks * 10.0
}

/// Resident and peak resident memory of this process, MiB.
fn memory() -> (f64, f64) {
    memory_of("/proc/self/status")
}

/// Resident and peak resident memory of the process whose `status` file is at `path`, MiB.
fn memory_of(path: &str) -> (f64, f64) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64 / 1000.0
}

/// `ttx loadtest`
pub fn loadtest(
    file: Option<&Path>,
    consoles: usize,
    ticks: u32,
    speed: f64,
    from: Option<&str>,
    processes: Option<usize>,
    json: bool,
) -> Outcome {
    if consoles == 0 || ticks == 0 {
        return Err(Failure::input("give at least one console and one tick"));
    }
    let processes = match processes {
        Some(n) => n.min(consoles),
        None => children::processes_needed(consoles, children::open_file_limit())?,
    };
    if !(0.01..=1000.0).contains(&speed) {
        return Err(Failure::input("--speed: give 0.01 to 1000 simulated hours per second"));
    }
    let scenario = load::scenario(file)?;
    let skip = match from {
        Some(t) => load::tick(&scenario, t, "--from")?.0,
        None => 0,
    };
    let dir = std::env::temp_dir().join(format!("ttx-loadtest-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let journal = dir.join("session.jsonl");
    let _ = std::fs::remove_file(&journal);
    let plan = Plan {
        consoles,
        ticks,
        speed,
        skip,
        from: scenario.registry().clock.at(ttx_engine::Tick(skip)).to_string(),
        processes,
        teams: scenario.registry().teams.iter().map(|t| t.id.clone()).collect(),
    };
    let session = new_session(scenario, 1, &journal)?;
    let codes = session.codes.clone();

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .thread_name("ttx-server")
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(e.to_string()))?;
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("ttx-consoles")
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(e.to_string()))?;
    let (server, addr) = start_server(&server_rt, session, consoles, speed)?;
    let target = Target { addr, tls: None, give_up_after: client::GIVE_UP_AFTER, observer: false };
    let report = client_rt.block_on(measure(target, codes, plan))?;
    let _ = server_rt.block_on(async { tokio::time::timeout(Duration::from_secs(30), server).await });
    client_rt.shutdown_background();
    server_rt.shutdown_background();
    let _ = std::fs::remove_dir_all(&dir);

    print_report(&report, json)?;
    if report.joined < report.consoles {
        return Err(Failure::check(format!("only {} of {} consoles joined", report.joined, report.consoles)));
    }
    Ok(())
}

/// What a load test measures: how many consoles, over which hours, at what speed.
struct Plan {
    consoles: usize,
    ticks: u32,
    speed: f64,
    /// Hours run before measuring (`--from`).
    skip: u32,
    /// Clock time where the measurement begins.
    from: String,
    /// Child processes for the consoles (0: in this process).
    processes: usize,
    /// The consoles join these teams in turn.
    teams: Vec<String>,
}

/// Starts the session's server on 127.0.0.1 at a free port, its clock stopped and its limits
/// raised for every console to join at once from this one address; returns its task and
/// address.
fn start_server(
    rt: &tokio::runtime::Runtime,
    session: Session,
    consoles: usize,
    speed: f64,
) -> Result<(tokio::task::JoinHandle<Outcome>, String), Failure> {
    let listener = rt
        .block_on(async { bind("127.0.0.1:0", None) })
        .map_err(|e| Failure::runtime(format!("cannot listen: {e}")))?;
    let addr = listener.local_addr()?.to_string();
    let config = ExerciseConfig {
        ticks_per_second: speed,
        paused: true,
        module_breaks: false,
        ..ExerciseConfig::default()
    };
    let server_config = ServerConfig {
        max_connections: consoles + 16,
        max_joining: consoles + 16,
        max_joining_per_address: consoles + 16,
        max_per_address: consoles + 16,
        max_per_team: consoles + 16,
        ..ServerConfig::default()
    };
    let server =
        rt.spawn(run_session(session, config, server_config, listener, None, None, std::future::pending()));
    Ok((server, addr))
}

/// Where a load test's consoles run: as tasks of this process, or in child processes.
enum Fleet {
    Here { tasks: Vec<tokio::task::JoinHandle<ConsoleStats>>, progress: Arc<Progress> },
    Children(children::Children),
}

impl Fleet {
    /// Opens the consoles, joining the plan's teams in turn.
    fn open(target: &Target, codes: &JoinCodes, plan: &Plan) -> Result<Fleet, Failure> {
        let consoles = (0..plan.consoles).map(|i| {
            let team = plan.teams[i % plan.teams.len()].clone();
            let code = codes.teams.get(&team).cloned().unwrap_or_default();
            (team, code)
        });
        if plan.processes > 0 {
            return Ok(Fleet::Children(children::Children::spawn(
                &target.addr,
                consoles.collect(),
                plan.processes,
            )?));
        }
        let progress = Arc::new(Progress::default());
        let gate = Arc::new(Semaphore::new(64));
        let tasks = consoles
            .map(|(team, code)| {
                tokio::spawn(console(target.clone(), team, code, Arc::clone(&gate), Arc::clone(&progress)))
            })
            .collect();
        Ok(Fleet::Here { tasks, progress })
    }

    fn joined(&self) -> usize {
        match self {
            Fleet::Here { progress, .. } => progress.joined.load(Ordering::SeqCst),
            Fleet::Children(c) => c.joined(),
        }
    }

    /// From now on updates count.
    fn clock_started(&mut self, at_us: u64) -> Result<(), Failure> {
        match self {
            Fleet::Here { progress, .. } => {
                progress.clock_started.store(at_us, Ordering::SeqCst);
                Ok(())
            }
            Fleet::Children(c) => c.clock_started(at_us),
        }
    }

    /// CPU time so far: (server, consoles), milliseconds.
    fn cpu_ms(&self) -> (f64, f64) {
        let (server, here) = cpu_ms();
        match self {
            Fleet::Here { .. } => (server, here),
            Fleet::Children(c) => (server, c.cpu_ms()),
        }
    }

    /// Resident and peak memory of the consoles' processes besides this one, MiB.
    fn memory(&self) -> (f64, f64) {
        match self {
            Fleet::Here { .. } => (0.0, 0.0),
            Fleet::Children(c) => c.memory(),
        }
    }

    /// The consoles' figures, once the session has stopped.
    async fn finish(self) -> Totals {
        match self {
            Fleet::Here { tasks, .. } => gather(tasks).await,
            Fleet::Children(c) => tokio::task::spawn_blocking(move || c.finish()).await.unwrap_or_default(),
        }
    }
}

/// Joins the consoles, runs the clock for the planned hours, stops the session and gathers
/// what every console measured.
async fn measure(target: Target, codes: JoinCodes, plan: Plan) -> Result<LoadReport, Failure> {
    let mut control = ControlLink::open(&target, &codes.facilitator).await?;
    if plan.skip > 0 {
        let answer = control.ask(0, Control::Step { ticks: plan.skip }).await?;
        if !answer.contains("\"done\"") {
            return Err(Failure::runtime(format!("cannot run to --from: {answer}")));
        }
    }
    let started = Instant::now();
    let before = memory().0;
    let mut fleet = Fleet::open(&target, &codes, &plan)?;
    // Wait for every console (or a generous deadline), then run the clock.
    let deadline = Instant::now() + Duration::from_secs(120);
    while fleet.joined() < plan.consoles && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let join_s = started.elapsed().as_secs_f64();
    let joined = fleet.joined();
    // Let the joins' own updates settle before measuring.
    tokio::time::sleep(Duration::from_millis(500)).await;
    fleet.clock_started(now_us())?;
    let cpu_before = fleet.cpu_ms();
    let answer = control.ask(1, Control::Resume).await?;
    if !answer.contains("\"done\"") {
        return Err(Failure::runtime(format!("cannot start the clock: {answer}")));
    }
    tokio::time::sleep(Duration::from_secs_f64(f64::from(plan.ticks) / plan.speed)).await;
    let cpu_after = fleet.cpu_ms();
    let (server_rss, server_peak) = memory();
    let (consoles_rss, consoles_peak) = fleet.memory();
    control.send(2, Control::Stop)?;
    let _ = tokio::time::timeout(Duration::from_secs(30), control.task).await;
    let totals = fleet.finish().await;
    let ticks = f64::from(plan.ticks);
    let rss = server_rss + consoles_rss;
    Ok(LoadReport {
        consoles: plan.consoles,
        joined,
        ticks: plan.ticks,
        ticks_per_second: plan.speed,
        from: plan.from,
        join_s,
        updates: totals.latencies_us.len(),
        expected: joined * totals.most,
        gaps: totals.gaps,
        dropped: totals.dropped,
        p50_ms: percentile(&totals.latencies_us, 0.50),
        p99_ms: percentile(&totals.latencies_us, 0.99),
        max_ms: percentile(&totals.latencies_us, 1.0),
        server_cpu_ms_per_tick: (cpu_after.0 - cpu_before.0) / ticks,
        consoles_cpu_ms_per_tick: (cpu_after.1 - cpu_before.1) / ticks,
        update_bytes: if totals.latencies_us.is_empty() {
            0
        } else {
            totals.bytes / totals.latencies_us.len()
        },
        console_processes: plan.processes,
        rss_mib: rss,
        peak_rss_mib: server_peak + consoles_peak,
        server_rss_mib: server_rss,
        kib_per_console: (rss - before).max(0.0) * 1024.0 / plan.consoles as f64,
    })
}

/// The facilitator's control connection of a load test.
struct ControlLink {
    /// What to send.
    orders: tokio::sync::mpsc::UnboundedSender<ClientMsg>,
    /// The server's answers to controls, as JSON.
    answers: tokio::sync::mpsc::UnboundedReceiver<String>,
    /// The connection's task.
    task: tokio::task::JoinHandle<()>,
}

impl ControlLink {
    /// Connects as the facilitator. The connection's task sends what it is given, pings when
    /// idle, takes its own updates as they come, and passes on its answers.
    async fn open(target: &Target, code: &str) -> Result<ControlLink, Failure> {
        let (control, _) = client::connect(target, None, code)
            .await
            .map_err(|e| Failure::runtime(format!("the control connection failed: {e:?}")))?;
        let (mut ctl_tx, mut ctl_rx) = control.split();
        let (answers_tx, answers) = tokio::sync::mpsc::unbounded_channel::<String>();
        let (orders, mut orders_rx) = tokio::sync::mpsc::unbounded_channel::<ClientMsg>();
        let task = tokio::spawn(async move {
            let mut beat = tokio::time::interval(Duration::from_secs(5));
            loop {
                tokio::select! {
                    f = ctl_rx.next() => {
                        let Some(Ok(b)) = f else { break };
                        if let Ok(s) = serde_json::from_slice::<Stamp>(&b)
                            && matches!(s.kind.as_str(), "done" | "refused" | "error")
                        {
                            let _ = answers_tx.send(String::from_utf8_lossy(&b).into_owned());
                        }
                    }
                    o = orders_rx.recv() => {
                        let Some(o) = o else { break };
                        let bytes = serde_json::to_vec(&o).unwrap_or_default();
                        if ctl_tx.send(bytes::Bytes::from(bytes)).await.is_err() {
                            break;
                        }
                    }
                    _ = beat.tick() => {
                        let bytes = serde_json::to_vec(&ClientMsg::Ping).unwrap_or_default();
                        if ctl_tx.send(bytes::Bytes::from(bytes)).await.is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Ok(ControlLink { orders, answers, task })
    }

    /// Sends a control.
    fn send(&self, id: u64, action: Control) -> Result<(), Failure> {
        self.orders
            .send(ClientMsg::Control { id, action })
            .map_err(|_| Failure::runtime("the server closed the control connection"))
    }

    /// Sends a control and waits for its answer (empty if the connection ended first).
    async fn ask(&mut self, id: u64, action: Control) -> Result<String, Failure> {
        self.send(id, action)?;
        Ok(self.answers.recv().await.unwrap_or_default())
    }
}

/// What the consoles of a load test share: how many have joined, and when the clock started
/// (updates stamped before it are not measured).
struct Progress {
    joined: AtomicUsize,
    clock_started: AtomicU64,
}

impl Default for Progress {
    fn default() -> Self {
        Progress { joined: AtomicUsize::new(0), clock_started: AtomicU64::new(u64::MAX) }
    }
}

/// One console: joins (at most 64 joining at once, through `gate`), pings when idle, and
/// notes the latency of every update stamped after the clock started, until the connection
/// ends.
async fn console(
    target: Target,
    team: String,
    code: String,
    gate: Arc<Semaphore>,
    progress: Arc<Progress>,
) -> ConsoleStats {
    let mut stats = ConsoleStats::default();
    let mut permit = Some(gate.acquire_owned().await);
    let Ok((conn, limits)) = client::connect(&target, Some(&team), &code).await else {
        return stats;
    };
    let (mut tx, mut rx) = conn.split();
    let mut beat = tokio::time::interval(Duration::from_millis(limits.heartbeat_ms.max(100)));
    let mut last = 0u64;
    let mut counted = false;
    loop {
        let bytes = tokio::select! {
            f = rx.next() => match f {
                Some(Ok(b)) => b,
                _ => break,
            },
            _ = beat.tick() => {
                let ping = serde_json::to_vec(&ClientMsg::Ping).unwrap_or_default();
                if tx.send(bytes::Bytes::from(ping)).await.is_err() {
                    break;
                }
                continue;
            }
        };
        let received = now_us();
        let Ok(s) = serde_json::from_slice::<Stamp>(&bytes) else { continue };
        match s.kind.as_str() {
            "full" => {
                last = s.update;
                if !counted {
                    counted = true;
                    stats.joined = true;
                    permit.take();
                    progress.joined.fetch_add(1, Ordering::SeqCst);
                }
            }
            "delta" => {
                if s.base != last {
                    stats.gaps += 1;
                }
                last = s.update;
                if s.at_us >= progress.clock_started.load(Ordering::SeqCst) {
                    stats.latencies_us.push(received.saturating_sub(s.at_us));
                    stats.measured += 1;
                    stats.bytes += bytes.len() + 4;
                }
            }
            "error" => {
                stats.errors.push(String::from_utf8_lossy(&bytes).into_owned());
                break;
            }
            _ => {}
        }
    }
    stats
}

/// Every console's figures together.
#[derive(Default, Serialize, Deserialize)]
struct Totals {
    /// Every measured latency, sorted.
    latencies_us: Vec<u64>,
    gaps: usize,
    bytes: usize,
    /// Consoles dropped for another reason than the session's end.
    dropped: usize,
    /// The most updates one console measured.
    most: usize,
}

impl Totals {
    /// Adds another set of consoles' figures (a console process's); the latencies are not sorted.
    fn add(&mut self, other: Totals) {
        self.latencies_us.extend(other.latencies_us);
        self.gaps += other.gaps;
        self.bytes += other.bytes;
        self.dropped += other.dropped;
        self.most = self.most.max(other.most);
    }
}

/// Waits (30 s at most in all) for the consoles' figures and adds them up.
async fn gather(tasks: Vec<tokio::task::JoinHandle<ConsoleStats>>) -> Totals {
    let mut t = Totals::default();
    let give_up = Instant::now() + Duration::from_secs(30);
    for task in tasks {
        let left = give_up.saturating_duration_since(Instant::now());
        if let Ok(Ok(s)) = tokio::time::timeout(left, task).await {
            t.most = t.most.max(s.measured);
            t.latencies_us.extend(s.latencies_us);
            t.gaps += s.gaps;
            t.bytes += s.bytes;
            if s.errors.iter().any(|e| !e.contains("server_stopping")) {
                t.dropped += 1;
                if t.dropped <= 3 {
                    eprintln!("ttx loadtest: a console was dropped: {}", s.errors.join("; "));
                }
            }
        }
    }
    t.latencies_us.sort_unstable();
    t
}

/// Prints the report: one JSON object, or lines for people.
fn print_report(r: &LoadReport, json: bool) -> Outcome {
    let mut out = crate::output::stdout();
    if json {
        writeln!(out, "{}", serde_json::to_string(r).map_err(|e| Failure::runtime(e.to_string()))?)?;
        return Ok(());
    }
    writeln!(
        out,
        "ttx loadtest: {} consoles ({} joined in {:.1} s), {} ticks at {} per second from {}",
        r.consoles, r.joined, r.join_s, r.ticks, r.ticks_per_second, r.from
    )?;
    writeln!(
        out,
        "  updates received     {} of {} ({} gaps, {} consoles dropped)",
        r.updates, r.expected, r.gaps, r.dropped
    )?;
    writeln!(
        out,
        "  tick to update       p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms  (target p99 < 100 ms: {})",
        r.p50_ms,
        r.p99_ms,
        r.max_ms,
        if r.p99_ms < 100.0 { "met" } else { "NOT met" }
    )?;
    writeln!(
        out,
        "  CPU per tick         server {:.1} ms, consoles {:.1} ms (both share this machine's cores)",
        r.server_cpu_ms_per_tick, r.consoles_cpu_ms_per_tick
    )?;
    writeln!(out, "  update size          {} bytes on average", r.update_bytes)?;
    if r.console_processes == 0 {
        writeln!(
            out,
            "  memory               {:.0} MiB resident, peak {:.0} MiB (server and consoles in one process); {:.1} KiB per console",
            r.rss_mib, r.peak_rss_mib, r.kib_per_console
        )?;
    } else {
        writeln!(
            out,
            "  memory               {:.0} MiB resident (server {:.0} MiB, consoles in {} more processes {:.0} MiB); {:.1} KiB per console",
            r.rss_mib,
            r.server_rss_mib,
            r.console_processes,
            r.rss_mib - r.server_rss_mib,
            r.kib_per_console
        )?;
    }
    Ok(())
}
