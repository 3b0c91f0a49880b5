#!/usr/bin/env bash
# Benchmark `buf breaking` against `schemagate breaking` on the same two trees
# and compare their findings.
#
# Usage: bench/run-googleapis.sh [NEW_DIR] [OLD_DIR] [SCHEMAGATE_BIN]
#   NEW_DIR         default /work/bench-data/googleapis-new
#   OLD_DIR         default /work/bench-data/googleapis-old
#   SCHEMAGATE_BIN  default <repo root>/target/release/schemagate
# Environment: BUF (default: buf), OUT_DIR (default: a fresh mktemp -d),
#              EXAMPLES (examples shown per side, default 20).
#
# Findings are compared by (rule, path, start_line, start_column) after this
# normalisation, applied identically to both tools:
#   * path is made relative to the input root (buf prints it prefixed by the
#     NEW directory as given on the command line);
#   * a finding with no path (buf's FILE_NO_DELETE has none) takes the first
#     quoted "*.proto" name in its message as path;
#   * a "no location" position (line 0 / column 0) is counted as 1:1, which is
#     what buf prints for file-level findings.
# The script does not fail when schemagate is missing: it then reports buf only.
set -uo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

NEW_DIR="${1:-/work/bench-data/googleapis-new}"
OLD_DIR="${2:-/work/bench-data/googleapis-old}"
SG_BIN="${3:-$REPO_ROOT/target/release/schemagate}"
BUF="${BUF:-buf}"
EXAMPLES="${EXAMPLES:-20}"

for d in "$NEW_DIR" "$OLD_DIR"; do
  if [[ ! -d "$d" ]]; then
    echo "error: directory not found: $d (see bench/fetch-googleapis.sh)" >&2
    exit 2
  fi
done
NEW_DIR="$(cd "$NEW_DIR" && pwd)"
OLD_DIR="$(cd "$OLD_DIR" && pwd)"
if ! command -v "$BUF" >/dev/null 2>&1; then
  echo "error: buf not found (pip install buf-bin)" >&2
  exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "error: python3 is needed to compare the outputs" >&2
  exit 2
fi

OUT_DIR="${OUT_DIR:-$(mktemp -d /tmp/schemagate-bench.XXXXXX)}"
mkdir -p "$OUT_DIR"

GNU_TIME=/usr/bin/time
if ! "$GNU_TIME" -v true >/dev/null 2>&1; then
  echo "warning: GNU time not found (apt-get install -y time); max RSS will be n/a" >&2
  GNU_TIME=""
fi

# run NAME OUTFILE CMD... : runs CMD with stdout to OUTFILE, stderr to
# $OUT_DIR/NAME.stderr, resource usage to $OUT_DIR/NAME.time; writes exit code
# to $OUT_DIR/NAME.rc and wall seconds to $OUT_DIR/NAME.wall.
run() {
  local name="$1" out="$2"; shift 2
  local t0 t1 rc
  t0=$(date +%s.%N)
  if [[ -n "$GNU_TIME" ]]; then
    "$GNU_TIME" -v -o "$OUT_DIR/$name.time" "$@" >"$out" 2>"$OUT_DIR/$name.stderr"
  else
    "$@" >"$out" 2>"$OUT_DIR/$name.stderr"
  fi
  rc=$?
  t1=$(date +%s.%N)
  echo "$rc" >"$OUT_DIR/$name.rc"
  python3 -c "print(f'{$t1 - $t0:.2f}')" >"$OUT_DIR/$name.wall"
}

echo "new:        $NEW_DIR ($(find "$NEW_DIR" -name '*.proto' | wc -l) .proto files)"
echo "old:        $OLD_DIR ($(find "$OLD_DIR" -name '*.proto' | wc -l) .proto files)"
echo "buf:        $(command -v "$BUF") $("$BUF" --version 2>&1)"
echo "outputs in: $OUT_DIR"
echo

echo "running buf breaking ..." >&2
run buf "$OUT_DIR/buf.jsonl" "$BUF" breaking "$NEW_DIR" --against "$OLD_DIR" --error-format json

HAVE_SG=0
if [[ -x "$SG_BIN" ]]; then
  HAVE_SG=1
  echo "schemagate: $SG_BIN"
  echo "running schemagate breaking ..." >&2
  run schemagate "$OUT_DIR/schemagate.json" "$SG_BIN" breaking "$NEW_DIR" --against "$OLD_DIR" --format json
else
  echo "schemagate: not found at $SG_BIN (build with: cargo build --release); reporting buf only"
fi
echo

python3 - "$OUT_DIR" "$NEW_DIR" "$OLD_DIR" "$HAVE_SG" "$EXAMPLES" <<'PY'
import collections, json, os, re, sys

out_dir, new_dir, old_dir, have_sg, n_ex = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1", int(sys.argv[5])

