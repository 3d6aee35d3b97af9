//! Scenario section `sharing`: EI-ISAC membership, the tearline, indicator
//! life, and the latency and reliability of every channel indicators travel on.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::*;

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
