//! The console side of the protocol: connecting, the handshake, keeping a view up to date
//! and reconnecting ([`run_connection`], shared by every console); [`headless`] is
//! `ttx join --headless` (JSON lines in, JSON lines out).

mod headless;

pub use headless::{Ended, headless};

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, timeout};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_util::codec::{Framed, LengthDelimitedCodec};
use ttx_engine::talk::Message;
use ttx_engine::view::LogLine;
use ttx_engine::{Directory, FacilitatorView, TeamView};

use super::diff::{apply_facilitator, apply_team};
use super::protocol::{
    ClientMsg, ErrorCode, Limits, MAX_SERVER_FRAME, PROTOCOL, ServerMsg, ServerStatus, TeamCommand, codec,
};

/// A byte stream to the server, plain or TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A framed connection.
pub type Conn = Framed<Box<dyn Io>, LengthDelimitedCodec>;

/// Where and how to connect.
#[derive(Clone)]
pub struct Target {
    /// host:port
    pub addr: String,
    /// TLS: the connector and the name to check the certificate against.
    pub tls: Option<(TlsConnector, ServerName<'static>)>,
    /// Stop trying after failing to join for this long in a row.
    pub give_up_after: Duration,
    /// Join as a read-only room display (no team, the observer code).
    pub observer: bool,
}

/// How long a console keeps trying to join before it gives up, unless told otherwise: long
/// enough for a facilitator to resume a stopped server.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(300);

/// Whether bytes a server sent look like a TLS record (an alert or a handshake, TLS 1.0 to 1.3),
/// as a TLS server answers a console that speaks plain TCP.
pub fn looks_like_tls(bytes: &[u8]) -> bool {
    matches!(bytes, [0x15 | 0x16, 0x03, 0x00..=0x04, ..])
}

/// Why a connection attempt failed.
#[derive(Debug)]
pub enum ConnectError {
    /// The server refused for good (wrong code, other protocol): do not retry.
    Final(ErrorCode, String),
    /// Anything else: try again later.
    Retry(String),
}

/// Connects and completes the handshake; returns the connection and the server's limits.
pub async fn connect(
    target: &Target,
    team: Option<&str>,
    code: &str,
) -> Result<(Conn, Limits), ConnectError> {
    connect_welcome(target, team, code).await.map(|(c, l, _)| (c, l))
}

/// Like [`connect`], and also returns the welcome frame as received.
pub async fn connect_welcome(
    target: &Target,
    team: Option<&str>,
    code: &str,
) -> Result<(Conn, Limits, Bytes), ConnectError> {
    let retry = |e: std::io::Error| ConnectError::Retry(e.to_string());
    let tcp = timeout(Duration::from_secs(10), TcpStream::connect(&target.addr))
        .await
        .map_err(|_| ConnectError::Retry("connection timed out".into()))?
        .map_err(retry)?;
    let _ = tcp.set_nodelay(true);
    let io: Box<dyn Io> = match &target.tls {
        Some((connector, name)) => {
            let s = timeout(Duration::from_secs(10), connector.connect(name.clone(), tcp))
                .await
                .map_err(|_| ConnectError::Retry("TLS handshake timed out".into()))?
                .map_err(|e| {
                    let text = e.to_string();
                    let hint = if text.contains("CaUsedAsEndEntity") {
                        " (the server's certificate is a CA certificate: make it with basicConstraints CA:FALSE)"
                    } else if text.contains("Expired") || text.contains("NotValidYet") {
                        " (the server's certificate is outside its dates: the facilitator needs a current one)"
                    } else if text.contains("InvalidContentType") || text.contains("corrupt message") {
                        " (the server does not speak TLS: join without --tls-ca)"
                    } else {
                        " (check that --tls-ca is the server's certificate and that it names the host you join)"
                    };
                    ConnectError::Final(ErrorCode::BadHandshake, format!("TLS: {e}{hint}"))
                })?;
            Box::new(s)
        }
        None => Box::new(tcp),
    };
    let mut conn = Framed::new(io, codec(MAX_SERVER_FRAME));
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL,
        client: format!("ttx {}", env!("CARGO_PKG_VERSION")),
        team: team.map(str::to_string),
        code: code.to_string(),
        observer: target.observer,
    };
    send(&mut conn, &hello).await.map_err(retry)?;
    let first = timeout(Duration::from_secs(15), conn.next())
        .await
        .map_err(|_| ConnectError::Retry("no answer to the hello".into()))?;
    if target.tls.is_none() && looks_like_tls(conn.read_buffer()) {
        return Err(ConnectError::Final(
            ErrorCode::BadHandshake,
            "the server speaks TLS: join with --tls-ca CERT.pem (the server's certificate, from the facilitator)"
                .into(),
        ));
    }
    let bytes = match first {
        Some(Ok(b)) => b,
        Some(Err(e)) => return Err(retry(e)),
        None => return Err(ConnectError::Retry("the server closed the connection".into())),
    };
    match serde_json::from_slice::<ServerMsg>(&bytes) {
        Ok(ServerMsg::Welcome { limits, .. }) => Ok((conn, limits, bytes.freeze())),
        Ok(ServerMsg::Error { code, message }) if code.is_final() => Err(ConnectError::Final(code, message)),
        Ok(ServerMsg::Error { message, .. }) => Err(ConnectError::Retry(message)),
        Ok(_) | Err(_) => {
            Err(ConnectError::Final(ErrorCode::BadHandshake, "unexpected answer to the hello".into()))
        }
    }
}

