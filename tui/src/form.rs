//! Command forms: a form for every command a team (or the facilitator) can give.
//!
//! A [`Catalog`] is the plain data a form chooses from (teams, actors and
//! their assets, jurisdictions, indicators, injects...). The facilitator's
//! console builds it from the scenario's registry; a team console builds it
//! from its team view. A [`CommandForm`] holds the fields of one command
//! being filled in and turns them into an engine [`Command`], or says what is
//! missing.

mod catalog;
mod error;
mod palette;
pub use catalog::{
    ActorEntry, CONTROL, CampaignEntry, Catalog, Choice, TeamEntry, TemplateEntry, control_commands,
    indicator_choice, kind_channels,
};
pub use error::FormError;
pub(crate) use palette::{Palette, form_key, palette_key};

use crate::keys::Common;
use serde_json::Value;
use ttx_engine::command::{Arg, Command, CommandKind, Givers};
use ttx_engine::scenario::schema::{Channel, Effect, TeamRole};

/// A key press in a command form, whichever console's keys it came from: one of the actions
/// both consoles share (the form reads the arrows, Tab and Shift-Tab, Enter, Ctrl-S, Space,
/// Backspace and Esc, and ignores the rest), or a typed character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKey {
    /// A shared action.
    Common(Common),
    /// Type a character.
    Input(char),
}

impl From<Common> for FormKey {
    fn from(c: Common) -> FormKey {
        FormKey::Common(c)
    }
}

/// What a console does after a key in a form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormStep {
    /// Keep the form open.
    Stay,
    /// Close the form.
    Close,
    /// Send the command (the form stays open to show the answer).
    Submit,
}

/// A few words on what a command does (from the command table).
pub fn describe(kind: CommandKind) -> &'static str {
    kind.spec().doc
}

/// Words for a channel.
pub fn channel_label(c: Channel) -> &'static str {
    match c {
        Channel::LocalToState => "local -> state election office",
        Channel::StateToLocals => "state -> its local jurisdictions",
        Channel::StateToIsac => "state -> EI-ISAC",
        Channel::MemberToIsac => "member -> EI-ISAC",
        Channel::IsacToMembers => "EI-ISAC -> all members",
        Channel::IsacToDhs => "EI-ISAC -> DHS/CISA",
        Channel::DhsToIsac => "DHS/CISA advisory via EI-ISAC",
        Channel::OdniToDhs => "ODNI -> DHS (after tearline)",
        Channel::FbiToVictim => "FBI -> victim",
        Channel::ReportToFbi => "report to the FBI",
        Channel::VendorToCustomers => "vendor -> its customers",
        Channel::PublicAdvisory => "public advisory",
    }
}

/// Which field of a form: the team, actor and command it is for, one field per argument the
/// command table lists ([`Arg`]), and an ad-hoc inject's amount (its effect's size, which the
/// effect field and this one make together).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKey {
    /// The team acted for.
    Team,
    /// The actor acted for.
    Actor,
    /// The command.
    Command,
    /// An argument of the command (an ad-hoc inject's effects: its effect).
    Arg(Arg),
    /// The size of an ad-hoc inject's effect.
    Amount,
}

/// How a field is filled in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldKind {
    /// One of a list.
    Choice,
    /// Any of a list (several).
    Multi,
    /// Free text.
    Text,
    /// A number in a range.
    Number {
        /// Smallest.
        min: f64,
        /// Largest.
        max: f64,
    },
}

/// One field of a form.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Which field.
    pub key: FieldKey,
    /// Its label.
    pub label: &'static str,
    /// How it is filled in.
    pub kind: FieldKind,
    /// The list to choose from (choice and multi fields).
    pub choices: Vec<Choice>,
    /// The value (choice: the chosen value; text and number: the text typed).
    pub value: String,
    /// The values chosen (multi fields).
    pub chosen: Vec<String>,
    /// May be left empty.
    pub optional: bool,
    /// A hint shown beside it.
    pub hint: &'static str,
}

impl Field {
    fn new(key: FieldKey, label: &'static str, kind: FieldKind) -> Field {
        Field {
            key,
            label,
            kind,
            choices: vec![],
            value: String::new(),
            chosen: vec![],
            optional: false,
            hint: "",
        }
    }

    fn choices(mut self, c: Vec<Choice>) -> Field {
        self.choices = c;
        self
    }

    fn optional(mut self) -> Field {
        self.optional = true;
        self
    }

