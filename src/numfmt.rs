//! How reports, charts and consoles write numbers: one rule of sensible precision for measured
//! values, a signed one for effects, one for chart ticks, and the engine's thousands
//! separators for counts.

pub use ttx_engine::metrics::thousands;

/// A number with sensible precision: no decimals from 1,000 up, one from 100, two from 1 and
/// three below 1 (by magnitude; rounding is Rust's, to the nearest, ties to even on the exact
/// binary value).
pub fn sensible(v: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 100.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// A whole number as an integer (a count, a number of hours), any other with [`sensible`]
/// precision.
pub fn whole_or_sensible(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 { format!("{}", v as i64) } else { sensible(v) }
}

/// A chart's tick at `v` on an axis of ticks `step` apart: a whole number without a decimal
/// point (`20`, `1`, `0`), any other with as many decimals as the step needs (`0.2`, `0.05`).
pub fn tick(v: f64, step: f64) -> String {
    let r = v.round();
    if (v - r).abs() <= step.abs() * 1e-6 && r.abs() < 1e15 {
        // -0 reads as 0.
        return format!("{}", r as i64);
    }
    let decimals =
        if step > 0.0 && step.is_finite() { (-(step.log10() + 1e-9).floor()).max(0.0) as usize } else { 3 };
    format!("{v:.decimals$}")
}

/// A [`tick`] of an axis of effects: with its sign (`+0.2`, `0`, `-0.2`).
pub fn signed_tick(v: f64, step: f64) -> String {
    if v > 0.0 { format!("+{}", tick(v, step)) } else { tick(v, step) }
}

/// An effect (a difference) with its sign: `0` for exactly none, no decimals from 100 up,
/// two from 1 and three below 1; `-` when there is none. Coarser than [`sensible`] from 100
/// to 1,000 (`+150`, not `+150.2`): an effect's interval is rarely that precise.
pub fn signed(x: Option<f64>) -> String {
    match x {
        // Exactly no effect (every pair identical) reads as 0, not as a rounded small number.
        Some(0.0) => "0".into(),
        Some(v) if v.abs() >= 100.0 => format!("{v:+.0}"),
        Some(v) if v.abs() >= 1.0 => format!("{v:+.2}"),
        Some(v) => format!("{v:+.3}"),
        None => "-".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensible_precision_by_magnitude() {
        assert_eq!(sensible(12345.6), "12346");
        assert_eq!(sensible(150.25), "150.2");
        assert_eq!(sensible(-150.26), "-150.3");
        assert_eq!(sensible(15.257), "15.26");
        assert_eq!(sensible(1.5), "1.50");
        assert_eq!(sensible(0.01234), "0.012");
        assert_eq!(sensible(0.0), "0.000");
    }

    #[test]
    fn effects_are_signed() {
        assert_eq!(signed(Some(0.0)), "0");
        assert_eq!(signed(Some(150.25)), "+150");
        assert_eq!(signed(Some(-1.5)), "-1.50");
        assert_eq!(signed(Some(0.0123)), "+0.012");
        assert_eq!(signed(None), "-");
    }

    #[test]
    fn ticks_have_the_decimals_of_their_step() {
        assert_eq!(tick(40.0, 20.0), "40");
        assert_eq!(tick(0.4, 0.2), "0.4");
        assert_eq!(tick(0.15, 0.05), "0.15");
        assert_eq!(tick(-0.0, 0.1), "0");
        assert_eq!(tick(1.0, 0.2), "1");
        assert_eq!(tick(1500.0, 500.0), "1500");
        assert_eq!(signed_tick(0.2, 0.1), "+0.2");
        assert_eq!(signed_tick(-0.0, 0.1), "0");
    }

    #[test]
    fn whole_numbers_have_no_decimals() {
        assert_eq!(whole_or_sensible(12.0), "12");
        assert_eq!(whole_or_sensible(-3.0), "-3");
        assert_eq!(whole_or_sensible(150.25), "150.2");
        assert_eq!(whole_or_sensible(2.345), sensible(2.345));
    }
}
