//! Reader/writer schema resolution, with the verdicts of Avro Java's `SchemaCompatibility`
//! (which the Confluent Schema Registry uses), reporting every incompatibility with its path.
//!
//! The traversal follows Avro's own order and memoization on purpose: a pair of schema nodes
//! met again while it is still being checked (a recursive type) is assumed compatible, and a
//! pair already checked gives its earlier result. Which pairs are "in progress" at a given time
//! decides some verdicts on recursive schemas, so doing it differently would change verdicts.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use apache_avro::Schema;
use apache_avro::schema::{EnumSchema, FixedSchema, InnerDecimalSchema, Name, RecordField, RecordSchema, UuidSchema};
use schemagate_core::compat::CompatMessage;

use crate::parse::AvroSchema;

/// Avro's `SchemaIncompatibilityType`, plus the two outcomes where Avro Java gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Incompatibility {
    NameMismatch,
    FixedSizeMismatch,
    MissingEnumSymbols,
    ReaderFieldMissingDefaultValue,
    TypeMismatch,
    MissingUnionBranch,
    /// A reader field whose name and aliases match more than one writer field: Avro Java throws,
    /// and the Schema Registry then reports the check as failed.
    AmbiguousWriterField,
    /// The schemas nest deeper than this checker follows; reported rather than overflowing.
    NestingTooDeep,
}

impl Incompatibility {
    /// The name Avro (and the Schema Registry's messages) use for it.
    pub fn name(self) -> &'static str {
        match self {
            Incompatibility::NameMismatch => "NAME_MISMATCH",
            Incompatibility::FixedSizeMismatch => "FIXED_SIZE_MISMATCH",
            Incompatibility::MissingEnumSymbols => "MISSING_ENUM_SYMBOLS",
            Incompatibility::ReaderFieldMissingDefaultValue => "READER_FIELD_MISSING_DEFAULT_VALUE",
            Incompatibility::TypeMismatch => "TYPE_MISMATCH",
            Incompatibility::MissingUnionBranch => "MISSING_UNION_BRANCH",
            Incompatibility::AmbiguousWriterField => "AMBIGUOUS_WRITER_FIELD",
            Incompatibility::NestingTooDeep => "NESTING_TOO_DEEP",
        }
    }
}

// The check recurses once per nested reader/writer pair. Recursive types are cut by
// memoization, but two recursive types of different shapes can still nest a long chain of
// distinct pairs. The check runs on the caller's stack up to a depth any thread can afford
// (JSON nesting alone cannot exceed it); past that it starts again on a thread of its own with
// a large stack (reserved, and used only as deep as the schemas go), up to a far larger limit.
const MAX_DEPTH_ON_CALLER_STACK: usize = 256;
const CHECK_STACK_BYTES: usize = 512 << 20;
const MAX_DEPTH: usize = 50_000;
/// A cap on the findings one pair keeps, so that a type used many times in many places cannot
/// multiply them without bound.
const MAX_FINDINGS: usize = 1000;

/// One incompatibility; `path` is relative to the pair that found it (`""` = that pair).
#[derive(Debug, Clone)]
struct Finding {
    kind: Incompatibility,
    path: String,
    message: String,
}

type Findings = Rc<[Finding]>;

/// Every incompatibility of reading data written with `writer` using `reader`.
pub(crate) fn check(reader: &AvroSchema, writer: &AvroSchema) -> Vec<CompatMessage> {
    let (messages, too_deep) = check_with_depth(reader, writer, MAX_DEPTH_ON_CALLER_STACK);
    if !too_deep {
        return messages;
    }
    let on_own_thread = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("avro-compat".into())
            .stack_size(CHECK_STACK_BYTES)
            .spawn_scoped(scope, || check_with_depth(reader, writer, MAX_DEPTH).0)
            .ok()
            .map(|handle| handle.join())
    });
    // Without a thread (or if it failed), the shallower answer still says the check stopped.
    match on_own_thread {
        Some(Ok(deeper)) => deeper,
        _ => messages,
    }
}

