#!/usr/bin/env bash
# Benchmark of the reference gateway (a measurement, not a test). Builds if needed, then:
# generates the 100k corpus, times a cold start (index built and persisted) and a warm restart
# (index loaded), reads the gateway's RSS from /proc, drives search with wrk at each connection
# count (the seed's 30-query pool, mostly cache hits, then unique queries, all misses),
# profiles the uncached path with perf (software clock) when perf works, measures recall@10
# against exact search, and prints a table. With a baseline binary, the uncached path is then
# measured on both binaries in alternating rounds and printed side by side.
#   MULTITIER_BENCH_BUILD         build directory            (default build-gw)
#   MULTITIER_BENCH_DIR           work directory             (default <build>/bench)
#   MULTITIER_BENCH_COUNT         workers in the corpus      (default 100000)
#   MULTITIER_BENCH_DURATION      wrk duration per run       (default 20s)
#   MULTITIER_BENCH_CONNECTIONS   wrk connection counts      (default "8 50")
#   MULTITIER_BENCH_JOBS          build parallelism          (default 2)
#   MULTITIER_BENCH_GATEWAY_BIN   the gateway measured       (default the build's)
#   MULTITIER_BENCH_BASELINE_BIN  a gateway to compare with, e.g. one built from an earlier commit
#   MULTITIER_BENCH_ROUNDS        alternating rounds of the comparison (default 2)
#   MULTITIER_BENCH_COLD          0 keeps a saved index instead of timing a cold start (default 1)
#   MULTITIER_BENCH_PROFILE       0 skips the perf profile (default 1; skipped without perf)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/proc.sh

build=${MULTITIER_BENCH_BUILD:-build-gw}
work=${MULTITIER_BENCH_DIR:-$build/bench}
count=${MULTITIER_BENCH_COUNT:-100000}
duration=${MULTITIER_BENCH_DURATION:-20s}
connections=${MULTITIER_BENCH_CONNECTIONS:-8 50}
jobs=${MULTITIER_BENCH_JOBS:-2}
gateway=${MULTITIER_BENCH_GATEWAY_BIN:-$build/fixtures/gateway/multitier-gateway}
baseline=${MULTITIER_BENCH_BASELINE_BIN:-}
rounds=${MULTITIER_BENCH_ROUNDS:-2}
cold=${MULTITIER_BENCH_COLD:-1}
profile=${MULTITIER_BENCH_PROFILE:-1}
max_connections=$(tr ' ' '\n' <<<"$connections" | sort -n | tail -1)
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

# Starts a gateway ($1, default the measured one; in this shell, so its pid is ours to stop) and
# sets ready_s to the seconds until it is ready (the port file appears) and url.
ready_s=""
url=""
start_gateway() {
  local bin=${1:-$gateway}
  rm -f "$work/url"
  local start
  start=$(now)
  "$bin" --listen 127.0.0.1:0 --corpus "workers=$corpus" --port-file "$work/url" \
    >"$work/gateway.out" 2>"$work/gateway.err" &
  gateway_pid=$!
  until [[ -s $work/url ]]; do
    kill -0 "$gateway_pid" 2>/dev/null || { cat "$work/gateway.err" >&2; exit 1; }
    sleep 0.02
  done
  ready_s=$(elapsed "$start" "$(now)")
  url=$(cat "$work/url")
}

echo "== corpus: $count workers" >&2
t0=$(now)
"$corpus_bin" --count "$count" --seed 42 --out "$corpus"
corpus_s=$(elapsed "$t0" "$(now)")

cold_s="-"
if [[ $cold != 0 ]]; then
  echo "== cold start (index built and persisted)" >&2
  rm -f "$corpus".*.hnsw
  start_gateway
  cold_s=$ready_s
  stop_gateway
fi
echo "== warm restart (index loaded)" >&2
start_gateway
warm_s=$ready_s
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

run_wrk() {  # $1 = BENCH_UNIQUE value, $2 = connections; echoes "rps p50_ms p99_ms requests errors"
  local out=$work/wrk-$1-c$2.txt
  BENCH_UNIQUE=$1 wrk -t2 -c"$2" -d"$duration" --latency -s "$work/search.lua" "$url" >"$out"
  awk '/^BENCH/ {
         for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         printf "%.0f %.2f %.2f %d %d\n", v["requests"] / (v["duration_us"] / 1e6), v["p50_us"] / 1000,
                v["p99_us"] / 1000, v["requests"], v["socket_errors"] + v["non2xx"] }' "$out"
}
declare -A pool_rps pool_p50 pool_p99 uniq_rps uniq_p50 uniq_p99
searches=0
errors=0
for c in $connections; do
  echo "== wrk: seed query pool, $c connections, $duration" >&2
  read -r pool_rps[$c] pool_p50[$c] pool_p99[$c] n err < <(run_wrk 0 "$c")
  searches=$((searches + n)); errors=$((errors + err))
  echo "== wrk: unique queries (cache misses), $c connections, $duration" >&2
  read -r uniq_rps[$c] uniq_p50[$c] uniq_p99[$c] n err < <(run_wrk 1 "$c")
  searches=$((searches + n)); errors=$((errors + err))
done

