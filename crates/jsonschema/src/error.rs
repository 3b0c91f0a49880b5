//! Why a JSON Schema could not be read.

/// A schema (or one of its references) that cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonSchemaError {
    /// The text is not JSON; `line` and `column` are 1-based, as serde_json reports them.
    #[error("{name}:{line}:{column}: invalid JSON: {message}")]
    Syntax { name: String, line: usize, column: usize, message: String },
    /// The JSON is not a schema the registry accepts (a keyword of the wrong type, an unknown type).
    #[error("{name}: invalid schema at {pointer}: {message}")]
    Invalid { name: String, pointer: String, message: String },
    /// A `$ref` names a document or location that neither the schema nor its references hold.
    #[error("{name}: cannot resolve $ref '{reference}' at {pointer}")]
    UnresolvedReference { name: String, pointer: String, reference: String },
}
