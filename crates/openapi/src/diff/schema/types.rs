//! How a change of `type`/`format` is classified, by scope and direction.

use crate::diff::{Differ, Scope, Where};
use crate::model::*;

/// `sub` values are all valid `sup` values: the same type, or integer within number.
fn is_subtype(sub: &str, sup: &str) -> bool {
    sub == sup || (sub == "integer" && sup == "number")
}

/// Every type of `sub` (non-empty) is covered by a type of `sup`.
fn type_set_within(sub: &[String], sup: &[String]) -> bool {
    !sub.is_empty() && sub.iter().all(|t| sup.iter().any(|s| is_subtype(t, s)))
}

/// The types that replaced `deleted` (`added`) still accept what they accepted: one type
/// widened into its supertype, or, where values travel untyped (text, form fields, parameter
/// values), anything turned into a string or the type constraint dropped.
fn type_contained(added: &[String], deleted: &[String], strongly_typed: bool) -> bool {
    if added.len() == 1 && deleted.len() == 1 && is_subtype(&deleted[0], &added[0]) {
        return true;
    }
    !strongly_typed && (added.is_empty() || (added.len() == 1 && added[0] == "string"))
}

/// A format change from `from` to `to` keeps every value valid for a schema of type `to_types`:
/// a format dropped, or one of the few formats that contain another.
fn format_contained(to_types: &[String], from: Option<&str>, to: Option<&str>) -> bool {
    let Some(to) = to else { return true };
    if to_types.len() != 1 {
        return false;
    }
    let from = from.unwrap_or("");
    match to_types[0].as_str() {
        "number" => to == "double" && from == "float",
        "integer" => (to == "int64" && from == "int32") || (to == "bigint" && matches!(from, "int32" | "int64")),
        "string" => to == "date-time" && matches!(from, "date" | "time"),
        _ => false,
    }
}

/// oasdiff's type pattern of a schema (`detectTypePattern`): the first type `type` names, or
/// the list of types of its `oneOf`/`anyOf` (true); none for a schema with properties, `allOf`
/// or `not`, or with neither.
pub(in crate::diff) fn type_pattern(s: &Schema) -> Option<(Vec<String>, bool)> {
    if s.not.is_some() || !s.all_of.is_empty() || !s.properties.is_empty() {
        return None;
    }
    if let Some(first) = s.declared_types.first() {
        return Some((vec![first.clone()], false));
    }
    s.list_types.clone().map(|list| (list, true))
}

/// oasdiff's list-of-types change (`getListOfTypesDiff`): both schemas have a type pattern, one
/// of them a list, and the sets of types differ. The types added and removed ("null" counts).
pub(in crate::diff) fn list_of_types(old: &Schema, new: &Schema) -> Option<(Vec<String>, Vec<String>)> {
    let ((a, a_list), (b, b_list)) = (type_pattern(old)?, type_pattern(new)?);
    if !a_list && !b_list {
        return None;
    }
    let mut added: Vec<String> = b.iter().filter(|t| !a.contains(t)).cloned().collect();
    let mut deleted: Vec<String> = a.iter().filter(|t| !b.contains(t)).cloned().collect();
    added.sort();
    added.dedup();
    deleted.sort();
    deleted.dedup();
    (!added.is_empty() || !deleted.is_empty()).then_some((added, deleted))
}

/// JSON distinguishes `1` from `"1"`; text, XML and form bodies do not.
pub(in crate::diff) fn strongly_typed(media: &str) -> bool {
    let base = crate::diff::bodies::media_base(media).to_ascii_lowercase();
    base == "application/json" || base.ends_with("+json")
}

/// A type/format change toward (`added`, `to_format`, `to_types`) from (`deleted`,
/// `from_format`) breaks a reader of the old values.
fn type_or_format_breaking(
    type_diff: Option<(&[String], &[String])>,
    formats: Option<(Option<&str>, Option<&str>)>,
    strongly: bool,
    to_types: &[String],
) -> bool {
    let type_breaking = type_diff.is_some_and(|(added, deleted)| !type_contained(added, deleted, strongly));
    let format_breaking = formats.is_some_and(|(from, to)| !format_contained(to_types, from, to));
    type_breaking || format_breaking
}

fn describe_type(s: &Schema) -> String {
    let t = if s.types.is_empty() { "any".to_string() } else { s.types.join("|") };
    match &s.format {
        Some(f) => format!("{t}/{f}"),
        None => t,
    }
}

