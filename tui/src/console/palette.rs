//! The command palette of the facilitator console: its catalog as things stand, opening
//! it (on the last team and command used), its keys and sending the command it builds.

use std::collections::BTreeMap;

use ttx_engine::command::CommandKind;

use super::{Console, Overlay};
use crate::form::{
    CONTROL, Catalog, Choice, CommandForm, FieldKey, Palette, form_key, indicator_choice, palette_key,
};
use crate::keys::Action;

impl Console {
    pub(super) fn update_palette(&mut self, form: CommandForm, action: Action) {
        palette_key(self, form, form_key(action));
    }
}

impl Palette for Console {
    fn keep_form(&mut self, form: CommandForm) {
        self.overlay = Some(Overlay::Palette(Box::new(form)));
    }

    fn remember_form(&mut self, form: &CommandForm) {
        self.last_form = Some((
            form.get(FieldKey::Team).unwrap_or_default().to_string(),
            form.get(FieldKey::Actor).map(str::to_string),
            form.kind(),
        ));
    }

    fn submit_form(&mut self, form: &mut CommandForm) {
        use crate::form::FormMessage;
        let cmd = match form.command() {
            Ok(c) => c,
            Err(e) => {
                form.message = Some(FormMessage::Error(format!("Not sent: {e}.")));
                return;
            }
        };
        match self.submit(cmd.clone()) {
            Ok(()) => {
                let when = self.sim().time();
                form.message = Some(FormMessage::Info(format!(
                    "Queued for {when}: {}. It applies when the clock moves (Esc, then n or Space); results appear below.",
                    cmd.summary()
                )));
                self.remember_form(form);
            }
            Err(r) => form.message = Some(FormMessage::Error(format!("Rejected: {r}."))),
        }
    }
}

impl Console {
    /// The catalog the palette chooses from, as things stand.
    pub fn catalog(&self) -> Catalog {
        let reg = self.sim().registry();
        let mut held: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
        for t in &reg.teams {
            let Some(v) = self.sim().team_view(&t.id) else { continue };
            for i in &v.indicators {
                for a in &i.held_by {
                    let list = held.entry(a.clone()).or_default();
                    if !list.iter().any(|c| c.value == i.number.to_string()) {
                        list.push(indicator_choice(i.number, &i.technique, &i.activity));
                    }
                }
            }
        }
        let mut catalog = Catalog::from_registry(reg, &self.view.injects, &held);
        // Only the channels the engine would let each actor use.
        for a in &mut catalog.actors {
            if let Some(ix) = reg.actor_by_id.get(&a.id) {
                a.channels = self.sim().channels(*ix);
            }
        }
        catalog
    }

    pub(super) fn open_palette(&mut self, kind: Option<CommandKind>) {
        let catalog = self.catalog();
        let form = match (kind, &self.last_form) {
            (Some(k), _) => CommandForm::preset(catalog, CONTROL, None, Some(k)),
            (None, Some((team, actor, k))) => {
                // The last team and command, but at the top: Enter alone must not send it again.
                let mut f = CommandForm::preset(catalog, team, actor.as_deref(), *k);
                f.focus = 0;
                f
            }
            (None, None) => CommandForm::new(catalog),
        };
        self.status = None;
        self.overlay = Some(Overlay::Palette(Box::new(form)));
    }
}
