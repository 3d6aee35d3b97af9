//! Applying commands at the tick boundary, in canonical order.

use std::collections::BTreeMap;

use bevy_ecs::message::Messages;
use bevy_ecs::prelude::*;

use super::Core;
use super::doctrines::{Order, apply_order};
use super::federal::{deliver_assessment, deliver_report};
use super::impact::deploy_onsite;
use crate::command::{
    Command, CommandKind, CommandOutcome, Issuer, Rejection, Statement, channel_senders, check_actor_found,
};
use crate::events::{EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;
use crate::scenario::compile::resolve_effect;
use crate::scenario::schema::{AssetKind, Channel, Effect};
use crate::time::Tick;

/// Commands waiting for their tick, in canonical order: (tick, issuer rank, sequence).
#[derive(Resource, Clone, Default)]
pub struct CommandQueue {
    pending: BTreeMap<(u32, u32, u64), Queued>,
    /// Doctrines' orders by tick, each tick's in sequence order (sequence numbers only grow,
    /// so appending keeps it). Their place in canonical order is the one they would have in
    /// `pending`, (tick, doctrine rank, sequence); a national run queues thousands, and a
    /// map entry each cost more than the order itself.
    orders: BTreeMap<u32, Vec<(u64, Order)>>,
    /// Emptied lists of orders, kept for later ticks' orders (fewer allocations).
    spare: Vec<Vec<(u64, Order)>>,
    next_external: u64,
    next_internal: u64,
    /// Outcomes of external commands not yet collected by the caller.
    pub outcomes: Vec<CommandOutcome>,
}

/// What waits in the queue: a command as given, or a doctrine's order by index. A command is
/// boxed so that the queue's entries stay small: inserting and taking them moves entries within
/// the map's nodes.
#[derive(Clone)]
enum Queued {
    Given(Box<(Issuer, Command)>),
    Order(Order),
}

/// The rank of an issuer within a tick: facilitator, then teams in scenario order, then doctrines.
pub fn issuer_rank(reg: &Registry, issuer: &Issuer) -> u32 {
    match issuer {
        Issuer::Facilitator => 0,
        Issuer::Team(t) => reg.team_by_id.get(t).map_or(u32::MAX - 1, |i| i.0 + 1),
        Issuer::Doctrine => u32::MAX,
    }
}

impl CommandQueue {
    /// Queues a command from outside the simulation; returns its sequence number.
    pub fn submit(&mut self, reg: &Registry, tick: Tick, issuer: Issuer, command: Command) -> u64 {
        let seq = self.next_external;
        self.next_external += 1;
        self.pending
            .insert((tick.0, issuer_rank(reg, &issuer), seq), Queued::Given(Box::new((issuer, command))));
        seq
    }

    /// Queues a doctrine's order, named by index.
    pub fn schedule_order(&mut self, tick: Tick, order: Order) {
        let seq = self.next_internal;
        self.next_internal += 1;
        let spare = &mut self.spare;
        self.orders.entry(tick.0).or_insert_with(|| spare.pop().unwrap_or_default()).push((seq, order));
    }

    /// Takes back a queued command (one that can never apply).
    pub fn remove(&mut self, tick: Tick, seq: u64) -> Option<(Issuer, Command)> {
        let key = self
            .pending
            .iter()
            .find(|(k, q)| k.0 == tick.0 && k.2 == seq && matches!(q, Queued::Given(..)))
            .map(|(k, _)| *k)?;
        match self.pending.remove(&key)? {
            Queued::Given(given) => Some(*given),
            Queued::Order(_) => None,
        }
    }

    /// The first tick with a command waiting.
    #[inline]
    pub fn next_due(&self) -> Option<Tick> {
        let given = self.pending.first_key_value().map(|(k, _)| k.0);
        let order = self.orders.first_key_value().map(|(&t, _)| t);
        match (given, order) {
            (Some(g), Some(o)) => Some(Tick(g.min(o))),
            (g, o) => g.or(o).map(Tick),
        }
    }

    /// External commands waiting (for views).
    pub fn waiting(&self) -> impl Iterator<Item = (Tick, &Issuer, &Command)> {
        self.pending.iter().filter_map(|(k, q)| match q {
            Queued::Given(given) if k.1 != u32::MAX => Some((Tick(k.0), &given.0, &given.1)),
            _ => None,
        })
    }

    /// The orders of the first tick with orders waiting, if it is `tick` or earlier (in
    /// sequence order). Give the list back with `recycle`.
    fn take_orders(&mut self, tick: Tick) -> Option<Vec<(u64, Order)>> {
        self.orders.first_entry().filter(|e| *e.key() <= tick.0).map(|e| e.remove())
    }

    fn recycle(&mut self, mut list: Vec<(u64, Order)>) {
        list.clear();
        self.spare.push(list);
    }

    /// Everything due by `tick`, in canonical order, with its (tick, issuer rank, sequence).
    fn take_due(&mut self, tick: Tick) -> Vec<((u32, u32, u64), Queued)> {
        let mut due = Vec::new();
        while let Some(entry) = self.pending.first_entry() {
            if entry.key().0 > tick.0 {
                break;
            }
            due.push(entry.remove_entry());
        }
        let given = due.len();
        while let Some(entry) = self.orders.first_entry() {
            if *entry.key() > tick.0 {
                break;
            }
            let (t, orders) = entry.remove_entry();
            due.extend(orders.into_iter().map(|(seq, o)| ((t, u32::MAX, seq), Queued::Order(o))));
        }
        if given > 0 && given < due.len() {
            // Two runs each in canonical order: merged into the one order a single map of
            // both would give (a stable sort of two sorted runs merges them).
            due.sort_by_key(|e| e.0);
        }
        due
    }
}

/// What applying commands needs besides [`Core`].
pub struct CommandCtx<'a> {
    /// Indicators already shared on each channel.
    pub ledger: &'a ShareLedger,
    /// Share orders the commands give.
    pub orders: &'a mut Messages<ShareOrder>,
    /// On-site teams.
    pub onsite: &'a mut Onsite,
    /// The EO 13848 process.
    pub eo: &'a mut Eo,
    /// Federal events.
    pub federal: &'a mut Calendar<FederalEvent>,
    /// Adversary actions.
    pub campaign_cal: &'a mut Calendar<CampaignEvent>,
    /// Inject states.
    pub injects: &'a mut Injects,
    /// Injects to fire.
    pub inject_cal: &'a mut Calendar<InjectEvent>,
}

