//! Loading Avro schema text (and the named types it references) into a checked model.

use apache_avro::Schema;
use apache_avro::error::Details;

/// A parsed Avro schema together with the referenced schemas that define named types it uses.
#[derive(Debug, Clone)]
pub struct AvroSchema {
    name: String,
    pub(crate) root: Schema,
    pub(crate) references: Vec<Schema>,
}

impl AvroSchema {
    /// The name the schema was loaded under (a file path or a subject, for messages).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The parsed top-level schema; named types from references appear as `Schema::Ref`.
    pub fn schema(&self) -> &Schema {
        &self.root
    }

    /// The parsed referenced schemas, in the order they were given.
    pub fn references(&self) -> &[Schema] {
        &self.references
    }
}

/// Why a schema could not be loaded. Every variant names the schema it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AvroError {
    /// The text is not JSON; line and column are 1-based, as serde_json reports them.
    #[error("{schema}:{line}:{column}: invalid JSON: {message}")]
    Json { schema: String, line: usize, column: usize, message: String },
    /// A type name that is neither primitive nor defined in the schema or its references.
    #[error(
        "{schema}: unknown type `{type_name}`: not a primitive type and not defined in the schema or its references"
    )]
    UnknownType { schema: String, type_name: String },
    /// Valid JSON that is not a valid Avro schema.
    #[error("{schema}: invalid Avro schema: {message}")]
    Invalid { schema: String, message: String },
}

/// Parses `text` (named `name` in messages) with `references`, `(name, schema JSON)` pairs that
/// define the named types the schema refers to, as the Schema Registry's schema references do.
pub fn parse(name: &str, text: &str, references: &[(String, String)]) -> Result<AvroSchema, AvroError> {
    // apache-avro reports JSON syntax errors without a position; check the syntax first so the
    // message can point at the line and column.
    json_syntax(name, text)?;
    for (reference, reference_text) in references {
        json_syntax(&reference_label(name, reference), reference_text)?;
    }
    let texts: Vec<&str> = references.iter().map(|(_, t)| t.as_str()).collect();
    // The parser is third-party code; a panic on odd input must become an error, not a crash.
    let run = || std::panic::catch_unwind(|| Schema::parse_str_with_list(text, &texts)).ok();
    // apache-avro parses a reference's dependencies recursively, so a long chain of references
    // nests as deep as it is long; JSON nesting alone is bounded by serde_json.
    let parsed = if references.len() <= REFERENCES_ON_CALLER_STACK {
        run()
    } else {
        std::thread::scope(|scope| {
            let thread = std::thread::Builder::new().name("avro-parse".into()).stack_size(PARSE_STACK_BYTES);
            thread.spawn_scoped(scope, run).ok().and_then(|handle| handle.join().ok()).flatten()
        })
    };
    match parsed {
        Some(Ok((root, references))) => Ok(AvroSchema { name: name.to_string(), root, references }),
        Some(Err(error)) => Err(avro_error(name, references, error)),
        None => Err(AvroError::Invalid {
            schema: name.to_string(),
            message: "the Avro parser failed on this input".to_string(),
        }),
    }
}

/// References parsed on the caller's stack; more are parsed on a thread with a large stack.
const REFERENCES_ON_CALLER_STACK: usize = 32;
const PARSE_STACK_BYTES: usize = 512 << 20;

fn reference_label(schema: &str, reference: &str) -> String {
    format!("{schema} (reference {reference})")
}

fn json_syntax(name: &str, text: &str) -> Result<(), AvroError> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) => Ok(()),
        Err(e) => Err(AvroError::Json {
            schema: name.to_string(),
            line: e.line(),
            column: e.column().max(1),
            message: json_message(&e),
        }),
    }
}

/// serde_json's message without its trailing " at line L column C" (we report those separately).
fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn avro_error(name: &str, references: &[(String, String)], error: apache_avro::Error) -> AvroError {
    let schema = if references.is_empty() { name.to_string() } else { format!("{name} (or its references)") };
    match error.details() {
        Details::ParsePrimitive(type_name) | Details::ParsePrimitiveSimilar(type_name, _) => {
            AvroError::UnknownType { schema, type_name: type_name.clone() }
        }
        _ => {
            let mut message = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                message.push_str(": ");
                message.push_str(&cause.to_string());
                source = cause.source();
            }
            AvroError::Invalid { schema, message }
        }
    }
}
