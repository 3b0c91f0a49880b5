//! `schemagate check`: the merge gate. Reads schemagate.yaml, runs every configured check
//! (Protobuf breaking rules, OpenAPI breaking checks, Schema Registry verdicts for subjects)
//! against one baseline and returns one report.

use std::path::{Path, PathBuf};

use schemagate_core::compat::{CompatLevel, CompatResult, check_level};
use schemagate_core::{Finding, InputSpec, Level, Location, Report};
use schemagate_registry::client::{
    Client, ClientError, Compatibility, Schema, SubjectVersion, Version, registered_references,
};

use crate::config::{GateConfig, GateError, Subject};
use crate::subjects::{payload, registry_error};

/// Where the baseline comes from.
pub enum Baseline {
    Git(String),
    Dir(PathBuf),
    /// The registered versions of each subject; file-based slices (buf rules, OpenAPI) have
    /// no baseline there and are reported as skipped.
    /// The flag asks the registry's compatibility endpoint too (`--remote-verify`).
    Registry(Client, bool),
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
            Baseline::Registry(..) => unreachable!("registry baselines are read per subject"),
        }
    }
    fn exists(&self, rel: &str) -> Result<bool, GateError> {
        match self {
            Baseline::Git(rev) => {
                schemagate_core::source::git_path_exists(rev, rel.trim_start_matches("./")).map_err(|e| e.to_string())
            }
            Baseline::Dir(dir) => Ok(dir.join(rel).exists()),
            Baseline::Registry(..) => Ok(false),
        }
    }
}

fn finding(rule: &str, level: Level, path: &str, message: String) -> Finding {
    Finding::new(rule, level, path, Location::NONE, message)
}

