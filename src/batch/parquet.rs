//! Parquet copies of a batch's tables, for `ttx batch --format parquet` and
//! `ttx merge --format parquet`: runs.parquet, summary.parquet, series.parquet,
//! campaigns.parquet and jurisdictions.parquet beside the CSV files they copy.
//!
//! Each is made from its finished CSV file, so it holds the same rows in the same order with
//! the same columns; the CSV files stay, since `--resume`, `ttx merge`, `ttx sensitivity` and
//! the batch report read them. Every column has one type, fixed by what the column is (not by
//! the values it happens to hold): see [`Kind`] and docs/batch.md. An empty CSV cell is a null.
//! Files are written a row group of [`ROWS_PER_GROUP`] rows at a time, Snappy-compressed.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use serde_json::Value;

use super::detail::{CAMPAIGN_COLUMNS, JURISDICTION_COLUMNS, SERIES_METRICS};
use super::{BatchError, DirError, Manifest};

/// How a batch writes its tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TableFormat {
    /// CSV only.
    #[default]
    Csv,
    /// CSV, and a Parquet copy of each table.
    Parquet,
}

/// Rows per row group: a million rows of a wide table is some hundreds of megabytes held
/// while a group is written.
pub const ROWS_PER_GROUP: usize = 1 << 20;

/// The type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A signed 64-bit integer (points, runs, counts, hours).
    Int,
    /// An unsigned 64-bit integer (run seeds).
    UInt,
    /// A 64-bit float (metrics and statistics, exactly the number the CSV cell spells).
    Float,
    /// UTF-8 text (ids, metric names, text sweep values).
    Text,
    /// A boolean written `1`/`0` in the CSV file.
    Flag,
    /// A boolean written `true`/`false` in the CSV file (a swept boolean parameter).
    Bool,
}

/// A column: its name, type, and whether it may be null.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The CSV header's name.
    pub name: String,
    /// Its type.
    pub kind: Kind,
    /// Never empty (point and run).
    pub required: bool,
}

fn col(name: &str, kind: Kind) -> Column {
    Column { name: name.to_string(), kind, required: false }
}

fn key(name: &str) -> Column {
    Column { name: name.to_string(), kind: Kind::Int, required: true }
}

/// The type of a swept parameter's column, from every value it takes in the batch: integers,
/// numbers, booleans, or else text.
fn sweep_kinds(m: &Manifest) -> Vec<Kind> {
    let mut kinds: Vec<Option<Kind>> = vec![None; m.sweeps.len()];
    for p in 0..m.points {
        for (k, v) in kinds.iter_mut().zip(m.point_values(p)) {
            let here = match &v {
                Value::Number(n) if n.is_i64() => Kind::Int,
                Value::Number(_) => Kind::Float,
                Value::Bool(_) => Kind::Bool,
                _ => Kind::Text,
            };
            *k = Some(match (*k, here) {
                (None, h) => h,
                (Some(a), h) if a == h => a,
                (Some(Kind::Int | Kind::Float), Kind::Int | Kind::Float) => Kind::Float,
                _ => Kind::Text,
            });
        }
    }
    kinds.into_iter().map(|k| k.unwrap_or(Kind::Text)).collect()
}

fn sweep_columns(m: &Manifest) -> Vec<Column> {
    m.sweeps.iter().zip(sweep_kinds(m)).map(|(s, k)| col(&s.path, k)).collect()
}

/// The columns of runs.csv.
pub fn runs_columns(m: &Manifest, metrics: &[String]) -> Vec<Column> {
    let mut c =
        vec![key("point"), key("run"), Column { name: "seed".into(), kind: Kind::UInt, required: true }];
    c.extend(sweep_columns(m));
    c.extend(metrics.iter().map(|n| col(n, Kind::Float)));
    c
}

/// The columns of summary.csv.
pub fn summary_columns(m: &Manifest) -> Vec<Column> {
    let mut c = vec![key("point")];
    c.extend(sweep_columns(m));
    c.push(col("metric", Kind::Text));
    c.push(col("n", Kind::Int));
    c.extend(["mean", "sd", "ci95_low", "ci95_high", "p5", "p50", "p95"].map(|n| col(n, Kind::Float)));
    c
}

/// The columns of series.csv.
pub fn series_columns() -> Vec<Column> {
    let mut c = vec![key("point"), key("run"), col("time_h", Kind::Int), col("time", Kind::Text)];
    c.extend(SERIES_METRICS.iter().map(|(n, _)| col(n, Kind::Float)));
    c
}

