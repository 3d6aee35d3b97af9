//! The team console: snapshots of its screens at 80x24 and 160x48, and update tests
//! from key sequences (commands in the outbox, answers shown with their reasons).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ttx_engine::command::{Command, Issuer};
use ttx_engine::scenario::schema::{ActorSel, Effect};
use ttx_engine::view::TeamView;
use ttx_engine::{Sim, SimOptions, builtin};
use ttx_protocol::{ClientMsg, ServerMsg, TeamCommand, TeamCommandState};
use ttx_tui::Theme;
use ttx_tui::keys::Common;
use ttx_tui::team::{Connection, RequestState, TeamConsole, TeamEvent, TeamOptions, TeamOverlay};
use ttx_tui::team_keys::{TeamAction, TeamPanel};
use ttx_tui::team_ui;

/// The default scenario, seed 7, with Pennsylvania staffed, as a server runs it.
fn sim() -> Sim {
    let sc = builtin::default_scenario().expect("the default scenario loads");
    let mut sim = Sim::with_options(&sc, 7, SimOptions::default());
    sim.submit(Issuer::Facilitator, Command::SetStaffed { team: "pa".into(), staffed: true });
    sim
}

fn steps(sim: &mut Sim, hours: u32) {
    for _ in 0..hours {
        sim.step();
    }
}

fn view(sim: &Sim, team: &str) -> TeamView {
    sim.team_view(team).expect("the team exists")
}

fn console(v: TeamView) -> TeamConsole {
    TeamConsole::new(v, TeamOptions { theme: Theme::MONO, server: "127.0.0.1:7878".into(), bell: false })
}

fn screen(c: &TeamConsole, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
    t.draw(|f| team_ui::render(c, f)).expect("draws");
    t.backend().to_string()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press)
}

fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new_with_kind(KeyCode::Char(c), KeyModifiers::CONTROL, KeyEventKind::Press)
}

fn press(c: &mut TeamConsole, keys: &[KeyEvent]) {
    for k in keys {
        c.update(*k);
    }
}

fn type_text(c: &mut TeamConsole, text: &str) {
    for x in text.chars() {
        c.update(ch(x));
    }
}

/// The server's message arrives.
fn server(c: &mut TeamConsole, msg: ServerMsg) {
    c.update(TeamEvent::Server(msg));
}

/// A new view arrives.
fn new_view(c: &mut TeamConsole, v: TeamView) {
    c.update(TeamEvent::View(Box::new(v)));
}

/// The commands the team gave since the last call, with the console's numbers.
fn commands(c: &mut TeamConsole) -> Vec<(u64, Command)> {
    c.take_requests()
        .into_iter()
        .map(|r| match r {
            ClientMsg::Command { id, command } => (id, command),
            other => panic!("not a command: {other:?}"),
        })
        .collect()
}

/// In the open palette: for each (field, filter), moves to the field and takes the first
/// choice the typed filter leaves.
fn choose(c: &mut TeamConsole, picks: &[(&str, &str)]) {
    for (label, filter) in picks {
        let Some(TeamOverlay::Palette(f)) = c.overlay() else { panic!("the palette is open") };
        let at = f.fields.iter().position(|x| x.label == *label).expect("the field");
        let tabs = at.saturating_sub(f.focus);
        for _ in 0..tabs {
            press(c, &[key(KeyCode::Tab)]);
        }
        type_text(c, filter);
        press(c, &[key(KeyCode::Enter)]);
    }
}

/// Gives a command from the palette: opens it, makes the picks, sends, closes. Returns the
/// command and the console's number for it.
fn give(c: &mut TeamConsole, picks: &[(&str, &str)]) -> (u64, Command) {
    press(c, &[ch('c')]);
    choose(c, picks);
    press(c, &[ctrl('s'), key(KeyCode::Esc)]);
    let mut out = commands(c);
    assert_eq!(out.len(), 1, "one command sent: {out:?}");
    out.remove(0)
}

