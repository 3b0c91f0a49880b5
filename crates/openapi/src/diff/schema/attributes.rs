//! The keywords of one schema compared with their counterparts: types, nullability, enums,
//! const, defaults, patterns, bounds, discriminators, 2020-12 keywords, deprecation and
//! stability of properties.

use crate::diff::{Differ, Scope, Side, Where, num};
use crate::model::*;

impl<'a> Differ<'a> {
    pub(in crate::diff) fn attributes(&mut self, scope: Scope, old: &Schema, new: &Schema, w: &Where<'a>) {
        let loc = new.loc;
        let read_only_request = scope == Scope::RequestProperty && new.read_only;
        // Changes a read-only request property cannot break get their own informational ids.
        let attr = |d: &mut Self, suffix: &str, detail: String| {
            if read_only_request && level_of_ro(suffix) {
                let id = format!("request-read-only-property-{suffix}");
                let message = format!("{} {detail}", w.subject(scope));
                d.emit_at(w, &id, Side::New, loc, message);
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
        self.lifecycle(scope, old, new, w);
        // Recurse into the subschemas of keywords that exist on both sides.
        let nested = w.clone();
        for (x, y) in [
            (old.contains, new.contains),
            (old.if_schema, new.if_schema),
            (old.then_schema, new.then_schema),
            (old.else_schema, new.else_schema),
        ] {
            if let (Some(x), Some(y)) = (x, y) {
                self.schema(scope.subschema(), x, y, &nested);
            }
        }
    }

    /// Deprecation and stability of a property: lifecycle changes, reported whatever else changed
    /// (also when a nullable wrap explains the rest).
    pub(in crate::diff) fn lifecycle(&mut self, scope: Scope, old: &Schema, new: &Schema, w: &Where<'a>) {
        if !matches!(scope, Scope::RequestProperty | Scope::ResponseProperty) {
            return;
        }
        let loc = new.loc;
        let attr = |d: &mut Self, suffix: &str, detail: String| d.attr(scope, w, suffix, Side::New, loc, detail);
        // As oasdiff's request and response property deprecation checks: by the deprecation
        // policy of the operation's stability level (none for an invalid level), a property that
        // became deprecated gets exactly one finding.
        if let Some(days) = w.env.deprecation_days {
            if old.deprecated && !new.deprecated {
                attr(self, "reactivated", "reactivated".into());
            } else if !old.deprecated && new.deprecated {
                let (suffix, detail) = match new.sunset.as_deref() {
                    None if days > 0 => ("deprecated-sunset-missing", "deprecated without an x-sunset date".into()),
                    None => ("deprecated", "deprecated".into()),
                    Some(s) => match crate::diff::parse_date(s) {
                        None => ("deprecated-sunset-invalid", format!("deprecated with an invalid x-sunset {s:?}")),
                        Some(date) if date - self.options.today < days => {
                            ("sunset-date-too-small", format!("sunset {s} is less than {days} days away"))
                        }
                        Some(_) => ("deprecated-with-sunset", format!("deprecated with sunset {s}")),
                    },
                };
                attr(self, suffix, detail);
            }
        }
        // A property without a level counts as stable; the change is reported when the level
        // the property leaves is at or above the threshold, as for endpoints.
        let rank = |s: &Option<String>| crate::diff::stability_rank(s.as_deref());
        // An invalid level on a property has no other place to be reported.
        for (schema, side) in [(old, Side::Old), (new, Side::New)] {
            if let (Some(level), None) = (&schema.stability, rank(&schema.stability))
                && old.stability != new.stability
            {
                let message = format!(
                    "{} has an invalid x-stability-level {level:?} (expected draft, alpha, beta or stable)",
                    w.subject(scope)
                );
                self.emit_at(w, "api-invalid-stability-level", side, schema.loc, message);
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

    /// One numeric bound. `upper` bounds narrow when decreased, lower bounds when increased.
    pub(in crate::diff) fn bound(
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
}

/// Checks that have a `request-read-only-property-` variant.
fn level_of_ro(suffix: &str) -> bool {
    crate::checks::level_of(&format!("request-read-only-property-{suffix}")).is_some()
}
