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

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::time::ETime;

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

/// The channels indicators travel on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Channel {
    /// A local jurisdiction reports to its state election office.
    LocalToState,
    /// A state election office relays to its local jurisdictions.
    StateToLocals,
    /// A state election office shares with the EI-ISAC.
    StateToIsac,
    /// A member jurisdiction reports to the EI-ISAC.
    MemberToIsac,
    /// The EI-ISAC alerts every member.
    IsacToMembers,
    /// The EI-ISAC passes reports to DHS/CISA.
    IsacToDhs,
    /// DHS/CISA issues an advisory through the EI-ISAC.
    DhsToIsac,
    /// ODNI passes intelligence to DHS after the declassification (tearline) delay.
    OdniToDhs,
    /// The FBI notifies a victim (and, by policy, its chief state election official).
    FbiToVictim,
    /// A victim reports to the FBI.
    ReportToFbi,
    /// A vendor notifies its customers.
    VendorToCustomers,
    /// A public advisory that reaches everyone, members or not.
    PublicAdvisory,
}

impl Channel {
    /// Every channel, in canonical order.
    pub const ALL: [Channel; 12] = [
        Channel::LocalToState,
        Channel::StateToLocals,
        Channel::StateToIsac,
        Channel::MemberToIsac,
        Channel::IsacToMembers,
        Channel::IsacToDhs,
        Channel::DhsToIsac,
        Channel::OdniToDhs,
        Channel::FbiToVictim,
        Channel::ReportToFbi,
        Channel::VendorToCustomers,
        Channel::PublicAdvisory,
    ];

    /// snake_case name (used in metric names and sweep paths).
    pub const fn slug(self) -> &'static str {
        match self {
            Channel::LocalToState => "local_to_state",
            Channel::StateToLocals => "state_to_locals",
            Channel::StateToIsac => "state_to_isac",
            Channel::MemberToIsac => "member_to_isac",
            Channel::IsacToMembers => "isac_to_members",
            Channel::IsacToDhs => "isac_to_dhs",
            Channel::DhsToIsac => "dhs_to_isac",
            Channel::OdniToDhs => "odni_to_dhs",
            Channel::FbiToVictim => "fbi_to_victim",
            Channel::ReportToFbi => "report_to_fbi",
            Channel::VendorToCustomers => "vendor_to_customers",
            Channel::PublicAdvisory => "public_advisory",
        }
    }

    /// Position in [`Channel::ALL`].
    pub fn index(self) -> usize {
        Channel::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }
}

/// The sharing knobs. Fields not written keep their [`Default`] values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SharingSpec {
    /// Share of local jurisdictions that are EI-ISAC members (unless listed otherwise).
    pub isac_membership: f64,
    /// Share of state election offices that are EI-ISAC members.
    pub state_isac_membership: f64,
    /// Hours ODNI needs to declassify intelligence (the tearline) before DHS may share it.
    pub tearline_h: f64,
    /// Days an indicator stays useful: an indicator observed longer ago than this no longer
    /// warns (its addresses, domains and lures have been replaced).
    pub indicator_life_days: f64,
    /// Latency and reliability of every channel.
    pub channels: ChannelsSpec,
}

impl SharingSpec {
    /// [`SharingSpec::indicator_life_days`] in whole hours.
    pub fn indicator_life_h(&self) -> u32 {
        (self.indicator_life_days.max(0.0) * 24.0).min(f64::from(u32::MAX)) as u32
    }
}

fn one() -> f64 {
    1.0
}

impl Default for SharingSpec {
    fn default() -> Self {
        SharingSpec {
            isac_membership: 0.45,
            state_isac_membership: 1.0,
            tearline_h: 72.0,
            indicator_life_days: 30.0,
            channels: ChannelsSpec::default(),
        }
    }
}

