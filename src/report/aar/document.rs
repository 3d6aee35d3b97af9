//! The AAR/IP document: its cover, summary, timeline and analysis sections, assembled from
//! the [`Analysis`](super::Analysis).

use std::collections::BTreeMap;

use ttx_engine::events::EventKind;
use ttx_engine::journal::Record;
use ttx_engine::model::registry::{ActorKind, Registry};
use ttx_engine::scenario::schema::{EvaluationSpec, TeamRole};
use ttx_engine::{ETime, Tick};

use crate::report::doc::{Block, Cell, Doc, Figure, Table};
use crate::report::metrics_text::{Unit, label, metric_text, unit};
use crate::report::rating::threshold_text;
use crate::report::svg::{self, AxisTick, Band, Marker, colour};

use super::analysis::{ALL_TEAMS, Analysis, CATEGORIES, actor_name};
use super::calendar::{date_of, when_long};
use super::capabilities::responsible;
use super::eo::eo_section;
use super::notes::notes_section;
use super::sections::{bookmark_markers, eeg_section, media_appendix, talk_section, timeline_marks};
use super::sharing::{deadline_markers, sharing_section};

// The document

pub(in crate::report) fn h2(doc: &mut Doc, id: &str, text: &str) {
    doc.blocks.push(Block::Heading { level: 2, id: id.into(), text: text.into() });
}

pub(in crate::report) fn h3(doc: &mut Doc, id: &str, text: &str) {
    doc.blocks.push(Block::Heading { level: 3, id: id.into(), text: text.into() });
}

pub(super) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

pub(super) fn axis(reg: &Registry, t0: u32, t1: u32, want: u32) -> Vec<AxisTick> {
    let start = reg.clock.at(Tick(t0)).day();

    let end = reg.clock.at(Tick(t1.saturating_sub(1))).day();
    let days = (end - start).max(1);
    // Round steps of days, as every chart axis has them.
    let step = (ttx::chart::axis::step(days as f64, want as usize) as i64).max(1);
    let mut out = Vec::new();
    let mut d = start.div_euclid(step) * step;
    while d <= end {
        if let Some(t) = reg.clock.tick_of(ETime::new(d, 0))
            && t.0 >= t0
            && t.0 < t1
        {
            out.push(AxisTick {
                tick: t.0,
                label: format!("E{}{}d", if d < 0 { '-' } else { '+' }, d.abs()),
            });
        }
        d += step;
    }
    out
}

/// The due date prefilled in the improvement plan: 30 days before the election.
pub fn due_date(reg: &Registry) -> String {
    date_of(reg, ETime::new(-30, 0)).unwrap_or_else(|| "E-30d (before the next election)".to_string())
}

/// Builds the AAR/IP document.
pub fn document(a: &Analysis) -> Doc {
    let reg = a.sim.registry();
    let mut doc = Doc {
        title: reg.spec.name.clone(),
        kind: "After-Action Report / Improvement Plan".into(),
        subtitle: format!(
            "Seed {} · {} · journal {} · draft for the exercise planners",
            a.info.seed,
            match a.info.mode.as_str() {
                "play" | "serve" => "facilitated exercise",
                "run" => "unattended run",
                other => other,
            },
            a.info.path
        ),
        blocks: Vec::new(),
    };
    overview_section(&mut doc, a);
    summary_section(&mut doc, a);
    timeline_section(&mut doc, a);
    injects_section(&mut doc, a);
    sharing_section(&mut doc, a);
    capabilities_section(&mut doc, a);
    eeg_section(&mut doc, a);
    eo_section(&mut doc, a);
    notes_section(&mut doc, a);
    crate::report::debrief::hot_wash_section(&mut doc, reg, &a.debrief, "8");
    crate::report::debrief::feedback_section(&mut doc, reg, &a.debrief, "9");
    improvement_plan_section(&mut doc, a);
    appendices_section(&mut doc, a);
    doc
}

