//! How type, format, list-of-types, enum, pattern and media-type changes are classified, by
//! direction (request, parameter, parameter property, response) and media type.

mod common;

use schemagate_openapi::diff;

/// Rule ids found between two specs with the default options, sorted.
fn rules(old: &str, new: &str) -> Vec<String> {
    common::rules_with(old, new, &diff::Options::default())
}

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    post:\n";

/// A request body of `media` with one property `p` of schema `schema` (flow YAML).
fn request_property(media: &str, schema: &str) -> String {
    format!(
        "{HEAD}      requestBody:\n        content:\n          {media}:\n            schema: {{type: object, \
         properties: {{p: {schema}}}}}\n      responses:\n        '200': {{description: ok}}\n"
    )
}

/// A 200 response of `media` with one property `p`.
fn response_property(media: &str, schema: &str) -> String {
    format!(
        "{HEAD}      responses:\n        '200':\n          description: ok\n          content:\n            \
         {media}:\n              schema: {{type: object, properties: {{p: {schema}}}}}\n"
    )
}

/// One parameter `p` in `location` (extra parameter fields in `extra`).
fn parameter(location: &str, extra: &str, schema: &str) -> String {
    let required = if location == "path" { ", required: true" } else { "" };
    let path = if location == "path" { "/items/{p}" } else { "/items" };
    format!(
        "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n  {path}:\n    get:\n      parameters:\n        \
         - {{name: p, in: {location}{required}{extra}, schema: {schema}}}\n      responses:\n        '200': \
         {{description: ok}}\n"
    )
}

fn request_change(media: &str, a: &str, b: &str) -> Vec<String> {
    rules(&request_property(media, a), &request_property(media, b))
}

fn response_change(media: &str, a: &str, b: &str) -> Vec<String> {
    rules(&response_property(media, a), &response_property(media, b))
}

const JSON: &str = "application/json";

#[test]
fn request_types_widen_safely_and_narrow_breakingly() {
    assert_eq!(request_change(JSON, "{type: integer}", "{type: number}"), ["request-property-type-generalized"]);
    assert_eq!(request_change(JSON, "{type: number}", "{type: integer}"), ["request-property-type-changed"]);
    assert_eq!(request_change(JSON, "{type: integer}", "{}"), ["request-property-type-generalized"]);
    // A format added constrains the request; one widened (int32 -> int64) or dropped does not.
    assert_eq!(
        request_change(JSON, "{type: string}", "{type: string, format: uuid}"),
        ["request-property-type-changed"]
    );
    let int64 = "{type: integer, format: int64}";
    assert_eq!(request_change(JSON, "{type: integer, format: int32}", int64), ["request-property-type-generalized"]);
    assert_eq!(request_change(JSON, int64, "{type: integer}"), ["request-property-type-generalized"]);
    // A type set that keeps every old type (integer within number) is a generalization.
    let from = "{type: [integer, string]}";
    assert_eq!(request_change(JSON, from, "{type: [number, string]}"), ["request-property-type-generalized"]);
}

#[test]
fn loosely_typed_media_accept_anything_as_a_string() {
    // In JSON 1 and "1" differ; in a form or text body they do not.
    assert_eq!(request_change(JSON, "{type: integer}", "{type: string}"), ["request-property-type-changed"]);
    let form = "application/x-www-form-urlencoded";
    assert_eq!(request_change(form, "{type: integer}", "{type: string}"), ["request-property-type-compatible"]);
    assert_eq!(request_change(form, "{type: string}", "{type: integer}"), ["request-property-type-changed"]);
    // A response is read toward the old type: text that now comes as an XML element with
    // children is still readable as text, the reverse is not.
    let xml = "application/xml";
    assert_eq!(response_change(xml, "{type: string}", "{type: object}"), ["response-property-type-compatible"]);
    assert_eq!(response_change(xml, "{type: object}", "{type: string}"), ["response-property-type-changed"]);
}

#[test]
fn response_types_mirror_the_request_rules() {
    assert_eq!(response_change(JSON, "{type: integer}", "{type: number}"), ["response-property-type-generalized"]);
    assert_eq!(response_change(JSON, "{type: number}", "{type: integer}"), ["response-property-type-specialized"]);
    assert_eq!(response_change(JSON, "{type: string}", "{type: integer}"), ["response-property-type-changed"]);
    // Clients may rely on a declared format: dropping it from a response is a change.
    let hostname = "{type: string, format: hostname}";
    assert_eq!(response_change(JSON, hostname, "{type: string}"), ["response-property-type-changed"]);
    assert_eq!(response_change(JSON, "{type: string}", hostname), ["response-property-type-specialized"]);
}