/// Applies every command due this tick.
pub fn apply_commands(
    core: &mut Core,
    queue: &mut CommandQueue,
    cx: &mut CommandCtx,
    issued: &mut IssuedLog,
) {
    let now = core.now();
    if queue.pending.first_key_value().is_none_or(|(k, _)| k.0 > now.0) {
        // Only doctrines' orders are due: applied from their lists, tick by tick, in sequence.
        while let Some(mut list) = queue.take_orders(now) {
            for (seq, order) in list.drain(..) {
                apply_queued(core, &mut queue.outcomes, cx, issued, seq, Queued::Order(order));
            }
            queue.recycle(list);
        }
        return;
    }
    for ((_, _, seq), queued) in queue.take_due(now) {
        apply_queued(core, &mut queue.outcomes, cx, issued, seq, queued);
    }
}

/// Applies one command or order, logs it and keeps the outcome of an external one.
fn apply_queued(
    core: &mut Core,
    outcomes: &mut Vec<CommandOutcome>,
    cx: &mut CommandCtx,
    issued: &mut IssuedLog,
    seq: u64,
    queued: Queued,
) {
    let now = core.now();
    // The acting actor: known for a doctrine's command, else looked up by its id.
    let (issuer, command, actor) = match queued {
        Queued::Given(given) => {
            let (issuer, command) = *given;
            let actor = command.actor().and_then(|a| core.reg().actor_by_id.get(a).copied());
            (issuer, command, actor)
        }
        // A doctrine's order goes by index, unless its scenario keeps what teams ordered.
        Queued::Order(order) if !core.reg().tracks_commands => {
            apply_order(core, cx, order);
            return;
        }
        Queued::Order(order) => (Issuer::Doctrine, order.command(core.reg()), Some(order.actor())),
    };
    let result = apply(core, cx, &issuer, &command, actor);
    if result.is_ok() && core.reg().tracks_commands {
        record_issued(core, issued, &issuer, &command, actor);
    }
    let quiet = issuer == Issuer::Doctrine
        && result.is_ok()
        && matches!(command.kind(), CommandKind::ShareIndicator | CommandKind::NotifyVictim);
    if !quiet {
        let rejected = result.as_ref().err().map(ToString::to_string);
        let sev =
            if rejected.is_some() && issuer != Issuer::Doctrine { Severity::Notice } else { Severity::Info };
        core.emit(
            sev,
            EventKind::Command { issuer: issuer.clone(), summary: command.summary(), actor, rejected },
        );
    }
    if issuer != Issuer::Doctrine {
        outcomes.push(CommandOutcome { tick: now, issuer, seq, command, result });
    }
}

/// Keeps a command carried out for a team: given by the team, or by the facilitator or a
/// doctrine for an actor a team plays (the first such team in scenario order).
fn record_issued(
    core: &Core,
    issued: &mut IssuedLog,
    issuer: &Issuer,
    command: &Command,
    actor: Option<ActorIx>,
) {
    let reg = core.reg();
    let team = match issuer {
        Issuer::Team(t) => reg.team_by_id.get(t).copied(),
        Issuer::Facilitator | Issuer::Doctrine => {
            actor.and_then(|a| reg.teams.iter().position(|t| t.actors.contains(&a)).map(|i| TeamIx(i as u32)))
        }
    };
    let Some(team) = team else { return };
    let target = match command {
        Command::ShareIndicator { indicator, .. } | Command::OpenInvestigation { indicator, .. } => core
            .indicators
            .0
            .get(*indicator as usize)
            .map(|i| reg.campaign(i.campaign).spec.id.clone())
            .unwrap_or_default(),
        _ => command.target(),
    };
    issued.0.push(IssuedCommand {
        tick: core.now(),
        team,
        kind: command.kind(),
        target,
        channel: match command {
            Command::ShareIndicator { channel, .. } => Some(*channel),
            _ => None,
        },
        issuer: issuer.clone(),
    });
}