    fn value(mut self, v: &str) -> Field {
        self.value = v.to_string();
        self
    }

    fn hint(mut self, h: &'static str) -> Field {
        self.hint = h;
        self
    }

    /// What the field shows: the chosen entry's label, the chosen list, or the text.
    pub fn display(&self) -> String {
        match self.kind {
            FieldKind::Choice => {
                if self.choices.is_empty() {
                    "(none available)".to_string()
                } else {
                    self.choices
                        .iter()
                        .find(|c| c.value == self.value)
                        .map_or_else(|| "(choose)".to_string(), |c| c.label.clone())
                }
            }
            FieldKind::Multi => {
                if self.chosen.is_empty() {
                    "(none)".to_string()
                } else {
                    self.chosen.join(", ")
                }
            }
            FieldKind::Text | FieldKind::Number { .. } => self.value.clone(),
        }
    }

    /// Whether text can be typed into it.
    pub fn is_text(&self) -> bool {
        matches!(self.kind, FieldKind::Text | FieldKind::Number { .. })
    }
}

/// The list opened on a choice or multi field, with what has been typed to narrow it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Picker {
    /// Typed filter (matches labels, case-insensitively).
    pub filter: String,
    /// Position in the filtered list.
    pub cursor: usize,
}

/// A message on a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormMessage {
    /// Something went well.
    Info(String),
    /// Something is missing or was refused.
    Error(String),
}

/// The command being filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandForm {
    /// What it chooses from.
    pub catalog: Catalog,
    /// The fields, in order.
    pub fields: Vec<Field>,
    /// The focused field; `fields.len()` is the Submit button.
    pub focus: usize,
    /// An open choice list.
    pub picker: Option<Picker>,
    /// The last message.
    pub message: Option<FormMessage>,
}

const EFFECTS: [(&str, &str); 4] = [
    ("message", "message to the addressed teams only"),
    ("news", "public news item"),
    ("disinformation", "disinformation surge (amount = confidence points)"),
    ("confidence", "public confidence change (amount = points, +/-)"),
];

impl CommandForm {
    /// Applies a key: moves in the choice list if one is open, else between fields.
    pub fn key(&mut self, key: FormKey) -> FormStep {
        use Common::*;
        let key = match key {
            FormKey::Input(c) => {
                self.input(c);
                return FormStep::Stay;
            }
            FormKey::Common(c) => c,
        };
        if self.picker.is_some() {
            match key {
                Up => self.picker_move(-1),
                Down => self.picker_move(1),
                Select => {
                    let multi = self.focused().is_some_and(|f| f.kind == FieldKind::Multi);
                    if multi {
                        // Enter closes a list of several keeping every tick: it ticks the highlighted
                        // entry if it is not ticked yet, and never unticks it (Space does).
                        if !self.highlighted_is_ticked() {
                            self.picker_accept();
                        }
                        self.picker_cancel();
                    } else {
                        self.picker_accept();
                    }
                }
                Toggle => self.picker_accept(),
                Backspace => self.backspace(),
                Close => self.picker_cancel(),
                _ => {}
            }
            return FormStep::Stay;
        }
        match key {
            Close => return FormStep::Close,
            NextField => self.focus_next(),
            PrevField => self.focus_prev(),
            Left => self.cycle(-1),
            Right => self.cycle(1),
            Backspace => self.backspace(),
            Select if self.focus < self.fields.len() => {
                if self.focused().is_some_and(|f| f.is_text()) {
                    self.focus_next();
                } else {
                    self.open_picker();
                }
            }
            Select | Submit => return FormStep::Submit,
            _ => {}
        }
        FormStep::Stay
    }

    /// A new form on the catalog's first team, actor and command.
    pub fn new(catalog: Catalog) -> CommandForm {
        let mut f = CommandForm { catalog, fields: vec![], focus: 0, picker: None, message: None };
        f.rebuild();
        f
    }

    /// A form preset to a team (or [`CONTROL`]), actor and command, where they exist.
    pub fn preset(
        catalog: Catalog,
        team: &str,
        actor: Option<&str>,
        kind: Option<CommandKind>,
    ) -> CommandForm {
        let mut f = CommandForm::new(catalog);
        f.set(FieldKey::Team, team);
        if let Some(a) = actor {
            f.set(FieldKey::Actor, a);
        }
        if let Some(k) = kind {
            f.set(FieldKey::Command, k.name());
        }
        f.focus = f
            .fields
            .iter()
            .position(|x| !matches!(x.key, FieldKey::Team | FieldKey::Actor | FieldKey::Command))
            .unwrap_or(0);
        f
    }

