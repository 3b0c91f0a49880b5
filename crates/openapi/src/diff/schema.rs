//! Schema comparison: every JSON Schema keyword the checks know, in one scope (request body,
//! request property, parameter, response body, ...). Properties, items and subschemas recurse
//! with the nested scope; cycles are cut by an in-progress set.

use std::collections::BTreeSet;

use super::{Differ, Scope, Side, Where, num};
use crate::model::*;

/// Deepest schema nesting compared (bounds work on huge or self-similar specs).
const MAX_DEPTH: usize = 48;

fn generalizes(from: (&[String], Option<&str>), to: (&[String], Option<&str>)) -> bool {
    // Dropping the type constraint accepts anything.
    if !from.0.is_empty() && to.0.is_empty() {
        return true;
    }
    let single = |t: &[String]| if t.len() == 1 { Some(t[0].clone()) } else { None };
    let (Some(ft), Some(tt)) = (single(from.0), single(to.0)) else {
        return false;
    };
    let type_ok = ft == tt || (ft == "integer" && tt == "number");
    let format_ok = match (from.1, to.1) {
        (a, b) if a == b => true,
        (Some(_), None) => true,
        (Some("int32"), Some("int64")) | (Some("float"), Some("double")) => true,
        (Some("int32" | "int64"), Some("double" | "float")) if tt == "number" => true,
        _ => false,
    };
    type_ok && format_ok && (ft != tt || from.1 != to.1)
}

/// Parameters travel as text. A scalar parameter that becomes an array of values accepts what
/// its items accept (a string item accepts any scalar); a string parameter that becomes a
/// number, integer or boolean narrows.
fn param_generalizes(from: &[String], to: &[String], to_items: &[String]) -> bool {
    let covers = |new: &str, old: &str| {
        new == old
            || (new == "number" && old == "integer")
            || (new == "string" && matches!(old, "integer" | "number" | "boolean"))
    };
    let to_array = to.len() == 1 && to[0] == "array" && !from.is_empty() && !from.iter().any(|t| t == "array");
    to_array && !to_items.is_empty() && from.iter().all(|f| to_items.iter().any(|t| covers(t, f)))
}

fn param_specializes(from: &[String], to: &[String]) -> bool {
    from.len() == 1
        && from[0] == "string"
        && to.len() == 1
        && matches!(to[0].as_str(), "integer" | "number" | "boolean")
}

fn describe_type(s: &Schema) -> String {
    let t = if s.types.is_empty() { "any".to_string() } else { s.types.join("|") };
    match &s.format {
        Some(f) => format!("{t}/{f}"),
        None => t,
    }
}

