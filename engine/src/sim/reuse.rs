//! [`Sim::reset_to`]: a built simulation started over as a run of another scenario with the
//! same entities, so a batch whose points differ only in numbers (a design's points) builds
//! one world and one schedule per thread rather than one per point.

use std::sync::Arc;

use super::Sim;
use crate::scenario::Scenario;

/// Why a simulation cannot be started over as a run of another scenario: the scenario's
/// actors or assets differ from the ones the simulation's world was built with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the scenario has other {0} than the simulation was built with; build a new simulation for it")]
pub struct OtherEntities(&'static str);

impl Sim {
    /// Starts this simulation over as a run of `scenario` with `seed`, as
    /// [`Sim::with_options`] would with this simulation's options, keeping the world's
    /// entities and the built schedule ([`Sim::reset`] for another scenario). The scenario
    /// must have the same actors and assets, by id and in the same order, as the one the
    /// simulation was built with: everything else (every number, posture, channel, campaign,
    /// inject) may differ. The run that follows is identical to one from a new `Sim`.
    pub fn reset_to(&mut self, scenario: &Scenario, seed: u64) -> Result<(), OtherEntities> {
        let (old, new) = (&*self.reg, scenario.registry());
        if !Arc::ptr_eq(&self.reg, &scenario.registry_arc()) {
            if old.actors.len() != new.actors.len()
                || old.actors.iter().zip(&new.actors).any(|(a, b)| a.id != b.id)
            {
                return Err(OtherEntities("actors"));
            }
            if old.assets.len() != new.assets.len()
                || old.assets.iter().zip(&new.assets).any(|(a, b)| a.id != b.id)
            {
                return Err(OtherEntities("assets"));
            }
            self.reg = scenario.registry_arc();
        }
        self.scenario_hash = scenario.hash();
        // `reset` puts every entity's components at their start from the new registry and
        // installs every resource of the run (the registry among them) afresh.
        self.reset(seed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin::BUILTINS;

    fn default_scenario() -> Scenario {
        Scenario::parse(BUILTINS[0].name, BUILTINS[0].source).expect("the default scenario parses")
    }

    /// The default scenario with other sharing numbers.
    fn varied(membership: f64, tearline_h: f64) -> Scenario {
        let mut spec = default_scenario().spec().clone();
        spec.sharing.isac_membership = membership;
        spec.sharing.tearline_h = tearline_h;
        Scenario::from_spec("varied", &spec).expect("the varied scenario compiles")
    }

    #[test]
    fn a_sim_reset_to_another_scenario_runs_as_a_new_one() {
        let points = [varied(0.2, 1.0), varied(0.9, 96.0), default_scenario(), varied(0.5, 12.0)];
        let mut reused = Sim::new(&points[0], 3);
        reused.run_to_end();
        for (i, sc) in points.iter().enumerate() {
            for seed in [1, 7] {
                assert_eq!(reused.reset_to(sc, seed), Ok(()));
                reused.run_to_end();
                let mut fresh = Sim::new(sc, seed);
                fresh.run_to_end();
                assert_eq!(reused.scenario_hash(), fresh.scenario_hash(), "point {i}");
                assert_eq!(reused.hash_trace(), fresh.hash_trace(), "point {i} seed {seed}");
                assert_eq!(reused.metrics(), fresh.metrics(), "point {i} seed {seed}");
                assert_eq!(reused.series(), fresh.series(), "point {i} seed {seed}");
                assert_eq!(reused.events(), fresh.events(), "point {i} seed {seed}");
            }
        }
        // The points differ, so a registry kept across them would have shown.
        let run = |sc: &Scenario| {
            let mut s = Sim::new(sc, 1);
            s.run_to_end();
            s.metrics()
        };
        assert_ne!(run(&points[0]), run(&points[1]));
    }

    #[test]
    fn a_scenario_with_other_actors_is_refused_and_the_sim_is_left_as_it_was() {
        let mut sim = Sim::new(&default_scenario(), 2);
        sim.run_until(crate::time::Tick(50));
        let before = (sim.state_hash(), sim.now());
        let other = BUILTINS
            .iter()
            .map(|b| Scenario::parse(b.name, b.source).expect("a built-in scenario parses"))
            .find(|s| s.registry().actors.len() != sim.registry().actors.len())
            .expect("a built-in scenario with other actors");
        assert_eq!(sim.reset_to(&other, 2), Err(OtherEntities("actors")));
        assert_eq!((sim.state_hash(), sim.now()), before);
    }
}
