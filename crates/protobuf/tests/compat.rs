//! Confluent-parity Protobuf compatibility: our own case table (order/payment events), the
//! Schema Registry levels, and Confluent's own cases when the shared corpus is present.

use std::path::Path;

use schemagate_core::compat::{CompatEngine, CompatLevel, check_level};
use schemagate_core::{InputSpec, SourceSet};
use schemagate_protobuf::compat::{CompatSchema, ProtobufEngine, differences};

fn schema(dir: &Path, main: &str, deps: &[(&str, &str)]) -> CompatSchema {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in deps {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::write(dir.join("schema.proto"), main).unwrap();
    let set = SourceSet::load(&InputSpec::Path(dir.join("schema.proto")), &schemagate_protobuf::is_proto, &[]).unwrap();
    schemagate_protobuf::load_compat_schema(&set).unwrap()
}

struct Case {
    name: &'static str,
    original: &'static str,
    update: &'static str,
    compatible: bool,
    changes: &'static [&'static str],
}

const HEAD: &str = "syntax = \"proto3\";\npackage acme.orders.v1;\n";

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "add a field",
            original: "message OrderPlaced { string order_id = 1; }",
            update: "message OrderPlaced { string order_id = 1; int64 total_minor = 2; }",
            compatible: true,
            changes: &["FIELD_ADDED #/OrderPlaced/2"],
        },
        Case {
            name: "remove a field",
            original: "message OrderPlaced { string order_id = 1; string note = 2; }",
            update: "message OrderPlaced { string order_id = 1; }",
            compatible: true,
            changes: &["FIELD_REMOVED #/OrderPlaced/2"],
        },
        Case {
            name: "rename a field",
            original: "message OrderPlaced { string note = 2; }",
            update: "message OrderPlaced { string comment = 2; }",
            compatible: true,
            changes: &["FIELD_NAME_CHANGED #/OrderPlaced/2"],
        },
        Case {
            name: "int32 to int64 stays in its group",
            original: "message Line { int32 quantity = 1; }",
            update: "message Line { int64 quantity = 1; }",
            compatible: true,
            changes: &[],
        },
        Case {
            name: "int32 to sint32 changes group",
            original: "message Line { int32 quantity = 1; }",
            update: "message Line { sint32 quantity = 1; }",
            compatible: false,
            changes: &["FIELD_SCALAR_KIND_CHANGED #/Line/1"],
        },
        Case {
            name: "string to bytes",
            original: "message Blob { string data = 1; }",
            update: "message Blob { bytes data = 1; }",
            compatible: true,
            changes: &[],
        },
        Case {
            name: "scalar to message",
            original: "message Order { string total = 1; }\nmessage Money { int64 units = 1; }",
            update: "message Order { Money total = 1; }\nmessage Money { int64 units = 1; }",
            compatible: false,
            changes: &["FIELD_KIND_CHANGED #/Order/1"],
        },
        Case {
            name: "enum is a number",
            original: "message Order { int32 status = 1; }",
            update: "message Order { Status status = 1; }\nenum Status { STATUS_UNSPECIFIED = 0; }",
            compatible: true,
            changes: &["ENUM_ADDED #/Status"],
        },
        Case {
            name: "repeated number",
            original: "message Order { int32 codes = 1; }",
            update: "message Order { repeated int32 codes = 1; }",
            compatible: true,
            changes: &[],
        },
        Case {
            name: "optional to repeated number",
            original: "message Order { optional int32 codes = 1; }",
            update: "message Order { repeated int32 codes = 1; }",
            compatible: false,
            changes: &["FIELD_NUMERIC_LABEL_CHANGED #/Order/1"],
        },
        Case {
            name: "optional to repeated string",
            original: "message Order { optional string tags = 1; }",
            update: "message Order { repeated string tags = 1; }",
            compatible: true,
            changes: &["FIELD_STRING_OR_BYTES_LABEL_CHANGED #/Order/1"],
        },
        Case {
            name: "remove a message",
            original: "message A {}\nmessage B {}",
            update: "message A {}",
            compatible: false,
            changes: &["MESSAGE_REMOVED #/B"],
        },
        Case {
            name: "reorder messages",
            original: "message A {}\nmessage B {}",
            update: "message B {}\nmessage A {}",
            compatible: true,
            changes: &["MESSAGE_MOVED #/A", "MESSAGE_MOVED #/B"],
        },
        Case {
            name: "change a message type",
            original: "message A { B b = 1; }\nmessage B {}\nmessage C {}",
            update: "message A { C b = 1; }\nmessage B {}\nmessage C {}",
            compatible: false,
            changes: &["FIELD_NAMED_TYPE_CHANGED #/A/1"],
        },
        Case {
            name: "two fields into one new oneof",
            original: "message P { string card = 1; string iban = 2; }",
            update: "message P { oneof instrument { string card = 1; string iban = 2; } }",
            compatible: false,
            changes: &["MULTIPLE_FIELDS_MOVED_TO_ONEOF #/P/instrument", "ONEOF_ADDED #/P/instrument"],
        },
        Case {
            name: "one field into a new oneof",
            original: "message P { string card = 1; }",
            update: "message P { oneof instrument { string card = 1; string iban = 2; } }",
            compatible: true,
            changes: &["ONEOF_ADDED #/P/instrument", "ONEOF_FIELD_ADDED #/P/instrument/2"],
        },
        Case {
            name: "drop a oneof member",
            original: "message P { oneof i { string card = 1; string iban = 2; } }",
            update: "message P { oneof i { string card = 1; } }",
            compatible: false,
            changes: &["ONEOF_FIELD_REMOVED #/P/i/2"],
        },
        Case {
            name: "delete a whole oneof",
            original: "message P { string id = 3; oneof i { string card = 1; string iban = 2; } }",
            update: "message P { string id = 3; }",
            compatible: true,
            changes: &["ONEOF_REMOVED #/P/i"],
        },
        Case {
            name: "move out of a oneof",
            original: "message P { oneof i { string card = 1; string iban = 2; } }",
            update: "message P { string card = 1; oneof i { string iban = 2; } }",
            compatible: true,
            changes: &["ONEOF_FIELD_MOVED_TO_TOP_LEVEL #/P/1"],
        },
        Case {
            name: "enum constant renamed",
            original: "enum Status { STATUS_UNSPECIFIED = 0; STATUS_OPEN = 1; }",
            update: "enum Status { STATUS_UNSPECIFIED = 0; STATUS_ACTIVE = 1; }",
            compatible: true,
            changes: &["ENUM_CONST_CHANGED #/Status/1"],
        },
        Case {
            name: "map value type",
            original: "message M { map<string, int32> counts = 1; }",
            update: "message M { map<string, string> counts = 1; }",
            compatible: false,
            changes: &["FIELD_SCALAR_KIND_CHANGED #/M/1"],
        },
        Case {
            name: "nested message field",
            original: "message Outer { message Inner { int32 a = 1; } Inner inner = 1; }",
            update: "message Outer { message Inner { int32 a = 1; string b = 2; } Inner inner = 1; }",
            compatible: true,
            changes: &["FIELD_ADDED #/Outer/Inner/2"],
        },
    ]
}

