//! Objects: required properties, properties added or removed under open, closed and partially
//! open content models, dependencies, additional and unevaluated properties, size bounds
//! (the registry's `ObjectSchemaDiff`).

use regex::Regex;

use super::{Ctx, DiffKind, S, bound, compare};
use crate::model::{Kind, NodeId, ObjectKind};

pub(super) fn compare_objects(ctx: &mut Ctx<'_>, original: S<'_>, o: &ObjectKind, update: S<'_>, u: &ObjectKind) {
    required(ctx, update, o, u);
    properties(ctx, original, o, update, u);
    dependencies(ctx, original, o, update, u);
    super::additional(
        ctx,
        "additionalProperties",
        (original, super::Additional { permits: o.permits_additional, schema: o.additional_schema }),
        (update, super::Additional { permits: u.permits_additional, schema: u.additional_schema }),
        super::AdditionalKinds {
            added: DiffKind::ADDITIONAL_PROPERTIES_ADDED,
            removed: DiffKind::ADDITIONAL_PROPERTIES_REMOVED,
            narrowed: DiffKind::ADDITIONAL_PROPERTIES_NARROWED,
            extended: DiffKind::ADDITIONAL_PROPERTIES_EXTENDED,
        },
    );
    unevaluated(ctx, original, o.unevaluated, update, u.unevaluated);
    sizes(ctx, o, u);
}

fn has_default(s: S<'_>) -> bool {
    s.node().meta.default.is_some()
}

fn required(ctx: &mut Ctx<'_>, update: S<'_>, o: &ObjectKind, u: &ObjectKind) {
    ctx.in_path("required", |ctx| {
        for (name, _) in &o.properties {
            let Some(u_schema) = u.property(name) else { continue };
            let was = o.required.contains(name);
            let is = u.required.contains(name);
            if was && !is {
                ctx.add_at(name, DiffKind::REQUIRED_ATTRIBUTE_REMOVED);
            } else if !was && is {
                let kind = if has_default(update.at(u_schema)) {
                    DiffKind::REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
                } else {
                    DiffKind::REQUIRED_ATTRIBUTE_ADDED
                };
                ctx.add_at(name, kind);
            }
        }
    });
}

/// Open: any extra property is accepted with any value.
fn is_open(s: S<'_>, object: &ObjectKind) -> bool {
    object.pattern_properties.is_empty()
        && object.additional_schema.is_none()
        && object.permits_additional
        && object.unevaluated.is_none_or(|id| s.at(id).node().kind.is_empty_schema())
}

/// The schema a partially open content model applies to an undeclared property `name`.
fn partial_schema(s: S<'_>, object: &ObjectKind, name: &str) -> Option<NodeId> {
    for (pattern, schema) in &object.pattern_properties {
        // A pattern this engine cannot compile is taken to match: comparing against it can only
        // find more differences, never hide one.
        if Regex::new(pattern).map(|re| re.is_match(name)).unwrap_or(true) {
            return Some(*schema);
        }
    }
    if object.additional_schema.is_some() {
        return object.additional_schema;
    }
    object.unevaluated.filter(|&id| {
        let kind = &s.at(id).node().kind;
        object.permits_additional && !kind.is_empty_schema() && !matches!(kind, Kind::False)
    })
}

fn properties(ctx: &mut Ctx<'_>, original: S<'_>, o: &ObjectKind, update: S<'_>, u: &ObjectKind) {
    let mut names: Vec<&String> = o.properties.iter().chain(u.properties.iter()).map(|(n, _)| n).collect();
    names.sort();
    names.dedup();
    ctx.in_path("properties", |ctx| {
        for name in names {
            ctx.in_path(name.as_str(), |ctx| match (o.property(name), u.property(name)) {
                (Some(o_id), None) => removed(ctx, original.at(o_id), update, u, name),
                (None, Some(u_id)) => added(ctx, original, o, update.at(u_id), u, name),
                (Some(o_id), Some(u_id)) => compare(ctx, Some(original.at(o_id)), Some(update.at(u_id))),
                (None, None) => {}
            });
        }
    });
}

