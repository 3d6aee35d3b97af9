//! The `ttx` library: the parts of the command-line program that benchmarks
//! and other tools reuse. Today that is the research batch runner, the
//! calibration suite and the safe file writer.
#![forbid(unsafe_code)]

pub mod batch;
pub mod calibrate;
pub mod fsio;