fn render(diffs: &[schemagate_protobuf::compat::Difference]) -> Vec<String> {
    let mut v: Vec<String> = diffs.iter().map(|d| format!("{} {}", d.kind, d.path)).collect();
    v.sort();
    v
}

#[test]
fn case_table() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, case) in cases().iter().enumerate() {
        let original = schema(&tmp.path().join(format!("{i}/o")), &format!("{HEAD}{}", case.original), &[]);
        let update = schema(&tmp.path().join(format!("{i}/u")), &format!("{HEAD}{}", case.update), &[]);
        let verdict = ProtobufEngine.backward(&original, &update).is_empty();
        assert_eq!(verdict, case.compatible, "{}: {:?}", case.name, render(&differences(&original, &update)));
        let mut want: Vec<String> = case.changes.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(render(&differences(&original, &update)), want, "{}", case.name);
    }
}

#[test]
fn package_change_is_reported_at_the_root() {
    // Confluent's SchemaDiff records PACKAGE_CHANGED and does not list it as compatible.
    let tmp = tempfile::tempdir().unwrap();
    let original = schema(&tmp.path().join("o"), "syntax = \"proto3\";\npackage acme.orders.v1;\nmessage A {}\n", &[]);
    let update = schema(&tmp.path().join("u"), "syntax = \"proto3\";\npackage acme.orders.v2;\nmessage A {}\n", &[]);
    assert_eq!(render(&differences(&original, &update)), ["PACKAGE_CHANGED #/"]);
    assert!(!ProtobufEngine.backward(&original, &update).is_empty());
}

