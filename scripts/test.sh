#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need, then runs
# formatting, lint and every test. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v git >/dev/null 2>&1 || need_apt+=(git)
if ((${#need_apt[@]})); then
  echo "==> installing ${need_apt[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need_apt[@]}"
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo (Rust 1.95) is required" >&2; exit 2; }

# The Avro differential test compares verdicts with PyPI's `avro` package; the registry server
# is exercised with Confluent's own Python client.
if ! python3 -c "import avro.compatibility, confluent_kafka.schema_registry, jsonschema" >/dev/null 2>&1; then
  echo "==> pip install avro, confluent-kafka[schemaregistry,protobuf,avro,json]"
  python3 -m pip install --quiet --disable-pip-version-check avro "confluent-kafka[schemaregistry,protobuf,avro,json]"
fi

# The SARIF output is validated against the official SARIF 2.1.0 schema, which ships in
# Microsoft's SARIF multitool npm package; PyPI's jsonschema runs the validation.
deps=target/test-deps
if [ ! -s "$deps/sarif-2.1.0.json" ]; then
  echo "==> fetching the SARIF 2.1.0 schema (npm @microsoft/sarif-multitool-linux)"
  mkdir -p "$deps"
  (cd "$deps" && npm pack --silent @microsoft/sarif-multitool-linux@5.7.0 >/dev/null \
    && tar -xzf microsoft-sarif-multitool-linux-5.7.0.tgz package/sarif-2.1.0.json \
    && mv package/sarif-2.1.0.json . && rm -rf package microsoft-sarif-multitool-linux-5.7.0.tgz)
fi
if ! python3 -c "import jsonschema" >/dev/null 2>&1; then
  echo "==> pip install jsonschema"
  python3 -m pip install --quiet --disable-pip-version-check jsonschema
fi
export SCHEMAGATE_SARIF_SCHEMA="$PWD/$deps/sarif-2.1.0.json"

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo test"
cargo test --workspace --locked
