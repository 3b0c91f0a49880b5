//! The registry's operations (register, look up, delete, configure), each one transaction on
//! the store, with Confluent's rules and error codes. HTTP lives in `routes`.

use schemagate_core::compat::CompatLevel;
use serde::Deserialize;

pub mod context;
mod queries;
mod schemas;
mod settings;
mod subjects;

pub use schemas::SchemaById;

use super::api_error::ApiError;
use super::db::Db;
use super::schema::{Reference, SchemaType};

/// The compatibility level when neither the subject nor the registry configures one.
pub const DEFAULT_LEVEL: CompatLevel = CompatLevel::Backward;

/// The config/mode row key of the default context's setting, which `/config` and `/mode`
/// address (subjects are never empty).
const GLOBAL: &str = "";

/// Dependencies followed when resolving references, to bound pathological reference graphs.
const MAX_DEPENDENCIES: usize = 10_000;

/// The body of register, lookup and compatibility requests.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaRequest {
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default)]
    pub schema_type: Option<String>,
    #[serde(default)]
    pub references: Option<Vec<ReferenceRequest>>,
    /// Only honoured in IMPORT mode.
    #[serde(default)]
    pub id: Option<i64>,
    /// Only honoured in IMPORT mode.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A reference as clients send it; a missing or `-1` version means the latest.
#[derive(Debug, Deserialize)]
pub struct ReferenceRequest {
    pub name: String,
    pub subject: String,
    #[serde(default)]
    pub version: Option<i64>,
}

/// A version of a subject as `GET /subjects/{s}/versions/{v}` shows it. `subject` is qualified
/// (`:.ctx:name` outside the default context) and `id` is an id of that context.
#[derive(Debug, Clone)]
pub struct SubjectVersion {
    pub subject: String,
    pub version: i64,
    pub id: i64,
    pub schema: StoredSchema,
}

/// A schema row.
#[derive(Debug, Clone)]
pub struct StoredSchema {
    pub schema_type: SchemaType,
    pub text: String,
    /// The references as the client wrote them (`latest` resolved to a number); a name
    /// without a context means the schema's own context.
    pub references: Vec<Reference>,
    /// The same references with the qualified subjects they resolved to at registration:
    /// what parsing and compatibility checks follow.
    pub targets: Vec<Reference>,
}

/// A version path segment: a number in [1, 2^31-1], or `latest` (also `-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSpec {
    Latest,
    Number(i64),
}

impl VersionSpec {
    pub fn parse(text: &str) -> Result<VersionSpec, ApiError> {
        if text.eq_ignore_ascii_case("latest") || text == "-1" {
            return Ok(VersionSpec::Latest);
        }
        match text.parse::<i64>() {
            Ok(n) if (1..=i64::from(i32::MAX)).contains(&n) => Ok(VersionSpec::Number(n)),
            _ => Err(ApiError::invalid_version(text)),
        }
    }
}

/// The registry's and subjects' modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    ReadWrite,
    ReadOnly,
    ReadOnlyOverride,
    Import,
}

impl Mode {
    pub fn parse(text: &str) -> Option<Mode> {
        match text.to_ascii_uppercase().as_str() {
            "READWRITE" => Some(Mode::ReadWrite),
            "READONLY" => Some(Mode::ReadOnly),
            "READONLY_OVERRIDE" => Some(Mode::ReadOnlyOverride),
            "IMPORT" => Some(Mode::Import),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::ReadWrite => "READWRITE",
            Mode::ReadOnly => "READONLY",
            Mode::ReadOnlyOverride => "READONLY_OVERRIDE",
            Mode::Import => "IMPORT",
        }
    }

    fn read_only(self) -> bool {
        matches!(self, Mode::ReadOnly | Mode::ReadOnlyOverride)
    }
}

/// Which versions a query sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Live,
    All,
    DeletedOnly,
}

impl Filter {
    pub fn from_flags(deleted: bool, deleted_only: bool) -> Filter {
        if deleted_only {
            Filter::DeletedOnly
        } else if deleted {
            Filter::All
        } else {
            Filter::Live
        }
    }

    fn admits(self, deleted: bool) -> bool {
        match self {
            Filter::Live => !deleted,
            Filter::All => true,
            Filter::DeletedOnly => deleted,
        }
    }
}

/// A subject to register under: a non-blank name without control characters, in a context
/// that holds subjects (not `:.__GLOBAL:`, which only holds settings).
fn validate_subject(subject: &str) -> Result<(), ApiError> {
    let q = context::QualifiedSubject::parse(subject);
    if q.name.trim().is_empty() || subject.chars().any(char::is_control) || q.context == context::GLOBAL_CONTEXT {
        return Err(ApiError::invalid_subject(subject));
    }
    Ok(())
}

/// A subject or context whose compatibility level or mode is set: `:.ctx:` (a context alone)
/// and `:.__GLOBAL:` are allowed here.
fn validate_setting_subject(subject: &str) -> Result<(), ApiError> {
    if subject.trim().is_empty() || subject.chars().any(char::is_control) {
        return Err(ApiError::invalid_subject(subject));
    }
    Ok(())
}

struct VersionRow {
    version: i64,
    schema_id: i64,
    deleted: bool,
}

/// The registry over its store. `read_only` refuses every write (a replica or a frozen copy).
pub struct Registry {
    db: Db,
    read_only: bool,
}

impl Registry {
    pub fn new(db: Db, read_only: bool) -> Registry {
        Registry { db, read_only }
    }

    fn ensure_writable(&self) -> Result<(), ApiError> {
        if self.read_only {
            return Err(ApiError::not_permitted("The registry is read-only: it was started in read-only mode"));
        }
        Ok(())
    }
}