/// Module 1 under way for Pennsylvania: the first injects have fired, CISA has handed the
/// state election office an indicator, and the team has given one command that applied and
/// one the engine rejected when it applied.
fn mid_module() -> (Sim, TeamConsole) {
    let mut sim = sim();
    sim.submit(
        Issuer::Facilitator,
        Command::AdHocInject {
            title: "CISA shares a scanning indicator with Pennsylvania".into(),
            description: "CISA passes the scanning addresses to the Pennsylvania election office.".into(),
            teams: vec!["pa".into()],
            effects: vec![Effect::Notify {
                campaign: "web_scan".into(),
                from: ActorSel::Dhs,
                to: vec![ActorSel::StateOffice("PA".into())],
            }],
        },
    );
    steps(&mut sim, 250);
    let mut c = console(view(&sim, "pa"));
    // Share the indicator with the EI-ISAC, from the palette.
    press(&mut c, &[ch('c')]);
    let id = send_share_indicator(&mut c);
    let seq = sim.submit(
        Issuer::Team("pa".into()),
        Command::ShareIndicator {
            actor: "PA".into(),
            indicator: first_indicator(&c),
            channel: ttx_engine::Channel::StateToIsac,
        },
    );
    server(&mut c, ServerMsg::Ack { id, seq, tick: sim.now().0, time: sim.time().to_string() });
    press(&mut c, &[key(KeyCode::Esc)]);
    steps(&mut sim, 1);
    new_view(&mut c, view(&sim, "pa"));
    // Extending polling hours is the team's to decide, but only on Election Day: the server
    // records it, and the engine rejects it when it applies.
    let (id, extend) = give(&mut c, &[("Command", "extend"), ("Jurisdiction", "harbor")]);
    assert_eq!(extend, Command::ExtendHours { actor: "PA".into(), jurisdiction: "harbor".into(), hours: 2 });
    let seq = sim.submit(Issuer::Team("pa".into()), extend);
    server(&mut c, ServerMsg::Ack { id, seq, tick: sim.now().0, time: sim.time().to_string() });
    steps(&mut sim, 1);
    new_view(&mut c, view(&sim, "pa"));
    (sim, c)
}

fn first_indicator(c: &TeamConsole) -> u32 {
    c.view().indicators.first().expect("Pennsylvania holds an indicator").number
}

/// In the open palette: chooses share_indicator and the state-to-EI-ISAC channel, sends.
fn send_share_indicator(c: &mut TeamConsole) -> u64 {
    let Some(TeamOverlay::Palette(f)) = c.overlay() else { panic!("the palette is open") };
    let cmd = f.fields.iter().position(|x| x.label == "Command").expect("a command field");
    // Tab to the command field, then pick "share indicator" by typing.
    let at = f.focus;
    for _ in at..cmd {
        press(c, &[key(KeyCode::Tab)]);
    }
    type_text(c, "share");
    press(c, &[key(KeyCode::Enter)]);
    let Some(TeamOverlay::Palette(f)) = c.overlay() else { panic!("the palette is open") };
    let channel = f.fields.iter().position(|x| x.label == "Channel").expect("a channel field");
    for _ in f.focus..channel {
        press(c, &[key(KeyCode::Tab)]);
    }
    type_text(c, "EI-ISAC");
    press(c, &[key(KeyCode::Enter), ctrl('s')]);
    let out = commands(c);
    assert_eq!(out.len(), 1, "one command to send");
    out[0].0
}

#[test]
fn team_screen_snapshots() {
    let (_, c) = mid_module();
    insta::assert_snapshot!("team_mid_module_80x24", screen(&c, 80, 24));
    insta::assert_snapshot!("team_mid_module_160x48", screen(&c, 160, 48));
}

#[test]
fn team_screen_at_the_start() {
    let sim = sim();
    let c = console(view(&sim, "pa"));
    insta::assert_snapshot!("team_start_80x24", screen(&c, 80, 24));
    insta::assert_snapshot!("team_start_160x48", screen(&c, 160, 48));
}

