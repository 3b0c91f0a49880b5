//! `schemagate init`: scans a repository for schemas and writes a commented schemagate.yaml, a
//! starter contract per topic the schemas name, and a CI template. Never overwrites a file
//! without `--force`.
//!
//! What it infers, and from what:
//! - the Protobuf module: the folder of `buf.work.yaml`, else the shallowest `buf.yaml`, else
//!   the import root most `.proto` files imply (their path ends with their package's folders);
//! - OpenAPI documents: YAML or JSON files with a top-level `openapi: 3.x`;
//! - registry subjects: a Protobuf message, Avro record (`.avsc`) or JSON Schema (`$schema`)
//!   whose comment, `doc` or `description` says "topic `NAME`" gets `NAME-value` (Confluent's
//!   TopicNameStrategy); Avro records and JSON schemas without one get their full name / title;
//! - contracts: one per such topic, producer from "by SERVICE" in the same text (else a guess,
//!   marked). Consumers cannot be inferred: the contracts list none, and `contract test` says
//!   so until they are filled in.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::CliError;

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The repository to scan and write into.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// Also write this CI template.
    #[arg(long, value_enum)]
    ci: Option<Ci>,
    /// Overwrite files that exist.
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Ci {
    Github,
    Gitlab,
    Jenkins,
}

const GITHUB: [(&str, &str, bool); 5] = [
    (".github/workflows/schemagate.yml", include_str!("../../../ci-templates/github/workflow.yml"), false),
    (".github/actions/schemagate/action.yml", include_str!("../../../ci-templates/github/action.yml"), false),
    (".github/actions/schemagate/install.sh", include_str!("../../../ci-templates/github/install.sh"), true),
    (".github/actions/schemagate/gate.sh", include_str!("../../../ci-templates/github/gate.sh"), true),
    (".github/actions/schemagate/comment.sh", include_str!("../../../ci-templates/github/comment.sh"), true),
];
const GITLAB: (&str, &str) =
    (".gitlab/schemagate.gitlab-ci.yml", include_str!("../../../ci-templates/gitlab/schemagate.gitlab-ci.yml"));
const JENKINS: (&str, &str) = ("Jenkinsfile", include_str!("../../../ci-templates/jenkins/Jenkinsfile"));

/// A schema that a registry subject (and maybe a topic) carries.
#[derive(Debug, Clone)]
struct Schema {
    /// PROTOBUF, AVRO or JSON.
    kind: &'static str,
    /// Repository-relative, `/`-separated.
    file: String,
    /// Protobuf message or Avro record full name, JSON Schema title.
    name: String,
    topic: Option<String>,
    producer: Option<String>,
}

#[derive(Debug, Default)]
struct Scan {
    proto_root: Option<String>,
    openapi: Vec<String>,
    schemas: Vec<Schema>,
}

