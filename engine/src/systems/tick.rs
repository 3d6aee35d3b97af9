//! One tick: every family's work over one borrowed context.
//!
//! A tick is one bevy system parameter, [`TickCtx`], fetched from the world once per
//! `Sim::run_until` (for all its ticks) or `Sim::step`; each family first checks whether it has work this hour (a calendar
//! with something due, a message written earlier in the tick) and, if it has, its
//! function is called directly with the parts of the context it uses. The families run
//! in [`Family::ALL`]'s order. docs/architecture.md (ECS) explains why a tick is one
//! parameter rather than a schedule of systems.

use bevy_ecs::message::{MessageCursor, Messages};
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use super::Core;
use super::commands::{CommandCtx, CommandQueue, apply_commands};
use super::doctrines::{Planned, run_doctrines};
use super::injects::InjectCtx;
use super::sharing::SharingScratch;
use crate::model::registry::ResolvedTrigger;
use crate::model::*;
use crate::sim::Family;
use crate::time::Tick;

/// Where each reader of a message type has read up to: one cursor per family that reads
/// the type, kept from tick to tick like a `MessageReader`'s.
#[derive(Default)]
pub struct Cursors {
    detection: MessageCursor<Detection>,
    sharing: MessageCursor<ShareOrder>,
    doctrine_learned: MessageCursor<Learned>,
    doctrine_detections: MessageCursor<Detection>,
    doctrine_went_down: MessageCursor<WentDown>,
    doctrine_visible: MessageCursor<Visible>,
}

/// Everything a tick reads and changes: [`Core`] and the resources only some families use.
#[derive(SystemParam)]
pub struct TickCtx<'w, 's> {
    /// What most families read and change.
    pub core: Core<'w, 's>,
    /// Commands waiting for their tick, and this tick's outcomes.
    pub queue: ResMut<'w, CommandQueue>,
    /// Commands carried out for teams.
    pub issued: ResMut<'w, IssuedLog>,
    /// Indicators already shared on each channel.
    pub ledger: ResMut<'w, ShareLedger>,
    /// On-site teams.
    pub onsite: ResMut<'w, Onsite>,
    /// The EO 13848 process.
    pub eo: ResMut<'w, Eo>,
    /// Federal events.
    pub federal: ResMut<'w, Calendar<FederalEvent>>,
    /// Adversary actions.
    pub campaign_cal: ResMut<'w, Calendar<CampaignEvent>>,
    /// Inject states.
    pub injects: ResMut<'w, Injects>,
    /// Injects to fire.
    pub inject_cal: ResMut<'w, Calendar<InjectEvent>>,
    /// Teams' inboxes.
    pub inbox: ResMut<'w, Inbox>,
    /// Deliveries of shared indicators.
    pub deliveries: ResMut<'w, Calendar<Delivery>>,
    /// Broadcast alerts.
    pub alerts: ResMut<'w, Alerts>,
    /// Doctrine responses already planned.
    pub planned: ResMut<'w, Planned>,
    /// Detections written this tick.
    pub detections: ResMut<'w, Messages<Detection>>,
    /// Share orders written this tick.
    pub orders: ResMut<'w, Messages<ShareOrder>>,
    cursors: Local<'s, Cursors>,
    scratch: Local<'s, SharingScratch>,
}

/// Whether messages of a kind were written this tick.
fn fresh<M: Message>(m: &Messages<M>) -> bool {
    m.iter_current_update_messages().len() > 0
}

impl TickCtx<'_, '_> {
    /// Whether a family has work this tick: an idle family costs one cheap check.
    fn has_work(&self, f: Family) -> bool {
        let now = self.core.now();
        match f {
            Family::Commands => self.queue.next_due().is_some_and(|t| t <= now),
            Family::Injects => self.inject_cal.has(now),
            Family::Campaigns => self.campaign_cal.has(now),
            Family::Impact => self.core.timers.has(now),
            Family::Detection => fresh(&self.detections),
            Family::Federal => self.federal.has(now),
            Family::Sharing => fresh(&self.orders) || self.deliveries.has(now),
            Family::Doctrines => {
                fresh(&self.core.learned)
                    || fresh(&self.detections)
                    || fresh(&self.core.went_down)
                    || fresh(&self.core.visible)
            }
            Family::Triggers => self.conditional_injects_waiting(),
            Family::Messages => true,
        }
    }

    /// A conditional inject is still waiting for its condition, or an inject with a
    /// `cancel_if` condition has not fired yet.
    fn conditional_injects_waiting(&self) -> bool {
        self.core.reg().injects.iter().zip(&self.injects.state).any(|(i, s)| {
            (*s == InjectState::Pending && matches!(i.trigger, ResolvedTrigger::When(..)))
                || (i.cancel_if.is_some() && matches!(s, InjectState::Pending | InjectState::Scheduled(_)))
        })
    }