/// The overview: scope, organisations, teams and the scenario's cast.
fn overview_section(doc: &mut Doc, a: &Analysis) {
    let reg = a.sim.registry();
    let spec = &a.sim.registry().spec;
    let end_time = a.sim.registry().clock.at(Tick(a.last_tick));
    let finished = a.last_tick >= a.sim.registry().clock.last_tick().0;
    // 1. Overview.
    h2(doc, "overview", "1. Exercise overview");
    let mut facts = vec![
        ("Exercise name".to_string(), spec.name.clone()),
        ("Scenario".to_string(), format!("{} (content hash {})", a.info.scenario, a.info.scenario_hash)),
        (
            "Scenario dates".to_string(),
            format!("{} to {}", when_long(reg, reg.clock.start), when_long(reg, reg.clock.end)),
        ),
        (
            "Election Day".to_string(),
            spec.clock.election_date.clone().unwrap_or_else(|| "E+0d (no calendar date set)".into()),
        ),
        (
            "Record".to_string(),
            format!(
                "{} · {} commands from players and facilitator, {} discussion notes, {} state hashes verified",
                if finished {
                    format!("complete to {}", end_time)
                } else {
                    format!("ends at {} (the scenario runs to {})", end_time, reg.clock.end)
                },
                a.commands.len(),
                a.notes.len(),
                a.hashes_checked
            ),
        ),
        ("Seed".to_string(), a.info.seed.to_string()),
        ("Written by".to_string(), format!("ttx {} ({})", a.info.ttx_version, a.info.mode)),
    ];
    if !spec.description.is_empty() {
        facts.insert(1, ("Scenario summary".into(), spec.description.clone()));
    }
    doc.blocks.push(Block::Facts(facts));
    if !spec.objectives.is_empty() {
        h3(doc, "objectives", "Objectives");
        doc.blocks.push(Block::Bullets(spec.objectives.clone()));
    }
    h3(doc, "modules", "Modules");
    let mut t = Table {
        head: vec!["Module".into(), "Begins".into(), "Objectives".into(), "Discussion questions".into()],
        ..Default::default()
    };
    for md in &reg.modules {
        t.rows.push(vec![
            Cell::text(&md.title),
            Cell::text(when_long(reg, reg.clock.at(md.start))),
            Cell::text(md.objectives.join(" ")),
            Cell::num(md.questions.len().to_string()),
        ]);
    }
    doc.blocks.push(Block::Table(t));

    h3(doc, "participants", "Participating teams and organisations");
    let mut by_team: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for (_, issuer, _, rejected) in &a.commands {
        let e = by_team.entry(issuer.clone()).or_default();
        if rejected.is_some() {
            e.1 += 1;
        } else {
            e.0 += 1;
        }
    }
    let mut t = Table {
        head: vec![
            "Team".into(),
            "Role".into(),
            "Organisations".into(),
            "Commands (accepted / refused)".into(),
        ],
        ..Default::default()
    };
    for team in &reg.teams {
        let orgs: Vec<String> = team.actors.iter().map(|x| actor_name(reg, *x)).collect();
        let orgs = if orgs.len() > 8 {
            format!("{} and {} more", orgs[..6].join(", "), orgs.len() - 6)
        } else if orgs.is_empty() {
            "exercise control".to_string()
        } else {
            orgs.join(", ")
        };
        let (ok, no) = by_team.get(&format!("team {}", team.id)).copied().unwrap_or_default();
        t.rows.push(vec![
            Cell::text(&team.name),
            Cell::text(match team.role {
                TeamRole::Player => "players",
                TeamRole::RedCell => "red cell (adversary)",
                TeamRole::WhiteCell => "white cell (control)",
            }),
            Cell::text(orgs),
            Cell::num(format!("{ok} / {no}")),
        ]);
    }
    if let Some((ok, no)) = by_team.get("facilitator") {
        t.rows.push(vec![
            Cell::text("Facilitator"),
            Cell::text("exercise control"),
            Cell::text("acts for any organisation"),
            Cell::num(format!("{ok} / {no}")),
        ]);
    }
    doc.blocks.push(Block::Table(t));
    let kinds = |k: ActorKind| reg.actors.iter().filter(|x| x.kind == k).count();
    doc.blocks.push(Block::Para(format!(
        "Organisations simulated: {} state election offices ({}), {} local election jurisdictions, {} vendor{}, the federal partners (DHS/CISA, the EI-ISAC, the FBI, ODNI, DOJ, Treasury, State) and {} foreign adversaries ({}). Organisations whose team issued no command followed their scenario doctrine.",
        reg.states.len(),
        reg.states.iter().map(|s| s.postal.as_str()).collect::<Vec<_>>().join(", "),
        kinds(ActorKind::Local),
        kinds(ActorKind::Vendor),
        if kinds(ActorKind::Vendor) == 1 { "" } else { "s" },
        reg.adversaries.len(),
        reg.adversaries.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join("; ")
    )));
}

