//! The client runtime: base URL, credentials, timeouts, retries with backoff, and the
//! encoding of parameters and bodies. The same in every crate `schemagate gen client` writes.

use std::collections::BTreeMap;
use std::time::Duration;

/// Why a call failed before a documented response could be returned.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request could not be sent or its response could not be read.
    #[error("request failed: {0}")]
    Request(#[from] reqwest::Error),
    /// A parameter or body could not be encoded.
    #[error("cannot encode {what}: {message}")]
    Encode { what: String, message: String },
    /// The base URL and path do not make a URL.
    #[error("invalid URL {url}: {message}")]
    Url { url: String, message: String },
    /// A documented response whose body does not match its schema.
    #[error("HTTP {status}: the response body does not match the documented schema: {message}")]
    Decode { status: u16, message: String, body: String },
    /// A status the API does not document (and no `default` response).
    #[error("HTTP {status}: undocumented response status")]
    UnexpectedStatus { status: u16, body: String },
}

/// Credentials for one security scheme of the API (`Debug` shows no secret).
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth 2 and OpenID Connect access tokens).
    Bearer(String),
    /// `Authorization: Basic <base64(username:password)>`.
    Basic { username: String, password: String },
    /// An API key in a header.
    HeaderKey { name: String, value: String },
    /// An API key in a query parameter.
    QueryKey { name: String, value: String },
    /// An API key in a cookie.
    CookieKey { name: String, value: String },
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Credential::Basic { username, .. } => write!(f, "Basic {{ username: {username:?}, password: <redacted> }}"),
            Credential::HeaderKey { name, .. } => write!(f, "HeaderKey {{ name: {name:?}, value: <redacted> }}"),
            Credential::QueryKey { name, .. } => write!(f, "QueryKey {{ name: {name:?}, value: <redacted> }}"),
            Credential::CookieKey { name, .. } => write!(f, "CookieKey {{ name: {name:?}, value: <redacted> }}"),
        }
    }
}

/// Retries of idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) after connection
/// errors, timeouts and 429/502/503/504 responses, with exponential backoff and full jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1: no retries).
    pub max_attempts: u32,
    /// The backoff before the first retry; it doubles with each retry.
    pub initial_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }
}

/// The API client: one async method per operation (the other `impl Client` blocks).
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    credentials: BTreeMap<String, Credential>,
}

impl Client {
    /// A client for the API at `base_url` (e.g. `https://api.example.com/v1`), with a 30 s
    /// timeout per request and the default retry policy.
    pub fn new(base_url: &str) -> Result<Client, Error> {
        Client::with_http_client(base_url, reqwest::Client::new())
    }

    /// A client over a `reqwest::Client` you configured (proxy, TLS, connection pool, ...).
    pub fn with_http_client(base_url: &str, http: reqwest::Client) -> Result<Client, Error> {
        reqwest::Url::parse(base_url)
            .map_err(|e| Error::Url { url: base_url.to_string(), message: e.to_string() })?;
        Ok(Client {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            timeout: Some(Duration::from_secs(30)),
            retry: RetryPolicy::default(),
            credentials: BTreeMap::new(),
        })
    }

    /// The timeout of each attempt (`None`: only the `reqwest::Client`'s own).
    pub fn timeout(mut self, timeout: Option<Duration>) -> Client {
        self.timeout = timeout;
        self
    }

    /// How idempotent requests are retried.
    pub fn retry(mut self, retry: RetryPolicy) -> Client {
        self.retry = retry;
        self
    }

