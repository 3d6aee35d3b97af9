//! The after-action report's section "What the decisions changed", from the files of
//! `ttx whatif --out DIR` (docs/whatif.md).

use std::path::Path;

use ttx::numfmt::signed;
use ttx::whatif::{Alternative, Analysis, Effect};

use super::doc::{Block, Cell, Figure, Table};
use super::svg::{self, EffectRow};

/// Why the files of `ttx whatif --out DIR` cannot go into this report.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// `DIR/whatif.json` cannot be read.
    #[error("cannot read {}: {source}; `ttx whatif JOURNAL --out {}` writes it", path.display(), dir.display())]
    Unreadable {
        /// The file.
        path: std::path::PathBuf,
        /// The directory given.
        dir: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// It is not what `ttx whatif` writes.
    #[error("{} is not the output of `ttx whatif`: {source}", path.display())]
    NotWhatif {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// It was made from another session.
    #[error(
        "{} was made from another session ({}, seed {}); this journal is {scenario}, seed {seed}",
        path.display(),
        made.0,
        made.1
    )]
    OtherSession {
        /// The file.
        path: std::path::PathBuf,
        /// The scenario and seed it was made from.
        made: (String, u64),
        /// This journal's scenario.
        scenario: String,
        /// This journal's seed.
        seed: u64,
    },
}

/// Reads `DIR/whatif.json` and checks that it was made from this session.
pub fn load(dir: &Path, scenario: &str, seed: u64) -> Result<Analysis, LoadError> {
    let path = dir.join("whatif.json");
    let text = std::fs::read_to_string(&path).map_err(|e| LoadError::Unreadable {
        path: path.clone(),
        dir: dir.to_path_buf(),
        source: e,
    })?;
    let a: Analysis =
        serde_json::from_str(&text).map_err(|e| LoadError::NotWhatif { path: path.clone(), source: e })?;
    if a.scenario != scenario || a.seed != seed {
        return Err(LoadError::OtherSession {
            path,
            made: (a.scenario, a.seed),
            scenario: scenario.to_string(),
            seed,
        });
    }
    Ok(a)
}

fn effect_text(e: Option<&Effect>) -> String {
    match e {
        Some(e) if e.mean.is_some() => format!("{} [{}, {}]", signed(e.mean), signed(e.lo), signed(e.hi)),
        _ => "-".into(),
    }
}

/// The section's blocks (a heading, how it was measured, a table and a chart).
pub fn section(a: &Analysis) -> Vec<Block> {
    let mut out = vec![
        Block::Heading { level: 2, id: "whatif".into(), text: "11. What the decisions changed".into() },
        Block::Aside(format!(
            "For each decision, {} pairs of continuations of this session from the decision's hour to the \
             end of the clock, one with the decision and one without, every other command kept and both on \
             the same random branch (ttx whatif, docs/whatif.md). An effect is the mean of with minus \
             without, with its 95% interval; an interval that excludes zero is a clear effect, and 0 means \
             the decision changed nothing in any pair. Ranked by the effect on {}.",
            a.runs, a.rank_metric
        )),
    ];
    if a.alternatives.is_empty() {
        out.push(Block::Para("The session has no accepted commands to examine.".into()));
        return out;
    }
    let secondary = ["intrusions_succeeded", "voters_affected", "confidence_min"];
    let mut head = vec!["#".to_string(), "decision".to_string(), a.rank_metric.clone()];
    let shown: Vec<&str> = secondary
        .iter()
        .copied()
        .filter(|m| *m != a.rank_metric && a.alternatives[0].effect(m).is_some())
        .collect();
    head.extend(shown.iter().map(|m| m.to_string()));
    head.push("other clear effects".into());
    let rows = a
        .alternatives
        .iter()
        .map(|alt| {
            let mut row = vec![Cell::num(alt.rank.to_string()), Cell::text(alt.what())];
            row.push(Cell::nowrap(effect_text(alt.effect(&a.rank_metric))));
            for m in &shown {
                row.push(Cell::nowrap(effect_text(alt.effect(m))));
            }
            let others: Vec<String> = alt
                .effects
                .iter()
                .filter(|e| e.clear() && e.metric != a.rank_metric && !shown.contains(&e.metric.as_str()))
                .map(|e| format!("{} {}", e.metric, signed(e.mean)))
                .collect();
            row.push(Cell::text(if others.is_empty() { "none".to_string() } else { others.join("; ") }));
            row
        })
        .collect();
    out.push(Block::Table(Table { head, rows, editable: false }));
    out.push(Block::Figure(Figure {
        name: "whatif".into(),
        caption: format!(
            "Effect of each decision on {} (with minus without), with its 95% interval",
            a.rank_metric
        ),
        svg: forest(&a.alternatives, &a.rank_metric),
    }));
    out
}

/// A forest plot: one row per decision (the first 25), the mean effect as a dot, the interval
/// as a bar.
fn forest(alts: &[Alternative], metric: &str) -> String {
    let rows: Vec<EffectRow> = alts
        .iter()
        .take(25)
        .map(|a| {
            let e = a.effect(metric);
            EffectRow {
                label: format!("{}. {}", a.rank, a.what()),
                mean: e.and_then(|e| e.mean),
                lo: e.and_then(|e| e.lo),
                hi: e.and_then(|e| e.hi),
                n: e.map_or(0, |e| e.n),
                clear: e.is_some_and(Effect::clear),
            }
        })
        .collect();
    svg::effects_forest(&rows, metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alternative(rank: usize, mean: f64, lo: f64, hi: f64) -> Alternative {
        Alternative {
            rank,
            kind: "without".into(),
            line: rank,
            tick: 0,
            time: "E-50d 10:00".into(),
            issuer: "facilitator".into(),
            decision: format!("decision {rank}"),
            effects: vec![Effect {
                metric: "warned_before_targeted".into(),
                n: 200,
                mean: Some(mean),
                lo: Some(lo),
                hi: Some(hi),
                with: None,
                without: None,
            }],
        }
    }

    /// The axis labels (the tick labels under the plot): x position and text.
    fn axis_labels(svg: &str) -> Vec<(f64, String)> {
        svg.lines()
            .filter(|l| l.starts_with("<text") && l.contains("font-size=\"10.5\""))
            .filter_map(|l| {
                let x = l.split("x=\"").nth(1)?.split('"').next()?.parse::<f64>().ok()?;
                let text = l.split('>').nth(1)?.split('<').next()?.to_string();
                Some((x, text))
            })
            .collect()
    }

    #[test]
    fn axis_labels_are_never_drawn_on_top_of_each_other() {
        // An interval that ends just below zero: round ticks, zero among them, well apart.
        let svg = forest(
            &[alternative(1, 0.010, 0.006, 0.015), alternative(2, 0.001, -0.001, 0.003)],
            "warned_before_targeted",
        );
        let labels = axis_labels(&svg);
        assert!(labels.len() >= 3, "{labels:?}\n{svg}");
        assert!(labels.iter().any(|(_, t)| t == "0"), "zero is labelled: {labels:?}");
        for w in labels.windows(2) {
            assert!(w[1].0 - w[0].0 >= 48.0, "{labels:?}");
        }
        // Effects either side of zero read with their sign.
        let svg = forest(&[alternative(1, 0.0, -1.0, 1.0)], "warned_before_targeted");
        let texts: Vec<String> = axis_labels(&svg).into_iter().map(|l| l.1).collect();
        assert_eq!(texts, ["-1", "-0.5", "0", "+0.5", "+1"], "{svg}");
    }
}
