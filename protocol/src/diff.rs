//! Deltas: what changed in a view from one update to the next.
//!
//! The server computes each team's view once per tick, diffs it against the
//! previous one and sends the same bytes to every console of that team. A
//! console applies the delta to its copy; [`apply_team`] after
//! [`diff_team`] gives back exactly the new view (tested below on a real run).

use serde::{Deserialize, Serialize};
use ttx_engine::view::{
    ActorView, CampaignView, EoView, InboxItem, IndicatorView, InjectView, LogLine, ModuleView, StateView,
    TeamSummary,
};
use ttx_engine::{CommandOutcome, ETime, FacilitatorView, Metrics, TeamView};

/// How a list changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ListChange<T> {
    /// Drop items from the front and append new ones (logs, inboxes, outcomes).
    Window {
        /// Items dropped from the front.
        drop: usize,
        /// Items appended.
        append: Vec<T>,
    },
    /// Set items at positions; the list then has `len` items (maps, inject queues).
    Set {
        /// New length.
        len: usize,
        /// Position and new item.
        items: Vec<(usize, T)>,
    },
    /// The whole new list.
    Replace {
        /// The items.
        items: Vec<T>,
    },
}

/// The change from `old` to `new`, or none if they are equal.
pub fn diff_list<T: PartialEq + Clone>(old: &[T], new: &[T]) -> Option<ListChange<T>> {
    if old == new {
        return None;
    }
    let mut best = ListChange::Replace { items: new.to_vec() };
    let mut best_size = new.len();
    // Window: the smallest drop after which the old list is a prefix of the new one.
    for drop in 0..=old.len() {
        let rest = &old[drop..];
        if rest.len() <= new.len() && (rest.is_empty() || rest[0] == new[0]) && new.starts_with(rest) {
            let append = &new[rest.len()..];
            if append.len() < best_size {
                best_size = append.len();
                best = ListChange::Window { drop, append: append.to_vec() };
            }
            break;
        }
    }
    // Set: the positions that differ.
    let items: Vec<(usize, T)> =
        new.iter().enumerate().filter(|(i, x)| old.get(*i) != Some(x)).map(|(i, x)| (i, x.clone())).collect();
    if items.len() < best_size {
        best = ListChange::Set { len: new.len(), items };
    }
    Some(best)
}

/// A delta that does not fit the list it is applied to.
#[derive(Debug, PartialEq, Eq)]
pub struct Mismatch;

/// Applies a list change.
pub fn apply_list<T: Clone>(list: &mut Vec<T>, change: &ListChange<T>) -> Result<(), Mismatch> {
    match change {
        ListChange::Window { drop, append } => {
            if *drop > list.len() {
                return Err(Mismatch);
            }
            list.drain(..*drop);
            list.extend(append.iter().cloned());
        }
        ListChange::Set { len, items } => {
            list.truncate(*len);
            for (i, x) in items {
                if *i < list.len() {
                    list[*i] = x.clone();
                } else if *i == list.len() {
                    list.push(x.clone());
                } else {
                    return Err(Mismatch);
                }
            }
            if list.len() != *len {
                return Err(Mismatch);
            }
        }
        ListChange::Replace { items } => *list = items.clone(),
    }
    Ok(())
}

/// A value that changed, sent only then.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Changed<T> {
    /// The new value.
    pub to: T,
}

fn changed<T: PartialEq + Clone>(old: &T, new: &T) -> Option<Changed<T>> {
    (old != new).then(|| Changed { to: new.clone() })
}

