//! Turns a [`ScenarioSpec`] into a [`Registry`], checking its meaning.
//!
//! Every problem is collected (not only the first) with the path of the value
//! at fault, such as `teams[2].controls[0]`; the loader turns paths into
//! file:line:column.

use std::collections::{BTreeMap, BTreeSet};

use super::schema::*;
use super::{Problem, suggest};
use crate::data;
use crate::model::registry::*;
use crate::rng::Streams;
use crate::time::{Clock, ETime, Tick};

/// A fixed stream family for facts of the scenario itself (vendor markets,
/// posture overrides with a count): the same for every run seed.
const SCENARIO_SEED: u64 = 0x7474_785f_7363_656e;

struct Ctx {
    problems: Vec<Problem>,
}

impl Ctx {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>, help: impl Into<String>) {
        let help = help.into();
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
            help: if help.is_empty() { None } else { Some(help) },
        });
    }

    fn prob(&mut self, path: impl Into<String>, v: f64) {
        if !(0.0..=1.0).contains(&v) || v.is_nan() {
            self.err(path, format!("{v} is not a probability"), "use a number from 0.0 to 1.0");
        }
    }

    fn non_negative(&mut self, path: impl Into<String>, v: f64) {
        if v < 0.0 || v.is_nan() || v.is_infinite() {
            self.err(
                path,
                format!("{v} must be zero or more"),
                "use a finite number of hours or points, 0 or more",
            );
        }
    }

    fn in_clock(&mut self, path: impl Into<String>, t: ETime, clock: &Clock) {
        if t < clock.start || t > clock.end {
            self.err(
                path,
                format!("{t} is outside the exercise clock ({} to {})", clock.start, clock.end),
                "move the time inside the clock, or widen `clock.start`/`clock.end`",
            );
        }
    }
}

