//! The runtime against a real broker and a real registry: the broker image of the test suite
//! (tansu, built by scripts/kafka-test-image.sh; `SCHEMAGATE_KAFKA_IMAGE` and friends as in
//! scripts/test.sh) started with Testcontainers, and schemagate's own registry server.
//!
//! Without Docker or the image these tests print a note and pass, unless
//! `SCHEMAGATE_REQUIRE_DOCKER=1` (scripts/test.sh sets it): then they fail.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{Consumer as _, StreamConsumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use schemagate_codegen_runtime_harness::payloads::{
    AvroMoney, AvroOrderV1, AvroOrderV2, Headers, Money, Order, OrderCancelled, Shipment,
};
use schemagate_codegen_runtime_harness::runtime::headers as h;
use schemagate_codegen_runtime_harness::runtime::{
    Config, ConsumeError, Consumer, Framed, Payload, Producer, RawRecord, Received,
    SubjectStrategy, Topic,
};
use testcontainers_modules::testcontainers::core::{ContainerPort, WaitFor};
use testcontainers_modules::testcontainers::runners::SyncRunner;
use testcontainers_modules::testcontainers::{Container, GenericImage, ImageExt};

const DEFAULT_IMAGE: &str = "schemagate-test/tansu:0.6.0";
const DEFAULT_COMMAND: &str = "broker --storage-engine memory://tansu/ --kafka-listener-url tcp://0.0.0.0:9092 \
     --kafka-advertised-listener-url tcp://127.0.0.1:{host_port}";

