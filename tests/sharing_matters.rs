//! Sharing matters: slowing the EI-ISAC tenfold leaves fewer jurisdictions warned before they are targeted.

use ttx_engine::scenario::schema::Channel;
use ttx_engine::{Scenario, Sim, builtin};

fn mean_warned(scenario: &Scenario, seeds: std::ops::Range<u64>) -> f64 {
    let n = seeds.end - seeds.start;
    let total: f64 = seeds
        .map(|s| {
            let mut sim = Sim::new(scenario, s);
            sim.run_to_end();
            sim.metrics().warned_before_targeted.unwrap_or(0.0)
        })
        .sum();
    total / n as f64
}

#[test]
fn ten_times_slower_isac_warns_fewer_targets() {
    let base = builtin::default_scenario().unwrap();
    let mut slow = base.spec().clone();
    for c in [
        Channel::IsacToMembers,
        Channel::MemberToIsac,
        Channel::StateToIsac,
        Channel::IsacToDhs,
        Channel::DhsToIsac,
    ] {
        slow.sharing.channels.get_mut(c).scale_latency(10.0);
    }
    slow.doctrines.eiisac.relay_h *= 10.0;
    let slow = Scenario::from_spec("slow isac", &slow).unwrap();
    let fast = mean_warned(&base, 0..40);
    let slowed = mean_warned(&slow, 0..40);
    eprintln!("warned_before_targeted: normal {fast:.3}, EI-ISAC ten times slower {slowed:.3}");
    assert!(
        slowed + 0.05 < fast,
        "a tenfold slower EI-ISAC should warn clearly fewer targets first: {fast:.3} vs {slowed:.3}"
    );
}
