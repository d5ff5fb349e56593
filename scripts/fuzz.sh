#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for a bounded time on a
# working copy of its seed corpus (kept between runs, so coverage accumulates). Prints, per
# target, the runs executed, exec/s and the crashes found; any crash input is kept under
# build-fuzz/crashes/ and makes the script exit non-zero.
#   FUZZ_SECONDS=60   run time per target
#   FUZZ_JOBS=1       build parallelism
#   FUZZ_TARGETS="parse_search_response_fuzz gateway_request_fuzz"   which targets to run
# Reproduce a crash: build-fuzz/fuzz/<target> build-fuzz/crashes/<target>-crash-<sha1>
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
read -r -a targets <<<"${FUZZ_TARGETS:-parse_search_response_fuzz gateway_request_fuzz}"
build=build-fuzz

# The target's seed corpus (fuzz/<dir>) and optional dictionary (fuzz/<file>).
seed_dir() {
  case $1 in
    parse_search_response_fuzz) echo fuzz/corpus ;;
    gateway_request_fuzz) echo fuzz/gateway_corpus ;;
    *) echo "fuzz.sh: unknown target $1" >&2; exit 2 ;;
  esac
}
dictionary() {
  case $1 in
    parse_search_response_fuzz) echo fuzz/search_response.dict ;;
    *) echo "fuzz/${1%_fuzz}.dict" ;;
  esac
}

# clang and its runtime libraries: Debian's clang only recommends libclang-rt-dev, which holds
# libFuzzer and the sanitizer runtimes, so --no-install-recommends needs it named.
install_clang() {
  local missing=() p
  for p in clang libclang-rt-dev; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  (( ${#missing[@]} == 0 )) && return
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "fuzz.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

scripts/install-deps.sh
install_clang

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DMULTITIER_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

mkdir -p "$build/crashes"
total_crashes=0
summary=()
for target in "${targets[@]}"; do
  work="$build/fuzz-work/$target"
  mkdir -p "$work/corpus"
  cp -f "$(seed_dir "$target")"/* "$work/corpus/"
  dict=$(dictionary "$target")
  dict_flag=()
  [[ -f $dict ]] && dict_flag=("-dict=$dict")
  echo "== fuzz.sh: $target for ${seconds}s" >&2
  status=0
  # Lowered priority: the fuzzer takes a whole core for the duration.
  nice -n 10 "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$target-" "${dict_flag[@]}" "$work/corpus" \
    >"$work/log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  crashes=$(grep -c "Test unit written to" "$work/log" || true)
  if (( status != 0 && crashes == 0 )); then crashes=1; fi  # died without writing an artifact
  total_crashes=$((total_crashes + crashes))
  summary+=("$(printf '%-28s runs %-10s exec/s %-8s crashes %s' "$target" "${runs:-?}" "${rate:-?}" "$crashes")")
  if (( crashes > 0 )); then
    grep -E "^(==[0-9]+==ERROR|SUMMARY|.*runtime error)|Test unit written to" "$work/log" | head -5 >&2 || true
    echo "   full log: $work/log" >&2
  fi
done

printf '%s\n' "${summary[@]}"
if (( total_crashes > 0 )); then
  echo "fuzz.sh: $total_crashes crash(es); inputs in $build/crashes/" >&2
  exit 1
fi
