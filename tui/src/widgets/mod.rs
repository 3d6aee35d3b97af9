//! Widgets shared by the facilitator console and the team console.
//!
//! Each takes plain data (engine view structs, or models built from them),
//! never a running simulation, so a team console fed over the network draws
//! with the same code.

pub mod detail;
pub mod form;
pub mod inbox;
pub mod injects;
pub mod log;
pub mod map;
pub mod sharing;

pub use detail::StateDetailView;
pub use form::CommandFormView;
pub use injects::InjectQueue;
pub use log::{EventLog, LogFilter};
pub use map::UsMap;
pub use sharing::{Measure, SharingPanel, measures};
