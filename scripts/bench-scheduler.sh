#!/usr/bin/env bash
# How far the open-model scheduler is from its plan: constant-arrival-rate on ONE event-loop
# thread against cached searches (cold_search_email with the seed's 30 query texts, so after the
# warm-up every search is a gateway cache hit and a start costs one small request), at 1k, 5k and
# 20k starts/s, then a short bisection for the highest rate one loop sustains.
#   scripts/bench-scheduler.sh
# For each rate the table gives, from report.json's cases[0].schedule: the target and achieved
# starts/s, late starts (begun more than 1 ms after their planned time) as a % of those started,
# the planned -> actual start lateness p50/p99/max (the histogram starts at 10 us: "<10" is
# below it), the dropped starts (no VU free), and the CPU per start of the suite and of the
# gateway. The suite's CPU is user+sys of its whole process (/usr/bin/time) minus that of an
# idle run of the same length (--rate 1: start-up, pools, the probe), divided by every start
# of the run, warm-up included; the gateway's is from /proc/PID/stat before and after.
# "Sustained" means < 1 % of the started starts late and < 1 % of the planned starts dropped.
# The bisection brackets the rate between the table's results (1k..40k), in 5 s runs, at most
# BENCH_SEARCH_RUNS of them, halving the bracket on a log scale and stopping when it is within 10 %.
# Environment: BENCH_SECONDS (10), BENCH_RATES ("1000 5000 20000"), BENCH_SEARCH_SECONDS (5),
#   BENCH_SEARCH_RUNS (8), BENCH_SEARCH_LOW (1000), BENCH_SEARCH_HIGH (40000),
#   BENCH_MAX_VUS (200), BENCH_WARMUP (1s), BENCH_CORPUS_SIZE (100000), BENCH_NO_BUILD=1 to use
#   the binaries as they are, BENCH_OUT (directory for raw outputs).
# Traffic is loopback only; the gateway this script starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/proc.sh

seconds=${BENCH_SECONDS:-10}
rates=${BENCH_RATES:-1000 5000 20000}
search_seconds=${BENCH_SEARCH_SECONDS:-5}
search_runs=${BENCH_SEARCH_RUNS:-8}
search_low=${BENCH_SEARCH_LOW:-1000}
search_high=${BENCH_SEARCH_HIGH:-40000}
max_vus=${BENCH_MAX_VUS:-200}
warmup=${BENCH_WARMUP:-1s}
corpus_size=${BENCH_CORPUS_SIZE:-100000}
build=build
out=${BENCH_OUT:-$build/bench-scheduler/$(date +%Y%m%d-%H%M%S)}

die() { echo "bench-scheduler: $*" >&2; exit 1; }
note() { echo "bench-scheduler: $*" >&2; }

scripts/install-deps.sh --bench
command -v jq >/dev/null || die "jq is needed to read report.json (scripts/install-deps.sh --bench)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is needed (scripts/install-deps.sh --bench)"
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  cmake --preset default >/dev/null
  cmake --build --preset default --target multitier_suite multitier-gateway multitier-corpus || die "build failed"
fi
suite=$build/tests/multitier/multitier_suite
gateway_bin=$build/fixtures/gateway/multitier-gateway
[[ -x "$suite" ]] || die "$suite is missing"
"$suite" --help 2>&1 | grep -q -- '--executor' || die "$suite has no --executor option"
"$suite" --help 2>&1 | grep -q -- '--queries' || die "$suite has no --queries option"

corpus=$(scripts/ensure-corpus.sh "$corpus_size" "$build/fixtures/corpus/multitier-corpus")
mkdir -p "$out"
state=$out/gateway
gateway_pid=""
if [[ -n "${MULTITIER_GATEWAY:-}" ]]; then
  url=$MULTITIER_GATEWAY
else
  trap 'scripts/gateway-ctl.sh stop "$state" >/dev/null 2>&1 || true' EXIT
  scripts/gateway-ctl.sh start "$state" "$gateway_bin" "$corpus" >&2
  url=$(cat "$state/url")
  gateway_pid=$(cat "$state/pid")
