//! Every rule fixture (`fixtures/<RULE_ID>/{previous,current}`) is checked three ways:
//! our findings are snapshotted, they must equal what the real buf CLI reported on the same
//! fixture (`expected.buf.jsonl`, recorded with buf 1.75.0), and comparing a side with
//! itself must find nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemagate_core::{InputSpec, Report, SourceSet};
use schemagate_protobuf as protobuf;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn cases() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("current").is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    out.sort();
    out
}

fn set(path: &Path) -> SourceSet {
    SourceSet::load(&InputSpec::Path(path.to_path_buf()), &|p| protobuf::is_proto(p), &protobuf::CONFIG_FILES).unwrap()
}

fn check(previous: &Path, current: &Path) -> Report {
    let (prev_set, cur_set) = (set(previous), set(current));
    let config = protobuf::breaking_config_of(&cur_set, None).unwrap();
    let prev = protobuf::load(&prev_set).unwrap();
    let cur = protobuf::load(&cur_set).unwrap();
    protobuf::breaking(&prev, &cur, &config)
}

fn render(report: &Report) -> String {
    report
        .findings
        .iter()
        .map(|f| {
            let l = f.location;
            format!(
                "{}:{}:{}-{}:{} {} {}",
                f.path, l.start_line, l.start_column, l.end_line, l.end_column, f.rule, f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// (rule, path, start line, start col, end line, end col) as buf reports it, normalised:
/// buf prints "no location" as 1:1-1:1 and omits the path of deleted files; under a
/// v1beta1 `build.roots` layout it prefixes paths with the root, we report them relative
/// to the module root as buf's own test-suite does.
type Key = (String, String, u32, u32, u32, u32);

fn buf_keys(case_dir: &Path, roots: &[String]) -> Vec<Key> {
    let text = std::fs::read_to_string(case_dir.join("expected.buf.jsonl")).unwrap();
    let mut keys = Vec::new();
    for line in text.lines().filter(|l| l.trim_start().starts_with('{')) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let n = |k: &str| v.get(k).and_then(|x| x.as_u64()).unwrap_or(0) as u32;
        let mut loc = (n("start_line"), n("start_column"), n("end_line"), n("end_column"));
        if loc == (1, 1, 1, 1) {
            loc = (0, 0, 0, 0);
        }
        let mut path = v.get("path").and_then(|p| p.as_str()).unwrap_or("").to_string();
        for root in roots.iter().filter(|r| *r != ".") {
            if let Some(rest) = path.strip_prefix(&format!("{root}/")) {
                path = rest.to_string();
            }
        }
        keys.push((v["type"].as_str().unwrap().to_string(), path, loc.0, loc.1, loc.2, loc.3));
    }
    keys.sort();
    keys
}

fn our_keys(report: &Report) -> Vec<Key> {
    let mut keys: Vec<Key> = report
        .findings
        .iter()
        .map(|f| {
            // buf prints deleted files and packages without a path.
            let path = if matches!(f.rule.as_str(), "FILE_NO_DELETE" | "PACKAGE_NO_DELETE") {
                String::new()
            } else {
                f.path.clone()
            };
            let l = f.location;
            (f.rule.clone(), path, l.start_line, l.start_column, l.end_line, l.end_column)
        })
        .collect();
    keys.sort();
    keys
}

#[test]
fn fixtures_match_snapshots_and_buf() {
    let mut mismatches = BTreeMap::new();
    for case in cases() {
        let dir = fixtures_dir().join(&case);
        let report = check(&dir.join("previous"), &dir.join("current"));
        insta::assert_snapshot!(format!("fixture__{case}"), render(&report));
        let roots = protobuf::layout_of(&set(&dir.join("current"))).unwrap().roots;
        let (ours, bufs) = (our_keys(&report), buf_keys(&dir, &roots));
        if ours != bufs {
            mismatches.insert(case, (ours, bufs));
        }
    }
    assert!(mismatches.is_empty(), "findings differ from buf's: {mismatches:#?}");
}

#[test]
fn identity_comparisons_find_nothing() {
    for case in cases() {
        let dir = fixtures_dir().join(&case);
        for side in ["previous", "current"] {
            let report = check(&dir.join(side), &dir.join(side));
            assert!(report.findings.is_empty(), "{case}/{side} vs itself: {}", render(&report));
        }
    }
}

#[test]
fn every_active_rule_fires_on_some_fixture() {
    let mut fired = std::collections::HashSet::new();
    for case in cases() {
        let dir = fixtures_dir().join(&case);
        for f in check(&dir.join("previous"), &dir.join("current")).findings {
            fired.insert(f.rule);
        }
    }
    for rule in protobuf::rules::ALL.iter().filter(|r| !r.is_deprecated()) {
        assert!(fired.contains(rule.id), "rule {} never fires on any fixture", rule.id);
        assert!(fixtures_dir().join(rule.id).is_dir(), "rule {} has no fixture folder", rule.id);
    }
}
