//! The calendar: work queued by simulated hour, so an hour with nothing due costs nothing
//! and a headless run jumps over it.

use std::collections::BTreeMap;

use bevy_ecs::prelude::*;

use crate::time::Tick;

/// A queue of work by tick, drained in insertion order within a tick.
///
/// Insertion order is deterministic because the whole tick runs on one
/// thread in a fixed system order. Only ticks with work are stored, so an
/// idle calendar costs nothing to create or to ask.
#[derive(Resource, Clone)]
pub struct Calendar<T: Send + Sync + 'static> {
    buckets: BTreeMap<u32, Vec<T>>,
    ticks: u32,
    len: usize,
    /// Emptied buckets given back by [`Calendar::recycle`], reused for new hours.
    spare: Vec<Vec<T>>,
}

impl<T: Send + Sync + 'static> Calendar<T> {
    /// A calendar for `ticks` ticks.
    pub fn new(ticks: u32) -> Self {
        Calendar { buckets: BTreeMap::new(), ticks, len: 0, spare: Vec::new() }
    }

    /// Schedules an item; items past the end of the clock never happen and are dropped.
    pub fn schedule(&mut self, tick: Tick, item: T) -> bool {
        if tick.0 >= self.ticks {
            return false;
        }
        let spare = &mut self.spare;
        self.buckets.entry(tick.0).or_insert_with(|| spare.pop().unwrap_or_default()).push(item);
        self.len += 1;
        true
    }

    /// Schedules several items for one tick, in order.
    pub fn schedule_all(&mut self, tick: Tick, items: impl IntoIterator<Item = T>) {
        if tick.0 >= self.ticks {
            return;
        }
        let spare = &mut self.spare;
        let bucket = self.buckets.entry(tick.0).or_insert_with(|| spare.pop().unwrap_or_default());
        let before = bucket.len();
        bucket.extend(items);
        self.len += bucket.len() - before;
    }

    /// Takes the items due at a tick.
    pub fn take(&mut self, tick: Tick) -> Vec<T> {
        match self.buckets.remove(&tick.0) {
            Some(v) => {
                self.len -= v.len();
                v
            }
            None => Vec::new(),
        }
    }

    /// Gives back a bucket [`Calendar::take`] returned, once drained, so the steady state
    /// of a run allocates no new buckets.
    pub fn recycle(&mut self, mut bucket: Vec<T>) {
        bucket.clear();
        if bucket.capacity() > 0 && self.spare.len() < 64 {
            self.spare.push(bucket);
        }
    }

    /// Whether anything is due at a tick.
    pub fn has(&self, tick: Tick) -> bool {
        self.buckets.contains_key(&tick.0)
    }

    /// The first tick at or after `from` with something due.
    pub fn next_due(&self, from: Tick) -> Option<Tick> {
        // Hours are taken as they are simulated, so the first bucket is almost always the
        // answer, and finding it needs no comparisons on the way down the tree.
        match self.buckets.first_key_value() {
            Some((t, _)) if *t >= from.0 => Some(Tick(*t)),
            Some(_) => self.buckets.range(from.0..).next().map(|(t, _)| Tick(*t)),
            None => None,
        }
    }

    /// Items waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Nothing waiting.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Looks at the items due at a tick without taking them.
    pub fn peek(&self, tick: Tick) -> &[T] {
        self.buckets.get(&tick.0).map_or(&[], Vec::as_slice)
    }
}
