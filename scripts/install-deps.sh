#!/usr/bin/env bash
# Installs the Debian packages multitier builds and runs with. Idempotent: packages already
# present are skipped, and apt-get is not touched at all when nothing is missing.
# Usage: scripts/install-deps.sh [--bench]   (--bench adds the peers the benchmarks compare to)
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config
          googletest libgtest-dev libgmock-dev
          libcurl4-openssl-dev rapidjson-dev
          libboost-dev libboost-program-options-dev
          libhnswlib-dev)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(wrk hey time jq)
fi

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
