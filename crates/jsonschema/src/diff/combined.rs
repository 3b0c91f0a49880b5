//! `allOf` / `anyOf` / `oneOf` against each other: the combination keyword, the number of
//! distinct subschemas, and a maximum matching of previous subschemas to compatible update
//! subschemas (the registry's `CombinedSchemaDiff`).

use std::fmt::Write;

use super::{Ctx, DiffKind, Difference, S, subschemas};
use crate::model::{Arena, Criterion, Kind, NodeId};

pub(super) fn compare(ctx: &mut Ctx<'_>, original: S<'_>, update: S<'_>) {
    let (Some((o_criterion, o_all)), Some((u_criterion, u_all))) = (subschemas(original), subschemas(update)) else {
        return;
    };
    if let Some(kind) = criterion_change(o_criterion, o_all.len(), u_criterion, u_all.len()) {
        ctx.add(kind);
        if kind == DiffKind::COMBINED_TYPE_CHANGED {
            return;
        }
    }
    let o_subs = distinct(original.arena, o_all);
    let u_subs = distinct(update.arena, u_all);
    if o_subs.len() < u_subs.len() {
        ctx.add(if u_criterion == Criterion::AllOf {
            DiffKind::PRODUCT_TYPE_EXTENDED
        } else {
            DiffKind::SUM_TYPE_EXTENDED
        });
    } else if o_subs.len() > u_subs.len() {
        ctx.add(if o_criterion == Criterion::AllOf {
            DiffKind::PRODUCT_TYPE_NARROWED
        } else {
            DiffKind::SUM_TYPE_NARROWED
        });
    }

    // Compatible pairs, with the differences each pair would contribute.
    let mut edges: Vec<Vec<(usize, Vec<Difference>)>> = Vec::with_capacity(o_subs.len());
    for (i, &o_id) in o_subs.iter().enumerate() {
        let segment = format!("{}/{i}", o_criterion.keyword());
        let row = ctx.in_path(segment, |ctx| {
            let mut row = Vec::new();
            for (j, &u_id) in u_subs.iter().enumerate() {
                let mut sub = ctx.sub();
                super::compare(&mut sub, Some(original.at(o_id)), Some(update.at(u_id)));
                if sub.is_compatible() {
                    row.push((j, sub.diffs));
                }
            }
            row
        });
        edges.push(row);
    }
    let adjacency: Vec<Vec<usize>> = edges.iter().map(|row| row.iter().map(|(j, _)| *j).collect()).collect();
    let matching = maximum_matching(&adjacency, u_subs.len());
    let matched = matching.len();
    for (i, j) in matching {
        if let Some(pos) = edges[i].iter().position(|(jj, _)| *jj == j) {
            let (_, diffs) = edges[i].swap_remove(pos);
            ctx.extend(diffs);
        }
    }
    if matched < o_subs.len().min(u_subs.len()) {
        ctx.add(DiffKind::COMBINED_TYPE_SUBSCHEMAS_CHANGED);
    }
}

/// Which changes of combination keyword the registry accepts: anything to `anyOf`, and
/// changes that are harmless because a side has a single subschema.
fn criterion_change(original: Criterion, o_len: usize, update: Criterion, u_len: usize) -> Option<DiffKind> {
    if original == update {
        return None;
    }
    let (o_single, u_single) = (o_len == 1, u_len == 1);
    let extended = update == Criterion::AnyOf
        || (o_single && u_single)
        || (o_single && update == Criterion::OneOf)
        || (u_single && original == Criterion::AllOf);
    Some(if extended { DiffKind::COMBINED_TYPE_EXTENDED } else { DiffKind::COMBINED_TYPE_CHANGED })
}

/// The subschemas with structural duplicates dropped (first occurrence kept).
fn distinct(arena: &Arena, ids: &[NodeId]) -> Vec<NodeId> {
    let mut seen: Vec<String> = Vec::with_capacity(ids.len());
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        let mut text = String::new();
        canonical(arena, id, &mut text, 0);
        if !seen.contains(&text) {
            seen.push(text);
            out.push(id);
        }
    }
    out
}

