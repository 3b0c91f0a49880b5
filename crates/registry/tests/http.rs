//! The REST API against a real server on 127.0.0.1: Confluent's paths, JSON shapes and error
//! codes.

mod common;

use common::{TestServer, V1_JSON, avro_record};
use serde_json::{Value, json};

fn avro(schema: &str) -> Value {
    json!({ "schema": schema })
}

fn error_code(answer: &Value) -> i64 {
    answer["error_code"].as_i64().unwrap_or_else(|| panic!("an error answer: {answer}"))
}

#[test]
fn register_then_read_back_every_way() {
    let t = TestServer::start();
    let api = t.client();
    let schema = avro_record("Order", &[("id", "string")]);
    let id = api.register("orders-value", &avro(&schema));
    assert_eq!(id, 1);

    assert_eq!(api.get("/subjects"), (200, json!(["orders-value"])));
    assert_eq!(api.get("/subjects/orders-value/versions"), (200, json!([1])));
    let expected = json!({"subject": "orders-value", "version": 1, "id": 1, "schema": schema});
    assert_eq!(api.get("/subjects/orders-value/versions/1"), (200, expected.clone()));
    assert_eq!(api.get("/subjects/orders-value/versions/latest"), (200, expected.clone()));
    assert_eq!(api.get("/subjects/orders-value/versions/-1"), (200, expected));
    let (status, raw) = api.get("/subjects/orders-value/versions/1/schema");
    assert_eq!(status, 200);
    assert_eq!(raw, serde_json::from_str::<Value>(&schema).unwrap(), "the raw schema, not a JSON string");

    assert_eq!(api.get("/schemas/ids/1"), (200, json!({"schema": schema})));
    assert_eq!(api.get("/schemas/ids/1/schema").1, serde_json::from_str::<Value>(&schema).unwrap());
    assert_eq!(api.get("/schemas/ids/1/versions"), (200, json!([{"subject": "orders-value", "version": 1}])));
    assert_eq!(api.get("/schemas/ids/1/subjects"), (200, json!(["orders-value"])));
    assert_eq!(api.get("/schemas/types"), (200, json!(["JSON", "PROTOBUF", "AVRO"])));
    assert_eq!(api.get("/").0, 200);

    // Lookup by content: key order and whitespace do not matter.
    let reordered = r#"{ "fields": [ {"type": "string", "name": "id"} ], "name": "Order", "type": "record" }"#;
    let (status, found) = api.post("/subjects/orders-value", &avro(reordered));
    assert_eq!(status, 200, "{found}");
    assert_eq!((found["id"].as_i64(), found["version"].as_i64()), (Some(1), Some(1)));
    assert_eq!(found["subject"], "orders-value");
}

#[test]
fn missing_things_have_confluent_error_codes() {
    let t = TestServer::start();
    let api = t.client();
    api.register("s", &avro(&avro_record("A", &[("a", "int")])));
    let cases = [
        ("/subjects/nope/versions", 404, 40401),
        ("/subjects/nope/versions/1", 404, 40401),
        ("/subjects/s/versions/7", 404, 40402),
        ("/subjects/s/versions/0", 422, 42202),
        ("/subjects/s/versions/abc", 422, 42202),
        ("/subjects/s/versions/2147483648", 422, 42202),
        ("/schemas/ids/99", 404, 40403),
        ("/schemas/ids/x", 404, 40403),
        ("/schemas/ids/99/versions", 404, 40403),
        ("/config/s", 404, 40408),
        ("/mode/s", 404, 40409),
        ("/no/such/route", 404, 404),
    ];
    for (path, status, code) in cases {
        let (got, answer) = api.get(path);
        assert_eq!((got, error_code(&answer)), (status, code), "{path}: {answer}");
        assert!(answer["message"].is_string(), "{path}: {answer}");
    }
    let (status, answer) = api.post("/subjects/s", &avro(&avro_record("B", &[("b", "int")])));
    assert_eq!((status, error_code(&answer)), (404, 40403));
    assert_eq!(answer["message"], "Schema not found");
    let (status, answer) = api.post("/subjects/nope", &avro(&avro_record("B", &[("b", "int")])));
    assert_eq!((status, error_code(&answer)), (404, 40401));
    let (status, answer) = api.put("/subjects/s/versions", &json!({}));
    assert_eq!((status, error_code(&answer)), (405, 405), "{answer}");
}

