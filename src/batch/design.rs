//! Sampling designs beyond grids: a Latin hypercube, a Sobol sequence in Saltelli's scheme, and
//! Morris trajectories, over parameters varied between two ends (`--vary PATH=LO:HI`).
//!
//! A design is recorded in manifest.json (kind, size, seed and ranges) and every point's values
//! are made again from that record, bit for bit, so `ttx sensitivity` knows which runs pair with
//! which. docs/batch.md describes the designs for the people who use them.
//!
//! - `lhs:N`: N points; each parameter's range is cut into N equal strata, each stratum used
//!   once, at a uniform position within it, the strata of each parameter in an independent
//!   random order.
//! - `sobol:N`: Saltelli's scheme without second-order terms: N rows of a Sobol sequence in 2k
//!   dimensions (direction numbers of Joe and Kuo, `new-joe-kuo-6.21201`, in Gray-code order),
//!   scrambled by a random digital shift (each dimension's 32 bits XORed with a word drawn from
//!   the seed); the first k columns make matrix A, the last k matrix B. Each row j gives k+2
//!   points in this order: A_j, then A_j with column i taken from B_j for i = 1..k, then B_j:
//!   N(k+2) points in all.
//! - `morris:N` (or `morris:N:L`): N trajectories on a grid of L levels (4 unless given, an even
//!   number), each of k+1 points: a random start, then one parameter at a time, in a random
//!   order, moved by Δ = L/(2(L-1)) up or down: N(k+1) points.
//!
//! A parameter's value at a position x in [0, 1] is LO + x(HI-LO); for a whole-number parameter,
//! LO + ⌊x(HI-LO+1)⌋ (at most HI), so each whole number is equally likely.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};
use ttx_engine::rng::Streams;

use super::FlagError;

/// Which design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Latin hypercube.
    Lhs,
    /// Sobol sequence in Saltelli's scheme.
    Sobol,
    /// Morris trajectories.
    Morris,
}

impl Kind {
    /// The name used in `--design`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Lhs => "lhs",
            Kind::Sobol => "sobol",
            Kind::Morris => "morris",
        }
    }
}

/// One varied parameter: its path and the two ends of its range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Range {
    /// The parameter's path (a column of runs.csv).
    pub path: String,
    /// The low end.
    pub lo: Value,
    /// The high end.
    pub hi: Value,
}

/// The least N each design accepts.
pub const MIN_LHS: u32 = 2;
/// Sobol base rows: fewer cannot estimate a variance, let alone split it.
pub const MIN_SOBOL: u32 = 16;
/// Morris trajectories: two at least, for a standard deviation.
pub const MIN_MORRIS: u32 = 2;
/// The most parameters a Sobol design varies (two dimensions each, from the direction table).
pub const MAX_SOBOL_PARAMS: usize = DIRECTIONS.len().div_ceil(2);

/// A design as manifest.json records it; its points are made from this record alone.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Design {
    /// Which design.
    pub kind: Kind,
    /// `N` of `--design KIND:N`: points (lhs), base rows (sobol) or trajectories (morris).
    pub n: u32,
    /// Morris grid levels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<u32>,
    /// The seed the design is drawn with (the batch seed).
    pub seed: u64,
    /// The varied parameters, in column order.
    pub vary: Vec<Range>,
    /// The unit-cube positions of every point, made on first use.
    #[serde(skip)]
    cache: Cache,
}

impl PartialEq for Design {
    fn eq(&self, o: &Design) -> bool {
        (self.kind, self.n, self.levels, self.seed, &self.vary) == (o.kind, o.n, o.levels, o.seed, &o.vary)
    }
}

#[derive(Clone, Debug, Default)]
struct Cache(OnceLock<Arc<Vec<Vec<f64>>>>);

