//! Summary statistics of one metric over the runs of one sweep point.
//!
//! Everything here is plain IEEE arithmetic (`+ - * /` and `sqrt`, all
//! correctly rounded) over values taken in run order, so the same runs give
//! the same bytes on any machine, thread count or shard split:
//!
//! - `mean`: compensated (Neumaier) sum divided by n;
//! - `sd`: sample standard deviation (n − 1 in the denominator), two-pass;
//! - `ci95` of a metric ([`Stats::of_metric`], [`Stats::of_runs`]): for a yes/no
//!   metric (1 or 0 per run: those of unit `YesNo` in the engine's metric table) the
//!   Wilson score interval of the proportion; for every other metric (counts, hours,
//!   shares, days, confidence, all of them non-negative) the percentile bootstrap of
//!   [`bootstrap_runs`]: the runs are resampled ([`BOOTSTRAP_RESAMPLES`] resamples in
//!   [`BOOTSTRAP_BLOCKS`] blocks, each block from a ChaCha8 stream of its own under a
//!   fixed seed), the same resamples serve every metric of the runs (and the Kaplan-Meier
//!   intervals of survival.csv, [`super::effects::km_bootstrap`], through
//!   [`resample_blocks`]), and the interval is the 2.5th and 97.5th percentiles of a
//!   metric's means over them. Neither can leave
//!   the range the metric's values can take (a count's interval never goes below zero),
//!   and the bootstrap depends only on the metric's values and gaps in run order;
//! - `ci95` of anything else ([`Stats::of`], such as run-by-run differences):
//!   mean ± t(0.975, n − 1) · sd / √n, Student's t with n − 1 degrees of
//!   freedom (a table to 100 degrees of freedom, a Cornish–Fisher series
//!   beyond; both within 1e-10 of the exact quantile);
//! - `p5`, `p50`, `p95`: linear interpolation between order statistics
//!   (Hyndman–Fan type 7, the default of numpy.percentile, pandas and R).

/// The statistics of one metric at one sweep point. `None` is an undefined value
/// (no run gave the metric a value, or too few runs for a spread).
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// Runs in which the metric has a value.
    pub n: usize,
    /// Mean.
    pub mean: Option<f64>,
    /// Sample standard deviation (needs two values).
    pub sd: Option<f64>,
    /// 95% confidence interval of the mean (needs two values).
    pub ci95: Option<(f64, f64)>,
    /// 5th percentile.
    pub p5: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

impl Stats {
    /// Statistics of `values`, given in run order (the order matters for the last bits of the mean).
    pub fn of(values: &[f64]) -> Stats {
        let n = values.len();
        if n == 0 {
            return Stats { n, mean: None, sd: None, ci95: None, p5: None, p50: None, p95: None };
        }
        let mean = sum(values.iter().copied()) / n as f64;
        let (sd, ci95) = if n >= 2 {
            let ss = sum(values.iter().map(|x| (x - mean) * (x - mean)));
            let sd = (ss / (n - 1) as f64).sqrt();
            let half = t975((n - 1) as u64) * sd / (n as f64).sqrt();
            (finite(sd), finite(mean - half).zip(finite(mean + half)))
        } else {
            (None, None)
        };
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Stats {
            n,
            mean: finite(mean),
            sd,
            ci95,
            p5: finite(percentile(&sorted, 0.05)),
            p50: finite(percentile(&sorted, 0.50)),
            p95: finite(percentile(&sorted, 0.95)),
        }
    }
}

impl Stats {
    /// Statistics of a metric's values in run order, with the interval suited to the metric:
    /// Wilson for a yes/no metric, the percentile bootstrap for any other (see the module).
    /// The same as that metric's column in [`Stats::of_runs`] when every run has a value.
    pub fn of_metric(metric: &str, values: &[f64]) -> Stats {
        let cells: Vec<Option<f64>> = values.iter().copied().map(Some).collect();
        let mut all = Stats::of_runs(&[metric], &cells);
        all.pop().unwrap_or_else(|| Stats::of(values))
    }