/// The summary of results: the capability ratings and the headline figures.
fn summary_section(doc: &mut Doc, a: &Analysis) {
    let m = &a.metrics;
    // 2. Summary.
    h2(doc, "summary", "2. Summary of results");
    let mut t = Table { head: vec!["Core capability".into(), "Rating".into()], ..Default::default() };
    for c in &a.capabilities {
        t.rows.push(vec![Cell::text(&c.name), Cell::rating(c.rating)]);
    }
    doc.blocks.push(Block::Table(t));
    let pct = |x: Option<f64>| Unit::Share.fmt_opt(x);
    let h = |x: Option<f64>| Unit::Hours.fmt_opt(x);
    // A metric on its own: its label and its value as its unit reads.
    let fact = |name: &str| (label(name), unit(name).fmt_opt(m.get(name)));
    doc.blocks.push(Block::Facts(vec![
        (
            label("warned_before_targeted"),
            format!(
                "{} ({} of {} targeted jurisdictions)",
                pct(m.warned_before_targeted),
                m.warned_jurisdictions,
                m.targeted_jurisdictions
            ),
        ),
        fact("time_to_share_h_p50"),
        (
            "Alert reach (median / 90th percentile)".into(),
            format!("{} / {}", h(m.alert_reach_h_p50), h(m.alert_reach_h_p90)),
        ),
        (
            "Intrusion attempts".into(),
            format!(
                "{} attempted, {} succeeded, {} blocked ({} by a shared indicator)",
                m.intrusions_attempted,
                m.intrusions_succeeded,
                m.intrusions_blocked,
                m.blocked_by_shared_indicator
            ),
        ),
        fact("voters_affected"),
        fact("results_downtime_h"),
        (
            "Public confidence".into(),
            format!("lowest {:.2}, final {:.2}", m.confidence_min, m.confidence_final),
        ),
        (
            "EO 13848".into(),
            format!(
                "assessment {}, report {}, deadlines {}",
                m.assessment_day.map_or("not delivered".into(), |d| format!("day {d}")),
                m.report_day.map_or("not delivered".into(), |d| format!("day {d}")),
                match m.eo_deadlines_met {
                    Some(true) => "met",
                    Some(false) => "not met",
                    None => "not reached",
                }
            ),
        ),
    ]));
    let strengths: Vec<String> =
        a.capabilities.iter().flat_map(|c| c.strengths.iter().cloned()).take(4).collect();
    let afis: Vec<String> =
        a.capabilities.iter().flat_map(|c| c.improvements.iter().map(|x| x.1.clone())).take(4).collect();
    if !strengths.is_empty() {
        h3(doc, "major-strengths", "Major strengths");
        doc.blocks.push(Block::Bullets(strengths));
    }
    if !afis.is_empty() {
        h3(doc, "primary-afis", "Primary areas for improvement");
        doc.blocks.push(Block::Bullets(afis));
    }
}

/// The marks over the timeline's charts: the deadlines and the facilitator's bookmarks.
fn chart_markers(a: &Analysis, t1: u32) -> Vec<Marker> {
    let mut markers = deadline_markers(a.sim.registry(), t1);
    markers.extend(bookmark_markers(&a.talk, t1));
    markers
}

