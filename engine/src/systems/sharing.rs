//! Sharing: indicators travel on channels, each with its latency and reliability.
//!
//! A share order names a sender, an indicator and a channel; the channel
//! decides the audience (a state's locals, every EI-ISAC member, a vendor's
//! customers, everyone for a public advisory). A share is one [`Alert`] for its whole
//! audience (group delivery): each member's reliability and latency are a pure function of
//! the share's key and the member ([`Alert::arrival`]), drawn only for members that do not
//! already hold the indicator. The calendar holds one entry per share and arrival hour;
//! members arrive in a later tick, in audience order within the hour.

use super::Core;
use crate::events::{EventKind, Severity};
use crate::model::registry::*;
use crate::model::*;
use crate::scenario::schema::{AssetKind, Channel};
use crate::time::Tick;

/// Who a share reaches, written into a buffer the caller keeps (a tick of shares allocates
/// nothing).
pub fn audience(
    reg: &Registry,
    members: &[bool],
    from: ActorIx,
    channel: Channel,
    to: Option<ActorIx>,
    out: &mut Vec<ActorIx>,
) {
    out.clear();
    let sender = reg.actor(from);
    let state_office = |a: &ActorInfo| a.state.map(|s| reg.states[s.ix()].office);
    match channel {
        Channel::LocalToState => out.extend(state_office(sender)),
        Channel::StateToLocals => {
            if let Some(s) = sender.state {
                out.extend_from_slice(&reg.states[s.ix()].locals);
            }
        }
        Channel::StateToIsac | Channel::MemberToIsac | Channel::DhsToIsac => out.push(reg.federal.eiisac),
        Channel::IsacToMembers => out.extend(
            (0..reg.actors.len())
                .filter(|&i| members.get(i).copied().unwrap_or(false))
                .map(|i| ActorIx(i as u32)),
        ),
        Channel::IsacToDhs | Channel::OdniToDhs => out.push(reg.federal.dhs),
        Channel::ReportToFbi => out.push(reg.federal.fbi),
        Channel::FbiToVictim => {
            out.extend(to);
            if reg.spec.doctrines.federal.fbi_notify_state
                && let Some(victim) = to
            {
                let a = reg.actor(victim);
                if a.kind == ActorKind::Local {
                    out.extend(state_office(a));
                }
            }
        }
        Channel::VendorToCustomers => {
            out.extend(
                reg.assets
                    .iter()
                    .filter(|a| a.vendor == Some(from) && a.kind != AssetKind::VendorUpdate)
                    .map(|a| a.owner),
            );
            out.sort();
            out.dedup();
        }
        Channel::PublicAdvisory => out.extend(
            reg.actors
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    matches!(a.kind, ActorKind::StateOffice | ActorKind::Local | ActorKind::Vendor)
                })
                .map(|(i, _)| ActorIx(i as u32)),
        ),
    }
    out.retain(|a| *a != from);
}

/// Schedules a hunt for each intruder of `campaign` inside one of `actor`'s assets that the
/// actor has not detected, after the actor's response time.
fn schedule_hunts(
    core: &mut Core,
    cal: &mut Calendar<CampaignEvent>,
    reg: &Registry,
    actor: ActorIx,
    campaign: CampaignIx,
) {
    let info = reg.actor(actor);
    for &a in &info.assets {
        // Only assets holding a foothold their owner does not know of.
        if core.status(a).is_none_or(|s| s.footholds <= s.known_footholds) {
            continue;
        }
        for i in core.intrusions.by_asset(a) {
            let x = &core.intrusions.list[i.ix()];
            if x.campaign == campaign
                && x.compromised_at.is_some()
                && x.detected_at.is_none()
                && x.ended.is_none()
            {
                let t = core.later(info.doctrine.respond_h.max(1.0));
                cal.schedule(t, CampaignEvent::Hunt(i));
            }
        }
    }
}

