//! A database written before schema contexts (layout 0: one id space, `:.ctx:` subjects as
//! plain names) opens and serves its data after the migration to per-context ids.
//!
//! `tests/fixtures/registry-before-contexts.db` was written by the server of commit 68fd555
//! (see `tests/fixtures/README.md` for what it holds).

mod common;

use std::path::Path;

use common::{TestServer, avro_record, start_at};
use serde_json::json;

fn legacy_copy(dir: &Path) -> std::path::PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/registry-before-contexts.db");
    let db = dir.join("registry.db");
    std::fs::copy(&source, &db).expect("the fixture copies");
    db
}

fn layout(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_database_from_before_contexts_serves_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = legacy_copy(dir.path());
    assert_eq!(layout(&db), 0);
    let server = start_at(&db, |_| {});
    let api = common::Api::new(server.url());
    assert_eq!(layout(&db), 1);

    let subjects = json!([
        ":.team:orders-value",
        ":.team:payments-value",
        ":.team:shared",
        "common/money.proto",
        "orders-value",
        "payments-value"
    ]);
    assert_eq!(api.get("/subjects").1, subjects);
    assert_eq!(api.get("/subjects?deleted=true").1.as_array().unwrap().len(), 7, "`scratch` is still soft-deleted");
    assert_eq!(api.get("/contexts").1, json!([".", ".team"]));

    // Versions keep their ids; ids are now looked for in the subject's context.
    assert_eq!(api.get("/subjects/orders-value/versions/1").1["id"], 1);
    assert_eq!(api.get("/subjects/:.team:orders-value/versions").1, json!([1, 2]));
    assert_eq!(api.get("/subjects/:.team:orders-value/versions/2").1["id"], 7);
    assert_eq!(api.get("/subjects/:.team:shared/versions/1").1["id"], 1, "a schema both contexts used");
    assert_eq!(api.get("/schemas/ids/4").0, 404, "id 4 was only ever used in `.team`");
    assert_eq!(api.get("/schemas/ids/4?subject=:.team:orders-value").1["subject"], ":.team:orders-value");
    assert_eq!(api.get("/schemas/ids/4?subject=orders-value").1["subject"], ":.team:orders-value");
    assert_eq!(api.get("/schemas/ids/1/versions").1, json!([{"subject": "orders-value", "version": 1}]));
    assert_eq!(
        api.get("/schemas/ids/1/versions?subject=:.team:").1,
        json!([{"subject": ":.team:shared", "version": 1}])
    );
    assert_eq!(api.get("/schemas/ids/5").0, 200, "the soft-deleted version's schema");

    // Old references keep pointing where they did: `.team`'s payment imports the default
    // context's `common/money.proto`, as layout 0 resolved it.
    let payment = api.get("/subjects/:.team:payments-value/versions/1").1;
    assert_eq!(payment["id"], 3);
    assert_eq!(
        payment["references"],
        json!([{"name": "common/money.proto", "subject": "common/money.proto", "version": 1}])
    );
    let (status, served) = api.get("/schemas/ids/3?subject=:.team:payments-value&format=serialized");
    assert_eq!(status, 200, "its dependencies still resolve: {served}");
    assert_eq!(
        api.get("/subjects/common%2Fmoney.proto/versions/1/referencedby").1,
        json!([3, 3]),
        "from `.` and `.team`"
    );
    assert_eq!(api.delete("/subjects/common%2Fmoney.proto").0, 422, "still referenced");

    // Settings: the registry-wide level was copied to `.team`, so its subjects keep the level
    // they were checked with.
    assert_eq!(api.get("/config").1, json!({"compatibilityLevel": "FULL"}));
    assert_eq!(api.get("/config/:.team:").1, json!({"compatibilityLevel": "FULL"}));
    assert_eq!(api.get("/config/:.team:orders-value").1, json!({"compatibilityLevel": "FORWARD"}));
    assert_eq!(api.get("/config/orders-value").1, json!({"compatibilityLevel": "NONE"}));
    assert_eq!(api.get("/mode/payments-value").1, json!({"mode": "READONLY"}));
    assert_eq!(api.get("/mode/:.team:payments-value?defaultToGlobal=true").1, json!({"mode": "READWRITE"}));

    // Registering again finds the same ids; new schemas get each context's next id, and the
    // default context never reuses an id of layout 0 (the largest was 7).
    let order = avro_record("Order", &[("id", "string")]);
    assert_eq!(api.register("orders-value", &json!({"schema": order})), 1);
    assert_eq!(api.register(":.team:shared", &json!({"schema": order})), 1);
    assert_eq!(api.register("fresh", &json!({"schema": avro_record("Fresh", &[("f", "int")])})), 8);
    assert_eq!(api.register(":.team:fresh", &json!({"schema": avro_record("Fresh", &[("f", "int")])})), 8);
    assert_eq!(api.register(":.new:fresh", &json!({"schema": avro_record("Fresh", &[("f", "int")])})), 1);

    // A restart opens the migrated database as it is.
    server.shutdown().unwrap();
    let server = start_at(&db, |_| {});
    let api = common::Api::new(server.url());
    assert_eq!(api.get("/contexts").1, json!([".", ".new", ".team"]));
    assert_eq!(api.get("/schemas/ids/8?subject=:.team:fresh").1["subject"], ":.team:fresh");
}

#[test]
fn a_database_from_a_newer_schemagate_is_refused() {
    let t = TestServer::start();
    let db = t.db_path();
    t.server.shutdown().unwrap();
    rusqlite::Connection::open(&db).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let config = schemagate_registry::server::ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        db_path: db.clone(),
        basic_auth: None,
        read_only: false,
    };
    let error = schemagate_registry::server::spawn(config).err().expect("refused");
    assert!(error.to_string().contains("newer schemagate"), "{error}");
}
