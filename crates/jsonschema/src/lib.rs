//! JSON Schema compatibility with the Confluent Schema Registry's verdicts.
//!
//! [`parse`] reads a schema (draft-04/06/07, 2019-09 or 2020-12) and the schemas it references
//! by name; [`JsonSchemaEngine`] then reports, for BACKWARD, the differences the registry's
//! `SchemaDiff` finds that are not among its compatible changes. The model and the rules follow
//! the registry's `json-schema-provider`: content models (open, closed, partially open),
//! required properties, bounds, enumerations, `allOf`/`anyOf`/`oneOf` matching, `not` and `$ref`.

mod diff;
mod error;
mod loader;
mod model;
mod resolve;

use schemagate_core::compat::{CompatEngine, CompatMessage};

pub use diff::{DiffKind, Difference};
pub use error::JsonSchemaError;

/// A parsed JSON Schema together with the schemas it references by name.
#[derive(Debug, Clone)]
pub struct Schema {
    name: String,
    arena: model::Arena,
    root: model::NodeId,
}

impl Schema {
    /// The name the schema was parsed under (a file name, a subject).
    pub fn name(&self) -> &str {
        &self.name
    }

    fn root(&self) -> diff::S<'_> {
        diff::S { arena: &self.arena, id: self.root }
    }
}

/// Parses the schema `text` named `name`; `references` are `(name, JSON text)` pairs that a
/// `$ref` may point to by name (the registry's schema references).
pub fn parse(name: &str, text: &str, references: &[(String, String)]) -> Result<Schema, JsonSchemaError> {
    let loaded = loader::load(name, text, references)?;
    Ok(Schema { name: name.to_string(), arena: loaded.arena, root: loaded.root })
}

/// Every difference between `previous` and `update`, compatible ones included, in the order
/// the registry's `SchemaDiff.compare(previous, update)` finds them.
pub fn differences(previous: &Schema, update: &Schema) -> Vec<Difference> {
    // Deeply nested or recursive schemas recurse deeply; give the walk a stack of its own.
    let run = || diff::compare_roots(previous.root(), update.root());
    let spawned =
        std::thread::scope(|scope| {
            let handle = std::thread::Builder::new().stack_size(64 << 20).spawn_scoped(scope, run).ok()?;
            // A failure inside the walk is a bug; report it as a verdict that blocks, not a crash.
            Some(handle.join().unwrap_or_else(|_| {
                vec![Difference { kind: DiffKind::COMPARISON_LIMIT_EXCEEDED, path: "#/".to_string() }]
            }))
        });
    spawned.unwrap_or_else(run)
}

/// The Schema Registry's JSON Schema compatibility rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonSchemaEngine;

impl CompatEngine for JsonSchemaEngine {
    type Schema = Schema;

    fn backward(&self, previous: &Schema, update: &Schema) -> Vec<CompatMessage> {
        differences(previous, update)
            .into_iter()
            .filter(|d| !d.kind.is_compatible())
            .map(|d| CompatMessage { kind: d.kind.name().to_string(), message: d.kind.describe(&d.path), path: d.path })
            .collect()
    }
}
