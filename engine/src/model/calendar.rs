//! The calendar: work queued by simulated hour, so an hour with nothing due costs nothing
//! and a headless run jumps over it.

use bevy_ecs::prelude::*;

use crate::time::Tick;

/// The slots of 64 consecutive ticks (the ticks of one word of [`Calendar`]'s bits): each
/// tick's bucket, as its index in the calendar's buckets plus one, or 0 for none.
type Page = [u32; 64];

/// A queue of work by tick, drained in insertion order within a tick.
///
/// Insertion order is deterministic because the whole tick runs on one
/// thread in a fixed system order. The clock's length is known when the calendar is
/// made, so every tick has a bit saying whether it has work, with a second level of bits
/// over the words of the first: the next tick with work is found in a few word
/// operations however far away it is. Only the 64-tick stretches with work hold a page
/// of slots naming their ticks' buckets, so making, copying and emptying a calendar cost
/// what it holds, not the length of the clock.
#[derive(Resource)]
pub struct Calendar<T: Send + Sync + 'static> {
    /// Bit `t % 64` of word `t / 64` is set when tick `t` has a bucket.
    due: Vec<u64>,
    /// Bit `w % 64` of word `w / 64` is set when word `w` of `due` is not zero.
    words: Vec<u64>,
    /// For each word of `due`, its page's index in `pages` plus one, or 0 when the word is
    /// zero.
    page_of: Vec<u32>,
    /// Pages in use, and zeroed ones listed in `free_pages`.
    pages: Vec<Page>,
    free_pages: Vec<u32>,
    /// The buckets of the ticks that have one, in no particular order.
    buckets: Vec<Vec<T>>,
    /// The tick of each bucket, beside it.
    bucket_ticks: Vec<u32>,
    ticks: u32,
    len: usize,
    /// Emptied buckets given back by [`Calendar::recycle`], reused for new hours.
    spare: Vec<Vec<T>>,
}

