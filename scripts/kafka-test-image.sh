#!/usr/bin/env bash
# Builds the local Docker image the event-contract tests run as their Kafka-API broker:
# schemagate-test/tansu:0.6.0, tansu 0.6.0 FROM scratch (see scripts/docker/tansu/Dockerfile).
# Idempotent: the tansu binary is built once into a cache outside the clone
# (${SCHEMAGATE_CACHE:-$HOME/.cache/schemagate}/tansu-0.6.0/bin/tansu, ~10 min on 2 cores) and
# the image is built only when `docker image inspect` does not find it. To rebuild the image,
# `docker image rm schemagate-test/tansu:0.6.0` first. Used by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.6.0
image="schemagate-test/tansu:$version"
root="${SCHEMAGATE_CACHE:-$HOME/.cache/schemagate}/tansu-$version"
bin="$root/bin/tansu"

die() { echo "kafka-test-image: $*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 || die "docker is not installed (scripts/test.sh installs docker.io)"
docker info >/dev/null 2>&1 || die "the Docker daemon does not answer (is dockerd running? see scripts/test.sh)"

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "==> $image present"
  exit 0
fi

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -qx "tansu $version"; then
  echo "==> tansu $version cached at $bin"
else
  command -v cargo >/dev/null 2>&1 || die "cargo is required to build tansu $version"
  echo "==> cargo install tansu $version --features dynostore --root $root (takes ~10 min)"
  mkdir -p "$root"
  cargo install --locked --force --quiet tansu --version "$version" --features dynostore --root "$root" \
    || die "cargo install tansu $version failed"
  [ -x "$bin" ] || die "cargo install did not produce $bin"
  "$bin" --version 2>/dev/null | grep -qx "tansu $version" \
    || die "$bin does not report version $version"
fi

echo "==> building $image FROM scratch (tansu + the shared libraries ldd lists)"
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs"
cp "$bin" "$ctx/rootfs/tansu"
ldd_out="$(ldd "$bin")" || die "ldd $bin failed"
if grep -q 'not found' <<<"$ldd_out"; then
  die "shared libraries of $bin are missing: $(grep 'not found' <<<"$ldd_out" | tr -s ' \t\n' ' ')"
fi
# "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)";
# linux-vdso.so.1 has no file and is skipped.
libs=()
while read -r lib; do libs+=("$lib"); done < <(grep -o '/[^ ]*' <<<"$ldd_out" | sort -u)
((${#libs[@]})) || die "ldd listed no shared libraries for $bin"
for lib in "${libs[@]}"; do
  mkdir -p "$ctx/rootfs$(dirname "$lib")"
  cp -L "$lib" "$ctx/rootfs$lib"
  echo "    $lib"
done
docker build --quiet --tag "$image" --file scripts/docker/tansu/Dockerfile "$ctx" >/dev/null \
  || die "docker build of $image failed"
docker run --rm "$image" --version | grep -qx "tansu $version" \
  || die "$image does not run (docker run --rm $image --version)"
echo "==> built $image ($(docker image inspect --format '{{.Size}}' "$image") bytes)"
