//! Schemas as the registry sees them: their type, their identity (the normalized text that
//! decides whether two registrations are the same schema), parsing with references, and
//! compatibility checks between two versions with Confluent's message format.

use std::borrow::Cow;

use schemagate_core::compat::{CompatEngine, CompatLevel, CompatMessage, check_level};
use serde::{Deserialize, Serialize};

/// The schema formats the registry accepts (`schemaType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaType {
    Avro,
    Json,
    Protobuf,
}

impl SchemaType {
    /// Every type, in the order `GET /schemas/types` lists them.
    pub const ALL: [SchemaType; 3] = [SchemaType::Json, SchemaType::Protobuf, SchemaType::Avro];

    /// Parses a `schemaType` value (case-insensitive, as the registry does).
    pub fn parse(text: &str) -> Option<SchemaType> {
        match text.to_ascii_uppercase().as_str() {
            "AVRO" => Some(SchemaType::Avro),
            "JSON" => Some(SchemaType::Json),
            "PROTOBUF" => Some(SchemaType::Protobuf),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SchemaType::Avro => "AVRO",
            SchemaType::Json => "JSON",
            SchemaType::Protobuf => "PROTOBUF",
        }
    }
}

/// A schema reference: the import name (Protobuf import path, Avro full name, JSON `$ref`)
/// and the subject version that defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub name: String,
    pub subject: String,
    pub version: i64,
}

/// The identity of a schema: two registrations are the same schema when their identities are
/// equal. Avro and JSON compare as canonical JSON (keys sorted, no insignificant whitespace);
/// Protobuf compares its text with comments removed and whitespace kept only where it
/// separates two words. References (name, subject, version) are part of the identity.
/// Invalid JSON is an error `line:column: message`.
pub fn identity(schema_type: SchemaType, text: &str, references: &[Reference]) -> Result<String, String> {
    let normalized = match schema_type {
        SchemaType::Avro | SchemaType::Json => {
            let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                let message = e.to_string();
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                let message = message.strip_suffix(&suffix).unwrap_or(&message);
                format!("{}:{}: invalid JSON: {message}", e.line(), e.column())
            })?;
            let mut out = String::with_capacity(text.len());
            canonical_json(&value, &mut out);
            out
        }
        SchemaType::Protobuf => normalize_proto(text),
    };
    let refs = serde_json::to_string(references).unwrap_or_default();
    Ok(format!("{}\n{refs}\n{normalized}", schema_type.name()))
}

