//! The payload side of an AsyncAPI message: which message a producer sends, its schema (a file
//! or an inline schema written out) and its examples.

use std::path::Path;

use yaml_serde::Value;

use super::*;

/// The message the producer sends (the operation's, else the channel's; the first of several)
/// and the key path it is declared at.
pub(super) fn producer_message<'a>(
    doc: &'a Doc,
    side: &Side,
    notes: &mut Vec<String>,
) -> Result<(&'a Value, Vec<String>), ContractError> {
    let op_at = ["operations", side.operation.as_str()];
    let op = doc.deref(&doc.root["operations"][side.operation.as_str()], &op_at)?;
    let chan_at = ["channels", side.channel.as_str()];
    let chan = doc.deref(&doc.root["channels"][side.channel.as_str()], &chan_at)?;
    let mut candidates: Vec<(&Value, Vec<String>)> = match op.get("messages").and_then(Value::as_sequence) {
        Some(list) if !list.is_empty() => list.iter().map(|m| (m, op_at.map(String::from).to_vec())).collect(),
        _ => (chan.get("messages").and_then(Value::as_mapping).into_iter().flatten())
            .map(|(k, v)| {
                (v, ["channels", &side.channel, "messages", k.as_str().unwrap_or("")].map(String::from).to_vec())
            })
            .collect(),
    };
    if candidates.is_empty() {
        return Err(doc.err(&chan_at, format!("channel {} declares no message", side.channel)));
    }
    if candidates.len() > 1 {
        notes.push(format!(
            "{}: channel {} has {} messages: the contract uses the first",
            doc.path.display(),
            side.channel,
            candidates.len()
        ));
    }
    let (message, mut at) = candidates.swap_remove(0);
    let refd = message.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/messages/"));
    if let Some(name) = refd {
        at = vec!["components".into(), "messages".into(), name.to_string()];
    }
    let keys: Vec<&str> = at.iter().map(String::as_str).collect();
    Ok((doc.deref(message, &keys)?, at))
}

/// The message's payload as the contract's `value`, planning the schema file it needs.
pub(super) fn value_schema(
    doc: &Doc,
    msg: &Value,
    msg_at: &[&str],
    topic: &str,
    paths: &mut Paths,
) -> Result<Value, ContractError> {
    let payload =
        msg.get("payload").ok_or_else(|| doc.err(msg_at, format!("topic {topic}: the message has no payload")))?;
    let mut at: Vec<&str> = [msg_at, &["payload"]].concat();
    let (format, mut schema) = match payload.get("schemaFormat") {
        Some(f) => {
            let f = f.as_str().unwrap_or_default();
            let kind = if f.starts_with("application/vnd.apache.avro") {
                "AVRO"
            } else if f.starts_with("application/vnd.google.protobuf") {
                "PROTOBUF"
            } else if f.starts_with("application/vnd.aai.asyncapi")
                || f.starts_with("application/schema+json")
                || f == "application/json"
            {
                "JSON"
            } else {
                return Err(doc.err(
                    &at,
                    format!("schemaFormat {f} is not supported (Avro, Protobuf, JSON Schema or AsyncAPI schemas)"),
                ));
            };
            let schema = payload.get("schema").ok_or_else(|| doc.err(&at, "payload: schemaFormat without schema"))?;
            at.push("schema");
            (kind, schema)
        }
        None => ("JSON", payload),
    };
    // Local references first; what remains is inline or a file.
    let mut file_ref = None;
    while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if r.starts_with('#') {
            schema = doc.pointer(r, &at)?;
            continue;
        }
        refuse_remote(doc, r, &at)?;
        file_ref = Some(r.to_string());
        break;
    }
    let ext = match format {
        "AVRO" => "avsc",
        "PROTOBUF" => "proto",
        _ => "json",
    };
    let (file, text) = if let Some(r) = file_ref {
        let (rel, fragment) = r.split_once('#').unwrap_or((&r, ""));
        if !fragment.is_empty() && fragment != "/" {
            return Err(doc.err(&at, format!("$ref {r}: a schema file must be the whole schema (no #fragment)")));
        }
        let source = doc.path.parent().unwrap_or(Path::new("")).join(rel);
        let text = std::fs::read_to_string(&source)
            .map_err(|e| doc.err(&at, format!("payload schema {}: {e}", source.display())))?;
        let file = match paths.in_project(&source) {
            Some(f) => f,
            None => {
                let name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                paths.add_schema(&name, text.clone(), format!("copy of {}", source.display()))?
            }
        };
        (file, text)
    } else {
        let text = match (format, schema) {
            ("PROTOBUF", Value::String(s)) => s.clone(),
            ("PROTOBUF", _) => return Err(doc.err(&at, "an inline Protobuf schema must be the .proto text (a string)")),
            (_, Value::Mapping(_)) => {
                let inlined = if format == "JSON" { doc.inline_refs(schema, &at, 0)? } else { schema.clone() };
                serde_json::to_string_pretty(&inlined).map_err(|e| doc.err(&at, e))? + "\n"
            }
            _ => return Err(doc.err(&at, format!("an inline {format} schema must be a mapping"))),
        };
        let file =
            paths.add_schema(&format!("{topic}.{ext}"), text.clone(), format!("inline schema of topic {topic}"))?;
        (file, text)
    };
    let message = match format {
        "PROTOBUF" => Some(proto_message(doc, msg, msg_at, &text)?),
        "AVRO" => serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|s| {
            let name = s.get("name")?.as_str()?;
            match s.get("namespace").and_then(|n| n.as_str()) {
                Some(ns) if !name.contains('.') && !ns.is_empty() => Some(format!("{ns}.{name}")),
                _ => Some(name.to_string()),
            }
        }),
        _ => None,
    };
    Ok(map([("type", Some(format.into())), ("file", Some(file.into())), ("message", message.map(Value::from))]))
}

