//! Subjects against a registry (`check --against registry`): the Schema Registry's verdict on
//! each subject's file in the work tree against its registered versions, and with
//! `--remote-verify` the registry's own verdict beside it.

use std::path::{Path, PathBuf};

use schemagate_core::compat::{CompatLevel, CompatResult, check_level};
use schemagate_core::{Finding, InputSpec, Level};
use schemagate_registry::client::{
    Client, ClientError, Compatibility, Schema, SubjectVersion, Version, fetch_references, registered_references,
};

use super::protobuf::proto_set;
use super::{finding, push_messages, text_verdict};
use crate::config::{GateConfig, GateError, Subject};
use crate::subjects::{payload, registry_error};

/// Adds the subject's incompatibilities (at the config's level, else the registry's), or a note
/// that it is not registered; with `remote_verify`, the registry's verdict too.
pub(super) fn subject(
    config: &GateConfig,
    subject: &Subject,
    level: Option<CompatLevel>,
    client: &Client,
    remote_verify: bool,
    findings: &mut Vec<Finding>,
) -> Result<(), GateError> {
    match verdict(config, subject, level, client)? {
        None => findings.push(finding(
            "SUBJECT_NEW",
            Level::Info,
            &subject.file,
            format!("subject {} is not registered yet", subject.name),
        )),
        Some((level, result)) => {
            let local = result.compatible;
            push_messages(findings, subject, level, result);
            if remote_verify {
                findings.extend(remote_findings(config, subject, client, local));
            }
        }
    }
    Ok(())
}

/// The subject's file in the work tree against its registered versions. `None` when the
/// subject is not registered. The level is the config's, else the registry's own for it.
fn verdict(
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
    let refs = fetch_references(client, registered.iter().flat_map(|r| r.references.clone())).map_err(err)?;
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
                let mut set = proto_set(&spec, &[])?;
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
        "AVRO" | "JSON" => {
            let text = std::fs::read_to_string(&subject.file).map_err(|e| format!("{}: {e}", subject.file))?;
            let current = (subject.file.as_str(), text.as_str());
            let previous = registered.iter().map(|r| (label(r), r.schema.as_str(), refs_of(r)));
            if kind == "AVRO" {
                text_verdict(&schemagate_avro::AvroEngine, schemagate_avro::parse, level, current, previous)?
            } else {
                let engine = &schemagate_jsonschema::JsonSchemaEngine;
                text_verdict(engine, schemagate_jsonschema::parse, level, current, previous)?
            }
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