impl<'a> Differ<'a> {
    /// Classifies a change of `type`/`format` as oasdiff does: a list of types (`oneOf`/`anyOf`
    /// of bare types) widened or narrowed; otherwise generalized, specialized, compatible (safe
    /// only because the media type is not strongly typed) or changed, by direction.
    pub(in crate::diff) fn type_change(
        &self,
        scope: Scope,
        old: &Schema,
        new: &Schema,
        w: &Where<'a>,
    ) -> Option<(&'static str, String)> {
        let (ta, tb) = (&old.types, &new.types);
        let added: Vec<String> = tb.iter().filter(|t| !ta.contains(t)).cloned().collect();
        let deleted: Vec<String> = ta.iter().filter(|t| !tb.contains(t)).cloned().collect();
        let detail = format!("type/format changed from `{}` to `{}`", describe_type(old), describe_type(new));
        if let Some((added, deleted)) = list_of_types(old, new) {
            let list = |t: &[String]| if t.is_empty() { "none".to_string() } else { t.join("|") };
            let pattern = |s: &Schema| type_pattern(s).map(|(t, _)| list(&t)).unwrap_or_default();
            let detail = format!("list of types changed from {} to {}", pattern(old), pattern(new));
            // Requests accept what they accepted unless a type went away; responses return
            // only what they returned unless a type was added.
            let suffix = if scope.is_request() {
                if deleted.is_empty() { "list-of-types-widened" } else { "list-of-types-narrowed" }
            } else if added.is_empty() {
                "list-of-types-narrowed"
            } else {
                "list-of-types-widened"
            };
            return Some((suffix, detail));
        }
        // A list of types (a union of bare types) on either side and no list-of-types change: the
        // type has not changed (a list has no `type` of its own to compare).
        if old.union_types || new.union_types {
            return None;
        }
        let type_diff = (!added.is_empty() || !deleted.is_empty()).then_some((added.as_slice(), deleted.as_slice()));
        let format_diff = (old.format != new.format).then_some((old.format.as_deref(), new.format.as_deref()));
        if type_diff.is_none() && format_diff.is_none() {
            return None;
        }
        let both_concrete = !ta.is_empty() && !tb.is_empty();
        let widened = type_diff.is_some() && type_set_within(ta, tb);
        let narrowed = type_diff.is_some() && type_set_within(tb, ta);
        let suffix = match scope {
            Scope::RequestParameter => {
                // Parameter values travel as text.
                if type_or_format_breaking(type_diff, format_diff, false, tb)
                    && !self.scalar_to_form_explode_array(old, new, &added, w)
                {
                    "type-changed"
                } else {
                    "type-generalized"
                }
            }
            Scope::RequestParameterProperty => {
                // How an object parameter is serialized is unknown: breaking either way is a
                // specialization, breaking only when strongly typed a (warning) change.
                let strongly = type_or_format_breaking(type_diff, format_diff, true, tb);
                let loosely = type_or_format_breaking(type_diff, format_diff, false, tb);
                match (strongly, loosely) {
                    (true, true) => "type-specialized",
                    (false, false) => "type-generalized",
                    _ => "type-changed",
                }
            }
            _ if scope.is_request() => {
                let type_diff = if widened { None } else { type_diff };
                let breaking = if type_diff.is_some() && tb.is_empty() {
                    false
                } else {
                    type_or_format_breaking(type_diff, format_diff, w.env.strongly_typed, tb)
                };
                if breaking {
                    "type-changed"
                } else if type_diff.is_some() && both_concrete && !widened {
                    "type-compatible"
                } else {
                    "type-generalized"
                }
            }
            _ => {
                // Responses: the same question with the roles of old and new swapped.
                let reversed = if narrowed { None } else { type_diff.map(|(a, d)| (d, a)) };
                let formats = format_diff.map(|(from, to)| (to, from));
                let breaking = if reversed.is_some() && ta.is_empty() {
                    false
                } else {
                    type_or_format_breaking(reversed, formats, w.env.strongly_typed, ta)
                };
                if breaking {
                    if widened { "type-generalized" } else { "type-changed" }
                } else if type_diff.is_some() && both_concrete && !narrowed {
                    "type-compatible"
                } else {
                    "type-specialized"
                }
            }
        };
        let suffix = if crate::checks::level_of(&format!("{}-{suffix}", scope.prefix())).is_some() {
            suffix
        } else {
            "type-changed"
        };
        Some((suffix, detail))
    }

    /// A scalar parameter that became an array, sent in form style with explode (a single value
    /// is a one-element array), whose items accept every value the scalar accepted.
    pub(in crate::diff) fn scalar_to_form_explode_array(
        &self,
        old: &Schema,
        new: &Schema,
        added: &[String],
        w: &Where<'a>,
    ) -> bool {
        if !w.env.form_explode || added != ["array"] || old.types.is_empty() || old.types.iter().any(|t| t == "array") {
            return false;
        }
        let Some(item) = new.items.map(|i| self.new.schema(i)) else { return false };
        if !type_contained(&item.types, &old.types, false) {
            return false;
        }
        same_value_constraints(old, item)
    }
}

/// The two schemas (from different documents) validate values alike, type and nullability
/// aside: the same scalar constraints and no subschemas on either side.
fn same_value_constraints(a: &Schema, b: &Schema) -> bool {
    let scalar_only = |s: &Schema| {
        s.properties.is_empty()
            && s.items.is_none()
            && s.prefix_items.is_empty()
            && s.additional_properties.is_none()
            && s.all_of.is_empty()
            && s.any_of.is_empty()
            && s.one_of.is_empty()
            && s.not.is_none()
            && s.contains.is_none()
            && s.if_schema.is_none()
            && s.dependent_schemas.is_empty()
            && s.pattern_properties.is_empty()
            && s.property_names.is_none()
            && s.content_schema.is_none()
            && s.null_wrap.is_none()
    };
    scalar_only(a)
        && scalar_only(b)
        && a.format == b.format
        && a.enum_values == b.enum_values
        && a.const_value == b.const_value
        && a.minimum == b.minimum
        && a.maximum == b.maximum
        && a.exclusive_minimum == b.exclusive_minimum
        && a.exclusive_maximum == b.exclusive_maximum
        && a.min_length == b.min_length
        && a.max_length == b.max_length
        && a.pattern == b.pattern
        && a.extensible_enum == b.extensible_enum
}
