//! Registering a Protobuf schema together with the files it imports.

use std::collections::HashMap;

use std::path::Path;

use super::{Client, ClientError, Reference, Schema, SubjectVersion, Version};

/// The paths a Protobuf file imports (`import "a/b.proto";`, `import public ...`, `import weak
/// ...`), in order, comments ignored.
pub fn import_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut in_block_comment = false;
    for line in text.lines() {
        let mut line = line;
        if in_block_comment {
            match line.find("*/") {
                Some(end) => {
                    line = &line[end + 2..];
                    in_block_comment = false;
                }
                None => continue,
            }
        }
        if let Some(start) = line.find("/*") {
            in_block_comment = !line[start..].contains("*/");
            line = &line[..start];
        }
        let line = line.split("//").next().unwrap_or_default().trim();
        let Some(rest) = line.strip_prefix("import") else { continue };
        if !rest.starts_with(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
            continue;
        }
        let rest = rest.trim_start();
        let rest = rest.strip_prefix("public").or_else(|| rest.strip_prefix("weak")).unwrap_or(rest).trim_start();
        let quote = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => q,
            _ => continue,
        };
        if let Some(end) = rest[1..].find(quote) {
            paths.push(rest[1..1 + end].to_string());
        }
    }
    paths
}

/// The registered versions behind `references` and behind theirs, by import name, each fetched
/// once.
pub fn fetch_references(
    client: &Client,
    references: impl IntoIterator<Item = Reference>,
) -> Result<HashMap<String, SubjectVersion>, ClientError> {
    let mut found: HashMap<String, SubjectVersion> = HashMap::new();
    let mut todo: Vec<Reference> = references.into_iter().collect();
    while let Some(r) = todo.pop() {
        if found.contains_key(&r.name) {
            continue;
        }
        let got = client.version(&r.subject, Version::Number(r.version))?;
        todo.extend(got.references.iter().cloned());
        found.insert(r.name, got);
    }
    Ok(found)
}

/// The module files a Protobuf text imports, transitively, as `(import path, text)` read from
/// under `root`. Imports with no file there (e.g. `google/protobuf/*.proto`) are left out: they
/// are the registry's business.
pub fn import_closure(root: &Path, text: &str) -> Result<Vec<(String, String)>, String> {
    import_closure_with(text, &|path| {
        let file = root.join(path);
        if !file.is_file() {
            return Ok(None);
        }
        std::fs::read_to_string(&file).map(Some).map_err(|e| format!("{}: {e}", file.display()))
    })
}

/// The files a Protobuf text imports, transitively, as `(import path, text)`; `read` gives an
/// import's text, or `None` for an import outside the module (left out, with its own imports).
pub fn import_closure_with(
    text: &str,
    read: &dyn Fn(&str) -> Result<Option<String>, String>,
) -> Result<Vec<(String, String)>, String> {
    let mut imports: Vec<(String, String)> = Vec::new();
    let mut stack = import_paths(text);
    while let Some(path) = stack.pop() {
        if imports.iter().any(|(p, _)| *p == path) {
            continue;
        }
        let Some(body) = read(&path)? else { continue };
        stack.extend(import_paths(&body));
        imports.push((path, body));
    }
    Ok(imports)
}