/// The messages, and whether the check stopped at `max_depth`.
fn check_with_depth(reader: &AvroSchema, writer: &AvroSchema, max_depth: usize) -> (Vec<CompatMessage>, bool) {
    let mut checker = Checker {
        reader_types: NamedTypes::of(reader),
        writer_types: NamedTypes::of(writer),
        memo: HashMap::new(),
        depth: 0,
        max_depth,
        too_deep: false,
    };
    let mut findings = checker.compatibility(&reader.root, &writer.root).to_vec();
    if checker.too_deep {
        // A pair cut short may surface only as a failed union branch; say why at the top.
        let message =
            format!("the schemas nest more than {max_depth} reader/writer pairs deep; the check stopped there");
        findings.push(Finding { kind: Incompatibility::NestingTooDeep, path: String::new(), message });
    }
    let mut seen = std::collections::HashSet::new();
    let messages = findings
        .iter()
        .filter(|f| seen.insert((f.kind, f.path.clone(), f.message.clone())))
        .map(|f| CompatMessage {
            kind: f.kind.name().to_string(),
            path: if f.path.is_empty() { "/".to_string() } else { f.path.clone() },
            message: f.message.clone(),
        })
        .collect();
    (messages, checker.too_deep)
}

/// The named types one side defines, by full name and by alias, so references can be followed.
struct NamedTypes<'a> {
    by_name: HashMap<String, &'a Schema>,
}

