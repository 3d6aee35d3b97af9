//! The session journal: JSON lines that let anyone re-run and verify an exercise.
//!
//! A journal holds a header (ttx version, the scenario's source and hash,
//! the seed), every command applied from outside the simulation with its
//! outcome, the facilitator's discussion notes, and the state hash at least at
//! the end of every simulated day (and after every tick that applied a
//! command). [`replay`] re-simulates it and names the first tick whose hash
//! differs.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::command::{Command, CommandOutcome, Issuer, Rejection};
use crate::model::registry::Registry;
use crate::nesting::{MAX_NESTING, Syntax, too_deep};
use crate::scenario::{Diagnostics, Scenario};
use crate::sim::{Sim, SimOptions};
use crate::time::Tick;

/// The journal format version.
pub const FORMAT: u32 = 1;

/// One line of a journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// The first line.
    Header {
        /// Journal format version.
        format: u32,
        /// ttx version that wrote it.
        ttx_version: String,
        /// What wrote it (`run`, `play`, `serve`).
        mode: String,
        /// Where the scenario came from (path or built-in name).
        scenario: String,
        /// The scenario's title.
        scenario_name: String,
        /// The scenario's content hash.
        scenario_hash: String,
        /// The run's seed.
        seed: u64,
        /// The scenario's full source, so the journal replays on its own.
        scenario_source: String,
    },
    /// A command applied at a tick.
    Command {
        /// Tick applied.
        tick: u32,
        /// Clock time.
        time: String,
        /// Who gave it.
        issuer: Issuer,
        /// Sequence number.
        seq: u64,
        /// The command.
        command: Command,
        /// Why it was refused (absent when accepted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rejected: Option<Rejection>,
    },
    /// A discussion note.
    Note {
        /// Tick at which it was written.
        tick: u32,
        /// Clock time.
        time: String,
        /// Module id.
        #[serde(default)]
        module: Option<String>,
        /// Question number within the module (0-based), if it answers one.
        #[serde(default)]
        question: Option<usize>,
        /// The question's text.
        #[serde(default)]
        question_text: Option<String>,
        /// Who wrote it.
        #[serde(default)]
        author: Option<String>,
        /// The note.
        text: String,
    },
    /// The state hash after a tick.
    Hash {
        /// Tick.
        tick: u32,
        /// Clock time.
        time: String,
        /// Hash, 16 hex digits.
        hash: String,
    },
    /// The last line of a finished session.
    End {
        /// Next tick the session would have simulated.
        tick: u32,
        /// State hash.
        hash: String,
    },
}

impl Record {
    /// A header for a run.
    pub fn header(scenario: &Scenario, seed: u64, mode: &str) -> Record {
        Record::Header {
            format: FORMAT,
            ttx_version: env!("CARGO_PKG_VERSION").to_string(),
            mode: mode.to_string(),
            scenario: scenario.label().to_string(),
            scenario_name: scenario.name().to_string(),
            scenario_hash: scenario.hash_hex(),
            seed,
            scenario_source: scenario.source().to_string(),
        }
    }

    /// A command record.
    pub fn command(reg: &Registry, o: &CommandOutcome) -> Record {
        Record::Command {
            tick: o.tick.0,
            time: reg.clock.at(o.tick).to_string(),
            issuer: o.issuer.clone(),
            seq: o.seq,
            command: o.command.clone(),
            rejected: o.result.clone().err(),
        }
    }

    /// A command record written when the command is accepted for a tick, before it is applied
    /// (a server acknowledges a command only once this is on disk). Replay treats it like any
    /// command record; its outcome is not known yet.
    pub fn submitted(reg: &Registry, tick: Tick, issuer: &Issuer, seq: u64, command: &Command) -> Record {
        Record::Command {
            tick: tick.0,
            time: reg.clock.at(tick).to_string(),
            issuer: issuer.clone(),
            seq,
            command: command.clone(),
            rejected: None,
        }
    }

    /// A hash record.
    pub fn hash(reg: &Registry, tick: Tick, hash: u64) -> Record {
        Record::Hash { tick: tick.0, time: reg.clock.at(tick).to_string(), hash: format!("{hash:016x}") }
    }

    /// One JSON line (no newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Writes journal lines to any writer (the caller decides about files and fsync).
pub struct JournalWriter<W: Write> {
    out: W,
}

impl<W: Write> JournalWriter<W> {
    /// Wraps a writer.
    pub fn new(out: W) -> Self {
        JournalWriter { out }
    }

    /// Writes one record as a line.
    pub fn write(&mut self, r: &Record) -> std::io::Result<()> {
        self.out.write_all(r.to_line().as_bytes())?;
        self.out.write_all(b"\n")
    }

