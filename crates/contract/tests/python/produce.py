#!/usr/bin/env python3
"""Produce records with PyPI confluent-kafka's own serializers, for wire-format interop tests.

usage:
  produce.py --bootstrap HOST:PORT --registry URL --topic TOPIC --format avro
             --schema-file SCHEMA.avsc --values RECORDS.json [--header NAME=VALUE]...
  produce.py --bootstrap HOST:PORT --registry URL --topic TOPIC --format json
             --schema-file SCHEMA.json --values RECORDS.json [--header NAME=VALUE]...
  produce.py --bootstrap HOST:PORT --registry URL --topic TOPIC --format protobuf
             --descriptor-set SET.pb --message FULL.NAME --values RECORDS.json
             [--header NAME=VALUE]... [--timeout SECONDS]

Creates TOPIC when missing (AdminClient: 1 partition, replication factor 1), then produces each
record of RECORDS.json in order, the value serialized by the real AvroSerializer or
ProtobufSerializer or JSONSerializer (auto.register.schemas=True; subject `TOPIC-value`, Confluent's
TopicNameStrategy, or --subject) against the registry at URL, the key by StringSerializer.

RECORDS.json is a JSON array of objects, one per record:
  {"value": {...}, "key": "k1", "headers": {"name": "text"}}
  - "value" (required): the record's value. Avro: the plain JSON of the value as fastavro takes
    it (a union member as its bare value, an enum as its symbol; `bytes`/`fixed` are not
    expressible). Protobuf: the message's canonical JSON, read by json_format.ParseDict (proto
    or lowerCamel field names, enums by name, int64 as number or string, Timestamp as RFC 3339).
    null produces a tombstone (no value).
  - "key" (optional): a string, or null for no key; when the member is absent the key is the
    record's index in the array, as a string ("0", "1", ...).
  - "headers" (optional): string values; added after the --header ones (repeatable NAME=VALUE,
    put on every record).

Protobuf input is a serialized google.protobuf.FileDescriptorSet (no protoc needed here): it
must hold the file that defines --message and every file it imports, except the well-known
google/protobuf/* (and google/type/*, confluent/*) files, which are taken from the Python
packages whether the set carries them or not. The serializer registers the base64
FileDescriptorProto of the message's file under `TOPIC-value` and each imported non-well-known
file under a subject named by its import path (skip.known.types: well-known imports are neither
registered nor referenced).

Prints one JSON line per delivered record, in order:
  {"key": "0", "partition": 0, "offset": 12, "schema_id": 3}
Exits 1 with a message on stderr when an input is wrong, serializing fails (e.g. the registry
refuses the schema: nothing is produced then, as every value is serialized first) or a record
is not acknowledged within --timeout (default 30 s). Exit 2: bad command line.
"""

import json
import sys
import time

from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.serialization import MessageField, SerializationContext, StringSerializer

from script_common import fail, topic_parser


def parse_args():
    parser = topic_parser(__doc__)
    parser.add_argument("--schema-file", help="Avro: the .avsc writer schema")
    parser.add_argument("--descriptor-set", help="Protobuf: a serialized FileDescriptorSet")
    parser.add_argument("--message", help="Protobuf: the full name of the message, e.g. acme.orders.v1.OrderPlaced")
    parser.add_argument("--values", required=True, help="JSON array of {\"value\", \"key\"?, \"headers\"?}")
    parser.add_argument("--header", action="append", default=[], metavar="NAME=VALUE",
                        help="a header put on every record (repeatable)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for topic creation and delivery")
    parser.add_argument("--subject", help="the value subject (default: TOPIC-value)")
    args = parser.parse_args()
    if args.format in ("avro", "json") and not args.schema_file:
        parser.error(f"--format {args.format} needs --schema-file")
    if args.format == "protobuf" and not (args.descriptor_set and args.message):
        parser.error("--format protobuf needs --descriptor-set and --message")
    return args


def read_records(path, common_headers):
    try:
        with open(path, encoding="utf-8") as f:
            records = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"cannot read {path}: {e}")
    if not isinstance(records, list):
        fail(f"{path}: expected a JSON array of records")
    out = []
    for index, record in enumerate(records):
        if not isinstance(record, dict) or "value" not in record:
            fail(f"{path}[{index}]: expected an object with a \"value\" member")
        unknown = set(record) - {"value", "key", "headers"}
        if unknown:
            fail(f"{path}[{index}]: unknown members {sorted(unknown)}")
        key = record.get("key", str(index))
        if key is not None and not isinstance(key, str):
            fail(f"{path}[{index}]: \"key\" must be a string or null")
        headers = dict(record.get("headers") or {})
        if not all(isinstance(v, str) for v in headers.values()):
            fail(f"{path}[{index}]: header values must be strings")
        out.append((key, record["value"], common_headers + [(k, v.encode()) for k, v in headers.items()]))
    return out


