//! Field rules: type, cardinality, name, JSON name, oneof, defaults, string handling options.

use super::{
    ALL_FOUR, At, Check, ConfigVersion, FILE_PACKAGE, FILE_PACKAGE_WIRE_JSON, FieldRef, Membership, Out, Rule,
    field_description, field_description_with_name,
};
use crate::ast::{CppStringType, Field, FieldPresence, Kind, Label, Span, Syntax, Value, find_option};
use crate::engine::Pair;
use crate::link::{FeatureName, feature_option};
use crate::rules::Category::{File as F, Package as P, Wire as W, WireJson as WJ};

fn kind(f: &Field) -> Kind {
    f.kind.unwrap_or(Kind::Message)
}

fn in_map_entry(f: FieldRef) -> bool {
    f.parent.is_some_and(|m| m.map_entry)
}

fn at(f: FieldRef, span: Span) -> At {
    At::Span(f.file, span)
}

/// Explicit option location, else the field (buf's backup location).
fn option_or_field<'a>(f: FieldRef<'a>, option: Option<&crate::ast::OptionDecl>) -> At<'a> {
    at(f, option.map(|o| o.span).unwrap_or(f.field.span))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cardinality {
    OptionalExplicit,
    OptionalImplicit,
    Required,
    Repeated,
    Map,
}

impl Cardinality {
    fn name(self) -> &'static str {
        match self {
            Cardinality::OptionalExplicit => "optional with explicit presence",
            Cardinality::OptionalImplicit => "optional with implicit presence",
            Cardinality::Required => "required",
            Cardinality::Repeated => "repeated",
            Cardinality::Map => "map",
        }
    }
    fn wire_group(self) -> u8 {
        match self {
            Cardinality::OptionalExplicit | Cardinality::OptionalImplicit => 1,
            Cardinality::Required => 2,
            Cardinality::Repeated | Cardinality::Map => 3,
        }
    }
    fn wire_json_group(self) -> u8 {
        match self {
            Cardinality::Map => 4,
            other => other.wire_group(),
        }
    }
}

fn has_presence(f: FieldRef) -> bool {
    let field = f.field;
    if field.label == Some(Label::Repeated) {
        return false;
    }
    let k = kind(field);
    let composite = matches!(k, Kind::Message | Kind::Group);
    match f.file.syntax {
        Syntax::Proto2 => true,
        Syntax::Proto3 => composite || field.oneof.is_some() || field.extendee.is_some(),
        Syntax::Edition2023 | Syntax::Edition2024 => {
            composite
                || field.oneof.is_some()
                || field.extendee.is_some()
                || field.features.field_presence != FieldPresence::Implicit
        }
    }
}

fn cardinality(f: FieldRef) -> Cardinality {
    let field = f.field;
    if field.is_map {
        Cardinality::Map
    } else if field.label == Some(Label::Repeated) {
        Cardinality::Repeated
    } else if field.label == Some(Label::Required)
        || (f.file.syntax.is_editions()
            && field.features.field_presence == FieldPresence::LegacyRequired
            && field.extendee.is_none())
    {
        Cardinality::Required
    } else if has_presence(f) {
        Cardinality::OptionalExplicit
    } else {
        Cardinality::OptionalImplicit
    }
}

fn check_cardinality(prev: FieldRef, cur: FieldRef, out: &mut Out, group: fn(Cardinality) -> u8) {
    if in_map_entry(prev) && in_map_entry(cur) {
        return;
    }
    let (before, after) = (cardinality(prev), cardinality(cur));
    if group(before) != group(after) {
        out.add(
            at(cur, cur.field.span),
            Some(prev.file),
            format!(
                "{} changed cardinality from \"{}\" to \"{}\".",
                field_description(cur),
                before.name(),
                after.name()
            ),
        );
    }
}

pub const FIELD_SAME_CARDINALITY: Rule = Rule::new(
    "FIELD_SAME_CARDINALITY",
    "Checks that fields have the same cardinalities in a given message.",
    FILE_PACKAGE.v1beta1(&[F, P, WJ, W]),
    Check::Fields(|p, c, _, o| check_cardinality(p, c, o, |c| c as u8)),
);

