//! End-to-end tests live in `tests/`; this crate holds what several of them share.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Validates a YAML document against one of docs/*.schema.json (draft 2020-12) with PyPI's
/// jsonschema, which scripts/test.sh installs; the error text when it is rejected. Panics when
/// Python or jsonschema is missing: these tests never skip.
pub fn schema_accepts(schema: &str, yaml: &str) -> Result<(), String> {
    let doc: serde_json::Value = yaml_serde::from_str(yaml).map_err(|e| e.to_string())?;
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs").join(schema);
    let script = "import json,sys,jsonschema\nschema=json.load(open(sys.argv[1]))\n\
jsonschema.Draft202012Validator.check_schema(schema)\njsonschema.Draft202012Validator(schema).validate(json.load(sys.stdin))\n";
    let mut child = Command::new("python3")
        .args(["-c", script, &schema.display().to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is needed (scripts/test.sh installs jsonschema)");
    child.stdin.take().unwrap().write_all(doc.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("ModuleNotFoundError"), "{err}");
    if out.status.success() { Ok(()) } else { Err(err.into_owned()) }
}
