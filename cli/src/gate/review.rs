//! The review of `check --format html|markdown`: the gate's report with the old and new text of
//! every changed schema file and each finding's consumer blast radius (contracts/, subjects).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use schemagate_contract::impact::{ImpactIndex, SubjectSpec};
use schemagate_core::{InputSpec, Level, Report};
use schemagate_report::review::{Review, ReviewFile};

use super::Baseline;
use super::protobuf::proto_set;
use crate::config::{GateConfig, GateError};

/// Builds the review of `report`. `baseline_text` is the baseline as the user wrote it.
pub fn build(
    config: &GateConfig,
    baseline: &Baseline,
    baseline_text: &str,
    report: Report,
    fail_level: Level,
    artifact: Option<String>,
) -> Result<Review, GateError> {
    let mut notes = Vec::new();
    let files = changed_files(config, baseline, &report)?;
    // The contracts folder; its parent is the root the contracts' paths are relative to.
    let dir = config
        .contract
        .as_ref()
        .and_then(|c| c.contracts.as_ref())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("contracts"));
    // A contract folder that does not load does not stop the review: it is named at its end.
    let contracts = if dir.is_dir() {
        schemagate_contract::load_dir(&dir).unwrap_or_else(|e| {
            notes.push(format!("contracts not loaded, so topics and consumers are not known: {e}"));
            Vec::new()
        })
    } else {
        notes.push(format!("no contracts folder at {}: topics and consumers are not known", dir.display()));
        Vec::new()
    };
    let project =
        dir.parent().map(Path::to_path_buf).filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| ".".into());
    let subjects: Vec<SubjectSpec> = config
        .subjects
        .iter()
        .map(|s| SubjectSpec {
            name: s.name.clone(),
            schema_type: s.schema_type.clone(),
            file: s.file.clone(),
            record: s.record.clone(),
        })
        .collect();
    let proto_root = config.protobuf.as_ref().map(|p| p.path.as_str());
    let index = ImpactIndex::new(&project, &contracts, &subjects, proto_root);
    notes.extend(index.notes.iter().cloned());
    let impacts = report
        .findings
        .iter()
        .map(|f| {
            let file = files.iter().find(|file| file.path == f.path);
            let new_text = file.map(|file| file.new.clone()).unwrap_or_else(|| std::fs::read_to_string(&f.path).ok());
            let old_text = file.and_then(|file| file.old.as_deref());
            index.impact(f, new_text.as_deref(), old_text)
        })
        .collect();
    if matches!(baseline, Baseline::Registry(..)) {
        notes.push("the baseline is the registry: files are shown as they are now, without a side-by-side diff".into());
    }
    Ok(Review {
        report,
        baseline: baseline_text.to_string(),
        fail_level: Some(fail_level),
        files,
        impacts,
        artifact,
        notes,
    })
}

/// The schema files of the configuration whose text differs from the baseline's, plus every
/// file a finding names. The Protobuf module is read as two source sets (one `git cat-file
/// --batch` for a git baseline), not file by file: a module may have thousands of files.
fn changed_files(config: &GateConfig, baseline: &Baseline, report: &Report) -> Result<Vec<ReviewFile>, GateError> {
    let registry = matches!(baseline, Baseline::Registry(..));
    // path -> (baseline text, current text); None: absent there.
    let mut texts: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    if let Some(pb) = config.protobuf.as_ref().filter(|_| !registry) {
        let root = pb.path.trim_end_matches('/');
        let current = proto_set(&InputSpec::Path(PathBuf::from(&pb.path)), &[])?;
        for f in &current.files {
            texts.entry(format!("{root}/{}", f.path)).or_default().1 = Some(text(&f.bytes));
        }
        if baseline.exists(&pb.path)? {
            let previous = proto_set(&baseline.spec(&pb.path), &[])?;
            for f in &previous.files {
                texts.entry(format!("{root}/{}", f.path)).or_default().0 = Some(text(&f.bytes));
            }
        }
    }
    let mut others: BTreeSet<String> = BTreeSet::new();
    others.extend(config.openapi.iter().map(|o| o.path.clone()));
    others.extend(config.subjects.iter().map(|s| s.file.clone()));
    others.extend(report.findings.iter().map(|f| f.path.clone()).filter(|p| !p.is_empty()));
    for path in others {
        if texts.contains_key(&path) {
            continue;
        }
        let new = std::fs::read_to_string(&path).ok();
        let old = match baseline {
            // No file baseline: only files with findings, as they are now.
            Baseline::Registry(..) => {
                if report.findings.iter().any(|f| f.path == path) {
                    texts.insert(path, (None, new));
                }
                continue;
            }
            Baseline::Git(rev) => {
                let rel = path.trim_start_matches("./");
                if baseline.exists(rel)? {
                    Some(text(&schemagate_core::source::read_git_file(rev, rel).map_err(|e| e.to_string())?))
                } else {
                    None
                }
            }
            Baseline::Dir(dir) => std::fs::read_to_string(dir.join(&path)).ok(),
        };
        texts.insert(path, (old, new));
    }
    Ok(texts
        .into_iter()
        .filter(|(path, (old, new))| {
            (registry && new.is_some() && report.findings.iter().any(|f| &f.path == path)) || (!registry && old != new)
        })
        .map(|(path, (old, new))| ReviewFile { path, old, new })
        .collect())
}