# Where the uncached path's CPU goes: perf's software clock (no hardware counters needed),
# sampling every thread of the gateway while wrk sends unique queries, by symbol category.
profile_table=""
if [[ $profile != 0 ]] && command -v perf >/dev/null &&
   perf record -e cpu-clock -o "$work/perf.probe" -- true >/dev/null 2>&1; then
  echo "== perf profile: unique queries, $max_connections connections, $duration" >&2
  perf record -e cpu-clock -F 999 -o "$work/perf.data" -p "$gateway_pid" >/dev/null 2>"$work/perf.err" &
  perf_pid=$!
  run_wrk 1 "$max_connections" >/dev/null
  kill -INT "$perf_pid"; wait "$perf_pid" || true
  profile_table=$(perf report -i "$work/perf.data" --stdio --no-children --sort symbol -g none --percent-limit 0 2>/dev/null |
    awk '/^ *[0-9.]+%/ {
           pct = $1 + 0; line = $0
           if (line ~ /\[k\]/) cat = "kernel (TCP, epoll, scheduling)"
           else if (line ~ /hnswlib::/) cat = "index: HNSW graph search (hnswlib)"
           else if (line ~ /gateway::(embed|field_words|field_key|query_fields|query_vector|FieldVocabulary|\(anonymous namespace\)::(add_word|add_field|add_feature|for_each_word))/) cat = "embedding the query"
           else if (line ~ /gateway::(dot|Corpus::distance|Corpus::nearest|merged_search)/) cat = "re-scoring and merging hits"
           else if (line ~ /rapidjson::/) cat = "JSON parse and serialise (RapidJSON)"
           else if (line ~ /boost::/) cat = "HTTP and I/O (Beast, Asio)"
           else cat = "other (libc, allocator, the rest)"
           share[cat] += pct
         }
         END { for (c in share) printf "%.1f\t%s\n", share[c], c }' | sort -rn | awk -F'\t' '{ printf "  %-44s %6.1f %%\n", $2, $1 }')
fi
rss_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$gateway_pid/status")
hwm_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$gateway_pid/status")
stats=$(curl -s "$url/stats")
stop_rc=0
stop_gateway || stop_rc=$?

# Before/after: the uncached path on the baseline and the measured binary, alternating per round
# so drift in machine load favours neither. Each binary loads (or first builds) its own index.
# The gateway's user+sys CPU in clock ticks.
cpu_ticks() { proc_cpu_ticks "$gateway_pid"; }
clk_tck=$(getconf CLK_TCK)
declare -A cmp_rps cmp_cpu
if [[ -n $baseline ]]; then
  for round in $(seq 1 "$rounds"); do
    for which in baseline measured; do
      bin=$gateway; [[ $which == baseline ]] && bin=$baseline
      echo "== round $round: $which ($bin), unique queries" >&2
      start_gateway "$bin"
      for c in $connections; do
        t0=$(cpu_ticks)
        read -r rps _ _ n err < <(run_wrk 1 "$c")
        cmp_rps[$which,$c,$round]=$rps
        cmp_cpu[$which,$c,$round]=$(awk -v t="$(( $(cpu_ticks) - t0 ))" -v hz="$clk_tck" -v n="$n" \
                                      'BEGIN { printf "%.0f", (n > 0 ? t / hz * 1e6 / n : 0) }')
        errors=$((errors + err))
      done
      stop_gateway || true
    done
  done
fi

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
for c in $connections; do
  printf '%-44s %14s %10s %s\n' "search, seed pool, c=$c: throughput" "${pool_rps[$c]} req/s" "" ""
  printf '%-44s %14s %10s %s\n' "search, seed pool, c=$c: p50 / p99" "${pool_p50[$c]} / ${pool_p99[$c]} ms" "" ""
  printf '%-44s %14s %10s %s\n' "search, unique queries, c=$c: throughput" "${uniq_rps[$c]} req/s" "" ""
  printf '%-44s %14s %10s %s\n' "search, unique queries, c=$c: p50 / p99" "${uniq_p50[$c]} / ${uniq_p99[$c]} ms" "" ""
done
printf '%-44s %14s %10s %s\n' "wrk errors (socket + non-2xx)" "$errors" "0" "$(verdict "$errors" 0 max)"
printf '%-44s %14s %10s %s\n' "recall@10 vs exact search" "$recall" ">= 0.95" "$(verdict "$recall" 0.95 min)"
printf '%-44s %14s %10s %s\n' "gateway exit status on SIGTERM" "$stop_rc" "0" "$(verdict "$stop_rc" 0 max)"
if [[ -n $profile_table ]]; then
  echo
  echo "uncached search, share of the gateway's CPU samples (perf, cpu-clock, c=$max_connections):"
  echo "$profile_table"
fi
if [[ -n $baseline ]]; then
  echo
  echo "uncached search, baseline $baseline vs measured $gateway:"
  echo "throughput in req/s; the gateway's CPU (user+sys) per request in us, less sensitive to other load"
  printf '%-6s %-6s %10s %10s %8s   %10s %10s %8s\n' "round" "conns" "base req/s" "meas req/s" "change" \
    "base us" "meas us" "change"
  pct() { awk -v b="$1" -v m="$2" 'BEGIN { printf "%+.1f%%", (m / b - 1) * 100 }'; }
  for round in $(seq 1 "$rounds"); do
    for c in $connections; do
      b=${cmp_rps[baseline,$c,$round]}; m=${cmp_rps[measured,$c,$round]}
      bc=${cmp_cpu[baseline,$c,$round]}; mc=${cmp_cpu[measured,$c,$round]}
      printf '%-6s %-6s %10s %10s %8s   %10s %10s %8s\n' "$round" "$c" "$b" "$m" "$(pct "$b" "$m")" "$bc" "$mc" "$(pct "$bc" "$mc")"
    done
  done
fi
echo
echo "wrk completed $searches searches; gateway /stats: $stats"
echo "(details: $work/wrk-*.txt, $work/gateway.err)"