/// Reads `--design KIND:N` (and `morris:N:L`): the kind, N and the Morris levels.
pub fn parse(text: &str) -> Result<(Kind, u32, Option<u32>), FlagError> {
    let help = "write --design lhs:N, sobol:N or morris:N (for example --design sobol:1024; morris:N:L for L grid levels)";
    let bad = |what: String| FlagError::quoted("--design", text, what);
    let parts: Vec<&str> = text.split(':').map(str::trim).collect();
    let kind = match parts[0] {
        "lhs" => Kind::Lhs,
        "sobol" | "saltelli" => Kind::Sobol,
        "morris" => Kind::Morris,
        other => return Err(bad(format!("there is no design `{other}`; {help}"))),
    };
    let max_parts = if kind == Kind::Morris { 3 } else { 2 };
    if parts.len() < 2 || parts.len() > max_parts {
        return Err(bad(help.to_string()));
    }
    let n: u32 = parts[1]
        .parse()
        .map_err(|_| bad(format!("`{}` is not a whole number of points; {help}", parts[1])))?;
    let (least, what) = match kind {
        Kind::Lhs => (MIN_LHS, "points"),
        Kind::Sobol => (MIN_SOBOL, "base rows (a power of two such as 512 or 1024 is usual)"),
        Kind::Morris => (MIN_MORRIS, "trajectories (10 to 50 is usual)"),
    };
    if n < least {
        return Err(FlagError {
            flag: "--design",
            value: text.to_string(),
            what: format!(
                "too small; {} takes at least {least} {what}: write --design {}:{}",
                kind.name(),
                kind.name(),
                least.max(if kind == Kind::Sobol { 512 } else { least })
            ),
        });
    }
    let levels = match (kind, parts.get(2)) {
        (Kind::Morris, Some(l)) => {
            let l: u32 = l.parse().ok().filter(|l| *l >= 2 && l % 2 == 0 && *l <= 1000).ok_or_else(|| {
                bad(format!(
                    "the number of Morris levels is an even number from 2 to 1000 (4 is usual): write --design morris:{n}:4"
                ))
            })?;
            Some(l)
        }
        (Kind::Morris, None) => Some(4),
        _ => None,
    };
    Ok((kind, n, levels))
}

/// Reads `--vary PATH=LO:HI`: the path and the two ends, as written.
pub fn parse_vary(arg: &str) -> Result<(String, String, String), FlagError> {
    let example = "for example --vary sharing.isac_membership=0.2:0.9";
    let Some((path, range)) = arg.split_once('=') else {
        return Err(FlagError::quoted("--vary", arg, format!("write PATH=LO:HI ({example})")));
    };
    let path = path.trim();
    if path.is_empty() {
        return Err(FlagError::quoted("--vary", arg, format!("the path before `=` is empty ({example})")));
    }
    let bad = |what: String| FlagError { flag: "--vary", value: format!("{path}={range}"), what };
    let parts: Vec<&str> = range.split(':').map(str::trim).collect();
    if parts.len() != 2 || parts.iter().any(|p| p.is_empty()) {
        let fix = if parts.len() == 3 {
            format!(
                "; a design picks the values itself, so give no step: --vary {path}={}:{} (a grid with a step is --sweep {path}={range})",
                parts[0], parts[1]
            )
        } else {
            format!(" ({example})")
        };
        return Err(bad(format!("a range to vary over is LO:HI, two numbers{fix}")));
    }
    let num = |p: &str| p.parse::<f64>().ok().filter(|x| x.is_finite());
    for p in &parts {
        if num(p).is_none() {
            return Err(bad(format!(
                "`{p}` is not a number; a design varies numbers between LO and HI ({example}); sweep true/false and text values with --sweep {path}=A,B"
            )));
        }
    }
    let (lo, hi) = (num(parts[0]).unwrap_or(0.0), num(parts[1]).unwrap_or(0.0));
    if lo >= hi {
        let fix = if lo > hi {
            format!("write the smaller number first: --vary {path}={}:{}", parts[1], parts[0])
        } else {
            format!("to hold it at {}, leave it out of the design", parts[0])
        };
        return Err(bad(format!("the range is empty; {fix}")));
    }
    Ok((path.to_string(), parts[0].to_string(), parts[1].to_string()))
}