#[test]
fn palette_message_help_and_quit_screens() {
    let (_, mut c) = mid_module();
    press(&mut c, &[ch('c')]);
    insta::assert_snapshot!("team_palette_80x24", screen(&c, 80, 24));
    press(&mut c, &[key(KeyCode::Esc), ch('2'), key(KeyCode::Enter)]);
    insta::assert_snapshot!("team_message_80x24", screen(&c, 80, 24));
    press(&mut c, &[key(KeyCode::Esc), ch('?')]);
    insta::assert_snapshot!("team_help_80x24", screen(&c, 80, 24));
    press(&mut c, &[key(KeyCode::Esc), ch('q')]);
    insta::assert_snapshot!("team_quit_80x24", screen(&c, 80, 24));
}

#[test]
fn reconnecting_and_refused_show_in_the_header_and_hint_bar() {
    let (_, mut c) = mid_module();
    c.update(TeamEvent::Connection(Connection::Reconnecting("the server closed the connection".into())));
    let s = screen(&c, 80, 24);
    assert!(s.contains("RECONNECTING"), "{s}");
    assert!(s.contains("Reconnecting with your code: the server closed the connection"), "{s}");
    c.update(TeamEvent::Connection(Connection::Refused("wrong code for team pa".into())));
    let s = screen(&c, 80, 24);
    assert!(s.contains("REFUSED") && s.contains("wrong code for team pa"), "{s}");
    c.update(TeamEvent::Connection(Connection::Connected));
    assert!(screen(&c, 80, 24).contains("connected"));
}

#[test]
fn below_the_minimum_size() {
    let c = console(view(&sim(), "pa"));
    let s = screen(&c, 60, 20);
    assert!(s.contains("at least 80x24") && s.contains("60x20"), "{s}");
}

#[test]
fn keys_give_a_command_into_the_outbox() {
    let sim = sim();
    let mut c = console(view(&sim, "pa"));
    assert!(c.take_requests().is_empty());
    // The palette opens on the team's first actor and its first command; Ctrl-S sends it.
    press(&mut c, &[ch('c'), ctrl('s')]);
    let out = commands(&mut c);
    assert_eq!(out, vec![(1, Command::Patch { actor: "PA".into(), asset: "PA/vr".into() })]);
    assert_eq!(c.requests()[0].state, RequestState::Sent);
    let Some(TeamOverlay::Palette(f)) = c.overlay() else { panic!("the palette stays open") };
    assert!(format!("{:?}", f.message).contains("Sent: PA: patch PA/vr"), "{:?}", f.message);
    // Isolate a county's office system: choose the actor and the command with the arrows.
    let Some(TeamOverlay::Palette(f)) = c.overlay() else { panic!() };
    assert_eq!(
        f.focused().map(|x| x.label),
        Some("Acting as"),
        "the team is fixed: the form starts on the actor"
    );
    press(&mut c, &[key(KeyCode::Right)]);
    press(&mut c, &[key(KeyCode::Down)]);
    type_text(&mut c, "isolate");
    press(&mut c, &[key(KeyCode::Enter), key(KeyCode::Down)]);
    type_text(&mut c, "office");
    press(&mut c, &[key(KeyCode::Enter)]);
    // Enter on Submit sends.
    press(&mut c, &[key(KeyCode::Down), key(KeyCode::Enter)]);
    let out = commands(&mut c);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].0, 2);
    let Command::Isolate { actor, asset } = &out[0].1 else { panic!("{out:?}") };
    assert!(asset.starts_with(&format!("{actor}/")) && asset.ends_with("office"), "{out:?}");
    assert_ne!(actor, "PA");
}

