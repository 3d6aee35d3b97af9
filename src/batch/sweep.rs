//! Sweeps: scenario parameters addressed by path, and the grid of points they make.
//!
//! A path names one number or true/false in the scenario, in the scenario
//! file's own words: fields by name, list items by their `id` (or by
//! position), enum variants by name where the file writes them, for example
//! `sharing.isac_membership`, `sharing.channels.isac_to_members.median_h`,
//! `adversaries.crimson.campaigns.office_phish.spacing_h` or
//! `geography.jurisdictions.Listed.harbor.isac_member`.
//!
//! The scenario is written to a JSON tree, the value set at the path, and
//! the tree read back and checked like a scenario file, so a sweep can set
//! exactly what an author could write, and nothing a file could not hold.

use serde_json::{Number, Value};
use ttx_engine::Scenario;
use ttx_engine::scenario::canonical;
use ttx_engine::scenario::schema::ScenarioSpec;

mod errors;

pub use errors::{RangeAt, SweepError, ValueError};

/// One `--sweep PATH=V1,V2,...`, checked against the scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// The path as the user wrote it (the column name in the output files).
    pub path: String,
    /// The values, typed as the scenario holds them.
    pub values: Vec<Value>,
    steps: Vec<Step>,
    /// A channel's `scale`: the steps lead to the channel, whose four latency quantiles are multiplied.
    scale: bool,
    /// Varies together with the sweep before it (`--sweep a,b=1,2|3,4`): the same value index.
    pub joint: bool,
    /// The scenario holds a whole number here.
    pub whole: bool,
}

/// The latency quantiles of a channel, which its virtual `scale` multiplies together.
pub const LATENCY_QUANTILES: [&str; 4] = ["min_h", "median_h", "p90_h", "max_h"];

/// Whether a part of the tree is a channel's latency distribution (so `PATH.scale` is a parameter).
fn is_latency(v: &Value) -> bool {
    match v {
        Value::Object(map) => {
            !map.contains_key("scale")
                && LATENCY_QUANTILES.iter().all(|k| map.get(*k).is_some_and(Value::is_number))
        }
        _ => false,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// One point of the grid: a value for every sweep, and the scenario it makes.
#[derive(Clone, Debug)]
pub struct Point {
    /// Position in the grid (the first sweep varies slowest).
    pub index: u32,
    /// One value per sweep, in sweep order.
    pub values: Vec<Value>,
    /// The checked scenario at this point.
    pub scenario: Scenario,
}

/// Splits `PATH=V1,V2,...` (each value may be a range `lo:hi:step`) as given to `flag`.
pub fn split_arg(arg: &str) -> Result<(String, Vec<String>), SweepError> {
    split_flag(arg, "--sweep")
}

fn split_flag(arg: &str, flag: &'static str) -> Result<(String, Vec<String>), SweepError> {
    let arg_of = || arg.to_string();
    let Some((path, values)) = arg.split_once('=') else {
        return Err(SweepError::NotAssignment { flag, arg: arg_of() });
    };
    let path = path.trim();
    if path.is_empty() {
        return Err(SweepError::EmptyPath { flag, arg: arg_of() });
    }
    if path.contains(',') {
        return Err(SweepError::JointOutsideSweep { flag, arg: arg_of() });
    }
    let items: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
    if items.iter().any(String::is_empty) {
        return Err(SweepError::EmptyValue { flag, arg: arg_of() });
    }
    let mut values = Vec::new();
    for item in items {
        if item.contains(':') && flag == "--set" {
            return Err(SweepError::SetRange { flag, path: path.to_string(), item });
        } else if item.contains(':') {
            values.extend(range(flag, path, &item)?);
        } else {
            values.push(item);
        }
    }
    Ok((path.to_string(), values))
}

/// A number read exactly from its decimal text: `units` × 10^-`places`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decimal {
    units: i128,
    places: u32,
}

/// The most decimals a range's numbers may have (so every value stays exact in an `i128`).
const MAX_RANGE_PLACES: u32 = 18;

impl Decimal {
    /// Reads `-12.50`, `3`, `.5`, `2e-3` exactly; None for anything else, or for a number with
    /// more than [`MAX_RANGE_PLACES`] decimals or beyond 10^18.
    fn parse(text: &str) -> Option<Decimal> {
        let (mantissa, exponent) = match text.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (negative, digits) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if (whole.is_empty() && fraction.is_empty())
            || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let mut units: i128 = 0;
        for c in whole.chars().chain(fraction.chars()) {
            units = units.checked_mul(10)?.checked_add(i128::from(c.to_digit(10)?))?;
        }
        if units == 0 {
            return Some(Decimal { units: 0, places: 0 });
        }
        let mut places = i64::try_from(fraction.len()).ok()? - i64::from(exponent);
        while places < 0 {
            units = units.checked_mul(10)?;
            places += 1;
        }
        // Trailing zeros after the point say nothing about the value.
        while places > 0 && units % 10 == 0 {
            units /= 10;
            places -= 1;
        }
        let places = u32::try_from(places).ok().filter(|&p| p <= MAX_RANGE_PLACES)?;
        if units > 10i128.pow(18 + places) {
            return None;
        }
        Some(Decimal { units: if negative { -units } else { units }, places })
    }

    /// The same number with `places` decimals (at least its own).
    fn units_at(self, places: u32) -> i128 {
        self.units * 10i128.pow(places - self.places)
    }
}

/// `units` × 10^-`places` written out, without an exponent or a sign on zero.
fn write_decimal(units: i128, places: u32) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let digits = format!("{:0>width$}", units.unsigned_abs(), width = places as usize + 1);
    let (whole, fraction) = digits.split_at(digits.len() - places as usize);
    if places == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") }
}

