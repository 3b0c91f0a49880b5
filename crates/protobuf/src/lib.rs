//! Protobuf support for schemagate: an own parser with protoc-exact source positions
//! (proto2, proto3 and edition 2023), a linker, and buf-compatible breaking-change rules.

pub mod ast;
mod builtin;
pub mod compat;
pub mod config;
pub mod descriptor;
pub mod engine;
pub mod error;
pub mod lexer;
pub mod link;
pub mod parser;
pub mod rules;

use std::collections::HashMap;

use rayon::prelude::*;
use schemagate_core::{Finding, Level, Location, Report, SourceSet};

pub use ast::ProtoFile;
pub use config::{BreakingConfig, Layout};
pub use error::LoadError;

/// Configuration files looked up at the root of an input.
pub const CONFIG_FILES: [&str; 3] = ["buf.yaml", "buf.work.yaml", "schemagate.yaml"];

/// A loaded, linked set of .proto files: the files to check, by module-relative path.
#[derive(Debug)]
pub struct Module {
    pub files: Vec<ProtoFile>,
    /// Files read only because checked files import them (single-file inputs).
    pub imports: Vec<ProtoFile>,
    /// The first module root inside the input ("." when the input is the root).
    pub root: String,
}

/// Whether a path is a .proto source.
pub fn is_proto(path: &str) -> bool {
    path.ends_with(".proto")
}

/// The module layout declared at the root of an input (default: the input is the root).
pub fn layout_of(set: &SourceSet) -> Result<Layout, LoadError> {
    for name in CONFIG_FILES {
        if let Some(f) = set.extra(name) {
            return config::layout(&display_path(set, name), &f.bytes);
        }
    }
    Ok(Layout::default())
}

/// The path to show for a file of an input.
pub fn display_path(set: &SourceSet, rel: &str) -> String {
    if set.name.is_empty() || set.name == "." {
        rel.to_string()
    } else if set.name.starts_with("git:") {
        if set.name.matches(':').count() >= 2 { format!("{}/{rel}", set.name) } else { format!("{}:{rel}", set.name) }
    } else {
        format!("{}/{rel}", set.name.trim_end_matches('/'))
    }
}

fn within(path: &str, prefix: &str) -> Option<String> {
    if prefix == "." || prefix.is_empty() {
        return Some(path.to_string());
    }
    path.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('/')).map(str::to_string)
}

/// Parses and links every .proto file of an input.
pub fn load(set: &SourceSet) -> Result<Module, LoadError> {
    let layout = layout_of(set)?;
    // (module path, input path, bytes)
    let mut sources: Vec<(String, &str, &[u8])> = Vec::new();
    let mut seen: HashMap<String, &str> = HashMap::new();
    for file in &set.files {
        if !is_proto(&file.path) || layout.excludes.iter().any(|e| within(&file.path, e).is_some()) {
            continue;
        }
        let Some(module_path) = layout.roots.iter().find_map(|r| within(&file.path, r)) else {
            continue;
        };
        if let Some(other) = seen.insert(module_path.clone(), &file.path) {
            return Err(LoadError::new(
                display_path(set, &file.path),
                1,
                1,
                format!(
                    "\"{module_path}\" is also defined by {}; files in different roots must have different paths",
                    display_path(set, other)
                ),
            ));
        }
        sources.push((module_path, &file.path, &file.bytes));
    }
    let parse_one = |(module_path, input_path, bytes): &(String, &str, &[u8])| -> Result<ProtoFile, LoadError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            LoadError::at_offset(display_path(set, input_path), bytes, e.valid_up_to(), "file is not valid UTF-8")
        })?;
        let mut file = parser::parse_file(module_path, text)
            .map_err(|e| LoadError::new(display_path(set, input_path), e.line, e.column, e.message))?;
        link::assign_names(&mut file);
        Ok(file)
    };
    let parsed: Vec<Result<ProtoFile, LoadError>> = match &set.single_file {
        // A single file: parse it and what it imports, transitively, nothing else of its folder.
        Some(single) => {
            let start = layout.roots.iter().find_map(|r| within(single, r)).unwrap_or_else(|| single.clone());
            let by_path: HashMap<&str, &(String, &str, &[u8])> = sources.iter().map(|s| (s.0.as_str(), s)).collect();
            let mut queue = vec![start];
            let mut done = std::collections::HashSet::new();
            let mut out = Vec::new();
            while let Some(path) = queue.pop() {
                if !done.insert(path.clone()) {
                    continue;
                }
                let Some(source) = by_path.get(path.as_str()) else {
                    continue;
                };
                let result = parse_one(source);
                if let Ok(file) = &result {
                    queue.extend(file.imports.iter().map(|i| i.path.clone()));
                }
                out.push(result);
            }
            out
        }
        None => sources.par_iter().map(parse_one).collect(),
    };
    let mut files = parsed.into_iter().collect::<Result<Vec<_>, _>>()?;
    let input_path: HashMap<String, &str> = sources.iter().map(|(m, i, _)| (m.clone(), *i)).collect();
    let shown = |module_path: &str| display_path(set, input_path.get(module_path).copied().unwrap_or(module_path));

    let mut table = link::SymbolTable::default();
    let known: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for b in builtin::files().iter().filter(|b| !known.contains(b.path.as_str())) {
        table.add_file(b);
    }
    for f in &files {
        table.add_file(f);
    }
    let builtin_paths: std::collections::HashSet<&str> = builtin::files().iter().map(|f| f.path.as_str()).collect();
    for f in &files {
        for import in &f.imports {
            if !known.contains(import.path.as_str()) && !builtin_paths.contains(import.path.as_str()) {
                return Err(LoadError::new(
                    shown(&f.path),
                    import.span.start_line,
                    import.span.start_col,
                    format!("import \"{}\" was not found in the input", import.path),
                ));
            }
        }
    }
    let linked: Vec<Result<(), LoadError>> = files.par_iter_mut().map(|f| link::link_file(f, &table)).collect();
    for (result, f) in linked.into_iter().zip(&files) {
        if let Err(mut e) = result {
            e.path = shown(&f.path);
            return Err(e);
        }
    }
    if let Some(single) = &set.single_file {
        let module_path = layout.roots.iter().find_map(|r| within(single, r)).unwrap_or_else(|| single.clone());
        let (main, others): (Vec<ProtoFile>, Vec<ProtoFile>) = files.into_iter().partition(|f| f.path == module_path);
        let root = layout.roots.first().cloned().unwrap_or_else(|| ".".into());
        return Ok(Module { files: main, imports: others, root });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Module { files, imports: vec![], root: layout.roots.first().cloned().unwrap_or_else(|| ".".into()) })
}