/// Writes JSON with object keys sorted, whatever map type serde_json was built with.
fn canonical_json(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                canonical_json(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Protobuf text without comments, with whitespace kept only between two word characters
/// (letters, digits, `_`, `.`) and string literals untouched.
fn normalize_proto(text: &str) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                pending_space = true;
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = '\0';
                for n in chars.by_ref() {
                    if previous == '*' && n == '/' {
                        break;
                    }
                    previous = n;
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            '"' | '\'' => {
                out.push(c);
                let mut escaped = false;
                for n in chars.by_ref() {
                    out.push(n);
                    if escaped {
                        escaped = false;
                    } else if n == '\\' {
                        escaped = true;
                    } else if n == c {
                        break;
                    }
                }
                pending_space = false;
            }
            c => {
                if pending_space && out.chars().next_back().is_some_and(word) && word(c) {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
    }
    out
}

/// The schema text the registry works with: Protobuf schemas in Confluent's descriptor form
/// (the standard base64 of a serialized `FileDescriptorProto`, as its serializers register
/// them) become equivalent `.proto` source; anything else is kept as it is. A text made only
/// of base64 characters is taken for a descriptor, since `.proto` source always holds spaces
/// or punctuation outside that alphabet.
pub fn schema_text(schema_type: SchemaType, text: &str) -> Result<Cow<'_, str>, String> {
    use base64::Engine as _;
    let trimmed = text.trim();
    let base64_alphabet = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
    if schema_type != SchemaType::Protobuf || trimmed.is_empty() || !trimmed.chars().all(base64_alphabet) {
        return Ok(Cow::Borrowed(text));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(trimmed)
        .map_err(|e| format!("neither .proto source nor a base64 FileDescriptorProto: {e}"))?;
    schemagate_protobuf::descriptor::descriptor_to_proto(&bytes).map(Cow::Owned)
}

/// A Protobuf schema in Confluent's descriptor form (`?format=serialized`): the standard
/// base64 of the `FileDescriptorProto` of `text` parsed with its dependencies.
pub fn serialized_descriptor(text: &str, dependencies: &[(String, String)]) -> Result<String, String> {
    use base64::Engine as _;
    use prost::Message as _;
    let Parsed::Protobuf(schema) = parse("schema", SchemaType::Protobuf, text, dependencies)? else {
        return Err("not a Protobuf schema".to_string());
    };
    let file = schemagate_protobuf::descriptor::proto_to_descriptor(&schema.main)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(file.encode_to_vec()))
}

/// A schema parsed by its format's engine, ready for compatibility checks.
pub enum Parsed {
    Avro(schemagate_avro::AvroSchema),
    Json(schemagate_jsonschema::Schema),
    Protobuf(schemagate_protobuf::compat::CompatSchema),
}

/// Parses `text` of `subject` with `dependencies`: every schema it references, directly or
/// through other references, as `(reference name, schema text)`. The error is the parser's
/// message with its position.
pub fn parse(
    subject: &str,
    schema_type: SchemaType,
    text: &str,
    dependencies: &[(String, String)],
) -> Result<Parsed, String> {
    match schema_type {
        SchemaType::Avro => {
            schemagate_avro::parse(subject, text, dependencies).map(Parsed::Avro).map_err(|e| e.to_string())
        }
        SchemaType::Json => {
            schemagate_jsonschema::parse(subject, text, dependencies).map(Parsed::Json).map_err(|e| e.to_string())
        }
        SchemaType::Protobuf => {
            let main = main_proto_path(subject, dependencies);
            schemagate_protobuf::load_from_texts(&main, text, dependencies)
                .map(Parsed::Protobuf)
                .map_err(|e| e.to_string())
        }
    }
}

/// The file name a Protobuf schema is parsed under: the subject (with `.proto` appended when
/// missing), so messages point at something the user recognises; a neutral name if a
/// reference already uses that path.
fn main_proto_path(subject: &str, dependencies: &[(String, String)]) -> String {
    let named = if subject.ends_with(".proto") { subject.to_string() } else { format!("{subject}.proto") };
    if dependencies.iter().any(|(name, _)| *name == named) { "schemagate-main-schema.proto".to_string() } else { named }
}

/// The incompatibilities of registering `update` after `previous` at `level`, as Confluent
/// words them (empty when compatible). Transitivity is the caller's business: this compares
/// one pair, in the level's direction(s).
pub fn incompatibilities(level: CompatLevel, update: &Parsed, previous: &Parsed) -> Vec<String> {
    fn one<E: CompatEngine>(
        engine: &E,
        level: CompatLevel,
        update: &E::Schema,
        previous: &E::Schema,
    ) -> Vec<CompatMessage> {
        check_level(engine, level, update, std::slice::from_ref(previous)).messages
    }
    let (messages, avro_style) = match (update, previous) {
        (Parsed::Avro(u), Parsed::Avro(p)) => (one(&schemagate_avro::AvroEngine, level, u, p), true),
        (Parsed::Json(u), Parsed::Json(p)) => (one(&schemagate_jsonschema::JsonSchemaEngine, level, u, p), false),
        (Parsed::Protobuf(u), Parsed::Protobuf(p)) => {
            (one(&schemagate_protobuf::compat::ProtobufEngine, level, u, p), false)
        }
        _ if level == CompatLevel::None => (vec![], false),
        _ => return vec!["Incompatible because of different schema type".to_string()],
    };
    messages
        .into_iter()
        .map(|m| {
            if avro_style {
                format!("{{errorType:'{}', description:'{}', additionalInfo:'{}'}}", m.kind, m.message, m.path)
            } else {
                format!("{{errorType:\"{}\", description:\"{}\"}}", m.kind, m.message)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_identity_ignores_key_order_and_whitespace() {
        let a = identity(SchemaType::Avro, r#"{"type":"record","name":"A","fields":[]}"#, &[]).unwrap();
        let b = identity(SchemaType::Avro, "{ \"name\": \"A\",\n \"fields\": [], \"type\": \"record\" }", &[]).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, identity(SchemaType::Json, r#"{"type":"record","name":"A","fields":[]}"#, &[]).unwrap());
    }

    #[test]
    fn identity_of_invalid_json_names_line_and_column() {
        let e = identity(SchemaType::Json, "{\n  \"type\": }", &[]).unwrap_err();
        assert!(e.starts_with("2:"), "{e}");
    }

    #[test]
    fn proto_identity_ignores_comments_and_layout_but_not_strings() {
        let a = "syntax = \"proto3\";\n// c\nmessage A { int32 x = 1; /* b */ }";
        let b = "syntax=\"proto3\"; message A{int32 x=1;}";
        assert_eq!(normalize_proto(a), normalize_proto(b));
        assert_ne!(normalize_proto("option x = \"a b\";"), normalize_proto("option x = \"ab\";"));
        assert_ne!(normalize_proto("int32 x"), normalize_proto("int32x"));
    }

    #[test]
    fn references_are_part_of_the_identity() {
        let r = Reference { name: "a.proto".into(), subject: "a".into(), version: 1 };
        let text = "syntax = \"proto3\"; import \"a.proto\"; message B { A a = 1; }";
        assert_ne!(
            identity(SchemaType::Protobuf, text, std::slice::from_ref(&r)).unwrap(),
            identity(SchemaType::Protobuf, text, &[Reference { version: 2, ..r }]).unwrap()
        );
    }

    #[test]
    fn protobuf_descriptors_become_proto_source() {
        use base64::Engine as _;
        use prost::Message as _;
        let file = prost_types::FileDescriptorProto {
            name: Some("a.proto".into()),
            package: Some("a".into()),
            syntax: Some("proto3".into()),
            message_type: vec![prost_types::DescriptorProto { name: Some("A".into()), ..Default::default() }],
            ..Default::default()
        };
        let encoded = base64::engine::general_purpose::STANDARD.encode(file.encode_to_vec());
        let text = schema_text(SchemaType::Protobuf, &encoded).unwrap();
        assert_eq!(text, "syntax = \"proto3\";\npackage a;\nmessage A {\n}\n");
        assert_eq!(schema_text(SchemaType::Protobuf, &format!("{encoded}\n")).unwrap(), text);
        assert_eq!(
            identity(SchemaType::Protobuf, &text, &[]).unwrap(),
            identity(SchemaType::Protobuf, &schema_text(SchemaType::Protobuf, &encoded).unwrap(), &[]).unwrap()
        );
        let source = "syntax = \"proto3\"; message A {}";
        assert!(matches!(schema_text(SchemaType::Protobuf, source).unwrap(), Cow::Borrowed(s) if s == source));
        assert!(matches!(schema_text(SchemaType::Avro, &encoded).unwrap(), Cow::Borrowed(_)));
        let served = serialized_descriptor(&text, &[]).unwrap();
        assert_eq!(schema_text(SchemaType::Protobuf, &served).unwrap(), text);
    }

    #[test]
    fn malformed_descriptors_are_errors() {
        let e = schema_text(SchemaType::Protobuf, "abc").unwrap_err();
        assert!(e.starts_with("neither .proto source nor a base64 FileDescriptorProto"), "{e}");
        let e = schema_text(SchemaType::Protobuf, "/////w==").unwrap_err();
        assert!(e.starts_with("invalid FileDescriptorProto"), "{e}");
    }

    #[test]
    fn protobuf_parse_errors_carry_a_position() {
        let e = parse("orders-value", SchemaType::Protobuf, "syntax = \"proto3\";\nmessage {", &[]).err().unwrap();
        assert!(e.starts_with("orders-value.proto:2:"), "{e}");
    }
}
