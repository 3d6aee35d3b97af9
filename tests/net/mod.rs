//! `ttx serve` and `ttx join` end to end: the real binary, real sockets on 127.0.0.1, real files.

mod branch;
mod debrief;
mod hardening;
mod loadtest;
mod play;
mod resume;
mod revise;
mod security;
mod session;
mod talk;
mod team_console;
mod tls;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_ttx");

/// A fresh scratch folder for one test, removed when dropped.
pub fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("ttx-net-{name}-")).tempdir().unwrap()
}

/// A port free right now on 127.0.0.1 (for a server that must come back on the same one).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `ttx serve --headless`.
pub struct Server {
    child: Child,
    pub addr: String,
    pub journal: PathBuf,
    pub banner: Vec<String>,
    codes: Value,
}

impl Server {
    /// Starts a new session in `dir` with extra flags.
    pub fn start(dir: &Path, bind: &str, extra: &[&str]) -> Server {
        let journal = dir.join("session.jsonl");
        let mut args = vec!["serve", "--headless", "--bind", bind, "--journal", journal.to_str().unwrap()];
        args.extend_from_slice(extra);
        Server::spawn(&args, journal.clone())
    }

    /// Resumes the session of a journal.
    pub fn resume(journal: &Path, bind: &str, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--headless", "--bind", bind, "--resume", journal.to_str().unwrap()];
        args.extend_from_slice(extra);
        Server::spawn(&args, journal.to_path_buf())
    }

    /// Resumes the session of a journal with only `--resume` (and `--headless`): no `--bind`.
    pub fn resume_alone(journal: &Path) -> Server {
        Server::spawn(&["serve", "--headless", "--resume", journal.to_str().unwrap()], journal.to_path_buf())
    }

    fn spawn(args: &[&str], journal: PathBuf) -> Server {
        Server::spawn_command(Command::new(BIN).args(args), journal)
    }

    /// Starts `ttx serve` through a command of one's own (a shell that sets limits first).
    pub fn spawn_command(command: &mut Command, journal: PathBuf) -> Server {
        let mut child =
            command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut banner = Vec::new();
        let addr = loop {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 {
                panic!("ttx serve exited before listening; it printed: {banner:#?}");
            }
            banner.push(line.trim_end().to_string());
            if let Some(rest) = line.strip_prefix("Listening on ") {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while out.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        });
        let mut codes_path = journal.as_os_str().to_owned();
        codes_path.push(".codes");
        let codes: Value = serde_json::from_str(&std::fs::read_to_string(codes_path).unwrap()).unwrap();
        Server { child, addr, journal, banner, codes }
    }

    /// Stops the session from the facilitator's console; ttx exits with 0.
    pub fn stop(&mut self, fac: &mut Console) {
        assert_eq!(fac.ask(json!({"type": "stop"}))["type"], "done");
        assert_eq!(self.wait_exit(Duration::from_secs(30)), 0);
    }

    /// `ttx replay --verify` passes on the session's journal.
    pub fn assert_verifies(&self) {
        let (code, text) = replay_verify(&self.journal);
        assert_eq!(code, 0, "{text}");
    }

    /// The facilitator's console, joined, its first full view read.
    pub fn facilitator(&self) -> Console {
        let mut fac = Console::join(&self.addr, None, &self.facilitator_code(), &[]);
        fac.wait_for("the facilitator's view", Duration::from_secs(30), |x| x["type"] == "facilitator_full");
        fac
    }

    /// A team's console, joined, with its first view.
    pub fn team(&self, team: &str) -> (Console, Value) {
        let mut c = Console::join(&self.addr, Some(team), &self.code(team), &[]);
        let view =
            c.wait_for(&format!("{team}'s view"), Duration::from_secs(30), |x| x["type"] == "full")["view"]
                .clone();
        (c, view)
    }

    pub fn code(&self, team: &str) -> String {
        self.codes["teams"][team].as_str().unwrap().to_string()
    }

    pub fn observer_code(&self) -> String {
        self.codes["observer"].as_str().unwrap().to_string()
    }

    pub fn facilitator_code(&self) -> String {
        self.codes["facilitator"].as_str().unwrap().to_string()
    }

    /// `kill -9`.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the server to exit by itself; its exit code.
    pub fn wait_exit(&mut self, within: Duration) -> i32 {
        let until = Instant::now() + within;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code().unwrap_or(-1);
            }
            assert!(Instant::now() < until, "ttx serve did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running `ttx join --headless`, its output lines parsed.
pub struct Console {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    /// Every line received so far.
    pub seen: Vec<Value>,
}

impl Console {
    pub fn join(addr: &str, team: Option<&str>, code: &str, extra: &[&str]) -> Console {
        let mut args = vec!["join", addr, "--code", code, "--headless"];
        match team {
            Some(t) => args.extend(["--team", t]),
            None => args.push("--facilitator"),
        }
        args.extend_from_slice(extra);
        Console::start(&args, &[])
    }

    /// `ttx join` with exactly these arguments and environment variables.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Console {
        let mut child = Command::new(BIN)
            .args(args)
            .env_remove("TTX_CODE")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let out = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in out.lines() {
                let Ok(line) = line else { break };
                let v: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("ttx join printed a line that is not JSON ({e}): {line}"));
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Console { child, stdin, rx, seen: Vec::new() }
    }

    /// Sends one input line.
    pub fn send(&mut self, v: &Value) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{v}").unwrap();
        stdin.flush().unwrap();
    }

    /// Closes the console's input (it leaves once every command sent is answered).
    pub fn close_input(&mut self) {
        self.stdin = None;
    }

