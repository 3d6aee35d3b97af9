//! Writes the national scenario with `K` times its campaigns (default 10) as a scenario file:
//! each adversary's campaigns, then `K - 1` copies of them under new ids (`{id}_x2` ...), the
//! rest of the scenario as shipped. The research-scale target "the national scenario with 10
//! times its campaigns" (docs/performance.md) is measured on this file:
//!
//! ```text
//! cargo run --release -p ttx-engine --example national_campaigns -- 10 > national_x10.ron
//! /usr/bin/time -v ttx run national_x10.ron --seed 1
//! ```
use std::process::ExitCode;

use ttx_engine::{Scenario, builtin};

fn main() -> ExitCode {
    let k = match std::env::args().nth(1).map(|a| a.parse::<u32>()) {
        None => 10,
        Some(Ok(k)) if k >= 1 => k,
        Some(_) => {
            eprintln!(
                "usage: national_campaigns [K]: K, the times to repeat each campaign, is a whole number of 1 or more"
            );
            return ExitCode::from(2);
        }
    };
    let Some(national) = builtin::find("national") else {
        eprintln!("this build has no built-in national scenario");
        return ExitCode::FAILURE;
    };
    let national = match builtin::load(national) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut spec = national.spec().clone();
    spec.name = format!("{} (campaigns x{k})", spec.name);
    for adv in &mut spec.adversaries {
        let originals = adv.campaigns.clone();
        for r in 2..=k {
            adv.campaigns.extend(originals.iter().map(|c| {
                let mut c = c.clone();
                c.id = format!("{}_x{r}", c.id);
                c
            }));
        }
    }
    match Scenario::from_spec("national_campaigns", &spec) {
        Ok(sc) => {
            print!("{}", sc.source());
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in problems {
                eprintln!("{}: {}", p.path, p.message);
            }
            ExitCode::FAILURE
        }
    }
}
