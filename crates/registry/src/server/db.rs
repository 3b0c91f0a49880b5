//! The SQLite store: one writer connection behind a mutex (every write is a `BEGIN IMMEDIATE`
//! transaction, committed before the HTTP response) and a pool of reader connections. WAL
//! mode lets readers run beside the writer; `synchronous=FULL` makes every commit durable
//! (it survives `kill -9` and power loss).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::api_error::ApiError;
use super::migrate;
use crate::RegistryError;

/// How long a connection waits for another process's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Reader connections kept open for reuse.
const MAX_IDLE_READERS: usize = 16;

pub struct Db {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves SQLite consistent (the transaction rolls back on
    // drop), so a poisoned lock is still usable.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

impl Db {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Db, RegistryError> {
        let fail = |message: String| RegistryError::Database { path: path.to_path_buf(), message };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| fail(e.to_string()))?;
        }
        let mut writer = open_connection(path).map_err(|e| fail(e.to_string()))?;
        let mode: String =
            writer.query_row("PRAGMA journal_mode", [], |row| row.get(0)).map_err(|e| fail(e.to_string()))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(fail(format!("the database cannot use WAL mode (journal_mode is {mode})")));
        }
        migrate::prepare(&mut writer).map_err(fail)?;
        Ok(Db { path: path.to_path_buf(), writer: Mutex::new(writer), readers: Mutex::new(Vec::new()) })
    }

    /// Runs `f` on a reader connection (a consistent snapshot for its statements).
    pub fn read<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let pooled = lock(&self.readers).pop();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => open_connection(&self.path)?,
        };
        let result = {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let result = f(&tx);
            // A read transaction has nothing to commit; ending it releases the snapshot.
            tx.rollback()?;
            result
        };
        let mut idle = lock(&self.readers);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction on the writer, committing when it returns
    /// `Ok` and rolling back otherwise. Writes are serialized: no two registrations can see
    /// the same "next id" or "next version".
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}