    /// A field's value.
    pub fn get(&self, key: FieldKey) -> Option<&str> {
        self.fields.iter().find(|f| f.key == key).map(|f| f.value.as_str())
    }

    /// Sets a field's value (a choice must be one of its list) and rebuilds the fields that depend on it.
    pub fn set(&mut self, key: FieldKey, value: &str) -> bool {
        let Some(f) = self.fields.iter_mut().find(|f| f.key == key) else { return false };
        if f.kind == FieldKind::Choice && !f.choices.iter().any(|c| c.value == value) {
            return false;
        }
        f.value = value.to_string();
        self.rebuild();
        true
    }

    /// The command kind chosen.
    pub fn kind(&self) -> Option<CommandKind> {
        let name = self.get(FieldKey::Command)?;
        CommandKind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The focused field, unless Submit is focused.
    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// Recomputes every field from the team, actor and command chosen, keeping what was
    /// already filled in wherever it still fits.
    pub fn rebuild(&mut self) {
        let old = std::mem::take(&mut self.fields);
        let keep = |key: FieldKey| old.iter().find(|f| f.key == key);
        let cat = &self.catalog;
        let mut fields = Vec::new();
        let (actor, kind) = cat.head_fields(|key| keep(key).map(|f| f.value.as_str()), &mut fields);
        let params = kind.map(|k| cat.param_fields(k, actor)).unwrap_or_default();
        for mut f in params {
            if let Some(prev) = keep(f.key).filter(|p| p.kind == f.kind) {
                match f.kind {
                    FieldKind::Choice => {
                        if f.choices.iter().any(|c| c.value == prev.value) {
                            f.value = prev.value.clone();
                        }
                    }
                    FieldKind::Multi => {
                        f.chosen = prev
                            .chosen
                            .iter()
                            .filter(|v| f.choices.iter().any(|c| &c.value == *v))
                            .cloned()
                            .collect();
                    }
                    _ => f.value = prev.value.clone(),
                }
            }
            if f.kind == FieldKind::Choice && f.value.is_empty() && !f.optional {
                f.value = f.choices.first().map(|c| c.value.clone()).unwrap_or_default();
            }
            fields.push(f);
        }
        self.fields = fields;
        self.focus = self.focus.min(self.fields.len());
    }

    /// Moves the focus to the next field (wrapping after Submit).
    pub fn focus_next(&mut self) {
        self.picker = None;
        self.focus = (self.focus + 1) % (self.fields.len() + 1);
    }

    /// Moves the focus to the previous field.
    pub fn focus_prev(&mut self) {
        self.picker = None;
        self.focus = (self.focus + self.fields.len()) % (self.fields.len() + 1);
    }

    /// Steps the focused choice field through its list.
    pub fn cycle(&mut self, delta: i32) {
        let Some(f) = self.fields.get_mut(self.focus) else { return };
        if f.kind != FieldKind::Choice || f.choices.is_empty() {
            return;
        }
        let n = f.choices.len() as i32;
        let i = f.choices.iter().position(|c| c.value == f.value).map_or(0, |i| i as i32);
        f.value = f.choices[((i + delta).rem_euclid(n)) as usize].value.clone();
        self.message = None;
        self.rebuild();
    }

    /// Types a character: into a text field, or to open and narrow the list of a choice field.
    pub fn input(&mut self, c: char) {
        self.message = None;
        if let Some(p) = &mut self.picker {
            p.filter.push(c);
            p.cursor = 0;
            return;
        }
        let Some(f) = self.fields.get_mut(self.focus) else { return };
        match f.kind {
            FieldKind::Text => f.value.push(c),
            FieldKind::Number { .. } => {
                if c.is_ascii_digit()
                    || c == '.'
                    || (c == '-' && f.value.is_empty())
                    || (c == '+' && f.value.is_empty())
                {
                    f.value.push(c);
                }
            }
            FieldKind::Choice | FieldKind::Multi => {
                self.picker = Some(Picker { filter: c.to_string(), cursor: 0 });
            }
        }
    }

    /// Deletes the last character typed.
    pub fn backspace(&mut self) {
        if let Some(p) = &mut self.picker {
            p.filter.pop();
            p.cursor = 0;
            return;
        }
        if let Some(f) = self.fields.get_mut(self.focus)
            && f.is_text()
        {
            f.value.pop();
        }
    }

    /// Opens the list of the focused choice or multi field.
    pub fn open_picker(&mut self) {
        if let Some(f) = self.fields.get(self.focus)
            && matches!(f.kind, FieldKind::Choice | FieldKind::Multi)
        {
            let cursor = self.filtered().iter().position(|c| c.value == f.value).unwrap_or(0);
            self.picker = Some(Picker { filter: String::new(), cursor });
        }
    }

    /// The focused field's choices that match the picker's filter.
    pub fn filtered(&self) -> Vec<&Choice> {
        let Some(f) = self.fields.get(self.focus) else { return vec![] };
        let filter = self.picker.as_ref().map(|p| p.filter.to_lowercase()).unwrap_or_default();
        f.choices
            .iter()
            .filter(|c| {
                filter.is_empty()
                    || c.label.to_lowercase().contains(&filter)
                    || c.value.to_lowercase().contains(&filter)
            })
            .collect()
    }

    /// Moves the picker's cursor.
    pub fn picker_move(&mut self, delta: i32) {
        let n = self.filtered().len();
        if let Some(p) = &mut self.picker
            && n > 0
        {
            p.cursor = ((p.cursor as i32 + delta).rem_euclid(n as i32)) as usize;
        }
    }

    /// Takes the entry under the picker's cursor (a multi field toggles it and stays open).
    pub fn picker_accept(&mut self) {
        let Some(p) = self.picker.clone() else { return };
        let Some(value) = self.filtered().get(p.cursor).map(|c| c.value.clone()) else { return };
        let Some(f) = self.fields.get_mut(self.focus) else { return };
        if f.kind == FieldKind::Multi {
            if let Some(i) = f.chosen.iter().position(|v| *v == value) {
                f.chosen.remove(i);
            } else {
                f.chosen.push(value);
            }
            return;
        }
        f.value = value;
        self.picker = None;
        self.rebuild();
    }

    /// Whether the highlighted entry of an open list of several is ticked.
    fn highlighted_is_ticked(&self) -> bool {
        let Some(p) = &self.picker else { return false };
        let Some(value) = self.filtered().get(p.cursor).map(|c| c.value.clone()) else { return false };
        self.focused().is_some_and(|f| f.chosen.contains(&value))
    }

    /// Closes the picker without choosing.
    pub fn picker_cancel(&mut self) {
        self.picker = None;
    }

    fn required(&self, key: FieldKey) -> Result<String, FormError> {
        let f = self.fields.iter().find(|f| f.key == key).ok_or(FormError::Incomplete)?;
        if f.value.trim().is_empty() {
            return Err(if f.kind == FieldKind::Choice && f.choices.is_empty() {
                FormError::NothingToChoose(match key {
                    FieldKey::Arg(Arg::Indicator) => "this actor holds no indicator yet".to_string(),
                    FieldKey::Arg(Arg::OwnAsset) => "this actor owns no asset".to_string(),
                    FieldKey::Arg(Arg::Jurisdiction) => {
                        "this actor answers for no local jurisdiction".to_string()
                    }
                    FieldKey::Arg(Arg::Campaign) => "this adversary has no campaign".to_string(),
                    _ => format!("nothing to choose for {}", f.label.to_lowercase()),
                })
            } else {
                FormError::Required(f.label.to_lowercase())
            });
        }
        Ok(f.value.trim().to_string())
    }

    fn number(&self, key: FieldKey) -> Result<Option<f64>, FormError> {
        let Some(f) = self.fields.iter().find(|f| f.key == key) else { return Ok(None) };
        let label = || f.label.to_lowercase();
        if f.value.trim().is_empty() {
            return if f.optional { Ok(None) } else { Err(FormError::Required(label())) };
        }
        let v: f64 = f
            .value
            .trim()
            .parse()
            .map_err(|_| FormError::NotANumber { label: label(), text: f.value.clone() })?;
        if let FieldKind::Number { min, max } = f.kind
            && !(min..=max).contains(&v)
        {
            return Err(FormError::OutOfRange { label: label(), min, max });
        }
        Ok(Some(v))
    }

    /// The command the form describes, or what is missing: its fields, read as the command
    /// table says.
    pub fn command(&self) -> Result<Command, FormError> {
        let kind = self.kind().ok_or(FormError::NoCommand)?;
        let spec = kind.spec();
        let actor = match spec.givers {
            Givers::Actors(_) => Some(self.required(FieldKey::Actor)?),
            Givers::Control => None,
        };
        let mut values = Vec::new();
        for f in spec.fields {
            if let Some(v) = self.value_of(f.arg)? {
                values.push((f.name, v));
            }
        }
        spec.build(actor.as_deref(), values).map_err(|e| FormError::Command(e.to_string()))
    }

    /// One argument's value as the command's JSON holds it (None: left out).
    fn value_of(&self, arg: Arg) -> Result<Option<Value>, FormError> {
        Ok(Some(match arg {
            Arg::Hours => {
                Value::from(self.number(FieldKey::Arg(Arg::Hours))?.map_or(2, |h| h.round() as u32))
            }
            Arg::Description => {
                Value::from(self.get(FieldKey::Arg(Arg::Description)).unwrap_or_default().trim())
            }
            Arg::Teams => Value::from(
                self.fields
                    .iter()
                    .find(|f| f.key == FieldKey::Arg(Arg::Teams))
                    .map(|f| f.chosen.clone())
                    .unwrap_or_default(),
            ),
            Arg::Effects => {
                serde_json::to_value(vec![self.effect()?]).map_err(|e| FormError::Command(e.to_string()))?
            }
            Arg::State | Arg::AnyJurisdiction => match self.get(FieldKey::Arg(arg)).filter(|v| !v.is_empty())
            {
                Some(v) => Value::from(v),
                None => return Ok(None),
            },
            other => other
                .read(&self.required(FieldKey::Arg(other))?)
                .map_err(|e| FormError::Command(e.to_string()))?,
        }))
    }

    /// An ad-hoc inject's effect, from its title, description, effect and amount.
    fn effect(&self) -> Result<Effect, FormError> {
        let title = self.required(FieldKey::Arg(Arg::Title))?;
        let description = self.get(FieldKey::Arg(Arg::Description)).unwrap_or_default().trim().to_string();
        let amount = self.number(FieldKey::Amount)?;
        let text = if description.is_empty() { title.clone() } else { description };
        Ok(match self.required(FieldKey::Arg(Arg::Effects))?.as_str() {
            "news" => Effect::News(text),
            "disinformation" => Effect::Disinformation {
                intensity: amount.ok_or(FormError::NeedsAmount("disinformation surge", ""))?.abs(),
                about: title,
            },
            "confidence" => {
                Effect::Confidence(amount.ok_or(FormError::NeedsAmount("confidence change", ", + or -"))?)
            }
            _ => Effect::Message(text),
        })
    }
}

impl Catalog {
    /// The team, actor and command fields, pushed onto `fields`: each keeps its previous value
    /// if still offered. Returns the actor acted for and the command chosen.
    fn head_fields<'a>(
        &'a self,
        prev: impl Fn(FieldKey) -> Option<&'a str>,
        fields: &mut Vec<Field>,
    ) -> (Option<&'a ActorEntry>, Option<CommandKind>) {
        let team_choices = self.team_choices();
        let team = pick(prev(FieldKey::Team), &team_choices);
        fields.push(Field::new(FieldKey::Team, "Team", FieldKind::Choice).choices(team_choices).value(&team));
        let mut actor_entry: Option<&ActorEntry> = None;
        let commands: Vec<CommandKind> = if team == CONTROL {
            control_commands()
        } else {
            let actors: Vec<Choice> = self
                .teams
                .iter()
                .find(|t| t.id == team)
                .map(|t| {
                    t.actors
                        .iter()
                        .filter_map(|a| self.actor(a))
                        .map(|a| Choice::new(&a.id, format!("{} ({})", a.name, a.id)))
                        .collect()
                })
                .unwrap_or_default();
            let actor = pick(prev(FieldKey::Actor), &actors);
            actor_entry = self.actor(&actor);
            // A cell that plays no actor (the white cell) only makes injects: no "Acting as".
            if !actors.is_empty() {
                fields.push(
                    Field::new(FieldKey::Actor, "Acting as", FieldKind::Choice).choices(actors).value(&actor),
                );
            }
            let mut commands = actor_entry.map(|a| a.commands.clone()).unwrap_or_default();
            if self.template_cell {
                commands.push(CommandKind::InjectFromTemplate);
            }
            commands
        };
        let command_choices: Vec<Choice> = commands
            .iter()
            .map(|k| Choice::new(k.name(), format!("{} - {}", k.name().replace('_', " "), describe(*k))))
            .collect();
        let command = pick(prev(FieldKey::Command), &command_choices);
        fields.push(
            Field::new(FieldKey::Command, "Command", FieldKind::Choice)
                .choices(command_choices)
                .value(&command),
        );
        (actor_entry, CommandKind::ALL.iter().copied().find(|k| k.name() == command))
    }

