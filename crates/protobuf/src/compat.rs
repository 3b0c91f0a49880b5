//! Confluent Schema Registry compatibility for Protobuf: Confluent's difference model
//! (`SchemaDiff` / `MessageSchemaDiff` / `FieldSchemaDiff` of its protobuf provider), with its
//! change types, its compatible set, scalar groups, name resolution, oneof rules and
//! references to imported files. No I/O: schemas come loaded.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use schemagate_core::compat::{CompatEngine, CompatMessage};

use crate::ast::{Enum, Field, Kind, Label, Message, ProtoFile, TypeRef};

/// Confluent's difference types that the registry accepts.
pub const COMPATIBLE_CHANGES: [&str; 15] = [
    "MESSAGE_ADDED",
    "MESSAGE_MOVED",
    "ENUM_ADDED",
    "ENUM_REMOVED",
    "ENUM_CONST_ADDED",
    "ENUM_CONST_CHANGED",
    "ENUM_CONST_REMOVED",
    "FIELD_ADDED",
    "FIELD_REMOVED",
    "FIELD_NAME_CHANGED",
    "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
    "ONEOF_ADDED",
    "ONEOF_REMOVED",
    "ONEOF_FIELD_ADDED",
    "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
];

/// A schema as registered: the main file and the files it imports (its references).
#[derive(Debug, Clone)]
pub struct CompatSchema {
    pub main: ProtoFile,
    pub dependencies: Vec<ProtoFile>,
}

/// One difference, Confluent style: a type and a `#/Message/field` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: &'static str,
    pub path: String,
}

impl Difference {
    pub fn is_compatible(&self) -> bool {
        COMPATIBLE_CHANGES.contains(&self.kind)
    }
}

#[derive(Clone, Copy)]
enum TypeDef<'a> {
    Message(&'a Message),
    Enum,
}

#[derive(Clone, Copy)]
struct TypeInfo<'a> {
    package: &'a str,
    def: TypeDef<'a>,
    /// Defined in the main file (not a reference).
    local: bool,
}

/// All named types of one side, by full name.
struct Types<'a>(HashMap<String, TypeInfo<'a>>);

impl<'a> Types<'a> {
    fn collect(schema: &'a CompatSchema) -> Types<'a> {
        let mut map = HashMap::new();
        let mut add_file = |file: &'a ProtoFile, local: bool| {
            fn walk<'a>(
                map: &mut HashMap<String, TypeInfo<'a>>,
                file: &'a ProtoFile,
                local: bool,
                messages: &'a [Message],
                enums: &'a [Enum],
            ) {
                for e in enums {
                    map.insert(e.full_name.clone(), TypeInfo { package: &file.package, def: TypeDef::Enum, local });
                }
                for m in messages.iter().filter(|m| !m.map_entry) {
                    map.insert(
                        m.full_name.clone(),
                        TypeInfo { package: &file.package, def: TypeDef::Message(m), local },
                    );
                    walk(map, file, local, &m.messages, &m.enums);
                }
            }
            walk(&mut map, file, local, &file.messages, &file.enums);
        };
        for dep in &schema.dependencies {
            add_file(dep, false);
        }
        add_file(&schema.main, true);
        Types(map)
    }
}

/// What Confluent compares a field's type as: a scalar (enums included), a message, or a map.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FieldType {
    Scalar(&'static str),
    Enum(String),
    Message(String),
    Map(Box<FieldType>, Box<FieldType>),
}

fn scalar_group(t: &FieldType) -> &'static str {
    match t {
        FieldType::Enum(_) => "GENERAL_NUMBER",
        FieldType::Scalar(s) => match *s {
            "int32" | "int64" | "uint32" | "uint64" | "bool" => "GENERAL_NUMBER",
            "sint32" | "sint64" => "SIGNED_NUMBER",
            "string" | "bytes" => "STRING_OR_BYTES",
            "fixed32" | "sfixed32" => "FIXED32",
            "fixed64" | "sfixed64" => "FIXED64",
            "float" => "FLOAT",
            "double" => "DOUBLE",
            _ => "ANY",
        },
        _ => "ANY",
    }
}

/// The field's type in Confluent's terms, and its label as Wire reports it (none for proto3
/// implicit fields, oneof members and maps).
fn field_type(field: &Field, parent: &Message) -> (FieldType, Option<Label>) {
    if field.is_map {
        let entry = parent.messages.iter().find(|m| m.map_entry && TypeRef::Named(m.name.clone()) == field.ty);
        let (k, v) = match entry {
            Some(e) => (e.fields.first(), e.fields.get(1)),
            None => (None, None),
        };
        let of = |f: Option<&Field>| f.map(plain_type).unwrap_or(FieldType::Scalar("string"));
        return (FieldType::Map(Box::new(of(k)), Box::new(of(v))), None);
    }
    let label = if field.oneof.is_some_and(|i| parent.oneofs.get(i).is_some_and(|o| !o.synthetic)) {
        None
    } else {
        field.label
    };
    (plain_type(field), label)
}

