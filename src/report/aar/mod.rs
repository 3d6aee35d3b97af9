//! The exercise After-Action Report / Improvement Plan, drafted from a
//! replayed session journal.
//!
//! Every figure here is read from the re-simulated run (its structured event
//! log, metrics, metric series and views) and from the journal's notes; none
//! is typed in. The analysis is in plain structs ([`Analysis`]) so that tests
//! can check it, and the document is built from them. This module owns only the
//! layout of the AAR's parts; each submodule says what it owns.

mod analysis;
mod calendar;
mod capabilities;
mod document;
mod eo;
mod flows;
mod notes;
mod sections;
mod sharing;

pub use analysis::{JournalInfo, MAX_ROWS, analyse};
pub use calendar::date_of;
pub use document::document;
pub(super) use document::{h2, h3};
