//! Compatibility levels and modes, and the contexts they are scoped by.
//!
//! Settings are rows keyed by a subject, by a context (`:.ctx:`; `""` is the default context,
//! which `/config` and `/mode` address) or by `:.__GLOBAL:`. As in Confluent, a subject's
//! setting in force is its own, else its context's, else the `:.__GLOBAL:` one, else the
//! built-in default: the default context's level does not reach other contexts.

use rusqlite::{OptionalExtension, Transaction, params};
use schemagate_core::compat::CompatLevel;

use super::context::{DEFAULT_CONTEXT, GLOBAL_CONTEXT, QualifiedSubject, context_key, context_of};
use super::queries::version_rows;
use super::{DEFAULT_LEVEL, GLOBAL, Mode, Registry, validate_setting_subject};
use crate::server::api_error::ApiError;

/// The key of the settings that apply to every context that sets none.
fn global_context_key() -> String {
    context_key(GLOBAL_CONTEXT)
}

/// Whether `subject` names the cross-context settings (`:.__GLOBAL:`), which, like the
/// registry-wide ones, always have a value.
fn is_global_context(subject: &str) -> bool {
    let q = QualifiedSubject::parse(subject);
    q.context == GLOBAL_CONTEXT && q.name.is_empty()
}

impl Registry {
    /// `GET /config[/{s}]`. `subject` is `None` for the default context.
    pub fn config(&self, subject: Option<&str>, default_to_global: bool) -> Result<CompatLevel, ApiError> {
        self.db.read(|tx| match subject {
            None if default_to_global => scope_level(tx, DEFAULT_CONTEXT),
            None => Ok(stored_level(tx, GLOBAL)?.unwrap_or(DEFAULT_LEVEL)),
            Some(s) if is_global_context(s) => Ok(stored_level(tx, s)?.unwrap_or(DEFAULT_LEVEL)),
            Some(s) => match stored_level(tx, s)? {
                Some(level) => Ok(level),
                None if default_to_global => scope_level(tx, &context_of(s)),
                None => Err(ApiError::subject_config_not_found(s)),
            },
        })
    }

    /// `PUT /config[/{s}]`.
    pub fn set_config(&self, subject: Option<&str>, level: &str) -> Result<CompatLevel, ApiError> {
        self.ensure_writable()?;
        let level = CompatLevel::parse(level).ok_or_else(|| ApiError::invalid_compatibility(level))?;
        if let Some(s) = subject {
            validate_setting_subject(s)?;
        }
        self.db.write(|tx| {
            tx.execute(
                "INSERT INTO config (subject, compatibility) VALUES (?1, ?2)
                 ON CONFLICT(subject) DO UPDATE SET compatibility = excluded.compatibility",
                params![subject.unwrap_or(GLOBAL), level.name()],
            )?;
            Ok(level)
        })
    }

    /// `DELETE /config[/{s}]`: the level in force before.
    pub fn delete_config(&self, subject: Option<&str>) -> Result<CompatLevel, ApiError> {
        self.ensure_writable()?;
        self.db.write(|tx| {
            let key = subject.unwrap_or(GLOBAL);
            let before = match subject {
                None => stored_level(tx, GLOBAL)?.unwrap_or(DEFAULT_LEVEL),
                Some(s) if is_global_context(s) => stored_level(tx, s)?.unwrap_or(DEFAULT_LEVEL),
                Some(s) => match stored_level(tx, s)? {
                    Some(level) => level,
                    None if !version_rows(tx, s)?.is_empty() => scope_level(tx, &context_of(s))?,
                    None => return Err(ApiError::subject_not_found(s)),
                },
            };
            tx.execute("DELETE FROM config WHERE subject = ?1", [key])?;
            Ok(before)
        })
    }

