//! `src/avro.rs`: serde types for the Avro schemas of the contracts, from apache-avro's parsed
//! `Schema` (as schemagate-contract loads it, references included). One module per namespace
//! segment (`acme.shipping.v1.ShipmentDispatched` is `avro::acme::shipping::v1::ShipmentDispatched`).
//!
//! Records become structs, enums enums (one unit variant per symbol, renamed to it), `[null, T]`
//! unions `Option<T>`, other unions enums with a variant per branch (in branch order, as
//! apache-avro's serde mapping wants), arrays `Vec`, maps `HashMap<String, _>`, `bytes` and
//! `decimal` `Vec<u8>` (through `apache_avro::serde::bytes`), `fixed` `[u8; N]`; logical types
//! keep their underlying type with a doc comment saying what it holds.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use apache_avro::Schema;
use apache_avro::schema::{InnerDecimalSchema, RecordSchema, UuidSchema};
use proc_macro2::TokenStream;
use quote::quote;
use schemagate_contract::schema::AvroSchema;
use schemagate_openapi::yaml::{Node, Value};

use super::project::Project;
use super::tokens;
use crate::{GenError, naming};

/// Type names that would shadow what generated code uses unqualified.
const RESERVED: &[&str] = &["String", "Option", "Vec", "Box", "Result"];

/// A generated named type.
struct Generated {
    /// Namespace modules.
    namespace: Vec<String>,
    item: TokenStream,
    /// The schema it was generated from (to tell a second, different definition).
    schema: Schema,
}

/// The schema text a named type is defined in, for positions.
#[derive(Clone)]
struct Origin {
    file: String,
    tree: Option<std::rc::Rc<Node>>,
}

#[derive(Default)]
pub(crate) struct AvroTypes {
    types: BTreeMap<String, Generated>,
    /// Rust names taken in each namespace module: name → full Avro name.
    taken: BTreeMap<Vec<String>, BTreeMap<String, String>>,
}

/// What a schema maps to in a field.
struct FieldType {
    ty: TokenStream,
    /// `#[serde(with = ...)]`, for bytes and fixed.
    with: Option<&'static str>,
    /// What the doc comment adds (logical types).
    note: Option<String>,
    /// Whether the Rust type implements `Default` (for `#[serde(default)]`).
    defaultable: bool,
}

impl FieldType {
    fn plain(ty: TokenStream) -> FieldType {
        FieldType { ty, with: None, note: None, defaultable: true }
    }

    fn named(ty: TokenStream, with: Option<&'static str>, note: Option<String>) -> FieldType {
        FieldType { ty, with, note, defaultable: false }
    }
}

/// Walking state: the file being read and the named types it can use.
struct Ctx<'a> {
    origin: Origin,
    named: &'a HashMap<String, (&'a Schema, Origin)>,
}

impl AvroTypes {
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    /// Generates the types of a loaded schema (and of the named types it references); answers
    /// the Rust path and the full name of its top-level record.
    pub fn add(&mut self, project: &Project, file: &str, schema: &AvroSchema) -> Result<(String, String), GenError> {
        let main = Origin { file: file.to_string(), tree: parse_tree(&schema.text) };
        let mut named: HashMap<String, (&Schema, Origin)> = HashMap::new();
        for (doc, s) in schema.references.docs.iter().zip(&schema.named) {
            let origin = Origin {
                file: crate::relative(&project.root, std::path::Path::new(&doc.origin)),
                tree: parse_tree(&doc.text),
            };
            collect_named(s, &origin, &mut named);
        }
        collect_named(&schema.schema, &main, &mut named);
        let ctx = Ctx { origin: main.clone(), named: &named };
        let Schema::Record(record) = &schema.schema else {
            return Err(GenError::at(
                file,
                1,
                1,
                "gen rust needs a record at the top of an Avro key or value schema (its Rust type implements Payload)",
            ));
        };
        let full = record.name.fullname(None);
        self.define(&schema.schema, &ctx)?;
        Ok((self.rust_path(&full, &[]), full))
    }

