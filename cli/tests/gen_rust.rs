//! `schemagate gen rust` end to end, with the real binary: the crate it writes for the example
//! domain, built (in the shared target dir) into a driver program that produces every contract
//! example through a real broker (the Testcontainers path of `contract test`) and our registry,
//! consumes them back typed and equal, and is read by `schemagate contract verify` and by PyPI
//! confluent-kafka's deserializers; confluent-kafka's serializers write, the generated consumer
//! reads. Exit codes and `--check` are tested without Docker.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{docker_kafka, docker_lock, json, lines, python, python_script, registry, repo_root, rfc3339, schemagate};
use schemagate_contract::model::SchemaType;
use schemagate_contract::schema::{self, Loaded, Source};
use schemagate_contract::{Contract, KafkaSettings, Mode, wire};

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target"))
}

fn cargo(dir: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo {} failed in {}:\n{}{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file under `dir` (relative path, bytes), sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn gen_rust(out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["gen", "rust", "--out", out.to_str().unwrap()];
    args.extend(extra);
    schemagate(&repo_root(), &args)
}

#[test]
fn gen_rust_writes_a_deterministic_crate_and_check_exits_1_when_it_is_stale() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("acme-events");
    let (code, stdout, stderr) = gen_rust(&dir, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("wrote crate acme-events"), "{stdout}");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"acme-events\""), "the crate is named after its folder:\n{manifest}");
    let contracts = schemagate_contract::load_dir(&repo_root().join("contracts")).unwrap();
    for contract in &contracts {
        let module = schemagate_codegen::naming::topic_module(&contract.topic);
        assert!(dir.join(format!("src/topics/{module}.rs")).is_file(), "no module for {}", contract.topic);
    }
    let first = tree(&dir);

    let (code, stdout, _) = gen_rust(&dir, &["--check"]);
    assert_eq!((code, stdout.contains("up to date")), (0, true), "{stdout}");
    let (code, _, stderr) = gen_rust(&dir, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(tree(&dir), first, "a second run wrote different bytes");

    std::fs::write(dir.join("src/lib.rs"), "// edited by hand\n").unwrap();
    std::fs::remove_file(dir.join("README.md")).unwrap();
    let (code, stdout, _) = gen_rust(&dir, &["--check"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("src/lib.rs: differs from the generated file"), "{stdout}");
    assert!(stdout.contains("README.md: missing"), "{stdout}");
    assert_eq!(std::fs::read_to_string(dir.join("src/lib.rs")).unwrap(), "// edited by hand\n", "--check wrote");

    let (code, _, stderr) = gen_rust(&dir, &["--crate-name", "Not A Name"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not a usable crate name"), "{stderr}");
    let (code, _, stderr) = gen_rust(&dir, &["--strategy", "ByColour"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("expected TopicName, RecordName or TopicRecordName"), "{stderr}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn bad_input_exits_2_with_file_line_and_column_and_writes_nothing() {
    let project = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("crates/codegen/tests/fixtures/shop"), project.path());
    let contract = project.path().join("contracts/orders.order-placed.yaml");
    let text = std::fs::read_to_string(&contract).unwrap();
    std::fs::write(&contract, text.replace("message: shop.orders.v1.OrderPlaced", "message: shop.orders.v1.Nope"))
        .unwrap();
    let out = project.path().join("generated");
    let config = project.path().join("schemagate.yaml");
    let (code, stdout, stderr) = schemagate(
        project.path(),
        &["gen", "rust", "--out", out.to_str().unwrap(), "--config", config.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("contracts/orders.order-placed.yaml:6:3: no message shop.orders.v1.Nope"), "{stderr}");
    assert!(stderr.contains("schemagate::gen"), "{stderr}");
    assert!(!out.exists(), "a failed run left {}", out.display());
    let leftovers: Vec<_> = std::fs::read_dir(project.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".gen-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
}

// ---- The generated crate against a real broker and registry ----

/// The schema a contract's key or value is written with.
fn load(root: &Path, r: &schemagate_contract::model::SchemaRef) -> Loaded {
    schema::load(
        root,
        &Source {
            schema_type: r.schema_type,
            file: r.file.as_deref().unwrap(),
            message: r.message.as_deref(),
            root: r.root.as_deref(),
            revision: None,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The payload bytes of `value` (what follows the Confluent header), as the contract runner
/// encodes an example.
fn payload(schema: &Loaded, value: &serde_json::Value) -> Vec<u8> {
    let framed = wire::encode(schema, 1, value).unwrap_or_else(|e| panic!("{e}"));
    let frame = wire::frame(&framed, matches!(schema, Loaded::Protobuf(_))).unwrap();
    frame.payload.to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The driver's input: every contract's examples as payload bytes.
fn examples_json(root: &Path, contracts: &[Contract]) -> serde_json::Value {
    let topics: Vec<serde_json::Value> = contracts
        .iter()
        .map(|c| {
            let value = load(root, &c.value);
            let key = c.key.as_ref().filter(|k| k.schema_type != SchemaType::String).map(|k| load(root, k));
            let examples: Vec<serde_json::Value> = c
                .examples
                .iter()
                .map(|e| {
                    let raw_key = e.key.as_ref().unwrap_or_else(|| panic!("{}: {} has no key", c.topic, e.name));
                    let key_bytes = match (&key, raw_key) {
                        (Some(schema), k) => payload(schema, k),
                        (None, serde_json::Value::String(s)) => s.as_bytes().to_vec(),
                        (None, other) => other.to_string().into_bytes(),
                    };
                    serde_json::json!({
                        "key_hex": hex(&key_bytes),
                        "value_hex": hex(&payload(&value, &e.value)),
                        "headers": e.headers,
                    })
                })
                .collect();
            serde_json::json!({"topic": c.topic, "partitions": c.partitions, "examples": examples})
        })
        .collect();
    serde_json::Value::Array(topics)
}

/// The driver crate beside the generated one: driver.rs and a dispatch over the topic modules.
fn write_driver(dir: &Path, generated: &Path, contracts: &[Contract]) {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"gen-rust-driver\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ngenerated = {{ package = \"acme-events\", path = {:?} }}\n\
             rdkafka = {{ version = \"0.39\", default-features = false, features = [\"tokio\", \"ssl-vendored\", \"libz-static\"] }}\n\
             tokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\", \"time\", \"sync\"] }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n",
            generated.to_str().unwrap()
        ),
    )
    .unwrap();
    std::fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::copy(repo_root().join("cli/tests/gen-rust-driver/driver.rs"), src.join("main.rs")).unwrap();
    let mut dispatch = String::from(
        "//! Written by cli/tests/gen_rust.rs: one arm per contract topic.\n\n\
         use generated::runtime::Config;\nuse generated::topics;\n\nuse crate::TopicExamples;\n",
    );
    for (name, call) in [
        (
            "produce",
            "crate::produce::<topics::{m}::Key, topics::{m}::Value, topics::{m}::Headers>(config, &topics::{m}::TOPIC, t)",
        ),
        (
            "consume",
            "crate::consume::<topics::{m}::Key, topics::{m}::Value, topics::{m}::Headers>(config, &topics::{m}::TOPIC, t, copies)",
        ),
    ] {
        let extra = if name == "consume" { ", copies: usize" } else { "" };
        dispatch.push_str(&format!(
            "\npub async fn {name}(config: &Config, t: &TopicExamples{extra}) -> Result<serde_json::Value, String> {{\n    match t.topic.as_str() {{\n"
        ));
        for c in contracts {
            let module = schemagate_codegen::naming::topic_module(&c.topic);
            dispatch.push_str(&format!("        {:?} => {}.await,\n", c.topic, call.replace("{m}", &module)));
        }
        dispatch.push_str("        other => Err(format!(\"no generated module for topic {other}\")),\n    }\n}\n");
    }
    std::fs::write(src.join("dispatch.rs"), dispatch).unwrap();
}

fn driver(binary: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let out = Command::new(binary).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "driver {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    lines(&stdout)
}

fn format_of(c: &Contract) -> &'static str {
    match c.value.schema_type {
        SchemaType::Avro => "avro",
        SchemaType::Protobuf => "protobuf",
        SchemaType::Json => "json",
        SchemaType::String => panic!("{}: a STRING value", c.topic),
    }
}

/// Whether what a confluent-kafka deserializer returned means the example's value: Protobuf's
/// JSON mapping omits proto3 defaults and writes 64-bit integers as strings; fastavro returns
/// timestamp-millis as a date-time.
fn same_value(example: &serde_json::Value, got: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    let is_default = |v: &J| match v {
        J::Null => true,
        J::Bool(b) => !b,
        J::Number(n) => n.as_f64() == Some(0.0),
        J::String(s) => s.is_empty() || s == "0",
        J::Array(a) => a.is_empty(),
        J::Object(o) => o.is_empty(),
    };
    match (example, got) {
        (J::Object(a), J::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().all(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => same_value(x, y),
                (Some(x), None) | (None, Some(x)) => is_default(x),
                (None, None) => true,
            })
        }
        (J::Array(a), J::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y)),
        (J::Number(n), J::String(s)) | (J::String(s), J::Number(n)) => {
            n.to_string() == *s || n.as_i64().is_some_and(|ms| rfc3339(ms) == *s)
        }
        (J::Number(a), J::Number(b)) => a.as_f64() == b.as_f64(),
        _ => example == got,
    }
}

#[test]
fn the_generated_crate_round_trips_every_example_and_interoperates_with_confluent_kafka() {
    if !docker_kafka() {
        return;
    }
    let root = repo_root();
    let contracts = schemagate_contract::load_dir(&root.join("contracts")).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let generated = scratch.path().join("acme-events");
    let (code, stdout, stderr) = gen_rust(&generated, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let driver_dir = scratch.path().join("driver");
    write_driver(&driver_dir, &generated, &contracts);
    cargo(&driver_dir, &["clippy", "--offline", "--", "-D", "warnings"]);
    cargo(&driver_dir, &["build", "--offline"]);
    let binary = target_dir().join("debug/gen-rust-driver");
    let examples = scratch.path().join("examples.json");
    std::fs::write(&examples, examples_json(&root, &contracts).to_string()).unwrap();
    let examples = examples.to_str().unwrap();

    let _serial = docker_lock();
    let cluster = schemagate_contract::kafka::start(Mode::Testcontainers, &KafkaSettings::default(), "gen-rust-test")
        .expect("a broker starts");
    let (server, _db) = registry();
    let url = server.url();
    let bootstrap = cluster.bootstrap.as_str();

    // 1. The generated producers write every example; the generated consumers read them back.
    let produced = driver(&binary, &["produce", examples, bootstrap, &url]);
    assert_eq!(produced.len(), contracts.len());
    for (line, c) in produced.iter().zip(&contracts) {
        assert_eq!(line["produced"], c.examples.len(), "{line}");
    }
    for line in driver(&binary, &["consume", examples, bootstrap, &url, "1"]) {
        assert_eq!(line["unexpected"], serde_json::json!([]), "{line}");
        assert_eq!(line["missing"], serde_json::json!([]), "{line}");
        assert_eq!(line["dead_lettered"], 0, "{line}");
    }

    // 2. `schemagate contract verify` accepts what they wrote, as every consumer.
    let (code, stdout, stderr) = schemagate(
        &root,
        &[
            "contract",
            "verify",
            "--kafka",
            "external",
            "--bootstrap-servers",
            bootstrap,
            "--registry",
            &url,
            "--format",
            "json",
            "--timeout",
            "30",
        ],
    );
    assert_eq!(code, 0, "contract verify refused what the generated producers wrote:\n{stdout}\n{stderr}");
    let report = json(&stdout);
    assert_eq!(report["contracts"].as_array().unwrap().len(), contracts.len(), "{stdout}");

    // 3. confluent-kafka's deserializers read every topic; its serializers write the examples
    //    again, under the same subjects.
    for c in &contracts {
        let format = format_of(c);
        let count = c.examples.len().to_string();
        let read = python(&[
            &python_script("consume.py"),
            "--bootstrap",
            bootstrap,
            "--registry",
            &url,
            "--topic",
            &c.topic,
            "--format",
            format,
            "--count",
            &count,
        ]);
        let got = lines(&read);
        assert_eq!(got.len(), c.examples.len(), "{}: {read}", c.topic);
        for e in &c.examples {
            assert!(
                got.iter().any(|m| m["key"] == *e.key.as_ref().unwrap() && same_value(&e.value, &m["value"])),
                "{}: confluent-kafka's {format} deserializer did not read example {} back:\n{read}",
                c.topic,
                e.name
            );
        }

        let records: Vec<serde_json::Value> = c
            .examples
            .iter()
            .map(|e| serde_json::json!({"key": e.key, "value": e.value, "headers": e.headers}))
            .collect();
        let values = scratch.path().join(format!("{}.json", c.topic));
        std::fs::write(&values, serde_json::to_string(&records).unwrap()).unwrap();
        let subject = c.value_subject();
        let mut args = vec![
            python_script("produce.py"),
            "--bootstrap".into(),
            bootstrap.into(),
            "--registry".into(),
            url.clone(),
            "--topic".into(),
            c.topic.clone(),
            "--format".into(),
            format.into(),
            "--values".into(),
            values.to_str().unwrap().into(),
            "--subject".into(),
            subject,
        ];
        match load(&root, &c.value) {
            Loaded::Protobuf(p) => {
                let set = scratch.path().join(format!("{}.pb", c.topic));
                std::fs::write(&set, p.descriptor_set()).unwrap();
                args.extend(["--descriptor-set".into(), set.to_str().unwrap().into()]);
                args.extend(["--message".into(), c.value.message.clone().unwrap()]);
            }
            _ => args
                .extend(["--schema-file".into(), root.join(c.value.file.as_deref().unwrap()).to_str().unwrap().into()]),
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        python(&args);
    }

    // 4. The generated consumers, in new groups, read both: each example twice, typed and equal.
    for line in driver(&binary, &["consume", examples, bootstrap, &url, "2"]) {
        assert_eq!(line["unexpected"], serde_json::json!([]), "{line}");
        assert_eq!(line["missing"], serde_json::json!([]), "{line}");
        assert_eq!(line["dead_lettered"], 0, "{line}");
    }
}