#[test]
fn the_same_schema_keeps_its_id_across_registrations_and_subjects() {
    let t = TestServer::start();
    let api = t.client();
    let v1 = avro_record("Order", &[("id", "string")]);
    let id = api.register("a", &avro(&v1));
    let pretty = serde_json::to_string_pretty(&serde_json::from_str::<Value>(&v1).unwrap()).unwrap();
    assert_eq!(api.register("a", &avro(&pretty)), id, "re-registration answers the existing id");
    assert_eq!(api.get("/subjects/a/versions").1, json!([1]), "no new version");
    assert_eq!(api.register("b", &avro(&v1)), id, "another subject reuses the global id");
    assert_eq!(api.get("/subjects/b/versions/1").1["id"], id);
    let v2 = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"n","type":"int","default":0}]}"#;
    let id2 = api.register("a", &avro(v2));
    assert!(id2 > id);
    assert_eq!(api.get("/subjects/a/versions").1, json!([1, 2]));
    assert_eq!(
        api.get("/schemas/ids/1/versions").1,
        json!([{"subject": "a", "version": 1}, {"subject": "b", "version": 1}])
    );
}

#[test]
fn an_incompatible_registration_is_refused_with_409() {
    let t = TestServer::start();
    let api = t.client();
    api.register("users", &avro(&avro_record("User", &[("name", "string")])));
    let breaking = avro_record("User", &[("name", "string"), ("age", "int")]);
    let (status, answer) = api.post("/subjects/users/versions", &avro(&breaking));
    assert_eq!((status, error_code(&answer)), (409, 409), "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(
        message.starts_with("Schema being registered is incompatible with an earlier schema for subject \"users\"")
    );
    assert!(message.contains("READER_FIELD_MISSING_DEFAULT_VALUE"), "{message}");
    assert!(message.contains("{oldSchemaVersion: 1}") && message.contains("compatibility: 'BACKWARD'"), "{message}");
    assert_eq!(api.get("/subjects/users/versions").1, json!([1]), "nothing was registered");

    // With the subject at NONE the same schema registers.
    assert_eq!(api.put("/config/users", &json!({"compatibility": "NONE"})), (200, json!({"compatibility": "NONE"})));
    api.register("users", &avro(&breaking));
    assert_eq!(api.get("/subjects/users/versions").1, json!([1, 2]));
}

#[test]
fn transitive_levels_check_every_version() {
    let t = TestServer::start();
    let api = t.client();
    api.register("t", &avro(&avro_record("T", &[("a", "int")])));
    let v2 = r#"{"type":"record","name":"T","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}]}"#;
    api.register("t", &avro(v2));
    // Compatible with v2 (which writes b) but not with v1 (which does not).
    let v3 = avro_record("T", &[("a", "int"), ("b", "string")]);
    let (_, terse) = api.post("/compatibility/subjects/t/versions", &avro(&v3));
    assert_eq!(terse, json!({"is_compatible": true}));
    api.put("/config/t", &json!({"compatibility": "BACKWARD_TRANSITIVE"}));
    let (_, verbose) = api.post("/compatibility/subjects/t/versions?verbose=true", &avro(&v3));
    assert_eq!(verbose["is_compatible"], false);
    assert!(verbose["messages"].as_array().unwrap().iter().any(|m| m == "{oldSchemaVersion: 1}"), "{verbose}");
    let (status, answer) = api.post("/subjects/t/versions", &avro(&v3));
    assert_eq!((status, error_code(&answer)), (409, 409));
}

