//! The server: accepts consoles, checks them, and carries frames between them and the exercise.
//!
//! Shaped like mini-redis: [`run`] takes a bound listener and a shutdown
//! future; connections are counted (joining and joined, per address and per
//! team) against the limits; shutdown is broadcast to every connection task
//! and awaited. Each connection has a reader (the
//! handshake, then commands under a rate limit and an idle timeout) and a
//! writer (its own answers, then the team's update stream, each write under
//! a timeout). Whatever a peer does wrong ends that connection, with an
//! error frame when it can still be delivered, and nothing else.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Semaphore, broadcast, mpsc, oneshot};
use tokio::time::{Instant, timeout, timeout_at};
use tokio_rustls::TlsAcceptor;
use tokio_util::codec::FramedRead;

use super::codes::JoinCodes;
use super::exercise::{DebriefRequest, Request};
use super::protocol::{
    ClientMsg, ErrorCode, Limits, MAX_CLIENT_FRAME, PROTOCOL, ServerMsg, codec, frame, parse_client,
};

/// Limits and timeouts of the server.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Consoles joined at once (past the hello).
    pub max_connections: usize,
    /// Connections that have not yet completed their hello, from everywhere together.
    pub max_joining: usize,
    /// Connections that have not yet completed their hello, from one IP address.
    pub max_joining_per_address: usize,
    /// Connections from one IP address, joined or joining.
    pub max_per_address: usize,
    /// Consoles joined at once for one team (and for the facilitator's control connections).
    pub max_per_team: usize,
    /// Frames per second a connection may send, on average.
    pub frames_per_second: f64,
    /// Frames a connection may send in a burst.
    pub burst: u32,
    /// Commands per second one team may send, on average, all its consoles together.
    pub team_commands_per_second: f64,
    /// Commands one team may send in a burst, all its consoles together.
    pub team_burst: u32,
    /// How often consoles are asked to send a ping when idle.
    pub heartbeat: Duration,
    /// A connection that sends no complete frame for this long is closed.
    pub idle_timeout: Duration,
    /// Time allowed from connecting to a complete hello (the TLS handshake included).
    pub handshake_timeout: Duration,
    /// Time allowed for writing one frame to a console.
    pub write_timeout: Duration,
}

/// The server's limits unless told otherwise (the flags of `ttx serve` default to these;
/// docs/network.md lists them and is checked against them).
pub const DEFAULTS: ServerConfig = ServerConfig {
    max_connections: 5000,
    max_joining: 256,
    max_joining_per_address: 16,
    max_per_address: 500,
    max_per_team: 100,
    frames_per_second: 20.0,
    burst: 40,
    team_commands_per_second: 20.0,
    team_burst: 40,
    heartbeat: Duration::from_secs(10),
    idle_timeout: Duration::from_secs(30),
    handshake_timeout: Duration::from_secs(5),
    write_timeout: Duration::from_secs(10),
};

impl Default for ServerConfig {
    fn default() -> Self {
        DEFAULTS
    }
}

/// The key observers are counted under among the teams (no team id holds a space).
const OBSERVERS: &str = " observers";

/// How many connections are where, under one lock.
#[derive(Default)]
struct Counts {
    joining: usize,
    joined: usize,
    /// Per IP address: all its connections, and those still joining.
    addresses: HashMap<IpAddr, (usize, usize)>,
    /// Consoles joined per team (none: the facilitator's).
    teams: HashMap<Option<String>, usize>,
}

/// What every connection task shares.
pub struct Shared {
    /// Limits and timeouts.
    pub config: ServerConfig,
    /// The session's join codes.
    pub codes: JoinCodes,
    /// The exercise.
    pub exercise: mpsc::UnboundedSender<Request>,
    /// TLS, when configured.
    pub tls: Option<TlsAcceptor>,
    /// The scenario's title.
    pub scenario: String,
    counts: Mutex<Counts>,
    /// Each team's command budget, shared by all its consoles.
    team_buckets: Mutex<HashMap<String, Bucket>>,
    failed_joins: Mutex<FailedJoins>,
}

