//! GitHub Actions workflow commands: `::error file=...,line=...,col=...::message` annotations.

use std::io::{self, Write};

use schemagate_core::{Level, Report};

use crate::Renderer;

pub struct Github;

/// Escapes a workflow-command message.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow-command property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

impl Renderer for Github {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for f in &report.findings {
            let command = match f.level {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Info => "notice",
            };
            let mut props = vec![format!("file={}", property(&f.path))];
            if !f.location.is_none() {
                let l = f.location;
                props.push(format!("line={}", l.start_line));
                props.push(format!("col={}", l.start_column.max(1)));
                if l.end_line >= l.start_line {
                    props.push(format!("endLine={}", l.end_line));
                    props.push(format!("endColumn={}", l.end_column.max(1)));
                }
            }
            props.push(format!("title={}", property(&f.rule)));
            let message = match f.endpoint_label() {
                Some(e) => format!("{e}: {}", f.message),
                None => f.message.clone(),
            };
            writeln!(out, "::{command} {}::{}", props.join(","), data(&message))?;
        }
        let s = &report.summary;
        writeln!(
            out,
            "schemagate: {} error(s), {} warning(s), {} info in {} files",
            s.errors, s.warnings, s.infos, s.files_checked
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_canonical_report() {
        let mut buf = Vec::new();
        Github.render(&crate::fixture::report(), &mut buf).unwrap();
        insta::assert_snapshot!(String::from_utf8(buf).unwrap());
    }

    #[test]
    fn escapes_workflow_command_syntax() {
        assert_eq!(property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }
}