    /// Statistics of several metrics over the same runs. `cells` is row-major: one row per
    /// run in run order, one cell per metric in `metrics` order, `None` where the run gave
    /// the metric no value. Each metric's mean, spread and percentiles are those of its own
    /// values ([`Stats::of`]); its interval is Wilson's for a yes/no metric, and for every
    /// other one the percentile bootstrap of [`bootstrap_runs`], whose resamples of the runs
    /// are shared by all the metrics.
    pub fn of_runs<S: AsRef<str>>(metrics: &[S], cells: &[Option<f64>]) -> Vec<Stats> {
        Stats::of_runs_with(metrics, cells, &()).0
    }

    /// [`Stats::of_runs`], handing the same resamples of the runs to `rider` as well (another
    /// bootstrap over the same runs, such as survival.csv's): its blocks come back in block
    /// order, as [`resample_blocks`] gives them. The statistics are the same with any rider.
    pub fn of_runs_with<S: AsRef<str>, R: Rider>(
        metrics: &[S],
        cells: &[Option<f64>],
        rider: &R,
    ) -> (Vec<Stats>, Vec<R::Block>) {
        let width = metrics.len();
        let runs = cells.len().checked_div(width).unwrap_or(0);
        let mut out = Vec::with_capacity(width);
        let mut resampled = Vec::new();
        for (j, metric) in metrics.iter().enumerate() {
            let values: Vec<f64> = (0..runs).filter_map(|r| cells[r * width + j]).collect();
            let mut s = Stats::of(&values);
            if s.n >= 2 {
                s.ci95 = match (is_yes_no(metric.as_ref()), s.mean) {
                    (true, Some(p)) if values.iter().all(|x| *x == 0.0 || *x == 1.0) => Some(wilson(p, s.n)),
                    _ => {
                        resampled.push(j);
                        None
                    }
                };
            }
            out.push(s);
        }
        let (intervals, blocks) = bootstrap_runs_with(&cells[..runs * width], width, &resampled, rider);
        for (j, ci95) in resampled.into_iter().zip(intervals) {
            out[j].ci95 = ci95;
        }
        (out, blocks)
    }
}

/// Another bootstrap that takes the resamples of [`Stats::of_runs_with`] as they are drawn,
/// block by block (see [`resample_blocks`]).
pub trait Rider: Sync {
    /// One block's state.
    type Block: Send;
    /// Whether there is anything to resample for (the summary draws no resamples when
    /// neither it nor its rider needs them).
    const RIDES: bool = true;
    /// A block's state before its first resample.
    fn start(&self) -> Self::Block;
    /// Takes one resample (`picked`: how often each run was picked).
    fn each(&self, block: &mut Self::Block, picked: &[u32]);
}

/// No rider.
impl Rider for () {
    type Block = ();
    const RIDES: bool = false;
    fn start(&self) {}
    fn each(&self, (): &mut (), _: &[u32]) {}
}

/// Whether a metric is 1 (yes) or 0 (no) in every run that has it (its unit in the metric table).
pub fn is_yes_no(metric: &str) -> bool {
    ttx_engine::metrics::unit(metric) == ttx_engine::metrics::Unit::YesNo
}

/// The normal quantile z(0.975).
const Z975: f64 = 1.959963984540054;

