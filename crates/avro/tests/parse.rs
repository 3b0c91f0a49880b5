//! Loading schemas: every bad input is an error that names the schema, never a panic.

use schemagate_avro::{AvroError, parse};

fn refs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect()
}

#[test]
fn invalid_json_reports_line_and_column() {
    let text = "{\n  \"type\": \"record\",\n  \"name\": \"OrderPlaced\"\n  \"fields\": []\n}";
    let error = parse("orders-value", text, &[]).unwrap_err();
    assert!(
        matches!(&error, AvroError::Json { schema, line: 4, column: 3, .. } if schema == "orders-value"),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("orders-value:4:3: invalid JSON: expected `,` or `}`"), "{error}");
}

#[test]
fn empty_text_is_a_json_error() {
    let error = parse("empty.avsc", "  ", &[]).unwrap_err();
    assert!(matches!(error, AvroError::Json { line: 1, .. }), "{error:?}");
}

#[test]
fn invalid_json_in_a_reference_names_the_reference() {
    let error = parse(
        "orders-value",
        r#""com.shop.common.Money""#,
        &refs(&[("com.shop.common.Money", "{\"type\": \"record\",")]),
    )
    .unwrap_err();
    let AvroError::Json { schema, line, .. } = &error else { panic!("{error:?}") };
    assert_eq!(schema, "orders-value (reference com.shop.common.Money)");
    assert_eq!(*line, 1);
}

#[test]
fn unknown_named_type_is_named() {
    let text = r#"{"type":"record","name":"OrderPlaced","namespace":"com.shop.orders","fields":[{"name":"total","type":"com.shop.common.Money"}]}"#;
    let error = parse("orders-value", text, &[]).unwrap_err();
    assert_eq!(
        error,
        AvroError::UnknownType { schema: "orders-value".into(), type_name: "com.shop.common.Money".into() }
    );
    assert!(error.to_string().contains("`com.shop.common.Money`"), "{error}");
}

#[test]
fn unknown_type_resolved_by_a_reference() {
    let text = r#"{"type":"record","name":"OrderPlaced","namespace":"com.shop.orders","fields":[{"name":"total","type":"com.shop.common.Money"}]}"#;
    let money =
        r#"{"type":"record","name":"Money","namespace":"com.shop.common","fields":[{"name":"cents","type":"long"}]}"#;
    let schema =
        parse("orders-value", text, &refs(&[("com.shop.common.Money", money)])).expect("the reference defines Money");
    assert_eq!(schema.name(), "orders-value");
    assert_eq!(schema.references().len(), 1);
}

#[test]
fn unknown_type_inside_a_reference_is_named() {
    let money = r#"{"type":"record","name":"Money","namespace":"com.shop.common","fields":[{"name":"currency","type":"com.shop.common.Currency"}]}"#;
    let error =
        parse("orders-value", r#""com.shop.common.Money""#, &refs(&[("com.shop.common.Money", money)])).unwrap_err();
    assert!(
        matches!(&error, AvroError::UnknownType { type_name, .. } if type_name == "com.shop.common.Currency"),
        "{error:?}"
    );
}

#[test]
fn invalid_avro_is_reported_with_the_schema_name() {
    let cases = [
        r#"{"type":"enum","name":"Status","symbols":["A","A"]}"#,
        r#"{"type":"record","name":"Order"}"#,
        r#"{"type":"fixed","name":"Hash"}"#,
        r#"{"type":42}"#,
        r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"int"},{"name":"id","type":"int"}]}"#,
        r#"{"type":"enum","name":"Status","symbols":["A"],"default":"B"}"#,
        r#"["int","int"]"#,
        r#"17"#,
        r#"{"type":"record","name":"1bad","fields":[]}"#,
    ];
    for text in cases {
        let error = parse("bad.avsc", text, &[]).expect_err(text);
        assert!(error.to_string().starts_with("bad.avsc"), "{text}: {error}");
    }
}

#[test]
fn odd_inputs_never_panic() {
    let deep_json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_avro = format!("{}\"int\"{}", r#"{"type":"array","items":"#.repeat(120), "}".repeat(120));
    let inputs = [
        "",
        "null",
        "[]",
        "{}",
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"R"}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"int","logicalType":"decimal"}}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":-1}}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"map"}}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"string","default":12}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":4,"logicalType":"duration"}}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"é","type":"int"}]}"#,
        "\u{feff}\"int\"",
        &deep_json,
        &deep_avro,
    ];
    for text in inputs {
        // Either answer is fine; neither may panic.
        let _ = parse("odd.avsc", text, &[]);
        let _ = parse("odd.avsc", r#""R""#, &refs(&[("R", text)]));
    }
}

#[test]
fn deep_but_valid_nesting_parses() {
    let text = format!("{}\"int\"{}", r#"{"type":"array","items":"#.repeat(100), "}".repeat(100));
    parse("deep.avsc", &text, &[]).expect("100 nested arrays are valid");
}

#[test]
fn a_long_chain_of_references_parses_without_overflowing() {
    let count = 2_000;
    let references: Vec<(String, String)> = (0..count)
        .map(|i| {
            let next = if i + 1 == count { r#""null""#.to_string() } else { format!(r#"["null","chain.Link{}"]"#, i + 1) };
            (format!("chain.Link{i}"), format!(r#"{{"type":"record","name":"Link{i}","namespace":"chain","fields":[{{"name":"next","type":{next}}}]}}"#))
        })
        .collect();
    let schema = parse("chain.avsc", r#""chain.Link0""#, &references).expect("a chain of references is valid");
    assert_eq!(schema.references().len(), count);
}
