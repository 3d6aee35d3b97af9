//! The code-size rules of docs/architecture.md#code-size: every source file of the
//! crates says first what it owns, and none is longer than 1,000 lines before its tests.
//! (Functions are held to 120 lines by clippy's `too_many_lines`, set in clippy.toml.)

use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 1000;

/// The crates' source folders, relative to the workspace root.
const SOURCES: &[&str] = &["src", "engine/src", "tui/src", "protocol/src", "python/src"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// A file of tests only: `tests.rs`, `tests_*.rs`, or anything under a `tests` folder.
fn is_test_file(p: &Path) -> bool {
    let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    name == "tests" || name.starts_with("tests_") || p.components().any(|c| c.as_os_str() == "tests")
}

/// Lines before the file's unit-test module (`#[cfg(test)]` followed by `mod ... {`).
fn lines_before_tests(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].starts_with("mod ") && w[1].ends_with('{'))
        .unwrap_or(lines.len())
}

#[test]
fn every_source_file_says_what_it_owns_and_stays_under_a_thousand_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in SOURCES {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 100, "found only {} source files under {SOURCES:?}", files.len());
    let mut problems = Vec::new();
    for p in files.iter().filter(|p| !is_test_file(p)) {
        let text = std::fs::read_to_string(p).unwrap();
        let shown = p.strip_prefix(root).unwrap_or(p).display();
        if !text.starts_with("//!") {
            problems.push(format!("{shown}: does not begin with a `//!` comment saying what it owns"));
        }
        let n = lines_before_tests(&text);
        if n > MAX_FILE_LINES {
            problems
                .push(format!("{shown}: {n} lines before its tests (at most {MAX_FILE_LINES}); split it"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_test_module_is_found_where_it_starts() {
    let text = "//! x\nfn a() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n";
    assert_eq!(lines_before_tests(text), 3);
    assert_eq!(lines_before_tests("//! x\nfn a() {}\n"), 2);
    assert!(is_test_file(Path::new("engine/src/sim/tests.rs")));
    assert!(is_test_file(Path::new("engine/src/tests_branch.rs")));
    assert!(!is_test_file(Path::new("engine/src/sim.rs")));
}