fn plain_type(field: &Field) -> FieldType {
    match field.kind {
        Some(Kind::Enum) => FieldType::Enum(field.type_name.clone()),
        Some(Kind::Message | Kind::Group) => FieldType::Message(field.type_name.clone()),
        Some(k) => FieldType::Scalar(k.name()),
        None => FieldType::Message(field.type_name.clone()),
    }
}

struct Ctx<'a> {
    original: &'a Types<'a>,
    update: &'a Types<'a>,
    path: Vec<String>,
    diffs: Vec<Difference>,
    /// Original messages being compared (cycle guard), by full name.
    in_progress: HashSet<String>,
}

impl<'a> Ctx<'a> {
    fn add(&mut self, kind: &'static str) {
        self.diffs.push(Difference { kind, path: format!("#/{}", self.path.join("/")) });
    }
    fn add_at(&mut self, segments: &[&str], kind: &'static str) {
        let len = self.path.len();
        self.path.extend(segments.iter().map(|s| s.to_string()));
        self.add(kind);
        self.path.truncate(len);
    }

    fn type_elements(&mut self, original: (&'a [Message], &'a [Enum]), update: (&'a [Message], &'a [Enum])) {
        let index = |ms: &'a [Message]| -> BTreeMap<&'a str, (usize, &'a Message)> {
            ms.iter().filter(|m| !m.map_entry).enumerate().map(|(i, m)| (m.name.as_str(), (i, m))).collect()
        };
        let (om, um) = (index(original.0), index(update.0));
        let names: BTreeSet<&str> = om.keys().chain(um.keys()).copied().collect();
        for name in names {
            self.path.push(name.to_string());
            match (om.get(name), um.get(name)) {
                (Some(_), None) => self.add("MESSAGE_REMOVED"),
                (None, Some(_)) => self.add("MESSAGE_ADDED"),
                (Some((oi, o)), Some((ui, u))) => {
                    self.message(o, u);
                    if oi != ui {
                        // Message indexes are relative to the schema id, so moving is fine.
                        self.add("MESSAGE_MOVED");
                    }
                }
                (None, None) => {}
            }
            self.path.pop();
        }
        let enums =
            |es: &'a [Enum]| -> BTreeMap<&'a str, &'a Enum> { es.iter().map(|e| (e.name.as_str(), e)).collect() };
        let (oe, ue) = (enums(original.1), enums(update.1));
        let names: BTreeSet<&str> = oe.keys().chain(ue.keys()).copied().collect();
        for name in names {
            self.path.push(name.to_string());
            match (oe.get(name), ue.get(name)) {
                (Some(_), None) => self.add("ENUM_REMOVED"),
                (None, Some(_)) => self.add("ENUM_ADDED"),
                (Some(o), Some(u)) => self.enumeration(o, u),
                (None, None) => {}
            }
            self.path.pop();
        }
    }

    fn enumeration(&mut self, original: &Enum, update: &Enum) {
        let by_number = |e: &Enum| -> BTreeMap<i64, String> {
            let mut m = BTreeMap::new();
            for v in &e.values {
                m.insert(v.number, v.name.clone());
            }
            m
        };
        let (o, u) = (by_number(original), by_number(update));
        for n in o.keys().chain(u.keys()).collect::<BTreeSet<_>>() {
            let tag = n.to_string();
            match (o.get(n), u.get(n)) {
                (Some(_), None) => self.add_at(&[&tag], "ENUM_CONST_REMOVED"),
                (None, Some(_)) => self.add_at(&[&tag], "ENUM_CONST_ADDED"),
                (Some(a), Some(b)) if a != b => self.add_at(&[&tag], "ENUM_CONST_CHANGED"),
                _ => {}
            }
        }
    }

    fn message(&mut self, original: &'a Message, update: &'a Message) {
        if self.in_progress.insert(original.full_name.clone()) {
            self.message_fields(original, update);
            self.in_progress.remove(&original.full_name);
        }
        self.type_elements((&original.messages, &original.enums), (&update.messages, &update.enums));
    }

