//! The scenario clock as the facilitator moves it: running, stepping, the speed, the jumps to
//! the next inject or module break (the session moves the simulation, or asks the server to),
//! and what follows every move (command outcomes, fresh views, the module-break discussion).

use std::time::Duration;

use ttx_engine::command::Issuer;
use ttx_engine::{ETime, Severity, Tick};

use super::{Console, Level, Overlay};
use crate::widgets::injects::{is_upcoming, queue_order};
use crate::widgets::sharing::measures;

/// What the facilitator is told when a clock key meets an exercise that has ended.
const ENDED: &str = "The exercise has ended. Press q to quit; the journal is saved.";

impl Console {
    /// Space: runs or pauses the clock.
    pub(super) fn toggle_run(&mut self) {
        if self.sim().is_finished() {
            return self.set_status(Level::Warn, ENDED);
        }
        let run = !self.is_running();
        self.session.set_running(run);
        let text = if run {
            self.log_scroll = 0;
            format!("Running at {}.", self.speed_label())
        } else {
            "Paused.".to_string()
        };
        self.set_status(Level::Info, text);
    }

    /// Simulates one hour, with the clock stopped.
    pub(super) fn step_hour(&mut self) {
        if self.sim().is_finished() {
            self.session.halt();
            return self.set_status(Level::Warn, ENDED);
        }
        let now = self.sim().now();
        self.run_until(now);
    }

    /// One speed faster or slower.
    pub(super) fn change_speed(&mut self, faster: bool) {
        self.session.change_speed(faster);
        self.set_status(Level::Info, format!("Speed {}.", self.speed_label()));
    }

    /// Whether the clock pauses when a scripted inject fires.
    pub(super) fn toggle_auto_pause(&mut self) {
        let on = !self.auto_pause();
        self.session.set_pause_on_inject(on);
        self.set_status(
            Level::Info,
            if on {
                "The clock will pause when a scripted inject fires."
            } else {
                "The clock will keep running when injects fire."
            },
        );
    }

    /// Real time passing: the hours it is worth on the console's own clock are simulated,
    /// stopping at a module break, and at a scripted inject when the clock pauses for them.
    pub(super) fn tick(&mut self, d: Duration) {
        self.elapsed += d;
        self.poll_whatif();
        if matches!(self.overlay, Some(Overlay::Discussion(_))) {
            self.session.halt();
            return;
        }
        let steps = self.session.hours_due(d);
        if steps == 0 {
            return;
        }
        let fired_before = self.fired_count();
        let pause_on_inject = self.auto_pause();
        for _ in 0..steps {
            if self.sim().is_finished() {
                break;
            }
            self.session.sim_mut().step();
            if self.at_boundary().is_some() || (pause_on_inject && self.fired_count() > fired_before) {
                break;
            }
        }
        let fired = self.fired_count() > fired_before;
        self.after_move();
        if fired && pause_on_inject && self.is_running() {
            self.session.halt();
            let title = self.last_fired_title().unwrap_or_default();
            self.set_status(Level::Warn, format!("Paused, Space resumes. Inject fired: {title}"));
        }
        if self.sim().is_finished() {
            self.session.halt();
        }
    }

    pub(super) fn fired_count(&self) -> usize {
        self.sim().inject_views().iter().filter(|i| i.state == "fired").count()
    }

    pub(super) fn last_fired_title(&self) -> Option<String> {
        self.view
            .injects
            .iter()
            .filter(|i| i.fired_at.is_some())
            .max_by_key(|i| i.fired_at)
            .map(|i| i.title.clone())
    }

    /// The module that has just ended, when the clock stands at a module break (or the end).
    pub(super) fn at_boundary(&self) -> Option<usize> {
        let reg = self.sim().registry();
        if reg.modules.is_empty() {
            return None;
        }
        if self.sim().is_finished() {
            return Some(reg.modules.len() - 1);
        }
        let now = self.sim().now();
        reg.modules.iter().enumerate().skip(1).find(|(_, m)| m.start == now).map(|(i, _)| i - 1)
    }

    /// The first module break (a tick where a module starts) after now.
    pub(super) fn next_boundary(&self) -> Option<Tick> {
        let now = self.sim().now();
        self.sim().registry().modules.iter().skip(1).map(|m| m.start).find(|t| *t > now)
    }

