//! Event contract tests for schemagate: contract files describe a topic, its producer, its
//! consumers and example messages; the runner produces the examples through a real Kafka broker
//! (Testcontainers, an existing cluster, or librdkafka's mock cluster) in the Confluent wire
//! format, with schemas served by a real Schema Registry, and verifies them as each consumer.

pub mod asyncapi;
mod consume;
pub mod error;
pub mod expect;
pub mod impact;
pub mod kafka;
pub mod model;
mod produce;
pub mod refs;
pub mod report;
pub mod runner;
pub mod schema;
pub mod wire;

pub use error::ContractError;
pub use kafka::{Cluster, ContractSettings, ImageSpec, KafkaSettings, Mode};
pub use model::{Contract, load_dir};
pub use runner::{Progress, RunOptions, RunReport, run};
