//! End-to-end tests of Avro and JSON Schema references in `schemagate contract test`, with the
//! real binary, librdkafka's mock cluster (`--kafka embedded`, no Docker) and schemagate's
//! registry server: references among the project's files (registered as subjects of their own
//! before the schema that uses them), references of registered versions, references a contract
//! declares, and the errors when one does not resolve.

mod common;

use std::path::Path;
use std::process::Command;

use common::{assert_reports, registry as registry_server, schemagate, test_embedded, write};
use schemagate_registry::client::{Client, ClientConfig, Reference, Schema, Version};

const ADDRESS_V2: &str = r#"{"type": "record", "name": "Address", "namespace": "shop.common", "fields": [
  {"name": "street", "type": "string"},
  {"name": "city", "type": "string"},
  {"name": "zip", "type": "string", "default": ""}
]}"#;
const ADDRESS_V1: &str = r#"{"type": "record", "name": "Address", "namespace": "shop.common", "fields": [
  {"name": "street", "type": "string"},
  {"name": "city", "type": "string"}
]}"#;
/// Uses `shop.common.Address` by name only: it is defined in another file or subject.
const ORDER_V2: &str = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
  {"name": "order_id", "type": "string"},
  {"name": "ship_to", "type": "shop.common.Address"},
  {"name": "bill_to", "type": ["null", "shop.common.Address"], "default": null},
  {"name": "amount_cents", "type": "long", "default": 0}
]}"#;
const ORDER_V1: &str = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
  {"name": "order_id", "type": "string"},
  {"name": "ship_to", "type": "shop.common.Address"}
]}"#;