#[test]
fn compatibility_endpoint_terse_and_verbose() {
    let t = TestServer::start();
    let api = t.client();
    let path = "/compatibility/subjects/c/versions/latest";
    // No versions yet: anything is compatible with "latest".
    assert_eq!(api.post(path, &avro(&avro_record("C", &[("a", "int")]))), (200, json!({"is_compatible": true})));
    api.register("c", &avro(&avro_record("C", &[("a", "int")])));
    let breaking = avro(&avro_record("C", &[("a", "int"), ("b", "int")]));
    assert_eq!(api.post(path, &breaking), (200, json!({"is_compatible": false})));
    let (status, answer) = api.post(&format!("{path}?verbose=true"), &breaking);
    assert_eq!(status, 200);
    assert_eq!(answer["is_compatible"], false);
    let messages = answer["messages"].as_array().unwrap();
    assert!(messages[0].as_str().unwrap().starts_with("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'"), "{answer}");
    let fine = avro(&avro_record("C", &[("a", "int")]));
    assert_eq!(api.post(&format!("{path}?verbose=True"), &fine), (200, json!({"is_compatible": true, "messages": []})));
    assert_eq!(api.post("/compatibility/subjects/c/versions/1", &fine).1, json!({"is_compatible": true}));
    let (status, answer) = api.post("/compatibility/subjects/c/versions/9", &fine);
    assert_eq!((status, error_code(&answer)), (404, 40402));
    // An invalid schema: 42201, or an incompatible verdict carrying the error when verbose.
    let (status, answer) = api.post(path, &avro("{\"type\": \"record\""));
    assert_eq!((status, error_code(&answer)), (422, 42201));
    let (_, answer) = api.post(&format!("{path}?verbose=true"), &avro("{\"type\": \"record\""));
    assert_eq!(answer["is_compatible"], false);
    assert!(answer["messages"][0].as_str().unwrap().contains("invalid JSON"), "{answer}");
}

#[test]
fn invalid_schemas_are_42201_with_the_parser_position() {
    let t = TestServer::start();
    let api = t.client();
    let (status, answer) = api.post("/subjects/bad/versions", &avro("{\n  \"type\": \"record\",\n  \"name\": }"));
    assert_eq!((status, error_code(&answer)), (422, 42201));
    assert!(answer["message"].as_str().unwrap().contains("bad:3:"), "{answer}");

    let proto = json!({"schemaType": "PROTOBUF", "schema": "syntax = \"proto3\";\nmessage A {\n  int32 = 1;\n}\n"});
    let (status, answer) = api.post("/subjects/p/versions", &proto);
    assert_eq!((status, error_code(&answer)), (422, 42201));
    assert!(answer["message"].as_str().unwrap().contains("p.proto:3:"), "{answer}");

    // Descriptor form: bad base64, and base64 that is no FileDescriptorProto.
    for (text, says) in [("abc", "neither .proto source nor a base64"), ("/////w==", "invalid FileDescriptorProto")] {
        let (status, answer) = api.post("/subjects/p/versions", &json!({"schemaType": "PROTOBUF", "schema": text}));
        assert_eq!((status, error_code(&answer)), (422, 42201));
        assert!(answer["message"].as_str().unwrap().contains(says), "{answer}");
    }

    let json_schema = json!({"schemaType": "JSON", "schema": "{\"type\": 12}"});
    let (status, answer) = api.post("/subjects/j/versions", &json_schema);
    assert_eq!((status, error_code(&answer)), (422, 42201), "{answer}");

    let (status, answer) = api.post("/subjects/x/versions", &json!({"schemaType": "XML", "schema": "<a/>"}));
    assert_eq!((status, error_code(&answer)), (422, 42201));
    let (status, answer) = api.post("/subjects/x/versions", &json!({}));
    assert_eq!((status, error_code(&answer), answer["message"].as_str()), (422, 42201, Some("Empty schema")));
    let missing_ref = json!({"schema": "\"int\"", "references": [{"name": "x", "subject": "nope", "version": 1}]});
    let (status, answer) = api.post("/subjects/x/versions", &missing_ref);
    assert_eq!((status, error_code(&answer)), (422, 42201));

    let raw =
        api.client.post(format!("{}/subjects/x/versions", api.base)).header("Content-Type", V1_JSON).body("{not json");
    let response = raw.send().unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.json::<Value>().unwrap()["error_code"], 400);
    assert_eq!(api.get("/subjects").1, json!([]));
}

