//! docs/metrics.md and the engine's metric table (`ttx_engine::metrics::METRIC_DEFS`) say the
//! same thing: one row per metric, in table order, with the same unit, direction, measure and
//! key columns; and no documented field of a snapshot that is neither a row of the table nor one
//! of the few fields that are not single-number metrics.

use std::collections::BTreeSet;

use ttx_engine::metrics::METRIC_DEFS;
use ttx_engine::{Sim, builtin};

fn doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/metrics.md")).expect("docs/metrics.md")
}

/// The body rows of the Markdown table whose header line is `header`, as cells (the last cell
/// keeps whatever follows the `cells - 1`th separator).
fn table_rows(doc: &str, header: &str, cells: usize) -> Vec<Vec<String>> {
    let mut lines = doc.lines().skip_while(|l| l.trim() != header);
    assert!(lines.next().is_some(), "docs/metrics.md has no table headed `{header}`");
    lines
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let inner = l.trim().trim_start_matches('|').trim_end_matches('|');
            inner.splitn(cells, '|').map(|c| c.trim().to_string()).collect()
        })
        .collect()
}

/// The names in backticks in a cell.
fn names(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

const METRICS_HEADER: &str = "| metric | unit | better | measure | key | definition |";
const FIELDS_HEADER: &str = "| field | definition |";

#[test]
fn docs_metrics_md_has_a_row_per_metric_of_the_table_in_its_order_with_its_columns() {
    let doc = doc();
    let rows = table_rows(&doc, METRICS_HEADER, 6);
    let want: Vec<String> = METRIC_DEFS
        .iter()
        .map(|d| {
            format!(
                "| `{}` | {} | {} | {} | {} |",
                d.name,
                d.unit.word(),
                d.direction.word(),
                if d.measurable { "yes" } else { "no" },
                d.key.word()
            )
        })
        .collect();
    let got: Vec<String> = rows.iter().map(|r| format!("| {} |", r[..r.len().min(5)].join(" | "))).collect();
    for (r, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), 6, "docs/metrics.md, metrics table row {}: six cells expected", r + 1);
        assert!(!row[5].is_empty(), "docs/metrics.md: `{}` has no definition", row[0]);
    }
    let documented: BTreeSet<String> = rows.iter().flat_map(|r| names(&r[0])).collect();
    let missing: Vec<&str> =
        METRIC_DEFS.iter().map(|d| d.name).filter(|n| !documented.contains(*n)).collect();
    assert!(missing.is_empty(), "docs/metrics.md lacks a row for {missing:?}");
    let unknown: Vec<&String> =
        documented.iter().filter(|n| METRIC_DEFS.iter().all(|d| d.name != n.as_str())).collect();
    assert!(
        unknown.is_empty(),
        "docs/metrics.md documents {unknown:?}, which the metric table (engine/src/metrics.rs, METRIC_DEFS) lacks"
    );
    assert!(
        got == want,
        "docs/metrics.md's metrics table differs from METRIC_DEFS; its rows should begin:\n{}",
        want.join("\n")
    );
}

#[test]
fn every_other_field_of_a_snapshot_is_documented_and_nothing_else() {
    let doc = doc();
    let sim = Sim::new(&builtin::default_scenario().expect("default scenario"), 1);
    let json = serde_json::to_value(sim.metrics()).expect("metrics serialize");
    let fields: BTreeSet<String> = json.as_object().expect("an object").keys().cloned().collect();
    let table: BTreeSet<String> = METRIC_DEFS.iter().map(|d| d.name.to_string()).collect();
    let others: BTreeSet<String> = fields.difference(&table).cloned().collect();
    let documented: BTreeSet<String> =
        table_rows(&doc, FIELDS_HEADER, 2).iter().flat_map(|r| names(&r[0])).collect();
    assert_eq!(
        documented, others,
        "docs/metrics.md's table of other fields should name exactly the fields of Metrics that are not \
         in METRIC_DEFS (a new single-number metric needs a row in METRIC_DEFS and in the metrics table)"
    );
    for name in &table {
        assert!(fields.contains(name), "{name} is in METRIC_DEFS but not a field of Metrics");
    }
}