/// Runs the gate; paths in the config are relative to the current directory (the repository).
pub fn run_gate(config: &GateConfig, baseline: &Baseline) -> Result<Report, GateError> {
    let mut findings = Vec::new();
    let mut files = 0;
    let registry = matches!(baseline, Baseline::Registry(..));
    // Against a registry, the Protobuf file-level rules compare the work tree with the files the
    // registry holds: each subject's latest version and its references, laid out as `registry
    // pull` writes them. OpenAPI documents have no place in a schema registry.
    let pulled = match baseline {
        Baseline::Registry(client, _) if config.protobuf.is_some() => {
            let dir = tempfile::tempdir().map_err(|e| format!("a temporary folder for the registry baseline: {e}"))?;
            crate::subjects::pull(config, client, dir.path(), &mut std::io::sink())?;
            Some(dir)
        }
        _ => None,
    };
    let file_baseline = pulled.as_ref().map(|d| Baseline::Dir(d.path().to_path_buf()));
    if registry {
        for spec in &config.openapi {
            findings.push(finding(
                "BASELINE_SKIPPED",
                Level::Info,
                &spec.path,
                "not checked against the registry, which holds subjects, not OpenAPI documents: use git:<rev> \
                 or a folder as the baseline for it"
                    .into(),
            ));
        }
    }
    if let Some(pb) = &config.protobuf {
        let baseline = file_baseline.as_ref().unwrap_or(baseline);
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
    for spec in config.openapi.iter().filter(|_| !registry) {
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
        let configured = subject
            .level
            .as_deref()
            .map(|l| CompatLevel::parse(l).ok_or_else(|| format!("subject {}: unknown level `{l}`", subject.name)))
            .transpose()?;
        let level = configured.unwrap_or(CompatLevel::Backward);
        if let Baseline::Registry(client, remote_verify) = baseline {
            match registry_subject(config, subject, configured, client)? {
                None => findings.push(finding(
                    "SUBJECT_NEW",
                    Level::Info,
                    &subject.file,
                    format!("subject {} is not registered yet", subject.name),
                )),
                Some((level, result)) => {
                    let local = result.compatible;
                    push_messages(&mut findings, subject, level, result);
                    if *remote_verify {
                        findings.extend(remote_findings(config, subject, client, local));
                    }
                }
            }
            continue;
        }
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
        push_messages(&mut findings, subject, level, result);
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
                    stack.extend(schemagate_registry::client::import_paths(text));
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

fn push_messages(findings: &mut Vec<Finding>, subject: &Subject, level: CompatLevel, result: CompatResult) {
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

/// The subject's file in the work tree against its registered versions. `None` when the
/// subject is not registered. The level is the config's, else the registry's own for it.
fn registry_subject(
    config: &GateConfig,
    subject: &Subject,
    level: Option<CompatLevel>,
    client: &Client,
) -> Result<Option<(CompatLevel, CompatResult)>, GateError> {
    let err = |e: ClientError| registry_error(client, &subject.name, e);
    let versions = match client.versions(&subject.name, false) {
        Ok(v) => v,
        Err(e) if e.error_code() == Some(40401) => return Ok(None),
        Err(e) => return Err(err(e)),
    };
    let Some(&latest) = versions.iter().max() else { return Ok(None) };
    let level = match level {
        Some(l) => l,
        None => {
            let name = client.config(Some(&subject.name), true).map_err(err)?;
            CompatLevel::parse(&name).ok_or_else(|| format!("registry: unknown compatibility level `{name}`"))?
        }
    };
    let wanted: Vec<i64> = if level.transitive() {
        let mut v = versions.clone();
        v.sort();
        v
    } else {
        vec![latest]
    };
    let registered: Vec<SubjectVersion> = wanted
        .iter()
        .map(|v| client.version(&subject.name, Version::Number(*v)))
        .collect::<Result<_, _>>()
        .map_err(err)?;
    let kind = subject.schema_type.to_ascii_uppercase();
    if let Some(other) = registered.iter().find(|r| !r.schema_type.eq_ignore_ascii_case(&kind)) {
        return Err(format!(
            "subject {}: the config says {kind} but version {} is registered as {}",
            subject.name, other.version, other.schema_type
        ));
    }
    // Referenced schemas, by import name, fetched once.
    let refs =
        schemagate_registry::client::fetch_references(client, registered.iter().flat_map(|r| r.references.clone()))
            .map_err(err)?;
    // A version's references and theirs, as (import name, text).
    let refs_of = |r: &SubjectVersion| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut stack: Vec<&str> = r.references.iter().map(|x| x.name.as_str()).collect();
        while let Some(name) = stack.pop() {
            if out.iter().any(|(n, _)| n == name) {
                continue;
            }
            if let Some(v) = refs.get(name) {
                out.push((name.to_string(), v.schema.clone()));
                stack.extend(v.references.iter().map(|x| x.name.as_str()));
            }
        }
        out
    };
    let label = |r: &SubjectVersion| format!("registry:{}/versions/{}", subject.name, r.version);
    let result = match kind.as_str() {
        "PROTOBUF" => {
            let module = config.protobuf.as_ref().map(|pb| pb.path.trim_end_matches('/').to_string());
            let rel = module
                .as_ref()
                .and_then(|m| subject.file.strip_prefix(&format!("{m}/")).map(str::to_string))
                .unwrap_or_else(|| {
                    Path::new(&subject.file).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
                });
            let current = {
                let spec = match &module {
                    Some(m) if subject.file.starts_with(&format!("{m}/")) => InputSpec::Path(PathBuf::from(m)),
                    _ => InputSpec::Path(PathBuf::from(&subject.file)),
                };
                let mut set = schemagate_core::SourceSet::load(&spec, &schemagate_protobuf::is_proto, &[])
                    .map_err(|e| e.to_string())?;
                set.single_file = Some(rel.clone());
                schemagate_protobuf::load_compat_schema(&set).map_err(|e| e.to_string())?
            };
            let mut previous = Vec::new();
            for r in &registered {
                let mut files =
                    vec![schemagate_core::SourceFile { path: rel.clone(), bytes: r.schema.clone().into_bytes() }];
                let all = refs_of(r);
                files.extend(
                    all.into_iter().map(|(path, text)| schemagate_core::SourceFile { path, bytes: text.into_bytes() }),
                );
                files.sort_by(|a, b| a.path.cmp(&b.path));
                let set = schemagate_core::SourceSet {
                    name: label(r),
                    files,
                    extras: vec![],
                    single_file: Some(rel.clone()),
                };
                previous.push(schemagate_protobuf::load_compat_schema(&set).map_err(|e| format!("{}: {e}", label(r)))?);
            }
            check_level(&schemagate_protobuf::compat::ProtobufEngine, level, &current, &previous)
        }
        "AVRO" => {
            let text = std::fs::read_to_string(&subject.file).map_err(|e| format!("{}: {e}", subject.file))?;
            let current = schemagate_avro::parse(&subject.file, &text, &[]).map_err(|e| e.to_string())?;
            let previous = registered
                .iter()
                .map(|r| schemagate_avro::parse(&label(r), &r.schema, &refs_of(r)).map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            check_level(&schemagate_avro::AvroEngine, level, &current, &previous)
        }
        "JSON" => {
            let text = std::fs::read_to_string(&subject.file).map_err(|e| format!("{}: {e}", subject.file))?;
            let current = schemagate_jsonschema::parse(&subject.file, &text, &[]).map_err(|e| e.to_string())?;
            let previous = registered
                .iter()
                .map(|r| schemagate_jsonschema::parse(&label(r), &r.schema, &refs_of(r)).map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            check_level(&schemagate_jsonschema::JsonSchemaEngine, level, &current, &previous)
        }
        other => return Err(format!("subject {}: unknown schema type `{other}`", subject.name)),
    };
    Ok(Some((level, result)))
}

/// The registry's own verdict beside ours: its messages when it refuses, and a warning when the
/// two disagree (one of the engines is wrong about this change; the registry decides at deploy).
fn remote_findings(config: &GateConfig, subject: &Subject, client: &Client, local: bool) -> Vec<Finding> {
    let at = |rule: &str, level: Level, message: String| finding(rule, level, &subject.file, message);
    match remote_verdict(client, config, subject) {
        Err(why) => vec![at(
            "REMOTE_VERIFY_SKIPPED",
            Level::Warning,
            format!("subject {}: the registry's verdict could not be asked: {why}", subject.name),
        )],
        Ok(remote) => {
            let mut out = Vec::new();
            if remote.is_compatible {
                out.push(at(
                    "REGISTRY_COMPATIBLE",
                    Level::Info,
                    format!("subject {}: the registry agrees the change is compatible", subject.name),
                ));
            } else {
                let detail = if remote.messages.is_empty() {
                    "no details given".to_string()
                } else {
                    remote.messages.join("; ")
                };
                out.push(at(
                    "REGISTRY_INCOMPATIBLE",
                    Level::Error,
                    format!("subject {}: the registry refuses: {detail}", subject.name),
                ));
            }
            if remote.is_compatible != local {
                out.push(at(
                    "VERDICT_DISAGREEMENT",
                    Level::Warning,
                    format!(
                        "subject {}: schemagate says {}, the registry says {}",
                        subject.name,
                        if local { "compatible" } else { "incompatible" },
                        if remote.is_compatible { "compatible" } else { "incompatible" }
                    ),
                ));
            }
            out
        }
    }
}

/// The registry's own verdict on the work tree's schema against the subject's registered
/// versions (`POST /compatibility/subjects/{s}/versions/latest?verbose=true`). `Err` carries
/// why it could not be asked (e.g. an import not registered yet).
fn remote_verdict(client: &Client, config: &GateConfig, subject: &Subject) -> Result<Compatibility, GateError> {
    let payload = payload(config, subject)?;
    let err = |e: ClientError| registry_error(client, &subject.name, e);
    let refs = registered_references(client, &payload.schema_type, &payload.text, &payload.imports)
        .map_err(err)?
        .ok_or_else(|| "an imported file is not registered with this text yet".to_string())?;
    let schema = Schema::new(&payload.schema_type, payload.text.clone()).with_references(refs);
    client.test_compatibility(&subject.name, Version::Latest, &schema).map_err(err)
}
