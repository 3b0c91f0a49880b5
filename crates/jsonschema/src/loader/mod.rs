//! Reads JSON Schema documents into the typed graph of [`crate::model`], the way the Schema
//! Registry builds its schema objects: draft-04/06/07 as the everit loader does, 2019-09/2020-12
//! as the registry's translation of json-sKema schemas does. Only this module touches JSON text.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::error::JsonSchemaError;
use crate::model::{Arena, Criterion, Kind, Meta, Node, NodeId};
use crate::resolve::{Doc, Resolver};

mod keywords;

/// The JSON Schema dialect, from the root document's `$schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Draft {
    Draft4,
    Draft6,
    Draft7,
    Draft2019,
    Draft2020,
}

impl Draft {
    fn detect(root: &Value) -> Draft {
        let uri = root.get("$schema").and_then(Value::as_str).unwrap_or("");
        if uri.contains("2020-12") {
            Draft::Draft2020
        } else if uri.contains("2019-09") {
            Draft::Draft2019
        } else if uri.contains("draft-04") {
            Draft::Draft4
        } else if uri.contains("draft-06") {
            Draft::Draft6
        } else {
            Draft::Draft7
        }
    }

    /// 2019-09 and 2020-12 go through the registry's json-sKema translation.
    pub fn is_modern(self) -> bool {
        matches!(self, Draft::Draft2019 | Draft::Draft2020)
    }
}

/// A parsed schema graph: its nodes, its root and the dialect it was read with.
pub(crate) struct Loaded {
    pub arena: Arena,
    pub root: NodeId,
}

/// Parses `text` (named `name`) and its named references into one graph.
pub(crate) fn load(name: &str, text: &str, references: &[(String, String)]) -> Result<Loaded, JsonSchemaError> {
    let mut docs = vec![Doc::new(name, parse_json(name, text)?)];
    for (ref_name, ref_text) in references {
        docs.push(Doc::new(ref_name, parse_json(ref_name, ref_text)?));
    }
    let draft = Draft::detect(&docs[0].value);
    let resolver = Resolver::new(&docs);
    let mut loader = Loader {
        docs: &docs,
        resolver,
        draft,
        arena: Arena { nodes: vec![], modern: draft.is_modern() },
        located: HashMap::new(),
        pending: Vec::new(),
    };
    let root = loader.node(0, "", &docs[0].value)?;
    loader.resolve_pending()?;
    Ok(Loaded { arena: loader.arena, root })
}

fn parse_json(name: &str, text: &str) -> Result<Value, JsonSchemaError> {
    serde_json::from_str(text).map_err(|e| JsonSchemaError::Syntax {
        name: name.to_string(),
        line: e.line(),
        column: e.column().max(1),
        message: e.to_string(),
    })
}

/// A `$ref` waiting for its target: the node, the document it appears in, the reference text
/// and where it appears.
struct PendingRef {
    node: NodeId,
    doc: usize,
    reference: String,
    pointer: String,
}

struct Loader<'d> {
    docs: &'d [Doc],
    resolver: Resolver,
    draft: Draft,
    arena: Arena,
    /// Each (document, JSON pointer) is loaded once, so `$ref` cycles share nodes and end.
    located: HashMap<(usize, String), NodeId>,
    pending: Vec<PendingRef>,
}

/// Which instance types a `type` keyword already built, so keyword sniffing skips them.
#[derive(Default)]
struct Typed {
    object: bool,
    array: bool,
    number: bool,
    string: bool,
}

const ARRAY_KEYWORDS_07: &[&str] = &["items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains"];
const ARRAY_KEYWORDS_2020: &[&str] =
    &["items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains", "unevaluatedItems"];
const OBJECT_KEYWORDS_07: &[&str] = &[
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependencies",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
];
const OBJECT_KEYWORDS_2020: &[&str] = &[
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "unevaluatedProperties",
];
const NUMBER_KEYWORDS: &[&str] = &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
const STRING_KEYWORDS_07: &[&str] = &["minLength", "maxLength", "pattern", "format"];
// The registry's 2020-12 translation ignores `format`.
const STRING_KEYWORDS_2020: &[&str] = &["minLength", "maxLength", "pattern"];

impl<'d> Loader<'d> {
    fn invalid(&self, doc: usize, pointer: &str, message: impl Into<String>) -> JsonSchemaError {
        JsonSchemaError::Invalid {
            name: self.docs[doc].name.clone(),
            pointer: format!("#{pointer}"),
            message: message.into(),
        }
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.arena.nodes.push(node);
        self.arena.nodes.len() - 1
    }

    /// Stores a finished node, queueing its reference when it is a `$ref`.
    fn finish(&mut self, id: NodeId, node: Node, doc: usize, pointer: &str) {
        if let Kind::Ref { reference, target: None } = &node.kind {
            self.pending.push(PendingRef { node: id, doc, reference: reference.clone(), pointer: pointer.to_string() });
        }
        self.arena.nodes[id] = node;
    }

