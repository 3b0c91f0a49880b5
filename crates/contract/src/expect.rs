//! A consumer's field expectations checked against a decoded message: each path is walked in
//! the consumer's own schema, so a field the consumer's version does not know, a type that
//! differs, or a required value the producer left empty is reported with the concrete path.

use apache_avro::Schema as AvroType;
use apache_avro::types::Value as AvroValue;
use prost_reflect::{DynamicMessage, FieldDescriptor, Kind as ProtoKind, MessageDescriptor, ReflectMessage, Value};

/// The type of a value as a consumer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Bytes,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Enum,
    Record,
    Array,
    Map,
    Timestamp,
    /// An Avro long carrying a timestamp logical type: a timestamp and a long.
    LongTimestamp,
    /// A JSON integer: an int or a long.
    JsonInteger,
    /// A JSON number with a fraction or exponent: a float or a double.
    JsonNumber,
    /// A JSON member that is not there: its type is unknown.
    Missing,
    Null,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Bytes => "bytes",
            Kind::Boolean => "boolean",
            Kind::Int => "int",
            Kind::Long => "long",
            Kind::Float => "float",
            Kind::Double => "double",
            Kind::Enum => "enum",
            Kind::Record => "record",
            Kind::Array => "array",
            Kind::Map => "map",
            Kind::Timestamp => "timestamp",
            Kind::LongTimestamp => "timestamp (long)",
            Kind::JsonInteger => "integer",
            Kind::JsonNumber => "number",
            Kind::Missing => "nothing",
            Kind::Null => "null",
        }
    }
}

/// A type named in a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Exactly(Kind),
    Integer,
    Number,
}

impl Expected {
    pub const VOCABULARY: &'static str =
        "string, bytes, boolean, int, long, integer, float, double, number, enum, record, array, map, timestamp";

    pub fn parse(text: &str) -> Option<Expected> {
        Some(match text.to_ascii_lowercase().as_str() {
            "string" => Expected::Exactly(Kind::String),
            "bytes" => Expected::Exactly(Kind::Bytes),
            "boolean" | "bool" => Expected::Exactly(Kind::Boolean),
            "int" => Expected::Exactly(Kind::Int),
            "long" => Expected::Exactly(Kind::Long),
            "integer" => Expected::Integer,
            "float" => Expected::Exactly(Kind::Float),
            "double" => Expected::Exactly(Kind::Double),
            "number" => Expected::Number,
            "enum" => Expected::Exactly(Kind::Enum),
            "record" | "message" => Expected::Exactly(Kind::Record),
            "array" => Expected::Exactly(Kind::Array),
            "map" => Expected::Exactly(Kind::Map),
            "timestamp" => Expected::Exactly(Kind::Timestamp),
            _ => return None,
        })
    }

    fn accepts(self, kind: Kind) -> bool {
        match (self, kind) {
            (_, Kind::Missing) => return true,
            (Expected::Exactly(Kind::Int | Kind::Long) | Expected::Integer | Expected::Number, Kind::JsonInteger) => {
                return true;
            }
            (Expected::Exactly(Kind::Float | Kind::Double) | Expected::Number, Kind::JsonNumber) => return true,
            _ => {}
        }
        match self {
            Expected::Exactly(Kind::Record) => matches!(kind, Kind::Record | Kind::Timestamp),
            Expected::Exactly(Kind::Timestamp) => matches!(kind, Kind::Timestamp | Kind::LongTimestamp),
            Expected::Exactly(Kind::Long) => matches!(kind, Kind::Long | Kind::LongTimestamp),
            Expected::Exactly(k) => k == kind,
            Expected::Integer => matches!(kind, Kind::Int | Kind::Long | Kind::LongTimestamp),
            Expected::Number => {
                matches!(kind, Kind::Int | Kind::Long | Kind::LongTimestamp | Kind::Float | Kind::Double)
            }
        }
    }
}

/// One step of a path: a field name, and whether `[]` asks for every element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: String,
    pub each: bool,
}

/// Splits `order.items[].sku` into steps.
pub fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    if path.trim().is_empty() {
        return Err("empty path".to_string());
    }
    path.split('.')
        .map(|part| {
            let (name, each) = match part.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (part, false),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                return Err(format!("`{part}` is not a field name (letters, digits, `_`; `[]` for every element)"));
            }
            Ok(Step { name: name.to_string(), each })
        })
        .collect()
}