impl Design {
    /// A design over these ranges.
    pub fn new(kind: Kind, n: u32, levels: Option<u32>, seed: u64, vary: Vec<Range>) -> Design {
        Design { kind, n, levels, seed, vary, cache: Cache::default() }
    }

    /// How many parameters vary.
    pub fn k(&self) -> usize {
        self.vary.len()
    }

    /// How many points the design has.
    pub fn points(&self) -> u64 {
        let n = u64::from(self.n);
        let k = self.k() as u64;
        match self.kind {
            Kind::Lhs => n,
            Kind::Sobol => n * (k + 2),
            Kind::Morris => n * (k + 1),
        }
    }

    /// Every point's position in the unit cube, one row per point, one column per parameter.
    pub fn unit(&self) -> Arc<Vec<Vec<f64>>> {
        Arc::clone(self.cache.0.get_or_init(|| {
            Arc::new(match self.kind {
                Kind::Lhs => lhs(self.n as usize, self.k(), self.seed),
                Kind::Sobol => saltelli(self.n as usize, self.k(), self.seed),
                Kind::Morris => morris(self.n as usize, self.k(), self.levels.unwrap_or(4), self.seed),
            })
        }))
    }

    /// The parameters' values at a point.
    pub fn values(&self, point: u32) -> Vec<Value> {
        let unit = self.unit();
        match unit.get(point as usize) {
            Some(row) => self.vary.iter().zip(row).map(|(r, &x)| value_at(r, x)).collect(),
            None => self.vary.iter().map(|r| r.lo.clone()).collect(),
        }
    }

    /// Morris's step Δ in the unit cube.
    pub fn delta(&self) -> f64 {
        let l = f64::from(self.levels.unwrap_or(4));
        l / (2.0 * (l - 1.0))
    }
}

/// The value at position `x` of a range: a whole number for a whole-number parameter.
fn value_at(r: &Range, x: f64) -> Value {
    let whole = |v: &Value| v.is_i64() || v.is_u64();
    match (r.lo.as_f64(), r.hi.as_f64()) {
        (Some(lo), Some(hi)) if whole(&r.lo) && whole(&r.hi) => {
            let span = hi - lo;
            let v = lo + (x * (span + 1.0)).floor().min(span);
            if v < 0.0 { Value::from(v as i64) } else { Value::from(v as u64) }
        }
        (Some(lo), Some(hi)) => Number::from_f64(lo + x * (hi - lo)).map_or(Value::Null, Value::Number),
        _ => Value::Null,
    }
}

/// A uniform number in [0, 1) with 53 random bits.
fn uniform(s: &mut ttx_engine::rng::Stream) -> f64 {
    (s.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A random permutation of 0..n (Fisher-Yates).
fn permutation(s: &mut ttx_engine::rng::Stream, n: usize) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (s.next_u64() % (i as u64 + 1)) as usize;
        p.swap(i, j);
    }
    p
}

fn lhs(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let streams = Streams::new(seed);
    let mut rows = vec![vec![0.0; k]; n];
    for j in 0..k {
        let mut s = streams.stream_n(&["design", "lhs"], j as u64);
        let order = permutation(&mut s, n);
        for (i, row) in rows.iter_mut().enumerate() {
            row[j] = (order[i] as f64 + uniform(&mut s)) / n as f64;
        }
    }
    rows
}