#[test]
fn an_accepted_command_then_shows_how_it_applied() {
    let mut sim = sim();
    let mut c = console(view(&sim, "pa"));
    let (id, cmd) = give(&mut c, &[]);
    let seq = sim.submit(Issuer::Team("pa".into()), cmd);
    server(&mut c, ServerMsg::Ack { id, seq, tick: 0, time: "E-60d 08:00".into() });
    assert_eq!(
        c.status().map(|s| s.text.as_str()),
        Some("Accepted: PA: patch PA/vr. It applies at E-60d 08:00.")
    );
    sim.step();
    new_view(&mut c, view(&sim, "pa"));
    assert_eq!(c.status().map(|s| s.text.as_str()), Some("Applied at E-60d 08:00: PA: patch PA/vr."));
    let s = screen(&c, 80, 24);
    assert!(s.contains("applied at E-60d 08:00"), "{s}");
}

#[test]
fn a_refused_command_shows_its_reason() {
    let mut c = console(view(&sim(), "pa"));
    // The team sends a patch as the server runs the last hour: the engine refuses it.
    let (id, _) = give(&mut c, &[]);
    let why = ttx_engine::command::Rejection::Ended;
    server(&mut c, ServerMsg::Refused { id, message: why.to_string(), rejection: Some(why.clone()) });
    assert_eq!(c.requests()[0].state, RequestState::Refused(why.to_string()));
    let status = c.status().expect("a status message");
    assert_eq!(status.text, "Refused: PA: patch PA/vr: the exercise has ended.");
    let s = screen(&c, 80, 24);
    assert!(s.contains("refused: the exercise has ended"), "the team panel says why:\n{s}");
    // An answer for a command this console never sent changes nothing.
    server(&mut c, ServerMsg::Refused { id: 99, message: "no".into(), rejection: None });
    assert_eq!(c.requests().len(), 1);
}

#[test]
fn the_form_says_what_is_missing_instead_of_sending() {
    let sim = sim();
    let mut c = console(view(&sim, "pa"));
    press(&mut c, &[ch('c'), key(KeyCode::Down)]);
    type_text(&mut c, "share");
    press(&mut c, &[key(KeyCode::Enter), ctrl('s')]);
    assert!(c.take_requests().is_empty(), "no indicator held yet: nothing is sent");
    let Some(TeamOverlay::Palette(f)) = c.overlay() else { panic!() };
    assert_eq!(
        f.message,
        Some(ttx_tui::form::FormMessage::Error("Not sent: this actor holds no indicator yet.".into()))
    );
}

#[test]
fn the_white_cell_makes_an_inject_from_a_template_and_waits_for_approval() {
    let sim = sim();
    let mut c = console(view(&sim, "white"));
    press(&mut c, &[ch('x')]);
    let Some(TeamOverlay::Palette(f)) = c.overlay() else { panic!("x opens the palette") };
    assert_eq!(f.focused().map(|x| x.label), Some("Template"));
    insta::assert_snapshot!("team_white_cell_template_80x24", screen(&c, 80, 24));
    // Choose the "media inquiry" template, narrow it to Georgia, send.
    press(&mut c, &[key(KeyCode::Enter)]);
    type_text(&mut c, "media");
    press(&mut c, &[key(KeyCode::Enter), key(KeyCode::Tab)]);
    type_text(&mut c, "georgia");
    press(&mut c, &[key(KeyCode::Enter), ctrl('s')]);
    let out = commands(&mut c);
    assert_eq!(
        out,
        vec![(
            1,
            Command::InjectFromTemplate {
                template: "media_inquiry".into(),
                state: Some("GA".into()),
                jurisdiction: None
            }
        )]
    );
    // With --approve-injects the server holds it, and the facilitator decides later.
    server(&mut c, ServerMsg::Held { id: 1, pending: 4 });
    assert_eq!(c.requests()[0].state, RequestState::Held(4));
    let Some(TeamOverlay::Palette(f)) = c.overlay() else { panic!() };
    assert!(format!("{:?}", f.message).contains("Held for the facilitator's approval (#4)"));
    server(
        &mut c,
        ServerMsg::Decision {
            pending: 4,
            approved: false,
            seq: None,
            reason: Some("not in this module".into()),
        },
    );
    assert_eq!(c.requests()[0].state, RequestState::Denied(Some("not in this module".into())));
    assert!(c.status().unwrap().text.contains("denied #4"), "{:?}", c.status());
    // A player team has no templates.
    let mut pa = console(view(&sim, "pa"));
    press(&mut pa, &[ch('x')]);
    assert!(pa.overlay().is_none());
    assert!(pa.status().unwrap().text.starts_with("Only the red and white cells"));
}

