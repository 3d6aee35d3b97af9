//! Compiler sections for who takes part: the states and their election
//! offices, the local jurisdictions (with their share of registered voters),
//! vendors and adversaries, and the check that every actor id is unique.

use std::collections::{BTreeMap, BTreeSet};

use super::{Builder, apportion, suggest_help, unique_index};
use crate::data;
use crate::model::registry::*;
use crate::scenario::schema::*;

/// A local jurisdiction before voters are split and it becomes an actor.
struct LocalDraft {
    id: String,
    name: String,
    state: StateIx,
    voters: Option<u64>,
    isac: Option<bool>,
}

impl Builder<'_> {
    /// The states taking part, and their election offices.
    pub(super) fn states(&mut self) {
        let mut chosen: Vec<&'static data::StateRecord> = Vec::new();
        match &self.spec.geography.states {
            StateSelection::All => chosen.extend(data::states().iter()),
            StateSelection::Only(codes) => {
                if codes.is_empty() {
                    self.cx.err(
                        "geography.states",
                        "the geography is empty: no states are listed",
                        "list at least one state by postal code, e.g. `Only([\"PA\"])`, or use `All`",
                    );
                }
                for (i, code) in codes.iter().enumerate() {
                    match data::state(code) {
                        Some(rec) if chosen.iter().any(|c| c.postal == rec.postal) => self.cx.err(
                            format!("geography.states[{i}]"),
                            format!("state `{code}` is listed twice"),
                            "list each state once",
                        ),
                        Some(rec) => chosen.push(rec),
                        None => self.cx.err(
                            format!("geography.states[{i}]"),
                            format!("unknown state code `{code}`"),
                            suggest_help(code, &self.all_codes, "use a USPS postal code such as \"PA\""),
                        ),
                    }
                }
            }
        }
        chosen.sort_by(|a, b| a.postal.cmp(&b.postal));
        self.in_scenario = chosen.iter().map(|s| s.postal.as_str()).collect();
        for rec in &chosen {
            let office =
                self.push_actor(&rec.postal, format!("{} election office", rec.name), ActorKind::StateOffice);
            let state = StateIx(self.reg.states.len() as u32);
            let actor = &mut self.reg.actors[office.ix()];
            actor.state = Some(state);
            actor.voters = rec.registered_voters;
            self.reg.states.push(StateInfo {
                postal: rec.postal.clone(),
                name: rec.name.clone(),
                office,
                locals: vec![],
                voters: rec.registered_voters,
                map_row: rec.map_row,
                map_col: rec.map_col,
            });
        }
        self.chosen = chosen;
    }

    /// The local jurisdictions: generated from the state data or listed, in
    /// canonical order (by state, then id), with registered voters split.
    pub(super) fn jurisdictions(&mut self) {
        let mut locals = match &self.spec.geography.jurisdictions {
            JurisdictionsSpec::FromData => self.generated_locals(None),
            JurisdictionsSpec::Generated { per_state } => {
                if *per_state == 0 {
                    self.cx.err(
                        "geography.jurisdictions.per_state",
                        "zero jurisdictions per state",
                        "use at least 1, or `FromData` for every jurisdiction",
                    );
                }
                self.generated_locals(Some(*per_state))
            }
            JurisdictionsSpec::Listed(list) => self.listed_locals(list),
        };
        locals.sort_by(|a, b| a.state.cmp(&b.state).then_with(|| a.id.cmp(&b.id)));
        self.split_voters(&mut locals);
        self.reg.actors.reserve(locals.len());
        for l in locals {
            let a = self.push_actor(l.id, l.name, ActorKind::Local);
            let actor = &mut self.reg.actors[a.ix()];
            actor.state = Some(l.state);
            actor.voters = l.voters.unwrap_or(0);
            actor.isac_listed = l.isac;
            self.reg.states[l.state.ix()].locals.push(a);
        }
    }

    /// Every state's jurisdictions from the data, at most `cap` per state.
    fn generated_locals(&self, cap: Option<u32>) -> Vec<LocalDraft> {
        let mut locals = Vec::new();
        for (si, rec) in self.chosen.iter().enumerate() {
            let n = cap.map_or(rec.local_election_jurisdictions, |c| c.min(rec.local_election_jurisdictions));
            let width = if n >= 1000 { 4 } else { 3 };
            locals.reserve(n as usize);
            for k in 1..=n {
                locals.push(LocalDraft {
                    id: numbered(&rec.postal, "-", k, width),
                    name: numbered(&rec.name, " jurisdiction ", k, 0),
                    state: StateIx(si as u32),
                    voters: None,
                    isac: None,
                });
            }
        }
        locals
    }

    /// The jurisdictions the scenario lists.
    fn listed_locals(&mut self, list: &[JurisdictionSpec]) -> Vec<LocalDraft> {
        if list.is_empty() {
            self.cx.err(
                "geography.jurisdictions",
                "the geography is empty: no jurisdictions are listed",
                "list at least one jurisdiction, or use `Generated(per_state: 3)`",
            );
        }
        let mut locals = Vec::new();
        for (i, j) in list.iter().enumerate() {
            let path = format!("geography.jurisdictions[{i}]");
            if j.id.trim().is_empty() {
                self.cx.err(
                    format!("{path}.id"),
                    "empty jurisdiction id",
                    "give it a short id such as \"harbor\"",
                );
            }
            match self.reg.states.iter().position(|s| s.postal == j.state) {
                Some(s) => locals.push(LocalDraft {
                    id: j.id.clone(),
                    name: j.name.clone(),
                    state: StateIx(s as u32),
                    voters: j.voters,
                    isac: j.isac_member,
                }),
                None if data::state(&j.state).is_some() => self.cx.err(
                    format!("{path}.state"),
                    format!("state `{}` is not in `geography.states`", j.state),
                    format!(
                        "add \"{}\" to `geography.states`, or move the jurisdiction to a listed state",
                        j.state
                    ),
                ),
                None => self.cx.err(
                    format!("{path}.state"),
                    format!("unknown state code `{}`", j.state),
                    suggest_help(&j.state, &self.all_codes, "use a USPS postal code such as \"PA\""),
                ),
            }
        }
        locals
    }

    /// Splits each state's registered voters: listed figures first, the rest
    /// by a Zipf-like weight. `locals` are in state order.
    fn split_voters(&self, locals: &mut [LocalDraft]) {
        for group in locals.chunk_by_mut(|a, b| a.state == b.state) {
            let st = &self.reg.states[group[0].state.ix()];
            let listed: u64 = group.iter().filter_map(|l| l.voters).sum();
            let rest: Vec<usize> = (0..group.len()).filter(|&i| group[i].voters.is_none()).collect();
            let remaining = st.voters.saturating_sub(listed);
            let weights: Vec<f64> = (0..rest.len()).map(|k| 1.0 / (k as f64 + 1.0)).collect();
            for (k, v) in apportion(remaining, &weights).into_iter().enumerate() {
                group[rest[k]].voters = Some(v);
            }
        }
    }

    /// The vendors.
    pub(super) fn vendors(&mut self) {
        let mut vendor_ids = BTreeSet::new();
        for (i, v) in self.spec.vendors.iter().enumerate() {
            if !vendor_ids.insert(v.id.clone()) {
                self.cx.err(
                    format!("vendors[{i}].id"),
                    format!("vendor id `{}` is used twice", v.id),
                    "give each vendor its own id",
                );
            }
            self.cx.prob(format!("vendors[{i}].market_share"), v.market_share);
            if v.kinds.is_empty() {
                self.cx.err(
                    format!("vendors[{i}].kinds"),
                    "the vendor supplies nothing",
                    "list the asset kinds it supplies, e.g. `[Pollbook]`",
                );
            }
            for (k, p) in v.states.iter().enumerate() {
                self.check_state_ref(&format!("vendors[{i}].states[{k}]"), p);
            }
            let actor = self.push_actor(&v.id, &v.name, ActorKind::Vendor);
            self.reg.vendors.push(actor);
        }
    }

    /// The adversaries (their campaigns come later, once assets exist).
    pub(super) fn adversaries(&mut self) {
        let spec = self.spec;
        let mut adv_ids = BTreeSet::new();
        for (i, a) in spec.adversaries.iter().enumerate() {
            if !adv_ids.insert(a.id.clone()) {
                self.cx.err(
                    format!("adversaries[{i}].id"),
                    format!("adversary id `{}` is used twice", a.id),
                    "give each adversary its own id",
                );
            }
            self.cx.prob(format!("adversaries[{i}].skill"), a.skill);
            self.cx.prob(format!("adversaries[{i}].stealth"), a.stealth);
            self.cx.prob(format!("adversaries[{i}].intel_coverage"), a.intel_coverage);
            self.cx.prob(format!("adversaries[{i}].false_flag_share"), a.false_flag_share);
            self.cx.non_negative(format!("adversaries[{i}].intel_delay_h"), a.intel_delay_h);
            let actor = self.push_actor(&a.id, &a.name, ActorKind::Adversary);
            self.reg.adversaries.push(AdversaryInfo {
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
            let Some(ff) = &a.false_flag else { continue };
            match spec.adversaries.iter().position(|b| &b.id == ff) {
                Some(j) if j != i => self.reg.adversaries[i].false_flag = Some(AdversaryIx(j as u32)),
                Some(_) => self.cx.err(
                    format!("adversaries[{i}].false_flag"),
                    "an adversary cannot imitate itself",
                    "name another adversary, or remove `false_flag`",
                ),
                None => self.cx.err(
                    format!("adversaries[{i}].false_flag"),
                    format!("unknown adversary `{ff}`"),
                    suggest_help(ff, &adv_codes, "name an adversary defined in `adversaries`"),
                ),
            }
        }
    }

    /// Every actor's id is its own; builds the lookup by id.
    pub(super) fn unique_actor_ids(&mut self) {
        if let Some(index) = unique_index(self.reg.actors.iter().map(|a| a.id.as_str())) {
            self.reg.actor_by_id = index.into_iter().map(|(id, i)| (id.to_string(), ActorIx(i))).collect();
            return;
        }
        let mut actor_by_id = BTreeMap::new();
        for (i, a) in self.reg.actors.iter().enumerate() {
            if actor_by_id.insert(a.id.clone(), ActorIx(i as u32)).is_some() {
                self.cx.err(
                    actor_path(self.spec, &a.id, a.kind),
                    format!("id `{}` is used by more than one actor", a.id),
                    "every jurisdiction, vendor and adversary needs an id of its own (state offices use their postal code; federal actors use dhs, odni, fbi, doj, treasury, state_dept, eiisac, public)",
                );
            }
        }
        self.reg.actor_by_id = actor_by_id;
    }
}

/// `{prefix}{sep}{k}` with `k` zero-padded to `width` digits, as `format!("{prefix}{sep}{k:0width$}")`
/// writes it, without the formatting machinery (a national scenario names thousands this way).
fn numbered(prefix: &str, sep: &str, k: u32, width: usize) -> String {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut rest = k;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    while digits.len() - at < width && at > 0 {
        at -= 1;
        digits[at] = b'0';
    }
    let mut s = String::with_capacity(prefix.len() + sep.len() + digits.len() - at);
    s.push_str(prefix);
    s.push_str(sep);
    for &d in &digits[at..] {
        s.push(char::from(d));
    }
    s
}

/// Where in the file an actor's id is written.
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

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn numbered_ids_are_written_as_format_writes_them() {
        for (k, width) in
            [(1, 3), (7, 3), (42, 3), (999, 3), (1000, 3), (12, 4), (1234, 4), (5, 0), (4_000_000_000, 3)]
        {
            assert_eq!(numbered("PA", "-", k, width), format!("PA-{k:0width$}"));
        }
        assert_eq!(numbered("Maine", " jurisdiction ", 17, 0), "Maine jurisdiction 17");
    }
}
