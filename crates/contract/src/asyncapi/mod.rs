//! `schemagate contract import-asyncapi`: AsyncAPI 3.0 documents to contract files, one per
//! Kafka topic. The mapping is documented in docs/contracts.md ("Importing AsyncAPI").

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::path::{Component, Path, PathBuf};

use schemagate_core::error::LoadError;
use yaml_serde::Value;

use crate::error::ContractError;

mod payload;

use payload::{examples, producer_message, value_schema};

/// What to import and where to write.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The AsyncAPI documents, as given on the command line.
    pub documents: Vec<PathBuf>,
    /// The contracts folder; its parent is the project root.
    pub contracts: PathBuf,
    /// Where inline schemas (and schema files outside the project) go; default
    /// `<contracts>/asyncapi-schemas`.
    pub schemas_dir: Option<PathBuf>,
}

/// A file the import writes: a contract or a schema.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    pub path: PathBuf,
    pub text: String,
    /// What the file holds, for the `wrote ...` line.
    pub summary: String,
    pub is_contract: bool,
}

fn input(message: impl Into<String>) -> ContractError {
    ContractError::Input(message.into())
}

/// One parsed AsyncAPI document.
struct Doc {
    path: PathBuf,
    text: String,
    root: Value,
    service: String,
}

impl Doc {
    fn read(path: &Path) -> Result<Doc, ContractError> {
        let text = std::fs::read_to_string(path).map_err(|e| input(format!("{}: {e}", path.display())))?;
        let root = parse(path, &text)?;
        let mut doc = Doc { path: path.to_path_buf(), text, root, service: String::new() };
        let version = match doc.root.get("asyncapi") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(doc.err(&[], "not an AsyncAPI document: no `asyncapi:` version at the top level")),
        };
        if !(version == "3.0" || version.starts_with("3.0.")) {
            let hint = if version.starts_with('2') { " (convert it first, e.g. `asyncapi convert`)" } else { "" };
            return Err(doc.err(
                &["asyncapi"],
                format!("AsyncAPI {version} is not supported: import-asyncapi reads AsyncAPI 3.0 documents{hint}"),
            ));
        }
        let service = doc.root.get("x-service-name").or_else(|| doc.root.get("info").and_then(|i| i.get("title")));
        doc.service = match service.and_then(Value::as_str).map(str::trim) {
            Some(s) if !s.is_empty() => s.to_string(),
            _ => return Err(doc.err(&["info"], "the document names no service: set info.title (or x-service-name)")),
        };
        Ok(doc)
    }

    /// An error at the line of the key path `keys` (each key searched after the previous one).
    fn err(&self, keys: &[&str], message: impl Display) -> ContractError {
        let (line, column) = position(&self.text, keys);
        LoadError::new(self.path.display().to_string(), line, column, message.to_string()).into()
    }

    /// Follows local `$ref`s from `v` to a value that is not a reference.
    fn deref<'a>(&'a self, mut v: &'a Value, at: &[&str]) -> Result<&'a Value, ContractError> {
        for _ in 0..32 {
            let Some(r) = v.get("$ref").and_then(Value::as_str) else { return Ok(v) };
            v = self.pointer(r, at)?;
        }
        Err(self.err(at, "$ref chain too long (a cycle?)"))
    }

    /// Resolves a local reference (`#/components/messages/X`).
    fn pointer(&self, r: &str, at: &[&str]) -> Result<&Value, ContractError> {
        refuse_remote(self, r, at)?;
        let Some(pointer) = r.strip_prefix('#') else {
            return Err(self.err(at, format!("$ref {r} points into another file: only payload schemas may")));
        };
        let mut v = &self.root;
        for seg in pointer.split('/').skip(1) {
            let seg = seg.replace("~1", "/").replace("~0", "~");
            let next = match v {
                Value::Sequence(s) => seg.parse::<usize>().ok().and_then(|i| s.get(i)),
                _ => v.get(seg.as_str()),
            };
            v = next.ok_or_else(|| self.err(at, format!("$ref {r} does not resolve in this document")))?;
        }
        Ok(v)
    }

    /// The AsyncAPI schema `v` with every local `$ref` replaced by its target (for a schema
    /// written to a file of its own).
    fn inline_refs(&self, v: &Value, at: &[&str], depth: usize) -> Result<Value, ContractError> {
        if depth > 64 {
            return Err(self.err(at, "recursive $ref in an inline schema: put the schema in a file"));
        }
        Ok(match v {
            Value::Mapping(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    if !r.starts_with('#') {
                        refuse_remote(self, r, at)?;
                        return Err(self.err(at, format!("an inline schema cannot $ref another file ({r})")));
                    }
                    return self.inline_refs(self.pointer(r, at)?, at, depth + 1);
                }
                let inlined = m.iter().map(|(k, x)| Ok((k.clone(), self.inline_refs(x, at, depth + 1)?)));
                Value::Mapping(inlined.collect::<Result<_, ContractError>>()?)
            }
            Value::Sequence(s) => {
                Value::Sequence(s.iter().map(|x| self.inline_refs(x, at, depth + 1)).collect::<Result<_, _>>()?)
            }
            other => other.clone(),
        })
    }
}

