//! Actions and key bindings.
//!
//! A key press becomes an [`Action`] through the binding table
//! ([`BINDINGS`]), which is plain data: the help screen and the hint bar are
//! drawn from the same table, so they cannot drift from what the keys do.
//! What keys are and how a table is read ([`Key`], [`Binding`], [`lookup_in`])
//! serve both consoles, and [`shared`] holds the bindings and key handling the
//! facilitator's table and the team console's ([`crate::team_keys`]) share.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub mod shared;
pub use shared::{Bindings, Common, Group, Shared, SharedContext};

/// Everything the facilitator can ask of the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Real time passed (the console's only source of wall-clock time).
    Tick(Duration),
    /// What both consoles do alike: move, choose, close, answer.
    Common(Common),
    /// Start or pause the scenario clock.
    ToggleRun,
    /// Simulate one hour.
    StepHour,
    /// Run faster.
    Faster,
    /// Run slower.
    Slower,
    /// Run until the next scripted inject has fired.
    JumpInject,
    /// Run to the start of the next module (or the end).
    JumpModule,
    /// Pause automatically when a scripted inject fires while running (on/off).
    ToggleAutoPause,
    /// Stop the clock while a player-made inject waits for approval (on/off; `ttx serve`).
    TogglePauseForApproval,
    /// Focus the next panel.
    FocusNext,
    /// Focus the previous panel.
    FocusPrev,
    /// Focus the map.
    FocusMap,
    /// Focus the inject queue.
    FocusInjects,
    /// Focus the event log.
    FocusLog,
    /// Show log lines for the next team (all, then each team).
    FilterTeam,
    /// Fire the selected inject now.
    FireInject,
    /// Hold the selected inject, or release it if held.
    HoldInject,
    /// Skip the selected inject (asks first).
    SkipInject,
    /// Preview the selected inject: what it would do, without doing it.
    PreviewInject,
    /// Show the keys.
    Help,
    /// Act for a team: the command palette.
    Palette,
    /// Fire an unscripted inject (the palette, on exercise control).
    AdHoc,
    /// Open the discussion of the current module.
    Discussion,
    /// Type a character.
    Input(char),
    /// Ask to quit.
    Quit,
    /// Quit at once (Ctrl-C), saving the journal.
    ForceQuit,
    /// Show the teams, their join codes and the consoles connected (`ttx serve`).
    Teams,
    /// Review player-made injects waiting for approval (`ttx serve --approve-injects`).
    Approvals,
    /// Approve the selected inject.
    Approve,
    /// Deny the selected inject.
    Deny,
    /// Run the what-if analysis of the session so far in the background (`ttx whatif`).
    Whatif,
    /// Take back a queued command before it applies (the selected inject's, or the last one).
    CancelQueued,
    /// Bookmark this moment for the after-action report (type a word or phrase).
    Bookmark,
    /// The messages between the teams and control (`ttx serve`).
    Messages,
    /// Answer the selected message.
    Answer,
    /// Write a new message to a team.
    NewMessage,
    /// The notes written so far, to edit or delete.
    Notes,
    /// Edit the selected note.
    EditNote,
    /// Delete the selected note (asks first).
    DeleteNote,
    /// Write a correction to the selected inject, one that has fired.
    Correct,
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Anywhere on the main screen.
    Main,
    /// The map panel has focus.
    Map,
    /// The inject queue has focus.
    Injects,
    /// The event log has focus.
    Log,
    /// The help screen.
    Help,
    /// An inject preview.
    Preview,
    /// A state's detail.
    Detail,
    /// The command palette.
    Palette,
    /// A choice list open in the palette.
    Picker,
    /// The discussion window.
    Discussion,
    /// A yes/no question.
    Confirm,
    /// The teams and their join codes (`ttx serve`).
    Teams,
    /// Injects waiting for approval (`ttx serve`).
    Approvals,
    /// The what-if results.
    Whatif,
    /// Typing why a held inject is denied (`ttx serve`).
    DenyReason,
    /// Typing a bookmark.
    Bookmark,
    /// The messages between the teams and control (`ttx serve`).
    Messages,
    /// Writing a message as control (`ttx serve`).
    Compose,
    /// The notes of the session.
    Notes,
    /// Editing a note.
    NoteEdit,
    /// Writing a correction to a fired inject.
    Correction,
    /// Everywhere.
    Always,
}

