//! Confluent Schema Registry support for schemagate.
//!
//! [`server`] is a registry server compatible with Confluent's REST API, clients and
//! serializers, storing schemas in SQLite and enforcing compatibility levels with
//! schemagate's engines. [`client`] is a blocking client for any Confluent-compatible registry.

pub mod client;
mod error;
pub mod server;

pub use error::RegistryError;
