//! docs/contract.schema.json (the editor schema of event contract files) accepts every
//! contract in contracts/ and rejects contracts that break the format of docs/contracts.md:
//! an unknown key, a missing topic, a field type outside the vocabulary, registry version 0.
//! Checked with PyPI's jsonschema, which scripts/test.sh installs.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn schema_accepts(yaml: &str) -> Result<(), String> {
    schemagate_e2e::schema_accepts("contract.schema.json", yaml)
}

/// A valid contract; the rejected ones below each change one thing in it.
const VALID: &str = "\
topic: orders.order-placed.v1
value:
  type: PROTOBUF
  file: schemas/proto/acme/orders/v1/order_events.proto
  message: acme.orders.v1.OrderPlaced
producer: order-service
consumers:
  - name: inventory-service
    schema: {registry_version: 1}
    fields:
      - {path: \"order.items[].sku\", type: string, required: true}
    headers: [correlation-id]
examples:
  - name: one-item
    key: ord-1001
    value: {order: {order_id: ord-1001, items: [{sku: TSHIRT-BLK-M, quantity: \"2\"}]}}
    headers: {correlation-id: 416fabab-d354-43ac-8f05-07f7e43524dd}
";

#[test]
fn repository_contracts_validate() {
    let dir = repo().join("contracts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "expected the example contracts in {}, found {files:?}", dir.display());
    for file in &files {
        let yaml = std::fs::read_to_string(file).unwrap();
        if let Err(e) = schema_accepts(&yaml) {
            panic!("{}: {e}", file.display());
        }
    }
    schema_accepts(VALID).unwrap();
    // Avro and JSON Schema values may name their references' folder and registry subjects.
    let avro = VALID
        .replace("  type: PROTOBUF\n", "  type: AVRO\n")
        .replace("  file: schemas/proto/acme/orders/v1/order_events.proto\n", "  file: schemas/avro/order.avsc\n  root: schemas/avro\n")
        .replace(
            "  message: acme.orders.v1.OrderPlaced\n",
            "  references: [{name: acme.Money, subject: acme-money, version: 2}, {name: acme.Address, subject: acme-address}]\n",
        );
    schema_accepts(&avro).unwrap();
}

#[test]
fn contracts_breaking_the_format_are_rejected() {
    let cases = [
        ("unknown key", VALID.replace("producer: order-service\n", "producer: order-service\nowner: team-orders\n")),
        ("missing topic", VALID.replace("topic: orders.order-placed.v1\n", "")),
        ("field type outside the vocabulary", VALID.replace("type: string,", "type: text,")),
        ("registry version 0", VALID.replace("{registry_version: 1}", "{registry_version: 0}")),
        (
            "revision and registry version",
            VALID.replace("{registry_version: 1}", "{registry_version: 1, revision: HEAD}"),
        ),
        (
            "registry references on a Protobuf value",
            VALID.replace(
                "  message: acme.orders.v1.OrderPlaced\n",
                "  message: acme.orders.v1.OrderPlaced\n  references: [{name: acme.Money, subject: acme.Money}]\n",
            ),
        ),
    ];
    for (what, yaml) in cases {
        assert_ne!(yaml, VALID, "{what}: the replacement did not apply");
        assert!(schema_accepts(&yaml).is_err(), "schema accepted a contract with {what}:\n{yaml}");
    }
}
