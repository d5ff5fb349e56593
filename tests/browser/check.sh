#!/usr/bin/env bash
# Runs check_report.mjs (arguments passed on), failing with the fix when node is missing.
set -euo pipefail
if ! command -v node >/dev/null; then
  echo "browser check: FAILED: node is missing; run scripts/install-deps.sh --tests" >&2
  exit 1
fi
exec node "$(dirname "$0")/check_report.mjs" "$@"
