//! What both consoles' keys share: the binding groups both tables hold (the command palette
//! and its choice list, yes/no questions, the help screen, the log), the table made of a
//! console's own bindings and those groups ([`Bindings`]), and what the shared keys do to a
//! window's scroll, a list's selection, a question and the map.
//!
//! Each console keeps its own actions and contexts; a console takes part by naming which of
//! its contexts and actions are the shared ones ([`SharedContext`], [`SharedAction`]).

use std::marker::PhantomData;

use super::named::*;
use super::{Binding, Key, KeyAction, KeyContext, b};

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

/// The actions of a console that the shared bindings give (with [`KeyAction::DIRECTIONS`]).
pub trait SharedAction: KeyAction {
    /// Next field of a form.
    const NEXT_FIELD: Self;
    /// Previous field of a form.
    const PREV_FIELD: Self;
    /// Open what is selected, or choose.
    const SELECT: Self;
    /// Send the form.
    const SUBMIT: Self;
    /// Delete a character.
    const BACKSPACE: Self;
    /// Close the window on top, or cancel.
    const CLOSE: Self;
    /// Tick or untick an entry of a list of several.
    const TOGGLE: Self;
    /// Yes.
    const CONFIRM: Self;
    /// To the start.
    const HOME: Self;
    /// To the end.
    const END: Self;
    /// Raise the log's minimum severity.
    const FILTER_SEVERITY: Self;
}

/// The binding groups both consoles' tables hold, for a console's contexts and actions.
pub struct Shared<C, A>(PhantomData<(C, A)>);

impl<C: SharedContext, A: SharedAction> Shared<C, A> {
    /// The command palette.
    pub const PALETTE: [Binding<C, A>; 7] = [
        b(C::PALETTE, &[TAB, DOWN], A::NEXT_FIELD, "next field", Some("next field")),
        b(C::PALETTE, &[BACKTAB, UP], A::PREV_FIELD, "previous field", None),
        b(C::PALETTE, &[LEFT, RIGHT], A::DIRECTIONS[2], "change the choice", Some("change")),
        b(
            C::PALETTE,
            &[ENTER],
            A::SELECT,
            "open the list of choices; on [Submit], send the command",
            Some("choose"),
        ),
        b(C::PALETTE, &[Key::ctrl('s')], A::SUBMIT, "send the command from any field", Some("send")),
        b(C::PALETTE, &[BACKSPACE], A::BACKSPACE, "delete a character", None),
        b(C::PALETTE, &[ESC], A::CLOSE, "close the palette", Some("close")),
    ];

    /// A choice list open in the palette.
    pub const PICKER: [Binding<C, A>; 5] = [
        b(C::PICKER, &[UP, DOWN], A::DIRECTIONS[0], "move in the list", None),
        b(
            C::PICKER,
            &[ENTER],
            A::SELECT,
            "take the entry (in a list of several: close the list keeping every tick, ticking the highlighted entry too)",
            Some("take"),
        ),
        b(C::PICKER, &[Key::ch(' ')], A::TOGGLE, "tick or untick (lists of several)", None),
        b(C::PICKER, &[BACKSPACE], A::BACKSPACE, "delete a character of the filter (type to filter)", None),
        b(C::PICKER, &[ESC], A::CLOSE, "close the list", Some("close")),
    ];

    /// A yes/no question.
    pub const CONFIRM: [Binding<C, A>; 2] = [
        b(C::CONFIRM, &[Key::ch('y')], A::CONFIRM, "yes", Some("yes")),
        b(C::CONFIRM, &[Key::ch('n'), ESC], A::CLOSE, "no", Some("no")),
    ];

    /// The help screen.
    pub const HELP: [Binding<C, A>; 2] = [
        b(C::HELP, &[ESC, Key::ch('?'), Key::ch('q')], A::CLOSE, "close the help", Some("close")),
        b(C::HELP, &[UP, DOWN, PGUP, PGDN], A::DIRECTIONS[0], "scroll", None),
    ];

