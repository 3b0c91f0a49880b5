//! Throughput and end-to-end latency of a crate `schemagate gen rust` wrote for the example
//! domain: the generated producer of `orders.order-placed.v1` sends N OrderPlaced events
//! (Protobuf, Confluent framing, schema registered once) while the generated consumer reads
//! them. Run by bench/gen-rust.sh, which builds this file against the generated crate.
//!
//! usage: [IN_FLIGHT=1000] gen-rust-bench BOOTSTRAP REGISTRY_URL N
//! prints one JSON line: {"client": "schemagate gen rust", "messages", "seconds", "per_second", "p50_ms", "p99_ms"}

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use generated::messages::acme::common::v1::Money;
use generated::messages::acme::orders::v1::{LineItem, Order, OrderPlaced};
use generated::runtime::Config;
use generated::topics::orders_order_placed_v1 as topic;

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn order(i: usize) -> OrderPlaced {
    let price = |minor| Some(Money { currency_code: "EUR".into(), amount_minor: minor });
    OrderPlaced {
        event_id: format!("7d3c9a2e-0000-4000-8000-{i:012}"),
        occurred_at: Some(prost_types::Timestamp { seconds: 1_793_524_364, nanos: 0 }),
        order: Some(Order {
            order_id: format!("ord-{i}"),
            customer_id: "cus-7f3a91".into(),
            items: vec![
                LineItem { sku: "TSHIRT-BLK-M".into(), quantity: 2, unit_price: price(1999) },
                LineItem { sku: "MUG-WHT".into(), quantity: 1, unit_price: price(899) },
            ],
            total: price(4897),
            status: 1,
            created_at: Some(prost_types::Timestamp { seconds: 1_793_524_360, nanos: 0 }),
            ..Default::default()
        }),
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args[3].parse().expect("N");
    // Sends in flight at once (each awaits its delivery report).
    let in_flight: usize = std::env::var("IN_FLIGHT").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000);
    let config = Config::new(&args[1], &args[2]).kafka("linger.ms", "5").kafka("fetch.wait.max.ms", "10");
    let producer = topic::producer(&config).await.expect("producer");
    let headers = topic::Headers { correlation_id: "416fabab-d354-43ac-8f05-07f7e43524dd".into() };
    let consumer = topic::consumer(&config.clone().kafka("auto.offset.reset", "earliest"), "bench").expect("consumer");
    // Warm-up: one record through, so that the group has joined before timing starts.
    producer.send(&"warm-up".to_string(), &order(0), &headers).await.expect("warm-up send");
    let mut stream = Box::pin(consumer.stream());
    let first = tokio::time::timeout(Duration::from_secs(60), stream.next()).await;
    assert!(matches!(first, Ok(Some(Ok(_)))), "warm-up record not consumed");

    let start = Instant::now();
    let values: Vec<OrderPlaced> = (1..=n).map(order).collect();
    let produce = async {
        futures::stream::iter(values.iter().enumerate())
            .for_each_concurrent(in_flight, |(i, v)| {
                let key = format!("ord-{i}");
                let producer = &producer;
                let headers = &headers;
                async move {
                    producer.send(&key, v, headers).await.expect("send");
                }
            })
            .await;
    };
    let consume = async {
        let mut latencies = Vec::with_capacity(n);
        while latencies.len() < n {
            let record = stream.next().await.expect("stream ended").expect("decode");
            latencies.push(now_ms() - record.timestamp_ms.unwrap_or_else(now_ms));
        }
        latencies
    };
    let ((), mut latencies) = tokio::join!(produce, consume);
    let seconds = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "{}",
        serde_json::json!({
            "client": "schemagate gen rust",
            "in_flight": in_flight,
            "messages": n,
            "seconds": (seconds * 1000.0).round() / 1000.0,
            "per_second": (n as f64 / seconds).round(),
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
        })
    );
}
