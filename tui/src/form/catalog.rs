//! The catalog a command form chooses from: teams, actors with their assets and channels,
//! jurisdictions, indicators, injects, campaigns and templates, as plain data. The
//! facilitator's console builds it from the scenario's registry
//! ([`Catalog::from_registry`]); a team console from its view ([`Catalog::from_team_view`]).

use ttx_engine::command::{CommandKind, channel_senders};
use ttx_engine::model::registry::{ActorKind, Registry};
use ttx_engine::scenario::schema::{Channel, TeamRole};
use ttx_engine::view::{InjectView, TeamView};

/// One entry of a choice list: the value sent to the engine and what a person reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The value (an id).
    pub value: String,
    /// What is shown.
    pub label: String,
}

impl Choice {
    /// A choice.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Choice { value: value.into(), label: label.into() }
    }
}

/// A team and the actors it plays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamEntry {
    /// Team id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Actor ids.
    pub actors: Vec<String>,
}

/// An actor someone may act for, and what it can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActorEntry {
    /// Actor id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ActorKind,
    /// The assets it owns.
    pub assets: Vec<Choice>,
    /// The local jurisdictions it answers for (itself, or its state's locals).
    pub jurisdictions: Vec<Choice>,
    /// The indicators it holds.
    pub indicators: Vec<Choice>,
    /// The commands its kind may give.
    pub commands: Vec<CommandKind>,
    /// The channels it may share an indicator on.
    pub channels: Vec<Channel>,
}

/// The channels an actor of a kind may send on, by kind alone; with `member` known, those
/// that need EI-ISAC membership only for a member.
pub fn kind_channels(kind: ActorKind, member: Option<bool>) -> Vec<Channel> {
    Channel::ALL
        .iter()
        .copied()
        .filter(|c| channel_senders(*c).contains(&kind))
        .filter(|c| member != Some(false) || !matches!(c, Channel::MemberToIsac | Channel::StateToIsac))
        .collect()
}

/// A campaign and the adversary actor that runs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignEntry {
    /// Campaign id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The adversary's actor id.
    pub actor: String,
}

/// An inject template and the cell that may use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateEntry {
    /// Template id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The cell that may use it.
    pub cell: TeamRole,
}

/// Everything the command forms choose from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    /// Teams.
    pub teams: Vec<TeamEntry>,
    /// Actors that can give at least one command.
    pub actors: Vec<ActorEntry>,
    /// Every asset (on-site deployments may go anywhere).
    pub assets: Vec<Choice>,
    /// Who may be notified as a victim.
    pub victims: Vec<Choice>,
    /// Adversaries.
    pub adversaries: Vec<Choice>,
    /// Campaigns.
    pub campaigns: Vec<CampaignEntry>,
    /// Scripted injects.
    pub injects: Vec<Choice>,
    /// Inject templates.
    pub templates: Vec<TemplateEntry>,
    /// States in the exercise.
    pub states: Vec<Choice>,
    /// Local jurisdictions.
    pub jurisdictions: Vec<Choice>,
    /// Whether exercise-control commands are offered (the facilitator).
    pub control: bool,
    /// Whether the team may fire injects from its cell's templates (a red or white cell's console).
    pub template_cell: bool,
}

/// The team choice that stands for exercise control (facilitator-only commands).
pub const CONTROL: &str = "@control";

/// Exercise-control commands, in the order the form offers them (the command table's).
pub fn control_commands() -> Vec<CommandKind> {
    CommandKind::ALL.iter().copied().filter(|k| k.is_control()).collect()
}

fn kind_commands(kind: ActorKind) -> Vec<CommandKind> {
    CommandKind::ALL.iter().copied().filter(|k| k.allowed_kinds().contains(&kind)).collect()
}

