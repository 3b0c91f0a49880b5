#!/usr/bin/env python3
"""The same loop as main.rs through PyPI confluent-kafka: N OrderPlaced events serialized by its
ProtobufSerializer (the message class built from the schema the Rust run registered, fetched
from the registry: no protoc) and produced to `py.orders.order-placed.v1`, while a Consumer on
a thread deserializes them with ProtobufDeserializer. Prints one JSON line like main.rs.

usage: python_loop.py BOOTSTRAP REGISTRY_URL N
"""

import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../crates/contract/tests/python"))

from confluent_kafka import Consumer, Producer  # noqa: E402
from confluent_kafka.schema_registry import SchemaRegistryClient  # noqa: E402
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer  # noqa: E402
from confluent_kafka.serialization import MessageField, SerializationContext  # noqa: E402
from consume import protobuf_file  # noqa: E402

TOPIC = "py.orders.order-placed.v1"


def order(cls, i):
    m = cls()
    m.event_id = f"7d3c9a2e-0000-4000-8000-{i:012d}"
    m.occurred_at.seconds = 1_793_524_364
    o = m.order
    o.order_id = f"ord-{i}"
    o.customer_id = "cus-7f3a91"
    for sku, qty, minor in (("TSHIRT-BLK-M", 2, 1999), ("MUG-WHT", 1, 899)):
        item = o.items.add()
        item.sku, item.quantity = sku, qty
        item.unit_price.currency_code, item.unit_price.amount_minor = "EUR", minor
    o.total.currency_code, o.total.amount_minor = "EUR", 4897
    o.status = 1
    o.created_at.seconds = 1_793_524_360
    return m


def main():
    bootstrap, url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    client = SchemaRegistryClient({"url": url})
    registered = client.get_version("orders.order-placed-value", "latest", fmt="serialized").schema
    builder, _ = protobuf_file(client, registered, "orders.order-placed-value.proto")
    cls = builder.message_class("acme.orders.v1.OrderPlaced")
    serializer = ProtobufSerializer(cls, client, {"auto.register.schemas": True, "use.deprecated.format": False})
    deserializer = ProtobufDeserializer(cls, {"use.deprecated.format": False}, client)
    vctx = SerializationContext(TOPIC, MessageField.VALUE)
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "enable.idempotence": True, "acks": "all"})
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-py", "auto.offset.reset": "earliest",
                         "fetch.wait.max.ms": 10})
    consumer.subscribe([TOPIC])
    headers = [("correlation-id", b"416fabab-d354-43ac-8f05-07f7e43524dd")]

    # Warm-up: one record through, so that the group has joined before timing starts.
    producer.produce(TOPIC, key=b"warm-up", value=serializer(order(cls, 0), vctx), headers=headers)
    producer.flush(30)
    deadline = time.monotonic() + 60
    while True:
        msg = consumer.poll(1.0)
        if msg is not None and msg.error() is None:
            deserializer(msg.value(), vctx)
            break
        if time.monotonic() > deadline:
            sys.exit("warm-up record not consumed")

    latencies = []

    def consume():
        while len(latencies) < n:
            msg = consumer.poll(1.0)
            if msg is None or msg.error() is not None:
                continue
            deserializer(msg.value(), vctx)
            latencies.append(int(time.time() * 1000) - msg.timestamp()[1])

    start = time.monotonic()
    reader = threading.Thread(target=consume)
    reader.start()
    failures = []
    for i in range(1, n + 1):
        value = serializer(order(cls, i), vctx)
        while True:
            try:
                producer.produce(TOPIC, key=f"ord-{i}".encode(), value=value, headers=headers,
                                 on_delivery=lambda err, msg: err and failures.append(err))
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    producer.flush(120)
    reader.join()
    seconds = time.monotonic() - start
    if failures:
        sys.exit(f"{len(failures)} deliveries failed: {failures[0]}")
    latencies.sort()
    pct = lambda p: latencies[min(int(len(latencies) * p), len(latencies) - 1)]  # noqa: E731
    print(json.dumps({"client": "confluent-kafka (Python)", "messages": n, "seconds": round(seconds, 3),
                      "per_second": round(n / seconds), "p50_ms": pct(0.5), "p99_ms": pct(0.99)}))
    consumer.close()


if __name__ == "__main__":
    main()
