//! Finds the target of a `$ref`: a JSON pointer or anchor in the same document, a subschema
//! with an embedded `$id`, or another document passed by name (the registry's "references").

use std::collections::HashMap;

use serde_json::Value;

use crate::loader::escape_pointer;

/// One JSON document: the schema under check or one of its named references.
pub(crate) struct Doc {
    pub name: String,
    pub value: Value,
}

impl Doc {
    pub fn new(name: &str, value: Value) -> Doc {
        Doc { name: name.to_string(), value }
    }
}

/// Where embedded identifiers point, per document.
pub(crate) struct Resolver {
    /// `$id` of each document's root, when it has one.
    root_ids: Vec<Option<String>>,
    /// `$id` values of subschemas (absolute or relative as written) → (document, pointer).
    embedded_ids: HashMap<String, (usize, String)>,
    /// Anchors (`$anchor`, or a `$id` of the form `#name`) per document → pointer.
    anchors: Vec<HashMap<String, String>>,
}

impl Resolver {
    pub fn new(docs: &[Doc]) -> Resolver {
        let mut resolver = Resolver {
            root_ids: Vec::with_capacity(docs.len()),
            embedded_ids: HashMap::new(),
            anchors: Vec::with_capacity(docs.len()),
        };
        for (index, doc) in docs.iter().enumerate() {
            let root_id = doc.value.get("$id").and_then(Value::as_str).map(str::to_string);
            resolver.root_ids.push(root_id);
            let mut anchors = HashMap::new();
            resolver.index(index, &doc.value, String::new(), &mut anchors);
            resolver.anchors.push(anchors);
        }
        resolver
    }

    fn index(&mut self, doc: usize, value: &Value, pointer: String, anchors: &mut HashMap<String, String>) {
        match value {
            Value::Object(map) => {
                if let Some(anchor) = map.get("$anchor").and_then(Value::as_str) {
                    anchors.entry(anchor.to_string()).or_insert_with(|| pointer.clone());
                }
                if let Some(id) = map.get("$id").and_then(Value::as_str) {
                    if let Some(anchor) = id.strip_prefix('#') {
                        anchors.entry(anchor.to_string()).or_insert_with(|| pointer.clone());
                    } else if !pointer.is_empty() {
                        let id = id.trim_end_matches('#').to_string();
                        self.embedded_ids.entry(id).or_insert_with(|| (doc, pointer.clone()));
                    }
                }
                for (key, child) in map {
                    // Values of these keywords are data, not schemas.
                    if matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
                        continue;
                    }
                    self.index(doc, child, format!("{pointer}/{}", escape_pointer(key)), anchors);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    self.index(doc, child, format!("{pointer}/{i}"), anchors);
                }
            }
            _ => {}
        }
    }

    /// The (document, JSON pointer) a `$ref` written in document `from` points to.
    pub fn resolve(&self, docs: &[Doc], from: usize, reference: &str) -> Option<(usize, String)> {
        let (base, fragment) = match reference.split_once('#') {
            Some((base, fragment)) => (base, percent_decode(fragment)),
            None => (reference, String::new()),
        };
        let (doc, prefix) = if base.is_empty() { (from, String::new()) } else { self.find_document(docs, from, base)? };
        if fragment.is_empty() {
            Some((doc, prefix))
        } else if fragment.starts_with('/') {
            Some((doc, format!("{prefix}{fragment}")))
        } else {
            self.anchors[doc].get(&fragment).map(|p| (doc, p.clone()))
        }
    }

    /// A document (or an embedded `$id` subschema) named by the part of a `$ref` before `#`.
    fn find_document(&self, docs: &[Doc], from: usize, base: &str) -> Option<(usize, String)> {
        if let Some(i) = docs.iter().position(|d| d.name == base) {
            return Some((i, String::new()));
        }
        if let Some(i) =
            self.root_ids.iter().position(|id| id.as_deref().map(|s| s.trim_end_matches('#')) == Some(base))
        {
            return Some((i, String::new()));
        }
        if let Some(found) = self.embedded_ids.get(base) {
            return Some(found.clone());
        }
        // Relative names resolve against the referring document's $id; compare what is left
        // once the shared base is stripped.
        let wanted = relative_tail(base);
        let resolved_from = self.root_ids.get(from).cloned().flatten().map(|id| join(&id, base));
        for (i, doc) in docs.iter().enumerate() {
            let name = relative_tail(&doc.name);
            if !name.is_empty()
                && (name == wanted || ends_with_segment(&wanted, &name) || ends_with_segment(&name, &wanted))
            {
                return Some((i, String::new()));
            }
            if let (Some(target), Some(id)) = (&resolved_from, &self.root_ids[i])
                && id.trim_end_matches('#') == target
            {
                return Some((i, String::new()));
            }
        }
        self.embedded_ids
            .iter()
            .find(|(id, _)| ends_with_segment(id, &wanted) || ends_with_segment(&wanted, &relative_tail(id)))
            .map(|(_, found)| found.clone())
    }
}

/// `base` relative to its URL's origin: scheme and host dropped, leading `./` and `/` dropped.
fn relative_tail(base: &str) -> String {
    let without_scheme = match base.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map(|(_, path)| path).unwrap_or(""),
        None => base,
    };
    without_scheme.trim_start_matches("./").trim_start_matches('/').to_string()
}

fn ends_with_segment(long: &str, short: &str) -> bool {
    !short.is_empty() && (long == short || long.ends_with(&format!("/{short}")))
}

/// Joins a relative reference onto a base URI (enough for file-like names).
fn join(base: &str, reference: &str) -> String {
    if reference.contains("://") {
        return reference.to_string();
    }
    let base = base.trim_end_matches('#');
    match base.rfind('/') {
        Some(i) => format!("{}{}", &base[..=i], reference.trim_start_matches("./")),
        None => reference.to_string(),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
