#!/usr/bin/env bash
# Fetch the googleapis benchmark trees from the npm package `google-proto-files`.
#
# Usage: bench/fetch-googleapis.sh [DEST]   (default DEST: /work/bench-data)
# Creates DEST/googleapis-old (google-proto-files@5.0.1, ~Aug-Sep 2025) and
# DEST/googleapis-new (google-proto-files@5.0.2, ~first half of 2026); each folder
# is an import root (google/..., grafeas/..., gapic/...). Only .proto files and the
# package LICENSE are kept. No buf.yaml is written: `buf build` works without one.
# Removes 7 files (protobuf's own test protos under google/protobuf/) that the
# real buf CLI rejects, so that `buf build` and `buf breaking` succeed on both.
# Needs: npm, tar. Expected result: old 5566 .proto files, new 7798.
set -euo pipefail

DEST="${1:-/work/bench-data}"
OLD_VERSION=5.0.1
NEW_VERSION=5.0.2
declare -A SHA1=(
  [5.0.1]=bdfc30a40fe2970ee387310f3bc57c527533ff64
  [5.0.2]=0261b05d3645d8f42b91ef6d897b19a2aebe8fd4
)
declare -A EXPECTED_FILES=([old]=5566 [new]=7798)

# Files that do not compile with buf 1.75 (present in one or both versions):
REMOVE=(
  # imports "ruby_generated_code_proto2_import.proto" (not found from the root),
  # and redeclares TestMessage/TestEnum of ruby_generated_code_proto2.proto
  google/protobuf/compiler/ruby/ruby_generated_code.proto
  # imports "ruby_generated_code_proto2_import.proto" (not found from the root)
  google/protobuf/compiler/ruby/ruby_generated_code_proto2.proto
  # message one.two.a_three.Four declared again in ruby_generated_pkg_implicit.proto
  google/protobuf/compiler/ruby/ruby_generated_pkg_explicit.proto
  # edition = "UNSTABLE" (only in 5.0.2)
  google/protobuf/json/json_enumval_custom_string.proto
  # imports google/protobuf/unittest.proto, which the package does not ship
  google/protobuf/util/json_format_proto3.proto
  # builds, but buf breaking fails: "is a MessageSet, which is a legacy proto1
  # feature that is no longer supported"
  google/protobuf/bridge/message_set.proto
  google/protobuf/sample_messages_edition.proto
)

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$DEST"

for side in old new; do
  if [[ $side == old ]]; then v=$OLD_VERSION; else v=$NEW_VERSION; fi
  echo "fetching google-proto-files@$v -> $DEST/googleapis-$side"
  (cd "$TMP" && npm pack "google-proto-files@$v" --silent >/dev/null)
  tgz="$TMP/google-proto-files-$v.tgz"
  got="$(sha1sum "$tgz" | cut -d' ' -f1)"
  if [[ "$got" != "${SHA1[$v]}" ]]; then
    echo "error: sha1 of $tgz is $got, expected ${SHA1[$v]}" >&2
    exit 1
  fi
  out="$DEST/googleapis-$side"
  rm -rf "$out"
  mkdir -p "$out"
  tar xzf "$tgz" -C "$out" --strip-components=1 --wildcards 'package/*.proto' 'package/LICENSE'
  for f in "${REMOVE[@]}"; do rm -f "$out/$f"; done
  n="$(find "$out" -name '*.proto' | wc -l)"
  echo "  $n .proto files (expected ${EXPECTED_FILES[$side]})"
  if [[ "$n" != "${EXPECTED_FILES[$side]}" ]]; then
    echo "warning: unexpected file count in $out" >&2
  fi
done

if command -v buf >/dev/null 2>&1; then
  for side in old new; do
    echo "checking: buf build $DEST/googleapis-$side"
    buf build "$DEST/googleapis-$side" -o /dev/null
  done
fi
echo "done"
