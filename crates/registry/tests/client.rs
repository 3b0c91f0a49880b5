//! The registry client against the crate's real server on loopback, and against tiny local
//! TCP listeners that inject faults (5xx, closed connections, 400, silence).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::TestServer;
use schemagate_registry::client::{
    Auth, Client, ClientConfig, ClientError, Reference, Schema, SubjectNameStrategy, Version, register_with_references,
};

fn client_for(url: String) -> Client {
    let mut config = ClientConfig::new(url);
    config.backoff = Duration::from_millis(20);
    Client::new(&config).expect("client")
}

fn record(fields: usize) -> String {
    let extra: Vec<String> =
        (1..fields).map(|i| format!(r#",{{"name":"f{i}","type":["null","string"],"default":null}}"#)).collect();
    format!(
        r#"{{"type":"record","name":"User","namespace":"acme","fields":[{{"name":"id","type":"long"}}{}]}}"#,
        extra.concat()
    )
}

#[test]
fn every_call_round_trips_against_the_real_server() {
    let t = TestServer::start();
    let c = client_for(t.server.url());
    assert_eq!(c.subjects(false).unwrap(), Vec::<String>::new());
    assert_eq!(c.contexts().unwrap(), ["."]);

    let id1 = c.register("users-value", &Schema::avro(record(1))).unwrap();
    let id2 = c.register("users-value", &Schema::avro(record(2))).unwrap();
    assert_ne!(id1, id2);
    assert_eq!(c.register("users-value", &Schema::avro(record(2))).unwrap(), id2, "idempotent");
    assert_eq!(c.subjects(false).unwrap(), ["users-value"]);
    assert_eq!(c.versions("users-value", false).unwrap(), [1, 2]);

    let latest = c.version("users-value", Version::Latest).unwrap();
    assert_eq!((latest.version, latest.id, latest.schema_type.as_str()), (2, id2, "AVRO"));
    assert_eq!(c.version("users-value", Version::Number(1)).unwrap().id, id1);
    let by_id = c.schema_by_id(id1).unwrap();
    assert!(by_id.schema.contains("\"User\""));

    let found = c.lookup("users-value", &Schema::avro(record(1))).unwrap().expect("registered");
    assert_eq!((found.version, found.id), (1, id1));
    assert_eq!(c.lookup("users-value", &Schema::avro(record(5))).unwrap(), None, "40403");
    assert_eq!(c.lookup("nobody", &Schema::avro(record(1))).unwrap(), None, "40401");

    let ok = c.test_compatibility("users-value", Version::Latest, &Schema::avro(record(3))).unwrap();
    assert!(ok.is_compatible && ok.messages.is_empty(), "{ok:?}");
    let breaking =
        Schema::avro(r#"{"type":"record","name":"User","namespace":"acme","fields":[{"name":"id","type":"string"}]}"#);
    let bad = c.test_compatibility("users-value", Version::Number(2), &breaking).unwrap();
    assert!(!bad.is_compatible && !bad.messages.is_empty(), "{bad:?}");

    assert_eq!(c.config(None, false).unwrap(), "BACKWARD");
    assert_eq!(c.set_config(Some("users-value"), "FULL").unwrap(), "FULL");
    assert_eq!(c.config(Some("users-value"), false).unwrap(), "FULL");
    assert_eq!(c.set_config(None, "NONE").unwrap(), "NONE");
    let unset = c.config(Some("other"), false).unwrap_err();
    assert_eq!(unset.error_code(), Some(40408), "{unset}");
    assert_eq!(c.config(Some("other"), true).unwrap(), "NONE", "defaultToGlobal");

    assert_eq!(c.mode(None, false).unwrap(), "READWRITE");
    assert_eq!(c.set_mode(Some("users-value"), "READONLY", false).unwrap(), "READONLY");
    assert_eq!(c.mode(Some("users-value"), false).unwrap(), "READONLY");
    assert_eq!(c.mode(Some("other"), true).unwrap(), "READWRITE");
    let refused = c.register("users-value", &Schema::avro(record(3))).unwrap_err();
    assert_eq!(refused.error_code(), Some(42205), "{refused}");
    c.set_mode(Some("users-value"), "READWRITE", false).unwrap();

    assert_eq!(c.referenced_by("users-value", Version::Number(1)).unwrap(), Vec::<i64>::new());

    assert_eq!(c.delete_version("users-value", Version::Number(1), false).unwrap(), 1);
    assert_eq!(c.versions("users-value", false).unwrap(), [2]);
    assert_eq!(c.versions("users-value", true).unwrap(), [1, 2]);
    assert_eq!(c.delete_version("users-value", Version::Number(1), true).unwrap(), 1);
    assert_eq!(c.versions("users-value", true).unwrap(), [2]);
    assert_eq!(c.delete_subject("users-value", false).unwrap(), [2]);
    assert_eq!(c.subjects(false).unwrap(), Vec::<String>::new());
    assert_eq!(c.subjects(true).unwrap(), ["users-value"]);
    assert_eq!(c.delete_subject("users-value", true).unwrap(), [2]);
    assert_eq!(c.subjects(true).unwrap(), Vec::<String>::new());
}

#[test]
fn schema_contexts_through_qualified_subjects_and_context_urls() {
    let t = TestServer::start();
    let plain = client_for(t.server.url());
    let team = client_for(format!("{}/contexts/.team", t.server.url()));
    let default_id = plain.register("users-value", &Schema::avro(record(1))).unwrap();
    let team_id = team.register("users-value", &Schema::avro(record(2))).unwrap();
    assert_eq!((default_id, team_id), (1, 1), "each context has its own ids");
    assert_eq!(plain.register(":.team:other", &Schema::avro(record(3))).unwrap(), 2);

    assert_eq!(plain.contexts().unwrap(), [".", ".team"]);
    assert_eq!(plain.subjects(false).unwrap(), [":.team:other", ":.team:users-value", "users-value"]);
    assert_eq!(team.subjects(false).unwrap(), [":.team:other", ":.team:users-value"]);
    assert_eq!(team.versions("users-value", false).unwrap(), [1]);
    assert_eq!(team.version("users-value", Version::Latest).unwrap().schema, record(2));
    assert_eq!(plain.version(":.team:users-value", Version::Latest).unwrap().schema, record(2));

    assert_eq!(plain.schema_by_id(1).unwrap().schema, record(1));
    assert_eq!(team.schema_by_id(1).unwrap().schema, record(2));
    assert_eq!(plain.schema_by_id_for(1, ":.team:users-value").unwrap().schema, record(2));
    assert_eq!(plain.schema_by_id_for(2, ":.team:").unwrap().schema, record(3));
    assert_eq!(plain.schema_by_id_for(2, "other").unwrap().schema, record(3), "a plain name, found in `.team`");
    let missing = plain.schema_by_id(2).unwrap_err();
    assert_eq!(missing.error_code(), Some(40403), "{missing}");

    assert_eq!(team.set_config(None, "NONE").unwrap(), "NONE");
    assert_eq!(plain.config(Some(":.team:"), false).unwrap(), "NONE");
    assert_eq!(plain.config(None, false).unwrap(), "BACKWARD");
    assert_eq!(team.config(Some("users-value"), true).unwrap(), "NONE");
    let found = team.lookup("users-value", &Schema::avro(record(2))).unwrap().expect("registered");
    assert_eq!((found.subject.as_str(), found.id), (":.team:users-value", 1));
}

#[test]
fn incompatible_registration_is_a_distinct_error() {
    let t = TestServer::start();
    let c = client_for(t.server.url());
    c.register("t-value", &Schema::avro(record(1))).unwrap();
    let breaking =
        Schema::avro(r#"{"type":"record","name":"User","namespace":"acme","fields":[{"name":"id","type":"string"}]}"#);
    match c.register("t-value", &breaking).unwrap_err() {
        ClientError::Incompatible { subject, messages, path } => {
            assert_eq!(subject.as_deref(), Some("t-value"));
            assert_eq!(path, "/subjects/t-value/versions");
            assert!(!messages.is_empty() && !messages[0].is_empty(), "{messages:?}");
        }
        other => panic!("expected Incompatible, got {other:?}"),
    }
}

#[test]
fn not_found_errors_carry_code_message_path_subject_and_version() {
    let t = TestServer::start();
    let c = client_for(t.server.url());
    let e = c.version("ghost", Version::Latest).unwrap_err();
    assert_eq!((e.status(), e.error_code()), (Some(404), Some(40401)), "{e}");
    let text = e.to_string();
    assert!(text.contains("/subjects/ghost/versions/latest") && text.contains("`ghost`"), "{text}");
    assert!(text.contains("40401") && text.contains("version latest"), "{text}");
    match &e {
        ClientError::Registry { message, attempts, .. } => {
            assert!(!message.is_empty());
            assert_eq!(*attempts, 1, "404 is not retried");
        }
        other => panic!("{other:?}"),
    }

    c.register("s", &Schema::avro(record(1))).unwrap();
    let e = c.version("s", Version::Number(7)).unwrap_err();
    assert_eq!(e.error_code(), Some(40402), "{e}");
    assert!(e.to_string().contains("version 7"), "{e}");
    assert_eq!(c.schema_by_id(999).unwrap_err().error_code(), Some(40403));
    assert_eq!(c.delete_subject("ghost", false).unwrap_err().error_code(), Some(40401));
}

#[test]
fn basic_auth_reads_credentials_from_named_env_vars_and_never_shows_them() {
    let t = TestServer::start_with(|c| c.basic_auth = Some(("reg-user".into(), "pw-9f8e7d".into())));
    // Tests run in parallel threads of one process: these names are used by this test only.
    unsafe {
        std::env::set_var("SG_CLIENT_TEST_BASIC_USER", "reg-user");
        std::env::set_var("SG_CLIENT_TEST_BASIC_PW", "pw-9f8e7d");
        std::env::set_var("SG_CLIENT_TEST_BASIC_BAD_PW", "wrong-pw-1a2b");
    }
    let mut config = ClientConfig::new(t.server.url());
    config.auth =
        Auth::Basic { user_env: "SG_CLIENT_TEST_BASIC_USER".into(), password_env: "SG_CLIENT_TEST_BASIC_PW".into() };
    let c = Client::new(&config).unwrap();
    c.register("a", &Schema::avro(record(1))).unwrap();
    assert_eq!(c.subjects(false).unwrap(), ["a"]);
    let debug = format!("{c:?} {config:?}");
    assert!(!debug.contains("pw-9f8e7d"), "{debug}");

    config.auth = Auth::Basic {
        user_env: "SG_CLIENT_TEST_BASIC_USER".into(),
        password_env: "SG_CLIENT_TEST_BASIC_BAD_PW".into(),
    };
    let e = Client::new(&config).unwrap().subjects(false).unwrap_err();
    assert_eq!(e.status(), Some(401), "{e}");
    assert!(!e.to_string().contains("wrong-pw-1a2b") && !format!("{e:?}").contains("wrong-pw-1a2b"));

    let anonymous = client_for(t.server.url());
    assert_eq!(anonymous.subjects(false).unwrap_err().status(), Some(401));

    config.auth =
        Auth::Basic { user_env: "SG_CLIENT_TEST_BASIC_USER".into(), password_env: "SG_CLIENT_TEST_BASIC_UNSET".into() };
    let e = Client::new(&config).unwrap_err();
    assert!(matches!(e, ClientError::MissingCredential { .. }), "{e:?}");
    assert!(e.to_string().contains("SG_CLIENT_TEST_BASIC_UNSET"), "{e}");
}

#[test]
fn bad_ca_certificate_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, "not a certificate").unwrap();
    let mut config = ClientConfig::new("https://127.0.0.1:1");
    config.ca_cert = Some(path.clone());
    let e = Client::new(&config).unwrap_err();
    assert!(matches!(e, ClientError::CaCert { .. }), "{e:?}");
    config.ca_cert = Some(dir.path().join("missing.pem"));
    assert!(matches!(Client::new(&config).unwrap_err(), ClientError::CaCert { .. }));
}

#[test]
fn subject_name_strategies() {
    assert_eq!(SubjectNameStrategy::Topic.subject("orders", "acme.Order", false), "orders-value");
    assert_eq!(SubjectNameStrategy::Record.subject("orders", "acme.Order", false), "acme.Order");
    assert_eq!(SubjectNameStrategy::TopicRecord.subject("orders", "acme.Order", false), "orders-acme.Order");
}

const MONEY: &str = "syntax = \"proto3\";\npackage common;\nimport \"common/currency.proto\";\nmessage Money {\n  common.Currency currency = 1;\n  int64 units = 2;\n}\n";
const CURRENCY: &str = "syntax = \"proto3\";\npackage common;\nmessage Currency {\n  string code = 1;\n}\n";
const PAYMENT: &str = "syntax = \"proto3\";\npackage payments;\nimport \"common/money.proto\";\nmessage Payment {\n  string id = 1;\n  common.Money amount = 2;\n}\n";

#[test]
fn protobuf_imports_are_registered_first_and_idempotently() {
    let t = TestServer::start();
    let c = client_for(t.server.url());
    // Listed with the dependant first: the function must order them.
    let imports = vec![
        ("common/money.proto".to_string(), MONEY.to_string()),
        ("common/currency.proto".to_string(), CURRENCY.to_string()),
    ];
    let id = register_with_references(&c, "payments-value", PAYMENT, "PROTOBUF", &imports).unwrap();
    let again = register_with_references(&c, "payments-value", PAYMENT, "PROTOBUF", &imports).unwrap();
    assert_eq!(id, again);
    let mut subjects = c.subjects(false).unwrap();
    subjects.sort();
    assert_eq!(subjects, ["common/currency.proto", "common/money.proto", "payments-value"]);
    for s in &subjects {
        assert_eq!(c.versions(s, false).unwrap(), [1], "{s} registered once");
    }
    let main = c.version("payments-value", Version::Latest).unwrap();
    assert_eq!(main.schema_type, "PROTOBUF");
    let money_ref = Reference { name: "common/money.proto".into(), subject: "common/money.proto".into(), version: 1 };
    assert_eq!(main.references, [money_ref]);
    let money = c.version("common/money.proto", Version::Number(1)).unwrap();
    assert_eq!(money.references[0].subject, "common/currency.proto");
    assert_eq!(c.referenced_by("common/money.proto", Version::Number(1)).unwrap(), [id]);

    let cyclic = vec![
        ("x.proto".to_string(), "import \"y.proto\";".to_string()),
        ("y.proto".to_string(), "import \"x.proto\";".to_string()),
    ];
    let e = register_with_references(&c, "z", "syntax = \"proto3\";", "PROTOBUF", &cyclic).unwrap_err();
    assert!(e.to_string().contains("cycle"), "{e}");
}

// ----- fault injection -----

#[derive(Clone)]
enum Fault {
    Answer(u16, &'static str),
    Close,
    Hang,
}

/// A one-request-per-connection HTTP listener following `script` (its last entry repeats);
/// counts connections and keeps the request heads.
struct FakeRegistry {
    url: String,
    hits: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
    times: Arc<Mutex<Vec<Instant>>>,
}

impl FakeRegistry {
    fn start(script: Vec<Fault>) -> FakeRegistry {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let times = Arc::new(Mutex::new(Vec::new()));
        let (h, hd, tm) = (hits.clone(), heads.clone(), times.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let n = h.fetch_add(1, Ordering::SeqCst);
                tm.lock().unwrap().push(Instant::now());
                let fault = script.get(n).or(script.last()).cloned().unwrap();
                let hd = hd.clone();
                std::thread::spawn(move || serve_one(stream, fault, hd));
            }
        });
        FakeRegistry { url, hits, heads, times }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn serve_one(mut stream: TcpStream, fault: Fault, heads: Arc<Mutex<Vec<String>>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    heads.lock().unwrap().push(head);
    match fault {
        Fault::Answer(status, body) => {
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
        Fault::Close => {}
        Fault::Hang => std::thread::sleep(Duration::from_secs(5)),
    }
}

const UNAVAILABLE: Fault = Fault::Answer(503, r#"{"error_code":50003,"message":"try later"}"#);

#[test]
fn retries_5xx_with_exponential_backoff_then_succeeds() {
    let fake = FakeRegistry::start(vec![UNAVAILABLE, UNAVAILABLE, Fault::Answer(200, r#"["a","b"]"#)]);
    let mut config = ClientConfig::new(fake.url.clone());
    config.backoff = Duration::from_millis(100);
    let c = Client::new(&config).unwrap();
    assert_eq!(c.subjects(false).unwrap(), ["a", "b"]);
    assert_eq!(fake.hits(), 3);
    let times = fake.times.lock().unwrap().clone();
    let (first, second) = (times[1] - times[0], times[2] - times[1]);
    // Delays are drawn from [base/2, base] then [base, 2*base].
    assert!(first >= Duration::from_millis(50), "{first:?}");
    assert!(second >= Duration::from_millis(100), "{second:?}");
}

#[test]
fn retries_closed_connections_then_succeeds() {
    let fake = FakeRegistry::start(vec![Fault::Close, Fault::Close, Fault::Answer(200, r#"{"id":7}"#)]);
    let c = client_for(fake.url.clone());
    assert_eq!(c.register("s", &Schema::avro("\"int\"")).unwrap(), 7);
    assert_eq!(fake.hits(), 3);
}

#[test]
fn gives_up_after_the_configured_retries_on_5xx() {
    let fake = FakeRegistry::start(vec![UNAVAILABLE]);
    let mut config = ClientConfig::new(fake.url.clone());
    config.backoff = Duration::from_millis(5);
    config.retries = 2;
    let e = Client::new(&config).unwrap().version("s", Version::Latest).unwrap_err();
    assert_eq!(fake.hits(), 3);
    match e {
        ClientError::Registry { status: 503, error_code: 50003, attempts: 3, ref message, .. } => {
            assert_eq!(message, "try later")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn never_retries_4xx() {
    let fake = FakeRegistry::start(vec![Fault::Answer(400, r#"{"error_code":400,"message":"bad"}"#)]);
    let e = client_for(fake.url.clone()).subjects(false).unwrap_err();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(fake.hits(), 1);
    assert_eq!((e.status(), e.error_code()), (Some(400), Some(400)));
}

#[test]
fn connection_refused_is_retried_then_reported() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut config = ClientConfig::new(format!("http://127.0.0.1:{port}"));
    config.backoff = Duration::from_millis(5);
    let e = Client::new(&config).unwrap().subjects(false).unwrap_err();
    assert!(matches!(e, ClientError::Connection { attempts: 4, .. }), "{e:?}");
    assert!(e.to_string().contains("GET /subjects"), "{e}");
}

#[test]
fn a_silent_registry_times_out() {
    let fake = FakeRegistry::start(vec![Fault::Hang]);
    let mut config = ClientConfig::new(fake.url.clone());
    config.timeout = Duration::from_millis(300);
    let started = Instant::now();
    let e = Client::new(&config).unwrap().subjects(false).unwrap_err();
    assert!(matches!(e, ClientError::Timeout { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(fake.hits(), 1, "a timeout is not retried (the request may have been processed)");
}

#[test]
fn bearer_token_is_sent_from_its_env_var() {
    let fake = FakeRegistry::start(vec![Fault::Answer(200, "[]")]);
    unsafe { std::env::set_var("SG_CLIENT_TEST_BEARER_TOKEN", "tok-55aa") };
    let mut config = ClientConfig::new(fake.url.clone());
    config.auth = Auth::Bearer { token_env: "SG_CLIENT_TEST_BEARER_TOKEN".into() };
    let c = Client::new(&config).unwrap();
    assert!(!format!("{c:?}").contains("tok-55aa"));
    c.subjects(false).unwrap();
    let heads = fake.heads.lock().unwrap();
    assert!(heads[0].to_ascii_lowercase().contains("authorization: bearer tok-55aa"), "{}", heads[0]);
}

// ----- TLS with a private CA -----

/// An HTTPS listener answering every request with `[]`, using the fixture certificate.
fn start_tls_registry() -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let certs: Vec<CertificateDer> =
        CertificateDer::pem_file_iter(dir.join("server.pem")).unwrap().collect::<Result<_, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://127.0.0.1:{}", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let config = config.clone();
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match tls.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return, // handshake refused by the client, or closed
                    }
                }
                let reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]";
                let _ = tls.write_all(reply.as_bytes());
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    url
}

#[test]
fn custom_ca_certificate_is_trusted() {
    let url = start_tls_registry();
    let mut config = ClientConfig::new(url);
    config.retries = 0;
    let untrusted = Client::new(&config).unwrap().subjects(false).unwrap_err();
    assert!(matches!(untrusted, ClientError::Connection { .. }), "{untrusted:?}");
    assert!(untrusted.to_string().to_lowercase().contains("certificate"), "{untrusted}");

    config.ca_cert = Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls/ca.pem"));
    let trusted = Client::new(&config).unwrap();
    assert_eq!(trusted.subjects(false).unwrap(), Vec::<String>::new());
}
