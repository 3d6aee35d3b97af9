//! Scenario section `posture`: the security posture of assets (defaults,
//! per-kind changes over the built-in ones, overrides for selected assets),
//! and the asset selector that overrides, campaigns and effects use.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::*;

/// Security posture of assets: defaults, per kind, and overrides.
///
/// Fields not written keep their [`Default`] values. `by_kind` is merged kind by kind with
/// the built-in per-kind changes: a kind written replaces the built-in entry for that kind
/// (`VoterRegistration: ()` removes it), and kinds not written keep theirs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PostureSpec {
    /// The posture of every asset unless changed below.
    pub defaults: Posture,
    /// Changes for all assets of a kind.
    #[serde(deserialize_with = "by_kind_over_builtin")]
    pub by_kind: BTreeMap<AssetKind, PosturePatch>,
    /// Changes for selected assets, applied in order after `by_kind`.
    pub overrides: Vec<PostureOverride>,
}

/// The per-kind posture changes as written, over the built-in ones (see [`PostureSpec`]).
fn by_kind_over_builtin<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<AssetKind, PosturePatch>, D::Error> {
    let written = BTreeMap::<AssetKind, PosturePatch>::deserialize(d)?;
    let mut by_kind = PostureSpec::default().by_kind;
    by_kind.extend(written);
    Ok(by_kind)
}

impl Default for PostureSpec {
    fn default() -> Self {
        let mut by_kind = BTreeMap::new();
        // Post-2019: Albert network sensors on every state's registration system (DOMAIN_FACTS P11).
        by_kind.insert(
            AssetKind::VoterRegistration,
            PosturePatch {
                monitoring: Some(Monitoring::NetworkSensor),
                mfa: Some(true),
                ..PosturePatch::default()
            },
        );
        PostureSpec { defaults: Posture::default(), by_kind, overrides: Vec::new() }
    }
}

/// The security posture of one asset. Fields not written keep their [`Default`] values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Posture {
    /// Multi-factor authentication enforced.
    pub mfa: bool,
    /// Days behind on security patches (0 = current).
    pub patch_lag_days: u32,
    /// How the asset is watched.
    pub monitoring: Monitoring,
    /// Offline backups exist (fast, clean restore).
    pub offline_backups: bool,
    /// Paper fallback ready (paper pollbooks, paper ballots).
    pub paper_fallback: bool,
    /// Staff phishing-awareness training.
    pub training: Training,
    /// DDoS protection in front of public-facing sites.
    pub ddos_protection: bool,
}

impl Default for Posture {
    fn default() -> Self {
        Posture {
            mfa: false,
            patch_lag_days: 30,
            monitoring: Monitoring::Basic,
            offline_backups: false,
            paper_fallback: true,
            training: Training::Untrained,
            ddos_protection: false,
        }
    }
}

impl Posture {
    /// A short description, as the consoles and reports show it: "MFA, patch lag 0d, EDR,
    /// offline backups, trained 12m".
    pub fn summary(&self) -> String {
        let mut parts = vec![if self.mfa { "MFA".to_string() } else { "no MFA".to_string() }];
        parts.push(format!("patch lag {}d", self.patch_lag_days));
        parts.push(self.monitoring.label().to_string());
        if self.offline_backups {
            parts.push("offline backups".into());
        }
        parts.push(self.training.label().to_string());
        parts.join(", ")
    }
}

/// A partial posture: only the fields given change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PosturePatch {
    /// See [`Posture::mfa`].
    #[serde(default)]
    pub mfa: Option<bool>,
    /// See [`Posture::patch_lag_days`].
    #[serde(default)]
    pub patch_lag_days: Option<u32>,
    /// See [`Posture::monitoring`].
    #[serde(default)]
    pub monitoring: Option<Monitoring>,
    /// See [`Posture::offline_backups`].
    #[serde(default)]
    pub offline_backups: Option<bool>,
    /// See [`Posture::paper_fallback`].
    #[serde(default)]
    pub paper_fallback: Option<bool>,
    /// See [`Posture::training`].
    #[serde(default)]
    pub training: Option<Training>,
    /// See [`Posture::ddos_protection`].
    #[serde(default)]
    pub ddos_protection: Option<bool>,
}

impl PosturePatch {
    /// The fields the change sets, in words: "MFA on, patches 0 days behind, monitoring: EDR".
    pub fn words(&self) -> String {
        let mut v = Vec::new();
        if let Some(x) = self.mfa {
            v.push(format!("MFA {}", if x { "on" } else { "off" }));
        }
        if let Some(x) = self.patch_lag_days {
            v.push(format!("patches {x} days behind"));
        }
        if let Some(x) = self.monitoring {
            v.push(format!("monitoring: {}", x.label()));
        }
        if let Some(x) = self.offline_backups {
            v.push(format!("offline backups {}", if x { "yes" } else { "no" }));
        }
        if let Some(x) = self.paper_fallback {
            v.push(format!("paper fallback {}", if x { "ready" } else { "not ready" }));
        }
        if let Some(x) = self.training {
            v.push(format!("training: {}", x.label()));
        }
        if let Some(x) = self.ddos_protection {
            v.push(format!("DDoS protection {}", if x { "on" } else { "off" }));
        }
        v.join(", ")
    }
}

impl PosturePatch {
    /// Applies the given fields to a posture.
    pub fn apply(&self, p: &mut Posture) {
        if let Some(v) = self.mfa {
            p.mfa = v;
        }
        if let Some(v) = self.patch_lag_days {
            p.patch_lag_days = v;
        }
        if let Some(v) = self.monitoring {
            p.monitoring = v;
        }
        if let Some(v) = self.offline_backups {
            p.offline_backups = v;
        }
        if let Some(v) = self.paper_fallback {
            p.paper_fallback = v;
        }
        if let Some(v) = self.training {
            p.training = v;
        }
        if let Some(v) = self.ddos_protection {
            p.ddos_protection = v;
        }
    }
}

/// A posture change for selected assets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostureOverride {
    /// Which assets (empty lists match everything).
    #[serde(default)]
    pub select: AssetSelector,
    /// What changes.
    pub set: PosturePatch,
}

/// Selects assets by kind, state and jurisdiction; an empty list matches all.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetSelector {
    /// Asset kinds.
    #[serde(default)]
    pub kinds: Vec<AssetKind>,
    /// States by postal code.
    #[serde(default)]
    pub states: Vec<String>,
    /// Local jurisdictions by id.
    #[serde(default)]
    pub jurisdictions: Vec<String>,
    /// At most this many, chosen at random (0 = all that match).
    #[serde(default)]
    pub count: u32,
}

/// How an asset is monitored.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Monitoring {
    /// Nobody looks at the logs.
    None,
    /// Logs kept and looked at occasionally.
    #[default]
    Basic,
    /// An intrusion-detection sensor watched by the EI-ISAC's operations centre (Albert).
    NetworkSensor,
    /// Endpoint detection and response on the hosts.
    Endpoint,
}

impl Monitoring {
    /// In a few words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Monitoring::None => "no monitoring",
            Monitoring::Basic => "basic logs",
            Monitoring::NetworkSensor => "network sensor",
            Monitoring::Endpoint => "EDR",
        }
    }
}

/// Phishing-awareness training of the staff.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Training {
    /// No training: about a third fail a phishing test.
    #[default]
    Untrained,
    /// About 90 days of training.
    NinetyDays,
    /// A year or more of training.
    TwelveMonths,
}

impl Training {
    /// In a few words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Training::Untrained => "untrained",
            Training::NinetyDays => "trained 90d",
            Training::TwelveMonths => "trained 12m",
        }
    }
}
