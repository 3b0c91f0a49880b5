//! One module per contract topic: `TOPIC`, `Key`, `Value`, the typed `Headers`, `Producer` and
//! `Consumer` aliases and their constructors. Thin and typed: everything else is the runtime's.

use std::collections::BTreeMap;
use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use schemagate_contract::Contract;
use schemagate_contract::model::{HeaderType, SchemaRef, SchemaType};
use schemagate_contract::schema::{Loaded, Source};

use super::avro::AvroTypes;
use super::json::JsonTypes;
use super::messages::{self, Protobuf};
use super::payloads::{Kind, PayloadImpl, Payloads};
use super::project::Project;
use super::{RustOptions, tokens};
use crate::{GenError, naming};

/// A key or value type of a topic.
#[derive(Debug, Clone)]
pub(crate) struct TypeRef {
    pub type_path: String,
    pub kind: Kind,
    /// Protobuf: the message (for the README's example).
    pub message: Option<prost_reflect::MessageDescriptor>,
}

/// A header of a topic.
#[derive(Debug, Clone)]
pub(crate) struct HeaderDef {
    pub name: String,
    pub field: String,
    pub header_type: HeaderType,
    pub required: bool,
    pub propagate: bool,
}

/// What a topic module is generated from.
#[derive(Debug, Clone)]
pub(crate) struct TopicDef {
    pub topic: String,
    /// The module name as written in Rust (`orders_order_placed_v1`, `r#type`).
    pub module: String,
    pub contract_file: String,
    pub producer: String,
    pub consumers: Vec<String>,
    pub value: TypeRef,
    /// `None`: a STRING key (also when the contract declares no key).
    pub key: Option<TypeRef>,
    pub value_subject: Option<String>,
    pub key_subject: Option<String>,
    pub headers: Vec<HeaderDef>,
    /// The first example: key and value as JSON, headers.
    pub example: Option<(Option<serde_json::Value>, serde_json::Value, BTreeMap<String, String>)>,
}

/// Reads a contract: its value and key types (generating Avro and JSON types on the way, and
/// registering their payload impls) and its headers.
pub(crate) fn resolve(
    project: &Project,
    contract: &Contract,
    protobuf: &Protobuf,
    avro: &mut AvroTypes,
    json: &mut JsonTypes,
    payloads: &mut Payloads,
) -> Result<TopicDef, GenError> {
    let module = naming::topic_module(&contract.topic);
    let module = naming::ident_text(&module).map_err(|why| {
        project.contract_error(
            contract,
            &contract.topic,
            format!("topic {} has no usable module name: {why}", contract.topic),
        )
    })?;
    let value = resolve_type(project, contract, "value", &contract.value, protobuf, avro, json, payloads)?;
    let key = match &contract.key {
        Some(k) if k.schema_type != SchemaType::String => {
            Some(resolve_type(project, contract, "key", k, protobuf, avro, json, payloads)?)
        }
        _ => None,
    };
    let headers = headers_of(project, contract)?;
    Ok(TopicDef {
        topic: contract.topic.clone(),
        module,
        contract_file: project.contract_file(contract),
        producer: contract.producer.clone(),
        consumers: contract.consumers.iter().map(|c| c.name.clone()).collect(),
        value,
        key,
        value_subject: contract.value.subject.clone(),
        key_subject: contract.key.as_ref().and_then(|k| k.subject.clone()),
        headers,
        example: contract.examples.first().map(|e| (e.key.clone(), e.value.clone(), e.headers.clone())),
    })
}

