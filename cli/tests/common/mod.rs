//! What the end-to-end tests of `schemagate contract` share: running the real binary, writing
//! fixture files, and a registry server on a free loopback port.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the binary in `cwd`: exit code, stdout, stderr.
pub fn schemagate(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_schemagate"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// `schemagate contract test --kafka embedded` in `dir` (librdkafka's mock cluster, no Docker).
pub fn test_embedded(dir: &Path) -> (i32, String, String) {
    schemagate(dir, &["contract", "test", "--kafka", "embedded"])
}

/// Writes `text` at `root/rel`, creating folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// schemagate's registry server on a free loopback port, with its database folder.
pub fn registry() -> (schemagate_registry::server::RunningServer, tempfile::TempDir) {
    let db = tempfile::tempdir().unwrap();
    let server = schemagate_registry::server::spawn(schemagate_registry::server::ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        db_path: db.path().join("registry.db"),
        basic_auth: None,
        read_only: false,
    })
    .unwrap();
    (server, db)
}

/// Asserts that the output holds every one of these lines (or parts of lines).
pub fn assert_reports(stdout: &str, expected: &[&str]) {
    for e in expected {
        assert!(stdout.contains(e), "missing {e:?} in\n{stdout}");
    }
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Whether the Testcontainers tests run: with a Docker engine and a broker image named in
/// `SCHEMAGATE_KAFKA_IMAGE` (no image can be pulled here). Panics when CI requires them.
pub fn docker_kafka() -> bool {
    let required = std::env::var("SCHEMAGATE_REQUIRE_DOCKER").is_ok_and(|v| v == "1");
    let image = std::env::var("SCHEMAGATE_KAFKA_IMAGE").is_ok_and(|v| !v.is_empty());
    let docker = schemagate_contract::kafka::docker_available();
    if required {
        assert!(
            docker,
            "SCHEMAGATE_REQUIRE_DOCKER=1 but no Docker engine answers: start dockerd (scripts/test.sh does)"
        );
        assert!(image, "SCHEMAGATE_REQUIRE_DOCKER=1 but SCHEMAGATE_KAFKA_IMAGE names no broker image");
        return true;
    }
    if !(docker && image) {
        eprintln!("skipping: needs a Docker engine and SCHEMAGATE_KAFKA_IMAGE (scripts/test.sh sets both)");
    }
    docker && image
}

pub fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Tests that start containers or remove labelled ones run one at a time.
pub static DOCKER: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn docker_lock() -> std::sync::MutexGuard<'static, ()> {
    DOCKER.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub const INSTALL: &str = "python3 -m pip install \"confluent-kafka[schemaregistry,protobuf,avro]\"";

pub fn python_script(name: &str) -> String {
    format!("{}/../crates/contract/tests/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn python(args: &[&str]) -> String {
    let out = Command::new("python3").args(args).output().unwrap_or_else(|e| panic!("python3: {e}; then {INSTALL}"));
    assert!(
        out.status.success(),
        "python {args:?} failed:\n{}\n{}\n(is confluent-kafka installed? {INSTALL})",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into()
}

/// `2026-11-03T08:40:12+00:00` for whole-second epoch milliseconds (Hinnant's civil_from_days).
pub fn rfc3339(millis: i64) -> String {
    let secs = millis / 1000;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+00:00", rem / 3600, rem % 3600 / 60, rem % 60)
}

pub fn lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout.lines().filter(|l| !l.trim().is_empty()).map(json).collect()
}