/// Tests that start a broker run one at a time (the machine is small).
static SERIAL: Mutex<()> = Mutex::new(());

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn docker_answers() -> bool {
    std::process::Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn image_present(image: &str) -> bool {
    std::process::Command::new("docker")
        .args(["image", "inspect", "--format", "{{.Id}}", image])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A broker container and a registry server for one test.
struct Env {
    _container: Container<GenericImage>,
    registry: schemagate_registry::server::RunningServer,
    _dir: tempfile::TempDir,
    bootstrap: String,
    _serial: std::sync::MutexGuard<'static, ()>,
}

impl Env {
    /// Starts both, or answers `None` (after a note) when Docker or the image is missing and
    /// the test suite does not require them.
    fn start() -> Option<Env> {
        let required = var("SCHEMAGATE_REQUIRE_DOCKER").is_some_and(|v| v == "1");
        let image = var("SCHEMAGATE_KAFKA_IMAGE").unwrap_or_else(|| DEFAULT_IMAGE.to_string());
        let docker = docker_answers();
        let present = docker && image_present(&image);
        if !(docker && present) {
            let why = if docker {
                format!(
                    "the broker image {image} is missing (scripts/kafka-test-image.sh builds it)"
                )
            } else {
                "no Docker engine answers (scripts/test.sh starts dockerd)".to_string()
            };
            assert!(!required, "SCHEMAGATE_REQUIRE_DOCKER=1 but {why}");
            eprintln!("skipping: {why}");
            return None;
        }
        let serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let (name, tag) = image.rsplit_once(':').unwrap_or((&image, "latest"));
        let port: u16 = var("SCHEMAGATE_KAFKA_PORT")
            .map_or(9092, |p| p.parse().expect("SCHEMAGATE_KAFKA_PORT"));
        let command =
            var("SCHEMAGATE_KAFKA_COMMAND").unwrap_or_else(|| DEFAULT_COMMAND.to_string());
        let wait = var("SCHEMAGATE_KAFKA_WAIT_LOG").unwrap_or_else(|| "ready in".to_string());
        let host_port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let fill = |s: &str| s.replace("{host_port}", &host_port.to_string());
        let mut image = GenericImage::new(name, tag)
            .with_exposed_port(ContainerPort::Tcp(port))
            .with_wait_for(WaitFor::message_on_either_std(wait.as_bytes()))
            .with_mapped_port(host_port, ContainerPort::Tcp(port))
            .with_label("dev.schemagate.contract", "true")
            .with_label(
                "dev.schemagate.run",
                format!("{}-runtime-harness", std::process::id()),
            )
            .with_startup_timeout(Duration::from_secs(90));
        if let Some(env) = var("SCHEMAGATE_KAFKA_ENV") {
            for pair in env.split(',').filter(|p| !p.trim().is_empty()) {
                let (k, v) = pair
                    .split_once('=')
                    .expect("SCHEMAGATE_KAFKA_ENV: KEY=VALUE,...");
                image = image.with_env_var(k.trim(), fill(v));
            }
        }
        let image = image.with_cmd(command.split_whitespace().map(fill).collect::<Vec<_>>());
        let container = image.start().expect("the broker container starts");
        let dir = tempfile::tempdir().unwrap();
        let registry = registry_server(&dir, None);
        Some(Env {
            _container: container,
            registry,
            _dir: dir,
            bootstrap: format!("127.0.0.1:{host_port}"),
            _serial: serial,
        })
    }

    fn config(&self) -> Config {
        Config::new(&self.bootstrap, &self.registry.url())
            .kafka("linger.ms", "2")
            .kafka("fetch.wait.max.ms", "50")
            .produce_timeout(Duration::from_secs(20))
    }

    fn runtime(&self) -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    /// Creates topics (name, partitions) once the broker answers.
    async fn create_topics(&self, topics: &[(&str, i32)]) {
        let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
            .set("bootstrap.servers", &self.bootstrap)
            .create()
            .unwrap();
        let specs: Vec<NewTopic<'_>> = topics
            .iter()
            .map(|(t, p)| NewTopic::new(t, *p, TopicReplication::Fixed(1)))
            .collect();
        let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match admin.create_topics(&specs, &options).await {
                Ok(results) => {
                    for r in results {
                        match r {
                            Ok(_)
                            | Err((_, rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists)) => {}
                            Err((name, code)) => panic!("cannot create topic {name}: {code}"),
                        }
                    }
                    return;
                }
                Err(e) if Instant::now() < deadline => {
                    eprintln!("create topics: {e}; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => panic!("cannot create topics: {e}"),
            }
        }
    }

    fn raw_producer(&self) -> FutureProducer {
        ClientConfig::new()
            .set("bootstrap.servers", &self.bootstrap)
            .create()
            .unwrap()
    }

    /// Reads `count` records of a topic from the beginning (a fresh group), as received.
    async fn read_raw(&self, topic: &str, count: usize) -> Vec<RawRecord> {
        let consumer: StreamConsumer = ClientConfig::new()
            .set("bootstrap.servers", &self.bootstrap)
            .set("group.id", format!("reader-{topic}-{}", unique()))
            .set("auto.offset.reset", "earliest")
            .set("enable.auto.commit", "false")
            .create()
            .unwrap();
        consumer.subscribe(&[topic]).unwrap();
        let mut out = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while out.len() < count {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, consumer.recv()).await {
                Ok(Ok(m)) => out.push(RawRecord::of(&m)),
                Ok(Err(e)) => eprintln!("read {topic}: {e}"),
                Err(_) => panic!("read {topic}: {} of {count} records within 60 s", out.len()),
            }
        }
        out
    }
}

fn registry_server(
    dir: &tempfile::TempDir,
    basic_auth: Option<(String, String)>,
) -> schemagate_registry::server::RunningServer {
    schemagate_registry::server::spawn(schemagate_registry::server::ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        db_path: dir.path().join("registry.db"),
        basic_auth,
        read_only: false,
    })
    .unwrap()
}

fn unique() -> u32 {
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn headers(i: usize) -> Headers {
    Headers {
        correlation_id: format!("corr-{i}"),
        attempt: i.is_multiple_of(2).then_some(i as i64),
        trace_id: i
            .is_multiple_of(3)
            .then(|| format!("{i:08x}-d9cb-469f-a165-70867728950e")),
    }
}

const fn topic(name: &'static str, strategy: SubjectStrategy) -> Topic {
    Topic {
        name,
        value_subject: None,
        key_subject: None,
        strategy,
        propagated_headers: &["correlation-id"],
    }
}

/// Reads `count` typed records through `Consumer::stream`, committing each.
async fn read_typed<K, V>(
    config: &Config,
    topic: &'static Topic,
    count: usize,
) -> Vec<Received<K, V, Headers>>
where
    K: schemagate_codegen_runtime_harness::runtime::KeyCodec,
    V: Payload,
{
    let consumer =
        Consumer::<K, V, Headers>::new(config, topic, &format!("typed-{}", unique())).unwrap();
    let mut out = Vec::new();
    let stream = consumer.stream();
    let mut stream = std::pin::pin!(stream);
    let deadline = Instant::now() + Duration::from_secs(60);
    while out.len() < count {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.next()).await {
            Ok(Some(Ok(r))) => {
                consumer.commit(&r).unwrap();
                out.push(r);
            }
            Ok(Some(Err(e))) => panic!("{e}"),
            Ok(None) => unreachable!("Kafka streams do not end"),
            Err(_) => panic!(
                "{}: {} of {count} records within 60 s",
                topic.name,
                out.len()
            ),
        }
    }
    consumer.commit_sync().unwrap();
    out
}

static PROTO_TOPIC: Topic = topic("rt.orders", SubjectStrategy::TopicName);
static CANCELLED_TOPIC: Topic = topic("rt.cancelled", SubjectStrategy::RecordName);
static AVRO_TOPIC: Topic = topic("rt.avro-orders", SubjectStrategy::TopicName);
static JSON_TOPIC: Topic = topic("rt.shipments", SubjectStrategy::TopicRecordName);

#[test]
fn records_of_each_format_round_trip_with_headers() {
    let Some(env) = Env::start() else { return };
    env.runtime().block_on(async {
        env.create_topics(&[
            ("rt.orders", 3),
            ("rt.cancelled", 1),
            ("rt.avro-orders", 2),
            ("rt.shipments", 1),
        ])
        .await;
        let config = env.config();
        let n = 60;

        // Protobuf, STRING keys, a message with an import (registered first, as a reference).
        let producer = Producer::<String, Order, Headers>::new(&config, &PROTO_TOPIC)
            .await
            .unwrap();
        let orders: Vec<Order> = (0..n)
            .map(|i| Order {
                id: format!("o-{i}"),
                total: Some(Money {
                    currency: "EUR".into(),
                    units: i as i64 * 100,
                }),
                items: (0..i % 4).map(|k| format!("item-{k}")).collect(),
            })
            .collect();
        for (i, o) in orders.iter().enumerate() {
            producer.send(&o.id, o, &headers(i)).await.unwrap();
        }
        let got = read_typed::<String, Order>(&config, &PROTO_TOPIC, n).await;
        let by_key: BTreeMap<String, (Order, Headers)> = got
            .into_iter()
            .map(|r| (r.key.clone().unwrap(), (r.value, r.headers)))
            .collect();
        assert_eq!(by_key.len(), n);
        for (i, o) in orders.iter().enumerate() {
            assert_eq!(by_key[&o.id], (o.clone(), headers(i)), "record {i}");
        }

        // Protobuf, the second message of its file (message indexes [1]), RecordName subject.
        let producer = Producer::<String, OrderCancelled, Headers>::new(&config, &CANCELLED_TOPIC)
            .await
            .unwrap();
        let cancelled = OrderCancelled {
            id: "o-1".into(),
            reason: "changed mind".into(),
        };
        let delivery = producer
            .send(&"o-1".to_string(), &cancelled, &headers(1))
            .await
            .unwrap();
        let raw = env.read_raw("rt.cancelled", 1).await;
        assert_eq!(
            (raw[0].partition, raw[0].offset),
            (delivery.partition, delivery.offset)
        );
        let value = raw[0].value.as_deref().unwrap();
        let mut expected = vec![0];
        expected.extend(producer.value_schema_id().to_be_bytes());
        expected.extend([2, 2]); // one index (zig-zag 2), index 1 (zig-zag 2)
        assert_eq!(&value[..7], &expected[..]);
        let got = read_typed::<String, OrderCancelled>(&config, &CANCELLED_TOPIC, 1).await;
        assert_eq!(got[0].value, cancelled);
        assert_eq!(got[0].schema_id, producer.value_schema_id());

        // Avro with a referenced record; framed Avro keys.
        let producer = Producer::<String, AvroOrderV2, Headers>::new(&config, &AVRO_TOPIC)
            .await
            .unwrap();
        let avro: Vec<AvroOrderV2> = (0..n)
            .map(|i| AvroOrderV2 {
                id: format!("a-{i}"),
                total: AvroMoney {
                    currency: "USD".into(),
                    units: i as i64,
                },
                note: i.is_multiple_of(2).then(|| format!("note {i}")),
                priority: i as i32 % 5,
            })
            .collect();
        for (i, o) in avro.iter().enumerate() {
            producer.send(&o.id, o, &headers(i)).await.unwrap();
        }
        let got = read_typed::<String, AvroOrderV2>(&config, &AVRO_TOPIC, n).await;
        let by_key: BTreeMap<String, (AvroOrderV2, Headers)> = got
            .into_iter()
            .map(|r| (r.key.clone().unwrap(), (r.value, r.headers)))
            .collect();
        for (i, o) in avro.iter().enumerate() {
            assert_eq!(by_key[&o.id], (o.clone(), headers(i)), "record {i}");
        }

        // JSON Schema values with JSON Schema keys (framed), TopicRecordName subjects.
        let producer = Producer::<Framed<Shipment>, Shipment, Headers>::new(&config, &JSON_TOPIC)
            .await
            .unwrap();
        assert!(producer.key_schema_id().is_some());
        let shipments: Vec<Shipment> = (0..n)
            .map(|i| Shipment {
                id: format!("s-{i}"),
                carrier: "dhl".into(),
                weight_grams: i as u32 * 10,
            })
            .collect();
        for (i, s) in shipments.iter().enumerate() {
            producer
                .send(&Framed(s.clone()), s, &headers(i))
                .await
                .unwrap();
        }
        producer.flush(Duration::from_secs(10)).await.unwrap();
        let got = read_typed::<Framed<Shipment>, Shipment>(&config, &JSON_TOPIC, n).await;
        for (i, r) in got.iter().enumerate() {
            assert_eq!(r.value, shipments[i], "single partition keeps the order");
            assert_eq!(r.key.as_ref().map(|k| &k.0), Some(&shipments[i]));
            assert_eq!(r.headers, headers(i));
            assert_eq!(r.offset, i as i64);
            assert!(r.timestamp_ms.is_some());
        }
    });
}

#[test]
fn an_older_avro_reader_reads_a_newer_writer_and_the_reverse() {
    let Some(env) = Env::start() else { return };
    static TOPIC: Topic = topic("evolve.orders", SubjectStrategy::TopicName);
    env.runtime().block_on(async {
        env.create_topics(&[("evolve.orders", 1)]).await;
        let config = env.config();
        let total = AvroMoney {
            currency: "EUR".into(),
            units: 5,
        };
        // Version 1 first, then version 2 (backward compatible: new fields have defaults).
        let v1 = Producer::<String, AvroOrderV1, Headers>::new(&config, &TOPIC)
            .await
            .unwrap();
        let v2 = Producer::<String, AvroOrderV2, Headers>::new(&config, &TOPIC)
            .await
            .unwrap();
        assert_ne!(v1.value_schema_id(), v2.value_schema_id());
        let old = AvroOrderV1 {
            id: "old".into(),
            total: total.clone(),
        };
        let new = AvroOrderV2 {
            id: "new".into(),
            total: total.clone(),
            note: Some("n".into()),
            priority: 3,
        };
        v1.send(&"old".to_string(), &old, &headers(0))
            .await
            .unwrap();
        v2.send(&"new".to_string(), &new, &headers(1))
            .await
            .unwrap();

        let as_v1 = read_typed::<String, AvroOrderV1>(&config, &TOPIC, 2).await;
        assert_eq!(as_v1[0].value, old);
        assert_eq!(
            as_v1[1].value,
            AvroOrderV1 {
                id: "new".into(),
                total: total.clone()
            }
        );
        assert_eq!(as_v1[1].schema_id, v2.value_schema_id());

        let as_v2 = read_typed::<String, AvroOrderV2>(&config, &TOPIC, 2).await;
        assert_eq!(
            as_v2[0].value,
            AvroOrderV2 {
                id: "old".into(),
                total,
                note: None,
                priority: 0
            }
        );
        assert_eq!(as_v2[1].value, new);
    });
}

fn header<'a>(raw: &'a RawRecord, name: &str) -> &'a str {
    let v = raw
        .headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_slice());
    std::str::from_utf8(v.unwrap_or_else(|| panic!("no header {name} in {:?}", raw.headers)))
        .unwrap()
}

