//! The exercise's event loop and its clock: running, stepping, stopping at module breaks, when
//! an inject fires or while injects wait for approval.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use ttx_engine::journal::Record;

use super::{Exercise, ExerciseError, Request};
use crate::net::host::{SimOwner, next_event};
use crate::net::protocol::now_us;
use ttx_tui::console::Event;

impl Exercise {
    /// Runs until the session is stopped (a control `stop`, or the server's shutdown).
    /// Returns an error only if the journal cannot be written, which stops the session.
    /// A failed journal write also stops the server (through the stop channel), so that no
    /// console is welcomed into a session that can no longer record anything.
    pub async fn run(self, requests: mpsc::UnboundedReceiver<Request>) -> Result<(), ExerciseError> {
        let stop = self.stop.clone();
        let result = self.run_until_stopped(requests).await;
        if result.is_err() {
            let _ = stop.send(());
        }
        result
    }

    pub(super) async fn run_until_stopped(
        mut self,
        mut requests: mpsc::UnboundedReceiver<Request>,
    ) -> Result<(), ExerciseError> {
        let mut shutdown = self.stop.subscribe();
        let mut next_at = Instant::now() + self.interval();
        // News that is not a tick reaches the facilitator at most this often (a room joining at
        // once would otherwise recompute the facilitator's view for every console).
        let mut refresh = tokio::time::interval(Duration::from_millis(250));
        refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The facilitator console in this terminal (not headless): its keys, and a redraw
        // 20 times a second.
        let mut keys = match &mut self.owner {
            SimOwner::Hosted(h) => h.take_keys(),
            SimOwner::Bare(_) => None,
        };
        let hosted = keys.is_some();
        let mut redraw = tokio::time::interval(Duration::from_millis(50));
        redraw.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        self.commit()?;
        self.sync_console();
        loop {
            let running = !self.paused;
            tokio::select! {
                biased;
                _ = shutdown.recv() => break,
                e = next_event(&mut keys) => {
                    let Some(e) = e else { break };
                    let was_paused = self.paused;
                    if let SimOwner::Hosted(h) = &mut self.owner {
                        h.event(&e);
                        h.draw();
                    }
                    self.console_requests()?;
                    if self.after_requests(was_paused, &mut next_at) {
                        break;
                    }
                }
                _ = refresh.tick(), if self.facilitator_stale => {
                    self.publish_facilitator();
                }
                r = requests.recv() => {
                    let Some(first) = r else { break };
                    let mut batch = vec![first];
                    while batch.len() < 1024 {
                        match requests.try_recv() {
                            Ok(r) => batch.push(r),
                            Err(_) => break,
                        }
                    }
                    let was_paused = self.paused;
                    self.handle(batch)?;
                    if self.after_requests(was_paused, &mut next_at) {
                        break;
                    }
                }
                _ = tokio::time::sleep_until(next_at), if running => {
                    let now = Instant::now();
                    let late = now.saturating_duration_since(next_at).as_secs_f64();
                    let due = 1 + (late * self.config.ticks_per_second).floor().min(999.0) as u32;
                    self.tick_started_us = now_us();
                    self.run_clock(due)?;
                    next_at += self.interval() * due;
                    if next_at + Duration::from_secs(1) < Instant::now() {
                        next_at = Instant::now() + self.interval();
                    }
                    self.publish();
                }
                _ = redraw.tick(), if hosted => {
                    if let SimOwner::Hosted(h) = &mut self.owner {
                        h.draw();
                    }
                }
            }
        }
        self.commit()
    }

    /// After requests were carried out: the clock's next hour when they started it, and
    /// whether the session ends now (then the end is announced and the server told).
    fn after_requests(&mut self, was_paused: bool, next_at: &mut Instant) -> bool {
        if was_paused && !self.paused {
            *next_at = Instant::now() + self.interval();
        }
        if self.stopping {
            self.announce_end();
            let _ = self.stop.send(());
        }
        self.stopping
    }

