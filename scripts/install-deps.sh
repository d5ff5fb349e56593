#!/usr/bin/env bash
# Installs the Debian packages multitier builds and runs with. Idempotent: packages already
# present are skipped, and apt-get is not touched at all when nothing is missing.
# Usage: scripts/install-deps.sh [--tests] [--bench]
#   --tests adds the real consumers the report tests check the exports with: Debian's chromium
#           (report.html in a headless browser, driven from Node.js), prometheus (promtool
#           for metrics.om) and python3-yaml (the deployment manifests' check)
#   --bench adds the peers the benchmarks compare to
set -euo pipefail

# libjs-chart.js: the chart library report.html inlines when it is written.
packages=(cmake ninja-build g++ pkg-config
          googletest libgtest-dev libgmock-dev
          libcurl4-openssl-dev rapidjson-dev
          libboost-dev libboost-program-options-dev
          libhnswlib-dev libjs-chart.js)
for flag in "$@"; do
  case "$flag" in
    --tests)
      packages+=(chromium prometheus python3-yaml)
      # Node.js drives the browser; a machine that already has node and npm (from any source)
      # keeps them, since Debian's npm would replace a newer nodejs.
      if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi ;;
    --bench) packages+=(wrk hey time jq) ;;
    *) echo "install-deps: unknown flag $flag (use --tests, --bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if (( ${#missing[@]} == 0 )); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
