//! docs/schemagate.schema.json (the editor schema of schemagate.yaml) agrees with what
//! `schemagate check` accepts: the repository's own config and a full example validate, and
//! a config the tool rejects is rejected by the schema too. Checked with PyPI's jsonschema,
//! which scripts/test.sh installs.

use std::path::Path;

fn schema_accepts(yaml: &str) -> Result<(), String> {
    schemagate_e2e::schema_accepts("schemagate.schema.json", yaml)
}

fn tool_accepts(yaml: &str) -> bool {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("schemagate.yaml");
    std::fs::write(&path, yaml).unwrap();
    let argv: Vec<std::ffi::OsString> = vec![
        "schemagate".into(),
        "check".into(),
        "--config".into(),
        path.into(),
        "--against".into(),
        "registry".into(),
    ];
    let (mut out, mut err) = (Vec::new(), Vec::new());
    schemagate_cli::run(argv, &mut out, &mut err);
    // Against a registry the run stops after reading the config (no URL, or an unset
    // credential variable); config errors are the ones that name the config file.
    let err = String::from_utf8_lossy(&err);
    assert!(!err.is_empty());
    !err.contains("schemagate.yaml:")
}

const FULL: &str = "\
version: v2
protobuf: {path: proto}
breaking: {use: [FILE, WIRE_JSON], except: [FIELD_SAME_JSON_NAME], ignore_unstable_packages: true}
openapi: [{path: api/orders.yaml}]
subjects:
  - {name: orders.order-placed-value, type: PROTOBUF, file: proto/a.proto, level: FULL_TRANSITIVE, record: acme.A}
  - {name: orders.shipped-value, type: AVRO, file: avro/s.avsc}
  - {name: orders.audit-value, type: JSON, file: json/audit.json, level: NONE}
fail_on: warning
require_subjects: true
registry: {url: 'https://registry.example.com', username_env: SR_USER, password_env: SR_PASSWORD, ca_cert: ca.pem}
";

#[test]
fn repository_config_and_full_example_validate() {
    let own = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemagate.yaml")).unwrap();
    for yaml in [own.as_str(), FULL] {
        schema_accepts(yaml).unwrap();
        assert!(tool_accepts(yaml), "{yaml}");
    }
}

#[test]
fn configs_the_tool_rejects_the_schema_rejects() {
    for yaml in [
        "subjects: [{name: a, file: a.proto, colour: red}]\n",
        "protobuf: {root: proto}\n",
        "registry: {url: x, password: hunter2}\n",
        "openapi: [{file: api.yaml}]\n",
        "subjects: [{file: a.proto}]\n",
    ] {
        assert!(!tool_accepts(yaml), "tool accepted {yaml}");
        assert!(schema_accepts(yaml).is_err(), "schema accepted {yaml}");
    }
}
