//! The scenario file format: serde types for every section of a `.ron` scenario.
//!
//! docs/scenarios.md describes each field for scenario authors; the comments
//! here say what a field means in the exercise. Every section but `name`,
//! `clock` and `geography` has defaults, and the defaults carry the sourced
//! base rates of docs/model.md, so a short scenario is a realistic one.
//!
//! Numeric knobs are plain numbers (hours, shares, probabilities) so that
//! `ttx batch --sweep` can address any of them by path, for example
//! `sharing.isac_membership` or `sharing.channels.isac_to_members.median_h`.
//!
//! This module owns the top of the file (`name`, `clock`, `modules`,
//! `geography`, `teams`, `vendors`) and the kinds of actors and assets; each
//! other section has a submodule, re-exported here.

mod adversaries;
mod doctrines;
mod evaluation;
mod injects;
mod posture;
mod public;
mod sharing;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::time::ETime;
pub use adversaries::*;
pub use doctrines::*;
pub use evaluation::*;
pub use injects::*;
pub use posture::*;
pub use public::*;
pub use sharing::*;

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "Scenario")]
pub struct ScenarioSpec {
    /// The exercise's title, shown in the console header and reports.
    pub name: String,
    /// A paragraph for the facilitator and the after-action report.
    #[serde(default)]
    pub description: String,
    /// The scenario background participants read before play, in the Situation Manual
    /// (`ttx sitman`): the setting, never the adversary's plan or the injects.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub background: String,
    /// Exercise objectives (HSEEP style), listed in the report's overview and the Situation Manual.
    #[serde(default)]
    pub objectives: Vec<String>,
    /// When the exercise starts and ends, and the election's key moments.
    pub clock: ClockSpec,
    /// Discussion modules; a module boundary pauses a facilitated exercise.
    #[serde(default)]
    pub modules: Vec<ModuleSpec>,
    /// Which states and local jurisdictions take part.
    pub geography: GeographySpec,
    /// The people at consoles and the actors each team controls.
    #[serde(default)]
    pub teams: Vec<TeamSpec>,
    /// Election technology vendors: a supply-chain path into many jurisdictions.
    #[serde(default)]
    pub vendors: Vec<VendorSpec>,
    /// Security posture of the infrastructure.
    #[serde(default)]
    pub posture: PostureSpec,
    /// The information-sharing knobs researchers sweep.
    #[serde(default)]
    pub sharing: SharingSpec,
    /// Probabilities of each access technique and of detection.
    #[serde(default)]
    pub techniques: TechniquesSpec,
    /// Foreign adversaries and their campaigns.
    #[serde(default)]
    pub adversaries: Vec<AdversarySpec>,
    /// How actors with no human player behave.
    #[serde(default)]
    pub doctrines: DoctrinesSpec,
    /// Public confidence and how incidents and statements move it.
    #[serde(default)]
    pub public: PublicSpec,
    /// Turnout and registration rates that turn outages into affected voters.
    #[serde(default)]
    pub electorate: ElectorateSpec,
    /// The post-election process of Executive Order 13848.
    #[serde(default)]
    pub eo13848: Eo13848Spec,
    /// Scripted injects: events the facilitator's timeline brings.
    #[serde(default)]
    pub injects: Vec<InjectSpec>,
    /// Inject templates the red and white cells (and the facilitator) fill in during play.
    #[serde(default)]
    pub inject_templates: Vec<InjectTemplateSpec>,
    /// Core capabilities and the metric thresholds that rate them in the after-action report.
    #[serde(default)]
    pub evaluation: EvaluationSpec,
}