/// Expands `lo:hi:step` into its values: lo, lo+step, ... up to hi (included when a step lands
/// on it). The arithmetic is exact in decimal: whole numbers give whole numbers, and every
/// value is written with as many decimals as the most precise of the three numbers.
fn range(flag: &'static str, path: &str, item: &str) -> Result<Vec<String>, SweepError> {
    let at = RangeAt { flag, path: path.to_string(), item: item.to_string() };
    let parts: Vec<&str> = item.split(':').map(str::trim).collect();
    if parts.len() != 3 {
        return Err(SweepError::RangeParts { at });
    }
    let mut nums = [Decimal { units: 0, places: 0 }; 3];
    for (n, p) in nums.iter_mut().zip(&parts) {
        *n = match Decimal::parse(p) {
            Some(d) => d,
            None if p.parse::<f64>().is_ok() && p.contains(|c: char| c.is_ascii_digit()) => {
                return Err(SweepError::RangeDigits { at, number: p.to_string() });
            }
            None => return Err(SweepError::RangeNotNumber { at, number: p.to_string() }),
        };
    }
    let places = nums.iter().map(|d| d.places).max().unwrap_or(0);
    let [lo, hi, step] = nums.map(|d| d.units_at(places));
    let text = |units: i128| write_decimal(units, places);
    let step_text = parts[2].to_string();
    if step < 0 && lo > hi {
        let upwards = format!("{}:{}:{}", parts[1], parts[0], text(-step));
        return Err(SweepError::RangeDownwards { at, step: step_text, upwards });
    }
    if step <= 0 {
        return Err(SweepError::RangeStep { at, step: step_text });
    }
    if lo > hi {
        return Err(SweepError::RangeBackwards { at });
    }
    // Exact: every number is at most 10^18 at most 18 decimals, so nothing here overflows an i128.
    let count = (hi - lo) / step + 1;
    if count > MAX_POINTS as i128 {
        let span = hi - lo;
        let widest = MAX_POINTS as i128 - 1;
        let smallest = (span + widest - 1) / widest;
        return Err(SweepError::RangeTooMany { at, count, smallest: text(smallest) });
    }
    Ok((0..count).map(|i| text(lo + step * i)).collect())
}

/// The scenario as the JSON tree that sweeps edit.
pub fn tree(spec: &ScenarioSpec) -> Result<Value, SweepError> {
    serde_json::to_value(spec).map_err(SweepError::Represent)
}

