//! Doctrines: what actors with no human player do.
//!
//! A doctrine reacts to what its actor just learned or suffered by scheduling
//! ordinary commands for later hours, the same commands a player would give:
//! a county reports to its state after `report_h` (plus `confirm_h` unless it
//! shares before confirming), a state relays to its counties, the EI-ISAC
//! alerts its members, ODNI passes intelligence to DHS (after the tearline),
//! the FBI opens investigations, a victim isolates and restores. A staffed
//! team's actors are left to their players.

use std::collections::BTreeSet;

use bevy_ecs::prelude::*;

use super::CoreRead;
use super::commands::CommandQueue;
use crate::command::{Command, Statement};
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
    responses: BTreeSet<(ActorIx, AssetIx, u8)>,
    once: BTreeSet<(ActorIx, u32, u8)>,
}

struct Plan<'a> {
    queue: &'a mut CommandQueue,
    planned: &'a mut Planned,
    now: Tick,
}

impl Plan<'_> {
    fn at(&self, hours: f64) -> Tick {
        Tick(self.now.0.saturating_add(hours.max(1.0).ceil().min(1e7) as u32))
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
            Command::ShareIndicator { actor: reg.actor(actor).id.clone(), indicator: ind.0, channel },
        );
    }

    fn respond(&mut self, actor: ActorIx, asset: AssetIx, code: u8, hours: f64, cmd: Command) {
        if self.planned.responses.insert((actor, asset, code)) {
            let t = self.at(hours);
            self.queue.schedule_doctrine(t, cmd);
        }
    }

    fn once(&mut self, actor: ActorIx, key: u32, code: u8, hours: f64, cmd: Command) {
        if self.planned.once.insert((actor, key, code)) {
            let t = self.at(hours);
            self.queue.schedule_doctrine(t, cmd);
        }
    }
}

