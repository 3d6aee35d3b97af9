//! Scenario section `doctrines`: how actors with no human player behave, the
//! default doctrine of each kind of actor, partial doctrines for overrides,
//! and the federal policies.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::*;

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
