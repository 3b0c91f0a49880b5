//! Enum rules.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::{
    ALL_FOUR, At, Check, EnumRef, FILE_ONLY, FILE_PACKAGE, FILE_PACKAGE_WIRE_JSON, Membership, Out, Rule, ValuesRef,
    deleted_element_location, missing_ranges, range_string, ranges_string,
};
use crate::ast::ProtoFile;
use crate::link::{FeatureName, feature_option};
use crate::parser::ENUM_MAX;
use crate::rules::Category::{Wire as W, WireJson as WJ};

pub const ENUM_NO_DELETE: Rule = Rule::new(
    "ENUM_NO_DELETE",
    "Checks that enums are not deleted from a given file.",
    FILE_ONLY.csr(),
    Check::Files(enum_no_delete),
);

fn enum_no_delete(prev: &ProtoFile, cur: &ProtoFile, out: &mut Out) {
    let current: HashSet<&str> = cur.all_enums().into_iter().map(|e| e.nested_name.as_str()).collect();
    for e in prev.all_enums() {
        if !current.contains(e.nested_name.as_str()) {
            let at = deleted_element_location(cur, &e.nested_name);
            out.add(at, Some(prev), format!("Previously present enum \"{}\" was deleted from file.", e.nested_name));
        }
    }
}

/// The explicit feature option on an enum, else the enum itself (buf's backup location).
fn feature_at(e: EnumRef, feature: FeatureName) -> At {
    let span = feature_option(&e.enumeration.options, feature).map(|o| o.span).unwrap_or(e.enumeration.span);
    At::Span(e.file, span)
}

pub const ENUM_SAME_JSON_FORMAT: Rule = Rule::new(
    "ENUM_SAME_JSON_FORMAT",
    "Checks that enums have the same JSON format support.",
    FILE_PACKAGE_WIRE_JSON.csr(),
    Check::Enums(enum_same_json_format),
);

fn enum_same_json_format(prev: EnumRef, cur: EnumRef, out: &mut Out) {
    if prev.enumeration.features.json_format_allow && !cur.enumeration.features.json_format_allow {
        out.add(
            feature_at(cur, FeatureName::JsonFormat),
            Some(prev.file),
            format!("Enum \"{}\" JSON format support changed from ALLOW to LEGACY_BEST_EFFORT.", cur.enumeration.name),
        );
    }
}

pub const ENUM_SAME_TYPE: Rule = Rule::new(
    "ENUM_SAME_TYPE",
    "Checks that enums have the same type (open vs closed).",
    FILE_PACKAGE,
    Check::Enums(enum_same_type),
);

fn enum_same_type(prev: EnumRef, cur: EnumRef, out: &mut Out) {
    let (before, after) = (prev.enumeration.features.enum_type_closed, cur.enumeration.features.enum_type_closed);
    if before != after {
        let name = |closed: bool| if closed { "closed" } else { "open" };
        out.add(
            feature_at(cur, FeatureName::EnumType),
            Some(prev.file),
            format!("Enum \"{}\" changed from {} to {}.", cur.enumeration.name, name(before), name(after)),
        );
    }
}

/// What allows deleting an enum value.
#[derive(Clone, Copy, PartialEq)]
enum Allow {
    Never,
    IfNumberReserved,
    IfNameReserved,
}

fn check_value_deletes(prev: EnumRef, cur: EnumRef, out: &mut Out, allow: Allow) {
    let mut previous: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
    for v in &prev.enumeration.values {
        previous.entry(v.number).or_default().insert(&v.name);
    }
    let current: HashSet<i64> = cur.enumeration.values.iter().map(|v| v.number).collect();
    let e = cur.enumeration;
    for (number, names) in previous {
        if current.contains(&number) {
            continue;
        }
        let allowed = match allow {
            Allow::Never => false,
            Allow::IfNumberReserved => e.reserved_ranges.iter().any(|r| r.start <= number && number <= r.end),
            Allow::IfNameReserved => names.iter().all(|n| e.reserved_names.iter().any(|r| r == n)),
        };
        if allowed {
            continue;
        }
        let suffix = match allow {
            Allow::Never => String::new(),
            Allow::IfNumberReserved => format!(" without reserving the number \"{number}\""),
            Allow::IfNameReserved => {
                let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                let s = if names.len() > 1 { "s" } else { "" };
                format!(" without reserving the name{s} {}", quoted.join(", "))
            }
        };
        out.add(
            At::Span(cur.file, e.span),
            Some(prev.file),
            format!("Previously present enum value \"{number}\" on enum \"{}\" was deleted{suffix}.", e.name),
        );
    }
}

