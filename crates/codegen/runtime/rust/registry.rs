//! A Confluent Schema Registry client: registers or looks up writer schemas (references first,
//! under their own subjects), fetches the writer schema behind an id (with the schemas it
//! references, transitively), and caches both. Requests are retried with backoff on HTTP 5xx
//! and connection errors only. Error messages name the registry URL (without credentials) and
//! the subject or id, never a password or token.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};

use crate::runtime::backoff::Backoff;
use crate::runtime::config::{Config, RegistryAuth, redact_url};
use crate::runtime::error::{Error, RegistryError};
use crate::runtime::{SchemaDef, SchemaKind, SubjectStrategy, Topic, WriterSchema};

/// How many times a request is sent before a 5xx answer or connection error is reported.
pub const MAX_ATTEMPTS: u32 = 5;

/// The subject a topic's value (`key: false`) or key schema is registered under: the contract's
/// subject when it names one, else by the topic's strategy: TopicName `<topic>-value` /
/// `<topic>-key`, RecordName `<record full name>`, TopicRecordName
/// `<topic>-<record full name>`.
pub fn subject_name(topic: &Topic, record_name: &str, key: bool) -> String {
    let given = if key {
        topic.key_subject
    } else {
        topic.value_subject
    };
    if let Some(subject) = given {
        return subject.to_string();
    }
    match topic.strategy {
        SubjectStrategy::TopicName => {
            format!("{}-{}", topic.name, if key { "key" } else { "value" })
        }
        SubjectStrategy::RecordName => record_name.to_string(),
        SubjectStrategy::TopicRecordName => format!("{}-{record_name}", topic.name),
    }
}

/// What the registry answered for a schema under a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    /// The global schema id.
    pub id: i32,
    /// The version under the subject, when known (looked up for references).
    pub version: Option<i32>,
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A Schema Registry client with caches (one per [`Config`], shared by its clones).
pub struct Registry {
    base: Url,
    shown: String,
    http: reqwest::Client,
    auth: RegistryAuth,
    registered: Mutex<HashMap<(String, &'static str), Registered>>,
    by_id: Mutex<HashMap<i32, Arc<WriterSchema>>>,
    referenced: Mutex<HashMap<(String, i32), Arc<Subjected>>>,
}

/// A schema version as `GET /subjects/{s}/versions/{v}` answers it.
struct Subjected {
    text: Arc<str>,
    references: Vec<(String, String, i32)>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("url", &self.shown)
            .field("auth", &self.auth)
            .finish()
    }
}