#[allow(clippy::too_many_arguments)]
fn resolve_type(
    project: &Project,
    contract: &Contract,
    role: &str,
    r: &SchemaRef,
    protobuf: &Protobuf,
    avro: &mut AvroTypes,
    json: &mut JsonTypes,
    payloads: &mut Payloads,
) -> Result<TypeRef, GenError> {
    let file = r.file.as_deref().unwrap_or_default();
    if !r.references.is_empty() {
        return Err(project.contract_field_error(
            contract,
            role,
            "references",
            "",
            format!(
                "{role}.references name registry subjects; gen rust reads schemas from the project's files only \
                 (put the referenced schemas beside {file})"
            ),
        ));
    }
    match r.schema_type {
        SchemaType::Protobuf => {
            let name = r.message.as_deref().unwrap_or_default().trim_start_matches('.');
            let root = protobuf.root_of(project, file, r.root.as_deref());
            let import_path =
                Path::new(file).strip_prefix(&root).map(|p| p.to_string_lossy().replace('\\', "/")).map_err(|_| {
                    project.contract_field_error(
                        contract,
                        role,
                        "file",
                        file,
                        format!("{file} is not under its import root {root}"),
                    )
                })?;
            if !protobuf.files.contains_key(&import_path) {
                return Err(project.contract_field_error(
                    contract,
                    role,
                    "file",
                    file,
                    format!("{file} is not a .proto file of the Protobuf module"),
                ));
            }
            let message = protobuf.message(&import_path, name).ok_or_else(|| {
                project.contract_field_error(contract, role, "message", name, format!("no message {name} in {file}"))
            })?;
            let schema = proto_doc(protobuf, payloads, &import_path);
            let type_path = messages::rust_path(&message);
            payloads
                .add_impl(PayloadImpl {
                    type_path: type_path.clone(),
                    kind: Kind::Protobuf,
                    record_name: message.full_name().to_string(),
                    indexes: messages::message_indexes(&message),
                    schema,
                })
                .map_err(|m| project.contract_field_error(contract, role, "message", name, m))?;
            Ok(TypeRef { type_path, kind: Kind::Protobuf, message: Some(message) })
        }
        SchemaType::Avro | SchemaType::Json => {
            let source = Source {
                schema_type: r.schema_type,
                file,
                message: r.message.as_deref(),
                root: r.root.as_deref(),
                revision: None,
            };
            let loaded = schemagate_contract::schema::load(&project.root, &source)
                .map_err(|m| locate_schema_error(project, file, GenError::from_message(&project.root, &m)))?;
            let (kind, type_path, record_name, text, graph) = match &loaded {
                Loaded::Avro(a) => {
                    let (path, record) = avro.add(project, file, a)?;
                    (Kind::Avro, path, record, &a.text, &a.references)
                }
                Loaded::Json(j) => {
                    let (path, record) = json.add(project, file, j)?;
                    (Kind::Json, path, record, &j.text, &j.references)
                }
                Loaded::Protobuf(_) => unreachable!("loaded as {:?}", r.schema_type),
            };
            // Referenced documents first, each with references to the ones it uses.
            let mut ids: Vec<usize> = Vec::new();
            for doc in &graph.docs {
                let references =
                    doc.references.iter().map(|(n, i)| (n.clone(), graph.docs[*i].subject.clone(), ids[*i])).collect();
                ids.push(payloads.add_doc(kind, &doc.subject, &doc.origin, &doc.text, references));
            }
            let references =
                graph.main.iter().map(|(n, i)| (n.clone(), graph.docs[*i].subject.clone(), ids[*i])).collect();
            let hint = match kind {
                Kind::Avro => record_name.clone(),
                _ => Path::new(file).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
            };
            let schema = payloads.add_doc(kind, &hint, file, text, references);
            payloads
                .add_impl(PayloadImpl { type_path: type_path.clone(), kind, record_name, indexes: Vec::new(), schema })
                .map_err(|m| project.contract_field_error(contract, role, "file", file, m))?;
            Ok(TypeRef { type_path, kind, message: None })
        }
        SchemaType::String => unreachable!("STRING keys have no type to resolve"),
    }
}

