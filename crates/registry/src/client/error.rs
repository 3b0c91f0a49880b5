//! The client's errors. None of them ever holds a credential.

use std::path::PathBuf;
use std::time::Duration;

fn about(subject: &Option<String>, version: &Option<String>) -> String {
    match (subject, version) {
        (Some(s), Some(v)) => format!(" (subject `{s}`, version {v})"),
        (Some(s), None) => format!(" (subject `{s}`)"),
        _ => String::new(),
    }
}

/// Why a registry call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The environment variable named in the auth configuration is not set.
    #[error("environment variable `{variable}` ({role}) is not set")]
    MissingCredential { variable: String, role: &'static str },
    #[error("cannot use CA certificate {}: {message}", path.display())]
    CaCert { path: PathBuf, message: String },
    #[error("cannot set up the registry client: {0}")]
    Setup(String),
    /// No HTTP answer (connection refused, reset, closed) after every retry.
    #[error("{method} {path}: connection failed after {attempts} attempt(s): {message}")]
    Connection { method: String, path: String, attempts: u32, message: String },
    #[error("{method} {path}: no answer within {timeout:?}")]
    Timeout { method: String, path: String, timeout: Duration },
    /// HTTP 409 with error code 409 or 40901: the schema breaks the subject's compatibility.
    #[error("{path}: schema incompatible{}: {}", about(subject, &None), messages.join("; "))]
    Incompatible { path: String, subject: Option<String>, messages: Vec<String> },
    /// Any other non-2xx answer (5xx ones after every retry).
    #[error("{path}{}: HTTP {status}, error code {error_code}: {message}", about(subject, version))]
    Registry {
        status: u16,
        error_code: i64,
        message: String,
        path: String,
        subject: Option<String>,
        version: Option<String>,
        attempts: u32,
    },
    /// The imports handed to `register_with_references` cannot be ordered (an import cycle).
    #[error("cannot register references: {0}")]
    References(String),
    #[error("{path}: unexpected answer: {message}")]
    Decode { path: String, message: String },
}

impl ClientError {
    /// The registry's `error_code` (e.g. 40401 subject not found), or 409 for [`ClientError::Incompatible`].
    pub fn error_code(&self) -> Option<i64> {
        match self {
            ClientError::Registry { error_code, .. } => Some(*error_code),
            ClientError::Incompatible { .. } => Some(409),
            _ => None,
        }
    }

    /// The HTTP status of a registry answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Registry { status, .. } => Some(*status),
            ClientError::Incompatible { .. } => Some(409),
            _ => None,
        }
    }
}
