//! `ttx`: election-cybersecurity tabletop exercises, from one command.
//!
//! Exit codes: 0 success; 1 a check failed (a replay diverged); 2 bad input
//! (scenario errors, bad flags, unreadable files), always with a message a
//! person can act on. A panic is a bug.
#![forbid(unsafe_code)]

mod cli;
mod headless;
mod load;
mod msel;
mod net;
mod play;
mod report;
mod research;

use std::process::ExitCode;

use clap::Parser;

/// An error with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    /// Process exit code.
    pub code: u8,
    /// What to print on stderr.
    pub message: String,
}

impl Failure {
    /// Bad input: exit 2.
    pub fn input(message: impl Into<String>) -> Self {
        Failure { code: 2, message: message.into() }
    }

    /// A failed check: exit 1.
    pub fn check(message: impl Into<String>) -> Self {
        Failure { code: 1, message: message.into() }
    }

    /// Something went wrong running (I/O on output, for example): exit 1.
    pub fn runtime(message: impl Into<String>) -> Self {
        Failure { code: 1, message: message.into() }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::runtime(format!("I/O error: {e}"))
    }
}

/// Result of a subcommand.
pub type Outcome = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Help and version go to stdout with exit 0; usage errors are bad input (2).
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if f.message.contains("Broken pipe") {
                return ExitCode::SUCCESS;
            }
            eprintln!("{}", f.message.trim_end());
            ExitCode::from(f.code)
        }
    }
}
