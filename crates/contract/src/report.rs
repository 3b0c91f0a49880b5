//! A contract run's report as text, JSON or JUnit XML (one test case per contract and
//! consumer, plus one for each contract's producer side).

use std::io::{self, Write};

use schemagate_report::xml_escape as escape;

use crate::runner::{ContractResult, RunReport, describe};

/// Text: pass/fail per contract and consumer with every reason, then a summary.
pub fn text(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Kafka: {}", report.kafka)?;
    if report.embedded_kafka {
        writeln!(out, "       (librdkafka's mock cluster stands in for Kafka: no Docker engine was used)")?;
    }
    writeln!(out, "Registry: {}", report.registry)?;
    for c in &report.contracts {
        let mark = if c.passed() { "PASS" } else { "FAIL" };
        let id = c.schema_id.map(|i| format!(", schema id {i}")).unwrap_or_default();
        writeln!(
            out,
            "{mark} {} ({}, producer {}, subject {}{id}, {} produced, {} ms)",
            c.topic, c.file, c.producer, c.subject, c.produced, c.duration_ms
        )?;
        for f in &c.failures {
            writeln!(out, "       {}", describe(c, None, f))?;
        }
        for consumer in &c.consumers {
            let mark = if consumer.passed() { "pass" } else { "FAIL" };
            writeln!(
                out,
                "  {mark} {} — {} message(s) verified with {}",
                consumer.name, consumer.messages, consumer.schema
            )?;
            for f in &consumer.failures {
                writeln!(out, "       {}", describe(c, Some(&consumer.name), f))?;
            }
        }
    }
    let s = &report.summary;
    writeln!(
        out,
        "\n{} contract(s), {} failed; {} consumer(s), {} failed; {} message(s) produced, {} verified \
         ({:.0}/s); Kafka start {:.1} s, produce {:.1} s, verify {:.1} s, total {:.1} s",
        s.contracts,
        s.contracts_failed,
        s.consumers,
        s.consumers_failed,
        s.messages_produced,
        s.messages_verified,
        s.verified_per_second,
        s.kafka_startup_ms as f64 / 1000.0,
        s.produce_ms as f64 / 1000.0,
        s.verify_ms as f64 / 1000.0,
        s.total_ms as f64 / 1000.0
    )
}

/// JSON: the report as is.
pub fn json(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
    writeln!(out)
}

fn case(out: &mut dyn Write, class: &str, name: &str, ms: u128, failures: &[String]) -> io::Result<()> {
    let time = ms as f64 / 1000.0;
    if failures.is_empty() {
        return writeln!(
            out,
            r#"    <testcase classname="{}" name="{}" time="{time:.3}"/>"#,
            escape(class),
            escape(name)
        );
    }
    writeln!(out, r#"    <testcase classname="{}" name="{}" time="{time:.3}">"#, escape(class), escape(name))?;
    writeln!(
        out,
        r#"      <failure message="{}" type="contract">{}</failure>"#,
        escape(&failures[0]),
        escape(&failures.join("\n"))
    )?;
    writeln!(out, "    </testcase>")
}

fn cases(c: &ContractResult) -> usize {
    1 + c.consumers.len()
}

/// JUnit XML: a test suite per contract, a test case for the producer and one per consumer.
pub fn junit(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let tests: usize = report.contracts.iter().map(cases).sum();
    let failures = report
        .contracts
        .iter()
        .map(|c| usize::from(!c.failures.is_empty()) + c.consumers.iter().filter(|x| !x.passed()).count())
        .sum::<usize>();
    let time = report.summary.total_ms as f64 / 1000.0;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="schemagate contract test" tests="{tests}" failures="{failures}" errors="0" time="{time:.3}">"#
    )?;
    for c in &report.contracts {
        let failed = usize::from(!c.failures.is_empty()) + c.consumers.iter().filter(|x| !x.passed()).count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{failed}" errors="0" skipped="0" time="{:.3}">"#,
            escape(&c.topic),
            cases(c),
            c.duration_ms as f64 / 1000.0
        )?;
        let producer: Vec<String> = c.failures.iter().map(|f| describe(c, None, f)).collect();
        case(out, &c.topic, &format!("producer {}", c.producer), 0, &producer)?;
        for consumer in &c.consumers {
            let reasons: Vec<String> = consumer.failures.iter().map(|f| describe(c, Some(&consumer.name), f)).collect();
            case(out, &c.topic, &format!("consumer {}", consumer.name), consumer.duration_ms, &reasons)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
