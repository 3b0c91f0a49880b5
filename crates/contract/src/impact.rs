//! Consumer blast radius of a finding: which contracts (topics), consuming services and registry
//! subjects carry the schema element a finding is about. Protobuf elements are found from the
//! finding's line in the changed file (the innermost message or enum, the field or value on that
//! line) and then searched for in each contract's value message, through nested messages; a
//! consumer is hit when one of its `fields:` paths touches the element's path. Avro and JSON
//! Schema findings are per file: every topic whose value schema is that file is hit as a whole.
//!
//! Limits: an element that no longer exists in the work tree (a deleted message or enum) is
//! searched for by the enclosing element's full name only; Avro and JSON Schema findings do
//! not name a field, so their consumers are listed as receiving, not reading, the change.

use std::collections::HashSet;
use std::path::Path;

use prost_reflect::{Kind, MessageDescriptor};
use schemagate_core::Finding;
use schemagate_protobuf as protobuf;
use schemagate_report::review::{ConsumerImpact, Impact, TopicImpact};

use crate::model::{Contract, SchemaType};
use crate::schema::{self, Loaded, Source};

/// A registry subject of the gate configuration.
#[derive(Debug, Clone)]
pub struct SubjectSpec {
    pub name: String,
    /// PROTOBUF, AVRO or JSON.
    pub schema_type: String,
    pub file: String,
    /// Protobuf: the message the subject holds.
    pub record: Option<String>,
}

/// The schema element a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// A message, or one of its fields (which may be gone from the work tree).
    Message { full_name: String, field: Option<String> },
    /// An enum, or one of its values; it reaches consumers through the fields of its type.
    Enum { full_name: String, value: Option<String> },
    /// A whole schema file.
    File(String),
}

impl Element {
    /// Dotted name for display.
    pub fn display(&self) -> String {
        match self {
            Element::Message { full_name, field: Some(f) } => format!("{full_name}.{f}"),
            Element::Message { full_name, field: None } => full_name.clone(),
            Element::Enum { full_name, value: Some(v) } => format!("{full_name}.{v}"),
            Element::Enum { full_name, value: None } => full_name.clone(),
            Element::File(path) => path.clone(),
        }
    }
}

/// A contract with its value message loaded (Protobuf) or its value file (Avro, JSON Schema).
struct Topic<'a> {
    contract: &'a Contract,
    message: Option<MessageDescriptor>,
    /// The files the value schema is made of (main file first, repository-relative).
    files: Vec<String>,
}

/// The contracts and subjects of a repository, loaded once to answer for every finding.
pub struct ImpactIndex<'a> {
    topics: Vec<Topic<'a>>,
    subjects: Vec<(SubjectSpec, Option<MessageDescriptor>, Vec<String>)>,
    /// Contracts or subjects whose schema could not be loaded, with why.
    pub notes: Vec<String>,
}

impl<'a> ImpactIndex<'a> {
    /// Loads the value schema of every contract and the schema of every subject from the work
    /// tree under `project`. `proto_root` is the import root of the Protobuf module.
    pub fn new(project: &Path, contracts: &'a [Contract], subjects: &[SubjectSpec], proto_root: Option<&str>) -> Self {
        let mut notes = Vec::new();
        let mut topics = Vec::new();
        for contract in contracts {
            let Some(file) = contract.value.file.as_deref() else { continue };
            let source = Source {
                schema_type: contract.value.schema_type,
                file,
                message: contract.value.message.as_deref(),
                root: contract.value.root.as_deref(),
                revision: None,
            };
            match schema::load(project, &source) {
                Ok(loaded) => {
                    let (message, files) = parts(&loaded, file, contract.value.root.as_deref().or(proto_root));
                    topics.push(Topic { contract, message, files });
                }
                Err(e) => notes.push(format!(
                    "{}: value schema not loaded, so not in the blast radius: {e}",
                    contract.file.display()
                )),
            }
        }
        let mut loaded_subjects = Vec::new();
        for s in subjects {
            let schema_type = match s.schema_type.to_ascii_uppercase().as_str() {
                "AVRO" => SchemaType::Avro,
                "JSON" => SchemaType::Json,
                _ => SchemaType::Protobuf,
            };
            if schema_type != SchemaType::Protobuf {
                loaded_subjects.push((s.clone(), None, vec![s.file.clone()]));
                continue;
            }
            let source =
                Source { schema_type, file: &s.file, message: s.record.as_deref(), root: proto_root, revision: None };
            match schema::load(project, &source) {
                Ok(loaded) => {
                    let (message, files) = parts(&loaded, &s.file, proto_root);
                    loaded_subjects.push((s.clone(), message, files));
                }
                Err(e) => notes.push(format!("subject {}: schema not loaded, so not in the blast radius: {e}", s.name)),
            }
        }
        ImpactIndex { topics, subjects: loaded_subjects, notes }
    }

