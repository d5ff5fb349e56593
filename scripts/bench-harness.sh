#!/usr/bin/env bash
# The suite's mix at concurrency 50 against the reference gateway on the 100k corpus, run for
# 30 s and for 120 s: scenarios/s, per-scenario p50/p99, the suite's own CPU per scenario and
# its peak RSS, next to the seed's Go harness (1,115 scenarios/s; cold_search_email p50 2.2 ms,
# p99 8.6 ms). The suite's RSS is sampled every second to show it stays flat.
#   scripts/bench-harness.sh
# Environment: BENCH_SHORT (30) and BENCH_LONG (120) run lengths in seconds, BENCH_CONCURRENCY
#   (50), BENCH_CORPUS_SIZE (100000), BENCH_BUILD_DIR (build; another directory is configured
#   like the default preset), BENCH_NO_BUILD=1 to use the binaries as they are,
#   BENCH_GATEWAY_BIN (the gateway binary; default the build's), BENCH_OUT.
# Each run gets a freshly started gateway (empty answer cache and playbook memory), so both
# start cold as the seed's did. CPU is user+sys of the whole suite process (/usr/bin/time),
# start-up included; peak RSS is its maximum resident set (/usr/bin/time's %M).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/proc.sh

short=${BENCH_SHORT:-30}
long=${BENCH_LONG:-120}
concurrency=${BENCH_CONCURRENCY:-50}
corpus_size=${BENCH_CORPUS_SIZE:-100000}
build=${BENCH_BUILD_DIR:-build}
out=${BENCH_OUT:-$build/bench-harness/$(date +%Y%m%d-%H%M%S)}

die() { echo "bench-harness: $*" >&2; exit 1; }

scripts/install-deps.sh --bench
command -v jq >/dev/null || die "jq is needed to read report.json (apt-get install jq)"
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  if [[ "$build" == build ]]; then cmake --preset default >/dev/null
  else cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null; fi
  cmake --build "$build" -j "$(nproc)" --target multitier_suite multitier-gateway multitier-corpus
fi
suite=$build/tests/multitier/multitier_suite
[[ -x "$suite" ]] || die "$suite is missing"

gateway_bin=${BENCH_GATEWAY_BIN:-$build/fixtures/gateway/multitier-gateway}
corpus=$(scripts/ensure-corpus.sh "$corpus_size" "$build/fixtures/corpus/multitier-corpus")
mkdir -p "$out"
state=$out/gateway
trap 'scripts/gateway-ctl.sh stop "$state" >/dev/null 2>&1 || true' EXIT

gateway_ticks() {
  [[ -f "$state/pid" ]] || { echo 0; return; }
  proc_cpu_ticks "$(cat "$state/pid")"
}
tick_us=$((1000000 / $(getconf CLK_TCK)))

# run_mix SECONDS DIR: one mix run against a fresh gateway; leaves report.json, time.txt
# ("user sys maxrss_kb elapsed"), rss.tsv ("second rss_kb" every second) and gateway.ticks.
run_mix() {
  local seconds=$1 dir=$2
  mkdir -p "$dir"
  scripts/gateway-ctl.sh stop "$state" >/dev/null
  scripts/gateway-ctl.sh start "$state" "$gateway_bin" "$corpus" >/dev/null
  local url before after
  url=$(cat "$state/url")
  before=$(gateway_ticks)
  echo "bench-harness: ${seconds} s mix at concurrency $concurrency against $url" >&2
  /usr/bin/time -f '%U %S %M %e' -o "$dir/time.txt" \
    "$suite" --gateway "$url" --stress --gtest_filter='*Mix*' --concurrency "$concurrency" \
    --duration "${seconds}s" --progress off --report-dir "$dir" >"$dir/suite.log" 2>&1 &
  local time_pid=$! pid="" t0 now elapsed rss
  t0=$(date +%s%N)
  for _ in $(seq 1 50); do
    pid=$(pgrep -P "$time_pid" || true)
    [[ -n "$pid" ]] && break
    sleep 0.1
  done
  [[ -n "$pid" ]] || die "the suite did not start; see $dir/suite.log"
  : >"$dir/rss.tsv"
  # One sample a second while the suite lives; bounded: past its run time plus 120 s it is
  # interrupted (it then writes a partial report).
  while kill -0 "$pid" 2>/dev/null; do
    now=$(date +%s%N)
    elapsed=$(( (now - t0) / 1000000000 ))
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [[ -n "$rss" ]] && echo "$elapsed $rss" >>"$dir/rss.tsv"
    if (( elapsed > seconds + 120 )); then
      echo "bench-harness: the suite overran its ${seconds} s by 120 s; interrupting it" >&2
      kill -INT "$pid" 2>/dev/null || true
    fi
    sleep 1
  done
  wait "$time_pid" || echo "bench-harness: the suite exited non-zero (see $dir/report.txt); figures still read" >&2
  after=$(gateway_ticks)
  echo $(( (after - before) * tick_us )) >"$dir/gateway.cpu_us"
  [[ -s "$dir/report.json" ]] || die "no report.json in $dir; see $dir/suite.log"
}

