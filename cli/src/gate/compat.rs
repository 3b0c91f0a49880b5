//! Subjects against a file baseline (git or a folder): the Schema Registry's verdict on each
//! subject's file in the work tree against the same file at the baseline.

use std::path::PathBuf;

use schemagate_core::compat::{CompatLevel, check_level};
use schemagate_core::{Finding, InputSpec, Level};
use schemagate_protobuf as protobuf;

use super::protobuf::proto_set;
use super::{Baseline, finding, push_messages, text_verdict};
use crate::config::{GateConfig, GateError, Subject};

/// Adds the subject's incompatibilities at `level`, or a note that it is new.
pub(super) fn subject(
    config: &GateConfig,
    subject: &Subject,
    level: CompatLevel,
    baseline: &Baseline,
    findings: &mut Vec<Finding>,
) -> Result<(), GateError> {
    if !baseline.exists(&subject.file)? {
        findings.push(finding(
            "SUBJECT_NEW",
            Level::Info,
            &subject.file,
            format!("subject {} is new (no baseline version)", subject.name),
        ));
        return Ok(());
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
                let mut set = proto_set(&spec, &[])?;
                if single.is_some() {
                    set.single_file = single;
                }
                protobuf::load_compat_schema(&set).map_err(|e| e.to_string())
            };
            let current = load(true)?;
            let previous = load(false)?;
            check_level(&protobuf::compat::ProtobufEngine, level, &current, &[previous])
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
            let (current, previous) =
                ((subject.file.as_str(), cur.as_str()), [(subject.file.clone(), prev.as_str(), vec![])]);
            if subject.schema_type.eq_ignore_ascii_case("AVRO") {
                text_verdict(&schemagate_avro::AvroEngine, schemagate_avro::parse, level, current, previous)?
            } else {
                let engine = &schemagate_jsonschema::JsonSchemaEngine;
                text_verdict(engine, schemagate_jsonschema::parse, level, current, previous)?
            }
        }
        other => return Err(format!("subject {}: unknown schema type `{other}`", subject.name)),
    };
    push_messages(findings, subject, level, result);
    Ok(())
}
