//! Changes of form that oasdiff does not report as changes of contract, and the one finding that
//! replaces the raw ones: an object wrapped in a `oneOf`, a subschema moved between inline and
//! a component, an allOf branch of annotations, a nullable `oneOf` wrap.

mod common;

use schemagate_openapi::diff;

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n";

/// POST /items with a JSON request body `schema` and the component `schemas` (flow YAML).
fn request_body(schema: &str, schemas: &str) -> String {
    format!(
        "{HEAD}paths:\n  /items:\n    post:\n      requestBody:\n        content:\n          application/json:\n            \
         schema: {schema}\n      responses:\n        '200': {{description: ok}}\ncomponents:\n  schemas: {schemas}\n"
    )
}

/// GET /items with a JSON 200 response body `schema`.
fn response_body(schema: &str, schemas: &str) -> String {
    format!(
        "{HEAD}paths:\n  /items:\n    get:\n      responses:\n        '200':\n          description: ok\n          \
         content:\n            application/json:\n              schema: {schema}\ncomponents:\n  schemas: {schemas}\n"
    )
}

/// A request body object with one property `p`.
fn request_property(p: &str, schemas: &str) -> String {
    request_body(&format!("{{type: object, properties: {{p: {p}}}}}"), schemas)
}

/// GET /items with one query parameter `p`.
fn query_parameter(schema: &str, schemas: &str) -> String {
    format!(
        "{HEAD}paths:\n  /items:\n    get:\n      parameters:\n        - {{name: p, in: query, schema: {schema}}}\n      \
         responses:\n        '200': {{description: ok}}\ncomponents:\n  schemas: {schemas}\n"
    )
}

/// The distinct rule ids found between two specs, sorted.
fn ids(old: &str, new: &str) -> Vec<String> {
    let mut ids = common::rules_with(old, new, &diff::Options::default());
    ids.dedup();
    ids
}

// --- An object wrapped in a oneOf of alternatives that hold its properties ---

const OBJECT: &str = "{type: object, required: [foo, bar], properties: {foo: {type: string}, bar: {type: string}, \
                      baz: {type: string}}}";
const WRAPPED: &str = "{oneOf: [{type: object, required: [foo], properties: {foo: {type: string}, baz: {type: \
                       string}}}, {type: object, required: [bar], properties: {bar: {type: string}}}]}";

#[test]
fn a_body_wrapped_in_one_of_is_one_finding() {
    // Not the properties removed or made optional, the alternatives added or the type gone.
    assert_eq!(ids(&request_body(OBJECT, "{}"), &request_body(WRAPPED, "{}")), ["request-body-wrapped-in-one-of"]);
    assert_eq!(ids(&response_body(OBJECT, "{}"), &response_body(WRAPPED, "{}")), ["response-body-wrapped-in-one-of"]);
    // Through components, too.
    let (old, new) = (format!("{{Body: {OBJECT}}}"), format!("{{Body: {WRAPPED}}}"));
    let body = "{$ref: '#/components/schemas/Body'}";
    assert_eq!(ids(&request_body(body, &old), &request_body(body, &new)), ["request-body-wrapped-in-one-of"]);
}

#[test]
fn a_wrapping_still_reports_properties_that_did_not_move() {
    let old = "{type: object, properties: {foo: {type: string}, gone: {type: string}}}";
    let new = "{oneOf: [{type: object, properties: {foo: {type: integer}}}, {type: object}]}";
    // `foo` moved (its type inside the alternative is not compared with the old one: the
    // wrapping is the change); `gone` is in no alternative.
    assert_eq!(
        ids(&request_body(old, "{}"), &request_body(new, "{}")),
        ["request-body-wrapped-in-one-of", "request-property-removed"]
    );
}

#[test]
fn a_property_wrapped_in_one_of_reports_the_alternatives() {
    // There is no property-level wrapped id: the alternatives added are the finding.
    let old = "{type: object, properties: {a: {type: string}, b: {type: string}}}";
    let new = "{oneOf: [{type: object, properties: {a: {type: string}}}, {type: object, properties: {b: {type: \
               string}}}]}";
    assert_eq!(ids(&request_property(old, "{}"), &request_property(new, "{}")), ["request-property-one-of-added"]);
}