const MONEY: &str =
    "syntax = \"proto3\";\npackage common;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n";

fn payment(amount_type: &str) -> String {
    format!(
        "syntax = \"proto3\";\npackage payments;\n\nimport \"common/money.proto\";\n\nmessage Payment {{\n  string id = 1;\n  {amount_type} amount = 2;\n}}\n"
    )
}

#[test]
fn protobuf_with_references_and_referencedby() {
    let t = TestServer::start();
    let api = t.client();
    let money = api.register("common%2Fmoney.proto", &json!({"schemaType": "PROTOBUF", "schema": MONEY}));
    let reference = json!([{"name": "common/money.proto", "subject": "common/money.proto", "version": 1}]);
    let body = json!({"schemaType": "PROTOBUF", "schema": payment("common.Money"), "references": reference});
    let id = api.register("payments-value", &body);
    assert_ne!(id, money);
    assert_eq!(api.register("payments-value", &body), id, "idempotent with references");
    let (_, version) = api.get("/subjects/payments-value/versions/1");
    assert_eq!(version["schemaType"], "PROTOBUF");
    assert_eq!(version["references"], reference);
    assert_eq!(api.get("/schemas/ids/2").1["references"], reference);
    assert_eq!(api.get("/subjects/common%2Fmoney.proto/versions/1/referencedby"), (200, json!([id])));
    assert_eq!(api.get("/subjects/payments-value/versions/1/referencedby"), (200, json!([])));

    // A referenced version cannot be deleted.
    let (status, answer) = api.delete("/subjects/common%2Fmoney.proto/versions/1");
    assert_eq!((status, error_code(&answer)), (422, 42206), "{answer}");

    // Changing the field from a message to a scalar breaks readers.
    let breaking = json!({"schemaType": "PROTOBUF", "schema": payment("int64"), "references": reference});
    let (status, answer) = api.post("/subjects/payments-value/versions", &breaking);
    assert_eq!((status, error_code(&answer)), (409, 409), "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("FIELD_KIND_CHANGED"), "{answer}");
    // Comments and layout do not make a new schema.
    let relaid = payment("common.Money").replace("\n\n", "\n// a comment\n");
    let same = json!({"schemaType": "PROTOBUF", "schema": relaid, "references": reference});
    assert_eq!(api.post("/subjects/payments-value", &same).1["version"], 1);
    // A missing import is an invalid schema.
    let unresolved = json!({"schemaType": "PROTOBUF", "schema": payment("common.Money")});
    let (status, answer) = api.post("/subjects/other/versions", &unresolved);
    assert_eq!((status, error_code(&answer)), (422, 42201));
    assert!(answer["message"].as_str().unwrap().contains("common/money.proto"), "{answer}");
}

#[test]
fn json_schema_registration_and_compatibility() {
    let t = TestServer::start();
    let api = t.client();
    let open = r#"{"type":"object","properties":{"id":{"type":"string"}}}"#;
    let id = api.register("j", &json!({"schemaType": "JSON", "schema": open}));
    assert_eq!(api.get("/schemas/ids/1").1, json!({"schemaType": "JSON", "schema": open}));
    let narrowed = r#"{"type":"object","properties":{"id":{"type":"integer"}}}"#;
    let (status, answer) = api.post("/subjects/j/versions", &json!({"schemaType": "JSON", "schema": narrowed}));
    assert_eq!((status, error_code(&answer)), (409, 409), "{answer}");
    let same = r#"{ "properties": {"id": {"type": "string"}}, "type": "object" }"#;
    assert_eq!(api.register("j", &json!({"schemaType": "json", "schema": same})), id);
    // A different schema type is incompatible.
    let (status, answer) = api.post("/subjects/j/versions", &json!({"schema": "\"string\""}));
    assert_eq!(status, 409);
    assert!(answer["message"].as_str().unwrap().contains("different schema type"));
}

#[test]
fn config_levels_global_and_per_subject() {
    let t = TestServer::start();
    let api = t.client();
    assert_eq!(api.get("/config"), (200, json!({"compatibilityLevel": "BACKWARD"})));
    assert_eq!(api.put("/config", &json!({"compatibility": "full"})), (200, json!({"compatibility": "FULL"})));
    assert_eq!(api.get("/config").1, json!({"compatibilityLevel": "FULL"}));
    let (status, answer) = api.put("/config", &json!({"compatibility": "SIDEWAYS"}));
    assert_eq!((status, error_code(&answer)), (422, 42203));
    assert_eq!(error_code(&api.get("/config/s").1), 40408);
    assert_eq!(api.get("/config/s?defaultToGlobal=true"), (200, json!({"compatibilityLevel": "FULL"})));
    assert_eq!(api.put("/config/s", &json!({"compatibility": "NONE"})).1, json!({"compatibility": "NONE"}));
    assert_eq!(api.get("/config/s").1, json!({"compatibilityLevel": "NONE"}));
    assert_eq!(api.delete("/config/s"), (200, json!({"compatibilityLevel": "NONE"})));
    assert_eq!(error_code(&api.get("/config/s").1), 40408);
    assert_eq!(api.delete("/config"), (200, json!({"compatibilityLevel": "FULL"})));
    assert_eq!(api.get("/config").1, json!({"compatibilityLevel": "BACKWARD"}));
}

#[test]
fn modes_refuse_writes_and_import_keeps_ids() {
    let t = TestServer::start();
    let api = t.client();
    let schema = avro(&avro_record("M", &[("a", "int")]));
    api.register("m", &schema);
    assert_eq!(api.get("/mode"), (200, json!({"mode": "READWRITE"})));
    assert_eq!(api.put("/mode/m", &json!({"mode": "READONLY"})), (200, json!({"mode": "READONLY"})));
    let (status, answer) = api.post("/subjects/m/versions", &avro(&avro_record("M2", &[("a", "int")])));
    assert_eq!((status, error_code(&answer)), (422, 42205));
    let (status, answer) = api.delete("/subjects/m");
    assert_eq!((status, error_code(&answer)), (422, 42205));
    api.register("other", &schema);
    assert_eq!(api.get("/mode/m").1, json!({"mode": "READONLY"}));
    assert_eq!(error_code(&api.get("/mode/other").1), 40409);
    assert_eq!(api.get("/mode/other?defaultToGlobal=true").1, json!({"mode": "READWRITE"}));
    let (status, answer) = api.put("/mode", &json!({"mode": "SOMETIMES"}));
    assert_eq!((status, error_code(&answer)), (422, 42204));
    assert_eq!(api.delete("/mode/m"), (200, json!({"mode": "READONLY"})));
    api.put("/config/m", &json!({"compatibility": "NONE"}));
    api.register("m", &avro(&avro_record("M", &[("a", "int"), ("b", "int")])));

    // IMPORT needs an empty registry unless forced; then ids and versions are the caller's.
    let (status, answer) = api.put("/mode", &json!({"mode": "IMPORT"}));
    assert_eq!((status, error_code(&answer)), (422, 42205));
    assert_eq!(api.put("/mode?force=true", &json!({"mode": "IMPORT"})).1, json!({"mode": "IMPORT"}));
    let imported = json!({"schema": avro_record("I", &[("x", "long")]), "id": 100, "version": 5});
    assert_eq!(api.register("imported", &imported), 100);
    assert_eq!(api.get("/subjects/imported/versions/5").1["id"], 100);
    let clash = json!({"schema": avro_record("J", &[("x", "long")]), "id": 100});
    assert_eq!(error_code(&api.post("/subjects/imported/versions", &clash).1), 42207);
    api.put("/mode", &json!({"mode": "READWRITE"}));
    let (status, answer) = api.post("/subjects/x/versions", &json!({"schema": "\"int\"", "id": 7}));
    assert_eq!((status, error_code(&answer)), (422, 42205));
    assert_eq!(api.register("after-import", &avro("\"string\"")), 101, "ids continue after the largest");
}

#[test]
fn soft_and_permanent_deletion() {
    let t = TestServer::start();
    let api = t.client();
    let v1 = avro_record("D", &[("a", "int")]);
    let v2 = avro_record("D", &[("a", "int"), ("b", "int")]);
    api.put("/config/d", &json!({"compatibility": "NONE"}));
    let id1 = api.register("d", &avro(&v1));
    let id2 = api.register("d", &avro(&v2));

    assert_eq!(error_code(&api.delete("/subjects/d/versions/1?permanent=true").1), 40407);
    assert_eq!(api.delete("/subjects/d/versions/1"), (200, json!(1)));
    assert_eq!(error_code(&api.delete("/subjects/d/versions/1").1), 40406);
    assert_eq!(api.get("/subjects/d/versions").1, json!([2]));
    assert_eq!(api.get("/subjects/d/versions?deleted=true").1, json!([1, 2]));
    assert_eq!(error_code(&api.get("/subjects/d/versions/1").1), 40402);
    assert_eq!(api.get("/subjects/d/versions/1?deleted=true").1["id"], id1);
    assert_eq!(api.get(&format!("/schemas/ids/{id1}")).0, 200, "a soft-deleted schema stays readable by id");
    assert_eq!(api.delete("/subjects/d/versions/1?permanent=true"), (200, json!(1)));
    assert_eq!(api.get("/subjects/d/versions?deleted=true").1, json!([2]));
    assert_eq!(error_code(&api.get(&format!("/schemas/ids/{id1}")).1), 40403);

    assert_eq!(error_code(&api.delete("/subjects/d?permanent=true").1), 40405);
    assert_eq!(api.delete("/subjects/d"), (200, json!([2])));
    assert_eq!(error_code(&api.delete("/subjects/d").1), 40404);
    assert_eq!(api.get("/subjects").1, json!([]));
    assert_eq!(api.get("/subjects?deleted=true").1, json!(["d"]));
    assert_eq!(api.get("/subjects?deletedOnly=true").1, json!(["d"]));
    assert_eq!(error_code(&api.post("/subjects/d", &avro(&v2)).1), 40401);
    assert_eq!(api.post("/subjects/d?deleted=true", &avro(&v2)).1["version"], 2);
    assert_eq!(api.delete("/subjects/d?permanent=true"), (200, json!([2])));
    assert_eq!(api.get("/subjects?deleted=true").1, json!([]));
    assert_eq!(error_code(&api.delete("/subjects/d").1), 40401);

    // The content keeps its id; new content never gets an old id.
    assert_eq!(api.register("d", &avro(&v2)), id2);
    assert_eq!(api.get("/subjects/d/versions").1, json!([1]));
    assert_eq!(api.register("e", &avro(&avro_record("E", &[("e", "int")]))), id2 + 1);
}

#[test]
fn basic_auth_challenges_without_credentials() {
    let t = TestServer::start_with(|c| c.basic_auth = Some(("alice".into(), "s3cret".into())));
    let anonymous = t.client();
    let response = anonymous.client.get(format!("{}/subjects", anonymous.base)).send().unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Basic realm=\"schemagate\"");
    assert_eq!(response.json::<Value>().unwrap()["error_code"], 40101);
    assert_eq!(error_code(&t.client().with_auth("alice", "wrong").get("/subjects").1), 40101);
    let alice = t.client().with_auth("alice", "s3cret");
    assert_eq!(alice.get("/subjects"), (200, json!([])));
    alice.register("s", &avro("\"int\""));
}

