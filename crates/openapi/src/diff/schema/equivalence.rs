//! Validation equivalence (oasdiff's `SchemaRefsValidationEquivalent`): two schemas accept the
//! same values when every keyword but the annotations (title, description, default, examples,
//! `$comment`, externalDocs) is the same, subschemas compared recursively. Metadata the checks
//! read (deprecated, readOnly, extensions) counts as part of the contract. It tells a change of
//! form (an inline subschema moved to a component, a schema wrapped in a nullable `oneOf`, an
//! allOf branch of annotations) from a change of what is accepted.

use std::collections::HashSet;

use crate::model::*;

/// Deepest nesting compared; anything deeper counts as different, so the raw changes are
/// reported rather than assumed away.
const MAX_DEPTH: usize = 128;

/// Schema pairs looked at in one comparison at most (branches tried in any order could make
/// pathological input expensive); past it the schemas count as different, as above.
const MAX_WORK: usize = 100_000;

/// Schema `x` of `a` and schema `y` of `b` validate alike.
pub(in crate::diff) fn equivalent(a: &Spec, x: SchemaId, b: &Spec, y: SchemaId) -> bool {
    Pairs::new(a, b).same(x, y, 0)
}

/// The schema accepts anything, as `{}` does (annotations only).
pub(in crate::diff) fn accepts_anything(spec: &Spec, x: SchemaId) -> bool {
    let empty = Schema::default();
    Pairs::new(spec, spec).same_schema(spec.schema(x), &empty, 0)
}

/// One comparison: the pairs assumed alike so far (a pair met again is a cycle, alike unless
/// something else differs) and the pairs found different.
struct Pairs<'s> {
    a: &'s Spec,
    b: &'s Spec,
    assumed: HashSet<(SchemaId, SchemaId)>,
    /// `assumed` in insertion order, to take back the assumptions of a failed match.
    trail: Vec<(SchemaId, SchemaId)>,
    different: HashSet<(SchemaId, SchemaId)>,
    work: usize,
}

/// The same elements, in any order (enum values, required names).
fn same_set(x: &[String], y: &[String]) -> bool {
    x.len() == y.len() && x.iter().all(|v| y.contains(v)) && y.iter().all(|v| x.contains(v))
}

impl<'s> Pairs<'s> {
    fn new(a: &'s Spec, b: &'s Spec) -> Self {
        Pairs { a, b, assumed: HashSet::new(), trail: Vec::new(), different: HashSet::new(), work: 0 }
    }

    fn same(&mut self, x: SchemaId, y: SchemaId, depth: usize) -> bool {
        self.work += 1;
        if depth > MAX_DEPTH || self.work > MAX_WORK || self.different.contains(&(x, y)) {
            return false;
        }
        if !self.assumed.insert((x, y)) {
            return true;
        }
        self.trail.push((x, y));
        let (a, b) = (self.a, self.b);
        let alike = self.same_schema(a.schema(x), b.schema(y), depth + 1);
        if !alike {
            self.different.insert((x, y));
        }
        alike
    }

    fn same_opt(&mut self, x: Option<SchemaId>, y: Option<SchemaId>, depth: usize) -> bool {
        match (x, y) {
            (None, None) => true,
            (Some(x), Some(y)) => self.same(x, y, depth),
            _ => false,
        }
    }

    fn same_bool_or_schema(&mut self, x: Option<BoolOrSchema>, y: Option<BoolOrSchema>, depth: usize) -> bool {
        match (x, y) {
            (None, None) => true,
            (Some(BoolOrSchema::Bool(p)), Some(BoolOrSchema::Bool(q))) => p == q,
            (Some(BoolOrSchema::Schema(x)), Some(BoolOrSchema::Schema(y))) => self.same(x, y, depth),
            _ => false,
        }
    }

    /// In order (prefixItems).
    fn same_list(&mut self, x: &[SchemaId], y: &[SchemaId], depth: usize) -> bool {
        x.len() == y.len() && x.iter().zip(y).all(|(x, y)| self.same(*x, *y, depth))
    }

    fn same_map<K: PartialEq>(&mut self, x: &[(K, SchemaId)], y: &[(K, SchemaId)], depth: usize) -> bool {
        x.len() == y.len()
            && x.iter().all(|(k, x)| match y.iter().find(|(q, _)| q == k) {
                Some((_, y)) => self.same(*x, *y, depth),
                None => false,
            })
    }

