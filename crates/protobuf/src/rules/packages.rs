//! Package rules: elements may move between files of the same package, but not disappear
//! from the package.

use std::collections::{BTreeMap, HashSet};

use super::{At, Check, ConfigVersion, Out, PACKAGE_ONLY, Rule, deleted_element_location};
use crate::ast::ProtoFile;
use crate::engine::{Index, Pair};

/// package -> nested names declared in it, with the declaring file.
fn by_package<'a>(
    index: &Index<'a>,
    names: fn(&'a ProtoFile) -> Vec<String>,
) -> BTreeMap<&'a str, BTreeMap<String, &'a ProtoFile>> {
    let mut out: BTreeMap<&str, BTreeMap<String, &ProtoFile>> = BTreeMap::new();
    for file in index.files.values() {
        let entry = out.entry(file.package.as_str()).or_default();
        for name in names(file) {
            entry.entry(name).or_insert(file);
        }
    }
    out
}

fn check_package_deletes(
    pair: &Pair,
    out: &mut Out,
    what: &str,
    names: fn(&ProtoFile) -> Vec<String>,
    locate_in_parent: bool,
) {
    let previous = by_package(&pair.previous, names);
    let current = by_package(&pair.current, names);
    for (package, prev_names) in &previous {
        let Some(cur_names) = current.get(package) else {
            continue;
        };
        for (name, prev_file) in prev_names {
            if cur_names.contains_key(name) {
                continue;
            }
            let message = format!("Previously present {what} \"{name}\" was deleted from package \"{package}\".");
            match pair.current.files.get(prev_file.path.as_str()) {
                Some(file) if locate_in_parent => {
                    out.add(deleted_element_location(file, name), Some(prev_file), message)
                }
                Some(file) => out.add(At::File(file), Some(prev_file), message),
                None => out.add(At::Nowhere, Some(prev_file), message),
            }
        }
    }
}

fn message_names(f: &ProtoFile) -> Vec<String> {
    let mut out = Vec::new();
    f.walk_messages(&mut |m| out.push(m.nested_name.clone()));
    out
}

fn enum_names(f: &ProtoFile) -> Vec<String> {
    f.all_enums().into_iter().map(|e| e.nested_name.clone()).collect()
}

fn extension_names(f: &ProtoFile) -> Vec<String> {
    let mut out: Vec<String> = f.extensions.iter().map(|e| e.name.clone()).collect();
    f.walk_messages(&mut |m| out.extend(m.extensions.iter().map(|e| format!("{}.{}", m.nested_name, e.name))));
    out
}

fn service_names(f: &ProtoFile) -> Vec<String> {
    f.services.iter().map(|s| s.name.clone()).collect()
}

pub const PACKAGE_MESSAGE_NO_DELETE: Rule = Rule::new(
    "PACKAGE_MESSAGE_NO_DELETE",
    "Checks that messages are not deleted from a given package.",
    PACKAGE_ONLY,
    Check::Inputs(|pair, out| check_package_deletes(pair, out, "message", message_names, true)),
);

pub const PACKAGE_ENUM_NO_DELETE: Rule = Rule::new(
    "PACKAGE_ENUM_NO_DELETE",
    "Checks that enums are not deleted from a given package.",
    PACKAGE_ONLY,
    Check::Inputs(|pair, out| check_package_deletes(pair, out, "enum", enum_names, true)),
);

pub const PACKAGE_EXTENSION_NO_DELETE: Rule = Rule::new(
    "PACKAGE_EXTENSION_NO_DELETE",
    "Checks that extensions are not deleted from a given package.",
    PACKAGE_ONLY.since(ConfigVersion::V2),
    Check::Inputs(|pair, out| check_package_deletes(pair, out, "extension", extension_names, true)),
);

pub const PACKAGE_SERVICE_NO_DELETE: Rule = Rule::new(
    "PACKAGE_SERVICE_NO_DELETE",
    "Checks that services are not deleted from a given package.",
    PACKAGE_ONLY,
    Check::Inputs(|pair, out| check_package_deletes(pair, out, "service", service_names, false)),
);

pub const PACKAGE_NO_DELETE: Rule = Rule::new(
    "PACKAGE_NO_DELETE",
    "Checks that packages are not deleted.",
    PACKAGE_ONLY,
    Check::Inputs(package_no_delete),
);

fn package_no_delete(pair: &Pair, out: &mut Out) {
    let current: HashSet<&str> = pair.current.files.values().map(|f| f.package.as_str()).collect();
    let mut first_file: BTreeMap<&str, &ProtoFile> = BTreeMap::new();
    for f in pair.previous.files.values() {
        first_file.entry(f.package.as_str()).or_insert(f);
    }
    for (package, file) in first_file {
        if !current.contains(package) {
            out.add(At::Nowhere, Some(file), format!("Previously present package \"{package}\" was deleted."));
        }
    }
}
