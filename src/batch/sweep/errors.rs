//! Why a sweep, a `--set` or a design's range was refused ([`SweepError`]), and why a value
//! does not fit its parameter ([`ValueError`]): one variant per failure, each message naming
//! the flag and the value and saying what to write instead.

use super::{MAX_POINTS, MAX_RANGE_PLACES};

/// Why a sweep, a `--set` or a design's range was refused. Every variant but the last is
/// bad input (exit 2): the message names the flag and the value, and says what to write
/// instead.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// No `=` between the path and the values.
    #[error("{flag} `{arg}`: write {} ({})", form(flag), example(flag))]
    NotAssignment { flag: &'static str, arg: String },
    /// Nothing before the `=`.
    #[error("{flag} `{arg}`: the path before `=` is empty ({})", example(flag))]
    EmptyPath { flag: &'static str, arg: String },
    /// Several paths outside `--sweep`.
    #[error(
        "{flag} `{arg}`: several paths vary together only in a sweep, written PATH1,PATH2=A1,A2|B1,B2 (for example --sweep sharing.tearline_h,doctrines.eiisac.relay_h=24,2|72,12)"
    )]
    JointOutsideSweep { flag: &'static str, arg: String },
    /// Two commas in a row, or one at an end.
    #[error("{flag} `{arg}`: a value is empty; separate values with single commas ({})", example(flag))]
    EmptyValue { flag: &'static str, arg: String },
    /// A range given to `--set`.
    #[error(
        "{flag} {path}={item}: --set takes one value, not a range; to try a range of values, use `ttx batch --sweep {path}={item}`"
    )]
    SetRange { flag: &'static str, path: String, item: String },
    /// A range that is not three parts.
    #[error("{at}: a range is LO:HI:STEP, three numbers separated by colons ({RANGE_EXAMPLE})")]
    RangeParts { at: RangeAt },
    /// A number of a range too precise or too large for exact steps.
    #[error(
        "{at}: `{number}` has too many digits for a range (at most {MAX_RANGE_PLACES} decimals, below 10^18); list such values one by one, separated by commas"
    )]
    RangeDigits { at: RangeAt, number: String },
    /// A part of a range that is not a number.
    #[error("{at}: `{number}` is not a number; a range is LO:HI:STEP, three numbers ({RANGE_EXAMPLE})")]
    RangeNotNumber { at: RangeAt, number: String },
    /// A negative step over a range written from its top: `upwards` is the range the other way.
    #[error("{at}: the step {step} is not above 0; a range counts upwards: write {}={upwards}", .at.path)]
    RangeDownwards { at: RangeAt, step: String, upwards: String },
    /// A step of 0, or a negative one.
    #[error(
        "{at}: the step {step} is not above 0; write LO:HI:STEP with a step above 0 and LO at most HI ({RANGE_EXAMPLE})"
    )]
    RangeStep { at: RangeAt, step: String },
    /// A range whose start is above its end.
    #[error("{at}: the range starts above its end; write the smaller number first: {}={}", .at.path, ends_swapped(&.at.item))]
    RangeBackwards { at: RangeAt },
    /// A range of more values than a batch has points; `smallest` is the least step that fits.
    #[error(
        "{at}: the range makes {count} values, more than a batch may have sweep points ({MAX_POINTS}); use a step of at least {smallest} (or a narrower range)"
    )]
    RangeTooMany { at: RangeAt, count: i128, smallest: String },
    /// An empty path among paths that vary together.
    #[error(
        "--sweep `{arg}`: a path is empty; separate the paths that vary together with single commas ({JOINT_EXAMPLE})"
    )]
    JointEmptyPath { arg: String },
    /// A value set (1-based `set`) with another number of values than paths.
    #[error(
        "--sweep `{arg}`: value set {set} is `{given}`, but {paths} paths vary together: give {paths} values in each set, separated by commas, and separate the sets with | ({JOINT_EXAMPLE})"
    )]
    JointSetSize { arg: String, set: usize, given: String, paths: usize },
    /// A range among paths that vary together.
    #[error(
        "--sweep `{arg}`: ranges LO:HI:STEP are for one path; list the value sets of paths that vary together one by one ({JOINT_EXAMPLE})"
    )]
    JointRange { arg: String },
    /// The same value set twice.
    #[error("--sweep `{arg}`: the value set {set} is given twice")]
    JointTwice { arg: String, set: String },
    /// A `--set` with several values.
    #[error(
        "--set {path}: give one value per --set (PATH=VALUE); to try several values, use `ttx batch --sweep {path}=...`"
    )]
    SetSeveral { path: String },
    /// A path that leads nowhere: `existing` is the longest prefix of it that exists (or empty).
    #[error(
        "{flag} {path}: the scenario has no parameter `{path}`{}\nnearest valid paths:\n  {}",
        exists(existing),
        .nearest.join("\n  ")
    )]
    NoParameter { flag: &'static str, path: String, existing: String, nearest: Vec<String> },
    /// A path that leads to a list or a record, not one value.
    #[error(
        "{flag} {path}: `{path}` is {kind}, not a number, true/false or text; {} one value\nnearest valid paths:\n  {}",
        if *flag == "--set" { "--set sets" } else { "a sweep sets" },
        .nearest.join("\n  ")
    )]
    NotScalar { flag: &'static str, path: String, kind: &'static str, nearest: Vec<String> },
    /// The same parameter given twice (`scale`: either is a channel's scale).
    #[error(
        "{flag} {path}: the same parameter is {} twice (also as `{other}`){}",
        if *flag == "--set" { "set" } else { "swept" },
        twice_help(flag, *scale)
    )]
    Twice { flag: &'static str, path: String, other: String, scale: bool },
    /// More values than a batch has points.
    #[error(
        "{flag} {path}: {count} values, more than a batch may have sweep points ({MAX_POINTS}); sweep fewer values (see docs/batch.md)"
    )]
    TooManyValues { flag: &'static str, path: String, count: usize },
    /// A value that does not fit the parameter (`kind` is what the parameter is).
    #[error("{flag} {path}={text}: {source}; `{path}` is {kind}")]
    Value { flag: &'static str, path: String, text: String, source: ValueError, kind: &'static str },
    /// A channel's scale of 0 or less.
    #[error(
        "{flag} {path}={text}: a scale multiplies the channel's latencies, so it is above 0 (for example 0.5 to halve them, 2 to double them)"
    )]
    ScaleNotPositive { flag: &'static str, path: String, text: String },
    /// The same value twice.
    #[error("{flag} {path}: the value {text} is given twice")]
    ValueTwice { flag: &'static str, path: String, text: String },
    /// A grid of more points than a batch may have (`size` is `usize::MAX` when it does not fit).
    #[error(
        "the sweeps make a grid of {} points ({} values); a batch has at most {MAX_POINTS} sweep points: sweep fewer values, or split the grid over several batches (see docs/batch.md)",
        if *size == usize::MAX { "more than 2^64".to_string() } else { size.to_string() },
        .lengths.iter().map(usize::to_string).collect::<Vec<_>>().join(" × ")
    )]
    GridTooLarge { size: usize, lengths: Vec<usize> },
    /// The values, written into the scenario, make something a scenario file cannot hold
    /// (`at` is every `PATH=VALUE` of the point).
    #[error("{flag} {at}: the scenario cannot hold this value: {source}")]
    Unholdable { flag: &'static str, at: String, source: serde_json::Error },
    /// The scenario with these values fails its checks; `channel` is the latency channel of a
    /// single quantile swept past its neighbours, whose scale would do instead.
    #[error(
        "{flag} {at}: the scenario is not valid with this value:\n{}{}",
        problem_lines(problems),
        scale_hint(flag, channel.as_deref())
    )]
    Invalid {
        flag: &'static str,
        at: String,
        problems: Vec<ttx_engine::scenario::Problem>,
        channel: Option<String>,
    },
    /// The scenario could not be turned into the tree sweeps edit (a bug in ttx, not the input).
    #[error("cannot represent the scenario for a sweep: {0}")]
    Represent(serde_json::Error),
}

