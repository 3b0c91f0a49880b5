//! Real published specs: loads two versions of a spec and diffs them, reporting the time of
//! each step (best of N), the work done (schema pairs compared, shared component pairs) and the
//! findings. Run with `cargo bench -p schemagate-openapi --bench real_specs -- OLD NEW [runs]`;
//! without arguments it runs the Stripe and Twilio pairs of `../shared/corpora/real-specs`
//! when that folder exists (see bench/README.md for where the files come from).

use std::path::Path;
use std::time::Instant;

use schemagate_openapi::{DiskFetch, diff, load};

fn run(old_path: &str, new_path: &str, runs: usize) {
    let mut best = (f64::MAX, f64::MAX, f64::MAX);
    let mut summary = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        let old = load(&DiskFetch, old_path).unwrap_or_else(|e| panic!("{e}"));
        let t_old = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let new = load(&DiskFetch, new_path).unwrap_or_else(|e| panic!("{e}"));
        let t_new = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let (findings, stats) = diff::diff_with_stats(&old, &new, &diff::Options::default());
        let t_diff = t.elapsed().as_secs_f64();
        best = (best.0.min(t_old), best.1.min(t_new), best.2.min(t_diff));
        let uses: usize = findings.iter().map(|f| f.uses.len()).sum();
        summary = format!(
            "{} + {} schemas, {} + {} operations; {} schema pairs compared, {} shared pairs; {} findings ({} operation uses)",
            old.schemas.len(),
            new.schemas.len(),
            old.operations.len(),
            new.operations.len(),
            stats.comparisons,
            stats.shared_pairs,
            findings.len(),
            uses
        );
    }
    println!("{new_path} against {old_path}:");
    println!("  {summary}");
    println!("  load old {:.3} s, load new {:.3} s, diff {:.3} s (best of {runs})", best.0, best.1, best.2);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if args.len() >= 2 {
        let runs = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
        run(&args[0], &args[1], runs);
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/real-specs");
    if !root.is_dir() {
        println!("no real specs at {} (pass OLD NEW)", root.display());
        return;
    }
    for (old, new) in [("st-old.yaml", "st-new.yaml"), ("tw-old.json", "tw-new.json")] {
        let (old, new) = (root.join(old), root.join(new));
        run(&old.display().to_string(), &new.display().to_string(), 3);
    }
}
