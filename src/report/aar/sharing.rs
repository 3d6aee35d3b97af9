//! The AAR's section on information sharing: how each campaign's indicators reached the
//! jurisdictions, and whether they arrived before the attacks.

use std::collections::BTreeMap;

use ttx_engine::model::registry::{ActorIx, Registry};
use ttx_engine::{ETime, Tick};

use crate::report::doc::{Block, Cell, Doc, Figure, Table};
use crate::report::metrics_text::{Unit, thousands};
use crate::report::svg::{self, Marker, colour};

use super::analysis::{Analysis, MAX_ROWS, NO_TEAM, actor_name};
use super::document::{axis, h2, h3};
use super::flows::{CampaignFlow, HopSummary};

pub(super) fn deadline_markers(reg: &Registry, t1: u32) -> Vec<Marker> {
    let mut v = Vec::new();
    let mut add = |t: ETime, label: &str, colour: &'static str| {
        if let Some(tick) = reg.clock.tick_of(t)
            && tick.0 < t1
        {
            v.push(Marker { tick: tick.0, label: label.into(), colour });
        }
    };
    add(ETime::new(0, 0), "Election Day", colour::RED);
    add(
        ETime::new(i64::from(reg.spec.eo13848.assessment_due_days), 23),
        "EO 13848 assessment due",
        colour::GREY,
    );
    v
}

pub(super) fn sharing_section(doc: &mut Doc, a: &Analysis) {
    let sim = a.sim;

    let reg = sim.registry();
    let m = &a.metrics;
    h2(doc, "sharing", "4. Information sharing");
    doc.blocks.push(Block::Para(format!(
        "Did a warning reach the next target before the adversary did? {} of {} targeted jurisdictions held a matching indicator before their first access attempt ({}). A campaign's first EI-ISAC alert came a median {} after its first detection, and alerts reached members in a median {} (90th percentile {}).",
        m.warned_jurisdictions,
        m.targeted_jurisdictions,
        Unit::Share.fmt_opt(m.warned_before_targeted),
        Unit::Hours.fmt_opt(m.time_to_share_h_p50),
        Unit::Hours.fmt_opt(m.alert_reach_h_p50),
        Unit::Hours.fmt_opt(m.alert_reach_h_p90),
    )));
    h3(doc, "warned", "Warned before targeted");
    let mut t = Table {
        head: vec![
            "Jurisdiction".into(),
            "Team".into(),
            "First access attempt".into(),
            "Campaign".into(),
            "Warned first".into(),
            "First matching indicator".into(),
            "Lead time".into(),
        ],
        ..Default::default()
    };
    for x in a.targeted.iter().take(MAX_ROWS) {
        let team = reg.actor(x.actor).team.map_or(NO_TEAM.to_string(), |t| reg.teams[t.ix()].name.clone());
        let (first, lead) = match &x.first_warning {
            Some((tick, how)) => {
                (format!("{} {}", reg.clock.at(*tick), how), format!("{} h", x.attempt.0 - tick.0))
            }
            None => ("none before the attempt".into(), "-".into()),
        };
        t.rows.push(vec![
            Cell::text(actor_name(reg, x.actor)),
            Cell::text(team),
            Cell::text(reg.clock.at(x.attempt).to_string()),
            Cell::text(&x.campaign),
            Cell::yes_no(x.warned, "yes", "no"),
            Cell::text(first),
            Cell::num(lead),
        ]);
    }
    if t.rows.is_empty() {
        doc.blocks.push(Block::Para("No jurisdiction was targeted in this record.".into()));
    } else {
        doc.blocks.push(Block::Table(t));
    }
    if a.targeted.len() > MAX_ROWS {
        doc.blocks.push(Block::Aside(format!(
            "The first {MAX_ROWS} of {} targeted jurisdictions, by time of first attempt; the table by state below counts them all.",
            a.targeted.len()
        )));
    }
    if reg.states.len() > 1 && !a.targeted.is_empty() {
        h3(doc, "warned-by-state", "Warned before targeted, by state");
        let mut by: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        for x in &a.targeted {
            let st = reg.actor(x.actor).state.map_or("-".to_string(), |s| reg.states[s.ix()].name.clone());
            let e = by.entry(st).or_default();
            e.0 += 1;
            e.1 += u32::from(x.warned);
        }
        let mut t = Table {
            head: vec!["State".into(), "Targeted".into(), "Warned first".into(), "Share warned".into()],
            ..Default::default()
        };
        for (st, (n, w)) in by {
            t.rows.push(vec![
                Cell::text(st),
                Cell::num(n.to_string()),
                Cell::num(w.to_string()),
                Cell::num(Unit::Share.fmt(f64::from(w) / f64::from(n.max(1)))),
            ]);
        }
        doc.blocks.push(Block::Table(t));
    }
    h3(doc, "channels", "Indicators carried by channel");
    let mut t = Table { head: vec!["Channel".into(), "Messages".into()], ..Default::default() };
    for (k, v) in &m.messages_by_channel {
        if *v > 0 {
            t.rows.push(vec![Cell::text(k.replace('_', " ")), Cell::num(thousands(*v as i64))]);
        }
    }
    doc.blocks.push(Block::Table(t));

    for f in &a.flows {
        campaign_flow(doc, a, f);
    }
}

