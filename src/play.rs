//! `ttx play`: the facilitator console in this terminal.
//!
//! This file wires the console (ttx-tui) to the outside world: the terminal,
//! the wall clock, signals, and the session journal on disk. The console
//! itself never sees a file or the real time except as `Action::Tick`.

use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ratatui::crossterm::event::{Event, KeyEventKind};
use ttx_engine::journal::{JournalSink, JournalWriter, Record};
use ttx_engine::{Resolution, Sim, SimOptions, builtin};
use ttx_tui::console::{Console, ConsoleOptions};
use ttx_tui::{Action, Theme, terminal, ui};

use crate::{Failure, Outcome, load};

/// Where session journals go when no path is given.
pub const SESSIONS_DIR: &str = "ttx-sessions";

/// `ttx play`
pub fn play(file: Option<&Path>, seed: u64, journal: Option<&Path>) -> Outcome {
    let scenario = load::scenario(file)?;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Failure::input(
            "ttx play is an interactive console and needs a terminal, but its input or output is \
             not one here (a pipe, a file, or CI).\nTo run a scenario without a terminal, use `ttx run` \
             instead, for example: ttx run --journal session.jsonl",
        ));
    }
    let path = match journal {
        Some(p) => p.to_path_buf(),
        None => default_journal_path(&scenario_stem(file), SystemTime::now()),
    };
    let mut journal = SessionJournal::create(&path)?;
    journal
        .write(&[Record::header(&scenario, seed, "play")])
        .map_err(|e| Failure::runtime(format!("cannot write the journal {}: {e}", path.display())))?;

    let mut sim =
        Sim::with_options(&scenario, seed, SimOptions { series: Resolution::Hourly, staffed: vec![] });
    sim.checkpoint_commands(true);
    let mut console = Console::new(
        sim,
        ConsoleOptions {
            theme: Theme::from_env(),
            journal_path: Some(path.display().to_string()),
            host: None,
            whatif: Some(ttx::whatif::live(&path)),
        },
    );

    // SIGTERM and SIGHUP (the terminal window closed) end the session cleanly; in raw mode
    // Ctrl-C arrives as a key, and before that it lands here too.
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }

    let (mut term, guard) =
        terminal::enter().map_err(|e| Failure::runtime(format!("cannot take over the terminal: {e}")))?;
    let result = run(&mut term, &mut console, &mut journal, &stop);
    terminal::close(term, guard);

    let mut tail = console.take_records();
    tail.push(console.end_record());
    let saved = journal.write(&tail);
    let shown = path.display();
    // The terminal may be gone (its window closed): these lines are best effort.
    match (&result, &saved) {
        (_, Err(e)) => {
            let _ = writeln!(std::io::stderr(), "The journal {shown} could not be completed: {e}");
        }
        _ => {
            let v = console.view();
            let _ = writeln!(
                std::io::stdout(),
                "Session ended at {} ({}). Journal written to {shown}\nCheck it with: ttx replay {shown} --verify",
                console.clock(),
                v.module.as_ref().map_or("no module", |m| m.title.as_str())
            );
        }
    }
    result?;
    saved.map_err(|e| Failure::runtime(format!("cannot write the journal {shown}: {e}")))
}

/// The event loop: draw, read keys, let real time pass, write the journal.
fn run(
    term: &mut terminal::Term,
    console: &mut Console,
    journal: &mut SessionJournal,
    stop: &AtomicBool,
) -> Outcome {
    let keys = terminal::event_channel().map_err(|e| Failure::runtime(format!("cannot read keys: {e}")))?;
    let mut last = Instant::now();
    loop {
        // A signal (the window closed, SIGTERM) ends the session; the terminal may be gone.
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        if let Err(e) = draw_and_read(term, console, &keys) {
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            return Err(Failure::runtime(format!("terminal error: {e}")));
        }
        let now = Instant::now();
        console.update(Action::Tick(now - last));
        last = now;
        let records = console.take_records();
        match journal.write(&records) {
            Ok(()) => console.update(ttx_tui::console::Event::JournalError(None)),
            Err(e) => console.update(ttx_tui::console::Event::JournalError(Some(format!(
                "{}: {e}",
                journal.path.display()
            )))),
        }
        if console.should_quit() {
            return Ok(());
        }
    }
}

/// Draws, then waits briefly for keys and applies them.
fn draw_and_read(
    term: &mut terminal::Term,
    console: &mut Console,
    keys: &Receiver<Event>,
) -> std::io::Result<()> {
    term.draw(|f| ui::render(console, f))?;
    let wait = if console.is_running() { Duration::from_millis(40) } else { Duration::from_millis(200) };
    let mut next = keys.recv_timeout(wait);
    loop {
        match next {
            // Other events (a resize) need nothing: the next draw fits the new size.
            Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => {
                console.update(k);
            }
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => return Ok(()),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(std::io::Error::other("the terminal cannot be read any more"));
            }
        }
        if console.should_quit() {
            return Ok(());
        }
        next = keys.recv_timeout(Duration::ZERO);
    }
}

