//! Dwell time as censored data: the Kaplan-Meier estimate of time to detection, from every
//! intrusion ([`DwellSurvival`]) or kept up to date as intrusions change ([`DwellRecord`]).

use std::collections::BTreeMap;

use crate::time::Tick;

/// Time-to-detection of compromises as censored data (Kaplan-Meier).
///
/// A detected compromise is an observed event at its dwell time; one never
/// detected is censored: still inside at the end (its time so far) or gone
/// unseen (evicted by a response to something else, or its campaign stopped)
/// at the time it left. Counting only detected compromises would make dwell
/// shorter the worse detection is; the survival estimate does not.
#[derive(Clone, Debug, Default)]
pub struct DwellSurvival {
    /// (hours, detected) per compromise.
    obs: Vec<(u32, bool)>,
}

impl DwellSurvival {
    /// Adds a compromise observed for `hours`, detected at the end of them or not.
    pub fn add(&mut self, hours: u32, detected: bool) {
        self.obs.push((hours, detected));
    }

    /// Compromises whose time to detection is censored (not detected).
    pub fn censored(&self) -> u64 {
        self.obs.iter().filter(|o| !o.1).count() as u64
    }

    /// Compromises in all.
    pub fn len(&self) -> usize {
        self.obs.len()
    }

    /// No compromises.
    pub fn is_empty(&self) -> bool {
        self.obs.is_empty()
    }

    /// The Kaplan-Meier estimate of the `p`-th percentile (0..=100) of dwell time: the first
    /// whole hour at which the estimated share still undetected falls to `1 - p/100` or below.
    /// None when it never does within what was observed (too many compromises censored).
    pub fn percentile(&mut self, p: u32) -> Option<f64> {
        let target = 1.0 - f64::from(p.min(100)) / 100.0;
        let max = self.obs.iter().map(|o| o.0).max()?;
        // The estimate needs only how many compromises are detected and how many leave at
        // each hour, in hour order: counted in one pass when there are many compromises for
        // the hours they span (a large run's), sorted otherwise.
        if (max as usize) < 4 * self.obs.len() { self.counted(max, target) } else { self.sorted(target) }
    }

    /// [`DwellSurvival::percentile`] by counting compromises per hour up to `max`.
    fn counted(&self, max: u32, target: f64) -> Option<f64> {
        let mut by_hour = vec![(0u32, 0u32); max as usize + 1];
        for &(h, detected) in &self.obs {
            let slot = &mut by_hour[h as usize];
            slot.0 += u32::from(detected);
            slot.1 += 1;
        }
        let groups = by_hour.iter().enumerate().filter(|(_, g)| g.1 > 0);
        kaplan_meier(groups.map(|(h, &(e, l))| (h as u32, e as usize, l as usize)), self.obs.len(), target)
    }

    /// [`DwellSurvival::percentile`] by sorting the compromises by hour.
    fn sorted(&mut self, target: f64) -> Option<f64> {
        self.obs.sort_unstable_by_key(|&(h, _)| h);
        let groups =
            self.obs.chunk_by(|a, b| a.0 == b.0).map(|g| (g[0].0, g.iter().filter(|o| o.1).count(), g.len()));
        kaplan_meier(groups, self.obs.len(), target)
    }
}

/// One intrusion's part in the dwell estimate, from its times (see [`DwellSurvival`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DwellObs {
    /// No foothold gained: not a compromise.
    None,
    /// Detected this many hours after the compromise.
    Detected(u32),
    /// Left unseen: compromised at the first tick, ended at the second.
    Gone(u32, u32),
    /// Still inside unseen, since this tick.
    Inside(u32),
}

impl DwellObs {
    /// The part of an intrusion compromised at `since`, detected at `detected` and ended at `ended`.
    pub fn of(since: Option<Tick>, detected: Option<Tick>, ended: Option<Tick>) -> DwellObs {
        match (since, detected, ended) {
            (None, _, _) => DwellObs::None,
            (Some(s), Some(d), _) => DwellObs::Detected(d.0.saturating_sub(s.0)),
            (Some(s), None, Some(e)) => DwellObs::Gone(s.0, e.0),
            (Some(s), None, None) => DwellObs::Inside(s.0),
        }
    }
}

impl crate::model::Intrusion {
    /// Its part in the dwell estimate.
    pub fn dwell_obs(&self) -> DwellObs {
        DwellObs::of(self.compromised_at, self.detected_at, self.ended.map(|e| e.0))
    }
}