/// Sends one message.
pub async fn send(conn: &mut Conn, msg: &ClientMsg) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(msg).map_err(std::io::Error::other)?;
    conn.send(Bytes::from(bytes)).await
}

/// The view a console keeps, rebuilt from full views and deltas.
#[derive(Clone, Debug, Default)]
pub struct Mirror {
    /// Last update applied.
    pub update: u64,
    /// A team's view.
    pub team: Option<TeamView>,
    /// What the team's command forms may name beyond its own actors (shared: it is large
    /// for some teams and never changes, while the mirror is copied into every update event).
    pub directory: Option<Arc<Directory>>,
    /// The facilitator's view.
    pub facilitator: Option<FacilitatorView>,
    /// The server's state (facilitator).
    pub status: Option<ServerStatus>,
    /// Recent log lines (facilitator).
    pub log: Vec<LogLine>,
    /// The team's own commands as the server recorded them, from the last full view.
    pub history: Vec<TeamCommand>,
    /// The lowest public confidence so far, from the last full view.
    pub confidence_low: Option<f64>,
    /// The messages of the team (or, for the facilitator, all of them), oldest first: those of
    /// the last full view and every one delivered since.
    pub messages: Vec<Message>,
    /// The last update applied was a full view (a join or a reconnect).
    pub fresh: bool,
}

impl Mirror {
    /// Applies an update; false if it does not fit (the console should reconnect for a full view).
    pub fn apply(&mut self, msg: ServerMsg) -> bool {
        match msg {
            ServerMsg::Full { update, view, directory, history, confidence_low, messages, .. } => {
                self.update = update;
                self.messages = messages;
                self.team = Some(*view);
                self.history = history;
                self.confidence_low = confidence_low;
                self.fresh = true;
                if let Some(d) = directory {
                    self.directory = Some(Arc::new(*d));
                }
                true
            }
            ServerMsg::Delta { update, base, delta, .. } => {
                let Some(v) = self.team.as_mut().filter(|_| base == self.update) else { return false };
                self.update = update;
                self.fresh = false;
                apply_team(v, &delta).is_ok()
            }
            ServerMsg::FacilitatorFull { update, view, status, log, messages, .. } => {
                self.update = update;
                self.messages = messages;
                self.facilitator = Some(*view);
                self.status = Some(status);
                self.log = log;
                true
            }
            ServerMsg::FacilitatorDelta { update, base, delta, status, log, .. } => {
                let Some(v) = self.facilitator.as_mut().filter(|_| base == self.update) else { return false };
                self.update = update;
                self.status = Some(status);
                self.log.extend(log);
                if self.log.len() > 500 {
                    self.log.drain(..self.log.len() - 500);
                }
                apply_facilitator(v, &delta).is_ok()
            }
            ServerMsg::Message { message } => {
                if !self.messages.iter().any(|m| m.number == message.number) {
                    self.messages.push(message);
                }
                true
            }
            _ => true,
        }
    }
}