/// Every channel's latency and reliability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ChannelsSpec {
    /// See [`Channel::LocalToState`].
    pub local_to_state: ChannelSpec,
    /// See [`Channel::StateToLocals`].
    pub state_to_locals: ChannelSpec,
    /// See [`Channel::StateToIsac`].
    pub state_to_isac: ChannelSpec,
    /// See [`Channel::MemberToIsac`].
    pub member_to_isac: ChannelSpec,
    /// See [`Channel::IsacToMembers`].
    pub isac_to_members: ChannelSpec,
    /// See [`Channel::IsacToDhs`].
    pub isac_to_dhs: ChannelSpec,
    /// See [`Channel::DhsToIsac`].
    pub dhs_to_isac: ChannelSpec,
    /// See [`Channel::OdniToDhs`] (added to the tearline delay).
    pub odni_to_dhs: ChannelSpec,
    /// See [`Channel::FbiToVictim`].
    pub fbi_to_victim: ChannelSpec,
    /// See [`Channel::ReportToFbi`].
    pub report_to_fbi: ChannelSpec,
    /// See [`Channel::VendorToCustomers`].
    pub vendor_to_customers: ChannelSpec,
    /// See [`Channel::PublicAdvisory`].
    pub public_advisory: ChannelSpec,
}

impl ChannelsSpec {
    /// The spec of one channel.
    pub fn get(&self, c: Channel) -> &ChannelSpec {
        match c {
            Channel::LocalToState => &self.local_to_state,
            Channel::StateToLocals => &self.state_to_locals,
            Channel::StateToIsac => &self.state_to_isac,
            Channel::MemberToIsac => &self.member_to_isac,
            Channel::IsacToMembers => &self.isac_to_members,
            Channel::IsacToDhs => &self.isac_to_dhs,
            Channel::DhsToIsac => &self.dhs_to_isac,
            Channel::OdniToDhs => &self.odni_to_dhs,
            Channel::FbiToVictim => &self.fbi_to_victim,
            Channel::ReportToFbi => &self.report_to_fbi,
            Channel::VendorToCustomers => &self.vendor_to_customers,
            Channel::PublicAdvisory => &self.public_advisory,
        }
    }

    /// The spec of one channel, mutable.
    pub fn get_mut(&mut self, c: Channel) -> &mut ChannelSpec {
        match c {
            Channel::LocalToState => &mut self.local_to_state,
            Channel::StateToLocals => &mut self.state_to_locals,
            Channel::StateToIsac => &mut self.state_to_isac,
            Channel::MemberToIsac => &mut self.member_to_isac,
            Channel::IsacToMembers => &mut self.isac_to_members,
            Channel::IsacToDhs => &mut self.isac_to_dhs,
            Channel::DhsToIsac => &mut self.dhs_to_isac,
            Channel::OdniToDhs => &mut self.odni_to_dhs,
            Channel::FbiToVictim => &mut self.fbi_to_victim,
            Channel::ReportToFbi => &mut self.report_to_fbi,
            Channel::VendorToCustomers => &mut self.vendor_to_customers,
            Channel::PublicAdvisory => &mut self.public_advisory,
        }
    }
}

impl Default for ChannelsSpec {
    fn default() -> Self {
        // Post-2018 defaults; docs/model.md gives the source of each.
        ChannelsSpec {
            local_to_state: ChannelSpec::hours(1.0, 4.0, 24.0, 72.0, 0.95),
            state_to_locals: ChannelSpec::hours(2.0, 8.0, 36.0, 96.0, 0.9),
            state_to_isac: ChannelSpec::hours(1.0, 6.0, 24.0, 72.0, 0.95),
            member_to_isac: ChannelSpec::hours(1.0, 6.0, 24.0, 72.0, 0.9),
            isac_to_members: ChannelSpec::hours(1.0, 2.0, 8.0, 24.0, 0.97),
            isac_to_dhs: ChannelSpec::hours(1.0, 2.0, 6.0, 24.0, 0.99),
            dhs_to_isac: ChannelSpec::hours(2.0, 12.0, 48.0, 120.0, 0.99),
            odni_to_dhs: ChannelSpec::hours(1.0, 12.0, 48.0, 120.0, 0.95),
            fbi_to_victim: ChannelSpec::hours(4.0, 24.0, 96.0, 240.0, 0.9),
            report_to_fbi: ChannelSpec::hours(2.0, 24.0, 96.0, 240.0, 0.8),
            vendor_to_customers: ChannelSpec::hours(4.0, 24.0, 96.0, 240.0, 0.9),
            public_advisory: ChannelSpec::hours(1.0, 24.0, 48.0, 96.0, 0.9),
        }
    }
}