    /// The blast radius of `finding`; `new_text` and `old_text` are its file's text in the work
    /// tree and at the baseline.
    pub fn impact(&self, finding: &Finding, new_text: Option<&str>, old_text: Option<&str>) -> Impact {
        let mut impact = Impact { operations: operations(finding), ..Impact::default() };
        let element = element_of(finding, new_text);
        // A subject-level verdict names its subject: that subject, and the topics on it.
        let subject_named = finding
            .message
            .strip_prefix("subject ")
            .and_then(|rest| rest.split([' ', '[']).next())
            .filter(|name| self.subjects.iter().any(|(s, ..)| s.name == *name));
        // A whole file is already named by the finding's path.
        impact.element = element.as_ref().filter(|e| !matches!(e, Element::File(_))).map(Element::display);
        if let Some(e) = &element
            && line_of(&finding.path, new_text, e).is_none()
        {
            impact.old_line = line_of(&finding.path, old_text, e);
        }
        // Avro and JSON Schema verdicts end with where in the schema: a field path in the value.
        let doc_field = new_text.and_then(|text| document_field(&finding.path, text, &finding.message));
        if let (Some(field), Some(Element::File(_))) = (&doc_field, &element) {
            impact.element = Some(format!("{} {field}", finding.path.rsplit('/').next().unwrap_or(&finding.path)));
        }
        let whole_or_field = || doc_field.iter().cloned().collect::<Vec<_>>();
        for topic in &self.topics {
            let value_subject = topic.contract.value_subject();
            let paths: Option<Vec<String>> = match (&element, &topic.message) {
                _ if subject_named == Some(value_subject.as_str()) => Some(whole_or_field()),
                (Some(e @ (Element::Message { .. } | Element::Enum { .. })), Some(root)) => {
                    let p = paths_to(root, e);
                    (!p.is_empty()).then_some(p)
                }
                (Some(Element::File(path)), _) => topic.files.iter().any(|f| f == path).then(whole_or_field),
                (None, _) => None,
                _ => None,
            };
            let Some(field_paths) = paths else { continue };
            let consumers = topic
                .contract
                .consumers
                .iter()
                .map(|c| ConsumerImpact {
                    name: c.name.clone(),
                    reads: c
                        .fields
                        .iter()
                        .map(|f| f.path.clone())
                        .filter(|p| !field_paths.is_empty() && field_paths.iter().any(|a| touches(p, a)))
                        .collect(),
                })
                .collect();
            impact.topics.push(TopicImpact {
                contract: topic.contract.file.to_string_lossy().replace('\\', "/"),
                topic: topic.contract.topic.clone(),
                producer: topic.contract.producer.clone(),
                message: topic
                    .message
                    .as_ref()
                    .map(|m| m.full_name().to_string())
                    .unwrap_or_else(|| topic.files.first().cloned().unwrap_or_default()),
                field_paths: field_paths.into_iter().filter(|p| !p.is_empty()).collect(),
                consumers,
            });
        }
        for (subject, message, files) in &self.subjects {
            let hit = subject_named == Some(subject.name.as_str())
                || match (&element, message) {
                    (Some(e @ (Element::Message { .. } | Element::Enum { .. })), Some(root)) => {
                        !paths_to(root, e).is_empty()
                    }
                    (Some(Element::File(path)), _) => files.iter().any(|f| f == path),
                    _ => false,
                };
            if hit {
                impact.subjects.push(subject.name.clone());
            }
        }
        impact
    }
}