/// Direction numbers of Joe and Kuo (`new-joe-kuo-6.21201`), dimensions 2 onwards: for each,
/// the polynomial's coefficient word `a` followed by the initial numbers m_1..m_s (s is the degree).
const DIRECTIONS: &[&[u32]] = &[
    &[0, 1],
    &[1, 1, 3],
    &[1, 1, 3, 1],
    &[2, 1, 1, 1],
    &[1, 1, 1, 3, 3],
    &[4, 1, 3, 5, 13],
    &[2, 1, 1, 5, 5, 17],
    &[4, 1, 1, 5, 5, 5],
    &[7, 1, 1, 7, 11, 19],
    &[11, 1, 1, 5, 1, 1],
    &[13, 1, 1, 1, 3, 11],
    &[14, 1, 3, 5, 5, 31],
    &[1, 1, 3, 3, 9, 7, 49],
    &[13, 1, 1, 1, 15, 21, 21],
    &[16, 1, 3, 1, 13, 27, 49],
    &[19, 1, 1, 1, 15, 7, 5],
    &[22, 1, 3, 1, 15, 13, 25],
    &[25, 1, 1, 5, 5, 19, 61],
    &[1, 1, 3, 7, 11, 23, 15, 103],
    &[4, 1, 3, 7, 13, 13, 15, 69],
    &[7, 1, 1, 3, 13, 7, 35, 63],
    &[8, 1, 3, 5, 9, 1, 25, 53],
    &[14, 1, 3, 1, 13, 9, 35, 107],
    &[19, 1, 3, 1, 5, 27, 61, 31],
    &[21, 1, 1, 5, 11, 19, 41, 61],
    &[28, 1, 3, 5, 3, 3, 13, 69],
    &[31, 1, 1, 7, 13, 1, 19, 1],
    &[32, 1, 3, 7, 5, 13, 19, 59],
    &[37, 1, 1, 3, 9, 25, 29, 41],
    &[41, 1, 3, 5, 13, 23, 1, 55],
    &[42, 1, 3, 7, 3, 13, 59, 17],
    &[50, 1, 3, 1, 3, 5, 53, 69],
    &[55, 1, 1, 5, 5, 23, 33, 13],
    &[56, 1, 1, 7, 7, 1, 61, 123],
    &[59, 1, 1, 7, 9, 13, 61, 49],
    &[62, 1, 3, 3, 5, 3, 55, 33],
    &[14, 1, 3, 1, 15, 31, 13, 49, 245],
    &[21, 1, 3, 5, 15, 31, 59, 63, 97],
    &[22, 1, 3, 1, 11, 11, 11, 77, 249],
    &[38, 1, 3, 1, 11, 27, 43, 71, 9],
    &[47, 1, 1, 7, 15, 21, 11, 81, 45],
    &[49, 1, 3, 7, 3, 25, 31, 65, 79],
    &[50, 1, 3, 1, 1, 19, 11, 3, 205],
    &[52, 1, 1, 5, 9, 19, 21, 29, 157],
    &[56, 1, 3, 7, 11, 1, 33, 89, 185],
    &[67, 1, 3, 3, 3, 15, 9, 79, 71],
    &[70, 1, 3, 7, 11, 15, 39, 119, 27],
    &[84, 1, 1, 3, 1, 11, 31, 97, 225],
    &[97, 1, 1, 1, 3, 23, 43, 57, 177],
    &[103, 1, 3, 7, 7, 17, 17, 37, 71],
    &[115, 1, 3, 1, 5, 27, 63, 123, 213],
    &[122, 1, 1, 3, 5, 11, 43, 53, 133],
    &[8, 1, 3, 5, 5, 29, 17, 47, 173, 479],
    &[13, 1, 3, 3, 11, 3, 1, 109, 9, 69],
    &[16, 1, 1, 1, 5, 17, 39, 23, 5, 343],
    &[22, 1, 3, 1, 5, 25, 15, 31, 103, 499],
    &[25, 1, 1, 1, 11, 11, 17, 63, 105, 183],
    &[44, 1, 1, 5, 11, 9, 29, 97, 231, 363],
    &[47, 1, 1, 5, 15, 19, 45, 41, 7, 383],
];

