//! The scenarios shipped inside the binary.

use crate::scenario::{Diagnostics, Problem, Scenario};

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
    /// The files its injects attach: (path as written in the scenario, text).
    pub attachments: &'static [(&'static str, &'static str)],
}

/// Every built-in scenario; the first is the default.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "tabletop_the_vote",
        path: "scenarios/tabletop_the_vote.ron",
        summary: "Three modules (pre-election, Election Day, post-election) on three states; the default",
        source: include_str!("../../scenarios/tabletop_the_vote.ron"),
        attachments: &[],
    },
    Builtin {
        name: "national",
        path: "scenarios/national.ron",
        summary: "All 50 states and DC, 7,894 local jurisdictions, three adversaries; the scale scenario",
        source: include_str!("../../scenarios/national.ron"),
        attachments: &[],
    },
    Builtin {
        name: "county_ransomware",
        path: "scenarios/county_ransomware.ron",
        summary: "Ransomware in county offices four weeks before the election, one state",
        source: include_str!("../../scenarios/county_ransomware.ron"),
        attachments: &[],
    },
    Builtin {
        name: "vendor_supply_chain",
        path: "scenarios/vendor_supply_chain.ron",
        summary: "A breached e-pollbook vendor phishes its customers and ships a bad update, two states",
        source: include_str!("../../scenarios/vendor_supply_chain.ron"),
        attachments: &[],
    },
    Builtin {
        name: "pennsylvania_branches",
        path: "scenarios/pennsylvania_branches.ron",
        summary: "Share the indicator within a day or lose the next county: decision branches, scored expected actions, media, one state",
        source: include_str!("../../scenarios/pennsylvania_branches.ron"),
        attachments: &[
            ("media/pa_phishing_email.md", include_str!("../../scenarios/media/pa_phishing_email.md")),
            ("media/ransom_note.md", include_str!("../../scenarios/media/ransom_note.md")),
            ("media/news_article.md", include_str!("../../scenarios/media/news_article.md")),
        ],
    },
];

/// The research scenarios: the 2016 campaigns under the 2016 and the post-2018 sharing
/// regimes, each value sourced from scenarios/data/DOMAIN_FACTS.md. `ttx calibrate` checks
/// the model against the historical record with them (docs/validity.md).
pub const RESEARCH: &[Builtin] = &[
    Builtin {
        name: "sharing_2016",
        path: "scenarios/research/sharing_2016.ron",
        summary: "The 2016 campaigns under the 2016 sharing regime (research)",
        source: include_str!("../../scenarios/research/sharing_2016.ron"),
        attachments: &[],
    },
    Builtin {
        name: "sharing_2020",
        path: "scenarios/research/sharing_2020.ron",
        summary: "The 2016 campaigns under the post-2018 sharing regime (research)",
        source: include_str!("../../scenarios/research/sharing_2020.ron"),
        attachments: &[],
    },
];

/// The default scenario's name.
pub const DEFAULT: &str = "tabletop_the_vote";

/// A built-in or research scenario by name (with or without `.ron`, or by its path).
pub fn find(name: &str) -> Option<&'static Builtin> {
    let n = name.trim_end_matches(".ron");
    BUILTINS
        .iter()
        .chain(RESEARCH)
        .find(|b| b.name == n || b.path == name || b.path.trim_end_matches(".ron") == n)
}

/// Loads a built-in scenario.
pub fn load(b: &Builtin) -> Result<Scenario, Diagnostics> {
    let files = b.attachments.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    Ok(Scenario::parse(b.path, b.source)?.with_attachments(files))
}

/// Loads the default scenario.
pub fn default_scenario() -> Result<Scenario, Diagnostics> {
    load(&BUILTINS[0])
}

/// The synthetic scenario of the scaling benchmark: the national scenario's adversaries on
/// four states, with `jurisdictions_x` times 20 local jurisdictions per state and
/// `campaigns_x` copies of every campaign (each aimed at 8 jurisdictions), and no injects.
pub fn synthetic(jurisdictions_x: u32, campaigns_x: u32) -> Result<Scenario, SyntheticError> {
    use crate::scenario::schema::{JurisdictionsSpec, StateSelection};
    let national = find("national").ok_or(SyntheticError::NoNational)?;
    let national = load(national).map_err(SyntheticError::National)?;
    let mut spec = national.spec().clone();
    spec.geography.states = StateSelection::Only(vec!["WI".into(), "MI".into(), "ME".into(), "MA".into()]);
    spec.geography.jurisdictions = JurisdictionsSpec::Generated { per_state: 20 * jurisdictions_x };
    spec.injects.clear();
    for adv in &mut spec.adversaries {
        let originals = std::mem::take(&mut adv.campaigns);
        for r in 0..campaigns_x {
            for c in &originals {
                let mut c = c.clone();
                c.id = format!("{}_{r}", c.id);
                if let Some(t) = c.targets.as_mut() {
                    t.states.clear();
                    t.jurisdictions.clear();
                    t.count = 8;
                }
                adv.campaigns.push(c);
            }
        }
    }
    Scenario::from_spec(&format!("synthetic j{jurisdictions_x} c{campaigns_x}"), &spec)
        .map_err(SyntheticError::Compile)
}

/// Why the synthetic scenario could not be made: each is a fault of this build of ttx (the
/// national scenario it is made from), not of anything a user wrote; rebuild from a release.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SyntheticError {
    /// This build holds no national scenario.
    #[error("the national scenario is not built in")]
    NoNational,
    /// The national scenario does not load.
    #[error("the national scenario does not load:\n{0}")]
    National(Diagnostics),
    /// The national scenario, scaled, does not compile.
    #[error("the synthetic scenario does not compile: {0:?}")]
    Compile(Vec<Problem>),
}
