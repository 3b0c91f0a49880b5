//! File-level rules: deletions of files and of their top-level elements, and file options.

use super::{At, Check, ConfigVersion, FILE_ONLY, FILE_PACKAGE, Membership, Out, Rule, deleted_element_location};
use crate::ast::{ProtoFile, find_option};
use crate::engine::Pair;
use crate::rules::Category::{File as F, Package as P, Wire as W, WireJson as WJ};

pub const FILE_NO_DELETE: Rule =
    Rule::new("FILE_NO_DELETE", "Checks that files are not deleted.", FILE_ONLY.csr(), Check::Inputs(file_no_delete));

fn file_no_delete(pair: &Pair, out: &mut Out) {
    for (path, prev) in &pair.previous.files {
        if !pair.current.files.contains_key(path) {
            out.add(At::Nowhere, Some(prev), format!("Previously present file \"{path}\" was deleted."));
        }
    }
}

pub const MESSAGE_NO_DELETE: Rule = Rule::new(
    "MESSAGE_NO_DELETE",
    "Checks that messages are not deleted from a given file.",
    FILE_ONLY.csr(),
    Check::Files(message_no_delete),
);

fn message_no_delete(prev: &ProtoFile, cur: &ProtoFile, out: &mut Out) {
    let mut current = std::collections::HashSet::new();
    cur.walk_messages(&mut |m| {
        current.insert(m.nested_name.as_str());
    });
    prev.walk_messages(&mut |m| {
        if !current.contains(m.nested_name.as_str()) {
            let at = deleted_element_location(cur, &m.nested_name);
            out.add(at, Some(prev), format!("Previously present message \"{}\" was deleted from file.", m.nested_name));
        }
    });
}

pub const SERVICE_NO_DELETE: Rule = Rule::new(
    "SERVICE_NO_DELETE",
    "Checks that services are not deleted from a given file.",
    FILE_ONLY,
    Check::Files(service_no_delete),
);

fn service_no_delete(prev: &ProtoFile, cur: &ProtoFile, out: &mut Out) {
    for s in &prev.services {
        if !cur.services.iter().any(|c| c.name == s.name) {
            out.add(
                At::File(cur),
                Some(prev),
                format!("Previously present service \"{}\" was deleted from file.", s.name),
            );
        }
    }
}

pub const EXTENSION_NO_DELETE: Rule = Rule::new(
    "EXTENSION_NO_DELETE",
    "Checks that extensions are not deleted from a given file.",
    FILE_ONLY.since(ConfigVersion::V2),
    Check::Files(extension_no_delete),
);

/// Extensions keyed by their name relative to the package (`Outer.ext` or `ext`).
fn nested_extensions(file: &ProtoFile) -> Vec<String> {
    let mut out: Vec<String> = file.extensions.iter().map(|e| e.name.clone()).collect();
    file.walk_messages(&mut |m| out.extend(m.extensions.iter().map(|e| format!("{}.{}", m.nested_name, e.name))));
    out
}

fn extension_no_delete(prev: &ProtoFile, cur: &ProtoFile, out: &mut Out) {
    let current: std::collections::HashSet<String> = nested_extensions(cur).into_iter().collect();
    for name in nested_extensions(prev) {
        if !current.contains(&name) {
            let at = deleted_element_location(cur, &name);
            out.add(at, Some(prev), format!("Previously present extension \"{name}\" was deleted from file."));
        }
    }
}

pub const FILE_SAME_PACKAGE: Rule = Rule::new(
    "FILE_SAME_PACKAGE",
    "Checks that files have the same package.",
    Membership::new(&[F, P, WJ, W]).csr().v1beta1(&[F]),
    Check::Files(file_same_package),
);

fn file_same_package(prev: &ProtoFile, cur: &ProtoFile, out: &mut Out) {
    if prev.package != cur.package {
        let at = cur.package_span.map(|s| At::Span(cur, s)).unwrap_or(At::File(cur));
        out.add(at, Some(prev), format!("File package changed from \"{}\" to \"{}\".", prev.package, cur.package));
    }
}

pub const FILE_SAME_SYNTAX: Rule = Rule::new(
    "FILE_SAME_SYNTAX",
    "Checks that files have the same syntax.",
    FILE_PACKAGE.csr(),
    Check::Files(file_same_syntax),
);

fn file_same_syntax(prev: &ProtoFile, cur: &ProtoFile, out: &mut Out) {
    if prev.syntax != cur.syntax {
        let at = cur.syntax_span.map(|s| At::Span(cur, s)).unwrap_or(At::File(cur));
        out.add(
            at,
            Some(prev),
            format!("File syntax changed from \"{}\" to \"{}\".", prev.syntax.name(), cur.syntax.name()),
        );
    }
}

