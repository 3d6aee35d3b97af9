//! What both consoles' keys share: the actions both consoles have ([`Common`]), the binding
//! groups both tables hold (the command palette and its choice list, yes/no questions, the
//! help screen, the log), the table made of a console's own bindings and those groups
//! ([`Bindings`]), and what the shared keys do to a window's scroll, a list's selection, a
//! question and the map.
//!
//! Each console keeps its own actions and contexts; its action enum wraps the common actions
//! in one variant (`Action::Common`, `TeamAction::Common`), and it names which of its
//! contexts are the shared ones ([`SharedContext`]).

use std::marker::PhantomData;

use ratatui::crossterm::event::KeyCode;

use super::named::*;
use super::{Binding, Key, KeyContext, b};

/// The actions both consoles have: moving in a list, a form or a scroll, choosing, closing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Common {
    /// Next field of a form.
    NextField,
    /// Previous field of a form.
    PrevField,
    /// Open what is selected (a state's detail, an inject's preview, a message, a list), or
    /// choose.
    Select,
    /// Send the form, or save the note.
    Submit,
    /// Delete the last character.
    Backspace,
    /// Close the window on top, or cancel.
    Close,
    /// Tick or untick an entry of a list of several.
    Toggle,
    /// Yes.
    Confirm,
    /// To the start (the newest message or log line, the first entry).
    Home,
    /// To the end (the oldest).
    End,
    /// Raise the log's minimum severity (info, notice, warning, critical).
    FilterSeverity,
    /// Up.
    Up,
    /// Down.
    Down,
    /// Left.
    Left,
    /// Right.
    Right,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
}

impl Common {
    /// The action of an arrow or page key.
    pub fn of_key(code: KeyCode) -> Option<Common> {
        match code {
            KeyCode::Up => Some(Common::Up),
            KeyCode::Down => Some(Common::Down),
            KeyCode::Left => Some(Common::Left),
            KeyCode::Right => Some(Common::Right),
            KeyCode::PageUp => Some(Common::PageUp),
            KeyCode::PageDown => Some(Common::PageDown),
            _ => None,
        }
    }

    /// Whether it moves in what is on the screen: an arrow, page, Home or End key.
    pub fn is_motion(self) -> bool {
        matches!(
            self,
            Common::Up
                | Common::Down
                | Common::Left
                | Common::Right
                | Common::PageUp
                | Common::PageDown
                | Common::Home
                | Common::End
        )
    }

    /// The step on the map: (columns, rows).
    pub fn map_step(self) -> (i8, i8) {
        match self {
            Common::Left => (-1, 0),
            Common::Right => (1, 0),
            Common::Up => (0, -1),
            Common::Down => (0, 1),
            _ => (0, 0),
        }
    }
}

/// The contexts of a console that work the same in both.
pub trait SharedContext: KeyContext {
    /// The command palette.
    const PALETTE: Self;
    /// A choice list open in the palette.
    const PICKER: Self;
    /// A yes/no question.
    const CONFIRM: Self;
    /// The help screen.
    const HELP: Self;
    /// The log has focus.
    const LOG: Self;
}

/// The binding groups both consoles' tables hold, for a console's contexts.
pub struct Shared<C>(PhantomData<C>);

impl<C: SharedContext> Shared<C> {
    /// The command palette.
    pub const PALETTE: [Binding<C, Common>; 7] = [
        b(C::PALETTE, &[TAB, DOWN], Common::NextField, "next field", Some("next field")),
        b(C::PALETTE, &[BACKTAB, UP], Common::PrevField, "previous field", None),
        b(C::PALETTE, &[LEFT, RIGHT], Common::Left, "change the choice", Some("change")),
        b(
            C::PALETTE,
            &[ENTER],
            Common::Select,
            "open the list of choices; on [Submit], send the command",
            Some("choose"),
        ),
        b(C::PALETTE, &[Key::ctrl('s')], Common::Submit, "send the command from any field", Some("send")),
        b(C::PALETTE, &[BACKSPACE], Common::Backspace, "delete a character", None),
        b(C::PALETTE, &[ESC], Common::Close, "close the palette", Some("close")),
    ];

    /// A choice list open in the palette.
    pub const PICKER: [Binding<C, Common>; 5] = [
        b(C::PICKER, &[UP, DOWN], Common::Up, "move in the list", None),
        b(
            C::PICKER,
            &[ENTER],
            Common::Select,
            "take the entry (in a list of several: close the list keeping every tick, ticking the highlighted entry too)",
            Some("take"),
        ),
        b(C::PICKER, &[Key::ch(' ')], Common::Toggle, "tick or untick (lists of several)", None),
        b(
            C::PICKER,
            &[BACKSPACE],
            Common::Backspace,
            "delete a character of the filter (type to filter)",
            None,
        ),
        b(C::PICKER, &[ESC], Common::Close, "close the list", Some("close")),
    ];

