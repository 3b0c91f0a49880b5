"""Schema contexts through Confluent's own Python client (PyPI confluent-kafka).

usage: python3 confluent_contexts.py URL

Registers and reads subjects in a context with qualified names (`:.py:orders-value`) and
through a context base URL (`URL/contexts/.py`), reads ids per context with `get_schema(id,
subject_name)`, and round-trips a record through AvroSerializer (subject in a context) and
AvroDeserializer (which asks for the id with the plain topic subject). Prints one line per check
and exits non-zero on the first failure.
"""

import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from checks import check, summary


def avro(name, fields):
    return Schema(json.dumps({"type": "record", "name": name, "fields": [{"name": n, "type": t} for n, t in fields]}), "AVRO")


def main():
    url = sys.argv[1]
    client = SchemaRegistryClient({"url": url})
    plain = avro("Plain", [("a", "int")])
    team = avro("Team", [("b", "string")])

    default_id = client.register_schema("orders-value", plain)
    team_id = client.register_schema(":.py:orders-value", team)
    check(default_id == 1 and team_id == 1, "ids are per context", (default_id, team_id))
    check(client.get_schema(1).schema_str == plain.schema_str, "get_schema without a subject: the default context")
    check(client.get_schema(1, subject_name=":.py:orders-value").schema_str == team.schema_str, "get_schema in the subject's context")
    latest = client.get_latest_version(":.py:orders-value")
    check(latest.subject == ":.py:orders-value" and latest.schema_id == 1 and latest.version == 1, "get_latest_version of a qualified subject", latest.subject)
    check(client.lookup_schema(":.py:orders-value", team).schema_id == 1, "lookup_schema of a qualified subject")
    subjects = client.get_subjects()
    check(subjects == [":.py:orders-value", "orders-value"], "get_subjects lists qualified names", subjects)
    check(client.get_versions(":.py:orders-value") == [1], "get_versions of a qualified subject")

    in_context = SchemaRegistryClient({"url": url + "/contexts/.py"})
    check(in_context.get_subjects() == [":.py:orders-value"], "a context base URL lists its subjects")
    check(in_context.get_schema(1).schema_str == team.schema_str, "a context base URL reads its ids")
    in_context.set_compatibility(level="NONE")
    check(client.get_compatibility(":.py:") == "NONE", "set_compatibility through a context URL sets the context's level")
    check(client.get_compatibility() == "BACKWARD", "... not the default context's")
    other = avro("Team", [("b", "string"), ("c", "int")])
    check(client.test_compatibility(":.py:orders-value", other) is True, "test_compatibility uses the context's level")
    check(in_context.register_schema("orders-value", other) == 2, "a context base URL registers in the context")
    check(client.get_versions(":.py:orders-value") == [1, 2], "... seen through the qualified name")

    # The serializer registers under a qualified subject; the deserializer asks for the id with
    # the plain topic subject, which the registry looks for in the other contexts (the default
    # context's id 1 is another schema, `Plain`).
    line = json.dumps({"type": "record", "name": "Line", "fields": [{"name": "sku", "type": "string"}]})
    ctx = SerializationContext("ctx-orders", MessageField.VALUE)
    serializer = AvroSerializer(client, line, conf={"subject.name.strategy": lambda c, name: ":.serde:" + c.topic + "-value"})
    data = serializer({"sku": "C-3"}, ctx)
    check(int.from_bytes(data[1:5], "big") == 1, "the serializer wrote the context's id 1")
    fresh = SchemaRegistryClient({"url": url})
    check(AvroDeserializer(fresh)(data, ctx) == {"sku": "C-3"}, "the deserializer reads it back from the context")

    summary()


if __name__ == "__main__":
    main()