#[test]
fn commands_without_an_answer_are_reported_unconfirmed() {
    let sim = sim();
    let mut c = console(view(&sim, "pa"));
    let (a, _) = give(&mut c, &[]);
    let (b, _) = give(&mut c, &[]);
    server(&mut c, ServerMsg::Ack { id: a, seq: 3, tick: 0, time: "E-60d 08:00".into() });
    c.update(TeamEvent::Connection(Connection::Reconnecting("the server closed the connection".into())));
    c.update(TeamEvent::Unconfirmed(vec![b]));
    assert_eq!(c.requests()[1].state, RequestState::Unconfirmed);
    assert!(c.status().unwrap().text.starts_with("1 command had no answer"), "{:?}", c.status());
}

#[test]
fn new_messages_are_announced_and_can_be_read_in_full() {
    let mut sim = sim();
    let mut c = console(view(&sim, "pa"));
    steps(&mut sim, 242);
    new_view(&mut c, view(&sim, "pa"));
    let text = &c.status().expect("a status").text;
    assert!(text.contains("County clerks report emails"), "{text}");
    press(&mut c, &[ch('2'), key(KeyCode::Enter)]);
    assert_eq!(c.overlay(), Some(&TeamOverlay::Message { index: 0 }));
    let s = screen(&c, 80, 24);
    assert!(s.contains("Message 1 of"), "{s}");
    press(&mut c, &[key(KeyCode::Esc)]);
    assert_eq!(c.overlay(), None);
}

#[test]
fn panels_take_focus_and_scroll_within_bounds() {
    let (_, mut c) = mid_module();
    press(&mut c, &[key(KeyCode::Tab)]);
    assert_eq!(c.focus(), TeamPanel::Log);
    press(&mut c, &[ch('4')]);
    assert_eq!(c.focus(), TeamPanel::Actors);
    for _ in 0..500 {
        c.update(TeamAction::Common(Common::Down));
    }
    assert_eq!(c.panel_scroll(), c.panel_entries().len() - 1);
    press(&mut c, &[key(KeyCode::Home)]);
    assert_eq!(c.panel_scroll(), 0);
    // On a screen, scrolling stops where the last entries fill the panel.
    c.update(TeamEvent::Resize(ratatui::layout::Rect::new(0, 0, 80, 24)));
    for _ in 0..500 {
        c.update(TeamAction::Common(Common::Down));
    }
    let max = c.panel_scroll();
    assert!(max > 0 && max < c.panel_entries().len() - 1, "{max}");
    let s = screen(&c, 80, 24);
    let last_row = s.lines().nth(10).expect("the panel's last row");
    let last_asset = c.view().actors.last().and_then(|a| a.assets.last()).expect("an asset");
    let short = last_asset.id.rsplit('/').next().unwrap();
    assert!(last_row.contains(short), "the last asset ends the panel:\n{s}");
    c.update(TeamAction::Common(Common::Up));
    assert_eq!(c.panel_scroll(), max - 1);
    press(&mut c, &[ch('1'), key(KeyCode::Right)]);
    assert_eq!(c.focus(), TeamPanel::Map);
}

#[test]
fn quit_asks_first_and_ctrl_c_leaves_at_once() {
    let mut c = console(view(&sim(), "pa"));
    press(&mut c, &[ch('q')]);
    assert!(!c.should_quit());
    press(&mut c, &[ch('n')]);
    assert!(c.overlay().is_none() && !c.should_quit());
    press(&mut c, &[ch('q'), ch('y')]);
    assert!(c.should_quit());
    let mut c = console(view(&sim(), "pa"));
    press(&mut c, &[ch('c'), ctrl('c')]);
    assert!(c.should_quit());
}

