#!/usr/bin/env bash
# Throughput and end-to-end latency of `schemagate gen rust`'s producer and consumer, side by
# side with the same loop through PyPI confluent-kafka's Protobuf serializer and deserializer,
# in one run, against one local broker (the test suite's tansu image) and schemagate's registry.
#
# usage: bench/gen-rust.sh [N]   (default 50000 OrderPlaced events per client)
# needs: Docker with schemagate-test/tansu:0.6.0 (scripts/kafka-test-image.sh), target/debug/schemagate
#        (or SCHEMAGATE=path), python3 with confluent-kafka[schemaregistry,protobuf].
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50000}
bin=${SCHEMAGATE:-target/debug/schemagate}
work=target/bench-gen-rust
rm -rf "$work" && mkdir -p "$work/bench/src"
"$bin" gen rust --out "$work/acme-events" --crate-name acme-events >/dev/null
cp bench/gen-rust/main.rs "$work/bench/src/main.rs"
cp Cargo.lock "$work/bench/Cargo.lock"
cat > "$work/bench/Cargo.toml" <<'TOML'
[package]
name = "gen-rust-bench"
version = "0.1.0"
edition = "2024"
publish = false

# Not a member of schemagate's workspace (it lives under target/).
[workspace]

[dependencies]
generated = { package = "acme-events", path = "../acme-events" }
prost-types = "0.14"
tokio = { version = "1", features = ["rt-multi-thread", "macros", "time"] }
futures = "0.3"
serde_json = "1"
TOML
CARGO_TARGET_DIR="$PWD/target" cargo build --release --offline --quiet --manifest-path "$work/bench/Cargo.toml"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
kport=$(free_port); rport=$(free_port)
container=$(docker run -d --rm -p "127.0.0.1:$kport:9092" schemagate-test/tansu:0.6.0 broker \
  --storage-engine memory://tansu/ --kafka-listener-url tcp://0.0.0.0:9092 \
  --kafka-advertised-listener-url "tcp://127.0.0.1:$kport")
"$bin" registry serve --listen "127.0.0.1:$rport" --db "$work/registry.db" >"$work/registry.log" 2>&1 &
registry=$!
trap 'docker rm -f "$container" >/dev/null 2>&1; kill $registry 2>/dev/null' EXIT
for _ in $(seq 60); do docker logs "$container" 2>&1 | grep -q "ready in" && break; sleep 0.5; done

run() { # topic name, then the client
  python3 - "$kport" "$1" <<'PY'
import sys, time
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({"bootstrap.servers": f"127.0.0.1:{sys.argv[1]}"})
admin.create_topics([NewTopic(sys.argv[2], num_partitions=3, replication_factor=1)])[sys.argv[2]].result(30)
time.sleep(1)
PY
}
run orders.order-placed.v1
echo "# $n messages each, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
"$PWD/target/release/gen-rust-bench" "127.0.0.1:$kport" "http://127.0.0.1:$rport" "$n"
run py.orders.order-placed.v1
python3 bench/gen-rust/python_loop.py "127.0.0.1:$kport" "http://127.0.0.1:$rport" "$n"