/// The timeline chart, the event counts by team, and the messages and bookmarks.
fn timeline_section(doc: &mut Doc, a: &Analysis) {
    let reg = a.sim.registry();
    let spec = &a.sim.registry().spec;
    // 3. Timeline.
    h2(doc, "timeline", "3. Timeline");
    let t0 = 0;
    let t1 = (a.last_tick + 1).max(1);
    let mut bands = Vec::new();
    for (i, md) in reg.modules.iter().enumerate() {
        let to = reg.modules.get(i + 1).map_or(reg.clock.ticks(), |n| n.start.0);
        if md.start.0 < t1 {
            bands.push(Band { from: md.start.0, to: to.min(t1), label: md.title.clone() });
        }
    }
    let markers = chart_markers(a, t1);
    // Rows with nothing to show (a control cell, an idle team) are left off the chart.
    let shown: Vec<usize> = (0..a.rows.len()).filter(|r| a.counts[*r].iter().any(|c| *c > 0)).collect();
    let tl = svg::Timeline {
        rows: shown.iter().map(|r| a.rows[*r].clone()).collect(),
        categories: CATEGORIES.iter().map(|(n, c)| (n.to_string(), *c)).collect(),
        marks: timeline_marks(&a.marks, &shown),
        bands,
        markers: markers.clone(),
        axis: axis(reg, t0, t1, 16),
        t0,
        t1,
    };
    doc.blocks.push(Block::Figure(Figure {
        name: "timeline".into(),
        caption: "What happened, by team, over scenario time: injects addressed to the team, intrusions into its systems, its detections, indicators it shared, FBI victim notifications, and public statements (hover a mark for the event).".into(),
        svg: svg::timeline(&tl, &format!("{} timeline", spec.name)),
    }));
    let mut t = Table {
        head: std::iter::once("Team".to_string()).chain(CATEGORIES.iter().map(|c| c.0.to_string())).collect(),
        ..Default::default()
    };
    for (r, name) in a.rows.iter().enumerate() {
        let c = a.counts[r];
        if c.iter().all(|x| *x == 0) {
            continue;
        }
        t.rows.push(
            std::iter::once(Cell::text(name)).chain(c.iter().map(|x| Cell::num(x.to_string()))).collect(),
        );
    }
    t.rows.push(
        std::iter::once(Cell::text(ALL_TEAMS))
            .chain(a.totals.iter().map(|x| Cell::num(x.to_string())))
            .collect(),
    );
    doc.blocks.push(Block::Table(t));
    doc.blocks.push(Block::Aside(
        "An inject addressed to several teams counts once for each of them; the last row counts each event once.".into(),
    ));
    talk_section(doc, a);
}

