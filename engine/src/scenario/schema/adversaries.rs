//! Scenario sections `techniques` and `adversaries`: access techniques and
//! detection rates, the adversaries, and their campaigns with every campaign
//! default.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::*;

/// Probabilities per access technique and detection rates per monitoring level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TechniquesSpec {
    /// Spear-phishing of staff.
    pub phishing: TechniqueSpec,
    /// Exploiting a public-facing service (e.g. SQL injection).
    pub exploit_public_facing: TechniqueSpec,
    /// Logging in with stolen or guessed credentials.
    pub credential_stuffing: TechniqueSpec,
    /// Malicious updates through a compromised vendor.
    pub vendor_compromise: TechniqueSpec,
    /// Flooding a public site (needs no access).
    pub denial_of_service: TechniqueSpec,
    /// Detection rates by monitoring level.
    pub detection: DetectionSpec,
}

impl Default for TechniquesSpec {
    fn default() -> Self {
        TechniquesSpec {
            phishing: TechniqueSpec {
                success: 0.343,
                block: 0.10,
                block_with_indicator: 0.55,
                detect_boost: 2.5,
            },
            exploit_public_facing: TechniqueSpec {
                success: 0.45,
                block: 0.05,
                block_with_indicator: 0.6,
                detect_boost: 3.0,
            },
            credential_stuffing: TechniqueSpec {
                success: 0.25,
                block: 0.05,
                block_with_indicator: 0.5,
                detect_boost: 2.0,
            },
            vendor_compromise: TechniqueSpec {
                success: 0.8,
                block: 0.02,
                block_with_indicator: 0.7,
                detect_boost: 2.0,
            },
            denial_of_service: TechniqueSpec {
                success: 0.9,
                block: 0.05,
                block_with_indicator: 0.5,
                detect_boost: 1.0,
            },
            detection: DetectionSpec::default(),
        }
    }
}

/// Base probabilities of one access technique.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TechniqueSpec {
    /// Probability one access attempt succeeds against an unprotected target (before posture and skill).
    pub success: f64,
    /// Probability an attempt is blocked by routine defences.
    pub block: f64,
    /// Added blocking when the target holds an indicator of this campaign (half of it for the same technique).
    pub block_with_indicator: f64,
    /// Detection is multiplied by this when the target holds a matching indicator.
    pub detect_boost: f64,
}

/// Probability that one adversary action is noticed, by the target's monitoring. Fields not
/// written keep their [`Default`] values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DetectionSpec {
    /// No monitoring.
    pub none: f64,
    /// Basic logging.
    pub basic: f64,
    /// Network sensor watched by the EI-ISAC (Albert).
    pub network_sensor: f64,
    /// Endpoint detection and response.
    pub endpoint: f64,
    /// Hours between an established intruder's actions once it has acted on its objective.
    pub persistence_tempo_h: u32,
    /// Chance that an owner told of a campaign by someone else (an alert, a notification)
    /// finds an intruder of that campaign it had not seen.
    pub hunt: f64,
}

impl Default for DetectionSpec {
    fn default() -> Self {
        DetectionSpec {
            none: 0.01,
            basic: 0.04,
            network_sensor: 0.12,
            endpoint: 0.2,
            persistence_tempo_h: 24,
            hunt: 0.25,
        }
    }
}

/// A foreign adversary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdversarySpec {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// 0..1: raises the chance its access attempts succeed.
    #[serde(default = "half")]
    pub skill: f64,
    /// 0..1: lowers the chance its actions are noticed.
    #[serde(default = "half")]
    pub stealth: f64,
    /// Probability the intelligence community learns of each of its campaigns on its own.
    #[serde(default = "default_intel_coverage")]
    pub intel_coverage: f64,
    /// Hours after a campaign starts before ODNI learns of it (when it does).
    #[serde(default = "default_intel_delay")]
    pub intel_delay_h: f64,
    /// What kind of adversary it is: only a foreign government's interference is assessed,
    /// reported and sanctioned under EO 13848.
    #[serde(default, skip_serializing_if = "AdversaryKind::is_foreign_government")]
    pub kind: AdversaryKind,
    /// Another adversary whose tools it imitates: part of the evidence points there.
    #[serde(default)]
    pub false_flag: Option<String>,
    /// Share of attribution evidence that points at the imitated adversary.
    #[serde(default)]
    pub false_flag_share: f64,
    /// Its campaigns.
    #[serde(default)]
    pub campaigns: Vec<CampaignSpec>,
}

fn half() -> f64 {
    0.5
}
fn default_intel_coverage() -> f64 {
    0.5
}
fn default_intel_delay() -> f64 {
    240.0
}

/// What a campaign is after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Objective {
    /// Take systems down (ransomware, wiper, DDoS).
    Disrupt,
    /// Change data (voter registrations).
    AlterData,
    /// Steal data and leak it publicly.
    StealAndLeak,
    /// Move public opinion: disinformation, perception hacking.
    Influence,
}

/// How a campaign gets in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Technique {
    /// Spear-phishing.
    Phishing,
    /// Exploiting a public-facing service.
    ExploitPublicFacing,
    /// Credential stuffing.
    CredentialStuffing,
    /// Through a compromised vendor's updates.
    VendorCompromise,
    /// Denial of service (no access needed).
    DenialOfService,
}

