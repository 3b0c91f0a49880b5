//! A third-party client against the server: Confluent's own Python client (PyPI
//! `confluent-kafka`) runs `tests/python/confluent_client.py` — register, lookup, latest,
//! compatibility for AVRO, JSON and PROTOBUF (with a reference), a 409 refusal, config,
//! deletion, and serializer round trips; `tests/python/protobuf_descriptors.py` — the
//! Protobuf serializer registering schemas (and their imports) in descriptor form; and
//! `tests/python/confluent_contexts.py` — subjects and ids in a schema context.

mod common;

use std::process::Command;
use std::time::Instant;

use common::TestServer;

const INSTALL: &str = "python3 -m pip install \"confluent-kafka[schemaregistry,protobuf,avro,json]\"";

fn python() -> String {
    std::env::var("SCHEMAGATE_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Fails (never skips) when Python or the client is missing, saying how to install it.
fn require_client() {
    let probe = Command::new(python())
        .args(["-c", "import confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.protobuf, fastavro"])
        .output();
    match probe {
        Err(e) => panic!("python3 is needed for the Confluent client test ({e}); then run: {INSTALL}"),
        Ok(out) if !out.status.success() => panic!(
            "the Confluent Python client is not installed: {}\nrun: {INSTALL}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Ok(_) => {}
    }
}

/// Runs `tests/python/{script}` against `url`; it must end with a line `OK ...`.
fn run_script(script: &str, url: &str, credentials: Option<&str>) {
    let script = format!("{}/tests/python/{script}", env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let mut command = Command::new(python());
    command.arg(&script).arg(url);
    if let Some(c) = credentials {
        command.arg(c);
    }
    let out = command.output().expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or("");
    eprintln!("{last} in {:?}", started.elapsed());
    assert!(
        out.status.success() && last.starts_with("OK "),
        "the Confluent client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn confluent_python_client() {
    require_client();
    let t = TestServer::start();
    run_script("confluent_client.py", &t.server.url(), None);
}

#[test]
fn confluent_python_client_with_basic_auth() {
    require_client();
    let t = TestServer::start_with(|c| c.basic_auth = Some(("ci".into(), "pa:ss".into())));
    run_script("confluent_client.py", &t.server.url(), Some("ci:pa:ss"));
}

#[test]
fn confluent_protobuf_serializer_registers_descriptors() {
    require_client();
    let t = TestServer::start();
    run_script("protobuf_descriptors.py", &t.server.url(), None);
}

#[test]
fn confluent_client_in_a_schema_context() {
    require_client();
    let t = TestServer::start();
    run_script("confluent_contexts.py", &t.server.url(), None);
}
