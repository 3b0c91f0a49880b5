//! `schemagate check`: the merge gate. Reads schemagate.yaml, runs every configured check
//! (Protobuf breaking rules, OpenAPI breaking checks, Schema Registry verdicts for subjects)
//! against one baseline and returns one report.

use std::path::{Path, PathBuf};

use schemagate_core::compat::{CompatLevel, check_level};
use schemagate_core::{Finding, InputSpec, Level, Location, Report};
use serde::Deserialize;

/// The `schemagate.yaml` gate configuration (documented in docs/config.md, JSON Schema in
/// docs/schemagate.schema.json).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateConfig {
    /// buf-style Protobuf settings; `breaking:` lives at the top level like in buf.yaml.
    #[serde(default)]
    pub protobuf: Option<ProtobufConfig>,
    #[serde(default)]
    pub breaking: Option<serde_json::Value>,
    #[serde(default)]
    pub openapi: Vec<OpenApiSpec>,
    #[serde(default)]
    pub subjects: Vec<Subject>,
    /// error (default), warning or info.
    #[serde(default)]
    pub fail_on: Option<String>,
    /// Report schema files that no subject maps ("no schema, no merge").
    #[serde(default)]
    pub require_subjects: bool,
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtobufConfig {
    /// Folder of the Protobuf module (its buf.yaml, if any, gives the roots).
    pub path: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenApiSpec {
    pub path: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub name: String,
    #[serde(rename = "type", default = "protobuf_type")]
    pub schema_type: String,
    pub file: String,
    /// Confluent compatibility level for this subject (default BACKWARD).
    #[serde(default)]
    pub level: Option<String>,
    /// The message or record the subject carries (informational).
    #[serde(default)]
    pub record: Option<String>,
}

fn protobuf_type() -> String {
    "PROTOBUF".into()
}

/// Where the baseline comes from.
pub enum Baseline {
    Git(String),
    Dir(PathBuf),
}

impl Baseline {
    pub fn parse(text: &str) -> Baseline {
        match text.strip_prefix("git:") {
            Some(rev) => Baseline::Git(rev.to_string()),
            None => Baseline::Dir(PathBuf::from(text)),
        }
    }
    /// The baseline version of a path of the current tree (relative to the repository top for
    /// git, to the baseline folder otherwise).
    fn spec(&self, rel: &str) -> InputSpec {
        match self {
            Baseline::Git(rev) => InputSpec::Git { rev: rev.clone(), subdir: rel.trim_start_matches("./").to_string() },
            Baseline::Dir(dir) => InputSpec::Path(dir.join(rel)),
        }
    }
    fn exists(&self, rel: &str) -> Result<bool, GateError> {
        match self {
            Baseline::Git(rev) => {
                schemagate_core::source::git_path_exists(rev, rel.trim_start_matches("./")).map_err(|e| e.to_string())
            }
            Baseline::Dir(dir) => Ok(dir.join(rel).exists()),
        }
    }
}

/// Why the gate could not run.
pub type GateError = String;

pub fn load_config(path: &Path) -> Result<GateConfig, GateError> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    yaml_serde::from_str(&text).map_err(|e| {
        let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
        format!("{}:{line}:{column}: {e}", path.display())
    })
}

fn finding(rule: &str, level: Level, path: &str, message: String) -> Finding {
    Finding::new(rule, level, path, Location::NONE, message)
}

