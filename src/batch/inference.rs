//! Inference across sweep points: paired differences over common random numbers, their
//! p-values, Holm's step-down correction, and Kaplan-Meier estimates for times that a run
//! may end before reaching.
//!
//! Run `k` of every sweep point starts from the same seed, so the difference between two
//! points is taken run by run: `d_k = x_k(point) − x_k(baseline)` over the runs in which
//! both have a value. Much of the luck of a run (which campaigns strike where, and when)
//! is shared by both points and cancels in `d_k`, so the paired interval is far narrower
//! than one that compares two independent means.
//!
//! - the mean difference and its 95% interval: mean ± t(0.975, n − 1) · sd / √n;
//! - its two-sided p-value: Student's t with n − 1 degrees of freedom, from the
//!   regularised incomplete beta function (Lentz's continued fraction);
//! - [`holm`]: Holm's step-down adjustment, which keeps the chance of calling any true
//!   null effect "clear" below 5% over the whole family of comparisons;
//! - [`kaplan_meier`]: the product-limit estimate of a survival curve from right-censored
//!   times, and [`km_quantile`] its quantiles.
//!
//! The p-values use `ln` and `exp`, whose last bit may differ between platforms' maths
//! libraries: they are the same bytes on one machine for any `--jobs` or shard split, and
//! agree across machines to about 15 significant digits.

use super::stats::Stats;

/// A paired difference `point − baseline` of one metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Paired {
    /// Runs in which both points have a value.
    pub n: usize,
    /// Mean difference.
    pub mean: Option<f64>,
    /// Standard deviation of the run-by-run differences.
    pub sd: Option<f64>,
    /// 95% interval of the mean difference (Student's t).
    pub ci95: Option<(f64, f64)>,
    /// Two-sided p-value of "no difference" (paired t-test).
    pub p: Option<f64>,
}

/// The paired difference of two points' values, each indexed by run (none where the run
/// has no value).
pub fn paired(point: &[Option<f64>], baseline: &[Option<f64>]) -> Paired {
    let d: Vec<f64> = point.iter().zip(baseline).filter_map(|(a, b)| Some((*a)? - (*b)?)).collect();
    let s = Stats::of(&d);
    let p = match (s.mean, s.sd) {
        (Some(m), Some(sd)) if s.n >= 2 => Some(if sd == 0.0 {
            if m == 0.0 { 1.0 } else { 0.0 }
        } else {
            t_two_sided(m / (sd / (s.n as f64).sqrt()), (s.n - 1) as f64)
        }),
        _ => None,
    };
    Paired { n: s.n, mean: s.mean, sd: s.sd, ci95: s.ci95, p }
}

/// The two-sided p-value of a t statistic with `df` degrees of freedom: P(|T| ≥ |t|).
pub fn t_two_sided(t: f64, df: f64) -> f64 {
    if !t.is_finite() {
        return if t.is_nan() { f64::NAN } else { 0.0 };
    }
    let x = df / (df + t * t);
    incomplete_beta(x, df / 2.0, 0.5).clamp(0.0, 1.0)
}

/// The two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|).
pub fn z_two_sided(z: f64) -> f64 {
    if !z.is_finite() {
        return if z.is_nan() { f64::NAN } else { 0.0 };
    }
    // P(|Z| >= |z|) = Q(1/2, z²/2), the regularised upper incomplete gamma.
    upper_gamma_half(z * z / 2.0).clamp(0.0, 1.0)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: relative error below 1e-15).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularised incomplete beta function I_x(a, b).
fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

/// The smallest magnitude the modified Lentz method lets a term reach (instead of 0).
const TINY: f64 = 1e-300;

/// The continued fraction of the incomplete beta function (modified Lentz).
fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const EPS: f64 = 1e-16;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=10_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        h *= lentz_step(&mut c, &mut d, m * (b - m) * x / ((qam + m2) * (a + m2)), 1.0);
        let del = lentz_step(&mut c, &mut d, -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), 1.0);
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// One step of the modified Lentz method over the term `a / (b + ...)`: moves `c` and `d` on
/// and returns the factor `d·c` the fraction is multiplied by.
fn lentz_step(c: &mut f64, d: &mut f64, a: f64, b: f64) -> f64 {
    *d = a * *d + b;
    if d.abs() < TINY {
        *d = TINY;
    }
    *c = b + a / *c;
    if c.abs() < TINY {
        *c = TINY;
    }
    *d = 1.0 / *d;
    *d * *c
}