    /// `GET /mode[/{s}]`. `subject` is `None` for the default context.
    pub fn mode(&self, subject: Option<&str>, default_to_global: bool) -> Result<Mode, ApiError> {
        if self.read_only {
            return Ok(Mode::ReadOnly);
        }
        self.db.read(|tx| match subject {
            None if default_to_global => scope_mode(tx, DEFAULT_CONTEXT),
            None => Ok(stored_mode(tx, GLOBAL)?.unwrap_or(Mode::ReadWrite)),
            Some(s) if is_global_context(s) => Ok(stored_mode(tx, s)?.unwrap_or(Mode::ReadWrite)),
            Some(s) => match stored_mode(tx, s)? {
                Some(mode) => Ok(mode),
                None if default_to_global => scope_mode(tx, &context_of(s)),
                None => Err(ApiError::subject_mode_not_found(s)),
            },
        })
    }

    /// `PUT /mode[/{s}]`. IMPORT needs no live subject in its scope unless `force`: the whole
    /// registry for `/mode` and `:.__GLOBAL:`, the context for `:.ctx:`, else the subject.
    pub fn set_mode(&self, subject: Option<&str>, mode: &str, force: bool) -> Result<Mode, ApiError> {
        self.ensure_writable()?;
        let mode = Mode::parse(mode).ok_or_else(|| ApiError::invalid_mode(mode))?;
        if let Some(s) = subject {
            validate_setting_subject(s)?;
        }
        self.db.write(|tx| {
            if mode == Mode::Import && !force {
                let scope = subject.map(QualifiedSubject::parse);
                let in_use: bool = match &scope {
                    None => tx.query_row("SELECT EXISTS(SELECT 1 FROM versions WHERE deleted = 0)", [], |r| r.get(0))?,
                    Some(q) if q.context == GLOBAL_CONTEXT && q.name.is_empty() => {
                        tx.query_row("SELECT EXISTS(SELECT 1 FROM versions WHERE deleted = 0)", [], |r| r.get(0))?
                    }
                    Some(q) if q.name.is_empty() => tx.query_row(
                        "SELECT EXISTS(SELECT 1 FROM versions WHERE context = ?1 AND deleted = 0)",
                        [&q.context],
                        |r| r.get(0),
                    )?,
                    Some(q) => tx.query_row(
                        "SELECT EXISTS(SELECT 1 FROM versions WHERE subject = ?1 AND deleted = 0)",
                        [q.qualified()],
                        |r| r.get(0),
                    )?,
                };
                if in_use {
                    return Err(ApiError::not_permitted("Cannot import since found existing subjects"));
                }
            }
            tx.execute(
                "INSERT INTO mode (subject, mode) VALUES (?1, ?2) ON CONFLICT(subject) DO UPDATE SET mode = excluded.mode",
                params![subject.unwrap_or(GLOBAL), mode.name()],
            )?;
            Ok(mode)
        })
    }

    /// `DELETE /mode[/{s}]`: the mode in force before.
    pub fn delete_mode(&self, subject: Option<&str>) -> Result<Mode, ApiError> {
        self.ensure_writable()?;
        self.db.write(|tx| {
            let before = match subject {
                None => stored_mode(tx, GLOBAL)?.unwrap_or(Mode::ReadWrite),
                Some(s) if is_global_context(s) => stored_mode(tx, s)?.unwrap_or(Mode::ReadWrite),
                Some(s) => match stored_mode(tx, s)? {
                    Some(mode) => mode,
                    None if !version_rows(tx, s)?.is_empty() => scope_mode(tx, &context_of(s))?,
                    None => return Err(ApiError::subject_not_found(s)),
                },
            };
            tx.execute("DELETE FROM mode WHERE subject = ?1", [subject.unwrap_or(GLOBAL)])?;
            Ok(before)
        })
    }