#[test]
fn poison_records_go_to_the_dead_letter_topic_with_the_reason() {
    let Some(env) = Env::start() else { return };
    static TOPIC: Topic = topic("poison", SubjectStrategy::TopicName);
    env.runtime().block_on(async {
        env.create_topics(&[("poison", 1), ("poison.dlq", 1)]).await;
        let config = env.config();
        let producer = Producer::<String, Order, Headers>::new(&config, &TOPIC)
            .await
            .unwrap();
        let order = |i: usize| Order {
            id: format!("p-{i}"),
            total: None,
            items: vec![],
        };
        let raw = env.raw_producer();
        let send_raw = |value: Vec<u8>, with_headers: bool| {
            let raw = raw.clone();
            async move {
                let mut record = FutureRecord::<str, [u8]>::to("poison")
                    .key("poison-key")
                    .payload(&value);
                if with_headers {
                    record =
                        record.headers(h::to_owned_headers([("correlation-id", &b"corr-x"[..])]));
                }
                raw.send(record, Duration::from_secs(10)).await.unwrap();
            }
        };
        producer
            .send(&"k0".to_string(), &order(0), &headers(0))
            .await
            .unwrap(); // offset 0
        send_raw(b"\x01not framed".to_vec(), true).await; // 1: bad magic byte
        let mut missing = producer.encode_value(&order(2)).unwrap();
        send_raw(std::mem::take(&mut missing), false).await; // 2: required header missing
        let mut unknown = vec![0, 0, 0, 0x7f, 0x7f, 0];
        unknown.extend(b"x");
        send_raw(unknown.clone(), true).await; // 3: schema id that does not exist
        producer
            .send(&"k4".to_string(), &order(4), &headers(4))
            .await
            .unwrap(); // 4

        let consumer =
            Consumer::<String, Order, Headers>::new(&config, &TOPIC, "poison-group").unwrap();
        let handled = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(tokio::sync::Notify::new());
        let summary = {
            let handled = handled.clone();
            let stop2 = stop.clone();
            consumer
                .run_until(
                    move |r: Received<String, Order, Headers>| {
                        let handled = handled.clone();
                        let stop = stop2.clone();
                        async move {
                            let mut h = handled.lock().unwrap();
                            h.push(r.value.id.clone());
                            if h.len() == 2 {
                                stop.notify_one();
                            }
                            Ok::<(), String>(())
                        }
                    },
                    async move { stop.notified().await },
                )
                .await
                .unwrap()
        };
        assert_eq!(
            *handled.lock().unwrap(),
            vec!["p-0".to_string(), "p-4".to_string()]
        );
        assert_eq!(
            (summary.handled, summary.dead_lettered, summary.retries),
            (2, 3, 0)
        );

        let dlq = env.read_raw("poison.dlq", 3).await;
        let bad_magic = &dlq[0];
        assert_eq!(header(bad_magic, h::DLQ_REASON), "decode-failed");
        assert!(
            header(bad_magic, h::DLQ_ERROR).contains("magic byte is 0x01"),
            "{:?}",
            bad_magic.headers
        );
        assert_eq!(header(bad_magic, h::DLQ_TOPIC), "poison");
        assert_eq!(header(bad_magic, h::DLQ_PARTITION), "0");
        assert_eq!(header(bad_magic, h::DLQ_OFFSET), "1");
        assert_eq!(header(bad_magic, h::DLQ_ATTEMPTS), "0");
        assert_eq!(
            header(bad_magic, "correlation-id"),
            "corr-x",
            "the original headers are kept"
        );
        assert_eq!(
            bad_magic.value.as_deref(),
            Some(&b"\x01not framed"[..]),
            "the value as it was"
        );
        assert_eq!(bad_magic.key.as_deref(), Some(&b"poison-key"[..]));

        assert_eq!(header(&dlq[1], h::DLQ_REASON), "headers-invalid");
        assert!(
            header(&dlq[1], h::DLQ_ERROR).contains("correlation-id"),
            "{:?}",
            dlq[1].headers
        );
        assert_eq!(header(&dlq[1], h::DLQ_OFFSET), "2");

        assert_eq!(header(&dlq[2], h::DLQ_REASON), "decode-failed");
        assert!(
            header(&dlq[2], h::DLQ_ERROR).contains("schema id 32639"),
            "{:?}",
            dlq[2].headers
        );
        assert_eq!(dlq[2].value.as_deref(), Some(unknown.as_slice()));

        // The stream yields the same failures as errors carrying the record.
        let fresh =
            Consumer::<String, Order, Headers>::new(&config, &TOPIC, "poison-stream").unwrap();
        let items: Vec<_> = fresh.stream().take(5).collect().await;
        assert!(items[0].is_ok() && items[4].is_ok());
        let e = items[1].as_ref().unwrap_err();
        assert!(
            e.is_poison() && matches!(e, ConsumeError::Decode { part: "value", .. }),
            "{e}"
        );
        assert_eq!(e.raw().unwrap().offset, 1);
        assert!(matches!(items[2], Err(ConsumeError::Headers { .. })));
    });
}