/// Why a new connection was turned away before its handshake: a limit it hit, named with the
/// flag that sets it. The console is sent this text (`server_full`).
#[derive(Debug, thiserror::Error)]
enum AdmitError {
    /// The address holds as many connections as one may.
    #[error("{ip} already holds {total} connections, the most one address may (--max-per-address)")]
    PerAddress {
        /// The address.
        ip: IpAddr,
        /// Its connections.
        total: usize,
    },
    /// The address has as many connections joining as one may.
    #[error(
        "{ip} already has {joining} connections joining, the most one address may \
         (--max-joining-per-address); try again in a moment"
    )]
    JoiningPerAddress {
        /// The address.
        ip: IpAddr,
        /// Its connections joining.
        joining: usize,
    },
    /// As many connections are joining as the server takes at once.
    #[error(
        "{0} connections are joining at once, the most the server takes (--max-joining); \
         try again in a moment"
    )]
    Joining(usize),
}

impl Shared {
    /// What the connections share, before any has connected.
    pub fn new(
        config: ServerConfig,
        codes: JoinCodes,
        exercise: mpsc::UnboundedSender<Request>,
        tls: Option<TlsAcceptor>,
        scenario: String,
    ) -> Shared {
        Shared {
            config,
            codes,
            exercise,
            tls,
            scenario,
            counts: Mutex::default(),
            team_buckets: Mutex::default(),
            failed_joins: Mutex::new(FailedJoins { last: None, unshown: 0 }),
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits a new connection from `ip` to its handshake, or says which limit it hit.
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, AdmitError> {
        let c = &self.config;
        let mut counts = self.counts();
        let (total, joining) = counts.addresses.get(&ip).copied().unwrap_or((0, 0));
        if total >= c.max_per_address {
            return Err(AdmitError::PerAddress { ip, total });
        }
        if joining >= c.max_joining_per_address {
            return Err(AdmitError::JoiningPerAddress { ip, joining });
        }
        if counts.joining >= c.max_joining {
            return Err(AdmitError::Joining(counts.joining));
        }
        counts.joining += 1;
        counts.addresses.insert(ip, (total + 1, joining + 1));
        Ok(Slot { shared: Arc::clone(self), ip, joined: None })
    }

    /// Takes one command from a team's budget; false when the team has used it up.
    fn team_command(&self, team: &str) -> bool {
        let mut buckets = self.team_buckets.lock().unwrap_or_else(|e| e.into_inner());
        let c = &self.config;
        buckets
            .entry(team.to_string())
            .or_insert_with(|| Bucket::new(c.team_commands_per_second, c.team_burst))
            .take()
    }

    /// Notes a failed join on the server's standard error, at most once a second (the rest are
    /// counted), naming the address and never repeating what the peer sent.
    fn failed_join(&self, peer: IpAddr, why: &str) {
        let mut f = self.failed_joins.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if f.last.is_some_and(|t| now.duration_since(t) < Duration::from_secs(1)) {
            f.unshown += 1;
            return;
        }
        let more = std::mem::take(&mut f.unshown);
        f.last = Some(now);
        drop(f);
        let more = if more > 0 {
            format!(" ({more} more failed joins since the last shown)")
        } else {
            String::new()
        };
        let _ = self.exercise.send(Request::Notice { text: format!("failed join from {peer}: {why}{more}") });
    }
}

/// The failed joins not yet shown.
struct FailedJoins {
    last: Option<Instant>,
    unshown: u64,
}

/// A connection's place in the counts, given back when it ends.
struct Slot {
    shared: Arc<Shared>,
    ip: IpAddr,
    /// Once past the hello: the team (none for the facilitator).
    joined: Option<Option<String>>,
}

impl Slot {
    /// Moves the connection from joining to joined, within the server's and the team's limits.
    fn join(&mut self, team: &Option<String>) -> Result<(), Fail> {
        let c = &self.shared.config;
        let mut counts = self.shared.counts();
        if counts.joined >= c.max_connections {
            return Err(fail(
                ErrorCode::ServerFull,
                format!("the server holds its maximum of {} consoles; try again later", c.max_connections),
            ));
        }
        let on_team = counts.teams.get(team).copied().unwrap_or(0);
        if on_team >= c.max_per_team {
            let who = team.as_deref().map_or("the facilitator".to_string(), |t| format!("team `{t}`"));
            return Err(fail(
                ErrorCode::ServerFull,
                format!(
                    "{who} already has {on_team} consoles connected, the most one team may; try again later"
                ),
            ));
        }
        counts.joined += 1;
        counts.joining -= 1;
        *counts.teams.entry(team.clone()).or_insert(0) += 1;
        if let Some(a) = counts.addresses.get_mut(&self.ip) {
            a.1 -= 1;
        }
        self.joined = Some(team.clone());
        Ok(())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.shared.counts();
        match &self.joined {
            None => counts.joining -= 1,
            Some(team) => {
                counts.joined -= 1;
                if let Some(n) = counts.teams.get_mut(team) {
                    *n -= 1;
                    if *n == 0 {
                        counts.teams.remove(team);
                    }
                }
            }
        }
        if let Some(a) = counts.addresses.get_mut(&self.ip) {
            a.0 -= 1;
            if self.joined.is_none() {
                a.1 -= 1;
            }
            if a.0 == 0 {
                counts.addresses.remove(&self.ip);
            }
        }
    }
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

/// Accepts connections until `shutdown` completes, then tells every connection and waits for them.
pub async fn run(listener: TcpListener, shared: Arc<Shared>, shutdown: impl Future) {
    let (notify_shutdown, _) = broadcast::channel::<()>(1);
    let (shutdown_complete_tx, mut shutdown_complete_rx) = mpsc::channel::<()>(1);
    let refusals = Arc::new(Semaphore::new(64));
    let accept = async {
        loop {
            let (socket, peer) = match listener.accept().await {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    eprintln!("ttx serve: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let _ = socket.set_nodelay(true);
            let shared = Arc::clone(&shared);
            match shared.admit(peer.ip()) {
                Ok(slot) => {
                    let shutdown = notify_shutdown.subscribe();
                    let done = shutdown_complete_tx.clone();
                    tokio::spawn(async move {
                        connection(socket, peer, slot, shared, shutdown).await;
                        drop(done);
                    });
                }
                Err(e) => {
                    let msg = e.to_string();
                    shared.failed_join(peer.ip(), &msg);
                    // Tell the console why, within bounds: a flood only gets dropped sockets.
                    if let Ok(permit) = Arc::clone(&refusals).try_acquire_owned() {
                        tokio::spawn(async move {
                            let _ = timeout(Duration::from_secs(2), refuse(socket, &shared, msg)).await;
                            drop(permit);
                        });
                    }
                }
            }
        }
    };
    tokio::select! {
        _ = accept => {}
        _ = shutdown => {}
    }
    drop(notify_shutdown);
    drop(shutdown_complete_tx);
    let _ = shutdown_complete_rx.recv().await;
}

async fn refuse(socket: TcpStream, shared: &Shared, message: String) {
    let f = frame(&ServerMsg::Error { code: ErrorCode::ServerFull, message });
    match &shared.tls {
        Some(acceptor) => {
            if let Ok(mut s) = acceptor.accept(socket).await {
                let _ = s.write_all(&f).await;
                let _ = s.shutdown().await;
            }
        }
        None => {
            let mut s = socket;
            let _ = s.write_all(&f).await;
            let _ = s.shutdown().await;
            // Take the hello the console sent, so that closing does not reset the connection
            // before the console has read why.
            let mut sink = [0u8; 4096];
            let _ = timeout(Duration::from_millis(500), s.read(&mut sink)).await;
        }
    }
}

async fn connection(
    socket: TcpStream,
    peer: SocketAddr,
    slot: Slot,
    shared: Arc<Shared>,
    shutdown: broadcast::Receiver<()>,
) {
    let deadline = Instant::now() + shared.config.handshake_timeout;
    match &shared.tls {
        Some(acceptor) => {
            // A failed TLS handshake has no channel to carry an error frame.
            match timeout_at(deadline, acceptor.accept(socket)).await {
                Ok(Ok(stream)) => serve(stream, peer, slot, deadline, shared, shutdown).await,
                Ok(Err(_)) => shared.failed_join(peer.ip(), "the TLS handshake failed"),
                Err(_) => shared.failed_join(peer.ip(), "the TLS handshake did not finish in time"),
            }
        }
        None => serve(socket, peer, slot, deadline, shared, shutdown).await,
    }
}

/// What the reader hands the writer.
enum Out {
    Frame(Bytes),
    Updates(broadcast::Receiver<Bytes>),
    Close,
}

/// A token bucket.
struct Bucket {
    tokens: f64,
    rate: f64,
    burst: f64,
    at: Instant,
}

impl Bucket {
    fn new(rate: f64, burst: u32) -> Self {
        Bucket { tokens: f64::from(burst), rate, burst: f64::from(burst), at: Instant::now() }
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * self.rate).min(self.burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Why a connection ends.
struct Fail {
    code: ErrorCode,
    message: String,
}

fn fail(code: ErrorCode, message: impl Into<String>) -> Fail {
    Fail { code, message: message.into() }
}

struct Connection<R> {
    reader: FramedRead<R, tokio_util::codec::LengthDelimitedCodec>,
    out: mpsc::Sender<Out>,
    shared: Arc<Shared>,
    /// The team, or none for the facilitator (once joined).
    joined: Option<Option<String>>,
    /// A read-only room display.
    observer: bool,
    slot: Slot,
    peer: SocketAddr,
    /// When the hello must have arrived.
    deadline: Instant,
}

async fn serve<S>(
    stream: S,
    peer: SocketAddr,
    slot: Slot,
    deadline: Instant,
    shared: Arc<Shared>,
    mut shutdown: broadcast::Receiver<()>,
) where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (rd, wr) = tokio::io::split(stream);
    let (out, out_rx) = mpsc::channel::<Out>(64);
    let writer = tokio::spawn(write_loop(wr, out_rx, shared.config.write_timeout));
    let mut conn = Connection {
        reader: FramedRead::new(rd, codec(MAX_CLIENT_FRAME)),
        out,
        shared: Arc::clone(&shared),
        joined: None,
        observer: false,
        slot,
        peer,
        deadline,
    };
    let result = conn.run(&mut shutdown).await;
    if let Some(team) = conn.joined.take() {
        let _ = shared.exercise.send(Request::Leave { team, observer: conn.observer });
    }
    let Connection { mut reader, out, slot, .. } = conn;
    // The connection's place is free again before the console learns why it ends.
    drop(slot);
    if let Err(f) = result {
        let _ = out.try_send(Out::Frame(frame(&ServerMsg::Error { code: f.code, message: f.message })));
        let _ = out.try_send(Out::Close);
        drop(out);
        // Read what the peer still sends (bounded), so that closing does not reset the
        // connection before the peer has read the error.
        let _ = timeout(Duration::from_secs(2), async {
            let mut sink = [0u8; 8192];
            let mut total = 0usize;
            let inner = reader.get_mut();
            while total < 1 << 20 {
                match inner.read(&mut sink).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => total += n,
                }
            }
        })
        .await;
    } else {
        let _ = out.try_send(Out::Close);
        drop(out);
    }
    let _ = writer.await;
}

impl<R: AsyncRead + Unpin> Connection<R> {
    /// The connection from its first frame to its end: the hello, the join code, the welcome
    /// and the full view, then the console's frames until it leaves.
    async fn run(&mut self, shutdown: &mut broadcast::Receiver<()>) -> Result<(), Fail> {
        let Some(hello) = self.read_hello(shutdown).await? else { return Ok(()) };
        let (team, code, observer) = self.parse_hello(&hello)?;
        self.check_code(team.as_deref(), &code, observer).await?;
        self.welcome_and_join(&team, observer).await?;
        self.serve_frames(&team, observer, shutdown).await
    }

    /// The first frame, before the handshake's deadline; none when the peer closed first.
    async fn read_hello(&mut self, shutdown: &mut broadcast::Receiver<()>) -> Result<Option<Bytes>, Fail> {
        let first = tokio::select! {
            _ = shutdown.recv() => return Err(stopping()),
            r = timeout_at(self.deadline, self.reader.next()) => r,
        };
        match first {
            Err(_) => {
                let partial = !self.reader.read_buffer().is_empty();
                self.shared.failed_join(self.peer.ip(), "no hello in time");
                Err(fail(
                    ErrorCode::Timeout,
                    if partial {
                        "the hello frame was only partly sent"
                    } else {
                        "no hello frame arrived in time"
                    },
                ))
            }
            Ok(None) => Ok(None),
            Ok(Some(Ok(b))) => Ok(Some(b.freeze())),
            Ok(Some(Err(e))) => {
                let why = if super::client::looks_like_tls(self.reader.read_buffer()) {
                    "a TLS handshake, but this server has no --tls-cert: the console should join without --tls-ca"
                } else {
                    "the first frame could not be read"
                };
                self.shared.failed_join(self.peer.ip(), why);
                Err(frame_error(e))
            }
        }
    }

    /// The hello's team, join code and whether it is a room display; the protocol must match.
    fn parse_hello(&self, hello: &[u8]) -> Result<(Option<String>, String, bool), Fail> {
        match parse_client(hello) {
            Ok(ClientMsg::Hello { protocol, team, code, observer, .. }) => {
                if protocol != PROTOCOL {
                    return Err(fail(
                        ErrorCode::BadHandshake,
                        format!(
                            "this server speaks protocol {PROTOCOL} (ttx {}); the console speaks {protocol}: use the same ttx version",
                            env!("CARGO_PKG_VERSION")
                        ),
                    ));
                }
                if observer && team.is_some() {
                    return Err(fail(ErrorCode::BadHandshake, "an observer joins without a team"));
                }
                Ok((team, code, observer))
            }
            Ok(_) => {
                self.shared.failed_join(self.peer.ip(), "the first message was not a hello");
                Err(fail(ErrorCode::BadHandshake, "the first message must be a hello"))
            }
            Err(e) => {
                self.shared.failed_join(self.peer.ip(), "the first frame was not a message");
                Err(fail(e.code, e.message))
            }
        }
    }

    /// Checks the join code for the team (or the facilitator, or a room display); a wrong one
    /// is answered only after a pause, to slow down guessing.
    async fn check_code(&self, team: Option<&str>, code: &str, observer: bool) -> Result<(), Fail> {
        if observer {
            if code.len() > 64 || !self.shared.codes.check_observer(code) {
                self.shared.failed_join(self.peer.ip(), "wrong join code for an observer");
                tokio::time::sleep(Duration::from_millis(300)).await;
                return Err(fail(ErrorCode::BadCode, "wrong observer code"));
            }
            return Ok(());
        }
        if code.len() <= 64 && self.shared.codes.check(team, code) {
            return Ok(());
        }
        // Name the team in the log only if it is one (the peer chose the text).
        let known = match team {
            None => "the facilitator".to_string(),
            Some(t) if self.shared.codes.teams.contains_key(t) => format!("team `{t}`"),
            Some(_) => "a team that does not exist".to_string(),
        };
        self.shared.failed_join(self.peer.ip(), &format!("wrong join code for {known}"));
        // Slow down guessing; the code itself has 60 random bits.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let message = match team {
            None => "wrong join code for the facilitator".to_string(),
            Some(t) if self.shared.codes.teams.contains_key(t) => {
                format!("wrong join code for team `{t}`")
            }
            // Team ids are in the scenario every player has read: naming the mistake gives nothing away.
            Some(t)
                if t.len() <= 32 && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
            {
                format!(
                    "there is no team `{t}` in this exercise; ask the facilitator for your team's id and code"
                )
            }
            Some(_) => {
                "there is no such team in this exercise; ask the facilitator for your team's id and code"
                    .to_string()
            }
        };
        Err(fail(ErrorCode::BadCode, message))
    }

    /// Takes a place under the limits, sends the welcome, joins the exercise and sends the
    /// full view (and the clock), then hands the writer the update stream.
    async fn welcome_and_join(&mut self, team: &Option<String>, observer: bool) -> Result<(), Fail> {
        let config = &self.shared.config;
        // Observers are counted apart from the facilitator (no team id holds a space).
        let counted = if observer { Some(OBSERVERS.to_string()) } else { team.clone() };
        if let Err(f) = self.slot.join(&counted) {
            self.shared.failed_join(self.peer.ip(), &f.message);
            return Err(f);
        }
        let welcome = ServerMsg::Welcome {
            protocol: PROTOCOL,
            server: format!("ttx {}", env!("CARGO_PKG_VERSION")),
            team: team.clone(),
            scenario: self.shared.scenario.clone(),
            limits: Limits {
                max_frame: MAX_CLIENT_FRAME,
                frames_per_second: config.frames_per_second,
                burst: config.burst,
                heartbeat_ms: config.heartbeat.as_millis() as u64,
            },
        };
        self.send(frame(&welcome)).await?;
        let (tx, rx) = oneshot::channel();
        self.shared
            .exercise
            .send(Request::Join { team: team.clone(), observer, reply: tx })
            .map_err(|_| stopping())?;
        self.joined = Some(team.clone());
        self.observer = observer;
        let joined = rx.await.map_err(|_| stopping())?;
        self.send(joined.full).await?;
        if let Some(clock) = joined.clock {
            self.send(clock).await?;
        }
        self.out.send(Out::Updates(joined.updates)).await.map_err(|_| gone())
    }

    /// Reads the joined console's frames, under the rate limit and the idle timeout, until it
    /// leaves or the server stops.
    async fn serve_frames(
        &mut self,
        team: &Option<String>,
        observer: bool,
        shutdown: &mut broadcast::Receiver<()>,
    ) -> Result<(), Fail> {
        let config = self.shared.config.clone();
        let mut bucket = Bucket::new(config.frames_per_second, config.burst);
        loop {
            let next = tokio::select! {
                _ = shutdown.recv() => return Err(stopping()),
                _ = self.out.closed() => return Ok(()),
                r = timeout(config.idle_timeout, self.reader.next()) => r,
            };
            let bytes = match next {
                Err(_) => {
                    let partial = !self.reader.read_buffer().is_empty();
                    return Err(fail(
                        ErrorCode::Timeout,
                        if partial {
                            "a frame was only partly sent".to_string()
                        } else {
                            format!(
                                "nothing arrived for {} s (consoles ping when idle)",
                                config.idle_timeout.as_secs()
                            )
                        },
                    ));
                }
                Ok(None) => return Ok(()),
                Ok(Some(r)) => r.map_err(frame_error)?,
            };
            if !bucket.take() {
                return Err(fail(
                    ErrorCode::RateLimited,
                    format!(
                        "more than {} frames per second (burst {}): slow down",
                        config.frames_per_second, config.burst
                    ),
                ));
            }
            let msg = parse_client(&bytes).map_err(|e| fail(e.code, e.message))?;
            self.dispatch(team, observer, msg).await?;
        }
    }

    /// Answers one message of a joined console: itself (a ping, a refusal) or through the
    /// exercise, whose answer it sends on.
    async fn dispatch(&self, team: &Option<String>, observer: bool, msg: ClientMsg) -> Result<(), Fail> {
        let config = &self.shared.config;
        match msg {
            ClientMsg::Hello { .. } => return Err(fail(ErrorCode::BadHandshake, "already joined")),
            ClientMsg::Ping => self.send(frame(&ServerMsg::Pong)).await?,
            ClientMsg::Command { id, .. } | ClientMsg::Control { id, .. } | ClientMsg::Message { id, .. }
                if observer =>
            {
                let message =
                    "an observer's console only watches: it sends nothing to the exercise".to_string();
                self.send(frame(&ServerMsg::Refused { id, message, rejection: None })).await?;
            }
            ClientMsg::Message { id, to, channel, text, signed } => {
                if let Some(t) = team
                    && !self.shared.team_command(t)
                {
                    let message = format!(
                        "team `{t}` sent more than {} commands and messages per second (burst {}): \
                         not sent; send it again in a moment",
                        config.team_commands_per_second, config.team_burst
                    );
                    return self.send(frame(&ServerMsg::Refused { id, message, rejection: None })).await;
                }
                let (tx, rx) = oneshot::channel();
                let req = Request::Message { team: team.clone(), id, to, channel, text, signed, reply: tx };
                self.shared.exercise.send(req).map_err(|_| stopping())?;
                let answer = rx.await.map_err(|_| stopping())?;
                self.send(answer).await?;
            }
            ClientMsg::Command { id, command } => {
                if let Some(t) = team
                    && !self.shared.team_command(t)
                {
                    let message = format!(
                        "team `{t}` sent more than {} commands per second (burst {}), all its consoles \
                         together: not recorded; send it again in a moment",
                        config.team_commands_per_second, config.team_burst
                    );
                    return self.send(frame(&ServerMsg::Refused { id, message, rejection: None })).await;
                }
                let (tx, rx) = oneshot::channel();
                let req = Request::Command { team: team.clone(), id, command, reply: tx };
                self.shared.exercise.send(req).map_err(|_| stopping())?;
                let answer = rx.await.map_err(|_| stopping())?;
                self.send(answer).await?;
            }
            ClientMsg::HotWash { id, kind, text } => {
                self.debrief(team, id, DebriefRequest::HotWash { kind, text }).await?
            }
            ClientMsg::Feedback { id, form } => {
                self.debrief(team, id, DebriefRequest::Feedback(form)).await?
            }
            ClientMsg::Cancel { id, seq } => self.debrief(team, id, DebriefRequest::Cancel(seq)).await?,
            ClientMsg::Control { id, action } => {
                if team.is_some() {
                    let message = "only the facilitator's connection controls the exercise".to_string();
                    return self.send(frame(&ServerMsg::Refused { id, message, rejection: None })).await;
                }
                let (tx, rx) = oneshot::channel();
                self.shared
                    .exercise
                    .send(Request::Control { id, action, reply: tx })
                    .map_err(|_| stopping())?;
                let answer = rx.await.map_err(|_| stopping())?;
                self.send(answer).await?;
            }
        }
        Ok(())
    }

    /// Hands a hot-wash item, a feedback form or a cancel to the exercise and sends its answer
    /// (after the journal holds it).
    async fn debrief(&self, team: &Option<String>, id: u64, request: DebriefRequest) -> Result<(), Fail> {
        let (tx, rx) = oneshot::channel();
        let req = Request::Debrief { team: team.clone(), id, request, reply: tx };
        self.shared.exercise.send(req).map_err(|_| stopping())?;
        let answer = rx.await.map_err(|_| stopping())?;
        self.send(answer).await
    }

    async fn send(&self, b: Bytes) -> Result<(), Fail> {
        self.out.send(Out::Frame(b)).await.map_err(|_| gone())
    }
}

fn stopping() -> Fail {
    fail(ErrorCode::ServerStopping, "the server is stopping; consoles reconnect when it is back")
}

fn gone() -> Fail {
    fail(ErrorCode::TooSlow, "the connection's writer has stopped")
}

fn frame_error(e: std::io::Error) -> Fail {
    if e.kind() == std::io::ErrorKind::InvalidData {
        fail(ErrorCode::FrameTooLarge, format!("frame larger than {MAX_CLIENT_FRAME} bytes"))
    } else {
        fail(ErrorCode::Malformed, format!("cannot read a frame: {e}"))
    }
}

async fn recv_update(
    u: &mut Option<broadcast::Receiver<Bytes>>,
) -> Result<Bytes, broadcast::error::RecvError> {
    match u {
        Some(r) => r.recv().await,
        None => std::future::pending().await,
    }
}

/// Writes the connection's own frames, then its update stream; stops on a write timeout or when
/// the console falls too far behind.
async fn write_loop<W: AsyncWrite + Unpin>(mut wr: W, mut out: mpsc::Receiver<Out>, write_timeout: Duration) {
    let mut updates: Option<broadcast::Receiver<Bytes>> = None;
    loop {
        // Updates first: when an answer and an update are both waiting, the update was made first.
        let next = tokio::select! {
            biased;
            u = recv_update(&mut updates) => match u {
                Ok(b) => b,
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    let f = frame(&ServerMsg::Error {
                        code: ErrorCode::TooSlow,
                        message: format!("the console fell {n} updates behind; reconnect for a full view"),
                    });
                    let _ = timeout(Duration::from_secs(1), wr.write_all(&f)).await;
                    break;
                }
                // The exercise has ended: what the connection still has to say goes out.
                Err(broadcast::error::RecvError::Closed) => {
                    updates = None;
                    continue;
                }
            },
            m = out.recv() => match m {
                Some(Out::Frame(b)) => b,
                Some(Out::Updates(rx)) => {
                    updates = Some(rx);
                    continue;
                }
                Some(Out::Close) | None => break,
            },
        };
        match timeout(write_timeout, wr.write_all(&next)).await {
            Ok(Ok(())) => {}
            _ => break,
        }
    }
    out.close();
    let _ = timeout(Duration::from_secs(1), wr.shutdown()).await;
}
