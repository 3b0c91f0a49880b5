//! The review as a pull-request comment: verdict, counts, next steps, then each finding with
//! its blast radius. GitHub refuses comments over 65,536 characters, so findings that do not fit
//! are cut with a note pointing at the full HTML review (the CI artifact).

use std::fmt::Write as _;
use std::io::{self, Write};

use schemagate_core::{Finding, Level};

use super::{Impact, Review, fails, next_steps};

/// GitHub's maximum comment body, in characters.
pub const COMMENT_LIMIT: usize = 65_536;
/// The first line of every comment, so a CI step can find and update its earlier comment.
pub const MARKER: &str = "<!-- schemagate-review -->";

/// Writes the comment, at most `limit` characters long.
pub fn render_markdown(review: &Review, limit: usize, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(comment(review, limit).as_bytes())
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ").replace('<', "&lt;")
}

fn place(f: &Finding) -> String {
    if f.location.is_none() { f.path.clone() } else { format!("{}:{}", f.path, f.location.start_line) }
}

fn comment(review: &Review, limit: usize) -> String {
    let s = &review.report.summary;
    let mut head = String::new();
    let _ = writeln!(head, "{MARKER}");
    let verdict = if fails(review) { "❌ the gate fails" } else { "✅ the gate passes" };
    let _ = writeln!(head, "## schemagate review: {verdict}\n");
    let _ = writeln!(head, "Against `{}`.\n", review.baseline.replace('`', "'"));
    let _ = writeln!(head, "| errors | warnings | info | files checked | changed schema files |");
    let _ = writeln!(head, "| ---: | ---: | ---: | ---: | ---: |");
    let _ = writeln!(
        head,
        "| {} | {} | {} | {} | {} |\n",
        s.errors,
        s.warnings,
        s.infos,
        s.files_checked,
        review.files.len()
    );
    let _ = writeln!(head, "**What to do next**\n");
    for (n, step) in next_steps(review).iter().enumerate() {
        let _ = writeln!(head, "{}. {step}", n + 1);
    }
    head.push('\n');

    let mut sections: Vec<String> = Vec::new();
    let ranked: Vec<(&Finding, Impact)> = {
        let mut v: Vec<(&Finding, Impact)> = review
            .report
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| (f, review.impacts.get(i).cloned().unwrap_or_default()))
            .collect();
        v.sort_by_key(|(f, _)| std::cmp::Reverse(f.level));
        v
    };
    let mut current_level = None;
    for (f, impact) in &ranked {
        let mut sec = String::new();
        if current_level != Some(f.level) {
            let title = match f.level {
                Level::Error => "### Breaking changes and who they hit",
                Level::Warning => "### Warnings",
                Level::Info => "### Information",
            };
            let gap = if current_level.is_some() { "\n" } else { "" };
            let _ = writeln!(sec, "{gap}{title}\n");
            current_level = Some(f.level);
        }
        finding_section(&mut sec, f, impact);
        sections.push(sec);
    }
    if review.report.findings.is_empty() {
        sections.push("No changes found.\n".into());
    }

    let artifact = review.artifact.as_deref().unwrap_or("the HTML review (`schemagate check --format html`)");
    let footer =
        format!("\n<sub>Side-by-side diffs with every finding inline: {}.</sub>\n", artifact.replace('\n', " "));
    if !review.notes.is_empty() {
        let mut notes = String::from("\n**Not covered by this review**\n\n");
        for n in &review.notes {
            let _ = writeln!(notes, "- {}", escape(n));
        }
        sections.push(notes);
    }
    let mut body = head;
    let budget = limit.saturating_sub(footer.chars().count() + 400);
    let mut used = body.chars().count();
    let mut shown = 0;
    for sec in &sections {
        let n = sec.chars().count();
        if used + n > budget {
            break;
        }
        body.push_str(sec);
        used += n;
        shown += 1;
    }
    if shown < sections.len() {
        let _ = write!(
            body,
            "\n> **Cut here:** {} more finding{} did not fit in a comment (GitHub's limit is {COMMENT_LIMIT} characters). \
             All findings and their blast radius are in {artifact}.\n",
            sections.len() - shown,
            if sections.len() - shown == 1 { "" } else { "s" },
        );
    }
    body.push_str(&footer);
    body
}

