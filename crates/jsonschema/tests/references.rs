//! `$ref`s between documents passed by name (the registry's schema references), anchors and
//! embedded `$id`s.

use schemagate_core::compat::CompatEngine;
use schemagate_jsonschema::{JsonSchemaEngine, parse};

const ORDER: &str = r#"{"$id": "https://schemas.example.com/order.json", "type": "object",
    "properties": {"customer": {"$ref": "customer.json"}, "total": {"$ref": "money.json#/definitions/amount"}},
    "additionalProperties": false}"#;

fn refs(customer: &str) -> Vec<(String, String)> {
    vec![
        ("customer.json".to_string(), customer.to_string()),
        ("money.json".to_string(), r#"{"definitions": {"amount": {"type": "number", "minimum": 0}}}"#.to_string()),
    ]
}

#[test]
fn a_change_inside_a_named_reference_is_found() {
    let before =
        parse("order.json", ORDER, &refs(r#"{"type": "object", "properties": {"email": {"type": "string"}}}"#))
            .expect("parses");
    let after =
        parse("order.json", ORDER, &refs(r#"{"type": "object", "properties": {"email": {"type": "integer"}}}"#))
            .expect("parses");
    let messages = JsonSchemaEngine.backward(&before, &after);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(
        (messages[0].kind.as_str(), messages[0].path.as_str()),
        ("TYPE_CHANGED", "#/properties/customer/properties/email")
    );
    assert!(JsonSchemaEngine.backward(&before, &before).is_empty());
}

#[test]
fn references_resolve_through_paths_anchors_and_embedded_ids() {
    let refs = vec![(
        "common/address.json".to_string(),
        r#"{"type": "object", "properties": {"city": {"type": "string"}}}"#.to_string(),
    )];
    let schema = r##"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "properties": {
            "billing": {"$ref": "./common/address.json"},
            "sku": {"$ref": "#sku"},
            "warehouse": {"$ref": "warehouse.json"}
        },
        "$defs": {
            "sku": {"$anchor": "sku", "type": "string", "pattern": "^[A-Z]{3}-[0-9]+$"},
            "warehouse": {"$id": "warehouse.json", "enum": ["BER", "PAR"]}
        }}"##;
    let parsed = parse("inventory.json", schema, &refs).expect("every reference resolves");
    let narrowed = schema.replace(r#"["BER", "PAR"]"#, r#"["BER"]"#);
    let update = parse("inventory.json", &narrowed, &refs).expect("parses");
    let messages = JsonSchemaEngine.backward(&parsed, &update);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0].kind, "ENUM_ARRAY_NARROWED");
    assert_eq!(messages[0].path, "#/properties/warehouse/enum");
}