/// A public statement by an actor: answers the open incidents it concerns (commands and injects).
pub(crate) fn public_statement(core: &mut Core, me: ActorIx, statement: Statement) {
    let reg = core.reg.0.clone();
    let now = core.now();
    let window = reg.spec.public.statement_window_h;
    let (share, disinfo) = match statement {
        Statement::Reassure => (reg.spec.public.statement_recovery, false),
        Statement::Debunk => (reg.spec.public.debunk_recovery, true),
    };
    let my_state = reg.actor(me).state.map(|s| reg.states[s.ix()].office);
    let federal = matches!(reg.actor(me).kind, ActorKind::Dhs | ActorKind::Fbi | ActorKind::Odni);
    let mut regained = 0.0;
    for inc in core.public.open.iter_mut() {
        let fresh = f64::from(now.0.saturating_sub(inc.at.0)) <= window;
        let concerns = inc.disinformation
            || federal
            || inc.about.is_none()
            || inc.about == Some(me)
            || inc.about.and_then(|x| reg.actor(x).state).map(|s| reg.states[s.ix()].office) == Some(me)
            || (my_state.is_some() && inc.about == my_state);
        if !inc.answered && fresh && inc.disinformation == disinfo && concerns {
            inc.answered = true;
            regained += inc.cost * share;
        }
    }
    let timely = regained > 0.0;
    if timely {
        core.public.confidence = (core.public.confidence + regained).clamp(0.0, 100.0);
    }
    core.public.open.retain(|i| !i.answered && f64::from(now.0.saturating_sub(i.at.0)) <= window);
    core.record.digest.mix(&[0x56, u64::from(me.0), core.public.confidence.to_bits()]);
    core.emit(Severity::Info, EventKind::Statement { actor: me, statement, timely });
}

/// A public attribution of an adversary by an actor; false if it was already attributed.
pub(crate) fn attribute(core: &mut Core, eo: &mut Eo, me: ActorIx, adv: AdversaryIx) -> bool {
    let reg = core.reg.0.clone();
    let now = core.now();
    if !eo.attributed.insert(adv) {
        return false;
    }
    // Going public means the agencies have pooled and checked what they hold.
    super::detection::add_evidence(
        eo,
        &mut core.record.digest,
        &reg,
        adv,
        reg.spec.eo13848.evidence_per_attribution,
    );
    // A prompt public attribution answers that adversary's open disinformation.
    let window = reg.spec.public.statement_window_h;
    let share = reg.spec.public.debunk_recovery;
    let mut regained = 0.0;
    for inc in core.public.open.iter_mut() {
        let theirs = inc.campaign.is_some_and(|c| reg.campaign(c).adversary == adv);
        if inc.disinformation
            && theirs
            && !inc.answered
            && f64::from(now.0.saturating_sub(inc.at.0)) <= window
        {
            inc.answered = true;
            regained += inc.cost * share;
        }
    }
    core.public.confidence = (core.public.confidence + regained).clamp(0.0, 100.0);
    core.record.digest.mix(&[0x57, u64::from(adv.0), core.public.confidence.to_bits()]);
    core.emit(Severity::Notice, EventKind::Attribution { by: me, adversary: adv });
    true
}

fn asset_of(reg: &Registry, id: &str) -> Result<AssetIx, Rejection> {
    reg.asset_by_id.get(id).copied().ok_or_else(|| Rejection::UnknownAsset { asset: id.to_string() })
}

fn owned(reg: &Registry, actor: ActorIx, asset: &str) -> Result<AssetIx, Rejection> {
    let a = asset_of(reg, asset)?;
    if reg.asset(a).owner != actor {
        return Err(Rejection::NotOwner { actor: reg.actor(actor).id.clone(), asset: asset.to_string() });
    }
    Ok(a)
}

fn local_of(reg: &Registry, actor: ActorIx, jurisdiction: &str) -> Result<ActorIx, Rejection> {
    let j = reg
        .actor_by_id
        .get(jurisdiction)
        .copied()
        .filter(|j| reg.actor(*j).kind == ActorKind::Local)
        .ok_or_else(|| Rejection::UnknownJurisdiction { jurisdiction: jurisdiction.to_string() })?;
    let responsible = j == actor || reg.actor(j).state.map(|s| reg.states[s.ix()].office) == Some(actor);
    if !responsible {
        return Err(Rejection::NotResponsible {
            actor: reg.actor(actor).id.clone(),
            jurisdiction: jurisdiction.to_string(),
        });
    }
    Ok(j)
}

fn indicator_held(core: &Core, actor: ActorIx, indicator: u32) -> Result<IndicatorIx, Rejection> {
    if indicator as usize >= core.indicators.0.len() {
        return Err(Rejection::UnknownIndicator { indicator });
    }
    let ix = IndicatorIx(indicator);
    if !core.knows(actor).is_some_and(|k| k.holds(ix)) {
        return Err(Rejection::IndicatorNotHeld { actor: core.reg().actor(actor).id.clone(), indicator });
    }
    Ok(ix)
}