#[test]
fn the_servers_directory_fills_the_forms_that_name_what_a_team_does_not_own() {
    use ttx_tui::team::team_catalog;
    let s = sim();
    let catalog = |team: &str| team_catalog(&view(&s, team), &s.directory(team).expect("a directory"));
    // DHS/CISA can send an on-site team to any asset; the FBI notifies victims; ODNI and
    // policy name adversaries; the red cell launches its own campaigns.
    let cisa = catalog("cisa");
    assert!(cisa.assets.iter().any(|a| a.value == "harbor/office"), "{:?}", cisa.assets.len());
    assert!(catalog("fbi").victims.iter().any(|v| v.value == "harbor"));
    assert!(!catalog("policy").adversaries.is_empty());
    let red = catalog("red");
    assert!(!red.campaigns.is_empty());
    let adversary_actors: Vec<String> = view(&s, "red").actors.iter().map(|a| a.id.clone()).collect();
    assert!(red.campaigns.iter().all(|c| adversary_actors.contains(&c.actor)));
    // A county team's directory names nothing beyond its own actors.
    let pa = s.directory("pa").expect("a directory");
    assert!(
        pa.assets.is_empty() && pa.victims.is_empty() && pa.adversaries.is_empty() && pa.campaigns.is_empty()
    );

    // Through the keys: the FBI's notify-victim form lists the victims.
    let mut c = console(view(&s, "fbi"));
    c.update(TeamEvent::Directory(std::sync::Arc::new(s.directory("fbi").unwrap())));
    press(&mut c, &[ch('c')]);
    let Some(ttx_tui::team::TeamOverlay::Palette(form)) = c.overlay() else { panic!("no palette") };
    let mut form = form.as_ref().clone();
    assert!(form.set(ttx_tui::form::FieldKey::Command, "notify_victim"), "{:?}", form.fields);
    let victims = form
        .fields
        .iter()
        .find(|f| f.key == ttx_tui::form::FieldKey::Arg(ttx_engine::command::Arg::Victim))
        .expect("a victim field");
    assert!(victims.choices.iter().any(|v| v.value == "harbor"), "{:?}", victims.choices);
}

/// What the server sends with a full view: its record of the team's commands and the lowest
/// confidence so far.
fn restore(history: Vec<TeamCommand>, confidence_low: Option<f64>) -> TeamEvent {
    TeamEvent::Restore { history, confidence_low, messages: Vec::new() }
}

#[test]
fn the_servers_record_of_commands_comes_back_on_joining_again() {
    let sim = sim();
    let v = view(&sim, "pa");
    let time = v.time;
    // A console that was running: one command unanswered when the connection broke, one refused.
    let mut c = console(v.clone());
    let (lost, patch) = give(&mut c, &[]);
    c.update(TeamEvent::Unconfirmed(vec![lost]));
    let (refused, mfa) = give(&mut c, &[("Command", "mfa")]);
    assert!(matches!(mfa, Command::EnforceMfa { .. }), "{mfa:?}");
    server(&mut c, ServerMsg::Refused { id: refused, message: "no".into(), rejection: None });
    let low = c.confidence_low();
    c.update(restore(
        vec![TeamCommand {
            command: patch.clone(),
            at: time,
            state: TeamCommandState::Accepted { seq: 7, time: "E-60d 08:00".into() },
        }],
        Some(low - 10.0),
    ));
    let states: Vec<&RequestState> = c.requests().iter().map(|r| &r.state).collect();
    assert_eq!(
        states,
        [
            &RequestState::Accepted { seq: 7, time: Some("E-60d 08:00".into()) },
            &RequestState::Refused("no".into())
        ],
        "the unanswered one is the server's accepted one; the refused one stays"
    );
    assert_eq!(c.confidence_low(), low - 10.0, "the server's low");
    // A console started afresh gets the whole record.
    let mut fresh = console(v);
    fresh.update(restore(
        vec![TeamCommand { command: mfa, at: time, state: TeamCommandState::Held { pending: 3 } }],
        None,
    ));
    assert_eq!(fresh.requests().len(), 1);
    assert_eq!(fresh.requests()[0].state, RequestState::Held(3));
    server(&mut fresh, ServerMsg::Decision { pending: 3, approved: false, seq: None, reason: None });
    assert_eq!(fresh.requests()[0].state, RequestState::Denied(None));
}