/// The Wilson score interval of a proportion `p` over `n` trials, at 95%.
pub fn wilson(p: f64, n: usize) -> (f64, f64) {
    let n = n as f64;
    let z2 = Z975 * Z975;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z975 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Resamples behind a bootstrap interval.
pub const BOOTSTRAP_RESAMPLES: usize = 2000;

/// The blocks the resamples are drawn in, each from its own stream: a fixed number (never
/// the thread count), so the blocks can be drawn on any threads in any order.
pub const BOOTSTRAP_BLOCKS: usize = 16;

/// Resamples per block.
const PER_BLOCK: usize = BOOTSTRAP_RESAMPLES / BOOTSTRAP_BLOCKS;

/// The seed of the bootstrap streams (block `b`'s stream is named `["bootstrap", b]` under it).
pub const BOOTSTRAP_SEED: u64 = 0x7474_785f_626f_6f74;

/// The 95% percentile-bootstrap interval of the mean of `values` (every run has a value):
/// the same values in the same order give the same bounds.
pub fn bootstrap(values: &[f64]) -> Option<(f64, f64)> {
    let cells: Vec<Option<f64>> = values.iter().copied().map(Some).collect();
    bootstrap_runs(&cells, 1, &[0]).pop().flatten()
}

/// 95% percentile-bootstrap intervals of the means of the columns `cols` of a table of runs
/// (`cells`: row-major, `width` cells a run, in run order; `None` where a run gave that
/// column no value), one interval per entry of `cols`.
///
/// The runs are resampled, not the columns: each of the [`BOOTSTRAP_RESAMPLES`] resamples
/// draws as many run indices as there are runs, with replacement, once for every column;
/// a column's mean in a resample is the mean over the picked runs that gave it a value
/// (counted as often as they were picked), and a resample that picked none of them gives
/// that column no mean. The interval is the 2.5th and 97.5th percentiles (type 7) of the
/// means, held within the column's smallest and largest value. Sums are plain IEEE sums in
/// run order and each column's arithmetic is its own, so a column's interval depends only
/// on its own cells and the number of runs: never on the other columns or the thread count.
pub fn bootstrap_runs(cells: &[Option<f64>], width: usize, cols: &[usize]) -> Vec<Option<(f64, f64)>> {
    bootstrap_runs_with(cells, width, cols, &()).0
}

/// A 95% interval, where there is one.
type Interval = Option<(f64, f64)>;

/// [`bootstrap_runs`], handing the same resamples to `rider` as well.
fn bootstrap_runs_with<R: Rider>(
    cells: &[Option<f64>],
    width: usize,
    cols: &[usize],
    rider: &R,
) -> (Vec<Interval>, Vec<R::Block>) {
    let runs = cells.len().checked_div(width).unwrap_or(0);
    if cols.is_empty() && !R::RIDES {
        return (Vec::new(), Vec::new());
    }
    let cell = |r: usize, j: usize| cells.get(r * width + j).copied().flatten();
    let table = Table::new(runs, cols, &cell);
    // Each block's means, one list per column, and the rider's block.
    let blocks = resample_blocks(
        runs,
        || (Means::new(&table), rider.start()),
        |(m, block), picked| {
            table.resample(picked, m);
            rider.each(block, picked);
        },
    );
    let intervals = (0..cols.len())
        .map(|g| {
            let mut means: Vec<f64> = blocks.iter().flat_map(|b| b.0.lists[g].iter().copied()).collect();
            if means.is_empty() {
                return None;
            }
            let (min, max) = (0..runs)
                .filter_map(|r| cell(r, cols[g]))
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)));
            let lo = percentile_unsorted(&mut means, 0.025).max(min).min(max);
            let hi = percentile_unsorted(&mut means, 0.975).max(min).min(max);
            finite(lo).zip(finite(hi))
        })
        .collect();
    (intervals, blocks.into_iter().map(|b| b.1).collect())
}

