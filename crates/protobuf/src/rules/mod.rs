//! The breaking-rule catalogue. Each rule is declared once, next to its check, as a `Rule`
//! constant; `ALL` lists them in id order. The engine (`crate::engine`) matches old and new
//! elements and hands each rule one typed pair.

mod enums;
mod fields;
pub use fields::default_json_name;
pub(crate) mod files;
mod messages;
mod packages;
mod services;

use crate::ast::{Enum, EnumValue, Field, Message, Method, ProtoFile, Service, Span};
use crate::engine::Pair;

/// A buf configuration version; category membership differs between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConfigVersion {
    V1Beta1,
    V1,
    V2,
}

/// A buf breaking category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    File,
    Package,
    WireJson,
    Wire,
    Csr,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::File, Category::Package, Category::WireJson, Category::Wire, Category::Csr];

    pub fn id(self) -> &'static str {
        match self {
            Category::File => "FILE",
            Category::Package => "PACKAGE",
            Category::WireJson => "WIRE_JSON",
            Category::Wire => "WIRE",
            Category::Csr => "CSR",
        }
    }

    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// Category membership of a rule in every config version, in one place: the v1 categories,
/// whether v2 adds CSR, the version that introduced the rule, and the few v1beta1 exceptions.
#[derive(Debug, Clone, Copy)]
pub struct Membership {
    pub v1: &'static [Category],
    pub csr_in_v2: bool,
    pub since: ConfigVersion,
    pub v1beta1: Option<&'static [Category]>,
    /// v2 categories when they differ from v1 other than by CSR.
    pub v2: Option<&'static [Category]>,
}

use Category::{File as F, Package as P, Wire as W, WireJson as WJ};

impl Membership {
    pub const fn new(v1: &'static [Category]) -> Membership {
        Membership { v1, csr_in_v2: false, since: ConfigVersion::V1Beta1, v1beta1: None, v2: None }
    }
    pub const fn csr(mut self) -> Membership {
        self.csr_in_v2 = true;
        self
    }
    pub const fn since(mut self, v: ConfigVersion) -> Membership {
        self.since = v;
        self
    }
    pub const fn v1beta1(mut self, cats: &'static [Category]) -> Membership {
        self.v1beta1 = Some(cats);
        self
    }
    pub const fn v2(mut self, cats: &'static [Category]) -> Membership {
        self.v2 = Some(cats);
        self
    }

    /// Whether the rule exists in a config version.
    pub fn exists_in(&self, version: ConfigVersion) -> bool {
        version >= self.since
    }

    /// The categories of the rule in a config version (empty when it does not exist there).
    pub fn categories(&self, version: ConfigVersion) -> Vec<Category> {
        if !self.exists_in(version) {
            return vec![];
        }
        let mut cats = match version {
            ConfigVersion::V1Beta1 => self.v1beta1.unwrap_or(self.v1).to_vec(),
            ConfigVersion::V1 => self.v1.to_vec(),
            ConfigVersion::V2 => self.v2.unwrap_or(self.v1).to_vec(),
        };
        if version == ConfigVersion::V2 && self.csr_in_v2 {
            cats.insert(0, Category::Csr);
        }
        cats
    }
}

/// Common memberships.
pub const FILE_ONLY: Membership = Membership::new(&[F]);
pub const FILE_PACKAGE: Membership = Membership::new(&[F, P]);
pub const FILE_PACKAGE_WIRE_JSON: Membership = Membership::new(&[F, P, WJ]);
pub const ALL_FOUR: Membership = Membership::new(&[F, P, WJ, W]);
pub const PACKAGE_ONLY: Membership = Membership::new(&[P]);

/// Where the current element is, or that it has none.
#[derive(Debug, Clone, Copy)]
pub enum At<'a> {
    /// An element of a current file.
    Span(&'a ProtoFile, Span),
    /// A current file, without a position.
    File(&'a ProtoFile),
    /// Nothing in the current input (a deleted file or package).
    Nowhere,
}

/// A finding before policy (ignores, unstable packages) is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFinding {
    pub rule: &'static str,
    pub path: String,
    pub span: Option<Span>,
    pub message: String,
    pub package: Option<String>,
    pub against_path: Option<String>,
    pub against_package: Option<String>,
}