pub fn run(args: &InitArgs, stdout: &mut dyn Write) -> Result<u8, CliError> {
    let dir = &args.dir;
    if !dir.is_dir() {
        return Err(CliError::Usage(format!("{}: not a folder", dir.display())));
    }
    let scan = scan(dir)?;
    if scan.proto_root.is_none() && scan.openapi.is_empty() && scan.schemas.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: no schemas found (.proto, OpenAPI documents, .avsc, JSON Schema)",
            dir.display()
        )));
    }
    let mut files: Vec<(String, String, bool)> = vec![("schemagate.yaml".into(), config_text(&scan), false)];
    let contracts = contracts(&scan);
    for (name, text) in &contracts {
        files.push((format!("contracts/{name}"), text.clone(), false));
    }
    match args.ci {
        Some(Ci::Github) => files.extend(GITHUB.iter().map(|(p, t, x)| (p.to_string(), t.to_string(), *x))),
        Some(Ci::Gitlab) => files.push((GITLAB.0.into(), GITLAB.1.into(), false)),
        Some(Ci::Jenkins) => files.push((JENKINS.0.into(), JENKINS.1.into(), false)),
        None => {}
    }
    let existing: Vec<&str> = files.iter().map(|(p, ..)| p.as_str()).filter(|p| dir.join(p).exists()).collect();
    if !existing.is_empty() && !args.force {
        return Err(CliError::Usage(format!("not overwriting {} (use --force to replace)", existing.join(", "))));
    }
    for (path, text, executable) in &files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|source| CliError::Config { path: parent.display().to_string(), source })?;
        }
        std::fs::write(&target, text)
            .map_err(|source| CliError::Config { path: target.display().to_string(), source })?;
        #[cfg(unix)]
        if *executable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755))
                .map_err(|source| CliError::Config { path: target.display().to_string(), source })?;
        }
        writeln!(stdout, "wrote {path}")?;
    }
    writeln!(stdout)?;
    writeln!(stdout, "next: schemagate check --against git:origin/main   (or any baseline: docs/commands/check.md)")?;
    if !contracts.is_empty() {
        writeln!(
            stdout,
            "      fill in the consumers and examples of contracts/*.yaml, then schemagate contract test"
        )?;
    }
    if matches!(args.ci, Some(Ci::Gitlab)) {
        writeln!(stdout, "      add to .gitlab-ci.yml:  include: [{{local: {}}}]", GITLAB.0)?;
    }
    Ok(crate::EXIT_OK)
}

/// Folders never scanned.
fn skipped(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "target" | "node_modules" | "vendor" | "build" | "dist")
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<(), CliError> {
    let entries =
        std::fs::read_dir(dir).map_err(|source| CliError::Config { path: dir.display().to_string(), source })?;
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() && !skipped(&name) {
            walk(&e.path(), &path, out)?;
        } else if kind.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

fn folder_of(path: &str) -> String {
    path.rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_else(|| ".".into())
}

fn scan(dir: &Path) -> Result<Scan, CliError> {
    let mut paths = Vec::new();
    walk(dir, "", &mut paths)?;
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).ok();
    let mut scan = Scan::default();
    let by_depth = |name: &str| {
        let mut found: Vec<&String> = paths.iter().filter(|p| p.rsplit('/').next() == Some(name)).collect();
        found.sort_by_key(|p| (p.matches('/').count(), p.to_string()));
        found.first().map(|p| folder_of(p))
    };
    let protos: Vec<&String> = paths.iter().filter(|p| p.ends_with(".proto")).collect();
    scan.proto_root = by_depth("buf.work.yaml").or_else(|| by_depth("buf.yaml"));
    if scan.proto_root.is_none() && !protos.is_empty() {
        // The root most files imply: `root/a/b/v1/x.proto` for `package a.b.v1`.
        let mut votes: BTreeMap<String, usize> = BTreeMap::new();
        for p in &protos {
            let package = read(p).and_then(|t| proto_package(&t)).unwrap_or_default();
            let folder = folder_of(p);
            let suffix = package.replace('.', "/");
            let root = if suffix.is_empty() {
                folder
            } else if folder == suffix {
                ".".into()
            } else {
                folder.strip_suffix(&format!("/{suffix}")).map(str::to_string).unwrap_or(folder)
            };
            *votes.entry(root).or_default() += 1;
        }
        scan.proto_root =
            votes.into_iter().max_by_key(|(root, n)| (*n, std::cmp::Reverse(root.clone()))).map(|(r, _)| r);
    }
    let root = scan.proto_root.clone().unwrap_or_default();
    for p in &protos {
        let under = root == "." || p.starts_with(&format!("{root}/"));
        if let (true, Some(text)) = (under, read(p)) {
            scan.schemas.extend(proto_messages(p, &text));
        }
    }
    for p in &paths {
        let lower = p.to_ascii_lowercase();
        let is_yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
        if (is_yaml || lower.ends_with(".json")) && !lower.starts_with("contracts/") {
            let Some(text) = read(p) else { continue };
            let Ok(doc) = yaml_serde::from_str::<serde_json::Value>(&text) else { continue };
            if doc.get("openapi").and_then(|v| v.as_str()).is_some_and(|v| v.starts_with('3')) {
                scan.openapi.push(p.clone());
            } else if lower.ends_with(".json")
                && doc.get("$schema").and_then(|v| v.as_str()).is_some_and(|s| s.contains("json-schema.org"))
            {
                let text_of = |k: &str| doc.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                let name = Some(text_of("title")).filter(|t| !t.is_empty()).unwrap_or_else(|| stem(p));
                let about = format!("{} {}", text_of("title"), text_of("description"));
                scan.schemas.push(Schema {
                    kind: "JSON",
                    file: p.clone(),
                    name,
                    topic: topic_in(&about),
                    producer: producer_in(&about),
                });
            }
        } else if lower.ends_with(".avsc") {
            let Some(doc) = read(p).and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok()) else { continue };
            let field = |k: &str| doc.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            if field("type") != "record" {
                continue;
            }
            let name = match field("namespace") {
                ns if ns.is_empty() => field("name"),
                ns => format!("{ns}.{}", field("name")),
            };
            let doc_text = field("doc");
            scan.schemas.push(Schema {
                kind: "AVRO",
                file: p.clone(),
                name,
                topic: topic_in(&doc_text),
                producer: producer_in(&doc_text),
            });
        }
    }
    Ok(scan)
}

