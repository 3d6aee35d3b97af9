//! Hostile and unlucky peers: a console piping commands faster than it may send them, a
//! server whose journal fails, floods of connections and of commands, TLS mismatches.

use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

use serde_json::json;

use super::*;

const T: Duration = Duration::from_secs(30);

#[test]
fn a_headless_console_fed_faster_than_it_may_send_answers_every_command() {
    let tmp = scratch("flood-input");
    let server = Server::start(
        tmp.path(),
        "127.0.0.1:0",
        &["--speed", "20", "--no-module-breaks", "--rate", "100", "--burst", "100"],
    );
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    // Every line at once, far faster than the console may send them: it must keep reading
    // the server's answers and updates while it paces its sends.
    const N: u64 = 300;
    let mut lines = String::new();
    for i in 0..N {
        lines.push_str(&json!({"type": "speed", "ticks_per_second": 20.0 + (i % 2) as f64}).to_string());
        lines.push('\n');
    }
    let stdin = fac.stdin.as_mut().unwrap();
    stdin.write_all(lines.as_bytes()).unwrap();
    stdin.flush().unwrap();
    fac.close_input();
    let mut answered = BTreeSet::new();
    while (answered.len() as u64) < N {
        let a = fac.wait_for(&format!("answers to all {N} commands ({} so far)", answered.len()), T, |x| {
            matches!(x["type"].as_str(), Some("done" | "refused" | "ack"))
        });
        answered.insert(a["id"].as_u64().unwrap());
    }
    assert_eq!(answered, (1..=N).collect::<BTreeSet<_>>());
    assert_eq!(fac.wait_exit(T), 0, "the console leaves once its input has ended and all is answered");
}

/// The length of the journal's header line for the built-in scenario.
fn header_len(dir: &Path) -> u64 {
    let probe = dir.join("probe.jsonl");
    let out = Command::new(BIN)
        .args(["run", "--until", "E-60d 09:00", "--journal", probe.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&probe).unwrap();
    text.lines().next().unwrap().len() as u64 + 1
}

#[test]
fn a_server_whose_journal_cannot_be_written_stops_and_says_how_to_resume() {
    let tmp = scratch("journal-full");
    let dir = tmp.path();
    // A file size limit (as a full disk would) a few hundred hash lines past the header:
    // writes past it fail with "File too large" instead of killing the process.
    let blocks = header_len(dir) / 512 + 8;
    let journal = dir.join("session.jsonl");
    let stderr = dir.join("stderr.txt");
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f "$1"; shift; exec "$@" 2>"$TTX_TEST_STDERR""#)
        .arg("sh")
        .arg(blocks.to_string())
        .arg(BIN)
        .args(["serve", "--headless", "--bind", "127.0.0.1:0", "--speed", "50", "--no-module-breaks"])
        .arg("--journal")
        .arg(&journal)
        .env("TTX_TEST_STDERR", &stderr);
    let mut server = Server::spawn_command(&mut sh, journal.clone());
    let mut ga = Console::join(&server.addr, Some("ga"), &server.code("ga"), &[]);
    ga.wait_for("ga's view", T, |x| x["type"] == "full");
    assert_eq!(server.wait_exit(T), 1, "the server stops with exit 1 once the journal fails");
    let said = std::fs::read_to_string(&stderr).unwrap();
    assert!(said.contains("cannot write the journal"), "{said}");
    assert!(said.contains(&format!("ttx serve --resume {}", journal.display())), "{said}");
    // The console is told, and a new one finds nobody listening rather than a welcome.
    ga.wait_for("the console to lose the server", T, |x| x["type"] == "disconnected");
    assert!(TcpStream::connect(&server.addr).is_err(), "nothing listens after the stop");
}

#[test]
fn sigterm_stops_a_server_as_ctrl_c_does() {
    let tmp = scratch("sigterm");
    let mut server = Server::start(tmp.path(), "127.0.0.1:0", &["--speed", "20"]);
    let st = Command::new("kill").args(["-TERM", &server.pid().to_string()]).status().unwrap();
    assert!(st.success());
    assert_eq!(server.wait_exit(T), 0, "SIGTERM ends the session cleanly");
    let (rc, text) = replay_verify(&server.journal);
    assert_eq!(rc, 0, "{text}");
}