    fn add(&mut self, kind: Kind, doc: usize, pointer: &str) -> NodeId {
        let id = self.push(Node { meta: Meta::default(), kind: Kind::Empty { is_true: false } });
        self.finish(id, Node { meta: Meta::default(), kind }, doc, pointer);
        id
    }

    /// Loads the schema `value` found at `pointer` in document `doc`.
    fn node(&mut self, doc: usize, pointer: &str, value: &'d Value) -> Result<NodeId, JsonSchemaError> {
        if let Some(id) = self.located.get(&(doc, pointer.to_string())) {
            return Ok(*id);
        }
        let id = self.push(Node { meta: Meta::default(), kind: Kind::Empty { is_true: false } });
        self.located.insert((doc, pointer.to_string()), id);
        let node = match value {
            Value::Bool(true) => Node { meta: Meta::default(), kind: Kind::Empty { is_true: true } },
            Value::Bool(false) => Node { meta: Meta::default(), kind: Kind::False },
            Value::Object(map) => self.schema_object(doc, pointer, map)?,
            _ => return Err(self.invalid(doc, pointer, "a schema must be an object or a boolean")),
        };
        self.finish(id, node, doc, pointer);
        Ok(id)
    }

    fn child(&mut self, doc: usize, pointer: &str, segment: &str, value: &'d Value) -> Result<NodeId, JsonSchemaError> {
        let child = format!("{pointer}/{}", escape_pointer(segment));
        self.node(doc, &child, value)
    }

