//! Bad input: every failure is an error value naming where it is, never a panic or a hang.

use std::time::{Duration, Instant};

use schemagate_core::compat::CompatEngine;
use schemagate_jsonschema::{JsonSchemaEngine, JsonSchemaError, parse};

fn both(previous: &str, update: &str) -> Vec<schemagate_core::compat::CompatMessage> {
    let previous = parse("previous.json", previous, &[]).expect("previous parses");
    let update = parse("update.json", update, &[]).expect("update parses");
    JsonSchemaEngine.backward(&previous, &update)
}

#[test]
fn invalid_json_names_the_file_line_and_column() {
    let text = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"sku\": {\"type\": \"string\",}\n  }\n}";
    match parse("inventory-adjusted.json", text, &[]) {
        Err(JsonSchemaError::Syntax { name, line, column, .. }) => {
            assert_eq!(name, "inventory-adjusted.json");
            assert_eq!((line, column), (4, 30));
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn invalid_json_in_a_reference_names_the_reference() {
    let refs = vec![("money.json".to_string(), "{\"type\": \"number\"".to_string())];
    let err = parse("order.json", r#"{"$ref": "money.json"}"#, &refs).expect_err("reference is not JSON");
    assert!(matches!(&err, JsonSchemaError::Syntax { name, line: 1, .. } if name == "money.json"), "{err:?}");
    assert!(err.to_string().starts_with("money.json:1:"), "{err}");
}

#[test]
fn empty_and_non_utf8_looking_text_is_a_syntax_error() {
    assert!(matches!(parse("empty.json", "", &[]), Err(JsonSchemaError::Syntax { line: 1, .. })));
    assert!(matches!(parse("garbage.json", "\u{feff}\u{fffd}{", &[]), Err(JsonSchemaError::Syntax { .. })));
}

#[test]
fn unresolvable_references_are_reported() {
    let err = parse("order.json", r##"{"properties": {"price": {"$ref": "#/definitions/money"}}}"##, &[])
        .expect_err("no such definition");
    match err {
        JsonSchemaError::UnresolvedReference { name, pointer, reference } => {
            assert_eq!(name, "order.json");
            assert_eq!(pointer, "#/properties/price");
            assert_eq!(reference, "#/definitions/money");
        }
        other => panic!("expected an unresolved reference, got {other:?}"),
    }
    assert!(matches!(
        parse("order.json", r#"{"$ref": "customer.json"}"#, &[]),
        Err(JsonSchemaError::UnresolvedReference { .. })
    ));
}

#[test]
fn keywords_of_the_wrong_type_are_invalid_schemas() {
    for text in [
        r#"42"#,
        r#"null"#,
        r#"["type", "object"]"#,
        r#"{"type": "decimal"}"#,
        r#"{"type": 5}"#,
        r#"{"type": "string", "minLength": "5"}"#,
        r#"{"type": "string", "minLength": 1.5}"#,
        r#"{"properties": []}"#,
        r#"{"properties": {"sku": 3}}"#,
        r#"{"required": "sku"}"#,
        r#"{"allOf": {}}"#,
        r#"{"enum": "PLACED"}"#,
        r#"{"$ref": 5}"#,
        r#"{"items": 3}"#,
        r#"{"dependencies": []}"#,
    ] {
        match parse("bad.json", text, &[]) {
            Err(JsonSchemaError::Invalid { name, .. }) => assert_eq!(name, "bad.json"),
            other => panic!("{text}: expected an invalid-schema error, got {other:?}"),
        }
    }
}

#[test]
fn cyclic_references_terminate() {
    let started = Instant::now();
    // A schema that is only a reference to itself.
    assert!(both(r##"{"$ref": "#"}"##, r##"{"$ref": "#"}"##).is_empty());
    // Definitions that refer to each other.
    let mutual = r##"{"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}},
                      "type": "object", "properties": {"x": {"$ref": "#/definitions/a"}}}"##;
    let _ = both(mutual, mutual);
    // A recursive tree whose recursive part changes.
    let before = r##"{"type": "object", "properties": {"name": {"type": "string"},
                      "children": {"type": "array", "items": {"$ref": "#"}}}}"##;
    let after = r##"{"type": "object", "properties": {"name": {"type": "integer"},
                      "children": {"type": "array", "items": {"$ref": "#"}}}}"##;
    let messages = both(before, after);
    assert!(messages.iter().any(|m| m.kind == "TYPE_CHANGED" && m.path == "#/properties/name"), "{messages:?}");
    // Named references that refer to each other.
    let refs = vec![
        (
            "customer.json".to_string(),
            r#"{"type": "object", "properties": {"account": {"$ref": "account.json"}}}"#.to_string(),
        ),
        (
            "account.json".to_string(),
            r#"{"type": "object", "properties": {"owner": {"$ref": "customer.json"}}}"#.to_string(),
        ),
    ];
    let order = r#"{"type": "object", "properties": {"customer": {"$ref": "customer.json"}}}"#;
    let a = parse("order.json", order, &refs).expect("parses");
    let b = parse("order.json", order, &refs).expect("parses");
    assert!(JsonSchemaEngine.backward(&a, &b).is_empty());
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_union_of_itself_is_refused_not_looped() {
    let messages = both(r##"{"anyOf": [{"$ref": "#"}]}"##, r#"{"type": "string"}"#);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].kind, "COMPARISON_LIMIT_EXCEEDED");
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    let depth = 5000;
    let text = format!("{}{}", r#"{"not": "#.repeat(depth), "}".repeat(depth));
    assert!(parse("deep.json", &text, &[]).is_err());
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(parse("deep.json", &text, &[]).is_err());
}

#[test]
fn large_unions_finish_quickly() {
    // Fifty alternatives of fifty alternatives: the pairwise matching is bounded.
    let inner: Vec<String> = (0..50).map(|i| format!(r#"{{"type": "string", "maxLength": {i}}}"#)).collect();
    let outer: Vec<String> =
        (0..50).map(|i| format!(r#"{{"anyOf": [{}], "title": "t{i}"}}"#, inner.join(","))).collect();
    let text = format!(r#"{{"anyOf": [{}]}}"#, outer.join(","));
    let started = Instant::now();
    let _ = both(&text, &text);
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
}

#[test]
fn odd_numbers_do_not_panic() {
    for (previous, update) in [
        (r#"{"multipleOf": 0}"#, r#"{"multipleOf": 5}"#),
        (r#"{"multipleOf": -9223372036854775808}"#, r#"{"multipleOf": -1}"#),
        (r#"{"multipleOf": 0.5}"#, r#"{"multipleOf": 0.25}"#),
        (r#"{"maxLength": 1e300}"#, r#"{"maxLength": 3}"#),
        (r#"{"maximum": 1e308}"#, r#"{"maximum": -1e308}"#),
    ] {
        let _ = both(previous, update);
    }
}
