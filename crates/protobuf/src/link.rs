//! Linking: full names, type resolution (protobuf scoping rules), synthetic oneofs for proto3
//! `optional`, and editions feature resolution.

use std::collections::HashMap;

use crate::ast::*;
use crate::error::LoadError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Message,
    Enum,
    /// A package or a prefix of one.
    Package,
    Other,
}

/// Every name visible in a set of files.
#[derive(Debug, Default)]
pub struct SymbolTable {
    symbols: HashMap<String, SymbolKind>,
    /// Values of every enum, in declaration order.
    enum_values: HashMap<String, Vec<(String, i64)>>,
}

impl SymbolTable {
    pub fn insert(&mut self, name: String, kind: SymbolKind) {
        self.symbols.entry(name).or_insert(kind);
    }

    pub fn add_package(&mut self, package: &str) {
        let mut prefix = String::new();
        for part in package.split('.').filter(|p| !p.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            self.insert(prefix.clone(), SymbolKind::Package);
        }
    }

    /// Adds the declarations of a file (names must already be assigned).
    pub fn add_file(&mut self, file: &ProtoFile) {
        self.add_package(&file.package);
        fn add_enum(t: &mut SymbolTable, e: &Enum, scope: &str) {
            t.insert(e.full_name.clone(), SymbolKind::Enum);
            t.enum_values
                .entry(e.full_name.clone())
                .or_insert_with(|| e.values.iter().map(|v| (v.name.clone(), v.number)).collect());
            // Enum values are siblings of their enum in protobuf scoping.
            for v in &e.values {
                t.insert(join(scope, &v.name), SymbolKind::Other);
            }
        }
        fn add_message(t: &mut SymbolTable, m: &Message) {
            t.insert(m.full_name.clone(), SymbolKind::Message);
            for n in &m.messages {
                add_message(t, n);
            }
            for e in &m.enums {
                add_enum(t, e, &m.full_name);
            }
            for f in m.fields.iter().chain(&m.extensions) {
                t.insert(join(&m.full_name, &f.name), SymbolKind::Other);
            }
        }
        for m in &file.messages {
            add_message(self, m);
        }
        for e in &file.enums {
            add_enum(self, e, &file.package);
        }
        for s in &file.services {
            self.insert(s.full_name.clone(), SymbolKind::Other);
        }
        for f in &file.extensions {
            self.insert(join(&file.package, &f.name), SymbolKind::Other);
        }
    }

    fn get(&self, name: &str) -> Option<SymbolKind> {
        self.symbols.get(name).copied()
    }

    /// Resolves a type reference written in `scope` to a full name and kind.
    pub fn resolve(&self, scope: &str, name: &str) -> Option<(String, SymbolKind)> {
        if let Some(abs) = name.strip_prefix('.') {
            return self.get(abs).filter(|k| is_type(*k)).map(|k| (abs.to_string(), k));
        }
        let first = name.split('.').next().unwrap_or(name);
        let mut scope = scope.to_string();
        loop {
            let candidate = join(&scope, first);
            if self.get(&candidate).is_some() {
                let full = join(&scope, name);
                if let Some(k) = self.get(&full).filter(|k| is_type(*k)) {
                    return Some((full, k));
                }
            }
            if scope.is_empty() {
                return None;
            }
            scope = match scope.rfind('.') {
                Some(i) => scope[..i].to_string(),
                None => String::new(),
            };
        }
    }
}

fn is_type(k: SymbolKind) -> bool {
    matches!(k, SymbolKind::Message | SymbolKind::Enum)
}

/// `scope.name`, or `name` at the root scope.
pub fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() { name.to_string() } else { format!("{scope}.{name}") }
}

/// Assigns full and nested names throughout a freshly parsed file.
pub fn assign_names(file: &mut ProtoFile) {
    fn message(m: &mut Message, scope: &str, nested_scope: &str) {
        m.full_name = join(scope, &m.name);
        m.nested_name = join(nested_scope, &m.name);
        for f in m.fields.iter_mut().chain(m.extensions.iter_mut()) {
            f.full_name = join(&m.full_name, &f.name);
        }
        for e in &mut m.enums {
            e.full_name = join(&m.full_name, &e.name);
            e.nested_name = join(&m.nested_name, &e.name);
        }
        let (full, nested) = (m.full_name.clone(), m.nested_name.clone());
        for n in &mut m.messages {
            message(n, &full, &nested);
        }
    }
    let package = file.package.clone();
    for m in &mut file.messages {
        message(m, &package, "");
    }
    for e in &mut file.enums {
        e.full_name = join(&package, &e.name);
        e.nested_name = e.name.clone();
    }
    for s in &mut file.services {
        s.full_name = join(&package, &s.name);
    }
    for f in &mut file.extensions {
        f.full_name = join(&package, &f.name);
    }
}

