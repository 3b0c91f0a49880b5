//! JSON Schema references: among the project's files, a `$ref` to another document names a
//! file relative to the referring file (`./address.json`, `../common/money.json#/$defs/Amount`),
//! or, when it is an absolute URI, the `.json` file under the schema's folder whose `$id` it
//! is. The reference is named by the `$ref` as written (before `#`), as Confluent's JSON Schema
//! references are. Validation resolves every reference offline, as Confluent's deserializer
//! does: each referenced document at its name resolved against the referring one's `$id`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::files::{Files, normalize};
use super::{RefDoc, RefGraph};

/// The base URI of a schema without `$id`, as the validator (`jsonschema`) gives it.
const DEFAULT_BASE: &str = "json-schema:///";

/// `reference` resolved against `base` (RFC 3986); `None` when either is not a URI.
fn resolve(base: &str, reference: &str) -> Option<String> {
    let base = jsonschema::uri::from_str(base).ok()?;
    jsonschema::uri::resolve_against(&base.borrow(), reference).ok().map(|u| u.as_str().to_string())
}

/// The `$id` of a schema document (`id` in draft 4).
fn id_of(value: &Value) -> Option<&str> {
    let draft4 = value.get("$schema").and_then(Value::as_str).is_some_and(|s| s.contains("draft-04"));
    value.get(if draft4 { "id" } else { "$id" }).and_then(Value::as_str)
}

/// The URI a document's relative references resolve against, registered at `at`.
fn base_of(at: &str, value: &Value) -> String {
    id_of(value).and_then(|id| resolve(at, id)).unwrap_or_else(|| at.to_string())
}

fn without_fragment(uri: &str) -> &str {
    uri.split_once('#').map_or(uri, |(before, _)| before)
}

/// The `$ref`s of a document to other documents (the part before `#`, once each), leaving out
/// those to itself or to a subschema with its own `$id`.
fn external_refs(value: &Value, base: &str) -> Vec<String> {
    fn collect<'a>(value: &'a Value, refs: &mut Vec<&'a str>, ids: &mut Vec<&'a str>, root: bool) {
        match value {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                    refs.push(r);
                }
                if !root && let Some(id) = map.get("$id").and_then(Value::as_str) {
                    ids.push(id);
                }
                for (key, child) in map {
                    // Values of these keywords are data, not schemas.
                    if !matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
                        collect(child, refs, ids, false);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| collect(i, refs, ids, false)),
            _ => {}
        }
    }
    let (mut refs, mut ids) = (Vec::new(), Vec::new());
    collect(value, &mut refs, &mut ids, true);
    let this = without_fragment(base);
    let inner: HashSet<String> =
        ids.iter().filter_map(|id| resolve(base, id)).map(|u| without_fragment(&u).to_string()).collect();
    let mut out: Vec<String> = Vec::new();
    for r in refs {
        let document = without_fragment(r);
        if document.is_empty() || out.iter().any(|o| o == document) {
            continue;
        }
        let target = resolve(base, document);
        if target.as_deref().is_some_and(|t| t == this || inner.contains(t)) {
            continue;
        }
        out.push(document.to_string());
    }
    out
}

