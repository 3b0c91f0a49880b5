//! The consumer side of a run: reading a topic in a consumer group and checking each message as
//! one consumer does (headers, framing, the writer's schema by id, decoding with the consumer's
//! schema, field expectations).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::Message;
use rdkafka::consumer::{BaseConsumer, Consumer as _};
use rdkafka::message::Headers;
use schemagate_registry::client::Client;

use crate::error::ContractError;
use crate::expect::{self, Expected};
use crate::kafka::Clients;
use crate::model::{Consumer, Contract};
use crate::runner::{ConsumerResult, Failure, RunOptions, Sent, push};
use crate::schema::{self, Loaded};
use crate::wire;

/// What a consumer checks each message with.
pub(crate) struct Check<'a> {
    pub(crate) contract: &'a Contract,
    pub(crate) consumer: &'a Consumer,
    pub(crate) reader: &'a Loaded,
    pub(crate) key: Option<&'a Loaded>,
    pub(crate) registry: &'a Client,
}

/// Writer schemas by id, fetched from the registry once, as a Confluent deserializer does.
#[derive(Default)]
pub(crate) struct WriterCache {
    schemas: HashMap<(i64, &'static str), Result<Arc<Loaded>, String>>,
}

impl WriterCache {
    fn get(cache: &Mutex<WriterCache>, registry: &Client, id: i64, reader: &Loaded) -> Result<Arc<Loaded>, String> {
        let type_name = reader.type_name();
        let mut cache = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cache
            .schemas
            .entry((id, type_name))
            .or_insert_with(|| schema::writer_from_registry(registry, id, type_name).map(Arc::new))
            .clone()
    }
}

pub(crate) fn consume(
    cluster: &Clients,
    check: &Check<'_>,
    sent: &HashMap<(i32, i64), Sent>,
    end_offsets: Option<&HashMap<i32, i64>>,
    options: &RunOptions,
    writers: &Mutex<WriterCache>,
    outcome: &mut ConsumerResult,
) -> Result<(), ContractError> {
    let topic = &check.contract.topic;
    let infra =
        |e: rdkafka::error::KafkaError| ContractError::infra(format!("Kafka {}: {topic}: {e}", cluster.bootstrap));
    // One group per consumer and topic: a service reading several topics would otherwise wait
    // for a rebalance of its earlier group on every topic.
    let group = format!("schemagate-{}-{}-{}", check.consumer.name, topic, std::process::id());
    let mut config = cluster.client_config();
    // A test run wants its messages soon, not fewer fetch requests (librdkafka waits up to
    // 500 ms by default); `-X fetch.wait.max.ms=...` still decides.
    if !cluster.config.contains_key("fetch.wait.max.ms") {
        config.set("fetch.wait.max.ms", "50");
    }
    let consumer: BaseConsumer = config
        .set("group.id", &group)
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        // `verify` reads each partition to its end: the end-of-partition event says when.
        .set("enable.partition.eof", if end_offsets.is_some() { "true" } else { "false" })
        .create()
        .map_err(infra)?;
    consumer.subscribe(&[topic]).map_err(infra)?;
    let mut remaining: BTreeMap<(i32, i64), ()> = match end_offsets {
        None => sent.keys().map(|k| (*k, ())).collect(),
        Some(_) => BTreeMap::new(),
    };
    // Partitions that held messages at start. Their end is the end-of-partition event rather
    // than the listed end offset, which some Kafka-API brokers report short (tansu 0.6 counts a
    // multi-record batch as one offset there).
    let mut open_partitions: BTreeMap<i32, ()> = end_offsets
        .map(|e| e.iter().filter(|(_, high)| **high > 0).map(|(p, _)| (*p, ())).collect())
        .unwrap_or_default();
    let deadline = Instant::now() + options.consume_timeout;
    let verify_mode = end_offsets.is_some();
    while (verify_mode && !open_partitions.is_empty()) || (!verify_mode && !remaining.is_empty()) {
        if Instant::now() >= deadline {
            let missing = if verify_mode { open_partitions.len() } else { remaining.len() };
            push(
                &mut outcome.failures,
                None,
                None,
                format!(
                    "{missing} {} did not arrive within {}s",
                    if verify_mode { "partition(s) were not read to their end: their messages" } else { "message(s)" },
                    options.consume_timeout.as_secs()
                ),
            );
            break;
        }
        let Some(received) = consumer.poll(Duration::from_millis(200)) else { continue };
        let message = match received {
            Ok(m) => m,
            Err(rdkafka::error::KafkaError::PartitionEOF(partition)) => {
                open_partitions.remove(&partition);
                continue;
            }
            Err(e) => return Err(infra(e)),
        };
        let at = (message.partition(), message.offset());
        let example = if verify_mode {
            format!("partition {} offset {}", at.0, at.1)
        } else {
            if remaining.remove(&at).is_none() {
                continue; // not produced by this run
            }
            check.contract.examples[sent[&at].example].name.clone()
        };
        outcome.messages += 1;
        verify_message(check, &message, &example, writers, &mut outcome.failures);
    }
    consumer.unsubscribe();
    Ok(())
}

fn verify_message(
    check: &Check<'_>,
    message: &rdkafka::message::BorrowedMessage<'_>,
    example: &str,
    writers: &Mutex<WriterCache>,
    failures: &mut Vec<Failure>,
) {
    let ex = Some(example);
    for name in &check.consumer.headers {
        let found = message.headers().is_some_and(|h| h.iter().any(|header| header.key == name.as_str()));
        if !found {
            push(failures, ex, None, format!("header {name} did not arrive"));
        }
    }
    if let (Some(key_schema), Some(key)) = (check.key, message.key())
        && let Err(e) = decode_with(key_schema, key, check.registry, writers).map(|_| ())
    {
        push(failures, ex, Some("key"), e);
    }
    let Some(payload) = message.payload() else {
        push(failures, ex, None, "the message has no value".to_string());
        return;
    };
    match decode_with(check.reader, payload, check.registry, writers) {
        Err(e) => push(failures, ex, None, e),
        Ok(decoded) => {
            for f in &check.consumer.fields {
                let Ok(steps) = expect::parse_path(&f.path) else { continue };
                let leaves = match &decoded {
                    Decoded::Protobuf(m) => expect::proto_leaves(m, &steps),
                    Decoded::Json(v) => Ok(expect::json_leaves(v, &steps)),
                    Decoded::Avro(v, names) => match check.reader {
                        Loaded::Avro(a) => expect::avro_leaves(names, &a.schema, v, &steps),
                        Loaded::Protobuf(_) | Loaded::Json(_) => continue,
                    },
                };
                let expected = f.field_type.as_deref().and_then(Expected::parse);
                for (path, reason) in expect::check(leaves, expected, f.required) {
                    push(failures, ex, Some(&path), reason);
                }
            }
        }
    }
}

enum Decoded {
    Protobuf(prost_reflect::DynamicMessage),
    Json(serde_json::Value),
    Avro(apache_avro::types::Value, expect::AvroNames),
}

/// Decodes bytes in the Confluent wire format as a consumer holding `reader` does.
fn decode_with(
    reader: &Loaded,
    bytes: &[u8],
    registry: &Client,
    writers: &Mutex<WriterCache>,
) -> Result<Decoded, String> {
    let framed = wire::frame(bytes, matches!(reader, Loaded::Protobuf(_)))?;
    let writer = WriterCache::get(writers, registry, framed.schema_id, reader)
        .map_err(|e| format!("the writer's schema cannot be fetched from the registry: {e}"))?;
    match (reader, writer.as_ref()) {
        (Loaded::Protobuf(r), Loaded::Protobuf(w)) => {
            let file = w.message.parent_file();
            let written = schema::message_at(&file, &framed.indexes).ok_or_else(|| {
                format!(
                    "message indexes {:?} name no message in the writer's schema (id {})",
                    framed.indexes, framed.schema_id
                )
            })?;
            if written.full_name() != r.message.full_name() {
                return Err(format!(
                    "the producer wrote {}, the consumer reads {}",
                    written.full_name(),
                    r.message.full_name()
                ));
            }
            prost_reflect::DynamicMessage::decode(r.message.clone(), framed.payload)
                .map(Decoded::Protobuf)
                .map_err(|e| format!("does not decode as {} ({}): {e}", r.message.full_name(), r.origin))
        }
        (Loaded::Avro(r), Loaded::Avro(w)) => {
            let mut input = framed.payload;
            let value = apache_avro::reader::datum::GenericDatumReader::builder(&w.schema)
                .writer_schemata(w.schemata())
                .and_then(|b| b.reader_schema(&r.schema).reader_schemata(r.schemata()))
                .and_then(|b| b.build())
                .and_then(|reader| reader.read_value(&mut input))
                .map_err(|e| {
                    format!("does not decode with {} (written with schema id {}): {e}", r.origin, framed.schema_id)
                })?;
            Ok(Decoded::Avro(value, expect::AvroNames::of(&r.schemata())))
        }
        (Loaded::Json(r), Loaded::Json(_)) => {
            let value: serde_json::Value =
                serde_json::from_slice(framed.payload).map_err(|e| format!("the value is not JSON: {e}"))?;
            if let Some(e) = r.validator.iter_errors(&value).next() {
                return Err(format!(
                    "does not validate against {} (written with schema id {}): {e} at {}",
                    r.origin,
                    framed.schema_id,
                    wire::pointer(&e.instance_path().to_string())
                ));
            }
            Ok(Decoded::Json(value))
        }
        _ => Err(format!("schema id {} is not a {} schema", framed.schema_id, reader.type_name())),
    }
}
