//! Unit tests of the runtime that need neither Kafka nor a registry: framing, backoff bounds,
//! configuration and its redaction, headers, subject names, Avro resolution.

use std::sync::Arc;
use std::time::Duration;

use schemagate_codegen_runtime_harness::payloads::{
    AvroMoney, AvroOrderV1, AvroOrderV2, Headers, Order, OrderCancelled, Shipment,
};
use schemagate_codegen_runtime_harness::runtime::backoff::{Backoff, XorShift};
use schemagate_codegen_runtime_harness::runtime::config::{is_secret, redact_url};
use schemagate_codegen_runtime_harness::runtime::headers::{parse_int, parse_uuid};
use schemagate_codegen_runtime_harness::runtime::wire::{self, read_frame, write_header};
use schemagate_codegen_runtime_harness::runtime::{
    CodecError, Config, Error, HeaderError, HeaderSet, Payload, RegistryAuth, SchemaKind,
    SubjectStrategy, Topic, WriterSchema, subject_name,
};

fn framed(id: i32, indexes: Option<&[i32]>, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_header(&mut out, id, indexes);
    out.extend_from_slice(payload);
    out
}

#[test]
fn framing_round_trips_for_each_format() {
    let avro = framed(300, None, b"payload");
    assert_eq!(&avro[..5], &[0, 0, 0, 1, 44]);
    let f = read_frame(&avro, false).unwrap();
    assert_eq!(
        (f.schema_id, f.indexes.as_slice(), f.payload),
        (300, &[][..], &b"payload"[..])
    );

    let nested = framed(7, Some(&[1, 0, 70]), b"x");
    // count 3 -> 6, 1 -> 2, 0 -> 0, 70 -> 140 = 0x8c 0x01
    assert_eq!(&nested[5..10], &[6, 2, 0, 0x8c, 0x01]);
    let f = read_frame(&nested, true).unwrap();
    assert_eq!(
        (f.schema_id, f.indexes, f.payload),
        (7, vec![1, 0, 70], &b"x"[..])
    );

    let big = framed(i32::MAX, Some(&[2]), b"");
    let f = read_frame(&big, true).unwrap();
    assert_eq!(
        (f.schema_id, f.indexes, f.payload),
        (i32::MAX, vec![2], &b""[..])
    );
}

#[test]
fn the_first_message_is_the_single_zero_byte() {
    let bytes = framed(1, Some(&[0]), b"p");
    assert_eq!(bytes, [0, 0, 0, 0, 1, 0, b'p']);
    assert_eq!(read_frame(&bytes, true).unwrap().indexes, vec![0]);
    // An empty index list means the same thing and is written the same way.
    assert_eq!(framed(1, Some(&[]), b"p"), bytes);
}

#[test]
fn bad_frames_are_refused_with_the_reason() {
    let e = read_frame(b"{\"a\":1}", false).unwrap_err();
    assert_eq!(e, CodecError::BadMagic(b'{'));
    assert!(e.to_string().contains("magic byte is 0x7b"), "{e}");
    assert_eq!(
        read_frame(&[0, 0, 0], false).unwrap_err(),
        CodecError::TooShort { len: 3 }
    );
    assert!(
        read_frame(&[], true)
            .unwrap_err()
            .to_string()
            .contains("0 bytes: too short")
    );
    // Indexes announced but missing, or truncated in the middle of a varint.
    assert!(matches!(
        read_frame(&[0, 0, 0, 0, 1], true),
        Err(CodecError::BadIndexes(_))
    ));
    assert!(matches!(
        read_frame(&[0, 0, 0, 0, 1, 0x80], true),
        Err(CodecError::BadIndexes(_))
    ));
    assert!(matches!(
        read_frame(&[0, 0, 0, 0, 1, 4, 2], true),
        Err(CodecError::BadIndexes(_))
    ));
    // A negative count or index.
    assert!(matches!(
        read_frame(&[0, 0, 0, 0, 1, 1], true),
        Err(CodecError::BadIndexes(_))
    ));
    assert!(matches!(
        read_frame(&[0, 0, 0, 0, 1, 2, 1], true),
        Err(CodecError::BadIndexes(_))
    ));
    // An absurd count.
    let mut many = vec![0, 0, 0, 0, 1];
    wire::write_zigzag(&mut many, 1000);
    assert!(matches!(
        read_frame(&many, true),
        Err(CodecError::BadIndexes(_))
    ));
}