/// Whether a reference is an absolute URI (`https://...`, `urn:...`) rather than a path.
fn is_absolute(reference: &str) -> bool {
    reference.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme.len() > 1 // `C:` is a drive, not a scheme
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

fn parse(files: Files<'_>, path: &Path, text: &str) -> Result<Value, String> {
    serde_json::from_str(text)
        .map_err(|e| format!("{}:{}:{}: invalid JSON: {e}", files.origin(path), e.line(), e.column()))
}

/// Adds to `graph` (which may already hold references a contract declares, from the registry)
/// the files the `$ref`s of `main` name, transitively.
pub(crate) fn closure(
    files: Files<'_>,
    main_path: &Path,
    main_text: &str,
    folder: &Path,
    mut graph: RefGraph,
) -> Result<RefGraph, String> {
    // Syntax errors are the parser's to report, with their positions.
    let Ok(main) = serde_json::from_str::<Value>(main_text) else { return Ok(graph) };
    let main_path = normalize(main_path);
    let declared: BTreeMap<String, usize> = graph.main.iter().map(|(n, i)| (n.clone(), *i)).collect();
    let mut by_path: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut ids: Option<Vec<(String, PathBuf)>> = None;
    // (referring document: None for the main schema, its path, its value, its base URI)
    let main_base = base_of(DEFAULT_BASE, &main);
    let mut pending: Vec<(Option<usize>, PathBuf, Value, String)> = vec![(None, main_path.clone(), main, main_base)];
    while let Some((from, path, value, base)) = pending.pop() {
        let origin = files.origin(&path);
        let mut edges: Vec<(String, usize)> = Vec::new();
        for name in external_refs(&value, &base) {
            if let Some(i) = declared.get(&name) {
                if from.is_some() {
                    edges.push((name, *i));
                }
                continue;
            }
            let target = if is_absolute(&name) {
                let ids = match &mut ids {
                    Some(ids) => ids,
                    None => ids.insert(index_ids(files, folder)?),
                };
                let wanted = without_fragment(&name).trim_end_matches('#');
                ids.iter().find(|(id, _)| id == wanted).map(|(_, p)| p.clone()).ok_or_else(|| {
                    let shown = folder.to_string_lossy().replace('\\', "/");
                    format!(
                        "{origin}: $ref {name}: no reference is declared with this name and no .json file under {} has this $id",
                        if shown.is_empty() { "." } else { shown.as_str() }
                    )
                })?
            } else {
                let relative = percent_decode(&name);
                normalize(&path.parent().unwrap_or(Path::new("")).join(relative))
            };
            if target == main_path {
                return Err(format!("reference cycle: {origin} refers back to {}", files.origin(&main_path)));
            }
            let i = match by_path.get(&target) {
                Some(i) => *i,
                None => {
                    let text = files.read(&target).map_err(|e| format!("{origin}: $ref {name}: {e}"))?;
                    let child = parse(files, &target, &text)?;
                    if let Some(other) = graph.docs.iter().find(|d| d.subject == name && d.version.is_none()) {
                        return Err(format!(
                            "{origin}: $ref {name}: {} and {} would both be registered under subject {name}",
                            other.origin,
                            files.origin(&target)
                        ));
                    }
                    let i = graph.docs.len();
                    graph.docs.push(RefDoc {
                        subject: name.clone(),
                        version: None,
                        origin: files.origin(&target),
                        text,
                        references: Vec::new(),
                    });
                    by_path.insert(target.clone(), i);
                    let at = resolve(&base, &name).unwrap_or_else(|| name.clone());
                    let child_base = base_of(&at, &child);
                    pending.push((Some(i), target, child, child_base));
                    i
                }
            };
            edges.push((name, i));
        }
        match from {
            None => graph.main.extend(edges),
            Some(i) => graph.docs[i].references = edges,
        }
    }
    Ok(graph)
}

/// The `$id` of every `.json` file under `folder` that has one.
fn index_ids(files: Files<'_>, folder: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut out = Vec::new();
    for path in files.list(folder, "json")? {
        let Ok(text) = files.read(&path) else { continue };
        let Ok(value) = serde_json::from_str::<Value>(&text) else { continue };
        if let Some(id) = id_of(&value) {
            out.push((id.trim_end_matches('#').to_string(), path));
        }
    }
    Ok(out)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()))
            .flatten();
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A validator for `main` whose `$ref`s to the documents of `graph` resolve offline: each
/// document is registered at its reference name resolved against the referring document's
/// base URI (its `$id`, else where it is registered), as Confluent's deserializer does.
pub(crate) fn validator(origin: &str, main: &Value, graph: &RefGraph) -> Result<jsonschema::Validator, String> {
    let unusable = |e: &dyn std::fmt::Display| format!("{origin}: not a usable JSON Schema: {e}");
    if graph.is_empty() {
        return jsonschema::validator_for(main).map_err(|e| unusable(&e));
    }
    let docs: Vec<Value> = graph
        .docs
        .iter()
        .map(|d| serde_json::from_str(&d.text).map_err(|e| format!("{}: invalid JSON: {e}", d.origin)))
        .collect::<Result<_, _>>()?;
    let mut resources: Vec<(String, Value)> = Vec::new();
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    let mut pending: Vec<(String, &[(String, usize)])> = vec![(base_of(DEFAULT_BASE, main), &graph.main)];
    while let Some((base, edges)) = pending.pop() {
        for (name, i) in edges {
            let at = resolve(&base, without_fragment(name))
                .ok_or_else(|| format!("{origin}: reference {name} is not a URI reference"))?;
            if seen.insert((*i, at.clone())) {
                resources.push((at.clone(), docs[*i].clone()));
                pending.push((base_of(&at, &docs[*i]), &graph.docs[*i].references));
            }
        }
    }
    let registry = jsonschema::Registry::new()
        .extend(resources)
        .and_then(|builder| builder.prepare())
        .map_err(|e| unusable(&e))?;
    jsonschema::options().with_registry(&registry).build(main).map_err(|e| unusable(&e))
}