/// The value message and the repository-relative files of a loaded schema.
fn parts(loaded: &Loaded, file: &str, proto_root: Option<&str>) -> (Option<MessageDescriptor>, Vec<String>) {
    match loaded {
        Loaded::Protobuf(p) => {
            let root = match proto_root {
                Some(r) => format!("{}/", r.trim_end_matches('/')),
                None => file.strip_suffix(&p.main_path).unwrap_or("").to_string(),
            };
            let mut files = vec![file.to_string()];
            files.extend(p.imports.iter().map(|(path, _)| format!("{root}{path}")));
            (Some(p.message.clone()), files)
        }
        _ => (None, vec![file.to_string()]),
    }
}

/// The value field an Avro or JSON Schema finding is about, as contracts write field paths:
/// from the schema location its message ends with (`... at /fields/6/type/items/fields/1/type`
/// for Avro, `... at #/properties/priority/maximum` for JSON Schema), walked in `text`.
pub fn document_field(path: &str, text: &str, message: &str) -> Option<String> {
    let avro = path.ends_with(".avsc");
    if !avro && !path.ends_with(".json") {
        return None;
    }
    let pointer = message.rsplit_once(" at ")?.1.trim();
    let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
    let tokens: Vec<&str> = pointer.strip_prefix('/')?.split('/').collect();
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut node = &doc;
    let mut segments: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        if avro && token == "fields" {
            let field = node.get("fields")?.get(tokens.get(i + 1)?.parse::<usize>().ok()?)?;
            segments.push(field.get("name")?.as_str()?.to_string());
            node = field;
            i += 2;
            continue;
        }
        if !avro && token == "properties" {
            let name = tokens.get(i + 1)?.replace("~1", "/").replace("~0", "~");
            node = node.get("properties")?.get(&name)?;
            segments.push(name);
            i += 2;
            continue;
        }
        if token == "items"
            && let Some(last) = segments.last_mut()
        {
            last.push_str("[]");
        }
        node = match node {
            serde_json::Value::Array(a) => match token.parse::<usize>() {
                Ok(n) => a.get(n),
                Err(_) => None,
            },
            other => other.get(token),
        }
        .unwrap_or(node);
        i += 1;
    }
    (!segments.is_empty()).then(|| segments.join("."))
}

/// The API operations a finding reaches (OpenAPI).
fn operations(f: &Finding) -> Vec<String> {
    if !f.uses.is_empty() {
        return f.uses.iter().map(|u| format!("{} {}", u.method, u.api_path)).collect();
    }
    match (&f.method, &f.api_path) {
        (Some(m), Some(p)) => vec![format!("{m} {p}")],
        (None, Some(p)) => vec![p.clone()],
        _ => vec![],
    }
}

/// Whether a consumer's field path `read` touches the element path `changed`: the same field,
/// a field inside it, or a parent read as a whole.
fn touches(read: &str, changed: &str) -> bool {
    let inside = |long: &str, short: &str| {
        long.strip_prefix(short).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    };
    read == changed || inside(read, changed) || inside(changed, read)
}

