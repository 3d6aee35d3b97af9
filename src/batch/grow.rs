//! Growing a batch: `--resume` with more runs per point or more sweep values adds to the
//! batch in a directory, keeping every row it holds.
//!
//! A run's seed depends only on the batch seed and the run's index (never on the point or
//! the number of runs), so run k of a grown batch is run k of the batch it grew from. More
//! runs add rows at the end of every point; more values of a sweep add points. Adding a
//! value to any sweep but the first renumbers points (the first sweep varies slowest): the
//! kept rows move to their new point numbers with everything else in them unchanged. A
//! change that would alter a kept row (another seed or scenario, fewer runs, a value
//! removed, a sweep added, removed or reordered) is refused, naming what changed.

use serde_json::Value;

use super::files::Manifest;
use super::sweep;

/// Why a batch cannot grow into another: what differs in a way that would alter kept rows.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GrowthError {
    /// A field that fixes the rows differs.
    #[error("{field} was {was}, now {now}")]
    Changed { field: String, was: String, now: String },
    /// Fewer runs than the batch has.
    #[error("runs was {was}, now {now}: a batch grows, it does not shrink (its rows would be dropped)")]
    Shrinks { was: u32, now: u32 },
    /// Other swept paths, or the same in another order.
    #[error(
        "the swept paths were [{was}], now [{now}]: a batch grows by more runs or more values of the same sweeps, in the same order"
    )]
    Paths { was: String, now: String },
    /// A design's points or joint sweeps changed.
    #[error(
        "a design or a sweep of parameters varied together grows by more runs only; keep its --vary, --design and --sweep as they were"
    )]
    DesignPoints,
    /// The batch is a shard.
    #[error(
        "a shard cannot grow (its share of the runs would change): merge the shards, then grow the merged batch"
    )]
    Shard,
    /// A swept value was left out.
    #[error(
        "sweep {path} had the value {value}, which is no longer swept: its rows would be dropped; keep every value and add new ones"
    )]
    ValueDropped { path: String, value: String },
}

/// How `new` relates to the batch `old` in a directory: the same batch (`None`), or a
/// growth of it with the new point number of every old point. The error names the first
/// thing that differs in a way that would alter kept rows.
pub fn growth(old: &Manifest, new: &Manifest) -> Result<Option<Vec<u32>>, GrowthError> {
    // Everything but the size of the batch must be the same.
    let mut same_size = new.clone();
    same_size.runs = old.runs;
    same_size.sweeps = old.sweeps.clone();
    same_size.points = old.points;
    same_size.arguments = old.arguments.clone();
    if let Some((field, was, now)) = old.difference(&same_size) {
        return Err(GrowthError::Changed {
            field: field.to_string(),
            was: was.to_string(),
            now: now.to_string(),
        });
    }
    if old.difference(new).is_none() {
        return Ok(None);
    }
    if new.runs < old.runs {
        return Err(GrowthError::Shrinks { was: old.runs, now: new.runs });
    }
    let paths = |m: &Manifest| m.sweeps.iter().map(|s| s.path.clone()).collect::<Vec<_>>();
    if paths(old) != paths(new) {
        return Err(GrowthError::Paths { was: paths(old).join(", "), now: paths(new).join(", ") });
    }
    if old.design.is_some() || old.sweeps.iter().chain(&new.sweeps).any(|s| s.joint) {
        // A design's points, or parameters varied together, are not a grid whose values can be
        // added one sweep at a time: such a batch grows by more runs only.
        if old.sweeps != new.sweeps || old.points != new.points {
            return Err(GrowthError::DesignPoints);
        }
        if old.shard.is_some() {
            return Err(GrowthError::Shard);
        }
        return Ok(Some((0..old.points).collect()));
    }
    let mut index: Vec<Vec<usize>> = Vec::new();
    for (o, n) in old.sweeps.iter().zip(&new.sweeps) {
        let mut at = Vec::new();
        for v in &o.values {
            let i = n
                .values
                .iter()
                .position(|w| w == v)
                .ok_or_else(|| GrowthError::ValueDropped { path: o.path.clone(), value: sweep::show(v) })?;
            at.push(i);
        }
        index.push(at);
    }
    if old.shard.is_some() {
        return Err(GrowthError::Shard);
    }
    let old_lengths: Vec<usize> = old.sweeps.iter().map(|s| s.values.len()).collect();
    let new_lengths: Vec<usize> = new.sweeps.iter().map(|s| s.values.len()).collect();
    let map = (0..old.points)
        .map(|p| {
            let pos = sweep::grid_position(&old_lengths, p as usize);
            let mut k = 0usize;
            for (d, &i) in pos.iter().enumerate() {
                k = k * new_lengths[d].max(1) + index[d][i];
            }
            k as u32
        })
        .collect();
    Ok(Some(map))
}