/// The name each document of `graph` has for the compatibility checker: the URI it is
/// registered at for validation, so that `$ref`s written relative to any document find it.
pub(crate) fn compat_names(main: &Value, graph: &RefGraph) -> Vec<(String, String)> {
    let mut names: Vec<Option<String>> = vec![None; graph.docs.len()];
    let mut pending: Vec<(String, &[(String, usize)])> = vec![(base_of(DEFAULT_BASE, main), &graph.main)];
    while let Some((base, edges)) = pending.pop() {
        for (name, i) in edges {
            if names[*i].is_some() {
                continue;
            }
            let at = resolve(&base, without_fragment(name)).unwrap_or_else(|| name.clone());
            names[*i] = Some(at.clone());
            let next = serde_json::from_str::<Value>(&graph.docs[*i].text).map(|v| base_of(&at, &v)).unwrap_or(at);
            pending.push((next, &graph.docs[*i].references));
        }
    }
    graph.docs.iter().zip(names).map(|(d, n)| (n.unwrap_or_else(|| d.subject.clone()), d.text.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_to_the_document_itself_or_to_embedded_ids_are_not_external() {
        let schema = json!({
            "$id": "https://example.com/orders/order.json",
            "properties": {
                "a": {"$ref": "#/$defs/x"},
                "b": {"$ref": "address.json#/$defs/Street"},
                "c": {"$ref": "./address.json"},
                "d": {"$ref": "https://example.com/orders/order.json#/$defs/x"},
                "e": {"$ref": "item.json"},
                "f": {"$ref": "../common/money.json"},
                "g": {"const": {"$ref": "data.json"}}
            },
            "$defs": {"x": {"type": "string"}, "item": {"$id": "item.json", "type": "object"}}
        });
        let refs = external_refs(&schema, &base_of(DEFAULT_BASE, &schema));
        assert_eq!(refs, ["address.json", "./address.json", "../common/money.json"]);
    }

    #[test]
    fn references_resolve_against_the_referring_documents_id() {
        assert_eq!(resolve(DEFAULT_BASE, "./address.json").unwrap(), "json-schema:///address.json");
        assert_eq!(
            resolve("https://example.com/orders/order.json", "../common/a.json").unwrap(),
            "https://example.com/common/a.json"
        );
        assert!(is_absolute("https://example.com/a.json") && is_absolute("urn:x:y"));
        assert!(!is_absolute("./a.json") && !is_absolute("a.json") && !is_absolute("C:/a.json"));
        assert_eq!(percent_decode("my%20address.json"), "my address.json");
        assert_eq!(percent_decode("50%"), "50%");
    }

    #[test]
    fn a_validator_resolves_a_graph_offline_and_checks_the_referenced_document() {
        let address = r#"{"type": "object", "properties": {"city": {"type": "string"}, "country": {"$ref": "country.json"}}, "required": ["city"]}"#;
        let country = r#"{"type": "string", "pattern": "^[A-Z]{2}$"}"#;
        let doc = |text: &str, references: Vec<(String, usize)>| RefDoc {
            subject: String::new(),
            version: None,
            origin: "test".into(),
            text: text.into(),
            references,
        };
        let graph = RefGraph {
            docs: vec![doc(country, vec![]), doc(address, vec![("country.json".into(), 0)])],
            main: vec![("./address.json".into(), 1)],
        };
        let main = json!({"type": "object", "properties": {"ship_to": {"$ref": "./address.json"}}});
        let v = validator("main", &main, &graph).unwrap();
        assert!(v.is_valid(&json!({"ship_to": {"city": "Lyon", "country": "FR"}})));
        assert!(!v.is_valid(&json!({"ship_to": {"country": "FR"}})));
        assert!(!v.is_valid(&json!({"ship_to": {"city": "Lyon", "country": "France"}})));
        // Without the document, the reference does not resolve: an error, not a fetch.
        let err = validator("main", &main, &RefGraph { docs: vec![], main: vec![] }).unwrap_err();
        assert!(err.contains("main: not a usable JSON Schema"), "{err}");
    }
}
