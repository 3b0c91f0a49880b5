//! Fuzzes the OpenAPI loader: YAML/JSON parsing, $ref resolution across two in-memory files,
//! and the diff of the result against itself. No input may panic or hang, and every error
//! must carry a file, a line and a column.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use schemagate_openapi::{Fetch, diff, load};

struct Memory(HashMap<String, Vec<u8>>);

impl Fetch for Memory {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, String> {
        self.0.get(path).cloned().ok_or_else(|| "no such file".to_string())
    }
}

fuzz_target!(|data: &[u8]| {
    // The input is `main.yaml` and, after a 0xFF separator, `other.yaml`.
    let mut parts = data.splitn(2, |b| *b == 0xFF);
    let main = parts.next().unwrap_or_default().to_vec();
    let other = parts.next().unwrap_or_default().to_vec();
    let files = Memory(HashMap::from([("main.yaml".to_string(), main), ("other.yaml".to_string(), other)]));
    match load(&files, "main.yaml") {
        Ok(spec) => {
            let _ = diff::diff(&spec, &spec, &diff::Options::default());
        }
        Err(e) => {
            assert!(!e.path.is_empty() && e.line >= 1 && e.column >= 1, "error without position: {e}");
        }
    }
});