/// The fully-qualified Protobuf message of the payload.
fn proto_message(doc: &Doc, msg: &Value, at: &[&str], proto: &str) -> Result<String, ContractError> {
    if let Some(m) = msg.get("x-protobuf-message").and_then(Value::as_str) {
        return Ok(m.to_string());
    }
    let words = |l: &str| {
        l.split(|c: char| c.is_whitespace() || c == ';' || c == '{')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let package =
        proto.lines().map(words).find(|w| w.first().is_some_and(|f| f == "package")).and_then(|w| w.get(1).cloned());
    let declared = |name: &str| proto.lines().map(words).any(|w| w.len() >= 2 && w[0] == "message" && w[1] == name);
    for name in ["name", "title"].iter().filter_map(|k| msg.get(*k).and_then(Value::as_str)) {
        if declared(name) {
            return Ok(match &package {
                Some(p) => format!("{p}.{name}"),
                None => name.to_string(),
            });
        }
    }
    Err(doc.err(
        at,
        "the Protobuf message type is unknown: set x-protobuf-message on the message \
         (e.g. acme.orders.v1.OrderPlaced), or give the message a name (or title) declared in the .proto",
    ))
}

/// The message's examples as contract examples.
pub(super) fn examples(doc: &Doc, msg: &Value, at: &[&str], topic: &str) -> Result<Vec<Value>, ContractError> {
    let mut out = Vec::new();
    let mut names = BTreeSet::new();
    let list = msg.get("examples").and_then(Value::as_sequence).cloned().unwrap_or_default();
    for (i, example) in list.iter().enumerate() {
        let ex_at = [at, &["examples"]].concat();
        let name =
            example.get("name").and_then(Value::as_str).map_or_else(|| format!("example-{}", i + 1), str::to_string);
        if !names.insert(name.clone()) {
            return Err(doc.err(&ex_at, format!("topic {topic}: two examples are named {name}")));
        }
        let payload = example.get("payload").ok_or_else(|| doc.err(&ex_at, format!("example {name}: no payload")))?;
        // Header values are strings: others are written as their JSON text.
        let headers = example.get("headers").and_then(Value::as_mapping).filter(|h| !h.is_empty()).map(|h| {
            let text = |v: &Value| match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => serde_json::to_string(other).unwrap_or_default(),
            };
            Value::Mapping(h.iter().map(|(k, v)| (k.clone(), text(v).into())).collect())
        });
        let key = example.get("x-key").cloned();
        out.push(map([
            ("name", Some(name.into())),
            ("key", key),
            ("value", Some(payload.clone())),
            ("headers", headers),
        ]));
    }
    Ok(out)
}