# RSS in MB at the last sample taken at or before second S of a run (- when none).
rss_at() {
  awk -v s="$2" '$1 <= s { r = $2 } END { if (r == "") print "-"; else printf "%.1f", r / 1024 }' "$1/rss.tsv"
}

run_mix "$short" "$out/short"
run_mix "$long" "$out/long"

echo
echo "bench-harness: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; corpus $corpus; reports in $out"
echo
printf '%-22s  %7s  %10s  %8s  %6s  %12s  %9s  %12s  %13s\n' run "wall s" scenarios "scen/s" fails \
  "CPU us/scen" "CPU cores" "peak RSS MB" "gw CPU us/scen"
for run in short long; do
  dir=$out/$run
  read -r user sys maxrss _ <"$dir/time.txt"
  jq -r --arg user "$user" --arg sys "$sys" --arg maxrss "$maxrss" --arg gw "$(cat "$dir/gateway.cpu_us")" \
     --arg name "$( [[ $run == short ]] && echo "$short" || echo "$long") s mix, c=$concurrency" '
    (($user | tonumber) + ($sys | tonumber)) as $cpu
    | [$name, .wall_sec, .total_scenarios, .total_scenarios / .wall_sec, .failures,
       $cpu * 1e6 / .total_scenarios, $cpu / .wall_sec, ($maxrss | tonumber) / 1024,
       ($gw | tonumber) / .total_scenarios]
    | @tsv' "$dir/report.json" |
    awk -F'\t' '{ printf "%-22s  %7.1f  %10d  %8.0f  %6d  %12.1f  %9.2f  %12.1f  %13.1f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
done
printf '%-22s  %7s  %10s  %8s  %6s  %12s  %9s  %12s  %13s\n' "seed Go, 5 min, c=50" 300 335257 1115 - - - - -

echo
printf '%-24s  %-26s  %-26s  %-14s\n' scenario "${short} s: runs fail% p50/p99" "${long} s: runs fail% p50/p99" "seed p50/p99 ms"
seed_of() {
  case "$1" in
    cold_search_email) echo "2.2 / 8.6" ;;
    profile_swap)      echo "4.5 / ?" ;;
    repeat_cache)      echo "11.7 / ?" ;;
    *)                 echo "?" ;;
  esac
}
for scenario in $(jq -r '.per_scenario | keys_unsorted[]' "$out/long/report.json"); do
  cells=()
  for run in short long; do
    cells+=("$(jq -r --arg s "$scenario" '.per_scenario[$s] // empty
      | "\(.runs) \(if .runs > 0 then (.fails * 1000 / .runs | round / 10) else 0 end)% \(.p50_ms * 10 | round / 10)/\(.p99_ms * 10 | round / 10) ms"' \
      "$out/$run/report.json")")
  done
  printf '%-24s  %-26s  %-26s  %-14s\n' "$scenario" "${cells[0]:--}" "${cells[1]:--}" "$(seed_of "$scenario")"
done

echo
echo "suite RSS (VmRSS, sampled every second) in MB:"
printf '%-10s' run; for s in 10 30 60 120; do printf '  %7s' "${s} s"; done; printf '  %7s  %7s\n' last max
for run in short long; do
  dir=$out/$run
  length=$short; [[ $run == long ]] && length=$long
  printf '%-10s' "${length} s"
  for s in 10 30 60 120; do
    if (( s > length + 5 )); then printf '  %7s' -; else printf '  %7s' "$(rss_at "$dir" "$s")"; fi
  done
  awk '{ last = $2; if ($2 > max) max = $2 } END { printf "  %7.1f  %7.1f\n", last / 1024, max / 1024 }' "$dir/rss.tsv"
done