impl Technique {
    /// Every technique, in canonical order.
    pub const ALL: [Technique; 5] = [
        Technique::Phishing,
        Technique::ExploitPublicFacing,
        Technique::CredentialStuffing,
        Technique::VendorCompromise,
        Technique::DenialOfService,
    ];

    /// Human label of a campaign's or an indicator's technique (none: an influence operation).
    pub fn label_of(t: Option<Technique>) -> &'static str {
        t.map_or("influence operation", Technique::label)
    }

    /// Human label.
    pub const fn label(self) -> &'static str {
        match self {
            Technique::Phishing => "phishing",
            Technique::ExploitPublicFacing => "exploit of a public-facing service",
            Technique::CredentialStuffing => "credential stuffing",
            Technique::VendorCompromise => "vendor compromise",
            Technique::DenialOfService => "denial of service",
        }
    }
}

/// Which targets a campaign goes after.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    /// Asset kinds it attacks.
    pub kinds: Vec<AssetKind>,
    /// States to pick from; empty means every state in the scenario.
    #[serde(default)]
    pub states: Vec<String>,
    /// Jurisdictions to pick from (by id); empty means any.
    #[serde(default)]
    pub jurisdictions: Vec<String>,
    /// How many targets (0 = every matching asset).
    #[serde(default)]
    pub count: u32,
    /// How targets are chosen among the candidates.
    #[serde(default)]
    pub prefer: TargetPreference,
}

/// How a campaign orders its candidate targets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TargetPreference {
    /// At random.
    #[default]
    Random,
    /// The jurisdictions with the most registered voters first.
    Largest,
    /// Jurisdictions outside the EI-ISAC first (the least warned).
    NonMembers,
}

/// Who an adversary is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AdversaryKind {
    /// A foreign government or its services (the EO 13848 process applies).
    #[default]
    NationState,
    /// A criminal group acting for itself (ransomware for money).
    Criminal,
    /// Hacktivists.
    Hacktivist,
}

impl AdversaryKind {
    /// Whether EO 13848 applies to it.
    pub fn is_foreign_government(&self) -> bool {
        *self == AdversaryKind::NationState
    }

    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            AdversaryKind::NationState => "nation-state",
            AdversaryKind::Criminal => "criminal",
            AdversaryKind::Hacktivist => "hacktivist",
        }
    }
}

/// One adversary campaign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignSpec {
    /// Stable id, unique in the scenario.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What it is after.
    pub objective: Objective,
    /// How it gets in. Required for every objective but `Influence`: an influence campaign
    /// gains no access, and may omit it.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "some_bare")]
    pub technique: Option<Technique>,
    /// When it starts; absent means dormant until an inject or the red cell launches it.
    #[serde(default)]
    pub start: Option<ETime>,
    /// When it stops starting new targets (absent: the end of the clock).
    #[serde(default)]
    pub until: Option<ETime>,
    /// Its targets (for influence campaigns: none).
    #[serde(default)]
    pub targets: Option<TargetSpec>,
    /// For vendor compromise: the vendor it goes through.
    #[serde(default)]
    pub vendor: Option<String>,
    /// Hours between starting on one target and the next: the gap that sharing must beat.
    #[serde(default = "default_spacing")]
    pub spacing_h: u32,
    /// Mean hours between its actions against one target.
    #[serde(default = "default_tempo")]
    pub tempo_h: u32,
    /// Reconnaissance actions before the first access attempt.
    #[serde(default = "default_recon")]
    pub recon_actions: u32,
    /// Access attempts per target before giving up on it.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// Actions between gaining a foothold and acting on the objective.
    #[serde(default = "default_foothold")]
    pub foothold_actions: u32,
    /// Disrupt / denial of service: hours a target stays down without a restore.
    #[serde(default = "default_outage")]
    pub outage_h: u32,
    /// Alter data: share of a registration database's records altered.
    #[serde(default = "default_altered")]
    pub altered_share: f64,
    /// Steal and leak: hours from theft to the public leak.
    #[serde(default = "default_leak_after")]
    pub leak_after_h: u32,
    /// Influence: hours between disinformation surges.
    #[serde(default = "default_surge_every")]
    pub surge_every_h: u32,
    /// Influence: confidence points one unanswered surge costs.
    #[serde(default = "default_surge")]
    pub surge_intensity: f64,
    /// Influence: how much it amplifies the public effect of visible incidents (0.5 = +50%).
    #[serde(default = "default_amplification")]
    pub amplification: f64,
}

/// Writes a present optional value as the value itself (`technique: Phishing`, as scenarios
/// write it and as the scenario hash has always read it), not as `Some(Phishing)`.
fn some_bare<T: Serialize, S: serde::Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => x.serialize(s),
        None => s.serialize_none(),
    }
}

fn default_spacing() -> u32 {
    12
}
fn default_tempo() -> u32 {
    6
}
fn default_recon() -> u32 {
    2
}
fn default_attempts() -> u32 {
    3
}
fn default_foothold() -> u32 {
    3
}
fn default_outage() -> u32 {
    72
}
fn default_altered() -> f64 {
    0.01
}
fn default_leak_after() -> u32 {
    240
}
fn default_surge_every() -> u32 {
    72
}
fn default_surge() -> f64 {
    1.5
}
fn default_amplification() -> f64 {
    0.5
}
