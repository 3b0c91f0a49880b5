//! OpenAPI support for schemagate: a loader that keeps source positions (YAML and JSON, 3.0 and
//! 3.1 normalized into one model, `$ref` across files, cycles), and oasdiff-compatible checks.

pub mod json;
pub mod loader;
pub mod model;
pub mod yaml;

pub use loader::{DiskFetch, Fetch, GitFetch, LoadError, load};
pub use model::Spec;
pub mod checks;
pub mod diff;

use schemagate_core::{Finding, InputSpec, Report};

/// Whether some bytes are an OpenAPI (or Swagger) document: a top-level `openapi` or
/// `swagger` key, in YAML or JSON.
pub fn looks_like_openapi(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    text.lines().any(|l| {
        let l = l.trim_start_matches('\u{feff}');
        let t = l.trim_start_matches(['{', ' ', '\t']);
        let indent_ok = !l.starts_with(' ') || l.trim_start().starts_with('"');
        indent_ok
            && ["openapi", "swagger", "\"openapi\"", "\"swagger\""]
                .iter()
                .any(|k| t.strip_prefix(k).is_some_and(|r| r.trim_start().starts_with(':')))
    })
}

/// Whether an input names an OpenAPI document (a file, or a file in a git revision).
pub fn is_openapi_input(spec: &InputSpec) -> bool {
    match spec {
        InputSpec::Path(p) => p.is_file() && std::fs::read(p).map(|b| looks_like_openapi(&b)).unwrap_or(false),
        InputSpec::Git { rev, subdir } => {
            !subdir.is_empty()
                && schemagate_core::source::read_git_file(rev, subdir).map(|b| looks_like_openapi(&b)).unwrap_or(false)
        }
    }
}

/// Loads an OpenAPI input.
pub fn load_input(spec: &InputSpec) -> Result<Spec, LoadError> {
    match spec {
        InputSpec::Path(p) => load(&DiskFetch, &p.display().to_string()),
        InputSpec::Git { rev, subdir } => load(&GitFetch { rev: rev.clone() }, subdir),
    }
}

/// Every change between two specs, as a report (all levels).
pub fn changelog(old: &Spec, new: &Spec, options: &diff::Options) -> Report {
    let findings: Vec<Finding> = diff::diff(old, new, options);
    Report::new(findings, new.files.len())
}
pub mod policy;