/// YAML (or JSON) text; errors as `file:line:col`.
fn parse(path: &Path, text: &str) -> Result<Value, ContractError> {
    yaml_serde::from_str(text).map_err(|e| ContractError::yaml(path, &e))
}

fn refuse_remote(doc: &Doc, r: &str, at: &[&str]) -> Result<(), ContractError> {
    if r.contains("://") {
        return Err(doc.err(
            at,
            format!(
                "remote $ref {r} is not supported (remote references are never fetched): \
                 copy the file next to the document and refer to it by a relative path"
            ),
        ));
    }
    Ok(())
}

/// Line and column of the key path `keys` in YAML or pretty-printed JSON: each key is searched
/// on the lines after the previous one (1:1 when the first is not found).
fn position(text: &str, keys: &[&str]) -> (u32, u32) {
    let lines: Vec<&str> = text.lines().collect();
    let (mut start, mut found) = (0, (1, 1));
    for key in keys {
        let candidates = [format!("{key}:"), format!("\"{key}\""), format!("'{key}'")];
        let hit = lines.iter().enumerate().skip(start).find_map(|(i, l)| {
            candidates.iter().find_map(|c| {
                let at = l.find(c.as_str())?;
                let before = l[..at].trim_end();
                (before.is_empty() || before.ends_with(['-', '{', ','])).then(|| (i, l[..at].chars().count() + 1))
            })
        });
        let Some((i, column)) = hit else { break };
        found = (i as u32 + 1, column as u32);
        start = i + 1;
    }
    found
}

/// A service's operation on a topic.
struct Side {
    doc: usize,
    channel: String,
    operation: String,
}

/// What the documents say about one topic: who sends to it, who receives from it.
type Topic = (Vec<Side>, Vec<Side>);

/// Schema files and the project they belong to.
struct Paths {
    contracts: PathBuf,
    project: PathBuf,
    schemas_dir: PathBuf,
    schemas: BTreeMap<PathBuf, PlannedFile>,
}

