//! Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian integer, for
//! Protobuf the message indexes (a zigzag-varint count, then each index; `[0]` is written as a
//! single 0), then the serialized message.

use prost_reflect::DynamicMessage;

use crate::schema::{AvroSchema, Loaded, ProtoSchema};

const MAGIC: u8 = 0;

/// A message's framing as read off the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framed<'a> {
    pub schema_id: i64,
    /// Protobuf only.
    pub indexes: Vec<i32>,
    pub payload: &'a [u8],
}

/// Serializes a JSON example with a schema and frames it with the schema id.
pub fn encode(schema: &Loaded, schema_id: i64, value: &serde_json::Value) -> Result<Vec<u8>, String> {
    let mut out = vec![MAGIC];
    out.extend_from_slice(
        &u32::try_from(schema_id).map_err(|_| format!("schema id {schema_id} out of range"))?.to_be_bytes(),
    );
    match schema {
        Loaded::Protobuf(p) => {
            write_indexes(&mut out, &p.indexes);
            out.extend(encode_protobuf(p, value)?);
        }
        Loaded::Avro(a) => out.extend(encode_avro(a, value)?),
        Loaded::Json(j) => {
            // As Confluent's JSON Schema serializer: the JSON text, checked against the schema.
            if let Some(e) = j.validator.iter_errors(value).next() {
                return Err(format!(
                    "does not validate against {}: {e} at {}",
                    j.origin,
                    pointer(&e.instance_path().to_string())
                ));
            }
            out.extend(serde_json::to_vec(value).map_err(|e| e.to_string())?);
        }
    }
    Ok(out)
}

/// A JSON pointer shown as a path (`/` for the whole value).
pub fn pointer(p: &str) -> String {
    if p.is_empty() { "/".to_string() } else { p.to_string() }
}

fn encode_protobuf(p: &ProtoSchema, value: &serde_json::Value) -> Result<Vec<u8>, String> {
    use prost::Message as _;
    let message = DynamicMessage::deserialize(p.message.clone(), value)
        .map_err(|e| format!("not a valid {} in the proto3 JSON mapping: {e}", p.message.full_name()))?;
    Ok(message.encode_to_vec())
}

fn encode_avro(a: &AvroSchema, value: &serde_json::Value) -> Result<Vec<u8>, String> {
    let raw = apache_avro::types::Value::try_from(value.clone()).map_err(|e| format!("not an Avro value: {e}"))?;
    // The referenced schemas define the named types the schema uses by name only.
    let resolved =
        raw.resolve_schemata(&a.schema, a.schemata()).map_err(|e| format!("does not match the Avro schema: {e}"))?;
    let writer = apache_avro::writer::datum::GenericDatumWriter::builder(&a.schema)
        .schemata(a.schemata())
        .and_then(|builder| builder.build())
        .map_err(|e| format!("cannot be written as Avro: {e}"))?;
    writer.write_value_to_vec(resolved).map_err(|e| format!("cannot be written as Avro: {e}"))
}

/// Reads the framing of a message value; `protobuf` says whether message indexes follow.
pub fn frame(bytes: &[u8], protobuf: bool) -> Result<Framed<'_>, String> {
    if bytes.len() < 5 {
        return Err(format!("{} bytes: too short for the Confluent wire format (magic byte + schema id)", bytes.len()));
    }
    if bytes[0] != MAGIC {
        return Err(format!("magic byte is {}, not 0: not written by a Schema Registry serializer", bytes[0]));
    }
    let schema_id = i64::from(u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]));
    let mut rest = &bytes[5..];
    let mut indexes = Vec::new();
    if protobuf {
        let count = read_zigzag(&mut rest).ok_or("truncated Protobuf message indexes")?;
        if count == 0 {
            indexes.push(0);
        } else {
            if !(0..=100).contains(&count) {
                return Err(format!("implausible Protobuf message index count {count}"));
            }
            for _ in 0..count {
                let i = read_zigzag(&mut rest).ok_or("truncated Protobuf message indexes")?;
                indexes.push(i32::try_from(i).map_err(|_| "Protobuf message index out of range")?);
            }
        }
    }
    Ok(Framed { schema_id, indexes, payload: rest })
}

fn write_indexes(out: &mut Vec<u8>, indexes: &[i32]) {
    if indexes == [0] {
        out.push(0);
        return;
    }
    write_zigzag(out, indexes.len() as i64);
    for i in indexes {
        write_zigzag(out, i64::from(*i));
    }
}

fn write_zigzag(out: &mut Vec<u8>, v: i64) {
    let mut n = ((v << 1) ^ (v >> 63)) as u64;
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn read_zigzag(input: &mut &[u8]) -> Option<i64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(indexes: &[i32]) -> Vec<u8> {
        let mut out = vec![0, 0, 0, 1, 44];
        write_indexes(&mut out, indexes);
        out.extend_from_slice(b"payload");
        out
    }

    #[test]
    fn first_message_uses_the_single_zero_shortcut() {
        assert_eq!(framed(&[0]), [0, 0, 0, 1, 44, 0, b'p', b'a', b'y', b'l', b'o', b'a', b'd']);
        let bytes = framed(&[0]);
        let f = frame(&bytes, true).unwrap();
        assert_eq!((f.schema_id, f.indexes, f.payload), (300, vec![0], &b"payload"[..]));
    }

    #[test]
    fn nested_indexes_are_zigzag_varints_after_their_count() {
        // [1, 0, 70]: count 3 -> 6, 1 -> 2, 0 -> 0, 70 -> 140 = 0x8c 0x01
        assert_eq!(&framed(&[1, 0, 70])[5..10], &[6, 2, 0, 0x8c, 0x01]);
        assert_eq!(frame(&framed(&[1, 0, 70]), true).unwrap().indexes, vec![1, 0, 70]);
    }

    #[test]
    fn avro_frames_have_no_indexes() {
        let f = frame(&[0, 0, 0, 0, 7, 2, 4], false).unwrap();
        assert_eq!((f.schema_id, f.indexes.len(), f.payload), (7, 0, &[2u8, 4][..]));
    }

    #[test]
    fn foreign_bytes_are_refused_with_the_reason() {
        assert!(frame(b"{\"a\":1}", false).unwrap_err().contains("magic byte is 123"));
        assert!(frame(&[0, 0, 0], false).unwrap_err().contains("too short"));
        assert!(frame(&[0, 0, 0, 0, 1, 0x80], true).unwrap_err().contains("truncated"));
    }
}
