//! The scenarios shipped inside the binary.

use crate::scenario::{Diagnostics, Scenario};

/// A built-in scenario.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    /// Short name (`ttx run tabletop_the_vote`).
    pub name: &'static str,
    /// Path in the source tree.
    pub path: &'static str,
    /// One line about it.
    pub summary: &'static str,
    /// RON source.
    pub source: &'static str,
}

/// Every built-in scenario; the first is the default.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "tabletop_the_vote",
        path: "scenarios/tabletop_the_vote.ron",
        summary: "Three modules (pre-election, Election Day, post-election) on three states; the default",
        source: include_str!("../../scenarios/tabletop_the_vote.ron"),
    },
    Builtin {
        name: "national",
        path: "scenarios/national.ron",
        summary: "All 50 states and DC, 7,894 local jurisdictions, three adversaries; the scale scenario",
        source: include_str!("../../scenarios/national.ron"),
    },
    Builtin {
        name: "county_ransomware",
        path: "scenarios/county_ransomware.ron",
        summary: "Ransomware in county offices four weeks before the election, one state",
        source: include_str!("../../scenarios/county_ransomware.ron"),
    },
    Builtin {
        name: "vendor_supply_chain",
        path: "scenarios/vendor_supply_chain.ron",
        summary: "A breached e-pollbook vendor phishes its customers and ships a bad update, two states",
        source: include_str!("../../scenarios/vendor_supply_chain.ron"),
    },
];

/// The default scenario's name.
pub const DEFAULT: &str = "tabletop_the_vote";

/// A built-in by name (with or without `.ron`, or by its path).
pub fn find(name: &str) -> Option<&'static Builtin> {
    let n = name.trim_end_matches(".ron");
    BUILTINS.iter().find(|b| b.name == n || b.path == name || b.path.trim_end_matches(".ron") == n)
}

/// Loads a built-in scenario.
pub fn load(b: &Builtin) -> Result<Scenario, Diagnostics> {
    Scenario::parse(b.path, b.source)
}

/// Loads the default scenario.
pub fn default_scenario() -> Result<Scenario, Diagnostics> {
    load(&BUILTINS[0])
}
