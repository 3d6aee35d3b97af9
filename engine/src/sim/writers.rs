//! Writing the actors' and assets' components in place: how [`Sim::reset`](super::Sim::reset)
//! puts them at their start and [`Sim::restore`](super::Sim::restore) puts a snapshot's back.

use bevy_ecs::prelude::*;
use bevy_ecs::query::{IterQueryData, QueryState};

use crate::model::*;

/// The queries a reset or a restore writes the entities' components through, built once
/// for a world and kept: building a query costs about as much as writing a small
/// scenario's entities.
pub(super) struct Writers {
    /// Every actor's knowledge.
    pub(super) knowledge: QueryState<(Entity, &'static mut Knowledge)>,
    /// Every asset's posture and status.
    pub(super) assets: QueryState<(Entity, (&'static mut AssetPosture, &'static mut Status))>,
}

impl Writers {
    pub(super) fn new(world: &mut World) -> Writers {
        Writers { knowledge: world.query(), assets: world.query() }
    }
}

/// Runs `f` with the world's entity lists taken out of it (and put back after), so that the
/// world can be written while the lists are read, without copying them.
pub(super) fn with_entities<R>(world: &mut World, f: impl FnOnce(&mut World, &Entities) -> R) -> R {
    let ents = std::mem::take(&mut *world.resource_mut::<Entities>());
    let out = f(world, &ents);
    *world.resource_mut::<Entities>() = ents;
    out
}

/// Calls `write(i, item)` with the query item of each entity `list[i]`, in the list's order.
/// The entities of a kind were spawned together into one table, in the list's order, and
/// nothing moves them: the table is walked straight through as long as its entities are the
/// list's, which costs far less than looking each one up. Should they ever differ, the rest
/// are looked up one by one.
pub(super) fn write_each<D: IterQueryData>(
    world: &mut World,
    query: &mut QueryState<(Entity, D)>,
    list: &[Entity],
    mut write: impl FnMut(usize, D::Item<'_, '_>),
) {
    let mut done = 0;
    for (e, item) in query.iter_mut(world) {
        if list.get(done) != Some(&e) {
            break;
        }
        write(done, item);
        done += 1;
    }
    for (i, e) in list.iter().enumerate().skip(done) {
        if let Ok((_, item)) = query.get_mut(world, *e) {
            write(i, item);
        }
    }
}
