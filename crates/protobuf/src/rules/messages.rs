//! Message rules: field and oneof deletions, reserved and extension ranges, message options.

use std::collections::HashSet;

use super::{
    ALL_FOUR, At, Check, FILE_PACKAGE, FILE_PACKAGE_WIRE_JSON, FieldRef, Membership, MessageRef, Out, Rule,
    field_description, missing_ranges, range_string, ranges_string,
};
use crate::ast::{Label, Message, find_option};
use crate::link::{FeatureName, feature_option};
use crate::parser::{MESSAGE_MAX, MESSAGE_SET_MAX};
use crate::rules::Category::{Wire as W, WireJson as WJ};

fn message_at(m: MessageRef) -> At {
    At::Span(m.file, m.message.span)
}

#[derive(Clone, Copy, PartialEq)]
enum Allow {
    Never,
    IfNumberReserved,
    IfNameReserved,
}

fn check_field_deletes(prev: MessageRef, cur: MessageRef, out: &mut Out, allow: Allow) {
    let current: HashSet<i64> = cur.message.fields.iter().map(|f| f.number).collect();
    let m = cur.message;
    for f in &prev.message.fields {
        if current.contains(&f.number) {
            continue;
        }
        let allowed = match allow {
            Allow::Never => false,
            Allow::IfNumberReserved => m.reserved_ranges.iter().any(|r| r.start <= f.number && f.number <= r.end),
            Allow::IfNameReserved => m.reserved_names.contains(&f.name),
        };
        if allowed {
            continue;
        }
        let suffix = match allow {
            Allow::Never => String::new(),
            Allow::IfNumberReserved => format!(" without reserving the number \"{}\"", f.number),
            Allow::IfNameReserved => format!(" without reserving the name \"{}\"", f.name),
        };
        let description = field_description(FieldRef { field: f, file: prev.file, parent: Some(prev.message) });
        let mut chars = description.chars();
        let lowered: String = chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default();
        out.add(message_at(cur), Some(prev.file), format!("Previously present {lowered} was deleted{suffix}."));
    }
}

pub const FIELD_NO_DELETE: Rule = Rule::new(
    "FIELD_NO_DELETE",
    "Checks that fields are not deleted from a given message.",
    FILE_PACKAGE.csr(),
    Check::Messages(|p, c, o| check_field_deletes(p, c, o, Allow::Never)),
);

pub const FIELD_NO_DELETE_UNLESS_NAME_RESERVED: Rule = Rule::new(
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
    "Checks that fields are not deleted from a given message unless the name is reserved.",
    Membership::new(&[WJ]).csr(),
    Check::Messages(|p, c, o| check_field_deletes(p, c, o, Allow::IfNameReserved)),
);

pub const FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED: Rule = Rule::new(
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
    "Checks that fields are not deleted from a given message unless the number is reserved.",
    Membership::new(&[WJ, W]).csr(),
    Check::Messages(|p, c, o| check_field_deletes(p, c, o, Allow::IfNumberReserved)),
);

fn is_message_set(m: &Message) -> bool {
    find_option(&m.options, &["message_set_wire_format"]).and_then(|o| o.value.as_bool()).unwrap_or(false)
}

fn check_ranges(
    kind: &str,
    prev: MessageRef,
    cur: MessageRef,
    out: &mut Out,
    ranges: fn(&Message) -> &[crate::ast::TagRange],
) {
    let max = if is_message_set(cur.message) { MESSAGE_SET_MAX } else { MESSAGE_MAX };
    let prev_max = if is_message_set(prev.message) { MESSAGE_SET_MAX } else { MESSAGE_MAX };
    for (range, missing) in missing_ranges(ranges(prev.message), ranges(cur.message)) {
        out.add(
            message_at(cur),
            Some(prev.file),
            format!(
                "Previously present {kind} range \"{}\" on message \"{}\" is missing values: {} were removed.",
                range_string(range, prev_max),
                cur.message.name,
                ranges_string(&missing, max)
            ),
        );
    }
}

pub const EXTENSION_MESSAGE_NO_DELETE: Rule = Rule::new(
    "EXTENSION_MESSAGE_NO_DELETE",
    "Checks that extension ranges are not deleted from a given message.",
    FILE_PACKAGE.csr(),
    Check::Messages(|p, c, o| check_ranges("extension", p, c, o, |m| &m.extension_ranges)),
);

pub const RESERVED_MESSAGE_NO_DELETE: Rule = Rule::new(
    "RESERVED_MESSAGE_NO_DELETE",
    "Checks that reserved ranges and names are not deleted from a given message.",
    ALL_FOUR.csr(),
    Check::Messages(reserved_message_no_delete),
);

