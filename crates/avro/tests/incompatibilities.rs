//! What the engine reports: every incompatibility with its path, recursion that terminates,
//! Avro Java's rules where Python avro (the differential oracle) differs, and levels.

use schemagate_avro::{AvroEngine, AvroSchema, parse};
use schemagate_core::compat::{CompatEngine, CompatLevel, CompatMessage, check_level};

fn schema(text: &str) -> AvroSchema {
    parse("test.avsc", text, &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn with_refs(text: &str, references: &[(String, String)]) -> AvroSchema {
    parse("test.avsc", text, references).unwrap_or_else(|e| panic!("{e}"))
}

/// (kind, path) of each incompatibility of `new` reading data written with `old`.
fn backward(old: &str, new: &str) -> Vec<(String, String)> {
    AvroEngine.backward(&schema(old), &schema(new)).into_iter().map(|m| (m.kind, m.path)).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, p)| (k.to_string(), p.to_string())).collect()
}

const OLD_PAYMENT: &str = r#"{
  "type": "record", "name": "PaymentCaptured", "namespace": "com.shop.payments",
  "fields": [
    {"name": "payment_id", "type": "string"},
    {"name": "amount", "type": "long"},
    {"name": "method", "type": {"type": "enum", "name": "Method", "symbols": ["CARD", "WALLET", "BANK"]}},
    {"name": "card", "type": ["null", {"type": "fixed", "name": "CardHash", "size": 16}], "default": null},
    {"name": "tags", "type": {"type": "map", "values": ["null", "string", "long"]}},
    {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line", "fields": [
      {"name": "sku", "type": "string"}, {"name": "cents", "type": "long"}]}}}
  ]
}"#;

const NEW_PAYMENT: &str = r#"{
  "type": "record", "name": "PaymentCaptured", "namespace": "com.shop.payments",
  "fields": [
    {"name": "payment_id", "type": "int"},
    {"name": "amount", "type": "double"},
    {"name": "method", "type": {"type": "enum", "name": "Method", "symbols": ["CARD"]}},
    {"name": "card", "type": ["null", {"type": "fixed", "name": "CardHash", "size": 32}], "default": null},
    {"name": "tags", "type": {"type": "map", "values": ["null", "string"]}},
    {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line", "fields": [
      {"name": "sku", "type": "string"}, {"name": "cents", "type": "int"}, {"name": "warehouse", "type": "string"}]}}},
    {"name": "captured_at", "type": {"type": "long", "logicalType": "timestamp-millis"}}
  ]
}"#;

#[test]
fn every_incompatibility_is_reported_with_its_path() {
    let found = AvroEngine.backward(&schema(OLD_PAYMENT), &schema(NEW_PAYMENT));
    let expected = [
        ("TYPE_MISMATCH", "/fields/0/type", "reader type: INT not compatible with writer type: STRING"),
        ("MISSING_ENUM_SYMBOLS", "/fields/2/type/symbols", "reader enum lacks writer symbols: [BANK, WALLET]"),
        (
            "MISSING_UNION_BRANCH",
            "/fields/3/type/1",
            "reader union lacking writer type: FIXED com.shop.payments.CardHash; its FIXED com.shop.payments.CardHash branch \
             differs: FIXED_SIZE_MISMATCH at /size (expected: 16, found: 32)",
        ),
        ("MISSING_UNION_BRANCH", "/fields/4/type/values/2", "reader union lacking writer type: LONG"),
        (
            "TYPE_MISMATCH",
            "/fields/5/type/items/fields/1/type",
            "reader type: INT not compatible with writer type: LONG",
        ),
        (
            "READER_FIELD_MISSING_DEFAULT_VALUE",
            "/fields/5/type/items/fields/2",
            "reader field 'warehouse' has no default value and is missing in the writer record com.shop.payments.Line",
        ),
        (
            "READER_FIELD_MISSING_DEFAULT_VALUE",
            "/fields/6",
            "reader field 'captured_at' has no default value and is missing in the writer record com.shop.payments.PaymentCaptured",
        ),
    ];
    let expected: Vec<CompatMessage> = expected
        .iter()
        .map(|(k, p, m)| CompatMessage { kind: k.to_string(), path: p.to_string(), message: m.to_string() })
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn a_named_type_used_twice_is_reported_at_each_use() {
    let old = r#"{"type":"record","name":"Transfer","fields":[
        {"name":"from","type":{"type":"record","name":"Account","fields":[{"name":"iban","type":"string"}]}},
        {"name":"to","type":"Account"}]}"#;
    let new = r#"{"type":"record","name":"Transfer","fields":[
        {"name":"from","type":{"type":"record","name":"Account","fields":[{"name":"iban","type":"long"}]}},
        {"name":"to","type":"Account"}]}"#;
    assert_eq!(
        backward(old, new),
        pairs(&[("TYPE_MISMATCH", "/fields/0/type/fields/0/type"), ("TYPE_MISMATCH", "/fields/1/type/fields/0/type")])
    );
}