fi

# CPU ticks (user+sys) of the gateway so far; 0 when the gateway is not ours.
gateway_ticks() {
  [[ -n "$gateway_pid" ]] || { echo 0; return; }
  proc_cpu_ticks "$gateway_pid"
}
tick_us=$((1000000 / $(getconf CLK_TCK)))
warmup_s=$(awk -v w="$warmup" 'BEGIN { n = w + 0; if (w ~ /ms$/) n /= 1000; printf "%g", n }')

common=(--gateway "$url" --gtest_filter='*ColdSearchEmail*' --queries seed --executor constant-arrival-rate
        --threads 1 --max-vus "$max_vus" --seed 1 --progress off --max-failure-rate 1)

# One run: run TAG RATE SECONDS; leaves its report in $out/TAG/ and its figures, one line
# "target achieved planned started dropped late p50_us p99_us max_us cpu_s gw_ticks", in
# $out/TAG.figures.
run() {
  local tag=$1 rate=$2 length=$3 dir=$out/$1
  mkdir -p "$dir"
  local before after rc=0
  before=$(gateway_ticks)
  /usr/bin/time -f '%U %S' -o "$dir/time" \
    "$suite" "${common[@]}" --rate "$rate" --duration "${length}s" --warmup "$warmup" --report-dir "$dir" \
    >"$dir/stdout.txt" 2>&1 || rc=$?
  after=$(gateway_ticks)
  # /usr/bin/time appends "Command exited with non-zero status N" before its figures.
  local cpu
  cpu=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { c = $1 + $2 } END { printf "%.3f", c }' "$dir/time")
  if [[ ! -s "$dir/report.json" ]]; then
    note "$tag: no report.json (exit $rc); see $dir/stdout.txt"
    echo "$rate - - - - - - - - $cpu $((after - before))" >"$out/$tag.figures"
    return
  fi
  (( rc == 0 )) || note "$tag: the suite exited $rc (the figures are still read; see $dir/report.txt)"
  jq -r --arg cpu "$cpu" --arg gw "$((after - before))" '.cases[0].schedule as $s |
      [$s.target_rate, $s.achieved_rate, $s.planned, $s.started, $s.dropped, $s.late,
       ($s.lateness.p50_ms * 1000), ($s.lateness.p99_ms * 1000), ($s.lateness.max_ms * 1000), $cpu, $gw]
      | map(tostring) | join(" ")' "$dir/report.json" >"$out/$tag.figures"
}

# "yes" when a run's figures show a sustained rate.
sustained() {
  awk '{ if ($4 == "-" || $4 + 0 == 0) { print "no"; exit }
         print ($6 / $4 < 0.01 && $5 / $3 < 0.01) ? "yes" : "no" }' "$out/$1.figures"
}

# One table row from a run's figures: row TAG LENGTH_S.
row() {
  awk -v base="$baseline_cpu" -v base_len="$((seconds))" -v len="$2" -v w="$warmup_s" -v tick="$tick_us" \
      -v own="$gateway_pid" -v ok="$(sustained "$1")" '
    function us(v) { return v == "-" ? "-" : (v < 10 ? "<10" : sprintf("%.0f", v)) }
    {
      if ($4 == "-") { printf "%9s  %9s  %7s  %7s  %7s  %9s  %8s  %10s  %9s  %s\n", $1, "-", "-", "-", "-", "-", "-", "-", "-", "no report"; next }
      all = $4 * (len + w) / len              # every start, warm-up included
      idle = base * (len + w) / (base_len + w)  # the idle run scaled to this length
      cpu = all > 0 ? ($10 - idle) * 1e6 / all : 0
      gw = (own == "" || all == 0) ? "-" : sprintf("%.1f", $11 * tick / all)
      printf "%9.0f  %9.1f  %7.2f  %7s  %7s  %9s  %8d  %10.1f  %9s  %s\n", $1, $2, 100 * $6 / $4, us($7), us($8), us($9),
             $5, cpu, gw, ok
    }' "$out/$1.figures"
}
header() {
  printf '%9s  %9s  %7s  %7s  %7s  %9s  %8s  %10s  %9s  %s\n' "target/s" "achieved" "late %" "p50 us" "p99 us" \
    "max us" "dropped" "CPU us/st" "gw us/st" "sustained"
}