/// The resamples of a bootstrap over `runs` runs, block by block: each of the
/// [`BOOTSTRAP_BLOCKS`] blocks starts from `start()` and hands `each` how often every run
/// was picked (`runs` counts summing to `runs`) in each of its resamples, in order. Block
/// `b` draws from the stream named `["bootstrap", b]` under [`BOOTSTRAP_SEED`], `runs`
/// indices a resample, two from each 64 random bits (Lemire's multiply-shift). The blocks run in
/// parallel on the current rayon pool; their states come back in block order, so what is
/// made of them does not depend on the thread count. Every bootstrap of a batch's runs draws
/// here: the same number of runs gives the same resamples.
pub fn resample_blocks<S: Send>(
    runs: usize,
    start: impl Fn() -> S + Sync,
    each: impl Fn(&mut S, &[u32]) + Sync,
) -> Vec<S> {
    use rayon::prelude::*;
    (0..BOOTSTRAP_BLOCKS)
        .into_par_iter()
        .map(|b| {
            let mut state = start();
            if runs == 0 {
                return state;
            }
            let mut stream = ttx_engine::rng::Streams::new(BOOTSTRAP_SEED).stream_n(&["bootstrap"], b as u64);
            let mut picked = vec![0u32; runs];
            for _ in 0..PER_BLOCK {
                // `runs` indices, two from each 64 random bits (the low half first).
                picked.fill(0);
                for _ in 0..runs / 2 {
                    let bits = stream.next_u64();
                    picked[index(bits as u32, runs)] += 1;
                    picked[index((bits >> 32) as u32, runs)] += 1;
                }
                if runs % 2 == 1 {
                    picked[index(stream.next_u64() as u32, runs)] += 1;
                }
                each(&mut state, &picked);
            }
            state
        })
        .collect()
}

/// Columns a [`Table`] adds up at a time: the columns are padded with zeros to a multiple of it.
const LANES: usize = 8;

/// The values a bootstrap resamples, laid out so that a group of [`LANES`] columns of a
/// picked run is adjacent.
struct Table {
    /// Runs (rows).
    runs: usize,
    /// Columns.
    width: usize,
    /// Groups of [`LANES`] columns, then runs: `values[g * runs + r]` holds the columns
    /// `g * LANES..` of run `r`, 0 where the run has no value and in the padding.
    values: Vec<[f64; LANES]>,
    /// The columns with a run that has no value, in column order.
    gaps: Vec<usize>,
    /// Row-major, one cell per column of `gaps`: 1 where the run has a value, else 0.
    defined: Vec<u32>,
}

/// One block's means of a [`Table`]'s columns, and the sums it adds them up in.
struct Means {
    /// One list per column (a resample that picked no run with a value of a column gives
    /// it no mean).
    lists: Vec<Vec<f64>>,
    /// The picked runs of a resample in run order, each with how often it was picked.
    picked: Vec<(usize, f64)>,
    /// Per column and padding cell, the weighted sum of the resample.
    sums: Vec<f64>,
    /// Per column of `gaps`, the picked runs that have a value.
    counts: Vec<u32>,
}

impl Means {
    fn new(table: &Table) -> Means {
        Means {
            lists: vec![Vec::with_capacity(PER_BLOCK); table.width],
            picked: Vec::with_capacity(table.runs),
            sums: vec![0.0; table.width.next_multiple_of(LANES)],
            counts: vec![0; table.gaps.len()],
        }
    }
}

impl Table {
    fn new(runs: usize, cols: &[usize], cell: &dyn Fn(usize, usize) -> Option<f64>) -> Table {
        let width = cols.len();
        let gaps: Vec<usize> =
            (0..width).filter(|&g| (0..runs).any(|r| cell(r, cols[g]).is_none())).collect();
        let mut values = Vec::with_capacity(runs * width.div_ceil(LANES));
        for group in cols.chunks(LANES) {
            values.extend((0..runs).map(|r| {
                let mut x = [0.0; LANES];
                for (x, &j) in x.iter_mut().zip(group) {
                    *x = cell(r, j).unwrap_or(0.0);
                }
                x
            }));
        }
        let mut defined = Vec::with_capacity(runs * gaps.len());
        for r in 0..runs {
            defined.extend(gaps.iter().map(|&g| u32::from(cell(r, cols[g]).is_some())));
        }
        Table { runs, width, values, gaps, defined }
    }

