//! What the tests that build generated crates share: the workspace, and cargo run in a
//! generated crate with schemagate's own Cargo.lock and the shared target dir (so that the
//! dependencies compile once for all of them).
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The target dir generated crates are built in: the workspace's (or `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace().join("target"))
}

/// Copies schemagate's Cargo.lock into a generated crate, so that `--offline` finds every
/// dependency at the version already built.
pub fn copy_lock(dir: &Path) {
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

pub fn cargo(dir: &Path, args: &[&str]) -> Output {
    cargo_with(dir, args, &[])
}

/// Runs cargo in `dir`; panics with its output when it fails.
pub fn cargo_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .envs(env.iter().copied())
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
    output
}

/// A driver program for a generated client: the client of `spec` generated as crate `name`
/// beside a crate `driver` whose `src/main.rs` is `main_rs` (with reqwest and tokio), built.
/// Returns the folder holding both (delete it when done) and the driver's folder.
pub fn build_driver(spec: &Path, name: &str, main_rs: &str) -> (tempfile::TempDir, PathBuf) {
    use schemagate_codegen::client::{ClientOptions, generate};
    let input = schemagate_core::InputSpec::Path(spec.to_path_buf());
    let (generated, _) = generate(&input, &ClientOptions::new(name)).unwrap_or_else(|e| panic!("{e}"));
    let out = tempfile::tempdir().unwrap();
    schemagate_codegen::write(&out.path().join(name), &generated, false).unwrap();
    let dir = out.path().join("driver");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"driver\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n\
             {name} = {{ path = \"../{name}\" }}\n\
             reqwest = {{ version = \"0.13\", default-features = false, features = [\"json\", \"rustls\"] }}\n\
             tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), main_rs).unwrap();
    copy_lock(&dir);
    cargo(&dir, &["build", "--offline"]);
    (out, dir)
}
