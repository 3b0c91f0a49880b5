//! The normalized OpenAPI model: 3.0 and 3.1 read into one form (nullable and type arrays,
//! boolean and numeric exclusive bounds), schemas in an arena so that cycles are plain ids.

use std::collections::BTreeMap;

use crate::yaml::Pos;

/// Index of a schema in `Spec::schemas`.
pub type SchemaId = usize;

/// Where an element is: file index in `Spec::files`, and position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loc {
    pub file: usize,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Discriminator {
    pub property_name: String,
    pub mapping: BTreeMap<String, String>,
}

/// `additionalProperties`, `unevaluatedProperties` and friends: a boolean or a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOrSchema {
    Bool(bool),
    Schema(SchemaId),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    pub loc: Loc,
    /// The component name when the schema was reached through `$ref` to components.
    pub ref_name: Option<String>,
    /// For a schema that more than one place may use (a component, any `$ref` target): how to
    /// name it in messages. The diff compares a pair of shared schemas once and reports changes
    /// in it once, with the operations that reach it.
    pub shared: Option<String>,
    /// The `title` annotation (oasdiff pairs inline `oneOf`/`anyOf`/`allOf` branches by it).
    pub title: Option<String>,
    /// Declared types without "null", sorted; empty means any.
    pub types: Vec<String>,
    /// The `type` keyword as written (in order, "null" included); empty when absent.
    pub declared_types: Vec<String>,
    /// oasdiff's "list of types" pattern, for a schema without `type`: the types of its `oneOf`
    /// branches (else of its `anyOf` branches) when every branch names exactly one type (the
    /// first of a `type` list is not enough: exactly one) and has no properties or compositions
    /// of its own; in order, "null" included.
    pub list_types: Option<Vec<String>>,
    /// The types come from a `oneOf`/`anyOf` whose branches only name types (the
    /// "list of types" pattern), not from `type`.
    pub union_types: bool,
    pub nullable: bool,
    pub format: Option<String>,
    /// Canonical texts of enum values.
    pub enum_values: Option<Vec<String>>,
    pub const_value: Option<String>,
    pub default: Option<String>,
    pub properties: Vec<(String, SchemaId)>,
    pub required: Vec<String>,
    pub items: Option<SchemaId>,
    pub prefix_items: Vec<SchemaId>,
    pub additional_properties: Option<BoolOrSchema>,
    pub all_of: Vec<SchemaId>,
    pub any_of: Vec<SchemaId>,
    pub one_of: Vec<SchemaId>,
    pub not: Option<SchemaId>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub pattern: Option<String>,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    pub discriminator: Option<Discriminator>,
    pub contains: Option<SchemaId>,
    pub min_contains: Option<u64>,
    pub max_contains: Option<u64>,
    pub if_schema: Option<SchemaId>,
    pub then_schema: Option<SchemaId>,
    pub else_schema: Option<SchemaId>,
    pub dependent_required: BTreeMap<String, Vec<String>>,
    pub dependent_schemas: BTreeMap<String, SchemaId>,
    pub pattern_properties: BTreeMap<String, SchemaId>,
    pub property_names: Option<SchemaId>,
    pub unevaluated_items: Option<BoolOrSchema>,
    pub unevaluated_properties: Option<BoolOrSchema>,
    pub content_media_type: Option<String>,
    pub content_encoding: Option<String>,
    pub content_schema: Option<SchemaId>,
    pub extensible_enum: Option<Vec<String>>,
    pub stability: Option<String>,
    pub sunset: Option<String>,
    /// The keywords the model does not read (`multipleOf`, `uniqueItems`, `xml`, extensions,
    /// `$defs`, ...) with their canonical values, sorted; annotations (title, description,
    /// examples, `$comment`, externalDocs) are left out. They are not compared one by one, but
    /// two schemas that differ in them do not validate alike.
    pub other_keywords: Vec<(String, String)>,
    /// For a bare `oneOf: [{type: "null"}, X]` (nothing else but annotations, on the wrapper and
    /// on the null branch): the branch X. Whether it makes X nullable depends on what it is
    /// compared with (see `diff::schema::wraps`).
    pub null_wrap: Option<SchemaId>,
}