const LINKED_STOCK: &str = r#"{"type":"record","name":"StockLevel","fields":[
    {"name":"sku","type":"string"},{"name":"quantity","type":"int"},
    {"name":"next","type":["null","StockLevel"],"default":null}]}"#;

#[test]
fn recursive_schema_terminates_and_compares() {
    assert!(backward(LINKED_STOCK, LINKED_STOCK).is_empty());
    assert!(backward(LINKED_STOCK, &LINKED_STOCK.replace(r#""type":"int""#, r#""type":"long""#)).is_empty());
    assert_eq!(
        backward(
            LINKED_STOCK,
            &LINKED_STOCK.replace(r#""name":"quantity","type":"int""#, r#""name":"quantity","type":"string""#)
        ),
        pairs(&[("TYPE_MISMATCH", "/fields/1/type")]),
        "found once, where it is first met"
    );
}

#[test]
fn mutually_recursive_schemas_terminate() {
    let tree = |leaf: &str| {
        format!(
            r#"{{"type":"record","name":"Folder","fields":[
            {{"name":"entries","type":{{"type":"array","items":{{"type":"record","name":"Entry","fields":[
                {{"name":"size","type":"{leaf}"}},{{"name":"child","type":["null","Folder"],"default":null}}]}}}}}}]}}"#
        )
    };
    assert!(backward(&tree("int"), &tree("long")).is_empty());
    assert_eq!(
        backward(&tree("long"), &tree("int")),
        pairs(&[("TYPE_MISMATCH", "/fields/0/type/items/fields/0/type")])
    );
    // An infinite record with no way out is still a valid schema, and still terminates.
    let endless = r#"{"type":"record","name":"Loop","fields":[{"name":"again","type":"Loop"}]}"#;
    assert!(backward(endless, endless).is_empty());
}

/// `n` records all named `Node`, in namespaces `r0..r(n-1)`, each pointing to the next.
fn ring(n: usize) -> AvroSchema {
    let references: Vec<(String, String)> = (0..n)
        .map(|i| {
            let next = (i + 1) % n;
            let text = format!(
                r#"{{"type":"record","name":"Node","namespace":"r{i}","fields":[{{"name":"v","type":"int"}},{{"name":"next","type":["null","r{next}.Node"],"default":null}}]}}"#
            );
            (format!("r{i}.Node"), text)
        })
        .collect();
    with_refs(r#""r0.Node""#, &references)
}

#[test]
fn recursive_types_of_different_shapes_do_not_overflow_the_stack() {
    // Unqualified names match, so the pairs only repeat after 30 x 31 steps: a deep chain.
    assert_eq!(AvroEngine.backward(&ring(30), &ring(31)), vec![]);
}

#[test]
fn absurdly_deep_recursion_stops_with_a_finding() {
    let found = AvroEngine.backward(&ring(200), &ring(201));
    assert!(found.iter().any(|m| m.kind == "NESTING_TOO_DEEP" && m.path == "/"), "{found:?}");
}

#[test]
fn unqualified_alias_is_resolved_in_the_reader_namespace() {
    // Avro Java (and the Schema Registry) qualify an alias with the schema's namespace; Python
    // avro compares it as written, so the differential generator only writes qualified ones.
    let old = r#"{"type":"record","name":"OrderPlaced","namespace":"com.shop.orders","fields":[]}"#;
    let new = r#"{"type":"record","name":"OrderCreated","namespace":"com.shop.orders","aliases":["OrderPlaced"],"fields":[]}"#;
    assert!(backward(old, new).is_empty());
    let elsewhere =
        r#"{"type":"record","name":"OrderCreated","namespace":"com.shop.sales","aliases":["OrderPlaced"],"fields":[]}"#;
    assert_eq!(backward(old, elsewhere), pairs(&[("NAME_MISMATCH", "/name")]));
}

#[test]
fn a_field_alias_matching_two_writer_fields_fails_like_avro_java() {
    // Avro Java throws here, and the Schema Registry reports the check as failed.
    let old = r#"{"type":"record","name":"Refund","fields":[{"name":"amount","type":"long"},{"name":"cents","type":"long"}]}"#;
    let new = r#"{"type":"record","name":"Refund","fields":[{"name":"amount","type":"long","aliases":["cents"]}]}"#;
    assert_eq!(backward(old, new), pairs(&[("AMBIGUOUS_WRITER_FIELD", "/fields/0")]));
}

#[test]
fn logical_types_compare_on_their_underlying_type() {
    let field = |ty: &str| format!(r#"{{"type":"record","name":"Price","fields":[{{"name":"value","type":{ty}}}]}}"#);
    let fixed_decimal = |size: usize| {
        format!(r#"{{"type":"fixed","name":"Amount","size":{size},"logicalType":"decimal","precision":10,"scale":2}}"#)
    };
    assert_eq!(
        backward(&field(&fixed_decimal(8)), &field(&fixed_decimal(16))),
        pairs(&[("FIXED_SIZE_MISMATCH", "/fields/0/type/size")])
    );
    assert!(backward(&field(&fixed_decimal(8)), &field(r#"{"type":"fixed","name":"Amount","size":8}"#)).is_empty());
    let duration = r#"{"type":"fixed","name":"Period","size":12,"logicalType":"duration"}"#;
    assert!(backward(&field(duration), &field(r#"{"type":"fixed","name":"Period","size":12}"#)).is_empty());
    let uuid_fixed = r#"{"type":"fixed","name":"Id","size":16,"logicalType":"uuid"}"#;
    assert_eq!(backward(&field(uuid_fixed), &field(r#""string""#)), pairs(&[("TYPE_MISMATCH", "/fields/0/type")]));
    let big_decimal = r#"{"type":"bytes","logicalType":"big-decimal"}"#;
    assert!(backward(&field(big_decimal), &field(r#""string""#)).is_empty());
}

#[test]
fn levels_combine_directions_and_versions() {
    let v1 = schema(r#"{"type":"record","name":"StockAdjusted","fields":[{"name":"sku","type":"string"}]}"#);
    let v2 = schema(
        r#"{"type":"record","name":"StockAdjusted","fields":[{"name":"sku","type":"string"},{"name":"delta","type":"int","default":0}]}"#,
    );
    let v3 = schema(
        r#"{"type":"record","name":"StockAdjusted","fields":[{"name":"sku","type":"string"},{"name":"delta","type":"long"}]}"#,
    );
    let history = [v1, v2];
    assert!(check_level(&AvroEngine, CompatLevel::Backward, &v3, &history).compatible, "v3 reads v2");
    let transitive = check_level(&AvroEngine, CompatLevel::BackwardTransitive, &v3, &history);
    assert!(!transitive.compatible, "v3 cannot read v1: delta has no default");
    assert_eq!(transitive.messages.len(), 1);
    assert!(transitive.messages[0].message.starts_with("version 1: "), "{:?}", transitive.messages);
    let forward = check_level(&AvroEngine, CompatLevel::Forward, &v3, &history);
    assert_eq!(
        forward.messages.iter().map(|m| m.kind.as_str()).collect::<Vec<_>>(),
        ["TYPE_MISMATCH"],
        "v2 reads delta as int"
    );
}