fn segments(path: &str) -> Vec<String> {
    // `adversaries[0].skill` is the same as `adversaries.0.skill`.
    path.replace('[', ".").replace(']', "").split('.').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn walk<'a>(root: &'a Value, path: &str) -> Result<(Vec<Step>, &'a Value), (String, &'a Value)> {
    let mut cur = root;
    let mut steps = Vec::new();
    let mut done: Vec<String> = Vec::new();
    for seg in segments(path) {
        let next = match cur {
            Value::Object(map) => map.get_key_value(seg.as_str()).map(|(k, v)| (Step::Key(k.clone()), v)),
            Value::Array(items) => match seg.parse::<usize>() {
                Ok(i) => items.get(i).map(|v| (Step::Index(i), v)),
                Err(_) => items
                    .iter()
                    .position(|it| it.get("id").and_then(Value::as_str) == Some(seg.as_str()))
                    .map(|i| (Step::Index(i), &items[i])),
            },
            _ => None,
        };
        match next {
            Some((step, v)) => {
                steps.push(step);
                done.push(seg);
                cur = v;
            }
            None => return Err((done.join("."), cur)),
        }
    }
    Ok((steps, cur))
}

/// Every sweepable path of a tree: numbers, true/false, unset optional values, and each
/// channel's latency `scale`.
pub fn parameters(root: &Value) -> Vec<(String, Value)> {
    fn go(v: &Value, prefix: &str, out: &mut Vec<(String, Value)>) {
        let join = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
        match v {
            Value::Object(map) => {
                for (k, x) in map {
                    go(x, &join(k), out);
                }
                if is_latency(v) {
                    out.push((join("scale"), Value::from(1.0)));
                }
            }
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    let name =
                        x.get("id").and_then(Value::as_str).map_or_else(|| i.to_string(), str::to_string);
                    go(x, &join(&name), out);
                }
            }
            Value::Bool(_) | Value::Number(_) | Value::Null => out.push((prefix.to_string(), v.clone())),
            Value::String(_) => {}
        }
    }
    let mut out = Vec::new();
    go(root, "", &mut out);
    out
}

/// The valid paths nearest to `path`: those under the deepest part of it that exists, then by spelling.
pub fn nearest(root: &Value, path: &str, how_many: usize) -> Vec<String> {
    let wanted = segments(path).join(".");
    let known = match walk(root, path) {
        Ok(_) => wanted.clone(),
        Err((prefix, _)) => prefix,
    };
    let mut all: Vec<(bool, usize, String)> = parameters(root)
        .into_iter()
        .map(|(p, _)| {
            let under = !known.is_empty() && (p == known || p.starts_with(&format!("{known}.")));
            let d = ttx_engine::scenario::edit_distance(&wanted, &p);
            (!under, d, p)
        })
        .collect();
    all.sort();
    all.into_iter().take(how_many).map(|(_, _, p)| p).collect()
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "an unset optional value",
        Value::Bool(_) => "true or false",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "a whole number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a section",
    }
}