/// Lets unstaffed actors react to this tick's events.
#[allow(clippy::too_many_arguments)]
pub fn run_doctrines(
    core: CoreRead,
    mut learned: MessageReader<Learned>,
    mut detections: MessageReader<Detection>,
    mut went_down: MessageReader<WentDown>,
    mut visible: MessageReader<Visible>,
    mut queue: ResMut<CommandQueue>,
    mut planned: ResMut<Planned>,
    eo: Res<Eo>,
) {
    let now = core.now();
    let reg = core.reg.0.clone();
    let members = &core.members.0;
    let mut plan = Plan { queue: &mut queue, planned: &mut planned, now };
    let id = |a: ActorIx| reg.actor(a).id.clone();

    for l in learned.read() {
        let a = l.actor;
        if core.staffed(a) {
            continue;
        }
        let info = reg.actor(a);
        let d = &info.doctrine;
        let ind = &core.indicators.0[l.indicator.ix()];
        let campaign = ind.campaign;
        let report_delay = d.report_h + if d.share_before_confirm { 0.0 } else { d.confirm_h };
        match (info.kind, l.from) {
            // A victim's own detection: report up.
            (ActorKind::Local, None) => {
                plan.share(&reg, members, a, l.indicator, campaign, Channel::LocalToState, report_delay);
                plan.share(&reg, members, a, l.indicator, campaign, Channel::MemberToIsac, report_delay);
                if d.report_to_fbi {
                    plan.share(&reg, members, a, l.indicator, campaign, Channel::ReportToFbi, report_delay);
                }
            }
            (ActorKind::StateOffice, None) => {
                if d.relay {
                    plan.share(&reg, members, a, l.indicator, campaign, Channel::StateToLocals, d.relay_h);
                }
                plan.share(&reg, members, a, l.indicator, campaign, Channel::StateToIsac, report_delay);
                if d.report_to_fbi {
                    plan.share(&reg, members, a, l.indicator, campaign, Channel::ReportToFbi, report_delay);
                }
            }
            (ActorKind::Vendor, None) => {
                plan.share(&reg, members, a, l.indicator, campaign, Channel::VendorToCustomers, report_delay);
                if d.report_to_fbi {
                    plan.share(&reg, members, a, l.indicator, campaign, Channel::ReportToFbi, report_delay);
                }
            }
            (ActorKind::EiIsac, _) => {
                if d.relay {
                    plan.share(&reg, members, a, l.indicator, campaign, Channel::IsacToMembers, d.relay_h);
                }
                if l.channel != Some(Channel::DhsToIsac) {
                    plan.share(
                        &reg,
                        members,
                        a,
                        l.indicator,
                        campaign,
                        Channel::IsacToDhs,
                        d.report_h.min(d.relay_h),
                    );
                }
            }
            (ActorKind::Odni, _) if d.relay => {
                plan.share(&reg, members, a, l.indicator, campaign, Channel::OdniToDhs, d.relay_h);
            }
            (ActorKind::Dhs, _) => {
                if d.relay && l.channel != Some(Channel::IsacToDhs) {
                    plan.share(&reg, members, a, l.indicator, campaign, Channel::DhsToIsac, d.relay_h);
                }
                // A public advisory once enough victims are known.
                let threshold = reg.spec.doctrines.federal.public_advisory_after;
                let victims = core.campaigns.0[campaign.ix()].known_victims.len() as u32;
                if threshold > 0 && victims >= threshold && d.relay {
                    plan.share(&reg, members, a, l.indicator, campaign, Channel::PublicAdvisory, d.relay_h);
                }
            }
            (ActorKind::Fbi, _)
                if reg.spec.doctrines.federal.fbi_investigates
                    && !eo.investigations.contains_key(&campaign) =>
            {
                plan.once(
                    a,
                    campaign.0,
                    1,
                    d.relay_h,
                    Command::OpenInvestigation { actor: id(a), indicator: l.indicator.0 },
                );
            }
            (ActorKind::StateOffice, Some(_)) => {
                if d.relay {
                    plan.share(&reg, members, a, l.indicator, campaign, Channel::StateToLocals, d.relay_h);
                }
                if l.channel == Some(Channel::LocalToState) {
                    plan.share(&reg, members, a, l.indicator, campaign, Channel::StateToIsac, d.report_h);
                }
                harden(&core, &mut plan, a, ind.technique, campaign, d.harden_on_alert, d.harden_h);
            }
            (ActorKind::Local, Some(_)) => {
                harden(&core, &mut plan, a, ind.technique, campaign, d.harden_on_alert, d.harden_h);
            }
            (ActorKind::Vendor, Some(_)) if d.relay => {
                plan.share(&reg, members, a, l.indicator, campaign, Channel::VendorToCustomers, d.relay_h);
            }
            _ => {}
        }
    }

    for det in detections.read() {
        let x = &core.intrusions.list[det.intrusion.ix()];
        if x.compromised_at.is_none() || x.ended.is_some() {
            continue;
        }
        let asset = x.asset;
        let owner = reg.asset(asset).owner;
        if core.staffed(owner)
            || !matches!(reg.actor(owner).kind, ActorKind::Local | ActorKind::StateOffice | ActorKind::Vendor)
        {
            continue;
        }
        let d = &reg.actor(owner).doctrine;
        let asset_id = reg.asset(asset).id.clone();
        if d.request_onsite {
            plan.respond(
                owner,
                asset,
                1,
                d.respond_h,
                Command::RequestOnsite { actor: id(owner), asset: asset_id.clone() },
            );
        }
        if d.restore_on_detect {
            plan.respond(
                owner,
                asset,
                2,
                d.respond_h + 1.0,
                Command::Restore { actor: id(owner), asset: asset_id.clone() },
            );
        } else if d.isolate_on_detect {
            plan.respond(
                owner,
                asset,
                3,
                d.respond_h,
                Command::Isolate { actor: id(owner), asset: asset_id },
            );
        }
    }

    for w in went_down.read() {
        let owner = reg.asset(w.asset).owner;
        if w.cause == DownCause::Isolated || w.cause == DownCause::Restoring || core.staffed(owner) {
            continue;
        }
        let info = reg.actor(owner);
        let d = &info.doctrine;
        let kind = reg.asset(w.asset).kind;
        let asset_id = reg.asset(w.asset).id.clone();
        if w.cause == DownCause::Attack && d.restore_on_detect && kind != AssetKind::ResultsWebsite {
            plan.respond(
                owner,
                w.asset,
                2,
                d.respond_h,
                Command::Restore { actor: id(owner), asset: asset_id },
            );
        }
        if kind == AssetKind::Pollbook && info.kind == ActorKind::Local {
            let t = core.time(now);
            if t >= reg.election.polls_open && t < reg.election.polls_close {
                let paper = core.posture(w.asset).is_some_and(|p| p.paper_fallback);
                if paper {
                    plan.respond(
                        owner,
                        w.asset,
                        4,
                        1.0,
                        Command::SwitchToPaper { actor: id(owner), jurisdiction: id(owner) },
                    );
                }
                plan.respond(
                    owner,
                    w.asset,
                    5,
                    2.0,
                    Command::ExtendHours { actor: id(owner), jurisdiction: id(owner), hours: 2 },
                );
            }
        }
    }

    for v in visible.read() {
        if v.disinformation {
            // State offices, the trusted voices, debunk; federal partners attribute publicly.
            for s in &reg.states {
                let a = s.office;
                if core.staffed(a) {
                    continue;
                }
                if let Some(h) = reg.actor(a).doctrine.debunk_h {
                    plan.once(
                        a,
                        now.0,
                        6,
                        h,
                        Command::PublicStatement { actor: id(a), statement: Statement::Debunk },
                    );
                }
            }
            if let (Some(c), Some(h)) = (v.campaign, reg.spec.doctrines.federal.public_attribution_h) {
                let adv = reg.campaign(c).adversary;
                let odni = reg.federal.odni;
                if !core.staffed(odni) && !eo.attributed.contains(&adv) {
                    plan.once(
                        odni,
                        adv.0,
                        7,
                        h,
                        Command::Attribute {
                            actor: id(odni),
                            adversary: reg.adversaries[adv.ix()].id.clone(),
                        },
                    );
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
                if core.staffed(a) || !matches!(reg.actor(a).kind, ActorKind::Local | ActorKind::StateOffice)
                {
                    continue;
                }
                if let Some(h) = reg.actor(a).doctrine.statement_h {
                    plan.once(
                        a,
                        now.0,
                        8,
                        h,
                        Command::PublicStatement { actor: id(a), statement: Statement::Reassure },
                    );
                }
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
    core: &CoreRead,
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
    for &asset in &reg.actor(a).assets {
        if !targets.kinds.contains(&reg.asset(asset).kind)
            || plan.planned.responses.contains(&(a, asset, code))
        {
            continue;
        }
        let Some(p) = core.posture(asset) else { continue };
        let weak = if code == 10 { p.patch_lag_days > 0 } else { !p.mfa };
        if !weak {
            continue;
        }
        let actor = reg.actor(a).id.clone();
        let asset_id = reg.asset(asset).id.clone();
        let cmd = if code == 10 {
            Command::Patch { actor, asset: asset_id }
        } else {
            Command::EnforceMfa { actor, asset: asset_id }
        };
        plan.respond(a, asset, code, hours, cmd);
    }
}
