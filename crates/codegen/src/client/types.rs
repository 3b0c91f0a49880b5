//! JSON Schemas of the OpenAPI model mapped to Rust types: objects to structs, string enums to
//! enums, `oneOf` with a discriminator to a tagged union, other `oneOf`/`anyOf` to untagged
//! enums, `allOf` of objects to one merged struct, nullable to `Option`, `additionalProperties`
//! to maps. What only approximates the schema is a [`Warning`] at the schema's location.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use schemagate_openapi::Spec;
use schemagate_openapi::model::{BoolOrSchema, Loc, Schema, SchemaId};

use super::Warning;
pub(crate) use super::names::parse_type;
use super::names::{field_name, variant_name};
use crate::GenError;
use crate::naming;

/// Type names the generated code uses unqualified (prelude, std, serde).
const RESERVED: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Self",
    "Value",
    "BTreeMap",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Serialize",
    "Deserialize",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "From",
    "Into",
    "Client",
    "Credential",
    "RetryPolicy",
    "Request",
];

/// The Rust types of the schemas reached so far, and their definitions (`src/types.rs`).
pub(crate) struct Types<'s> {
    spec: &'s Spec,
    /// A schema's type expression once decided (a named type's name is set before its fields
    /// are visited, so that cycles end).
    memo: HashMap<SchemaId, String>,
    /// Named types whose definition is being built (a direct reference to one is boxed).
    building: BTreeSet<String>,
    /// Schemas whose unnamed type (an alias) is being built: reaching one again is a cycle.
    aliasing: BTreeSet<SchemaId>,
    names: BTreeSet<String>,
    defs: Vec<TokenStream>,
    /// Component aliases (`Coordinate` → `i64`).
    aliases: HashMap<String, String>,
    pub(crate) warnings: Vec<Warning>,
}

/// A type expression and whether its schema allows `null`.
pub(crate) struct Ty {
    pub text: String,
    pub nullable: bool,
}

impl Ty {
    /// The type, in `Option` when nullable.
    pub(crate) fn maybe(self) -> String {
        if self.nullable { format!("Option<{}>", self.text) } else { self.text }
    }
}

