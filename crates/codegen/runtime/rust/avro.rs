//! Avro payloads: serde types written with their schema and read with writer -> reader schema
//! resolution (a reader on an older or newer schema than the writer's reads what Avro's
//! resolution rules allow: added fields with defaults, removed fields, promoted types, ...).
//! Schemas are parsed once: reader schemas per [`SchemaDef`], writer schemas per id.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use apache_avro::Schema;
use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::writer::datum::GenericDatumWriter;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::runtime::error::CodecError;
use crate::runtime::{SchemaDef, WriterSchema};

/// A parsed schema and the named schemas it references.
#[derive(Debug)]
pub struct Parsed {
    /// The schema.
    pub schema: Schema,
    /// The schemas it references (named types it uses by name only).
    pub named: Vec<Schema>,
}

impl Parsed {
    /// The referenced schemas, then the schema, as apache-avro resolves names with.
    pub fn schemata(&self) -> Vec<&Schema> {
        self.named
            .iter()
            .chain(std::iter::once(&self.schema))
            .collect()
    }

    fn parse(text: &str, references: &[&str]) -> Result<Parsed, CodecError> {
        let (schema, named) = Schema::parse_str_with_list(text, references)
            .map_err(|e| CodecError::Avro(format!("cannot parse the schema: {e}")))?;
        Ok(Parsed { schema, named })
    }
}

type ReaderCache = Mutex<HashMap<(usize, usize), Arc<Parsed>>>;
type WriterCache = Mutex<HashMap<i32, Vec<(Arc<str>, Arc<Parsed>)>>>;

fn readers() -> &'static ReaderCache {
    static READERS: OnceLock<ReaderCache> = OnceLock::new();
    READERS.get_or_init(Mutex::default)
}

fn writers() -> &'static WriterCache {
    static WRITERS: OnceLock<WriterCache> = OnceLock::new();
    WRITERS.get_or_init(Mutex::default)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The texts of every schema `def` references, transitively, each once.
fn reference_texts(def: &'static SchemaDef) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let mut queue: Vec<&'static SchemaDef> = def.references.iter().map(|r| r.schema).collect();
    while let Some(next) = queue.pop() {
        if out.contains(&next.text) {
            continue;
        }
        out.push(next.text);
        queue.extend(next.references.iter().map(|r| r.schema));
    }
    out
}

/// The parsed form of a schema of this crate (cached by the address of its text).
pub fn reader_schema(def: &'static SchemaDef) -> Result<Arc<Parsed>, CodecError> {
    let key = (def.text.as_ptr() as usize, def.text.len());
    if let Some(found) = lock(readers()).get(&key) {
        return Ok(found.clone());
    }
    let parsed = Arc::new(Parsed::parse(def.text, &reference_texts(def))?);
    lock(readers()).insert(key, parsed.clone());
    Ok(parsed)
}

/// The parsed form of a writer schema (cached per id; the text is compared too, so two
/// registries handing out the same id for different schemas do not mix).
pub fn writer_schema(writer: &WriterSchema) -> Result<Arc<Parsed>, CodecError> {
    if let Some(list) = lock(writers()).get(&writer.id)
        && let Some((_, parsed)) = list
            .iter()
            .find(|(text, _)| Arc::ptr_eq(text, &writer.text) || **text == *writer.text)
    {
        return Ok(parsed.clone());
    }
    let references: Vec<&str> = writer.references.iter().map(|(_, t)| &**t).collect();
    let parsed = Arc::new(
        Parsed::parse(&writer.text, &references).map_err(|e| match e {
            CodecError::Avro(m) => CodecError::Avro(format!("writer schema id {}: {m}", writer.id)),
            other => other,
        })?,
    );
    lock(writers())
        .entry(writer.id)
        .or_default()
        .push((writer.text.clone(), parsed.clone()));
    Ok(parsed)
}

/// Writes `value` as an Avro datum of `schema` (the payload, without the header).
pub fn encode<T: Serialize>(
    value: &T,
    schema: &'static SchemaDef,
    out: &mut Vec<u8>,
) -> Result<(), CodecError> {
    let parsed = reader_schema(schema)?;
    let writer = GenericDatumWriter::builder(&parsed.schema)
        .schemata(parsed.schemata())
        .and_then(|b| b.build())
        .map_err(|e| CodecError::Avro(e.to_string()))?;
    let mut buffer = Vec::new();
    if writer.write_ser(&mut buffer, value).is_ok() {
        out.extend_from_slice(&buffer);
        return Ok(());
    }
    // The schema-aware serializer is strict about how serde shapes map onto Avro types; the
    // generic value path resolves unions, enums and defaults the way Avro's rules do.
    let generic = apache_avro::to_value(value).map_err(|e| CodecError::Avro(e.to_string()))?;
    let resolved = generic
        .resolve_schemata(&parsed.schema, parsed.schemata())
        .map_err(|e| CodecError::Avro(format!("the value does not match the schema: {e}")))?;
    writer
        .write_value_ref(out, &resolved)
        .map_err(|e| CodecError::Avro(e.to_string()))?;
    Ok(())
}

/// Reads an Avro datum written with `writer` as a value of `reader` (schema resolution), then
/// deserializes it.
pub fn decode<T: DeserializeOwned>(
    payload: &[u8],
    writer: &WriterSchema,
    reader: &'static SchemaDef,
) -> Result<T, CodecError> {
    let w = writer_schema(writer)?;
    let r = reader_schema(reader)?;
    let mut input = payload;
    let value = GenericDatumReader::builder(&w.schema)
        .writer_schemata(w.schemata())
        .and_then(|b| b.reader_schema(&r.schema).reader_schemata(r.schemata()))
        .and_then(|b| b.build())
        .and_then(|datum| datum.read_value(&mut input))
        .map_err(|e| CodecError::Avro(format!("schema id {}: {e}", writer.id)))?;
    apache_avro::from_value::<T>(&value).map_err(|e| CodecError::Avro(e.to_string()))
}