/// The first step of a path, the steps after it, and the concrete path it reaches.
fn first_step<'a>(steps: &'a [Step], prefix: &str) -> Option<(&'a Step, &'a [Step], String)> {
    let (step, rest) = steps.split_first()?;
    let path = if prefix.is_empty() { step.name.clone() } else { format!("{prefix}.{}", step.name) };
    Some((step, rest, path))
}

/// A value reached by a path: its concrete path, its type and whether it carries a value.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub path: String,
    pub kind: Kind,
    pub present: bool,
}

/// Checks one expectation; the failures as `(concrete path, reason)`.
pub fn check(
    leaves: Result<Vec<Leaf>, (String, String)>,
    expected: Option<Expected>,
    required: bool,
) -> Vec<(String, String)> {
    let leaves = match leaves {
        Ok(l) => l,
        Err(e) => return vec![e],
    };
    let mut failures = Vec::new();
    for leaf in leaves {
        if let Some(t) = expected
            && !t.accepts(leaf.kind)
        {
            let wanted = match t {
                Expected::Exactly(k) => k.name(),
                Expected::Integer => "integer",
                Expected::Number => "number",
            };
            failures.push((
                leaf.path.clone(),
                format!("expected {wanted}, the consumer's schema has {}", leaf.kind.name()),
            ));
            continue;
        }
        if required && !leaf.present {
            failures.push((leaf.path, "required but the message carries no value".to_string()));
        }
    }
    failures
}

// ---- Protobuf ----

fn proto_kind(field: &FieldDescriptor) -> Kind {
    if field.is_map() {
        return Kind::Map;
    }
    if field.is_list() {
        return Kind::Array;
    }
    element_kind(&field.kind())
}

fn element_kind(kind: &ProtoKind) -> Kind {
    match kind {
        ProtoKind::Double => Kind::Double,
        ProtoKind::Float => Kind::Float,
        ProtoKind::Int32 | ProtoKind::Sint32 | ProtoKind::Sfixed32 | ProtoKind::Uint32 | ProtoKind::Fixed32 => {
            Kind::Int
        }
        ProtoKind::Int64 | ProtoKind::Sint64 | ProtoKind::Sfixed64 | ProtoKind::Uint64 | ProtoKind::Fixed64 => {
            Kind::Long
        }
        ProtoKind::Bool => Kind::Boolean,
        ProtoKind::String => Kind::String,
        ProtoKind::Bytes => Kind::Bytes,
        ProtoKind::Enum(_) => Kind::Enum,
        ProtoKind::Message(m) if m.full_name() == "google.protobuf.Timestamp" => Kind::Timestamp,
        ProtoKind::Message(_) => Kind::Record,
    }
}

fn value_present(v: &Value) -> bool {
    match v {
        Value::List(l) => !l.is_empty(),
        Value::Map(m) => !m.is_empty(),
        _ => true,
    }
}

/// The values a path reaches in a Protobuf message decoded with the consumer's schema.
pub fn proto_leaves(message: &DynamicMessage, steps: &[Step]) -> Result<Vec<Leaf>, (String, String)> {
    let mut out = Vec::new();
    proto_walk(&message.descriptor(), Some(message), steps, String::new(), &mut out)?;
    Ok(out)
}

