//! docs/console.md lists every key the console binds, as the help screen does.

use ttx_tui::keys::{BINDINGS, keys_label};

#[test]
fn the_console_guide_lists_every_key_binding() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/console.md");
    let doc = std::fs::read_to_string(path).expect("docs/console.md");
    let mut missing = Vec::new();
    for b in BINDINGS {
        let row = format!("| `{}` | {} |", keys_label(&b).replace('|', "\\|"), b.help);
        if !doc.contains(&row) {
            missing.push(row);
        }
    }
    assert!(missing.is_empty(), "docs/console.md lacks these rows:\n{}", missing.join("\n"));
}