pub const FIELD_WIRE_COMPATIBLE_CARDINALITY: Rule = Rule::new(
    "FIELD_WIRE_COMPATIBLE_CARDINALITY",
    "Checks that fields have wire-compatible cardinalities in a given message.",
    Membership::new(&[W]),
    Check::Fields(|p, c, _, o| check_cardinality(p, c, o, Cardinality::wire_group)),
);

pub const FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY: Rule = Rule::new(
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
    "Checks that fields have wire and JSON compatible cardinalities in a given message.",
    Membership::new(&[WJ]).csr(),
    Check::Fields(|p, c, _, o| check_cardinality(p, c, o, Cardinality::wire_json_group)),
);

pub const FIELD_SAME_LABEL: Rule = Rule {
    replacements: &[(
        ConfigVersion::V1,
        &["FIELD_SAME_CARDINALITY", "FIELD_WIRE_COMPATIBLE_CARDINALITY", "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"],
    )],
    ..Rule::new(
        "FIELD_SAME_LABEL",
        "Deprecated (v1beta1, v1): checks that fields have the same labels; replaced by the cardinality rules.",
        Membership::new(&[]),
        Check::Deprecated,
    )
};

pub const FIELD_SAME_CTYPE: Rule = Rule {
    replacements: &[(ConfigVersion::V1, &["FIELD_SAME_CPP_STRING_TYPE"])],
    ..Rule::new(
        "FIELD_SAME_CTYPE",
        "Deprecated (v1beta1, v1): checks that fields have the same value for the ctype option; replaced by FIELD_SAME_CPP_STRING_TYPE.",
        Membership::new(&[]),
        Check::Deprecated,
    )
};

/// protoreflect's name for a kind, with delimited messages spelled out outside proto2.
fn kind_pretty(f: FieldRef) -> &'static str {
    match kind(f.field) {
        Kind::Group if f.file.syntax != Syntax::Proto2 => "message (delimited encoding)",
        k => k.name(),
    }
}

fn report_kind_change(prev: FieldRef, cur: FieldRef, out: &mut Out, extra: &str) {
    let extra = if extra.is_empty() { String::new() } else { format!(" {extra}") };
    out.add(
        at(cur, cur.field.type_span),
        Some(prev.file),
        format!(
            "{} changed type from \"{}\" to \"{}\".{extra}",
            field_description(cur),
            kind_pretty(prev),
            kind_pretty(cur)
        ),
    );
}

fn report_type_name_change(prev: FieldRef, cur: FieldRef, out: &mut Out) {
    out.add(
        at(cur, cur.field.type_span),
        Some(prev.file),
        format!(
            "{} changed type from \"{}\" to \"{}\".",
            field_description(cur),
            prev.field.type_name,
            cur.field.type_name
        ),
    );
}

pub const FIELD_SAME_TYPE: Rule = Rule::new(
    "FIELD_SAME_TYPE",
    "Checks that fields have the same types in a given message.",
    FILE_PACKAGE.csr().v1beta1(&[F, P, WJ, W]),
    Check::Fields(field_same_type),
);

fn field_same_type(prev: FieldRef, cur: FieldRef, _: &Pair, out: &mut Out) {
    if kind(prev.field) != kind(cur.field) {
        report_kind_change(prev, cur, out, "");
    } else if matches!(kind(cur.field), Kind::Enum | Kind::Group | Kind::Message)
        && prev.field.type_name != cur.field.type_name
    {
        report_type_name_change(prev, cur, out);
    }
}

fn wire_group(k: Kind) -> u8 {
    match k {
        Kind::Int32 | Kind::Int64 | Kind::Uint32 | Kind::Uint64 | Kind::Bool => 1,
        Kind::Sint32 | Kind::Sint64 => 2,
        Kind::String => 3,
        Kind::Bytes => 4,
        Kind::Fixed32 | Kind::Sfixed32 => 5,
        Kind::Fixed64 | Kind::Sfixed64 => 6,
        Kind::Double => 7,
        Kind::Float => 8,
        Kind::Group => 9,
        Kind::Message => 10,
        Kind::Enum => 11,
    }
}

