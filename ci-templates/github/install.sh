#!/usr/bin/env bash
# Installs schemagate for the composite action. `key` prints the cache key of the source the
# user chose (to $GITHUB_OUTPUT); `install` installs into $BIN_DIR unless the cache restored it,
# and puts it on the PATH of the next steps.
# Sources (exactly one): ARCHIVE_URL (a .tar.gz with a `schemagate` binary inside), or GIT_URL
# with GIT_TAG (cargo install --locked --git "$GIT_URL" --tag "$GIT_TAG").
set -euo pipefail

if [ -n "${ARCHIVE_URL:-}" ] && [ -n "${GIT_URL:-}" ]; then
  echo "::error title=schemagate::set archive-url or git-url, not both" >&2
  exit 2
fi
if [ -n "${ARCHIVE_URL:-}" ]; then
  source="archive ${ARCHIVE_URL}"
elif [ -n "${GIT_URL:-}" ] && [ -n "${GIT_TAG:-}" ]; then
  source="git ${GIT_URL} ${GIT_TAG}"
else
  echo "::error title=schemagate::set the input archive-url (a release archive URL), or git-url and git-tag" >&2
  exit 2
fi

case "${1:-}" in
  key)
    # The runner's OS and architecture, and a hash of the source (URLs may be long).
    if command -v sha256sum >/dev/null 2>&1; then sum=(sha256sum); else sum=(shasum -a 256); fi  # macOS runners
    hash=$(printf '%s' "$source" | "${sum[@]}" | cut -c1-16)
    echo "key=schemagate-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-${hash}" >> "$GITHUB_OUTPUT"
    ;;
  install)
    mkdir -p "$BIN_DIR"
    if [ "${CACHE_HIT:-}" = "true" ] && [ -x "$BIN_DIR/schemagate" ]; then
      echo "schemagate restored from the cache"
    elif [ -n "${ARCHIVE_URL:-}" ]; then
      unpack=$(mktemp -d)
      curl --fail --silent --show-error --location --retry 3 "$ARCHIVE_URL" | tar -xz -C "$unpack"
      found=$(find "$unpack" -type f -name schemagate | head -n 1)
      if [ -z "$found" ]; then
        echo "::error title=schemagate::no file named schemagate in $ARCHIVE_URL" >&2
        exit 2
      fi
      install -m 0755 "$found" "$BIN_DIR/schemagate"
      rm -rf "$unpack"
    else
      root=$(mktemp -d)
      cargo install --locked --git "$GIT_URL" --tag "$GIT_TAG" --root "$root" schemagate
      install -m 0755 "$root/bin/schemagate" "$BIN_DIR/schemagate"
      rm -rf "$root"
    fi
    echo "$BIN_DIR" >> "$GITHUB_PATH"
    "$BIN_DIR/schemagate" --version
    ;;
  *)
    echo "usage: install.sh key|install" >&2
    exit 2
    ;;
esac