fn proto_walk(
    descriptor: &MessageDescriptor,
    message: Option<&DynamicMessage>,
    steps: &[Step],
    prefix: String,
    out: &mut Vec<Leaf>,
) -> Result<(), (String, String)> {
    let Some((step, rest, path)) = first_step(steps, &prefix) else { return Ok(()) };
    let field = descriptor
        .get_field_by_name(&step.name)
        .or_else(|| descriptor.get_field_by_json_name(&step.name))
        .ok_or_else(|| {
            (path.clone(), format!("{} has no field {} in the consumer's schema", descriptor.full_name(), step.name))
        })?;
    let set = message.filter(|m| m.has_field(&field));
    if step.each {
        if !field.is_list() && !field.is_map() {
            return Err((path.clone(), format!("`[]` needs a repeated or map field; {} is singular", step.name)));
        }
        let elements: Vec<Value> = match set.map(|m| m.get_field(&field).into_owned()) {
            Some(Value::List(l)) => l,
            Some(Value::Map(m)) => m.into_values().collect(),
            _ => Vec::new(),
        };
        let element = match field.kind().as_message() {
            Some(entry) if field.is_map() => entry.map_entry_value_field().kind(),
            _ => field.kind(),
        };
        if elements.is_empty() {
            if rest.is_empty() {
                out.push(Leaf { path: format!("{path}[]"), kind: element_kind(&element), present: false });
                return Ok(());
            }
            return match &element {
                ProtoKind::Message(m) => proto_walk(m, None, rest, format!("{path}[]"), out),
                _ => Err((path, format!("{} elements are not messages", step.name))),
            };
        }
        for (i, v) in elements.iter().enumerate() {
            let here = format!("{path}[{i}]");
            if rest.is_empty() {
                out.push(Leaf { path: here, kind: element_kind(&element), present: value_present(v) });
            } else if let (Value::Message(m), ProtoKind::Message(d)) = (v, &element) {
                proto_walk(d, Some(m), rest, here, out)?;
            } else {
                return Err((here, format!("{} elements are not messages", step.name)));
            }
        }
        return Ok(());
    }
    if rest.is_empty() {
        let present = set.is_some_and(|m| value_present(&m.get_field(&field)));
        out.push(Leaf { path, kind: proto_kind(&field), present });
        return Ok(());
    }
    if field.is_list() || field.is_map() {
        return Err((path, format!("{} is repeated: write {}[] to read every element", step.name, step.name)));
    }
    match field.kind() {
        ProtoKind::Message(d) => {
            let value = set.map(|m| m.get_field(&field).into_owned());
            match value {
                Some(Value::Message(m)) => proto_walk(&d, Some(&m), rest, path, out),
                _ => proto_walk(&d, None, rest, path, out),
            }
        }
        _ => Err((path, format!("{} is not a message, it has no field {}", step.name, rest[0].name))),
    }
}

// ---- JSON ----

fn json_kind(v: &serde_json::Value) -> Kind {
    match v {
        serde_json::Value::Null => Kind::Null,
        serde_json::Value::Bool(_) => Kind::Boolean,
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => Kind::JsonInteger,
        serde_json::Value::Number(_) => Kind::JsonNumber,
        serde_json::Value::String(_) => Kind::String,
        serde_json::Value::Array(_) => Kind::Array,
        serde_json::Value::Object(_) => Kind::Record,
    }
}

fn json_present(v: Option<&serde_json::Value>) -> bool {
    match v {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::Array(a)) => !a.is_empty(),
        Some(serde_json::Value::Object(o)) => !o.is_empty(),
        Some(_) => true,
    }
}

/// The values a path reaches in a JSON value (validated against the consumer's schema); types
/// are those of the JSON values themselves.
pub fn json_leaves(value: &serde_json::Value, steps: &[Step]) -> Vec<Leaf> {
    let mut out = Vec::new();
    json_walk(Some(value), steps, String::new(), &mut out);
    out
}

fn json_walk(value: Option<&serde_json::Value>, steps: &[Step], prefix: String, out: &mut Vec<Leaf>) {
    let Some((step, rest, path)) = first_step(steps, &prefix) else { return };
    let field = value.and_then(|v| v.get(&step.name)).filter(|v| !v.is_null());
    let leaf = |path: String, v: Option<&serde_json::Value>| Leaf {
        path,
        kind: v.map_or(Kind::Missing, json_kind),
        present: json_present(v),
    };
    if step.each {
        let elements: Vec<&serde_json::Value> = match field {
            Some(serde_json::Value::Array(items)) => items.iter().collect(),
            Some(serde_json::Value::Object(members)) => members.values().collect(),
            _ => Vec::new(),
        };
        if elements.is_empty() {
            if rest.is_empty() {
                out.push(leaf(format!("{path}[]"), None));
            } else {
                json_walk(None, rest, format!("{path}[]"), out);
            }
            return;
        }
        for (i, v) in elements.into_iter().enumerate() {
            if rest.is_empty() {
                out.push(leaf(format!("{path}[{i}]"), Some(v)));
            } else {
                json_walk(Some(v), rest, format!("{path}[{i}]"), out);
            }
        }
        return;
    }
    if rest.is_empty() {
        out.push(leaf(path, field));
    } else {
        json_walk(field, rest, path, out);
    }
}

// ---- Avro ----

/// Named types of an Avro schema, for following `Schema::Ref`.
pub struct AvroNames(std::collections::HashMap<String, AvroType>);

