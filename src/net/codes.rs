//! Join codes: one per team and one for the facilitator's control connection.
//!
//! Made from the operating system's randomness (never from the scenario's
//! seed, which is in the journal for anyone to read), written in Crockford's
//! base32 so they can be read aloud across a room, compared in constant time.
//! They are kept beside the journal (`JOURNAL.codes`, readable by its owner
//! only), with the address the session listens on, so that after
//! `ttx serve --resume` the consoles reconnect where they were, with the
//! codes they already have.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

/// Crockford's base32: no I, L, O or U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters per code (60 bits).
const LEN: usize = 12;

/// The session's codes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JoinCodes {
    /// The facilitator's control connection.
    pub facilitator: String,
    /// Per team id.
    pub teams: BTreeMap<String, String>,
    /// Read-only room displays (`ttx join --observer`); empty in codes saved before there were
    /// observers, until the session is resumed.
    #[serde(default)]
    pub observer: String,
    /// The address the session listens on (`ttx serve --resume` listens there again); none in
    /// codes saved before it was kept, or before the session first listened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// A fresh code, e.g. `K7QM-4XPD-9TWR`.
pub fn fresh() -> std::io::Result<String> {
    let mut raw = [0u8; LEN];
    getrandom::fill(&mut raw).map_err(|e| std::io::Error::other(format!("no randomness: {e}")))?;
    let mut out = String::with_capacity(LEN + 2);
    for (i, b) in raw.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(ALPHABET[(b & 31) as usize] as char);
    }
    Ok(out)
}

/// A code as typed: case, dashes and spaces do not matter, and O/I/L read as 0/1/1.
pub fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, '-' | ' ' | '_'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// Constant-time comparison of a typed code with the real one.
pub fn matches(given: &str, real: &str) -> bool {
    let (a, b) = (normalize(given), normalize(real));
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl JoinCodes {
    /// New codes for these teams.
    pub fn generate(teams: &[String]) -> std::io::Result<JoinCodes> {
        let mut map = BTreeMap::new();
        for t in teams {
            map.insert(t.clone(), fresh()?);
        }
        Ok(JoinCodes { facilitator: fresh()?, teams: map, observer: fresh()?, address: None })
    }

    /// Whether a code is the observers'.
    pub fn check_observer(&self, code: &str) -> bool {
        !self.observer.is_empty() && matches(code, &self.observer)
    }

    /// Who a code admits: `Some(Some(team))` for a team, `Some(None)` for the facilitator.
    /// Every candidate is compared, so the time taken does not depend on which matched.
    pub fn check(&self, team: Option<&str>, code: &str) -> bool {
        match team {
            None => matches(code, &self.facilitator),
            Some(t) => {
                let mut ok = false;
                for (id, real) in &self.teams {
                    let m = matches(code, real);
                    ok |= m && id == t;
                }
                ok
            }
        }
    }

    /// Where the codes of a journal are kept.
    pub fn path_for(journal: &Path) -> PathBuf {
        let mut s = journal.as_os_str().to_owned();
        s.push(".codes");
        PathBuf::from(s)
    }

    /// Saves the codes, readable by their owner only.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        use std::io::Write;
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path)?;
        f.write_all(text.as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()
    }

    /// Loads saved codes.
    pub fn load(path: &Path) -> std::io::Result<JoinCodes> {
        let text = std::fs::read_to_string(path)?;
        serde_json::from_str(&text).map_err(std::io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_fresh_readable_and_forgiving_to_type() {
        let a = fresh().unwrap();
        let b = fresh().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 14);
        assert!(normalize(&a).bytes().all(|c| ALPHABET.contains(&c)));
        assert!(matches(&a.to_lowercase().replace('-', " "), &a));
        assert!(matches("k7qm-4xpd-9twr", "K7QM4XPD9TWR"));
        assert!(matches("oil", "011"));
        assert!(!matches("K7QM-4XPD-9TWS", "K7QM-4XPD-9TWR"));
        assert!(!matches("", "K7QM-4XPD-9TWR"));
    }

    #[test]
    fn a_team_code_admits_only_its_team() {
        let codes = JoinCodes::generate(&["pa".into(), "ga".into()]).unwrap();
        let pa = codes.teams["pa"].clone();
        assert!(codes.check(Some("pa"), &pa));
        assert!(!codes.check(Some("ga"), &pa));
        assert!(!codes.check(None, &pa));
        assert!(!codes.check(Some("nope"), &pa));
        assert!(codes.check(None, &codes.facilitator));
        assert!(codes.check_observer(&codes.observer));
        assert!(!codes.check_observer(&codes.facilitator));
        assert!(!codes.check(None, &codes.observer));
        let old = JoinCodes { observer: String::new(), ..codes };
        assert!(!old.check_observer(""));
    }
}