    fn message_fields(&mut self, original: &'a Message, update: &'a Message) {
        struct Side<'a> {
            by_tag: BTreeMap<i64, &'a Field>,
            oneof_of: HashMap<i64, &'a str>,
            oneofs: BTreeMap<&'a str, Vec<i64>>,
        }
        let side = |m: &'a Message| {
            let mut s = Side { by_tag: BTreeMap::new(), oneof_of: HashMap::new(), oneofs: BTreeMap::new() };
            for f in &m.fields {
                s.by_tag.insert(f.number, f);
                if let Some(o) = f.oneof.and_then(|i| m.oneofs.get(i)).filter(|o| !o.synthetic) {
                    s.oneof_of.insert(f.number, o.name.as_str());
                    s.oneofs.entry(o.name.as_str()).or_default().push(f.number);
                }
            }
            for o in m.oneofs.iter().filter(|o| !o.synthetic) {
                s.oneofs.entry(o.name.as_str()).or_default();
            }
            s
        };
        let (o, u) = (side(original), side(update));
        // A removed oneof none of whose members survive is a complete (compatible) deletion.
        let deleted: HashSet<&str> = o
            .oneofs
            .iter()
            .filter(|(name, tags)| !u.oneofs.contains_key(*name) && !tags.iter().any(|t| u.by_tag.contains_key(t)))
            .map(|(name, _)| *name)
            .collect();
        // Newly introduced mutual exclusivity.
        for (name, tags) in &u.oneofs {
            let mut groups = HashSet::new();
            let mut top_level_moved_in = 0;
            for t in tags {
                if let Some(prev) = o.oneof_of.get(t) {
                    groups.insert(format!("oneof:{prev}"));
                } else if o.by_tag.contains_key(t) {
                    groups.insert(format!("field:{t}"));
                    top_level_moved_in += 1;
                }
            }
            if groups.len() > 1 {
                let kind = if top_level_moved_in > 1 {
                    "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
                } else {
                    "FIELD_MOVED_TO_EXISTING_ONEOF"
                };
                self.add_at(&[name], kind);
            }
        }
        let names: BTreeSet<&str> = o.oneofs.keys().chain(u.oneofs.keys()).copied().collect();
        for name in names {
            if !u.oneofs.contains_key(name) {
                self.add_at(&[name], "ONEOF_REMOVED");
            } else if !o.oneofs.contains_key(name) {
                self.add_at(&[name], "ONEOF_ADDED");
            }
        }
        let tags: BTreeSet<i64> = o.by_tag.keys().chain(u.by_tag.keys()).copied().collect();
        for tag in tags {
            let t = tag.to_string();
            let (of, uf) = (o.by_tag.get(&tag), u.by_tag.get(&tag));
            let (oo, uo) = (o.oneof_of.get(&tag).copied(), u.oneof_of.get(&tag).copied());
            match (of, uf) {
                (Some(f), None) => match oo {
                    Some(name) if !deleted.contains(name) => self.add_at(&[name, &t], "ONEOF_FIELD_REMOVED"),
                    Some(_) => {}
                    None => self.add_at(
                        &[&t],
                        if f.label == Some(Label::Required) { "REQUIRED_FIELD_REMOVED" } else { "FIELD_REMOVED" },
                    ),
                },
                (None, Some(f)) => match uo {
                    Some(name) => self.add_at(&[name, &t], "ONEOF_FIELD_ADDED"),
                    None => self.add_at(
                        &[&t],
                        if f.label == Some(Label::Required) { "REQUIRED_FIELD_ADDED" } else { "FIELD_ADDED" },
                    ),
                },
                (Some(a), Some(b)) => {
                    if oo.is_some() && uo.is_none() {
                        self.add_at(&[&t], "ONEOF_FIELD_MOVED_TO_TOP_LEVEL");
                    }
                    let len = self.path.len();
                    if let Some(name) = uo {
                        self.path.push(name.to_string());
                    }
                    self.path.push(t.clone());
                    self.field(a, original, b, update);
                    self.path.truncate(len);
                }
                (None, None) => {}
            }
        }
    }

    fn field(
        &mut self,
        original: &'a Field,
        original_parent: &'a Message,
        update: &'a Field,
        update_parent: &'a Message,
    ) {
        if original.name != update.name {
            self.add("FIELD_NAME_CHANGED");
        }
        let (ot, ol) = field_type(original, original_parent);
        let (ut, ul) = field_type(update, update_parent);
        self.types(&ot, ol, &ut, ul);
    }

    fn types(
        &mut self,
        original: &FieldType,
        original_label: Option<Label>,
        update: &FieldType,
        update_label: Option<Label>,
    ) {
        let kind = |t: &FieldType| match t {
            FieldType::Scalar(_) | FieldType::Enum(_) => 0,
            FieldType::Message(_) => 1,
            FieldType::Map(..) => 2,
        };
        if kind(original) != kind(update) {
            self.add("FIELD_KIND_CHANGED");
            return;
        }
        match (original, update) {
            (FieldType::Map(ok, ov), FieldType::Map(uk, uv)) => {
                self.types(ok, None, uk, None);
                self.types(ov, None, uv, None);
            }
            (FieldType::Message(a), FieldType::Message(b)) => self.message_types(a, b),
            _ => {
                let (a, b) = (scalar_group(original), scalar_group(update));
                if a != b {
                    self.add("FIELD_SCALAR_KIND_CHANGED");
                } else if let (Some(x), Some(y)) = (original_label, update_label)
                    && x != y
                {
                    match a {
                        "STRING_OR_BYTES" => self.add("FIELD_STRING_OR_BYTES_LABEL_CHANGED"),
                        "ANY" => {}
                        _ => self.add("FIELD_NUMERIC_LABEL_CHANGED"),
                    }
                }
            }
        }
    }

    fn message_types(&mut self, original: &str, update: &str) {
        let (Some(oi), Some(ui)) = (self.original.0.get(original).copied(), self.update.0.get(update).copied()) else {
            // Types we do not know (well-known types not given as references): compare names.
            if original != update {
                self.add("FIELD_NAMED_TYPE_CHANGED");
            }
            return;
        };
        let local = |full: &str, package: &str| full.strip_prefix(&format!("{package}.")).unwrap_or(full).to_string();
        let (ol, ul) = (local(original, oi.package), local(update, ui.package));
        if ol != ul {
            self.add("FIELD_NAMED_TYPE_CHANGED");
            return;
        }
        // Local types are compared where they are declared; referenced ones here.
        if oi.local && ui.local {
            return;
        }
        let (TypeDef::Message(om), TypeDef::Message(um)) = (oi.def, ui.def) else { return };
        let mut sub = Ctx {
            original: self.original,
            update: self.update,
            path: ol.split('.').map(str::to_string).collect(),
            diffs: Vec::new(),
            in_progress: self.in_progress.clone(),
        };
        sub.message(om, um);
        let incompatible = sub.diffs.iter().any(|d| !d.is_compatible());
        self.diffs.extend(sub.diffs);
        if incompatible {
            self.add("FIELD_NAMED_TYPE_CHANGED");
        }
    }
}

