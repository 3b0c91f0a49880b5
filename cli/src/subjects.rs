//! The configured subjects as the registry sees them, for `check --against registry` and
//! `registry push|pull`: a subject's payload from the work tree, and pulling the registered
//! versions into a folder laid out like the repository. Protobuf imports found in the module
//! are referenced subjects named by their import paths, as Confluent's serializers do.

use std::io::Write;
use std::path::{Path, PathBuf};

use schemagate_registry::client::{Client, ClientError, Version, fetch_references, import_closure};

use crate::config::{GateConfig, GateError, Subject};

/// A subject's schema as the work tree has it: its text, its type, and (Protobuf) the texts of
/// the module files it imports, transitively, by import path.
pub struct Payload {
    pub schema_type: String,
    pub text: String,
    pub imports: Vec<(String, String)>,
}

pub fn payload(config: &GateConfig, subject: &Subject) -> Result<Payload, GateError> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let schema_type = subject.schema_type.to_ascii_uppercase();
    let text = read(Path::new(&subject.file))?;
    let mut imports = Vec::new();
    if schema_type == "PROTOBUF" {
        let root = import_root(config, subject);
        imports = import_closure(&root, &text)?;
    }
    Ok(Payload { schema_type, text, imports })
}

/// Where a subject's Protobuf imports resolve from: the module root, or, outside a module,
/// the file's folder.
fn import_root(config: &GateConfig, subject: &Subject) -> PathBuf {
    match &config.protobuf {
        Some(pb) if subject.file.starts_with(&format!("{}/", pb.path.trim_end_matches('/'))) => {
            PathBuf::from(pb.path.trim_end_matches('/'))
        }
        _ => Path::new(&subject.file).parent().map(Path::to_path_buf).unwrap_or_default(),
    }
}

/// How a registry failure about a subject is told.
pub fn registry_error(client: &Client, subject: &str, e: ClientError) -> GateError {
    format!("registry {}, subject {subject}: {e}", client.url())
}

/// Writes each configured subject's latest registered version (and its references, at their
/// import paths under the Protobuf module) into `dir`, laid out like the repository — so that
/// `check --against <dir>` compares the work tree with what is registered.
pub fn pull(config: &GateConfig, client: &Client, dir: &Path, out: &mut dyn Write) -> Result<(), GateError> {
    let err = |s: &str, e: ClientError| registry_error(client, s, e);
    for subject in &config.subjects {
        let latest = match client.version(&subject.name, Version::Latest) {
            Ok(v) => v,
            Err(e) if e.error_code() == Some(40401) => {
                writeln!(out, "{}: not registered, skipped", subject.name).map_err(|e| e.to_string())?;
                continue;
            }
            Err(e) => return Err(err(&subject.name, e)),
        };
        let mut files = vec![(PathBuf::from(&subject.file), latest.schema.clone())];
        let root = import_root(config, subject);
        let refs = fetch_references(client, latest.references.clone()).map_err(|e| err(&subject.name, e))?;
        files.extend(refs.into_iter().map(|(name, v)| (root.join(name), v.schema)));
        for (path, text) in &files {
            if path.is_absolute() || path.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
                return Err(format!("{}: refusing to write outside --out: {}", subject.name, path.display()));
            }
            let target = dir.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))?;
        }
        writeln!(
            out,
            "{}: version {} (id {}) -> {} ({} file{})",
            subject.name,
            latest.version,
            latest.id,
            dir.join(&subject.file).display(),
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}
