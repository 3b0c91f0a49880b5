//! `schemagate registry push`: the configured subjects registered, Protobuf imports first as
//! referenced subjects named by their import paths, as Confluent's serializers do.

use std::io::Write;

use schemagate_registry::client::{Client, ClientError, Schema, register_with_references, registered_references};

use crate::config::{GateConfig, GateError};
use crate::subjects::{self, registry_error};

/// What `push` did for a subject.
enum Pushed {
    Registered { id: i64, version: i64 },
    Incompatible(Vec<String>),
}

/// Registers every configured subject's current schema (imports first, idempotent: the same
/// text under the same subject keeps its id and version).
pub fn push(config: &GateConfig, client: &Client, out: &mut dyn Write) -> Result<bool, GateError> {
    let mut all_ok = true;
    for subject in &config.subjects {
        let err = |e: ClientError| registry_error(client, &subject.name, e);
        let payload = subjects::payload(config, subject)?;
        let result =
            register_with_references(client, &subject.name, &payload.text, &payload.schema_type, &payload.imports);
        let pushed = match result {
            Ok(id) => {
                let refs = registered_references(client, &payload.schema_type, &payload.text, &payload.imports)
                    .map_err(err)?
                    .unwrap_or_default();
                let schema = Schema::new(&payload.schema_type, payload.text.clone()).with_references(refs);
                let version = client.lookup(&subject.name, &schema).map_err(err)?.map(|v| v.version).unwrap_or(0);
                Pushed::Registered { id, version }
            }
            Err(ClientError::Incompatible { messages, .. }) => Pushed::Incompatible(messages),
            Err(e) => return Err(err(e)),
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
