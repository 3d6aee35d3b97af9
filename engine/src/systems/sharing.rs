//! Sharing: indicators travel on channels, each with its latency and reliability.
//!
//! A share order names a sender, an indicator and a channel; the channel
//! decides the audience (a state's locals, every EI-ISAC member, a vendor's
//! customers, everyone for a public advisory). Every recipient gets its own
//! latency and reliability draw from one stream per share, in canonical
//! recipient order. Deliveries land on the calendar and arrive in a later tick.

use bevy_ecs::prelude::*;

use super::{Core, sample_latency};
use crate::events::{EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;
use crate::scenario::schema::{AssetKind, Channel};

/// Who a share reaches.
pub fn audience(
    reg: &Registry,
    members: &[bool],
    from: ActorIx,
    channel: Channel,
    to: Option<ActorIx>,
) -> Vec<ActorIx> {
    let sender = reg.actor(from);
    let state_office = |a: &ActorInfo| a.state.map(|s| reg.states[s.ix()].office);
    let mut out: Vec<ActorIx> = match channel {
        Channel::LocalToState => state_office(sender).into_iter().collect(),
        Channel::StateToLocals => sender.state.map(|s| reg.states[s.ix()].locals.clone()).unwrap_or_default(),
        Channel::StateToIsac | Channel::MemberToIsac | Channel::DhsToIsac => vec![reg.federal.eiisac],
        Channel::IsacToMembers => (0..reg.actors.len())
            .filter(|&i| members.get(i).copied().unwrap_or(false))
            .map(|i| ActorIx(i as u32))
            .collect(),
        Channel::IsacToDhs | Channel::OdniToDhs => vec![reg.federal.dhs],
        Channel::ReportToFbi => vec![reg.federal.fbi],
        Channel::FbiToVictim => {
            let mut v: Vec<ActorIx> = to.into_iter().collect();
            if reg.spec.doctrines.federal.fbi_notify_state
                && let Some(victim) = to
            {
                let a = reg.actor(victim);
                if a.kind == ActorKind::Local {
                    v.extend(state_office(a));
                }
            }
            v
        }
        Channel::VendorToCustomers => {
            let mut v: Vec<ActorIx> = reg
                .assets
                .iter()
                .filter(|a| a.vendor == Some(from) && a.kind != AssetKind::VendorUpdate)
                .map(|a| a.owner)
                .collect();
            v.sort();
            v.dedup();
            v
        }
        Channel::PublicAdvisory => reg
            .actors
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a.kind, ActorKind::StateOffice | ActorKind::Local | ActorKind::Vendor))
            .map(|(i, _)| ActorIx(i as u32))
            .collect(),
    };
    out.retain(|a| *a != from);
    out
}

/// Sends this tick's share orders and delivers what arrives.
pub fn run_sharing(
    mut core: Core,
    mut orders: MessageReader<ShareOrder>,
    mut deliveries: ResMut<Calendar<Delivery>>,
    mut ledger: ResMut<ShareLedger>,
) {
    let now = core.now();
    let reg = core.reg.0.clone();
    let list: Vec<ShareOrder> = orders.read().copied().collect();
    for o in list {
        if !ledger.0.insert((o.from, o.indicator, o.channel)) && o.channel != Channel::FbiToVictim {
            continue;
        }
        let spec = reg.spec.sharing.channels.get(o.channel).clone();
        if !spec.enabled {
            continue;
        }
        let recipients = audience(&reg, &core.members.0, o.from, o.channel, o.to);
        let ind = core.indicators.0[o.indicator.ix()].clone();
        let campaign_id = reg.campaign(ind.campaign).id().to_string();
        let mut stream = core.rng.0.stream_n(
            &["share", o.channel.slug(), &campaign_id, &reg.actor(o.from).id, &reg.actor(ind.origin).id],
            u64::from(ind.serial) << 16 | o.to.map_or(0, |t| u64::from(t.0) & 0xffff),
        );
        let extra = if o.channel == Channel::OdniToDhs { reg.spec.sharing.tearline_h.max(0.0) } else { 0.0 };
        for &r in &recipients {
            let arrives = stream.chance(spec.reliability);
            let latency = sample_latency(&spec, stream.uniform());
            if arrives {
                let t = core.later(f64::from(latency) + extra);
                deliveries.schedule(
                    t,
                    Delivery { to: r, from: o.from, indicator: o.indicator, channel: o.channel, sent: now },
                );
            }
        }
        core.metrics.message(o.channel, recipients.len() as u64);
        core.digest.mix(&[
            0x31,
            u64::from(o.from.0),
            u64::from(o.indicator.0),
            o.channel as u64,
            recipients.len() as u64,
        ]);
        if o.channel == Channel::IsacToMembers {
            let run = &mut core.campaigns.0[ind.campaign.ix()];
            if run.first_alert.is_none() {
                run.first_alert = Some(now);
                if let Some(d) = run.first_detected {
                    core.metrics.time_to_share.add(now.0.saturating_sub(d.0));
                }
            }
        }
        core.emit(
            Severity::Info,
            EventKind::Shared {
                from: o.from,
                indicator: o.indicator,
                channel: o.channel,
                recipients: recipients.len() as u32,
            },
        );
    }
    for d in deliveries.take(now) {
        if core.learn(d.to, d.indicator, Some(d.from), Some(d.channel)) {
            if d.channel == Channel::IsacToMembers {
                core.metrics.alert_reach.add(now.0.saturating_sub(d.sent.0));
            }
            core.emit(
                Severity::Info,
                EventKind::Received {
                    to: d.to,
                    from: d.from,
                    indicator: d.indicator,
                    channel: Some(d.channel),
                    sent: d.sent,
                },
            );
        }
    }
}