impl AvroNames {
    /// The named types of a schema and of the schemas it references.
    pub fn of(schemata: &[&AvroType]) -> AvroNames {
        let mut names = std::collections::HashMap::new();
        for schema in schemata {
            collect_names(schema, &mut names);
        }
        AvroNames(names)
    }

    fn deref<'a>(&'a self, schema: &'a AvroType) -> &'a AvroType {
        match schema {
            AvroType::Ref { name } => self.0.get(&name.fullname(None)).unwrap_or(schema),
            other => other,
        }
    }
}

fn collect_names(schema: &AvroType, names: &mut std::collections::HashMap<String, AvroType>) {
    match schema {
        AvroType::Record(r) => {
            names.insert(r.name.fullname(None), schema.clone());
            for f in &r.fields {
                collect_names(&f.schema, names);
            }
        }
        AvroType::Enum(e) => {
            names.insert(e.name.fullname(None), schema.clone());
        }
        AvroType::Fixed(f) => {
            names.insert(f.name.fullname(None), schema.clone());
        }
        AvroType::Array(a) => collect_names(&a.items, names),
        AvroType::Map(m) => collect_names(&m.types, names),
        AvroType::Union(u) => u.variants().iter().for_each(|v| collect_names(v, names)),
        _ => {}
    }
}

fn avro_kind(schema: &AvroType) -> Kind {
    match schema {
        AvroType::Null => Kind::Null,
        AvroType::Boolean => Kind::Boolean,
        AvroType::Int | AvroType::Date | AvroType::TimeMillis => Kind::Int,
        AvroType::Long | AvroType::TimeMicros | AvroType::LocalTimestampMillis | AvroType::LocalTimestampMicros => {
            Kind::Long
        }
        AvroType::TimestampMillis | AvroType::TimestampMicros | AvroType::TimestampNanos => Kind::LongTimestamp,
        AvroType::Float => Kind::Float,
        AvroType::Double => Kind::Double,
        AvroType::String | AvroType::Uuid(_) => Kind::String,
        AvroType::Bytes | AvroType::Fixed(_) | AvroType::Decimal(_) | AvroType::BigDecimal | AvroType::Duration(_) => {
            Kind::Bytes
        }
        AvroType::Enum(_) => Kind::Enum,
        AvroType::Record(_) => Kind::Record,
        AvroType::Array(_) => Kind::Array,
        AvroType::Map(_) => Kind::Map,
        AvroType::Union(u) => u.variants().iter().find(|v| !matches!(v, AvroType::Null)).map_or(Kind::Null, avro_kind),
        _ => Kind::Record,
    }
}

/// Strips a union: the branch's schema and value, or the first non-null branch when absent.
fn unwrap_union<'a>(
    names: &'a AvroNames,
    schema: &'a AvroType,
    value: Option<&'a AvroValue>,
) -> (&'a AvroType, Option<&'a AvroValue>) {
    let schema = names.deref(schema);
    match (schema, value) {
        (AvroType::Union(u), Some(AvroValue::Union(i, inner))) => {
            if matches!(**inner, AvroValue::Null) {
                let branch = u.variants().iter().find(|v| !matches!(v, AvroType::Null)).unwrap_or(schema);
                return (names.deref(branch), None);
            }
            let branch = u.variants().get(*i as usize).map_or(schema, |b| names.deref(b));
            (branch, Some(inner))
        }
        (AvroType::Union(u), _) => {
            let branch = u.variants().iter().find(|v| !matches!(v, AvroType::Null)).unwrap_or(schema);
            (names.deref(branch), None)
        }
        (s, Some(AvroValue::Null)) => (s, None),
        (s, v) => (s, v),
    }
}

fn avro_present(value: Option<&AvroValue>) -> bool {
    match value {
        None | Some(AvroValue::Null) => false,
        Some(AvroValue::Array(a)) => !a.is_empty(),
        Some(AvroValue::Map(m)) => !m.is_empty(),
        Some(_) => true,
    }
}

/// The values a path reaches in an Avro value resolved to the consumer's schema.
pub fn avro_leaves(
    names: &AvroNames,
    schema: &AvroType,
    value: &AvroValue,
    steps: &[Step],
) -> Result<Vec<Leaf>, (String, String)> {
    let mut out = Vec::new();
    avro_walk(names, schema, Some(value), steps, String::new(), &mut out)?;
    Ok(out)
}