impl Paths {
    /// `path` relative to the project root (`/`-separated), if it is inside it.
    fn in_project(&self, path: &Path) -> Option<String> {
        let rel = real(path).strip_prefix(real(&self.project)).ok()?.to_path_buf();
        Some(rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/"))
    }

    /// Plans `text` as the schema file `name` in the schemas folder; returns its project path.
    fn add_schema(&mut self, name: &str, text: String, summary: String) -> Result<String, ContractError> {
        let path = self.schemas_dir.join(name);
        if let Some(other) = self.schemas.get(&path)
            && other.text != text
        {
            return Err(input(format!("{}: two different schemas would be written to this file", path.display())));
        }
        let rel = self.in_project(&path).ok_or_else(|| {
            input(format!(
                "{}: the schemas folder must be inside the project ({})",
                path.display(),
                self.project.display()
            ))
        })?;
        self.schemas.insert(path.clone(), PlannedFile { path, text, summary, is_contract: false });
        Ok(rel)
    }
}

/// An absolute, normalized path; symbolic links resolved in its longest existing prefix.
fn real(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for c in std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).components() {
        match c {
            Component::ParentDir => _ = normal.pop(),
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let mut head = normal.clone();
    while !head.exists() && head.pop() {}
    match (head.canonicalize(), normal.strip_prefix(&head)) {
        (Ok(canonical), Ok(rest)) => canonical.join(rest),
        _ => normal,
    }
}

/// A mapping of the given keys in order, leaving out those without a value.
fn map<const N: usize>(entries: [(&str, Option<Value>); N]) -> Value {
    Value::Mapping(entries.into_iter().filter_map(|(k, v)| Some((k.into(), v?))).collect())
}

/// Reads the documents and plans every file (contracts last), each contract checked with
/// [`crate::model::load_file`]. Nothing is written; notes (skipped channels, ...) go to `notes`.
pub fn plan(options: &ImportOptions, notes: &mut Vec<String>) -> Result<Vec<PlannedFile>, ContractError> {
    let docs = options.documents.iter().map(|p| Doc::read(p)).collect::<Result<Vec<_>, _>>()?;
    let project = options.contracts.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut paths = Paths {
        contracts: options.contracts.clone(),
        project: project.to_path_buf(),
        schemas_dir: options.schemas_dir.clone().unwrap_or_else(|| options.contracts.join("asyncapi-schemas")),
        schemas: BTreeMap::new(),
    };

    let mut topics: BTreeMap<String, Topic> = BTreeMap::new();
    for (index, doc) in docs.iter().enumerate() {
        collect(doc, index, &mut topics, notes)?;
    }
    if topics.is_empty() {
        return Err(input("the documents have no send or receive operation on a Kafka channel: nothing to import"));
    }
    let existing = existing_contracts(&options.contracts);
    let mut contracts = Vec::new();
    for (name, topic) in &topics {
        contracts.push(contract(&docs, name, topic, &existing, &mut paths, notes)?);
    }
    let scratch = tempfile::tempdir().map_err(|e| input(format!("cannot create a temporary folder: {e}")))?;
    for c in &contracts {
        let file_name = c.path.file_name().unwrap_or_default();
        let probe = scratch.path().join(file_name);
        std::fs::write(&probe, &c.text).map_err(|e| input(format!("{}: {e}", probe.display())))?;
        crate::model::load_file(&probe)
            .map_err(|e| input(e.to_string().replace(&probe.display().to_string(), &c.path.display().to_string())))?;
    }
    Ok(paths.schemas.into_values().chain(contracts).collect())
}

/// Writes the planned files (each through a temporary file renamed into place).
pub fn write(files: &[PlannedFile]) -> Result<(), ContractError> {
    for f in files {
        let dir = f.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let fail = |e: std::io::Error| input(format!("{}: {e}", f.path.display()));
        std::fs::create_dir_all(dir).map_err(fail)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
        std::io::Write::write_all(&mut tmp, f.text.as_bytes()).map_err(fail)?;
        tmp.persist(&f.path).map_err(|e| fail(e.error))?;
    }
    Ok(())
}

/// Records the document's send and receive operations on Kafka channels.
fn collect(
    doc: &Doc,
    index: usize,
    topics: &mut BTreeMap<String, Topic>,
    notes: &mut Vec<String>,
) -> Result<(), ContractError> {
    let servers: BTreeMap<String, String> = doc
        .root
        .get("servers")
        .and_then(Value::as_mapping)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    let v = doc.deref(v, &["servers"]).ok()?;
                    Some((k.as_str()?.to_string(), v.get("protocol")?.as_str()?.to_ascii_lowercase()))
                })
                .collect()
        })
        .unwrap_or_default();
    let is_kafka = |p: &String| p == "kafka" || p == "kafka-secure";
    let mut skipped = BTreeSet::new();
    let Some(operations) = doc.root.get("operations").and_then(Value::as_mapping) else { return Ok(()) };
    for (id, op) in operations {
        let id = id.as_str().unwrap_or_default().to_string();
        let at = ["operations", id.as_str()];
        let op = doc.deref(op, &at)?;
        let action = op.get("action").and_then(Value::as_str).unwrap_or_default();
        if action != "send" && action != "receive" {
            return Err(doc.err(&at, format!("operation {id}: action must be send or receive, not {action:?}")));
        }
        let r = op.get("channel").and_then(|c| c.get("$ref")).and_then(Value::as_str).unwrap_or_default();
        let Some(channel) = r.strip_prefix("#/channels/").filter(|c| !c.contains('/')) else {
            return Err(doc.err(&at, format!("operation {id}: channel must be a $ref to #/channels/<id>, not {r:?}")));
        };
        let channel = channel.replace("~1", "/").replace("~0", "~");
        let chan_at = ["channels", channel.as_str()];
        let chan = doc.deref(doc.pointer(r, &at)?, &chan_at)?;
        // A channel without `servers` is on every server of the document.
        let on: Vec<String> = match chan.get("servers").and_then(Value::as_sequence) {
            Some(list) => list
                .iter()
                .filter_map(|s| s.get("$ref")?.as_str()?.strip_prefix("#/servers/").map(str::to_string))
                .collect(),
            None => servers.keys().cloned().collect(),
        };
        if !servers.is_empty() && !on.iter().any(|s| servers.get(s).is_some_and(is_kafka)) {
            if skipped.insert(channel.clone()) {
                notes.push(format!(
                    "{}: skipping channel {channel}: not on a Kafka server (protocol kafka or kafka-secure)",
                    doc.path.display()
                ));
            }
            continue;
        }
        let address = match chan.get("address") {
            Some(Value::String(a)) => a.clone(),
            _ => channel.clone(),
        };
        if address.is_empty()
            || address.len() > 249
            || !address.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            let why = "is not a Kafka topic name (letters, digits, '.', '_', '-'; no parameters)";
            return Err(doc.err(&chan_at, format!("channel {channel}: {address:?} {why}")));
        }
        let side = Side { doc: index, channel, operation: id };
        let topic = topics.entry(address).or_default();
        if action == "send" { topic.0.push(side) } else { topic.1.push(side) }
    }
    Ok(())
}

