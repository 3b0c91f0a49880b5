//! The example domain (the repository's schemas/ and contracts/) generates a crate that
//! compiles, passes clippy with `-D warnings`, `rustfmt --check` and `cargo doc` without warnings,
//! as it is. The crate is built with schemagate's own Cargo.lock in the shared target dir, so
//! nothing compiles twice.

mod common;

use std::path::Path;

use common::{cargo, cargo_with, copy_lock, workspace};

use schemagate_codegen::rust::{RustOptions, generate};

/// Generates the crate of `project` and checks it the way a user's CI would.
fn check_crate(project: &Path, name: &str) {
    let generated = generate(project, &RustOptions::new(name)).unwrap_or_else(|e| panic!("{e}"));
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join(name);
    schemagate_codegen::write(&dir, &generated, false).unwrap();
    copy_lock(&dir);
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
