//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

use std::collections::BTreeSet;
use std::io::{self, Write};

use schemagate_core::{Level, Report};
use serde_json::{Value, json};

use crate::Renderer;

pub struct Sarif;

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

impl Renderer for Sarif {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let rules: BTreeSet<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
        let results: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                let mut physical = json!({ "artifactLocation": { "uri": f.path } });
                if !f.location.is_none() {
                    let l = f.location;
                    let mut region = json!({ "startLine": l.start_line, "startColumn": l.start_column.max(1) });
                    if l.end_line >= l.start_line && l.end_line > 0 {
                        region["endLine"] = json!(l.end_line);
                        region["endColumn"] = json!(l.end_column.max(1));
                    }
                    physical["region"] = region;
                }
                let mut message = f.message.clone();
                if let Some(e) = f.endpoint_label() {
                    message = format!("{e}: {message}");
                }
                json!({
                    "ruleId": f.rule,
                    "level": level(f.level),
                    "message": { "text": message },
                    "locations": [ { "physicalLocation": physical } ],
                })
            })
            .collect();
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "schemagate",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules.iter().map(|r| json!({ "id": r, "name": r })).collect::<Vec<_>>(),
                }},
                "results": results,
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_canonical_report() {
        let mut buf = Vec::new();
        Sarif.render(&crate::fixture::report(), &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap().replace(env!("CARGO_PKG_VERSION"), "<version>");
        insta::assert_snapshot!(text);
    }
}