/// Checks a spec and builds its registry, or returns every problem found.
pub fn compile(spec: &ScenarioSpec) -> Result<Registry, Vec<Problem>> {
    SUGGESTIONS_LEFT.with(|l| l.set(MAX_SUGGESTIONS));
    let mut cx = Ctx { problems: Vec::new() };
    if spec.name.trim().is_empty() {
        cx.err("name", "the scenario has no name", "give it a title, e.g. `name: \"County ransomware\"`");
    }
    let clock = Clock { start: spec.clock.start, end: spec.clock.end };
    if clock.end <= clock.start {
        cx.err(
            "clock.end",
            format!("the clock ends ({}) before it starts ({})", clock.end, clock.start),
            "make `end` later than `start`",
        );
    } else if clock.ticks() > 24 * 400 {
        cx.err("clock.end", "the clock spans more than 400 days", "shorten the exercise to at most 400 days");
    }
    let clock_ok = clock.end > clock.start && clock.ticks() <= 24 * 400;

    // Modules.
    let mut modules = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, m) in spec.modules.iter().enumerate() {
        if !seen.insert(m.id.clone()) {
            cx.err(
                format!("modules[{i}].id"),
                format!("module id `{}` is used twice", m.id),
                "give each module its own id",
            );
        }
        if clock_ok {
            cx.in_clock(format!("modules[{i}].start"), m.start, &clock);
        }
        if i > 0 && m.start <= spec.modules[i - 1].start {
            cx.err(
                format!("modules[{i}].start"),
                format!("module `{}` starts at {} , not after the module before it", m.id, m.start),
                "list modules in time order, each starting after the previous one",
            );
        }
        modules.push(ModuleInfo {
            id: m.id.clone(),
            title: m.title.clone(),
            start: clock.tick_clamped(m.start),
            objectives: m.objectives.clone(),
            questions: m.questions.clone(),
        });
    }

    // States.
    let all_codes: Vec<&str> = data::states().iter().map(|s| s.postal.as_str()).collect();
    let mut chosen: Vec<&'static data::StateRecord> = Vec::new();
    match &spec.geography.states {
        StateSelection::All => chosen.extend(data::states().iter()),
        StateSelection::Only(codes) => {
            if codes.is_empty() {
                cx.err(
                    "geography.states",
                    "the geography is empty: no states are listed",
                    "list at least one state by postal code, e.g. `Only([\"PA\"])`, or use `All`",
                );
            }
            for (i, code) in codes.iter().enumerate() {
                match data::state(code) {
                    Some(rec) if chosen.iter().any(|c| c.postal == rec.postal) => cx.err(
                        format!("geography.states[{i}]"),
                        format!("state `{code}` is listed twice"),
                        "list each state once",
                    ),
                    Some(rec) => chosen.push(rec),
                    None => cx.err(
                        format!("geography.states[{i}]"),
                        format!("unknown state code `{code}`"),
                        suggest_help(code, &all_codes, "use a USPS postal code such as \"PA\""),
                    ),
                }
            }
        }
    }
    chosen.sort_by(|a, b| a.postal.cmp(&b.postal));
    let in_scenario: BTreeSet<&str> = chosen.iter().map(|s| s.postal.as_str()).collect();

    // Actors: federal first, in a fixed order.
    let mut actors: Vec<ActorInfo> = Vec::new();
    let push_actor = |actors: &mut Vec<ActorInfo>, id: &str, name: &str, kind: ActorKind| {
        actors.push(ActorInfo {
            id: id.into(),
            name: name.into(),
            kind,
            state: None,
            voters: 0,
            team: None,
            assets: vec![],
            isac_listed: None,
            doctrine: Doctrine::default(),
        });
        ActorIx((actors.len() - 1) as u32)
    };
    let federal = FederalActors {
        dhs: push_actor(&mut actors, "dhs", "DHS / CISA", ActorKind::Dhs),
        odni: push_actor(&mut actors, "odni", "ODNI", ActorKind::Odni),
        fbi: push_actor(&mut actors, "fbi", "FBI", ActorKind::Fbi),
        doj: push_actor(&mut actors, "doj", "DOJ", ActorKind::Doj),
        treasury: push_actor(&mut actors, "treasury", "Treasury (OFAC)", ActorKind::Treasury),
        state_dept: push_actor(&mut actors, "state_dept", "State Department", ActorKind::StateDept),
        eiisac: push_actor(&mut actors, "eiisac", "EI-ISAC", ActorKind::EiIsac),
        public: push_actor(&mut actors, "public", "The public", ActorKind::Public),
    };

    let mut states: Vec<StateInfo> = Vec::new();
    for rec in &chosen {
        let office = push_actor(
            &mut actors,
            &rec.postal,
            &format!("{} election office", rec.name),
            ActorKind::StateOffice,
        );
        actors[office.ix()].state = Some(StateIx(states.len() as u32));
        actors[office.ix()].voters = rec.registered_voters;
        states.push(StateInfo {
            postal: rec.postal.clone(),
            name: rec.name.clone(),
            office,
            locals: vec![],
            voters: rec.registered_voters,
            map_row: rec.map_row,
            map_col: rec.map_col,
        });
    }
    let state_ix = |postal: &str| states.iter().position(|s| s.postal == postal).map(|i| StateIx(i as u32));

    // Local jurisdictions.
    struct LocalDraft {
        id: String,
        name: String,
        state: StateIx,
        voters: Option<u64>,
        isac: Option<bool>,
    }
    let mut locals: Vec<LocalDraft> = Vec::new();
    match &spec.geography.jurisdictions {
        JurisdictionsSpec::FromData | JurisdictionsSpec::Generated { .. } => {
            let cap = match &spec.geography.jurisdictions {
                JurisdictionsSpec::Generated { per_state } => {
                    if *per_state == 0 {
                        cx.err(
                            "geography.jurisdictions.per_state",
                            "zero jurisdictions per state",
                            "use at least 1, or `FromData` for every jurisdiction",
                        );
                    }
                    Some(*per_state)
                }
                _ => None,
            };
            for (si, rec) in chosen.iter().enumerate() {
                let n =
                    cap.map_or(rec.local_election_jurisdictions, |c| c.min(rec.local_election_jurisdictions));
                let width = if n >= 1000 { 4 } else { 3 };
                for k in 1..=n {
                    locals.push(LocalDraft {
                        id: format!("{}-{:0width$}", rec.postal, k, width = width),
                        name: format!("{} jurisdiction {k}", rec.name),
                        state: StateIx(si as u32),
                        voters: None,
                        isac: None,
                    });
                }
            }
        }
        JurisdictionsSpec::Listed(list) => {
            if list.is_empty() {
                cx.err(
                    "geography.jurisdictions",
                    "the geography is empty: no jurisdictions are listed",
                    "list at least one jurisdiction, or use `Generated(per_state: 3)`",
                );
            }
            for (i, j) in list.iter().enumerate() {
                let path = format!("geography.jurisdictions[{i}]");
                if j.id.trim().is_empty() {
                    cx.err(
                        format!("{path}.id"),
                        "empty jurisdiction id",
                        "give it a short id such as \"harbor\"",
                    );
                }
                match state_ix(&j.state) {
                    Some(s) => locals.push(LocalDraft {
                        id: j.id.clone(),
                        name: j.name.clone(),
                        state: s,
                        voters: j.voters,
                        isac: j.isac_member,
                    }),
                    None if data::state(&j.state).is_some() => cx.err(
                        format!("{path}.state"),
                        format!("state `{}` is not in `geography.states`", j.state),
                        format!(
                            "add \"{}\" to `geography.states`, or move the jurisdiction to a listed state",
                            j.state
                        ),
                    ),
                    None => cx.err(
                        format!("{path}.state"),
                        format!("unknown state code `{}`", j.state),
                        suggest_help(&j.state, &all_codes, "use a USPS postal code such as \"PA\""),
                    ),
                }
            }
        }
    }
    // Canonical order: by state, then id.
    locals.sort_by(|a, b| a.state.cmp(&b.state).then_with(|| a.id.cmp(&b.id)));
    // Split registered voters: listed figures first, the rest by a Zipf-like weight.
    for (si, st) in states.iter().enumerate() {
        let idx: Vec<usize> = (0..locals.len()).filter(|&i| locals[i].state.ix() == si).collect();
        let listed: u64 = idx.iter().filter_map(|&i| locals[i].voters).sum();
        let rest: Vec<usize> = idx.iter().copied().filter(|&i| locals[i].voters.is_none()).collect();
        let remaining = st.voters.saturating_sub(listed);
        let weights: Vec<f64> = (0..rest.len()).map(|k| 1.0 / (k as f64 + 1.0)).collect();
        for (k, v) in apportion(remaining, &weights).into_iter().enumerate() {
            locals[rest[k]].voters = Some(v);
        }
    }
    for l in locals {
        let a = push_actor(&mut actors, &l.id, &l.name, ActorKind::Local);
        actors[a.ix()].state = Some(l.state);
        actors[a.ix()].voters = l.voters.unwrap_or(0);
        actors[a.ix()].isac_listed = l.isac;
        states[l.state.ix()].locals.push(a);
    }

    // Vendors.
    let mut vendors = Vec::new();
    let mut vendor_ids = BTreeSet::new();
    for (i, v) in spec.vendors.iter().enumerate() {
        if !vendor_ids.insert(v.id.clone()) {
            cx.err(
                format!("vendors[{i}].id"),
                format!("vendor id `{}` is used twice", v.id),
                "give each vendor its own id",
            );
        }
        cx.prob(format!("vendors[{i}].market_share"), v.market_share);
        if v.kinds.is_empty() {
            cx.err(
                format!("vendors[{i}].kinds"),
                "the vendor supplies nothing",
                "list the asset kinds it supplies, e.g. `[Pollbook]`",
            );
        }
        for (k, p) in v.states.iter().enumerate() {
            check_state_ref(&mut cx, &format!("vendors[{i}].states[{k}]"), p, &in_scenario, &all_codes);
        }
        vendors.push(push_actor(&mut actors, &v.id, &v.name, ActorKind::Vendor));
    }

    // Adversaries.
    let mut adversaries: Vec<AdversaryInfo> = Vec::new();
    let mut adv_ids = BTreeSet::new();
    for (i, a) in spec.adversaries.iter().enumerate() {
        if !adv_ids.insert(a.id.clone()) {
            cx.err(
                format!("adversaries[{i}].id"),
                format!("adversary id `{}` is used twice", a.id),
                "give each adversary its own id",
            );
        }
        cx.prob(format!("adversaries[{i}].skill"), a.skill);
        cx.prob(format!("adversaries[{i}].stealth"), a.stealth);
        cx.prob(format!("adversaries[{i}].intel_coverage"), a.intel_coverage);
        cx.prob(format!("adversaries[{i}].false_flag_share"), a.false_flag_share);
        cx.non_negative(format!("adversaries[{i}].intel_delay_h"), a.intel_delay_h);
        let actor = push_actor(&mut actors, &a.id, &a.name, ActorKind::Adversary);
        adversaries.push(AdversaryInfo {
            id: a.id.clone(),
            name: a.name.clone(),
            actor,
            skill: a.skill,
            stealth: a.stealth,
            intel_coverage: a.intel_coverage,
            intel_delay_h: a.intel_delay_h,
            kind: a.kind,
            false_flag: None,
            false_flag_share: a.false_flag_share,
            campaigns: vec![],
        });
    }
    let adv_codes: Vec<&str> = spec.adversaries.iter().map(|a| a.id.as_str()).collect();
    for (i, a) in spec.adversaries.iter().enumerate() {
        if let Some(ff) = &a.false_flag {
            match spec.adversaries.iter().position(|b| &b.id == ff) {
                Some(j) if j != i => adversaries[i].false_flag = Some(AdversaryIx(j as u32)),
                Some(_) => cx.err(
                    format!("adversaries[{i}].false_flag"),
                    "an adversary cannot imitate itself",
                    "name another adversary, or remove `false_flag`",
                ),
                None => cx.err(
                    format!("adversaries[{i}].false_flag"),
                    format!("unknown adversary `{ff}`"),
                    suggest_help(ff, &adv_codes, "name an adversary defined in `adversaries`"),
                ),
            }
        }
    }

    // Unique actor ids.
    let mut actor_by_id = BTreeMap::new();
    for (i, a) in actors.iter().enumerate() {
        if actor_by_id.insert(a.id.clone(), ActorIx(i as u32)).is_some() {
            cx.err(
                actor_path(spec, &a.id, a.kind),
                format!("id `{}` is used by more than one actor", a.id),
                "every jurisdiction, vendor and adversary needs an id of its own (state offices use their postal code; federal actors use dhs, odni, fbi, doj, treasury, state_dept, eiisac, public)",
            );
        }
    }

    // Assets.
    let mut assets: Vec<AssetInfo> = Vec::new();
    for (ai, actor) in actors.iter_mut().enumerate() {
        let kinds: &[AssetKind] = match actor.kind {
            ActorKind::StateOffice => {
                &[AssetKind::VoterRegistration, AssetKind::ResultsWebsite, AssetKind::OfficeIt]
            }
            ActorKind::Local => &[
                AssetKind::Pollbook,
                AssetKind::VotingEquipment,
                AssetKind::Tabulation,
                AssetKind::ResultsWebsite,
                AssetKind::OfficeIt,
            ],
            ActorKind::Vendor => &[AssetKind::VendorUpdate],
            _ => &[],
        };
        for &kind in kinds {
            let ix = AssetIx(assets.len() as u32);
            assets.push(AssetInfo {
                id: format!("{}/{}", actor.id, kind.slug()),
                kind,
                owner: ActorIx(ai as u32),
                state: actor.state,
                vendor: None,
                posture: spec.posture.defaults,
            });
            actor.assets.push(ix);
        }
    }
    // Vendor markets: a fixed draw per (vendor, customer), the same for every run.
    let fixed = Streams::new(SCENARIO_SEED);
    for (vi, v) in spec.vendors.iter().enumerate() {
        let vendor_actor = vendors[vi];
        for asset in assets.iter_mut() {
            if !v.kinds.contains(&asset.kind) || asset.vendor.is_some() {
                continue;
            }
            let Some(st) = asset.state else { continue };
            if !v.states.is_empty() && !v.states.iter().any(|p| *p == states[st.ix()].postal) {
                continue;
            }
            let owner_id = &actors[asset.owner.ix()].id;
            if fixed.fixed_uniform(&["vendor_customer", &v.id, owner_id]) < v.market_share {
                asset.vendor = Some(vendor_actor);
            }
        }
    }
    // Posture.
    for asset in assets.iter_mut() {
        if let Some(p) = spec.posture.by_kind.get(&asset.kind) {
            p.apply(&mut asset.posture);
        }
    }
    let mut registry = Registry {
        spec: spec.clone(),
        attachments: BTreeMap::new(),
        tracks_commands: false,
        clock,
        election: ElectionTicks {
            election_day: clock.tick_clamped(ETime(0)),
            registration_deadline: spec.clock.registration_deadline,
            polls_open: spec.clock.polls_open,
            polls_close: spec.clock.polls_close,
            reporting_end: spec.clock.reporting_end,
        },
        states,
        actors,
        assets,
        teams: vec![],
        adversaries,
        campaigns: vec![],
        injects: vec![],
        templates: spec.inject_templates.clone(),
        modules,
        federal,
        vendors,
        actor_by_id,
        asset_by_id: BTreeMap::new(),
        team_by_id: BTreeMap::new(),
        campaign_by_id: BTreeMap::new(),
        adversary_by_id: BTreeMap::new(),
        inject_by_id: BTreeMap::new(),
        state_by_postal: BTreeMap::new(),
    };
    registry.asset_by_id =
        registry.assets.iter().enumerate().map(|(i, a)| (a.id.clone(), AssetIx(i as u32))).collect();
    registry.state_by_postal =
        registry.states.iter().enumerate().map(|(i, s)| (s.postal.clone(), StateIx(i as u32))).collect();
    registry.adversary_by_id =
        registry.adversaries.iter().enumerate().map(|(i, a)| (a.id.clone(), AdversaryIx(i as u32))).collect();
    if registry.clock.ticks() == 0 {
        registry.clock.end = registry.clock.start;
    }

    for (i, o) in spec.posture.overrides.iter().enumerate() {
        let path = format!("posture.overrides[{i}].select");
        check_selector(&mut cx, &registry, &path, &o.select, &in_scenario, &all_codes);
        let mut picked = registry.select_assets(&o.select);
        if o.select.count > 0 && (o.select.count as usize) < picked.len() {
            let mut s = fixed.stream(&["posture_override", &i.to_string()]);
            let mut chosen: Vec<AssetIx> = s
                .sample_indices(picked.len(), o.select.count as usize)
                .into_iter()
                .map(|k| picked[k])
                .collect();
            chosen.sort();
            picked = chosen;
        }
        for a in picked {
            o.set.apply(&mut registry.assets[a.ix()].posture);
        }
    }

    // Teams.
    let mut team_ids = BTreeSet::new();
    for (i, t) in spec.teams.iter().enumerate() {
        if !team_ids.insert(t.id.clone()) {
            cx.err(
                format!("teams[{i}].id"),
                format!("team id `{}` is used twice", t.id),
                "give each team its own id",
            );
        }
        if t.id.trim().is_empty() || t.id.chars().any(char::is_whitespace) {
            cx.err(
                format!("teams[{i}].id"),
                format!("team id `{}` is empty or has spaces", t.id),
                "use a short id such as \"cisa\"",
            );
        }
        let mut members = Vec::new();
        for (k, sel) in t.controls.iter().enumerate() {
            match resolve_sel(&registry, sel) {
                Ok(list) => {
                    for a in list {
                        let path = format!("teams[{i}].controls[{k}]");
                        match registry.actors[a.ix()].team {
                            Some(other) if other.ix() != i => cx.err(
                                path,
                                format!(
                                    "`{}` is already played by team `{}`",
                                    registry.actors[a.ix()].id,
                                    spec.teams[other.ix()].id
                                ),
                                "an actor can be played by one team only: remove it from one of the two",
                            ),
                            _ => {
                                registry.actors[a.ix()].team = Some(TeamIx(i as u32));
                                if !members.contains(&a) {
                                    members.push(a);
                                }
                            }
                        }
                    }
                }
                Err((msg, help)) => cx.err(format!("teams[{i}].controls[{k}]"), msg, help),
            }
        }
        members.sort();
        registry.teams.push(TeamInfo {
            id: t.id.clone(),
            name: t.name.clone(),
            role: t.role,
            actors: members,
        });
    }
    registry.team_by_id =
        registry.teams.iter().enumerate().map(|(i, t)| (t.id.clone(), TeamIx(i as u32))).collect();

    // Sharing, techniques, public, electorate, EO.
    let sh = &spec.sharing;
    cx.prob("sharing.isac_membership", sh.isac_membership);
    cx.prob("sharing.state_isac_membership", sh.state_isac_membership);
    cx.non_negative("sharing.tearline_h", sh.tearline_h);
    cx.non_negative("sharing.indicator_life_days", sh.indicator_life_days);
    for c in Channel::ALL {
        let ch = sh.channels.get(c);
        let path = format!("sharing.channels.{}", c.slug());
        cx.prob(format!("{path}.reliability"), ch.reliability);
        for (name, v) in
            [("min_h", ch.min_h), ("median_h", ch.median_h), ("p90_h", ch.p90_h), ("max_h", ch.max_h)]
        {
            cx.non_negative(format!("{path}.{name}"), v);
        }
        if !(ch.min_h <= ch.median_h && ch.median_h <= ch.p90_h && ch.p90_h <= ch.max_h) {
            cx.err(
                format!("{path}.median_h"),
                format!(
                    "latency quantiles out of order: min_h {}, median_h {}, p90_h {}, max_h {}",
                    ch.min_h, ch.median_h, ch.p90_h, ch.max_h
                ),
                "make min_h <= median_h <= p90_h <= max_h",
            );
        }
    }
    let t = &spec.techniques;
    for (name, ts) in [
        ("phishing", &t.phishing),
        ("exploit_public_facing", &t.exploit_public_facing),
        ("credential_stuffing", &t.credential_stuffing),
        ("vendor_compromise", &t.vendor_compromise),
        ("denial_of_service", &t.denial_of_service),
    ] {
        cx.prob(format!("techniques.{name}.success"), ts.success);
        cx.prob(format!("techniques.{name}.block"), ts.block);
        cx.prob(format!("techniques.{name}.block_with_indicator"), ts.block_with_indicator);
        if ts.detect_boost < 1.0 || ts.detect_boost.is_nan() {
            cx.err(
                format!("techniques.{name}.detect_boost"),
                "a detection boost below 1 would make warnings hurt",
                "use 1.0 or more",
            );
        }
    }
    let d = &t.detection;
    for (name, v) in
        [("none", d.none), ("basic", d.basic), ("network_sensor", d.network_sensor), ("endpoint", d.endpoint)]
    {
        cx.prob(format!("techniques.detection.{name}"), v);
    }
    cx.prob("techniques.detection.hunt", d.hunt);
    if d.persistence_tempo_h == 0 {
        cx.err(
            "techniques.detection.persistence_tempo_h",
            "zero hours between actions",
            "use 1 or more hours",
        );
    }
    let p = &spec.public;
    if !(0.0..=100.0).contains(&p.confidence) {
        cx.err(
            "public.confidence",
            format!("{} is not a confidence level", p.confidence),
            "use a number from 0 to 100",
        );
    }
    cx.prob("public.recovery_per_day", p.recovery_per_day);
    cx.prob("public.statement_recovery", p.statement_recovery);
    cx.prob("public.debunk_recovery", p.debunk_recovery);
    cx.non_negative("public.incident_drop", p.incident_drop);
    cx.non_negative("public.leak_drop", p.leak_drop);
    cx.non_negative("public.statement_window_h", p.statement_window_h);
    let el = &spec.electorate;
    cx.prob("electorate.turnout", el.turnout);
    cx.prob("electorate.in_person_share", el.in_person_share);
    cx.prob("electorate.registrations_per_day", el.registrations_per_day);
    cx.prob("electorate.paper_delay_share", el.paper_delay_share);
    let eo = &spec.eo13848;
    for (name, v) in [
        ("assessment_work_days", eo.assessment_work_days),
        ("evidence_needed", eo.evidence_needed),
        ("name_threshold", eo.name_threshold),
        ("report_work_days", eo.report_work_days),
        ("report_days_per_unassessed", eo.report_days_per_unassessed),
        ("sanctions_days", eo.sanctions_days),
        ("evidence_per_detection", eo.evidence_per_detection),
        ("evidence_per_investigation_day", eo.evidence_per_investigation_day),
        ("evidence_per_intel", eo.evidence_per_intel),
        ("evidence_per_report", eo.evidence_per_report),
        ("evidence_per_attribution", eo.evidence_per_attribution),
        ("evidence_per_analysis_day", eo.evidence_per_analysis_day),
    ] {
        cx.non_negative(format!("eo13848.{name}"), v);
    }
    let fd = &spec.doctrines.federal;
    cx.prob("doctrines.federal.investigation_find_rate", fd.investigation_find_rate);
    cx.non_negative("doctrines.federal.onsite_days", fd.onsite_days);
    if let Some(h) = fd.public_attribution_h {
        cx.non_negative("doctrines.federal.public_attribution_h", h);
    }

    // Doctrines.
    let dspec = &spec.doctrines;
    for (name, doc) in [
        ("local", &dspec.local),
        ("state", &dspec.state),
        ("vendor", &dspec.vendor),
        ("eiisac", &dspec.eiisac),
        ("dhs", &dspec.dhs),
        ("fbi", &dspec.fbi),
        ("odni", &dspec.odni),
    ] {
        check_doctrine(&mut cx, &format!("doctrines.{name}"), doc);
    }
    for a in registry.actors.iter_mut() {
        a.doctrine = match a.kind {
            ActorKind::Local => dspec.local.clone(),
            ActorKind::StateOffice => dspec.state.clone(),
            ActorKind::Vendor => dspec.vendor.clone(),
            ActorKind::EiIsac => dspec.eiisac.clone(),
            ActorKind::Dhs => dspec.dhs.clone(),
            ActorKind::Fbi => dspec.fbi.clone(),
            ActorKind::Odni => dspec.odni.clone(),
            _ => Doctrine::default(),
        };
    }
    for (i, o) in dspec.overrides.iter().enumerate() {
        for (k, sel) in o.actors.iter().enumerate() {
            match resolve_sel(&registry, sel) {
                Ok(list) => {
                    for a in list {
                        o.set.apply(&mut registry.actors[a.ix()].doctrine);
                    }
                }
                Err((msg, help)) => cx.err(format!("doctrines.overrides[{i}].actors[{k}]"), msg, help),
            }
        }
    }

    // Campaigns.
    let mut campaign_ids = BTreeSet::new();
    for (ai, a) in spec.adversaries.iter().enumerate() {
        for (ci, c) in a.campaigns.iter().enumerate() {
            let path = format!("adversaries[{ai}].campaigns[{ci}]");
            if !campaign_ids.insert(c.id.clone()) {
                cx.err(
                    format!("{path}.id"),
                    format!("campaign id `{}` is used twice", c.id),
                    "give each campaign its own id",
                );
            }
            let info = compile_campaign(
                &mut cx,
                &registry,
                &path,
                c,
                AdversaryIx(ai as u32),
                &in_scenario,
                &all_codes,
            );
            let cix = CampaignIx(registry.campaigns.len() as u32);
            registry.adversaries[ai].campaigns.push(cix);
            registry.campaigns.push(info);
        }
    }
    registry.campaign_by_id = registry
        .campaigns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.spec.id.clone(), CampaignIx(i as u32)))
        .collect();

    // Injects.
    let mut inject_ids = BTreeSet::new();
    for (i, inj) in spec.injects.iter().enumerate() {
        if !inject_ids.insert(inj.id.clone()) {
            cx.err(
                format!("injects[{i}].id"),
                format!("inject id `{}` is used twice", inj.id),
                "give each inject its own id",
            );
        }
    }
    let inject_ids: Vec<&str> = spec.injects.iter().map(|i| i.id.as_str()).collect();
    let module_ids: Vec<&str> = spec.modules.iter().map(|m| m.id.as_str()).collect();
    let team_ids: Vec<&str> = spec.teams.iter().map(|t| t.id.as_str()).collect();
    for (i, inj) in spec.injects.iter().enumerate() {
        let path = format!("injects[{i}]");
        let module = match &inj.module {
            None => None,
            Some(m) => match module_ids.iter().position(|x| x == m) {
                Some(k) => Some(ModuleIx(k as u32)),
                None => {
                    cx.err(
                        format!("{path}.module"),
                        format!("unknown module `{m}`"),
                        suggest_help(m, &module_ids, "name a module defined in `modules`"),
                    );
                    None
                }
            },
        };
        let trigger = match &inj.trigger {
            Trigger::At(t) => {
                if clock_ok {
                    cx.in_clock(format!("{path}.trigger"), *t, &clock);
                }
                ResolvedTrigger::At(clock.tick_clamped(*t))
            }
            Trigger::Manual => ResolvedTrigger::Manual,
            Trigger::When { condition, delay_h } => {
                match resolve_condition(&registry, condition, &inject_ids, &module_ids, 0) {
                    Ok(c) => ResolvedTrigger::When(c, *delay_h),
                    Err((m, h)) => {
                        cx.err(format!("{path}.trigger.condition"), m, h);
                        ResolvedTrigger::Manual
                    }
                }
            }
        };
        let mut teams = Vec::new();
        for (k, t) in inj.teams.iter().enumerate() {
            match registry.team_by_id.get(t) {
                Some(ix) => teams.push(*ix),
                None => cx.err(
                    format!("{path}.teams[{k}]"),
                    format!("unknown team `{t}`"),
                    suggest_help(t, &team_ids, "name a team defined in `teams`"),
                ),
            }
        }
        let mut effects = Vec::new();
        for (k, e) in inj.effects.iter().enumerate() {
            match resolve_effect(&registry, e) {
                Ok(r) => effects.push(r),
                Err(list) => {
                    for (sub, m, h) in list {
                        cx.err(format!("{path}.effects[{k}]{sub}"), m, h);
                    }
                }
            }
        }
        let cancel_if = match &inj.cancel_if {
            None => None,
            Some(c) => match resolve_condition(&registry, c, &inject_ids, &module_ids, 0) {
                Ok(c) => Some(c),
                Err((m, h)) => {
                    cx.err(format!("{path}.cancel_if"), m, h);
                    None
                }
            },
        };
        let mut per_team = Vec::new();
        for (t, text) in &inj.per_team {
            match registry.team_by_id.get(t) {
                Some(ix) => {
                    per_team.push((*ix, text.clone()));
                    if !teams.contains(ix) {
                        teams.push(*ix);
                    }
                }
                None => cx.err(
                    format!("{path}.per_team"),
                    format!("unknown team `{t}`"),
                    suggest_help(t, &team_ids, "name a team defined in `teams`"),
                ),
            }
        }
        per_team.sort_by_key(|(t, _)| *t);
        for (k, a) in inj.attachments.iter().enumerate() {
            if a.trim().is_empty() || a.contains('\0') {
                cx.err(
                    format!("{path}.attachments[{k}]"),
                    "an empty attachment path",
                    "write the path of a text or Markdown file, relative to the scenario file",
                );
            }
        }
        for (k, x) in inj.expected_actions.iter().enumerate() {
            let ExpectedAction::Command(p) = x else { continue };
            let apath = format!("{path}.expected_actions[{k}]");
            if !registry.team_by_id.contains_key(&p.team) {
                cx.err(
                    format!("{apath}.team"),
                    format!("unknown team `{}`", p.team),
                    suggest_help(&p.team, &team_ids, "name a team defined in `teams`"),
                );
            }
            if p.channel.is_some() && p.command != crate::command::CommandKind::ShareIndicator {
                cx.err(
                    format!("{apath}.channel"),
                    format!("only a shared indicator goes out on a channel, not `{}`", p.command.name()),
                    "remove `channel`, or expect `command: share_indicator`",
                );
            }
            if let Some(c) = &p.capability
                && !spec.evaluation.capabilities.iter().any(|x| &x.name == c)
            {
                let names: Vec<&str> = spec.evaluation.capabilities.iter().map(|x| x.name.as_str()).collect();
                cx.err(
                    format!("{apath}.capability"),
                    format!("unknown capability `{c}`"),
                    suggest_help(c, &names, "name a capability of `evaluation.capabilities`"),
                );
            }
            registry.tracks_commands = true;
        }
        if cancel_if.as_ref().is_some_and(reads_commands)
            || matches!(&trigger, ResolvedTrigger::When(c, _) if reads_commands(c))
        {
            registry.tracks_commands = true;
        }
        registry.injects.push(InjectInfo {
            spec: inj.clone(),
            trigger,
            module,
            teams,
            effects,
            cancel_if,
            per_team,
        });
    }
    registry.inject_by_id =
        registry.injects.iter().enumerate().map(|(i, j)| (j.spec.id.clone(), InjectIx(i as u32))).collect();

    let mut template_ids = BTreeSet::new();
    for (i, t) in spec.inject_templates.iter().enumerate() {
        let path = format!("inject_templates[{i}]");
        if !template_ids.insert(t.id.clone()) {
            cx.err(
                format!("{path}.id"),
                format!("template id `{}` is used twice", t.id),
                "give each template its own id",
            );
        }
        if t.cell == TeamRole::Player {
            cx.err(
                format!("{path}.cell"),
                "a template belongs to a cell, not a player team",
                "use `RedCell` or `WhiteCell`",
            );
        }
        for (k, e) in t.effects.iter().enumerate() {
            if let Err(list) = resolve_effect(&registry, e) {
                for (sub, m, h) in list {
                    cx.err(format!("{path}.effects[{k}]{sub}"), m, h);
                }
            }
        }
    }

    let measurable = crate::metrics::measurable_metrics();
    for (i, cap) in spec.evaluation.capabilities.iter().enumerate() {
        for (k, m) in cap.measures.iter().enumerate() {
            if !measurable.contains(&m.metric.as_str()) {
                let message = if crate::metrics::metric_def(&m.metric).is_some() {
                    format!("metric `{}` cannot be rated by a measure", m.metric)
                } else {
                    format!("unknown metric `{}`", m.metric)
                };
                cx.err(
                    format!("evaluation.capabilities[{i}].measures[{k}].metric"),
                    message,
                    suggest_help(
                        &m.metric,
                        &measurable,
                        "use a metric with yes in the measure column of docs/metrics.md",
                    ),
                );
            }
        }
    }

    if cx.problems.is_empty() { Ok(registry) } else { Err(cx.problems) }
}

