//! Errors of the Protobuf loader. Every error names a file, line and column.

/// A tokenizer or parser error inside one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Why a Protobuf input could not be loaded: core's positioned error, whose path is the file as
/// the user can find it (input name joined with the relative path).
pub use schemagate_core::error::LoadError;
