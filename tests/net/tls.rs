//! TLS: a console that trusts the server's certificate plays; one that does not, or that
//! speaks plain TCP, gets nowhere, and the server carries on.

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
        serde_json::json!({"type": "hello", "protocol": 1, "team": "pa", "code": server.code("pa")})
            .to_string()
            .as_bytes(),
    );
    assert!(raw.read_frame().is_none());

    pa.drain();
    let last = pa.seen.iter().rev().find_map(|x| x["update"].as_u64()).unwrap();
    pa.wait_for("updates to go on", T, |x| x["update"].as_u64() > Some(last + 2));
}
