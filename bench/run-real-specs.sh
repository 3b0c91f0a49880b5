#!/usr/bin/env bash
# Times `schemagate diff` on real published OpenAPI specs: two versions of Stripe's spec3.yaml
# and of Twilio's twilio_api_v2010.json (../shared/corpora/real-specs in this workplace; or any
# folder holding st-old.yaml, st-new.yaml, tw-old.json, tw-new.json — see bench/README.md for
# where they come from). With OASDIFF=/path/to/oasdiff it runs oasdiff's changelog on the same
# pairs, one after the other, under the same limits (TIMEOUT seconds, default 120; MEM_KB of
# virtual memory for oasdiff, default 8 GiB).
#
#   bench/run-real-specs.sh [SPECS_DIR] [SCHEMAGATE_BIN] [RUNS]
set -uo pipefail
cd "$(dirname "$0")/.."
specs="${1:-../shared/corpora/real-specs}"
bin="${2:-target/release/schemagate}"
runs="${3:-3}"
timeout_s="${TIMEOUT:-120}"
mem_kb="${MEM_KB:-8388608}"
[ -x "$bin" ] || { echo "no schemagate binary at $bin (cargo build --release)" >&2; exit 2; }
[ -d "$specs" ] || { echo "no specs folder at $specs" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "GNU time is needed: apt-get install -y time" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

measure() { # label, command...
  local label="$1"; shift
  for i in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$out/time" timeout "$timeout_s" "$@" >"$out/stdout" 2>"$out/stderr"
    local rc=$?
    read -r wall rss <"$out/time" 2>/dev/null || { wall="?"; rss=0; }
    local findings
    findings=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["findings"]) if isinstance(d, dict) else len(d))' "$out/stdout" 2>/dev/null || echo "-")
    printf '%-34s run %s: exit %-3s %6s s  %7.1f MiB  %s findings\n' "$label" "$i" "$rc" "$wall" "$(echo "$rss / 1024" | bc -l)" "$findings"
    [ "$rc" = 124 ] && { echo "    killed at ${timeout_s} s"; break; }
  done
}

for pair in "st-old.yaml st-new.yaml Stripe" "tw-old.json tw-new.json Twilio"; do
  set -- $pair
  old="$specs/$1"; new="$specs/$2"
  [ -f "$old" ] && [ -f "$new" ] || { echo "missing $old or $new, skipped"; continue; }
  measure "schemagate $3 (diff)" "$bin" diff "$new" --against "$old" --format json
  measure "schemagate $3 (identity)" "$bin" diff "$old" --against "$old" --format json
  if [ -n "${OASDIFF:-}" ]; then
    measure "oasdiff $3 (changelog)" bash -c "ulimit -v $mem_kb; exec \"\$0\" changelog \"\$1\" \"\$2\" --format json --level INFO --deprecation-days-beta 31 --deprecation-days-stable 180" "$OASDIFF" "$old" "$new"
  fi
done
