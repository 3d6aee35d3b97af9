//! Why a batch, a merge or an analysis of a batch directory did not finish: [`BatchError`],
//! with the exit code the program gives for it, and the typed failures it is made of (the
//! flags of a plan, a batch directory, a merge, an analysis). Every message says what to
//! write or do instead.

use std::path::PathBuf;

use super::files::{Shard, shell_word};
use super::sweep::SweepError;
use super::{MAX_DESIGN_POINTS, MAX_RUNS, shard_name};
use crate::policy::PolicyError;

/// Why a batch or a merge did not finish.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// A flag's value that cannot be used: exit 2.
    #[error(transparent)]
    Flag(#[from] FlagError),
    /// A sweep, a `--set` or a design's range that cannot be used: exit 2 (1 for a bug in ttx).
    #[error(transparent)]
    Sweep(Box<SweepError>),
    /// A `--commands` policy file that cannot be used: exit 2.
    #[error(transparent)]
    Policy(Box<PolicyError>),
    /// Flags that do not make a batch together: exit 2.
    #[error(transparent)]
    Plan(Box<PlanError>),
    /// A batch directory that cannot be used as asked: exit 2.
    #[error(transparent)]
    Dir(Box<DirError>),
    /// Directories that are not the shards of one batch: exit 2.
    #[error(transparent)]
    Merge(Box<MergeError>),
    /// A file that cannot be written: exit 1.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file that cannot be opened to append to: exit 1.
    #[error("cannot open {}: {source}", .path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A directory that cannot be created: exit 1.
    #[error("cannot create {}: {source}", .path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A CSV file whose lines cannot be written: exit 1.
    #[error("cannot write {}: {source}", .path.display())]
    WriteCsv {
        /// The file.
        path: PathBuf,
        /// Why.
        source: csv::Error,
    },
    /// A CSV file that cannot be read: exit 1.
    #[error("cannot read {}: {source}", .path.display())]
    ReadCsv {
        /// The file.
        path: PathBuf,
        /// Why.
        source: csv::Error,
    },
    /// A JSON document that cannot be made: exit 1.
    #[error("cannot write {}: {source}", .path.display())]
    WriteJson {
        /// The file it was for.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// A chart that cannot be drawn or written: exit 1.
    #[error("cannot draw {}: {source}", .path.display())]
    Draw {
        /// The chart's file.
        path: PathBuf,
        /// Why.
        source: DrawError,
    },
    /// A column of an entity file that the Parquet writer has no type for (a bug in ttx):
    /// exit 1.
    #[error("the Parquet writer has no type for the column {column}")]
    ParquetNoType {
        /// The column.
        column: String,
    },
    /// A Parquet schema that the Parquet library refuses (a bug in ttx): exit 1.
    #[error("Parquet schema: {0}")]
    ParquetSchema(#[source] parquet::errors::ParquetError),
    /// The worker threads cannot be started: exit 1.
    #[error("cannot start {jobs} threads: {source}")]
    Threads {
        /// Threads asked for.
        jobs: usize,
        /// Why.
        source: rayon::ThreadPoolBuildError,
    },
    /// What the command prints (the table, the files written) cannot be written: exit 1.
    #[error("cannot print: {0}")]
    Output(#[source] std::io::Error),
    /// A run that panicked (a bug in ttx): exit 1.
    #[error(
        "run {run} of point {point} (seed {seed}) failed: {what}\nThis is a bug in ttx; please report it with the scenario and the seed."
    )]
    RunPanicked {
        /// The run.
        run: u32,
        /// Its point.
        point: u32,
        /// Its seed.
        seed: u64,
        /// The panic's message.
        what: String,
    },
    /// Stopped by Ctrl-C; what finished is kept: exit 130.
    #[error(
        "stopped: {kept} of {total} runs are kept in {}\nto complete the batch: {resume}",
        .runs_csv.display()
    )]
    Interrupted {
        /// Runs finished and written.
        kept: usize,
        /// Runs of the batch.
        total: u64,
        /// The batch's runs.csv.
        runs_csv: PathBuf,
        /// The command that completes the batch.
        resume: String,
    },
}