#[test]
fn a_handler_failing_every_time_sends_the_record_to_the_dead_letter_topic() {
    let Some(env) = Env::start() else { return };
    static TOPIC: Topic = topic("failing", SubjectStrategy::TopicName);
    env.runtime().block_on(async {
        env.create_topics(&[("failing", 1), ("failing-dead", 1)])
            .await;
        let config = env.config();
        let producer = Producer::<String, Shipment, Headers>::new(&config, &TOPIC)
            .await
            .unwrap();
        for i in 0..2 {
            let s = Shipment {
                id: format!("f-{i}"),
                carrier: "ups".into(),
                weight_grams: 1,
            };
            producer.send(&s.id, &s, &headers(i)).await.unwrap();
        }
        let calls = Arc::new(AtomicU32::new(0));
        let stop = Arc::new(tokio::sync::Notify::new());
        let consumer = Consumer::<String, Shipment, Headers>::new(&config, &TOPIC, "failing-group")
            .unwrap()
            .dead_letter_topic("failing-dead")
            .max_attempts(3);
        let started = Instant::now();
        let summary = {
            let (calls, stop2) = (calls.clone(), stop.clone());
            consumer
                .run_until(
                    move |r: Received<String, Shipment, Headers>| {
                        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                        if n == 6 {
                            stop2.notify_one();
                        }
                        async move { Err(format!("boom {n} on {}", r.value.id)) }
                    },
                    async move { stop.notified().await },
                )
                .await
                .unwrap()
        };
        assert_eq!(calls.load(Ordering::SeqCst), 6);
        assert_eq!(
            (summary.handled, summary.dead_lettered, summary.retries),
            (0, 2, 4)
        );
        assert!(started.elapsed() < Duration::from_secs(30));
        drop(consumer);

        let dlq = env.read_raw("failing-dead", 2).await;
        for (i, d) in dlq.iter().enumerate() {
            assert_eq!(header(d, h::DLQ_REASON), "handler-failed");
            assert_eq!(header(d, h::DLQ_ATTEMPTS), "3");
            assert_eq!(header(d, h::DLQ_OFFSET), i.to_string());
            let error = header(d, h::DLQ_ERROR);
            assert!(
                error.contains("failed 3 time(s)") && error.contains(&format!("on f-{i}")),
                "{error}"
            );
        }

        // Dead-lettered records are committed: the group does not see them again.
        let again =
            Consumer::<String, Shipment, Headers>::new(&config, &TOPIC, "failing-group").unwrap();
        let summary = again
            .run_until(
                |_r: Received<String, Shipment, Headers>| async { Ok::<(), String>(()) },
                tokio::time::sleep(Duration::from_secs(6)),
            )
            .await
            .unwrap();
        assert_eq!(summary.handled, 0);
    });
}

