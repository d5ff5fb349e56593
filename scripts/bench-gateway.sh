#!/usr/bin/env bash
# Benchmark of the reference gateway (a measurement, not a test). Builds if needed, then:
# generates the 100k corpus, times a cold start (index built and persisted) and a warm restart
# (index loaded), reads the gateway's RSS from /proc, drives search with wrk at 50 keep-alive
# connections (the seed's 30-query pool, mostly cache hits, then unique queries, all misses),
# measures recall@10 against exact search, and prints a table.
#   MULTITIER_BENCH_BUILD        build directory            (default build-gw)
#   MULTITIER_BENCH_DIR          work directory             (default <build>/bench)
#   MULTITIER_BENCH_COUNT        workers in the corpus      (default 100000)
#   MULTITIER_BENCH_DURATION     wrk duration per run       (default 20s)
#   MULTITIER_BENCH_CONNECTIONS  wrk connections            (default 50)
#   MULTITIER_BENCH_JOBS         build parallelism          (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${MULTITIER_BENCH_BUILD:-build-gw}
work=${MULTITIER_BENCH_DIR:-$build/bench}
count=${MULTITIER_BENCH_COUNT:-100000}
duration=${MULTITIER_BENCH_DURATION:-20s}
connections=${MULTITIER_BENCH_CONNECTIONS:-50}
jobs=${MULTITIER_BENCH_JOBS:-2}
gateway=$build/fixtures/gateway/multitier-gateway
corpus_bin=$build/fixtures/corpus/multitier-corpus
tests_bin=$build/tests/gateway/multitier_gateway_tests

command -v wrk >/dev/null || { echo "bench-gateway: wrk is not installed (scripts/install-deps.sh --bench)" >&2; exit 1; }
if [[ ! -d $build ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j "$jobs" --target multitier-gateway multitier-corpus multitier_gateway_tests >/dev/null
mkdir -p "$work"
corpus=$work/workers-$count.jsonl

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

gateway_pid=""
stop_gateway() {
  if [[ -n $gateway_pid ]]; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    local rc=0
    wait "$gateway_pid" || rc=$?
    gateway_pid=""
    return "$rc"
  fi
}
trap 'stop_gateway || true' EXIT

# Starts the gateway (in this shell, so its pid is ours to stop) and sets ready_s to the seconds
# until it is ready (the port file appears).
ready_s=""
start_gateway() {
  rm -f "$work/url"
  local start
  start=$(now)
  "$gateway" --listen 127.0.0.1:0 --corpus "workers=$corpus" --port-file "$work/url" \
    >"$work/gateway.out" 2>"$work/gateway.err" &
  gateway_pid=$!
  until [[ -s $work/url ]]; do
    kill -0 "$gateway_pid" 2>/dev/null || { cat "$work/gateway.err" >&2; exit 1; }
    sleep 0.02
  done
  ready_s=$(elapsed "$start" "$(now)")
}

echo "== corpus: $count workers" >&2
t0=$(now)
"$corpus_bin" --count "$count" --seed 42 --out "$corpus"
corpus_s=$(elapsed "$t0" "$(now)")

echo "== cold start (index built and persisted)" >&2
rm -f "$corpus".*.hnsw
start_gateway
cold_s=$ready_s
stop_gateway
echo "== warm restart (index loaded)" >&2
start_gateway
warm_s=$ready_s
url=$(cat "$work/url")
rss_idle_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$gateway_pid/status")

cat >"$work/search.lua" <<'LUA'
-- POST /v1/matrix/search bodies shaped like the seed's query pool. BENCH_UNIQUE=1 appends a
-- per-request suffix so no answer can come from the cache.
local roles = {"Forklift Operator", "Pickers", "Loaders", "Warehouse Associate", "CNC Operator",
               "Shipping Clerk", "Packers"}
local cities = {{"Detroit", "MI"}, {"Indianapolis", "IN"}, {"Aurora", "IL"}, {"Joliet", "IL"},
                {"Flint", "MI"}, {"Cleveland", "OH"}, {"Fort Wayne", "IN"}, {"Kansas City", "MO"}}
local clients = {"Beacon Freight", "Midway Distribution", "Parallel Machining", "Heritage Foods",
                 "Cornerstone Fabrication", "Pioneer Assembly"}
local unique = os.getenv("BENCH_UNIQUE") == "1"
local next_thread = 0
local counter = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function request()
  counter = counter + 1
  local i = counter % 30
  local role = roles[i % 7 + 1]
  local city = cities[i % 8 + 1]
  local text = string.format("Need %d %s in %s %s for %s", 1 + i % 5, role, city[1], city[2], clients[i % 6 + 1])
  if unique then text = text .. string.format(" [run-%d-%d]", thread_id or 0, counter) end
  local body = string.format('{"query_text":"%s","query_role":"%s","corpora":["workers"],"k":5,"per_corpus_k":5}',
                             text, role)
  return wrk.format("POST", "/v1/matrix/search", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d socket_errors=%d non2xx=%d p50_us=%d p99_us=%d\n",
                         summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
                         e.status, latency:percentile(50), latency:percentile(99)))
end
LUA

run_wrk() {  # $1 = BENCH_UNIQUE value; echoes "rps p50_ms p99_ms requests errors"
  BENCH_UNIQUE=$1 wrk -t2 -c"$connections" -d"$duration" --latency -s "$work/search.lua" "$url" >"$work/wrk-$1.txt"
  awk '/^BENCH/ {
         for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         printf "%.0f %.2f %.2f %d %d\n", v["requests"] / (v["duration_us"] / 1e6), v["p50_us"] / 1000,
                v["p99_us"] / 1000, v["requests"], v["socket_errors"] + v["non2xx"] }' "$work/wrk-$1.txt"
}
echo "== wrk: seed query pool, $connections connections, $duration" >&2
read -r pool_rps pool_p50 pool_p99 pool_n pool_err < <(run_wrk 0)
echo "== wrk: unique queries (cache misses), $connections connections, $duration" >&2
read -r uniq_rps uniq_p50 uniq_p99 uniq_n uniq_err < <(run_wrk 1)
rss_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$gateway_pid/status")
hwm_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$gateway_pid/status")
stats=$(curl -s "$url/stats")
stop_rc=0
stop_gateway || stop_rc=$?

