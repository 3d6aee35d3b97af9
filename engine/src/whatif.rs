//! Forks of a recorded session: what the rest of an exercise does with or without a decision.
//!
//! A journal holds every command a session applied. A *continuation* re-simulates the
//! session from tick 0 with those commands (the past is reproduced exactly: the same
//! seed, the same commands), then at a fork tick [branches](crate::Sim::branch) the random
//! streams and simulates to the end of the clock, applying the later commands of a chosen
//! plan. Two continuations with the same fork tick and branch share their past and their
//! random future; they differ only by the plan, so their difference is what the plan's
//! change did (common random numbers).

use crate::command::{Command, Issuer};
use crate::journal::Record;
use crate::metrics::Metrics;
use crate::rng::StableHasher;
use crate::sim::Sim;
use crate::time::Tick;

/// One command of a session, as its journal records it.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// Journal line (0 for a command that is not in the journal).
    pub line: usize,
    /// Tick at which it applies.
    pub tick: Tick,
    /// Who gave it.
    pub issuer: Issuer,
    /// The command.
    pub command: Command,
    /// Why the session refused it (none when it was accepted).
    pub rejected: Option<String>,
}

/// The commands of a journal, in the order they were applied.
pub fn decisions(records: &[(usize, Record)]) -> Vec<Decision> {
    let cancelled = crate::journal::cancelled_seqs(records);
    records
        .iter()
        .filter_map(|(line, r)| match r {
            Record::Command { seq, .. } if cancelled.contains(seq) => None,
            Record::Command { tick, issuer, command, rejected, .. } => Some(Decision {
                line: *line,
                tick: Tick(*tick),
                issuer: issuer.clone(),
                command: command.clone(),
                rejected: rejected.as_ref().map(ToString::to_string),
            }),
            _ => None,
        })
        .collect()
}

/// The branch of pair `k` of an analysis of a run with `seed`: never 0 (the run's own streams).
pub fn branch_of(seed: u64, k: u64) -> u64 {
    StableHasher::new().u64(seed).str("whatif").u64(k).finish().max(1)
}

/// Re-simulates a session on `sim` (reset to `seed`): `plan` applied in order (each command at
/// its tick; a command the simulation refuses is refused as in the session), the streams
/// branched to `branch` at the start of tick `fork`, and the clock run to its end. With
/// `branch` 0 and the session's own commands, this is the session itself.
pub fn continue_from(sim: &mut Sim, seed: u64, plan: &[&Decision], fork: Tick, branch: u64) -> Metrics {
    sim.reset(seed);
    let mut branched = false;
    let advance = |sim: &mut Sim, t: Tick| {
        if t > sim.now() {
            sim.run_until(Tick(t.0 - 1));
        }
    };
    for d in plan {
        if !branched && d.tick >= fork {
            advance(sim, fork);
            sim.branch(branch);
            branched = true;
        }
        advance(sim, d.tick);
        // A command for a tick already simulated (the plan is out of order) is refused, as a
        // session would refuse it; the fork carries on without it.
        let _ = sim.submit_at(d.tick, d.issuer.clone(), d.command.clone());
    }
    if !branched {
        advance(sim, fork);
        sim.branch(branch);
    }
    sim.run_to_end();
    sim.metrics()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;
    use crate::builtin;

    fn scenario() -> Scenario {
        let b = &builtin::BUILTINS[0];
        Scenario::parse(b.name, b.source).expect("the default scenario parses")
    }

    #[test]
    fn a_fork_on_branch_zero_is_the_run_itself() {
        let sc = scenario();
        let mut plain = Sim::new(&sc, 11);
        plain.run_to_end();
        let mut sim = Sim::new(&sc, 1);
        for fork in [0, 50, 400] {
            let m = continue_from(&mut sim, 11, &[], Tick(fork), 0);
            assert_eq!(sim.state_hash(), plain.state_hash(), "fork at {fork}");
            assert_eq!(m, plain.metrics());
        }
    }

    #[test]
    fn forks_share_the_past_and_branches_change_the_future() {
        let sc = scenario();
        let mut sim = Sim::new(&sc, 1);
        let fork = Tick(300);
        let _ = continue_from(&mut sim, 5, &[], fork, branch_of(5, 0));
        let a = sim.hash_trace().to_vec();
        let _ = continue_from(&mut sim, 5, &[], fork, branch_of(5, 0));
        assert_eq!(sim.hash_trace(), a.as_slice(), "the same branch continues alike");
        let _ = continue_from(&mut sim, 5, &[], fork, branch_of(5, 1));
        let b = sim.hash_trace().to_vec();
        let mut plain = Sim::new(&sc, 5);
        plain.run_to_end();
        let before = |t: &[(Tick, u64)]| t.iter().filter(|(k, _)| *k < fork).copied().collect::<Vec<_>>();
        assert_eq!(before(&a), before(plain.hash_trace()), "the past is the run's own");
        assert_eq!(before(&b), before(plain.hash_trace()));
        assert_ne!(a.last(), b.last(), "another branch draws another future");
    }
}
