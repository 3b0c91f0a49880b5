//! Malformed input never panics: every fixture file is truncated at many points and has bytes
//! flipped (deterministic pseudo-random), and loading must return a value or an error with a
//! real position.

use std::path::Path;

use schemagate_core::{SourceFile, SourceSet};
use schemagate_protobuf as protobuf;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn proto_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            proto_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "proto") {
            out.push(p);
        }
    }
}

fn load_one(bytes: Vec<u8>) {
    let set = SourceSet {
        name: "fuzz".into(),
        files: vec![SourceFile { path: "x.proto".into(), bytes }],
        extras: vec![],
        single_file: None,
    };
    if let Err(e) = protobuf::load(&set) {
        assert!(e.line >= 1 && e.column >= 1, "error without position: {e}");
        assert!(e.path.starts_with("fuzz/"), "error without file: {e}");
    }
}

#[test]
fn truncated_and_corrupted_files_never_panic() {
    let mut files = Vec::new();
    proto_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"), &mut files);
    files.sort();
    let mut rng = Lcg(42);
    for path in files.iter().step_by(3) {
        let original = std::fs::read(path).unwrap();
        for cut in (0..original.len()).step_by(7) {
            load_one(original[..cut].to_vec());
        }
        for _ in 0..40 {
            let mut bytes = original.clone();
            for _ in 0..3 {
                let i = (rng.next() as usize) % bytes.len().max(1);
                let alphabet = b"{};=<>[]().,\"'/\\*-0x9azZ_\n\t\xff";
                if let Some(b) = bytes.get_mut(i) {
                    *b = alphabet[(rng.next() as usize) % alphabet.len()];
                }
            }
            load_one(bytes);
        }
    }
}

#[test]
fn pathological_inputs() {
    load_one(b"syntax = \"proto3\"; message A { ".repeat(2000).to_vec());
    load_one(vec![b'{'; 100_000]);
    load_one(b"syntax = \"proto2\"; message A { ".repeat(100_000).to_vec());
    load_one(b"syntax = \"proto2\"; message A { optional group G = 1 { ".repeat(50_000).to_vec());
    load_one(b"syntax = \"proto3\"; message A { int32 a = 99999999999999999999; }".to_vec());
    load_one(b"syntax = \"proto3\"; message A { int32 a = -9223372036854775808; }".to_vec());
    load_one(b"syntax = \"proto3\"; enum E { reserved 5 to 1; A = 0; }".to_vec());
    load_one(b"syntax = \"proto3\"; message A { A.B.C.D x = 1; }".to_vec());
    load_one(b"/* never closed".to_vec());
    load_one("syntax = \"proto3\"; // é\nmessage Ä {}".as_bytes().to_vec());
}
