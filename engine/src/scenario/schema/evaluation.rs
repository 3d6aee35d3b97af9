//! Scenario section `evaluation`: the core capabilities the after-action
//! report rates, and the metric thresholds of each rating.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::*;

/// Core capabilities the after-action report rates. An `evaluation` without `capabilities`
/// keeps the default capability; `capabilities: []` rates none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct EvaluationSpec {
    /// The capabilities and their metric thresholds.
    pub capabilities: Vec<CapabilitySpec>,
}

impl Default for EvaluationSpec {
    fn default() -> Self {
        EvaluationSpec {
            capabilities: vec![CapabilitySpec {
                name: "Intelligence and Information Sharing".into(),
                measures: vec![
                    MeasureSpec::higher("warned_before_targeted", 0.6, 0.4, 0.2),
                    MeasureSpec::lower("time_to_share_h_p50", 24.0, 72.0, 168.0),
                    MeasureSpec::lower("alert_reach_h_p90", 12.0, 48.0, 120.0),
                ],
            }],
        }
    }
}

/// One core capability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapabilitySpec {
    /// HSEEP core capability name.
    pub name: String,
    /// The metrics that rate it.
    pub measures: Vec<MeasureSpec>,
}

/// A metric with the thresholds of the four HSEEP ratings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureSpec {
    /// Metric name (as in docs/metrics.md).
    pub metric: String,
    /// Whether larger values are better.
    #[serde(default = "yes")]
    pub higher_is_better: bool,
    /// At or past this: performed without challenges.
    pub without_challenges: f64,
    /// At or past this: with some challenges.
    pub some_challenges: f64,
    /// At or past this: with major challenges; beyond it, unable to be performed.
    pub major_challenges: f64,
}

impl MeasureSpec {
    /// A measure where more is better.
    pub fn higher(metric: &str, without: f64, some: f64, major: f64) -> Self {
        MeasureSpec {
            metric: metric.into(),
            higher_is_better: true,
            without_challenges: without,
            some_challenges: some,
            major_challenges: major,
        }
    }

    /// A measure where less is better.
    pub fn lower(metric: &str, without: f64, some: f64, major: f64) -> Self {
        MeasureSpec {
            metric: metric.into(),
            higher_is_better: false,
            without_challenges: without,
            some_challenges: some,
            major_challenges: major,
        }
    }
}
