//! Arrays: the all-items schema, positional items added or removed under open, closed and
//! partially open content models, additional and unevaluated items, size bounds
//! (the registry's `ArraySchemaDiff`).

use super::{Ctx, DiffKind, S, bound, compare};
use crate::model::{ArrayKind, Kind, NodeId};

pub(super) fn compare_arrays(ctx: &mut Ctx<'_>, original: S<'_>, o: &ArrayKind, update: S<'_>, u: &ArrayKind) {
    ctx.in_path("items", |ctx| {
        compare(ctx, o.all_items.map(|id| original.at(id)), u.all_items.map(|id| update.at(id)))
    });
    positional(ctx, original, o, update, u);
    super::additional(
        ctx,
        "additionalItems",
        (original, super::Additional { permits: o.permits_additional, schema: o.additional_schema }),
        (update, super::Additional { permits: u.permits_additional, schema: u.additional_schema }),
        super::AdditionalKinds {
            added: DiffKind::ADDITIONAL_ITEMS_ADDED,
            removed: DiffKind::ADDITIONAL_ITEMS_REMOVED,
            narrowed: DiffKind::ADDITIONAL_ITEMS_NARROWED,
            extended: DiffKind::ADDITIONAL_ITEMS_EXTENDED,
        },
    );
    {
        use DiffKind::*;
        unevaluated_change(
            ctx,
            "unevaluatedItems",
            o.unevaluated.map(|id| original.at(id)),
            u.unevaluated.map(|id| update.at(id)),
            [
                UNEVALUATED_ITEMS_ADDED,
                UNEVALUATED_ITEMS_REMOVED,
                UNEVALUATED_ITEMS_EXTENDED,
                UNEVALUATED_ITEMS_NARROWED,
            ],
        );
    }
    attributes(ctx, o, u);
}

fn is_false(s: S<'_>) -> bool {
    matches!(s.node().kind, Kind::False)
}

fn is_empty(s: S<'_>) -> bool {
    s.node().kind.is_empty_schema()
}

/// Open: items past the positional ones are accepted with any value.
fn is_open(s: S<'_>, array: &ArrayKind) -> bool {
    array.permits_additional
        && array.additional_schema.is_none()
        && array.unevaluated.is_none_or(|id| is_empty(s.at(id)))
}

/// The schema a partially open content model applies to items past the positional ones.
fn partial_schema(s: S<'_>, array: &ArrayKind) -> Option<NodeId> {
    if array.additional_schema.is_some() {
        return array.additional_schema;
    }
    array.unevaluated.filter(|&id| array.permits_additional && !is_false(s.at(id)) && !is_empty(s.at(id)))
}

fn positional(ctx: &mut Ctx<'_>, original: S<'_>, o: &ArrayKind, update: S<'_>, u: &ArrayKind) {
    let shared = o.item_schemas.len().min(u.item_schemas.len());
    for index in 0..shared {
        ctx.in_path(format!("items/{index}"), |ctx| {
            compare(ctx, Some(original.at(o.item_schemas[index])), Some(update.at(u.item_schemas[index])))
        });
    }
    for (index, &o_id) in o.item_schemas.iter().enumerate().skip(shared) {
        let o_item = original.at(o_id);
        ctx.in_path(format!("items/{index}"), |ctx| {
            if is_open(update, u) {
                return ctx.add(DiffKind::ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL);
            }
            if let Some(partial) = partial_schema(update, u) {
                let mut sub = ctx.sub();
                compare(&mut sub, Some(o_item), Some(update.at(partial)));
                let covered = sub.is_compatible();
                ctx.extend(sub.diffs);
                ctx.add(if covered {
                    DiffKind::ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                } else {
                    DiffKind::ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                });
            } else if is_false(o_item) {
                ctx.add(DiffKind::ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL);
            } else {
                ctx.add(DiffKind::ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
            }
        });
    }
    for (index, &u_id) in u.item_schemas.iter().enumerate().skip(shared) {
        let u_item = update.at(u_id);
        ctx.in_path(format!("items/{index}"), |ctx| {
            if is_open(original, o) {
                return ctx.add(if is_empty(u_item) {
                    DiffKind::ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                } else {
                    DiffKind::ITEM_ADDED_TO_OPEN_CONTENT_MODEL
                });
            }
            if let Some(partial) = partial_schema(original, o) {
                let mut sub = ctx.sub();
                compare(&mut sub, Some(original.at(partial)), Some(u_item));
                let covered = sub.is_compatible();
                ctx.extend(sub.diffs);
                ctx.add(if covered {
                    DiffKind::ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                } else {
                    DiffKind::ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                });
            } else {
                ctx.add(DiffKind::ITEM_ADDED_TO_CLOSED_CONTENT_MODEL);
            }
        });
    }
}

/// `unevaluatedItems` / `unevaluatedProperties`: `kinds` are the added, removed, extended and
/// narrowed difference types of the keyword.
pub(super) fn unevaluated_change(
    ctx: &mut Ctx<'_>,
    keyword: &str,
    original: Option<S<'_>>,
    update: Option<S<'_>>,
    [added, removed, extended, narrowed]: [DiffKind; 4],
) {
    if original.is_none() && update.is_none() {
        return;
    }
    ctx.in_path(keyword, |ctx| match (original, update) {
        (None, Some(u)) => ctx.add(if is_false(u) { removed } else { narrowed }),
        (Some(o), None) => ctx.add(if is_false(o) { added } else { extended }),
        (Some(o), Some(u)) if is_false(o) && !is_false(u) => ctx.add(added),
        (Some(o), Some(u)) if !is_false(o) && is_false(u) => ctx.add(removed),
        (Some(o), Some(u)) if is_empty(o) && !is_empty(u) => ctx.add(narrowed),
        (Some(o), Some(u)) if !is_empty(o) && is_empty(u) => ctx.add(extended),
        (o, u) => compare(ctx, o, u),
    });
}

fn attributes(ctx: &mut Ctx<'_>, o: &ArrayKind, u: &ArrayKind) {
    use DiffKind::*;
    bound(
        ctx,
        "maxItems",
        o.max_items,
        u.max_items,
        (MAX_ITEMS_ADDED, MAX_ITEMS_REMOVED, MAX_ITEMS_INCREASED, MAX_ITEMS_DECREASED),
    );
    bound(
        ctx,
        "minItems",
        o.min_items,
        u.min_items,
        (MIN_ITEMS_ADDED, MIN_ITEMS_REMOVED, MIN_ITEMS_INCREASED, MIN_ITEMS_DECREASED),
    );
    if o.unique_items != u.unique_items {
        ctx.add_at("uniqueItems", if o.unique_items { UNIQUE_ITEMS_REMOVED } else { UNIQUE_ITEMS_ADDED });
    }
    let int = |v: Option<f64>| v.map(|f| f.trunc() as i64);
    let max = (MAX_CONTAINS_ADDED, MAX_CONTAINS_REMOVED, MAX_CONTAINS_INCREASED, MAX_CONTAINS_DECREASED);
    bound(ctx, "maxContains", int(o.max_contains), int(u.max_contains), max);
    let min = (MIN_CONTAINS_ADDED, MIN_CONTAINS_REMOVED, MIN_CONTAINS_INCREASED, MIN_CONTAINS_DECREASED);
    bound(ctx, "minContains", int(o.min_contains), int(u.min_contains), min);
}
