//! The example domain (the repository's schemas/ and contracts/) generates a crate that
//! compiles, passes clippy with `-D warnings`, `rustfmt --check` and `cargo doc` without warnings,
//! as it is. The crate is built with schemagate's own Cargo.lock in the shared target dir, so
//! nothing compiles twice.

use std::path::{Path, PathBuf};
use std::process::Command;

use schemagate_codegen::rust::{RustOptions, generate};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn cargo(dir: &Path, args: &[&str]) {
    cargo_with(dir, args, &[]);
}

fn cargo_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace().join("target"));
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
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
}

/// Generates the crate of `project` and checks it the way a user's CI would.
fn check_crate(project: &Path, name: &str) {
    let generated = generate(project, &RustOptions::new(name)).unwrap_or_else(|e| panic!("{e}"));
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join(name);
    schemagate_codegen::write(&dir, &generated, false).unwrap();
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    cargo(&dir, &["fmt", "--check"]);
    cargo(&dir, &["clippy", "--offline", "--all-targets", "--", "-D", "warnings"]);
    // The README's examples are the crate docs: doc tests compile them (`no_run`).
    cargo(&dir, &["test", "--offline", "--doc"]);
    cargo_with(&dir, &["doc", "--offline", "--no-deps"], &[("RUSTDOCFLAGS", "-D warnings")]);
}

#[test]
fn the_example_domain_compiles_and_passes_clippy_and_rustfmt() {
    check_crate(&workspace(), "acme-events");
}

#[test]
fn the_fixture_compiles_and_passes_clippy_and_rustfmt() {
    check_crate(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shop"), "shop-events");
}
