//! End-to-end tests of the `ttx` binary and of the crates together.
//!
//! One test binary (see Cargo.toml, `autotests = false`) keeps link times down;
//! each area has its own module.

mod harness;

mod batch;
mod branches;
mod broken_scenarios;
mod causal;
mod code_size;
mod determinism;
mod docs;
mod fuzz;
mod hostile_input;
mod io_failures;
mod journal;
mod metric_docs;
mod model_equivalence;
mod msel;
mod net;
mod parquet;
mod play;
mod properties;
mod pty;
mod report;
mod research;
mod scenario_toolkit;
mod sharing_matters;
mod shipped_scenarios;
mod sitman;
mod whatif;