/// The type of a column of campaigns.csv or jurisdictions.csv.
fn entity_kind(name: &str) -> Option<Kind> {
    Some(match name {
        "campaign" | "adversary" | "jurisdiction" | "state" | "kind" | "targeted_by" | "warned_indicator"
        | "warned_campaign" | "warned_channel" => Kind::Text,
        "started_h" | "attempts" | "targets" | "warned_targets" | "compromises" | "detected_h"
        | "shared_h" | "alerted_h" | "targeted_h" | "warned_h" | "compromised_h" | "dwell_h" => Kind::Int,
        "warned_before_targeted" | "dwell_censored" => Kind::Flag,
        _ => return None,
    })
}

fn entity_columns(names: &[&str]) -> Result<Vec<Column>, BatchError> {
    let mut c = vec![key("point"), key("run")];
    for n in names {
        let kind = entity_kind(n).ok_or_else(|| BatchError::ParquetNoType { column: n.to_string() })?;
        c.push(col(n, kind));
    }
    Ok(c)
}

/// A table of a batch directory: its CSV file, its Parquet file, and its columns.
pub type Table = (&'static str, &'static str, Vec<Column>);

/// The tables a batch directory holds.
pub fn tables(m: &Manifest, metrics: &[String]) -> Result<Vec<Table>, BatchError> {
    let mut t = vec![("runs.csv", "runs.parquet", runs_columns(m, metrics))];
    if m.shard.is_none() {
        t.push(("summary.csv", "summary.parquet", summary_columns(m)));
    }
    if m.series.is_some() {
        t.push(("series.csv", "series.parquet", series_columns()));
    }
    if m.entities {
        t.push(("campaigns.csv", "campaigns.parquet", entity_columns(CAMPAIGN_COLUMNS)?));
        t.push(("jurisdictions.csv", "jurisdictions.parquet", entity_columns(JURISDICTION_COLUMNS)?));
    }
    Ok(t)
}

/// Writes the Parquet copy of every table of a finished batch directory; returns the files'
/// names.
pub fn write(dir: &Path, m: &Manifest, metrics: &[String]) -> Result<Vec<&'static str>, BatchError> {
    let mut names = Vec::new();
    for (csv_name, name, columns) in tables(m, metrics)? {
        convert(&dir.join(csv_name), &dir.join(name), &columns)?;
        names.push(name);
    }
    Ok(names)
}

/// One column's values of the row group being filled, and its definition levels.
enum Values {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Text(Vec<ByteArray>),
    Bool(Vec<bool>),
}

struct Buffer {
    values: Values,
    defined: Vec<i16>,
}

impl Buffer {
    fn new(kind: Kind) -> Buffer {
        let values = match kind {
            Kind::Int | Kind::UInt => Values::Int(Vec::new()),
            Kind::Float => Values::Float(Vec::new()),
            Kind::Text => Values::Text(Vec::new()),
            Kind::Flag | Kind::Bool => Values::Bool(Vec::new()),
        };
        Buffer { values, defined: Vec::new() }
    }

    fn clear(&mut self) {
        self.defined.clear();
        match &mut self.values {
            Values::Int(v) => v.clear(),
            Values::Float(v) => v.clear(),
            Values::Text(v) => v.clear(),
            Values::Bool(v) => v.clear(),
        }
    }

    /// Adds one cell; `Err` says what the cell should have been.
    fn push(&mut self, c: &Column, cell: &[u8]) -> Result<(), &'static str> {
        if cell.is_empty() {
            if c.required {
                return Err("a value (it is never empty)");
            }
            self.defined.push(0);
            return Ok(());
        }
        let text = std::str::from_utf8(cell).map_err(|_| "UTF-8 text")?;
        match (&mut self.values, c.kind) {
            (Values::Int(v), Kind::Int) => v.push(text.parse().map_err(|_| "an integer")?),
            // The unsigned 64-bit value's bits, as Parquet stores UINT_64.
            (Values::Int(v), _) => v.push(text.parse::<u64>().map_err(|_| "an unsigned integer")? as i64),
            (Values::Float(v), _) => v.push(text.parse().map_err(|_| "a number")?),
            (Values::Text(v), _) => v.push(ByteArray::from(cell.to_vec())),
            (Values::Bool(v), Kind::Flag) => v.push(match text {
                "1" => true,
                "0" => false,
                _ => return Err("1 or 0"),
            }),
            (Values::Bool(v), _) => v.push(text.parse().map_err(|_| "true or false")?),
        }
        self.defined.push(1);
        Ok(())
    }
}

