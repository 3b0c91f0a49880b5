//! Contract files (`contracts/*.yaml`): one topic, its producer, its consumers and examples.
//! The format is documented in docs/contracts.md; docs/contract.schema.json is its JSON Schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemagate_core::error::LoadError;
use serde::Deserialize;

use crate::error::ContractError;

/// A parsed contract file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub topic: String,
    #[serde(default = "one")]
    pub partitions: i32,
    #[serde(default)]
    pub key: Option<SchemaRef>,
    pub value: SchemaRef,
    pub producer: String,
    pub consumers: Vec<Consumer>,
    pub examples: Vec<Example>,
    /// Typed headers: name → type, whether every message carries it, whether a consumer
    /// copies it into the messages it produces while handling one (code generation).
    #[serde(default)]
    pub headers: BTreeMap<String, HeaderSpec>,
    /// Where the contract was read from (set after parsing).
    #[serde(skip)]
    pub file: PathBuf,
    /// The file's text, to point at lines in messages.
    #[serde(skip)]
    pub text: String,
}

fn one() -> i32 {
    1
}

/// The format of a key or value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SchemaType {
    String,
    Protobuf,
    Avro,
    Json,
}

impl SchemaType {
    /// The registry's name for the type.
    pub fn registry_name(self) -> &'static str {
        match self {
            SchemaType::String => "STRING",
            SchemaType::Protobuf => "PROTOBUF",
            SchemaType::Avro => "AVRO",
            SchemaType::Json => "JSON",
        }
    }
}

/// A key or value declaration: its type and, for schema types, where the schema lives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaRef {
    #[serde(rename = "type")]
    pub schema_type: SchemaType,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub root: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub compatibility: Option<String>,
    /// AVRO and JSON: registry subjects whose types or documents the schema uses.
    #[serde(default)]
    pub references: Vec<DeclaredReference>,
}

/// A schema reference to a version of a subject the registry already holds, as Confluent's
/// `references` are written: Avro names it by the full name of the type it defines, JSON
/// Schema by the `$ref` that points to it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredReference {
    pub name: String,
    pub subject: String,
    /// Default: the latest version.
    #[serde(default)]
    pub version: Option<RegistryVersion>,
}

/// A header of the topic's messages (`headers:` of a contract).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderSpec {
    #[serde(rename = "type", default)]
    pub header_type: HeaderType,
    /// Every message carries it; a consumer treats a message without it as invalid.
    #[serde(default)]
    pub required: bool,
    /// Copied from a consumed message into the messages produced while handling it.
    #[serde(default)]
    pub propagate: bool,
}

/// The type of a header value (the value is always bytes on the wire; `string`, `uuid` and
/// `int` are UTF-8 text).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeaderType {
    #[default]
    String,
    Uuid,
    Int,
    Bytes,
}

impl HeaderType {
    pub fn name(self) -> &'static str {
        match self {
            HeaderType::String => "string",
            HeaderType::Uuid => "uuid",
            HeaderType::Int => "int",
            HeaderType::Bytes => "bytes",
        }
    }

    /// Whether an example's header value is of this type.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            HeaderType::String | HeaderType::Bytes => true,
            HeaderType::Int => value.parse::<i64>().is_ok(),
            HeaderType::Uuid => {
                value.len() == 36
                    && value.char_indices().all(|(i, c)| match i {
                        8 | 13 | 18 | 23 => c == '-',
                        _ => c.is_ascii_hexdigit(),
                    })
            }
        }
    }
}

/// A consuming service and what it relies on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consumer {
    pub name: String,
    #[serde(default)]
    pub schema: Option<ConsumerSchema>,
    #[serde(default)]
    pub fields: Vec<FieldExpectation>,
    #[serde(default)]
    pub headers: Vec<String>,
}

/// The schema version a consumer reads with.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerSchema {
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub revision: Option<String>,
    #[serde(default)]
    pub registry_version: Option<RegistryVersion>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub root: Option<String>,
    /// With `file` (or `revision`): the registry references of the consumer's schema.
    #[serde(default)]
    pub references: Option<Vec<DeclaredReference>>,
}

/// A version of the subject in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryVersion {
    Latest,
    Number(i64),
}

impl<'de> Deserialize<'de> for RegistryVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) if n >= 1 => Ok(RegistryVersion::Number(n)),
            Raw::Text(t) if t == "latest" => Ok(RegistryVersion::Latest),
            Raw::Text(t) if t.parse::<i64>().is_ok_and(|n| n >= 1) => {
                Ok(RegistryVersion::Number(t.parse().unwrap_or(1)))
            }
            _ => Err(serde::de::Error::custom("registry_version must be a version number (1 or more) or \"latest\"")),
        }
    }
}

