//! `ttx`: election-cybersecurity tabletop exercises, from one command.
//!
//! Exit codes: 0 success (also when the reader of the output went away
//! early, as with `| head`); 1 a check failed (a replay diverged) or a
//! runtime failure (a file or standard output could not be written, a full
//! disk); 2 bad input (scenario errors, bad flags, unreadable files), always
//! with a message a person can act on. A panic is a bug.
#![forbid(unsafe_code)]

mod author;
mod cli;
mod headless;
mod load;
mod msel;
mod net;
mod output;
mod play;
mod report;
mod research;

use std::io::Write;
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

impl Failure {
    /// A file could not be written: exit 1, or a quiet exit when it is a pipe whose reader went away.
    pub fn write(target: &std::path::Path, e: std::io::Error) -> Self {
        output::note(&e);
        Failure::runtime(format!("cannot write {}: {e}", target.display()))
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.get_ref().is_some_and(|inner| inner.is::<output::OutputError>()) {
            Failure::runtime(e.to_string())
        } else {
            Failure::runtime(format!("I/O error: {e}"))
        }
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
            if let Err(err) = e.print()
                && err.kind() != std::io::ErrorKind::BrokenPipe
            {
                // Help that cannot be written (a full disk) is a failure like any other output.
                let _ = writeln!(std::io::stderr(), "cannot write the help: {err}");
                return ExitCode::from(1);
            }
            return ExitCode::from(code);
        }
    };
    let result = cli::dispatch(cli).and_then(|()| output::flush().map_err(Failure::from));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of the output went away (`| head`): nothing more to say to anyone.
        Err(_) if output::closed() => ExitCode::SUCCESS,
        Err(f) => {
            // Standard error may be closed too: that is no reason to panic.
            let _ = writeln!(std::io::stderr(), "{}", f.message.trim_end());
            ExitCode::from(f.code)
        }
    }
}