/// Q(1/2, x): the regularised upper incomplete gamma function at a = 1/2 (erfc(√x)).
fn upper_gamma_half(x: f64) -> f64 {
    let a = 0.5;
    if x <= 0.0 {
        return 1.0;
    }
    let gln = ln_gamma(a);
    if x < a + 1.0 {
        // Series for P, then Q = 1 − P.
        let mut ap = a;
        let mut sum = 1.0 / a;
        let mut del = sum;
        for _ in 0..10_000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        1.0 - sum * (-x + a * x.ln() - gln).exp()
    } else {
        // Continued fraction for Q (modified Lentz).
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..=10_000 {
            let i = f64::from(i);
            let an = -i * (i - a);
            b += 2.0;
            let del = lentz_step(&mut c, &mut d, an, b);
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (-x + a * x.ln() - gln).exp() * h
    }
}

/// Holm's step-down adjusted p-values, in the order given: the i-th smallest of m p-values
/// is multiplied by (m − i + 1), kept from falling below the adjusted values before it, and
/// capped at 1. An effect is clear at level α when its adjusted p-value is below α. Values
/// that are not numbers (no test) stay as they are and do not count in m.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let m = order.len();
    let mut out = p.to_vec();
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        let adj = (p[i] * (m - rank) as f64).min(1.0);
        running = running.max(adj);
        out[i] = running;
    }
    out
}

/// One step of a Kaplan-Meier curve: at `time`, `events` of the `at_risk` ended, leaving
/// the estimated share `survival` not yet ended.
#[derive(Clone, Debug, PartialEq)]
pub struct KmStep {
    /// The time of the events.
    pub time: f64,
    /// Observations still at risk just before it.
    pub at_risk: usize,
    /// Events at it.
    pub events: usize,
    /// The estimate of S(time): the share that has not had the event by then.
    pub survival: f64,
}

/// The Kaplan-Meier (product-limit) estimate from (time, event) pairs: `event` false is a
/// right-censored time (observed for that long without the event). At a time with both,
/// events count before censorings (the usual convention). One step per event time.
pub fn kaplan_meier(obs: &[(f64, bool)]) -> Vec<KmStep> {
    let mut o: Vec<(f64, bool)> = obs.iter().copied().filter(|(t, _)| !t.is_nan()).collect();
    o.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut at_risk = o.len();
    let mut survival = 1.0f64;
    let mut steps = Vec::new();
    let mut k = 0;
    while k < o.len() {
        let t = o[k].0;
        let (mut events, mut leaving) = (0, 0);
        while k < o.len() && o[k].0.total_cmp(&t).is_eq() {
            events += usize::from(o[k].1);
            leaving += 1;
            k += 1;
        }
        if events > 0 {
            survival *= 1.0 - events as f64 / at_risk as f64;
            steps.push(KmStep { time: t, at_risk, events, survival });
        }
        at_risk -= leaving;
    }
    steps
}

