//! Confluent's wire format: the magic byte 0, the schema id as a 4-byte big-endian integer, for
//! Protobuf the message indexes (a zig-zag varint count, then each index as a zig-zag varint;
//! `[0]`, the first message of the file, is the single byte 0), then the serialized payload.

use crate::runtime::error::CodecError;

/// The first byte of every framed record.
pub const MAGIC: u8 = 0;

/// The most message indexes a frame may carry (deeper nesting is refused as malformed).
pub const MAX_INDEXES: i64 = 100;

/// A frame read off a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The schema id.
    pub schema_id: i32,
    /// The Protobuf message indexes (empty for Avro and JSON).
    pub indexes: Vec<i32>,
    /// The serialized payload after the header.
    pub payload: &'a [u8],
}

/// Writes the header (magic byte, schema id, and for Protobuf the message indexes) into `out`.
/// `indexes` is `None` for Avro and JSON.
pub fn write_header(out: &mut Vec<u8>, schema_id: i32, indexes: Option<&[i32]>) {
    out.push(MAGIC);
    out.extend_from_slice(&schema_id.to_be_bytes());
    if let Some(indexes) = indexes {
        write_indexes(out, indexes);
    }
}

/// Writes Protobuf message indexes: `[0]` (and `[]`, its equivalent) as the single byte 0,
/// otherwise the count then each index, as zig-zag varints.
pub fn write_indexes(out: &mut Vec<u8>, indexes: &[i32]) {
    if indexes.is_empty() || indexes == [0] {
        out.push(0);
        return;
    }
    write_zigzag(out, indexes.len() as i64);
    for i in indexes {
        write_zigzag(out, i64::from(*i));
    }
}

/// Reads the header of a record; `protobuf` says whether message indexes follow the schema id.
pub fn read_frame(bytes: &[u8], protobuf: bool) -> Result<Frame<'_>, CodecError> {
    if bytes.len() < 5 {
        return Err(CodecError::TooShort { len: bytes.len() });
    }
    if bytes[0] != MAGIC {
        return Err(CodecError::BadMagic(bytes[0]));
    }
    let schema_id = i32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]);
    let mut rest = &bytes[5..];
    let mut indexes = Vec::new();
    if protobuf {
        let truncated = || CodecError::BadIndexes("truncated".into());
        let count = read_zigzag(&mut rest).ok_or_else(truncated)?;
        if count == 0 {
            indexes.push(0);
        } else {
            if !(1..=MAX_INDEXES).contains(&count) {
                return Err(CodecError::BadIndexes(format!("implausible count {count}")));
            }
            for _ in 0..count {
                let i = read_zigzag(&mut rest).ok_or_else(truncated)?;
                let i = i32::try_from(i)
                    .ok()
                    .filter(|i| *i >= 0)
                    .ok_or_else(|| CodecError::BadIndexes(format!("index {i} out of range")))?;
                indexes.push(i);
            }
        }
    }
    Ok(Frame {
        schema_id,
        indexes,
        payload: rest,
    })
}

/// Appends `v` as a zig-zag varint.
pub fn write_zigzag(out: &mut Vec<u8>, v: i64) {
    let mut n = ((v << 1) ^ (v >> 63)) as u64;
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a zig-zag varint off the front of `input`; `None` when truncated or longer than 10
/// bytes.
pub fn read_zigzag(input: &mut &[u8]) -> Option<i64> {
    let mut n: u64 = 0;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = input.split_first()?;
        *input = rest;
        n |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(((n >> 1) as i64) ^ -((n & 1) as i64));
        }
    }
    None
}

/// Serializes a Protobuf message (the payload, without the header).
pub fn encode_protobuf<M: prost::Message>(
    message: &M,
    out: &mut Vec<u8>,
) -> Result<(), CodecError> {
    message.encode(out).map_err(CodecError::from)
}

/// Deserializes a Protobuf message; unknown fields (written by a newer schema) are skipped.
pub fn decode_protobuf<M: prost::Message + Default>(payload: &[u8]) -> Result<M, CodecError> {
    M::decode(payload).map_err(CodecError::from)
}

/// Serializes a value as JSON text (Confluent's JSON Schema format).
pub fn encode_json<T: serde::Serialize>(value: &T, out: &mut Vec<u8>) -> Result<(), CodecError> {
    serde_json::to_writer(out, value).map_err(CodecError::from)
}

/// Deserializes JSON text.
pub fn decode_json<T: serde::de::DeserializeOwned>(payload: &[u8]) -> Result<T, CodecError> {
    serde_json::from_slice(payload).map_err(CodecError::from)
}