/// Latency distribution and reliability of a channel.
///
/// Latency is drawn from a distribution given by four quantiles (minimum,
/// median, 90th percentile, maximum), interpolated linearly between them and
/// rounded up to whole hours (at least one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelSpec {
    /// Whether the channel exists at all in this scenario.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Shortest latency, hours.
    pub min_h: f64,
    /// Median latency, hours.
    pub median_h: f64,
    /// 90th-percentile latency, hours.
    pub p90_h: f64,
    /// Longest latency, hours.
    pub max_h: f64,
    /// Probability a message arrives at all.
    #[serde(default = "one")]
    pub reliability: f64,
}

fn yes() -> bool {
    true
}

impl ChannelSpec {
    /// A channel from its latency quantiles (hours) and reliability.
    pub const fn hours(min_h: f64, median_h: f64, p90_h: f64, max_h: f64, reliability: f64) -> Self {
        ChannelSpec { enabled: true, min_h, median_h, p90_h, max_h, reliability }
    }

    /// Multiplies every latency quantile by `factor`.
    pub fn scale_latency(&mut self, factor: f64) {
        self.min_h *= factor;
        self.median_h *= factor;
        self.p90_h *= factor;
        self.max_h *= factor;
    }
}

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

/// Behaviour of actors with no human player.
///
/// Fields not written keep their [`Default`] values; the fields written of one actor's
/// doctrine change that actor's default doctrine (so `state: (relay: false)` keeps the state
/// offices' own reporting and relay hours).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DoctrinesSpec {
    /// Local election offices.
    #[serde(deserialize_with = "over_default::<0, _>")]
    pub local: Doctrine,
    /// State election offices.
    #[serde(deserialize_with = "over_default::<1, _>")]
    pub state: Doctrine,
    /// Vendors.
    #[serde(deserialize_with = "over_default::<2, _>")]
    pub vendor: Doctrine,
    /// The EI-ISAC.
    #[serde(deserialize_with = "over_default::<3, _>")]
    pub eiisac: Doctrine,
    /// DHS / CISA.
    #[serde(deserialize_with = "over_default::<4, _>")]
    pub dhs: Doctrine,
    /// The FBI.
    #[serde(deserialize_with = "over_default::<5, _>")]
    pub fbi: Doctrine,
    /// ODNI.
    #[serde(deserialize_with = "over_default::<6, _>")]
    pub odni: Doctrine,
    /// Federal specifics (assessment teams, notification policy).
    pub federal: FederalDoctrine,
    /// Changes for selected actors.
    pub overrides: Vec<DoctrineOverride>,
}

impl Default for DoctrinesSpec {
    fn default() -> Self {
        let local = Doctrine::default();
        let state = Doctrine { report_h: 6.0, relay_h: 8.0, ..Doctrine::default() };
        let vendor = Doctrine { report_h: 24.0, relay_h: 24.0, statement_h: None, ..Doctrine::default() };
        let eiisac = Doctrine { relay_h: 6.0, ..Doctrine::default() };
        let dhs = Doctrine { relay_h: 12.0, ..Doctrine::default() };
        let fbi = Doctrine { relay_h: 24.0, ..Doctrine::default() };
        let odni = Doctrine { relay_h: 0.0, ..Doctrine::default() };
        DoctrinesSpec {
            local,
            state,
            vendor,
            eiisac,
            dhs,
            fbi,
            odni,
            federal: FederalDoctrine::default(),
            overrides: vec![],
        }
    }
}

/// A doctrine as written in [`DoctrinesSpec`], over the default doctrine of actor `N` (in the
/// order of the fields of [`DoctrinesSpec`]).
fn over_default<'de, const N: usize, D: serde::Deserializer<'de>>(d: D) -> Result<Doctrine, D::Error> {
    let written = DoctrineFields::deserialize(d)?;
    let defaults = DoctrinesSpec::default();
    let mut doctrine = match N {
        0 => defaults.local,
        1 => defaults.state,
        2 => defaults.vendor,
        3 => defaults.eiisac,
        4 => defaults.dhs,
        5 => defaults.fbi,
        _ => defaults.odni,
    };
    macro_rules! set {
        ($($f:ident),*) => { $( if let Some(v) = written.$f { doctrine.$f = v; } )* };
    }
    set!(
        report_h,
        share_before_confirm,
        confirm_h,
        relay,
        relay_h,
        report_to_fbi,
        respond_h,
        isolate_on_detect,
        restore_on_detect,
        request_onsite,
        harden_on_alert,
        harden_h,
        statement_h,
        debunk_h
    );
    Ok(doctrine)
}

