//! The driver of the generated-crate test (cli/tests/gen_rust.rs), built against a crate that
//! `schemagate gen rust` wrote. The test writes `dispatch.rs` beside it: one arm per contract
//! topic, naming that topic's generated module.
//!
//! usage: driver produce|consume EXAMPLES.json BOOTSTRAP REGISTRY_URL [COPIES]
//!
//! EXAMPLES.json: `[{"topic", "partitions", "examples": [{"key_hex", "value_hex", "headers"}]}]`,
//! the payload bytes (without the Confluent header) the contract runner encodes for each example.
//! - produce: creates each topic, decodes each example into the topic's generated `Value` (and
//!   `Key`, `Headers`) and sends it with the generated producer; prints one JSON line per topic.
//! - consume: reads COPIES times the examples of each topic with the generated consumer's handler
//!   API (`run_until`) in a fresh group and checks that every record received equals one of the
//!   examples, each example COPIES times; prints one JSON line per topic; exits 1 on a mismatch.

mod dispatch;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use generated::runtime::{
    self, Config, HeaderSet, KeyCodec, Payload, SchemaDef, Topic, WriterSchema,
};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;

#[derive(serde::Deserialize)]
pub struct TopicExamples {
    pub topic: String,
    pub partitions: i32,
    pub examples: Vec<Example>,
}

#[derive(serde::Deserialize)]
pub struct Example {
    pub key_hex: String,
    pub value_hex: String,
    pub headers: BTreeMap<String, String>,
}

fn unhex(text: &str) -> Result<Vec<u8>, String> {
    (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(text.get(i..i + 2).unwrap_or("?"), 16)
                .map_err(|e| format!("{text}: {e}"))
        })
        .collect()
}

/// The writer schema a generated type declares, as the registry would hand it back.
fn writer(def: &'static SchemaDef) -> WriterSchema {
    let mut references = Vec::new();
    let mut stack: Vec<&'static SchemaDef> = vec![def];
    while let Some(d) = stack.pop() {
        for r in d.references {
            if !references.iter().any(|(n, _): &(String, Arc<str>)| n == r.name) {
                references.push((r.name.to_string(), Arc::from(r.schema.text)));
                stack.push(r.schema);
            }
        }
    }
    WriterSchema {
        id: 0,
        kind: def.kind,
        text: Arc::from(def.text),
        references,
    }
}

type Record<K, V, H> = (K, V, H);

/// The examples of a topic as the generated types.
fn typed<K: KeyCodec, V: Payload, H: HeaderSet>(
    t: &TopicExamples,
) -> Result<Vec<Record<K, V, H>>, String> {
    let value_writer = writer(V::SCHEMA);
    let key_writer = K::SCHEMA.map(writer);
    t.examples
        .iter()
        .map(|e| {
            let key = K::decode_key(&unhex(&e.key_hex)?, key_writer.as_ref())
                .map_err(|e| format!("{}: key: {e}", t.topic))?;
            let value = V::decode(&unhex(&e.value_hex)?, &value_writer)
                .map_err(|e| format!("{}: value: {e}", t.topic))?;
            let pairs: Vec<(&str, &[u8])> = e
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_bytes()))
                .collect();
            let headers =
                H::from_pairs(&pairs).map_err(|e| format!("{}: headers: {e}", t.topic))?;
            Ok((key, value, headers))
        })
        .collect()
}

pub async fn produce<K: KeyCodec, V: Payload, H: HeaderSet>(
    config: &Config,
    topic: &'static Topic,
    t: &TopicExamples,
) -> Result<serde_json::Value, String> {
    let records = typed::<K, V, H>(t)?;
    let producer = runtime::Producer::<K, V, H>::new(config, topic)
        .await
        .map_err(|e| e.to_string())?;
    let mut offsets = Vec::new();
    for (key, value, headers) in &records {
        let delivery = producer
            .send(key, value, headers)
            .await
            .map_err(|e| e.to_string())?;
        offsets.push(format!("{}:{}", delivery.partition, delivery.offset));
    }
    producer
        .flush(Duration::from_secs(30))
        .await
        .map_err(|e| e.to_string())?;
    Ok(serde_json::json!({
        "topic": topic.name,
        "produced": records.len(),
        "schema_id": producer.value_schema_id(),
        "delivered": offsets,
    }))
}

