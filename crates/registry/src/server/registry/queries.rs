//! Queries the operations share: version rows, schema rows, references, compatibility.

use std::borrow::Cow;

use rusqlite::{OptionalExtension, Transaction, params};
use schemagate_core::compat::CompatLevel;

use super::{
    Filter, MAX_DEPENDENCIES, SchemaRequest, StoredSchema, SubjectVersion, VersionRow, VersionSpec, normalize_subject,
};
use crate::server::api_error::ApiError;
use crate::server::schema::{self, Parsed, Reference, SchemaType};

/// The schema text and type of a request; an empty schema is invalid. A Protobuf schema in
/// descriptor form comes back as `.proto` source (see [`schema::schema_text`]).
pub(super) fn schema_of(request: &SchemaRequest) -> Result<(SchemaType, Cow<'_, str>), ApiError> {
    let schema_type = match &request.schema_type {
        None => SchemaType::Avro,
        Some(name) => SchemaType::parse(name).ok_or_else(|| {
            ApiError::invalid_schema(format!("Invalid schema type {name}: expected AVRO, JSON or PROTOBUF"))
        })?,
    };
    match request.schema.as_deref() {
        Some(text) if !text.trim().is_empty() => {
            let text = schema::schema_text(schema_type, text)
                .map_err(|e| ApiError::invalid_schema(format!("Invalid schema: {e}")))?;
            Ok((schema_type, text))
        }
        _ => Err(ApiError::invalid_schema("Empty schema")),
    }
}

pub(super) fn version_rows(tx: &Transaction<'_>, subject: &str) -> Result<Vec<VersionRow>, ApiError> {
    let mut stmt =
        tx.prepare_cached("SELECT version, schema_id, deleted FROM versions WHERE subject = ?1 ORDER BY version")?;
    let rows =
        stmt.query_map([subject], |r| Ok(VersionRow { version: r.get(0)?, schema_id: r.get(1)?, deleted: r.get(2)? }))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub(super) fn load_schema(tx: &Transaction<'_>, id: i64) -> Result<Option<StoredSchema>, ApiError> {
    let row: Option<(String, String, String)> = tx
        .prepare_cached("SELECT schema_type, schema, refs FROM schemas WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((schema_type, text, refs)) = row else { return Ok(None) };
    let schema_type =
        SchemaType::parse(&schema_type).ok_or_else(|| ApiError::store(format!("schema {id} has an unknown type")))?;
    let references: Vec<Reference> = serde_json::from_str(&refs)
        .map_err(|e| ApiError::store(format!("schema {id} has unreadable references: {e}")))?;
    Ok(Some(StoredSchema { schema_type, text, references }))
}

pub(super) fn find_version(
    tx: &Transaction<'_>,
    subject: &str,
    spec: VersionSpec,
    filter: Filter,
) -> Result<SubjectVersion, ApiError> {
    let rows: Vec<VersionRow> = version_rows(tx, subject)?.into_iter().filter(|r| filter.admits(r.deleted)).collect();
    if rows.is_empty() {
        return Err(ApiError::subject_not_found(subject));
    }
    let row = match spec {
        VersionSpec::Latest => rows.last(),
        VersionSpec::Number(n) => rows.iter().find(|r| r.version == n),
    };
    let row = row.ok_or(match spec {
        VersionSpec::Number(n) => ApiError::version_not_found(n),
        VersionSpec::Latest => ApiError::subject_not_found(subject),
    })?;
    let schema = load_schema(tx, row.schema_id)?
        .ok_or_else(|| ApiError::store(format!("version {} of {subject} names a missing schema", row.version)))?;
    Ok(SubjectVersion { subject: subject.to_string(), version: row.version, id: row.schema_id, schema })
}

/// Ids of schemas (used by a version `filter` admits) that reference `subject` `version`.
pub(super) fn referencing_ids(
    tx: &Transaction<'_>,
    subject: &str,
    version: i64,
    filter: Filter,
) -> Result<Vec<i64>, ApiError> {
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT r.schema_id FROM schema_refs r
         WHERE r.subject = ?1 AND r.version = ?2
           AND EXISTS (SELECT 1 FROM versions v WHERE v.schema_id = r.schema_id AND (v.deleted = 0 OR ?3))
         ORDER BY r.schema_id",
    )?;
    let ids = stmt.query_map(params![subject, version, filter == Filter::All], |r| r.get(0))?;
    Ok(ids.collect::<Result<Vec<i64>, _>>()?)
}

pub(super) fn ensure_unreferenced(
    tx: &Transaction<'_>,
    subject: &str,
    version: i64,
    filter: Filter,
) -> Result<(), ApiError> {
    let ids = referencing_ids(tx, subject, version, filter)?;
    if ids.is_empty() {
        return Ok(());
    }
    Err(ApiError::reference_exists(format!(
        "One or more references exist to the schema {{subject={subject},version={version}}}: schema ids {ids:?}"
    )))
}

/// The request's references with `latest` resolved to a version number.
pub(super) fn resolve_references(tx: &Transaction<'_>, request: &SchemaRequest) -> Result<Vec<Reference>, ApiError> {
    let mut out = Vec::new();
    for r in request.references.iter().flatten() {
        let subject = normalize_subject(&r.subject);
        let version = match r.version {
            Some(v) if v > 0 => v,
            _ => version_rows(tx, &subject)?.iter().rev().find(|row| !row.deleted).map(|row| row.version).ok_or_else(
                || {
                    ApiError::invalid_schema(format!(
                        "Invalid schema: reference '{}' names subject '{subject}' which has no versions",
                        r.name
                    ))
                },
            )?,
        };
        out.push(Reference { name: r.name.clone(), subject, version });
    }
    Ok(out)
}

/// Every schema `references` reach, directly or transitively, as (reference name, text).
pub(super) fn dependencies(tx: &Transaction<'_>, references: &[Reference]) -> Result<Vec<(String, String)>, ApiError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut pending: Vec<Reference> = references.iter().rev().cloned().collect();
    let mut seen = std::collections::HashSet::new();
    while let Some(reference) = pending.pop() {
        if !seen.insert((reference.subject.clone(), reference.version, reference.name.clone())) {
            continue;
        }
        if seen.len() > MAX_DEPENDENCIES {
            return Err(ApiError::invalid_schema(format!("Invalid schema: more than {MAX_DEPENDENCIES} references")));
        }
        let id: Option<i64> = tx
            .prepare_cached("SELECT schema_id FROM versions WHERE subject = ?1 AND version = ?2")?
            .query_row(params![reference.subject, reference.version], |r| r.get(0))
            .optional()?;
        let schema = match id {
            Some(id) => load_schema(tx, id)?,
            None => None,
        };
        let Some(schema) = schema else {
            return Err(ApiError::invalid_schema(format!(
                "Invalid schema: reference '{}' names subject '{}' version {}, which does not exist",
                reference.name, reference.subject, reference.version
            )));
        };
        if !out.iter().any(|(name, _)| *name == reference.name) {
            out.push((reference.name.clone(), schema.text.clone()));
        }
        pending.extend(schema.references.iter().rev().cloned());
    }
    Ok(out)
}

pub(super) fn insert_schema(
    tx: &Transaction<'_>,
    wanted: Option<i64>,
    schema_type: SchemaType,
    text: &str,
    references: &[Reference],
    identity: &str,
) -> Result<i64, ApiError> {
    let id = match wanted {
        Some(id) => {
            let taken: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM schemas WHERE id = ?1)", [id], |r| r.get(0))?;
            if taken {
                return Err(ApiError::id_does_not_match(format!(
                    "Overwrite new schema with id {id} is not permitted."
                )));
            }
            id
        }
        None => tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM schemas", [], |r| r.get(0))?,
    };
    let refs = serde_json::to_string(references).map_err(|e| ApiError::store(e.to_string()))?;
    tx.execute(
        "INSERT INTO schemas (id, schema_type, schema, refs, identity) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, schema_type.name(), text, refs, identity],
    )?;
    for r in references {
        tx.execute(
            "INSERT INTO schema_refs (schema_id, name, subject, version) VALUES (?1, ?2, ?3, ?4)",
            params![id, r.name, r.subject, r.version],
        )?;
    }
    Ok(id)
}