/// The fields of a [`Doctrine`] as written: `None` when not written. `statement_h` and
/// `debunk_h` tell "not written" (outer `None`) from "written as `None`" (never).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "Doctrine")]
struct DoctrineFields {
    #[serde(default)]
    report_h: Option<f64>,
    #[serde(default)]
    share_before_confirm: Option<bool>,
    #[serde(default)]
    confirm_h: Option<f64>,
    #[serde(default)]
    relay: Option<bool>,
    #[serde(default)]
    relay_h: Option<f64>,
    #[serde(default)]
    report_to_fbi: Option<bool>,
    #[serde(default)]
    respond_h: Option<f64>,
    #[serde(default)]
    isolate_on_detect: Option<bool>,
    #[serde(default)]
    restore_on_detect: Option<bool>,
    #[serde(default)]
    request_onsite: Option<bool>,
    #[serde(default)]
    harden_on_alert: Option<bool>,
    #[serde(default)]
    harden_h: Option<f64>,
    #[serde(default, deserialize_with = "written")]
    statement_h: Option<Option<f64>>,
    #[serde(default, deserialize_with = "written")]
    debunk_h: Option<Option<f64>>,
}

/// A field that is written, whatever its value.
fn written<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A small policy for an unstaffed actor. Fields that do not apply to an actor's kind are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Doctrine {
    /// Hours from detecting something to reporting it on.
    pub report_h: f64,
    /// Whether it reports before confirming what it saw.
    pub share_before_confirm: bool,
    /// Extra hours to confirm first, when it does not share before confirming.
    pub confirm_h: f64,
    /// Whether it passes indicators on to those it serves (state → locals, what it detects
    /// itself and what it receives; EI-ISAC → members; DHS → EI-ISAC; vendor → customers, what
    /// it receives).
    pub relay: bool,
    /// Hours to pass a received indicator on.
    pub relay_h: f64,
    /// Whether a victim also reports to the FBI.
    pub report_to_fbi: bool,
    /// Hours from detecting a compromise or outage to responding (isolate, restore, ask for help).
    pub respond_h: f64,
    /// Take a compromised asset offline on detection.
    pub isolate_on_detect: bool,
    /// Restore a compromised or disrupted asset from backup.
    pub restore_on_detect: bool,
    /// Ask DHS for an on-site assessment team when compromised.
    pub request_onsite: bool,
    /// Patch and enforce MFA when an alert about a technique arrives.
    pub harden_on_alert: bool,
    /// Hours to harden after an alert.
    pub harden_h: f64,
    /// Hours to make a reassuring public statement after a visible incident (absent: none).
    pub statement_h: Option<f64>,
    /// Hours to debunk a disinformation surge (absent: never).
    pub debunk_h: Option<f64>,
}

impl Default for Doctrine {
    fn default() -> Self {
        Doctrine {
            report_h: 12.0,
            share_before_confirm: false,
            confirm_h: 24.0,
            relay: true,
            relay_h: 12.0,
            report_to_fbi: true,
            respond_h: 4.0,
            isolate_on_detect: true,
            restore_on_detect: true,
            request_onsite: true,
            harden_on_alert: true,
            harden_h: 48.0,
            statement_h: Some(12.0),
            debunk_h: Some(24.0),
        }
    }
}

