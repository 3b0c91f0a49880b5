//! Record headers: typed values (`string`, `uuid`, `int`, `bytes`) for the generated
//! [`HeaderSet`](crate::runtime::HeaderSet) implementations, the dead-letter headers, and the
//! conversion from and to librdkafka's headers.

use rdkafka::message::{Header, OwnedHeaders};

use crate::runtime::error::HeaderError;

/// The dead-letter reason: `decode-failed`, `handler-failed` or `headers-invalid`.
pub const DLQ_REASON: &str = "schemagate.dlq.reason";
/// The dead-letter error text.
pub const DLQ_ERROR: &str = "schemagate.dlq.error";
/// The topic the dead-lettered record was read from.
pub const DLQ_TOPIC: &str = "schemagate.dlq.topic";
/// Its partition (decimal text).
pub const DLQ_PARTITION: &str = "schemagate.dlq.partition";
/// Its offset (decimal text).
pub const DLQ_OFFSET: &str = "schemagate.dlq.offset";
/// How many times the handler ran on it (decimal text; 0 when it did not decode).
pub const DLQ_ATTEMPTS: &str = "schemagate.dlq.attempts";

/// The value of the first header named `name` (header names compare exactly).
pub fn find<'a>(pairs: &[(&str, &'a [u8])], name: &str) -> Option<&'a [u8]> {
    pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// The value of a required header.
pub fn require<'a>(pairs: &[(&str, &'a [u8])], name: &str) -> Result<&'a [u8], HeaderError> {
    find(pairs, name).ok_or_else(|| HeaderError::Missing {
        name: name.to_string(),
    })
}

fn invalid(name: &str, expected: &'static str, reason: impl Into<String>) -> HeaderError {
    HeaderError::Invalid {
        name: name.to_string(),
        expected,
        reason: reason.into(),
    }
}

/// A `string` header: UTF-8 text.
pub fn parse_string(name: &str, value: &[u8]) -> Result<String, HeaderError> {
    String::from_utf8(value.to_vec()).map_err(|e| invalid(name, "string", e.to_string()))
}

/// An `int` header: a decimal 64-bit integer as text (surrounding spaces are not allowed).
pub fn parse_int(name: &str, value: &[u8]) -> Result<i64, HeaderError> {
    let text = std::str::from_utf8(value).map_err(|e| invalid(name, "int", e.to_string()))?;
    text.parse::<i64>()
        .map_err(|e| invalid(name, "int", format!("`{}`: {e}", shorten(text))))
}

/// A `uuid` header: the 36-character hyphenated text form (any case); answered as written.
pub fn parse_uuid(name: &str, value: &[u8]) -> Result<String, HeaderError> {
    let text = std::str::from_utf8(value).map_err(|e| invalid(name, "uuid", e.to_string()))?;
    let well_formed = text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    if well_formed {
        Ok(text.to_string())
    } else {
        Err(invalid(
            name,
            "uuid",
            format!(
                "`{}` is not of the form 8-4-4-4-12 hex digits",
                shorten(text)
            ),
        ))
    }
}

/// A `bytes` header: the raw value.
pub fn parse_bytes(_name: &str, value: &[u8]) -> Result<Vec<u8>, HeaderError> {
    Ok(value.to_vec())
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

/// The bytes of an `int` header.
pub fn int_bytes(value: i64) -> Vec<u8> {
    value.to_string().into_bytes()
}

/// The header pairs of a record as received (headers without a value are skipped).
pub fn pairs_of<H>(headers: Option<&H>) -> Vec<(String, Vec<u8>)>
where
    H: rdkafka::message::Headers + ?Sized,
{
    let Some(h) = headers else { return Vec::new() };
    (0..h.count())
        .filter_map(|i| h.try_get(i))
        .filter_map(|hd| hd.value.map(|v| (hd.key.to_string(), v.to_vec())))
        .collect()
}

/// librdkafka headers from name/value pairs.
pub fn to_owned_headers<'a, I, N>(pairs: I) -> OwnedHeaders
where
    I: IntoIterator<Item = (N, &'a [u8])>,
    N: AsRef<str>,
{
    let mut headers = OwnedHeaders::new();
    for (name, value) in pairs {
        headers = headers.insert(Header {
            key: name.as_ref(),
            value: Some(value),
        });
    }
    headers
}

/// Borrowed `(name, value)` pairs of owned ones, as [`HeaderSet::from_pairs`] takes them.
///
/// [`HeaderSet::from_pairs`]: crate::runtime::HeaderSet::from_pairs
pub fn borrow_pairs(pairs: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
    pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect()
}