impl BatchError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            BatchError::Sweep(e) if matches!(**e, SweepError::Represent(_)) => 1,
            BatchError::Write { .. }
            | BatchError::Open { .. }
            | BatchError::CreateDir { .. }
            | BatchError::WriteCsv { .. }
            | BatchError::ReadCsv { .. }
            | BatchError::WriteJson { .. }
            | BatchError::Draw { .. }
            | BatchError::ParquetNoType { .. }
            | BatchError::ParquetSchema(_)
            | BatchError::Threads { .. }
            | BatchError::Output(_)
            | BatchError::RunPanicked { .. } => 1,
            BatchError::Interrupted { .. } => 130,
            BatchError::Flag(_)
            | BatchError::Sweep(_)
            | BatchError::Policy(_)
            | BatchError::Plan(_)
            | BatchError::Dir(_)
            | BatchError::Merge(_) => 2,
        }
    }

    /// What to tell the user.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// `From` each failure a batch is made of (boxed: a `Result` stays small).
macro_rules! boxed_from {
    ($($variant:ident($error:ty)),*) => {
        $(impl From<$error> for BatchError {
            fn from(e: $error) -> Self {
                BatchError::$variant(Box::new(e))
            }
        })*
    };
}
boxed_from!(Sweep(SweepError), Policy(PolicyError), Plan(PlanError), Dir(DirError), Merge(MergeError));

/// Why a chart is not drawn: its picture cannot be encoded, or its file cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// The picture cannot be encoded in the format.
    #[error(transparent)]
    Render(#[from] crate::chart::RenderError),
    /// The file cannot be written.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl BatchError {
    /// A file that cannot be written, as `map_err` takes it.
    pub fn write(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> BatchError + '_ {
        move |source| BatchError::Write { path: path.to_path_buf(), source }
    }

    /// A CSV file whose lines cannot be written, as `map_err` takes it.
    pub fn write_csv(path: &std::path::Path) -> impl Fn(csv::Error) -> BatchError + '_ {
        move |source| BatchError::WriteCsv { path: path.to_path_buf(), source }
    }

    /// A CSV writer's buffer that cannot be taken out (its last lines not written), as
    /// `map_err` takes it.
    pub fn flush_csv<W>(path: &std::path::Path) -> impl FnOnce(csv::IntoInnerError<W>) -> BatchError + '_ {
        move |e| BatchError::Write { path: path.to_path_buf(), source: e.into_error() }
    }

    /// A JSON document for a file that cannot be made, as `map_err` takes it.
    pub fn write_json(path: &std::path::Path) -> impl FnOnce(serde_json::Error) -> BatchError + '_ {
        move |source| BatchError::WriteJson { path: path.to_path_buf(), source }
    }
}

/// A flag's value that cannot be used: `FLAG VALUE: what is wrong; what to write instead`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag} {value}: {what}")]
pub struct FlagError {
    /// The flag, such as `--shard`.
    pub flag: &'static str,
    /// The value as the message shows it (quoted in backticks, or as `PATH=VALUE`).
    pub value: String,
    /// What is wrong with it and what to write instead.
    pub what: String,
}

impl FlagError {
    /// The value given to `flag`, shown in backticks.
    pub fn quoted(flag: &'static str, value: &str, what: String) -> Self {
        FlagError { flag, value: format!("`{value}`"), what }
    }
}

