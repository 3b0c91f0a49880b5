//! Differential test: our verdicts against Apache Avro's Python implementation (`pip install
//! avro`), whose `ReaderWriterCompatibilityChecker` follows Avro Java's `SchemaCompatibility`
//! (what the Confluent Schema Registry runs). Every directed pair and every compatibility level
//! must agree, on the hand-written case table and on generated schema histories.

mod support;

use std::collections::HashMap;

use schemagate_avro::{AvroEngine, AvroSchema, parse};
use schemagate_core::compat::{CompatEngine, CompatLevel, check_level};
use support::python::{SchemaText, Verdict};
use support::{cases, generator, python};

const SEED: u64 = 0x5EED_A7B0;
const GENERATED_HISTORIES: usize = 400;
const LEVELS: [CompatLevel; 6] = [
    CompatLevel::Backward,
    CompatLevel::Forward,
    CompatLevel::Full,
    CompatLevel::BackwardTransitive,
    CompatLevel::ForwardTransitive,
    CompatLevel::FullTransitive,
];

/// Versions of one subject, oldest first, with where they came from.
struct History {
    label: String,
    versions: Vec<SchemaText>,
}

fn load(text: &SchemaText, label: &str) -> Result<AvroSchema, String> {
    parse(label, &text.schema, &text.references).map_err(|e| e.to_string())
}

