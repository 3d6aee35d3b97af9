//! The session journal: JSON lines that let anyone re-run and verify an exercise.
//!
//! A journal holds a header (ttx version, the scenario's source and hash,
//! the seed), every command applied from outside the simulation with its
//! outcome, the facilitator's discussion notes, and the state hash at least at
//! the end of every simulated day (and after every tick that applied a
//! command). [`replay`] re-simulates it and names the first tick whose hash
//! differs.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::command::{Command, CommandOutcome, Issuer, Rejection};
use crate::debrief::{Feedback, HotWashKind, check_correction, check_hot_wash};
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
        /// The model version that simulated it ([`crate::MODEL_VERSION`]); journals written
        /// before it was recorded are of model version 1.
        #[serde(default = "first_model_version")]
        model_version: u32,
        /// The scenario's full source, so the journal replays on its own.
        scenario_source: String,
        /// The text of the files the scenario's injects attach, by the path written in the
        /// scenario, so that replay and reports do not need them.
        #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        attachments: std::collections::BTreeMap<String, String>,
        /// Teams staffed from the start of the run ([`SimOptions::staffed`]: their doctrines do
        /// not run), as a scripted policy staffs them; absent when none is.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        staffed: Vec<String>,
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
    /// A served session's clock settings, written when they change so that a resumed session
    /// carries on with them. They do not change the simulation: replay passes over them.
    Settings {
        /// Tick at which they took effect.
        tick: u32,
        /// Clock time.
        time: String,
        /// Simulated hours per real second.
        ticks_per_second: f64,
        /// The clock is stopped.
        paused: bool,
        /// Player-made injects wait for the facilitator's approval.
        approve_injects: bool,
        /// The clock stops when a scripted inject fires.
        pause_on_inject: bool,
        /// The clock stops when a new module begins.
        module_breaks: bool,
        /// The clock stops while a player-made inject waits for approval.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pause_for_approval: bool,
    },
    /// A player-made inject held for the facilitator's approval in a served session: not a
    /// command until approved (its command record goes with the decision), and held again when
    /// the session is resumed before a decision. Replay passes over it.
    Held {
        /// Tick at which it was held.
        tick: u32,
        /// Clock time.
        time: String,
        /// Its number in the approval queue.
        pending: u64,
        /// The cell that made it.
        team: String,
        /// The command.
        command: Command,
    },
    /// The facilitator's decision on a held inject.
    Decided {
        /// Tick at which it was decided.
        tick: u32,
        /// Clock time.
        time: String,
        /// Its number in the approval queue.
        pending: u64,
        /// Approved (its command record comes just before) or denied.
        approved: bool,
        /// The command's sequence number, when approved.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seq: Option<u64>,
        /// The reason given for a denial.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A queued command taken back before it applied. Where the command's own record was
    /// written when it was accepted (a served session), replay leaves that command out;
    /// otherwise the command never reached the journal and this record only tells the story.
    Cancelled {
        /// Tick at which it was taken back.
        tick: u32,
        /// Clock time.
        time: String,
        /// Who had given it.
        issuer: Issuer,
        /// Its sequence number.
        seq: u64,
        /// The command.
        command: Command,
    },
    /// A hot-wash item: a strength or an area for improvement, from a team's console or (for
    /// the room) the facilitator's. Replay passes over it.
    HotWash {
        /// Tick at which it was entered.
        tick: u32,
        /// Clock time.
        time: String,
        /// The module being discussed, if any (absent at the end of the exercise).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        module: Option<String>,
        /// The team that entered it; absent for the facilitator's items for the room.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team: Option<String>,
        /// Strength or area for improvement.
        kind: HotWashKind,
        /// The item.
        text: String,
    },
    /// The facilitator's correction to an inject that has fired: the report shows it beside
    /// the inject, and a served session tells the teams that received it. Replay passes over it.
    Correction {
        /// Tick at which it was made.
        tick: u32,
        /// Clock time.
        time: String,
        /// The inject's id.
        inject: String,
        /// The correction.
        text: String,
    },
    /// A participant's Participant Feedback Form, from a team's console. Replay passes over it.
    Feedback {
        /// Tick at which it was sent.
        tick: u32,
        /// Clock time.
        time: String,
        /// The module being discussed, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        module: Option<String>,
        /// The participant's team.
        team: String,
        /// The form.
        form: Feedback,
    },
    /// A message between a team and exercise control (or another team) in a served session,
    /// written before the sender is told it went. Replay passes over it.
    Message {
        /// The message.
        #[serde(flatten)]
        message: crate::talk::Message,
    },
    /// The facilitator's new text for a discussion note written earlier: the note's own record
    /// stays as it was, and reports show the last text ([`crate::notes`]). Replay passes over it.
    NoteEdited {
        /// Tick at which it was edited.
        tick: u32,
        /// Clock time.
        time: String,
        /// The note's number: the journal's first note record is note 1.
        note: u64,
        /// The new text.
        text: String,
    },
    /// The facilitator deleted a discussion note written earlier: reports mark it deleted and
    /// leave its text out ([`crate::notes`]). Replay passes over it.
    NoteDeleted {
        /// Tick at which it was deleted.
        tick: u32,
        /// Clock time.
        time: String,
        /// The note's number: the journal's first note record is note 1.
        note: u64,
    },
    /// A moment the facilitator marked ("key decision"), for the after-action report's
    /// timeline. Replay passes over it.
    Bookmark {
        /// Tick at which it was marked.
        tick: u32,
        /// Clock time.
        time: String,
        /// The facilitator's word or phrase.
        text: String,
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
            model_version: crate::MODEL_VERSION,
            scenario_source: scenario.source().to_string(),
            attachments: scenario.registry().attachments.clone(),
            staffed: Vec::new(),
        }
    }

    /// This header with `teams` recorded as staffed from the start of the run (a run whose
    /// options staff them); other records are returned unchanged.
    pub fn with_staffed(mut self, teams: &[String]) -> Record {
        if let Record::Header { staffed, .. } = &mut self {
            *staffed = teams.to_vec();
        }
        self
    }

    /// The options a journal whose first record is this header was simulated with: `base`
    /// with the header's staffed teams added.
    pub fn sim_options(&self, base: SimOptions) -> SimOptions {
        let mut options = base;
        if let Record::Header { staffed, .. } = self {
            for team in staffed {
                if !options.staffed.contains(team) {
                    options.staffed.push(team.clone());
                }
            }
        }
        options
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

/// Where journal lines go: something appended to that can be cut back to a
/// length, so that after a failed write (a full disk) the torn fragment is
/// removed before anything is written again.
pub trait JournalSink: Write {
    /// Cuts the output back to its first `len` bytes; the next write continues there.
    fn truncate_to(&mut self, len: u64) -> std::io::Result<()>;

    /// Makes what was written durable (nothing to do in memory).
    fn sync(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl JournalSink for Vec<u8> {
    fn truncate_to(&mut self, len: u64) -> std::io::Result<()> {
        self.truncate(usize::try_from(len).unwrap_or(usize::MAX));
        Ok(())
    }
}

impl JournalSink for std::fs::File {
    fn truncate_to(&mut self, len: u64) -> std::io::Result<()> {
        use std::io::{Seek, SeekFrom};
        self.set_len(len)?;
        self.seek(SeekFrom::Start(len))?;
        Ok(())
    }

    fn sync(&mut self) -> std::io::Result<()> {
        self.sync_data()
    }
}

/// Writes journal lines, whole or not at all.
///
/// It remembers how long the output was after the last write that succeeded.
/// When a write fails part-way (or its sync does), the output is cut back to
/// that length before the error is returned (and, if that fails too, before
/// the next write), so retrying the same records never leaves a fragment in
/// front of them: the journal on disk is always a sequence of whole lines.
pub struct JournalWriter<W: JournalSink> {
    out: W,
    /// Bytes of whole lines written.
    good: u64,
    /// A write failed and the output is not yet cut back to `good`.
    torn: bool,
}

impl<W: JournalSink> JournalWriter<W> {
    /// Wraps an empty output.
    pub fn new(out: W) -> Self {
        JournalWriter::at(out, 0)
    }

    /// Wraps an output that already holds `len` bytes of whole lines (a journal carried on).
    pub fn at(out: W, len: u64) -> Self {
        JournalWriter { out, good: len, torn: false }
    }

    /// Writes one record as a line.
    pub fn write(&mut self, r: &Record) -> std::io::Result<()> {
        self.write_records(std::slice::from_ref(r), false)
    }

    /// Writes records as lines, synced to disk with `sync`; all of them or none.
    pub fn write_records(&mut self, records: &[Record], sync: bool) -> std::io::Result<()> {
        let mut text = String::new();
        for r in records {
            text.push_str(&r.to_line());
            text.push('\n');
        }
        self.write_lines(text.as_bytes(), sync)
    }

    /// Writes bytes that end in a newline (whole lines), synced with `sync`; all of them or none.
    pub fn write_lines(&mut self, bytes: &[u8], sync: bool) -> std::io::Result<()> {
        if self.torn {
            self.out.truncate_to(self.good)?;
            self.torn = false;
        }
        if bytes.is_empty() {
            return Ok(());
        }
        let written = self
            .out
            .write_all(bytes)
            .and_then(|()| self.out.flush())
            .and_then(|()| if sync { self.out.sync() } else { Ok(()) });
        match written {
            Ok(()) => {
                self.good += bytes.len() as u64;
                Ok(())
            }
            Err(e) => {
                self.torn = self.out.truncate_to(self.good).is_err();
                Err(e)
            }
        }
    }

    /// Bytes of whole lines written so far (with those the output held at the start).
    pub fn len(&self) -> u64 {
        self.good
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.good == 0
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

/// The model version of journals written before the header recorded one.
fn first_model_version() -> u32 {
    1
}

/// Whether this build can replay a journal: its header's model version must be this
/// engine's [`crate::MODEL_VERSION`]. If it is not, the message says which model version
/// (and which ttx version) the journal needs. Replay, verification, what-if analysis,
/// reports and a resumed session all ask this once the journal has replayed (so a
/// journal's own faults are named first), instead of reporting where its hashes diverge.
pub fn check_model_version(records: &[(usize, Record)]) -> Result<(), ModelVersionError> {
    let Some((_, Record::Header { model_version, ttx_version, .. })) = records.first() else {
        return Ok(());
    };
    if *model_version == crate::MODEL_VERSION {
        return Ok(());
    }
    Err(ModelVersionError { model_version: *model_version, ttx_version: ttx_version.clone() })
}

/// A journal of another model version than this engine's: it names the ttx that can replay it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the journal was written by ttx {ttx_version} with model version {model_version}, and this ttx ({}) \
     simulates model version {}: the same commands give a different run, so it cannot be replayed \
     or verified here; use a ttx of model version {model_version} (such as ttx {ttx_version})",
    crate::VERSION,
    crate::MODEL_VERSION
)]
pub struct ModelVersionError {
    /// The journal's model version.
    pub model_version: u32,
    /// The ttx version that wrote it.
    pub ttx_version: String,
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
    /// The file is not laid out as a journal is written: a second header, records out of
    /// order, a time that is not its tick's, a repeated sequence number or hash record.
    #[error("line {line}: {message}")]
    Structure {
        /// Line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The header names a staffed team the scenario does not have.
    #[error(
        "line {line}: the header says team `{team}` is staffed, but the journal's scenario has no such team (its teams: {teams}); correct or remove the header's `staffed` field"
    )]
    StaffedTeam {
        /// Line of the header.
        line: usize,
        /// The unknown team.
        team: String,
        /// The scenario's teams.
        teams: String,
    },
    /// Reading failed.
    #[error("cannot read the journal: {0}")]
    Io(#[from] std::io::Error),
}

impl ReplayError {
    /// Whether the journal was read but does not hold together (changed, or cut and pasted),
    /// as opposed to not being a journal at all.
    pub fn is_tampering(&self) -> bool {
        matches!(
            self,
            ReplayError::Structure { .. } | ReplayError::BadCommand { .. } | ReplayError::ScenarioHash { .. }
        )
    }
}

/// Checks the layout of a journal whose scenario is `reg`: one header, first, in a format
/// this ttx reads; every command and hash record at its tick's clock time; hash records in
/// tick order, one per tick; commands after the hash of the tick before theirs; sequence
/// numbers used once, rising within a tick for one issuer; issuers a journal can hold.
/// Every journal ttx writes passes; a changed or pasted-together one is named at its line.
pub fn check_structure(records: &[(usize, Record)], reg: &Registry) -> Result<(), ReplayError> {
    let Some((first, Record::Header { format, staffed, .. })) = records.first() else {
        return Err(ReplayError::NoHeader);
    };
    if *format != FORMAT {
        return Err(structure(
            *first,
            format!("journal format {format} is not one this ttx reads (format {FORMAT})"),
        ));
    }
    for team in staffed {
        if !reg.teams.iter().any(|t| &t.id == team) {
            let teams: Vec<&str> = reg.teams.iter().map(|t| t.id.as_str()).collect();
            return Err(ReplayError::StaffedTeam {
                line: *first,
                team: team.clone(),
                teams: teams.join(", "),
            });
        }
    }
    let mut layout = Layout { reg, last_hash: None, last_end: None, seqs: BTreeSet::new(), last_cmd: None };
    // Note records so far: an edit or deletion names one of them.
    let mut notes_seen: u64 = 0;
    let check_note_number = |line: usize, note: u64, seen: u64| {
        if note == 0 || note > seen {
            Err(structure(
                line,
                format!("a change to note {note}, but the journal holds {seen} notes before it"),
            ))
        } else {
            Ok(())
        }
    };
    for (line, r) in records.iter().skip(1) {
        let line = *line;
        match r {
            Record::Header { .. } => {
                return Err(structure(line, "a second header: one journal holds one session".into()));
            }
            Record::Command { tick, time, issuer, seq, .. } => {
                layout.command(line, *tick, time, issuer, *seq)?
            }
            Record::Hash { tick, time, .. } => layout.hash(line, *tick, time)?,
            Record::End { tick, .. } => layout.end(line, *tick)?,
            Record::HotWash { team, text, .. } => {
                layout.check_team(line, team.as_deref())?;
                check_hot_wash(text).map_err(|m| structure(line, format!("a hot-wash item: {m}")))?;
            }
            Record::Correction { inject, text, .. } => {
                if !reg.injects.iter().any(|i| &i.spec.id == inject) {
                    return Err(structure(
                        line,
                        format!("a correction to inject `{inject}`, which is not in the scenario"),
                    ));
                }
                check_correction(text).map_err(|m| structure(line, format!("a correction: {m}")))?;
            }
            Record::Feedback { team, form, .. } => {
                layout.check_team(line, Some(team))?;
                form.check().map_err(|m| structure(line, format!("a feedback form: {m}")))?;
            }
            Record::Note { .. } => notes_seen += 1,
            Record::NoteEdited { note, text, .. } => {
                check_note_number(line, *note, notes_seen)?;
                crate::notes::check_note(text)
                    .map_err(|m| structure(line, format!("an edited note: {m}")))?;
            }
            Record::NoteDeleted { note, .. } => check_note_number(line, *note, notes_seen)?,
            Record::Settings { .. }
            | Record::Held { .. }
            | Record::Decided { .. }
            | Record::Cancelled { .. }
            | Record::Message { .. }
            | Record::Bookmark { .. } => {}
        }
    }
    Ok(())
}

/// A structure problem at a line.
fn structure(line: usize, message: String) -> ReplayError {
    ReplayError::Structure { line, message }
}

/// What [`check_structure`] has seen so far of a journal's timeline.
struct Layout<'r> {
    reg: &'r Registry,
    last_hash: Option<u32>,
    last_end: Option<u32>,
    /// Sequence numbers seen. Only asked whether a number was seen: a set ordered by number,
    /// so nothing depends on hashing.
    seqs: BTreeSet<u64>,
    /// The tick of the last command, and the last sequence number of each issuer rank in it.
    last_cmd: Option<(u32, Vec<(u32, u64)>)>,
}

impl Layout<'_> {
    fn clock_time(&self, tick: u32) -> String {
        self.reg.clock.at(Tick(tick)).to_string()
    }

    fn check_team(&self, line: usize, team: Option<&str>) -> Result<(), ReplayError> {
        match team {
            Some(t) if !self.reg.team_by_id.contains_key(t) => {
                Err(structure(line, format!("team `{t}` is not in the scenario")))
            }
            _ => Ok(()),
        }
    }

    fn command(
        &mut self,
        line: usize,
        tick: u32,
        time: &str,
        issuer: &Issuer,
        seq: u64,
    ) -> Result<(), ReplayError> {
        match issuer {
            Issuer::Facilitator => {}
            Issuer::Team(t) if self.reg.team_by_id.contains_key(t) => {}
            Issuer::Team(t) => {
                return Err(structure(
                    line,
                    format!("the command's issuer, team `{t}`, is not in the scenario"),
                ));
            }
            Issuer::Doctrine => {
                return Err(structure(
                    line,
                    "a doctrine's command: journals hold commands from outside only".into(),
                ));
            }
        }
        if time != self.clock_time(tick) {
            return Err(structure(
                line,
                format!("the command's time {time:?} is not tick {tick} ({})", self.clock_time(tick)),
            ));
        }
        if let Some(h) = self.last_hash.filter(|h| tick <= *h) {
            return Err(structure(
                line,
                format!("a command at tick {tick} after the state hash of tick {h}"),
            ));
        }
        if !self.seqs.insert(seq) {
            return Err(structure(line, format!("sequence number {seq} is used twice")));
        }
        // Commands of one issuer (rank) apply in sequence order within a tick.
        let rank = crate::systems::commands::issuer_rank(self.reg, issuer);
        let ranks = match &mut self.last_cmd {
            Some((t, ranks)) if *t == tick => ranks,
            _ => &mut self.last_cmd.insert((tick, Vec::new())).1,
        };
        match ranks.iter_mut().find(|(r0, _)| *r0 == rank) {
            Some((_, s0)) if *s0 > seq => Err(structure(
                line,
                format!("sequence number {seq} comes after {s0} for the same issuer and tick"),
            )),
            Some((_, s0)) => {
                *s0 = seq;
                Ok(())
            }
            None => {
                ranks.push((rank, seq));
                Ok(())
            }
        }
    }

    fn hash(&mut self, line: usize, tick: u32, time: &str) -> Result<(), ReplayError> {
        if time != self.clock_time(tick) {
            return Err(structure(
                line,
                format!("the hash record's time {time:?} is not tick {tick} ({})", self.clock_time(tick)),
            ));
        }
        if let Some(h) = self.last_hash.filter(|h| tick <= *h) {
            return Err(structure(line, format!("a state hash for tick {tick} after the one for tick {h}")));
        }
        if let Some((t, _)) = self.last_cmd.as_ref().filter(|(t, _)| *t > tick) {
            return Err(structure(line, format!("a state hash for tick {tick} after a command at tick {t}")));
        }
        self.last_hash = Some(tick);
        Ok(())
    }

    fn end(&mut self, line: usize, tick: u32) -> Result<(), ReplayError> {
        if self.last_end == Some(tick) {
            return Err(structure(line, format!("a second end record for tick {tick}")));
        }
        if let Some(h) = self.last_hash.filter(|h| tick <= *h) {
            return Err(structure(
                line,
                format!("an end record at tick {tick} after the state hash of tick {h}"),
            ));
        }
        self.last_end = Some(tick);
        Ok(())
    }
}

/// The sequence numbers of the commands a journal says were taken back before they applied.
pub fn cancelled_seqs(records: &[(usize, Record)]) -> std::collections::BTreeSet<u64> {
    records
        .iter()
        .filter_map(|(_, r)| match r {
            Record::Cancelled { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect()
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
    /// Notes found, each with its final text: edited and deleted ones are marked
    /// ([`crate::notes::resolve`]).
    pub notes: Vec<Record>,
    /// Hot-wash items and feedback forms found.
    pub debrief: Vec<Record>,
    /// Messages and bookmarks found, in journal order.
    pub talk: Vec<Record>,
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
    let Some((
        _,
        header @ Record::Header { scenario, scenario_hash, seed, scenario_source, attachments, .. },
    )) = records.first()
    else {
        return Err(ReplayError::NoHeader);
    };
    let sc = Scenario::parse(scenario, scenario_source)
        .map_err(|d| ReplayError::Scenario(Box::new(d)))?
        .with_attachments(attachments.clone());
    if &sc.hash_hex() != scenario_hash {
        return Err(ReplayError::ScenarioHash { expected: scenario_hash.clone(), found: sc.hash_hex() });
    }
    check_structure(records, sc.registry())?;
    let options = header.sim_options(options);
    let mut sim = Sim::with_options(&sc, *seed, options);
    let mut report_hashes = 0;
    let mut commands = 0;
    let mut notes = Vec::new();
    let mut debrief = Vec::new();
    let mut talk = Vec::new();
    let mut divergence = None;
    let mut last_tick = 0;
    let cancelled = cancelled_seqs(records);
    for (line, r) in records.iter().skip(1) {
        match r {
            Record::Command { seq, .. } if cancelled.contains(seq) => {}
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
            Record::Note { .. } | Record::NoteEdited { .. } | Record::NoteDeleted { .. } => {
                notes.push(r.clone())
            }
            Record::HotWash { .. } | Record::Feedback { .. } | Record::Correction { .. } => {
                debrief.push(r.clone())
            }
            Record::Message { .. } | Record::Bookmark { .. } => talk.push(r.clone()),
            _ => {}
        }
    }
    let notes = crate::notes::resolve(&notes);
    Ok(ReplayReport {
        scenario: sc,
        sim,
        hashes_checked: report_hashes,
        commands,
        notes,
        debrief,
        talk,
        divergence,
        last_tick,
    })
}

#[cfg(test)]
mod tests;
