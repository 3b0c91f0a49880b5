//! One async method per operation (`src/client.rs`): path parameters as arguments, query,
//! header and cookie parameters in a `<Operation>Params` struct, the request body last, and a
//! `<Operation>Response` enum with one variant per documented status.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use schemagate_openapi::Spec;
use schemagate_openapi::model::{MediaType, Operation, path_params};

use super::types::{Types, parse_type};
use super::{doc, error_at};
use crate::{GenError, naming};

/// A method of the client, with the items it needs (response enum, params struct).
pub(crate) struct Method {
    pub tokens: TokenStream,
    /// One line for the README: `name`: METHOD path.
    pub summary: String,
}

/// How a body travels, by content type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Json,
    Form,
    Text,
    Bytes,
}

fn encoding(content_type: &str) -> Encoding {
    let ct = content_type.to_ascii_lowercase();
    let essence = ct.split(';').next().unwrap_or_default().trim();
    if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" || essence == "application/*" {
        Encoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        Encoding::Form
    } else if essence.starts_with("text/") {
        Encoding::Text
    } else {
        Encoding::Bytes
    }
}

/// The content type to use of several: JSON, then form, then text, then anything else.
fn pick(content: &BTreeMap<String, MediaType>) -> Option<(&String, &MediaType, Encoding)> {
    let rank = |e: Encoding| match e {
        Encoding::Json => 0,
        Encoding::Form => 1,
        Encoding::Text => 2,
        Encoding::Bytes => 3,
    };
    content.iter().map(|(ct, mt)| (ct, mt, encoding(ct))).min_by_key(|(ct, _, e)| (rank(*e), ct.len()))
}

/// The method name of an operation: its operationId in snake_case, else `<method>_<path>`.
fn method_name(op: &Operation) -> String {
    let raw = match &op.operation_id {
        Some(id) => id.clone(),
        None => format!("{} {}", op.method.to_ascii_lowercase(), op.path),
    };
    let name: String = naming::snake(&raw).chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) { format!("op_{name}") } else { name }
}

/// The response variant of a status (`200` → `Ok`, `4XX` → `ClientError`, `default`).
fn status_variant(status: &str) -> String {
    let known = [
        ("200", "Ok"),
        ("201", "Created"),
        ("202", "Accepted"),
        ("203", "NonAuthoritativeInformation"),
        ("204", "NoContent"),
        ("205", "ResetContent"),
        ("206", "PartialContent"),
        ("300", "MultipleChoices"),
        ("301", "MovedPermanently"),
        ("302", "Found"),
        ("303", "SeeOther"),
        ("304", "NotModified"),
        ("307", "TemporaryRedirect"),
        ("308", "PermanentRedirect"),
        ("400", "BadRequest"),
        ("401", "Unauthorized"),
        ("402", "PaymentRequired"),
        ("403", "Forbidden"),
        ("404", "NotFound"),
        ("405", "MethodNotAllowed"),
        ("406", "NotAcceptable"),
        ("408", "RequestTimeout"),
        ("409", "Conflict"),
        ("410", "Gone"),
        ("411", "LengthRequired"),
        ("412", "PreconditionFailed"),
        ("413", "ContentTooLarge"),
        ("415", "UnsupportedMediaType"),
        ("416", "RangeNotSatisfiable"),
        ("417", "ExpectationFailed"),
        ("422", "UnprocessableEntity"),
        ("423", "Locked"),
        ("424", "FailedDependency"),
        ("428", "PreconditionRequired"),
        ("429", "TooManyRequests"),
        ("500", "InternalServerError"),
        ("501", "NotImplemented"),
        ("502", "BadGateway"),
        ("503", "ServiceUnavailable"),
        ("504", "GatewayTimeout"),
        ("1XX", "Informational"),
        ("2XX", "Success"),
        ("3XX", "Redirection"),
        ("4XX", "ClientError"),
        ("5XX", "ServerError"),
        ("default", "Default"),
    ];
    let upper = status.to_ascii_uppercase();
    let key = if upper == "DEFAULT" { "default".to_string() } else { upper };
    known.iter().find(|(s, _)| *s == key).map(|(_, v)| v.to_string()).unwrap_or_else(|| format!("Status{key}"))
}

/// What a status key matches, for ordering and the `match` arm; `None` for `default`.
fn status_pattern(status: &str) -> Result<Option<(u16, u16)>, String> {
    let upper = status.to_ascii_uppercase();
    if upper == "DEFAULT" {
        return Ok(None);
    }
    if let Some(first) = upper.strip_suffix("XX")
        && let Ok(d) = first.parse::<u16>()
        && (1..=5).contains(&d)
    {
        return Ok(Some((d * 100, d * 100 + 99)));
    }
    match upper.parse::<u16>() {
        Ok(code) if (100..=599).contains(&code) => Ok(Some((code, code))),
        _ => Err(format!("`{status}` is not a response status (100-599, 1XX-5XX or default)")),
    }
}

/// Builds every operation's method; duplicate operationIds (or ids that make the same method
/// name) are errors.
pub(crate) fn methods(spec: &Spec, types: &mut Types, reserved: &BTreeSet<String>) -> Result<Vec<Method>, GenError> {
    let mut seen: BTreeMap<String, &Operation> = BTreeMap::new();
    let mut ids: BTreeMap<&str, &Operation> = BTreeMap::new();
    let mut out = Vec::new();
    for op in &spec.operations {
        if let Some(id) = &op.operation_id
            && let Some(first) = ids.insert(id, op)
        {
            let at = super::position(spec, first.loc);
            return Err(error_at(spec, op.loc, format!("duplicate operationId `{id}` (also at {at})")));
        }
        let name = method_name(op);
        if let Some(first) = seen.get(&name) {
            let at = super::position(spec, first.loc);
            return Err(error_at(
                spec,
                op.loc,
                format!(
                    "this operation's method would be `{name}`, as the operation's at {at}; give them distinct operationIds"
                ),
            ));
        }
        if reserved.contains(&name) {
            return Err(error_at(
                spec,
                op.loc,
                format!("the method name `{name}` is taken by the client itself; rename the operationId"),
            ));
        }
        seen.insert(name.clone(), op);
        out.push(method(spec, types, op, &name)?);
    }
    Ok(out)
}

fn method(spec: &Spec, types: &mut Types, op: &Operation, name: &str) -> Result<Method, GenError> {
    let camel = naming::camel(name);
    let fn_ident = naming::ident(name).map_err(|e| error_at(spec, op.loc, e))?;
    let mut args = Vec::new();
    let mut setup = Vec::new();
    let mut items = Vec::new();

    // Path parameters, in the order of the template, as arguments.
    let mut path_format = String::new();
    let mut path_args = Vec::new();
    let mut rest = op.path.as_str();
    let mut used =
        BTreeSet::from(["self".to_string(), "params".into(), "body".into(), "request".into(), "response".into()]);
    for param in path_params(&op.path) {
        let start = rest.find('{').unwrap_or(rest.len());
        path_format.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        path_format.push_str("{}");
        rest = rest[start..].split_once('}').map(|(_, r)| r).unwrap_or("");
        let declared = op.parameters.iter().find(|p| p.location == "path" && p.name == param);
        let Some(declared) = declared else {
            return Err(error_at(spec, op.loc, format!("path parameter `{param}` of `{}` is not declared", op.path)));
        };
        let mut arg =
            naming::snake(&param).chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
        if arg.is_empty() || arg.starts_with(|c: char| c.is_ascii_digit()) || used.contains(&arg) {
            arg = format!("path_{arg}");
        }
        used.insert(arg.clone());
        let arg_ident = naming::ident(&arg).map_err(|e| error_at(spec, declared.loc, e))?;
        let ty = match declared.schema {
            Some(id) => types.type_of(id, &format!("{camel}{}", naming::camel(&param)))?.text,
            None => "String".into(),
        };
        let resolved = types.resolve(&ty);
        let arg_ty = if resolved == "String" {
            "&str".to_string()
        } else if is_copy(resolved) {
            ty
        } else {
            format!("&{ty}")
        };
        let arg_ty = parse_type(&arg_ty)?;
        args.push(quote! { #arg_ident: #arg_ty });
        let pname = param.as_str();
        path_args.push(quote! { runtime::path_segment(#pname, &#arg_ident)? });
    }
    path_format.push_str(&rest.replace('{', "{{").replace('}', "}}"));

    // Query, header and cookie parameters, in a struct.
    let others: Vec<_> =
        op.parameters.iter().filter(|p| matches!(p.location.as_str(), "query" | "header" | "cookie")).collect();
    if !others.is_empty() {
        let params_name = types.fresh_name(&format!("{camel}Params"));
        let params_ident = format_ident!("{}", params_name);
        let mut fields = Vec::new();
        let mut defaultable = true;
        let mut fused = BTreeSet::new();
        for p in &others {
            let mut field: String =
                naming::snake(&p.name).chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if field.is_empty() || field.starts_with(|c: char| c.is_ascii_digit()) {
                field = format!("param_{field}");
            }
            while !fused.insert(field.clone()) {
                field = format!("{field}_{}", p.location);
            }
            let field_ident = naming::ident(&field).map_err(|e| error_at(spec, p.loc, e))?;
            let ty = match p.schema {
                Some(id) => types.type_of(id, &format!("{camel}{}", naming::camel(&p.name)))?.maybe(),
                None => "String".into(),
            };
            let text = if p.required { ty } else { format!("Option<{ty}>") };
            defaultable &= text.starts_with("Option<") || is_default(types.resolve(&text));
            let ty = parse_type(&text)?;
            let what = format!("`{}` ({} parameter{})", p.name, p.location, if p.required { ", required" } else { "" });
            let d = doc(&what);
            fields.push(quote! { #d pub #field_ident: #ty, });
            let pname = p.name.as_str();
            setup.push(match p.location.as_str() {
                "query" => match (p.style.as_str(), p.explode) {
                    ("deepObject", _) => quote! { request.query_deep(#pname, &params.#field_ident)?; },
                    ("spaceDelimited", false) => {
                        quote! { request.query_delimited(#pname, &params.#field_ident, " ")?; }
                    }
                    ("pipeDelimited", false) => quote! { request.query_delimited(#pname, &params.#field_ident, "|")?; },
                    (_, explode) => quote! { request.query(#pname, &params.#field_ident, #explode)?; },
                },
                "header" => quote! { request.header(#pname, &params.#field_ident)?; },
                _ => quote! { request.cookie(#pname, &params.#field_ident)?; },
            });
        }
        let derive_default = defaultable.then(|| quote!(Default,));
        let d = doc(&format!("The query, header and cookie parameters of [`Client::{name}`]."));
        items.push(quote! {
            #d
            #[derive(Debug, Clone, PartialEq, #derive_default)]
            pub struct #params_ident { #(#fields)* }
        });
        args.push(quote! { params: &#params_ident });
    }

    // The request body.
    if let Some(body) = &op.request_body
        && let Some((content_type, media, enc)) = pick(&body.content)
    {
        let ty = match (enc, media.schema) {
            (Encoding::Text, _) => "str".to_string(),
            (Encoding::Bytes, _) => "[u8]".to_string(),
            (_, Some(id)) => types.type_of(id, &format!("{camel}Body"))?.maybe(),
            (_, None) => "serde_json::Value".to_string(),
        };
        if content_type.to_ascii_lowercase().starts_with("multipart/") {
            types.warn(
                media.loc,
                format!("`{content_type}` bodies are sent as bytes the caller encodes (no multipart encoder)"),
            );
        }
        let ty = parse_type(&ty)?;
        let ct = content_type.as_str();
        let send = match enc {
            Encoding::Json => quote! { request.json(#ct, body)?; },
            Encoding::Form => quote! { request.form(body)?; },
            Encoding::Text => quote! { request.raw(#ct, body.as_bytes()); },
            Encoding::Bytes => quote! { request.raw(#ct, body); },
        };
        if body.required {
            args.push(quote! { body: &#ty });
            setup.push(send);
        } else {
            args.push(quote! { body: Option<&#ty> });
            setup.push(quote! { if let Some(body) = body { #send } });
        }
    }

    // Responses.
    let response_name = types.fresh_name(&format!("{camel}Response"));
    let response_ident = format_ident!("{}", response_name);
    let mut statuses: Vec<(Option<(u16, u16)>, &String)> = Vec::new();
    for (status, response) in &op.responses {
        let pattern = status_pattern(status).map_err(|e| error_at(spec, response.loc, e))?;
        statuses.push((pattern, status));
    }
    // Exact codes first, then ranges, then default.
    statuses.sort_by_key(|(p, _)| match p {
        Some((lo, hi)) => (0, hi - lo, *lo),
        None => (1, 0, 0),
    });
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut fallback = None;
    let mut default_value = None;
    for (pattern, status) in &statuses {
        let response = &op.responses[*status];
        let variant = format_ident!("{}", status_variant(status));
        let carries_status = pattern.is_none_or(|(lo, hi)| lo != hi);
        let body = match pick(&response.content) {
            Some((_, media, enc)) => Some(match (enc, media.schema) {
                (Encoding::Text, _) => ("String".to_string(), quote!(runtime::text(response).await?)),
                (Encoding::Bytes, _) => ("Vec<u8>".to_string(), quote!(runtime::bytes(response).await?)),
                (_, Some(id)) => {
                    let ty = types.type_of(id, &format!("{camel}{}", status_variant(status)))?.maybe();
                    (ty, quote!(runtime::json(response).await?))
                }
                (_, None) => ("serde_json::Value".to_string(), quote!(runtime::json(response).await?)),
            }),
            None => None,
        };
        let headers = response_headers(spec, types, response, &format!("{camel}{}Headers", status_variant(status)))?;
        let d = doc(&format!("`{status}`"));
        let (def, value) = match (&body, carries_status, &headers) {
            (Some((ty, read)), false, None) => {
                let ty = parse_type(ty)?;
                (quote! { #d #variant(#ty), }, quote! { #response_ident::#variant(#read) })
            }
            (None, false, None) => (quote! { #d #variant, }, quote! { #response_ident::#variant }),
            _ => {
                let mut fields = Vec::new();
                let mut values = Vec::new();
                let mut setup = None;
                if carries_status {
                    fields.push(quote!(status: u16));
                    values.push(quote!(status));
                }
                if let Some((ty, read)) = &body {
                    let ty = parse_type(ty)?;
                    fields.push(quote!(body: #ty));
                    values.push(quote!(body: #read));
                }
                if let Some((ident, read, item)) = headers {
                    fields.push(quote!(headers: #ident));
                    values.push(quote!(headers));
                    // Headers first: reading the body consumes the response.
                    setup = Some(quote! { let headers = #read; });
                    items.push(item);
                }
                let value = quote! { #response_ident::#variant { #(#values),* } };
                let value = match setup {
                    Some(setup) => quote! { { #setup #value } },
                    None => value,
                };
                (quote! { #d #variant { #(#fields),* }, }, value)
            }
        };
        variants.push(def);
        match pattern {
            Some((lo, hi)) if lo == hi => {
                let lo = proc_macro2::Literal::u16_unsuffixed(*lo);
                arms.push(quote! { #lo => Ok(#value), })
            }
            Some((lo, hi)) => {
                let (lo, hi) = (proc_macro2::Literal::u16_unsuffixed(*lo), proc_macro2::Literal::u16_unsuffixed(*hi));
                arms.push(quote! { #lo..=#hi => Ok(#value), })
            }
            None => {
                default_value = Some(value.clone());
                fallback = Some(quote! { _ => Ok(#value), });
            }
        }
    }
    let dispatch = if arms.is_empty() {
        // Only a `default` response (or none): no `match` on the status.
        match default_value {
            Some(value) => quote! { Ok(#value) },
            None => quote! { let _ = status; Err(runtime::unexpected(response).await) },
        }
    } else {
        let fallback = fallback.unwrap_or_else(|| quote! { _ => Err(runtime::unexpected(response).await), });
        quote! { match status { #(#arms)* #fallback } }
    };
    let d = doc(&format!("The documented responses of [`Client::{name}`]."));
    items.push(quote! {
        #d
        #[derive(Debug, Clone, PartialEq)]
        pub enum #response_ident { #(#variants)* }
    });

    // Security: the operation's alternatives, else the document's.
    let requirements = op.security.as_ref().unwrap_or(&spec.security);
    let alternatives: Vec<TokenStream> = requirements
        .iter()
        .map(|req| {
            let names = req.keys().map(String::as_str);
            quote! { &[#(#names),*] }
        })
        .collect();

    let method = format_ident!("{}", op.method.to_ascii_uppercase());
    let path_expr = if path_args.is_empty() {
        quote! { #path_format.to_string() }
    } else {
        quote! { format!(#path_format, #(#path_args),*) }
    };
    let d = doc(&match &op.summary {
        Some(s) => format!("`{} {}`: {}", op.method, op.path, crate::rust::tokens::schema_text(s)),
        None => format!("`{} {}`", op.method, op.path),
    });
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let allow = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let mutability = if setup.is_empty() { quote!() } else { quote!(mut) };
    let tokens = quote! {
        #(#items)*

        impl Client {
            #d
            #deprecated
            #allow
            pub async fn #fn_ident(&self, #(#args),*) -> Result<#response_ident, runtime::Error> {
                let #mutability request = runtime::Request::new(reqwest::Method::#method, #path_expr);
                #(#setup)*
                let response = self.send(request, &[#(#alternatives),*]).await?;
                let status = response.status().as_u16();
                #dispatch
            }
        }
    };
    Ok(Method { tokens, summary: format!("`{name}`: {} {}", op.method, op.path) })
}

/// The typed headers of a response: a `<Op><Status>Headers` struct, the expression that reads
/// them, and the struct's definition; `None` when the response documents none (`Content-Type`
/// is not a header parameter, as the specification says).
fn response_headers(
    spec: &Spec,
    types: &mut Types,
    response: &schemagate_openapi::model::Response,
    hint: &str,
) -> Result<Option<(syn::Ident, TokenStream, TokenStream)>, GenError> {
    let documented: Vec<_> =
        response.headers.iter().filter(|(name, _)| !name.eq_ignore_ascii_case("content-type")).collect();
    if documented.is_empty() {
        return Ok(None);
    }
    let name = types.fresh_name(hint);
    let ident = format_ident!("{}", name);
    let mut fields = Vec::new();
    let mut reads = Vec::new();
    let mut used = BTreeSet::new();
    for (header, h) in documented {
        let mut field: String =
            naming::snake(header).chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if field.is_empty() || field.starts_with(|c: char| c.is_ascii_digit()) {
            field = format!("header_{field}");
        }
        while !used.insert(field.clone()) {
            field.push('_');
        }
        let field_ident = naming::ident(&field).map_err(|e| error_at(spec, h.loc, e))?;
        let ty = match h.schema {
            Some(id) => types.type_of(id, &format!("{name}{}", naming::camel(header)))?.maybe(),
            None => "String".to_string(),
        };
        let (text, read) = if h.required {
            (ty, quote!(runtime::required_header(&response, #header)?))
        } else {
            (format!("Option<{ty}>"), quote!(runtime::header(&response, #header)?))
        };
        let ty = parse_type(&text)?;
        let d = doc(&format!("`{header}`{}", if h.required { " (required)" } else { "" }));
        fields.push(quote! { #d pub #field_ident: #ty, });
        reads.push(quote! { #field_ident: #read, });
    }
    let d = doc("The documented headers of a response.");
    let item = quote! {
        #d
        #[derive(Debug, Clone, PartialEq)]
        pub struct #ident { #(#fields)* }
    };
    Ok(Some((ident.clone(), quote! { #ident { #(#reads)* } }, item)))
}

fn is_copy(ty: &str) -> bool {
    matches!(ty, "i32" | "i64" | "u32" | "u64" | "f32" | "f64" | "bool")
}

fn is_default(ty: &str) -> bool {
    is_copy(ty)
        || ty == "String"
        || ty.starts_with("Vec<")
        || ty.starts_with("std::collections::BTreeMap<")
        || ty == "serde_json::Value"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_name_variants_and_ranges_keep_their_bounds() {
        assert_eq!(status_variant("200"), "Ok");
        assert_eq!(status_variant("4XX"), "ClientError");
        assert_eq!(status_variant("4xx"), "ClientError");
        assert_eq!(status_variant("default"), "Default");
        assert_eq!(status_variant("299"), "Status299");
        assert_eq!(status_pattern("404"), Ok(Some((404, 404))));
        assert_eq!(status_pattern("5XX"), Ok(Some((500, 599))));
        assert_eq!(status_pattern("default"), Ok(None));
        assert!(status_pattern("600").is_err() && status_pattern("9XX").is_err() && status_pattern("ok").is_err());
    }

    #[test]
    fn content_types_choose_the_encoding() {
        assert!(encoding("application/json; charset=utf-8") == Encoding::Json);
        assert!(encoding("application/problem+json") == Encoding::Json);
        assert!(encoding("application/x-www-form-urlencoded") == Encoding::Form);
        assert!(encoding("text/html") == Encoding::Text);
        assert!(encoding("application/pdf") == Encoding::Bytes);
    }

    #[test]
    fn methods_are_named_after_the_operation_id_else_the_route() {
        let op = |id: Option<&str>| Operation {
            method: "GET".into(),
            path: "/pets/{petId}/toys".into(),
            operation_id: id.map(str::to_string),
            ..Operation::default()
        };
        assert_eq!(method_name(&op(Some("findPetById"))), "find_pet_by_id");
        assert_eq!(method_name(&op(Some("Pets.List"))), "pets_list");
        assert_eq!(method_name(&op(None)), "get_pets_pet_id_toys");
        assert_eq!(method_name(&op(Some("2fa"))), "op_2fa");
    }
}
