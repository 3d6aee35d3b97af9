//! What an actor knows: the indicators it holds, in arrival order, with a bit per indicator
//! so that asking whether it holds one costs the same however much it holds.

use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::IndicatorIx;
use super::registry::*;
use crate::scenario::schema::{Channel, Technique};
use crate::time::Tick;

/// One indicator an actor holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    /// The indicator.
    pub indicator: IndicatorIx,
    /// Its campaign.
    pub campaign: CampaignIx,
    /// Its technique (none: an influence operation).
    pub technique: Option<Technique>,
    /// Its adversary.
    pub adversary: AdversaryIx,
    /// When it arrived.
    pub arrived: Tick,
    /// When the indicator was first observed (its age decides whether it still warns).
    pub created: Tick,
    /// Who sent it (none: the holder detected it itself).
    pub from: Option<ActorIx>,
    /// The channel it came on.
    pub channel: Option<Channel>,
}

/// What an actor knows: the indicators it holds, in arrival order.
#[derive(Component, Debug, Default)]
pub struct Knowledge {
    /// Held indicators, in arrival order (add through [`Knowledge::add`]).
    pub held: Vec<Held>,
    /// One bit per indicator index held, so asking costs the same however much is held:
    /// the first [`Knowledge::LOW`] indicators' in place (a run's indicators rarely pass
    /// them, and each actor that learns would otherwise allocate its bits and reallocate
    /// them as the run's indicators grow), the rest in `high`.
    low: [u64; Knowledge::LOW / 64],
    /// Bits of indicators from [`Knowledge::LOW`] on.
    high: Vec<u64>,
}

/// How well what an actor knows matches a campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// Nothing relevant.
    None,
    /// An indicator of the same adversary and technique (another campaign).
    Technique,
    /// An indicator of this very campaign.
    Campaign,
}

impl Knowledge {
    /// How many indicators' bits an actor keeps in place.
    const LOW: usize = 1024;

    /// Whether it holds an indicator.
    pub fn holds(&self, i: IndicatorIx) -> bool {
        let (word, bit) = (i.ix() / 64, i.ix() % 64);
        let w = match self.low.get(word) {
            Some(w) => Some(w),
            None => self.high.get(word - self.low.len()),
        };
        w.is_some_and(|w| w & (1 << bit) != 0)
    }

    /// Adds an indicator unless it is already held; whether it was new.
    #[inline]
    pub fn add(&mut self, h: Held) -> bool {
        let (word, bit) = (h.indicator.ix() / 64, h.indicator.ix() % 64);
        let w = if word < self.low.len() {
            &mut self.low[word]
        } else {
            let word = word - self.low.len();
            if self.high.len() <= word {
                // Room for 512 more indicators at a time: an actor's bits are reallocated a
                // few times a run rather than every time a run's new indicators pass 64 more.
                self.high.reserve((word + 1).next_multiple_of(8) - self.high.len());
                self.high.resize(word + 1, 0);
            }
            &mut self.high[word]
        };
        if *w & (1 << bit) != 0 {
            return false;
        }
        *w |= 1 << bit;
        if self.held.capacity() == 0 {
            // Most actors that hold anything hold several: start with room for them.
            self.held.reserve_exact(8);
        }
        self.held.push(h);
        true
    }

    /// The best match for a campaign among indicators that arrived before `before`
    /// and were observed at most `life_h` hours before it (an older indicator's addresses
    /// and lures have moved on, so it no longer warns), and whether that best match came
    /// from someone else.
    pub fn best_match(
        &self,
        c: CampaignIx,
        adv: AdversaryIx,
        tech: Technique,
        before: Tick,
        life_h: u32,
    ) -> (Match, bool) {
        let mut best = (Match::None, false);
        for h in &self.held {
            if h.arrived >= before || before.0.saturating_sub(h.created.0) > life_h {
                continue;
            }
            let m = if h.campaign == c {
                Match::Campaign
            } else if h.adversary == adv && h.technique == Some(tech) {
                Match::Technique
            } else {
                Match::None
            };
            let shared = h.from.is_some();
            if m > best.0 || (m == best.0 && m != Match::None && shared && !best.1) {
                best = (m, shared);
            }
        }
        best
    }

    /// Forgets everything held, as a new `Knowledge` knows nothing, but keeps the room
    /// already allocated: a reused simulation's actors learn again without reallocating.
    pub fn clear(&mut self) {
        self.held.clear();
        self.low.fill(0);
        self.high.clear();
    }
}

impl Clone for Knowledge {
    fn clone(&self) -> Self {
        Knowledge { held: self.held.clone(), low: self.low, high: self.high.clone() }
    }

    /// A copy into the room already allocated (restoring a snapshot copies every actor's).
    fn clone_from(&mut self, source: &Self) {
        self.held.clone_from(&source.held);
        self.low = source.low;
        self.high.clone_from(&source.high);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Indicators held in place and beyond are each held once, in arrival order.
    #[test]
    fn knowledge_holds_each_indicator_once() {
        let held = |i: u32| Held {
            indicator: IndicatorIx(i),
            campaign: CampaignIx(0),
            technique: None,
            adversary: AdversaryIx(0),
            arrived: Tick(i),
            created: Tick(0),
            from: None,
            channel: None,
        };
        let mut k = Knowledge::default();
        let order = [5, 1023, 1024, 0, 4000, 1087, 63, 64, 70_000];
        for i in order {
            assert!(!k.holds(IndicatorIx(i)), "{i} before");
            assert!(k.add(held(i)), "{i} new");
            assert!(k.holds(IndicatorIx(i)), "{i} after");
            assert!(!k.add(held(i)), "{i} again");
        }
        for i in [1, 62, 65, 1025, 3999, 4001, 69_999, 70_001, u32::MAX] {
            assert!(!k.holds(IndicatorIx(i)), "{i} never added");
        }
        let arrived: Vec<u32> = k.held.iter().map(|h| h.indicator.0).collect();
        assert_eq!(arrived, order);
    }
}