/// A token bucket that waits instead of refusing: the console keeps under the server's limit.
struct Pace {
    tokens: f64,
    rate: f64,
    burst: f64,
    at: Instant,
}

impl Pace {
    fn new(l: &Limits) -> Pace {
        // Keep a margin under the server's limit.
        let burst = (f64::from(l.burst) / 2.0).max(1.0);
        Pace { tokens: burst, rate: (l.frames_per_second * 0.8).max(0.1), burst, at: Instant::now() }
    }

    async fn wait(&mut self) {
        loop {
            let now = Instant::now();
            self.tokens =
                (self.tokens + now.duration_since(self.at).as_secs_f64() * self.rate).min(self.burst);
            self.at = now;
            if self.tokens >= 1.0 {
                self.tokens -= 1.0;
                return;
            }
            sleep(Duration::from_secs_f64((1.0 - self.tokens) / self.rate)).await;
        }
    }
}

/// What the connection tells the console that runs it (see [`run_connection`]).
#[derive(Debug)]
pub enum ClientEvent {
    /// Connected (again): the welcome frame as received.
    Connected {
        /// The welcome, as received.
        welcome: Bytes,
    },
    /// A view update (full or delta), as received and applied: the console's view after it.
    Update {
        /// The frame, as received.
        bytes: Bytes,
        /// The view, rebuilt.
        mirror: Box<Mirror>,
    },
    /// Any other message from the server, as received.
    Message {
        /// The frame, as received.
        bytes: Bytes,
        /// The message.
        msg: ServerMsg,
    },
    /// The connection broke; it is tried again. The ids of commands and controls sent
    /// without an answer: they may or may not have been recorded.
    Disconnected {
        /// Why, in words.
        reason: String,
        /// Ids without an answer.
        unconfirmed: Vec<u64>,
    },
    /// The server could not be reached (or refused for now); tried again after `retry_in`.
    Unreachable {
        /// Why, in words.
        reason: String,
        /// The wait before the next attempt.
        retry_in: Duration,
    },
    /// The console could not join for longer than it keeps trying; the connection has ended.
    GaveUp {
        /// Why, in words.
        message: String,
    },
    /// The server refused this console for good; the connection has ended.
    Refused {
        /// For programs.
        code: ErrorCode,
        /// For people.
        message: String,
    },
}

/// A console's connection, for as long as the console wants it: connects and completes
/// the handshake, reconnects with the same code (backing off from 0.2 s to 5 s) whenever
/// the connection breaks, keeps the view up to date from full views and deltas
/// (reconnecting for a full view if a delta does not fit), pings when idle, and keeps
/// under the server's rate limit.
///
/// Sends what `outgoing` gives it (commands and controls, numbered by the console) and
/// reports everything on `events`. It ends when the server refuses the console for good,
/// when the server ends the session (`ended`, then the connection closes), when `events` is
/// dropped, or once `outgoing` is closed and every command sent has been answered.
pub async fn run_connection(
    target: Target,
    team: Option<String>,
    code: String,
    outgoing: mpsc::Receiver<ClientMsg>,
    events: mpsc::Sender<ClientEvent>,
) {
    let mut link = Link {
        events,
        outgoing,
        open: true,
        waiting: BTreeSet::new(),
        mirror: Mirror::default(),
        backoff: Duration::from_millis(200),
        failing_since: None,
        over: false,
    };
    loop {
        if !link.open && link.waiting.is_empty() {
            return;
        }
        let (conn, limits) = match link.connect(&target, team.as_deref(), &code).await {
            Flow::Go(c) => c,
            Flow::Again => continue,
            Flow::End => return,
        };
        link.backoff = Duration::from_millis(200);
        let reason = match link.serve(conn, &limits).await {
            Flow::Go(reason) => reason,
            Flow::Again => continue,
            Flow::End => return,
        };
        let unconfirmed: Vec<u64> = std::mem::take(&mut link.waiting).into_iter().collect();
        if !link.report(ClientEvent::Disconnected { reason, unconfirmed }).await {
            return;
        }
        sleep(link.backoff).await;
    }
}

