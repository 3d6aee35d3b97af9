//! `ttx` in a pseudo-terminal with a terminal emulator reading it: the harness of the
//! console tests (`ttx play`, `ttx serve`, `ttx join`).

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::termios::LocalFlags;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const BIN: &str = env!("CARGO_BIN_EXE_ttx");
pub const WAIT: Duration = Duration::from_secs(30);

pub fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a size above zero")
}

/// `ttx` running in a pseudo-terminal, with a terminal emulator reading its output.
pub struct Session {
    pub master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    pub screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Session {
    pub fn start(dir: &Path, args: &[&str], rows: u16, cols: u16) -> Session {
        Session::start_with(dir, args, rows, cols, &[])
    }

    pub fn start_with(dir: &Path, args: &[&str], rows: u16, cols: u16, env: &[(&str, &str)]) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.cwd(dir);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("ttx starts");
        drop(pty.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut out = pty.master.try_clone_reader().expect("a reader");
        let (s, r) = (Arc::clone(&screen), Arc::clone(&raw));
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pty.master.take_writer().expect("a writer");
        Session { master: pty.master, writer, child, screen, raw, reader: Some(reader) }
    }

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows every one of `texts`; returns the screen.
    pub fn wait_for(&self, texts: &[&str]) -> String {
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

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("keys reach ttx");
        self.writer.flush().expect("keys reach ttx");
    }

    /// Resizes the terminal (and the emulator reading it).
    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize");
        self.screen.lock().unwrap().screen_mut().set_size(nz(rows), nz(cols));
    }

    /// The terminal is back as a shell expects it: line editing and echo on, the main
    /// screen shown, the cursor visible.
    pub fn assert_restored(&self) {
        let flags = self.local_flags();
        assert!(
            flags.contains(LocalFlags::ICANON) && flags.contains(LocalFlags::ECHO),
            "raw mode left on: {flags:?}"
        );
        let screen = self.screen.lock().unwrap();
        assert!(!screen.screen().alternate_screen(), "still on the alternate screen");
        assert!(!screen.screen().hide_cursor(), "the cursor is still hidden");
    }

    pub fn local_flags(&self) -> LocalFlags {
        self.master.get_termios().expect("the pseudo-terminal's settings").local_flags
    }

    /// Waits for ttx to exit and for its last output; returns its exit code.
    pub fn finish(&mut self) -> u32 {
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break s;
            }
            assert!(start.elapsed() < WAIT, "ttx did not exit; the screen shows:\n{}", self.contents());
            std::thread::sleep(Duration::from_millis(30));
        };
        // The reader ends when no process holds the terminal any more; give it the rest.
        let start = Instant::now();
        while self.reader.as_ref().is_some_and(|r| !r.is_finished())
            && start.elapsed() < Duration::from_secs(2)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        status.exit_code()
    }

    /// Quits the console with `q`, confirms, and checks that ttx exited with 0.
    pub fn quit(&mut self) {
        self.send("q");
        self.wait_for(&["Quit the exercise?"]);
        self.send("y");
        assert_eq!(self.finish(), 0, "{}", self.contents());
    }

    pub fn raw_output(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).to_string()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