    /// The log, when it has focus.
    pub const LOG: [Binding<C, A>; 4] = [
        b(C::LOG, &[UP, DOWN, PGUP, PGDN], A::DIRECTIONS[0], "scroll the log", None),
        b(C::LOG, &[HOME], A::HOME, "back to the newest line", None),
        b(C::LOG, &[END], A::END, "to the oldest line", None),
        b(
            C::LOG,
            &[Key::ch('v')],
            A::FILTER_SEVERITY,
            "raise the minimum severity (info, notice, warning, critical)",
            Some("severity"),
        ),
    ];
}

/// A console's binding table: groups of bindings (its own, and the [`Shared`] ones), read as
/// one list. The help screen, the hint bar, the key lookup and the guides' tests all read it.
pub struct Bindings<C: 'static, A: 'static>(pub &'static [&'static [Binding<C, A>]]);

impl<C, A> Clone for Bindings<C, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C, A> Copy for Bindings<C, A> {}

impl<C, A> Bindings<C, A> {
    /// Every binding, group by group.
    pub fn iter(self) -> impl Iterator<Item = &'static Binding<C, A>> {
        self.into_iter()
    }
}

impl<C, A> IntoIterator for Bindings<C, A> {
    type Item = &'static Binding<C, A>;
    type IntoIter =
        std::iter::Flatten<std::iter::Copied<std::slice::Iter<'static, &'static [Binding<C, A>]>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().copied().flatten()
    }
}

/// What an arrow, page, Home or End key asks of what is on the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Motion {
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
    /// To the start.
    Home,
    /// To the end.
    End,
}

impl Motion {
    /// The motion an action stands for, if it is one.
    pub fn of<A: SharedAction>(a: A) -> Option<Motion> {
        let [up, down, left, right, page_up, page_down] = A::DIRECTIONS;
        [
            (up, Motion::Up),
            (down, Motion::Down),
            (left, Motion::Left),
            (right, Motion::Right),
            (page_up, Motion::PageUp),
            (page_down, Motion::PageDown),
            (A::HOME, Motion::Home),
            (A::END, Motion::End),
        ]
        .into_iter()
        .find(|(x, _)| *x == a)
        .map(|(_, m)| m)
    }

    /// The step on the map: (columns, rows).
    pub fn map_step(self) -> (i8, i8) {
        match self {
            Motion::Left => (-1, 0),
            Motion::Right => (1, 0),
            Motion::Up => (0, -1),
            Motion::Down => (0, 1),
            _ => (0, 0),
        }
    }
}

/// A position in a list or a scroll of lines moved by an action: a line up or down, `page`
/// lines, or to the start or `max`; other actions leave it.
pub fn moved<A: SharedAction>(pos: usize, action: A, page: usize, max: usize) -> usize {
    match Motion::of(action) {
        Some(Motion::Up) => pos.saturating_sub(1),
        Some(Motion::PageUp) => pos.saturating_sub(page),
        Some(Motion::Down) => (pos + 1).min(max),
        Some(Motion::PageDown) => (pos + page).min(max),
        Some(Motion::Home) => 0,
        Some(Motion::End) => max,
        _ => pos,
    }
}

/// A window's scroll after an action (help, what-if results, a state's detail): none when
/// the action closes the window.
pub fn window_scroll<A: SharedAction>(scroll: u16, action: A) -> Option<u16> {
    if action == A::CLOSE {
        return None;
    }
    Some(match Motion::of(action) {
        Some(Motion::Up) => scroll.saturating_sub(1),
        Some(Motion::Down) => scroll.saturating_add(1),
        Some(Motion::PageUp) => scroll.saturating_sub(10),
        Some(Motion::PageDown) => scroll.saturating_add(10),
        _ => scroll,
    })
}

/// The answer to a yes/no question: yes, no, or none yet (the question stays).
pub fn answer<A: SharedAction>(action: A) -> Option<bool> {
    if action == A::CONFIRM {
        Some(true)
    } else if action == A::CLOSE {
        Some(false)
    } else {
        None
    }
}

/// The next (or previous) of `order` after `current`, going round.
pub fn cycle<T: Copy + PartialEq>(order: &[T], current: T, forward: bool) -> T {
    let n = order.len();
    let i = order.iter().position(|p| *p == current).unwrap_or(0);
    let d = if forward { 1 } else { n.saturating_sub(1) };
    order.get((i + d) % n.max(1)).copied().unwrap_or(current)
}