/// Every compromise's time to detection, kept up to date as intrusions are compromised,
/// detected and end, so that the estimate at any later tick costs what differs between
/// compromises' hours rather than a pass over every intrusion.
///
/// It gives exactly what a [`DwellSurvival`] filled from every intrusion at that tick gives: a
/// compromise that left unseen counts the hours to its end, one still inside the hours to the
/// tick asked about.
#[derive(Clone, Debug, Default)]
pub struct DwellRecord {
    /// Compromises whose hours no longer grow (detected, or gone unseen), by their hours:
    /// (detected, all).
    closed: BTreeMap<u32, (u32, u32)>,
    /// Compromises still inside unseen, by the tick they were compromised at.
    inside: BTreeMap<u32, u32>,
    /// Compromises in all.
    n: usize,
    /// The latest tick any part has held.
    latest: u32,
}

impl DwellRecord {
    /// Replaces an intrusion's part `old` with `new` (after its times changed).
    pub fn replace(&mut self, old: DwellObs, new: DwellObs) {
        if old != new {
            self.remove(old);
            self.add(new);
        }
    }

    fn add(&mut self, o: DwellObs) {
        match o {
            DwellObs::None => return,
            DwellObs::Detected(h) => {
                let c = self.closed.entry(h).or_insert((0, 0));
                c.0 += 1;
                c.1 += 1;
            }
            DwellObs::Gone(since, end) => {
                self.closed.entry(end.saturating_sub(since)).or_insert((0, 0)).1 += 1;
                self.latest = self.latest.max(since).max(end);
            }
            DwellObs::Inside(since) => {
                *self.inside.entry(since).or_insert(0) += 1;
                self.latest = self.latest.max(since);
            }
        }
        self.n += 1;
    }

    fn remove(&mut self, o: DwellObs) {
        let hours = match o {
            DwellObs::None => return,
            DwellObs::Detected(h) => h,
            DwellObs::Gone(since, end) => end.saturating_sub(since),
            DwellObs::Inside(since) => {
                if let std::collections::btree_map::Entry::Occupied(mut e) = self.inside.entry(since) {
                    *e.get_mut() = e.get().saturating_sub(1);
                    if *e.get() == 0 {
                        e.remove();
                    }
                }
                self.n = self.n.saturating_sub(1);
                return;
            }
        };
        if let std::collections::btree_map::Entry::Occupied(mut e) = self.closed.entry(hours) {
            let c = e.get_mut();
            c.0 = c.0.saturating_sub(u32::from(matches!(o, DwellObs::Detected(_))));
            c.1 = c.1.saturating_sub(1);
            if c.1 == 0 {
                e.remove();
            }
        }
        self.n = self.n.saturating_sub(1);
    }

    /// Compromises in all.
    pub fn len(&self) -> usize {
        self.n
    }

    /// No compromises.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The `p`-th percentile of dwell time counting up to `until`, as
    /// [`DwellSurvival::percentile`] gives it; none (nothing to answer from here) when
    /// `until` is before a tick some compromise already holds, which only a pass over the
    /// intrusions answers.
    pub fn percentile(&self, p: u32, until: Tick) -> Option<Option<f64>> {
        if until.0 < self.latest {
            return None;
        }
        let target = 1.0 - f64::from(p.min(100)) / 100.0;
        // Compromises still inside leave at `until - since`: in hour order, latest first.
        let mut closed = self.closed.iter().map(|(&h, &(e, l))| (h, e as usize, l as usize)).peekable();
        let mut inside = self.inside.iter().rev().map(|(&s, &c)| (until.0 - s, 0, c as usize)).peekable();
        let groups = std::iter::from_fn(|| match (closed.peek(), inside.peek()) {
            (Some(a), Some(b)) if a.0 == b.0 => {
                let (a, b) = (*a, *b);
                closed.next();
                inside.next();
                Some((a.0, a.1, a.2 + b.2))
            }
            (Some(a), Some(b)) if b.0 < a.0 => inside.next(),
            (Some(_), _) => closed.next(),
            (None, _) => inside.next(),
        });
        Some(kaplan_meier(groups, self.n, target))
    }
}

