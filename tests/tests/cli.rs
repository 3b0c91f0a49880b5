//! End-to-end tests of the command line, run in-process through `schemagate_cli::run`
//! exactly as `main` calls it: arguments in, stdout/stderr and exit code out.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use schemagate_cli::{EXIT_BREAKING, EXIT_INPUT, EXIT_OK, run};

struct Output {
    code: u8,
    stdout: String,
    stderr: String,
}

fn sg(args: &[&str]) -> Output {
    let mut argv: Vec<std::ffi::OsString> = vec!["schemagate".into()];
    argv.extend(args.iter().map(|a| a.into()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(argv, &mut out, &mut err);
    Output { code, stdout: String::from_utf8(out).unwrap(), stderr: String::from_utf8(err).unwrap() }
}

fn write(dir: &Path, rel: &str, text: &[u8]) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const ORDER_V1: &str = "syntax = \"proto3\";\npackage acme.orders.v1;\n\nmessage Order {\n  string id = 1;\n  int64 total_cents = 2;\n  string note = 3;\n}\n";
const ORDER_V2: &str =
    "syntax = \"proto3\";\npackage acme.orders.v1;\n\nmessage Order {\n  string id = 1;\n  int32 total_cents = 2;\n}\n";

fn pair(previous: &str, current: &str) -> (tempfile::TempDir, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "previous/acme/orders/v1/order.proto", previous.as_bytes());
    write(tmp.path(), "current/acme/orders/v1/order.proto", current.as_bytes());
    let p = tmp.path().join("previous").display().to_string();
    let c = tmp.path().join("current").display().to_string();
    (tmp, p, c)
}

#[test]
fn exit_0_when_nothing_breaks() {
    let (_tmp, prev, cur) = pair(ORDER_V1, ORDER_V1);
    let out = sg(&["breaking", &cur, "--against", &prev]);
    assert_eq!(out.code, EXIT_OK, "{}", out.stderr);
    assert!(out.stdout.contains("No changes found (1 files checked)"), "{}", out.stdout);
}

#[test]
fn exit_1_with_findings_in_text_and_json() {
    let (_tmp, prev, cur) = pair(ORDER_V1, ORDER_V2);
    let out = sg(&["breaking", &cur, "--against", &prev]);
    assert_eq!(out.code, EXIT_BREAKING);
    assert!(
        out.stdout.contains(
            "acme/orders/v1/order.proto:4:1: FIELD_NO_DELETE Previously present field \"3\" with name \"note\""
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("acme/orders/v1/order.proto:6:3: FIELD_SAME_TYPE"), "{}", out.stdout);

    let out = sg(&["breaking", &cur, "--against", &prev, "--format", "json"]);
    assert_eq!(out.code, EXIT_BREAKING);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    let f = &findings[1];
    for key in ["rule", "level", "path", "start_line", "start_column", "end_line", "end_column", "message"] {
        assert!(f.get(key).is_some(), "missing {key} in {f}");
    }
    assert_eq!(f["rule"], "FIELD_SAME_TYPE");
    assert_eq!(
        (f["start_line"].as_u64(), f["start_column"].as_u64(), f["end_column"].as_u64()),
        (Some(6), Some(3), Some(8))
    );
    assert_eq!(doc["summary"]["errors"], 2);
}

#[test]
fn config_flag_replaces_the_rule_selection() {
    let (tmp, prev, cur) = pair(ORDER_V1, ORDER_V2);
    let config = tmp.path().join("wire.yaml");
    std::fs::write(&config, "version: v2\nbreaking:\n  use: [WIRE]\n").unwrap();
    let out =
        sg(&["breaking", &cur, "--against", &prev, "--config", &config.display().to_string(), "--format", "json"]);
    assert_eq!(out.code, EXIT_BREAKING);
    // int64 -> int32 is wire compatible; deleting without reserving the number is not.
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rules: Vec<&str> = doc["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"]);
}

#[test]
fn single_file_inputs_resolve_imports_from_their_folder() {
    let tmp = tempfile::tempdir().unwrap();
    for side in ["previous", "current"] {
        write(
            tmp.path(),
            &format!("{side}/money.proto"),
            b"syntax = \"proto3\";\npackage acme;\nmessage Money { int64 units = 1; }\n",
        );
    }
    write(
        tmp.path(),
        "previous/order.proto",
        b"syntax = \"proto3\";\npackage acme;\nimport \"money.proto\";\nmessage Order { Money total = 1; }\n",
    );
    write(tmp.path(), "current/order.proto", b"syntax = \"proto3\";\npackage acme;\nimport \"money.proto\";\nmessage Order { Money total = 1; string note = 2; }\n");
    let out = sg(&[
        "breaking",
        &tmp.path().join("current/order.proto").display().to_string(),
        "--against",
        &tmp.path().join("previous/order.proto").display().to_string(),
    ]);
    assert_eq!(out.code, EXIT_OK, "{}{}", out.stdout, out.stderr);
}

fn assert_input_error(out: &Output, needle: &str) {
    assert_eq!(out.code, EXIT_INPUT, "stdout: {}\nstderr: {}", out.stdout, out.stderr);
    assert!(out.stderr.contains(needle), "expected {needle:?} in:\n{}", out.stderr);
}

#[test]
fn exit_2_for_a_missing_input() {
    let (_tmp, prev, _) = pair(ORDER_V1, ORDER_V1);
    let out = sg(&["breaking", "/no/such/folder", "--against", &prev]);
    assert_input_error(&out, "/no/such/folder: no such file or directory");
}

#[test]
fn exit_2_for_a_syntax_error_with_file_line_column() {
    let (_tmp, prev, cur) = pair(ORDER_V1, "syntax = \"proto3\";\nmessage Order {\n  string id = ;\n}\n");
    let out = sg(&["breaking", &cur, "--against", &prev]);
    assert_input_error(&out, "acme/orders/v1/order.proto:3:15: expected integer, found `;`");
}

#[test]
fn exit_2_for_an_unresolvable_import() {
    let (_tmp, prev, cur) = pair(ORDER_V1, "syntax = \"proto3\";\nimport \"acme/missing.proto\";\nmessage Order {}\n");
    let out = sg(&["breaking", &cur, "--against", &prev]);
    assert_input_error(&out, "order.proto:2:1: import \"acme/missing.proto\" was not found");
}

#[test]
fn exit_2_for_an_undefined_type() {
    let (_tmp, prev, cur) = pair(ORDER_V1, "syntax = \"proto3\";\nmessage Order {\n  Money total = 1;\n}\n");
    let out = sg(&["breaking", &cur, "--against", &prev]);
    assert_input_error(&out, "order.proto:3:3: field total: type \"Money\" is not defined");
}

#[test]
fn exit_2_for_non_utf8_input() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "previous/a.proto", b"syntax = \"proto3\";\n");
    write(tmp.path(), "current/a.proto", b"syntax = \"proto3\";\n// caf\xe9\n");
    let out = sg(&[
        "breaking",
        &tmp.path().join("current").display().to_string(),
        "--against",
        &tmp.path().join("previous").display().to_string(),
    ]);
    assert_input_error(&out, "a.proto:2:7: file is not valid UTF-8");
}