#[test]
fn a_one_of_that_holds_none_of_the_properties_is_no_wrapping() {
    let old = "{type: object, properties: {foo: {type: string}}}";
    let new = "{oneOf: [{type: object, properties: {x: {type: string}}}, {type: string}]}";
    assert_eq!(
        ids(&request_body(old, "{}"), &request_body(new, "{}")),
        ["request-body-one-of-added", "request-body-type-generalized", "request-property-removed"]
    );
}

// --- A subschema moved between inline and a component ---

const ROLE: &str = "{Role: {type: string, enum: [user, admin], title: Role}}";

#[test]
fn an_inline_branch_moved_to_an_equivalent_component_is_no_change() {
    let inline = "{anyOf: [{type: string, enum: [user, admin]}, {type: 'null'}]}";
    let by_ref = "{anyOf: [{$ref: '#/components/schemas/Role'}, {type: 'null'}]}";
    assert!(ids(&request_body(inline, "{}"), &request_body(by_ref, ROLE)).is_empty());
    assert!(ids(&request_body(by_ref, ROLE), &request_body(inline, ROLE)).is_empty());
    // In a property, in oneOf, and with annotations (title, description, default) that differ.
    let inline = "{oneOf: [{type: string, enum: [user, admin], default: user, description: d}, {type: integer}]}";
    let by_ref = "{oneOf: [{$ref: '#/components/schemas/Role'}, {type: integer}]}";
    assert!(ids(&request_property(inline, "{}"), &request_property(by_ref, ROLE)).is_empty());
}

#[test]
fn inline_branches_are_matched_by_what_they_accept_not_by_position() {
    // Inside a component too, where the branches have paths but no names of their own.
    let body = "{$ref: '#/components/schemas/C'}";
    let old = "{C: {anyOf: [{type: string, enum: [user, admin]}, {type: integer}]}}";
    let new = "{C: {anyOf: [{type: integer}, {$ref: '#/components/schemas/Role'}]}, \
               Role: {type: string, enum: [user, admin], title: Role}}";
    assert!(ids(&request_body(body, old), &request_body(body, new)).is_empty());
}

#[test]
fn a_branch_moved_to_a_component_that_accepts_something_else_is_a_change() {
    let inline = "{anyOf: [{type: string, enum: [user, admin, owner]}, {type: integer}]}";
    let by_ref = "{anyOf: [{$ref: '#/components/schemas/Role'}, {type: integer}]}";
    assert_eq!(
        ids(&request_body(inline, "{}"), &request_body(by_ref, ROLE)),
        ["request-body-any-of-added", "request-body-any-of-removed"]
    );
    // Deprecation is part of the contract.
    let deprecated = "{anyOf: [{type: string, enum: [user, admin], deprecated: true}, {type: integer}]}";
    assert_eq!(
        ids(&request_body(deprecated, "{}"), &request_body(by_ref, ROLE)),
        ["request-body-any-of-added", "request-body-any-of-removed"]
    );
}

#[test]
fn equivalence_follows_recursive_schemas_and_reads_every_keyword() {
    // A recursive component: the comparison meets the same pair again and stops there.
    let node = "{Node: {type: object, properties: {children: {type: array, items: {$ref: \
                '#/components/schemas/Node'}}}}}";
    let inline = "{anyOf: [{type: object, properties: {children: {type: array, items: {$ref: \
                  '#/components/schemas/Node'}}}}, {type: integer}]}";
    let by_ref = "{anyOf: [{$ref: '#/components/schemas/Node'}, {type: integer}]}";
    assert!(ids(&request_body(inline, node), &request_body(by_ref, node)).is_empty());
    // Keywords without checks of their own (multipleOf, extensions) still make a difference.
    for extra in ["multipleOf: 2", "x-internal: true"] {
        let inline = format!("{{anyOf: [{{type: integer, {extra}}}, {{type: string}}]}}");
        let by_ref = "{anyOf: [{$ref: '#/components/schemas/N'}, {type: string}]}";
        assert_eq!(
            ids(&request_body(&inline, "{}"), &request_body(by_ref, "{N: {type: integer}}")),
            ["request-body-any-of-added", "request-body-any-of-removed"],
            "{extra}"
        );
    }
}