/// The breaking policy for an input: `config_file` if given (name, bytes), else the input's
/// own buf.yaml / schemagate.yaml, else buf's defaults (v2, FILE category).
pub fn breaking_config_of(set: &SourceSet, config_file: Option<(&str, &[u8])>) -> Result<BreakingConfig, LoadError> {
    if let Some((name, bytes)) = config_file {
        return config::breaking_config(name, bytes);
    }
    for name in ["buf.yaml", "schemagate.yaml"] {
        if let Some(f) = set.extra(name) {
            return config::breaking_config(&display_path(set, name), &f.bytes);
        }
    }
    Ok(BreakingConfig::default())
}

/// Compares two modules under a policy and returns the report.
pub fn breaking(previous: &Module, current: &Module, config: &BreakingConfig) -> Report {
    let raw = engine::run(&previous.files, &current.files, &config.rules);
    let findings: Vec<Finding> = raw
        .into_iter()
        .filter(|f| !config.is_ignored(f, &current.root))
        .map(|f| {
            let location = f
                .span
                .map(|s| Location {
                    start_line: s.start_line,
                    start_column: s.start_col,
                    end_line: s.end_line,
                    end_column: s.end_col,
                })
                .unwrap_or(Location::NONE);
            let path = if f.path.is_empty() { f.against_path.clone().unwrap_or_default() } else { f.path };
            Finding::new(f.rule, Level::Error, path, location, f.message)
        })
        .collect();
    Report::new(findings, current.files.len())
}

/// Parses a schema held in memory: `text` under the file name `main_path`, importing from
/// `dependencies` (import path, text); `google/protobuf/*` well-known files are built in.
pub fn load_from_texts(
    main_path: &str,
    text: &str,
    dependencies: &[(String, String)],
) -> Result<compat::CompatSchema, LoadError> {
    let mut files = vec![schemagate_core::SourceFile { path: main_path.to_string(), bytes: text.as_bytes().to_vec() }];
    files.extend(
        dependencies
            .iter()
            .map(|(name, body)| schemagate_core::SourceFile { path: name.clone(), bytes: body.as_bytes().to_vec() }),
    );
    let set = SourceSet { name: String::new(), files, extras: vec![], single_file: Some(main_path.to_string()) };
    load_compat_schema(&set)
}

/// Loads a single-file input as a Schema Registry schema: the file and its imports.
pub fn load_compat_schema(set: &SourceSet) -> Result<compat::CompatSchema, LoadError> {
    let module = load(set)?;
    let mut files = module.files.into_iter();
    let main = files.next().ok_or_else(|| LoadError::new(set.name.clone(), 1, 1, "no .proto file to check"))?;
    Ok(compat::CompatSchema { main, dependencies: module.imports })
}
