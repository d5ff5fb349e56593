#!/usr/bin/env bash
# Soak benchmark (a measurement, not a test): the main job's mix against the reference gateway
# for SOAK_MINUTES minutes, one suite process, printing per minute the scenarios/s, p99, the
# gateway's RSS and live playbook entries, and the suite's RSS.
#
# How: the gateway is started as scripts/run.sh starts it (scripts/gateway-ctl.sh, a free
# loopback port) with a fresh playbook log of its own; the suite runs the mix as SOAK_MINUTES
# one-minute cases in one process (--gtest_repeat, --duration 60s), so every minute is a case
# with its own exact rate and percentiles in report.json, and the process lives through the
# whole soak. When a minute's case ends the script samples VmRSS of both processes
# (/proc/<pid>/status) and the gateway's /stats (playbook.live, evictions, cache). The table is
# printed at the end from report.json and those samples. "p99" is the largest per-scenario p99
# of that minute, an upper bound of the mix's p99 (a mixture's 99th percentile never exceeds the
# largest of its parts'); cold_search_email's is shown beside it. The suite keeps each minute's
# registry for its final reports (about 1 MB a minute); one long case stays flat.
# The CPU columns tell a machine that gave the processes less CPU in some minute from a gateway
# or suite that got slower: the gateway's is its footprint over the minute (report.json's
# gateway_footprint.mean_cpu_percent), the suite's its utime+stime (/proc/<pid>/stat) over the
# minute, each divided by the minute's scenarios.
#
# Goal (issue 14): after minute 1, the gateway's RSS stays within +50 MB of its minute-1 value
# and every minute's rate within 10 % of minute 2's. Exit 0 when it holds, 1 when it does not,
# 2 when the soak could not run.
#   SOAK_MINUTES      minutes of load                              (default 10)
#   SOAK_CONCURRENCY  VUs                                          (default 50)
#   SOAK_BUILD        build directory (configured with the default preset when absent: build)
#   SOAK_JOBS         build parallelism                            (default 2)
#   SOAK_DIR          work directory (report, logs, playbook log)  (default <build>/bench-soak)
#   SOAK_GATEWAY_ARGS extra gateway flags, e.g. "--playbook-capacity 5000"
#   MULTITIER_GATEWAY_STORAGE_LATENCY  the modelled storage read of a cache miss, as in
#                     scripts/run.sh                               (default 1ms; 0s turns it off)
# Further arguments go to the suite (e.g. --queries seed, --roster corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/proc.sh

minutes=${SOAK_MINUTES:-10}
concurrency=${SOAK_CONCURRENCY:-50}
build=${SOAK_BUILD:-build}
jobs=${SOAK_JOBS:-2}
work=${SOAK_DIR:-$build/bench-soak}
[[ $minutes =~ ^[1-9][0-9]*$ ]] || { echo "bench-soak: SOAK_MINUTES must be a whole number of minutes, not '$minutes'" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench-soak: jq is not installed (scripts/install-deps.sh --bench)" >&2; exit 2; }

if [[ ! -d $build ]]; then
  if [[ $build == build ]]; then cmake --preset default >/dev/null
  else cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null; fi
fi
cmake --build "$build" -j "$jobs" --target multitier_suite multitier-gateway multitier-corpus >/dev/null
corpus=$(scripts/ensure-corpus.sh 100000 "$build/fixtures/corpus/multitier-corpus")

mkdir -p "$work"
rm -rf "$work/report" "$work/playbook.jsonl" "$work/playbook.jsonl.compact" "$work/samples"
state=$work/gateway
suite_pid=""
cleanup() {
  if [[ -n $suite_pid ]]; then kill -TERM "$suite_pid" 2>/dev/null || true; fi
  scripts/gateway-ctl.sh stop "$state" >/dev/null 2>&1 || true
}
trap cleanup EXIT
export MULTITIER_GATEWAY_STORAGE_LATENCY=${MULTITIER_GATEWAY_STORAGE_LATENCY:-1ms}
echo "bench-soak: starting the reference gateway (the first start on a corpus builds its index)" >&2
# shellcheck disable=SC2086  # SOAK_GATEWAY_ARGS is a list of flags
scripts/gateway-ctl.sh start "$state" "$build/fixtures/gateway/multitier-gateway" "$corpus" \
  --playbook-log "$work/playbook.jsonl" ${SOAK_GATEWAY_ARGS:-} >&2
url=$(cat "$state/url")
gateway_pid=$(cat "$state/pid")

rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || true; }
suite_rss="-"  # the suite's last RSS reading: its last minute ends as the process exits
# CPU seconds (utime + stime) a process has used so far; nothing when it is gone.
cpu_s() {
  local ticks
  ticks=$(proc_cpu_ticks "$1")
  if [[ -n $ticks ]]; then
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
  fi
}
suite_cpu="-"  # the suite's last CPU reading, as for its RSS
sample() {  # minute: one line "minute gateway_rss suite_rss live evictions hits misses suite_cpu_s"
  local stats now
  stats=$(curl -s --max-time 5 "$url/stats" || echo '{}')
  now=$(rss_mb "${suite_pid:-0}")
  [[ -n $now ]] && suite_rss=$now
  now=$(cpu_s "${suite_pid:-0}")
  [[ -n $now ]] && suite_cpu=$now
  echo "$1 $(rss_mb "$gateway_pid") $suite_rss $(jq -r '[.playbook.live, .playbook.evictions, .cache.hits, .cache.misses] | map(. // "-") | join(" ")' <<<"$stats") $suite_cpu" \
    >>"$work/samples"
}
sample 0
echo "bench-soak: $minutes one-minute cases of the mix, $concurrency VUs, gateway $url (uptime: $(uptime))" >&2