fn schema(columns: &[Column]) -> parquet::errors::Result<Arc<Type>> {
    let mut fields = Vec::with_capacity(columns.len());
    for c in columns {
        let (physical, logical) = match c.kind {
            Kind::Int => (Physical::INT64, None),
            Kind::UInt => (Physical::INT64, Some(LogicalType::integer(64, false))),
            Kind::Float => (Physical::DOUBLE, None),
            Kind::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
            Kind::Flag | Kind::Bool => (Physical::BOOLEAN, None),
        };
        let repetition = if c.required { Repetition::REQUIRED } else { Repetition::OPTIONAL };
        fields.push(Arc::new(
            Type::primitive_type_builder(&c.name, physical)
                .with_repetition(repetition)
                .with_logical_type(logical)
                .build()?,
        ));
    }
    Ok(Arc::new(Type::group_type_builder("schema").with_fields(fields).build()?))
}

fn write_group(
    w: &mut SerializedFileWriter<&mut File>,
    columns: &[Column],
    buffers: &[Buffer],
) -> parquet::errors::Result<()> {
    let mut group = w.next_row_group()?;
    for (c, b) in columns.iter().zip(buffers) {
        let Some(mut cw) = group.next_column()? else { break };
        let levels = if c.required { None } else { Some(b.defined.as_slice()) };
        match &b.values {
            Values::Int(v) => cw.typed::<Int64Type>().write_batch(v, levels, None)?,
            Values::Float(v) => cw.typed::<DoubleType>().write_batch(v, levels, None)?,
            Values::Text(v) => cw.typed::<ByteArrayType>().write_batch(v, levels, None)?,
            Values::Bool(v) => cw.typed::<BoolType>().write_batch(v, levels, None)?,
        };
        cw.close()?;
    }
    group.close()?;
    Ok(())
}

/// Why a conversion stopped: a cell that is not what its column holds, or an I/O or Parquet error.
enum Stop {
    Cell(CellError),
    Io(std::io::Error),
}

/// A cell of a table that does not fit its Parquet column.
#[derive(Debug, thiserror::Error)]
pub enum CellError {
    /// The CSV reader refused a line.
    #[error("{}: {source}", .path.display())]
    Csv {
        /// The CSV file.
        path: std::path::PathBuf,
        /// Why.
        source: csv::Error,
    },
    /// A line with another number of cells than columns.
    #[error("{} line {line}: {cells} cells, but the header names {columns} columns", .path.display())]
    Width {
        /// The CSV file.
        path: std::path::PathBuf,
        /// The line.
        line: u64,
        /// Cells on it.
        cells: usize,
        /// Columns of the header.
        columns: usize,
    },
    /// A cell that is not of its column's kind.
    #[error("{} line {line}, column {column}: `{cell}` is not {want}", .path.display())]
    Kind {
        /// The CSV file.
        path: std::path::PathBuf,
        /// The line.
        line: u64,
        /// The column.
        column: String,
        /// The cell.
        cell: String,
        /// What the column holds.
        want: &'static str,
    },
}

impl From<parquet::errors::ParquetError> for Stop {
    fn from(e: parquet::errors::ParquetError) -> Self {
        Stop::Io(std::io::Error::other(e))
    }
}

/// Converts one CSV file, whose header must name `columns` in order, to a Parquet file.
pub fn convert(csv_path: &Path, out: &Path, columns: &[Column]) -> Result<(), BatchError> {
    convert_in_groups(csv_path, out, columns, ROWS_PER_GROUP)
}

