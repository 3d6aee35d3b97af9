//! The what-if analysis of the session so far (the `w` key): run on a background thread
//! while the console stays live, its progress in the hint bar and its results in a window.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::{Console, Level, Overlay};

/// What-if analysis of the session so far (`ttx whatif`'s own code, which the program
/// provides): called on a background thread with a progress callback (continuations done,
/// of how many); returns the results' lines, or why there are none.
pub type WhatifFn = dyn Fn(&(dyn Fn(usize, usize) + Sync)) -> WhatifResult + Send + Sync;

/// Why a what-if analysis has no results: the program's error, which the console shows.
pub type WhatifFailure = Box<dyn std::error::Error + Send + Sync>;

/// The what-if analysis a console can run (see [`WhatifFn`]).
#[derive(Clone)]
pub struct WhatifRunner(pub Arc<WhatifFn>);

impl std::fmt::Debug for WhatifRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WhatifRunner")
    }
}

/// What a finished what-if analysis gives: the results' lines, or why there are none.
pub type WhatifResult = Result<Vec<String>, WhatifFailure>;

/// A what-if analysis running in the background.
pub(super) struct WhatifJob {
    /// Continuations done and in all.
    progress: Arc<(AtomicUsize, AtomicUsize)>,
    /// The results, once there.
    result: Arc<Mutex<Option<WhatifResult>>>,
    /// The last progress shown.
    shown: usize,
}

impl Console {
    /// Whether a what-if analysis is running, with its progress (continuations done, in all).
    pub fn whatif_progress(&self) -> Option<(usize, usize)> {
        self.whatif_job
            .as_ref()
            .map(|j| (j.progress.0.load(Ordering::Relaxed), j.progress.1.load(Ordering::Relaxed)))
    }

    /// The `w` key: starts the what-if analysis of the session so far on a background
    /// thread, or shows its last results while it runs again.
    pub(super) fn whatif(&mut self) {
        let Some(runner) = self.whatif.clone() else {
            self.set_status(Level::Warn, "The what-if analysis is not available in this console.");
            return;
        };
        if self.whatif_job.is_some() {
            match self.whatif_lines.clone() {
                Some(lines) => self.overlay = Some(Overlay::Whatif { lines, scroll: 0 }),
                None => self.set_status(Level::Info, "The what-if analysis is still running."),
            }
            return;
        }
        let progress = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let result = Arc::new(Mutex::new(None));
        let (p, r) = (Arc::clone(&progress), Arc::clone(&result));
        let spawned = std::thread::Builder::new().name("whatif".into()).spawn(move || {
            let out = (runner.0)(&|done, total| {
                p.0.store(done, Ordering::Relaxed);
                p.1.store(total, Ordering::Relaxed);
            });
            if let Ok(mut slot) = r.lock() {
                *slot = Some(out);
            }
        });
        match spawned {
            Ok(_) => {
                self.whatif_job = Some(WhatifJob { progress, result, shown: usize::MAX });
                self.set_status(
                    Level::Info,
                    "What-if analysis of the session so far started; the console stays live. w shows the results.",
                );
            }
            Err(e) => self.set_status(Level::Error, format!("Cannot start the what-if analysis: {e}")),
        }
    }

    /// Shows a running analysis's progress, and its results once they are there.
    pub(super) fn poll_whatif(&mut self) {
        let Some(job) = self.whatif_job.as_mut() else { return };
        let finished = job.result.lock().ok().and_then(|mut slot| slot.take());
        match finished {
            Some(Ok(lines)) => {
                self.whatif_job = None;
                self.whatif_lines = Some(lines.clone());
                self.set_status(Level::Info, "What-if analysis done: the decisions ranked by effect.");
                if !matches!(self.overlay, Some(Overlay::Palette(_) | Overlay::Discussion(_))) {
                    self.overlay = Some(Overlay::Whatif { lines, scroll: 0 });
                }
            }
            Some(Err(e)) => {
                self.whatif_job = None;
                self.set_status(Level::Error, format!("What-if analysis failed: {e}"));
            }
            None => {
                let (done, total) =
                    (job.progress.0.load(Ordering::Relaxed), job.progress.1.load(Ordering::Relaxed));
                // A new line for each percent, not for every continuation.
                let pct = (done * 100).checked_div(total).unwrap_or(0);
                if pct != job.shown {
                    job.shown = pct;
                    let text = if total == 0 {
                        "What-if analysis: replaying the session so far...".to_string()
                    } else {
                        format!("What-if analysis: {done} of {total} continuations ({pct}%)")
                    };
                    self.set_status(Level::Info, text);
                }
            }
        }
    }
}
