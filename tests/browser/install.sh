#!/usr/bin/env bash
# Installs playwright-core, at the version package-lock.json pins, into the build tree (never
# into the sources): copies package.json and package-lock.json to DEST and runs `npm ci` there.
# Idempotent: does nothing when DEST/node_modules/playwright-core already has that version.
# playwright-core downloads no browser; the check drives Debian's /usr/bin/chromium.
# Usage: tests/browser/install.sh SOURCE_DIR DEST_DIR
set -euo pipefail

if (( $# != 2 )); then
  echo "usage: $0 SOURCE_DIR DEST_DIR" >&2
  exit 2
fi
src=$1
dest=$2

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "browser check: $tool is missing; run scripts/install-deps.sh --tests" >&2
    exit 1
  fi
done

pinned=$(node -e 'const l = require(process.argv[1]);
  process.stdout.write(l.packages["node_modules/playwright-core"].version)' "$src/package-lock.json")
installed=""
if [[ -f "$dest/node_modules/playwright-core/package.json" ]]; then
  installed=$(node -e 'process.stdout.write(require(process.argv[1]).version)' \
    "$dest/node_modules/playwright-core/package.json")
fi
if [[ "$installed" == "$pinned" ]] && cmp -s "$src/package-lock.json" "$dest/package-lock.json"; then
  echo "browser check: playwright-core $pinned already installed in $dest"
  exit 0
fi

mkdir -p "$dest"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
echo "browser check: installing playwright-core $pinned into $dest"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error)
installed=$(node -e 'process.stdout.write(require(process.argv[1]).version)' \
  "$dest/node_modules/playwright-core/package.json")
if [[ "$installed" != "$pinned" ]]; then
  echo "browser check: npm installed playwright-core $installed, not $pinned" >&2
  exit 1
fi
