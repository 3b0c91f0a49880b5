//! The comparison: walks the previous schema and the update together, as the registry's
//! `SchemaDiff` does, and records every [`Difference`]. Keyword families live in submodules.

mod array;
mod combined;
pub(crate) mod kind;
mod object;
mod scalar;

use std::cell::Cell;

pub use kind::DiffKind;

use crate::model::{Arena, Kind, Node, NodeId};

/// One change between two schemas: its registry type and where it is (`#/properties/id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: DiffKind,
    pub path: String,
}

/// A node together with the graph it lives in.
#[derive(Clone, Copy)]
pub(crate) struct S<'a> {
    pub arena: &'a Arena,
    pub id: NodeId,
}

impl<'a> S<'a> {
    pub fn node(self) -> &'a Node {
        self.arena.get(self.id)
    }

    pub fn at(self, id: NodeId) -> S<'a> {
        S { arena: self.arena, id }
    }

    /// Identity of the node across both graphs.
    fn key(self) -> (usize, NodeId) {
        (self.arena as *const Arena as usize, self.id)
    }
}

/// How much work one comparison may do before it gives up (and reports "incompatible").
const MAX_STEPS: usize = 2_000_000;
const MAX_DEPTH: usize = 400;

struct Limits {
    steps: Cell<usize>,
    depth: Cell<usize>,
    exceeded: Cell<bool>,
}

/// The registry's `Context`: the current JSON path, the differences found so far and the
/// previous-schema nodes being compared further up (which stops recursion through `$ref`s).
pub(crate) struct Ctx<'l> {
    limits: &'l Limits,
    path: Vec<String>,
    stack: Vec<(usize, NodeId)>,
    diffs: Vec<Difference>,
}

impl<'l> Ctx<'l> {
    /// A fresh context at the same place, whose differences are kept apart.
    fn sub(&self) -> Ctx<'l> {
        Ctx { limits: self.limits, path: self.path.clone(), stack: self.stack.clone(), diffs: vec![] }
    }

    fn is_compatible(&self) -> bool {
        self.diffs.iter().all(|d| d.kind.is_compatible())
    }

    fn path_string(&self) -> String {
        format!("#/{}", self.path.join("/"))
    }

    fn add(&mut self, kind: DiffKind) {
        let path = self.path_string();
        self.diffs.push(Difference { kind, path });
    }

    /// Records a difference of the keyword `attribute` of the current schema.
    fn add_at(&mut self, attribute: &str, kind: DiffKind) {
        self.path.push(attribute.to_string());
        self.add(kind);
        self.path.pop();
    }

    fn extend(&mut self, diffs: Vec<Difference>) {
        self.diffs.extend(diffs);
    }

    fn in_path<R>(&mut self, segment: impl Into<String>, f: impl FnOnce(&mut Self) -> R) -> R {
        self.path.push(segment.into());
        let result = f(self);
        self.path.pop();
        result
    }
}

/// Every difference between `previous` and `update`, compatible or not.
pub(crate) fn compare_roots(previous: S<'_>, update: S<'_>) -> Vec<Difference> {
    let limits = Limits { steps: Cell::new(0), depth: Cell::new(0), exceeded: Cell::new(false) };
    let mut ctx = Ctx { limits: &limits, path: vec![], stack: vec![], diffs: vec![] };
    compare(&mut ctx, Some(previous), Some(update));
    let mut diffs = ctx.diffs;
    if limits.exceeded.get() {
        diffs.push(Difference { kind: DiffKind::COMPARISON_LIMIT_EXCEEDED, path: "#/".into() });
    }
    diffs
}

/// A `$ref` stands for the schema it points to (one hop, as the registry normalizes).
fn normalize(s: S<'_>) -> S<'_> {
    match s.node().kind {
        Kind::Ref { target: Some(target), .. } => s.at(target),
        _ => s,
    }
}

fn subschemas<'a>(s: S<'a>) -> Option<(crate::model::Criterion, &'a [NodeId])> {
    match &s.node().kind {
        Kind::Combined { criterion, subschemas, .. } => Some((*criterion, subschemas.as_slice())),
        _ => None,
    }
}

/// `SchemaDiff.compare`: one pair of (possibly absent) schemas.
pub(crate) fn compare(ctx: &mut Ctx<'_>, original: Option<S<'_>>, update: Option<S<'_>>) {
    let (original, update) = match (original, update) {
        (None, None) => return,
        (None, Some(_)) => return ctx.add(DiffKind::SCHEMA_ADDED),
        (Some(_), None) => return ctx.add(DiffKind::SCHEMA_REMOVED),
        (Some(o), Some(u)) => (o, u),
    };
    let limits = ctx.limits;
    let steps = limits.steps.get() + 1;
    limits.steps.set(steps);
    if steps > MAX_STEPS || limits.depth.get() >= MAX_DEPTH || limits.exceeded.get() {
        limits.exceeded.set(true);
        return;
    }
    limits.depth.set(limits.depth.get() + 1);
    compare_normalized(ctx, normalize(original), normalize(update));
    limits.depth.set(limits.depth.get() - 1);
}

/// How a bound moved: `(added, removed, increased, decreased)` picks the difference.
pub(crate) type BoundKinds = (DiffKind, DiffKind, DiffKind, DiffKind);

