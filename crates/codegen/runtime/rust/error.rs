//! The error types of the runtime. Messages name the topic, subject, schema id or registry URL
//! they are about and never contain a secret (passwords, tokens, URL credentials).

use std::time::Duration;

use rdkafka::error::KafkaError;

use crate::runtime::consume::RawRecord;

/// A setup error: configuration, Schema Registry, or creating a Kafka client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is incomplete or invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// The Schema Registry refused a request or could not be reached.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// A Kafka client could not be created or failed.
    #[error("Kafka ({context}): {source}")]
    Kafka {
        /// What the client was doing (`producer for topic orders`, `consumer group billing`).
        context: String,
        /// The client's error.
        #[source]
        source: KafkaError,
    },
    /// The consumer loop stopped on an error it cannot skip (the record is not committed).
    #[error(transparent)]
    Consume(#[from] ConsumeError),
}

/// An error of the Schema Registry client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The registry answered with an error status.
    #[error("schema registry {url}: {what}: HTTP {status}{}: {message}", code_text(*.error_code))]
    Http {
        /// The registry URL, without credentials.
        url: String,
        /// The request (`registering subject orders-value`, `fetching schema id 7`).
        what: String,
        /// The HTTP status.
        status: u16,
        /// The registry's `error_code`, when it sent one (40401: subject not found, 40403: schema
        /// not found, ...).
        error_code: Option<i64>,
        /// The registry's message.
        message: String,
    },
    /// The registry could not be reached (after retrying).
    #[error("schema registry {url}: {what}: {reason}")]
    Transport {
        /// The registry URL, without credentials.
        url: String,
        /// The request.
        what: String,
        /// Why it failed.
        reason: String,
    },
    /// The registry answered something this client does not understand.
    #[error("schema registry {url}: {what}: unexpected answer: {reason}")]
    Response {
        /// The registry URL, without credentials.
        url: String,
        /// The request.
        what: String,
        /// What was wrong with the answer.
        reason: String,
    },
}

fn code_text(code: Option<i64>) -> String {
    code.map(|c| format!(" (error code {c})"))
        .unwrap_or_default()
}

impl RegistryError {
    /// Whether the registry said the subject, version or schema does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        matches!(self, RegistryError::Http { status: 404, .. })
    }

    /// Whether the error may go away by itself (unreachable registry, HTTP 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            RegistryError::Transport { .. } => true,
            RegistryError::Http { status, .. } => *status >= 500,
            RegistryError::Response { .. } => false,
        }
    }
}

/// Why a record could not be framed, serialized, unframed or deserialized.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// Fewer than the 5 bytes of the Confluent header.
    #[error(
        "{len} bytes: too short for the Confluent wire format (magic byte and 4-byte schema id)"
    )]
    TooShort {
        /// The length of the record.
        len: usize,
    },
    /// The first byte is not the magic byte 0.
    #[error("magic byte is {0:#04x}, not 0x00: not written by a Schema Registry serializer")]
    BadMagic(u8),
    /// The Protobuf message indexes after the schema id are malformed.
    #[error("Protobuf message indexes: {0}")]
    BadIndexes(String),
    /// The schema behind the id is of another format than the reader's.
    #[error("schema id {id} is a {found:?} schema; this reader expects {expected:?}")]
    WrongKind {
        /// The schema id of the record.
        id: i32,
        /// The format of the writer's schema.
        found: crate::runtime::SchemaKind,
        /// The format of the reader.
        expected: crate::runtime::SchemaKind,
    },
    /// The record has no value (a tombstone) where a value is expected.
    #[error("the record has no value (tombstone)")]
    NoValue,
    /// A STRING key that is not UTF-8.
    #[error("the key is not UTF-8: {0}")]
    KeyNotUtf8(String),
    /// Protobuf encoding or decoding failed.
    #[error("Protobuf: {0}")]
    Protobuf(String),
    /// Avro encoding, decoding or schema resolution failed.
    #[error("Avro: {0}")]
    Avro(String),
    /// JSON encoding or decoding failed.
    #[error("JSON: {0}")]
    Json(String),
    /// The writer schema behind the record's id could not be found in the registry.
    #[error("schema id {id}: {message}")]
    UnknownSchema {
        /// The schema id of the record.
        id: i32,
        /// What the registry said.
        message: String,
    },
}