/// The first hour at which the Kaplan-Meier survival of `n` compromises falls to `target` or
/// below, given (hour, detected, leaving) for each hour with any, in hour order.
fn kaplan_meier(groups: impl Iterator<Item = (u32, usize, usize)>, n: usize, target: f64) -> Option<f64> {
    let mut at_risk = n;
    let mut survival = 1.0f64;
    for (h, events, leaving) in groups {
        if events > 0 {
            survival *= 1.0 - events as f64 / at_risk as f64;
            if survival <= target + 1e-12 {
                return Some(f64::from(h));
            }
        }
        at_risk -= leaving;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::xorshift;

    /// Counting by hour and sorting give the same estimate, ties and censorings included.
    #[test]
    fn dwell_percentiles_by_counting_and_by_sorting_agree() {
        let mut km = DwellSurvival::default();
        // A fixed pseudo-random mix of hours (with many ties) and detections.
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..500 {
            let x = next();
            km.add((x % 300) as u32, !x.is_multiple_of(5));
        }
        km.add(0, false);
        km.add(299, true);
        let max = 299;
        for p in [0, 10, 25, 50, 75, 90, 99, 100] {
            let target = 1.0 - f64::from(p) / 100.0;
            let counted = km.counted(max, target);
            assert_eq!(counted, km.sorted(target), "p{p}");
            assert_eq!(km.percentile(p), counted, "p{p}");
        }
        // Mostly censored: the estimate never reaches the median.
        let mut few = DwellSurvival::default();
        few.add(10, true);
        for h in 0..9 {
            few.add(h * 20, false);
        }
        assert_eq!(few.counted(160, 0.5), None);
        assert_eq!(few.sorted(0.5), None);
        assert_eq!(DwellSurvival::default().percentile(50), None);
    }

    /// Random histories of compromises, detections and ends (compromise times overwritten
    /// too): the kept record gives the estimate a fresh [`DwellSurvival`] over every
    /// intrusion gives, at every percentile and at any tick from the latest change on, and
    /// before it either the same or nothing.
    #[test]
    fn dwell_record_is_the_full_estimate() {
        type Times = (Option<Tick>, Option<Tick>, Option<Tick>);
        fn full(xs: &[Times], until: Tick, p: u32) -> Option<f64> {
            let mut km = DwellSurvival::default();
            for &(since, detected, ended) in xs {
                let Some(since) = since else { continue };
                match (detected, ended) {
                    (Some(d), _) => km.add(d.0.saturating_sub(since.0), true),
                    (None, Some(e)) => km.add(e.min(until).0.saturating_sub(since.0), false),
                    (None, None) => km.add(until.0.saturating_sub(since.0), false),
                }
            }
            km.percentile(p)
        }
        let mut raw = xorshift(0x9e37_79b9_7f4a_7c15);
        let mut next = move |n: u64| raw() % n;
        let mut unanswered = 0;
        for history in 0..200 {
            let mut xs: Vec<Times> = Vec::new();
            let mut record = DwellRecord::default();
            let mut now = 0u32;
            let steps = 1 + next(120);
            for _ in 0..steps {
                // Time passes in bursts, so that many changes share a tick and hours tie.
                now += next(4) as u32 * (1 + next(3) as u32);
                let t = Some(Tick(now));
                let i = if xs.is_empty() || next(3) == 0 {
                    xs.push((None, None, None));
                    xs.len() - 1
                } else {
                    next(xs.len() as u64) as usize
                };
                let old = xs[i];
                let (since, detected, ended) = &mut xs[i];
                match next(6) {
                    0 | 1 => *since = t,
                    2 | 3 if since.is_some() && detected.is_none() => *detected = t,
                    4 if ended.is_none() => *ended = t,
                    _ => {}
                }
                record.replace(DwellObs::of(old.0, old.1, old.2), DwellObs::of(xs[i].0, xs[i].1, xs[i].2));
                assert_eq!(record.len(), xs.iter().filter(|x| x.0.is_some()).count());
                for until in [now, now + 1, now + 1 + next(50) as u32] {
                    for p in [0, 10, 25, 50, 75, 90, 100] {
                        let kept = record.percentile(p, Tick(until));
                        assert_eq!(
                            kept,
                            Some(full(&xs, Tick(until), p)),
                            "history {history} p{p} at {until}"
                        );
                    }
                }
            }
            // Before the latest change it answers only what it can answer exactly.
            for until in 0..now {
                match record.percentile(50, Tick(until)) {
                    Some(kept) => {
                        assert_eq!(kept, full(&xs, Tick(until), 50), "history {history} at {until}")
                    }
                    None => unanswered += 1,
                }
            }
        }
        assert!(unanswered > 0);
    }
}