impl Context {
    /// Heading on the help screen.
    pub fn title(self) -> &'static str {
        match self {
            Context::Main => "Clock and screens",
            Context::Map => "Map (1)",
            Context::Injects => "Inject queue (2)",
            Context::Log => "Event log (3)",
            Context::Help => "Help",
            Context::Preview => "Inject preview",
            Context::Detail => "State detail",
            Context::Palette => "Act for a team (command palette)",
            Context::Picker => "Choice list in the palette",
            Context::Discussion => "Discussion",
            Context::Confirm => "Questions",
            Context::Teams => "Teams and join codes (ttx serve)",
            Context::Approvals => "Injects waiting for approval (ttx serve)",
            Context::Whatif => "What the decisions changed (what-if results)",
            Context::DenyReason => "Why an inject is denied (ttx serve)",
            Context::Bookmark => "Bookmark",
            Context::Messages => "Messages",
            Context::Compose => "Writing a message",
            Context::Notes => "Notes",
            Context::NoteEdit => "Editing a note",
            Context::Correction => "Correcting a fired inject",
            Context::Always => "Everywhere",
        }
    }

    /// Whether printable keys type text here (bindings then use only other keys).
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Context::Palette
                | Context::Picker
                | Context::Discussion
                | Context::DenyReason
                | Context::Bookmark
                | Context::Compose
                | Context::NoteEdit
                | Context::Correction
        )
    }
}

/// A key with modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl, Alt (Shift is folded into characters).
    pub mods: KeyModifiers,
}

impl Key {
    /// A key without modifiers.
    pub const fn plain(code: KeyCode) -> Key {
        Key { code, mods: KeyModifiers::NONE }
    }

    /// A character key.
    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    /// Ctrl and a character.
    pub const fn ctrl(c: char) -> Key {
        Key { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
    }

    /// The key of an event, with Shift folded into characters and Shift-Tab.
    pub fn from_event(e: &KeyEvent) -> Key {
        let mut mods = e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(e.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        Key { code: e.code, mods }
    }

    /// How the key is written on the help screen.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                c.to_ascii_uppercase().to_string()
            }
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) { format!("Ctrl-{base}") } else { base }
    }
}

/// One binding: keys, where, what they do, and how the help screen describes them.
/// The facilitator console's table uses [`Context`] and [`Action`]; the team console has
/// its own contexts and actions in the same shape.
#[derive(Clone, Copy, Debug)]
pub struct Binding<C = Context, A = Action> {
    /// Where it applies.
    pub context: C,
    /// The keys (any of them).
    pub keys: &'static [Key],
    /// What they do.
    pub action: A,
    /// Words for the help screen.
    pub help: &'static str,
    /// A short label for the hint bar, for the keys worth showing there.
    pub hint: Option<&'static str>,
}

