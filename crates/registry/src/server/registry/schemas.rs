//! Schemas by id, schema listings and compatibility tests.
//!
//! Ids belong to contexts. As in Confluent's registry, `GET /schemas/ids/{id}` without a
//! subject looks in the default context; with `subject=:.ctx:name` it looks in `.ctx` at
//! that subject's versions (`subject=:.ctx:` at any subject of `.ctx`); with a plain
//! `subject=name` it looks at `name` in the default context, then at `name` in each other
//! context, then at any subject of the default context.

use rusqlite::{OptionalExtension, Transaction, params};

use super::context::{DEFAULT_CONTEXT, QualifiedSubject, SubjectPrefix, context_of};
use super::queries::{check_against_versions, dependencies, load_schema, resolve_references, schema_of, version_rows};
use super::settings::{effective_level, named_contexts};
use super::{Filter, Registry, SchemaRequest, StoredSchema, SubjectVersion, VersionRow, VersionSpec};
use crate::server::api_error::ApiError;
use crate::server::schema;

/// A schema found by id, with the subject version that led to it.
#[derive(Debug, Clone)]
pub struct SchemaById {
    pub subject: String,
    pub version: i64,
    pub schema: StoredSchema,
}

impl Registry {
    /// `GET /schemas/ids/{id}[?subject=]`: a schema some subject version (live or
    /// soft-deleted) uses, looked for as the module documentation says.
    pub fn schema_by_id(&self, id: i64, subject: Option<&str>) -> Result<SchemaById, ApiError> {
        self.db.read(|tx| {
            let not_found = || ApiError::schema_id_not_found(&id.to_string());
            let (subject, version) = locate_id(tx, id, subject)?.ok_or_else(not_found)?;
            let schema = load_schema(tx, &context_of(&subject), id)?.ok_or_else(not_found)?;
            Ok(SchemaById { subject, version, schema })
        })
    }

    /// `schema` as `?format=` asks: `serialized` turns a Protobuf schema into the base64 of its
    /// `FileDescriptorProto`, as Confluent's Protobuf deserializers read it; any other format
    /// (or schema type) leaves it as stored.
    pub fn in_format(&self, mut schema: StoredSchema, format: &str) -> Result<StoredSchema, ApiError> {
        if format != "serialized" || schema.schema_type != schema::SchemaType::Protobuf {
            return Ok(schema);
        }
        let dependencies = self.db.read(|tx| dependencies(tx, &schema.targets))?;
        schema.text = schema::serialized_descriptor(&schema.text, &dependencies)
            .map_err(|e| ApiError::invalid_schema(format!("Invalid schema: {e}")))?;
        Ok(schema)
    }

    /// `GET /schemas/ids/{id}/versions[?subject=]`: the (subject, version) pairs of the id's
    /// context (found as [`Registry::schema_by_id`] finds it) using the schema.
    pub fn versions_of_id(
        &self,
        id: i64,
        subject: Option<&str>,
        filter: Filter,
    ) -> Result<Vec<(String, i64)>, ApiError> {
        self.db.read(|tx| {
            let (found, _) =
                locate_id(tx, id, subject)?.ok_or_else(|| ApiError::schema_id_not_found(&id.to_string()))?;
            let mut stmt = tx.prepare(
                "SELECT subject, version, deleted FROM versions WHERE context = ?1 AND schema_id = ?2
                 ORDER BY subject, version",
            )?;
            let rows = stmt.query_map(params![context_of(&found), id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, bool>(2)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (subject, version, deleted) = row?;
                if filter.admits(deleted) {
                    out.push((subject, version));
                }
            }
            Ok(out)
        })
    }

    /// `GET /schemas`: the versions (or only the latest of each subject) of the subjects
    /// `prefix` selects, in (context, subject, version) order.
    pub fn all_versions(
        &self,
        prefix: &SubjectPrefix,
        latest_only: bool,
        filter: Filter,
    ) -> Result<Vec<SubjectVersion>, ApiError> {
        self.db.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT subject, version, schema_id, deleted FROM versions ORDER BY context, subject, version",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, bool>(3)?))
            })?;
            let mut out: Vec<SubjectVersion> = Vec::new();
            for row in rows {
                let (subject, version, id, deleted) = row?;
                if !prefix.matches(&subject) || !filter.admits(deleted) {
                    continue;
                }
                let Some(schema) = load_schema(tx, &context_of(&subject), id)? else { continue };
                if latest_only && out.last().is_some_and(|last| last.subject == subject) {
                    out.pop();
                }
                out.push(SubjectVersion { subject, version, id, schema });
            }
            Ok(out)
        })
    }

    /// `POST /compatibility/subjects/{s}/versions[/{v}]`: the incompatibilities of `request`
    /// against one version (`Some`) or against the versions the subject's level checks.
    /// An unparsable schema is `Err` (the caller turns it into a message when verbose).
    pub fn test_compatibility(
        &self,
        subject: &str,
        spec: Option<VersionSpec>,
        request: &SchemaRequest,
    ) -> Result<Vec<String>, ApiError> {
        let (schema_type, text) = schema_of(request)?;
        let text = text.as_ref();
        self.db.read(|tx| {
            let rows: Vec<VersionRow> = version_rows(tx, subject)?.into_iter().filter(|r| !r.deleted).collect();
            let against: Vec<VersionRow> = match spec {
                None => rows,
                Some(VersionSpec::Latest) => rows.into_iter().last().into_iter().collect(),
                Some(VersionSpec::Number(n)) => {
                    vec![rows.into_iter().find(|r| r.version == n).ok_or_else(|| ApiError::version_not_found(n))?]
                }
            };
            let references = resolve_references(tx, &context_of(subject), request)?;
            let dependencies = dependencies(tx, &references.targets)?;
            let parsed = schema::parse(subject, schema_type, text, &dependencies)
                .map_err(|e| ApiError::invalid_schema(format!("Invalid schema: {e}")))?;
            let level = effective_level(tx, subject)?;
            check_against_versions(tx, subject, level, &parsed, &against)
        })
    }
}

/// The (subject, version) through which `id` is found for a request naming `subject` (see the
/// module documentation), or `None`.
fn locate_id(tx: &Transaction<'_>, id: i64, subject: Option<&str>) -> Result<Option<(String, i64)>, ApiError> {
    let Some(subject) = subject else { return version_using(tx, DEFAULT_CONTEXT, id, None) };
    let q = QualifiedSubject::parse(subject);
    let exact = (!q.name.is_empty()).then(|| q.qualified());
    let found = version_using(tx, &q.context, id, exact.as_deref())?;
    if found.is_some() || !q.is_default_context() || q.name.is_empty() {
        return Ok(found);
    }
    for context in named_contexts(tx)? {
        let candidate = QualifiedSubject { context, name: q.name.clone() };
        if let Some(found) = version_using(tx, &candidate.context, id, Some(&candidate.qualified()))? {
            return Ok(Some(found));
        }
    }
    version_using(tx, DEFAULT_CONTEXT, id, None)
}

/// A version (live or soft-deleted) of `context` using schema `id`: of `subject` when given,
/// else the first in (subject, version) order.
fn version_using(
    tx: &Transaction<'_>,
    context: &str,
    id: i64,
    subject: Option<&str>,
) -> Result<Option<(String, i64)>, ApiError> {
    let mut stmt = tx.prepare_cached(
        "SELECT subject, version FROM versions
         WHERE context = ?1 AND schema_id = ?2 AND (?3 IS NULL OR subject = ?3)
         ORDER BY subject, version LIMIT 1",
    )?;
    Ok(stmt.query_row(params![context, id, subject], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
}
