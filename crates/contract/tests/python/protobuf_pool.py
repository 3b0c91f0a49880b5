"""Shared by produce.py and consume.py: building a DescriptorPool from FileDescriptorProto
values without protoc, the well-known files (google/protobuf/*, google/type/*, confluent/*)
taken from the Python packages rather than from the input.

Confluent's Protobuf serde treats those files as built in: the serializer does not register
them (skip.known.types, on by default) and the deserializer never fetches them. A descriptor set
or a registry may still carry them; the packaged copy is used either way, so both cases work.
"""

from google.protobuf import (
    any_pb2,
    api_pb2,
    descriptor_pb2,
    descriptor_pool,
    duration_pb2,
    empty_pb2,
    field_mask_pb2,
    message_factory,
    source_context_pb2,
    struct_pb2,
    timestamp_pb2,
    type_pb2,
    wrappers_pb2,
)

try:  # the same set Confluent's deserializer resolves locally (adds google/type/*, confluent/*)
    from confluent_kafka.schema_registry.common.protobuf import _init_pool as _confluent_init_pool
except ImportError:  # pragma: no cover - older or newer confluent-kafka layouts
    _confluent_init_pool = None

_GOOGLE_PROTOBUF = (any_pb2, source_context_pb2, type_pb2, api_pb2, descriptor_pb2, duration_pb2,
                    empty_pb2, field_mask_pb2, struct_pb2, timestamp_pb2, wrappers_pb2)


def _builtin_pool():
    pool = descriptor_pool.DescriptorPool()
    if _confluent_init_pool is not None:
        try:
            _confluent_init_pool(pool)
            return pool
        except Exception:  # fall back to the protobuf package's own well-known files
            pool = descriptor_pool.DescriptorPool()
    for module in _GOOGLE_PROTOBUF:
        pool.AddSerializedFile(module.DESCRIPTOR.serialized_pb)
    return pool


_BUILTINS = _builtin_pool()


def builtin_file(name):
    """The packaged FileDescriptor of a well-known file, or None."""
    try:
        return _BUILTINS.FindFileByName(name)
    except KeyError:
        return None


class PoolBuilder:
    """Adds files to a fresh DescriptorPool dependencies first.

    `lookup(name)` answers the FileDescriptorProto of a non-built-in file (or None when it is
    unknown); it is called at most once per name."""

    def __init__(self, lookup):
        self.pool = descriptor_pool.DescriptorPool()
        self._lookup = lookup
        self._added = set()

    def add(self, name, file_proto=None):
        """Adds `name` (with `file_proto` if given, else looked up) after its dependencies."""
        self._add(name, file_proto, [])

    def _add(self, name, file_proto, stack):
        if name in self._added:
            return
        if name in stack:
            raise ValueError(f"import cycle: {' -> '.join(stack + [name])}")
        builtin = builtin_file(name)
        if builtin is not None:
            file_proto = descriptor_pb2.FileDescriptorProto()
            builtin.CopyToProto(file_proto)
        elif file_proto is None:
            file_proto = self._lookup(name)
            if file_proto is None:
                chain = " <- ".join(reversed(stack)) or "(top level)"
                raise ValueError(f"no descriptor for {name!r}, imported by {chain}")
        if file_proto.name != name:
            renamed = descriptor_pb2.FileDescriptorProto()
            renamed.CopyFrom(file_proto)
            renamed.name = name
            file_proto = renamed
        for dependency in file_proto.dependency:
            self._add(dependency, None, stack + [name])
        self.pool.Add(file_proto)
        self._added.add(name)

    def message_class(self, full_name):
        try:
            descriptor = self.pool.FindMessageTypeByName(full_name)
        except KeyError:
            raise ValueError(f"message {full_name!r} is not defined in the loaded files") from None
        return message_factory.GetMessageClass(descriptor)