const CHILD_VAR: &str = "SCHEMAGATE_RUNTIME_HARNESS_CHILD";

fn member_config(bootstrap: &str, registry: &str) -> Config {
    // Short sessions: the partitions of a killed member move on after 6 s.
    Config::new(bootstrap, registry)
        .kafka("fetch.wait.max.ms", "50")
        .kafka("session.timeout.ms", "6000")
        .kafka("heartbeat.interval.ms", "500")
}

/// A consumer process for the at-least-once test, which starts it (with `CHILD_VAR` set to
/// `bootstrap|registry`) and then stops it with SIGTERM or SIGKILL; does nothing otherwise.
/// It prints each record before its handler returns, and its summary when it stops.
#[test]
fn consumer_child_process() {
    let Some(target) = var(CHILD_VAR) else { return };
    let (bootstrap, registry) = target.split_once('|').unwrap();
    static TOPIC: Topic = topic("alo", SubjectStrategy::TopicName);
    let config = member_config(bootstrap, registry);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let consumer =
            Consumer::<String, Order, Headers>::new(&config, &TOPIC, "alo-group").unwrap();
        // Until SIGINT or SIGTERM.
        let summary = consumer
            .run(|r: Received<String, Order, Headers>| async move {
                println!("handled {} {} {}", r.value.id, r.partition, r.offset);
                // Slow enough to be stopped mid-stream, and to commit as it goes.
                tokio::time::sleep(Duration::from_millis(10)).await;
                Ok::<(), String>(())
            })
            .await
            .unwrap();
        consumer.close().unwrap();
        println!("summary {}", summary.handled);
    });
}

