//! The team console's actions and key bindings.
//!
//! Like the facilitator's ([`crate::keys`]), a key press becomes a
//! [`TeamAction`] through a binding table ([`TEAM_BINDINGS`]) that is plain
//! data, and the help screen and the hint bar are drawn from the same table.

use std::time::Duration;

use ratatui::crossterm::event::KeyEvent;

use crate::keys::named::*;
use crate::keys::{Binding, Bindings, Common, Group, Key, Shared, b, console_keys, lookup_in};

/// The panels of the team console's main screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamPanel {
    /// The US map, as the team's actors know it.
    Map,
    /// The team's inbox.
    Inbox,
    /// The events the team can see.
    Log,
    /// The team's actors, their assets, indicators and commands.
    Actors,
}

impl TeamPanel {
    /// The panels in focus order.
    pub const ORDER: [TeamPanel; 4] = [TeamPanel::Map, TeamPanel::Inbox, TeamPanel::Log, TeamPanel::Actors];

    /// The context of a focused panel.
    pub fn context(self) -> TeamContext {
        match self {
            TeamPanel::Map => TeamContext::Map,
            TeamPanel::Inbox => TeamContext::Inbox,
            TeamPanel::Log => TeamContext::Log,
            TeamPanel::Actors => TeamContext::Actors,
        }
    }
}

/// Everything a team can ask of its console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamAction {
    /// Real time passed (only status messages age with it).
    Tick(Duration),
    /// What both consoles do alike: move, choose, close, answer.
    Common(Common),
    /// Open the command palette.
    Palette,
    /// Open the command palette on an inject from a template (red and white cells).
    TemplateInject,
    /// Focus the next panel.
    FocusNext,
    /// Focus the previous panel.
    FocusPrev,
    /// Focus a panel.
    Focus(TeamPanel),
    /// Type a character.
    Input(char),
    /// Show the keys.
    Help,
    /// Ask to leave.
    Quit,
    /// Leave at once (Ctrl-C).
    ForceQuit,
    /// Enter a hot-wash item.
    HotWash,
    /// Fill in the Participant Feedback Form.
    FeedbackForm,
    /// Take back the team's latest command that waits to apply.
    CancelLatest,
    /// The messages window: write to control or another team, read what came.
    Talk,
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamContext {
    /// Anywhere on the main screen.
    Main,
    /// The map has focus.
    Map,
    /// The inbox has focus.
    Inbox,
    /// The log has focus.
    Log,
    /// The actors panel has focus.
    Actors,
    /// A message opened from the inbox.
    Message,
    /// The command palette.
    Palette,
    /// A choice list open in the palette.
    Picker,
    /// A yes/no question.
    Confirm,
    /// The help screen.
    Help,
    /// Everywhere.
    Always,
    /// A hot-wash item or the feedback form.
    Debrief,
    /// The messages window (typing goes to the message).
    Talk,
}

impl TeamContext {
    /// Heading on the help screen and in docs/team-console.md.
    pub fn title(self) -> &'static str {
        match self {
            TeamContext::Main => "Main screen",
            TeamContext::Map => "Map (1)",
            TeamContext::Inbox => "Inbox (2)",
            TeamContext::Log => "Log (3)",
            TeamContext::Actors => "Your actors (4)",
            TeamContext::Message => "A message",
            TeamContext::Palette => "Command palette",
            TeamContext::Picker => "Choice list in the palette",
            TeamContext::Confirm => "Questions",
            TeamContext::Help => "Help",
            TeamContext::Always => "Everywhere",
            TeamContext::Debrief => "Hot wash and feedback form",
            TeamContext::Talk => "Messages to control and other teams",
        }
    }

    /// Whether printable keys type text here.
    pub fn takes_text(self) -> bool {
        matches!(self, TeamContext::Palette | TeamContext::Picker | TeamContext::Debrief | TeamContext::Talk)
    }

    /// The order of the help screen.
    pub const HELP_ORDER: [TeamContext; 13] = [
        TeamContext::Main,
        TeamContext::Map,
        TeamContext::Inbox,
        TeamContext::Log,
        TeamContext::Actors,
        TeamContext::Message,
        TeamContext::Talk,
        TeamContext::Palette,
        TeamContext::Picker,
        TeamContext::Debrief,
        TeamContext::Confirm,
        TeamContext::Help,
        TeamContext::Always,
    ];
}

