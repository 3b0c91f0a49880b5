//! Queries the operations share: version rows, schema rows, references, compatibility.

use std::borrow::Cow;

use rusqlite::{OptionalExtension, Transaction, params};
use schemagate_core::compat::CompatLevel;

use super::context::{self, context_of};
use super::{Filter, MAX_DEPENDENCIES, SchemaRequest, StoredSchema, SubjectVersion, VersionRow, VersionSpec};
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

/// The schema `id` of `context`, with the references it resolved to.
pub(super) fn load_schema(tx: &Transaction<'_>, context: &str, id: i64) -> Result<Option<StoredSchema>, ApiError> {
    let row: Option<(String, String, String)> = tx
        .prepare_cached("SELECT schema_type, schema, refs FROM schemas WHERE context = ?1 AND id = ?2")?
        .query_row(params![context, id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((schema_type, text, refs)) = row else { return Ok(None) };
    let schema_type =
        SchemaType::parse(&schema_type).ok_or_else(|| ApiError::store(format!("schema {id} has an unknown type")))?;
    let references: Vec<Reference> = serde_json::from_str(&refs)
        .map_err(|e| ApiError::store(format!("schema {id} has unreadable references: {e}")))?;
    let mut stmt = tx.prepare_cached(
        "SELECT name, subject, version FROM schema_refs WHERE context = ?1 AND schema_id = ?2 ORDER BY rowid",
    )?;
    let targets = stmt
        .query_map(params![context, id], |r| Ok(Reference { name: r.get(0)?, subject: r.get(1)?, version: r.get(2)? }))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(StoredSchema { schema_type, text, references, targets }))
}

/// The schema a version row of `subject` names.
pub(super) fn load_version_schema(
    tx: &Transaction<'_>,
    subject: &str,
    row: &VersionRow,
) -> Result<StoredSchema, ApiError> {
    load_schema(tx, &context_of(subject), row.schema_id)?
        .ok_or_else(|| ApiError::store(format!("version {} of {subject} names a missing schema", row.version)))
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
    let schema = load_version_schema(tx, subject, row)?;
    Ok(SubjectVersion { subject: subject.to_string(), version: row.version, id: row.schema_id, schema })
}

/// Ids of schemas (used by a version `filter` admits) that reference `subject` `version`, in
/// (context, id) order as Confluent sorts them; a schema of another context may reference it.
pub(super) fn referencing_ids(
    tx: &Transaction<'_>,
    subject: &str,
    version: i64,
    filter: Filter,
) -> Result<Vec<i64>, ApiError> {
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT r.context, r.schema_id FROM schema_refs r
         WHERE r.subject = ?1 AND r.version = ?2
           AND EXISTS (SELECT 1 FROM versions v
                       WHERE v.context = r.context AND v.schema_id = r.schema_id AND (v.deleted = 0 OR ?3))
         ORDER BY r.context, r.schema_id",
    )?;
    let ids = stmt.query_map(params![subject, version, filter == Filter::All], |r| r.get(1))?;
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

/// A request's references, for a schema of `context`: as written (`:.:name` as `name`) and as
/// the qualified subjects they resolve to, with `latest` resolved to that subject's number.
pub(super) struct ResolvedReferences {
    pub written: Vec<Reference>,
    pub targets: Vec<Reference>,
}

pub(super) fn resolve_references(
    tx: &Transaction<'_>,
    context: &str,
    request: &SchemaRequest,
) -> Result<ResolvedReferences, ApiError> {
    let mut resolved = ResolvedReferences { written: Vec::new(), targets: Vec::new() };
    for r in request.references.iter().flatten() {
        let written = context::normalize(&r.subject);
        let target = context::qualify_reference(context, &r.subject);
        let version = match r.version {
            Some(v) if v > 0 => v,
            _ => version_rows(tx, &target)?.iter().rev().find(|row| !row.deleted).map(|row| row.version).ok_or_else(
                || {
                    ApiError::invalid_schema(format!(
                        "Invalid schema: reference '{}' names subject '{target}' which has no versions",
                        r.name
                    ))
                },
            )?,
        };
        resolved.written.push(Reference { name: r.name.clone(), subject: written, version });
        resolved.targets.push(Reference { name: r.name.clone(), subject: target, version });
    }
    Ok(resolved)
}

/// Every schema `targets` (resolved references) reach, directly or transitively, as
/// (reference name, text); the schemas reached are followed through their own resolved
/// references.
pub(super) fn dependencies(tx: &Transaction<'_>, targets: &[Reference]) -> Result<Vec<(String, String)>, ApiError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut pending: Vec<Reference> = targets.iter().rev().cloned().collect();
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
            Some(id) => load_schema(tx, &context_of(&reference.subject), id)?,
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
        pending.extend(schema.targets.iter().rev().cloned());
    }
    Ok(out)
}

/// Inserts a schema into `context` under `wanted` (IMPORT mode) or the context's next id, and
/// records the context itself on its first schema.
pub(super) fn insert_schema(
    tx: &Transaction<'_>,
    context: &str,
    wanted: Option<i64>,
    schema_type: SchemaType,
    text: &str,
    references: &ResolvedReferences,
    identity: &str,
) -> Result<i64, ApiError> {
    let id = match wanted {
        Some(id) => {
            let taken: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM schemas WHERE context = ?1 AND id = ?2)",
                params![context, id],
                |r| r.get(0),
            )?;
            if taken {
                return Err(ApiError::id_does_not_match(format!(
                    "Overwrite new schema with id {id} is not permitted."
                )));
            }
            id
        }
        None => {
            tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM schemas WHERE context = ?1", [context], |r| r.get(0))?
        }
    };
    let refs = serde_json::to_string(&references.written).map_err(|e| ApiError::store(e.to_string()))?;
    tx.execute(
        "INSERT INTO schemas (context, id, schema_type, schema, refs, identity) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![context, id, schema_type.name(), text, refs, identity],
    )?;
    for r in &references.targets {
        tx.execute(
            "INSERT INTO schema_refs (context, schema_id, name, subject, version) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![context, id, r.name, r.subject, r.version],
        )?;
    }
    if context != context::DEFAULT_CONTEXT {
        tx.execute("INSERT OR IGNORE INTO contexts (name) VALUES (?1)", [context])?;
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
        let stored = load_version_schema(tx, subject, row)?;
        let dependencies = dependencies(tx, &stored.targets)?;
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
