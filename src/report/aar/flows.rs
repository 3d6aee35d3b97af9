//! How each campaign's indicators travelled: who first learned of it, by which channel, and
//! the sends and deliveries on each hop.

use std::collections::BTreeMap;

use ttx_engine::events::EventKind;
use ttx_engine::model::registry::ActorIx;
use ttx_engine::{ETime, Sim, Tick};

use super::analysis::{actor_name, channel_name};

/// Where an actor first learned of a campaign.
#[derive(Clone, Debug)]
pub struct FirstKnowledge {
    /// The actor.
    pub actor: ActorIx,
    /// When.
    pub tick: Tick,
    /// From whom (none: its own detection or collection).
    pub from: Option<ActorIx>,
    /// How (channel slug, "own detection", "inject").
    pub how: String,
    /// When it was sent.
    pub sent: Tick,
    /// Indicator number.
    pub indicator: u32,
}

/// Sends on one channel by one sender, about one campaign.
#[derive(Clone, Debug, Default)]
pub struct HopSummary {
    /// Sender.
    pub from: String,
    /// Channel (or "inject").
    pub channel: String,
    /// How many sends.
    pub sends: u32,
    /// First send.
    pub first: Option<Tick>,
    /// Deliveries.
    pub delivered: u32,
    /// Delivery latencies in hours.
    pub hours: Vec<u32>,
}

/// One campaign's sharing picture.
#[derive(Clone, Debug)]
pub struct CampaignFlow {
    /// Campaign id.
    pub id: String,
    /// Campaign name.
    pub name: String,
    /// Adversary name.
    pub adversary: String,
    /// First knowledge per actor, in order.
    pub first: Vec<FirstKnowledge>,
    /// First access attempt per targeted actor (any actor kind) and whether it was warned.
    pub attempts: Vec<(ActorIx, Tick, bool)>,
    /// Sends grouped by sender and channel.
    pub hops: Vec<HopSummary>,
    /// First detection.
    pub detected: Option<Tick>,
    /// Who made the first detection (even if it had heard of the campaign before).
    pub detected_by: Option<ActorIx>,
    /// First EI-ISAC alert.
    pub alerted: Option<Tick>,
}
/// Each campaign's sharing picture, for the campaigns that reached anyone.
pub(super) fn campaign_flows(sim: &Sim) -> Vec<CampaignFlow> {
    let reg = sim.registry();
    let fv = sim.facilitator_view();
    let mut out = Vec::new();
    for (ci, c) in reg.campaigns.iter().enumerate() {
        let Trace { first, hops, attempts, detected_by } = trace(sim, ci);
        if first.is_empty() && attempts.is_empty() {
            continue;
        }
        let mut first: Vec<FirstKnowledge> = first.into_values().collect();
        first.sort_by_key(|k| (k.tick, k.actor));
        let cv = fv.campaigns.get(ci);
        let to_tick = |t: Option<ETime>| t.and_then(|t| reg.clock.tick_of(t));
        out.push(CampaignFlow {
            id: c.spec.id.clone(),
            name: c.spec.name.clone(),
            adversary: reg.adversaries[c.adversary.ix()].name.clone(),
            first,
            attempts,
            hops: hops.into_values().collect(),
            detected: to_tick(cv.and_then(|v| v.detected)),
            detected_by,
            alerted: to_tick(cv.and_then(|v| v.alerted)),
        });
    }
    out
}

/// What the event log says of one campaign's indicators and attempts.
struct Trace {
    first: BTreeMap<ActorIx, FirstKnowledge>,
    hops: BTreeMap<(String, String), HopSummary>,
    attempts: Vec<(ActorIx, Tick, bool)>,
    detected_by: Option<ActorIx>,
}

