//! Loads an OpenAPI document and the files it references, resolving `$ref` (internal and
//! relative external files; remote URLs refused), into the normalized model.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use crate::json;
use crate::model::*;
use crate::yaml::{self, Node, Pos, Value};

/// Why a spec could not be loaded: core's positioned error (a file, line and column).
pub use schemagate_core::error::LoadError;

/// Reads files for the loader: from disk or from a git revision.
pub trait Fetch {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, String>;
    /// How to name a path in messages.
    fn display(&self, path: &str) -> String {
        path.to_string()
    }
}

/// Files on disk, paths relative to the current directory or absolute.
pub struct DiskFetch;

impl Fetch for DiskFetch {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound { "no such file".to_string() } else { e.to_string() }
        })
    }
}

/// Files of a git revision, paths relative to the repository top.
pub struct GitFetch {
    pub rev: String,
}

impl Fetch for GitFetch {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, String> {
        schemagate_core::source::read_git_file(&self.rev, path).map_err(|e| e.to_string())
    }
    fn display(&self, path: &str) -> String {
        format!("git:{}:{path}", self.rev)
    }
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const MAX_REF_HOPS: usize = 64;

struct Builder<'f> {
    fetch: &'f dyn Fetch,
    docs: Vec<Rc<Node>>,
    doc_paths: Vec<String>,
    doc_index: HashMap<String, usize>,
    spec: Spec,
    memo: HashMap<(usize, String), SchemaId>,
}

/// Joins a relative reference to the folder of `base` and removes `.` and `..`.
fn join_path(base: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        return normalize(rel);
    }
    let dir = base.rfind('/').map(|i| &base[..i + 1]).unwrap_or("");
    normalize(&format!("{dir}{rel}"))
}

fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if absolute { format!("/{joined}") } else { joined }
}