/// Where a range was given: `FLAG PATH=ITEM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag} {path}={item}")]
pub struct RangeAt {
    /// `--sweep`, `--set` or `--vary`.
    pub flag: &'static str,
    /// The parameter's path.
    pub path: String,
    /// The range as written.
    pub item: String,
}

const RANGE_EXAMPLE: &str = "for example 0.1:0.9:0.2 gives 0.1, 0.3, 0.5, 0.7, 0.9";
const JOINT_EXAMPLE: &str = "for example --sweep sharing.tearline_h,doctrines.eiisac.relay_h=24,2|72,12";

/// `LO:HI:STEP` written `HI:LO:STEP`.
fn ends_swapped(range: &str) -> String {
    let parts: Vec<&str> = range.split(':').map(str::trim).collect();
    match parts.as_slice() {
        [lo, hi, step] => format!("{hi}:{lo}:{step}"),
        _ => range.to_string(),
    }
}

/// How a flag's argument is written.
fn form(flag: &str) -> &'static str {
    if flag == "--set" { "PATH=VALUE" } else { "PATH=V1,V2,... or PATH=LO:HI:STEP" }
}

/// An example of a flag's argument.
fn example(flag: &str) -> &'static str {
    if flag == "--set" {
        "for example --set sharing.isac_membership=0.5"
    } else {
        "for example --sweep sharing.isac_membership=0.2,0.5,0.9"
    }
}