fn actor_path(spec: &ScenarioSpec, id: &str, kind: ActorKind) -> String {
    match kind {
        ActorKind::Vendor => spec
            .vendors
            .iter()
            .position(|v| v.id == id)
            .map_or("vendors".into(), |i| format!("vendors[{i}].id")),
        ActorKind::Adversary => spec
            .adversaries
            .iter()
            .position(|v| v.id == id)
            .map_or("adversaries".into(), |i| format!("adversaries[{i}].id")),
        ActorKind::Local => match &spec.geography.jurisdictions {
            JurisdictionsSpec::Listed(l) => l
                .iter()
                .position(|j| j.id == id)
                .map_or("geography.jurisdictions".into(), |i| format!("geography.jurisdictions[{i}].id")),
            _ => "geography.jurisdictions".into(),
        },
        _ => "geography".into(),
    }
}

fn check_doctrine(cx: &mut Ctx, path: &str, d: &Doctrine) {
    for (name, v) in [
        ("report_h", d.report_h),
        ("confirm_h", d.confirm_h),
        ("relay_h", d.relay_h),
        ("harden_h", d.harden_h),
        ("respond_h", d.respond_h),
    ] {
        cx.non_negative(format!("{path}.{name}"), v);
    }
    if let Some(v) = d.statement_h {
        cx.non_negative(format!("{path}.statement_h"), v);
    }
    if let Some(v) = d.debunk_h {
        cx.non_negative(format!("{path}.debunk_h"), v);
    }
}

