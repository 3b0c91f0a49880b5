//! The example orders API (schemas/openapi/orders.yaml) against a v2 with one change of each
//! common kind: the findings, their levels and their locations are snapshotted. A change in a
//! shared component is reported once, with every operation that reaches it.

use std::path::Path;

use schemagate_openapi::{DiskFetch, diff, load};

#[test]
fn orders_v1_to_v2() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let old = load(&DiskFetch, &root.join("../../schemas/openapi/orders.yaml").display().to_string()).unwrap();
    let new = load(&DiskFetch, &root.join("fixtures/orders-v2.yaml").display().to_string()).unwrap();
    let options = diff::Options { today: diff::parse_date("2026-11-25").unwrap(), ..diff::Options::default() };
    let mut findings = diff::diff(&old, &new, &options);
    findings.sort_by(|a, b| {
        (a.rule.as_str(), a.api_path.as_deref(), &a.message).cmp(&(b.rule.as_str(), b.api_path.as_deref(), &b.message))
    });
    let text: Vec<String> = findings
        .iter()
        .map(|f| {
            let file = Path::new(&f.path).file_name().unwrap().to_string_lossy().to_string();
            let uses: Vec<String> =
                f.uses.iter().map(|u| format!("\n    used by {} {} ({})", u.method, u.api_path, u.via)).collect();
            format!(
                "{} {} {}:{}:{} [{} {}] {}{}",
                f.level.as_str(),
                f.rule,
                file,
                f.location.start_line,
                f.location.start_column,
                f.method.as_deref().unwrap_or("-"),
                f.api_path.as_deref().unwrap_or("-"),
                f.message,
                uses.concat()
            )
        })
        .collect();
    insta::assert_snapshot!(text.join("\n"));
}
