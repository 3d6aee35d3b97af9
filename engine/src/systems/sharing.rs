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
    hidden: &HiddenIntruders,
    actor: ActorIx,
    campaign: CampaignIx,
) {
    let info = reg.actor(actor);
    for &a in &info.assets {
        // Only assets holding a foothold their owner does not know of: first the tick's
        // list of assets an intruder hides in (most of an actor's assets hold none), then
        // the asset's own counts.
        if !hidden.in_asset(a) || core.status(a).is_none_or(|s| s.footholds <= s.known_footholds) {
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

/// The audiences that depend on the scenario alone (a vendor's customers, a public
/// advisory's), worked out once for the registry and copied for each share: what
/// [`audience`] gives, without passing over every asset or actor.
#[derive(Default)]
struct FixedAudiences {
    /// The registry they were worked out for (its address).
    reg: usize,
    /// (vendor, customer) pairs: the owners of the assets a vendor supplies (not its update
    /// channels), sorted, each once.
    customers: Vec<(ActorIx, ActorIx)>,
    /// The state offices, locals and vendors, in index order (each beside itself, as the
    /// customers beside their vendor).
    public: Vec<(ActorIx, ActorIx)>,
}

impl FixedAudiences {
    /// Who a share reaches, as [`audience`] gives it.
    fn audience(
        &mut self,
        reg: &Registry,
        members: &[bool],
        from: ActorIx,
        channel: Channel,
        to: Option<ActorIx>,
        out: &mut Vec<ActorIx>,
    ) {
        if !matches!(channel, Channel::VendorToCustomers | Channel::PublicAdvisory) {
            return audience(reg, members, from, channel, to, out);
        }
        self.work_out(reg);
        let list = if channel == Channel::PublicAdvisory {
            &self.public[..]
        } else {
            let first = self.customers.partition_point(|c| c.0 < from);
            let n = self.customers[first..].partition_point(|c| c.0 == from);
            &self.customers[first..first + n]
        };
        // Everyone on the list but the sender.
        out.clear();
        out.extend(list.iter().map(|&(_, a)| a).filter(|a| *a != from));
    }

    /// Works the audiences out, unless they are for this registry already.
    fn work_out(&mut self, reg: &Registry) {
        let key = std::ptr::from_ref(reg) as usize;
        if self.reg == key {
            return;
        }
        self.reg = key;
        self.customers.clear();
        self.customers.extend(
            reg.assets
                .iter()
                .filter(|a| a.kind != AssetKind::VendorUpdate)
                .filter_map(|a| a.vendor.map(|v| (v, a.owner))),
        );
        self.customers.sort();
        self.customers.dedup();
        self.public.clear();
        self.public.extend(
            reg.actors
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    matches!(a.kind, ActorKind::StateOffice | ActorKind::Local | ActorKind::Vendor)
                })
                .map(|(i, _)| (ActorIx(i as u32), ActorIx(i as u32))),
        );
    }
}

/// Buffers [`run_sharing`] keeps from tick to tick.
#[derive(Default)]
pub struct SharingScratch {
    /// The audiences that depend on the scenario alone.
    fixed: FixedAudiences,
    recipients: Vec<ActorIx>,
    /// A share's arrivals in audience order, before they are put in arrival order.
    arrivals: Vec<(Tick, ActorIx)>,
    /// Arrivals per hour, for putting them in arrival order.
    per_hour: Vec<u32>,
    /// Which campaigns have undetected intruders, this tick.
    hidden: HiddenIntruders,
}

/// Which campaigns have an intruder holding a foothold its victim has not detected, and in
/// which assets, for the tick being processed: worked out at the tick's first question, from
/// the intrusions that are neither detected nor ended ([`Intrusions::each_hidden`]). Nothing
/// that sharing does within a tick changes intrusions, so the answers hold for the tick.
#[derive(Default)]
struct HiddenIntruders {
    /// Whether this tick's answers are worked out.
    known: bool,
    /// By campaign: whether one of its intruders is hidden.
    campaigns: Vec<bool>,
    /// By asset: whether an intruder hides in it.
    assets: Vec<bool>,
    /// The assets marked in `assets`.
    marked: Vec<AssetIx>,
}

impl HiddenIntruders {
    /// Forgets the answers (a new tick).
    fn forget(&mut self) {
        self.known = false;
    }

    /// Whether a campaign has an intruder holding a foothold its victim has not detected.
    fn any(&mut self, reg: &Registry, intrusions: &mut Intrusions, campaign: CampaignIx) -> bool {
        if !self.known {
            self.find(reg, intrusions);
        }
        self.campaigns[campaign.ix()]
    }

    /// Whether an intruder hides in an asset (once [`HiddenIntruders::any`] was asked this tick).
    fn in_asset(&self, a: AssetIx) -> bool {
        self.assets.get(a.ix()).copied().unwrap_or(false)
    }

    /// Works out the tick's answers.
    fn find(&mut self, reg: &Registry, intrusions: &mut Intrusions) {
        self.campaigns.clear();
        self.campaigns.resize(reg.campaigns.len(), false);
        for a in self.marked.drain(..) {
            self.assets[a.ix()] = false;
        }
        self.assets.resize(reg.assets.len(), false);
        let (campaigns, assets, marked) = (&mut self.campaigns, &mut self.assets, &mut self.marked);
        intrusions.each_hidden(|x| {
            campaigns[x.campaign.ix()] = true;
            if !assets[x.asset.ix()] {
                assets[x.asset.ix()] = true;
                marked.push(x.asset);
            }
        });
        self.known = true;
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
    scratch.hidden.forget();
    let life_h = reg.spec.sharing.indicator_life_h();
    for d in due.drain(..) {
        let a = &mut alerts.0[d.alert as usize];
        let (from, indicator, channel, sent) = (a.from, a.indicator, a.channel, a.sent);
        let mut learned = 0;
        for &(_, to) in a.pending.get(d.start as usize..d.end as usize).unwrap_or_default() {
            let arrival = Arrival { to, from, indicator, channel, sent, life_h };
            learned += u64::from(arrive(core, &reg, arrival, &mut scratch.hidden, eo, campaign_cal));
        }
        if channel == Channel::IsacToMembers {
            // Every member of a delivery arrives at the same hour.
            core.record.metrics.alert_reach.add_n(now.0.saturating_sub(sent.0), learned);
        }
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
    /// How many hours an indicator warns (the scenario's indicator life).
    life_h: u32,
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
    scratch.fixed.audience(reg, &core.seeded.members, o.from, o.channel, o.to, recipients);
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
    // An ODNI report waits for its tearline: the hours are added before rounding.
    let extra = (o.channel == Channel::OdniToDhs).then(|| reg.spec.sharing.tearline_h.max(0.0));
    // A member already holding the indicator learns nothing from it: its draws are never
    // needed, and no one else's depend on them.
    let arrivals = &mut scratch.arrivals;
    arrivals.clear();
    arrivals.reserve(recipients.len());
    for &r in recipients.iter() {
        if core.knows(r).is_some_and(|k| k.holds(o.indicator)) {
            continue;
        }
        if let Some(h) = Alert::arrival(key, r, spec) {
            let at = match extra {
                Some(extra) => core.later(f64::from(h) + extra),
                None => hours_later(now, h),
            };
            arrivals.push((at, r));
        }
    }
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

/// The tick `h` whole hours after `now`: what [`Core::later`] gives for `f64::from(h)` (at
/// least one hour, at most ten million), without rounding a float.
fn hours_later(now: Tick, h: u32) -> Tick {
    Tick(now.0.saturating_add(h.clamp(1, 10_000_000)))
}

/// Arrivals in arrival order, those of one hour in the order given: a stable counting sort
/// by hour (a share's arrival hours span its channel's latency range, far fewer than the
/// members of a large audience), or a stable sort when the hours are spread wide.
fn by_arrival(arrivals: &[(Tick, ActorIx)], per_hour: &mut Vec<u32>) -> Vec<(Tick, ActorIx)> {
    let Some(first) = arrivals.first() else {
        return Vec::new();
    };
    let (lo, hi) = arrivals.iter().fold((first.0.0, first.0.0), |(lo, hi), a| (lo.min(a.0.0), hi.max(a.0.0)));
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
/// Whether it learned the indicator.
fn arrive(
    core: &mut Core,
    reg: &Registry,
    d: Arrival,
    hidden: &mut HiddenIntruders,
    eo: &mut Eo,
    campaign_cal: &mut Calendar<CampaignEvent>,
) -> bool {
    let now = core.now();
    if !core.learn(d.to, d.indicator, Some(d.from), Some(d.channel)) {
        return false;
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
    if now.0.saturating_sub(created.0) <= d.life_h && hidden.any(reg, &mut core.intrusions, campaign) {
        schedule_hunts(core, campaign_cal, reg, hidden, d.to, campaign);
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
    true
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

    /// Whole hours after a tick, counted without floats, are what `Core::later` gives.
    #[test]
    fn hours_later_are_the_hours_core_later_gives() {
        for now in [0, 5, 1_000, u32::MAX - 3] {
            for h in [0, 1, 2, 47, 9_999_999, 10_000_000, 10_000_001, u32::MAX - 1, u32::MAX] {
                let later = Tick(now.saturating_add(crate::systems::delay_hours(f64::from(h))));
                assert_eq!(hours_later(Tick(now), h), later, "{h} hours after {now}");
            }
        }
    }

    /// The audiences worked out once per registry are those worked out for each share, for
    /// every sender and channel of every built-in scenario.
    #[test]
    fn fixed_audiences_are_each_shares_audience() {
        let mut raw = crate::rng::xorshift(0x6a09_e667_f3bc_c908);
        let mut fixed = FixedAudiences::default();
        let (mut expected, mut got) = (Vec::new(), Vec::new());
        for b in crate::builtin::BUILTINS {
            let sc = crate::builtin::load(b).expect("a built-in scenario loads");
            let reg = sc.registry();
            let members: Vec<bool> = reg.actors.iter().map(|_| raw().is_multiple_of(3)).collect();
            for from in (0..reg.actors.len()).map(|i| ActorIx(i as u32)) {
                let to = Some(ActorIx((raw() % reg.actors.len() as u64) as u32));
                for channel in Channel::ALL {
                    audience(reg, &members, from, channel, to, &mut expected);
                    fixed.audience(reg, &members, from, channel, to, &mut got);
                    assert_eq!(got, expected, "{}: {channel:?} from {}", b.name, from.0);
                }
            }
        }
    }

    /// The tick's answers are what a pass over every intrusion gives, tick after tick, as
    /// intrusions are added, compromised, detected and end.
    #[test]
    fn hidden_intruders_are_found_as_by_a_pass_over_every_intrusion() {
        let mut raw = crate::rng::xorshift(0x2545_f491_4f6c_dd1d);
        let mut next = |m: u64| raw() % m;
        let sc = crate::builtin::default_scenario().expect("the default scenario loads");
        let reg = sc.registry();
        let (campaigns, assets) = (reg.campaigns.len() as u64, reg.assets.len() as u64);
        let mut intrusions = Intrusions::default();
        let mut hidden = HiddenIntruders::default();
        for tick in 0..60 {
            for _ in 0..next(4) {
                intrusions.push(Intrusion {
                    campaign: CampaignIx(next(campaigns) as u32),
                    asset: AssetIx(next(assets) as u32),
                    technique: crate::scenario::schema::Technique::Phishing,
                    stage: Stage::Recon,
                    actions: 0,
                    attempts: 0,
                    compromised_at: None,
                    detected_at: None,
                    ended: None,
                    seen: 0,
                    rng: crate::rng::Streams::new(tick).stream(&["test"]),
                });
            }
            for x in &mut intrusions.list {
                match next(12) {
                    0 => x.compromised_at = x.compromised_at.or(Some(Tick(tick as u32))),
                    1 => x.detected_at = x.detected_at.or(Some(Tick(tick as u32))),
                    2 => x.ended = x.ended.or(Some((Tick(tick as u32), Ending::Evicted))),
                    _ => {}
                }
            }
            let is_hidden =
                |x: &Intrusion| x.compromised_at.is_some() && x.detected_at.is_none() && x.ended.is_none();
            hidden.forget();
            for _ in 0..5 {
                let c = CampaignIx(next(campaigns) as u32);
                let expected = intrusions.list.iter().any(|x| x.campaign == c && is_hidden(x));
                assert_eq!(hidden.any(reg, &mut intrusions, c), expected, "tick {tick}, campaign {}", c.0);
            }
            for a in 0..assets as u32 {
                let expected = intrusions.list.iter().any(|x| x.asset == AssetIx(a) && is_hidden(x));
                assert_eq!(hidden.in_asset(AssetIx(a)), expected, "tick {tick}, asset {a}");
            }
        }
    }
}
