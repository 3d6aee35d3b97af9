//! Property test: random sequences of valid and invalid commands never panic and stay deterministic.

use proptest::prelude::*;
use ttx_engine::{Channel, Command, Issuer, Sim, Statement, Tick, builtin};

fn pick<'a>(pool: &'a [&'a str], i: usize) -> String {
    pool[i % pool.len()].to_string()
}

/// A command built from small integers: most name real things, some do not.
fn command(kind: u8, a: usize, b: usize, c: u32) -> Command {
    let actors =
        ["harbor", "PA", "GA", "dhs", "fbi", "odni", "eiisac", "treasury", "crimson", "nobody", "checkin_co"];
    let assets = ["harbor/office", "PA/vr", "GA/results", "ridge/pollbook", "checkin_co/updates", "no/such"];
    let injects = ["phish_wave", "vr_intrusion", "results_flood", "leak_published", "missing"];
    let juris = ["harbor", "peachtree", "PA", "nowhere"];
    let advs = ["crimson", "azure", "ghost"];
    let channels = Channel::ALL;
    match kind % 23 {
        0 => Command::Patch { actor: pick(&actors, a), asset: pick(&assets, b) },
        1 => Command::EnforceMfa { actor: pick(&actors, a), asset: pick(&assets, b) },
        2 => Command::Isolate { actor: pick(&actors, a), asset: pick(&assets, b) },
        3 => Command::Restore { actor: pick(&actors, a), asset: pick(&assets, b) },
        4 => Command::SwitchToPaper { actor: pick(&actors, a), jurisdiction: pick(&juris, b) },
        5 => Command::ExtendHours { actor: pick(&actors, a), jurisdiction: pick(&juris, b), hours: c % 9 },
        6 => Command::RequestOnsite { actor: pick(&actors, a), asset: pick(&assets, b) },
        7 => Command::DeployOnsite { actor: pick(&actors, a), asset: pick(&assets, b) },
        8 => Command::ShareIndicator {
            actor: pick(&actors, a),
            indicator: c % 12,
            channel: channels[b % channels.len()],
        },
        9 => Command::NotifyVictim { actor: pick(&actors, a), indicator: c % 12, victim: pick(&juris, b) },
        10 => Command::PublicStatement {
            actor: pick(&actors, a),
            statement: if c.is_multiple_of(2) { Statement::Reassure } else { Statement::Debunk },
        },
        11 => Command::OpenInvestigation { actor: pick(&actors, a), indicator: c % 12 },
        12 => Command::Attribute { actor: pick(&actors, a), adversary: pick(&advs, b) },
        13 => Command::DeliverAssessment { actor: pick(&actors, a) },
        14 => Command::DeliverReport { actor: pick(&actors, a) },
        15 => Command::ImposeSanctions { actor: pick(&actors, a), adversary: pick(&advs, b) },
        16 => Command::LaunchCampaign {
            actor: pick(&actors, a),
            campaign: pick(&["results_ddos", "office_phish", "zzz"], b),
        },
        17 => Command::FireInject { inject: pick(&injects, b) },
        18 => Command::HoldInject { inject: pick(&injects, b) },
        19 => Command::SkipInject { inject: pick(&injects, b) },
        20 => Command::InjectFromTemplate {
            template: pick(&["county_ransomware", "rumor", "vendor_busy", "none"], b),
            state: if c.is_multiple_of(3) { None } else { Some(pick(&["PA", "GA", "ZZ"], a)) },
            jurisdiction: if c.is_multiple_of(2) { None } else { Some(pick(&juris, a)) },
        },
        21 => Command::UnskipInject { inject: pick(&injects, b) },
        _ => Command::SetStaffed {
            team: pick(&["pa", "cisa", "fbi", "nope"], b),
            staffed: c.is_multiple_of(2),
        },
    }
}

fn issuer(i: u8) -> Issuer {
    match i % 5 {
        0 => Issuer::Facilitator,
        1 => Issuer::Team("pa".into()),
        2 => Issuer::Team("cisa".into()),
        3 => Issuer::Team("red".into()),
        _ => Issuer::Team("no-such-team".into()),
    }
}

type Plan = Vec<(u16, u8, u8, usize, usize, u32)>;

fn run(plan: &Plan) -> (Vec<(Tick, u64)>, String, usize) {
    let sc = builtin::default_scenario().unwrap();
    let mut sim = Sim::new(&sc, 17);
    let mut plan = plan.clone();
    plan.sort_by_key(|p| p.0);
    for (t, who, kind, a, b, c) in plan {
        // Within the clock: a command submitted after the last hour never applies.
        let tick = Tick(u32::from(t) % (sim.last_tick().0 + 1));
        if tick > sim.now() {
            sim.run_until(Tick(tick.0 - 1));
        }
        let _ = sim.submit(issuer(who), command(kind, a, b, c));
    }
    sim.run_to_end();
    let outcomes = sim.take_outcomes().len();
    (sim.hash_trace().to_vec(), serde_json::to_string(&sim.metrics()).unwrap(), outcomes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_commands_never_panic_and_stay_deterministic(
        plan in proptest::collection::vec((0u16..3600, any::<u8>(), any::<u8>(), 0usize..20, 0usize..20, any::<u32>()), 0..40)
    ) {
        let a = run(&plan);
        let b = run(&plan);
        prop_assert_eq!(a.2, plan.len(), "every command gets an outcome");
        prop_assert_eq!(a, b);
    }
}
