//! `path:line:col: RULE message`, then a one-line summary.

use std::io::{self, Write};

use schemagate_core::Report;

use crate::Renderer;

/// Plain text; `color` adds ANSI colours to the rule ids (for terminals).
#[derive(Default)]
pub struct Text {
    pub color: bool,
}

impl Text {
    fn rule(&self, f: &schemagate_core::Finding) -> String {
        if !self.color {
            return f.rule.clone();
        }
        let code = match f.level {
            schemagate_core::Level::Error => "31",
            schemagate_core::Level::Warning => "33",
            schemagate_core::Level::Info => "36",
        };
        format!("\x1b[{code}m{}\x1b[0m", f.rule)
    }
}

impl Renderer for Text {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for f in &report.findings {
            let api = f.endpoint_label().map(|e| format!("[{e}] ")).unwrap_or_default();
            if f.location.is_none() {
                writeln!(out, "{}: {} {api}{}", f.path, self.rule(f), f.message)?;
            } else {
                let l = f.location;
                writeln!(out, "{}:{}:{}: {} {api}{}", f.path, l.start_line, l.start_column, self.rule(f), f.message)?;
            }
        }
        let s = &report.summary;
        if report.findings.is_empty() {
            writeln!(out, "No changes found ({} files checked).", s.files_checked)
        } else {
            writeln!(
                out,
                "{} change{} ({} error{}, {} warning{}, {} info) in {} files checked.",
                report.findings.len(),
                plural(report.findings.len()),
                s.errors,
                plural(s.errors),
                s.warnings,
                plural(s.warnings),
                s.infos,
                s.files_checked
            )
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_canonical_report() {
        let mut buf = Vec::new();
        Text::default().render(&crate::fixture::report(), &mut buf).unwrap();
        insta::assert_snapshot!(String::from_utf8(buf).unwrap());
    }
}
