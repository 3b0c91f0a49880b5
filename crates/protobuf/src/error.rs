//! Errors of the Protobuf loader. Every error names a file, line and column.

/// A tokenizer or parser error inside one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Why a Protobuf input could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct LoadError {
    /// Path of the file, as the user can find it (input name joined with the relative path).
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl LoadError {
    pub fn new(path: impl Into<String>, line: u32, column: u32, message: impl Into<String>) -> LoadError {
        LoadError { path: path.into(), line, column, message: message.into() }
    }
}