    fn meta(&self, map: &Map<String, Value>) -> Meta {
        let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_string);
        let id_key = if self.draft == Draft::Draft4 { "id" } else { "$id" };
        let default = match map.get("default") {
            // The 2020-12 translation turns a null default into "no default".
            Some(Value::Null) if self.draft.is_modern() => None,
            other => other.cloned(),
        };
        Meta { id: text(id_key), title: text("title"), description: text("description"), default }
    }

    /// One schema object: every keyword group becomes one part; several parts make a synthetic
    /// `allOf`, as the registry's loaders do.
    fn schema_object(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &'d Map<String, Value>,
    ) -> Result<Node, JsonSchemaError> {
        let mut meta = self.meta(map);
        let modern = self.draft.is_modern();
        if modern && doc == 0 && pointer.is_empty() {
            // The 2020-12 loader takes the root $id as the base URI, not as an annotation.
            meta.id = None;
        }
        let mut parts: Vec<Kind> = Vec::new();
        if let Some(reference) = map.get("$ref") {
            let Some(reference) = reference.as_str() else {
                return Err(self.invalid(doc, pointer, "$ref must be a string"));
            };
            let kind = Kind::Ref { reference: reference.to_string(), target: None };
            if !modern {
                // Before 2019-09 a $ref hides its sibling keywords.
                return Ok(Node { meta, kind });
            }
            parts.push(kind);
        }
        if let Some(values) = map.get("enum") {
            let Some(values) = values.as_array() else {
                return Err(self.invalid(doc, pointer, "enum must be an array"));
            };
            parts.push(Kind::Enum(values.clone()));
        }
        for criterion in [Criterion::AllOf, Criterion::AnyOf, Criterion::OneOf] {
            if let Some(subs) = map.get(criterion.keyword()) {
                parts.push(self.combined(doc, pointer, criterion, subs)?);
            }
        }
        if let Some(not) = map.get("not") {
            parts.push(Kind::Not(self.child(doc, pointer, "not", not)?));
        }
        if let Some(value) = map.get("const") {
            parts.push(Kind::Const(value.clone()));
        }
        let mut typed = Typed::default();
        if let Some(types) = map.get("type") {
            parts.push(self.typed(doc, pointer, map, types, &mut typed)?);
        }
        self.sniff(doc, pointer, map, &typed, &mut parts)?;
        if self.draft != Draft::Draft4 && self.draft != Draft::Draft6 {
            let branch = |k: &'static str| map.get(k).map(|v| (k, v));
            let (i, t, e) = (branch("if"), branch("then"), branch("else"));
            if i.is_some() || t.is_some() || e.is_some() {
                let mut load = |b: Option<(&'static str, &'d Value)>| -> Result<Option<NodeId>, JsonSchemaError> {
                    b.map(|(k, v)| self.child(doc, pointer, k, v)).transpose()
                };
                let (if_, then_, else_) = (load(i)?, load(t)?, load(e)?);
                parts.push(Kind::Conditional { if_, then_, else_ });
            }
        }
        let kind = match parts.len() {
            0 => Kind::Empty { is_true: false },
            1 => parts.pop().unwrap_or(Kind::Empty { is_true: false }),
            _ => {
                let subschemas = parts.into_iter().map(|k| self.add(k, doc, pointer)).collect();
                Kind::Combined { criterion: Criterion::AllOf, subschemas, generated: true }
            }
        };
        Ok(Node { meta, kind })
    }

    fn combined(
        &mut self,
        doc: usize,
        pointer: &str,
        criterion: Criterion,
        subs: &'d Value,
    ) -> Result<Kind, JsonSchemaError> {
        let Some(items) = subs.as_array() else {
            return Err(self.invalid(doc, pointer, format!("{} must be an array", criterion.keyword())));
        };
        let base = format!("{pointer}/{}", criterion.keyword());
        let mut subschemas = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let id = self.node(doc, &format!("{base}/{i}"), item)?;
            // The 2020-12 translation splices a subschema that is itself a synthetic allOf
            // (say `{"type": "string", "enum": [...]}`) into the enclosing combination.
            match &self.arena.get(id).kind {
                Kind::Combined { criterion: Criterion::AllOf, subschemas: inner, generated: true }
                    if self.draft.is_modern() =>
                {
                    subschemas.extend(inner.iter().copied())
                }
                _ => subschemas.push(id),
            }
        }
        Ok(Kind::Combined { criterion, subschemas, generated: false })
    }

    /// The part built from `type`: one typed schema, or an `anyOf` for a list of types.
    fn typed(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &'d Map<String, Value>,
        types: &'d Value,
        typed: &mut Typed,
    ) -> Result<Kind, JsonSchemaError> {
        match types {
            Value::String(name) => self.one_type(doc, pointer, map, name, typed),
            Value::Array(names) => {
                let mut subschemas = Vec::with_capacity(names.len());
                for name in names {
                    let Some(name) = name.as_str() else {
                        return Err(self.invalid(doc, pointer, "type must name types"));
                    };
                    let kind = self.one_type(doc, pointer, map, name, typed)?;
                    subschemas.push(self.add(kind, doc, pointer));
                }
                Ok(Kind::Combined { criterion: Criterion::AnyOf, subschemas, generated: true })
            }
            _ => Err(self.invalid(doc, pointer, "type must be a string or an array")),
        }
    }

    fn one_type(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &'d Map<String, Value>,
        name: &str,
        typed: &mut Typed,
    ) -> Result<Kind, JsonSchemaError> {
        Ok(match name {
            "string" => {
                typed.string = true;
                Kind::String(self.string_kind(doc, pointer, map)?)
            }
            "integer" | "number" => {
                typed.number = true;
                let mut number = self.number_kind(doc, pointer, map)?;
                number.requires_integer = name == "integer";
                Kind::Number(number)
            }
            "object" => {
                typed.object = true;
                Kind::Object(Box::new(self.object_kind(doc, pointer, map)?))
            }
            "array" => {
                typed.array = true;
                Kind::Array(Box::new(self.array_kind(doc, pointer, map)?))
            }
            "boolean" => Kind::Boolean,
            "null" => Kind::Null,
            other => return Err(self.invalid(doc, pointer, format!("unknown type '{other}'"))),
        })
    }

    /// Keyword groups of types that `type` did not name still constrain values of that type.
    fn sniff(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &'d Map<String, Value>,
        typed: &Typed,
        parts: &mut Vec<Kind>,
    ) -> Result<(), JsonSchemaError> {
        let modern = self.draft.is_modern();
        let has = |keys: &[&str]| {
            keys.iter().any(|k| match map.get(*k) {
                None => false,
                // The 2020-12 translation builds nothing from an empty keyword map.
                Some(Value::Object(m)) if modern && (*k == "properties" || *k == "patternProperties") => !m.is_empty(),
                Some(_) => true,
            })
        };
        let (arrays, objects, strings) = if modern {
            (ARRAY_KEYWORDS_2020, OBJECT_KEYWORDS_2020, STRING_KEYWORDS_2020)
        } else {
            (ARRAY_KEYWORDS_07, OBJECT_KEYWORDS_07, STRING_KEYWORDS_07)
        };
        if !typed.array && has(arrays) {
            parts.push(Kind::Array(Box::new(self.array_kind(doc, pointer, map)?)));
        }
        if !typed.object && has(objects) {
            parts.push(Kind::Object(Box::new(self.object_kind(doc, pointer, map)?)));
        }
        if !typed.number && has(NUMBER_KEYWORDS) {
            parts.push(Kind::Number(self.number_kind(doc, pointer, map)?));
        }
        if !typed.string && has(strings) {
            parts.push(Kind::String(self.string_kind(doc, pointer, map)?));
        }
        Ok(())
    }

    /// Loads every `$ref` target, including targets reached only through other targets.
    fn resolve_pending(&mut self) -> Result<(), JsonSchemaError> {
        while let Some(pending) = self.pending.pop() {
            let unresolved = || JsonSchemaError::UnresolvedReference {
                name: self.docs[pending.doc].name.clone(),
                pointer: format!("#{}", pending.pointer),
                reference: pending.reference.clone(),
            };
            let Some((doc, pointer)) = self.resolver.resolve(self.docs, pending.doc, &pending.reference) else {
                return Err(unresolved());
            };
            let Some(value) = self.docs[doc].value.pointer(&pointer) else {
                return Err(unresolved());
            };
            let target = self.node(doc, &pointer, value)?;
            if let Kind::Ref { target: slot, .. } = &mut self.arena.nodes[pending.node].kind {
                *slot = Some(target);
            }
        }
        Ok(())
    }
}

/// Escapes one JSON pointer segment.
pub(crate) fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