    /// allOf/anyOf/oneOf branches, in any order: each branch alike to its own counterpart. Two
    /// `$ref`s to different targets are not counterparts (a renamed component is a change); an
    /// inline branch and a `$ref` can be.
    fn same_branches(&mut self, x: &[SchemaId], y: &[SchemaId], depth: usize) -> bool {
        if x.len() != y.len() {
            return false;
        }
        let mut used = vec![false; y.len()];
        for &p in x {
            let target = self.a.schema(p).shared.clone();
            let mut found = false;
            for (i, &q) in y.iter().enumerate() {
                let named_apart = matches!((&target, &self.b.schema(q).shared), (Some(m), Some(n)) if m != n);
                if used[i] || named_apart {
                    continue;
                }
                let mark = self.trail.len();
                if self.same(p, q, depth) {
                    used[i] = true;
                    found = true;
                    break;
                }
                // What was assumed while trying this candidate may rest on the failed match.
                for pair in self.trail.drain(mark..) {
                    self.assumed.remove(&pair);
                }
            }
            if !found {
                return false;
            }
        }
        true
    }

    fn same_schema(&mut self, a: &Schema, b: &Schema, depth: usize) -> bool {
        // Destructured so that a keyword added to the model must be placed here.
        let Schema {
            loc: _,
            ref_name: _,
            shared: _,
            default: _,
            // Follows from `one_of` and `other_keywords`, compared below.
            null_wrap: _,
            title: _,
            // How the types were written (order, "null" in the list): `types`, `nullable` and
            // the branches say what they accept.
            declared_types: _,
            list_types: _,
            types,
            union_types,
            nullable,
            format,
            enum_values,
            const_value,
            properties,
            required,
            items,
            prefix_items,
            additional_properties,
            all_of,
            any_of,
            one_of,
            not,
            minimum,
            maximum,
            exclusive_minimum,
            exclusive_maximum,
            min_length,
            max_length,
            min_items,
            max_items,
            min_properties,
            max_properties,
            pattern,
            read_only,
            write_only,
            deprecated,
            discriminator,
            contains,
            min_contains,
            max_contains,
            if_schema,
            then_schema,
            else_schema,
            dependent_required,
            dependent_schemas,
            pattern_properties,
            property_names,
            unevaluated_items,
            unevaluated_properties,
            content_media_type,
            content_encoding,
            content_schema,
            extensible_enum,
            stability,
            sunset,
            other_keywords,
        } = a;
        let enums_alike = match (enum_values, &b.enum_values) {
            (None, None) => true,
            (Some(x), Some(y)) => same_set(x, y),
            _ => false,
        };
        let values_alike = *types == b.types
            && *union_types == b.union_types
            && *nullable == b.nullable
            && *format == b.format
            && enums_alike
            && *const_value == b.const_value
            && same_set(required, &b.required)
            && *minimum == b.minimum
            && *maximum == b.maximum
            && *exclusive_minimum == b.exclusive_minimum
            && *exclusive_maximum == b.exclusive_maximum
            && *min_length == b.min_length
            && *max_length == b.max_length
            && *min_items == b.min_items
            && *max_items == b.max_items
            && *min_properties == b.min_properties
            && *max_properties == b.max_properties
            && *pattern == b.pattern
            && *read_only == b.read_only
            && *write_only == b.write_only
            && *deprecated == b.deprecated
            && *discriminator == b.discriminator
            && *min_contains == b.min_contains
            && *max_contains == b.max_contains
            && *dependent_required == b.dependent_required
            && *content_media_type == b.content_media_type
            && *content_encoding == b.content_encoding
            && *extensible_enum == b.extensible_enum
            && *stability == b.stability
            && *sunset == b.sunset
            && *other_keywords == b.other_keywords;
        if !values_alike {
            return false;
        }
        let as_pairs = |m: &std::collections::BTreeMap<String, SchemaId>| -> Vec<(String, SchemaId)> {
            m.iter().map(|(k, v)| (k.clone(), *v)).collect()
        };
        self.same_map(properties, &b.properties, depth)
            && self.same_opt(*items, b.items, depth)
            && self.same_list(prefix_items, &b.prefix_items, depth)
            && self.same_bool_or_schema(*additional_properties, b.additional_properties, depth)
            && self.same_branches(all_of, &b.all_of, depth)
            && self.same_branches(any_of, &b.any_of, depth)
            && self.same_branches(one_of, &b.one_of, depth)
            && self.same_opt(*not, b.not, depth)
            && self.same_opt(*contains, b.contains, depth)
            && self.same_opt(*if_schema, b.if_schema, depth)
            && self.same_opt(*then_schema, b.then_schema, depth)
            && self.same_opt(*else_schema, b.else_schema, depth)
            && self.same_map(&as_pairs(dependent_schemas), &as_pairs(&b.dependent_schemas), depth)
            && self.same_map(&as_pairs(pattern_properties), &as_pairs(&b.pattern_properties), depth)
            && self.same_opt(*property_names, b.property_names, depth)
            && self.same_bool_or_schema(*unevaluated_items, b.unevaluated_items, depth)
            && self.same_bool_or_schema(*unevaluated_properties, b.unevaluated_properties, depth)
            && self.same_opt(*content_schema, b.content_schema, depth)
    }
}