/// What a step of a console's connection leads to.
enum Flow<T> {
    /// Go on with this.
    Go(T),
    /// Try to connect again.
    Again,
    /// The connection is over for good (or nobody listens to its events any more).
    End,
}

/// A console's connection across reconnects: what it sends, what waits for an answer, and
/// its copy of the view.
struct Link {
    events: mpsc::Sender<ClientEvent>,
    outgoing: mpsc::Receiver<ClientMsg>,
    /// The console still sends.
    open: bool,
    /// Numbers of the console's messages that wait for the server's answer.
    waiting: BTreeSet<u64>,
    mirror: Mirror,
    backoff: Duration,
    /// Since when joining has failed, to give up after the target's time.
    failing_since: Option<Instant>,
    /// The session has ended (the server said so): no reconnecting.
    over: bool,
}

impl Link {
    /// Reports an event; false once nobody listens.
    async fn report(&self, e: ClientEvent) -> bool {
        self.events.send(e).await.is_ok()
    }

    /// Connects and completes the handshake; on a failure to retry, waits (backing off) or
    /// gives up once joining has failed for the target's time.
    async fn connect(&mut self, target: &Target, team: Option<&str>, code: &str) -> Flow<(Conn, Limits)> {
        match connect_welcome(target, team, code).await {
            Ok((conn, limits, welcome)) => {
                self.failing_since = None;
                if !self.report(ClientEvent::Connected { welcome }).await {
                    return Flow::End;
                }
                Flow::Go((conn, limits))
            }
            Err(ConnectError::Final(code, message)) => {
                let _ = self.events.send(ClientEvent::Refused { code, message }).await;
                Flow::End
            }
            Err(ConnectError::Retry(reason)) => {
                let since = *self.failing_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= target.give_up_after {
                    let message = format!(
                        "gave up joining {} after {:.0} s of trying (last: {reason})",
                        target.addr,
                        since.elapsed().as_secs_f64()
                    );
                    let _ = self.events.send(ClientEvent::GaveUp { message }).await;
                    return Flow::End;
                }
                if !self.report(ClientEvent::Unreachable { reason, retry_in: self.backoff }).await {
                    return Flow::End;
                }
                sleep(self.backoff).await;
                self.backoff = (self.backoff * 2).min(Duration::from_secs(5));
                Flow::Again
            }
        }
    }

    /// Carries one connection: the server's frames in, the console's messages out, until it
    /// breaks (`Go` with the reason) or the console or the session is over.
    async fn serve(&mut self, conn: Conn, limits: &Limits) -> Flow<String> {
        let (sink, mut stream) = conn.split();
        let (wtx, wrx) = mpsc::channel::<ClientMsg>(4);
        let mut writer = spawn_writer(sink, wrx, limits);
        loop {
            if !self.open && self.waiting.is_empty() {
                return Flow::End;
            }
            let step = tokio::select! {
                f = stream.next() => self.frame(f).await,
                m = self.outgoing.recv(), if self.open && wtx.capacity() > 0 => {
                    match m {
                        None => {
                            self.open = false;
                            Flow::Again
                        }
                        Some(m) => self.send(m, &wtx),
                    }
                }
                r = &mut writer.0 => {
                    if self.over {
                        return Flow::End;
                    }
                    Flow::Go(r.unwrap_or_else(|e| e.to_string()))
                }
            };
            match step {
                Flow::Again => {}
                other => return other,
            }
        }
    }

    /// Hands a console's message to the writer, noting that it waits for an answer.
    fn send(&mut self, m: ClientMsg, wtx: &mpsc::Sender<ClientMsg>) -> Flow<String> {
        if let ClientMsg::Command { id, .. }
        | ClientMsg::Control { id, .. }
        | ClientMsg::HotWash { id, .. }
        | ClientMsg::Feedback { id, .. }
        | ClientMsg::Cancel { id, .. }
        | ClientMsg::Message { id, .. } = &m
        {
            self.waiting.insert(*id);
        }
        if wtx.try_send(m).is_err() {
            return Flow::Go("the connection's writer has stopped".to_string());
        }
        Flow::Again
    }

