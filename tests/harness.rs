//! Helpers shared by the end-to-end tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the repository root.
pub fn path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// Runs the real `ttx` binary with arguments, from the repository root.
pub fn ttx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ttx"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the ttx binary runs")
}

/// Stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exit code (panics are reported as code 101 by Rust; a signal as -1).
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Asserts a run exited as expected, showing its output if not.
pub fn assert_exit(o: &Output, expected: i32) {
    assert_eq!(code(o), expected, "exit code\n--- stdout\n{}\n--- stderr\n{}", stdout(o), stderr(o));
    assert!(!stderr(o).contains("panicked"), "the binary panicked:\n{}", stderr(o));
}

/// A fresh empty folder for one test, removed when dropped (pass or fail).
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("a scratch folder")
}

/// A scratch folder named for its test (`ttx-test-NAME-...` in the temporary directory), used
/// as a path and removed when dropped, pass or fail.
pub struct Named(tempfile::TempDir);

impl std::ops::Deref for Named {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for Named {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

/// A fresh empty folder for the test `name`, removed when dropped.
pub fn named_scratch(name: &str) -> Named {
    Named(tempfile::Builder::new().prefix(&format!("ttx-test-{name}-")).tempdir().expect("a scratch folder"))
}

/// Runs `ttx` with arguments that must succeed; its output.
pub fn succeeds(args: &[&str]) -> Output {
    let o = ttx(args);
    assert!(o.status.success(), "ttx {args:?} failed: {}\n{}", stdout(&o), stderr(&o));
    o
}

/// Runs `ttx` with arguments that must succeed; its stdout.
pub fn ok(args: &[&str]) -> String {
    stdout(&succeeds(args))
}

/// Runs `ttx` in the folder `dir` with arguments that must succeed; its stdout.
pub fn ok_in(dir: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_ttx"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the ttx binary runs");
    assert!(o.status.success(), "ttx {args:?} in {} failed: {}\n{}", dir.display(), stdout(&o), stderr(&o));
    stdout(&o)
}

/// Runs `ttx` with arguments it must refuse as bad input (exit 2, no panic); its stderr.
pub fn bad(args: &[&str]) -> String {
    let o = ttx(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "ttx {args:?} should exit 2; stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Runs `ttx` with arguments it must refuse as bad input (exit 2) with `needle` in the message.
pub fn fails_with(args: &[&str], needle: &str) {
    let err = bad(args);
    assert!(err.contains(needle), "ttx {args:?}: expected `{needle}` in: {err}");
}

/// The Markdown after-action report of a journal (written beside it as `.md`).
pub fn report_md(journal: &Path) -> String {
    let out = journal.with_extension("md");
    let (j, o) = (journal.to_str().expect("utf-8 path"), out.to_str().expect("utf-8 path"));
    let run = ttx(&["report", j, "--format", "md", "--out", o]);
    assert!(run.status.success(), "{}", stderr(&run));
    std::fs::read_to_string(out).expect("the report is written")
}

/// The shipped scenario files.
pub fn shipped() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in ["scenarios", "scenarios/research"] {
        let Ok(rd) = std::fs::read_dir(path(dir)) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "ron") {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

/// Loads a scenario file through the engine.
pub fn scenario(p: &Path) -> ttx_engine::Scenario {
    let src = std::fs::read_to_string(p).expect("scenario file reads");
    ttx_engine::Scenario::parse(&p.display().to_string(), &src).unwrap_or_else(|d| panic!("{d}"))
}