/// The 32 direction numbers V_1..V_32 of one dimension (0-based: dimension 0 is the first).
fn directions(dim: usize) -> [u32; 33] {
    let mut v = [0u32; 33];
    if dim == 0 {
        for (j, x) in v.iter_mut().enumerate().skip(1) {
            *x = 1u32 << (32 - j);
        }
        return v;
    }
    let d = DIRECTIONS[dim - 1];
    let a = d[0];
    let m = &d[1..];
    let s = m.len();
    for j in 1..=32 {
        if j <= s {
            v[j] = m[j - 1] << (32 - j);
        } else {
            let mut x = v[j - s] ^ (v[j - s] >> s);
            for k in 1..s {
                if (a >> (s - 1 - k)) & 1 == 1 {
                    x ^= v[j - k];
                }
            }
            v[j] = x;
        }
    }
    v
}

/// The first `n` points of the Sobol sequence in `dims` dimensions, in Gray-code order, each
/// dimension XORed with its word of `shift` (a random digital shift; zeros leave it plain).
pub fn sobol(n: usize, dims: usize, shift: &[u32]) -> Vec<Vec<f64>> {
    let v: Vec<[u32; 33]> = (0..dims).map(directions).collect();
    let mut x = vec![0u32; dims];
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if i > 0 {
            // The rightmost zero bit of i-1, from 1.
            let c = (!(i - 1)).trailing_zeros() as usize + 1;
            for (xd, vd) in x.iter_mut().zip(&v) {
                *xd ^= vd[c.min(32)];
            }
        }
        out.push(
            x.iter()
                .zip(shift.iter().chain(std::iter::repeat(&0)))
                .map(|(&xd, &s)| f64::from(xd ^ s) / 4_294_967_296.0)
                .collect(),
        );
    }
    out
}

fn saltelli(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut s = Streams::new(seed).stream(&["design", "sobol", "shift"]);
    let shift: Vec<u32> = (0..2 * k).map(|_| (s.next_u64() >> 32) as u32).collect();
    let base = sobol(n, 2 * k, &shift);
    let mut out = Vec::with_capacity(n * (k + 2));
    for row in &base {
        let (a, b) = row.split_at(k);
        out.push(a.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            out.push(ab);
        }
        out.push(b.to_vec());
    }
    out
}