fn wire_json_group(k: Kind) -> u8 {
    match k {
        Kind::Int32 | Kind::Uint32 => 1,
        Kind::Int64 | Kind::Uint64 => 2,
        Kind::Fixed32 | Kind::Sfixed32 => 3,
        Kind::Fixed64 | Kind::Sfixed64 => 4,
        Kind::Bool => 5,
        Kind::Sint32 => 6,
        Kind::Sint64 => 7,
        Kind::String => 8,
        Kind::Bytes => 9,
        Kind::Double => 10,
        Kind::Float => 11,
        Kind::Group => 12,
        Kind::Message => 13,
        Kind::Enum => 14,
    }
}

const WIRE_RULES: &str =
    "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.";

/// An enum type change is compatible when the short name is the same and the new enum keeps
/// every previous value (name and number).
fn check_enum_compatible(prev: FieldRef, cur: FieldRef, pair: &Pair, out: &mut Out) {
    let before = pair.previous.enums.get(prev.field.type_name.as_str());
    let after = pair.current.enums.get(cur.field.type_name.as_str());
    let compatible = match (before, after) {
        (Some(b), Some(a)) => {
            b.enumeration.name == a.enumeration.name
                && b.enumeration
                    .values
                    .iter()
                    .all(|v| a.enumeration.values.iter().any(|w| w.name == v.name && w.number == v.number))
        }
        _ => false,
    };
    if !compatible {
        report_type_name_change(prev, cur, out);
    }
}

/// Same kind, different enum/message type: enums may be compatible, messages are not.
fn check_named_type(prev: FieldRef, cur: FieldRef, pair: &Pair, out: &mut Out) {
    if prev.field.type_name == cur.field.type_name {
        return;
    }
    match kind(cur.field) {
        Kind::Enum => check_enum_compatible(prev, cur, pair, out),
        Kind::Group | Kind::Message => report_type_name_change(prev, cur, out),
        _ => {}
    }
}

pub const FIELD_WIRE_COMPATIBLE_TYPE: Rule = Rule::new(
    "FIELD_WIRE_COMPATIBLE_TYPE",
    "Checks that fields have wire-compatible types in a given message.",
    Membership::new(&[W]).since(ConfigVersion::V1),
    Check::Fields(field_wire_compatible_type),
);

fn field_wire_compatible_type(prev: FieldRef, cur: FieldRef, pair: &Pair, out: &mut Out) {
    let (before, after) = (kind(prev.field), kind(cur.field));
    if wire_group(before) != wire_group(after) {
        match (before, after) {
            (Kind::String, Kind::Bytes) => {}
            (Kind::Bytes, Kind::String) => report_kind_change(
                prev,
                cur,
                out,
                &format!(
                    "{WIRE_RULES} Note that while string and bytes are compatible if the data is valid UTF-8, there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible."
                ),
            ),
            _ => report_kind_change(prev, cur, out, WIRE_RULES),
        }
        return;
    }
    check_named_type(prev, cur, pair, out);
}

pub const FIELD_WIRE_JSON_COMPATIBLE_TYPE: Rule = Rule::new(
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
    "Checks that fields have wire and JSON compatible types in a given message.",
    Membership::new(&[WJ]).csr().since(ConfigVersion::V1),
    Check::Fields(field_wire_json_compatible_type),
);

fn field_wire_json_compatible_type(prev: FieldRef, cur: FieldRef, pair: &Pair, out: &mut Out) {
    let (before, after) = (kind(prev.field), kind(cur.field));
    if wire_json_group(before) != wire_json_group(after) {
        report_kind_change(
            prev,
            cur,
            out,
            "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.",
        );
        return;
    }
    check_named_type(prev, cur, pair, out);
}

pub const FIELD_SAME_NAME: Rule = Rule::new(
    "FIELD_SAME_NAME",
    "Checks that fields have the same names in a given message.",
    FILE_PACKAGE_WIRE_JSON.csr(),
    Check::Fields(field_same_name),
);

fn field_same_name(prev: FieldRef, cur: FieldRef, _: &Pair, out: &mut Out) {
    let name = |f: FieldRef| {
        if f.field.extendee.is_some() { f.field.full_name.clone() } else { f.field.name.clone() }
    };
    let (before, after) = (name(prev), name(cur));
    if before != after {
        out.add(
            at(cur, cur.field.name_span),
            Some(prev.file),
            format!("{} changed name from \"{before}\" to \"{after}\".", field_description_with_name(cur, false)),
        );
    }
}