    /// Credentials for the security scheme `scheme` (its name in the API description); the
    /// generated `with_<scheme>` methods call this.
    pub fn credential(mut self, scheme: &str, credential: Credential) -> Client {
        self.credentials.insert(scheme.to_string(), credential);
        self
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends `request` with the credentials of the first security alternative the client has
    /// all credentials for, retrying idempotent methods.
    #[doc(hidden)]
    pub async fn send(&self, request: Request, security: &[&[&str]]) -> Result<reqwest::Response, Error> {
        let mut url = format!("{}{}", self.base_url, request.path);
        let mut query = request.query;
        let mut headers = request.headers;
        let chosen = security.iter().find(|alternative| {
            !alternative.is_empty() && alternative.iter().all(|s| self.credentials.contains_key(*s))
        });
        let mut cookies = request.cookies;
        let mut basic = None;
        for scheme in chosen.map(|a| a.iter()).into_iter().flatten() {
            match &self.credentials[*scheme] {
                Credential::Bearer(token) => headers.push(("authorization".into(), format!("Bearer {token}"))),
                Credential::Basic { username, password } => basic = Some((username, password)),
                Credential::HeaderKey { name, value } => headers.push((name.clone(), value.clone())),
                Credential::QueryKey { name, value } => query.push((name.clone(), value.clone())),
                Credential::CookieKey { name, value } => cookies.push((name.clone(), value.clone())),
            }
        }
        if !cookies.is_empty() {
            let pairs: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
            headers.push(("cookie".into(), pairs.join("; ")));
        }
        if !query.is_empty() {
            let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
            url = format!("{url}?{}", pairs.join("&"));
        }
        let url = reqwest::Url::parse(&url).map_err(|e| Error::Url { url: url.clone(), message: e.to_string() })?;
        let idempotent = matches!(request.method.as_str(), "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE");
        let attempts = if idempotent { self.retry.max_attempts.max(1) } else { 1 };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut builder = self.http.request(request.method.clone(), url.clone());
            for (name, value) in &headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            if let Some((username, password)) = basic {
                builder = builder.basic_auth(username, Some(password));
            }
            if let Some((content_type, body)) = &request.body {
                builder = builder.header("content-type", content_type.as_str()).body(body.clone());
            }
            if let Some(timeout) = self.timeout {
                builder = builder.timeout(timeout);
            }
            let last = attempt >= attempts;
            match builder.send().await {
                Ok(response) if !last && matches!(response.status().as_u16(), 429 | 502 | 503 | 504) => {
                    let wait = retry_after(&response).unwrap_or_else(|| self.backoff(attempt));
                    tokio::time::sleep(wait.min(self.retry.max_backoff)).await;
                }
                Ok(response) => return Ok(response),
                Err(e) if !last && (e.is_connect() || e.is_timeout()) => {
                    tokio::time::sleep(self.backoff(attempt)).await;
                }
                Err(e) => return Err(Error::Request(e)),
            }
        }
    }

    /// Full jitter: a random wait between 0 and `initial * 2^(attempt-1)`, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .retry
            .initial_backoff
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(self.retry.max_backoff);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let mut x = u64::from(nanos) ^ 0x9e37_79b9_7f4a_7c15;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        ceiling.mul_f64((x % 1_000_000) as f64 / 1_000_000.0)
    }
}

/// A `Retry-After` header in seconds.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get("retry-after")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// One request, encoded: what an operation method hands to [`Client::send`] (used by the
/// generated methods).
#[derive(Debug)]
pub struct Request {
    method: reqwest::Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    cookies: Vec<(String, String)>,
    body: Option<(String, Vec<u8>)>,
}

impl Request {
    /// A request for `path` (already expanded, see [`path_segment`]).
    pub fn new(method: reqwest::Method, path: String) -> Request {
        Request { method, path, query: vec![], headers: vec![], cookies: vec![], body: None }
    }

    /// A query parameter (form style): `null` and `None` are left out; arrays repeat the name
    /// when `explode`, else are joined with commas; objects become their properties when
    /// `explode`, else `key,value` pairs joined with commas.
    pub fn query<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, explode: bool) -> Result<(), Error> {
        match to_value(name, value)? {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) if explode => {
                for item in &items {
                    self.query.push((name.to_string(), scalar(item)));
                }
            }
            serde_json::Value::Object(map) if explode => {
                for (key, item) in &map {
                    self.query.push((key.clone(), scalar(item)));
                }
            }
            other => self.query.push((name.to_string(), simple(&other))),
        }
        Ok(())
    }

    /// A query parameter in `deepObject` style: `name[key]=value`, nested in brackets (arrays
    /// by index); `None` is left out.
    pub fn query_deep<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        flatten(name, &to_value(name, value)?, &mut self.query);
        Ok(())
    }

    /// A query parameter in `spaceDelimited` or `pipeDelimited` style: an array joined with
    /// `delimiter`; `None` is left out.
    pub fn query_delimited<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, delimiter: &str) -> Result<(), Error> {
        match to_value(name, value)? {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => {
                self.query.push((name.to_string(), items.iter().map(scalar).collect::<Vec<_>>().join(delimiter)));
            }
            other => self.query.push((name.to_string(), simple(&other))),
        }
        Ok(())
    }

    /// A header parameter (simple style); `None` is left out.
    pub fn header<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let value = to_value(name, value)?;
        if !value.is_null() {
            self.headers.push((name.to_string(), simple(&value)));
        }
        Ok(())
    }

    /// A cookie parameter; `None` is left out.
    pub fn cookie<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let value = to_value(name, value)?;
        if !value.is_null() {
            self.cookies.push((name.to_string(), simple(&value)));
        }
        Ok(())
    }

    /// A JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, content_type: &str, body: &T) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Encode { what: "the request body".into(), message: e.to_string() })?;
        self.body = Some((content_type.to_string(), bytes));
        Ok(())
    }

    /// An `application/x-www-form-urlencoded` body: top-level properties as fields, nested
    /// objects and arrays in bracket notation (`a[b]=1`, `a[0]=x`).
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let mut pairs = Vec::new();
        match to_value("the request body", body)? {
            serde_json::Value::Object(map) => {
                for (key, value) in &map {
                    flatten(key, value, &mut pairs);
                }
            }
            serde_json::Value::Null => {}
            _ => {
                return Err(Error::Encode {
                    what: "the request body".into(),
                    message: "a form body must be an object".into(),
                });
            }
        }
        let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        self.body = Some(("application/x-www-form-urlencoded".into(), text.join("&").into_bytes()));
        Ok(())
    }

    /// A body sent as it is (text, bytes), with its content type.
    pub fn raw(&mut self, content_type: &str, body: impl Into<Vec<u8>>) {
        self.body = Some((content_type.to_string(), body.into()));
    }
}

