//! Summary statistics of one metric over the runs of one sweep point.
//!
//! Everything here is plain IEEE arithmetic (`+ - * /` and `sqrt`, all
//! correctly rounded) over values taken in run order, so the same runs give
//! the same bytes on any machine, thread count or shard split:
//!
//! - `mean`: compensated (Neumaier) sum divided by n;
//! - `sd`: sample standard deviation (n − 1 in the denominator), two-pass;
//! - `ci95` of a metric ([`Stats::of_metric`]): for a yes/no metric (1 or 0 per
//!   run: those of unit `YesNo` in the engine's metric table) the Wilson score interval
//!   of the proportion; for every other metric (counts, hours, shares, days,
//!   confidence, all of them non-negative) the percentile bootstrap: the 2.5th
//!   and 97.5th percentiles of the means of [`BOOTSTRAP_RESAMPLES`] resamples
//!   drawn from a ChaCha8 stream keyed by the metric's name. Neither can leave
//!   the range the metric's values can take (a count's interval never goes
//!   below zero), and the bootstrap depends only on the values in run order;
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
    pub fn of_metric(metric: &str, values: &[f64]) -> Stats {
        let mut s = Stats::of(values);
        if s.n >= 2 {
            s.ci95 = match (is_yes_no(metric), s.mean) {
                (true, Some(p)) if values.iter().all(|x| *x == 0.0 || *x == 1.0) => Some(wilson(p, s.n)),
                _ => bootstrap(metric, values),
            };
        }
        s
    }
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

/// The seed of the bootstrap streams (each metric's stream is keyed by its name under it).
pub const BOOTSTRAP_SEED: u64 = 0x7474_785f_626f_6f74;

/// The 95% percentile-bootstrap interval of the mean of `values`, resampled from the
/// stream named `["bootstrap", key]`: the same values in the same order give the same bounds.
pub fn bootstrap(key: &str, values: &[f64]) -> Option<(f64, f64)> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mut stream = ttx_engine::rng::Streams::new(BOOTSTRAP_SEED).stream(&["bootstrap", key]);
    let mut means = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    let mut pick = vec![0.0; n];
    for _ in 0..BOOTSTRAP_RESAMPLES {
        for x in &mut pick {
            // Lemire's multiply-shift: an index in 0..n.
            *x = values[((u128::from(stream.next_u64()) * n as u128) >> 64) as usize];
        }
        means.push(sum(pick.iter().copied()) / n as f64);
    }
    means.sort_by(f64::total_cmp);
    finite(percentile(&means, 0.025)).zip(finite(percentile(&means, 0.975)))
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
    let t = h - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    let d = b - a;
    // numpy's lerp: from the nearer end, so an interpolation at t = 1 lands exactly on b.
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
        assert_eq!(bootstrap("voters_affected", &v), Some((lo, hi)));
    }

    #[test]
    fn bootstrap_bounds_stay_within_the_values() {
        let v: Vec<f64> = (0..50).map(|i| f64::from(i % 7) * 0.1).collect();
        let (lo, hi) = bootstrap("warned_before_targeted", &v).unwrap();
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

    #[test]
    fn compensated_sum_is_exact_where_naive_is_not() {
        let v = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(sum(v.iter().copied()), 2.0);
    }
}