impl<'a> Differ<'a> {
    pub(super) fn schema(&mut self, scope: Scope, a: SchemaId, b: SchemaId, w: &Where<'a>) {
        let key = (a, b, scope, format!("{}|{}|{}|{}", w.op.method, w.op.path, w.context, w.property));
        let depth = w.property.matches('/').count() + w.property.matches("[]").count();
        if depth > MAX_DEPTH || !self.visited.insert(key.clone()) {
            return;
        }
        // Cycles: the same pair of schemas already being compared higher up this path.
        let cycle = (a, b, scope);
        if self.in_progress.contains(&cycle) {
            return;
        }
        self.in_progress.insert(cycle);
        let (old, new) = (self.old.schema(a), self.new.schema(b));
        // `X` <-> `oneOf: [null, X]`: a nullability change of X, not a new composition.
        let plain = |s: &Schema| s.one_of.is_empty() && s.any_of.is_empty();
        match (old.null_wrap, new.null_wrap) {
            (None, Some(inner)) if plain(old) => {
                if !old.nullable {
                    self.attr(scope, w, "became-nullable", Side::New, new.loc, "became nullable".into());
                }
                self.schema(scope, a, inner, w);
                self.in_progress.remove(&cycle);
                return;
            }
            (Some(inner), None) if plain(new) => {
                if !new.nullable {
                    self.attr(scope, w, "became-not-nullable", Side::New, new.loc, "became not nullable".into());
                }
                self.schema(scope, inner, b, w);
                self.in_progress.remove(&cycle);
                return;
            }
            _ => {}
        }
        self.new_write_only = new.write_only;
        self.attributes(scope, old, new, w);
        self.compositions(scope, old, new, w);
        self.properties(scope, old, new, w);
        if let Some(view) = self.union_view(old, new) {
            // A plain schema split into alternatives: also compare it with what the
            // alternatives accept together (their properties, the fields all of them require).
            self.properties(scope, old, &view, w);
        }
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
            self.schema(scope, x, y, w);
        }
        self.in_progress.remove(&cycle);
    }

    fn attributes(&mut self, scope: Scope, old: &Schema, new: &Schema, w: &Where<'a>) {
        let loc = new.loc;
        let read_only_request = scope == Scope::RequestProperty && new.read_only;
        // Changes a read-only request property cannot break get their own informational ids.
        let attr = |d: &mut Self, suffix: &str, detail: String| {
            if read_only_request && level_of_ro(suffix) {
                let id = format!("request-read-only-property-{suffix}");
                let message = format!("{} {detail}", w.subject(scope));
                d.emit(&id, Side::New, loc, Some(w.op), message);
            } else {
                d.attr(scope, w, suffix, Side::New, loc, detail);
            }
        };

        // Types and formats.
        let (ta, tb) = (&old.types, &new.types);
        if ta.len() > 1 || tb.len() > 1 {
            if ta != tb {
                let (sa, sb): (BTreeSet<_>, BTreeSet<_>) = (ta.iter().collect(), tb.iter().collect());
                let detail = format!("list of types changed from {} to {}", ta.join("|"), tb.join("|"));
                let parameter = matches!(scope, Scope::RequestParameter | Scope::RequestParameterProperty);
                let item_types = new.items.map(|i| self.new.schema(i).types.clone()).unwrap_or_default();
                if parameter && param_generalizes(ta, tb, &item_types) {
                    attr(
                        self,
                        "type-generalized",
                        format!("type changed from {} to an array of {}", ta.join("|"), item_types.join("|")),
                    );
                } else if sb.is_superset(&sa) {
                    attr(self, "list-of-types-widened", detail);
                } else if sa.is_superset(&sb) {
                    attr(self, "list-of-types-narrowed", detail);
                } else {
                    attr(self, "type-changed", detail);
                }
            }
        } else if (ta != tb && !(ta.is_empty() && tb.is_empty())) || (old.format != new.format && !ta.is_empty()) {
            let from = (ta.as_slice(), old.format.as_deref());
            let to = (tb.as_slice(), new.format.as_deref());
            let detail = format!("type/format changed from `{}` to `{}`", describe_type(old), describe_type(new));
            let xml_object_string = w.context.contains("xml")
                && matches!(
                    (ta.first().map(String::as_str), tb.first().map(String::as_str)),
                    (Some("object"), Some("string")) | (Some("string"), Some("object"))
                );
            let parameter = matches!(scope, Scope::RequestParameter | Scope::RequestParameterProperty);
            let item_types = new.items.map(|i| self.new.schema(i).types.clone()).unwrap_or_default();
            let mut suffix = if xml_object_string {
                // In XML an element with text and one with children are interchangeable.
                "type-compatible"
            } else if parameter && param_generalizes(ta, tb, &item_types) {
                "type-generalized"
            } else if parameter && param_specializes(ta, tb) {
                "type-specialized"
            } else if (scope.is_request() || !tb.is_empty()) && generalizes(from, to) {
                "type-generalized"
            } else if generalizes(to, from) && !scope.is_request() {
                "type-specialized"
            } else {
                "type-changed"
            };
            if crate::checks::level_of(&format!("{}-{suffix}", scope.prefix())).is_none() {
                suffix = "type-changed";
            }
            attr(self, suffix, detail);
        }

        if !old.nullable && new.nullable {
            attr(self, "became-nullable", "became nullable".into());
        } else if old.nullable && !new.nullable {
            attr(self, "became-not-nullable", "became not nullable".into());
        }

        match (&old.enum_values, &new.enum_values) {
            (None, Some(_)) => attr(self, "became-enum", "became an enum".into()),
            (Some(a), Some(b)) => {
                for v in a.iter().filter(|v| !b.contains(v)) {
                    attr(self, "enum-value-removed", format!("enum value {v} removed"));
                }
                for v in b.iter().filter(|v| !a.contains(v)) {
                    attr(self, "enum-value-added", format!("enum value {v} added"));
                }
            }
            _ => {}
        }
        if let (Some(a), Some(b)) = (&old.extensible_enum, &new.extensible_enum) {
            for v in a.iter().filter(|v| !b.contains(v)) {
                attr(self, "x-extensible-enum-value-removed", format!("x-extensible-enum value {v} removed"));
            }
        }
        match (&old.const_value, &new.const_value) {
            (None, Some(v)) => attr(self, "const-added", format!("const {v} added")),
            (Some(v), None) => attr(self, "const-removed", format!("const {v} removed")),
            (Some(a), Some(b)) if a != b => attr(self, "const-changed", format!("const changed from {a} to {b}")),
            _ => {}
        }
        match (&old.default, &new.default) {
            (None, Some(v)) => attr(self, "default-value-added", format!("default value {v} added")),
            (Some(v), None) => attr(self, "default-value-removed", format!("default value {v} removed")),
            (Some(a), Some(b)) if a != b => {
                attr(self, "default-value-changed", format!("default value changed from {a} to {b}"))
            }
            _ => {}
        }
        match (&old.pattern, &new.pattern) {
            (None, Some(p)) => attr(self, "pattern-added", format!("pattern `{p}` added")),
            (Some(p), None) => attr(self, "pattern-removed", format!("pattern `{p}` removed")),
            (Some(a), Some(b)) if a != b => {
                let suffix = if matches!(b.as_str(), ".*" | "^.*$" | ".+" | "^.+$") {
                    "pattern-generalized"
                } else {
                    "pattern-changed"
                };
                attr(self, suffix, format!("pattern changed from `{a}` to `{b}`"));
            }
            _ => {}
        }
        self.bound(scope, "max", old.maximum, new.maximum, true, &attr);
        self.bound(scope, "min", old.minimum, new.minimum, false, &attr);
        self.bound(scope, "exclusive-max", old.exclusive_maximum, new.exclusive_maximum, true, &attr);
        self.bound(scope, "exclusive-min", old.exclusive_minimum, new.exclusive_minimum, false, &attr);
        let f = |v: Option<u64>| v.map(|x| x as f64);
        self.bound(scope, "max-length", f(old.max_length), f(new.max_length), true, &attr);
        self.bound(scope, "min-length", f(old.min_length), f(new.min_length), false, &attr);
        self.bound(scope, "max-items", f(old.max_items), f(new.max_items), true, &attr);
        if scope == Scope::RequestParameter
            && let (Some(x), Some(y)) = (old.items, new.items)
        {
            // oasdiff reports an array parameter's item count bounds from its `items`.
            let (x, y) = (self.old.schema(x).max_items, self.new.schema(y).max_items);
            self.bound(scope, "max-items", f(x), f(y), true, &attr);
        }
        self.bound(scope, "min-items", f(old.min_items), f(new.min_items), false, &attr);
        self.bound(scope, "max-contains", f(old.max_contains), f(new.max_contains), true, &attr);
        self.bound(scope, "min-contains", f(old.min_contains), f(new.min_contains), false, &attr);

        match (&old.discriminator, &new.discriminator) {
            (None, Some(_)) => attr(self, "discriminator-added", "discriminator added".into()),
            (Some(_), None) => attr(self, "discriminator-removed", "discriminator removed".into()),
            (Some(a), Some(b)) => {
                if a.property_name != b.property_name {
                    attr(
                        self,
                        "discriminator-property-name-changed",
                        format!(
                            "discriminator property name changed from `{}` to `{}`",
                            a.property_name, b.property_name
                        ),
                    );
                }
                for (k, v) in &b.mapping {
                    match a.mapping.get(k) {
                        None => attr(self, "discriminator-mapping-added", format!("discriminator mapping `{k}` added")),
                        Some(pv) if pv != v => attr(
                            self,
                            "discriminator-mapping-changed",
                            format!("discriminator mapping `{k}` changed from `{pv}` to `{v}`"),
                        ),
                        _ => {}
                    }
                }
                for k in a.mapping.keys().filter(|k| !b.mapping.contains_key(*k)) {
                    attr(self, "discriminator-mapping-deleted", format!("discriminator mapping `{k}` deleted"));
                }
            }
            _ => {}
        }
        let presence = |d: &mut Self, name: &str, a: bool, b: bool| {
            if !a && b {
                attr(d, &format!("{name}-added"), format!("`{name}` added"));
            } else if a && !b {
                attr(d, &format!("{name}-removed"), format!("`{name}` removed"));
            }
        };
        presence(self, "contains", old.contains.is_some(), new.contains.is_some());
        presence(self, "if", old.if_schema.is_some(), new.if_schema.is_some());
        presence(self, "then", old.then_schema.is_some(), new.then_schema.is_some());
        presence(self, "else", old.else_schema.is_some(), new.else_schema.is_some());
        presence(self, "property-names", old.property_names.is_some(), new.property_names.is_some());
        presence(self, "content-schema", old.content_schema.is_some(), new.content_schema.is_some());
        presence(self, "unevaluated-items", old.unevaluated_items.is_some(), new.unevaluated_items.is_some());
        presence(
            self,
            "unevaluated-properties",
            old.unevaluated_properties.is_some(),
            new.unevaluated_properties.is_some(),
        );
        if new.prefix_items.len() > old.prefix_items.len() {
            attr(
                self,
                "prefix-items-added",
                format!("prefixItems grew from {} to {}", old.prefix_items.len(), new.prefix_items.len()),
            );
        } else if new.prefix_items.len() < old.prefix_items.len() {
            attr(
                self,
                "prefix-items-removed",
                format!("prefixItems shrank from {} to {}", old.prefix_items.len(), new.prefix_items.len()),
            );
        }
        for (k, v) in &new.dependent_required {
            match old.dependent_required.get(k) {
                None => attr(self, "dependent-required-added", format!("dependentRequired for `{k}` added")),
                Some(pv) if pv != v => {
                    attr(self, "dependent-required-changed", format!("dependentRequired for `{k}` changed"))
                }
                _ => {}
            }
        }
        for k in old.dependent_required.keys().filter(|k| !new.dependent_required.contains_key(*k)) {
            attr(self, "dependent-required-removed", format!("dependentRequired for `{k}` removed"));
        }
        for k in new.dependent_schemas.keys().filter(|k| !old.dependent_schemas.contains_key(*k)) {
            attr(self, "dependent-schema-added", format!("dependentSchemas for `{k}` added"));
        }
        for k in old.dependent_schemas.keys().filter(|k| !new.dependent_schemas.contains_key(*k)) {
            attr(self, "dependent-schema-removed", format!("dependentSchemas for `{k}` removed"));
        }
        for k in new.pattern_properties.keys().filter(|k| !old.pattern_properties.contains_key(*k)) {
            attr(self, "pattern-property-added", format!("patternProperties `{k}` added"));
        }
        for k in old.pattern_properties.keys().filter(|k| !new.pattern_properties.contains_key(*k)) {
            attr(self, "pattern-property-removed", format!("patternProperties `{k}` removed"));
        }
        if old.content_media_type != new.content_media_type
            && old.content_media_type.is_some()
            && new.content_media_type.is_some()
        {
            attr(self, "content-media-type-changed", "contentMediaType changed".into());
        }
        if old.content_encoding != new.content_encoding
            && old.content_encoding.is_some()
            && new.content_encoding.is_some()
        {
            attr(self, "content-encoding-changed", "contentEncoding changed".into());
        }
        if matches!(scope, Scope::RequestProperty | Scope::ResponseProperty) {
            if !old.deprecated && new.deprecated {
                match new.sunset.as_deref() {
                    Some(s) if super::parse_date(s).is_none() => {
                        attr(self, "deprecated-sunset-invalid", format!("deprecated with an invalid x-sunset {s:?}"))
                    }
                    Some(s) => {
                        if super::parse_date(s)
                            .is_some_and(|d| d < self.options.today + self.options.deprecation_days_stable)
                        {
                            attr(self, "sunset-date-too-small", format!("sunset {s} is too soon"));
                        }
                        attr(self, "deprecated-with-sunset", format!("deprecated with sunset {s}"))
                    }
                    None => {
                        attr(self, "deprecated", "deprecated".into());
                        if !matches!(new.stability.as_deref(), Some("draft" | "alpha")) {
                            attr(self, "deprecated-sunset-missing", "deprecated without an x-sunset date".into());
                        }
                    }
                }
            } else if old.deprecated && !new.deprecated {
                attr(self, "reactivated", "reactivated".into());
            }
            // A property without a level counts as stable; the change is reported when the level
            // the property leaves is at or above the threshold, as for endpoints.
            let rank = |s: &Option<String>| super::stability_rank(s.as_deref());
            // An invalid level on a property has no other place to be reported.
            for (schema, side) in [(old, Side::Old), (new, Side::New)] {
                if let (Some(level), None) = (&schema.stability, rank(&schema.stability))
                    && old.stability != new.stability
                {
                    let message = format!(
                        "{} has an invalid x-stability-level {level:?} (expected draft, alpha, beta or stable)",
                        w.subject(scope)
                    );
                    self.emit("api-invalid-stability-level", side, schema.loc, Some(w.op), message);
                }
            }
            if let (Some(x), Some(y)) = (rank(&old.stability), rank(&new.stability))
                && x >= self.options.stability_threshold
            {
                if y < x {
                    attr(self, "stability-decreased", "stability decreased".into());
                } else if y > x {
                    attr(self, "stability-increased", "stability increased".into());
                }
            }
        }
        // Recurse into the subschemas of keywords that exist on both sides.
        let nested = w.clone();
        for (x, y) in [
            (old.contains, new.contains),
            (old.if_schema, new.if_schema),
            (old.then_schema, new.then_schema),
            (old.else_schema, new.else_schema),
        ] {
            if let (Some(x), Some(y)) = (x, y) {
                self.schema(scope, x, y, &nested);
            }
        }
    }

    /// One numeric bound. `upper` bounds narrow when decreased, lower bounds when increased.
    #[allow(clippy::too_many_arguments)]
    fn bound(
        &mut self,
        scope: Scope,
        name: &str,
        old: Option<f64>,
        new: Option<f64>,
        upper: bool,
        attr: &dyn Fn(&mut Self, &str, String),
    ) {
        let _ = scope;
        match (old, new) {
            (Some(a), Some(b)) if a != b => {
                let (suffix, verb) = if b > a { ("increased", "increased") } else { ("decreased", "decreased") };
                attr(self, &format!("{name}-{suffix}"), format!("{name} {verb} from {} to {}", num(a), num(b)));
            }
            (None, Some(b)) => attr(self, &format!("{name}-set"), format!("{name} set to {}", num(b))),
            (Some(a), None) => {
                // Removing a bound widens the range: like moving it to infinity.
                attr(self, &format!("{name}-unset"), format!("{name} {} removed", num(a)));
                let _ = upper;
            }
            _ => {}
        }
    }

    /// When `old` has no alternatives and `new` is only `oneOf`/`anyOf` (no type or properties
    /// of its own, none of its branches being `old` itself), the merged view of the branches.
    fn union_view(&self, old: &Schema, new: &Schema) -> Option<Schema> {
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

    fn compositions(&mut self, scope: Scope, old: &'a Schema, new: &'a Schema, w: &Where<'a>) {
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

    fn same_schema(&self, a: &Schema, b: &Schema) -> bool {
        if a.ref_name.is_some() || b.ref_name.is_some() {
            return a.ref_name == b.ref_name;
        }
        let names = |s: &Schema| s.properties.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        a.types == b.types && names(a) == names(b) && a.required == b.required
    }

    /// Pairs subschemas by component name, then by position among the unnamed ones.
    fn match_subschemas(
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

    fn properties(&mut self, scope: Scope, old: &Schema, new: &Schema, w: &Where<'a>) {
        let nested = scope.nested();
        let request = scope.is_request();
        // `required` names without a declared property still constrain the payload.
        let declared = |n: &String| old.property(n).is_some() || new.property(n).is_some();
        if matches!(scope, Scope::RequestBody | Scope::RequestProperty | Scope::ResponseBody | Scope::ResponseProperty)
        {
            for name in new.required.iter().filter(|n| !old.required.contains(n) && !declared(n)) {
                let id = if request { "request-property-became-required" } else { "response-property-became-required" };
                let subject = format!("{} `{}` ({})", nested.noun(), w.with_property(name).property, w.context);
                self.emit(id, Side::New, new.loc, Some(w.op), format!("{subject} became required"));
            }
            for name in old.required.iter().filter(|n| !new.required.contains(n) && !declared(n)) {
                let id = if request { "request-property-became-optional" } else { "response-property-became-optional" };
                let subject = format!("{} `{}` ({})", nested.noun(), w.with_property(name).property, w.context);
                self.emit(id, Side::New, new.loc, Some(w.op), format!("{subject} became optional"));
            }
        }
        let body_like = matches!(
            scope,
            Scope::RequestBody
                | Scope::RequestProperty
                | Scope::ResponseBody
                | Scope::ResponseProperty
                | Scope::ResponseHeader
        );
        for (name, id) in &old.properties {
            if new.property(name).is_some() {
                continue;
            }
            let p = self.old.schema(*id);
            let required = old.required.contains(name);
            let pw = w.with_property(name);
            let subject = format!("{} `{}` ({})", nested.noun(), pw.property, w.context);
            let id = if request {
                if !body_like || p.read_only {
                    continue;
                }
                "request-property-removed"
            } else if p.write_only {
                if required {
                    "response-required-write-only-property-removed"
                } else {
                    "response-optional-write-only-property-removed"
                }
            } else if required {
                "response-required-property-removed"
            } else {
                "response-optional-property-removed"
            };
            self.emit(id, Side::Old, p.loc, Some(w.op), format!("{subject} removed"));
        }
        let header_param = matches!(scope, Scope::RequestParameter | Scope::RequestParameterProperty)
            && w.context.starts_with("header ");
        for (name, id) in &new.properties {
            let p = self.new.schema(*id);
            let required = new.required.contains(name);
            if header_param && required {
                let subject = format!("header parameter property `{}` ({})", w.with_property(name).property, w.context);
                match old.property(name) {
                    None => {
                        let message = format!("{subject} added as required");
                        self.emit("new-required-request-header-property", Side::New, p.loc, Some(w.op), message)
                    }
                    Some(_) if !old.required.contains(name) => {
                        let message = format!("{subject} became required");
                        self.emit("request-header-property-became-required", Side::New, p.loc, Some(w.op), message)
                    }
                    _ => {}
                }
            }
            let pw = w.with_property(name);
            let subject = format!("{} `{}` ({})", nested.noun(), pw.property, w.context);
            let Some(old_id) = old.property(name) else {
                let id = if request {
                    if !body_like || p.read_only {
                        continue;
                    }
                    match (required, p.default.is_some()) {
                        (true, true) => "new-required-request-property-with-default",
                        (true, false) => "new-required-request-property",
                        (false, _) => "new-optional-request-property",
                    }
                } else if p.write_only {
                    if required {
                        "response-required-write-only-property-added"
                    } else {
                        "response-optional-write-only-property-added"
                    }
                } else if required {
                    "response-required-property-added"
                } else {
                    "response-optional-property-added"
                };
                self.emit(id, Side::New, p.loc, Some(w.op), format!("{subject} added"));
                continue;
            };
            let prev = self.old.schema(old_id);
            let was_required = old.required.contains(name);
            if body_like && was_required != required {
                let id = match (request, required) {
                    (true, true) if p.default.is_some() => "request-property-became-required-with-default",
                    (true, true) => "request-property-became-required",
                    (true, false) => "request-property-became-optional",
                    (false, true) if p.write_only => "response-write-only-property-became-required",
                    (false, false) if p.write_only => "response-write-only-property-became-optional",
                    (false, true) => "response-property-became-required",
                    (false, false) => "response-property-became-optional",
                };
                if !(request && p.read_only) {
                    let verb = if required { "required" } else { "optional" };
                    self.emit(id, Side::New, p.loc, Some(w.op), format!("{subject} became {verb}"));
                }
            }
            if body_like {
                let side = if request { "request" } else { "response" };
                let req = if required { "required" } else { "optional" };
                for (flag, before, after) in
                    [("read-only", prev.read_only, p.read_only), ("write-only", prev.write_only, p.write_only)]
                {
                    if before != after {
                        let change = if after { format!("became-{flag}") } else { format!("became-not-{flag}") };
                        let id = format!("{side}-{req}-property-{change}");
                        if crate::checks::level_of(&id).is_some() {
                            self.emit(
                                &id,
                                Side::New,
                                p.loc,
                                Some(w.op),
                                format!("{subject} {}", change.replace('-', " ")),
                            );
                        }
                    }
                }
            }
            self.schema(nested, old_id, *id, &pw);
        }
    }
}

/// Checks that have a `request-read-only-property-` variant.
fn level_of_ro(suffix: &str) -> bool {
    crate::checks::level_of(&format!("request-read-only-property-{suffix}")).is_some()
}