/// A text that is equal for structurally equal schemas; `$ref`s are kept as written.
fn canonical(arena: &Arena, id: NodeId, out: &mut String, depth: usize) {
    if depth > 200 {
        let _ = write!(out, "<deep#{id}>");
        return;
    }
    let node = arena.get(id);
    let _ = write!(out, "{:?}{{", node.meta);
    let child = |out: &mut String, id: &NodeId| canonical(arena, *id, out, depth + 1);
    match &node.kind {
        Kind::Object(o) => {
            let _ = write!(
                out,
                "object req={:?} add={} min={:?} max={:?} deps={:?}",
                o.required, o.permits_additional, o.min_properties, o.max_properties, o.property_dependencies
            );
            for (label, list) in [("p", &o.properties), ("pp", &o.pattern_properties), ("sd", &o.schema_dependencies)] {
                for (name, id) in list {
                    let _ = write!(out, " {label}:{name}=");
                    child(out, id);
                }
            }
            for (label, id) in [("as", &o.additional_schema), ("ue", &o.unevaluated)] {
                if let Some(id) = id {
                    let _ = write!(out, " {label}=");
                    child(out, id);
                }
            }
        }
        Kind::Array(a) => {
            let _ = write!(
                out,
                "array add={} min={:?} max={:?} uniq={} minc={:?} maxc={:?}",
                a.permits_additional, a.min_items, a.max_items, a.unique_items, a.min_contains, a.max_contains
            );
            for id in &a.item_schemas {
                out.push_str(" i=");
                child(out, id);
            }
            for (label, id) in [("all", &a.all_items), ("as", &a.additional_schema), ("ue", &a.unevaluated)] {
                if let Some(id) = id {
                    let _ = write!(out, " {label}=");
                    child(out, id);
                }
            }
        }
        Kind::Combined { criterion, subschemas, .. } => {
            let _ = write!(out, "{}", criterion.keyword());
            for id in subschemas {
                out.push(' ');
                child(out, id);
            }
        }
        Kind::Not(id) => {
            out.push_str("not ");
            child(out, id);
        }
        Kind::Conditional { if_, then_, else_ } => {
            for (label, id) in [("if", if_), ("then", then_), ("else", else_)] {
                if let Some(id) = id {
                    let _ = write!(out, " {label}=");
                    child(out, id);
                }
            }
        }
        Kind::Ref { reference, .. } => {
            let _ = write!(out, "ref {reference}");
        }
        other => {
            let _ = write!(out, "{other:?}");
        }
    }
    out.push('}');
}

/// Maximum bipartite matching (augmenting paths); returns the matched (left, right) pairs.
fn maximum_matching(adjacency: &[Vec<usize>], right_len: usize) -> Vec<(usize, usize)> {
    fn augment(left: usize, adjacency: &[Vec<usize>], seen: &mut [bool], owner: &mut [Option<usize>]) -> bool {
        for &right in &adjacency[left] {
            if seen[right] {
                continue;
            }
            seen[right] = true;
            if owner[right].is_none_or(|other| augment(other, adjacency, seen, owner)) {
                owner[right] = Some(left);
                return true;
            }
        }
        false
    }
    let mut owner: Vec<Option<usize>> = vec![None; right_len];
    for left in 0..adjacency.len() {
        let mut seen = vec![false; right_len];
        augment(left, adjacency, &mut seen, &mut owner);
    }
    let mut pairs: Vec<(usize, usize)> =
        owner.iter().enumerate().filter_map(|(right, left)| left.map(|l| (l, right))).collect();
    pairs.sort_unstable();
    pairs
}

#[cfg(test)]
mod tests {
    use super::maximum_matching;

    #[test]
    fn matching_reassigns_to_cover_more() {
        // Greedy would pair 0-0 and leave 1 unmatched; the maximum pairs 0-1 and 1-0.
        let pairs = maximum_matching(&[vec![0, 1], vec![0]], 2);
        assert_eq!(pairs, vec![(0, 1), (1, 0)]);
    }
}
