//! How a console's command palette drives a form: the form key a console's action stands
//! for ([`form_key`]), and what becomes of the form after a key ([`palette_key`]), for the
//! facilitator's console and a team's alike.

use super::{CommandForm, FormKey, FormStep};
use crate::keys::KeyAction;

/// The form key a console's action stands for, if any: the facilitator's `Action` and the
/// team console's `TeamAction` alike.
pub(crate) fn form_key(action: impl KeyAction) -> Option<FormKey> {
    if let Some(c) = action.typed() {
        return Some(FormKey::Input(c));
    }
    action.common().map(FormKey::Common)
}

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
