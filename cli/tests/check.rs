//! End-to-end tests of `schemagate check` (the merge gate). They run the real binary inside a
//! scratch repository, because the gate reads paths relative to the working directory.

use std::path::Path;
use std::process::Command;

const CONFIG: &str = "\
version: v2
protobuf:
  path: proto
breaking:
  use: [FILE]
openapi:
  - path: api/orders.yaml
subjects:
  - name: orders.order-placed-value
    type: PROTOBUF
    file: proto/acme/orders/v1/order_placed.proto
    record: acme.orders.v1.OrderPlaced
  - name: orders.order-shipped-value
    type: AVRO
    file: avro/order_shipped.avsc
";

const PROTO_V1: &str = "syntax = \"proto3\";\npackage acme.orders.v1;\n\
message OrderPlaced {\n  string order_id = 1;\n  int64 total_cents = 2;\n}\n";
const AVRO_V1: &str = r#"{"type":"record","name":"OrderShipped","fields":[{"name":"order_id","type":"string"}]}"#;
const OPENAPI_V1: &str = "openapi: 3.0.3\ninfo: {title: orders, version: '1'}\npaths:\n  /orders/{id}:\n    get:\n      \
parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200': {description: ok}\n";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn tree(root: &Path, proto: &str, avro: &str, openapi: &str) {
    write(root, "schemagate.yaml", CONFIG);
    write(root, "proto/acme/orders/v1/order_placed.proto", proto);
    write(root, "avro/order_shipped.avsc", avro);
    write(root, "api/orders.yaml", openapi);
}

fn check(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_schemagate"))
        .arg("check")
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn git(cwd: &Path, args: &[&str]) {
    let st = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(st.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&st.stderr));
}

#[test]
fn folder_baseline_unchanged_passes_and_breaks_are_reported_per_slice() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, work) = (tmp.path().join("base"), tmp.path().join("work"));
    tree(&base, PROTO_V1, AVRO_V1, OPENAPI_V1);
    tree(&work, PROTO_V1, AVRO_V1, OPENAPI_V1);
    let (code, out, err) = check(&work, &["--against", base.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["level"] != "error"), "{out}");

    // One break in every slice: a deleted Protobuf field, a deleted operation, and an Avro
    // field added without a default (BACKWARD: new readers cannot read old data).
    let proto = PROTO_V1.replace("  int64 total_cents = 2;\n", "");
    let avro = r#"{"type":"record","name":"OrderShipped","fields":[{"name":"order_id","type":"string"},{"name":"carrier","type":"string"}]}"#;
    let openapi = "openapi: 3.0.3\ninfo: {title: orders, version: '1'}\npaths: {}\n";
    tree(&work, &proto, avro, openapi);
    let (code, out, err) = check(&work, &["--against", base.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["path"].as_str().unwrap().to_string()))
        .collect();
    let has = |rule: &str, path: &str| rules.iter().any(|(r, p)| r == rule && p == path);
    assert!(has("FIELD_NO_DELETE", "proto/acme/orders/v1/order_placed.proto"), "{rules:?}");
    // A removed operation is located where it was: in the baseline's copy of the spec.
    assert!(
        rules.iter().any(|(r, p)| r == "api-path-removed-without-deprecation" && p.ends_with("base/api/orders.yaml")),
        "{rules:?}"
    );
    assert!(has("READER_FIELD_MISSING_DEFAULT_VALUE", "avro/order_shipped.avsc"), "{rules:?}");
    // Confluent's Protobuf rules accept a removed proto3 field (no subject finding for it), so
    // the only Protobuf finding is buf's FILE-category one.
    assert_eq!(rules.len(), 3, "{rules:?}");
}