fn adversary_of(reg: &Registry, id: &str) -> Result<AdversaryIx, Rejection> {
    reg.adversary_by_id
        .get(id)
        .copied()
        .ok_or_else(|| Rejection::UnknownAdversary { adversary: id.to_string() })
}

fn inject_of(reg: &Registry, id: &str) -> Result<InjectIx, Rejection> {
    reg.inject_by_id.get(id).copied().ok_or_else(|| Rejection::UnknownInject { inject: id.to_string() })
}

/// Checks whether a channel can be used by an actor, as [`Command::ShareIndicator`] would.
pub fn check_channel(
    reg: &Registry,
    members: &[bool],
    actor: ActorIx,
    channel: Channel,
) -> Result<(), Rejection> {
    let info = reg.actor(actor);
    if !channel_senders(channel).contains(&info.kind) {
        return Err(Rejection::WrongChannel { actor: info.id.clone(), channel: channel.slug().into() });
    }
    if !reg.spec.sharing.channels.get(channel).enabled {
        return Err(Rejection::ChannelDisabled { channel: channel.slug().into() });
    }
    if matches!(channel, Channel::MemberToIsac | Channel::StateToIsac)
        && !members.get(actor.ix()).copied().unwrap_or(false)
    {
        return Err(Rejection::NotAMember { actor: info.id.clone() });
    }
    Ok(())
}

/// Checks who gives a command, then carries out its effect: one arm per command, each calling
/// its effect's function below (grouped by family). The match is exhaustive, so a command added
/// to the table is not accepted by the compiler until its effect is written here.
///
/// `actor` is the actor the command's acting actor id names, if any.
fn apply(
    core: &mut Core,
    cx: &mut CommandCtx,
    issuer: &Issuer,
    command: &Command,
    actor: Option<ActorIx>,
) -> Result<(), Rejection> {
    let reg = core.reg.0.clone();
    if core.now() > reg.clock.last_tick() {
        return Err(Rejection::Ended);
    }
    let actor = check_actor_found(&reg, issuer, command, actor)?;
    if let (Issuer::Doctrine, Some(a)) = (issuer, actor)
        && core.staffed(a)
    {
        return Err(Rejection::NowStaffed { actor: reg.actor(a).id.clone() });
    }
    let me = actor.unwrap_or(reg.federal.dhs);
    let reg = &*reg;
    use Command as C;
    match command {
        C::Patch { asset, .. } => patch(core, reg, me, asset),
        C::EnforceMfa { asset, .. } => enforce_mfa(core, reg, me, asset),
        C::Isolate { asset, .. } => isolate(core, reg, me, asset),
        C::Restore { asset, .. } => restore(core, reg, me, asset),
        C::SwitchToPaper { jurisdiction, .. } => switch_to_paper(core, reg, me, jurisdiction),
        C::ExtendHours { jurisdiction, hours, .. } => extend_hours(core, reg, me, jurisdiction, *hours),
        C::RequestOnsite { asset, .. } => request_onsite(core, cx, reg, me, asset),
        C::DeployOnsite { asset, .. } => send_onsite(core, cx, reg, asset),
        C::ShareIndicator { indicator, channel, .. } => {
            share_indicator(core, cx, reg, me, *indicator, *channel)
        }
        C::NotifyVictim { indicator, victim, .. } => notify_victim(core, cx, reg, me, *indicator, victim),
        C::PublicStatement { statement, .. } => {
            public_statement(core, me, *statement);
            Ok(())
        }
        C::OpenInvestigation { indicator, .. } => open_investigation(core, cx, me, *indicator),
        C::Attribute { adversary, .. } => {
            let adv = adversary_of(reg, adversary)?;
            if attribute(core, cx.eo, me, adv) { Ok(()) } else { done("already attributed") }
        }
        C::DeliverAssessment { .. } => assessment_now(core, cx, reg),
        C::DeliverReport { .. } => report_now(core, cx),
        C::RecommendSanctions { adversary, .. } => recommend_sanctions(core, cx, reg, adversary),
        C::ImposeSanctions { adversary, .. } => impose_sanctions(core, cx, reg, adversary),
        C::LaunchCampaign { campaign, .. } => launch_campaign(core, cx, reg, me, campaign),
        C::FireInject { inject } => fire_inject(core, cx, reg, inject),
        C::HoldInject { inject } => stop_inject(core, cx, reg, inject, Stop::Hold),
        C::SkipInject { inject } => stop_inject(core, cx, reg, inject, Stop::Skip),
        C::ReleaseInject { inject } => resume_inject(core, cx, reg, inject, Stop::Hold),
        C::UnskipInject { inject } => resume_inject(core, cx, reg, inject, Stop::Skip),
        C::AdHocInject { title, description, teams, effects } => {
            let ev = adhoc(reg, cx.injects, title, description, teams, effects)?;
            cx.inject_cal.schedule(core.now(), ev);
            Ok(())
        }
        C::InjectFromTemplate { template, state, jurisdiction } => {
            inject_from_template(core, cx, reg, template, state.as_deref(), jurisdiction.as_deref())
        }
        C::SetStaffed { team, staffed } => set_staffed(core, reg, team, *staffed),
    }
}