    /// Waits for a line that satisfies `pred`; returns it.
    pub fn wait_for(&mut self, what: &str, within: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        let until = Instant::now() + within;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(v) => {
                    self.seen.push(v.clone());
                    if pred(&v) {
                        return v;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting for {what}; last lines: {:#?}", tail(&self.seen))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the console ended while waiting for {what}; last lines: {:#?}", tail(&self.seen))
                }
            }
        }
    }

    /// Takes whatever lines have arrived.
    pub fn drain(&mut self) {
        while let Ok(v) = self.rx.try_recv() {
            self.seen.push(v);
        }
    }

    /// Sends a command or control line and returns the server's answer to it
    /// (or the console's own complaint about the line).
    pub fn ask(&mut self, v: Value) -> Value {
        self.send(&v);
        let sent = self.wait_for(&format!("{v} to be sent"), Duration::from_secs(20), |x| {
            matches!(x["type"].as_str(), Some("sent" | "input_error"))
        });
        if sent["type"] == "input_error" {
            return sent;
        }
        let id = sent["id"].clone();
        self.wait_for(&format!("the answer to {v}"), Duration::from_secs(20), |x| {
            x["id"] == id
                && matches!(x["type"].as_str(), Some("ack" | "refused" | "done" | "held" | "delivered"))
        })
    }

    /// The console's current view.
    pub fn view(&mut self) -> Value {
        self.send(&json!({"type": "view"}));
        let v = self.wait_for("a view", Duration::from_secs(20), |x| {
            matches!(x["type"].as_str(), Some("view" | "facilitator_view"))
        });
        v["view"].clone()
    }

    /// Waits for the console to exit; its exit code.
    pub fn wait_exit(&mut self, within: Duration) -> i32 {
        let until = Instant::now() + within;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                self.drain();
                return s.code().unwrap_or(-1);
            }
            assert!(Instant::now() < until, "ttx join did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tail(v: &[Value]) -> Vec<String> {
    v.iter().rev().take(6).rev().map(|x| x.to_string().chars().take(300).collect()).collect()
}

/// A raw connection for speaking (and mis-speaking) the protocol by hand.
pub struct Raw {
    pub stream: TcpStream,
}

impl Raw {
    pub fn connect(addr: &str) -> Raw {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        Raw { stream }
    }

    /// Writes one frame; false if the server has already closed the connection.
    pub fn write_frame(&mut self, payload: &[u8]) -> bool {
        let mut f = (payload.len() as u32).to_be_bytes().to_vec();
        f.extend_from_slice(payload);
        self.stream.write_all(&f).is_ok()
    }

    pub fn hello(&mut self, team: Option<&str>, code: &str) -> Value {
        self.write_frame(
            json!({"type": "hello", "protocol": 4, "team": team, "code": code}).to_string().as_bytes(),
        );
        self.read_frame().expect("an answer to the hello")
    }

    /// The next frame, or none at the end of the stream.
    pub fn read_frame(&mut self) -> Option<Value> {
        let mut len = [0u8; 4];
        self.stream.read_exact(&mut len).ok()?;
        let len = u32::from_be_bytes(len) as usize;
        if len > 16 << 20 {
            return None;
        }
        let mut buf = vec![0u8; len];
        self.stream.read_exact(&mut buf).ok()?;
        Some(serde_json::from_slice(&buf).unwrap())
    }

    /// Reads frames until an error frame; returns it (panics if the stream ends first).
    pub fn read_error(&mut self) -> Value {
        loop {
            match self.read_frame() {
                Some(v) if v["type"] == "error" => return v,
                Some(_) => continue,
                None => panic!("the connection ended without an error frame"),
            }
        }
    }

    /// Whether the server has closed the connection (reads to the end, within `within`).
    pub fn closed_within(&mut self, within: Duration) -> bool {
        let until = Instant::now() + within;
        let mut buf = [0u8; 65536];
        self.stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        while Instant::now() < until {
            match self.stream.read(&mut buf) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e)
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => return true,
            }
        }
        false
    }
}

/// Runs `ttx replay --verify` on a journal; its exit code and output.
pub fn replay_verify(journal: &Path) -> (i32, String) {
    let out = Command::new(BIN).args(["replay", "--verify", journal.to_str().unwrap()]).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// The journal's complete records (a torn last line, as a crash may leave, is skipped).
pub fn journal_records(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let complete = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
    complete.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The id of the first asset of an actor of a team's view.
pub fn first_asset(view: &Value, actor: &str) -> Value {
    let actors = view["actors"].as_array().expect("the view's actors");
    actors.iter().find(|a| a["id"] == json!(actor)).expect("the actor is in the view")["assets"][0]["id"]
        .clone()
}

/// Has a team patch its state office's first asset; returns the server's `ack` (with the
/// clock paused the command waits in the queue).
pub fn queue_office_patch(team: &mut Console, view: &Value) -> Value {
    let office = actor_of_kind(view, "StateOffice");
    let asset = first_asset(view, &office);
    let a = team.ask(json!({"type": "patch", "actor": office, "asset": asset}));
    assert_eq!(a["type"], "ack", "{a}");
    a
}

/// The id of a team's actor of a kind (e.g. "StateOffice").
pub fn actor_of_kind(view: &Value, kind: &str) -> String {
    view["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} actor in {}", view["team"]))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The indicator numbers a team view holds.
pub fn indicators(view: &Value) -> Vec<u64> {
    view["indicators"].as_array().unwrap().iter().map(|i| i["number"].as_u64().unwrap()).collect()
}
