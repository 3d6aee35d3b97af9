//! Compiler sections for who decides what: the teams and the actors each
//! controls, the doctrines of the actors nobody plays, and actor selectors
//! (`Fbi`, `StateOffice("PA")`, `LocalsOf("GA")`...) resolved to actors.

use std::collections::BTreeSet;

use super::{Builder, Ctx, suggest_help};
use crate::data;
use crate::model::registry::*;
use crate::scenario::schema::*;

impl Builder<'_> {
    /// The teams; an actor is played by one team at most.
    pub(super) fn teams(&mut self) {
        let spec = self.spec;
        let mut team_ids = BTreeSet::new();
        for (i, t) in spec.teams.iter().enumerate() {
            if !team_ids.insert(t.id.clone()) {
                self.cx.err(
                    format!("teams[{i}].id"),
                    format!("team id `{}` is used twice", t.id),
                    "give each team its own id",
                );
            }
            if t.id.trim().is_empty() || t.id.chars().any(char::is_whitespace) {
                self.cx.err(
                    format!("teams[{i}].id"),
                    format!("team id `{}` is empty or has spaces", t.id),
                    "use a short id such as \"cisa\"",
                );
            }
            let mut members = Vec::new();
            for (k, sel) in t.controls.iter().enumerate() {
                match resolve_sel(&self.reg, sel) {
                    Ok(list) => {
                        for a in list {
                            self.control(i, &format!("teams[{i}].controls[{k}]"), a, &mut members);
                        }
                    }
                    Err((msg, help)) => self.cx.err(format!("teams[{i}].controls[{k}]"), msg, help),
                }
            }
            members.sort();
            self.reg.teams.push(TeamInfo {
                id: t.id.clone(),
                name: t.name.clone(),
                role: t.role,
                actors: members,
            });
        }
        self.reg.team_by_id =
            self.reg.teams.iter().enumerate().map(|(i, t)| (t.id.clone(), TeamIx(i as u32))).collect();
    }

    /// Gives actor `a` to team `team`, unless another team plays it.
    fn control(&mut self, team: usize, path: &str, a: ActorIx, members: &mut Vec<ActorIx>) {
        let actor = &mut self.reg.actors[a.ix()];
        match actor.team {
            Some(other) if other.ix() != team => self.cx.err(
                path,
                format!("`{}` is already played by team `{}`", actor.id, self.spec.teams[other.ix()].id),
                "an actor can be played by one team only: remove it from one of the two",
            ),
            _ => {
                actor.team = Some(TeamIx(team as u32));
                if !members.contains(&a) {
                    members.push(a);
                }
            }
        }
    }

    /// Every actor's doctrine: its kind's, then the overrides in order.
    pub(super) fn doctrines(&mut self) {
        let dspec = &self.spec.doctrines;
        for (name, doc) in [
            ("local", &dspec.local),
            ("state", &dspec.state),
            ("vendor", &dspec.vendor),
            ("eiisac", &dspec.eiisac),
            ("dhs", &dspec.dhs),
            ("fbi", &dspec.fbi),
            ("odni", &dspec.odni),
        ] {
            check_doctrine(&mut self.cx, &format!("doctrines.{name}"), doc);
        }
        for a in self.reg.actors.iter_mut() {
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
                match resolve_sel(&self.reg, sel) {
                    Ok(list) => {
                        for a in list {
                            o.set.apply(&mut self.reg.actors[a.ix()].doctrine);
                        }
                    }
                    Err((msg, help)) => {
                        self.cx.err(format!("doctrines.overrides[{i}].actors[{k}]"), msg, help)
                    }
                }
            }
        }
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
