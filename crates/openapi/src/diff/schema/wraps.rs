//! Wrappings: a schema that became a `oneOf` of alternatives is one change that shows up as many
//! raw ones (type gone, properties gone, alternatives added). As oasdiff does
//! (`diff/nullable_wrapping_diff.go`, `diff/one_of_wrapping_diff.go`,
//! `checker/transition_claims.go`), the wrapping is recognized by a few pure comparisons and
//! reported instead of the raw changes it explains.

use crate::checks::{Kind, kind_of};
use crate::model::*;

/// A change recognized at one schema node, which explains some of the raw changes found there
/// (oasdiff's "transition" and its claims).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(in crate::diff) enum Transition {
    #[default]
    None,
    /// An object schema became a `oneOf` of alternatives that hold its properties.
    OneOfWrapping,
    /// A type became a list of types (`oneOf`/`anyOf` of single types), or back, or a list
    /// changed (see `types::list_of_types`); `null` says whether "null" is among the types
    /// added or removed.
    ListOfTypes { null: bool },
}

impl Transition {
    /// The raw change `id` found at the node is explained by the transition, so not reported.
    pub(in crate::diff) fn claims(self, id: &str) -> bool {
        match self {
            Transition::None => false,
            // The wrapper reads as type "any" with new alternatives. The wrapping is reported as
            // `*-body-wrapped-in-one-of`; a property has no such id, and its `one-of-added`
            // stays as the report.
            Transition::OneOfWrapping => {
                matches!(kind_of(id), Kind::Type | Kind::Structure)
                    && !id.ends_with("-wrapped-in-one-of")
                    && !matches!(id, "request-property-one-of-added" | "response-property-one-of-added")
            }
            // As oasdiff's list-of-types transition: the raw type change and the `oneOf`/`anyOf`
            // branches added or removed are the list change. "null" entering or leaving the list
            // is its nullability change too (oasdiff, which does not read a null branch as
            // nullable, has no other finding for it).
            Transition::ListOfTypes { null } => {
                (matches!(kind_of(id), Kind::Type | Kind::Structure) && !id.contains("-list-of-types-"))
                    || (null && (id.ends_with("-became-nullable") || id.ends_with("-became-not-nullable")))
            }
        }
    }
}

/// The schema has compositions of its own (a `oneOf` of bare types counts: the model keeps it
/// as a list of types).
fn composed(s: &Schema) -> bool {
    !s.all_of.is_empty()
        || !s.any_of.is_empty()
        || !s.one_of.is_empty()
        || s.not.is_some()
        || (s.union_types && !s.types.is_empty())
}

/// `wrapper` may be `plain` made nullable: a bare `oneOf: [{type: null}, X]` whose X is to be
/// compared with `plain` (returned). Only a plain schema without compositions that rejects null
/// qualifies: wrapping a nullable schema changes what `oneOf` accepts (null would match both
/// branches).
pub(in crate::diff) fn nullable_wrap_candidate(plain: &Schema, wrapper: &Schema) -> Option<SchemaId> {
    let payload = wrapper.null_wrap?;
    (!composed(plain) && !plain.nullable).then_some(payload)
}

/// The base property names an object schema `old` moved into the alternatives of `new`, when
/// `new` wraps it in a `oneOf`: `old` has properties and no `oneOf`, `new` has a `oneOf` and no
/// type or properties of its own. Empty when that is not the case or no property moved.
pub(in crate::diff) fn one_of_wrapping(old: &Schema, new: &Schema, new_spec: &Spec) -> Vec<String> {
    let old_has_one_of = !old.one_of.is_empty() || (old.union_types && !old.types.is_empty());
    if old_has_one_of || old.properties.is_empty() {
        return Vec::new();
    }
    if new.one_of.is_empty() || !new.properties.is_empty() || !new.types.is_empty() {
        return Vec::new();
    }
    old.properties
        .iter()
        .filter(|(name, _)| new.one_of.iter().any(|alt| new_spec.schema(*alt).property(name).is_some()))
        .map(|(name, _)| name.clone())
        .collect()
}
