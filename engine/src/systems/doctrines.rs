//! Doctrines: what actors with no human player do.
//!
//! A doctrine reacts to what its actor just learned or suffered by scheduling
//! ordinary commands for later hours, the same commands a player would give:
//! a county reports to its state after `report_h` (plus `confirm_h` unless it
//! shares before confirming), a state relays to its counties, the EI-ISAC
//! alerts its members, ODNI passes intelligence to DHS (after the tearline),
//! the FBI opens investigations, a victim isolates and restores. A staffed
//! team's actors are left to their players. Hardening (patch, enforce MFA), most
//! of what doctrines order in a large run, is queued as an [`Order`] naming actor
//! and asset by index; it applies and is logged exactly as its command would be.

use std::collections::BTreeSet;

use bevy_ecs::prelude::*;

use super::Core;
use super::commands::CommandQueue;
use crate::command::{Command, Rejection, Statement};
use crate::events::{EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;
use crate::scenario::schema::{AssetKind, Channel, Technique};
use crate::time::Tick;

/// Decisions doctrines already took, so none is taken twice.
///
/// Shares are decided once per (actor, campaign, channel): an EI-ISAC analyst
/// alerts members about a campaign once, not once per indicator of it, and a
/// county reports a campaign to its state once.
#[derive(Resource, Clone, Default)]
pub struct Planned {
    shares: BTreeSet<(ActorIx, CampaignIx, Channel)>,
    /// Responses planned for each asset, one bit per response code. Only an asset's owner
    /// plans responses for it, so the asset and the code name a response.
    responses: Vec<u16>,
    once: BTreeSet<(ActorIx, u32, u8)>,
}

impl Planned {
    /// Whether a response was planned for an asset.
    fn responded(&self, asset: AssetIx, code: u8) -> bool {
        self.responses.get(asset.ix()).is_some_and(|b| b & Self::bit(code) != 0)
    }

    /// Marks a response planned; false if it already was.
    fn plan_response(&mut self, asset: AssetIx, code: u8) -> bool {
        if self.responses.len() <= asset.ix() {
            self.responses.resize(asset.ix() + 1, 0);
        }
        let bits = &mut self.responses[asset.ix()];
        let new = *bits & Self::bit(code) == 0;
        *bits |= Self::bit(code);
        new
    }

    fn bit(code: u8) -> u16 {
        debug_assert!(code < 16, "response code {code} needs a wider mask");
        1 << (code & 15)
    }
}

struct Plan<'a> {
    queue: &'a mut CommandQueue,
    planned: &'a mut Planned,
    now: Tick,
}

impl Plan<'_> {
    fn at(&self, hours: f64) -> Tick {
        Tick(self.now.0.saturating_add(super::delay_hours(hours)))
    }

    #[allow(clippy::too_many_arguments)]
    fn share(
        &mut self,
        reg: &Registry,
        members: &[bool],
        actor: ActorIx,
        ind: IndicatorIx,
        campaign: CampaignIx,
        channel: Channel,
        hours: f64,
    ) {
        if super::commands::check_channel(reg, members, actor, channel).is_err() {
            return;
        }
        if !self.planned.shares.insert((actor, campaign, channel)) {
            return;
        }
        let t = self.at(hours);
        self.queue.schedule_doctrine(
            t,
            actor,
            Command::ShareIndicator { actor: reg.actor(actor).id.clone(), indicator: ind.0, channel },
        );
    }

    fn order(&mut self, asset: AssetIx, code: u8, hours: f64, order: Order) {
        if self.planned.plan_response(asset, code) {
            let t = self.at(hours);
            self.queue.schedule_order(t, order);
        }
    }

    /// Plans a response of an asset's owner, `actor`.
    fn respond(&mut self, actor: ActorIx, asset: AssetIx, code: u8, hours: f64, cmd: Command) {
        if self.planned.plan_response(asset, code) {
            let t = self.at(hours);
            self.queue.schedule_doctrine(t, actor, cmd);
        }
    }

    fn once(&mut self, actor: ActorIx, key: u32, code: u8, hours: f64, cmd: Command) {
        if self.planned.once.insert((actor, key, code)) {
            let t = self.at(hours);
            self.queue.schedule_doctrine(t, actor, cmd);
        }
    }
}

/// Lets unstaffed actors react to this tick's events.
///
/// Kept out of line, so that a profile shows its cost on its own.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub fn run_doctrines<'a>(
    core: &Core,
    learned: impl Iterator<Item = &'a Learned>,
    detections: impl Iterator<Item = &'a Detection>,
    went_down: impl Iterator<Item = &'a WentDown>,
    visible: impl Iterator<Item = &'a Visible>,
    queue: &mut CommandQueue,
    planned: &mut Planned,
    eo: &Eo,
) {
    let now = core.now();
    let reg = core.reg.0.clone();
    let mut plan = Plan { queue, planned, now };
    for l in learned {
        on_learned(core, &reg, eo, &mut plan, l);
    }
    for det in detections {
        on_detection(core, &reg, &mut plan, det);
    }
    for w in went_down {
        on_went_down(core, &reg, &mut plan, w);
    }
    for v in visible {
        on_visible(core, &reg, eo, &mut plan, v);
    }
}

