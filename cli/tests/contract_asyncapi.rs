//! End-to-end tests of `schemagate contract import-asyncapi` with the real binary: imported
//! contracts are run with `schemagate contract test --kafka embedded` (librdkafka's mock
//! cluster, no Docker).

mod common;

use std::path::Path;

use common::{assert_reports, schemagate, test_embedded, write};

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn contract_test(root: &Path) {
    let (code, stdout, stderr) = test_embedded(root);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_reports(&stdout, &["PASS "]);
}

const SHIPMENT_AVSC: &str = r#"{
  "type": "record", "name": "ShipmentDispatched", "namespace": "acme.shipping.v1",
  "fields": [
    {"name": "shipment_id", "type": "string"},
    {"name": "order_id", "type": "string"},
    {"name": "carrier", "type": {"type": "enum", "name": "Carrier", "symbols": ["DHL", "DPD", "OTHER"]}},
    {"name": "tracking_number", "type": ["null", "string"], "default": null},
    {"name": "dispatched_at", "type": {"type": "long", "logicalType": "timestamp-millis"}}
  ]
}"#;

/// The producer's document: an Avro payload in a file next to it, two examples with headers,
/// and a channel on an MQTT server that is not imported.
const SHIPPING_DOC: &str = "asyncapi: 3.0.0
info:
  title: shipping-service
  version: 1.0.0
servers:
  kafka:
    host: kafka.example.com:9092
    protocol: kafka
  mqtt:
    host: mqtt.example.com
    protocol: mqtt
channels:
  shipmentDispatched:
    address: shipping.shipment-dispatched.v1
    servers: [{$ref: '#/servers/kafka'}]
    messages:
      ShipmentDispatched:
        $ref: '#/components/messages/ShipmentDispatched'
  truckPosition:
    address: trucks/position
    servers: [{$ref: '#/servers/mqtt'}]
    messages:
      Position: {payload: {type: object}}
operations:
  publishShipmentDispatched:
    action: send
    channel: {$ref: '#/channels/shipmentDispatched'}
  publishPosition:
    action: send
    channel: {$ref: '#/channels/truckPosition'}
components:
  messages:
    ShipmentDispatched:
      name: ShipmentDispatched
      payload:
        schemaFormat: application/vnd.apache.avro+json;version=1.9.0
        schema: {$ref: './schemas/shipment_dispatched.avsc'}
      bindings:
        kafka:
          key: {type: string}
          schemaIdLocation: header
      examples:
        - name: with-tracking
          summary: A parcel handed to DHL
          headers: {correlation-id: 416fabab-d354-43ac-8f05-07f7e43524dd, attempt: 1}
          x-key: ord-1001
          payload:
            shipment_id: shp-1
            order_id: ord-1001
            carrier: DHL
            tracking_number: JJD000390007612345678
            dispatched_at: 1793695212000
        - headers: {correlation-id: 90931080-6152-442c-a41f-0a968dd36427}
          payload: {shipment_id: shp-2, order_id: ord-1003, carrier: DPD, tracking_number: null, dispatched_at: 1793809351000}
";

const NOTIFICATION_DOC: &str = "asyncapi: 3.0.1
info:
  title: notification-service
  version: 2.1.0
channels:
  dispatched:
    address: shipping.shipment-dispatched.v1
    messages:
      ShipmentDispatched:
        payload:
          schemaFormat: application/vnd.apache.avro;version=1.9.0
          schema: {$ref: './schemas/shipment_dispatched.avsc'}
operations:
  onShipmentDispatched:
    action: receive
    channel: {$ref: '#/channels/dispatched'}
";

fn shipping_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "asyncapi/schemas/shipment_dispatched.avsc", SHIPMENT_AVSC);
    write(dir.path(), "asyncapi/shipping.yaml", SHIPPING_DOC);
    write(dir.path(), "asyncapi/notification.yaml", NOTIFICATION_DOC);
    dir
}

