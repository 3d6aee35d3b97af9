//! The session's own state across the network and across a resume.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;

const T: Duration = Duration::from_secs(30);

fn fired(view: &Value) -> usize {
    view["injects"].as_array().unwrap().iter().filter(|i| i["state"] == "fired").count()
}

#[test]
fn a_served_clock_stops_when_a_scripted_inject_fires() {
    let tmp = scratch("pause-on-inject");
    let server = Server::start(
        tmp.path(),
        "127.0.0.1:0",
        &["--paused", "--pause-on-inject", "--speed", "500", "--no-module-breaks"],
    );
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    let full = fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    assert_eq!(full["status"]["pause_on_inject"], true, "{}", full["status"]);
    assert_eq!(fired(&full["view"]), 0);
    assert_eq!(fac.ask(json!({"type": "resume"}))["type"], "done");
    fac.wait_for("the clock to stop by itself", T, |x| {
        x["type"] == "facilitator_delta" && x["status"]["paused"] == true
    });
    let v = fac.view();
    assert_eq!(fired(&v), 1, "stopped at the first inject");
    // The first scripted inject is due at E-50d 09:00 (tick 241): the clock stands after it.
    assert_eq!(v["tick"], 242, "stopped at the hour the inject fired");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(fac.view()["tick"], 242, "and stays stopped");

    // Off: the clock runs on through injects.
    let a = fac.ask(json!({"type": "pause_on_inject", "on": false}));
    assert_eq!(a["type"], "done", "{a}");
    assert_eq!(fac.ask(json!({"type": "resume"}))["type"], "done");
    let until = std::time::Instant::now() + T;
    loop {
        let v = fac.view();
        if fired(&v) >= 3 {
            break;
        }
        assert!(std::time::Instant::now() < until, "the clock did not run through injects");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(fac.ask(json!({"type": "stop"}))["type"], "done");
}
