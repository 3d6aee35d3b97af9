//! Structure-aware: the input chooses edits to a journal with commands (values
//! inside its JSON lines, its embedded scenario, whole lines); its first byte
//! odd means raw bytes instead.
#![no_main]

#[path = "../../tests/fuzz/mutate.rs"]
#[allow(dead_code)]
mod mutate;
#[path = "../../tests/fuzz/targets.rs"]
#[allow(dead_code)]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((first, rest)) if first % 2 == 1 => targets::journal(rest),
        _ => {
            let mut c = mutate::Choices::new(data.get(1..).unwrap_or(&[]));
            let text = mutate::json_lines(targets::journal_seed(), &mut c, targets::SCENARIOS);
            targets::journal(text.as_bytes());
        }
    }
});
