//! Subjects and their versions: listing, registration, lookup, deletion. Subjects arrive
//! normalized (`:.ctx:name`, or `name` in the default context).

use rusqlite::{OptionalExtension, Transaction, params};

use super::context::{QualifiedSubject, SubjectPrefix, context_of};
use super::queries::{
    check_against_versions, dependencies, ensure_unreferenced, find_version, insert_schema, load_version_schema,
    referencing_ids, resolve_references, schema_of, version_rows,
};
use super::settings::{effective_level, effective_mode, ensure_subject_writable, named_contexts};
use super::{Filter, Mode, Registry, SchemaRequest, SubjectVersion, VersionRow, VersionSpec, validate_subject};
use crate::server::api_error::ApiError;
use crate::server::schema::{self, SchemaType};

impl Registry {
    /// `GET /subjects`: the qualified names `prefix` selects, in plain string order (as
    /// Confluent sorts them, so `:.ctx:` subjects come before most default-context ones).
    pub fn subjects(&self, filter: Filter, prefix: &SubjectPrefix) -> Result<Vec<String>, ApiError> {
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
                if keep && prefix.matches(&subject) {
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

    /// `GET /subjects/{s}/versions/{v}`. A default-context subject that does not have the
    /// version is looked for under the same name in each other context, as Confluent does.
    pub fn version(&self, subject: &str, spec: VersionSpec, deleted: bool) -> Result<SubjectVersion, ApiError> {
        self.db.read(|tx| find_version_in_contexts(tx, subject, spec, if deleted { Filter::All } else { Filter::Live }))
    }

    /// `GET /subjects/{s}/versions/{v}/referencedby`: ids of live schemas referencing it.
    pub fn referenced_by(&self, subject: &str, spec: VersionSpec) -> Result<Vec<i64>, ApiError> {
        self.db.read(|tx| {
            let found = find_version_in_contexts(tx, subject, spec, Filter::All)?;
            referencing_ids(tx, &found.subject, found.version, Filter::Live)
        })
    }

    /// `POST /subjects/{s}/versions`: the id of the schema in the subject's context,
    /// registering a new version unless the subject already has this schema. References
    /// resolve in that context; the context's ids are its own.
    pub fn register(&self, subject: &str, request: &SchemaRequest) -> Result<i64, ApiError> {
        self.ensure_writable()?;
        validate_subject(subject)?;
        let (schema_type, text) = schema_of(request)?;
        let text = text.as_ref();
        let context = context_of(subject);
        self.db.write(|tx| {
            let mode = effective_mode(tx, subject)?;
            if mode.read_only() {
                return Err(ApiError::not_permitted(format!("Subject {subject} is in read-only mode")));
            }
            let import = mode == Mode::Import;
            if let Some(id) = request.id.filter(|id| *id >= 0 && !import) {
                return Err(ApiError::not_permitted(format!("Overwrite new schema with id {id} is not permitted.")));
            }
            let references = resolve_references(tx, &context, request)?;
            let identity = schema::identity(schema_type, text, &references.targets)
                .map_err(|e| ApiError::invalid_schema(format!("Invalid schema: {subject}:{e}")))?;
            let existing_id = id_of_identity(tx, &context, &identity)?;
            let rows = version_rows(tx, subject)?;
            if let Some(id) = existing_id
                && rows.iter().any(|r| r.schema_id == id && !r.deleted)
                && request.version.is_none()
            {
                return Ok(id);
            }
            let dependencies = dependencies(tx, &references.targets)?;
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
                (None, wanted) => insert_schema(tx, &context, wanted, schema_type, text, &references, &identity)?,
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
                "INSERT INTO versions (subject, version, context, schema_id, deleted) VALUES (?1, ?2, ?3, ?4, 0)",
                params![subject, version, context, id],
            )?;
            Ok(id)
        })
    }

    /// `POST /subjects/{s}`: the version of the subject holding this schema. A
    /// default-context subject that does not hold it is looked for under the same name in each
    /// other context, as Confluent does (schemas that do not parse there are passed over).
    pub fn lookup(&self, subject: &str, request: &SchemaRequest, deleted: bool) -> Result<SubjectVersion, ApiError> {
        let (schema_type, text) = schema_of(request)?;
        let text = text.as_ref();
        let filter = if deleted { Filter::All } else { Filter::Live };
        self.db.read(|tx| {
            if let Some(found) = lookup_in(tx, subject, schema_type, text, request, filter)? {
                return Ok(found);
            }
            for candidate in same_name_in_other_contexts(tx, subject)? {
                match lookup_in(tx, &candidate, schema_type, text, request, filter) {
                    Ok(Some(found)) => return Ok(found),
                    Ok(None) => {}
                    Err(e) if e.code == 42201 => {}
                    Err(e) => return Err(e),
                }
            }
            let any = version_rows(tx, subject)?.iter().any(|r| filter.admits(r.deleted));
            Err(if any { ApiError::schema_not_found() } else { ApiError::subject_not_found(subject) })
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

/// The schema id `identity` has in `context`, if any.
fn id_of_identity(tx: &Transaction<'_>, context: &str, identity: &str) -> Result<Option<i64>, ApiError> {
    Ok(tx
        .query_row("SELECT id FROM schemas WHERE context = ?1 AND identity = ?2", params![context, identity], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The version of `subject` holding the schema, if the subject has versions `filter` admits.
fn lookup_in(
    tx: &Transaction<'_>,
    subject: &str,
    schema_type: SchemaType,
    text: &str,
    request: &SchemaRequest,
    filter: Filter,
) -> Result<Option<SubjectVersion>, ApiError> {
    let rows: Vec<VersionRow> = version_rows(tx, subject)?.into_iter().filter(|r| filter.admits(r.deleted)).collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let context = context_of(subject);
    let references = resolve_references(tx, &context, request)?;
    let identity = schema::identity(schema_type, text, &references.targets)
        .map_err(|e| ApiError::invalid_schema(format!("Invalid schema: {subject}:{e}")))?;
    let Some(id) = id_of_identity(tx, &context, &identity)? else { return Ok(None) };
    let Some(row) = rows.iter().rev().find(|r| r.schema_id == id) else { return Ok(None) };
    let schema = load_version_schema(tx, subject, row)?;
    Ok(Some(SubjectVersion { subject: subject.to_string(), version: row.version, id: row.schema_id, schema }))
}

/// For a default-context subject, the same name qualified with each other context (in name
/// order): where Confluent looks next when a plain name finds nothing.
fn same_name_in_other_contexts(tx: &Transaction<'_>, subject: &str) -> Result<Vec<String>, ApiError> {
    let q = QualifiedSubject::parse(subject);
    if !q.is_default_context() || q.name.is_empty() {
        return Ok(Vec::new());
    }
    Ok(named_contexts(tx)?
        .into_iter()
        .map(|context| QualifiedSubject { context, name: q.name.clone() }.qualified())
        .collect())
}

/// [`find_version`], then the same name in the other contexts for a default-context subject;
/// when none has it, the error is the one about `subject` itself.
fn find_version_in_contexts(
    tx: &Transaction<'_>,
    subject: &str,
    spec: VersionSpec,
    filter: Filter,
) -> Result<SubjectVersion, ApiError> {
    let error = match find_version(tx, subject, spec, filter) {
        Ok(found) => return Ok(found),
        Err(e) if matches!(e.code, 40401 | 40402) => e,
        Err(e) => return Err(e),
    };
    for candidate in same_name_in_other_contexts(tx, subject)? {
        match find_version(tx, &candidate, spec, filter) {
            Ok(found) => return Ok(found),
            Err(e) if matches!(e.code, 40401 | 40402) => {}
            Err(e) => return Err(e),
        }
    }
    Err(error)
}
