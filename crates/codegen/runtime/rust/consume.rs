//! The typed consumer: a stream of decoded records, and a handler loop that commits after the
//! handler succeeds, retries a failing handler with backoff, dead-letters what cannot be
//! handled, and stops cleanly on a signal.
//!
//! Offsets: `enable.auto.commit` and `enable.auto.offset.store` are off. Once a record is
//! handled (or dead-lettered) its offset + 1 is stored; stored offsets are committed
//! asynchronously every [`COMMIT_EVERY`] records or [`COMMIT_INTERVAL`] (also while no record
//! arrives), synchronously when the loop stops and before partitions are revoked in a
//! rebalance. Only offsets of handled records are ever stored, so a crash loses nothing and
//! re-delivers at most what was handled since the last successful commit (at-least-once).

use std::fmt::Display;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::{Stream, StreamExt};
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer as _, ConsumerContext, Rebalance, StreamConsumer,
};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{BorrowedMessage, Message as _};
use rdkafka::producer::FutureProducer;
use rdkafka::{ClientContext, Offset, TopicPartitionList};

use crate::runtime::backoff::Backoff;
use crate::runtime::config::Config;
use crate::runtime::error::{CodecError, ConsumeError, Error};
use crate::runtime::headers::{self, borrow_pairs};
use crate::runtime::registry::Registry;
use crate::runtime::{HeaderSet, KeyCodec, Payload, SchemaKind, Topic, WriterSchema, wire};

/// Stored offsets are committed after this many handled records...
pub const COMMIT_EVERY: u32 = 500;
/// ...or when this much time passed since the last commit, whichever comes first.
pub const COMMIT_INTERVAL: Duration = Duration::from_secs(1);

/// The handler loop yields to the async runtime after this many records.
pub const YIELD_EVERY: u32 = 32;

/// A decoded record.
#[derive(Debug, Clone, PartialEq)]
pub struct Received<K, V, H> {
    /// The key (`None` when the record has none).
    pub key: Option<K>,
    /// The value.
    pub value: V,
    /// The typed headers.
    pub headers: H,
    /// The partition.
    pub partition: i32,
    /// The offset.
    pub offset: i64,
    /// The record timestamp in milliseconds since the epoch, when it has one.
    pub timestamp_ms: Option<i64>,
    /// The schema id of the value.
    pub schema_id: i32,
}

/// What a handler loop did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Records the handler succeeded on.
    pub handled: u64,
    /// Records written to the dead-letter topic.
    pub dead_lettered: u64,
    /// Handler attempts that failed and were retried.
    pub retries: u64,
}

/// A record as received, before decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// The offset.
    pub offset: i64,
    /// The timestamp in milliseconds since the epoch, when the record has one.
    pub timestamp_ms: Option<i64>,
    /// The key bytes.
    pub key: Option<Vec<u8>>,
    /// The value bytes.
    pub value: Option<Vec<u8>>,
    /// The headers in order (headers without a value are left out).
    pub headers: Vec<(String, Vec<u8>)>,
}

impl RawRecord {
    /// Copies a received message.
    pub fn of(message: &BorrowedMessage<'_>) -> RawRecord {
        RawRecord {
            topic: message.topic().to_string(),
            partition: message.partition(),
            offset: message.offset(),
            timestamp_ms: message.timestamp().to_millis(),
            key: message.key().map(<[u8]>::to_vec),
            value: message.payload().map(<[u8]>::to_vec),
            headers: headers::pairs_of(message.headers()),
        }
    }
}

/// Why a record went to the dead-letter topic (the `schemagate.dlq.reason` header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DlqReason {
    /// The key or value does not decode (framing, unknown schema id, payload).
    DecodeFailed,
    /// The handler failed on every attempt.
    HandlerFailed,
    /// The headers are missing a required header or have a value of the wrong type.
    HeadersInvalid,
}

impl DlqReason {
    /// The header value: `decode-failed`, `handler-failed` or `headers-invalid`.
    pub fn as_str(self) -> &'static str {
        match self {
            DlqReason::DecodeFailed => "decode-failed",
            DlqReason::HandlerFailed => "handler-failed",
            DlqReason::HeadersInvalid => "headers-invalid",
        }
    }
}

/// The consumer's librdkafka context: commits the stored offsets before partitions are
/// revoked, so the next owner starts after what this consumer handled.
pub struct CommitOnRevoke;

impl ClientContext for CommitOnRevoke {}