fn check_state_ref(cx: &mut Ctx, path: &str, code: &str, in_scenario: &BTreeSet<&str>, all: &[&str]) {
    if in_scenario.contains(code) {
        return;
    }
    if data::state(code).is_some() {
        cx.err(
            path,
            format!("state `{code}` is not in `geography.states`"),
            format!("add \"{code}\" to `geography.states`, or remove it here"),
        );
    } else {
        cx.err(
            path,
            format!("unknown state code `{code}`"),
            suggest_help(code, all, "use a USPS postal code such as \"PA\""),
        );
    }
}

fn check_selector(
    cx: &mut Ctx,
    reg: &Registry,
    path: &str,
    sel: &AssetSelector,
    in_scenario: &BTreeSet<&str>,
    all: &[&str],
) {
    for (k, s) in sel.states.iter().enumerate() {
        check_state_ref(cx, &format!("{path}.states[{k}]"), s, in_scenario, all);
    }
    let ids: Vec<&str> = reg
        .actors
        .iter()
        .filter(|a| matches!(a.kind, ActorKind::Local | ActorKind::StateOffice))
        .map(|a| a.id.as_str())
        .collect();
    for (k, j) in sel.jurisdictions.iter().enumerate() {
        if reg.jurisdiction(j).is_none() {
            cx.err(
                format!("{path}.jurisdictions[{k}]"),
                format!("unknown jurisdiction `{j}`"),
                suggest_help(j, &ids, "name a jurisdiction of the geography (or a state's postal code)"),
            );
        }
    }
}

