//! The schemas of a contract, loaded from a file, a git revision of a file, or the registry,
//! and made usable for encoding and decoding: Protobuf through a prost-reflect descriptor pool
//! built from schemagate's own parser, Avro through apache-avro, JSON Schema through jsonschema.
//! Avro and JSON Schema references (other files of the project, or registry subjects) are
//! resolved by [`crate::refs`].

use std::path::{Path, PathBuf};

use prost_reflect::{DescriptorPool, MessageDescriptor};
use schemagate_core::compat::{CompatLevel, CompatMessage, check_level};
use schemagate_protobuf::compat::{CompatSchema, ProtobufEngine};
use schemagate_registry::client::{Client, SubjectVersion, fetch_references, import_closure, import_closure_with};

use crate::model::SchemaType;
use crate::refs::files::{Files, git_path};
use crate::refs::{self, RefGraph, RegistryWalk};

/// A schema ready to write or read messages with.
pub enum Loaded {
    Protobuf(ProtoSchema),
    Avro(AvroSchema),
    Json(JsonSchema),
}

/// A JSON Schema, compiled for validation with the documents it references (nothing is
/// fetched while validating).
pub struct JsonSchema {
    pub origin: String,
    pub text: String,
    pub validator: jsonschema::Validator,
    pub compat: schemagate_jsonschema::Schema,
    /// The documents its `$ref`s name, registered before it.
    pub references: RefGraph,
}

/// A Protobuf message type with the files that define it.
pub struct ProtoSchema {
    /// Where it came from, for messages (`schemas/x.proto`, `git:HEAD~1:...`, `registry ...`).
    pub origin: String,
    /// The import path of the main file.
    pub main_path: String,
    pub text: String,
    /// The module files the main file imports, transitively, by import path.
    pub imports: Vec<(String, String)>,
    pub compat: CompatSchema,
    pub message: MessageDescriptor,
    /// Confluent's message indexes of `message` in its file.
    pub indexes: Vec<i32>,
}

impl ProtoSchema {
    /// The serialized `google.protobuf.FileDescriptorSet` of the message's file and every file
    /// it imports, dependencies first: what protoc-less clients (e.g. Python's descriptor pool)
    /// need to build the message type.
    pub fn descriptor_set(&self) -> Vec<u8> {
        use prost::Message as _;
        fn visit(file: prost_reflect::FileDescriptor, out: &mut Vec<prost_types::FileDescriptorProto>) {
            if out.iter().any(|f| f.name() == file.name()) {
                return;
            }
            for dependency in file.dependencies() {
                visit(dependency, out);
            }
            out.push(file.file_descriptor_proto().clone());
        }
        let mut files = Vec::new();
        visit(self.message.parent_file(), &mut files);
        prost_types::FileDescriptorSet { file: files }.encode_to_vec()
    }
}

/// An Avro schema.
pub struct AvroSchema {
    pub origin: String,
    pub text: String,
    pub schema: apache_avro::Schema,
    /// The referenced schemas, parsed with it: they define the named types `schema` uses by
    /// name only.
    pub named: Vec<apache_avro::Schema>,
    pub compat: schemagate_avro::AvroSchema,
    /// Where the referenced schemas come from, registered before it.
    pub references: RefGraph,
}

impl AvroSchema {
    /// The schemas it references, then the schema, as apache-avro resolves names with: it
    /// needs each named type defined before a use by name only.
    pub fn schemata(&self) -> Vec<&apache_avro::Schema> {
        self.named.iter().chain(std::iter::once(&self.schema)).collect()
    }
}

impl Loaded {
    /// Where the schema came from.
    pub fn origin(&self) -> &str {
        match self {
            Loaded::Protobuf(p) => &p.origin,
            Loaded::Avro(a) => &a.origin,
            Loaded::Json(j) => &j.origin,
        }
    }

    /// The registry's schema type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Loaded::Protobuf(_) => "PROTOBUF",
            Loaded::Avro(_) => "AVRO",
            Loaded::Json(_) => "JSON",
        }
    }

    /// The incompatibilities of `self` (the producer's schema, the newer) with `reader` (a
    /// consumer's schema, treated as the registered earlier version) at `level`.
    pub fn compatibility(&self, reader: &Loaded, level: CompatLevel) -> Result<Vec<CompatMessage>, String> {
        let result = match (self, reader) {
            (Loaded::Protobuf(p), Loaded::Protobuf(r)) => {
                check_level(&ProtobufEngine, level, &p.compat, std::slice::from_ref(&r.compat))
            }
            (Loaded::Avro(p), Loaded::Avro(r)) => {
                check_level(&schemagate_avro::AvroEngine, level, &p.compat, std::slice::from_ref(&r.compat))
            }
            (Loaded::Json(p), Loaded::Json(r)) => {
                check_level(&schemagate_jsonschema::JsonSchemaEngine, level, &p.compat, std::slice::from_ref(&r.compat))
            }
            _ => return Err("the producer and the consumer use different schema types".to_string()),
        };
        Ok(result.messages)
    }
}

