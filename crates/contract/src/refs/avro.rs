//! Avro references among the project's files. A named type that a schema uses but does not
//! define is looked up in the other `.avsc` files under a folder (the schema's `root`, default
//! its own folder, subfolders included): the file whose schema is that type (or, failing that,
//! defines it inside) becomes a reference named by the file's full type name, as Confluent's
//! Avro references are named, and so on for the types that file uses.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::files::Files;
use super::{RefDoc, RefGraph};

const PRIMITIVES: [&str; 8] = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"];

/// The names an Avro schema defines and uses.
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// The full name of the schema itself, when it is a named type.
    pub(crate) top: Option<String>,
    pub(crate) defined: Vec<String>,
    /// Each use of a named type: the full names it may mean, most likely first (a short name
    /// in the enclosing namespace, then in the null namespace, as Avro's Java parser tries).
    used: Vec<Vec<String>>,
}

impl Names {
    pub(crate) fn of(schema: &Value) -> Names {
        let mut names = Names::default();
        walk(schema, "", &mut names);
        if let Value::Object(map) = schema
            && is_named(map)
        {
            names.top = names.defined.first().cloned();
        }
        names
    }

    /// The uses of types this schema does not define itself.
    pub(crate) fn missing(&self) -> Vec<&[String]> {
        let mut out: Vec<&[String]> = Vec::new();
        for candidates in &self.used {
            if !candidates.iter().any(|c| self.defined.contains(c)) && !out.contains(&candidates.as_slice()) {
                out.push(candidates);
            }
        }
        out
    }
}

fn is_named(map: &Map<String, Value>) -> bool {
    matches!(map.get("type").and_then(Value::as_str), Some("record" | "error" | "enum" | "fixed"))
}

fn walk(schema: &Value, namespace: &str, names: &mut Names) {
    match schema {
        Value::String(s) if !PRIMITIVES.contains(&s.as_str()) => {
            let candidates = match (s.contains('.'), namespace.is_empty()) {
                (true, _) | (false, true) => vec![s.clone()],
                (false, false) => vec![format!("{namespace}.{s}"), s.clone()],
            };
            names.used.push(candidates);
        }
        Value::Array(branches) => branches.iter().for_each(|b| walk(b, namespace, names)),
        Value::Object(map) if is_named(map) => {
            let Some(name) = map.get("name").and_then(Value::as_str) else { return };
            let (full, inner) = match name.rsplit_once('.') {
                Some((ns, _)) => (name.to_string(), ns.to_string()),
                None => {
                    let ns = map.get("namespace").and_then(Value::as_str).unwrap_or(namespace);
                    (if ns.is_empty() { name.to_string() } else { format!("{ns}.{name}") }, ns.to_string())
                }
            };
            names.defined.push(full);
            for field in map.get("fields").and_then(Value::as_array).into_iter().flatten() {
                if let Some(t) = field.get("type") {
                    walk(t, &inner, names);
                }
            }
        }
        Value::Object(map) => match map.get("type") {
            Some(Value::String(t)) if t == "array" => {
                map.get("items").into_iter().for_each(|i| walk(i, namespace, names))
            }
            Some(Value::String(t)) if t == "map" => {
                map.get("values").into_iter().for_each(|v| walk(v, namespace, names))
            }
            Some(t) => walk(t, namespace, names),
            None => {}
        },
        _ => {}
    }
}

/// An `.avsc` file that can be referenced: its schema is a named type.
struct Candidate {
    path: PathBuf,
    text: String,
    names: Names,
}

/// Adds to `graph` (which may already hold references a contract declares, from the registry)
/// the files under `folder` that define the types `main` uses without defining them,
/// transitively. Self-contained schemas cost no folder scan.
pub(crate) fn closure(
    files: Files<'_>,
    main_path: &Path,
    main_text: &str,
    folder: &Path,
    mut graph: RefGraph,
) -> Result<RefGraph, String> {
    // Syntax errors are the parser's to report, with their positions.
    let Ok(main) = serde_json::from_str::<Value>(main_text) else { return Ok(graph) };
    let main_names = Names::of(&main);
    // Types the declared (registry) references define.
    let mut known: HashMap<String, usize> = HashMap::new();
    for (i, doc) in graph.docs.iter().enumerate() {
        if let Ok(value) = serde_json::from_str::<Value>(&doc.text) {
            for name in Names::of(&value).defined {
                known.entry(name).or_insert(i);
            }
        }
    }
    let unresolved = |names: &Names| -> bool {
        names.missing().iter().any(|candidates| !candidates.iter().any(|c| known.contains_key(c)))
    };
    if !unresolved(&main_names) {
        return Ok(graph);
    }
    let (candidates, unreadable) = index(files, folder, main_path)?;
    let mut by_path: BTreeMap<PathBuf, usize> = BTreeMap::new();
    // (referring document: None for the main schema, its names, its origin)
    let mut pending: Vec<(Option<usize>, Names, String)> = vec![(None, main_names, files.origin(main_path))];
    let main_defined: Vec<String> = pending[0].1.defined.clone();
    while let Some((from, names, origin)) = pending.pop() {
        let mut edges: Vec<(String, usize)> = Vec::new();
        for wanted in names.missing() {
            let target = if let Some(i) = wanted.iter().find_map(|c| known.get(c)) {
                *i
            } else {
                if from.is_some() && wanted.iter().any(|c| main_defined.contains(c)) {
                    return Err(format!(
                        "reference cycle: {origin} uses {}, which {} defines",
                        wanted[0],
                        files.origin(main_path)
                    ));
                }
                let found = find(&candidates, wanted, folder, &unreadable)
                    .map_err(|e| format!("{origin}: unknown Avro type {}: {e}", wanted[0]))?;
                let c = &candidates[found];
                match by_path.get(&c.path) {
                    Some(i) => *i,
                    None => {
                        let i = graph.docs.len();
                        let top = c.names.top.clone().unwrap_or_default();
                        graph.docs.push(RefDoc {
                            subject: top,
                            version: None,
                            origin: files.origin(&c.path),
                            text: c.text.clone(),
                            references: Vec::new(),
                        });
                        by_path.insert(c.path.clone(), i);
                        let names = Names::of(&serde_json::from_str(&c.text).unwrap_or(Value::Null));
                        pending.push((Some(i), names, files.origin(&c.path)));
                        i
                    }
                }
            };
            // The reference is named by the referenced schema's full name, whichever of its
            // types is used.
            let name = graph.docs[target].subject.clone();
            if !edges.iter().any(|(_, j)| *j == target) {
                edges.push((name, target));
            }
        }
        match from {
            None => {
                for edge in edges {
                    if !graph.main.iter().any(|m| m.1 == edge.1) {
                        graph.main.push(edge);
                    }
                }
            }
            Some(i) => graph.docs[i].references = edges,
        }
    }
    Ok(graph)
}