note "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
start_load=$(cut -d' ' -f1-3 /proc/loadavg)

# Warm the gateway's answer cache with all 30 seed texts, and the page cache with the suite.
note "warming the gateway (2 s at 1000 starts/s)"
run warm 1000 2
note "idle run (1 start/s, ${seconds} s) for the suite's fixed CPU"
run idle 1 "$seconds"
baseline_cpu=$(awk '{ print $10 }' "$out/idle.figures")

table=$out/table.txt
header >"$table"
# best: the highest rate measured sustained; worst: the lowest measured not sustained (0: none).
best=0 worst=0
record() {  # record TAG RATE
  if [[ "$(sustained "$1")" == yes ]]; then
    if (( $2 > best )); then best=$2; fi
  elif (( worst == 0 || $2 < worst )); then
    worst=$2
  fi
}
for rate in $rates; do
  note "constant-arrival-rate $rate starts/s for ${seconds} s"
  run "rate-$rate" "$rate" "$seconds"
  row "rate-$rate" "$seconds" >>"$table"
  record "rate-$rate" "$rate"
done

# Bisection on a log scale within [BENCH_SEARCH_LOW, BENCH_SEARCH_HIGH], starting from the
# bracket the table's runs give: try the top first when nothing failed yet, then the geometric
# middle, until the bracket is within 10 % or the runs are spent.
search=$out/search.txt
header >"$search"
runs=0
search_at() {
  note "search: $1 starts/s for ${search_seconds} s (bracket ${lo}..${hi})"
  run "search-$1" "$1" "$search_seconds"
  runs=$((runs + 1))
  row "search-$1" "$search_seconds" >>"$search"
  record "search-$1" "$1"
}
lo=$(( best > search_low ? best : search_low ))
hi=$(( worst > 0 && worst < search_high ? worst : search_high ))
if (( worst == 0 || worst > search_high )) && (( runs < search_runs )); then
  search_at "$hi"
  if (( best == hi )); then lo=$hi; fi
fi
if (( best == 0 )) && (( runs < search_runs )); then
  search_at "$lo"  # the bottom of the bracket was never measured sustained
  if (( best == 0 )); then hi=$lo; fi
fi
while (( runs < search_runs && lo < hi )) && awk -v l="$lo" -v h="$hi" 'BEGIN { exit !(h / l > 1.1) }'; do
  mid=$(awk -v l="$lo" -v h="$hi" 'BEGIN { printf "%d", int(sqrt(l * h) / 100 + 0.5) * 100 }')
  (( mid > lo && mid < hi )) || break
  search_at "$mid"
  if (( best == mid )); then lo=$mid; else hi=$mid; fi
done

echo
echo "bench-scheduler: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), shared with the gateway;" \
     "load average $start_load at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "bench-scheduler: cold_search_email, --queries seed (cached searches), constant-arrival-rate, --threads 1," \
     "--max-vus $max_vus, --warmup $warmup, ${seconds} s per rate; idle suite CPU ${baseline_cpu} s per run"
echo
cat "$table"
echo
echo "bench-scheduler: search, ${search_seconds} s runs ($runs runs):"
cat "$search"
echo
if (( best == 0 )); then
  echo "bench-scheduler: no rate measured was sustained (< 1 % of starts late, < 1 % dropped)"
elif (( worst == 0 )); then
  echo "bench-scheduler: one loop sustains at least $best starts/s (< 1 % late, < 1 % dropped); no rate tried failed"
else
  echo "bench-scheduler: one loop sustains $best starts/s (< 1 % late, < 1 % dropped); the lowest rate that failed: $worst starts/s"
fi
echo "bench-scheduler: raw outputs in $out"