/// A partial doctrine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DoctrinePatch {
    /// See [`Doctrine::report_h`].
    #[serde(default)]
    pub report_h: Option<f64>,
    /// See [`Doctrine::share_before_confirm`].
    #[serde(default)]
    pub share_before_confirm: Option<bool>,
    /// See [`Doctrine::confirm_h`].
    #[serde(default)]
    pub confirm_h: Option<f64>,
    /// See [`Doctrine::relay`].
    #[serde(default)]
    pub relay: Option<bool>,
    /// See [`Doctrine::relay_h`].
    #[serde(default)]
    pub relay_h: Option<f64>,
    /// See [`Doctrine::report_to_fbi`].
    #[serde(default)]
    pub report_to_fbi: Option<bool>,
    /// See [`Doctrine::respond_h`].
    #[serde(default)]
    pub respond_h: Option<f64>,
    /// See [`Doctrine::isolate_on_detect`].
    #[serde(default)]
    pub isolate_on_detect: Option<bool>,
    /// See [`Doctrine::restore_on_detect`].
    #[serde(default)]
    pub restore_on_detect: Option<bool>,
    /// See [`Doctrine::request_onsite`].
    #[serde(default)]
    pub request_onsite: Option<bool>,
    /// See [`Doctrine::harden_on_alert`].
    #[serde(default)]
    pub harden_on_alert: Option<bool>,
    /// See [`Doctrine::harden_h`].
    #[serde(default)]
    pub harden_h: Option<f64>,
    /// See [`Doctrine::statement_h`].
    #[serde(default)]
    pub statement_h: Option<f64>,
    /// See [`Doctrine::debunk_h`].
    #[serde(default)]
    pub debunk_h: Option<f64>,
}

impl DoctrinePatch {
    /// Applies the given fields.
    pub fn apply(&self, d: &mut Doctrine) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { d.$f = v; } )* };
        }
        set!(
            report_h,
            share_before_confirm,
            confirm_h,
            relay,
            relay_h,
            report_to_fbi,
            respond_h,
            isolate_on_detect,
            restore_on_detect,
            request_onsite,
            harden_on_alert,
            harden_h
        );
        if let Some(v) = self.statement_h {
            d.statement_h = Some(v);
        }
        if let Some(v) = self.debunk_h {
            d.debunk_h = Some(v);
        }
    }
}

/// A doctrine change for selected actors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DoctrineOverride {
    /// Which actors.
    pub actors: Vec<ActorSel>,
    /// What changes.
    pub set: DoctrinePatch,
}

/// Federal policies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FederalDoctrine {
    /// DHS/CISA on-site assessment teams available at once (a scarce resource).
    pub onsite_teams: u32,
    /// Days a team stays on site.
    pub onsite_days: f64,
    /// Whether the FBI notifies the chief state election official together with a local victim (policy since Jan 2020).
    pub fbi_notify_state: bool,
    /// The FBI opens an investigation when a victim reports.
    pub fbi_investigates: bool,
    /// Probability per day that an open investigation finds another victim of the campaign.
    pub investigation_find_rate: f64,
    /// DHS issues a public advisory once a campaign has this many known victims (0 = never).
    pub public_advisory_after: u32,
    /// Hours from a visible disinformation surge to a joint federal public attribution (absent: none).
    pub public_attribution_h: Option<f64>,
}

impl Default for FederalDoctrine {
    fn default() -> Self {
        FederalDoctrine {
            onsite_teams: 4,
            onsite_days: 5.0,
            fbi_notify_state: true,
            fbi_investigates: true,
            investigation_find_rate: 0.15,
            public_advisory_after: 3,
            public_attribution_h: Some(24.0),
        }
    }
}

/// Public confidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PublicSpec {
    /// Starting confidence, 0-100 (share confident votes are counted accurately).
    pub confidence: f64,
    /// Share of the gap to the starting level recovered per day.
    pub recovery_per_day: f64,
    /// Points a visible incident costs before amplification.
    pub incident_drop: f64,
    /// Points a public leak costs before amplification.
    pub leak_drop: f64,
    /// Hours within which a public statement counts as timely.
    pub statement_window_h: f64,
    /// Share of an incident's cost a timely statement wins back.
    pub statement_recovery: f64,
    /// Share of a surge's cost a timely debunking wins back.
    pub debunk_recovery: f64,
}

impl Default for PublicSpec {
    fn default() -> Self {
        PublicSpec {
            confidence: 59.0,
            recovery_per_day: 0.05,
            incident_drop: 1.5,
            leak_drop: 3.0,
            statement_window_h: 24.0,
            statement_recovery: 0.5,
            debunk_recovery: 0.7,
        }
    }
}

