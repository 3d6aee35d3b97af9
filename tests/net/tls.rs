//! TLS: a console that trusts the server's certificate plays; one that does not, or that
//! speaks plain TCP, gets nowhere, and the server carries on.

use std::process::{Command, Stdio};
use std::time::Duration;

use super::*;

const T: Duration = Duration::from_secs(30);

fn self_signed(dir: &Path, names: &[&str], stem: &str) -> (PathBuf, PathBuf) {
    let ck =
        rcgen::generate_simple_self_signed(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let cert = dir.join(format!("{stem}.pem"));
    let key = dir.join(format!("{stem}.key"));
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.signing_key.serialize_pem()).unwrap();
    (cert, key)
}

#[test]
fn consoles_join_over_tls_with_the_servers_certificate_and_nothing_else() {
    let tmp = scratch("tls");
    let dir = tmp.path();
    let (cert, key) = self_signed(dir, &["localhost"], "server");
    let (other, _) = self_signed(dir, &["localhost"], "other");
    let server = Server::start(
        dir,
        "127.0.0.1:0",
        &["--speed", "20", "--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()],
    );
    assert!(server.banner.iter().any(|l| l.contains("(TLS)")), "{:?}", server.banner);
    let port = server.addr.rsplit(':').next().unwrap();
    let addr = format!("localhost:{port}");

    let mut pa = Console::join(&addr, Some("pa"), &server.code("pa"), &["--tls-ca", cert.to_str().unwrap()]);
    let full = pa.wait_for("a full view over TLS", T, |x| x["type"] == "full");
    assert_eq!(full["view"]["team"], "pa");
    pa.wait_for("updates over TLS", T, |x| x["type"] == "delta");

    // A console that trusts another certificate refuses the server and says why.
    let mut wrong =
        Console::join(&addr, Some("ga"), &server.code("ga"), &["--tls-ca", other.to_str().unwrap()]);
    let line = wrong.wait_for("the TLS failure", T, |x| x["type"] == "disconnected");
    assert!(line["reason"].as_str().unwrap().contains("TLS"), "{line}");
    assert_eq!(wrong.wait_exit(T), 2);

    // Plain TCP to a TLS server gets no frames.
    let mut raw = Raw::connect(&server.addr);
    raw.write_frame(
        serde_json::json!({"type": "hello", "protocol": 4, "team": "pa", "code": server.code("pa")})
            .to_string()
            .as_bytes(),
    );
    assert!(raw.read_frame().is_none());

    pa.drain();
    let last = pa.seen.iter().rev().find_map(|x| x["update"].as_u64()).unwrap();
    pa.wait_for("updates to go on", T, |x| x["update"].as_u64() > Some(last + 2));
}

/// A certificate for `localhost` made to order (a CA one, or one outside its dates).
fn made(dir: &Path, stem: &str, change: impl Fn(&mut rcgen::CertificateParams)) -> (PathBuf, PathBuf) {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    change(&mut params);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let (c, k) = (dir.join(format!("{stem}.pem")), dir.join(format!("{stem}.key")));
    std::fs::write(&c, cert.pem()).unwrap();
    std::fs::write(&k, key.serialize_pem()).unwrap();
    (c, k)
}

#[test]
fn a_certificate_every_console_would_refuse_is_refused_at_start() {
    let tmp = scratch("tls-bad-cert");
    let dir = tmp.path();
    let ca = made(dir, "ca", |p| p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained));
    let expired = made(dir, "expired", |p| {
        p.not_before = rcgen::date_time_ymd(2001, 1, 1);
        p.not_after = rcgen::date_time_ymd(2002, 1, 1);
    });
    let future = made(dir, "future", |p| {
        p.not_before = rcgen::date_time_ymd(2999, 1, 1);
        p.not_after = rcgen::date_time_ymd(3000, 1, 1);
    });
    for ((cert, key), said) in [(ca, "CA certificate"), (expired, "expired on"), (future, "not valid before")]
    {
        let journal = dir.join("never.jsonl");
        let err_path = dir.join("stderr.txt");
        let mut child = Command::new(BIN)
            .args(["serve", "--headless", "--bind", "127.0.0.1:0", "--journal", journal.to_str().unwrap()])
            .args(["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&err_path).unwrap())
            .spawn()
            .unwrap();
        // A server that starts anyway would run until killed: wait a bounded time.
        let mut status = None;
        for _ in 0..200 {
            status = child.try_wait().unwrap();
            if status.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        let err = std::fs::read_to_string(&err_path).unwrap();
        assert_eq!(status.and_then(|s| s.code()), Some(2), "ttx serve should refuse {cert:?} at once: {err}");
        assert!(err.contains(said), "{err}");
        assert!(!journal.exists(), "refused before any session starts");
    }
}

#[test]
fn a_console_told_the_wrong_transport_says_so_and_stops() {
    let tmp = scratch("tls-mismatch");
    let dir = tmp.path();
    let (cert, key) = self_signed(dir, &["localhost"], "server");
    let tls_dir = dir.join("tls");
    std::fs::create_dir(&tls_dir).unwrap();
    let tls = Server::start(
        &tls_dir,
        "127.0.0.1:0",
        &["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()],
    );
    let mut plain = Console::join(&tls.addr, Some("pa"), &tls.code("pa"), &[]);
    let line = plain.wait_for("the plain console to give up", T, |x| x["type"] == "disconnected");
    assert!(line["reason"].as_str().unwrap().contains("the server speaks TLS: join with --tls-ca"), "{line}");
    assert_eq!(plain.wait_exit(T), 2);

    let plain_server = Server::start(dir, "127.0.0.1:0", &[]);
    let port = plain_server.addr.rsplit(':').next().unwrap();
    let mut tls_console = Console::join(
        &format!("localhost:{port}"),
        Some("pa"),
        &plain_server.code("pa"),
        &["--tls-ca", cert.to_str().unwrap()],
    );
    let line = tls_console.wait_for("the TLS console to give up", T, |x| x["type"] == "disconnected");
    assert!(line["reason"].as_str().unwrap().contains("does not speak TLS"), "{line}");
    assert_eq!(tls_console.wait_exit(T), 2);
}

#[test]
fn a_console_that_cannot_reach_its_server_gives_up_in_the_time_it_was_given() {
    let port = free_port();
    let mut c =
        Console::join(&format!("127.0.0.1:{port}"), Some("pa"), "AAAA-BBBB-CCCC", &["--give-up-after", "1"]);
    let line = c.wait_for("the console to give up", T, |x| x["type"] == "disconnected");
    assert!(line["reason"].as_str().unwrap().contains("gave up joining"), "{line}");
    assert_eq!(c.wait_exit(T), 1);
}
