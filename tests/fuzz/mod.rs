//! Fuzzing that stays: the scenario reader, the journal reader and the
//! protocol's frame decoder get structure-aware mutations of the shipped
//! scenarios, of a journal and of console messages, and raw bytes.
//!
//! `cargo test` runs a few cases of each (about a second); raise the number
//! with `TTX_FUZZ_CASES=100000 cargo test --release --test tests fuzz::`.
//! For long runs, the same targets run under cargo-fuzz (docs/fuzzing.md).
//! Every crash found becomes a file in tests/fixtures/fuzz/, replayed by
//! `fuzz::regressions_stay_fixed`.

pub mod mutate;
pub mod targets;

use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::harness::path;

/// Cases per target: `TTX_FUZZ_CASES`, or a few for a quick `cargo test`.
fn config(default: u32) -> Config {
    let cases = std::env::var("TTX_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// The choices that drive one mutation.
fn choices() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..512)
}

/// A mutated shipped scenario, from choices.
pub fn scenario_input(data: &[u8]) -> String {
    let mut c = mutate::Choices::new(data);
    let base = targets::SCENARIOS[c.below(targets::SCENARIOS.len())];
    mutate::text(base, &mut c)
}

/// A mutated journal, from choices.
pub fn journal_input(data: &[u8]) -> String {
    let mut c = mutate::Choices::new(data);
    mutate::json_lines(targets::journal_seed(), &mut c, targets::SCENARIOS)
}

/// Mutated console frames, from choices.
pub fn frames_input(data: &[u8]) -> Vec<u8> {
    let mut c = mutate::Choices::new(data);
    let seeds: Vec<&str> = targets::frame_seeds().iter().map(String::as_str).collect();
    mutate::frames(&seeds, &mut c)
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn mutated_scenarios_load_or_give_bounded_diagnostics(data in choices()) {
        targets::scenario(&scenario_input(&data));
    }

    #[test]
    fn mutated_journals_read_and_replay_without_panic(data in choices()) {
        targets::journal(journal_input(&data).as_bytes());
    }

    #[test]
    fn mutated_frames_decode_without_panic(data in choices()) {
        targets::frames(&frames_input(&data));
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn raw_bytes_never_crash_a_reader(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        targets::scenario(&String::from_utf8_lossy(&data));
        targets::journal(&data);
        targets::frames(&data);
    }
}

/// Each file in tests/fixtures/fuzz/<target>/ is an input that once crashed
/// (or was written to pin a fixed defect) and must keep passing.
#[test]
fn regressions_stay_fixed() {
    let mut seen = 0;
    for target in ["scenario", "journal", "frame"] {
        let dir = path(&format!("tests/fixtures/fuzz/{target}"));
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let bytes = std::fs::read(e.path()).unwrap();
            match target {
                "scenario" => targets::scenario(&String::from_utf8_lossy(&bytes)),
                "journal" => targets::journal(&bytes),
                _ => targets::frames(&bytes),
            }
            seen += 1;
        }
    }
    assert!(seen >= 3, "the regression fixtures are found ({seen})");
}

#[test]
fn mutations_are_deterministic_and_vary() {
    let a = scenario_input(&[1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(a, scenario_input(&[1, 2, 3, 4, 5, 6, 7, 8, 9]));
    let distinct: std::collections::BTreeSet<String> = (0..50u8)
        .map(|i| {
            scenario_input(&(0..64u8).map(|k| i.wrapping_mul(31) ^ k.wrapping_mul(17)).collect::<Vec<_>>())
        })
        .collect();
    assert!(distinct.len() > 25, "{} distinct mutations of 50", distinct.len());
    assert!(targets::journal_seed().lines().count() > 5, "the seed journal has commands and hashes");
    assert_ne!(journal_input(&[]), targets::journal_seed());
    assert!(!frames_input(&[]).is_empty());
}
