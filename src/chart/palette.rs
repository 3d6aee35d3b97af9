//! The one palette of every chart ttx draws, batch plots and report charts alike: the
//! colour-blind-safe colours of Okabe and Ito for data, a few greys and tints for ink,
//! grids and bands, all as `#RRGGBB` text, with [`rgb`] to read one as its three bytes.

/// Orange.
pub const ORANGE: &str = "#E69F00";
/// Sky blue.
pub const SKY: &str = "#56B4E9";
/// Bluish green.
pub const GREEN: &str = "#009E73";
/// Yellow.
pub const YELLOW: &str = "#C9B800";
/// Blue.
pub const BLUE: &str = "#0072B2";
/// Vermillion.
pub const RED: &str = "#D55E00";
/// Reddish purple.
pub const PURPLE: &str = "#CC79A7";
/// Dark grey.
pub const GREY: &str = "#555555";

/// Text and data ink.
pub const INK: &str = "#1d2733";
/// Secondary text, axis numbers and axis lines.
pub const MUTED: &str = "#5b6876";
/// Grid lines.
pub const GRIDLINE: &str = "#e1e6ea";
/// Row rules of a timeline.
pub const RULE: &str = "#d5dbe1";
/// The background, and the fill of hollow dots.
pub const PAPER: &str = "#ffffff";
/// Alternate rows of a chart with one row per item.
pub const STRIPE: &str = "#f4f6f8";
/// The first band of each pair (a timeline's modules).
pub const BAND: &str = "#e6eef6";
/// The second band of each pair.
pub const BAND_ALT: &str = "#f7f9fb";
/// The edge of a band.
pub const BAND_EDGE: &str = "#9fb3c8";
/// The title of a band.
pub const BAND_TITLE: &str = "#1f4e79";
/// A good outcome marked in words (warned in time).
pub const GOOD: &str = "#1b6e2d";
/// A bad outcome marked in words (not warned; an access attempt).
pub const BAD: &str = "#a61b1b";
/// An effect whose 95% interval leaves out zero.
pub const CLEAR: &str = "#1f5fa8";
/// An effect whose interval holds zero, and the zero line.
pub const UNCLEAR: &str = "#888888";
/// Headings inside a chart.
pub const HEADING: &str = "#333333";
/// Row labels of a forest plot of effects.
pub const LABEL: &str = "#222222";

/// The colours of series in order, for charts with one colour per series.
pub const SERIES: [&str; 8] = [BLUE, RED, GREEN, ORANGE, PURPLE, SKY, YELLOW, GREY];

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// The red, green and blue bytes of a `#RRGGBB` colour of this palette.
pub const fn rgb(hex: &str) -> (u8, u8, u8) {
    let b = hex.as_bytes();
    if b.len() != 7 {
        return (0, 0, 0);
    }
    (nibble(b[1]) * 16 + nibble(b[2]), nibble(b[3]) * 16 + nibble(b[4]), nibble(b[5]) * 16 + nibble(b[6]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_read_as_bytes() {
        assert_eq!(rgb(BLUE), (0x00, 0x72, 0xB2));
        assert_eq!(rgb(ORANGE), (0xE6, 0x9F, 0x00));
        for c in SERIES {
            let (r, g, b) = rgb(c);
            assert_eq!(format!("#{r:02X}{g:02X}{b:02X}"), c);
        }
    }
}
