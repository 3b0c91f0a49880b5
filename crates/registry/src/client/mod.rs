//! A blocking client for Confluent Schema Registry compatible servers (Confluent's own, this
//! crate's [`server`](crate::server), Apicurio's ccompat API, ...).
//!
//! Every call has the configured timeout and is retried with exponential backoff and jitter on
//! connection errors and HTTP 5xx only; 4xx answers are final. Errors name the request path,
//! the subject and version where relevant, and carry the registry's `error_code` and `message`.
//! Credentials are read from environment variables named in [`Auth`] when the client is built
//! and never appear in `Debug` output or error messages.

mod error;
mod references;
mod strategy;

use std::path::PathBuf;
use std::time::Duration;

use reqwest::blocking::{Client as Http, RequestBuilder};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub use error::ClientError;
pub use references::{
    fetch_references, import_closure, import_closure_with, import_paths, register_with_references,
    registered_references,
};
pub use strategy::SubjectNameStrategy;

const V1_JSON: &str = "application/vnd.schemaregistry.v1+json";

/// How the client authenticates. The fields are the NAMES of environment variables holding
/// the secrets, read once when the client is built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Auth {
    #[default]
    None,
    /// HTTP basic authentication.
    Basic { user_env: String, password_env: String },
    /// `Authorization: Bearer <token>`.
    Bearer { token_env: String },
}

/// How to reach a registry.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL, e.g. `https://registry.example.com:8081` (a trailing `/` is ignored).
    pub url: String,
    pub auth: Auth,
    /// A PEM file of CA certificates trusted in addition to the platform's.
    pub ca_cert: Option<PathBuf>,
    /// Limit of every single HTTP attempt (connect + request + response). Default 10 s.
    pub timeout: Duration,
    /// Retries after the first attempt, on connection errors and 5xx only. Default 3.
    pub retries: u32,
    /// First backoff delay; doubled on each retry (capped at 5 s), with jitter. Default 200 ms.
    pub backoff: Duration,
}

impl ClientConfig {
    pub fn new(url: impl Into<String>) -> ClientConfig {
        ClientConfig {
            url: url.into(),
            auth: Auth::None,
            ca_cert: None,
            timeout: Duration::from_secs(10),
            retries: 3,
            backoff: Duration::from_millis(200),
        }
    }
}

/// The secrets read from the environment; never printed.
#[derive(Clone)]
enum Credentials {
    None,
    Basic(String, String),
    Bearer(String),
}

impl Credentials {
    fn from_env(auth: &Auth) -> Result<Credentials, ClientError> {
        let var = |name: &str, role: &'static str| {
            std::env::var(name).map_err(|_| ClientError::MissingCredential { variable: name.to_string(), role })
        };
        Ok(match auth {
            Auth::None => Credentials::None,
            Auth::Basic { user_env, password_env } => {
                Credentials::Basic(var(user_env, "basic auth user")?, var(password_env, "basic auth password")?)
            }
            Auth::Bearer { token_env } => Credentials::Bearer(var(token_env, "bearer token")?),
        })
    }

    fn apply(&self, request: RequestBuilder) -> RequestBuilder {
        match self {
            Credentials::None => request,
            Credentials::Basic(user, password) => request.basic_auth(user, Some(password)),
            Credentials::Bearer(token) => request.bearer_auth(token),
        }
    }
}

/// Which version of a subject: a number or `latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Number(i64),
    Latest,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Version::Number(n) => write!(f, "{n}"),
            Version::Latest => f.write_str("latest"),
        }
    }
}

impl From<i64> for Version {
    fn from(n: i64) -> Version {
        Version::Number(n)
    }
}

/// A reference from one schema to a version of another subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub name: String,
    pub subject: String,
    pub version: i64,
}

fn avro() -> String {
    "AVRO".into()
}

/// A schema to register, look up or test: text, type (`AVRO`, `PROTOBUF`, `JSON`) and references.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub schema: String,
    #[serde(default = "avro")]
    pub schema_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
}

impl Schema {
    pub fn new(schema_type: &str, text: impl Into<String>) -> Schema {
        Schema { schema: text.into(), schema_type: schema_type.to_string(), references: Vec::new() }
    }
    pub fn avro(text: impl Into<String>) -> Schema {
        Schema::new("AVRO", text)
    }
    pub fn protobuf(text: impl Into<String>) -> Schema {
        Schema::new("PROTOBUF", text)
    }
    pub fn json(text: impl Into<String>) -> Schema {
        Schema::new("JSON", text)
    }
    pub fn with_references(mut self, references: Vec<Reference>) -> Schema {
        self.references = references;
        self
    }
}

