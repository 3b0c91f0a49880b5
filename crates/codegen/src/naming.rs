//! Names in generated code: casing, Rust identifiers (keywords become raw identifiers; the few
//! keywords that cannot be raw are errors), and the module a topic maps to.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::Span;
use syn::Ident;

/// Rust keywords (strict and reserved, edition 2024) that work as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum",
    "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
    "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be identifiers at all, not even raw ones.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// `snake_case` (`order-placed.v1` → `order_placed_v1`, `displayName` → `display_name`).
pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// `UpperCamelCase` (`order_placed` → `OrderPlaced`, `DHL` → `Dhl`).
pub fn camel(name: &str) -> String {
    name.to_upper_camel_case()
}

/// The identifier for an already cased name: a keyword becomes a raw identifier (`r#type`);
/// `self`, `Self`, `super`, `crate`, `_`, an empty name, a name that starts with a digit and
/// one with characters outside ASCII letters, digits and `_` are errors (the message says why).
pub fn ident(name: &str) -> Result<Ident, String> {
    if name.is_empty() {
        return Err("an empty name is not a Rust identifier".to_string());
    }
    if NOT_RAW.contains(&name) {
        return Err(format!("`{name}` is a Rust keyword that cannot be used as a name, not even as r#{name}"));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(format!("`{name}` is not a Rust identifier (only ASCII letters, digits and _)"));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("`{name}` is not a Rust identifier (it starts with a digit)"));
    }
    if RAW_KEYWORDS.contains(&name) {
        return Ok(Ident::new_raw(name, Span::call_site()));
    }
    syn::parse_str::<Ident>(name).map_err(|_| format!("`{name}` is not a Rust identifier"))
}

/// The identifier's text as written in Rust (`r#type`).
pub fn ident_text(name: &str) -> Result<String, String> {
    ident(name).map(|i| i.to_string())
}

/// The module a topic maps to: `orders.order-placed.v1` → `orders_order_placed_v1`.
pub fn topic_module(topic: &str) -> String {
    snake(topic)
}

/// The file name of a module (`r#type` lives in `type.rs`).
pub fn module_file(module: &str) -> String {
    format!("{}.rs", module.trim_start_matches("r#"))
}

/// A default crate name for an output folder: its name in kebab case.
pub fn crate_name_for(dir: &std::path::Path) -> String {
    let name = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    heck::ToKebabCase::to_kebab_case(name.as_str())
}

/// Whether `name` is a valid Cargo package name (ASCII letters, digits, `-` and `_`, starting
/// with a letter).
pub fn is_crate_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !NOT_RAW.contains(&name)
        && !RAW_KEYWORDS.contains(&name.replace('-', "_").as_str())
        && name.len() <= 64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_raw_and_the_unusable_ones_are_errors() {
        assert_eq!(ident("type").unwrap().to_string(), "r#type");
        assert_eq!(ident("order_id").unwrap().to_string(), "order_id");
        assert!(ident("self").unwrap_err().contains("cannot be used"));
        assert!(ident("1st").unwrap_err().contains("digit"));
        assert!(ident("").is_err());
        assert!(ident("a-b").is_err());
    }

    #[test]
    fn topics_map_to_snake_case_modules() {
        assert_eq!(topic_module("orders.order-placed.v1"), "orders_order_placed_v1");
        assert_eq!(topic_module("Orders.OrderPlaced"), "orders_order_placed");
        assert_eq!(module_file("r#type"), "type.rs");
        assert_eq!(crate_name_for(std::path::Path::new("/x/Acme Events")), "acme-events");
        assert!(is_crate_name("acme-events") && !is_crate_name("1x") && !is_crate_name("self"));
    }
}