impl ConsumerContext for CommitOnRevoke {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(_) = rebalance {
            // Nothing stored (NoOffset) is fine; a failed commit re-delivers, it loses nothing.
            let _ = consumer.commit_consumer_state(CommitMode::Sync);
        }
    }
}

struct CommitState {
    uncommitted: u32,
    last: Instant,
}

/// A typed consumer for one topic in one consumer group.
pub struct Consumer<K: KeyCodec, V: Payload, H: HeaderSet> {
    inner: StreamConsumer<CommitOnRevoke>,
    topic: &'static Topic,
    group_id: String,
    registry: std::sync::Arc<Registry>,
    config: Config,
    dlq_topic: String,
    max_attempts: u32,
    dlq_producer: Mutex<Option<FutureProducer>>,
    commits: Mutex<CommitState>,
    _types: PhantomData<fn(K, V, H)>,
}

impl<K: KeyCodec, V: Payload, H: HeaderSet> std::fmt::Debug for Consumer<K, V, H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consumer")
            .field("topic", &self.topic.name)
            .field("group_id", &self.group_id)
            .field("dead_letter_topic", &self.dlq_topic)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM. Never completes if the signal handlers
/// cannot be installed.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    r = tokio::signal::ctrl_c() => {
                        if r.is_err() {
                            term.recv().await;
                        }
                    }
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl<K: KeyCodec, V: Payload, H: HeaderSet> Consumer<K, V, H> {
    /// `enable.auto.commit=false`; `auto.offset.reset=earliest` unless set; subscribes to the
    /// topic.
    pub fn new(config: &Config, topic: &'static Topic, group_id: &str) -> Result<Self, Error> {
        let context = format!("consumer of topic {} in group {group_id}", topic.name);
        let mut c = config.client_config();
        c.set("group.id", group_id)
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false");
        if config.kafka_setting("auto.offset.reset").is_none() {
            c.set("auto.offset.reset", "earliest");
        }
        let inner: StreamConsumer<CommitOnRevoke> =
            c.create_with_context(CommitOnRevoke)
                .map_err(|source| Error::Kafka {
                    context: context.clone(),
                    source,
                })?;
        inner
            .subscribe(&[topic.name])
            .map_err(|source| Error::Kafka { context, source })?;
        Ok(Consumer {
            inner,
            topic,
            group_id: group_id.to_string(),
            registry: config.registry()?,
            config: config.clone(),
            dlq_topic: format!("{}.dlq", topic.name),
            max_attempts: 3,
            dlq_producer: Mutex::new(None),
            commits: Mutex::new(CommitState {
                uncommitted: 0,
                last: Instant::now(),
            }),
            _types: PhantomData,
        })
    }

    /// The dead-letter topic (default `<topic>.dlq`). It must exist.
    pub fn dead_letter_topic(mut self, name: impl Into<String>) -> Self {
        self.dlq_topic = name.into();
        self
    }

    /// How many times the handler runs on a record before it goes to the dead-letter topic
    /// (default 3; at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The topic.
    pub fn topic(&self) -> &'static Topic {
        self.topic
    }

    /// The consumer group.
    pub fn group_id(&self) -> &str {
        &self.group_id
    }

    /// The dead-letter topic's name.
    pub fn dead_letter_topic_name(&self) -> &str {
        &self.dlq_topic
    }

    /// The librdkafka consumer (for seeking, pausing, metadata, ...).
    pub fn client(&self) -> &StreamConsumer<CommitOnRevoke> {
        &self.inner
    }

    /// Typed stream (the caller commits with [`Consumer::commit`]); decode failures are yielded
    /// as errors carrying the raw record so the caller may dead-letter them
    /// ([`Consumer::dead_letter`]).
    pub fn stream(&self) -> impl Stream<Item = Result<Received<K, V, H>, ConsumeError>> + '_ {
        self.inner.stream().then(move |message| {
            let raw = message.as_ref().map(RawRecord::of).map_err(|e| e.clone());
            async move {
                match raw {
                    Ok(raw) => self.decode(&raw).await,
                    Err(source) => Err(ConsumeError::Kafka {
                        topic: self.topic.name.to_string(),
                        source,
                    }),
                }
            }
        })
    }

    async fn writer(
        &self,
        raw: &RawRecord,
        id: i32,
    ) -> Result<std::sync::Arc<WriterSchema>, ConsumeError> {
        self.registry.schema_by_id(id).await.map_err(|source| {
            if source.is_not_found() {
                let message = source.to_string();
                ConsumeError::Decode {
                    raw: Box::new(raw.clone()),
                    part: "value",
                    source: CodecError::UnknownSchema { id, message },
                }
            } else {
                ConsumeError::Registry {
                    raw: Box::new(raw.clone()),
                    source,
                }
            }
        })
    }

    /// Decodes a raw record: value, key, headers (fetching unknown writer schemas).
    pub async fn decode(&self, raw: &RawRecord) -> Result<Received<K, V, H>, ConsumeError> {
        let bad = |part: &'static str, source: CodecError| ConsumeError::Decode {
            raw: Box::new(raw.clone()),
            part,
            source,
        };
        let bytes = raw
            .value
            .as_deref()
            .ok_or_else(|| bad("value", CodecError::NoValue))?;
        let frame = wire::read_frame(bytes, V::SCHEMA.kind == SchemaKind::Protobuf)
            .map_err(|e| bad("value", e))?;
        let writer = self.writer(raw, frame.schema_id).await?;
        if writer.kind != V::SCHEMA.kind {
            return Err(bad(
                "value",
                CodecError::WrongKind {
                    id: writer.id,
                    found: writer.kind,
                    expected: V::SCHEMA.kind,
                },
            ));
        }
        let value = V::decode(frame.payload, &writer).map_err(|e| bad("value", e))?;
        let key = match (&raw.key, K::SCHEMA) {
            (None, _) => None,
            (Some(bytes), None) => Some(K::decode_key(bytes, None).map_err(|e| bad("key", e))?),
            (Some(bytes), Some(schema)) => {
                let frame = wire::read_frame(bytes, schema.kind == SchemaKind::Protobuf)
                    .map_err(|e| bad("key", e))?;
                let writer = self
                    .writer(raw, frame.schema_id)
                    .await
                    .map_err(|e| match e {
                        ConsumeError::Decode { raw, source, .. } => ConsumeError::Decode {
                            raw,
                            part: "key",
                            source,
                        },
                        other => other,
                    })?;
                if writer.kind != schema.kind {
                    return Err(bad(
                        "key",
                        CodecError::WrongKind {
                            id: writer.id,
                            found: writer.kind,
                            expected: schema.kind,
                        },
                    ));
                }
                Some(K::decode_key(frame.payload, Some(&writer)).map_err(|e| bad("key", e))?)
            }
        };
        let headers =
            H::from_pairs(&borrow_pairs(&raw.headers)).map_err(|source| ConsumeError::Headers {
                raw: Box::new(raw.clone()),
                source,
            })?;
        Ok(Received {
            key,
            value,
            headers,
            partition: raw.partition,
            offset: raw.offset,
            timestamp_ms: raw.timestamp_ms,
            schema_id: frame.schema_id,
        })
    }

    /// Marks a record as done and commits asynchronously (the commit request is sent in the
    /// background; [`Consumer::commit_sync`] waits for the stored offsets to be committed).
    pub fn commit(&self, received: &Received<K, V, H>) -> Result<(), ConsumeError> {
        self.store(received.partition, received.offset)?;
        self.commit_async()
    }

    /// Marks a raw record as done and commits asynchronously.
    pub fn commit_raw(&self, raw: &RawRecord) -> Result<(), ConsumeError> {
        self.store(raw.partition, raw.offset)?;
        self.commit_async()
    }

    /// Commits the stored offsets and waits for the broker's answer (blocks the calling thread
    /// for one round trip).
    pub fn commit_sync(&self) -> Result<(), ConsumeError> {
        match self.inner.commit_consumer_state(CommitMode::Sync) {
            Ok(()) | Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {
                let mut state = lock(&self.commits);
                state.uncommitted = 0;
                state.last = Instant::now();
                Ok(())
            }
            Err(source) => Err(ConsumeError::Kafka {
                topic: self.topic.name.to_string(),
                source,
            }),
        }
    }

    fn commit_async(&self) -> Result<(), ConsumeError> {
        match self.inner.commit_consumer_state(CommitMode::Async) {
            Ok(()) | Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {
                let mut state = lock(&self.commits);
                state.uncommitted = 0;
                state.last = Instant::now();
                Ok(())
            }
            Err(source) => Err(ConsumeError::Kafka {
                topic: self.topic.name.to_string(),
                source,
            }),
        }
    }

    /// Stores `offset + 1` as the partition's position to commit.
    fn store(&self, partition: i32, offset: i64) -> Result<(), ConsumeError> {
        let mut tpl = TopicPartitionList::with_capacity(1);
        tpl.add_partition_offset(self.topic.name, partition, Offset::Offset(offset + 1))
            .map_err(|source| ConsumeError::Kafka {
                topic: self.topic.name.to_string(),
                source,
            })?;
        match self.inner.store_offsets(&tpl) {
            Ok(()) => Ok(()),
            // The partition was revoked meanwhile: its next owner re-reads the record.
            Err(KafkaError::StoreOffset(RDKafkaErrorCode::State)) => Ok(()),
            Err(source) => Err(ConsumeError::Kafka {
                topic: self.topic.name.to_string(),
                source,
            }),
        }
    }

    /// When stored offsets wait to be committed: `COMMIT_INTERVAL` after the last commit.
    fn commit_due_at(&self) -> Option<Instant> {
        let state = lock(&self.commits);
        (state.uncommitted > 0).then(|| state.last + COMMIT_INTERVAL)
    }

    /// Stores the offset, then commits when enough records or time accumulated.
    fn done(&self, raw: &RawRecord) -> Result<(), ConsumeError> {
        self.store(raw.partition, raw.offset)?;
        let due = {
            let mut state = lock(&self.commits);
            state.uncommitted += 1;
            state.uncommitted >= COMMIT_EVERY || state.last.elapsed() >= COMMIT_INTERVAL
        };
        if due { self.commit_async() } else { Ok(()) }
    }

    fn dlq_producer(&self) -> Result<FutureProducer, ConsumeError> {
        let mut slot = lock(&self.dlq_producer);
        if let Some(p) = slot.as_ref() {
            return Ok(p.clone());
        }
        let context = format!("dead-letter producer for topic {}", self.dlq_topic);
        let producer = crate::runtime::produce::client(&self.config, &context).map_err(|e| {
            let source = match e {
                Error::Kafka { source, .. } => source,
                other => KafkaError::ClientCreation(other.to_string()),
            };
            ConsumeError::Kafka {
                topic: self.dlq_topic.clone(),
                source,
            }
        })?;
        *slot = Some(producer.clone());
        Ok(producer)
    }

    /// Writes a record that cannot be decoded (a [`ConsumeError::Decode`] or
    /// [`ConsumeError::Headers`] from the stream) to the dead-letter topic and commits it;
    /// answers `false` (and does nothing) for other errors.
    pub async fn dead_letter(&self, error: &ConsumeError) -> Result<bool, ConsumeError> {
        let (raw, reason) = match error {
            ConsumeError::Decode { raw, .. } => (raw, DlqReason::DecodeFailed),
            ConsumeError::Headers { raw, .. } => (raw, DlqReason::HeadersInvalid),
            _ => return Ok(false),
        };
        self.dead_letter_raw(raw, reason, &error.to_string(), 0)
            .await?;
        self.commit_raw(raw)?;
        Ok(true)
    }

    /// Writes a record to the dead-letter topic: its key, value and headers as received, plus
    /// the `schemagate.dlq.*` headers (reason, error, topic, partition, offset, attempts).
    /// Does not commit it.
    pub async fn dead_letter_raw(
        &self,
        raw: &RawRecord,
        reason: DlqReason,
        error: &str,
        attempts: u32,
    ) -> Result<(), ConsumeError> {
        let producer = self.dlq_producer()?;
        let partition = raw.partition.to_string();
        let offset = raw.offset.to_string();
        let attempts = attempts.to_string();
        let mut pairs: Vec<(&str, &[u8])> = raw
            .headers
            .iter()
            .filter(|(n, _)| !n.starts_with("schemagate.dlq."))
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect();
        pairs.extend([
            (headers::DLQ_REASON, reason.as_str().as_bytes()),
            (headers::DLQ_ERROR, error.as_bytes()),
            (headers::DLQ_TOPIC, raw.topic.as_bytes()),
            (headers::DLQ_PARTITION, partition.as_bytes()),
            (headers::DLQ_OFFSET, offset.as_bytes()),
            (headers::DLQ_ATTEMPTS, attempts.as_bytes()),
        ]);
        crate::runtime::produce::send_raw(
            &producer,
            &self.dlq_topic,
            raw.key.as_deref(),
            raw.value.as_deref(),
            &pairs,
            self.config.produce_timeout_value(),
        )
        .await
        .map(|_| ())
        .map_err(|source| ConsumeError::DeadLetter {
            dlq: self.dlq_topic.clone(),
            source: Box::new(source),
        })
    }

    /// Handler loop until SIGINT/SIGTERM: commit after the handler succeeds; a handler error
    /// is retried (backoff) up to `max_attempts`, then the record goes to the dead-letter topic
    /// with the reason in headers and is committed; a record that does not decode goes to the
    /// dead-letter topic at once. On the signal: finish the record in flight, commit, return.
    pub async fn run<F, Fut, E>(&self, handler: F) -> Result<RunSummary, Error>
    where
        F: FnMut(Received<K, V, H>) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: Display,
    {
        self.run_until(handler, shutdown_signal()).await
    }

    /// The same, until `shutdown` completes (tests, embedding).
    pub async fn run_until<F, Fut, E, S>(
        &self,
        mut handler: F,
        shutdown: S,
    ) -> Result<RunSummary, Error>
    where
        F: FnMut(Received<K, V, H>) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: Display,
        S: Future<Output = ()>,
    {
        let mut summary = RunSummary::default();
        let mut shutdown = std::pin::pin!(shutdown);
        let mut messages = self.inner.stream();
        let mut since_yield = 0u32;
        let outcome = loop {
            // Records already fetched are ready at once: yield now and then so that other
            // tasks on this thread (and whoever polls this future in a select) get a turn.
            since_yield += 1;
            if since_yield == YIELD_EVERY {
                since_yield = 0;
                tokio::task::yield_now().await;
            }
            // While no record arrives, what was handled is committed once COMMIT_INTERVAL has
            // passed since the last commit (not only when the next record is done).
            let commit_at = self.commit_due_at();
            let next = tokio::select! {
                biased;
                _ = &mut shutdown => break Ok(()),
                next = messages.next() => next,
                _ = sleep_until(commit_at), if commit_at.is_some() => {
                    if let Err(e) = self.commit_async() {
                        break Err(e.into());
                    }
                    continue;
                }
            };
            let raw = match next {
                None => break Ok(()),
                Some(Ok(message)) => RawRecord::of(&message),
                Some(Err(KafkaError::MessageConsumptionFatal(code))) => {
                    break Err(Error::Consume(ConsumeError::Kafka {
                        topic: self.topic.name.to_string(),
                        source: KafkaError::MessageConsumptionFatal(code),
                    }));
                }
                // Other consumer errors are informational (a broker went away, ...): librdkafka
                // recovers by itself.
                Some(Err(_)) => continue,
            };
            if let Err(e) = self.process(&raw, &mut handler, &mut summary).await {
                break Err(e);
            }
            if let Err(e) = self.done(&raw) {
                break Err(e.into());
            }
        };
        let committed = self.commit_sync();
        outcome?;
        committed?;
        Ok(summary)
    }

    async fn process<F, Fut, E>(
        &self,
        raw: &RawRecord,
        handler: &mut F,
        summary: &mut RunSummary,
    ) -> Result<(), Error>
    where
        F: FnMut(Received<K, V, H>) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: Display,
    {
        let mut backoff = Backoff::handler();
        let mut attempts = 0u32;
        loop {
            let received = match self.decode(raw).await {
                Ok(received) => received,
                Err(e) => {
                    let reason = match &e {
                        ConsumeError::Decode { .. } => DlqReason::DecodeFailed,
                        ConsumeError::Headers { .. } => DlqReason::HeadersInvalid,
                        _ => return Err(e.into()),
                    };
                    self.dead_letter_raw(raw, reason, &e.to_string(), attempts)
                        .await?;
                    summary.dead_lettered += 1;
                    return Ok(());
                }
            };
            attempts += 1;
            match handler(received).await {
                Ok(()) => {
                    summary.handled += 1;
                    return Ok(());
                }
                Err(e) if attempts >= self.max_attempts => {
                    let error = format!("handler failed {attempts} time(s); last error: {e}");
                    self.dead_letter_raw(raw, DlqReason::HandlerFailed, &error, attempts)
                        .await?;
                    summary.dead_lettered += 1;
                    return Ok(());
                }
                Err(_) => {
                    summary.retries += 1;
                    tokio::time::sleep(backoff.next_delay()).await;
                }
            }
        }
    }

    /// Commits what was handled and leaves the consumer group.
    pub fn close(self) -> Result<(), Error> {
        let committed = self.commit_sync();
        self.inner.unsubscribe();
        committed.map_err(Error::from)
    }
}
