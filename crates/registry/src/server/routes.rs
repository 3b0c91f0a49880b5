//! The REST API: Confluent's paths, query parameters and JSON shapes, over [`Registry`].
//! Handlers parse the request, run the operation on a blocking thread (SQLite and the schema
//! parsers are synchronous) and shape the answer.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::api_error::ApiError;
use super::context_path;
use super::middleware::{Auth, authenticate, negotiate};
use super::registry::context::{self, QualifiedSubject, SubjectPrefix, normalize};
use super::registry::{Filter, Registry, SchemaById, SchemaRequest, StoredSchema, SubjectVersion, VersionSpec};
use super::schema::{Reference, SchemaType};

/// The registry's own media type, the default answer.
pub const V1_JSON: &str = "application/vnd.schemaregistry.v1+json";
pub const SR_JSON: &str = "application/vnd.schemaregistry+json";
pub const JSON: &str = "application/json";

/// Largest request body accepted (schemas with many references can be large).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Shared state of the handlers.
#[derive(Clone)]
struct App {
    registry: Arc<Registry>,
}

/// Builds the router of the REST API. Confluent's context-prefixed URLs
/// (`/contexts/.ctx/subjects/...`) are rewritten to their plain form first (see
/// [`context_path`]): the outer router hands every request, rewritten, to the inner one.
pub fn router(registry: Arc<Registry>, basic_auth: Option<(String, String)>) -> Router {
    let app = App { registry };
    let api = Router::new()
        .route("/", get(root))
        .route("/subjects", get(list_subjects))
        .route("/subjects/{subject}", post(lookup).delete(delete_subject))
        .route("/subjects/{subject}/versions", get(list_versions).post(register))
        .route("/subjects/{subject}/versions/{version}", get(get_version).delete(delete_version))
        .route("/subjects/{subject}/versions/{version}/schema", get(get_version_schema))
        .route("/subjects/{subject}/versions/{version}/referencedby", get(referenced_by))
        .route("/schemas", get(list_schemas))
        .route("/schemas/types", get(schema_types))
        .route("/schemas/ids/{id}", get(schema_by_id))
        .route("/schemas/ids/{id}/schema", get(schema_text_by_id))
        .route("/schemas/ids/{id}/versions", get(versions_of_id))
        .route("/schemas/ids/{id}/subjects", get(subjects_of_id))
        .route("/compatibility/subjects/{subject}/versions", post(compatibility_all))
        .route("/compatibility/subjects/{subject}/versions/{version}", post(compatibility_one))
        .route("/config", get(config_get).put(config_put).delete(config_delete))
        .route("/config/{subject}", get(config_get).put(config_put).delete(config_delete))
        .route("/mode", get(mode_get).put(mode_put).delete(mode_delete))
        .route("/mode/{subject}", get(mode_get).put(mode_put).delete(mode_delete))
        .route("/contexts", get(contexts))
        .route("/contexts/{context}", delete(delete_context))
        .fallback(not_found)
        .with_state(app);
    Router::new()
        .fallback_service(api)
        .layer(middleware::from_fn(context_path::rewrite))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(Auth { expected: basic_auth }, authenticate))
        .layer(middleware::from_fn(negotiate))
}

// ----- answers -----

/// A successful answer: JSON, a raw schema string (the `/schema` endpoints), or nothing
/// (204, deleting a context).
enum Reply {
    Json(Value),
    Raw(String),
    NoContent,
}

fn respond(result: Result<Reply, ApiError>) -> Response {
    let (status, body) = match result {
        Ok(Reply::Json(value)) => (StatusCode::OK, value.to_string()),
        Ok(Reply::Raw(text)) => (StatusCode::OK, text),
        Ok(Reply::NoContent) => return StatusCode::NO_CONTENT.into_response(),
        Err(e) => (e.status, json!({"error_code": e.code, "message": e.message}).to_string()),
    };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(V1_JSON));
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        respond(Err(self))
    }
}

/// Runs `op` on the blocking pool and answers with its result.
async fn run(app: App, op: impl FnOnce(&Registry) -> Result<Reply, ApiError> + Send + 'static) -> Response {
    let registry = app.registry.clone();
    let joined = tokio::task::spawn_blocking(move || op(&registry)).await;
    respond(joined.unwrap_or_else(|e| Err(ApiError::store(format!("the request failed: {e}")))))
}

/// Query parameters, percent-decoded; repeated keys keep the last value.
struct Params(HashMap<String, String>);

