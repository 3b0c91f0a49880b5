//! Shared by the rule tests: diff two spec texts, get the rule ids.

#![allow(dead_code)]

use schemagate_core::Finding;
use schemagate_openapi::{DiskFetch, diff, load};

/// The findings between two specs (YAML texts) with these options.
pub fn findings(old: &str, new: &str, options: &diff::Options) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("old.yaml"), dir.path().join("new.yaml"));
    std::fs::write(&a, old).unwrap();
    std::fs::write(&b, new).unwrap();
    let old = load(&DiskFetch, &a.display().to_string()).unwrap();
    let new = load(&DiskFetch, &b.display().to_string()).unwrap();
    diff::diff(&old, &new, options)
}

/// Rule ids found between two specs (YAML texts) with these options, sorted.
pub fn rules_with(old: &str, new: &str, options: &diff::Options) -> Vec<String> {
    let mut ids: Vec<String> = findings(old, new, options).into_iter().map(|f| f.rule).collect();
    ids.sort();
    ids
}
