//! The merge gate behind `schemagate check`: every check configured in schemagate.yaml
//! (Protobuf breaking rules, OpenAPI breaking checks, Schema Registry verdicts for subjects)
//! against one baseline, as one report. One module per slice:
//!
//! - `protobuf`: buf's rules over the Protobuf module, and which schema files no subject maps;
//! - `openapi`: oasdiff's checks over each OpenAPI document;
//! - `compat`: each subject's verdict against its file at the baseline (git or a folder);
//! - `registry`: each subject's verdict against its registered versions, and the registry's own.

mod compat;
mod openapi;
mod protobuf;
mod registry;
pub mod review;

use std::fmt::Display;
use std::path::PathBuf;

use schemagate_core::compat::{CompatEngine, CompatLevel, CompatResult, check_level};
use schemagate_core::{Finding, InputSpec, Level, Location, Report};
use schemagate_registry::client::Client;

use crate::config::{GateConfig, GateError, Subject};

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
        findings.extend(config.openapi.iter().map(openapi::skipped));
    }
    if let Some(pb) = &config.protobuf {
        files += protobuf::breaking(config, pb, file_baseline.as_ref().unwrap_or(baseline), &mut findings)?;
    }
    for spec in config.openapi.iter().filter(|_| !registry) {
        files += openapi::breaking(spec, baseline, &mut findings)?;
    }
    for subject in &config.subjects {
        files += 1;
        let configured = subject
            .level
            .as_deref()
            .map(|l| CompatLevel::parse(l).ok_or_else(|| format!("subject {}: unknown level `{l}`", subject.name)))
            .transpose()?;
        match baseline {
            Baseline::Registry(client, remote_verify) => {
                registry::subject(config, subject, configured, client, *remote_verify, &mut findings)?
            }
            _ => {
                compat::subject(config, subject, configured.unwrap_or(CompatLevel::Backward), baseline, &mut findings)?
            }
        }
    }
    if let Some(pb) = config.protobuf.as_ref().filter(|_| config.require_subjects || !config.subjects.is_empty()) {
        protobuf::unmapped(config, pb, &mut findings)?;
    }
    Ok(Report::new(findings, files))
}

/// A subject's compatibility messages, as errors on its file.
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

/// The verdict for a format parsed from one text with its references (Avro, JSON Schema):
/// `current`, the work tree's text of `file`, against `previous` (name, text, references),
/// oldest first.
fn text_verdict<'a, E: CompatEngine, X: Display>(
    engine: &E,
    parse: impl Fn(&str, &str, &[(String, String)]) -> Result<E::Schema, X>,
    level: CompatLevel,
    (file, current): (&str, &str),
    previous: impl IntoIterator<Item = (String, &'a str, Vec<(String, String)>)>,
) -> Result<CompatResult, GateError> {
    let current = parse(file, current, &[]).map_err(|e| e.to_string())?;
    let previous = previous
        .into_iter()
        .map(|(name, text, references)| parse(&name, text, &references).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(check_level(engine, level, &current, &previous))
}
