//! HSEEP core-capability ratings from metric thresholds.
//!
//! A scenario's `evaluation` section names core capabilities and, for each,
//! the metrics that rate it with three thresholds (`MeasureSpec`). A measure
//! is rated by where its value falls:
//!
//! - higher is better: at or above `without_challenges` → P; at or above
//!   `some_challenges` → S; at or above `major_challenges` → M; below → U;
//! - lower is better: the same with "at or below".
//!
//! A capability takes the worst rating among its rated measures: one measure
//! performed with major challenges means the capability was. A measure whose
//! metric has no value (nothing to measure: no jurisdiction was targeted, no
//! alert was sent) is "not rated" and does not count, except where the absence
//! is itself the failure (see `aar::capabilities`: a campaign detected but never alerted).

use ttx_engine::scenario::schema::MeasureSpec;

/// The four HSEEP performance ratings, plus "not rated" when there is no evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rating {
    /// Performed without Challenges (P).
    WithoutChallenges,
    /// Performed with Some Challenges (S).
    SomeChallenges,
    /// Performed with Major Challenges (M).
    MajorChallenges,
    /// Unable to be Performed (U).
    Unable,
    /// No evidence to rate.
    NotRated,
}

impl Rating {
    /// The HSEEP wording.
    pub const fn label(self) -> &'static str {
        match self {
            Rating::WithoutChallenges => "Performed without Challenges (P)",
            Rating::SomeChallenges => "Performed with Some Challenges (S)",
            Rating::MajorChallenges => "Performed with Major Challenges (M)",
            Rating::Unable => "Unable to be Performed (U)",
            Rating::NotRated => "Not rated (no evidence)",
        }
    }

    /// The one-letter code.
    pub const fn letter(self) -> &'static str {
        match self {
            Rating::WithoutChallenges => "P",
            Rating::SomeChallenges => "S",
            Rating::MajorChallenges => "M",
            Rating::Unable => "U",
            Rating::NotRated => "-",
        }
    }

    /// CSS class for the badge.
    pub const fn css(self) -> &'static str {
        match self {
            Rating::WithoutChallenges => "r-p",
            Rating::SomeChallenges => "r-s",
            Rating::MajorChallenges => "r-m",
            Rating::Unable => "r-u",
            Rating::NotRated => "r-n",
        }
    }

    /// Whether a measure with this rating shows a challenge worth an improvement item.
    pub const fn is_challenge(self) -> bool {
        matches!(self, Rating::SomeChallenges | Rating::MajorChallenges | Rating::Unable)
    }
}

/// Rates one value against a measure's thresholds.
pub fn rate(m: &MeasureSpec, value: Option<f64>) -> Rating {
    let Some(v) = value else { return Rating::NotRated };
    if !v.is_finite() {
        return Rating::NotRated;
    }
    let meets = |t: f64| if m.higher_is_better { v >= t } else { v <= t };
    if meets(m.without_challenges) {
        Rating::WithoutChallenges
    } else if meets(m.some_challenges) {
        Rating::SomeChallenges
    } else if meets(m.major_challenges) {
        Rating::MajorChallenges
    } else {
        Rating::Unable
    }
}

/// The capability's rating: the worst of its rated measures (not rated when none is).
pub fn combine(ratings: impl IntoIterator<Item = Rating>) -> Rating {
    ratings.into_iter().filter(|r| *r != Rating::NotRated).max().unwrap_or(Rating::NotRated)
}

/// The threshold a measure must reach for the next better rating, as text ("≥ 0.6").
pub fn threshold_text(m: &MeasureSpec, fmt: impl Fn(f64) -> String) -> String {
    let op = if m.higher_is_better { "≥" } else { "≤" };
    format!(
        "P {op} {}, S {op} {}, M {op} {}, else U",
        fmt(m.without_challenges),
        fmt(m.some_challenges),
        fmt(m.major_challenges)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_is_better_bands() {
        let m = MeasureSpec::higher("warned_before_targeted", 0.6, 0.4, 0.2);
        assert_eq!(rate(&m, Some(0.6)), Rating::WithoutChallenges);
        assert_eq!(rate(&m, Some(0.59)), Rating::SomeChallenges);
        assert_eq!(rate(&m, Some(0.4)), Rating::SomeChallenges);
        assert_eq!(rate(&m, Some(0.2)), Rating::MajorChallenges);
        assert_eq!(rate(&m, Some(0.19)), Rating::Unable);
        assert_eq!(rate(&m, None), Rating::NotRated);
        assert_eq!(rate(&m, Some(f64::NAN)), Rating::NotRated);
    }

    #[test]
    fn lower_is_better_bands() {
        let m = MeasureSpec::lower("time_to_share_h_p50", 24.0, 72.0, 168.0);
        assert_eq!(rate(&m, Some(0.0)), Rating::WithoutChallenges);
        assert_eq!(rate(&m, Some(24.0)), Rating::WithoutChallenges);
        assert_eq!(rate(&m, Some(25.0)), Rating::SomeChallenges);
        assert_eq!(rate(&m, Some(168.0)), Rating::MajorChallenges);
        assert_eq!(rate(&m, Some(169.0)), Rating::Unable);
    }

    #[test]
    fn capability_takes_the_worst_rated_measure() {
        use Rating::*;
        assert_eq!(combine([WithoutChallenges, MajorChallenges, SomeChallenges]), MajorChallenges);
        assert_eq!(combine([WithoutChallenges, NotRated]), WithoutChallenges);
        assert_eq!(combine([NotRated, NotRated]), NotRated);
        assert_eq!(combine([]), NotRated);
    }
}