    pub(super) fn jump_to_inject(&mut self) {
        self.session.halt();
        if self.sim().is_finished() {
            self.set_status(Level::Warn, "The exercise has ended.");
            return;
        }
        let now = self.sim().now();
        let clock = self.sim().registry().clock;
        let next = self
            .view
            .injects
            .iter()
            .filter(|i| matches!(i.state.as_str(), "pending" | "scheduled"))
            .filter_map(|i| i.due.and_then(|d| clock.tick_of(d)).map(|t| (t, i.title.clone())))
            .filter(|(t, _)| *t >= now)
            .min_by_key(|(t, _)| *t);
        let Some((due, title)) = next else {
            self.set_status(Level::Warn, "No scripted inject is due ahead (held and conditional ones wait).");
            return;
        };
        match self.next_boundary() {
            Some(b) if b <= due => {
                self.run_until(Tick(b.0 - 1));
                self.set_status(Level::Info, format!("Stopped at the module break before \"{title}\"."));
            }
            _ => {
                self.run_until(due);
                self.set_status(Level::Info, format!("Inject fired: {title}."));
            }
        }
    }

    pub(super) fn jump_to_module(&mut self) {
        self.session.halt();
        if self.sim().is_finished() {
            self.set_status(Level::Warn, "The exercise has ended.");
            return;
        }
        let target = self.next_boundary().map_or(self.sim().last_tick(), |b| Tick(b.0 - 1));
        self.run_until(target);
    }

    /// Simulates up to and including `target`, with the clock stopped (the server, when it
    /// hosts the console, moves it and says so).
    pub(super) fn run_until(&mut self, target: Tick) {
        if self.session.run_until(target) {
            self.after_move();
        }
    }

    /// After the clock moved: journal records, command outcomes, fresh views, module breaks.
    pub(super) fn after_move(&mut self) {
        self.session.moved();
        for o in self.session.sim_mut().take_outcomes() {
            self.waiting.retain(|w| w.seq != o.seq || o.issuer != Issuer::Facilitator);
            // The teams' own outcomes (a hosted exercise) are listed, not announced.
            if o.issuer != Issuer::Facilitator {
                self.results.push(o);
                continue;
            }
            match &o.result {
                Ok(()) => self.set_status(
                    Level::Info,
                    format!("Applied at {}: {}.", self.tick_time(o.tick), o.command.summary()),
                ),
                Err(r) => self.set_status(Level::Error, format!("Rejected: {r} ({}).", o.command.summary())),
            }
            self.results.push(o);
        }
        if self.results.len() > 50 {
            self.results.drain(..self.results.len() - 50);
        }
        self.refresh();
        if matches!(self.overlay, Some(Overlay::Palette(_))) {
            // Indicators and inject states change as the clock moves; keep the form's lists current.
            let catalog = self.catalog();
            if let Some(Overlay::Palette(form)) = &mut self.overlay {
                form.catalog = catalog;
                form.rebuild();
            }
        }
        if let Some(m) = self.at_boundary()
            && !self.discussed[m]
        {
            self.discussed[m] = true;
            self.session.halt();
            let reg = self.sim().registry();
            let why = if self.sim().is_finished() {
                "the exercise has ended".to_string()
            } else {
                format!("{} begins", reg.modules[m + 1].title)
            };
            match &self.overlay {
                Some(Overlay::Palette(_) | Overlay::ConfirmQuit | Overlay::ConfirmSkip(_)) => {
                    self.pending_discussion = Some((m, why));
                }
                _ => self.open_discussion(m, why),
            }
        }
    }

    pub(super) fn tick_time(&self, t: Tick) -> ETime {
        self.sim().registry().clock.at(t)
    }

    /// Rebuilds the views the screen draws from.
    pub(super) fn refresh(&mut self) {
        self.view = self.sim().facilitator_view();
        let from = self.log.len();
        let fresh = self.sim().log_lines(None, Severity::Info, from);
        if self.log_scroll > 0 {
            // Keep the lines the facilitator is reading in place while new ones arrive.
            self.log_scroll += fresh.iter().filter(|l| self.log_filter.matches(l)).count();
        }
        self.log.extend(fresh);
        // Keep the selected inject selected while it is still to come; once it has fired or
        // been skipped, move to the next one due.
        let selected = self.queue.get(self.inject_sel).filter(|i| is_upcoming(i)).map(|i| i.id.clone());
        self.queue = queue_order(&self.view.injects);
        self.inject_sel = selected
            .and_then(|id| self.queue.iter().position(|i| i.id == id && is_upcoming(i)))
            .unwrap_or(0)
            .min(self.queue.len().saturating_sub(1));
        self.measures = measures(self.sim().series(), Some(&self.view.metrics));
        if let Some(Overlay::StateDetail { detail, .. }) = &mut self.overlay
            && let Some(d) = self.session.sim().state_detail(&detail.postal)
        {
            **detail = d;
        }
    }
}
