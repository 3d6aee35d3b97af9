//! Comparing finished batches of different scenarios, such as the 2016 and 2020
//! sharing regimes: each metric's mean and 95% CI per batch, and the difference.
//!
//! When the batches share their seed and run count, run k of each started from
//! the same seed, so the difference is taken run by run (a paired t interval);
//! otherwise the two means are compared with Welch's interval.

use std::fmt::Write;
use std::path::Path;

use crate::numfmt::sensible;

use super::files::{self, Manifest, RunRow};
use super::plots::{self, Group};
use super::stats::{Stats, t975};
use super::{BatchError, DirError, metric_columns};

/// A finished, whole batch read back from its directory.
pub struct Finished {
    /// What to call it (for example "2016").
    pub label: String,
    /// Its manifest.
    pub manifest: Manifest,
    metrics: Vec<String>,
    rows: Vec<RunRow>,
}

impl Finished {
    /// Reads a finished whole batch of a single sweep point.
    pub fn load(label: &str, dir: &Path) -> Result<Finished, BatchError> {
        let manifest = files::read_manifest(dir)?;
        if manifest.shard.is_some() || manifest.points != 1 {
            let (points, shard) = (manifest.points, manifest.shard.is_some());
            return Err(DirError::CompareSwept { dir: dir.to_path_buf(), points, shard }.into());
        }
        let metrics = metric_columns(dir, &manifest)?;
        let mut rows = files::read_runs(dir, &manifest, &metrics, false)?;
        files::sort_rows(&mut rows);
        Ok(Finished { label: label.to_string(), manifest, metrics, rows })
    }

    /// A metric's value in every run that has one, as (run, value).
    pub fn values(&self, metric: &str) -> Result<Vec<(u32, f64)>, BatchError> {
        let j = self.metrics.iter().position(|m| m == metric).ok_or_else(|| DirError::NoMetric {
            metric: metric.to_string(),
            metrics: self.metrics.clone(),
        })?;
        Ok(self.rows.iter().filter_map(|r| r.values[j].map(|v| (r.run, v))).collect())
    }
}

/// The difference `b − a` of a metric's means with its 95% CI, and how it was taken.
pub fn difference(
    a: &Finished,
    b: &Finished,
    metric: &str,
) -> Result<Option<(f64, f64, f64, &'static str)>, BatchError> {
    let (va, vb) = (a.values(metric)?, b.values(metric)?);
    let paired = a.manifest.seed == b.manifest.seed && a.manifest.runs == b.manifest.runs;
    if paired {
        let d: Vec<f64> =
            vb.iter().filter_map(|(run, y)| va.iter().find(|(r, _)| r == run).map(|(_, x)| y - x)).collect();
        let s = Stats::of(&d);
        return Ok(s.mean.zip(s.ci95).map(|(m, (lo, hi))| (m, lo, hi, "paired by seed")));
    }
    let sa = Stats::of(&va.iter().map(|x| x.1).collect::<Vec<_>>());
    let sb = Stats::of(&vb.iter().map(|x| x.1).collect::<Vec<_>>());
    let (Some(ma), Some(sda), Some(mb), Some(sdb)) = (sa.mean, sa.sd, sb.mean, sb.sd) else {
        return Ok(None);
    };
    let (qa, qb) = (sda * sda / sa.n as f64, sdb * sdb / sb.n as f64);
    let se = (qa + qb).sqrt();
    let df = (qa + qb).powi(2) / (qa * qa / (sa.n as f64 - 1.0) + qb * qb / (sb.n as f64 - 1.0));
    let half = t975(df.floor().max(1.0) as u64) * se;
    let m = mb - ma;
    Ok(Some((m, m - half, m + half, "Welch")))
}

/// A Markdown table: every metric's mean [95% CI] in each batch, and the change from the first to the second.
pub fn markdown(a: &Finished, b: &Finished, metrics: &[&str]) -> Result<String, BatchError> {
    let mut t = String::new();
    let _ = writeln!(t, "| metric | {} | {} | change (95% CI) |", a.label, b.label);
    let _ = writeln!(t, "|---|---|---|---|");
    for &m in metrics {
        let cell = |f: &Finished| -> Result<String, BatchError> {
            let s = Stats::of_metric(m, &f.values(m)?.iter().map(|x| x.1).collect::<Vec<_>>());
            Ok(match (s.mean, s.ci95) {
                (Some(mean), Some((lo, hi))) => {
                    format!("{} [{}, {}] (n={})", sensible(mean), sensible(lo), sensible(hi), s.n)
                }
                (Some(mean), None) => format!("{} (n={})", sensible(mean), s.n),
                _ => "no value".into(),
            })
        };
        let change = match difference(a, b, m)? {
            Some((d, lo, hi, how)) => {
                format!(
                    "{}{} [{}, {}] ({how})",
                    if d > 0.0 { "+" } else { "" },
                    sensible(d),
                    sensible(lo),
                    sensible(hi)
                )
            }
            None => "-".into(),
        };
        let _ = writeln!(t, "| {m} | {} | {} | {change} |", cell(a)?, cell(b)?);
    }
    Ok(t)
}

/// An SVG chart: one panel per metric, one box per batch.
pub fn svg(batches: &[Finished], metrics: &[&str], title: &str) -> Result<String, BatchError> {
    let mut panels = Vec::new();
    for &m in metrics {
        let mut groups = Vec::new();
        for f in batches {
            let v: Vec<f64> = f.values(m)?.into_iter().map(|x| x.1).collect();
            groups.push(Group::new(f.label.clone(), m, v));
        }
        panels.push((m.to_string(), groups));
    }
    Ok(plots::comparison_svg(title, &panels))
}
