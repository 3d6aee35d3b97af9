//! The team console's command palette: the catalog its forms choose from (the team's view
//! and the server's directory), opening it on the team's last command, its keys, and
//! sending the command it builds.

use ttx_engine::command::CommandKind;
use ttx_engine::view::{Directory, TeamView};

use super::{Connection, Level, TeamConsole, TeamOverlay};
use crate::form::{
    CampaignEntry, Catalog, Choice, CommandForm, FieldKey, FormMessage, Palette, form_key, palette_key,
};
use crate::team_keys::TeamAction;

/// The catalog a team's command forms choose from: [`Catalog::from_team_view`], the
/// states on the team's map (a cell may narrow a template to one of them), and the
/// server's directory of what the team's commands may name beyond its own actors
/// (assets for on-site teams, victims, adversaries, its own campaigns).
pub fn team_catalog(view: &TeamView, directory: &Directory) -> Catalog {
    let mut c = Catalog::from_team_view(view);
    c.states =
        view.states.iter().map(|s| Choice::new(&s.postal, format!("{} ({})", s.name, s.postal))).collect();
    c.assets = directory.assets.iter().map(|(id, kind)| Choice::new(id, format!("{id} ({kind})"))).collect();
    c.victims =
        directory.victims.iter().map(|(id, name)| Choice::new(id, format!("{name} ({id})"))).collect();
    c.adversaries =
        directory.adversaries.iter().map(|(id, name)| Choice::new(id, format!("{name} ({id})"))).collect();
    // The server's word on the channels each actor may use (membership, the scenario's channels).
    for (actor, channels) in &directory.channels {
        if let Some(a) = c.actors.iter_mut().find(|a| &a.id == actor) {
            a.channels = channels.clone();
        }
    }
    c.campaigns = directory
        .campaigns
        .iter()
        .map(|(id, name, actor)| CampaignEntry { id: id.clone(), name: name.clone(), actor: actor.clone() })
        .collect();
    c
}

impl TeamConsole {
    /// Puts a message on the open palette's form.
    pub(super) fn note_on_form(&mut self, text: &str, level: Level) {
        if let Some(TeamOverlay::Palette(form)) = &mut self.overlay
            && form.picker.is_none()
        {
            form.message = Some(match level {
                Level::Error => FormMessage::Error(text.to_string()),
                _ => FormMessage::Info(text.to_string()),
            });
        }
    }

    pub(super) fn update_palette(&mut self, form: CommandForm, action: TeamAction) {
        palette_key(self, form, form_key(action));
    }
}

impl Palette for TeamConsole {
    fn keep_form(&mut self, form: CommandForm) {
        self.overlay = Some(TeamOverlay::Palette(Box::new(form)));
    }

    fn remember_form(&mut self, form: &CommandForm) {
        self.last_form = Some((form.get(FieldKey::Actor).map(str::to_string), form.kind()));
    }

    fn submit_form(&mut self, form: &mut CommandForm) {
        if let Connection::Refused(why) = &self.connection {
            form.message =
                Some(FormMessage::Error(format!("Not sent: the server refused this console ({why}).")));
            return;
        }
        if self.view.finished {
            form.message = Some(FormMessage::Error("Not sent: the exercise has ended.".into()));
            return;
        }
        let cmd = match form.command() {
            Ok(c) => c,
            Err(e) => {
                form.message = Some(FormMessage::Error(format!("Not sent: {e}.")));
                return;
            }
        };
        self.submit(cmd.clone());
        let when = match &self.connection {
            Connection::Connected => "waiting for the server's answer".to_string(),
            _ => "it goes out when the connection is back".to_string(),
        };
        form.message = Some(FormMessage::Info(format!("Sent: {}; {when}.", cmd.summary())));
        self.remember_form(form);
    }
}

impl TeamConsole {
    pub(super) fn open_palette(&mut self, kind: Option<CommandKind>) {
        let cat = team_catalog(&self.view, &self.directory);
        if cat.actors.is_empty() && !cat.template_cell {
            self.set_status(Level::Warn, "This team plays no actor that can give commands.");
            return;
        }
        let team = self.view.team.clone();
        let form = match (kind, &self.last_form) {
            (Some(k), _) => CommandForm::preset(cat, &team, None, Some(k)),
            (None, last) => {
                let mut f = match last {
                    Some((actor, k)) => CommandForm::preset(cat, &team, actor.as_deref(), *k),
                    None => CommandForm::new(cat),
                };
                // The team is fixed: start on the actor, also when reopening on the last command
                // (at the top, so that Enter alone cannot send it again).
                f.focus = f.fields.iter().position(|x| x.key != FieldKey::Team).unwrap_or(0);
                f
            }
        };
        self.status = None;
        self.overlay = Some(TeamOverlay::Palette(Box::new(form)));
    }
}
