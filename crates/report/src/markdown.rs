//! Markdown for pull-request comments: a summary table, then each finding.

use std::io::{self, Write};

use schemagate_core::{Level, Report};

use crate::Renderer;

pub struct Markdown;

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

impl Renderer for Markdown {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let s = &report.summary;
        writeln!(out, "## schemagate report\n")?;
        writeln!(out, "| errors | warnings | info | files checked |")?;
        writeln!(out, "| ---: | ---: | ---: | ---: |")?;
        writeln!(out, "| {} | {} | {} | {} |\n", s.errors, s.warnings, s.infos, s.files_checked)?;
        if report.findings.is_empty() {
            return writeln!(out, "No changes found.");
        }
        for level in [Level::Error, Level::Warning, Level::Info] {
            let findings: Vec<_> = report.findings.iter().filter(|f| f.level == level).collect();
            if findings.is_empty() {
                continue;
            }
            let title = match level {
                Level::Error => "Errors",
                Level::Warning => "Warnings",
                Level::Info => "Info",
            };
            writeln!(out, "### {title}\n")?;
            writeln!(out, "| rule | where | endpoint | change |")?;
            writeln!(out, "| --- | --- | --- | --- |")?;
            for f in findings {
                let place = if f.location.is_none() {
                    f.path.clone()
                } else {
                    format!("{}:{}:{}", f.path, f.location.start_line, f.location.start_column)
                };
                let endpoint = f.endpoint_label().map(|e| format!("`{e}`")).unwrap_or_default();
                writeln!(
                    out,
                    "| `{}` | `{}` | {} | {} |",
                    f.rule,
                    escape(&place),
                    escape(&endpoint),
                    escape(&f.message)
                )?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_canonical_report() {
        let mut buf = Vec::new();
        Markdown.render(&crate::fixture::report(), &mut buf).unwrap();
        insta::assert_snapshot!(String::from_utf8(buf).unwrap());
    }
}