fn stem(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.split('.').next().unwrap_or(file).to_string()
}

fn proto_package(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("package")?;
        Some(rest.trim().trim_end_matches(';').trim().to_string())
    })
}

/// Top-level messages of a file, with the topic and producer their leading comment names.
fn proto_messages(path: &str, text: &str) -> Vec<Schema> {
    let package = proto_package(text).unwrap_or_default();
    let mut out = Vec::new();
    let mut comment = String::new();
    for line in text.lines() {
        if let Some(c) = line.strip_prefix("//") {
            comment.push_str(c);
            comment.push(' ');
            continue;
        }
        if let Some(rest) = line.strip_prefix("message ") {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let full = if package.is_empty() { name } else { format!("{package}.{name}") };
            out.push(Schema {
                kind: "PROTOBUF",
                file: path.to_string(),
                name: full,
                topic: topic_in(&comment),
                producer: producer_in(&comment),
            });
        }
        comment.clear();
    }
    out
}

/// "topic `orders.order-placed.v1`" in a comment or description.
fn topic_in(text: &str) -> Option<String> {
    let at = text.find("topic `")? + "topic `".len();
    let name = &text[at..at + text[at..].find('`')?];
    (!name.is_empty() && !name.contains(char::is_whitespace)).then(|| name.to_string())
}

/// "by customer-service" in a comment or description.
fn producer_in(text: &str) -> Option<String> {
    text.split(" by ").skip(1).find_map(|rest| {
        let word: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        word.contains('-').then_some(word)
    })
}

fn subject_of(s: &Schema) -> String {
    match &s.topic {
        Some(t) => format!("{t}-value"),
        None => s.name.clone(),
    }
}

/// The subjects worth governing: messages that name their topic, and every Avro record and JSON
/// schema (a file is a schema there).
fn subjects(scan: &Scan) -> Vec<&Schema> {
    scan.schemas.iter().filter(|s| s.kind != "PROTOBUF" || s.topic.is_some()).collect()
}