/// The colour of a channel in the flow charts.
fn channel_colour(how: &str) -> &'static str {
    match how {
        "local to state" | "state to locals" => colour::ORANGE,
        "state to isac" | "member to isac" | "isac to dhs" => colour::SKY,
        "isac to members" => colour::GREEN,
        "dhs to isac" | "odni to dhs" => colour::BLUE,
        "fbi to victim" | "report to fbi" => colour::PURPLE,
        "vendor to customers" => colour::YELLOW,
        "public advisory" => colour::GREY,
        _ => colour::RED,
    }
}

/// One campaign's part of the sharing section: its facts, its flow chart and its tables.
fn campaign_flow(doc: &mut Doc, a: &Analysis, f: &CampaignFlow) {
    let reg = a.sim.registry();
    h3(doc, &format!("flow-{}", f.id), &format!("Campaign: {}", f.name));
    let mut facts = vec![("Adversary".to_string(), f.adversary.clone())];
    facts.push((
        "First detected".into(),
        f.detected.map_or("never".into(), |t| {
            let who = f.detected_by.map(|k| actor_name(reg, k));
            format!("{}{}", reg.clock.at(t), who.map(|w| format!(" by {w}")).unwrap_or_default())
        }),
    ));
    facts.push((
        "First EI-ISAC alert".into(),
        match (f.detected, f.alerted) {
            (_, None) => "never".into(),
            (Some(d), Some(al)) if al >= d => {
                format!("{} ({} h after detection)", reg.clock.at(al), al.0 - d.0)
            }
            (_, Some(al)) => format!("{} (before any detection)", reg.clock.at(al)),
        },
    ));
    let warned = f.attempts.iter().filter(|x| x.2).count();
    facts.push((
        "Targets attempted".into(),
        format!("{} ({} held a matching indicator first)", f.attempts.len(), warned),
    ));
    doc.blocks.push(Block::Facts(facts));
    flow_chart(doc, a, f);
    first_knowledge_table(doc, a, f);
    hops_table(doc, a, f);
}