/// Where to read a schema from, relative to the project root.
pub struct Source<'a> {
    pub schema_type: SchemaType,
    pub file: &'a str,
    pub message: Option<&'a str>,
    /// Protobuf: the import root. Avro and JSON Schema: the folder whose files references are
    /// looked up in (default: the file's folder).
    pub root: Option<&'a str>,
    /// A git revision to read the file (and its imports) at.
    pub revision: Option<&'a str>,
}

/// Loads a schema from the work tree or a git revision.
pub fn load(project: &Path, source: &Source<'_>) -> Result<Loaded, String> {
    load_with(project, source, RefGraph::default())
}

/// Loads a schema with `declared`, the registry references its contract declares (Avro and
/// JSON Schema); the types or documents it uses beyond those are looked up in its folder.
pub fn load_with(project: &Path, source: &Source<'_>, declared: RefGraph) -> Result<Loaded, String> {
    let path = project.join(source.file);
    let origin = match source.revision {
        Some(rev) => format!("git:{rev}:{}", source.file),
        None => source.file.to_string(),
    };
    let read = |p: &Path| -> Result<String, String> {
        match source.revision {
            Some(rev) => {
                let bytes =
                    schemagate_core::source::read_git_file(rev, &git_path(p)).map_err(|e| format!("{origin}: {e}"))?;
                String::from_utf8(bytes).map_err(|_| format!("{origin}: not valid UTF-8"))
            }
            None => std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display())),
        }
    };
    let text = read(&path)?;
    match source.schema_type {
        SchemaType::Protobuf => {
            let root = match source.root {
                Some(r) => project.join(r),
                None => proto_root(&path),
            };
            let main_path = path
                .strip_prefix(&root)
                .map_err(|_| format!("{}: not under the import root {}", source.file, root.display()))?
                .to_string_lossy()
                .replace('\\', "/");
            let imports = match source.revision {
                None => import_closure(&root, &text)?,
                // At a revision, every import but the well-known ones must be there.
                Some(_) => import_closure_with(&text, &|path| {
                    if path.starts_with("google/protobuf/") { Ok(None) } else { read(&root.join(path)).map(Some) }
                })?,
            };
            let message = source.message.ok_or_else(|| format!("{origin}: a Protobuf schema needs a message name"))?;
            protobuf(origin, main_path, text, imports, Some(message))
        }
        SchemaType::Avro | SchemaType::Json => {
            let files = Files { project, revision: source.revision };
            let file = Path::new(source.file);
            let folder = match source.root {
                Some(r) => PathBuf::from(r),
                None => file.parent().map(Path::to_path_buf).unwrap_or_default(),
            };
            if source.schema_type == SchemaType::Avro {
                let graph = refs::avro::closure(files, file, &text, &folder, declared)?.ordered()?;
                avro(origin, text, source.message, graph)
            } else {
                let graph = refs::json::closure(files, file, &text, &folder, declared)?.ordered()?;
                json(origin, text, graph)
            }
        }
        SchemaType::String => Err(format!("{origin}: a STRING key or value has no schema")),
    }
}

/// Loads the schema a subject version holds, with its references, from the registry.
pub fn from_registry(client: &Client, found: &SubjectVersion, message: Option<&str>) -> Result<Loaded, String> {
    let origin = format!("registry subject {} version {}", found.subject, found.version);
    let schema_type = found.schema_type.to_ascii_uppercase();
    if schema_type == "PROTOBUF" {
        let refs = fetch_references(client, found.references.iter().cloned())
            .map_err(|e| format!("{origin}: cannot fetch its references: {e}"))?;
        let deps: Vec<(String, String)> = refs.into_iter().map(|(name, v)| (name, v.schema)).collect();
        let main_path = format!("{}.proto", found.subject.trim_end_matches(".proto"));
        return protobuf(origin, main_path, found.schema.clone(), deps, message);
    }
    // Avro and JSON Schema resolve references by name, relative to the schema that names
    // them (JSON Schema): keep who references what.
    let mut walk = RegistryWalk::new(client);
    for reference in &found.references {
        walk.add_main(reference).map_err(|e| format!("{origin}: cannot fetch its references: {e}"))?;
    }
    let graph = walk.finish().ordered().map_err(|e| format!("{origin}: {e}"))?;
    match schema_type.as_str() {
        "AVRO" => avro(origin, found.schema.clone(), message, graph),
        "JSON" => json(origin, found.schema.clone(), graph),
        other => Err(format!("{origin}: {other} schemas are not supported by contract tests yet")),
    }
}

/// The writer schema behind a schema id (as a Confluent deserializer fetches it), with its
/// references.
pub fn writer_from_registry(client: &Client, id: i64, schema_type: &str) -> Result<Loaded, String> {
    let schema = client.schema_by_id(id).map_err(|e| format!("schema id {id}: {e}"))?;
    let found = SubjectVersion {
        subject: format!("schema-id-{id}"),
        version: 0,
        id,
        schema: schema.schema,
        schema_type: if schema.schema_type.is_empty() { schema_type.to_string() } else { schema.schema_type },
        references: schema.references,
    };
    from_registry(client, &found, None).map_err(|e| e.replace("version 0", "(by id)"))
}