#[test]
fn a_read_only_server_refuses_every_write() {
    let t = TestServer::start_with(|c| c.read_only = true);
    let api = t.client();
    assert_eq!(api.get("/subjects"), (200, json!([])));
    assert_eq!(api.get("/mode").1, json!({"mode": "READONLY"}));
    for (status, answer) in [
        api.post("/subjects/s/versions", &avro("\"int\"")),
        api.put("/config", &json!({"compatibility": "NONE"})),
        api.put("/mode", &json!({"mode": "READWRITE"})),
        api.delete("/subjects/s"),
    ] {
        assert_eq!((status, error_code(&answer)), (422, 42205), "{answer}");
    }
    // Checks are reads.
    assert_eq!(api.post("/compatibility/subjects/s/versions/latest", &avro("\"int\"")).1["is_compatible"], true);
}

#[test]
fn media_types_are_negotiated() {
    let t = TestServer::start();
    let api = t.client();
    let url = format!("{}/subjects", api.base);
    let content_type = |accept: Option<&str>| {
        let mut request = api.client.get(&url);
        if let Some(a) = accept {
            request = request.header("Accept", a);
        }
        let response = request.send().unwrap();
        response.headers()["content-type"].to_str().unwrap().to_string()
    };
    assert_eq!(content_type(None), V1_JSON);
    assert_eq!(content_type(Some("application/json")), "application/json");
    assert_eq!(content_type(Some("application/vnd.schemaregistry+json")), "application/vnd.schemaregistry+json");
    for request_type in ["application/json", "application/vnd.schemaregistry+json", "application/octet-stream"] {
        let response = api
            .client
            .post(format!("{}/subjects/m-{}/versions", api.base, request_type.len()))
            .header("Content-Type", request_type)
            .body(json!({"schema": "\"int\""}).to_string())
            .send()
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{request_type}");
    }
}

