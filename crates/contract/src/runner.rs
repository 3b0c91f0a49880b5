//! A contract run: for each contract, create the topic, register the producer's schema,
//! produce every example in the Confluent wire format, then read the topic as each consumer in
//! its own consumer group and verify every message with the consumer's own schema version.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rdkafka::producer::{BaseProducer, Producer as _};
use schemagate_core::compat::CompatLevel;
use schemagate_registry::client::{Client, Version};
use serde::Serialize;

use crate::consume::{Check, WriterCache, consume};
use crate::error::ContractError;
use crate::kafka::{Clients, Cluster};
use crate::model::{Consumer, Contract, DeclaredReference, RegistryVersion, SchemaRef, SchemaType};
use crate::produce::{Deliveries, InFlight, encode_examples, register, send, watermarks};
use crate::refs::{self, RefGraph, RegistryWalk};
use crate::schema::{self, Loaded, Source};

/// What to run.
pub struct RunOptions {
    /// The folder paths in contracts are relative to (the contracts folder's parent).
    pub project: PathBuf,
    /// Produce each example this many times (load runs).
    pub repeat: usize,
    /// Do not produce: verify what the topics hold.
    pub verify_only: bool,
    /// How long a consumer waits for the messages it expects.
    pub consume_timeout: Duration,
}

/// Progress events for a progress bar.
pub enum Progress<'a> {
    /// `total` steps (one per contract and consumer) are coming.
    Planned { total: u64 },
    /// One step is done.
    Step { label: &'a str },
}

/// The outcome of a run.
#[derive(Debug, Serialize)]
pub struct RunReport {
    pub kafka: String,
    pub embedded_kafka: bool,
    pub registry: String,
    pub contracts: Vec<ContractResult>,
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub contracts: usize,
    pub contracts_failed: usize,
    pub consumers: usize,
    pub consumers_failed: usize,
    pub messages_produced: usize,
    pub messages_verified: usize,
    pub kafka_startup_ms: u128,
    /// Registering and producing, every contract.
    pub produce_ms: u128,
    /// Consuming and verifying, every consumer of every contract at once.
    pub verify_ms: u128,
    pub total_ms: u128,
    /// Messages verified (per consumer) per second of the verify phase.
    pub verified_per_second: f64,
}

#[derive(Debug, Serialize)]
pub struct ContractResult {
    pub file: String,
    pub topic: String,
    pub producer: String,
    pub subject: String,
    pub schema_id: Option<i64>,
    pub produced: usize,
    /// Why the producer side failed (schema refused, an example that does not serialize).
    pub failures: Vec<Failure>,
    pub consumers: Vec<ConsumerResult>,
    pub duration_ms: u128,
}

#[derive(Debug, Serialize)]
pub struct ConsumerResult {
    pub name: String,
    /// The schema the consumer read with.
    pub schema: String,
    pub messages: usize,
    pub failures: Vec<Failure>,
    pub duration_ms: u128,
}

/// One reason a contract fails; identical failures of repeated messages are counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub example: Option<String>,
    pub field: Option<String>,
    pub reason: String,
    pub count: usize,
}

impl ContractResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.consumers.iter().all(ConsumerResult::passed)
    }
}

impl ConsumerResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

impl RunReport {
    pub fn passed(&self) -> bool {
        self.contracts.iter().all(ContractResult::passed)
    }
}

/// `contract <file> consumer <name> example <example>: field <path>: <reason>`.
pub fn describe(contract: &ContractResult, consumer: Option<&str>, f: &Failure) -> String {
    let mut s = format!("contract {}", contract.file);
    if let Some(c) = consumer {
        s.push_str(&format!(" consumer {c}"));
    }
    if let Some(e) = &f.example {
        s.push_str(&format!(" example {e}"));
    }
    s.push_str(": ");
    if let Some(field) = &f.field {
        s.push_str(&format!("field {field}: "));
    }
    s.push_str(&f.reason);
    if f.count > 1 {
        s.push_str(&format!(" ({} messages)", f.count));
    }
    s
}

