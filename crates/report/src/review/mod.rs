//! The review report of `schemagate check --format html|markdown`: the gate's report plus what a
//! schema owner needs to decide on it — the old and new text of every changed schema file and,
//! for each finding, its consumer blast radius (contracts, topics, consuming services, registry
//! subjects). The model is filled by the CLI and the contract crate; the renderers here only
//! lay it out and know nothing about schema formats beyond a file's syntax for highlighting.

use schemagate_core::{Finding, Level, Report};

mod diff;
mod highlight;
mod html;
mod markdown;

pub use diff::{Row, RowKind, side_by_side};
pub use highlight::{Syntax, Token, TokenKind, tokenize};
pub use html::render_html;
pub use markdown::{COMMENT_LIMIT, render_markdown};

/// Everything a review renders.
#[derive(Debug, Clone, Default)]
pub struct Review {
    pub report: Report,
    /// The baseline as the user wrote it (`git::/marker`, a folder, `registry`).
    pub baseline: String,
    /// Findings at or above this level fail the gate.
    pub fail_level: Option<Level>,
    /// Changed schema files, in path order.
    pub files: Vec<ReviewFile>,
    /// One entry per finding of `report.findings`, same order.
    pub impacts: Vec<Impact>,
    /// Where the full HTML review is published (a CI artifact), named when the markdown is cut.
    pub artifact: Option<String>,
    /// What the review could not establish (a contract that did not load, no old text).
    pub notes: Vec<String>,
}

/// One schema file with its text at the baseline and now (`None`: absent there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewFile {
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl ReviewFile {
    /// The syntax used for highlighting, from the file name.
    pub fn syntax(&self) -> Syntax {
        Syntax::of_path(&self.path)
    }
}

/// Who is hurt by one finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Impact {
    /// The schema element the finding is about, e.g. `acme.orders.v1.LineItem.quantity`.
    pub element: Option<String>,
    /// Topics whose value schema reaches the element.
    pub topics: Vec<TopicImpact>,
    /// Registry subjects whose schema reaches the element.
    pub subjects: Vec<String>,
    /// API operations that reach the element (OpenAPI): `METHOD /path`.
    pub operations: Vec<String>,
    /// The element's line in the baseline's text when it is gone from the new one (a deleted
    /// field): the review shows the finding there, beside the removed line.
    pub old_line: Option<u32>,
}

impl Impact {
    /// Whether anything downstream is known to be affected.
    pub fn is_empty(&self) -> bool {
        self.topics.is_empty() && self.subjects.is_empty() && self.operations.is_empty()
    }

    /// Consumers that declare a read of the affected field, over every topic.
    pub fn reading_consumers(&self) -> impl Iterator<Item = (&TopicImpact, &ConsumerImpact)> {
        self.topics.iter().flat_map(|t| t.consumers.iter().filter(|c| !c.reads.is_empty()).map(move |c| (t, c)))
    }
}

/// A topic (one contract) whose messages carry the affected element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicImpact {
    /// The contract file, relative to the repository.
    pub contract: String,
    pub topic: String,
    pub producer: String,
    /// The value message of the topic (`acme.orders.v1.OrderPlaced`) or its schema file.
    pub message: String,
    /// Where the element sits in the topic's value (`order.items[].quantity`); empty when it is
    /// the whole value.
    pub field_paths: Vec<String>,
    /// Every consumer of the topic.
    pub consumers: Vec<ConsumerImpact>,
}

/// A consuming service of an affected topic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerImpact {
    pub name: String,
    /// The `fields:` paths of the consumer that touch the affected element (empty: it receives
    /// the messages but declares no read of the element).
    pub reads: Vec<String>,
}

/// The gate's verdict for a review.
pub fn fails(review: &Review) -> bool {
    review.report.has_at_least(review.fail_level.unwrap_or(Level::Error))
}

/// One line: what breaks for whom.
pub fn explanation(finding: &Finding, impact: &Impact) -> String {
    let who = {
        let readers: Vec<String> = impact.reading_consumers().map(|(_, c)| c.name.clone()).collect();
        let mut readers = readers;
        readers.sort();
        readers.dedup();
        if !readers.is_empty() {
            format!("{} read{} it", join_names(&readers), if readers.len() == 1 { "s" } else { "" })
        } else if !impact.topics.is_empty() {
            let topics: Vec<String> = impact.topics.iter().map(|t| t.topic.clone()).collect();
            format!("consumers of {} receive it (none declares a read)", join_names(&topics))
        } else if !impact.operations.is_empty() {
            format!("clients of {}", join_names(&impact.operations))
        } else if !impact.subjects.is_empty() {
            format!("registry subject {}", join_names(&impact.subjects))
        } else {
            "no known consumer (no contract or subject carries it)".to_string()
        }
    };
    let what = match finding.level {
        Level::Error => "breaks",
        Level::Warning => "may break",
        Level::Info if impact.is_empty() => return "Information: nothing breaks.".to_string(),
        Level::Info => "changes, without breaking,",
    };
    let element = impact.element.as_deref().map(|e| format!(" `{e}`")).unwrap_or_default();
    format!("This{element} {what} for: {who}.")
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] if names.len() <= 6 => format!("{} and {last}", first.join(", ")),
        _ => format!("{} and {} more", names[..3].join(", "), names.len() - 3),
    }
}

/// What the schema owner should do next, given the findings.
pub fn next_steps(review: &Review) -> Vec<String> {
    let mut steps = Vec::new();
    let errors: Vec<(&Finding, &Impact)> =
        review.report.findings.iter().zip(&review.impacts).filter(|(f, _)| f.level == Level::Error).collect();
    if errors.is_empty() {
        steps.push(if review.report.findings.is_empty() {
            "Nothing to do: no change breaks a consumer.".to_string()
        } else {
            "Nothing blocks the merge; read the warnings and notes below.".to_string()
        });
        return steps;
    }
    let mut topics: Vec<&str> = errors.iter().flat_map(|(_, i)| i.topics.iter().map(|t| t.topic.as_str())).collect();
    topics.sort();
    topics.dedup();
    let mut readers: Vec<&str> =
        errors.iter().flat_map(|(_, i)| i.reading_consumers().map(|(_, c)| c.name.as_str())).collect();
    readers.sort();
    readers.dedup();
    steps.push(
        "Make the change additive instead: add a new field (new number / new name) and deprecate the old one \
         (`[deprecated = true]`, `deprecated: true`) rather than removing, renaming or retyping it."
            .to_string(),
    );
    if !topics.is_empty() {
        let topics: Vec<String> = topics.iter().map(|t| format!("`{t}`")).collect();
        steps.push(format!(
            "If the change must stay: publish it as a new package version (e.g. `.v2`) on a new topic version \
             beside {}, and migrate the consumers before retiring the old one.",
            join_names(&topics)
        ));
    } else {
        steps.push("If the change must stay: publish it as a new package or API version beside the old one.".into());
    }
    if !readers.is_empty() {
        let readers: Vec<String> = readers.iter().map(|r| format!("**{r}**")).collect();
        steps.push(format!("Ask the consumers that read the changed fields before merging: {}.", join_names(&readers)));
    }
    steps
}
