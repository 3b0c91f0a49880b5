//! JUnit XML: one test case per finding (errors and warnings fail), so CI systems that read
//! test reports show schema changes next to test results.

use std::io::{self, Write};

use schemagate_core::{Level, Report};

use crate::Renderer;

pub struct Junit;

/// Escapes text for XML attribute values and character data (control characters dropped).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

impl Renderer for Junit {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let failures = report.findings.iter().filter(|f| f.level >= Level::Warning).count();
        let tests = report.findings.len().max(1);
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(out, r#"<testsuites name="schemagate" tests="{tests}" failures="{failures}" errors="0">"#)?;
        writeln!(
            out,
            r#"  <testsuite name="schemagate" tests="{tests}" failures="{failures}" errors="0" skipped="0">"#
        )?;
        if report.findings.is_empty() {
            writeln!(out, r#"    <testcase classname="schemagate" name="no changes"/>"#)?;
        }
        for f in &report.findings {
            let place = if f.location.is_none() {
                f.path.clone()
            } else {
                format!("{}:{}:{}", f.path, f.location.start_line, f.location.start_column)
            };
            let endpoint = f.endpoint_label().map(|e| format!(" {e}")).unwrap_or_default();
            let name = escape(&format!("{} {place}{endpoint}", f.rule));
            let classname = escape(&f.path);
            if f.level >= Level::Warning {
                writeln!(out, r#"    <testcase classname="{classname}" name="{name}">"#)?;
                writeln!(
                    out,
                    r#"      <failure type="{}" message="{}">{}</failure>"#,
                    f.level.as_str(),
                    escape(&f.message),
                    escape(&place)
                )?;
                writeln!(out, "    </testcase>")?;
            } else {
                writeln!(out, r#"    <testcase classname="{classname}" name="{name}">"#)?;
                writeln!(out, "      <system-out>{}</system-out>", escape(&f.message))?;
                writeln!(out, "    </testcase>")?;
            }
        }
        writeln!(out, "  </testsuite>")?;
        writeln!(out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_canonical_report() {
        let mut buf = Vec::new();
        Junit.render(&crate::fixture::report(), &mut buf).unwrap();
        insta::assert_snapshot!(String::from_utf8(buf).unwrap());
    }

    #[test]
    fn escapes_xml() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
