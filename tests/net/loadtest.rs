//! `ttx loadtest`: consoles in this process or in child processes, every update counted.

use crate::harness::{assert_exit, stdout, ttx};

fn report(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["loadtest", "--consoles", "24", "--ticks", "3", "--speed", "4", "--json"];
    all.extend_from_slice(args);
    let o = ttx(&all);
    assert_exit(&o, 0);
    serde_json::from_str(stdout(&o).trim()).expect("one JSON object")
}

fn check_complete(r: &serde_json::Value, processes: u64) {
    assert_eq!(r["joined"], 24, "{r}");
    assert_eq!(r["console_processes"], processes, "{r}");
    assert_eq!(r["dropped"], 0, "{r}");
    assert_eq!(r["gaps"], 0, "{r}");
    let updates = r["updates"].as_u64().unwrap();
    assert!(updates >= 24 * 3, "every console gets every tick's update: {r}");
    assert_eq!(updates, r["expected"].as_u64().unwrap(), "{r}");
    assert!(r["p99_ms"].as_f64().unwrap() > 0.0, "{r}");
    assert!(r["kib_per_console"].as_f64().unwrap() > 0.0, "{r}");
}

#[test]
fn consoles_in_child_processes_receive_every_update_as_in_one_process() {
    check_complete(&report(&["--processes", "0"]), 0);
    let r = report(&["--processes", "2"]);
    check_complete(&r, 2);
    assert!(r["server_rss_mib"].as_f64().unwrap() < r["rss_mib"].as_f64().unwrap(), "{r}");
}

#[test]
fn the_console_process_refuses_to_run_without_a_plan() {
    let o = crate::harness::ttx(&["loadtest-consoles"]);
    assert_exit(&o, 2);
    assert!(crate::harness::stderr(&o).contains("started by ttx loadtest"), "{}", crate::harness::stderr(&o));
}