/// Collects the findings of one rule.
pub struct Out<'a> {
    pub rule: &'static Rule,
    pub findings: &'a mut Vec<RawFinding>,
}

impl Out<'_> {
    /// Reports against a current location and the previous file it was compared with.
    pub fn add(&mut self, at: At, against: Option<&ProtoFile>, message: String) {
        let (path, span, package) = match at {
            At::Span(f, s) => (f.path.clone(), Some(s), Some(f.package.clone())),
            At::File(f) => (f.path.clone(), None, Some(f.package.clone())),
            At::Nowhere => (String::new(), None, None),
        };
        self.findings.push(RawFinding {
            rule: self.rule.id,
            path,
            span,
            message,
            package,
            against_path: against.map(|f| f.path.clone()),
            against_package: against.map(|f| f.package.clone()),
        });
    }
}

/// A message in its file.
#[derive(Clone, Copy)]
pub struct MessageRef<'a> {
    pub message: &'a Message,
    pub file: &'a ProtoFile,
}

/// A field or extension in its file, with its parent message (none for file-level extensions).
#[derive(Clone, Copy)]
pub struct FieldRef<'a> {
    pub field: &'a Field,
    pub file: &'a ProtoFile,
    pub parent: Option<&'a Message>,
}

#[derive(Clone, Copy)]
pub struct EnumRef<'a> {
    pub enumeration: &'a Enum,
    pub file: &'a ProtoFile,
}

#[derive(Clone, Copy)]
pub struct ServiceRef<'a> {
    pub service: &'a Service,
    pub file: &'a ProtoFile,
}

#[derive(Clone, Copy)]
pub struct MethodRef<'a> {
    pub method: &'a Method,
    pub service: &'a Service,
    pub file: &'a ProtoFile,
}

/// Enum values sharing one number (aliases), previous and current.
pub struct ValuesRef<'a> {
    pub enumeration: EnumRef<'a>,
    pub values: Vec<&'a EnumValue>,
}

/// What a rule compares. The engine does all traversal.
#[derive(Clone, Copy)]
pub enum Check {
    /// Whole inputs (file and package deletions).
    Inputs(fn(&Pair, &mut Out)),
    Files(fn(&ProtoFile, &ProtoFile, &mut Out)),
    Messages(fn(MessageRef, MessageRef, &mut Out)),
    Fields(fn(FieldRef, FieldRef, &Pair, &mut Out)),
    Enums(fn(EnumRef, EnumRef, &mut Out)),
    EnumValues(fn(&ValuesRef, &ValuesRef, &mut Out)),
    Services(fn(ServiceRef, ServiceRef, &mut Out)),
    Methods(fn(MethodRef, MethodRef, &mut Out)),
    /// A deprecated rule that checks nothing itself; configs using it get its replacements.
    Deprecated,
}

