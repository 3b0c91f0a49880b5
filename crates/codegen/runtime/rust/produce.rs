//! The typed producer: registers (or looks up) the writer schemas once, frames each record,
//! sends it and awaits its delivery report, retrying retriable errors with exponential backoff
//! and full jitter until the produce timeout.

use std::marker::PhantomData;
use std::time::{Duration, Instant};

use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer as _};

use crate::runtime::backoff::Backoff;
use crate::runtime::config::Config;
use crate::runtime::error::{Error, ProduceError};
use crate::runtime::headers::to_owned_headers;
use crate::runtime::registry::subject_name;
use crate::runtime::{HeaderSet, KeyCodec, Payload, SchemaKind, Topic, wire};

/// Where a record landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// The partition.
    pub partition: i32,
    /// The offset in the partition.
    pub offset: i64,
}

/// A typed producer for one topic.
pub struct Producer<K: KeyCodec, V: Payload, H: HeaderSet> {
    inner: FutureProducer,
    topic: &'static Topic,
    value_id: i32,
    key_id: Option<i32>,
    timeout: Duration,
    _types: PhantomData<fn(&K, &V, &H)>,
}

impl<K: KeyCodec, V: Payload, H: HeaderSet> std::fmt::Debug for Producer<K, V, H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Producer")
            .field("topic", &self.topic.name)
            .field("value_schema_id", &self.value_id)
            .field("key_schema_id", &self.key_id)
            .finish()
    }
}

/// A librdkafka producer with the settings of `config`, idempotent with `acks=all` and
/// `message.timeout.ms` set to the produce timeout unless the configuration sets them.
pub fn client(config: &Config, context: &str) -> Result<FutureProducer, Error> {
    let mut c = config.client_config();
    let timeout_ms = config
        .produce_timeout_value()
        .as_millis()
        .clamp(1, i32::MAX as u128);
    for (key, value) in [
        ("enable.idempotence", "true".to_string()),
        ("acks", "all".to_string()),
        ("message.timeout.ms", timeout_ms.to_string()),
    ] {
        if config.kafka_setting(key).is_none() {
            c.set(key, value);
        }
    }
    c.create().map_err(|source| Error::Kafka {
        context: context.to_string(),
        source,
    })
}

/// Resolves the schema id of `schema` under `subject`: registers it, or only looks it up.
async fn schema_id(
    config: &Config,
    subject: &str,
    schema: &'static crate::runtime::SchemaDef,
) -> Result<i32, Error> {
    let registry = config.registry()?;
    let id = if config.auto_registers() {
        registry.register(subject, schema).await?
    } else {
        registry.lookup(subject, schema).await?
    };
    Ok(id)
}

impl<K: KeyCodec, V: Payload, H: HeaderSet> Producer<K, V, H> {
    /// Idempotent by default (`enable.idempotence=true`, `acks=all`); registers the writer
    /// schema (and its references) or looks it up (`Config::auto_register(false)`); ids cached.
    pub async fn new(config: &Config, topic: &'static Topic) -> Result<Self, Error> {
        let value_subject = subject_name(topic, V::RECORD_NAME, false);
        let value_id = schema_id(config, &value_subject, V::SCHEMA).await?;
        let key_id = match K::SCHEMA {
            Some(schema) => {
                let key_subject = subject_name(topic, K::RECORD_NAME, true);
                Some(schema_id(config, &key_subject, schema).await?)
            }
            None => None,
        };
        let inner = client(config, &format!("producer for topic {}", topic.name))?;
        Ok(Producer {
            inner,
            topic,
            value_id,
            key_id,
            timeout: config.produce_timeout_value(),
            _types: PhantomData,
        })
    }

