//! GitLab Code Quality (a subset of the Code Climate engine format): a JSON array of issues,
//! shown in merge-request widgets and diffs (`artifacts: reports: codequality:`).

use std::io::{self, Write};

use schemagate_core::{Finding, Level, Report};
use serde_json::{Value, json};

use crate::Renderer;

pub struct CodeClimate;

fn severity(l: Level) -> &'static str {
    match l {
        Level::Error => "major",
        Level::Warning => "minor",
        Level::Info => "info",
    }
}

/// A stable id for GitLab to tell new issues from fixed ones: FNV-1a over the rule, the file,
/// the message and the occurrence number of that triple (not the line, so that an unrelated
/// edit above a finding does not make it look new).
fn fingerprint(f: &Finding, occurrence: usize) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [f.rule.as_bytes(), f.path.as_bytes(), f.message.as_bytes(), occurrence.to_string().as_bytes()] {
        for &b in part.iter().chain(&[0u8]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

impl Renderer for CodeClimate {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut seen: Vec<(&str, &str, &str)> = Vec::new();
        let issues: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                let key = (f.rule.as_str(), f.path.as_str(), f.message.as_str());
                let occurrence = seen.iter().filter(|k| **k == key).count();
                seen.push(key);
                let mut description = f.message.clone();
                if let Some(e) = f.endpoint_label() {
                    description = format!("{e}: {description}");
                }
                json!({
                    "type": "issue",
                    "check_name": f.rule,
                    "description": description,
                    "categories": ["Compatibility"],
                    "severity": severity(f.level),
                    "fingerprint": fingerprint(f, occurrence),
                    "location": {
                        "path": f.path,
                        "lines": { "begin": f.location.start_line.max(1) },
                    },
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &issues)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_canonical_report() {
        let mut buf = Vec::new();
        CodeClimate.render(&crate::fixture::report(), &mut buf).unwrap();
        insta::assert_snapshot!(String::from_utf8(buf).unwrap());
    }

    #[test]
    fn fingerprints_are_unique_and_ignore_lines() {
        let report = crate::fixture::report();
        let mut buf = Vec::new();
        CodeClimate.render(&report, &mut buf).unwrap();
        let issues: Vec<Value> = serde_json::from_slice(&buf).unwrap();
        let mut prints: Vec<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
        prints.sort();
        prints.dedup();
        assert_eq!(prints.len(), report.findings.len());
        let mut moved = report.findings[0].clone();
        moved.location.start_line += 5;
        assert_eq!(fingerprint(&moved, 0), fingerprint(&report.findings[0], 0));
        assert_ne!(fingerprint(&report.findings[0], 1), fingerprint(&report.findings[0], 0));
    }
}