/// What changed in a team's view. The clock is always sent; everything else only when it changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamDelta {
    /// Next tick.
    pub tick: u32,
    /// Clock.
    pub time: ETime,
    /// Finished.
    pub finished: bool,
    /// Module in progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<Changed<Option<ModuleView>>>,
    /// Public confidence.
    pub confidence: f64,
    /// EO 13848 deadlines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eo: Option<Changed<EoView>>,
    /// Its actors and their assets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actors: Option<ListChange<ActorView>>,
    /// States on the map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub states: Option<ListChange<StateView>>,
    /// Indicators it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicators: Option<ListChange<IndicatorView>>,
    /// Its inbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox: Option<ListChange<InboxItem>>,
    /// Its log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<ListChange<LogLine>>,
    /// Outcomes of its commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<ListChange<CommandOutcome>>,
    /// Templates it may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<ListChange<(String, String)>>,
}

/// The delta from one team view to the next.
pub fn diff_team(old: &TeamView, new: &TeamView) -> TeamDelta {
    TeamDelta {
        tick: new.tick,
        time: new.time,
        finished: new.finished,
        module: changed(&old.module, &new.module),
        confidence: new.confidence,
        eo: changed(&old.eo, &new.eo),
        actors: diff_list(&old.actors, &new.actors),
        states: diff_list(&old.states, &new.states),
        indicators: diff_list(&old.indicators, &new.indicators),
        inbox: diff_list(&old.inbox, &new.inbox),
        log: diff_list(&old.log, &new.log),
        outcomes: diff_list(&old.outcomes, &new.outcomes),
        templates: diff_list(&old.templates, &new.templates),
    }
}

/// Applies a team delta.
pub fn apply_team(view: &mut TeamView, d: &TeamDelta) -> Result<(), Mismatch> {
    view.tick = d.tick;
    view.time = d.time;
    view.finished = d.finished;
    if let Some(c) = &d.module {
        view.module = c.to.clone();
    }
    view.confidence = d.confidence;
    if let Some(c) = &d.eo {
        view.eo = c.to.clone();
    }
    let lists: [Result<(), Mismatch>; 7] = [
        d.actors.as_ref().map_or(Ok(()), |c| apply_list(&mut view.actors, c)),
        d.states.as_ref().map_or(Ok(()), |c| apply_list(&mut view.states, c)),
        d.indicators.as_ref().map_or(Ok(()), |c| apply_list(&mut view.indicators, c)),
        d.inbox.as_ref().map_or(Ok(()), |c| apply_list(&mut view.inbox, c)),
        d.log.as_ref().map_or(Ok(()), |c| apply_list(&mut view.log, c)),
        d.outcomes.as_ref().map_or(Ok(()), |c| apply_list(&mut view.outcomes, c)),
        d.templates.as_ref().map_or(Ok(()), |c| apply_list(&mut view.templates, c)),
    ];
    lists.into_iter().collect()
}

/// What changed in the facilitator's view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilitatorDelta {
    /// Next tick.
    pub tick: u32,
    /// Clock.
    pub time: ETime,
    /// Finished.
    pub finished: bool,
    /// Module in progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<Changed<Option<ModuleView>>>,
    /// Metrics now.
    pub metrics: Metrics,
    /// EO 13848.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eo: Option<Changed<EoView>>,
    /// Commands waiting.
    pub waiting_commands: usize,
    /// States.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub states: Option<ListChange<StateView>>,
    /// Teams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams: Option<ListChange<TeamSummary>>,
    /// Scripted injects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injects: Option<ListChange<InjectView>>,
    /// Campaigns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaigns: Option<ListChange<CampaignView>>,
}

/// The delta from one facilitator view to the next.
pub fn diff_facilitator(old: &FacilitatorView, new: &FacilitatorView) -> FacilitatorDelta {
    FacilitatorDelta {
        tick: new.tick,
        time: new.time,
        finished: new.finished,
        module: changed(&old.module, &new.module),
        metrics: new.metrics.clone(),
        eo: changed(&old.eo, &new.eo),
        waiting_commands: new.waiting_commands,
        states: diff_list(&old.states, &new.states),
        teams: diff_list(&old.teams, &new.teams),
        injects: diff_list(&old.injects, &new.injects),
        campaigns: diff_list(&old.campaigns, &new.campaigns),
    }
}

