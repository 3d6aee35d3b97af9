//! The consoles of a load test in child processes of ttx.
//!
//! A process holds one open file for each of its connections, and the system caps open files
//! per process (`ulimit -n`). A server of N consoles with those consoles in the same process
//! needs about 2N; when that is more than the limit, `ttx loadtest` runs the consoles in child
//! processes (`ttx loadtest-consoles`, started by `ttx loadtest` and not meant to be run by
//! hand), each holding its share, and keeps the server in its own process.
//!
//! Parent and child speak one JSON object per line:
//! - to the child, on its standard input: [`ToChild::Plan`] (where the server is and which
//!   consoles to open), later [`ToChild::ClockStarted`] and [`ToChild::Stop`];
//! - from the child, on its standard output: [`FromChild::Joined`] whenever its count of joined
//!   consoles changes, and [`FromChild::Totals`] once its consoles have ended.
//!
//! Latencies stay comparable across processes: the server stamps each update with the wall
//! clock (`now_us`), which every process on the machine shares.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use super::{Progress, Totals, console, gather};
use crate::net::client::{self, Target};
use crate::{Failure, Outcome};

/// What the parent tells a child.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ToChild {
    /// The server's address and the consoles to open, as (team, join code).
    Plan { addr: String, consoles: Vec<(String, String)> },
    /// The wall clock (µs) when the exercise clock started: updates stamped before it are not measured.
    ClockStarted { at_us: u64 },
    /// The session is stopping: gather the figures once the consoles have ended.
    Stop,
}

/// What a child tells the parent.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FromChild {
    /// How many of its consoles have joined so far.
    Joined { n: usize },
    /// Its consoles' figures, once they have ended.
    Totals { totals: Totals },
}

/// Open files a process needs besides its connections (standard streams, the runtime's
/// descriptors, the journal, a margin).
pub const SPARE_FILES: usize = 64;

/// The calling process's limit on open files (`ulimit -n`), if the system says.
pub fn open_file_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// How many child processes `consoles` consoles need beside a server in this process, given
/// the limit on open files: none when both ends fit in this process. An error when the server
/// alone cannot hold them.
pub fn processes_needed(consoles: usize, limit: Option<usize>) -> Result<usize, Failure> {
    let Some(limit) = limit else { return Ok(0) };
    if 2 * consoles + SPARE_FILES <= limit {
        return Ok(0);
    }
    let room = limit.saturating_sub(SPARE_FILES);
    if consoles > room {
        return Err(Failure::input(format!(
            "the server of {consoles} consoles needs about {} open files and the limit is {limit}: \
             raise it (`ulimit -n`) or ask for fewer consoles",
            consoles + SPARE_FILES
        )));
    }
    Ok(consoles.div_ceil(room))
}

/// The child processes of a load test and what each has said.
pub struct Children {
    links: Vec<Link>,
}

struct Link {
    child: Child,
    stdin: ChildStdin,
    joined: Arc<AtomicUsize>,
    /// Reads the child's lines; ends with its totals (none if it ended without them).
    reader: std::thread::JoinHandle<Option<Totals>>,
}

impl Children {
    /// Starts `processes` children of this program, the consoles dealt out among them in turn.
    pub fn spawn(addr: &str, consoles: Vec<(String, String)>, processes: usize) -> Result<Children, Failure> {
        let exe =
            std::env::current_exe().map_err(|e| Failure::runtime(format!("cannot find ttx itself: {e}")))?;
        let mut shares: Vec<Vec<(String, String)>> = vec![Vec::new(); processes.max(1)];
        let n = shares.len();
        for (i, c) in consoles.into_iter().enumerate() {
            shares[i % n].push(c);
        }
        let mut links = Vec::with_capacity(n);
        for share in shares {
            let mut child = Command::new(&exe)
                .arg("loadtest-consoles")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .map_err(|e| Failure::runtime(format!("cannot start a console process: {e}")))?;
            let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
                return Err(Failure::runtime("a console process has no pipes"));
            };
            let joined = Arc::new(AtomicUsize::new(0));
            let seen = Arc::clone(&joined);
            let reader = std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    match serde_json::from_str::<FromChild>(&line.ok()?) {
                        Ok(FromChild::Joined { n }) => seen.store(n, Ordering::SeqCst),
                        Ok(FromChild::Totals { totals }) => return Some(totals),
                        Err(_) => {}
                    }
                }
                None
            });
            let mut link = Link { child, stdin, joined, reader };
            link.tell(&ToChild::Plan { addr: addr.to_string(), consoles: share })?;
            links.push(link);
        }
        Ok(Children { links })
    }

    /// Consoles joined so far, in every child.
    pub fn joined(&self) -> usize {
        self.links.iter().map(|l| l.joined.load(Ordering::SeqCst)).sum()
    }

    /// Tells every child when the clock started.
    pub fn clock_started(&mut self, at_us: u64) -> Result<(), Failure> {
        self.links.iter_mut().try_for_each(|l| l.tell(&ToChild::ClockStarted { at_us }))
    }

    /// CPU time so far of every child, milliseconds.
    pub fn cpu_ms(&self) -> f64 {
        self.links.iter().map(|l| process_cpu_ms(l.child.id())).sum()
    }

    /// Resident and peak resident memory of every child together, MiB.
    pub fn memory(&self) -> (f64, f64) {
        self.links
            .iter()
            .map(|l| super::memory_of(&format!("/proc/{}/status", l.child.id())))
            .fold((0.0, 0.0), |(r, p), (rss, peak)| (r + rss, p + peak))
    }

    /// Tells the children the session is stopping and adds up their figures once they end.
    pub fn finish(mut self) -> Totals {
        let mut all = Totals::default();
        for l in &mut self.links {
            let _ = l.tell(&ToChild::Stop);
        }
        for l in self.links {
            let Link { mut child, stdin, reader, .. } = l;
            drop(stdin);
            if let Ok(Some(t)) = reader.join() {
                all.add(t);
            }
            let _ = child.wait();
        }
        all.latencies_us.sort_unstable();
        all
    }
}

