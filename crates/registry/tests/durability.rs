//! Durability: the server runs as its own OS process (the `serve` example) and is killed with
//! SIGKILL, mid-stream; after a restart on the same database every acknowledged write is there.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Api, avro_record};
use serde_json::json;

/// Builds the `serve` example (a no-op when it is fresh) and returns its path. Cargo does not
/// hand integration tests the path of examples, and does not always build them for a test.
fn serve_example() -> PathBuf {
    let test_exe = std::env::current_exe().expect("the test's own path");
    // target/<profile>/deps/durability-HASH -> target/<profile>
    let profile_dir = test_exe.parent().and_then(Path::parent).expect("a cargo target directory").to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut build = Command::new(cargo);
    build.args(["build", "--quiet", "-p", "schemagate-registry", "--example", "serve"]);
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building the serve example failed");
    let exe = profile_dir.join("examples").join(format!("serve{}", std::env::consts::EXE_SUFFIX));
    assert!(exe.exists(), "{} was not built", exe.display());
    exe
}

/// A server process, killed with SIGKILL when dropped (also when an assertion fails).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        // std's Child::kill is SIGKILL on Unix: no shutdown code runs.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the server process on a free port; returns it and its URL.
fn start(exe: &Path, db: &Path) -> (Server, String) {
    let mut child = Command::new(exe)
        .args(["--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server process starts");
    let stdout = child.stdout.take().expect("stdout");
    let child = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("the server prints its address");
    let url =
        line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected output {line:?}")).to_string();
    (child, url)
}

fn kill_9(server: Server) {
    drop(server);
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let exe = serve_example();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.db");

    let (child, url) = start(&exe, &db);
    let api = Api::new(url);
    // A fixed part: every kind of write.
    api.put("/config", &json!({"compatibility": "NONE"}));
    let money = "syntax = \"proto3\";\npackage common;\nmessage Money { int64 units = 1; }\n";
    let money_id = api.register("money.proto", &json!({"schemaType": "PROTOBUF", "schema": money}));
    let payment = "syntax = \"proto3\";\nimport \"money.proto\";\nmessage Payment { common.Money amount = 1; }\n";
    let references = json!([{"name": "money.proto", "subject": "money.proto", "version": 1}]);
    let payment_id =
        api.register("payment", &json!({"schemaType": "PROTOBUF", "schema": payment, "references": references}));
    let json_id = api.register("fixed-json", &json!({"schemaType": "JSON", "schema": "{\"type\":\"object\"}"}));
    let avro_id = api.register("fixed-avro", &json!({"schema": avro_record("F", &[("a", "int")])}));
    api.register("fixed-avro", &json!({"schema": avro_record("G", &[("b", "int")])}));
    assert_eq!(api.delete("/subjects/fixed-avro/versions/2").0, 200);
    api.put("/config/fixed-avro", &json!({"compatibility": "FULL_TRANSITIVE"}));
    api.put("/mode/frozen", &json!({"mode": "READONLY"}));

    // A stream of registrations from 4 threads, killed while they run.
    let acknowledged: Arc<Mutex<Vec<(String, i64)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (api, acknowledged, stop) = (api.clone(), acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                for n in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let subject = format!("stream-{w}");
                    let body = json!({"schema": avro_record(&format!("S{w}x{n}"), &[("n", "long")])});
                    let Ok(response) =
                        api.client.post(format!("{}/subjects/{subject}/versions", api.base)).json(&body).send()
                    else {
                        break; // the server is gone: this write was never acknowledged
                    };
                    let Ok(answer) = response.json::<serde_json::Value>() else { break };
                    let id = answer["id"].as_i64().expect("an id");
                    acknowledged.lock().unwrap().push((subject, id));
                }
            })
        })
        .collect();
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 200 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    kill_9(child);
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    eprintln!("{} registrations acknowledged in {:?} before SIGKILL", acknowledged.len(), started.elapsed());
    assert!(acknowledged.len() >= 200);

    let restarted = Instant::now();
    let (child, url) = start(&exe, &db);
    eprintln!("restarted in {:?}", restarted.elapsed());
    let api = Api::new(url);
    for (subject, id) in &acknowledged {
        let (status, versions) = api.get(&format!("/schemas/ids/{id}/versions"));
        assert_eq!(status, 200, "id {id} of {subject} was lost: {versions}");
        assert!(versions.as_array().unwrap().iter().any(|v| v["subject"] == subject.as_str()), "{subject} {id}");
    }
    let mut ids: Vec<i64> = acknowledged.iter().map(|(_, id)| *id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), acknowledged.len(), "no id handed out twice");

    assert_eq!(api.get("/config").1, json!({"compatibilityLevel": "NONE"}));
    assert_eq!(api.get("/config/fixed-avro").1, json!({"compatibilityLevel": "FULL_TRANSITIVE"}));
    assert_eq!(api.get("/mode/frozen").1, json!({"mode": "READONLY"}));
    assert_eq!(api.get("/subjects/money.proto/versions/1").1["id"], money_id);
    let (_, p) = api.get("/subjects/payment/versions/latest");
    assert_eq!(
        (p["id"].as_i64(), &p["references"], p["schema"].as_str()),
        (Some(payment_id), &references, Some(payment))
    );
    assert_eq!(api.get("/subjects/money.proto/versions/1/referencedby").1, json!([payment_id]));
    assert_eq!(api.get("/subjects/fixed-json/versions/1").1["id"], json_id);
    assert_eq!(api.get("/subjects/fixed-avro/versions").1, json!([1]), "the soft delete survived");
    assert_eq!(api.get("/subjects/fixed-avro/versions?deleted=true").1, json!([1, 2]));
    assert_eq!(api.get(&format!("/schemas/ids/{avro_id}")).0, 200);
    // New ids continue after every id ever handed out.
    let max = *ids.last().unwrap();
    assert!(api.register("after-restart", &json!({"schema": "\"bytes\""})) > max);
    kill_9(child);
}
