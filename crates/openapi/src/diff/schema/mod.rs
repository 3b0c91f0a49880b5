//! Schema comparison: every JSON Schema keyword the checks know, in one scope (request body,
//! request property, parameter, response body, ...). Properties, items and subschemas recurse
//! with the nested scope.
//!
//! Shared schemas (components and other `$ref` targets) are not walked again at every place
//! they are used: a pair of shared schemas is a site of its own, compared once per scope and
//! environment, and the place that reaches it records an edge (see `sites`). This keeps the
//! work linear in the size of the two documents however much they share or recurse.

use super::{Differ, Env, Scope, Side, Where};
use crate::model::*;

mod attributes;
mod compose;
mod equivalence;
mod properties;
mod types;
mod wraps;

pub(super) use types::strongly_typed;
pub(super) use wraps::Transition;

/// Deepest nesting of inline schemas compared within one site (bounds recursion on
/// pathological input; shared schemas start a new site and do not count).
const MAX_DEPTH: usize = 64;

impl<'a> Differ<'a> {
    /// Starts a site rooted in an operation: one body, parameter or header compared.
    pub(super) fn root_site(&mut self, op: &'a Operation, label: String, env: Env) -> Where<'a> {
        let env = Env { deprecation_days: self.deprecation_days(op.stability.as_deref()), ..env };
        let label: std::rc::Rc<str> = label.into();
        let site = self.sites.root(op, label.clone());
        self.visited.clear();
        Where { site, op: Some(op), label, property: String::new(), env, depth: 0, transition: Transition::None }
    }

    /// Compares a shared schema pair, once, as a site of its own.
    pub(super) fn compare_unit(&mut self, site: usize, a: SchemaId, b: SchemaId, scope: Scope) {
        let (env, label) = self.sites.unit_env(site);
        self.visited.clear();
        let w = Where { site, op: None, label, property: String::new(), env, depth: 0, transition: Transition::None };
        self.compare(scope, a, b, &w);
    }

    /// Compares two schemas at `w`: inline, or, when both are shared, through the pair's own
    /// site.
    pub(super) fn schema(&mut self, scope: Scope, a: SchemaId, b: SchemaId, w: &Where<'a>) {
        let (old, new) = (self.old.schema(a), self.new.schema(b));
        if let (Some(x), Some(y)) = (&old.shared, &new.shared) {
            let label = if x == y { format!("in `{y}`") } else { format!("in `{y}`, was `{x}`") };
            self.sites.reach(w.site, w.property.clone(), (a, b, scope, w.env), label);
            return;
        }
        self.compare(scope, a, b, w);
    }

    /// Old schema `a` and new schema `b` validate alike (see `equivalence`), decided once per
    /// pair.
    pub(super) fn equivalent(&mut self, a: SchemaId, b: SchemaId) -> bool {
        if let Some(&known) = self.equivalent.get(&(a, b)) {
            return known;
        }
        let alike = equivalence::equivalent(self.old, a, self.new, b);
        self.equivalent.insert((a, b), alike);
        alike
    }

    fn compare(&mut self, scope: Scope, a: SchemaId, b: SchemaId, w: &Where<'a>) {
        if w.depth > MAX_DEPTH || !self.visited.insert((a, b, scope, w.property.clone())) {
            return;
        }
        self.comparisons += 1;
        let (old, new) = (self.old.schema(a), self.new.schema(b));
        if self.nullable_wrapping(scope, a, b, w) {
            return;
        }
        // An object wrapped in a `oneOf` of alternatives that hold its properties: one breaking
        // change (reported for a body), not the properties removed, the alternatives added and
        // the type gone that the raw comparison finds.
        let moved = wraps::one_of_wrapping(old, new, self.new);
        let transition = if !moved.is_empty() {
            Transition::OneOfWrapping
        } else if let Some((added, deleted)) = types::list_of_types(old, new) {
            Transition::ListOfTypes { null: added.iter().chain(&deleted).any(|t| t == "null") }
        } else {
            Transition::None
        };
        let w = &Where { depth: w.depth + 1, transition, ..w.clone() };
        if transition == Transition::OneOfWrapping && matches!(scope, Scope::RequestBody | Scope::ResponseBody) {
            self.attr(scope, w, "wrapped-in-one-of", Side::New, new.loc, "wrapped in oneOf".into());
        }
        self.new_write_only = new.write_only;
        self.attributes(scope, old, new, w);
        self.compositions(scope, old, new, w);
        self.properties(scope, old, new, &moved, w);
        let nested = scope.nested();
        if let (Some(ia), Some(ib)) = (old.items, new.items) {
            self.schema(nested, ia, ib, &w.items());
        }
        if let (Some(BoolOrSchema::Schema(x)), Some(BoolOrSchema::Schema(y))) =
            (old.additional_properties, new.additional_properties)
        {
            self.schema(nested, x, y, &w.with_property("additionalProperties"));
        }
        if let (Some(x), Some(y)) = (old.not, new.not) {
            self.schema(scope.subschema(), x, y, w);
        }
    }

    /// `X` <-> `oneOf: [{type: null}, X']` with `X'` validating as `X` does: only a nullability
    /// change. Every raw change between `X` and the wrapper (type, values, constraints,
    /// alternatives, properties, required) is an echo of the wrap; lifecycle changes are not.
    /// False, and nothing reported, when the pair is not such a wrap (a narrowed `X'`, a
    /// nullable or composed `X`): then the raw changes are the report.
    fn nullable_wrapping(&mut self, scope: Scope, a: SchemaId, b: SchemaId, w: &Where<'a>) -> bool {
        let (old, new) = (self.old.schema(a), self.new.schema(b));
        let (suffix, detail) = if let Some(payload) = wraps::nullable_wrap_candidate(old, new)
            && self.equivalent(a, payload)
        {
            ("became-nullable", "became nullable")
        } else if let Some(payload) = wraps::nullable_wrap_candidate(new, old)
            && self.equivalent(payload, b)
        {
            ("became-not-nullable", "became not nullable")
        } else {
            return false;
        };
        let w = &Where { depth: w.depth + 1, transition: Transition::None, ..w.clone() };
        self.attr(scope, w, suffix, Side::New, new.loc, detail.into());
        self.lifecycle(scope, old, new, w);
        true
    }
}