impl Catalog {
    /// The facilitator's catalog: every team and actor of the scenario, exercise control,
    /// the injects as they stand, and the indicators each actor holds (by actor id).
    pub fn from_registry(
        reg: &Registry,
        injects: &[InjectView],
        indicators: &std::collections::BTreeMap<String, Vec<Choice>>,
    ) -> Catalog {
        let actor_ids = |v: &[ttx_engine::model::registry::ActorIx]| -> Vec<String> {
            v.iter().map(|a| reg.actor(*a).id.clone()).collect()
        };
        let locals_of = |a: &ttx_engine::model::registry::ActorInfo| -> Vec<Choice> {
            match (a.kind, a.state) {
                (ActorKind::Local, _) => vec![Choice::new(&a.id, format!("{} ({})", a.name, a.id))],
                (ActorKind::StateOffice, Some(s)) => reg.states[s.ix()]
                    .locals
                    .iter()
                    .map(|l| {
                        let l = reg.actor(*l);
                        Choice::new(&l.id, format!("{} ({})", l.name, l.id))
                    })
                    .collect(),
                _ => vec![],
            }
        };
        let actors = reg
            .actors
            .iter()
            .filter(|a| !kind_commands(a.kind).is_empty())
            .map(|a| ActorEntry {
                id: a.id.clone(),
                name: a.name.clone(),
                kind: a.kind,
                assets: a
                    .assets
                    .iter()
                    .map(|x| {
                        let info = reg.asset(*x);
                        Choice::new(&info.id, format!("{} ({})", info.id, info.kind.label()))
                    })
                    .collect(),
                jurisdictions: locals_of(a),
                indicators: indicators.get(&a.id).cloned().unwrap_or_default(),
                commands: kind_commands(a.kind),
                channels: kind_channels(a.kind, None),
            })
            .collect();
        Catalog {
            teams: reg
                .teams
                .iter()
                .map(|t| TeamEntry { id: t.id.clone(), name: t.name.clone(), actors: actor_ids(&t.actors) })
                .collect(),
            actors,
            assets: reg
                .assets
                .iter()
                .map(|a| Choice::new(&a.id, format!("{} ({})", a.id, a.kind.label())))
                .collect(),
            victims: reg
                .actors
                .iter()
                .filter(|a| matches!(a.kind, ActorKind::Local | ActorKind::StateOffice | ActorKind::Vendor))
                .map(|a| Choice::new(&a.id, format!("{} ({})", a.name, a.id)))
                .collect(),
            adversaries: reg
                .adversaries
                .iter()
                .map(|a| Choice::new(&a.id, format!("{} ({})", a.name, a.id)))
                .collect(),
            campaigns: reg
                .campaigns
                .iter()
                .map(|c| CampaignEntry {
                    id: c.spec.id.clone(),
                    name: c.spec.name.clone(),
                    actor: reg.actor(reg.adversaries[c.adversary.ix()].actor).id.clone(),
                })
                .collect(),
            injects: injects
                .iter()
                .map(|i| Choice::new(&i.id, format!("{} [{}] {}", i.id, i.state, i.title)))
                .collect(),
            templates: reg
                .templates
                .iter()
                .map(|t| TemplateEntry { id: t.id.clone(), title: t.title.clone(), cell: t.cell })
                .collect(),
            states: reg
                .states
                .iter()
                .map(|s| Choice::new(&s.postal, format!("{} ({})", s.name, s.postal)))
                .collect(),
            jurisdictions: reg
                .actors
                .iter()
                .filter(|a| a.kind == ActorKind::Local)
                .map(|a| Choice::new(&a.id, format!("{} ({})", a.name, a.id)))
                .collect(),
            control: true,
            template_cell: false,
        }
    }

    /// A team console's catalog, from what the team may see: its own actors, their assets
    /// and indicators, and its cell's templates. No exercise control.
    pub fn from_team_view(view: &TeamView) -> Catalog {
        let locals: Vec<Choice> = view
            .actors
            .iter()
            .filter(|a| a.kind == ActorKind::Local)
            .map(|a| Choice::new(&a.id, format!("{} ({})", a.name, a.id)))
            .collect();
        let actors = view
            .actors
            .iter()
            .filter(|a| !a.commands.is_empty())
            .map(|a| ActorEntry {
                id: a.id.clone(),
                name: a.name.clone(),
                kind: a.kind,
                assets: a
                    .assets
                    .iter()
                    .map(|x| Choice::new(&x.id, format!("{} ({})", x.id, x.kind.label())))
                    .collect(),
                jurisdictions: match a.kind {
                    ActorKind::Local => vec![Choice::new(&a.id, format!("{} ({})", a.name, a.id))],
                    ActorKind::StateOffice => locals.clone(),
                    _ => vec![],
                },
                indicators: view
                    .indicators
                    .iter()
                    .filter(|i| i.held_by.contains(&a.id))
                    .map(|i| indicator_choice(i.number, &i.technique, &i.activity))
                    .collect(),
                commands: a.commands.clone(),
                channels: kind_channels(a.kind, Some(a.isac_member)),
            })
            .collect();
        Catalog {
            teams: vec![TeamEntry {
                id: view.team.clone(),
                name: view.name.clone(),
                actors: view.actors.iter().map(|a| a.id.clone()).collect(),
            }],
            actors,
            jurisdictions: locals,
            templates: view
                .templates
                .iter()
                .map(|(id, title)| TemplateEntry { id: id.clone(), title: title.clone(), cell: view.role })
                .collect(),
            template_cell: !view.templates.is_empty(),
            ..Catalog::default()
        }
    }

    pub(super) fn actor(&self, id: &str) -> Option<&ActorEntry> {
        self.actors.iter().find(|a| a.id == id)
    }

    pub(super) fn team_choices(&self) -> Vec<Choice> {
        let mut v: Vec<Choice> = self
            .teams
            .iter()
            .filter(|t| t.actors.iter().any(|a| self.actor(a).is_some()) || self.template_cell)
            .map(|t| Choice::new(&t.id, format!("{} ({})", t.name, t.id)))
            .collect();
        if self.control {
            v.push(Choice::new(CONTROL, "Exercise control (facilitator)"));
        }
        v
    }
}

/// A choice for an indicator.
pub fn indicator_choice(number: u32, technique: &str, activity: &str) -> Choice {
    Choice::new(number.to_string(), format!("IND-{number:04} {technique} ({activity})"))
}
