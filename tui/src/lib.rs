//! ttx-tui: the terminal screens of ttx.
//!
//! The facilitator console ([`console::Console`], drawn by [`ui::render`])
//! runs a whole exercise from one terminal: the scenario clock, the US map,
//! the event log, the information-sharing measures, the inject queue, module
//! discussions and a command palette to act for any team.
//!
//! The shape follows the usual ratatui habit: key presses become
//! [`keys::Action`]s through a binding table that also feeds the help
//! screen; [`console::Console::update`] applies an action to the state (and
//! submits engine commands); [`ui`] only draws. The widgets in [`widgets`]
//! take plain data (engine views such as `StateView`, `LogLine`,
//! `SeriesPoint`, `InjectView`, and the [`form::CommandForm`] model), so the
//! team console draws the same panels from a `TeamView` received over the
//! network.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod chrome;
pub mod console;
pub mod form;
pub mod hotwash;
pub mod input;
pub mod keys;
pub mod room;
pub mod team;
pub mod team_keys;
pub mod team_ui;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod ui;
pub mod widgets;

pub use console::{Console, ConsoleOptions};
pub use form::{Catalog, CommandForm};
pub use keys::Action;
pub use theme::Theme;
