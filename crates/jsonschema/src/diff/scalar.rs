//! Strings, numbers, enumerations, constants and `not`.

use serde_json::{Number, Value};

use super::{Ctx, DiffKind, S, bound, compare};
use crate::model::{NumberKind, StringKind};

pub(super) fn string(ctx: &mut Ctx<'_>, original: &StringKind, update: &StringKind) {
    use DiffKind::*;
    let max = (MAX_LENGTH_ADDED, MAX_LENGTH_REMOVED, MAX_LENGTH_INCREASED, MAX_LENGTH_DECREASED);
    bound(ctx, "maxLength", original.max_length, update.max_length, max);
    let min = (MIN_LENGTH_ADDED, MIN_LENGTH_REMOVED, MIN_LENGTH_INCREASED, MIN_LENGTH_DECREASED);
    bound(ctx, "minLength", original.min_length, update.min_length, min);
    match (&original.pattern, &update.pattern) {
        (None, Some(_)) => ctx.add_at("pattern", PATTERN_ADDED),
        (Some(_), None) => ctx.add_at("pattern", PATTERN_REMOVED),
        (Some(o), Some(u)) if o != u => ctx.add_at("pattern", PATTERN_CHANGED),
        _ => {}
    }
}

pub(super) fn number(ctx: &mut Ctx<'_>, original: &NumberKind, update: &NumberKind) {
    use DiffKind::*;
    let max = (MAXIMUM_ADDED, MAXIMUM_REMOVED, MAXIMUM_INCREASED, MAXIMUM_DECREASED);
    bound(ctx, "maximum", original.maximum, update.maximum, max);
    let min = (MINIMUM_ADDED, MINIMUM_REMOVED, MINIMUM_INCREASED, MINIMUM_DECREASED);
    bound(ctx, "minimum", original.minimum, update.minimum, min);
    let xmax =
        (EXCLUSIVE_MAXIMUM_ADDED, EXCLUSIVE_MAXIMUM_REMOVED, EXCLUSIVE_MAXIMUM_INCREASED, EXCLUSIVE_MAXIMUM_DECREASED);
    bound(ctx, "exclusiveMaximum", original.exclusive_maximum, update.exclusive_maximum, xmax);
    let xmin =
        (EXCLUSIVE_MINIMUM_ADDED, EXCLUSIVE_MINIMUM_REMOVED, EXCLUSIVE_MINIMUM_INCREASED, EXCLUSIVE_MINIMUM_DECREASED);
    bound(ctx, "exclusiveMinimum", original.exclusive_minimum, update.exclusive_minimum, xmin);
    multiple_of(ctx, original.multiple_of.as_ref(), update.multiple_of.as_ref());
    if original.requires_integer != update.requires_integer {
        ctx.add(if original.requires_integer { TYPE_EXTENDED } else { TYPE_NARROWED });
    }
}

/// The registry compares `multipleOf` values as written (so `1` and `1.0` differ) and relates
/// them through their integer parts.
fn multiple_of(ctx: &mut Ctx<'_>, original: Option<&Number>, update: Option<&Number>) {
    use DiffKind::*;
    let kind = match (original, update) {
        (None, None) => return,
        (Some(o), Some(u)) if o.to_string() == u.to_string() => return,
        (None, Some(_)) => MULTIPLE_OF_ADDED,
        (Some(_), None) => MULTIPLE_OF_REMOVED,
        (Some(o), Some(u)) => {
            let (o, u) = (integer_part(o), integer_part(u));
            // A zero integer part has no remainder in the registry (it fails); call it a change.
            if o != 0 && u.checked_rem(o) == Some(0) {
                MULTIPLE_OF_EXPANDED
            } else if u != 0 && o.checked_rem(u) == Some(0) {
                MULTIPLE_OF_REDUCED
            } else {
                MULTIPLE_OF_CHANGED
            }
        }
    };
    ctx.add_at("multipleOf", kind);
}

fn integer_part(n: &Number) -> i64 {
    n.as_i64().unwrap_or_else(|| n.as_f64().map(|f| f.trunc() as i64).unwrap_or(0))
}

/// Two enumerated values are the same value. In 2020-12 the registry keeps object and array
/// values as objects compared by identity, so they never match.
fn same_value(a: &Value, b: &Value, identity_containers: bool) -> bool {
    if identity_containers && (a.is_object() || a.is_array()) {
        return false;
    }
    a == b
}

fn contains_all(set: &[Value], values: &[Value], identity: bool) -> bool {
    values.iter().all(|v| set.iter().any(|s| same_value(s, v, identity)))
}

pub(super) fn enumeration(ctx: &mut Ctx<'_>, original: &[Value], update: &[Value], modern: bool) {
    let forward = contains_all(update, original, modern);
    let backward = contains_all(original, update, modern);
    if forward && backward {
        return;
    }
    let kind = if forward {
        DiffKind::ENUM_ARRAY_EXTENDED
    } else if backward {
        DiffKind::ENUM_ARRAY_NARROWED
    } else {
        DiffKind::ENUM_ARRAY_CHANGED
    };
    ctx.add_at("enum", kind);
}

/// A constant object or array is held as an object the registry compares by identity, so it
/// always counts as changed.
pub(super) fn constant(ctx: &mut Ctx<'_>, original: &Value, update: &Value) {
    if !same_value(original, update, true) {
        ctx.add_at("const", DiffKind::ENUM_ARRAY_CHANGED);
    }
}

/// `not`: compatible when the update excludes no more than the previous schema did, i.e. when
/// the excluded schemas compare compatibly in reverse.
pub(super) fn not(ctx: &mut Ctx<'_>, original: S<'_>, update: S<'_>) {
    ctx.in_path("not", |ctx| {
        let mut sub = ctx.sub();
        compare(&mut sub, Some(update), Some(original));
        let kind = if sub.is_compatible() { DiffKind::NOT_TYPE_NARROWED } else { DiffKind::NOT_TYPE_EXTENDED };
        ctx.add(kind);
    });
}