#[test]
fn a_scalar_parameter_becomes_an_array_safely_only_in_form_explode_style() {
    let array = "{type: array, items: {type: string}}";
    let query = rules(&parameter("query", "", "{type: string}"), &parameter("query", "", array));
    assert_eq!(query, ["request-parameter-type-generalized"]);
    // Path parameters use the simple style: `a,b` is not what `a` was.
    let path = rules(&parameter("path", "", "{type: string}"), &parameter("path", "", array));
    assert_eq!(path, ["request-parameter-type-changed"]);
    let unexploded = ", explode: false";
    let query = rules(&parameter("query", unexploded, "{type: string}"), &parameter("query", unexploded, array));
    assert_eq!(query, ["request-parameter-type-changed"]);
    // The items must accept every value the scalar accepted, no more constrained, no less.
    let old = "{type: string, maxLength: 5}";
    let query = rules(&parameter("query", "", old), &parameter("query", "", array));
    assert_eq!(query, ["request-parameter-type-changed"]);
    let same = "{type: array, items: {type: string, maxLength: 5}}";
    assert_eq!(
        rules(&parameter("query", "", old), &parameter("query", "", same)),
        ["request-parameter-type-generalized"]
    );
    // Parameter values travel as text: integer -> string accepts what it accepted.
    let to_string = rules(&parameter("query", "", "{type: integer}"), &parameter("query", "", "{type: string}"));
    assert_eq!(to_string, ["request-parameter-type-generalized"]);
}

#[test]
fn object_parameter_properties_fork_three_ways() {
    let object = |t: &str| format!("{{type: object, properties: {{id: {{type: {t}}}}}}}");
    let change = |a: &str, b: &str| rules(&parameter("query", "", &object(a)), &parameter("query", "", &object(b)));
    // Breaking only when the object is sent as JSON: a warning.
    assert_eq!(change("integer", "string"), ["request-parameter-property-type-changed"]);
    // Breaking either way.
    assert_eq!(change("string", "integer"), ["request-parameter-property-type-specialized"]);
    assert_eq!(change("integer", "number"), ["request-parameter-property-type-generalized"]);
}

#[test]
fn lists_of_types_change_by_direction() {
    let one_of = |a: &str, b: &str| format!("{{oneOf: [{{type: {a}}}, {{type: {b}}}]}}");
    let (a, b) = (one_of("string", "integer"), one_of("string", "boolean"));
    // integer removed and boolean added: a request loses a type, a response gains one.
    assert_eq!(request_change(JSON, &a, &b), ["request-property-list-of-types-narrowed"]);
    assert_eq!(response_change(JSON, &a, &b), ["response-property-list-of-types-widened"]);
    assert_eq!(request_change(JSON, "{type: string}", &a), ["request-property-list-of-types-widened"]);
    assert_eq!(response_change(JSON, &a, "{type: string}"), ["response-property-list-of-types-narrowed"]);
    // An empty oneOf is no list of types (as oasdiff's `checkSchemaList`): any type became a
    // string.
    assert_eq!(response_change(JSON, "{oneOf: []}", "{type: string}"), ["response-property-type-specialized"]);
    assert_eq!(response_change(JSON, "{type: string}", "{oneOf: []}"), ["response-property-type-changed"]);
    // A branch without exactly one type: no list of types, the oneOf change speaks for itself.
    let untyped = "{oneOf: [{type: string}, {}]}";
    assert!(!response_change(JSON, untyped, &a).iter().any(|r| r.contains("list-of-types")));
    // Branches with constraints of their own still name one type each.
    let formats = "{oneOf: [{type: string, format: date}, {type: integer, minimum: 0}]}";
    assert_eq!(request_change(JSON, formats, "{type: string}"), ["request-property-list-of-types-narrowed"]);
    // A list of types changed: the branches added and removed are that change, not findings of
    // their own (as oasdiff's list-of-types transition); with `type` beside it, `type` wins.
    let both = "{oneOf: [{type: string}], anyOf: [{type: integer}]}";
    let wider = "{anyOf: [{type: string}, {type: number}]}";
    assert_eq!(response_change(JSON, both, wider), ["response-property-list-of-types-widened"]);
    assert_eq!(response_change(JSON, wider, both), ["response-property-list-of-types-narrowed"]);
    // "null" is a type of the list: added, it is the list widened, not a nullability change.
    let nullable = "{oneOf: [{type: string}, {type: integer}, {type: 'null'}]}";
    assert_eq!(request_change(JSON, &a, nullable), ["request-property-list-of-types-widened"]);
}

#[test]
fn inline_alternatives_pair_by_title_or_as_the_last_ones_left() {
    let alts = |x: &str, y: &str| {
        format!("{{oneOf: [{{type: string, {x}}}, {{type: object, properties: {{n: {{type: {y}}}}}}}]}}")
    };
    // Two inline alternatives changed: not paired by position (as oasdiff's
    // getSubschemasInlineDiff), so added and removed.
    let (a, b) = (alts("maxLength: 1", "string"), alts("maxLength: 2", "number"));
    let mut found = response_change(JSON, &a, &b);
    found.dedup();
    assert_eq!(found, ["response-property-one-of-added", "response-property-one-of-removed"]);
    // The same alternatives with titles pair by title, and their changes are reported.
    let titled = |x: &str, y: &str| {
        format!(
            "{{oneOf: [{{title: S, type: string, {x}}}, {{title: O, type: object, properties: {{n: {{type:              {y}}}}}}}]}}"
        )
    };
    let (a, b) = (titled("maxLength: 1", "string"), titled("maxLength: 2", "number"));
    assert_eq!(
        response_change(JSON, &a, &b),
        ["response-property-max-length-increased", "response-property-type-changed"]
    );
    // One changed alternative left on each side is the one that changed.
    let (a, b) = (alts("maxLength: 1", "string"), alts("maxLength: 1", "number"));
    assert_eq!(response_change(JSON, &a, &b), ["response-property-type-changed"]);
}

