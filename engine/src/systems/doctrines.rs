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
//! and asset by index, and so is every other doctrine command; an order applies and
//! is logged exactly as its command would be.

use std::collections::BTreeSet;

use bevy_ecs::prelude::*;

use super::Core;
use super::commands::{CommandCtx, CommandQueue};
use crate::command::{Command, CommandKind, Issuer, Rejection, Statement};
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
    /// Shares planned for each (actor, campaign), one bit per channel, at
    /// `actor * campaigns + campaign` (campaigns: the registry's number of campaigns).
    shares: Vec<u16>,
    /// Responses planned for each asset, one bit per response code. Only an asset's owner
    /// plans responses for it, so the asset and the code name a response.
    responses: Vec<u16>,
    once: BTreeSet<(ActorIx, u32, u8)>,
    /// The tick of each actor's last planned statement of each kind (reassure, debunk): one
    /// of each kind per actor and tick. Doctrines plan only at the current tick, and time only
    /// moves on, so the last tick is all there is to compare.
    spoke: Vec<[Option<u32>; 2]>,
    /// For each actor, the asset kinds all of whose assets it owns have a hardening planned:
    /// one mask for patching, one for enforcing MFA (alerts about only these kinds find
    /// nothing left to harden).
    hardened: Vec<[u32; 2]>,
}

impl Planned {
    /// Marks a share planned unless it already was, or `allowed` (asked only then) refuses it;
    /// true if it is newly planned.
    fn plan_share(
        &mut self,
        campaigns: usize,
        actor: ActorIx,
        campaign: CampaignIx,
        channel: Channel,
        allowed: impl FnOnce() -> bool,
    ) -> bool {
        const _: () = assert!(Channel::ALL.len() <= 16, "channels need a wider mask");
        debug_assert!(campaign.ix() < campaigns);
        let i = actor.ix() * campaigns + campaign.ix();
        let bit = 1u16 << channel as u32;
        if self.shares.get(i).is_some_and(|b| b & bit != 0) || !allowed() {
            return false;
        }
        if self.shares.len() <= i {
            self.shares.resize(i + 1, 0);
        }
        self.shares[i] |= bit;
        true
    }

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

    /// The kinds of asset an actor has hardened all of (see `hardened`), for patching (0) or
    /// MFA (1).
    fn hardened(&self, actor: ActorIx, slot: usize) -> u32 {
        self.hardened.get(actor.ix()).map_or(0, |m| m[slot])
    }

    /// Adds kinds to those an actor has hardened all of.
    fn mark_hardened(&mut self, actor: ActorIx, slot: usize, kinds: u32) {
        if self.hardened.len() <= actor.ix() {
            self.hardened.resize(actor.ix() + 1, [0; 2]);
        }
        self.hardened[actor.ix()][slot] |= kinds;
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
        let allowed = || super::commands::check_channel(reg, members, actor, channel).is_ok();
        if self.planned.plan_share(reg.campaigns.len(), actor, campaign, channel, allowed) {
            let t = self.at(hours);
            self.queue.schedule_order(t, Order::Share(actor, ind, channel));
        }
    }

    /// Plans a response of an asset's owner (the order's actor).
    fn respond(&mut self, asset: AssetIx, code: u8, hours: f64, order: Order) {
        if self.planned.plan_response(asset, code) {
            let t = self.at(hours);
            self.queue.schedule_order(t, order);
        }
    }

    /// Plans a public statement, unless the actor already planned one of its kind this tick.
    fn statement(&mut self, actor: ActorIx, statement: Statement, hours: f64) {
        let spoke = &mut self.planned.spoke;
        if spoke.len() <= actor.ix() {
            spoke.resize(actor.ix() + 1, [None; 2]);
        }
        let last = &mut spoke[actor.ix()][usize::from(statement == Statement::Debunk)];
        if *last != Some(self.now.0) {
            *last = Some(self.now.0);
            let t = self.at(hours);
            self.queue.schedule_order(t, Order::Statement(actor, statement));
        }
    }