/// Topic → file of the contracts already in the folder.
fn existing_contracts(dir: &Path) -> BTreeMap<String, PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return BTreeMap::new() };
    let mut out = BTreeMap::new();
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for f in files.into_iter().filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml")) {
        let topic = std::fs::read_to_string(&f)
            .ok()
            .and_then(|t| yaml_serde::from_str::<Value>(&t).ok())
            .and_then(|v| v.get("topic").and_then(Value::as_str).map(str::to_string));
        if let Some(topic) = topic {
            out.entry(topic).or_insert(f);
        }
    }
    out
}

/// The contract file of one topic.
fn contract(
    docs: &[Doc],
    topic: &str,
    (producers, receivers): &Topic,
    existing: &BTreeMap<String, PathBuf>,
    paths: &mut Paths,
    notes: &mut Vec<String>,
) -> Result<PlannedFile, ContractError> {
    let Some(producer) = producers.first() else {
        let c = &receivers[0];
        return Err(docs[c.doc].err(
            &["channels", &c.channel],
            format!(
                "no producer for topic {topic}: no document sends to it (action: send); \
                 import the producer's AsyncAPI document too"
            ),
        ));
    };
    let pdoc = &docs[producer.doc];
    if let Some(other) = producers.iter().find(|p| docs[p.doc].service != pdoc.service) {
        return Err(docs[other.doc].err(
            &["operations", &other.operation],
            format!(
                "topic {topic} has two producers, {} and {}: a contract has one",
                pdoc.service, docs[other.doc].service
            ),
        ));
    }
    let path = existing.get(topic).cloned().unwrap_or_else(|| paths.contracts.join(format!("{topic}.yaml")));
    let old = std::fs::read_to_string(&path).ok().map(|text| parse(&path, &text)).transpose()?;
    if let Some(other) = old.as_ref().and_then(|o| o.get("topic")?.as_str()).filter(|t| *t != topic) {
        return Err(input(format!("{}: describes topic {other}, not {topic}: rename it", path.display())));
    }

    let (message, msg_at) = producer_message(pdoc, producer, notes)?;
    let at: Vec<&str> = msg_at.iter().map(String::as_str).collect();
    let value = value_schema(pdoc, message, &at, topic, paths)?;
    if let Some(key) = message.get("bindings").and_then(|b| b.get("kafka")).and_then(|k| k.get("key")) {
        let key = pdoc.deref(key, &at)?;
        let key = key.get("schema").map(|s| pdoc.deref(s, &at)).transpose()?.unwrap_or(key);
        if key.get("type").and_then(Value::as_str) != Some("string") {
            notes.push(format!(
                "{}: topic {topic}: the message key schema is not imported; keys are sent as strings",
                pdoc.path.display()
            ));
        }
    }

    let mut examples = examples(pdoc, message, &at, topic)?;
    let kept_examples = examples.is_empty();
    if kept_examples {
        match old.as_ref().and_then(|o| o.get("examples")).and_then(Value::as_sequence) {
            Some(list) if !list.is_empty() => examples = list.clone(),
            _ => {
                return Err(pdoc.err(
                    &["channels", &producer.channel],
                    format!(
                        "channel {} (topic {topic}): its message has no examples, and a contract needs at least \
                         one: add `examples` to the message",
                        producer.channel
                    ),
                ));
            }
        }
    }

    // Consumers: the file's (with their fields, headers and schema) first, then new ones.
    let mut consumers: Vec<Value> =
        old.as_ref().and_then(|o| o.get("consumers")).and_then(Value::as_sequence).cloned().unwrap_or_default();
    let known = |list: &[Value], name: &str| list.iter().any(|c| c.get("name").and_then(Value::as_str) == Some(name));
    for c in receivers {
        let name = docs[c.doc].service.as_str();
        if !known(&consumers, name) {
            consumers.push(map([("name", Some(name.into()))]));
        }
    }
    if consumers.is_empty() {
        return Err(pdoc.err(
            &["channels", &producer.channel],
            format!(
                "no consumer for topic {topic}: add one in {} or import the consumer's AsyncAPI document",
                path.display()
            ),
        ));
    }

    let partitions = pdoc
        .root
        .get("channels")
        .and_then(|c| c.get(producer.channel.as_str()))
        .and_then(|c| pdoc.deref(c, &at).ok())
        .and_then(|c| c.get("bindings")?.get("kafka")?.get("partitions")?.as_u64());
    let mut sources: Vec<String> = Vec::new();
    for s in producers.iter().chain(receivers) {
        let d = docs[s.doc].path.display().to_string();
        if !sources.contains(&d) {
            sources.push(d);
        }
    }
    let consumer_names: Vec<&str> = consumers.iter().filter_map(|c| c.get("name").and_then(Value::as_str)).collect();
    let summary = format!(
        "producer {}, consumer{} {}; {} example{}{}",
        pdoc.service,
        if consumer_names.len() == 1 { "" } else { "s" },
        consumer_names.join(", "),
        examples.len(),
        if examples.len() == 1 { "" } else { "s" },
        if kept_examples { " kept from the file" } else { "" },
    );
    let out = map([
        ("topic", Some(topic.into())),
        ("partitions", partitions.map(Value::from)),
        ("value", Some(value)),
        ("producer", Some(pdoc.service.as_str().into())),
        ("consumers", Some(Value::Sequence(consumers))),
        ("examples", Some(Value::Sequence(examples))),
    ]);
    let body = yaml_serde::to_string(&out).map_err(|e| input(format!("{}: {e}", path.display())))?;
    let text = format!(
        "# Imported from {} by schemagate contract import-asyncapi; \
         consumers' fields and headers are maintained here.\n{body}",
        sources.join(", ")
    );
    Ok(PlannedFile { path, text, summary, is_contract: true })
}
