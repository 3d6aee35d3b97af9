//! Team consoles over the network: `ttx serve` hosts an exercise, `ttx join` connects a console.
//!
//! - [`protocol`], [`diff`]: the frames, messages and view deltas (docs/protocol.md), from the
//!   `ttx-protocol` crate;
//! - [`cli`]: the `ttx serve` and `ttx join` commands, from their flags to a running session or console;
//! - [`session`]: a hosted session, new or resumed from its journal, and running it;
//! - [`exercise`]: the thread that owns the simulation, the clock and the journal;
//! - [`host`]: the facilitator console inside `ttx serve`;
//! - [`server`]: connections, authentication, limits;
//! - [`client`]: the console side, and `ttx join --headless`;
//! - [`team_console`]: `ttx join` in a terminal, the interactive team console;
//! - [`room`]: `ttx join --observer`, the room display;
//! - [`journal`], [`codes`], [`tls`]: the session's journal on disk, join codes, TLS;
//! - [`loadtest`]: `ttx loadtest`, many consoles against one server.

pub mod cli;
pub mod client;
pub mod codes;
pub mod exercise;
pub mod host;
pub mod journal;
pub mod loadtest;
pub mod room;
pub mod server;
pub mod session;
pub mod team_console;
pub mod tls;

pub use ttx_protocol as protocol;
pub use ttx_protocol::diff;