pub(crate) fn bound<T: PartialOrd + PartialEq + Copy>(
    ctx: &mut Ctx<'_>,
    keyword: &str,
    original: Option<T>,
    update: Option<T>,
    (added, removed, increased, decreased): BoundKinds,
) {
    match (original, update) {
        (None, None) => {}
        (None, Some(_)) => ctx.add_at(keyword, added),
        (Some(_), None) => ctx.add_at(keyword, removed),
        (Some(o), Some(u)) if o < u => ctx.add_at(keyword, increased),
        (Some(o), Some(u)) if o > u => ctx.add_at(keyword, decreased),
        _ => {}
    }
}

/// Extra content of a closed or open model (`additionalItems`, `additionalProperties`): whether
/// it is permitted at all, then the schema it must match.
pub(crate) struct Additional {
    pub permits: bool,
    pub schema: Option<NodeId>,
}

/// The change kinds of one keyword: permitted/forbidden, then schema narrowed/extended.
pub(crate) struct AdditionalKinds {
    pub added: DiffKind,
    pub removed: DiffKind,
    pub narrowed: DiffKind,
    pub extended: DiffKind,
}

pub(crate) fn additional(
    ctx: &mut Ctx<'_>,
    keyword: &str,
    (original, o): (S<'_>, Additional),
    (update, u): (S<'_>, Additional),
    kinds: AdditionalKinds,
) {
    ctx.in_path(keyword, |ctx| {
        if o.permits != u.permits {
            ctx.add(if u.permits { kinds.added } else { kinds.removed });
        } else {
            match (o.schema, u.schema) {
                (None, Some(_)) => ctx.add(kinds.narrowed),
                (Some(_), None) => ctx.add(kinds.extended),
                (a, b) => compare(ctx, a.map(|id| original.at(id)), b.map(|id| update.at(id))),
            }
        }
    });
}

fn compare_normalized(ctx: &mut Ctx<'_>, original: S<'_>, update: S<'_>) {
    use crate::model::Criterion::{AllOf, AnyOf, OneOf};
    match (subschemas(original), subschemas(update)) {
        (None, Some((criterion, subs))) => {
            // A plain schema may become one alternative of a union.
            if subs.len() == 1 {
                let mut sub = ctx.sub();
                compare(&mut sub, Some(original), Some(update.at(subs[0])));
                if sub.is_compatible() {
                    return ctx.extend(sub.diffs);
                }
            } else if matches!(criterion, AnyOf | OneOf) {
                for &id in subs {
                    let mut sub = ctx.sub();
                    compare(&mut sub, Some(original), Some(update.at(id)));
                    if sub.is_compatible() {
                        ctx.extend(sub.diffs);
                        return ctx.add(DiffKind::SUM_TYPE_EXTENDED);
                    }
                }
            }
        }
        (Some((criterion, subs)), None) => {
            if subs.len() == 1 {
                let mut sub = ctx.sub();
                compare(&mut sub, Some(original.at(subs[0])), Some(update));
                if sub.is_compatible() {
                    return ctx.extend(sub.diffs);
                }
            } else if criterion == AllOf {
                for &id in subs {
                    let mut sub = ctx.sub();
                    compare(&mut sub, Some(original.at(id)), Some(update));
                    if sub.is_compatible() {
                        ctx.extend(sub.diffs);
                        return ctx.add(DiffKind::PRODUCT_TYPE_NARROWED);
                    }
                }
            }
        }
        _ => {}
    }

    let (on, un) = (original.node(), update.node());
    if on.kind.class() != un.kind.class() {
        // Anything may become the empty schema, and `false` may become anything.
        if !matches!(on.kind, Kind::False) && !un.kind.is_empty_schema() {
            ctx.add(DiffKind::TYPE_CHANGED);
        }
        return;
    }

    let key = original.key();
    if ctx.stack.contains(&key) {
        return;
    }
    ctx.stack.push(key);
    if on.meta.id != un.meta.id {
        ctx.add(DiffKind::ID_CHANGED);
    }
    if on.meta.title != un.meta.title {
        ctx.add(DiffKind::TITLE_CHANGED);
    }
    if on.meta.description != un.meta.description {
        ctx.add(DiffKind::DESCRIPTION_CHANGED);
    }
    if on.meta.default != un.meta.default {
        ctx.add(DiffKind::DEFAULT_CHANGED);
    }
    let modern = original.arena.modern || update.arena.modern;
    match (&on.kind, &un.kind) {
        (Kind::String(a), Kind::String(b)) => scalar::string(ctx, a, b),
        (Kind::Number(a), Kind::Number(b)) => scalar::number(ctx, a, b),
        (Kind::Enum(a), Kind::Enum(b)) => scalar::enumeration(ctx, a, b, modern),
        (Kind::Const(a), Kind::Const(b)) => scalar::constant(ctx, a, b),
        (Kind::Combined { .. }, Kind::Combined { .. }) => combined::compare(ctx, original, update),
        (Kind::Not(a), Kind::Not(b)) => scalar::not(ctx, original.at(*a), update.at(*b)),
        (Kind::Object(a), Kind::Object(b)) => object::compare_objects(ctx, original, a, update, b),
        (Kind::Array(a), Kind::Array(b)) => array::compare_arrays(ctx, original, a, update, b),
        (Kind::Ref { target: a, .. }, Kind::Ref { target: b, .. }) => {
            ctx.in_path("$ref", |ctx| compare(ctx, a.map(|id| original.at(id)), b.map(|id| update.at(id))))
        }
        _ => {}
    }
    ctx.stack.pop();
}
