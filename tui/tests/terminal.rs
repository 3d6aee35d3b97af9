//! The terminal is restored after a panic: a child process takes over a
//! pseudo-terminal the way the console does, then panics.

use std::io::Read;
use std::num::NonZeroU16;
use std::time::{Duration, Instant};

use nix::sys::termios::LocalFlags;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const CHILD: &str = "TTX_TUI_PANIC_CHILD";

/// Run as a child process by the test below (it does nothing in a normal test run): enters
/// the console's terminal mode, drops the guard without running it, and panics, so only
/// the panic hook can restore the terminal.
#[test]
fn panicking_console_child_process() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let (term, guard) = ttx_tui::terminal::enter().expect("terminal mode");
    std::mem::forget(guard);
    std::mem::forget(term);
    panic!("the console panicked on purpose");
}

#[test]
fn a_panic_restores_the_terminal_before_its_message() {
    let pty = native_pty_system()
        .openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 })
        .expect("a pseudo-terminal");
    let mut cmd = CommandBuilder::new(std::env::current_exe().expect("this test binary"));
    cmd.args(["--exact", "panicking_console_child_process", "--nocapture", "--test-threads=1"]);
    cmd.env(CHILD, "1");
    cmd.env("RUST_BACKTRACE", "0");
    cmd.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(cmd).expect("the child starts");
    drop(pty.slave);
    let mut out = pty.master.try_clone_reader().expect("a reader");
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
        }
        all
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the child did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success(), "the child panicked");
    let flags = pty.master.get_termios().expect("terminal settings").local_flags;
    assert!(
        flags.contains(LocalFlags::ICANON) && flags.contains(LocalFlags::ECHO),
        "raw mode left on: {flags:?}"
    );
    drop(pty.master);
    let raw = reader.join().expect("the reader");
    let text = String::from_utf8_lossy(&raw);
    let entered = text.find("\x1b[?1049h").expect("the child used the alternate screen");
    let left = text.rfind("\x1b[?1049l").expect("the hook left the alternate screen");
    let message = text.find("panicked on purpose").expect("the panic message");
    assert!(entered < left && left < message, "the screen is restored before the message prints");
    let mut screen = vt100::Parser::new(NonZeroU16::new(24).unwrap(), NonZeroU16::new(80).unwrap(), 0);
    screen.process(&raw);
    assert!(!screen.screen().alternate_screen() && !screen.screen().hide_cursor());
    assert!(
        screen.screen().contents().contains("panicked on purpose"),
        "the message is visible:\n{}",
        screen.screen().contents()
    );
}
