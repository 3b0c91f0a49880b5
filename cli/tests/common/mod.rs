//! What the end-to-end tests of `schemagate contract` share: running the real binary, writing
//! fixture files, and a registry server on a free loopback port.
#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;
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