fn reserved_message_no_delete(prev: MessageRef, cur: MessageRef, out: &mut Out) {
    check_ranges("reserved", prev, cur, out, |m| &m.reserved_ranges);
    for name in &prev.message.reserved_names {
        if !cur.message.reserved_names.contains(name) {
            out.add(
                message_at(cur),
                Some(prev.file),
                format!("Previously present reserved name \"{name}\" on message \"{}\" was deleted.", cur.message.name),
            );
        }
    }
}

/// A boolean message option, with the span of its statement.
fn message_bool_option(m: &Message, name: &str) -> (bool, Option<crate::ast::Span>) {
    match find_option(&m.options, &[name]) {
        Some(o) => (o.value.as_bool().unwrap_or(false), Some(o.span)),
        None => (false, None),
    }
}

pub const MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR: Rule = Rule::new(
    "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
    "Checks that messages do not change the no_standard_descriptor_accessor option from false or unset to true.",
    FILE_PACKAGE.csr(),
    Check::Messages(no_remove_standard_descriptor_accessor),
);

fn no_remove_standard_descriptor_accessor(prev: MessageRef, cur: MessageRef, out: &mut Out) {
    let (before, _) = message_bool_option(prev.message, "no_standard_descriptor_accessor");
    let (after, span) = message_bool_option(cur.message, "no_standard_descriptor_accessor");
    if !before && after {
        let at = At::Span(cur.file, span.unwrap_or(cur.message.span));
        out.add(
            at,
            Some(prev.file),
            "Message option \"no_standard_descriptor_accessor\" changed from \"false\" to \"true\".".into(),
        );
    }
}

/// Deprecated in buf 1.75 without a replacement: message sets are a legacy proto1 feature.
pub const MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT: Rule = Rule::new(
    "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT",
    "Deprecated: message sets are a legacy proto1 feature that buf no longer supports; checks nothing.",
    Membership::new(&[]),
    Check::Deprecated,
);

pub const MESSAGE_SAME_JSON_FORMAT: Rule = Rule::new(
    "MESSAGE_SAME_JSON_FORMAT",
    "Checks that messages have the same JSON format support.",
    FILE_PACKAGE_WIRE_JSON.csr(),
    Check::Messages(message_same_json_format),
);

fn message_same_json_format(prev: MessageRef, cur: MessageRef, out: &mut Out) {
    if prev.message.features.json_format_allow && !cur.message.features.json_format_allow {
        let span =
            feature_option(&cur.message.options, FeatureName::JsonFormat).map(|o| o.span).unwrap_or(cur.message.span);
        out.add(
            At::Span(cur.file, span),
            Some(prev.file),
            format!("Message \"{}\" JSON format support changed from ALLOW to LEGACY_BEST_EFFORT.", cur.message.name),
        );
    }
}

pub const MESSAGE_SAME_REQUIRED_FIELDS: Rule = Rule::new(
    "MESSAGE_SAME_REQUIRED_FIELDS",
    "Checks that messages have no added or deleted required fields.",
    ALL_FOUR.csr(),
    Check::Messages(message_same_required_fields),
);

fn message_same_required_fields(prev: MessageRef, cur: MessageRef, out: &mut Out) {
    let required = |m: &Message| -> HashSet<i64> {
        m.fields.iter().filter(|f| f.label == Some(Label::Required)).map(|f| f.number).collect()
    };
    let (before, after) = (required(prev.message), required(cur.message));
    let tail = "Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.";
    let mut deleted: Vec<_> = before.difference(&after).collect();
    deleted.sort();
    for n in deleted {
        out.add(
            message_at(cur),
            Some(prev.file),
            format!("Message \"{}\" had required field \"{n}\" deleted. {tail}", prev.message.name),
        );
    }
    for f in cur.message.fields.iter().filter(|f| f.label == Some(Label::Required) && !before.contains(&f.number)) {
        out.add(
            At::Span(cur.file, f.span),
            Some(prev.file),
            format!("Message \"{}\" had required field \"{}\" added. {tail}", cur.message.name, f.number),
        );
    }
}

pub const ONEOF_NO_DELETE: Rule = Rule::new(
    "ONEOF_NO_DELETE",
    "Checks that oneofs are not deleted from a given message.",
    FILE_PACKAGE.csr(),
    Check::Messages(oneof_no_delete),
);

fn oneof_no_delete(prev: MessageRef, cur: MessageRef, out: &mut Out) {
    for o in prev.message.oneofs.iter().filter(|o| !o.synthetic) {
        if !cur.message.oneofs.iter().any(|c| c.name == o.name) {
            out.add(
                message_at(cur),
                Some(prev.file),
                format!("Previously present oneof \"{}\" on message \"{}\" was deleted.", o.name, cur.message.name),
            );
        }
    }
}