impl Registry {
    /// A client for the registry of `config` (no request is sent yet).
    pub fn new(config: &Config) -> Result<Registry, Error> {
        let url = config.registry_url();
        let shown = redact_url(url);
        let mut base = Url::parse(url)
            .map_err(|e| Error::Config(format!("schema registry URL {shown}: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "schema registry URL {shown}: the scheme must be http or https"
            )));
        }
        let mut auth = config.registry_auth().clone();
        if !base.username().is_empty() && auth == RegistryAuth::None {
            // Credentials in the URL are used for basic authentication, and kept out of it.
            let decode = |s: &str| percent_decode(s);
            auth = RegistryAuth::Basic {
                user: decode(base.username()),
                password: decode(base.password().unwrap_or("")),
            };
        }
        let _ = base.set_username("");
        let _ = base.set_password(None);
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30));
        if let Some(path) = config.registry_ca_location() {
            let pem = std::fs::read(path).map_err(|e| {
                Error::Config(format!(
                    "schema registry CA file {path}: cannot read it: {e}"
                ))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::Config(format!(
                    "schema registry CA file {path}: {}",
                    e.without_url()
                ))
            })?;
            if certs.is_empty() {
                return Err(Error::Config(format!(
                    "schema registry CA file {path}: no PEM certificate in it"
                )));
            }
            builder = builder.tls_certs_merge(certs);
        }
        let http = builder.build().map_err(|e| {
            Error::Config(format!(
                "schema registry {shown}: cannot create the HTTP client: {}",
                chain(&e)
            ))
        })?;
        Ok(Registry {
            base,
            shown,
            http,
            auth,
            registered: Mutex::default(),
            by_id: Mutex::default(),
            referenced: Mutex::default(),
        })
    }

    /// The registry URL without credentials.
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// Registers `schema` under `subject` (its references first, under their subjects) and
    /// answers its id; registering a schema the subject already has answers the existing id.
    pub async fn register(
        &self,
        subject: &str,
        schema: &'static SchemaDef,
    ) -> Result<i32, RegistryError> {
        Ok(self.ensure(subject, None, schema, true, false).await?.id)
    }

    /// Looks up the id of `schema` under `subject` without registering anything (its references
    /// must be registered under their subjects too).
    pub async fn lookup(
        &self,
        subject: &str,
        schema: &'static SchemaDef,
    ) -> Result<i32, RegistryError> {
        Ok(self.ensure(subject, None, schema, false, false).await?.id)
    }

    fn ensure<'a>(
        &'a self,
        subject: &'a str,
        root: Option<&'a str>,
        schema: &'static SchemaDef,
        register: bool,
        need_version: bool,
    ) -> BoxFuture<'a, Result<Registered, RegistryError>> {
        Box::pin(async move {
            let cache_key = (subject.to_string(), schema.text);
            if let Some(found) = lock(&self.registered).get(&cache_key).copied()
                && (found.version.is_some() || !need_version)
            {
                return Ok(found);
            }
            let mut references = Vec::with_capacity(schema.references.len());
            for r in schema.references {
                let found = self
                    .ensure(
                        r.subject,
                        Some(root.unwrap_or(subject)),
                        r.schema,
                        register,
                        true,
                    )
                    .await?;
                references.push(json!({
                    "name": r.name,
                    "subject": r.subject,
                    "version": found.version,
                }));
            }
            let body = json!({
                "schemaType": schema.kind.registry_name(),
                "schema": schema.text,
                "references": references,
            });
            let mut found = Registered {
                id: -1,
                version: None,
            };
            let of = root
                .map(|r| format!(" (referenced by the schema of {r})"))
                .unwrap_or_default();
            if register {
                let what = format!("registering a schema under subject {subject}{of}");
                let answer = self
                    .call(
                        Method::POST,
                        &["subjects", subject, "versions"],
                        Some(&body),
                        &what,
                    )
                    .await?;
                found.id = self.int_field(&answer, "id", &what)?;
            }
            if !register || need_version {
                let what = format!("looking up a schema under subject {subject}{of}");
                let answer = self
                    .call(Method::POST, &["subjects", subject], Some(&body), &what)
                    .await?;
                found.id = self.int_field(&answer, "id", &what)?;
                found.version = Some(self.int_field(&answer, "version", &what)?);
            }
            lock(&self.registered).insert(cache_key, found);
            Ok(found)
        })
    }

    /// The writer schema behind `id`, with the schemas it references (transitively), from the
    /// cache or the registry.
    pub async fn schema_by_id(&self, id: i32) -> Result<Arc<WriterSchema>, RegistryError> {
        if let Some(found) = lock(&self.by_id).get(&id) {
            return Ok(found.clone());
        }
        let what = format!("fetching schema id {id}");
        let answer = self
            .call(
                Method::GET,
                &["schemas", "ids", &id.to_string()],
                None,
                &what,
            )
            .await?;
        let text = self.str_field(&answer, "schema", &what)?;
        let kind = self.kind_of(&answer, &what)?;
        let mut queue = self.references_of(&answer, &what)?;
        let mut seen: HashSet<String> = HashSet::new();
        let mut references = Vec::new();
        while let Some((name, subject, version)) = queue.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let found = self.version(&subject, version).await?;
            references.push((name, found.text.clone()));
            queue.extend(found.references.iter().cloned());
        }
        let schema = Arc::new(WriterSchema {
            id,
            kind,
            text: Arc::from(text),
            references,
        });
        lock(&self.by_id).insert(id, schema.clone());
        Ok(schema)
    }

    async fn version(&self, subject: &str, version: i32) -> Result<Arc<Subjected>, RegistryError> {
        let key = (subject.to_string(), version);
        if let Some(found) = lock(&self.referenced).get(&key) {
            return Ok(found.clone());
        }
        let what = format!("fetching version {version} of subject {subject}");
        let answer = self
            .call(
                Method::GET,
                &["subjects", subject, "versions", &version.to_string()],
                None,
                &what,
            )
            .await?;
        let text = self.str_field(&answer, "schema", &what)?;
        let found = Arc::new(Subjected {
            text: Arc::from(text),
            references: self.references_of(&answer, &what)?,
        });
        lock(&self.referenced).insert(key, found.clone());
        Ok(found)
    }

    fn references_of(
        &self,
        answer: &Value,
        what: &str,
    ) -> Result<Vec<(String, String, i32)>, RegistryError> {
        let Some(list) = answer.get("references").filter(|v| !v.is_null()) else {
            return Ok(Vec::new());
        };
        let list = list
            .as_array()
            .ok_or_else(|| self.bad(what, "`references` is not a list"))?;
        list.iter()
            .map(|r| {
                Ok((
                    self.str_field(r, "name", what)?.to_string(),
                    self.str_field(r, "subject", what)?.to_string(),
                    self.int_field(r, "version", what)?,
                ))
            })
            .collect()
    }

    fn kind_of(&self, answer: &Value, what: &str) -> Result<SchemaKind, RegistryError> {
        match answer.get("schemaType").and_then(Value::as_str) {
            None | Some("AVRO") => Ok(SchemaKind::Avro),
            Some("PROTOBUF") => Ok(SchemaKind::Protobuf),
            Some("JSON") => Ok(SchemaKind::Json),
            Some(other) => Err(self.bad(what, &format!("unknown schemaType {other}"))),
        }
    }

    fn str_field<'v>(
        &self,
        v: &'v Value,
        field: &str,
        what: &str,
    ) -> Result<&'v str, RegistryError> {
        v.get(field)
            .and_then(Value::as_str)
            .ok_or_else(|| self.bad(what, &format!("no text field `{field}`")))
    }

    fn int_field(&self, v: &Value, field: &str, what: &str) -> Result<i32, RegistryError> {
        v.get(field)
            .and_then(Value::as_i64)
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| self.bad(what, &format!("no integer field `{field}`")))
    }

    fn bad(&self, what: &str, reason: &str) -> RegistryError {
        RegistryError::Response {
            url: self.shown.clone(),
            what: what.to_string(),
            reason: reason.to_string(),
        }
    }

    fn url_of(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
            path.extend(segments);
        }
        url
    }

    /// Sends a request, retrying on 5xx and connection errors, and answers the JSON body.
    async fn call(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value, RegistryError> {
        let url = self.url_of(segments);
        let mut backoff = Backoff::registry();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self.http.request(method.clone(), url.clone()).header(
                reqwest::header::ACCEPT,
                "application/vnd.schemaregistry.v1+json, application/json",
            );
            request = match &self.auth {
                RegistryAuth::None => request,
                RegistryAuth::Basic { user, password } => request.basic_auth(user, Some(password)),
                RegistryAuth::Bearer(token) => request.bearer_auth(token),
            };
            if let Some(body) = body {
                request = request
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/vnd.schemaregistry.v1+json",
                    )
                    .body(body.to_string());
            }
            let failure = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let text = response.text().await;
                    match text {
                        Ok(text) if status.is_success() => {
                            return serde_json::from_str(&text)
                                .map_err(|e| self.bad(what, &format!("not JSON ({e})")));
                        }
                        Ok(text) => {
                            let error = self.http_error(status, &text, what);
                            if !status.is_server_error() {
                                return Err(error);
                            }
                            error
                        }
                        Err(e) => self.transport(what, &e),
                    }
                }
                Err(e) if e.is_connect() || e.is_timeout() || e.is_request() => {
                    self.transport(what, &e)
                }
                Err(e) => return Err(self.transport(what, &e)),
            };
            if attempt >= MAX_ATTEMPTS {
                return Err(match failure {
                    RegistryError::Transport { url, what, reason } => RegistryError::Transport {
                        url,
                        what,
                        reason: format!("{reason} ({attempt} attempts)"),
                    },
                    other => other,
                });
            }
            tokio::time::sleep(backoff.next_delay()).await;
        }
    }

    fn http_error(&self, status: StatusCode, body: &str, what: &str) -> RegistryError {
        let parsed: Option<Value> = serde_json::from_str(body).ok();
        let error_code = parsed
            .as_ref()
            .and_then(|v| v.get("error_code"))
            .and_then(Value::as_i64);
        let message = parsed
            .as_ref()
            .and_then(|v| v.get("message"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| {
                let body = body.trim();
                if body.is_empty() {
                    status.canonical_reason().unwrap_or("").to_string()
                } else {
                    body.chars().take(300).collect()
                }
            });
        RegistryError::Http {
            url: self.shown.clone(),
            what: what.to_string(),
            status: status.as_u16(),
            error_code,
            message: self.scrub(message),
        }
    }

    fn transport(&self, what: &str, e: &reqwest::Error) -> RegistryError {
        RegistryError::Transport {
            url: self.shown.clone(),
            what: what.to_string(),
            reason: self.scrub(chain(e)),
        }
    }

    /// Removes the secrets from a text meant for an error message.
    fn scrub(&self, mut text: String) -> String {
        let secret = match &self.auth {
            RegistryAuth::None => return text,
            RegistryAuth::Basic { password, .. } => password,
            RegistryAuth::Bearer(token) => token,
        };
        if !secret.is_empty() {
            text = text.replace(secret.as_str(), "<redacted>");
        }
        text
    }
}

/// A reqwest error and its causes, without the URL (the caller names the registry).
fn chain(e: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut first = true;
    while let Some(err) = source {
        let part = if first {
            first = false;
            match err.downcast_ref::<reqwest::Error>() {
                Some(r) => {
                    if r.is_connect() {
                        "cannot connect".to_string()
                    } else if r.is_timeout() {
                        "timed out".to_string()
                    } else {
                        "request failed".to_string()
                    }
                }
                None => err.to_string(),
            }
        } else {
            err.to_string()
        };
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
        source = err.source();
    }
    text
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