/// A registered version of a subject.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectVersion {
    pub subject: String,
    pub version: i64,
    pub id: i64,
    pub schema: String,
    #[serde(default = "avro")]
    pub schema_type: String,
    #[serde(default)]
    pub references: Vec<Reference>,
}

/// The answer of a compatibility test (always asked verbosely).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Compatibility {
    pub is_compatible: bool,
    #[serde(default)]
    pub messages: Vec<String>,
}

/// What an error is about, for its message.
#[derive(Debug, Clone, Default)]
struct Context {
    subject: Option<String>,
    version: Option<String>,
}

impl Context {
    fn subject(subject: &str) -> Context {
        Context { subject: Some(subject.to_string()), version: None }
    }
    fn version(subject: &str, version: impl ToString) -> Context {
        Context { subject: Some(subject.to_string()), version: Some(version.to_string()) }
    }
}

/// A blocking Schema Registry client; cheap to clone and safe to share between threads.
#[derive(Clone)]
pub struct Client {
    base: String,
    http: Http,
    credentials: Credentials,
    retries: u32,
    backoff: Duration,
    timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let auth = match self.credentials {
            Credentials::None => "none",
            Credentials::Basic(..) => "basic (redacted)",
            Credentials::Bearer(_) => "bearer (redacted)",
        };
        f.debug_struct("Client")
            .field("url", &self.base)
            .field("auth", &auth)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .finish()
    }
}

/// Percent-encodes one path segment (subjects may contain `/`, e.g. Protobuf import paths).
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A random number from the standard library's per-process hash keys and the clock.
fn jitter_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    h.finish()
}

/// The delay before retry `attempt` (0-based): `base * 2^attempt` capped at 5 s, then a
/// random point in its upper half.
pub(crate) fn backoff_delay(base: Duration, attempt: u32) -> Duration {
    let full = base.saturating_mul(1u32 << attempt.min(16)).min(Duration::from_secs(5));
    let half = full / 2;
    let nanos = half.as_nanos() as u64;
    let extra = if nanos == 0 { 0 } else { jitter_seed() % nanos };
    half + Duration::from_nanos(extra)
}

#[derive(Deserialize)]
struct RegistryErrorBody {
    #[serde(default)]
    error_code: i64,
    #[serde(default)]
    message: String,
}