impl Params {
    fn parse(raw: Option<String>) -> Params {
        let mut map = HashMap::new();
        for pair in raw.as_deref().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            map.insert(percent_decode(key), percent_decode(value));
        }
        Params(map)
    }

    /// A boolean flag as Java reads it: `true` in any case is true, anything else false.
    fn flag(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    /// A parameter's value, `None` when absent (an absent `subjectPrefix` is not an empty one).
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// An integer parameter, else `default` (the paging parameters `offset` and `limit`).
    fn number(&self, name: &str, default: i64) -> i64 {
        self.get(name).and_then(|v| v.parse().ok()).unwrap_or(default)
    }
}

pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a JSON request body; an empty body is the type's default.
fn body<T: DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))
}

fn schema_type_field(schema_type: SchemaType) -> Option<&'static str> {
    // The registry leaves out `schemaType` for Avro, the default.
    (schema_type != SchemaType::Avro).then(|| schema_type.name())
}

/// The references a schema of `subject` shows: as written, or with `?referenceFormat=qualified`
/// (outside the default context) as the qualified subjects they resolved to.
fn shown_references<'a>(schema: &'a StoredSchema, subject: &str, q: &Params) -> &'a [Reference] {
    let qualified = q.text("referenceFormat") == "qualified" && !QualifiedSubject::parse(subject).is_default_context();
    if qualified { &schema.targets } else { &schema.references }
}

fn schema_json(schema: &StoredSchema, references: &[Reference], mut object: serde_json::Map<String, Value>) -> Value {
    if let Some(t) = schema_type_field(schema.schema_type) {
        object.insert("schemaType".into(), json!(t));
    }
    if !references.is_empty() {
        object.insert("references".into(), json!(references));
    }
    object.insert("schema".into(), json!(schema.text));
    Value::Object(object)
}

fn version_json(v: &SubjectVersion, q: &Params) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("subject".into(), json!(v.subject));
    object.insert("version".into(), json!(v.version));
    object.insert("id".into(), json!(v.id));
    schema_json(&v.schema, shown_references(&v.schema, &v.subject, q), object)
}

/// `GET /schemas/ids/{id}`: the schema; with `?subject=`, also the subject version it was
/// found through, as Confluent answers then.
fn id_json(found: &SchemaById, q: &Params) -> Value {
    let mut object = serde_json::Map::new();
    if q.get("subject").is_some() {
        object.insert("subject".into(), json!(found.subject));
        object.insert("version".into(), json!(found.version));
    }
    schema_json(&found.schema, shown_references(&found.schema, &found.subject, q), object)
}

fn schema_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>().map_err(|_| ApiError::schema_id_not_found(text))
}

// ----- handlers -----

async fn root() -> Response {
    respond(Ok(Reply::Json(json!({}))))
}

async fn not_found() -> Response {
    respond(Err(ApiError::http(StatusCode::NOT_FOUND, "HTTP 404 Not Found")))
}

async fn list_subjects(State(app): State<App>, RawQuery(q): RawQuery) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let filter = Filter::from_flags(q.flag("deleted"), q.flag("deletedOnly"));
        let prefix = SubjectPrefix::parse(q.get("subjectPrefix"), SubjectPrefix::everything());
        Ok(Reply::Json(json!(r.subjects(filter, &prefix)?)))
    })
    .await
}

async fn list_versions(State(app): State<App>, Path(subject): Path<String>, RawQuery(q): RawQuery) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let filter = Filter::from_flags(q.flag("deleted"), q.flag("deletedOnly"));
        Ok(Reply::Json(json!(r.versions(&normalize(&subject), filter)?)))
    })
    .await
}

async fn get_version(
    State(app): State<App>,
    Path((subject, version)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    let q = Params::parse(q);
    run(app, move |r| Ok(Reply::Json(version_json(&version_in_format(r, &subject, &version, &q)?, &q)))).await
}

async fn get_version_schema(
    State(app): State<App>,
    Path((subject, version)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    let q = Params::parse(q);
    run(app, move |r| Ok(Reply::Raw(version_in_format(r, &subject, &version, &q)?.schema.text))).await
}

/// `GET /subjects/{s}/versions/{v}[/schema]`: the version asked for, its schema in the format
/// asked for (`?format=serialized` gives Protobuf descriptors).
fn version_in_format(r: &Registry, subject: &str, version: &str, q: &Params) -> Result<SubjectVersion, ApiError> {
    let mut found = r.version(&normalize(subject), VersionSpec::parse(version)?, q.flag("deleted"))?;
    found.schema = r.in_format(found.schema, q.text("format"))?;
    Ok(found)
}

async fn referenced_by(State(app): State<App>, Path((subject, version)): Path<(String, String)>) -> Response {
    run(app, move |r| {
        let spec = VersionSpec::parse(&version)?;
        Ok(Reply::Json(json!(r.referenced_by(&normalize(&subject), spec)?)))
    })
    .await
}

async fn register(State(app): State<App>, Path(subject): Path<String>, bytes: Bytes) -> Response {
    run(app, move |r| {
        let request: SchemaRequest = body(&bytes)?;
        Ok(Reply::Json(json!({"id": r.register(&normalize(&subject), &request)?})))
    })
    .await
}

async fn lookup(State(app): State<App>, Path(subject): Path<String>, RawQuery(q): RawQuery, bytes: Bytes) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let request: SchemaRequest = body(&bytes)?;
        let found = r.lookup(&normalize(&subject), &request, q.flag("deleted"))?;
        Ok(Reply::Json(version_json(&found, &q)))
    })
    .await
}