/// Buffers [`run_sharing`] keeps from tick to tick.
#[derive(Default)]
pub struct SharingScratch {
    recipients: Vec<ActorIx>,
    /// A share's arrivals in audience order, before they are put in arrival order.
    arrivals: Vec<(Tick, ActorIx)>,
    /// Arrivals per hour, for putting them in arrival order.
    per_hour: Vec<u32>,
    /// Which campaigns have undetected intruders, this tick.
    hidden: HiddenIntruders,
}

/// Which campaigns have an intruder holding a foothold its victim has not detected, for the
/// tick being processed. The questions of a tick share one scan of the intrusions: each
/// goes on from where the last stopped until its campaign is found or the list ends (a
/// hidden intruder of another campaign passed on the way is noted for that campaign).
/// Nothing that sharing does within a tick changes intrusions, so the answers hold for the tick.
#[derive(Default)]
struct HiddenIntruders {
    /// By campaign: whether one of its hidden intruders is among the intrusions scanned.
    found: Vec<bool>,
    /// How many intrusions this tick's questions have scanned.
    scanned: usize,
}

impl HiddenIntruders {
    /// Forgets the answers (a new tick).
    fn forget(&mut self, campaigns: usize) {
        self.found.clear();
        self.found.resize(campaigns, false);
        self.scanned = 0;
    }

    /// Whether a campaign has an intruder holding a foothold its victim has not detected.
    fn any(&mut self, intrusions: &[Intrusion], campaign: CampaignIx) -> bool {
        if self.found[campaign.ix()] {
            return true;
        }
        let found = &mut self.found;
        let rest = intrusions.get(self.scanned..).unwrap_or_default();
        let hit = rest.iter().position(|x| {
            let hidden = x.compromised_at.is_some() && x.detected_at.is_none() && x.ended.is_none();
            if hidden {
                found[x.campaign.ix()] = true;
            }
            hidden && x.campaign == campaign
        });
        self.scanned = hit.map_or(intrusions.len(), |p| self.scanned + p + 1);
        hit.is_some()
    }
}

/// Sends this tick's share orders and delivers what arrives.
#[allow(clippy::too_many_arguments)]
pub fn run_sharing<'a>(
    core: &mut Core,
    orders: impl Iterator<Item = &'a ShareOrder>,
    deliveries: &mut Calendar<Delivery>,
    alerts: &mut Alerts,
    ledger: &mut ShareLedger,
    scratch: &mut SharingScratch,
    eo: &mut Eo,
    campaign_cal: &mut Calendar<CampaignEvent>,
) {
    let reg = core.reg.0.clone();
    for &o in orders {
        if !ledger.0.insert((o.from, o.indicator, o.channel)) && o.channel != Channel::FbiToVictim {
            continue;
        }
        if reg.spec.sharing.channels.get(o.channel).enabled {
            send(core, &reg, o, scratch, alerts, deliveries);
        }
    }
    let now = core.now();
    let mut due = deliveries.take(now);
    scratch.hidden.forget(reg.campaigns.len());
    for d in due.drain(..) {
        let a = &alerts.0[d.alert as usize];
        let (from, indicator, channel, sent) = (a.from, a.indicator, a.channel, a.sent);
        for i in d.start..d.end {
            let to = alerts.0[d.alert as usize].pending[i as usize].1;
            let arrival = Arrival { to, from, indicator, channel, sent };
            arrive(core, &reg, arrival, &mut scratch.hidden, eo, campaign_cal);
        }
        let a = &mut alerts.0[d.alert as usize];
        if d.end as usize == a.pending.len() {
            // Everyone has arrived: the share's record keeps only what it was.
            a.pending = Vec::new();
        }
    }
    deliveries.recycle(due);
}

/// One member's arrival of a share.
#[derive(Clone, Copy)]
struct Arrival {
    to: ActorIx,
    from: ActorIx,
    indicator: IndicatorIx,
    channel: Channel,
    sent: Tick,
}

