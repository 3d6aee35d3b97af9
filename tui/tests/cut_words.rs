//! Every screen of both consoles at 80x24, the smallest supported size: text that does not
//! fit is cut with an ellipsis, never in the middle of a word without one, and a time never
//! runs into the text after it.
//!
//! A word on the small screen is cut when it is not a word the consoles write (the same
//! screen drawn very wide, the scenario's text, the key bindings) but begins one of them.

#[allow(dead_code)]
mod common;

use std::collections::BTreeSet;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ttx_engine::command::{Command, Issuer};
use ttx_engine::{Sim, SimOptions, builtin};
use ttx_tui::team::{TeamConsole, TeamEvent, TeamOptions};
use ttx_tui::{Theme, team_ui, ui};

use common::{ch, console, key, press, wait};

const WIDE: (u16, u16) = (400, 120);

/// Words of the small layouts that the wide ones write out differently.
const LEGEND: &str = "ok rst prb cmp deg xoff low";

fn draw(w: u16, h: u16, f: impl Fn(&mut ratatui::Frame)) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
    t.draw(|fr| f(fr)).expect("draws");
    let b = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(b[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '…' || c == '\'' || c == '-' || c == '_'
}

fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !is_word_char(c)).filter(|t| !t.is_empty()).map(|t| t.to_lowercase())
}

fn vocabulary(extra: &[&str]) -> BTreeSet<String> {
    let sc = builtin::default_scenario().expect("the default scenario loads");
    let mut v: BTreeSet<String> = tokens(sc.source()).collect();
    for b in ttx_tui::keys::BINDINGS {
        v.extend(tokens(b.help));
        v.extend(b.hint.into_iter().flat_map(tokens));
    }
    for b in ttx_tui::team_keys::TEAM_BINDINGS {
        v.extend(tokens(b.help));
        v.extend(b.hint.into_iter().flat_map(tokens));
    }
    for e in extra {
        v.extend(tokens(e));
    }
    v
}

/// Words of `small` cut without an ellipsis, and times run into a word.
fn cut_words(small: &str, vocab: &BTreeSet<String>) -> Vec<String> {
    let mut bad = Vec::new();
    for line in small.lines() {
        // A single letter against a border or the screen's edge ("names A│") is a cut word
        // too, unless it is the article.
        let chars: Vec<char> = line.chars().collect();
        for i in 0..chars.len() {
            let before = i.checked_sub(1).map_or(' ', |j| chars[j]);
            let after = chars.get(i + 1).copied();
            if chars[i].is_alphabetic()
                && i > 0
                && before == ' '
                && after.is_none_or(|c| "│┐┘".contains(c))
                && chars[i] != 'a'
                && chars[i] != 'I'
            {
                bad.push(format!("a letter against the edge in {:?}", line.trim()));
            }
        }
        for t in tokens(line) {
            if t.ends_with('…') || t.chars().filter(|c| c.is_alphabetic()).count() < 2 {
                continue;
            }
            if !vocab.contains(&t) && vocab.iter().any(|w| w.len() > t.len() && w.starts_with(&t)) {
                bad.push(format!("{t:?} in {:?}", line.trim()));
            }
        }
        // A clock time glued to the next word ("10:00FBI").
        let b = line.as_bytes();
        for i in 0..b.len().saturating_sub(5) {
            if b[i].is_ascii_digit()
                && b[i + 1].is_ascii_digit()
                && b[i + 2] == b':'
                && b[i + 3].is_ascii_digit()
                && b[i + 4].is_ascii_digit()
                && b[i + 5].is_ascii_alphabetic()
            {
                bad.push(format!("a time runs into a word in {:?}", line.trim()));
            }
        }
    }
    bad
}

