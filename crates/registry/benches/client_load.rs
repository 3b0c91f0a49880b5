//! Load benchmark: 8 client threads register 2,000 Avro schema versions across 50 subjects
//! (each version adds one optional field; BACKWARD) against the real server over a temporary
//! SQLite database, then check every version. `cargo bench -p schemagate-registry`.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use schemagate_registry::client::{Client, ClientConfig, Schema, Version};
use schemagate_registry::server::{self, ServerConfig};

const THREADS: usize = 8;
const SUBJECTS: usize = 50;
const TOTAL: usize = 2_000;

fn record(subject: usize, fields: usize) -> String {
    let extra: String =
        (1..fields).map(|i| format!(r#",{{"name":"f{i}","type":["null","string"],"default":null}}"#)).collect();
    format!(
        r#"{{"type":"record","name":"Rec{subject}","namespace":"bench","fields":[{{"name":"id","type":"long"}}{extra}]}}"#
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let running = server::spawn(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        db_path: dir.path().join("bench.db"),
        basic_auth: None,
        read_only: false,
    })
    .expect("server starts");
    let client = Client::new(&ClientConfig::new(running.url())).expect("client");
    assert_eq!(client.set_config(None, "BACKWARD").unwrap(), "BACKWARD");

    // Work item k: subject k % 50, with k / 50 + 1 fields; threads pull items in order, so
    // versions of one subject are registered concurrently by different threads.
    let next = Arc::new(AtomicUsize::new(0));
    let registered: Arc<Mutex<Vec<(usize, usize, i64)>>> = Arc::new(Mutex::new(Vec::with_capacity(TOTAL)));
    let latencies: Arc<Mutex<Vec<Duration>>> = Arc::new(Mutex::new(Vec::with_capacity(TOTAL)));
    let started = Instant::now();
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (client, next, registered, latencies) =
                (client.clone(), next.clone(), registered.clone(), latencies.clone());
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                let mut lat = Vec::new();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= TOTAL {
                        break;
                    }
                    let (subject, fields) = (k % SUBJECTS, k / SUBJECTS + 1);
                    let schema = Schema::avro(record(subject, fields));
                    let t = Instant::now();
                    let id = client
                        .register(&format!("bench-{subject}-value"), &schema)
                        .unwrap_or_else(|e| panic!("register item {k}: {e}"));
                    lat.push(t.elapsed());
                    mine.push((subject, fields, id));
                }
                registered.lock().unwrap().extend(mine);
                latencies.lock().unwrap().extend(lat);
            })
        })
        .collect();
    for w in workers {
        w.join().expect("no client thread failed");
    }
    let elapsed = started.elapsed();

    let registered = registered.lock().unwrap().clone();
    assert_eq!(registered.len(), TOTAL);
    let ids: HashSet<i64> = registered.iter().map(|r| r.2).collect();
    assert_eq!(ids.len(), TOTAL, "every schema version has its own id");

    // Every version is readable and is one of the registered schemas.
    let by_id: HashMap<i64, (usize, usize)> = registered.iter().map(|&(s, f, id)| (id, (s, f))).collect();
    let verify_started = Instant::now();
    let mut seen = HashSet::new();
    for subject in 0..SUBJECTS {
        let name = format!("bench-{subject}-value");
        let versions = client.versions(&name, false).unwrap();
        assert_eq!(versions, (1..=(TOTAL / SUBJECTS) as i64).collect::<Vec<_>>(), "{name}");
        for v in versions {
            let version = client.version(&name, Version::Number(v)).unwrap();
            let schema = client.schema_by_id(version.id).unwrap();
            assert_eq!(schema.schema, version.schema);
            let (s, _) = by_id.get(&version.id).unwrap_or_else(|| panic!("{name} v{v}: unknown id {}", version.id));
            assert_eq!(*s, subject, "{name} v{v}: id {} belongs to another subject", version.id);
            assert!(seen.insert(version.id), "id {} appears twice", version.id);
        }
    }
    assert_eq!(seen.len(), TOTAL);
    let verify = verify_started.elapsed();

    let mut sorted = latencies.lock().unwrap().clone();
    sorted.sort();
    println!("client_load: {THREADS} threads, {TOTAL} registrations over {SUBJECTS} subjects (BACKWARD, SQLite)");
    println!("  total       {:.2?}", elapsed);
    println!("  throughput  {:.0} registrations/s", TOTAL as f64 / elapsed.as_secs_f64());
    println!(
        "  register latency p50 {:.2?}  p99 {:.2?}  max {:.2?}",
        percentile(&sorted, 0.50),
        percentile(&sorted, 0.99),
        sorted[sorted.len() - 1]
    );
    println!("  verified {} versions (3 GETs each) in {:.2?}", seen.len(), verify);
    running.shutdown().expect("clean shutdown");
}
