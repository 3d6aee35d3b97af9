//! Progress on stderr: a bar on a terminal, plain periodic lines in a log.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, otherwise a line every ten seconds.
    Auto,
    /// Nothing (benchmarks, library use).
    Quiet,
}

/// Progress of one batch.
pub struct Progress {
    bar: Option<ProgressBar>,
    lines: bool,
    total: u64,
    done: u64,
    already: u64,
    start: Instant,
    last_line: Instant,
}

const LINE_EVERY: Duration = Duration::from_secs(10);

fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

impl Progress {
    /// Progress towards `total` runs of which `already` were done before (a resumed batch).
    pub fn new(total: u64, already: u64, mode: ProgressMode) -> Progress {
        let now = Instant::now();
        let mut p =
            Progress { bar: None, lines: false, total, done: already, already, start: now, last_line: now };
        if mode == ProgressMode::Quiet {
            return p;
        }
        if std::io::stderr().is_terminal() {
            let style = ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar:.cyan/blue}] {pos}/{len} runs  {rate}  {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} runs/s", s.per_sec());
            })
            .progress_chars("=> ");
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
            bar.set_style(style);
            bar.set_position(already);
            bar.reset_eta();
            p.bar = Some(bar);
        } else {
            p.lines = true;
        }
        p
    }

    fn line(&self, what: &str) {
        let secs = self.start.elapsed().as_secs_f64();
        let fresh = self.done - self.already;
        let rate = if secs > 0.0 { fresh as f64 / secs } else { 0.0 };
        let left = if rate > 0.0 && self.done < self.total {
            format!(", about {} left", duration((self.total - self.done) as f64 / rate))
        } else {
            String::new()
        };
        let pct = (self.done * 100).checked_div(self.total).unwrap_or(100);
        let _ = writeln!(
            std::io::stderr(),
            "ttx batch: {what}{}/{} runs ({pct}%), {rate:.0} runs/s{left}",
            self.done,
            self.total
        );
    }

    /// One more run done.
    pub fn inc(&mut self) {
        self.done += 1;
        if let Some(b) = &self.bar {
            b.inc(1);
        } else if self.lines && self.last_line.elapsed() >= LINE_EVERY {
            self.last_line = Instant::now();
            self.line("");
        }
    }

    /// All runs done: the bar stays on screen with its totals.
    pub fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish();
        } else if self.lines {
            self.line("done ");
        }
    }

    /// Stopped early: the bar stays where it got to.
    pub fn abandon(&mut self) {
        if let Some(b) = self.bar.take() {
            b.abandon();
        } else if self.lines {
            self.line("stopped at ");
        }
    }

    /// Wall-clock seconds since the start.
    pub fn seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}
