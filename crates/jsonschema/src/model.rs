//! The typed schema graph the comparison works on. It mirrors the shape the Schema Registry
//! compares (the everit object model): one node per schema "class", keyword groups folded into
//! the node of their instance type, and a synthetic `allOf` when a schema constrains several.

use serde_json::{Number, Value};

/// Index of a node in its [`Arena`].
pub(crate) type NodeId = usize;

/// All nodes of one parsed schema (its root document and its named references).
#[derive(Debug, Clone, Default)]
pub(crate) struct Arena {
    pub nodes: Vec<Node>,
    /// Read as 2019-09/2020-12 (the registry's json-sKema translation), not with everit.
    pub modern: bool,
}

impl Arena {
    pub fn get(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }
}

/// Annotations every schema can carry; compared by every schema class.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Meta {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// The `default` value when the registry counts it as present.
    pub default: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub meta: Meta,
    pub kind: Kind,
}

/// The schema classes the registry distinguishes; two nodes of different kinds are a type change.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// `{}` or `true` (`true` is the registry's TrueSchema, a kind of empty schema).
    Empty {
        is_true: bool,
    },
    False,
    Null,
    Boolean,
    String(StringKind),
    Number(NumberKind),
    Object(Box<ObjectKind>),
    Array(Box<ArrayKind>),
    Enum(Vec<Value>),
    Const(Value),
    Combined {
        criterion: Criterion,
        subschemas: Vec<NodeId>,
        generated: bool,
    },
    Not(NodeId),
    /// A `$ref`; `target` is filled once references are resolved.
    Ref {
        reference: String,
        target: Option<NodeId>,
    },
    Conditional {
        if_: Option<NodeId>,
        then_: Option<NodeId>,
        else_: Option<NodeId>,
    },
}

impl Kind {
    /// The name of the schema class, used for "same class" tests and messages.
    pub fn class(&self) -> &'static str {
        match self {
            Kind::Empty { is_true: false } => "empty",
            Kind::Empty { is_true: true } => "true",
            Kind::False => "false",
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::String(_) => "string",
            Kind::Number(_) => "number",
            Kind::Object(_) => "object",
            Kind::Array(_) => "array",
            Kind::Enum(_) => "enum",
            Kind::Const(_) => "const",
            Kind::Combined { .. } => "combined",
            Kind::Not(_) => "not",
            Kind::Ref { .. } => "reference",
            Kind::Conditional { .. } => "conditional",
        }
    }

    /// `{}` and `true` both count as the empty schema.
    pub fn is_empty_schema(&self) -> bool {
        matches!(self, Kind::Empty { .. })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // the keywords' own names
pub(crate) enum Criterion {
    AllOf,
    AnyOf,
    OneOf,
}

impl Criterion {
    pub fn keyword(self) -> &'static str {
        match self {
            Criterion::AllOf => "allOf",
            Criterion::AnyOf => "anyOf",
            Criterion::OneOf => "oneOf",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct StringKind {
    pub min_length: Option<i64>,
    pub max_length: Option<i64>,
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NumberKind {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub multiple_of: Option<Number>,
    pub requires_integer: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObjectKind {
    /// Sorted by name (the registry's own order is a hash order).
    pub properties: Vec<(String, NodeId)>,
    pub pattern_properties: Vec<(String, NodeId)>,
    pub required: Vec<String>,
    /// `additionalProperties: false` makes this false.
    pub permits_additional: bool,
    /// `additionalProperties` given as a schema (an empty schema `{}` counts).
    pub additional_schema: Option<NodeId>,
    pub min_properties: Option<i64>,
    pub max_properties: Option<i64>,
    pub property_dependencies: Vec<(String, Vec<String>)>,
    pub schema_dependencies: Vec<(String, NodeId)>,
    /// 2020-12 `unevaluatedProperties`.
    pub unevaluated: Option<NodeId>,
}

impl Default for ObjectKind {
    fn default() -> Self {
        ObjectKind {
            properties: vec![],
            pattern_properties: vec![],
            required: vec![],
            permits_additional: true,
            additional_schema: None,
            min_properties: None,
            max_properties: None,
            property_dependencies: vec![],
            schema_dependencies: vec![],
            unevaluated: None,
        }
    }
}

impl ObjectKind {
    pub fn property(&self, name: &str) -> Option<NodeId> {
        self.properties.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArrayKind {
    /// `items` as one schema for every item.
    pub all_items: Option<NodeId>,
    /// Positional item schemas (`items` array in draft-07, `prefixItems` in 2020-12).
    pub item_schemas: Vec<NodeId>,
    pub permits_additional: bool,
    pub additional_schema: Option<NodeId>,
    pub min_items: Option<i64>,
    pub max_items: Option<i64>,
    pub unique_items: bool,
    pub min_contains: Option<f64>,
    pub max_contains: Option<f64>,
    /// 2020-12 `unevaluatedItems`.
    pub unevaluated: Option<NodeId>,
}

impl Default for ArrayKind {
    fn default() -> Self {
        ArrayKind {
            all_items: None,
            item_schemas: vec![],
            permits_additional: true,
            additional_schema: None,
            min_items: None,
            max_items: None,
            unique_items: false,
            min_contains: None,
            max_contains: None,
            unevaluated: None,
        }
    }
}
