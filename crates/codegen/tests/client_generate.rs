//! `schemagate gen client` on small specs: the generated code (insta snapshots of a 3.1
//! document), determinism, `--check`, and the errors and warnings bad or approximated input
//! gets (each with file:line:col).

use std::path::{Path, PathBuf};

use schemagate_codegen::client::{ClientOptions, Warning, generate};
use schemagate_codegen::{FileChange, GenError, GeneratedCrate, WriteOutcome};
use schemagate_core::InputSpec;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi").join(name)
}

fn gen_file(path: &Path, name: &str) -> Result<(GeneratedCrate, Vec<Warning>), GenError> {
    generate(&InputSpec::Path(path.to_path_buf()), &ClientOptions::new(name))
}

/// Writes `text` as `name` in a fresh folder and generates from it.
fn gen_text(name: &str, text: &str) -> (tempfile::TempDir, Result<(GeneratedCrate, Vec<Warning>), GenError>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let result = gen_file(&dir.path().join(name), "api");
    (dir, result)
}

/// The message of an error at a position, with the temporary folder cut off.
fn located(error: GenError) -> (String, u32, u32, String) {
    match error {
        GenError::At { file, line, column, message } => {
            (file.rsplit('/').next().unwrap().to_string(), line, column, message)
        }
        other => panic!("expected an error at a position, got {other:?}"),
    }
}

#[test]
fn the_tictactoe_client_is_generated_as_reviewed() {
    let (krate, warnings) = gen_file(&fixture("tictactoe.yaml"), "tictactoe").unwrap();
    // Its mutualTLS-free schemes are all supported, and nothing is approximated.
    assert_eq!(warnings, []);
    let paths: Vec<&str> = krate.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["Cargo.toml", "README.md", "src/client.rs", "src/lib.rs", "src/runtime.rs", "src/types.rs"]);
    for file in &krate.files {
        if file.path == "src/runtime.rs" {
            // Verbatim: the same text in every crate.
            assert_eq!(file.contents, schemagate_codegen::client::RUNTIME);
            continue;
        }
        insta::assert_snapshot!(format!("client_{}", file.path.replace('/', "__")), file.contents);
    }
}

#[test]
fn generation_is_deterministic_and_check_sees_stale_output() {
    let (first, _) = gen_file(&fixture("petstore-expanded.yaml"), "petstore").unwrap();
    let (second, _) = gen_file(&fixture("petstore-expanded.yaml"), "petstore").unwrap();
    assert_eq!(first, second);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("petstore");
    assert_eq!(
        schemagate_codegen::write(&dir, &first, true).unwrap(),
        WriteOutcome::Stale { changes: first.files.iter().map(|f| FileChange::Missing(f.path.clone())).collect() }
    );
    schemagate_codegen::write(&dir, &first, false).unwrap();
    assert_eq!(schemagate_codegen::write(&dir, &first, true).unwrap(), WriteOutcome::UpToDate);
    std::fs::write(dir.join("src/types.rs"), "// edited\n").unwrap();
    assert_eq!(
        schemagate_codegen::write(&dir, &first, true).unwrap(),
        WriteOutcome::Stale { changes: vec![FileChange::Changed("src/types.rs".into())] }
    );
}

#[test]
fn every_documented_status_has_a_variant_and_default_keeps_the_status() {
    let (krate, _) = gen_file(&fixture("petstore-expanded.yaml"), "petstore").unwrap();
    let client = &krate.file("src/client.rs").unwrap().contents;
    assert!(client.contains("pub enum DeletePetResponse {"), "{client}");
    assert!(client.contains("NoContent,"), "{client}");
    assert!(client.contains("Default { status: u16, body: Error }"), "{client}");
    assert!(client.contains("pub async fn find_pets(\n        &self,\n        params: &FindPetsParams,"), "{client}");
    let types = &krate.file("src/types.rs").unwrap().contents;
    // allOf of NewPet and {id} is one struct with the properties of both.
    assert!(types.contains("pub struct Pet {"), "{types}");
    assert!(types.contains("pub id: i64,") && types.contains("pub name: String,"), "{types}");
}

#[test]
fn duplicate_operation_ids_are_errors_at_the_second_one() {
    let (_dir, result) = gen_text(
        "api.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getThing\n      \
         responses: {'204': {description: ok}}\n  /b:\n    get:\n      operationId: getThing\n      \
         responses: {'204': {description: ok}}\n",
    );
    let (file, line, column, message) = located(result.unwrap_err());
    assert_eq!((file.as_str(), line, column), ("api.yaml", 9, 5));
    assert!(
        message.contains("duplicate operationId `getThing` (also at ") && message.contains("api.yaml:5:5"),
        "{message}"
    );
}