/// Sends one share: one [`Alert`] for its audience, one calendar entry per arrival hour.
fn send(
    core: &mut Core,
    reg: &Registry,
    o: ShareOrder,
    scratch: &mut SharingScratch,
    alerts: &mut Alerts,
    deliveries: &mut Calendar<Delivery>,
) {
    let now = core.now();
    let spec = reg.spec.sharing.channels.get(o.channel);
    let recipients = &mut scratch.recipients;
    audience(reg, &core.seeded.members, o.from, o.channel, o.to, recipients);
    let ind = &core.indicators.0[o.indicator.ix()];
    let (campaign, serial, origin) = (ind.campaign, ind.serial, ind.origin);
    let key = core.seeded.streams.key_n(
        &[
            "share",
            o.channel.slug(),
            reg.campaign(campaign).id(),
            &reg.actor(o.from).id,
            &reg.actor(origin).id,
        ],
        u64::from(serial) << 16 | o.to.map_or(0, |t| u64::from(t.0) & 0xffff),
    );
    let extra = if o.channel == Channel::OdniToDhs { reg.spec.sharing.tearline_h.max(0.0) } else { 0.0 };
    // A member already holding the indicator learns nothing from it: its draws are never
    // needed, and no one else's depend on them.
    let arrivals = &mut scratch.arrivals;
    arrivals.clear();
    arrivals.extend(
        recipients
            .iter()
            .filter(|&&r| !core.knows(r).is_some_and(|k| k.holds(o.indicator)))
            .filter_map(|&r| Alert::arrival(key, r, spec).map(|h| (core.later(f64::from(h) + extra), r))),
    );
    // Each hour's members keep the audience's order.
    let pending = by_arrival(arrivals, &mut scratch.per_hour);
    let ix = alerts.0.len() as u32;
    let mut start = 0;
    for hour in pending.chunk_by(|a, b| a.0 == b.0) {
        let end = start + hour.len() as u32;
        deliveries.schedule(hour[0].0, Delivery { alert: ix, start, end });
        start = end;
    }
    alerts.0.push(Alert {
        from: o.from,
        indicator: o.indicator,
        channel: o.channel,
        sent: now,
        key,
        pending,
    });
    core.record.metrics.message(o.channel, recipients.len() as u64);
    core.record.digest.mix(&[
        0x31,
        u64::from(o.from.0),
        u64::from(o.indicator.0),
        o.channel as u64,
        recipients.len() as u64,
    ]);
    if o.channel == Channel::IsacToMembers {
        let run = &mut core.campaigns.0[campaign.ix()];
        if run.first_alert.is_none() {
            run.first_alert = Some(now);
            if let Some(d) = run.first_detected {
                core.record.metrics.time_to_share.add(now.0.saturating_sub(d.0));
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

/// Arrivals in arrival order, those of one hour in the order given: a stable counting sort
/// by hour (a share's arrival hours span its channel's latency range, far fewer than the
/// members of a large audience), or a stable sort when the hours are spread wide.
fn by_arrival(arrivals: &[(Tick, ActorIx)], per_hour: &mut Vec<u32>) -> Vec<(Tick, ActorIx)> {
    let (Some(lo), Some(hi)) = (arrivals.iter().map(|a| a.0.0).min(), arrivals.iter().map(|a| a.0.0).max())
    else {
        return Vec::new();
    };
    let span = (hi - lo) as usize + 1;
    if span > 4 * arrivals.len() + 64 {
        let mut sorted = arrivals.to_vec();
        sorted.sort_by_key(|&(t, _)| t);
        return sorted;
    }
    // Where each hour's arrivals start in the output.
    per_hour.clear();
    per_hour.resize(span, 0);
    for a in arrivals {
        per_hour[(a.0.0 - lo) as usize] += 1;
    }
    let mut start = 0;
    for n in per_hour.iter_mut() {
        let here = *n;
        *n = start;
        start += here;
    }
    let mut sorted = vec![(Tick(0), ActorIx(0)); arrivals.len()];
    for &a in arrivals {
        let slot = &mut per_hour[(a.0.0 - lo) as usize];
        sorted[*slot as usize] = a;
        *slot += 1;
    }
    sorted
}

/// A member receives a share: it learns the indicator (unless it already holds it), and
/// what follows from that follows (`hidden`: which campaigns have undetected intruders).
fn arrive(
    core: &mut Core,
    reg: &Registry,
    d: Arrival,
    hidden: &mut HiddenIntruders,
    eo: &mut Eo,
    campaign_cal: &mut Calendar<CampaignEvent>,
) {
    let now = core.now();
    if !core.learn(d.to, d.indicator, Some(d.from), Some(d.channel)) {
        return;
    }
    if d.channel == Channel::IsacToMembers {
        core.record.metrics.alert_reach.add(now.0.saturating_sub(d.sent.0));
    }
    let ind = &core.indicators.0[d.indicator.ix()];
    let (campaign, adversary, created) = (ind.campaign, ind.adversary, ind.created);
    // A report reaching a federal partner is evidence for the EO 13848 assessment.
    if matches!(reg.actor(d.to).kind, ActorKind::Fbi | ActorKind::Dhs | ActorKind::Odni) {
        super::detection::add_evidence(
            eo,
            &mut core.record.digest,
            reg,
            adversary,
            reg.spec.eo13848.evidence_per_report,
        );
    }
    // Told of a campaign, an owner looks for intruders of it it has not seen (if there are any).
    if now.0.saturating_sub(created.0) <= reg.spec.sharing.indicator_life_h()
        && hidden.any(&core.intrusions.list, campaign)
    {
        schedule_hunts(core, campaign_cal, reg, d.to, campaign);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Both ways of putting arrivals in order give what a stable sort by hour gives.
    #[test]
    fn arrivals_are_ordered_by_hour_keeping_audience_order() {
        let mut raw = crate::rng::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut next = |m: u64| raw() % m;
        let mut per_hour = Vec::new();
        for (n, spread) in [(0, 1), (1, 1), (500, 30), (500, 1), (20, 100_000)] {
            let arrivals: Vec<(Tick, ActorIx)> =
                (0..n).map(|i| (Tick(1_000 + next(spread) as u32), ActorIx(i))).collect();
            let mut expected = arrivals.clone();
            expected.sort_by_key(|&(t, _)| t);
            assert_eq!(by_arrival(&arrivals, &mut per_hour), expected, "{n} arrivals over {spread} hours");
        }
    }

    /// A tick's questions sharing one scan answer what a scan per question answers, in any order.
    #[test]
    fn hidden_intruders_are_found_as_by_a_scan_per_campaign() {
        let mut raw = crate::rng::xorshift(0x2545_f491_4f6c_dd1d);
        let mut next = |m: u64| raw() % m;
        let campaigns = 6;
        for round in 0..50 {
            let intrusions: Vec<Intrusion> = (0..next(40))
                .map(|i| Intrusion {
                    campaign: CampaignIx(next(campaigns) as u32),
                    asset: AssetIx(i as u32),
                    technique: crate::scenario::schema::Technique::Phishing,
                    stage: Stage::Foothold,
                    actions: 0,
                    attempts: 0,
                    compromised_at: (next(4) > 0).then_some(Tick(1)),
                    detected_at: (next(3) == 0).then_some(Tick(2)),
                    ended: (next(3) == 0).then_some((Tick(3), Ending::Evicted)),
                    seen: 0,
                    rng: crate::rng::Streams::new(round).stream(&["test"]),
                })
                .collect();
            let mut hidden = HiddenIntruders::default();
            hidden.forget(campaigns as usize);
            for _ in 0..10 {
                let c = CampaignIx(next(campaigns) as u32);
                let expected = intrusions.iter().any(|x| {
                    x.campaign == c
                        && x.compromised_at.is_some()
                        && x.detected_at.is_none()
                        && x.ended.is_none()
                });
                assert_eq!(hidden.any(&intrusions, c), expected, "round {round}, campaign {}", c.0);
            }
        }
    }
}