/// protoc's default JSON name: `foo_bar` -> `fooBar`.
pub fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn json_name(f: &Field) -> String {
    find_option(&f.options, &["json_name"])
        .and_then(|o| o.value.as_string())
        .unwrap_or_else(|| default_json_name(&f.name))
}

pub const FIELD_SAME_JSON_NAME: Rule = Rule::new(
    "FIELD_SAME_JSON_NAME",
    "Checks that fields have the same value for the json_name option.",
    FILE_PACKAGE_WIRE_JSON.csr(),
    Check::Fields(field_same_json_name),
);

fn field_same_json_name(prev: FieldRef, cur: FieldRef, _: &Pair, out: &mut Out) {
    if prev.field.extendee.is_some() {
        return;
    }
    let (before, after) = (json_name(prev.field), json_name(cur.field));
    if before != after {
        out.add(
            option_or_field(cur, find_option(&cur.field.options, &["json_name"])),
            Some(prev.file),
            format!("{} changed option \"json_name\" from \"{before}\" to \"{after}\".", field_description(cur)),
        );
    }
}

pub const FIELD_SAME_ONEOF: Rule = Rule::new(
    "FIELD_SAME_ONEOF",
    "Checks that fields have the same oneofs in a given message.",
    ALL_FOUR.csr(),
    Check::Fields(field_same_oneof),
);

fn real_oneof(f: FieldRef<'_>) -> Option<&str> {
    let index = f.field.oneof?;
    let oneof = f.parent?.oneofs.get(index)?;
    (!oneof.synthetic).then_some(oneof.name.as_str())
}

fn field_same_oneof(prev: FieldRef, cur: FieldRef, _: &Pair, out: &mut Out) {
    if prev.field.extendee.is_some() {
        return;
    }
    let message = match (real_oneof(prev), real_oneof(cur)) {
        (None, None) => return,
        (Some(a), Some(b)) if a == b => return,
        (Some(a), Some(b)) => format!("{} moved from oneof \"{a}\" to oneof \"{b}\".", field_description(cur)),
        (Some(_), None) => format!("{} moved from inside to outside a oneof.", field_description(cur)),
        (None, Some(_)) => format!("{} moved from outside to inside a oneof.", field_description(cur)),
    };
    out.add(at(cur, cur.field.span), Some(prev.file), message);
}

pub const FIELD_SAME_JSTYPE: Rule = Rule::new(
    "FIELD_SAME_JSTYPE",
    "Checks that fields have the same value for the jstype option.",
    FILE_PACKAGE,
    Check::Fields(field_same_jstype),
);

fn field_same_jstype(prev: FieldRef, cur: FieldRef, _: &Pair, out: &mut Out) {
    if !kind(prev.field).is_64bit_integer() || !kind(cur.field).is_64bit_integer() {
        return;
    }
    let jstype = |f: &Field| {
        find_option(&f.options, &["jstype"])
            .and_then(|o| o.value.as_ident().map(str::to_string))
            .unwrap_or("JS_NORMAL".into())
    };
    let (before, after) = (jstype(prev.field), jstype(cur.field));
    if before != after {
        out.add(
            option_or_field(cur, find_option(&cur.field.options, &["jstype"])),
            Some(prev.file),
            format!("{} changed option \"jstype\" from \"{before}\" to \"{after}\".", field_description(cur)),
        );
    }
}

pub const FIELD_SAME_UTF8_VALIDATION: Rule = Rule::new(
    "FIELD_SAME_UTF8_VALIDATION",
    "Checks that string fields have the same UTF8 validation mode.",
    FILE_PACKAGE,
    Check::Fields(field_same_utf8_validation),
);

fn utf8_name(verify: bool) -> &'static str {
    if verify { "VERIFY" } else { "NONE" }
}

fn field_same_utf8_validation(prev: FieldRef, cur: FieldRef, _: &Pair, out: &mut Out) {
    if kind(prev.field) != Kind::String || kind(cur.field) != Kind::String {
        return;
    }
    let (before, after) = (prev.field.features.utf8_validation_verify, cur.field.features.utf8_validation_verify);
    if before != after {
        out.add(
            option_or_field(cur, feature_option(&cur.field.options, FeatureName::Utf8Validation)),
            Some(prev.file),
            format!(
                "{} changed UTF8 validation from {} to {}.",
                field_description(cur),
                utf8_name(before),
                utf8_name(after)
            ),
        );
    }
}