type Seen = Arc<Mutex<Vec<(String, i32, i64)>>>;

/// Runs `consumer_child_process` until it handled `stop_after` records, then sends it
/// `signal`; answers whether it exited by itself and the summary it printed.
fn run_child(env: &Env, signal: &str, stop_after: usize, seen: Seen) -> (bool, Option<u64>) {
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "consumer_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            CHILD_VAR,
            format!("{}|{}", env.bootstrap, env.registry.url()),
        )
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
    let mut summary = None;
    let mut signalled = false;
    for line in lines.map_while(Result::ok) {
        // libtest may print its own text before the first line.
        if let Some((_, n)) = line.split_once("summary ") {
            summary = n.trim().parse().ok();
        }
        let Some((_, rest)) = line.split_once("handled ") else {
            continue;
        };
        let parts: Vec<&str> = rest.split(' ').collect();
        let n = {
            let mut seen = seen.lock().unwrap();
            seen.push((
                parts[0].to_string(),
                parts[1].parse().unwrap(),
                parts[2].parse().unwrap(),
            ));
            seen.len()
        };
        if n == stop_after && !signalled {
            signalled = true;
            let sent = std::process::Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success(), "kill {signal}");
        }
    }
    let status = child.wait().unwrap();
    assert!(
        signalled,
        "the child consumer ended before handling {stop_after} records: {status}"
    );
    (status.success(), summary)
}