    /// A yes/no question.
    pub const CONFIRM: [Binding<C, Common>; 2] = [
        b(C::CONFIRM, &[Key::ch('y')], Common::Confirm, "yes", Some("yes")),
        b(C::CONFIRM, &[Key::ch('n'), ESC], Common::Close, "no", Some("no")),
    ];

    /// The help screen.
    pub const HELP: [Binding<C, Common>; 2] = [
        b(C::HELP, &[ESC, Key::ch('?'), Key::ch('q')], Common::Close, "close the help", Some("close")),
        b(C::HELP, &[UP, DOWN, PGUP, PGDN], Common::Up, "scroll", None),
    ];

    /// The log, when it has focus.
    pub const LOG: [Binding<C, Common>; 4] = [
        b(C::LOG, &[UP, DOWN, PGUP, PGDN], Common::Up, "scroll the log", None),
        b(C::LOG, &[HOME], Common::Home, "back to the newest line", None),
        b(C::LOG, &[END], Common::End, "to the oldest line", None),
        b(
            C::LOG,
            &[Key::ch('v')],
            Common::FilterSeverity,
            "raise the minimum severity (info, notice, warning, critical)",
            Some("severity"),
        ),
    ];
}

/// A group of a console's binding table: the console's own bindings, or a [`Shared`] one.
pub enum Group<C: 'static, A: 'static> {
    /// Bindings of the console's own actions.
    Own(&'static [Binding<C, A>]),
    /// Bindings both consoles share, to [`Common`] actions.
    Common(&'static [Binding<C, Common>]),
}

impl<C, A> Clone for Group<C, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C, A> Copy for Group<C, A> {}

impl<C: Copy, A: Copy + From<Common>> Group<C, A> {
    /// Its bindings, with the console's actions.
    fn bindings(self) -> impl Iterator<Item = Binding<C, A>> {
        let (own, common) = match self {
            Group::Own(g) => (g, &[][..]),
            Group::Common(g) => (&[][..], g),
        };
        own.iter().copied().chain(common.iter().map(|x| Binding {
            context: x.context,
            keys: x.keys,
            action: A::from(x.action),
            help: x.help,
            hint: x.hint,
        }))
    }
}

/// A console's binding table: groups of bindings (its own, and the [`Shared`] ones), read as
/// one list. The help screen, the hint bar, the key lookup and the guides' tests all read it.
pub struct Bindings<C: 'static, A: 'static>(pub &'static [Group<C, A>]);

impl<C, A> Clone for Bindings<C, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C, A> Copy for Bindings<C, A> {}

impl<C: Copy, A: Copy + From<Common>> Bindings<C, A> {
    /// Every binding, group by group.
    pub fn iter(self) -> impl Iterator<Item = Binding<C, A>> {
        self.0.iter().flat_map(|g| g.bindings())
    }
}

impl<C: Copy, A: Copy + From<Common>> IntoIterator for Bindings<C, A> {
    type Item = Binding<C, A>;
    type IntoIter = Box<dyn Iterator<Item = Binding<C, A>>>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// A position in a list or a scroll of lines moved by an action: a line up or down, `page`
/// lines, or to the start or `max`; other actions leave it.
pub fn moved(pos: usize, action: Common, page: usize, max: usize) -> usize {
    match action {
        Common::Up => pos.saturating_sub(1),
        Common::PageUp => pos.saturating_sub(page),
        Common::Down => (pos + 1).min(max),
        Common::PageDown => (pos + page).min(max),
        Common::Home => 0,
        Common::End => max,
        _ => pos,
    }
}

/// A window's scroll after an action (help, what-if results, a state's detail): none when
/// the action closes the window.
pub fn window_scroll(scroll: u16, action: Option<Common>) -> Option<u16> {
    Some(match action {
        Some(Common::Close) => return None,
        Some(Common::Up) => scroll.saturating_sub(1),
        Some(Common::Down) => scroll.saturating_add(1),
        Some(Common::PageUp) => scroll.saturating_sub(10),
        Some(Common::PageDown) => scroll.saturating_add(10),
        _ => scroll,
    })
}

/// The answer to a yes/no question: yes, no, or none yet (the question stays).
pub fn answer(action: Option<Common>) -> Option<bool> {
    match action {
        Some(Common::Confirm) => Some(true),
        Some(Common::Close) => Some(false),
        _ => None,
    }
}

/// The next (or previous) of `order` after `current`, going round.
pub fn cycle<T: Copy + PartialEq>(order: &[T], current: T, forward: bool) -> T {
    let n = order.len();
    let i = order.iter().position(|p| *p == current).unwrap_or(0);
    let d = if forward { 1 } else { n.saturating_sub(1) };
    order.get((i + d) % n.max(1)).copied().unwrap_or(current)
}