/// The element a finding is about, from its file and line.
pub fn element_of(finding: &Finding, new_text: Option<&str>) -> Option<Element> {
    if !protobuf::is_proto(&finding.path) {
        return (!finding.path.is_empty() && finding.api_path.is_none()).then(|| Element::File(finding.path.clone()));
    }
    let line = finding.location.start_line;
    let file = new_text.and_then(|text| protobuf::parser::parse_file(&finding.path, text).ok()).map(|mut f| {
        protobuf::link::assign_names(&mut f);
        f
    });
    let (Some(file), true) = (file, line > 0) else {
        return Some(Element::File(finding.path.clone()));
    };
    let within = |s: protobuf::ast::Span| s.start_line <= line && line <= s.end_line;
    // The innermost message and enum around the line.
    let mut message: Option<&protobuf::ast::Message> = None;
    file.walk_messages(&mut |m| {
        if within(m.span) && message.is_none_or(|outer| outer.span.start_line <= m.span.start_line) {
            message = Some(m);
        }
    });
    let mut enums: Vec<&protobuf::ast::Enum> = file.enums.iter().collect();
    file.walk_messages(&mut |m| enums.extend(m.enums.iter()));
    if let Some(e) = enums.into_iter().filter(|e| within(e.span)).max_by_key(|e| e.span.start_line) {
        let value = e.values.iter().find(|v| v.span.start_line == line).map(|v| v.name.clone());
        let value = value.or_else(|| quoted_after(&finding.message, "changed name from \""));
        return Some(Element::Enum { full_name: e.full_name.clone(), value });
    }
    let m = message?;
    let field = m
        .fields
        .iter()
        .find(|f| f.span.start_line <= line && line <= f.span.end_line)
        .map(|f| f.name.clone())
        .or_else(|| quoted_after(&finding.message, "with name \""));
    Some(Element::Message { full_name: m.full_name.clone(), field })
}

/// The line where a message field or enum value is declared in `text`.
pub fn line_of(path: &str, text: Option<&str>, element: &Element) -> Option<u32> {
    let mut file = protobuf::parser::parse_file(path, text?).ok()?;
    protobuf::link::assign_names(&mut file);
    let mut line = None;
    match element {
        Element::Message { full_name, field: Some(field) } => file.walk_messages(&mut |m| {
            if &m.full_name == full_name {
                line = m.fields.iter().find(|f| &f.name == field).map(|f| f.span.start_line);
            }
        }),
        Element::Enum { full_name, value: Some(value) } => {
            let mut enums: Vec<&protobuf::ast::Enum> = file.enums.iter().collect();
            file.walk_messages(&mut |m| enums.extend(m.enums.iter()));
            line = enums
                .into_iter()
                .find(|e| &e.full_name == full_name)
                .and_then(|e| e.values.iter().find(|v| &v.name == value))
                .map(|v| v.span.start_line);
        }
        _ => {}
    }
    line
}

/// The text after `prefix` up to the next quote, in buf's messages (`... with name "note" ...`).
fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    Some(rest[..rest.find('"')?].to_string())
}

