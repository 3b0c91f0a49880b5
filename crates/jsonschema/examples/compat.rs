//! Checks one JSON Schema against another the way the Schema Registry does, for scoring against
//! case corpora: `compat <UPDATE> --against <ORIGINAL> [--level BACKWARD] [--format json]`.
//! Files beside each schema are loaded as its named references. Prints
//! `{"compatible": bool, "messages": [{"type", "path", "message"}]}`; exits 0 when compatible,
//! 1 when not and 2 when a schema cannot be read (after printing an incompatible verdict).
//! `--differences` adds every difference found, compatible ones included.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use schemagate_core::compat::{CompatLevel, CompatMessage, CompatResult, check_level};
use schemagate_jsonschema::{JsonSchemaEngine, Schema, parse};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut update = None;
    let mut original = None;
    let mut level = CompatLevel::Backward;
    let mut all_differences = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "compat" => {}
            "--against" => {
                i += 1;
                original = args.get(i).cloned();
            }
            "--level" => {
                i += 1;
                level = args.get(i).and_then(|l| CompatLevel::parse(l)).unwrap_or(CompatLevel::Backward);
            }
            // Flags this checker has no use for, with their values.
            "--format" | "--schema-type" => i += 1,
            "--differences" => all_differences = true,
            other if other.starts_with("--") => {}
            other => update = Some(other.to_string()),
        }
        i += 1;
    }
    let (Some(update), Some(original)) = (update, original) else {
        eprintln!("usage: compat <UPDATE> --against <ORIGINAL> [--level BACKWARD] [--format json]");
        return ExitCode::from(2);
    };
    let loaded = load(Path::new(&original)).and_then(|o| load(Path::new(&update)).map(|u| (o, u)));
    let mut differences = Vec::new();
    let (result, code) = match loaded {
        Ok((original, update)) => {
            if all_differences {
                differences = schemagate_jsonschema::differences(&original, &update)
                    .into_iter()
                    .map(|d| format!("{} {}", d.kind.name(), d.path))
                    .collect();
            }
            let result = check_level(&JsonSchemaEngine, level, &update, &[original]);
            let code = if result.compatible { 0 } else { 1 };
            (result, code)
        }
        Err(message) => {
            let failure = CompatMessage { kind: "INVALID_SCHEMA".into(), path: "#/".into(), message };
            (CompatResult { compatible: false, messages: vec![failure] }, 2)
        }
    };
    let mut rendered = serde_json::to_value(&result).unwrap_or_default();
    if all_differences {
        rendered["differences"] = serde_json::json!(differences);
    }
    match serde_json::to_string_pretty(&rendered) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("cannot render the result: {e}"),
    }
    ExitCode::from(code)
}

/// Reads a schema and, as its references, every other file in its folder (named by relative path).
fn load(path: &Path) -> Result<Schema, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut files = Vec::new();
    collect(dir, &mut files, 0);
    let mut references = Vec::new();
    for file in files {
        if file == path {
            continue;
        }
        let Ok(content) = std::fs::read_to_string(&file) else { continue };
        let name = file.strip_prefix(dir).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        references.push((name, content));
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    parse(&name, &text, &references).map_err(|e| e.to_string())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            if depth < 8 {
                collect(&path, out, depth + 1);
            }
        } else {
            out.push(path);
        }
    }
}
