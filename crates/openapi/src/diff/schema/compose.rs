//! allOf / anyOf / oneOf: subschemas matched by `$ref` target, then by what they accept, then by
//! title, then a last one left on each side.

use super::equivalence::accepts_anything;
use crate::diff::{Differ, Scope, Side, Where};
use crate::model::*;

impl<'a> Differ<'a> {
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
                // An allOf branch that accepts anything (annotations only) changes no payload:
                // it has its own informational id instead of the generic one.
                if name == "all-of" && accepts_anything(self.new, id) {
                    let detail = format!("{what} (annotations only) added to allOf");
                    self.attr(scope, w, "all-of-added-annotation-only", Side::New, s.loc, detail);
                } else {
                    self.attr(scope, w, &format!("{name}-added"), Side::New, s.loc, format!("{what} added to {name}"));
                }
            }
            for id in removed {
                let s = self.old.schema(id);
                let what = s.ref_name.clone().map(|n| format!("`{n}`")).unwrap_or_else(|| "a subschema".into());
                if name == "all-of" && accepts_anything(self.old, id) {
                    let detail = format!("{what} (annotations only) removed from allOf");
                    self.attr(scope, w, "all-of-removed-annotation-only", Side::Old, s.loc, detail);
                } else {
                    let detail = format!("{what} removed from {name}");
                    self.attr(scope, w, &format!("{name}-removed"), Side::Old, s.loc, detail);
                }
            }
            for (x, y) in pairs {
                self.schema(scope.subschema(), x, y, w);
            }
        }
    }

    /// Pairs subschemas by `$ref` target (as oasdiff pairs `$ref`s by their text), then inline
    /// ones that validate alike, then inline ones by title, then a single inline one left on
    /// each side. Returns the pairs, the added and the removed ones.
    ///
    /// Of what is left, a removed and an added subschema on either side of the inline/`$ref`
    /// boundary that validate alike are one subschema moved to (or from) a component, as
    /// oasdiff's `reconcileInlineRefRefactors` has it: neither is reported, and since they
    /// accept the same values there is nothing to compare. Two inline subschemas, or two
    /// components, are not reconciled: a renamed component is a change.
    pub(in crate::diff) fn match_subschemas(
        &mut self,
        old: &[SchemaId],
        new: &[SchemaId],
    ) -> (Vec<(SchemaId, SchemaId)>, Vec<SchemaId>, Vec<SchemaId>) {
        let mut pairs = Vec::new();
        let mut unmatched_new: Vec<SchemaId> = new.to_vec();
        let mut unmatched_old = Vec::new();
        for &o in old {
            let target = self.old.schema(o).shared.as_deref();
            let found = unmatched_new.iter().position(|&n| match (target, self.new.schema(n).shared.as_deref()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            });
            match found {
                Some(i) => pairs.push((o, unmatched_new.remove(i))),
                None => unmatched_old.push(o),
            }
        }
        // Inline subschemas: those that validate alike first (reordered, or unchanged next to a
        // changed one), then in order, as far as both sides have inline ones left.
        let mut new_inline: Vec<SchemaId> =
            unmatched_new.iter().copied().filter(|n| self.new.schema(*n).shared.is_none()).collect();
        let mut rest_new: Vec<SchemaId> =
            unmatched_new.iter().copied().filter(|n| self.new.schema(*n).shared.is_some()).collect();
        let mut old_inline = Vec::new();
        let mut removed = Vec::new();
        for o in unmatched_old {
            if self.old.schema(o).shared.is_some() {
                removed.push(o);
                continue;
            }
            match new_inline.iter().position(|&n| self.equivalent(o, n)) {
                Some(i) => pairs.push((o, new_inline.remove(i))),
                None => old_inline.push(o),
            }
        }
        // Then by title (each title pairs once), and a last inline subschema left on each side,
        // neither titled, is the one that changed; the others were added and removed (as
        // oasdiff's `getSubschemasInlineDiff`: inline subschemas are not paired by position).
        let title = |s: &Schema| s.title.clone().filter(|t| !t.is_empty());
        let mut titles_used: Vec<String> = Vec::new();
        new_inline.retain(|&n| {
            let Some(t) = title(self.new.schema(n)) else { return true };
            if titles_used.contains(&t) {
                return true;
            }
            match old_inline.iter().position(|&o| title(self.old.schema(o)).as_ref() == Some(&t)) {
                Some(i) => {
                    pairs.push((old_inline.remove(i), n));
                    titles_used.push(t);
                    false
                }
                None => true,
            }
        });
        if let ([o], [n]) = (old_inline.as_slice(), new_inline.as_slice())
            && title(self.old.schema(*o)).is_none()
            && title(self.new.schema(*n)).is_none()
        {
            pairs.push((*o, *n));
            old_inline.clear();
            new_inline.clear();
        }
        removed.extend(old_inline);
        rest_new.extend(new_inline);
        let mut kept = Vec::new();
        for o in removed {
            let old_by_ref = self.old.schema(o).shared.is_some();
            let mut refactored = None;
            for (i, &n) in rest_new.iter().enumerate() {
                if self.new.schema(n).shared.is_some() != old_by_ref && self.equivalent(o, n) {
                    refactored = Some(i);
                    break;
                }
            }
            match refactored {
                Some(i) => {
                    rest_new.remove(i);
                }
                None => kept.push(o),
            }
        }
        (pairs, rest_new, kept)
    }
}
