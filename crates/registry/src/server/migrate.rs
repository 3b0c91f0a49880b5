//! The store's tables, and the migration of databases written before schema contexts.
//!
//! `PRAGMA user_version` numbers the layout. Layout 0 (no number set) had one id space: the
//! `schemas` table was keyed by `id` alone and `:.ctx:subject` subjects were plain names.
//! Layout 1 gives every context its own ids, as Confluent does: schemas are keyed by
//! `(context, id)`, versions and reference rows carry the context of their schema, and
//! `contexts` lists the non-default contexts that were ever used (until deleted).

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::registry::context::{DEFAULT_CONTEXT, context_key, context_of};

/// The layout this code reads and writes.
pub const LAYOUT: i64 = 1;

/// The tables of layout 1. Schema rows are never deleted, so an id always names the same
/// schema within its context and ids are never reused; versions are the
/// (subject, version) -> (context, schema id) bindings; `schema_refs.subject` is the
/// qualified subject a reference resolved to when the schema was registered.
const TABLES_SQL: &str = "
CREATE TABLE IF NOT EXISTS schemas (
    context     TEXT NOT NULL,
    id          INTEGER NOT NULL,
    schema_type TEXT NOT NULL,
    schema      TEXT NOT NULL,
    refs        TEXT NOT NULL,
    identity    TEXT NOT NULL,
    PRIMARY KEY (context, id),
    UNIQUE (context, identity)
);
CREATE TABLE IF NOT EXISTS schema_refs (
    context   TEXT NOT NULL,
    schema_id INTEGER NOT NULL,
    name      TEXT NOT NULL,
    subject   TEXT NOT NULL,
    version   INTEGER NOT NULL,
    FOREIGN KEY (context, schema_id) REFERENCES schemas(context, id)
);
CREATE TABLE IF NOT EXISTS versions (
    subject   TEXT NOT NULL,
    version   INTEGER NOT NULL,
    context   TEXT NOT NULL,
    schema_id INTEGER NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (subject, version),
    FOREIGN KEY (context, schema_id) REFERENCES schemas(context, id)
);
CREATE TABLE IF NOT EXISTS config (
    subject       TEXT PRIMARY KEY,
    compatibility TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mode (
    subject TEXT PRIMARY KEY,
    mode    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contexts (
    name TEXT PRIMARY KEY
);
";

const INDEXES_SQL: &str = "
CREATE INDEX IF NOT EXISTS schema_refs_target ON schema_refs(subject, version);
CREATE INDEX IF NOT EXISTS schema_refs_schema ON schema_refs(context, schema_id);
CREATE INDEX IF NOT EXISTS versions_schema ON versions(context, schema_id);
";

/// Creates the tables of a new database, or migrates an older one, in one transaction: a
/// crash midway leaves the database as it was, and two processes opening it at once migrate
/// it once (the second sees the new layout number).
pub fn prepare(conn: &mut Connection) -> Result<(), String> {
    // A table rebuild would trip foreign key checks halfway; SQLite ignores this pragma inside
    // a transaction, so it is switched off around it and the keys are checked before commit.
    conn.pragma_update(None, "foreign_keys", "OFF").map_err(|e| e.to_string())?;
    let result = prepare_in_transaction(conn);
    conn.pragma_update(None, "foreign_keys", "ON").map_err(|e| e.to_string())?;
    result
}

fn prepare_in_transaction(conn: &mut Connection) -> Result<(), String> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| e.to_string())?;
    let layout: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| e.to_string())?;
    if layout > LAYOUT {
        return Err(format!(
            "the database has layout {layout}, written by a newer schemagate; this one reads layout {LAYOUT}"
        ));
    }
    if layout == 0 && table_exists(&tx, "schemas")? {
        migrate_from_layout_0(&tx).map_err(|e| format!("cannot migrate the database to schema contexts: {e}"))?;
    }
    tx.execute_batch(TABLES_SQL).map_err(|e| e.to_string())?;
    tx.execute_batch(INDEXES_SQL).map_err(|e| e.to_string())?;
    let broken: i64 =
        tx.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    if broken > 0 {
        return Err(format!("{broken} rows reference missing schemas"));
    }
    tx.pragma_update(None, "user_version", LAYOUT).map_err(|e| e.to_string())?;
    tx.commit().map_err(|e| e.to_string())
}