/// A field the consumer reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldExpectation {
    pub path: String,
    #[serde(rename = "type", default)]
    pub field_type: Option<String>,
    #[serde(default)]
    pub required: bool,
}

/// A message the producer sends, as JSON.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub name: String,
    #[serde(default)]
    pub key: Option<serde_json::Value>,
    pub value: serde_json::Value,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

impl Contract {
    /// The value subject: declared, or `<topic>-value` (Confluent's TopicNameStrategy).
    pub fn value_subject(&self) -> String {
        self.value.subject.clone().unwrap_or_else(|| format!("{}-value", self.topic))
    }

    /// The key subject: declared, or `<topic>-key`.
    pub fn key_subject(&self) -> String {
        self.key.as_ref().and_then(|k| k.subject.clone()).unwrap_or_else(|| format!("{}-key", self.topic))
    }

    /// An error at the first line of the file mentioning `needle` (the file's start otherwise).
    pub fn error_at(&self, needle: &str, message: impl Into<String>) -> ContractError {
        let (line, column) = locate(&self.text, needle);
        LoadError::new(self.file.display().to_string(), line, column, message).into()
    }
}

/// Line and column (1-based) of the first occurrence of `needle` in `text`.
pub fn locate(text: &str, needle: &str) -> (u32, u32) {
    if needle.is_empty() {
        return (1, 1);
    }
    text.lines()
        .enumerate()
        .find_map(|(i, l)| l.find(needle).map(|c| (i as u32 + 1, l[..c].chars().count() as u32 + 1)))
        .unwrap_or((1, 1))
}

/// Reads every `*.yaml` / `*.yml` contract of a folder, sorted by file name.
pub fn load_dir(dir: &Path) -> Result<Vec<Contract>, ContractError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ContractError::Input(format!("{}: cannot read the contracts folder: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(ContractError::Input(format!("{}: no contract files (*.yaml) in this folder", dir.display())));
    }
    let contracts = files.iter().map(|f| load_file(f)).collect::<Result<Vec<_>, _>>()?;
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for c in &contracts {
        if let Some(other) = seen.insert(&c.topic, &c.file) {
            return Err(c.error_at(&c.topic, format!("topic {} is also described by {}", c.topic, other.display())));
        }
    }
    Ok(contracts)
}

