//! Compares finished batches of different scenarios: a Markdown table of each
//! metric's mean and 95% CI, the change between the first two, and an SVG chart.
//!
//!     ttx batch scenarios/research/sharing_2016.ron --runs 1000 --out out/2016
//!     ttx batch scenarios/research/sharing_2020.ron --runs 1000 --out out/2020
//!     cargo run --release --example compare_batches -- --svg docs/img/sharing_2016_vs_2020.svg \
//!         2016=out/2016 2020=out/2020 warned_before_targeted time_to_share_h_p50 dwell_time_h_p50

use std::path::Path;
use std::process::ExitCode;

use ttx::batch::compare::{self, Finished};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut svg: Option<String> = None;
    let mut batches = Vec::new();
    let mut metrics: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--svg" {
            svg = it.next().cloned();
        } else if let Some((label, dir)) = a.split_once('=') {
            match Finished::load(label, Path::new(dir)) {
                Ok(f) => batches.push(f),
                Err(e) => {
                    eprintln!("{}", e.message());
                    return ExitCode::from(2);
                }
            }
        } else {
            metrics.push(a.clone());
        }
    }
    if batches.len() < 2 || metrics.is_empty() {
        eprintln!("usage: compare_batches [--svg FILE] LABEL=DIR LABEL=DIR... METRIC...");
        return ExitCode::from(2);
    }
    let names: Vec<&str> = metrics.iter().map(String::as_str).collect();
    match compare::markdown(&batches[0], &batches[1], &names) {
        Ok(t) => print!("{t}"),
        Err(e) => {
            eprintln!("{}", e.message());
            return ExitCode::from(2);
        }
    }
    if let Some(path) = svg {
        let labels: Vec<&str> = batches.iter().map(|b| b.label.as_str()).collect();
        let title = format!("{} ({} runs each)", labels.join(" vs "), batches[0].manifest.runs);
        let text = match compare::svg(&batches, &names, &title) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}", e.message());
                return ExitCode::from(1);
            }
        };
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("cannot write {path}: {e}");
            return ExitCode::from(1);
        }
        eprintln!("wrote {path}");
    }
    ExitCode::SUCCESS
}