pub const FIELD_SAME_JAVA_UTF8_VALIDATION: Rule = Rule::new(
    "FIELD_SAME_JAVA_UTF8_VALIDATION",
    "Checks that fields have the same Java string UTF8 validation, based on java_string_check_utf8 file option or (pb.java).utf8_validation feature.",
    FILE_PACKAGE,
    Check::Fields(field_same_java_utf8_validation),
);

fn java_utf8_verify(f: FieldRef) -> bool {
    let standard = f.field.features.utf8_validation_verify;
    let check_utf8 = find_option(&f.file.options, &["java_string_check_utf8"]);
    if !f.file.syntax.is_editions() || check_utf8.is_some() {
        return check_utf8.and_then(|o| o.value.as_bool()).unwrap_or(false) || standard;
    }
    f.field.features.java_utf8_verify || standard
}

fn field_same_java_utf8_validation(prev: FieldRef, cur: FieldRef, _: &Pair, out: &mut Out) {
    if kind(prev.field) != Kind::String || kind(cur.field) != Kind::String {
        return;
    }
    let (before, after) = (java_utf8_verify(prev), java_utf8_verify(cur));
    if before != after {
        let option = find_option(&cur.file.options, &["java_string_check_utf8"])
            .or_else(|| feature_option(&cur.field.options, FeatureName::JavaUtf8Validation));
        out.add(
            option_or_field(cur, option),
            Some(prev.file),
            format!(
                "{} changed Java string UTF8 validation from \"{}\" to \"{}\".",
                field_description(cur),
                utf8_name(before),
                utf8_name(after)
            ),
        );
    }
}

pub const FIELD_SAME_CPP_STRING_TYPE: Rule = Rule::new(
    "FIELD_SAME_CPP_STRING_TYPE",
    "Checks that fields have the same C++ string type, based on ctype field option or (pb.cpp).string_type feature.",
    FILE_PACKAGE,
    Check::Fields(field_same_cpp_string_type),
);

/// The C++ string type and whether it is the legacy STRING_PIECE (`ctype` is ignored from
/// edition 2024 on, where only the feature exists).
fn cpp_string_type(f: FieldRef) -> (CppStringType, bool) {
    let ctype = if f.file.syntax == Syntax::Edition2024 { None } else { find_option(&f.field.options, &["ctype"]) };
    match ctype.and_then(|o| o.value.as_ident()) {
        Some("CORD") => (CppStringType::Cord, false),
        Some("STRING_PIECE") => (CppStringType::String, true),
        Some("STRING") => (CppStringType::String, false),
        _ => (f.field.features.cpp_string_type, false),
    }
}

fn field_same_cpp_string_type(prev: FieldRef, cur: FieldRef, _: &Pair, out: &mut Out) {
    if in_map_entry(prev) && in_map_entry(cur) {
        return;
    }
    let stringy = |f: &Field| matches!(kind(f), Kind::String | Kind::Bytes);
    if !stringy(prev.field) || !stringy(cur.field) {
        return;
    }
    let (before, before_piece) = cpp_string_type(prev);
    let (after, after_piece) = cpp_string_type(cur);
    if (before != after || before_piece != after_piece) && !(before_piece && after == CppStringType::String) {
        let name = |t: CppStringType, piece: bool| if piece { "STRING_PIECE" } else { t.name() };
        let option = find_option(&cur.field.options, &["ctype"])
            .or_else(|| feature_option(&cur.field.options, FeatureName::CppStringType));
        out.add(
            option_or_field(cur, option),
            Some(prev.file),
            format!(
                "{} changed C++ string type from \"{}\" to \"{}\".",
                field_description(cur),
                name(before, before_piece),
                name(after, after_piece)
            ),
        );
    }
}

pub const FIELD_SAME_DEFAULT: Rule = Rule::new(
    "FIELD_SAME_DEFAULT",
    "Checks that fields have the same default value, if a default is specified.",
    ALL_FOUR.csr().since(ConfigVersion::V2),
    Check::Fields(field_same_default),
);

/// A default value, comparable across compatible kinds as buf compares them.
#[derive(Debug, Clone, PartialEq)]
enum Default {
    Bytes(Vec<u8>, bool),
    Int(i128),
    Float(f64, bool),
}