/// One breaking rule.
pub struct Rule {
    pub id: &'static str,
    pub purpose: &'static str,
    pub membership: Membership,
    pub check: Check,
    /// Replacement ids by config version, for deprecated rules.
    pub replacements: &'static [(ConfigVersion, &'static [&'static str])],
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

impl Rule {
    pub const fn new(id: &'static str, purpose: &'static str, membership: Membership, check: Check) -> Rule {
        Rule { id, purpose, membership, check, replacements: &[] }
    }

    /// Ids that replace this rule in a config version (itself when not deprecated).
    pub fn replacement_ids(&self, version: ConfigVersion) -> Vec<&'static str> {
        match self.check {
            Check::Deprecated => self
                .replacements
                .iter()
                .find(|(v, _)| *v == version)
                .or_else(|| self.replacements.last())
                .map(|(_, ids)| ids.to_vec())
                .unwrap_or_default(),
            _ => vec![self.id],
        }
    }

    pub fn is_deprecated(&self) -> bool {
        matches!(self.check, Check::Deprecated)
    }
}

/// Every rule, sorted by id.
pub static ALL: &[&Rule] = &[
    &enums::ENUM_NO_DELETE,
    &enums::ENUM_SAME_JSON_FORMAT,
    &enums::ENUM_SAME_TYPE,
    &enums::ENUM_VALUE_NO_DELETE,
    &enums::ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED,
    &enums::ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED,
    &enums::ENUM_VALUE_SAME_NAME,
    &messages::EXTENSION_MESSAGE_NO_DELETE,
    &files::EXTENSION_NO_DELETE,
    &messages::FIELD_NO_DELETE,
    &messages::FIELD_NO_DELETE_UNLESS_NAME_RESERVED,
    &messages::FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED,
    &fields::FIELD_SAME_CARDINALITY,
    &fields::FIELD_SAME_CPP_STRING_TYPE,
    &fields::FIELD_SAME_CTYPE,
    &fields::FIELD_SAME_DEFAULT,
    &fields::FIELD_SAME_JAVA_UTF8_VALIDATION,
    &fields::FIELD_SAME_JSON_NAME,
    &fields::FIELD_SAME_JSTYPE,
    &fields::FIELD_SAME_LABEL,
    &fields::FIELD_SAME_NAME,
    &fields::FIELD_SAME_ONEOF,
    &fields::FIELD_SAME_TYPE,
    &fields::FIELD_SAME_UTF8_VALIDATION,
    &fields::FIELD_WIRE_COMPATIBLE_CARDINALITY,
    &fields::FIELD_WIRE_COMPATIBLE_TYPE,
    &fields::FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY,
    &fields::FIELD_WIRE_JSON_COMPATIBLE_TYPE,
    &files::FILE_NO_DELETE,
    &files::FILE_SAME_CC_ENABLE_ARENAS,
    &files::FILE_SAME_CC_GENERIC_SERVICES,
    &files::FILE_SAME_CSHARP_NAMESPACE,
    &files::FILE_SAME_GO_PACKAGE,
    &files::FILE_SAME_JAVA_GENERIC_SERVICES,
    &files::FILE_SAME_JAVA_MULTIPLE_FILES,
    &files::FILE_SAME_JAVA_OUTER_CLASSNAME,
    &files::FILE_SAME_JAVA_PACKAGE,
    &files::FILE_SAME_JAVA_STRING_CHECK_UTF8,
    &files::FILE_SAME_OBJC_CLASS_PREFIX,
    &files::FILE_SAME_OPTIMIZE_FOR,
    &files::FILE_SAME_PACKAGE,
    &files::FILE_SAME_PHP_CLASS_PREFIX,
    &files::FILE_SAME_PHP_GENERIC_SERVICES,
    &files::FILE_SAME_PHP_METADATA_NAMESPACE,
    &files::FILE_SAME_PHP_NAMESPACE,
    &files::FILE_SAME_PY_GENERIC_SERVICES,
    &files::FILE_SAME_RUBY_PACKAGE,
    &files::FILE_SAME_SWIFT_PREFIX,
    &files::FILE_SAME_SYNTAX,
    &files::MESSAGE_NO_DELETE,
    &messages::MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR,
    &messages::MESSAGE_SAME_JSON_FORMAT,
    &messages::MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT,
    &messages::MESSAGE_SAME_REQUIRED_FIELDS,
    &messages::ONEOF_NO_DELETE,
    &packages::PACKAGE_ENUM_NO_DELETE,
    &packages::PACKAGE_EXTENSION_NO_DELETE,
    &packages::PACKAGE_MESSAGE_NO_DELETE,
    &packages::PACKAGE_NO_DELETE,
    &packages::PACKAGE_SERVICE_NO_DELETE,
    &enums::RESERVED_ENUM_NO_DELETE,
    &messages::RESERVED_MESSAGE_NO_DELETE,
    &services::RPC_NO_DELETE,
    &services::RPC_SAME_CLIENT_STREAMING,
    &services::RPC_SAME_IDEMPOTENCY_LEVEL,
    &services::RPC_SAME_REQUEST_TYPE,
    &services::RPC_SAME_RESPONSE_TYPE,
    &services::RPC_SAME_SERVER_STREAMING,
    &files::SERVICE_NO_DELETE,
];

/// Looks a rule up by id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

/// The location of an element deleted from a file: the closest enclosing message that still
/// exists in the current file, else the file itself (buf's convention).
pub fn deleted_element_location<'a>(file: &'a ProtoFile, nested_name: &str) -> At<'a> {
    let mut parts: Vec<&str> = nested_name.split('.').collect();
    while parts.len() > 1 {
        parts.pop();
        let parent = parts.join(".");
        let mut found = None;
        file.walk_messages(&mut |m| {
            if found.is_none() && m.nested_name == parent {
                found = Some(m.span);
            }
        });
        if let Some(span) = found {
            return At::Span(file, span);
        }
    }
    At::File(file)
}

