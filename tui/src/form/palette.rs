//! How a console's command palette drives a form: the form key a console's action stands
//! for ([`form_key!`]), and what becomes of the form after a key ([`palette_key`]), for the
//! facilitator's console and a team's alike.

use super::{CommandForm, FormKey, FormStep};

/// The form key a console's action stands for, if any. The facilitator's `Action` and the
/// team console's `TeamAction` name their form keys alike, so this one list serves both.
macro_rules! form_key {
    ($actions:ident, $action:expr) => {
        match $action {
            $actions::Up => Some(FormKey::Up),
            $actions::Down => Some(FormKey::Down),
            $actions::Left => Some(FormKey::Left),
            $actions::Right => Some(FormKey::Right),
            $actions::NextField => Some(FormKey::NextField),
            $actions::PrevField => Some(FormKey::PrevField),
            $actions::Select => Some(FormKey::Select),
            $actions::Submit => Some(FormKey::Submit),
            $actions::Toggle => Some(FormKey::Toggle),
            $actions::Input(c) => Some(FormKey::Input(c)),
            $actions::Backspace => Some(FormKey::Backspace),
            $actions::Close => Some(FormKey::Close),
            _ => None,
        }
    };
}
pub(crate) use form_key;

/// A console's command palette: where the form goes after a key.
pub(crate) trait Palette {
    /// Shows the form again, open.
    fn keep_form(&mut self, form: CommandForm);
    /// Remembers the form's choices, for the next time the palette opens.
    fn remember_form(&mut self, form: &CommandForm);
    /// Sends the command the form builds (the form stays open to show the answer).
    fn submit_form(&mut self, form: &mut CommandForm);
}

/// Applies a key to a console's open palette (none: a key that is not the form's, which
/// leaves it as it is).
pub(crate) fn palette_key(console: &mut impl Palette, mut form: CommandForm, key: Option<FormKey>) {
    let Some(key) = key else { return console.keep_form(form) };
    match form.key(key) {
        FormStep::Close => return console.remember_form(&form),
        FormStep::Submit => console.submit_form(&mut form),
        FormStep::Stay => {}
    }
    console.keep_form(form);
}
