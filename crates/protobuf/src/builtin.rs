//! Google's well-known types (from prost-reflect's bundled descriptors) and the editions
//! feature files, so that imports of them resolve without the files on disk.

use std::sync::OnceLock;

use prost_types::{DescriptorProto, EnumDescriptorProto};

use crate::ast::{Enum, EnumValue, Message, ProtoFile, Span, Syntax};
use crate::link::assign_names;

fn enum_of(e: &EnumDescriptorProto) -> Enum {
    Enum {
        name: e.name().to_string(),
        values: e
            .value
            .iter()
            .map(|v| EnumValue {
                name: v.name().to_string(),
                number: v.number() as i64,
                span: Span::default(),
                number_span: Span::default(),
                options: vec![],
            })
            .collect(),
        ..Enum::default()
    }
}

fn message_of(m: &DescriptorProto) -> Message {
    Message {
        name: m.name().to_string(),
        messages: m.nested_type.iter().map(message_of).collect(),
        enums: m.enum_type.iter().map(enum_of).collect(),
        ..Message::default()
    }
}

fn empty_file(path: &str, package: &str) -> ProtoFile {
    ProtoFile {
        path: path.to_string(),
        syntax: Syntax::Proto2,
        syntax_span: None,
        package: package.to_string(),
        package_span: None,
        imports: vec![],
        options: vec![],
        messages: vec![],
        enums: vec![],
        services: vec![],
        extensions: vec![],
        features: Default::default(),
    }
}

/// The built-in files, declarations only.
pub fn files() -> &'static [ProtoFile] {
    static FILES: OnceLock<Vec<ProtoFile>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut out = Vec::new();
        for fd in prost_reflect::DescriptorPool::global().files() {
            let proto = fd.file_descriptor_proto();
            let mut file = empty_file(proto.name(), proto.package());
            file.messages = proto.message_type.iter().map(message_of).collect();
            file.enums = proto.enum_type.iter().map(enum_of).collect();
            out.push(file);
        }
        for (path, message) in [
            ("google/protobuf/cpp_features.proto", "CppFeatures"),
            ("google/protobuf/java_features.proto", "JavaFeatures"),
            ("google/protobuf/go_features.proto", "GoFeatures"),
        ] {
            let mut file = empty_file(path, "pb");
            file.messages.push(Message { name: message.to_string(), ..Message::default() });
            out.push(file);
        }
        for file in &mut out {
            assign_names(file);
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn well_known_types_are_built_in() {
        let paths: Vec<_> = super::files().iter().map(|f| f.path.as_str()).collect();
        for want in [
            "google/protobuf/timestamp.proto",
            "google/protobuf/descriptor.proto",
            "google/protobuf/cpp_features.proto",
        ] {
            assert!(paths.contains(&want), "{want} missing from {paths:?}");
        }
    }
}
