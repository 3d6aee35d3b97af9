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
use ttx_engine::scenario::schema::ScenarioSpec;

use super::BatchError;

/// Why a sweep, a `--set` or a design's range was refused.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A `--sweep`, `--set` or `--vary` argument that cannot be used: the message names the
    /// flag and the value, and says what to write instead.
    #[error("{0}")]
    Argument(String),
    /// The scenario could not be turned into the tree sweeps edit (a bug in ttx, not the input).
    #[error("cannot represent the scenario for a sweep: {0}")]
    Represent(serde_json::Error),
}

impl From<String> for SweepError {
    fn from(message: String) -> Self {
        SweepError::Argument(message)
    }
}

impl From<SweepError> for BatchError {
    fn from(e: SweepError) -> Self {
        match e {
            SweepError::Argument(m) => BatchError::Input(m),
            e @ SweepError::Represent(_) => BatchError::Runtime(e.to_string()),
        }
    }
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

fn split_flag(arg: &str, flag: &str) -> Result<(String, Vec<String>), SweepError> {
    let (form, example) = if flag == "--set" {
        ("PATH=VALUE", "for example --set sharing.isac_membership=0.5")
    } else {
        ("PATH=V1,V2,... or PATH=LO:HI:STEP", "for example --sweep sharing.isac_membership=0.2,0.5,0.9")
    };
    let Some((path, values)) = arg.split_once('=') else {
        return Err(format!("{flag} `{arg}`: write {form} ({example})").into());
    };
    let path = path.trim();
    if path.is_empty() {
        return Err(format!("{flag} `{arg}`: the path before `=` is empty ({example})").into());
    }
    if path.contains(',') {
        return Err(format!(
            "{flag} `{arg}`: several paths vary together only in a sweep, written PATH1,PATH2=A1,A2|B1,B2 (for example --sweep sharing.tearline_h,doctrines.eiisac.relay_h=24,2|72,12)"
        ).into());
    }
    let items: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
    if items.iter().any(String::is_empty) {
        return Err(format!(
            "{flag} `{arg}`: a value is empty; separate values with single commas ({example})"
        )
        .into());
    }
    let mut values = Vec::new();
    for item in items {
        if item.contains(':') && flag == "--set" {
            return Err(format!(
                "{flag} {path}={item}: --set takes one value, not a range; to try a range of values, use `ttx batch --sweep {path}={item}`"
            ).into());
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
fn range(flag: &str, path: &str, item: &str) -> Result<Vec<String>, SweepError> {
    let at = format!("{flag} {path}={item}");
    let parts: Vec<&str> = item.split(':').map(str::trim).collect();
    let example = "for example 0.1:0.9:0.2 gives 0.1, 0.3, 0.5, 0.7, 0.9";
    if parts.len() != 3 {
        return Err(
            format!("{at}: a range is LO:HI:STEP, three numbers separated by colons ({example})").into()
        );
    }
    let mut nums = [Decimal { units: 0, places: 0 }; 3];
    for (n, p) in nums.iter_mut().zip(&parts) {
        *n = match Decimal::parse(p) {
            Some(d) => d,
            None if p.parse::<f64>().is_ok() && p.contains(|c: char| c.is_ascii_digit()) => {
                return Err(format!(
                    "{at}: `{p}` has too many digits for a range (at most {MAX_RANGE_PLACES} decimals, below 10^18); list such values one by one, separated by commas"
                ).into());
            }
            None => {
                return Err(format!(
                    "{at}: `{p}` is not a number; a range is LO:HI:STEP, three numbers ({example})"
                )
                .into());
            }
        };
    }
    let places = nums.iter().map(|d| d.places).max().unwrap_or(0);
    let [lo, hi, step] = nums.map(|d| d.units_at(places));
    let text = |units: i128| write_decimal(units, places);
    if step <= 0 {
        let fix = if step < 0 && lo > hi {
            format!("a range counts upwards: write {path}={}:{}:{}", parts[1], parts[0], text(-step))
        } else {
            format!("write LO:HI:STEP with a step above 0 and LO at most HI ({example})")
        };
        return Err(format!("{at}: the step {} is not above 0; {fix}", parts[2]).into());
    }
    if lo > hi {
        return Err(format!(
            "{at}: the range starts above its end; write the smaller number first: {path}={}:{}:{}",
            parts[1], parts[0], parts[2]
        )
        .into());
    }
    // Exact: every number is at most 10^18 at most 18 decimals, so nothing here overflows an i128.
    let count = (hi - lo) / step + 1;
    if count > MAX_POINTS as i128 {
        let span = hi - lo;
        let widest = MAX_POINTS as i128 - 1;
        let smallest = (span + widest - 1) / widest;
        return Err(format!(
            "{at}: the range makes {count} values, more than a batch may have sweep points ({MAX_POINTS}); use a step of at least {} (or a narrower range)",
            text(smallest)
        ).into());
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
    let example = "for example --sweep sharing.tearline_h,doctrines.eiisac.relay_h=24,2|72,12";
    let names: Vec<&str> = paths.split(',').map(str::trim).collect();
    if names.iter().any(|n| n.is_empty()) {
        return Err(format!(
            "--sweep `{arg}`: a path is empty; separate the paths that vary together with single commas ({example})"
        ).into());
    }
    let rows: Vec<Vec<&str>> = tuples.split('|').map(|t| t.split(',').map(str::trim).collect()).collect();
    for (i, r) in rows.iter().enumerate() {
        if r.len() != names.len() || r.iter().any(|v| v.is_empty()) {
            return Err(format!(
                "--sweep `{arg}`: value set {} is `{}`, but {} paths vary together: give {} values in each set, separated by commas, and separate the sets with | ({example})",
                i + 1,
                tuples.split('|').nth(i).unwrap_or("").trim(),
                names.len(),
                names.len()
            ).into());
        }
        if r.iter().any(|v| v.contains(':')) {
            return Err(format!(
                "--sweep `{arg}`: ranges LO:HI:STEP are for one path; list the value sets of paths that vary together one by one ({example})"
            ).into());
        }
        if rows[..i].contains(r) {
            return Err(format!("--sweep `{arg}`: the value set {} is given twice", r.join(",")).into());
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
        return Err(format!(
            "--set {}: give one value per --set (PATH=VALUE); to try several values, use `ttx batch --sweep {}=...`",
            s.path, s.path
        ).into());
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
    flag: &str,
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
    flag: &str,
    before: &[Sweep],
    distinct: bool,
) -> Result<Sweep, SweepError> {
    // The value a scale is read as: a number.
    let factor = Value::from(1.0);
    let path = path.to_string();
    let (steps, leaf, scale) = match locate(root, &path) {
        Ok((steps, leaf, scale)) => (steps, if scale { &factor } else { leaf }, scale),
        Err(NoSuchPath { existing: prefix }) => {
            let near = nearest(root, &path, 8);
            let found = if prefix.is_empty() {
                String::new()
            } else {
                format!(" (`{prefix}` exists, the rest does not)")
            };
            return Err(format!(
                "{flag} {path}: the scenario has no parameter `{path}`{found}\nnearest valid paths:\n  {}",
                near.join("\n  ")
            )
            .into());
        }
    };
    if !matches!(leaf, Value::Bool(_) | Value::Number(_) | Value::Null | Value::String(_)) {
        let near = nearest(root, &path, 8);
        let what = if flag == "--set" { "--set sets" } else { "a sweep sets" };
        return Err(format!(
            "{flag} {path}: `{path}` is {}, not a number, true/false or text; {what} one value\nnearest valid paths:\n  {}",
            describe(leaf),
            near.join("\n  ")
        ).into());
    }
    let whole = matches!(leaf, Value::Number(n) if !n.is_f64());
    let candidate = Sweep { path: path.clone(), values: Vec::new(), steps, scale, joint: false, whole };
    if let Some(other) = before.iter().find(|s| overlaps(s, &candidate)) {
        let verb = if flag == "--set" { "set" } else { "swept" };
        let also = if candidate.scale || other.scale {
            "; a channel's scale multiplies its four latency quantiles, so give either the scale or the quantiles"
        } else if flag == "--set" {
            ""
        } else {
            "; give all its values in one --sweep"
        };
        return Err(format!(
            "{flag} {path}: the same parameter is {verb} twice (also as `{}`){also}",
            other.path
        )
        .into());
    }
    if texts.len() > MAX_POINTS {
        return Err(format!(
            "{flag} {path}: {} values, more than a batch may have sweep points ({MAX_POINTS}); sweep fewer values (see docs/batch.md)",
            texts.len()
        ).into());
    }
    let mut values = Vec::new();
    for t in texts {
        let v =
            typed(leaf, t).map_err(|e| format!("{flag} {path}={t}: {e}; `{path}` is {}", describe(leaf)))?;
        if scale && v.as_f64().is_none_or(|x| x <= 0.0) {
            return Err(format!(
                "{flag} {path}={t}: a scale multiplies the channel's latencies, so it is above 0 (for example 0.5 to halve them, 2 to double them)"
            ).into());
        }
        if distinct && values.contains(&v) {
            return Err(format!("{flag} {path}: the value {t} is given twice").into());
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

/// The scenario at one set of values, one per sweep (for a design's points, built as they run).
pub fn scenario_at(
    label: &str,
    root: &Value,
    sweeps: &[Sweep],
    values: &[Value],
    flag: &str,
) -> Result<Scenario, SweepError> {
    build_point(label, root, sweeps, values, flag)
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
        let shown = if n == usize::MAX { "more than 2^64".to_string() } else { n.to_string() };
        let factors = lengths.iter().map(usize::to_string).collect::<Vec<_>>().join(" × ");
        return Err(format!(
            "the sweeps make a grid of {shown} points ({factors} values); a batch has at most {MAX_POINTS} sweep points: sweep fewer values, or split the grid over several batches (see docs/batch.md)"
        ).into());
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
    flag: &str,
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
        let scenario = build_point(label, root, sweeps, &values, flag)?;
        out.push(Point { index: p as u32, values, scenario });
    }
    Ok(out)
}

/// The checked scenario with one value set per sweep.
fn build_point(
    label: &str,
    root: &Value,
    sweeps: &[Sweep],
    values: &[Value],
    flag: &str,
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
    let spec: ScenarioSpec = serde_json::from_value(tree)
        .map_err(|e| format!("{flag} {}: the scenario cannot hold this value: {e}", at()))?;
    let scenario = Scenario::from_spec(label, &spec).map_err(|problems| {
        let at = at();
        let list: Vec<String> = problems
            .iter()
            .map(|p| {
                let help = p.help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
                format!("  {}: {}{help}", p.path, p.message)
            })
            .collect();
        let mut message =
            format!("{flag} {at}: the scenario is not valid with this value:\n{}", list.join("\n"));
        // A single latency quantile cannot pass its neighbours; the channel's scale moves all four.
        for s in sweeps.iter().filter(|s| !s.scale) {
            if let Some((channel, last)) = s.path.rsplit_once('.')
                && LATENCY_QUANTILES.contains(&last)
                && problems.iter().any(|p| p.path.starts_with(channel))
            {
                message.push_str(&format!(
                    "\nto make the whole channel faster or slower, {} its scale instead, which multiplies its four latency quantiles: {flag} {channel}.scale={}",
                    match flag {
                        "--set" => "set",
                        "--vary" => "vary",
                        _ => "sweep",
                    },
                    match flag {
                        "--set" => "2",
                        "--vary" => "0.5:2",
                        _ => "0.5,2",
                    }
                ));
                break;
            }
        }
        message
    })?;
    Ok(scenario)
}

#[cfg(test)]
mod tests;