    /// The fields of a command's arguments, as the command table lists them.
    fn param_fields(&self, kind: CommandKind, actor: Option<&ActorEntry>) -> Vec<Field> {
        kind.spec().fields.iter().flat_map(|f| self.arg_fields(f.arg, actor)).collect()
    }

    /// The form fields for one argument, with what they choose from.
    fn arg_fields(&self, arg: Arg, a: Option<&ActorEntry>) -> Vec<Field> {
        let choice = |label| Field::new(FieldKey::Arg(arg), label, FieldKind::Choice);
        let mine = |list: fn(&ActorEntry) -> &Vec<Choice>| a.map(|a| list(a).clone()).unwrap_or_default();
        let team_list = || -> Vec<Choice> {
            self.teams.iter().map(|t| Choice::new(&t.id, format!("{} ({})", t.name, t.id))).collect()
        };
        let field = match arg {
            Arg::OwnAsset => choice("Asset").choices(mine(|a| &a.assets)),
            Arg::AnyAsset => choice("Asset").choices(self.assets.clone()),
            Arg::Jurisdiction => choice("Jurisdiction").choices(mine(|a| &a.jurisdictions)),
            Arg::Hours => {
                Field::new(FieldKey::Arg(Arg::Hours), "Extra hours", FieldKind::Number { min: 1.0, max: 6.0 })
                    .value("2")
                    .hint("1 to 6")
            }
            Arg::Indicator => choice("Indicator").choices(mine(|a| &a.indicators)),
            Arg::Channel => choice("Channel").choices(
                a.map(|a| a.channels.iter().map(|c| Choice::new(c.slug(), channel_label(*c))).collect())
                    .unwrap_or_default(),
            ),
            Arg::Victim => choice("Victim").choices(self.victims.clone()),
            Arg::Statement => choice("Statement").choices(vec![
                Choice::new("reassure", "reassure: what happened, what is being done"),
                Choice::new("debunk", "debunk a false claim"),
            ]),
            Arg::Adversary => choice("Adversary").choices(self.adversaries.clone()),
            Arg::Campaign => choice("Campaign").choices(
                self.campaigns
                    .iter()
                    .filter(|c| a.is_some_and(|a| a.id == c.actor))
                    .map(|c| Choice::new(&c.id, format!("{} ({})", c.name, c.id)))
                    .collect(),
            ),
            Arg::Inject => choice("Inject").choices(self.injects.clone()),
            Arg::Title => {
                Field::new(FieldKey::Arg(Arg::Title), "Title", FieldKind::Text).hint("what the players hear")
            }
            Arg::Description => {
                Field::new(FieldKey::Arg(Arg::Description), "Description", FieldKind::Text).optional()
            }
            Arg::Teams => Field::new(FieldKey::Arg(Arg::Teams), "Addressed to", FieldKind::Multi)
                .choices(team_list())
                .optional()
                .hint("none: everyone"),
            Arg::Effects => {
                return vec![
                    choice("Effect").choices(EFFECTS.iter().map(|(v, l)| Choice::new(*v, *l)).collect()),
                    Field::new(FieldKey::Amount, "Amount", FieldKind::Number { min: -50.0, max: 50.0 })
                        .optional()
                        .hint("points, for disinformation or confidence"),
                ];
            }
            Arg::Template => choice("Template").choices(
                self.templates
                    .iter()
                    .map(|t| {
                        let cell = match t.cell {
                            TeamRole::RedCell => "red",
                            TeamRole::WhiteCell => "white",
                            TeamRole::Player => "player",
                        };
                        Choice::new(&t.id, format!("{} ({cell} cell)", t.title))
                    })
                    .collect(),
            ),
            Arg::State => {
                let mut states = vec![Choice::new("", "(anywhere)")];
                states.extend(self.states.iter().cloned());
                choice("In state").choices(states).optional()
            }
            Arg::AnyJurisdiction => {
                let mut jurisdictions = vec![Choice::new("", "(any)")];
                jurisdictions.extend(self.jurisdictions.iter().cloned());
                choice("At jurisdiction").choices(jurisdictions).optional()
            }
            Arg::Team => choice("Team to mark").choices(team_list()),
            Arg::Staffed => choice("Staffed").choices(vec![
                Choice::new("yes", "yes: people play it (its actors stop following doctrine)"),
                Choice::new("no", "no: its actors follow their doctrine"),
            ]),
        };
        vec![field]
    }
}