impl Link {
    fn tell(&mut self, m: &ToChild) -> Result<(), Failure> {
        let line = serde_json::to_string(m).map_err(|e| Failure::runtime(e.to_string()))?;
        writeln!(self.stdin, "{line}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| Failure::runtime(format!("a console process went away: {e}")))
    }
}

/// User and system CPU time of a process, milliseconds (Linux; zero elsewhere).
fn process_cpu_ms(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(0.0, |stat| super::stat_cpu_ms(&stat))
}

/// `ttx loadtest-consoles`: a child of `ttx loadtest`. Reads its plan from standard input,
/// opens its consoles, reports joins, and prints its figures when told the session stopped.
pub fn run_child() -> Outcome {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ToChild>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            match serde_json::from_str::<ToChild>(&line) {
                Ok(m) => {
                    if tx.send(m).is_err() {
                        break;
                    }
                }
                Err(e) => eprintln!("ttx loadtest-consoles: ignoring a line it cannot read: {e}"),
            }
        }
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("ttx-consoles")
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(e.to_string()))?;
    let totals = rt.block_on(async move {
        let Some(ToChild::Plan { addr, consoles }) = rx.recv().await else {
            return Err(Failure::input("ttx loadtest-consoles is started by ttx loadtest, with a plan on its input"));
        };
        let target = Target { addr, tls: None, give_up_after: client::GIVE_UP_AFTER, observer: false };
        let progress = Arc::new(Progress::default());
        let gate = Arc::new(Semaphore::new(64));
        let tasks: Vec<_> = consoles
            .into_iter()
            .map(|(team, code)| {
                tokio::spawn(console(target.clone(), team, code, Arc::clone(&gate), Arc::clone(&progress)))
            })
            .collect();
        let mut told = usize::MAX;
        let mut beat = tokio::time::interval(Duration::from_millis(100));
        loop {
            tokio::select! {
                m = rx.recv() => match m {
                    Some(ToChild::ClockStarted { at_us }) => progress.clock_started.store(at_us, Ordering::SeqCst),
                    Some(ToChild::Stop) | None => break,
                    Some(ToChild::Plan { .. }) => {}
                },
                _ = beat.tick() => {
                    let n = progress.joined.load(Ordering::SeqCst);
                    if n != told {
                        told = n;
                        say(&FromChild::Joined { n })?;
                    }
                }
            }
        }
        Ok(gather(tasks).await)
    })?;
    rt.shutdown_background();
    say(&FromChild::Totals { totals })
}

fn say(m: &FromChild) -> Outcome {
    let line = serde_json::to_string(m).map_err(|e| Failure::runtime(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").and_then(|()| out.flush())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consoles_stay_in_the_process_while_both_ends_fit_under_the_limit() {
        assert_eq!(processes_needed(2500, Some(20_000)).ok(), Some(0));
        assert_eq!(processes_needed(9968, Some(20_000)).ok(), Some(0));
        assert_eq!(processes_needed(10_000, Some(20_000)).ok(), Some(1));
        assert_eq!(processes_needed(19_000, Some(20_000)).ok(), Some(1));
        assert_eq!(processes_needed(600, Some(1024)).ok(), Some(1));
        assert_eq!(processes_needed(10_000, None).ok(), Some(0));
    }

    #[test]
    fn a_server_that_cannot_hold_its_consoles_is_bad_input() {
        let e = processes_needed(19_990, Some(20_000)).err().map(|f| f.message);
        assert!(e.is_some_and(|m| m.contains("ulimit -n")));
    }

    #[test]
    fn the_open_file_limit_is_read_from_the_system() {
        if std::path::Path::new("/proc/self/limits").exists() {
            assert!(open_file_limit().is_some_and(|n| n > 0));
        }
    }
}