#[test]
fn a_producer_and_a_consumer_document_make_a_contract_that_passes() {
    let dir = shipping_project();
    let root = dir.path();
    let (code, stdout, stderr) =
        schemagate(root, &["contract", "import-asyncapi", "asyncapi/shipping.yaml", "asyncapi/notification.yaml"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(
        stdout.trim(),
        "wrote contracts/shipping.shipment-dispatched.v1.yaml (producer shipping-service, consumer notification-service; 2 examples)"
    );
    assert!(stderr.contains("skipping channel truckPosition"), "{stderr}");
    let text = read(root, "contracts/shipping.shipment-dispatched.v1.yaml");
    assert!(
        text.starts_with(
            "# Imported from asyncapi/shipping.yaml, asyncapi/notification.yaml by schemagate contract \
             import-asyncapi; consumers' fields and headers are maintained here.\n"
        ),
        "{text}"
    );
    let c: serde_json::Value = yaml(&text);
    assert_eq!(c["topic"], "shipping.shipment-dispatched.v1");
    assert_eq!(c["producer"], "shipping-service");
    assert_eq!(
        c["value"],
        serde_json::json!({"type": "AVRO", "file": "asyncapi/schemas/shipment_dispatched.avsc",
                           "message": "acme.shipping.v1.ShipmentDispatched"})
    );
    assert_eq!(c["consumers"], serde_json::json!([{"name": "notification-service"}]));
    assert_eq!(c["examples"][0]["name"], "with-tracking");
    assert_eq!(c["examples"][0]["key"], "ord-1001");
    assert_eq!(c["examples"][0]["headers"]["attempt"], "1");
    assert_eq!(c["examples"][1]["name"], "example-2");
    assert!(c.get("key").is_none(), "a string key is the default: {text}");
    contract_test(root);

    // --dry-run prints the same contract and writes nothing.
    std::fs::remove_dir_all(root.join("contracts")).unwrap();
    let (code, stdout, stderr) = schemagate(
        root,
        &["contract", "import-asyncapi", "--dry-run", "asyncapi/shipping.yaml", "asyncapi/notification.yaml"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("--- # contracts/shipping.shipment-dispatched.v1.yaml\n# Imported from"), "{stdout}");
    assert!(stdout.ends_with(&text), "{stdout}");
    assert!(!root.join("contracts").exists());
}

fn yaml(text: &str) -> serde_json::Value {
    yaml_serde::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A JSON document with an inline JSON Schema payload that refers to a component schema.
const PAYMENTS_DOC: &str = r##"{
  "asyncapi": "3.0.0",
  "info": {"title": "Payments", "version": "1.0.0"},
  "x-service-name": "payment-service",
  "servers": {"prod": {"host": "broker:9093", "protocol": "kafka-secure"}},
  "channels": {
    "payments.payment-captured.v1": {
      "bindings": {"kafka": {"partitions": 3}},
      "messages": {"captured": {"$ref": "#/components/messages/PaymentCaptured"}}
    }
  },
  "operations": {
    "sendCaptured": {"action": "send", "channel": {"$ref": "#/channels/payments.payment-captured.v1"}}
  },
  "components": {
    "messages": {
      "PaymentCaptured": {
        "payload": {
          "type": "object",
          "properties": {"payment_id": {"type": "string"}, "amount": {"$ref": "#/components/schemas/Money"}},
          "required": ["payment_id", "amount"]
        },
        "examples": [{"name": "euro", "payload": {"payment_id": "p-1", "amount": {"minor": 1250, "currency": "EUR"}}}]
      }
    },
    "schemas": {
      "Money": {
        "type": "object",
        "properties": {"minor": {"type": "integer"}, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}},
        "required": ["minor", "currency"]
      }
    }
  }
}"##;

const LEDGER_DOC: &str = "asyncapi: 3.0.0
info: {title: ledger-service, version: 1.0.0}
channels:
  captured:
    address: payments.payment-captured.v1
    messages:
      PaymentCaptured: {payload: {type: object}}
operations:
  book:
    action: receive
    channel: {$ref: '#/channels/captured'}
";

#[test]
fn an_inline_json_schema_is_written_to_a_file_and_the_contract_passes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "payments.json", PAYMENTS_DOC);
    write(root, "ledger.yaml", LEDGER_DOC);
    let (code, stdout, stderr) = schemagate(root, &["contract", "import-asyncapi", "payments.json", "ledger.yaml"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(
        stdout,
        "wrote contracts/asyncapi-schemas/payments.payment-captured.v1.json (inline schema of topic payments.payment-captured.v1)\n\
         wrote contracts/payments.payment-captured.v1.yaml (producer payment-service, consumer ledger-service; 1 example)\n"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&read(root, "contracts/asyncapi-schemas/payments.payment-captured.v1.json")).unwrap();
    assert_eq!(schema["properties"]["amount"]["required"], serde_json::json!(["minor", "currency"]), "{schema}");
    let c = yaml(&read(root, "contracts/payments.payment-captured.v1.yaml"));
    assert_eq!(
        c["value"],
        serde_json::json!({"type": "JSON", "file": "contracts/asyncapi-schemas/payments.payment-captured.v1.json"})
    );
    assert_eq!(c["partitions"], 3);
    contract_test(root);

    // The schema is really checked: an example it refuses fails the producer.
    write(root, "payments.json", &PAYMENTS_DOC.replace(r#""currency": "EUR""#, r#""currency": "euro""#));
    let (code, ..) = schemagate(root, &["contract", "import-asyncapi", "payments.json", "ledger.yaml"]);
    assert_eq!(code, 0);
    let (code, stdout, _) = test_embedded(root);
    assert_eq!(code, 1, "{stdout}");
    assert_reports(&stdout, &["example euro: field value: does not validate against"]);
}

#[test]
fn a_reimport_keeps_what_consumers_declared_and_copies_schemas_from_outside_the_project() {
    let dir = shipping_project();
    let root = dir.path();
    // The contract as the team maintains it: fields and headers of the consumer, another consumer.
    write(
        root,
        "contracts/shipping.yaml",
        "# hand-written
topic: shipping.shipment-dispatched.v1
value: {type: AVRO, file: old.avsc}
producer: old-name
consumers:
  - name: notification-service
    fields:
      - {path: order_id, type: string, required: true}
      - {path: carrier, type: enum, required: true}
    headers: [correlation-id]
  - name: analytics-service
    fields:
      - {path: dispatched_at, type: timestamp, required: true}
examples:
  - {name: old, value: {}}
",
    );
    // The producer's document lives outside the project: its schema file is copied in.
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "schemas/shipment_dispatched.avsc", SHIPMENT_AVSC);
    write(outside.path(), "shipping.yaml", SHIPPING_DOC);
    let producer_doc = outside.path().join("shipping.yaml");
    let args = ["contract", "import-asyncapi", producer_doc.to_str().unwrap(), "asyncapi/notification.yaml"];
    let (code, stdout, stderr) = schemagate(root, &args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_reports(
        &stdout,
        &[
            "wrote contracts/shipping.yaml (producer shipping-service, consumers notification-service, analytics-service; 2 examples)",
            "wrote contracts/asyncapi-schemas/shipment_dispatched.avsc (copy of",
        ],
    );
    assert!(!root.join("contracts/shipping.shipment-dispatched.v1.yaml").exists(), "the topic's file is reused");
    let c = yaml(&read(root, "contracts/shipping.yaml"));
    assert_eq!(c["producer"], "shipping-service");
    assert_eq!(c["value"]["file"], "contracts/asyncapi-schemas/shipment_dispatched.avsc");
    assert_eq!(c["consumers"][0]["fields"][1]["path"], "carrier");
    assert_eq!(c["consumers"][0]["headers"], serde_json::json!(["correlation-id"]));
    assert_eq!(c["consumers"][1]["name"], "analytics-service");
    assert_eq!(c["examples"].as_array().unwrap().len(), 2);
    contract_test(root);

    // The consumers' declarations are checked: a field the producer does not send fails.
    let text = read(root, "contracts/shipping.yaml").replace("path: carrier", "path: carrier_code");
    write(root, "contracts/shipping.yaml", &text);
    let (code, stdout, _) = test_embedded(root);
    assert_eq!(code, 1, "{stdout}");
    assert_reports(&stdout, &["consumer notification-service example with-tracking: field carrier_code"]);
}

#[test]
fn bad_documents_exit_2_with_file_line_and_column_and_write_nothing() {
    let dir = shipping_project();
    let root = dir.path();
    let import = |docs: &[&str]| {
        let mut args = vec!["contract", "import-asyncapi"];
        args.extend_from_slice(docs);
        let (code, stdout, stderr) = schemagate(root, &args);
        assert_eq!(code, 2, "{stdout}\n{stderr}");
        assert!(!root.join("contracts").exists(), "nothing may be written: {stdout}");
        stderr
    };

    write(root, "v2.yaml", "# an old one\nasyncapi: '2.6.0'\ninfo: {title: x, version: 1.0.0}\nchannels: {}\n");
    let stderr = import(&["asyncapi/shipping.yaml", "v2.yaml"]);
    assert!(
        stderr.contains("v2.yaml:2:1: AsyncAPI 2.6.0 is not supported: import-asyncapi reads AsyncAPI 3.0 documents"),
        "{stderr}"
    );

    let remote = SHIPPING_DOC
        .replace("{$ref: './schemas/shipment_dispatched.avsc'}", "{$ref: 'https://schemas.example.com/s.avsc'}");
    write(root, "remote.yaml", &remote);
    let stderr = import(&["remote.yaml", "asyncapi/notification.yaml"]);
    assert!(
        stderr.contains("remote.yaml:37:9: remote $ref https://schemas.example.com/s.avsc is not supported"),
        "{stderr}"
    );

    // Only the consumer's document: nobody produces the topic.
    let stderr = import(&["asyncapi/notification.yaml"]);
    assert!(
        stderr.contains("notification.yaml:6:3: no producer for topic shipping.shipment-dispatched.v1"),
        "{stderr}"
    );

    // Only the producer's document, and no contract file with consumers yet.
    let stderr = import(&["asyncapi/shipping.yaml"]);
    assert!(
        stderr.contains("no consumer for topic shipping.shipment-dispatched.v1: add one in contracts/"),
        "{stderr}"
    );

    // A message without examples, and no contract file to keep them from.
    let bare = SHIPPING_DOC.split("      examples:\n").next().unwrap().to_string();
    write(root, "asyncapi/bare.yaml", &bare);
    let stderr = import(&["asyncapi/bare.yaml", "asyncapi/notification.yaml"]);
    assert!(stderr.contains("bare.yaml:13:3: channel shipmentDispatched (topic shipping.shipment-dispatched.v1): its message has no examples"), "{stderr}");

    // A YAML syntax error.
    write(root, "broken.yaml", "asyncapi: 3.0.0\ninfo: [unclosed\n");
    let stderr = import(&["broken.yaml"]);
    assert!(stderr.contains("broken.yaml:3:1: "), "{stderr}");
}