def read(name):
    p = os.path.join(out_dir, name)
    return open(p, encoding="utf-8", errors="replace").read() if os.path.exists(p) else ""

def resources(name):
    wall = read(name + ".wall").strip() or "n/a"
    rss = "n/a"
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", read(name + ".time"))
    if m:
        rss = f"{int(m.group(1)) / 1024:.0f}"
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", read(name + ".time"))
    if m:
        secs = 0.0
        for part in m.group(1).split(":"):
            secs = secs * 60 + float(part)
        wall = f"{secs:.2f}"
    return wall, rss, read(name + ".rc").strip() or "n/a"

prefixes = [d.rstrip("/") + "/" for d in (new_dir, old_dir, os.path.realpath(new_dir), os.path.realpath(old_dir))]
file_in_msg = re.compile(r'"([^"\s]+\.proto)"')

def norm(rule, path, line, col, msg):
    path = path or ""
    for p in prefixes:
        if path.startswith(p):
            path = path[len(p):]
            break
    if path.startswith("./"):
        path = path[2:]
    if not path:
        m = file_in_msg.search(msg or "")
        if m:
            path = m.group(1)
    line = int(line or 0) or 1
    col = int(col or 0) or 1
    return (rule, path, line, col)

def parse_buf():
    items, bad = [], 0
    for raw in read("buf.jsonl").splitlines():
        raw = raw.strip()
        if not raw:
            continue
        try:
            d = json.loads(raw)
        except ValueError:
            bad += 1
            continue
        items.append((norm(d.get("type", "?"), d.get("path"), d.get("start_line"), d.get("start_column"), d.get("message")), d.get("message", "")))
    return items, bad

def parse_sg():
    text = read("schemagate.json").strip()
    if not text:
        return [], "empty output"
    try:
        doc = json.loads(text)
    except ValueError as e:
        return [], f"output is not one JSON document: {e}"
    items = []
    for d in doc.get("findings", []):
        items.append((norm(d.get("rule", "?"), d.get("path"), d.get("start_line"), d.get("start_column"), d.get("message")), d.get("message", "")))
    return items, None

buf_items, buf_bad = parse_buf()
rows = [("buf", *resources("buf"), len(buf_items))]
sg_items, sg_err = [], None
if have_sg:
    sg_items, sg_err = parse_sg()
    rows.append(("schemagate", *resources("schemagate"), len(sg_items)))

print(f"{'tool':<12} {'wall s':>8} {'max RSS MiB':>12} {'exit':>5} {'findings':>9}")
for tool, wall, rss, rc, n in rows:
    print(f"{tool:<12} {wall:>8} {rss:>12} {rc:>5} {n:>9}")
print()

buf_rc = read("buf.rc").strip()
if buf_rc not in ("0", "100"):
    print(f"warning: buf exited {buf_rc}; stderr: {read('buf.stderr').strip()[:500]}")
if buf_bad:
    print(f"warning: {buf_bad} buf output lines were not JSON")
if have_sg and sg_err:
    print(f"warning: schemagate {sg_err}; stderr: {read('schemagate.stderr').strip()[:500]}")

buf_rules = collections.Counter(k[0] for k, _ in buf_items)
sg_rules = collections.Counter(k[0] for k, _ in sg_items)
print(f"{'rule':<36} {'buf':>6}" + (f" {'schemagate':>10}" if have_sg else ""))
for rule in sorted(set(buf_rules) | set(sg_rules), key=lambda r: (-buf_rules[r], -sg_rules[r], r)):
    print(f"{rule:<36} {buf_rules[rule]:>6}" + (f" {sg_rules[rule]:>10}" if have_sg else ""))
print()

if not have_sg:
    sys.exit(0)

buf_keys = collections.Counter(k for k, _ in buf_items)
sg_keys = collections.Counter(k for k, _ in sg_items)
common = buf_keys & sg_keys
only_buf = buf_keys - sg_keys
only_sg = sg_keys - buf_keys
print("comparison by (rule, path, start_line, start_column):")
print(f"  common:          {sum(common.values())}")
print(f"  only buf:        {sum(only_buf.values())}")
print(f"  only schemagate: {sum(only_sg.values())}")

def examples(title, missing, items):
    if not missing:
        return
    print(f"\n{title} (up to {n_ex}):")
    left = collections.Counter(missing)
    shown = 0
    for key, msg in sorted(items):
        if shown >= n_ex:
            break
        if left[key] > 0:
            left[key] -= 1
            shown += 1
            rule, path, line, col = key
            print(f"  {rule} {path}:{line}:{col}  {msg[:160]}")

examples("only buf", only_buf, buf_items)
examples("only schemagate", only_sg, sg_items)
PY
echo
echo "raw outputs: $OUT_DIR (buf.jsonl, schemagate.json, *.time, *.stderr)"
