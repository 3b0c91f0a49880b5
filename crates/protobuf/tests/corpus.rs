//! Scores the loader and rules on buf's own breaking-change test cases when the shared corpus
//! is present next to the project (`../shared/corpora/buf-breaking`); skipped otherwise.
//! Target (issue 2): at least 99% of buf's expected findings exactly, at most 5 extra.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use schemagate_core::{InputSpec, SourceSet};
use schemagate_protobuf as protobuf;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/buf-breaking");
    dir.join("expected.json").is_file().then_some(dir)
}

type Key = (String, String, u64, u64, u64, u64);

#[test]
fn buf_breaking_corpus_score() {
    let Some(dir) = corpus() else {
        eprintln!("shared buf-breaking corpus not found; skipping");
        return;
    };
    let expected: HashMap<String, Vec<serde_json::Value>> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let (mut total, mut found, mut extra) = (0usize, 0usize, 0usize);
    for (case, findings) in &expected {
        let load = |side: &str| {
            SourceSet::load(
                &InputSpec::Path(dir.join(side).join(case)),
                &|p| protobuf::is_proto(p),
                &protobuf::CONFIG_FILES,
            )
            .unwrap()
        };
        let (prev_set, cur_set) = (load("previous"), load("current"));
        let config = protobuf::breaking_config_of(&cur_set, None).unwrap();
        let report =
            protobuf::breaking(&protobuf::load(&prev_set).unwrap(), &protobuf::load(&cur_set).unwrap(), &config);
        let mut ours: Vec<Key> = report
            .findings
            .iter()
            .map(|f| {
                let l = f.location;
                (
                    f.rule.clone(),
                    f.path.clone(),
                    l.start_line as u64,
                    l.start_column as u64,
                    l.end_line as u64,
                    l.end_column as u64,
                )
            })
            .collect();
        for f in findings {
            let n = |k: &str| f[k].as_u64().unwrap_or(0);
            let key = (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
                n("start_line"),
                n("start_column"),
                n("end_line"),
                n("end_column"),
            );
            total += 1;
            if let Some(i) = ours.iter().position(|k| *k == key) {
                ours.swap_remove(i);
                found += 1;
            }
        }
        extra += ours.len();
    }
    let ratio = found as f64 / total as f64;
    eprintln!("buf-breaking corpus: {found}/{total} exact ({:.1}%), {extra} extra", ratio * 100.0);
    assert!(ratio >= 0.99, "only {found}/{total} expected findings matched exactly");
    assert!(extra <= 5, "{extra} extra findings");
}
