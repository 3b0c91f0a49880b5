//! Findings and reports, shared by every format and every renderer.

use std::sync::Arc;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Informational change, never fails a gate by default.
    Info,
    /// A change that may break some consumers.
    Warning,
    /// A breaking change.
    Error,
}

impl Level {
    /// Lower-case name as written in reports and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// A span in a source file: 1-based lines and columns, end exclusive.
/// All zeros means "no location" (for example a deleted file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Location {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Location {
    /// The "no location" value.
    pub const NONE: Location = Location { start_line: 0, start_column: 0, end_line: 0, end_column: 0 };

    /// True when this is the "no location" value.
    pub fn is_none(&self) -> bool {
        self.start_line == 0
    }
}

/// One detected change, in the shape every renderer understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `FIELD_NO_DELETE`.
    pub rule: String,
    pub level: Level,
    /// Path of the file relative to the input root (empty when the element has no file).
    pub path: String,
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
    /// HTTP method of the API operation the finding is about (OpenAPI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// API path of that operation, as written in the spec (OpenAPI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_path: Option<String>,
    /// For a change inside a shared element (an OpenAPI component reached through `$ref`): every
    /// operation that reaches it, the first of which is `method`/`api_path`. The change is
    /// reported once, not once per use.
    /// Shared by the findings of one component (a changed component may reach hundreds of
    /// operations, for thousands of findings).
    #[serde(skip_serializing_if = "no_uses")]
    pub uses: Arc<[ApiUse]>,
}

fn no_uses(uses: &Arc<[ApiUse]>) -> bool {
    uses.is_empty()
}

/// One operation that reaches a shared element, and how.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ApiUse {
    pub method: String,
    pub api_path: String,
    /// Where in the operation the element is used, e.g. `200 application/json: data[]/customer`.
    pub via: String,
}

impl Finding {
    /// A finding without API context.
    pub fn new(
        rule: impl Into<String>,
        level: Level,
        path: impl Into<String>,
        location: Location,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: rule.into(),
            level,
            path: path.into(),
            location,
            message: message.into(),
            method: None,
            api_path: None,
            uses: Arc::default(),
        }
    }

    /// The operation a finding is about, `METHOD /path`, with the count of further operations
    /// that reach the same shared element (`GET /a (+3 more)`); `None` without API context.
    pub fn endpoint_label(&self) -> Option<String> {
        let path = self.api_path.as_ref()?;
        let base = match &self.method {
            Some(m) => format!("{m} {path}"),
            None => path.clone(),
        };
        Some(match self.uses.len() {
            0 | 1 => base,
            n => format!("{base} (+{} more)", n - 1),
        })
    }

    /// Sort key: path, position, rule, message.
    pub fn sort_key(&self) -> (&str, Location, &str, &str) {
        (&self.path, self.location, &self.rule, &self.message)
    }
}

/// Counts shown at the end of every report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Number of files compared in the current input.
    pub files_checked: usize,
}

/// The outcome of one check: findings sorted, plus a summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

impl Report {
    /// Builds a report, sorting and de-duplicating findings.
    pub fn new(mut findings: Vec<Finding>, files_checked: usize) -> Report {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        findings.dedup();
        let count = |level| findings.iter().filter(|f| f.level == level).count();
        let summary = Summary {
            errors: count(Level::Error),
            warnings: count(Level::Warning),
            infos: count(Level::Info),
            files_checked,
        };
        Report { findings, summary }
    }

    /// True when some finding is at or above `level`.
    pub fn has_at_least(&self, level: Level) -> bool {
        self.findings.iter().any(|f| f.level >= level)
    }
}