impl Schema {
    pub fn property(&self, name: &str) -> Option<SchemaId> {
        self.properties.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MediaType {
    pub schema: Option<SchemaId>,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parameter {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub deprecated: bool,
    pub schema: Option<SchemaId>,
    pub loc: Loc,
    pub sunset: Option<String>,
    pub stability: Option<String>,
    /// Declared on the path item rather than the operation.
    pub from_path_item: bool,
    /// Whether the value travels in form style with `explode` (the default for query and cookie
    /// parameters), where a single value is also a one-element array.
    pub form_explode: bool,
    /// The serialization style, as written or the default of the location (`form` for query
    /// and cookie, `simple` for path and header).
    pub style: String,
    /// `explode`, as written or the default of the style (true for `form`).
    pub explode: bool,
}

impl Parameter {
    /// Key used to match parameters across versions: location and name (header names are
    /// case-insensitive; path parameters match by position, so renaming one is not a change).
    pub fn key(&self, path_params: &[String]) -> String {
        match self.location.as_str() {
            "path" => match path_params.iter().position(|p| *p == self.name) {
                Some(i) => format!("path#{i}"),
                None => format!("path:{}", self.name),
            },
            "header" => format!("header:{}", self.name.to_ascii_lowercase()),
            other => format!("{other}:{}", self.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequestBody {
    pub required: bool,
    pub content: BTreeMap<String, MediaType>,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Header {
    pub required: bool,
    pub deprecated: bool,
    pub schema: Option<SchemaId>,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Response {
    pub content: BTreeMap<String, MediaType>,
    pub headers: BTreeMap<String, Header>,
    pub loc: Loc,
}

/// One security requirement: scheme name -> scopes.
pub type SecurityRequirement = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Operation {
    pub method: String,
    /// The path as written.
    pub path: String,
    pub loc: Loc,
    pub operation_id: Option<String>,
    /// `summary` (else the first line of `description`), for documentation.
    pub summary: Option<String>,
    pub deprecated: bool,
    pub tags: Vec<String>,
    pub stability: Option<String>,
    pub sunset: Option<String>,
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    pub responses: BTreeMap<String, Response>,
    pub security: Option<Vec<SecurityRequirement>>,
    /// The operation's `servers` (else its path item's), with variables at their defaults;
    /// empty when neither has any (the document's apply).
    pub servers: Vec<String>,
}

/// An OAuth2 flow: authorization URL, token URL, scopes (name -> description).
pub type OAuthFlow = (Option<String>, Option<String>, BTreeMap<String, String>);

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SecurityScheme {
    pub kind: String,
    pub loc: Loc,
    /// `http` schemes: the scheme (`bearer`, `basic`, ...), lowercased.
    pub scheme: Option<String>,
    /// `apiKey` schemes: where the key travels (`header`, `query`, `cookie`).
    pub location: Option<String>,
    /// `apiKey` schemes: the header, query parameter or cookie name.
    pub param_name: Option<String>,
    /// OAuth2: flow name -> (authorizationUrl, tokenUrl, scopes -> description).
    pub flows: BTreeMap<String, OAuthFlow>,
}

/// A loaded, normalized OpenAPI document set.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    /// Display paths of the files that were read (the main document first).
    pub files: Vec<String>,
    pub openapi_version: String,
    pub info_version: Option<String>,
    /// `info.title`.
    pub title: Option<String>,
    /// The URLs of the top-level `servers`, in order, with server variables replaced by their
    /// defaults.
    pub servers: Vec<String>,
    pub schemas: Vec<Schema>,
    pub operations: Vec<Operation>,
    /// Path templates as written, with the location of the path item.
    pub paths: BTreeMap<String, Loc>,
    pub security: Vec<SecurityRequirement>,
    pub security_schemes: BTreeMap<String, SecurityScheme>,
    pub tags: BTreeMap<String, Loc>,
    pub webhooks: BTreeMap<String, Loc>,
    /// Operations of webhooks (3.1), with `webhook:NAME` as path (as oasdiff names them).
    pub webhook_operations: Vec<Operation>,
    pub component_schemas: BTreeMap<String, SchemaId>,
    pub root_loc: Loc,
}

impl Spec {
    pub fn schema(&self, id: SchemaId) -> &Schema {
        &self.schemas[id]
    }
}

/// `/orders/{orderId}/items` -> `/orders/{}/items`: how endpoints are matched.
pub fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push_str("{}");
                }
                depth += 1;
            }
            '}' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    let trimmed = out.trim_end_matches('/');
    if trimmed.is_empty() { "/".to_string() } else { trimmed.to_string() }
}

/// Names of the `{params}` of a path template, in order.
pub fn path_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_path_parameters_match() {
        assert_eq!(normalize_path("/orders/{id}"), normalize_path("/orders/{orderId}"));
        assert_eq!(path_params("/a/{x}/b/{y}"), ["x", "y"]);
    }
}
