//! Raw bytes as a scenario file.
#![no_main]

#[path = "../../tests/fuzz/mutate.rs"]
#[allow(dead_code)]
mod mutate;
#[path = "../../tests/fuzz/targets.rs"]
#[allow(dead_code)]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    targets::scenario(&String::from_utf8_lossy(data));
});
