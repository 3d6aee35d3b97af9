//! Reference data about the states, embedded from `scenarios/data/`.
//!
//! `us_states.csv` gives each state's local election jurisdictions (EAVS 2022
//! basis, 7,894 in all) and registered voters (EAVS 2020); `us_tile_grid.csv`
//! places each state on the tile-grid map. Their sources are in
//! `scenarios/data/us_states.SOURCES.md`.

use std::sync::OnceLock;

const STATES_CSV: &str = include_str!("../../scenarios/data/us_states.csv");
const TILE_GRID_CSV: &str = include_str!("../../scenarios/data/us_tile_grid.csv");

/// One state (or DC) from the reference data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateRecord {
    /// Two-digit FIPS code.
    pub fips: String,
    /// USPS postal code.
    pub postal: String,
    /// Full name.
    pub name: String,
    /// Counties and county-equivalents.
    pub counties: u32,
    /// Local election jurisdictions.
    pub local_election_jurisdictions: u32,
    /// Registered voters.
    pub registered_voters: u64,
    /// Census region.
    pub census_region: String,
    /// Tile-grid map row (1-based).
    pub map_row: u8,
    /// Tile-grid map column (1-based).
    pub map_col: u8,
}

/// All 51 records, sorted by FIPS code.
pub fn states() -> &'static [StateRecord] {
    static STATES: OnceLock<Vec<StateRecord>> = OnceLock::new();
    STATES.get_or_init(parse_states)
}

/// The record for a postal code.
pub fn state(postal: &str) -> Option<&'static StateRecord> {
    states().iter().find(|s| s.postal == postal)
}

/// Tile-grid map size (rows, columns).
pub const MAP_ROWS: u8 = 8;
/// Tile-grid map columns.
pub const MAP_COLS: u8 = 11;

fn parse_states() -> Vec<StateRecord> {
    let grid: Vec<(String, u8, u8)> = TILE_GRID_CSV
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split(',');
            let postal = f.next()?.trim().to_string();
            let row = f.next()?.trim().parse().ok()?;
            let col = f.next()?.trim().parse().ok()?;
            Some((postal, row, col))
        })
        .collect();
    STATES_CSV
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').map(str::trim).collect();
            if f.len() < 7 {
                return None;
            }
            let (map_row, map_col) =
                grid.iter().find(|(p, _, _)| p == f[1]).map(|(_, r, c)| (*r, *c)).unwrap_or((0, 0));
            Some(StateRecord {
                fips: f[0].to_string(),
                postal: f[1].to_string(),
                name: f[2].to_string(),
                counties: f[3].parse().ok()?,
                local_election_jurisdictions: f[4].parse().ok()?,
                registered_voters: f[5].parse().ok()?,
                census_region: f[6].to_string(),
                map_row,
                map_col,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_totals_match_the_sources_note() {
        let s = states();
        assert_eq!(s.len(), 51);
        assert_eq!(s.iter().map(|r| u64::from(r.local_election_jurisdictions)).sum::<u64>(), 7_894);
        assert_eq!(s.iter().map(|r| r.registered_voters).sum::<u64>(), 226_033_920);
        assert_eq!(s.iter().map(|r| u64::from(r.counties)).sum::<u64>(), 3_144);
        assert!(s.iter().all(|r| r.map_row >= 1 && r.map_col >= 1), "every state has a map tile");
        assert_eq!(state("PA").map(|r| r.name.as_str()), Some("Pennsylvania"));
    }
}
