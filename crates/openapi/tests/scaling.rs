//! Diffing is linear in the size of the specs, however much their components share and recurse:
//! each pair of shared schemas is compared once (per scope), and a change in it is reported once
//! with the operations that reach it. Counted in comparisons, not seconds.

use schemagate_openapi::{DiskFetch, diff, load};

/// A spec whose components form a deep lattice: `C{i}` refers to `C{i-1}` and `C{i-2}` (so the
/// number of paths from the top doubles at each level), to itself, and to `C{i-1}` again
/// through an array and an inline object. `ops` operations return the top component and accept
/// it as a request body. `changed` renames a type deep down and adds a property at every level.
fn lattice(depth: usize, ops: usize, changed: bool) -> String {
    let mut out = String::from("openapi: 3.0.3\ninfo: {title: lattice, version: '1.0.0'}\npaths:\n");
    for o in 0..ops {
        out.push_str(&format!(
            "  /things{o}:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/C{top}'}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/C{top}'}}\n",
            top = depth - 1
        ));
    }
    out.push_str("components:\n  schemas:\n");
    let leaf_type = if changed { "integer" } else { "string" };
    out.push_str(&format!("    C0:\n      type: object\n      properties:\n        leaf: {{type: {leaf_type}}}\n"));
    out.push_str("    C1:\n      type: object\n      properties:\n        a: {$ref: '#/components/schemas/C0'}\n");
    for i in 2..depth {
        out.push_str(&format!(
            "    C{i}:\n      type: object\n      properties:\n        a: {{$ref: '#/components/schemas/C{p}'}}\n        b: {{$ref: '#/components/schemas/C{q}'}}\n        again: {{$ref: '#/components/schemas/C{i}'}}\n        list:\n          type: array\n          items: {{$ref: '#/components/schemas/C{p}'}}\n        inline:\n          type: object\n          properties:\n            deep: {{$ref: '#/components/schemas/C{p}'}}\n",
            p = i - 1,
            q = i - 2
        ));
        if changed {
            out.push_str(&format!("        added{i}: {{type: string}}\n"));
        }
    }
    out
}

fn run(depth: usize, ops: usize) -> (Vec<schemagate_core::Finding>, diff::Stats) {
    let dir = tempfile::tempdir().unwrap();
    let (old_path, new_path) = (dir.path().join("old.yaml"), dir.path().join("new.yaml"));
    std::fs::write(&old_path, lattice(depth, ops, false)).unwrap();
    std::fs::write(&new_path, lattice(depth, ops, true)).unwrap();
    let old = load(&DiskFetch, &old_path.display().to_string()).unwrap();
    let new = load(&DiskFetch, &new_path.display().to_string()).unwrap();
    diff::diff_with_stats(&old, &new, &diff::Options::default())
}

#[test]
fn work_grows_linearly_with_shared_and_recursive_components() {
    let (_, small) = run(20, 10);
    let (_, deep) = run(40, 10);
    let (_, wide) = run(20, 20);
    // Twice the components: about twice the comparisons (the paths through them grow as 2^depth).
    assert!(deep.comparisons <= small.comparisons * 2 + 20, "depth 20: {small:?}, depth 40: {deep:?}");
    assert!(deep.shared_pairs <= small.shared_pairs * 2 + 4, "depth 20: {small:?}, depth 40: {deep:?}");
    // Twice the operations: only their own bodies are compared again, not the components.
    assert!(wide.shared_pairs == small.shared_pairs, "10 ops: {small:?}, 20 ops: {wide:?}");
    assert!(wide.comparisons <= small.comparisons + 10 * 2 * 2, "10 ops: {small:?}, 20 ops: {wide:?}");
}

#[test]
fn a_change_in_a_shared_component_is_reported_once_with_every_operation() {
    let (findings, _) = run(12, 5);
    let leaf: Vec<_> = findings.iter().filter(|f| f.message.contains("`leaf`")).collect();
    // Once as a request property, once as a response property: not once per path or operation.
    let rules: Vec<&str> = leaf.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules.len(), 2, "{leaf:#?}");
    assert!(rules.contains(&"request-property-type-changed") && rules.contains(&"response-property-type-changed"));
    for f in &leaf {
        assert!(f.message.contains("(in `C0`)"), "{}", f.message);
        let paths: Vec<&str> = f.uses.iter().map(|u| u.api_path.as_str()).collect();
        assert_eq!(paths, ["/things0", "/things1", "/things2", "/things3", "/things4"], "{f:#?}");
        assert_eq!((f.method.as_deref(), f.api_path.as_deref()), (Some("POST"), Some("/things0")));
        // One shortest way from the operation to the component: C11 -> C0 in six steps (five
        // `b` and one `a`, in some order).
        let via = &f.uses[0].via;
        let (context, path) = via.split_once(": ").unwrap();
        assert!(context.ends_with("application/json"), "{via}");
        let steps: Vec<&str> = path.split('/').collect();
        assert_eq!(steps.len(), 6, "{via}");
        assert_eq!(steps.iter().filter(|s| **s == "b").count(), 5, "{via}");
    }
    // Every level gained a property: one finding each per scope, eleven levels (C1 has none).
    let added = findings.iter().filter(|f| f.rule == "response-optional-property-added").count();
    assert_eq!(added, 10, "{findings:#?}");
}
