//! The runtime of this crate: Confluent framing, a Schema Registry client with caches, typed
//! producers and consumers over rdkafka, the dead-letter topic, and backoff.
//!
//! It is the same in every crate `schemagate gen rust` writes (emitted verbatim; edit the
//! contracts and regenerate rather than this code). The topic modules use it through the items
//! re-exported here.

pub mod backoff;
pub mod config;
pub mod consume;
pub mod error;
pub mod headers;
pub mod produce;
pub mod registry;
pub mod wire;

pub use backoff::Backoff;
pub use config::{Config, RegistryAuth};
pub use consume::{Consumer, DlqReason, RawRecord, Received, RunSummary, shutdown_signal};
pub use error::{CodecError, ConsumeError, Error, HeaderError, ProduceError, RegistryError};
pub use produce::{Delivery, Producer};
pub use registry::{Registry, subject_name};

/// The schema formats of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaKind {
    /// Protobuf (`.proto` text).
    Protobuf,
    /// Avro (JSON schema text).
    Avro,
    /// JSON Schema.
    Json,
}

impl SchemaKind {
    /// The registry's `schemaType` (`PROTOBUF`, `AVRO`, `JSON`).
    pub fn registry_name(self) -> &'static str {
        match self {
            SchemaKind::Protobuf => "PROTOBUF",
            SchemaKind::Avro => "AVRO",
            SchemaKind::Json => "JSON",
        }
    }
}

/// A schema as registered: its text and the schemas it references (registered first, under
/// their subjects).
#[derive(Debug)]
pub struct SchemaDef {
    /// The format.
    pub kind: SchemaKind,
    /// The schema text as registered.
    pub text: &'static str,
    /// The schemas it references.
    pub references: &'static [ReferenceDef],
}

/// A reference from one schema to another.
#[derive(Debug)]
pub struct ReferenceDef {
    /// The reference name: Protobuf import path, Avro full type name, JSON `$ref` as written.
    pub name: &'static str,
    /// The subject the referenced schema is registered under.
    pub subject: &'static str,
    /// The referenced schema.
    pub schema: &'static SchemaDef,
}

/// How the subject of a value (or key) is named when the contract does not name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectStrategy {
    /// `<topic>-value` and `<topic>-key`.
    TopicName,
    /// The full name of the record or message.
    RecordName,
    /// `<topic>-<record full name>`.
    TopicRecordName,
}

/// A value (or schema'd key) type: how it is framed and (de)serialized.
pub trait Payload: Sized + Send + Sync + 'static {
    /// The schema this type is written with.
    const SCHEMA: &'static SchemaDef;
    /// Full name of the record or message (`acme.orders.v1.OrderPlaced`), for the RecordName
    /// strategies.
    const RECORD_NAME: &'static str;
    /// Protobuf: the message indexes of this message in its file (Confluent framing); empty
    /// otherwise.
    const MESSAGE_INDEXES: &'static [i32];
    /// The payload bytes (without the Confluent header).
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), CodecError>;
    /// Decodes payload bytes written with `writer` (the schema behind the id in the header).
    /// Protobuf ignores `writer` (unknown fields are skipped); Avro resolves writer -> reader
    /// schema; JSON parses the JSON text.
    fn decode(payload: &[u8], writer: &WriterSchema) -> Result<Self, CodecError>;
}

/// The writer schema behind a schema id, as the registry returned it (cached by the registry
/// client).
#[derive(Debug, Clone)]
pub struct WriterSchema {
    /// The schema id.
    pub id: i32,
    /// The format.
    pub kind: SchemaKind,
    /// The schema text.
    pub text: std::sync::Arc<str>,
    /// Referenced schemas, by reference name, resolved transitively (Avro needs them to parse
    /// `text`).
    pub references: Vec<(String, std::sync::Arc<str>)>,
}

