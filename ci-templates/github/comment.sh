#!/usr/bin/env bash
# Posts the review as a pull-request comment, or updates the one posted before (found by the
# marker line the markdown starts with). Outside pull requests there is nothing to comment on.
# Env: GH_TOKEN, PR_NUMBER, REVIEW_URL (the artifact), AGAINST, CONFIG, OUT_DIR, GITHUB_REPOSITORY.
set -euo pipefail

if [ -z "${PR_NUMBER:-}" ]; then
  echo "not a pull request: no comment"
  exit 0
fi
body="$OUT_DIR/schemagate-comment.md"
link="the artifact of this run"
if [ -n "${REVIEW_URL:-}" ]; then
  link="[the HTML review]($REVIEW_URL)"
fi
status=0
schemagate check --config "$CONFIG" --against "$AGAINST" --format markdown --review-url "$link" > "$body" || status=$?
if [ "$status" -ge 2 ]; then
  exit "$status"
fi
marker=$(head -n 1 "$body")
existing=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -F "body=@$body" --silent
  echo "updated comment $existing"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" -F "body=@$body" --silent
  echo "posted a comment on #$PR_NUMBER"
fi
