use super::*;

fn assert_send<T: Send>() {}

#[test]
fn sim_can_move_between_threads() {
    assert_send::<Sim>();
    assert_send::<Scenario>();
}
#[test]
fn the_tick_borrows_each_resource_once() {
    // `SystemState::new` panics when a parameter takes a resource twice in conflicting ways.
    let sc = Scenario::parse(crate::builtin::BUILTINS[0].name, crate::builtin::BUILTINS[0].source)
        .expect("the default scenario parses");
    let mut sim = Sim::new(&sc, 1);
    let mut state = TickState::new(&mut sim.world);
    // The first tick with anything due, read from each calendar in the world on its own.
    let w = &sim.world;
    let from_world = [
        w.resource::<CommandQueue>().next_due(),
        w.resource::<Calendar<CampaignEvent>>().next_due(Tick(0)),
        w.resource::<Calendar<InjectEvent>>().next_due(Tick(0)),
        w.resource::<Calendar<Timer>>().next_due(Tick(0)),
        w.resource::<Calendar<FederalEvent>>().next_due(Tick(0)),
        w.resource::<Calendar<Delivery>>().next_due(Tick(0)),
    ]
    .into_iter()
    .flatten()
    .min();
    assert!(from_world.is_some(), "the default scenario has something due");
    let cx = state.get_mut(&mut sim.world).expect("every resource of the tick is in the world");
    assert_eq!(cx.next_due(Tick(0)), from_world);
}

#[test]
fn a_snapshot_holds_every_resource_that_is_not_fixed_for_the_run() {
    use std::any::TypeId;
    let sc = Scenario::parse(crate::builtin::BUILTINS[0].name, crate::builtin::BUILTINS[0].source)
        .expect("the default scenario parses");
    let sim = Sim::new(&sc, 1);
    let types =
        |w: &World| -> Vec<Option<TypeId>> { w.iter_resources().map(|(_, i, _)| i.type_id()).collect() };
    // bevy's own resources: those of a world with the messages but no state.
    let mut bare = World::new();
    MessageRegistry::register_message::<Detection>(&mut bare);
    let mut known: Vec<Option<TypeId>> = types(&bare);
    known.extend(saved_resource_types().into_iter().map(Some));
    // Fixed for the whole run, or buffers a restore clears.
    known.extend(
        [
            TypeId::of::<Reg>(),
            TypeId::of::<Entities>(),
            TypeId::of::<MessageRegistry>(),
            TypeId::of::<Messages<Detection>>(),
            TypeId::of::<Messages<ShareOrder>>(),
            TypeId::of::<Messages<Learned>>(),
            TypeId::of::<Messages<Visible>>(),
            TypeId::of::<Messages<WentDown>>(),
        ]
        .map(Some),
    );
    let unknown = types(&sim.world).into_iter().filter(|t| !known.contains(t)).count();
    assert_eq!(unknown, 0, "resources of the run that a snapshot would not copy");
}

#[test]
fn a_fork_continues_exactly_as_the_run() {
    let sc = Scenario::parse(crate::builtin::BUILTINS[0].name, crate::builtin::BUILTINS[0].source)
        .expect("the default scenario parses");
    let mut run = Sim::new(&sc, 4);
    run.checkpoint_commands(true);
    let cmd = Command::SetStaffed { team: "pa".into(), staffed: true };
    let _ = run.submit_at(Tick(30), Issuer::Facilitator, cmd);
    run.run_until(Tick(400));
    let mut fork = run.fork();
    assert_eq!(fork.now(), run.now());
    run.run_to_end();
    fork.run_to_end();
    assert_eq!(fork.hash_trace(), run.hash_trace());
    assert_eq!(fork.series(), run.series());
    assert_eq!(fork.metrics(), run.metrics());
    assert_eq!(fork.events(), run.events());
    assert_eq!(fork.take_journal_records(), run.take_journal_records());
}

#[test]
fn write_each_writes_the_list_s_entities_in_its_order_whatever_the_table_s() {
    let mut world = World::new();
    let spawned: Vec<Entity> = world.spawn_batch((0..6).map(|_| Status::default())).collect();
    let epochs = |world: &World, list: &[Entity]| -> Vec<Option<u32>> {
        list.iter().map(|e| world.get::<Status>(*e).map(|s| s.outage_epoch)).collect()
    };
    let mark = |world: &mut World, list: &[Entity], base: u32| {
        let mut query = world.query::<(Entity, &mut Status)>();
        write_each(world, &mut query, list, |i, mut st| st.outage_epoch = base + i as u32);
    };
    // The table's order, all of it or its beginning: walked straight through.
    mark(&mut world, &spawned, 10);
    assert_eq!(epochs(&world, &spawned), (10..16).map(Some).collect::<Vec<_>>());
    mark(&mut world, &spawned[..2], 20);
    assert_eq!(epochs(&world, &spawned), [20, 21, 12, 13, 14, 15].map(Some));
    // Another order, or a part from the middle: the rest looked up one by one.
    let mut reversed = spawned.clone();
    reversed.reverse();
    mark(&mut world, &reversed, 30);
    assert_eq!(epochs(&world, &reversed), (30..36).map(Some).collect::<Vec<_>>());
    let middle = [spawned[0], spawned[3], spawned[4]];
    mark(&mut world, &middle, 40);
    assert_eq!(epochs(&world, &spawned), [40, 34, 33, 41, 42, 30].map(Some));
}

#[test]
fn a_cleared_knowledge_knows_what_a_new_one_knows() {
    let held = |i: u32| Held {
        indicator: IndicatorIx(i),
        campaign: CampaignIx(0),
        technique: None,
        adversary: AdversaryIx(0),
        arrived: Tick(1),
        created: Tick(0),
        from: None,
        channel: None,
    };
    let mut k = Knowledge::default();
    for i in [3, 70, 1500, 9000] {
        assert!(k.add(held(i)));
    }
    k.clear();
    assert!(k.held.is_empty());
    assert!([3, 70, 1500, 9000].into_iter().all(|i| !k.holds(IndicatorIx(i))));
    assert!(k.add(held(1500)), "a cleared indicator is new again");
    assert!(!k.add(held(1500)));
    assert!(k.holds(IndicatorIx(1500)) && !k.holds(IndicatorIx(9000)));
}

#[test]
fn put_writes_over_a_resource_or_inserts_it() {
    let mut world = World::new();
    put(&mut world, Now(Tick(3)));
    assert_eq!(world.resource::<Now>().0, Tick(3));
    let count = world.iter_resources().count();
    put(&mut world, Now(Tick(5)));
    assert_eq!(world.resource::<Now>().0, Tick(5));
    assert_eq!(world.iter_resources().count(), count, "written over, not added");
}
