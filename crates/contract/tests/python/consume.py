#!/usr/bin/env python3
"""Consume records with PyPI confluent-kafka's own deserializers, for wire-format interop tests.

usage:
  consume.py --bootstrap HOST:PORT --registry URL --topic TOPIC --format avro|protobuf|json
             --count N [--message FULL.NAME] [--subject SUBJECT] [--group GROUP]
             [--timeout SECONDS]

Reads the first N records of TOPIC from the beginning (a confluent_kafka.Consumer subscribed
with group GROUP, default a fresh random one, auto.offset.reset=earliest, no commits) and
deserializes each value with the real deserializer and the registry at URL:
  - avro: AvroDeserializer without a reader schema (the writer schema, fetched by the id in the
    record, is used).
  - protobuf: ProtobufDeserializer. Its message class is built without protoc, on the first
    record: the latest version of subject `TOPIC-value` (or --subject) is fetched with ?format=serialized (a
    base64 FileDescriptorProto), then, recursively, each entry of its `references` list
    (subject/version, also ?format=serialized); the files go into a fresh DescriptorPool
    dependencies first. Well-known imports (google/protobuf/*, google/type/*, confluent/*) come
    from the Python packages whether or not the registry has them. The class is --message, or
    by default the first message declared in the `TOPIC-value` file.
  - json: JSONDeserializer without a schema of its own: the writer schema behind the record's id
    is fetched from the registry and the value validated against it.

Prints one JSON object per record, in the order received (offset order: one partition), one a line:
  {"key": "0", "headers": {"source": "py"}, "value": {...}, "schema_id": 3}
  - key: the key bytes as UTF-8 text, or null.
  - headers: name -> value as UTF-8 text (null for a header without a value); a repeated name
    keeps its last value.
  - value: avro: the deserialized dict (union members bare, enums as symbols; bytes/fixed as
    text with one char per byte, as Avro's JSON encoding does); protobuf:
    json_format.MessageToDict(preserving_proto_field_name=True) (proto3 defaults omitted, int64
    as strings, enums by name, Timestamp as RFC 3339); null for a tombstone.
  - schema_id: the big-endian int in value bytes 1..5 (null when the value has no magic byte 0).
Exits 1 with a message on stderr when fewer than N records arrive within --timeout (default
30 s), or when the consumer or a deserializer fails.
"""

import base64
import datetime
import decimal
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.serialization import MessageField, SerializationContext

from script_common import fail, topic_parser


def parse_args():
    parser = topic_parser(__doc__)
    parser.add_argument("--count", required=True, type=int, help="how many records to read")
    parser.add_argument("--message", help="Protobuf: full name of the message (default: the one each record names)")
    parser.add_argument("--subject", help="Protobuf with --message: the value subject (default TOPIC-value)")
    parser.add_argument("--group", help="consumer group id (default: a fresh random one)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the N records")
    return parser.parse_args()


def avro_deserializer(client, args):
    from confluent_kafka.schema_registry.avro import AvroDeserializer

    deserializer = AvroDeserializer(client)
    return lambda data, ctx: deserializer(data, ctx)


def json_deserializer(client, args):
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer

    deserializer = JSONDeserializer(None, schema_registry_client=client)
    return lambda data, ctx: deserializer(data, ctx)


def read_message_indexes(data):
    """The message-index path after the 5-byte header (zigzag varints: count, then indexes;
    a count of 0 means [0])."""
    position = 5

    def varint():
        nonlocal position
        shift = result = 0
        while True:
            if position >= len(data):
                raise ValueError("truncated message indexes")
            byte = data[position]
            position += 1
            result |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return (result >> 1) ^ -(result & 1)

    count = varint()
    if count < 0:
        raise ValueError(f"negative message-index count {count}")
    return [varint() for _ in range(count)] or [0]


def protobuf_file(client, schema, fallback_name):
    """A pool holding `schema` (a registered Schema in serialized form) and, recursively, its
    references; answers (PoolBuilder, the schema's own FileDescriptorProto)."""
    from google.protobuf import descriptor_pb2
    from protobuf_pool import PoolBuilder

    def decode(schema_str):
        return descriptor_pb2.FileDescriptorProto.FromString(base64.standard_b64decode(schema_str))

    references = {}  # import name -> (subject, version), gathered while walking

    def note(refs):
        for ref in refs or []:
            references.setdefault(ref.name, (ref.subject, ref.version))

    def lookup(name):
        if name not in references:
            return None
        registered = client.get_version(*references[name], fmt="serialized")
        note(registered.schema.references)
        return decode(registered.schema.schema_str)

    main_file = decode(schema.schema_str)
    note(schema.references)
    main_name = main_file.name or fallback_name
    if main_name in references or main_name in main_file.dependency:
        main_name = fallback_name
    builder = PoolBuilder(lookup)
    builder.add(main_name, main_file)
    return builder, main_file


