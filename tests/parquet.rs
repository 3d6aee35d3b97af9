//! `ttx batch --format parquet` and `ttx merge --format parquet` through the real binary: each
//! Parquet file, read back with the parquet crate's reader, holds its CSV file's rows, columns
//! and types.

use std::collections::BTreeMap;
use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use crate::harness::{bad, ok};

/// A fresh, empty temporary directory for one test, removed when the test ends.
fn scratch(name: &str) -> crate::harness::Named {
    crate::harness::named_scratch(&format!("parquet-{name}"))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The type each column must read back as: `i` Int64, `u` UInt64, `f` Float64, `t` text,
/// `b` boolean.
fn kind_of(file: &str, column: &str) -> char {
    match (file, column) {
        (_, "point" | "run" | "n" | "time_h") => 'i',
        (_, "seed") => 'u',
        (_, "time" | "metric") => 't',
        // Both are numbers in the scenario (24 is written as the CSV writes 24.0).
        ("runs" | "summary", "sharing.tearline_h" | "sharing.isac_membership") => 'f',
        ("runs" | "summary", "posture.by_kind.VoterRegistration.monitoring") => 't',
        ("runs" | "series" | "summary", _) => 'f',
        (_, "warned_before_targeted" | "dwell_censored") => 'b',
        (_, c) if c.ends_with("_h") => 'i',
        (_, "attempts" | "targets" | "warned_targets" | "compromises") => 'i',
        _ => 't',
    }
}

/// Checks one Parquet file against its CSV file: the same header, rows and cells, and each
/// column of its type (a null where the CSV cell is empty).
fn same_as_csv(dir: &Path, name: &str) -> usize {
    let mut rd = csv::Reader::from_path(dir.join(format!("{name}.csv"))).unwrap();
    let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> =
        rd.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    let pq =
        SerializedFileReader::new(std::fs::File::open(dir.join(format!("{name}.parquet"))).unwrap()).unwrap();
    let names: Vec<String> =
        pq.metadata().file_metadata().schema_descr().columns().iter().map(|c| c.name().to_string()).collect();
    assert_eq!(names, header, "{name}: the Parquet columns are the CSV header");
    let read: Vec<Vec<Field>> = pq
        .get_row_iter(None)
        .unwrap()
        .map(|r| r.unwrap().into_columns().into_iter().map(|(_, f)| f).collect())
        .collect();
    assert_eq!(read.len(), rows.len(), "{name}: row count");
    for (i, (p, c)) in read.iter().zip(&rows).enumerate() {
        for ((f, cell), col) in p.iter().zip(c).zip(&header) {
            let at = format!("{name} row {i} column {col}");
            match (kind_of(name, col), f) {
                (_, Field::Null) => assert_eq!(cell, "", "{at}: a null is an empty cell"),
                ('i', Field::Long(v)) => assert_eq!(cell.parse::<i64>().unwrap(), *v, "{at}"),
                ('u', Field::ULong(v)) => assert_eq!(cell.parse::<u64>().unwrap(), *v, "{at}"),
                ('f', Field::Double(v)) => {
                    assert_eq!(
                        cell.parse::<f64>().unwrap().to_bits(),
                        v.to_bits(),
                        "{at}: the same number exactly"
                    )
                }
                ('t', Field::Str(v)) => assert_eq!(cell, v, "{at}"),
                ('b', Field::Bool(v)) => assert_eq!(cell, if *v { "1" } else { "0" }, "{at}"),
                (k, f) => panic!("{at}: read back as {f:?}, expected type {k}"),
            }
        }
    }
    rows.len()
}

#[test]
fn parquet_files_hold_the_rows_and_types_of_the_csv_files() {
    let d = scratch("same");
    let out = d.join("b");
    let said = ok(&[
        "batch",
        "tabletop_the_vote",
        "--runs",
        "3",
        "--sweep",
        "sharing.tearline_h,sharing.isac_membership=24,0.2|72,0.9",
        "--sweep",
        "posture.by_kind.VoterRegistration.monitoring=Basic,NetworkSensor",
        "--series",
        "daily",
        "--entities",
        "--format",
        "parquet",
        "--out",
        s(&out),
    ]);
    assert!(
        said.contains(
            "Wrote runs.parquet, summary.parquet, series.parquet, campaigns.parquet, jurisdictions.parquet"
        ),
        "{said}"
    );
    let mut counts = BTreeMap::new();
    for name in ["runs", "summary", "series", "campaigns", "jurisdictions"] {
        counts.insert(name, same_as_csv(&out, name));
    }
    assert_eq!(counts["runs"], 12);
    assert!(counts["series"] > 12 * 30, "{counts:?}");
    assert!(counts["jurisdictions"] > 12, "{counts:?}");
    // Every column type showed up with a value somewhere (no column checked only as nulls).
    let pq =
        SerializedFileReader::new(std::fs::File::open(out.join("jurisdictions.parquet")).unwrap()).unwrap();
    let rows: Vec<_> = pq.get_row_iter(None).unwrap().map(|r| r.unwrap()).collect();
    for col in ["warned_before_targeted", "dwell_censored", "targeted_h", "warned_channel"] {
        let j = rows[0].get_column_iter().position(|(n, _)| n == col).unwrap();
        assert!(
            rows.iter().any(|r| !matches!(r.get_column_iter().nth(j).unwrap().1, Field::Null)),
            "{col} is null in every row"
        );
    }

    // Without --format parquet, no Parquet file.
    let plain = d.join("plain");
    ok(&["batch", "tabletop_the_vote", "--runs", "2", "--out", s(&plain)]);
    assert!(
        std::fs::read_dir(&plain).unwrap().all(|e| !e
            .unwrap()
            .path()
            .to_string_lossy()
            .ends_with(".parquet"))
    );
}

#[test]
fn merged_shards_write_the_parquet_bytes_of_the_whole_batch() {
    let d = scratch("merge");
    let common = [
        "tabletop_the_vote",
        "--runs",
        "3",
        "--sweep",
        "sharing.isac_membership=0.2,0.9",
        "--series",
        "daily",
    ];
    let whole = d.join("whole");
    let mut args = vec!["batch"];
    args.extend(common);
    args.extend(["--format", "parquet", "--out", s(&whole)]);
    ok(&args);
    let mut shards = Vec::new();
    for i in 0..2 {
        let dir = d.join(format!("shard{i}"));
        let shard = format!("{i}/2");
        let mut args = vec!["batch"];
        args.extend(common);
        args.extend(["--shard", &shard, "--format", "parquet", "--out", s(&dir)]);
        let o = ok(&args);
        assert!(o.contains("Wrote runs.parquet, series.parquet"));
        shards.push(dir);
    }
    let merged = d.join("merged");
    ok(&["merge", s(&shards[0]), s(&shards[1]), "--format", "parquet", "--out", s(&merged)]);
    for f in ["runs.parquet", "summary.parquet", "series.parquet"] {
        assert!(
            std::fs::read(whole.join(f)).unwrap() == std::fs::read(merged.join(f)).unwrap(),
            "{f} of the merged shards differs from the whole batch's"
        );
    }
    same_as_csv(&merged, "series");
}

#[test]
fn an_unknown_table_format_exits_2_naming_the_accepted_ones() {
    let d = scratch("bad");
    for cmd in [&["batch", "tabletop_the_vote", "--runs", "1"][..], &["merge", "x"][..]] {
        let mut args = cmd.to_vec();
        args.extend(["--format", "xlsx", "--out", s(&d)]);
        let err = bad(&args);
        assert!(err.contains("invalid value 'xlsx' for '--format"), "{err}");
        assert!(err.contains("possible values: csv, parquet"), "{err}");
    }
}