#[test]
fn zigzag_varints_round_trip() {
    for v in [
        0i64,
        1,
        -1,
        63,
        -64,
        64,
        300,
        i32::MAX as i64,
        i64::MIN,
        i64::MAX,
    ] {
        let mut out = Vec::new();
        wire::write_zigzag(&mut out, v);
        let mut input = out.as_slice();
        assert_eq!(wire::read_zigzag(&mut input), Some(v));
        assert!(input.is_empty());
    }
}

#[test]
fn backoff_delays_stay_within_the_exponential_ceiling() {
    let base = Duration::from_millis(100);
    let max = Duration::from_secs(2);
    let mut b = Backoff::new(base, max);
    let mut total_above_half = 0;
    for attempt in 0..40u32 {
        let ceiling = b.ceiling();
        let expected = base.saturating_mul(1u32 << attempt.min(20)).min(max);
        assert_eq!(ceiling, expected, "attempt {attempt}");
        let d = b.next_delay();
        assert!(d <= ceiling, "attempt {attempt}: {d:?} > {ceiling:?}");
        if d > ceiling / 2 {
            total_above_half += 1;
        }
    }
    assert_eq!(b.attempts(), 40);
    // Full jitter: roughly half the delays fall in the upper half of the range.
    assert!((8..=32).contains(&total_above_half), "{total_above_half}");
    b.reset();
    assert_eq!(b.ceiling(), base);
}

#[test]
fn jitter_is_spread_and_generators_differ() {
    let mut rng = XorShift::with_seed(42);
    let mut buckets = [0u32; 10];
    for _ in 0..10_000 {
        let v = rng.below_or_equal(999);
        assert!(v <= 999);
        buckets[(v / 100) as usize] += 1;
    }
    assert!(
        buckets.iter().all(|b| (800..=1200).contains(b)),
        "{buckets:?}"
    );
    let (mut a, mut b) = (XorShift::new(), XorShift::new());
    assert_ne!(a.next_u64(), b.next_u64());
    assert_eq!(
        XorShift::with_seed(0).next_u64(),
        XorShift::with_seed(0).next_u64()
    );
}

