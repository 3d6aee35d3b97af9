//! Calendar dates of election-relative times, when the scenario names Election Day.

use ttx_engine::ETime;
use ttx_engine::model::registry::Registry;

// Calendar dates

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub(super) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(super) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Election Day as days since the epoch, if the scenario gives a valid `YYYY-MM-DD`.
pub fn election_day(reg: &Registry) -> Option<i64> {
    let s = reg.spec.clock.election_date.as_deref()?;
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let z = days_from_civil(y, m, d);
    (civil_from_days(z) == (y, m, d)).then_some(z)
}

/// A calendar date for an election-relative time, when the election date is known.
pub fn date_of(reg: &Registry, t: ETime) -> Option<String> {
    let e = election_day(reg)?;
    let (y, m, d) = civil_from_days(e + t.day());
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

pub(super) fn when_long(reg: &Registry, t: ETime) -> String {
    match date_of(reg, t) {
        Some(d) => format!("{t} ({d})"),
        None => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2026, 11, 3)), (2026, 11, 3));
        assert_eq!(civil_from_days(days_from_civil(2026, 11, 3) - 60), (2026, 9, 4));
        assert_eq!(civil_from_days(days_from_civil(2024, 3, 1) - 1), (2024, 2, 29));
    }
}
