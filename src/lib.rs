//! The `ttx` library: the parts of the command-line program that benchmarks
//! and other tools reuse: the research batch runner, the calibration suite,
//! the safe file writer and the network protocol.
#![forbid(unsafe_code)]

pub mod batch;
pub mod calibrate;
pub mod chart;
pub mod command_text;
pub mod fsio;
pub mod numfmt;
pub mod policy;
pub mod scenario_file;
pub mod whatif;

/// The network protocol's messages and frames (the `ttx-protocol` crate). The
/// server and the consoles live in the program; the protocol is named here as
/// well so that tools, and the fuzz targets of its frame decoder
/// (docs/fuzzing.md), can read frames.
pub mod net {
    pub use ttx_protocol as protocol;
    pub use ttx_protocol::diff;
}