fn to_value<T: serde::Serialize + ?Sized>(what: &str, value: &T) -> Result<serde_json::Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::Encode { what: what.to_string(), message: e.to_string() })
}

/// A scalar's text (strings without quotes).
fn scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Simple style: arrays and objects joined with commas.
fn simple(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        serde_json::Value::Object(map) => {
            map.iter().flat_map(|(k, v)| [k.clone(), scalar(v)]).collect::<Vec<_>>().join(",")
        }
        other => scalar(other),
    }
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                flatten(&format!("{prefix}[{key}]"), item, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), item, out);
            }
        }
        other => out.push((prefix.to_string(), scalar(other))),
    }
}

/// A path parameter's value (simple style), percent-encoded as one path segment.
pub fn path_segment<T: serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<String, Error> {
    Ok(encode(&simple(&to_value(name, value)?)))
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A JSON response body.
pub async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, Error> {
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    // An empty body reads as JSON `null` (a documented body that may be absent).
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"null" } else { &bytes };
    serde_json::from_slice(text).map_err(|e| Error::Decode {
        status,
        message: e.to_string(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// A text response body.
pub async fn text(response: reqwest::Response) -> Result<String, Error> {
    Ok(response.text().await?)
}

/// A response body as bytes.
pub async fn bytes(response: reqwest::Response) -> Result<Vec<u8>, Error> {
    Ok(response.bytes().await?.to_vec())
}

/// A documented response header, decoded into its type (a string as it is, else its text as
/// JSON: numbers, booleans); `None` when absent.
pub fn header<T: serde::de::DeserializeOwned>(response: &reqwest::Response, name: &str) -> Result<Option<T>, Error> {
    let status = response.status().as_u16();
    let Some(value) = response.headers().get(name) else { return Ok(None) };
    let text = value.to_str().map_err(|e| Error::Decode {
        status,
        message: format!("header {name}: {e}"),
        body: String::new(),
    })?;
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .or_else(|_| serde_json::from_str(text))
        .map(Some)
        .map_err(|e| Error::Decode { status, message: format!("header {name}: {e}"), body: text.to_string() })
}

/// A required response header (absent: [`Error::Decode`]).
pub fn required_header<T: serde::de::DeserializeOwned>(response: &reqwest::Response, name: &str) -> Result<T, Error> {
    header(response, name)?.ok_or_else(|| Error::Decode {
        status: response.status().as_u16(),
        message: format!("the required header {name} is missing"),
        body: String::new(),
    })
}

/// The error for a status the API does not document.
pub async fn unexpected(response: reqwest::Response) -> Error {
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    Error::UnexpectedStatus { status, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_encoded_in_their_styles() {
        let mut r = Request::new(reqwest::Method::GET, "/x".into());
        r.query("tags", &Some(vec!["a b", "c"]), true).unwrap();
        r.query("ids", &[1, 2], false).unwrap();
        r.query("limit", &None::<i32>, true).unwrap();
        assert_eq!(r.query, [("tags".into(), "a b".into()), ("tags".into(), "c".into()), ("ids".into(), "1,2".into())]);
        assert_eq!(path_segment("id", "a/b c").unwrap(), "a%2Fb%20c");
        let mut d = Request::new(reqwest::Method::GET, "/x".into());
        d.query_deep("created", &serde_json::json!({"gte": 1, "lt": 2})).unwrap();
        d.query_delimited("ids", &[1, 2], "|").unwrap();
        d.query_deep("expand", &None::<Vec<String>>).unwrap();
        let pairs: Vec<(&str, &str)> = d.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("created[gte]", "1"), ("created[lt]", "2"), ("ids", "1|2")]);
        r.form(&serde_json::json!({"a": {"b": 1}, "c": ["x"], "d": null})).unwrap();
        let secret = Credential::Basic { username: "u".into(), password: "hunter2".into() };
        assert!(!format!("{secret:?}").contains("hunter2"));
        assert_eq!(r.body.unwrap().1, b"a%5Bb%5D=1&c%5B0%5D=x");
    }
}