fn compile_campaign(
    cx: &mut Ctx,
    reg: &Registry,
    path: &str,
    c: &CampaignSpec,
    adversary: AdversaryIx,
    in_scenario: &BTreeSet<&str>,
    all: &[&str],
) -> CampaignInfo {
    let clock = reg.clock;
    if let Some(t) = c.start {
        cx.in_clock(format!("{path}.start"), t, &clock);
    }
    if let Some(t) = c.until {
        cx.in_clock(format!("{path}.until"), t, &clock);
    }
    {
        let (name, v) = ("altered_share", c.altered_share);
        cx.prob(format!("{path}.{name}"), v);
    }
    cx.non_negative(format!("{path}.surge_intensity"), c.surge_intensity);
    cx.non_negative(format!("{path}.amplification"), c.amplification);
    if c.tempo_h == 0 {
        cx.err(format!("{path}.tempo_h"), "zero hours between actions", "use 1 or more hours");
    }
    if c.max_attempts == 0 {
        cx.err(
            format!("{path}.max_attempts"),
            "a campaign that never attempts access",
            "use 1 or more attempts",
        );
    }
    if c.technique.is_none() && c.objective != Objective::Influence {
        cx.err(
            format!("{path}.technique"),
            format!("a campaign that attacks assets (objective `{:?}`) needs a technique", c.objective),
            "add `technique: Phishing` (or ExploitPublicFacing, CredentialStuffing, VendorCompromise, DenialOfService); only `objective: Influence` may leave it out",
        );
    }
    if c.objective == Objective::Influence && c.surge_every_h == 0 {
        cx.err(format!("{path}.surge_every_h"), "zero hours between surges", "use 1 or more hours");
    }
    let mut candidates = Vec::new();
    match (&c.targets, c.objective) {
        (None, Objective::Influence) => {}
        (Some(_), Objective::Influence) => cx.err(
            format!("{path}.targets"),
            "influence campaigns target the public, not assets",
            "remove `targets`, or give the campaign another objective",
        ),
        (None, _) => cx.err(
            format!("{path}.targets"),
            "the campaign has no targets",
            "add `targets: (kinds: [OfficeIt], count: 5)` or similar",
        ),
        (Some(t), _) => {
            if t.kinds.is_empty() {
                cx.err(
                    format!("{path}.targets.kinds"),
                    "no asset kinds to target",
                    "list kinds, e.g. `[VoterRegistration]`",
                );
            }
            let sel = AssetSelector {
                kinds: t.kinds.clone(),
                states: t.states.clone(),
                jurisdictions: t.jurisdictions.clone(),
                count: 0,
            };
            check_selector(cx, reg, &format!("{path}.targets"), &sel, in_scenario, all);
            candidates = reg.select_assets(&sel);
            if c.technique == Some(Technique::VendorCompromise)
                && let Some(v) = c.vendor.as_ref().and_then(|v| reg.actor_by_id.get(v))
            {
                candidates.retain(|a| reg.assets[a.ix()].vendor == Some(*v));
            }
            if candidates.is_empty() && !t.kinds.is_empty() {
                cx.err(
                    format!("{path}.targets"),
                    "the targets match no asset in the scenario",
                    "widen `kinds`, `states` or `jurisdictions` (state offices own VoterRegistration; locals own Pollbook, VotingEquipment, Tabulation, ResultsWebsite, OfficeIt; for vendor compromise, the vendor must supply these kinds)",
                );
            }
        }
    }
    let mut vendor_channel = None;
    match (c.technique, &c.vendor) {
        (Some(Technique::VendorCompromise), None) => cx.err(
            format!("{path}.vendor"),
            "vendor compromise needs a vendor",
            "add `vendor: \"<vendor id>\"` naming a vendor from `vendors`",
        ),
        (_, Some(v)) => match reg.actor_by_id.get(v).filter(|a| reg.actors[a.ix()].kind == ActorKind::Vendor)
        {
            Some(a) => vendor_channel = reg.actors[a.ix()].assets.first().copied(),
            None => {
                let ids: Vec<&str> = reg.vendors.iter().map(|a| reg.actors[a.ix()].id.as_str()).collect();
                cx.err(
                    format!("{path}.vendor"),
                    format!("unknown vendor `{v}`"),
                    suggest_help(v, &ids, "name a vendor from `vendors`"),
                );
            }
        },
        _ => {}
    }
    CampaignInfo {
        spec: c.clone(),
        adversary,
        candidates,
        vendor_channel,
        start: c.start.map(|t| clock.tick_clamped(t)),
        until: c.until.map_or(clock.last_tick(), |t| clock.tick_clamped(t)),
    }
}

