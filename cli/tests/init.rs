//! `schemagate init` on a copy of the example domain without its configuration and contracts:
//! the schemagate.yaml it writes must make `check` reproduce the README's verdict against the
//! demo baseline, it must not overwrite without --force, and it must write the CI templates.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn schemagate(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_schemagate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The example domain's schemas, nothing else.
fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let st = Command::new("cp").arg("-r").arg(repo().join("schemas")).arg(dir.path()).status().unwrap();
    assert!(st.success());
    dir
}

fn errors(json: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut rules: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == "error")
        .map(|f| format!("{} {}:{}", f["rule"].as_str().unwrap(), f["path"].as_str().unwrap(), f["start_line"]))
        .collect();
    rules.sort();
    rules
}

#[test]
fn init_then_check_reproduces_the_readme_verdict() {
    let dir = example_copy();
    let root = dir.path();
    let (code, out, err) = schemagate(root, &["init"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote schemagate.yaml"));
    let config: serde_json::Value =
        yaml_serde::from_str(&std::fs::read_to_string(root.join("schemagate.yaml")).unwrap()).unwrap();
    assert_eq!(config["protobuf"]["path"], "schemas/proto", "the folder of buf.yaml");
    assert_eq!(config["openapi"][0]["path"], "schemas/openapi/orders.yaml");
    let subjects: Vec<(&str, &str)> = config["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["type"].as_str().unwrap()))
        .collect();
    assert!(subjects.contains(&("orders.order-placed.v1-value", "PROTOBUF")), "{subjects:?}");
    assert!(subjects.contains(&("customers.customer-registered.v1-value", "AVRO")));
    assert!(subjects.contains(&("notifications.email-requested.v1-value", "JSON")));
    // One starter contract per topic the schemas name (the example domain has nine contracts).
    let contracts: Vec<String> = std::fs::read_dir(root.join("contracts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        contracts.len(),
        std::fs::read_dir(repo().join("contracts"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "yaml"))
            .count()
    );
    let placed: serde_json::Value =
        yaml_serde::from_str(&std::fs::read_to_string(root.join("contracts/orders.order-placed.yaml")).unwrap())
            .unwrap();
    assert_eq!(placed["topic"], "orders.order-placed.v1");
    assert_eq!(placed["value"]["message"], "acme.orders.v1.OrderPlaced");
    assert!(root.join(placed["value"]["file"].as_str().unwrap()).is_file());
    let registered: serde_json::Value = yaml_serde::from_str(
        &std::fs::read_to_string(root.join("contracts/customers.customer-registered.yaml")).unwrap(),
    )
    .unwrap();
    assert_eq!(registered["producer"], "customer-service", "from the record's doc");

    // The gate works with what init wrote: against the demo baseline, the README's errors.
    let baseline = Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", ":/schemagate-demo-baseline"])
        .current_dir(repo())
        .output()
        .unwrap();
    if !baseline.status.success() {
        eprintln!("skipped the check: the demo baseline commit is not in this clone");
        return;
    }
    let rev = String::from_utf8_lossy(&baseline.stdout).trim().to_string();
    let base = tempfile::tempdir().unwrap();
    let tar = base.path().join("b.tar");
    assert!(
        Command::new("git")
            .args(["archive", "-o"])
            .arg(&tar)
            .args([&rev, "schemas"])
            .current_dir(repo())
            .status()
            .unwrap()
            .success()
    );
    assert!(Command::new("tar").arg("-xf").arg(&tar).current_dir(base.path()).status().unwrap().success());
    let (code, json, err) =
        schemagate(root, &["check", "--against", base.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let (readme_code, readme_json, _) =
        schemagate(&repo(), &["check", "--against", "git::/schemagate-demo-baseline", "--format", "json"]);
    assert_eq!(readme_code, 1);
    assert_eq!(errors(&json), errors(&readme_json));
    assert_eq!(errors(&json).len(), 3);
    // The review renders too; the starter contracts (no consumers yet) are named as not loaded.
    let (code, html, err) = schemagate(root, &["review", "--against", base.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(html.contains("The gate fails") && html.contains("contracts not loaded"));
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = example_copy();
    let root = dir.path();
    assert_eq!(schemagate(root, &["init"]).0, 0);
    let config = root.join("schemagate.yaml");
    let mine = format!("{}# my edit\n", std::fs::read_to_string(&config).unwrap());
    std::fs::write(&config, &mine).unwrap();
    let (code, _, err) = schemagate(root, &["init", "--ci", "jenkins"]);
    assert_eq!(code, 2);
    assert!(err.contains("not overwriting schemagate.yaml") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), mine, "untouched");
    assert!(!root.join("Jenkinsfile").exists(), "nothing written when refusing");
    let (code, _, err) = schemagate(root, &["init", "--ci", "jenkins", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(!std::fs::read_to_string(&config).unwrap().contains("# my edit"));
    assert_eq!(
        std::fs::read_to_string(root.join("Jenkinsfile")).unwrap(),
        std::fs::read_to_string(repo().join("ci-templates/jenkins/Jenkinsfile")).unwrap()
    );
}

#[test]
fn init_writes_the_ci_template_asked_for() {
    use std::os::unix::fs::PermissionsExt;
    let dir = example_copy();
    let root = dir.path();
    let (code, _, err) = schemagate(root, &["init", "--ci", "github"]);
    assert_eq!(code, 0, "{err}");
    for (written, template) in [
        (".github/workflows/schemagate.yml", "github/workflow.yml"),
        (".github/actions/schemagate/action.yml", "github/action.yml"),
        (".github/actions/schemagate/gate.sh", "github/gate.sh"),
        (".github/actions/schemagate/install.sh", "github/install.sh"),
        (".github/actions/schemagate/comment.sh", "github/comment.sh"),
    ] {
        let text = std::fs::read_to_string(root.join(written)).unwrap();
        assert_eq!(text, std::fs::read_to_string(repo().join("ci-templates").join(template)).unwrap(), "{written}");
        if written.ends_with(".sh") {
            assert_eq!(
                std::fs::metadata(root.join(written)).unwrap().permissions().mode() & 0o111,
                0o111,
                "{written} executable"
            );
        }
    }
    let dir = example_copy();
    let (code, out, _) = schemagate(dir.path(), &["init", "--ci", "gitlab"]);
    assert_eq!(code, 0);
    assert!(dir.path().join(".gitlab/schemagate.gitlab-ci.yml").is_file());
    assert!(out.contains("include: [{local: .gitlab/schemagate.gitlab-ci.yml}]"));
}

#[test]
fn init_infers_the_import_root_without_buf_yaml_and_refuses_an_empty_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let proto = root.join("api/protos/shop/cart/v1/events.proto");
    std::fs::create_dir_all(proto.parent().unwrap()).unwrap();
    std::fs::write(
        &proto,
        "syntax = \"proto3\";\npackage shop.cart.v1;\n\n// Published on topic `cart.item-added.v1` by cart-service.\nmessage ItemAdded {\n  string sku = 1;\n}\n\nmessage Internal {}\n",
    )
    .unwrap();
    let (code, _, err) = schemagate(root, &["init"]);
    assert_eq!(code, 0, "{err}");
    let config: serde_json::Value =
        yaml_serde::from_str(&std::fs::read_to_string(root.join("schemagate.yaml")).unwrap()).unwrap();
    assert_eq!(config["protobuf"]["path"], "api/protos");
    assert_eq!(config["subjects"].as_array().unwrap().len(), 1, "only the message that names its topic");
    assert_eq!(config["subjects"][0]["name"], "cart.item-added.v1-value");
    let contract = std::fs::read_to_string(root.join("contracts/cart.item-added.yaml")).unwrap();
    assert!(contract.contains("producer: cart-service\n") && contract.contains("root: api/protos"));
    // The gate runs on it (against itself: nothing breaks).
    let (code, _, err) = schemagate(root, &["check", "--against", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");

    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = schemagate(empty.path(), &["init"]);
    assert_eq!(code, 2);
    assert!(err.contains("no schemas found"), "{err}");
}