    /// `GET /contexts`: the default context `.` first, then every other context ever
    /// registered into (and not deleted since) in name order, as Confluent lists them;
    /// `prefix` keeps those starting with it, then `offset` and `limit` (negative: no limit)
    /// page the list.
    pub fn contexts(&self, prefix: &str, offset: usize, limit: Option<usize>) -> Result<Vec<String>, ApiError> {
        let mut contexts = vec![DEFAULT_CONTEXT.to_string()];
        contexts.extend(self.db.read(named_contexts)?);
        Ok(contexts
            .into_iter()
            .filter(|c| c.starts_with(prefix))
            .skip(offset)
            .take(limit.unwrap_or(usize::MAX))
            .collect())
    }

    /// `DELETE /contexts/{context}`: forgets a context that holds no subject, not even a
    /// soft-deleted one (42211 otherwise). Its schema rows stay, so its ids are never handed
    /// out again, and so do its settings, as Confluent keeps them.
    pub fn delete_context(&self, context: &str) -> Result<(), ApiError> {
        self.ensure_writable()?;
        self.db.write(|tx| {
            let used: bool =
                tx.query_row("SELECT EXISTS(SELECT 1 FROM versions WHERE context = ?1)", [context], |r| r.get(0))?;
            if used {
                return Err(ApiError::context_not_empty(&context_key(context)));
            }
            tx.execute("DELETE FROM contexts WHERE name = ?1", [context])?;
            Ok(())
        })
    }
}

/// The non-default contexts, in name order.
pub(super) fn named_contexts(tx: &Transaction<'_>) -> Result<Vec<String>, ApiError> {
    let mut stmt = tx.prepare_cached("SELECT name FROM contexts ORDER BY name")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<Vec<String>, _>>()?)
}

fn stored_level(tx: &Transaction<'_>, key: &str) -> Result<Option<CompatLevel>, ApiError> {
    let stored: Option<String> =
        tx.query_row("SELECT compatibility FROM config WHERE subject = ?1", [key], |r| r.get(0)).optional()?;
    Ok(stored.and_then(|s| CompatLevel::parse(&s)))
}

/// The level of a context's subjects that set none: the context's, else the cross-context one.
fn scope_level(tx: &Transaction<'_>, context: &str) -> Result<CompatLevel, ApiError> {
    if let Some(level) = stored_level(tx, &context_key(context))? {
        return Ok(level);
    }
    Ok(stored_level(tx, &global_context_key())?.unwrap_or(DEFAULT_LEVEL))
}

/// The level registrations and compatibility checks of `subject` use.
pub(super) fn effective_level(tx: &Transaction<'_>, subject: &str) -> Result<CompatLevel, ApiError> {
    match stored_level(tx, subject)? {
        Some(level) => Ok(level),
        None => scope_level(tx, &context_of(subject)),
    }
}

fn stored_mode(tx: &Transaction<'_>, key: &str) -> Result<Option<Mode>, ApiError> {
    let stored: Option<String> =
        tx.query_row("SELECT mode FROM mode WHERE subject = ?1", [key], |r| r.get(0)).optional()?;
    Ok(stored.and_then(|s| Mode::parse(&s)))
}

fn scope_mode(tx: &Transaction<'_>, context: &str) -> Result<Mode, ApiError> {
    if let Some(mode) = stored_mode(tx, &context_key(context))? {
        return Ok(mode);
    }
    Ok(stored_mode(tx, &global_context_key())?.unwrap_or(Mode::ReadWrite))
}

pub(super) fn effective_mode(tx: &Transaction<'_>, subject: &str) -> Result<Mode, ApiError> {
    match stored_mode(tx, subject)? {
        Some(mode) => Ok(mode),
        None => scope_mode(tx, &context_of(subject)),
    }
}

pub(super) fn ensure_subject_writable(tx: &Transaction<'_>, subject: &str) -> Result<(), ApiError> {
    if effective_mode(tx, subject)?.read_only() {
        return Err(ApiError::not_permitted(format!("Subject {subject} is in read-only mode")));
    }
    Ok(())
}
