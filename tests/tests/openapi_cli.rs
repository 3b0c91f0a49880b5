//! End-to-end tests of `schemagate diff` and `schemagate breaking` on OpenAPI documents.

use std::path::{Path, PathBuf};

use schemagate_cli::{EXIT_BREAKING, EXIT_INPUT, EXIT_OK, run};

fn sg(args: &[&str]) -> (u8, String, String) {
    let mut argv: Vec<std::ffi::OsString> = vec!["schemagate".into()];
    argv.extend(args.iter().map(|a| a.into()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(argv, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn v1() -> String {
    repo().join("schemas/openapi/orders.yaml").display().to_string()
}

fn v2() -> String {
    repo().join("crates/openapi/fixtures/orders-v2.yaml").display().to_string()
}

#[test]
fn diff_lists_every_level_and_exits_0() {
    let (code, out, err) = sg(&["diff", &v2(), "--against", &v1(), "--format", "json"]);
    assert_eq!(code, EXIT_OK, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    let levels: Vec<&str> = findings.iter().map(|f| f["level"].as_str().unwrap()).collect();
    assert!(levels.contains(&"info") && levels.contains(&"warning") && levels.contains(&"error"), "{levels:?}");
    let added = findings.iter().find(|f| f["rule"] == "new-required-request-parameter").expect("tenant parameter");
    assert_eq!(added["method"], "GET");
    assert_eq!(added["api_path"], "/orders");
    assert_eq!((added["start_line"].as_u64(), added["start_column"].as_u64()), (Some(34), Some(11)));
}

#[test]
fn diff_level_filter() {
    let (_, out, _) = sg(&["diff", &v2(), "--against", &v1(), "--format", "json", "--level", "error"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(doc["findings"].as_array().unwrap().iter().all(|f| f["level"] == "error"));
}

#[test]
fn breaking_gate_exits_1_and_reports_no_info() {
    let (code, out, _) = sg(&["breaking", &v2(), "--against", &v1(), "--format", "json"]);
    assert_eq!(code, EXIT_BREAKING);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(doc["findings"].as_array().unwrap().iter().all(|f| f["level"] != "info"));
    let (same, _, _) = sg(&["breaking", &v1(), "--against", &v1()]);
    assert_eq!(same, EXIT_OK);
}

#[test]
fn fail_on_warning_and_severity_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    // Only warnings left: errors are downgraded or suppressed.
    let levels = tmp.path().join("levels.txt");
    std::fs::write(
        &levels,
        "new-required-request-parameter none\nnew-required-request-property none\nrequest-parameter-max-decreased none\nresponse-property-type-generalized none\napi-removed-before-sunset warn\n",
    )
    .unwrap();
    let levels = levels.display().to_string();
    let (code, _, err) = sg(&["breaking", &v2(), "--against", &v1(), "--severity-levels", &levels]);
    assert_eq!(code, EXIT_OK, "{err}");
    let (code, _, _) =
        sg(&["breaking", &v2(), "--against", &v1(), "--severity-levels", &levels, "--fail-on", "warning"]);
    assert_eq!(code, EXIT_BREAKING);
}

#[test]
fn ignore_files_and_path_filters() {
    let tmp = tempfile::tempdir().unwrap();
    let ignore = tmp.path().join("err-ignore.txt");
    std::fs::write(&ignore, "GET /orders new required request parameter\n").unwrap();
    let ignore = ignore.display().to_string();
    let (_, out, _) = sg(&["breaking", &v2(), "--against", &v1(), "--err-ignore", &ignore]);
    assert!(!out.contains("new-required-request-parameter"), "{out}");
    assert!(out.contains("new-required-request-property"), "{out}");
    let (_, out, _) = sg(&["diff", &v2(), "--against", &v1(), "--match-path", "^/orders$"]);
    // A change in a shared component names its first operation and how many more reach it.
    assert!(
        out.lines().filter(|l| l.contains(" [")).all(|l| l.contains(" /orders] ") || l.contains(" /orders (+")),
        "{out}"
    );
    // Every operation kept, the first and the further ones, is /orders.
    let (_, out, _) = sg(&["diff", &v2(), "--against", &v1(), "--match-path", "^/orders$", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["uses"].as_array().is_some_and(|u| u.len() > 1)), "{out}");
    for f in findings {
        assert_eq!(f["api_path"], "/orders", "{f}");
        for u in f["uses"].as_array().into_iter().flatten() {
            assert_eq!(u["api_path"], "/orders", "{f}");
        }
    }
}

#[test]
fn bad_openapi_input_exits_2_with_position() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.yaml");
    std::fs::write(&bad, "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {get: [\n").unwrap();
    let (code, _, err) = sg(&["diff", &bad.display().to_string(), "--against", &v1()]);
    assert_eq!(code, EXIT_INPUT);
    assert!(err.contains("bad.yaml:"), "{err}");
    let (code, _, err) = sg(&["diff", "/no/such/api.yaml", "--against", &v1()]);
    assert_eq!(code, EXIT_INPUT);
    assert!(err.contains("/no/such/api.yaml"), "{err}");
    let levels = tmp.path().join("levels.txt");
    std::fs::write(&levels, "not-a-check err\n").unwrap();
    let (code, _, err) = sg(&["diff", &v2(), "--against", &v1(), "--severity-levels", &levels.display().to_string()]);
    assert_eq!(code, EXIT_INPUT);
    assert!(err.contains("levels.txt:1:1: unknown check id `not-a-check`"), "{err}");
}