#[test]
fn only_a_removed_and_an_added_branch_are_reconciled() {
    // A component added next to the inline branch it repeats is still an added branch.
    let inline = "{anyOf: [{type: string, enum: [user, admin]}]}";
    let both = "{anyOf: [{type: string, enum: [user, admin]}, {$ref: '#/components/schemas/Role'}]}";
    assert_eq!(ids(&request_body(inline, "{}"), &request_body(both, ROLE)), ["request-body-any-of-added"]);
    // A component renamed is a change even when the two accept the same values.
    let (a, b) = ("{anyOf: [{$ref: '#/components/schemas/A'}]}", "{anyOf: [{$ref: '#/components/schemas/B'}]}");
    let (old, new) = ("{A: {type: string}}", "{B: {type: string}}");
    assert_eq!(
        ids(&request_body(a, old), &request_body(b, new)),
        ["api-schema-removed", "request-body-any-of-added", "request-body-any-of-removed"]
    );
}

// --- allOf branches of annotations only ---

const NAMED: &str = "{type: object, properties: {name: {type: string}}}";

fn with_all_of(branches: &str) -> String {
    format!("{{type: object, properties: {{name: {{type: string}}}}, allOf: {branches}}}")
}

#[test]
fn an_all_of_branch_of_annotations_gets_only_the_annotation_only_id() {
    let annotated = with_all_of("[{title: t, description: d}]");
    assert_eq!(
        ids(&request_body(NAMED, "{}"), &request_body(&annotated, "{}")),
        ["request-body-all-of-added-annotation-only"]
    );
    assert_eq!(
        ids(&request_body(&annotated, "{}"), &request_body(NAMED, "{}")),
        ["request-body-all-of-removed-annotation-only"]
    );
    assert_eq!(
        ids(&response_body(NAMED, "{}"), &response_body(&annotated, "{}")),
        ["response-body-all-of-added-annotation-only"]
    );
    let p = "{type: string, allOf: [{description: annotation only}]}";
    assert_eq!(
        ids(&request_property("{type: string}", "{}"), &request_property(p, "{}")),
        ["request-property-all-of-added-annotation-only"]
    );
}

#[test]
fn all_of_branches_are_split_by_whether_they_constrain() {
    let mixed = with_all_of("[{title: t}, {required: [name]}]");
    assert_eq!(
        ids(&request_body(NAMED, "{}"), &request_body(&mixed, "{}")),
        ["request-body-all-of-added", "request-body-all-of-added-annotation-only"]
    );
    // Deprecation and extensions are contract metadata, not annotations.
    for branch in ["[{deprecated: true}]", "[{x-internal: true}]"] {
        assert_eq!(
            ids(&request_body(NAMED, "{}"), &request_body(&with_all_of(branch), "{}")),
            ["request-body-all-of-added"],
            "{branch}"
        );
    }
}

// --- Nullable oneOf wraps ---

const ENUM: &str = "{E: {type: string, enum: [a, b]}}";
const BY_REF: &str = "{$ref: '#/components/schemas/E'}";
const NULLABLE_REF: &str = "{oneOf: [{type: 'null'}, {$ref: '#/components/schemas/E'}]}";