/// An actor learned an indicator: its own detection is reported up, an alert is relayed
/// and hardened against, the FBI opens an investigation.
fn on_learned(core: &Core, reg: &Registry, eo: &Eo, plan: &mut Plan, l: &Learned) {
    let a = l.actor;
    if core.staffed(a) {
        return;
    }
    let members = &core.seeded.members;
    let info = reg.actor(a);
    let d = &info.doctrine;
    let ind = &core.indicators.0[l.indicator.ix()];
    let campaign = ind.campaign;
    let report_delay = d.report_h + if d.share_before_confirm { 0.0 } else { d.confirm_h };
    let mut share = |channel: Channel, hours: f64| {
        plan.share(reg, members, a, l.indicator, campaign, channel, hours);
    };
    match (info.kind, l.from) {
        // A victim's own detection: report up.
        (ActorKind::Local, None) => {
            share(Channel::LocalToState, report_delay);
            share(Channel::MemberToIsac, report_delay);
            if d.report_to_fbi {
                share(Channel::ReportToFbi, report_delay);
            }
        }
        (ActorKind::StateOffice, None) => {
            if d.relay {
                share(Channel::StateToLocals, d.relay_h);
            }
            share(Channel::StateToIsac, report_delay);
            if d.report_to_fbi {
                share(Channel::ReportToFbi, report_delay);
            }
        }
        (ActorKind::Vendor, None) => {
            share(Channel::VendorToCustomers, report_delay);
            if d.report_to_fbi {
                share(Channel::ReportToFbi, report_delay);
            }
        }
        (ActorKind::EiIsac, _) => {
            if d.relay {
                share(Channel::IsacToMembers, d.relay_h);
            }
            if l.channel != Some(Channel::DhsToIsac) {
                share(Channel::IsacToDhs, d.report_h.min(d.relay_h));
            }
        }
        (ActorKind::Odni, _) if d.relay => share(Channel::OdniToDhs, d.relay_h),
        (ActorKind::Dhs, _) => {
            if d.relay && l.channel != Some(Channel::IsacToDhs) {
                share(Channel::DhsToIsac, d.relay_h);
            }
            // A public advisory once enough victims are known.
            let threshold = reg.spec.doctrines.federal.public_advisory_after;
            let victims = core.campaigns.0[campaign.ix()].known_victims.len() as u32;
            if threshold > 0 && victims >= threshold && d.relay {
                share(Channel::PublicAdvisory, d.relay_h);
            }
        }
        (ActorKind::Fbi, _)
            if reg.spec.doctrines.federal.fbi_investigates && !eo.investigations.contains_key(&campaign) =>
        {
            let cmd = Command::OpenInvestigation { actor: info.id.clone(), indicator: l.indicator.0 };
            plan.once(a, campaign.0, 1, d.relay_h, cmd);
        }
        (ActorKind::StateOffice, Some(_)) => {
            if d.relay {
                share(Channel::StateToLocals, d.relay_h);
            }
            if l.channel == Some(Channel::LocalToState) {
                share(Channel::StateToIsac, d.report_h);
            }
            harden(core, plan, a, ind.technique, campaign, d.harden_on_alert, d.harden_h);
        }
        (ActorKind::Local, Some(_)) => {
            harden(core, plan, a, ind.technique, campaign, d.harden_on_alert, d.harden_h);
        }
        (ActorKind::Vendor, Some(_)) if d.relay => share(Channel::VendorToCustomers, d.relay_h),
        _ => {}
    }
}

/// A victim detected an intrusion in one of its assets: it asks for an on-site team, and
/// restores or isolates the asset.
fn on_detection(core: &Core, reg: &Registry, plan: &mut Plan, det: &Detection) {
    let x = &core.intrusions.list[det.intrusion.ix()];
    if x.compromised_at.is_none() || x.ended.is_some() {
        return;
    }
    let asset = x.asset;
    let owner = reg.asset(asset).owner;
    if core.staffed(owner)
        || !matches!(reg.actor(owner).kind, ActorKind::Local | ActorKind::StateOffice | ActorKind::Vendor)
    {
        return;
    }
    let d = &reg.actor(owner).doctrine;
    let id = || reg.actor(owner).id.clone();
    let asset_id = reg.asset(asset).id.clone();
    if d.request_onsite {
        let cmd = Command::RequestOnsite { actor: id(), asset: asset_id.clone() };
        plan.respond(owner, asset, 1, d.respond_h, cmd);
    }
    if d.restore_on_detect {
        let cmd = Command::Restore { actor: id(), asset: asset_id };
        plan.respond(owner, asset, 2, d.respond_h + 1.0, cmd);
    } else if d.isolate_on_detect {
        let cmd = Command::Isolate { actor: id(), asset: asset_id };
        plan.respond(owner, asset, 3, d.respond_h, cmd);
    }
}

