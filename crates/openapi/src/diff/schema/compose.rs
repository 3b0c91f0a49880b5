//! allOf / anyOf / oneOf: subschemas matched by component name, then by position.

use crate::diff::{Differ, Scope, Side, Where};
use crate::model::*;

impl<'a> Differ<'a> {
    /// When `old` has no alternatives and `new` is only `oneOf`/`anyOf` (no type or properties
    /// of its own, none of its branches being `old` itself), the merged view of the branches.
    pub(in crate::diff) fn union_view(&self, old: &Schema, new: &Schema) -> Option<Schema> {
        let branches = if new.one_of.len() >= 2 { &new.one_of } else { &new.any_of };
        let pure_union = new.types.is_empty() && new.properties.is_empty() && branches.len() >= 2;
        if !(old.one_of.is_empty() && old.any_of.is_empty() && pure_union) {
            return None;
        }
        let mut view = Schema { loc: new.loc, nullable: new.nullable, ..Schema::default() };
        let mut required: Option<Vec<String>> = None;
        for id in branches {
            let b = self.new.schema(*id);
            view.nullable |= b.nullable;
            for (name, pid) in &b.properties {
                if view.property(name).is_none() {
                    view.properties.push((name.clone(), *pid));
                }
            }
            required = Some(match required {
                None => b.required.clone(),
                Some(r) => r.into_iter().filter(|n| b.required.contains(n)).collect(),
            });
        }
        view.required = required.unwrap_or_default();
        Some(view)
    }

    pub(in crate::diff) fn compositions(&mut self, scope: Scope, old: &'a Schema, new: &'a Schema, w: &Where<'a>) {
        for (name, a, b) in [
            ("all-of", &old.all_of, &new.all_of),
            ("any-of", &old.any_of, &new.any_of),
            ("one-of", &old.one_of, &new.one_of),
        ] {
            let (pairs, added, removed) = self.match_subschemas(a, b);
            for id in added {
                let s = self.new.schema(id);
                let what = s.ref_name.clone().map(|n| format!("`{n}`")).unwrap_or_else(|| "a subschema".into());
                self.attr(scope, w, &format!("{name}-added"), Side::New, s.loc, format!("{what} added to {name}"));
                if name == "all-of" && s.annotation_only {
                    let detail = format!("{what} (annotations only) added to allOf");
                    self.attr(scope, w, "all-of-added-annotation-only", Side::New, s.loc, detail);
                }
            }
            for id in removed {
                let s = self.old.schema(id);
                let what = s.ref_name.clone().map(|n| format!("`{n}`")).unwrap_or_else(|| "a subschema".into());
                self.attr(
                    scope,
                    w,
                    &format!("{name}-removed"),
                    Side::Old,
                    s.loc,
                    format!("{what} removed from {name}"),
                );
                if name == "all-of" && s.annotation_only {
                    let detail = format!("{what} (annotations only) removed from allOf");
                    self.attr(scope, w, "all-of-removed-annotation-only", Side::Old, s.loc, detail);
                }
            }
            for (x, y) in pairs {
                self.schema(scope, x, y, w);
            }
        }
        let wraps = |id: &SchemaId| {
            let b = self.new.schema(*id);
            self.same_schema(old, b) || (!old.types.is_empty() && b.types == old.types && new.types.is_empty())
        };
        if old.one_of.is_empty() && !new.one_of.is_empty() && new.one_of.iter().any(wraps) {
            self.attr(scope, w, "wrapped-in-one-of", Side::New, new.loc, "wrapped in oneOf".into());
        }
    }

    pub(in crate::diff) fn same_schema(&self, a: &Schema, b: &Schema) -> bool {
        if a.ref_name.is_some() || b.ref_name.is_some() {
            return a.ref_name == b.ref_name;
        }
        let names = |s: &Schema| s.properties.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        a.types == b.types && names(a) == names(b) && a.required == b.required
    }

    /// Pairs subschemas by component name, then by position among the unnamed ones.
    pub(in crate::diff) fn match_subschemas(
        &self,
        old: &[SchemaId],
        new: &[SchemaId],
    ) -> (Vec<(SchemaId, SchemaId)>, Vec<SchemaId>, Vec<SchemaId>) {
        let mut pairs = Vec::new();
        let mut unmatched_new: Vec<SchemaId> = new.to_vec();
        let mut unmatched_old = Vec::new();
        for &o in old {
            let name = self.old.schema(o).ref_name.clone();
            let found = unmatched_new.iter().position(|&n| match (&name, &self.new.schema(n).ref_name) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            });
            match found {
                Some(i) => pairs.push((o, unmatched_new.remove(i))),
                None => unmatched_old.push(o),
            }
        }
        // Unnamed subschemas: pair in order, as far as both sides have unnamed ones left.
        let mut removed = Vec::new();
        let mut rest_new: Vec<SchemaId> = Vec::new();
        let mut new_unnamed: Vec<SchemaId> =
            unmatched_new.iter().copied().filter(|n| self.new.schema(*n).ref_name.is_none()).collect();
        rest_new.extend(unmatched_new.iter().copied().filter(|n| self.new.schema(*n).ref_name.is_some()));
        for o in unmatched_old {
            if self.old.schema(o).ref_name.is_none() && !new_unnamed.is_empty() {
                pairs.push((o, new_unnamed.remove(0)));
            } else {
                removed.push(o);
            }
        }
        rest_new.extend(new_unnamed);
        (pairs, rest_new, removed)
    }
}
