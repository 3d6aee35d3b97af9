//! docs/team-console.md lists every key the team console binds, as its help screen does.

use ttx_tui::keys::keys_label;
use ttx_tui::team_keys::{TEAM_BINDINGS, TeamContext};

#[test]
fn the_team_console_guide_lists_every_key_binding() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/team-console.md");
    let doc = std::fs::read_to_string(path).expect("docs/team-console.md");
    let mut missing = Vec::new();
    for ctx in TeamContext::HELP_ORDER {
        let heading = format!("### {}", ctx.title());
        if !doc.contains(&heading) {
            missing.push(heading.clone());
        }
        for b in TEAM_BINDINGS.iter().filter(|b| b.context == ctx) {
            let row = format!("| `{}` | {} |", keys_label(&b).replace('|', "\\|"), b.help);
            if !doc.contains(&row) {
                missing.push(row);
            }
        }
    }
    assert!(missing.is_empty(), "docs/team-console.md lacks these lines:\n{}", missing.join("\n"));
}