/// The `.avsc` files under `folder` other than the main one whose schema is a named type, and
/// the ones that could not be read as such (named in "unknown type" messages).
fn index(files: Files<'_>, folder: &Path, main_path: &Path) -> Result<(Vec<Candidate>, Vec<String>), String> {
    let main_path = super::files::normalize(main_path);
    let mut candidates = Vec::new();
    let mut unreadable = Vec::new();
    for path in files.list(folder, "avsc")? {
        if path == main_path {
            continue;
        }
        let parsed = files.read(&path).and_then(|text| match serde_json::from_str::<Value>(&text) {
            Ok(value) => Ok((text, Names::of(&value))),
            Err(e) => Err(format!("{}:{}:{}: {e}", files.origin(&path), e.line(), e.column())),
        });
        match parsed {
            Ok((text, names)) if names.top.is_some() => candidates.push(Candidate { path, text, names }),
            Ok(_) => {}
            Err(e) => unreadable.push(e),
        }
    }
    Ok((candidates, unreadable))
}

/// The one candidate whose schema is the wanted type, else the one that defines it inside.
fn find(candidates: &[Candidate], wanted: &[String], folder: &Path, unreadable: &[String]) -> Result<usize, String> {
    for name in wanted {
        let tops: Vec<usize> =
            (0..candidates.len()).filter(|i| candidates[*i].names.top.as_ref() == Some(name)).collect();
        let inner: Vec<usize> = (0..candidates.len()).filter(|i| candidates[*i].names.defined.contains(name)).collect();
        let found = if tops.is_empty() { inner } else { tops };
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(*one),
            many => {
                let paths: Vec<String> =
                    many.iter().map(|i| candidates[*i].path.to_string_lossy().replace('\\', "/")).collect();
                return Err(format!("{name} is defined by several files: {}", paths.join(", ")));
            }
        }
    }
    let folder = folder.to_string_lossy().replace('\\', "/");
    let shown = if folder.is_empty() { "." } else { folder.as_str() };
    let mut message = format!("no .avsc file under {shown} defines it");
    if let Some(first) = unreadable.first() {
        message.push_str(&format!(" ({} file(s) there are not JSON, e.g. {first})", unreadable.len()));
    }
    Err(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Names {
        Names::of(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn short_names_resolve_in_the_enclosing_namespace_and_definitions_are_not_missing() {
        let n = names(
            r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
                {"name": "a", "type": "Address"},
                {"name": "b", "type": ["null", "common.Money"]},
                {"name": "c", "type": {"type": "array", "items": {"type": "enum", "name": "Status", "symbols": ["A"]}}},
                {"name": "d", "type": "Status"},
                {"name": "e", "type": {"type": "map", "values": {"type": "string", "logicalType": "uuid"}}},
                {"name": "f", "type": {"type": "record", "name": "x.Inner", "fields": [{"name": "g", "type": "Deep"}]}}
            ]}"#,
        );
        assert_eq!(n.top.as_deref(), Some("shop.Order"));
        assert_eq!(n.defined, ["shop.Order", "shop.Status", "x.Inner"]);
        let missing: Vec<Vec<String>> = n.missing().into_iter().map(<[String]>::to_vec).collect();
        assert_eq!(
            missing,
            [
                vec!["shop.Address".to_string(), "Address".into()],
                vec!["common.Money".into()],
                vec!["x.Deep".into(), "Deep".into()]
            ]
        );
    }

    #[test]
    fn a_union_or_primitive_file_is_not_a_named_type() {
        assert!(names(r#"["null", "string"]"#).top.is_none());
        assert!(names(r#"{"type": "string"}"#).top.is_none());
    }
}