pub async fn consume<K, V, H>(
    config: &Config,
    topic: &'static Topic,
    t: &TopicExamples,
    copies: usize,
) -> Result<serde_json::Value, String>
where
    K: KeyCodec + PartialEq + std::fmt::Debug,
    V: Payload + PartialEq + std::fmt::Debug,
    H: HeaderSet + PartialEq + std::fmt::Debug,
{
    let mut expected: Vec<(Record<K, V, H>, usize)> = typed::<K, V, H>(t)?
        .into_iter()
        .map(|r| (r, copies))
        .collect();
    let want = t.examples.len() * copies;
    let group = format!("gen-rust-test-{}-{}", topic.name, std::process::id());
    let consumer = runtime::Consumer::<K, V, H>::new(
        &config.clone().kafka("auto.offset.reset", "earliest"),
        topic,
        &group,
    )
    .map_err(|e| e.to_string())?;
    let received = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(tokio::sync::Notify::new());
    let sink = received.clone();
    let notify = done.clone();
    let shutdown = async move {
        let _ = tokio::time::timeout(Duration::from_secs(90), done.notified()).await;
    };
    let summary = consumer
        .run_until(
            move |record| {
                let sink = sink.clone();
                let notify = notify.clone();
                async move {
                    let mut all = sink.lock().unwrap_or_else(|p| p.into_inner());
                    all.push(record);
                    if all.len() >= want {
                        notify.notify_one();
                    }
                    Ok::<(), std::convert::Infallible>(())
                }
            },
            shutdown,
        )
        .await
        .map_err(|e| e.to_string())?;
    let received = std::mem::take(&mut *received.lock().unwrap_or_else(|p| p.into_inner()));
    let mut schema_ids: Vec<i32> = received.iter().map(|r| r.schema_id).collect();
    schema_ids.sort_unstable();
    schema_ids.dedup();
    let mut unexpected = Vec::new();
    for r in &received {
        let key = r.key.as_ref().ok_or_else(|| format!("{}: a record without a key", topic.name))?;
        match expected
            .iter_mut()
            .find(|((k, v, h), left)| *left > 0 && k == key && *v == r.value && *h == r.headers)
        {
            Some((_, left)) => *left -= 1,
            None => unexpected.push(format!("{:?} {:?} {:?}", r.key, r.value, r.headers)),
        }
    }
    let missing: Vec<String> = expected
        .iter()
        .filter(|(_, left)| *left > 0)
        .map(|((k, v, _), left)| format!("{left} x {k:?} {v:?}"))
        .collect();
    Ok(serde_json::json!({
        "topic": topic.name,
        "received": received.len(),
        "handled": summary.handled,
        "dead_lettered": summary.dead_lettered,
        "schema_ids": schema_ids,
        "unexpected": unexpected,
        "missing": missing,
    }))
}

async fn create_topics(bootstrap: &str, topics: &[TopicExamples]) -> Result<(), String> {
    let admin: AdminClient<DefaultClientContext> = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .map_err(|e| e.to_string())?;
    let new: Vec<NewTopic<'_>> = topics
        .iter()
        .map(|t| NewTopic::new(&t.topic, t.partitions, TopicReplication::Fixed(1)))
        .collect();
    let results = admin
        .create_topics(&new, &AdminOptions::new().operation_timeout(Some(Duration::from_secs(30))))
        .await
        .map_err(|e| e.to_string())?;
    for result in results {
        if let Err((topic, code)) = result
            && code != rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists
        {
            return Err(format!("creating {topic}: {code}"));
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: driver produce|consume EXAMPLES.json BOOTSTRAP REGISTRY_URL [COPIES]");
        std::process::exit(2);
    }
    let text = std::fs::read_to_string(&args[2]).expect("examples file");
    let topics: Vec<TopicExamples> = serde_json::from_str(&text).expect("examples JSON");
    let config = Config::new(&args[3], &args[4])
        .kafka("linger.ms", "5")
        .kafka("fetch.wait.max.ms", "50")
        .produce_timeout(Duration::from_secs(30));
    let copies: usize = args.get(5).map_or(1, |c| c.parse().expect("COPIES"));
    let mut failed = false;
    if args[1] == "produce"
        && let Err(e) = create_topics(&args[3], &topics).await
    {
        eprintln!("{e}");
        std::process::exit(1);
    }
    for t in &topics {
        let outcome = match args[1].as_str() {
            "produce" => dispatch::produce(&config, t).await,
            "consume" => dispatch::consume(&config, t, copies).await,
            other => Err(format!("unknown command {other}")),
        };
        match outcome {
            Ok(line) => {
                let mismatched = line["unexpected"].as_array().is_some_and(|a| !a.is_empty())
                    || line["missing"].as_array().is_some_and(|a| !a.is_empty());
                failed |= mismatched;
                println!("{line}");
            }
            Err(e) => {
                eprintln!("{}: {e}", t.topic);
                failed = true;
            }
        }
    }
    std::process::exit(i32::from(failed));
}
