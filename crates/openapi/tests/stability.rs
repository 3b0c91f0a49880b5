//! `x-stability-level` as oasdiff treats it: endpoints below the stability threshold (draft and
//! alpha by default) change and go away freely; an endpoint or property without a level counts as
//! stable; a level change is reported when the level left behind is at or above the threshold.

mod common;

use schemagate_openapi::diff;

fn spec(get_level: Option<&str>, post_level: Option<&str>, get_param_type: &str, with_post: bool) -> String {
    let level = |l: Option<&str>| l.map(|l| format!("      x-stability-level: {l}\n")).unwrap_or_default();
    let mut text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    get:\n{}      parameters:\n        \
         - {{name: q, in: query, schema: {{type: {get_param_type}}}}}\n      responses:\n        '200': {{description: ok}}\n",
        level(get_level)
    );
    if with_post {
        text.push_str(&format!(
            "    post:\n{}      responses:\n        '200': {{description: ok}}\n",
            level(post_level)
        ));
    }
    text
}

fn rules(old: &str, new: &str, threshold: usize) -> Vec<String> {
    common::rules_with(old, new, &diff::Options { stability_threshold: threshold, ..diff::Options::default() })
}

#[test]
fn draft_and_alpha_endpoints_change_freely_by_default() {
    for level in ["draft", "alpha"] {
        let old = spec(Some(level), Some(level), "string", true);
        // A changed parameter type, and a removed operation of a path that stays.
        assert!(rules(&old, &spec(Some(level), Some(level), "integer", true), 2).is_empty(), "{level}");
        assert!(rules(&old, &spec(Some(level), None, "string", false), 2).is_empty(), "{level}");
    }
    // The same removal of an unlabelled (stable) operation is reported.
    let old = spec(Some("draft"), None, "string", true);
    assert_eq!(rules(&old, &spec(Some("draft"), None, "string", false), 2), ["api-removed-without-deprecation"]);
    let only_draft = spec(Some("draft"), None, "string", false);
    let empty = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
    assert!(rules(&only_draft, empty, 2).is_empty());
    // With the threshold at draft, the same changes are reported.
    assert!(rules(&only_draft, empty, 0).contains(&"api-path-removed-without-deprecation".to_string()));
    let old = spec(Some("beta"), None, "string", false);
    assert!(
        rules(&old, &spec(Some("beta"), None, "integer", false), 2)
            .contains(&"request-parameter-type-changed".to_string())
    );
}

#[test]
fn each_operation_of_a_removed_path_counts_by_its_own_level() {
    let old = spec(Some("draft"), Some("stable"), "string", true);
    let empty = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
    assert_eq!(rules(&old, empty, 2), ["api-path-removed-without-deprecation"]);
    assert_eq!(rules(&old, empty, 0), ["api-path-removed-without-deprecation", "api-path-removed-without-deprecation"]);
}

#[test]
fn stability_changes_are_reported_at_or_above_the_threshold() {
    let at = |a: Option<&str>, b: Option<&str>, t: usize| {
        rules(&spec(a, None, "string", false), &spec(b, None, "string", false), t)
    };
    // No level counts as stable: stable -> beta decreases.
    assert_eq!(at(None, Some("beta"), 2), ["api-stability-decreased"]);
    assert_eq!(at(Some("beta"), Some("stable"), 2), ["api-stability-increased"]);
    // The level left behind decides: beta -> alpha leaves a checked level and is reported;
    // alpha -> stable leaves an unchecked one and is not, unless the threshold is at alpha.
    assert_eq!(at(Some("beta"), Some("alpha"), 2), ["api-stability-decreased"]);
    assert_eq!(at(None, Some("draft"), 2), ["api-stability-decreased"]);
    assert!(at(Some("alpha"), Some("stable"), 2).is_empty());
    assert_eq!(at(Some("alpha"), Some("stable"), 1), ["api-stability-increased"]);
    assert_eq!(at(Some("stable"), Some("wobbly"), 2), ["api-invalid-stability-level"]);
}

fn property_spec(level: Option<&str>) -> String {
    let level = level.map(|l| format!(", x-stability-level: {l}")).unwrap_or_default();
    format!(
        "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    post:\n      requestBody:\n        \
         content:\n          application/json:\n            schema:\n              type: object\n              \
         properties:\n                name: {{type: string{level}}}\n      responses:\n        '200': {{description: ok}}\n"
    )
}

#[test]
fn property_stability_changes_follow_the_same_rule() {
    let at = |a: Option<&str>, b: Option<&str>, t: usize| rules(&property_spec(a), &property_spec(b), t);
    assert_eq!(at(None, Some("alpha"), 2), ["request-property-stability-decreased"]);
    assert_eq!(at(Some("beta"), Some("stable"), 2), ["request-property-stability-increased"]);
    assert!(at(Some("draft"), Some("beta"), 2).is_empty());
    assert_eq!(at(Some("draft"), Some("beta"), 0), ["request-property-stability-increased"]);
    assert_eq!(at(Some("beta"), Some("shaky"), 2), ["api-invalid-stability-level"]);
}

fn deprecated_param(sunset: Option<&str>, present: bool) -> String {
    let sunset = sunset.map(|s| format!(", x-sunset: '{s}'")).unwrap_or_default();
    let param = if present {
        format!(
            "      parameters:\n        - {{name: q, in: query, deprecated: true{sunset}, schema: {{type: string}}}}\n"
        )
    } else {
        String::new()
    };
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    get:\n{param}      responses:\n        \
         '200': {{description: ok}}\n"
    )
}

#[test]
fn an_unreadable_parameter_sunset_is_reported() {
    let bad = deprecated_param(Some("soon"), true);
    let good = deprecated_param(Some("2099-01-01"), true);
    assert_eq!(rules(&bad, &deprecated_param(None, false), 2), ["request-parameter-sunset-parse"]);
    assert_eq!(rules(&good, &bad, 2), ["request-parameter-sunset-parse"]);
    assert_eq!(rules(&bad, &good, 2), ["request-parameter-sunset-parse"]);
    assert_eq!(rules(&good, &deprecated_param(None, false), 2), ["request-parameter-removed-before-sunset"]);
}
