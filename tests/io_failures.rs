//! Full disks and closed pipes through the real binary: no panic, no
//! leftovers, exit 1 for a write that fails (2 stays for bad input) and a
//! quiet exit 0 when the reader of the output goes away.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::harness::{assert_exit, path, stderr};

/// Runs ttx with its standard output going to `stdout`.
fn ttx_to(args: &[&str], stdout: impl Into<Stdio>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ttx"))
        .args(args)
        .current_dir(path(""))
        .env("NO_COLOR", "1")
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("the ttx binary runs")
}

fn dev_full() -> std::fs::File {
    std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full opens")
}

/// A pipe whose reading end is already closed: every write to it fails with EPIPE.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    writer
}

/// A journal written by `ttx run`, in `dir`.
fn run_journal(dir: &Path) -> String {
    let j = dir.join("run.jsonl");
    let o = ttx_to(&["run", "--until", "E-30d 06:00", "--journal", j.to_str().unwrap()], Stdio::null());
    assert_exit(&o, 0);
    j.to_str().unwrap().to_string()
}

/// One invocation of each command that prints, `batch` writing into `dir`.
fn commands(journal: &str, dir: &Path) -> Vec<Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let batch = dir.join("batch");
    let _ = std::fs::remove_dir_all(&batch);
    vec![
        v(&["batch", "tabletop_the_vote", "--runs", "1", "--jobs", "1", "--out", batch.to_str().unwrap()]),
        v(&["scenarios"]),
        v(&["validate", "scenarios/tabletop_the_vote.ron", "scenarios/county_ransomware.ron"]),
        v(&["run", "--until", "E-30d 03:00"]),
        v(&["run", "--until", "E-30d 03:00", "--json"]),
        v(&["msel"]),
        v(&["replay", journal, "--verify"]),
        v(&["report", journal, "--out", "/dev/stdout"]),
    ]
}

#[test]
#[cfg(target_os = "linux")]
fn a_full_standard_output_is_exit_1_with_a_message_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let journal = run_journal(dir.path());
    for args in commands(&journal, dir.path()) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = ttx_to(&args, dev_full());
        assert_exit(&o, 1);
        let err = stderr(&o);
        assert!(err.contains("No space left on device"), "ttx {args:?}: {err}");
        assert!(!err.contains("backtrace"), "ttx {args:?}: a message, no backtrace: {err}");
    }
}

#[test]
#[cfg(unix)]
fn a_closed_pipe_ends_a_command_quietly_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let journal = run_journal(dir.path());
    for args in commands(&journal, dir.path()) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = ttx_to(&args, closed_pipe());
        assert_exit(&o, 0);
        // batch reports its progress on standard error; nothing else says anything.
        if args[0] != "batch" {
            assert_eq!(stderr(&o), "", "ttx {args:?} says nothing");
        }
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_file_that_cannot_be_written_is_exit_1_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let journal = run_journal(dir.path());
    let cases: Vec<Vec<&str>> = vec![
        vec!["msel", "--out", "/dev/full"],
        vec!["run", "--until", "E-30d 03:00", "--journal", "/dev/full"],
        vec!["report", &journal, "--out", "/dev/full"],
        vec!["report", &journal, "--format", "md", "--out", "/dev/full"],
    ];
    let before: Vec<_> = std::fs::read_dir("/dev").unwrap().flatten().map(|e| e.file_name()).collect();
    for args in cases {
        let o = ttx_to(&args, Stdio::null());
        assert_exit(&o, 1);
        // The Markdown report's charts go in /dev/full-charts/, which only root may create.
        let reason = if stderr(&o).contains("-charts") { "" } else { "No space left on device" };
        assert!(
            stderr(&o).starts_with("cannot write ") && stderr(&o).contains(reason),
            "ttx {args:?}: {}",
            stderr(&o)
        );
    }
    let after: Vec<_> = std::fs::read_dir("/dev").unwrap().flatten().map(|e| e.file_name()).collect();
    let new: Vec<_> = after.iter().filter(|n| !before.contains(n)).collect();
    assert!(new.is_empty(), "left behind in /dev: {new:?}");
    let meta = std::fs::metadata("/dev/full").unwrap();
    assert!(!meta.is_file(), "/dev/full is still a device");
}

#[test]
#[cfg(target_os = "linux")]
fn out_dev_stdout_writes_to_standard_output_whatever_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("msel.csv");
    let o = ttx_to(&["msel", "--out", "/dev/stdout"], std::fs::File::create(&file).unwrap());
    assert_exit(&o, 0);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("number,row,time,date,clock,trigger"), "{text}");
    let link = std::fs::symlink_metadata("/dev/stdout").unwrap();
    assert!(link.file_type().is_symlink(), "/dev/stdout is still the system's link");
    let names: Vec<_> = std::fs::read_dir("/dev").unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!names.iter().any(|n| n.to_string_lossy().contains(".tmp-")), "{names:?}");
}
