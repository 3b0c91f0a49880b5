//! Protobuf messages: every file of the Protobuf module (and of the contracts' import roots),
//! loaded and linked by schemagate's own parser, turned into `FileDescriptorProto`s and fed to
//! prost-build (`compile_fds`, no protoc). prost-build writes one file per package; they are
//! assembled into `src/messages.rs` with one nested `pub mod` per package segment.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use prost_reflect::{DescriptorPool, MessageDescriptor};
use prost_types::{FileDescriptorProto, FileDescriptorSet};
use quote::quote;
use schemagate_core::{InputSpec, SourceSet};

use super::project::Project;
use super::tokens;
use crate::{GenError, relative};

/// One `.proto` file of the module.
pub(crate) struct ProtoFile {
    /// Where it is, relative to the project root.
    pub shown: String,
    pub text: String,
    /// The import paths of the module files it imports (well-known types left out).
    pub imports: Vec<String>,
}

/// The loaded Protobuf module(s).
pub(crate) struct Protobuf {
    /// By import path.
    pub files: BTreeMap<String, ProtoFile>,
    /// The module's files and the well-known types, linked.
    pub pool: DescriptorPool,
    descriptors: Vec<FileDescriptorProto>,
    /// Import roots loaded, project-relative.
    roots: Vec<String>,
}

impl Protobuf {
    /// Loads `protobuf.path` of `schemagate.yaml` and the import root of every Protobuf
    /// contract key or value.
    pub fn load(project: &Project) -> Result<Protobuf, GenError> {
        let mut roots: BTreeSet<String> = BTreeSet::new();
        if let Some(path) = &project.protobuf_path {
            roots.insert(path.trim_end_matches('/').to_string());
        }
        for contract in &project.contracts {
            for r in [Some(&contract.value), contract.key.as_ref()].into_iter().flatten() {
                if r.schema_type == schemagate_contract::model::SchemaType::Protobuf
                    && let Some(file) = &r.file
                {
                    roots.insert(import_root(&project.root, file, r.root.as_deref()));
                }
            }
        }
        let mut files: BTreeMap<String, ProtoFile> = BTreeMap::new();
        let mut parsed: Vec<schemagate_protobuf::ProtoFile> = Vec::new();
        for root in &roots {
            let dir = project.root.join(root);
            let keep = |p: &str| schemagate_protobuf::is_proto(p);
            let set = SourceSet::load(&InputSpec::Path(dir.clone()), &keep, &schemagate_protobuf::CONFIG_FILES)
                .map_err(|e| GenError::from_message(&project.root, &e.to_string()))?;
            let module = schemagate_protobuf::load(&set).map_err(|e| {
                GenError::at(relative(&project.root, Path::new(&e.path)), e.line, e.column, e.message.clone())
            })?;
            let layout = schemagate_protobuf::layout_of(&set)
                .map_err(|e| GenError::from_message(&project.root, &e.to_string()))?;
            for file in module.files {
                let input = layout
                    .roots
                    .iter()
                    .map(|r| if r == "." || r.is_empty() { file.path.clone() } else { format!("{r}/{}", file.path) })
                    .find(|p| set.files.iter().any(|f| &f.path == p))
                    .unwrap_or_else(|| file.path.clone());
                let source = set.files.iter().find(|f| f.path == input);
                let text = source.map(|f| String::from_utf8_lossy(&f.bytes).to_string()).unwrap_or_default();
                let shown = relative(&project.root, &dir.join(&input));
                if let Some(other) = files.get(&file.path) {
                    if other.text == text {
                        continue;
                    }
                    return Err(GenError::at(
                        shown,
                        1,
                        1,
                        format!("\"{}\" is also defined by {}, with other contents", file.path, other.shown),
                    ));
                }
                let imports = file
                    .imports
                    .iter()
                    .map(|i| i.path.clone())
                    .filter(|p| !p.starts_with("google/protobuf/"))
                    .collect();
                files.insert(file.path.clone(), ProtoFile { shown, text, imports });
                parsed.push(file);
            }
        }
        parsed.sort_by(|a, b| a.path.cmp(&b.path));
        let mut descriptors = Vec::new();
        for file in &parsed {
            let descriptor = schemagate_protobuf::descriptor::proto_to_descriptor(file).map_err(|e| {
                let shown = &files[&file.path].shown;
                let (line, column) = file.syntax_span.map(|s| (s.start_line, s.start_col)).unwrap_or((1, 1));
                GenError::at(shown.clone(), line, column, e)
            })?;
            let mut descriptor = descriptor;
            descriptor.source_code_info = Some(source_info(file, &files[&file.path].text));
            descriptors.push(descriptor);
        }
        let mut pool = DescriptorPool::global();
        let fresh: Vec<FileDescriptorProto> =
            descriptors.iter().filter(|d| pool.get_file_by_name(d.name()).is_none()).cloned().collect();
        pool.add_file_descriptor_protos(fresh)
            .map_err(|e| GenError::Input(format!("the Protobuf module does not link: {e}")))?;
        Ok(Protobuf { files, pool, descriptors, roots: roots.into_iter().collect() })
    }