    /// After the clock moved: the console (if any) takes the outcomes and redraws its views;
    /// otherwise they are dropped (teams see theirs in their views).
    pub(super) fn after_advance(&mut self) {
        match self.owner.console() {
            Some(c) => c.update(Event::Moved),
            None => {
                let _ = self.owner.sim_mut().take_outcomes();
            }
        }
        self.sync_console();
    }

    /// Real time between two simulated hours at the current speed.
    pub(super) fn interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.config.ticks_per_second.clamp(0.01, 1000.0))
    }

    /// The running clock's hours: like [`Exercise::advance`], and when the setting is on, the
    /// clock stops at the hour a scripted inject fires (as the console of `ttx play` does).
    pub(super) fn run_clock(&mut self, ticks: u32) -> Result<u32, ExerciseError> {
        let fired_before = self.config.pause_on_inject.then(|| self.fired_count());
        let done = self.advance_until(ticks, fired_before)?;
        if fired_before.is_some()
            && self.fired
            && let Some(c) = self.owner.console()
        {
            c.update(Event::PausedOnInject);
        }
        Ok(done)
    }

    /// Injects that have fired so far.
    pub(super) fn fired_count(&self) -> usize {
        self.owner.sim().inject_views().iter().filter(|i| i.state == "fired").count()
    }

    /// Simulates up to `ticks` hours, stopping at a module break or the end; returns how many.
    pub(super) fn advance(&mut self, ticks: u32) -> Result<u32, ExerciseError> {
        self.advance_until(ticks, None)
    }

    /// [`Exercise::advance`], also stopping (and pausing the clock) after the hour an inject
    /// fires when `fired_before` counts the injects fired before it.
    pub(super) fn advance_until(
        &mut self,
        ticks: u32,
        fired_before: Option<usize>,
    ) -> Result<u32, ExerciseError> {
        let mut done = 0;
        self.fired = false;
        while done < ticks && !self.owner.sim().is_finished() {
            let t = self.owner.sim().now();
            self.owner.sim_mut().step();
            done += 1;
            // Command records were written when the commands were accepted; one hash per tick
            // (it covers the engine's day-end and after-command checkpoints) pins the clock.
            let _ = self.owner.sim_mut().take_journal_records();
            self.journal.write(&Record::hash(self.owner.sim().registry(), t, self.owner.sim().state_hash()));
            let module = self.owner.sim().module();
            if self.config.module_breaks
                && module != self.module
                && module.is_some()
                && !self.owner.sim().is_finished()
            {
                self.discussion = self.module;
                self.module = module;
                self.paused = true;
                break;
            }
            self.module = module;
            if let Some(before) = fired_before
                && !self.owner.sim().is_finished()
                && self.fired_count() > before
            {
                self.paused = true;
                self.fired = true;
                break;
            }
        }
        if self.owner.sim().is_finished() && !self.paused {
            self.paused = true;
            self.journal.write(&Record::End {
                tick: self.owner.sim().now().0,
                hash: format!("{:016x}", self.owner.sim().state_hash()),
            });
        }
        self.after_advance();
        self.commit()?;
        Ok(done)
    }

    /// Stops the running clock while injects wait for approval (when the setting is on).
    pub(super) fn hold_clock(&mut self) {
        if self.config.pause_for_approval
            && !self.pending.is_empty()
            && !self.paused
            && !self.owner.sim().is_finished()
        {
            self.paused = true;
            self.approval_paused = true;
        }
    }

    /// The setting was turned off: a clock stopped for approval runs again.
    pub(super) fn release_clock_now(&mut self) {
        if self.approval_paused {
            self.approval_paused = false;
            self.paused = self.owner.sim().is_finished();
        }
    }

    /// Runs the clock again once the approval queue is empty, if waiting for it stopped it.
    pub(super) fn release_clock(&mut self) {
        if self.approval_paused && self.pending.is_empty() {
            self.approval_paused = false;
            self.paused = self.owner.sim().is_finished();
        }
    }
}