/// The injects as they fired, and the chart of confidence and warning over time.
fn injects_section(doc: &mut Doc, a: &Analysis) {
    let sim = a.sim;
    let reg = a.sim.registry();
    h3(doc, "injects", "Injects");
    let mut t = Table {
        head: vec!["Fired".into(), "Inject".into(), "Teams".into(), "Expected actions".into()],
        ..Default::default()
    };
    let mut views = sim.inject_views();
    views.sort_by_key(|v| v.fired_at.map_or(i64::MAX, |t| t.0));
    for iv in views {
        let fired = match iv.fired_at {
            Some(t) => t.to_string(),
            None => format!("not fired ({})", iv.state),
        };
        let teams: Vec<String> = iv
            .teams
            .iter()
            .filter_map(|id| reg.team_by_id.get(id).map(|t| reg.teams[t.ix()].name.clone()))
            .collect();
        let corrections: Vec<String> = a
            .debrief
            .iter()
            .filter_map(|r| match r {
                Record::Correction { time, inject, text, .. } if *inject == iv.id => {
                    Some(format!(" — corrected at {time}: {text}"))
                }
                _ => None,
            })
            .collect();
        t.rows.push(vec![
            Cell::text(fired),
            Cell::text(format!("{}{}", iv.title, corrections.concat())),
            Cell::text(if teams.is_empty() { "all".into() } else { teams.join(", ") }),
            Cell::text(iv.expected_actions.join("; ")),
        ]);
    }
    let adhoc: Vec<_> = sim
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::InjectFired { inject: None, .. }))
        .collect();
    for e in adhoc {
        if let EventKind::InjectFired { title, teams, .. } = &e.kind {
            t.rows.push(vec![
                Cell::text(reg.clock.at(e.tick).to_string()),
                Cell::text(format!("{title} (unscripted)")),
                Cell::text(if teams.is_empty() {
                    "all".into()
                } else {
                    teams.iter().map(|t| reg.teams[t.ix()].name.clone()).collect::<Vec<_>>().join(", ")
                }),
                Cell::text(""),
            ]);
        }
    }
    doc.blocks.push(Block::Table(t));
    if !sim.series().is_empty() {
        let t0 = 0;
        let t1 = (a.last_tick + 1).max(1);
        let markers = chart_markers(a, t1);
        let pts: Vec<(u32, Option<f64>)> =
            sim.series().iter().map(|p| (p.tick, Some(p.confidence))).collect();
        let warned: Vec<(u32, Option<f64>)> =
            sim.series().iter().map(|p| (p.tick, p.warned_before_targeted.map(|w| w * 100.0))).collect();
        let l = svg::Lines {
            series: vec![
                ("Public confidence (0-100)".into(), colour::BLUE, pts),
                ("Warned before targeted (%)".into(), colour::GREEN, warned),
            ],
            y_min: 0.0,
            y_max: 100.0,
            axis: axis(reg, t0, t1, 16),
            markers,
            t0,
            t1,
        };
        doc.blocks.push(Block::Figure(Figure {
            name: "confidence".into(),
            caption: "Public confidence and the share of targeted jurisdictions warned before they were targeted, at the end of each simulated day.".into(),
            svg: svg::lines(&l, "Public confidence and warning over time"),
        }));
    }
}

/// The core capability analysis: each measure, its rating and the evidence behind it.
fn capabilities_section(doc: &mut Doc, a: &Analysis) {
    let spec = &a.sim.registry().spec;
    // 5. Capabilities.
    h2(doc, "capabilities", "5. Core capability analysis");
    doc.blocks.push(Block::Aside(format!(
        "Each measure is rated by the thresholds in the scenario's evaluation section{}; a capability takes the worst rating among its rated measures. A measure with no value (nothing happened that it measures) is not rated.",
        if spec.evaluation == EvaluationSpec::default() { " (here the documented defaults, as the scenario sets none)" } else { "" }
    )));
    for c in &a.capabilities {
        h3(doc, &format!("cap-{}", slug(&c.name)), &c.name);
        doc.blocks.push(Block::Rating { label: "Rating".into(), rating: c.rating });
        let mut t = Table {
            head: vec!["Measure".into(), "Value".into(), "Thresholds".into(), "Rating".into()],
            ..Default::default()
        };
        for r in &c.measures {
            let unit = unit(&r.spec.metric);
            t.rows.push(vec![
                Cell::text(format!("{} ({})", label(&r.spec.metric), r.spec.metric)),
                Cell::num(unit.fmt_opt(r.value)),
                Cell::text(threshold_text(&r.spec, |x| unit.fmt(x))),
                Cell::rating(r.rating),
            ]);
        }
        doc.blocks.push(Block::Table(t));
        let ev: Vec<String> = c.measures.iter().flat_map(|r| r.evidence.iter().cloned()).collect::<Vec<_>>();
        let mut ev_unique = Vec::new();
        for e in ev {
            if !ev_unique.contains(&e) {
                ev_unique.push(e);
            }
        }
        doc.blocks.push(Block::Para("Evidence:".into()));
        doc.blocks.push(Block::Bullets(ev_unique));
        doc.blocks.push(Block::Para("Strengths:".into()));
        doc.blocks.push(Block::Bullets(if c.strengths.is_empty() {
            vec!["None identified from the measures.".into()]
        } else {
            c.strengths.clone()
        }));
        doc.blocks.push(Block::Para("Areas for improvement:".into()));
        doc.blocks.push(Block::Bullets(if c.improvements.is_empty() {
            vec!["None identified from the measures.".into()]
        } else {
            c.improvements.iter().map(|x| x.1.clone()).collect()
        }));
    }
}