#[test]
fn case_table_reports_every_expected_incompatibility() {
    let mut failures = vec![];
    for case in cases::all() {
        let old = load(&case.old, case.name).unwrap_or_else(|e| panic!("{}: old: {e}", case.name));
        let new = load(&case.new, case.name).unwrap_or_else(|e| panic!("{}: new: {e}", case.name));
        let found: Vec<(String, String)> =
            AvroEngine.backward(&old, &new).into_iter().map(|m| (m.kind, m.path)).collect();
        let expected: Vec<(String, String)> =
            case.backward.iter().map(|(k, p)| (k.to_string(), p.to_string())).collect();
        if found != expected {
            failures.push(format!("{}:\n  expected {expected:?}\n  found    {found:?}", case.name));
        }
    }
    assert!(cases::all().len() >= 50, "the case table should hold at least 50 cases");
    assert!(failures.is_empty(), "{} case(s) differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn verdicts_agree_with_python_avro() {
    let mut histories: Vec<History> = cases::all()
        .into_iter()
        .map(|c| History { label: format!("case '{}'", c.name), versions: vec![c.old, c.new] })
        .collect();
    let case_count = histories.len();
    // Other seeds and sizes explore further: SCHEMAGATE_AVRO_SEED=7 SCHEMAGATE_AVRO_HISTORIES=5000.
    let seed = std::env::var("SCHEMAGATE_AVRO_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(SEED);
    let generated =
        std::env::var("SCHEMAGATE_AVRO_HISTORIES").ok().and_then(|s| s.parse().ok()).unwrap_or(GENERATED_HISTORIES);
    for (i, (versions, edits)) in generator::histories(seed, generated).into_iter().enumerate() {
        let label = format!("generated history {i} (edits: {})", edits.join("; "));
        histories.push(History { label, versions: versions.into_iter().map(SchemaText::plain).collect() });
    }

    // Every ordered pair of distinct versions of a history, asked once.
    let mut pair_index: HashMap<(SchemaText, SchemaText), usize> = HashMap::new();
    let mut pairs: Vec<(SchemaText, SchemaText)> = vec![];
    for h in &histories {
        for reader in &h.versions {
            for writer in &h.versions {
                let key = (reader.clone(), writer.clone());
                if !pair_index.contains_key(&key) {
                    pair_index.insert(key.clone(), pairs.len());
                    pairs.push(key);
                }
            }
        }
    }
    let (avro_version, python) = python::verdicts(&pairs);
    let python_compatible = |reader: &SchemaText, writer: &SchemaText| -> Result<bool, String> {
        match &python[pair_index[&(reader.clone(), writer.clone())]] {
            Verdict::Compatible => Ok(true),
            Verdict::Incompatible => Ok(false),
            Verdict::Error(e) => Err(format!("Python avro failed: {e}")),
        }
    };

    let mut disagreements: Vec<String> = vec![];
    let mut directed_compared = 0;
    let mut levels_compared = 0;
    let mut apache_avro_disagreements: Vec<String> = vec![];
    let mut compatible_count = 0;
    let mut kinds: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for h in &histories {
        let parsed: Result<Vec<AvroSchema>, String> = h.versions.iter().map(|v| load(v, &h.label)).collect();
        let parsed = match parsed {
            Ok(p) => p,
            Err(e) => {
                disagreements.push(format!("{}: we could not parse a version: {e}", h.label));
                continue;
            }
        };
        for (r, reader) in h.versions.iter().enumerate() {
            for (w, writer) in h.versions.iter().enumerate() {
                directed_compared += 1;
                let messages = AvroEngine.backward(&parsed[w], &parsed[r]);
                if messages.is_empty() {
                    compatible_count += 1;
                }
                for m in &messages {
                    *kinds.entry(m.kind.clone()).or_insert(0usize) += 1;
                }
                match python_compatible(reader, writer) {
                    Ok(theirs) if theirs == messages.is_empty() => {}
                    theirs => disagreements.push(format!(
                        "{}: reader v{} / writer v{}: python avro {theirs:?}, we report {messages:?}\n    reader: {}\n    writer: {}",
                        h.label,
                        r + 1,
                        w + 1,
                        reader.schema,
                        writer.schema
                    )),
                }
                if reader.references.is_empty()
                    && writer.references.is_empty()
                    && let Ok(theirs) = python_compatible(reader, writer)
                {
                    let (apache, reason) = apache_avro_verdict(&parsed[r], &parsed[w]);
                    if apache != theirs {
                        apache_avro_disagreements.push(format!(
                            "{}: reader v{} / writer v{}: python {theirs}, apache-avro {apache} ({reason})\n    reader: {}\n    writer: {}",
                            h.label,
                            r + 1,
                            w + 1,
                            reader.schema,
                            writer.schema
                        ));
                    }
                }
            }
        }
        for k in 1..h.versions.len() {
            for level in LEVELS {
                levels_compared += 1;
                let ours = check_level(&AvroEngine, level, &parsed[k], &parsed[..k]);
                match python_level(level, &h.versions, k, &python_compatible) {
                    Ok(theirs) if theirs == ours.compatible => {}
                    theirs => disagreements.push(format!(
                        "{}: {} of v{} against v1..v{}: python avro {theirs:?}, we report {:?}",
                        h.label,
                        level.name(),
                        k + 1,
                        k,
                        ours.messages
                    )),
                }
            }
        }
    }

    println!(
        "Python avro {avro_version}: {} distinct reader/writer pairs asked; {directed_compared} directed verdicts and \
         {levels_compared} level verdicts compared over {} histories ({case_count} hand-written, {generated} generated with seed {seed}); \
         {} disagreements",
        pairs.len(),
        histories.len(),
        disagreements.len()
    );
    println!("{compatible_count} of the directed pairs are compatible; incompatibilities found by kind: {kinds:?}");
    if let Ok(path) = std::env::var("SCHEMAGATE_AVRO_APACHE_DISAGREEMENTS") {
        std::fs::write(path, apache_avro_disagreements.join("\n")).expect("writing the apache-avro disagreements");
    }
    println!(
        "for information, apache-avro 0.22's own SchemaCompatibility::can_read disagrees with Python avro on {} of those directed pairs{}",
        apache_avro_disagreements.len(),
        apache_avro_disagreements.first().map(|d| format!(", e.g. {d}")).unwrap_or_default()
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s) with Python avro {avro_version}; the first ones:\n{}",
        disagreements.len(),
        disagreements.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// Confluent's reading of a level on top of Avro's directed verdicts: BACKWARD = the new version
/// reads the older ones, FORWARD = they read it, FULL = both; transitive levels check every
/// older version, the others only the latest.
fn python_level(
    level: CompatLevel,
    versions: &[SchemaText],
    update: usize,
    compatible: &impl Fn(&SchemaText, &SchemaText) -> Result<bool, String>,
) -> Result<bool, String> {
    let transitive =
        matches!(level, CompatLevel::BackwardTransitive | CompatLevel::ForwardTransitive | CompatLevel::FullTransitive);
    let backward = matches!(
        level,
        CompatLevel::Backward | CompatLevel::BackwardTransitive | CompatLevel::Full | CompatLevel::FullTransitive
    );
    let forward = matches!(
        level,
        CompatLevel::Forward | CompatLevel::ForwardTransitive | CompatLevel::Full | CompatLevel::FullTransitive
    );
    let earliest = if transitive { 0 } else { update - 1 };
    let new = &versions[update];
    let mut all = true;
    for old in &versions[earliest..update] {
        if backward {
            all &= compatible(new, old)?;
        }
        if forward {
            all &= compatible(old, new)?;
        }
    }
    Ok(all)
}

/// apache-avro's own verdict, with its reason when it says no, to measure where it falls short.
fn apache_avro_verdict(reader: &AvroSchema, writer: &AvroSchema) -> (bool, String) {
    use apache_avro::schema_compatibility::{Compatibility, SchemaCompatibility};
    match std::panic::catch_unwind(|| SchemaCompatibility::can_read(writer.schema(), reader.schema())) {
        Ok(Ok(Compatibility::Full)) => (true, String::new()),
        Ok(Ok(Compatibility::Partial)) => (false, "partial".into()),
        Ok(Err(e)) => (false, e.to_string()),
        Err(_) => (false, "panicked".into()),
    }
}
