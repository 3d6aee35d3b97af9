//! The `commands!` macro, which turns the command table (`table.rs`) into code: from one entry
//! per command it makes the [`super::Command`] enum (each variant with its doc comment, fields,
//! field docs and serde attributes; [`super::CommandKind`] follows from it through strum), the
//! command's [`super::CommandSpec`] in [`super::spec::SPECS`], and its arms of `Command::parts`
//! (its acting actor and what it names) and `Command::show_field` (a field's value as its log
//! line writes it).
//!
//! An entry reads:
//!
//! ```text
//! /// Doc comment of the variant and of its kind (docs/scenarios.md shows it).
//! Variant {
//!     name: "snake_case_name",          // as the journal writes it
//!     doc: "a few words on what it does",
//!     givers: Givers::Control,          // or Givers::Actors(&[...])
//!     parts: (actor, asset),            // acting-actor field and named field, or `_`
//!     summary: "{actor}: ...",          // the log line (see `CommandSpec::summary`)
//!     fields: {
//!         /// Field doc.
//!         actor: String,                // no `[...]`: not an argument (the acting actor)
//!         /// Field doc.
//!         #[serde(default)]
//!         asset: Option<String> [AnyAsset, optional],   // its `Arg`, and whether optional
//!     },
//! },
//! ```

/// Makes `Command`, `SPECS`, `Command::parts` and `Command::show_field` from the entries of the
/// command table (see the module's doc for an entry's form).
macro_rules! commands {
    (@actor _) => { None };
    (@actor $actor:ident) => { Some($actor.as_str()) };
    (@target _) => { "" };
    (@target $target:ident) => { $crate::command::Target::target_str($target) };
    (@optional) => { false };
    (@optional optional) => { true };
    (@arg) => { None };
    (@arg $arg:ident) => { Some(Arg::$arg) };
    (
        $(
            $(#[$vmeta:meta])*
            $variant:ident {
                name: $name:literal,
                doc: $doc:literal,
                givers: $givers:expr,
                parts: ($actor:tt, $target:tt),
                summary: $summary:literal,
                fields: {
                    $(
                        $(#[$fmeta:meta])*
                        $field:ident : $fty:ty $([$arg:ident $(, $optional:ident)?])?
                    ),* $(,)?
                } $(,)?
            }
        ),* $(,)?
    ) => {
        /// Every action a player, a doctrine, an inject or the facilitator can take.
        ///
        /// Declared in the command table (`engine/src/command/table.rs`), one entry per
        /// command, which also makes its [`CommandKind`] (variant for variant, in the same
        /// order), its entry in [`spec::SPECS`](super::spec::SPECS) and what
        /// [`Command::actor`] and [`Command::target`] give. A variant's doc comment is also its
        /// kind's, which the scenario reference of docs/scenarios.md shows.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, strum::EnumDiscriminants)]
        #[serde(tag = "type", rename_all = "snake_case")]
        #[strum_discriminants(
            name(CommandKind),
            vis(pub),
            derive(PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema, strum::EnumCount),
            serde(rename_all = "snake_case"),
            doc = "The kinds of command, for forms and authority tables: one per command, named as the \
                   journal names it."
        )]
        pub enum Command {
            $(
                $(#[$vmeta])*
                $variant {
                    $(
                        $(#[$fmeta])*
                        $field: $fty,
                    )*
                },
            )*
        }

        /// Every command, one per [`CommandKind`] in kind order.
        pub const SPECS: &[CommandSpec; <CommandKind as strum::EnumCount>::COUNT] = &[
            $(
                CommandSpec {
                    kind: CommandKind::$variant,
                    name: $name,
                    doc: $doc,
                    givers: $givers,
                    fields: &[
                        $($(
                            FieldSpec {
                                name: stringify!($field),
                                arg: Arg::$arg,
                                optional: commands!(@optional $($optional)?),
                            },
                        )?)*
                    ],
                    summary: $summary,
                },
            )*
        ];

        impl Command {
            /// The acting actor (for actor commands) and what the command names (see
            /// [`Command::target`]), as the command table declares them.
            #[allow(unused_variables)]
            pub(crate) fn parts(&self) -> (Option<&str>, &str) {
                match self {
                    $(
                        Command::$variant { $($field),* } => {
                            (commands!(@actor $actor), commands!(@target $target))
                        }
                    )*
                }
            }

            /// Writes the value of the field `name` as the command's log line shows it (see
            /// [`CommandSpec::summary`]); false, writing nothing, if the command has no such
            /// field or leaves it out.
            #[allow(unused_variables)]
            pub(crate) fn show_field(&self, name: &str, out: &mut String) -> bool {
                match self {
                    $(
                        Command::$variant { $($field),* } => {
                            $(
                                if name == stringify!($field) {
                                    return $crate::command::spec::Show::show(
                                        $field,
                                        commands!(@arg $($arg)?),
                                        out,
                                    );
                                }
                            )*
                            false
                        }
                    )*
                }
            }
        }
    };
}
