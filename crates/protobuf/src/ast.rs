//! The Protobuf model: what the parser reads from a file, with source spans, plus what the
//! linker resolves (type kinds, full names, presence, editions features).

/// A source span: 1-based line and column, end exclusive (protoc's convention).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start_line: u32,
    pub start_col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    /// Span from the start of `self` to the end of `end`.
    pub fn to(self, end: Span) -> Span {
        Span { end_line: end.end_line, end_col: end.end_col, ..self }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Proto2,
    Proto3,
    /// `edition = "2023";`
    Edition2023,
    /// `edition = "2024";`
    Edition2024,
}

impl Syntax {
    /// Name as buf prints it.
    pub fn name(self) -> &'static str {
        match self {
            Syntax::Proto2 => "proto2",
            Syntax::Proto3 => "proto3",
            Syntax::Edition2023 | Syntax::Edition2024 => "editions",
        }
    }

    /// True for editions files (feature-based semantics).
    pub fn is_editions(self) -> bool {
        matches!(self, Syntax::Edition2023 | Syntax::Edition2024)
    }
}

/// One part of an option name: `features`, `(pb.cpp)`, `string_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePart {
    pub name: String,
    pub is_extension: bool,
}

/// An option value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Ident(String),
    Int {
        negative: bool,
        magnitude: u64,
    },
    Float(f64),
    Str(Vec<u8>),
    /// A message literal `{ ... }`; its contents do not matter to any rule.
    Aggregate,
}

impl Value {
    pub fn as_ident(&self) -> Option<&str> {
        match self {
            Value::Ident(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_ident()? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
    pub fn as_string(&self) -> Option<String> {
        match self {
            Value::Str(b) => Some(String::from_utf8_lossy(b).into_owned()),
            _ => None,
        }
    }
}

/// `option a.(b).c = value;` or a compact `[a = value]` option.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionDecl {
    pub name: Vec<NamePart>,
    pub value: Value,
    /// The whole statement for `option ...;`, `name = value` for compact options.
    pub span: Span,
}

impl OptionDecl {
    /// True when the name is exactly the given simple (non-extension) path, like `["ctype"]`.
    pub fn is(&self, path: &[&str]) -> bool {
        self.name.len() == path.len() && self.name.iter().zip(path).all(|(p, want)| !p.is_extension && p.name == *want)
    }
}

/// Finds the last option with the given simple name path.
pub fn find_option<'a>(options: &'a [OptionDecl], path: &[&str]) -> Option<&'a OptionDecl> {
    options.iter().rev().find(|o| o.is(path))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Optional,
    Required,
    Repeated,
}

/// Scalar and composite kinds of a field, as protoreflect names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Double,
    Float,
    Int64,
    Uint64,
    Int32,
    Fixed64,
    Fixed32,
    Bool,
    String,
    Group,
    Message,
    Bytes,
    Uint32,
    Enum,
    Sfixed32,
    Sfixed64,
    Sint32,
    Sint64,
}

impl Kind {
    /// Keyword of a scalar type, if `name` is one.
    pub fn scalar(name: &str) -> Option<Kind> {
        Some(match name {
            "double" => Kind::Double,
            "float" => Kind::Float,
            "int64" => Kind::Int64,
            "uint64" => Kind::Uint64,
            "int32" => Kind::Int32,
            "fixed64" => Kind::Fixed64,
            "fixed32" => Kind::Fixed32,
            "bool" => Kind::Bool,
            "string" => Kind::String,
            "bytes" => Kind::Bytes,
            "uint32" => Kind::Uint32,
            "sfixed32" => Kind::Sfixed32,
            "sfixed64" => Kind::Sfixed64,
            "sint32" => Kind::Sint32,
            "sint64" => Kind::Sint64,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Double => "double",
            Kind::Float => "float",
            Kind::Int64 => "int64",
            Kind::Uint64 => "uint64",
            Kind::Int32 => "int32",
            Kind::Fixed64 => "fixed64",
            Kind::Fixed32 => "fixed32",
            Kind::Bool => "bool",
            Kind::String => "string",
            Kind::Group => "group",
            Kind::Message => "message",
            Kind::Bytes => "bytes",
            Kind::Uint32 => "uint32",
            Kind::Enum => "enum",
            Kind::Sfixed32 => "sfixed32",
            Kind::Sfixed64 => "sfixed64",
            Kind::Sint32 => "sint32",
            Kind::Sint64 => "sint64",
        }
    }

    pub fn is_64bit_integer(self) -> bool {
        matches!(self, Kind::Int64 | Kind::Sint64 | Kind::Uint64 | Kind::Fixed64 | Kind::Sfixed64)
    }
}

/// The type of a field as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    Scalar(Kind),
    /// A message or enum name, possibly qualified, possibly with a leading dot.
    Named(String),
    /// `group Name = N { ... }`: the nested message with that name.
    Group(String),
}

