//! The SARIF report validates against the official SARIF 2.1.0 JSON schema (fetched by
//! scripts/test.sh into target/test-deps and named by SCHEMAGATE_SARIF_SCHEMA), checked with
//! PyPI's jsonschema.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use schemagate_cli::run;

fn sarif_of(args: &[&str]) -> String {
    let mut argv: Vec<std::ffi::OsString> = vec!["schemagate".into()];
    argv.extend(args.iter().map(|a| a.into()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    run(argv, &mut out, &mut err);
    String::from_utf8(out).unwrap()
}

fn validate(document: &str) {
    let schema = std::env::var("SCHEMAGATE_SARIF_SCHEMA").unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-deps/sarif-2.1.0.json").display().to_string()
    });
    assert!(Path::new(&schema).is_file(), "SARIF schema not found at {schema}: run scripts/test.sh, which fetches it");
    let script = "import json,sys,jsonschema\nschema=json.load(open(sys.argv[1]))\ndoc=json.load(sys.stdin)\njsonschema.validate(doc, schema)\nprint('valid')\n";
    let mut child = Command::new("python3")
        .args(["-c", script, &schema])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is needed (scripts/test.sh installs jsonschema)");
    child.stdin.take().unwrap().write_all(document.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "SARIF does not validate: {}\n{}", String::from_utf8_lossy(&out.stderr), document);
}

#[test]
fn protobuf_and_openapi_sarif_validate() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let v1 = repo.join("schemas/openapi/orders.yaml").display().to_string();
    let v2 = repo.join("crates/openapi/fixtures/orders-v2.yaml").display().to_string();
    let openapi = sarif_of(&["diff", &v2, "--against", &v1, "--format", "sarif"]);
    assert!(openapi.contains("\"ruleId\": \"new-required-request-parameter\""), "{openapi}");
    validate(&openapi);
    let fixture = repo.join("crates/protobuf/fixtures/FIELD_NO_DELETE");
    let proto = sarif_of(&[
        "breaking",
        &fixture.join("current").display().to_string(),
        "--against",
        &fixture.join("previous").display().to_string(),
        "--format",
        "sarif",
    ]);
    assert!(proto.contains("\"ruleId\": \"FIELD_NO_DELETE\""), "{proto}");
    validate(&proto);
}