fn avro_contract(consumers: &str) -> String {
    format!(
        "topic: shop.orders.v1
value: {{type: AVRO, file: schemas/shop/order.avsc}}
producer: checkout
consumers:
{consumers}examples:
  - name: parcel
    value: {{order_id: o-1, ship_to: {{street: 1 Rue Haute, city: Lyon, zip: \"69001\"}}, bill_to: null, amount_cents: 1250}}
"
    )
}

const BILLING_ON_ITS_OWN_COPY: &str = "  - name: billing
    schema: {file: contracts/consumers/billing/order.v1.avsc}
    fields: [{path: ship_to.city, type: string, required: true}]
  - name: audit
    fields: [{path: ship_to.zip, type: string, required: true}, {path: amount_cents, type: long}]
";

fn client(url: &str) -> Client {
    Client::new(&ClientConfig::new(url)).unwrap()
}

fn shop_with_files(consumers: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "schemas/shop/order.avsc", ORDER_V2);
    write(dir.path(), "schemas/shop/common/address.avsc", ADDRESS_V2);
    // The consumer vendors the versions it was built with, references included.
    write(dir.path(), "contracts/consumers/billing/order.v1.avsc", ORDER_V1);
    write(dir.path(), "contracts/consumers/billing/address.v1.avsc", ADDRESS_V1);
    write(dir.path(), "contracts/orders.yaml", &avro_contract(consumers));
    dir
}

#[test]
fn avro_types_from_other_files_are_registered_as_references_and_read_by_an_older_consumer() {
    let (server, _db) = registry_server();
    let url = server.url();
    let dir = shop_with_files(BILLING_ON_ITS_OWN_COPY);
    let args = ["contract", "test", "--kafka", "embedded", "--registry", url.as_str()];
    let (code, stdout, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_reports(&stdout, &["  pass billing", "  pass audit"]);
    // The referenced type went first, under its full name, and the order references it.
    let registry = client(&url);
    let address = registry.version("shop.common.Address", Version::Latest).unwrap();
    assert!(address.schema.contains("zip"), "{}", address.schema);
    let order = registry.version("shop.orders.v1-value", Version::Latest).unwrap();
    assert_eq!(
        order.references,
        [Reference { name: "shop.common.Address".into(), subject: "shop.common.Address".into(), version: 1 }]
    );
    // A second run reuses the registered reference rather than adding a version.
    let (code, stdout, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(registry.versions("shop.common.Address", false).unwrap(), [1]);

    // Expectations reach into the referenced type: its fields are the consumer's to check.
    let wrong =
        BILLING_ON_ITS_OWN_COPY.replace("{path: ship_to.city, type: string", "{path: ship_to.zip, type: string");
    write(dir.path(), "contracts/orders.yaml", &avro_contract(&wrong));
    let (code, stdout, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert_reports(
        &stdout,
        &[
            "consumer billing example parcel: field ship_to.zip: shop.common.Address has no field zip in the consumer's schema",
        ],
    );
}

#[test]
fn json_schema_refs_name_files_relative_to_the_referring_file() {
    let (server, _db) = registry_server();
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "schemas/payments/payment.json",
        r#"{"type": "object", "properties": {"payment_id": {"type": "string"}, "amount": {"$ref": "../common/money.json"}},
            "required": ["payment_id", "amount"]}"#,
    );
    write(
        dir.path(),
        "schemas/common/money.json",
        r#"{"type": "object", "properties": {"currency": {"$ref": "currency.json#/$defs/code"}, "minor": {"type": "integer"}},
            "required": ["currency", "minor"]}"#,
    );
    write(
        dir.path(),
        "schemas/common/currency.json",
        r#"{"$defs": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}}}"#,
    );
    // The ledger's copy: money without the currency pattern, in its own folder.
    write(
        dir.path(),
        "contracts/consumers/ledger/payment.json",
        r#"{"type": "object", "properties": {"payment_id": {"type": "string"}, "amount": {"$ref": "./money.json"}}}"#,
    );
    write(
        dir.path(),
        "contracts/consumers/ledger/money.json",
        r#"{"type": "object", "properties": {"currency": {"type": "string"}, "minor": {"type": "integer"}}, "required": ["minor"]}"#,
    );
    let contract = "topic: shop.payments.v1
value: {type: JSON, file: schemas/payments/payment.json, compatibility: NONE}
producer: payments
consumers:
  - name: ledger
    schema: {file: contracts/consumers/ledger/payment.json}
    fields: [{path: amount.minor, type: long, required: true}]
examples:
  - name: euro
    value: {payment_id: p-1, amount: {currency: EUR, minor: 1250}}
";
    write(dir.path(), "contracts/payments.yaml", contract);
    let args = ["contract", "test", "--kafka", "embedded", "--registry", url.as_str()];
    let (code, stdout, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_reports(&stdout, &["  pass ledger"]);
    // Each document under the name its referrer's $ref uses, dependencies first.
    let registry = client(&url);
    let money = registry.version("../common/money.json", Version::Latest).unwrap();
    assert_eq!(
        money.references,
        [Reference { name: "currency.json".into(), subject: "currency.json".into(), version: 1 }]
    );
    let payment = registry.version("shop.payments.v1-value", Version::Latest).unwrap();
    assert_eq!(payment.references[0].name, "../common/money.json");

    // The referenced document's rules are the producer's: an example breaking them fails.
    write(dir.path(), "contracts/payments.yaml", &contract.replace("currency: EUR", "currency: euro"));
    let (code, stdout, _) = schemagate(dir.path(), &args);
    assert_eq!(code, 1, "{stdout}");
    assert_reports(
        &stdout,
        &[
            "contract contracts/payments.yaml example euro: field value: does not validate against schemas/payments/payment.json",
            "at /amount/currency",
        ],
    );
}

#[test]
fn registered_versions_with_references_are_read_with_them() {
    // The registry holds the first versions: the address, and the order referencing it.
    let (server, _db) = registry_server();
    let url = server.url();
    let registry = client(&url);
    registry.register("shop.common.Address", &Schema::avro(ADDRESS_V1)).unwrap();
    let address = Reference { name: "shop.common.Address".into(), subject: "shop.common.Address".into(), version: 1 };
    registry.register("shop.orders.v1-value", &Schema::avro(ORDER_V1).with_references(vec![address])).unwrap();
    let dir = shop_with_files("");
    let consumers = |version: &str| {
        format!(
            "  - name: billing
    schema: {{registry_version: {version}}}
    fields: [{{path: ship_to.city, type: string, required: true}}]
"
        )
    };
    write(dir.path(), "contracts/orders.yaml", &avro_contract(&consumers("1")));
    let args = ["contract", "test", "--kafka", "embedded", "--registry", url.as_str()];
    let (code, stdout, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_reports(&stdout, &["verified with registry subject shop.orders.v1-value version 1"]);
    // The producer's address is version 2 of the referenced subject now.
    let order = registry.version("shop.orders.v1-value", Version::Latest).unwrap();
    assert_eq!(order.version, 2);
    assert_eq!(order.references[0].version, 2);
    write(dir.path(), "contracts/orders.yaml", &avro_contract(&consumers("latest")));
    let (code, stdout, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_reports(&stdout, &["verified with registry subject shop.orders.v1-value version 2"]);

    // The same for JSON Schema: version 1 reads `$ref: money.json` from its reference.
    registry.set_config(Some("shop.payments.v1-value"), "NONE").unwrap();
    registry.register("money.json", &Schema::json(r#"{"type": "object", "required": ["minor"]}"#)).unwrap();
    let money = Reference { name: "money.json".into(), subject: "money.json".into(), version: 1 };
    let payment = r#"{"type": "object", "properties": {"amount": {"$ref": "money.json"}}, "required": ["amount"]}"#;
    registry.register("shop.payments.v1-value", &Schema::json(payment).with_references(vec![money])).unwrap();
    write(dir.path(), "schemas/payment.json", r#"{"type": "object", "properties": {"amount": {"type": "object"}}}"#);
    write(
        dir.path(),
        "contracts/payments.yaml",
        "topic: shop.payments.v1
value: {type: JSON, file: schemas/payment.json, compatibility: NONE}
producer: payments
consumers:
  - name: ledger
    schema: {registry_version: 1}
examples:
  - name: no-minor
    value: {amount: {currency: EUR}}
",
    );
    let (code, stdout, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert_reports(
        &stdout,
        &[
            "consumer ledger example no-minor: does not validate against registry subject shop.payments.v1-value version 1",
            "\"minor\" is a required property at /amount",
        ],
    );
}

#[test]
fn a_contract_can_declare_types_another_subject_holds() {
    let (server, _db) = registry_server();
    let url = server.url();
    let registry = client(&url);
    registry.register("shared-address", &Schema::avro(ADDRESS_V2)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // No address file in the project: the type is the registry's.
    write(dir.path(), "schemas/shop/order.avsc", ORDER_V2);
    let contract = avro_contract(
        "  - name: audit
    fields: [{path: ship_to.zip, type: string, required: true}]
",
    )
    .replace(
        "value: {type: AVRO, file: schemas/shop/order.avsc}",
        "value:\n  type: AVRO\n  file: schemas/shop/order.avsc\n  references:\n    - {name: shop.common.Address, subject: shared-address}",
    );
    write(dir.path(), "contracts/orders.yaml", &contract);
    let args = ["contract", "test", "--kafka", "embedded", "--registry", url.as_str()];
    let (code, stdout, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let order = registry.version("shop.orders.v1-value", Version::Latest).unwrap();
    assert_eq!(
        order.references,
        [Reference { name: "shop.common.Address".into(), subject: "shared-address".into(), version: 1 }]
    );

    // A subject the registry does not hold stops the run before Kafka starts, at its line.
    write(dir.path(), "contracts/orders.yaml", &contract.replace("subject: shared-address", "subject: shared-adress"));
    let (code, _, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "contracts/orders.yaml:6:35: reference shop.common.Address: version latest of subject shared-adress: not found"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("mock cluster"), "Kafka must not start: {stderr}");
    // So does a version it does not hold.
    write(
        dir.path(),
        "contracts/orders.yaml",
        &contract.replace("subject: shared-address", "subject: shared-address, version: 4"),
    );
    let (code, _, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("version 4 of subject shared-address: not found"), "{stderr}");
}

#[test]
fn unresolvable_references_exit_2_before_kafka_starts_naming_the_contract_line() {
    // An Avro type no file defines.
    let dir = shop_with_files(BILLING_ON_ITS_OWN_COPY);
    write(
        dir.path(),
        "schemas/shop/order.avsc",
        &ORDER_V2.replace("\"shop.common.Address\"}", "\"shop.common.Adress\"}"),
    );
    let (code, _, stderr) = test_embedded(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "contracts/orders.yaml:2:27: schemas/shop/order.avsc: unknown Avro type shop.common.Adress: \
             no .avsc file under schemas/shop defines it"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("mock cluster"), "Kafka must not start: {stderr}");

    // The consumer's copy misses the referenced file: the consumer's line.
    let dir = shop_with_files(BILLING_ON_ITS_OWN_COPY);
    std::fs::remove_file(dir.path().join("contracts/consumers/billing/address.v1.avsc")).unwrap();
    let (code, _, stderr) = test_embedded(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "contracts/orders.yaml:6:20: consumer billing: contracts/consumers/billing/order.v1.avsc: \
             unknown Avro type shop.common.Address: no .avsc file under contracts/consumers/billing defines it"
        ),
        "{stderr}"
    );

    // A JSON Schema $ref to a file that is not there.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "schemas/payment.json", r#"{"properties": {"amount": {"$ref": "./money.json#/$defs/x"}}}"#);
    write(
        dir.path(),
        "contracts/payments.yaml",
        "topic: shop.payments.v1\nvalue: {type: JSON, file: schemas/payment.json}\nproducer: payments\n\
         consumers: [{name: ledger}]\nexamples: [{name: one, value: {amount: 1}}]\n",
    );
    let (code, _, stderr) = test_embedded(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("contracts/payments.yaml:2:27: schemas/payment.json: $ref ./money.json:"), "{stderr}");
    assert!(stderr.contains("schemas/money.json"), "{stderr}");
    assert!(!stderr.contains("mock cluster"), "Kafka must not start: {stderr}");

    // A $ref into a referenced document that holds nothing there.
    write(dir.path(), "schemas/money.json", r#"{"$defs": {"y": {"type": "integer"}}}"#);
    let (code, _, stderr) = test_embedded(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("contracts/payments.yaml:2:27: schemas/payment.json:"), "{stderr}");
    assert!(stderr.contains("./money.json#/$defs/x"), "{stderr}");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn at_a_git_revision_the_referenced_files_are_read_at_that_revision_too() {
    let dir = shop_with_files(
        "  - name: billing
    schema: {revision: HEAD}
    fields: [{path: ship_to.zip, type: string}]
",
    );
    // HEAD has the first address; the work tree adds `zip`.
    write(dir.path(), "schemas/shop/common/address.avsc", ADDRESS_V1);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "first"]);
    write(dir.path(), "schemas/shop/common/address.avsc", ADDRESS_V2);
    let (code, stdout, stderr) = test_embedded(dir.path());
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert_reports(
        &stdout,
        &[
            "consumer billing example parcel: field ship_to.zip: shop.common.Address has no field zip in the consumer's schema",
        ],
    );
}

#[test]
fn confluent_kafkas_avro_deserializer_reads_a_value_whose_schema_has_references() {
    // schemagate registers the order and, first, the address it references; confluent-kafka's
    // deserializer fetches the writer schema by id with its references and decodes the bytes
    // schemagate's encoder writes. No broker: the bytes go to Python directly.
    let (server, _db) = registry_server();
    let url = server.url();
    let dir = shop_with_files(BILLING_ON_ITS_OWN_COPY);
    let (code, stdout, stderr) =
        schemagate(dir.path(), &["contract", "test", "--kafka", "embedded", "--registry", &url]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let id = client(&url).version("shop.orders.v1-value", Version::Latest).unwrap().id;
    let source = schemagate_contract::schema::Source {
        schema_type: schemagate_contract::model::SchemaType::Avro,
        file: "schemas/shop/order.avsc",
        message: None,
        root: None,
        revision: None,
    };
    let order = schemagate_contract::schema::load(dir.path(), &source).unwrap();
    let value = serde_json::json!({
        "order_id": "o-7", "ship_to": {"street": "2 Quai", "city": "Nantes", "zip": "44000"},
        "bill_to": {"street": "3 Rue", "city": "Paris", "zip": ""}, "amount_cents": 990
    });
    let bytes = schemagate_contract::wire::encode(&order, id, &value).unwrap();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let script = format!("{}/../crates/contract/tests/python/decode.py", env!("CARGO_MANIFEST_DIR"));
    let install = "python3 -m pip install \"confluent-kafka[schemaregistry,avro]\"";
    let out = Command::new("python3")
        .args([script.as_str(), "--registry", &url, "--topic", "shop.orders.v1", "--hex", &hex])
        .output()
        .unwrap_or_else(|e| panic!("python3: {e}; then {install}"));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{printed}\n{}\n(is confluent-kafka installed? {install})",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(read, value, "AvroDeserializer read back something else");
}