/// Resolves an actor selector to actors, or says what is wrong.
pub fn resolve_sel(reg: &Registry, sel: &ActorSel) -> Result<Vec<ActorIx>, (String, String)> {
    let f = &reg.federal;
    let by_kind = |id: &str, kind: ActorKind, what: &str| -> Result<Vec<ActorIx>, (String, String)> {
        match reg.actor_by_id.get(id).filter(|a| reg.actors[a.ix()].kind == kind) {
            Some(a) => Ok(vec![*a]),
            None => {
                let ids: Vec<&str> =
                    reg.actors.iter().filter(|a| a.kind == kind).map(|a| a.id.as_str()).collect();
                Err((
                    format!("unknown {what} `{id}`"),
                    suggest_help(id, &ids, &format!("name a {what} of this scenario")),
                ))
            }
        }
    };
    Ok(match sel {
        ActorSel::Dhs => vec![f.dhs],
        ActorSel::Odni => vec![f.odni],
        ActorSel::Fbi => vec![f.fbi],
        ActorSel::Doj => vec![f.doj],
        ActorSel::Treasury => vec![f.treasury],
        ActorSel::StateDept => vec![f.state_dept],
        ActorSel::EiIsac => vec![f.eiisac],
        ActorSel::Public => vec![f.public],
        ActorSel::StateOffice(p) => match reg.state_by_postal.get(p) {
            Some(s) => vec![reg.states[s.ix()].office],
            None => return Err(state_problem(p)),
        },
        ActorSel::LocalsOf(p) => match reg.state_by_postal.get(p) {
            Some(s) => reg.states[s.ix()].locals.clone(),
            None => return Err(state_problem(p)),
        },
        ActorSel::Local(id) => return by_kind(id, ActorKind::Local, "local jurisdiction"),
        ActorSel::Vendor(id) => return by_kind(id, ActorKind::Vendor, "vendor"),
        ActorSel::Adversary(id) => return by_kind(id, ActorKind::Adversary, "adversary"),
    })
}

fn state_problem(p: &str) -> (String, String) {
    if data::state(p).is_some() {
        (format!("state `{p}` is not in `geography.states`"), format!("add \"{p}\" to `geography.states`"))
    } else {
        let all: Vec<&str> = data::states().iter().map(|s| s.postal.as_str()).collect();
        (format!("unknown state code `{p}`"), suggest_help(p, &all, "use a USPS postal code such as \"PA\""))
    }
}

/// Whether a condition reads the commands given.
fn reads_commands(c: &ResolvedCondition) -> bool {
    match c {
        ResolvedCondition::Issued { .. } => true,
        ResolvedCondition::All(v) | ResolvedCondition::Any(v) => v.iter().any(reads_commands),
        ResolvedCondition::Not(c) => reads_commands(c),
        _ => false,
    }
}

