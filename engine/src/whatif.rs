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
use crate::sim::{Sim, Snapshot, SnapshotMismatch};
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

/// Brings `sim` (reset to `seed`) to the start of tick `fork`, applying the commands of
/// `plan` before it as [`continue_from`] does, and copies its state there: the start of every
/// continuation from `fork` whose plan has the same commands before it.
pub fn prepare(sim: &mut Sim, seed: u64, plan: &[&Decision], fork: Tick) -> Snapshot {
    sim.reset(seed);
    for d in plan.iter().take_while(|d| d.tick < fork) {
        advance(sim, d.tick);
        // Out of order: refused, as in `continue_from`.
        let _ = sim.submit_at(d.tick, d.issuer.clone(), d.command.clone());
    }
    advance(sim, fork);
    sim.snapshot()
}

/// Continues from a [`prepare`]d state on `sim` (any simulation of the same scenario and
/// options): restores it, branches the streams to `branch`, applies the commands of `plan`
/// from the fork tick on (those before it are already in the state) and runs the clock to
/// its end. The states are exactly those of [`continue_from`] with the same plan, fork and
/// branch.
pub fn continue_fork(
    sim: &mut Sim,
    start: &Snapshot,
    plan: &[&Decision],
    branch: u64,
) -> Result<Metrics, SnapshotMismatch> {
    sim.restore(start)?;
    let fork = start.now();
    sim.branch(branch);
    for d in plan.iter().filter(|d| d.tick >= fork) {
        advance(sim, d.tick);
        let _ = sim.submit_at(d.tick, d.issuer.clone(), d.command.clone());
    }
    sim.run_to_end();
    Ok(sim.metrics())
}

/// Simulates up to the start of tick `t` (nothing when it is already there or past it).
fn advance(sim: &mut Sim, t: Tick) {
    if t > sim.now() {
        sim.run_until(Tick(t.0 - 1));
    }
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
    /// A session's commands: staffing Pennsylvania for a day, a statement, a late handover.
    fn session() -> Vec<Decision> {
        use crate::command::Statement;
        let d = |t: u32, issuer: Issuer, command: Command| Decision {
            line: 0,
            tick: Tick(t),
            issuer,
            command,
            rejected: None,
        };
        vec![
            d(20, Issuer::Facilitator, Command::SetStaffed { team: "pa".into(), staffed: true }),
            d(
                61,
                Issuer::Team("ga".into()),
                Command::PublicStatement { actor: "GA".into(), statement: Statement::Reassure },
            ),
            d(61, Issuer::Facilitator, Command::SetStaffed { team: "pa".into(), staffed: false }),
            d(700, Issuer::Facilitator, Command::SetStaffed { team: "wi".into(), staffed: true }),
        ]
    }

    #[test]
    fn a_fork_from_a_snapshot_is_the_run_itself_hash_for_hash() {
        let sc = scenario();
        let plan = session();
        let refs: Vec<&Decision> = plan.iter().collect();
        // The session as played: its commands, its own streams.
        let mut played = Sim::new(&sc, 11);
        let _ = continue_from(&mut played, 11, &refs, Tick(0), 0);
        let mut prep = Sim::new(&sc, 1);
        let mut sim = Sim::new(&sc, 2);
        for fork in [0, 20, 21, 61, 300, 700, 701, sc.registry().clock.last_tick().0] {
            let start = prepare(&mut prep, 11, &refs, Tick(fork));
            assert_eq!(start.now(), Tick(fork));
            let m = continue_fork(&mut sim, &start, &refs, 0).expect("the same scenario");
            assert_eq!(sim.hash_trace(), played.hash_trace(), "fork at {fork}");
            assert_eq!(sim.state_hash(), played.state_hash(), "fork at {fork}");
            assert_eq!(sim.series(), played.series(), "fork at {fork}");
            assert_eq!(m, played.metrics(), "fork at {fork}");
        }
    }

    #[test]
    fn a_fork_from_a_snapshot_continues_as_a_replay_from_tick_zero_on_every_branch() {
        let sc = scenario();
        let plan = session();
        let mut replayed = Sim::new(&sc, 1);
        let mut prep = Sim::new(&sc, 1);
        let mut sim = Sim::new(&sc, 1);
        for (fork, without) in [(20, 0), (61, 1), (61, 2), (700, 3)] {
            // With every command, and without one of the fork's tick, from one prepared state.
            let with: Vec<&Decision> = plan.iter().collect();
            let wo: Vec<&Decision> =
                plan.iter().enumerate().filter(|(i, _)| *i != without).map(|(_, d)| d).collect();
            let start = prepare(&mut prep, 7, &with, Tick(fork));
            for k in 0..3 {
                let b = branch_of(7, k);
                for p in [&with, &wo] {
                    let a = continue_from(&mut replayed, 7, p, Tick(fork), b);
                    let f = continue_fork(&mut sim, &start, p, b).expect("the same scenario");
                    assert_eq!(sim.hash_trace(), replayed.hash_trace(), "fork {fork} branch {k}");
                    assert_eq!(f, a, "fork {fork} branch {k}");
                }
            }
        }
    }

    #[test]
    fn a_snapshot_of_another_scenario_is_refused() {
        let sc = scenario();
        let b = &builtin::BUILTINS[1];
        let other = Scenario::parse(b.name, b.source).expect("a shipped scenario parses");
        let start = Sim::new(&other, 1).snapshot();
        assert!(Sim::new(&sc, 1).restore(&start).is_err());
    }
}
