//! What is reported: path filters, oasdiff-style ignore files and per-check level overrides.

use std::collections::HashMap;

use regex::Regex;
use schemagate_core::{ApiUse, Finding, Level};

/// Why a policy input was refused: core's positioned error, whose path is the file or the
/// command-line flag that gave it.
pub type PolicyError = schemagate_core::error::LoadError;

/// Filters and overrides applied to the findings of a diff.
#[derive(Debug, Default)]
pub struct Policy {
    /// Only report endpoints whose path matches.
    pub match_path: Option<Regex>,
    /// Do not report endpoints whose path matches.
    pub exclude_path: Option<Regex>,
    /// Ignore-file lines per level (lower-cased), oasdiff's format.
    pub ignore: Vec<(Option<Level>, String)>,
    /// Per-check level overrides; `None` suppresses the check.
    pub levels: HashMap<String, Option<Level>>,
}

impl Policy {
    /// Compiles a path regex given on the command line.
    pub fn path_regex(flag: &str, text: &str) -> Result<Regex, PolicyError> {
        Regex::new(text).map_err(|e| PolicyError::new(flag, 1, 1, format!("invalid regular expression: {e}")))
    }

    /// Adds an ignore file: one change per line, as oasdiff prints them
    /// (`GET /orders removed the success response with the status 200`) or with the check id
    /// in words (`get /health api path removed without deprecation`). `level` restricts the
    /// file to findings of that level (oasdiff's --err-ignore / --warn-ignore).
    pub fn add_ignore_file(&mut self, level: Option<Level>, text: &str) {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            self.ignore.push((level, line.to_lowercase()));
        }
    }

    /// Reads a severity-levels file: `check-id err|warn|info|none` per line.
    pub fn add_levels_file(&mut self, path: &str, text: &str) -> Result<(), PolicyError> {
        for (i, line) in text.lines().enumerate() {
            let line_no = i as u32 + 1;
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let mut parts = trimmed.split_whitespace();
            let (Some(id), Some(level), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(PolicyError::new(path, line_no, 1, "expected `<check-id> <err|warn|info|none>`"));
            };
            if crate::checks::level_of(id).is_none() {
                return Err(PolicyError::new(path, line_no, 1, format!("unknown check id `{id}`")));
            }
            let level = match level.to_ascii_lowercase().as_str() {
                "err" | "error" => Some(Level::Error),
                "warn" | "warning" => Some(Level::Warning),
                "info" => Some(Level::Info),
                "none" => None,
                other => {
                    let column = line.find(level).map(|c| c as u32 + 1).unwrap_or(1);
                    return Err(PolicyError::new(path, line_no, column, format!("unknown level `{other}`")));
                }
            };
            self.levels.insert(id.to_string(), level);
        }
        Ok(())
    }

    /// Whether an ignore line drops `f` as reported at `operation` (method, path).
    fn ignored(&self, f: &Finding, operation: Option<(&str, &str)>) -> bool {
        let operation = operation.map(|(m, p)| (m.to_lowercase(), p.to_lowercase()));
        let words = f.rule.replace('-', " ");
        let message = f.message.to_lowercase();
        // As in oasdiff: the line names the method, and its first token that starts with `/` is
        // exactly the endpoint's path (`/resource/newest` does not ignore `/resource/new`).
        let names_operation = |line: &str, (method, path): &(String, String)| {
            let mut tokens = line.split_whitespace();
            line.split_whitespace().any(|t| t == method) && tokens.find(|t| t.starts_with('/')) == Some(path.as_str())
        };
        self.ignore.iter().any(|(level, line)| {
            level.is_none_or(|l| l == f.level)
                && operation.as_ref().is_none_or(|op| names_operation(line, op))
                && (line.contains(&words) || line.contains(f.rule.as_str()) || line.contains(&message))
        })
    }

    fn path_selected(&self, path: &str) -> bool {
        !(self.match_path.as_ref().is_some_and(|r| !r.is_match(path))
            || self.exclude_path.as_ref().is_some_and(|r| r.is_match(path)))
    }

    /// Applies the overrides and filters. A change in a shared component is kept for those of
    /// the operations reaching it that the filters and ignore lines leave, and dropped when none
    /// is left.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| {
                if let Some(level) = self.levels.get(&f.rule) {
                    f.level = (*level)?;
                }
                if f.uses.is_empty() {
                    if f.api_path.as_deref().is_some_and(|p| !self.path_selected(p)) {
                        return None;
                    }
                    let operation = f.method.as_deref().zip(f.api_path.as_deref());
                    return (!self.ignored(&f, operation)).then_some(f);
                }
                let kept =
                    |u: &ApiUse| self.path_selected(&u.api_path) && !self.ignored(&f, Some((&u.method, &u.api_path)));
                if !f.uses.iter().all(kept) {
                    let uses: Vec<ApiUse> = f.uses.iter().filter(|u| kept(u)).cloned().collect();
                    let first = uses.first()?;
                    f.method = Some(first.method.clone());
                    f.api_path = Some(first.api_path.clone());
                    f.uses = uses.into();
                }
                Some(f)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use schemagate_core::Location;

    fn shared(rule: &str, uses: &[(&str, &str)]) -> Finding {
        let uses: Arc<[ApiUse]> = uses
            .iter()
            .map(|(m, p)| ApiUse { method: m.to_string(), api_path: p.to_string(), via: "200 application/json".into() })
            .collect();
        Finding { uses, ..finding(rule, Level::Warning, "GET", "/a", "response property `x` (in `X`) removed") }
    }

    #[test]
    fn shared_changes_keep_the_operations_the_filters_leave() {
        let rule = "response-optional-property-removed";
        let p = Policy { match_path: Some(Regex::new("^/orders").unwrap()), ..Policy::default() };
        let out = p.apply(vec![shared(rule, &[("GET", "/a"), ("GET", "/orders"), ("POST", "/orders")])]);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].method.as_deref(), out[0].api_path.as_deref()), (Some("GET"), Some("/orders")));
        assert_eq!(out[0].uses.len(), 2);
        assert!(p.apply(vec![shared(rule, &[("GET", "/a")])]).is_empty());

        let mut p = Policy::default();
        p.add_ignore_file(None, "GET /orders response optional property removed\n");
        let out = p.apply(vec![shared(rule, &[("GET", "/orders"), ("POST", "/orders")])]);
        assert_eq!(out[0].uses.len(), 1);
        assert_eq!(out[0].method.as_deref(), Some("POST"));
        assert!(p.apply(vec![shared(rule, &[("GET", "/orders")])]).is_empty());
    }

    fn finding(rule: &str, level: Level, method: &str, path: &str, message: &str) -> Finding {
        Finding {
            method: Some(method.into()),
            api_path: Some(path.into()),
            ..Finding::new(rule, level, "api.yaml", Location::NONE, message)
        }
    }

    #[test]
    fn ignore_lines_match_operation_and_check_words() {
        let mut p = Policy::default();
        p.add_ignore_file(Some(Level::Error), "GET /health api path removed without deprecation\n");
        let kept = p.apply(vec![
            finding("api-path-removed-without-deprecation", Level::Error, "GET", "/health", "path GET /health removed"),
            finding("api-path-removed-without-deprecation", Level::Error, "GET", "/orders", "path GET /orders removed"),
        ]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].api_path.as_deref(), Some("/orders"));
    }

    #[test]
    fn ignore_lines_name_the_path_exactly() {
        let mut p = Policy::default();
        p.add_ignore_file(Some(Level::Error), "GET /resource/newest api path removed without deprecation\n");
        let rule = "api-path-removed-without-deprecation";
        let kept = p.apply(vec![
            finding(rule, Level::Error, "GET", "/resource/new", "path GET /resource/new removed"),
            finding(rule, Level::Error, "GET", "/resource/newest", "path GET /resource/newest removed"),
            finding(rule, Level::Error, "POST", "/resource/newest", "path POST /resource/newest removed"),
        ]);
        let kept: Vec<_> = kept.iter().map(|f| (f.method.clone().unwrap(), f.api_path.clone().unwrap())).collect();
        assert_eq!(kept, [("GET".into(), "/resource/new".into()), ("POST".into(), "/resource/newest".into())]);
    }

    #[test]
    fn level_overrides_and_none() {
        let mut p = Policy::default();
        p.add_levels_file(
            "levels.txt",
            "api-security-removed warn\nrequest-parameter-enum-value-added err\nendpoint-added none\n",
        )
        .unwrap();
        let out = p.apply(vec![
            finding("request-parameter-enum-value-added", Level::Info, "GET", "/a", "x"),
            finding("endpoint-added", Level::Info, "GET", "/b", "y"),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].level, Level::Error);
        let err = p.add_levels_file("levels.txt", "\nno-such-check err\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
    }

    #[test]
    fn path_filters() {
        let p = Policy {
            match_path: Some(Regex::new("^/orders").unwrap()),
            exclude_path: Some(Regex::new("internal").unwrap()),
            ..Policy::default()
        };
        let out = p.apply(vec![
            finding("endpoint-added", Level::Info, "GET", "/orders/{id}", "a"),
            finding("endpoint-added", Level::Info, "GET", "/orders/internal", "b"),
            finding("endpoint-added", Level::Info, "GET", "/users", "c"),
        ]);
        assert_eq!(out.len(), 1);
    }
}
