//! Structure-aware: the input chooses a shipped scenario and the edits made to it.
#![no_main]

#[path = "../../tests/fuzz/mutate.rs"]
#[allow(dead_code)]
mod mutate;
#[path = "../../tests/fuzz/targets.rs"]
#[allow(dead_code)]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut c = mutate::Choices::new(data);
    let base = targets::SCENARIOS[c.below(targets::SCENARIOS.len())];
    targets::scenario(&mutate::text(base, &mut c));
});