/// Value of a file option as buf compares it (with descriptor.proto's default when unset).
fn file_option(file: &ProtoFile, name: &str, default: &str) -> (String, Option<crate::ast::Span>) {
    match find_option(&file.options, &[name]) {
        Some(o) => {
            let value = match &o.value {
                crate::ast::Value::Str(_) => o.value.as_string().unwrap_or_default(),
                crate::ast::Value::Ident(s) => s.clone(),
                other => format!("{other:?}"),
            };
            (value, Some(o.span))
        }
        None => (default.to_string(), None),
    }
}

fn check_file_option(prev: &ProtoFile, cur: &ProtoFile, out: &mut Out, name: &str, default: &str) {
    let (before, _) = file_option(prev, name, default);
    let (after, span) = file_option(cur, name, default);
    if before != after {
        let at = span.map(|s| At::Span(cur, s)).unwrap_or(At::File(cur));
        out.add(at, Some(prev), format!("File option \"{name}\" changed from \"{before}\" to \"{after}\"."));
    }
}

/// Declares a rule comparing one file option, with its default value.
macro_rules! file_option_rule {
    ($rule:ident, $check:ident, $option:literal, $default:literal) => {
        pub const $rule: Rule = Rule::new(
            stringify!($rule),
            concat!("Checks that files have the same value for the ", $option, " option."),
            FILE_PACKAGE,
            Check::Files($check),
        );
        fn $check(prev: &ProtoFile, cur: &ProtoFile, out: &mut Out) {
            check_file_option(prev, cur, out, $option, $default)
        }
    };
}

file_option_rule!(FILE_SAME_CC_ENABLE_ARENAS, same_cc_enable_arenas, "cc_enable_arenas", "true");
file_option_rule!(FILE_SAME_CC_GENERIC_SERVICES, same_cc_generic_services, "cc_generic_services", "false");
file_option_rule!(FILE_SAME_CSHARP_NAMESPACE, same_csharp_namespace, "csharp_namespace", "");
file_option_rule!(FILE_SAME_GO_PACKAGE, same_go_package, "go_package", "");
file_option_rule!(FILE_SAME_JAVA_GENERIC_SERVICES, same_java_generic_services, "java_generic_services", "false");
file_option_rule!(FILE_SAME_JAVA_MULTIPLE_FILES, same_java_multiple_files, "java_multiple_files", "false");
file_option_rule!(FILE_SAME_JAVA_OUTER_CLASSNAME, same_java_outer_classname, "java_outer_classname", "");
file_option_rule!(FILE_SAME_JAVA_PACKAGE, same_java_package, "java_package", "");
file_option_rule!(FILE_SAME_OBJC_CLASS_PREFIX, same_objc_class_prefix, "objc_class_prefix", "");
file_option_rule!(FILE_SAME_OPTIMIZE_FOR, same_optimize_for, "optimize_for", "SPEED");
file_option_rule!(FILE_SAME_PHP_CLASS_PREFIX, same_php_class_prefix, "php_class_prefix", "");
file_option_rule!(FILE_SAME_PHP_METADATA_NAMESPACE, same_php_metadata_namespace, "php_metadata_namespace", "");
file_option_rule!(FILE_SAME_PHP_NAMESPACE, same_php_namespace, "php_namespace", "");
file_option_rule!(FILE_SAME_PY_GENERIC_SERVICES, same_py_generic_services, "py_generic_services", "false");
file_option_rule!(FILE_SAME_RUBY_PACKAGE, same_ruby_package, "ruby_package", "");
file_option_rule!(FILE_SAME_SWIFT_PREFIX, same_swift_prefix, "swift_prefix", "");

pub const FILE_SAME_JAVA_STRING_CHECK_UTF8: Rule = Rule {
    replacements: &[(ConfigVersion::V1, &["FIELD_SAME_JAVA_UTF8_VALIDATION"])],
    ..Rule::new(
        "FILE_SAME_JAVA_STRING_CHECK_UTF8",
        "Deprecated (v1beta1, v1): checks that files have the same value for the java_string_check_utf8 option; replaced by FIELD_SAME_JAVA_UTF8_VALIDATION.",
        Membership::new(&[]).v2(&[]),
        Check::Deprecated,
    )
};

pub const FILE_SAME_PHP_GENERIC_SERVICES: Rule = Rule::new(
    "FILE_SAME_PHP_GENERIC_SERVICES",
    "Deprecated (v1beta1, v1): the php_generic_services option was removed from protobuf; checks nothing.",
    Membership::new(&[]),
    Check::Deprecated,
);

/// Deprecated rules only exist in the config versions that predate their removal.
pub fn deprecated_exists_in(id: &str, version: ConfigVersion) -> bool {
    !matches!(
        id,
        "FIELD_SAME_CTYPE" | "FIELD_SAME_LABEL" | "FILE_SAME_JAVA_STRING_CHECK_UTF8" | "FILE_SAME_PHP_GENERIC_SERVICES"
    ) || version != ConfigVersion::V2
}