    fn once(&mut self, key: u32, code: u8, hours: f64, order: Order) {
        if self.planned.once.insert((order.actor(), key, code)) {
            let t = self.at(hours);
            self.queue.schedule_order(t, order);
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
            plan.once(campaign.0, 1, d.relay_h, Order::OpenInvestigation(a, l.indicator));
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
    if d.request_onsite {
        plan.respond(asset, 1, d.respond_h, Order::RequestOnsite(owner, asset));
    }
    if d.restore_on_detect {
        plan.respond(asset, 2, d.respond_h + 1.0, Order::Restore(owner, asset));
    } else if d.isolate_on_detect {
        plan.respond(asset, 3, d.respond_h, Order::Isolate(owner, asset));
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
    if w.cause == DownCause::Attack && d.restore_on_detect && kind != AssetKind::ResultsWebsite {
        plan.respond(w.asset, 2, d.respond_h, Order::Restore(owner, w.asset));
    }
    if kind == AssetKind::Pollbook && info.kind == ActorKind::Local {
        let t = core.time(plan.now);
        if t >= reg.election.polls_open && t < reg.election.polls_close {
            let paper = core.posture(w.asset).is_some_and(|p| p.paper_fallback);
            if paper {
                plan.respond(w.asset, 4, 1.0, Order::SwitchToPaper(owner));
            }
            plan.respond(w.asset, 5, 2.0, Order::ExtendHours(owner, 2));
        }
    }
}

/// The public saw an incident: state offices debunk disinformation and federal partners
/// attribute it; otherwise the jurisdiction concerned (and a local's state) reassures.
fn on_visible(core: &Core, reg: &Registry, eo: &Eo, plan: &mut Plan, v: &Visible) {
    if v.disinformation {
        // State offices, the trusted voices, debunk; federal partners attribute publicly.
        for s in &reg.states {
            let a = s.office;
            if core.staffed(a) {
                continue;
            }
            if let Some(h) = reg.actor(a).doctrine.debunk_h {
                plan.statement(a, Statement::Debunk, h);
            }
        }
        if let (Some(c), Some(h)) = (v.campaign, reg.spec.doctrines.federal.public_attribution_h) {
            let adv = reg.campaign(c).adversary;
            let odni = reg.federal.odni;
            if !core.staffed(odni) && !eo.attributed.contains(&adv) {
                plan.once(adv.0, 7, h, Order::Attribute(odni, adv));
            }
        }
    } else if let Some(about) = v.about {
        // The jurisdiction (or, for a local, also its state) reassures the public.
        let office = reg.actor(about).state.map(|s| reg.states[s.ix()].office).filter(|&o| o != about);
        for a in std::iter::once(about).chain(office) {
            if core.staffed(a) || !matches!(reg.actor(a).kind, ActorKind::Local | ActorKind::StateOffice) {
                continue;
            }
            if let Some(h) = reg.actor(a).doctrine.statement_h {
                plan.statement(a, Statement::Reassure, h);
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
    // The kinds targeted, one bit each, tested for each asset; kinds whose every asset has a
    // hardening planned already (responses are never unplanned) are left out.
    const _: () = assert!(AssetKind::ALL.len() <= 32, "asset kinds need a wider mask");
    let slot = usize::from(code == 11);
    let kinds = targets.kinds.iter().fold(0u32, |m, &k| m | 1 << k as u32) & !plan.planned.hardened(a, slot);
    if kinds == 0 {
        return;
    }
    // Kinds with an asset left unhardened (not weak, or no posture).
    let mut open = 0u32;
    for &asset in &reg.actor(a).assets {
        let kind = 1 << reg.asset(asset).kind as u32;
        if kinds & kind == 0 || plan.planned.responded(asset, code) {
            continue;
        }
        let weak =
            core.posture(asset).is_some_and(|p| if code == 10 { p.patch_lag_days > 0 } else { !p.mfa });
        if !weak {
            open |= kind;
            continue;
        }
        let order = if code == 10 { Order::Patch(a, asset) } else { Order::EnforceMfa(a, asset) };
        plan.respond(asset, code, hours, order);
    }
    plan.planned.mark_hardened(a, slot, kinds & !open);
}

/// A doctrine's command, naming its actor and what it acts on by index: the same as the
/// [`Command`] of the same name given by that actor, without looking anything up by id when
/// it applies, and without its text unless it is logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// [`Command::Patch`].
    Patch(ActorIx, AssetIx),
    /// [`Command::EnforceMfa`].
    EnforceMfa(ActorIx, AssetIx),
    /// [`Command::Isolate`].
    Isolate(ActorIx, AssetIx),
    /// [`Command::Restore`].
    Restore(ActorIx, AssetIx),
    /// [`Command::RequestOnsite`].
    RequestOnsite(ActorIx, AssetIx),
    /// [`Command::SwitchToPaper`] of the actor's own jurisdiction.
    SwitchToPaper(ActorIx),
    /// [`Command::ExtendHours`] in the actor's own jurisdiction, by so many hours.
    ExtendHours(ActorIx, u32),
    /// [`Command::ShareIndicator`].
    Share(ActorIx, IndicatorIx, Channel),
    /// [`Command::PublicStatement`].
    Statement(ActorIx, Statement),
    /// [`Command::OpenInvestigation`].
    OpenInvestigation(ActorIx, IndicatorIx),
    /// [`Command::Attribute`].
    Attribute(ActorIx, AdversaryIx),
}

impl Order {
    /// The command it stands for.
    pub fn command(self, reg: &Registry) -> Command {
        let actor = reg.actor(self.actor()).id.clone();
        let asset = |x: AssetIx| reg.asset(x).id.clone();
        match self {
            Order::Patch(_, x) => Command::Patch { actor, asset: asset(x) },
            Order::EnforceMfa(_, x) => Command::EnforceMfa { actor, asset: asset(x) },
            Order::Isolate(_, x) => Command::Isolate { actor, asset: asset(x) },
            Order::Restore(_, x) => Command::Restore { actor, asset: asset(x) },
            Order::RequestOnsite(_, x) => Command::RequestOnsite { actor, asset: asset(x) },
            Order::SwitchToPaper(_) => Command::SwitchToPaper { jurisdiction: actor.clone(), actor },
            Order::ExtendHours(_, hours) => {
                Command::ExtendHours { jurisdiction: actor.clone(), actor, hours }
            }
            Order::Share(_, ind, channel) => Command::ShareIndicator { actor, indicator: ind.0, channel },
            Order::Statement(_, statement) => Command::PublicStatement { actor, statement },
            Order::OpenInvestigation(_, ind) => Command::OpenInvestigation { actor, indicator: ind.0 },
            Order::Attribute(_, adv) => {
                Command::Attribute { actor, adversary: reg.adversaries[adv.ix()].id.clone() }
            }
        }
    }

    /// The kind of the command it stands for.
    fn kind(self) -> CommandKind {
        match self {
            Order::Patch(..) => CommandKind::Patch,
            Order::EnforceMfa(..) => CommandKind::EnforceMfa,
            Order::Isolate(..) => CommandKind::Isolate,
            Order::Restore(..) => CommandKind::Restore,
            Order::RequestOnsite(..) => CommandKind::RequestOnsite,
            Order::SwitchToPaper(..) => CommandKind::SwitchToPaper,
            Order::ExtendHours(..) => CommandKind::ExtendHours,
            Order::Share(..) => CommandKind::ShareIndicator,
            Order::Statement(..) => CommandKind::PublicStatement,
            Order::OpenInvestigation(..) => CommandKind::OpenInvestigation,
            Order::Attribute(..) => CommandKind::Attribute,
        }
    }

    /// [`Command::summary`] of the command it stands for.
    pub fn summary(self, reg: &Registry) -> String {
        // Put together directly rather than from the command's template: doctrines give
        // thousands of orders.
        let actor = reg.actor(self.actor()).id.as_str();
        let asset = |x: AssetIx| reg.asset(x).id.as_str();
        match self {
            Order::Patch(_, x) => joined(&[actor, ": patch ", asset(x)]),
            Order::EnforceMfa(_, x) => joined(&[actor, ": enforce MFA on ", asset(x)]),
            Order::Isolate(_, x) => joined(&[actor, ": isolate ", asset(x)]),
            Order::Restore(_, x) => joined(&[actor, ": restore ", asset(x), " from backup"]),
            Order::RequestOnsite(_, x) => joined(&[actor, ": request a CISA on-site team for ", asset(x)]),
            Order::SwitchToPaper(_) => joined(&[actor, ": switch ", actor, " to paper pollbooks"]),
            Order::Statement(_, st) => joined(&[actor, ": public statement (", st.name(), ")"]),
            Order::ExtendHours(_, hours) => format!("{actor}: extend polling hours in {actor} by {hours}h"),
            Order::Share(_, ind, channel) => format!("{actor}: share IND-{:04} on {}", ind.0, channel.slug()),
            Order::OpenInvestigation(_, ind) => format!("{actor}: open an investigation of IND-{:04}", ind.0),
            Order::Attribute(_, adv) => {
                joined(&[actor, ": publicly attribute to ", &reg.adversaries[adv.ix()].id])
            }
        }
    }

    /// The actor it is given by.
    pub fn actor(self) -> ActorIx {
        match self {
            Order::Patch(a, _)
            | Order::EnforceMfa(a, _)
            | Order::Isolate(a, _)
            | Order::Restore(a, _)
            | Order::RequestOnsite(a, _)
            | Order::SwitchToPaper(a)
            | Order::ExtendHours(a, _)
            | Order::Share(a, ..)
            | Order::Statement(a, _)
            | Order::OpenInvestigation(a, _)
            | Order::Attribute(a, _) => a,
        }
    }

    /// Applies it as a doctrine's command: the same checks, in the same order, and the same
    /// effect as applying the command it stands for.
    fn apply(self, core: &mut Core, cx: &mut CommandCtx) -> Result<(), Rejection> {
        use super::commands as c;
        let reg = core.reg.0.clone();
        let a = self.actor();
        if core.now() > reg.clock.last_tick() {
            return Err(Rejection::Ended);
        }
        if !self.kind().allowed_kinds().contains(&reg.actor(a).kind) {
            // Not an actor that gives it (doctrines order it only of those that do): refused
            // as the command would be.
            crate::command::check_actor(&reg, &Issuer::Doctrine, &self.command(&reg))?;
        }
        if core.staffed(a) {
            return Err(Rejection::NowStaffed { actor: reg.actor(a).id.clone() });
        }
        let reg = &*reg;
        match self {
            Order::Patch(_, x) => c::patch_asset(core, owned(reg, a, x)?),
            Order::EnforceMfa(_, x) => c::enforce_mfa_on(core, owned(reg, a, x)?),
            Order::Isolate(_, x) => c::isolate_asset(core, owned(reg, a, x)?),
            Order::Restore(_, x) => c::restore_asset(core, reg, owned(reg, a, x)?),
            Order::RequestOnsite(_, x) => c::onsite_for(core, cx, reg, owned(reg, a, x)?),
            Order::SwitchToPaper(_) => c::paper_pollbooks(core, reg, own_jurisdiction(reg, a)?),
            Order::ExtendHours(_, hours) => c::longer_hours(core, reg, own_jurisdiction(reg, a)?, hours),
            Order::Share(_, ind, channel) => c::share_indicator(core, cx, reg, a, ind.0, channel),
            Order::Statement(_, statement) => {
                c::public_statement(core, a, statement);
                Ok(())
            }
            Order::OpenInvestigation(_, ind) => c::open_investigation(core, cx, a, ind.0),
            Order::Attribute(_, adv) => {
                if c::attribute(core, cx.eo, a, adv) {
                    Ok(())
                } else {
                    c::done("already attributed")
                }
            }
        }
    }
}

/// The parts, one after the other, in a string of just their length.
fn joined(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// The asset, if `actor` owns it; refused as a command naming it by id would be.
fn owned(reg: &Registry, actor: ActorIx, asset: AssetIx) -> Result<AssetIx, Rejection> {
    if reg.asset(asset).owner != actor {
        return Err(Rejection::NotOwner {
            actor: reg.actor(actor).id.clone(),
            asset: reg.asset(asset).id.clone(),
        });
    }
    Ok(asset)
}

/// The actor's own jurisdiction, if it is a local one; refused as a command naming it by id
/// would be.
fn own_jurisdiction(reg: &Registry, actor: ActorIx) -> Result<ActorIx, Rejection> {
    if reg.actor(actor).kind != ActorKind::Local {
        return Err(Rejection::UnknownJurisdiction { jurisdiction: reg.actor(actor).id.clone() });
    }
    Ok(actor)
}

/// Applies a doctrine's order and logs it as the command it stands for would be logged (a
/// share it carries out is not logged: its delivery is).
pub fn apply_order(core: &mut Core, cx: &mut CommandCtx, order: Order) {
    let result = order.apply(core, cx);
    if result.is_ok() && matches!(order, Order::Share(..)) {
        return;
    }
    let summary = order.summary(core.reg());
    let rejected = result.err().map(|r| r.to_string());
    let actor = Some(order.actor());
    core.emit(Severity::Info, EventKind::Command { issuer: Issuer::Doctrine, summary, actor, rejected });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_planned_once_and_only_when_allowed() {
        // Against a set of the shares planned: the same answers, whatever the order.
        let mut next = crate::rng::xorshift(0x51ab_0c3d_2e4f_6071);
        let campaigns = 5;
        let mut planned = Planned::default();
        let mut set = BTreeSet::new();
        for _ in 0..5_000 {
            let r = next();
            let actor = ActorIx((r % 40) as u32);
            let campaign = CampaignIx((r >> 8) as u32 % campaigns as u32);
            let channel = Channel::ALL[(r >> 16) as usize % Channel::ALL.len()];
            let allowed = (r >> 24) & 3 != 0;
            let mut asked = false;
            let new = planned.plan_share(campaigns, actor, campaign, channel, || {
                asked = true;
                allowed
            });
            let key = (actor, campaign, channel);
            assert_eq!(asked, !set.contains(&key), "asked only when not yet planned");
            assert_eq!(new, allowed && set.insert(key));
        }
        assert!(set.len() > 100);
    }
}
