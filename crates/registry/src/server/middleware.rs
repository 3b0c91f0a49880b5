//! Cross-cutting request handling: basic authentication, media type negotiation, and the
//! registry's JSON error shape for the framework's own error answers.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::api_error::ApiError;
use super::routes::{JSON, MAX_BODY_BYTES, SR_JSON, V1_JSON};

/// Credentials required on every request, if any.
#[derive(Clone)]
pub struct Auth {
    pub expected: Option<(String, String)>,
}

/// Basic authentication, when configured: 401 with a `WWW-Authenticate` challenge otherwise.
pub async fn authenticate(State(auth): State<Auth>, request: Request, next: Next) -> Response {
    let Some((user, password)) = &auth.expected else {
        return next.run(request).await;
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
        .and_then(|b64| base64_decode(b64.trim()))
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let expected = format!("{user}:{password}");
    if given.is_some_and(|g| constant_time_eq(g.as_bytes(), expected.as_bytes())) {
        return next.run(request).await;
    }
    let mut response = ApiError::unauthorized().into_response();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"schemagate\""));
    response
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Standard base64 (padding optional); `None` on any other character.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * i);
        }
        out.push((acc >> 16) as u8);
        if chunk.len() > 2 {
            out.push((acc >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(acc as u8);
        }
    }
    Some(out)
}

/// The media type to answer with: the registry's own unless the client accepts only plain
/// JSON (or the unversioned registry type).
fn negotiated(headers: &HeaderMap) -> &'static str {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return V1_JSON;
    };
    let mut best: Option<(f32, usize)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q =
            parts.filter_map(|p| p.trim().strip_prefix("q=")).find_map(|q| q.trim().parse::<f32>().ok()).unwrap_or(1.0);
        for (rank, candidate) in [V1_JSON, SR_JSON, JSON].iter().enumerate() {
            let matches = media == *candidate || media == "*/*" || media == "application/*";
            if matches && q > 0.0 && best.is_none_or(|(bq, br)| q > bq || (q == bq && rank < br)) {
                best = Some((q, rank));
            }
        }
    }
    best.map_or(V1_JSON, |(_, rank)| [V1_JSON, SR_JSON, JSON][rank])
}

/// Answers in the negotiated media type, and turns the framework's own error answers (unknown
/// route, wrong method, undecodable path) into the registry's JSON error shape.
pub async fn negotiate(request: Request, next: Next) -> Response {
    let media = negotiated(request.headers());
    let response = next.run(request).await;
    let ours = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v == V1_JSON);
    let (mut parts, body) = response.into_parts();
    let body = if ours || !(parts.status.is_client_error() || parts.status.is_server_error()) {
        body
    } else {
        let text = axum::body::to_bytes(body, MAX_BODY_BYTES).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&text).trim().to_string();
        let reason = parts.status.canonical_reason().unwrap_or("Error");
        let message = if text.is_empty() { format!("HTTP {} {reason}", parts.status.as_u16()) } else { text };
        parts.headers.remove(header::CONTENT_LENGTH);
        Body::from(json!({"error_code": parts.status.as_u16(), "message": message}).to_string())
    };
    if ours || parts.status.is_client_error() || parts.status.is_server_error() {
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    }
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_credentials() {
        assert_eq!(base64_decode("dXNlcjpwYXNz").as_deref(), Some(&b"user:pass"[..]));
        assert_eq!(base64_decode("YQ==").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64_decode("YWI=").as_deref(), Some(&b"ab"[..]));
        assert_eq!(base64_decode("not base64!"), None);
        assert_eq!(base64_decode("Y"), None);
    }

    #[test]
    fn accept_header_picks_a_supported_type() {
        let mut h = HeaderMap::new();
        assert_eq!(negotiated(&h), V1_JSON);
        h.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        assert_eq!(negotiated(&h), JSON);
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/vnd.schemaregistry+json, application/json;q=0.5"),
        );
        assert_eq!(negotiated(&h), SR_JSON);
        h.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        assert_eq!(negotiated(&h), V1_JSON);
        h.insert(header::ACCEPT, HeaderValue::from_static("text/html"));
        assert_eq!(negotiated(&h), V1_JSON);
    }
}
