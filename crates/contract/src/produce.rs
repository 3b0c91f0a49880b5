//! The producer side of a run: registering schemas, encoding examples in the Confluent wire
//! format and producing them with their keys and headers.

use std::collections::HashMap;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use rdkafka::ClientContext;
use rdkafka::Message;
use rdkafka::consumer::{BaseConsumer, Consumer as _};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, ProducerContext};
use schemagate_registry::client::{Client, Schema, register_with_references};

use crate::error::ContractError;
use crate::kafka::Cluster;
use crate::model::Contract;
use crate::runner::{Failure, Sent, push};
use crate::schema::Loaded;
use crate::wire;

/// Registers a schema (and, first, the schemas it references); a refusal (incompatible,
/// invalid) fails the contract, an unreachable or failing registry stops the run.
pub(crate) fn register(
    registry: &Client,
    subject: &str,
    schema: &Loaded,
) -> Result<Result<i64, String>, ContractError> {
    let registered = match schema {
        Loaded::Protobuf(p) => register_with_references(registry, subject, &p.text, "PROTOBUF", &p.imports),
        Loaded::Avro(a) if a.references.is_empty() => registry.register(subject, &Schema::avro(a.text.clone())),
        Loaded::Json(j) if j.references.is_empty() => registry.register(subject, &Schema::json(j.text.clone())),
        Loaded::Avro(a) => crate::refs::register(registry, subject, "AVRO", &a.text, &a.references),
        Loaded::Json(j) => crate::refs::register(registry, subject, "JSON", &j.text, &j.references),
    };
    match registered {
        Ok(id) => Ok(Ok(id)),
        Err(e) if e.status().is_some_and(|s| (400..500).contains(&s)) => Ok(Err(e.to_string())),
        Err(e) => Err(ContractError::infra(format!("registry {}: {e}", registry.url()))),
    }
}

/// The encoded key and value of each example (`None` where an example does not serialize).
pub(crate) type Payload = Option<(Option<Vec<u8>>, Vec<u8>)>;

pub(crate) fn encode_examples(
    contract: &Contract,
    schema: &Loaded,
    id: i64,
    key: Option<(&Loaded, i64)>,
    failures: &mut Vec<Failure>,
) -> Vec<Payload> {
    contract
        .examples
        .iter()
        .map(|example| {
            let value = match wire::encode(schema, id, &example.value) {
                Ok(v) => v,
                Err(e) => {
                    push(failures, Some(&example.name), Some("value"), e);
                    return None;
                }
            };
            let key_bytes = match (&example.key, key) {
                (None, _) => None,
                (Some(serde_json::Value::String(s)), None) => Some(s.as_bytes().to_vec()),
                (Some(other), None) => Some(other.to_string().into_bytes()),
                (Some(k), Some((key_schema, key_id))) => match wire::encode(key_schema, key_id, k) {
                    Ok(b) => Some(b),
                    Err(e) => {
                        push(failures, Some(&example.name), Some("key"), e);
                        return None;
                    }
                },
            };
            Some((key_bytes, value))
        })
        .collect()
}

/// Records where each delivered message landed.
pub(crate) struct Deliveries;

impl ClientContext for Deliveries {}

impl ProducerContext for Deliveries {
    type DeliveryOpaque = Box<(usize, std::sync::mpsc::Sender<Result<(i32, i64, usize), String>>)>;

    fn delivery(&self, result: &DeliveryResult<'_>, opaque: Self::DeliveryOpaque) {
        let (example, tx) = *opaque;
        let _ = tx.send(match result {
            Ok(m) => Ok((m.partition(), m.offset(), example)),
            Err((e, _)) => Err(e.to_string()),
        });
    }
}

/// A contract's messages on their way: the delivery reports still to come.
pub(crate) struct InFlight {
    topic: String,
    expected: usize,
    sent: HashMap<(i32, i64), Sent>,
    reports: Receiver<DeliveryReport>,
}

type DeliveryReport = Result<(i32, i64, usize), String>;

