#!/usr/bin/env bash
# What the time series costs, side by side with the same run without it:
#   1. the main job (the seed's mix, 50 VUs, the reference gateway on the 100k corpus) with the
#      series on (--interval 1s) and off (--interval 0), alternating, BENCH_ROUNDS rounds of
#      BENCH_SECONDS each: the suite's CPU (user+sys, /usr/bin/time) per scenario, and the
#      series' memory as report.json states it (series.memory_bytes);
#   2. multitier-series-bench: one thread's registry fed a simulated hour at 20,000 requests/s
#      (and BENCH_SIM_SECONDS at the main job's measured request rate), the series' bytes and
#      the recording cost per scenario, with the series on and off in the same process.
#   scripts/bench-series.sh
# Environment: BENCH_SECONDS (30), BENCH_ROUNDS (3), BENCH_CORPUS_SIZE (100000),
#   BENCH_SIM_SECONDS (600), BENCH_OUT (directory for raw outputs), BENCH_NO_BUILD=1.
# The machine is shared and noisy: compare the two columns of one run, not runs of two days.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${BENCH_SECONDS:-30}
rounds=${BENCH_ROUNDS:-3}
corpus_size=${BENCH_CORPUS_SIZE:-100000}
sim_seconds=${BENCH_SIM_SECONDS:-600}
build=build
out=${BENCH_OUT:-$build/bench-series/$(date +%Y%m%d-%H%M%S)}

die() { echo "bench-series: $*" >&2; exit 1; }
note() { echo "bench-series: $*" >&2; }

scripts/install-deps.sh --bench
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  cmake --preset default >/dev/null
  cmake --build --preset default --target multitier_suite multitier-gateway multitier-corpus \
    multitier-series-bench || die "build failed"
fi
suite=$build/tests/multitier/multitier_suite
sim=$build/bench/multitier-series-bench
[[ -x "$suite" && -x "$sim" ]] || die "build multitier_suite and multitier-series-bench first"

corpus=$(scripts/ensure-corpus.sh "$corpus_size" "$build/fixtures/corpus/multitier-corpus")
mkdir -p "$out"
state=$out/gateway
trap 'scripts/gateway-ctl.sh stop "$state" >/dev/null 2>&1 || true' EXIT
scripts/gateway-ctl.sh start "$state" "$build/fixtures/gateway/multitier-gateway" "$corpus" >&2
url=$(cat "$state/url")

note "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
# One run: run TAG INTERVAL; prints "scenarios requests cpu_s series_bytes".
run() {
  local dir=$out/$1 rc=0
  mkdir -p "$dir"
  /usr/bin/time -f '%U %S' -o "$dir/time" \
    "$suite" --gateway "$url" --stress --gtest_filter='*Mix*' --concurrency 50 --seed 1 \
      --duration "${seconds}s" --interval "$2" --progress off --report-dir "$dir" \
      >"$dir/stdout.txt" 2>&1 || rc=$?
  [[ -s "$dir/report.json" ]] || die "$1: no report.json (exit $rc); see $dir/stdout.txt"
  local cpu
  cpu=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { c = $1 + $2 } END { printf "%.3f", c }' "$dir/time")
  jq -r --arg cpu "$cpu" '.cases[0] | [.runs, .http.requests, $cpu, (.series.memory_bytes // 0)]
      | map(tostring) | join(" ")' "$dir/report.json"
}

note "warming the gateway (5 s)"
run warm 1s >/dev/null
printf '%-6s %-6s %10s %12s %12s %8s %14s %14s\n' round series scenarios scen/s requests/s "CPU s" "CPU µs/scen" "series bytes" \
  | tee "$out/table.txt"
for ((r = 1; r <= rounds; r++)); do
  for mode in on off; do
    interval=1s
    [[ $mode == off ]] && interval=0
    read -r scen req cpu bytes < <(run "r$r-$mode" "$interval")
    awk -v r="$r" -v m="$mode" -v s="$scen" -v q="$req" -v c="$cpu" -v b="$bytes" -v len="$seconds" \
      'BEGIN { printf "%-6s %-6s %10d %12.1f %12.1f %8.2f %14.2f %14s\n", r, m, s, s / len, q / len, c,
               c * 1e6 / s, (m == "off" ? "-" : b) }' | tee -a "$out/table.txt"
  done
done
awk 'NR > 1 { cpu[$2] += $6; n[$2] += $3; if ($2 == "on") { bytes += $8; k++ } }
     END { on = cpu["on"] * 1e6 / n["on"]; off = cpu["off"] * 1e6 / n["off"];
           printf "suite CPU per scenario: series on %.2f µs, off %.2f µs (%+.1f %%)\n", on, off, 100 * (on / off - 1);
           printf "series memory: %.0f bytes per %d-s run on average\n", bytes / k, '"$seconds"' }' \
  "$out/table.txt" | tee "$out/summary.txt"
rate=$(awk 'NR > 1 && $2 == "on" { q += $5; k++ } END { printf "%.0f", q / k }' "$out/table.txt")

note "simulated series: 1 h at 20000 requests/s, and ${sim_seconds} s at the main job's ${rate} requests/s"
"$sim" --seconds 3600 --requests-per-s 20000 | tee -a "$out/summary.txt"
"$sim" --seconds "$sim_seconds" --requests-per-s "$rate" | tee -a "$out/summary.txt"
note "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; raw outputs in $out"