/// The flow chart of one campaign: every actor that learned of it or was attacked by it.
fn flow_chart(doc: &mut Doc, a: &Analysis, f: &CampaignFlow) {
    let reg = a.sim.registry();
    // The flow chart: every actor that learned of the campaign or was attacked by it.
    // Rows: organisations in the order they became involved (first knowledge or first attempt).
    let mut involved: BTreeMap<ActorIx, Tick> = BTreeMap::new();
    for (x, t) in f.first.iter().map(|k| (k.actor, k.tick)).chain(f.attempts.iter().map(|a| (a.0, a.1))) {
        let e = involved.entry(x).or_insert(t);
        *e = (*e).min(t);
    }
    let mut order: Vec<(Tick, ActorIx)> = involved.iter().map(|(x, t)| (*t, *x)).collect();
    order.sort();
    let total_rows = order.len();
    let order: Vec<ActorIx> = order.into_iter().take(MAX_ROWS).map(|(_, x)| x).collect();
    let row_of: BTreeMap<ActorIx, usize> = order.iter().enumerate().map(|(i, x)| (*x, i)).collect();
    let ticks: Vec<u32> = f
        .first
        .iter()
        .filter(|k| row_of.contains_key(&k.actor))
        .flat_map(|k| [k.tick.0, k.sent.0])
        .chain(f.attempts.iter().filter(|x| row_of.contains_key(&x.0)).map(|x| x.1.0))
        .collect();
    let lo = ticks.iter().copied().min().unwrap_or(0);
    let hi = ticks.iter().copied().max().unwrap_or(lo) + 1;
    let pad = ((hi - lo) / 20).max(6);
    let (t0, t1) = (lo.saturating_sub(pad), (hi + pad).min(reg.clock.ticks()));
    let mut legend: Vec<(String, &'static str)> = Vec::new();
    let arrivals = f
        .first
        .iter()
        .filter(|k| row_of.contains_key(&k.actor))
        .map(|k| {
            let c = channel_colour(&k.how);
            let detected = k.from.is_none();
            if !detected && !legend.iter().any(|(l, _)| *l == k.how) {
                legend.push((k.how.clone(), c));
            }
            svg::Arrival {
                row: row_of[&k.actor],
                tick: k.tick.0,
                from: k.from.and_then(|fr| row_of.get(&fr).map(|r| (*r, k.sent.0))),
                colour: c,
                title: match k.from {
                    Some(fr) => format!(
                        "{} {} received IND-{:04} from {} via {} ({} h)",
                        reg.clock.at(k.tick),
                        actor_name(reg, k.actor),
                        k.indicator,
                        actor_name(reg, fr),
                        k.how,
                        k.tick.0 - k.sent.0
                    ),
                    None => format!(
                        "{} {}: IND-{:04}, {}",
                        reg.clock.at(k.tick),
                        actor_name(reg, k.actor),
                        k.indicator,
                        k.how
                    ),
                },
                detected,
            }
        })
        .collect();
    let fl = svg::Flow {
        rows: order
            .iter()
            .map(|x| svg::FlowRow {
                label: actor_name(reg, *x),
                warned: f.attempts.iter().find(|a| a.0 == *x).map(|a| a.2),
            })
            .collect(),
        arrivals,
        attempts: f
            .attempts
            .iter()
            .filter(|x| row_of.contains_key(&x.0))
            .map(|(x, t, w)| {
                (
                    row_of[x],
                    t.0,
                    format!(
                        "{} first access attempt on {}{}",
                        reg.clock.at(*t),
                        actor_name(reg, *x),
                        if *w { " (warned)" } else { " (not warned)" }
                    ),
                )
            })
            .collect(),
        legend,
        axis: axis(reg, t0, t1, 12),
        t0,
        t1,
    };
    doc.blocks.push(Block::Figure(Figure {
        name: format!("flow-{}", f.id),
        caption: format!(
            "How word of \"{}\" spread: each row is an organisation, the dot is when it first held an indicator of the campaign (black: its own detection), the line is the hop that brought it, and the cross is the first access attempt on it (✓ warned before, ✗ not).{}",
            f.name,
            if total_rows > MAX_ROWS {
                format!(" The first {MAX_ROWS} of {total_rows} organisations involved.")
            } else {
                String::new()
            }
        ),
        svg: svg::flow(&fl, &format!("Indicator flow: {}", f.name)),
    }));
}

/// Where each organisation first held an indicator of one campaign.
fn first_knowledge_table(doc: &mut Doc, a: &Analysis, f: &CampaignFlow) {
    let reg = a.sim.registry();
    let mut t = Table {
        head: vec![
            "Organisation".into(),
            "First held an indicator".into(),
            "From".into(),
            "How".into(),
            "Hop".into(),
            "Since first detection".into(),
        ],
        ..Default::default()
    };
    for k in f.first.iter().take(MAX_ROWS) {
        t.rows.push(vec![
            Cell::text(actor_name(reg, k.actor)),
            Cell::text(reg.clock.at(k.tick).to_string()),
            Cell::text(k.from.map_or("-".into(), |x| actor_name(reg, x))),
            Cell::text(&k.how),
            Cell::num(if k.from.is_some() { format!("{} h", k.tick.0 - k.sent.0) } else { "-".into() }),
            Cell::num(match f.detected {
                Some(d) if k.tick >= d => format!("{} h", k.tick.0 - d.0),
                Some(_) => "before".into(),
                None => "-".into(),
            }),
        ]);
    }
    doc.blocks.push(Block::Table(t));
    if f.first.len() > MAX_ROWS {
        doc.blocks.push(Block::Aside(format!(
            "The first {MAX_ROWS} of {} organisations that held an indicator of this campaign.",
            f.first.len()
        )));
    }
}

/// The sends and deliveries of one campaign, by sender and channel.
fn hops_table(doc: &mut Doc, a: &Analysis, f: &CampaignFlow) {
    let reg = a.sim.registry();
    let mut t = Table {
        head: vec![
            "Sender".into(),
            "Channel".into(),
            "Sends".into(),
            "First sent".into(),
            "New arrivals".into(),
            "Hop hours (min / median / max)".into(),
        ],
        ..Default::default()
    };
    let mut hops: Vec<&HopSummary> = f.hops.iter().collect();
    hops.sort_by_key(|h| (h.first, h.from.clone(), h.channel.clone()));
    for hsum in hops.iter().take(MAX_ROWS) {
        let mut hs = hsum.hours.clone();
        hs.sort_unstable();
        let lat = if hs.is_empty() {
            "-".into()
        } else {
            format!("{} / {} / {}", hs[0], hs[(hs.len() - 1) / 2], hs[hs.len() - 1])
        };
        t.rows.push(vec![
            Cell::text(&hsum.from),
            Cell::text(&hsum.channel),
            Cell::num(hsum.sends.to_string()),
            Cell::text(hsum.first.map_or("-".into(), |t| reg.clock.at(t).to_string())),
            Cell::num(hsum.delivered.to_string()),
            Cell::num(lat),
        ]);
    }
    if !t.rows.is_empty() {
        doc.blocks.push(Block::Table(t));
        let more = if hops.len() > MAX_ROWS {
            format!(" The first {MAX_ROWS} of {} senders and channels, by first send.", hops.len())
        } else {
            String::new()
        };
        doc.blocks.push(Block::Aside(format!(
            "New arrivals count the messages that brought the recipient an indicator of this campaign it did not hold yet; hop hours are measured over those.{more}"
        )));
    }
}