async fn delete_subject(State(app): State<App>, Path(subject): Path<String>, RawQuery(q): RawQuery) -> Response {
    let q = Params::parse(q);
    run(app, move |r| Ok(Reply::Json(json!(r.delete_subject(&normalize(&subject), q.flag("permanent"))?)))).await
}

async fn delete_version(
    State(app): State<App>,
    Path((subject, version)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let spec = VersionSpec::parse(&version)?;
        Ok(Reply::Json(json!(r.delete_version(&normalize(&subject), spec, q.flag("permanent"))?)))
    })
    .await
}

async fn list_schemas(State(app): State<App>, RawQuery(q): RawQuery) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let filter = Filter::from_flags(q.flag("deleted"), false);
        let prefix = SubjectPrefix::parse(q.get("subjectPrefix"), SubjectPrefix::default_context());
        let versions = r.all_versions(&prefix, q.flag("latestOnly"), filter)?;
        Ok(Reply::Json(Value::Array(versions.iter().map(|v| version_json(v, &q)).collect())))
    })
    .await
}

async fn schema_types() -> Response {
    respond(Ok(Reply::Json(json!(SchemaType::ALL.iter().map(|t| t.name()).collect::<Vec<_>>()))))
}

async fn schema_by_id(State(app): State<App>, Path(id): Path<String>, RawQuery(q): RawQuery) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let mut found = r.schema_by_id(schema_id(&id)?, q.get("subject"))?;
        found.schema = r.in_format(found.schema, q.text("format"))?;
        Ok(Reply::Json(id_json(&found, &q)))
    })
    .await
}

async fn schema_text_by_id(State(app): State<App>, Path(id): Path<String>, RawQuery(q): RawQuery) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let found = r.schema_by_id(schema_id(&id)?, q.get("subject"))?;
        Ok(Reply::Raw(r.in_format(found.schema, q.text("format"))?.text))
    })
    .await
}

async fn versions_of_id(State(app): State<App>, Path(id): Path<String>, RawQuery(q): RawQuery) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let pairs =
            r.versions_of_id(schema_id(&id)?, q.get("subject"), Filter::from_flags(q.flag("deleted"), false))?;
        Ok(Reply::Json(Value::Array(pairs.into_iter().map(|(s, v)| json!({"subject": s, "version": v})).collect())))
    })
    .await
}

async fn subjects_of_id(State(app): State<App>, Path(id): Path<String>, RawQuery(q): RawQuery) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let pairs =
            r.versions_of_id(schema_id(&id)?, q.get("subject"), Filter::from_flags(q.flag("deleted"), false))?;
        let mut subjects: Vec<String> = pairs.into_iter().map(|(s, _)| s).collect();
        subjects.dedup();
        Ok(Reply::Json(json!(subjects)))
    })
    .await
}

/// The compatibility answer: `{"is_compatible"}`, with `messages` when verbose. An invalid
/// schema is a 42201 error, or an incompatible verdict carrying the error when verbose.
fn compatibility_reply(result: Result<Vec<String>, ApiError>, verbose: bool) -> Result<Reply, ApiError> {
    let messages = match result {
        Ok(messages) => messages,
        Err(e) if verbose && e.code == 42201 => vec![e.message],
        Err(e) => return Err(e),
    };
    Ok(Reply::Json(if verbose {
        json!({"is_compatible": messages.is_empty(), "messages": messages})
    } else {
        json!({"is_compatible": messages.is_empty()})
    }))
}

async fn compatibility_all(
    State(app): State<App>,
    Path(subject): Path<String>,
    RawQuery(q): RawQuery,
    bytes: Bytes,
) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let request: SchemaRequest = body(&bytes)?;
        compatibility_reply(r.test_compatibility(&normalize(&subject), None, &request), q.flag("verbose"))
    })
    .await
}