    /// Flushes the writer.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// The inner writer.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Unwraps.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Why a journal could not be replayed or verified.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// Unreadable line.
    #[error("line {line}: {message}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        message: String,
    },
    /// A line nests brackets deeper than [`MAX_NESTING`].
    #[error("{line}:{column}: nesting deeper than {limit}")]
    TooDeep {
        /// 1-based line number.
        line: usize,
        /// 1-based column (in characters) of the bracket past the limit.
        column: usize,
        /// The limit.
        limit: usize,
    },
    /// No header.
    #[error("the journal has no header line")]
    NoHeader,
    /// The embedded scenario does not load.
    #[error("the journal's scenario does not load:\n{0}")]
    Scenario(Box<Diagnostics>),
    /// The embedded scenario's hash does not match the header.
    #[error("the journal's scenario hash {found} does not match its header ({expected})")]
    ScenarioHash {
        /// In the header.
        expected: String,
        /// Computed.
        found: String,
    },
    /// A command could not be resubmitted at its tick.
    #[error("line {line}: command at tick {tick} cannot be replayed: {reason}")]
    BadCommand {
        /// Line.
        line: usize,
        /// Tick.
        tick: u32,
        /// Why.
        reason: String,
    },
    /// Reading failed.
    #[error("cannot read the journal: {0}")]
    Io(#[from] std::io::Error),
}

/// The first place a replay disagrees with its journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Divergence {
    /// Journal line.
    pub line: usize,
    /// Tick.
    pub tick: u32,
    /// Clock time.
    pub time: String,
    /// Hash in the journal.
    pub expected: String,
    /// Hash the replay produced.
    pub found: String,
}

/// What a replay found.
#[derive(Debug)]
pub struct ReplayReport {
    /// The loaded scenario.
    pub scenario: Scenario,
    /// The re-simulated run, at the journal's last tick.
    pub sim: Sim,
    /// Hash records checked.
    pub hashes_checked: usize,
    /// Commands replayed.
    pub commands: usize,
    /// Notes found.
    pub notes: Vec<Record>,
    /// The first divergence, if any.
    pub divergence: Option<Divergence>,
    /// The last tick the journal covers.
    pub last_tick: u32,
}

/// Parses a journal into records (with their line numbers).
pub fn read_records(input: impl BufRead) -> Result<Vec<(usize, Record)>, ReplayError> {
    let mut out = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        // serde_json stops at 128 levels itself; this gives the same message as for scenarios.
        if let Some(at) = too_deep(&line, MAX_NESTING, Syntax::Json) {
            let column = line[..at].chars().count() + 1;
            return Err(ReplayError::TooDeep { line: i + 1, column, limit: MAX_NESTING });
        }
        let r: Record = serde_json::from_str(&line)
            .map_err(|e| ReplayError::BadLine { line: i + 1, message: e.to_string() })?;
        out.push((i + 1, r));
    }
    Ok(out)
}

/// Re-simulates a journal; with `verify`, checks every hash record and stops at the first divergence.
pub fn replay(records: &[(usize, Record)], options: SimOptions) -> Result<ReplayReport, ReplayError> {
    let Some((_, Record::Header { scenario, scenario_hash, seed, scenario_source, .. })) = records.first()
    else {
        return Err(ReplayError::NoHeader);
    };
    let sc = Scenario::parse(scenario, scenario_source).map_err(|d| ReplayError::Scenario(Box::new(d)))?;
    if &sc.hash_hex() != scenario_hash {
        return Err(ReplayError::ScenarioHash { expected: scenario_hash.clone(), found: sc.hash_hex() });
    }
    let mut sim = Sim::with_options(&sc, *seed, options);
    let mut report_hashes = 0;
    let mut commands = 0;
    let mut notes = Vec::new();
    let mut divergence = None;
    let mut last_tick = 0;
    for (line, r) in records.iter().skip(1) {
        match r {
            Record::Command { tick, issuer, command, .. } => {
                let t = Tick(*tick);
                if t > sim.now() {
                    sim.run_until(Tick(t.0 - 1));
                }
                sim.submit_at(t, issuer.clone(), command.clone()).map_err(|e| ReplayError::BadCommand {
                    line: *line,
                    tick: *tick,
                    reason: e.to_string(),
                })?;
                commands += 1;
                last_tick = last_tick.max(*tick);
            }
            Record::Hash { tick, hash, .. } | Record::End { tick, hash } => {
                // A hash record covers its tick; the end record names the next tick to simulate.
                let is_end = matches!(r, Record::End { .. });
                let t = if is_end { Tick(tick.saturating_sub(1)) } else { Tick(*tick) };
                if !is_end || *tick > 0 {
                    sim.run_until(t);
                }
                report_hashes += 1;
                last_tick = last_tick.max(t.0);
                let found = format!("{:016x}", sim.state_hash());
                if &found != hash {
                    let time = sim.registry().clock.at(t).to_string();
                    divergence =
                        Some(Divergence { line: *line, tick: t.0, time, expected: hash.clone(), found });
                    break;
                }
            }
            Record::Note { .. } => notes.push(r.clone()),
            _ => {}
        }
    }
    Ok(ReplayReport {
        scenario: sc,
        sim,
        hashes_checked: report_hashes,
        commands,
        notes,
        divergence,
        last_tick,
    })
}