fn finding_section(sec: &mut String, f: &Finding, impact: &Impact) {
    let endpoint = f.endpoint_label().map(|e| format!(" `{e}`")).unwrap_or_default();
    let _ = writeln!(
        sec,
        "- **`{}`** ({}) `{}`{endpoint} — {}",
        f.rule,
        f.level.as_str(),
        escape(&place(f)),
        escape(&f.message)
    );
    if let Some(e) = &impact.element {
        let _ = writeln!(sec, "  - changed element: `{e}`");
    }
    for t in &impact.topics {
        let at = if t.field_paths.is_empty() {
            "the whole value".to_string()
        } else {
            t.field_paths.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
        };
        let readers: Vec<String> = t
            .consumers
            .iter()
            .filter(|c| !c.reads.is_empty())
            .map(|c| {
                format!("**{}** ({})", c.name, c.reads.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "))
            })
            .collect();
        let receivers: Vec<&str> = t.consumers.iter().filter(|c| c.reads.is_empty()).map(|c| c.name.as_str()).collect();
        let _ = write!(sec, "  - topic `{}` (`{}`, producer {}) at {at}", t.topic, t.contract, t.producer);
        if !readers.is_empty() {
            let _ = write!(sec, " — read by {}", readers.join(", "));
        }
        if !receivers.is_empty() {
            let _ = write!(sec, "; also received by {} (no declared read)", receivers.join(", "));
        }
        sec.push('\n');
    }
    if !impact.subjects.is_empty() {
        let _ = writeln!(
            sec,
            "  - registry subjects: {}",
            impact.subjects.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
        );
    }
    if !impact.operations.is_empty() && impact.operations.len() <= 10 {
        let _ = writeln!(
            sec,
            "  - API operations: {}",
            impact.operations.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
        );
    } else if impact.operations.len() > 10 {
        let _ = writeln!(
            sec,
            "  - API operations: {} (and {} more)",
            impact.operations[..10].iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "),
            impact.operations.len() - 10
        );
    }
}

#[cfg(test)]
mod tests {
    use schemagate_core::{Finding, Location, Report};

    use super::*;
    use crate::review::{ConsumerImpact, TopicImpact};

    fn review(n: usize) -> Review {
        let findings: Vec<Finding> = (0..n)
            .map(|i| {
                Finding::new(
                    "FIELD_NO_DELETE",
                    Level::Error,
                    format!("schemas/f{i:05}.proto"),
                    Location { start_line: 3, start_column: 1, end_line: 3, end_column: 9 },
                    "Previously present field \"7\" with name \"customer_note\" on message \"Order\" was deleted.",
                )
            })
            .collect();
        let impacts = (0..n)
            .map(|_| Impact {
                element: Some("acme.orders.v1.Order.customer_note".into()),
                topics: vec![TopicImpact {
                    contract: "contracts/orders.order-placed.yaml".into(),
                    topic: "orders.order-placed.v1".into(),
                    producer: "order-service".into(),
                    message: "acme.orders.v1.OrderPlaced".into(),
                    field_paths: vec!["order.customer_note".into()],
                    consumers: vec![ConsumerImpact {
                        name: "payment-service".into(),
                        reads: vec!["order.customer_note".into()],
                    }],
                }],
                subjects: vec!["orders.order-placed-value".into()],
                operations: vec![],
                old_line: None,
            })
            .collect();
        Review {
            report: Report::new(findings, n),
            baseline: "git:main".into(),
            impacts,
            artifact: Some("artifact `schemagate-review`".into()),
            ..Review::default()
        }
    }

    #[test]
    fn small_reports_are_whole() {
        let text = comment(&review(3), COMMENT_LIMIT);
        assert!(text.starts_with(MARKER));
        assert_eq!(text.matches("**`FIELD_NO_DELETE`**").count(), 3);
        assert!(text.contains("read by **payment-service** (`order.customer_note`)"));
        assert!(text.contains("registry subjects: `orders.order-placed-value`"));
        assert!(!text.contains("Cut here"));
    }

    #[test]
    fn large_reports_are_cut_under_the_limit_with_a_note() {
        let text = comment(&review(2000), COMMENT_LIMIT);
        assert!(text.chars().count() <= COMMENT_LIMIT, "{} chars", text.chars().count());
        assert!(text.contains("Cut here"));
        assert!(text.contains("artifact `schemagate-review`"));
        let shown = text.matches("**`FIELD_NO_DELETE`**").count();
        assert!(shown > 50 && shown < 2000, "{shown}");
        assert!(text.contains(&format!("{} more findings did not fit", 2000 - shown)));
    }
}