/// The `q` quantile (0 < q < 1) of the time to the event from a Kaplan-Meier curve: the
/// first event time at which the estimated share not yet ended falls to 1 − q or below;
/// none when it never does (too many times censored before it).
pub fn km_quantile(steps: &[KmStep], q: f64) -> Option<f64> {
    let target = 1.0 - q;
    steps.iter().find(|s| s.survival <= target + 1e-12).map(|s| s.time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_p_values_match_known_values() {
        // scipy.stats.t.sf(2.0, 10) * 2 = 0.07338803477074
        assert!((t_two_sided(2.0, 10.0) - 0.073_388_034_770_74).abs() < 1e-12);
        // Cauchy: P(|T| >= 1) = 0.5 exactly with one degree of freedom.
        assert!((t_two_sided(1.0, 1.0) - 0.5).abs() < 1e-14);
        // scipy.stats.t.sf(3.5, 99) * 2 = 0.00069906464836
        assert!((t_two_sided(-3.5, 99.0) - 6.990_646_483_6e-4).abs() < 1e-13);
        assert_eq!(t_two_sided(0.0, 5.0), 1.0);
        assert_eq!(t_two_sided(f64::INFINITY, 5.0), 0.0);
        // The t quantile in the stats table gives p = 0.05 back.
        assert!((t_two_sided(super::super::stats::t975(19), 19.0) - 0.05).abs() < 1e-12);
    }

    #[test]
    fn normal_p_values_match_known_values() {
        assert!((z_two_sided(1.959_963_984_540_054) - 0.05).abs() < 1e-13);
        // 2 * scipy.stats.norm.sf(1) = 0.31731050786291
        assert!((z_two_sided(1.0) - 0.317_310_507_862_914).abs() < 1e-13);
        // 2 * scipy.stats.norm.sf(4) = 6.334248366623993e-05
        assert!((z_two_sided(-4.0) - 6.334_248_366_624e-5).abs() < 1e-17);
        assert_eq!(z_two_sided(0.0), 1.0);
    }

    #[test]
    fn a_paired_difference_of_a_known_sample() {
        let base = [Some(10.0), Some(12.0), Some(9.0), None, Some(11.0), Some(8.0)];
        let point = [Some(12.0), Some(13.0), Some(12.0), Some(5.0), Some(11.0), None];
        // Differences over the runs both have: 2, 1, 3, 0.
        let p = paired(&point, &base);
        assert_eq!(p.n, 4);
        assert_eq!(p.mean, Some(1.5));
        let sd = (5.0f64 / 3.0).sqrt();
        assert!((p.sd.unwrap() - sd).abs() < 1e-15);
        let half = 3.182_446_305_284_263 * sd / 2.0;
        let (lo, hi) = p.ci95.unwrap();
        assert!((lo - (1.5 - half)).abs() < 1e-12 && (hi - (1.5 + half)).abs() < 1e-12);
        // scipy.stats.ttest_rel([12, 13, 12, 11], [10, 12, 9, 11]).pvalue = 0.1027280788584
        assert!((p.p.unwrap() - 0.102_728_078_858_4).abs() < 1e-12, "{:?}", p.p);
        // No spread: the p-value is 1 for no change and 0 for a constant change.
        let same = paired(&[Some(1.0), Some(2.0)], &[Some(1.0), Some(2.0)]);
        assert_eq!((same.mean, same.ci95, same.p), (Some(0.0), Some((0.0, 0.0)), Some(1.0)));
        let shift = paired(&[Some(2.0), Some(3.0)], &[Some(1.0), Some(2.0)]);
        assert_eq!(shift.p, Some(0.0));
        assert_eq!(paired(&[Some(1.0)], &[Some(0.0)]).p, None);
    }

    #[test]
    fn holm_adjusts_step_down() {
        let adj = holm(&[0.01, 0.04, 0.03, 0.005]);
        // Sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → kept at 0.06.
        let want = [0.03, 0.06, 0.06, 0.02];
        for (a, w) in adj.iter().zip(want) {
            assert!((a - w).abs() < 1e-15, "{adj:?}");
        }
        assert_eq!(holm(&[0.5, 0.9]), vec![1.0, 1.0]);
        let with_nan = holm(&[0.01, f64::NAN, 0.02]);
        assert!(
            (with_nan[0] - 0.02).abs() < 1e-15 && with_nan[1].is_nan() && (with_nan[2] - 0.02).abs() < 1e-15
        );
        assert!(holm(&[]).is_empty());
    }

    #[test]
    fn kaplan_meier_matches_the_textbook_example() {
        // Freireich et al. (1963), 6-MP arm: weeks in remission, `false` censored.
        let obs: Vec<(f64, bool)> = [
            (6, true),
            (6, true),
            (6, true),
            (6, false),
            (7, true),
            (9, false),
            (10, true),
            (10, false),
            (11, false),
            (13, true),
            (16, true),
            (17, false),
            (19, false),
            (20, false),
            (22, true),
            (23, true),
            (25, false),
            (32, false),
            (32, false),
            (34, false),
            (35, false),
        ]
        .iter()
        .map(|&(t, e)| (f64::from(t), e))
        .collect();
        let km = kaplan_meier(&obs);
        let want = [
            (6.0, 21, 0.857_142_857),
            (7.0, 17, 0.806_722_689),
            (10.0, 15, 0.752_941_176),
            (13.0, 12, 0.690_196_078),
            (16.0, 11, 0.627_450_980),
            (22.0, 7, 0.537_815_126),
            (23.0, 6, 0.448_179_272),
        ];
        assert_eq!(km.len(), want.len());
        for (s, (t, r, v)) in km.iter().zip(want) {
            assert_eq!((s.time, s.at_risk), (t, r));
            assert!((s.survival - v).abs() < 1e-8, "{s:?}");
        }
        assert_eq!(km_quantile(&km, 0.5), Some(23.0));
        assert_eq!(km_quantile(&km, 0.25), Some(13.0));
        assert_eq!(km_quantile(&km, 0.9), None, "the curve stops at 0.448");
        // Without censoring it is the empirical distribution.
        let plain = kaplan_meier(&[(3.0, true), (1.0, true), (2.0, true), (4.0, true)]);
        assert_eq!(km_quantile(&plain, 0.5), Some(2.0));
        assert_eq!(plain.last().map(|s| s.survival), Some(0.0));
    }
}