/// A binding (shorthand for the tables).
pub const fn b<C, A>(
    context: C,
    keys: &'static [Key],
    action: A,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding<C, A> {
    Binding { context, keys, action, help, hint }
}

/// Where a table's bindings apply.
pub trait KeyContext: Copy + PartialEq {
    /// The context that applies everywhere, looked at last.
    const ALWAYS: Self;
    /// Whether printable keys type text here (bindings then use only other keys).
    fn takes_text(self) -> bool;
}

/// What a table's bindings do: a console's actions, the [`Common`] ones among them.
pub trait KeyAction: Copy + PartialEq + From<Common> {
    /// Typing a character.
    fn input(c: char) -> Self;
    /// The character it types, if it types one.
    fn typed(self) -> Option<char>;
    /// The common action it is, if it is one.
    fn common(self) -> Option<Common>;
    /// The action bound to a group of arrow and page keys (up or left) is resolved to the
    /// key's own direction; other actions return `None`.
    fn direction(self, code: KeyCode) -> Option<Self> {
        match self.common() {
            Some(Common::Up | Common::Left) => Common::of_key(code).map(Self::from),
            _ => None,
        }
    }
}

/// What makes a console's contexts and actions a key table's ([`KeyContext`], [`KeyAction`],
/// [`SharedContext`]): both consoles name alike the variants these read (`Always`, `Input`,
/// `Common`, and the shared contexts `Palette`, `Picker`, `Confirm`, `Help`, `Log`).
macro_rules! console_keys {
    ($context:ident, $action:ident) => {
        impl $crate::keys::KeyContext for $context {
            const ALWAYS: Self = $context::Always;
            fn takes_text(self) -> bool {
                $context::takes_text(self)
            }
        }

        impl $crate::keys::SharedContext for $context {
            const PALETTE: Self = $context::Palette;
            const PICKER: Self = $context::Picker;
            const CONFIRM: Self = $context::Confirm;
            const HELP: Self = $context::Help;
            const LOG: Self = $context::Log;
        }

        impl $crate::keys::KeyAction for $action {
            fn input(c: char) -> Self {
                $action::Input(c)
            }
            fn typed(self) -> Option<char> {
                if let $action::Input(c) = self { Some(c) } else { None }
            }
            fn common(self) -> Option<$crate::keys::Common> {
                if let $action::Common(c) = self { Some(c) } else { None }
            }
        }

        impl From<$crate::keys::Common> for $action {
            fn from(c: $crate::keys::Common) -> Self {
                $action::Common(c)
            }
        }
    };
}
pub(crate) use console_keys;

console_keys!(Context, Action);

use Action as A;
use Common as K;
use Context as C;

use named::*;

/// Keys without modifiers, named for the binding tables of both consoles.
pub mod named {
    use super::Key;
    use ratatui::crossterm::event::KeyCode;

    /// Up arrow.
    pub const UP: Key = Key::plain(KeyCode::Up);
    /// Down arrow.
    pub const DOWN: Key = Key::plain(KeyCode::Down);
    /// Left arrow.
    pub const LEFT: Key = Key::plain(KeyCode::Left);
    /// Right arrow.
    pub const RIGHT: Key = Key::plain(KeyCode::Right);
    /// Enter.
    pub const ENTER: Key = Key::plain(KeyCode::Enter);
    /// Escape.
    pub const ESC: Key = Key::plain(KeyCode::Esc);
    /// Tab.
    pub const TAB: Key = Key::plain(KeyCode::Tab);
    /// Shift-Tab.
    pub const BACKTAB: Key = Key::plain(KeyCode::BackTab);
    /// Backspace.
    pub const BACKSPACE: Key = Key::plain(KeyCode::Backspace);
    /// Page up.
    pub const PGUP: Key = Key::plain(KeyCode::PageUp);
    /// Page down.
    pub const PGDN: Key = Key::plain(KeyCode::PageDown);
    /// Home.
    pub const HOME: Key = Key::plain(KeyCode::Home);
    /// End.
    pub const END: Key = Key::plain(KeyCode::End);
}

/// Every key binding of the facilitator console: its own and the groups both consoles share.
pub static BINDINGS: Bindings<Context, Action> = Bindings(&[
    Group::Own(FACILITATOR),
    Group::Common(&Shared::<Context>::LOG),
    Group::Common(&Shared::<Context>::HELP),
    Group::Common(&Shared::<Context>::PALETTE),
    Group::Common(&Shared::<Context>::PICKER),
    Group::Common(&Shared::<Context>::CONFIRM),
]);

/// The facilitator console's own bindings.
static FACILITATOR: &[Binding] = &[
    b(C::Always, &[Key::ctrl('c')], A::ForceQuit, "quit at once; the journal is saved", None),
    // Clock and screens.
    b(C::Main, &[Key::ch(' ')], A::ToggleRun, "start or pause the scenario clock", Some("run/pause")),
    b(C::Main, &[Key::ch('n')], A::StepHour, "step one simulated hour", Some("step 1h")),
    b(C::Main, &[Key::ch('+'), Key::ch('=')], A::Faster, "run faster", None),
    b(C::Main, &[Key::ch('-')], A::Slower, "run slower", None),
    b(
        C::Main,
        &[Key::ch('i')],
        A::JumpInject,
        "jump: run until the next scripted inject has fired",
        Some("next inject"),
    ),
    b(
        C::Main,
        &[Key::ch('m')],
        A::JumpModule,
        "jump: run to the next module break (or the end)",
        Some("next module"),
    ),
    b(
        C::Main,
        &[Key::ch('a')],
        A::ToggleAutoPause,
        "pause when a scripted inject fires while running (on/off)",
        None,
    ),
    b(
        C::Main,
        &[Key::ch('A')],
        A::TogglePauseForApproval,
        "ttx serve: stop the clock while a player-made inject waits for approval (on/off)",
        None,
    ),
    b(C::Main, &[Key::ch('c'), Key::ch(':')], A::Palette, "act for a team: the command palette", Some("act")),
    b(C::Main, &[Key::ch('x')], A::AdHoc, "fire an unscripted inject (ad hoc, or from a template)", None),
    b(
        C::Main,
        &[Key::ch('u')],
        A::CancelQueued,
        "take back a queued command before it applies: the selected inject's action, or the last command queued",
        None,
    ),
    b(C::Main, &[Key::ch('d')], A::Discussion, "open the discussion of the current module", Some("discuss")),
    b(
        C::Main,
        &[Key::ch('b')],
        A::Bookmark,
        "bookmark this moment for the after-action report's timeline: type a word or phrase (\"key decision\")",
        Some("bookmark"),
    ),
    b(
        C::Main,
        &[Key::ch('t')],
        A::Messages,
        "the messages between the teams and control; answer as any organisation (in ttx play, record what the room said)",
        None,
    ),
    b(
        C::Main,
        &[Key::ch('N')],
        A::Notes,
        "the discussion notes written so far: edit or delete them (the journal keeps both)",
        None,
    ),
    b(C::Main, &[TAB], A::FocusNext, "focus the next panel", None),
    b(C::Main, &[BACKTAB], A::FocusPrev, "focus the previous panel", None),
    b(C::Main, &[Key::ch('1')], A::FocusMap, "focus the map", None),
    b(C::Main, &[Key::ch('2')], A::FocusInjects, "focus the inject queue", None),
    b(C::Main, &[Key::ch('3')], A::FocusLog, "focus the event log", None),
    b(C::Main, &[Key::ch('j')], A::Teams, "ttx serve: the teams, their join codes, consoles connected", None),
    b(
        C::Main,
        &[Key::ch('r')],
        A::Approvals,
        "ttx serve: review player-made injects waiting for approval",
        None,
    ),
    b(
        C::Main,
        &[Key::ch('w')],
        A::Whatif,
        "what-if: measure what each decision so far changed, in the background (the results open in a window)",
        None,
    ),
    b(C::Main, &[Key::ch('?')], A::Help, "show this help", Some("help")),
    b(C::Main, &[Key::ch('q')], A::Quit, "quit (asks first); the journal is saved", Some("quit")),
    // Map.
    b(C::Map, &[UP, DOWN, LEFT, RIGHT], A::Common(K::Up), "select a state (arrow keys)", None),
    b(
        C::Map,
        &[ENTER],
        A::Common(K::Select),
        "show the selected state's jurisdictions and assets",
        Some("state detail"),
    ),
    // Injects.
    b(C::Injects, &[UP, DOWN], A::Common(K::Up), "select an inject", None),
    b(
        C::Injects,
        &[Key::ch('f')],
        A::FireInject,
        "fire the selected inject now (at the next hour)",
        Some("fire"),
    ),
    b(C::Injects, &[Key::ch('h')], A::HoldInject, "hold the selected inject, or release it", Some("hold")),
    b(
        C::Injects,
        &[Key::ch('k')],
        A::Correct,
        "correct the selected inject, one that has fired: type the correction (journaled, shown in the report)",
        Some("correct"),
    ),
    b(
        C::Injects,
        &[Key::ch('s')],
        A::SkipInject,
        "skip the selected inject (asks first), or un-skip a skipped one",
        Some("skip"),
    ),
    b(
        C::Injects,
        &[Key::ch('p'), ENTER],
        A::PreviewInject,
        "preview: what it would do, without doing it",
        Some("preview"),
    ),
    // Log (and the shared log keys).
    b(C::Log, &[Key::ch('t')], A::FilterTeam, "filter by team (all, then each team)", Some("team filter")),
    // Popups.
    b(C::Preview, &[Key::ch('f')], A::FireInject, "fire this inject now (at the next hour)", Some("fire")),
    b(C::Preview, &[ESC, ENTER, Key::ch('q')], A::Common(K::Close), "close the preview", Some("close")),
    b(C::Preview, &[UP, DOWN], A::Common(K::Up), "scroll", None),
    b(C::Detail, &[ESC, ENTER, Key::ch('q')], A::Common(K::Close), "close the state detail", Some("close")),
    b(C::Detail, &[UP, DOWN, PGUP, PGDN], A::Common(K::Up), "scroll", None),
    // Discussion.
    b(
        C::Discussion,
        &[UP, DOWN],
        A::Common(K::Up),
        "choose the question, the general note, or a hot-wash strength or area for improvement",
        Some("question"),
    ),
    b(
        C::Discussion,
        &[ENTER],
        A::Common(K::Submit),
        "save the note to the journal (type to write it)",
        Some("save note"),
    ),
    b(C::Discussion, &[BACKSPACE], A::Common(K::Backspace), "delete the character before the cursor", None),
    b(C::Discussion, &[LEFT, RIGHT], A::Common(K::Left), "move the cursor in the note", None),
    b(
        C::Discussion,
        &[ESC],
        A::Common(K::Close),
        "close the discussion (then Space resumes the clock)",
        Some("close"),
    ),
    // Hosting.
    b(
        C::Teams,
        &[ESC, Key::ch('j'), Key::ch('q')],
        A::Common(K::Close),
        "close the list of teams",
        Some("close"),
    ),
    b(C::Teams, &[UP, DOWN], A::Common(K::Up), "scroll", None),
    b(C::Approvals, &[UP, DOWN], A::Common(K::Up), "select an inject", None),
    b(C::Approvals, &[Key::ch('y')], A::Approve, "approve: it is applied at the next hour", Some("approve")),
    b(
        C::Approvals,
        &[Key::ch('n')],
        A::Deny,
        "deny: type the reason the cell is told, then Enter",
        Some("deny"),
    ),
    b(C::Approvals, &[ESC, Key::ch('r'), Key::ch('q')], A::Common(K::Close), "close", Some("close")),
    // What-if results.
    b(C::Whatif, &[UP, DOWN, PGUP, PGDN], A::Common(K::Up), "scroll", None),
    b(
        C::Whatif,
        &[ESC, ENTER, Key::ch('q'), Key::ch('w')],
        A::Common(K::Close),
        "close the results",
        Some("close"),
    ),
    b(
        C::DenyReason,
        &[ENTER],
        A::Common(K::Submit),
        "deny the inject; the cell is told the reason",
        Some("deny"),
    ),
    b(C::DenyReason, &[BACKSPACE], A::Common(K::Backspace), "delete the character before the cursor", None),
    b(C::DenyReason, &[LEFT, RIGHT], A::Common(K::Left), "move the cursor", None),
    b(C::DenyReason, &[ESC], A::Common(K::Close), "keep the inject waiting", Some("cancel")),
    // Bookmarks and messages.
    b(C::Bookmark, &[ENTER], A::Common(K::Submit), "save the bookmark to the journal", Some("save")),
    b(C::Bookmark, &[BACKSPACE], A::Common(K::Backspace), "delete the character before the cursor", None),
    b(C::Bookmark, &[LEFT, RIGHT], A::Common(K::Left), "move the cursor", None),
    b(C::Bookmark, &[ESC], A::Common(K::Close), "no bookmark", Some("cancel")),
    b(
        C::Messages,
        &[UP, DOWN, PGUP, PGDN],
        A::Common(K::Up),
        "select a message (newest first); the list scrolls",
        Some("select"),
    ),
    b(C::Messages, &[HOME], A::Common(K::Home), "the newest message", None),
    b(C::Messages, &[END], A::Common(K::End), "the oldest message", None),
    b(C::Messages, &[Key::ch('a'), ENTER], A::Answer, "answer the selected message", Some("answer")),
    b(
        C::Messages,
        &[Key::ch('n')],
        A::NewMessage,
        "write a new message: to a team (in ttx play, to or from any team, or control)",
        Some("new"),
    ),
    b(C::Messages, &[ESC, Key::ch('t'), Key::ch('q')], A::Common(K::Close), "close", Some("close")),
    b(C::Compose, &[TAB], A::Common(K::NextField), "next field: to, from, channel, text", Some("field")),
    b(C::Compose, &[BACKTAB], A::Common(K::PrevField), "previous field", None),
    b(
        C::Compose,
        &[LEFT, RIGHT],
        A::Common(K::Left),
        "change the field: to whom, from whom (an organisation; in ttx play, a team too), the channel; in the text, move the cursor (typing goes to the text)",
        Some("change"),
    ),
    b(C::Compose, &[ENTER], A::Common(K::Submit), "send the message", Some("send")),
    b(C::Compose, &[BACKSPACE], A::Common(K::Backspace), "delete the character before the cursor", None),
    b(C::Compose, &[ESC], A::Common(K::Close), "drop the message", Some("drop")),
    b(C::Notes, &[UP, DOWN, PGUP, PGDN], A::Common(K::Up), "select a note", Some("select")),
    b(C::Notes, &[Key::ch('e'), ENTER], A::EditNote, "edit the selected note", Some("edit")),
    b(
        C::Notes,
        &[Key::ch('x'), Key::plain(KeyCode::Delete)],
        A::DeleteNote,
        "delete the selected note (asks first)",
        Some("delete"),
    ),
    b(C::Notes, &[ESC, Key::ch('N'), Key::ch('q')], A::Common(K::Close), "close", Some("close")),
    b(C::NoteEdit, &[ENTER], A::Common(K::Submit), "save the new text to the journal", Some("save")),
    b(C::NoteEdit, &[BACKSPACE], A::Common(K::Backspace), "delete the character before the cursor", None),
    b(C::NoteEdit, &[LEFT, RIGHT], A::Common(K::Left), "move the cursor", Some("cursor")),
    b(C::NoteEdit, &[ESC], A::Common(K::Close), "keep the note as it was", Some("cancel")),
    b(C::Correction, &[ENTER], A::Common(K::Submit), "record the correction", Some("record")),
    b(C::Correction, &[BACKSPACE], A::Common(K::Backspace), "delete the character before the cursor", None),
    b(C::Correction, &[LEFT, RIGHT], A::Common(K::Left), "move the cursor", Some("cursor")),
    b(C::Correction, &[ESC], A::Common(K::Close), "no correction", Some("cancel")),
];

/// The action for a key in the active contexts (most specific first), if any.
///
/// Arrow and page keys bound together (`Up`, `Down`, ...) resolve to the action of
/// the key itself; in contexts that take text, printable keys type.
pub fn lookup(contexts: &[Context], event: &KeyEvent) -> Option<Action> {
    lookup_in(BINDINGS, contexts, event)
}

/// [`lookup`] in any binding table.
pub fn lookup_in<C: KeyContext, A: KeyAction>(
    table: Bindings<C, A>,
    contexts: &[C],
    event: &KeyEvent,
) -> Option<A> {
    let key = Key::from_event(event);
    for ctx in contexts.iter().copied().chain(std::iter::once(C::ALWAYS)) {
        for bnd in table.iter().filter(|x| x.context == ctx) {
            if bnd.keys.contains(&key) {
                return Some(bnd.action.direction(key.code).unwrap_or(bnd.action));
            }
        }
        if ctx.takes_text()
            && let KeyCode::Char(c) = key.code
            && !key.mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return Some(A::input(c));
        }
    }
    None
}

