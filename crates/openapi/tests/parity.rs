//! Rules where schemagate follows oasdiff's checks (v1.27.0) because they are deliberate there:
//! one finding per deprecation, sunsets, statuses, tags, `$ref` siblings, how operations are
//! named. (Where schemagate keeps its own behaviour, docs/commands/diff.md says why.)

mod common;

use schemagate_openapi::diff;

/// Deprecation policy: 31 days for beta, 180 for stable; today is 2026-01-01.
/// A deprecation policy as oasdiff's GitHub Action sets it (31 days for beta, 180 for stable);
/// the default is none (0 days, as oasdiff's CLI).
fn options() -> diff::Options {
    diff::Options {
        today: diff::parse_date("2026-01-01").unwrap(),
        deprecation_days_beta: 31,
        deprecation_days_stable: 180,
        ..diff::Options::default()
    }
}

fn ids(old: &str, new: &str) -> Vec<String> {
    common::rules_with(old, new, &options())
}

fn ids_with(old: &str, new: &str, options: &diff::Options) -> Vec<String> {
    common::rules_with(old, new, options)
}

/// GET /items with extra operation keys `op` (flow YAML entries, e.g. `deprecated: true, `).
fn endpoint(op: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    get: {{{op}responses: {{'200': \
         {{description: ok}}}}}}\n"
    )
}

/// GET /items with one query parameter `q` carrying `param` keys, in an operation with `op` keys.
fn parameter(op: &str, param: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    get: {{{op}parameters: [{{name: q, \
         in: query, {param}schema: {{type: string}}}}], responses: {{'200': {{description: ok}}}}}}\n"
    )
}

/// POST /items whose request body and 200 response have one property `p` with `prop` keys.
fn property(op: &str, prop: &str) -> String {
    let schema = format!("{{type: object, properties: {{p: {{type: string{prop}}}}}}}");
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    post: {{{op}requestBody: {{content: \
         {{application/json: {{schema: {schema}}}}}}}, responses: {{'200': {{description: ok, content: \
         {{application/json: {{schema: {schema}}}}}}}}}}}\n"
    )
}

// --- One finding per deprecation ---

#[test]
fn a_deprecated_endpoint_gets_exactly_one_finding() {
    let plain = endpoint("");
    let cases = [
        ("deprecated: true, ", "api-deprecated-sunset-missing"),
        ("deprecated: true, x-sunset: soon, ", "api-deprecated-sunset-parse"),
        ("deprecated: true, x-sunset: '2026-02-01', ", "api-sunset-date-too-small"),
        ("deprecated: true, x-sunset: '2027-01-01', ", "endpoint-deprecated-with-sunset"),
        // Beta endpoints need 31 days' notice.
        ("deprecated: true, x-stability-level: beta, x-sunset: '2026-02-15', ", "endpoint-deprecated-with-sunset"),
        // Draft and alpha ones none: deprecated without a sunset is information.
        ("deprecated: true, x-stability-level: alpha, ", "endpoint-deprecated"),
    ];
    for (op, id) in cases {
        let old = if op.contains("x-stability-level: beta") {
            endpoint("x-stability-level: beta, ")
        } else if op.contains("alpha") {
            endpoint("x-stability-level: alpha, ")
        } else {
            plain.clone()
        };
        let opts = diff::Options { stability_threshold: 0, ..options() };
        assert_eq!(ids_with(&old, &endpoint(op), &opts), [id], "{op}");
    }
    // Without a policy (0 days, the default), a deprecation without a sunset is information.
    let no_policy = diff::Options { today: options().today, ..diff::Options::default() };
    assert_eq!(ids_with(&plain, &endpoint("deprecated: true, "), &no_policy), ["endpoint-deprecated"]);
}

#[test]
fn undeprecating_an_endpoint_reactivates_it_whatever_its_old_sunset() {
    for sunset in ["", "x-sunset: invalid, ", "x-sunset: '2020-01-01', "] {
        let old = endpoint(&format!("deprecated: true, {sunset}"));
        assert_eq!(ids(&old, &endpoint("")), ["endpoint-reactivated"], "{sunset}");
    }
}

