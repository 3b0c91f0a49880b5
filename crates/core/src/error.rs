//! The positioned error every loader reports: the file, the line and column (1-based) and what
//! is wrong there, shown as `path:line:column: message`.

/// Why an input (a schema, a configuration, a policy file) could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct LoadError {
    /// The file as the user can find it (or what stood in for one, e.g. a command-line flag).
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl LoadError {
    pub fn new(path: impl Into<String>, line: u32, column: u32, message: impl Into<String>) -> LoadError {
        LoadError { path: path.into(), line, column, message: message.into() }
    }

    /// An error at a byte offset of `bytes` (e.g. where a file stops being valid UTF-8).
    pub fn at_offset(path: impl Into<String>, bytes: &[u8], offset: usize, message: impl Into<String>) -> LoadError {
        let (line, column) = line_col(bytes, offset);
        LoadError::new(path, line, column, message)
    }
}

/// 1-based line and column of a byte offset; the column counts bytes.
pub fn line_col(bytes: &[u8], offset: usize) -> (u32, u32) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() as u32 + 1;
    let column = before.iter().rev().take_while(|b| **b != b'\n').count() as u32 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_path_line_column_and_message() {
        let e = LoadError::new("a/b.proto", 3, 7, "unexpected token");
        assert_eq!(e.to_string(), "a/b.proto:3:7: unexpected token");
    }

    #[test]
    fn offsets_count_lines_and_bytes() {
        let text = b"ab\ncd\xffe";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 5), (2, 3));
        assert_eq!(line_col(text, 99), (2, 5));
        let e = LoadError::at_offset("x.yaml", text, 5, "file is not valid UTF-8");
        assert_eq!((e.line, e.column), (2, 3));
    }
}
