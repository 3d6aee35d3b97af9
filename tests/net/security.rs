//! Misbehaving consoles: each is refused with an error and dropped, while the server and the
//! other consoles carry on.

use std::io::Write;
use std::time::Duration;

use serde_json::json;

use super::*;

const T: Duration = Duration::from_secs(30);

/// The watcher keeps receiving fresh updates.
fn still_live(watcher: &mut Console, what: &str) {
    watcher.drain();
    let last = watcher.seen.iter().rev().find_map(|x| x["update"].as_u64()).unwrap_or(0);
    watcher.wait_for(&format!("updates to go on after {what}"), T, |x| {
        x["type"] == "delta" && x["update"].as_u64() > Some(last + 2)
    });
}

fn assert_error(raw: &mut Raw, code: &str) -> String {
    let e = raw.read_error();
    assert_eq!(e["code"], code, "{e}");
    assert!(raw.closed_within(Duration::from_secs(5)), "the connection stayed open after {e}");
    e["message"].as_str().unwrap().to_string()
}

#[test]
#[allow(clippy::too_many_lines)] // one story of misbehaving peers, told step by step
fn misbehaving_consoles_are_dropped_and_everyone_else_carries_on() {
    let tmp = scratch("security");
    let dir = tmp.path();
    let mut server = Server::start(
        dir,
        "127.0.0.1:0",
        &[
            "--speed",
            "20",
            "--no-module-breaks",
            "--handshake-timeout",
            "1",
            "--idle-timeout",
            "1.5",
            "--write-timeout",
            "1",
            "--update-backlog",
            "4",
            "--send-buffer",
            "4096",
        ],
    );
    let addr = server.addr.clone();
    let (mut ga, ga_view) = server.team("ga");
    let ga_office = actor_of_kind(&ga_view, "StateOffice");

    // A wrong code: the console is told and gives up (exit 2); so is a raw connection.
    let mut wrong = Console::join(&addr, Some("pa"), "AAAA-BBBB-CCCC", &[]);
    let line = wrong.wait_for("the refusal", T, |x| x["type"] == "disconnected");
    assert!(line["reason"].as_str().unwrap().contains("wrong join code"), "{line}");
    assert_eq!(wrong.wait_exit(T), 2);
    // A team that does not exist is told so, not that its code is wrong.
    let mut unknown = Console::join(&addr, Some("ohio"), "AAAA-BBBB-CCCC", &[]);
    let line = unknown.wait_for("the refusal", T, |x| x["type"] == "disconnected");
    assert!(line["reason"].as_str().unwrap().contains("there is no team `ohio`"), "{line}");
    assert_eq!(unknown.wait_exit(T), 2);
    let mut raw = Raw::connect(&addr);
    let e = raw.hello(Some("pa"), &server.code("ga"));
    assert_eq!(e["code"], "bad_code", "a team's code admits only that team: {e}");
    let mut raw = Raw::connect(&addr);
    assert_eq!(raw.hello(None, &server.code("pa"))["code"], "bad_code");
    let mut raw = Raw::connect(&addr);
    assert_eq!(raw.hello(Some("nosuchteam"), "x")["code"], "bad_code");
    still_live(&mut ga, "wrong codes");

    // Commands outside the team's authority are refused with the reason; the console stays.
    let pa_asset_cmd = json!({"type": "patch", "actor": "harbor", "asset": "harbor_vr"});
    let r = ga.ask(pa_asset_cmd);
    assert_eq!(r["type"], "refused");
    assert_eq!(r["rejection"]["reason"], "not_your_actor", "{r}");
    let r = ga.ask(json!({"type": "deliver_assessment", "actor": ga_office}));
    assert_eq!(r["rejection"]["reason"], "no_authority", "{r}");
    let r = ga.ask(json!({"type": "fire_inject", "inject": "phish_wave"}));
    assert_eq!(r["rejection"]["reason"], "facilitator_only", "{r}");
    let r = ga.ask(json!({"type": "pause"}));
    assert_eq!(r["type"], "refused", "{r}");
    still_live(&mut ga, "refused commands");

    // An oversized frame, before and after the handshake.
    let mut raw = Raw::connect(&addr);
    raw.stream.write_all(&10_000_000u32.to_be_bytes()).unwrap();
    raw.stream.write_all(&[b'x'; 1000]).unwrap();
    assert_error(&mut raw, "frame_too_large");
    let mut raw = Raw::connect(&addr);
    assert_eq!(raw.hello(Some("pa"), &server.code("pa"))["type"], "welcome");
    raw.write_frame(&vec![b' '; 70_000]);
    assert_error(&mut raw, "frame_too_large");

    // Random bytes.
    let mut raw = Raw::connect(&addr);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let noise: Vec<u8> = (0..300)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    raw.stream.write_all(&noise).unwrap();
    let e = raw.read_error();
    assert!(matches!(e["code"].as_str(), Some("frame_too_large" | "malformed" | "timeout")), "{e}");
    assert!(raw.closed_within(Duration::from_secs(5)));
    // A frame of random bytes, of a plausible length.
    let mut raw = Raw::connect(&addr);
    raw.write_frame(&noise);
    assert_error(&mut raw, "malformed");

    // A half-sent frame, before and after the handshake.
    let mut raw = Raw::connect(&addr);
    raw.stream.write_all(&100u32.to_be_bytes()).unwrap();
    raw.stream.write_all(b"{\"type\":\"he").unwrap();
    let m = assert_error(&mut raw, "timeout");
    assert!(m.contains("partly sent"), "{m}");
    let mut raw = Raw::connect(&addr);
    raw.hello(Some("pa"), &server.code("pa"));
    raw.stream.write_all(&100u32.to_be_bytes()).unwrap();
    raw.stream.write_all(b"{\"type\":\"pi").unwrap();
    let m = assert_error(&mut raw, "timeout");
    assert!(m.contains("partly sent"), "{m}");

    // A message of an unknown type, a malformed one, a second hello.
    for (payload, code) in [
        (json!({"type": "launch_missiles"}).to_string(), "unknown_message"),
        (json!({"type": "command", "id": 1, "command": {"type": "patch"}}).to_string(), "malformed"),
        ("[1,2,3]".to_string(), "malformed"),
        (json!({"type": "hello", "protocol": 4, "code": "x"}).to_string(), "bad_handshake"),
    ] {
        let mut raw = Raw::connect(&addr);
        raw.hello(Some("pa"), &server.code("pa"));
        raw.write_frame(payload.as_bytes());
        assert_error(&mut raw, code);
    }
    // Another protocol version.
    let mut raw = Raw::connect(&addr);
    raw.write_frame(
        json!({"type": "hello", "protocol": 99, "team": "pa", "code": server.code("pa")})
            .to_string()
            .as_bytes(),
    );
    assert_error(&mut raw, "bad_handshake");
    still_live(&mut ga, "bad frames");

    // Too many frames too fast.
    let mut raw = Raw::connect(&addr);
    raw.hello(Some("pa"), &server.code("pa"));
    for _ in 0..200 {
        if !raw.write_frame(br#"{"type":"ping"}"#) {
            break;
        }
    }
    assert_error(&mut raw, "rate_limited");

    // A console that never reads is dropped rather than slowing the others.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let sleepy = rt.block_on(async {
        let s = tokio::net::TcpSocket::new_v4().unwrap();
        s.set_recv_buffer_size(2048).unwrap();
        s.connect(addr.parse().unwrap()).await.unwrap().into_std().unwrap()
    });
    sleepy.set_nonblocking(false).unwrap();
    let mut sleepy = Raw { stream: sleepy };
    let hello = json!({"type": "hello", "protocol": 4, "team": "wi", "code": server.code("wi")});
    sleepy.write_frame(hello.to_string().as_bytes());
    // It sends pings (so it is not idle) but reads nothing.
    for _ in 0..12 {
        std::thread::sleep(Duration::from_millis(250));
        sleepy.write_frame(br#"{"type":"ping"}"#);
    }
    still_live(&mut ga, "a console that never reads");
    assert!(sleepy.closed_within(Duration::from_secs(10)), "the console that never reads was not dropped");

    // The server is still up and admits a new console.
    assert!(server.is_running());
    let mut pa = Console::join(&addr, Some("pa"), &server.code("pa"), &[]);
    pa.wait_for("a late console's view", T, |x| x["type"] == "full");
    still_live(&mut ga, "everything");
}
