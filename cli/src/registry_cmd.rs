//! `schemagate registry push|pull` and the registry's own verdict for `check --remote-verify`.
//! Subjects come from schemagate.yaml; Protobuf imports found in the module are registered as
//! referenced subjects named by their import paths, as Confluent's serializers do.

use std::io::Write;
use std::path::{Path, PathBuf};

use schemagate_registry::client::{
    Client, ClientError, Compatibility, Schema, Version, fetch_references, import_closure, register_with_references,
    registered_references,
};

use crate::check::{GateConfig, GateError, Subject};

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

/// The registry's own verdict on the work tree's schema against the subject's registered
/// versions (`POST /compatibility/subjects/{s}/versions/latest?verbose=true`). `Err` carries
/// why it could not be asked (e.g. an import not registered yet).
pub fn remote_verdict(client: &Client, config: &GateConfig, subject: &Subject) -> Result<Compatibility, GateError> {
    let payload = payload(config, subject)?;
    let err = |e: ClientError| format!("registry {}, subject {}: {e}", client.url(), subject.name);
    let refs = registered_references(client, &payload.schema_type, &payload.text, &payload.imports)
        .map_err(err)?
        .ok_or_else(|| "an imported file is not registered with this text yet".to_string())?;
    let schema = Schema::new(&payload.schema_type, payload.text.clone()).with_references(refs);
    client.test_compatibility(&subject.name, Version::Latest, &schema).map_err(err)
}

/// What `push` did for a subject.
pub enum Pushed {
    Registered { id: i64, version: i64 },
    Incompatible(Vec<String>),
}

/// Registers every configured subject's current schema (imports first, idempotent: the same
/// text under the same subject keeps its id and version).
pub fn push(config: &GateConfig, client: &Client, out: &mut dyn Write) -> Result<bool, GateError> {
    let mut all_ok = true;
    for subject in &config.subjects {
        let payload = payload(config, subject)?;
        let result =
            register_with_references(client, &subject.name, &payload.text, &payload.schema_type, &payload.imports);
        let pushed = match result {
            Ok(id) => {
                let refs = registered_references(client, &payload.schema_type, &payload.text, &payload.imports)
                    .map_err(|e| format!("registry {}, subject {}: {e}", client.url(), subject.name))?
                    .unwrap_or_default();
                let schema = Schema::new(&payload.schema_type, payload.text.clone()).with_references(refs);
                let version = client
                    .lookup(&subject.name, &schema)
                    .map_err(|e| format!("registry {}, subject {}: {e}", client.url(), subject.name))?
                    .map(|v| v.version)
                    .unwrap_or(0);
                Pushed::Registered { id, version }
            }
            Err(ClientError::Incompatible { messages, .. }) => Pushed::Incompatible(messages),
            Err(e) => return Err(format!("registry {}, subject {}: {e}", client.url(), subject.name)),
        };
        let line = match pushed {
            Pushed::Registered { id, version } => {
                format!("{}: registered {} as version {version} (id {id})", subject.name, subject.file)
            }
            Pushed::Incompatible(messages) => {
                all_ok = false;
                format!("{}: REFUSED, incompatible: {}", subject.name, messages.join("; "))
            }
        };
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    Ok(all_ok)
}

/// Writes each configured subject's latest registered version (and its references, at their
/// import paths under the Protobuf module) into `dir`, laid out like the repository — so that
/// `check --against <dir>` compares the work tree with what is registered.
pub fn pull(config: &GateConfig, client: &Client, dir: &Path, out: &mut dyn Write) -> Result<(), GateError> {
    let err = |s: &str, e: ClientError| format!("registry {}, subject {s}: {e}", client.url());
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
