//! The protocol's frame decoder, as the server reads a console: structure-aware
//! frames of mutated console messages, or (first byte odd) raw bytes.
#![no_main]

#[path = "../../tests/fuzz/mutate.rs"]
#[allow(dead_code)]
mod mutate;
#[path = "../../tests/fuzz/targets.rs"]
#[allow(dead_code)]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((first, rest)) if first % 2 == 1 => targets::frames(rest),
        _ => {
            let mut c = mutate::Choices::new(data.get(1..).unwrap_or(&[]));
            let seeds: Vec<&str> = targets::frame_seeds().iter().map(String::as_str).collect();
            targets::frames(&mutate::frames(&seeds, &mut c));
        }
    }
});