MULTITIER_ROSTER_FILE=${MULTITIER_ROSTER_FILE:-$corpus} \
  "$build/tests/multitier/multitier_suite" --gateway "$url" --stress --duration 60s \
  --concurrency "$concurrency" --gtest_filter='Mix.WeightedWorkload' --gtest_repeat="$minutes" \
  --progress plain --report-dir "$work/report" "$@" >"$work/suite.out" 2>"$work/suite.err" &
suite_pid=$!

# A minute ends when GoogleTest reports the case ("[       OK ] Mix.WeightedWorkload (60004 ms)"
# or FAILED); sample right then. Bounded: the soak's length plus ten minutes of slack.
done_minutes=0
for _ in $(seq 1 $(((minutes * 60 + 600) * 2))); do
  ended=$(grep -cE '^\[ *(OK|FAILED) *\] Mix\.WeightedWorkload \([0-9]+ ms\)' "$work/suite.out" || true)
  while ((done_minutes < ended)); do
    done_minutes=$((done_minutes + 1))
    sample "$done_minutes"
    read -r _ g s live ev _ _ < <(tail -n 1 "$work/samples")
    echo "bench-soak: minute $done_minutes: gateway RSS $g MB, playbook live $live (evictions $ev), suite RSS $s MB" >&2
  done
  kill -0 "$suite_pid" 2>/dev/null || break
  now=$(rss_mb "$suite_pid")
  [[ -n $now ]] && suite_rss=$now
  now=$(cpu_s "$suite_pid")
  [[ -n $now ]] && suite_cpu=$now
  sleep 0.5
done
set +e
wait "$suite_pid"
suite_status=$?
set -e
suite_pid=""
report=$work/report/report.json
if [[ ! -s $report ]] || ((done_minutes < minutes)); then
  echo "bench-soak: the suite stopped after $done_minutes of $minutes minutes (exit $suite_status); see $work/suite.err" >&2
  exit 2
fi

# The table: per minute from report.json's cases (in the order they ran) and the samples.
jq -r '.cases[] | [.scenarios_per_s,
        ([.per_scenario[] | .p99_ms] | max),
        (.per_scenario.cold_search_email.p99_ms // 0),
        .failures, .runs, (.gateway_footprint.mean_cpu_percent // -1)] | @tsv' "$report" >"$work/figures"
awk -v minutes="$minutes" '
  FNR == NR { rate[FNR] = $1; p99[FNR] = $2; cold[FNR] = $3; fails[FNR] = $4; runs[FNR] = $5; gcpu[FNR] = $6; next }
  { g[$1] = $2; s[$1] = $3; live[$1] = $4; ev[$1] = $5; hits[$1] = $6; miss[$1] = $7; scpu[$1] = $8 }
  END {
    printf "minute  scen/s   p99 ms  cold p99 ms  fails  gateway RSS MB  vs min 1  playbook live  evictions  cache miss %%  suite RSS MB  gateway CPU µs/scen  suite CPU µs/scen\n"
    printf "%6s  %6s   %6s  %11s  %5s  %14s  %8s  %13s  %9s  %12s  %12s  %19s  %17s\n", "0", "-", "-", "-", "-", g[0], "-", live[0], ev[0], "-", s[0], "-", "-"
    last_cpu = (scpu[0] == "-" ? 0 : scpu[0])
    ok = 1
    for (m = 1; m <= minutes; ++m) {
      dh = hits[m] - hits[m - 1]; dm = miss[m] - miss[m - 1]
      # CPU per scenario: the gateway mean CPU share over the measured minute, and the suite
      # CPU seconds since the last sample (the setup of its case included).
      gus = (gcpu[m] >= 0 && runs[m] > 0 && rate[m] > 0) ? sprintf("%.1f", gcpu[m] / 100 * 1e6 / rate[m]) : "-"
      sus = (scpu[m] != "-" && runs[m] > 0) ? sprintf("%.1f", (scpu[m] - last_cpu) * 1e6 / runs[m]) : "-"
      if (scpu[m] != "-") last_cpu = scpu[m]
      printf "%6d  %6.0f   %6.1f  %11.1f  %5d  %14.1f  %+8.1f  %13s  %9s  %12.1f  %12.1f  %19s  %17s\n", m, rate[m], p99[m], cold[m],
             fails[m], g[m], g[m] - g[1], live[m], ev[m], (dh + dm > 0 ? 100 * dm / (dh + dm) : 0), s[m], gus, sus
      if (m > 1 && g[m] - g[1] > 50) ok = 0
      if (m > 1 && minutes >= 2 && (rate[m] < 0.9 * rate[2] || rate[m] > 1.1 * rate[2])) ok = 0
      if (m > 1 && rate[2] > 0) {
        d = 100 * (rate[m] / rate[2] - 1)
        if (m == 2 || d < slow) slow = d
        if (m == 2 || d > fast) fast = d
      }
    }
    if (minutes < 2) { print "goal: needs at least 2 minutes"; exit 2 }
    # Which way the rate strayed: a gateway that degrades shows a slow minute, a shared machine
    # either way.
    printf "rate against minute 2, minutes 2-%d: slowest %+.1f %%, fastest %+.1f %%\n", minutes, slow, fast
    printf "goal (after minute 1: gateway RSS within +50 MB of minute 1, rate within 10 %% of minute 2): %s\n", ok ? "held" : "missed"
    exit (ok ? 0 : 1)
  }' "$work/figures" "$work/samples"