fn resolve_condition(
    reg: &Registry,
    c: &Condition,
    inject_ids: &[&str],
    module_ids: &[&str],
    depth: usize,
) -> Result<ResolvedCondition, (String, String)> {
    let camp = |id: &str| -> Result<CampaignIx, (String, String)> { find_campaign(reg, id) };
    let sub = |c: &Condition| resolve_condition(reg, c, inject_ids, module_ids, depth + 1);
    let tick = |t: &ETime| -> Result<Tick, (String, String)> {
        if *t < reg.clock.start || *t > reg.clock.end {
            return Err((
                format!("{t} is outside the clock ({} to {})", reg.clock.start, reg.clock.end),
                "give a time inside `clock`".into(),
            ));
        }
        Ok(reg.clock.tick_clamped(*t))
    };
    Ok(match c {
        Condition::Issued(p) => {
            let Some(team) = reg.team_by_id.get(&p.team) else {
                let ids: Vec<&str> = reg.teams.iter().map(|t| t.id.as_str()).collect();
                return Err((
                    format!("unknown team `{}`", p.team),
                    suggest_help(&p.team, &ids, "name a team defined in `teams`"),
                ));
            };
            ResolvedCondition::Issued { team: *team, kind: p.command, target: p.target.clone() }
        }
        Condition::Holds { actor, campaign } => {
            let actors = resolve_sel(reg, actor)?;
            ResolvedCondition::Holds(actors, camp(campaign)?)
        }
        Condition::Asset(id, state) => match reg.asset_by_id.get(id) {
            Some(a) => ResolvedCondition::Asset(*a, *state),
            None => {
                let ids: Vec<&str> = reg.asset_by_id.keys().map(String::as_str).collect();
                return Err((
                    format!("unknown asset `{id}`"),
                    suggest_help(id, &ids, "name an asset as `<owner id>/<kind>`, e.g. \"PA/vr\""),
                ));
            }
        },
        Condition::MetricAbove(name, v) | Condition::MetricBelow(name, v) => {
            let Some((_, m)) = LiveMetric::ALL.iter().find(|(n, _)| n == name) else {
                let names: Vec<&str> = LiveMetric::ALL.iter().map(|(n, _)| *n).collect();
                return Err((
                    format!("metric `{name}` cannot be read while the exercise runs"),
                    format!("use one of: {}", names.join(", ")),
                ));
            };
            if v.is_nan() {
                return Err(("the value is not a number".into(), "write a number".into()));
            }
            ResolvedCondition::Metric(*m, matches!(c, Condition::MetricAbove(..)), *v)
        }
        Condition::All(v) | Condition::Any(v) => {
            if depth > 16 {
                return Err(("conditions nested too deep".into(), "nest at most 16 levels".into()));
            }
            let list = v.iter().map(sub).collect::<Result<Vec<_>, _>>()?;
            if matches!(c, Condition::All(_)) {
                ResolvedCondition::All(list)
            } else {
                ResolvedCondition::Any(list)
            }
        }
        Condition::Not(x) => {
            if depth > 16 {
                return Err(("conditions nested too deep".into(), "nest at most 16 levels".into()));
            }
            ResolvedCondition::Not(Box::new(sub(x)?))
        }
        Condition::Before(t) => ResolvedCondition::Before(tick(t)?),
        Condition::After(t) => ResolvedCondition::After(tick(t)?),
        Condition::CampaignStarted(id) => ResolvedCondition::CampaignStarted(camp(id)?),
        Condition::CampaignDetected(id) => ResolvedCondition::CampaignDetected(camp(id)?),
        Condition::CampaignSucceeded(id) => ResolvedCondition::CampaignSucceeded(camp(id)?),
        Condition::AssetDown(k) => ResolvedCondition::AssetDown(*k),
        Condition::ConfidenceBelow(v) => {
            if !(0.0..=100.0).contains(v) {
                return Err((format!("{v} is not a confidence level"), "use a number from 0 to 100".into()));
            }
            ResolvedCondition::ConfidenceBelow(*v)
        }
        Condition::InjectFired(id) => match inject_ids.iter().position(|x| x == id) {
            Some(i) => ResolvedCondition::InjectFired(InjectIx(i as u32)),
            None => {
                return Err((
                    format!("unknown inject `{id}`"),
                    suggest_help(id, inject_ids, "name an inject of this scenario"),
                ));
            }
        },
        Condition::ModuleStarted(id) => match module_ids.iter().position(|x| x == id) {
            Some(i) => ResolvedCondition::ModuleStarted(ModuleIx(i as u32)),
            None => {
                return Err((
                    format!("unknown module `{id}`"),
                    suggest_help(id, module_ids, "name a module of this scenario"),
                ));
            }
        },
    })
}

fn find_campaign(reg: &Registry, id: &str) -> Result<CampaignIx, (String, String)> {
    match reg.campaigns.iter().position(|c| c.spec.id == id) {
        Some(i) => Ok(CampaignIx(i as u32)),
        None => {
            let ids: Vec<&str> = reg.campaigns.iter().map(|c| c.spec.id.as_str()).collect();
            Err((
                format!("unknown campaign `{id}`"),
                suggest_help(id, &ids, "name a campaign defined under `adversaries`"),
            ))
        }
    }
}

type EffectProblems = Vec<(String, String, String)>;

/// One actor of the allowed kinds, for an effect's `by`.
fn one_actor(reg: &Registry, sel: &ActorSel, kinds: &[ActorKind]) -> Result<ActorIx, EffectProblems> {
    let v = resolve_sel(reg, sel).map_err(|(m, h)| vec![(".by".to_string(), m, h)])?;
    let [a] = v.as_slice() else {
        return Err(vec![(
            ".by".into(),
            "this names more than one actor".into(),
            "name a single actor, e.g. `Fbi` or `StateOffice(\"PA\")`".into(),
        )]);
    };
    if !kinds.contains(&reg.actor(*a).kind) {
        let names: Vec<String> = kinds.iter().map(|k| format!("{k:?}")).collect();
        return Err(vec![(
            ".by".into(),
            format!("`{}` cannot do this", reg.actor(*a).id),
            format!("name an actor of these kinds: {}", names.join(", ")),
        )]);
    }
    Ok(*a)
}

/// An adversary by id, for an effect.
fn adversary_ix(reg: &Registry, id: &str) -> Result<AdversaryIx, EffectProblems> {
    reg.adversary_by_id.get(id).copied().ok_or_else(|| {
        let ids: Vec<&str> = reg.adversaries.iter().map(|a| a.id.as_str()).collect();
        vec![(
            ".adversary".into(),
            format!("unknown adversary `{id}`"),
            suggest_help(id, &ids, "name an adversary of this scenario"),
        )]
    })
}

