//! The Protobuf slice of the gate: buf's breaking rules over the configured module against the
//! baseline's, and the schema files no subject maps ("no schema, no merge").

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use schemagate_core::{Finding, InputSpec, Level, SourceSet};
use schemagate_protobuf as protobuf;

use super::{Baseline, finding};
use crate::config::{GateConfig, GateError, ProtobufConfig};

/// The `.proto` files of an input, with the buf configuration files named in `extras`.
pub(super) fn proto_set(spec: &InputSpec, extras: &[&str]) -> Result<SourceSet, GateError> {
    SourceSet::load(spec, &protobuf::is_proto, extras).map_err(|e| e.to_string())
}

/// Adds the module's breaking changes (paths from the repository top); answers how many files
/// were checked. A module new since the baseline is compared with an empty one.
pub(super) fn breaking(
    config: &GateConfig,
    pb: &ProtobufConfig,
    baseline: &Baseline,
    findings: &mut Vec<Finding>,
) -> Result<usize, GateError> {
    let current_set = proto_set(&InputSpec::Path(PathBuf::from(&pb.path)), &protobuf::CONFIG_FILES)?;
    let policy = match &config.breaking {
        Some(b) => {
            let text = yaml_serde::to_string(
                &serde_json::json!({ "version": config.version.clone().unwrap_or("v2".into()), "breaking": b }),
            )
            .map_err(|e| e.to_string())?;
            protobuf::breaking_config_of(&current_set, Some(("schemagate.yaml", text.as_bytes())))
                .map_err(|e| e.to_string())?
        }
        None => protobuf::breaking_config_of(&current_set, None).map_err(|e| e.to_string())?,
    };
    let current = protobuf::load(&current_set).map_err(|e| e.to_string())?;
    let previous = if baseline.exists(&pb.path)? {
        let set = proto_set(&baseline.spec(&pb.path), &protobuf::CONFIG_FILES)?;
        protobuf::load(&set).map_err(|e| e.to_string())?
    } else {
        protobuf::Module { files: vec![], imports: vec![], root: ".".into() }
    };
    let report = protobuf::breaking(&previous, &current, &policy);
    findings.extend(report.findings.into_iter().map(|mut f| {
        f.path = format!("{}/{}", pb.path.trim_end_matches('/'), f.path);
        f
    }));
    Ok(report.summary.files_checked)
}

/// Adds a finding for each file of the module that declares messages but is neither mapped by
/// a subject nor imported (transitively) by a mapped file: an error with `require_subjects`,
/// information otherwise.
pub(super) fn unmapped(config: &GateConfig, pb: &ProtobufConfig, findings: &mut Vec<Finding>) -> Result<(), GateError> {
    let level = if config.require_subjects { Level::Error } else { Level::Info };
    let set = proto_set(&InputSpec::Path(PathBuf::from(&pb.path)), &[])?;
    // Files imported (transitively) by a mapped file travel with its subject.
    let root = pb.path.trim_end_matches('/');
    let texts: HashMap<&str, String> =
        set.files.iter().map(|f| (f.path.as_str(), String::from_utf8_lossy(&f.bytes).into_owned())).collect();
    let mut covered: HashSet<String> = HashSet::new();
    let mut stack: Vec<String> =
        config.subjects.iter().filter_map(|s| s.file.strip_prefix(&format!("{root}/")).map(str::to_string)).collect();
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
    Ok(())
}
