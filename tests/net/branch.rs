//! A decision-driven branch over the network: a team console's command cancels the inject
//! that would have hit the next county, and fires the one that tells the room why not.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;

const T: Duration = Duration::from_secs(30);

fn inject_state(view: &Value, id: &str) -> String {
    view["injects"]
        .as_array()
        .and_then(|v| v.iter().find(|i| i["id"] == id))
        .map(|i| i["state"].as_str().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// Steps one hour and waits for the facilitator's view to show it.
fn step(fac: &mut Console) -> Value {
    let tick = fac.view()["tick"].as_u64().unwrap();
    let a = fac.ask(json!({"type": "step"}));
    assert_eq!(a["type"], "done", "{a}");
    for _ in 0..50 {
        let v = fac.view();
        if v["tick"].as_u64() > Some(tick) {
            return v;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the clock did not move");
}

#[test]
fn a_team_consoles_share_cancels_the_next_county_and_fires_the_good_branch() {
    let tmp = scratch("branch");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused", "pennsylvania_branches"]);
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", T, |x| x["type"] == "facilitator_full");
    let mut pa = Console::join(&server.addr, Some("pa"), &server.code("pa"), &[]);
    pa.wait_for("pa's full view", T, |x| x["type"] == "full");

    // Susquehanna's call reaches the Department of State at E-30d 09:00 with the indicator,
    // and the inject that would hit Conestoga is waiting for 24 hours to pass.
    let mut v = fac.view();
    for _ in 0..4 {
        if !indicators(&pa.view()).is_empty() {
            break;
        }
        v = step(&mut fac);
    }
    let ind = indicators(&pa.view())[0];
    assert_eq!(inject_state(&v, "next_county_hit"), "scheduled", "{v:#}");
    // The team console shares it with the counties.
    let a = pa
        .ask(json!({"type": "share_indicator", "actor": "PA", "indicator": ind, "channel": "StateToLocals"}));
    assert_eq!(a["type"], "ack", "{a}");
    for _ in 0..3 {
        v = step(&mut fac);
    }
    assert_eq!(inject_state(&v, "next_county_hit"), "cancelled", "{v:#}");
    assert_eq!(inject_state(&v, "shared_in_time"), "fired", "{v:#}");
    // Pennsylvania's inbox has the good news, not the ransom note.
    let pv = pa.view();
    let titles: Vec<&str> =
        pv["inbox"].as_array().unwrap().iter().filter_map(|m| m["title"].as_str()).collect();
    assert!(titles.contains(&"The indicator reached the counties"), "{titles:?}");
    assert!(!titles.contains(&"Conestoga County is hit"), "{titles:?}");
}
