//! End-to-end tests of `schemagate contract test|verify` with the real binary.
//!
//! Kafka: the Testcontainers path runs a real broker image (CI builds a local tansu image and
//! names it in `SCHEMAGATE_KAFKA_IMAGE`; `scripts/test.sh` sets `SCHEMAGATE_REQUIRE_DOCKER=1`, so
//! these tests fail, never skip, when Docker is missing there). The failure-message tests use
//! librdkafka's mock cluster (`--kafka embedded`), which needs no Docker. Interop runs PyPI's
//! confluent-kafka serializers and deserializers against messages of ours and the reverse.

mod common;

use std::process::Command;

use common::{
    assert_reports, docker_kafka, docker_lock, json, lines, python, python_script, registry as registry_server,
    repo_root, rfc3339, schemagate, test_embedded, write,
};
use schemagate_contract::{KafkaSettings, Mode};

fn labelled_containers() -> Vec<String> {
    let out = Command::new("docker")
        .args(["ps", "-aq", "--no-trunc", "--filter", "label=dev.schemagate.contract=true"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

fn container_exists(id_prefix: &str) -> bool {
    let out = Command::new("docker").args(["ps", "-aq", "--no-trunc"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().any(|l| l.starts_with(id_prefix))
}

#[test]
fn example_contracts_pass_through_testcontainers() {
    if !docker_kafka() {
        return;
    }
    let _serial = docker_lock();
    let root = repo_root();
    let (code, stdout, stderr) =
        schemagate(&root, &["contract", "test", "--kafka", "testcontainers", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let report = json(&stdout);
    let s = &report["summary"];
    assert!(s["contracts"].as_u64().unwrap() >= 6, "{s}");
    assert_eq!(s["contracts_failed"], 0);
    assert_eq!(s["consumers_failed"], 0);
    assert!(s["messages_verified"].as_u64().unwrap() >= s["messages_produced"].as_u64().unwrap());
    let kafka = report["kafka"].as_str().unwrap();
    assert!(kafka.starts_with("testcontainers: "), "{kafka}");
    assert_eq!(report["embedded_kafka"], false);
    // Both schema formats ran, and several services consumed.
    let files: Vec<&str> =
        report["contracts"].as_array().unwrap().iter().map(|c| c["file"].as_str().unwrap()).collect();
    assert!(
        files.iter().any(|f| f.contains("shipment-dispatched")) && files.iter().any(|f| f.contains("order-placed"))
    );
    let consumers: std::collections::BTreeSet<&str> = report["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["consumers"].as_array().unwrap())
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(consumers.len() >= 3, "{consumers:?}");
    // The container is gone once the run is over.
    let id = kafka.rsplit("(container ").next().unwrap().trim_end_matches(')');
    assert!(!container_exists(id), "container {id} was left behind");
    eprintln!(
        "example suite: {} contracts, {} messages verified, Kafka start {} ms, total {} ms",
        s["contracts"], s["messages_verified"], s["kafka_startup_ms"], s["total_ms"]
    );
}

#[test]
fn junit_output_has_a_case_per_producer_and_consumer() {
    let root = repo_root();
    let (code, stdout, stderr) = schemagate(&root, &["contract", "test", "--kafka", "embedded", "--format", "junit"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stderr.contains("mock cluster"), "the embedded mode must announce itself: {stderr}");
    assert!(stdout.starts_with("<?xml"), "{stdout}");
    let cases = stdout.matches("<testcase ").count();
    let suites = stdout.matches("<testsuite ").count();
    let consumers = stdout.matches("name=\"consumer ").count();
    assert_eq!(cases, suites + consumers, "{stdout}");
    assert!(stdout.contains(r#"failures="0""#) && !stdout.contains("<failure"), "{stdout}");
}

const ORDER_PROTO: &str = "syntax = \"proto3\";\npackage shop.v1;\n\n\
message OrderPlaced {\n  string order_id = 1;\n  int64 amount_cents = 2;\n  string note = 3;\n  repeated Line lines = 4;\n}\n\n\
message Line {\n  string sku = 1;\n  int32 quantity = 2;\n}\n";

fn order_contract(consumer_schema: &str, amount_type: &str) -> String {
    format!(
        "topic: shop.order-placed.v1
value:
  type: PROTOBUF
  file: schemas/shop/v1/order.proto
  message: shop.v1.OrderPlaced
producer: checkout
consumers:
  - name: billing
{consumer_schema}    fields:
      - {{path: order_id, type: string, required: true}}
      - {{path: amount_cents, type: {amount_type}, required: true}}
      - {{path: \"lines[].sku\", type: string, required: true}}
    headers: [correlation-id]
  - name: audit
    fields:
      - {{path: order_id, type: string}}
examples:
  - name: paid-order
    key: o-1
    value: {{order_id: o-1, amount_cents: \"1250\", lines: [{{sku: A-1, quantity: 2}}]}}
    headers: {{correlation-id: c-1}}
  - name: free-sample
    key: o-2
    value: {{order_id: o-2, note: free, lines: [{{sku: S-9, quantity: 1}}, {{quantity: 1}}]}}
"
    )
}

fn shop(contract: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "schemas/shop/v1/order.proto", ORDER_PROTO);
    write(dir.path(), "contracts/orders.yaml", contract);
    dir
}

#[test]
fn an_example_that_breaks_a_consumer_expectation_fails_naming_contract_consumer_example_and_field() {
    let dir = shop(&order_contract("", "long"));
    let (code, stdout, stderr) = test_embedded(dir.path());
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert_reports(
        &stdout,
        &[
            "FAIL shop.order-placed.v1",
            "contract contracts/orders.yaml consumer billing example free-sample: field amount_cents: required but the message carries no value",
            "contract contracts/orders.yaml consumer billing example free-sample: field lines[1].sku: required but the message carries no value",
            "contract contracts/orders.yaml consumer billing example free-sample: header correlation-id did not arrive",
            "  pass audit",
        ],
    );
    // The example that satisfies every expectation is not reported.
    assert!(!stdout.contains("example paid-order"), "{stdout}");
}

#[test]
fn a_type_the_consumer_does_not_have_is_reported_with_both_types() {
    let dir = shop(&order_contract("", "string"));
    let (code, stdout, _) = test_embedded(dir.path());
    assert_eq!(code, 1, "{stdout}");
    assert_reports(
        &stdout,
        &["consumer billing example paid-order: field amount_cents: expected string, the consumer's schema has long"],
    );
}

#[test]
fn a_consumer_schema_incompatible_with_the_producer_fails_with_the_registry_rule_and_the_decode_error() {
    // billing still reads amount_cents as a string: field 2 changed kind (int64 -> string).
    let old = ORDER_PROTO.replace("int64 amount_cents = 2;", "string amount_cents = 2;");
    let dir = shop(&order_contract(
        "    schema: {file: contracts/consumers/billing/order.proto, root: contracts/consumers/billing}\n",
        "string",
    ));
    write(dir.path(), "contracts/consumers/billing/shop/v1/order.proto", &old);
    let contract = std::fs::read_to_string(dir.path().join("contracts/orders.yaml"))
        .unwrap()
        .replace("contracts/consumers/billing/order.proto", "contracts/consumers/billing/shop/v1/order.proto");
    write(dir.path(), "contracts/orders.yaml", &contract);
    let (code, stdout, stderr) = test_embedded(dir.path());
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert_reports(
        &stdout,
        &[
            "contract contracts/orders.yaml consumer billing: its schema (contracts/consumers/billing/shop/v1/order.proto) \
             and the producer's (schemas/shop/v1/order.proto) are not BACKWARD compatible: FIELD_SCALAR_KIND_CHANGED",
        ],
    );
    // The bytes really do not read as the consumer's type: int64 is a varint, string is length-delimited.
    assert_reports(
        &stdout,
        &[
            "consumer billing example paid-order: does not decode as shop.v1.OrderPlaced (contracts/consumers/billing/shop/v1/order.proto)",
            "  pass audit",
        ],
    );
}

const SHIPMENT_V2: &str = r#"{"type": "record", "name": "Shipment", "namespace": "shop.v1", "fields": [
  {"name": "shipment_id", "type": "string"},
  {"name": "weight_grams", "type": "long"}
]}"#;
const SHIPMENT_V1: &str = r#"{"type": "record", "name": "Shipment", "namespace": "shop.v1", "fields": [
  {"name": "shipment_id", "type": "string"},
  {"name": "weight_grams", "type": "long"},
  {"name": "carrier", "type": "string"}
]}"#;

#[test]
fn an_avro_consumer_needing_a_removed_field_fails_to_decode_and_forward_compatibility_says_why() {
    // The producer dropped `carrier`, which the consumer's version needs without a default:
    // BACKWARD allows that, FORWARD (consumers keep reading) does not.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "schemas/shipment.avsc", SHIPMENT_V2);
    write(dir.path(), "contracts/consumers/tracking/shipment.v1.avsc", SHIPMENT_V1);
    write(
        dir.path(),
        "contracts/shipments.yaml",
        "topic: shop.shipments.v1
value: {type: AVRO, file: schemas/shipment.avsc, compatibility: FORWARD}
producer: warehouse
consumers:
  - name: tracking
    schema: {file: contracts/consumers/tracking/shipment.v1.avsc}
    fields: [{path: carrier, type: string, required: true}]
examples:
  - name: parcel
    value: {shipment_id: s-1, weight_grams: 900}
",
    );
    let (code, stdout, stderr) = test_embedded(dir.path());
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert_reports(
        &stdout,
        &[
            "contract contracts/shipments.yaml consumer tracking: its schema (contracts/consumers/tracking/shipment.v1.avsc) \
             and the producer's (schemas/shipment.avsc) are not FORWARD compatible: READER_FIELD_MISSING_DEFAULT_VALUE",
            "contract contracts/shipments.yaml consumer tracking example parcel: does not decode with contracts/consumers/tracking/shipment.v1.avsc",
        ],
    );
}

#[test]
fn an_example_that_does_not_fit_the_producer_schema_fails_the_producer() {
    let contract = order_contract("", "long").replace("note: free", "nte: free");
    let dir = shop(&contract);
    let (code, stdout, _) = test_embedded(dir.path());
    assert_eq!(code, 1, "{stdout}");
    assert_reports(
        &stdout,
        &["contract contracts/orders.yaml example free-sample: field value: not a valid shop.v1.OrderPlaced", "nte"],
    );
}

#[test]
fn malformed_contracts_exit_2_with_file_line_and_column() {
    let dir = shop(&order_contract("", "long").replace("producer: checkout", "producer: checkout\nretries: 3"));
    let (code, _, stderr) = test_embedded(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("contracts/orders.yaml:7:1: unknown field `retries`"), "{stderr}");

    let dir = shop(&order_contract("", "uuid"));
    let (code, _, stderr) = test_embedded(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("contracts/orders.yaml:11:30: unknown field type uuid"), "{stderr}");

    let dir = shop(&order_contract("", "long").replace("shop.v1.OrderPlaced", "shop.v1.OrderPlacd"));
    let (code, _, stderr) = test_embedded(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "contracts/orders.yaml:5:12: schemas/shop/v1/order.proto: no message shop.v1.OrderPlacd in order.proto"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("mock cluster"), "Kafka must not start for a wrong contract: {stderr}");

    let dir = shop(&order_contract("    schema: {file: contracts/consumers/billing/missing.proto}\n", "long"));
    let (code, _, stderr) = test_embedded(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("contracts/orders.yaml:9:20: consumer billing:") && stderr.contains("missing.proto"),
        "{stderr}"
    );

    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(empty.path().join("contracts")).unwrap();
    let (code, _, stderr) = test_embedded(empty.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no contract files"), "{stderr}");
}

#[test]
fn unreachable_kafka_and_registry_exit_2_naming_them() {
    let dir = shop(&order_contract("", "long"));
    let (code, _, stderr) =
        schemagate(dir.path(), &["contract", "test", "--kafka", "embedded", "--registry", "http://127.0.0.1:9"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("127.0.0.1:9"), "{stderr}");
    let (code, _, stderr) = schemagate(dir.path(), &["contract", "test", "--kafka", "external"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--bootstrap-servers"), "{stderr}");
}

// ---- Against a broker that outlives one command: verify, and interop with confluent-kafka ----

#[test]
fn interop_with_confluent_kafka_serializers_both_ways() {
    if !docker_kafka() {
        return;
    }
    let _serial = docker_lock();
    let cluster = schemagate_contract::kafka::start(Mode::Testcontainers, &KafkaSettings::default(), "interop-test")
        .expect("a broker starts");
    let (registry, _db) = registry_server();
    let url = registry.url();
    let root = repo_root();
    let external = ["--kafka", "external", "--bootstrap-servers", &cluster.bootstrap, "--registry", &url];

    // 1. schemagate produces the example contracts; Confluent's deserializers read them.
    let mut args = vec!["contract", "test", "--format", "json"];
    args.extend(external);
    let (code, stdout, stderr) = schemagate(&root, &args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let examples = |file: &str| -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(root.join("contracts").join(file)).unwrap();
        let doc: serde_json::Value = yaml_serde::from_str(&text).unwrap();
        doc["examples"].as_array().unwrap().clone()
    };
    let avro_examples = examples("shipping.shipment-dispatched.yaml");
    let read = python(&[
        &python_script("consume.py"),
        "--bootstrap",
        &cluster.bootstrap,
        "--registry",
        &url,
        "--topic",
        "shipping.shipment-dispatched.v1",
        "--format",
        "avro",
        "--count",
        &avro_examples.len().to_string(),
    ]);
    let got = lines(&read);
    assert_eq!(got.len(), avro_examples.len());
    for (message, example) in got.iter().zip(&avro_examples) {
        // fastavro hands timestamp-millis back as a datetime, printed in RFC 3339.
        let mut expected = example["value"].clone();
        let millis = expected["dispatched_at"].as_i64().unwrap();
        expected["dispatched_at"] = rfc3339(millis).into();
        assert_eq!(message["value"], expected, "AvroDeserializer read back something else");
        assert_eq!(message["key"], example["key"]);
        assert_eq!(message["headers"]["correlation-id"], example["headers"]["correlation-id"]);
    }
    let proto_examples = examples("orders.order-placed.yaml");
    let read = python(&[
        &python_script("consume.py"),
        "--bootstrap",
        &cluster.bootstrap,
        "--registry",
        &url,
        "--topic",
        "orders.order-placed.v1",
        "--format",
        "protobuf",
        "--message",
        "acme.orders.v1.OrderPlaced",
        "--subject",
        "orders.order-placed-value",
        "--count",
        &proto_examples.len().to_string(),
    ]);
    let got = lines(&read);
    assert_eq!(got.len(), proto_examples.len());
    // Three partitions: match messages to examples by event id.
    for example in &proto_examples {
        let message = got
            .iter()
            .find(|m| m["value"]["event_id"] == example["value"]["event_id"])
            .unwrap_or_else(|| panic!("ProtobufDeserializer did not read {}", example["value"]["event_id"]));
        assert_eq!(message["value"]["order"]["order_id"], example["value"]["order"]["order_id"]);
        assert_eq!(message["key"], example["key"]);
        assert_eq!(message["headers"]["correlation-id"], example["headers"]["correlation-id"]);
    }

    // 2. Confluent's serializers produce; `schemagate contract verify` reads as every consumer.
    let scratch = tempfile::tempdir().unwrap();
    let values = scratch.path().join("shipments.json");
    let py_records: Vec<serde_json::Value> = avro_examples
        .iter()
        .map(|e| serde_json::json!({"key": e["key"], "value": e["value"], "headers": e["headers"]}))
        .collect();
    std::fs::write(&values, serde_json::to_string(&py_records).unwrap()).unwrap();
    python(&[
        &python_script("produce.py"),
        "--bootstrap",
        &cluster.bootstrap,
        "--registry",
        &url,
        "--topic",
        "shipping.shipment-dispatched.v1",
        "--format",
        "avro",
        "--schema-file",
        root.join("schemas/avro/shipping/shipment_dispatched.avsc").to_str().unwrap(),
        "--values",
        values.to_str().unwrap(),
    ]);
    // A Protobuf message from confluent-kafka missing what consumers require.
    let Ok(schemagate_contract::schema::Loaded::Protobuf(order)) = schemagate_contract::schema::load(
        &root,
        &schemagate_contract::schema::Source {
            schema_type: schemagate_contract::model::SchemaType::Protobuf,
            file: "schemas/proto/acme/orders/v1/order_events.proto",
            message: Some("acme.orders.v1.OrderPlaced"),
            root: None,
            revision: None,
        },
    ) else {
        panic!("order_events.proto loads");
    };
    let set = scratch.path().join("orders.pb");
    std::fs::write(&set, order.descriptor_set()).unwrap();
    let mut proto_records: Vec<serde_json::Value> = proto_examples
        .iter()
        .map(|e| serde_json::json!({"key": e["key"], "value": e["value"], "headers": e["headers"]}))
        .collect();
    proto_records.push(
        serde_json::json!({"key": "py-bad", "value": {"event_id": "from-python"}, "headers": {"correlation-id": "py"}}),
    );
    let values = scratch.path().join("orders.json");
    std::fs::write(&values, serde_json::to_string(&proto_records).unwrap()).unwrap();
    let produced = lines(&python(&[
        &python_script("produce.py"),
        "--bootstrap",
        &cluster.bootstrap,
        "--registry",
        &url,
        "--topic",
        "orders.order-placed.v1",
        "--format",
        "protobuf",
        "--descriptor-set",
        set.to_str().unwrap(),
        "--message",
        "acme.orders.v1.OrderPlaced",
        "--values",
        values.to_str().unwrap(),
    ]));
    let bad =
        format!("partition {} offset {}", produced.last().unwrap()["partition"], produced.last().unwrap()["offset"]);

    let mut args = vec!["contract", "verify", "--format", "json"];
    args.extend(external);
    let (code, stdout, stderr) = schemagate(&root, &args);
    assert_eq!(code, 1, "the incomplete message must fail:\n{stdout}\n{stderr}");
    let report = json(&stdout);
    for c in report["contracts"].as_array().unwrap() {
        let topic = c["topic"].as_str().unwrap();
        for consumer in c["consumers"].as_array().unwrap() {
            let failures = consumer["failures"].as_array().unwrap();
            if topic == "orders.order-placed.v1" {
                // Every failure is about the one incomplete message, none about the good ones.
                assert!(!failures.is_empty(), "{consumer}");
                for f in failures {
                    assert_eq!(f["example"], bad, "{f}");
                }
            } else {
                assert!(failures.is_empty(), "{topic}: {consumer}");
            }
        }
        if topic == "shipping.shipment-dispatched.v1" {
            // Ours and confluent-kafka's messages, read by each consumer.
            for consumer in c["consumers"].as_array().unwrap() {
                assert_eq!(consumer["messages"].as_u64().unwrap() as usize, 2 * avro_examples.len(), "{consumer}");
            }
        }
    }
    let text = stdout;
    assert!(text.contains("required but the message carries no value"), "{text}");
    cluster.stop().unwrap();
}

#[test]
fn ctrl_c_removes_the_run_container_and_cleanup_removes_leftovers() {
    if !docker_kafka() {
        return;
    }
    let _serial = docker_lock();
    let before = labelled_containers();
    // A long run: many copies of each example keep the producer busy for a while.
    let mut child = Command::new(env!("CARGO_BIN_EXE_schemagate"))
        .args(["contract", "test", "--kafka", "testcontainers", "--repeat", "300000"])
        .current_dir(repo_root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let started = loop {
        let now: Vec<String> = labelled_containers().into_iter().filter(|c| !before.contains(c)).collect();
        if !now.is_empty() {
            break now;
        }
        assert!(std::time::Instant::now() < deadline, "no container appeared");
        assert!(child.try_wait().unwrap().is_none(), "the run ended before it could be interrupted");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    // `cleanup` leaves a run that is still going alone.
    let (code, stdout, stderr) = schemagate(&repo_root(), &["contract", "cleanup"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(&format!("kept {}", &started[0][..12])), "{stdout}");
    assert!(container_exists(&started[0]));
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert!(child.try_wait().unwrap().is_none(), "the run ended before it could be interrupted");
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted, removing this run's containers"), "{stderr}");
    for id in &started {
        assert!(!container_exists(id), "container {id} survived Ctrl-C");
    }

    // A leftover (as after kill -9) is removed by `contract cleanup`.
    let image = std::env::var("SCHEMAGATE_KAFKA_IMAGE").unwrap();
    let created =
        Command::new("docker").args(["create", "--label", "dev.schemagate.contract=true", &image]).output().unwrap();
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let id = String::from_utf8_lossy(&created.stdout).trim().to_string();
    let (code, stdout, stderr) = schemagate(&repo_root(), &["contract", "cleanup"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(&format!("removed {}", &id[..12])), "{stdout}");
    assert!(!container_exists(&id));
}

#[test]
fn a_consumer_can_read_with_a_version_the_registry_holds() {
    // The registry already holds version 1 (with `carrier`); the producer now writes version 2
    // without it. A consumer pinned to registry version 1 needs `carrier` without a default.
    let (server, _db) = registry_server();
    let client =
        schemagate_registry::client::Client::new(&schemagate_registry::client::ClientConfig::new(server.url()))
            .unwrap();
    client.set_config(Some("shop.shipments.v1-value"), "NONE").unwrap();
    client.register("shop.shipments.v1-value", &schemagate_registry::client::Schema::avro(SHIPMENT_V1)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "schemas/shipment.avsc", SHIPMENT_V2);
    let contract = |version: &str| {
        format!(
            "topic: shop.shipments.v1
value: {{type: AVRO, file: schemas/shipment.avsc}}
producer: warehouse
consumers:
  - name: tracking
    schema: {{registry_version: {version}}}
    fields: [{{path: weight_grams, type: long, required: true}}]
examples:
  - name: parcel
    value: {{shipment_id: s-1, weight_grams: 900}}
"
        )
    };
    write(dir.path(), "contracts/shipments.yaml", &contract("1"));
    let url = server.url();
    let args = ["contract", "test", "--kafka", "embedded", "--registry", url.as_str()];
    let (code, stdout, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert_reports(
        &stdout,
        &[
            "1 message(s) verified with registry subject shop.shipments.v1-value version 1",
            "consumer tracking example parcel: does not decode with registry subject shop.shipments.v1-value version 1",
        ],
    );
    // `latest` is the producer's own version 2 now: it reads.
    write(dir.path(), "contracts/shipments.yaml", &contract("latest"));
    let (code, stdout, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_reports(&stdout, &["verified with registry subject shop.shipments.v1-value version 2"]);
    // A version the subject does not have fails the consumer, naming it.
    write(dir.path(), "contracts/shipments.yaml", &contract("7"));
    let (code, stdout, _) = schemagate(dir.path(), &args);
    assert_eq!(code, 1, "{stdout}");
    assert_reports(
        &stdout,
        &["consumer tracking: its schema, version 7 of subject shop.shipments.v1-value in the registry"],
    );
}

const PAYMENT_JSON_V2: &str = r#"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "payment_id": {"type": "string"},
    "amount": {"type": "integer", "minimum": 0},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}
  },
  "required": ["payment_id", "amount"]
}"#;

#[test]
fn json_schema_values_are_validated_as_producer_and_as_each_consumer() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "schemas/payment.json", PAYMENT_JSON_V2);
    // The ledger still reads with a version that requires `currency`.
    let v1 = PAYMENT_JSON_V2
        .replace(r#""required": ["payment_id", "amount"]"#, r#""required": ["payment_id", "amount", "currency"]"#);
    write(dir.path(), "contracts/consumers/ledger/payment.json", &v1);
    let contract = "topic: shop.payments.v1
value: {type: JSON, file: schemas/payment.json, compatibility: NONE}
producer: payments
consumers:
  - name: ledger
    schema: {file: contracts/consumers/ledger/payment.json}
    fields:
      - {path: amount, type: long, required: true}
      - {path: currency, type: string, required: true}
  - name: fraud
    fields:
      - {path: amount, type: double}
examples:
  - name: euro
    value: {payment_id: p-1, amount: 1250, currency: EUR}
  - name: no-currency
    value: {payment_id: p-2, amount: 99}
";
    write(dir.path(), "contracts/payments.yaml", contract);
    let (code, stdout, stderr) = test_embedded(dir.path());
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert_reports(
        &stdout,
        &[
            "contract contracts/payments.yaml consumer ledger example no-currency: does not validate against \
             contracts/consumers/ledger/payment.json (written with schema id 1): \"currency\" is a required property at /",
            "contract contracts/payments.yaml consumer fraud example euro: field amount: expected double, the consumer's schema has integer",
        ],
    );
    assert!(!stdout.contains("consumer ledger example euro"), "{stdout}");

    // An example the producer's own schema refuses is the producer's failure.
    write(dir.path(), "contracts/payments.yaml", &contract.replace("currency: EUR", "currency: euro"));
    let (code, stdout, _) = test_embedded(dir.path());
    assert_eq!(code, 1, "{stdout}");
    assert_reports(
        &stdout,
        &[
            "contract contracts/payments.yaml example euro: field value: does not validate against schemas/payment.json",
            "at /currency",
        ],
    );
}

#[test]
fn the_broker_image_can_be_described_in_schemagate_yaml() {
    if !docker_kafka() {
        return;
    }
    let _serial = docker_lock();
    let image = std::env::var("SCHEMAGATE_KAFKA_IMAGE").unwrap();
    let (name, tag) = image.rsplit_once(':').unwrap();
    let command: Vec<String> =
        std::env::var("SCHEMAGATE_KAFKA_COMMAND").unwrap().split_whitespace().map(|a| format!("{a:?}")).collect();
    let dir = shop(&order_contract("", "long"));
    write(
        dir.path(),
        "schemagate.yaml",
        &format!(
            "contract:\n  kafka:\n    image:\n      name: {name}\n      tag: \"{tag}\"\n      port: 9092\n      \
             command: [{}]\n      startup_timeout_secs: 60\n",
            command.join(", ")
        ),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_schemagate"))
        .args(["contract", "test", "--kafka", "testcontainers"])
        .current_dir(dir.path())
        .env_remove("SCHEMAGATE_KAFKA_IMAGE")
        .env_remove("SCHEMAGATE_KAFKA_COMMAND")
        .env_remove("SCHEMAGATE_KAFKA_PORT")
        .env_remove("SCHEMAGATE_KAFKA_WAIT_LOG")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains(&format!("Kafka: testcontainers: {name}:{tag} (container ")), "{stdout}\n{stderr}");
    // The contract ran on that broker: its known-bad example fails as it does elsewhere.
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_reports(
        &stdout,
        &["consumer billing example free-sample: header correlation-id did not arrive", "  pass audit"],
    );
}

#[test]
fn schema_keys_are_registered_under_the_key_subject_and_decoded_by_consumers() {
    let (server, _db) = registry_server();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "schemas/shipment.avsc", SHIPMENT_V2);
    write(
        dir.path(),
        "schemas/shipment_key.avsc",
        r#"{"type": "record", "name": "ShipmentKey", "namespace": "shop.v1", "fields": [{"name": "shipment_id", "type": "string"}]}"#,
    );
    let contract = |key: &str| {
        format!(
            "topic: shop.shipments.v1
key: {{type: AVRO, file: schemas/shipment_key.avsc}}
value: {{type: AVRO, file: schemas/shipment.avsc}}
producer: warehouse
consumers:
  - name: tracking
    fields: [{{path: weight_grams, type: long, required: true}}]
examples:
  - name: parcel
    key: {key}
    value: {{shipment_id: s-1, weight_grams: 900}}
"
        )
    };
    write(dir.path(), "contracts/shipments.yaml", &contract("{shipment_id: s-1}"));
    let url = server.url();
    let args = ["contract", "test", "--kafka", "embedded", "--registry", url.as_str()];
    let (code, stdout, stderr) = schemagate(dir.path(), &args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let client =
        schemagate_registry::client::Client::new(&schemagate_registry::client::ClientConfig::new(server.url()))
            .unwrap();
    let key = client.version("shop.shipments.v1-key", schemagate_registry::client::Version::Latest).unwrap();
    assert!(key.schema.contains("ShipmentKey"), "{}", key.schema);
    // A key that does not fit the key schema fails the producer side, naming the key.
    write(dir.path(), "contracts/shipments.yaml", &contract("{id: s-1}"));
    let (code, stdout, _) = schemagate(dir.path(), &args);
    assert_eq!(code, 1, "{stdout}");
    assert_reports(
        &stdout,
        &["contract contracts/shipments.yaml example parcel: field key: does not match the Avro schema"],
    );
}