pub const ENUM_VALUE_NO_DELETE: Rule = Rule::new(
    "ENUM_VALUE_NO_DELETE",
    "Checks that enum values are not deleted from a given enum.",
    FILE_PACKAGE.csr(),
    Check::Enums(|p, c, o| check_value_deletes(p, c, o, Allow::Never)),
);

pub const ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED: Rule = Rule::new(
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
    "Checks that enum values are not deleted from a given enum unless the name is reserved.",
    Membership::new(&[WJ]).csr(),
    Check::Enums(|p, c, o| check_value_deletes(p, c, o, Allow::IfNameReserved)),
);

pub const ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED: Rule = Rule::new(
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
    "Checks that enum values are not deleted from a given enum unless the number is reserved.",
    Membership::new(&[WJ, W]).csr(),
    Check::Enums(|p, c, o| check_value_deletes(p, c, o, Allow::IfNumberReserved)),
);

pub const ENUM_VALUE_SAME_NAME: Rule = Rule::new(
    "ENUM_VALUE_SAME_NAME",
    "Checks that enum values have the same name.",
    FILE_PACKAGE_WIRE_JSON.csr(),
    Check::EnumValues(enum_value_same_name),
);

fn enum_value_same_name(prev: &ValuesRef, cur: &ValuesRef, out: &mut Out) {
    let before: BTreeSet<&str> = prev.values.iter().map(|v| v.name.as_str()).collect();
    let after: BTreeSet<&str> = cur.values.iter().map(|v| v.name.as_str()).collect();
    // Adding aliases is fine; every previous name must still be there.
    if before.is_subset(&after) {
        return;
    }
    let quote = |s: &BTreeSet<&str>| s.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
    let s = if before.len() > 1 && after.len() > 1 { "s" } else { "" };
    for v in &cur.values {
        out.add(
            At::Span(cur.enumeration.file, v.number_span),
            Some(prev.enumeration.file),
            format!(
                "Enum value \"{}\" on enum \"{}\" changed name{s} from {} to {}.",
                v.number,
                cur.enumeration.enumeration.name,
                quote(&before),
                quote(&after)
            ),
        );
    }
}

pub const RESERVED_ENUM_NO_DELETE: Rule = Rule::new(
    "RESERVED_ENUM_NO_DELETE",
    "Checks that reserved ranges and names are not deleted from a given enum.",
    ALL_FOUR.csr(),
    Check::Enums(reserved_enum_no_delete),
);

fn reserved_enum_no_delete(prev: EnumRef, cur: EnumRef, out: &mut Out) {
    let (p, c) = (prev.enumeration, cur.enumeration);
    for (range, missing) in missing_ranges(&p.reserved_ranges, &c.reserved_ranges) {
        out.add(
            At::Span(cur.file, c.span),
            Some(prev.file),
            format!(
                "Previously present reserved range \"{}\" on enum \"{}\" is missing values: {} were removed.",
                range_string(range, ENUM_MAX),
                c.name,
                ranges_string(&missing, ENUM_MAX)
            ),
        );
    }
    for name in &p.reserved_names {
        if !c.reserved_names.contains(name) {
            out.add(
                At::Span(cur.file, c.span),
                Some(prev.file),
                format!("Previously present reserved name \"{name}\" on enum \"{}\" was deleted.", c.name),
            );
        }
    }
}