/// The default features of a syntax or edition.
pub fn default_features(syntax: Syntax) -> Features {
    match syntax {
        Syntax::Proto2 => Features {
            field_presence: FieldPresence::Explicit,
            enum_type_closed: true,
            utf8_validation_verify: false,
            message_encoding_delimited: false,
            json_format_allow: false,
            cpp_string_type: CppStringType::String,
            java_utf8_verify: false,
        },
        Syntax::Proto3 => Features {
            field_presence: FieldPresence::Implicit,
            enum_type_closed: false,
            utf8_validation_verify: true,
            message_encoding_delimited: false,
            json_format_allow: true,
            cpp_string_type: CppStringType::String,
            java_utf8_verify: false,
        },
        Syntax::Edition2023 => Features {
            field_presence: FieldPresence::Explicit,
            enum_type_closed: false,
            utf8_validation_verify: true,
            message_encoding_delimited: false,
            json_format_allow: true,
            cpp_string_type: CppStringType::String,
            java_utf8_verify: false,
        },
        Syntax::Edition2024 => {
            Features { cpp_string_type: CppStringType::View, ..default_features(Syntax::Edition2023) }
        }
    }
}

/// Which feature an option sets, if it is a feature we track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureName {
    FieldPresence,
    EnumType,
    Utf8Validation,
    MessageEncoding,
    JsonFormat,
    CppStringType,
    JavaUtf8Validation,
}

/// Recognizes `features.x` and `features.(pb.cpp).string_type` style option names.
pub fn feature_of(option: &OptionDecl) -> Option<FeatureName> {
    let parts = &option.name;
    if parts.first().is_none_or(|p| p.is_extension || p.name != "features") {
        return None;
    }
    let ext_is = |p: &NamePart, want: &str| p.is_extension && p.name.trim_start_matches('.') == want;
    match &parts[1..] {
        [p] if !p.is_extension => Some(match p.name.as_str() {
            "field_presence" => FeatureName::FieldPresence,
            "enum_type" => FeatureName::EnumType,
            "utf8_validation" => FeatureName::Utf8Validation,
            "message_encoding" => FeatureName::MessageEncoding,
            "json_format" => FeatureName::JsonFormat,
            _ => return None,
        }),
        [e, p] if ext_is(e, "pb.cpp") && p.name == "string_type" => Some(FeatureName::CppStringType),
        [e, p] if ext_is(e, "pb.java") && p.name == "utf8_validation" => Some(FeatureName::JavaUtf8Validation),
        _ => None,
    }
}

/// Finds the explicit option setting `feature` on an element.
pub fn feature_option(options: &[OptionDecl], feature: FeatureName) -> Option<&OptionDecl> {
    options.iter().rev().find(|o| feature_of(o) == Some(feature))
}

fn apply_features(mut base: Features, options: &[OptionDecl]) -> Features {
    for o in options {
        let (Some(name), Some(v)) = (feature_of(o), o.value.as_ident()) else {
            continue;
        };
        match (name, v) {
            (FeatureName::FieldPresence, "EXPLICIT") => base.field_presence = FieldPresence::Explicit,
            (FeatureName::FieldPresence, "IMPLICIT") => base.field_presence = FieldPresence::Implicit,
            (FeatureName::FieldPresence, "LEGACY_REQUIRED") => base.field_presence = FieldPresence::LegacyRequired,
            (FeatureName::EnumType, v) => base.enum_type_closed = v == "CLOSED",
            (FeatureName::Utf8Validation, v) => base.utf8_validation_verify = v == "VERIFY",
            (FeatureName::MessageEncoding, v) => base.message_encoding_delimited = v == "DELIMITED",
            (FeatureName::JsonFormat, v) => base.json_format_allow = v == "ALLOW",
            (FeatureName::CppStringType, "VIEW") => base.cpp_string_type = CppStringType::View,
            (FeatureName::CppStringType, "CORD") => base.cpp_string_type = CppStringType::Cord,
            (FeatureName::CppStringType, "STRING") => base.cpp_string_type = CppStringType::String,
            (FeatureName::JavaUtf8Validation, v) => base.java_utf8_verify = v == "VERIFY",
            _ => {}
        }
    }
    base
}

struct Linker<'a> {
    table: &'a SymbolTable,
    file_path: &'a str,
    syntax: Syntax,
    error: Option<LoadError>,
}

