//! The fuzz targets: what each reader must do with any input (never panic,
//! never hang, never print without bound), and the seeds mutation starts from.
//!
//! Shared by the proptest harness (`tests/fuzz/mod.rs`) and the cargo-fuzz
//! targets (`fuzz/fuzz_targets/`).

use std::sync::OnceLock;

use bytes::BytesMut;
use tokio_util::codec::Decoder;
use ttx::net::protocol::{self, ClientMsg, Control};
use ttx_engine::journal::{self, JournalWriter, Record};
use ttx_engine::{Command, Issuer, Scenario, Sim, SimOptions, Statement, Tick, builtin};

/// The shipped scenarios, the seeds of scenario mutation.
pub const SCENARIOS: &[&str] = &[
    include_str!("../../scenarios/tabletop_the_vote.ron"),
    include_str!("../../scenarios/county_ransomware.ron"),
    include_str!("../../scenarios/vendor_supply_chain.ron"),
    include_str!("../../scenarios/national.ron"),
    include_str!("../../scenarios/research/sharing_2016.ron"),
    include_str!("../../scenarios/research/sharing_2020.ron"),
];

/// The most bytes of diagnostics one scenario may print: 50 shown problems,
/// each a bounded message, help and excerpt.
const MAX_DIAGNOSTICS_BYTES: usize = 200_000;

/// The scenario reader: any text loads or gives bounded diagnostics; a
/// scenario that loads simulates its first day.
pub fn scenario(src: &str) {
    match Scenario::parse("fuzz.ron", src) {
        Ok(sc) => {
            let mut sim = Sim::new(&sc, 1);
            sim.run_until(Tick(24));
            let _ = sim.state_hash();
        }
        Err(d) => {
            assert!(d.items.len() <= ttx_engine::scenario::MAX_SHOWN);
            let text = d.to_string();
            assert!(text.len() <= MAX_DIAGNOSTICS_BYTES, "{} bytes of diagnostics", text.len());
        }
    }
}

/// A journal of the default scenario with facilitator and team commands, refusals too: the seed of journal mutation.
pub fn journal_seed() -> &'static str {
    static SEED: OnceLock<String> = OnceLock::new();
    SEED.get_or_init(|| {
        let Ok(sc) = builtin::default_scenario() else { return String::new() };
        let mut sim = Sim::new(&sc, 9);
        sim.checkpoint_commands(true);
        let plan: Vec<(u32, Issuer, Command)> = vec![
            (4, Issuer::Facilitator, Command::FireInject { inject: "vr_intrusion".into() }),
            (5, Issuer::Facilitator, Command::HoldInject { inject: "flash_scanning".into() }),
            (
                6,
                Issuer::Team("pa".into()),
                Command::EnforceMfa { actor: "harbor".into(), asset: "harbor/office".into() },
            ),
            (
                7,
                Issuer::Team("pa".into()),
                Command::PublicStatement { actor: "PA".into(), statement: Statement::Reassure },
            ),
            (
                8,
                Issuer::Team("pa".into()),
                Command::DeployOnsite { actor: "harbor".into(), asset: "harbor/office".into() },
            ),
        ];
        for (t, issuer, cmd) in plan {
            let _ = sim.submit_at(Tick(t), issuer, cmd);
        }
        sim.run_until(Tick(12));
        let mut w = JournalWriter::new(Vec::new());
        let _ = w.write(&Record::header(&sc, 9, "fuzz"));
        for r in sim.take_journal_records() {
            let _ = w.write(&r);
        }
        let _ = w.write(&Record::End { tick: sim.now().0, hash: format!("{:016x}", sim.state_hash()) });
        String::from_utf8(w.into_inner()).unwrap_or_default()
    })
}

/// The journal reader: any bytes are read, and replayed if they read, without a panic.
pub fn journal(bytes: &[u8]) {
    if let Ok(records) = journal::read_records(bytes) {
        // A replay simulates up to the journal's last tick, at most the scenario's clock.
        let _ = journal::replay(&records, SimOptions::default());
    }
}

/// Messages a console sends, the seeds of frame mutation.
pub fn frame_seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let msgs = [
            ClientMsg::Hello {
                protocol: protocol::PROTOCOL,
                client: "ttx 0.1.0".into(),
                team: Some("pa".into()),
                code: "ABCD-EFGH".into(),
                observer: false,
            },
            ClientMsg::Command {
                id: 7,
                command: Command::EnforceMfa { actor: "harbor".into(), asset: "harbor/office".into() },
            },
            ClientMsg::Command { id: 8, command: Command::FireInject { inject: "vr_intrusion".into() } },
            ClientMsg::Control { id: 9, action: Control::Pause },
        ];
        let mut out: Vec<String> = msgs.iter().filter_map(|m| serde_json::to_string(m).ok()).collect();
        out.push(r#"{"type":"ping"}"#.into());
        out.push(r#"{"type":"control","id":10,"action":{"step":{"ticks":4294967295}}}"#.into());
        out
    })
}

/// The protocol's frame decoder, as the server reads a console: frames of at
/// most 64 KiB, each parsed as a client message, without a panic.
pub fn frames(bytes: &[u8]) {
    let mut codec = protocol::codec(protocol::MAX_CLIENT_FRAME);
    let mut buf = BytesMut::from(bytes);
    loop {
        match codec.decode(&mut buf) {
            Ok(Some(frame)) => {
                let _ = protocol::parse_client(&frame);
            }
            Ok(None) => {
                let _ = codec.decode_eof(&mut buf);
                break;
            }
            Err(_) => break,
        }
    }
}