#[test]
fn config_from_env_maps_kafka_variables_and_registry_settings() {
    let config = Config::from_vars([
        ("KAFKA_BOOTSTRAP_SERVERS", "broker:9092"),
        ("KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
        ("KAFKA_SASL_MECHANISM", "PLAIN"),
        ("KAFKA_SASL_USERNAME", "svc"),
        ("KAFKA_SASL_PASSWORD", "kafka-secret-1"),
        ("KAFKA_SSL_CA_LOCATION", "/etc/ca.pem"),
        ("SCHEMA_REGISTRY_URL", "https://registry.example:8081/"),
        (
            "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO",
            "reg-user:reg:pass-2",
        ),
        ("SCHEMA_REGISTRY_CA_LOCATION", "/etc/registry-ca.pem"),
        ("PATH", "/usr/bin"),
    ])
    .unwrap();
    assert_eq!(config.bootstrap_servers(), "broker:9092");
    assert_eq!(config.kafka_setting("security.protocol"), Some("SASL_SSL"));
    assert_eq!(config.kafka_setting("sasl.mechanism"), Some("PLAIN"));
    assert_eq!(config.kafka_setting("sasl.username"), Some("svc"));
    assert_eq!(
        config.kafka_setting("sasl.password"),
        Some("kafka-secret-1")
    );
    assert_eq!(config.kafka_setting("ssl.ca.location"), Some("/etc/ca.pem"));
    assert_eq!(config.kafka_settings().count(), 6);
    assert_eq!(config.registry_url(), "https://registry.example:8081");
    assert_eq!(
        config.registry_auth(),
        &RegistryAuth::Basic {
            user: "reg-user".into(),
            password: "reg:pass-2".into()
        }
    );
    assert_eq!(config.registry_ca_location(), Some("/etc/registry-ca.pem"));
    assert!(config.auto_registers());
    assert_eq!(config.produce_timeout_value(), Duration::from_secs(30));

    let bearer = Config::from_vars([
        ("KAFKA_BOOTSTRAP_SERVERS", "b:1"),
        ("SCHEMA_REGISTRY_URL", "http://r"),
        ("SCHEMA_REGISTRY_BEARER_TOKEN", "tok-3"),
    ])
    .unwrap();
    assert_eq!(
        bearer.registry_auth(),
        &RegistryAuth::Bearer("tok-3".into())
    );
}

#[test]
fn config_from_env_reports_what_is_missing_without_values() {
    let e = Config::from_vars([("SCHEMA_REGISTRY_URL", "http://r")]).unwrap_err();
    assert!(matches!(e, Error::Config(_)));
    assert!(
        e.to_string().contains("KAFKA_BOOTSTRAP_SERVERS is not set"),
        "{e}"
    );
    let e = Config::from_vars([("KAFKA_BOOTSTRAP_SERVERS", "b:1")]).unwrap_err();
    assert!(
        e.to_string().contains("SCHEMA_REGISTRY_URL is not set"),
        "{e}"
    );
    let e = Config::from_vars([
        ("KAFKA_BOOTSTRAP_SERVERS", "b:1"),
        ("SCHEMA_REGISTRY_URL", "http://r"),
        ("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "no-colon-secret"),
    ])
    .unwrap_err();
    assert!(e.to_string().contains("user:password"), "{e}");
    assert!(!e.to_string().contains("no-colon-secret"), "{e}");
}

#[test]
fn debug_output_redacts_every_secret() {
    let config = Config::new("b:9092", "https://u:url-pass-4@registry.example/sr")
        .kafka("sasl.password", "kafka-secret-1")
        .kafka("ssl.key.password", "key-secret-2")
        .kafka("sasl.oauthbearer.client.secret", "oauth-secret-5")
        .kafka("sasl.username", "svc-user")
        .registry_basic_auth("reg-user", "reg-secret-3");
    let shown = format!("{config:?}");
    for secret in [
        "kafka-secret-1",
        "key-secret-2",
        "reg-secret-3",
        "url-pass-4",
        "oauth-secret-5",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    for visible in [
        "svc-user",
        "reg-user",
        "b:9092",
        "registry.example/sr",
        "<redacted>",
    ] {
        assert!(shown.contains(visible), "{visible} not in {shown}");
    }
    let bearer = format!(
        "{:?}",
        Config::new("b:1", "http://r").registry_bearer("tok-secret-6")
    );
    assert!(
        !bearer.contains("tok-secret-6") && bearer.contains("Bearer(<redacted>)"),
        "{bearer}"
    );
    assert!(
        is_secret("SASL.PASSWORD")
            && is_secret("ssl.keystore.password")
            && !is_secret("sasl.username")
    );
    assert_eq!(
        redact_url("http://a:b@h:1/p@q"),
        "http://<redacted>@h:1/p@q"
    );
    assert_eq!(redact_url("http://h:1/p"), "http://h:1/p");
}

#[test]
fn headers_parse_typed_values_and_report_bad_ones() {
    let trace = "0f8fad5b-d9cb-469f-a165-70867728950e";
    let sent = Headers {
        correlation_id: "c-1".into(),
        attempt: Some(-3),
        trace_id: Some(trace.into()),
    };
    let pairs = sent.to_pairs();
    let borrowed: Vec<(&str, &[u8])> = pairs.iter().map(|(n, v)| (*n, v.as_slice())).collect();
    assert_eq!(Headers::from_pairs(&borrowed).unwrap(), sent);
    assert_eq!(sent.get("attempt").as_deref(), Some("-3"));
    assert_eq!(sent.get("nope"), None);

    // Optional headers may be absent and are then not sent.
    let minimal = Headers {
        correlation_id: "c-2".into(),
        ..Headers::default()
    };
    assert_eq!(minimal.to_pairs().len(), 1);
    assert_eq!(
        Headers::from_pairs(&[("correlation-id", b"c-2")]).unwrap(),
        minimal
    );

    assert_eq!(
        Headers::from_pairs(&[("attempt", b"1")]).unwrap_err(),
        HeaderError::Missing {
            name: "correlation-id".into()
        }
    );
    let e = Headers::from_pairs(&[("correlation-id", b"c"), ("attempt", b"one")]).unwrap_err();
    assert!(
        matches!(&e, HeaderError::Invalid { name, expected: "int", .. } if name == "attempt"),
        "{e}"
    );
    assert!(e.to_string().contains("`one`"), "{e}");
    let e = Headers::from_pairs(&[("correlation-id", &[0xff, 0xfe])]).unwrap_err();
    assert!(
        matches!(
            e,
            HeaderError::Invalid {
                expected: "string",
                ..
            }
        ),
        "{e}"
    );
    assert!(parse_uuid("t", b"0f8fad5b-d9cb-469f-a165-70867728950").is_err());
    assert!(parse_uuid("t", b"0f8fad5b_d9cb-469f-a165-70867728950e").is_err());
    assert!(parse_uuid("t", b"0F8FAD5B-D9CB-469F-A165-70867728950E").is_ok());
    assert!(parse_int("n", b" 1").is_err());
    assert_eq!(parse_int("n", b"9223372036854775807").unwrap(), i64::MAX);
}

#[test]
fn subjects_follow_the_contract_or_the_strategy() {
    let mut topic = Topic {
        name: "orders.v1",
        value_subject: None,
        key_subject: None,
        strategy: SubjectStrategy::TopicName,
        propagated_headers: &[],
    };
    assert_eq!(subject_name(&topic, "acme.Order", false), "orders.v1-value");
    assert_eq!(subject_name(&topic, "acme.Key", true), "orders.v1-key");
    topic.strategy = SubjectStrategy::RecordName;
    assert_eq!(subject_name(&topic, "acme.Order", false), "acme.Order");
    topic.strategy = SubjectStrategy::TopicRecordName;
    assert_eq!(
        subject_name(&topic, "acme.Order", false),
        "orders.v1-acme.Order"
    );
    assert_eq!(subject_name(&topic, "acme.Key", true), "orders.v1-acme.Key");
    topic.value_subject = Some("orders-value");
    assert_eq!(subject_name(&topic, "acme.Order", false), "orders-value");
    assert_eq!(subject_name(&topic, "acme.Key", true), "orders.v1-acme.Key");
}

fn writer(
    id: i32,
    def: &'static schemagate_codegen_runtime_harness::runtime::SchemaDef,
) -> WriterSchema {
    WriterSchema {
        id,
        kind: def.kind,
        text: Arc::from(def.text),
        references: def
            .references
            .iter()
            .map(|r| (r.name.to_string(), Arc::from(r.schema.text)))
            .collect(),
    }
}

#[test]
fn payloads_of_each_format_round_trip() {
    let order = Order {
        id: "o-1".into(),
        total: Some(schemagate_codegen_runtime_harness::payloads::Money {
            currency: "EUR".into(),
            units: 1250,
        }),
        items: vec!["a".into(), "b".into()],
    };
    let mut out = Vec::new();
    order.encode(&mut out).unwrap();
    assert_eq!(
        Order::decode(&out, &writer(1, Order::SCHEMA)).unwrap(),
        order
    );
    assert_eq!(OrderCancelled::MESSAGE_INDEXES, &[1]);

    let shipment = Shipment {
        id: "s".into(),
        carrier: "dhl".into(),
        weight_grams: 12,
    };
    let mut out = Vec::new();
    shipment.encode(&mut out).unwrap();
    assert_eq!(
        Shipment::decode(&out, &writer(2, Shipment::SCHEMA)).unwrap(),
        shipment
    );
    assert!(matches!(
        Shipment::decode(b"{", &writer(2, Shipment::SCHEMA)),
        Err(CodecError::Json(_))
    ));
    assert_eq!(Shipment::SCHEMA.kind, SchemaKind::Json);
}

#[test]
fn avro_resolves_writer_and_reader_schemas_both_ways() {
    let total = AvroMoney {
        currency: "EUR".into(),
        units: 990,
    };
    let v2 = AvroOrderV2 {
        id: "o-2".into(),
        total: total.clone(),
        note: Some("fragile".into()),
        priority: 7,
    };
    let mut bytes = Vec::new();
    v2.encode(&mut bytes).unwrap();
    // Same schema.
    assert_eq!(
        AvroOrderV2::decode(&bytes, &writer(11, AvroOrderV2::SCHEMA)).unwrap(),
        v2
    );
    // An older reader drops the fields it does not know.
    let old = AvroOrderV1::decode(&bytes, &writer(11, AvroOrderV2::SCHEMA)).unwrap();
    assert_eq!(
        old,
        AvroOrderV1 {
            id: "o-2".into(),
            total: total.clone()
        }
    );
    // A newer reader fills in the defaults.
    let v1 = AvroOrderV1 {
        id: "o-1".into(),
        total: total.clone(),
    };
    let mut bytes = Vec::new();
    v1.encode(&mut bytes).unwrap();
    let new = AvroOrderV2::decode(&bytes, &writer(10, AvroOrderV1::SCHEMA)).unwrap();
    assert_eq!(
        new,
        AvroOrderV2 {
            id: "o-1".into(),
            total,
            note: None,
            priority: 0
        }
    );
    // Garbage and a writer schema that does not parse are codec errors naming the id.
    let e = AvroOrderV1::decode(&[0xff, 0xff, 0xff], &writer(10, AvroOrderV1::SCHEMA)).unwrap_err();
    assert!(
        matches!(&e, CodecError::Avro(m) if m.contains("schema id 10")),
        "{e}"
    );
    let broken = WriterSchema {
        id: 12,
        kind: SchemaKind::Avro,
        text: Arc::from("{\"type\":"),
        references: vec![],
    };
    let e = AvroOrderV1::decode(&bytes, &broken).unwrap_err();
    assert!(
        matches!(&e, CodecError::Avro(m) if m.contains("writer schema id 12")),
        "{e}"
    );
}