def parse_headers(pairs):
    headers = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            fail(f"--header {pair!r}: expected NAME=VALUE")
        headers.append((name, value.encode()))
    return headers


def ensure_topic(bootstrap, topic, timeout):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)],
                                  operation_timeout=timeout, request_timeout=timeout)
    try:
        futures[topic].result(timeout)
    except KafkaException as e:
        if e.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
            fail(f"cannot create topic {topic}: {e}")
    # Wait until the broker's metadata shows the topic with a leader.
    deadline = time.monotonic() + timeout
    while True:
        metadata = admin.list_topics(topic, timeout=timeout).topics.get(topic)
        if metadata is not None and metadata.error is None and metadata.partitions and \
                all(p.leader >= 0 for p in metadata.partitions.values()):
            return
        if time.monotonic() > deadline:
            fail(f"topic {topic} has no leader after {timeout} s: {metadata.error if metadata else 'missing'}")
        time.sleep(0.2)


def serializer_conf(args):
    conf = {"auto.register.schemas": True}
    if args.subject:
        conf["subject.name.strategy"] = lambda ctx, record_name: args.subject
    return conf


def read_schema_file(args):
    try:
        with open(args.schema_file, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        fail(f"cannot read {args.schema_file}: {e}")


def avro_serializer(client, args):
    from confluent_kafka.schema_registry.avro import AvroSerializer

    serializer = AvroSerializer(client, read_schema_file(args), conf=serializer_conf(args))
    return lambda value, ctx: serializer(value, ctx)


def json_serializer(client, args):
    from confluent_kafka.schema_registry.json_schema import JSONSerializer

    serializer = JSONSerializer(read_schema_file(args), client, conf=serializer_conf(args))
    return lambda value, ctx: serializer(value, ctx)


def protobuf_serializer(client, args):
    from google.protobuf import descriptor_pb2, json_format
    from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
    from protobuf_pool import PoolBuilder

    try:
        with open(args.descriptor_set, "rb") as f:
            file_set = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    except (OSError, ValueError) as e:
        fail(f"cannot read the FileDescriptorSet {args.descriptor_set}: {e}")
    files = {file.name: file for file in file_set.file}
    builder = PoolBuilder(files.get)
    try:
        for name in files:
            builder.add(name)
        cls = builder.message_class(args.message)
    except (ValueError, TypeError) as e:
        fail(f"{args.descriptor_set}: {e}")
    serializer = ProtobufSerializer(cls, client, conf=serializer_conf(args))

    def serialize(value, ctx):
        message = json_format.ParseDict(value, cls())
        return serializer(message, ctx)

    return serialize


def main():
    args = parse_args()
    records = read_records(args.values, parse_headers(args.header))
    client = SchemaRegistryClient({"url": args.registry})
    make = {"avro": avro_serializer, "protobuf": protobuf_serializer, "json": json_serializer}
    serialize = make[args.format](client, args)
    ensure_topic(args.bootstrap, args.topic, args.timeout)

    producer = Producer({"bootstrap.servers": args.bootstrap, "acks": "all", "linger.ms": 5})
    key_serializer = StringSerializer("utf_8")
    value_ctx = SerializationContext(args.topic, MessageField.VALUE)
    key_ctx = SerializationContext(args.topic, MessageField.KEY)
    reports = [None] * len(records)

    def on_delivery(index, schema_id):
        def report(err, msg):
            reports[index] = (err, msg, schema_id)
        return report

    # Every value is serialized (and its schema registered) before anything is produced, so a
    # refused record leaves the topic untouched.
    encoded = []
    for index, (key, value, headers) in enumerate(records):
        try:
            data = None if value is None else serialize(value, value_ctx)
        except Exception as e:  # ParseError, SerializationError, SchemaRegistryError, ...
            fail(f"record {index}: cannot serialize the value: {type(e).__name__}: {e}")
        encoded.append((key_serializer(key, key_ctx), data, headers))
    for index, (key, data, headers) in enumerate(encoded):
        schema_id = int.from_bytes(data[1:5], "big") if data and len(data) >= 5 and data[0] == 0 else None
        producer.produce(args.topic, key=key, value=data, headers=headers or None,
                         on_delivery=on_delivery(index, schema_id))
        producer.poll(0)
    remaining = producer.flush(args.timeout)
    if remaining:
        fail(f"{remaining} of {len(records)} records not acknowledged within {args.timeout} s")
    for index, (key, _, _) in enumerate(records):
        if reports[index] is None:
            fail(f"record {index}: no delivery report")
        err, msg, schema_id = reports[index]
        if err is not None:
            fail(f"record {index}: delivery failed: {err}")
        print(json.dumps({"key": key, "partition": msg.partition(), "offset": msg.offset(),
                          "schema_id": schema_id}), flush=True)


if __name__ == "__main__":
    main()
