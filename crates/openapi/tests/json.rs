//! The JSON parser: RFC 8259 strictness, positions equal to what the YAML parser gives for the
//! same text, and JSON specs through the loader (including Twilio's published spec, whose emoji
//! surrogate pairs the YAML parser refuses).

use std::path::Path;

use schemagate_openapi::yaml::{Node, Pos, Value};
use schemagate_openapi::{DiskFetch, diff, json, load, yaml};

fn pos(line: u32, column: u32) -> Pos {
    Pos { line, column }
}

/// Line, column and message of the JSON parser's error.
fn err(text: &str) -> (u32, u32, String) {
    let e = json::parse(text).unwrap_err();
    (e.pos.line, e.pos.column, e.message)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_surrogate_pair_is_one_character() {
    let doc = json::parse(r#"{"greeting": "Hello! \ud83d\udc4d", "upper": "\uD83D\uDC4D"}"#).unwrap();
    assert_eq!(doc.get("greeting").unwrap().str(), Some("Hello! 👍"));
    assert_eq!(doc.get("upper").unwrap().str(), Some("👍"));
}

#[test]
fn lone_surrogates_are_errors_at_the_escape() {
    let high = "lone UTF-16 surrogate \\ud83d (a high surrogate must be followed by a low one)";
    let low = "lone UTF-16 surrogate \\udc4d (a low surrogate must follow a high one)";
    assert_eq!(err("{\n  \"a\": \"x\\ud83d\"\n}"), (2, 10, high.to_string()));
    assert_eq!(err("{\n  \"a\": \"x\\udc4d\"\n}"), (2, 10, low.to_string()));
    // A high surrogate followed by an escape that is not a low surrogate.
    assert_eq!(err("[\"\\ud83d\\u0041\"]"), (1, 3, high.to_string()));
    assert_eq!(err("[\"\\ud83d\\ud83d\"]"), (1, 3, high.to_string()));
    // Mis-ordered: low then high.
    assert_eq!(err("[\"ab\\udc4d\\ud83d\"]"), (1, 5, low.to_string()));
    // As written, upper case kept; columns count the emoji before it as one character.
    let (line, column, message) = err("[\"👍\\uD83Dx\"]");
    assert_eq!((line, column), (1, 4));
    assert!(message.starts_with("lone UTF-16 surrogate \\uD83D "), "{message}");
}

#[test]
fn a_byte_order_mark_is_skipped_by_both_parsers() {
    let text = "\u{feff}{\"a\": 1}";
    let doc = json::parse(text).unwrap();
    assert_eq!(doc.pos, pos(1, 1));
    assert_eq!(doc.get("a").unwrap().key_pos, Some(pos(1, 2)));
    assert_eq!(yaml::parse(text).unwrap(), doc);
    let from_yaml = yaml::parse("\u{feff}a: 1\n").unwrap();
    assert_eq!(from_yaml.get("a").unwrap().key_pos, Some(pos(1, 1)));
    // Only at the start: anywhere else it is not whitespace.
    assert_eq!(err("{\"a\": \u{feff}1}").2, "byte order mark inside the document");
}

#[test]
fn crlf_and_cr_end_one_line_each() {
    for eol in ["\r\n", "\r", "\n"] {
        let text = ["{", "  \"a\": 1,", "  \"b\": [true,", "    null]", "}"].join(eol);
        let doc = json::parse(&text).unwrap();
        assert_eq!(doc.get("b").unwrap().key_pos, Some(pos(3, 3)), "{eol:?}");
        assert_eq!(doc.get("b").unwrap().items()[1].pos, pos(4, 5), "{eol:?}");
        assert_eq!(yaml::parse(&text).unwrap(), doc, "{eol:?}");
        let dup = ["{", "  \"a\": 1,", "  \"a\": 2", "}"].join(eol);
        assert_eq!(err(&dup), (3, 3, "duplicate key \"a\"".into()), "{eol:?}");
        assert_eq!(yaml::parse(&dup).unwrap_err().pos, pos(3, 3), "{eol:?}");
    }
    let yaml_crlf = yaml::parse("a: 1\r\nb:\r\n  c: 2\r\n").unwrap();
    assert_eq!(yaml_crlf.get("b").unwrap().get("c").unwrap().key_pos, Some(pos(3, 3)));
}

#[test]
fn a_crlf_spec_error_on_line_3_is_reported_on_line_3() {
    let tmp = tempfile::tempdir().unwrap();
    let path =
        write(tmp.path(), "api.json", "{\r\n  \"openapi\": \"3.0.3\",\r\n  \"info\": {\"title\": \"t\",},\r\n}\r\n");
    let e = load(&DiskFetch, &path).unwrap_err();
    assert_eq!((e.line, e.column), (3, 24), "{e}");
    assert!(e.message.starts_with("trailing comma"), "{e}");
}

#[test]
fn tabs_are_whitespace_and_one_column() {
    let text = "{\n\t\"a\": [1,\t2],\n\t\t\"b\": {}\n}";
    let doc = json::parse(text).unwrap();
    assert_eq!(doc.get("a").unwrap().key_pos, Some(pos(2, 2)));
    assert_eq!(doc.get("a").unwrap().items()[1].pos, pos(2, 11));
    assert_eq!(doc.get("b").unwrap().key_pos, Some(pos(3, 3)));
    assert_eq!(yaml::parse(text).unwrap(), doc);
    // A tab inside a string must be escaped.
    assert_eq!(err("[\"a\tb\"]"), (1, 4, "tab inside a string (write \\t)".into()));
}

/// Hand-written documents that saphyr also reads: both trees, positions included, are equal.
#[test]
fn positions_equal_the_yaml_parser() {
    let docs = [
        "{}",
        "[]",
        "\"just a string\"",
        "-12.5e3",
        r#"{"a": 1, "b": [1, 2.5, "x", null, true, false], "c": {"d": {}, "e": []}}"#,
        "{\n  \"openapi\": \"3.1.0\",\n  \"paths\": {\n    \"/a\": {\"get\": {\"responses\": {\"200\": {\"description\": \"ok\"}}}}\n  }\n}\n",
        "{\"é👍\": \"ü\", \"b\":\t[1,\t\"x\"], \"\\u00e9x\": \"a\\nb\\/c\"}",
        "  [\n    {\"k\": -0},\n    [[[\"deep\"]]],\n    \"日本語\", 3\n  ]\n",
        "\u{feff}{\r\n  \"a\": \"é\",\r\n  \"b\": 1E-5\r\n}",
        "{\"a\":1,\"b\":{\"c\":[1,2,{\"d\":null}]}}",
    ];
    for doc in docs {
        let from_json = json::parse(doc).unwrap();
        let from_yaml = yaml::parse(doc).unwrap_or_else(|e| panic!("saphyr refuses {doc:?}: {e}"));
        assert_eq!(from_json, from_yaml, "{doc:?}");
    }
}

/// Every JSON file of the shared corpora, compared with what saphyr reads. Saphyr refuses
/// surrogate pairs, so they are written out as the character itself (in both texts).
#[test]
fn corpus_json_files_give_the_same_tree_as_yaml() {
    let root = Path::new("/work/shared/corpora");
    if !root.is_dir() {
        println!("skipped: {} is not here", root.display());
        return;
    }
    let pair = regex::Regex::new(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}").unwrap();
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    let mut compared = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let text = pair.replace_all(&text, |c: &regex::Captures| {
            json::parse(&format!("\"{}\"", &c[0])).unwrap().str().unwrap().to_string()
        });
        let from_json = json::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match yaml::parse(&text) {
            Ok(from_yaml) => {
                assert!(from_json == from_yaml, "{}: the trees differ", path.display());
                compared += 1;
            }
            Err(e) => println!("{}: saphyr refuses it ({e}); not compared", path.display()),
        }
    }
    assert!(compared > 0, "no corpus JSON file compared");
}

#[test]
fn numbers_are_kept_as_written_and_overflow_is_refused() {
    let doc = json::parse("[-0, 1e-400, 12345678901234567890, 1.50]").unwrap();
    let numbers: Vec<(f64, &str)> = doc
        .items()
        .iter()
        .map(|n| match &n.value {
            Value::Number(v, t) => (*v, t.as_str()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(numbers[0].0 == 0.0 && numbers[0].0.is_sign_negative() && numbers[0].1 == "-0");
    assert_eq!(numbers[1], (0.0, "1e-400"));
    assert_eq!(numbers[2], (12345678901234567890.0, "12345678901234567890"));
    assert_eq!(numbers[3], (1.5, "1.50"));
    assert_eq!(err("{\"a\": 1e400}"), (1, 7, "number 1e400 is out of range (beyond ±1.8e308, a 64-bit float)".into()));
    assert!(err("[-1e400]").2.starts_with("number -1e400 is out of range"));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let arrays = "[".repeat(10_000);
    assert_eq!(err(&arrays), (1, 513, "nesting deeper than 512 levels".into()));
    let objects = "{\"a\": ".repeat(10_000);
    assert_eq!(err(&objects).2, "nesting deeper than 512 levels");
    // The limit itself is fine. (Saphyr stops flow collections earlier, at 256 levels.)
    let limit = format!("{}{}", "[".repeat(512), "]".repeat(512));
    assert!(json::parse(&limit).is_ok());
}

#[test]
fn duplicate_keys_are_errors_at_the_second_key() {
    let text = "{\"a\": {\"x\": 1,\n  \"x\": 2}}";
    assert_eq!(err(text), (2, 3, "duplicate key \"x\"".into()));
    assert_eq!(yaml::parse(text).unwrap_err(), json::parse(text).unwrap_err());
    // Same key in different objects is fine.
    assert!(json::parse("[{\"x\": 1}, {\"x\": 2}]").is_ok());
}

#[test]
fn non_json_is_refused_with_a_clear_message() {
    let cases = [
        ("{\"a\": 1} x", (1, 10), "unexpected `x`, expected the end of the document (a JSON text is one value)"),
        ("[1]\n]", (2, 1), "unexpected character ']', expected the end of the document (a JSON text is one value)"),
        ("[1, 2,\n]", (1, 6), "trailing comma before `]` (not allowed in JSON)"),
        ("{\"a\": 1, }", (1, 8), "trailing comma before `}` (not allowed in JSON)"),
        ("{\"a\": 1 // note\n}", (1, 9), "comments are not allowed in JSON"),
        ("/* c */ {}", (1, 1), "comments are not allowed in JSON"),
        ("{'a': 1}", (1, 2), "strings must be in double quotes (single quotes are not JSON)"),
        ("[NaN]", (1, 2), "NaN is not a JSON number (use null or a string)"),
        ("[-Infinity]", (1, 2), "-Infinity is not a JSON number (use null or a string)"),
        ("[True]", (1, 2), "unexpected `True` (JSON literals are lowercase: true, false, null)"),
        ("{a: 1}", (1, 2), "unexpected `a`, expected a key in double quotes (strings need double quotes)"),
        ("{\"a\" 1}", (1, 6), "unexpected `1`, expected `:` after the key"),
        ("[1 2]", (1, 4), "unexpected `2`, expected `,` or `]`"),
        ("[+1]", (1, 2), "a JSON number cannot start with `+`"),
        ("[.5]", (1, 2), "a JSON number cannot start with `.` (write 0.5, not .5)"),
        ("[\"a\nb\"]", (1, 4), "line break inside a string (JSON strings are one line; write \\n)"),
        ("[\"a\u{1}\"]", (1, 4), "control character U+0001 inside a string (write \\u0001)"),
        ("{\"a\": \"open", (1, 7), "unterminated string (no closing `\"`)"),
        ("", (1, 1), "empty document: expected a JSON value"),
        (" \n ", (2, 2), "empty document: expected a JSON value"),
        ("\u{a0}{}", (1, 1), "unexpected character '\\u{a0}', expected a value"),
    ];
    for (text, (line, column), message) in cases {
        assert_eq!(err(text), (line, column, message.to_string()), "{text:?}");
    }
}

const EMOJI_SPEC: &str = r##"{
  "openapi": "3.0.3",
  "info": {"title": "Reactions", "version": "1", "description": "Say \ud83d\udc4d"},
  "paths": {"/reactions": {"post": {
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reaction"}}}},
    "responses": {"204": {"description": "Noted \ud83d\udc4d"}}}}},
  "components": {"schemas": {"Reaction": {"type": "string", "enum": ["\ud83d\udc4d", "\ud83d\udc4e"]}}}
}
"##;

#[test]
fn a_json_spec_with_surrogate_pairs_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "api.json", EMOJI_SPEC);
    let spec = load(&DiskFetch, &path).unwrap();
    let reaction = spec.schema(spec.component_schemas["Reaction"]);
    assert_eq!(reaction.enum_values.as_deref(), Some(&["\"👍\"".to_string(), "\"👎\"".to_string()][..]));
    let tree = json::parse(EMOJI_SPEC).unwrap();
    assert_eq!(tree.get("info").unwrap().get("description").unwrap().str(), Some("Say 👍"));

    // Dropping one enum value is reported, with the character in the message.
    let narrowed = write(tmp.path(), "new.json", &EMOJI_SPEC.replace(r#", "\ud83d\udc4e""#, ""));
    let findings = diff::diff(&spec, &load(&DiskFetch, &narrowed).unwrap(), &diff::Options::default());
    assert!(findings.iter().any(|f| f.message.contains('👎')), "{findings:#?}");
}

#[test]
fn the_parser_is_chosen_by_extension_then_by_content() {
    let tmp = tempfile::tempdir().unwrap();
    // JSON text in a .yaml file: read as JSON, so the surrogate pairs are fine.
    assert!(load(&DiskFetch, &write(tmp.path(), "api.yaml", EMOJI_SPEC)).is_ok());
    // Upper-case extension is still JSON.
    assert!(load(&DiskFetch, &write(tmp.path(), "API.JSON", EMOJI_SPEC)).is_ok());
    // YAML flow style that is not JSON: YAML when the name does not say JSON...
    let flow = "{openapi: 3.0.3, info: {title: t, version: '1'}, paths: {}}\n";
    assert!(load(&DiskFetch, &write(tmp.path(), "flow.yaml", flow)).is_ok());
    // ...and a JSON error when it does.
    let e = load(&DiskFetch, &write(tmp.path(), "flow.json", flow)).unwrap_err();
    assert_eq!((e.line, e.column), (1, 2), "{e}");
    assert!(e.message.contains("expected a key in double quotes"), "{e}");
    // Neither JSON nor YAML, not named .json: the YAML error is reported.
    let e = load(&DiskFetch, &write(tmp.path(), "bad.yaml", "{\"openapi\": [1, \n")).unwrap_err();
    assert!(!e.message.contains("unexpected end of input"), "{e}");
}

fn node_count(node: &Node) -> usize {
    1 + node.items().iter().map(node_count).sum::<usize>()
        + node.entries().iter().map(|(_, v)| node_count(v)).sum::<usize>()
}

#[test]
fn twilio_specs_load() {
    let dir = Path::new("/work/shared/corpora/real-specs");
    if !dir.is_dir() {
        println!("skipped: {} is not here", dir.display());
        return;
    }
    for name in ["tw-new.json", "tw-old.json"] {
        let path = dir.join(name).display().to_string();
        let spec = load(&DiskFetch, &path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!spec.operations.is_empty(), "{name}");
        let tree = json::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(node_count(&tree) > 10_000, "{name}");
    }
}
