//! Clients generated for real public API descriptions nobody here wrote (fixtures/openapi,
//! README there: origin and licence) compile and pass `cargo clippy -D warnings`,
//! `cargo fmt --check` and `cargo doc`, as they are; the runtime's own unit tests run in one of
//! them. All are built with schemagate's Cargo.lock in the shared target dir.

mod common;

use std::path::Path;

use common::{cargo, cargo_with, copy_lock};
use schemagate_codegen::client::{ClientOptions, generate};
use schemagate_core::InputSpec;

fn check_client(fixture: &str, name: &str, run_tests: bool) {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi").join(fixture);
    let (generated, _warnings) =
        generate(&InputSpec::Path(spec), &ClientOptions::new(name)).unwrap_or_else(|e| panic!("{e}"));
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join(name);
    schemagate_codegen::write(&dir, &generated, false).unwrap();
    copy_lock(&dir);
    cargo(&dir, &["fmt", "--check"]);
    cargo(&dir, &["clippy", "--offline", "--all-targets", "--", "-D", "warnings"]);
    cargo_with(&dir, &["doc", "--offline", "--no-deps"], &[("RUSTDOCFLAGS", "-D warnings")]);
    if run_tests {
        cargo(&dir, &["test", "--offline", "--lib"]);
    }
}

#[test]
fn the_oai_petstore_expanded_client_compiles_and_passes_clippy() {
    check_client("petstore-expanded.yaml", "petstore-client", true);
}

#[test]
fn the_oai_tictactoe_3_1_client_compiles_and_passes_clippy() {
    check_client("tictactoe.yaml", "tictactoe-client", false);
}

#[test]
fn the_twilio_lookups_client_compiles_and_passes_clippy() {
    check_client("twilio_lookups_v1.json", "twilio-lookups-client", false);
}

/// Our own fixture with every construct the mapping knows (discriminated and untagged unions,
/// 3.1 type lists, recursion, maps, form bodies, deepObject and delimited queries, header and
/// cookie parameters, typed response headers, status ranges, text and byte bodies).
#[test]
fn the_constructs_fixture_compiles_and_passes_clippy() {
    check_client("constructs.yaml", "constructs-client", false);
}
