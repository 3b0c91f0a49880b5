//! Concurrent clients: 8 threads register 400 versions across 20 subjects. No request fails,
//! no id is handed out twice, no version is lost, and racing registrations of one schema
//! agree on one id and one version.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use common::TestServer;
use serde_json::{Value, json};

const THREADS: usize = 8;
const PER_THREAD: usize = 50;
const SUBJECTS: usize = 20;

/// A record every other one can evolve into under BACKWARD (its only field has a default), so
/// any registration order is compatible.
fn schema(thread: usize, n: usize) -> Value {
    json!({"schema": json!({"type": "record", "name": "R", "fields": [
        {"name": format!("f{thread}_{n}"), "type": "int", "default": 0}
    ]}).to_string()})
}

#[test]
fn eight_threads_register_400_versions_across_20_subjects() {
    let t = TestServer::start();
    let api = t.client();
    let started = Instant::now();
    let handles: Vec<_> = (0..THREADS)
        .map(|thread| {
            let api = api.clone();
            std::thread::spawn(move || {
                let mut registered = Vec::new();
                for n in 0..PER_THREAD {
                    let subject = format!("subject-{}", (thread * PER_THREAD + n) % SUBJECTS);
                    let (status, answer) = api.post(&format!("/subjects/{subject}/versions"), &schema(thread, n));
                    assert_eq!(status, 200, "{subject}: {answer}");
                    registered.push((subject, answer["id"].as_i64().expect("an id")));
                    // Everyone also registers the very same schema under one subject.
                    let (status, answer) = api.post("/subjects/shared/versions", &json!({"schema": "\"string\""}));
                    assert_eq!(status, 200, "shared: {answer}");
                    registered.push(("shared".to_string(), answer["id"].as_i64().expect("an id")));
                }
                registered
            })
        })
        .collect();
    let registered: Vec<(String, i64)> =
        handles.into_iter().flat_map(|h| h.join().expect("no thread failed")).collect();
    let elapsed = started.elapsed();
    eprintln!("{} registrations by {THREADS} threads in {elapsed:?}", registered.len());

    let (shared, distinct): (Vec<_>, Vec<_>) = registered.into_iter().partition(|(s, _)| s == "shared");
    let shared_ids: BTreeSet<i64> = shared.iter().map(|(_, id)| *id).collect();
    assert_eq!(shared_ids.len(), 1, "one schema, one id: {shared_ids:?}");
    assert_eq!(api.get("/subjects/shared/versions").1, json!([1]), "one schema, one version");

    let ids: BTreeSet<i64> = distinct.iter().map(|(_, id)| *id).collect();
    assert_eq!(ids.len(), THREADS * PER_THREAD, "no id handed out twice");
    assert!(!ids.contains(shared_ids.first().unwrap()));

    let mut by_subject: BTreeMap<&str, BTreeSet<i64>> = BTreeMap::new();
    for (subject, id) in &distinct {
        by_subject.entry(subject).or_default().insert(*id);
    }
    assert_eq!(by_subject.len(), SUBJECTS);
    let read_started = Instant::now();
    for (subject, expected) in by_subject {
        let (_, versions) = api.get(&format!("/subjects/{subject}/versions"));
        let per_subject = THREADS * PER_THREAD / SUBJECTS;
        assert_eq!(versions, json!((1..=per_subject).collect::<Vec<_>>()), "{subject}");
        let mut seen = BTreeSet::new();
        for version in 1..=per_subject {
            let (status, v) = api.get(&format!("/subjects/{subject}/versions/{version}"));
            assert_eq!(status, 200, "{subject} v{version}: {v}");
            seen.insert(v["id"].as_i64().unwrap());
        }
        assert_eq!(seen, expected, "{subject}: every acknowledged id is a version");
    }
    eprintln!("read back {} versions in {:?}", THREADS * PER_THREAD, read_started.elapsed());
}
