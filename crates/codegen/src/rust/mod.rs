//! `schemagate gen rust`: a Cargo crate with typed Kafka producers and consumers, one module per
//! contract topic, over a runtime that is emitted verbatim.
//!
//! [`generate`] reads `schemagate.yaml` and the contracts and builds every file in memory (any
//! bad input fails before anything is written); [`crate::write`] puts them on disk.
//!
//! The crate's layout:
//!
//! ```text
//! Cargo.toml, README.md
//! src/lib.rs            crate docs and the modules below
//! src/runtime/          the runtime (Confluent framing, registry, producer, consumer, DLQ, backoff)
//! src/messages.rs       prost-build's messages for every Protobuf file of the module
//! src/avro.rs           serde structs of the Avro schemas of the contracts (with Avro topics)
//! src/json.rs           serde structs of the JSON Schemas of the contracts (with JSON topics)
//! src/payloads.rs       the registered schemas and `impl Payload` of every value and key type
//! src/topics/           one module per topic: TOPIC, Key, Value, Headers, Producer, Consumer
//! ```

mod avro;
mod json;
mod messages;
mod payloads;
mod project;
mod runtime;
pub(crate) mod tokens;
mod topics;

use std::path::Path;

use crate::naming;
use crate::{GenError, GeneratedCrate, GeneratedFile};

pub use project::SubjectStrategy;
pub use runtime::{RUNTIME_FILES, RuntimeFile};

/// Options of `schemagate gen rust`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustOptions {
    /// The package name of the generated crate.
    pub crate_name: String,
    /// How subjects are named when a contract does not name them (default: TopicName).
    pub strategy: SubjectStrategy,
}

impl RustOptions {
    /// Options for a crate named `crate_name`.
    pub fn new(crate_name: impl Into<String>) -> RustOptions {
        RustOptions { crate_name: crate_name.into(), strategy: SubjectStrategy::TopicName }
    }

    /// Options for a crate written to `out_dir`: named after the folder, in kebab case.
    pub fn for_out_dir(out_dir: &Path) -> RustOptions {
        RustOptions::new(naming::crate_name_for(out_dir))
    }
}

/// Builds the crate for the project at `project_root` (the folder of `schemagate.yaml`).
pub fn generate(project_root: &Path, options: &RustOptions) -> Result<GeneratedCrate, GenError> {
    if !naming::is_crate_name(&options.crate_name) {
        return Err(GenError::Input(format!(
            "`{}` is not a usable crate name (ASCII letters, digits, - and _, starting with a letter; not a keyword)",
            options.crate_name
        )));
    }
    let project = project::Project::load(project_root)?;
    let protobuf = messages::Protobuf::load(&project)?;
    let mut avro = avro::AvroTypes::default();
    let mut json = json::JsonTypes::default();
    let mut payloads = payloads::Payloads::default();
    let mut topics = Vec::new();
    for contract in &project.contracts {
        topics.push(topics::resolve(&project, contract, &protobuf, &mut avro, &mut json, &mut payloads)?);
    }
    topics::check_modules(&project, &topics)?;

    let mut files = Vec::new();
    let mut add = |path: &str, contents: String| files.push(GeneratedFile { path: path.to_string(), contents });
    let messages_rs = protobuf.generate()?;
    let has_messages = messages_rs.is_some();
    if let Some(text) = messages_rs {
        add("src/messages.rs", text);
    }
    let has_avro = !avro.is_empty();
    if has_avro {
        add("src/avro.rs", avro.generate()?);
    }
    let has_json = !json.is_empty();
    if has_json {
        add("src/json.rs", json.generate()?);
    }
    add("src/payloads.rs", payloads.generate()?);
    add("src/topics/mod.rs", topics::generate_index(&topics)?);
    for topic in &topics {
        add(&format!("src/topics/{}", naming::module_file(&topic.module)), topics::generate(options, topic)?);
    }
    for file in runtime::files(has_avro) {
        add(&format!("src/runtime/{}", file.0), file.1);
    }
    let uses_wkt = protobuf.uses_well_known_types();
    let modules = Modules { messages: has_messages, avro: has_avro, json: has_json };
    add("src/lib.rs", tokens::lib_rs(&options.crate_name, &topics, modules)?);
    add("Cargo.toml", cargo_toml(&options.crate_name, has_avro, uses_wkt));
    add("README.md", topics::readme(&options.crate_name, &topics, &protobuf)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(GeneratedCrate { name: options.crate_name.clone(), files })
}

/// Which optional modules the crate has.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Modules {
    pub messages: bool,
    pub avro: bool,
    pub json: bool,
}

/// The generated crate's manifest: only the dependencies the design allows, at the versions
/// schemagate's own lock file holds (so that a shared target dir builds each once).
fn cargo_toml(name: &str, avro: bool, well_known_types: bool) -> String {
    let mut deps = vec![
        r#"rdkafka = { version = "0.39", default-features = false, features = ["tokio", "ssl-vendored", "libz-static"] }"#,
        r#"prost = "0.14""#,
    ];
    if well_known_types {
        deps.push(r#"prost-types = "0.14""#);
    }
    deps.extend([r#"serde = { version = "1", features = ["derive"] }"#, r#"serde_json = "1""#]);
    if avro {
        deps.push(r#"apache-avro = "0.22""#);
    }
    deps.extend([
        r#"reqwest = { version = "0.13", default-features = false, features = ["json", "rustls"] }"#,
        r#"tokio = { version = "1", features = ["rt-multi-thread", "macros", "signal", "time", "sync"] }"#,
        r#"futures = "0.3""#,
        r#"thiserror = "2""#,
    ]);
    format!(
        "# {marker} gen rust from the project's contracts: do not edit, regenerate.\n\
         [package]\n\
         name = \"{name}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         rust-version = \"1.95\"\n\
         publish = false\n\
         description = \"Typed Kafka producers and consumers for the contract topics (generated by schemagate).\"\n\
         \n\
         [dependencies]\n\
         {deps}\n",
        marker = crate::write::MARKER,
        deps = deps.join("\n"),
    )
}