/// Resolves an inject effect against a registry (also used for ad-hoc injects during play).
pub fn resolve_effect(reg: &Registry, e: &Effect) -> Result<ResolvedEffect, EffectProblems> {
    let mut problems: EffectProblems = Vec::new();
    let in_scenario: BTreeSet<&str> = reg.states.iter().map(|s| s.postal.as_str()).collect();
    let all: Vec<&str> = data::states().iter().map(|s| s.postal.as_str()).collect();
    let select = |sel: &AssetSelector, problems: &mut EffectProblems| -> Vec<AssetIx> {
        let mut cx = Ctx { problems: vec![] };
        check_selector(&mut cx, reg, ".target", sel, &in_scenario, &all);
        for p in cx.problems {
            problems.push((p.path, p.message, p.help.unwrap_or_default()));
        }
        let c = reg.select_assets(sel);
        if c.is_empty() && problems.is_empty() {
            problems.push((
                ".target".into(),
                "the selection matches no asset".into(),
                "widen `kinds`, `states` or `jurisdictions`".into(),
            ));
        }
        c
    };
    let r = match e {
        Effect::StartCampaign(id) | Effect::StopCampaign(id) => match find_campaign(reg, id) {
            Ok(c) => {
                if matches!(e, Effect::StartCampaign(_)) {
                    ResolvedEffect::StartCampaign(c)
                } else {
                    ResolvedEffect::StopCampaign(c)
                }
            }
            Err((m, h)) => return Err(vec![(String::new(), m, h)]),
        },
        Effect::Outage { target, hours, degraded_only } => {
            if *hours == 0 {
                problems.push((
                    ".hours".into(),
                    "an outage of zero hours".into(),
                    "use 1 or more hours".into(),
                ));
            }
            let candidates = select(target, &mut problems);
            ResolvedEffect::Outage {
                candidates,
                count: target.count,
                hours: *hours,
                degraded_only: *degraded_only,
            }
        }
        Effect::Compromise { campaign, target } => {
            let c = match find_campaign(reg, campaign) {
                Ok(c) => Some(c),
                Err((m, h)) => {
                    problems.push((".campaign".into(), m, h));
                    None
                }
            };
            let candidates = select(target, &mut problems);
            if let Some(c) = c {
                if reg.campaign(c).spec.objective == Objective::Influence {
                    problems.push((
                        ".campaign".into(),
                        "an influence campaign does not compromise assets".into(),
                        "name an intrusion campaign".into(),
                    ));
                }
                ResolvedEffect::Compromise { campaign: c, candidates, count: target.count }
            } else {
                ResolvedEffect::News(String::new())
            }
        }
        Effect::Disinformation { intensity, about } => {
            if *intensity < 0.0 || intensity.is_nan() {
                problems.push((
                    ".intensity".into(),
                    "a negative intensity".into(),
                    "use 0 or more confidence points".into(),
                ));
            }
            ResolvedEffect::Disinformation { intensity: *intensity, about: about.clone() }
        }
        Effect::Leak { adversary, severity, about } => match reg.adversary_by_id.get(adversary) {
            Some(a) => {
                if *severity < 0.0 || severity.is_nan() {
                    problems.push((
                        ".severity".into(),
                        "a negative severity".into(),
                        "use 0 or more confidence points".into(),
                    ));
                }
                ResolvedEffect::Leak { adversary: *a, severity: *severity, about: about.clone() }
            }
            None => {
                let ids: Vec<&str> = reg.adversaries.iter().map(|a| a.id.as_str()).collect();
                return Err(vec![(
                    ".adversary".into(),
                    format!("unknown adversary `{adversary}`"),
                    suggest_help(adversary, &ids, "name an adversary of this scenario"),
                )]);
            }
        },
        Effect::Notify { campaign, from, to } => {
            let c = find_campaign(reg, campaign).map_err(|(m, h)| vec![(".campaign".to_string(), m, h)])?;
            let from = match resolve_sel(reg, from) {
                Ok(v) if v.len() == 1 => v[0],
                Ok(_) => {
                    return Err(vec![(
                        ".from".into(),
                        "the sender must be one actor".into(),
                        "name a single actor, e.g. `Fbi` or `StateOffice(\"PA\")`".into(),
                    )]);
                }
                Err((m, h)) => return Err(vec![(".from".into(), m, h)]),
            };
            let mut list = Vec::new();
            for (k, s) in to.iter().enumerate() {
                match resolve_sel(reg, s) {
                    Ok(v) => list.extend(v),
                    Err((m, h)) => problems.push((format!(".to[{k}]"), m, h)),
                }
            }
            if to.is_empty() {
                problems.push((
                    ".to".into(),
                    "nobody receives the indicator".into(),
                    "list receivers, e.g. `[StateOffice(\"PA\")]`".into(),
                ));
            }
            list.sort();
            list.dedup();
            ResolvedEffect::Notify { campaign: c, from, to: list }
        }
        Effect::Attribute { by, adversary } => {
            let by = one_actor(reg, by, &[ActorKind::Odni, ActorKind::Fbi, ActorKind::Dhs])?;
            let adversary = adversary_ix(reg, adversary)?;
            ResolvedEffect::Attribute { by, adversary }
        }
        Effect::Statement { by, statement } => {
            let by = one_actor(
                reg,
                by,
                &[ActorKind::Dhs, ActorKind::Fbi, ActorKind::Odni, ActorKind::StateOffice, ActorKind::Local],
            )?;
            ResolvedEffect::Statement { by, statement: *statement }
        }
        Effect::Evidence { adversary, amount } => {
            let adversary = adversary_ix(reg, adversary)?;
            if !(amount.is_finite() && *amount >= 0.0) {
                problems.push((
                    ".amount".into(),
                    format!("{amount} is not an amount of evidence"),
                    "use 0 or more (compare `eo13848.evidence_needed`)".into(),
                ));
            }
            ResolvedEffect::Evidence { adversary, amount: *amount }
        }
        Effect::Posture { target, set } => {
            let candidates = select(target, &mut problems);
            ResolvedEffect::Posture { candidates, count: target.count, set: *set }
        }
        Effect::News(t) => ResolvedEffect::News(t.clone()),
        Effect::Message(t) => ResolvedEffect::Message(t.clone()),
        Effect::Confidence(v) => {
            if v.is_nan() || v.abs() > 100.0 {
                problems.push((
                    String::new(),
                    format!("{v} is not a confidence change"),
                    "use a number of points from -100 to 100".into(),
                ));
            }
            ResolvedEffect::Confidence(*v)
        }
    };
    if problems.is_empty() { Ok(r) } else { Err(problems) }
}

/// How many "did you mean" suggestions one compilation computes at most.
///
/// Each compares a word against every candidate (thousands of jurisdictions in
/// a national scenario), and only the first problems are shown: past this
/// many, problems get their plain help, so a file of ten thousand unknown ids
/// is still checked in a moment.
pub const MAX_SUGGESTIONS: usize = 100;

thread_local! {
    /// Suggestions left in the compilation running on this thread (reset by [`compile`]).
    static SUGGESTIONS_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(MAX_SUGGESTIONS) };
}

fn suggest_help(word: &str, candidates: &[&str], fallback: &str) -> String {
    let left = SUGGESTIONS_LEFT.with(|l| l.get());
    if left == 0 {
        return fallback.to_string();
    }
    SUGGESTIONS_LEFT.with(|l| l.set(left - 1));
    match suggest(word, candidates) {
        Some(s) => format!("did you mean \"{s}\"? ({fallback})"),
        None => fallback.to_string(),
    }
}

/// Splits `total` into integer parts proportional to `weights` (largest remainder), summing exactly to `total`.
pub fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    if weights.is_empty() {
        return vec![];
    }
    let sum: f64 = weights.iter().sum();
    let raw: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut parts: Vec<u64> = raw.iter().map(|r| r.floor() as u64).collect();
    let assigned: u64 = parts.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| (raw[b] - raw[b].floor()).total_cmp(&(raw[a] - raw[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().take(total.saturating_sub(assigned) as usize) {
        parts[i] += 1;
    }
    parts
}

/// The tick at which something `hours` after `from` happens, if inside the clock.
pub fn after(from: Tick, hours: f64, clock: &Clock) -> Option<Tick> {
    let h = hours.max(0.0).ceil() as u64;
    let t = u64::from(from.0) + h;
    if t <= u64::from(clock.last_tick().0) { Some(Tick(t as u32)) } else { None }
}

#[cfg(test)]
mod tests {

    #[test]
    fn suggestions_are_bounded_per_compilation() {
        let src = include_str!("../../../scenarios/tabletop_the_vote.ron").replace(
            r#"states: Only(["PA", "GA", "WI"]),"#,
            &format!("states: Only([\"PA\", \"GA\", \"WI\", {}]),", "\"PX\", ".repeat(300)),
        );
        let spec = crate::scenario::parse_spec("t.ron", &src).unwrap();
        for _ in 0..2 {
            // The budget starts afresh with each compilation.
            let problems = compile(&spec).unwrap_err();
            let unknown = problems.iter().filter(|p| p.message.contains("unknown state code")).count();
            let suggested = problems
                .iter()
                .filter(|p| p.help.as_deref().is_some_and(|h| h.contains("did you mean")))
                .count();
            assert_eq!(unknown, 300);
            assert_eq!(suggested, MAX_SUGGESTIONS);
        }
    }
    use super::*;

    #[test]
    fn a_measure_names_a_measurable_metric() {
        let base = include_str!("../../../scenarios/county_ransomware.ron");
        let with = |metric: &str| {
            let src = format!(
                "{}evaluation: (capabilities: [(name: \"C\", measures: [(metric: \"{metric}\", without_challenges: 1, some_challenges: 2, major_challenges: 3)])]),\n)\n",
                base.trim_end().strip_suffix(')').expect("a scenario ends with `)`")
            );
            let spec = crate::scenario::parse_spec("t.ron", &src).expect("parses");
            compile(&spec).err().unwrap_or_default()
        };
        assert!(with("voters_affected").is_empty());
        let p = with("voters_affectd");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].message, "unknown metric `voters_affectd`");
        assert!(
            p[0].help.as_deref().is_some_and(|h| h.contains("did you mean \"voters_affected\"")),
            "{p:?}"
        );
        let p = with("registrations_lost");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].message, "metric `registrations_lost` cannot be rated by a measure");
        assert!(
            p[0].help.as_deref().is_some_and(|h| h.contains("measure column of docs/metrics.md")),
            "{p:?}"
        );
    }

    #[test]
    fn apportion_sums_exactly() {
        let w: Vec<f64> = (0..7).map(|k| 1.0 / (k as f64 + 1.0)).collect();
        let parts = apportion(1_000_003, &w);
        assert_eq!(parts.iter().sum::<u64>(), 1_000_003);
        assert!(parts[0] > parts[6]);
    }
}