impl From<prost::DecodeError> for CodecError {
    fn from(e: prost::DecodeError) -> Self {
        CodecError::Protobuf(e.to_string())
    }
}

impl From<prost::EncodeError> for CodecError {
    fn from(e: prost::EncodeError) -> Self {
        CodecError::Protobuf(e.to_string())
    }
}

impl From<serde_json::Error> for CodecError {
    fn from(e: serde_json::Error) -> Self {
        CodecError::Json(e.to_string())
    }
}

/// A header of a received record is missing or has a value of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// A required header is absent.
    #[error("required header `{name}` is missing")]
    Missing {
        /// The header name.
        name: String,
    },
    /// A header value does not parse as its declared type.
    #[error("header `{name}` is not a valid {expected}: {reason}")]
    Invalid {
        /// The header name.
        name: String,
        /// The declared type (`string`, `uuid`, `int`, `bytes`).
        expected: &'static str,
        /// What is wrong with the value.
        reason: String,
    },
}

/// Producing a record failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProduceError {
    /// The key or value could not be serialized.
    #[error("topic {topic}: cannot encode the {part}: {source}")]
    Encode {
        /// The topic.
        topic: String,
        /// `key` or `value`.
        part: &'static str,
        /// Why.
        #[source]
        source: CodecError,
    },
    /// The broker refused the record with a non-retriable error, or retriable errors lasted
    /// until the produce timeout.
    #[error("topic {topic}: delivery failed after {attempts} attempt(s) in {elapsed:?}: {source}")]
    Delivery {
        /// The topic.
        topic: String,
        /// How many times the record was sent.
        attempts: u32,
        /// How long it was tried.
        elapsed: Duration,
        /// The last error.
        #[source]
        source: KafkaError,
    },
    /// Records still queued when the flush timeout ran out.
    #[error("topic {topic}: flush did not complete within {timeout:?}: {source}")]
    Flush {
        /// The topic.
        topic: String,
        /// The flush timeout.
        timeout: Duration,
        /// The client's error.
        #[source]
        source: KafkaError,
    },
}

/// Receiving, decoding or committing a record failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConsumeError {
    /// The record's key or value does not decode; it belongs on the dead-letter topic.
    #[error("topic {} partition {} offset {}: cannot decode the {part}: {source}", .raw.topic, .raw.partition, .raw.offset)]
    Decode {
        /// The record as received.
        raw: Box<RawRecord>,
        /// `key` or `value`.
        part: &'static str,
        /// Why.
        #[source]
        source: CodecError,
    },
    /// The record's headers are invalid; it belongs on the dead-letter topic.
    #[error("topic {} partition {} offset {}: {source}", .raw.topic, .raw.partition, .raw.offset)]
    Headers {
        /// The record as received.
        raw: Box<RawRecord>,
        /// Why.
        #[source]
        source: HeaderError,
    },
    /// The writer schema could not be fetched for a reason that may pass (the record is fine;
    /// try again with `Consumer::decode`).
    #[error("topic {} partition {} offset {}: {source}", .raw.topic, .raw.partition, .raw.offset)]
    Registry {
        /// The record as received.
        raw: Box<RawRecord>,
        /// Why.
        #[source]
        source: RegistryError,
    },
    /// The Kafka client reported an error.
    #[error("Kafka consumer of topic {topic}: {source}")]
    Kafka {
        /// The topic.
        topic: String,
        /// The client's error.
        #[source]
        source: KafkaError,
    },
    /// A record could not be written to the dead-letter topic.
    #[error("dead-letter topic {dlq}: {source}")]
    DeadLetter {
        /// The dead-letter topic.
        dlq: String,
        /// Why.
        #[source]
        source: Box<ProduceError>,
    },
}

impl ConsumeError {
    /// The record the error is about, when there is one.
    pub fn raw(&self) -> Option<&RawRecord> {
        match self {
            ConsumeError::Decode { raw, .. }
            | ConsumeError::Headers { raw, .. }
            | ConsumeError::Registry { raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// Whether the record can never be handled and belongs on the dead-letter topic.
    pub fn is_poison(&self) -> bool {
        matches!(
            self,
            ConsumeError::Decode { .. } | ConsumeError::Headers { .. }
        )
    }
}
