//! Shared helpers of the registry's integration tests: an in-process server on 127.0.0.1
//! (port 0) over a fresh database, and a small JSON client.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use reqwest::blocking::{Client, RequestBuilder};
use schemagate_registry::server::{self, RunningServer, ServerConfig};
use serde_json::Value;

pub const V1_JSON: &str = "application/vnd.schemaregistry.v1+json";

/// A server over a temporary database, removed when dropped.
pub struct TestServer {
    pub server: RunningServer,
    pub dir: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> TestServer {
        TestServer::start_with(|_| {})
    }

    pub fn start_with(adjust: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let dir = tempfile::tempdir().expect("temporary directory");
        let server = start_at(&dir.path().join("registry.db"), adjust);
        TestServer { server, dir }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("registry.db")
    }

    pub fn client(&self) -> Api {
        Api::new(self.server.url())
    }
}

pub fn start_at(db: &Path, adjust: impl FnOnce(&mut ServerConfig)) -> RunningServer {
    let mut config = ServerConfig {
        listen: "127.0.0.1:0".parse().expect("address"),
        db_path: db.to_path_buf(),
        basic_auth: None,
        read_only: false,
    };
    adjust(&mut config);
    server::spawn(config).expect("the server starts")
}

/// A JSON client: every call answers (HTTP status, parsed body or the raw text as a string).
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub client: Client,
    pub auth: Option<(String, String)>,
}

impl Api {
    pub fn new(base: String) -> Api {
        Api { base, client: Client::new(), auth: None }
    }

    pub fn with_auth(mut self, user: &str, password: &str) -> Api {
        self.auth = Some((user.into(), password.into()));
        self
    }

    fn send(&self, builder: RequestBuilder) -> (u16, Value) {
        let builder = match &self.auth {
            Some((u, p)) => builder.basic_auth(u, Some(p)),
            None => builder,
        };
        let response = builder.send().expect("the server answers");
        let status = response.status().as_u16();
        let text = response.text().expect("a body");
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.client.get(format!("{}{path}", self.base)).header("Accept", V1_JSON))
    }

    pub fn delete(&self, path: &str) -> (u16, Value) {
        self.send(self.client.delete(format!("{}{path}", self.base)))
    }

    pub fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(
            self.client.post(format!("{}{path}", self.base)).header("Content-Type", V1_JSON).body(body.to_string()),
        )
    }

    pub fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(
            self.client.put(format!("{}{path}", self.base)).header("Content-Type", V1_JSON).body(body.to_string()),
        )
    }

    /// Registers `schema` (JSON request body) under `subject`, expecting success; the id.
    pub fn register(&self, subject: &str, body: &Value) -> i64 {
        let (status, answer) = self.post(&format!("/subjects/{subject}/versions"), body);
        assert_eq!(status, 200, "register {subject}: {answer}");
        answer["id"].as_i64().expect("an id")
    }
}

/// An Avro record schema with `fields` (name, type) pairs, as the request body registers it.
pub fn avro_record(name: &str, fields: &[(&str, &str)]) -> String {
    let fields: Vec<Value> = fields.iter().map(|(n, t)| serde_json::json!({"name": n, "type": t})).collect();
    serde_json::json!({"type": "record", "name": name, "fields": fields}).to_string()
}