/// A property of the previous schema that the update no longer declares.
fn removed(ctx: &mut Ctx<'_>, o_schema: S<'_>, update: S<'_>, u: &ObjectKind, name: &str) {
    // Only the update's content model matters: it must still accept the old values.
    if is_open(update, u) {
        return ctx.add(DiffKind::PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL);
    }
    if let Some(partial) = partial_schema(update, u, name) {
        let mut sub = ctx.sub();
        compare(&mut sub, Some(o_schema), Some(update.at(partial)));
        let covered = sub.is_compatible();
        ctx.extend(sub.diffs);
        ctx.add(if covered {
            DiffKind::PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        } else {
            DiffKind::PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        });
    } else if matches!(o_schema.node().kind, Kind::False) {
        ctx.add(DiffKind::PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL);
    } else {
        ctx.add(DiffKind::PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
    }
}

/// A property the update declares that the previous schema did not.
fn added(ctx: &mut Ctx<'_>, original: S<'_>, o: &ObjectKind, u_schema: S<'_>, u: &ObjectKind, name: &str) {
    let required = u.required.iter().any(|r| r == name);
    let with_default = has_default(u_schema);
    // Only the previous schema's content model matters: old data may hold this property.
    if is_open(original, o) {
        let kind = if u_schema.node().kind.is_empty_schema() {
            DiffKind::PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
        } else if required && with_default {
            DiffKind::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
        } else if required {
            DiffKind::REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
        } else {
            DiffKind::OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
        };
        return ctx.add(kind);
    }
    if let Some(partial) = partial_schema(original, o, name) {
        let mut sub = ctx.sub();
        compare(&mut sub, Some(original.at(partial)), Some(u_schema));
        let covered = sub.is_compatible();
        ctx.extend(sub.diffs);
        ctx.add(if covered {
            DiffKind::PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        } else {
            DiffKind::PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        });
    }
    ctx.add(match (required, with_default) {
        (true, true) => DiffKind::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL,
        (true, false) => DiffKind::REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
        (false, _) => DiffKind::OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    });
}

fn dependencies(ctx: &mut Ctx<'_>, original: S<'_>, o: &ObjectKind, update: S<'_>, u: &ObjectKind) {
    fn lookup<'k, T>(list: &'k [(String, T)], name: &str) -> Option<&'k T> {
        list.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
    fn names<'k, T>(a: &'k [(String, T)], b: &'k [(String, T)]) -> Vec<&'k String> {
        let mut names: Vec<&String> = a.iter().chain(b.iter()).map(|(n, _)| n).collect();
        names.sort();
        names.dedup();
        names
    }
    ctx.in_path("dependencies", |ctx| {
        for name in names(&o.property_dependencies, &u.property_dependencies) {
            let was = lookup(&o.property_dependencies, name);
            let is = lookup(&u.property_dependencies, name);
            let kind = match (was, is) {
                (_, None) => Some(DiffKind::DEPENDENCY_ARRAY_REMOVED),
                (None, Some(_)) => Some(DiffKind::DEPENDENCY_ARRAY_ADDED),
                (Some(was), Some(is)) if was == is => None,
                (Some(was), Some(is)) if was.iter().all(|p| is.contains(p)) => {
                    Some(DiffKind::DEPENDENCY_ARRAY_EXTENDED)
                }
                (Some(was), Some(is)) if is.iter().all(|p| was.contains(p)) => {
                    Some(DiffKind::DEPENDENCY_ARRAY_NARROWED)
                }
                _ => Some(DiffKind::DEPENDENCY_ARRAY_CHANGED),
            };
            if let Some(kind) = kind {
                ctx.add_at(name, kind);
            }
        }
        for name in names(&o.schema_dependencies, &u.schema_dependencies) {
            let was = lookup(&o.schema_dependencies, name);
            let is = lookup(&u.schema_dependencies, name);
            ctx.in_path(name.as_str(), |ctx| match (was, is) {
                (_, None) => ctx.add(DiffKind::DEPENDENCY_SCHEMA_REMOVED),
                (None, Some(_)) => ctx.add(DiffKind::DEPENDENCY_SCHEMA_ADDED),
                (Some(a), Some(b)) => compare(ctx, Some(original.at(*a)), Some(update.at(*b))),
            });
        }
    });
}

/// `unevaluatedProperties` (2020-12), judged like `additionalProperties`.
fn unevaluated(ctx: &mut Ctx<'_>, original: S<'_>, o: Option<NodeId>, update: S<'_>, u: Option<NodeId>) {
    use DiffKind::*;
    super::array::unevaluated_change(
        ctx,
        "unevaluatedProperties",
        o.map(|id| original.at(id)),
        u.map(|id| update.at(id)),
        [
            UNEVALUATED_PROPERTIES_ADDED,
            UNEVALUATED_PROPERTIES_REMOVED,
            UNEVALUATED_PROPERTIES_EXTENDED,
            UNEVALUATED_PROPERTIES_NARROWED,
        ],
    );
}

fn sizes(ctx: &mut Ctx<'_>, o: &ObjectKind, u: &ObjectKind) {
    use DiffKind::*;
    let max = (MAX_PROPERTIES_ADDED, MAX_PROPERTIES_REMOVED, MAX_PROPERTIES_INCREASED, MAX_PROPERTIES_DECREASED);
    bound(ctx, "maxProperties", o.max_properties, u.max_properties, max);
    let min = (MIN_PROPERTIES_ADDED, MIN_PROPERTIES_REMOVED, MIN_PROPERTIES_INCREASED, MIN_PROPERTIES_DECREASED);
    bound(ctx, "minProperties", o.min_properties, u.min_properties, min);
}