#[test]
fn the_sunset_of_a_deprecated_endpoint_is_compared() {
    let at = |s: &str| endpoint(&format!("deprecated: true, x-sunset: {s}, "));
    assert_eq!(ids(&at("'2027-01-01'"), &endpoint("deprecated: true, ")), ["sunset-deleted"]);
    assert_eq!(ids(&at("'2027-01-01'"), &at("never")), ["api-path-sunset-parse"]);
    assert_eq!(ids(&at("never"), &at("'2027-01-01'")), ["api-path-sunset-parse"]);
    // Earlier, and under the 180 days the policy asks for.
    assert_eq!(ids(&at("'2027-01-01'"), &at("'2026-03-01'")), ["api-sunset-date-changed-too-small"]);
    // Earlier, but still far enough.
    assert!(ids(&at("'2028-01-01'"), &at("'2027-06-01'")).is_empty());
}

#[test]
fn a_deprecated_parameter_gets_exactly_one_finding() {
    let plain = parameter("", "");
    let cases = [
        ("deprecated: true, ", "request-parameter-deprecated-sunset-missing"),
        ("deprecated: true, x-sunset: soon, ", "request-parameter-sunset-parse"),
        ("deprecated: true, x-sunset: '2026-02-01', ", "request-parameter-sunset-date-too-small"),
        ("deprecated: true, x-sunset: '2027-01-01', ", "request-parameter-deprecated"),
    ];
    for (param, id) in cases {
        assert_eq!(ids(&plain, &parameter("", param)), [id], "{param}");
    }
    // The policy is the operation's: a beta operation's parameter needs 31 days.
    let beta = "x-stability-level: beta, ";
    let soon = "deprecated: true, x-sunset: '2026-02-15', ";
    assert_eq!(ids(&parameter(beta, ""), &parameter(beta, soon)), ["request-parameter-deprecated"]);
    assert_eq!(ids(&parameter(beta, "deprecated: true, "), &parameter(beta, "")), ["request-parameter-reactivated"]);
}

#[test]
fn a_parameter_sunset_moved_earlier_is_judged_by_the_policy() {
    let at = |s: &str| parameter("", &format!("deprecated: true, x-sunset: '{s}', "));
    assert_eq!(ids(&at("2027-01-01"), &at("2026-03-01")), ["request-parameter-sunset-date-changed-too-small"]);
    assert!(ids(&at("2028-01-01"), &at("2027-06-01")).is_empty());
}

#[test]
fn a_deprecated_property_gets_exactly_one_finding() {
    let plain = property("", "");
    let cases = [
        (", deprecated: true", "deprecated-sunset-missing"),
        (", deprecated: true, x-sunset: soon", "deprecated-sunset-invalid"),
        (", deprecated: true, x-sunset: '2026-02-01'", "sunset-date-too-small"),
        (", deprecated: true, x-sunset: '2027-01-01'", "deprecated-with-sunset"),
    ];
    for (prop, suffix) in cases {
        let expected = [format!("request-property-{suffix}"), format!("response-property-{suffix}")];
        assert_eq!(ids(&plain, &property("", prop)), expected, "{prop}");
    }
    // The policy is the operation's stability level, not the property's.
    let alpha = "x-stability-level: alpha, ";
    let opts = diff::Options { stability_threshold: 0, ..options() };
    assert_eq!(
        ids_with(&property(alpha, ""), &property(alpha, ", deprecated: true"), &opts),
        ["request-property-deprecated", "response-property-deprecated"]
    );
}

// --- Removals after the sunset ---

#[test]
fn removing_what_was_deprecated_after_its_sunset_is_no_change() {
    let empty = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let gone = endpoint("deprecated: true, x-sunset: '2025-06-01', ");
    assert!(ids(&gone, empty).is_empty());
    // Before the sunset, or without one, it is reported.
    let due = endpoint("deprecated: true, x-sunset: '2026-06-01', ");
    assert_eq!(ids(&due, empty), ["api-path-removed-before-sunset"]);
    assert_eq!(ids(&endpoint("deprecated: true, "), empty), ["api-path-removed-with-deprecation"]);
    // A parameter likewise.
    let param = parameter("", "deprecated: true, x-sunset: '2025-06-01', ");
    let without = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    get: {responses: {'200': \
                   {description: ok}}}\n";
    assert!(ids(&param, without).is_empty());
}

