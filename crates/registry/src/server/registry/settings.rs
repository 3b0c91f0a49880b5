//! Compatibility levels, modes and contexts, for the registry and per subject.

use rusqlite::{OptionalExtension, Transaction, params};
use schemagate_core::compat::CompatLevel;

use super::queries::version_rows;
use super::{DEFAULT_LEVEL, Filter, GLOBAL, Mode, Registry, validate_subject};
use crate::server::api_error::ApiError;

impl Registry {
    /// `GET /config[/{s}]`.
    pub fn config(&self, subject: Option<&str>, default_to_global: bool) -> Result<CompatLevel, ApiError> {
        self.db.read(|tx| match subject {
            None => global_level(tx),
            Some(s) => match subject_level(tx, s)? {
                Some(level) => Ok(level),
                None if default_to_global => global_level(tx),
                None => Err(ApiError::subject_config_not_found(s)),
            },
        })
    }

    /// `PUT /config[/{s}]`.
    pub fn set_config(&self, subject: Option<&str>, level: &str) -> Result<CompatLevel, ApiError> {
        self.ensure_writable()?;
        let level = CompatLevel::parse(level).ok_or_else(|| ApiError::invalid_compatibility(level))?;
        if let Some(s) = subject {
            validate_subject(s)?;
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
                None => global_level(tx)?,
                Some(s) => match subject_level(tx, s)? {
                    Some(level) => level,
                    None if !version_rows(tx, s)?.is_empty() => global_level(tx)?,
                    None => return Err(ApiError::subject_not_found(s)),
                },
            };
            tx.execute("DELETE FROM config WHERE subject = ?1", [key])?;
            Ok(before)
        })
    }

    /// `GET /mode[/{s}]`.
    pub fn mode(&self, subject: Option<&str>, default_to_global: bool) -> Result<Mode, ApiError> {
        if self.read_only {
            return Ok(Mode::ReadOnly);
        }
        self.db.read(|tx| match subject {
            None => global_mode(tx),
            Some(s) => match stored_mode(tx, s)? {
                Some(mode) => Ok(mode),
                None if default_to_global => global_mode(tx),
                None => Err(ApiError::subject_mode_not_found(s)),
            },
        })
    }

    /// `PUT /mode[/{s}]`. IMPORT needs an empty registry (or subject) unless `force`.
    pub fn set_mode(&self, subject: Option<&str>, mode: &str, force: bool) -> Result<Mode, ApiError> {
        self.ensure_writable()?;
        let mode = Mode::parse(mode).ok_or_else(|| ApiError::invalid_mode(mode))?;
        if let Some(s) = subject {
            validate_subject(s)?;
        }
        self.db.write(|tx| {
            if mode == Mode::Import && !force {
                let in_use: bool = match subject {
                    None => tx.query_row("SELECT EXISTS(SELECT 1 FROM versions WHERE deleted = 0)", [], |r| r.get(0))?,
                    Some(s) => tx.query_row(
                        "SELECT EXISTS(SELECT 1 FROM versions WHERE subject = ?1 AND deleted = 0)",
                        [s],
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
                None => global_mode(tx)?,
                Some(s) => match stored_mode(tx, s)? {
                    Some(mode) => mode,
                    None if !version_rows(tx, s)?.is_empty() => global_mode(tx)?,
                    None => return Err(ApiError::subject_not_found(s)),
                },
            };
            tx.execute("DELETE FROM mode WHERE subject = ?1", [subject.unwrap_or(GLOBAL)])?;
            Ok(before)
        })
    }

    /// `GET /contexts`: the default context `.` and those named by `:.ctx:subject` subjects.
    pub fn contexts(&self) -> Result<Vec<String>, ApiError> {
        let subjects = self.subjects(Filter::Live, ":.")?;
        let mut contexts = vec![".".to_string()];
        for subject in subjects {
            if let Some(context) = subject.strip_prefix(':').and_then(|rest| rest.split_once(':')).map(|(c, _)| c)
                && !contexts.iter().any(|c| c == context)
            {
                contexts.push(context.to_string());
            }
        }
        contexts[1..].sort();
        Ok(contexts)
    }
}

pub(super) fn subject_level(tx: &Transaction<'_>, subject: &str) -> Result<Option<CompatLevel>, ApiError> {
    let stored: Option<String> =
        tx.query_row("SELECT compatibility FROM config WHERE subject = ?1", [subject], |r| r.get(0)).optional()?;
    Ok(stored.and_then(|s| CompatLevel::parse(&s)))
}

pub(super) fn global_level(tx: &Transaction<'_>) -> Result<CompatLevel, ApiError> {
    Ok(subject_level(tx, GLOBAL)?.unwrap_or(DEFAULT_LEVEL))
}

pub(super) fn effective_level(tx: &Transaction<'_>, subject: &str) -> Result<CompatLevel, ApiError> {
    match subject_level(tx, subject)? {
        Some(level) => Ok(level),
        None => global_level(tx),
    }
}

pub(super) fn stored_mode(tx: &Transaction<'_>, subject: &str) -> Result<Option<Mode>, ApiError> {
    let stored: Option<String> =
        tx.query_row("SELECT mode FROM mode WHERE subject = ?1", [subject], |r| r.get(0)).optional()?;
    Ok(stored.and_then(|s| Mode::parse(&s)))
}

pub(super) fn global_mode(tx: &Transaction<'_>) -> Result<Mode, ApiError> {
    Ok(stored_mode(tx, GLOBAL)?.unwrap_or(Mode::ReadWrite))
}

pub(super) fn effective_mode(tx: &Transaction<'_>, subject: &str) -> Result<Mode, ApiError> {
    match stored_mode(tx, subject)? {
        Some(mode) => Ok(mode),
        None => global_mode(tx),
    }
}

pub(super) fn ensure_subject_writable(tx: &Transaction<'_>, subject: &str) -> Result<(), ApiError> {
    if effective_mode(tx, subject)?.read_only() {
        return Err(ApiError::not_permitted(format!("Subject {subject} is in read-only mode")));
    }
    Ok(())
}