    /// Adds the means of one resample (`picked`: how often each run was picked) to `m`.
    /// A column's sum adds `times × value` over the picked runs in run order; [`LANES`]
    /// columns are added up together, each with arithmetic of its own (the sums one column
    /// at a time would give).
    fn resample(&self, picked: &[u32], m: &mut Means) {
        let holes = self.gaps.len();
        m.counts.fill(0);
        m.picked.clear();
        for (r, &times) in picked.iter().enumerate() {
            if times == 0 {
                continue;
            }
            m.picked.push((r, f64::from(times)));
            for (c, d) in m.counts.iter_mut().zip(&self.defined[r * holes..(r + 1) * holes]) {
                *c += times * d;
            }
        }
        let (sums, _) = m.sums.as_chunks_mut::<LANES>();
        for (sum, group) in sums.iter_mut().zip(self.values.chunks_exact(self.runs.max(1))) {
            *sum = weighted_sum(&m.picked, group);
        }
        let all = self.runs as f64;
        let mut hole = 0;
        for (g, (s, list)) in m.sums.iter().zip(&mut m.lists).enumerate() {
            let n = if self.gaps.get(hole) == Some(&g) {
                hole += 1;
                f64::from(m.counts[hole - 1])
            } else {
                all
            };
            if n > 0.0 {
                list.push(s / n);
            }
        }
    }
}

/// Per column of a group, the sum of `w × value` over `picked` (run, w) in order, kept in
/// registers while the runs are added.
fn weighted_sum(picked: &[(usize, f64)], group: &[[f64; LANES]]) -> [f64; LANES] {
    let mut sum = [0.0; LANES];
    for &(r, w) in picked {
        let x = &group[r];
        for k in 0..LANES {
            sum[k] += w * x[k];
        }
    }
    sum
}

/// An index in `0..n` from 32 random bits (Lemire's multiply-shift: a bias below n / 2^32).
fn index(bits: u32, n: usize) -> usize {
    ((u128::from(bits) * n as u128) >> 32) as usize
}

/// Neumaier's compensated sum: accurate, and fixed by the order of the values.
fn sum(values: impl Iterator<Item = f64>) -> f64 {
    let mut s = 0.0f64;
    let mut c = 0.0f64;
    for x in values {
        let t = s + x;
        if s.abs() >= x.abs() {
            c += (s - t) + x;
        } else {
            c += (x - t) + s;
        }
        s = t;
    }
    s + c
}

/// The `p` quantile (0..=1) of sorted values by linear interpolation (type 7), as numpy computes it.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p;
    let lo = (h.floor() as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    lerp(sorted[lo], sorted[hi], h - lo as f64)
}

/// The `p` quantile (0..=1) of values in any order, as [`percentile`] gives it once they are
/// sorted: found by selection, without sorting (the values are left reordered).
pub fn percentile_unsorted(values: &mut [f64], p: f64) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p;
    let lo = (h.floor() as usize).min(n - 1);
    let (_, a, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    let a = *a;
    // The next order statistic is the smallest of those above.
    let b = above.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
    lerp(a, b, h - lo as f64)
}

/// numpy's lerp between neighbouring order statistics: from the nearer end, so an
/// interpolation at t = 1 lands exactly on b.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t >= 0.5 { b - d * (1.0 - t) } else { a + d * t }
}

