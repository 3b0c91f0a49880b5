//! Avro schema compatibility with the verdicts of the Confluent Schema Registry.
//!
//! The Schema Registry decides Avro compatibility with Avro Java's
//! `SchemaCompatibility.checkReaderWriterCompatibility`, the new schema reading data written
//! with the previous one. [`AvroEngine`] gives the same verdicts (measured against Apache
//! Avro's Python implementation in `tests/differential.rs`) and reports every incompatibility
//! with its path, where apache-avro's own `SchemaCompatibility` stops at the first one.
//! apache-avro does the parsing.

mod check;
mod parse;

pub use check::Incompatibility;
pub use parse::{AvroError, AvroSchema, parse};

use schemagate_core::compat::{CompatEngine, CompatMessage};

/// Avro's reader/writer schema resolution as a Schema Registry compatibility engine.
#[derive(Debug, Clone, Copy, Default)]
pub struct AvroEngine;

impl CompatEngine for AvroEngine {
    type Schema = AvroSchema;

    /// The incompatibilities of reading data written with `previous` using `update`; each
    /// message's `kind` is Avro's `SchemaIncompatibilityType` name and `path` a JSON-pointer-like
    /// location in the reader (`update`) schema, e.g. `/fields/1/type`.
    fn backward(&self, previous: &AvroSchema, update: &AvroSchema) -> Vec<CompatMessage> {
        check::check(update, previous)
    }
}