/// A key type. Implemented by the runtime for `String` (a STRING key: raw UTF-8, no framing, no
/// registry) and [`Framed<P>`] (a key with a schema, framed like values).
pub trait KeyCodec: Sized + Send + Sync + 'static {
    /// The key's schema; `None` for keys sent as they are.
    const SCHEMA: Option<&'static SchemaDef>;
    /// The full name of the key's record or message (RecordName strategies); empty for `String`.
    const RECORD_NAME: &'static str;
    /// Protobuf: the message indexes of the key's message; empty otherwise.
    const MESSAGE_INDEXES: &'static [i32];
    /// The key bytes, without the Confluent header (the runtime adds it when `SCHEMA` is set).
    fn encode_key(&self, out: &mut Vec<u8>) -> Result<(), CodecError>;
    /// Decodes key bytes (after the header, when `SCHEMA` is set; `writer` is then the schema
    /// behind the key's id).
    fn decode_key(payload: &[u8], writer: Option<&WriterSchema>) -> Result<Self, CodecError>;
}

impl KeyCodec for String {
    const SCHEMA: Option<&'static SchemaDef> = None;
    const RECORD_NAME: &'static str = "";
    const MESSAGE_INDEXES: &'static [i32] = &[];

    fn encode_key(&self, out: &mut Vec<u8>) -> Result<(), CodecError> {
        out.extend_from_slice(self.as_bytes());
        Ok(())
    }

    fn decode_key(payload: &[u8], _writer: Option<&WriterSchema>) -> Result<Self, CodecError> {
        String::from_utf8(payload.to_vec()).map_err(|e| CodecError::KeyNotUtf8(e.to_string()))
    }
}

/// A key with a schema: framed and registered like a value (under the key subject).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Framed<P: Payload>(pub P);

impl<P: Payload> KeyCodec for Framed<P> {
    const SCHEMA: Option<&'static SchemaDef> = Some(P::SCHEMA);
    const RECORD_NAME: &'static str = P::RECORD_NAME;
    const MESSAGE_INDEXES: &'static [i32] = P::MESSAGE_INDEXES;

    fn encode_key(&self, out: &mut Vec<u8>) -> Result<(), CodecError> {
        self.0.encode(out)
    }

    fn decode_key(payload: &[u8], writer: Option<&WriterSchema>) -> Result<Self, CodecError> {
        match writer {
            Some(writer) => P::decode(payload, writer).map(Framed),
            None => Err(CodecError::UnknownSchema {
                id: -1,
                message: "a framed key needs its writer schema".into(),
            }),
        }
    }
}

/// Typed headers of a topic (generated struct per topic).
pub trait HeaderSet: Sized + Default + Send + Sync + 'static {
    /// Header names and values to send (absent optional headers are not sent).
    fn to_pairs(&self) -> Vec<(&'static str, Vec<u8>)>;
    /// Reads the headers of a received record; a missing required header or a value of the
    /// wrong type is an error (the record goes to the dead-letter topic).
    fn from_pairs(pairs: &[(&str, &[u8])]) -> Result<Self, HeaderError>;
    /// The value of a header by name, as text (for propagation between topics).
    fn get(&self, name: &str) -> Option<String>;
}

/// No headers: topics whose contract declares none.
impl HeaderSet for () {
    fn to_pairs(&self) -> Vec<(&'static str, Vec<u8>)> {
        Vec::new()
    }

    fn from_pairs(_pairs: &[(&str, &[u8])]) -> Result<Self, HeaderError> {
        Ok(())
    }

    fn get(&self, _name: &str) -> Option<String> {
        None
    }
}

/// A topic: its name and subjects (from the contract).
#[derive(Debug)]
pub struct Topic {
    /// The topic name.
    pub name: &'static str,
    /// The value subject when the contract names one; else derived from `strategy`.
    pub value_subject: Option<&'static str>,
    /// The key subject when the contract names one; else derived from `strategy`.
    pub key_subject: Option<&'static str>,
    /// How subjects are named when the contract does not name them.
    pub strategy: SubjectStrategy,
    /// Header names the contract marks as propagated: copied from a consumed record's headers
    /// into the headers of records produced while handling it
    /// (`Headers::propagate_from(&incoming)`).
    pub propagated_headers: &'static [&'static str],
}

// Avro support (`avro.rs`, which needs the apache-avro dependency). schemagate removes the
// declaration below from crates without Avro topics.
pub mod avro;
