//! The interactive team console, `ttx join ADDR --team ID --code CODE`, in a
//! pseudo-terminal against a real `ttx serve --headless` on 127.0.0.1.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::termios::LocalFlags;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::*;

const WAIT: Duration = Duration::from_secs(30);

/// `ttx join` in a pseudo-terminal, with a terminal emulator reading its output.
struct Pty {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    screen: Arc<Mutex<vt100::Parser>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Pty {
    fn start(args: &[&str], rows: u16, cols: u16) -> Pty {
        let pty = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        let child = pty.slave.spawn_command(cmd).expect("ttx starts");
        drop(pty.slave);
        let n = |x: u16| NonZeroU16::new(x).expect("a size above zero");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(n(rows), n(cols), 0)));
        let mut out = pty.master.try_clone_reader().expect("a reader");
        let s = Arc::clone(&screen);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pty.master.take_writer().expect("a writer");
        Pty { master: pty.master, writer, child, screen, reader: Some(reader) }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows every one of `texts`; returns the screen.
    fn wait_for(&self, texts: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let s = self.contents();
            if texts.iter().all(|t| s.contains(t)) {
                return s;
            }
            assert!(start.elapsed() < WAIT, "waited for {texts:?}; the screen shows:\n{s}");
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    fn resize(&mut self, rows: u16, cols: u16) {
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize");
        let n = |x: u16| NonZeroU16::new(x).expect("a size above zero");
        self.screen.lock().unwrap().screen_mut().set_size(n(rows), n(cols));
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("keys reach ttx");
        self.writer.flush().expect("keys reach ttx");
    }

    /// Waits for ttx to exit and for its last output; returns its exit code.
    fn finish(&mut self) -> u32 {
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break s;
            }
            assert!(start.elapsed() < WAIT, "ttx did not exit; the screen shows:\n{}", self.contents());
            std::thread::sleep(Duration::from_millis(30));
        };
        let start = Instant::now();
        while self.reader.as_ref().is_some_and(|r| !r.is_finished())
            && start.elapsed() < Duration::from_secs(2)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        status.exit_code()
    }

    /// The terminal is back as a shell expects it: line editing and echo on, the main
    /// screen shown, the cursor visible.
    fn assert_restored(&self) {
        let flags = self.master.get_termios().expect("the terminal's settings").local_flags;
        assert!(
            flags.contains(LocalFlags::ICANON) && flags.contains(LocalFlags::ECHO),
            "raw mode left on: {flags:?}"
        );
        let p = self.screen.lock().unwrap();
        assert!(!p.screen().alternate_screen(), "still on the alternate screen");
        assert!(!p.screen().hide_cursor(), "the cursor is still hidden");
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn a_team_console_shows_its_team_and_its_commands_are_acknowledged() {
    let tmp = scratch("team-console");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let code = server.code("pa");
    let mut s = Pty::start(&["join", &server.addr, "--team", "pa", "--code", &code], 24, 80);
    // The team's name, its three states on the map, its own election office.
    let screen = s.wait_for(&["Pennsylvania (pa)", "Map 1: Pennsylvania", "connected", "Inbox 2", "Log 3"]);
    for state in ["PA", "GA", "WI"] {
        assert!(screen.contains(&format!(" {state} ")), "{state} on the map:\n{screen}");
    }
    assert!(screen.contains("Pennsylvania election office (PA)"), "{screen}");

    // The palette opens on the election office's first command; Ctrl-S sends it.
    s.send("c");
    s.wait_for(&["Give a command as Pennsylvania", "patch", "PA/vr"]);
    s.send("\x13");
    s.wait_for(&["Accepted: PA: patch PA/vr. It applies at E-60d 08:00."]);
    s.send("\x1b");
    s.wait_for(&["accepted, applies at E-60d 08:00"]);

    // The command is in the server's journal, given by the team.
    let records = journal_records(&server.journal);
    assert!(
        records.iter().any(|r| r["command"]["type"] == "patch" && r.to_string().contains("\"pa\"")),
        "{records:#?}"
    );

    // The facilitator steps the clock: the command applies, and its outcome reaches the
    // team's console.
    let mut fac = Console::join(&server.addr, None, &server.facilitator_code(), &[]);
    fac.wait_for("the facilitator's view", WAIT, |x| x["type"] == "facilitator_full");
    let a = fac.ask(serde_json::json!({"type": "step"}));
    assert_eq!(a["type"], "done", "{a}");
    s.wait_for(&["applied at E-60d 08:00", "E-60d 09:00"]);

    s.send("q");
    s.wait_for(&["Leave the team console?"]);
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.contents());
    s.assert_restored();
    assert!(s.contents().contains("Left the team console of Pennsylvania"), "{}", s.contents());
}

#[test]
fn a_wrong_code_ends_the_console_with_the_servers_reason() {
    let tmp = scratch("team-console-code");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &["--paused"]);
    let mut s = Pty::start(&["join", &server.addr, "--team", "pa", "--code", "AAAA-BBBB-CCCC"], 24, 80);
    assert_eq!(s.finish(), 2);
    s.assert_restored();
    assert!(s.contents().contains("the server refused (bad_code)"), "{}", s.contents());
}

#[test]
fn the_console_follows_resizes_and_ctrl_c_leaves_at_once() {
    let tmp = scratch("team-console-ctrl-c");
    let server = Server::start(tmp.path(), "127.0.0.1:0", &[]);
    let mut s =
        Pty::start(&["join", &server.addr, "--team", "white", "--code", &server.code("white")], 24, 80);
    s.wait_for(&["White cell (white)", "connected"]);
    // It redraws on resize, and says so below the minimum size.
    s.resize(20, 60);
    s.wait_for(&["at least 80x24", "60x20"]);
    s.resize(48, 160);
    s.wait_for(&["Public confidence, EO 13848", "Tabletop the Vote"]);
    s.send("x");
    s.wait_for(&["inject from template", "Template"]);
    s.send("\x03");
    assert_eq!(s.finish(), 0);
    s.assert_restored();
}

#[test]
fn join_without_a_terminal_says_to_use_headless() {
    let out = std::process::Command::new(BIN)
        .args(["join", "127.0.0.1:9", "--team", "pa", "--code", "AAAA-BBBB-CCCC"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("ttx runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal") && err.contains("--headless"), "{err}");
}
