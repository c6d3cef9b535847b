#!/usr/bin/env bash
# multi-gitter script: moves one repository's Azure OpenAI code to the v1 API and commits the result, with the
# pull-request body that aoai-migrate writes as the commit message. Run it from this repository's root:
#
#   multi-gitter run "$PWD/examples/rollout/multi-gitter.sh" --manual-commit --org my-org --branch aoai-migrate/v1-api
#
# multi-gitter clones each repository, runs this script in the clone, and opens a pull request only when the script
# exits 0 and left a new commit. With --manual-commit and no --pr-title, the pull request takes its title from the
# commit message's first line and its body from the rest: the Markdown report. Pass --dry-run first to see what
# would happen, and --code-search 'AzureOpenAI language:python org:my-org' instead of --org to visit only the
# repositories that mention the dated client. aoai-migrate must be on PATH (for example `pipx install aoai-migrate`
# from this repository's tag).
set -euo pipefail

body="$(mktemp)"  # outside the clone, so the report is never committed
trap 'rm -f "$body"' EXIT

# --exit-zero: findings that need a person go into the body's task list instead of stopping the pull request.
# A file that cannot be parsed (exit 3) or a usage error (exit 2) still ends the script, and then no pull request.
# --link-base: links in a pull-request description must be absolute; multi-gitter has already switched the clone
# to the pull request's branch and sets REPOSITORY=owner/name (on GitLab, use .../-/blob/BRANCH/ instead).
branch="$(git rev-parse --abbrev-ref HEAD)"
aoai-migrate --exit-zero --output-format markdown --output "$body" \
    --link-base "https://github.com/${REPOSITORY}/blob/${branch}/" .

if [ -z "$(git status --porcelain)" ]; then
    echo "${REPOSITORY:-this repository}: nothing to migrate" >&2
    exit 0  # no commit: multi-gitter opens no pull request
fi
git add --all
{ printf 'Move Azure OpenAI code to the v1 API\n\n'; cat "$body"; } | git commit --quiet --cleanup=verbatim --file=-