async fn compatibility_one(
    State(app): State<App>,
    Path((subject, version)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    bytes: Bytes,
) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let spec = VersionSpec::parse(&version)?;
        let request: SchemaRequest = body(&bytes)?;
        compatibility_reply(r.test_compatibility(&normalize(&subject), Some(spec), &request), q.flag("verbose"))
    })
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
struct ConfigRequest {
    #[serde(default)]
    compatibility: Option<String>,
    /// Older clients' spelling.
    #[serde(default, rename = "compatibilityLevel")]
    compatibility_level: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct ModeRequest {
    #[serde(default)]
    mode: Option<String>,
}

// `/config` and `/mode` act on the default context's setting, `/config/{subject}` and
// `/mode/{subject}` on one subject's, or a context's (`:.ctx:`, `:.__GLOBAL:`): the same
// handlers serve both routes. `/config/:.:` is the default context's, like `/config`.
type Subject = Option<Path<String>>;

fn subject_of(subject: Subject) -> Option<String> {
    subject.map(|Path(s)| normalize(&s)).filter(|s| !s.is_empty())
}

async fn config_get(State(app): State<App>, subject: Subject, RawQuery(q): RawQuery) -> Response {
    let (subject, q) = (subject_of(subject), Params::parse(q));
    run(app, move |r| {
        let level = r.config(subject.as_deref(), q.flag("defaultToGlobal"))?;
        Ok(Reply::Json(json!({"compatibilityLevel": level.name()})))
    })
    .await
}

async fn config_put(State(app): State<App>, subject: Subject, bytes: Bytes) -> Response {
    let subject = subject_of(subject);
    run(app, move |r| {
        let request: ConfigRequest = body(&bytes)?;
        let level = request.compatibility.or(request.compatibility_level).unwrap_or_default();
        Ok(Reply::Json(json!({"compatibility": r.set_config(subject.as_deref(), &level)?.name()})))
    })
    .await
}

async fn config_delete(State(app): State<App>, subject: Subject) -> Response {
    let subject = subject_of(subject);
    run(app, move |r| Ok(Reply::Json(json!({"compatibilityLevel": r.delete_config(subject.as_deref())?.name()})))).await
}

async fn mode_get(State(app): State<App>, subject: Subject, RawQuery(q): RawQuery) -> Response {
    let (subject, q) = (subject_of(subject), Params::parse(q));
    run(app, move |r| Ok(Reply::Json(json!({"mode": r.mode(subject.as_deref(), q.flag("defaultToGlobal"))?.name()}))))
        .await
}

async fn mode_put(State(app): State<App>, subject: Subject, RawQuery(q): RawQuery, bytes: Bytes) -> Response {
    let (subject, q) = (subject_of(subject), Params::parse(q));
    run(app, move |r| {
        let request: ModeRequest = body(&bytes)?;
        let mode = r.set_mode(subject.as_deref(), &request.mode.unwrap_or_default(), q.flag("force"))?;
        Ok(Reply::Json(json!({"mode": mode.name()})))
    })
    .await
}

async fn mode_delete(State(app): State<App>, subject: Subject) -> Response {
    let subject = subject_of(subject);
    run(app, move |r| Ok(Reply::Json(json!({"mode": r.delete_mode(subject.as_deref())?.name()})))).await
}

async fn contexts(State(app): State<App>, RawQuery(q): RawQuery) -> Response {
    let q = Params::parse(q);
    run(app, move |r| {
        let offset = usize::try_from(q.number("offset", 0)).unwrap_or(0);
        let limit = usize::try_from(q.number("limit", -1)).ok();
        Ok(Reply::Json(json!(r.contexts(q.text("contextPrefix"), offset, limit)?)))
    })
    .await
}

/// `DELETE /contexts/{context}` (also reached as `DELETE /contexts/.ctx`, rewritten): 204.
/// The default context is not a resource there, as in Confluent's registry (405).
async fn delete_context(State(app): State<App>, Path(name): Path<String>) -> Response {
    run(app, move |r| {
        let name = context::normalize_context(&name).map_err(ApiError::bad_request)?;
        if name == context::DEFAULT_CONTEXT {
            return Err(ApiError::http(StatusCode::METHOD_NOT_ALLOWED, "HTTP 405 Method Not Allowed"));
        }
        r.delete_context(&name)?;
        Ok(Reply::NoContent)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_decode_and_flags_ignore_case() {
        let q = Params::parse(Some("deleted=True&subjectPrefix=a%2Fb+c&verbose=yes&%zz=1".into()));
        assert!(q.flag("deleted"));
        assert!(!q.flag("verbose"));
        assert_eq!(q.text("subjectPrefix"), "a/b c");
        assert_eq!(q.text("%zz"), "1");
    }
}