impl Linker<'_> {
    fn fail(&mut self, span: Span, message: String) {
        if self.error.is_none() {
            self.error = Some(LoadError::new(self.file_path, span.start_line, span.start_col, message));
        }
    }

    fn resolve_field(&mut self, f: &mut Field, scope: &str, parent: Features, oneof_features: Option<Features>) {
        let base = oneof_features.unwrap_or(parent);
        f.features = apply_features(base, &f.options);
        if let Some(extendee) = &f.extendee {
            match self.table.resolve(scope, extendee) {
                Some((full, SymbolKind::Message)) => f.extendee_full = full,
                _ => self.fail(f.type_span, format!("extendee \"{extendee}\" is not defined")),
            }
        }
        match &f.ty {
            TypeRef::Scalar(k) => f.kind = Some(*k),
            TypeRef::Group(name) => {
                f.kind = Some(Kind::Group);
                f.type_name = join(scope, name);
            }
            TypeRef::Named(name) => match self.table.resolve(scope, name) {
                Some((full, SymbolKind::Message)) => {
                    let delimited = f.features.message_encoding_delimited && !f.is_map && self.syntax.is_editions();
                    f.kind = Some(if delimited { Kind::Group } else { Kind::Message });
                    f.type_name = full;
                }
                Some((full, _)) => {
                    f.kind = Some(Kind::Enum);
                    let values = self.table.enum_values.get(&full);
                    let short = full.rsplit('.').next().unwrap_or(&full).to_string();
                    let explicit =
                        find_option(&f.options, &["default"]).and_then(|o| o.value.as_ident().map(str::to_string));
                    f.enum_default = match (values, explicit) {
                        (Some(values), Some(name)) => {
                            values.iter().find(|(n, _)| *n == name).map(|(n, v)| (short, n.clone(), *v))
                        }
                        (Some(values), None) => values.first().map(|(n, v)| (short, n.clone(), *v)),
                        _ => None,
                    };
                    f.type_name = full;
                }
                None => self.fail(f.type_span, format!("field {}: type \"{name}\" is not defined", f.name)),
            },
        }
    }

    fn message(&mut self, m: &mut Message, parent: Features) {
        m.features = apply_features(parent, &m.options);
        if self.syntax == Syntax::Proto3 {
            // proto3 `optional` fields live in a synthetic oneof named `_<field>`.
            for i in 0..m.fields.len() {
                let f = &m.fields[i];
                if f.label == Some(Label::Optional) && f.oneof.is_none() && !f.in_map_entry {
                    let name = format!("_{}", f.name);
                    let span = f.span;
                    m.oneofs.push(Oneof { name, span, synthetic: true, options: vec![] });
                    m.fields[i].oneof = Some(m.oneofs.len() - 1);
                }
            }
        }
        let scope = m.full_name.clone();
        let oneof_features: Vec<Features> = m.oneofs.iter().map(|o| apply_features(m.features, &o.options)).collect();
        for f in &mut m.fields {
            let of = f.oneof.and_then(|i| oneof_features.get(i).copied());
            self.resolve_field(f, &scope, m.features, of);
        }
        for f in &mut m.extensions {
            self.resolve_field(f, &scope, m.features, None);
        }
        for e in &mut m.enums {
            e.features = apply_features(m.features, &e.options);
        }
        for n in &mut m.messages {
            // A map entry inherits the features of its map field, not of the message.
            let parent = if n.map_entry {
                m.fields
                    .iter()
                    .find(|f| f.is_map && f.ty == TypeRef::Named(n.name.clone()))
                    .map(|f| f.features)
                    .unwrap_or(m.features)
            } else {
                m.features
            };
            self.message(n, parent);
        }
    }
}

/// Resolves every type reference of `file` against `table`.
pub fn link_file(file: &mut ProtoFile, table: &SymbolTable) -> Result<(), LoadError> {
    let mut linker = Linker { table, file_path: &file.path, syntax: file.syntax, error: None };
    let features = apply_features(default_features(file.syntax), &file.options);
    let package = file.package.clone();
    for m in &mut file.messages {
        linker.message(m, features);
    }
    for e in &mut file.enums {
        e.features = apply_features(features, &e.options);
    }
    for f in &mut file.extensions {
        linker.resolve_field(f, &package, features, None);
    }
    for s in &mut file.services {
        let scope = package.clone();
        for m in &mut s.methods {
            for (name, span, out) in
                [(&m.input_type, m.input_span, &mut m.input_full), (&m.output_type, m.output_span, &mut m.output_full)]
            {
                match table.resolve(&scope, name) {
                    Some((full, SymbolKind::Message)) => *out = full,
                    _ => {
                        if linker.error.is_none() {
                            linker.error = Some(LoadError::new(
                                &file.path,
                                span.start_line,
                                span.start_col,
                                format!("rpc {}: message \"{name}\" is not defined", m.name),
                            ));
                        }
                    }
                }
            }
        }
    }
    file.features = features;
    match linker.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
