//! Large-spec benchmark: scales the example orders API to thousands of operations (several MB
//! of YAML), changes a few things, and reports the time to parse both files, the time to diff
//! them, and the number of findings. Run with `cargo bench -p schemagate-openapi`.
//! Set SG_BENCH_COPIES to change the size (default 700 copies ≈ 3,500 operations).

use std::path::Path;
use std::time::Instant;

use schemagate_openapi::{DiskFetch, diff, load};

/// Builds a spec with `copies` renamed copies of every path and schema of the orders API.
fn scaled(source: &str, copies: usize, changed: bool) -> String {
    let paths_at = source.find("\npaths:\n").expect("paths") + 1;
    let components_at = source.find("\ncomponents:\n").expect("components") + 1;
    let schemas_at = source.find("\n  schemas:\n").expect("schemas") + 1;
    let head = &source[..paths_at];
    let paths = &source[paths_at + "paths:\n".len()..components_at];
    let security = &source[components_at..schemas_at];
    let schemas = &source[schemas_at + "  schemas:\n".len()..];
    let names = ["OrderStatus", "Money", "LineItem", "Order", "PlaceOrderRequest"];
    let rename = |text: &str, i: usize| {
        let mut t = text.replace("/orders", &format!("/orders{i}"));
        for n in names {
            t = t
                .replace(&format!("schemas/{n}\""), &format!("schemas/{n}{i}\""))
                .replace(&format!("    {n}:\n"), &format!("    {n}{i}:\n"));
        }
        t.replace("operationId: ", &format!("operationId: c{i}"))
    };
    let mut out = String::from(head);
    out.push_str("paths:\n");
    for i in 0..copies {
        out.push_str(&rename(paths, i));
    }
    out.push_str(security);
    out.push_str("  schemas:\n");
    for i in 0..copies {
        let mut s = rename(schemas, i);
        if changed && i % 50 == 0 {
            s = s
                .replace("maxLength: 500", "maxLength: 400")
                .replace("enum: [pending, confirmed, shipped, cancelled]", "enum: [pending, confirmed, shipped]");
        }
        out.push_str(&s);
    }
    out
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join("../../schemas/openapi/orders.yaml")).unwrap();
    let copies: usize = std::env::var("SG_BENCH_COPIES").ok().and_then(|v| v.parse().ok()).unwrap_or(700);
    let dir = tempfile::tempdir().unwrap();
    // SG_BENCH_OUT keeps the generated files (to time the CLI on them, e.g. with /usr/bin/time).
    let out = std::env::var("SG_BENCH_OUT").map(std::path::PathBuf::from).unwrap_or_else(|_| dir.path().to_path_buf());
    let (old_path, new_path) = (out.join("old.yaml"), out.join("new.yaml"));
    std::fs::write(&old_path, scaled(&source, copies, false)).unwrap();
    std::fs::write(&new_path, scaled(&source, copies, true)).unwrap();
    let size = std::fs::metadata(&new_path).unwrap().len();
    let (old_s, new_s) = (old_path.display().to_string(), new_path.display().to_string());
    let mut best = (f64::MAX, f64::MAX);
    let mut summary = String::new();
    for _ in 0..5 {
        let t = Instant::now();
        let old = load(&DiskFetch, &old_s).unwrap();
        let new = load(&DiskFetch, &new_s).unwrap();
        let parse = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let findings = diff::diff(&old, &new, &diff::Options::default());
        let compare = t.elapsed().as_secs_f64();
        best = (best.0.min(parse), best.1.min(compare));
        summary = format!("{} operations per spec, {} findings", new.operations.len(), findings.len());
    }
    println!("large spec: {:.1} MB per file, {summary}", size as f64 / 1e6);
    println!("parse both: {:.3} s (best of 5)", best.0);
    println!("diff:       {:.3} s (best of 5)", best.1);
    println!("total:      {:.3} s", best.0 + best.1);
}
