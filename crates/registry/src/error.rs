//! Errors of starting or running the registry server (request errors are HTTP responses).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the registry server could not start or stopped unexpectedly.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The listen address could not be bound (in use, not local, no permission).
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    /// The SQLite database could not be opened or initialised.
    #[error("cannot open the registry database {}: {message}", path.display())]
    Database { path: PathBuf, message: String },
    /// The async runtime or the HTTP server failed.
    #[error("registry server error: {0}")]
    Server(String),
}
