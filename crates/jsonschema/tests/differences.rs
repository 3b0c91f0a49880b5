//! Runs the specification tables in `cases/`: each row's differences and verdict, identity
//! checks, and an audit that every difference type the engine knows is exercised.

mod cases;

use std::collections::BTreeSet;

use cases::Case;
use schemagate_core::compat::CompatEngine;
use schemagate_jsonschema::{DiffKind, JsonSchemaEngine, differences, parse};

fn all_cases() -> impl Iterator<Item = &'static Case> {
    cases::scalar::CASES.iter().chain(cases::object::CASES).chain(cases::array::CASES).chain(cases::combined::CASES)
}

fn check(case: &Case) -> Result<(), String> {
    let previous = parse("previous.json", &case.document(case.previous), &[])
        .map_err(|e| format!("{}: previous does not parse: {e}", case.name))?;
    let update = parse("update.json", &case.document(case.update), &[])
        .map_err(|e| format!("{}: update does not parse: {e}", case.name))?;
    let mut found: Vec<String> =
        differences(&previous, &update).iter().map(|d| format!("{} {}", d.kind.name(), d.path)).collect();
    found.sort();
    let mut expected: Vec<String> = case.differences.iter().map(|s| s.to_string()).collect();
    expected.sort();
    if found != expected {
        return Err(format!("{}: differences\n  expected {expected:?}\n  found    {found:?}", case.name));
    }
    let messages = JsonSchemaEngine.backward(&previous, &update);
    if messages.is_empty() != case.compatible {
        return Err(format!("{}: expected compatible={}, got {messages:?}", case.name, case.compatible));
    }
    for m in &messages {
        if m.message.is_empty() || !m.message.contains(&m.path) {
            return Err(format!("{}: message without its path: {m:?}", case.name));
        }
    }
    Ok(())
}

#[test]
fn every_case_reports_the_registry_differences_and_verdict() {
    let failures: Vec<String> = all_cases().filter_map(|c| check(c).err()).collect();
    assert!(failures.is_empty(), "{} failing case(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_schema_is_compatible_with_itself() {
    for case in all_cases() {
        for side in [case.previous, case.update] {
            let text = case.document(side);
            let a = parse("a.json", &text, &[]).expect("parses");
            let b = parse("b.json", &text, &[]).expect("parses");
            let messages = JsonSchemaEngine.backward(&a, &b);
            // The self-referencing union has no verdict other than the limit.
            if case.differences.iter().any(|d| d.starts_with("COMPARISON_LIMIT_EXCEEDED")) {
                continue;
            }
            assert!(messages.is_empty(), "{}: identity reports {messages:?}", case.name);
        }
    }
}

#[test]
fn both_verdicts_and_every_difference_type_are_exercised() {
    let seen: BTreeSet<&str> =
        all_cases().flat_map(|c| c.differences.iter()).filter_map(|d| d.split_whitespace().next()).collect();
    let missing: Vec<&str> = DiffKind::ALL.iter().map(|k| k.name()).filter(|n| !seen.contains(n)).collect();
    assert!(missing.is_empty(), "difference types without a case: {missing:?}");
    assert!(all_cases().any(|c| c.compatible) && all_cases().any(|c| !c.compatible));
}

#[test]
fn compatibility_follows_the_registry_list() {
    for kind in DiffKind::ALL {
        for case in all_cases().filter(|c| c.differences.len() == 1) {
            if case.differences[0].split_whitespace().next() == Some(kind.name()) {
                assert_eq!(kind.is_compatible(), case.compatible, "{}", case.name);
            }
        }
    }
}
