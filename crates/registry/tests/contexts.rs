//! Schema contexts against a real server on 127.0.0.1, as Confluent's registry behaves: ids
//! per context, qualified subjects, context-prefixed URLs, references resolved within the
//! referrer's context, settings falling back from subject to context to `:.__GLOBAL:`.

mod common;

use common::{Api, TestServer, avro_record};
use serde_json::{Value, json};

fn avro(schema: &str) -> Value {
    json!({ "schema": schema })
}

fn error_code(answer: &Value) -> i64 {
    answer["error_code"].as_i64().unwrap_or_else(|| panic!("an error answer: {answer}"))
}

fn proto(text: &str, references: Value) -> Value {
    json!({"schemaType": "PROTOBUF", "schema": text, "references": references})
}

/// `subjects` on the path, percent-encoded as clients send them.
fn path(subject: &str) -> String {
    subject.replace(':', "%3A").replace('/', "%2F")
}

#[test]
fn ids_are_allocated_per_context() {
    let t = TestServer::start();
    let api = t.client();
    let plain = avro_record("Plain", &[("a", "int")]);
    let team = avro_record("Team", &[("b", "string")]);
    let other = avro_record("Other", &[("c", "long")]);
    assert_eq!(api.register("plain-value", &avro(&plain)), 1);
    assert_eq!(api.register(":.team:orders-value", &avro(&team)), 1, "the context's first id");
    assert_eq!(api.register(":.team:other", &avro(&other)), 2);
    assert_eq!(api.register(":.team:copy", &avro(&plain)), 3, "the same schema gets the context's own id");
    assert_eq!(api.register("copy", &avro(&plain)), 1, "the default context keeps its id");
    assert_eq!(api.register(":.:explicit", &avro(&team)), 2, "`:.:` is the default context");
    assert_eq!(api.get("/subjects/explicit/versions/1").1["id"], 2);

    // Without a subject an id is the default context's.
    assert_eq!(api.get("/schemas/ids/1"), (200, json!({"schema": plain})));
    assert_eq!(error_code(&api.get("/schemas/ids/3").1), 40403);
    // A qualified subject looks in its context, at that subject.
    let (status, found) = api.get("/schemas/ids/1?subject=:.team:orders-value");
    assert_eq!(status, 200, "{found}");
    assert_eq!(found, json!({"subject": ":.team:orders-value", "version": 1, "schema": team}));
    assert_eq!(error_code(&api.get("/schemas/ids/1?subject=:.team:other").1), 40403, "`other` uses id 2");
    assert_eq!(api.get("/schemas/ids/3?subject=:.team:").1["subject"], ":.team:copy", "any subject of the context");
    assert_eq!(
        api.get("/schemas/ids/1/schema?subject=%3A.team%3Aorders-value").1,
        serde_json::from_str::<Value>(&team).unwrap()
    );
    // A plain subject: the default context's, else the same name in the other contexts.
    assert_eq!(api.get("/schemas/ids/1?subject=orders-value").1["subject"], ":.team:orders-value");
    assert_eq!(api.get("/schemas/ids/1?subject=plain-value").1["schema"], plain);
    assert_eq!(api.get("/schemas/ids/1?subject=nobody").1["subject"], "copy", "then any default subject");

    assert_eq!(
        api.get("/schemas/ids/1/versions").1,
        json!([{"subject": "copy", "version": 1}, {"subject": "plain-value", "version": 1}])
    );
    assert_eq!(api.get("/schemas/ids/1/subjects?subject=:.team:").1, json!([":.team:orders-value"]));
    assert_eq!(
        api.get("/schemas/ids/3/versions?subject=:.team:copy").1,
        json!([{"subject": ":.team:copy", "version": 1}])
    );

    // A plain subject without that version is looked for in the other contexts, and so is a
    // lookup by content; listing versions is not.
    let (status, version) = api.get("/subjects/orders-value/versions/1");
    assert_eq!((status, &version["subject"], &version["id"]), (200, &json!(":.team:orders-value"), &json!(1)));
    let (status, found) = api.post("/subjects/orders-value", &avro(&team));
    assert_eq!((status, &found["subject"]), (200, &json!(":.team:orders-value")), "{found}");
    assert_eq!(error_code(&api.get("/subjects/orders-value/versions").1), 40401);
    assert_eq!(error_code(&api.post("/subjects/plain-value", &avro(&team)).1), 40403);
}