#[test]
fn an_ended_session_shows_its_final_figures_and_any_key_leaves() {
    let sim = sim();
    let mut c = console(view(&sim, "pa"));
    server(
        &mut c,
        ServerMsg::Ended {
            message: "the facilitator ended the session".into(),
            time: "E+1d 00:00".into(),
            metrics: vec![("public confidence".into(), "59.0".into())],
        },
    );
    assert!(matches!(c.connection(), Connection::Ended { .. }));
    let s = screen(&c, 120, 30);
    assert!(s.contains("ENDED"), "{s}");
    assert!(s.contains("Final: public confidence 59.0"), "{s}");
    assert!(!c.should_quit());
    press(&mut c, &[ch('x')]);
    assert!(c.should_quit(), "any key leaves");
}

#[test]
fn the_palette_offers_only_the_channels_the_actor_may_use() {
    let sim = sim();
    let v = view(&sim, "pa");
    let outsider = v
        .actors
        .iter()
        .find(|a| a.kind == ttx_engine::model::registry::ActorKind::Local && !a.isac_member)
        .expect("a county outside the EI-ISAC");
    let member = v
        .actors
        .iter()
        .find(|a| a.kind == ttx_engine::model::registry::ActorKind::Local && a.isac_member)
        .expect("a member county");
    use ttx_engine::scenario::schema::Channel;
    let of = |cat: &ttx_tui::form::Catalog, id: &str| {
        cat.actors.iter().find(|a| a.id == id).map(|a| a.channels.clone()).unwrap_or_default()
    };
    // From the view alone (membership), and from the server's directory (the engine's check).
    let cat = ttx_tui::team::team_catalog(&v, &Default::default());
    assert_eq!(of(&cat, &outsider.id), [Channel::LocalToState, Channel::ReportToFbi]);
    assert!(of(&cat, &member.id).contains(&Channel::MemberToIsac));
    let directory = sim.directory("pa").expect("pa's directory");
    let cat = ttx_tui::team::team_catalog(&v, &directory);
    assert_eq!(of(&cat, &outsider.id), [Channel::LocalToState, Channel::ReportToFbi]);
    assert!(of(&cat, &member.id).contains(&Channel::MemberToIsac));
}

#[test]
fn a_message_is_edited_where_the_cursor_is_and_sent_to_the_chosen_team() {
    let sim = sim();
    let mut c = console(view(&sim, "pa"));
    c.update(TeamEvent::Directory(std::sync::Arc::new(sim.directory("pa").expect("a directory"))));
    press(&mut c, &[ch('m')]);
    type_text(&mut c, "Call vendor");
    for _ in 0.."vendor".len() {
        press(&mut c, &[key(KeyCode::Left)]);
    }
    type_text(&mut c, "the ");
    let s = screen(&c, 80, 24);
    assert!(s.contains("Call the _vendor"), "{s}");
    // Shift-Tab from the text to the channel, again to the addressee: Right picks the first
    // other team after control.
    press(&mut c, &[key(KeyCode::BackTab), key(KeyCode::BackTab), key(KeyCode::Right), key(KeyCode::Enter)]);
    let out = c.take_requests();
    let [ClientMsg::Message { id: 1, to, channel: _, text, signed: None }] = out.as_slice() else {
        panic!("one message: {out:?}")
    };
    assert_eq!(text, "Call the vendor");
    assert_eq!(Some(to), c.addressees().get(1).map(|(p, _)| p));
    assert_ne!(to, &ttx_engine::talk::Party::Control);
    // The server's answer says it was sent; a refusal would say why.
    server(&mut c, ServerMsg::Delivered { id: 1, number: 4 });
    assert_eq!(c.status().map(|s| s.text.as_str()), Some("Message sent."));
}
