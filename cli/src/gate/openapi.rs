//! The OpenAPI slice of the gate: oasdiff's checks (warnings and errors) over each configured
//! document against its version at the baseline.

use std::path::PathBuf;

use schemagate_core::{Finding, InputSpec, Level};
use schemagate_openapi as openapi;

use super::{Baseline, finding};
use crate::config::{GateError, OpenApiSpec};

/// Against a registry a document has no baseline: said once, as information.
pub(super) fn skipped(spec: &OpenApiSpec) -> Finding {
    finding(
        "BASELINE_SKIPPED",
        Level::Info,
        &spec.path,
        "not checked against the registry, which holds subjects, not OpenAPI documents: use git:<rev> \
         or a folder as the baseline for it"
            .into(),
    )
}

/// Adds the document's breaking changes; answers how many files it read. A document new since
/// the baseline has nothing to break.
pub(super) fn breaking(
    spec: &OpenApiSpec,
    baseline: &Baseline,
    findings: &mut Vec<Finding>,
) -> Result<usize, GateError> {
    let current = openapi::load_input(&InputSpec::Path(PathBuf::from(&spec.path))).map_err(|e| e.to_string())?;
    let files = current.files.len();
    if !baseline.exists(&spec.path)? {
        return Ok(files);
    }
    let previous = openapi::load_input(&baseline.spec(&spec.path)).map_err(|e| e.to_string())?;
    let report = openapi::changelog(&previous, &current, &openapi::diff::Options::default());
    findings.extend(report.findings.into_iter().filter(|f| f.level >= Level::Warning));
    Ok(files)
}