#[test]
fn contexts_and_subjects_are_listed_like_confluent() {
    let t = TestServer::start();
    let api = t.client();
    assert_eq!(api.get("/contexts").1, json!(["."]));
    for (subject, name) in
        [("orders", "A"), (":.prod:orders", "B"), (":.prod-eu:pay", "C"), (":.dev:orders", "D"), ("1st", "E")]
    {
        api.register(subject, &avro(&avro_record(name, &[("x", "int")])));
    }
    assert_eq!(api.get("/contexts").1, json!([".", ".dev", ".prod", ".prod-eu"]));
    assert_eq!(api.get("/contexts?contextPrefix=.prod").1, json!([".prod", ".prod-eu"]));
    assert_eq!(api.get("/contexts?offset=1&limit=2").1, json!([".dev", ".prod"]));

    // Qualified names, in plain string order, as Confluent sorts them.
    let all = json!(["1st", ":.dev:orders", ":.prod-eu:pay", ":.prod:orders", "orders"]);
    assert_eq!(api.get("/subjects").1, all);
    assert_eq!(api.get("/subjects?subjectPrefix=:*:").1, all);
    assert_eq!(api.get("/subjects?subjectPrefix=:.prod:").1, json!([":.prod:orders"]));
    assert_eq!(api.get("/subjects?subjectPrefix=:*:ord").1, json!([":.dev:orders", ":.prod:orders", "orders"]));
    assert_eq!(api.get("/subjects?subjectPrefix=or").1, json!(["orders"]), "a plain prefix is the default context's");
    assert_eq!(api.get("/subjects?subjectPrefix=").1, json!(["1st", "orders"]));

    // `/schemas` lists the default context unless the prefix names others.
    let subjects = |answer: Value| -> Vec<String> {
        answer.as_array().unwrap().iter().map(|v| v["subject"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(subjects(api.get("/schemas").1), ["1st", "orders"]);
    assert_eq!(
        subjects(api.get("/schemas?subjectPrefix=:*:").1),
        ["1st", "orders", ":.dev:orders", ":.prod:orders", ":.prod-eu:pay"]
    );
    assert_eq!(subjects(api.get("/schemas?subjectPrefix=:.prod").1), [":.prod:orders", ":.prod-eu:pay"]);
}

#[test]
fn context_prefixed_urls_work_in_their_context() {
    let t = TestServer::start();
    let api = t.client();
    let team = Api::new(format!("{}/contexts/.team", t.server.url()));
    api.register("orders-value", &avro(&avro_record("Plain", &[("a", "int")])));
    let schema = avro_record("Team", &[("b", "string")]);
    assert_eq!(team.register("orders-value", &avro(&schema)), 1);
    assert_eq!(team.get("/subjects").1, json!([":.team:orders-value"]));
    assert_eq!(api.get("/subjects").1, json!([":.team:orders-value", "orders-value"]));
    assert_eq!(team.get("/subjects/orders-value/versions").1, json!([1]));
    assert_eq!(team.get("/subjects/orders-value/versions/latest").1["subject"], ":.team:orders-value");
    assert_eq!(team.get("/schemas/ids/1").1["schema"], schema);
    assert_eq!(team.get("/schemas").1.as_array().unwrap().len(), 1);
    assert_eq!(team.get("/contexts").1, json!([".", ".team"]));
    let wider = avro(&avro_record("Team", &[("b", "string"), ("c", "int")]));
    let (status, verdict) = team.post("/compatibility/subjects/orders-value/versions/latest", &wider);
    assert_eq!((status, verdict), (200, json!({"is_compatible": false})), "BACKWARD: `c` has no default");
    assert_eq!(team.put("/config", &json!({"compatibility": "NONE"})).1, json!({"compatibility": "NONE"}));
    assert_eq!(api.get("/config/:.team:").1, json!({"compatibilityLevel": "NONE"}), "`/config` there is the context's");
    assert_eq!(api.get("/config").1, json!({"compatibilityLevel": "BACKWARD"}));
    assert_eq!(team.get("/config/orders-value?defaultToGlobal=true").1, json!({"compatibilityLevel": "NONE"}));
    assert_eq!(team.register("orders-value", &wider), 2);
    let default = Api::new(format!("{}/contexts/:.:", t.server.url()));
    assert_eq!(default.get("/subjects").1, json!(["orders-value"]));
    let (status, answer) = api.get("/contexts/a:b/subjects");
    assert_eq!((status, error_code(&answer)), (400, 400));
}

#[test]
fn references_resolve_in_the_referrers_context() {
    let t = TestServer::start();
    let api = t.client();
    // `common.proto` differs between the contexts: only `.team`'s defines `TeamOnly`.
    let common = |extra: &str| {
        format!("syntax = \"proto3\";\npackage common;\nmessage Money {{\n  int64 units = 1;\n}}\n{extra}")
    };
    api.register("common.proto", &proto(&common(""), json!([])));
    api.register(&path(":.team:common.proto"), &proto(&common("message TeamOnly {}\n"), json!([])));
    api.register("only-default.proto", &proto("syntax = \"proto3\";\npackage d;\nmessage D {}\n", json!([])));
    let payment = "syntax = \"proto3\";\npackage pay;\nimport \"common.proto\";\nmessage P {\n  common.Money m = 1;\n  common.TeamOnly t = 2;\n}\n";
    let refs = json!([{"name": "common.proto", "subject": "common.proto", "version": 1}]);
    assert_eq!(
        api.register(&path(":.team:payments"), &proto(payment, refs.clone())),
        2,
        "parsed with `.team`'s import"
    );
    let (status, answer) = api.post("/subjects/payments/versions", &proto(payment, refs.clone()));
    assert_eq!((status, error_code(&answer)), (422, 42201), "the default context's import has no TeamOnly: {answer}");
    let plain_payment =
        "syntax = \"proto3\";\npackage pay;\nimport \"common.proto\";\nmessage P {\n  common.Money m = 1;\n}\n";
    assert_eq!(api.register("payments", &proto(plain_payment, refs.clone())), 3);

    // The stored references are as written; `referenceFormat=qualified` shows where they point.
    let stored = api.get("/subjects/:.team:payments/versions/1").1;
    assert_eq!(stored["references"], refs);
    let qualified = api.get("/subjects/:.team:payments/versions/1?referenceFormat=qualified").1;
    assert_eq!(
        qualified["references"],
        json!([{"name": "common.proto", "subject": ":.team:common.proto", "version": 1}])
    );
    assert_eq!(api.get("/subjects/payments/versions/1?referenceFormat=qualified").1["references"], refs);

    // Each schema references its own context's `common.proto`.
    assert_eq!(api.get("/subjects/:.team:common.proto/versions/1/referencedby").1, json!([2]));
    assert_eq!(api.get("/subjects/common.proto/versions/1/referencedby").1, json!([3]));
    let (status, answer) = api.delete(&format!("/subjects/{}", path(":.team:common.proto")));
    assert_eq!((status, error_code(&answer)), (422, 42206), "{answer}");

    // A reference to a subject only the default context has does not resolve in `.team`.
    let other = "syntax = \"proto3\";\npackage o;\nimport \"only-default.proto\";\nmessage O {\n  d.D d = 1;\n}\n";
    let to_default = json!([{"name": "only-default.proto", "subject": "only-default.proto", "version": 1}]);
    let (status, answer) =
        api.post(&format!("/subjects/{}/versions", path(":.team:o")), &proto(other, to_default.clone()));
    assert_eq!((status, error_code(&answer)), (422, 42201), "{answer}");
    // ... unless it names another context explicitly.
    let explicit = json!([{"name": "only-default.proto", "subject": ":.other:d", "version": 1}]);
    api.register(&path(":.other:d"), &proto("syntax = \"proto3\";\npackage d;\nmessage D {}\n", json!([])));
    assert_eq!(api.register(&path(":.team:o"), &proto(other, explicit)), 3);
    assert_eq!(api.get("/subjects/:.other:d/versions/1/referencedby").1, json!([3]), "the `.team` schema 3");

    // A Protobuf descriptor of a context's schema is built from that context's imports.
    let (status, served) = api.get("/schemas/ids/2?subject=:.team:payments&format=serialized");
    assert_eq!(status, 200, "{served}");
    assert!(served["schema"].as_str().is_some_and(|s| !s.contains(' ')), "{served}");
}

#[test]
fn settings_fall_back_from_subject_to_context_to_global() {
    let t = TestServer::start();
    let api = t.client();
    let v1 = avro(&avro_record("R", &[("a", "int")]));
    // Adding a field without a default: FORWARD-compatible, not BACKWARD-compatible.
    let v2 = avro(&avro_record("R", &[("a", "int"), ("b", "int")]));
    let v3 = avro(&avro_record("R", &[("a", "int"), ("b", "int"), ("c", "int")]));
    api.register(":.team:s", &v1);
    api.register("s", &v1);

    // The default context's level does not reach other contexts.
    api.put("/config", &json!({"compatibility": "NONE"}));
    assert_eq!(api.register("s", &v2), 2);
    assert_eq!(api.post("/subjects/:.team:s/versions", &v2).0, 409, "`.team` still checks BACKWARD");
    assert_eq!(api.get("/config/:.team:s?defaultToGlobal=true").1, json!({"compatibilityLevel": "BACKWARD"}));
    assert_eq!(error_code(&api.get("/config/:.team:").1), 40408);

    // `:.__GLOBAL:` reaches every context that sets nothing.
    assert_eq!(api.get("/config/:.__GLOBAL:").1, json!({"compatibilityLevel": "BACKWARD"}), "always a value");
    api.put("/config/:.__GLOBAL:", &json!({"compatibility": "FORWARD"}));
    assert_eq!(api.get("/config/:.team:s?defaultToGlobal=true").1, json!({"compatibilityLevel": "FORWARD"}));
    assert_eq!(api.register(":.team:s", &v2), 2);

    // The context's own level wins over the global one, the subject's over both.
    api.put("/config/:.team:", &json!({"compatibility": "BACKWARD"}));
    assert_eq!(api.post("/subjects/:.team:s/versions", &v3).0, 409);
    assert_eq!(api.get("/config/:.team:").1, json!({"compatibilityLevel": "BACKWARD"}));
    api.put("/config/:.team:s", &json!({"compatibility": "NONE"}));
    assert_eq!(api.register(":.team:s", &v3), 3);
    assert_eq!(api.delete("/config/:.team:").1, json!({"compatibilityLevel": "BACKWARD"}));
    assert_eq!(api.get("/config/:.team:x?defaultToGlobal=true").1, json!({"compatibilityLevel": "FORWARD"}));
    // The default context: `/config`, then the global one.
    api.delete("/config");
    assert_eq!(api.get("/config?defaultToGlobal=true").1, json!({"compatibilityLevel": "FORWARD"}));
    assert_eq!(api.get("/config").1, json!({"compatibilityLevel": "BACKWARD"}), "the default context's own");
    assert_eq!(api.get("/config/:.:").1, json!({"compatibilityLevel": "BACKWARD"}), "`:.:` is `/config`");

    // Modes scope the same way.
    assert_eq!(api.put("/mode/:.team:", &json!({"mode": "READONLY"})).1, json!({"mode": "READONLY"}));
    let (status, answer) = api.post("/subjects/:.team:t/versions", &v1);
    assert_eq!((status, error_code(&answer)), (422, 42205));
    assert_eq!(api.register("t", &v1), 1, "the default context is writable");
    assert_eq!(api.get("/mode/:.team:t?defaultToGlobal=true").1, json!({"mode": "READONLY"}));
    api.delete("/mode/:.team:");
    api.put("/mode/:.__GLOBAL:", &json!({"mode": "READONLY"}));
    assert_eq!(api.post("/subjects/:.team:t/versions", &v1).0, 422);
    assert_eq!(api.post("/subjects/t/versions", &v2).0, 422, "the default context falls back to it too");
    api.delete("/mode/:.__GLOBAL:");
    // IMPORT on a context needs the context empty, not the registry.
    let (status, answer) = api.put("/mode/:.team:", &json!({"mode": "IMPORT"}));
    assert_eq!((status, error_code(&answer)), (422, 42205));
    assert_eq!(api.put("/mode/:.empty:", &json!({"mode": "IMPORT"})).1, json!({"mode": "IMPORT"}));
    let imported = json!({"schema": avro_record("I", &[("x", "long")]), "id": 7, "version": 1});
    assert_eq!(api.register(":.empty:i", &imported), 7);
    assert_eq!(api.get("/schemas/ids/7?subject=:.empty:").1["subject"], ":.empty:i");
}

#[test]
fn an_empty_context_can_be_deleted() {
    let t = TestServer::start();
    let api = t.client();
    api.register(":.team:a", &avro("\"int\""));
    api.register(":.keep:a", &avro("\"int\""));
    let (status, answer) = api.delete("/contexts/.team");
    assert_eq!((status, error_code(&answer)), (422, 42211), "{answer}");
    assert_eq!(answer["message"], "The specified context ':.team:' is not empty.");
    api.delete("/subjects/:.team:a");
    assert_eq!(error_code(&api.delete("/contexts/.team").1), 42211, "a soft-deleted subject still counts");
    api.delete("/subjects/:.team:a?permanent=true");
    assert_eq!(api.delete("/contexts/.team"), (204, json!("")));
    assert_eq!(api.get("/contexts").1, json!([".", ".keep"]));
    assert_eq!(api.delete("/contexts/%3A.keep%3A").0, 422, "the qualified spelling works too");
    assert_eq!(api.delete("/contexts/.").0, 405, "the default context is not deletable");
    // The context's ids are not handed out again.
    assert_eq!(api.register(":.team:b", &avro("\"long\"")), 2);
    assert_eq!(api.get("/contexts").1, json!([".", ".keep", ".team"]));
    // Subjects cannot be registered under a context alone or in the settings-only context.
    assert_eq!(error_code(&api.post("/subjects/:.team:/versions", &avro("\"int\"")).1), 42208);
    assert_eq!(error_code(&api.post("/subjects/:.__GLOBAL:x/versions", &avro("\"int\"")).1), 42208);
}