pub(crate) fn push(failures: &mut Vec<Failure>, example: Option<&str>, field: Option<&str>, reason: String) {
    if let Some(f) = failures
        .iter_mut()
        .find(|f| f.example.as_deref() == example && f.field.as_deref() == field && f.reason == reason)
    {
        f.count += 1;
        return;
    }
    failures.push(Failure { example: example.map(str::to_string), field: field.map(str::to_string), reason, count: 1 });
}

/// The schemas a contract's producer writes with, loaded before any container starts so that
/// a wrong contract costs nothing.
pub struct Prepared {
    producer: Loaded,
    key: Option<Loaded>,
    /// Per consumer: its schema from a file or a git revision; `None` for the producer's own
    /// schema or a registry version.
    consumers: Vec<Option<Loaded>>,
}

/// Loads every contract's producer (and key) schema, and each consumer's own from the project,
/// with their references (declared ones fetched from `registry`); errors name the contract
/// file and line.
pub fn prepare(
    contracts: &[Contract],
    options: &RunOptions,
    registry: &Client,
) -> Result<Vec<Prepared>, ContractError> {
    let load = |contract: &Contract, r: &SchemaRef| {
        let declared = declared_references(contract, &r.references, registry)?;
        schema::load_with(&options.project, &source_of(r), declared).map_err(|e| {
            let needle = match &r.message {
                Some(m) if e.contains("no message") || e.contains("record is") => m.as_str(),
                _ => r.file.as_deref().unwrap_or("value"),
            };
            contract.error_at(needle, e)
        })
    };
    contracts
        .iter()
        .map(|contract| {
            let producer = load(contract, &contract.value)?;
            let key = match &contract.key {
                Some(k) if k.schema_type != SchemaType::String => Some(load(contract, k)?),
                _ => None,
            };
            let consumers = contract
                .consumers
                .iter()
                .map(|consumer| {
                    let declared = declared_references(contract, consumer_references(contract, consumer), registry)?;
                    local_consumer_schema(contract, consumer, options, declared).map_err(|e| {
                        let spec = consumer.schema.as_ref();
                        let needle = spec
                            .and_then(|s| s.file.as_deref().or(s.revision.as_deref()))
                            .unwrap_or(consumer.name.as_str());
                        contract.error_at(needle, format!("consumer {}: {e}", consumer.name))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Prepared { producer, key, consumers })
        })
        .collect()
}

/// Runs every contract against a cluster and a registry: the producer side of each contract
/// in turn, then every consumer of every contract at once, each in its own consumer group.
/// `prepared` comes from [`prepare`] with the same contracts.
pub fn run(
    contracts: &[Contract],
    prepared: Vec<Prepared>,
    cluster: &Cluster,
    registry: &Client,
    options: &RunOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<RunReport, ContractError> {
    let started = Instant::now();
    let total = contracts.iter().map(|c| 1 + c.consumers.len() as u64).sum();
    progress(Progress::Planned { total });
    let mut produced = Vec::new();
    let producer = if options.verify_only {
        None
    } else {
        let topics: Vec<(&str, i32)> = contracts.iter().map(|c| (c.topic.as_str(), c.partitions)).collect();
        cluster.create_topics(&topics)?;
        Some(
            cluster
                .client_config()
                .set("linger.ms", "5")
                .set("acks", "all")
                .create_with_context::<_, BaseProducer<Deliveries>>(Deliveries)
                .map_err(|e| ContractError::infra(format!("Kafka {}: {e}", cluster.bootstrap)))?,
        )
    };
    let mut flights = Vec::new();
    for (contract, schemas) in contracts.iter().zip(prepared) {
        let (p, flight) = produce_contract(contract, schemas, cluster, producer.as_ref(), registry, options)?;
        produced.push(p);
        flights.push(flight);
    }
    if let Some(producer) = &producer {
        producer
            .flush(Duration::from_secs(60))
            .map_err(|e| ContractError::infra(format!("Kafka {}: {e}", cluster.bootstrap)))?;
    }
    for (p, flight) in produced.iter_mut().zip(flights) {
        if let Some(flight) = flight {
            p.sent = flight.finish(&cluster.bootstrap)?;
            p.result.produced = p.sent.len();
        }
        progress(Progress::Step { label: &p.contract.topic });
    }
    let produce_ms = started.elapsed().as_millis();
    let verify_started = Instant::now();
    let writers = Mutex::new(WriterCache::default());
    let clients = cluster.clients();
    let clients = &clients;
    let (tx, rx) = std::sync::mpsc::channel::<(usize, usize, Result<ConsumerResult, ContractError>)>();
    std::thread::scope(|scope| {
        for (ci, p) in produced.iter().enumerate() {
            for (ki, consumer) in p.contract.consumers.iter().enumerate() {
                let tx = tx.clone();
                let writers = &writers;
                scope.spawn(move || {
                    let _ = tx.send((ci, ki, run_consumer(p, ki, consumer, clients, registry, options, writers)));
                });
            }
        }
        drop(tx);
        let mut slots: Vec<Vec<Option<Result<ConsumerResult, ContractError>>>> =
            produced.iter().map(|p| p.contract.consumers.iter().map(|_| None).collect()).collect();
        for (ci, ki, outcome) in rx {
            progress(Progress::Step { label: &produced[ci].contract.consumers[ki].name });
            slots[ci][ki] = Some(outcome);
        }
        slots
    })
    .into_iter()
    .zip(produced.iter_mut())
    .try_for_each(|(slots, p)| {
        for outcome in slots.into_iter().flatten() {
            p.result.consumers.push(outcome?);
        }
        p.result.duration_ms += p.result.consumers.iter().map(|c| c.duration_ms).max().unwrap_or(0);
        Ok::<(), ContractError>(())
    })?;
    let verify_time = verify_started.elapsed();
    let results: Vec<ContractResult> = produced.into_iter().map(|p| p.result).collect();
    let verified: usize = results.iter().flat_map(|c| &c.consumers).map(|c| c.messages).sum();
    let summary = Summary {
        contracts: results.len(),
        contracts_failed: results.iter().filter(|c| !c.passed()).count(),
        consumers: results.iter().map(|c| c.consumers.len()).sum(),
        consumers_failed: results.iter().flat_map(|c| &c.consumers).filter(|c| !c.passed()).count(),
        messages_produced: results.iter().map(|c| c.produced).sum(),
        messages_verified: verified,
        kafka_startup_ms: cluster.startup.as_millis(),
        produce_ms,
        verify_ms: verify_time.as_millis(),
        total_ms: started.elapsed().as_millis() + cluster.startup.as_millis(),
        verified_per_second: verified as f64 / verify_time.as_secs_f64().max(1e-9),
    };
    Ok(RunReport {
        kafka: cluster.description.clone(),
        embedded_kafka: cluster.is_embedded(),
        registry: registry.url().to_string(),
        contracts: results,
        summary,
    })
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn source_of<'a>(r: &'a SchemaRef) -> Source<'a> {
    Source {
        schema_type: r.schema_type,
        file: r.file.as_deref().unwrap_or_default(),
        message: r.message.as_deref(),
        root: r.root.as_deref(),
        revision: None,
    }
}

/// A message produced by this run: which example, where it landed.
pub(crate) struct Sent {
    pub(crate) example: usize,
}

/// A contract after its producer side ran.
struct Produced<'a> {
    contract: &'a Contract,
    result: ContractResult,
    producer_schema: Loaded,
    key_schema: Option<Loaded>,
    /// Each consumer's own schema when it lives in the project (see [`Prepared`]).
    consumer_schemas: Vec<Option<Loaded>>,
    /// Where this run's messages landed (once delivered).
    sent: HashMap<(i32, i64), Sent>,
    /// `verify`: the end offset of each partition when the run started.
    end_offsets: Option<HashMap<i32, i64>>,
}

fn produce_contract<'a>(
    contract: &'a Contract,
    schemas: Prepared,
    cluster: &Cluster,
    producer: Option<&BaseProducer<Deliveries>>,
    registry: &Client,
    options: &RunOptions,
) -> Result<(Produced<'a>, Option<InFlight>), ContractError> {
    let started = Instant::now();
    let subject = contract.value_subject();
    let mut result = ContractResult {
        file: display(&contract.file),
        topic: contract.topic.clone(),
        producer: contract.producer.clone(),
        subject: subject.clone(),
        schema_id: None,
        produced: 0,
        failures: Vec::new(),
        consumers: Vec::new(),
        duration_ms: 0,
    };
    let Prepared { producer: producer_schema, key: key_schema, consumers: consumer_schemas } = schemas;
    let mut in_flight = None;
    let mut end_offsets: Option<HashMap<i32, i64>> = None;
    if options.verify_only {
        match watermarks(cluster, &contract.topic)? {
            Some(ends) => end_offsets = Some(ends),
            None => push(&mut result.failures, None, None, format!("topic {} does not exist", contract.topic)),
        }
    } else {
        let registered = register(registry, &subject, &producer_schema)?;
        let key_id = match &key_schema {
            Some(k) => match register(registry, &contract.key_subject(), k)? {
                Ok(id) => Some(id),
                Err(e) => {
                    push(&mut result.failures, None, None, format!("the key schema cannot be registered: {e}"));
                    None
                }
            },
            None => None,
        };
        match registered {
            Err(e) => {
                push(&mut result.failures, None, None, format!("the producer's schema cannot be registered: {e}"))
            }
            Ok(id) if result.failures.is_empty() => {
                result.schema_id = Some(id);
                let payloads = encode_examples(
                    contract,
                    &producer_schema,
                    id,
                    key_schema.as_ref().zip(key_id),
                    &mut result.failures,
                );
                if let Some(producer) = producer {
                    in_flight = Some(send(cluster, producer, contract, &payloads, options.repeat)?);
                }
            }
            Ok(id) => result.schema_id = Some(id),
        }
    }
    result.duration_ms = started.elapsed().as_millis();
    let produced =
        Produced { contract, result, producer_schema, key_schema, consumer_schemas, sent: HashMap::new(), end_offsets };
    Ok((produced, in_flight))
}

fn run_consumer(
    p: &Produced<'_>,
    index: usize,
    consumer: &Consumer,
    clients: &Clients,
    registry: &Client,
    options: &RunOptions,
    writers: &Mutex<WriterCache>,
) -> Result<ConsumerResult, ContractError> {
    let started = Instant::now();
    let mut outcome = ConsumerResult {
        name: consumer.name.clone(),
        schema: p.producer_schema.origin().to_string(),
        messages: 0,
        failures: Vec::new(),
        duration_ms: 0,
    };
    let from_registry = registry_schema(p.contract, consumer, registry);
    let reader = match &from_registry {
        Some(found) => found.as_ref().map(Some),
        None => Ok(p.consumer_schemas[index].as_ref()),
    };
    match reader {
        Err(e) => push(&mut outcome.failures, None, None, e.clone()),
        Ok(reader) => {
            let reader_ref = reader.unwrap_or(&p.producer_schema);
            outcome.schema = reader_ref.origin().to_string();
            let subject = p.contract.value_subject();
            check_compatibility(p.contract, &subject, registry, &p.producer_schema, reader_ref, &mut outcome.failures);
            let check =
                Check { contract: p.contract, consumer, reader: reader_ref, key: p.key_schema.as_ref(), registry };
            if p.end_offsets.is_some() || !p.sent.is_empty() {
                consume(clients, &check, &p.sent, p.end_offsets.as_ref(), options, writers, &mut outcome)?;
            }
        }
    }
    outcome.duration_ms = started.elapsed().as_millis();
    Ok(outcome)
}

/// The schema a consumer reads with when it lives in the project (a file, a git revision of
/// one, or another message of the producer's file); `None` means the producer's own schema or
/// a registry version, resolved at run time by [`registry_schema`].
fn local_consumer_schema(
    contract: &Contract,
    consumer: &Consumer,
    options: &RunOptions,
    declared: RefGraph,
) -> Result<Option<Loaded>, String> {
    let Some(spec) = &consumer.schema else { return Ok(None) };
    if spec.registry_version.is_some() {
        return Ok(None);
    }
    let message = spec.message.as_deref().or(contract.value.message.as_deref());
    if spec.file.is_none() && spec.revision.is_none() {
        // Only another message of the producer's file.
        return match spec.message.as_deref() {
            Some(m) if Some(m) != contract.value.message.as_deref() => {
                let source = Source { message: Some(m), ..source_of(&contract.value) };
                schema::load_with(&options.project, &source, declared).map(Some)
            }
            _ => Ok(None),
        };
    }
    let root = if spec.file.is_some() { spec.root.as_deref() } else { contract.value.root.as_deref() };
    let source = Source {
        schema_type: contract.value.schema_type,
        file: spec.file.as_deref().or(contract.value.file.as_deref()).unwrap_or_default(),
        message,
        root,
        revision: spec.revision.as_deref(),
    };
    schema::load_with(&options.project, &source, declared).map(Some)
}

/// The registry references a consumer's own schema declares: its `references`, else (the
/// producer's file at another revision, or another record of it) the producer's.
fn consumer_references<'a>(contract: &'a Contract, consumer: &'a Consumer) -> &'a [DeclaredReference] {
    match &consumer.schema {
        Some(s) if s.references.is_some() => s.references.as_deref().unwrap_or_default(),
        Some(s) if s.file.is_some() => &[],
        _ => &contract.value.references,
    }
}

/// The versions (and their references) of the registry subjects a contract declares a schema
/// references; a missing one is the contract's error, at its `subject`.
fn declared_references(
    contract: &Contract,
    declared: &[DeclaredReference],
    registry: &Client,
) -> Result<RefGraph, ContractError> {
    let mut walk = RegistryWalk::new(registry);
    for r in declared {
        let version = match r.version {
            Some(RegistryVersion::Number(n)) => Some(n),
            Some(RegistryVersion::Latest) | None => None,
        };
        let at = |e: String| {
            let needle = format!("subject: {}", r.subject);
            contract.error_at(if contract.text.contains(&needle) { &needle } else { &r.subject }, e)
        };
        let reference = refs::declared(registry, &r.name, &r.subject, version).map_err(at)?;
        walk.add_main(&reference).map_err(at)?;
    }
    Ok(walk.finish())
}

/// A consumer's schema held by the registry (`registry_version`), if it reads with one.
fn registry_schema(contract: &Contract, consumer: &Consumer, registry: &Client) -> Option<Result<Loaded, String>> {
    let spec = consumer.schema.as_ref()?;
    let version = spec.registry_version?;
    let message = spec.message.as_deref().or(contract.value.message.as_deref());
    let subject = contract.value_subject();
    let v = match version {
        RegistryVersion::Latest => Version::Latest,
        RegistryVersion::Number(n) => Version::Number(n),
    };
    Some(
        registry
            .version(&subject, v)
            .map_err(|e| format!("its schema, version {v} of subject {subject} in the registry: {e}"))
            .and_then(|found| schema::from_registry(registry, &found, message)),
    )
}

/// The subject's level: the contract's, else the registry's (BACKWARD when it has none).
fn level_of(contract: &Contract, subject: &str, registry: &Client) -> CompatLevel {
    contract
        .value
        .compatibility
        .as_deref()
        .and_then(CompatLevel::parse)
        .or_else(|| registry.config(Some(subject), true).ok().as_deref().and_then(CompatLevel::parse))
        .unwrap_or(CompatLevel::Backward)
}

fn check_compatibility(
    contract: &Contract,
    subject: &str,
    registry: &Client,
    producer: &Loaded,
    reader: &Loaded,
    failures: &mut Vec<Failure>,
) {
    if std::ptr::eq(producer, reader) {
        return;
    }
    let level = level_of(contract, subject, registry);
    match producer.compatibility(reader, level) {
        Err(e) => push(failures, None, None, e),
        Ok(messages) => {
            for m in messages {
                push(
                    failures,
                    None,
                    None,
                    format!(
                        "its schema ({}) and the producer's ({}) are not {} compatible: {} {} at {}",
                        reader.origin(),
                        producer.origin(),
                        level.name(),
                        m.kind,
                        m.message,
                        m.path
                    ),
                );
            }
        }
    }
}
