//! `src/payloads.rs`: the schemas as registered (one `SchemaDef` constant per schema document,
//! with its references) and one `impl Payload` per value or key type, whichever topics use it.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::tokens;
use crate::GenError;

/// The schema formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Protobuf,
    Avro,
    Json,
}

impl Kind {
    fn variant(self) -> TokenStream {
        match self {
            Kind::Protobuf => quote!(SchemaKind::Protobuf),
            Kind::Avro => quote!(SchemaKind::Avro),
            Kind::Json => quote!(SchemaKind::Json),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Protobuf => "Protobuf",
            Kind::Avro => "Avro",
            Kind::Json => "JSON Schema",
        }
    }
}

/// A schema document as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SchemaDoc {
    kind: Kind,
    /// What the constant is named after (an import path, a full name, a file name).
    hint: String,
    /// Shown in its doc comment.
    origin: String,
    text: String,
    /// (reference name, subject, document)
    references: Vec<(String, String, usize)>,
}

/// One `impl Payload`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PayloadImpl {
    pub type_path: String,
    pub kind: Kind,
    pub record_name: String,
    pub indexes: Vec<i32>,
    /// The document in [`Payloads`].
    pub schema: usize,
}

#[derive(Default)]
pub(crate) struct Payloads {
    docs: Vec<SchemaDoc>,
    impls: BTreeMap<String, PayloadImpl>,
}

impl Payloads {
    /// Adds a schema document (once per identical document) and answers its index.
    pub fn add_doc(
        &mut self,
        kind: Kind,
        hint: &str,
        origin: &str,
        text: &str,
        references: Vec<(String, String, usize)>,
    ) -> usize {
        let doc =
            SchemaDoc { kind, hint: hint.to_string(), origin: origin.to_string(), text: text.to_string(), references };
        if let Some(i) =
            self.docs.iter().position(|d| d.kind == doc.kind && d.text == doc.text && d.references == doc.references)
        {
            return i;
        }
        self.docs.push(doc);
        self.docs.len() - 1
    }

    /// Adds the impl of a type; a type used again must come with the same schema.
    pub fn add_impl(&mut self, payload: PayloadImpl) -> Result<(), String> {
        match self.impls.get(&payload.type_path) {
            Some(existing) if *existing != payload => Err(format!(
                "{} is used with two different schemas ({} and {})",
                payload.type_path, self.docs[existing.schema].origin, self.docs[payload.schema].origin
            )),
            Some(_) => Ok(()),
            None => {
                self.impls.insert(payload.type_path.clone(), payload);
                Ok(())
            }
        }
    }

    /// Constant names, one per document, unique.
    fn names(&self) -> Vec<String> {
        let mut used: BTreeSet<String> = BTreeSet::new();
        let mut names = Vec::new();
        for doc in &self.docs {
            let base = doc.hint.replace(['/', '.', '-'], "_").to_shouty_snake_case();
            let base =
                if base.starts_with(|c: char| c.is_ascii_alphabetic()) { base } else { format!("SCHEMA_{base}") };
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            names.push(name);
        }
        names
    }

    pub fn generate(&self) -> Result<String, GenError> {
        let names = self.names();
        let mut order: Vec<usize> = (0..self.docs.len()).collect();
        order.sort_by(|a, b| names[*a].cmp(&names[*b]));
        let mut consts = Vec::new();
        for i in order {
            let doc = &self.docs[i];
            let name = format_ident!("{}", names[i]);
            let kind = doc.kind.variant();
            let text = raw_string(&doc.text);
            let references = doc.references.iter().map(|(reference, subject, target)| {
                let target = format_ident!("{}", names[*target]);
                quote! { ReferenceDef { name: #reference, subject: #subject, schema: &#target } }
            });
            let docs = tokens::doc(&format!("`{}` ({}), as registered.", doc.origin, doc.kind.label()));
            consts.push(quote! {
                #docs
                pub const #name: SchemaDef = SchemaDef {
                    kind: #kind,
                    text: #text,
                    references: &[#(#references),*],
                };
            });
        }
        let mut impls = Vec::new();
        for p in self.impls.values() {
            let ty = tokens::path(&p.type_path)?;
            let schema = format_ident!("{}", names[p.schema]);
            let record = &p.record_name;
            let indexes = p.indexes.iter().map(|i| proc_macro2::Literal::i32_unsuffixed(*i));
            let (encode, decode, writer) = match p.kind {
                Kind::Protobuf => {
                    (quote!(wire::encode_protobuf(self, out)), quote!(wire::decode_protobuf(payload)), quote!(_writer))
                }
                Kind::Avro => (
                    quote!(avro::encode(self, Self::SCHEMA, out)),
                    quote!(avro::decode(payload, writer, Self::SCHEMA)),
                    quote!(writer),
                ),
                Kind::Json => {
                    (quote!(wire::encode_json(self, out)), quote!(wire::decode_json(payload)), quote!(_writer))
                }
            };
            impls.push(quote! {
                impl Payload for #ty {
                    const SCHEMA: &'static SchemaDef = &#schema;
                    const RECORD_NAME: &'static str = #record;
                    const MESSAGE_INDEXES: &'static [i32] = &[#(#indexes),*];

                    fn encode(&self, out: &mut Vec<u8>) -> Result<(), CodecError> {
                        #encode
                    }

                    fn decode(payload: &[u8], #writer: &WriterSchema) -> Result<Self, CodecError> {
                        #decode
                    }
                }
            });
        }
        let kinds: BTreeSet<Kind> = self.impls.values().map(|p| p.kind).collect();
        let wire = (kinds.contains(&Kind::Protobuf) || kinds.contains(&Kind::Json)).then(|| quote!(wire,));
        let avro = kinds.contains(&Kind::Avro).then(|| quote!(avro,));
        let reference_def = self.docs.iter().any(|d| !d.references.is_empty()).then(|| quote!(ReferenceDef,));
        let file = quote! {
            //! The schemas of the topics' values and keys as they are registered (each with the
            //! schemas it references), and how each value or key type is written and read.

            use crate::runtime::{CodecError, Payload, #reference_def SchemaDef, SchemaKind, WriterSchema, #avro #wire};

            #(#consts)*
            #(#impls)*
        };
        tokens::render(file)
    }
}

/// A raw string literal holding `text` (with as many `#` as it needs).
pub(crate) fn raw_string(text: &str) -> syn::LitStr {
    if text.contains('\r') {
        // A raw string cannot hold a bare carriage return.
        return syn::LitStr::new(text, proc_macro2::Span::call_site());
    }
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    syn::parse_str(&format!("r{hashes}\"{text}\"{hashes}"))
        .unwrap_or_else(|_| syn::LitStr::new(text, proc_macro2::Span::call_site()))
}