/// Nothing to do: the command's effect is already the case.
pub(super) fn done(what: &str) -> Result<(), Rejection> {
    Err(Rejection::AlreadyDone { what: what.to_string() })
}

// Measures on an asset its owner takes: patch, MFA, isolation, restore.

fn patch(core: &mut Core, reg: &Registry, me: ActorIx, asset: &str) -> Result<(), Rejection> {
    patch_asset(core, owned(reg, me, asset)?)
}

/// [`Command::Patch`]'s effect on an asset its actor owns.
pub(super) fn patch_asset(core: &mut Core, a: AssetIx) -> Result<(), Rejection> {
    if core.posture(a).is_some_and(|p| p.patch_lag_days == 0) {
        return done("already fully patched");
    }
    core.with_posture(a, |p| p.patch_lag_days = 0);
    core.record.digest.mix(&[0x51, u64::from(a.0)]);
    Ok(())
}

fn enforce_mfa(core: &mut Core, reg: &Registry, me: ActorIx, asset: &str) -> Result<(), Rejection> {
    enforce_mfa_on(core, owned(reg, me, asset)?)
}

/// [`Command::EnforceMfa`]'s effect on an asset its actor owns.
pub(super) fn enforce_mfa_on(core: &mut Core, a: AssetIx) -> Result<(), Rejection> {
    if core.posture(a).is_some_and(|p| p.mfa) {
        return done("MFA is already enforced");
    }
    core.with_posture(a, |p| p.mfa = true);
    core.record.digest.mix(&[0x52, u64::from(a.0)]);
    Ok(())
}

fn isolate(core: &mut Core, reg: &Registry, me: ActorIx, asset: &str) -> Result<(), Rejection> {
    isolate_asset(core, owned(reg, me, asset)?)
}

/// [`Command::Isolate`]'s effect on an asset its actor owns.
pub(super) fn isolate_asset(core: &mut Core, a: AssetIx) -> Result<(), Rejection> {
    if core.status(a).is_some_and(|s| s.down_cause == Some(DownCause::Isolated)) {
        return done("the asset is already isolated");
    }
    core.evict(a);
    core.take_down(a, DownCause::Isolated, Availability::Offline, None);
    Ok(())
}

fn restore(core: &mut Core, reg: &Registry, me: ActorIx, asset: &str) -> Result<(), Rejection> {
    restore_asset(core, reg, owned(reg, me, asset)?)
}

/// [`Command::Restore`]'s effect on an asset its actor owns.
pub(super) fn restore_asset(core: &mut Core, reg: &Registry, a: AssetIx) -> Result<(), Rejection> {
    let now = core.now();
    let st = core.status(a);
    if st.as_ref().is_some_and(|s| s.down_cause == Some(DownCause::Restoring)) {
        return done("a restore is already under way");
    }
    let posture = core.posture(a).unwrap_or_default();
    let onsite = st.as_ref().is_some_and(|s| s.onsite_until.is_some_and(|t| t > now));
    let mut hours = if posture.offline_backups { 12.0 } else { 72.0 };
    if onsite {
        hours /= 2.0;
    }
    core.evict(a);
    // A clean offline backup undoes altered data, if done before the polls open.
    let before_polls = core.time(now) < reg.election.polls_open;
    if posture.offline_backups && before_polls {
        core.record.metrics.restore_altered(a);
        core.with_status(a, |s| s.altered = false);
    }
    core.take_down(a, DownCause::Restoring, Availability::Offline, Some(hours));
    Ok(())
}

// Election Day measures for a local jurisdiction: paper pollbooks, longer hours.

fn switch_to_paper(
    core: &mut Core,
    reg: &Registry,
    me: ActorIx,
    jurisdiction: &str,
) -> Result<(), Rejection> {
    paper_pollbooks(core, reg, local_of(reg, me, jurisdiction)?)
}

/// [`Command::SwitchToPaper`]'s effect on a local jurisdiction its actor is responsible for.
pub(super) fn paper_pollbooks(core: &mut Core, reg: &Registry, j: ActorIx) -> Result<(), Rejection> {
    let pollbooks: Vec<AssetIx> =
        reg.actor(j).assets.iter().copied().filter(|a| reg.asset(*a).kind == AssetKind::Pollbook).collect();
    if pollbooks.iter().all(|a| core.status(*a).is_some_and(|s| s.paper_mode)) {
        return done("already on paper pollbooks");
    }
    for a in pollbooks {
        // Close the downtime so far at the old rate, then carry on at the paper rate.
        core.split_interval(a);
        core.with_status(a, |s| s.paper_mode = true);
    }
    core.record.digest.mix(&[0x53, u64::from(j.0)]);
    Ok(())
}