// --- Statuses, tags ---

fn responses(statuses: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    get: {{responses: {{{statuses}}}}}\n"
    )
}

#[test]
fn only_numeric_statuses_are_reported_added_or_removed() {
    let base = responses("'200': {description: ok}");
    for extra in ["default: {description: e}", "4XX: {description: e}"] {
        let more = responses(&format!("'200': {{description: ok}}, {extra}"));
        assert!(ids(&base, &more).is_empty(), "{extra}");
        assert!(ids(&more, &base).is_empty(), "{extra}");
    }
    let more = responses("'200': {description: ok}, '404': {description: e}");
    assert_eq!(ids(&base, &more), ["response-non-success-status-added"]);
}

#[test]
fn the_document_tag_list_is_not_compared() {
    let with_tags = |tags: &str| format!("{}tags: [{tags}]\n", endpoint(""));
    assert!(ids(&with_tags("{name: a}"), &with_tags("{name: a}, {name: b}")).is_empty());
    // The tags of an operation are.
    assert_eq!(ids(&endpoint("tags: [a], "), &endpoint("tags: [a, b], ")), ["api-tag-added"]);
}

// --- `$ref` siblings ---

fn nullable_ref(version: &str, nullable: bool) -> String {
    let sibling = if nullable { ", nullable: true" } else { "" };
    format!(
        "openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    get: {{responses: {{'200': \
         {{description: ok, content: {{application/json: {{schema: {{type: object, properties: {{s: {{$ref: \
         '#/components/schemas/S'{sibling}}}}}}}}}}}}}}}}}\ncomponents:\n  schemas:\n    S: {{type: string}}\n"
    )
}

#[test]
fn ref_siblings_count_in_3_1_only() {
    // 3.0: a Reference Object's other properties "SHALL be ignored".
    assert!(ids(&nullable_ref("3.0.3", true), &nullable_ref("3.0.3", false)).is_empty());
    assert_eq!(
        ids(&nullable_ref("3.1.0", true), &nullable_ref("3.1.0", false)),
        ["response-property-became-not-nullable"]
    );
}

// --- How findings name operations ---

#[test]
fn findings_of_a_renamed_path_template_name_the_base_path() {
    let at = |path: &str, ty: &str, post: bool| {
        let post = if post { "    post: {responses: {'200': {description: ok}}}\n" } else { "" };
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  {path}:\n    get: {{parameters: [{{name: \
             q, in: query, schema: {{type: {ty}}}}}], responses: {{'200': {{description: ok}}}}}}\n{post}"
        )
    };
    let findings = common::findings(&at("/a/{id}", "string", false), &at("/a/{aId}", "integer", true), &options());
    let named: Vec<(String, String)> =
        findings.iter().map(|f| (f.rule.clone(), f.api_path.clone().unwrap_or_default())).collect();
    assert_eq!(
        named,
        [
            ("request-parameter-type-changed".to_string(), "/a/{id}".to_string()),
            ("endpoint-added".to_string(), "/a/{id}".to_string()),
        ]
    );
}

#[test]
fn webhook_operations_are_named_webhook_name() {
    let hook = |ty: &str| {
        format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\nwebhooks:\n  orderCreated:\n    post: {{requestBody: \
             {{content: {{application/json: {{schema: {{type: object, properties: {{n: {{type: {ty}}}}}}}}}}}}}, \
             responses: {{'200': {{description: ok}}}}}}\n"
        )
    };
    let findings = common::findings(&hook("integer"), &hook("string"), &options());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].api_path.as_deref(), Some("webhook:orderCreated"));
}

// --- `required` names ---

#[test]
fn a_response_property_declared_where_it_stopped_being_required_became_optional() {
    let body = |schema: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    get: {{responses: {{'200': \
             {{description: ok, content: {{application/json: {{schema: {schema}}}}}}}}}}}\n"
        )
    };
    // `t` was required without a declared property; now it is declared, and optional.
    let old = body("{type: object, required: [t], properties: {n: {type: string}}}");
    let new = body("{type: object, properties: {n: {type: string}, t: {type: string}}}");
    assert_eq!(ids(&old, &new), ["response-optional-property-added", "response-property-became-optional"]);
}
