//! Protobuf schemas in descriptor form: Confluent's Protobuf serializers register a schema as
//! the base64 of a serialized `google.protobuf.FileDescriptorProto`. [`descriptor_to_proto`]
//! prints such a descriptor as equivalent `.proto` source, which the registry then stores,
//! identifies and checks like any other Protobuf schema. Type names keep the descriptor's
//! fully qualified form (`.pkg.Type`), which is valid `.proto` syntax.

use std::fmt::Write as _;

use crate::ast::{self, ProtoFile, Syntax, TagRange};
use prost::Message as _;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto, OneofDescriptorProto,
    ServiceDescriptorProto,
};

/// The exclusive upper bound of field numbers in a descriptor range, printed as `max`.
const FIELD_NUMBER_END: i32 = 536_870_912;

/// Decodes a serialized `FileDescriptorProto` and prints it as `.proto` source.
pub fn descriptor_to_proto(bytes: &[u8]) -> Result<String, String> {
    let file = FileDescriptorProto::decode(bytes).map_err(|e| format!("invalid FileDescriptorProto: {e}"))?;
    // prost-types 0.14 has no `edition` field: an editions descriptor shows as its syntax.
    let proto3 = match file.syntax() {
        "editions" => return Err("editions descriptors not supported".to_string()),
        "" | "proto2" => false,
        "proto3" => true,
        other => return Err(format!("unknown syntax \"{other}\" in FileDescriptorProto")),
    };
    let mut p = Printer { out: String::new(), depth: 0, proto3 };
    p.file(&file)?;
    Ok(p.out)
}

struct Printer {
    out: String,
    depth: usize,
    proto3: bool,
}

/// A `.proto` string literal of `text` (quotes and backslashes escaped).
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\{:03o}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `.proto` keyword of a scalar type (`TYPE_SINT32` is `sint32`).
fn scalar_name(t: Type) -> Option<String> {
    match t {
        Type::Group | Type::Message | Type::Enum => None,
        scalar => Some(scalar.as_str_name().trim_start_matches("TYPE_").to_ascii_lowercase()),
    }
}

