//! Loader behaviour on bad and tricky input: every error names file, line and column.

use std::path::Path;

use schemagate_openapi::{DiskFetch, diff, load};

fn write(dir: &Path, rel: &str, text: &str) -> String {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

#[test]
fn malformed_yaml_reports_file_line_column() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "api.yaml", &format!("{HEAD}paths:\n  /a:\n    get: [unclosed\n"));
    let err = load(&DiskFetch, &path).unwrap_err();
    assert!(err.path.ends_with("api.yaml"), "{err}");
    assert!(err.line >= 5, "{err}");
}

#[test]
fn ref_to_a_missing_file_points_at_the_ref() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: './schemas/missing.yaml#/Thing'\n"
    );
    let path = write(tmp.path(), "api.yaml", &spec);
    let err = load(&DiskFetch, &path).unwrap_err();
    assert_eq!((err.line, err.column), (12, 17), "{err}");
    assert!(err.message.contains("schemas/missing.yaml") && err.message.contains("no such file"), "{err}");
}

#[test]
fn remote_refs_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let spec =
        format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: 'https://example.com/a.yaml#/A'\n");
    let path = write(tmp.path(), "api.yaml", &spec);
    let err = load(&DiskFetch, &path).unwrap_err();
    assert!(err.message.contains("remote $ref") && err.message.contains("https://example.com/a.yaml"), "{err}");
    assert_eq!(err.line, 7, "{err}");
}

#[test]
fn cyclic_schemas_load_and_diff_without_hanging() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = |extra: &str| {
        format!(
            "{HEAD}paths:\n  /nodes:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Node'}}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      properties:\n        children:\n          type: array\n          items: {{$ref: '#/components/schemas/Node'}}\n        parent: {{$ref: '#/components/schemas/Node'}}\n{extra}"
        )
    };
    let old = load(&DiskFetch, &write(tmp.path(), "old.yaml", &tree(""))).unwrap();
    let new = load(&DiskFetch, &write(tmp.path(), "new.yaml", &tree("        label: {type: string}\n"))).unwrap();
    let findings = diff::diff(&old, &new, &diff::Options::default());
    assert!(findings.iter().any(|f| f.rule == "response-optional-property-added"), "{findings:#?}");
}

#[test]
fn swagger_2_is_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "old.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n");
    let err = load(&DiskFetch, &path).unwrap_err();
    assert!(err.message.contains("Swagger 2.0 is not supported"), "{err}");
    assert_eq!((err.line, err.column), (1, 1));
}

#[test]
fn openapi_30_and_31_forms_of_the_same_api_are_equal() {
    let tmp = tempfile::tempdir().unwrap();
    let v30 = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  n: {type: string, nullable: true}\n                  x: {type: number, minimum: 0, exclusiveMinimum: true}\n";
    let v31 = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  n: {type: [string, 'null']}\n                  x: {type: number, minimum: 0, exclusiveMinimum: 0}\n";
    let old = load(&DiskFetch, &write(tmp.path(), "v30.yaml", v30)).unwrap();
    let new = load(&DiskFetch, &write(tmp.path(), "v31.yaml", v31)).unwrap();
    let findings = diff::diff(&old, &new, &diff::Options::default());
    assert!(findings.is_empty(), "a 3.0 -> 3.1 migration is not a change: {findings:#?}");
}

#[test]
fn yaml_11_surprises_do_not_happen() {
    let tmp = tempfile::tempdir().unwrap();
    // Unquoted and quoted status codes are the same key; `on`/`yes` stay strings.
    let a = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n          content:\n            application/json:\n              schema: {type: string, enum: [on, off, yes, no]}\n";
    let b = a.replace("        200:", "        '200':");
    let old = load(&DiskFetch, &write(tmp.path(), "a.yaml", a)).unwrap();
    let new = load(&DiskFetch, &write(tmp.path(), "b.yaml", &b)).unwrap();
    assert!(diff::diff(&old, &new, &diff::Options::default()).is_empty());
    let schema = old.schema(old.operations[0].responses["200"].content["application/json"].schema.unwrap());
    assert_eq!(schema.enum_values.as_deref().unwrap(), ["\"on\"", "\"off\"", "\"yes\"", "\"no\""]);
}