/// One binding of the team console.
pub type TeamBinding = Binding<TeamContext, TeamAction>;

console_keys!(TeamContext, TeamAction);

use Common as K;
use TeamAction as A;
use TeamContext as C;

/// Every key binding of the team console: its own and the groups both consoles share.
pub static TEAM_BINDINGS: Bindings<TeamContext, TeamAction> = Bindings(&[
    Group::Own(TEAM),
    Group::Common(&Shared::<TeamContext>::LOG),
    Group::Common(&Shared::<TeamContext>::HELP),
    Group::Common(&Shared::<TeamContext>::PALETTE),
    Group::Common(&Shared::<TeamContext>::PICKER),
    Group::Common(&Shared::<TeamContext>::CONFIRM),
]);

/// The team console's own bindings.
static TEAM: &[TeamBinding] = &[
    b(C::Always, &[Key::ctrl('c')], A::ForceQuit, "leave at once (the exercise goes on)", None),
    // Main screen.
    b(
        C::Main,
        &[Key::ch('c'), Key::ch(':')],
        A::Palette,
        "give a command: the command palette",
        Some("command"),
    ),
    b(
        C::Main,
        &[Key::ch('x')],
        A::TemplateInject,
        "make an inject from a template (red and white cells)",
        None,
    ),
    b(C::Main, &[TAB], A::FocusNext, "focus the next panel", Some("next panel")),
    b(
        C::Main,
        &[Key::ch('h')],
        A::HotWash,
        "hot wash: enter a strength or an area for improvement",
        Some("hot wash"),
    ),
    b(C::Main, &[Key::ch('F')], A::FeedbackForm, "fill in the Participant Feedback Form", Some("feedback")),
    b(
        C::Main,
        &[Key::ch('u')],
        A::CancelLatest,
        "take back your latest command that has not applied yet",
        None,
    ),
    b(C::Main, &[BACKTAB], A::FocusPrev, "focus the previous panel", None),
    b(C::Main, &[Key::ch('1')], A::Focus(TeamPanel::Map), "focus the map", None),
    b(C::Main, &[Key::ch('2')], A::Focus(TeamPanel::Inbox), "focus the inbox", None),
    b(C::Main, &[Key::ch('3')], A::Focus(TeamPanel::Log), "focus the log", None),
    b(
        C::Main,
        &[Key::ch('4')],
        A::Focus(TeamPanel::Actors),
        "focus your actors, indicators and commands",
        None,
    ),
    b(
        C::Main,
        &[Key::ch('m')],
        A::Talk,
        "messages: write to exercise control or another team (phone, email, EI-ISAC portal...), read what came",
        Some("messages"),
    ),
    b(C::Main, &[Key::ch('?')], A::Help, "show this help", Some("help")),
    b(C::Main, &[Key::ch('q')], A::Quit, "leave the console (asks first)", Some("quit")),
    // Panels.
    b(C::Map, &[UP, DOWN, LEFT, RIGHT], A::Common(K::Up), "select a state (arrow keys)", None),
    b(C::Inbox, &[UP, DOWN, PGUP, PGDN], A::Common(K::Up), "select a message", None),
    b(C::Inbox, &[ENTER], A::Common(K::Select), "read the selected message in full", Some("read")),
    b(C::Inbox, &[HOME], A::Common(K::Home), "back to the newest message", None),
    b(C::Actors, &[UP, DOWN, PGUP, PGDN], A::Common(K::Up), "scroll", None),
    b(C::Actors, &[HOME], A::Common(K::Home), "back to the top", None),
    // Windows.
    b(C::Message, &[ESC, ENTER, Key::ch('q')], A::Common(K::Close), "close the message", Some("close")),
    b(
        C::Talk,
        &[TAB],
        A::Common(K::NextField),
        "next field: to whom, by which channel, the text",
        Some("field"),
    ),
    b(C::Talk, &[BACKTAB], A::Common(K::PrevField), "previous field", None),
    b(
        C::Talk,
        &[LEFT, RIGHT],
        A::Common(K::Left),
        "change the field: the addressee, the channel; in the text, move the cursor (typing goes to the text)",
        Some("change"),
    ),
    b(C::Talk, &[UP, DOWN], A::Common(K::Up), "scroll the messages", None),
    b(C::Talk, &[ENTER], A::Common(K::Submit), "send the message", Some("send")),
    b(C::Talk, &[BACKSPACE], A::Common(K::Backspace), "delete the character before the cursor", None),
    b(C::Talk, &[ESC], A::Common(K::Close), "close (what is typed stays for next time)", Some("close")),
    b(C::Message, &[UP, DOWN], A::Common(K::Up), "the newer or older message", Some("next")),
    b(C::Debrief, &[TAB, DOWN], A::Common(K::NextField), "next field", Some("next field")),
    b(C::Debrief, &[BACKTAB, UP], A::Common(K::PrevField), "previous field", None),
    b(C::Debrief, &[LEFT, RIGHT], A::Common(K::Left), "change the rating or the kind", Some("change")),
    b(C::Debrief, &[ENTER, Key::ctrl('s')], A::Common(K::Submit), "send it", Some("send")),
    b(C::Debrief, &[BACKSPACE], A::Common(K::Backspace), "delete a character (clear a rating)", None),
    b(C::Debrief, &[ESC], A::Common(K::Close), "close without sending", Some("close")),
];