/// `a, b to c, d to max`: descriptor ranges with an exclusive end (`inclusive_end` false) or
/// an inclusive one (enum reserved ranges).
fn ranges(items: impl Iterator<Item = (i32, i32)>, inclusive_end: bool) -> String {
    items
        .map(|(start, end)| {
            let last = if inclusive_end { end } else { end.saturating_sub(1) };
            if (!inclusive_end && end >= FIELD_NUMBER_END) || (inclusive_end && end == i32::MAX) {
                format!("{start} to max")
            } else if last == start {
                start.to_string()
            } else {
                format!("{start} to {last}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn reserved_names(names: &[String]) -> String {
    names.iter().map(|n| quoted(n)).collect::<Vec<_>>().join(", ")
}

impl Printer {
    fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn open(&mut self, head: &str) {
        self.line(&format!("{head} {{"));
        self.depth += 1;
    }

    fn close(&mut self) {
        self.depth -= 1;
        self.line("}");
    }

    fn file(&mut self, file: &FileDescriptorProto) -> Result<(), String> {
        self.line(if self.proto3 { "syntax = \"proto3\";" } else { "syntax = \"proto2\";" });
        if let Some(package) = &file.package {
            self.line(&format!("package {package};"));
        }
        for (i, dependency) in file.dependency.iter().enumerate() {
            let index = i32::try_from(i).unwrap_or(i32::MAX);
            let kind = if file.public_dependency.contains(&index) {
                "public "
            } else if file.weak_dependency.contains(&index) {
                "weak "
            } else {
                ""
            };
            self.line(&format!("import {kind}{};", quoted(dependency)));
        }
        if let Some(o) = &file.options {
            let strings = [
                ("java_package", &o.java_package),
                ("java_outer_classname", &o.java_outer_classname),
                ("go_package", &o.go_package),
                ("objc_class_prefix", &o.objc_class_prefix),
                ("csharp_namespace", &o.csharp_namespace),
                ("swift_prefix", &o.swift_prefix),
                ("php_class_prefix", &o.php_class_prefix),
                ("php_namespace", &o.php_namespace),
                ("php_metadata_namespace", &o.php_metadata_namespace),
                ("ruby_package", &o.ruby_package),
            ];
            for (name, value) in strings {
                if let Some(value) = value {
                    self.line(&format!("option {name} = {};", quoted(value)));
                }
            }
            let flags = [
                ("java_multiple_files", o.java_multiple_files),
                ("java_string_check_utf8", o.java_string_check_utf8),
                ("cc_enable_arenas", o.cc_enable_arenas),
                ("deprecated", o.deprecated),
            ];
            self.flag_options(&flags);
            if o.optimize_for.is_some() {
                self.line(&format!("option optimize_for = {};", o.optimize_for().as_str_name()));
            }
        }
        let scope = file.package.as_deref().map(|p| format!(".{p}")).unwrap_or_default();
        for message in &file.message_type {
            self.message(message, &scope)?;
        }
        for e in &file.enum_type {
            self.enumeration(e);
        }
        self.extensions(&file.extension)?;
        for service in &file.service {
            self.service(service);
        }
        Ok(())
    }

    fn flag_options(&mut self, flags: &[(&str, Option<bool>)]) {
        for (name, value) in flags {
            if let Some(value) = value {
                self.line(&format!("option {name} = {value};"));
            }
        }
    }

    fn message(&mut self, message: &DescriptorProto, scope: &str) -> Result<(), String> {
        let full_name = format!("{scope}.{}", message.name());
        self.open(&format!("message {}", message.name()));
        if let Some(o) = &message.options {
            self.flag_options(&[
                ("message_set_wire_format", o.message_set_wire_format),
                ("no_standard_descriptor_accessor", o.no_standard_descriptor_accessor),
                ("deprecated", o.deprecated),
            ]);
        }
        let mut printed_oneofs = vec![false; message.oneof_decl.len()];
        for field in &message.field {
            let oneof = field.oneof_index.and_then(|i| usize::try_from(i).ok()).filter(|_| !field.proto3_optional());
            match oneof {
                Some(i) if i < message.oneof_decl.len() => {
                    if !printed_oneofs[i] {
                        printed_oneofs[i] = true;
                        self.oneof(message, i, &message.oneof_decl[i], &full_name)?;
                    }
                }
                Some(i) => return Err(format!("field {} has oneof_index {i} out of range", field.name())),
                None => self.field(field, message, &full_name, true)?,
            }
        }
        for nested in &message.nested_type {
            if !is_map_entry(nested) {
                self.message(nested, &full_name)?;
            }
        }
        for e in &message.enum_type {
            self.enumeration(e);
        }
        if !message.extension_range.is_empty() {
            let text = ranges(message.extension_range.iter().map(|r| (r.start(), r.end())), false);
            self.line(&format!("extensions {text};"));
        }
        if !message.reserved_range.is_empty() {
            let text = ranges(message.reserved_range.iter().map(|r| (r.start(), r.end())), false);
            self.line(&format!("reserved {text};"));
        }
        if !message.reserved_name.is_empty() {
            self.line(&format!("reserved {};", reserved_names(&message.reserved_name)));
        }
        self.extensions(&message.extension)?;
        self.close();
        Ok(())
    }

    fn oneof(
        &mut self,
        message: &DescriptorProto,
        index: usize,
        oneof: &OneofDescriptorProto,
        full_name: &str,
    ) -> Result<(), String> {
        self.open(&format!("oneof {}", oneof.name()));
        let index = i32::try_from(index).ok();
        for field in message.field.iter().filter(|f| f.oneof_index == index) {
            self.field(field, message, full_name, false)?;
        }
        self.close();
        Ok(())
    }

    /// One field; `labelled` is false inside a oneof, where fields carry no label.
    fn field(
        &mut self,
        field: &FieldDescriptorProto,
        message: &DescriptorProto,
        full_name: &str,
        labelled: bool,
    ) -> Result<(), String> {
        let type_name = match field.r#type() {
            Type::Group => return Err("groups not supported in descriptor form".to_string()),
            Type::Message | Type::Enum => {
                let name = field.type_name();
                if name.is_empty() {
                    return Err(format!("field {} has no type_name", field.name()));
                }
                if field.label() == Label::Repeated
                    && let Some(entry) = map_entry(message, full_name, name)
                {
                    let key = entry.field.iter().find(|f| f.number() == 1);
                    let value = entry.field.iter().find(|f| f.number() == 2);
                    let (Some(key), Some(value)) = (key, value) else {
                        return Err(format!("map entry {name} lacks its key or value field"));
                    };
                    let decl = format!("map<{}, {}>", plain_type(key)?, plain_type(value)?);
                    return self.field_line(field, "", &decl);
                }
                name.to_string()
            }
            scalar => plain_type_of(scalar, field)?,
        };
        let label = if !labelled {
            ""
        } else {
            match field.label() {
                Label::Repeated => "repeated ",
                Label::Required => "required ",
                Label::Optional if field.proto3_optional() || !self.proto3 => "optional ",
                Label::Optional => "",
            }
        };
        self.field_line(field, label, &type_name)
    }

    fn field_line(&mut self, field: &FieldDescriptorProto, label: &str, type_name: &str) -> Result<(), String> {
        let mut options = Vec::new();
        if let Some(default) = &field.default_value {
            let value = match field.r#type() {
                Type::String => quoted(default),
                // Descriptors hold bytes defaults C-escaped already.
                Type::Bytes => format!("\"{default}\""),
                _ => default.clone(),
            };
            options.push(format!("default = {value}"));
        }
        if let Some(json_name) = &field.json_name
            && *json_name != crate::rules::default_json_name(field.name())
        {
            options.push(format!("json_name = {}", quoted(json_name)));
        }
        if let Some(o) = &field.options {
            if let Some(packed) = o.packed {
                options.push(format!("packed = {packed}"));
            }
            if o.ctype.is_some() {
                options.push(format!("ctype = {}", o.ctype().as_str_name()));
            }
            if o.jstype.is_some() {
                options.push(format!("jstype = {}", o.jstype().as_str_name()));
            }
            for (name, value) in [("lazy", o.lazy), ("deprecated", o.deprecated), ("weak", o.weak)] {
                if let Some(value) = value {
                    options.push(format!("{name} = {value}"));
                }
            }
        }
        let options = if options.is_empty() { String::new() } else { format!(" [{}]", options.join(", ")) };
        self.line(&format!("{label}{type_name} {} = {}{options};", field.name(), field.number()));
        Ok(())
    }

    fn enumeration(&mut self, e: &EnumDescriptorProto) {
        self.open(&format!("enum {}", e.name()));
        if let Some(o) = &e.options {
            self.flag_options(&[("allow_alias", o.allow_alias), ("deprecated", o.deprecated)]);
        }
        for value in &e.value {
            let deprecated = value.options.as_ref().and_then(|o| o.deprecated);
            let options = deprecated.map(|d| format!(" [deprecated = {d}]")).unwrap_or_default();
            self.line(&format!("{} = {}{options};", value.name(), value.number()));
        }
        if !e.reserved_range.is_empty() {
            let text = ranges(e.reserved_range.iter().map(|r| (r.start(), r.end())), true);
            self.line(&format!("reserved {text};"));
        }
        if !e.reserved_name.is_empty() {
            self.line(&format!("reserved {};", reserved_names(&e.reserved_name)));
        }
        self.close();
    }

    /// `extend` blocks, one per extendee, in the order the extendees first appear.
    fn extensions(&mut self, fields: &[FieldDescriptorProto]) -> Result<(), String> {
        let mut extendees: Vec<&str> = Vec::new();
        for field in fields {
            if !extendees.contains(&field.extendee()) {
                extendees.push(field.extendee());
            }
        }
        let none = DescriptorProto::default();
        for extendee in extendees {
            self.open(&format!("extend {extendee}"));
            for field in fields.iter().filter(|f| f.extendee() == extendee) {
                self.field(field, &none, "", true)?;
            }
            self.close();
        }
        Ok(())
    }

    fn service(&mut self, service: &ServiceDescriptorProto) {
        self.open(&format!("service {}", service.name()));
        if let Some(deprecated) = service.options.as_ref().and_then(|o| o.deprecated) {
            self.line(&format!("option deprecated = {deprecated};"));
        }
        for method in &service.method {
            let head = format!(
                "rpc {}({}) returns ({})",
                method.name(),
                rpc_type(method.client_streaming(), method.input_type()),
                rpc_type(method.server_streaming(), method.output_type())
            );
            match method.options.as_ref().and_then(|o| o.deprecated) {
                Some(deprecated) => {
                    self.open(&head);
                    self.line(&format!("option deprecated = {deprecated};"));
                    self.close();
                }
                None => self.line(&format!("{head};")),
            }
        }
        self.close();
    }
}

/// An rpc argument: the fully-qualified type, after `stream ` when streamed.
fn rpc_type(streaming: bool, type_name: &str) -> String {
    if streaming { format!("stream {type_name}") } else { type_name.to_string() }
}

fn is_map_entry(message: &DescriptorProto) -> bool {
    message.options.as_ref().is_some_and(|o| o.map_entry())
}

/// The map entry type `type_name` names, when it is a nested map entry of `message`.
fn map_entry<'a>(message: &'a DescriptorProto, full_name: &str, type_name: &str) -> Option<&'a DescriptorProto> {
    let nested = type_name.strip_prefix(full_name)?.strip_prefix('.')?;
    message.nested_type.iter().find(|n| n.name() == nested && is_map_entry(n))
}