    /// Runs one family's work if it has any this tick.
    pub fn run_family(&mut self, f: Family) {
        if !self.has_work(f) {
            return;
        }
        let cx = self;
        match f {
            Family::Commands => {
                let mut ctx = CommandCtx {
                    ledger: &cx.ledger,
                    orders: &mut cx.orders,
                    onsite: &mut cx.onsite,
                    eo: &mut cx.eo,
                    federal: &mut cx.federal,
                    campaign_cal: &mut cx.campaign_cal,
                    injects: &mut cx.injects,
                    inject_cal: &mut cx.inject_cal,
                };
                apply_commands(&mut cx.core, &mut cx.queue, &mut ctx, &mut cx.issued);
            }
            Family::Injects => {
                let mut ctx = InjectCtx {
                    inbox: &mut cx.inbox,
                    campaign_cal: &mut cx.campaign_cal,
                    eo: &mut cx.eo,
                    issued: &cx.issued,
                };
                super::injects::run_injects(&mut cx.core, &mut cx.inject_cal, &mut cx.injects, &mut ctx);
            }
            Family::Campaigns => super::campaigns::run_campaigns(
                &mut cx.core,
                &mut cx.campaign_cal,
                &mut cx.federal,
                &mut cx.detections,
                &cx.eo,
            ),
            Family::Impact => super::impact::run_impact(&mut cx.core, &mut cx.onsite, &mut cx.eo),
            Family::Detection => {
                let list: Vec<Detection> = cx.cursors.detection.read(&cx.detections).copied().collect();
                super::detection::run_detection(&mut cx.core, list, &mut cx.eo);
            }
            Family::Federal => super::federal::run_federal(
                &mut cx.core,
                &mut cx.federal,
                &mut cx.eo,
                &mut cx.orders,
                &cx.onsite,
            ),
            Family::Sharing => {
                let orders = cx.cursors.sharing.read(&cx.orders);
                super::sharing::run_sharing(
                    &mut cx.core,
                    orders,
                    &mut cx.deliveries,
                    &mut cx.alerts,
                    &mut cx.ledger,
                    &mut cx.scratch,
                    &mut cx.eo,
                    &mut cx.campaign_cal,
                );
            }
            Family::Doctrines => {
                let c = &mut *cx.cursors;
                run_doctrines(
                    &cx.core,
                    c.doctrine_learned.read(&cx.core.learned),
                    c.doctrine_detections.read(&cx.detections),
                    c.doctrine_went_down.read(&cx.core.went_down),
                    c.doctrine_visible.read(&cx.core.visible),
                    &mut cx.queue,
                    &mut cx.planned,
                    &cx.eo,
                );
            }
            Family::Triggers => {
                super::triggers::run_triggers(&mut cx.core, &mut cx.injects, &mut cx.inject_cal, &cx.issued)
            }
            Family::Messages => cx.rotate_messages(),
        }
    }

    /// Runs a whole tick, every family in order, and returns the first tick after it with
    /// anything due (commands, campaign actions, injects, timers, federal events, deliveries).
    pub fn run(&mut self) -> Option<Tick> {
        for f in Family::ALL {
            self.run_family(f);
        }
        self.next_due(Tick(self.core.now().0 + 1))
    }

    /// The first tick at or after `from` with anything due.
    pub fn next_due(&self, from: Tick) -> Option<Tick> {
        /// The earlier of two ticks, either of which may be missing.
        fn earlier(a: Option<Tick>, b: Option<Tick>) -> Option<Tick> {
            match (a, b) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        }
        // Commands overdue (given for an hour already past) are due now.
        let mut due = self.queue.next_due().map(|t| t.max(from));
        due = earlier(due, self.campaign_cal.next_due(from));
        due = earlier(due, self.inject_cal.next_due(from));
        due = earlier(due, self.core.timers.next_due(from));
        due = earlier(due, self.federal.next_due(from));
        earlier(due, self.deliveries.next_due(from))
    }

    /// Ends a tick for the messages: what was written this tick becomes last tick's, and
    /// last tick's is dropped, as bevy's `message_update_system` does; a type with nothing
    /// in either buffer is left alone (rotating it would change nothing a reader can see).
    fn rotate_messages(&mut self) {
        fn rotate<M: Message>(m: &mut Messages<M>) {
            if !m.is_empty() {
                m.update();
            }
        }
        rotate(&mut self.detections);
        rotate(&mut self.orders);
        rotate(&mut self.core.learned);
        rotate(&mut self.core.visible);
        rotate(&mut self.core.went_down);
    }
}