/// Flags of `ttx batch` that do not make a batch together.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// `--runs 0`.
    #[error("--runs 0: give at least one run per sweep point")]
    NoRuns,
    /// `--vary` without `--design`.
    #[error(
        "--vary needs a design to place its points: add --design lhs:N, sobol:N or morris:N (for example --design sobol:512); for a grid, use --sweep PATH=LO:HI:STEP"
    )]
    VaryWithoutDesign,
    /// `--design` without `--vary`.
    #[error(
        "--design {design}: give the parameters it varies, each as --vary PATH=LO:HI (for example --vary sharing.isac_membership=0.2:0.9)"
    )]
    DesignWithoutVary {
        /// The design as given.
        design: String,
    },
    /// `--sweep` beside `--design`.
    #[error(
        "--sweep and --design: a design places every point itself; give each parameter as --vary PATH=LO:HI, or run the grid as a batch of its own"
    )]
    SweepWithDesign,
    /// A grid of more runs than a batch may have.
    #[error(
        "--runs {runs} at {points} sweep point{} makes {total} runs; a batch has at most {MAX_RUNS}: give fewer runs or sweep values, or split the work over several batches (see docs/batch.md)",
        if *points == 1 { "" } else { "s" }
    )]
    GridTooManyRuns {
        /// Runs per point.
        runs: u32,
        /// Points of the grid.
        points: usize,
        /// Runs in all.
        total: u64,
    },
    /// A design of more runs than a batch may have.
    #[error(
        "--runs {runs} at {points} design points makes {total} runs; a batch has at most {MAX_RUNS}: give fewer runs per point or a smaller design"
    )]
    DesignTooManyRuns {
        /// Runs per point.
        runs: u32,
        /// Points of the design.
        points: u32,
        /// Runs in all.
        total: u64,
    },
    /// A design varying something that is not a number.
    #[error(
        "--vary {path}={lo}:{hi}: `{path}` is not a number; a design varies numbers between two ends; sweep true/false and text values with --sweep {path}=A,B in a batch of their own"
    )]
    VaryNotNumber {
        /// The parameter's path.
        path: String,
        /// The low end as given.
        lo: String,
        /// The high end as given.
        hi: String,
    },
    /// A Sobol design of too many parameters.
    #[error(
        "--design {design}: a Sobol design varies at most {most} parameters, and {given} are given; screen them first with --design morris:20 and vary the ones that matter"
    )]
    SobolTooManyParameters {
        /// The design as given.
        design: String,
        /// The most it may vary.
        most: usize,
        /// How many were given.
        given: usize,
    },
    /// A design of more points than a batch may have; `fits` is the largest size that fits.
    #[error(
        "--design {design}: {points} points with {parameters} parameters; a design has at most {MAX_DESIGN_POINTS}: write --design {kind}:{fits} or less"
    )]
    DesignTooLarge {
        /// The design as given.
        design: String,
        /// Its points.
        points: u64,
        /// Parameters it varies.
        parameters: u64,
        /// `lhs`, `sobol` or `morris`.
        kind: &'static str,
        /// The largest size of this kind that fits.
        fits: u64,
    },
    /// A point of a design that does not make a valid scenario.
    #[error("design point {point}: {source}")]
    DesignPoint {
        /// The point.
        point: u32,
        /// Why its scenario is not valid.
        source: Box<SweepError>,
    },
    /// `--jobs 0`.
    #[error("--jobs 0: give at least one thread")]
    NoJobs,
}

