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