/// The exercise clock and the election's fixed moments, all relative to Election Day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockSpec {
    /// First simulated hour, e.g. `"E-60d 08:00"`.
    pub start: ETime,
    /// Last simulated hour, e.g. `"E+90d 00:00"`.
    pub end: ETime,
    /// Calendar date of Election Day, for display only (e.g. `"2026-11-03"`).
    #[serde(default)]
    pub election_date: Option<String>,
    /// Voter registration deadline: outages of the registration system before it cost registrations.
    #[serde(default = "default_registration_deadline")]
    pub registration_deadline: ETime,
    /// When polls open on Election Day.
    #[serde(default = "default_polls_open")]
    pub polls_open: ETime,
    /// When polls close on Election Day.
    #[serde(default = "default_polls_close")]
    pub polls_close: ETime,
    /// End of the election-night reporting window, during which results-site downtime counts.
    #[serde(default = "default_reporting_end")]
    pub reporting_end: ETime,
}

fn default_registration_deadline() -> ETime {
    ETime::new(-15, 0)
}
fn default_polls_open() -> ETime {
    ETime::new(0, 7)
}
fn default_polls_close() -> ETime {
    ETime::new(0, 20)
}
fn default_reporting_end() -> ETime {
    ETime::new(1, 6)
}

/// One discussion module (pre-election, Election Day, post-election).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleSpec {
    /// Stable id referenced by injects.
    pub id: String,
    /// Title shown in the header.
    pub title: String,
    /// When the module begins; it ends when the next begins (or at the end of the clock).
    pub start: ETime,
    /// What the module is meant to exercise.
    #[serde(default)]
    pub objectives: Vec<String>,
    /// Discussion questions shown at the module's end.
    #[serde(default)]
    pub questions: Vec<String>,
}

/// Which states take part and how their local jurisdictions are made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GeographySpec {
    /// States by USPS postal code, or all 50 states and DC.
    pub states: StateSelection,
    /// Local election jurisdictions.
    pub jurisdictions: JurisdictionsSpec,
}

/// A choice of states.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum StateSelection {
    /// All 50 states and DC.
    All,
    /// The listed postal codes.
    Only(Vec<String>),
}

/// How local jurisdictions are produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum JurisdictionsSpec {
    /// Every local election jurisdiction the state data lists (7,894 nationally).
    FromData,
    /// A fixed number per state, generated, with registered voters split from the state total.
    Generated {
        /// Jurisdictions per state (capped at the state's real count).
        per_state: u32,
    },
    /// Jurisdictions written out by hand.
    Listed(Vec<JurisdictionSpec>),
}

/// One hand-listed local jurisdiction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JurisdictionSpec {
    /// Stable id, unique in the scenario (e.g. `"harbor"`).
    pub id: String,
    /// Postal code of its state.
    pub state: String,
    /// Display name (e.g. `"Harbor County"`).
    pub name: String,
    /// Registered voters; when absent, a share of the state's total.
    #[serde(default)]
    pub voters: Option<u64>,
    /// EI-ISAC membership; when absent, drawn with `sharing.isac_membership`.
    #[serde(default)]
    pub isac_member: Option<bool>,
}

/// A team: the people at one console.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamSpec {
    /// Stable id used by `ttx join --team` and by injects.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Player team, red cell (plays the adversary) or white cell (control).
    #[serde(default)]
    pub role: TeamRole,
    /// The actors this team acts for.
    #[serde(default)]
    pub controls: Vec<ActorSel>,
}

/// What a team does in the exercise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub enum TeamRole {
    /// Plays its actors.
    #[default]
    Player,
    /// Plays the adversary and makes red-cell injects from templates.
    RedCell,
    /// Exercise control: makes white-cell injects from templates.
    WhiteCell,
}

/// A reference to one or more actors.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub enum ActorSel {
    /// DHS / CISA.
    Dhs,
    /// The Office of the Director of National Intelligence.
    Odni,
    /// The FBI.
    Fbi,
    /// The Department of Justice.
    Doj,
    /// The Treasury (OFAC sanctions).
    Treasury,
    /// The State Department.
    StateDept,
    /// The Elections Infrastructure ISAC.
    EiIsac,
    /// The public (news, confidence).
    Public,
    /// A state's election office, by postal code.
    StateOffice(String),
    /// Every local jurisdiction of a state, by postal code.
    LocalsOf(String),
    /// One local jurisdiction, by id.
    Local(String),
    /// A vendor, by id.
    Vendor(String),
    /// An adversary, by id.
    Adversary(String),
}