#[test]
fn imported_types_are_compared_through_their_references() {
    let tmp = tempfile::tempdir().unwrap();
    let main = "syntax = \"proto3\";\npackage acme.orders.v1;\nimport \"acme/common/money.proto\";\nmessage Order { acme.common.Money total = 1; }\n";
    let money = |t: &str| format!("syntax = \"proto3\";\npackage acme.common;\nmessage Money {{ {t} units = 1; }}\n");
    let original = schema(&tmp.path().join("o"), main, &[("acme/common/money.proto", &money("int64"))]);
    let same = schema(&tmp.path().join("s"), main, &[("acme/common/money.proto", &money("uint64"))]);
    let changed = schema(&tmp.path().join("c"), main, &[("acme/common/money.proto", &money("double"))]);
    assert!(ProtobufEngine.backward(&original, &same).is_empty());
    let found = render(&differences(&original, &changed));
    assert_eq!(found, ["FIELD_NAMED_TYPE_CHANGED #/Order/1", "FIELD_SCALAR_KIND_CHANGED #/Money/1"]);
}

#[test]
fn levels_apply_confluents_directions() {
    let tmp = tempfile::tempdir().unwrap();
    let v1 = schema(&tmp.path().join("1"), &format!("{HEAD}message A {{ int32 x = 1; }}"), &[]);
    let v2 = schema(&tmp.path().join("2"), &format!("{HEAD}message A {{ int32 x = 1; }}\nmessage B {{}}"), &[]);
    let v3 = schema(&tmp.path().join("3"), &format!("{HEAD}message A {{ int32 x = 1; }}"), &[]);
    // Adding B is backward compatible; removing it again is not (a reader of v3 ...
    assert!(check_level(&ProtobufEngine, CompatLevel::Backward, &v2, std::slice::from_ref(&v1)).compatible);
    assert!(!check_level(&ProtobufEngine, CompatLevel::Backward, &v3, std::slice::from_ref(&v2)).compatible);
    // ... and FORWARD is the mirror image.
    assert!(!check_level(&ProtobufEngine, CompatLevel::Forward, &v2, std::slice::from_ref(&v1)).compatible);
    assert!(!check_level(&ProtobufEngine, CompatLevel::Full, &v2, std::slice::from_ref(&v1)).compatible);
    // Transitive levels look at every earlier version.
    let history = [v1.clone(), v2.clone()];
    assert!(check_level(&ProtobufEngine, CompatLevel::BackwardTransitive, &v3, &history[..1]).compatible);
    assert!(!check_level(&ProtobufEngine, CompatLevel::BackwardTransitive, &v3, &history).compatible);
}

/// Confluent's own cases (protobuf-provider test resources), when the shared corpus is here.
#[test]
fn confluent_cases_all_agree() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/confluent/protobuf.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("shared Confluent corpus not found; skipping");
        return;
    };
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut disagreements = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let side = |name: &str| {
            let deps: Vec<(String, String)> = c[format!("{name}_dependencies")]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|d| {
                            (d["name"].as_str().unwrap().to_string(), d["dependency"].as_str().unwrap().to_string())
                        })
                        .collect()
                })
                .unwrap_or_default();
            let deps: Vec<(&str, &str)> = deps.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            schema(&tmp.path().join(format!("{i}/{name}")), c[format!("{name}_schema")].as_str().unwrap(), &deps)
        };
        let (original, update) = (side("original"), side("update"));
        let compatible = ProtobufEngine.backward(&original, &update).is_empty();
        if compatible != c["compatible"].as_bool().unwrap() {
            disagreements.push(c["description"].as_str().unwrap().to_string());
        }
    }
    eprintln!("Confluent protobuf cases: {} of {} agree", cases.len() - disagreements.len(), cases.len());
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