/// The action for a key in the active contexts (most specific first), if any.
///
/// Arrow and page keys bound together resolve to the action of the key itself; in
/// contexts that take text, printable keys type.
pub fn team_lookup(contexts: &[TeamContext], event: &KeyEvent) -> Option<TeamAction> {
    lookup_in(TEAM_BINDINGS, contexts, event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new_with_kind(code, mods, KeyEventKind::Press)
    }

    #[test]
    fn keys_resolve_by_context() {
        let main = [TeamContext::Inbox, TeamContext::Main];
        assert_eq!(
            team_lookup(&main, &ev(KeyCode::Char('c'), KeyModifiers::NONE)),
            Some(TeamAction::Palette)
        );
        assert_eq!(
            team_lookup(&main, &ev(KeyCode::PageDown, KeyModifiers::NONE)),
            Some(TeamAction::Common(Common::PageDown))
        );
        assert_eq!(
            team_lookup(&main, &ev(KeyCode::Enter, KeyModifiers::NONE)),
            Some(TeamAction::Common(Common::Select))
        );
        assert_eq!(team_lookup(&main, &ev(KeyCode::Char('v'), KeyModifiers::NONE)), None);
        assert_eq!(
            team_lookup(&[TeamContext::Palette], &ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(TeamAction::Input('q'))
        );
        assert_eq!(
            team_lookup(&[TeamContext::Palette], &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(TeamAction::ForceQuit)
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        crate::keys::tests::check_no_key_twice(TEAM_BINDINGS);
    }

    #[test]
    fn text_contexts_bind_no_printable_key_but_space_in_lists() {
        crate::keys::tests::check_text_contexts(TEAM_BINDINGS);
    }

    #[test]
    fn every_context_is_on_the_help_screen() {
        for bnd in TEAM_BINDINGS {
            assert!(TeamContext::HELP_ORDER.contains(&bnd.context));
        }
    }
}
