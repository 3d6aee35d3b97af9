//! The canonical serialisation a scenario's hash is taken over ([`Scenario::hash`]), cut at
//! the spec's top-level fields, and the spec's top-level fields replaced one at a time.
//!
//! A design of a batch makes thousands of scenarios that differ from one base in a few
//! numbers of one or two top-level sections (`sharing`, `doctrines`). [`Canonical`] keeps the
//! base's serialisation of every top-level field, so such a scenario is hashed by writing
//! only the fields that may differ and feeding the kept ones to the hasher as they are: the
//! same bytes in the same order as [`ron::ser::to_string`] of the whole spec, so the same
//! hash.
//!
//! [`Scenario::hash`]: super::Scenario::hash

use serde::{Deserialize, Deserializer};

use super::schema::ScenarioSpec;
use crate::rng::StableHasher;

/// Writes `$body` for every top-level field of [`ScenarioSpec`], in declaration order (the
/// order the serialisation writes them in). The guard tests check the list is whole.
macro_rules! top_fields {
    ($m:ident) => {
        $m! {
            name,
            description,
            background,
            objectives,
            clock,
            modules,
            geography,
            teams,
            vendors,
            posture,
            sharing,
            techniques,
            adversaries,
            doctrines,
            public,
            electorate,
            eo13848,
            injects,
            inject_templates,
            evaluation
        }
    };
}

macro_rules! field_names {
    ($($f:ident),*) => {
        /// The spec's top-level fields as a scenario file names them, in the order they are written.
        pub const FIELDS: &[&str] = &[$(stringify!($f)),*];
    };
}
top_fields!(field_names);

macro_rules! replace_field {
    ($($f:ident),*) => {
        /// Replaces the top-level field named `key` (as a scenario file writes it) with a value
        /// read from `value`, exactly as reading the whole spec would read it; `Ok(false)`, and
        /// nothing changed, when the spec has no such field.
        pub fn replace_field<'de, D: Deserializer<'de>>(
            spec: &mut ScenarioSpec,
            key: &str,
            value: D,
        ) -> Result<bool, D::Error> {
            match key {
                $(stringify!($f) => spec.$f = Deserialize::deserialize(value)?,)*
                _ => return Ok(false),
            }
            Ok(true)
        }
    };
}
top_fields!(replace_field);

macro_rules! write_field {
    ($($f:ident),*) => {
        /// The canonical serialisation of one top-level field's value; `None` for a field the
        /// serialisation leaves out (an empty `background`) or no field of that name.
        fn write_field(spec: &ScenarioSpec, key: &str) -> Option<Result<String, ron::Error>> {
            if key == "background" && spec.background.is_empty() {
                return None;
            }
            match key {
                $(stringify!($f) => Some(ron::ser::to_string(&spec.$f)),)*
                _ => None,
            }
        }
    };
}
top_fields!(write_field);

/// A spec's canonical serialisation cut at its top-level fields.
#[derive(Clone, Debug)]
pub struct Canonical {
    /// Every top-level field in [`FIELDS`] order with its value written (`None`: left out).
    fields: Vec<(&'static str, Option<String>)>,
}

impl Canonical {
    /// The cut serialisation of `spec`; `None` when its pieces, joined as the serialisation
    /// joins a struct's fields, are not the bytes of the whole spec's serialisation (then the
    /// whole spec must be written for every hash).
    pub fn of(spec: &ScenarioSpec) -> Option<Canonical> {
        let whole = ron::ser::to_string(spec).ok()?;
        let mut fields = Vec::with_capacity(FIELDS.len());
        for key in FIELDS {
            let value = match write_field(spec, key) {
                Some(v) => Some(v.ok()?),
                None => None,
            };
            fields.push((*key, value));
        }
        let cut = Canonical { fields };
        let mut joined = Vec::with_capacity(whole.len());
        cut.write(spec, &[], |piece| joined.extend_from_slice(piece)).ok()?;
        (joined == whole.as_bytes()).then_some(cut)
    }

