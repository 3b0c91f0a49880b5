//! `schemagate gen client`: a Cargo crate with a typed async HTTP client for an OpenAPI 3.0 or
//! 3.1 document, over reqwest.
//!
//! The generator reads schemagate's own OpenAPI model (`schemagate-openapi`: 3.0 and 3.1 in one
//! form, `$ref` across files, positions for every element), so that 3.1 documents work, every
//! documented status is typed, and every error names a file, line and column. The crate's
//! layout:
//!
//! ```text
//! Cargo.toml, README.md
//! src/lib.rs        crate docs, DEFAULT_BASE_URL (the first server), re-exports
//! src/runtime.rs    Client, Credential, RetryPolicy, Error, parameter and body encoding (verbatim)
//! src/types.rs      the schemas as Rust types
//! src/client.rs     one async method per operation, <Op>Params and <Op>Response per operation
//! ```

mod names;
mod operations;
mod types;

use std::collections::BTreeSet;
use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use schemagate_core::InputSpec;
use schemagate_openapi::Spec;
use schemagate_openapi::model::Loc;

use crate::rust::tokens;
use crate::{GenError, GeneratedCrate, GeneratedFile, naming};

/// The runtime every generated client carries, verbatim.
pub const RUNTIME: &str = include_str!("../../runtime/client/runtime.rs");

/// Options of `schemagate gen client`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// The package name of the generated crate.
    pub crate_name: String,
}

impl ClientOptions {
    /// Options for a crate named `crate_name`.
    pub fn new(crate_name: impl Into<String>) -> ClientOptions {
        ClientOptions { crate_name: crate_name.into() }
    }

    /// Options for a crate written to `out_dir`: named after the folder, in kebab case.
    pub fn for_out_dir(out_dir: &Path) -> ClientOptions {
        ClientOptions::new(naming::crate_name_for(out_dir))
    }
}

/// A construct the generated code only approximates, at its place in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl Warning {
    fn at(spec: &Spec, loc: Loc, message: impl Into<String>) -> Warning {
        let file = spec.files.get(loc.file).cloned().unwrap_or_default();
        Warning { file, line: loc.pos.line.max(1), column: loc.pos.column.max(1), message: message.into() }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: warning: {}", self.file, self.line, self.column, self.message)
    }
}

/// Loads an OpenAPI input (a file, a split spec's main file, or `git:<rev>:<path>`).
pub fn load(input: &InputSpec) -> Result<Spec, GenError> {
    schemagate_openapi::load_input(input).map_err(|e| GenError::at(e.path, e.line, e.column, e.message))
}

/// Builds the client crate for the OpenAPI document `input`.
pub fn generate(input: &InputSpec, options: &ClientOptions) -> Result<(GeneratedCrate, Vec<Warning>), GenError> {
    generate_spec(&load(input)?, options)
}

