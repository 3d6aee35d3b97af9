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
    server.stop(&mut fac);
    server.assert_verifies();
}

/// The journal's side file (`JOURNAL.codes`) as JSON.
fn side_file(journal: &std::path::Path) -> Value {
    let mut path = journal.as_os_str().to_owned();
    path.push(".codes");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn write_side_file(journal: &std::path::Path, v: &Value) {
    let mut path = journal.as_os_str().to_owned();
    path.push(".codes");
    std::fs::write(path, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// `ttx serve --headless --resume JOURNAL` run to its end: exit code and standard error.
fn resume_failing(journal: &std::path::Path) -> (i32, String) {
    let out = std::process::Command::new(BIN)
        .args(["serve", "--headless", "--resume", journal.to_str().unwrap()])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn resume_alone_listens_again_where_the_session_listened_and_the_consoles_come_back() {
    let tmp = scratch("resume-address");
    let bind = format!("127.0.0.1:{}", free_port());
    let mut server = Server::start(tmp.path(), &bind, &["--speed", "40", "--no-module-breaks"]);
    assert_eq!(side_file(&server.journal)["address"], json!(bind), "the address is kept with the codes");
    let (mut pa, _) = server.team("pa");
    server.kill9();
    pa.wait_for("the console to notice", T, |x| x["type"] == "disconnected");

    // Only --resume: the same address, said so, and the console (still retrying it) is back.
    let mut server = Server::resume_alone(&server.journal.clone());
    assert_eq!(server.addr, bind);
    let banner = server.banner.join("\n");
    assert!(banner.contains(&format!("Listening on {bind} (this session's address")), "{banner}");
    pa.wait_for("the console to reconnect", T, |x| x["type"] == "full");
    let mut fac = Console::join(&bind, None, &server.facilitator_code(), &[]);
    server.stop(&mut fac);

    // An explicit --bind wins over the kept address, says so, and is kept in its place.
    let other = format!("127.0.0.1:{}", free_port());
    let mut server = Server::resume(&server.journal.clone(), &other, &[]);
    assert_eq!(server.addr, other);
    let banner = server.banner.join("\n");
    assert!(banner.contains(&format!("(--bind; this session listened on {bind} before")), "{banner}");
    assert_eq!(side_file(&server.journal)["address"], json!(other));
    server.kill9();
}

#[test]
fn resume_alone_on_a_taken_address_says_which_and_how_to_move() {
    let tmp = scratch("resume-taken");
    let bind = format!("127.0.0.1:{}", free_port());
    let mut server = Server::start(tmp.path(), &bind, &[]);
    server.kill9();
    let journal = server.journal.clone();
    let _holder = std::net::TcpListener::bind(&bind).unwrap();
    let (code, err) = resume_failing(&journal);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains(&format!("cannot listen on {bind}, the address this session listened on")), "{err}");
    assert!(err.contains("--bind ADDR"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_session_kept_without_its_address_resumes_at_the_default() {
    let tmp = scratch("resume-old");
    let bind = format!("127.0.0.1:{}", free_port());
    let mut server = Server::start(tmp.path(), &bind, &[]);
    server.kill9();
    let journal = server.journal.clone();
    // Codes saved before the address was kept.
    let mut codes = side_file(&journal);
    codes.as_object_mut().unwrap().remove("address");
    write_side_file(&journal, &codes);
    // The default port may be in use on this computer: then the refusal names it.
    let mut child = std::process::Command::new(BIN)
        .args(["serve", "--headless", "--resume", journal.to_str().unwrap()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut listening = None;
    loop {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut out, &mut line).unwrap() == 0 {
            break;
        }
        if line.starts_with("Listening on ") {
            listening = Some(line);
            break;
        }
    }
    match listening {
        Some(line) => {
            let _ = child.kill();
            let _ = child.wait();
            assert!(line.starts_with("Listening on 127.0.0.1:7878 (the default"), "{line}");
            assert_eq!(side_file(&journal)["address"], json!("127.0.0.1:7878"));
        }
        None => {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            let _ = child.wait();
            assert!(err.contains("cannot listen on 127.0.0.1:7878:"), "{err}");
        }
    }
}