/// A batch directory that cannot be used as asked: not a batch, another batch, changed, or
/// not complete.
#[derive(Debug, thiserror::Error)]
pub enum DirError {
    /// No readable manifest.json.
    #[error("{} is not a batch directory: cannot read {}: {source}", .dir.display(), .path.display())]
    NoManifest {
        /// The directory.
        dir: PathBuf,
        /// Its manifest.json.
        path: PathBuf,
        /// Why it cannot be read.
        source: std::io::Error,
    },
    /// A manifest.json that is not a batch manifest.
    #[error("{}: not a ttx batch manifest: {source}", .path.display())]
    NotManifest {
        /// The manifest.json.
        path: PathBuf,
        /// Why it does not read.
        source: serde_json::Error,
    },
    /// A runs.csv that cannot be read.
    #[error("cannot read {}: {source}", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A runs.csv that cannot be opened as CSV.
    #[error("cannot read {}: {source}", .path.display())]
    UnreadableCsv {
        /// The file.
        path: PathBuf,
        /// Why.
        source: csv::Error,
    },
    /// A runs.csv whose header cannot be read.
    #[error("{}: {source}", .path.display())]
    BadHeader {
        /// The file.
        path: PathBuf,
        /// Why.
        source: csv::Error,
    },
    /// A runs.csv with other columns than the batch writes.
    #[error(
        "{}: the columns are not those this batch writes (made by another ttx version, or edited?)\n  found:    {}\n  expected: {}",
        .path.display(),
        .found.join(","),
        .expected.join(",")
    )]
    OtherColumns {
        /// The file.
        path: PathBuf,
        /// The header there.
        found: Vec<String>,
        /// The header the batch writes.
        expected: Vec<String>,
    },
    /// A line of runs.csv that does not belong to the batch.
    #[error("{}: line {line}: {what}", .path.display())]
    BadRow {
        /// The file.
        path: PathBuf,
        /// The line, from 1 (the header).
        line: usize,
        /// What is wrong with it.
        what: RowFault,
    },
    /// `--out` names a file.
    #[error("--out {}: this is a file, not a directory", .dir.display())]
    OutIsFile {
        /// The path given.
        dir: PathBuf,
    },
    /// `--out` cannot be created.
    #[error("--out {}: cannot create the directory: {source}", .dir.display())]
    OutUncreatable {
        /// The path given.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `--out` holds a batch and `--resume` was not given.
    #[error(
        "--out {}: this directory already holds a batch; add --resume to complete it, or choose another --out",
        .dir.display()
    )]
    HoldsBatch {
        /// The directory.
        dir: PathBuf,
    },
    /// `--resume` over a runs.csv without its manifest.
    #[error(
        "--resume: {} has a runs.csv but no manifest.json, so what it holds is unknown; move it away",
        .dir.display()
    )]
    ResumeNoManifest {
        /// The directory.
        dir: PathBuf,
    },
    /// `--resume` of another shard, or of a whole batch as a shard.
    #[error("--resume: {} holds {}, not {}", .dir.display(), shard_name(*there), shard_name(*asked))]
    ResumeOtherShard {
        /// The directory.
        dir: PathBuf,
        /// What it holds.
        there: Option<Shard>,
        /// What the arguments make.
        asked: Option<Shard>,
    },
    /// `--resume` with arguments that would change kept rows.
    #[error(
        "--resume: the batch in {} was started with different arguments: {source}\nto complete it: {resume}",
        .dir.display()
    )]
    ResumeOtherArguments {
        /// The directory.
        dir: PathBuf,
        /// What differs.
        source: Box<super::grow::GrowthError>,
        /// The command that completes the batch as it was started.
        resume: String,
    },
    /// A kept row that a rerun does not reproduce.
    #[error(
        "--resume: {} was changed: the row of point {point} run {run} says {metric} is {kept}, but running it again gives {rerun}. Its runs cannot be trusted; move the directory away and run the batch afresh.",
        .runs_csv.display()
    )]
    KeptRowChanged {
        /// The batch's runs.csv.
        runs_csv: PathBuf,
        /// The row's point.
        point: u32,
        /// The row's run.
        run: u32,
        /// The metric that differs.
        metric: String,
        /// Its value in the row (`empty` for none).
        kept: String,
        /// Its value run again.
        rerun: String,
    },
    /// `--row` over a directory without a batch, and no arguments to plan one.
    #[error(
        "--row: {} holds no batch (no manifest.json); give the batch's own arguments too, for example `ttx batch FILE --runs N --sweep ... --out DIR --row 0`",
        .dir.display()
    )]
    RowNoBatch {
        /// The directory.
        dir: PathBuf,
    },
    /// `--row` with arguments of another batch.
    #[error(
        "--row: the batch in {} was made with different arguments: {field} was {was}, now {now}; give the batch's own arguments, or none: `ttx batch --out {} --row N`",
        .dir.display(),
        shell_word(&.dir.display().to_string())
    )]
    RowOtherArguments {
        /// The directory.
        dir: PathBuf,
        /// The first field that differs.
        field: String,
        /// Its value there.
        was: String,
        /// Its value from the arguments.
        now: String,
    },
    /// `--row` with arguments of another shard.
    #[error(
        "--row: {} holds {}, not {}; give the batch's arguments as it was run, or none: `ttx batch --out {} --row N`",
        .dir.display(),
        shard_name(*there),
        shard_name(*asked),
        shell_word(&.dir.display().to_string())
    )]
    RowOtherShard {
        /// The directory.
        dir: PathBuf,
        /// What it holds.
        there: Option<Shard>,
        /// What the arguments make.
        asked: Option<Shard>,
    },
    /// `--row N` past the rows there are.
    #[error("--row {n}: {}{}", row_range(*rows), incomplete_note(*rows, .incomplete.as_ref()))]
    NoSuchRow {
        /// The row asked for.
        n: u64,
        /// Rows there are.
        rows: usize,
        /// For a batch not complete: its runs in all, and the command that completes it.
        incomplete: Option<(usize, String)>,
    },
    /// A directory to analyse that holds a shard.
    #[error(
        "{} holds shard {}/{} of a batch; join the shards first with `ttx merge DIR... --out DIR` and analyse the merged directory",
        .dir.display(),
        .shard.index,
        .shard.count
    )]
    AnalyseShard {
        /// The directory.
        dir: PathBuf,
        /// The shard it holds.
        shard: Shard,
    },
    /// A directory to analyse that was not made with a design.
    #[error(
        "{} was not made with a design, so its runs do not pair up for sensitivity indices; make one with --vary and --design, for example `ttx batch {} --runs 1 --vary sharing.isac_membership=0.2:0.9 --vary sharing.tearline_h=1:96 --design sobol:512 --out DIR`",
        .dir.display(),
        shell_word(scenario)
    )]
    NoDesign {
        /// The directory.
        dir: PathBuf,
        /// The batch's scenario.
        scenario: String,
    },
    /// A directory to analyse that holds a Latin hypercube.
    #[error(
        "{} holds a Latin hypercube (--design lhs:{n}), which spreads points evenly but does not pair them for sensitivity indices; run the same --vary ranges with --design sobol:{} (Sobol indices) or --design morris:20 (Morris screening)",
        .dir.display(),
        .n.next_power_of_two().max(512)
    )]
    Hypercube {
        /// The directory.
        dir: PathBuf,
        /// The hypercube's points.
        n: u32,
    },
    /// Too few bootstrap resamples.
    #[error("--bootstrap {0}: give at least 10 resamples (1000 is usual)")]
    FewResamples(usize),
    /// A design's batch not complete.
    #[error("{}: {rows} of the design's {want} runs are there; complete the batch first: {resume}", .dir.display())]
    DesignIncomplete {
        /// The directory.
        dir: PathBuf,
        /// Rows there.
        rows: usize,
        /// Runs of the design.
        want: u64,
        /// The command that completes it.
        resume: String,
    },
    /// A batch to compare that has sweep points or is a shard.
    #[error(
        "{}: compare whole batches without sweeps (this one has {points} points{})",
        .dir.display(),
        if *shard { " and is a shard" } else { "" }
    )]
    CompareSwept {
        /// The directory.
        dir: PathBuf,
        /// Its points.
        points: u32,
        /// Whether it is a shard.
        shard: bool,
    },
    /// A metric the batch does not have.
    #[error("no metric `{metric}`; the metrics are: {}", .metrics.join(", "))]
    NoMetric {
        /// The name asked for.
        metric: String,
        /// The batch's metric columns.
        metrics: Vec<String>,
    },
    /// A table to copy to Parquet with other columns than this ttx writes.
    #[error(
        "{} does not have the columns this ttx writes ({}), so it cannot be copied to Parquet",
        .path.display(),
        .expected.join(",")
    )]
    ParquetColumns {
        /// The CSV file.
        path: PathBuf,
        /// The columns this ttx writes.
        expected: Vec<String>,
    },
    /// A cell of a table that does not fit its Parquet column.
    #[error("cannot copy to Parquet: {0}")]
    ParquetCell(#[from] super::parquet::CellError),
}