fn extend_hours(
    core: &mut Core,
    reg: &Registry,
    me: ActorIx,
    jurisdiction: &str,
    hours: u32,
) -> Result<(), Rejection> {
    longer_hours(core, reg, local_of(reg, me, jurisdiction)?, hours)
}

/// [`Command::ExtendHours`]'s effect on a local jurisdiction its actor is responsible for.
pub(super) fn longer_hours(core: &mut Core, reg: &Registry, j: ActorIx, hours: u32) -> Result<(), Rejection> {
    let t = core.time(core.now());
    if t < reg.election.polls_open || t.0 > reg.election.polls_close.0 + 6 {
        return Err(Rejection::NotNow { why: "polling hours can be extended only on Election Day".into() });
    }
    if !(1..=6).contains(&hours) {
        return Err(Rejection::NotNow { why: "extend by 1 to 6 hours".into() });
    }
    let e = core.record.metrics.extended.entry(j).or_insert(0);
    *e = (*e + hours).min(6);
    core.record.digest.mix(&[0x54, u64::from(j.0), u64::from(hours)]);
    Ok(())
}

// On-site assessment teams: asked for by an owner, sent by DHS.

fn request_onsite(
    core: &mut Core,
    cx: &mut CommandCtx,
    reg: &Registry,
    me: ActorIx,
    asset: &str,
) -> Result<(), Rejection> {
    onsite_for(core, cx, reg, owned(reg, me, asset)?)
}

/// [`Command::RequestOnsite`]'s effect for an asset its actor owns.
pub(super) fn onsite_for(
    core: &mut Core,
    cx: &mut CommandCtx,
    reg: &Registry,
    a: AssetIx,
) -> Result<(), Rejection> {
    let now = core.now();
    if cx.onsite.queue.contains(&a) || core.status(a).is_some_and(|s| s.onsite_until.is_some_and(|t| t > now))
    {
        return done("an on-site team is already requested or on site");
    }
    cx.onsite.queue.push_back(a);
    core.record.digest.mix(&[0x55, u64::from(a.0)]);
    if !core.staffed(reg.federal.dhs)
        && cx.onsite.free > 0
        && let Some(next) = cx.onsite.queue.pop_front()
    {
        deploy_onsite(core, cx.onsite, next);
    }
    Ok(())
}

fn send_onsite(core: &mut Core, cx: &mut CommandCtx, reg: &Registry, asset: &str) -> Result<(), Rejection> {
    let now = core.now();
    let a = asset_of(reg, asset)?;
    if core.status(a).is_some_and(|s| s.onsite_until.is_some_and(|t| t > now)) {
        return done("a team is already on site");
    }
    if !deploy_onsite(core, cx.onsite, a) {
        return Err(Rejection::NotNow { why: "no on-site team is free".into() });
    }
    Ok(())
}

// Sharing an indicator: on a channel, or to a victim.

pub(super) fn share_indicator(
    core: &mut Core,
    cx: &mut CommandCtx,
    reg: &Registry,
    me: ActorIx,
    indicator: u32,
    channel: Channel,
) -> Result<(), Rejection> {
    if channel == Channel::FbiToVictim {
        return Err(Rejection::WrongChannel {
            actor: reg.actor(me).id.clone(),
            channel: "fbi_to_victim (use notify_victim)".into(),
        });
    }
    check_channel(reg, &core.seeded.members, me, channel)?;
    let ind = indicator_held(core, me, indicator)?;
    if cx.ledger.0.contains(&(me, ind, channel)) {
        return Err(Rejection::AlreadyShared {
            actor: reg.actor(me).id.clone(),
            indicator,
            channel: channel.slug().into(),
        });
    }
    cx.orders.write(ShareOrder { from: me, indicator: ind, channel, to: None });
    Ok(())
}

fn notify_victim(
    core: &mut Core,
    cx: &mut CommandCtx,
    reg: &Registry,
    me: ActorIx,
    indicator: u32,
    victim: &str,
) -> Result<(), Rejection> {
    let ind = indicator_held(core, me, indicator)?;
    let v = reg
        .actor_by_id
        .get(victim)
        .copied()
        .filter(|v| {
            matches!(reg.actor(*v).kind, ActorKind::Local | ActorKind::StateOffice | ActorKind::Vendor)
        })
        .ok_or_else(|| Rejection::UnknownActor { actor: victim.to_string() })?;
    if !reg.spec.sharing.channels.fbi_to_victim.enabled {
        return Err(Rejection::ChannelDisabled { channel: Channel::FbiToVictim.slug().into() });
    }
    cx.orders.write(ShareOrder { from: me, indicator: ind, channel: Channel::FbiToVictim, to: Some(v) });
    Ok(())
}

// The federal response: investigations, attribution, the EO 13848 steps, sanctions (public
// statements and attribution are `public_statement` and `attribute` above).