/// The session journal on disk: appended as the session goes, commands and notes
/// synced to disk as they are written.
struct SessionJournal<W: JournalSink = File> {
    path: PathBuf,
    writer: JournalWriter<W>,
    /// Records not yet on disk (kept when a write fails, tried again with the next). A failed
    /// write is cut back off the file first, so they follow the last whole line.
    pending: Vec<Record>,
}

impl SessionJournal {
    fn create(path: &Path) -> Result<SessionJournal, Failure> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                Failure::runtime(format!("cannot create the folder {} for the journal: {e}", dir.display()))
            })?;
        }
        let file = OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Failure::input(format!(
                    "the journal {} already exists; give another path with --journal",
                    path.display()
                ))
            } else {
                Failure::runtime(format!("cannot create the journal {}: {e}", path.display()))
            }
        })?;
        Ok(SessionJournal { path: path.to_path_buf(), writer: JournalWriter::new(file), pending: Vec::new() })
    }
}

impl<W: JournalSink> SessionJournal<W> {
    /// Writes records as lines; syncs to disk when they include commands, notes or the ends.
    fn write(&mut self, records: &[Record]) -> std::io::Result<()> {
        self.pending.extend_from_slice(records);
        if self.pending.is_empty() {
            return Ok(());
        }
        let durable = self.pending.iter().any(|r| !matches!(r, Record::Hash { .. }));
        self.writer.write_records(&self.pending, durable)?;
        self.pending.clear();
        Ok(())
    }
}

/// The name a session's journal starts with: the built-in's name or the file's stem.
pub fn scenario_stem(file: Option<&Path>) -> String {
    let raw = match file {
        None => builtin::DEFAULT.to_string(),
        Some(p) => match builtin::find(&p.display().to_string()).filter(|_| !p.exists()) {
            Some(b) => b.name.to_string(),
            None => {
                p.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "session".into())
            }
        },
    };
    let clean: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    if clean.is_empty() { "session".into() } else { clean }
}

/// `ttx-sessions/<scenario>-<UTC timestamp>.jsonl`, with `-2`, `-3`... if taken.
pub fn default_journal_path(stem: &str, now: SystemTime) -> PathBuf {
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let stamp = utc_stamp(secs);
    let dir = Path::new(SESSIONS_DIR);
    let mut p = dir.join(format!("{stem}-{stamp}.jsonl"));
    let mut n = 2;
    while p.exists() {
        p = dir.join(format!("{stem}-{stamp}-{n}.jsonl"));
        n += 1;
    }
    p
}

/// Seconds since 1970 as `YYYYMMDDTHHMMSSZ` (UTC).
pub fn utc_stamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", rem / 3600, (rem / 60) % 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A disk that fills up after `room` more bytes, part-way through a write.
    struct FillingDisk {
        data: Vec<u8>,
        room: usize,
    }

    impl Write for FillingDisk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.room);
            if n == 0 {
                return Err(std::io::Error::from_raw_os_error(28));
            }
            self.data.extend_from_slice(&buf[..n]);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl JournalSink for FillingDisk {
        fn truncate_to(&mut self, len: u64) -> std::io::Result<()> {
            self.data.truncate(len as usize);
            Ok(())
        }
    }

    #[test]
    fn a_journal_write_that_fails_part_way_is_retried_after_the_last_whole_line() {
        let sc = builtin::default_scenario().unwrap();
        let header = Record::header(&sc, 1, "play");
        let room = header.to_line().len() + 1 + 25;
        let mut j = SessionJournal {
            path: PathBuf::from("j.jsonl"),
            writer: JournalWriter::new(FillingDisk { data: Vec::new(), room }),
            pending: Vec::new(),
        };
        j.write(std::slice::from_ref(&header)).unwrap();
        let hash = Record::Hash { tick: 1, time: "t".into(), hash: "0123456789abcdef".into() };
        assert!(j.write(std::slice::from_ref(&hash)).is_err(), "no space left");
        let end = Record::End { tick: 2, hash: "0123456789abcdef".into() };
        assert!(j.write(std::slice::from_ref(&end)).is_err(), "still no space");
        j.writer.get_mut().room = usize::MAX;
        j.write(&[]).unwrap();
        let records = ttx_engine::journal::read_records(j.writer.get_mut().data.as_slice())
            .expect("the journal reads back whole");
        let records: Vec<Record> = records.into_iter().map(|(_, r)| r).collect();
        assert_eq!(records, vec![header, hash, end]);
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(951_782_400), "20000229T000000Z");
        // 2026-11-03 14:05:09 UTC.
        assert_eq!(utc_stamp(1_793_714_709), "20261103T140509Z");
    }

    #[test]
    fn journal_names_come_from_the_scenario() {
        assert_eq!(scenario_stem(None), "tabletop_the_vote");
        assert_eq!(scenario_stem(Some(Path::new("tabletop_the_vote"))), "tabletop_the_vote");
        assert_eq!(scenario_stem(Some(Path::new("/x/my county.ron"))), "my_county");
        let p = default_journal_path("tabletop_the_vote", UNIX_EPOCH + Duration::from_secs(1_793_714_709));
        assert_eq!(p, Path::new("ttx-sessions/tabletop_the_vote-20261103T140509Z.jsonl"));
    }
}