/// Registers `imports` (`(import path, Protobuf text)`) as subjects named by their import
/// paths, imports of imports first, each with references to the imports it uses; an import
/// already registered with the same text is reused, not registered again. Then registers
/// `main_text` under `subject` with references to the imports it names, and answers its id.
/// Imports not among `imports` (e.g. `google/protobuf/*.proto`) are left to the registry.
pub fn register_with_references(
    client: &Client,
    subject: &str,
    main_text: &str,
    schema_type: &str,
    imports: &[(String, String)],
) -> Result<i64, ClientError> {
    let texts: HashMap<&str, &str> = imports.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let mut order: Vec<&str> = Vec::new();
    let mut state: HashMap<&str, bool> = HashMap::new(); // false: visiting, true: done
    for (path, _) in imports {
        visit(path, &texts, &mut state, &mut order, &mut Vec::new())?;
    }
    let mut versions: HashMap<&str, i64> = HashMap::new();
    let references_of = |text: &str, versions: &HashMap<&str, i64>| -> Vec<Reference> {
        import_paths(text)
            .into_iter()
            .filter_map(|p| {
                let version = *versions.get(p.as_str())?;
                Some(Reference { name: p.clone(), subject: p, version })
            })
            .collect()
    };
    for path in order {
        let schema = Schema::new(schema_type, texts[path]).with_references(references_of(texts[path], &versions));
        let version = match client.lookup(path, &schema)? {
            Some(found) => found.version,
            None => {
                client.register(path, &schema)?;
                match client.lookup(path, &schema)? {
                    Some(found) => found.version,
                    None => {
                        return Err(ClientError::References(format!(
                            "`{path}` was registered but the registry cannot find it"
                        )));
                    }
                }
            }
        };
        versions.insert(path, version);
    }
    let main = Schema::new(schema_type, main_text).with_references(references_of(main_text, &versions));
    client.register(subject, &main)
}

/// The references of a Protobuf `text` to its `imports` (`(import path, text)`, as
/// [`import_closure`] finds them) registered under their import paths with exactly these texts
/// (and references of their own). `None` when one is not registered (yet) that way. Imports not
/// among `imports` (e.g. `google/protobuf/*.proto`) are left to the registry.
pub fn registered_references(
    client: &Client,
    schema_type: &str,
    text: &str,
    imports: &[(String, String)],
) -> Result<Option<Vec<Reference>>, ClientError> {
    lookup_references(client, schema_type, text, imports, &mut HashMap::new(), 0)
}

fn lookup_references(
    client: &Client,
    schema_type: &str,
    text: &str,
    imports: &[(String, String)],
    memo: &mut HashMap<String, Option<i64>>,
    depth: usize,
) -> Result<Option<Vec<Reference>>, ClientError> {
    let mut refs = Vec::new();
    for path in import_paths(text) {
        let Some((_, body)) = imports.iter().find(|(p, _)| *p == path) else { continue };
        let version = match memo.get(&path) {
            Some(v) => *v,
            None => {
                // Protobuf forbids import cycles; the depth bound only guards against a
                // malformed module looping here.
                let v = if depth > 64 {
                    None
                } else {
                    match lookup_references(client, schema_type, body, imports, memo, depth + 1)? {
                        None => None,
                        Some(r) => client
                            .lookup(&path, &Schema::new(schema_type, body.clone()).with_references(r))?
                            .map(|found| found.version),
                    }
                };
                memo.insert(path.clone(), v);
                v
            }
        };
        match version {
            Some(version) => refs.push(Reference { name: path.clone(), subject: path, version }),
            None => return Ok(None),
        }
    }
    Ok(Some(refs))
}

fn visit<'a>(
    path: &'a str,
    texts: &HashMap<&'a str, &'a str>,
    state: &mut HashMap<&'a str, bool>,
    order: &mut Vec<&'a str>,
    stack: &mut Vec<&'a str>,
) -> Result<(), ClientError> {
    match state.get(path) {
        Some(true) => return Ok(()),
        Some(false) => {
            stack.push(path);
            return Err(ClientError::References(format!("import cycle: {}", stack.join(" -> "))));
        }
        None => {}
    }
    state.insert(path, false);
    stack.push(path);
    let text = texts[path];
    for dep in import_paths(text) {
        if let Some((&key, _)) = texts.get_key_value(dep.as_str()) {
            visit(key, texts, state, order, stack)?;
        }
    }
    stack.pop();
    state.insert(path, true);
    order.push(path);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::import_paths;

    #[test]
    fn imports_are_found_and_comments_ignored() {
        let text = "syntax = \"proto3\";\nimport \"a/b.proto\";\nimport public 'c.proto'; // x\n\
                    // import \"no.proto\";\n/* import \"no2.proto\";\n*/ import weak \"d.proto\";\nimported = 1;";
        assert_eq!(import_paths(text), ["a/b.proto", "c.proto", "d.proto"]);
    }
}
