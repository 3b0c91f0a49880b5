//! Confluent's context-prefixed URLs: `/contexts/{context}/...` is the rest of the URL with
//! its subjects put in that context, so a client whose base URL is
//! `http://registry/contexts/.team` works in `.team` without qualifying any subject.
//!
//! The rewrite follows Confluent's request filter (`ContextFilter`), before routing:
//! - the path segment after `subjects` (anywhere: `/subjects/{s}`,
//!   `/compatibility/subjects/{s}`) and after a leading `config` or `mode` is a subject that
//!   gets the `:.ctx:` prefix unless it already names a context (`:.x:` or `:*:`);
//! - a bare `/config` or `/mode` becomes `/config/:.ctx:` (the context's own setting);
//! - `/schemas/ids/...` gets `subject=:.ctx:` + the given subject (ids are looked for in the
//!   context), and `/subjects` and `/schemas` get `subjectPrefix=:.ctx:` + the given prefix;
//! - `/contexts/{context}` alone becomes `/contexts/:.ctx:` (deleting the context) and
//!   `/contexts/{context}/contexts` the plain `/contexts`.
//!
//! The default context (`/contexts/.` or `/contexts/:.:`) adds no prefix. A context name with
//! a colon inside is a 400 error.

use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::api_error::ApiError;
use super::registry::context::{context_key, normalize_context};
use super::routes::percent_decode;

/// The middleware: rewrites a context-prefixed request, passes every other one unchanged.
pub async fn rewrite(mut request: Request, next: Next) -> Response {
    let uri = request.uri();
    match rewrite_uri(uri.path(), uri.query()) {
        Ok(None) => {}
        Ok(Some(rewritten)) => match rewritten.parse::<Uri>() {
            Ok(uri) => *request.uri_mut() = uri,
            Err(e) => return ApiError::bad_request(format!("Invalid context path: {e}")).into_response(),
        },
        Err(message) => return ApiError::bad_request(message).into_response(),
    }
    next.run(request).await
}

/// The plain path and query of a `/contexts/{context}/...` request, `None` for any other.
pub fn rewrite_uri(path: &str, query: Option<&str>) -> Result<Option<String>, String> {
    let Some(rest) = path.strip_prefix('/') else { return Ok(None) };
    if !rest.starts_with("contexts/") {
        return Ok(None);
    }
    let mut context = ".".to_string();
    let mut context_next = false;
    let mut subject_next = false;
    let mut config_or_mode = false;
    let mut first = true;
    let mut out: Vec<String> = Vec::new();
    for segment in rest.trim_end_matches('/').split('/') {
        if context_next {
            context = decode_path(segment);
            context_next = false;
            continue;
        }
        if first && segment == "contexts" {
            context_next = true;
            continue;
        }
        let mut segment = segment.to_string();
        if subject_next {
            if !names_context(&decode_path(&segment)) {
                segment = format!("{}{segment}", encode(&prefix(&context)?));
            }
            subject_next = false;
        } else {
            let root_setting = first && (segment == "config" || segment == "mode");
            if segment == "subjects" || root_setting {
                subject_next = true;
                config_or_mode |= root_setting;
            }
        }
        if first && !segment.is_empty() {
            first = false;
        }
        out.push(segment);
    }
    if config_or_mode && subject_next {
        let prefix = prefix(&context)?;
        if !prefix.is_empty() {
            out.push(encode(&prefix));
        }
    } else if context_next {
        out.push("contexts".to_string());
    } else if out.is_empty() && context != "." {
        let prefix = prefix(&context)?;
        if !prefix.is_empty() {
            out = vec!["contexts".to_string(), encode(&prefix)];
        }
    }
    let path = out.join("/");
    let query = rewrite_query(&path, query.unwrap_or(""), &prefix(&context)?);
    Ok(Some(if query.is_empty() { format!("/{path}") } else { format!("/{path}?{query}") }))
}

/// `:.ctx:` for a context named in a URL, `""` for the default context.
fn prefix(context: &str) -> Result<String, String> {
    Ok(context_key(&normalize_context(context)?))
}

/// Whether a subject (or prefix) already says its context.
fn names_context(subject: &str) -> bool {
    subject.starts_with(":.") || subject.starts_with(":*:")
}