/// buf's description of a field: `Field "1" with name "foo" on message "Bar"`.
pub fn field_description(f: FieldRef) -> String {
    field_description_with_name(f, true)
}

pub fn field_description_with_name(f: FieldRef, with_name: bool) -> String {
    let field = f.field;
    let (kind, message, name) = if field.extendee.is_some() {
        ("Extension", field.extendee_full.as_str(), field.full_name.as_str())
    } else {
        ("Field", f.parent.map(|m| m.name.as_str()).unwrap_or(""), field.name.as_str())
    };
    if with_name {
        format!("{kind} \"{}\" with name \"{name}\" on message \"{message}\"", field.number)
    } else {
        format!("{kind} \"{}\" on message \"{message}\"", field.number)
    }
}

/// Removed sub-ranges of `previous` not covered by `current` (both inclusive ranges).
pub fn missing_ranges(
    previous: &[crate::ast::TagRange],
    current: &[crate::ast::TagRange],
) -> Vec<(crate::ast::TagRange, Vec<(i64, i64)>)> {
    let mut sorted: Vec<(i64, i64)> = current.iter().map(|r| (r.start, r.end)).collect();
    sorted.sort();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (s, e) in sorted {
        match merged.last_mut() {
            Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = Vec::new();
    for r in previous {
        let mut missing = Vec::new();
        let mut start = r.start;
        for &(s, e) in &merged {
            if e < start {
                continue;
            }
            if s > r.end {
                break;
            }
            if s > start {
                missing.push((start, s - 1));
            }
            start = e.saturating_add(1);
            if start > r.end {
                break;
            }
        }
        if start <= r.end {
            missing.push((start, r.end));
        }
        if !missing.is_empty() {
            out.push((*r, missing));
        }
    }
    out
}

/// `[5]`, `[5,9]`, `[5,max]` as buf prints removed ranges.
pub fn ranges_string(missing: &[(i64, i64)], max: i64) -> String {
    missing
        .iter()
        .map(|&(s, e)| {
            if s == e {
                format!("[{s}]")
            } else if e == max {
                format!("[{s},max]")
            } else {
                format!("[{s},{e}]")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `5`, `5 to 9` or `5 to max` as buf prints a range.
pub fn range_string(r: crate::ast::TagRange, max: i64) -> String {
    if r.start == r.end {
        r.start.to_string()
    } else if r.end == max {
        format!("{} to max", r.start)
    } else {
        format!("{} to {}", r.start, r.end)
    }
}

/// Whether a deprecated rule id is still accepted in a config version.
pub fn deprecated_in(id: &str, version: ConfigVersion) -> bool {
    files::deprecated_exists_in(id, version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::TagRange;

    #[test]
    fn missing_ranges_finds_gaps() {
        let prev = [TagRange { start: 1, end: 10 }];
        let cur = [TagRange { start: 1, end: 3 }, TagRange { start: 6, end: 8 }];
        let got = missing_ranges(&prev, &cur);
        assert_eq!(got[0].1, vec![(4, 5), (9, 10)]);
        assert!(missing_ranges(&prev, &[TagRange { start: 0, end: 20 }]).is_empty());
        assert_eq!(missing_ranges(&prev, &[])[0].1, vec![(1, 10)]);
    }

    #[test]
    fn catalogue_is_sorted_and_unique() {
        let ids: Vec<_> = ALL.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }
}