fn morris(n: usize, k: usize, levels: u32, seed: u64) -> Vec<Vec<f64>> {
    let streams = Streams::new(seed);
    let top = f64::from(levels - 1);
    let half = levels / 2;
    let mut out = Vec::with_capacity(n * (k + 1));
    for t in 0..n {
        let mut s = streams.stream_n(&["design", "morris"], t as u64);
        let order = permutation(&mut s, k);
        let mut level: Vec<u32> = Vec::with_capacity(k);
        let mut up: Vec<bool> = Vec::with_capacity(k);
        for _ in 0..k {
            let u = s.next_u64();
            let goes_up = u & 1 == 0;
            let base = ((u >> 1) % u64::from(half)) as u32;
            level.push(if goes_up { base } else { base + half });
            up.push(goes_up);
        }
        out.push(level.iter().map(|&l| f64::from(l) / top).collect());
        for &i in &order {
            level[i] = if up[i] { level[i] + half } else { level[i] - half };
            out.push(level.iter().map(|&l| f64::from(l) / top).collect());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sobol_sequence_starts_as_published() {
        // Joe and Kuo's first points in two dimensions, without a shift.
        let p = sobol(8, 2, &[]);
        let want = [
            [0.0, 0.0],
            [0.5, 0.5],
            [0.75, 0.25],
            [0.25, 0.75],
            [0.375, 0.375],
            [0.875, 0.875],
            [0.625, 0.125],
            [0.125, 0.625],
        ];
        for (row, w) in p.iter().zip(want) {
            assert_eq!(row.as_slice(), &w);
        }
        // Every dimension of the first 2^m points takes each of 2^m strata once.
        let p = sobol(64, 40, &[]);
        for d in 0..40 {
            let mut seen: Vec<usize> = p.iter().map(|r| (r[d] * 64.0) as usize).collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..64).collect::<Vec<_>>(), "dimension {d}");
        }
    }

    #[test]
    fn designs_have_their_shape_and_stay_in_the_cube() {
        let r = |p: &str| Range { path: p.into(), lo: Value::from(0.0), hi: Value::from(1.0) };
        let d = Design::new(Kind::Sobol, 16, None, 3, vec![r("a"), r("b"), r("c")]);
        let u = d.unit();
        assert_eq!(u.len(), 16 * 5);
        // A_j and AB_j^i differ in column i only; AB_j^i and B_j share column i.
        for j in 0..16 {
            let g = &u[j * 5..j * 5 + 5];
            for i in 0..3 {
                for (c, x) in g[1 + i].iter().enumerate() {
                    if c == i {
                        assert_eq!(*x, g[4][c]);
                    } else {
                        assert_eq!(*x, g[0][c]);
                    }
                }
            }
        }
        let m = Design::new(Kind::Morris, 5, Some(4), 3, vec![r("a"), r("b")]);
        let u = m.unit();
        assert_eq!(u.len(), 15);
        for t in 0..5 {
            for s in 0..2 {
                let (a, b) = (&u[t * 3 + s], &u[t * 3 + s + 1]);
                let moved: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).filter(|d| *d != 0.0).collect();
                assert_eq!(moved.len(), 1);
                assert!((moved[0].abs() - m.delta()).abs() < 1e-12);
            }
        }
        let l = Design::new(Kind::Lhs, 10, None, 3, vec![r("a"), r("b")]);
        for c in 0..2 {
            let mut strata: Vec<usize> = l.unit().iter().map(|row| (row[c] * 10.0) as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
        for d in [&d, &m, &l] {
            assert!(d.unit().iter().flatten().all(|x| (0.0..=1.0).contains(x)));
            // The same record makes the same points.
            let again = Design::new(d.kind, d.n, d.levels, d.seed, d.vary.clone());
            assert_eq!(again.unit(), d.unit());
        }
    }

    #[test]
    fn whole_numbers_take_each_value_equally() {
        let r = Range { path: "x".into(), lo: Value::from(2u64), hi: Value::from(5u64) };
        let got: Vec<Value> = [0.0, 0.24, 0.25, 0.5, 0.99, 1.0].iter().map(|&x| value_at(&r, x)).collect();
        let want: Vec<Value> = [2u64, 2, 3, 4, 5, 5].iter().map(|&v| Value::from(v)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn bad_designs_say_what_to_write() {
        for (text, says) in [
            ("grid:10", "there is no design `grid`"),
            ("sobol", "write --design lhs:N"),
            ("sobol:many", "not a whole number"),
            ("sobol:8", "write --design sobol:512"),
            ("lhs:1", "write --design lhs:2"),
            ("morris:1", "write --design morris:2"),
            ("morris:10:3", "even number"),
            ("lhs:10:2", "write --design lhs:N"),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(says), "{text}: {e}");
        }
        assert_eq!(parse("morris:10").unwrap(), (Kind::Morris, 10, Some(4)));
        for (arg, says) in [
            ("x", "write PATH=LO:HI"),
            ("x=1", "LO:HI, two numbers"),
            ("x=1:2:0.5", "give no step: --vary x=1:2"),
            ("x=a:2", "`a` is not a number"),
            ("x=2:1", "write the smaller number first: --vary x=1:2"),
            ("x=1:1", "the range is empty"),
            ("=1:2", "the path before `=` is empty"),
        ] {
            let e = parse_vary(arg).unwrap_err().to_string();
            assert!(e.contains(says), "{arg}: {e}");
        }
    }
}
