//! Rust names for what the API names: fields, enum variants, types.

use std::collections::BTreeSet;

use crate::{GenError, naming};

/// A snake_case field name for `prop`, unique in `used`.
pub(crate) fn field_name(prop: &str, used: &mut BTreeSet<String>) -> String {
    let mut base: String = naming::snake(prop).chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
        base = format!("field_{base}");
    }
    if ["self", "crate", "super", "_"].contains(&base.as_str()) {
        base.push('_');
    }
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    used.insert(name.clone());
    name
}

/// An UpperCamelCase variant name for an enum value, unique in `used`.
pub(crate) fn variant_name(value: &str, used: &mut BTreeSet<String>) -> String {
    let symbols = [(".", "Dot"), ("*", "Star"), ("+", "Plus"), ("-", "Minus"), ("", "Empty"), ("/", "Slash")];
    let mut base = match symbols.iter().find(|(s, _)| *s == value) {
        Some((_, name)) => name.to_string(),
        None => naming::camel(value).chars().filter(char::is_ascii_alphanumeric).collect(),
    };
    if base.is_empty() {
        base = "Value".into();
    } else if base.starts_with(|c: char| c.is_ascii_digit()) {
        base = format!("Value{base}");
    } else if base == "Self" {
        base = "SelfValue".into();
    }
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    used.insert(name.clone());
    name
}

pub(crate) fn parse_type(text: &str) -> Result<syn::Type, GenError> {
    syn::parse_str(text).map_err(|e| GenError::Input(format!("internal error: `{text}` is not a type: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_snake_case_unique_and_never_unusable() {
        let mut used = BTreeSet::new();
        assert_eq!(field_name("petType", &mut used), "pet_type");
        assert_eq!(field_name("pet_type", &mut used), "pet_type_2");
        assert_eq!(field_name("type", &mut used), "type");
        assert_eq!(field_name("self", &mut used), "self_");
        assert_eq!(field_name("3d", &mut used), "field_3d");
        assert_eq!(field_name("@id", &mut used), "id");
        assert_eq!(field_name("$", &mut used), "field_");
    }

    #[test]
    fn variants_are_camel_case_and_symbols_get_names() {
        let mut used = BTreeSet::new();
        let names: Vec<String> = [".", "X", "card_payment", "card-payment", "", "1d", "Self"]
            .iter()
            .map(|v| variant_name(v, &mut used))
            .collect();
        assert_eq!(names, ["Dot", "X", "CardPayment", "CardPayment2", "Empty", "Value1d", "SelfValue"]);
    }
}