/// The query with `subject` (id look-ups) or `subjectPrefix` (listings) put in the context.
fn rewrite_query(path: &str, query: &str, prefix: &str) -> String {
    let key = if path.starts_with("schemas/ids") {
        "subject"
    } else if path == "schemas" || path == "subjects" {
        "subjectPrefix"
    } else {
        return query.to_string();
    };
    let mut pairs: Vec<String> = Vec::new();
    let mut seen = false;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if percent_decode(name) != key {
            pairs.push(pair.to_string());
            continue;
        }
        seen = true;
        let value = percent_decode(value);
        if names_context(&value) {
            pairs.push(pair.to_string());
        } else {
            pairs.push(format!("{key}={}", encode(&format!("{prefix}{value}"))));
        }
    }
    if !seen {
        pairs.push(format!("{key}={}", encode(prefix)));
    }
    pairs.join("&")
}

/// A path segment percent-decoded, keeping `+` (only queries use it for a space).
fn decode_path(segment: &str) -> String {
    percent_decode(&segment.replace('+', "%2B"))
}

/// Percent-encodes all but unreserved characters and `:` (a path segment or query value).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(path: &str, query: Option<&str>) -> String {
        rewrite_uri(path, query).unwrap().unwrap()
    }

    #[test]
    fn other_paths_are_left_alone() {
        assert_eq!(rewrite_uri("/subjects/a/versions", None), Ok(None));
        assert_eq!(rewrite_uri("/contexts", None), Ok(None));
    }

    #[test]
    fn subjects_get_the_context() {
        assert_eq!(rewritten("/contexts/.team/subjects/orders/versions", None), "/subjects/:.team:orders/versions");
        assert_eq!(rewritten("/contexts/team/subjects/orders/versions/1", None), "/subjects/:.team:orders/versions/1");
        assert_eq!(rewritten("/contexts/.team/subjects/%3A.x%3Aorders", None), "/subjects/%3A.x%3Aorders");
        assert_eq!(rewritten("/contexts/.team/subjects/a%2Fb.proto", None), "/subjects/:.team:a%2Fb.proto");
        assert_eq!(
            rewritten("/contexts/.team/compatibility/subjects/o/versions/latest", Some("verbose=true")),
            "/compatibility/subjects/:.team:o/versions/latest?verbose=true"
        );
        assert_eq!(rewritten("/contexts/./subjects/orders/versions", None), "/subjects/orders/versions");
        assert_eq!(rewritten("/contexts/:.:/subjects/orders/versions", None), "/subjects/orders/versions");
    }

    #[test]
    fn settings_address_the_subject_or_the_context() {
        assert_eq!(rewritten("/contexts/.team/config", None), "/config/:.team:");
        assert_eq!(rewritten("/contexts/.team/config/orders", None), "/config/:.team:orders");
        assert_eq!(rewritten("/contexts/.team/mode", Some("force=true")), "/mode/:.team:?force=true");
        assert_eq!(rewritten("/contexts/./config", None), "/config");
    }

    #[test]
    fn listings_and_ids_are_scoped_by_query() {
        assert_eq!(rewritten("/contexts/.team/subjects", None), "/subjects?subjectPrefix=:.team:");
        assert_eq!(
            rewritten("/contexts/.team/subjects", Some("deleted=true&subjectPrefix=or")),
            "/subjects?deleted=true&subjectPrefix=:.team:or"
        );
        assert_eq!(rewritten("/contexts/.team/schemas", Some("subjectPrefix=:*:")), "/schemas?subjectPrefix=:*:");
        assert_eq!(rewritten("/contexts/.team/schemas/ids/1", None), "/schemas/ids/1?subject=:.team:");
        assert_eq!(
            rewritten("/contexts/.team/schemas/ids/1/schema", Some("subject=orders")),
            "/schemas/ids/1/schema?subject=:.team:orders"
        );
        assert_eq!(rewritten("/contexts/./schemas/ids/1", None), "/schemas/ids/1?subject=");
    }

    #[test]
    fn contexts_themselves() {
        assert_eq!(rewritten("/contexts/.team", None), "/contexts/:.team:");
        assert_eq!(rewritten("/contexts/.team/contexts", None), "/contexts");
        assert_eq!(rewritten("/contexts/.team/", None), "/contexts/:.team:");
        assert!(rewrite_uri("/contexts/a:b/subjects", None).is_err());
    }
}
