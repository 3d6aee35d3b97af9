//! Crash safety: `kill -9` the server mid-exercise, resume from the journal.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;

const T: Duration = Duration::from_secs(30);

#[test]
fn a_killed_server_resumes_with_the_same_state_and_every_acknowledged_command() {
    let tmp = scratch("resume");
    let dir = tmp.path();
    let bind = format!("127.0.0.1:{}", free_port());
    let mut server = Server::start(dir, &bind, &["--speed", "40", "--no-module-breaks"]);
    let code = server.code("pa");
    let mut pa = Console::join(&bind, Some("pa"), &code, &[]);
    let view = pa.wait_for("pa's view", T, |x| x["type"] == "full")["view"].clone();

    // Commands acknowledged while the clock runs.
    let mut acked: Vec<u64> = Vec::new();
    for actor in view["actors"].as_array().unwrap() {
        for asset in actor["assets"].as_array().unwrap().iter().take(2) {
            let a = pa.ask(json!({"type": "patch", "actor": actor["id"], "asset": asset["id"]}));
            assert_eq!(a["type"], "ack", "{a}");
            acked.push(a["seq"].as_u64().unwrap());
        }
    }
    assert!(acked.len() >= 8);
    // An hour passes after them, so the journal also pins a state hash to check on resume.
    pa.wait_for("an hour after the commands", T, |x| x["type"] == "delta");
    server.kill9();

    // What the crash left: every acknowledged command is on disk.
    let records = journal_records(&server.journal);
    for seq in &acked {
        assert!(
            records.iter().any(|r| r["type"] == "command"
                && r["seq"] == json!(seq)
                && r["issuer"] == json!({"team": "pa"})),
            "acknowledged command {seq} is missing from the journal"
        );
    }
    let last_hash: &Value = records.iter().rev().find(|r| r["type"] == "hash").unwrap();
    let pa_down = pa.wait_for("the console to notice", T, |x| x["type"] == "disconnected");
    assert!(pa_down["reason"].is_string());

    // Resume on the same address: the state hash is the journal's.
    let mut server = Server::resume(&server.journal.clone(), &bind, &["--speed", "40", "--no-module-breaks"]);
    let banner = server.banner.join("\n");
    let hash = last_hash["hash"].as_str().unwrap();
    assert!(
        banner.contains(&format!("state hash {hash}")),
        "resumed at another state:\n{banner}\njournal: {last_hash}"
    );
    assert!(banner.contains("resumed"), "{banner}");

    // The console reconnects by itself with its code, gets a full view, and play goes on.
    let full = pa.wait_for("the console to reconnect", T, |x| x["type"] == "full");
    assert!(full["view"]["tick"].as_u64().unwrap() > last_hash["tick"].as_u64().unwrap());
    let mut applied = Vec::new();
    for _ in 0..100 {
        let v = pa.view();
        applied = v["outcomes"].as_array().unwrap().iter().map(|o| o["seq"].as_u64().unwrap()).collect();
        if acked.iter().all(|s| applied.contains(s)) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for seq in &acked {
        assert!(applied.contains(seq), "command {seq} was acknowledged but never applied: {applied:?}");
    }

    // The journal of the whole session, across the crash, replays and verifies.
    let mut fac = Console::join(&bind, None, &server.facilitator_code(), &[]);
    assert_eq!(fac.ask(json!({"type": "stop"}))["type"], "done");
    assert_eq!(server.wait_exit(T), 0);
    let (code, text) = replay_verify(&server.journal);
    assert_eq!(code, 0, "{text}");
}