#[test]
fn unresolvable_references_are_errors_at_the_reference() {
    let (_dir, result) = gen_text(
        "api.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          \
         description: ok\n          content:\n            application/json:\n              schema:\n                \
         $ref: '#/components/schemas/Missing'\n",
    );
    let (file, line, _, message) = located(result.unwrap_err());
    assert_eq!((file.as_str(), line), ("api.yaml", 12));
    assert!(message.contains("points to nothing"), "{message}");
}

#[test]
fn schemas_without_a_rust_type_are_errors() {
    let (_dir, result) = gen_text(
        "api.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Odd:\n      type: decimal\n",
    );
    let (file, line, column, message) = located(result.unwrap_err());
    assert_eq!((file.as_str(), line, column), ("api.yaml", 6, 5));
    assert!(message.contains("`type: decimal` is not a JSON Schema type"), "{message}");
}

#[test]
fn bad_status_keys_are_errors() {
    let (_dir, result) = gen_text(
        "api.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '2000': {description: x}\n",
    );
    let (_, line, _, message) = located(result.unwrap_err());
    assert_eq!(line, 7);
    assert!(message.contains("`2000` is not a response status"), "{message}");
}

#[test]
fn unions_map_to_enums_and_approximations_are_warnings_with_positions() {
    let (krate, warnings) = gen_file(&fixture("constructs.yaml"), "constructs").unwrap();
    let shown: Vec<String> = warnings
        .iter()
        .map(|w| format!("{}:{}:{}: {}", w.file.rsplit('/').next().unwrap(), w.line, w.column, w.message))
        .collect();
    assert_eq!(
        shown,
        [
            "constructs.yaml:26:5: `anyOf` without a discriminator is mapped to an untagged enum (the first branch that fits wins)",
            "constructs.yaml:30:5: `not` is not expressed in the generated type (values it excludes are accepted)",
        ]
    );
    let types = &krate.file("src/types.rs").unwrap().contents;
    // The discriminated union reads the tag and decodes the branch it names.
    assert!(
        types.contains(
            "\"cat\" => {\n                serde_json::from_value(value)\n                    .map(Pet::Cat)"
        ),
        "{types}"
    );
    assert!(types.contains("pub enum IdOrName {\n    Integer(i64),\n    String(String),\n}"), "{types}");
    // A struct that contains itself directly is boxed; a map of strings is a BTreeMap.
    assert!(types.contains("pub left: Option<Box<Tree>>,"), "{types}");
    // Required but readOnly: absent from requests, so optional in the one type.
    assert!(types.contains("pub id: Option<i64>,"), "{types}");
    assert!(types.contains("pub labels: Option<std::collections::BTreeMap<String, String>>,"), "{types}");
}

#[test]
fn the_base_url_is_the_documents_server_else_the_one_every_path_names() {
    let (petstore, _) = gen_file(&fixture("petstore-expanded.yaml"), "petstore").unwrap();
    let lib = &petstore.file("src/lib.rs").unwrap().contents;
    assert!(lib.contains("pub const DEFAULT_BASE_URL: &str = \"https://petstore.swagger.io/v2\";"), "{lib}");
    // Twilio declares its host on each path item, not at the top.
    let (twilio, warnings) = gen_file(&fixture("twilio_lookups_v1.json"), "twilio").unwrap();
    assert_eq!(warnings, []);
    let lib = &twilio.file("src/lib.rs").unwrap().contents;
    assert!(lib.contains("pub const DEFAULT_BASE_URL: &str = \"https://lookups.twilio.com\";"), "{lib}");
    // The 3.1 tic-tac-toe has no server: no constant.
    let (tictactoe, _) = gen_file(&fixture("tictactoe.yaml"), "tictactoe").unwrap();
    assert!(!tictactoe.file("src/lib.rs").unwrap().contents.contains("DEFAULT_BASE_URL"));
}

#[test]
fn a_document_of_components_only_gives_a_crate_of_types() {
    let (_dir, result) = gen_text(
        "api.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A: {type: object, properties: {a: {type: string}}}\n",
    );
    let (krate, _) = result.unwrap();
    let lib = &krate.file("src/lib.rs").unwrap().contents;
    // Nothing to re-export from `client` (a glob re-export of nothing is an unused import).
    assert!(!lib.contains("pub use client::*;") && lib.contains("pub mod types;"), "{lib}");
}