#[test]
fn split_specs_resolve_relative_refs_with_positions_in_the_referenced_file() {
    let tmp = tempfile::tempdir().unwrap();
    let main = |n: &str| format!("{HEAD}paths:\n  /a:\n    $ref: 'paths/a.yaml'\n{n}");
    let path_item = "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema:\n            $ref: '../schemas/thing.yaml'\n";
    write(tmp.path(), "old/paths/a.yaml", path_item);
    write(tmp.path(), "new/paths/a.yaml", path_item);
    write(
        tmp.path(),
        "old/schemas/thing.yaml",
        "type: object\nproperties:\n  id: {type: string}\n  size: {type: integer}\n",
    );
    write(
        tmp.path(),
        "new/schemas/thing.yaml",
        "type: object\nproperties:\n  id: {type: string}\n  size: {type: string}\n",
    );
    let old = load(&DiskFetch, &write(tmp.path(), "old/api.yaml", &main(""))).unwrap();
    let new = load(&DiskFetch, &write(tmp.path(), "new/api.yaml", &main(""))).unwrap();
    let findings = diff::diff(&old, &new, &diff::Options::default());
    let f = findings.iter().find(|f| f.rule == "response-property-type-changed").expect("type change");
    assert!(f.path.ends_with("new/schemas/thing.yaml"), "{f:?}");
    assert_eq!((f.location.start_line, f.location.start_column), (4, 3));
}

#[test]
fn non_utf8_is_an_error_with_position() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("api.yaml");
    std::fs::write(&path, b"openapi: 3.0.3\ninfo: {title: caf\xe9}\n").unwrap();
    let err = load(&DiskFetch, &path.display().to_string()).unwrap_err();
    assert_eq!((err.line, err.column), (2, 18), "{err}");
}

#[test]
fn related_response_media_types_are_renames_not_removals() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = |mt: &str| {
        format!(
            "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            {mt}:\n              schema: {{type: string}}\n"
        )
    };
    let old = load(&DiskFetch, &write(tmp.path(), "old.yaml", &spec("application/json"))).unwrap();
    let new = load(&DiskFetch, &write(tmp.path(), "new.yaml", &spec("application/problem+json"))).unwrap();
    let ids: Vec<String> = diff::diff(&old, &new, &diff::Options::default()).into_iter().map(|f| f.rule).collect();
    assert_eq!(ids, ["response-media-type-name-specialized"]);
    let back: Vec<String> = diff::diff(&new, &old, &diff::Options::default()).into_iter().map(|f| f.rule).collect();
    assert_eq!(back, ["response-media-type-name-generalized"]);
}

#[test]
fn type_only_unions_of_any_size_are_lists_of_types() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = |d: &str| {
        format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                d: {d}\n      responses:\n        '200': {{description: ok}}\n"
        )
    };
    let load_d = |name: &str, d: &str| load(&DiskFetch, &write(tmp.path(), name, &spec(d))).unwrap();
    // A one-branch type-only oneOf is that type: no change against `type: string`.
    let single = load_d("single.yaml", "{oneOf: [{type: string}]}");
    let plain = load_d("plain.yaml", "{type: string}");
    assert!(diff::diff(&plain, &single, &diff::Options::default()).is_empty());
    // Dropping a branch narrows the list of types; it does not "add a oneOf".
    let two = load_d("two.yaml", "{oneOf: [{type: string}, {type: integer}]}");
    let ids: Vec<String> = diff::diff(&two, &single, &diff::Options::default()).into_iter().map(|f| f.rule).collect();
    assert_eq!(ids, ["request-property-list-of-types-narrowed"]);
}
