//! `ttx merge`: checks that the given directories are every shard of one batch, then joins
//! them into the files one unsharded run writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::files::{self, Manifest};
use super::runner::{default_jobs, finish, print_table};
use super::{BatchError, MergeError, detail, metric_columns};
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
        return Err(MergeError::NoShards.into());
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
        return Err(MergeError::OutIsShard { out: out_dir.to_path_buf() }.into());
    }
    let mut whole = first.clone();
    whole.shard = None;
    whole.build = Some(files::Build::this());
    if out_dir.join("manifest.json").exists() {
        let there = files::read_manifest(out_dir)?;
        if there.difference(&whole).is_some() || there.shard.is_some() {
            return Err(MergeError::OutHoldsBatch { out: out_dir.to_path_buf() }.into());
        }
    }

    let metrics = metric_columns(first_dir, first)?;
    let mut rows = Vec::new();
    for (d, m) in &shards {
        let mut mine = files::read_runs(d, m, &metrics, false)?;
        files::sort_rows(&mut mine);
        let want = m.tasks().len();
        if mine.len() != want {
            return Err(MergeError::Incomplete {
                shard: m.shard,
                dir: d.clone(),
                rows: mine.len(),
                want,
                resume: m.resume_command(d),
            }
            .into());
        }
        rows.extend(mine);
    }
    std::fs::create_dir_all(out_dir)
        .map_err(|source| MergeError::OutUncreatable { out: out_dir.to_path_buf(), source })?;
    let dirs: Vec<PathBuf> = shards.iter().map(|(d, _)| d.clone()).collect();
    detail::merge(&dirs, out_dir, whole.series.is_some(), whole.entities)?;
    let sums = finish(out_dir, &whole, &metrics, &mut rows, plots, default_jobs())?;
    writeln!(out, "Merged {} shard(s), {} runs -> {}", shards.len(), rows.len(), out_dir.display())
        .map_err(BatchError::Output)?;
    print_table(out, &whole, &sums, !plots.is_empty()).map_err(BatchError::Output)?;
    if format == super::parquet::TableFormat::Parquet {
        let written = super::parquet::write(out_dir, &whole, &metrics)?;
        writeln!(out, "Wrote {}", written.join(", ")).map_err(BatchError::Output)?;
    }
    Ok(())
}

/// Checks that `shards` (never empty) are the shards of one batch, each given once and none
/// missing, or a single whole batch.
fn check_shards(shards: &[(PathBuf, Manifest)]) -> Result<(), MergeError> {
    let (first_dir, first) = &shards[0];
    for (d, m) in &shards[1..] {
        if let Some((field, first_value, second_value)) = first.difference(m) {
            return Err(MergeError::OtherBatch {
                first: first_dir.clone(),
                second: d.clone(),
                field,
                first_value,
                second_value,
            });
        }
    }
    // Which shards are here: all N of N, or a single whole batch.
    match first.shard {
        None => {
            if shards.len() > 1 {
                return Err(MergeError::WholeAmongShards { dir: first_dir.clone() });
            }
        }
        Some(s0) => {
            let mut seen: Vec<Option<&Path>> = vec![None; s0.count as usize];
            for (d, m) in shards {
                let Some(s) = m.shard else {
                    return Err(MergeError::NotShard { dir: d.clone() });
                };
                if s.count != s0.count {
                    return Err(MergeError::OtherSplit {
                        first: first_dir.clone(),
                        first_shard: s0,
                        second: d.clone(),
                        second_shard: s,
                    });
                }
                if let Some(other) = seen[s.index as usize] {
                    return Err(MergeError::ShardTwice {
                        shard: s,
                        first: other.to_path_buf(),
                        second: d.clone(),
                    });
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
                return Err(MergeError::Missing { missing });
            }
        }
    }
    Ok(())
}