/// ` (`PREFIX` exists, the rest does not)`, or nothing when no prefix exists.
fn exists(prefix: &str) -> String {
    if prefix.is_empty() { String::new() } else { format!(" (`{prefix}` exists, the rest does not)") }
}

/// What to do about a parameter given twice.
fn twice_help(flag: &str, scale: bool) -> &'static str {
    if scale {
        "; a channel's scale multiplies its four latency quantiles, so give either the scale or the quantiles"
    } else if flag == "--set" {
        ""
    } else {
        "; give all its values in one --sweep"
    }
}

/// A scenario's problems, one indented line each.
fn problem_lines(problems: &[ttx_engine::scenario::Problem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| {
            let help = p.help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
            format!("  {}: {}{help}", p.path, p.message)
        })
        .collect();
    lines.join("\n")
}

/// The hint to move a whole latency channel by its scale, when a single quantile failed.
fn scale_hint(flag: &str, channel: Option<&str>) -> String {
    let Some(channel) = channel else { return String::new() };
    let (verb, value) = match flag {
        "--set" => ("set", "2"),
        "--vary" => ("vary", "0.5:2"),
        _ => ("sweep", "0.5,2"),
    };
    format!(
        "\nto make the whole channel faster or slower, {verb} its scale instead, which multiplies its four latency quantiles: {flag} {channel}.scale={value}"
    )
}

/// Why a value does not fit the parameter it is given for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Neither `true` nor `false`.
    #[error("`{0}` is not true or false")]
    NotBool(String),
    /// Not a number.
    #[error("`{0}` is not a number")]
    NotNumber(String),
    /// Has a fraction where a whole number is held.
    #[error("`{0}` is not a whole number")]
    NotWhole(String),
    /// Negative where the value is 0 or more.
    #[error("`{0}` is negative; this value is 0 or more")]
    Negative(String),
    /// Above the largest whole number held.
    #[error("`{0}` is too large")]
    TooLarge(String),
    /// Not finite.
    #[error("`{0}` is not a finite number")]
    NotFinite(String),
    /// The parameter holds no number, true/false or text.
    #[error("not a number or true/false")]
    NotScalar,
}