/// Builds the client crate for a loaded document. Nothing is written; any bad input fails
/// here.
pub fn generate_spec(spec: &Spec, options: &ClientOptions) -> Result<(GeneratedCrate, Vec<Warning>), GenError> {
    if !naming::is_crate_name(&options.crate_name) {
        return Err(GenError::Input(format!(
            "`{}` is not a usable crate name (ASCII letters, digits, - and _, starting with a letter; not a keyword)",
            options.crate_name
        )));
    }
    let mut types = types::Types::new(spec);
    types.components()?;
    let (auth, mut reserved) = auth_methods(spec, &mut types)?;
    reserved.extend(
        ["new", "with_http_client", "timeout", "retry", "credential", "base_url", "send", "backoff"].map(String::from),
    );
    let methods = operations::methods(spec, &mut types, &reserved)?;
    let mut warnings = std::mem::take(&mut types.warnings);
    let method_tokens = methods.iter().map(|m| &m.tokens);
    // Import only what is used (no `unused_imports`): the types when there are any, the
    // runtime when there are operations, `Credential` when there are security schemes. The
    // runtime's `Error` stays qualified: APIs often have an `Error` schema.
    let use_types = (!types.is_empty()).then(|| quote! { #[allow(unused_imports)] use crate::types::*; });
    let use_runtime = match (methods.is_empty(), auth.is_empty()) {
        (true, true) => quote!(),
        (true, false) => quote! { use crate::runtime::{Client, Credential}; },
        (false, true) => quote! { use crate::runtime::{self, Client}; },
        (false, false) => quote! { use crate::runtime::{self, Client, Credential}; },
    };
    let client_rs = render(quote! {
        //! One async method per operation of the API.
        // Operation names are the API's (`into_x`, `from_x`, `is_x` with `&self`); response
        // variants are as large as the bodies the API documents.
        #![allow(clippy::wrong_self_convention, clippy::large_enum_variant)]

        #use_types
        #use_runtime

        #auth
        #(#method_tokens)*
    })?;
    let types_rs = types.file()?;

    let mut files = vec![
        GeneratedFile { path: "Cargo.toml".into(), contents: cargo_toml(&options.crate_name) },
        GeneratedFile { path: "README.md".into(), contents: readme(spec, options, &methods) },
        GeneratedFile { path: "src/client.rs".into(), contents: client_rs },
        GeneratedFile { path: "src/lib.rs".into(), contents: lib_rs(spec, options, !methods.is_empty())? },
        GeneratedFile { path: "src/runtime.rs".into(), contents: RUNTIME.to_string() },
        GeneratedFile { path: "src/types.rs".into(), contents: types_rs },
    ];
    files.sort_by(|a, b| a.path.cmp(&b.path));
    warnings.sort();
    warnings.dedup();
    Ok((GeneratedCrate { name: options.crate_name.clone(), files }, warnings))
}

/// `with_<scheme>` per security scheme, and the method names they take.
fn auth_methods(spec: &Spec, types: &mut types::Types) -> Result<(TokenStream, BTreeSet<String>), GenError> {
    let mut methods = Vec::new();
    let mut names = BTreeSet::new();
    for (name, scheme) in &spec.security_schemes {
        let method = format!("with_{}", naming::snake(name));
        let method: String = method.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !names.insert(method.clone()) {
            return Err(error_at(spec, scheme.loc, format!("two security schemes make the method `{method}`")));
        }
        let ident = format_ident!("{}", method);
        let http = scheme.scheme.as_deref().unwrap_or_default();
        let (d, def) = match (scheme.kind.as_str(), http) {
            ("http", "bearer") | ("oauth2", _) | ("openIdConnect", _) => (
                format!("Credentials for `{name}` ({}): a bearer token.", scheme.kind),
                quote! { pub fn #ident(self, token: impl Into<String>) -> Client { self.credential(#name, Credential::Bearer(token.into())) } },
            ),
            ("http", "basic") => (
                format!("Credentials for `{name}` (HTTP basic)."),
                quote! {
                    pub fn #ident(self, username: impl Into<String>, password: impl Into<String>) -> Client {
                        self.credential(#name, Credential::Basic { username: username.into(), password: password.into() })
                    }
                },
            ),
            ("apiKey", _) => {
                let key = scheme.param_name.clone().unwrap_or_default();
                let variant = match scheme.location.as_deref() {
                    Some("header") => format_ident!("HeaderKey"),
                    Some("query") => format_ident!("QueryKey"),
                    Some("cookie") => format_ident!("CookieKey"),
                    other => {
                        let other = other.unwrap_or("(none)");
                        return Err(error_at(
                            spec,
                            scheme.loc,
                            format!("API key scheme `{name}`: `in: {other}` must be header, query or cookie"),
                        ));
                    }
                };
                (
                    format!(
                        "Credentials for `{name}`: an API key sent as `{key}` ({}).",
                        scheme.location.as_deref().unwrap_or_default()
                    ),
                    quote! {
                        pub fn #ident(self, key: impl Into<String>) -> Client {
                            self.credential(#name, Credential::#variant { name: #key.to_string(), value: key.into() })
                        }
                    },
                )
            }
            (kind, _) => {
                types.warn(
                    scheme.loc,
                    format!(
                        "security scheme `{name}` ({kind} {http}) is not supported: no credentials are sent for it"
                    ),
                );
                continue;
            }
        };
        let d = doc(&d);
        methods.push(quote! { #d #def });
    }
    let tokens = if methods.is_empty() {
        quote!()
    } else {
        quote! { impl Client { #(#methods)* } }
    };
    Ok((tokens, names))
}

fn lib_rs(spec: &Spec, options: &ClientOptions, has_operations: bool) -> Result<String, GenError> {
    let title = spec.title.clone().unwrap_or_else(|| "the API".into());
    let docs = tokens::inner_doc(&format!(
        "A typed client for {} (OpenAPI {}), generated by `schemagate gen client` (crate `{}`):\n\
         do not edit, change the API description and regenerate.\n\n\
         [`Client`] has one async method per operation; each returns the operation's\n\
         `<Operation>Response`, an enum of its documented responses.",
        tokens::schema_text(&title),
        spec.openapi_version,
        options.crate_name
    ));
    let absolute = |s: &&String| s.starts_with("http://") || s.starts_with("https://");
    // The document's first server; without one, the server every operation names (Twilio
    // declares its host on each path).
    let common = spec
        .operations
        .first()
        .and_then(|first| first.servers.first())
        .filter(|url| spec.operations.iter().all(|op| op.servers.first() == Some(*url)));
    let base = spec.servers.iter().find(absolute).or(common.filter(absolute));
    let base = base.map(|url| {
        quote! {
            /// The server of the API description.
            pub const DEFAULT_BASE_URL: &str = #url;
        }
    });
    let skip = quote!(#[rustfmt::skip]);
    // A document without operations (only components) has nothing in `client` to re-export.
    let reexport = has_operations.then(|| {
        quote!(
            pub use client::*;
        )
    });
    render(quote! {
        #docs

        // prettyplease's layout is not rustfmt's: `cargo fmt --check` leaves generated code alone.
        #skip pub mod client;
        #skip pub mod runtime;
        #skip pub mod types;

        #reexport
        pub use runtime::{Client, Credential, Error, RetryPolicy};

        #base
    })
}

fn cargo_toml(name: &str) -> String {
    format!(
        "# {marker} gen client from an OpenAPI document: do not edit, regenerate.\n\
         [package]\n\
         name = \"{name}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         rust-version = \"1.95\"\n\
         publish = false\n\
         description = \"A typed HTTP client (generated by schemagate).\"\n\
         \n\
         [dependencies]\n\
         reqwest = {{ version = \"0.13\", default-features = false, features = [\"json\", \"rustls\"] }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n\
         thiserror = \"2\"\n\
         tokio = {{ version = \"1\", features = [\"time\"] }}\n",
        marker = crate::write::MARKER,
    )
}

fn readme(spec: &Spec, options: &ClientOptions, methods: &[operations::Method]) -> String {
    let title = spec.title.clone().unwrap_or_else(|| "the API".into());
    let mut text = format!(
        "# {}\n\nA typed async client for {} (OpenAPI {}), generated by `schemagate gen client`.\n\
         Do not edit: change the API description and regenerate.\n\n\
         ```rust,ignore\n\
         let client = {}::Client::new(\"https://api.example.com\")?;\n\
         ```\n\n\
         `Client::with_http_client` takes your own `reqwest::Client`; `timeout` and `retry` set the\n\
         per-request timeout (30 s) and the retries of idempotent requests (3 attempts, exponential\n\
         backoff with jitter). Each method returns `Result<<Operation>Response, Error>`: the\n\
         response enum has one variant per documented status.\n\n## Operations\n\n",
        options.crate_name,
        title,
        spec.openapi_version,
        options.crate_name.replace('-', "_"),
    );
    for m in methods {
        text.push_str(&format!("- {}\n", m.summary));
    }
    if !spec.security_schemes.is_empty() {
        text.push_str("\n## Credentials\n\n");
        for name in spec.security_schemes.keys() {
            text.push_str(&format!("- `{name}`: `Client::with_{}`\n", naming::snake(name)));
        }
    }
    text
}

/// `file:line:col` of a location.
pub(crate) fn position(spec: &Spec, loc: Loc) -> String {
    let file = spec.files.get(loc.file).map(String::as_str).unwrap_or_default();
    format!("{file}:{}:{}", loc.pos.line.max(1), loc.pos.column.max(1))
}

/// An input error at a location of the spec.
pub(crate) fn error_at(spec: &Spec, loc: Loc, message: impl Into<String>) -> GenError {
    let file = spec.files.get(loc.file).cloned().unwrap_or_default();
    GenError::at(file, loc.pos.line.max(1), loc.pos.column.max(1), message)
}

pub(crate) fn doc(text: &str) -> TokenStream {
    tokens::doc(text)
}

pub(crate) fn render(tokens: TokenStream) -> Result<String, GenError> {
    tokens::render(tokens)
}
