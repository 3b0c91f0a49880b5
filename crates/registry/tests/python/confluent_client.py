"""Drives a schemagate registry with Confluent's own Python client (PyPI confluent-kafka).

usage: python3 confluent_client.py URL [USER:PASSWORD]

Exercises register / lookup / get_latest_version / test_compatibility for AVRO, JSON and
PROTOBUF (with a reference), an incompatible registration refused with HTTP 409, config and
deletion calls, and an Avro and JSON Schema serializer round trip. Prints one line per check
and exits non-zero on the first failure.
"""

import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

from checks import check, summary



def expect_error(call, status, what):
    try:
        call()
    except SchemaRegistryError as e:
        check(e.http_status_code == status, what, f"(got HTTP {e.http_status_code}, code {e.error_code}: {e.error_message})")
        return e
    check(False, what, "(no error raised)")


def exercise(client, subject, v1, compatible, incompatible):
    """The common lifecycle of one format: v1, a compatible v2, an incompatible v3."""
    kind = v1.schema_type
    schema_id = client.register_schema(subject, v1)
    check(isinstance(schema_id, int) and schema_id > 0, f"{kind}: register_schema returns an id")
    check(client.register_schema(subject, v1) == schema_id, f"{kind}: registering again returns the same id")
    found = client.lookup_schema(subject, v1)
    check(found.schema_id == schema_id and found.version == 1, f"{kind}: lookup_schema finds version 1")
    latest = client.get_latest_version(subject)
    check(latest.schema_id == schema_id and latest.version == 1, f"{kind}: get_latest_version")
    check(latest.schema.schema_type == kind, f"{kind}: latest version has schemaType {kind}", latest.schema.schema_type)
    check(client.get_schema(schema_id).schema_str == v1.schema_str, f"{kind}: get_schema by id")
    check(client.test_compatibility(subject, compatible) is True, f"{kind}: test_compatibility true")
    check(client.test_compatibility(subject, incompatible) is False, f"{kind}: test_compatibility false")
    check(client.test_compatibility_all_versions(subject, incompatible) is False, f"{kind}: test_compatibility_all_versions false")
    e = expect_error(lambda: client.register_schema(subject, incompatible), 409, f"{kind}: incompatible registration refused with 409")
    check(e.error_code == 409, f"{kind}: error_code 409", e.error_code)
    v2 = client.register_schema(subject, compatible)
    check(v2 > schema_id, f"{kind}: compatible version registered with a new id")
    check(client.get_versions(subject) == [1, 2], f"{kind}: get_versions", client.get_versions(subject))
    check(client.get_version(subject, 1).schema_id == schema_id, f"{kind}: get_version 1")
    return schema_id


def avro(fields):
    return Schema(json.dumps({"type": "record", "name": "Order", "namespace": "shop", "fields": fields}), "AVRO")


def main():
    url = sys.argv[1]
    conf = {"url": url}
    if len(sys.argv) > 2:
        conf["basic.auth.user.info"] = sys.argv[2]
    client = SchemaRegistryClient(conf)

    check(sorted(client.get_schema_types()) == ["AVRO", "JSON", "PROTOBUF"], "get_schema_types")

    # AVRO
    exercise(
        client,
        "py-avro-value",
        avro([{"name": "id", "type": "string"}]),
        avro([{"name": "id", "type": "string"}, {"name": "note", "type": "string", "default": ""}]),
        avro([{"name": "id", "type": "string"}, {"name": "qty", "type": "int"}]),
    )

    # JSON Schema: a closed content model; adding an optional property keeps readers working,
    # changing a property's type does not.
    def js(properties):
        return Schema(
            json.dumps({"type": "object", "properties": properties, "additionalProperties": False}), "JSON"
        )

    exercise(
        client,
        "py-json-value",
        js({"id": {"type": "string"}}),
        js({"id": {"type": "string"}, "note": {"type": "string"}}),
        js({"id": {"type": "integer"}}),
    )

    # PROTOBUF with a reference: the imported file is its own subject, named by its import path.
    money = Schema('syntax = "proto3";\npackage common;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n', "PROTOBUF")
    money_id = client.register_schema("common/money.proto", money)
    check(money_id > 0, "PROTOBUF: the referenced file registers under its import path")
    reference = [SchemaReference("common/money.proto", "common/money.proto", 1)]

    def payment(body):
        text = 'syntax = "proto3";\npackage payments;\n\nimport "common/money.proto";\n\nmessage Payment {\n' + body + "}\n"
        return Schema(text, "PROTOBUF", reference)

    payment_id = exercise(
        client,
        "py-proto-value",
        payment("  string id = 1;\n  common.Money amount = 2;\n"),
        payment("  string id = 1;\n  common.Money amount = 2;\n  string note = 3;\n"),
        payment("  string id = 1;\n  int64 amount = 2;\n"),
    )
    latest = client.get_latest_version("py-proto-value")
    refs = [(r.name, r.subject, r.version) for r in latest.schema.references]
    check(refs == [("common/money.proto", "common/money.proto", 1)], "PROTOBUF: references come back", refs)
    check(payment_id in client.get_referenced_by("common/money.proto", 1), "PROTOBUF: get_referenced_by")

    # Configuration and deletion.
    check(client.get_compatibility() == "BACKWARD", "get_compatibility (global default)")
    client.set_compatibility("py-avro-value", "FULL")
    check(client.get_compatibility("py-avro-value") == "FULL", "set_compatibility on a subject")
    subjects = client.get_subjects()
    check({"py-avro-value", "py-json-value", "py-proto-value", "common/money.proto"} <= set(subjects), "get_subjects", subjects)
    check(client.delete_version("py-json-value", 2) == 2, "delete_version (soft)")
    check(client.delete_subject("py-json-value") == [1], "delete_subject (soft)")
    check(client.delete_subject("py-json-value", permanent=True) == [1, 2], "delete_subject (permanent)")
    # (a fresh client: the first one caches latest versions)
    expect_error(lambda: SchemaRegistryClient(conf).get_latest_version("py-json-value"), 404, "a deleted subject is gone")

    # Serializer round trips: the client registers through the serializer and reads back by id.
    from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    ctx = SerializationContext("py-serde", MessageField.VALUE)
    record = json.dumps({"type": "record", "name": "Line", "fields": [{"name": "sku", "type": "string"}, {"name": "n", "type": "int"}]})
    data = AvroSerializer(client, record)({"sku": "A-1", "n": 3}, ctx)
    check(data[0] == 0 and len(data) > 5, "AvroSerializer writes the wire format")
    fresh = SchemaRegistryClient(conf)
    check(AvroDeserializer(fresh)(data, ctx) == {"sku": "A-1", "n": 3}, "AvroDeserializer reads it back by id")

    try:
        from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
    except ImportError:
        JSONSerializer = None
    if JSONSerializer is None:
        print("skipped: JSON Schema serializer round trip (needs the 'json' extra: jsonschema)", flush=True)
    else:
        jctx = SerializationContext("py-serde-json", MessageField.VALUE)
        schema = json.dumps({"type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]})
        data = JSONSerializer(schema, client)({"sku": "B-2"}, jctx)
        check(JSONDeserializer(schema, schema_registry_client=fresh)(data, jctx) == {"sku": "B-2"}, "JSON Schema serializer round trip")

    summary()


if __name__ == "__main__":
    main()