/// Why a line of runs.csv does not belong to its batch.
#[derive(Debug, thiserror::Error)]
pub enum RowFault {
    /// The CSV reader refused the line.
    #[error(transparent)]
    Csv(csv::Error),
    /// A key column that is not a whole number.
    #[error("the {0} is not a whole number")]
    NotWhole(&'static str),
    /// A point and run the batch does not have.
    #[error("point {point}, run {run} is not a run of this batch")]
    NotOurs {
        /// The point.
        point: u32,
        /// The run.
        run: u32,
    },
    /// A seed that is not the batch's for the run.
    #[error("run {run} has seed {seed}, not this batch's")]
    OtherSeed {
        /// The run.
        run: u32,
        /// The seed there.
        seed: u64,
    },
    /// A swept value that is not the point's.
    #[error("`{path}` is {found:?}, but point {point} has {want}")]
    OtherValue {
        /// The swept path.
        path: String,
        /// The cell.
        found: String,
        /// The point.
        point: u32,
        /// The point's value.
        want: String,
    },
    /// A metric cell that is not a number.
    #[error("{metric} `{cell}` is not a number")]
    NotNumber {
        /// The metric.
        metric: String,
        /// The cell.
        cell: String,
    },
}

/// Directories that are not the shards of one batch, or a merged directory that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// No directories.
    #[error("ttx merge: give the shard directories to join")]
    NoShards,
    /// `--out` is one of the shards.
    #[error("--out {}: this is one of the shards being merged; choose another directory", .out.display())]
    OutIsShard {
        /// The directory.
        out: PathBuf,
    },
    /// `--out` holds another batch.
    #[error("--out {}: this directory already holds another batch; choose another --out", .out.display())]
    OutHoldsBatch {
        /// The directory.
        out: PathBuf,
    },
    /// `--out` cannot be created.
    #[error("--out {}: cannot create the directory: {source}", .out.display())]
    OutUncreatable {
        /// The directory.
        out: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A shard without all its runs.
    #[error(
        "cannot merge: {} in {} is incomplete: {rows} of its {want} runs are there\nto complete it: {resume}",
        shard_name(*shard),
        .dir.display()
    )]
    Incomplete {
        /// The shard.
        shard: Option<Shard>,
        /// Its directory.
        dir: PathBuf,
        /// Rows there.
        rows: usize,
        /// Runs it has.
        want: usize,
        /// The command that completes it.
        resume: String,
    },
    /// Two directories of different batches.
    #[error(
        "cannot merge: {} and {} are not shards of the same batch: {field} is {first_value} in the first and {second_value} in the second",
        .first.display(),
        .second.display()
    )]
    OtherBatch {
        /// The first directory.
        first: PathBuf,
        /// The other directory.
        second: PathBuf,
        /// The first field that differs.
        field: String,
        /// Its value in the first.
        first_value: String,
        /// Its value in the other.
        second_value: String,
    },
    /// A whole batch among several directories.
    #[error("cannot merge: {} holds a whole (unsharded) batch; merge only the shards of one batch", .dir.display())]
    WholeAmongShards {
        /// The directory.
        dir: PathBuf,
    },
    /// A whole batch given where a shard is expected.
    #[error("cannot merge: {} holds a whole (unsharded) batch, not a shard", .dir.display())]
    NotShard {
        /// The directory.
        dir: PathBuf,
    },
    /// Shards of different splits.
    #[error(
        "cannot merge: {} is shard {}/{} but {} is shard {}/{}: the batch was split differently",
        .first.display(),
        .first_shard.index,
        .first_shard.count,
        .second.display(),
        .second_shard.index,
        .second_shard.count
    )]
    OtherSplit {
        /// The first directory.
        first: PathBuf,
        /// Its shard.
        first_shard: Shard,
        /// The other directory.
        second: PathBuf,
        /// Its shard.
        second_shard: Shard,
    },
    /// The same shard twice.
    #[error(
        "cannot merge: shard {}/{} is given twice ({} and {})",
        .shard.index,
        .shard.count,
        .first.display(),
        .second.display()
    )]
    ShardTwice {
        /// The shard.
        shard: Shard,
        /// Where it was first given.
        first: PathBuf,
        /// Where again.
        second: PathBuf,
    },
    /// Shards missing, as `I/N`.
    #[error(
        "cannot merge: shard{} {} of this batch {} missing; give every shard's directory",
        if .missing.len() == 1 { "" } else { "s" },
        .missing.join(", "),
        if .missing.len() == 1 { "is" } else { "are" }
    )]
    Missing {
        /// The missing shards.
        missing: Vec<String>,
    },
    /// A shard's detail file that cannot be read.
    #[error(
        "cannot merge: cannot read {}: {source} (the batch was run with --{}; each shard writes it)",
        .path.display(),
        if *series { "series" } else { "entities" }
    )]
    DetailUnreadable {
        /// The file.
        path: PathBuf,
        /// Whether it is series.csv (else an entity file).
        series: bool,
        /// Why.
        source: std::io::Error,
    },
    /// A shard's detail file with other columns.
    #[error("cannot merge: {} does not have the columns this ttx writes", .path.display())]
    DetailColumns {
        /// The file.
        path: PathBuf,
    },
    /// A detail line without its point and run.
    #[error("cannot merge: {}: a line does not start with its point and run", .path.display())]
    DetailLine {
        /// The file.
        path: PathBuf,
    },
}

/// `runs.csv has no rows yet` or the range of rows there are.
fn row_range(rows: usize) -> String {
    match rows {
        0 => "runs.csv has no rows yet".to_string(),
        len => format!(
            "runs.csv has rows 0 to {} (counting from 0, below the header); give one of those",
            len - 1
        ),
    }
}

/// For a batch not complete: how many runs are written, and how to complete it.
fn incomplete_note(rows: usize, incomplete: Option<&(usize, String)>) -> String {
    match incomplete {
        Some((total, command)) => format!(
            "\nthe batch is not complete: {rows} of its {total} runs are written; to complete it: {command}"
        ),
        None => String::new(),
    }
}
