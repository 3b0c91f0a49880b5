//! The registry client against schemagate's own registry server (no Docker needed), and against
//! a scripted HTTP server for the retry rules.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use schemagate_codegen_runtime_harness::payloads::{
    AvroOrderV1, MONEY_AVRO, MONEY_PROTO, ORDER_AVRO_V1, ORDER_PROTO, Order,
};
use schemagate_codegen_runtime_harness::runtime::{
    Config, Error, Payload, Producer, RegistryError, SchemaKind, SubjectStrategy, Topic,
};

fn server(
    basic_auth: Option<(&str, &str)>,
) -> (
    tempfile::TempDir,
    schemagate_registry::server::RunningServer,
) {
    let dir = tempfile::tempdir().unwrap();
    let server = schemagate_registry::server::spawn(schemagate_registry::server::ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        db_path: dir.path().join("registry.db"),
        basic_auth: basic_auth.map(|(u, p)| (u.to_string(), p.to_string())),
        read_only: false,
    })
    .unwrap();
    (dir, server)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

// Nothing listens there; producers connect lazily, so these tests need no broker.
const NO_BROKER: &str = "127.0.0.1:9";

static TOPIC: Topic = Topic {
    name: "orders",
    value_subject: None,
    key_subject: None,
    strategy: SubjectStrategy::TopicName,
    propagated_headers: &[],
};

static UNREGISTERED: Topic = Topic {
    name: "unregistered",
    value_subject: None,
    key_subject: None,
    strategy: SubjectStrategy::TopicName,
    propagated_headers: &[],
};

#[test]
fn references_are_registered_first_and_resolved_transitively_by_id() {
    let (_dir, server) = server(None);
    runtime().block_on(async {
        let config = Config::new(NO_BROKER, &server.url());
        let registry = config.registry().unwrap();
        let id = registry
            .register("orders-value", &ORDER_PROTO)
            .await
            .unwrap();
        // Same schema again: the same id, from the cache or the registry.
        assert_eq!(
            registry
                .register("orders-value", &ORDER_PROTO)
                .await
                .unwrap(),
            id
        );
        assert_eq!(
            registry.lookup("orders-value", &ORDER_PROTO).await.unwrap(),
            id
        );
        // A fresh client (no cache) finds it without registering.
        let lookup_only = Config::new(NO_BROKER, &server.url()).auto_register(false);
        assert_eq!(
            lookup_only
                .registry()
                .unwrap()
                .lookup("orders-value", &ORDER_PROTO)
                .await
                .unwrap(),
            id
        );

        let writer = registry.schema_by_id(id).await.unwrap();
        assert_eq!((writer.id, writer.kind), (id, SchemaKind::Protobuf));
        assert_eq!(&*writer.text, ORDER_PROTO.text);
        assert_eq!(writer.references.len(), 1);
        assert_eq!(writer.references[0].0, "harness/common/v1/money.proto");
        assert_eq!(&*writer.references[0].1, MONEY_PROTO.text);
        // Cached: the same allocation.
        assert!(Arc::ptr_eq(
            &writer,
            &registry.schema_by_id(id).await.unwrap()
        ));

        // Avro: the referenced record by full name, under its own subject.
        let id = registry
            .register("avro-orders-value", &ORDER_AVRO_V1)
            .await
            .unwrap();
        let writer = registry.schema_by_id(id).await.unwrap();
        assert_eq!(writer.kind, SchemaKind::Avro);
        assert_eq!(
            writer.references,
            vec![(
                "harness.common.Money".to_string(),
                Arc::from(MONEY_AVRO.text)
            )]
        );
        let payload = {
            let mut out = Vec::new();
            AvroOrderV1 {
                id: "x".into(),
                total: schemagate_codegen_runtime_harness::payloads::AvroMoney {
                    currency: "EUR".into(),
                    units: 1,
                },
            }
            .encode(&mut out)
            .unwrap();
            out
        };
        assert_eq!(AvroOrderV1::decode(&payload, &writer).unwrap().id, "x");

        // A producer that only looks up fails clearly when the subject lacks the schema.
        let e = Producer::<String, Order, ()>::new(&lookup_only, &UNREGISTERED)
            .await
            .unwrap_err();
        let text = e.to_string();
        assert!(
            matches!(&e, Error::Registry(r) if r.is_not_found()),
            "{text}"
        );
        assert!(
            text.contains("unregistered-value") && text.contains(&server.url()),
            "{text}"
        );

        let e = registry.schema_by_id(4242).await.unwrap_err();
        assert!(
            e.is_not_found() && e.to_string().contains("schema id 4242"),
            "{e}"
        );
    });
}