/// t(0.975, df) for df = 1..=100.
const T975: [f64; 100] = [
    12.706204736174694,
    4.302652729749462,
    3.1824463052837078,
    2.7764451051977934,
    2.5705818356363146,
    2.4469118511449786,
    2.364624251592784,
    2.306004135204166,
    2.262157162798205,
    2.228138851986274,
    2.200985160091639,
    2.1788128296672284,
    2.1603686564627913,
    2.144786687917804,
    2.131449545559776,
    2.1199052992212546,
    2.1098155778333156,
    2.1009220402410382,
    2.0930240544083087,
    2.085963447265864,
    2.0796138447276795,
    2.0738730679040254,
    2.0686576104190486,
    2.0638985616280245,
    2.0595385527532972,
    2.0555294386428735,
    2.0518305164802846,
    2.0484071417952454,
    2.045229642132703,
    2.0422724563012378,
    2.039513446396408,
    2.0369333434601016,
    2.0345152974493383,
    2.0322445093177186,
    2.030107928250343,
    2.0280940009804502,
    2.0261924630291093,
    2.0243941639119694,
    2.022690920036761,
    2.021075390306273,
    2.019540970441376,
    2.0180817028184443,
    2.016692199227824,
    2.0153675744437636,
    2.014103388880846,
    2.012895598919429,
    2.0117405137297655,
    2.010634757624232,
    2.0095752371292392,
    2.008559112100761,
    2.007583770315836,
    2.006646805061688,
    2.0057459953178687,
    2.0048792881880564,
    2.0040447832891455,
    2.003240718847872,
    2.002465459291007,
    2.0017174841452356,
    2.000995378088267,
    2.0002978220142604,
    1.999623584994939,
    1.9989715170333788,
    1.998340542520741,
    1.997729654317693,
    1.9971379083920038,
    1.9965644189523117,
    1.996008354025296,
    1.9954689314298435,
    1.9949454151072374,
    1.994437111771186,
    1.9939433678456255,
    1.9934635666618719,
    1.992997125889855,
    1.992543495180932,
    1.9921021540022417,
    1.9916726096446642,
    1.9912543953883846,
    1.9908470688116906,
    1.9904502102301285,
    1.990063421254446,
    1.9896863234569029,
    1.989318557136572,
    1.9889597801751624,
    1.9886096669757083,
    1.9882679074772216,
    1.98793420623902,
    1.9876082815890708,
    1.9872898648311692,
    1.986978699506281,
    1.9866745407037683,
    1.9863771544186177,
    1.98608631695113,
    1.9858018143458227,
    1.985523441866604,
    1.9852510035054978,
    1.984984311522457,
    1.9847231860139845,
    1.9844674545084815,
    1.9842169515864174,
    1.9839715185235518,
];

