//! ttx-engine: a deterministic simulation of election-cybersecurity tabletop exercises.
//!
//! Federal, state and local election officials rehearse how they detect,
//! share and answer foreign interference. The engine simulates the actors
//! (adversaries, DHS/CISA, ODNI, FBI, DOJ, states, counties, the EI-ISAC,
//! vendors), the election infrastructure and the information that moves
//! between them, driven by RON scenarios. What matters most is measured:
//! does a warning reach the next target before the adversary does?
//!
//! ```
//! use ttx_engine::{Scenario, Sim, builtin};
//!
//! let scenario = builtin::default_scenario().unwrap();
//! let mut sim = Sim::new(&scenario, 7);
//! sim.run_to_end();
//! let m = sim.metrics();
//! assert!(m.intrusions_attempted > 0);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod builtin;
pub mod command;
pub mod data;
pub mod debrief;
pub mod evaluation;
pub mod events;
pub mod journal;
pub mod metrics;
pub mod model;
pub mod nesting;
pub mod notes;
pub mod rng;
pub mod scenario;
pub mod sim;
mod systems;
pub mod talk;
pub mod time;
pub mod view;
pub mod whatif;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_branch;

pub use command::{Command, CommandKind, CommandOutcome, Issuer, Rejection, Statement};
pub use events::{EventKind, Severity, SimEvent, describe};
pub use journal::{Record, replay};
pub use metrics::{Metrics, SeriesPoint};
pub use scenario::schema::Channel;
pub use scenario::{Diagnostic, Diagnostics, Problem, Scenario};
pub use sim::{Compromise, Family, OtherEntities, Resolution, Sim, SimOptions, Snapshot, SnapshotMismatch};
pub use time::{ETime, Tick};
pub use view::{Directory, FacilitatorView, TeamView};

/// The engine's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The model's version: it changes whenever the same scenario, seed and commands give a
/// different run (a journal records it, and replays only under the model that wrote it).
///
/// - 1: every recipient of a share drew its reliability and latency from one stream per
///   share, in audience order (ttx 0.1.0 up to December 2026).
/// - 2: group delivery: a share is one entry for its audience, each member's draws a pure
///   function of the share and the member (ttx 0.2.0 on).
pub const MODEL_VERSION: u32 = 2;
