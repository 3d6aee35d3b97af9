//! Standard output for what commands print.
//!
//! Every command writes its results through [`stdout`]. A reader that goes
//! away early (`ttx validate ... | head -1`) is not an error: the command
//! stops quietly with exit 0. Any other failure to write (a full disk behind
//! `> file`, `> /dev/full`) ends it with exit 1 and a message on standard
//! error. Nothing here panics, unlike `println!`.

use std::io::{StdoutLock, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to standard output found the reader gone.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// A write to standard output failed; says so in its message.
#[derive(Debug)]
pub struct OutputError(std::io::Error);

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write to standard output: {}", self.0)
    }
}

impl std::error::Error for OutputError {}

/// Standard output, locked, with errors that [`crate::Failure`] maps to exit codes.
pub struct Stdout(StdoutLock<'static>);

/// Standard output for a command's results.
pub fn stdout() -> Stdout {
    Stdout(std::io::stdout().lock())
}

/// Whether the reader of standard output went away (a closed pipe).
pub fn closed() -> bool {
    CLOSED.load(Ordering::SeqCst)
}

/// Notes a write error: a broken pipe (to standard output, or `--out /dev/stdout`) means the
/// reader went away, and the command ends quietly.
pub fn note(e: &std::io::Error) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        CLOSED.store(true, Ordering::SeqCst);
    }
}

fn tag(e: std::io::Error) -> std::io::Error {
    note(&e);
    std::io::Error::new(e.kind(), OutputError(e))
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf).map_err(tag)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.write_all(buf).map_err(tag)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush().map_err(tag)
    }
}

/// Flushes what is still buffered for standard output (at the end of a command).
pub fn flush() -> std::io::Result<()> {
    stdout().flush()
}