/// The type of a map key or value: a scalar name or the referenced type name.
fn plain_type(field: &FieldDescriptorProto) -> Result<String, String> {
    match field.r#type() {
        Type::Group => Err("groups not supported in descriptor form".to_string()),
        Type::Message | Type::Enum => Ok(field.type_name().to_string()),
        scalar => plain_type_of(scalar, field),
    }
}

fn plain_type_of(t: Type, field: &FieldDescriptorProto) -> Result<String, String> {
    scalar_name(t).ok_or_else(|| format!("field {} has no usable type", field.name()))
}

/// The `FileDescriptorProto` of a parsed and linked `.proto` file, for `?format=serialized`:
/// names, numbers, labels, resolved types, oneofs, maps, nested types, enums, reserved and
/// extension ranges, extensions, services, defaults and `packed`/`deprecated`/`json_name`.
/// Other options are left out: they do not change how a message reads or writes.
pub fn proto_to_descriptor(file: &ProtoFile) -> Result<FileDescriptorProto, String> {
    let syntax = match file.syntax {
        Syntax::Proto2 => "proto2",
        Syntax::Proto3 => "proto3",
        _ => return Err("editions schemas cannot be served in descriptor form".to_string()),
    };
    Ok(FileDescriptorProto {
        name: Some(file.path.clone()),
        package: Some(file.package.clone()).filter(|p| !p.is_empty()),
        dependency: file.imports.iter().map(|i| i.path.clone()).collect(),
        message_type: file.messages.iter().map(message_descriptor).collect::<Result<_, _>>()?,
        enum_type: file.enums.iter().map(enum_descriptor).collect(),
        service: file.services.iter().map(service_descriptor).collect(),
        extension: file.extensions.iter().map(field_descriptor).collect::<Result<_, _>>()?,
        syntax: Some(syntax.to_string()),
        ..Default::default()
    })
}