/// The electorate: how outages become affected voters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ElectorateSpec {
    /// Share of registered voters who vote.
    pub turnout: f64,
    /// Share of voters who vote in person on Election Day (and need the pollbooks).
    pub in_person_share: f64,
    /// New registrations per registered voter per day in the month before the deadline.
    pub registrations_per_day: f64,
    /// Share of pollbook delays that remain when a jurisdiction has switched to paper pollbooks.
    pub paper_delay_share: f64,
}

impl Default for ElectorateSpec {
    fn default() -> Self {
        ElectorateSpec {
            turnout: 0.66,
            in_person_share: 0.4,
            registrations_per_day: 0.0005,
            paper_delay_share: 0.15,
        }
    }
}

/// The EO 13848 post-election process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Eo13848Spec {
    /// Days after the election the DNI's assessment is due (§1(a)).
    pub assessment_due_days: u32,
    /// Days after the assessment the AG/DHS report is due (§1(b)).
    pub report_due_days: u32,
    /// Days the intelligence community needs to write the assessment when the evidence is in hand.
    pub assessment_work_days: f64,
    /// Attribution evidence needed to name an adversary with confidence.
    pub evidence_needed: f64,
    /// Evidence below which an adversary is not named at all.
    pub name_threshold: f64,
    /// Longest the assessment waits for evidence, in days after the election.
    pub assessment_cap_days: u32,
    /// Days the AG and DHS need for the report.
    pub report_work_days: f64,
    /// Extra report days per square root of the number of detected compromises nobody assessed on site.
    pub report_days_per_unassessed: f64,
    /// Days from the report to the sanctions decision.
    pub sanctions_days: f64,
    /// Evidence from each detected intrusion.
    pub evidence_per_detection: f64,
    /// Evidence per day of an open FBI investigation.
    pub evidence_per_investigation_day: f64,
    /// Evidence from intelligence on each campaign ODNI learns of.
    pub evidence_per_intel: f64,
    /// Evidence from each report or alert about an adversary that reaches the FBI, DHS or ODNI.
    pub evidence_per_report: f64,
    /// Evidence from a public attribution of an adversary (the agencies pooled what they hold).
    pub evidence_per_attribution: f64,
    /// Evidence that coordination adds each day, past the work days, for every adversary already
    /// suspected (at least `name_threshold`) while the assessment waits for more.
    pub evidence_per_analysis_day: f64,
}

impl Default for Eo13848Spec {
    fn default() -> Self {
        Eo13848Spec {
            assessment_due_days: 45,
            report_due_days: 45,
            assessment_work_days: 45.0,
            evidence_needed: 6.0,
            name_threshold: 2.0,
            assessment_cap_days: 80,
            report_work_days: 35.0,
            report_days_per_unassessed: 1.0,
            sanctions_days: 14.0,
            evidence_per_detection: 1.0,
            evidence_per_investigation_day: 0.1,
            evidence_per_intel: 2.0,
            evidence_per_report: 0.5,
            evidence_per_attribution: 2.0,
            evidence_per_analysis_day: 0.1,
        }
    }
}

/// A scripted inject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InjectSpec {
    /// Stable id.
    pub id: String,
    /// One-line title shown in the queue and the MSEL.
    pub title: String,
    /// What the players are told.
    #[serde(default)]
    pub description: String,
    /// The module it belongs to.
    #[serde(default)]
    pub module: Option<String>,
    /// When it fires.
    pub trigger: Trigger,
    /// Teams it is addressed to (they receive it in their inbox).
    #[serde(default)]
    pub teams: Vec<String>,
    /// What the exercise planners expect the players to do: free text, or a command pattern
    /// that ttx compares with the commands given (for the MSEL and the report's evaluation guide).
    #[serde(default)]
    pub expected_actions: Vec<ExpectedAction>,
    /// What it does to the simulation.
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// What some teams are told instead of `description` (team id to text); those teams receive
    /// the inject even when `teams` does not list them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub per_team: BTreeMap<String, String>,
    /// Text or Markdown files (paths relative to the scenario file) handed out with the inject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    /// A condition that cancels the inject for good if it holds before the inject fires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_if: Option<Condition>,
    /// The controller who delivers it (a name or role, for the MSEL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<String>,
    /// How the controller delivers it (for the MSEL).
    #[serde(default, skip_serializing_if = "Delivery::is_default")]
    #[schemars(extend("default" = "Simulation"))]
    pub delivery: Delivery,
}

