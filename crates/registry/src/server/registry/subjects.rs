//! Subjects, versions and schemas: registration, lookup, deletion, compatibility checks.

use rusqlite::{OptionalExtension, Transaction, params};

use super::queries::{
    check_against_versions, dependencies, ensure_unreferenced, find_version, insert_schema, load_schema,
    referencing_ids, resolve_references, schema_of, version_rows,
};
use super::settings::{effective_level, effective_mode, ensure_subject_writable};
use super::{
    Filter, Mode, Registry, SchemaRequest, StoredSchema, SubjectVersion, VersionRow, VersionSpec, validate_subject,
};
use crate::server::api_error::ApiError;
use crate::server::schema;

impl Registry {
    /// `GET /subjects`.
    pub fn subjects(&self, filter: Filter, prefix: &str) -> Result<Vec<String>, ApiError> {
        self.db.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT subject, SUM(deleted = 0), SUM(deleted = 1) FROM versions GROUP BY subject ORDER BY subject",
            )?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (subject, live, deleted) = row?;
                let keep = match filter {
                    Filter::Live => live > 0,
                    Filter::All => true,
                    Filter::DeletedOnly => live == 0 && deleted > 0,
                };
                if keep && subject.starts_with(prefix) {
                    out.push(subject);
                }
            }
            Ok(out)
        })
    }

    /// `GET /subjects/{s}/versions`.
    pub fn versions(&self, subject: &str, filter: Filter) -> Result<Vec<i64>, ApiError> {
        self.db.read(|tx| {
            let rows = version_rows(tx, subject)?;
            let versions: Vec<i64> = rows.iter().filter(|r| filter.admits(r.deleted)).map(|r| r.version).collect();
            // A subject whose versions are all soft-deleted is not found, unless deleted ones are asked for.
            if rows.is_empty() || (versions.is_empty() && filter != Filter::DeletedOnly) {
                return Err(ApiError::subject_not_found(subject));
            }
            Ok(versions)
        })
    }

    /// `GET /subjects/{s}/versions/{v}`.
    pub fn version(&self, subject: &str, spec: VersionSpec, deleted: bool) -> Result<SubjectVersion, ApiError> {
        self.db.read(|tx| find_version(tx, subject, spec, if deleted { Filter::All } else { Filter::Live }))
    }

    /// `GET /subjects/{s}/versions/{v}/referencedby`: ids of live schemas referencing it.
    pub fn referenced_by(&self, subject: &str, spec: VersionSpec) -> Result<Vec<i64>, ApiError> {
        self.db.read(|tx| {
            let found = find_version(tx, subject, spec, Filter::All)?;
            referencing_ids(tx, subject, found.version, Filter::Live)
        })
    }

    /// `POST /subjects/{s}/versions`: the id of the schema, registering a new version unless
    /// the subject already has this schema.
    pub fn register(&self, subject: &str, request: &SchemaRequest) -> Result<i64, ApiError> {
        self.ensure_writable()?;
        validate_subject(subject)?;
        let (schema_type, text) = schema_of(request)?;
        let text = text.as_ref();
        self.db.write(|tx| {
            let mode = effective_mode(tx, subject)?;
            if mode.read_only() {
                return Err(ApiError::not_permitted(format!("Subject {subject} is in read-only mode")));
            }
            let import = mode == Mode::Import;
            if let Some(id) = request.id.filter(|id| *id >= 0 && !import) {
                return Err(ApiError::not_permitted(format!("Overwrite new schema with id {id} is not permitted.")));
            }
            let references = resolve_references(tx, request)?;
            let identity = schema::identity(schema_type, text, &references)
                .map_err(|e| ApiError::invalid_schema(format!("Invalid schema: {subject}:{e}")))?;
            let existing_id: Option<i64> =
                tx.query_row("SELECT id FROM schemas WHERE identity = ?1", [&identity], |r| r.get(0)).optional()?;
            let rows = version_rows(tx, subject)?;
            if let Some(id) = existing_id
                && rows.iter().any(|r| r.schema_id == id && !r.deleted)
                && request.version.is_none()
            {
                return Ok(id);
            }
            let dependencies = dependencies(tx, &references)?;
            let parsed = schema::parse(subject, schema_type, text, &dependencies)
                .map_err(|e| ApiError::invalid_schema(format!("Invalid schema: {e}")))?;
            if !import {
                let level = effective_level(tx, subject)?;
                let messages = check_against_versions(tx, subject, level, &parsed, &rows)?;
                if !messages.is_empty() {
                    return Err(ApiError::incompatible(subject, &messages));
                }
            }
            let id = match (existing_id, request.id.filter(|_| import)) {
                (Some(existing), Some(wanted)) if existing != wanted => {
                    return Err(ApiError::id_does_not_match(format!(
                        "Schema already registered with id {existing} instead of input id {wanted}"
                    )));
                }
                (Some(existing), _) => existing,
                (None, wanted) => insert_schema(tx, wanted, schema_type, text, &references, &identity)?,
            };
            let version = match request.version.filter(|_| import) {
                Some(wanted) => {
                    if let Some(row) = rows.iter().find(|r| r.version == wanted) {
                        if row.schema_id == id {
                            return Ok(id);
                        }
                        return Err(ApiError::not_permitted(format!(
                            "Version {wanted} of subject {subject} already holds another schema"
                        )));
                    }
                    if !(1..=i64::from(i32::MAX)).contains(&wanted) {
                        return Err(ApiError::invalid_version(&wanted.to_string()));
                    }
                    wanted
                }
                None => rows.last().map_or(1, |r| r.version + 1),
            };
            tx.execute(
                "INSERT INTO versions (subject, version, schema_id, deleted) VALUES (?1, ?2, ?3, 0)",
                params![subject, version, id],
            )?;
            Ok(id)
        })
    }

    /// `POST /subjects/{s}`: the version of the subject holding this schema.
    pub fn lookup(&self, subject: &str, request: &SchemaRequest, deleted: bool) -> Result<SubjectVersion, ApiError> {
        let (schema_type, text) = schema_of(request)?;
        let text = text.as_ref();
        self.db.read(|tx| {
            let filter = if deleted { Filter::All } else { Filter::Live };
            let rows: Vec<VersionRow> =
                version_rows(tx, subject)?.into_iter().filter(|r| filter.admits(r.deleted)).collect();
            if rows.is_empty() {
                return Err(ApiError::subject_not_found(subject));
            }
            let references = resolve_references(tx, request)?;
            let identity = schema::identity(schema_type, text, &references)
                .map_err(|e| ApiError::invalid_schema(format!("Invalid schema: {subject}:{e}")))?;
            let id: Option<i64> =
                tx.query_row("SELECT id FROM schemas WHERE identity = ?1", [&identity], |r| r.get(0)).optional()?;
            let row = id
                .and_then(|id| rows.iter().rev().find(|r| r.schema_id == id))
                .ok_or_else(ApiError::schema_not_found)?;
            let schema = load_schema(tx, row.schema_id)?.ok_or_else(ApiError::schema_not_found)?;
            Ok(SubjectVersion { subject: subject.to_string(), version: row.version, id: row.schema_id, schema })
        })
    }

    /// `DELETE /subjects/{s}`: the versions deleted.
    pub fn delete_subject(&self, subject: &str, permanent: bool) -> Result<Vec<i64>, ApiError> {
        self.ensure_writable()?;
        self.db.write(|tx| {
            let rows = deletable_rows(tx, subject)?;
            if permanent {
                if rows.iter().any(|r| !r.deleted) {
                    return Err(ApiError::subject_not_soft_deleted(subject));
                }
                for row in &rows {
                    ensure_unreferenced(tx, subject, row.version, Filter::All)?;
                }
                tx.execute("DELETE FROM versions WHERE subject = ?1", [subject])?;
                tx.execute("DELETE FROM config WHERE subject = ?1", [subject])?;
                tx.execute("DELETE FROM mode WHERE subject = ?1", [subject])?;
                return Ok(rows.iter().map(|r| r.version).collect());
            }
            let live: Vec<i64> = rows.iter().filter(|r| !r.deleted).map(|r| r.version).collect();
            if live.is_empty() {
                return Err(ApiError::subject_soft_deleted(subject));
            }
            for version in &live {
                ensure_unreferenced(tx, subject, *version, Filter::Live)?;
            }
            tx.execute("UPDATE versions SET deleted = 1 WHERE subject = ?1", [subject])?;
            Ok(live)
        })
    }

    /// `DELETE /subjects/{s}/versions/{v}`: the version deleted.
    pub fn delete_version(&self, subject: &str, spec: VersionSpec, permanent: bool) -> Result<i64, ApiError> {
        self.ensure_writable()?;
        self.db.write(|tx| {
            let rows = deletable_rows(tx, subject)?;
            let row = match spec {
                VersionSpec::Latest if permanent => rows.last(),
                VersionSpec::Latest => rows.iter().rev().find(|r| !r.deleted),
                VersionSpec::Number(n) => rows.iter().find(|r| r.version == n),
            };
            let Some(row) = row else {
                return Err(match spec {
                    VersionSpec::Number(n) => ApiError::version_not_found(n),
                    VersionSpec::Latest => ApiError::subject_not_found(subject),
                });
            };
            if permanent {
                if !row.deleted {
                    return Err(ApiError::version_not_soft_deleted(subject, row.version));
                }
                ensure_unreferenced(tx, subject, row.version, Filter::All)?;
                tx.execute("DELETE FROM versions WHERE subject = ?1 AND version = ?2", params![subject, row.version])?;
            } else {
                if row.deleted {
                    return Err(ApiError::version_soft_deleted(subject, row.version));
                }
                ensure_unreferenced(tx, subject, row.version, Filter::Live)?;
                tx.execute(
                    "UPDATE versions SET deleted = 1 WHERE subject = ?1 AND version = ?2",
                    params![subject, row.version],
                )?;
            }
            Ok(row.version)
        })
    }

    // ----- schemas by id -----

    /// `GET /schemas/ids/{id}`: a schema some subject version (live or soft-deleted) uses.
    pub fn schema_by_id(&self, id: i64) -> Result<StoredSchema, ApiError> {
        self.db.read(|tx| {
            let used: bool =
                tx.query_row("SELECT EXISTS(SELECT 1 FROM versions WHERE schema_id = ?1)", [id], |r| r.get(0))?;
            let schema = if used { load_schema(tx, id)? } else { None };
            schema.ok_or_else(|| ApiError::schema_id_not_found(&id.to_string()))
        })
    }

    /// `schema` as `?format=` asks: `serialized` turns a Protobuf schema into the base64 of its
    /// `FileDescriptorProto`, as Confluent's Protobuf deserializers read it; any other format
    /// (or schema type) leaves it as stored.
    pub fn in_format(&self, mut schema: StoredSchema, format: &str) -> Result<StoredSchema, ApiError> {
        if format != "serialized" || schema.schema_type != schema::SchemaType::Protobuf {
            return Ok(schema);
        }
        let dependencies = self.db.read(|tx| dependencies(tx, &schema.references))?;
        schema.text = schema::serialized_descriptor(&schema.text, &dependencies)
            .map_err(|e| ApiError::invalid_schema(format!("Invalid schema: {e}")))?;
        Ok(schema)
    }

    /// `GET /schemas/ids/{id}/versions`: the (subject, version) pairs using the schema.
    pub fn versions_of_id(&self, id: i64, filter: Filter) -> Result<Vec<(String, i64)>, ApiError> {
        self.db.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT subject, version, deleted FROM versions WHERE schema_id = ?1 ORDER BY subject, version",
            )?;
            let rows =
                stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, bool>(2)?)))?;
            let mut any = false;
            let mut out = Vec::new();
            for row in rows {
                let (subject, version, deleted) = row?;
                any = true;
                if filter.admits(deleted) {
                    out.push((subject, version));
                }
            }
            if !any {
                return Err(ApiError::schema_id_not_found(&id.to_string()));
            }
            Ok(out)
        })
    }

    /// `GET /schemas`: the live versions (or only the latest of each subject).
    pub fn all_versions(
        &self,
        prefix: &str,
        latest_only: bool,
        filter: Filter,
    ) -> Result<Vec<SubjectVersion>, ApiError> {
        self.db.read(|tx| {
            let mut stmt =
                tx.prepare("SELECT subject, version, schema_id, deleted FROM versions ORDER BY subject, version")?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, bool>(3)?))
            })?;
            let mut out: Vec<SubjectVersion> = Vec::new();
            for row in rows {
                let (subject, version, id, deleted) = row?;
                if !subject.starts_with(prefix) || !filter.admits(deleted) {
                    continue;
                }
                let Some(schema) = load_schema(tx, id)? else { continue };
                if latest_only && out.last().is_some_and(|last| last.subject == subject) {
                    out.pop();
                }
                out.push(SubjectVersion { subject, version, id, schema });
            }
            Ok(out)
        })
    }

    // ----- compatibility -----

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
            let references = resolve_references(tx, request)?;
            let dependencies = dependencies(tx, &references)?;
            let parsed = schema::parse(subject, schema_type, text, &dependencies)
                .map_err(|e| ApiError::invalid_schema(format!("Invalid schema: {e}")))?;
            let level = effective_level(tx, subject)?;
            check_against_versions(tx, subject, level, &parsed, &against)
        })
    }
}

/// The versions of a subject a deletion may act on: the subject must exist and be writable.
fn deletable_rows(tx: &Transaction<'_>, subject: &str) -> Result<Vec<VersionRow>, ApiError> {
    ensure_subject_writable(tx, subject)?;
    let rows = version_rows(tx, subject)?;
    if rows.is_empty() {
        return Err(ApiError::subject_not_found(subject));
    }
    Ok(rows)
}