#[test]
fn a_nullable_wrap_of_the_same_schema_is_a_nullability_change() {
    let (old, new) = (request_property(BY_REF, ENUM), request_property(NULLABLE_REF, ENUM));
    assert_eq!(ids(&old, &new), ["request-property-became-nullable"]);
    assert_eq!(ids(&new, &old), ["request-property-became-not-nullable"]);
    // Inline, with annotations on the wrapper and on the null branch.
    let inline = "{oneOf: [{$ref: '#/components/schemas/E', description: d}, {type: 'null', title: none}], \
                  description: now nullable}";
    assert_eq!(ids(&old, &request_property(inline, ENUM)), ["request-property-became-nullable"]);
    // A body, and a parameter.
    let body = request_body(BY_REF, ENUM);
    assert_eq!(ids(&body, &request_body(NULLABLE_REF, ENUM)), ["request-body-became-nullable"]);
    assert_eq!(ids(&request_body(NULLABLE_REF, ENUM), &body), ["request-body-became-not-nullable"]);
    let parameter = query_parameter(BY_REF, ENUM);
    assert_eq!(ids(&parameter, &query_parameter(NULLABLE_REF, ENUM)), ["request-parameter-became-nullable"]);
}

#[test]
fn a_wrapped_object_made_nullable_is_not_a_one_of_wrapping() {
    let object = "{Obj: {type: object, required: [a], properties: {a: {type: string}, b: {type: integer}}}}";
    let (plain, wrapped) =
        ("{$ref: '#/components/schemas/Obj'}", "{oneOf: [{type: 'null'}, {$ref: '#/components/schemas/Obj'}]}");
    assert_eq!(ids(&request_body(plain, object), &request_body(wrapped, object)), ["request-body-became-nullable"]);
    assert_eq!(ids(&request_body(wrapped, object), &request_body(plain, object)), ["request-body-became-not-nullable"]);
    // When the branch also changed, it is one (and `b`, in no alternative, was removed).
    let changed = "{Obj: {type: object, required: [a], properties: {a: {type: string}, c: {type: integer}}}}";
    assert_eq!(
        ids(&request_body(plain, object), &request_body(wrapped, changed)),
        ["request-body-wrapped-in-one-of", "request-property-removed"]
    );
}

#[test]
fn a_wrap_whose_branch_changed_reports_the_raw_changes() {
    // The raw changes, as oasdiff has them: the wrapper is a list of types (null and the
    // branch's string) where there was a string, and has no enum of its own.
    let narrowed = "{E: {type: string, enum: [a]}}";
    assert_eq!(
        ids(&request_property(BY_REF, ENUM), &request_property(NULLABLE_REF, narrowed)),
        ["request-property-enum-value-removed", "request-property-list-of-types-widened"]
    );
}

#[test]
fn only_a_bare_one_of_wrap_of_a_plain_schema_is_a_nullability_change() {
    let old = request_property(BY_REF, ENUM);
    // anyOf: the null branch may overlap the other. A list of types, as oasdiff has it.
    let any_of = "{anyOf: [{type: 'null'}, {$ref: '#/components/schemas/E'}]}";
    let found = ids(&old, &request_property(any_of, ENUM));
    assert_eq!(found, ["request-property-enum-value-removed", "request-property-list-of-types-widened"]);
    // A wrapper with a constraint of its own, a null branch with one.
    let constrained = "{oneOf: [{type: 'null'}, {$ref: '#/components/schemas/E'}], minLength: 1}";
    assert!(!ids(&old, &request_property(constrained, ENUM)).contains(&"request-property-became-nullable".into()));
    let null_enum = "{oneOf: [{type: 'null', enum: [x]}, {$ref: '#/components/schemas/E'}]}";
    assert!(!ids(&old, &request_property(null_enum, ENUM)).contains(&"request-property-became-nullable".into()));
    // A plain schema with a composition of its own.
    let composed = "{E: {allOf: [{type: string, enum: [a, b]}]}}";
    let found = ids(&request_property(BY_REF, composed), &request_property(NULLABLE_REF, composed));
    assert!(!found.contains(&"request-property-became-nullable".into()), "{found:?}");
}

#[test]
fn lifecycle_changes_next_to_a_nullable_wrap_are_still_reported() {
    // The deprecation was on the schema that is now the branch; the wrapper is not deprecated.
    let deprecated = "{E: {type: string, enum: [a, b], deprecated: true}}";
    assert_eq!(
        ids(&request_property(BY_REF, deprecated), &request_property(NULLABLE_REF, deprecated)),
        ["request-property-became-nullable", "request-property-reactivated"]
    );
}