/// How an inject reaches the players.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Delivery {
    /// By email.
    Email,
    /// By a telephone call.
    Phone,
    /// Posted on an exercise portal or shared drive.
    Portal,
    /// Read out or handed over in the room.
    InPerson,
    /// Through the simulation: the teams' consoles and inboxes.
    #[default]
    Simulation,
}

impl Delivery {
    /// Whether it is the default (left out when a spec is written back).
    pub fn is_default(&self) -> bool {
        *self == Delivery::Simulation
    }

    /// Human label.
    pub const fn label(self) -> &'static str {
        match self {
            Delivery::Email => "email",
            Delivery::Phone => "phone",
            Delivery::Portal => "portal",
            Delivery::InPerson => "in person",
            Delivery::Simulation => "simulation",
        }
    }
}

/// One expected action: free text (for the binder only), or a pattern of a command a team
/// should give, which the report scores against the commands actually given.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ExpectedAction {
    /// Free text, not scored.
    Text(String),
    /// A command pattern, scored.
    Command(ActionPattern),
}

impl ExpectedAction {
    /// The text shown for it (the pattern's own text, or a description of the pattern).
    pub fn text(&self) -> String {
        match self {
            ExpectedAction::Text(t) => t.clone(),
            ExpectedAction::Command(p) if !p.text.is_empty() => p.text.clone(),
            ExpectedAction::Command(p) => p.describe(),
        }
    }
}

impl<'de> Deserialize<'de> for ExpectedAction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ExpectedAction;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string, or (team: \"...\", command: ...) with optional target, channel, within_h, capability and text")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ExpectedAction::Text(v.to_string()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(ExpectedAction::Text(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                ActionPattern::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(ExpectedAction::Command)
            }
        }
        d.deserialize_any(V)
    }
}

/// A command a team is expected to give: of a kind, optionally naming a target, optionally
/// within some hours of the inject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionPattern {
    /// The team expected to act (its own commands, and the facilitator's for its actors, count).
    pub team: String,
    /// The kind of command, as the journal names it (`share_indicator`, `isolate`, ...).
    pub command: crate::command::CommandKind,
    /// What the command must name: an asset, jurisdiction, actor, adversary or campaign id
    /// (a shared indicator names its campaign; a statement names `reassure` or `debunk`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// For `share_indicator`: the channel it must go out on (e.g. `StateToIsac`); absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Hours after the inject fires within which it counts as on time (absent: any time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_h: Option<u32>,
    /// The core capability (a name in `evaluation.capabilities`) this action evaluates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability: Option<String>,
    /// What the planners expect, in words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

impl ActionPattern {
    /// The pattern in words, e.g. `pa: share_indicator naming phish via state_to_isac within 24 h`.
    pub fn describe(&self) -> String {
        let mut s = format!("{}: {}", self.team, self.command.name());
        if let Some(t) = &self.target {
            s.push_str(&format!(" naming {t}"));
        }
        if let Some(c) = self.channel {
            s.push_str(&format!(" via {}", c.slug()));
        }
        if let Some(h) = self.within_h {
            s.push_str(&format!(" within {h} h"));
        }
        s
    }
}

/// A pattern of commands a condition looks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandPattern {
    /// The team (its own commands, and the facilitator's for its actors, count).
    pub team: String,
    /// The kind of command, as the journal names it (`share_indicator`, `isolate`, ...).
    pub command: crate::command::CommandKind,
    /// What the command must name (see [`ActionPattern::target`]); absent: anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// An asset's state, for [`Condition::Asset`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AssetState {
    /// Up and running.
    Up,
    /// Offline or degraded.
    Down,
    /// Offline.
    Offline,
    /// Degraded.
    Degraded,
    /// An intruder holds a foothold in it (known or not).
    Compromised,
    /// A foothold in it has been detected.
    KnownCompromised,
}

/// When an inject fires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Trigger {
    /// At a fixed time.
    At(ETime),
    /// When a condition first holds, after a delay.
    When {
        /// The condition.
        condition: Condition,
        /// Hours after the condition first holds.
        #[serde(default)]
        delay_h: u32,
    },
    /// Only when the facilitator fires it.
    Manual,
}

