#!/usr/bin/env bash
# The test command. Installs the Debian packages it needs, configures and builds with the
# default preset, runs every CTest label (CTest starts the reference gateway itself), then
# builds the Release configuration a user gets (-O3, where GCC warns differently; warnings are
# errors here so a consumer's build cannot break unseen), then rebuilds under
# AddressSanitizer+UBSan and ThreadSanitizer and runs their test subsets.
#   MULTITIER_SANITIZERS=0   skip the sanitizer builds (quick local loop)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --tests
jobs=$(nproc)

run_preset() {
  local preset=$1
  echo "== multitier: ${preset} build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== multitier: ${preset} tests"
  ctest --preset "$preset"
}

run_preset default
echo "== multitier: release build (no tests: the default build ran them)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
if [[ "${MULTITIER_SANITIZERS:-1}" != 0 ]]; then
  run_preset asan
  run_preset tsan
fi