fn dotted(full_name: &str) -> String {
    format!(".{full_name}")
}

/// `[start, end]` inclusive AST ranges as descriptor ranges with an exclusive end.
fn exclusive(range: &TagRange) -> (Option<i32>, Option<i32>) {
    let clamp = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
    (Some(clamp(range.start)), Some(clamp(range.end.saturating_add(1))))
}

fn message_descriptor(m: &ast::Message) -> Result<DescriptorProto, String> {
    let deprecated = ast::find_option(&m.options, &["deprecated"]).and_then(|o| o.value.as_bool());
    // Descriptors list the synthetic oneofs of proto3 `optional` fields after the real ones.
    let (real, synthetic): (Vec<usize>, Vec<usize>) = (0..m.oneofs.len()).partition(|&i| !m.oneofs[i].synthetic);
    let order: Vec<usize> = real.into_iter().chain(synthetic).collect();
    Ok(DescriptorProto {
        name: Some(m.name.clone()),
        field: m
            .fields
            .iter()
            .map(|f| {
                let mut d = field_descriptor(f)?;
                d.oneof_index =
                    f.oneof.and_then(|i| order.iter().position(|&o| o == i)).and_then(|i| i32::try_from(i).ok());
                Ok(d)
            })
            .collect::<Result<_, String>>()?,
        extension: m.extensions.iter().map(field_descriptor).collect::<Result<_, _>>()?,
        nested_type: m.messages.iter().map(message_descriptor).collect::<Result<_, _>>()?,
        enum_type: m.enums.iter().map(enum_descriptor).collect(),
        extension_range: m
            .extension_ranges
            .iter()
            .map(|r| {
                let (start, end) = exclusive(r);
                prost_types::descriptor_proto::ExtensionRange { start, end, options: None }
            })
            .collect(),
        oneof_decl: order
            .iter()
            .map(|&i| OneofDescriptorProto { name: Some(m.oneofs[i].name.clone()), options: None })
            .collect(),
        options: (m.map_entry || deprecated.is_some()).then(|| prost_types::MessageOptions {
            map_entry: m.map_entry.then_some(true),
            deprecated,
            ..Default::default()
        }),
        reserved_range: m
            .reserved_ranges
            .iter()
            .map(|r| {
                let (start, end) = exclusive(r);
                prost_types::descriptor_proto::ReservedRange { start, end }
            })
            .collect(),
        reserved_name: m.reserved_names.clone(),
    })
}

