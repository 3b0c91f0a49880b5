//! `schemagate gen client` as a user runs it: the exit codes (0 written or up to date, 1 stale
//! with `--check`, 2 bad input with file:line:col), warnings on stderr, and the inputs it takes
//! (a file, a split spec, `git:<rev>:<path>`, the documents of schemagate.yaml).

mod common;

use std::path::Path;
use std::process::Command;

use common::{schemagate, write};

const PETS: &str = "openapi: 3.1.0
info: {title: Pets, version: '1'}
servers: [{url: 'https://pets.example.com/v1'}]
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: the pet
          content:
            application/json:
              schema: {$ref: 'schemas.yaml#/Pet'}
        '404': {description: no such pet}
";

const SCHEMAS: &str = "Pet:
  type: object
  required: [id]
  properties:
    id: {type: integer}
    name: {type: [string, 'null']}
    tag:
      anyOf:
        - {type: object, properties: {a: {type: string}}}
        - {type: object, properties: {b: {type: string}}}
";

fn git(cwd: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_split_spec_is_written_then_checked_then_found_stale() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "api/pets.yaml", PETS);
    write(dir.path(), "api/schemas.yaml", SCHEMAS);
    let (code, out, err) = schemagate(dir.path(), &["gen", "client", "api/pets.yaml", "--out", "pets-client"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("wrote crate pets-client (6 files) to pets-client"), "{out}");
    // The anyOf of two objects is approximated: a warning names where.
    assert!(err.contains("api/schemas.yaml:7:5: warning: `anyOf` without a discriminator"), "{err}");
    let lib = std::fs::read_to_string(dir.path().join("pets-client/src/lib.rs")).unwrap();
    assert!(lib.contains("pub const DEFAULT_BASE_URL: &str = \"https://pets.example.com/v1\";"), "{lib}");

    let (code, out, _) = schemagate(dir.path(), &["gen", "client", "api/pets.yaml", "--out", "pets-client", "--check"]);
    assert_eq!((code, out.trim()), (0, "pets-client is up to date"));

    write(dir.path(), "api/schemas.yaml", &SCHEMAS.replace("name:", "nickname:"));
    let (code, out, _) = schemagate(dir.path(), &["gen", "client", "api/pets.yaml", "--out", "pets-client", "--check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("pets-client is stale") && out.contains("src/types.rs: differs"), "{out}");
}

#[test]
fn bad_input_exits_2_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "dup.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: x\n      responses: {'204': {description: ok}}\n    delete:\n      operationId: x\n      responses: {'204': {description: ok}}\n",
    );
    let (code, _, err) = schemagate(dir.path(), &["gen", "client", "dup.yaml", "--out", "o"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("dup.yaml:8:5: duplicate operationId `x` (also at dup.yaml:5:5)"), "{err}");
    assert!(!dir.path().join("o").exists(), "nothing is written on bad input");

    write(
        dir.path(),
        "ref.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'missing.yaml#/A'}\n",
    );
    let (code, _, err) = schemagate(dir.path(), &["gen", "client", "ref.yaml", "--out", "o"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ref.yaml:6:9: $ref to \"missing.yaml\": no such file"), "{err}");

    let (code, _, err) = schemagate(dir.path(), &["gen", "client", "absent.yaml", "--out", "o"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("absent.yaml"), "{err}");

    let (code, _, err) = schemagate(dir.path(), &["gen", "client", "dup.yaml", "--out", "o", "--crate-name", "1st"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`1st` is not a usable crate name"), "{err}");

    let (code, _, err) = schemagate(dir.path(), &["gen", "client", "ref.yaml", "--out", "o", "--lang", "go"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--lang go"), "{err}");
}

#[test]
fn a_git_revision_and_the_documents_of_schemagate_yaml_are_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    write(repo, "api/pets.yaml", PETS);
    write(repo, "api/schemas.yaml", SCHEMAS);
    write(repo, "schemagate.yaml", "version: v2\nopenapi:\n  - path: api/pets.yaml\n");
    git(repo, &["init", "-q"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "api"]);
    // The work tree changes after the commit; the git input reads the committed version.
    write(repo, "api/schemas.yaml", &SCHEMAS.replace("name:", "nickname:"));
    let (code, out, err) = schemagate(repo, &["gen", "client", "git:HEAD:api/pets.yaml", "--out", "from-git"]);
    assert_eq!(code, 0, "{out}{err}");
    let types = std::fs::read_to_string(repo.join("from-git/src/types.rs")).unwrap();
    assert!(types.contains("pub name: Option<String>,") && !types.contains("nickname"), "{types}");

    let (code, out, err) = schemagate(repo, &["gen", "client", "--out", "from-config"]);
    assert_eq!(code, 0, "{out}{err}");
    let types = std::fs::read_to_string(repo.join("from-config/src/types.rs")).unwrap();
    assert!(types.contains("pub nickname: Option<String>,"), "{types}");
    let manifest = std::fs::read_to_string(repo.join("from-config/Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"from-config\""), "{manifest}");
}

#[test]
fn several_documents_in_schemagate_yaml_make_one_crate_each() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "api/pets.yaml", PETS);
    write(dir.path(), "api/schemas.yaml", SCHEMAS);
    write(
        dir.path(),
        "api/board.yaml",
        "openapi: 3.0.3\ninfo: {title: Board, version: '1'}\npaths:\n  /board:\n    get:\n      operationId: getBoard\n      responses: {'204': {description: empty}}\n",
    );
    write(dir.path(), "schemagate.yaml", "version: v2\nopenapi:\n  - path: api/pets.yaml\n  - path: api/board.yaml\n");
    let (code, out, err) = schemagate(dir.path(), &["gen", "client", "--out", "clients"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("wrote crate pets (6 files) to clients/pets"), "{out}");
    assert!(out.contains("wrote crate board (6 files) to clients/board"), "{out}");
    let (code, out, _) = schemagate(dir.path(), &["gen", "client", "--out", "clients", "--check"]);
    assert_eq!(code, 0, "{out}");
    // One name for several crates is refused.
    let (code, _, err) = schemagate(dir.path(), &["gen", "client", "--out", "clients", "--crate-name", "x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--crate-name names one crate"), "{err}");
}