/// Reads and checks one contract file.
pub fn load_file(path: &Path) -> Result<Contract, ContractError> {
    let bytes = std::fs::read(path).map_err(|e| ContractError::Input(format!("{}: {e}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        LoadError::at_offset(path.display().to_string(), e.as_bytes(), e.utf8_error().valid_up_to(), "not valid UTF-8")
    })?;
    let mut contract: Contract = yaml_serde::from_str(&text).map_err(|e| ContractError::yaml(path, &e))?;
    contract.file = path.to_path_buf();
    contract.text = text;
    validate(&contract)?;
    Ok(contract)
}

fn validate(c: &Contract) -> Result<(), ContractError> {
    if c.topic.trim().is_empty() {
        return Err(c.error_at("topic", "topic must not be empty"));
    }
    if c.partitions < 1 {
        return Err(c.error_at("partitions", "partitions must be 1 or more"));
    }
    if c.value.schema_type == SchemaType::String {
        // A plain string value has nothing to verify beyond its bytes; contracts are about schemas.
        return Err(c.error_at("value", "value.type must be PROTOBUF, AVRO or JSON"));
    }
    for (what, r) in [("value", Some(&c.value)), ("key", c.key.as_ref())] {
        let Some(r) = r else { continue };
        if r.schema_type != SchemaType::String && r.file.is_none() {
            return Err(
                c.error_at(what, format!("{what}.file is required for a {} {what}", r.schema_type.registry_name()))
            );
        }
        if r.schema_type == SchemaType::Protobuf && r.message.is_none() {
            return Err(c.error_at(
                what,
                format!("{what}.message (the fully-qualified message name) is required for Protobuf"),
            ));
        }
        if let Some(level) = &r.compatibility
            && schemagate_core::compat::CompatLevel::parse(level).is_none()
        {
            return Err(c.error_at(level, format!("unknown compatibility level {level}")));
        }
        if !r.references.is_empty() && !matches!(r.schema_type, SchemaType::Avro | SchemaType::Json) {
            return Err(c.error_at(
                "references",
                format!("{what}.references are for AVRO and JSON schemas (Protobuf imports are read from `root`)"),
            ));
        }
    }
    if c.consumers.is_empty() {
        return Err(c.error_at("consumers", "a contract needs at least one consumer"));
    }
    if c.examples.is_empty() {
        return Err(c.error_at("examples", "a contract needs at least one example"));
    }
    for (name, spec) in &c.headers {
        if name.trim().is_empty() {
            return Err(c.error_at("headers:", "a header name must not be empty"));
        }
        for e in &c.examples {
            match e.headers.get(name) {
                None if spec.required => {
                    return Err(c.error_at(
                        &format!("name: {}", e.name),
                        format!("example {} lacks the required header {name}", e.name),
                    ));
                }
                Some(v) if !spec.header_type.accepts(v) => {
                    return Err(c.error_at(
                        v,
                        format!("example {}: header {name} is not a valid {}: {v}", e.name, spec.header_type.name()),
                    ));
                }
                _ => {}
            }
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for e in &c.examples {
        if !names.insert(e.name.as_str()) {
            return Err(c.error_at(&format!("name: {}", e.name), format!("two examples are named {}", e.name)));
        }
    }
    let mut consumers = std::collections::BTreeSet::new();
    for consumer in &c.consumers {
        if !consumers.insert(consumer.name.as_str()) {
            return Err(c.error_at(&consumer.name, format!("consumer {} is listed twice", consumer.name)));
        }
        if let Some(s) = &consumer.schema
            && s.revision.is_some()
            && s.registry_version.is_some()
        {
            return Err(
                c.error_at(&consumer.name, "a consumer schema takes `revision` or `registry_version`, not both")
            );
        }
        if let Some(s) = &consumer.schema
            && s.references.is_some()
            && (s.registry_version.is_some() || (s.file.is_none() && s.revision.is_none()))
        {
            return Err(c.error_at(
                &consumer.name,
                "a consumer schema's `references` go with its `file` or `revision` (a registry version has its own)",
            ));
        }
        for f in &consumer.fields {
            crate::expect::parse_path(&f.path)
                .map_err(|m| c.error_at(&f.path, format!("field path {}: {m}", f.path)))?;
            if let Some(t) = &f.field_type
                && crate::expect::Expected::parse(t).is_none()
            {
                return Err(c.error_at(
                    &format!("type: {t}"),
                    format!("unknown field type {t} (expected one of {})", crate::expect::Expected::VOCABULARY),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT: &str = "\
topic: t.v1
value: {type: PROTOBUF, file: a.proto, message: a.A}
producer: p
consumers:
  - name: c
    headers: [correlation-id]
headers:
  correlation-id: {type: uuid, required: true, propagate: true}
  attempt: {type: int}
examples:
  - name: one
    value: {}
    headers: {correlation-id: 416fabab-d354-43ac-8f05-07f7e43524dd, attempt: \"2\"}
";

    fn load(text: &str) -> Result<Contract, ContractError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.yaml");
        std::fs::write(&path, text).unwrap();
        load_file(&path)
    }

    #[test]
    fn typed_headers_are_read_and_default_to_optional_strings() {
        let c = load(CONTRACT).unwrap();
        let id = &c.headers["correlation-id"];
        assert_eq!((id.header_type, id.required, id.propagate), (HeaderType::Uuid, true, true));
        assert_eq!(c.headers["attempt"], HeaderSpec { header_type: HeaderType::Int, ..HeaderSpec::default() });
        let without = CONTRACT.replace(
            "headers:\n  correlation-id: {type: uuid, required: true, propagate: true}\n  attempt: {type: int}\n",
            "",
        );
        assert!(load(&without).unwrap().headers.is_empty());
    }

    #[test]
    fn examples_must_carry_required_headers_of_their_type() {
        let missing = CONTRACT.replace("correlation-id: 416fabab-d354-43ac-8f05-07f7e43524dd, ", "");
        let e = load(&missing).unwrap_err().to_string();
        assert!(e.ends_with(":11:5: example one lacks the required header correlation-id"), "{e}");
        let bad = CONTRACT.replace("attempt: \"2\"", "attempt: two");
        let e = load(&bad).unwrap_err().to_string();
        assert!(e.contains("header attempt is not a valid int: two"), "{e}");
        let unknown = CONTRACT.replace("{type: int}", "{type: integer}");
        assert!(load(&unknown).is_err());
    }
}