impl Client {
    /// Builds a client: reads the credentials from the environment, loads the CA certificate.
    pub fn new(config: &ClientConfig) -> Result<Client, ClientError> {
        let credentials = Credentials::from_env(&config.auth)?;
        let mut builder = Http::builder().timeout(config.timeout).connect_timeout(config.timeout);
        if let Some(path) = &config.ca_cert {
            let pem =
                std::fs::read(path).map_err(|e| ClientError::CaCert { path: path.clone(), message: e.to_string() })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| ClientError::CaCert { path: path.clone(), message: e.to_string() })?;
            if certs.is_empty() {
                return Err(ClientError::CaCert { path: path.clone(), message: "no PEM certificate found".into() });
            }
            builder = builder.tls_certs_merge(certs);
        }
        let http = builder.build().map_err(|e| ClientError::Setup(e.to_string()))?;
        Ok(Client {
            base: config.url.trim_end_matches('/').to_string(),
            http,
            credentials,
            retries: config.retries,
            backoff: config.backoff,
            timeout: config.timeout,
        })
    }

    /// The registry's base URL.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Sends one request with retries; answers the decoded body of a 2xx answer.
    fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        context: Context,
    ) -> Result<T, ClientError> {
        let text = self.send(method, path, body.map(|b| b.to_string()), &context)?;
        serde_json::from_str(&text).map_err(|e| ClientError::Decode { path: path.into(), message: e.to_string() })
    }

    /// The body of a 2xx answer. Connection errors (also while reading the answer) and 5xx
    /// answers are retried; 4xx answers and timeouts are not (a timed-out request may have
    /// been processed).
    fn send(&self, method: Method, path: &str, body: Option<String>, context: &Context) -> Result<String, ClientError> {
        let url = format!("{}{}", self.base, path);
        let timeout = || ClientError::Timeout { method: method.to_string(), path: path.into(), timeout: self.timeout };
        let mut attempt = 0u32;
        loop {
            let connection = |e: reqwest::Error| ClientError::Connection {
                method: method.to_string(),
                path: path.into(),
                attempts: attempt + 1,
                message: error_chain(&e.without_url()),
            };
            let mut request = self.http.request(method.clone(), &url).header("Accept", V1_JSON);
            if let Some(body) = &body {
                request = request.header("Content-Type", V1_JSON).body(body.clone());
            }
            request = self.credentials.apply(request);
            let retryable = match request.send() {
                Err(e) if e.is_timeout() => return Err(timeout()),
                Err(e) => connection(e),
                Ok(response) => {
                    let status = response.status();
                    match response.text() {
                        Err(e) if e.is_timeout() => return Err(timeout()),
                        Err(e) => connection(e),
                        Ok(text) if status.is_success() => return Ok(text),
                        Ok(text) => {
                            let error = registry_error(status, &text, path, context, attempt + 1);
                            if !status.is_server_error() {
                                return Err(error);
                            }
                            error
                        }
                    }
                }
            };
            if attempt >= self.retries {
                return Err(retryable);
            }
            std::thread::sleep(backoff_delay(self.backoff, attempt));
            attempt += 1;
        }
    }

    /// `GET /subjects` (with soft-deleted ones when `deleted`).
    pub fn subjects(&self, deleted: bool) -> Result<Vec<String>, ClientError> {
        self.call(Method::GET, &format!("/subjects?deleted={deleted}"), None, Context::default())
    }

    /// `GET /contexts`: the registry's schema contexts (`.` is the default one).
    pub fn contexts(&self) -> Result<Vec<String>, ClientError> {
        self.call(Method::GET, "/contexts", None, Context::default())
    }

    /// `GET /subjects/{s}/versions`.
    pub fn versions(&self, subject: &str, deleted: bool) -> Result<Vec<i64>, ClientError> {
        let path = format!("/subjects/{}/versions?deleted={deleted}", segment(subject));
        self.call(Method::GET, &path, None, Context::subject(subject))
    }

    /// `GET /subjects/{s}/versions/{v}`.
    pub fn version(&self, subject: &str, version: Version) -> Result<SubjectVersion, ClientError> {
        let path = format!("/subjects/{}/versions/{version}", segment(subject));
        self.call(Method::GET, &path, None, Context::version(subject, version))
    }

    /// `GET /schemas/ids/{id}`: the schema with this id in the default context (or in the
    /// context of a `/contexts/{context}` base URL).
    pub fn schema_by_id(&self, id: i64) -> Result<Schema, ClientError> {
        self.call(Method::GET, &format!("/schemas/ids/{id}"), None, Context::default())
    }

    /// `GET /schemas/ids/{id}?subject=`: ids are per schema context, so the subject says where
    /// to look: `:.ctx:name` (or `:.ctx:` alone) in `.ctx`; a plain name in the default
    /// context, then under the same name in the other contexts.
    pub fn schema_by_id_for(&self, id: i64, subject: &str) -> Result<Schema, ClientError> {
        let path = format!("/schemas/ids/{id}?subject={}", segment(subject));
        self.call(Method::GET, &path, None, Context::subject(subject))
    }

    /// `POST /subjects/{s}/versions`: registers (or finds) the schema, answers its id.
    pub fn register(&self, subject: &str, schema: &Schema) -> Result<i64, ClientError> {
        #[derive(Deserialize)]
        struct Id {
            id: i64,
        }
        let path = format!("/subjects/{}/versions", segment(subject));
        let body = serde_json::to_value(schema).map_err(|e| ClientError::Setup(e.to_string()))?;
        let id: Id = self.call(Method::POST, &path, Some(&body), Context::subject(subject))?;
        Ok(id.id)
    }

    /// `POST /subjects/{s}`: the version under which this schema is registered, or `None` when
    /// the subject or the schema is unknown (40401, 40403).
    pub fn lookup(&self, subject: &str, schema: &Schema) -> Result<Option<SubjectVersion>, ClientError> {
        let path = format!("/subjects/{}", segment(subject));
        let body = serde_json::to_value(schema).map_err(|e| ClientError::Setup(e.to_string()))?;
        match self.call(Method::POST, &path, Some(&body), Context::subject(subject)) {
            Ok(found) => Ok(Some(found)),
            Err(e) if matches!(e.error_code(), Some(40401 | 40403)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /compatibility/subjects/{s}/versions/{v}?verbose=true`.
    pub fn test_compatibility(
        &self,
        subject: &str,
        version: Version,
        schema: &Schema,
    ) -> Result<Compatibility, ClientError> {
        let path = format!("/compatibility/subjects/{}/versions/{version}?verbose=true", segment(subject));
        let body = serde_json::to_value(schema).map_err(|e| ClientError::Setup(e.to_string()))?;
        self.call(Method::POST, &path, Some(&body), Context::version(subject, version))
    }

    fn scoped(root: &str, subject: Option<&str>) -> (String, Context) {
        match subject {
            Some(s) => (format!("/{root}/{}", segment(s)), Context::subject(s)),
            None => (format!("/{root}"), Context::default()),
        }
    }

    /// `GET /config[/{s}]`: the compatibility level; with `default_to_global` a subject without
    /// its own level answers the global one.
    pub fn config(&self, subject: Option<&str>, default_to_global: bool) -> Result<String, ClientError> {
        #[derive(Deserialize)]
        struct Level {
            #[serde(rename = "compatibilityLevel", alias = "compatibility")]
            level: String,
        }
        let (path, context) = Client::scoped("config", subject);
        let level: Level =
            self.call(Method::GET, &format!("{path}?defaultToGlobal={default_to_global}"), None, context)?;
        Ok(level.level)
    }

    /// `PUT /config[/{s}]`: sets the compatibility level, answers it.
    pub fn set_config(&self, subject: Option<&str>, level: &str) -> Result<String, ClientError> {
        #[derive(Deserialize)]
        struct Level {
            #[serde(alias = "compatibilityLevel")]
            compatibility: String,
        }
        let (path, context) = Client::scoped("config", subject);
        let level: Level = self.call(Method::PUT, &path, Some(&json!({ "compatibility": level })), context)?;
        Ok(level.compatibility)
    }

    /// `GET /mode[/{s}]`.
    pub fn mode(&self, subject: Option<&str>, default_to_global: bool) -> Result<String, ClientError> {
        #[derive(Deserialize)]
        struct Mode {
            mode: String,
        }
        let (path, context) = Client::scoped("mode", subject);
        let mode: Mode =
            self.call(Method::GET, &format!("{path}?defaultToGlobal={default_to_global}"), None, context)?;
        Ok(mode.mode)
    }

    /// `PUT /mode[/{s}]` (`force` allows IMPORT on a non-empty registry).
    pub fn set_mode(&self, subject: Option<&str>, mode: &str, force: bool) -> Result<String, ClientError> {
        #[derive(Deserialize)]
        struct Mode {
            mode: String,
        }
        let (path, context) = Client::scoped("mode", subject);
        let path = format!("{path}?force={force}");
        let mode: Mode = self.call(Method::PUT, &path, Some(&json!({ "mode": mode })), context)?;
        Ok(mode.mode)
    }

    /// `GET /subjects/{s}/versions/{v}/referencedby`: ids of the schemas referencing it.
    pub fn referenced_by(&self, subject: &str, version: Version) -> Result<Vec<i64>, ClientError> {
        let path = format!("/subjects/{}/versions/{version}/referencedby", segment(subject));
        self.call(Method::GET, &path, None, Context::version(subject, version))
    }

    /// `DELETE /subjects/{s}[?permanent=true]`: the deleted versions.
    pub fn delete_subject(&self, subject: &str, permanent: bool) -> Result<Vec<i64>, ClientError> {
        let path = format!("/subjects/{}?permanent={permanent}", segment(subject));
        self.call(Method::DELETE, &path, None, Context::subject(subject))
    }

    /// `DELETE /subjects/{s}/versions/{v}[?permanent=true]`: the deleted version.
    pub fn delete_version(&self, subject: &str, version: Version, permanent: bool) -> Result<i64, ClientError> {
        let path = format!("/subjects/{}/versions/{version}?permanent={permanent}", segment(subject));
        self.call(Method::DELETE, &path, None, Context::version(subject, version))
    }
}

/// The error and its sources, one line (reqwest's top-level message alone is vague). Callers
/// strip the URL first: the path is in the message already, and a URL may carry user info.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn registry_error(status: StatusCode, text: &str, path: &str, context: &Context, attempts: u32) -> ClientError {
    let (error_code, message) = match serde_json::from_str::<RegistryErrorBody>(text) {
        Ok(body) => (body.error_code, body.message),
        Err(_) => (i64::from(status.as_u16()), text.chars().take(500).collect()),
    };
    if status == StatusCode::CONFLICT && matches!(error_code, 409 | 40901) {
        return ClientError::Incompatible {
            path: path.into(),
            subject: context.subject.clone(),
            messages: vec![message],
        };
    }
    ClientError::Registry {
        status: status.as_u16(),
        error_code,
        message,
        path: path.into(),
        subject: context.subject.clone(),
        version: context.version.clone(),
        attempts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(segment("a/b c.proto"), "a%2Fb%20c.proto");
        assert_eq!(segment("topic-value"), "topic-value");
    }

    #[test]
    fn backoff_grows_exponentially_with_jitter_in_the_upper_half() {
        let base = Duration::from_millis(100);
        for attempt in 0..4 {
            let full = base * (1 << attempt);
            let d = backoff_delay(base, attempt);
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
        assert!(backoff_delay(base, 30) <= Duration::from_secs(5));
    }

    #[test]
    fn debug_output_hides_credentials() {
        let mut client = Client::new(&ClientConfig::new("http://localhost:1")).unwrap();
        client.credentials = Credentials::Basic("alice".into(), "s3cret-pw".into());
        let text = format!("{client:?}");
        assert!(!text.contains("s3cret-pw") && !text.contains("alice"), "{text}");
    }
}