def protobuf_deserializer(client, args):
    """With --message: that class, from the latest version of `TOPIC-value`. Without: per record,
    the message its index path names in its writer schema (fetched by the record's id)."""
    from google.protobuf import json_format
    from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer

    subject = args.subject or f"{args.topic}-value"
    fallback_name = f"{subject}.proto"
    files = {}  # schema id (or "latest") -> (PoolBuilder, FileDescriptorProto)
    deserializers = {}  # message full name -> ProtobufDeserializer

    def message_class(data):
        if args.message is not None:
            if "latest" not in files:  # on the first record: the schema is registered by now
                files["latest"] = protobuf_file(
                    client, client.get_version(subject, "latest", fmt="serialized").schema, fallback_name)
            return files["latest"][0].message_class(args.message)
        schema_id = int.from_bytes(data[1:5], "big")
        if schema_id not in files:
            files[schema_id] = protobuf_file(client, client.get_schema(schema_id, fmt="serialized"), fallback_name)
        builder, file = files[schema_id]
        names, level = [file.package] if file.package else [], file.message_type
        for index in read_message_indexes(data):
            if not 0 <= index < len(level):
                raise ValueError(f"message index {index} out of range in schema {schema_id}")
            names.append(level[index].name)
            level = level[index].nested_type
        return builder.message_class(".".join(names))

    def deserialize(data, ctx):
        cls = message_class(data)
        name = cls.DESCRIPTOR.full_name
        if name not in deserializers:
            deserializers[name] = ProtobufDeserializer(cls, {"use.deprecated.format": False}, client)
        message = deserializers[name](data, ctx)
        return json_format.MessageToDict(message, preserving_proto_field_name=True)

    return deserialize


def to_json(value):
    """json.dumps fallback for what fastavro hands back beyond plain JSON."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def text(data):
    return None if data is None else data.decode("utf-8", errors="replace")


def main():
    args = parse_args()
    client = SchemaRegistryClient({"url": args.registry})
    make = {"avro": avro_deserializer, "protobuf": protobuf_deserializer, "json": json_deserializer}
    deserialize = make[args.format](client, args)
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group or f"consume-py-{uuid.uuid4()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "enable.partition.eof": False,
    })
    consumer.subscribe([args.topic])
    ctx = SerializationContext(args.topic, MessageField.VALUE)
    received = 0
    last_error = None
    deadline = time.monotonic() + args.timeout
    try:
        while received < args.count:
            left = deadline - time.monotonic()
            if left <= 0:
                detail = f" (last consumer error: {last_error})" if last_error else ""
                fail(f"only {received} of {args.count} records arrived on {args.topic} "
                     f"within {args.timeout} s{detail}")
            msg = consumer.poll(min(left, 1.0))
            if msg is None:
                continue
            if msg.error():
                # A topic not there yet, or a group still forming, may heal before the deadline.
                if msg.error().fatal() or msg.error().code() not in (
                        KafkaError.UNKNOWN_TOPIC_OR_PART, KafkaError._PARTITION_EOF, KafkaError._TRANSPORT,
                        KafkaError.LEADER_NOT_AVAILABLE, KafkaError.NOT_COORDINATOR,
                        KafkaError.COORDINATOR_NOT_AVAILABLE, KafkaError.COORDINATOR_LOAD_IN_PROGRESS):
                    fail(f"consumer error: {msg.error()}")
                last_error = msg.error()
                continue
            data = msg.value()
            try:
                value = None if data is None else deserialize(data, ctx)
            except Exception as e:  # SerializationError, SchemaRegistryError, ValueError, ...
                fail(f"record at offset {msg.offset()}: cannot deserialize the value: {type(e).__name__}: {e}")
            schema_id = int.from_bytes(data[1:5], "big") if data and len(data) >= 5 and data[0] == 0 else None
            headers = {name: text(v) for name, v in (msg.headers() or [])}
            print(json.dumps({"key": text(msg.key()), "headers": headers, "value": value,
                              "schema_id": schema_id}, default=to_json), flush=True)
            received += 1
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