/// Decodes one JSON-pointer token (`~1` -> `/`, `~0` -> `~`, percent escapes).
fn unescape(token: &str) -> String {
    let mut bytes = Vec::new();
    let raw = token.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if raw[i] == b'%'
            && i + 2 < raw.len()
            && let (Some(h), Some(l)) = (hex(raw[i + 1]), hex(raw[i + 2]))
        {
            bytes.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        bytes.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&bytes).replace("~1", "/").replace("~0", "~")
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn pointer_get<'a>(root: &'a Node, pointer: &str) -> Option<&'a Node> {
    let mut node = root;
    for token in pointer.split('/').skip(1) {
        let token = unescape(token);
        node = match &node.value {
            Value::Map(_) => node.get(&token)?,
            Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn canonical_list(node: Option<&Node>) -> Option<Vec<String>> {
    node.map(|n| n.items().iter().map(Node::canonical).collect())
}

fn string_list(node: Option<&Node>) -> Vec<String> {
    node.map(|n| n.items().iter().filter_map(|i| i.str().map(str::to_string)).collect()).unwrap_or_default()
}

fn ext(node: &Node, key: &str) -> Option<String> {
    node.get(key).map(|v| match &v.value {
        Value::String(s) => s.clone(),
        other => Node { value: other.clone(), pos: v.pos, key_pos: None }.canonical(),
    })
}

/// Parses a document as JSON or YAML. A `.json` file is strict JSON. Any other file that opens
/// with `{` or `[` is tried as JSON first (saphyr refuses some valid JSON, such as the surrogate
/// pairs of an emoji) and then as YAML, whose flow style is a superset of JSON, so a `{`-document
/// that is YAML but not JSON still loads; its error is then the YAML one.
fn parse_document(path: &str, text: &str) -> Result<Node, yaml::ParseError> {
    if path.to_ascii_lowercase().ends_with(".json") {
        return json::parse(text);
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    if body.starts_with(['{', '['])
        && let Ok(root) = json::parse(text)
    {
        return Ok(root);
    }
    yaml::parse(text)
}

/// Keywords that describe a schema without constraining what it accepts (as oasdiff's validation
/// equivalence reads them; `default` is one too, but the model keeps it).
const ANNOTATIONS: [&str; 6] = ["title", "description", "example", "examples", "$comment", "externalDocs"];

/// Keywords `build_schema` reads into the model (the rest go to `Schema::other_keywords`),
/// separated by spaces.
const MODELED: &str = "type nullable format enum const default properties required items prefixItems \
    additionalProperties allOf anyOf oneOf not minimum maximum exclusiveMinimum \
    exclusiveMaximum minLength maxLength minItems maxItems minProperties maxProperties \
    pattern readOnly writeOnly deprecated discriminator contains minContains maxContains if \
    then else dependentRequired dependentSchemas patternProperties propertyNames \
    unevaluatedItems unevaluatedProperties contentMediaType contentEncoding contentSchema \
    x-extensible-enum x-stability-level x-sunset $ref";

/// The node has only annotations besides the keys in `allowed`.
fn only_annotations_besides(node: &Node, allowed: &[&str]) -> bool {
    node.entries().iter().all(|(k, _)| ANNOTATIONS.contains(&k.as_str()) || allowed.contains(&k.as_str()))
}

impl<'f> Builder<'f> {
    fn error(&self, file: usize, pos: Pos, message: impl Into<String>) -> LoadError {
        LoadError::new(self.fetch.display(&self.doc_paths[file]), pos.line.max(1), pos.column.max(1), message)
    }

    /// Loads a document, or returns it when already loaded. `from` locates the reference.
    fn document(&mut self, path: &str, from: Option<(usize, Pos)>) -> Result<usize, LoadError> {
        if let Some(i) = self.doc_index.get(path) {
            return Ok(*i);
        }
        let bytes = self.fetch.fetch(path).map_err(|e| match from {
            Some((file, pos)) => self.error(file, pos, format!("$ref to \"{path}\": {e}")),
            None => LoadError::new(self.fetch.display(path), 1, 1, e),
        })?;
        let display = self.fetch.display(path);
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| LoadError::at_offset(display.clone(), &bytes, e.valid_up_to(), "file is not valid UTF-8"))?;
        let root = parse_document(path, text)
            .map_err(|e| LoadError::new(display.clone(), e.pos.line, e.pos.column, e.message))?;
        let index = self.docs.len();
        self.docs.push(Rc::new(root));
        self.doc_paths.push(path.to_string());
        self.doc_index.insert(path.to_string(), index);
        self.spec.files.push(display);
        Ok(index)
    }

    /// Follows `$ref` chains from `node` (in `file`) to the referenced node: its file, that
    /// file's root and the node's pointer. Only `Rc`s and strings are copied, never subtrees.
    fn deref(&mut self, file: usize, node: &Node, pointer: &str) -> Result<(usize, Rc<Node>, String), LoadError> {
        let (mut file, mut pointer) = (file, pointer.to_string());
        let mut root = self.docs[file].clone();
        let reference_of = |n: &Node| n.get("$ref").map(|r| (r.str().map(str::to_string), r.report_pos()));
        let mut reference = reference_of(node);
        for _ in 0..MAX_REF_HOPS {
            let Some((text, pos)) = reference else {
                return Ok((file, root, pointer));
            };
            let Some(text) = text else {
                return Err(self.error(file, pos, "$ref must be a string"));
            };
            if text.contains("://") {
                return Err(self.error(file, pos, format!("remote $ref \"{text}\" is not supported (no network at check time); vendor the file and use a relative path")));
            }
            let (doc_part, fragment) = text.split_once('#').unwrap_or((&text, ""));
            let target_file = if doc_part.is_empty() {
                file
            } else {
                let path = join_path(&self.doc_paths[file], doc_part);
                self.document(&path, Some((file, pos)))?
            };
            let target_root = self.docs[target_file].clone();
            let target = pointer_get(&target_root, fragment)
                .ok_or_else(|| self.error(file, pos, format!("$ref \"{text}\" points to nothing")))?;
            reference = reference_of(target);
            file = target_file;
            pointer = fragment.to_string();
            root = target_root;
        }
        Err(self.error(file, node.pos, "$ref chain is too long or cyclic"))
    }

    fn loc(&self, file: usize, node: &Node) -> Loc {
        Loc { file, pos: node.report_pos() }
    }

    fn schema(&mut self, file: usize, node: &Node, pointer: &str) -> Result<SchemaId, LoadError> {
        let id = self.schema_target(file, node, pointer)?;
        if node.get("$ref").is_none() {
            return Ok(id);
        }
        // OpenAPI 3.1 allows keywords next to `$ref` (`deprecated: true`, `default`, ...): they
        // apply to this use of the referenced schema only. In 3.0 a Reference Object's other
        // properties "SHALL be ignored" (as kin-openapi, and so oasdiff, ignore them): a
        // `nullable: true` beside a 3.0 `$ref` does not make the use nullable.
        if self.spec.openapi_version.starts_with("3.0") {
            return Ok(id);
        }
        let annotations = ["$ref", "description", "summary", "title", "$comment", "example", "examples"];
        let siblings: Vec<&(String, Node)> =
            node.entries().iter().filter(|(k, _)| !annotations.contains(&k.as_str())).collect();
        if siblings.is_empty() {
            return Ok(id);
        }
        let key = (file, format!("{pointer}#siblings"));
        if let Some(id) = self.memo.get(&key) {
            return Ok(*id);
        }
        let mut s = self.spec.schemas[id].clone();
        for (k, v) in siblings {
            match k.as_str() {
                "deprecated" => s.deprecated = v.as_bool().unwrap_or(s.deprecated),
                "readOnly" => s.read_only = v.as_bool().unwrap_or(s.read_only),
                "writeOnly" => s.write_only = v.as_bool().unwrap_or(s.write_only),
                "nullable" => s.nullable |= v.as_bool().unwrap_or(false),
                "default" => s.default = Some(v.canonical()),
                "x-sunset" => s.sunset = ext(node, "x-sunset"),
                "x-stability-level" => s.stability = ext(node, "x-stability-level"),
                _ => {}
            }
        }
        s.loc = self.loc(file, node);
        let new_id = self.spec.schemas.len();
        self.spec.schemas.push(s);
        self.memo.insert(key, new_id);
        Ok(new_id)
    }

    fn schema_target(&mut self, file: usize, node: &Node, pointer: &str) -> Result<SchemaId, LoadError> {
        let (file, root, pointer) = if node.get("$ref").is_some() {
            self.deref(file, node, pointer)?
        } else {
            (file, self.docs[file].clone(), pointer.to_string())
        };
        let by_ref = node.get("$ref").is_some();
        if let Some(&id) = self.memo.get(&(file, pointer.clone())) {
            if by_ref && self.spec.schemas[id].shared.is_none() {
                self.spec.schemas[id].shared = Some(self.shared_label(file, &pointer));
            }
            return Ok(id);
        }
        let target = if by_ref { pointer_get(&root, &pointer).unwrap_or(node) } else { node };
        let id = self.spec.schemas.len();
        self.spec.schemas.push(Schema::default());
        self.memo.insert((file, pointer.clone()), id);
        let mut s = self.build_schema(file, target, &pointer)?;
        s.ref_name = pointer.strip_prefix("/components/schemas/").map(unescape);
        let component = pointer.strip_prefix("/components/schemas/").is_some_and(|n| !n.contains('/'));
        if component || by_ref {
            s.shared = Some(self.shared_label(file, &pointer));
        }
        if node.get("$ref").is_some() {
            // Findings point at the referenced definition, where the change was made.
            s.loc = self.loc(file, target);
        }
        self.spec.schemas[id] = s;
        Ok(id)
    }

    /// How a shared schema is named in messages: its component name in the main document, else
    /// `file#/pointer`.
    fn shared_label(&self, file: usize, pointer: &str) -> String {
        match pointer.strip_prefix("/components/schemas/") {
            Some(name) if file == 0 => unescape(name),
            _ => format!("{}#{pointer}", self.doc_paths[file].rsplit('/').next().unwrap_or_default()),
        }
    }

    fn sub(&mut self, file: usize, node: &Node, pointer: &str, key: &str) -> Result<Option<SchemaId>, LoadError> {
        match node.get(key) {
            Some(child) if matches!(child.value, Value::Map(_)) => {
                Ok(Some(self.schema(file, child, &format!("{pointer}/{}", escape(key)))?))
            }
            _ => Ok(None),
        }
    }

    fn sub_list(&mut self, file: usize, node: &Node, pointer: &str, key: &str) -> Result<Vec<SchemaId>, LoadError> {
        let mut out = Vec::new();
        if let Some(list) = node.get(key) {
            for (i, item) in list.items().iter().enumerate() {
                if matches!(item.value, Value::Map(_)) {
                    out.push(self.schema(file, item, &format!("{pointer}/{key}/{i}"))?);
                }
            }
        }
        Ok(out)
    }

    fn sub_map(
        &mut self,
        file: usize,
        node: &Node,
        pointer: &str,
        key: &str,
    ) -> Result<BTreeMap<String, SchemaId>, LoadError> {
        let mut out = BTreeMap::new();
        if let Some(map) = node.get(key) {
            for (name, child) in map.entries() {
                if matches!(child.value, Value::Map(_)) {
                    out.insert(name.clone(), self.schema(file, child, &format!("{pointer}/{key}/{}", escape(name)))?);
                }
            }
        }
        Ok(out)
    }

    fn bool_or_schema(
        &mut self,
        file: usize,
        node: &Node,
        pointer: &str,
        key: &str,
    ) -> Result<Option<BoolOrSchema>, LoadError> {
        Ok(match node.get(key).map(|n| &n.value) {
            Some(Value::Bool(b)) => Some(BoolOrSchema::Bool(*b)),
            Some(Value::Map(_)) => self.sub(file, node, pointer, key)?.map(BoolOrSchema::Schema),
            _ => None,
        })
    }

    fn build_schema(&mut self, file: usize, node: &Node, pointer: &str) -> Result<Schema, LoadError> {
        let num = |k: &str| node.get(k).and_then(Node::as_f64);
        let count = |k: &str| node.get(k).and_then(Node::as_f64).filter(|v| *v >= 0.0).map(|v| v as u64);
        let string = |k: &str| node.get(k).and_then(Node::str).map(str::to_string);
        let flag = |k: &str| node.get(k).and_then(Node::as_bool).unwrap_or(false);
        let mut s = Schema { loc: self.loc(file, node), ..Schema::default() };
        match node.get("type").map(|t| &t.value) {
            Some(Value::String(t)) => s.types = vec![t.clone()],
            Some(Value::Seq(items)) => s.types = items.iter().filter_map(|i| i.str().map(str::to_string)).collect(),
            _ => {}
        }
        s.declared_types = s.types.clone();
        s.title = string("title");
        s.nullable = flag("nullable") || s.types.iter().any(|t| t == "null");
        s.types.retain(|t| t != "null");
        s.types.sort();
        s.types.dedup();
        s.format = string("format");
        s.enum_values = canonical_list(node.get("enum"));
        if s.enum_values.as_ref().is_some_and(|e| e.iter().any(|v| v == "null")) {
            s.nullable = true;
        }
        s.const_value = node.get("const").map(Node::canonical);
        s.default = node.get("default").map(Node::canonical);
        if let Some(props) = node.get("properties") {
            for (name, child) in props.entries() {
                if matches!(child.value, Value::Map(_)) {
                    let id = self.schema(file, child, &format!("{pointer}/properties/{}", escape(name)))?;
                    s.properties.push((name.clone(), id));
                }
            }
        }
        s.required = string_list(node.get("required"));
        s.items = self.sub(file, node, pointer, "items")?;
        s.prefix_items = self.sub_list(file, node, pointer, "prefixItems")?;
        s.additional_properties = self.bool_or_schema(file, node, pointer, "additionalProperties")?;
        s.all_of = self.sub_list(file, node, pointer, "allOf")?;
        s.any_of = self.sub_list(file, node, pointer, "anyOf")?;
        s.one_of = self.sub_list(file, node, pointer, "oneOf")?;
        s.not = self.sub(file, node, pointer, "not")?;
        self.normalize_type_unions(node, &mut s);
        s.minimum = num("minimum");
        s.maximum = num("maximum");
        // 3.0: boolean flags on minimum/maximum; 3.1: the bound itself.
        s.exclusive_minimum = match node.get("exclusiveMinimum").map(|n| &n.value) {
            Some(Value::Bool(true)) => s.minimum,
            Some(Value::Number(n, _)) => Some(*n),
            _ => None,
        };
        s.exclusive_maximum = match node.get("exclusiveMaximum").map(|n| &n.value) {
            Some(Value::Bool(true)) => s.maximum,
            Some(Value::Number(n, _)) => Some(*n),
            _ => None,
        };
        s.min_length = count("minLength");
        s.max_length = count("maxLength");
        s.min_items = count("minItems");
        s.max_items = count("maxItems");
        s.min_properties = count("minProperties");
        s.max_properties = count("maxProperties");
        s.pattern = string("pattern").filter(|p| !p.is_empty());
        s.read_only = flag("readOnly");
        s.write_only = flag("writeOnly");
        s.deprecated = flag("deprecated");
        if let Some(d) = node.get("discriminator") {
            s.discriminator = Some(Discriminator {
                property_name: d.get("propertyName").and_then(Node::str).unwrap_or_default().to_string(),
                mapping: d
                    .get("mapping")
                    .map(|m| {
                        m.entries().iter().map(|(k, v)| (k.clone(), v.str().unwrap_or_default().to_string())).collect()
                    })
                    .unwrap_or_default(),
            });
        }
        s.contains = self.sub(file, node, pointer, "contains")?;
        s.min_contains = count("minContains");
        s.max_contains = count("maxContains");
        s.if_schema = self.sub(file, node, pointer, "if")?;
        s.then_schema = self.sub(file, node, pointer, "then")?;
        s.else_schema = self.sub(file, node, pointer, "else")?;
        if let Some(dr) = node.get("dependentRequired") {
            s.dependent_required = dr.entries().iter().map(|(k, v)| (k.clone(), string_list(Some(v)))).collect();
        }
        s.dependent_schemas = self.sub_map(file, node, pointer, "dependentSchemas")?;
        s.pattern_properties = self.sub_map(file, node, pointer, "patternProperties")?;
        s.property_names = self.sub(file, node, pointer, "propertyNames")?;
        s.unevaluated_items = self.bool_or_schema(file, node, pointer, "unevaluatedItems")?;
        s.unevaluated_properties = self.bool_or_schema(file, node, pointer, "unevaluatedProperties")?;
        s.content_media_type = string("contentMediaType");
        s.content_encoding = string("contentEncoding");
        s.content_schema = self.sub(file, node, pointer, "contentSchema")?;
        s.extensible_enum = canonical_list(node.get("x-extensible-enum"));
        s.stability = ext(node, "x-stability-level");
        s.sunset = ext(node, "x-sunset");
        s.other_keywords = node
            .entries()
            .iter()
            .filter(|(k, _)| !MODELED.split_whitespace().any(|m| m == k) && !ANNOTATIONS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.canonical()))
            .collect();
        s.other_keywords.sort();
        Ok(s)
    }

    /// `oneOf`/`anyOf` branches that only name a type (one or more) are a list of types (3.1 style), and a
    /// bare `oneOf: [{type: "null"}, X]` is recorded as a possible nullable wrap of X (also when X
    /// only names a type). Also records oasdiff's list-of-types pattern (`Schema::list_types`).
    fn normalize_type_unions(&mut self, node: &Node, s: &mut Schema) {
        if node.get("type").is_some() {
            return;
        }
        let simple = |b: &Schema| {
            b.declared_types.len() == 1
                && b.properties.is_empty()
                && b.one_of.is_empty()
                && b.any_of.is_empty()
                && b.all_of.is_empty()
                && !b.union_types
        };
        for list in [&s.one_of, &s.any_of] {
            if !list.is_empty() && list.iter().all(|id| simple(&self.spec.schemas[*id])) {
                s.list_types = Some(list.iter().map(|id| self.spec.schemas[*id].declared_types[0].clone()).collect());
                break;
            }
        }
        for key in ["oneOf", "anyOf"] {
            let Some(list) = node.get(key) else { continue };
            let branches = list.items();
            // The nullable wrap is oneOf only (under anyOf the null branch may overlap the other),
            // and bare: annotations aside, the wrapper holds only the oneOf and the null branch
            // only `type: null`.
            let is_null = |b: &Node| {
                let null_type = match b.get("type").map(|t| &t.value) {
                    Some(Value::String(t)) => t == "null",
                    Some(Value::Seq(items)) => items.len() == 1 && items[0].str() == Some("null"),
                    _ => false,
                };
                null_type && only_annotations_besides(b, &["type", "default"])
            };
            if key == "oneOf"
                && branches.len() == 2
                && s.one_of.len() == 2
                && branches.iter().filter(|b| is_null(b)).count() == 1
                && only_annotations_besides(node, &["oneOf", "default"])
            {
                s.null_wrap = Some(if is_null(&branches[0]) { s.one_of[1] } else { s.one_of[0] });
            }
            let type_only = |b: &Node| !b.entries().is_empty() && b.entries().iter().all(|(k, _)| k == "type");
            if !branches.is_empty() && branches.iter().all(type_only) {
                let mut types: Vec<String> = Vec::new();
                for b in branches {
                    match b.get("type").map(|t| &t.value) {
                        Some(Value::String(t)) => types.push(t.clone()),
                        Some(Value::Seq(items)) => {
                            types.extend(items.iter().filter_map(|i| i.str().map(str::to_string)))
                        }
                        _ => {}
                    }
                }
                s.nullable |= types.iter().any(|t| t == "null");
                types.retain(|t| t != "null");
                types.sort();
                types.dedup();
                s.types = types;
                s.union_types = true;
                if key == "oneOf" {
                    s.one_of.clear()
                } else {
                    s.any_of.clear()
                }
                return;
            }
            if s.null_wrap.is_some() {
                return;
            }
        }
    }

    fn media_types(
        &mut self,
        file: usize,
        node: Option<&Node>,
        pointer: &str,
    ) -> Result<BTreeMap<String, MediaType>, LoadError> {
        let mut out = BTreeMap::new();
        let Some(content) = node else { return Ok(out) };
        for (name, mt) in content.entries() {
            let p = format!("{pointer}/{}", escape(name));
            let schema = match mt.get("schema") {
                Some(s) if matches!(s.value, Value::Map(_)) => Some(self.schema(file, s, &format!("{p}/schema"))?),
                _ => None,
            };
            out.insert(name.clone(), MediaType { schema, loc: self.loc(file, mt) });
        }
        Ok(out)
    }

    fn parameter(
        &mut self,
        file: usize,
        node: &Node,
        pointer: &str,
        from_path_item: bool,
    ) -> Result<Option<Parameter>, LoadError> {
        let (file, root, pointer) = self.deref(file, node, pointer)?;
        let Some(p) = pointer_get(&root, &pointer).or_else(|| (node.get("$ref").is_none()).then_some(node)) else {
            return Ok(None);
        };
        let (Some(name), Some(location)) = (p.get("name").and_then(Node::str), p.get("in").and_then(Node::str)) else {
            return Ok(None);
        };
        let schema = match p.get("schema") {
            Some(s) if matches!(s.value, Value::Map(_)) => Some(self.schema(file, s, &format!("{pointer}/schema"))?),
            _ => {
                let content = self.media_types(file, p.get("content"), &format!("{pointer}/content"))?;
                content.values().next().and_then(|m| m.schema)
            }
        };
        Ok(Some(Parameter {
            name: name.to_string(),
            location: location.to_string(),
            required: p.get("required").and_then(Node::as_bool).unwrap_or(location == "path"),
            deprecated: p.get("deprecated").and_then(Node::as_bool).unwrap_or(false),
            schema,
            loc: self.loc(file, if node.get("$ref").is_some() { node } else { p }),
            sunset: ext(p, "x-sunset"),
            stability: ext(p, "x-stability-level"),
            from_path_item,
            form_explode: {
                let default_style = if matches!(location, "query" | "cookie") { "form" } else { "simple" };
                let style = p.get("style").and_then(Node::str).unwrap_or(default_style);
                style == "form" && p.get("explode").and_then(Node::as_bool).unwrap_or(true)
            },
            style: {
                let default_style = if matches!(location, "query" | "cookie") { "form" } else { "simple" };
                p.get("style").and_then(Node::str).unwrap_or(default_style).to_string()
            },
            explode: {
                let default_style = if matches!(location, "query" | "cookie") { "form" } else { "simple" };
                let style = p.get("style").and_then(Node::str).unwrap_or(default_style);
                p.get("explode").and_then(Node::as_bool).unwrap_or(style == "form")
            },
        }))
    }

    fn security(node: Option<&Node>) -> Option<Vec<SecurityRequirement>> {
        node.map(|list| {
            list.items()
                .iter()
                .map(|req| req.entries().iter().map(|(k, v)| (k.clone(), string_list(Some(v)))).collect())
                .collect()
        })
    }

    fn operation(
        &mut self,
        file: usize,
        path: &str,
        method: &str,
        node: &Node,
        pointer: &str,
        path_params: &[Parameter],
    ) -> Result<Operation, LoadError> {
        let mut op = Operation {
            method: method.to_uppercase(),
            path: path.to_string(),
            loc: self.loc(file, node),
            operation_id: node.get("operationId").and_then(Node::str).map(str::to_string),
            summary: node
                .get("summary")
                .or_else(|| node.get("description"))
                .and_then(Node::str)
                .and_then(|s| s.lines().map(str::trim).find(|l| !l.is_empty()))
                .map(str::to_string),
            deprecated: node.get("deprecated").and_then(Node::as_bool).unwrap_or(false),
            tags: string_list(node.get("tags")),
            stability: ext(node, "x-stability-level"),
            sunset: ext(node, "x-sunset"),
            security: Self::security(node.get("security")),
            ..Operation::default()
        };
        let mut params: Vec<Parameter> = Vec::new();
        if let Some(list) = node.get("parameters") {
            for (i, item) in list.items().iter().enumerate() {
                if let Some(p) = self.parameter(file, item, &format!("{pointer}/parameters/{i}"), false)? {
                    params.push(p);
                }
            }
        }
        for p in path_params {
            if !params.iter().any(|q| q.name == p.name && q.location == p.location) {
                params.push(p.clone());
            }
        }
        op.parameters = params;
        if let Some(body) = node.get("requestBody") {
            let (bfile, root, bptr) = self.deref(file, body, &format!("{pointer}/requestBody"))?;
            let b = pointer_get(&root, &bptr).unwrap_or(body);
            let content = self.media_types(bfile, b.get("content"), &format!("{bptr}/content"))?;
            op.request_body = Some(RequestBody {
                required: b.get("required").and_then(Node::as_bool).unwrap_or(false),
                content,
                loc: self.loc(file, body),
            });
        }
        if let Some(responses) = node.get("responses") {
            for (status, r) in responses.entries() {
                let (rfile, root, rptr) = self.deref(file, r, &format!("{pointer}/responses/{}", escape(status)))?;
                let resp = pointer_get(&root, &rptr).unwrap_or(r);
                let content = self.media_types(rfile, resp.get("content"), &format!("{rptr}/content"))?;
                let mut headers = BTreeMap::new();
                if let Some(hs) = resp.get("headers") {
                    for (name, h) in hs.entries() {
                        let (hfile, hroot, hptr) = self.deref(rfile, h, &format!("{rptr}/headers/{}", escape(name)))?;
                        let header = pointer_get(&hroot, &hptr).unwrap_or(h);
                        let schema = match header.get("schema") {
                            Some(s) if matches!(s.value, Value::Map(_)) => {
                                Some(self.schema(hfile, s, &format!("{hptr}/schema"))?)
                            }
                            _ => None,
                        };
                        headers.insert(
                            name.clone(),
                            Header {
                                required: header.get("required").and_then(Node::as_bool).unwrap_or(false),
                                deprecated: header.get("deprecated").and_then(Node::as_bool).unwrap_or(false),
                                schema,
                                loc: self.loc(rfile, h),
                            },
                        );
                    }
                }
                op.responses.insert(status.clone(), Response { content, headers, loc: self.loc(file, r) });
            }
        }
        Ok(op)
    }

    fn build(mut self, main: &str) -> Result<Spec, LoadError> {
        let file = self.document(main, None)?;
        let root = self.docs[file].clone();
        let version = match (root.get("openapi"), root.get("swagger")) {
            (Some(v), _) => {
                v.str().map(str::to_string).or_else(|| v.as_f64().map(|f| f.to_string())).unwrap_or_default()
            }
            (None, Some(v)) => {
                return Err(self.error(
                    file,
                    v.report_pos(),
                    "Swagger 2.0 is not supported; convert the document to OpenAPI 3 first",
                ));
            }
            (None, None) => return Err(self.error(file, root.pos, "not an OpenAPI document: no `openapi` key")),
        };
        if !version.starts_with("3.") {
            let pos = root.get("openapi").map(Node::report_pos).unwrap_or(root.pos);
            return Err(self.error(file, pos, format!("OpenAPI {version} is not supported (3.0 and 3.1 are)")));
        }
        self.spec.openapi_version = version;
        self.spec.root_loc = Loc { file, pos: root.pos };
        self.spec.info_version =
            root.get("info").and_then(|i| i.get("version")).and_then(Node::str).map(str::to_string);
        self.spec.security = Self::security(root.get("security")).unwrap_or_default();
        self.spec.title = root.get("info").and_then(|i| i.get("title")).and_then(Node::str).map(str::to_string);
        self.spec.servers =
            root.get("servers").map(|s| s.items().iter().filter_map(server_url).collect()).unwrap_or_default();
        if let Some(tags) = root.get("tags") {
            for t in tags.items() {
                if let Some(name) = t.get("name").and_then(Node::str) {
                    self.spec.tags.insert(name.to_string(), self.loc(file, t));
                }
            }
        }
        if let Some(hooks) = root.get("webhooks") {
            for (name, node) in hooks.entries() {
                self.spec.webhooks.insert(name.clone(), self.loc(file, node));
            }
        }
        if let Some(components) = root.get("components") {
            if let Some(schemes) = components.get("securitySchemes") {
                for (name, node) in schemes.entries() {
                    let (sfile, sroot, sptr) =
                        self.deref(file, node, &format!("/components/securitySchemes/{}", escape(name)))?;
                    let scheme = pointer_get(&sroot, &sptr).unwrap_or(node);
                    let mut flows = BTreeMap::new();
                    if let Some(f) = scheme.get("flows") {
                        for (flow, def) in f.entries() {
                            let scopes = def
                                .get("scopes")
                                .map(|s| {
                                    s.entries()
                                        .iter()
                                        .map(|(k, v)| (k.clone(), v.str().unwrap_or_default().to_string()))
                                        .collect()
                                })
                                .unwrap_or_default();
                            flows.insert(
                                flow.clone(),
                                (
                                    def.get("authorizationUrl").and_then(Node::str).map(str::to_string),
                                    def.get("tokenUrl").and_then(Node::str).map(str::to_string),
                                    scopes,
                                ),
                            );
                        }
                    }
                    let kind = scheme.get("type").and_then(Node::str).unwrap_or_default().to_string();
                    let loc = self.loc(sfile, scheme);
                    let text = |key: &str| scheme.get(key).and_then(Node::str).map(str::to_string);
                    self.spec.security_schemes.insert(
                        name.clone(),
                        SecurityScheme {
                            kind,
                            loc,
                            flows,
                            scheme: text("scheme").map(|s| s.to_ascii_lowercase()),
                            location: text("in"),
                            param_name: text("name"),
                        },
                    );
                }
            }
            if let Some(schemas) = components.get("schemas") {
                for (name, node) in schemas.entries() {
                    if matches!(node.value, Value::Map(_)) {
                        let id = self.schema(file, node, &format!("/components/schemas/{}", escape(name)))?;
                        self.spec.component_schemas.insert(name.clone(), id);
                    }
                }
            }
        }
        for (section, webhook) in [("paths", false), ("webhooks", true)] {
            let Some(items) = root.get(section) else { continue };
            for (path, item) in items.entries() {
                let pointer = format!("/{section}/{}", escape(path));
                let (ifile, iroot, iptr) = self.deref(file, item, &pointer)?;
                let item_node = pointer_get(&iroot, &iptr).unwrap_or(item);
                if !webhook {
                    self.spec.paths.insert(path.clone(), self.loc(file, item));
                }
                let mut path_params = Vec::new();
                if let Some(list) = item_node.get("parameters") {
                    for (i, p) in list.items().iter().enumerate() {
                        if let Some(p) = self.parameter(ifile, p, &format!("{iptr}/parameters/{i}"), true)? {
                            path_params.push(p);
                        }
                    }
                }
                // Webhook operations are named `webhook:NAME`, as oasdiff names them.
                let name = if webhook { format!("webhook:{path}") } else { path.clone() };
                let item_servers: Vec<String> = item_node
                    .get("servers")
                    .map(|s| s.items().iter().filter_map(server_url).collect())
                    .unwrap_or_default();
                for method in METHODS {
                    if let Some(op_node) = item_node.get(method) {
                        let mut op =
                            self.operation(ifile, &name, method, op_node, &format!("{iptr}/{method}"), &path_params)?;
                        op.servers = match op_node.get("servers") {
                            Some(s) => s.items().iter().filter_map(server_url).collect(),
                            None => item_servers.clone(),
                        };
                        if webhook {
                            self.spec.webhook_operations.push(op);
                        } else {
                            self.spec.operations.push(op);
                        }
                    }
                }
            }
        }
        Ok(self.spec)
    }
}

/// Loads the OpenAPI document at `main` (a path understood by `fetch`).
pub fn load(fetch: &dyn Fetch, main: &str) -> Result<Spec, LoadError> {
    let builder = Builder {
        fetch,
        docs: vec![],
        doc_paths: vec![],
        doc_index: HashMap::new(),
        spec: Spec::default(),
        memo: HashMap::new(),
    };
    builder.build(&normalize_keep_relative(main))
}

/// A server's URL with its variables replaced by their defaults.
fn server_url(server: &Node) -> Option<String> {
    let mut url = server.get("url").and_then(Node::str)?.to_string();
    if let Some(vars) = server.get("variables") {
        for (name, var) in vars.entries() {
            if let Some(default) = var.get("default").and_then(Node::str) {
                url = url.replace(&format!("{{{name}}}"), default);
            }
        }
    }
    Some(url)
}

fn normalize_keep_relative(path: &str) -> String {
    let n = normalize(path);
    if n.is_empty() { path.to_string() } else { n }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_and_normalize() {
        assert_eq!(join_path("specs/api.yaml", "schemas/order.yaml"), "specs/schemas/order.yaml");
        assert_eq!(join_path("specs/api.yaml", "../common/money.yaml"), "common/money.yaml");
        assert_eq!(join_path("/abs/api.yaml", "./x.yaml"), "/abs/x.yaml");
        assert_eq!(unescape("~1orders~1%7Bid%7D"), "/orders/{id}");
    }
}
