//! Schema comparison: every JSON Schema keyword the checks know, in one scope (request body,
//! request property, parameter, response body, ...). Properties, items and subschemas recurse
//! with the nested scope; cycles are cut by an in-progress set.

use super::{Differ, Scope, Side, Where, num};
use crate::model::*;

/// Deepest schema nesting compared (bounds work on huge or self-similar specs).
const MAX_DEPTH: usize = 48;

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

/// JSON distinguishes `1` from `"1"`; text, XML and form bodies do not.
fn strongly_typed(media: &str) -> bool {
    let base = super::media_base(media).to_ascii_lowercase();
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
        // A read-only request property is not sent: its type is the server's business.
        if !(scope == Scope::RequestProperty && new.read_only)
            && let Some((suffix, detail)) = self.type_change(scope, old, new, w)
        {
            attr(self, suffix, detail);
        }

        if !old.nullable && new.nullable {
            attr(self, "became-nullable", "became nullable".into());
        } else if old.nullable && !new.nullable {
            attr(self, "became-not-nullable", "became not nullable".into());
        }

        // Values are compared even when one side has no enum (as oasdiff does): an enum that
        // appears adds each of its values, one that goes away removes each of them.
        if old.enum_values.is_none() && new.enum_values.is_some() {
            attr(self, "became-enum", "became an enum".into());
        }
        if old.enum_values.is_some() || new.enum_values.is_some() {
            let (a, b) =
                (old.enum_values.as_deref().unwrap_or_default(), new.enum_values.as_deref().unwrap_or_default());
            for v in a.iter().filter(|v| !b.contains(v)) {
                attr(self, "enum-value-removed", format!("enum value {v} removed"));
            }
            for v in b.iter().filter(|v| !a.contains(v)) {
                attr(self, "enum-value-added", format!("enum value {v} added"));
            }
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
                // A pattern that accepts anything generalizes where oasdiff has such an id
                // (request side); elsewhere it is a change like any other.
                let generalized = format!("{}-pattern-generalized", scope.prefix());
                let suffix = if b == ".*" && crate::checks::level_of(&generalized).is_some() {
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
    /// Classifies a change of `type`/`format` as oasdiff does: a list of types (`oneOf`/`anyOf`
    /// of bare types) widened or narrowed; otherwise generalized, specialized, compatible (safe
    /// only because the media type is not strongly typed) or changed, by direction.
    fn type_change(&self, scope: Scope, old: &Schema, new: &Schema, w: &Where<'a>) -> Option<(&'static str, String)> {
        let (ta, tb) = (&old.types, &new.types);
        let added: Vec<String> = tb.iter().filter(|t| !ta.contains(t)).cloned().collect();
        let deleted: Vec<String> = ta.iter().filter(|t| !tb.contains(t)).cloned().collect();
        let detail = format!("type/format changed from `{}` to `{}`", describe_type(old), describe_type(new));
        if old.union_types || new.union_types {
            // Both sides must read as a list of types: a union of bare types, or one plain type.
            let pattern = |s: &Schema| {
                s.union_types
                    || (!s.types.is_empty() && s.properties.is_empty() && s.all_of.is_empty() && s.not.is_none())
            };
            if (added.is_empty() && deleted.is_empty()) || !pattern(old) || !pattern(new) {
                return None;
            }
            let list = |t: &[String]| if t.is_empty() { "none".to_string() } else { t.join("|") };
            let detail = format!("list of types changed from {} to {}", list(ta), list(tb));
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
                    type_or_format_breaking(type_diff, format_diff, strongly_typed(&w.media), tb)
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
                    type_or_format_breaking(reversed, formats, strongly_typed(&w.media), ta)
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
    fn scalar_to_form_explode_array(&self, old: &Schema, new: &Schema, added: &[String], w: &Where<'a>) -> bool {
        if !w.form_explode || added != ["array"] || old.types.is_empty() || old.types.iter().any(|t| t == "array") {
            return false;
        }
        let Some(item) = new.items.map(|i| self.new.schema(i)) else { return false };
        if !type_contained(&item.types, &old.types, false) {
            return false;
        }
        same_value_constraints(old, item)
    }

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
