//! Loading schemas whose references are other files of a project folder.

use serde_json::json;

use crate::model::SchemaType;
use crate::schema::{Loaded, Source, load};

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn source(schema_type: SchemaType, file: &str) -> Source<'_> {
    Source { schema_type, file, message: None, root: None, revision: None }
}

const ADDRESS: &str = r#"{"type": "record", "name": "Address", "namespace": "shop.common", "fields": [
  {"name": "city", "type": "string"}, {"name": "country", "type": "Country"}]}"#;
const COUNTRY: &str = r#"{"type": "enum", "name": "Country", "namespace": "shop.common", "symbols": ["FR", "DE"]}"#;
const ORDER: &str = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
  {"name": "id", "type": "string"}, {"name": "ship_to", "type": "shop.common.Address"}]}"#;

#[test]
fn avro_references_are_found_transitively_and_ordered_for_registration() {
    let dir = project(&[
        ("schemas/order.avsc", ORDER),
        ("schemas/common/address.avsc", ADDRESS),
        ("schemas/common/country.avsc", COUNTRY),
        ("schemas/common/broken.avsc", "{not json"),
    ]);
    let Loaded::Avro(order) = load(dir.path(), &source(SchemaType::Avro, "schemas/order.avsc")).unwrap() else {
        panic!("an Avro schema")
    };
    let subjects: Vec<&str> = order.references.docs.iter().map(|d| d.subject.as_str()).collect();
    assert_eq!(subjects, ["shop.common.Country", "shop.common.Address"]);
    assert_eq!(order.references.main, [("shop.common.Address".to_string(), 1)]);
    assert_eq!(order.references.docs[1].references, [("shop.common.Country".to_string(), 0)]);
    assert_eq!(order.references.docs[0].origin, "schemas/common/country.avsc");
    // The example encodes with the referenced types and reads back with them.
    let value = json!({"id": "o-1", "ship_to": {"city": "Lyon", "country": "FR"}});
    let bytes = crate::wire::encode(&Loaded::Avro(order), 7, &value).unwrap();
    let Loaded::Avro(order) = load(dir.path(), &source(SchemaType::Avro, "schemas/order.avsc")).unwrap() else {
        panic!("an Avro schema")
    };
    let reader = apache_avro::reader::datum::GenericDatumReader::builder(&order.schema)
        .writer_schemata(order.schemata())
        .and_then(|b| b.build())
        .unwrap();
    let read = reader.read_value(&mut &bytes[5..]).unwrap();
    let apache_avro::types::Value::Record(fields) = read else { panic!("a record") };
    assert_eq!(fields[1].0, "ship_to");
}

#[test]
fn a_self_contained_avro_schema_has_no_references_and_an_unknown_type_names_the_folder() {
    let dir = project(&[("s/country.avsc", COUNTRY), ("s/broken.avsc", "[")]);
    let Loaded::Avro(country) = load(dir.path(), &source(SchemaType::Avro, "s/country.avsc")).unwrap() else {
        panic!("an Avro schema")
    };
    assert!(country.references.is_empty());
    let dir = project(&[("s/order.avsc", ORDER), ("s/broken.avsc", "[")]);
    let err = load(dir.path(), &source(SchemaType::Avro, "s/order.avsc")).err().unwrap();
    assert!(
        err.starts_with("s/order.avsc: unknown Avro type shop.common.Address: no .avsc file under s defines it (1 file(s) there are not JSON, e.g. s/broken.avsc:1:"),
        "{err}"
    );
}

#[test]
fn two_files_defining_a_used_type_are_ambiguous_and_a_cycle_is_refused() {
    let dir = project(&[
        ("s/order.avsc", ORDER),
        ("s/a/address.avsc", ADDRESS),
        ("s/b/address.avsc", ADDRESS),
        ("s/country.avsc", COUNTRY),
    ]);
    let err = load(dir.path(), &source(SchemaType::Avro, "s/order.avsc")).err().unwrap();
    assert!(
        err.contains("shop.common.Address is defined by several files: s/a/address.avsc, s/b/address.avsc"),
        "{err}"
    );

    let loop_back = COUNTRY
        .replace(r#""type": "enum", "name": "Country""#, r#""type": "record", "name": "Country""#)
        .replace(r#""symbols": ["FR", "DE"]"#, r#""fields": [{"name": "order", "type": "shop.Order"}]"#);
    let dir = project(&[("s/order.avsc", ORDER), ("s/address.avsc", ADDRESS), ("s/country.avsc", &loop_back)]);
    let err = load(dir.path(), &source(SchemaType::Avro, "s/order.avsc")).err().unwrap();
    assert!(err.starts_with("reference cycle: s/country.avsc uses shop.Order, which s/order.avsc defines"), "{err}");
}

#[test]
fn json_refs_resolve_relative_to_each_file_and_by_id() {
    let dir = project(&[
        (
            "s/orders/order.json",
            r#"{"properties": {"to": {"$ref": "../common/address.json"}, "total": {"$ref": "https://example.com/money.json"}}}"#,
        ),
        ("s/common/address.json", r#"{"properties": {"country": {"$ref": "country.json"}}, "required": ["country"]}"#),
        ("s/common/country.json", r#"{"type": "string", "enum": ["FR", "DE"]}"#),
        ("s/common/money.json", r#"{"$id": "https://example.com/money.json", "type": "integer"}"#),
    ]);
    let mut src = source(SchemaType::Json, "s/orders/order.json");
    src.root = Some("s");
    let Loaded::Json(order) = load(dir.path(), &src).unwrap() else { panic!("a JSON Schema") };
    let subjects: Vec<&str> = order.references.docs.iter().map(|d| d.subject.as_str()).collect();
    assert_eq!(subjects, ["country.json", "../common/address.json", "https://example.com/money.json"]);
    assert!(order.validator.is_valid(&json!({"to": {"country": "FR"}, "total": 5})));
    assert!(!order.validator.is_valid(&json!({"to": {"country": "US"}})));
    assert!(!order.validator.is_valid(&json!({"total": "5"})));

    // Without `root`, the $id is looked up in the file's own folder only.
    let err = load(dir.path(), &source(SchemaType::Json, "s/orders/order.json")).err().unwrap();
    assert!(
        err.contains("s/orders/order.json: $ref https://example.com/money.json: no reference is declared with this name and no .json file under s/orders has this $id"),
        "{err}"
    );
}