/// An asset went down: an attack's victim restores it; a local whose pollbooks fail on
/// Election Day switches to paper and extends its hours.
fn on_went_down(core: &Core, reg: &Registry, plan: &mut Plan, w: &WentDown) {
    let owner = reg.asset(w.asset).owner;
    if w.cause == DownCause::Isolated || w.cause == DownCause::Restoring || core.staffed(owner) {
        return;
    }
    let info = reg.actor(owner);
    let d = &info.doctrine;
    let kind = reg.asset(w.asset).kind;
    let id = || info.id.clone();
    if w.cause == DownCause::Attack && d.restore_on_detect && kind != AssetKind::ResultsWebsite {
        let cmd = Command::Restore { actor: id(), asset: reg.asset(w.asset).id.clone() };
        plan.respond(owner, w.asset, 2, d.respond_h, cmd);
    }
    if kind == AssetKind::Pollbook && info.kind == ActorKind::Local {
        let t = core.time(plan.now);
        if t >= reg.election.polls_open && t < reg.election.polls_close {
            let paper = core.posture(w.asset).is_some_and(|p| p.paper_fallback);
            if paper {
                let cmd = Command::SwitchToPaper { actor: id(), jurisdiction: id() };
                plan.respond(owner, w.asset, 4, 1.0, cmd);
            }
            let cmd = Command::ExtendHours { actor: id(), jurisdiction: id(), hours: 2 };
            plan.respond(owner, w.asset, 5, 2.0, cmd);
        }
    }
}

/// The public saw an incident: state offices debunk disinformation and federal partners
/// attribute it; otherwise the jurisdiction concerned (and a local's state) reassures.
fn on_visible(core: &Core, reg: &Registry, eo: &Eo, plan: &mut Plan, v: &Visible) {
    let now = plan.now;
    let id = |a: ActorIx| reg.actor(a).id.clone();
    if v.disinformation {
        // State offices, the trusted voices, debunk; federal partners attribute publicly.
        for s in &reg.states {
            let a = s.office;
            if core.staffed(a) {
                continue;
            }
            if let Some(h) = reg.actor(a).doctrine.debunk_h {
                let cmd = Command::PublicStatement { actor: id(a), statement: Statement::Debunk };
                plan.once(a, now.0, 6, h, cmd);
            }
        }
        if let (Some(c), Some(h)) = (v.campaign, reg.spec.doctrines.federal.public_attribution_h) {
            let adv = reg.campaign(c).adversary;
            let odni = reg.federal.odni;
            if !core.staffed(odni) && !eo.attributed.contains(&adv) {
                let adversary = reg.adversaries[adv.ix()].id.clone();
                plan.once(odni, adv.0, 7, h, Command::Attribute { actor: id(odni), adversary });
            }
        }
    } else if let Some(about) = v.about {
        // The jurisdiction (or, for a local, also its state) reassures the public.
        let mut speakers = vec![about];
        if let Some(s) = reg.actor(about).state {
            let office = reg.states[s.ix()].office;
            if office != about {
                speakers.push(office);
            }
        }
        for a in speakers {
            if core.staffed(a) || !matches!(reg.actor(a).kind, ActorKind::Local | ActorKind::StateOffice) {
                continue;
            }
            if let Some(h) = reg.actor(a).doctrine.statement_h {
                let cmd = Command::PublicStatement { actor: id(a), statement: Statement::Reassure };
                plan.once(a, now.0, 8, h, cmd);
            }
        }
    }
}