/// A condition on the simulation's state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Condition {
    /// The campaign has started.
    CampaignStarted(String),
    /// Someone detected the campaign.
    CampaignDetected(String),
    /// The campaign gained its first foothold.
    CampaignSucceeded(String),
    /// An asset of this kind went offline or degraded.
    AssetDown(AssetKind),
    /// Public confidence fell below this level.
    ConfidenceBelow(f64),
    /// Another inject fired.
    InjectFired(String),
    /// A module began.
    ModuleStarted(String),
    /// A team gave a command of this kind (naming this target) that was carried out.
    Issued(CommandPattern),
    /// An actor (any of those selected) holds an indicator of the campaign.
    Holds {
        /// Who.
        actor: ActorSel,
        /// The campaign.
        campaign: String,
    },
    /// An asset (by id, e.g. `"PA/vr"`) is in this state.
    Asset(String, AssetState),
    /// A live metric (see docs/scenarios.md for those a condition reads) is above a value.
    MetricAbove(String, f64),
    /// A live metric is below a value.
    MetricBelow(String, f64),
    /// Every condition holds.
    All(Vec<Condition>),
    /// At least one condition holds.
    Any(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
    /// The clock is before this time.
    Before(ETime),
    /// The clock is at or after this time.
    After(ETime),
}

/// What an inject does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Effect {
    /// Start a dormant campaign now.
    StartCampaign(String),
    /// Stop a campaign: no new targets, no further actions.
    StopCampaign(String),
    /// Take selected assets down for some hours (power loss, evacuation, outage).
    Outage {
        /// Which assets.
        target: AssetSelector,
        /// How long.
        hours: u32,
        /// Offline, or degraded only.
        #[serde(default)]
        degraded_only: bool,
    },
    /// A campaign is found to already hold a foothold in the selected assets. A campaign that
    /// has not started starts then (as `StartCampaign`); a stopped one's footholds act no more.
    Compromise {
        /// The campaign.
        campaign: String,
        /// Which assets.
        target: AssetSelector,
    },
    /// A disinformation surge reaches the public.
    Disinformation {
        /// Confidence points it costs if unanswered.
        intensity: f64,
        /// What it claims.
        about: String,
    },
    /// Stolen material is published.
    Leak {
        /// Who stole it.
        adversary: String,
        /// Confidence points it costs before amplification.
        severity: f64,
        /// What was leaked.
        about: String,
    },
    /// Someone receives an indicator of a campaign (e.g. an FBI FLASH arrives).
    Notify {
        /// The campaign the indicator is about.
        campaign: String,
        /// Who sends it.
        from: ActorSel,
        /// Who receives it.
        to: Vec<ActorSel>,
    },
    /// A news item everyone sees.
    News(String),
    /// A message to the inject's teams only.
    Message(String),
    /// Public confidence moves by this many points.
    Confidence(f64),
    /// An actor publicly attributes the activity to an adversary (as the `attribute` command:
    /// the agencies pool what they hold, which adds EO 13848 evidence, and the adversary's open
    /// disinformation is answered).
    Attribute {
        /// Who attributes (one actor: `Odni`, `Fbi` or `Dhs`).
        by: ActorSel,
        /// The adversary named.
        adversary: String,
    },
    /// An actor makes a public statement (as the `public_statement` command).
    Statement {
        /// Who speaks (one actor).
        by: ActorSel,
        /// `reassure` or `debunk`.
        statement: crate::command::Statement,
    },
    /// Attribution evidence against an adversary reaches the intelligence community (EO 13848).
    Evidence {
        /// The adversary.
        adversary: String,
        /// How much (compare `eo13848.evidence_needed`).
        amount: f64,
    },
    /// The selected assets' security posture changes (the fields given).
    Posture {
        /// Which assets.
        target: AssetSelector,
        /// What changes.
        set: PosturePatch,
    },
}

/// A template the red or white cell fills in during play.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InjectTemplateSpec {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What the players are told.
    #[serde(default)]
    pub description: String,
    /// Which cell may use it.
    pub cell: TeamRole,
    /// Effects; asset selectors in them are narrowed to the state or jurisdiction the cell picks.
    pub effects: Vec<Effect>,
}

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