impl InFlight {
    fn take(&mut self, report: DeliveryReport, bootstrap: &str) -> Result<(), ContractError> {
        match report {
            Ok((partition, offset, example)) => {
                self.sent.insert((partition, offset), Sent { example });
                Ok(())
            }
            Err(e) => Err(ContractError::infra(format!("Kafka {bootstrap}: delivery to {} failed: {e}", self.topic))),
        }
    }

    /// Waits for the remaining delivery reports (after the producer was flushed): where each
    /// message landed, by partition and offset.
    pub(crate) fn finish(mut self, bootstrap: &str) -> Result<HashMap<(i32, i64), Sent>, ContractError> {
        while self.sent.len() < self.expected {
            match self.reports.recv_timeout(Duration::from_secs(10)) {
                Ok(report) => self.take(report, bootstrap)?,
                Err(_) => {
                    return Err(ContractError::infra(format!(
                        "Kafka {bootstrap}: no delivery report for a message to {}",
                        self.topic
                    )));
                }
            }
        }
        Ok(self.sent)
    }
}

/// Sends every example `repeat` times with its key and headers. The producer is flushed once
/// for all contracts (each new topic costs a metadata round of ~100 ms; they overlap).
pub(crate) fn send(
    cluster: &Cluster,
    producer: &BaseProducer<Deliveries>,
    contract: &Contract,
    payloads: &[Payload],
    repeat: usize,
) -> Result<InFlight, ContractError> {
    let infra = |e: rdkafka::error::KafkaError| ContractError::infra(format!("Kafka {}: {e}", cluster.bootstrap));
    let (tx, rx) = std::sync::mpsc::channel();
    let mut flight = InFlight { topic: contract.topic.clone(), expected: 0, sent: HashMap::new(), reports: rx };
    for _ in 0..repeat.max(1) {
        for (i, payload) in payloads.iter().enumerate() {
            let Some((key, value)) = payload else { continue };
            let example = &contract.examples[i];
            let mut headers = OwnedHeaders::new_with_capacity(example.headers.len());
            for (k, v) in &example.headers {
                headers = headers.insert(Header { key: k, value: Some(v.as_bytes()) });
            }
            let mut record =
                BaseRecord::with_opaque_to(&contract.topic, Box::new((i, tx.clone()))).payload(value).headers(headers);
            if let Some(k) = key {
                record = record.key(k);
            }
            let mut pending = record;
            loop {
                match producer.send(pending) {
                    Ok(()) => break,
                    Err((
                        rdkafka::error::KafkaError::MessageProduction(rdkafka::types::RDKafkaErrorCode::QueueFull),
                        back,
                    )) => {
                        producer.poll(Duration::from_millis(50));
                        pending = back;
                    }
                    Err((e, _)) => return Err(infra(e)),
                }
            }
            flight.expected += 1;
            producer.poll(Duration::ZERO);
            // Take delivery reports as they come, so a long run does not pile them up.
            while let Ok(report) = flight.reports.try_recv() {
                flight.take(report, &cluster.bootstrap)?;
            }
        }
    }
    Ok(flight)
}

/// The end offset of each partition of a topic; `None` when the topic does not exist.
pub(crate) fn watermarks(cluster: &Cluster, topic: &str) -> Result<Option<HashMap<i32, i64>>, ContractError> {
    let infra =
        |e: rdkafka::error::KafkaError| ContractError::infra(format!("Kafka {}: {topic}: {e}", cluster.bootstrap));
    let consumer: BaseConsumer = cluster.client_config().create().map_err(infra)?;
    // Asking for one topic's metadata would create it where brokers auto-create topics.
    let metadata = consumer.fetch_metadata(None, Duration::from_secs(10)).map_err(infra)?;
    let Some(t) = metadata.topics().iter().find(|t| t.name() == topic && t.error().is_none()) else {
        return Ok(None);
    };
    let mut ends = HashMap::new();
    {
        for p in t.partitions() {
            let (_, high) = consumer.fetch_watermarks(topic, p.id(), Duration::from_secs(10)).map_err(infra)?;
            ends.insert(p.id(), high);
        }
    }
    Ok(Some(ends))
}
