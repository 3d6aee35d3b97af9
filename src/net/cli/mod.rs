//! The command line of the network: `ttx serve` ([`serve`]) and `ttx join` ([`join`]), from
//! their flags to a running session or console.

pub mod join;
pub mod serve;

pub use join::{JoinArgs, join, join_setup};
pub use serve::{ServeArgs, serve};