/// Every difference between two versions, Confluent's `SchemaDiff.compare(original, update)`.
pub fn differences(original: &CompatSchema, update: &CompatSchema) -> Vec<Difference> {
    let (ot, ut) = (Types::collect(original), Types::collect(update));
    let mut ctx = Ctx { original: &ot, update: &ut, path: Vec::new(), diffs: Vec::new(), in_progress: HashSet::new() };
    if original.main.package != update.main.package {
        ctx.add("PACKAGE_CHANGED");
    }
    ctx.type_elements((&original.main.messages, &original.main.enums), (&update.main.messages, &update.main.enums));
    ctx.diffs
}

fn describe(kind: &str) -> &'static str {
    match kind {
        "PACKAGE_CHANGED" => "the package changed",
        "MESSAGE_REMOVED" => "a message was removed",
        "FIELD_KIND_CHANGED" => "a field changed between scalar, message and map",
        "FIELD_SCALAR_KIND_CHANGED" => "a field changed to a scalar type that is not wire compatible",
        "FIELD_NAMED_TYPE_CHANGED" => "a field changed to an incompatible message type",
        "FIELD_NUMERIC_LABEL_CHANGED" => "a numeric field changed its label (e.g. singular to repeated)",
        "REQUIRED_FIELD_ADDED" => "a required field was added",
        "REQUIRED_FIELD_REMOVED" => "a required field was removed",
        "ONEOF_FIELD_REMOVED" => "a oneof member was removed",
        "MULTIPLE_FIELDS_MOVED_TO_ONEOF" => "several existing fields were moved into one oneof",
        "FIELD_MOVED_TO_EXISTING_ONEOF" => "an existing field was moved into a oneof with other existing fields",
        _ => "incompatible change",
    }
}

/// Confluent's Protobuf compatibility rules.
pub struct ProtobufEngine;

impl CompatEngine for ProtobufEngine {
    type Schema = CompatSchema;

    fn backward(&self, previous: &CompatSchema, update: &CompatSchema) -> Vec<CompatMessage> {
        differences(previous, update)
            .into_iter()
            .filter(|d| !d.is_compatible())
            .map(|d| CompatMessage {
                kind: d.kind.to_string(),
                message: format!("{}: {}", d.path, describe(d.kind)),
                path: d.path,
            })
            .collect()
    }
}