#[test]
fn contexts_and_qualified_subjects() {
    let t = TestServer::start();
    let api = t.client();
    assert_eq!(api.get("/contexts"), (200, json!(["."])));
    api.register(":.:plain", &avro("\"int\""));
    assert_eq!(api.get("/subjects/plain/versions").1, json!([1]), "the default context's qualified name");
    api.register(":.team:orders", &avro("\"long\""));
    assert_eq!(api.get("/subjects").1, json!([":.team:orders", "plain"]));
    assert_eq!(api.get("/subjects/:.team:orders/versions/latest").1["schema"], "\"long\"");
    assert_eq!(api.get("/contexts").1, json!([".", ".team"]));
    assert_eq!(api.get("/subjects?subjectPrefix=pl").1, json!(["plain"]));
}

#[test]
fn schemas_listing() {
    let t = TestServer::start();
    let api = t.client();
    api.put("/config", &json!({"compatibility": "NONE"}));
    api.register("a", &avro("\"int\""));
    api.register("a", &avro("\"long\""));
    api.register("b", &avro("\"int\""));
    let (_, all) = api.get("/schemas");
    assert_eq!(all.as_array().unwrap().len(), 3);
    let (_, latest) = api.get("/schemas?latestOnly=true");
    let pairs: Vec<(String, i64)> = latest
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["subject"].as_str().unwrap().into(), v["version"].as_i64().unwrap()))
        .collect();
    assert_eq!(pairs, vec![("a".to_string(), 2), ("b".to_string(), 1)]);
}

#[test]
fn startup_errors_name_the_cause() {
    use schemagate_registry::RegistryError;
    use schemagate_registry::server::{ServerConfig, spawn};
    let t = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let config = |listen, db_path| ServerConfig { listen, db_path, basic_auth: None, read_only: false };
    let taken = spawn(config(t.server.addr(), dir.path().join("other.db"))).err().expect("the port is taken");
    assert!(matches!(taken, RegistryError::Bind { .. }), "{taken}");
    let not_a_file =
        spawn(config("127.0.0.1:0".parse().unwrap(), dir.path().to_path_buf())).err().expect("a directory");
    assert!(matches!(not_a_file, RegistryError::Database { .. }), "{not_a_file}");
    assert!(not_a_file.to_string().contains(&dir.path().display().to_string()), "{not_a_file}");
}