echo "== recall@10 against exact search" >&2
recall=$(MULTITIER_RECALL_CORPUS=$corpus "$tests_bin" --gtest_filter='IndexRecall.RecallAtTen*' |
         awk '/^recall@10/ { print $3 }')

mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
verdict() { awk -v v="$1" -v lim="$2" -v dir="$3" 'BEGIN { ok = dir == "max" ? v <= lim : v >= lim; print ok ? "ok" : "MISSED" }'; }
printf '\n%-44s %14s %10s %s\n' "figure" "value" "target" ""
printf '%-44s %14s %10s %s\n' "corpus generation ($count workers)" "${corpus_s} s" "~1 s" ""
printf '%-44s %14s %10s %s\n' "cold start (embed + build + persist index)" "${cold_s} s" "" ""
printf '%-44s %14s %10s %s\n' "warm restart (index loaded)" "${warm_s} s" "<= 5 s" "$(verdict "$warm_s" 5 max)"
printf '%-44s %14s %10s %s\n' "RSS after warm start" "$(mb "$rss_idle_kb") MB" "" ""
printf '%-44s %14s %10s %s\n' "RSS after load (VmRSS / peak VmHWM)" "$(mb "$rss_kb") / $(mb "$hwm_kb") MB" "<= 250 MB" "$(verdict "$(mb "$hwm_kb")" 250 max)"
printf '%-44s %14s %10s %s\n' "search, seed pool: throughput" "$pool_rps req/s" "" ""
printf '%-44s %14s %10s %s\n' "search, seed pool: p50 / p99" "$pool_p50 / $pool_p99 ms" "" ""
printf '%-44s %14s %10s %s\n' "search, unique queries: throughput" "$uniq_rps req/s" "" ""
printf '%-44s %14s %10s %s\n' "search, unique queries: p50 / p99" "$uniq_p50 / $uniq_p99 ms" "" ""
printf '%-44s %14s %10s %s\n' "wrk errors (socket + non-2xx)" "$((pool_err + uniq_err))" "0" "$(verdict $((pool_err + uniq_err)) 0 max)"
printf '%-44s %14s %10s %s\n' "recall@10 vs exact search" "$recall" ">= 0.95" "$(verdict "$recall" 0.95 min)"
printf '%-44s %14s %10s %s\n' "gateway exit status on SIGTERM" "$stop_rc" "0" "$(verdict "$stop_rc" 0 max)"
echo
echo "wrk completed $((pool_n + uniq_n)) searches; gateway /stats: $stats"
echo "(details: $work/wrk-0.txt, $work/wrk-1.txt, $work/gateway.err)"
