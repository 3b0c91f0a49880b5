//! The shared Schema Registry case corpora (`../shared/corpora/confluent`, outside this
//! repository): at least 95% of verdicts agree and no incompatible change is let through.
//! Skipped when the corpora are not present.

use std::path::PathBuf;

use schemagate_core::compat::CompatEngine;
use schemagate_jsonschema::{JsonSchemaEngine, parse};
use serde_json::Value;

const FILES: &[&str] = &[
    "jsonschema-draft7.json",
    "jsonschema-2020-12.json",
    "jsonschema-combined.json",
    "jsonschema-combined-2020-12.json",
];

fn corpus_dir() -> PathBuf {
    match std::env::var_os("SCHEMAGATE_SHARED") {
        Some(dir) => PathBuf::from(dir).join("corpora/confluent"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/confluent"),
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn dependencies(case: &Value, side: &str) -> Vec<(String, String)> {
    case.get(format!("{side}_dependencies"))
        .and_then(Value::as_array)
        .map(|deps| {
            deps.iter()
                .filter_map(|d| Some((d.get("name")?.as_str()?.to_string(), text(d.get("dependency")?))))
                .collect()
        })
        .unwrap_or_default()
}

/// The verdict for one case; a schema that cannot be read counts as incompatible.
fn verdict(case: &Value) -> bool {
    let side = |s: &str| parse("schema.json", &text(&case[format!("{s}_schema")]), &dependencies(case, s));
    match (side("original"), side("update")) {
        (Ok(original), Ok(update)) => JsonSchemaEngine.backward(&original, &update).is_empty(),
        _ => false,
    }
}

#[test]
fn shared_corpora_agree_with_the_registry() {
    let dir = corpus_dir();
    for file in FILES {
        let path = dir.join(file);
        let Ok(content) = std::fs::read_to_string(&path) else {
            eprintln!("skipping {}: not present", path.display());
            continue;
        };
        let cases: Vec<Value> = serde_json::from_str(&content).expect("corpus is JSON");
        let mut agree = 0;
        let mut false_compatible = Vec::new();
        for case in &cases {
            let expected = case["compatible"].as_bool().expect("case has a verdict");
            let got = verdict(case);
            if got == expected {
                agree += 1;
            } else if got {
                false_compatible.push(case["description"].as_str().unwrap_or("?").to_string());
            }
        }
        let share = agree as f64 / cases.len().max(1) as f64;
        eprintln!("{file}: {agree}/{} agree", cases.len());
        assert!(false_compatible.is_empty(), "{file}: incompatible changes let through: {false_compatible:?}");
        assert!(share >= 0.95, "{file}: only {agree}/{} verdicts agree", cases.len());
    }
}