/// Where `element` sits inside messages of type `root`: field paths as contracts write them
/// (`order.items[].quantity`); "" for the root itself. Empty when it is not reachable.
pub fn paths_to(root: &MessageDescriptor, element: &Element) -> Vec<String> {
    fn join(prefix: &str, name: &str) -> String {
        if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") }
    }
    fn walk(
        m: &MessageDescriptor,
        prefix: &str,
        element: &Element,
        stack: &mut HashSet<String>,
        out: &mut Vec<String>,
    ) {
        if stack.len() > 32 || !stack.insert(m.full_name().to_string()) {
            return;
        }
        if let Element::Message { full_name, field } = element
            && m.full_name() == full_name
        {
            out.push(match field {
                Some(f) => join(prefix, f),
                None => prefix.to_string(),
            });
        }
        for field in m.fields() {
            let segment = if field.is_list() { format!("{}[]", field.name()) } else { field.name().to_string() };
            let path = join(prefix, &segment);
            match field.kind() {
                Kind::Enum(e) => {
                    if let Element::Enum { full_name, .. } = element
                        && e.full_name() == full_name
                    {
                        out.push(path);
                    }
                }
                Kind::Message(inner) if field.is_map() => {
                    // A map reads as one field; its message values sit under `name{}`.
                    if let Some(value) = inner.get_field_by_name("value") {
                        match value.kind() {
                            Kind::Message(v) => {
                                walk(&v, &format!("{}{{}}", join(prefix, field.name())), element, stack, out)
                            }
                            Kind::Enum(e) => {
                                if let Element::Enum { full_name, .. } = element
                                    && e.full_name() == full_name
                                {
                                    out.push(join(prefix, field.name()));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Kind::Message(inner) => walk(&inner, &path, element, stack, out),
                _ => {}
            }
        }
        stack.remove(m.full_name());
    }
    let mut out = Vec::new();
    walk(root, "", element, &mut HashSet::new(), &mut out);
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avro_and_json_schema_locations_become_field_paths() {
        let avro = r#"{"type":"record","name":"S","fields":[{"name":"id","type":"string"},
            {"name":"items","type":{"type":"array","items":{"type":"record","name":"I","fields":[
            {"name":"sku","type":"string"},{"name":"quantity","type":"int"}]}}}]}"#;
        let at = |p: &str| format!("subject s-value (BACKWARD): reader type: STRING not compatible at {p}");
        assert_eq!(
            document_field("a.avsc", avro, &at("/fields/1/type/items/fields/1/type")).as_deref(),
            Some("items[].quantity")
        );
        assert_eq!(document_field("a.avsc", avro, &at("/fields/0")).as_deref(), Some("id"));
        assert_eq!(document_field("a.avsc", avro, &at("/")), None);
        assert_eq!(document_field("a.avsc", "not json", &at("/fields/0")), None);
        let json = r#"{"type":"object","properties":{"priority":{"type":"integer"},"lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"}}}}}}"#;
        assert_eq!(document_field("e.json", json, &at("#/properties/priority/maximum")).as_deref(), Some("priority"));
        assert_eq!(
            document_field("e.json", json, &at("#/properties/lines/items/properties/sku")).as_deref(),
            Some("lines[].sku")
        );
        assert_eq!(document_field("e.json", json, &at("#/properties/nope")), None);
        assert_eq!(document_field("e.proto", json, &at("#/properties/priority")), None);
    }

    #[test]
    fn a_read_touches_the_same_field_a_field_inside_it_or_its_parent() {
        assert!(touches("order.items[].quantity", "order.items[].quantity"));
        assert!(touches("order.items", "order.items[].quantity"));
        assert!(touches("order.total.amount_minor", "order.total"));
        assert!(!touches("order.total_tax", "order.total"));
        assert!(!touches("order.order_id", "order.items[].quantity"));
    }

    #[test]
    fn the_element_is_found_from_the_finding_line() {
        let text = "syntax = \"proto3\";\npackage a.v1;\nmessage Order {\n  string id = 1;\n  int64 qty = 2;\n  enum Kind {\n    KIND_UNSPECIFIED = 0;\n    KIND_B = 1;\n  }\n}\n";
        let at = |line, message: &str| {
            let f = Finding::new(
                "X",
                schemagate_core::Level::Error,
                "a/v1/o.proto",
                schemagate_core::Location { start_line: line, start_column: 1, end_line: line, end_column: 2 },
                message,
            );
            element_of(&f, Some(text))
        };
        assert_eq!(at(5, ""), Some(Element::Message { full_name: "a.v1.Order".into(), field: Some("qty".into()) }));
        assert_eq!(
            at(3, "Previously present field \"3\" with name \"note\" on message \"Order\" was deleted."),
            Some(Element::Message { full_name: "a.v1.Order".into(), field: Some("note".into()) })
        );
        assert_eq!(
            at(8, ""),
            Some(Element::Enum { full_name: "a.v1.Order.Kind".into(), value: Some("KIND_B".into()) })
        );
        assert_eq!(at(0, ""), Some(Element::File("a/v1/o.proto".into())));
        let qty = Element::Message { full_name: "a.v1.Order".into(), field: Some("qty".into()) };
        assert_eq!(line_of("a/v1/o.proto", Some(text), &qty), Some(5));
        let gone = Element::Message { full_name: "a.v1.Order".into(), field: Some("note".into()) };
        assert_eq!(line_of("a/v1/o.proto", Some(text), &gone), None);
    }
}
