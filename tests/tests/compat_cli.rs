//! End-to-end tests of `schemagate compat`.

use schemagate_cli::{EXIT_BREAKING, EXIT_INPUT, EXIT_OK, run};

fn sg(args: &[&str]) -> (u8, String, String) {
    let mut argv: Vec<std::ffi::OsString> = vec!["schemagate".into()];
    argv.extend(args.iter().map(|a| a.into()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(argv, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn version(dir: &std::path::Path, n: u32, body: &str) -> String {
    let d = dir.join(format!("v{n}"));
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join("order_placed.proto");
    std::fs::write(&p, format!("syntax = \"proto3\";\npackage acme.orders.v1;\n{body}\n")).unwrap();
    p.display().to_string()
}

#[test]
fn protobuf_levels_and_json_output() {
    let tmp = tempfile::tempdir().unwrap();
    let v1 = version(tmp.path(), 1, "message OrderPlaced { string order_id = 1; int32 items = 2; }");
    let v2 = version(tmp.path(), 2, "message OrderPlaced { string order_id = 1; }");
    let v3 = version(tmp.path(), 3, "message OrderPlaced { string order_id = 1; string items = 2; }");

    // Against the latest version only, reusing field 2 with another type passes...
    let (code, out, err) =
        sg(&["compat", &v3, "--against", &v1, "--against", &v2, "--level", "BACKWARD", "--format", "json"]);
    assert_eq!(code, EXIT_OK, "{out}{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["compatible"], true);

    // ... but a transitive check also reads v1's data, where field 2 was an int32.
    let (code, out, _) =
        sg(&["compat", &v3, "--against", &v1, "--against", &v2, "--level", "BACKWARD_TRANSITIVE", "--format", "json"]);
    assert_eq!(code, EXIT_BREAKING);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["compatible"], false);
    let m = &doc["messages"][0];
    assert_eq!(m["type"], "FIELD_SCALAR_KIND_CHANGED");
    assert_eq!(m["path"], "#/OrderPlaced/2");
    assert!(m["message"].as_str().unwrap().starts_with("version 1:"), "{m}");

    let (code, out, _) = sg(&["compat", &v3, "--against", &v1]);
    assert_eq!(code, EXIT_BREAKING);
    assert!(out.starts_with("incompatible (BACKWARD):"), "{out}");
}

#[test]
fn bad_usage_and_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let v1 = version(tmp.path(), 1, "message A {}");
    assert_eq!(sg(&["compat", &v1, "--against", &v1, "--level", "SIDEWAYS"]).0, EXIT_INPUT);
    assert_eq!(sg(&["compat", &v1]).0, EXIT_INPUT);
    let bad = version(tmp.path(), 9, "message A { int32 = 1; }");
    let (code, _, err) = sg(&["compat", &bad, "--against", &v1]);
    assert_eq!(code, EXIT_INPUT);
    assert!(err.contains("order_placed.proto:3:19"), "{err}");
}
