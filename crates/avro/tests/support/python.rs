//! Apache Avro's Python implementation as the reference: one `python3` process answers every
//! reader/writer pair of a test run, one JSON line in, one verdict line out.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

/// A schema as the oracle receives it: its JSON and the JSON of the named types it references.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchemaText {
    pub schema: String,
    pub references: Vec<(String, String)>,
}

impl SchemaText {
    pub fn plain(schema: impl Into<String>) -> SchemaText {
        SchemaText { schema: schema.into(), references: vec![] }
    }
}

/// Python avro's answer for one pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Compatible,
    Incompatible,
    /// Python could not parse or check the pair (the message says why).
    Error(String),
}

const ORACLE: &str = r#"
import json, sys
try:
    import avro
    import avro.compatibility as compat
    import avro.name
    import avro.schema
except ImportError as e:
    print("NO_AVRO " + str(e), flush=True)
    sys.exit(3)

def load(spec):
    names = avro.name.Names()
    for ref in spec["references"]:
        avro.schema.make_avsc_object(json.loads(ref), names)
    return avro.schema.make_avsc_object(json.loads(spec["schema"]), names)

print("avro " + getattr(avro, "__version__", "unknown"), flush=True)
for line in sys.stdin:
    pair = json.loads(line)
    try:
        reader = load(pair["reader"])
        writer = load(pair["writer"])
        result = compat.ReaderWriterCompatibilityChecker().get_compatibility(reader, writer)
        if result.compatibility is compat.SchemaCompatibilityType.compatible:
            print("compatible")
        elif result.compatibility is compat.SchemaCompatibilityType.incompatible:
            print("incompatible")
        else:
            print("error unexpected result " + str(result.compatibility))
    except Exception as e:
        print("error " + repr(e).replace("\n", " "))
    sys.stdout.flush()
"#;

const INSTALL_HINT: &str = "the differential test needs Python 3 with Apache Avro's `avro` package: run `pip install avro` \
     (scripts/test.sh installs it)";

fn spec(text: &SchemaText) -> Value {
    let references: Vec<&str> = text.references.iter().map(|(_, s)| s.as_str()).collect();
    json!({ "schema": text.schema, "references": references })
}

/// Asks Python avro for the verdict of each `(reader, writer)` pair. Returns the avro version
/// and one verdict per pair. Panics with an install hint when python3 or avro is missing.
pub fn verdicts(pairs: &[(SchemaText, SchemaText)]) -> (String, Vec<Verdict>) {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(ORACLE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}): {INSTALL_HINT}"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let lines: Vec<String> = pairs
        .iter()
        .map(|(reader, writer)| json!({ "reader": spec(reader), "writer": spec(writer) }).to_string())
        .collect();
    // Write from another thread so a full stdout pipe cannot deadlock us.
    let writer = std::thread::spawn(move || {
        for line in lines {
            if writeln!(stdin, "{line}").is_err() {
                break;
            }
        }
    });
    let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut answers = stdout.lines().map_while(Result::ok);
    let header = answers.next().unwrap_or_default();
    if let Some(missing) = header.strip_prefix("NO_AVRO") {
        panic!("Python avro is not installed ({}): {INSTALL_HINT}", missing.trim());
    }
    let version =
        header.strip_prefix("avro ").unwrap_or_else(|| panic!("unexpected oracle output {header:?}: {INSTALL_HINT}"));
    let verdicts: Vec<Verdict> = answers
        .map(|line| match line.as_str() {
            "compatible" => Verdict::Compatible,
            "incompatible" => Verdict::Incompatible,
            other => Verdict::Error(other.trim_start_matches("error ").to_string()),
        })
        .collect();
    writer.join().expect("writing to python3");
    let status = child.wait().expect("waiting for python3");
    assert!(status.success(), "python3 oracle failed ({status}): {INSTALL_HINT}");
    assert_eq!(verdicts.len(), pairs.len(), "python3 oracle answered {} of {} pairs", verdicts.len(), pairs.len());
    (version.to_string(), verdicts)
}