impl Default {
    fn is_zero(&self) -> bool {
        match self {
            Default::Bytes(b, _) => b.is_empty(),
            Default::Int(i) => *i == 0,
            Default::Float(f, _) => f.to_bits() == 0,
        }
    }
    fn printable(&self, f: &Field) -> String {
        match self {
            Default::Bytes(b, true) => format!("\"{}\"", String::from_utf8_lossy(b)),
            Default::Bytes(b, false) => {
                format!("[{}]", b.iter().map(|x| format!("0x{x:X}")).collect::<Vec<_>>().join(","))
            }
            Default::Int(i) => match (&f.enum_default, kind(f)) {
                (Some((enum_name, value, _)), Kind::Enum) => format!("{enum_name}.{value}"),
                (_, Kind::Bool) => (*i != 0).to_string(),
                _ => i.to_string(),
            },
            Default::Float(v, _) => v.to_string(),
        }
    }
}

fn default_of(f: &Field) -> Option<Default> {
    let k = kind(f);
    if f.label == Some(Label::Repeated) || f.is_map || matches!(k, Kind::Message | Kind::Group) {
        return None;
    }
    let explicit = find_option(&f.options, &["default"]).map(|o| &o.value);
    Some(match k {
        Kind::String | Kind::Bytes => {
            let bytes = match explicit {
                Some(Value::Str(b)) => b.clone(),
                _ => vec![],
            };
            Default::Bytes(bytes, k == Kind::String)
        }
        Kind::Enum => Default::Int(f.enum_default.as_ref().map(|d| d.2 as i128).unwrap_or(0)),
        Kind::Bool => Default::Int(matches!(explicit, Some(Value::Ident(s)) if s == "true") as i128),
        Kind::Float | Kind::Double => {
            let v = match explicit {
                Some(Value::Float(v)) => *v,
                Some(Value::Int { negative, magnitude }) => {
                    let m = *magnitude as f64;
                    if *negative { -m } else { m }
                }
                Some(Value::Ident(s)) => match s.as_str() {
                    "inf" | "infinity" => f64::INFINITY,
                    "-inf" | "-infinity" => f64::NEG_INFINITY,
                    "nan" | "-nan" => f64::NAN,
                    _ => 0.0,
                },
                _ => 0.0,
            };
            let is_float = k == Kind::Float;
            Default::Float(if is_float { v as f32 as f64 } else { v }, is_float)
        }
        _ => Default::Int(match explicit {
            Some(Value::Int { negative: true, magnitude }) => -(*magnitude as i128),
            Some(Value::Int { negative: false, magnitude }) => *magnitude as i128,
            _ => 0,
        }),
    })
}

fn defaults_equal(a: &Default, b: &Default) -> bool {
    match (a, b) {
        (Default::Bytes(x, _), Default::Bytes(y, _)) => x == y,
        (Default::Bytes(..), _) | (_, Default::Bytes(..)) => false,
        (Default::Int(x), Default::Int(y)) => x == y,
        (Default::Float(x, xf), Default::Float(y, yf)) => {
            if x.is_nan() || y.is_nan() {
                return x.is_nan() && y.is_nan();
            }
            if xf != yf { (*x as f32) == (*y as f32) } else { x == y }
        }
        (Default::Float(x, _), Default::Int(i)) | (Default::Int(i), Default::Float(x, _)) => {
            !x.is_nan() && *x == *i as f64
        }
    }
}

fn field_same_default(prev: FieldRef, cur: FieldRef, _: &Pair, out: &mut Out) {
    let (Some(before), Some(after)) = (default_of(prev.field), default_of(cur.field)) else {
        return;
    };
    if before.is_zero() && after.is_zero() {
        return;
    }
    if !defaults_equal(&before, &after) {
        out.add(
            option_or_field(cur, find_option(&cur.field.options, &["default"])),
            Some(prev.file),
            format!(
                "{} changed default value from {} to {}.",
                field_description(cur),
                before.printable(prev.field),
                after.printable(cur.field)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::default_json_name;

    #[test]
    fn json_names_follow_protoc() {
        assert_eq!(default_json_name("order_id"), "orderId");
        assert_eq!(default_json_name("x__y"), "xY");
        assert_eq!(default_json_name("_leading"), "Leading");
    }
}