#[test]
fn basic_auth_works_and_a_wrong_password_is_a_clear_error_without_the_password() {
    let (_dir, server) = server(Some(("alice", "right-password-7")));
    runtime().block_on(async {
        let good =
            Config::new(NO_BROKER, &server.url()).registry_basic_auth("alice", "right-password-7");
        let producer = Producer::<String, Order, ()>::new(&good, &TOPIC)
            .await
            .unwrap();
        assert!(producer.value_schema_id() > 0);

        let bad =
            Config::new(NO_BROKER, &server.url()).registry_basic_auth("alice", "wrong-password-8");
        let started = Instant::now();
        let e = Producer::<String, Order, ()>::new(&bad, &TOPIC)
            .await
            .unwrap_err();
        let text = e.to_string();
        eprintln!("wrong password: {text}");
        assert!(
            matches!(&e, Error::Registry(RegistryError::Http { status: 401, .. })),
            "{text}"
        );
        assert!(
            text.contains(&server.url()) && text.contains("orders-value") && text.contains("401"),
            "{text}"
        );
        assert!(
            !text.contains("wrong-password-8") && !format!("{e:?}").contains("wrong-password-8"),
            "{e:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "4xx answers are not retried"
        );

        // Credentials in the URL work too and are not shown.
        let url = server
            .url()
            .replacen("://", "://alice:right-password-7@", 1);
        let in_url = Config::new(NO_BROKER, &url);
        let registry = in_url.registry().unwrap();
        assert!(
            !registry.url().contains("right-password-7")
                && !format!("{in_url:?}").contains("right-password-7")
        );
        registry
            .schema_by_id(producer.value_schema_id())
            .await
            .unwrap();

        let none = Config::new(NO_BROKER, &server.url());
        let e = none.registry().unwrap().schema_by_id(1).await.unwrap_err();
        assert!(matches!(e, RegistryError::Http { status: 401, .. }), "{e}");
    });
}

/// A server answering each request with the next of `answers` (status, body), then 500.
fn scripted(answers: Vec<(u16, &'static str)>) -> (String, Arc<AtomicU32>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicU32::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let n = seen.fetch_add(1, Ordering::SeqCst) as usize;
            let (status, text) = answers.get(n).copied().unwrap_or((500, "{}"));
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                text.len()
            );
        }
    });
    (url, count)
}

#[test]
fn server_errors_are_retried_and_client_errors_are_not() {
    runtime().block_on(async {
        let (url, count) = scripted(vec![(503, "{}"), (502, "busy"), (200, r#"{"id": 42}"#)]);
        let registry = Config::new(NO_BROKER, &url).registry().unwrap();
        assert_eq!(
            registry.register("s-value", &MONEY_PROTO).await.unwrap(),
            42
        );
        assert_eq!(count.load(Ordering::SeqCst), 3);

        let (url, count) = scripted(vec![(
            422,
            r#"{"error_code": 42201, "message": "Invalid schema"}"#,
        )]);
        let registry = Config::new(NO_BROKER, &url).registry().unwrap();
        let e = registry
            .register("s-value", &MONEY_PROTO)
            .await
            .unwrap_err();
        assert_eq!(count.load(Ordering::SeqCst), 1);
        let text = e.to_string();
        assert!(
            text.contains("HTTP 422 (error code 42201): Invalid schema")
                && text.contains("s-value"),
            "{text}"
        );

        let (url, count) = scripted(vec![]);
        let registry = Config::new(NO_BROKER, &url).registry().unwrap();
        let e = registry.schema_by_id(3).await.unwrap_err();
        assert_eq!(count.load(Ordering::SeqCst), 5, "{e}");
        assert!(
            matches!(e, RegistryError::Http { status: 500, .. }) && e.is_transient(),
            "{e}"
        );
    });
}

#[test]
fn an_unreachable_registry_is_retried_then_reported_with_its_url() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    runtime().block_on(async {
        let url = format!("http://user:pw-secret-9@127.0.0.1:{port}");
        let registry = Config::new(NO_BROKER, &url).registry().unwrap();
        let started = Instant::now();
        let e = registry
            .register("gone-value", &MONEY_PROTO)
            .await
            .unwrap_err();
        let text = e.to_string();
        eprintln!("unreachable: {text}");
        assert!(
            matches!(e, RegistryError::Transport { .. }) && e.is_transient(),
            "{text}"
        );
        assert!(
            text.contains(&format!("http://<redacted>@127.0.0.1:{port}")),
            "{text}"
        );
        assert!(
            text.contains("gone-value") && text.contains("5 attempts"),
            "{text}"
        );
        assert!(!text.contains("pw-secret-9"), "{text}");
        assert!(started.elapsed() < Duration::from_secs(10));
    });
}