fn field_descriptor(f: &ast::Field) -> Result<FieldDescriptorProto, String> {
    let kind = f.kind.ok_or_else(|| format!("field {} has an unresolved type", f.name))?;
    let t = match Type::from_str_name(&format!("TYPE_{}", kind.name().to_ascii_uppercase())) {
        Some(Type::Group) => return Err("groups not supported in descriptor form".to_string()),
        Some(t) => t,
        None => return Err(format!("field {} has an unknown type {}", f.name, kind.name())),
    };
    let label = match f.label {
        Some(ast::Label::Repeated) => Label::Repeated,
        Some(ast::Label::Required) => Label::Required,
        _ => Label::Optional,
    };
    let option = |name: &str| ast::find_option(&f.options, &[name]).map(|o| &o.value);
    let flag = |name: &str| option(name).and_then(ast::Value::as_bool);
    let default_value = option("default").map(|v| match v {
        ast::Value::Ident(i) => i.clone(),
        ast::Value::Int { negative, magnitude } => format!("{}{magnitude}", if *negative { "-" } else { "" }),
        ast::Value::Float(x) => x.to_string(),
        ast::Value::Str(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        ast::Value::Aggregate => String::new(),
    });
    let (packed, deprecated) = (flag("packed"), flag("deprecated"));
    let synthetic = f.oneof.is_some() && f.label == Some(ast::Label::Optional);
    Ok(FieldDescriptorProto {
        name: Some(f.name.clone()),
        number: Some(i32::try_from(f.number).map_err(|_| format!("field {} has number {}", f.name, f.number))?),
        label: Some(label as i32),
        r#type: Some(t as i32),
        type_name: matches!(t, Type::Message | Type::Enum).then(|| dotted(&f.type_name)),
        extendee: f.extendee.as_ref().map(|_| dotted(&f.extendee_full)),
        default_value,
        oneof_index: f.oneof.and_then(|i| i32::try_from(i).ok()),
        json_name: option("json_name").and_then(ast::Value::as_string),
        options: (packed.is_some() || deprecated.is_some()).then(|| prost_types::FieldOptions {
            packed,
            deprecated,
            ..Default::default()
        }),
        proto3_optional: synthetic.then_some(true),
    })
}

fn enum_descriptor(e: &ast::Enum) -> EnumDescriptorProto {
    let clamp = |n: i64| i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX });
    let allow_alias = ast::find_option(&e.options, &["allow_alias"]).and_then(|o| o.value.as_bool());
    EnumDescriptorProto {
        name: Some(e.name.clone()),
        value: e
            .values
            .iter()
            .map(|v| prost_types::EnumValueDescriptorProto {
                name: Some(v.name.clone()),
                number: Some(clamp(v.number)),
                options: None,
            })
            .collect(),
        options: allow_alias.map(|a| prost_types::EnumOptions { allow_alias: Some(a), ..Default::default() }),
        reserved_range: e
            .reserved_ranges
            .iter()
            .map(|r| prost_types::enum_descriptor_proto::EnumReservedRange {
                start: Some(clamp(r.start)),
                end: Some(clamp(r.end)),
            })
            .collect(),
        reserved_name: e.reserved_names.clone(),
    }
}