fn convert_in_groups(
    csv_path: &Path,
    out: &Path,
    columns: &[Column],
    group_rows: usize,
) -> Result<(), BatchError> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(csv_path)
        .map_err(|source| BatchError::ReadCsv { path: csv_path.to_path_buf(), source })?;
    let header =
        rd.headers().map_err(|source| BatchError::ReadCsv { path: csv_path.to_path_buf(), source })?;
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    if !header.iter().eq(names.iter().copied()) {
        let expected = names.iter().map(|n| n.to_string()).collect();
        return Err(DirError::ParquetColumns { path: csv_path.to_path_buf(), expected }.into());
    }
    let schema = schema(columns).map_err(BatchError::ParquetSchema)?;
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("ttx {}", env!("CARGO_PKG_VERSION")))
            .set_max_row_group_row_count(Some(group_rows))
            .build(),
    );
    let mut stop = None;
    let result = crate::fsio::write_atomic_with(out, |file| {
        let run = || -> Result<(), Stop> {
            let mut w = SerializedFileWriter::new(file, schema, props)?;
            let mut buffers: Vec<Buffer> = columns.iter().map(|c| Buffer::new(c.kind)).collect();
            let mut record = csv::ByteRecord::new();
            let mut rows = 0;
            loop {
                let more = rd
                    .read_byte_record(&mut record)
                    .map_err(|source| Stop::Cell(CellError::Csv { path: csv_path.to_path_buf(), source }))?;
                if more {
                    let line = record.position().map_or(0, |p| p.line());
                    if record.len() != columns.len() {
                        return Err(Stop::Cell(CellError::Width {
                            path: csv_path.to_path_buf(),
                            line,
                            cells: record.len(),
                            columns: columns.len(),
                        }));
                    }
                    for ((c, b), cell) in columns.iter().zip(&mut buffers).zip(record.iter()) {
                        b.push(c, cell).map_err(|want| {
                            Stop::Cell(CellError::Kind {
                                path: csv_path.to_path_buf(),
                                line,
                                column: c.name.clone(),
                                cell: String::from_utf8_lossy(cell).into_owned(),
                                want,
                            })
                        })?;
                    }
                    rows += 1;
                }
                if rows == group_rows || (!more && rows > 0) {
                    write_group(&mut w, columns, &buffers)?;
                    buffers.iter_mut().for_each(Buffer::clear);
                    rows = 0;
                }
                if !more {
                    break;
                }
            }
            w.close()?;
            Ok(())
        };
        run().map_err(|s| match s {
            Stop::Io(e) => e,
            Stop::Cell(m) => {
                stop = Some(m);
                std::io::Error::other("a cell does not fit its column")
            }
        })
    });
    match (result, stop) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(cell)) => Err(DirError::ParquetCell(cell).into()),
        (Err(e), None) => Err(BatchError::Write { path: out.to_path_buf(), source: e }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_column_has_a_type() {
        for n in CAMPAIGN_COLUMNS.iter().chain(JURISDICTION_COLUMNS) {
            assert!(entity_kind(n).is_some(), "{n} has no Parquet type");
        }
    }

    #[test]
    fn the_series_columns_are_the_header_of_series_csv() {
        let names: Vec<String> = series_columns().into_iter().map(|c| c.name).collect();
        assert_eq!(format!("{}\n", names.join(",")), super::super::detail::series_header());
    }

    #[test]
    fn a_cell_that_does_not_fit_its_column_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("t.csv");
        std::fs::write(&csv_path, "point,x\n0,1.5\n1,abc\n").unwrap();
        let columns = vec![key("point"), col("x", Kind::Float)];
        let e = convert(&csv_path, &dir.path().join("t.parquet"), &columns).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("line 3, column x: `abc` is not a number"), "{}", e.message());
        assert!(!dir.path().join("t.parquet").exists());
        // A required column left empty.
        std::fs::write(&csv_path, "point,x\n,1.5\n").unwrap();
        let e = convert(&csv_path, &dir.path().join("t.parquet"), &columns).unwrap_err();
        assert!(
            e.message().contains("column point: `` is not a value (it is never empty)"),
            "{}",
            e.message()
        );
        // Columns other than the expected ones.
        std::fs::write(&csv_path, "point,y\n0,1\n").unwrap();
        let e = convert(&csv_path, &dir.path().join("t.parquet"), &columns).unwrap_err();
        assert!(
            e.message().contains("does not have the columns this ttx writes (point,x)"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn row_groups_split_a_long_table_and_keep_every_row() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::record::RowAccessor;
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("t.csv");
        let n = 1000 + 3;
        let mut text = String::from("point,x\n");
        for i in 0..n {
            text.push_str(&format!("{i},{}\n", if i % 2 == 0 { "" } else { "0.1" }));
        }
        std::fs::write(&csv_path, text).unwrap();
        let out = dir.path().join("t.parquet");
        convert_in_groups(&csv_path, &out, &[key("point"), col("x", Kind::Float)], 1000).unwrap();
        let r = SerializedFileReader::new(File::open(&out).unwrap()).unwrap();
        assert_eq!(r.metadata().num_row_groups(), 2);
        assert_eq!(r.metadata().file_metadata().num_rows(), n as i64);
        let rows: Vec<_> = r.get_row_iter(None).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), n);
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.get_long(0).unwrap(), i as i64);
            if i % 2 == 0 {
                assert!(row.get_double(1).is_err(), "row {i}: an empty cell is a null");
            } else {
                assert_eq!(row.get_double(1).unwrap(), 0.1, "row {i}");
            }
        }
    }
}