/// Runs the gate; paths in the config are relative to the current directory (the repository).
pub fn run_gate(config: &GateConfig, baseline: &Baseline) -> Result<Report, GateError> {
    let mut findings = Vec::new();
    let mut files = 0;
    if let Some(pb) = &config.protobuf {
        let load = |spec: &InputSpec| -> Result<schemagate_protobuf::Module, GateError> {
            let set = schemagate_core::SourceSet::load(
                spec,
                &schemagate_protobuf::is_proto,
                &schemagate_protobuf::CONFIG_FILES,
            )
            .map_err(|e| e.to_string())?;
            schemagate_protobuf::load(&set).map_err(|e| e.to_string())
        };
        let current_spec = InputSpec::Path(PathBuf::from(&pb.path));
        let current_set = schemagate_core::SourceSet::load(
            &current_spec,
            &schemagate_protobuf::is_proto,
            &schemagate_protobuf::CONFIG_FILES,
        )
        .map_err(|e| e.to_string())?;
        let policy = match &config.breaking {
            Some(b) => {
                let text = yaml_serde::to_string(
                    &serde_json::json!({ "version": config.version.clone().unwrap_or("v2".into()), "breaking": b }),
                )
                .map_err(|e| e.to_string())?;
                schemagate_protobuf::breaking_config_of(&current_set, Some(("schemagate.yaml", text.as_bytes())))
                    .map_err(|e| e.to_string())?
            }
            None => schemagate_protobuf::breaking_config_of(&current_set, None).map_err(|e| e.to_string())?,
        };
        let current = schemagate_protobuf::load(&current_set).map_err(|e| e.to_string())?;
        let previous = if baseline.exists(&pb.path)? {
            load(&baseline.spec(&pb.path))?
        } else {
            schemagate_protobuf::Module { files: vec![], imports: vec![], root: ".".into() }
        };
        let report = schemagate_protobuf::breaking(&previous, &current, &policy);
        files += report.summary.files_checked;
        findings.extend(report.findings.into_iter().map(|mut f| {
            f.path = format!("{}/{}", pb.path.trim_end_matches('/'), f.path);
            f
        }));
    }
    for spec in &config.openapi {
        let current =
            schemagate_openapi::load_input(&InputSpec::Path(PathBuf::from(&spec.path))).map_err(|e| e.to_string())?;
        files += current.files.len();
        if !baseline.exists(&spec.path)? {
            continue;
        }
        let previous = schemagate_openapi::load_input(&baseline.spec(&spec.path)).map_err(|e| e.to_string())?;
        let report = schemagate_openapi::changelog(&previous, &current, &schemagate_openapi::diff::Options::default());
        findings.extend(report.findings.into_iter().filter(|f| f.level >= Level::Warning));
    }
    for subject in &config.subjects {
        files += 1;
        let level = subject
            .level
            .as_deref()
            .map(|l| CompatLevel::parse(l).ok_or_else(|| format!("subject {}: unknown level `{l}`", subject.name)))
            .transpose()?
            .unwrap_or(CompatLevel::Backward);
        if !baseline.exists(&subject.file)? {
            findings.push(finding(
                "SUBJECT_NEW",
                Level::Info,
                &subject.file,
                format!("subject {} is new (no baseline version)", subject.name),
            ));
            continue;
        }
        let result = match subject.schema_type.to_ascii_uppercase().as_str() {
            "PROTOBUF" => {
                // Inside the Protobuf module, imports resolve from the module root.
                let module = config.protobuf.as_ref().map(|pb| pb.path.trim_end_matches('/').to_string());
                let inside = module
                    .as_ref()
                    .and_then(|m| subject.file.strip_prefix(&format!("{m}/")).map(|rel| (m.clone(), rel.to_string())));
                let load = |current: bool| -> Result<_, GateError> {
                    let (spec, single) = match &inside {
                        Some((root, rel)) => (
                            if current { InputSpec::Path(PathBuf::from(root)) } else { baseline.spec(root) },
                            Some(rel.clone()),
                        ),
                        None => (
                            if current {
                                InputSpec::Path(PathBuf::from(&subject.file))
                            } else {
                                baseline.spec(&subject.file)
                            },
                            None,
                        ),
                    };
                    let mut set = schemagate_core::SourceSet::load(&spec, &schemagate_protobuf::is_proto, &[])
                        .map_err(|e| e.to_string())?;
                    if single.is_some() {
                        set.single_file = single;
                    }
                    schemagate_protobuf::load_compat_schema(&set).map_err(|e| e.to_string())
                };
                let current = load(true)?;
                let previous = load(false)?;
                check_level(&schemagate_protobuf::compat::ProtobufEngine, level, &current, &[previous])
            }
            "AVRO" | "JSON" => {
                let read = |spec: &InputSpec| -> Result<String, GateError> {
                    match spec {
                        InputSpec::Path(p) => std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display())),
                        InputSpec::Git { rev, subdir } => schemagate_core::source::read_git_file(rev, subdir)
                            .map(|b| String::from_utf8_lossy(&b).into_owned())
                            .map_err(|e| e.to_string()),
                    }
                };
                let (cur, prev) =
                    (read(&InputSpec::Path(PathBuf::from(&subject.file)))?, read(&baseline.spec(&subject.file))?);
                if subject.schema_type.eq_ignore_ascii_case("AVRO") {
                    let parse = |t: &str| schemagate_avro::parse(&subject.file, t, &[]).map_err(|e| e.to_string());
                    check_level(&schemagate_avro::AvroEngine, level, &parse(&cur)?, &[parse(&prev)?])
                } else {
                    let parse =
                        |t: &str| schemagate_jsonschema::parse(&subject.file, t, &[]).map_err(|e| e.to_string());
                    check_level(&schemagate_jsonschema::JsonSchemaEngine, level, &parse(&cur)?, &[parse(&prev)?])
                }
            }
            other => return Err(format!("subject {}: unknown schema type `{other}`", subject.name)),
        };
        for m in result.messages {
            findings.push(finding(
                &m.kind,
                Level::Error,
                &subject.file,
                format!(
                    "subject {}{} ({}): {} at {}",
                    subject.name,
                    subject.record.as_deref().map(|r| format!(" [{r}]")).unwrap_or_default(),
                    level.name(),
                    m.message,
                    m.path
                ),
            ));
        }
    }
    if config.require_subjects || !config.subjects.is_empty() {
        let level = if config.require_subjects { Level::Error } else { Level::Info };
        let mapped: Vec<&str> = config.subjects.iter().map(|s| s.file.as_str()).collect();
        if let Some(pb) = &config.protobuf {
            let set = schemagate_core::SourceSet::load(
                &InputSpec::Path(PathBuf::from(&pb.path)),
                &schemagate_protobuf::is_proto,
                &[],
            )
            .map_err(|e| e.to_string())?;
            // Files imported (transitively) by a mapped file travel with its subject.
            let root = pb.path.trim_end_matches('/');
            let texts: std::collections::HashMap<&str, String> =
                set.files.iter().map(|f| (f.path.as_str(), String::from_utf8_lossy(&f.bytes).into_owned())).collect();
            let mut covered: std::collections::HashSet<String> = std::collections::HashSet::new();
            let mut stack: Vec<String> =
                mapped.iter().filter_map(|m| m.strip_prefix(&format!("{root}/")).map(str::to_string)).collect();
            while let Some(file) = stack.pop() {
                if !covered.insert(file.clone()) {
                    continue;
                }
                if let Some(text) = texts.get(file.as_str()) {
                    stack.extend(imports_of(text));
                }
            }
            for f in &set.files {
                let path = format!("{root}/{}", f.path);
                let is_event = texts[f.path.as_str()].contains("message ");
                if is_event && !covered.contains(&f.path) {
                    findings.push(finding(
                        "SCHEMA_WITHOUT_SUBJECT",
                        level,
                        &path,
                        "no registry subject maps this schema file (no schema, no merge)".into(),
                    ));
                }
            }
        }
    }
    Ok(Report::new(findings, files))
}

/// The files a .proto source imports (`import "x";`, `import public "x";`, `import weak "x";`),
/// read from the text: enough to follow the import graph without a full parse.
fn imports_of(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix("import")?;
            let rest = rest.trim_start();
            let rest = rest.strip_prefix("public").or_else(|| rest.strip_prefix("weak")).unwrap_or(rest).trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let body = &rest[1..];
            Some(body[..body.find(quote)?].to_string())
        })
        .collect()
}
