#!/usr/bin/env bash
# `schemagate gen client` on a large real spec: generation time, then the build time of the
# generated crate (debug, dependencies already built in the shared target dir, so the figure is
# the crate itself).
#
#   bench/gen-client.sh SPEC [SCHEMAGATE] [TARGET_DIR]
#   bench/gen-client.sh ../shared/corpora/real-specs/st-new.yaml target/release/schemagate
set -euo pipefail
spec=${1:?usage: gen-client.sh SPEC [SCHEMAGATE] [TARGET_DIR]}
bin=${2:-target/release/schemagate}
target=${3:-$PWD/target}
lock=$PWD/Cargo.lock
out=$(mktemp -d)/client
trap 'rm -rf "$(dirname "$out")"' EXIT

echo "== generate ($spec)"
/usr/bin/time -f "generation: %e s wall, %U s user, %M KB max RSS" \
  "$bin" gen client "$spec" --out "$out" 2>"$out.stderr" >/dev/null || { cat "$out.stderr"; exit 1; }
grep -v ' warning: ' "$out.stderr" || true
echo "warnings: $(grep -c ' warning: ' "$out.stderr" || true)"
echo "operations: $(grep -c 'pub async fn' "$out/src/client.rs")," \
  "types: $(grep -cE '^pub (struct|enum|type) ' "$out/src/types.rs")," \
  "lines: $(cat "$out"/src/*.rs | wc -l)"

cp "$lock" "$out/Cargo.lock"
cd "$out"
# Dependencies first (not measured), then the crate alone.
CARGO_TARGET_DIR=$target cargo build --offline --quiet 2>/dev/null || true
CARGO_TARGET_DIR=$target cargo clean --offline --quiet -p "$(basename "$out")"
echo "== cargo build (debug, the generated crate only)"
CARGO_TARGET_DIR=$target /usr/bin/time -f "build: %e s wall, %U s user, %M KB max RSS" cargo build --offline --quiet
CARGO_TARGET_DIR=$target cargo clean --offline --quiet -p "$(basename "$out")"
echo "== cargo check"
CARGO_TARGET_DIR=$target /usr/bin/time -f "check: %e s wall, %U s user, %M KB max RSS" cargo check --offline --quiet