/// The keys of a binding, written for people (`Up/Down/Left/Right`).
pub fn keys_label<C, A>(bnd: &Binding<C, A>) -> String {
    bnd.keys.iter().map(Key::label).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventKind;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new_with_kind(code, mods, KeyEventKind::Press)
    }

    #[test]
    fn keys_resolve_by_context() {
        let main = [Context::Injects, Context::Main];
        assert_eq!(lookup(&main, &ev(KeyCode::Char(' '), KeyModifiers::NONE)), Some(Action::ToggleRun));
        assert_eq!(lookup(&main, &ev(KeyCode::Char('f'), KeyModifiers::NONE)), Some(Action::FireInject));
        assert_eq!(lookup(&main, &ev(KeyCode::Down, KeyModifiers::NONE)), Some(Action::Common(Common::Down)));
        assert_eq!(lookup(&[Context::Log, Context::Main], &ev(KeyCode::Char('f'), KeyModifiers::NONE)), None);
        assert_eq!(
            lookup(&[Context::Log, Context::Main], &ev(KeyCode::PageDown, KeyModifiers::NONE)),
            Some(Action::Common(Common::PageDown))
        );
        // Shift is folded into characters.
        assert_eq!(lookup(&main, &ev(KeyCode::Char('?'), KeyModifiers::SHIFT)), Some(Action::Help));
        // Ctrl-C works everywhere, even where keys type text.
        assert_eq!(
            lookup(&[Context::Discussion], &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::ForceQuit)
        );
    }

    #[test]
    fn printable_keys_type_in_text_contexts() {
        let d = [Context::Discussion];
        assert_eq!(lookup(&d, &ev(KeyCode::Char('q'), KeyModifiers::NONE)), Some(Action::Input('q')));
        assert_eq!(lookup(&d, &ev(KeyCode::Char(' '), KeyModifiers::NONE)), Some(Action::Input(' ')));
        assert_eq!(lookup(&d, &ev(KeyCode::Enter, KeyModifiers::NONE)), Some(Action::Common(Common::Submit)));
        assert_eq!(
            lookup(&[Context::Picker], &ev(KeyCode::Char(' '), KeyModifiers::NONE)),
            Some(Action::Common(Common::Toggle))
        );
    }

    /// Where keys type text, a table binds no printable key but Space in choice lists.
    pub(crate) fn check_text_contexts<C: SharedContext + std::fmt::Debug, A: KeyAction>(
        table: Bindings<C, A>,
    ) {
        for bnd in table.iter().filter(|x| x.context.takes_text()) {
            for k in bnd.keys {
                if let KeyCode::Char(c) = k.code {
                    let allowed =
                        k.mods.contains(KeyModifiers::CONTROL) || (bnd.context == C::PICKER && c == ' ');
                    assert!(allowed, "{:?} binds printable {c:?}", bnd.context);
                }
            }
        }
    }

    /// No key of a table is bound twice in one context.
    pub(crate) fn check_no_key_twice<C: KeyContext + std::fmt::Debug, A: KeyAction>(table: Bindings<C, A>) {
        let all: Vec<Binding<C, A>> = table.iter().collect();
        for (i, x) in all.iter().enumerate() {
            for y in &all[i + 1..] {
                if x.context == y.context {
                    for k in x.keys {
                        assert!(!y.keys.contains(k), "{} bound twice in {:?}", k.label(), x.context);
                    }
                }
            }
        }
    }

    #[test]
    fn text_contexts_bind_no_printable_key_but_space_in_lists() {
        check_text_contexts(BINDINGS);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        check_no_key_twice(BINDINGS);
    }

    #[test]
    fn labels_read_well() {
        assert_eq!(Key::ctrl('c').label(), "Ctrl-C");
        assert_eq!(Key::ch(' ').label(), "Space");
        assert_eq!(keys_label(&FACILITATOR[1]), "Space");
    }
}