/// Reads the event log for campaign `ci`: who first held its indicators and how, the sends and
/// deliveries on each hop, the first attempt on each organisation and the first detector.
fn trace(sim: &Sim, ci: usize) -> Trace {
    let reg = sim.registry();
    let indicators = sim.indicators();
    let mut first: BTreeMap<ActorIx, FirstKnowledge> = BTreeMap::new();
    let mut hops: BTreeMap<(String, String), HopSummary> = BTreeMap::new();
    let mut attempts: Vec<(ActorIx, Tick, bool)> = Vec::new();
    let mut detected_by: Option<ActorIx> = None;
    let of_c = |ind: u32| indicators.get(ind as usize).is_some_and(|i| i.campaign.ix() == ci);
    let note = |first: &mut BTreeMap<ActorIx, FirstKnowledge>, k: FirstKnowledge| {
        first.entry(k.actor).or_insert(k);
    };
    for e in sim.events() {
        if let EventKind::Detected { campaign, detector, .. } = &e.kind
            && campaign.ix() == ci
        {
            detected_by.get_or_insert(*detector);
        }
        match &e.kind {
            EventKind::Detected { campaign, detector, indicator: Some(i), .. } if campaign.ix() == ci => {
                note(
                    &mut first,
                    FirstKnowledge {
                        actor: *detector,
                        tick: e.tick,
                        from: None,
                        how: "own detection".into(),
                        sent: e.tick,
                        indicator: i.0,
                    },
                )
            }
            EventKind::IntelGained { campaign, indicator } if campaign.ix() == ci => note(
                &mut first,
                FirstKnowledge {
                    actor: reg.federal.odni,
                    tick: e.tick,
                    from: None,
                    how: "own collection".into(),
                    sent: e.tick,
                    indicator: indicator.0,
                },
            ),
            EventKind::Shared { from, indicator, channel, .. } if of_c(indicator.0) => {
                // A sender seen for the first time held the indicator already (a sensor the
                // EI-ISAC watches, or an inject that handed it over).
                note(
                    &mut first,
                    FirstKnowledge {
                        actor: *from,
                        tick: e.tick,
                        from: None,
                        how: "held it (sensor or inject)".into(),
                        sent: e.tick,
                        indicator: indicator.0,
                    },
                );
                let h =
                    hops.entry((actor_name(reg, *from), channel.slug().to_string())).or_insert_with(|| {
                        HopSummary {
                            from: actor_name(reg, *from),
                            channel: channel_name(Some(*channel)),
                            ..Default::default()
                        }
                    });
                h.sends += 1;
                h.first.get_or_insert(e.tick);
            }
            EventKind::Received { to, from, indicator, channel, sent } if of_c(indicator.0) => {
                if !first.contains_key(from) {
                    note(
                        &mut first,
                        FirstKnowledge {
                            actor: *from,
                            tick: *sent,
                            from: None,
                            how: "held it (sensor or inject)".into(),
                            sent: *sent,
                            indicator: indicator.0,
                        },
                    );
                }
                note(
                    &mut first,
                    FirstKnowledge {
                        actor: *to,
                        tick: e.tick,
                        from: Some(*from),
                        how: channel_name(*channel),
                        sent: *sent,
                        indicator: indicator.0,
                    },
                );
                let key =
                    (actor_name(reg, *from), channel.map_or("inject".to_string(), |c| c.slug().to_string()));
                let h = hops.entry(key).or_insert_with(|| HopSummary {
                    from: actor_name(reg, *from),
                    channel: channel_name(*channel),
                    ..Default::default()
                });
                if channel.is_none() {
                    h.sends += u32::from(h.first.is_none());
                    h.first.get_or_insert(*sent);
                }
                h.delivered += 1;
                h.hours.push(e.tick.0.saturating_sub(sent.0));
            }
            EventKind::Attempt { campaign, asset, warned, .. } if campaign.ix() == ci => {
                let owner = reg.asset(*asset).owner;
                if !attempts.iter().any(|(a, _, _)| *a == owner) {
                    attempts.push((owner, e.tick, *warned));
                }
            }
            _ => {}
        }
    }
    Trace { first, hops, attempts, detected_by }
}
