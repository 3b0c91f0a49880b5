#!/usr/bin/env python3
"""Deserialize one Avro value with PyPI confluent-kafka's AvroDeserializer, for interop tests
that need no broker.

usage:
  decode.py --registry URL --topic TOPIC --hex BYTES

BYTES is a record value in Confluent's wire format, as hex. The deserializer (without a reader
schema) fetches the writer schema by the id in the bytes from the registry at URL, with the
schemas its `references` name (confluent-kafka resolves them into named types), and decodes.
Prints the value as one JSON object; exits 1 with a message on stderr when it fails.
"""

import argparse
import json

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

from consume import to_json
from script_common import fail


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", required=True, help="schema registry URL")
    parser.add_argument("--topic", required=True)
    parser.add_argument("--hex", required=True, help="the value bytes, hex-encoded")
    args = parser.parse_args()
    deserializer = AvroDeserializer(SchemaRegistryClient({"url": args.registry}))
    try:
        value = deserializer(bytes.fromhex(args.hex), SerializationContext(args.topic, MessageField.VALUE))
    except Exception as e:  # the deserializer's own error is the message
        fail(f"AvroDeserializer: {type(e).__name__}: {e}")
    print(json.dumps(value, default=to_json, sort_keys=True))


if __name__ == "__main__":
    main()