/// Checks `update` against the live `rows` the level covers (newest first; only the latest
/// for non-transitive levels) and stops at the first incompatible version, adding
/// Confluent's trailer (`{oldSchemaVersion: N}`, `{oldSchema: '...'}`, the level).
pub(super) fn check_against_versions(
    tx: &Transaction<'_>,
    subject: &str,
    level: CompatLevel,
    update: &Parsed,
    rows: &[VersionRow],
) -> Result<Vec<String>, ApiError> {
    let live: Vec<&VersionRow> = rows.iter().filter(|r| !r.deleted).collect();
    let transitive =
        matches!(level, CompatLevel::BackwardTransitive | CompatLevel::ForwardTransitive | CompatLevel::FullTransitive);
    let checked: Vec<&VersionRow> = match level {
        CompatLevel::None => vec![],
        _ if transitive => live.into_iter().rev().collect(),
        _ => live.last().copied().into_iter().collect(),
    };
    for row in checked {
        let stored = load_schema(tx, row.schema_id)?
            .ok_or_else(|| ApiError::store(format!("version {} of {subject} names a missing schema", row.version)))?;
        let dependencies = dependencies(tx, &stored.references)?;
        let previous = schema::parse(subject, stored.schema_type, &stored.text, &dependencies).map_err(|e| {
            ApiError::store(format!("version {} of subject {subject} no longer parses: {e}", row.version))
        })?;
        let mut messages = schema::incompatibilities(level, update, &previous);
        if !messages.is_empty() {
            messages.push(format!("{{oldSchemaVersion: {}}}", row.version));
            messages.push(format!("{{oldSchema: '{}'}}", stored.text));
            messages.push(format!("{{validateFields: 'false', compatibility: '{}'}}", level.name()));
            return Ok(messages);
        }
    }
    Ok(vec![])
}
