"""Confluent's ProtobufSerializer against a schemagate registry: schemas in descriptor form.

usage: python3 protobuf_descriptors.py URL

The serializer registers the base64 of each file's FileDescriptorProto (the main file and,
as their own subjects, the files it imports). The message classes are built without protoc:
FileDescriptorProto values made here, added to a DescriptorPool. Checks that the subjects
exist, that a second serializer reuses the id, that the bytes read back, and that an
incompatible change is refused. Prints one line per check and exits non-zero on the first
failure.
"""

import base64
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError

from checks import check, summary

F = descriptor_pb2.FieldDescriptorProto


def add_field(message, name, number, kind, type_name=None, label=F.LABEL_OPTIONAL):
    field = message.field.add(name=name, number=number, type=kind, label=label)
    if type_name:
        field.type_name = type_name
    return field


def money_file():
    f = descriptor_pb2.FileDescriptorProto(name="pyd/common/money.proto", package="pyd.common", syntax="proto3")
    money = f.message_type.add(name="Money")
    add_field(money, "currency", 1, F.TYPE_STRING)
    add_field(money, "units", 2, F.TYPE_INT64)
    return f


def order_file(amount_kind):
    """pyd/order.proto: imports money.proto and timestamp.proto; `amount` is a Money message,
    or `amount_kind` when given (the incompatible variant)."""
    f = descriptor_pb2.FileDescriptorProto(
        name="pyd/order.proto",
        package="pyd",
        syntax="proto3",
        dependency=["pyd/common/money.proto", "google/protobuf/timestamp.proto"],
    )
    order = f.message_type.add(name="Order")
    add_field(order, "id", 1, F.TYPE_STRING)
    if amount_kind is None:
        add_field(order, "amount", 2, F.TYPE_MESSAGE, ".pyd.common.Money")
    else:
        add_field(order, "amount", 2, amount_kind)
    add_field(order, "created", 3, F.TYPE_MESSAGE, ".google.protobuf.Timestamp")
    add_field(order, "labels", 4, F.TYPE_MESSAGE, ".pyd.Order.LabelsEntry", F.LABEL_REPEATED)
    entry = order.nested_type.add(name="LabelsEntry")
    entry.options.map_entry = True
    add_field(entry, "key", 1, F.TYPE_STRING)
    add_field(entry, "value", 2, F.TYPE_STRING)
    order.oneof_decl.add(name="contact")
    add_field(order, "email", 5, F.TYPE_STRING).oneof_index = 0
    add_field(order, "phone", 6, F.TYPE_STRING).oneof_index = 0
    order.oneof_decl.add(name="_note")
    note = add_field(order, "note", 7, F.TYPE_STRING)
    note.oneof_index = 1
    note.proto3_optional = True
    status = order.enum_type.add(name="Status")
    status.value.add(name="NEW", number=0)
    status.value.add(name="PAID", number=1)
    add_field(order, "status", 8, F.TYPE_ENUM, ".pyd.Order.Status")
    return f


def order_class(amount_kind=None):
    """A fresh pool per variant, so both versions of pyd/order.proto can exist."""
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
    pool.Add(money_file())
    pool.Add(order_file(amount_kind))
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("pyd.Order"))


def serializer(client, cls):
    # skip.known.types False: timestamp.proto is registered as a dependency subject too.
    conf = {"auto.register.schemas": True, "use.deprecated.format": False, "skip.known.types": False}
    return ProtobufSerializer(cls, client, conf)


def main():
    url = sys.argv[1]
    client = SchemaRegistryClient({"url": url})
    ctx = SerializationContext("pyd-orders", MessageField.VALUE)

    Order = order_class()
    message = Order(id="o-1", email="a@b.c", note="", status=1)
    message.amount.currency = "EUR"
    message.amount.units = 12
    message.created.seconds = 1_700_000_000
    message.labels["channel"] = "web"

    data = serializer(client, Order)(message, ctx)
    check(data[0] == 0 and len(data) > 6, "ProtobufSerializer writes the wire format")
    schema_id = int.from_bytes(data[1:5], "big")
    subjects = set(client.get_subjects())
    expected = {"pyd-orders-value", "pyd/common/money.proto", "google/protobuf/timestamp.proto"}
    check(expected <= subjects, "the main file and both imports are subjects", sorted(subjects))

    latest = client.get_latest_version("pyd-orders-value")
    check(latest.schema_id == schema_id, "the serialized id is the subject's latest version")
    text = latest.schema.schema_str
    check("import \"pyd/common/money.proto\";" in text and "map<string, string> labels = 4;" in text,
          "the registry stores the descriptor as .proto source", text)
    refs = sorted((r.name, r.subject, r.version) for r in latest.schema.references)
    check(refs == [("google/protobuf/timestamp.proto", "google/protobuf/timestamp.proto", 1),
                   ("pyd/common/money.proto", "pyd/common/money.proto", 1)], "references by file name", refs)

    fresh = SchemaRegistryClient({"url": url})
    again = serializer(fresh, Order)(message, ctx)
    check(again[1:5] == data[1:5], "a second serializer registers the same descriptor under the same id")
    check(client.get_versions("pyd-orders-value") == [1], "no new version for the same descriptor")

    # The deserializer fetches the writer schema and its references with ?format=serialized.
    deserializer = ProtobufDeserializer(Order, {"use.deprecated.format": False}, SchemaRegistryClient({"url": url}))
    back = deserializer(data, ctx)
    check(back == message, "ProtobufDeserializer reads the bytes back through the registry", back)
    served = client.get_schema(schema_id, fmt="serialized").schema_str
    file = descriptor_pb2.FileDescriptorProto.FromString(base64.standard_b64decode(served))
    file.name = "pyd/order.proto"
    expected_file = order_file(None)
    check(file == expected_file, "format=serialized serves the registered descriptor back", f"{file}\nvs\n{expected_file}")

    # `amount` turns from a Money message into a string: refused.
    Broken = order_class(F.TYPE_STRING)
    broken = Broken(id="o-2", amount="12 EUR")
    try:
        serializer(SchemaRegistryClient({"url": url}), Broken)(broken, ctx)
        check(False, "an incompatible descriptor is refused", "(serialized)")
    except SerializationError as e:
        print(f"  refused: {e}", flush=True)
        check("409" in str(e) or "ncompatible" in str(e), "an incompatible descriptor is refused", str(e))
    except SchemaRegistryError as e:
        check(e.http_status_code == 409, "an incompatible descriptor is refused with 409", e)
    check(client.get_versions("pyd-orders-value") == [1], "the refused change added no version")

    summary()


if __name__ == "__main__":
    main()