fn config_text(scan: &Scan) -> String {
    let mut out = String::from(
        "# The merge gate: `schemagate check --against git:origin/main` (docs/commands/check.md).\n\
         # Written by `schemagate init` from what it found in this repository: check it.\n\
         version: v2\n",
    );
    match &scan.proto_root {
        Some(root) => {
            out.push_str(
                "# The Protobuf module: buf's breaking rules run on this folder (its buf.yaml roots apply).\n",
            );
            out.push_str(&format!("protobuf:\n  path: {root}\n"));
            out.push_str(
                "# buf's breaking categories: FILE (strictest, buf's default), PACKAGE, WIRE_JSON, WIRE.\n\
                 breaking:\n  use: [FILE]\n",
            );
        }
        None => out.push_str("# No .proto files found: add `protobuf: {path: FOLDER}` when there are.\n"),
    }
    if scan.openapi.is_empty() {
        out.push_str("# No OpenAPI documents found.\n");
    } else {
        out.push_str("# OpenAPI documents: oasdiff's breaking checks against the baseline's version.\n");
        out.push_str("openapi:\n");
        for p in &scan.openapi {
            out.push_str(&format!("  - path: {p}\n"));
        }
    }
    let subjects = subjects(scan);
    if subjects.is_empty() {
        out.push_str(
            "# No subjects: no message names its topic (\"Published on topic `NAME`\" in its comment).\n\
             subjects: []\n",
        );
    } else {
        out.push_str(
            "# Schema Registry subjects: each file's compatibility at its level (default BACKWARD) against the\n\
             # baseline. Names: <topic>-value where the schema names its topic, else the record's full name.\n\
             subjects:\n",
        );
        for s in subjects {
            out.push_str(&format!("  - name: {}\n    type: {}\n    file: {}\n", subject_of(s), s.kind, s.file));
            if s.kind != "JSON" {
                out.push_str(&format!("    record: {}\n", s.name));
            }
        }
    }
    out.push_str(
        "# Findings at or above this level fail the gate (exit 1): error, warning or info.\n\
         fail_on: error\n\
         # true: a .proto file with messages that no subject maps is an error (\"no schema, no merge\").\n\
         require_subjects: false\n",
    );
    out
}

/// One starter contract per topic a schema names: (file name, text).
fn contracts(scan: &Scan) -> Vec<(String, String)> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for s in scan.schemas.iter().filter(|s| s.topic.is_some()) {
        let topic = s.topic.clone().unwrap_or_default();
        // `orders.order-placed.v1` -> `orders.order-placed.yaml`, as in the example domain.
        let base = match topic.rsplit_once('.') {
            Some((base, v)) if v.len() > 1 && v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit()) => base,
            _ => topic.as_str(),
        };
        let file = format!("{base}.yaml");
        if out.contains_key(&file) {
            continue;
        }
        let (producer, guessed) = match &s.producer {
            Some(p) => (p.clone(), ""),
            None => (
                format!("{}-service", topic.split('.').next().unwrap_or("producer")),
                "   # guessed from the topic name: check",
            ),
        };
        let message = match s.kind {
            "JSON" => String::new(),
            // Protobuf imports resolve from the module's import root.
            "PROTOBUF" => format!("  message: {}\n  root: {}\n", s.name, scan.proto_root.as_deref().unwrap_or(".")),
            _ => format!("  message: {}\n", s.name),
        };
        out.insert(
            file,
            format!(
                "# Starter contract of {topic}, written by `schemagate init` (format: docs/contracts.md).\n\
                 # To do before `schemagate contract test` accepts it: list the consumers (each service that\n\
                 # reads the topic, with the fields it relies on) and at least one example message.\n\
                 topic: {topic}\n\
                 value:\n  type: {kind}\n  file: {file}\n{message}  subject: {subject}\n\
                 producer: {producer}{guessed}\n\
                 # consumers:\n\
                 #   - name: billing-service\n\
                 #     fields:\n\
                 #       - {{path: order_id, type: string, required: true}}\n\
                 consumers: []\n\
                 # examples:\n\
                 #   - name: first-order\n\
                 #     value: {{order_id: ord-1}}\n\
                 examples: []\n",
                kind = s.kind,
                file = s.file,
                subject = subject_of(s),
            ),
        );
    }
    out.into_iter().collect()
}