/// Editions features, resolved for one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Features {
    pub field_presence: FieldPresence,
    pub enum_type_closed: bool,
    pub utf8_validation_verify: bool,
    pub message_encoding_delimited: bool,
    pub json_format_allow: bool,
    /// `(pb.cpp).string_type`
    pub cpp_string_type: CppStringType,
    /// `(pb.java).utf8_validation == VERIFY`
    pub java_utf8_verify: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldPresence {
    #[default]
    Explicit,
    Implicit,
    LegacyRequired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CppStringType {
    #[default]
    String,
    Cord,
    View,
}

impl CppStringType {
    pub fn name(self) -> &'static str {
        match self {
            CppStringType::String => "STRING",
            CppStringType::Cord => "CORD",
            CppStringType::View => "VIEW",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub name_span: Span,
    pub number: i64,
    pub number_span: Span,
    pub label: Option<Label>,
    pub ty: TypeRef,
    /// Span of the type as written (`string`, `.pkg.Msg`, `map<k, v>`, `group`).
    pub type_span: Span,
    pub span: Span,
    /// Compact options `[...]`, including the pseudo-options `default` and `json_name`.
    pub options: Vec<OptionDecl>,
    /// Index into the message's oneofs (real or synthetic).
    pub oneof: Option<usize>,
    /// For extensions: the extendee as written.
    pub extendee: Option<String>,
    /// True for the key/value fields of a synthesized map entry.
    pub in_map_entry: bool,
    // Resolved by the linker:
    pub kind: Option<Kind>,
    /// Full name (no leading dot) of the message/enum type.
    pub type_name: String,
    /// Full name of the extendee (no leading dot), for extensions.
    pub extendee_full: String,
    pub full_name: String,
    pub features: Features,
    pub is_map: bool,
    /// For enum fields: the default value (explicit, else the enum's first value) as
    /// (enum name, value name, number).
    pub enum_default: Option<(String, String, i64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Oneof {
    pub name: String,
    pub span: Span,
    pub synthetic: bool,
    pub options: Vec<OptionDecl>,
}

/// `reserved 1 to 5;` / `extensions 100 to max;` ranges, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagRange {
    pub start: i64,
    pub end: i64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    pub name: String,
    pub full_name: String,
    /// Name relative to the package: `Outer.Inner`.
    pub nested_name: String,
    pub span: Span,
    pub fields: Vec<Field>,
    pub oneofs: Vec<Oneof>,
    pub messages: Vec<Message>,
    pub enums: Vec<Enum>,
    pub extensions: Vec<Field>,
    pub extension_ranges: Vec<TagRange>,
    pub reserved_ranges: Vec<TagRange>,
    pub reserved_names: Vec<String>,
    pub options: Vec<OptionDecl>,
    pub map_entry: bool,
    pub features: Features,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub name: String,
    pub number: i64,
    pub span: Span,
    pub number_span: Span,
    pub options: Vec<OptionDecl>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Enum {
    pub name: String,
    pub full_name: String,
    pub nested_name: String,
    pub span: Span,
    pub values: Vec<EnumValue>,
    pub reserved_ranges: Vec<TagRange>,
    pub reserved_names: Vec<String>,
    pub options: Vec<OptionDecl>,
    pub features: Features,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    pub name: String,
    pub span: Span,
    pub input_type: String,
    pub input_span: Span,
    pub output_type: String,
    pub output_span: Span,
    pub client_streaming: bool,
    pub server_streaming: bool,
    pub options: Vec<OptionDecl>,
    pub input_full: String,
    pub output_full: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Service {
    pub name: String,
    pub full_name: String,
    pub span: Span,
    pub methods: Vec<Method>,
    pub options: Vec<OptionDecl>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub path: String,
    pub span: Span,
}

/// One parsed (and, after linking, resolved) .proto file.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtoFile {
    /// Path relative to its import root.
    pub path: String,
    pub syntax: Syntax,
    /// Span of the `syntax = ...;` or `edition = ...;` statement.
    pub syntax_span: Option<Span>,
    pub package: String,
    pub package_span: Option<Span>,
    pub imports: Vec<Import>,
    pub options: Vec<OptionDecl>,
    pub messages: Vec<Message>,
    pub enums: Vec<Enum>,
    pub services: Vec<Service>,
    pub extensions: Vec<Field>,
    pub features: Features,
}

impl ProtoFile {
    /// Calls `f` for every message, depth first, parents before children.
    pub fn walk_messages<'a>(&'a self, f: &mut dyn FnMut(&'a Message)) {
        fn go<'a>(m: &'a Message, f: &mut dyn FnMut(&'a Message)) {
            f(m);
            for n in &m.messages {
                go(n, f);
            }
        }
        for m in &self.messages {
            go(m, f);
        }
    }

    /// Every enum, top-level and nested.
    pub fn all_enums(&self) -> Vec<&Enum> {
        let mut out: Vec<&Enum> = self.enums.iter().collect();
        self.walk_messages(&mut |m| out.extend(m.enums.iter()));
        out
    }

    /// Every extension, top-level and nested.
    pub fn all_extensions(&self) -> Vec<&Field> {
        let mut out: Vec<&Field> = self.extensions.iter().collect();
        self.walk_messages(&mut |m| out.extend(m.extensions.iter()));
        out
    }
}