    /// Feeds the serialisation of `spec` to `out` in pieces: the fields named in `changed`
    /// written from `spec`, the others as kept. `spec` must equal the spec this was made
    /// from in every other field.
    fn write(
        &self,
        spec: &ScenarioSpec,
        changed: &[&str],
        mut out: impl FnMut(&[u8]),
    ) -> Result<(), ron::Error> {
        out(b"(");
        let mut first = true;
        for (key, kept) in &self.fields {
            let fresh;
            let value = if changed.contains(key) {
                fresh = write_field(spec, key).transpose()?;
                fresh.as_deref()
            } else {
                kept.as_deref()
            };
            let Some(value) = value else { continue };
            if !first {
                out(b",");
            }
            first = false;
            out(key.as_bytes());
            out(b":");
            out(value.as_bytes());
        }
        out(b")");
        Ok(())
    }

    /// The hash of `spec`'s canonical serialisation (the hash [`super::Scenario::from_spec`]
    /// gives it), for a spec that differs from the one this was made from at most in the
    /// top-level fields named in `changed`.
    pub fn hash(&self, spec: &ScenarioSpec, changed: &[&str]) -> Result<u64, ron::Error> {
        let mut h = StableHasher::new();
        self.write(spec, changed, |piece| {
            h.bytes(piece);
        })?;
        Ok(h.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin::BUILTINS;
    use crate::rng::stable_hash;
    use crate::scenario::Scenario;

    fn builtins() -> Vec<Scenario> {
        BUILTINS.iter().map(|b| Scenario::parse(b.name, b.source).expect("a built-in parses")).collect()
    }

    #[test]
    fn the_field_list_is_every_top_level_field_in_order() {
        for sc in builtins() {
            let tree = serde_json::to_value(sc.spec()).expect("a spec writes to JSON");
            let keys: Vec<&str> = tree.as_object().expect("an object").keys().map(String::as_str).collect();
            let listed: Vec<&str> = FIELDS.iter().copied().filter(|f| keys.contains(f)).collect();
            assert_eq!(keys.len(), listed.len(), "{}: {keys:?} against {FIELDS:?}", sc.label());
        }
        // Declaration order, which the serialisation follows: checked against the whole
        // serialisation by `Canonical::of` below (it refuses a cut out of order).
    }

    #[test]
    fn every_builtin_is_cut_and_hashes_as_the_whole() {
        for sc in builtins() {
            let cut = Canonical::of(sc.spec()).unwrap_or_else(|| panic!("{} is not cut", sc.label()));
            let whole = stable_hash(ron::ser::to_string(sc.spec()).expect("writes").as_bytes());
            assert_eq!(cut.hash(sc.spec(), &[]).expect("hashes"), whole);
            assert_eq!(cut.hash(sc.spec(), FIELDS).expect("hashes"), whole);
            assert_eq!(whole, sc.hash());
        }
    }

    #[test]
    fn a_spec_with_other_fields_hashes_as_its_whole_serialisation() {
        for sc in builtins() {
            let cut = Canonical::of(sc.spec()).expect("cut");
            let mut spec = sc.spec().clone();
            spec.sharing.isac_membership = 0.123_456_789;
            spec.sharing.tearline_h *= 3.5;
            spec.doctrines.eiisac.relay_h = 17.25;
            spec.background = if spec.background.is_empty() { "now said".into() } else { String::new() };
            let whole = stable_hash(ron::ser::to_string(&spec).expect("writes").as_bytes());
            let changed = ["sharing", "doctrines", "background"];
            assert_eq!(cut.hash(&spec, &changed).expect("hashes"), whole, "{}", sc.label());
            assert_ne!(cut.hash(&spec, &[]).expect("hashes"), whole, "{}", sc.label());
        }
    }

    #[test]
    fn a_field_replaced_reads_as_the_whole_spec_reads_it() {
        for sc in builtins() {
            let mut tree = serde_json::to_value(sc.spec()).expect("JSON");
            tree["sharing"]["tearline_h"] = serde_json::json!(7.5);
            tree["doctrines"]["eiisac"]["relay_h"] = serde_json::json!(3);
            let whole: ScenarioSpec = serde_json::from_value(tree.clone()).expect("reads");
            let mut spec: ScenarioSpec =
                serde_json::from_value(serde_json::to_value(sc.spec()).expect("JSON")).expect("reads");
            for key in ["sharing", "doctrines"] {
                assert!(replace_field(&mut spec, key, &tree[key]).expect("reads"));
            }
            assert_eq!(spec, whole, "{}", sc.label());
            let before = spec.clone();
            assert!(!replace_field(&mut spec, "no_such_field", &tree["sharing"]).expect("no field"));
            assert_eq!(spec, before);
        }
    }
}