impl<T: Send + Sync + 'static> Calendar<T> {
    /// A calendar for `ticks` ticks.
    pub fn new(ticks: u32) -> Self {
        let due_words = (ticks as usize).div_ceil(64);
        Calendar {
            due: vec![0; due_words],
            words: vec![0; due_words.div_ceil(64)],
            page_of: vec![0; due_words],
            pages: Vec::new(),
            free_pages: Vec::new(),
            buckets: Vec::new(),
            bucket_ticks: Vec::new(),
            ticks,
            len: 0,
            spare: Vec::new(),
        }
    }

    /// Empties the calendar for a new run of `ticks` ticks, keeping its room (its pages
    /// when the clock is as long, and up to 64 of its buckets as spare ones).
    pub fn reset(&mut self, ticks: u32) {
        if self.ticks != ticks {
            let spare = std::mem::take(&mut self.spare);
            *self = Calendar { spare, ..Calendar::new(ticks) };
        }
        for &t in &self.bucket_ticks {
            let w = t as usize / 64;
            let p = std::mem::take(&mut self.page_of[w]);
            if p != 0 {
                self.pages[p as usize - 1] = [0; 64];
                self.free_pages.push(p - 1);
            }
            self.due[w] = 0;
            self.words[w / 64] = 0;
        }
        self.bucket_ticks.clear();
        let mut buckets = std::mem::take(&mut self.buckets);
        for bucket in buckets.drain(..) {
            self.recycle(bucket);
        }
        self.buckets = buckets;
        self.len = 0;
    }

    /// Schedules an item; items past the end of the clock never happen and are dropped.
    pub fn schedule(&mut self, tick: Tick, item: T) -> bool {
        match self.bucket_mut(tick) {
            Some(bucket) => {
                bucket.push(item);
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// Schedules several items for one tick, in order.
    pub fn schedule_all(&mut self, tick: Tick, items: impl IntoIterator<Item = T>) {
        if let Some(bucket) = self.bucket_mut(tick) {
            let before = bucket.len();
            bucket.extend(items);
            let added = bucket.len() - before;
            self.len += added;
        }
    }

    /// The bucket of a tick within the clock, made (from a spare one if any) if the tick
    /// has none yet.
    #[inline]
    fn bucket_mut(&mut self, tick: Tick) -> Option<&mut Vec<T>> {
        if tick.0 >= self.ticks {
            return None;
        }
        let (t, w) = (tick.0 as usize, tick.0 as usize / 64);
        let p = match self.page_of[w] {
            0 => self.open_page(w),
            p => p as usize - 1,
        };
        let slot = &mut self.pages[p][t % 64];
        let i = if *slot != 0 {
            *slot as usize - 1
        } else {
            self.buckets.push(self.spare.pop().unwrap_or_default());
            self.bucket_ticks.push(tick.0);
            *slot = self.buckets.len() as u32;
            self.due[w] |= 1 << (t % 64);
            self.words[w / 64] |= 1 << (w % 64);
            self.buckets.len() - 1
        };
        Some(&mut self.buckets[i])
    }

    /// Gives word `w` of `due` a zeroed page and returns its index.
    fn open_page(&mut self, w: usize) -> usize {
        let p = match self.free_pages.pop() {
            Some(p) => p as usize,
            None => {
                self.pages.push([0; 64]);
                self.pages.len() - 1
            }
        };
        self.page_of[w] = p as u32 + 1;
        p
    }

    /// Takes the items due at a tick.
    pub fn take(&mut self, tick: Tick) -> Vec<T> {
        if !self.has(tick) {
            return Vec::new();
        }
        let (t, w) = (tick.0 as usize, tick.0 as usize / 64);
        let p = self.page_of[w] as usize - 1;
        let slot = std::mem::take(&mut self.pages[p][t % 64]);
        self.due[w] &= !(1 << (t % 64));
        if self.due[w] == 0 {
            // Every slot of the page is 0 again.
            self.words[w / 64] &= !(1 << (w % 64));
            self.page_of[w] = 0;
            self.free_pages.push(p as u32);
        }
        let i = slot as usize - 1;
        let bucket = self.buckets.swap_remove(i);
        self.bucket_ticks.swap_remove(i);
        // The last bucket moved into the emptied place.
        if let Some(&moved) = self.bucket_ticks.get(i) {
            let m = moved as usize;
            let q = self.page_of[m / 64] as usize - 1;
            self.pages[q][m % 64] = slot;
        }
        self.len -= bucket.len();
        bucket
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
    #[inline]
    pub fn has(&self, tick: Tick) -> bool {
        let t = tick.0 as usize;
        self.due.get(t / 64).is_some_and(|&d| d & (1 << (t % 64)) != 0)
    }

    /// The first tick at or after `from` with something due.
    #[inline]
    pub fn next_due(&self, from: Tick) -> Option<Tick> {
        if self.buckets.is_empty() {
            return None;
        }
        let t = from.0 as usize;
        let w = t / 64;
        let here = *self.due.get(w)? & (!0 << (t % 64));
        if here != 0 {
            return Some(Tick((w * 64) as u32 + here.trailing_zeros()));
        }
        self.next_word(w + 1).map(|w| Tick((w * 64) as u32 + self.due[w].trailing_zeros()))
    }

    /// The first word of `due` at or after `w` that is not zero.
    fn next_word(&self, w: usize) -> Option<usize> {
        let mut s = w / 64;
        let mut bits = *self.words.get(s)? & (!0 << (w % 64));
        while bits == 0 {
            s += 1;
            bits = *self.words.get(s)?;
        }
        Some(s * 64 + bits.trailing_zeros() as usize)
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
        if !self.has(tick) {
            return &[];
        }
        let t = tick.0 as usize;
        let p = self.page_of[t / 64] as usize - 1;
        &self.buckets[self.pages[p][t % 64] as usize - 1]
    }
}

/// A copy holds the same items at the same ticks; the spare buckets stay behind, and
/// [`Clone::clone_from`] reuses the target's room.
impl<T: Clone + Send + Sync + 'static> Clone for Calendar<T> {
    fn clone(&self) -> Self {
        Calendar {
            due: self.due.clone(),
            words: self.words.clone(),
            page_of: self.page_of.clone(),
            pages: self.pages.clone(),
            free_pages: self.free_pages.clone(),
            buckets: self.buckets.clone(),
            bucket_ticks: self.bucket_ticks.clone(),
            ticks: self.ticks,
            len: self.len,
            spare: Vec::new(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.due.clone_from(&source.due);
        self.words.clone_from(&source.words);
        self.page_of.clone_from(&source.page_of);
        self.pages.clone_from(&source.pages);
        self.free_pages.clone_from(&source.free_pages);
        self.buckets.clone_from(&source.buckets);
        self.bucket_ticks.clone_from(&source.bucket_ticks);
        self.ticks = source.ticks;
        self.len = source.len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::xorshift;

    #[test]
    fn items_within_a_tick_keep_their_order() {
        let mut c: Calendar<u32> = Calendar::new(100);
        for i in 0..10 {
            c.schedule(Tick(if i % 2 == 0 { 40 } else { 41 }), i);
        }
        c.schedule_all(Tick(40), [100, 101]);
        assert_eq!(c.peek(Tick(40)), &[0, 2, 4, 6, 8, 100, 101]);
        assert_eq!(c.take(Tick(41)), vec![1, 3, 5, 7, 9]);
        assert_eq!(c.take(Tick(40)), vec![0, 2, 4, 6, 8, 100, 101]);
        assert!(c.is_empty());
    }

    #[test]
    fn items_past_the_clock_are_dropped() {
        let mut c: Calendar<u32> = Calendar::new(130);
        assert!(c.schedule(Tick(129), 1));
        assert!(!c.schedule(Tick(130), 2));
        assert!(!c.schedule(Tick(u32::MAX), 3));
        c.schedule_all(Tick(200), [4, 5]);
        assert_eq!(c.len(), 1);
        assert!(!c.has(Tick(130)));
        assert_eq!(c.peek(Tick(500)), &[] as &[u32]);
        assert_eq!(c.take(Tick(500)), Vec::<u32>::new());
        assert_eq!(c.next_due(Tick(0)), Some(Tick(129)));
        assert_eq!(c.next_due(Tick(130)), None);
        assert_eq!(c.next_due(Tick(u32::MAX)), None);
        let mut none: Calendar<u32> = Calendar::new(0);
        assert!(!none.schedule(Tick(0), 1));
        assert_eq!(none.next_due(Tick(0)), None);
    }

    #[test]
    fn the_next_due_tick_is_found_across_empty_stretches_and_word_boundaries() {
        let ticks = 64 * 64 * 3 + 17;
        let mut c: Calendar<u32> = Calendar::new(ticks);
        assert_eq!(c.next_due(Tick(0)), None);
        for t in [0, 63, 64, 127, 4095, 4096, 8191, 8192, 12000, ticks - 1] {
            c.schedule(Tick(t), t);
        }
        let mut seen = vec![];
        let mut from = Tick(0);
        while let Some(t) = c.next_due(from) {
            seen.push(t.0);
            from = Tick(t.0 + 1);
        }
        assert_eq!(seen, [0, 63, 64, 127, 4095, 4096, 8191, 8192, 12000, ticks - 1]);
        assert_eq!(c.next_due(Tick(128)), Some(Tick(4095)));
        assert_eq!(c.next_due(Tick(8193)), Some(Tick(12000)));
        // Taking a tick clears it, and a word emptied by the taking is skipped.
        c.take(Tick(4095));
        c.take(Tick(4096));
        assert_eq!(c.next_due(Tick(128)), Some(Tick(8191)));
        c.take(Tick(12000));
        c.take(Tick(ticks - 1));
        assert_eq!(c.next_due(Tick(8193)), None);
        // A bucket made empty by `schedule_all` still counts as due, as one with items does.
        c.schedule_all(Tick(9000), []);
        assert!(c.has(Tick(9000)));
        assert_eq!(c.next_due(Tick(8193)), Some(Tick(9000)));
    }

    /// A calendar against a plain list of (tick, item) in order, over random operations.
    #[test]
    fn random_operations_agree_with_a_list() {
        let ticks = 5000;
        let mut next = xorshift(0x5851_f42d_4c95_7f2d);
        let mut c: Calendar<u64> = Calendar::new(ticks);
        let mut model: Vec<(u32, u64)> = vec![];
        for step in 0..20_000u64 {
            let r = next();
            let t = (r >> 8) as u32 % (ticks + 50);
            match r % 4 {
                0 | 1 => {
                    assert_eq!(c.schedule(Tick(t), step), t < ticks);
                    if t < ticks {
                        model.push((t, step));
                    }
                }
                2 => {
                    let want: Vec<u64> = model.iter().filter(|m| m.0 == t).map(|m| m.1).collect();
                    model.retain(|m| m.0 != t);
                    let got = c.take(Tick(t));
                    assert_eq!(got, want);
                    c.recycle(got);
                }
                _ => {
                    let want = model.iter().map(|m| m.0).filter(|&m| m >= t).min().map(Tick);
                    assert_eq!(c.next_due(Tick(t)), want);
                    assert_eq!(c.has(Tick(t)), model.iter().any(|m| m.0 == t));
                }
            }
            assert_eq!(c.len(), model.len());
        }
        // Emptied by taking, the calendar has every page free again.
        for t in 0..ticks {
            c.take(Tick(t));
        }
        assert!(c.is_empty() && c.next_due(Tick(0)).is_none());
        assert!(c.page_of.iter().all(|&p| p == 0));
        assert_eq!(c.free_pages.len(), c.pages.len());
        assert!(c.pages.iter().all(|p| p.iter().all(|&s| s == 0)));
    }

    #[test]
    fn taken_buckets_are_recycled() {
        let mut c: Calendar<u32> = Calendar::new(10);
        c.schedule(Tick(1), 1);
        let bucket = c.take(Tick(1));
        let room = bucket.as_ptr();
        c.recycle(bucket);
        c.schedule(Tick(5), 2);
        assert_eq!(c.peek(Tick(5)).as_ptr(), room, "the new hour reuses the given-back bucket");
        assert!(!c.has(Tick(1)));
        assert_eq!(c.take(Tick(1)), Vec::<u32>::new());
    }

    #[test]
    fn a_reset_calendar_is_empty_and_keeps_its_room() {
        let mut c: Calendar<u32> = Calendar::new(5000);
        for t in [3, 64, 4095, 4096, 4999] {
            c.schedule(Tick(t), t);
        }
        let room = c.peek(Tick(64)).as_ptr();
        c.reset(5000);
        assert!(c.is_empty());
        assert_eq!(c.next_due(Tick(0)), None);
        assert!(!c.has(Tick(64)));
        c.schedule(Tick(10), 1);
        c.schedule(Tick(4097), 2);
        assert_eq!(c.next_due(Tick(0)), Some(Tick(10)));
        assert_eq!(c.next_due(Tick(11)), Some(Tick(4097)));
        assert_eq!(c.peek(Tick(4097)), &[2]);
        assert!(c.spare.iter().chain(&c.buckets).any(|b| b.as_ptr() == room), "the buckets are kept");
        // Another clock's length makes a calendar of that length.
        c.reset(20);
        assert!(c.is_empty());
        assert!(!c.schedule(Tick(20), 3));
        assert!(c.schedule(Tick(19), 4));
        assert_eq!(c.next_due(Tick(0)), Some(Tick(19)));
    }

    #[test]
    fn a_copy_holds_the_same_items_and_is_independent() {
        let mut c: Calendar<u32> = Calendar::new(300);
        for (t, x) in [(5, 1), (200, 2), (5, 3), (70, 4)] {
            c.schedule(Tick(t), x);
        }
        c.take(Tick(70));
        let copy = c.clone();
        c.schedule(Tick(200), 9);
        c.take(Tick(5));
        assert_eq!(copy.len(), 3);
        assert_eq!(copy.peek(Tick(5)), &[1, 3]);
        assert_eq!(copy.peek(Tick(200)), &[2]);
        assert_eq!(copy.next_due(Tick(6)), Some(Tick(200)));
        assert!(!copy.has(Tick(70)));
        // Copying over a calendar with other items leaves exactly the source's.
        let mut other: Calendar<u32> = Calendar::new(300);
        for t in 0..100 {
            other.schedule(Tick(t * 3), t);
        }
        other.clone_from(&copy);
        assert_eq!(other.len(), 3);
        assert_eq!(other.next_due(Tick(0)), Some(Tick(5)));
        assert_eq!(other.take(Tick(5)), vec![1, 3]);
        assert_eq!(other.next_due(Tick(0)), Some(Tick(200)));
        assert_eq!(other.take(Tick(200)), vec![2]);
        assert!(other.is_empty());
        assert_eq!(other.next_due(Tick(0)), None);
    }
}
