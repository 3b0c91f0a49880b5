#!/usr/bin/env bash
# Runs the gate once per report and records its exit code (step output `exit-code`) instead of
# failing, so that the reports are uploaded first; the action's last step fails the job.
# Env: AGAINST (default git:origin/$GITHUB_BASE_REF), CONFIG, OUT_DIR.
set -uo pipefail

against="${AGAINST:-}"
if [ -z "$against" ]; then
  if [ -z "${GITHUB_BASE_REF:-}" ]; then
    echo "::error title=schemagate::no baseline: set the input against, or run on pull_request (GITHUB_BASE_REF)" >&2
    echo "exit-code=2" >> "$GITHUB_OUTPUT"
    exit 0
  fi
  # The target branch must be in the clone (actions/checkout with fetch-depth: 0 has it).
  git rev-parse --verify --quiet "origin/$GITHUB_BASE_REF" >/dev/null \
    || git fetch --no-tags --quiet origin "$GITHUB_BASE_REF:refs/remotes/origin/$GITHUB_BASE_REF"
  against="git:origin/$GITHUB_BASE_REF"
fi
mkdir -p "$OUT_DIR"
echo "against=$against" >> "$GITHUB_OUTPUT"

# Annotations in the log and on the diff; this run's exit code is the gate's verdict.
schemagate check --config "$CONFIG" --against "$against" --format github
code=$?
echo "exit-code=$code" >> "$GITHUB_OUTPUT"
if [ "$code" -ge 2 ]; then
  exit 0
fi
for format in sarif junit html; do
  case $format in
    sarif) file=schemagate.sarif ;;
    junit) file=schemagate-junit.xml ;;
    html) file=schemagate-review.html ;;
  esac
  schemagate check --config "$CONFIG" --against "$against" --format "$format" > "$OUT_DIR/$file"
  again=$?
  if [ "$again" -ne "$code" ]; then
    echo "::error title=schemagate::--format $format exited $again, the gate $code" >&2
    echo "exit-code=2" >> "$GITHUB_OUTPUT"
    exit 0
  fi
done
{
  echo "### schemagate: exit $code"
  echo
  echo "The review (side-by-side diffs, blast radius) is in the artifact of this run."
} >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