    /// Whether any file imports a well-known type (the crate then needs prost-types).
    pub fn uses_well_known_types(&self) -> bool {
        self.descriptors.iter().any(|d| d.dependency.iter().any(|p| p.starts_with("google/protobuf/")))
    }

    /// The import root of a contract's Protobuf file, as loaded.
    pub fn root_of(&self, project: &Project, file: &str, root: Option<&str>) -> String {
        let r = import_root(&project.root, file, root);
        debug_assert!(self.roots.contains(&r));
        r
    }

    /// The message `name` of the file at `import_path`.
    pub fn message(&self, import_path: &str, name: &str) -> Option<MessageDescriptor> {
        self.pool.get_message_by_name(name.trim_start_matches('.')).filter(|m| m.parent_file().name() == import_path)
    }

    /// `src/messages.rs`, or `None` when there is no Protobuf file.
    pub fn generate(&self) -> Result<Option<String>, GenError> {
        if self.descriptors.is_empty() {
            return Ok(None);
        }
        // prost-build needs the files the module imports from outside it (well-known types) in
        // the set too; it writes no code for them (they map to prost-types).
        let mut set: Vec<FileDescriptorProto> = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        fn add_external(
            pool: &DescriptorPool,
            name: &str,
            set: &mut Vec<FileDescriptorProto>,
            seen: &mut BTreeSet<String>,
        ) {
            if !seen.insert(name.to_string()) {
                return;
            }
            if let Some(file) = pool.get_file_by_name(name) {
                for dependency in file.dependencies() {
                    add_external(pool, dependency.name(), set, seen);
                }
                set.push(file.file_descriptor_proto().clone());
            }
        }
        let own: BTreeSet<&str> = self.descriptors.iter().map(|d| d.name()).collect();
        for d in &self.descriptors {
            for dependency in &d.dependency {
                if !own.contains(dependency.as_str()) {
                    add_external(&self.pool, dependency, &mut set, &mut seen);
                }
            }
        }
        set.extend(self.descriptors.iter().cloned());
        let out = tempfile::tempdir()
            .map_err(|e| GenError::Io { path: "temporary folder".into(), message: e.to_string() })?;
        let mut config = prost_build::Config::new();
        config.out_dir(out.path());
        config
            .compile_fds(FileDescriptorSet { file: set })
            .map_err(|e| GenError::Input(format!("prost-build cannot generate the Protobuf messages: {e}")))?;
        let mut root = Node::default();
        let mut names: Vec<PathBuf> = std::fs::read_dir(out.path())
            .map_err(|e| GenError::io(out.path(), e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        names.sort();
        for path in names {
            let text = std::fs::read_to_string(&path).map_err(|e| GenError::io(&path, e))?;
            let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            let parsed = syn::parse_file(&text)
                .map_err(|e| GenError::Input(format!("prost-build wrote code that does not parse ({stem}): {e}")))?;
            // `_.rs` holds the files without a package.
            let parts: Vec<String> =
                if stem == "_" { Vec::new() } else { stem.split('.').map(str::to_string).collect() };
            let mut node = &mut root;
            for part in parts {
                node = node.children.entry(part).or_default();
            }
            node.items.extend(parsed.items.into_iter().map(|i| quote!(#i)));
        }
        let body = root.tokens()?;
        let file = quote! {
            //! Protobuf messages of the module, generated by prost-build from schemagate's
            //! descriptors: one module per package segment (`acme.orders.v1` is
            //! `acme::orders::v1`). Well-known types come from `prost-types`.
            #body
        };
        tokens::render(file).map(Some)
    }
}

/// A package segment: the items of its package and the segments below it.
#[derive(Default)]
struct Node {
    items: Vec<TokenStream>,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn tokens(&self) -> Result<TokenStream, GenError> {
        let items = &self.items;
        let mut children = Vec::new();
        for (name, child) in &self.children {
            let ident = syn::parse_str::<syn::Ident>(name)
                .map_err(|_| GenError::Input(format!("package segment `{name}` is not a Rust module name")))?;
            let inner = child.tokens()?;
            children.push(quote! { pub mod #ident { #inner } });
        }
        Ok(quote! { #(#items)* #(#children)* })
    }
}

/// The import root of a Protobuf file: `root` when given, else the nearest folder upward that
/// holds `buf.yaml` (within the project), else the file's folder. Project-relative.
pub(crate) fn import_root(project: &Path, file: &str, root: Option<&str>) -> String {
    if let Some(r) = root {
        return r.trim_end_matches('/').to_string();
    }
    let file = Path::new(file);
    let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut dir = Some(folder.as_path());
    while let Some(d) = dir {
        if project.join(d).join("buf.yaml").is_file() {
            return d.to_string_lossy().replace('\\', "/");
        }
        dir = d.parent().filter(|p| !p.as_os_str().is_empty());
    }
    folder.to_string_lossy().replace('\\', "/")
}

pub(crate) use schemagate_contract::schema::message_indexes;

/// The Rust path of a message in `messages.rs`, as prost-build names it: package segments in
/// snake case, a module per enclosing message, the message in upper camel case.
pub(crate) fn rust_path(message: &MessageDescriptor) -> String {
    let mut parts: Vec<String> = vec!["crate".into(), "messages".into()];
    parts.extend(prost_build::Module::from_protobuf_package_name(message.package_name()).parts().map(str::to_string));
    let mut parents = Vec::new();
    let mut current = message.parent_message();
    while let Some(p) = current {
        parents.push(prost_snake(p.name()));
        current = p.parent_message();
    }
    parents.reverse();
    parts.extend(parents);
    parts.push(prost_camel(message.name()));
    parts.join("::")
}

/// prost-build's identifier rules (its `ident` module is private).
fn prost_sanitize(ident: String) -> String {
    const RAW: &[&str] = &[
        "as", "break", "const", "continue", "else", "enum", "false", "fn", "for", "if", "impl", "in", "let", "loop",
        "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe",
        "use", "where", "while", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
        "typeof", "unsized", "virtual", "yield", "async", "await", "try", "gen",
    ];
    if RAW.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else if matches!(ident.as_str(), "_" | "super" | "self" | "Self" | "extern" | "crate") {
        format!("{ident}_")
    } else if ident.starts_with(|c: char| c.is_numeric()) {
        format!("_{ident}")
    } else {
        ident
    }
}

fn prost_snake(name: &str) -> String {
    prost_sanitize(heck::ToSnakeCase::to_snake_case(name))
}

fn prost_camel(name: &str) -> String {
    prost_sanitize(heck::ToUpperCamelCase::to_upper_camel_case(name))
}

/// The leading `//` comments of the file's messages, fields, enums and enum values, where
/// prost-build looks for them (it turns them into doc comments). schemagate's parser keeps
/// positions, not comments: the comment lines right above each declaration are read here.
fn source_info(file: &schemagate_protobuf::ProtoFile, text: &str) -> prost_types::SourceCodeInfo {
    use prost_types::source_code_info::Location;
    use schemagate_protobuf::ast;

    fn comment(lines: &[&str], line: u32) -> Option<String> {
        let at = (line as usize).checked_sub(1)?;
        let mut start = at;
        while start > 0 && lines.get(start - 1).is_some_and(|l| l.trim_start().starts_with("//")) {
            start -= 1;
        }
        if start == at {
            return None;
        }
        let text: Vec<String> = lines[start..at]
            .iter()
            .map(|l| {
                let body = l.trim_start().trim_start_matches('/');
                // rustdoc reads `<x>` as HTML; prost-build already escapes brackets and URLs.
                body.replace('<', "\\<").replace('>', "\\>")
            })
            .collect();
        Some(format!("{}\n", text.join("\n")))
    }
    // prost-build expects a location for every element it generates, with or without comments.
    fn add(out: &mut Vec<Location>, lines: &[&str], path: Vec<i32>, line: u32) {
        let span = vec![line.saturating_sub(1) as i32, 0, 0];
        out.push(Location { path, span, leading_comments: comment(lines, line), ..Default::default() });
    }
    fn enumeration(out: &mut Vec<Location>, lines: &[&str], path: Vec<i32>, e: &ast::Enum) {
        add(out, lines, path.clone(), e.span.start_line);
        for (i, v) in e.values.iter().enumerate() {
            add(out, lines, [path.as_slice(), &[2, i as i32]].concat(), v.span.start_line);
        }
    }
    fn message(out: &mut Vec<Location>, lines: &[&str], path: Vec<i32>, m: &ast::Message) {
        add(out, lines, path.clone(), m.span.start_line);
        for (i, f) in m.fields.iter().enumerate() {
            add(out, lines, [path.as_slice(), &[2, i as i32]].concat(), f.span.start_line);
        }
        for (i, nested) in m.messages.iter().enumerate() {
            message(out, lines, [path.as_slice(), &[3, i as i32]].concat(), nested);
        }
        for (i, e) in m.enums.iter().enumerate() {
            enumeration(out, lines, [path.as_slice(), &[4, i as i32]].concat(), e);
        }
        // Descriptors list real oneofs before the synthetic ones of proto3 `optional`.
        let real = m.oneofs.iter().filter(|o| !o.synthetic);
        for (i, o) in real.chain(m.oneofs.iter().filter(|o| o.synthetic)).enumerate() {
            add(out, lines, [path.as_slice(), &[8, i as i32]].concat(), o.span.start_line);
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut location = Vec::new();
    for (i, m) in file.messages.iter().enumerate() {
        message(&mut location, &lines, vec![4, i as i32], m);
    }
    for (i, e) in file.enums.iter().enumerate() {
        enumeration(&mut location, &lines, vec![5, i as i32], e);
    }
    prost_types::SourceCodeInfo { location }
}