    /// Takes one frame from the server: `Again` to read on, `Go` with the reason to reconnect.
    async fn frame(&mut self, f: Option<Result<bytes::BytesMut, std::io::Error>>) -> Flow<String> {
        let bytes = match f {
            Some(Ok(b)) => b.freeze(),
            Some(Err(_)) | None if self.over => return Flow::End,
            Some(Err(e)) => return Flow::Go(e.to_string()),
            None => return Flow::Go("the server closed the connection".to_string()),
        };
        let Ok(msg) = serde_json::from_slice::<ServerMsg>(&bytes) else {
            return Flow::Go("the server sent a message this console does not understand".to_string());
        };
        let event = match msg {
            ServerMsg::Full { .. }
            | ServerMsg::Delta { .. }
            | ServerMsg::FacilitatorFull { .. }
            | ServerMsg::FacilitatorDelta { .. } => {
                if !self.mirror.apply(msg) {
                    return Flow::Go(
                        "an update did not fit this console's view; reconnecting for a full view".to_string(),
                    );
                }
                ClientEvent::Update { bytes, mirror: Box::new(self.mirror.clone()) }
            }
            ServerMsg::Error { .. } if self.over => return Flow::End,
            ServerMsg::Error { code, message } => {
                let shown =
                    ClientEvent::Message { bytes, msg: ServerMsg::Error { code, message: message.clone() } };
                if !self.report(shown).await {
                    return Flow::End;
                }
                if code.is_final() {
                    let _ = self.events.send(ClientEvent::Refused { code, message }).await;
                    return Flow::End;
                }
                return Flow::Go(message);
            }
            ServerMsg::Ended { .. } => {
                // The session is over: what the server still sends (answers) is read until it
                // closes the connection, then nothing is retried.
                self.over = true;
                ClientEvent::Message { bytes, msg }
            }
            msg => {
                if let ServerMsg::Message { message } = &msg
                    && !self.mirror.messages.iter().any(|m| m.number == message.number)
                {
                    self.mirror.messages.push(message.clone());
                }
                if let ServerMsg::Ack { id, .. }
                | ServerMsg::Refused { id, .. }
                | ServerMsg::Done { id, .. }
                | ServerMsg::Delivered { id, .. }
                | ServerMsg::Held { id, .. } = &msg
                {
                    self.waiting.remove(id);
                }
                ClientEvent::Message { bytes, msg }
            }
        };
        if self.report(event).await { Flow::Again } else { Flow::End }
    }
}

/// Frames go out from their own task, paced under the server's limit and with a ping when
/// idle, so that reading the connection never waits on pacing or on a slow send. The task
/// ends with the reason the connection can no longer be written.
fn spawn_writer(
    mut sink: futures_util::stream::SplitSink<Conn, Bytes>,
    mut wrx: mpsc::Receiver<ClientMsg>,
    limits: &Limits,
) -> Abort<String> {
    let mut pace = Pace::new(limits);
    let heartbeat = Duration::from_millis(limits.heartbeat_ms.max(100));
    Abort(tokio::spawn(async move {
        let mut last_sent = Instant::now();
        loop {
            let m = tokio::select! {
                m = wrx.recv() => match m {
                    Some(m) => m,
                    None => return "the console stopped sending".to_string(),
                },
                _ = tokio::time::sleep_until(last_sent + heartbeat) => ClientMsg::Ping,
            };
            pace.wait().await;
            last_sent = Instant::now();
            let bytes = match serde_json::to_vec(&m) {
                Ok(b) => b,
                Err(e) => return e.to_string(),
            };
            if let Err(e) = sink.send(Bytes::from(bytes)).await {
                return e.to_string();
            }
        }
    }))
}

/// A task that is stopped when this is dropped.
struct Abort<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for Abort<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
