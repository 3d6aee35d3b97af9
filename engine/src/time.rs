//! The election-relative clock.
//!
//! One tick is one simulated hour. Scenario authors and players read time
//! relative to Election Day (`E-30d 09:00`, `E+0d 20:00` when polls close,
//! `E+45d` for the assessment deadline), so that a scenario does not depend on
//! the calendar year it is run in.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Hours in a simulated day.
pub const HOURS_PER_DAY: i64 = 24;

/// A moment written relative to Election Day 00:00, in whole hours.
///
/// `ETime(0)` is midnight at the start of Election Day; `ETime(-711)` is
/// `E-30d 09:00` (thirty days before, at nine in the morning).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ETime(pub i64);

impl ETime {
    /// Builds a time from a day offset and an hour of that day.
    pub const fn new(day: i64, hour: i64) -> Self {
        ETime(day * HOURS_PER_DAY + hour)
    }

    /// The day relative to Election Day (negative before it).
    pub const fn day(self) -> i64 {
        self.0.div_euclid(HOURS_PER_DAY)
    }

    /// The hour of the day, 0 to 23.
    pub const fn hour(self) -> i64 {
        self.0.rem_euclid(HOURS_PER_DAY)
    }

    /// Parses `E-30d 09:00`, `E+0d 20:00`, `E+45d`, `E-0d 06:30` is refused
    /// (ticks are whole hours). The day part may be omitted (`E 20:00`).
    pub fn parse(text: &str) -> Result<ETime, TimeError> {
        let t = text.trim();
        let rest = t.strip_prefix('E').ok_or_else(|| TimeError::new(text, "it must start with `E`"))?;
        let (day_part, hour_part) = match rest.find(' ') {
            Some(i) => (&rest[..i], Some(rest[i + 1..].trim())),
            None => (rest, None),
        };
        let day = if day_part.is_empty() {
            0
        } else {
            let (sign, digits) = match day_part.as_bytes()[0] {
                b'+' => (1, &day_part[1..]),
                b'-' => (-1, &day_part[1..]),
                _ => {
                    return Err(TimeError::new(text, "the day offset needs a sign, as in `E-30d` or `E+2d`"));
                }
            };
            let digits = digits
                .strip_suffix('d')
                .ok_or_else(|| TimeError::new(text, "the day offset ends in `d`, as in `E-30d`"))?;
            let n: i64 = digits
                .parse()
                .map_err(|_| TimeError::new(text, "the day offset must be a whole number of days"))?;
            if n > 100_000 {
                return Err(TimeError::new(text, "the day offset is too large"));
            }
            sign * n
        };
        let hour = match hour_part {
            None => 0,
            Some(h) => {
                let (hh, mm) = h.split_once(':').ok_or_else(|| {
                    TimeError::new(text, "the time of day is written `HH:MM`, as in `09:00`")
                })?;
                let hh: i64 = hh
                    .parse()
                    .map_err(|_| TimeError::new(text, "the hour must be a number from 00 to 23"))?;
                if !(0..24).contains(&hh) {
                    return Err(TimeError::new(text, "the hour must be from 00 to 23"));
                }
                if mm != "00" {
                    return Err(TimeError::new(
                        text,
                        "the clock runs in whole hours: write the minutes as `:00`",
                    ));
                }
                hh
            }
        };
        Ok(ETime::new(day, hour))
    }
}

impl fmt::Display for ETime {
    /// Formats as `E-12d 14:00` (always with sign and hour).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = self.day();
        let sign = if day < 0 { '-' } else { '+' };
        write!(f, "E{}{}d {:02}:00", sign, day.abs(), self.hour())
    }
}

impl Serialize for ETime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ETime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ETime::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for ETime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ETime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A time relative to Election Day: `E-30d 09:00`, `E+0d 20:00`, `E+45d` (midnight).",
            "pattern": "^E([+-][0-9]+d)?( [0-9]{1,2}:[0-9]{2})?$"
        })
    }
}

/// A time string that could not be read, with what would fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("bad time `{text}`: {reason}; write times like `E-30d 09:00` or `E+1d`")]
pub struct TimeError {
    /// The text as written.
    pub text: String,
    /// Why it was refused.
    pub reason: &'static str,
}

impl TimeError {
    fn new(text: &str, reason: &'static str) -> Self {
        TimeError { text: text.to_string(), reason }
    }
}

/// A simulation tick: hours since the scenario's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tick(pub u32);

impl Tick {
    /// The tick as an index.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for Tick {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t{}", self.0)
    }
}

/// The scenario clock: where tick 0 falls relative to Election Day, and how
/// many ticks the scenario lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// The election-relative time of tick 0.
    pub start: ETime,
    /// The election-relative time of the last tick (inclusive).
    pub end: ETime,
}

impl Clock {
    /// Number of ticks in the scenario (start to end inclusive).
    pub fn ticks(&self) -> u32 {
        (self.end.0 - self.start.0 + 1).max(0) as u32
    }

    /// The last tick.
    pub fn last_tick(&self) -> Tick {
        Tick(self.ticks().saturating_sub(1))
    }

    /// The election-relative time of a tick.
    pub fn at(&self, tick: Tick) -> ETime {
        ETime(self.start.0 + i64::from(tick.0))
    }

    /// The tick of an election-relative time, if it falls inside the clock.
    pub fn tick_of(&self, t: ETime) -> Option<Tick> {
        if t < self.start || t > self.end { None } else { Some(Tick((t.0 - self.start.0) as u32)) }
    }

    /// The tick of a time, clamped into the clock.
    pub fn tick_clamped(&self, t: ETime) -> Tick {
        if self.end < self.start {
            return Tick(0);
        }
        let t = t.0.clamp(self.start.0, self.end.0);
        Tick((t - self.start.0) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_election_relative_times() {
        assert_eq!(ETime::parse("E-30d 09:00").unwrap(), ETime(-30 * 24 + 9));
        assert_eq!(ETime::parse("E+0d 20:00").unwrap(), ETime(20));
        assert_eq!(ETime::parse("E+45d").unwrap(), ETime(45 * 24));
        assert_eq!(ETime::parse("E 06:00").unwrap(), ETime(6));
        assert_eq!(ETime(-711).to_string(), "E-30d 09:00");
        assert_eq!(ETime(20).to_string(), "E+0d 20:00");
        // The hour before Election Day is day -1 at 23:00.
        assert_eq!(ETime(-1).to_string(), "E-1d 23:00");
        for text in ["E-60d 08:00", "E+90d 23:00", "E+0d 00:00"] {
            assert_eq!(ETime::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn refuses_malformed_times_with_a_reason() {
        for bad in ["30d", "E30d", "E-30", "E-30d 9", "E-30d 25:00", "E-30d 09:30", "E-xd"] {
            let err = ETime::parse(bad).unwrap_err();
            assert!(!err.reason.is_empty(), "{bad}");
        }
    }

    #[test]
    fn clock_maps_ticks_both_ways() {
        let clock = Clock { start: ETime::new(-60, 0), end: ETime::new(90, 0) };
        assert_eq!(clock.ticks(), 150 * 24 + 1);
        assert_eq!(clock.at(Tick(0)), ETime::new(-60, 0));
        assert_eq!(clock.tick_of(ETime::new(0, 0)), Some(Tick(60 * 24)));
        assert_eq!(clock.tick_of(ETime::new(91, 0)), None);
    }
}