#[test]
fn git_baseline_and_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    tree(repo, PROTO_V1, AVRO_V1, OPENAPI_V1);
    git(repo, &["init", "-q"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "baseline"]);
    let (code, out, err) = check(repo, &["--against", "git:HEAD"]);
    assert_eq!(code, 0, "{out}{err}");

    write(
        repo,
        "proto/acme/orders/v1/order_placed.proto",
        &PROTO_V1.replace("int64 total_cents", "string total_cents"),
    );
    let (code, out, err) = check(repo, &["--against", "git:HEAD"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("FIELD_SAME_TYPE"), "{out}");

    // A revision that does not exist is an input error, not a verdict.
    let (code, _, err) = check(repo, &["--against", "git:no-such-rev"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no-such-rev"), "{err}");

    // Paths outside the repository are refused: they would be read the same at the baseline.
    write(repo, "abs.yaml", "version: v2\nprotobuf:\n  path: /etc\n");
    let (code, _, err) = check(repo, &["--config", "abs.yaml", "--against", "git:HEAD"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("abs.yaml:3:9"), "{err}");

    // SARIF output of the gate validates against the official SARIF 2.1.0 schema.
    let (code, sarif, _) = check(repo, &["--against", "git:HEAD", "--format", "sarif"]);
    assert_eq!(code, 1);
    validate_sarif(&sarif);

    // A malformed config names the file, line and column.
    write(repo, "bad.yaml", "version: v2\nsubjects:\n  - name: x\n    colour: red\n");
    let (code, _, err) = check(repo, &["--config", "bad.yaml", "--against", "git:HEAD"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad.yaml:"), "{err}");
}

/// Our registry server on a free loopback port, its database in `dir`.
fn registry(dir: &Path) -> schemagate_registry::server::RunningServer {
    schemagate_registry::server::spawn(schemagate_registry::server::ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        db_path: dir.join("registry.db"),
        basic_auth: None,
        read_only: false,
    })
    .unwrap()
}

const MONEY: &str =
    "syntax = \"proto3\";\npackage acme.common.v1;\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n";
const PLACED: &str = "syntax = \"proto3\";\npackage acme.orders.v1;\nimport \"acme/common/v1/money.proto\";\n\
message OrderPlaced {\n  string order_id = 1;\n  acme.common.v1.Money total = 2;\n}\n";

#[test]
fn registry_baseline_uses_registered_versions_and_references() {
    use schemagate_registry::client::{Client, ClientConfig, Schema, register_with_references};

    let tmp = tempfile::tempdir().unwrap();
    let server = registry(tmp.path());
    let url = server.url();
    let client = Client::new(&ClientConfig::new(url.clone())).unwrap();

    // The Protobuf event imports a shared type, registered as a reference.
    let (money, placed) = (MONEY, PLACED);
    register_with_references(
        &client,
        "orders.order-placed-value",
        placed,
        "PROTOBUF",
        &[("acme/common/v1/money.proto".to_string(), money.to_string())],
    )
    .unwrap();
    client.register("orders.order-shipped-value", &Schema::avro(AVRO_V1)).unwrap();

    let repo = tmp.path().join("repo");
    tree(&repo, placed, AVRO_V1, OPENAPI_V1);
    write(&repo, "proto/acme/common/v1/money.proto", money);
    let (code, out, err) = check(&repo, &["--against", "registry", "--registry-url", &url, "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<&str> = doc["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    // The OpenAPI slice has no baseline in a registry: reported as skipped, not silently passed.
    // The Protobuf file-level rules ran against the registered files and found nothing.
    assert_eq!(rules, ["BASELINE_SKIPPED"], "{out}");

    // Changing the referenced field's type (message -> string) breaks the registered version.
    write(
        &repo,
        "proto/acme/orders/v1/order_placed.proto",
        &placed.replace("acme.common.v1.Money total", "string total"),
    );
    // A new Avro field without a default breaks BACKWARD readers.
    write(
        &repo,
        "avro/order_shipped.avsc",
        r#"{"type":"record","name":"OrderShipped","fields":[{"name":"order_id","type":"string"},{"name":"carrier","type":"string"}]}"#,
    );
    let (code, out, err) = check(&repo, &["--against", "registry", "--registry-url", &url, "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == "error")
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["path"].as_str().unwrap().to_string()))
        .collect();
    assert!(errors.iter().any(|(_, p)| p == "proto/acme/orders/v1/order_placed.proto"), "{errors:?}");
    // buf's file-level rule too, against the registered file.
    assert!(
        errors.contains(&("FIELD_SAME_TYPE".into(), "proto/acme/orders/v1/order_placed.proto".into())),
        "{errors:?}"
    );
    assert!(
        errors.contains(&("READER_FIELD_MISSING_DEFAULT_VALUE".into(), "avro/order_shipped.avsc".into())),
        "{errors:?}"
    );

    // With the registry's own level set to NONE for the Avro subject, only Protobuf breaks.
    client.set_config(Some("orders.order-shipped-value"), "NONE").unwrap();
    let (_, out, _) = check(&repo, &["--against", "registry", "--registry-url", &url, "--format", "json"]);
    assert!(!out.contains("READER_FIELD_MISSING_DEFAULT_VALUE"), "{out}");

    // An unreachable registry is an input error (exit 2), not a verdict.
    drop(server);
    let (code, _, err) = check(&repo, &["--against", "registry", "--registry-url", &url]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&url) && err.contains("Connection refused"), "{err}");
    // No URL at all names the flag to use.
    let (code, _, err) = check(&repo, &["--against", "registry"]);
    assert_eq!(code, 2);
    assert!(err.contains("--registry-url"), "{err}");
}

#[test]
fn registry_push_remote_verify_and_pull() {
    let tmp = tempfile::tempdir().unwrap();
    let server = registry(tmp.path());
    let url = server.url();
    let repo = tmp.path().join("repo");
    let (money, placed) = (MONEY, PLACED);
    tree(&repo, placed, AVRO_V1, OPENAPI_V1);
    write(&repo, "proto/acme/common/v1/money.proto", money);
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_schemagate")).args(args).current_dir(&repo).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    // Push registers the import first, then the event; a second push changes nothing.
    let (code, out, err) = run(&["registry", "push", "--registry-url", &url]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("orders.order-placed-value: registered") && out.contains("version 1"), "{out}");
    let (code, again, _) = run(&["registry", "push", "--registry-url", &url]);
    assert_eq!((code, again.clone()), (0, out.clone()), "push is not idempotent");
    let client =
        schemagate_registry::client::Client::new(&schemagate_registry::client::ClientConfig::new(url.clone())).unwrap();
    let mut subjects = client.subjects(false).unwrap();
    subjects.sort();
    assert_eq!(subjects, ["acme/common/v1/money.proto", "orders.order-placed-value", "orders.order-shipped-value"]);

    // Unchanged: both verdicts say compatible.
    let (code, out, err) =
        check(&repo, &["--against", "registry", "--registry-url", &url, "--remote-verify", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.matches("REGISTRY_COMPATIBLE").count(), 2, "{out}");

    // An incompatible Avro change: ours and the registry's verdicts agree, both shown.
    let shipped = r#"{"type":"record","name":"OrderShipped","fields":[{"name":"order_id","type":"string"},{"name":"carrier","type":"string"}]}"#;
    write(&repo, "avro/order_shipped.avsc", shipped);
    let (code, out, err) =
        check(&repo, &["--against", "registry", "--registry-url", &url, "--remote-verify", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("READER_FIELD_MISSING_DEFAULT_VALUE") && out.contains("REGISTRY_INCOMPATIBLE"), "{out}");
    assert!(!out.contains("VERDICT_DISAGREEMENT"), "{out}");

    // Push refuses it (exit 1) and the registry keeps one version.
    let (code, out, _) = run(&["registry", "push", "--registry-url", &url]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("orders.order-shipped-value: REFUSED"), "{out}");
    assert_eq!(client.versions("orders.order-shipped-value", false).unwrap(), [1]);

    // Pull writes what is registered, laid out like the repository: a folder baseline that
    // gives the same verdict as the registry itself.
    let pulled = tmp.path().join("pulled");
    let (code, out, err) = run(&["registry", "pull", "--registry-url", &url, "--out", pulled.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(pulled.join("proto/acme/common/v1/money.proto").is_file(), "{out}");
    assert!(pulled.join("avro/order_shipped.avsc").is_file(), "{out}");
    std::fs::copy(repo.join("api/orders.yaml"), pulled.join("api/orders.yaml")).unwrap_or_else(|_| {
        std::fs::create_dir_all(pulled.join("api")).unwrap();
        std::fs::copy(repo.join("api/orders.yaml"), pulled.join("api/orders.yaml")).unwrap()
    });
    let (code, out, err) = check(&repo, &["--against", pulled.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == "error")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(errors, ["READER_FIELD_MISSING_DEFAULT_VALUE"], "{out}");
}

/// Validates with PyPI's jsonschema against the schema scripts/test.sh fetches.
fn validate_sarif(document: &str) {
    use std::io::Write;
    let schema = std::env::var("SCHEMAGATE_SARIF_SCHEMA").unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-deps/sarif-2.1.0.json").display().to_string()
    });
    assert!(Path::new(&schema).is_file(), "SARIF schema not found at {schema}: run scripts/test.sh, which fetches it");
    let script =
        "import json,sys,jsonschema\njsonschema.validate(json.load(sys.stdin), json.load(open(sys.argv[1])))\n";
    let mut child = Command::new("python3")
        .args(["-c", script, &schema])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 with jsonschema (scripts/test.sh installs it)");
    child.stdin.take().unwrap().write_all(document.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "SARIF does not validate: {}\n{document}", String::from_utf8_lossy(&out.stderr));
}