/// `screen` keeping only the window drawn over `base` (the smallest rectangle holding every
/// cell that changed, header and hint bar aside) and the header and hint bar: the panels the
/// window half covers are not its text.
fn over(screen: &str, base: &str) -> String {
    let a: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let b: Vec<Vec<char>> = base.lines().map(|l| l.chars().collect()).collect();
    let last = a.len().saturating_sub(1);
    let (mut x0, mut x1, mut y0, mut y1) = (usize::MAX, 0, usize::MAX, 0);
    for (y, row) in a.iter().enumerate().take(last).skip(1) {
        for (x, c) in row.iter().enumerate() {
            if b.get(y).and_then(|r| r.get(x)) != Some(c) {
                (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
            }
        }
    }
    let mut out = String::new();
    for (y, row) in a.iter().enumerate() {
        for (x, c) in row.iter().enumerate() {
            let keep = y == 0 || y == last || (y0..=y1).contains(&y) && (x0..=x1).contains(&x);
            out.push(if keep { *c } else { ' ' });
        }
        out.push('\n');
    }
    out
}

fn check(name: &str, small: &str, wide: &str, failures: &mut Vec<String>) {
    let vocab = vocabulary(&[wide, LEGEND]);
    for b in cut_words(small, &vocab) {
        failures.push(format!("{name}: {b}"));
    }
}

fn facilitator_over(name: &str, c: &ttx_tui::Console, base: &str, failures: &mut Vec<String>) {
    let small = over(&draw(80, 24, |f| ui::render(c, f)), base);
    let wide = draw(WIDE.0, WIDE.1, |f| ui::render(c, f));
    check(name, &small, &wide, failures);
}

fn facilitator(name: &str, c: &ttx_tui::Console, failures: &mut Vec<String>) {
    let small = draw(80, 24, |f| ui::render(c, f));
    let wide = draw(WIDE.0, WIDE.1, |f| ui::render(c, f));
    check(name, &small, &wide, failures);
}

fn team(name: &str, c: &TeamConsole, base: Option<&str>, failures: &mut Vec<String>) {
    let small = draw(80, 24, |f| team_ui::render(c, f));
    let small = match base {
        Some(b) => over(&small, b),
        None => small,
    };
    let wide = draw(WIDE.0, WIDE.1, |f| team_ui::render(c, f));
    check(name, &small, &wide, failures);
}

#[test]
fn no_word_is_cut_without_an_ellipsis_at_80x24() {
    let mut failures = Vec::new();
    // The facilitator console through the exercise.
    let mut c = console();
    facilitator("start", &c, &mut failures);
    for (name, setup, keys) in [
        ("help", vec![], vec![ch('?')]),
        ("palette", vec![], vec![ch('c')]),
        ("ad hoc", vec![], vec![ch('x')]),
        ("preview", vec![ch('2'), key(KeyCode::Down), key(KeyCode::Down)], vec![ch('p')]),
        ("state detail", vec![ch('1')], vec![key(KeyCode::Enter)]),
        ("quit", vec![], vec![ch('q')]),
        ("skip", vec![ch('2')], vec![ch('s')]),
    ] {
        press(&mut c, &setup);
        let base = draw(80, 24, |f| ui::render(&c, f));
        press(&mut c, &keys);
        facilitator_over(name, &c, &base, &mut failures);
        press(&mut c, &[key(KeyCode::Esc)]);
    }
    press(&mut c, &[ch('2'), ch('f')]);
    facilitator("queued", &c, &mut failures);
    for i in 0..12 {
        press(&mut c, &[ch('i')]);
        wait(&mut c, 0.1);
        facilitator(&format!("inject {i}"), &c, &mut failures);
        press(&mut c, &[ch('3')]);
        facilitator(&format!("inject {i}, log"), &c, &mut failures);
        press(&mut c, &[key(KeyCode::Esc), ch('2')]);
    }
    let base = draw(80, 24, |f| ui::render(&c, f));
    press(&mut c, &[ch('m')]);
    facilitator_over("discussion", &c, &base, &mut failures);
    press(&mut c, &[key(KeyCode::Esc)]);
    for i in 0..6 {
        press(&mut c, &[key(KeyCode::Esc), ch('m')]);
        facilitator(&format!("module break {i}"), &c, &mut failures);
        press(&mut c, &[key(KeyCode::Esc)]);
        facilitator(&format!("after module break {i}"), &c, &mut failures);
    }

    // A team console through the exercise.
    let sc = builtin::default_scenario().expect("the default scenario loads");
    let mut sim = Sim::with_options(&sc, 7, SimOptions::default());
    sim.submit(Issuer::Facilitator, Command::SetStaffed { team: "pa".into(), staffed: true });
    let mut t = TeamConsole::new(
        sim.team_view("pa").expect("pa"),
        TeamOptions { theme: Theme::MONO, server: "127.0.0.1:7878".into(), bell: false },
    );
    team("team start", &t, None, &mut failures);
    for hours in [24, 240, 480, 960, 1200, 2400, 3600] {
        sim.run_until(ttx_engine::Tick(hours));
        t.update(TeamEvent::View(Box::new(sim.team_view("pa").expect("pa"))));
        team(&format!("team at hour {hours}"), &t, None, &mut failures);
        for (name, keys) in [
            ("help", vec![ch('?')]),
            ("palette", vec![ch('c')]),
            ("message", vec![ch('2'), key(KeyCode::Enter)]),
            ("log", vec![ch('3')]),
            ("panel", vec![ch('4')]),
            ("quit", vec![ch('q')]),
        ] {
            let base = draw(80, 24, |f| team_ui::render(&t, f));
            for k in &keys {
                t.update(*k);
            }
            let popup = matches!(name, "help" | "palette" | "message" | "quit");
            team(&format!("team at hour {hours}, {name}"), &t, popup.then_some(base.as_str()), &mut failures);
            t.update(key(KeyCode::Esc));
        }
    }
    failures.dedup();
    assert!(failures.is_empty(), "{} cut words:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_check_finds_what_the_consoles_used_to_cut() {
    let vocab = vocabulary(&["Tabletop the Vote", "FBI: Arizona names AZ, GA and the hour Space runs"]);
    for cut in [
        " Module 1: Pre-election (1/3) | Ta  E-40d 15:00",
        "│ E-132d 10:00FBI: Arizona    │",
        " Queued: applies at E-60d 08:00 (n steps the hour, Spa",
        "│EO 13848 assessment delivered E+45d 23:00, names A│",
    ] {
        assert!(!cut_words(cut, &vocab).is_empty(), "{cut}");
    }
    assert!(cut_words(" Module 1: Pre-election (1/3) | Tab…  names AZ, GA", &vocab).is_empty());
}