#[test]
fn stopped_and_killed_consumers_lose_nothing_and_rereads_stay_at_least_once() {
    let Some(env) = Env::start() else { return };
    static TOPIC: Topic = topic("alo", SubjectStrategy::TopicName);
    env.runtime().block_on(async {
        env.create_topics(&[("alo", 3)]).await;
        let config = member_config(&env.bootstrap, &env.registry.url());
        let total = 400usize;
        let producer = Producer::<String, Order, Headers>::new(&config, &TOPIC).await.unwrap();
        // One record per batch: tansu 0.6 answers a fetch that starts inside a record batch
        // with nothing (it does not return the batch holding the offset, as Kafka does), so a
        // group resuming from a committed offset in the middle of a batch would skip the rest
        // of that batch. Sending one record at a time keeps every offset at a batch start.
        let mut ends: BTreeMap<i32, i64> = BTreeMap::new();
        for i in 0..total {
            let o = Order { id: format!("r-{i}"), total: None, items: vec![] };
            let d = producer.send(&o.id, &o, &headers(i)).await.unwrap();
            ends.insert(d.partition, d.offset + 1);
        }

        let handler = |seen: Seen, stop_at: usize, stop: Arc<tokio::sync::Notify>| {
            move |r: Received<String, Order, Headers>| {
                let (seen, stop) = (seen.clone(), stop.clone());
                async move {
                    let mut s = seen.lock().unwrap();
                    s.push((r.value.id, r.partition, r.offset));
                    if s.len() == stop_at {
                        stop.notify_one();
                    }
                    Ok::<(), String>(())
                }
            }
        };

        // A: stopped by its shutdown future after 100 records.
        let a: Seen = Arc::default();
        let stop = Arc::new(tokio::sync::Notify::new());
        let consumer = Consumer::<String, Order, Headers>::new(&config, &TOPIC, "alo-group").unwrap();
        let stop2 = stop.clone();
        let summary = consumer
            .run_until(handler(a.clone(), 100, stop.clone()), async move { stop2.notified().await })
            .await
            .unwrap();
        assert_eq!(summary.handled, 100, "the record in flight is finished, none after it");
        consumer.close().unwrap();

        // B: a process stopped with SIGTERM after 100 more: it finishes the record in flight,
        // commits and leaves.
        let b: Seen = Arc::default();
        let (b2, env2) = (b.clone(), &env);
        let (clean, summary) = run_child(env2, "-TERM", 100, b2);
        assert!(clean, "SIGTERM ends the handler loop and the process normally");
        assert_eq!(summary, Some(b.lock().unwrap().len() as u64), "every record printed was handled");

        // C: a process killed with SIGKILL after 100 more: no final commit, no leaving.
        let c: Seen = Arc::default();
        let (clean, _) = run_child(&env, "-KILL", 100, c.clone());
        assert!(!clean);

        // D: reads until everything was seen.
        let d: Seen = Arc::default();
        let consumer = Consumer::<String, Order, Headers>::new(&config, &TOPIC, "alo-group").unwrap();
        let done = Arc::new(tokio::sync::Notify::new());
        let watcher = {
            let (seen, done) = ([a.clone(), b.clone(), c.clone(), d.clone()], done.clone());
            async move {
                let deadline = Instant::now() + Duration::from_secs(90);
                loop {
                    let all: BTreeSet<String> = seen
                        .iter()
                        .flat_map(|s| s.lock().unwrap().clone())
                        .map(|(id, _, _)| id)
                        .collect();
                    if all.len() == total || Instant::now() > deadline {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                done.notify_one();
            }
        };
        let never = Arc::new(tokio::sync::Notify::new());
        let run = consumer.run_until(handler(d.clone(), usize::MAX, never), async { done.notified().await });
        let (summary, ()) = tokio::join!(run, watcher);
        summary.unwrap();
        consumer.close().unwrap();

        let take = |s: &Seen| s.lock().unwrap().clone();
        let (a, b, c, d) = (take(&a), take(&b), take(&c), take(&d));
        let ranges = |v: &Vec<(String, i32, i64)>| {
            let mut m: BTreeMap<i32, (i64, i64, usize)> = BTreeMap::new();
            for (_, p, o) in v {
                let e = m.entry(*p).or_insert((i64::MAX, -1, 0));
                *e = (e.0.min(*o), e.1.max(*o), e.2 + 1);
            }
            m
        };
        eprintln!(
            "partition ends {ends:?}; (first, last, count) per partition: A {:?} B {:?} C {:?} D {:?}",
            ranges(&a),
            ranges(&b),
            ranges(&c),
            ranges(&d)
        );
        let set = |v: &Vec<(String, i32, i64)>| v.iter().map(|(id, _, _)| id.clone()).collect::<BTreeSet<_>>();
        let (sa, sb, sc, sd) = (set(&a), set(&b), set(&c), set(&d));
        let all: BTreeSet<&String> = sa.iter().chain(&sb).chain(&sc).chain(&sd).collect();
        assert_eq!(all.len(), total, "nothing is lost");
        for (name, later) in [("B", &sb), ("C", &sc), ("D", &sd)] {
            assert_eq!(sa.intersection(later).count(), 0, "{name} re-read records A committed");
        }
        for (name, later) in [("C", &sc), ("D", &sd)] {
            assert_eq!(sb.intersection(later).count(), 0, "{name} re-read records B committed");
        }
        // C was killed: D re-reads what C handled after C's last commit (at-least-once), no more.
        let reread = sc.intersection(&sd).count();
        eprintln!(
            "A handled {}, B {} (SIGTERM), C {} (SIGKILL), D {}; D re-read {reread} of C's",
            a.len(),
            b.len(),
            c.len(),
            d.len()
        );
        assert_eq!(a.len() + b.len() + c.len() + d.len() - reread, total, "no other record twice");
        assert!(
            reread < c.len(),
            "C committed as it went (every {:?}), so D re-reads only part of what C handled",
            schemagate_codegen_runtime_harness::runtime::consume::COMMIT_INTERVAL
        );
    });
}

#[test]
fn throughput_of_the_typed_producer_and_consumer() {
    let Some(env) = Env::start() else { return };
    static TOPIC: Topic = topic("bench.orders", SubjectStrategy::TopicName);
    env.runtime().block_on(async {
        env.create_topics(&[("bench.orders", 3)]).await;
        let config = env.config().kafka("linger.ms", "5");
        let total = 20_000usize;
        let producer = Producer::<String, Order, Headers>::new(&config, &TOPIC).await.unwrap();
        let started = Instant::now();
        let sends = (0..total).map(|i| {
            let producer = &producer;
            async move {
                let o = Order {
                    id: format!("b-{i}"),
                    total: Some(Money { currency: "EUR".into(), units: i as i64 }),
                    items: vec!["x".into(), "y".into()],
                };
                producer.send(&o.id, &o, &headers(i)).await.unwrap()
            }
        });
        futures::stream::iter(sends).buffer_unordered(5_000).collect::<Vec<_>>().await;
        let produced = started.elapsed();

        let consumer = Consumer::<String, Order, Headers>::new(&config, &TOPIC, "bench-group").unwrap();
        let count = Arc::new(AtomicU32::new(0));
        let stop = Arc::new(tokio::sync::Notify::new());
        let started = Instant::now();
        let (count2, stop2) = (count.clone(), stop.clone());
        let summary = consumer
            .run_until(
                move |_r: Received<String, Order, Headers>| {
                    if count2.fetch_add(1, Ordering::Relaxed) + 1 == total as u32 {
                        stop2.notify_one();
                    }
                    async { Ok::<(), String>(()) }
                },
                async move {
                    tokio::select! {
                        _ = stop.notified() => {}
                        _ = tokio::time::sleep(Duration::from_secs(120)) => {}
                    }
                },
            )
            .await
            .unwrap();
        let consumed = started.elapsed();
        assert_eq!(summary.handled, total as u64);
        eprintln!(
            "throughput: produced {total} Protobuf records (awaiting each delivery report, 5000 in flight) in {:.2}s = {:.0}/s; \
             consumed them (decode + handler + commits) in {:.2}s = {:.0}/s",
            produced.as_secs_f64(),
            total as f64 / produced.as_secs_f64(),
            consumed.as_secs_f64(),
            total as f64 / consumed.as_secs_f64()
        );
    });
}