/// A schema error without a position gets one: the first place in the file where a dotted name
/// or reference the message mentions is written (`unknown Avro type a.b.Strin` points at
/// `"Strin"`), else the file's start.
fn locate_schema_error(project: &Project, file: &str, error: GenError) -> GenError {
    let GenError::Input(message) = &error else { return error };
    let Some(rest) = message.strip_prefix(&format!("{file}: ")) else { return error };
    let text = std::fs::read_to_string(project.root.join(file)).unwrap_or_default();
    let candidates = rest
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_' && c != '.' && c != '$' && c != '#' && c != '/')
        })
        .filter(|w| w.contains(['.', '#', '/']))
        .flat_map(|w| [w.to_string(), w.rsplit('.').next().unwrap_or(w).to_string()]);
    for word in candidates {
        if let Some(offset) = text.find(&format!("\"{word}\"")) {
            let (line, column) = super::project::position(&text, offset);
            return GenError::at(file, line, column, rest);
        }
    }
    GenError::at(file, 1, 1, rest)
}

/// The document of a module file, after the module files it imports.
fn proto_doc(protobuf: &Protobuf, payloads: &mut Payloads, import_path: &str) -> usize {
    let file = &protobuf.files[import_path];
    let references = file
        .imports
        .iter()
        .filter(|i| protobuf.files.contains_key(i.as_str()))
        .map(|i| (i.clone(), i.clone(), proto_doc(protobuf, payloads, i)))
        .collect();
    payloads.add_doc(Kind::Protobuf, import_path, import_path, &file.text, references)
}

/// The headers of a contract: those its consumers read and those its `headers:` section
/// declares, by name.
fn headers_of(project: &Project, contract: &Contract) -> Result<Vec<HeaderDef>, GenError> {
    let mut names: BTreeMap<String, HeaderDef> = BTreeMap::new();
    let declared = contract.headers.iter().map(|(n, s)| (n.clone(), Some(s.clone())));
    let read = contract.consumers.iter().flat_map(|c| c.headers.iter()).map(|n| (n.clone(), None));
    for (name, spec) in declared.chain(read) {
        if names.contains_key(&name) {
            continue;
        }
        let spec = spec.unwrap_or_default();
        names.insert(
            name.clone(),
            HeaderDef {
                field: String::new(),
                name,
                header_type: spec.header_type,
                required: spec.required,
                propagate: spec.propagate,
            },
        );
    }
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for (name, mut def) in names {
        let field = naming::snake(&name);
        let ident = naming::ident_text(&field).map_err(|why| {
            project.contract_error(contract, &name, format!("header {name} has no usable field name: {why}"))
        })?;
        if let Some(other) = fields.insert(field.clone(), name.clone()) {
            return Err(project.contract_error(
                contract,
                &name,
                format!("headers {other} and {name} both become the field `{field}`"),
            ));
        }
        def.field = ident;
        out.push(def);
    }
    Ok(out)
}

/// Two topics must not share a module.
pub(crate) fn check_modules(project: &Project, topics: &[TopicDef]) -> Result<(), GenError> {
    let mut seen: BTreeMap<&str, &TopicDef> = BTreeMap::new();
    for (t, contract) in topics.iter().zip(&project.contracts) {
        if let Some(other) = seen.insert(&t.module, t) {
            return Err(project.contract_error(
                contract,
                &t.topic,
                format!(
                    "topic {} maps to the module `{}` like topic {} ({}); rename one of them",
                    t.topic, t.module, other.topic, other.contract_file
                ),
            ));
        }
    }
    Ok(())
}