    /// The path of a named type from the module `from` (a bare name within the same module).
    fn rust_path(&self, full: &str, from: &[String]) -> String {
        let generated = &self.types[full];
        let name = rust_name(full);
        if generated.namespace == from {
            return name;
        }
        let mut parts = vec!["crate".to_string(), "avro".to_string()];
        parts.extend(generated.namespace.iter().cloned());
        parts.push(name);
        parts.join("::")
    }

    /// Generates a named type (once); answers its full name.
    fn define(&mut self, schema: &Schema, ctx: &Ctx<'_>) -> Result<String, GenError> {
        let (name, doc) = match schema {
            Schema::Record(r) => (&r.name, r.doc.clone()),
            Schema::Enum(e) => (&e.name, e.doc.clone()),
            Schema::Fixed(f) => (&f.name, f.doc.clone()),
            Schema::Decimal(d) => match &d.inner {
                InnerDecimalSchema::Fixed(f) => (&f.name, f.doc.clone()),
                InnerDecimalSchema::Bytes => unreachable!("bytes decimals are not named"),
            },
            Schema::Uuid(UuidSchema::Fixed(f)) | Schema::Duration(f) => (&f.name, f.doc.clone()),
            _ => unreachable!("only named types are defined"),
        };
        let full = name.fullname(None);
        let origin = ctx.named.get(&full).map(|(_, o)| o.clone()).unwrap_or_else(|| ctx.origin.clone());
        if let Some(existing) = self.types.get(&full) {
            if existing.schema == *schema {
                return Ok(full);
            }
            let (line, column) = locate_name(&origin, name.name());
            return Err(GenError::at(origin.file, line, column, format!("{full} is defined twice, differently")));
        }
        let at = |message: String| {
            let (line, column) = locate_name(&origin, name.name());
            GenError::at(origin.file.clone(), line, column, message)
        };
        let namespace = namespace_modules(name.namespace()).map_err(|why| at(format!("namespace of {full}: {why}")))?;
        let type_name = naming::camel(name.name());
        let type_ident =
            naming::ident(&type_name).map_err(|why| at(format!("type {full} has no usable Rust name: {why}")))?;
        if RESERVED.contains(&type_name.as_str()) {
            return Err(at(format!("type {full} would be the Rust type `{type_name}`, which shadows Rust's own")));
        }
        let taken = self.taken.entry(namespace.clone()).or_default();
        if let Some(other) = taken.get(&type_name)
            && *other != full
        {
            return Err(at(format!("{full} and {other} both become the Rust type `{type_name}`")));
        }
        taken.insert(type_name.clone(), full.clone());
        // Placeholder first: recursive types refer to themselves.
        self.types
            .insert(full.clone(), Generated { namespace: namespace.clone(), item: quote!(), schema: schema.clone() });
        let origin_ctx = Ctx { origin: origin.clone(), named: ctx.named };
        let mut extra = Vec::new();
        let docs = tokens::doc(&doc_text(doc.as_deref(), &format!("Avro `{full}`.")));
        let item = match schema {
            Schema::Record(record) => {
                self.record(record, &type_ident, &type_name, &namespace, &docs, &origin_ctx, &mut extra)?
            }
            Schema::Enum(e) => {
                let mut variants = Vec::new();
                let mut seen: BTreeMap<String, &str> = BTreeMap::new();
                for symbol in &e.symbols {
                    let variant = naming::camel(symbol);
                    let ident =
                        naming::ident(&variant).map_err(|why| at(format!("symbol {symbol} of {full}: {why}")))?;
                    if let Some(other) = seen.insert(variant.clone(), symbol) {
                        return Err(at(format!(
                            "symbols {other} and {symbol} of {full} both become the variant `{variant}`"
                        )));
                    }
                    let rename = (variant != *symbol).then(|| quote!(#[serde(rename = #symbol)]));
                    variants.push(quote! { #rename #ident, });
                }
                let default_doc = e.default.as_ref().map(|d| {
                    tokens::doc(&format!(
                        "\nReaders that do not know a writer's symbol read `{d}` (the schema's default)."
                    ))
                });
                quote! {
                    #docs
                    #default_doc
                    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
                    pub enum #type_ident { #(#variants)* }
                }
            }
            Schema::Fixed(f) | Schema::Uuid(UuidSchema::Fixed(f)) | Schema::Duration(f) => {
                let size = f.size;
                quote! {
                    #docs
                    pub type #type_ident = [u8; #size];
                }
            }
            Schema::Decimal(d) => {
                let InnerDecimalSchema::Fixed(f) = &d.inner else { unreachable!() };
                let size = f.size;
                let note = tokens::doc(&format!(
                    "\nA decimal (precision {}, scale {}): the unscaled value, two's complement, big-endian.",
                    d.precision, d.scale
                ));
                quote! {
                    #docs
                    #note
                    pub type #type_ident = [u8; #size];
                }
            }
            _ => unreachable!(),
        };
        let generated = self.types.get_mut(&full).expect("placeholder");
        generated.item = quote! { #item #(#extra)* };
        Ok(full)
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        record: &RecordSchema,
        ident: &syn::Ident,
        type_name: &str,
        namespace: &[String],
        docs: &TokenStream,
        ctx: &Ctx<'_>,
        extra: &mut Vec<TokenStream>,
    ) -> Result<TokenStream, GenError> {
        let full = record.name.fullname(None);
        let mut fields = Vec::new();
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for field in &record.fields {
            let at = |message: String| {
                let (line, column) = locate_name(&ctx.origin, &field.name);
                GenError::at(ctx.origin.file.clone(), line, column, message)
            };
            let snake = naming::snake(&field.name);
            let field_ident =
                naming::ident(&snake).map_err(|why| at(format!("field {} of {full}: {why}", field.name)))?;
            if let Some(other) = seen.insert(snake.clone(), &field.name) {
                return Err(at(format!(
                    "fields {other} and {} of {full} both become the Rust field `{snake}`",
                    field.name
                )));
            }
            let hint = format!("{type_name}{}", naming::camel(&field.name));
            let ft = self.field_type(&field.schema, &hint, namespace, ctx, extra, &at)?;
            let mut text = field.doc.as_deref().map(|d| tokens::schema_text(d.trim())).unwrap_or_default();
            if let Some(note) = &ft.note {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(note);
            }
            let mut serde = Vec::new();
            if snake != field.name {
                let name = &field.name;
                serde.push(quote!(rename = #name));
            }
            if let Some(with) = ft.with {
                serde.push(quote!(with = #with));
            }
            if let Some(default) = &field.default {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(&format!("Default in the schema: `{default}`."));
                if ft.defaultable && is_rust_default(default) {
                    serde.push(quote!(default));
                }
            }
            let docs = tokens::doc(&text);
            let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
            let ty = &ft.ty;
            fields.push(quote! { #docs #serde pub #field_ident: #ty, });
        }
        Ok(quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            pub struct #ident { #(#fields)* }
        })
    }

    /// The Rust type of a field's schema.
    fn field_type(
        &mut self,
        schema: &Schema,
        hint: &str,
        namespace: &[String],
        ctx: &Ctx<'_>,
        extra: &mut Vec<TokenStream>,
        at: &dyn Fn(String) -> GenError,
    ) -> Result<FieldType, GenError> {
        let note =
            |ty: TokenStream, text: &str| FieldType { ty, with: None, note: Some(text.to_string()), defaultable: true };
        Ok(match schema {
            Schema::Null => FieldType::plain(quote!(())),
            Schema::Boolean => FieldType::plain(quote!(bool)),
            Schema::Int => FieldType::plain(quote!(i32)),
            Schema::Long => FieldType::plain(quote!(i64)),
            Schema::Float => FieldType::plain(quote!(f32)),
            Schema::Double => FieldType::plain(quote!(f64)),
            Schema::String | Schema::Uuid(UuidSchema::String) => {
                let mut t = FieldType::plain(quote!(String));
                if matches!(schema, Schema::Uuid(_)) {
                    t.note = Some("A UUID (logical type `uuid`), as text.".into());
                }
                t
            }
            Schema::Bytes | Schema::Uuid(UuidSchema::Bytes) => FieldType {
                ty: quote!(Vec<u8>),
                with: Some("apache_avro::serde::bytes"),
                note: None,
                defaultable: true,
            },
            Schema::Decimal(d) if matches!(d.inner, InnerDecimalSchema::Bytes) => FieldType {
                ty: quote!(Vec<u8>),
                with: Some("apache_avro::serde::bytes"),
                note: Some(format!(
                    "A decimal (precision {}, scale {}): the unscaled value, two's complement, big-endian.",
                    d.precision, d.scale
                )),
                defaultable: true,
            },
            Schema::BigDecimal => FieldType {
                ty: quote!(Vec<u8>),
                with: Some("apache_avro::serde::bytes"),
                note: Some("A big-decimal (logical type `big-decimal`), as its bytes.".into()),
                defaultable: true,
            },
            Schema::Date => note(quote!(i32), "A date (logical type `date`): days since 1970-01-01."),
            Schema::TimeMillis => {
                note(quote!(i32), "A time of day (logical type `time-millis`): milliseconds after midnight.")
            }
            Schema::TimeMicros => {
                note(quote!(i64), "A time of day (logical type `time-micros`): microseconds after midnight.")
            }
            Schema::TimestampMillis => note(
                quote!(i64),
                "A timestamp (logical type `timestamp-millis`): milliseconds since the Unix epoch, UTC.",
            ),
            Schema::TimestampMicros => note(
                quote!(i64),
                "A timestamp (logical type `timestamp-micros`): microseconds since the Unix epoch, UTC.",
            ),
            Schema::TimestampNanos => note(
                quote!(i64),
                "A timestamp (logical type `timestamp-nanos`): nanoseconds since the Unix epoch, UTC.",
            ),
            Schema::LocalTimestampMillis => note(
                quote!(i64),
                "A local date and time (logical type `local-timestamp-millis`): milliseconds since 1970-01-01T00:00 local time.",
            ),
            Schema::LocalTimestampMicros => note(
                quote!(i64),
                "A local date and time (logical type `local-timestamp-micros`): microseconds since 1970-01-01T00:00 local time.",
            ),
            Schema::LocalTimestampNanos => note(
                quote!(i64),
                "A local date and time (logical type `local-timestamp-nanos`): nanoseconds since 1970-01-01T00:00 local time.",
            ),
            Schema::Array(a) => {
                let inner = self.field_type(&a.items, &format!("{hint}Item"), namespace, ctx, extra, at)?;
                if inner.with.is_some() {
                    return Err(at(format!("{hint}: arrays of bytes or fixed are not supported by gen rust yet")));
                }
                let ty = &inner.ty;
                FieldType { ty: quote!(Vec<#ty>), with: None, note: inner.note, defaultable: true }
            }
            Schema::Map(m) => {
                let inner = self.field_type(&m.types, &format!("{hint}Value"), namespace, ctx, extra, at)?;
                if inner.with.is_some() {
                    return Err(at(format!("{hint}: maps of bytes or fixed are not supported by gen rust yet")));
                }
                let ty = &inner.ty;
                FieldType {
                    ty: quote!(::std::collections::HashMap<String, #ty>),
                    with: None,
                    note: inner.note,
                    defaultable: true,
                }
            }
            Schema::Union(u) => {
                let variants = u.variants();
                let nulls = variants.iter().filter(|v| matches!(v, Schema::Null)).count();
                if variants.len() == 2 && nulls == 1 {
                    let other = variants.iter().find(|v| !matches!(v, Schema::Null)).expect("two branches");
                    let inner = self.field_type(other, hint, namespace, ctx, extra, at)?;
                    let with = match inner.with {
                        Some("apache_avro::serde::bytes") => Some("apache_avro::serde::bytes_opt"),
                        Some("apache_avro::serde::fixed") => Some("apache_avro::serde::fixed_opt"),
                        _ => None,
                    };
                    let ty = &inner.ty;
                    FieldType { ty: quote!(Option<#ty>), with, note: inner.note, defaultable: true }
                } else {
                    self.union_enum(variants, hint, namespace, ctx, extra, at)?
                }
            }
            Schema::Record(_) | Schema::Enum(_) | Schema::Fixed(_) => {
                let full = self.define(schema, ctx)?;
                let path = tokens::path(&self.rust_path(&full, namespace))?;
                let with = matches!(schema, Schema::Fixed(_)).then_some("apache_avro::serde::fixed");
                FieldType::named(quote!(#path), with, None)
            }
            Schema::Decimal(_) | Schema::Uuid(UuidSchema::Fixed(_)) | Schema::Duration(_) => {
                let full = self.define(schema, ctx)?;
                let path = tokens::path(&self.rust_path(&full, namespace))?;
                let note = match schema {
                    Schema::Duration(_) => {
                        Some("A duration (logical type `duration`): months, days, milliseconds.".into())
                    }
                    _ => None,
                };
                FieldType::named(quote!(#path), Some("apache_avro::serde::fixed"), note)
            }
            Schema::Ref { name } => {
                let full = name.fullname(None);
                let Some((target, _)) = ctx.named.get(&full) else {
                    return Err(at(format!("unknown type {full}")));
                };
                let target: &Schema = target;
                let defined = self.define(target, ctx)?;
                let path = tokens::path(&self.rust_path(&defined, namespace))?;
                let with =
                    matches!(target, Schema::Fixed(_) | Schema::Decimal(_) | Schema::Duration(_) | Schema::Uuid(_))
                        .then_some("apache_avro::serde::fixed");
                FieldType::named(quote!(#path), with, None)
            }
        })
    }

    /// A union other than `[null, T]`: an enum with one variant per branch, in branch order.
    fn union_enum(
        &mut self,
        variants: &[Schema],
        hint: &str,
        namespace: &[String],
        ctx: &Ctx<'_>,
        extra: &mut Vec<TokenStream>,
        at: &dyn Fn(String) -> GenError,
    ) -> Result<FieldType, GenError> {
        let ident = naming::ident(hint).map_err(|why| at(format!("union {hint}: {why}")))?;
        let taken = self.taken.entry(namespace.to_vec()).or_default();
        if let Some(other) = taken.get(hint) {
            return Err(at(format!("the union type `{hint}` collides with {other}")));
        }
        taken.insert(hint.to_string(), format!("union {hint}"));
        let mut items = Vec::new();
        let mut names: BTreeSet<String> = BTreeSet::new();
        let mut branches = Vec::new();
        for branch in variants {
            let (variant, ty) = match branch {
                Schema::Null => ("Null".to_string(), None),
                other => {
                    let name = match other {
                        Schema::Record(r) => naming::camel(r.name.name()),
                        Schema::Enum(e) => naming::camel(e.name.name()),
                        Schema::Fixed(f) => naming::camel(f.name.name()),
                        Schema::Ref { name } => naming::camel(name.name()),
                        Schema::Array(_) => "Array".into(),
                        Schema::Map(_) => "Map".into(),
                        primitive => naming::camel(&format!("{:?}", apache_avro::schema::SchemaKind::from(primitive))),
                    };
                    let inner = self.field_type(other, &format!("{hint}{name}"), namespace, ctx, extra, at)?;
                    (name, Some(inner))
                }
            };
            if !names.insert(variant.clone()) {
                return Err(at(format!("union {hint} has two branches named {variant}")));
            }
            branches.push(variant.clone());
            let v = naming::ident(&variant).map_err(|why| at(format!("union {hint}: {why}")))?;
            items.push(match ty {
                None => quote!(#v,),
                Some(inner) => {
                    let t = &inner.ty;
                    let with = inner.with.map(|w| quote!(#[serde(with = #w)]));
                    quote!(#v(#with #t),)
                }
            });
        }
        let docs = tokens::doc(&format!(
            "An Avro union of {}: one variant per branch, in the schema's order.",
            branches.join(", ")
        ));
        extra.push(quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            pub enum #ident { #(#items)* }
        });
        Ok(FieldType::named(quote!(#ident), None, None))
    }

    /// `src/avro.rs`.
    pub fn generate(&self) -> Result<String, GenError> {
        #[derive(Default)]
        struct Module {
            items: Vec<TokenStream>,
            children: BTreeMap<String, Module>,
        }
        fn emit(m: &Module) -> TokenStream {
            let items = &m.items;
            let children = m.children.iter().map(|(name, child)| {
                let ident = syn::parse_str::<syn::Ident>(name).expect("checked namespace");
                let inner = emit(child);
                quote! { pub mod #ident { #inner } }
            });
            quote! { #(#items)* #(#children)* }
        }
        let mut root = Module::default();
        for generated in self.types.values() {
            let mut m = &mut root;
            for part in &generated.namespace {
                m = m.children.entry(part.clone()).or_default();
            }
            m.items.push(generated.item.clone());
        }
        let body = emit(&root);
        tokens::render(quote! {
            //! Avro records, enums and unions of the contracts' schemas, as serde types (written and
            //! read through apache-avro with the schemas in `payloads`). One module per namespace
            //! segment.
            #body
        })
    }
}

/// Every named type a schema defines, by full name.
fn collect_named<'a>(schema: &'a Schema, origin: &Origin, out: &mut HashMap<String, (&'a Schema, Origin)>) {
    match schema {
        Schema::Record(r) => {
            out.entry(r.name.fullname(None)).or_insert((schema, origin.clone()));
            for f in &r.fields {
                collect_named(&f.schema, origin, out);
            }
        }
        Schema::Enum(e) => {
            out.entry(e.name.fullname(None)).or_insert((schema, origin.clone()));
        }
        Schema::Fixed(f) | Schema::Uuid(UuidSchema::Fixed(f)) | Schema::Duration(f) => {
            out.entry(f.name.fullname(None)).or_insert((schema, origin.clone()));
        }
        Schema::Decimal(d) => {
            if let InnerDecimalSchema::Fixed(f) = &d.inner {
                out.entry(f.name.fullname(None)).or_insert((schema, origin.clone()));
            }
        }
        Schema::Array(a) => collect_named(&a.items, origin, out),
        Schema::Map(m) => collect_named(&m.types, origin, out),
        Schema::Union(u) => u.variants().iter().for_each(|v| collect_named(v, origin, out)),
        _ => {}
    }
}

/// The modules of a namespace (`acme.shipping.v1` → `acme`, `shipping`, `v1`).
fn namespace_modules(namespace: Option<&str>) -> Result<Vec<String>, String> {
    namespace
        .unwrap_or_default()
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| naming::ident_text(&naming::snake(s)))
        .collect()
}

fn rust_name(full: &str) -> String {
    naming::ident_text(&naming::camel(full.rsplit('.').next().unwrap_or(full))).unwrap_or_default()
}

/// Whether a schema default equals the Rust type's `Default` (so `#[serde(default)]` is right).
fn is_rust_default(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => true,
        serde_json::Value::Bool(b) => !b,
        serde_json::Value::Number(n) => n.as_f64() == Some(0.0),
        serde_json::Value::String(s) => s.is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        serde_json::Value::Object(o) => o.is_empty(),
    }
}

fn doc_text(doc: Option<&str>, fallback: &str) -> String {
    match doc {
        Some(d) if !d.trim().is_empty() => tokens::schema_text(d.trim()),
        _ => fallback.to_string(),
    }
}

fn parse_tree(text: &str) -> Option<std::rc::Rc<Node>> {
    schemagate_openapi::json::parse(text).ok().map(std::rc::Rc::new)
}

/// Where `"name": "<name>"` is written (the first object with that name, in document order).
fn locate_name(origin: &Origin, name: &str) -> (u32, u32) {
    fn find(node: &Node, name: &str) -> Option<(u32, u32)> {
        match &node.value {
            Value::Map(entries) => {
                for (key, value) in entries {
                    if key == "name" && value.str() == Some(name) {
                        return Some((value.pos.line, value.pos.column));
                    }
                }
                entries.iter().find_map(|(_, v)| find(v, name))
            }
            Value::Seq(items) => items.iter().find_map(|i| find(i, name)),
            _ => None,
        }
    }
    origin.tree.as_ref().and_then(|t| find(t, name)).unwrap_or((1, 1))
}