/// The previous value if it is still a choice, else the first choice.
fn pick(prev: Option<&str>, choices: &[Choice]) -> String {
    match prev {
        Some(p) if choices.iter().any(|c| c.value == p) => p.to_string(),
        _ => choices.first().map(|c| c.value.clone()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use ttx_engine::{Sim, builtin};

    fn catalog() -> Catalog {
        let sc = builtin::default_scenario().unwrap();
        let sim = Sim::new(&sc, 1);
        let mut ind = BTreeMap::new();
        ind.insert("harbor".to_string(), vec![indicator_choice(3, "phishing", "Spoofed-vendor phishing")]);
        Catalog::from_registry(sim.registry(), &sim.inject_views(), &ind)
    }

    #[test]
    fn a_new_form_starts_on_the_first_team_actor_and_command() {
        let f = CommandForm::new(catalog());
        assert_eq!(f.get(FieldKey::Team), Some("cisa"));
        assert_eq!(f.get(FieldKey::Actor), Some("dhs"));
        assert!(f.kind().is_some());
        assert!(f.command().is_ok(), "{:?}", f.command());
    }

    #[test]
    fn choosing_the_team_narrows_actors_commands_and_targets() {
        let mut f = CommandForm::new(catalog());
        assert!(f.set(FieldKey::Team, "pa"));
        assert!(f.set(FieldKey::Actor, "harbor"));
        assert!(f.set(FieldKey::Command, "isolate"));
        let asset = f.fields.iter().find(|x| x.key == FieldKey::Arg(Arg::OwnAsset)).unwrap();
        assert!(asset.choices.iter().all(|c| c.value.starts_with("harbor/")), "{:?}", asset.choices);
        assert!(f.set(FieldKey::Arg(Arg::OwnAsset), "harbor/office"));
        assert_eq!(
            f.command(),
            Ok(Command::Isolate { actor: "harbor".into(), asset: "harbor/office".into() })
        );
        // A county may not issue a DHS deployment: the form does not offer it.
        let cmds = &f.fields.iter().find(|x| x.key == FieldKey::Command).unwrap().choices;
        assert!(!cmds.iter().any(|c| c.value == "deploy_onsite"));
        assert!(!f.set(FieldKey::Command, "deploy_onsite"));
    }

    #[test]
    fn indicators_and_channels_follow_the_actor() {
        let mut f = CommandForm::preset(catalog(), "pa", Some("harbor"), Some(CommandKind::ShareIndicator));
        assert_eq!(f.get(FieldKey::Arg(Arg::Indicator)), Some("3"));
        let ch = &f.fields.iter().find(|x| x.key == FieldKey::Arg(Arg::Channel)).unwrap().choices;
        let slugs: Vec<&str> = ch.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(slugs, ["local_to_state", "member_to_isac", "report_to_fbi"]);
        assert!(f.set(FieldKey::Arg(Arg::Channel), "member_to_isac"));
        assert_eq!(
            f.command(),
            Ok(Command::ShareIndicator {
                actor: "harbor".into(),
                indicator: 3,
                channel: Channel::MemberToIsac
            })
        );
        // Another county holds nothing yet: the form says so instead of sending a bad command.
        f.set(FieldKey::Actor, "ridge");
        assert_eq!(
            f.command().map_err(|e| e.to_string()),
            Err("this actor holds no indicator yet".to_string())
        );
    }

    #[test]
    fn typing_and_the_picker() {
        let mut f = CommandForm::preset(catalog(), CONTROL, None, Some(CommandKind::AdHocInject));
        assert_eq!(f.focused().map(|x| x.key), Some(FieldKey::Arg(Arg::Title)));
        assert_eq!(f.command(), Err(FormError::Required("title".into())));
        for c in "Vendor line busy".chars() {
            f.input(c);
        }
        f.backspace();
        f.input('y');
        f.focus_next();
        f.focus_next();
        assert_eq!(f.focused().map(|x| x.key), Some(FieldKey::Arg(Arg::Teams)));
        f.input('v');
        f.input('e');
        f.input('n');
        assert_eq!(f.filtered().len(), 1, "typing narrows the list");
        f.picker_accept();
        f.picker_cancel();
        f.focus_next();
        f.cycle(3);
        assert_eq!(f.get(FieldKey::Arg(Arg::Effects)), Some("confidence"));
        assert_eq!(
            f.command().map_err(|e| e.to_string()),
            Err("a confidence change needs an amount (points, + or -)".to_string())
        );
        f.focus_next();
        for c in "-2".chars() {
            f.input(c);
        }
        assert_eq!(
            f.command(),
            Ok(Command::AdHocInject {
                title: "Vendor line busy".into(),
                description: String::new(),
                teams: vec!["vendor".into()],
                effects: vec![Effect::Confidence(-2.0)],
            })
        );
    }

    #[test]
    fn enter_in_a_list_of_several_keeps_every_tick() {
        let mut f = CommandForm::new(catalog());
        assert!(f.set(FieldKey::Team, CONTROL));
        assert!(f.set(FieldKey::Command, CommandKind::AdHocInject.name()));
        f.focus = f.fields.iter().position(|x| x.kind == FieldKind::Multi).expect("an addressed-to list");
        f.key(Common::Select.into());
        f.key(Common::Toggle.into());
        f.key(Common::Down.into());
        f.key(Common::Toggle.into());
        f.key(Common::Select.into());
        assert!(f.picker.is_none(), "Enter closes the list");
        assert_eq!(f.fields[f.focus].chosen.len(), 2, "{:?}", f.fields[f.focus].chosen);
        // Enter on an entry not ticked yet ticks it.
        f.key(Common::Select.into());
        f.key(Common::Down.into());
        f.key(Common::Down.into());
        f.key(Common::Select.into());
        assert_eq!(f.fields[f.focus].chosen.len(), 3, "{:?}", f.fields[f.focus].chosen);
    }

    #[test]
    fn numbers_are_checked_against_their_range() {
        let mut f = CommandForm::preset(catalog(), "ga", Some("GA"), Some(CommandKind::ExtendHours));
        let hours = f.fields.iter().position(|x| x.key == FieldKey::Arg(Arg::Hours)).unwrap();
        f.focus = hours;
        f.backspace();
        f.input('9');
        assert_eq!(
            f.command().map_err(|e| e.to_string()),
            Err("extra hours must be from 1 to 6".to_string())
        );
        f.backspace();
        f.input('3');
        assert!(matches!(f.command(), Ok(Command::ExtendHours { hours: 3, .. })));
    }

    #[test]
    fn a_white_cell_console_offers_its_templates() {
        let sc = builtin::default_scenario().unwrap();
        let sim = Sim::new(&sc, 1);
        let cat = Catalog::from_team_view(&sim.team_view("white").unwrap());
        assert!(cat.template_cell && cat.actors.is_empty());
        let mut f = CommandForm::new(cat);
        assert_eq!(f.kind(), Some(CommandKind::InjectFromTemplate));
        assert!(f.set(FieldKey::Arg(Arg::Template), "vendor_busy"));
        assert_eq!(
            f.command(),
            Ok(Command::InjectFromTemplate {
                template: "vendor_busy".into(),
                state: None,
                jurisdiction: None
            })
        );
    }

    #[test]
    fn the_facilitator_is_offered_only_teams_it_can_act_for() {
        let f = CommandForm::new(catalog());
        let teams: Vec<&str> = f.fields[0].choices.iter().map(|c| c.value.as_str()).collect();
        assert!(!teams.contains(&"white"), "the white cell plays no actor: {teams:?}");
        assert_eq!(teams.last(), Some(&CONTROL));
    }

    #[test]
    fn a_team_catalog_offers_only_its_own_actors() {
        let sc = builtin::default_scenario().unwrap();
        let sim = Sim::new(&sc, 1);
        let view = sim.team_view("wi").unwrap();
        let cat = Catalog::from_team_view(&view);
        assert!(!cat.control);
        assert!(cat.actors.iter().all(|a| a.id == "WI" || view.actors.iter().any(|x| x.id == a.id)));
        let f = CommandForm::new(cat);
        let teams = &f.fields[0].choices;
        assert_eq!(teams.len(), 1);
        assert_eq!(teams[0].value, "wi");
    }
}