impl<'a> NamedTypes<'a> {
    fn of(schema: &'a AvroSchema) -> NamedTypes<'a> {
        let mut types = NamedTypes { by_name: HashMap::new() };
        types.collect(&schema.root);
        for reference in &schema.references {
            types.collect(reference);
        }
        types
    }

    fn collect(&mut self, schema: &'a Schema) {
        match schema {
            Schema::Record(record) => {
                self.define(&record.name, record.aliases.as_deref(), schema);
                for field in &record.fields {
                    self.collect(&field.schema);
                }
            }
            Schema::Enum(e) => self.define(&e.name, e.aliases.as_deref(), schema),
            Schema::Fixed(f) | Schema::Duration(f) | Schema::Uuid(UuidSchema::Fixed(f)) => {
                self.define(&f.name, f.aliases.as_deref(), schema)
            }
            Schema::Decimal(d) => {
                if let InnerDecimalSchema::Fixed(f) = &d.inner {
                    self.define(&f.name, f.aliases.as_deref(), schema)
                }
            }
            Schema::Array(a) => self.collect(&a.items),
            Schema::Map(m) => self.collect(&m.types),
            Schema::Union(u) => {
                for branch in u.variants() {
                    self.collect(branch);
                }
            }
            _ => {}
        }
    }

    fn define(&mut self, name: &Name, aliases: Option<&[apache_avro::schema::Alias]>, schema: &'a Schema) {
        self.by_name.entry(name.fullname(None)).or_insert(schema);
        // apache-avro lets a reference use an alias of a named type.
        for alias in aliases.unwrap_or_default() {
            self.by_name.entry(alias.fullname(None)).or_insert(schema);
        }
    }

    /// The definition a node stands for: references followed, logical types reduced to the
    /// type they annotate (Avro compares logical types on their underlying type).
    fn resolve(&self, schema: &'a Schema) -> (&'a Schema, Node<'a>) {
        let schema = match schema {
            Schema::Ref { name } => match self.by_name.get(&name.fullname(None)) {
                Some(definition) => *definition,
                None => return (schema, Node::Unresolved(name)),
            },
            other => other,
        };
        let node = match schema {
            Schema::Null => Node::Null,
            Schema::Boolean => Node::Boolean,
            Schema::Int | Schema::Date | Schema::TimeMillis => Node::Int,
            Schema::Long
            | Schema::TimeMicros
            | Schema::TimestampMillis
            | Schema::TimestampMicros
            | Schema::TimestampNanos
            | Schema::LocalTimestampMillis
            | Schema::LocalTimestampMicros
            | Schema::LocalTimestampNanos => Node::Long,
            Schema::Float => Node::Float,
            Schema::Double => Node::Double,
            Schema::Bytes | Schema::BigDecimal | Schema::Uuid(UuidSchema::Bytes) => Node::Bytes,
            Schema::String | Schema::Uuid(UuidSchema::String) => Node::String,
            Schema::Decimal(d) => match &d.inner {
                InnerDecimalSchema::Bytes => Node::Bytes,
                InnerDecimalSchema::Fixed(f) => Node::Fixed(f),
            },
            Schema::Array(a) => Node::Array(&a.items),
            Schema::Map(m) => Node::Map(&m.types),
            Schema::Union(u) => Node::Union(u.variants()),
            Schema::Record(r) => Node::Record(r),
            Schema::Enum(e) => Node::Enum(e),
            Schema::Fixed(f) | Schema::Duration(f) | Schema::Uuid(UuidSchema::Fixed(f)) => Node::Fixed(f),
            Schema::Ref { name } => Node::Unresolved(name),
        };
        (schema, node)
    }
}

/// A schema node as Avro's resolution sees it: one of Avro's fourteen types.
#[derive(Clone, Copy)]
enum Node<'a> {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Array(&'a Schema),
    Map(&'a Schema),
    Union(&'a [Schema]),
    Record(&'a RecordSchema),
    Enum(&'a EnumSchema),
    Fixed(&'a FixedSchema),
    /// A reference the parser accepted but that names no definition we can see.
    Unresolved(&'a Name),
}

impl Node<'_> {
    fn same_type(&self, other: &Node<'_>) -> bool {
        !matches!(self, Node::Unresolved(_)) && std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// The unqualified name of a named type, which is what Avro compares.
    fn short_name(&self) -> Option<&str> {
        match self {
            Node::Record(r) => Some(r.name.name()),
            Node::Enum(e) => Some(e.name.name()),
            Node::Fixed(f) => Some(f.name.name()),
            _ => None,
        }
    }

    /// Avro's type name, with the full name for named types.
    fn describe(&self) -> String {
        match self {
            Node::Null => "NULL".into(),
            Node::Boolean => "BOOLEAN".into(),
            Node::Int => "INT".into(),
            Node::Long => "LONG".into(),
            Node::Float => "FLOAT".into(),
            Node::Double => "DOUBLE".into(),
            Node::Bytes => "BYTES".into(),
            Node::String => "STRING".into(),
            Node::Array(_) => "ARRAY".into(),
            Node::Map(_) => "MAP".into(),
            Node::Union(_) => "UNION".into(),
            Node::Record(r) => format!("RECORD {}", r.name.fullname(None)),
            Node::Enum(e) => format!("ENUM {}", e.name.fullname(None)),
            Node::Fixed(f) => format!("FIXED {}", f.name.fullname(None)),
            Node::Unresolved(n) => format!("unresolved type {}", n.fullname(None)),
        }
    }
}

enum Memo {
    InProgress,
    Done(Findings),
}

struct Checker<'a> {
    reader_types: NamedTypes<'a>,
    writer_types: NamedTypes<'a>,
    /// Keyed by the identity of the resolved reader and writer nodes, as Avro keys it.
    memo: HashMap<(usize, usize), Memo>,
    depth: usize,
    max_depth: usize,
    too_deep: bool,
}

/// Accumulates the findings of one pair.
#[derive(Default)]
struct Found(Vec<Finding>);

impl Found {
    fn add(&mut self, kind: Incompatibility, path: &str, message: String) {
        if self.0.len() < MAX_FINDINGS {
            self.0.push(Finding { kind, path: path.to_string(), message });
        }
    }

    /// Adds a nested pair's findings under `prefix` (e.g. `/fields/2/type`).
    fn nest(&mut self, prefix: &str, findings: &[Finding]) {
        for f in findings.iter().take(MAX_FINDINGS.saturating_sub(self.0.len())) {
            self.0.push(Finding { kind: f.kind, path: format!("{prefix}{}", f.path), message: f.message.clone() });
        }
    }
}

impl<'a> Checker<'a> {
    /// The findings for a reader/writer pair, memoized by node identity.
    fn compatibility(&mut self, reader: &'a Schema, writer: &'a Schema) -> Findings {
        let (reader, reader_node) = self.reader_types.resolve(reader);
        let (writer, writer_node) = self.writer_types.resolve(writer);
        let key = (reader as *const Schema as usize, writer as *const Schema as usize);
        match self.memo.get(&key) {
            Some(Memo::InProgress) => return Rc::from([]),
            Some(Memo::Done(findings)) => return findings.clone(),
            None => {}
        }
        if self.depth >= self.max_depth {
            self.too_deep = true;
            let message = "the check stopped here: the schemas nest too deep".to_string();
            return Rc::from([Finding { kind: Incompatibility::NestingTooDeep, path: String::new(), message }]);
        }
        self.memo.insert(key, Memo::InProgress);
        self.depth += 1;
        let findings: Findings = self.calculate(reader, reader_node, writer, writer_node).0.into();
        self.depth -= 1;
        self.memo.insert(key, Memo::Done(findings.clone()));
        findings
    }

    fn calculate(
        &mut self,
        reader_schema: &'a Schema,
        reader: Node<'a>,
        writer_schema: &'a Schema,
        writer: Node<'a>,
    ) -> Found {
        let mut found = Found::default();
        if reader.same_type(&writer) {
            match (reader, writer) {
                (Node::Array(r), Node::Array(w)) => found.nest("/items", &self.compatibility(r, w)),
                (Node::Map(r), Node::Map(w)) => found.nest("/values", &self.compatibility(r, w)),
                (Node::Fixed(r), Node::Fixed(w)) => {
                    check_names(&mut found, &r.name, r.aliases.as_deref(), &w.name);
                    if r.size != w.size {
                        found.add(
                            Incompatibility::FixedSizeMismatch,
                            "/size",
                            format!("expected: {}, found: {}", w.size, r.size),
                        );
                    }
                }
                (Node::Enum(r), Node::Enum(w)) => {
                    check_names(&mut found, &r.name, r.aliases.as_deref(), &w.name);
                    check_enum_symbols(&mut found, r, w);
                }
                (Node::Record(r), Node::Record(w)) => {
                    check_names(&mut found, &r.name, r.aliases.as_deref(), &w.name);
                    self.check_fields(&mut found, r, writer_schema, w);
                }
                (Node::Union(_), Node::Union(w)) => {
                    // Each writer branch must be readable by the reader union as a whole; Avro
                    // reports the branch, not why no reader branch fits it.
                    let Node::Union(reader_branches) = reader else { unreachable!("same type") };
                    for (i, branch) in w.iter().enumerate() {
                        if !self.compatibility(reader_schema, branch).is_empty() {
                            let (_, branch_node) = self.writer_types.resolve(branch);
                            let message = self.missing_branch_message(reader_branches, branch, branch_node);
                            found.add(Incompatibility::MissingUnionBranch, &format!("/{i}"), message);
                        }
                    }
                }
                _ => {} // primitives of the same type
            }
            return found;
        }
        if let Node::Union(branches) = writer {
            // Every branch the writer may have written must be readable.
            for (i, branch) in branches.iter().enumerate() {
                let nested = self.compatibility(reader_schema, branch);
                found.nest(&format!("/{i}"), &nested);
            }
            return found;
        }
        let promotable = match reader {
            Node::Long => matches!(writer, Node::Int),
            Node::Float => matches!(writer, Node::Int | Node::Long),
            Node::Double => matches!(writer, Node::Int | Node::Long | Node::Float),
            Node::Bytes => matches!(writer, Node::String),
            Node::String => matches!(writer, Node::Bytes),
            Node::Union(branches) => {
                // The first reader branch that can read the writer's type is the one used.
                for branch in branches {
                    if self.compatibility(branch, writer_schema).is_empty() {
                        return found;
                    }
                }
                let message = self.missing_branch_message(branches, writer_schema, writer);
                found.add(Incompatibility::MissingUnionBranch, "", message);
                return found;
            }
            _ => false,
        };
        if !promotable {
            let message =
                format!("reader type: {} not compatible with writer type: {}", reader.describe(), writer.describe());
            found.add(Incompatibility::TypeMismatch, "", message);
        }
        found
    }

    /// Avro reports a writer type no reader union branch can read without saying why; when the
    /// union has a branch of that type (and name), its differences are the likely reason.
    fn missing_branch_message(
        &mut self,
        reader_branches: &'a [Schema],
        writer: &'a Schema,
        writer_node: Node<'a>,
    ) -> String {
        let mut message = format!("reader union lacking writer type: {}", writer_node.describe());
        let counterpart = reader_branches.iter().find(|b| {
            let (_, node) = self.reader_types.resolve(b);
            node.same_type(&writer_node) && node.short_name() == writer_node.short_name()
        });
        if let Some(branch) = counterpart {
            // Already checked while looking for a readable branch: this only reads the memo.
            let reasons = self.compatibility(branch, writer);
            let listed: Vec<String> = reasons
                .iter()
                .take(3)
                .map(|f| {
                    let at = if f.path.is_empty() { "/" } else { &f.path };
                    match f.kind {
                        // Its message names further branches; the path is enough, and keeps
                        // messages from growing with every level of nesting.
                        Incompatibility::MissingUnionBranch => format!("{} at {at}", f.kind.name()),
                        _ => format!("{} at {at} ({})", f.kind.name(), f.message),
                    }
                })
                .collect();
            if !listed.is_empty() {
                let more = if reasons.len() > 3 { format!(" and {} more", reasons.len() - 3) } else { String::new() };
                let _ = write!(message, "; its {} branch differs: {}{more}", writer_node.describe(), listed.join("; "));
            }
        }
        message
    }

    fn check_fields(
        &mut self,
        found: &mut Found,
        reader: &'a RecordSchema,
        writer_schema: &'a Schema,
        writer: &'a RecordSchema,
    ) {
        for (i, reader_field) in reader.fields.iter().enumerate() {
            let at = format!("/fields/{i}");
            match writer_field(writer, reader_field) {
                WriterField::Found(writer_field) => {
                    let nested = self.compatibility(&reader_field.schema, &writer_field.schema);
                    found.nest(&format!("{at}/type"), &nested);
                }
                WriterField::Missing if reader_field.default.is_some() => {}
                WriterField::Missing => {
                    let enum_with_default = matches!(
                        self.reader_types.resolve(&reader_field.schema).1,
                        Node::Enum(EnumSchema { default: Some(_), .. })
                    );
                    if enum_with_default {
                        // Avro then compares the enum with the writer's whole record, which
                        // can only fail; kept so the finding's kind and path match Avro's.
                        let nested = self.compatibility(&reader_field.schema, writer_schema);
                        found.nest(&format!("{at}/type"), &nested);
                    } else {
                        let message = format!(
                            "reader field '{}' has no default value and is missing in the writer record {}",
                            reader_field.name,
                            writer.name.fullname(None)
                        );
                        found.add(Incompatibility::ReaderFieldMissingDefaultValue, &at, message);
                    }
                }
                WriterField::Ambiguous(names) => {
                    let message = format!(
                        "reader field '{}' matches several writer fields by name and aliases: {}",
                        reader_field.name,
                        names.join(", ")
                    );
                    found.add(Incompatibility::AmbiguousWriterField, &at, message);
                }
            }
        }
    }
}

enum WriterField<'a> {
    Found(&'a RecordField),
    Missing,
    Ambiguous(Vec<String>),
}

/// The writer field a reader field reads: by name, then by each of the reader field's aliases
/// (Avro Java counts a match per name, so an alias repeating the field's own name is ambiguous).
fn writer_field<'a>(writer: &'a RecordSchema, reader_field: &RecordField) -> WriterField<'a> {
    let by_name = |name: &str| writer.fields.iter().find(|f| f.name == name);
    let matches: Vec<&RecordField> = std::iter::once(reader_field.name.as_str())
        .chain(reader_field.aliases.iter().map(String::as_str))
        .filter_map(by_name)
        .collect();
    match matches.as_slice() {
        [] => WriterField::Missing,
        [one] => WriterField::Found(one),
        many => WriterField::Ambiguous(many.iter().map(|f| f.name.clone()).collect()),
    }
}

/// Avro Java's name rule: the unqualified names are equal, or a reader alias (qualified with
/// the reader's namespace when it has none) is the writer's full name.
fn check_names(found: &mut Found, reader: &Name, reader_aliases: Option<&[apache_avro::schema::Alias]>, writer: &Name) {
    let writer_full = writer.fullname(None);
    let alias_matches = reader_aliases.unwrap_or_default().iter().any(|a| a.fullname(None) == writer_full);
    if reader.name() != writer.name() && !alias_matches {
        found.add(
            Incompatibility::NameMismatch,
            "/name",
            format!("expected: {writer_full}, found: {}", reader.fullname(None)),
        );
    }
}

fn check_enum_symbols(found: &mut Found, reader: &EnumSchema, writer: &EnumSchema) {
    let mut missing: Vec<&str> =
        writer.symbols.iter().filter(|s| !reader.symbols.contains(s)).map(String::as_str).collect();
    if missing.is_empty() {
        return;
    }
    let default_usable = reader.default.as_ref().is_some_and(|d| reader.symbols.contains(d));
    if !default_usable {
        missing.sort_unstable();
        let mut message = String::from("reader enum lacks writer symbols: ");
        let _ = write!(message, "[{}]", missing.join(", "));
        found.add(Incompatibility::MissingEnumSymbols, "/symbols", message);
    }
}