/// The folder Protobuf imports resolve from: the nearest folder upward holding `buf.yaml`,
/// else the file's folder.
fn proto_root(file: &Path) -> PathBuf {
    let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut dir = Some(folder.as_path());
    while let Some(d) = dir {
        if d.join("buf.yaml").is_file() {
            return d.to_path_buf();
        }
        dir = d.parent().filter(|p| !p.as_os_str().is_empty());
    }
    folder
}

fn protobuf(
    origin: String,
    main_path: String,
    text: String,
    imports: Vec<(String, String)>,
    message: Option<&str>,
) -> Result<Loaded, String> {
    let compat = schemagate_protobuf::load_from_texts(&main_path, &text, &imports).map_err(|e| {
        let shown = e.to_string();
        if origin.starts_with("git:") || origin.starts_with("registry") { format!("{origin}: {shown}") } else { shown }
    })?;
    let mut pool = DescriptorPool::global();
    let mut files = Vec::new();
    for file in compat.dependencies.iter().chain(std::iter::once(&compat.main)) {
        if pool.get_file_by_name(&file.path).is_some() {
            continue;
        }
        files.push(schemagate_protobuf::descriptor::proto_to_descriptor(file).map_err(|e| format!("{origin}: {e}"))?);
    }
    pool.add_file_descriptor_protos(files).map_err(|e| format!("{origin}: {e}"))?;
    // Without a name (a writer schema fetched by id), the message indexes of each record pick
    // the message; the file's first one stands for the file.
    let descriptor = match message {
        Some(name) => {
            let name = name.trim_start_matches('.');
            pool.get_message_by_name(name)
                .filter(|m| m.parent_file().name() == main_path)
                .ok_or_else(|| format!("{origin}: no message {name} in {main_path}"))?
        }
        None => pool
            .get_file_by_name(&main_path)
            .and_then(|f| f.messages().next())
            .ok_or_else(|| format!("{origin}: {main_path} defines no message"))?,
    };
    let indexes = message_indexes(&descriptor);
    Ok(Loaded::Protobuf(ProtoSchema { origin, main_path, text, imports, compat, message: descriptor, indexes }))
}

/// Confluent's message indexes: the position of a message in its file, then in each parent.
pub fn message_indexes(message: &MessageDescriptor) -> Vec<i32> {
    let mut path = Vec::new();
    let mut current = message.clone();
    loop {
        match current.parent_message() {
            Some(parent) => {
                let i = parent.child_messages().position(|m| m.full_name() == current.full_name()).unwrap_or(0);
                path.push(i as i32);
                current = parent;
            }
            None => {
                let file = current.parent_file();
                let i = file.messages().position(|m| m.full_name() == current.full_name()).unwrap_or(0);
                path.push(i as i32);
                break;
            }
        }
    }
    path.reverse();
    path
}

/// The message a writer's indexes name in a Protobuf schema.
pub fn message_at(file: &prost_reflect::FileDescriptor, indexes: &[i32]) -> Option<MessageDescriptor> {
    let (first, rest) = indexes.split_first()?;
    let mut current = file.messages().nth(usize::try_from(*first).ok()?)?;
    for i in rest {
        let next = current.child_messages().nth(usize::try_from(*i).ok()?)?;
        current = next;
    }
    Some(current)
}

fn json(origin: String, text: String, references: RefGraph) -> Result<Loaded, String> {
    // The compatibility parser reports syntax errors with their positions: it goes first.
    let names = serde_json::from_str(&text).map(|v| refs::json::compat_names(&v, &references)).unwrap_or_default();
    let compat = schemagate_jsonschema::parse(&origin, &text, &names).map_err(|e| e.to_string())?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{origin}:{}:{}: {e}", e.line(), e.column()))?;
    let validator = refs::json::validator(&origin, &value, &references)?;
    Ok(Loaded::Json(JsonSchema { origin, text, validator, compat, references }))
}

fn avro(origin: String, text: String, record: Option<&str>, references: RefGraph) -> Result<Loaded, String> {
    let compat = schemagate_avro::parse(&origin, &text, &references.named_texts()).map_err(|e| e.to_string())?;
    // The compatibility parser above already ran apache-avro on the same texts, catching its
    // panics; an input that got this far parses.
    let (schema, named) =
        apache_avro::Schema::parse_str_with_list(&text, references.texts()).map_err(|e| format!("{origin}: {e}"))?;
    if let Some(expected) = record {
        let name = match &schema {
            apache_avro::Schema::Record(r) => r.name.fullname(None),
            _ => String::new(),
        };
        if name != expected.trim_start_matches('.') {
            return Err(format!("{origin}: the schema's record is {name:?}, not {expected}"));
        }
    }
    Ok(Loaded::Avro(AvroSchema { origin, text, schema, named, compat, references }))
}
