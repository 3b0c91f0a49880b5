//! Code generation from the models schemagate already builds: linked Protobuf descriptors,
//! Avro and JSON schemas, and event contracts. It never parses schemas itself; it reads them
//! through the format crates and `schemagate-contract`, and writes files.
//!
//! One module per target ([`rust`]); what the targets share lives here: [`GenError`] (every
//! input error names a file, line and column), naming ([`naming`]: casing, Rust identifiers,
//! topic → module), and deterministic output ([`write`]: a temporary folder beside the output,
//! then a rename; `--check` compares instead of writing).

pub mod client;
pub mod naming;
pub mod rust;
mod write;

pub use write::{FileChange, WriteOutcome, write};

use std::path::Path;

/// Why generation failed. Nothing is written when generation fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenError {
    /// Bad input at a place in a file: a contract, a schema, `schemagate.yaml`. The file is
    /// shown relative to the project root.
    #[error("{file}:{line}:{column}: {message}")]
    At { file: String, line: u32, column: u32, message: String },
    /// Bad input not tied to a place in a file (a missing folder, a bad option).
    #[error("{0}")]
    Input(String),
    /// Reading or writing the output failed.
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

impl GenError {
    /// An error at `file:line:column`.
    pub fn at(file: impl Into<String>, line: u32, column: u32, message: impl Into<String>) -> GenError {
        GenError::At { file: file.into(), line, column, message: message.into() }
    }

    /// An error from a message the format crates wrote as `file:line:column: message` (or
    /// without a position), with `project` stripped from the file so that it shows relative to
    /// the project root.
    pub fn from_message(project: &Path, message: &str) -> GenError {
        let shown = |file: &str| relative(project, Path::new(file));
        if let Some((file, line, column, rest)) = split_location(message) {
            return GenError::at(shown(file), line, column, rest);
        }
        let prefix = format!("{}/", project.display());
        GenError::Input(message.replace(&prefix, ""))
    }

    pub(crate) fn io(path: &Path, error: impl std::fmt::Display) -> GenError {
        GenError::Io { path: path.display().to_string(), message: error.to_string() }
    }
}

/// `file:line:column: message` split into its parts.
fn split_location(message: &str) -> Option<(&str, u32, u32, &str)> {
    // The file may itself contain colons (`git:HEAD:x.proto`): find `:<digits>:<digits>: `.
    let bytes = message.as_bytes();
    let mut search = 0;
    while let Some(offset) = message[search..].find(':') {
        let colon = search + offset;
        let rest = &message[colon + 1..];
        let line_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        if line_len > 0 && rest.as_bytes().get(line_len) == Some(&b':') {
            let after = &rest[line_len + 1..];
            let column_len = after.bytes().take_while(u8::is_ascii_digit).count();
            if column_len > 0 && after[column_len..].starts_with(": ") && colon > 0 {
                let line = rest[..line_len].parse().ok()?;
                let column = after[..column_len].parse().ok()?;
                return Some((&message[..colon], line, column, &after[column_len + 2..]));
            }
        }
        search = colon + 1;
        if search >= bytes.len() {
            break;
        }
    }
    None
}

/// `path` relative to `project` when it is inside it, '/'-separated.
pub(crate) fn relative(project: &Path, path: &Path) -> String {
    let shown = path.strip_prefix(project).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/").trim_start_matches("./").to_string()
}

/// One generated file: its path inside the output folder ('/'-separated) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// A generated crate (or module tree): every file it consists of, sorted by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedCrate {
    /// The package name (`Cargo.toml`).
    pub name: String,
    pub files: Vec<GeneratedFile>,
}

impl GeneratedCrate {
    /// The file at `path`, if generated.
    pub fn file(&self, path: &str) -> Option<&GeneratedFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn located_messages_are_split_and_made_relative() {
        let e = GenError::from_message(Path::new("/p"), "/p/schemas/a.avsc:3:14: unknown type");
        assert_eq!(e, GenError::at("schemas/a.avsc", 3, 14, "unknown type"));
        let e = GenError::from_message(Path::new("/p"), "git:HEAD:a.proto:1:2: x: y");
        assert_eq!(e, GenError::at("git:HEAD:a.proto", 1, 2, "x: y"));
        let e = GenError::from_message(Path::new("/p"), "/p/x: no such file");
        assert_eq!(e, GenError::Input("x: no such file".into()));
    }
}