    /// The topic.
    pub fn topic(&self) -> &'static Topic {
        self.topic
    }

    /// The schema id values are framed with.
    pub fn value_schema_id(&self) -> i32 {
        self.value_id
    }

    /// The schema id keys are framed with (`None` for unframed keys).
    pub fn key_schema_id(&self) -> Option<i32> {
        self.key_id
    }

    /// The key bytes as sent (framed when the key has a schema).
    pub fn encode_key(&self, key: &K) -> Result<Vec<u8>, ProduceError> {
        let mut out = Vec::new();
        if let Some(id) = self.key_id {
            let protobuf = K::SCHEMA.is_some_and(|s| s.kind == SchemaKind::Protobuf);
            wire::write_header(&mut out, id, protobuf.then_some(K::MESSAGE_INDEXES));
        }
        key.encode_key(&mut out)
            .map_err(|source| ProduceError::Encode {
                topic: self.topic.name.to_string(),
                part: "key",
                source,
            })?;
        Ok(out)
    }

    /// The value bytes as sent: the Confluent header and the payload.
    pub fn encode_value(&self, value: &V) -> Result<Vec<u8>, ProduceError> {
        let mut out = Vec::with_capacity(64);
        let protobuf = V::SCHEMA.kind == SchemaKind::Protobuf;
        wire::write_header(
            &mut out,
            self.value_id,
            protobuf.then_some(V::MESSAGE_INDEXES),
        );
        value
            .encode(&mut out)
            .map_err(|source| ProduceError::Encode {
                topic: self.topic.name.to_string(),
                part: "value",
                source,
            })?;
        Ok(out)
    }

    /// Frames and sends one record and awaits its delivery report; retriable errors are
    /// retried with exponential backoff and full jitter until the produce timeout; answers
    /// where it landed.
    pub async fn send(&self, key: &K, value: &V, headers: &H) -> Result<Delivery, ProduceError> {
        let key = self.encode_key(key)?;
        let value = self.encode_value(value)?;
        let pairs = headers.to_pairs();
        let pairs = pairs.iter().map(|(n, v)| (*n, v.as_slice()));
        send_raw(
            &self.inner,
            self.topic.name,
            Some(&key),
            Some(&value),
            &pairs.collect::<Vec<_>>(),
            self.timeout,
        )
        .await
    }

    /// Waits until every record sent is delivered (or `timeout` passes).
    pub async fn flush(&self, timeout: Duration) -> Result<(), ProduceError> {
        let inner = self.inner.clone();
        let flushed = tokio::task::spawn_blocking(move || inner.flush(timeout)).await;
        let source = match flushed {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) => e,
            Err(_) => KafkaError::Canceled,
        };
        Err(ProduceError::Flush {
            topic: self.topic.name.to_string(),
            timeout,
            source,
        })
    }
}

/// Whether librdkafka may succeed sending the same record again.
pub fn retriable(error: &KafkaError) -> bool {
    use RDKafkaErrorCode as C;
    let Some(code) = error.rdkafka_error_code() else {
        return false;
    };
    matches!(
        code,
        C::QueueFull
            | C::MessageTimedOut
            | C::RequestTimedOut
            | C::OperationTimedOut
            | C::BrokerTransportFailure
            | C::AllBrokersDown
            | C::NetworkException
            | C::LeaderNotAvailable
            | C::NotLeaderForPartition
            | C::ReplicaNotAvailable
            | C::NotEnoughReplicas
            | C::NotEnoughReplicasAfterAppend
            | C::KafkaStorageError
            | C::CoordinatorLoadInProgress
            | C::FencedLeaderEpoch
            | C::PreferredLeaderNotAvailable
            | C::ThrottlingQuotaExceeded
            | C::UnknownTopicOrPartition
            | C::UnknownPartition
            | C::TimedOutQueue
    )
}

/// Sends bytes as they are and awaits the delivery report, retrying retriable errors with
/// backoff until `timeout` has passed since the first attempt.
pub async fn send_raw(
    producer: &FutureProducer,
    topic: &str,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[(&str, &[u8])],
    timeout: Duration,
) -> Result<Delivery, ProduceError> {
    let started = Instant::now();
    let deadline = started + timeout;
    let mut backoff = Backoff::produce();
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let mut record = FutureRecord::<[u8], [u8]>::to(topic)
            .headers(to_owned_headers(headers.iter().map(|(n, v)| (*n, *v))));
        if let Some(key) = key {
            record = record.key(key);
        }
        if let Some(value) = value {
            record = record.payload(value);
        }
        let error = match producer.send_result(record) {
            Ok(delivery) => match delivery.await {
                Ok(Ok(d)) => {
                    return Ok(Delivery {
                        partition: d.partition,
                        offset: d.offset,
                    });
                }
                Ok(Err((e, _))) => e,
                Err(_) => KafkaError::Canceled,
            },
            Err((e, _)) => e,
        };
        let now = Instant::now();
        if !retriable(&error) || now >= deadline {
            return Err(ProduceError::Delivery {
                topic: topic.to_string(),
                attempts,
                elapsed: started.elapsed(),
                source: error,
            });
        }
        tokio::time::sleep(backoff.next_delay().min(deadline - now)).await;
    }
}