/// The 0.975 quantile of Student's t with `df` degrees of freedom (df ≥ 1).
pub fn t975(df: u64) -> f64 {
    if df == 0 {
        return f64::INFINITY;
    }
    if let Some(&t) = T975.get((df - 1) as usize) {
        return t;
    }
    // Cornish–Fisher expansion around the normal quantile: pure arithmetic, error < 1e-10 past 100.
    let z: f64 = 1.959963984540054;
    let v = df as f64;
    let z2 = z * z;
    let g1 = (z2 + 1.0) * z / 4.0;
    let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_sd_and_interval_of_a_known_sample() {
        let s = Stats::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(s.n, 8);
        assert_eq!(s.mean, Some(5.0));
        // Sample variance 32/7.
        let sd = (32.0f64 / 7.0).sqrt();
        assert!((s.sd.unwrap() - sd).abs() < 1e-12);
        let half = 2.364624251592784 * sd / 8f64.sqrt();
        let (lo, hi) = s.ci95.unwrap();
        assert!((lo - (5.0 - half)).abs() < 1e-12 && (hi - (5.0 + half)).abs() < 1e-12);
    }

    #[test]
    fn percentiles_match_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 10], [5, 50, 95]) == [1.2, 3.0, 8.8]
        let s = Stats::of(&[10.0, 1.0, 3.0, 2.0, 4.0]);
        assert!((s.p5.unwrap() - 1.2).abs() < 1e-12);
        assert_eq!(s.p50, Some(3.0));
        assert!((s.p95.unwrap() - 8.8).abs() < 1e-12);
    }

    #[test]
    fn undefined_values_stay_undefined() {
        let none = Stats::of(&[]);
        assert_eq!((none.n, none.mean, none.p50), (0, None, None));
        let one = Stats::of(&[3.5]);
        assert_eq!((one.n, one.mean, one.sd, one.ci95, one.p95), (1, Some(3.5), None, None, Some(3.5)));
        let same = Stats::of(&[2.0, 2.0, 2.0]);
        assert_eq!((same.sd, same.ci95), (Some(0.0), Some((2.0, 2.0))));
    }

    #[test]
    fn t_quantiles_join_smoothly_past_the_table() {
        assert_eq!(t975(1), 12.706204736174694);
        assert_eq!(t975(100), 1.9839715185235518);
        // scipy.stats.t.ppf(0.975, 101) = 1.983731003; (.., 1000) = 1.962339081
        assert!((t975(101) - 1.983731003).abs() < 1e-9);
        assert!((t975(1000) - 1.962339081).abs() < 1e-8);
        assert!(t975(1_000_000) > 1.959963984 && t975(1_000_000) < 1.95997);
    }

    #[test]
    fn a_count_with_many_zeros_and_one_large_value_has_no_negative_bound() {
        let mut v = vec![0.0; 19];
        v.push(560.0);
        // Student's t would give 28.0 [-30.6, 86.6].
        let t = Stats::of(&v).ci95.unwrap();
        assert!(t.0 < 0.0);
        let s = Stats::of_metric("voters_affected", &v);
        assert_eq!(s.mean, Some(28.0));
        let (lo, hi) = s.ci95.unwrap();
        assert!((0.0..=28.0).contains(&lo) && (28.0..=560.0).contains(&hi), "[{lo}, {hi}]");
        assert_eq!(lo, 0.0, "most resamples miss the one large value");
        // Deterministic: the same values give the same bounds.
        assert_eq!(Stats::of_metric("voters_affected", &v), s);
        assert_eq!(bootstrap(&v), Some((lo, hi)));
    }

    #[test]
    fn bootstrap_bounds_stay_within_the_values() {
        let v: Vec<f64> = (0..50).map(|i| f64::from(i % 7) * 0.1).collect();
        let (lo, hi) = bootstrap(&v).unwrap();
        let mean = sum(v.iter().copied()) / 50.0;
        assert!(lo >= 0.0 && lo < mean && mean < hi && hi <= 0.6, "[{lo}, {hi}] around {mean}");
        let same = vec![4.0; 10];
        assert_eq!(Stats::of_metric("intrusions_succeeded", &same).ci95, Some((4.0, 4.0)));
    }

    #[test]
    fn yes_no_metrics_get_wilson_intervals() {
        // 0 of 10: Wilson [0, 0.2775], where t gives [0, 0].
        let s = Stats::of_metric("eo_deadlines_met", &[0.0; 10]);
        let (lo, hi) = s.ci95.unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - 0.277_532_6).abs() < 1e-6, "{hi}");
        // 8 of 10: statsmodels proportion_confint(8, 10, method="wilson") = (0.4902, 0.9433).
        let mut v = vec![1.0; 8];
        v.extend([0.0, 0.0]);
        let (lo, hi) = Stats::of_metric("attribution_correct", &v).ci95.unwrap();
        assert!((lo - 0.490_162).abs() < 1e-5 && (hi - 0.943_318).abs() < 1e-5, "[{lo}, {hi}]");
    }

    /// A metric's values in `runs` runs drawn from an exponential law of mean 1 (stream `seed`),
    /// missing in a run with probability `missing`.
    fn exponential(seed: u64, runs: usize, missing: f64) -> Vec<Option<f64>> {
        let mut s = ttx_engine::rng::Streams::new(seed).stream(&["values"]);
        (0..runs)
            .map(|_| {
                let x = -(1.0 - s.uniform()).ln();
                (!s.chance(missing)).then_some(x)
            })
            .collect()
    }

    #[test]
    fn intervals_cover_the_true_mean_about_95_percent_of_the_time() {
        // 300 samples of 40 runs from an exponential law (mean 1, skewed like a count), with
        // no value missing and with 30% missing: 283 and 287 of 300 intervals cover 1 (the
        // percentile bootstrap is known to undercover a little at this size).
        for missing in [0.0, 0.3] {
            let samples = 300;
            let covered = (0..samples)
                .filter(|&seed| {
                    let cells = exponential(seed, 40, missing);
                    let (lo, hi) = bootstrap_runs(&cells, 1, &[0])[0].unwrap();
                    lo <= 1.0 && 1.0 <= hi
                })
                .count();
            let share = covered as f64 / samples as f64;
            assert!((0.88..=0.98).contains(&share), "{covered} of {samples} with {missing} missing");
        }
    }

    #[test]
    fn metrics_resampled_together_get_the_intervals_they_get_alone() {
        let (a, b, c) = (exponential(1, 60, 0.0), exponential(2, 60, 0.5), exponential(3, 60, 0.97));
        let cells: Vec<Option<f64>> = (0..60).flat_map(|r| [a[r], b[r], c[r]]).collect();
        let names = ["intrusions_attempted", "detection_h_p50", "voters_affected"];
        let joint = Stats::of_runs(&names, &cells);
        // The same on one thread and on four (the resamples' blocks are drawn in parallel).
        for threads in [1, 4] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            assert_eq!(pool.install(|| Stats::of_runs(&names, &cells)), joint, "{threads} threads");
        }
        for (j, column) in [&a, &b, &c].into_iter().enumerate() {
            let alone = bootstrap_runs(column, 1, &[0])[0];
            assert_eq!(joint[j].ci95, alone, "{}", names[j]);
            let values: Vec<f64> = column.iter().flatten().copied().collect();
            assert_eq!(joint[j].n, values.len());
            assert_eq!(joint[j].mean, Stats::of(&values).mean);
        }
        // A metric every run has: the same as `of_metric` on its values.
        let values: Vec<f64> = a.iter().flatten().copied().collect();
        assert_eq!(joint[0], Stats::of_metric(names[0], &values));
        assert_eq!(joint[0].ci95, bootstrap(&values));
    }

    #[test]
    fn a_metric_with_gaps_is_resampled_over_the_runs_that_have_it() {
        // Defined in 40 of 400 runs (and in 2 of them for the sparse one): every bound lies
        // within that metric's own values, around their mean.
        let mut cells = Vec::new();
        for r in 0..400u32 {
            let dense = f64::from(r % 9);
            let gappy = (r % 10 == 3).then(|| 100.0 + f64::from(r % 7));
            let sparse = [17, 301].contains(&r).then(|| f64::from(r));
            cells.extend([Some(dense), gappy, sparse]);
        }
        let s = Stats::of_runs(&["intrusions_attempted", "detection_h_p50", "voters_affected"], &cells);
        assert_eq!((s[0].n, s[1].n, s[2].n), (400, 40, 2));
        let (lo, hi) = s[1].ci95.unwrap();
        let mean = s[1].mean.unwrap();
        assert!(100.0 <= lo && lo < mean && mean < hi && hi <= 106.0, "[{lo}, {hi}] around {mean}");
        let (lo, hi) = s[2].ci95.unwrap();
        assert!((17.0..159.0).contains(&lo) && hi > 159.0 && hi <= 301.0, "[{lo}, {hi}]");
        // A point where no run has the metric, or one run: no interval.
        let none = Stats::of_runs(&["voters_affected"], &[None, None, Some(3.0)]);
        assert_eq!((none[0].n, none[0].ci95), (1, None));
    }

    #[test]
    fn selection_gives_the_percentiles_sorting_gives() {
        let v: Vec<f64> = exponential(9, 2001, 0.0).into_iter().flatten().collect();
        for n in [1, 2, 3, 40, 2000, 2001] {
            let mut sorted = v[..n].to_vec();
            sorted.sort_by(f64::total_cmp);
            for p in [0.0, 0.025, 0.05, 0.5, 0.95, 0.975, 1.0] {
                let mut scratch = v[..n].to_vec();
                assert_eq!(percentile_unsorted(&mut scratch, p), percentile(&sorted, p), "n {n} p {p}");
            }
        }
        assert!(percentile_unsorted(&mut [], 0.5).is_nan());
    }

    #[test]
    fn compensated_sum_is_exact_where_naive_is_not() {
        let v = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(sum(v.iter().copied()), 2.0);
    }
}