/// Applies a facilitator delta.
pub fn apply_facilitator(view: &mut FacilitatorView, d: &FacilitatorDelta) -> Result<(), Mismatch> {
    view.tick = d.tick;
    view.time = d.time;
    view.finished = d.finished;
    if let Some(c) = &d.module {
        view.module = c.to.clone();
    }
    view.metrics = d.metrics.clone();
    if let Some(c) = &d.eo {
        view.eo = c.to.clone();
    }
    view.waiting_commands = d.waiting_commands;
    let lists = [
        d.states.as_ref().map_or(Ok(()), |c| apply_list(&mut view.states, c)),
        d.teams.as_ref().map_or(Ok(()), |c| apply_list(&mut view.teams, c)),
        d.injects.as_ref().map_or(Ok(()), |c| apply_list(&mut view.injects, c)),
        d.campaigns.as_ref().map_or(Ok(()), |c| apply_list(&mut view.campaigns, c)),
    ];
    lists.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttx_engine::{Sim, builtin};

    fn check(old: &[u32], new: &[u32]) -> Option<ListChange<u32>> {
        let d = diff_list(old, new);
        let mut v = old.to_vec();
        if let Some(c) = &d {
            apply_list(&mut v, c).unwrap();
        }
        assert_eq!(v, new, "{old:?} -> {new:?} via {d:?}");
        d
    }

    #[test]
    fn list_changes_rebuild_the_new_list_with_little() {
        assert_eq!(check(&[1, 2, 3], &[1, 2, 3]), None);
        assert_eq!(check(&[1, 2, 3], &[1, 2, 3, 4]), Some(ListChange::Window { drop: 0, append: vec![4] }));
        assert_eq!(
            check(&[1, 2, 3], &[2, 3, 4, 5]),
            Some(ListChange::Window { drop: 1, append: vec![4, 5] })
        );
        assert_eq!(check(&[1, 2, 3], &[1, 9, 3]), Some(ListChange::Set { len: 3, items: vec![(1, 9)] }));
        check(&[1, 2, 3], &[]);
        check(&[], &[7, 8]);
        check(&[1, 1, 2], &[1, 2, 5]);
        check(&[5, 6, 7, 8], &[9]);
        check(&[1, 2, 3, 4], &[1, 2]);
    }

    #[test]
    fn a_misfit_delta_is_an_error_not_a_panic() {
        let mut v = vec![1];
        assert_eq!(apply_list(&mut v, &ListChange::Window { drop: 5, append: vec![] }), Err(Mismatch));
        assert_eq!(apply_list(&mut v, &ListChange::Set { len: 3, items: vec![(2, 1)] }), Err(Mismatch));
    }

    #[test]
    fn team_and_facilitator_deltas_replay_a_real_run() {
        let sc = builtin::default_scenario().unwrap();
        let mut sim = Sim::new(&sc, 3);
        let teams: Vec<String> = sc.registry().teams.iter().map(|t| t.id.clone()).collect();
        let mut copies: Vec<TeamView> = teams.iter().map(|t| sim.team_view(t).unwrap()).collect();
        let mut fac = sim.facilitator_view();
        for _ in 0..80 {
            let target = ttx_engine::Tick(sim.now().0 + 23);
            sim.run_until(target);
            for (t, copy) in teams.iter().zip(copies.iter_mut()) {
                let new = sim.team_view(t).unwrap();
                let d = diff_team(copy, &new);
                let json = serde_json::to_string(&d).unwrap();
                let d: TeamDelta = serde_json::from_str(&json).unwrap();
                apply_team(copy, &d).unwrap();
                assert_eq!(copy, &new);
            }
            let new = sim.facilitator_view();
            let d = diff_facilitator(&fac, &new);
            apply_facilitator(&mut fac, &d).unwrap();
            assert_eq!(fac, new);
        }
    }
}