#[test]
fn exit_2_for_a_bad_buf_yaml() {
    let (tmp, prev, cur) = pair(ORDER_V1, ORDER_V1);
    write(tmp.path(), "current/buf.yaml", b"version: v1\nbreaking:\n  use: [NOT_A_RULE]\n");
    let out = sg(&["breaking", &cur, "--against", &prev]);
    assert_input_error(&out, "unknown rule or category \"NOT_A_RULE\"");
}

#[test]
fn exit_2_for_bad_usage() {
    assert_eq!(sg(&["breaking", "x"]).code, EXIT_INPUT);
    assert_eq!(sg(&["breaking", "x", "--against", "y", "--format", "yaml"]).code, EXIT_INPUT);
    assert_eq!(sg(&["no-such-command"]).code, EXIT_INPUT);
}

#[test]
fn rules_lists_the_catalogue() {
    let out = sg(&["rules"]);
    assert_eq!(out.code, EXIT_OK);
    assert!(
        out.stdout.lines().any(|l| l.starts_with("FIELD_NO_DELETE ") && l.contains("CSR,FILE,PACKAGE")),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("FIELD_SAME_LABEL"), "deprecated v1 rules are not listed for v2");
    let v1 = sg(&["rules", "--config-version", "v1"]);
    assert!(v1.stdout.contains("FIELD_SAME_LABEL"));
}

/// git inputs read objects of the repository that contains the current directory, so this
/// test changes directory; it is the only one that does, and uses a lock to stay alone.
static CWD: Mutex<()> = Mutex::new(());

#[test]
fn git_revisions_as_inputs_and_baselines() {
    let _guard = CWD.lock().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(repo)
            .status()
            .unwrap();
        assert!(ok.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    write(repo, "schemas/proto/acme/orders/v1/order.proto", ORDER_V1.as_bytes());
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "v1"]);
    write(repo, "schemas/proto/acme/orders/v1/order.proto", ORDER_V2.as_bytes());
    let before = std::env::current_dir().unwrap();
    std::env::set_current_dir(repo).unwrap();
    let against_head = sg(&["breaking", "schemas/proto", "--against", "git:HEAD:schemas/proto"]);
    let head_vs_head = sg(&["breaking", "git:HEAD:schemas/proto", "--against", "git:HEAD:schemas/proto"]);
    let single = sg(&[
        "breaking",
        "schemas/proto/acme/orders/v1/order.proto",
        "--against",
        "git:HEAD:schemas/proto/acme/orders/v1/order.proto",
    ]);
    let bad_rev = sg(&["breaking", "schemas/proto", "--against", "git:no-such-branch:schemas/proto"]);
    let bad_path = sg(&["breaking", "schemas/proto", "--against", "git:HEAD:nowhere"]);
    std::env::set_current_dir(before).unwrap();
    // The work tree is untouched by reading the baseline.
    assert_eq!(std::fs::read_to_string(repo.join("schemas/proto/acme/orders/v1/order.proto")).unwrap(), ORDER_V2);

    assert_eq!(against_head.code, EXIT_BREAKING, "{}", against_head.stderr);
    assert!(against_head.stdout.contains("acme/orders/v1/order.proto:6:3: FIELD_SAME_TYPE"), "{}", against_head.stdout);
    assert_eq!(head_vs_head.code, EXIT_OK, "{}", head_vs_head.stderr);
    assert_eq!(single.code, EXIT_BREAKING, "{}", single.stderr);
    assert_input_error(&bad_rev, "git revision `no-such-branch`: no such revision");
    assert_input_error(&bad_path, "path `nowhere` does not exist");
}