impl<'s> Types<'s> {
    pub(crate) fn new(spec: &'s Spec) -> Types<'s> {
        Types {
            spec,
            memo: HashMap::new(),
            building: BTreeSet::new(),
            aliasing: BTreeSet::new(),
            names: BTreeSet::new(),
            defs: Vec::new(),
            aliases: HashMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Every component schema, in name order (each becomes a named type or alias).
    pub(crate) fn components(&mut self) -> Result<(), GenError> {
        for (name, id) in &self.spec.component_schemas {
            self.named(*id, &naming::camel(name))?;
        }
        Ok(())
    }

    pub(crate) fn warn(&mut self, loc: Loc, message: impl Into<String>) {
        self.warnings.push(Warning::at(self.spec, loc, message));
    }

    pub(crate) fn error(&self, loc: Loc, message: impl Into<String>) -> GenError {
        super::error_at(self.spec, loc, message)
    }

    /// A fresh type name based on `hint` (`Pet`, `Pet2`, ...).
    pub(crate) fn fresh_name(&mut self, hint: &str) -> String {
        let mut base = naming::camel(hint);
        if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            base = format!("Type{base}");
        }
        if RESERVED.contains(&base.as_str()) {
            base.push_str("Schema");
        }
        let mut name = base.clone();
        let mut n = 2;
        while self.names.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.names.insert(name.clone());
        name
    }

    /// The type of schema `id`, nullability apart; `hint` names it when it needs a name.
    pub(crate) fn type_of(&mut self, id: SchemaId, hint: &str) -> Result<Ty, GenError> {
        self.type_in(id, hint, false)
    }

    /// `direct`: the type is held by value in a struct field (a reference to a type being
    /// built must then be boxed).
    fn type_in(&mut self, id: SchemaId, hint: &str, direct: bool) -> Result<Ty, GenError> {
        let s = self.spec.schema(id);
        let nullable = s.nullable;
        if let Some(inner) = s.null_wrap {
            let ty = self.type_in(inner, hint, direct)?;
            return Ok(Ty { text: ty.text, nullable: true });
        }
        // A `$ref` with siblings (3.1) is a copy of its component: use the component's type.
        if let Some(name) = &s.ref_name
            && let Some(&component) = self.spec.component_schemas.get(name)
            && component != id
        {
            let ty = self.type_in(component, hint, direct)?;
            return Ok(Ty { text: ty.text, nullable: ty.nullable || nullable });
        }
        if let Some(text) = self.memo.get(&id) {
            let text = if direct && self.building.contains(text) { format!("Box<{text}>") } else { text.clone() };
            return Ok(Ty { text, nullable });
        }
        let hint = match &s.ref_name {
            Some(name) if !name.contains('/') => naming::camel(name),
            _ => hint.to_string(),
        };
        let text = self.named(id, &hint)?;
        let text = if direct && self.building.contains(&text) { format!("Box<{text}>") } else { text };
        Ok(Ty { text, nullable })
    }

    /// Decides (and defines, when it needs a definition) the type of `id`, named `name` when
    /// it is a struct, enum or alias.
    fn named(&mut self, id: SchemaId, name: &str) -> Result<String, GenError> {
        if let Some(text) = self.memo.get(&id) {
            return Ok(text.clone());
        }
        let s = self.spec.schema(id).clone();
        if let Some(inner) = s.null_wrap {
            return self.type_in(inner, name, false).map(|t| t.text);
        }
        if s.not.is_some() {
            self.warn(s.loc, "`not` is not expressed in the generated type (values it excludes are accepted)");
        }
        if !s.all_of.is_empty() {
            return self.all_of(id, &s, name);
        }
        if !s.one_of.is_empty() || !s.any_of.is_empty() {
            return self.union(id, &s, name);
        }
        if self.is_string_enum(&s) {
            return self.string_enum(id, &s, name);
        }
        if s.types.len() > 1 {
            return self.type_union(id, &s, name);
        }
        let kind = s.types.first().map(String::as_str);
        match kind {
            Some("object") | None if !s.properties.is_empty() => self.object(id, &[id], name),
            Some("object") | None if s.additional_properties.is_some() || kind.is_some() => {
                let value = self.map_value(&s, name)?;
                self.alias(id, name, &format!("std::collections::BTreeMap<String, {value}>"))
            }
            None => {
                if !s.pattern_properties.is_empty() {
                    self.warn(s.loc, "`patternProperties` without `properties`: mapped to serde_json::Value");
                }
                self.alias(id, name, "serde_json::Value")
            }
            Some("array") => {
                if !s.prefix_items.is_empty() {
                    self.warn(s.loc, "`prefixItems` (a tuple) is mapped to a list of serde_json::Value");
                    return self.alias(id, name, "Vec<serde_json::Value>");
                }
                if self.aliasing.contains(&id) {
                    self.warn(s.loc, "an array that contains itself is mapped to serde_json::Value");
                    return Ok("serde_json::Value".into());
                }
                self.aliasing.insert(id);
                let item = match s.items {
                    Some(items) => self.type_in(items, &format!("{name}Item"), false)?.maybe(),
                    None => "serde_json::Value".to_string(),
                };
                self.aliasing.remove(&id);
                self.alias(id, name, &format!("Vec<{item}>"))
            }
            Some("string") => self.alias(id, name, "String"),
            Some("boolean") => self.alias(id, name, "bool"),
            Some("integer") => {
                let text = match s.format.as_deref() {
                    Some("int32") => "i32",
                    Some("uint32") => "u32",
                    Some("uint64") => "u64",
                    _ => "i64",
                };
                self.alias(id, name, text)
            }
            Some("number") => self.alias(id, name, if s.format.as_deref() == Some("float") { "f32" } else { "f64" }),
            Some(other) => Err(self.error(
                s.loc,
                format!("`type: {other}` is not a JSON Schema type; this schema cannot map to a Rust type"),
            )),
        }
    }

    fn is_string_enum(&self, s: &Schema) -> bool {
        let Some(values) = &s.enum_values else { return false };
        let strings = values.iter().filter(|v| v.as_str() != "null").all(|v| v.starts_with('"'));
        strings && values.iter().any(|v| v != "null") && (s.types.is_empty() || s.types == ["string"])
    }

    /// A component becomes `pub type Name = T;`; an inline schema is just `T`.
    fn alias(&mut self, id: SchemaId, name: &str, text: &str) -> Result<String, GenError> {
        let component = self.spec.component_schemas.get(self.spec.schema(id).ref_name.as_deref().unwrap_or(""));
        if component != Some(&id) {
            self.memo.insert(id, text.to_string());
            return Ok(text.to_string());
        }
        let ident = self.fresh_name(name);
        let ty = parse_type(text)?;
        let name_ident = format_ident!("{}", ident);
        self.defs.push(quote! { pub type #name_ident = #ty; });
        self.aliases.insert(ident.clone(), text.to_string());
        self.memo.insert(id, ident.clone());
        Ok(ident)
    }

    fn map_value(&mut self, s: &Schema, name: &str) -> Result<String, GenError> {
        self.extra_value(s.additional_properties, name)
    }

    /// The value type of a map from `additionalProperties` (any JSON value unless a schema).
    fn extra_value(&mut self, extra: Option<BoolOrSchema>, name: &str) -> Result<String, GenError> {
        Ok(match extra {
            Some(BoolOrSchema::Schema(v)) => self.type_in(v, &format!("{name}Value"), false)?.maybe(),
            _ => "serde_json::Value".to_string(),
        })
    }

    /// A struct of the properties of `parts` (one schema, or the branches of an `allOf`).
    fn object(&mut self, id: SchemaId, parts: &[SchemaId], name: &str) -> Result<String, GenError> {
        let ident = self.fresh_name(name);
        self.memo.insert(id, ident.clone());
        self.building.insert(ident.clone());
        let mut properties: Vec<(String, SchemaId)> = Vec::new();
        let mut required: BTreeSet<String> = BTreeSet::new();
        let mut extra: Option<BoolOrSchema> = None;
        for part in parts {
            let p = self.spec.schema(*part);
            for (prop, pid) in &p.properties {
                match properties.iter_mut().find(|(n, _)| n == prop) {
                    Some(existing) => existing.1 = *pid,
                    None => properties.push((prop.clone(), *pid)),
                }
            }
            required.extend(p.required.iter().cloned());
            if let Some(a) = p.additional_properties {
                extra = Some(a);
            }
        }
        let mut fields = Vec::new();
        let mut used = BTreeSet::new();
        for (prop, pid) in &properties {
            let field = field_name(prop, &mut used);
            let field_ident = naming::ident(&field).map_err(|e| self.error(self.spec.schema(*pid).loc, e))?;
            let ty = self.type_in(*pid, &format!("{ident}{}", naming::camel(prop)), true)?;
            // One type serves requests and responses: a readOnly property is absent from
            // requests, a writeOnly one from responses, so either is optional whatever `required`
            // says.
            let prop_schema = self.spec.schema(*pid);
            let optional = !required.contains(prop) || prop_schema.read_only || prop_schema.write_only;
            let text = if ty.nullable || optional { format!("Option<{}>", ty.text) } else { ty.text };
            let ty = parse_type(&text)?;
            let rename = (field.trim_start_matches("r#") != prop).then(|| quote!(#[serde(rename = #prop)]));
            let skip = optional.then(|| quote!(#[serde(default, skip_serializing_if = "Option::is_none")]));
            fields.push(quote! { #rename #skip pub #field_ident: #ty, });
        }
        let extra = self.spec.schema(id).additional_properties.or(extra);
        if let Some(BoolOrSchema::Schema(_) | BoolOrSchema::Bool(true)) = extra {
            let value = self.extra_value(extra, &ident)?;
            let name = field_name("additional_properties", &mut used);
            let field_ident = naming::ident(&name).map_err(GenError::Input)?;
            let ty = parse_type(&format!("std::collections::BTreeMap<String, {value}>"))?;
            fields.push(quote! { #[serde(flatten)] pub #field_ident: #ty, });
        }
        let doc = super::doc(&format!("`{}` ({})", self.label(id, name), self.where_(id)));
        let name_ident = format_ident!("{}", ident);
        self.defs.push(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            pub struct #name_ident { #(#fields)* }
        });
        self.building.remove(&ident);
        Ok(ident)
    }

    fn all_of(&mut self, id: SchemaId, s: &Schema, name: &str) -> Result<String, GenError> {
        // A lone `allOf: [X]` (a reference with annotations, 3.0 style) is X.
        if s.all_of.len() == 1 && s.properties.is_empty() && s.additional_properties.is_none() {
            let ty = self.type_in(s.all_of[0], name, false)?;
            self.memo.insert(id, ty.text.clone());
            return Ok(ty.text);
        }
        let mut parts = vec![id];
        let mut stack = s.all_of.clone();
        while let Some(part) = stack.pop() {
            let p = self.spec.schema(part);
            let objectish = p.types.is_empty() || p.types == ["object"];
            if !objectish || !p.one_of.is_empty() || !p.any_of.is_empty() {
                self.warn(s.loc, "`allOf` of schemas that are not all objects is mapped to serde_json::Value");
                return self.alias(id, name, "serde_json::Value");
            }
            parts.push(part);
            stack.extend(p.all_of.iter().copied());
        }
        parts[1..].reverse();
        self.object(id, &parts, name)
    }

    fn string_enum(&mut self, id: SchemaId, s: &Schema, name: &str) -> Result<String, GenError> {
        let ident = self.fresh_name(name);
        self.memo.insert(id, ident.clone());
        let mut used = BTreeSet::new();
        let mut variants = Vec::new();
        for value in s.enum_values.iter().flatten().filter(|v| v.as_str() != "null") {
            let text: String = serde_json::from_str(value).unwrap_or_else(|_| value.clone());
            let variant = variant_name(&text, &mut used);
            let v = format_ident!("{}", variant);
            variants.push(quote! { #[serde(rename = #text)] #v, });
        }
        let doc = super::doc(&format!("`{}` ({})", self.label(id, name), self.where_(id)));
        let name_ident = format_ident!("{}", ident);
        self.defs.push(quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
            pub enum #name_ident { #(#variants)* }
        });
        Ok(ident)
    }

    /// A 3.1 type list (`type: [string, integer]`): an untagged enum of the types (exact:
    /// the JSON types do not overlap, integers are tried before numbers).
    fn type_union(&mut self, id: SchemaId, s: &Schema, name: &str) -> Result<String, GenError> {
        let ident = self.fresh_name(name);
        self.memo.insert(id, ident.clone());
        let order = ["boolean", "integer", "number", "string", "array", "object"];
        let mut variants = Vec::new();
        for kind in order.iter().filter(|k| s.types.iter().any(|t| t == *k)) {
            let (variant, text) = match *kind {
                "boolean" => ("Boolean", "bool".to_string()),
                "integer" => ("Integer", "i64".to_string()),
                "number" => ("Number", "f64".to_string()),
                "string" => ("String", "String".to_string()),
                "array" => {
                    let item = match s.items {
                        Some(items) => self.type_in(items, &format!("{ident}Item"), false)?.maybe(),
                        None => "serde_json::Value".to_string(),
                    };
                    ("Array", format!("Vec<{item}>"))
                }
                _ => ("Object", "std::collections::BTreeMap<String, serde_json::Value>".to_string()),
            };
            let v = format_ident!("{}", variant);
            let ty = parse_type(&text)?;
            variants.push(quote! { #v(#ty), });
        }
        let unknown = s.types.iter().find(|t| !order.contains(&t.as_str()));
        if let Some(t) = unknown {
            return Err(
                self.error(s.loc, format!("`{t}` is not a JSON Schema type; this schema cannot map to a Rust type"))
            );
        }
        let doc = super::doc(&format!("`{}` ({})", self.label(id, name), self.where_(id)));
        let name_ident = format_ident!("{}", ident);
        self.defs.push(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name_ident { #(#variants)* }
        });
        Ok(ident)
    }

    fn union(&mut self, id: SchemaId, s: &Schema, name: &str) -> Result<String, GenError> {
        let (branches, keyword) = if s.one_of.is_empty() { (&s.any_of, "anyOf") } else { (&s.one_of, "oneOf") };
        let ident = self.fresh_name(name);
        self.memo.insert(id, ident.clone());
        self.building.insert(ident.clone());
        if !s.properties.is_empty() {
            self.warn(
                s.loc,
                format!("properties beside `{keyword}` are not in the generated type (only its branches)"),
            );
        }
        let mut used = BTreeSet::new();
        let mut variants = Vec::new();
        let mut objects = 0;
        // Branches of different JSON types cannot both fit one value: the untagged enum is then
        // exact. Two object branches, or two of one primitive type, may both fit.
        let mut primitive_types = BTreeSet::new();
        let mut shared_primitive = false;
        for (i, branch) in branches.iter().enumerate() {
            let b = self.spec.schema(*branch);
            let hint = match &b.ref_name {
                Some(n) if !n.contains('/') => naming::camel(n),
                _ => format!("{ident}Variant{}", i + 1),
            };
            let objectish = b.types.is_empty() || b.types.iter().any(|t| t == "object");
            objects += usize::from(objectish);
            for t in b.types.iter().filter(|t| *t != "object") {
                let t = if t == "integer" { "number" } else { t.as_str() };
                shared_primitive |= !primitive_types.insert(t.to_string());
            }
            let ty = self.type_in(*branch, &hint, true)?;
            let variant_hint = match (&b.ref_name, b.types.as_slice()) {
                (Some(n), _) if !n.contains('/') => naming::camel(n),
                (_, [t]) => naming::camel(t),
                _ => format!("Variant{}", i + 1),
            };
            let variant = variant_name(&variant_hint, &mut used);
            variants.push((variant, ty.maybe(), b.ref_name.clone()));
        }
        let doc = super::doc(&format!("`{}` ({})", self.label(id, name), self.where_(id)));
        let name_ident = format_ident!("{}", ident);
        let arms: Vec<TokenStream> = variants
            .iter()
            .map(|(v, text, _)| {
                let v = format_ident!("{}", v);
                let ty = parse_type(text)?;
                Ok(quote! { #v(#ty), })
            })
            .collect::<Result<_, GenError>>()?;
        let tagged = s.discriminator.as_ref().filter(|d| !d.property_name.is_empty() && keyword == "oneOf");
        let all_named = variants.iter().all(|(_, _, r)| r.is_some());
        let definition = match tagged {
            Some(d) if all_named => {
                let property = &d.property_name;
                let mut matches = Vec::new();
                for (v, _, ref_name) in &variants {
                    let component = ref_name.clone().unwrap_or_default();
                    let mut tags: Vec<&String> = d
                        .mapping
                        .iter()
                        .filter(|(_, target)| target.rsplit('/').next() == Some(component.as_str()))
                        .map(|(tag, _)| tag)
                        .collect();
                    if tags.is_empty() {
                        tags.push(&component);
                    }
                    let v = format_ident!("{}", v);
                    matches.push(quote! {
                        #(#tags)|* => serde_json::from_value(value).map(#name_ident::#v).map_err(serde::de::Error::custom),
                    });
                }
                let unknown = format!("unknown `{property}` `{{other}}` for {ident}");
                quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq, serde::Serialize)]
                    #[serde(untagged)]
                    pub enum #name_ident { #(#arms)* }

                    impl<'de> serde::Deserialize<'de> for #name_ident {
                        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                            let value = serde_json::Value::deserialize(deserializer)?;
                            let tag = value.get(#property).and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
                            match tag.as_str() {
                                #(#matches)*
                                other => Err(serde::de::Error::custom(format!(#unknown))),
                            }
                        }
                    }
                }
            }
            _ => {
                if tagged.is_some() {
                    self.warn(s.loc, "a discriminator over inline branches is mapped to an untagged enum (the first branch that fits wins)");
                } else if objects > 1 || shared_primitive {
                    self.warn(
                        s.loc,
                        format!("`{keyword}` without a discriminator is mapped to an untagged enum (the first branch that fits wins)"),
                    );
                }
                quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                    #[serde(untagged)]
                    pub enum #name_ident { #(#arms)* }
                }
            }
        };
        self.defs.push(definition);
        self.building.remove(&ident);
        Ok(ident)
    }

    /// The type an alias stands for, through aliases (`Coordinate` → `i64`).
    pub(crate) fn resolve<'a>(&'a self, mut text: &'a str) -> &'a str {
        for _ in 0..16 {
            match self.aliases.get(text) {
                Some(target) => text = target,
                None => break,
            }
        }
        text
    }

    /// Whether any type was defined.
    pub(crate) fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    fn label(&self, id: SchemaId, name: &str) -> String {
        self.spec.schema(id).ref_name.clone().unwrap_or_else(|| name.to_string())
    }

    fn where_(&self, id: SchemaId) -> String {
        let loc = self.spec.schema(id).loc;
        let file = self.spec.files.get(loc.file).map(String::as_str).unwrap_or_default();
        let file = file.rsplit('/').next().unwrap_or(file);
        format!("{file}:{}", loc.pos.line)
    }

    /// `src/types.rs`.
    pub(crate) fn file(self) -> Result<String, GenError> {
        let defs = self.defs;
        super::render(quote! {
            //! The schemas of the API as Rust types.
            // Enum variants are named after the values and schemas they stand for, whatever they
            // share; response bodies and schema branches differ in size as the API made them.
            #![allow(clippy::enum_variant_names, clippy::large_enum_variant)]


            #(#defs)*
        })
    }
}