/// The improvement plan, prefilled from the areas for improvement.
fn improvement_plan_section(doc: &mut Doc, a: &Analysis) {
    let reg = a.sim.registry();
    // 8. Improvement plan.
    h2(doc, "improvement-plan", "10. Improvement plan");
    doc.blocks.push(Block::Aside(format!(
        "Prefilled from the areas for improvement above for the planners to edit (in the browser the cells are editable before printing). Due dates default to 30 days before the election ({}).",
        due_date(reg)
    )));
    let mut t = Table {
        head: vec![
            "#".into(),
            "Core capability".into(),
            "Issue / area for improvement".into(),
            "Corrective action".into(),
            "Responsible team".into(),
            "Due date".into(),
        ],
        editable: true,
        ..Default::default()
    };
    let mut k = 0;
    for c in &a.capabilities {
        for (metric, issue) in &c.improvements {
            k += 1;
            let mt = metric_text(metric);
            t.rows.push(vec![
                Cell::num(k.to_string()),
                Cell::text(&c.name),
                Cell::text(issue),
                Cell::text(mt.action),
                Cell::text(responsible(a, mt.owner)),
                Cell::nowrap(due_date(reg)),
            ]);
        }
    }
    if t.rows.is_empty() {
        t.rows.push(vec![
            Cell::num("1"),
            Cell::text("(none)"),
            Cell::text("No area for improvement came from the measures; add those from the discussion."),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
        ]);
    }
    doc.blocks.push(Block::Table(t));
}

/// Appendices A to C: the commands given, every metric, and how to reproduce the report.
fn appendices_section(doc: &mut Doc, a: &Analysis) {
    let sim = a.sim;
    let reg = a.sim.registry();
    let m = &a.metrics;
    // Appendices.
    h2(doc, "actions", "Appendix A. Player and facilitator actions");
    if a.commands.is_empty() {
        doc.blocks.push(Block::Para(
            "No commands were given from the consoles: every organisation followed its scenario doctrine."
                .into(),
        ));
    } else {
        let mut t = Table {
            head: vec!["Applied".into(), "Who".into(), "Command".into(), "Result".into()],
            ..Default::default()
        };
        for (tick, who, what, rejected) in &a.commands {
            t.rows.push(vec![
                Cell::text(reg.clock.at(*tick).to_string()),
                Cell::text(who),
                Cell::text(what),
                match rejected {
                    None => Cell::yes_no(true, "accepted", ""),
                    Some(r) => Cell::yes_no(false, "", &format!("refused: {r}")),
                },
            ]);
        }
        doc.blocks.push(Block::Table(t));
    }
    h2(doc, "metrics", "Appendix B. Every metric");
    let mut t =
        Table { head: vec!["Metric".into(), "Value".into(), "Definition".into()], ..Default::default() };
    for (name, v) in m.scalars() {
        let mt = metric_text(name);
        t.rows.push(vec![Cell::text(name), Cell::num(unit(name).fmt_opt(v)), Cell::text(mt.definition)]);
    }
    doc.blocks.push(Block::Table(t));
    h2(doc, "reproduce", "Appendix C. Reproducing this report");
    doc.blocks.push(Block::Para(format!(
        "The journal holds the scenario source (hash {}), the seed ({}) and every command; `ttx replay {} --verify` re-simulates it and checks {} state hashes, and `ttx report {}` drafts this report again, identical byte for byte.",
        a.info.scenario_hash, a.info.seed, a.info.path, a.hashes_checked, a.info.path
    )));
    media_appendix(doc, a);
    crate::report::team_pages::team_pages(doc, sim, &a.talk, "T");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Intelligence and Information Sharing"), "intelligence-and-information-sharing");
    }
}