/// The values of a sweep that `new` adds to `old`, for the message about a growth.
pub fn describe(old: &Manifest, new: &Manifest) -> String {
    let mut parts = Vec::new();
    if new.runs > old.runs {
        parts.push(format!("runs per point {} -> {}", old.runs, new.runs));
    }
    for (o, n) in old.sweeps.iter().zip(&new.sweeps) {
        let added: Vec<String> =
            n.values.iter().filter(|v| !o.values.contains(v)).map(|v: &Value| sweep::show(v)).collect();
        if !added.is_empty() {
            parts.push(format!("{} += {}", o.path, added.join(",")));
        }
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(runs: u32, a: &[f64], b: &[f64]) -> Manifest {
        let m = crate::batch::files::test_manifest(1, runs, &[("a", a), ("b", b)]);
        Manifest { arguments: vec![format!("{runs}")], ..m }
    }

    #[test]
    fn more_runs_and_values_grow_a_batch_and_renumber_its_points() {
        let old = manifest(10, &[1.0, 2.0], &[5.0, 6.0]);
        assert_eq!(growth(&old, &old.clone()), Ok(None));
        assert_eq!(growth(&old, &manifest(20, &[1.0, 2.0], &[5.0, 6.0])), Ok(Some(vec![0, 1, 2, 3])));
        // A value of the first sweep appended: points keep their numbers.
        assert_eq!(growth(&old, &manifest(10, &[1.0, 2.0, 3.0], &[5.0, 6.0])), Ok(Some(vec![0, 1, 2, 3])));
        // A value of the last sweep put first: (1,5) (1,6) (2,5) (2,6) become 1, 2, 4, 5.
        let grown = manifest(10, &[1.0, 2.0], &[4.0, 5.0, 6.0]);
        assert_eq!(growth(&old, &grown), Ok(Some(vec![1, 2, 4, 5])));
        assert_eq!(describe(&old, &grown), "b += 4");
    }

    #[test]
    fn changes_that_alter_kept_rows_are_refused_by_name() {
        let old = manifest(10, &[1.0, 2.0], &[5.0, 6.0]);
        let e = growth(&old, &manifest(5, &[1.0, 2.0], &[5.0, 6.0])).unwrap_err().to_string();
        assert!(e.starts_with("runs was 10, now 5"), "{e}");
        let e = growth(&old, &manifest(10, &[1.0], &[5.0, 6.0])).unwrap_err().to_string();
        assert!(e.contains("sweep a had the value 2"), "{e}");
        let mut other = manifest(20, &[1.0, 2.0], &[5.0, 6.0]);
        other.seed = 2;
        assert_eq!(growth(&old, &other).unwrap_err().to_string(), "seed was 1, now 2");
        let mut swapped = old.clone();
        swapped.sweeps.reverse();
        assert!(
            growth(&old, &swapped)
                .unwrap_err()
                .to_string()
                .starts_with("the swept paths were [a, b], now [b, a]")
        );
    }
}