/// Reads one value as the type the scenario holds at the path.
fn typed(current: &Value, text: &str) -> Result<Value, ValueError> {
    let boolean = match text {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    let number = text.parse::<f64>().ok().filter(|x| x.is_finite());
    match current {
        Value::Bool(_) => boolean.map(Value::Bool).ok_or_else(|| ValueError::NotBool(text.to_string())),
        Value::Number(n) if !n.is_f64() => {
            let x = number.ok_or_else(|| ValueError::NotNumber(text.to_string()))?;
            if x.fract() != 0.0 {
                return Err(ValueError::NotWhole(text.to_string()));
            }
            if x < 0.0 {
                if n.is_u64() {
                    return Err(ValueError::Negative(text.to_string()));
                }
                return Ok(Value::Number(Number::from(x as i64)));
            }
            if x > u64::MAX as f64 {
                return Err(ValueError::TooLarge(text.to_string()));
            }
            Ok(Value::Number(Number::from(x as u64)))
        }
        Value::Number(_) => {
            let x = number.ok_or_else(|| ValueError::NotNumber(text.to_string()))?;
            Number::from_f64(x).map(Value::Number).ok_or_else(|| ValueError::NotFinite(text.to_string()))
        }
        Value::Null => {
            if let Some(b) = boolean {
                return Ok(Value::Bool(b));
            }
            // Text for an unset optional value: an enum variant or a name, checked with the scenario.
            let Some(x) = number else { return Ok(Value::String(text.to_string())) };
            if x.fract() == 0.0 && x.abs() < 9.0e15 {
                // A whole number reads as both an integer and a float field.
                return Ok(Value::Number(if x < 0.0 {
                    Number::from(x as i64)
                } else {
                    Number::from(x as u64)
                }));
            }
            Number::from_f64(x).map(Value::Number).ok_or_else(|| ValueError::NotFinite(text.to_string()))
        }
        Value::String(_) => Ok(Value::String(text.to_string())),
        _ => Err(ValueError::NotScalar),
    }
}

/// How a value is written in CSV cells and on the command line.
pub fn show(v: &Value) -> String {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(x) if n.is_f64() => format!("{x}"),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Checks every `--sweep` against the scenario's tree: paths exist, values have the right type.
/// `PATH1,PATH2=A1,A2|B1,B2` sweeps several parameters together: one sweep per path, each after
/// the first marked [`Sweep::joint`].
pub fn resolve(root: &Value, args: &[String]) -> Result<Vec<Sweep>, SweepError> {
    let mut plain = Vec::new();
    let mut out: Vec<Sweep> = Vec::new();
    for arg in args {
        match arg.split_once('=') {
            Some((paths, tuples)) if paths.contains(',') => {
                // Sweeps resolved so far, in order, so the overlap checks see them all.
                out.extend(resolve_flag(root, &std::mem::take(&mut plain), "--sweep", &out)?);
                out.extend(resolve_joint(root, arg, paths, tuples, &out)?);
            }
            _ => plain.push(arg.clone()),
        }
    }
    out.extend(resolve_flag(root, &plain, "--sweep", &out)?);
    Ok(out)
}

/// `PATH1,PATH2=A1,A2|B1,B2`: one sweep per path, the values of each tuple at the same index.
fn resolve_joint(
    root: &Value,
    arg: &str,
    paths: &str,
    tuples: &str,
    before: &[Sweep],
) -> Result<Vec<Sweep>, SweepError> {
    let names: Vec<&str> = paths.split(',').map(str::trim).collect();
    if names.iter().any(|n| n.is_empty()) {
        return Err(SweepError::JointEmptyPath { arg: arg.to_string() });
    }
    let rows: Vec<Vec<&str>> = tuples.split('|').map(|t| t.split(',').map(str::trim).collect()).collect();
    for (i, r) in rows.iter().enumerate() {
        if r.len() != names.len() || r.iter().any(|v| v.is_empty()) {
            return Err(SweepError::JointSetSize {
                arg: arg.to_string(),
                set: i + 1,
                given: tuples.split('|').nth(i).unwrap_or("").trim().to_string(),
                paths: names.len(),
            });
        }
        if r.iter().any(|v| v.contains(':')) {
            return Err(SweepError::JointRange { arg: arg.to_string() });
        }
        if rows[..i].contains(r) {
            return Err(SweepError::JointTwice { arg: arg.to_string(), set: r.join(",") });
        }
    }
    let mut out: Vec<Sweep> = Vec::new();
    for (j, name) in names.iter().enumerate() {
        let column: Vec<&str> = rows.iter().map(|r| r[j]).collect();
        let mut all: Vec<Sweep> = before.to_vec();
        all.extend(out.iter().cloned());
        let mut s = resolve_one(root, name, &column, "--sweep", &all, false)?;
        s.joint = j > 0;
        out.push(s);
    }
    Ok(out)
}

/// Checks every `--set PATH=VALUE` against the scenario's tree, as [`resolve`] checks sweeps.
pub fn resolve_sets(root: &Value, args: &[String]) -> Result<Vec<Sweep>, SweepError> {
    let sets = resolve_flag(root, args, "--set", &[])?;
    if let Some(s) = sets.iter().find(|s| s.values.len() != 1) {
        return Err(SweepError::SetSeveral { path: s.path.clone() });
    }
    Ok(sets)
}

/// Whether two parameters set the same numbers (a channel's `scale` covers its four quantiles).
fn overlaps(a: &Sweep, b: &Sweep) -> bool {
    if a.scale == b.scale {
        return a.steps == b.steps;
    }
    let (scale, leaf) = if a.scale { (a, b) } else { (b, a) };
    leaf.steps.len() == scale.steps.len() + 1
        && leaf.steps.starts_with(&scale.steps)
        && matches!(leaf.steps.last(), Some(Step::Key(k)) if LATENCY_QUANTILES.contains(&k.as_str()))
}

/// A path that leads nowhere in the scenario's tree, with the longest prefix of it that exists
/// (empty if none does).
struct NoSuchPath {
    existing: String,
}

/// Where a path leads: a leaf of the tree, or a channel whose virtual `scale` it names.
fn locate<'a>(root: &'a Value, path: &str) -> Result<(Vec<Step>, &'a Value, bool), NoSuchPath> {
    match walk(root, path) {
        Ok((steps, leaf)) => Ok((steps, leaf, false)),
        Err((prefix, _)) => {
            let segs = segments(path);
            if segs.last().map(String::as_str) == Some("scale")
                && let Ok((steps, channel)) = walk(root, &segs[..segs.len() - 1].join("."))
                && is_latency(channel)
            {
                return Ok((steps, channel, true));
            }
            Err(NoSuchPath { existing: prefix })
        }
    }
}

fn resolve_flag(
    root: &Value,
    args: &[String],
    flag: &'static str,
    before: &[Sweep],
) -> Result<Vec<Sweep>, SweepError> {
    let mut sweeps: Vec<Sweep> = Vec::new();
    for arg in args {
        let (path, texts) = split_flag(arg, flag)?;
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut all: Vec<Sweep> = before.to_vec();
        all.extend(sweeps.iter().cloned());
        sweeps.push(resolve_one(root, &path, &texts, flag, &all, true)?);
    }
    Ok(sweeps)
}

/// Checks one parameter and its values against the tree and the parameters already given.
fn resolve_one(
    root: &Value,
    path: &str,
    texts: &[&str],
    flag: &'static str,
    before: &[Sweep],
    distinct: bool,
) -> Result<Sweep, SweepError> {
    // The value a scale is read as: a number.
    let factor = Value::from(1.0);
    let path = path.to_string();
    let (steps, leaf, scale) = match locate(root, &path) {
        Ok((steps, leaf, scale)) => (steps, if scale { &factor } else { leaf }, scale),
        Err(NoSuchPath { existing }) => {
            let nearest = nearest(root, &path, 8);
            return Err(SweepError::NoParameter { flag, path, existing, nearest });
        }
    };
    if !matches!(leaf, Value::Bool(_) | Value::Number(_) | Value::Null | Value::String(_)) {
        let nearest = nearest(root, &path, 8);
        return Err(SweepError::NotScalar { flag, path, kind: describe(leaf), nearest });
    }
    let whole = matches!(leaf, Value::Number(n) if !n.is_f64());
    let candidate = Sweep { path: path.clone(), values: Vec::new(), steps, scale, joint: false, whole };
    if let Some(other) = before.iter().find(|s| overlaps(s, &candidate)) {
        let scale = candidate.scale || other.scale;
        return Err(SweepError::Twice { flag, path, other: other.path.clone(), scale });
    }
    if texts.len() > MAX_POINTS {
        return Err(SweepError::TooManyValues { flag, path, count: texts.len() });
    }
    let mut values = Vec::new();
    for t in texts {
        let text = t.to_string();
        let v = typed(leaf, t).map_err(|source| SweepError::Value {
            flag,
            path: path.clone(),
            text: text.clone(),
            source,
            kind: describe(leaf),
        })?;
        if scale && v.as_f64().is_none_or(|x| x <= 0.0) {
            return Err(SweepError::ScaleNotPositive { flag, path, text });
        }
        if distinct && values.contains(&v) {
            return Err(SweepError::ValueTwice { flag, path, text });
        }
        values.push(v);
    }
    Ok(Sweep { values, ..candidate })
}

/// Resolves one parameter a design varies: its path and the two ends of its range, as a sweep
/// of those two values (for the paths, types and overlap checks of sweeps).
pub fn resolve_range(
    root: &Value,
    path: &str,
    lo: &str,
    hi: &str,
    before: &[Sweep],
) -> Result<Sweep, SweepError> {
    resolve_one(root, path, &[lo, hi], "--vary", before, false)
}

/// The number of values of each dimension of the grid: sweeps varied together make one.
pub fn dims(sweeps: &[Sweep]) -> Vec<usize> {
    sweeps.iter().filter(|s| !s.joint).map(|s| s.values.len()).collect()
}

/// The grid dimension of each sweep (sweeps varied together share one).
pub fn dim_of(joint: impl IntoIterator<Item = bool>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut d = 0usize;
    for (i, j) in joint.into_iter().enumerate() {
        if i > 0 && !j {
            d += 1;
        }
        out.push(d);
    }
    out
}

fn set(root: &mut Value, sweep: &Sweep, v: Value) {
    let mut cur = root;
    for s in &sweep.steps {
        let next = match (s, cur) {
            (Step::Key(k), Value::Object(map)) => map.get_mut(k),
            (Step::Index(i), Value::Array(items)) => items.get_mut(*i),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            // The steps came from walking this same tree, so they always lead somewhere.
            None => return,
        }
    }
    if !sweep.scale {
        *cur = v;
        return;
    }
    let factor = v.as_f64().unwrap_or(1.0);
    for k in LATENCY_QUANTILES {
        if let Some(q) = cur.get_mut(k)
            && let Some(x) = q.as_f64().and_then(|x| Number::from_f64(x * factor))
        {
            *q = Value::Number(x);
        }
    }
}

/// The most sweep points a batch may have: each is a scenario compiled and
/// kept in memory before the first run (documented in docs/batch.md).
pub const MAX_POINTS: usize = 10_000;

/// The number of points of a grid of sweeps with these numbers of values
/// (`usize::MAX` if it does not fit).
pub fn grid_size(lengths: &[usize]) -> usize {
    lengths.iter().try_fold(1usize, |n, &l| n.checked_mul(l)).unwrap_or(usize::MAX)
}

/// Refuses a grid of more than [`MAX_POINTS`] points, before anything is allocated for it.
pub fn check_grid(sweeps: &[Sweep]) -> Result<usize, SweepError> {
    let lengths = dims(sweeps);
    let n = grid_size(&lengths);
    if n > MAX_POINTS {
        return Err(SweepError::GridTooLarge { size: n, lengths });
    }
    Ok(n)
}

/// The value index of each sweep at a point of the grid (the last sweep varies fastest).
pub fn grid_position(lengths: &[usize], point: usize) -> Vec<usize> {
    let mut rest = point;
    let mut pos = vec![0; lengths.len()];
    for (i, &len) in lengths.iter().enumerate().rev() {
        let len = len.max(1);
        pos[i] = rest % len;
        rest /= len;
    }
    pos
}

/// Builds and checks the scenario at every point of the grid.
pub fn points(
    base: &Scenario,
    label: &str,
    root: &Value,
    sweeps: &[Sweep],
) -> Result<Vec<Point>, SweepError> {
    points_flag(base, label, root, sweeps, "--sweep")
}

/// The scenario with every `--set PATH=VALUE` applied and checked (the base itself when there is none).
pub fn apply_sets(base: &Scenario, label: &str, args: &[String]) -> Result<Scenario, SweepError> {
    if args.is_empty() {
        return Ok(base.clone());
    }
    let root = tree(base.spec())?;
    let sets = resolve_sets(&root, args)?;
    let mut pts = points_flag(base, label, &root, &sets, "--set")?;
    Ok(pts.remove(0).scenario)
}

fn points_flag(
    base: &Scenario,
    label: &str,
    root: &Value,
    sweeps: &[Sweep],
    flag: &'static str,
) -> Result<Vec<Point>, SweepError> {
    if sweeps.is_empty() {
        return Ok(vec![Point { index: 0, values: vec![], scenario: base.clone() }]);
    }
    let n = check_grid(sweeps)?;
    let lengths = dims(sweeps);
    let dim = dim_of(sweeps.iter().map(|s| s.joint));
    let mut out = Vec::with_capacity(n);
    for p in 0..n {
        let pos = grid_position(&lengths, p);
        let values: Vec<Value> = sweeps.iter().zip(&dim).map(|(s, &d)| s.values[pos[d]].clone()).collect();
        let scenario = scenario_at(label, root, sweeps, &values, flag)?;
        out.push(Point { index: p as u32, values, scenario });
    }
    Ok(out)
}

/// The checked scenario with one value set per sweep (a grid's points, and a design's, built
/// as they run).
pub fn scenario_at(
    label: &str,
    root: &Value,
    sweeps: &[Sweep],
    values: &[Value],
    flag: &'static str,
) -> Result<Scenario, SweepError> {
    let mut tree = root.clone();
    for (s, v) in sweeps.iter().zip(values) {
        set(&mut tree, s, v.clone());
    }
    // The point's values as the user would write them, for a message (written only for one).
    let at = || {
        sweeps
            .iter()
            .zip(values)
            .map(|(s, v)| format!("{}={}", s.path, show(v)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let spec: ScenarioSpec =
        serde_json::from_value(tree).map_err(|source| SweepError::Unholdable { flag, at: at(), source })?;
    Scenario::from_spec(label, &spec).map_err(|problems| {
        // A single latency quantile cannot pass its neighbours; the channel's scale moves all four.
        let channel = sweeps.iter().filter(|s| !s.scale).find_map(|s| {
            let (channel, last) = s.path.rsplit_once('.')?;
            let quantile =
                LATENCY_QUANTILES.contains(&last) && problems.iter().any(|p| p.path.starts_with(channel));
            quantile.then(|| channel.to_string())
        });
        SweepError::Invalid { flag, at: at(), problems, channel }
    })
}

/// Makes the scenarios of a design's points as [`scenario_at`] does, faster: a point's
/// values are set in copies of only the top-level sections its parameters lie in, those
/// sections read into a copy of the base spec, and the hash written for them alone
/// ([`Scenario::from_spec_cut`]). Where that cannot be done (a parameter outside a known
/// section, a value a section cannot hold, a scenario that does not compile) the point is
/// made by [`scenario_at`], so its error is the one [`scenario_at`] gives.
#[derive(Clone, Debug)]
pub struct PointMaker {
    root: Value,
    quick: Option<Quick>,
}

#[derive(Clone, Debug)]
struct Quick {
    base: ScenarioSpec,
    cut: canonical::Canonical,
    /// The top-level sections the parameters lie in.
    sections: Vec<&'static str>,
}

impl PointMaker {
    /// The maker of points of `root` (a scenario's tree, [`tree`]) varied at `sweeps`.
    pub fn new(root: Value, sweeps: &[Sweep]) -> PointMaker {
        let quick = Quick::new(&root, sweeps);
        PointMaker { root, quick }
    }

    /// The scenario with `values` set at `sweeps` (the sweeps given to [`PointMaker::new`]),
    /// as [`scenario_at`] makes it.
    pub fn scenario_at(
        &self,
        label: &str,
        sweeps: &[Sweep],
        values: &[Value],
        flag: &'static str,
    ) -> Result<Scenario, SweepError> {
        if let Some(sc) = self.quick.as_ref().and_then(|q| q.scenario_at(&self.root, label, sweeps, values)) {
            return Ok(sc);
        }
        scenario_at(label, &self.root, sweeps, values, flag)
    }
}

impl Quick {
    fn new(root: &Value, sweeps: &[Sweep]) -> Option<Quick> {
        let mut sections: Vec<&'static str> = Vec::new();
        for s in sweeps {
            let Some(Step::Key(top)) = s.steps.first() else { return None };
            let section = canonical::FIELDS.iter().copied().find(|f| f == top)?;
            root.get(section)?;
            if !sections.contains(&section) {
                sections.push(section);
            }
        }
        let base: ScenarioSpec = serde_json::from_value(root.clone()).ok()?;
        let cut = canonical::Canonical::of(&base)?;
        Some(Quick { base, cut, sections })
    }

    fn scenario_at(&self, root: &Value, label: &str, sweeps: &[Sweep], values: &[Value]) -> Option<Scenario> {
        let mut part = serde_json::Map::new();
        for &section in &self.sections {
            part.insert(section.to_string(), root.get(section)?.clone());
        }
        let mut part = Value::Object(part);
        for (s, v) in sweeps.iter().zip(values) {
            set(&mut part, s, v.clone());
        }
        let mut spec = self.base.clone();
        for &section in &self.sections {
            if !canonical::replace_field(&mut spec, section, part.get(section)?).ok()? {
                return None;
            }
        }
        Scenario::from_spec_cut(label, &spec, &self.cut, &self.sections).ok()
    }
}

#[cfg(test)]
mod tests;