fn avro_walk(
    names: &AvroNames,
    schema: &AvroType,
    value: Option<&AvroValue>,
    steps: &[Step],
    prefix: String,
    out: &mut Vec<Leaf>,
) -> Result<(), (String, String)> {
    let Some((step, rest, path)) = first_step(steps, &prefix) else { return Ok(()) };
    let (schema, value) = unwrap_union(names, schema, value);
    let AvroType::Record(record) = schema else {
        return Err((path, format!("{prefix} is not a record, it has no field {}", step.name)));
    };
    let Some(position) = record.lookup.get(&step.name).copied() else {
        return Err((
            path,
            format!("{} has no field {} in the consumer's schema", record.name.fullname(None), step.name),
        ));
    };
    let field_schema = &record.fields[position].schema;
    let field_value = match value {
        Some(AvroValue::Record(fields)) => fields.iter().find(|(n, _)| *n == step.name).map(|(_, v)| v),
        _ => None,
    };
    let (field_schema, field_value) = unwrap_union(names, field_schema, field_value);
    if step.each {
        let (element_schema, elements): (&AvroType, Vec<&AvroValue>) = match (field_schema, field_value) {
            (AvroType::Array(a), Some(AvroValue::Array(items))) => (&a.items, items.iter().collect()),
            (AvroType::Array(a), _) => (&a.items, Vec::new()),
            (AvroType::Map(m), Some(AvroValue::Map(items))) => (&m.types, items.values().collect()),
            (AvroType::Map(m), _) => (&m.types, Vec::new()),
            _ => {
                return Err((
                    path,
                    format!("`[]` needs an array or map field; {} is {}", step.name, avro_kind(field_schema).name()),
                ));
            }
        };
        if elements.is_empty() {
            if rest.is_empty() {
                let (s, _) = unwrap_union(names, element_schema, None);
                out.push(Leaf { path: format!("{path}[]"), kind: avro_kind(s), present: false });
                return Ok(());
            }
            return avro_walk(names, element_schema, None, rest, format!("{path}[]"), out);
        }
        for (i, v) in elements.into_iter().enumerate() {
            let here = format!("{path}[{i}]");
            if rest.is_empty() {
                let (s, v) = unwrap_union(names, element_schema, Some(v));
                out.push(Leaf { path: here, kind: avro_kind(s), present: avro_present(v) });
            } else {
                avro_walk(names, element_schema, Some(v), rest, here, out)?;
            }
        }
        return Ok(());
    }
    if rest.is_empty() {
        out.push(Leaf { path, kind: avro_kind(field_schema), present: avro_present(field_value) });
        return Ok(());
    }
    if matches!(field_schema, AvroType::Array(_) | AvroType::Map(_)) {
        return Err((
            path,
            format!(
                "{} is {}: write {}[] to read every element",
                step.name,
                if matches!(field_schema, AvroType::Array(_)) { "an array" } else { "a map" },
                step.name
            ),
        ));
    }
    avro_walk(names, field_schema, field_value, rest, path, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_steps_with_element_markers() {
        let steps = parse_path("order.items[].sku").unwrap();
        assert_eq!(
            steps.iter().map(|s| (s.name.as_str(), s.each)).collect::<Vec<_>>(),
            [("order", false), ("items", true), ("sku", false)]
        );
        assert!(parse_path("order..id").is_err());
        assert!(parse_path("items[0]").unwrap_err().contains("items[0]"));
        assert!(parse_path("").is_err());
    }

    #[test]
    fn types_accept_their_families() {
        let integer = Expected::parse("INTEGER").unwrap();
        assert!(integer.accepts(Kind::Int) && integer.accepts(Kind::Long) && !integer.accepts(Kind::Double));
        assert!(Expected::parse("number").unwrap().accepts(Kind::Float));
        assert!(Expected::parse("message").unwrap().accepts(Kind::Timestamp));
        assert!(!Expected::parse("timestamp").unwrap().accepts(Kind::Record));
        // An Avro timestamp-millis is both a timestamp and a long; a Protobuf Timestamp is a message.
        assert!(Expected::parse("long").unwrap().accepts(Kind::LongTimestamp));
        assert!(Expected::parse("timestamp").unwrap().accepts(Kind::LongTimestamp));
        assert!(!Expected::parse("long").unwrap().accepts(Kind::Timestamp));
        assert!(Expected::parse("uuid").is_none());
    }
}