fn service_descriptor(s: &ast::Service) -> ServiceDescriptorProto {
    ServiceDescriptorProto {
        name: Some(s.name.clone()),
        method: s
            .methods
            .iter()
            .map(|m| prost_types::MethodDescriptorProto {
                name: Some(m.name.clone()),
                input_type: Some(dotted(&m.input_full)),
                output_type: Some(dotted(&m.output_full)),
                options: None,
                client_streaming: m.client_streaming.then_some(true),
                server_streaming: m.server_streaming.then_some(true),
            })
            .collect(),
        options: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost_types::descriptor_proto::{ExtensionRange, ReservedRange};
    use prost_types::{EnumValueDescriptorProto, FieldOptions, MessageOptions, MethodDescriptorProto};

    fn field(name: &str, number: i32, label: Label, t: Type, type_name: Option<&str>) -> FieldDescriptorProto {
        FieldDescriptorProto {
            name: Some(name.into()),
            number: Some(number),
            label: Some(label as i32),
            r#type: Some(t as i32),
            type_name: type_name.map(str::to_string),
            ..Default::default()
        }
    }

    fn text_of(file: &FileDescriptorProto) -> String {
        descriptor_to_proto(&file.encode_to_vec()).unwrap()
    }

    /// Parses `text` with the registry's own Protobuf parser (as `parse` in schema.rs does).
    fn assert_parses(text: &str) {
        if let Err(e) = crate::load_from_texts("t.proto", text, &[]) {
            panic!("{e}\n{text}");
        }
    }

    fn proto3_file() -> FileDescriptorProto {
        let entry = DescriptorProto {
            name: Some("LabelsEntry".into()),
            field: vec![
                field("key", 1, Label::Optional, Type::String, None),
                field("value", 2, Label::Optional, Type::Int64, None),
            ],
            options: Some(MessageOptions { map_entry: Some(true), ..Default::default() }),
            ..Default::default()
        };
        let codes_entry = DescriptorProto {
            name: Some("CodesEntry".into()),
            field: vec![
                field("key", 1, Label::Optional, Type::Int32, None),
                field("value", 2, Label::Optional, Type::Enum, Some(".shop.Order.Status")),
            ],
            options: Some(MessageOptions { map_entry: Some(true), ..Default::default() }),
            ..Default::default()
        };
        let status = EnumDescriptorProto {
            name: Some("Status".into()),
            value: vec![
                EnumValueDescriptorProto { name: Some("UNKNOWN".into()), number: Some(0), options: None },
                EnumValueDescriptorProto { name: Some("DONE".into()), number: Some(1), options: None },
            ],
            ..Default::default()
        };
        let mut note = field("note", 5, Label::Optional, Type::String, None);
        note.proto3_optional = Some(true);
        note.oneof_index = Some(1);
        let mut card = field("card", 6, Label::Optional, Type::String, None);
        card.oneof_index = Some(0);
        let mut iban = field("iban", 7, Label::Optional, Type::String, None);
        iban.oneof_index = Some(0);
        let mut order_id = field("order_id", 1, Label::Optional, Type::String, None);
        order_id.json_name = Some("orderId".into());
        let mut tags = field("tags", 8, Label::Repeated, Type::Int32, None);
        tags.json_name = Some("labelsOfTags".into());
        tags.options = Some(FieldOptions { packed: Some(false), deprecated: Some(true), ..Default::default() });
        let order = DescriptorProto {
            name: Some("Order".into()),
            field: vec![
                order_id,
                field("labels", 2, Label::Repeated, Type::Message, Some(".shop.Order.LabelsEntry")),
                field("status", 3, Label::Optional, Type::Enum, Some(".shop.Order.Status")),
                note,
                card,
                iban,
                tags,
                field("codes", 9, Label::Repeated, Type::Message, Some(".shop.Order.CodesEntry")),
            ],
            nested_type: vec![entry, codes_entry],
            enum_type: vec![status],
            oneof_decl: vec![
                OneofDescriptorProto { name: Some("payment".into()), options: None },
                OneofDescriptorProto { name: Some("_note".into()), options: None },
            ],
            reserved_range: vec![
                ReservedRange { start: Some(10), end: Some(11) },
                ReservedRange { start: Some(20), end: Some(30) },
            ],
            reserved_name: vec!["old".into()],
            ..Default::default()
        };
        let service = ServiceDescriptorProto {
            name: Some("Orders".into()),
            method: vec![
                MethodDescriptorProto {
                    name: Some("Get".into()),
                    input_type: Some(".shop.Order".into()),
                    output_type: Some(".shop.Order".into()),
                    ..Default::default()
                },
                MethodDescriptorProto {
                    name: Some("Watch".into()),
                    input_type: Some(".shop.Order".into()),
                    output_type: Some(".shop.Order".into()),
                    server_streaming: Some(true),
                    ..Default::default()
                },
            ],
            options: None,
        };
        FileDescriptorProto {
            name: Some("shop/order.proto".into()),
            package: Some("shop".into()),
            syntax: Some("proto3".into()),
            message_type: vec![order],
            service: vec![service],
            ..Default::default()
        }
    }

    #[test]
    fn proto3_descriptor_prints_as_parsable_source() {
        let text = text_of(&proto3_file());
        assert_parses(&text);
        for expected in [
            "syntax = \"proto3\";",
            "package shop;",
            "  string order_id = 1;",
            "  map<string, int64> labels = 2;",
            "  map<int32, .shop.Order.Status> codes = 9;",
            "  .shop.Order.Status status = 3;",
            "  optional string note = 5;",
            "  oneof payment {\n    string card = 6;\n    string iban = 7;\n  }",
            "  repeated int32 tags = 8 [json_name = \"labelsOfTags\", packed = false, deprecated = true];",
            "  enum Status {\n    UNKNOWN = 0;\n    DONE = 1;\n  }",
            "  reserved 10, 20 to 29;",
            "  reserved \"old\";",
            "  rpc Get(.shop.Order) returns (.shop.Order);",
            "  rpc Watch(.shop.Order) returns (stream .shop.Order);",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        assert!(!text.contains("LabelsEntry"), "{text}");
        assert!(!text.contains("_note"), "{text}");
    }

    #[test]
    fn printed_source_parses_back_to_the_same_descriptor() {
        let original = proto3_file();
        let text = text_of(&original);
        let Ok(parsed) = crate::load_from_texts("shop/order.proto", &text, &[]) else {
            panic!("{text}");
        };
        let mut back = proto_to_descriptor(&parsed.main).unwrap();
        back.name = original.name.clone();
        // The parser keeps json_name only where one was written: the default one is dropped.
        let mut expected = original;
        expected.message_type[0].field[0].json_name = None;
        assert_eq!(back, expected, "{text}");
    }

    #[test]
    fn proto2_descriptor_keeps_labels_defaults_and_extensions() {
        let mut name = field("name", 1, Label::Required, Type::String, None);
        name.default_value = Some("a \"b\"".into());
        let mut count = field("count", 2, Label::Optional, Type::Int32, None);
        count.default_value = Some("-3".into());
        let mut kind = field("kind", 3, Label::Optional, Type::Enum, Some(".legacy.Kind"));
        kind.default_value = Some("BIG".into());
        let mut ext = field("extra", 100, Label::Optional, Type::Bool, None);
        ext.extendee = Some(".legacy.Item".into());
        let file = FileDescriptorProto {
            name: Some("legacy.proto".into()),
            package: Some("legacy".into()),
            message_type: vec![DescriptorProto {
                name: Some("Item".into()),
                field: vec![name, count, kind, field("ids", 4, Label::Repeated, Type::Int64, None)],
                extension_range: vec![ExtensionRange { start: Some(100), end: Some(FIELD_NUMBER_END), options: None }],
                ..Default::default()
            }],
            enum_type: vec![EnumDescriptorProto {
                name: Some("Kind".into()),
                value: vec![
                    EnumValueDescriptorProto { name: Some("SMALL".into()), number: Some(1), options: None },
                    EnumValueDescriptorProto { name: Some("BIG".into()), number: Some(2), options: None },
                ],
                ..Default::default()
            }],
            extension: vec![ext],
            ..Default::default()
        };
        let text = text_of(&file);
        assert_parses(&text);
        for expected in [
            "syntax = \"proto2\";",
            "  required string name = 1 [default = \"a \\\"b\\\"\"];",
            "  optional int32 count = 2 [default = -3];",
            "  optional .legacy.Kind kind = 3 [default = BIG];",
            "  repeated int64 ids = 4;",
            "  extensions 100 to max;",
            "extend .legacy.Item {\n  optional bool extra = 100;\n}",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn imports_keep_public_and_weak() {
        let file = FileDescriptorProto {
            syntax: Some("proto3".into()),
            dependency: vec!["a.proto".into(), "b.proto".into(), "google/protobuf/timestamp.proto".into()],
            public_dependency: vec![0],
            weak_dependency: vec![1],
            ..Default::default()
        };
        let text = text_of(&file);
        assert!(text.contains("import public \"a.proto\";\nimport weak \"b.proto\";\n"), "{text}");
        assert!(text.contains("import \"google/protobuf/timestamp.proto\";"), "{text}");
    }

    #[test]
    fn unsupported_and_malformed_descriptors_are_errors() {
        let editions = FileDescriptorProto { syntax: Some("editions".into()), ..Default::default() };
        assert_eq!(descriptor_to_proto(&editions.encode_to_vec()).unwrap_err(), "editions descriptors not supported");
        let group = FileDescriptorProto {
            message_type: vec![DescriptorProto {
                name: Some("G".into()),
                field: vec![field("g", 1, Label::Optional, Type::Group, Some(".G.Inner"))],
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(descriptor_to_proto(&group.encode_to_vec()).unwrap_err(), "groups not supported in descriptor form");
        assert!(descriptor_to_proto(&[0xff, 0xff, 0xff]).unwrap_err().starts_with("invalid FileDescriptorProto"));
    }

    #[test]
    fn json_name_is_printed_only_when_not_the_default() {
        assert_eq!(crate::rules::default_json_name("order_id"), "orderId");
        assert_eq!(crate::rules::default_json_name("a__b_c"), "aBC");
    }
}