/// On an alert, an actor hardens its assets of the kinds the campaign targets.
///
/// Most alerts find nothing left to do (the asset was hardened on an earlier
/// alert, or has no weakness the technique uses), so nothing is allocated
/// until a response is planned.
fn harden(
    core: &Core,
    plan: &mut Plan,
    a: ActorIx,
    technique: Option<Technique>,
    campaign: CampaignIx,
    enabled: bool,
    hours: f64,
) {
    if !enabled {
        return;
    }
    let reg = core.reg();
    let Some(targets) = reg.campaign(campaign).spec.targets.as_ref() else { return };
    let code = match technique {
        Some(Technique::ExploitPublicFacing) => 10,
        Some(Technique::CredentialStuffing | Technique::Phishing) => 11,
        _ => return,
    };
    // The kinds targeted, one bit each, tested for each asset.
    const _: () = assert!(AssetKind::ALL.len() <= 32, "asset kinds need a wider mask");
    let kinds = targets.kinds.iter().fold(0u32, |m, &k| m | 1 << k as u32);
    for &asset in &reg.actor(a).assets {
        if kinds & (1 << reg.asset(asset).kind as u32) == 0 || plan.planned.responded(asset, code) {
            continue;
        }
        let Some(p) = core.posture(asset) else { continue };
        let weak = if code == 10 { p.patch_lag_days > 0 } else { !p.mfa };
        if !weak {
            continue;
        }
        let order = if code == 10 { Order::Patch(a, asset) } else { Order::EnforceMfa(a, asset) };
        plan.order(asset, code, hours, order);
    }
}

/// A doctrine's hardening order, naming its actor and asset by index: the same as
/// [`Command::Patch`] or [`Command::EnforceMfa`] given by that actor, without looking
/// anything up by id when it applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// [`Command::Patch`].
    Patch(ActorIx, AssetIx),
    /// [`Command::EnforceMfa`].
    EnforceMfa(ActorIx, AssetIx),
}

impl Order {
    /// The command it stands for.
    pub fn command(self, reg: &Registry) -> Command {
        match self {
            Order::Patch(a, x) => {
                Command::Patch { actor: reg.actor(a).id.clone(), asset: reg.asset(x).id.clone() }
            }
            Order::EnforceMfa(a, x) => {
                Command::EnforceMfa { actor: reg.actor(a).id.clone(), asset: reg.asset(x).id.clone() }
            }
        }
    }

    /// [`Command::summary`] of the command it stands for.
    pub fn summary(self, reg: &Registry) -> String {
        // Put together by hand rather than by `format!`: a national run logs thousands.
        let (a, x, verb) = match self {
            Order::Patch(a, x) => (a, x, ": patch "),
            Order::EnforceMfa(a, x) => (a, x, ": enforce MFA on "),
        };
        let (actor, asset) = (&reg.actor(a).id, &reg.asset(x).id);
        let mut out = String::with_capacity(actor.len() + verb.len() + asset.len());
        out.push_str(actor);
        out.push_str(verb);
        out.push_str(asset);
        out
    }

    /// The actor it is given by.
    pub(super) fn actor(self) -> ActorIx {
        match self {
            Order::Patch(a, _) | Order::EnforceMfa(a, _) => a,
        }
    }

    /// Applies it as a doctrine's command: the same checks, in the same order, and the same
    /// effect as applying the command it stands for.
    fn apply(self, core: &mut Core) -> Result<(), Rejection> {
        let reg = core.reg.0.clone();
        let a = self.actor();
        if core.now() > reg.clock.last_tick() {
            return Err(Rejection::Ended);
        }
        if !crate::command::CommandKind::Patch.allowed_kinds().contains(&reg.actor(a).kind) {
            // Not an actor that hardens (doctrines order it only of those that do): refused
            // as the command would be.
            let issuer = crate::command::Issuer::Doctrine;
            crate::command::check_actor(&reg, &issuer, &self.command(&reg))?;
        }
        if core.staffed(a) {
            return Err(Rejection::NowStaffed { actor: reg.actor(a).id.clone() });
        }
        let (Order::Patch(_, x) | Order::EnforceMfa(_, x)) = self;
        if reg.asset(x).owner != a {
            return Err(Rejection::NotOwner {
                actor: reg.actor(a).id.clone(),
                asset: reg.asset(x).id.clone(),
            });
        }
        let done = |what: &str| Err(Rejection::AlreadyDone { what: what.to_string() });
        match self {
            Order::Patch(..) => {
                if core.posture(x).is_some_and(|p| p.patch_lag_days == 0) {
                    return done("already fully patched");
                }
                core.with_posture(x, |p| p.patch_lag_days = 0);
                core.record.digest.mix(&[0x51, u64::from(x.0)]);
            }
            Order::EnforceMfa(..) => {
                if core.posture(x).is_some_and(|p| p.mfa) {
                    return done("MFA is already enforced");
                }
                core.with_posture(x, |p| p.mfa = true);
                core.record.digest.mix(&[0x52, u64::from(x.0)]);
            }
        }
        Ok(())
    }
}

/// Applies a doctrine's order and logs it as the command it stands for would be logged.
pub fn apply_order(core: &mut Core, order: Order) {
    let result = order.apply(core);
    let summary = order.summary(core.reg());
    let rejected = result.err().map(|r| r.to_string());
    let actor = Some(order.actor());
    core.emit(
        Severity::Info,
        EventKind::Command { issuer: crate::command::Issuer::Doctrine, summary, actor, rejected },
    );
}
