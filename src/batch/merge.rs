//! `ttx merge`: checks that the given directories are every shard of one batch, then joins
//! them into the files one unsharded run writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::files::{self, Manifest};
use super::runner::{default_jobs, finish, print_table};
use super::{BatchError, detail, metric_columns, shard_name};
use crate::chart::Format;

/// `ttx merge`: joins the shard directories of one batch into the files one unsharded run writes.
pub fn merge(
    dirs: &[PathBuf],
    out_dir: &Path,
    plots: &[Format],
    format: super::parquet::TableFormat,
    out: &mut dyn Write,
) -> Result<(), BatchError> {
    if dirs.is_empty() {
        return Err(BatchError::Input("ttx merge: give the shard directories to join".into()));
    }
    let mut shards: Vec<(PathBuf, Manifest)> = Vec::new();
    for d in dirs {
        shards.push((d.clone(), files::read_manifest(d)?));
    }
    check_shards(&shards)?;
    let (first_dir, first) = &shards[0];
    // The merged directory must not be one of the shards, nor hold another batch.
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    if let Some(o) = canon(out_dir)
        && shards.iter().any(|(d, _)| canon(d).as_ref() == Some(&o))
    {
        return Err(BatchError::Input(format!(
            "--out {}: this is one of the shards being merged; choose another directory",
            out_dir.display()
        )));
    }
    let mut whole = first.clone();
    whole.shard = None;
    whole.build = Some(files::Build::this());
    if out_dir.join("manifest.json").exists() {
        let there = files::read_manifest(out_dir)?;
        if there.difference(&whole).is_some() || there.shard.is_some() {
            return Err(BatchError::Input(format!(
                "--out {}: this directory already holds another batch; choose another --out",
                out_dir.display()
            )));
        }
    }

    let metrics = metric_columns(first_dir, first)?;
    let mut rows = Vec::new();
    for (d, m) in &shards {
        let mut mine = files::read_runs(d, m, &metrics, false)?;
        files::sort_rows(&mut mine);
        let want = m.tasks().len();
        if mine.len() != want {
            return Err(BatchError::Input(format!(
                "cannot merge: {} in {} is incomplete: {} of its {} runs are there\nto complete it: {}",
                shard_name(m.shard),
                d.display(),
                mine.len(),
                want,
                m.resume_command(d)
            )));
        }
        rows.extend(mine);
    }
    std::fs::create_dir_all(out_dir).map_err(|e| {
        BatchError::Input(format!("--out {}: cannot create the directory: {e}", out_dir.display()))
    })?;
    let dirs: Vec<PathBuf> = shards.iter().map(|(d, _)| d.clone()).collect();
    detail::merge(&dirs, out_dir, whole.series.is_some(), whole.entities)?;
    let sums = finish(out_dir, &whole, &metrics, &mut rows, plots, default_jobs())?;
    writeln!(out, "Merged {} shard(s), {} runs -> {}", shards.len(), rows.len(), out_dir.display())?;
    print_table(out, &whole, &sums, !plots.is_empty())?;
    if format == super::parquet::TableFormat::Parquet {
        writeln!(out, "Wrote {}", super::parquet::write(out_dir, &whole, &metrics)?.join(", "))?;
    }
    Ok(())
}

/// Checks that `shards` (never empty) are the shards of one batch, each given once and none
/// missing, or a single whole batch.
fn check_shards(shards: &[(PathBuf, Manifest)]) -> Result<(), BatchError> {
    let (first_dir, first) = &shards[0];
    for (d, m) in &shards[1..] {
        if let Some((field, a, b)) = first.difference(m) {
            return Err(BatchError::Input(format!(
                "cannot merge: {} and {} are not shards of the same batch: {field} is {a} in the first and {b} in the second",
                first_dir.display(),
                d.display()
            )));
        }
    }
    // Which shards are here: all N of N, or a single whole batch.
    match first.shard {
        None => {
            if shards.len() > 1 {
                return Err(BatchError::Input(format!(
                    "cannot merge: {} holds a whole (unsharded) batch; merge only the shards of one batch",
                    first_dir.display()
                )));
            }
        }
        Some(s0) => {
            let mut seen: Vec<Option<&Path>> = vec![None; s0.count as usize];
            for (d, m) in shards {
                let Some(s) = m.shard else {
                    return Err(BatchError::Input(format!(
                        "cannot merge: {} holds a whole (unsharded) batch, not a shard",
                        d.display()
                    )));
                };
                if s.count != s0.count {
                    return Err(BatchError::Input(format!(
                        "cannot merge: {} is shard {}/{} but {} is shard {}/{}: the batch was split differently",
                        first_dir.display(),
                        s0.index,
                        s0.count,
                        d.display(),
                        s.index,
                        s.count
                    )));
                }
                if let Some(other) = seen[s.index as usize] {
                    return Err(BatchError::Input(format!(
                        "cannot merge: shard {}/{} is given twice ({} and {})",
                        s.index,
                        s.count,
                        other.display(),
                        d.display()
                    )));
                }
                seen[s.index as usize] = Some(d.as_path());
            }
            let missing: Vec<String> = seen
                .iter()
                .enumerate()
                .filter(|(_, d)| d.is_none())
                .map(|(i, _)| format!("{i}/{}", s0.count))
                .collect();
            if !missing.is_empty() {
                return Err(BatchError::Input(format!(
                    "cannot merge: shard{} {} of this batch {} missing; give every shard's directory",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", "),
                    if missing.len() == 1 { "is" } else { "are" }
                )));
            }
        }
    }
    Ok(())
}