pub(super) fn open_investigation(
    core: &mut Core,
    cx: &mut CommandCtx,
    me: ActorIx,
    indicator: u32,
) -> Result<(), Rejection> {
    let ind = indicator_held(core, me, indicator)?;
    let c = core.indicators.0[ind.ix()].campaign;
    if cx.eo.investigations.contains_key(&c) {
        return done("that activity is already under investigation");
    }
    cx.eo.investigations.insert(c, Investigation { opened: core.now(), notified: Default::default() });
    if !cx.eo.investigations_scheduled {
        cx.eo.investigations_scheduled = true;
        let t = super::federal::next_morning(core);
        cx.federal.schedule(t, FederalEvent::Investigations);
    }
    core.emit(Severity::Notice, EventKind::InvestigationOpened { campaign: c });
    Ok(())
}

fn assessment_now(core: &mut Core, cx: &mut CommandCtx, reg: &Registry) -> Result<(), Rejection> {
    if core.now() < reg.election.election_day {
        return Err(Rejection::NotNow { why: "the assessment follows the election".into() });
    }
    if cx.eo.assessment_at.is_some() {
        return done("the assessment was already delivered");
    }
    deliver_assessment(core, cx.eo, cx.federal, cx.onsite);
    Ok(())
}

fn report_now(core: &mut Core, cx: &mut CommandCtx) -> Result<(), Rejection> {
    if cx.eo.assessment_at.is_none() {
        return Err(Rejection::NotNow { why: "the report follows the assessment".into() });
    }
    if cx.eo.report_at.is_some() {
        return done("the report was already delivered");
    }
    deliver_report(core, cx.eo, cx.federal);
    Ok(())
}

fn recommend_sanctions(
    core: &mut Core,
    cx: &mut CommandCtx,
    reg: &Registry,
    adversary: &str,
) -> Result<(), Rejection> {
    let adv = adversary_of(reg, adversary)?;
    if !cx.eo.recommended.insert(adv) {
        return done("already recommended");
    }
    core.emit(Severity::Notice, EventKind::SanctionsRecommended { adversary: adv });
    Ok(())
}

fn impose_sanctions(
    core: &mut Core,
    cx: &mut CommandCtx,
    reg: &Registry,
    adversary: &str,
) -> Result<(), Rejection> {
    let adv = adversary_of(reg, adversary)?;
    if !cx.eo.sanctioned.insert(adv) {
        return done("already sanctioned");
    }
    if cx.eo.report_at.is_some() && cx.eo.sanctions_at.is_none() {
        cx.eo.sanctions_at = Some(core.now());
    }
    core.emit(Severity::Notice, EventKind::SanctionsImposed { adversary: adv });
    Ok(())
}

// The red cell launching a dormant campaign.

fn launch_campaign(
    core: &mut Core,
    cx: &mut CommandCtx,
    reg: &Registry,
    me: ActorIx,
    campaign: &str,
) -> Result<(), Rejection> {
    let unknown = || Rejection::UnknownCampaign { campaign: campaign.to_string() };
    let c = reg.campaign_by_id.get(campaign).copied().ok_or_else(unknown)?;
    if reg.adversaries[reg.campaign(c).adversary.ix()].actor != me {
        return Err(unknown());
    }
    if core.campaigns.0[c.ix()].status != CampaignStatus::Dormant {
        return done("the campaign is already running");
    }
    cx.campaign_cal.schedule(core.now(), CampaignEvent::Start(c));
    Ok(())
}

// Control of scripted injects: fire, hold, release, skip, un-skip.

fn fire_inject(core: &mut Core, cx: &mut CommandCtx, reg: &Registry, inject: &str) -> Result<(), Rejection> {
    let now = core.now();
    let i = inject_of(reg, inject)?;
    match cx.injects.state[i.ix()] {
        InjectState::Fired(_) => {
            return Err(Rejection::InjectDone { inject: inject.to_string(), state: "fired".into() });
        }
        InjectState::Skipped => {
            return Err(Rejection::InjectDone { inject: inject.to_string(), state: "been skipped".into() });
        }
        _ => {}
    }
    cx.injects.state[i.ix()] = InjectState::Scheduled(now);
    cx.inject_cal.schedule(now, InjectEvent::Scripted(i));
    Ok(())
}

/// How a scripted inject is stopped: held until released, or skipped until unskipped.
#[derive(Clone, Copy)]
enum Stop {
    Hold,
    Skip,
}

/// Holds or skips a scripted inject.
fn stop_inject(
    core: &mut Core,
    cx: &mut CommandCtx,
    reg: &Registry,
    inject: &str,
    stop: Stop,
) -> Result<(), Rejection> {
    let i = inject_of(reg, inject)?;
    let (to, already, code) = match stop {
        Stop::Hold => (InjectState::Held, "the inject is already held", 0x58),
        Stop::Skip => (InjectState::Skipped, "the inject is already skipped", 0x5a),
    };
    match cx.injects.state[i.ix()] {
        InjectState::Fired(_) => {
            return Err(Rejection::InjectDone { inject: inject.to_string(), state: "fired".into() });
        }
        state if state == to => return done(already),
        // Holding a skipped inject (skipping a held one replaces the hold).
        InjectState::Skipped => {
            return Err(Rejection::InjectDone { inject: inject.to_string(), state: "been skipped".into() });
        }
        _ => cx.injects.state[i.ix()] = to,
    }
    core.record.digest.mix(&[code, u64::from(i.0)]);
    Ok(())
}