#[test]
fn an_enum_that_appears_or_goes_away_counts_each_value() {
    let with = "{type: string, enum: [a, b]}";
    let removed = request_change(JSON, with, "{type: string}");
    assert_eq!(removed, ["request-property-enum-value-removed", "request-property-enum-value-removed"]);
    let added = request_change(JSON, "{type: string}", with);
    assert_eq!(
        added,
        ["request-property-became-enum", "request-property-enum-value-added", "request-property-enum-value-added"]
    );
}

#[test]
fn only_a_pattern_that_accepts_anything_generalizes() {
    let from = "{type: string, pattern: '^[a-z]+$'}";
    assert_eq!(request_change(JSON, from, "{type: string, pattern: '.*'}"), ["request-property-pattern-generalized"]);
    assert_eq!(request_change(JSON, from, "{type: string, pattern: '.+'}"), ["request-property-pattern-changed"]);
    // Responses have no "generalized" id: any new pattern is a change.
    assert_eq!(response_change(JSON, from, "{type: string, pattern: '.*'}"), ["response-property-pattern-changed"]);
}

#[test]
fn response_media_type_parameters_changed_is_a_name_change() {
    let media = |m: &str| {
        format!(
            "{HEAD}      responses:\n        '200':\n          description: ok\n          content:\n            \
             '{m}': {{schema: {{type: string}}}}\n"
        )
    };
    assert_eq!(
        rules(&media("application/json"), &media("application/problem+json")),
        ["response-media-type-name-specialized"]
    );
    let changed = rules(&media("application/json"), &media("application/vnd.api+json; version=2"));
    assert_eq!(changed, ["response-media-type-name-changed"]);
}

#[test]
fn breaking_changes_need_a_major_version_bump() {
    let spec =
        |version: &str, t: &str| request_property(JSON, t).replace("version: '1'", &format!("version: '{version}'"));
    let policy = |a: &str, b: &str| {
        let found = rules(&spec(a, "{type: number}"), &spec(b, "{type: integer}"));
        found.into_iter().filter(|r| r.starts_with("api-")).collect::<Vec<_>>()
    };
    assert_eq!(policy("1.0.0", "1.0.0"), ["api-version-not-bumped"]);
    assert_eq!(policy("2.0.0", "1.9.0"), ["api-version-decreased"]);
    assert_eq!(policy("1.0.0", "1.1.0"), ["api-major-version-not-bumped"]);
    assert!(policy("1.0.0", "2.0.0").is_empty());
    // Below 1.0.0 the minor carries breaking changes; dates and bare `v1` are not judged.
    assert!(policy("0.1.0", "0.2.0").is_empty());
    assert_eq!(policy("v0.1.0", "v0.1.1"), ["api-major-version-not-bumped"]);
    assert!(policy("2024-01-01", "2024-02-01").is_empty());
    // Without a breaking change there is nothing to judge.
    let safe = rules(&spec("1.0.0", "{type: integer}"), &spec("1.0.0", "{type: number}"));
    assert!(!safe.iter().any(|r| r.starts_with("api-")));
}

#[test]
fn changes_inside_the_subschemas_of_a_body_are_property_changes() {
    // As oasdiff walks a body: everything below its top level (anyOf/oneOf/allOf branches,
    // `not`, ...) is a property, even with no property name.
    let body = |schema: &str| {
        format!(
            "{HEAD}      responses:\n        '200':\n          description: ok\n          content:\n            \
             application/json:\n              schema: {schema}\n"
        )
    };
    let any_of = |t: &str| format!("{{anyOf: [{{title: R, type: {t}}}, {{type: object, properties: {{a: {{}}}}}}]}}");
    assert_eq!(rules(&body(&any_of("string")), &body(&any_of("number"))), ["response-property-type-changed"]);
    // With bare types only, the body is also a list of types that changed.
    let bare = |t: &str| format!("{{anyOf: [{{title: R, type: {t}}}, {{type: object}}]}}");
    assert_eq!(
        rules(&body(&bare("string")), &body(&bare("number"))),
        ["response-body-list-of-types-widened", "response-property-type-changed"]
    );
    let not = |t: &str| format!("{{type: object, not: {{type: object, properties: {{a: {{type: {t}}}}}}}}}");
    assert_eq!(rules(&body(&not("string")), &body(&not("integer"))), ["response-property-type-changed"]);
    // The body's own type is the body's.
    assert_eq!(rules(&body("{type: string}"), &body("{type: number}")), ["response-body-type-changed"]);
}