/// Kinds of election infrastructure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
pub enum AssetKind {
    /// The statewide voter registration database (owned by the state office).
    VoterRegistration,
    /// Electronic pollbooks used to check voters in.
    Pollbook,
    /// Ballot-marking devices and other voting equipment.
    VotingEquipment,
    /// Central tabulation.
    Tabulation,
    /// The election-night results website.
    ResultsWebsite,
    /// Election office email and IT.
    OfficeIt,
    /// A vendor's software update channel to its customers.
    VendorUpdate,
}

impl AssetKind {
    /// Every kind, in canonical order.
    pub const ALL: [AssetKind; 7] = [
        AssetKind::VoterRegistration,
        AssetKind::Pollbook,
        AssetKind::VotingEquipment,
        AssetKind::Tabulation,
        AssetKind::ResultsWebsite,
        AssetKind::OfficeIt,
        AssetKind::VendorUpdate,
    ];

    /// Short lowercase name used in asset ids.
    pub const fn slug(self) -> &'static str {
        match self {
            AssetKind::VoterRegistration => "vr",
            AssetKind::Pollbook => "pollbook",
            AssetKind::VotingEquipment => "voting",
            AssetKind::Tabulation => "tabulation",
            AssetKind::ResultsWebsite => "results",
            AssetKind::OfficeIt => "office",
            AssetKind::VendorUpdate => "updates",
        }
    }

    /// Human label.
    pub const fn label(self) -> &'static str {
        match self {
            AssetKind::VoterRegistration => "voter registration database",
            AssetKind::Pollbook => "e-pollbooks",
            AssetKind::VotingEquipment => "voting equipment",
            AssetKind::Tabulation => "tabulation",
            AssetKind::ResultsWebsite => "results website",
            AssetKind::OfficeIt => "office email and IT",
            AssetKind::VendorUpdate => "vendor update channel",
        }
    }
}

/// A vendor serving many jurisdictions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorSpec {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Asset kinds the vendor supplies (its customers' assets of these kinds receive its updates).
    pub kinds: Vec<AssetKind>,
    /// States where it sells; empty means every state in the scenario.
    #[serde(default)]
    pub states: Vec<String>,
    /// Share of jurisdictions in those states that are customers.
    #[serde(default = "one")]
    pub market_share: f64,
}

/// Serde default of fields that are 1.0 unless written.
fn one() -> f64 {
    1.0
}

/// Serde default of flags that are on unless written.
fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each default is written once: a section written empty (`()`) is the section's
    /// [`Default`], whether its fields take their defaults from serde or from `impl Default`.
    #[test]
    fn an_empty_section_is_the_default() {
        fn empty<T: serde::de::DeserializeOwned + Default + PartialEq + std::fmt::Debug>(name: &str) {
            let parsed: T =
                ron::from_str("()").unwrap_or_else(|e| panic!("`{name}: ()` does not parse: {e}"));
            assert_eq!(parsed, T::default(), "`{name}: ()` differs from its default");
        }
        empty::<PostureSpec>("posture");
        empty::<Posture>("posture.defaults");
        empty::<SharingSpec>("sharing");
        empty::<ChannelsSpec>("sharing.channels");
        empty::<TechniquesSpec>("techniques");
        empty::<DetectionSpec>("techniques.detection");
        empty::<DoctrinesSpec>("doctrines");
        empty::<Doctrine>("doctrines.local");
        empty::<FederalDoctrine>("doctrines.federal");
        empty::<PublicSpec>("public");
        empty::<ElectorateSpec>("electorate");
        empty::<Eo13848Spec>("eo13848");
        empty::<EvaluationSpec>("evaluation");
    }
}