fn table_exists(tx: &Transaction<'_>, name: &str) -> Result<bool, String> {
    tx.query_row("SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)", [name], |r| r.get(0))
        .map_err(|e| e.to_string())
}

/// Layout 0 to 1. Ids stay what they were, so every id a client has seen still names the same
/// schema in the context of the subjects that used it:
/// - every schema row is kept in the default context (so the default context never hands
///   out an old id again), and copied into each other context whose subjects use it;
/// - versions and reference rows get the context of their subject. A reference row keeps the
///   subject it named, which layout 0 resolved as a plain name (a default-context subject
///   unless it was written `:.ctx:name`); so old schemas keep their old dependencies;
/// - the contexts of the subjects become the listed contexts;
/// - layout 0 applied the registry-wide level and mode to every subject; Confluent applies
///   them to the default context only, so each migrated context gets a copy of them (unless
///   it has its own) to keep the levels its subjects were checked with.
fn migrate_from_layout_0(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(
        "ALTER TABLE schemas RENAME TO legacy_schemas;
         ALTER TABLE schema_refs RENAME TO legacy_schema_refs;
         ALTER TABLE versions RENAME TO legacy_versions;
         DROP INDEX IF EXISTS schema_refs_target;
         DROP INDEX IF EXISTS versions_schema;",
    )?;
    tx.execute_batch(TABLES_SQL)?;
    let legacy: Vec<(String, i64, i64, bool)> = {
        let mut stmt = tx.prepare("SELECT subject, version, schema_id, deleted FROM legacy_versions")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (subject, version, schema_id, deleted) in &legacy {
        tx.execute(
            "INSERT INTO versions (subject, version, context, schema_id, deleted) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![subject, version, context_of(subject), schema_id, deleted],
        )?;
    }
    tx.execute(
        "INSERT INTO schemas (context, id, schema_type, schema, refs, identity)
         SELECT ?1, id, schema_type, schema, refs, identity FROM legacy_schemas",
        [DEFAULT_CONTEXT],
    )?;
    tx.execute(
        "INSERT INTO schemas (context, id, schema_type, schema, refs, identity)
         SELECT u.context, s.id, s.schema_type, s.schema, s.refs, s.identity
         FROM legacy_schemas s
         JOIN (SELECT DISTINCT context, schema_id FROM versions WHERE context <> ?1) u ON u.schema_id = s.id",
        [DEFAULT_CONTEXT],
    )?;
    tx.execute(
        "INSERT INTO schema_refs (context, schema_id, name, subject, version)
         SELECT s.context, r.schema_id, r.name, r.subject, r.version
         FROM legacy_schema_refs r JOIN schemas s ON s.id = r.schema_id
         ORDER BY s.context, r.rowid",
        [],
    )?;
    tx.execute(
        "INSERT INTO contexts (name) SELECT DISTINCT context FROM versions WHERE context <> ?1",
        [DEFAULT_CONTEXT],
    )?;
    let contexts: Vec<String> = {
        let mut stmt = tx.prepare("SELECT name FROM contexts")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for context in contexts {
        let key = context_key(&context);
        tx.execute("INSERT OR IGNORE INTO config (subject, compatibility) SELECT ?1, compatibility FROM config WHERE subject = ''", [&key])?;
        tx.execute("INSERT OR IGNORE INTO mode (subject, mode) SELECT ?1, mode FROM mode WHERE subject = ''", [&key])?;
    }
    tx.execute_batch("DROP TABLE legacy_versions; DROP TABLE legacy_schema_refs; DROP TABLE legacy_schemas;")
}