/// Releases a held inject or unskips a skipped one.
fn resume_inject(
    core: &mut Core,
    cx: &mut CommandCtx,
    reg: &Registry,
    inject: &str,
    stop: Stop,
) -> Result<(), Rejection> {
    let i = inject_of(reg, inject)?;
    let (from, not, code) = match stop {
        Stop::Hold => (InjectState::Held, "the inject is not held", 0x59),
        Stop::Skip => (InjectState::Skipped, "the inject is not skipped", 0x5c),
    };
    if cx.injects.state[i.ix()] != from {
        return Err(Rejection::NotNow { why: not.into() });
    }
    back_to_waiting(cx, reg, i, core.now());
    core.record.digest.mix(&[code, u64::from(i.0)]);
    Ok(())
}

/// A held or skipped inject goes back to waiting, as released or un-skipped: one whose time
/// has passed fires now; otherwise it waits for its time or its condition again.
fn back_to_waiting(cx: &mut CommandCtx, reg: &Registry, i: InjectIx, now: Tick) {
    match reg.injects[i.ix()].trigger {
        ResolvedTrigger::At(t) if t <= now => {
            cx.injects.state[i.ix()] = InjectState::Scheduled(now);
            cx.inject_cal.schedule(now, InjectEvent::Scripted(i));
        }
        _ => cx.injects.state[i.ix()] = InjectState::Pending,
    }
}

// Injects made up during the exercise: ad hoc (`adhoc` below), or from a template.

fn inject_from_template(
    core: &mut Core,
    cx: &mut CommandCtx,
    reg: &Registry,
    template: &str,
    state: Option<&str>,
    jurisdiction: Option<&str>,
) -> Result<(), Rejection> {
    let tpl = reg
        .templates
        .iter()
        .find(|t| t.id == template)
        .ok_or_else(|| Rejection::UnknownTemplate { template: template.to_string() })?;
    if let Some(s) = state
        && !reg.state_by_postal.contains_key(s)
    {
        return Err(Rejection::BadInject { problem: format!("state `{s}` is not in this exercise") });
    }
    if let Some(j) = jurisdiction
        && reg.jurisdiction(j).is_none()
    {
        return Err(Rejection::UnknownJurisdiction { jurisdiction: j.to_string() });
    }
    let effects: Vec<Effect> = tpl.effects.iter().map(|e| narrow(e, state, jurisdiction)).collect();
    let ev = adhoc(reg, cx.injects, &tpl.title, &tpl.description, &[], &effects)?;
    cx.inject_cal.schedule(core.now(), ev);
    Ok(())
}

// Marking a team as staffed or unstaffed.

fn set_staffed(core: &mut Core, reg: &Registry, team: &str, staffed: bool) -> Result<(), Rejection> {
    let t =
        reg.team_by_id.get(team).copied().ok_or_else(|| Rejection::UnknownTeam { team: team.to_string() })?;
    if core.staffing.0[t.ix()] == staffed {
        return done(if staffed { "the team is already staffed" } else { "the team is already unstaffed" });
    }
    core.staffing.0[t.ix()] = staffed;
    core.record.digest.mix(&[0x5b, u64::from(t.0), u64::from(staffed)]);
    Ok(())
}

fn adhoc(
    reg: &Registry,
    injects: &mut Injects,
    title: &str,
    description: &str,
    teams: &[String],
    effects: &[Effect],
) -> Result<InjectEvent, Rejection> {
    let mut resolved = Vec::new();
    for e in effects {
        match resolve_effect(reg, e) {
            Ok(r) => resolved.push(r),
            Err(problems) => {
                let text = problems.into_iter().map(|(_, m, _)| m).collect::<Vec<_>>().join("; ");
                return Err(Rejection::BadInject { problem: text });
            }
        }
    }
    let mut team_ix = Vec::new();
    for t in teams {
        team_ix
            .push(reg.team_by_id.get(t).copied().ok_or_else(|| Rejection::UnknownTeam { team: t.clone() })?);
    }
    if title.trim().is_empty() {
        return Err(Rejection::BadInject { problem: "an inject needs a title".into() });
    }
    let n = injects.adhoc;
    injects.adhoc += 1;
    let text = if description.is_empty() { title.to_string() } else { format!("{title}: {description}") };
    Ok(InjectEvent::AdHoc { title: text, teams: team_ix, effects: resolved, n })
}

/// Narrows a template effect's asset selectors to a state or jurisdiction.
pub fn narrow(e: &Effect, state: Option<&str>, jurisdiction: Option<&str>) -> Effect {
    let mut e = e.clone();
    let sel = match &mut e {
        Effect::Outage { target, .. } | Effect::Compromise { target, .. } => Some(target),
        _ => None,
    };
    if let Some(sel) = sel {
        if let Some(s) = state {
            sel.states = vec![s.to_string()];
        }
        if let Some(j) = jurisdiction {
            sel.jurisdictions = vec![j.to_string()];
        }
    }
    e
}