/// `src/topics/mod.rs`.
pub(crate) fn generate_index(topics: &[TopicDef]) -> Result<String, GenError> {
    let mut sorted: Vec<&TopicDef> = topics.iter().collect();
    sorted.sort_by(|a, b| a.module.cmp(&b.module));
    let modules = sorted.iter().map(|t| {
        let ident = syn::parse_str::<syn::Ident>(&t.module).expect("checked module name");
        let docs = tokens::doc(&format!("Topic `{}`.", t.topic));
        quote! { #docs pub mod #ident; }
    });
    tokens::render(quote! {
        //! One module per contract topic.
        #(#modules)*
    })
}

fn str_option(value: &Option<String>) -> TokenStream {
    match value {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

/// `src/topics/<module>.rs`.
pub(crate) fn generate(options: &RustOptions, t: &TopicDef) -> Result<String, GenError> {
    let mut about = format!(
        "Topic `{}` (contract {}): produced by {}, read by {}.",
        t.topic,
        t.contract_file,
        t.producer,
        t.consumers.join(", ")
    );
    if t.headers.is_empty() {
        about.push_str("\n\nThe contract names no headers.");
    }
    let module_docs = tokens::inner_doc(&about);
    let name = &t.topic;
    let value_subject = str_option(&t.value_subject);
    let key_subject = str_option(&t.key_subject);
    let strategy = format_ident!("{}", options.strategy.variant());
    let propagated: Vec<&str> = t.headers.iter().filter(|h| h.propagate).map(|h| h.name.as_str()).collect();
    let value_ty = tokens::path(&t.value.type_path)?;
    let key_ty = match &t.key {
        None => quote!(String),
        Some(k) => {
            let p = tokens::path(&k.type_path)?;
            quote!(runtime::Framed<#p>)
        }
    };
    let key_doc = tokens::doc(match &t.key {
        None => "The message key: UTF-8 text, sent as it is (no schema).",
        Some(_) => "The message key: framed and registered like the value, under the key subject.",
    });
    let (headers, header_uses) = headers_tokens(t)?;
    let file = quote! {
        #module_docs

        use crate::runtime::{self, #header_uses SubjectStrategy, Topic};

        /// The topic, its subjects and the headers it propagates.
        pub const TOPIC: Topic = Topic {
            name: #name,
            value_subject: #value_subject,
            key_subject: #key_subject,
            strategy: SubjectStrategy::#strategy,
            propagated_headers: &[#(#propagated),*],
        };

        #key_doc
        pub type Key = #key_ty;
        /// The message value.
        pub type Value = #value_ty;

        #headers

        /// A producer of this topic.
        pub type Producer = runtime::Producer<Key, Value, Headers>;
        /// A consumer of this topic.
        pub type Consumer = runtime::Consumer<Key, Value, Headers>;

        /// Connects a producer (and registers or looks up the value's schema).
        pub async fn producer(config: &runtime::Config) -> Result<Producer, runtime::Error> {
            Producer::new(config, &TOPIC).await
        }

        /// Connects a consumer in the consumer group `group_id`, subscribed to the topic.
        pub fn consumer(config: &runtime::Config, group_id: &str) -> Result<Consumer, runtime::Error> {
            Consumer::new(config, &TOPIC, group_id)
        }
    };
    tokens::render(file)
}

/// The `Headers` struct and its `HeaderSet` impl, and the runtime items they use.
fn headers_tokens(t: &TopicDef) -> Result<(TokenStream, TokenStream), GenError> {
    let mut fields = Vec::new();
    let mut to_pairs: Vec<TokenStream> = Vec::new();
    let mut from_pairs = Vec::new();
    let mut get_arms = Vec::new();
    let mut propagate = Vec::new();
    let mut helpers = std::collections::BTreeSet::new();
    let mut required_pairs = Vec::new();
    for h in &t.headers {
        let field = syn::parse_str::<syn::Ident>(&h.field).expect("checked field name");
        let name = &h.name;
        let (ty, parse) = match h.header_type {
            HeaderType::String => (quote!(String), quote!(parse_string)),
            HeaderType::Uuid => (quote!(String), quote!(parse_uuid)),
            HeaderType::Int => (quote!(i64), quote!(parse_int)),
            HeaderType::Bytes => (quote!(Vec<u8>), quote!(parse_bytes)),
        };
        helpers.insert(parse.to_string());
        if h.header_type == HeaderType::Int {
            helpers.insert("int_bytes".to_string());
        }
        let mut doc = format!("`{name}` ({}", h.header_type.name());
        if h.required {
            doc.push_str(", required");
        }
        if h.propagate {
            doc.push_str(", propagated");
        }
        doc.push_str(").");
        let docs = tokens::doc(&doc);
        let parsed = quote! { incoming.get(#name).and_then(|v| #parse(#name, v.as_bytes()).ok()) };
        if h.required {
            helpers.insert("require".to_string());
            fields.push(quote! { #docs pub #field: #ty, });
            let bytes = match h.header_type {
                HeaderType::String | HeaderType::Uuid => quote!(self.#field.clone().into_bytes()),
                HeaderType::Int => quote!(int_bytes(self.#field)),
                HeaderType::Bytes => quote!(self.#field.clone()),
            };
            required_pairs.push(quote! { (#name, #bytes) });
            from_pairs.push(quote! { #field: #parse(#name, require(pairs, #name)?)?, });
            let text = match h.header_type {
                HeaderType::String | HeaderType::Uuid => quote!(Some(self.#field.clone())),
                HeaderType::Int => quote!(Some(self.#field.to_string())),
                HeaderType::Bytes => quote!(Some(String::from_utf8_lossy(&self.#field).into_owned())),
            };
            get_arms.push(quote! { #name => #text, });
            if h.propagate {
                propagate.push(quote! { #field: #parsed.unwrap_or_default(), });
            }
        } else {
            helpers.insert("find".to_string());
            fields.push(quote! { #docs pub #field: Option<#ty>, });
            to_pairs.push(match h.header_type {
                HeaderType::String | HeaderType::Uuid => {
                    quote! { if let Some(v) = &self.#field { pairs.push((#name, v.clone().into_bytes())); } }
                }
                HeaderType::Int => quote! { if let Some(v) = self.#field { pairs.push((#name, int_bytes(v))); } },
                HeaderType::Bytes => quote! { if let Some(v) = &self.#field { pairs.push((#name, v.clone())); } },
            });
            from_pairs.push(quote! { #field: find(pairs, #name).map(|v| #parse(#name, v)).transpose()?, });
            let text = match h.header_type {
                HeaderType::String | HeaderType::Uuid => quote!(self.#field.clone()),
                HeaderType::Int => quote!(self.#field.map(|v| v.to_string())),
                HeaderType::Bytes => quote!(self.#field.as_ref().map(|v| String::from_utf8_lossy(v).into_owned())),
            };
            get_arms.push(quote! { #name => #text, });
            if h.propagate {
                propagate.push(quote! { #field: #parsed, });
            }
        }
    }
    if t.headers.is_empty() {
        let tokens = quote! {
            /// The headers of this topic: the contract names none.
            pub type Headers = ();
        };
        return Ok((tokens, quote!()));
    }
    let helpers: Vec<syn::Ident> = helpers.iter().map(|h| format_ident!("{}", h)).collect();
    let (incoming, propagate_body) = if propagate.is_empty() {
        (quote!(_incoming), quote!(Headers::default()))
    } else if propagate.len() < t.headers.len() {
        (quote!(incoming), quote!(Headers { #(#propagate)* ..Headers::default() }))
    } else {
        (quote!(incoming), quote!(Headers { #(#propagate)* }))
    };
    let pairs_body = if to_pairs.is_empty() {
        quote! { vec![#(#required_pairs),*] }
    } else if required_pairs.is_empty() {
        quote! { let mut pairs = Vec::new(); #(#to_pairs)* pairs }
    } else {
        quote! { let mut pairs = vec![#(#required_pairs),*]; #(#to_pairs)* pairs }
    };
    let propagated_doc = tokens::doc(
        "Headers for a message produced while handling one with `incoming` headers: the headers the\n\
         contract marks as propagated are copied (when they parse as their type), the others left\n\
         at their defaults.",
    );
    let tokens = quote! {
        /// The headers of this topic's messages.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Headers {
            #(#fields)*
        }

        impl Headers {
            #propagated_doc
            pub fn propagate_from(#incoming: &impl HeaderSet) -> Headers {
                #propagate_body
            }
        }

        impl HeaderSet for Headers {
            fn to_pairs(&self) -> Vec<(&'static str, Vec<u8>)> {
                #pairs_body
            }

            fn from_pairs(pairs: &[(&str, &[u8])]) -> Result<Self, HeaderError> {
                Ok(Headers { #(#from_pairs)* })
            }

            fn get(&self, name: &str) -> Option<String> {
                match name {
                    #(#get_arms)*
                    _ => None,
                }
            }
        }
    };
    Ok((tokens, quote!(HeaderError, HeaderSet, headers::{#(#helpers),*},)))
}

/// `README.md`: one producer and one consumer, for the first topic (a Protobuf one if any).
pub(crate) fn readme(crate_name: &str, topics: &[TopicDef], _protobuf: &Protobuf) -> Result<String, GenError> {
    let krate = crate_name.replace('-', "_");
    let mut sorted: Vec<&TopicDef> = topics.iter().collect();
    sorted.sort_by(|a, b| a.module.cmp(&b.module));
    let t = sorted.iter().find(|t| t.value.kind == Kind::Protobuf).or(sorted.first()).copied();
    let mut text = format!(
        "# {crate_name}\n\n\
         Typed Kafka producers and consumers for the contract topics, generated by `schemagate gen rust`.\n\
         Do not edit: change the contracts or schemas and regenerate (`schemagate gen rust --check`\n\
         tells CI when this crate is stale).\n\n\
         Each topic is a module of `topics` with `TOPIC`, the `Key`, `Value` and `Headers` types, and\n\
         `producer()` / `consumer()`. Messages are framed in the Confluent wire format and their schemas\n\
         registered (or looked up) in the Schema Registry. `Config::from_env()` reads\n\
         `KAFKA_BOOTSTRAP_SERVERS`, `SCHEMA_REGISTRY_URL` and any other `KAFKA_*` librdkafka setting\n\
         (`KAFKA_SECURITY_PROTOCOL` → `security.protocol`), `SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO`,\n\
         `SCHEMA_REGISTRY_BEARER_TOKEN` and `SCHEMA_REGISTRY_CA_LOCATION`.\n\n\
         Topics:\n\n"
    );
    for t in &sorted {
        text.push_str(&format!(
            "- `{}` → `topics::{}` (value `{}`)\n",
            t.topic,
            t.module,
            t.value.type_path.trim_start_matches("crate::")
        ));
    }
    let Some(t) = t else { return Ok(text) };
    let module = syn::parse_str::<syn::Ident>(&t.module).expect("checked module name");
    let krate_ident = format_ident!("{}", krate);
    let (key_json, value_json, example_headers) =
        t.example.clone().unwrap_or((None, serde_json::Value::Null, BTreeMap::new()));
    let key = match (&t.key, &key_json) {
        (None, Some(serde_json::Value::String(s))) => quote!(#s.to_string()),
        (None, _) => quote!("key-1".to_string()),
        (Some(k), _) if k.kind == Kind::Protobuf => quote!(#krate_ident::runtime::Framed(Default::default())),
        (Some(_), json) => {
            let text = serde_json::to_string(json.as_ref().unwrap_or(&serde_json::Value::Null)).unwrap_or_default();
            let text = super::payloads::raw_string(&text);
            quote!(#krate_ident::runtime::Framed(serde_json::from_str(#text)?))
        }
    };
    let value = example_value(t, &value_json);
    let headers = example_headers_tokens(t, &example_headers);
    let producer = quote! {
        use #krate_ident::runtime::Config;
        use #krate_ident::topics::#module as topic;

        #[tokio::main]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            let config = Config::from_env()?;
            let producer = topic::producer(&config).await?;
            #value
            #headers
            let delivery = producer.send(&#key, &value, &headers).await?;
            println!("partition {}, offset {}", delivery.partition, delivery.offset);
            producer.flush(std::time::Duration::from_secs(5)).await?;
            Ok(())
        }
    };
    let group = t.consumers.first().cloned().unwrap_or_else(|| "my-service".into());
    let propagate = t.headers.iter().any(|h| h.propagate).then(|| {
        quote! {
            // Headers for messages produced while handling this one.
            let _next = topic::Headers::propagate_from(&record.headers);
        }
    });
    let consumer = quote! {
        use #krate_ident::runtime::Config;
        use #krate_ident::topics::#module as topic;

        #[tokio::main]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            let config = Config::from_env()?;
            let consumer = topic::consumer(&config, #group)?.max_attempts(3);
            // Until SIGINT/SIGTERM: commit after each success, retry failures, then dead-letter.
            let summary = consumer
                .run(|record| async move {
                    println!("{:?} at offset {}: {:?}", record.key, record.offset, record.value);
                    #propagate
                    Ok::<(), std::convert::Infallible>(())
                })
                .await?;
            println!("handled {}, dead-lettered {}", summary.handled, summary.dead_lettered);
            Ok(())
        }
    };
    text.push_str(&format!(
        "\n## Producing to `{}`\n\n```rust,no_run\n{}```\n\n## Consuming `{}`\n\n```rust,no_run\n{}```\n\n\
         `consumer.stream()` gives the records as a typed `Stream` instead, for callers that commit\n\
         themselves (`consumer.commit(&received)`); records that do not decode come as errors that\n\
         `consumer.dead_letter(..)` sends to the dead-letter topic (default `<topic>.dlq`).\n",
        t.topic,
        tokens::render(producer)?,
        t.topic,
        tokens::render(consumer)?,
    ));
    Ok(text)
}

/// `let value = ...;` for the README: Protobuf messages from their top-level text fields,
/// serde types from the example's JSON.
fn example_value(t: &TopicDef, json: &serde_json::Value) -> TokenStream {
    match (&t.value.message, json) {
        (Some(message), serde_json::Value::Object(map)) => {
            let fields = message.fields().filter_map(|f| {
                let text = map.get(f.name()).and_then(|v| v.as_str())?;
                if f.kind() != prost_reflect::Kind::String
                    || f.is_list()
                    || f.is_map()
                    || f.containing_oneof().is_some()
                {
                    return None;
                }
                let ident = syn::parse_str::<syn::Ident>(f.name()).ok()?;
                Some(quote!(#ident: #text.to_string(),))
            });
            quote! { let value = topic::Value { #(#fields)* ..Default::default() }; }
        }
        (Some(_), _) => quote! { let value = topic::Value::default(); },
        (None, json) => {
            let text = serde_json::to_string(json).unwrap_or_default();
            let text = super::payloads::raw_string(&text);
            quote! { let value: topic::Value = serde_json::from_str(#text)?; }
        }
    }
}

fn example_headers_tokens(t: &TopicDef, example: &BTreeMap<String, String>) -> TokenStream {
    if t.headers.is_empty() {
        return quote! { let headers = (); };
    }
    let mut fields = Vec::new();
    for h in &t.headers {
        let Some(v) = example.get(&h.name) else { continue };
        let field = syn::parse_str::<syn::Ident>(&h.field).expect("checked field name");
        let value = match h.header_type {
            HeaderType::Int => {
                let n: i64 = v.parse().unwrap_or_default();
                quote!(#n)
            }
            HeaderType::Bytes => quote!(#v.as_bytes().to_vec()),
            _ => quote!(#v.to_string()),
        };
        fields.push(if h.required { quote!(#field: #value,) } else { quote!(#field: Some(#value),) });
    }
    let rest = (fields.len() < t.headers.len()).then(|| quote!(..Default::default()));
    quote! { let headers = topic::Headers { #(#fields)* #rest }; }
}
